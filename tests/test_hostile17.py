"""Hostile round 17 (staged and MoE training, serving SLOs, estimate's flags): each defect as a test."""

from __future__ import annotations

import csv
import io
import json

import pytest

import tco


def _sweep_costs(run, path: str) -> list[float]:
    r = run("sweep", "a100-80gb", "-w", "llama3-8b", "--vary", f"{path}=1.1,1.5", "-f", "csv")
    assert r.exit_code == 0, r.stderr
    return [float(row["job_cost_usd"]) for row in csv.DictReader(io.StringIO(r.stdout))]


# --------------------------------------------------------------------------- D1: every spelling of a varied input


@pytest.mark.parametrize("path", ["Scenario.pue", "scenario.pue.value", "SCENARIO.pue.value"])
def test_a_varied_input_in_any_accepted_spelling_moves_the_figures(run, path: str) -> None:
    """`Scenario.pue` and `scenario.pue.value` were accepted and every row kept the base value."""
    assert _sweep_costs(run, path) == _sweep_costs(run, "scenario.pue")
    assert len(set(_sweep_costs(run, path))) == 2


def test_what_if_and_breakeven_take_every_spelling() -> None:
    inputs = tco.load_inputs(["a100-80gb", "a100-80gb:rent"], workload="llama3-8b")
    canonical = tco.what_if(inputs, {"a100-80gb.price_usd": [16000.0, 19000.0]}).options[0].job_cost_usd
    assert tco.what_if(inputs, {"a100-80gb.price_usd.value": [16000.0, 19000.0]}).options[0].job_cost_usd == canonical
    assert canonical[0] < canonical[1]
    tokens = tco.what_if(inputs, {"Workload.training_tokens": [1e12, 2e12]}).options[0].job_cost_usd
    assert tokens == tco.what_if(inputs, {"workload.training_tokens": [1e12, 2e12]}).options[0].job_cost_usd
    a = tco.breakeven(inputs, "a100-80gb", "a100-80gb:rent", param="Scenario.cost_of_delay_usd_per_day")
    b = tco.breakeven(inputs, "a100-80gb", "a100-80gb:rent", param="scenario.cost_of_delay_usd_per_day")
    assert a.value is not None and a.value == pytest.approx(b.value)


def test_a_deadline_spelled_with_value_counts(run) -> None:
    r = run("sweep", "a100-80gb", "-w", "llama3-8b", "--vary", "scenario.deadline_days.value=10,100", "-f", "csv")
    delays = [float(row["delay_days"]) for row in csv.DictReader(io.StringIO(r.stdout))]
    assert delays[0] - delays[1] == pytest.approx(90.0)


# --------------------------------------------------------------------------- D2: .value keeps the range, and says so


def test_a_value_set_outside_the_files_range_says_how_to_replace_the_quantity(run) -> None:
    r = run("compare", "a100-80gb", "-w", "llama3-8b", "--set", "a100-80gb.price_usd.value=10000")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "Error: --set: a100-80gb.price_usd: value 10000 is below low 15000 "
        "(a .value set keeps the file's low and high; give a100-80gb.price_usd=V to replace the whole quantity)"
    )
    assert run("compare", "a100-80gb", "-w", "llama3-8b", "--set", "a100-80gb.price_usd=10000").exit_code == 0


# --------------------------------------------------------------------------- D3: a flag and a --set of one input


@pytest.mark.parametrize(
    ("flags", "path"),
    [
        (["--mode", "infer", "--max-batch", "8"], "workload.max_batch=64"),
        (["--tuning", "tuned"], "workload.tuning=typical"),
        (["--tp", "2"], "workload.layout.tensor_parallel=4"),
        (["--mode", "infer", "--tpot-ms", "30"], "workload.time_per_output_token_ms=80"),
        (["--global-batch", "4e6"], "workload.global_batch_tokens=8e6"),
    ],
)
def test_estimate_refuses_an_input_given_by_its_flag_and_a_set(run, flags: list[str], path: str) -> None:
    """The --set silently won over the flag (batch 64 under --max-batch 8)."""
    r = run("estimate", "h100-sxm", "--params", "13e9", "--seq-len", "4096", *flags, "--set", path)
    assert r.exit_code == 1
    key = path.split("=")[0]
    assert r.stderr.strip() == f"Error: --set: {key}: {flags[-2]} and --set {key} both give this input: give it once"


