"""The workbook (XLSX) recalculated by a real spreadsheet engine (LibreOffice headless) equals the
engine's JSON to 1e-9, and changing an assumption cell moves the results the way --set does."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def recalculated(path: Path, tmp: Path) -> object:
    out = tmp / "recalc"
    subprocess.run(
        [SOFFICE, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(out), str(path)],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"},
    )
    return openpyxl.load_workbook(out / path.name, data_only=True)


def with_assumption(path: Path, tmp: Path, scope: str, key: str, value: float) -> Path:
    """A copy of the workbook at ``path`` with one Assumptions cell (``scope``, ``key``) set to ``value``, as
    a user edits it; recalculate it with :func:`recalculated`."""
    wb = openpyxl.load_workbook(path)
    row = next(r for r in wb["Assumptions"].iter_rows() if r[0].value == scope and r[1].value == key)
    row[2].value = value
    edited = tmp / "edited.xlsx"
    wb.save(edited)
    return edited


def results_of(wb: object) -> dict[str, dict[str, float]]:
    ws = wb["Results"]  # type: ignore[index]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:] if r[7] == "ranked"}


CASES = [
    (["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article"], []),
    (["a100-80gb", "a100-80gb:rent", "h100-sxm@64", "-w", "llama3-8b"], []),
    (["h100-sxm", "mi300x", "-w", "chat-70b"], []),
    (["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article"], ["--set", "scenario.electricity_usd_per_kwh=0.3"]),
    # A carbon price with the grid intensity of the scenario's market (the workbook used to drop the
    # carbon line unless the scenario gave its own intensity), and with embodied emissions.
    (["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"], ["--set", "scenario.carbon_usd_per_tonne=100000"]),
    (["h100-sxm@16384", "-w", "llama3-8b"], []),  # 64 of them idle: their failures do not stop the job
    (
        ["h100-sxm@8", "h200", "a100-80gb:rent", "-w", "chat-70b"],
        ["--set", "scenario.carbon_usd_per_tonne=100", "--set", "h100-sxm.embodied_kgco2e=1500"],
    ),
]


@needs_soffice
@pytest.mark.parametrize(("args", "sets"), CASES)
def test_recalculated_workbook_equals_the_engine(run, tmp_path: Path, args: list[str], sets: list[str]) -> None:
    path = tmp_path / "run.xlsx"
    assert run("compare", *args, *sets, "-f", "xlsx", "-o", str(path)).exit_code == 0
    engine = {r["accelerator"]: r for r in json.loads(run("compare", *args, *sets, "-f", "json").stdout)["results"] if r["rank"]}
    got = results_of(recalculated(path, tmp_path))
    assert set(got) == set(engine)
    for label, row in got.items():
        want = engine[label]
        assert row["job cost, USD"] == pytest.approx(want["job_cost_usd"], rel=1e-9)
        assert row["time to market, days"] == pytest.approx(want["time_to_market_days"], rel=1e-9)
        assert row["delay, days"] == pytest.approx(want["delay_days"], rel=1e-9, abs=1e-9)
        assert row["effective cost, USD"] == pytest.approx(want["effective_cost_usd"], rel=1e-9)
        assert row["rank"] == want["rank"]


@needs_soffice
def test_changing_an_assumption_cell_moves_the_results_like_set(run, tmp_path: Path) -> None:
    args = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article"]
    path = tmp_path / "base.xlsx"
    assert run("compare", *args, "-f", "xlsx", "-o", str(path)).exit_code == 0
    edited = with_assumption(path, tmp_path, "scenario", "electricity_usd_per_kwh", 0.3)
    got = results_of(recalculated(edited, tmp_path))
    want = {
        r["accelerator"]: r
        for r in json.loads(run("compare", *args, "--set", "scenario.electricity_usd_per_kwh=0.3", "-f", "json").stdout)["results"]
    }
    for label, r in got.items():
        assert r["effective cost, USD"] == pytest.approx(want[label]["effective_cost_usd"], rel=1e-9)


def test_workbook_sheets_and_formulas(run, tmp_path: Path) -> None:
    path = tmp_path / "run.xlsx"
    assert run("compare", "a100-80gb", "a100-80gb:rent", "-w", "gpt3-1.3b", "-f", "xlsx", "-o", str(path)).exit_code == 0
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Assumptions" and wb.sheetnames[-3:] == ["Results", "Cash flow", "Run"]
    calc = wb["Calc a100-80gb"]
    formulas = [r[1].value for r in calc.iter_rows(min_row=2) if isinstance(r[1].value, str)]
    assert formulas and all(f.startswith("=") for f in formulas)
    assumptions = list(wb["Assumptions"].iter_rows(values_only=True))
    assert assumptions[0][:5] == ("scope", "input", "value", "unit", "source")


def test_xlsx_needs_an_output_file_and_a_supporting_command(run) -> None:
    assert run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "xlsx").exit_code == 2
    assert run("estimate", "a100-80gb", "--params", "7B", "-f", "xlsx", "-o", "x.xlsx").exit_code == 2


def test_simulate_workbook_has_its_samples(run, tmp_path: Path) -> None:
    path = tmp_path / "sim.xlsx"
    result = run("simulate", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-n", "200", "-q", "-f", "xlsx", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    assert {"Assumptions", "Results", "Simulation", "Samples"} <= set(wb.sheetnames)
    samples = wb["Samples"]
    assert samples.max_row == 201 and samples.cell(1, 2).value == "a100-80gb effective_cost_usd"
    assert isinstance(samples.cell(2, 2).value, float)


def test_sweep_workbook(run, tmp_path: Path) -> None:
    path = tmp_path / "sweep.xlsx"
    args = ["sweep", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:3", "-f", "xlsx", "-o", str(path)]
    assert run(*args).exit_code == 0
    ws = openpyxl.load_workbook(path)["Sweep"]
    assert ws.max_row == 1 + 3 * 2 and ws.cell(1, 1).value == "schema_version"


def test_a_missing_extra_names_the_install(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without openpyxl (or matplotlib) the error says which extra to install; nothing is written."""
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    out = tmp_path / "x.xlsx"
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "xlsx", "-o", str(out))
    assert result.exit_code == 1 and "pip install 'tco[xlsx]'" in result.stderr
    assert not out.exists()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    chart = tmp_path / "c.svg"
    result = run("plot", "scatter", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(chart))
    assert result.exit_code == 1 and "pip install 'tco[plot]'" in result.stderr
    assert not chart.exists()


