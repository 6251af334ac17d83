"""Session 68: a report of many options prints on one sheet and says what it leaves to the screen; dollar ticks on a
log axis."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

# Every shipped part that trains (two rented TPUs among them; the Ascends barred in the global market, the L20
# unpriced) and the Enflame inference card, which a training run leaves out: 29 options.
EVERY = (
    "a100-80gb a100-40gb h100-sxm h200 b200 mi300x mi250x gaudi2 gaudi3 l40s h800 a800 h20 mlu370-s4 br100 enflame-t20 "
    "mtt-s4000 hygon-k100 kunlunxin-p800 ascend-910b ascend-910c mlu590 br104 enflame-t21 mlu370-x8 tpu-v5e:rent "
    "tpu-v5p:rent l20 enflame-i20"
).split()
SERVING_NINE = "a100-80gb mlu370-s4 br100 enflame-t20 mtt-s4000 hygon-k100 kunlunxin-p800 ascend-910c h100-sxm:rent".split()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[list[str], str], Path]]:
    """The report of ``options`` on ``workload`` (each made once for the module: 29 options take a while)."""
    from typer.testing import CliRunner

    from tco.cli import app

    made: dict[tuple[str, ...], Path] = {}

    def make(options: list[str], workload: str) -> Path:
        key = (*options, workload)
        if key not in made:
            out = tmp_path_factory.mktemp("report") / "r.html"
            result = CliRunner().invoke(app, ["report", *options, "-w", workload, "-n", "300", "-o", str(out)])
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
            assert result.exit_code == 0, result.stderr
            made[key] = out
        return made[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("TCO_PROFILE_PATH", raising=False)
        yield make


def _report(make: Callable[[list[str], str], Path], options: list[str], workload: str) -> str:
    return make(options, workload).read_text(encoding="utf-8")


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def _rows(table: str, column: int = 0) -> list[tuple[bool, str]]:
    """(printed?, the text of cell ``column``) of each body row of a table."""
    body = table[table.index("<tbody>") :]
    rows = re.findall(r"<tr(?: class=unprinted)?>.*?</tr>", body)
    return [(row.startswith("<tr>"), re.findall(r"<td(?: class=n)?>([^<]*)</td>", row)[column]) for row in rows]


def test_a_report_of_many_training_options_prints_the_eight_ranked_first_and_says_how_many_more(report) -> None:
    """With 17 options the printed page ran to two sheets, its chart of effective cost under uncertainty drew 15 curves
    under a legend that covered them, and nothing said which options a reader of the sheet was not seeing. A printout
    now gives rows to the 8 options ranked first (ranking, simulation, notes, curves) and says how many more are on the
    screen; the screen still shows every one."""
    from tco.report import PRINTED_OPTIONS

    assert PRINTED_OPTIONS == {"training": 8, "inference": 5}
    text = _report(report, EVERY[:17], "llama3-8b")
    ranking = _rows(_section(text, 'id="ranking"', "</table>"))
    assert ranking == [(i <= 8, str(i)) for i in range(1, 18)]  # (the printed rows are ranks 1-8)
    first = {option for printed, option in _rows(_section(text, 'id="ranking"', "</table>"), 1) if printed}
    assert len(first) == 8
    assert '<p class="meta printonly">This printout shows the 8 options ranked first; 9 more on screen' in text
    simulation = _rows(_section(text, "<th>option</th><th class=n>wins</th>", "</table>"))
    assert len(simulation) == 17 and {o for p, o in simulation if p} == first
    cdf = _section(text, 'id="uncertainty"', "</figure>")
    assert "8 of 17 options drawn (those ranked first)" in cdf
    assert "<body class=many>" in text and "body.many{zoom:.94}" in text


def test_a_report_of_every_part_names_the_counts_in_print_and_every_file_on_screen(report) -> None:
    """With 29 options the header's list of options and the provenance line's list of files ran to three lines each in
    print; a printout now counts them (the screen lists every one), and prints three of the four Not ranked rows."""
    from tco.report import NOT_RANKED_PRINTED

    text = _report(report, EVERY, "gpt3-1.3b")
    header = _section(text, "<p class=meta>", "</p>")
    assert "<span class=print>28 (listed on screen)</span>" in header and "<span class=screen>a100-80gb, a100-40gb" in header
    provenance = _section(text, 'id="provenance"', "</p>")
    assert "<span class=print>31 built in (listed on screen)</span>" in provenance
    assert "<span class=screen>a100-40gb (built in), a100-80gb (built in)" in provenance
    unranked = _rows(_section(text, 'id="unranked"', "</table>"))
    assert NOT_RANKED_PRINTED == 3 and [p for p, _ in unranked] == [True, True, True, False]
    assert "This printout shows 3 of the options not ranked; 1 more on screen" in text


def test_a_serving_report_prints_five_options_and_their_replicas(report) -> None:
    """A serving page has a table more per option (replica, batch, latency): nine options printed on two sheets. It now
    prints the five ranked first in each table; the barred Ascend stays on screen only, as before."""
    text = _report(report, SERVING_NINE, "chat-70b")
    ranking = _rows(_section(text, 'id="ranking"', "</table>"), 1)
    printed = [o for p, o in ranking if p]
    assert len(ranking) == 9 and len(printed) == 5 and printed[0] == "h100-sxm:rent"
    serving = _rows(_section(text, 'id="serving"', "</table>"))
    assert [o for p, o in serving if p] == printed
    assert ("ascend-910c" in [o for _, o in ranking]) and ("ascend-910c" not in printed)


def test_a_report_within_its_budget_prints_every_option_as_before(report) -> None:
    """Three options: no row left to the screen, no 'printout shows' line, no smaller print."""
    text = _report(report, ["a100-80gb", "mlu370-s4", "h100-sxm"], "gpt3-1.3b")
    assert "class=unprinted><td>" not in _section(text, 'id="ranking"', "</table>")
    assert 'printonly">' not in text and "<body>" in text and "options drawn" not in text


@pytest.mark.parametrize(
    "options, workload",
    [(EVERY[:17], "llama3-8b"), (EVERY, "gpt3-1.3b"), (EVERY, "chat-70b"), (SERVING_NINE, "chat-70b")],
    ids=["17-training", "29-training", "29-serving", "9-serving"],
)
def test_many_options_print_on_one_sheet(report, tmp_path: Path, options: list[str], workload: str) -> None:
    """Each of these printed on two sheets (Chromium's print to PDF, US Letter): one now, with the verdict, the rank-1
    option and the count of options left to the screen on it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("headless Chromium is not installed")
    pypdf = pytest.importorskip("pypdf")
    page, pdf = report(options, workload), tmp_path / "r.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == 1
    printed = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text() or "").split())  # (ﬁ: fi)
    assert " wins: " in printed and "inputs SHA-256" in printed
    assert re.search(r"This printout shows the \d options ranked first; \d+ more on screen", printed)


