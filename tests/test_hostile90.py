"""Hostile round 90 (interfaces as contracts: every command in every format it offers, read by a script and a
spreadsheet, the JSON's audit trail against the workbook's Run sheet, the CSV against the JSON, a file against
standard output): ``tco size -o FILE.xlsx`` wrote on its Run sheet, which is the JSON's inputs block, the options
at the counts it chose (``h100-sxm@2893``) and left out an option no count met, where the JSON of the same run lists
the options as given; ``tco compare -o FILE.xlsx``'s Run sheet had no ``currency``, which the JSON's inputs give; every number of the
run on a Run sheet (``--budget-usd``, ``--samples``, ``--seed``) was text ('3000000.0'), where the JSON has a number;
``tco plot ... -o -`` and ``-o FILE.svg`` (and ``tco report``, which inlines the charts) wrote different bytes on
every run, the SVG's clip-path ids hashed with a random salt, though the chart drops its date to be reproducible.
Each is fixed and tested here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SIZED = ("size", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--budget-usd", "3000000")


def _run_sheet_items(audit: dict[str, Any]) -> set[tuple[str, Any]]:
    """The (item, value) pairs a Run sheet holds for a JSON inputs block: a list one row per entry, a table one
    row per key, each file its path (and its hash in the third column), a number as the number."""
    items = set()
    for key, value in audit.items():
        if key == "files":
            items |= {("file", f"{name}: {entry['path']}") for name, entry in value.items()}
        elif isinstance(value, dict):
            items |= {(key, f"{sub}: {v}") for sub, v in value.items()}
        elif isinstance(value, list):
            items |= {(key, str(v)) for v in value or ["(none)"]}
        elif isinstance(value, (int, float)):
            items.add((key, value))
        elif value is not None:
            items.add((key, str(value)))
    return items


@pytest.mark.parametrize(
    "args",
    [
        SIZED,
        ("compare", "h100-sxm", "mi300x:rent=2.10", "-w", "chat-70b", "--set", "scenario.pue=1.3", "-b", "mi300x:rent=2.10"),
        ("simulate", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-n", "50", "--seed", "3", "-q"),
        (
            "cashflow",
            "a100-80gb",
            "-w",
            "gpt3-1.3b",
            "--lease-usd-per-month",
            "9000",
            "--lease-months",
            "24",
            "--revenue-usd-per-day",
            "50",
        ),
    ],
)
def test_a_workbooks_run_sheet_is_the_jsons_inputs_block(run, tmp_path: Path, args: tuple[str, ...]) -> None:
    """1: ``tco size h100-sxm a100-80gb -w llama3-8b --budget-usd 3000000 -o size.xlsx`` listed one option on its
    Run sheet, 'h100-sxm@2893': the count the command chose, which no one gave, and not the a100-80gb, for which no
    count meets the budget. The JSON of the same run lists ['h100-sxm', 'a100-80gb']; the Run sheet now does too
    (the Calc sheet still computes each option at the count chosen for it). 2: compare's Run sheet had no
    'currency' (USD: a workbook is in USD), which the JSON's inputs give. 3: a number of the run (--budget-usd,
    --samples, --seed, --revenue-usd-per-day) was the text '3000000.0', '50', '3' on the sheet, where the JSON has
    a number: a spreadsheet could not compute with it; it is now a number cell."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "run.xlsx"
    assert run(*args, "-o", str(path)).exit_code == 0
    audit = json.loads(run(*args, "-f", "json").stdout)["inputs"]
    book = openpyxl.load_workbook(path)
    rows = list(book["Run"].iter_rows(values_only=True))
    assert {(r[0], r[1]) for r in rows[1:] if r[0] != "tco_version"} == _run_sheet_items(audit)
    if args[0] == "size":
        assert audit["options"] == ["h100-sxm", "a100-80gb"]
        assert [r[1] for r in rows if r[0] == "options"] == ["h100-sxm", "a100-80gb"]
        assert ("budget_usd", 3000000, None) in rows  # (a number, as in the JSON: it was the text '3000000.0')
        assert "Calc h100-sxm@2893" in book.sheetnames  # (the workbook's formulas are the chosen count's)
    elif args[0] == "compare":
        assert ("currency", "USD", None) in rows and audit["currency"] == "USD"
    else:
        numbers = {r[0]: r[1] for r in rows if r[0] in ("samples", "seed", "lease_usd_per_month", "revenue_usd_per_day")}
        assert numbers == (
            {"samples": 50, "seed": 3} if args[0] == "simulate" else {"lease_usd_per_month": 9000, "revenue_usd_per_day": 50}
        )


@pytest.mark.parametrize(
    "args",
    [
        ("plot", "tornado", "a100-80gb", "-w", "gpt3-1.3b"),
        ("plot", "breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"),
        ("report", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-n", "200"),
    ],
)
def test_a_chart_or_report_is_the_same_bytes_on_standard_output_and_in_a_file(run, tmp_path: Path, args: tuple[str, ...]) -> None:
    """4: ``tco plot tornado a100-80gb -w gpt3-1.3b -o -`` and ``-o t.svg`` differed (``clip-path="url(#p77b6799f8f)"``
    against ``#p0e261153ef``), as did two runs to the same file and two reports: matplotlib salts the SVG's ids
    with a random UUID unless told a salt. They are now hashed with the chart's title and source line, so a run
    is its bytes, and the report's charts, inlined in one page, still have ids of their own."""
    pytest.importorskip("matplotlib")
    name = tmp_path / ("out.html" if args[0] == "report" else "out.svg")
    first, second = run(*args, "-o", "-"), run(*args, "-o", str(name))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == name.read_bytes() == run(*args, "-o", "-").stdout_bytes
    ids = [part.split('"')[0] for part in first.stdout.split('<clipPath id="')[1:]]
    assert ids and len(ids) == len(set(ids))
