"""Session 48 (2026-12-05): size rows say their status as compare's do; a number too close to 0 for a float is refused
wherever it is given; an incomplete shape that counts more than the parameters is noted."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.factories import run_main  # (the console entry point in this process)


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


@pytest.mark.parametrize(
    "args",
    [
        ("size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "1e-400"),
        ("cashflow", "h100-sxm@8", "-w", "llama3-8b", "--revenue-usd-per-day", "1e-400"),
        ("cashflow", "h100-sxm@8", "-w", "llama3-8b", "--lease-usd-per-month", "2.5e-999"),
        ("estimate", "h100-sxm", "--params", "7B", "--mode", "infer", "--tpot-ms", "1E-400"),
    ],
)
def test_a_number_flag_too_close_to_0_for_a_float_is_refused_not_read_as_0(capsys, monkeypatch, args) -> None:
    """A number flag read ``1e-400`` as the float it rounds to, 0: ``--deadline-days 1e-400`` said 'expected a
    positive number, got 0' of a number typed as positive, and ``--revenue-usd-per-day 1e-400`` was silently taken
    as no revenue. Every number flag now refuses it as ``--set`` does (a value the parser cannot represent: a usage
    error, exit 2), naming the flag and the text given."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    code, out, error = run_main(capsys, *args)
    assert (code, out) == (2, "")
    flag, text = args[-2], args[-1]
    command = args[0]
    assert error == (
        f"Error: Invalid value for '{flag}': {text} is too close to 0 for a float (it reads as 0): give a number of at least "
        f"1e-300 in size (see 'tco {command} --help')\n"
    )


def test_a_number_flag_still_reads_0_and_underscored_digits_and_refuses_text(run) -> None:
    """The flags read what Python's float reads (``0.0e5`` is 0, refused here by the deadline's own range, exit 1;
    ``1_000`` is 1000), and text that is no number is a usage error naming it."""
    zero = run("size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "0.0e5")
    assert (zero.exit_code, zero.stderr.strip()) == (1, "Error: --deadline-days: expected a positive number, got 0")
    thousand = run("size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "1_000", "-f", "json")
    assert thousand.exit_code == 0 and json.loads(thousand.stdout)["limit"] == 1000.0
    text = run("size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "5k")
    assert text.exit_code == 2 and "Invalid value for '--deadline-days': expected a number, got '5k'" in text.stderr


def test_a_file_number_too_close_to_0_for_a_float_is_refused_by_its_key_path(run, tmp_path) -> None:
    """In a file, ``pue = 1e-400`` read as 0 and was judged by the field's range ('value must be a number >= 1,
    got 0'), and a value that may be 0 took 0 silently. The file is now refused at the key path that writes it,
    in an array too; 0 itself (also written -0.0) still reads as 0."""
    scenario = tmp_path / "s.toml"
    scenario.write_text('extends = "default"\nid = "s"\npue = 1e-400\n')
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "-s", str(scenario))
    assert r.exit_code == 1
    tiny = "1e-400 is too close to 0 for a float (it reads as 0): give a number of at least 1e-300 in size"
    assert r.stderr == f"Error: {scenario}: pue: {tiny}\n"
    scenario.write_text('extends = "default"\nid = "s"\n[porting.low]\nweeks = 2E-999\n')
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "-s", str(scenario))
    assert r.stderr.startswith(f"Error: {scenario}: porting.low.weeks: 2E-999 is too close to 0 for a float")
    scenario.write_text('extends = "default"\nid = "s"\npue = -0.0\n')
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "-s", str(scenario))
    assert r.stderr == f"Error: {scenario}: pue: expected at least 1, got -0\n"


def test_an_incomplete_shape_that_counts_more_than_the_parameters_is_noted(run) -> None:
    """``tco estimate h100-sxm --params 1B --layers 32 --d-model 4096`` (no FFN width, no vocabulary) was taken
    without a word, though its attention alone counts more than 1B: the shape was checked against the count only
    when complete. An incomplete shape now counts what it gives, per layer ``2·d·a + 2·d·kv`` (Q, O; K, V) =
    2·4096·4096 + 2·4096·4096 = 67,108,864, × 32 layers = 2.147e9, and says so where that passes the count by
    more than 5 %. A head width of 10^15 (hostile round 69: 'fits in memory: yes', 1.4e-08 tokens/s) is noted
    the same way; a shape within the count (the standard 7B's own head width) gets no note."""
    notes = lambda *a: " ".join(json.loads(run("estimate", "h100-sxm", *a, "-f", "json").stdout)["results"][0]["notes"])  # noqa: E731
    assert "the shape counts at least 2.15B parameters in what it gives (layers, widths, heads), the workload 1B" in notes(
        "--params", "1B", "--layers", "32", "--d-model", "4096"
    )
    assert "the shape counts at least" in notes("--params", "7B", "--head-dim", "1000000000000000")
    assert "the shape counts" not in notes("--params", "7B", "--head-dim", "128")
    assert "the shape counts" not in notes("--params", "2.2B", "--layers", "32", "--d-model", "4096")
