"""The training layout model (tco.training): values by hand, a measured MFU is final, stages add up,
and the monotonicity properties as hypothesis tests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import approx

from tco import engine, training
from tco.models import Maturity, Tuning
from tests.factories import accelerator, scenario
from tests.factories import training as training_workload

Option = engine.Option


def job(**kw: object) -> training.Job:
    base: dict[str, object] = dict(
        layers=24,
        d_model=2048,
        heads=16,
        seq_len=2048,
        kv_dim=2048,
        fp8=False,
        experts=0,
        top_k=0,
        tuning=Tuning.typical,
        maturity=Maturity.reference,
    )
    base.update(kw)
    base.setdefault("candidates", training.candidates(node=8, layers=int(base["layers"]), heads=16, experts=0, count=None))  # type: ignore[arg-type]
    return training.Job(**base)  # type: ignore[arg-type]


def inputs(**kw: float) -> dict[str, float]:
    x = dict(
        parameters=1.3e9,
        active_parameters=1.3e9,
        count=8.0,
        global_batch_tokens=1 << 20,
        peak=312.0,
        peak16=312.0,
        memory_gb=80.0,
        bandwidth=2039.0,
        link=600.0,
        scale_out=25.0,
        node=8.0,
        efficiency=training.GEMM_EFFICIENCY[Tuning.typical],
        matmul=0.85,
        attention=0.63,
        elementwise=training.ELEMENTWISE_VECTORS[Tuning.typical],
        fp8_ratio=training.FP8_GEMM_RATIO,
        attention_ratio=training.ATTENTION_RATIO,
        moe_vectors=training.MOE_DISPATCH_VECTORS,
        load_imbalance=1.0,
    )
    x.update(kw)
    return x


def test_one_accelerator_by_hand() -> None:
    """One device: TP = PP = DP = 1, no communication, no bubble: X = 1/u with
    u = 6N/(peak·ε·m) + 6·L·h·s/(peak·ε·k·r) + β·L·h·2/BW (ε the software efficiency, m the matmul
    and k the attention kernel's benchmark fractions, r the attention ratio; nothing recomputed when it
    fits; the causal attention kernels execute half of the 12·L·h·s attention FLOPs)."""
    j = job(candidates=(training.Candidate(1, 1, 1, 1),))
    x = inputs(count=1.0, node=1.0)
    eff = x["efficiency"] * x["matmul"]
    u = (
        6 * 1.3e9 / (312e12 * eff)
        + 6 * 24 * 2048 * 2048 / (312e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
        + x["elementwise"] * 24 * 2048 * 2 / 2039e9
    )
    r = training.evaluate(j, x)
    assert r.recompute == "none" and r.data_parallel == 1
    assert r.tokens_per_second == approx(1 / u)


def test_pipeline_bubble_by_hand() -> None:
    """Two stages on two devices, one micro-batch per step: step = (m + (p−1))·s·u/p with m = G/d = 1
    sequence → half of the time is bubble, plus the stage-to-stage activations."""
    j = job(candidates=(training.Candidate(1, 2, 1, 1),))
    x = inputs(count=2.0, node=8.0, global_batch_tokens=2048.0)
    one = training.evaluate(job(candidates=(training.Candidate(1, 1, 1, 1),)), inputs(count=1.0, node=1.0, global_batch_tokens=2048.0))
    u = 1 / one.tokens_per_second + 2 * 1 * 2 * 2048 * 2 / (600e9 / 2)
    step = (1 + 1) * 2048 * u / 2
    r = training.evaluate(j, x)
    assert r.bubble == approx(0.5)
    assert r.tokens_per_second == approx(2048 / (step * 2))


def test_measured_mfu_is_final() -> None:
    """--set workload.mfu=0.41 reports 0.41: tokens/s = MFU · peak / F, nothing multiplied on top."""
    acc = accelerator(mfu=None)
    wl = training_workload(mfu=0.41)
    ev = engine.evaluate_option(Option(acc, 64), wl, scenario())
    assert ev.out["mfu"] == approx(0.41)
    flops = 6 * wl.parameters.value + 12 * wl.shape.layers * wl.shape.d_model * wl.seq_len if wl.shape else None  # type: ignore[union-attr]
    if flops is not None:
        assert ev.out["tokens_per_second_per_accelerator"] == approx(0.41 * acc.peak.bf16_tflops.value * 1e12 / flops)  # type: ignore[union-attr]


def test_stages_add_their_times() -> None:
    """A second stage identical to the main one doubles the time to converge."""
    acc = accelerator(mfu=None)
    one = engine.evaluate_option(Option(acc, 8), training_workload(), scenario())
    wl = training_workload(stages=[{"name": "again", "tokens": training_workload().training_tokens.model_dump()}])
    two = engine.evaluate_option(Option(acc, 8), wl, scenario())
    assert two.out["time_to_converge_hours"] == approx(2 * one.out["time_to_converge_hours"])


def test_more_memory_never_slower_regression() -> None:
    """The issue's example: a B200-class part with 60 GB was faster than with 192 GB under the old rule."""
    j = job(layers=80, d_model=8192, heads=64, seq_len=8192, fp8=True)
    small = training.evaluate(j, inputs(parameters=70e9, active_parameters=70e9, count=64, memory_gb=60, peak=4500, peak16=2250))
    big = training.evaluate(j, inputs(parameters=70e9, active_parameters=70e9, count=64, memory_gb=192, peak=4500, peak16=2250))
    assert big.tokens_per_second >= small.tokens_per_second > 0


