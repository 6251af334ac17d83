"""Hostile round 88 (the finance analyses at their edges, as a procurement analyst pushes them: size, cashflow,
simulate, breakeven and sensitivity with limits at 0, tiny and huge, rates, rent and buy, stages and currencies): a
scenario that leaves the cost of capital unknown had its cash flow discounted at 0 % without a word (a rented option
needs no capital charge, so nothing stopped it), and one that leaves the economic depreciation unknown resold a bought
fleet at its full price; a break-even or sweep over the resale's depreciation, or over an exchange rate no input is
quoted in, moved nothing and said nothing, where one over a rental rate of a part only bought warns; a break-even over
a stage's precision said it had no value to build a range from, not that a precision is no number; two options
reaching the market on the same date by two float paths were 1.4e-14 days apart, a delay penalty of $1.4e-10 and a
cash-flow note of '1.421e-14 days late'; size took --set workload.accelerator_count, the count it searches for itself,
and read it nowhere (an option's @COUNT is refused); size took a --set of the cost of delay or the deadline, which it
never reads, without a word; a break-even over a stage's sequence length or batch left to the workload's found no
value to range from, though the stage runs at the workload's; a Monte Carlo range a --set stretched past the floats
blamed the shipped file for it. Each is fixed and tested here."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import tco
from tests.factories import one_error


def _scenario(tmp_path: Path, name: str, line: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'extends = "default"\nid = "{name}"\nname = "{name}"\n{line}\n', encoding="utf-8")
    return path


def test_an_unknown_cost_of_capital_is_not_a_cash_flow_discounted_at_nothing(run, tmp_path: Path) -> None:
    """1: ``tco cashflow h100-sxm@1024:rent -w llama3-8b -s s.toml`` with ``cost_of_capital = {}`` (unknown on purpose)
    printed 'discounted at 0.0% a year' and an NPV equal to the undiscounted total: a rented option has no capital
    charge, so compare ranked it, and the cash flow read the unknown rate as 0. The cash flow discounts every option:
    it now asks for the rate, naming the file and key, as an analysis asks for any input it needs."""
    path = _scenario(tmp_path, "nocap", "cost_of_capital = {}")
    line = one_error(run("cashflow", "h100-sxm@1024:rent", "-w", "llama3-8b", "-s", str(path)))
    assert line == (
        f"Error: {path}: cost_of_capital: unknown, and the analysis needs it; give it with --set scenario.cost_of_capital=VALUE"
    )
    # the bought option beside it (left out of compare for the capital charge) does not change the answer
    assert one_error(run("cashflow", "h100-sxm@1024", "h100-sxm@1024:rent", "-w", "llama3-8b", "-s", str(path))) == line
    # given the rate, the rent is discounted: 10 % a year over its ~0.16 years, so the NPV is below the total
    r = run("cashflow", "h100-sxm@1024:rent", "-w", "llama3-8b", "-s", str(path), "--set", "scenario.cost_of_capital=0.1", "-f", "json")
    assert r.exit_code == 0, r.stderr
    option = json.loads(r.stdout)["results"][0]
    assert json.loads(r.stdout)["discount_rate"] == 0.1
    assert 0.98 * option["total_cost_usd"] < option["npv_cost_usd"] < option["total_cost_usd"]


def test_an_unknown_economic_depreciation_is_not_a_fleet_resold_at_its_full_price(run, tmp_path: Path) -> None:
    """2: ``tco cashflow h100-sxm@1024 -w llama3-8b -s s.toml`` with ``economic_depreciation_oom_per_year = {}``
    resold the 1,024 H100s at $42,363,904, their whole capex (10^(−0·t)), and gave an NPV of $1,268,554 against
    $3,984,324 with Epoch's 0.14: compare never reads the depreciation, so nothing stopped the unknown. The cash flow
    of a bought option now asks for it; a rented one, which resells nothing, does not."""
    path = _scenario(tmp_path, "nodep", "economic_depreciation_oom_per_year = {}")
    line = one_error(run("cashflow", "h100-sxm@1024", "h100-sxm@1024:rent", "-w", "llama3-8b", "-s", str(path)))
    assert line == (
        f"Error: {path}: economic_depreciation_oom_per_year: unknown, and the analysis needs it; "
        "give it with --set scenario.economic_depreciation_oom_per_year=VALUE"
    )
    assert run("cashflow", "h100-sxm@1024:rent", "-w", "llama3-8b", "-s", str(path)).exit_code == 0
    # given, the residual is capex · 10^(−0.14·t), t from delivery to the end of the run (deployment 42 days + the run)
    sets = ("--set", "scenario.economic_depreciation_oom_per_year=0.14")
    flow = json.loads(run("cashflow", "h100-sxm@1024", "-w", "llama3-8b", "-s", str(path), *sets, "-f", "json").stdout)["results"][0]
    comp = json.loads(run("compare", "h100-sxm@1024", "-w", "llama3-8b", "-f", "json").stdout)["results"][0]
    t = (comp["deployment_days"] + comp["porting_days"] + comp["time_to_converge_hours"] / 24) / 365.25
    year = flow["years"][0]
    assert year["capex_usd"] == comp["capex_usd"] == 42_363_904
    assert year["residual_usd"] == pytest.approx(42_363_904 * 10 ** (-0.14 * t), rel=1e-12)  # ~0.933 of it, t ~0.214 y


@pytest.mark.parametrize(
    ("command", "why"),
    [
        (
            ("breakeven", "h100-sxm", "h100-sxm:rent", "--param", "scenario.economic_depreciation_oom_per_year"),
            "it sets the resale value in tco cashflow, not an effective cost",
        ),
        (("breakeven", "h100-sxm", "h100-sxm:rent", "--param", "scenario.usd_per_cny"), "no input of this run is quoted in CNY"),
        (("sweep", "h100-sxm", "--vary", "scenario.usd_per_eur=1,1.2"), "no input of this run is quoted in EUR"),
    ],
)
def test_a_break_even_over_an_input_no_effective_cost_reads_says_so(run, command: tuple[str, ...], why: str) -> None:
    """3: ``tco breakeven h100-sxm h100-sxm:rent -w llama3-8b --param scenario.economic_depreciation_oom_per_year``
    answered 'no tie ... h100-sxm:rent wins across the whole range' without a word that no effective cost reads the
    resale's depreciation (only tco cashflow does), nor did one over ``scenario.usd_per_cny`` with no input in yuan,
    where one over a bought part's rental rate warns 'no option reads it'. The inputs a --set is read by for the cash
    flow or --currency were taken as read by every analysis; a break-even or sweep now warns of them too."""
    r = run(*command, "-w", "llama3-8b")
    assert r.exit_code == 0, r.stderr
    flag = "--param" if command[0] == "breakeven" else "--vary"
    given = command[-1]
    assert f"Warning: {flag} {given}: no option reads it ({why})" in r.stderr
    # read where something reads them: a part priced in yuan, the capital charge of a bought option, the delay
    for args in (
        ("breakeven", "h800", "h100-sxm", "--param", "scenario.usd_per_cny"),
        ("breakeven", "h100-sxm", "h100-sxm:rent", "--param", "scenario.cost_of_capital"),
        ("breakeven", "h100-sxm", "h100-sxm:rent", "--param", "scenario.deadline_days", "--range", "30:400"),
    ):
        r = run(*args, "-w", "llama3-8b")
        assert r.exit_code == 0 and "no option reads it" not in r.stderr, r.stderr
    # a --set of the depreciation is still read (by the cash flow), so compare says nothing of it
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "scenario.economic_depreciation_oom_per_year=0.2")
    assert "no option reads it" not in r.stderr


STAGES = """extends = "llama3-8b"
id = "l8-stages"
name = "Llama 3 8B with long context"

