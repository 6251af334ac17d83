"""Session 48 (2026-12-05): one result shape across commands (size rows say their status as compare's do)."""

from __future__ import annotations

import csv
import io
import json

import pytest


def _rows(run, *args: str) -> dict[str, dict]:
    r = run("size", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return {x["option"]: x for x in json.loads(r.stdout)["results"]}


def test_a_size_row_has_compares_status_and_reason(run) -> None:
    """A size row said only ``feasible`` and a ``message``, while compare's and the sweep's rows say ``status``
    (ranked, incomplete, infeasible) and ``reason``: a script had to read two shapes. Now every size row
    carries both, in compare's vocabulary: a count whose figures are all known is ``ranked``; one reached
    with an unknown input (the L20 has no public price, so its job cost is unknown) is ``incomplete``; a
    part the market may not buy and one no count can bring to market in time are ``infeasible``, with the
    message as the reason."""
    rows = _rows(run, "h100-sxm", "l20", "mlu370-s4", "ascend-910c", "-w", "gpt3-1.3b", "--deadline-days", "120")
    assert (rows["h100-sxm"]["status"], rows["h100-sxm"]["reason"]) == ("ranked", None)
    assert rows["l20"]["status"] == "incomplete" and rows["l20"]["count"] is not None
    assert rows["l20"]["reason"] is None and rows["l20"]["missing_inputs"] == ["l20.price_usd"]
    for unmet in ("mlu370-s4", "ascend-910c"):
        assert rows[unmet]["status"] == "infeasible" and rows[unmet]["count"] is None
        assert rows[unmet]["reason"] == rows[unmet]["message"]
    assert "cannot be bought in market 'global'" in rows["ascend-910c"]["reason"]
    assert "no count meets 120 days" in rows["mlu370-s4"]["reason"]


def test_a_size_row_that_needs_an_unknown_input_to_be_judged_is_incomplete(run) -> None:
    """A budget sizes a fleet by its job cost, which an unknown price leaves unknown: no count can be judged,
    so the row is ``incomplete`` (what would complete it is listed), not ``infeasible``."""
    rows = _rows(run, "h100-sxm", "l20", "-w", "gpt3-1.3b", "--budget-usd", "2000")
    assert rows["l20"]["status"] == "incomplete" and rows["l20"]["count"] is None
    assert rows["l20"]["reason"] == "cannot be sized: needs l20.price_usd, which is unknown"
    assert rows["h100-sxm"]["status"] == "ranked"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_size_status_and_reason_are_appended_to_the_flat_outputs(run, fmt: str) -> None:
    """The flat outputs keep their column order (a spreadsheet's formulas point at columns): the two new
    columns come last."""
    r = run("size", "h100-sxm", "mlu370-s4", "-w", "gpt3-1.3b", "--deadline-days", "120", "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(r.stdout)))
        header = next(csv.reader(io.StringIO(r.stdout)))
        assert header[-2:] == ["status", "reason"]
    else:
        records = [json.loads(line) for line in r.stdout.splitlines()]
        assert list(records[0])[-2:] == ["status", "reason"]
    assert [x["status"] for x in records] == ["ranked", "infeasible"]
