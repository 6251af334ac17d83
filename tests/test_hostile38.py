"""Hostile round 38 (today's changes attacked): each defect, fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import results_by_option

MH100 = """extends = "h100-sxm"
id = "mh100"
aliases = []
[[benchmarks]]
workload = "chat-70b"
tokens_per_second = 700
source = "test"
[[benchmarks]]
workload = "llama3-8b"
tokens_per_second = 8000
accelerator_count = 8
source = "test"
"""

MB200 = """extends = "b200"
id = "mb200"
aliases = []
[[benchmarks]]
workload = "chat-70b"
tokens_per_second = 2000
source = "test"
"""


@pytest.fixture
def measured(user_profile):
    user_profile("accelerators", "mh100", MH100)
    user_profile("accelerators", "mb200", MB200)


def test_a_changed_precision_carries_the_run_at_its_own_count(run, measured) -> None:
    """D1: --set workload.precision=fp8 kept the published 8,000 tokens/s at the run's count (8) and carried
    it at 16; the run is carried by the model's ratio at every count."""
    at8 = results_by_option(run, "compare", "mh100@8", "h100-sxm@8", "-w", "llama3-8b", "--set", "workload.precision=fp8")
    at16 = results_by_option(run, "compare", "mh100@16", "h100-sxm@16", "-w", "llama3-8b", "--set", "workload.precision=fp8")
    base = results_by_option(run, "compare", "mh100@8", "h100-sxm@8", "-w", "llama3-8b")
    assert base["mh100@8"]["tokens_per_second_per_accelerator"] == 8000
    ratio = at8["h100-sxm@8"]["tokens_per_second_per_accelerator"] / base["h100-sxm@8"]["tokens_per_second_per_accelerator"]
    assert at8["mh100@8"]["tokens_per_second_per_accelerator"] == pytest.approx(8000 * ratio, rel=1e-9)
    assert at16["mh100@16"]["tokens_per_second_per_accelerator"] == pytest.approx(
        at8["mh100@8"]["tokens_per_second_per_accelerator"], rel=0.02
    )


@pytest.mark.parametrize("setting", ["workload.output_tokens=100", "workload.time_per_output_token_ms=25", "workload.shape.heads=16"])
def test_an_input_the_file_leaves_to_its_default_carries_a_serving_run(run, measured, setting: str) -> None:
    """D2: an input chat-70b's file does not give (output length, a latency target, head count) left the
    published 700 tokens/s as it was; it moves with the model's ratio, as the derived part does."""
    base = results_by_option(run, "compare", "mh100", "h100-sxm", "-w", "chat-70b")
    changed = results_by_option(run, "compare", "mh100", "h100-sxm", "-w", "chat-70b", "--set", setting)
    derived = changed["h100-sxm"]["tokens_per_second_per_accelerator"] / base["h100-sxm"]["tokens_per_second_per_accelerator"]
    carried = changed["mh100"]["tokens_per_second_per_accelerator"] / 700
    assert derived < 0.9 and carried == pytest.approx(derived, rel=0.05)
    assert any("carried to the changed workload" in n for n in changed["mh100"]["notes"])
    # (a --set that repeats the default is the same job: the run as published)
    same = results_by_option(run, "compare", "mh100", "-w", "chat-70b", "--set", "workload.output_tokens=2048")
    assert same["mh100"]["tokens_per_second_per_accelerator"] == 700


def test_a_smaller_job_on_a_measured_part_is_not_refused_for_the_published_one(run, measured) -> None:
    """D3: a 1B training job on one measured H100 was refused because llama3-8b does not fit on one."""
    rows = results_by_option(
        run, "compare", "mh100@1", "h100-sxm@1", "-w", "llama3-8b", "--set", "workload.parameters=1e9", "--set", "workload.shape.layers=8"
    )
    assert rows["mh100@1"]["status"] == "ranked" and rows["mh100@1"]["tokens_per_second_per_accelerator"] > 0


def test_a_workload_file_that_set_completes_is_honoured(run, tmp_path: Path) -> None:
    """D4: the file was also loaded without its --set, so one that --set completes was refused."""
    wl = tmp_path / "w1.toml"
    wl.write_text('id = "w1"\nname = "x"\nkind = "inference"\nparameters = 7e9\nprecision = "bf16"\nseq_len = 4096\n')
    r = run("compare", "b200", "-w", str(wl), "--set", "workload.tokens_per_day=1e9", "--set", "workload.service_life_years=3")
    assert r.exit_code == 0, r.stderr


