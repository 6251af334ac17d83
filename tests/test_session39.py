"""This session's own fixes: the count search runs once per data-parallel degree, and a workbook
without openpyxl is blamed on the flag that asked for it. Each test names the defect it pins."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import tco
from tco import training
from tco.analysis import sizing
from tco.analysis.common import prepare


def _plan(accelerator: str, workload: str):
    inputs = sizing.with_fitting_count(tco.load_inputs([accelerator], workload=workload))
    prep = prepare(inputs)
    return prep.plans[0], prep.bases[0]


@pytest.mark.parametrize(("accelerator", "workload", "top"), [("a100-80gb", "gpt3-1.3b", 4096), ("h100-sxm", "llama3-70b", 2048)])
def test_grouped_search_gives_the_plain_search_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, accelerator: str, workload: str, top: int
) -> None:
    """The layout search over many counts runs once per distinct largest data-parallel degree (the only
    way the count enters a layout's step) and takes the per-accelerator figures at every count: every
    output is the plain search's, to the bit, over every layout at counts 1..top."""
    plan, base = _plan(accelerator, workload)
    counts = np.arange(1, top + 1, dtype=float)
    grouped = sizing._exact(plan, base, counts)
    monkeypatch.setattr(training, "GROUP_FROM", 10**12)
    plain = sizing._exact(plan, base, counts)
    for key in grouped:
        a, b = grouped[key], plain[key]
        assert np.array_equal(a, b, equal_nan=True), key


def test_groupable_only_when_the_count_alone_varies() -> None:
    """Grouping by degree holds only when every other input is one number: a swept memory or price
    changes the step at each point, so the plain search runs."""
    counts = np.arange(1, 1001, dtype=float)
    assert training._groupable({"count": counts, "memory_gb": 80.0}, scalar=False)
    assert not training._groupable({"count": counts, "memory_gb": counts * 0 + 80.0}, scalar=False)
    assert not training._groupable({"count": counts[:10], "memory_gb": 80.0}, scalar=False)
    assert not training._groupable({"count": 8.0, "memory_gb": 80.0}, scalar=True)


def test_size_on_a_budget_searches_each_degree_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tco size a100-80gb -w gpt3-1.3b --budget-usd 5000` (an example in `tco size --help`) took 13.5 s:
    a budget searches every count to 131,072, and each octave ran the layout search at every count (now
    about 3 s: once per distinct degree). The answer is unchanged (21,613 accelerators, the largest count
    whose job cost fits $5,000), and the octaves past 256 counts took the grouped search."""
    searched: list[int] = []
    real = training._LocalBest.__init__

    def spy(self: training._LocalBest, n: np.ndarray, ops: object) -> None:
        searched.append(len(n))
        real(self, n, ops)

    monkeypatch.setattr(training._LocalBest, "__init__", spy)
    result = tco.size(tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b"), budget_usd=5000)
    (option,) = result.options
    assert option.count == 21613 and option.job_cost_usd is not None and option.job_cost_usd <= 5000
    assert searched and max(searched) <= 1024  # at most one search per degree (sequences per step), not 65,536 counts


def test_a_workbook_without_openpyxl_is_blamed_on_the_flag_that_asked(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the xlsx extra, `-o n.xlsx` was refused as '--format: the XLSX format needs openpyxl', naming
    a flag the user never gave, and only after every input loaded. Now the flag given is named, before
    anything loads."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openpyxl" else real(name, *a))
    by_name = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(tmp_path / "n.xlsx"))
    assert by_name.exit_code == 1
    assert by_name.stderr.strip().splitlines() == [
        "Error: -o: a workbook needs openpyxl: pip install 'tco[xlsx]' (or pip install '.[xlsx]' in a checkout)"
    ]
    by_flag = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "xlsx", "-o", str(tmp_path / "n.xlsx"))
    assert by_flag.exit_code == 1 and by_flag.stderr.startswith("Error: --format: a workbook needs openpyxl")
    assert not (tmp_path / "n.xlsx").exists()


def test_a_link_loop_on_the_profile_path_is_named_as_one(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TCO_PROFILE_PATH naming a symbolic link loop (or a link to nothing) was called 'not a folder',
    which a user looking at a link cannot act on."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "c").symlink_to(tmp_path / "nowhere")
    for name, what in (("a", "is a symbolic link loop"), ("c", "is a link to nothing")):
        monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / name))
        result = run("profiles", "list")
        assert result.exit_code == 1
        assert (
            result.stderr.strip()
            == f"Error: {tmp_path / name}: TCO_PROFILE_PATH: {what}; expected folders holding accelerators/, workloads/, scenarios/"
        )


def test_completion_asked_by_hand_is_one_line(tmp_path: Path) -> None:
    """`_TCO_COMPLETE=complete_bash tco` (the completion protocol without the variables the shell's script
    sets) ended in a KeyError traceback. It is a usage error now, pointing at the script to use."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("COMP_")} | {"_TCO_COMPLETE": "complete_bash"}
    proc = subprocess.run([sys.executable, "-m", "tco"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "Error: shell completion: COMP_WORDS is not set; use the script 'tco --show-completion' prints\n"
    env |= {"COMP_WORDS": "tco comp", "COMP_CWORD": "1"}
    proc = subprocess.run([sys.executable, "-m", "tco"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0 and "compare" in proc.stdout


def test_a_breakeven_over_money_plans_nothing_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    """`tco breakeven h800 h100-sxm:rent -w deepseek-v3` (over the cost of delay, the default) took 41 s:
    each bisection step asked whether the cost of delay moves the plan, planning the MoE job again at
    the step's two ends (82 plans). Money never moves a plan: now no plan is made anew (4 s), and the
    tie is where it was."""
    from tco.analysis import common

    plans: list[object] = []
    real = common._plan_with

    def spy(*args: object) -> object:
        plans.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(common, "_plan_with", spy)
    pair = ["h800", "h100-sxm:rent"]
    result = tco.breakeven(tco.load_inputs(pair, workload="llama3-8b"), *pair)
    assert plans == []
    assert result.value is not None
    # the tie: both options' effective costs agree there
    at = [f"scenario.cost_of_delay_usd_per_day={result.value!r}"]
    costs = [r.effective_cost_usd for r in tco.compare(tco.load_inputs(pair, workload="llama3-8b", sets=at)).results]
    assert costs[0] == pytest.approx(costs[1], rel=1e-6)
