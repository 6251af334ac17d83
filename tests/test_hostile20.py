"""Hostile round 20 (serving workbooks, every format of one run, the newest fixes): each defect as a test."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import tco

# --------------------------------------------------------------------------- D1: the workbook says when to rerun


def test_a_serving_workbooks_fleet_row_says_its_replica_is_the_models_choice(run, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "s.xlsx"
    assert run("compare", "h100-sxm", "-w", "chat-70b", "-o", str(path)).exit_code == 0
    rows = {r[0]: r for r in openpyxl.load_workbook(path)["Calc h100-sxm"].iter_rows(values_only=True)}
    assert "a demand far from it can change them (run tco again)" in rows["accelerators"][3]


# --------------------------------------------------------------------------- D2: the Run sheet lists extended files


def test_the_run_sheet_lists_the_files_an_input_extends(run, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    scenario = tmp_path / "cnx.toml"
    scenario.write_text('extends = "default"\nid = "cnx"\nname = "cn"\nmarket = "cn"\n')
    path = tmp_path / "r.xlsx"
    assert run("compare", "mlu590", "-w", "llama3-8b", "-s", str(scenario), "-o", str(path)).exit_code == 0
    rows = list(openpyxl.load_workbook(path)["Run"].iter_rows(values_only=True))
    audit = json.loads(run("compare", "mlu590", "-w", "llama3-8b", "-s", str(scenario), "-f", "json").stdout)["inputs"]
    base = audit["files"]["scenario"]["extends"][0]
    assert ("extends", f"scenario: {base['path']}", f"SHA-256 {base['sha256']}") in rows


# --------------------------------------------------------------------------- D3: a barred option in a simulation


def test_a_barred_option_leaves_the_best_option_and_evpi_known() -> None:
    """With the Ascend 910B (barred in the global market) in the run, EVPI and the best option were null."""
    two = tco.simulate(tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b"), samples=300, seed=1)
    three = tco.simulate(tco.load_inputs(["h100-sxm", "a100-80gb", "ascend-910b"], workload="llama3-8b"), samples=300, seed=1)
    assert three.best_expected_option == two.best_expected_option == "h100-sxm"
    assert three.expected_value_of_perfect_information_usd == two.expected_value_of_perfect_information_usd
    assert not [p for p in three.sampled_inputs if p.startswith("ascend-910b.")]


# --------------------------------------------------------------------------- D4: help into a full standard output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", ["--help", "compare --help", "--version"])
def test_help_and_version_into_a_full_standard_output_are_one_line(args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    cmd = f"{shlex.quote(sys.executable)} -m tco {args} > /dev/full"
    done = subprocess.run(["sh", "-c", cmd], capture_output=True, env=env, timeout=120, check=False)
    assert (done.returncode, done.stderr.decode().strip()) == (1, "Error: standard output: cannot write: No space left on device")


# --------------------------------------------------------------------------- D5: the plan limit names the product


def test_the_sweep_plan_limit_names_how_the_axes_multiply(run) -> None:
    r = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.seq_len=1024:8192:8", "--vary", "h100-sxm.memory_gb=20:119:500")
    assert r.exit_code == 1
    assert r.stderr.strip().endswith("at most 1,024, got 4,000 (8 workload.seq_len × 500 h100-sxm.memory_gb)")
    # a PUE (or a TDP: engine.PLAN_FREE), which no plan depends on, multiplies no plans: 8 lengths × 1,000 PUEs are 8 plans
    ok = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.seq_len=1024:8192:8", "--vary", "scenario.pue=1:2:1000")
    assert ok.exit_code == 0 and len(ok.stdout.splitlines()) == 8 * 1000 + 1


# --------------------------------------------------------------------------- D6: the report says why an option is not ranked


def test_the_report_gives_the_reason_and_the_number_that_would_decide(run, tmp_path, user_profile) -> None:
    unknown = 'price_usd = { currency = "CNY", source = "[TCO] unknown", confidence = "estimate" }\n'
    user_profile("accelerators", "mlu590-np", 'id = "mlu590-np"\nextends = "mlu590"\n' + unknown)
    args = [
        "ascend-910b",
        "mlu590-np",
        "a800",
        "-w",
        "llama3-8b",
        "--set",
        "scenario.market=cn",
        "--set",
        "scenario.cost_of_delay_usd_per_day=100",
    ]
    out = tmp_path / "r.html"
    assert run("report", *args, "-n", "100", "-o", str(out)).exit_code == 0
    page = out.read_text()
    res = {r["accelerator"]: r for r in json.loads(run("compare", *args, "-f", "json").stdout)["results"]}
    # (cut, not rounded, since round 97: at the rounded-up figure the option loses)
    assert f"wins below a unit price of ${int(res['mlu590-np']['price_to_match_usd'] // 1):,}" in page
    assert "a800 cannot be bought in market &#x27;cn&#x27;" in page


# --------------------------------------------------------------------------- D7: a name that is only an extension


def test_a_name_that_is_only_an_extension_sets_the_format(run, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", ".xlsx").exit_code == 0
    assert (tmp_path / ".xlsx").read_bytes()[:2] == b"PK"  # a zip: an xlsx, not a text table
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", ".json", "-f", "csv")
    assert r.exit_code == 2 and ".json is named as json but --format csv writes csv" in r.stderr