def test_text_from_input_files_never_becomes_a_formula(run, tmp_path: Path) -> None:
    """Every source of a user's profile starts with a formula; in the workbook it is text, and the
    only formulas are tco's own (the Calc sheets' values and the Results columns B-G)."""
    shown = run("profiles", "show", "a100-80gb", "--format", "toml")
    assert shown.exit_code == 0
    evil = shown.stdout.replace('id = "a100-80gb"', 'id = "evil"').replace('source = "', 'source = "=HYPERLINK(1)+')
    (tmp_path / "evil.toml").write_text(evil)
    path = tmp_path / "evil.xlsx"
    args = ["simulate", str(tmp_path / "evil.toml"), "a100-80gb", "-w", "gpt3-1.3b", "-n", "50", "-q", "-f", "xlsx", "-o", str(path)]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    texts = 0
    for ws in openpyxl.load_workbook(path):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    texts += 1
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                if cell.data_type == "f":
                    assert (ws.title.startswith("Calc ") and cell.column == 2) or (ws.title == "Results" and 2 <= cell.column <= 7)
    assert texts > 0


def test_figures_show_thousands_separators_and_their_units_decimals(run, tmp_path: Path) -> None:
    """A finance reader sees 39,210,484 and 363.5, not 39210484.213889 nor 1.38E+08 in a narrow column: money
    totals in whole dollars, per-unit money to four decimals, days and hours to one; the Assumptions as given. A
    format changes only what a cell shows: the recalculated values stay the engine's
    (test_recalculated_workbook_equals_the_engine)."""
    from tco.workbook import MONEY_FORMAT, RATE_FORMAT, TIME_FORMAT

    path = tmp_path / "cf.xlsx"
    assert run("cashflow", "a100-80gb", "h100-sxm", "-w", "llama3-70b", "-o", str(path)).exit_code == 0
    wb = openpyxl.load_workbook(path)
    head = [c.value for c in wb["Results"][1]]
    second = {h: c.number_format for h, c in zip(head, wb["Results"][2], strict=True)}
    assert second["job cost, USD"] == second["effective cost, USD"] == MONEY_FORMAT
    assert second["time to market, days"] == TIME_FORMAT and second["rank"] == "General"
    calc = {r[0].value: r[1].number_format for r in wb["Calc a100-80gb"].iter_rows(min_row=2)}
    assert calc["capex"] == calc["job cost"] == MONEY_FORMAT and calc["time to converge"] == calc["energy"] == TIME_FORMAT
    assert calc["goodput"] == calc["capital recovery factor"] == "General"
    flows = wb["Cash flow"]
    assert {flows.cell(2, c).number_format for c in range(3, flows.max_column + 1)} == {MONEY_FORMAT}
    assert {c.number_format for row in wb["Assumptions"].iter_rows(min_row=2) for c in row} == {"General"}
    # every sheet's header row bold and frozen in view
    assert all(ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1] if c.value is not None) for ws in wb.worksheets)
    sized = tmp_path / "size.xlsx"
    assert run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "130", "-o", str(sized)).exit_code == 0
    size = openpyxl.load_workbook(sized)["Size"]
    formats = {size.cell(1, c).value: size.cell(2, c).number_format for c in range(1, size.max_column + 1)}
    assert formats["cost_per_million_tokens_usd"] == RATE_FORMAT and formats["capex_usd"] == MONEY_FORMAT
    assert formats["count"] == "General" and formats["time_to_converge_hours"] == TIME_FORMAT


@needs_soffice
def test_libreoffice_prints_the_figures_formatted(run, tmp_path: Path) -> None:
    """The real spreadsheet shows them so: the workbook printed by LibreOffice to PDF holds the job cost with
    thousands separators in whole dollars and the time to market to one decimal, as compare computes them."""
    pypdf = pytest.importorskip("pypdf")
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", "a100-80gb", "h100-sxm", "-w", "llama3-70b", "-o", str(path)).exit_code == 0
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(tmp_path / "cf.pdf").pages)
    job = json.loads(run("compare", "a100-80gb", "h100-sxm", "-w", "llama3-70b", "-f", "json").stdout)["results"]
    a100 = next(r for r in job if r["accelerator"] == "a100-80gb")
    assert f"{a100['job_cost_usd']:,.0f}" in text and f"{a100['time_to_market_days']:,.1f}" in text
