"""Hostile review 12, defects D1 (breakeven misses crossings over wide ranges), D5 (cash flow with a
revenue and a delay penalty) and D7 (breakeven --param naming a missing stage)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pytest import approx

import tco
from tco.analysis.breakeven import scan_grid

PAIR = ["h100-sxm", "a100-80gb", "-w", "llama3-8b"]


def json_out(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def error_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def costs(run, count: int) -> dict[str, float | None]:
    """Effective cost of h100-sxm@COUNT and a100-80gb from ``compare`` (None where infeasible)."""
    results = json_out(run("compare", f"h100-sxm@{count}", "a100-80gb", "-w", "llama3-8b", "-f", "json"))["results"]
    return {r["accelerator"].split("@")[0]: r["effective_cost_usd"] for r in results}


# --------------------------------------------------------------------------- D1


@pytest.mark.parametrize("rng", ["1:131072", "1:1e6", "1:1e9", "50:1e9"])
def test_d1_breakeven_finds_both_count_crossings_in_every_wide_range(run, rng: str) -> None:
    """Both swaps (110 and 4,539) in every range that holds them; compare agrees on each side of both."""
    result = run("breakeven", *PAIR, "--param", "h100-sxm.count", "--range", rng, "-f", "json")
    record = json_out(result)["results"][0]
    assert record["all_values"] == [110.0, 4539.0]
    assert record["message"].startswith("h100-sxm and a100-80gb swap places 2 times")
    assert (record["winner_below"], record["winner_above"]) == ("a100-80gb", "a100-80gb")


def test_d1_the_crossings_are_where_compare_swaps_the_winner(run) -> None:
    """The ground truth: the H100 wins from 110 to 4,538 and loses at 109 and 4,539."""
    for count, h100_wins in ((109, False), (110, True), (200, True), (1024, True), (4538, True), (4539, False)):
        c = costs(run, count)
        assert c["h100-sxm"] is not None and c["a100-80gb"] is not None
        assert (c["h100-sxm"] < c["a100-80gb"]) is h100_wins, count


def test_d1_a_single_tie_names_the_winners_on_either_side_of_it(run) -> None:
    """One tie in range: the sides are read around the tie, not at the range's ends, so they differ."""
    record = json_out(run("breakeven", *PAIR, "--param", "h100-sxm.count", "--range", "1:4096", "-f", "json"))["results"][0]
    assert record["all_values"] == [110.0]
    # (whole counts: the costs swap between 109 and 110, round 41 D3)
    assert "swap between h100-sxm.count = 109 and 110 (a gap of" in record["message"]
    assert "below it a100-80gb wins, from it h100-sxm wins" in record["message"]
    assert "h100-sxm is feasible from h100-sxm.count = 3" in record["message"]
    late = json_out(run("breakeven", *PAIR, "--param", "h100-sxm.count", "--range", "1000:1e9", "-f", "json"))["results"][0]
    assert late["all_values"] == [4539.0]
    assert "swap between h100-sxm.count = 4,538 and 4,539" in late["message"]
    assert "below it h100-sxm wins, from it a100-80gb wins" in late["message"]


@pytest.mark.parametrize("rng", ["1:50", "1:4096", "1:131072", "1:1e6", "1:1e9", "2:200", "1000:1e9", "1e4:1e9"])
def test_d1_no_self_contradicting_verdicts(run, rng: str) -> None:
    """Never 'below it X wins, above it X wins' for a tie, never 'no tie' where compare shows a swap."""
    record = json_out(run("breakeven", *PAIR, "--param", "h100-sxm.count", "--range", rng, "-f", "json"))["results"][0]
    same = re.search(r"below it (\S+) wins.*(?:above|from) it (\S+) wins", record["message"])
    assert not (same and same.group(1) == same.group(2)), record["message"]
    lo, hi = (float(v) for v in rng.split(":"))
    expected = [v for v in (110.0, 4539.0) if lo < v <= hi]
    assert record["all_values"] == expected
    assert record["message"].startswith("no tie") is (not expected)


def test_d1_a_feasibility_edge_is_no_tie(run) -> None:
    """Between 1 and 50 the H100 only becomes feasible (at 3) and stays dearer: reported as an edge."""
    record = json_out(run("breakeven", *PAIR, "--param", "h100-sxm.count", "--range", "1:50", "-f", "json"))["results"][0]
    assert record["value"] is None and record["all_values"] == []
    assert record["message"].startswith("no tie for h100-sxm.count in [1, 50]")
    assert "h100-sxm is feasible from h100-sxm.count = 3" in record["message"]
    assert costs(run, 2)["h100-sxm"] is None
    at3, at50 = costs(run, 3), costs(run, 50)
    assert at3["h100-sxm"] is not None and at3["h100-sxm"] > at3["a100-80gb"]  # type: ignore[operator]
    assert at50["h100-sxm"] > at50["a100-80gb"]  # type: ignore[operator]


