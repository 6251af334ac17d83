"""Hostile round 75 (--currency in any case on every supported typer, ...): each defect fixed, with a test."""

from __future__ import annotations

import pytest

from tests.factories import run_main


@pytest.mark.parametrize("spelling", ["cny", "Cny", "CNY", " cny "])
def test_currency_takes_any_case_as_the_python_api_does(capsys, spelling) -> None:
    """1: 'tco compare a100-80gb -w gpt3-1.3b --currency cny' said "'cny' is not one of 'USD', 'CNY', 'EUR'" (exit 2),
    while tco.compare(inputs, currency='cny') reports in CNY. The command reads the flag in any case in its body (a
    typer parser= also ran on the default on typer 0.20, refusing every compare -f csv)."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", spelling, "-f", "json")
    assert (code, error) == (0, "a100-80gb: effective cost ¥3,939, market in 114.0 days\n"), error
    assert '"currency": "CNY"' in out


def test_csv_without_currency_still_runs_and_a_converted_csv_is_still_refused(capsys) -> None:
    """1: the default (USD) is not read as a conversion: compare -f csv runs; --currency eur -f csv is refused as before."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-f", "csv")
    assert code == 0, error
    assert out.startswith("schema_version,workload,scenario,accelerator,") and out.count("\n") == 3
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", "usd", "-f", "csv")
    assert code == 0, error
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", "eur", "-f", "csv")
    assert (code, out) == (2, "")
    assert error == (
        "Error: Invalid value for --currency: converts table, markdown and json output (json says its currency); csv columns"
        " are named in USD (…_usd) and stay in USD (see 'tco compare --help')\n"
    )


def test_an_unknown_currency_is_a_usage_error_in_the_python_apis_words(capsys) -> None:
    """1: an unknown currency is still a usage error (exit 2); --help still shows the documented spellings."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", "gbp")
    assert (code, out) == (2, "")
    assert error == "Error: Invalid value for '--currency': expected USD, CNY or EUR, got 'gbp' (see 'tco compare --help')\n"
    code, out, _ = run_main(capsys, "compare", "--help")
    assert code == 0 and "--currency <USD|CNY|EUR>" in out and "[default: USD]" in out