FIELDS = {
    "memory_gb": (8.0, 256.0),
    "bandwidth": (300.0, 8000.0),
    "peak": (50.0, 2500.0),
    "link": (32.0, 1800.0),
    "scale_out": (3.0, 100.0),
    "matmul": (0.3, 0.95),
    "attention": (0.2, 0.8),
}


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    field=st.sampled_from(sorted(FIELDS)),
    lo=st.floats(0.0, 1.0),
    factor=st.floats(1.0, 4.0),
    params=st.sampled_from([1.3e9, 7e9, 70e9]),
    count=st.sampled_from([1, 8, 12, 64, 512]),
)
def test_more_of_any_resource_is_never_slower(field: str, lo: float, factor: float, params: float, count: int) -> None:
    """More memory, memory bandwidth, peak, in-node or scale-out bandwidth, or a faster matmul or
    attention kernel never lowers tokens/s."""
    a, b = FIELDS[field]
    value = a + lo * (b - a)
    j = job(layers=32 if params < 1e10 else 80, d_model=4096 if params < 1e10 else 8192, heads=32)
    base = inputs(parameters=params, active_parameters=params, count=float(count))
    more = dict(base, **{field: value * factor})
    less = dict(base, **{field: value})
    if field == "peak":
        more["peak16"], less["peak16"] = more["peak"], less["peak"]
    assert training.evaluate(j, more).tokens_per_second >= training.evaluate(j, less).tokens_per_second * (1 - 1e-9)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    params=st.sampled_from([1.3e9, 7e9, 70e9]),
    count=st.sampled_from([8, 64, 512]),
    tensor=st.sampled_from([None, 1, 2, 4, 8]),
    pipeline=st.sampled_from([None, 1, 2, 4]),
    tuning=st.sampled_from([Tuning.typical, Tuning.tuned]),
)
def test_a_fixed_layout_is_never_faster_than_the_search(
    params: float, count: int, tensor: int | None, pipeline: int | None, tuning: Tuning
) -> None:
    """Holding the job to given tensor and pipeline degrees (workload.layout) restricts the search to a
    subset of its candidates, so it is never faster; with nothing fixed it is the search itself."""
    big = params > 1e10
    shape = dict(layers=80 if big else 32, d_model=8192 if big else 4096, heads=32, tuning=tuning)
    free = job(**shape, candidates=training.candidates(node=8, layers=shape["layers"], heads=32, experts=0, count=count))
    pin = {"tensor_parallel": tensor, "pipeline_parallel": pipeline}
    fixed = job(**shape, candidates=training.candidates(node=8, layers=shape["layers"], heads=32, experts=0, count=count, pin=pin))
    assert all((tensor is None or c.tensor == tensor) and (pipeline is None or c.pipeline == pipeline) for c in fixed.candidates)
    x = inputs(parameters=params, active_parameters=params, count=float(count))
    a, b = training.evaluate(fixed, x).tokens_per_second, training.evaluate(free, x).tokens_per_second
    assert a <= b * (1 + 1e-12)
    if tensor is None and pipeline is None:
        assert a == b


