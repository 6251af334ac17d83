"""Hostile round 72 (estimate's flags, ...): each defect fixed, with a test."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("flag", ["--params", "--tokens", "--global-batch"])
@pytest.mark.parametrize("text", ["7__0B", "_7B", "7_B", "7B_", "1,5B", "7,000,000,000"])
def test_estimate_reads_its_counts_as_every_number_flag_does(run, flag, text) -> None:
    """1: 'tco estimate h100-sxm --params 7__0B' estimated a 70B model, and '--params 1,5B' a 15B one (a decimal
    comma read as grouping): estimate's count flags (--params, --tokens, --global-batch, --total-params) dropped
    every underscore and comma, while --set, ID@COUNT and the other number flags take single underscores between
    digits only. They are now read alike: such text is refused, naming the flag."""
    args = ["--params", "7B"] if flag != "--params" else []
    r = run("estimate", "h100-sxm", *args, flag, text)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == f"Error: {flag}: expected a number such as 6.7e9 or 6.7B, got '{text}'"


def test_estimate_still_reads_grouped_digits_and_suffixes(run) -> None:
    r = run("estimate", "h100-sxm", "--params", "70_000M", "-f", "json")
    assert r.exit_code == 0, r.output
    assert '"parameters": 70000000000.0' in r.stdout
