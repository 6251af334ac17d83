"""Defects found in session 45's own review, each with a test that failed before its fix."""

from __future__ import annotations

import dataclasses

import pytest

import tco


def test_an_option_given_twice_through_the_api_is_refused_as_the_command_line_refuses_it() -> None:
    """``dataclasses.replace(inputs, options=[a, a])`` gave compare two rows named 'a100-80gb' (and the gap
    column, sensitivity's options and --set paths keyed by that label could not tell them apart), where
    ``tco compare a100-80gb a100-80gb`` says 'name the same option: give it once'. A copy with another count
    is another option (its label says the count) and stays allowed."""
    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    first, second = inputs.options
    with pytest.raises(tco.InputError) as info:
        dataclasses.replace(inputs, options=[first, first])
    assert str(info.value) == "inputs.options[1]: 'a100-80gb' is given twice: give each option once"
    with pytest.raises(tco.InputError, match=r"inputs.options\[2\]: 'h100-sxm' is given twice"):
        dataclasses.replace(inputs, options=[first, second, dataclasses.replace(second)])
    with pytest.raises(tco.InputError, match=r"inputs.left_out_options\[0\]: 'a100-80gb' is given twice"):
        dataclasses.replace(inputs, left_out_options=[first])
    eight = dataclasses.replace(first, count=8)
    rows = tco.compare(dataclasses.replace(inputs, options=[first, eight])).results
    assert sorted(r.option for r in rows) == ["a100-80gb", "a100-80gb@8"]
