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


# --------------------------------------------------------------------------- D3: scenarios list in USD


def test_scenarios_list_shows_eur_money_in_usd_at_the_scenarios_rate(run, user_profile) -> None:
    """EUR 0.20/kWh and EUR 5,000/day were listed as 0.2 and 5000 under `_usd` columns; at the shipped
    1.0817 USD per EUR they are $0.21634 and $5,408.50."""
    user_profile(
        "scenarios",
        "eur",
        'extends = "default"\nid = "eur"\nname = "EUR site"\n'
        'electricity_usd_per_kwh = { value = 0.2, currency = "EUR" }\n'
        'cost_of_delay_usd_per_day = { value = 5000, currency = "EUR" }\n',
    )
    r = run("scenarios", "list", "-f", "json")
    assert r.exit_code == 0, r.stderr
    eur = next(s for s in json.loads(r.stdout)["results"] if s["id"] == "eur")
    assert eur["electricity_usd_per_kwh"] == pytest.approx(0.2 * 1.0817)
    assert eur["cost_of_delay_usd_per_day"] == pytest.approx(5000 * 1.0817)


# --------------------------------------------------------------------------- D4: a varied option left out


def test_varying_an_option_left_out_says_why_it_was_left_out(run) -> None:
    """At 16 accelerators llama2-70b does not fit on the A100 40GB, so the sweep leaves it out; a --vary
    of its memory then said "'a100-40gb' is not scenario, workload or a compared accelerator"."""
    r = run(
        "sweep", "a100-40gb", "h100-sxm@32", "-w", "llama2-70b", "--set", "workload.accelerator_count=16",
        "--vary", "a100-40gb.memory_gb=40,200", "-f", "csv",
    )  # fmt: skip
    assert r.exit_code == 1 and r.stdout == ""
    line = r.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: --vary: a100-40gb.memory_gb: a100-40gb was left out at the values the analysis starts from (")
    assert "needs at least 36 accelerators" in line and "not scenario, workload" not in line


# --------------------------------------------------------------------------- D5: estimate's errors for Python callers


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"shape": {"layers": 0, "d_model": 4096}}, "shape['layers']: expected a whole number of at least 1, got 0"),
        ({"shape": {"layers": 32, "d_model": -5}}, "shape['d_model']: expected a whole number of at least 1, got -5"),
        ({"global_batch_tokens": -1.0}, "global_batch_tokens: expected a positive number, got -1"),
        ({"mode": "infer", "latency_percentile": 100.0}, "latency_percentile: expected less than 100, got 100"),
        ({"experts": 8}, "experts_per_token: experts and experts_per_token go together (an MoE workload needs both)"),
        ({"layout": {"tensor_parallel": 0}}, "layout['tensor_parallel']: expected at least 1, got 0"),
    ],
)
def test_estimate_names_its_arguments_for_a_python_caller(given: dict, expected: str) -> None:
    """Errors named flags (--global-batch), carried a "the command-line options" prefix, or blamed
    --params for a bad shape the caller gave in full."""
    with pytest.raises(tco.TcoError) as info:
        tco.estimate("a100-80gb", parameters=7e9, seq_len=2048, **given)
    assert str(info.value) == expected


def test_a_problem_list_reads_as_its_problems_read_now() -> None:
    from tco.errors import InputError, ProblemList

    a, b = InputError("bad", key="x"), InputError("worse", key="y")
    problems = ProblemList([a, b])
    b.key = "z"
    assert str(problems) == problems.message == "x: bad; z: worse"


# --------------------------------------------------------------------------- D6: a dirs= folder that is not one


@pytest.mark.parametrize(
    "call",
    [
        lambda d: tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", dirs=d),
        lambda d: tco.calibrate(dirs=d),
        lambda d: tco.accelerator_table(dirs=d),
    ],
)
def test_a_dirs_folder_that_does_not_exist_is_named(call, tmp_path) -> None:
    """`dirs=['/nonexistent']` said "unknown accelerator 'a100-80gb'" (the folder replaced the search path)."""
    missing = tmp_path / "nonexistent"
    with pytest.raises(tco.InputError) as info:
        call([missing])
    assert str(info.value) == f"{missing}: dirs: does not exist; expected folders holding accelerators/, workloads/, scenarios/"


def test_a_cash_flow_csv_appends_its_carbon_column(run) -> None:
    """The README promises a stable column order where new columns are only appended."""
    r = run("cashflow", "a100-80gb:rent", "-w", "llama3-8b", "--set", "scenario.carbon_usd_per_tonne=100", "-f", "csv")
    header = r.stdout.splitlines()[0].split(",")
    assert header[-4:] == ["net_cost_usd", "discounted_net_cost_usd", "cumulative_net_cost_usd", "carbon_usd"]
    assert header.index("residual_usd") == header.index("lease_usd") + 1


# --------------------------------------------------------------------------- D7: USD-only money says so


def test_a_currency_on_a_usd_only_money_input_says_it_is_usd_only(run) -> None:
    r = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", 'h100-sxm.server_usd_per_accelerator={value=20000, currency="CNY"}')
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: --set: h100-sxm.server_usd_per_accelerator.currency: this input is in USD only;")
    assert "(here: price_usd, rental.usd_per_hour)" in r.stderr