@settings(max_examples=40, deadline=None, derandomize=True)
@given(params=st.sampled_from([1.3e9, 7e9, 70e9]), count=st.integers(1, 600), extra=st.integers(1, 300))
def test_time_never_rises_with_count(params: float, count: int, extra: int) -> None:
    """Job throughput (n · tokens/s per accelerator) never falls when accelerators are added: past the
    scaling limit the extra ones sit idle."""
    j = job(layers=32 if params < 1e10 else 80, d_model=4096 if params < 1e10 else 8192, heads=32)
    x = inputs(parameters=params, active_parameters=params)
    small = training.evaluate(j, dict(x, count=float(count))).tokens_per_second * count
    big = training.evaluate(j, dict(x, count=float(count + extra))).tokens_per_second * (count + extra)
    assert big >= small * (1 - 1e-9)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(params=st.sampled_from([1.3e9, 7e9, 70e9]), count=st.sampled_from([8, 64, 1024]), maturity=st.sampled_from(list(Maturity)))
def test_tuned_is_never_slower_and_figures_are_finite(params: float, count: int, maturity: Maturity) -> None:
    """A higher tuning level never makes a job slower; every figure is finite and non-negative."""
    shape = dict(layers=32 if params < 1e10 else 80, d_model=4096 if params < 1e10 else 8192, heads=32)
    out = []
    for level in (Tuning.typical, Tuning.tuned):
        j = job(tuning=level, maturity=maturity, **shape)
        x = inputs(
            parameters=params,
            active_parameters=params,
            count=float(count),
            efficiency=training.gemm_efficiency(level, maturity),
            elementwise=training.ELEMENTWISE_VECTORS[level],
        )
        r = training.evaluate(j, x)
        assert math.isfinite(r.tokens_per_second) and r.tokens_per_second >= 0
        assert 0 <= r.scaling_efficiency <= 1 + 1e-9
        out.append(r.tokens_per_second)
    assert out[1] >= out[0] * (1 - 1e-9)


def test_unknown_memory_gives_unknown_throughput_not_zero() -> None:
    r = training.evaluate(job(), inputs(memory_gb=math.nan))
    assert r.tokens_per_second != r.tokens_per_second


@pytest.mark.parametrize("params", [1.3e9, 405e9])
def test_default_global_batch_follows_gpt3(params: float) -> None:
    """2M·(N/7B)^(1/3): ~1.15M tokens at 1.3B (GPT-3 used 1M), ~7.7M at 405B (Llama 3: 4M→16M)."""
    assert training.default_global_batch_tokens(params) == approx(2e6 * (params / 7e9) ** (1 / 3))


def test_a_part_without_fp8_trains_an_fp8_workload_in_16_bit() -> None:
    """The A100 has no FP8 peak: DeepSeek-V3 runs at its BF16 peak, with a note, instead of asking for an
    FP8 peak that does not exist."""
    import tco

    (r,) = tco.compare(tco.load_inputs(["a100-80gb@2048"], workload="deepseek-v3")).results
    assert r.status.value == "ranked" and r.missing_inputs == []
    assert any("runs in 16-bit at the bf16 peak" in n for n in r.notes)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    params=st.sampled_from([1.3e9, 7e9, 70e9]),
    count=st.integers(1, 5000),
    memory=st.sampled_from([16.0, 24.0, 40.0, 80.0]),
    scale_out=st.sampled_from([12.5, 25.0, 50.0]),
    fsdp=st.booleans(),
)
def test_scalar_and_vectorized_evaluation_agree(params: float, count: int, memory: float, scale_out: float, fsdp: bool) -> None:
    """compare (one scenario, plain floats) and the analyses (numpy arrays) choose the same layout and
    give the same tokens/s: `size` once found a count that `compare` then priced differently."""
    import numpy as np

    shape = dict(layers=32 if params < 1e10 else 80, d_model=4096 if params < 1e10 else 8192, heads=32)
    j = job(
        **shape,
        fsdp=fsdp,
        candidates=training.candidates(node=8, layers=shape["layers"], heads=32, experts=0, count=None, fsdp=fsdp),
    )
    x = inputs(parameters=params, active_parameters=params, count=float(count), memory_gb=memory, scale_out=scale_out)
    scalar = training.evaluate(j, x).tokens_per_second
    vector = training.evaluate(j, dict(x, count=np.array([float(count)])), np).tokens_per_second
    assert float(vector[0]) == approx(scalar, rel=1e-12)


