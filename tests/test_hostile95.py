"""Hostile round 95 (the workbook and the one-page report opened in the real programs: each workbook recalculated in
LibreOffice and checked against the JSON of the same run, each report rendered in Chromium): the analysis sheets of a
workbook (``Sweep``, ``Size``, ``Sensitivity``, ``Simulation`` and their summaries) were read back from the CSV
rendering, so a JSON ``true`` was the text 'true' (a filter on TRUE found nothing), tco's own typography was made
ASCII ('2,893 x h100-sxm', 'default +/-20%' where the JSON says '×' and '±'), and a text starting with '@', '=', '+'
or '-' (a swept profile's path, '@x.toml.price_usd') kept CSV's protective apostrophe as a character of the cell;
the Assumptions gave no unit for a grid intensity of a market (``grid_kgco2e_per_kwh_by_market.global``); a chart's
title drawn after long tick labels ran past the figure's right edge and was cut off mid-word in the report; the
report cited its sources by bibliography key ('[EIA-EPM]') without ever saying what a key is; the tornado's legend
sat in the lower right corner over the bars that ran there; a 6,000-character market rule of a user's profile,
printed whole as why its option is not ranked, put the one-page report on two sheets, as did six options of a
serving workload. Each is fixed and tested here."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tco.workbook import _unit

SWEPT = ("--vary", "@x.toml.price_usd=20000,30000")
LONG = ("a" + "-verylongname" * 12)[:64]


def _sheet(path: Path, title: str) -> list[tuple[object, ...]]:
    openpyxl = pytest.importorskip("openpyxl")
    return list(openpyxl.load_workbook(path)[title].iter_rows(values_only=True))


def _at_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile in a file named '@x.toml' in the working folder, as a path the user types (an '@' first)."""
    (tmp_path / "@x.toml").write_text('extends = "h100-sxm"\nid = "atx"\nname = "At X"\n')
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("args", "sheet", "column"),
    [
        (("size", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--budget-usd", "3000000"), "Size", "feasible"),
        (("sensitivity", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--vs", "a100-80gb"), "Sensitivity", "flips_decision"),
        (("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1.1,1.3"), "Sweep", "feasible"),
    ],
)
def test_an_analysis_sheets_true_or_false_is_a_boolean_as_in_the_json(
    run, tmp_path: Path, args: tuple[str, ...], sheet: str, column: str
) -> None:
    """1: ``tco size h100-sxm a100-80gb -w llama3-8b --budget-usd 3000000 -o size.xlsx`` wrote the Size sheet's
    'feasible' as the text 'true' and 'false' (the CSV's words), where the JSON of the same run has true and false:
    a spreadsheet's filter or COUNTIF(...,TRUE) found none. As sensitivity's 'flips_decision' and 'plan_held' and
    sweep's 'feasible'. They are now boolean cells, each the JSON's value."""
    path = tmp_path / "run.xlsx"
    assert run(*args, "-o", str(path)).exit_code == 0
    rows = _sheet(path, sheet)
    got = [row[rows[0].index(column)] for row in rows[1:]]
    want = [r[column] for r in json.loads(run(*args, "-f", "json").stdout)["results"]]
    assert got == want and all(isinstance(v, bool) for v in got)
    if args[0] == "size":
        assert got == [True, False]  # (2,893 H100 meet the budget; no A100 count does)


def test_an_analysis_sheets_text_is_the_jsons_not_made_ascii(run, tmp_path: Path) -> None:
    """2: the workbook's analysis sheets were the CSV rendering read back, which makes tco's typography ASCII for
    a CSV reader's locale: ``tco size h100-sxm -w llama3-8b --budget-usd 3000000 -o s.xlsx`` wrote '2,893 x
    h100-sxm meets ...' and sensitivity 'default +/-20%', where the JSON (and a workbook, which holds any
    character) says '2,893 × h100-sxm' and 'default ±20%'. The cells now hold the JSON's text."""
    size = ("size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "3000000")
    path = tmp_path / "size.xlsx"
    assert run(*size, "-o", str(path)).exit_code == 0
    rows = _sheet(path, "Size")
    message = rows[1][rows[0].index("message")]
    assert message == json.loads(run(*size, "-f", "json").stdout)["results"][0]["message"]
    assert str(message).startswith("2,893 × h100-sxm meets budget_usd = $3,000,000")
    sens = ("sensitivity", "h100-sxm", "-w", "llama3-8b")
    path = tmp_path / "sens.xlsx"
    assert run(*sens, "-o", str(path)).exit_code == 0
    rows = _sheet(path, "Sensitivity")
    sources = {row[1]: row[rows[0].index("range_source")] for row in rows[1:]}
    assert sources["workload.training_tokens"] == "default ±20%"
    assert sources == {r["param"]: r["range_source"] for r in json.loads(run(*sens, "-f", "json").stdout)["results"]}
    # (CSV keeps its ASCII, for any spreadsheet locale)
    assert "default +/-20%" in run(*sens, "-f", "csv").stdout


def test_a_text_starting_with_at_is_written_as_given_not_with_csvs_apostrophe(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3: ``tco sweep @x.toml h100-sxm -w llama3-8b --vary @x.toml.price_usd=20000,30000 -o s.xlsx`` headed the
    swept column "'@x.toml.price_usd": CSV quotes a text that starts with '@' against formula injection, and the
    workbook, read from that CSV, kept the apostrophe as a character (and typed the cell as text besides). The JSON's
    key is '@x.toml.price_usd'; the header now is that text, typed as text (quote prefix), never a formula."""
    _at_file(tmp_path, monkeypatch)
    args = ("sweep", "@x.toml", "h100-sxm", "-w", "llama3-8b", *SWEPT)
    assert run(*args, "-o", "s.xlsx").exit_code == 0
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Sweep"]
    header = [c.value for c in ws[1]]
    assert "@x.toml.price_usd" in header and not any(str(h).startswith("'") for h in header)
    cell = ws.cell(1, header.index("@x.toml.price_usd") + 1)
    assert cell.data_type == "s" and cell.quotePrefix
    assert "@x.toml.price_usd" in json.loads(run(*args, "-f", "json").stdout)["results"][0]
    assert "'@x.toml.price_usd" in run(*args).stdout.splitlines()[0]  # (CSV still quotes it)


def test_a_markets_grid_intensity_has_its_unit_on_the_assumptions_sheet(run, tmp_path: Path) -> None:
    """4: ``tco compare h100-sxm -w llama3-8b --set scenario.carbon_usd_per_tonne=80 -o c.xlsx`` listed
    'grid_kgco2e_per_kwh_by_market.global' with an empty unit: the unit was read off the key's last part ('global'),
    the market's name. It is the table's, kg CO2e/kWh, as for a scenario's own grid_kgco2e_per_kwh."""
    path = tmp_path / "c.xlsx"
    args = ("compare", "h100-sxm", "-w", "llama3-8b", "--set", "scenario.carbon_usd_per_tonne=80")
    assert run(*args, "-o", str(path)).exit_code == 0
    units = {row[1]: row[3] for row in _sheet(path, "Assumptions")[1:]}
    assert units["grid_kgco2e_per_kwh_by_market.global"] == "kg CO2e/kWh"
    assert _unit("grid_kgco2e_per_kwh_by_market.cn") == _unit("grid_kgco2e_per_kwh") == "kg CO2e/kWh"
    assert _unit("porting.reference.weeks") == "weeks" and _unit("interconnect.devices_per_node") == ""


BOLD = r"(?:font-weight: 700; font-size: |font: 700 )"
"""How an SVG from matplotlib styles bold text: matplotlib 3.9 on writes the properties apart, 3.8 (the floor) as
the ``font`` shorthand."""


def test_a_charts_long_title_is_wrapped_inside_the_figure(run, user_profile, tmp_path: Path) -> None:
    """5: ``tco report L h100-sxm L:rent=2.123456789 -w llama3-8b -o r.html`` (L a 64-character id) drew the
    tornado's title, 'What moves a-verylongname-verylongna…erylongna:rent=2.123456789's effective cost', from the
    axes' left edge, which the long input names push to the middle of the figure: it ran past the figure's right
    edge and Chromium showed it cut off at "...2.123456789's e". It is now wrapped onto lines that fit the figure;
    a short title is drawn as before, on one line."""
    pytest.importorskip("matplotlib")
    user_profile("accelerators", "long", f'extends = "h100-sxm"\nid = "{LONG}"\nname = "Long"\n')
    svg = tmp_path / "t.svg"
    assert run("plot", "tornado", LONG, "h100-sxm", f"{LONG}:rent=2.123456789", "-w", "llama3-8b", "-o", str(svg)).exit_code == 0
    text = svg.read_text()
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', text).group(1))  # type: ignore[union-attr]
    lines = re.findall(rf'{BOLD}([\d.]+)px[^>]*translate\(([\d.]+) [\d.]+\)">([^<]*)</text>', text)
    title = "".join(line for _, _, line in lines)
    label = f"{LONG}:rent=2.123456789"  # (cut in the middle to 52 characters, as every chart cuts a label)
    assert len(lines) > 1 and title.replace(" ", "") == f"Whatmoves{label[:25]}…{label[-26:]}'seffectivecost"
    for size, x, line in lines:  # (DejaVu Sans Bold is about 0.6 em a character)
        assert float(x) + 0.6 * float(size) * len(line) <= width, line
    short = tmp_path / "s.svg"
    assert run("plot", "tornado", "h100-sxm", "-w", "llama3-8b", "-o", str(short)).exit_code == 0
    assert len(re.findall(rf"{BOLD}[^>]*>What moves h100-sxm's effective cost</text>", short.read_text())) == 1


def test_the_report_says_what_each_cited_source_is(run, user_profile, tmp_path: Path) -> None:
    """6: ``tco report h100-sxm ascend-910b -w llama3-8b -o r.html`` cited its sources by bibliography key alone,
    '[EIA-EPM] EIA US industrial average ...' among the assumptions, '[C-CROWELL-2025-05-19]' in why the Ascend is not
    ranked: a reader of the forwarded page could not tell what a key is, which ``tco profiles show`` resolves. The
    report now lists, folded as the assumptions are (so the printed page stays one sheet), every key it cites with
    the bibliography's publisher, title, date and address (as text: the page links to nothing); a key no
    bibliography defines says so."""
    pytest.importorskip("matplotlib")
    user_profile(
        "accelerators",
        "mine",
        'extends = "h100-sxm"\nid = "mine"\nname = "Mine"\n'
        'price_usd = { value = 26000, source = "[MY-QUOTE] [NO-SUCH-KEY] a quote", as_of = "2026", confidence = "estimate" }\n',
    )
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "mine.toml").write_text(
        '[MY-QUOTE]\ntitle = "Quote <b>42</b>"\npublisher = "Reseller"\ndate = "2026-01"\nurl = "javascript:alert(1)"\n'
    )
    page = tmp_path / "r.html"
    assert run("report", "mine", "ascend-910b", "-w", "llama3-8b", "-n", "100", "-o", str(page)).exit_code == 0
    text = page.read_text()
    folded = text[text.index('<details id="sources">') :]
    folded = folded[: folded.index("</details>")]
    keys = re.findall(r"<tr><td>([A-Z0-9.-]+)</td>", folded)
    assert {"EIA-EPM", "C-CROWELL-2025-05-19", "MY-QUOTE", "NO-SUCH-KEY"} <= set(keys) and keys == sorted(keys)
    assert "<td>EIA-EPM</td><td>U.S. Energy Information Administration" in folded or "EIA-EPM</td><td>" in folded
    assert " https://" in folded and "<a " not in text  # (the shipped bibliography's addresses, as text: no link)
    assert "<td>NO-SUCH-KEY</td><td>not in the bibliography (profiles/sources/)</td>" in folded
    assert "Reseller, &ldquo;Quote &lt;b&gt;42&lt;/b&gt;&rdquo; (2026-01) javascript:alert(1)</td>" in folded
    assert 'href="javascript' not in text and "<b>42" not in text


def test_the_tornados_legend_covers_no_bar(run, user_profile, monkeypatch: pytest.MonkeyPatch) -> None:
    """7: the report's tornado (``tco report L h100-sxm L:rent=2.123456789 L@999 -w llama3-8b``, L a 64-character
    id: five inputs drawn) put its legend in the lower right corner whatever was there, frameless, over the bars of
    'workload.global_batch_tokens' and 'workload.parameters', which ran to that corner: the bars' ends, the numbers
    the chart is for, were hidden under 'input at its low / high'. The legend now goes where it covers the least
    (matplotlib's 'best'): here no bar at all."""
    pytest.importorskip("matplotlib")
    from tco import api, plots

    user_profile("accelerators", "long", f'extends = "h100-sxm"\nid = "{LONG}"\nname = "Long"\n')
    drawn = []
    finish = plots._finish

    def keep(fig, ax, *args, **kwargs):  # type: ignore[no-untyped-def]
        out = finish(fig, ax, *args, **kwargs)
        drawn.append((fig, ax))
        return out

    monkeypatch.setattr(plots, "_finish", keep)
    inputs = api.load_inputs([LONG, "h100-sxm", f"{LONG}:rent=2.123456789", f"{LONG}@999"], workload="llama3-8b")
    plots.tornado(api.sensitivity(inputs), top=5, page=True)
    fig, ax = drawn[0]
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # (the figure as drawn, again: pyplot closed it)
    canvas.draw()
    renderer = canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [p.get_window_extent(renderer) for p in ax.patches]
    assert len(bars) == 10 and not any(legend.overlaps(bar) for bar in bars)


def test_a_long_reason_not_to_rank_keeps_the_report_on_one_page(run, user_profile, tmp_path: Path) -> None:
    """8: ``tco report h100-sxm a100-80gb barred -w llama3-8b -o r.html``, where the user's profile 'barred' is not
    for sale in the market under a 6,000-character rule, printed the whole rule in the 'Not ranked' table: Chromium
    printed the page on two sheets, where the report is one page to attach to a memo. The reason is now cut to its
    start and end around a mark saying how long it is and where it is whole (compare's output); the bibliography
    keys it cites are still resolved in the sources."""
    pytest.importorskip("matplotlib")
    rule = ("Export rule text that goes on and on " * 200)[:6000]
    user_profile(
        "accelerators",
        "barred",
        'extends = "h100-sxm"\nid = "barred"\nname = "Barred"\n\n[availability.global]\nbuy = false\nrent = false\n'
        f'rule = "{rule}"\nsource = "[G-BIS-2022-10] rule"\n',
    )
    page = tmp_path / "r.html"
    assert run("report", "h100-sxm", "a100-80gb", "barred", "-w", "llama3-8b", "-n", "100", "-o", str(page)).exit_code == 0
    text = page.read_text()
    found = re.search(r"<td>barred</td><td>infeasible</td><td>(.*?)</td>", text)
    # (as the screen shows it: a printout leaves the long rule to the screen, session 66)
    screen = re.sub(r"<span class=print>.*?</span>", "", found.group(1))  # type: ignore[union-attr]
    why = html.unescape(re.sub(r"<[^>]+>", "", screen))
    assert len(why) <= 600 and why.startswith("barred cannot be bought in market 'global': Export rule")
    assert " … [6,0" in why and "characters: the whole text is in tco compare's output] … " in why
    assert why.endswith("([G-BIS-2022-10] rule)")
    assert "<td>G-BIS-2022-10</td>" in text
    compare = json.loads(run("compare", "h100-sxm", "a100-80gb", "barred", "-w", "llama3-8b", "-f", "json").stdout)
    assert rule in next(r["reason"] for r in compare["results"] if r["accelerator"] == "barred")  # (whole there)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("Chromium is not installed: the page count is not checked")
    pdf = tmp_path / "r.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes())) == 1  # (two sheets before)


@pytest.mark.parametrize("workload", ["chat-70b", "assistant-7b"])
def test_six_serving_options_print_on_one_page(run, tmp_path: Path, workload: str) -> None:
    """9: ``tco report h100-sxm a100-80gb mi300x h200 b200 gaudi3 -w assistant-7b -o r.html`` (six options, the most
    a run compares, of a serving workload: its replica, batch and latency table besides the ranking and simulation
    tables) printed on two sheets in Chromium, as did chat-70b's with quoted rates and counts; five options were
    tested on one page, six never. Printed table rows now take no padding beyond their line (8 pt type, line height
    1.2), and with six options the tornado draws three inputs (five for four or five): one sheet."""
    pytest.importorskip("matplotlib")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    from tco.report import TORNADO_ROWS_MOST

    options = ["h100-sxm", "a100-80gb", "mi300x", "h200", "b200", "gaudi3"]
    if workload == "chat-70b":
        options = ["h100-sxm", "a100-80gb", "mi300x:rent=2.10", "h200@512", "b200:rent", "gaudi3"]
    page, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    assert run("report", *options, "-w", workload, "-n", "300", "-o", str(page)).exit_code == 0
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes())) == 1
    text = page.read_text()
    tornado = text[text.index("<figure>") : text.index("</figure>")]
    assert tornado.count("ytick") == TORNADO_ROWS_MOST == 3
