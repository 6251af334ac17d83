"""Hostile round 19 (a workbook auditor, an infra lead scripting from the shell): each defect as a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_workbook import needs_soffice, recalculated, results_of, with_assumption

pytest.importorskip("openpyxl")


def _engine(run, args: list[str], *sets: str) -> dict[str, dict]:
    flags = [x for s in sets for x in ("--set", s)]
    return {r["accelerator"]: r for r in json.loads(run("compare", *args, *flags, "-f", "json").stdout)["results"] if r["rank"]}


def _edited_equals_set(run, tmp_path: Path, args: list[str], scope: str, key: str, value: float, path: str) -> None:
    base = tmp_path / "base.xlsx"
    assert run("compare", *args, "-o", str(base)).exit_code == 0
    got = results_of(recalculated(with_assumption(base, tmp_path, scope, key, value), tmp_path))
    want = _engine(run, args, f"{path}={value}")
    assert set(got) == set(want)
    for label, row in got.items():
        assert row["job cost, USD"] == pytest.approx(want[label]["job_cost_usd"], rel=1e-9)
        assert row["effective cost, USD"] == pytest.approx(want[label]["effective_cost_usd"], rel=1e-9)
        assert row["rank"] == want[label]["rank"]


# --------------------------------------------------------------------------- D1: a serving fleet follows demand


@needs_soffice
@pytest.mark.parametrize(
    ("scope", "key", "value", "path"),
    [("workload", "tokens_per_day", 3e9, "workload.tokens_per_day"), ("scenario", "utilization", 0.4, "scenario.utilization")],
)
def test_a_serving_workbooks_fleet_follows_demand_and_utilization(run, tmp_path, scope, key, value, path) -> None:
    """Tripled demand: the workbook kept 24 H100s ($997,868) where the engine buys 64 ($2,653,893);
    halving utilization lowered the workbook's cost. The H100's replica is fixed (@8): its replicas of 4
    and 8 serve within 0.2 % of each other per accelerator, so the engine's choice between them flips with
    the demand, which the workbook holds, as its fleet cell's note says."""
    _edited_equals_set(run, tmp_path, ["h100-sxm@8", "mi300x", "a100-80gb:rent", "-w", "chat-70b"], scope, key, value, path)


# --------------------------------------------------------------------------- D7: a carbon price of 0 is a cell


@needs_soffice
def test_a_carbon_price_of_0_is_a_cell_an_auditor_can_change(run, tmp_path) -> None:
    """With the default price 0 the workbook had no carbon cell: $557 at any price (the engine: $700 at $1,000/t)."""
    _edited_equals_set(
        run,
        tmp_path,
        ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"],
        "scenario",
        "carbon_usd_per_tonne",
        1000.0,
        "scenario.carbon_usd_per_tonne",
    )


# --------------------------------------------------------------------------- D2: rows appended in linear time


def test_appended_text_rows_mark_only_their_own_formula_like_cells() -> None:
    """The row appended is found by openpyxl's own counter (reading ``ws[ws.max_row]`` scanned every
    stored cell: a 32,000-row sweep workbook took 485 s, now about 5 s)."""
    import openpyxl

    from tco.workbook import _append_text

    ws = openpyxl.Workbook().active
    for i in range(3):
        _append_text(ws, [f"row {i}", 1.5, "=HYPERLINK(1)" if i == 1 else "plain", "-2" if i == 2 else None])
    assert [c.value for c in ws[2]] == ["row 1", 1.5, "=HYPERLINK(1)", None]
    assert ws.cell(2, 3).data_type == "s" and ws.cell(2, 3).quotePrefix
    assert ws.cell(3, 4).quotePrefix and not ws.cell(3, 3).quotePrefix and not ws.cell(1, 3).quotePrefix
    assert ws.cell(3, 2).data_type == "n"


# --------------------------------------------------------------------------- D3: a full standard output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", ["compare a100-80gb -w gpt3-1.3b -f csv", "simulate a100-80gb -w gpt3-1.3b -n 100 -q -f json"])
def test_a_full_standard_output_is_an_input_error_not_a_bug(args: str) -> None:
    """`> /dev/full` said "internal error ... this is a bug in tco" (exit 3); `-o /dev/full` was already exit 1."""
    import os
    import shlex
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    done = subprocess.run(
        ["sh", "-c", f"{shlex.quote(sys.executable)} -m tco {args} > /dev/full"], capture_output=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 1
    assert done.stderr.decode().strip().splitlines()[-1] == "Error: standard output: cannot write: No space left on device"


# --------------------------------------------------------------------------- D8: -o messages


def test_an_empty_output_name_and_a_file_as_a_folder_are_named(run, tmp_path) -> None:
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", "")
    assert r.exit_code == 2 and "expected a file name (or - for standard output), got ''" in r.stderr
    plain = tmp_path / "plain"
    plain.write_text("x")
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(plain / "x.csv"))
    assert r.exit_code == 1
    assert r.stderr.strip() == f"Error: {plain}/x.csv: -o: cannot write: {plain} is a file, not a folder"


