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
    ["h100-sxm@4", "h100-sxm@4:rent", "-w", "chat-70b", "--lease-usd-per-month", "1500", "--lease-months", "36"]
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