[[stages]]
name = "long-context"
tokens = 8e11
seq_len = 32768
"""


def test_a_stage_precision_is_no_number_to_break_even_over(run, tmp_path: Path) -> None:
    """4: ``tco breakeven h100-sxm h100-sxm:rent -w stages.toml --param 'workload.stages[long-context].precision'``
    said 'has no value to build a default range from; give --range LO:HI', and with ``--range 1:2`` that 1 is not a
    precision: a stage that leaves its precision to the workload's has none written, and the path was taken for a
    number without one. It is a choice, refused as the workload's own precision is."""
    path = tmp_path / "stages.toml"
    path.write_text(STAGES, encoding="utf-8")
    param = "workload.stages[long-context].precision"
    for extra in ((), ("--range", "1:2")):
        line = one_error(run("breakeven", "h100-sxm", "h100-sxm:rent", "-w", str(path), "--param", param, *extra))
        assert (
            line == f"Error: --param: {param}: is not a numeric input (to compare its values, sweep them: tco sweep ... --vary {param}=A,B)"
        )
    assert one_error(run("breakeven", "h100-sxm", "h100-sxm:rent", "-w", str(path), "--param", "workload.precision")) == (
        "Error: --param: workload.precision: is not a numeric input (to compare its values, sweep them: tco sweep ... --vary "
        "workload.precision=A,B)"
    )
    line = one_error(run("sweep", "h100-sxm", "-w", str(path), "--vary", f"{param}=1,2"))  # (a choice's values since session 60)
    assert line == f"Error: --vary: {param}: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 1"
    # a stage's numbers are still ranged over: its sequence length, written, from ÷10 to ×10
    r = run("breakeven", "h100-sxm", "h100-sxm:rent", "-w", str(path), "--param", "workload.stages[long-context].seq_len", "-f", "json")
    assert r.exit_code == 0, r.stderr
    result = json.loads(r.stdout)["results"][0]
    assert (result["range_low"], result["range_high"]) == (3276, 327680)


