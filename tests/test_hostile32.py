"""Hostile round 32 (this session's own changes, reviewed hostilely): each defect, fixed."""

from __future__ import annotations

import fractions
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import tco

A100 = (Path(__file__).parent.parent / "profiles" / "accelerators" / "a100-80gb.toml").read_text()


def test_validate_keeps_the_warnings_of_files_that_pass(run, tmp_path: Path) -> None:
    """Warnings are held until a run succeeds; validate's report of several files exits 1 if any fails,
    and lost the warnings of those that passed."""
    bad = tmp_path / "bad.toml"
    bad.write_text(A100.replace('id = "a100-80gb"', 'id = "bad"', 1).replace("tdp_w = { value = 400", "tdp_w = { value = -7", 1))
    mlu = Path(__file__).parent.parent / "profiles" / "accelerators" / "mlu370-s4.toml"
    r = run("profiles", "validate", str(mlu), str(bad))
    assert r.exit_code == 1
    assert "Warning: " in r.stderr and "implies MFU 0.98" in r.stderr and f"Error: {bad}: tdp_w" in r.stderr


def test_a_file_that_no_longer_extends_is_blamed_for_its_own_values(run, tmp_path: Path) -> None:
    base = tmp_path / "badbase.toml"
    base.write_text(A100.replace('id = "a100-80gb"', 'id = "badbase"', 1).replace("tdp_w = { value = 400", "tdp_w = { value = -7", 1))
    child = tmp_path / "child.toml"
    child.write_text('id = "c1"\nextends = "badbase"\n')
    assert run("compare", str(child), "-w", "llama3-8b").stderr.startswith(f"Error: {base}: tdp_w:")
    child.write_text(A100.replace('id = "a100-80gb"', 'id = "c1"', 1).replace("tdp_w = { value = 400", "tdp_w = { value = -9", 1))
    assert run("compare", str(child), "-w", "llama3-8b").stderr.startswith(f"Error: {child}: tdp_w: expected more than 0, got -9")


def test_an_overflow_is_blamed_on_a_huge_input_before_a_tiny_one(run) -> None:
    """Price × overhead (1e160 × 1e160) overflows; a carbon price of 1e-250 divides nothing."""
    r = run(
        "compare",
        "a100-80gb",
        "-w",
        "gpt3-1.3b",
        "--set",
        "a100-80gb.price_usd=1e160",
        "--set",
        "a100-80gb.server_overhead_factor=1e160",
        "--set",
        "scenario.carbon_usd_per_tonne=1e-250",
    )
    assert r.exit_code == 1 and "carbon" not in r.stderr.splitlines()[-1] and "= 1e+160 overflows the arithmetic" in r.stderr


def test_inputs_no_plan_depends_on_are_not_counted_as_plans(inputs_article: tco.Inputs) -> None:
    """3 lengths × 500 costs of delay are 3 plans per option, not 1,500 (refused by the plan limit)."""
    run_ = tco.sweep(inputs_article, ["workload.seq_len=1024:3072:3", "scenario.cost_of_delay_usd_per_day=0:1000:500"])
    assert sum(chunk.rows for chunk in run_.chunks) == 3 * 500 * 2
    many = tco.what_if(
        inputs_article, {"workload.seq_len": [1024] * 1500 + [2048] * 1500, "scenario.pue": np.linspace(1.1, 1.5, 3000).tolist()}
    )
    assert len(many.options[0].effective_cost_usd) == 3000


@pytest.fixture(scope="module")
def inputs_article() -> tco.Inputs:
    return tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")


def test_the_api_takes_numbers_of_any_numeric_type(inputs_article: tco.Inputs) -> None:
    costs = tco.what_if(inputs_article, {"scenario.pue": [Decimal("1.5"), fractions.Fraction(3, 2), 1.5]}).options[0].effective_cost_usd
    assert costs[0] == costs[1] == costs[2]
    est = tco.estimate("a100-80gb", parameters=7e9, shape={"layers": np.int64(32), "d_model": np.int64(4096)})
    assert (
        est.tokens_per_second_per_accelerator
        == tco.estimate("a100-80gb", parameters=7e9, shape={"layers": 32, "d_model": 4096}).tokens_per_second_per_accelerator
    )


def test_python_errors_name_arguments_and_keep_what_the_caller_typed() -> None:
    with pytest.raises(tco.TcoError) as info:
        tco.estimate("h100-sxm", parameters=70e9, mode="infer", replica=1)
    assert str(info.value) == (
        "replica: h100-sxm cannot serve the model: the weights and one sequence do not fit on a replica of 1 "
        "(the smallest replica that holds them is 2: replica=2)"
    )
    with pytest.raises(tco.NotFoundError) as found:
        tco.load_inputs(["--scenario"], workload="gpt3-1.3b")
    assert "'--scenario'" in str(found.value)