def test_full_recomputation_of_only_the_layers_memory_needs_by_hand() -> None:
    """One device, 24 layers × 2048 × 2048, ZeRO-1 state 16 B/parameter. Selective activations are
    34·s·h = 142.6 MB per layer (3.42 GB for 24), full 2·s·h = 8.39 MB per layer. With 0.9 × M bytes free
    after the state, the share of layers recomputed in full is (3.42 GB − free) / (3.42 − 0.201 GB),
    rounded up to whole layers: memory chosen so that exactly 12 layers need it (a tuned,
    Megatron-class stack: ``--recompute-num-layers``)."""
    j = job(tuning=Tuning.tuned)
    s, h, L = 2048.0, 2048.0, 24
    sel, full = L * s * h * 34.0, L * s * h * 2.0
    params = 1.3e9
    state = 16.0 * params
    free = sel - 11.5 / 24 * (sel - full)  # needs 11.5 layers → 12 whole layers (φ = 0.5)
    x = inputs(parameters=params, active_parameters=params, count=1.0, memory_gb=(state + free) / 0.9 / 1e9)
    c = training.Candidate(1, 1, 1, 1)
    phi = training._full_share(j, x, c, state, training.SCALAR)
    assert phi == approx(12 / 24)
    r = training.evaluate(j, x)
    assert r.recompute == "full" and r.full_share == approx(0.5)
    # Work per token: the recomputed half adds 2·N (one forward of its matmuls), the other half none.
    u_half, _ = training._per_token_seconds(j, x, c, "full", training.SCALAR, 0.5)
    u_all, _ = training._per_token_seconds(j, x, c, "full", training.SCALAR, 1.0)
    u_sel, _ = training._per_token_seconds(j, x, c, "selective", training.SCALAR)
    assert u_half - u_sel == approx((u_all - u_sel) / 2)


@pytest.mark.parametrize("kind", ["typical", "fsdp"])
def test_typical_and_fsdp_stacks_recompute_every_layer_or_none(kind: str) -> None:
    """The memory of the test above, which a tuned stack meets by recomputing 12 of 24 layers in full:
    a typical stack (per-layer gradient checkpointing) and an FSDP stack (a checkpoint wrapper on every
    block) recompute all 24, so each token costs the full share φ = 1 of extra matmul work."""
    s, h, L = 2048.0, 2048.0, 24
    sel, full = L * s * h * 34.0, L * s * h * 2.0
    state = 16.0 * 1.3e9
    free = sel - 11.5 / 24 * (sel - full)
    c = training.Candidate(1, 1, 1, 1) if kind == "typical" else training.Candidate(1, 1, 1, 3)
    j = job(candidates=(c,), fsdp=kind == "fsdp")
    x = inputs(count=1.0, memory_gb=(state + free) / 0.9 / 1e9, global_batch_tokens=2048.0)
    r = training.evaluate(j, x)
    assert r.recompute == "full" and r.full_share == 1.0
    u_all, _ = training._per_token_seconds(j, x, c, "full", training.SCALAR, 1.0)
    assert r.tokens_per_second == approx(1.0 / u_all, rel=1e-9)  # one device, one sequence: no bubble, no reduction
    tuned = training.evaluate(job(candidates=(c,), fsdp=kind == "fsdp", tuning=Tuning.tuned), x)
    assert (tuned.full_share == approx(0.5)) is (kind == "typical")  # only Megatron-class stacks split


def test_fsdp_allows_only_fully_sharded_data_parallelism() -> None:
    """parallelism = fsdp: one layout, ZeRO-3 over every device (no tensor, pipeline or context split),
    and never the "none" recomputation that would keep the full s² attention scores."""
    cands = training.candidates(node=8, layers=32, heads=32, experts=0, count=None, fsdp=True)
    assert cands == (training.Candidate(1, 1, 1, 3, 1),)
    j = job(layers=32, d_model=4096, heads=32, fsdp=True, candidates=cands)
    r = training.evaluate(j, inputs(parameters=6.7e9, active_parameters=6.7e9, count=64.0))
    assert r.recompute in ("selective", "full") and r.data_parallel == 64
    free = training.evaluate(job(layers=32, d_model=4096, heads=32), inputs(parameters=6.7e9, active_parameters=6.7e9, count=64.0))
    assert free.tokens_per_second >= r.tokens_per_second * (1 - 1e-12)  # a restriction is never faster


