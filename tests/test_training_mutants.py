"""Mutation survivors of tco/training.py (mutmut 3.8.1, a sample of 250 mutants): each test checks a value
worked out by hand from the docstrings of tco/training.py and docs/training-model.md."""

from __future__ import annotations

import math

import numpy as np
from pytest import approx

from tco import training
from tco.models import Maturity, Tuning
from tests.test_training import inputs
from tests.test_training import job as training_job

C = training.Candidate


def job(**kw: object) -> training.Job:
    """tests.test_training's job, with one layout of one device unless told otherwise."""
    kw.setdefault("candidates", (C(1, 1, 1, 1),))
    return training_job(**kw)


def test_expert_degrees_reach_64_and_context_degrees_32() -> None:
    """Expert degrees are the powers of two up to the expert count, at most 64: 64 experts give
    1, 2, …, 64. Context parallelism splits sequences into parts of at least 8,192 tokens: 262,144 =
    32 × 8,192 tokens allow 1, 2, …, 32."""
    moe = training.candidates(node=1, layers=1, heads=1, experts=64, count=None)
    assert sorted({c.expert for c in moe}) == [1, 2, 4, 8, 16, 32, 64]
    long = training.candidates(node=1, layers=1, heads=1, experts=0, count=None, seq_len=262144)
    assert sorted({c.context for c in long}) == [1, 2, 4, 8, 16, 32]


def test_a_pinned_context_degree_is_the_only_one() -> None:
    """A layout pinned to context parallel 2 searches only c = 2, even for 2,048-token sequences that
    would not be split otherwise: 1 tensor degree × 1 pipeline degree × 1 expert degree × 2 ZeRO stages."""
    cands = training.candidates(node=1, layers=1, heads=1, experts=0, count=None, seq_len=2048, pin={"context_parallel": 2})
    assert cands == (C(1, 1, 1, 1, 2), C(1, 1, 1, 3, 2))


def test_fp8_multiplies_the_matmul_efficiency_by_the_fp8_ratio() -> None:
    """ε = tuning efficiency × maturity factor × FP8 ratio: tuned, medium maturity, FP8 gives
    0.725 × 0.75 × 0.94 = 0.511125; without FP8, 0.725 × 0.75 = 0.54375."""
    assert training.gemm_efficiency(Tuning.tuned, Maturity.medium, fp8=True) == approx(0.511125)
    assert training.gemm_efficiency(Tuning.tuned, Maturity.medium) == approx(0.54375)


def test_a_shortlist_with_an_unknown_input_scores_every_layout_zero() -> None:
    """Unknown memory makes every layout's tokens/s unknown, and an unknown scores 0: all 8 layouts tie
    and the shortlist keeps the first 6 indices (the fastest first among equals, by index)."""
    cands = tuple(C(t, p, 1, z) for t in (1, 2) for p in (1, 2) for z in (1, 3))
    j = job(candidates=cands)
    assert training.shortlist(j, inputs(memory_gb=math.nan)) == (0, 1, 2, 3, 4, 5)


def test_the_minimum_count_holds_the_activations_the_workload_fixes() -> None:
    """One layout (t = p = e = 1), 1.3e9 parameters, 8 GB: usable 0.9 × 8e9 = 7.2e9 B. Activations of
    one sequence, 24 × 2048 × 2048 × 34 B = 3,422,552,064 selective, × 2 instead of × 34 =
    201,326,592 full. 16-bit parameters and gradients take 4 × 1.3e9 = 5.2e9 B.

    * recomputation fixed to "selective": 3,777,447,936 B free < 5.2e9, so only ZeRO-3 fits:
      d = ⌈16 × 1.3e9 / 3,777,447,936⌉ = ⌈5.506⌉ = 6;
    * free to recompute in full: 6,998,673,408 B free, ZeRO-3 needs 20.8e9 / 6,998,673,408 = 2.97,
      ZeRO-1 12 × 1.3e9 / 1,798,673,408 = 8.67: d = 3."""
    x = inputs(memory_gb=8.0)
    assert training.min_accelerators(job(recompute="selective"), x) == 6
    assert training.min_accelerators(job(), x) == 3


