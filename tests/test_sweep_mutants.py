"""Tests that kill surviving mutants of ``tco/analysis/sweep.py`` (mutmut 3.8.1, all 383 mutants of the file,
2026-12-01): the bound on re-planned values, the error texts of an axis, an axis also given with ``--set`` (as a
TOML table, or after a set that names no input), and the empty cells of an infeasible row or of a metric the
workload has not.

Rows are checked against ``compare`` on the same inputs with the swept value set in the profile.
"""

from __future__ import annotations

import tco
from tco import analysis, render
from tco.analysis.common import MAX_REPLANS
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, bench, inference
from tests.test_mutants import CHEAP, FAST, pair, raised, toy_inputs


def csv_rows(inputs: Inputs, vary: list[str]) -> list[dict[str, str]]:
    columns, _, chunks = analysis.iter_sweep(inputs, vary)
    lines = "".join(render.stream_sweep(columns, chunks, render.OutputFormat.csv)).splitlines()
    head = lines[0].split(",")
    return [dict(zip(head, line.split(","), strict=True)) for line in lines[1:]]


def test_as_many_replanned_values_as_the_bound_are_allowed_and_one_more_is_not() -> None:
    """toy.memory_gb from 1 to 1,024 GB moves the toy's memory fit (1 GB cannot hold it): 1,024 distinct values are
    planned anew (the bound), 1,025 are refused before the first row."""
    assert MAX_REPLANS == 1024
    columns, total, _ = analysis.iter_sweep(pair(), ["toy.memory_gb=1:1024:1024"])
    assert total == 2 * 1024
    assert columns[:3] == ["point", "toy.memory_gb", "option"]
    assert raised(lambda: analysis.iter_sweep(pair(), ["toy.memory_gb=1:1025:1025"])) == (
        "--vary: toy.memory_gb: toy.memory_gb changes toy's layout, batch or memory fit, so each value is planned anew: "
        "at most 1,024 distinct values, got 1,025"
    )


def test_a_whole_number_input_names_its_values_and_a_tiny_value_names_its_path() -> None:
    """seq_len from 1,000 to 2,001 in 3 points: its ends are whole, its middle (1,500.5) is not."""
    assert raised(lambda: analysis.iter_sweep(pair(), ["workload.seq_len=1000:2001:3"])) == (
        "--vary: workload.seq_len: its values must be whole numbers, got 1500.5 (choose LO:HI:N so the steps are whole)"
    )
    assert raised(lambda: analysis.iter_sweep(pair(), ["scenario.electricity_usd_per_kwh=0,1e-310"])) == (
        "--vary: scenario.electricity_usd_per_kwh: expected values of at least 1e-300 in size (or 0, where the input takes it), got 1e-310"
    )


def test_an_input_set_as_a_toml_table_cannot_also_be_varied() -> None:
    """The --set value is an inline table holding '=' signs: the path is what comes before the first one."""
    inputs = tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b", sets=["scenario.pue={ value = 1.3, low = 1.1, high = 1.5 }"])
    assert inputs.scenario.pue.value == 1.3
    assert raised(lambda: analysis.iter_sweep(inputs, ["scenario.pue=1.2,1.4"])) == (
        "--vary: scenario.pue is both varied and set with --set: give it once"
    )


def test_a_set_that_names_no_input_does_not_hide_a_later_one() -> None:
    """A hand-built Inputs whose first set has an empty field name: it is skipped, and the second set still clashes."""
    base = pair()
    inputs = Inputs(base.options, base.workload, base.scenario, sets=("scenario..pue=1", "scenario.pue=1.3"))
    assert raised(lambda: analysis.iter_sweep(inputs, ["scenario.pue=1.2,1.4"])) == (
        "--vary: scenario.pue is both varied and set with --set: give it once"
    )


def test_an_infeasible_row_has_an_empty_rank() -> None:
    """At 1 GB the toy cannot hold the model: its row is infeasible, every figure and the rank empty; cheap is 1st.
    At 100 GB the rows are compare's."""
    rows = csv_rows(pair(), ["toy.memory_gb=1,100"])
    assert [(r["point"], r["option"], r["rank"], r["feasible"]) for r in rows] == [
        ("0", "toy", "", "false"),
        ("0", "cheap", "1", "true"),
        ("1", "toy", "1", "true"),
        ("1", "cheap", "2", "true"),
    ]
    assert all(rows[0][c] == "" for c in ("count", "job_cost_usd", "effective_cost_usd"))
    small = tco.compare(toy_inputs(Option(accelerator(memory_gb=1, benchmarks=[bench("toy-train", 1000)])), Option(CHEAP)))
    assert {r.option: r.rank for r in small.results} == {"cheap": 1, "toy": None}
    at_100 = {row["option"]: (float(row["effective_cost_usd"]), int(row["rank"])) for row in rows[2:]}
    assert at_100 == {r.option: (r.effective_cost_usd, r.rank) for r in tco.compare(pair()).results}


def test_a_serving_sweep_leaves_the_time_to_converge_empty() -> None:
    """A service has no time to converge (compare gives None): its cells are empty, the others are compare's."""
    inputs = toy_inputs(Option(FAST), Option(CHEAP), workload=inference())
    rows = csv_rows(inputs, ["scenario.pue=1.5"])
    results = tco.compare(inputs).results
    assert [r["time_to_converge_hours"] for r in rows] == ["", ""]
    assert all(r.time_to_converge_hours is None for r in results)
    assert {r["option"]: float(r["job_cost_usd"]) for r in rows} == {r.option: r.job_cost_usd for r in results}
