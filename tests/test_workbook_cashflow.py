"""The cash flow in the workbook: formulas over the Calc sheets' totals that LibreOffice recalculates
to the engine's figures, follow edits to the assumptions as --set does, and carry charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco import loader
from tests.test_workbook import needs_soffice, recalculated, with_assumption

openpyxl = pytest.importorskip("openpyxl")

CASES = [
    ["a100-80gb", "mlu370-s4", "a100-80gb:rent", "-w", "gpt3-1.3b"],
    ["h100-sxm@4", "h100-sxm@4:rent", "-w", "chat-70b", "--lease-usd-per-month", "1500", "--lease-months", "48"]
    + ["--revenue-usd-per-day", "20000"],
    ["h100-sxm@64", "mi300x@64", "-w", "llama3-8b", "--set", "scenario.carbon_usd_per_tonne=100"],
]


def _engine(run, args: list[str]) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(run("cashflow", *args, "-f", "json").stdout)["results"]


def _sheet(wb: object) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    rows = list(wb["Cash flow"].iter_rows(values_only=True))  # type: ignore[index]
    out: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for r in rows[1:]:
        if r[0] is not None:
            out.setdefault(r[0], []).append(dict(zip(rows[0], r, strict=True)))
    return out


def _cells(year: dict) -> dict[str, float]:  # type: ignore[type-arg]
    return {k: v for k, v in year.items() if k.endswith("_usd")}


@needs_soffice
@pytest.mark.parametrize("args", CASES)
def test_the_recalculated_cash_flow_equals_the_engine(run, tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", *args, "-o", str(path)).exit_code == 0
    got = _sheet(recalculated(path, tmp_path))
    for option in _engine(run, args):
        rows = got[option["option"]]
        assert len(rows) == len(option["years"]) + 1  # the years, then the NPV row
        for year, row in zip(option["years"], rows, strict=False):
            assert row["year"] == year["year"]
            for key, want in _cells(year).items():
                assert row[key.removesuffix("_usd").replace("_", " ") + ", USD"] == pytest.approx(want, rel=1e-9, abs=1e-6), key
        assert rows[-1]["year"] == "NPV"
        assert rows[-1]["discounted net cost, USD"] == pytest.approx(option["npv_cost_usd"], rel=1e-9)
        assert rows[-1]["net cost, USD"] == pytest.approx(option["total_cost_usd"], rel=1e-9)


@needs_soffice
@pytest.mark.parametrize(
    ("scope", "key", "value"),
    [
        ("scenario", "cost_of_capital", 0.25),
        ("scenario", "electricity_usd_per_kwh", 0.4),
        ("scenario", "cost_of_delay_usd_per_day", 1e6),
        ("a100-80gb", "price_usd", 30000),
    ],
)
def test_an_edited_assumption_moves_the_npv_as_set_does(run, tmp_path: Path, scope: str, key: str, value: float) -> None:
    """The cost of capital only discounts, electricity moves the energy line, the cost of delay the
    penalty, the price the capex and its residual: none of them moves a date, so the sheet's NPV equals
    the engine's with --set."""
    args = ["a100-80gb", "mlu370-s4", "a100-80gb:rent", "-w", "gpt3-1.3b"]
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", *args, "-o", str(path)).exit_code == 0
    got = _sheet(recalculated(with_assumption(path, tmp_path, scope, key, value), tmp_path))
    for option in _engine(run, [*args, "--set", f"{scope}.{key}={value}"]):
        assert got[option["option"]][-1]["discounted net cost, USD"] == pytest.approx(option["npv_cost_usd"], rel=1e-9)


def test_cash_flow_cells_are_formulas_discounted_at_their_own_time(run, tmp_path: Path) -> None:
    """The A100's capex is paid at delivery, after its lead time of w weeks: its discount time is
    7 · w / 365.25 years, and the year's discounted cell holds (1 + r)^(−7w/365.25) with r the
    Assumptions' cell; the Results sheet and the cash flow each carry a chart."""
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", "a100-80gb", "a100-80gb:rent", "-w", "gpt3-1.3b", "-o", str(path)).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Cash flow"]
    head = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    assert first[:2] == ["a100-80gb", 0]
    capex = first[head.index("capex, USD")]
    assert capex.startswith("='Calc a100-80gb'!$B$")
    lead_weeks = loader.load_accelerator("a100-80gb").lead_time_weeks.value
    assert lead_weeks is not None
    t = lead_weeks * 7 / 365.25
    discounted = first[head.index("discounted net cost, USD")]
    assert "C2*(1+Assumptions!$C$" in discounted and f")^(-{t!r})" in discounted
    # every line is a formula, or 0 where none of it falls in the year (the A100 bought: no rent)
    assert all(v == 0 or (isinstance(v, str) and v.startswith("=")) for v in first[2:])
    assert first[head.index("rent, USD")] == 0 and first[head.index("energy, USD")].startswith("='Calc a100-80gb'!$B$")
    assert len(wb["Results"]._charts) == 1 and len(ws._charts) == 1