def test_d1_python_api_agrees_with_the_cli() -> None:
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    res = tco.breakeven(inputs, "h100-sxm", "a100-80gb", param="h100-sxm.count", value_range=(1, 1e9))
    assert res.all_values == [110.0, 4539.0] and res.value == 110.0


def test_d1_scan_grid_is_logarithmic_over_wide_ranges() -> None:
    """Over 1 .. 1e9 every whole count up to 100 is a scan point; a narrow range stays linear."""
    xs = scan_grid(1.0, 1e9, 2049, True)
    assert set(range(1, 101)) <= set(xs.tolist())
    assert xs[0] == 1 and xs[-1] == 1e9 and xs.size <= 2049
    assert np_ratio_max(xs[xs > 1000]) < 1.02
    lin = scan_grid(10.0, 20.0, 11, False)
    assert lin.tolist() == approx([10.0 + i for i in range(11)])
    # From zero: the linear grid plus log-spaced points toward zero.
    z = scan_grid(0.0, 1e6, 2049, False)
    assert z[0] == 0 and z[-1] == 1e6 and z[1] == 1.0 and (z[(z > 0) & (z < 488)]).size > 400


def np_ratio_max(xs) -> float:
    return float((xs[1:] / xs[:-1]).max())


# --------------------------------------------------------------------------- D5


def test_d5_cashflow_revenue_is_deferred_and_delay_is_charged_once(run) -> None:
    """With a revenue, the late (bought) H100 earns the same revenue as the rented one, only later, and is
    charged compare's delay penalty (cost of delay × days late) once; the output says so."""
    args = ["h100-sxm", "h100-sxm@16:rent=2.5", "-w", "chat-70b"]
    flows = {r["option"]: r for r in json_out(run("cashflow", *args, "--revenue-usd-per-day", "5000", "-f", "json"))["results"]}
    ranked = {r["accelerator"]: r for r in json_out(run("compare", *args, "-f", "json"))["results"]}
    late, fast = flows["h100-sxm"], flows["h100-sxm@16:rent=2.5"]
    assert ranked["h100-sxm"]["delay_days"] == 91.0
    assert sum(y["delay_penalty_usd"] for y in late["years"]) == approx(ranked["h100-sxm"]["delay_penalty_usd"]) == 910_000.0
    assert sum(y["delay_penalty_usd"] for y in fast["years"]) == 0.0
    three_years = 5000 * 365.25 * 3  # chat-70b's service life, from each option's market date
    assert sum(y["revenue_usd"] for y in late["years"]) == approx(three_years)
    assert sum(y["revenue_usd"] for y in fast["years"]) == approx(three_years)
    assert any("revenue deferred, not lost" in n and "91 days late are charged once" in n for n in late["notes"])
    assert not any("deferred" in n for n in fast["notes"])
    # Without a revenue, the same penalty and no such note.
    bare = {r["option"]: r for r in json_out(run("cashflow", *args, "-f", "json"))["results"]}
    assert sum(y["delay_penalty_usd"] for y in bare["h100-sxm"]["years"]) == 910_000.0
    assert not any("deferred" in n for n in bare["h100-sxm"]["notes"])


# --------------------------------------------------------------------------- D7


@pytest.fixture
def staged(tmp_path: Path) -> str:
    path = tmp_path / "ms.toml"
    path.write_text(
        'id = "ms"\nname = "multi stage"\nkind = "training"\nextends = "llama3-8b"\ntraining_tokens = 1e11\n'
        'accelerator_count = 64\n[[stages]]\nname = "long"\ntokens = 1e10\nseq_len = 32768\n'
    )
    return str(path)


@pytest.mark.parametrize("extra", [[], ["--range", "1e9:1e12"]])
def test_d7_breakeven_param_on_a_missing_stage_blames_param(run, staged: str, extra: list[str]) -> None:
    line = error_line(run("breakeven", "h100-sxm", "a100-80gb", "-w", staged, "--param", "workload.stages[0].tokens", *extra))
    assert line == "Error: --param: workload.stages[0].tokens: no stages entry for '0': give stages[long] (stages are named, not numbered)"
    # As sweep --vary says it.
    vary = error_line(run("sweep", "h100-sxm", "-w", staged, "--vary", "workload.stages[0].tokens=1e9,2e9"))
    assert vary == "Error: --vary: workload.stages[0].tokens: no stages entry for '0': give stages[long] (stages are named, not numbered)"


def test_d7_an_existing_stage_still_works(run, staged: str) -> None:
    record = json_out(run("breakeven", "h100-sxm", "a100-80gb", "-w", staged, "--param", "workload.stages[long].tokens", "-f", "json"))[
        "results"
    ][0]
    assert (record["range_low"], record["range_high"]) == (1e9, 1e11)


def test_d7_param_without_a_value_names_param(run) -> None:
    line = error_line(run("breakeven", *PAIR, "--param", "a100-80gb.mfu"))
    assert line == "Error: --param: a100-80gb.mfu: has no value to build a default range from; give --range LO:HI"