def test_zero3_gathers_once_per_micro_batch_of_as_many_sequences_as_fit() -> None:
    """ZeRO-3 without pipelining: when the sequences of a step fit in one micro-batch, parameters are
    gathered 2·1 + 1 times, not 2·m + 1 times for m one-sequence micro-batches; so, with the gathers
    exposed (a 1 GB/s scale-out link), room for a larger micro-batch is faster."""
    j = job(candidates=(training.Candidate(1, 1, 1, 3, 1),))
    base = inputs(count=64.0, global_batch_tokens=4.0 * 64 * 2048, scale_out=1.0)
    one_seq = 16.0 * 1.3e9 / 64 + 24 * 2048 * 2048 * 34.0  # state + one selective sequence
    tight = training.evaluate(j, dict(base, memory_gb=one_seq * 1.01 / 0.9 / 1e9))
    roomy = training.evaluate(j, dict(base, memory_gb=80.0))
    assert roomy.recompute in ("none", "selective") and tight.recompute == "full"
    assert roomy.tokens_per_second > tight.tokens_per_second


def test_fine_grained_experts_stream_their_weights_by_hand() -> None:
    """An MoE layer's expert weights are read once per micro-batch for the forward and both backward
    GEMMs (3 × 2 bytes per parameter), amortized over the e·s tokens routed to the expert-parallel
    group; the expert GEMMs take the longer of that and their FLOPs. Only the total parameter count
    changes between the two cases, so the difference in seconds per token is that roofline alone."""
    j = job(experts=256, top_k=2)
    c = training.Candidate(1, 1, 1, 1)
    eff = training.GEMM_EFFICIENCY[Tuning.typical] * 0.85
    active = 1.3e9

    def extra(total: float) -> float:
        experts_total = (total - active) * 256 / 254  # the 254 experts a token skips hold total − active
        compute = 6.0 * experts_total * 2 / 256 / (312e12 * eff)
        stream = 3.0 * 2.0 * experts_total / (1 * 2048) / 2039e9
        return max(stream - compute, 0.0)

    u = {}
    for total in (10e9, 40e9):
        x = inputs(parameters=total, active_parameters=active, load_imbalance=1.0)
        u[total], _ = training._per_token_seconds(j, x, c, "none", training.SCALAR)
    # stream / compute = E·peak·ε / (k·e·s·BW) = 256·312e12·0.3825 / (2·1·2048·2039e9) ≈ 3.7: memory-bound
    assert extra(10e9) > 0 and extra(40e9) > extra(10e9)
    assert u[40e9] - u[10e9] == approx(extra(40e9) - extra(10e9))


def _attention_input(acc_overrides: dict[str, object], kernel: str) -> tuple[float, tuple[str, ...]]:
    acc = accelerator(mfu=None, **acc_overrides)
    plan = engine.plan_option(Option(acc, 8), training_workload(attention_kernel=kernel), scenario())
    flat = engine.KnownInputs(engine.numeric_inputs(Option(acc, 8), training_workload(), scenario()))
    x = engine.stage_inputs(plan.stages[0], flat, plan.active_key)
    return x["attention"], plan.notes


def test_the_workload_chooses_the_attention_kernel_the_profile_measured() -> None:
    """flash2 and native read their own profile values; a kernel the profile lacks falls back to the
    native one, and a profile with neither gets 0.725 × its matmul fraction; each fallback is noted."""
    both = {"attention_efficiency": {"native": {"value": 0.55, "source": "t"}, "flash2": {"value": 0.35, "source": "t"}}}
    assert _attention_input(both, "native")[0] == 0.55
    assert _attention_input(both, "flash2")[0] == 0.35
    native_only = {"attention_efficiency": {"native": {"value": 0.6, "source": "t"}}}
    value, notes = _attention_input(native_only, "flash2")
    assert value == 0.6 and any("flash2 attention not measured" in n for n in notes)
    value, notes = _attention_input({"matmul_efficiency": {"value": 0.9, "source": "t"}}, "native")
    assert value == approx(training.ATTENTION_KERNEL_DEFAULT * 0.9)
    assert any("attention kernel fraction unknown" in n for n in notes)


def test_a_slower_attention_kernel_slows_long_sequences_more() -> None:
    """Halving the attention kernel's fraction costs more at 32k tokens than at 2k (attention's share
    of the FLOPs grows with the sequence)."""
    long_candidates = training.candidates(node=8, layers=24, heads=16, experts=0, count=None, seq_len=32768)
    j2, j32 = job(seq_len=2048), job(seq_len=32768, candidates=long_candidates)
    fast, slow = inputs(attention=0.6), inputs(attention=0.3)
    short = training.evaluate(j2, slow).tokens_per_second / training.evaluate(j2, fast).tokens_per_second
    long = training.evaluate(j32, slow).tokens_per_second / training.evaluate(j32, fast).tokens_per_second
    assert long < short < 1.0


