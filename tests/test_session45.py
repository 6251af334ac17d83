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


@pytest.mark.parametrize(("argument", "value"), [("seq_len", 2**64), ("max_batch", 10**16)])
def test_estimate_says_a_too_large_whole_number_in_its_own_words(argument: str, value: int) -> None:
    """``tco.estimate(seq_len=2**64)`` raised pydantic's 'expected at most 1,000,000,000,000,000,
    got 1.84467e+19' (a ProblemList from the workload model), where every other whole-number argument says
    'expected at most N, got M' in tco's words; the bound is the one --help shows ([1<=x<=1000000000000000])."""
    extra = {"mode": "infer"} if argument == "max_batch" else {}
    with pytest.raises(tco.InputError) as info:
        tco.estimate("a100-80gb", parameters=7e9, **{argument: value}, **extra)
    assert type(info.value) is tco.InputError
    assert str(info.value) == f"{argument}: expected at most 1,000,000,000,000,000, got {value:,}"
    tco.estimate("a100-80gb", parameters=7e9, **{argument: 4096}, **extra)  # (in range: answers)


def test_the_serving_search_tries_only_replicas_an_option_may_fix() -> None:
    """On nodes of 3 devices the search tried replicas of 1, 2, 4, 8, ... and planned a replica of 4 (tensor 3,
    '4 // 3' = one stage, the memory of four) that ``h100-sxm@4`` is refused as ('no tensor-parallel layout: give
    a power of two up to 3, or a multiple of 3'). It now tries the sizes @N may give: powers of two within the
    node, then whole nodes doubling; on nodes of a power of two, 1 .. 64 as before. (Found by mutation sample 45.)"""
    from tco import serving

    assert serving.replica_sizes(8) == serving.replica_sizes(4) == serving.replica_sizes(256) == (1, 2, 4, 8, 16, 32, 64)
    assert serving.replica_sizes(3) == (1, 2, 3, 6, 12, 24, 48)
    assert serving.replica_sizes(12) == (1, 2, 4, 8, 12, 24, 48)
    # 1e11 parameters in BF16 (200 GB) on 80 GB parts: three hold them, two do not.
    args = {
        "parameters": 1e11,
        "mode": "infer",
        "sets": ["h100-sxm.interconnect.devices_per_node=3"],
        "shape": {"layers": 1, "d_model": 8192},
    }
    chosen = tco.estimate("h100-sxm", **args)
    assert chosen.replica_accelerators == chosen.min_accelerators_for_memory == 3
    fixed = tco.estimate("h100-sxm", replica=3, **args)
    assert fixed.tokens_per_second_per_accelerator == chosen.tokens_per_second_per_accelerator
    with pytest.raises(tco.InfeasibleError, match="a replica of 4 × h100-sxm has no tensor-parallel layout"):
        tco.estimate("h100-sxm", replica=4, **args)


@pytest.mark.parametrize(
    ("flag", "limit", "shown"), [("budget_usd", 0.5, "$0.5"), ("capex_usd", 1e-300, "$1e-300"), ("budget_usd", 99.5, "$99.5")]
)
def test_a_sizing_budget_below_a_hundred_dollars_is_not_shown_as_zero(flag: str, limit: float, shown: str) -> None:
    """``tco size a100-80gb --budget-usd 0.5`` said 'exceeds $0': the limit was rounded to whole dollars. Below $100 it
    keeps its significant digits (found by hostile round 67: a budget of 1e-300 read '$0')."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InfeasibleError) as info:
        tco.size(inputs, **{flag: limit})
    assert f"even the minimum count that fits in memory (1) exceeds {shown}; the least " in str(info.value)
