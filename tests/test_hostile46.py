"""Hostile round 46 (the serving engine's tuning, serving sets, this round's refactors): each defect fixed."""

from __future__ import annotations

import json
from pathlib import Path

import tco

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def test_estimate_refuses_one_input_set_twice_as_compare_does(run) -> None:
    """D5: estimate took the last of two --set of one input (any spelling, or a value and its currency apart)."""
    twice = run(
        "estimate", "h100-sxm", "--params", "70B", "--mode", "infer", "--set", "h100-sxm.memory_gb=40", "--set", "H100-SXM.memory_gb=500"
    )
    assert twice.exit_code == 1 and "given twice" in twice.stderr and twice.stdout == ""
    apart = run("estimate", "h100-sxm", "--params", "7B", "--set", "h100-sxm.price_usd=1", "--set", "h100-sxm.price_usd.currency=EUR")
    assert apart.exit_code == 1 and "a value and its currency are one input" in apart.stderr
    assert run("estimate", "h100-sxm", "--params", "7B", "--set", "h100-sxm.memory_gb=40").exit_code == 0


def test_size_at_a_count_lets_the_load_judge_a_set_kind(run) -> None:
    """D7: with @N, an invalid --set workload.kind was reported as an inference workload."""
    bad = run("size", "h100-sxm@8", "-w", "chat-70b", "--deadline-days", "200", "--set", "workload.kind=bogus")
    assert bad.exit_code == 1 and 'expected kind = "training" or "inference"' in bad.stderr
    plain = run("size", "h100-sxm@8", "-w", "chat-70b", "--deadline-days", "200")
    # (round 53: a shipped serving workload blames the choice of it, not its file)
    assert plain.exit_code == 1 and plain.stderr.startswith("Error: workload: sizing applies to training workloads")


def test_a_latency_target_below_the_engines_time_per_step_names_the_engine(run) -> None:
    """D8: a TPOT target under the typical engine's own time per step said only "no batch meets the latency
    targets"; it now gives that time and the tuned engine's, and the tuned engine meets the target."""
    r = run("compare", "h100-sxm", "-w", "assistant-7b", "--set", "workload.time_per_output_token_ms=3")
    assert r.exit_code == 1 and "a typical engine spends" in r.stderr and "workload.tuning = tuned" in r.stderr
    assert (
        run(
            "compare", "h100-sxm", "-w", "assistant-7b", "--set", "workload.time_per_output_token_ms=3", "--set", "workload.tuning=tuned"
        ).exit_code
        == 0
    )
    e = run("estimate", "h100-sxm", "--params", "7B", "--mode", "infer", "--tpot-ms", "3")
    assert e.exit_code == 1 and "--tuning tuned:" in e.stderr  # estimate names its flag


def test_serving_calibration_rows_say_which_engine() -> None:
    """D9: the serving rows of calibrate's JSON had no engine; the table has a column for it."""
    summary = tco.calibrate()
    assert summary.serving is not None
    by_set = {r.set_id: r.tuning for r in summary.serving.rows}
    assert by_set["qwen-vllm"] == "typical" and by_set["trtllm-tables"] == "tuned"


def test_estimate_notes_name_the_layout_flags(run) -> None:
    """D13: estimate --tp 2 said "layout held to workload.layout (tensor_parallel 2)"."""
    out = run("estimate", "h100-sxm", "--params", "7B", "--tp", "2", "--recompute", "full", "-f", "json")
    notes = json.loads(out.stdout)["results"][0]["notes"]
    assert "layout held to --tp 2 --recompute full; the rest searched" in notes


def test_a_set_engine_that_misses_the_files_target_takes_the_blame(run, user_profile) -> None:
    """D2: a file whose latency target only a tuned engine meets, run with --set workload.tuning=typical,
    was blamed on the file's target; the --set that changed the engine is blamed."""
    user_profile(
        "workloads", "fast7b", 'extends = "assistant-7b"\nid = "fast7b"\ntuning = "tuned"\ntime_per_output_token_ms = { value = 3 }\n'
    )
    assert run("compare", "h100-sxm", "-w", "fast7b").exit_code == 0
    r = run("compare", "h100-sxm", "-w", "fast7b", "--set", "workload.tuning=typical")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: workload.tuning:") and "a typical engine spends" in r.stderr


def test_a_range_end_set_twice_through_a_table_is_refused(run) -> None:
    """D6: --set scenario.pue.low=1.0 and --set 'scenario.pue={value=1.3,low=1.2}' gave two lows, one
    silently dropped (which one by their order); a low beside a value without a table is one input each."""
    for order in ((0, 1), (1, 0)):
        sets = ["scenario.pue.low=1.0", "scenario.pue={value=1.3,low=1.2}"]
        args = [x for i in order for x in ("--set", sets[i])]
        r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", *args)
        assert r.exit_code == 1 and "given twice" in r.stderr
    ok = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue.low=1.0", "--set", "scenario.pue=1.3")
    assert ok.exit_code == 0