def test_the_same_market_date_by_two_float_paths_is_no_delay(run) -> None:
    """5: ``tco compare h100-sxm@529:rent=2.1 h100-sxm@530:rent=2.1 -w llama3-8b`` (the 530th idles: the same
    1,024-sequence batch, the same run) showed the second 1.4e-14 days late with a $1.4e-10 delay penalty, and
    ``tco cashflow`` of the two with revenue added a delay-penalty column and the note 'the 1.421e-14 days late are
    charged once': the two times to market, 89.73655269913058 and 89.7365526991306, differ in the last bit. A time
    within 1e-12 of the fastest is the same date: no delay, no penalty, no note."""
    options = ("h100-sxm@529:rent=2.1", "h100-sxm@530:rent=2.1")
    rows = list(csv.DictReader(io.StringIO(run("compare", *options, "-w", "llama3-8b", "-f", "csv").stdout)))
    assert [float(r["time_to_market_days"]) for r in rows] == pytest.approx([89.7365527] * 2, rel=1e-9)
    assert [(r["delay_days"], r["delay_penalty_usd"]) for r in rows] == [("0", "0"), ("0", "0")]
    r = run("cashflow", *options, "-w", "llama3-8b", "--revenue-usd-per-day", "1000", "-f", "json")
    flows = json.loads(r.stdout)["results"]
    assert all(y["delay_penalty_usd"] == 0 for f in flows for y in f["years"])
    assert not any("days late" in n for f in flows for n in f["notes"])
    # a real difference is still a delay: 256 H100s reach the market 14.8 days after 512 (of which ~0 is noise)
    rows = list(
        csv.DictReader(io.StringIO(run("compare", "h100-sxm@512:rent=2.1", "h100-sxm@256:rent=2.1", "-w", "llama3-8b", "-f", "csv").stdout))
    )
    late = {r["option"]: float(r["delay_days"]) for r in rows}
    assert late["h100-sxm@512:rent=2.1"] == 0 and late["h100-sxm@256:rent=2.1"] > 1


