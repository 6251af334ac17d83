"""Hostile round 96 (metamorphic checks of the performance answers across commands: the same job asked through
estimate and compare, sweep, size, sensitivity and the workbook, split into stages or restated with --set, on a copy
of a profile, at another precision, with more of a resource): a part whose 8-bit peak equals its 16-bit one (Gaudi 3's
FP8, the MI250X's INT8) was said to have an MFU '1× higher' against the 16-bit peak; the accelerators an MoE layout
leaves idle because its data parallelism is a multiple of the expert-parallel degree (DeepSeek-V3 on 100 H100s: DP 96
× EP 8, 4 idle) were said to be left out to lose less to failures; size's budget message showed the purchase it
computed as '$17,094,876.592' where every money total is in whole dollars; a given MFU (``workload.mfu``) kept a
'layout: ..., 4 idle' note though the result has no layout and its rate runs every accelerator; and a staged job
reported its main stage's MFU and scaling efficiency beside the whole job's rate (DeepSeek-V3 with a long-context
stage as long as pre-training: MFU 0.1687 beside 1,074 tokens/s, the main stage's 1,372); and estimate reported a
layout for a given MFU where compare, for the same job, reports none. Each is fixed and tested here."""

from __future__ import annotations

import json
from typing import Any


def _result(run: Any, *args: str) -> dict[str, Any]:
    done = run(*args, "-f", "json")
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout)["results"][0])


def test_an_8_bit_peak_equal_to_the_16_bit_one_is_not_1x_higher(run: Any) -> None:
    """1: ``tco estimate gaudi3 --params 8e9 --count 64 --precision fp8`` (and ``tco compare gaudi3 -w deepseek-v3``)
    noted 'MFU counts the fp8 peak the job runs at (1,835 TFLOPS); against the 16-bit peak (1,835 TFLOPS) it is 1×
    higher': Gaudi 3's FP8 and BF16 peaks are both 1,835 TFLOPS, so the MFU is the same against either, and the
    MI250X's INT8 peak (383 TOPS) is its BF16 one too. The note now says so; a part whose 8-bit peak is twice its
    16-bit one still says '2× higher'."""
    same = ": the MFU is the same against either"
    equal = "MFU counts the fp8 peak the job runs at (1,835 TFLOPS), as high as the 16-bit peak (1,835 TFLOPS)" + same
    notes = _result(run, "estimate", "gaudi3", "--params", "8e9", "--count", "64", "--precision", "fp8")["notes"]
    assert equal in notes
    assert not any("1× higher" in n for n in notes)
    staged = _result(run, "compare", "gaudi3", "-w", "deepseek-v3")["notes"]
    assert equal in staged
    int8 = _result(run, "estimate", "mi250x", "--params", "8e9", "--count", "64", "--precision", "int8")["notes"]
    assert "MFU counts the int8 peak the job runs at (383 TOPS), as high as the 16-bit peak (383 TFLOPS)" + same in int8
    twice = _result(run, "estimate", "h100-sxm", "--params", "8e9", "--count", "64", "--precision", "fp8")["notes"]
    assert "MFU counts the fp8 peak the job runs at (1,979 TFLOPS); against the 16-bit peak (989.4 TFLOPS) it is 2× higher" in twice


def test_accelerators_an_expert_parallel_layout_leaves_idle_are_said_to_be_its_rounding(run: Any) -> None:
    """2: ``tco compare h100-sxm@100 -w deepseek-v3`` runs TP 1 × PP 1 × DP 96 × EP 8 and leaves 4 idle, and said
    they were left out because 'fewer replicas lose less to failures': the expert-parallel groups are whole, so
    data parallelism is a multiple of EP 8, and 100 replicas of one accelerator round down to 96 (a failure rate of 0
    leaves the same 4 idle). The note now names that; a dense job's reasons are unchanged."""
    want = (
        "layout: TP 1 × PP 1 × DP 96 × EP 8, recompute full (13% of layers, the rest selective), ZeRO-3, 4 idle "
        "(data parallelism is a multiple of the expert-parallel degree 8: 100 replicas of 1 fit the count, rounded down to 96)"
    )
    for sets in ((), ("--set", "scenario.failure_rate_per_accelerator_day=0")):
        row = _result(run, "compare", "h100-sxm@100", "-w", "deepseek-v3", *sets)
        assert want in row["notes"]
        assert row["layout"]["idle_accelerators"] == 100 - 96
    from tco.engine import _idle_reason

    batch = " (data parallelism is a multiple of the expert-parallel degree 8: the global batch has 250 sequences"
    assert _idle_reason(248, 250.0, None, 1, 1000, 8).startswith(batch)
    assert _idle_reason(2, 100.0, None, 8) == " (the count is not a multiple of one replica's 8 accelerators)"


