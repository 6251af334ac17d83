"""Hostile round 69 (cash flow's flags, --set's unread warning, ...): each defect fixed, with a test."""

from __future__ import annotations

import decimal

import pytest

import tco


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (["--revenue-usd-per-day", "inf"], "Error: --revenue-usd-per-day: expected a finite revenue >= 0, got inf"),
        (["--revenue-usd-per-day", "9" * 400], "Error: --revenue-usd-per-day: expected a finite revenue >= 0, got inf"),
        (["--lease-usd-per-month", "inf"], "Error: --lease-usd-per-month: expected a finite positive lease rate, got inf"),
        (
            ["--lease-usd-per-month", "1000", "--lease-months", "nan"],
            "Error: --lease-months: expected a finite positive lease term, got nan",
        ),
    ],
)
def test_a_cash_flow_flag_that_is_not_finite_is_refused_as_not_finite(run, flags: list[str], line: str) -> None:
    """1: 'tco cashflow ... --revenue-usd-per-day inf' (or a 400-digit number, which a float reads as inf) was
    refused with 'expected a revenue >= 0, got inf': a message that contradicts itself, since inf is >= 0. The
    lease rate and term said the same ('expected a positive lease rate, got inf'). Each now says the value must
    be finite."""
    r = run("cashflow", "h100-sxm@8", "-w", "llama3-8b", *flags)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == line


def test_the_python_api_says_the_same_for_a_decimal_too_large_for_a_float() -> None:
    inputs = tco.load_inputs(["h100-sxm@8"], workload="llama3-8b")
    with pytest.raises(tco.InputError, match=r"^revenue_usd_per_day: expected a finite revenue >= 0, got inf$"):
        tco.cashflow(inputs, revenue_usd_per_day=decimal.Decimal("1e400"))
    with pytest.raises(tco.InputError, match=r"^revenue_usd_per_day: expected a revenue >= 0, got -1$"):
        tco.cashflow(inputs, revenue_usd_per_day=-1)
