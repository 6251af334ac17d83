"""Hostile round 21 (the tornado's rows at whose end an option cannot run, the workbook's new sheets)."""

from __future__ import annotations

import json

import pytest

ARTICLE = ["-w", "gpt3-1.3b", "-s", "article"]


@pytest.mark.parametrize("first", ["mlu370-s4", "a100-80gb"])
def test_the_tornado_chart_draws_an_end_at_which_its_option_cannot_run(run, tmp_path, first: str) -> None:
    """With the MLU370-S4 first, the chart crashed ("internal error", exit 3) on 20 % more parameters,
    at which its measured run passes its peak, and so did the whole report. (The chart now draws the
    cheapest option, the A100, in either order (hostile round 25): the MLU alone shows that end.)"""
    pytest.importorskip("matplotlib")
    other = "a100-80gb" if first == "mlu370-s4" else "mlu370-s4"
    chart = tmp_path / "t.svg"
    assert run("plot", "tornado", first, other, *ARTICLE, "-o", str(chart)).exit_code == 0
    assert "What moves a100-80gb" in chart.read_text()
    assert run("plot", "tornado", "mlu370-s4", *ARTICLE, "-o", str(chart)).exit_code == 0
    assert "cannot run at high" in chart.read_text()
    assert run("report", first, other, *ARTICLE, "-n", "100", "-o", str(tmp_path / "r.html")).exit_code == 0


def test_a_row_flips_the_decision_only_when_the_other_option_then_wins(run) -> None:
    """20 % more measured tokens/s stop the MLU370-S4 (past its peak), which loses at the central values
    anyway: no flip (it said "yes"); the lead times, which move the market dates past the 1.2-day gap, do flip."""
    rows = json.loads(run("sensitivity", "a100-80gb", *ARTICLE, "--vs", "mlu370-s4", "-f", "json").stdout)["results"]
    by = {r["param"]: r for r in rows}
    bench = by["mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second"]
    assert bench["flips_decision"] is False and bench["difference_swing_usd"] is None
    assert by["a100-80gb.lead_time_weeks"]["flips_decision"] is True


def test_a_flip_to_the_option_that_still_runs() -> None:
    from tco.analysis.sensitivity import _winner

    assert _winner(1.0, 2.0) == 0 and _winner(2.0, 1.0) == 1 and _winner(1.0, 1.0) is None
    assert _winner(float("nan"), 5.0) == 1 and _winner(5.0, float("inf")) == 0 and _winner(float("nan"), float("nan")) is None


def test_a_workbook_keeps_an_id_that_reads_as_a_non_finite_number(run, tmp_path, user_profile) -> None:
    """An option `nan` became an empty cell in the analysis sheets (the CSV's "nan" parsed as a number)."""
    openpyxl = pytest.importorskip("openpyxl")
    user_profile("accelerators", "nan", 'extends = "a100-80gb"\nid = "nan"\nname = "NaN card"\n')
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", "nan", "-w", "gpt3-1.3b", "-o", str(path)).exit_code == 0
    wb = openpyxl.load_workbook(path)
    rows = list(wb["Cash flow"].iter_rows(values_only=True))
    assert rows[1][0] == "nan" and rows[-1][:2] == ("nan", "NPV")  # the cash flow's option column
    summary = list(wb["Cash flow summary"].iter_rows(values_only=True))
    assert any("nan" in r for r in summary)  # and the summary's, from the CSV text


def test_the_sensitivity_summary_sheet_has_the_central_costs(run, tmp_path) -> None:
    """The swings are measured from the central costs, which the summary sheet left out (it skipped every table)."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "s.xlsx"
    assert run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-o", str(path)).exit_code == 0
    fields = {r[0]: r[1] for r in openpyxl.load_workbook(path)["Sensitivity summary"].iter_rows(values_only=True)}
    central = json.loads(run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-f", "json").stdout)["central_effective_cost_usd"]
    for option, cost in central.items():
        assert fields[f"central_effective_cost_usd.{option}"] == pytest.approx(cost, rel=1e-12)


@pytest.mark.parametrize(
    ("mode", "path", "only"),
    [("infer", "workload.accelerator_count=4", "training (--mode train)"), ("train", "workload.max_batch=4", "serving (--mode infer)")],
)
def test_an_estimate_set_of_the_other_modes_input_says_so(run, mode: str, path: str, only: str) -> None:
    """It said "give --count instead" in serving mode, where --count is refused."""
    r = run("estimate", "h100-sxm", "--params", "13e9", "--mode", mode, "--set", path)
    assert r.exit_code == 1
    assert r.stderr.strip() == f"Error: --set: {path.split('=')[0]}: applies to {only} only"