def test_a_short_flag_cluster_counts_for_the_repeated_option_check(run) -> None:
    """D5: -qn10 -n 20 kept the last value silently."""
    r = run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "-qn10", "-n", "20")
    assert r.exit_code == 2 and "given twice ('10' and '20')" in r.stderr
    assert run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "-qn10", "-f", "json").exit_code == 0


def test_fp4_is_never_slower_than_the_parts_fp8_path(run) -> None:
    """D6: with an FP4 peak below 1.57 × the FP8 one, FP4 serving came out slower than FP8 at the same batch."""
    args = ["estimate", "b200", "--mode", "infer", "--params", "70e9", "--layers", "80", "--d-model", "8192", "--max-batch", "256"]
    fp8 = json.loads(run(*args, "--precision", "fp8", "-f", "json").stdout)["results"][0]
    for peak in ("4500", "6000", "9000"):
        fp4 = json.loads(run(*args, "--precision", "fp4", "--set", f"b200.peak.fp4_tflops={peak}", "-f", "json").stdout)["results"][0]
        assert fp4["tokens_per_second_per_accelerator"] >= fp8["tokens_per_second_per_accelerator"]


def test_the_schema_refuses_fp4_for_training() -> None:
    """D7: tco schema workload accepted fp4 as a training precision, which the tool refuses."""
    import tco.schema

    schema = tco.schema.json_schema("workload")
    training = schema["$defs"]["TrainingWorkload"]
    prop = training.get("properties", {}).get("precision") or training["else"]["properties"]["precision"]
    assert "fp4" not in prop["enum"] and "fp8" in prop["enum"]
    serving = schema["$defs"]["InferenceWorkload"]["else"]["properties"]["precision"]
    assert serving["$ref"] == "#/$defs/Precision"


# ---------------------------------------------------------------- hostile round 39


@pytest.mark.parametrize("peak", ["156", "624", "1248"])
def test_a_carried_run_reads_the_published_jobs_peak_as_measured(run, peak: str) -> None:
    """D1: with --set workload.precision=bf16, the A100's fp16 peak (the published job's) was read from the
    changed part: 4x the fp16 peak made the bf16 job 3x slower. The bf16 job does not use it."""
    base = results_by_option(run, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.precision=bf16")
    moved = results_by_option(
        run, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.precision=bf16", "--set", f"a100-80gb.peak.fp16_tflops={peak}"
    )
    assert moved["a100-80gb"]["tokens_per_second_per_accelerator"] == pytest.approx(base["a100-80gb"]["tokens_per_second_per_accelerator"])


def test_an_impossible_run_on_a_changed_job_has_no_figure_in_any_path(run) -> None:
    """D2: 9,360 tokens/s on the MLU370-S4 (MFU 1.17) with the job changed: compare refused it, while sweep,
    what_if and sensitivity gave a ranked figure at MFU 1.17."""
    import tco

    sets = ["mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second=9360", "workload.precision=bf16"]
    r = run("compare", "mlu370-s4", "-w", "gpt3-1.3b", *(a for s in sets for a in ("--set", s)))
    assert r.exit_code == 1 and "the measured 9,360 tokens/s per accelerator on gpt3-1.3b implies MFU 1.17" in r.stderr
    inputs = tco.load_inputs(["mlu370-s4"], workload="gpt3-1.3b", sets=sets[1:])
    res = tco.what_if(inputs, {"mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second": [9360.0]}).results[0]
    assert res.effective_cost_usd == [None]


def test_the_measured_run_warning_judges_the_published_job(run) -> None:
    """D3: --set workload.parameters=2.6e9 made the MLU's published run 'MFU 1.82' (it is 0.98)."""
    r = run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "workload.parameters=2.6e9")
    assert "implies MFU 0.98" in r.stderr and "1.82" not in r.stderr
    r = run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "workload.precision=bf16")
    assert "72 TFLOPS fp16 peak" in r.stderr


def test_an_moe_split_with_negative_shared_weights_is_refused(run) -> None:
    """D4: 12.9e9 active of 46.7e9 with 2 of 4 experts per token means the routed experts hold more than
    the model (67.6e9) and the shared weights are negative; at least 2/4 of the parameters are active."""
    from tests.factories import inference

    with pytest.raises(ValueError, match=r"at least 2/4 of the 4\.67e\+10 parameters are active"):
        inference(parameters={"value": 46.7e9}, active_parameters={"value": 12.9e9}, experts=4, experts_per_token=2)
    r = run("estimate", "h100-sxm", "--mode", "infer", "--params", "12.9e9", "--total-params", "46.7e9", "--experts", "4", "--top-k", "2")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --params:")


