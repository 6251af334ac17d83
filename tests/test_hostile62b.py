"""Hostile round 62b: the one-page report and the workbook for a serving workload, Calc sheets that name
their option, invisible characters from profiles, and a quoted rent shown as typed. Each test names the
defect it pins and its repro; the tests that need soffice or chromium skip cleanly where they are absent."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tco.render import CONTROL, given_number, num, terminal_text
from tests.test_hostile61b import CHROMIUM, _chromium_dom, needs_chromium, parsed
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


# --------------------------------------------------------------------------- 1: the serving report


def test_the_serving_report_shows_the_targets_and_each_options_batch_and_latency(run, tmp_path: Path) -> None:
    """Defect 1: ``tco report h100-sxm@4 mi300x -w chat-70b --set workload.time_per_output_token_ms=50 ...``
    showed neither the latency targets nor the replica, batch, TPOT and TTFT each option is planned at,
    though compare's JSON has them. The page now has a line of targets and a row per option with the
    JSON's own figures, as the page formats numbers."""
    args = ["h100-sxm@4", "mi300x", "-w", "chat-70b", *TARGETS]
    out = tmp_path / "r.html"
    result = run("report", *args, "-n", "200", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    _, text = parsed(out.read_text(encoding="utf-8"))
    block = _serving_block(text)
    assert "Latency targets: time per output token ≤ 50 ms at the 99th percentile; time to first token ≤ 2,000 ms" in block
    assert "largest batch 256 per replica (workload.max_batch)" in block
    for label, r in _compare(run, *args).items():
        assert r["batch"] and r["replica_accelerators"] and r["time_per_output_token_ms"] <= 50  # type: ignore[operator]
        row = (
            f"{label} {r['replica_accelerators']:,} {r['batch']:,} {num(r['time_per_output_token_ms'])} "  # type: ignore[arg-type]
            f"{num(r['time_to_first_token_ms'])} {num(r['tokens_per_second_per_accelerator'])}"  # type: ignore[arg-type]
        )
        assert row in block, (row, block)


def test_a_serving_report_without_targets_says_so_and_a_training_report_has_no_serving_section(run, tmp_path: Path) -> None:
    """With no latency target (chat-70b as shipped) the line says there is none and what caps the batch
    instead; a training report has no serving section (it has no batch or latency to show)."""
    out = tmp_path / "s.html"
    assert run("report", "h100-sxm@4", "mi300x", "-w", "chat-70b", "-n", "200", "-o", str(out)).exit_code == 0
    _, text = parsed(out.read_text(encoding="utf-8"))
    assert "Latency targets: none (workload.time_per_output_token_ms, workload.time_to_first_token_ms)" in _serving_block(text)
    train = tmp_path / "t.html"
    assert run("report", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "-n", "200", "-o", str(train)).exit_code == 0
    assert "Serving: replica" not in train.read_text(encoding="utf-8") and "Latency targets" not in train.read_text(encoding="utf-8")


@needs_chromium
def test_chromium_shows_the_serving_figures_and_a_two_option_serving_report_prints_on_one_page(run, tmp_path: Path) -> None:
    """The serving section as Chromium renders it (the DOM after load), and printed to PDF a two-option
    serving comparison still fits one page (docs/cost-model.md says a two-option report does)."""
    args = ["h100-sxm@4", "mi300x", "-w", "chat-70b", *TARGETS]
    out = tmp_path / "r.html"
    assert run("report", *args, "-n", "300", "-o", str(out)).exit_code == 0
    _, text = parsed(_chromium_dom(out, tmp_path))
    block = _serving_block(text)
    for label, r in _compare(run, *args).items():
        assert f"{label} {r['replica_accelerators']:,} {r['batch']:,} {num(r['time_per_output_token_ms'])}" in block  # type: ignore[arg-type]
    pypdf = pytest.importorskip("pypdf")
    pdf = tmp_path / "r.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", out.as_uri()],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert len(pypdf.PdfReader(str(pdf)).pages) == 1


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


# --------------------------------------------------------------------------- 3: invisible characters


@pytest.mark.parametrize("ch", list(INVISIBLE + BIDI))
def test_control_covers_zero_width_characters_and_bidi_controls(ch: str) -> None:
    """Defect 3: the zero-width space, non-joiner and joiner, word joiner and byte-order mark passed
    ``render.CONTROL`` (the bidi controls did not); every one is now shown as '?', in a table cell too."""
    assert CONTROL.sub("?", f"a{ch}b") == "a?b" and terminal_text(f"a{ch}b") == "a?b"


def test_invisible_characters_from_a_profile_reach_no_table_page_or_cell(run, tmp_path: Path, user_profile) -> None:
    """Defect 3: a profile whose name and a source hold U+200B, U+2060, U+FEFF and bidi isolates showed
    them in ``profiles show``, the report's assumptions and the workbook's cells. None reaches any now."""
    user_profile("accelerators", "sneaky-gpu", SNEAKY)
    bad = set(INVISIBLE + BIDI)
    for args in (["profiles", "show", "sneaky-gpu"], ["compare", "sneaky-gpu", "mi300x", "-w", "chat-70b", "-f", "markdown"]):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert not bad & set(result.stdout), args
    page = tmp_path / "r.html"
    assert run("report", "sneaky-gpu", "mi300x", "-w", "chat-70b", "-n", "200", "-o", str(page)).exit_code == 0
    assert not bad & set(page.read_text(encoding="utf-8")) and "zero?width? source?" in page.read_text(encoding="utf-8")
    book = tmp_path / "w.xlsx"
    assert run("compare", "sneaky-gpu", "mi300x", "-w", "chat-70b", "-o", str(book)).exit_code == 0
    wb = openpyxl.load_workbook(book)
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(bad & set(t) for t in texts)
    assert "H100?SXM??evil????" in texts  # the name on its Calc sheet, each invisible character shown


# --------------------------------------------------------------------------- 4: a quoted rent as typed


def test_a_quoted_rent_is_shown_as_typed_in_the_reports_assumptions(run, tmp_path: Path) -> None:
    """Defect 4: ``tco report h100-sxm:rent=2.123456789 ...`` listed the rate as ``2.12346`` beside the label
    ``rent=2.123456789`` (six significant digits, as derived inputs are shown). It is shown as typed."""
    page = tmp_path / "r.html"
    args = ["h100-sxm@4:rent=2.123456789", "mi300x", "-w", "chat-70b", "-n", "200", "-o", str(page)]
    assert run("report", *args).exit_code == 0
    _, text = parsed(page.read_text(encoding="utf-8"))
    assert "rental.usd_per_hour [h100-sxm@4:rent=2.123456789] 2.123456789 quoted on the command line" in text
    assert "2.12346" not in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2.123456789, "2.123456789"),
        (2.1, "2.1"),
        (2.0, "2"),
        (12000.0, "12,000"),
        (123456.789, "123,456.789"),
        (0.0001, "0.0001"),
        (1e20, "1e+20"),
    ],
)
def test_given_number_keeps_every_digit_typed(value: float, shown: str) -> None:
    """The shortest form that reads back as the same float, with thousands separators; past 10^15 as
    every other input is shown."""
    assert given_number(value) == shown
    assert float(shown.replace(",", "")) == value
