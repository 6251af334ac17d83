"""Terminal tables fold long prose (a reason, a note) onto more lines; markdown, CSV and JSON keep it whole."""

from __future__ import annotations

import csv
import io
import json

from tco.render import PROSE_WIDTH, OutputFormat, _fold, grid
from tests.factories import table_row

REASON = "word " * 60 + "[C-CROWELL-2025-05-19] --set scenario.market=cn"


def test_fold_breaks_at_spaces_and_keeps_every_word() -> None:
    folded = _fold(REASON.strip(), 40)
    lines = folded.split("\n")
    assert all(len(line) <= 40 for line in lines) and len(lines) == 10  # 347 characters, breaking only at spaces
    assert " ".join(lines) == " ".join(REASON.split())
    assert "--set scenario.market=cn" in folded.replace("\n", " ")
    assert _fold("h100-sxm short", 40) == "h100-sxm short"  # short text is untouched
    assert _fold("x" * 25, 10) == "x" * 10 + "\n" + "x" * 10 + "\n" + "x" * 5  # a word longer than a line is cut
    assert _fold("first line\nsecond", 6) == "first\nline\nsecond"  # line breaks already in the text are kept


def test_a_terminal_table_wraps_only_the_columns_asked_for() -> None:
    rows = [["ascend-910b", "69,000,000,000", REASON]]
    text = grid(["option", "parameters", "why"], rows, OutputFormat.table, wrap=[None, None, PROSE_WIDTH])
    body = text.splitlines()[2:]
    assert len(body) == 4  # 347 characters of prose on lines of at most 100
    assert body[0].startswith("ascend-910b  69,000,000,000  word word")  # (a number with commas is not parsed)
    assert all(line.startswith(" " * len("ascend-910b  69,000,000,000  ")) for line in body[1:])
    assert max(len(line) for line in text.splitlines()) <= len("ascend-910b  69,000,000,000  ") + PROSE_WIDTH


def test_markdown_keeps_one_line_per_row() -> None:
    text = grid(["option", "why"], [["ascend-910b", REASON]], OutputFormat.markdown, wrap=[None, PROSE_WIDTH])
    assert len(text.splitlines()) == 3 and text.splitlines()[2].endswith("--set scenario.market=cn |")


def test_the_comparison_folds_its_reasons_in_the_terminal_and_not_elsewhere(run) -> None:
    args = ["compare", "a100-80gb", "ascend-910b", "-w", "gpt3-1.3b"]
    table = run(*args)
    assert table.exit_code == 0, table.stderr
    why = next(i for i, line in enumerate(table.stdout.splitlines()) if line.startswith("ascend-910b  infeasible"))
    lines = table.stdout.splitlines()
    assert lines[why + 1].startswith(" " * len("ascend-910b  infeasible  ")) and "[C-" in "\n".join(lines[why : why + 5])
    assert max(len(line) for line in lines[why : why + 5]) <= len("ascend-910b  infeasible  ") + PROSE_WIDTH + 40
    reason = json.loads(run(*args, "-f", "json").stdout)["results"][1]["reason"]
    assert "\n" not in reason and "General Prohibition 10" in reason
    row = [r for r in csv.DictReader(io.StringIO(run(*args, "-f", "csv").stdout)) if r["option"] == "ascend-910b"][0]
    assert row["reason"] == reason


def test_the_side_by_side_table_gives_a_total_s_gap_in_money(run) -> None:
    """The versus table's gap of the job cost and the effective cost read +26934.7 % and +180122.9 % against a
    $556 baseline: it is now the money between them, other minus baseline (as the ranking's last column),
    while rates keep the article's percentage gap."""

    args = ("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b")
    res = {r["option"]: r for r in json.loads(run(*args, "-f", "json").stdout)["results"]}
    a, m = res["a100-80gb"], res["mlu370-s4"]
    out = run(*args).stdout
    job = table_row(out, "Job cost (USD)").split()
    eff = table_row(out, "Effective cost (USD)").split()
    assert job[-2] == f"+${m['job_cost_usd'] - a['job_cost_usd']:,.0f}"
    assert eff[-2] == f"+${m['effective_cost_usd'] - a['effective_cost_usd']:,.0f}"
    rate = table_row(out, "Cost per million tokens (USD)").split()
    share = m["cost_per_million_tokens_usd"] / a["cost_per_million_tokens_usd"] - 1
    assert rate[-2] == f"{share:+.1%}"