def test_the_bandwidth_warning_of_a_measured_moe_run_counts_the_experts_a_step_reads(run, user_profile) -> None:
    """D5: a measured 150 tokens/s for Mixtral at batch 1 on an H100 was flagged as needing more bandwidth
    than the part has: a step reads 12.9 GB (the shared weights and 2 of 8 experts), not 46.7 GB."""
    user_profile(
        "workloads",
        "mixtral-b1",
        'id = "mixtral-b1"\nname = "x"\nkind = "inference"\nparameters = 46.7e9\nactive_parameters = 12.9e9\nexperts = 8\n'
        'experts_per_token = 2\nprecision = "fp8"\nseq_len = 2048\ntokens_per_day = 1e6\nservice_life_years = 1\nmax_batch = 1\n',
    )
    user_profile(
        "accelerators",
        "mh100moe",
        'extends = "h100-sxm"\nid = "mh100moe"\naliases = []\n'
        '[[benchmarks]]\nworkload = "mixtral-b1"\ntokens_per_second = 150\nsource = "test"\n',
    )
    r = run("compare", "mh100moe", "-w", "mixtral-b1")
    assert r.exit_code == 0 and "needs more memory bandwidth" not in r.stderr, r.stderr


# ---------------------------------------------------------------- hostile round 40

IMPOSSIBLE = "mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second=9360"  # MFU 1.17 of the MLU370-S4's 72 TFLOPS


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--set", "mlu370-s4.peak.fp16_tflops=60"],  # a slower part was ranked at MFU 1
        ["--set", "mlu370-s4.peak.fp16_tflops=150"],  # a faster one was refused with a carried MFU 1.05
        ["--set", "workload.parameters=1.31e9"],  # a 0.8 % larger job was ranked at the peak
    ],
)
def test_a_run_above_the_peak_where_it_was_made_says_nothing_anywhere(run, extra: list[str]) -> None:
    """D1–D3: a measurement implying MFU 1.17 on the part and job it was made on was ranked on a slower
    part, at one accelerator and for a slightly larger job, and refused elsewhere with carried figures.
    It has no figure anywhere, and the refusal quotes the run's own MFU on the part as published."""
    r = run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", IMPOSSIBLE, *extra)
    assert r.exit_code == 1 and "implies MFU 1.17 (> 1) of the 72 TFLOPS peak" in r.stderr
    r = run("compare", "mlu370-s4@1", "-w", "gpt3-1.3b", "--set", IMPOSSIBLE, *extra)
    assert r.exit_code == 1 and "implies MFU 1.17" in r.stderr


def test_sweep_and_what_if_agree_with_compare_on_an_impossible_run(run) -> None:
    """D5: compare --set and what_if ranked the MLU at 2.6e9 parameters while the sweep left it out."""
    import tco

    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", sets=[IMPOSSIBLE])
    res = {r.option: r for r in tco.what_if(inputs, {"workload.parameters": [2.6e9]}).results}
    assert res["mlu370-s4"].effective_cost_usd == [None]
    args = ("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", IMPOSSIBLE, "--set", "workload.parameters=2.6e9")
    rows = results_by_option(run, *args)
    assert rows["mlu370-s4"]["status"] == "infeasible" and rows["a100-80gb"]["status"] == "ranked"


def test_the_measured_run_warning_judges_the_part_it_was_measured_on(run) -> None:
    """D4: a slower A100 by --set made its good run 'implausible'; a faster MLU hid its implausible one."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.peak.fp16_tflops=40")
    assert "implausible" not in r.stderr
    r = run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "mlu370-s4.peak.fp16_tflops=300")
    assert "implies MFU 0.98 (> 0.75) of its 72 TFLOPS fp16 peak" in r.stderr


def test_a_ratio_of_one_gives_the_run_exactly(run) -> None:
    """D8: a change the model says changes nothing printed 7799.999999999999."""
    rows = results_by_option(run, "compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "workload.shape.ffn_dim=16384")
    assert rows["mlu370-s4"]["tokens_per_second_per_accelerator"] == 7800