def test_dollar_ticks_on_a_log_axis_take_the_decimals_of_their_own_decade() -> None:
    """A chart of effective costs from $1,000 to $100M on a log axis labelled its ticks $1.0000M, $10.0000M and
    $100.0000M: the decimals came from the smallest gap between any two ticks ($900 between $100 and $1,000). Each tick
    now takes the decimals that tell it from its neighbours; evenly spaced ticks are labelled as before."""
    from matplotlib.figure import Figure

    from tco.plots import _usd_ticks

    fig = Figure()
    ax = fig.subplots()
    ax.set_xscale("log")
    ax.set_xlim(300, 3e8)
    _usd_ticks(ax.xaxis)
    fig.canvas.draw()
    labels = {t.get_text() for t in ax.get_xticklabels() if t.get_text()}
    assert {"$1,000", "$100,000", "$1.00M", "$10.00M", "$100.00M"} <= labels
    ax2 = Figure().subplots()
    ax2.set_xlim(1.80e6, 1.83e6)
    ax2.set_xticks([1.810e6, 1.815e6, 1.820e6])
    _usd_ticks(ax2.xaxis)
    ax2.figure.canvas.draw()
    assert [t.get_text() for t in ax2.get_xticklabels()] == ["$1.810M", "$1.815M", "$1.820M"]


def test_calc_sheets_of_two_long_ids_that_share_their_start_name_their_own_option(run, tmp_path: Path, user_profile) -> None:
    """Two 64-character ids sharing their first 26 characters got Calc sheets named `Calc aaaa…` and `Calc aaaa…~2`:
    a tab named neither option (only its header cell did). A name longer than Excel's 31 characters now keeps its
    start and its end around an ellipsis, so each tab ends with its own id's tail."""
    openpyxl = pytest.importorskip("openpyxl")
    from tests.factories import shipped_copy

    ids = ["a" * 26 + "-first-" + "x" * 31, "a" * 26 + "-other-" + "y" * 31]
    assert all(len(i) == 64 for i in ids)
    for i in ids:
        user_profile("accelerators", i, shipped_copy("a100-80gb", i))
    path = tmp_path / "w.xlsx"
    result = run("compare", *ids, "-w", "gpt3-1.3b", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    calc = [n for n in openpyxl.load_workbook(path).sheetnames if n.startswith("Calc ")]
    # "Calc " + id is 69 characters: its first 15, an ellipsis, its last 15
    assert calc == [f"Calc aaaaaaaaaa…{'x' * 15}", f"Calc aaaaaaaaaa…{'y' * 15}"]


@pytest.mark.parametrize(
    "args", [["profiles", "show", "mlu370-s4"], ["profiles", "show", "ascend-910b"], ["workloads", "show", "deepseek-v3"]]
)
def test_show_folds_long_values_and_sources_in_a_terminal_table(run, args: list[str]) -> None:
    """`tco profiles show mlu370-s4` printed lines of 737 characters (a source of several sentences, a market's rule as
    a value): a table no terminal shows. The value column now folds at 48 characters and the source at 72, at spaces;
    the text is the same word for word, and CSV and Markdown keep one line per field."""
    from tco.render import _ASCII, SHOW_SOURCE_WIDTH, SHOW_VALUE_WIDTH

    table = run(*args)
    assert table.exit_code == 0, table.stderr
    assert (SHOW_VALUE_WIDTH, SHOW_SOURCE_WIDTH) == (48, 72)
    assert max(map(len, table.stdout.splitlines())) <= 230
    lines = table.stdout.split("\nSources\n")[0].splitlines()
    start = lines[0].index("source")
    folded = " ".join(" ".join(line[start:].split()) for line in lines[2:] if line[start:].strip())
    # the source column read down the terminal table is every field's source, in order, word for word (CSV's, whose
    # typography is ASCII: — is -)
    raw = csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout))
    assert folded.translate(_ASCII) == " ".join(" ".join(r["source"].split()) for r in raw if r["source"].strip())
    assert max(len(line) for line in run(*args, "--format", "markdown").stdout.splitlines()) > 300  # (one line a row)