def test_one_end_given_keeps_that_end_in_the_tornado(run) -> None:
    """D6: a quantity with a low but no high swung ±20 % (1.04–1.56), below the low of 1.2 it was given;
    it swings from its low to the default high, and says so."""
    out = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue={value=1.3,low=1.2}", "-f", "json")
    (row,) = [r for r in json.loads(out.stdout)["results"] if r["param"] == "scenario.pue"]
    assert (row["low"], row["high"]) == (1.2, 1.3 * 1.2) and row["range_source"] == "default ±20%, its low as given"


def test_a_run_above_the_published_peak_is_the_files_whatever_peak_is_set(run, user_profile) -> None:
    """D3: a benchmark implying MFU 28.9 of the published peak was blamed on a --set of the peak, which the
    check does not use (it measures the run against the part as published)."""
    text = (PROFILES / "accelerators" / "a100-80gb.toml").read_text()
    text = text.replace('id = "a100-80gb"', 'id = "my-a100"', 1).replace(
        "tokens_per_second = { value = 12500,", "tokens_per_second = { value = 1e6,"
    )
    path = user_profile(
        "accelerators", "my-a100", "\n".join("aliases = []" if ln.startswith("aliases =") else ln for ln in text.splitlines())
    )
    r = run("compare", "my-a100", "-w", "gpt3-1.3b", "--set", "my-a100.peak.fp16_tflops=5000")
    assert (
        r.exit_code == 1 and r.stderr.startswith(f"Error: {path}: benchmarks[gpt3-1.3b].tokens_per_second:") and "as published" in r.stderr
    )


def test_duplicate_stage_names_are_the_files_beside_a_set_of_a_stages_tokens(run, user_profile) -> None:
    """D4: the stage-name check reads the names only: a --set of one stage's tokens takes no blame; a --set
    of the whole list does."""
    text = (PROFILES / "workloads" / "deepseek-v3.toml").read_text()
    text = text.replace('id = "deepseek-v3"', 'id = "dup-stages"', 1) + '\n[[stages]]\nname = "long-context"\ntokens = 1e9\n'
    path = user_profile("workloads", "dup-stages", text)
    r = run("compare", "h100-sxm", "-w", "dup-stages", "--set", "workload.stages[long-context].tokens=2e10")
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {path}: stages: stage names must be unique")
    whole = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", 'workload.stages=[{name="a",tokens=1e9},{name="a",tokens=1e9}]')
    assert whole.exit_code == 1 and whole.stderr.startswith("Error: --set: workload.stages: stage names must be unique")


def test_the_one_table_proposal_keeps_the_value_as_typed(run) -> None:
    """D11: the proposed table showed 2e5 as 200000.0, and proposed a table for a value that is no number."""
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "h100-sxm.price_usd=2e5", "--set", "h100-sxm.price_usd.currency=cny")
    assert r.exit_code == 1 and """--set 'h100-sxm.price_usd={value=2e5, currency="CNY"}'""" in r.stderr
    t = run(
        "compare",
        "h100-sxm",
        "-w",
        "chat-70b",
        "--set",
        "h100-sxm.price_usd.currency=CNY",
        "--set",
        "h100-sxm.price_usd={value=2e5, low=1e5}",
    )
    assert t.exit_code == 1 and """--set 'h100-sxm.price_usd={value=2e5, low=1e5, currency="CNY"}'""" in t.stderr
    bad = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "h100-sxm.price_usd=abc", "--set", "h100-sxm.price_usd.currency=CNY")
    assert bad.exit_code == 1 and "given twice" in bad.stderr and "one table" not in bad.stderr


def test_validate_refuses_a_run_above_the_peak_that_every_command_refuses(run, tmp_path) -> None:
    """D12: `profiles validate` said ok (with a warning) for a benchmark implying MFU 28.9, which every
    run on that workload refuses; the shipped MLU370-S4 run (MFU 0.98, implausible but possible) still passes."""
    text = (PROFILES / "accelerators" / "a100-80gb.toml").read_text()
    bad = tmp_path / "my-a100.toml"
    bad.write_text(
        text.replace('id = "a100-80gb"', 'id = "my-a100"', 1).replace(
            "tokens_per_second = { value = 12500,", "tokens_per_second = { value = 1e6,"
        )
    )
    r = run("profiles", "validate", str(bad))
    assert (
        r.exit_code == 1
        and r.stderr.startswith(f"Error: {bad}: benchmarks[gpt3-1.3b].tokens_per_second: ")
        and "MFU 28.87 (> 1)" in r.stderr
    )
    ok = run("profiles", "validate", str(PROFILES / "accelerators" / "mlu370-s4.toml"))
    assert ok.exit_code == 0 and "implausible" in ok.stderr and ok.stdout.startswith("ok:")