# --------------------------------------------------------------------------- D4: a bound on plans over all options


def test_a_sweep_bounds_its_plans_over_all_options(run) -> None:
    """The value cap was per option: 29 options could make 118,784 layout searches, silently."""
    r = run("sweep", "h100-sxm", "mi300x", "b200", "a100-80gb", "h200", "-w", "llama3-8b", "--vary", "workload.seq_len=4096:5119:1024")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == (
        "Error: --vary: workload.seq_len: 5 options are planned anew at each of 1,024 values: at most 2,048 plans (options × values); "
        "sweep fewer values or fewer options"
    )


# --------------------------------------------------------------------------- D5: the workbook says what run it is


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["compare", "h100-sxm", "mi300x", "-w", "chat-70b", "--set", "workload.time_per_output_token_ms=30"], "compare"),
        (["simulate", "a100-80gb", "-w", "gpt3-1.3b", "-n", "50", "--seed", "3", "-q", "--set", "scenario.market=global"], "simulate"),
    ],
)
def test_a_workbook_carries_the_runs_audit_trail(run, tmp_path, args: list[str], command: str) -> None:
    """No sheet named the workload, scenario, version or a --set with no Assumptions row (a market, a
    latency target): a Run sheet holds the JSON's inputs block."""
    import openpyxl

    path = tmp_path / "run.xlsx"
    assert run(*args, "-o", str(path)).exit_code == 0
    rows = list(openpyxl.load_workbook(path)["Run"].iter_rows(values_only=True))
    items = {(r[0], r[1]) for r in rows[1:]}
    audit = json.loads(run(*[a for a in args if a != "-q"], "-f", "json").stdout)["inputs"]
    assert ("command", command) in items and ("workload", audit["workload"]) in items and ("scenario", "default") in items
    assert ("sets", audit["sets"][0]) in items
    for name, entry in audit["files"].items():
        assert ("file", f"{name}: {entry['path']}") in items
        assert any(r[2] == f"SHA-256 {entry['sha256']}" for r in rows)


# --------------------------------------------------------------------------- D6: a summary beside the records


def test_the_cash_flow_and_simulation_workbooks_carry_their_summaries(run, tmp_path) -> None:
    """The Cash flow sheet had no NPV, total, rank or payback; the Simulation sheet no seed or EVPI."""
    import openpyxl

    args = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", *args, "--revenue-usd-per-day", "5000", "-o", str(path)).exit_code == 0
    rows = list(openpyxl.load_workbook(path)["Cash flow summary"].iter_rows(values_only=True))
    head = rows.index(next(r for r in rows if r[0] == "option"))
    table = [dict(zip(rows[head], r, strict=True)) for r in rows[head + 1 :]]
    want = json.loads(run("cashflow", *args, "--revenue-usd-per-day", "5000", "-f", "json").stdout)["results"]
    assert [(t["option"], t["rank"], t["payback_year"]) for t in table] == [(o["option"], o["rank"], o["payback_year"]) for o in want]
    for t, o in zip(table, want, strict=True):
        assert (t["npv_cost_usd"], t["total_cost_usd"]) == pytest.approx((o["npv_cost_usd"], o["total_cost_usd"]), rel=1e-12)
    sim = tmp_path / "sim.xlsx"
    assert run("simulate", *args, "-n", "200", "--seed", "3", "-q", "-o", str(sim)).exit_code == 0
    fields = {r[0]: r[1] for r in openpyxl.load_workbook(sim)["Simulation summary"].iter_rows(values_only=True)}
    full = json.loads(run("simulate", *args, "-n", "200", "--seed", "3", "-f", "json").stdout)
    assert (fields["samples"], fields["seed"]) == (200, 3)
    assert fields["expected_value_of_perfect_information_usd"] == full["expected_value_of_perfect_information_usd"]
    assert fields["best_expected_option"] == full["best_expected_option"]