def test_size_shows_the_purchase_it_computed_in_whole_dollars(run: Any) -> None:
    """3: ``tco size br100 -w llama3-8b --budget-usd 2e6`` answered '527 × br100 meets budget_usd = $2,000,000 (the
    job's cost; buying them costs $17,094,876.592 up front)': the purchase the engine computed (the BR100's price is
    in yuan) was shown with the digits the budget the user gave keeps, where every other money total is in whole
    dollars, as the size table's capex column shows it. It now reads '$17,094,877'; the JSON keeps the exact value."""
    row = _result(run, "size", "br100", "-w", "llama3-8b", "--budget-usd", "2e6")
    assert row["count"] == 527
    assert row["capex_usd"] == 17094876.592
    assert row["message"] == "527 × br100 meets budget_usd = $2,000,000 (the job's cost; buying them costs $17,094,877 up front)"
    from tco.analysis.sizing import _outlay_note

    assert _outlay_note("budget_usd", 2e6, 2_000_000.4) == " (the job's cost; buying them costs $2,000,000.4 up front)"


def test_a_given_mfu_reports_no_layout_it_does_not_run(run: Any) -> None:
    """4: ``tco compare h100-sxm -w llama3-8b --set workload.mfu=0.4`` noted 'layout: TP 4 × PP 1 × DP 255, recompute
    selective, ZeRO-1, 4 idle (...)' beside 'measured MFU given (workload.mfu): final, no layout model on top', while
    the result's layout is None and the rate runs all 1,024 accelerators: 0.4 × 989.4e12 / (6 × 8.03e9 + 12 × 32 ×
    4,096 × 8,192) = 6,481 tokens/s each, none idle. The layout note is gone where the MFU is given; a derived rate
    keeps it."""
    row = _result(run, "compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.mfu=0.4")
    assert row["layout"] is None
    assert row["notes"] == ["measured MFU given (workload.mfu): final, no layout model on top"]
    assert round(row["tokens_per_second_per_accelerator"]) == round(0.4 * 989.4e12 / (6 * 8.03e9 + 12 * 32 * 4096 * 8192)) == 6481
    derived = _result(run, "compare", "h100-sxm", "-w", "llama3-8b")
    assert derived["layout"]["idle_accelerators"] == 4
    assert derived["notes"][0].startswith("layout: TP 4 × PP 1 × DP 255, recompute selective, ZeRO-1, 4 idle")


def test_a_staged_job_reports_its_own_mfu_not_its_main_stage_s(run: Any) -> None:
    """5: ``tco compare h100-sxm -w deepseek-v3 --set 'workload.stages[long-context]={tokens=1.48e13}'`` (the 32K
    stage as long as pre-training) gave the job 1,074 tokens/s per accelerator, its tokens over its time, beside an MFU
    of 0.1687 and a scaling efficiency of 0.989: the main stage's alone (its 1,372 tokens/s). The job's MFU and
    efficiency are now its stages' weighted by the time each runs, as its rate is: each stage run as a one-stage job
    gives the weights (tokens ÷ tokens/s) and the figures."""
    staged = ("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages[long-context]={tokens=1.48e13}")
    job = _result(run, *staged)
    main = _result(run, "compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages=[]")
    long = _result(run, "compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages=[]", "--set", "workload.seq_len=32768")
    weights = [1.48e13 / main["tokens_per_second_per_accelerator"], 1.48e13 / long["tokens_per_second_per_accelerator"]]
    for key in ("mfu", "scaling_efficiency"):
        want = (main[key] * weights[0] + long[key] * weights[1]) / sum(weights)
        assert abs(job[key] - want) <= 1e-12 * want, key
    assert abs(job["mfu"] - main["mfu"]) > 0.004  # (0.1730 now, where it said the main stage's 0.1687)
    assert job["tokens_per_second_per_accelerator"] * sum(weights) == _approx(2 * 1.48e13)
    one = _result(run, "compare", "h100-sxm", "-w", "llama3-8b")  # (a one-stage job: its own figures, as before)
    assert one["mfu"] == 0.293232927848853


def _approx(value: float) -> Any:
    import pytest

    return pytest.approx(value, rel=1e-12)


def test_estimate_reports_no_layout_for_a_given_mfu_as_compare_does(run: Any) -> None:
    """6: the same job through two commands: ``tco estimate h100-sxm --params 8.03e9 --seq-len 8192 --count 1024 ...
    --set workload.mfu=0.4`` reported the layout TP 4 × PP 1 × DP 255 with 4 idle, where ``tco compare h100-sxm -w
    llama3-8b --set workload.mfu=0.4`` (the same job: 6,481 tokens/s each on all 1,024) reports none: a given MFU runs
    no layout model for its speed. One rule now decides for both (``engine.reported_layout``); a derived rate's layout
    is reported by both, alike."""
    shape = ("--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "8", "--ffn-dim", "14336", "--vocab", "128256")
    flags = ("estimate", "h100-sxm", "--params", "8.03e9", "--seq-len", "8192", "--count", "1024", *shape)
    given = _result(run, *flags, "--set", "workload.mfu=0.4")
    compared = _result(run, "compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.mfu=0.4")
    assert given["layout"] is None and compared["layout"] is None
    assert given["tokens_per_second_per_accelerator"] == compared["tokens_per_second_per_accelerator"]
    assert given["goodput"] == compared["goodput"]
    derived = _result(run, *flags)
    assert derived["layout"] == _result(run, "compare", "h100-sxm", "-w", "llama3-8b")["layout"]
    assert derived["layout"]["idle_accelerators"] == 4