def test_an_estimate_set_without_its_flag_still_applies(run) -> None:
    r = run("estimate", "h100-sxm", "--params", "13e9", "--seq-len", "4096", "--set", "workload.layout.tensor_parallel=4", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["results"][0]["layout"]["tensor_parallel"] == 4


def test_python_estimate_refuses_an_argument_and_a_set_of_one_input() -> None:
    with pytest.raises(tco.InputError) as info:
        tco.estimate("h100-sxm", parameters=13e9, seq_len=4096, mode="infer", max_batch=8, sets=["workload.max_batch=64"])
    assert (
        str(info.value)
        == "sets: workload.max_batch: the argument max_batch and sets' workload.max_batch both give this input: give it once"
    )


# --------------------------------------------------------------------------- D4: --count is training's


def test_estimate_infer_refuses_a_count(run) -> None:
    r = run("estimate", "h100-sxm", "--params", "13e9", "--mode", "infer", "--count", "3")
    assert r.exit_code == 1
    assert (
        r.stderr.strip()
        == "Error: --count: applies to training (--mode train) only; for serving, --replica fixes the accelerators of a replica"
    )
    assert tco.estimate("h100-sxm", parameters=13e9, seq_len=4096).count == 8  # training's default


# --------------------------------------------------------------------------- D5: one default batch cap


def test_estimate_and_compare_share_the_default_batch_cap(run, user_profile) -> None:
    """A workload without max_batch was capped at 256, estimate at 4,096 (3,828 vs 4,028 tokens/s)."""
    user_profile(
        "workloads",
        "svc8b",
        'id = "svc8b"\nname = "8B service"\nkind = "inference"\nparameters = 8.03e9\nprecision = "bf16"\nseq_len = 4096\n'
        "tokens_per_day = 2e9\nservice_life_years = 3\n"
        "[shape]\nlayers = 32\nd_model = 4096\nkv_dim = 1024\nffn_dim = 14336\nvocab = 128256\n",
    )
    c = json.loads(run("compare", "h100-sxm@4", "-w", "svc8b", "-f", "json").stdout)["results"][0]
    shape = ["--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "8", "--ffn-dim", "14336", "--vocab", "128256"]
    e = run("estimate", "h100-sxm", "--mode", "infer", "--params", "8.03e9", *shape, "--seq-len", "4096", "--replica", "4", "-f", "json")
    est = json.loads(e.stdout)["results"][0]
    assert c["batch"] == est["batch"] == 256
    assert est["tokens_per_second_per_accelerator"] == pytest.approx(c["tokens_per_second_per_accelerator"], rel=1e-12)


# --------------------------------------------------------------------------- D6: errors worded as --set's


def test_a_varied_value_is_refused_in_sets_words(run) -> None:
    r = run("sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.prompt_tokens=500,3000", "-f", "csv")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "Error: --vary: workload.prompt_tokens: 3000 is not allowed: a request of 3000 + 2048 tokens "
        "(output_tokens by default seq_len / 2) exceeds seq_len = 4096; give output_tokens too"
    )


# --------------------------------------------------------------------------- D7, D8, D9


def test_size_of_a_serving_workload_says_so_before_the_replica(run) -> None:
    r = run("size", "h100-sxm@8", "-w", "chat-70b", "--budget-usd", "1e6")
    assert r.exit_code == 1
    # (the choice of the shipped workload, as `size ID` names it since round 53)
    assert r.stderr.strip() == (
        'Error: workload: sizing applies to training workloads, not kind = "inference": '
        "an inference fleet is sized by tokens_per_day already (chat-70b is a serving workload: choose a training one with -w)"
    )


def test_a_global_batch_below_one_sequence_is_noted(run) -> None:
    r = run("compare", "a100-80gb@8", "-w", "llama2-7b", "--set", "workload.global_batch_tokens=100", "-f", "json")
    notes = json.loads(r.stdout)["results"][0]["notes"]
    assert "workload.global_batch_tokens (100 tokens) is less than one 4,096-token sequence: a step runs one" in notes
    e = json.loads(run("estimate", "h100-sxm", "--params", "13e9", "--seq-len", "4096", "--global-batch", "1", "-f", "json").stdout)
    assert "--global-batch (1 token) is less than one 4,096-token sequence: a step runs one" in e["results"][0]["notes"]


def test_estimates_tuning_note_names_the_flag(run) -> None:
    e = json.loads(run("estimate", "h100-sxm", "--params", "13e9", "--seq-len", "4096", "-f", "json").stdout)["results"][0]
    assert e["notes"][-1] == "software tuning: typical (--tuning tuned: a Megatron/NeMo-class stack, as in vendor benchmark tables)"
