"""Hostile round 62b: the one-page report and the workbook for a serving workload, Calc sheets that name
their option, invisible characters from profiles, and a quoted rent shown as typed. Each test names the
defect it pins and its repro; the tests that need soffice or chromium skip cleanly where they are absent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_workbook import needs_soffice, recalculated, results_of

openpyxl = pytest.importorskip("openpyxl")

TARGETS = [
    "--set",
    "workload.time_per_output_token_ms=50",
    "--set",
    "workload.time_to_first_token_ms=2000",
    "--set",
    "workload.latency_percentile=99",
]

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

SNEAKY = """extends = "h100-sxm"
id = "sneaky-gpu"
name = "H100\\u200bSXM\\u202e\\u2066evil\\u2060\\ufeff\\u200d\\u200c"
price_usd = { value = 25000, source = "zero\\u200bwidth\\u2069 source\\ufeff" }
"""

LONG = """extends = "h100-sxm"
id = "{id}"
name = "=1+2"
"""


def _serving_block(text: str) -> str:
    return text.split("Serving: replica, batch and latency", 1)[1].split("Break-even cost of delay", 1)[0]


def _compare(run, *args: str) -> dict[str, dict[str, object]]:
    result = run("compare", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {r["accelerator"]: r for r in json.loads(result.stdout)["results"]}


# --------------------------------------------------------------------------- 2: Calc sheets name their option


def _calc_sheets(path: Path) -> dict[str, tuple[object, ...]]:
    wb = openpyxl.load_workbook(path)
    return {name: tuple(c.value for c in wb[name][1]) for name in wb.sheetnames if name.startswith("Calc ")}


def test_each_calc_sheet_names_its_option_in_a_header_cell_as_text(run, tmp_path: Path, user_profile) -> None:
    """Defect 2: with long ids the Calc sheets' titles are cut (``Calc yyyy…~2``) and nothing on a sheet
    said which option it computes. Its header row now ends with the option's label and the part's name,
    as text: a name ``=1+2`` is stored as a string, never a formula."""
    ids = ["y" * 40, "y" * 40 + "-b"]
    for i in ids:
        user_profile("accelerators", i, LONG.format(id=i))
    path = tmp_path / "w.xlsx"
    result = run("compare", f"{ids[0]}@4", f"{ids[1]}@4", "-w", "chat-70b", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    sheets = _calc_sheets(path)
    assert len(sheets) == 2 and all(len(name) == 31 for name in sheets)  # titles cut: the header is what names them
    assert sorted(row[5] for row in sheets.values()) == sorted(f"{i}@4" for i in ids)  # type: ignore[type-var]
    wb = openpyxl.load_workbook(path)
    for name, row in sheets.items():
        assert row[:5] == ("quantity", "value", "unit", "formula (engine)", "option") and row[6] == "=1+2"
        cell = wb[name]["G1"]
        assert cell.data_type == "s" and cell.quotePrefix  # text, kept text when edited
        assert all(c.data_type != "f" for c in wb[name][1])
    # the formulas that reference a Calc sheet still point at its quantity rows, none at the header row
    formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.data_type == "f"]
    assert any("'Calc " in f for f in formulas) and not any(re.search(r"'Calc [^']*'!\$[A-Z]+\$1(?!\d)", f) for f in formulas)


@needs_soffice
def test_the_named_calc_sheets_recalculate_to_the_json(run, tmp_path: Path, user_profile) -> None:
    """LibreOffice recalculates the workbook whose Calc sheets carry their label: every Results figure is
    the JSON's to 1e-9 and the header cells are still the labels (text, not evaluated)."""
    ids = ["z" * 40, "z" * 40 + "-b"]
    for i in ids:
        user_profile("accelerators", i, LONG.format(id=i))
    args = [f"{ids[0]}@4", f"{ids[1]}:rent=2.123456789", "-w", "chat-70b", *TARGETS]
    path = tmp_path / "w.xlsx"
    assert run("compare", *args, "-o", str(path)).exit_code == 0
    wb = recalculated(path, tmp_path)
    want = _compare(run, *args)
    got = results_of(wb)
    assert set(got) == set(want)
    for label, row in got.items():
        for column, key in [
            ("job cost, USD", "job_cost_usd"),
            ("time to market, days", "time_to_market_days"),
            ("effective cost, USD", "effective_cost_usd"),
        ]:
            assert row[column] == pytest.approx(want[label][key], rel=1e-9), (label, column)
    labels = sorted(wb[n]["F1"].value for n in wb.sheetnames if n.startswith("Calc "))  # type: ignore[index]
    assert labels == sorted([f"{ids[0]}@4", f"{ids[1]}:rent=2.123456789"])
    assert {wb[n]["G1"].value for n in wb.sheetnames if n.startswith("Calc ")} == {"=1+2"}  # type: ignore[index]
