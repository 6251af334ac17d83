"""Hostile round 61b: the workbook and the HTML report opened in the real thing (LibreOffice recalculating
the workbook headless, Chromium rendering the report headless). Each test names the defect it pins and its
repro; the tests that need soffice or chromium skip cleanly where they are absent."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_workbook import needs_soffice, recalculated

openpyxl = pytest.importorskip("openpyxl")

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")

UNKNOWN_RATE = """extends = "default"
id = "nofx"
name = "cost of delay in CNY, no exchange rate"
usd_per_cny = { source = "no rate given" }
cost_of_delay_usd_per_day = { value = 70000, currency = "CNY" }
"""

NO_PRICE = """extends = "h100-sxm"
id = "noprice-gpu"
name = "=1+2<script>document.title='PWNED'</script>"
price_usd = { source = "=1+2 unknown price <script>document.title='PWNED'</script>" }
"""

NO_LEAD = """extends = "h100-sxm"
id = "nolead-gpu"
name = "\\"><img src=x onerror=\\"document.title='PWNED'\\">"
lead_time_weeks = { source = "\\"><img src=x onerror=\\"document.title='PWNED'\\">" }
"""


def overridden_rows(path: Path) -> set[tuple[str, str]]:
    ws = openpyxl.load_workbook(path)["Assumptions"]
    return {(r[0], r[1]) for r in ws.iter_rows(min_row=2, values_only=True) if r[7] == "yes"}


@pytest.mark.parametrize(
    "item",
    [
        "a100-80gb.price_usd=20000",
        "A100-80GB.price_usd=20000",  # the id in another case
        "a100.price_usd=20000",  # an alias
        "a100-80gb.price_usd.value=20000",  # the quantity's value
        "{path}.price_usd=20000",  # the profile's path, as the option was given
    ],
)
def test_the_assumptions_sheet_marks_an_override_in_any_spelling(run, tmp_path: Path, item: str) -> None:
    """D1 (minor, audit trail): the Assumptions sheet's 'overridden in this run' column compared the
    --set text with ``scope.key`` literally, so an input the run changed through a spelling the tool
    accepts (``--set A100.price_usd=20000``, ``A100-80GB.…``, ``….price_usd.value=…``, a profile's path)
    was shown with the new value and a blank 'overridden' cell (and, for ``.value``, the file's source):
    an auditor read a changed input as the file's. Repro: ``tco compare a100-80gb mlu370-s4 -w gpt3-1.3b
    --set a100.price_usd=20000 -o x.xlsx``; the a100-80gb price_usd row said it was not overridden."""
    profile = Path(__file__).resolve().parent.parent / "profiles" / "accelerators" / "a100-80gb.toml"
    option = str(profile) if "{path}" in item else "a100-80gb"
    out = tmp_path / "x.xlsx"
    result = run("compare", option, "mlu370-s4", "-w", "gpt3-1.3b", "--set", item.format(path=profile), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert overridden_rows(out) == {("a100-80gb", "price_usd")}


def test_a_range_set_alone_is_no_override_of_the_value_and_a_table_overrides_what_it_holds(run, tmp_path: Path) -> None:
    """D1: a --set of a quantity's range leaves its value as the file gives it (not marked); a --set of a
    table marks every input it holds (both porting figures of a maturity)."""
    out = tmp_path / "x.xlsx"
    sets = ["--set", "a100-80gb.price_usd.low=10000", "--set", "scenario.porting={low-medium={weeks=3, engineer_months=2}}"]
    result = run("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", *sets, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert overridden_rows(out) == {("scenario", "porting.low-medium.weeks"), ("scenario", "porting.low-medium.engineer_months")}


class Page(HTMLParser):
    """The elements and text of a page (as written, or as Chromium's DOM after it ran)."""

    def __init__(self) -> None:
        super().__init__()
        self.active: list[str] = []  # elements or attributes that would run or fetch something
        self.text: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "img", "iframe", "object", "embed"):
            self.active.append(tag)
        self.active += [k for k, _ in attrs if k.startswith("on")]
        self.ids += [v or "" for k, v in attrs if k == "id"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(text: str) -> tuple[Page, str]:
    page = Page()
    page.feed(text)
    return page, re.sub(r"\s+", " ", " ".join(page.text))


def test_a_report_whose_simulation_has_no_known_cost_is_written(run, tmp_path: Path, user_profile) -> None:
    """D2 (major): ``tco report`` exited 1 with 'Error: plot: nothing to draw: no option has a known
    effective cost' when the Monte Carlo had no known cost (a cost of delay in CNY with no exchange rate),
    although compare ranks the fastest option (its delay costs nothing) and the tornado draws it. The page
    is now written: the chart's place says it is unknown and why, the table shows '—', never 0 or NaN.
    Repro: a scenario with ``usd_per_cny = { source = "..." }`` and a cost of delay in CNY, then
    ``tco report a100-80gb h100-sxm -w gpt3-1.3b -s nofx -o r.html``."""
    scenario = user_profile("scenarios", "nofx", UNKNOWN_RATE)
    out = tmp_path / "r.html"
    result = run("report", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(scenario), "-n", "200", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page, text = parsed(out.read_text(encoding="utf-8"))
    assert "h100-sxm: effective cost $281" in text  # the one ranked option, as compare gives it
    assert "No chart: no option has a known effective cost" in text and "--set scenario.usd_per_cny=VALUE" in text
    assert "What moves h100-sxm's effective cost" in text  # the tornado still draws the ranked option
    assert not re.search(r"\b(nan|NaN|inf|None)\b", text)
    sim = text.split("Under uncertainty", 1)[1].split("Assumptions", 1)[0]
    assert "$0" not in sim and "0.0%" not in sim and "expected value of perfect information —" in sim


def test_a_report_of_options_that_all_lack_an_input_is_written(run, tmp_path: Path, user_profile) -> None:
    """D2 (major): with every option lacking an input (one its price, one its lead time) ``tco report``
    exited 1 ('needs noprice-gpu.price_usd, which is unknown'), though compare answers with each option's
    known figures and the report has a page for it ('No option could be ranked'). The page is written,
    says no option can be ranked (it said 'Only one option can be ranked'), lists what each lacks, and
    runs none of the hostile names. Repro: ``tco report noprice-gpu nolead-gpu -w gpt3-1.3b -o r.html``."""
    user_profile("accelerators", "noprice-gpu", NO_PRICE)
    user_profile("accelerators", "nolead-gpu", NO_LEAD)
    out = tmp_path / "r.html"
    result = run("report", "noprice-gpu", "nolead-gpu", "-w", "gpt3-1.3b", "-n", "200", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page, text = parsed(out.read_text(encoding="utf-8"))
    assert page.active == []
    assert "No option could be ranked: see the missing inputs." in text
    assert "No option can be ranked: there is nothing to break even" in text and "Only one option" not in text
    assert "No chart: no option has a known effective cost to swing" in text
    missing = text.split("Missing inputs", 1)[1]
    assert "noprice-gpu noprice-gpu.price_usd" in missing and "nolead-gpu nolead-gpu.lead_time_weeks" in missing
    assert not re.search(r"\b(nan|NaN|inf|None)\b", text)


def test_numeric_columns_have_their_headers_over_their_figures(run, tmp_path: Path) -> None:
    """D3 (minor, seen in Chromium's screenshot): the tables right-align their figures but left-aligned
    every header, so in a wide column a header stood over the previous column's figures ('P10' over the
    win probability). A numeric column's header is right-aligned with it now."""
    out = tmp_path / "r.html"
    result = run("report", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "-n", "200", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "td.n,th.n{text-align:right" in html
    assert "<th>option</th><th class=n>wins</th><th class=n>P10</th>" in html
    assert "<th>rank</th><th>option</th><th class=n>count</th>" in html


def _chromium_dom(page: Path, tmp: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@needs_chromium
def test_chromium_runs_nothing_from_the_inputs_and_shows_unknowns_as_unknown(run, tmp_path: Path, user_profile) -> None:
    """The report in Chromium: hostile names and sources (``<script>``, ``"><img onerror>``, ``=1+2``) stay
    text (the title is the page's own, no element runs), the winner and its figures are the JSON's, and an
    unknown price or lead time shows as '—' and is named under the missing inputs (D2's pages included)."""
    user_profile("accelerators", "noprice-gpu", NO_PRICE)
    user_profile("accelerators", "nolead-gpu", NO_LEAD)
    out = tmp_path / "r.html"
    args = ["h100-sxm", "noprice-gpu", "nolead-gpu", "-w", "gpt3-1.3b"]
    hostile = "h100-sxm.price_usd={value=25000, source=\"<script>document.title='PWNED'</script>\"}"
    result = run("report", *args, "--set", hostile, "-n", "200", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    dom = _chromium_dom(out, tmp_path)
    page, text = parsed(dom)
    assert "<title>tco report: gpt3-1.3b</title>" in dom and "PWNED</title>" not in dom
    assert page.active == []
    comp = json.loads(run("compare", *args, "--set", "h100-sxm.price_usd=25000", "-f", "json").stdout)["results"]
    winner = next(r for r in comp if r["rank"] == 1)
    assert f"{winner['accelerator']}: effective cost ${winner['effective_cost_usd']:,.0f}, market in" in text  # (the only one ranked)
    rows = {r["accelerator"]: r for r in comp}
    assert rows["noprice-gpu"]["job_cost_usd"] is None and rows["nolead-gpu"]["time_to_market_days"] is None
    ranking = text.split("Break-even", 1)[0]
    # (the NPV column: the cash flow needs the price and the lead time, so neither has one)
    assert re.search(r"— noprice-gpu 8 [\d,.]+ [\d.]+ — \$0 — — incomplete", ranking), ranking
    assert re.search(r"— nolead-gpu 8 [\d,.]+ — \$[\d,]+ — — — incomplete", ranking), ranking
    assert not re.search(r"\b(nan|NaN|inf|None)\b", text)


@needs_soffice
def test_a_hostile_cny_workbook_recalculates_to_the_json_and_evaluates_no_input_text(run, tmp_path: Path, user_profile) -> None:
    """LibreOffice recalculates a workbook of hostile inputs (a formula, a command and an @-function as
    sources, an unknown price and lead time, money in CNY, a quoted rent) to the JSON of the same run, shows
    no error but the #N/A of an unknown, and keeps every input text as written (none evaluated)."""
    user_profile("accelerators", "noprice-gpu", NO_PRICE)
    user_profile("accelerators", "nolead-gpu", NO_LEAD)
    scenario = user_profile(
        "scenarios",
        "evil",
        'extends = "default"\nid = "evil"\nname = "@SUM(A1)"\n'
        'cost_of_delay_usd_per_day = { value = 70000, currency = "CNY", source = "=1+2" }\n'
        'electricity_usd_per_kwh = { value = 0.6, currency = "CNY", source = "+cmd|\' /C calc\'!A0" }\n',
    )
    args = ["h100-sxm", "noprice-gpu", "nolead-gpu", "a100-80gb:rent=2.5", "-w", "gpt3-1.3b", "-s", str(scenario)]
    path = tmp_path / "x.xlsx"
    assert run("compare", *args, "-o", str(path)).exit_code == 0
    want = {r["accelerator"]: r for r in json.loads(run("compare", *args, "-f", "json").stdout)["results"]}
    book, done = openpyxl.load_workbook(path), recalculated(path, tmp_path)
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                got = done[ws.title].cell(row=cell.row, column=cell.column).value
                if cell.data_type == "f":
                    error = isinstance(got, str) and re.match(r"#(NAME\?|REF!|DIV/0!|VALUE!|NUM!)|Err:", got)
                    assert not error, (ws.title, cell.coordinate, got)
                elif isinstance(cell.value, str):
                    assert got == cell.value, (ws.title, cell.coordinate)
    sources = {r[1]: r[4] for r in done["Assumptions"].iter_rows(min_row=2, values_only=True)}
    assert sources["cost_of_delay_usd_per_day"] == "=1+2" and sources["electricity_usd_per_kwh"].startswith("+cmd")
    results = {r[0]: r for r in done["Results"].iter_rows(min_row=2, values_only=True) if r[0]}
    for label, r in want.items():
        figures = results[label][1:6]
        keys = ("time_to_market_days", "job_cost_usd", "delay_days", "delay_penalty_usd", "effective_cost_usd")
        for got, key in zip(figures, keys, strict=True):
            if r[key] is None:
                assert got in (None, "#N/A"), (label, key, got)
            else:
                assert got == pytest.approx(r[key], rel=1e-9, abs=1e-9), (label, key)


def test_the_report_shows_an_input_as_profiles_show_does(run, tmp_path: Path) -> None:
    """D4 (minor): the report's assumptions wrote every value to six significant digits in any magnitude,
    so 17,280,000,000 training tokens read '1.728e+10' and a $2,123,456 price '2.12346e+06' (rounded),
    where ``tco profiles show`` and ``workloads show`` print '17,280,000,000' and '2,123,456': one
    formatting of an input (render.input_number) for both. Repro: ``tco report a100-80gb mlu370-s4 -w
    gpt3-1.3b --set a100-80gb.price_usd=2123456 -o r.html``, then the folded assumptions."""
    out = tmp_path / "r.html"
    result = run("report", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd=2123456", "-n", "100", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "<td>workload.training_tokens</td><td class=n>17,280,000,000</td>" in html
    assert "<td>a100-80gb.price_usd</td><td class=n>2,123,456</td>" in html
    assert "e+" not in html.split('id="assumptions"', 1)[1].split('id="missing"', 1)[0]
    shown = run("workloads", "show", "gpt3-1.3b").stdout
    assert "17,280,000,000" in shown


def test_one_sample_is_one_sample(run, tmp_path: Path) -> None:
    """D5 (cosmetic): a Monte Carlo of one draw said '1 samples, seed 0' in the report's line, its CDF's
    caption and simulate's table (as a lease said '1 months' before e866af5). Repro: ``tco report
    a100-80gb -w gpt3-1.3b -n 1 -o r.html``; ``tco simulate a100-80gb -w gpt3-1.3b -n 1``."""
    out = tmp_path / "r.html"
    assert run("report", "a100-80gb", "-w", "gpt3-1.3b", "-n", "1", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<p class=meta>1 sample, seed 0;" in page and "1 sample, seed 0</text>" in page and "1 samples" not in page
    assert "\n1 sample, seed 0; sampled:" in run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "-n", "1").stdout
    assert "2,000 samples, seed 0" in run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "-n", "2000").stdout


def test_a_text_longer_than_a_cell_holds_is_cut_visibly(run, tmp_path: Path, user_profile) -> None:
    """D6 (minor): a source of 40,000 characters (files may hold 4 MB) was cut at 32,767, the most a cell
    holds, by openpyxl without a word, so the Assumptions sheet showed a shorter source as if whole. It is
    cut with a note saying so. Repro: a profile whose ``price_usd.source`` is 40,000 characters, then
    ``tco compare big-gpu -w gpt3-1.3b -o x.xlsx``."""
    text = f'extends = "h100-sxm"\nid = "big-gpu"\nprice_usd = {{ value = 25000, source = "{"S" * 40000}END" }}\n'
    user_profile("accelerators", "big-gpu", text)
    out = tmp_path / "x.xlsx"
    result = run("compare", "big-gpu", "-w", "gpt3-1.3b", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    source = next(r[4] for r in openpyxl.load_workbook(out)["Assumptions"].iter_rows(values_only=True) if r[1] == "price_usd")
    assert len(source) == 32767
    assert source.endswith("[cut: 40,003 characters, a cell holds 32,767; the whole text is in the input file]")


def test_an_incomplete_row_says_its_time_to_market_is_not_live(run, tmp_path: Path, user_profile) -> None:
    """D7 (minor): an option lacking only its price has a time to market (it sets the others' delay) but
    no Calc sheet: the Results sheet wrote that time as a value among live formulas and its status said
    nothing of it (a barred row says '(figures as computed, not live)'), so editing its lead time on no
    sheet could be expected to move it. Repro: ``tco compare h100-sxm noprice-gpu -w gpt3-1.3b -o x.xlsx``."""
    user_profile("accelerators", "noprice-gpu", NO_PRICE)
    out = tmp_path / "x.xlsx"
    assert run("compare", "h100-sxm", "noprice-gpu", "-w", "gpt3-1.3b", "-o", str(out)).exit_code == 0
    row = next(r for r in openpyxl.load_workbook(out)["Results"].iter_rows(values_only=True) if r[0] == "noprice-gpu")
    assert isinstance(row[1], float) and row[3].startswith("=")  # the value, and the delay as a formula over it
    # (round 99 2: the status also gives the number that would decide it, as compare's table and the report do)
    assert row[7] == (
        "incomplete: noprice-gpu.price_usd; the number that would decide it: wins below a unit price of $27,500 "
        "(time to market as computed, not live: no Calc sheet)"
    )