@pytest.mark.parametrize(
    ("command", "extra", "sheet", "series"),
    [
        ("sensitivity", [], "Sensitivity", ["a100-80gb.swing_usd", "mlu370-s4.swing_usd"]),
        ("simulate", ["-n", "50"], "Simulation", ["effective_cost_usd_p10", "effective_cost_usd_p50", "effective_cost_usd_p90"]),
    ],
)
def test_an_analysis_sheet_carries_a_chart_of_its_own_columns(
    run, tmp_path: Path, command: str, extra: list[str], sheet: str, series: list[str]
) -> None:
    """Sensitivity: each option's swing per input; simulation: the effective cost's percentiles per option.
    Each series is a column of the sheet, found by its header, over every record."""
    path = tmp_path / "a.xlsx"
    assert run(command, "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", *extra, "-o", str(path)).exit_code == 0
    ws = openpyxl.load_workbook(path)[sheet]
    head = [c.value for c in ws[1]]
    (chart,) = ws._charts
    refs = [s.val.numRef.f for s in chart.series]
    letters = [openpyxl.utils.get_column_letter(head.index(h) + 1) for h in series]
    assert refs == [f"'{sheet}'!${c}$2:${c}${ws.max_row}" for c in letters]


@needs_soffice
def test_an_option_left_out_of_the_cash_flow_still_sets_the_delay_in_the_workbook(run, tmp_path: Path) -> None:
    """The l20 has no price: the cash flow leaves it out, but it reaches the market first and the
    MLU370's delay is measured from it, in the JSON as in compare. The workbook's Results lacked it, so
    the MLU370's delay penalty was $0 and its NPV $157,723 where the engine has $966,073 (round 29)."""
    args = ["l20", "mlu370-s4", "-w", "gpt3-1.3b"]
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", *args, "-o", str(path)).exit_code == 0
    wb = recalculated(path, tmp_path)
    rows = {r[0]: r for r in wb["Results"].iter_rows(values_only=True)}
    assert rows["l20"][7].startswith("incomplete")  # listed, unranked, with its time to market
    (option,) = _engine(run, args)
    npv = _sheet(wb)["mlu370-s4"][-1]
    assert option["years"] and npv["delay penalty, USD"] == pytest.approx(sum(y["delay_penalty_usd"] for y in option["years"]), rel=1e-9)
    assert npv["discounted net cost, USD"] == pytest.approx(option["npv_cost_usd"], rel=1e-9)


@needs_soffice
@pytest.mark.parametrize(
    ("key", "value", "extra"),
    [
        ("operations_usd_per_accelerator_year", 4500, []),
        ("carbon_usd_per_tonne", 100, ["--set", "scenario.carbon_usd_per_tonne=0"]),
        ("cost_of_delay_usd_per_day", 20000, ["--set", "scenario.cost_of_delay_usd_per_day=0"]),
    ],
)
def test_a_line_that_is_zero_in_the_run_follows_an_edit(run, tmp_path: Path, key: str, value: float, extra: list[str]) -> None:
    """A line of 0 in the run (operations cost by default, a carbon price or a cost of delay set to 0) was
    a constant 0 on the sheet: its cells are now formulas at the times it would fall, so an edit moves the
    NPV as --set does (round 29)."""
    args = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", *args, *extra, "-o", str(path)).exit_code == 0
    got = _sheet(recalculated(with_assumption(path, tmp_path, "scenario", key, value), tmp_path))
    for option in _engine(run, [*args, "--set", f"scenario.{key}={value}"]):
        assert got[option["option"]][-1]["discounted net cost, USD"] == pytest.approx(option["npv_cost_usd"], rel=1e-9)


def test_an_id_that_reads_as_a_number_stays_text_in_the_value_sheets(run, tmp_path: Path, user_profile) -> None:
    """An option '1e3' showed as 1000 in the Simulation and Cash flow summary sheets (round 29)."""
    user_profile("accelerators", "1e3", 'extends = "h100-sxm"\nid = "1e3"\n')
    path = tmp_path / "s.xlsx"
    assert run("simulate", "1e3", "a100-80gb", "-w", "gpt3-1.3b", "-n", "50", "-o", str(path)).exit_code == 0
    options = [r[1] for r in openpyxl.load_workbook(path)["Simulation"].iter_rows(min_row=2, values_only=True)]
    assert options == ["1e3", "a100-80gb"]


@needs_soffice
def test_a_revenue_of_zero_follows_an_edit_of_its_rate(run, tmp_path: Path) -> None:
    """--revenue-usd-per-day 0 puts its rate on the Assumptions sheet; an edit to 20,000 gives the NPV of
    a run with --revenue-usd-per-day 20000 (it gave 879,579 where the engine has -45,385,060: round 29)."""
    args = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", *args, "--revenue-usd-per-day", "0", "-o", str(path)).exit_code == 0
    got = _sheet(recalculated(with_assumption(path, tmp_path, "run", "revenue_usd_per_day", 20000), tmp_path))
    for option in _engine(run, [*args, "--revenue-usd-per-day", "20000"]):
        assert got[option["option"]][-1]["discounted net cost, USD"] == pytest.approx(option["npv_cost_usd"], rel=1e-9)
