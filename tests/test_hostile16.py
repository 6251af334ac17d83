"""Hostile round 16 (a scripter, a workbook user, a Chinese buyer): each defect as a test."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

import tco

# --------------------------------------------------------------------------- D1: a varied deadline counts


def _compare_effective(run, *sets: str) -> dict[str, float]:
    args = ["compare", "a100-80gb", "a100-80gb:rent", "-w", "llama3-8b", "-f", "json"]
    for s in sets:
        args += ["--set", s]
    r = run(*args)
    assert r.exit_code == 0, r.stderr
    return {o["option"]: o["effective_cost_usd"] for o in json.loads(r.stdout)["results"]}


def test_a_swept_deadline_counts_when_the_scenario_has_none(run) -> None:
    """The shipped scenario has no deadline: `--vary scenario.deadline_days` kept measuring delay behind
    the fastest option (every row the no-deadline figures); each row now equals compare --set."""
    r = run("sweep", "a100-80gb", "a100-80gb:rent", "-w", "llama3-8b", "--vary", "scenario.deadline_days=10,100", "-f", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    for d in ("10", "100"):
        expected = _compare_effective(run, f"scenario.deadline_days={d}")
        got = {row["option"]: float(row["effective_cost_usd"]) for row in rows if row["scenario.deadline_days"] == d}
        assert got == pytest.approx(expected, rel=1e-12)
    assert len({float(row["effective_cost_usd"]) for row in rows}) == 4  # the deadline moves every figure


def test_what_if_over_a_deadline_equals_compare() -> None:
    inputs = tco.load_inputs(["a100-80gb", "a100-80gb:rent"], workload="llama3-8b")
    w = tco.what_if(inputs, {"scenario.deadline_days": [10.0, 100.0]})
    for k, d in enumerate((10.0, 100.0)):
        at = tco.compare(tco.load_inputs(["a100-80gb", "a100-80gb:rent"], workload="llama3-8b", sets=[f"scenario.deadline_days={d}"]))
        for o in w.options:
            assert o.effective_cost_usd[k] == pytest.approx(next(r.effective_cost_usd for r in at.results if r.accelerator == o.option))


def test_breakeven_over_a_deadline_finds_the_tie_compare_shows(run) -> None:
    """At $20,000 a day compare's winner changes between deadlines of 100 and 150 days; breakeven said
    "no tie ... a100-80gb:rent wins across the whole range". The tie it reports is one: compare there
    gives both options the same effective cost."""
    cod = "scenario.cost_of_delay_usd_per_day=20000"
    pair = ("a100-80gb", "a100-80gb:rent")
    r = run("breakeven", *pair, "-w", "llama3-8b", "--set", cod, "--param", "scenario.deadline_days", "--range", "1:500")
    assert r.exit_code == 0, r.stderr
    tie = float(re.search(r"tie at scenario.deadline_days = ([\d.]+)", r.stdout).group(1))
    assert 100 < tie < 150
    at = _compare_effective(run, cod, f"scenario.deadline_days={tie}")
    assert at["a100-80gb"] == pytest.approx(at["a100-80gb:rent"], rel=1e-4)


# --------------------------------------------------------------------------- D2: cash flow with a carbon price


def test_the_cash_flow_carries_the_carbon_price_compare_charges() -> None:
    """A rented option's undiscounted cash flow is its job cost (no capex, residual or delay): with a
    carbon price of $1,000 a tonne it was short by exactly compare's carbon_usd ($674k)."""
    inputs = tco.load_inputs(["a100-80gb:rent"], workload="llama3-8b", sets=["scenario.carbon_usd_per_tonne=1000"])
    res = tco.compare(inputs).results[0]
    flow = tco.cashflow(inputs).options[0]
    assert res.carbon_usd is not None and res.carbon_usd > 1e5
    assert sum(y.carbon_usd for y in flow.years) == pytest.approx(res.carbon_usd, rel=1e-12)
    assert flow.total_cost_usd == pytest.approx(res.job_cost_usd, rel=1e-12)


def test_the_cash_flow_lines_are_rendered_in_one_order() -> None:
    from tco.analysis.cashflow import LINES
    from tco.render import CASHFLOW_LINES

    assert CASHFLOW_LINES == LINES