def test_attention_width_follows_the_head_width() -> None:
    """Qwen3-style heads: 32 heads of 128 on a 2,048-wide model attend over 4,096 values, so the
    attention term doubles against the default width (d_model); KV width is 4 KV heads × 128."""
    from tco.models import ModelShape

    shape = ModelShape.from_heads(48, 2048, 32, 4, 128)
    assert shape.kv_dim == 512 and shape.head_dim == 128
    assert ModelShape.from_heads(48, 2048, 32, 4).kv_dim == 256
    one = (training.Candidate(1, 1, 1, 1),)
    x = inputs(count=1.0, node=1.0)
    narrow = 1 / training.evaluate(job(candidates=one), x).tokens_per_second
    wide = 1 / training.evaluate(job(candidates=one, attention_width=4096), x).tokens_per_second
    attention = 6 * 24 * 2048 * 2048 / (312e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
    assert wide - narrow == approx(attention)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(params=st.sampled_from([1.3e9, 7e9, 70e9]), count=st.sampled_from([1, 8, 64, 512]), memory=st.floats(16.0, 192.0))
def test_shortlist_in_one_pass_ranks_as_candidate_by_candidate(params: float, count: int, memory: float) -> None:
    """The shortlist scored in one pass over the layouts equals scoring each layout on its own."""
    j = job(layers=32 if params < 1e10 else 80, d_model=4096 if params < 1e10 else 8192, heads=32)
    x = inputs(parameters=params, active_parameters=params, count=float(count), memory_gb=memory)
    one_by_one = []
    for i in range(len(j.candidates)):
        v = training.evaluate(j, x, subset=(i,)).tokens_per_second
        one_by_one.append((-(v if v == v else 0.0), i))
    expected = tuple(sorted(i for _, i in sorted(one_by_one)[:6]))
    assert training.shortlist(j, x) == expected


def test_data_parallel_collectives_across_nodes_use_every_nic_of_the_node() -> None:
    """A fully sharded group of 16 over two nodes of 8 has 8 members per node, so its collectives run
    at 8 × the per-device scale-out bandwidth (one ring per NIC, NVLink spreading the traffic): with
    8 × 5 GB/s equal to the in-node 40 GB/s one way, two nodes are exactly as fast as one node of 16."""
    j = job(candidates=(training.Candidate(1, 1, 1, 3, 1),))
    base = inputs(count=16.0, global_batch_tokens=16.0 * 2048, link=80.0, scale_out=5.0)
    two_nodes = training.evaluate(j, dict(base, node=8.0))
    one_node = training.evaluate(j, dict(base, node=16.0))
    assert two_nodes.tokens_per_second == approx(one_node.tokens_per_second)
    slower_nics = training.evaluate(j, dict(base, node=8.0, scale_out=2.5))
    assert slower_nics.tokens_per_second < two_nodes.tokens_per_second


def test_fp32_gradients_by_hand() -> None:
    """Megatron keeps and reduces BF16 training's gradients in FP32: ZeRO-1 state is (2 + 4 + 12/d)·N
    instead of (2 + 2 + 12/d)·N, and a step moves (d−1)/d · (4 + 2)·N bytes (reduce-scatter of FP32
    gradients, gather of 16-bit parameters) instead of (d−1)/d · (2 + 2)·N. On 8 nodes of one device
    (10 GB/s each) the reduction outlasts the half of the backward pass typical tuning hides it behind,
    so the step is one sequence's compute plus (d−1)/d · (g + 2)·N / link − that window: half of the one
    micro-batch's forward and backward (the gradients are reduced behind its backward, the parameters
    gathered behind the next step's first forward)."""
    c = training.Candidate(1, 1, 1, 1)
    n = 1.3e9
    j16, j32 = job(candidates=(c,)), job(candidates=(c,), fp32_grads=True)
    assert training._state_bytes(j16, inputs(), c, 8.0, training.SCALAR)[0] == approx(n * (4.0 + 12.0 / 8))
    assert training._state_bytes(j32, inputs(), c, 8.0, training.SCALAR)[0] == approx(n * (6.0 + 12.0 / 8))
    x = inputs(count=8.0, global_batch_tokens=8.0 * 2048, node=1.0, scale_out=10.0)
    u, compute = training._per_token_seconds(j16, x, c, "none", training.SCALAR)
    window = 0.5 * 1 * 2048 * compute  # one micro-batch of one sequence, forward and backward, × the overlap share
    for j, g in ((j16, 2.0), (j32, 4.0)):
        r = training.evaluate(j, x)
        assert r.recompute == "none" and r.data_parallel == 8
        exposed = 7.0 / 8.0 * (g + 2.0) * n / 10e9 - window
        assert exposed > 0
        assert 8 * 2048 / r.tokens_per_second / 8 == approx(2048 * u + exposed, rel=1e-9)


def test_dualpipe_by_hand() -> None:
    """DualPipe on one MoE layout (TP 1, PP 4, EP 2, ZeRO-1): the expert all-to-all and the pipeline
    sends are hidden, so the per-token seconds are the 1F1B ones less those two terms; the bubble is
    p/2 − 1 = 1 micro-batch (1F1B's p − 1 = 3 on a typical stack); the state holds a second 16-bit copy
    of the parameters, 2 bytes each; the first stage keeps (p + 1)/p of the 1F1B activations."""
    c = training.Candidate(1, 4, 2, 1)
    kw = dict(experts=8, top_k=2, candidates=(c,))
    one, dual = job(**kw), job(dualpipe=True, **kw)
    x = inputs(parameters=47e9, active_parameters=13e9, count=64.0, memory_gb=1e6)
    u1, comp1 = training._per_token_seconds(one, x, c, "selective", training.SCALAR)
    u2, comp2 = training._per_token_seconds(dual, x, c, "selective", training.SCALAR)
    link = 600e9 / 2
    pp = 2 * 1 * 2 * 2048 * 4 / link  # 2·v boundaries × 2 bytes × h × p / link (v = 1, in a node)
    ep = (1 - training.OVERLAP[Tuning.typical][2]) * 4 * 2 * 24 * 2 * 2048 * (2 - 1) / 2 / link  # (EP 2 × TP 1 ≤ node)
    assert comp1 == approx(comp2) and u1 - u2 == approx(pp + ep)
    s1, n1 = training._state_bytes(one, x, c, 8.0, training.SCALAR)
    s2, n2 = training._state_bytes(dual, x, c, 8.0, training.SCALAR)
    assert n1 == n2 and s2 - s1 == approx(2 * n1)
    assert training.activation_bytes(dual, c, "selective") == approx(training.activation_bytes(one, c, "selective") * 5 / 4)
    r1, r2 = training.evaluate(one, x), training.evaluate(dual, x)
    micro = (1 << 20) / 2048 / r2.data_parallel
    assert r2.bubble == approx(1 / (micro + 1)) and r1.bubble == approx(3 / (micro + 3))
    assert r2.tokens_per_second > r1.tokens_per_second


def test_ffn_width_and_logits_set_the_activation_memory_by_hand() -> None:
    """Per layer and token, in units of h bytes: attention and norms 15, the FFN 3 + 6·f/h gated or
    3 + 4·f/h with two matrices (34 in all at f = 4h, Korthikanti et al.'s figure); the logits
    4·s·V/t on the last pipeline stage. Llama 3 8B-like: L 32, h 4096, s 8192, f 14336 gated, V 128256."""
    c1, c2 = training.Candidate(2, 1, 1, 1), training.Candidate(1, 2, 1, 1)
    kw = dict(layers=32, d_model=4096, heads=32, seq_len=8192, kv_dim=1024, candidates=(c1, c2))
    plain, gated = job(**kw), job(ffn_dim=14336, gated_ffn=True, **kw)
    four = job(ffn_dim=4 * 4096, gated_ffn=False, **kw)
    body = 32 * 8192 * 4096
    assert training.activation_bytes(plain, c1, "selective") == approx(body * 34 / 2)
    assert training.activation_bytes(four, c1, "selective") == approx(body * 34 / 2)
    assert training.activation_bytes(gated, c1, "selective") == approx(body * (15 + 3 + 6 * 14336 / 4096) / 2)
    assert training.activation_bytes(gated, c1, "full") == approx(body * 2 / 2)  # recomputed layers keep their input only
    vocab = job(ffn_dim=14336, gated_ffn=True, vocab=128256, **kw)
    logits = 4.0 * 8192 * 128256
    per_layer = 15 + 3 + 6 * 14336 / 4096
    # one stage (TP 2): the L layers and the logits, both split over the 2 tensor ranks
    assert training.activation_bytes(vocab, c1, "selective") == approx((body * per_layer + logits) / 2)
    # two stages: the first holds L layers' worth, the last L/2 layers plus the logits, whichever is more
    assert training.activation_bytes(vocab, c2, "full") == approx(max(body * 2, body / 2 * 2 + logits))
    assert training.activation_bytes(vocab, c2, "selective") == approx(max(body * per_layer, body / 2 * per_layer + logits))


def test_a_larger_vocabulary_never_needs_less_memory() -> None:
    c = training.Candidate(1, 4, 1, 1)
    small, large = job(vocab=32000), job(vocab=256000)
    for r in ("none", "selective", "full"):
        assert training.activation_bytes(large, c, r) >= training.activation_bytes(small, c, r)


def test_gradient_reduction_hides_behind_the_last_micro_batch_only_by_hand() -> None:
    """ZeRO-1 accumulates gradients over a step's micro-batches and reduces them in the last one's
    backward only (Megatron's schedules and DDP's no_sync skip the others [MEGATRON-SCHEDULES]): with 4
    sequences per data-parallel rank the cover is still one sequence's compute × the overlap share, not
    four, so the exposed reduction is (d−1)/d · (g + 2)·N / link − 0.5 · s · compute."""
    c = training.Candidate(1, 1, 1, 1)
    n = 1.3e9
    j = job(candidates=(c,))
    x = inputs(count=8.0, global_batch_tokens=32.0 * 2048, node=1.0, scale_out=10.0)
    u, compute = training._per_token_seconds(j, x, c, "none", training.SCALAR)
    r = training.evaluate(j, x)
    assert r.recompute == "none" and r.data_parallel == 8
    exposed = 7.0 / 8.0 * (2.0 + 2.0) * n / 10e9 - 0.5 * 2048 * compute
    assert exposed > 0
    assert 32 * 2048 / r.tokens_per_second / 8 == approx(4 * 2048 * u + exposed, rel=1e-9)
    # (the share of the step the reduction is exposed for, which the notes report from a fifth up)
    assert r.exposed_share == approx(exposed / (4 * 2048 * u + exposed), rel=1e-9)


def test_the_bubble_knee_of_an_array_is_the_scalar_knee_of_each_element() -> None:
    """A Monte Carlo run that samples the failure inputs bisects every element; one that does not (every element
    alike) bisects once and broadcasts: both give each element exactly what the scalar path gives it. By hand
    for one element: with b = 3e-3·√64 = 0.024, a = 2e-5·64 = 1.28e-3, batch 1,953 and β = 0.4 the knee d
    satisfies batch·(1 − b√d − a·d) = d·(batch + β·d)·(b/(2√d) + a)."""
    import numpy as np

    rates = (np.array([3e-3, 1e-3, 3e-3]), np.array([2e-5, 5e-6, 2e-5]))
    varied = training.bubble_knee(rates, 64, np.full(3, 1953.0), 0.4, np)
    alike = training.bubble_knee((np.full(4, 3e-3), np.full(4, 2e-5)), 64, np.full(4, 1953.0), 0.4, np)
    one = training.bubble_knee((3e-3, 2e-5), 64, 1953.0, 0.4)
    assert varied.shape == (3,) and alike.shape == (4,)
    assert list(alike) == [one] * 4 and varied[0] == varied[2] == one
    assert varied[1] == training.bubble_knee((1e-3, 5e-6), 64, 1953.0, 0.4)
    b, a, d = 3e-3 * 8, 2e-5 * 64, one
    assert 1953 * (1 - b * d**0.5 - a * d) == approx(d * (1953 + 0.4 * d) * (b / (2 * d**0.5) + a), rel=1e-9)


def test_a_knee_remembered_by_value_is_the_one_bisected() -> None:
    """Elements that differ are bisected each and remembered by the bytes of the inputs: a second call with equal
    arrays (new objects) returns the same knees, and a copy, so changing it changes nothing remembered."""
    import numpy as np

    rates = (np.array([3e-3, 1e-3]), np.array([2e-5, 5e-6]))
    first = training.bubble_knee(rates, 64, 1953.0, 0.4, np)
    first[:] = 0.0
    again = training.bubble_knee((rates[0].copy(), rates[1].copy()), 64, 1953.0, 0.4, np)
    assert list(again) == [training.bubble_knee((3e-3, 2e-5), 64, 1953.0, 0.4), training.bubble_knee((1e-3, 5e-6), 64, 1953.0, 0.4)]
    other = training.bubble_knee(rates, 64, 1953.0, 0.8, np)  # another bubble: another knee, lower
    assert all(other < again)
