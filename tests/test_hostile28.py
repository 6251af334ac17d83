"""Hostile round 28 (a fuzz of 3,000 mutated shipped documents, 568 hostile flags, 268 API calls):
each defect it found, fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco

ARTICLE = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]


def test_an_extends_id_too_long_for_a_file_name_is_an_input_error(run, tmp_path: Path) -> None:
    """An id of 300 characters was tried as the sibling file '<id>.toml', whose name is too long for the
    file system (exit 3); ids of 65-250 characters already got the id's limit."""
    path = tmp_path / "long-extends.toml"
    path.write_text(f'extends = "{"x" * 300}"\n')
    r = run("compare", "a100-80gb", "-w", str(path))
    assert r.exit_code == 1
    assert r.stderr.strip() == f"Error: {path}: extends: unknown workload: an id has at most 64 characters, got 300"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", f"a100-80gb@{'9' * 4301}", "-w", "gpt3-1.3b"], "accelerator: expected ID@COUNT with COUNT at most 1,000,000,000"),
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", f"scenario.pue=1:2:{'9' * 4301}"],
            "--vary: scenario.pue: at most 5,000,000 points per axis, got a number of 4,301 digits",
        ),
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:99999999999"],
            "--vary: scenario.pue: at most 5,000,000 points per axis, got 99,999,999,999",
        ),
        (["compare", "a100-80gb@0000", "-w", "gpt3-1.3b"], "accelerator: expected ID@COUNT with a whole COUNT of at least 1"),
    ],
)
def test_a_count_of_thousands_of_digits_is_an_input_error(run, args: list[str], message: str) -> None:
    """Python refuses int() on more than 4,300 digits: the parsers of ID@COUNT and LO:HI:N now look at
    the number of digits first (exit 3 before)."""
    r = run(*args)
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {message}") and len(r.stderr.strip().splitlines()) == 1


def test_a_value_near_the_float_maximum_swings_to_it_in_sensitivity(run) -> None:
    """±20 % of 1.6e308 is 1.92e308, no float: the row's high end overflowed the result model (exit 3).
    It now swings to the largest float."""
    r = run("sensitivity", *ARTICLE, "--set", "workload.training_tokens=1.6e308", "--vs", "mlu370-s4", "-f", "json")
    assert r.exit_code == 0
    import json
    import sys

    row = next(x for x in json.loads(r.stdout)["results"] if x["param"] == "workload.training_tokens")
    assert row["high"] == sys.float_info.max and row["low"] == pytest.approx(1.28e308)


@pytest.mark.parametrize(
    "call",
    [
        lambda i: tco.what_if(i, {"scenario.pue": [10**400]}),
        lambda i: tco.what_if(i, {"scenario.pue": [True]}),
        lambda i: tco.cashflow(i, revenue_usd_per_day=10**400),
        lambda i: tco.cashflow(i, lease_usd_per_month=10**400),
        lambda i: tco.cashflow(i, lease_usd_per_month=100, lease_months=10**400),
        lambda i: tco.calibrate(refit="yes"),  # (was read as True: a refit of minutes)
    ],
)
def test_the_api_refuses_numbers_no_float_holds_with_its_own_error(call) -> None:
    """A 400-digit int raised a builtin OverflowError from what_if and cashflow."""
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
    with pytest.raises(tco.InputError, match="expected"):
        call(inputs)


def test_a_shared_input_that_overflows_every_cost_is_blamed_on_its_file_and_key(run, tmp_path: Path) -> None:
    """service_life_years = 1e308 in a workload file was reported as 'no finite cost' against each
    accelerator's shipped profile; it now names the file and the key, once for both options."""
    path = tmp_path / "wl-life.toml"
    path.write_text('extends = "chat-70b"\nid = "chat-long"\nservice_life_years = 1e308\n')
    r = run("compare", "a100-80gb", "h100-sxm", "-w", str(path))
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        f"Error: {path}: service_life_years: the inputs give no finite cost: service_life_years = 1e+308 overflows the arithmetic"
    )
    r = run("compare", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.electricity_usd_per_kwh=1e308")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: scenario.electricity_usd_per_kwh: ")


def test_an_accelerator_value_that_overflows_names_the_option_and_the_key(run) -> None:
    r = run("compare", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--set", "a100-80gb.tdp_w=1e308")
    assert r.exit_code == 0
    assert "a100-80gb is infeasible: the inputs give no finite cost for a100-80gb: tdp_w = 1e+308 overflows the arithmetic" in r.stderr


def test_a_breakeven_chart_with_the_solved_input_set_draws_as_breakeven_answers(run, tmp_path: Path) -> None:
    """tco breakeven takes a --set of the input it solves for (it only sets the range); the chart
    refused it in the Python API's words ('changes: ... sets=')."""
    out = tmp_path / "p.svg"
    r = run("plot", "breakeven", *ARTICLE, "--set", "scenario.cost_of_delay_usd_per_day=100", "-o", str(out))
    assert r.exit_code == 0 and out.read_bytes().startswith(b"<?xml")


def test_a_failing_run_prints_its_error_alone(run) -> None:
    """Notes about options left out came before the one Error line; they are held until the run succeeds."""
    r = run("breakeven", "l20", "a100-80gb", "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and [line.split(":")[0] for line in r.stderr.strip().splitlines()] == ["Error"]
    ok = run("compare", "l20", "a100-80gb", "-w", "gpt3-1.3b")
    assert ok.exit_code == 0 and "Note: l20 is not ranked" in ok.stderr