def test_pipeline_degrees_include_the_divisors_of_the_count_per_tensor_group() -> None:
    """Pipeline stages: powers of two up to the layer count (1, 2, 4, 8, 16, 32 for 40 layers), plus the
    divisors of count/t from 3 up to the layer count: 2,240 = 2⁶ · 5 · 7 on nodes of one (t = 1) adds
    5, 7, 10, 14, 20, 28, 35 and 40 (the docstring's "2,240 GPUs can run 35 stages")."""
    cands = training.candidates(node=1, layers=40, heads=1, experts=0, count=2240)
    assert sorted({c.pipeline for c in cands}) == [1, 2, 4, 5, 7, 8, 10, 14, 16, 20, 28, 32, 35, 40]


def test_virtual_stages_are_the_largest_power_of_two_up_to_8_with_a_layer_per_chunk() -> None:
    """A tuned stack interleaves v chunks per pipeline device, v the largest power of two up to 8 with
    p·v ≤ L (every chunk at least one layer): p = 2 on 64 layers gives 8 (the cap, though v = 16, 32
    chunks of 2 layers, would fit); on 8 layers 4 (2 · 4 = 8 chunks of one layer); on 6 layers 2
    (2 · 4 = 8 > 6). A typical stack runs plain 1F1B: 1."""
    c = C(1, 2, 1, 1)
    assert training.virtual_stages(job(layers=64, tuning=Tuning.tuned), c) == 8
    assert training.virtual_stages(job(layers=8, tuning=Tuning.tuned), c) == 4
    assert training.virtual_stages(job(layers=6, tuning=Tuning.tuned), c) == 2
    assert training.virtual_stages(job(layers=64), c) == 1


def test_a_whole_number_of_layers_recomputed_in_full_is_not_rounded_up() -> None:
    """One device, 24 layers of 2048 × 2048: selective activations 24·s·h·34 B, full 24·s·h·2 B. Memory
    left over of 24·s·h·18 B (state aside) needs φ = (34 − 18)/(34 − 2) = 0.5 of the layers in full:
    exactly 12 of 24, rounded up to whole layers still 12, so φ = 0.5 (not 13/24)."""
    j = job(tuning=Tuning.tuned)
    body = 24 * 2048.0 * 2048.0
    state = 16.0 * 1.3e9
    x = inputs(count=1.0, memory_gb=(state + 18.0 * body) / 0.9 / 1e9)
    assert training._full_share(j, x, C(1, 1, 1, 1), state, training.SCALAR) == approx(0.5, rel=1e-12)