def test_size_refuses_a_set_of_the_count_it_searches_for(run) -> None:
    """6: ``tco size h100-sxm -w llama3-8b --budget-usd 2e6 --set workload.accelerator_count=64`` answered 1,121 ×
    h100-sxm, as without the --set: size searches every count itself, and refuses an option's @COUNT for it ('size
    chooses the count itself: name h100-sxm@64 without @COUNT'), but took the workload's count and read it nowhere.
    It is refused the same way, naming the --set."""
    line = one_error(run("size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "2e6", "--set", "workload.accelerator_count=64"))
    assert line == (
        "Error: --set: workload.accelerator_count: size chooses the count itself, searching every count up to 131,072: "
        "leave out workload.accelerator_count=64"
    )
    with pytest.raises(tco.TcoError, match="size chooses the count itself"):
        tco.size(tco.load_inputs(["h100-sxm"], workload="llama3-8b", sets=["workload.accelerator_count=64"]), budget_usd=2e6)
    # other workload inputs are still read
    r = run("size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "2e6", "--set", "workload.training_tokens=1e13", "-f", "csv")
    assert r.exit_code == 0 and "size chooses" not in r.stderr


def test_size_says_it_reads_no_delay_penalty(run) -> None:
    """7: ``tco size h100-sxm -w llama3-8b --budget-usd 2e6 --set scenario.cost_of_delay_usd_per_day=5`` (or a --set
    of scenario.deadline_days) answered as without it, silently: size gives a count and its costs, never an effective
    cost, so the delay penalty's inputs are read by nothing in it. A warning now says so, and where the delay is
    weighed."""
    sets = ("--set", "scenario.cost_of_delay_usd_per_day=5", "--set", "scenario.pue=1.3", "--set", "SCENARIO.deadline_days=90")
    r = run("size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "2e6", *sets, "-f", "csv")
    assert r.exit_code == 0, r.stderr
    tail = (
        "size reads no delay penalty: it finds the count that meets the limit given (--deadline-days is a market date "
        "to meet); tco compare ID@COUNT weighs the delay"
    )
    assert f"Warning: --set scenario.cost_of_delay_usd_per_day=5: {tail}" in r.stderr
    assert f"Warning: --set SCENARIO.deadline_days=90: {tail}" in r.stderr
    assert "scenario.pue=1.3" not in r.stderr  # (the facility's PUE is read: the power and the energy)
    same = run("size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "2e6", "--set", "scenario.pue=1.3", "-f", "csv")
    assert same.stdout == r.stdout


ANNEAL = """extends = "gpt3-1.3b"
id = "g-anneal"
name = "GPT-3 1.3B with an annealing stage"

[[stages]]
name = "anneal"
tokens = 4e9
"""


def test_a_stage_at_the_workloads_length_and_batch_ranges_over_them(run, tmp_path: Path) -> None:
    """8: ``tco breakeven h100-sxm h100-sxm:rent -w anneal.toml --param 'workload.stages[anneal].seq_len'`` (a stage
    that gives only its tokens) said 'has no value to build a default range from; give --range LO:HI', and so of its
    global_batch_tokens: the stage runs at the workload's sequence length (2,048) and batch (here the default
    estimate, 2M × (1.3B/7B)^(1/3) = 1,141,069 tokens), over which ``--param workload.global_batch_tokens`` ranges.
    The stage's range is now ÷10 to ×10 of the value it runs at."""
    from tco.analysis.breakeven import default_range
    from tco.analysis.common import prepare, resolve_target

    path = tmp_path / "anneal.toml"
    path.write_text(ANNEAL, encoding="utf-8")
    r = run("breakeven", "h100-sxm", "h100-sxm:rent", "-w", str(path), "--param", "workload.stages[anneal].seq_len", "-f", "json")
    assert r.exit_code == 0, r.stderr
    result = json.loads(r.stdout)["results"][0]
    assert (result["range_low"], result["range_high"]) == (204, 20_480)
    # the batch: the same range as the workload's own (the search itself is the break-even's, tested elsewhere)
    prep = prepare(tco.load_inputs(["h100-sxm", "h100-sxm:rent"], workload=str(path)))
    batch = 2e6 * (1.3e9 / 7e9) ** (1 / 3)
    for param in ("workload.stages[anneal].global_batch_tokens", "workload.global_batch_tokens"):
        assert default_range(resolve_target(prep, param, where="--param")) == pytest.approx((batch / 10, batch * 10), rel=1e-12)
    # an input with no value anywhere still asks for a range
    line = one_error(run("breakeven", "h100-sxm", "h100-sxm:rent", "-w", str(path), "--param", "scenario.deadline_days"))
    assert line == "Error: --param: scenario.deadline_days: has no value to build a default range from; give --range LO:HI"


def test_a_range_a_set_stretched_past_the_floats_blames_that_set(run, tmp_path: Path) -> None:
    """9: ``tco simulate h100-sxm -w gpt3-1.3b --set scenario.cost_of_delay_usd_per_day.high=1e308`` said 'Error:
    .../profiles/scenarios/default.toml: cost_of_delay_usd_per_day: its range (1000 to 1e+308) is too wide to sample':
    the shipped scenario, whose range is 1,000 to 100,000, was blamed for the end the --set gave (a --set of a range's
    end leaves the value as it was, so it was not taken as writing the input). The end that stretches the range is
    now blamed where a --set gave it; the file still is where its own end does."""
    tail = "is too wide to sample: its distribution's tail passes the largest number a float holds (1.8e308); narrow it"
    r = run("simulate", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.cost_of_delay_usd_per_day.high=1e308", "-n", "50", "-q")
    assert one_error(r) == f"Error: --set: scenario.cost_of_delay_usd_per_day.high: its range (1000 to 1e+308) {tail}"
    r = run("simulate", "h100-sxm", "-w", "gpt3-1.3b", "--set", "h100-sxm.price_usd.high=1e300", "-n", "50", "-q")
    assert one_error(r) == f"Error: --set: h100-sxm.price_usd.high: its range (24400 to 1e+300) {tail}"
    # the file's own end stretches it: a --set that raised the other end (1e-300 to 1,000) is not the cause
    path = _scenario(tmp_path, "wide", "cost_of_delay_usd_per_day = { value = 10000, low = 1e-300, high = 1e300 }")
    sets = ("--set", "scenario.cost_of_delay_usd_per_day.low=1000")
    r = run("simulate", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(path), *sets, "-n", "50", "-q")
    assert one_error(r) == f"Error: {path}: cost_of_delay_usd_per_day: its range (1000 to 1e+300) {tail}"
    # and a --set that narrows it to something sampled runs
    r = run(
        "simulate", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(path), "--set", "scenario.cost_of_delay_usd_per_day.high=1e5", "-n", "50", "-q"
    )
    assert r.exit_code == 0, r.stderr