def _u_one_device(x: dict[str, float], layers: int = 24, h: float = 2048.0, s: float = 2048.0) -> float:
    """u on one device, nothing recomputed: 6N/(peak·ε·m) + 6·L·h·s/(peak16·ε·k·r) + β·L·h·2/BW."""
    return (
        6 * x["active_parameters"] / (x["peak"] * 1e12 * x["efficiency"] * x["matmul"])
        + 6 * layers * h * s / (x["peak16"] * 1e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
        + x["elementwise"] * layers * h * 2 / (x["bandwidth"] * 1e9)
    )


def test_unknown_failure_inputs_leave_raw_speed_to_decide() -> None:
    """Count 2, a batch of one sequence. Layout A (t = 1) runs on 1 device: step s·u, tokens/s per
    accelerator s/(s·u·2) = 1/(2u). Layout B (t = 2) runs on both: u_B = u + 16·L·h/link (the tensor
    collectives (1 − 0)·4·L·2·(1/2)·2h·2/link), step s·u_B/2, tokens/s 1/u_B; the link is set so that
    u_B = 2u/1.01: B is 1 % faster.

    Unknown (NaN) failure inputs leave raw speed to decide: B, on 2 accelerators, 1.01/(2u). With
    λ = 1 per accelerator-day and 1 minute to save and to restart, G(n) = 1 − √(2n/1440) − n/1440:
    G(1) = 0.96204, G(2) = 0.94591, a ratio of 0.98323 < 1/1.01, so A is chosen: 1/(2u) on 1."""
    base = inputs(count=2.0, node=2.0, global_batch_tokens=2048.0)
    u = _u_one_device(base)
    link = 16 * 24 * 2048.0 / (2 * u / 1.01 - u)  # bytes/s one way
    x = dict(base, link=2 * link / 1e9)
    j = job(candidates=(C(1, 1, 1, 1), C(2, 1, 1, 1)))
    unknown = training.evaluate(j, dict(x, failure_rate=math.nan, save_minutes=math.nan, restart_minutes=math.nan))
    assert unknown.used == 2 and unknown.tokens_per_second == approx(1.01 / (2 * u), rel=1e-9)
    failing = training.evaluate(j, dict(x, failure_rate=1.0, save_minutes=1.0, restart_minutes=1.0))
    assert failing.used == 1 and failing.tokens_per_second == approx(1 / (2 * u), rel=1e-9)


def _tuned_node(**more: float) -> dict[str, float]:
    """The knee tests' job: 8 accelerators in one node, a batch of 24 sequences, memory to spare, the
    tuned level's constants; ``more`` sets the failure inputs."""
    return inputs(
        count=8.0,
        node=8.0,
        global_batch_tokens=24.0 * 2048,
        memory_gb=1e4,
        efficiency=training.GEMM_EFFICIENCY[Tuning.tuned],
        elementwise=training.ELEMENTWISE_VECTORS[Tuning.tuned],
        **more,
    )


def test_the_knee_of_the_gradient_reduction_sets_the_data_parallel_degree() -> None:
    """ZeRO-3 without a pipeline (C(1, 1, 1, 3)), tuned (o_dp = 0.9), one device per layout (u all
    compute), recomputation fixed to none, memory ample (one micro-batch per rank: 3 passes of 2·N
    bytes, B3 = (2 + 2·2)·N / link), count 8 in one node, a batch of G = 24 sequences. With
    A = G·s·u and W = 0.9·(2/3)·G·s·u = 0.6·A, step(d) = A/d + max((d − 1)·B3 − W, 0)/d. The link is
    set so that B3 = 0.5·A: the knee 1 + W/B3 = 2.2 offers d = 2 and 3, beside d_max = 8:
    step(2) = 0.5·A, step(3) = (A + 2·0.5·A − 0.6·A)/3 = 1.4·A/3, step(8) = (A + 3.5·A − 0.6·A)/8 =
    0.4875·A. d = 3 is fastest: tokens/s per accelerator G·s/(step·8) = 3/(1.4·u·8)."""
    x = _tuned_node()
    u = _u_one_device(x)
    big_a = 24 * 2048 * u
    link = 6 * 1.3e9 / (0.5 * big_a)  # bytes/s one way
    j = job(tuning=Tuning.tuned, recompute="none", candidates=(C(1, 1, 1, 3),))
    r = training.evaluate(j, dict(x, link=2 * link / 1e9))
    assert r.data_parallel == 3 and r.used == 3
    assert r.tokens_per_second == approx(3 / (1.4 * u * 8), rel=1e-9)


def test_failures_can_favour_the_knee_of_a_zero1_reduction() -> None:
    """ZeRO-1 (C(1, 1, 1, 1)), tuned (o_dp = 0.9), one device per layout (u all compute), no
    recomputation, ample memory, count 8 in one node, G = 24 sequences; A = G·s·u. The reduction
    moves (2 + 2)·N bytes: B = 4·N/link, set to 0.25·A. It hides behind one sequence's compute,
    0.9·s·u = 0.0375·A, so from d = 2 on step(d) = A/d + (d − 1)/d·B − 0.0375·A = 0.75·A/d + 0.2125·A:
    step(3) = 0.4625·A, step(4) = 0.4·A, step(8) = 0.30625·A. The knee 1 + 0.6·A/B = 3.4 offers
    d = 3 and 4 beside d_max = 8.

    Failures: λ = 1 per accelerator-day, no save time, 100.8 minutes to restart: G(n) = 1 − 0.07·n,
    0.79 on 3, 0.72 on 4, 0.44 on 8. Score = G/step: 1.708/A, 1.8/A, 1.437/A, so d = 4 is chosen:
    tokens/s per accelerator G·s/(0.4·A·8) = 1/(3.2·u) (goodput enters the choice, not the speed)."""
    x = _tuned_node(failure_rate=1.0, save_minutes=0.0, restart_minutes=100.8)
    u = _u_one_device(x)
    link = 4 * 1.3e9 / (0.25 * 24 * 2048 * u)  # bytes/s one way
    j = job(tuning=Tuning.tuned, recompute="none")
    r = training.evaluate(j, dict(x, link=2 * link / 1e9))
    assert r.data_parallel == 4 and r.used == 4
    assert r.tokens_per_second == approx(1 / (3.2 * u), rel=1e-9)


def test_tensor_context_and_expert_traffic_by_hand() -> None:
    """Seconds per token added by each split, against the same job unsplit (L = 24, h = 2048, nothing
    recomputed, link 600 GB/s bidirectional = 3e11 B/s one way, scale-out 25e9 B/s, nodes of 2):

    * TP 2 (typical, o_tp = 0): (1 − 0)·4·L·2·(1/2)·2h·2 / 3e11 = 16·L·h / 3e11;
    * TP 2 × CP 2 (4 devices > a node of 2: the ring runs on the scale-out link): the TP term plus
      (1 − 0)·L·12·(2 − 1)·kv_dim / 25e9, kv_dim = 512; CP 2 alone (2 devices, in the node):
      L·12·kv_dim / 3e11;
    * EP 2 × TP 2 on an 8-expert top-2 MoE, tuned (o_ep = 0.5), the group of 4 beyond a node of 2: the
      TP term × (1 − 0.5) plus (1 − 0.5)·4·k·L·2h·(1/2) / 25e9 (memory bandwidth ample, so the expert
      weights never outlast their FLOPs)."""
    L, h = 24, 2048.0
    x = inputs(node=2.0, bandwidth=1e9)
    tp = 16 * L * h / 3e11

    def u(j: training.Job, c: training.Candidate) -> float:
        return training._per_token_seconds(j, x, c, "none", training.SCALAR)[0]

    dense = job(kv_dim=512)
    assert u(dense, C(2, 1, 1, 1)) - u(dense, C(1, 1, 1, 1)) == approx(tp, rel=1e-9)
    assert u(dense, C(2, 1, 1, 1, 2)) - u(dense, C(1, 1, 1, 1)) == approx(tp + L * 12 * 512 / 25e9, rel=1e-9)
    assert u(dense, C(1, 1, 1, 1, 2)) - u(dense, C(1, 1, 1, 1)) == approx(L * 12 * 512 / 3e11, rel=1e-9)  # CP 2 in a node
    moe = job(experts=8, top_k=2, tuning=Tuning.tuned)
    xm = dict(x, parameters=10e9, active_parameters=4e9)
    base = training._per_token_seconds(moe, xm, C(1, 1, 1, 1), "none", training.SCALAR)[0]
    split = training._per_token_seconds(moe, xm, C(2, 1, 2, 1), "none", training.SCALAR)[0]
    assert split - base == approx(0.5 * tp + 0.5 * 4 * 2 * L * 2 * h / 2 / 25e9, rel=1e-9)


def test_zero3_gathers_for_each_micro_batch_that_fills_the_memory_exactly() -> None:
    """ZeRO-3 without a pipeline (typical, o_dp = 0.5), selective recomputation fixed, count 2 in a node,
    a batch of 2 sequences: d = 2, one sequence per rank. The state (2 + 2 + 12)·N/2 = 8·N leaves room for
    1.5 sequences, so a micro-batch holds 1 sequence: m = 1/1 = 1 exactly, and the step gathers 2·1 + 1 = 3
    times. t_dp = (1/2)·(2·N + 2·2·N)/link = 3·N/link, set to (2/3)·s·u; the cover W/d =
    0.5·(2/3)·2·s·u/2 = s·u/3; step = s·u + (2/3 − 1/3)·s·u = (4/3)·s·u (d = 1 does not fit: 16·N of
    state alone exceeds the memory), tokens/s per accelerator 2·s/((4/3)·s·u·2) = 3/(4·u), with u the
    selective u: 6N/(peak·ε·m) + (4/3)·6·L·h·s/(peak16·ε·k·r) + β·L·h·2/BW."""
    n = 1.3e9
    per_seq = 34 * 24 * 2048.0 * 2048.0
    x = inputs(count=2.0, global_batch_tokens=2.0 * 2048, memory_gb=(8 * n + 1.5 * per_seq) / 0.9 / 1e9)
    u = (
        6 * n / (312e12 * x["efficiency"] * x["matmul"])
        + 4 / 3 * 6 * 24 * 2048.0 * 2048.0 / (312e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
        + x["elementwise"] * 24 * 2048 * 2 / 2039e9
    )
    link = 3 * n / (2 / 3 * 2048 * u)  # bytes/s one way
    r = training.evaluate(job(recompute="selective", candidates=(C(1, 1, 1, 3),)), dict(x, link=2 * link / 1e9))
    assert r.data_parallel == 2 and r.recompute == "selective"
    assert r.tokens_per_second == approx(3 / (4 * u), rel=1e-9)


def test_a_vectorized_evaluation_with_no_layout_that_fits_runs_on_all_accelerators() -> None:
    """A batch of one sequence (d = 1) and 1 GB (0.9 GB usable): every layout, split over t·p ≤ 2 devices,
    holds at least 16·1.3e9/2 = 10.4 GB of state, so none fits: 0 tokens/s, and ``used`` stays every
    accelerator, as the scalar evaluation's None ("all of them") says."""
    j = job(candidates=(C(1, 2, 1, 1), C(1, 1, 1, 1), C(2, 1, 1, 3)))
    x = inputs(memory_gb=1.0, global_batch_tokens=2048.0)
    assert training.evaluate(j, dict(x, count=4.0)).used is None
    r = training.evaluate(j, dict(x, count=np.array([4.0, 8.0])), np)
    assert list(r.tokens_per_second) == [0.0, 0.0]
    assert list(r.used) == [4.0, 8.0]


def test_fp8_matmuls_run_at_the_fp8_ratio_of_the_16_bit_efficiency() -> None:
    """An FP8 job divides its matmul seconds by the FP8 ratio (peak held equal here):
    u_fp8 − u_bf16 = 6·N/(peak·ε·m) · (1/0.94 − 1); attention and element-wise work are unchanged."""
    x = inputs()
    c = C(1, 1, 1, 1)
    bf16 = training._per_token_seconds(job(), x, c, "none", training.SCALAR)[0]
    fp8 = training._per_token_seconds(job(fp8=True), x, c, "none", training.SCALAR)[0]
    assert fp8 - bf16 == approx(6 * 1.3e9 / (312e12 * x["efficiency"] * x["matmul"]) * (1 / 0.94 - 1), rel=1e-9)


def test_zero3_without_recomputation_gathers_for_each_sequence_that_does_not_fit_beside_another() -> None:
    """As the test above, with no recomputation and a batch of 4 sequences: d = 2, 2 sequences per
    rank. One sequence keeps L·s·h·(34 + 5·a·s/h) = 114·L·s·h bytes (a = 16 heads, s = h); the memory
    holds 8·N of state and 2 such sequences less 1e-9 of one (11 bytes), so m = 2 micro-batches of 1
    and 2·2 + 1 = 5 gathers: t_dp = (1/2)·(2·N + 4·2·N)/link = 5·N/link, set to s·u; the cover W/d =
    0.5·(2/3)·4·s·u/2 = (2/3)·s·u; step = 2·s·u + (1 − 2/3)·s·u = (7/3)·s·u (d = 1, with no reduction,
    takes 4·s·u); tokens/s per accelerator 4·s/((7/3)·s·u·2) = 6/(7·u), u as for one device with
    nothing recomputed."""
    n = 1.3e9
    per_seq = 114 * 24 * 2048.0 * 2048.0
    x = inputs(count=2.0, global_batch_tokens=4.0 * 2048, memory_gb=(8 * n + (2 - 1e-9) * per_seq) / 0.9 / 1e9)
    u = _u_one_device(x)
    link = 5 * n / (2048 * u)  # bytes/s one way
    r = training.evaluate(job(recompute="none", candidates=(C(1, 1, 1, 3),)), dict(x, link=2 * link / 1e9))
    assert r.data_parallel == 2 and r.recompute == "none"
    assert r.tokens_per_second == approx(6 / (7 * u), rel=1e-9)


def test_the_knee_is_rounded_to_whole_expert_groups() -> None:
    """d is a multiple of the expert degree (expert parallelism is carved out of data parallelism). An
    expert degree of 2 on a dense job only does that: no expert parameters, no all-to-all. ZeRO-1,
    tuned, one device per layout, no recomputation, count 8 in a node, G = 24 sequences, A = G·s·u.
    B = 4·N/link is set to 0.15·A; the cover is 0.9·s·u = 0.0375·A, so from d = 2 on
    step(d) = 0.85·A/d + 0.1125·A: step(4) = 0.325·A, step(6) = 0.25417·A, step(8) = 0.21875·A. The knee
    1 + 0.6·A/B = 5 offers ⌊5/2⌋·2 = 4 and ⌈5/2⌉·2 = 6 beside d_max = 8. Failures (λ = 1, no save time,
    144 minutes to restart) give G(n) = 1 − 0.1·n: 0.6, 0.4, 0.2, and scores 1.846/A, 1.574/A, 0.914/A:
    d = 4, tokens/s per accelerator G·s/(0.325·A·8) = 1/(2.6·u)."""
    x = _tuned_node(failure_rate=1.0, save_minutes=0.0, restart_minutes=144.0)
    u = _u_one_device(x)
    link = 4 * 1.3e9 / (0.15 * 24 * 2048 * u)  # bytes/s one way
    j = job(tuning=Tuning.tuned, recompute="none", candidates=(C(1, 1, 2, 1),))
    r = training.evaluate(j, dict(x, link=2 * link / 1e9))
    assert r.data_parallel == 4 and r.used == 4
    assert r.tokens_per_second == approx(1 / (2.6 * u), rel=1e-9)


def test_a_tuned_zero3_stack_recomputes_every_layer_to_gather_less_often() -> None:
    """Tuned ZeRO-3 without a pipeline (o_dp = 0.9), count 2 in a node, G = 4 sequences: d = 2, 2 sequences
    per rank (d = 1 does not fit: 16·N of state exceeds the memory). With Lsh = L·s·h, the memory holds
    8·N of state and 18.667·Lsh: none (114·Lsh) and selective (34·Lsh) do not fit; full recomputation
    of φ = (34 − 18.667)/32 = 11.5/24 → 12 of 24 layers keeps 0.5·2 + 0.5·34 = 18·Lsh per sequence, so a
    micro-batch holds 1 sequence, m = 2 and 2·2 + 1 = 5 gathers; recomputing every layer keeps 2·Lsh, a
    micro-batch holds both sequences, 3 gathers. With Q = N/link set to s·u_h:

    * half:  step = 2·s·u_h + (1/2)·(2 + 4·2)·Q − 0.6·4·s·u_h/2 = 5.8·s·u_h;
    * every layer: step = 2·s·u_a + 3·Q − 1.2·s·u_a = 0.8·s·u_a + 3·s·u_h, less (u_a < 3.75·u_h);

    u_h = 7·N/(peak·ε·m) + (4/3)·attention + (1 + 0.5/3)·β·L·h·2/BW, u_a = 8·N/(…) + (4/3)·attention +
    (4/3)·β·L·h·2/BW. Every layer is recomputed: tokens/s per accelerator 4·s/(step·2) = 2/(0.8·u_a + 3·u_h)."""
    n = 1.3e9
    lsh = 24 * 2048.0 * 2048.0
    x = inputs(
        count=2.0,
        global_batch_tokens=4.0 * 2048,
        memory_gb=(8 * n + (34 - 11.5 / 24 * 32) * lsh) / 0.9 / 1e9,
        efficiency=training.GEMM_EFFICIENCY[Tuning.tuned],
        elementwise=training.ELEMENTWISE_VECTORS[Tuning.tuned],
    )
    mm = 312e12 * x["efficiency"] * x["matmul"]
    attention = 4 / 3 * 6 * lsh / (312e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
    vectors = x["elementwise"] * 24 * 2048 * 2 / 2039e9
    u_h = 7 * n / mm + attention + (1 + 0.5 / 3) * vectors
    u_a = 8 * n / mm + attention + 4 / 3 * vectors
    link = n / (2048 * u_h)  # bytes/s one way
    r = training.evaluate(job(tuning=Tuning.tuned, candidates=(C(1, 1, 1, 3),)), dict(x, link=2 * link / 1e9))
    assert r.data_parallel == 2 and r.recompute == "full" and r.full_share == 1.0
    assert r.tokens_per_second == approx(2 / (0.8 * u_a + 3 * u_h), rel=1e-9)


def test_moe_state_and_activations_without_recomputation_by_hand() -> None:
    """An 8-expert top-2 MoE of 10e9 parameters, 4e9 active: the experts hold (10 − 4)e9 · 8/(8 − 2) =
    8e9, the rest 2e9. Under EP 2: N_dev = 2e9 + 8e9/2 = 6e9, ZeRO-1 state at d = 4 (2 + 2 + 12/4)·6e9 =
    42e9 B. Without recomputation one sequence keeps L·s·h·(34 + 5·a·s/h) = 24·2048·2048·(34 + 5·16) B."""
    moe = job(experts=8, top_k=2)
    x = inputs(parameters=10e9, active_parameters=4e9)
    state, n_dev = training._state_bytes(moe, x, C(1, 1, 2, 1), 4.0, training.SCALAR)
    assert n_dev == approx(6e9) and state == approx(42e9)
    assert training.activation_bytes(job(), C(1, 1, 1, 1), "none") == approx(24 * 2048 * 2048 * 114.0)


def test_expert_weights_stream_at_the_memory_bandwidth_exactly() -> None:
    """The expert roofline of the test in test_training.py, to a relative 1e-12: moving the total from 10e9 to 40e9
    parameters (1.3e9 active, 256 experts, top 2, EP 1) adds 6·ΔN_exp/(2048·2039e9) s of weight streaming
    less 6·2·ΔN_exp/(256·peak·ε) s of expert FLOPs, ΔN_exp = 30e9·256/254, both memory-bound."""
    j = job(experts=256, top_k=2)
    c = C(1, 1, 1, 1)
    u = {}
    for total in (10e9, 40e9):
        u[total] = training._per_token_seconds(j, inputs(parameters=total, active_parameters=1.3e9), c, "none", training.SCALAR)[0]
    delta = 30e9 * 256 / 254
    expected = 6 * delta / (2048 * 2039e9) - 6 * 2 * delta / (256 * 312e12 * training.GEMM_EFFICIENCY[Tuning.typical] * 0.85)
    assert u[40e9] - u[10e9] == approx(expected, rel=1e-12, abs=0.0)
