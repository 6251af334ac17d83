"""The serving model (tco.serving): properties as hypothesis tests, and its calibration."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tco
from tco import engine, serving
from tco.engine import Option, compare
from tco.models import Tuning
from tests.factories import accelerator, inference, scenario
from tests.test_engine import only

REQ = serving.Request(layers=80, d_model=8192, kv_dim=1024, prompt=1000, output=300, weight_bytes_per_param=1.0, kv_bytes=1.0)


def x(**kw: float) -> dict[str, float]:
    base = dict(
        parameters=70e9,
        active_parameters=70e9,
        peak=1979.0,
        bandwidth=3350.0,
        link=900.0,
        memory_gb=80.0,
        efficiency=0.5,
        bandwidth_efficiency=0.75,
        collective_efficiency=0.45,
    )
    base.update(kw)
    return base


def best(**kw: object) -> float:
    c = serving.choose(REQ, x(), node=8, max_batch=512, **kw)  # type: ignore[arg-type]
    return c.tokens_per_second if c else 0.0


@settings(max_examples=60, deadline=None, derandomize=True)
@given(field=st.sampled_from(["memory_gb", "bandwidth", "peak", "link"]), lo=st.floats(0.2, 1.0), factor=st.floats(1.0, 4.0))
def test_serving_throughput_never_falls_when_a_resource_rises(field: str, lo: float, factor: float) -> None:
    base = x()[field] * lo
    small = serving.choose(REQ, x(**{field: base}), node=8, max_batch=512)
    big = serving.choose(REQ, x(**{field: base * factor}), node=8, max_batch=512)
    assert (big.tokens_per_second if big else 0.0) >= (small.tokens_per_second if small else 0.0) * (1 - 1e-9)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(tight=st.floats(5.0, 200.0), slack=st.floats(1.0, 3.0))
def test_a_tighter_latency_target_never_raises_throughput(tight: float, slack: float) -> None:
    assert best(tpot_s=tight / 1000) <= best(tpot_s=tight * slack / 1000) * (1 + 1e-9)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(u=st.floats(0.2, 1.0), more=st.floats(1.0, 2.0))
def test_cost_per_accelerator_hour_never_rises_with_utilization(u: float, more: float) -> None:
    hi = min(1.0, u * more)
    costs = []
    for util in (u, hi):
        (r,) = compare(options=[Option(accelerator())], workload=inference(), scenario=scenario(utilization=util)).results
        assert r.cost_per_accelerator_hour_usd is not None
        costs.append(r.cost_per_accelerator_hour_usd)
    assert costs[1] <= costs[0] * (1 + 1e-9)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(target=st.floats(5.0, 200.0), z=st.floats(0.0, 3.0), more=st.floats(0.0, 2.0))
def test_a_higher_latency_percentile_never_raises_throughput(target: float, z: float, more: float) -> None:
    assert best(tpot_s=target / 1000, z=z + more) <= best(tpot_s=target / 1000, z=z) * (1 + 1e-9)


def test_overlap_is_the_p_norm_of_the_two_roofs() -> None:
    """(t_w^p + t_c^p)^(1/p) by hand: p = 1 is the sum, p = 2 the hypotenuse, p = inf the roofline's max;
    scaled so that huge times neither overflow nor lose their value, and zero stays zero."""
    assert serving.overlap(3.0, 4.0, 1.0) == pytest.approx(7.0)
    assert serving.overlap(3.0, 4.0, 2.0) == pytest.approx(5.0)
    assert serving.overlap(3.0, 4.0, 1.5) == pytest.approx((3.0**1.5 + 4.0**1.5) ** (1 / 1.5))
    assert serving.overlap(3.0, 4.0, math.inf) == 4.0
    assert serving.overlap(1e300, 1e300, 2.0) == pytest.approx(2**0.5 * 1e300)
    assert serving.overlap(0.0, 0.0, 1.5) == 0.0
    assert serving.overlap(math.inf, 1.0, 1.5) == math.inf


@given(st.floats(0.0, 1e3), st.floats(0.0, 1e3), st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.0, math.inf]))
def test_overlap_lies_between_the_roofline_and_the_sum(a: float, b: float, p: float) -> None:
    got = serving.overlap(a, b, p)
    assert max(a, b) * (1 - 1e-12) <= got <= (a + b) * (1 + 1e-12)


def test_gqa_shrinks_the_kv_cache_and_raises_the_batch() -> None:
    """Eight KV heads of 64 hold 8× less cache per token, so more sequences fit beside the weights."""
    mha = serving.Request(**{**REQ.__dict__, "kv_dim": 8192})
    assert serving.kv_bytes_per_token(mha) == 8 * serving.kv_bytes_per_token(REQ)
    assert serving.max_batch_in_memory(REQ, x(), 2) > serving.max_batch_in_memory(mha, x(), 2)


def test_serving_calibration_reports_both_halves() -> None:
    summary = tco.calibrate()
    sv = summary.serving
    assert sv is not None and len(sv.rows) >= 30
    assert sv.fit.rows >= 10 and sv.holdout.rows >= 10
    assert sv.holdout.median_absolute_error is not None and sv.holdout.median_absolute_error <= 0.25


def test_an_infinite_overlap_exponent_is_reported_as_the_roofline() -> None:
    """p = inf (the roofline's max, one of the fit's choices) is reported as null in JSON and 'inf' in
    the summary table: the figures stay finite numbers or null."""
    from tco import api, calibration, loader
    from tco.render import OutputFormat, render_calibration

    sets = api.load_serving_sets()[:1]
    profiles = {r.accelerator: loader.load_accelerator(r.accelerator) for r in sets[0].rows}
    sv = calibration.calibrate_serving(sets, profiles, loader.load_scenario(None), (0.85, 0.7, 0.4, 0.0, math.inf, 0.0, 1.0, 0.0))
    assert sv.constants["overlap_exponent"] is None and '"overlap_exponent":null' in sv.model_dump_json()
    summary = tco.calibrate().model_copy(update={"serving": sv})
    assert "overlap_exponent inf" in render_calibration(summary, OutputFormat.table, only_summary=True)


def test_replica_of_a_power_of_two_only() -> None:
    assert serving.tensor_of(16, 8) == 8 and serving.tensor_of(4, 8) == 4
    assert engine.network_tiers(16, 8) == 0


def test_a_model_no_node_can_hold_gets_a_replica_across_nodes() -> None:
    """70B in FP8 (70 GB) on 16 GB parts, 4 per node: no replica of a node fits, so the replica spans
    nodes (pipeline stages of a node each). By hand at replica 32 (TP 4, 8 stages), batch 1: the
    weights are read at 4 devices' bandwidth, 70e9 / (4 · 819e9 · 0.75) = 5.698 ms per step (each
    stage reads its share once per micro-batch, and the micro-batches follow one another)."""
    small = x(memory_gb=16.0, bandwidth=819.0, peak=394.0, link=400.0)
    c = serving.choose(REQ, small, node=4, max_batch=512)
    assert c is not None and c.replica > 4 and c.tensor == 4
    f = serving.figures(REQ, small, replica=32, tensor=4, batch=1)
    prefill = 1000 * (2 * 70e9 + 2 * 80 * 8192 * 1000) / (32 * 394e12 * 0.5)
    prefill += 2 * 80 * (10e-6 + 2 * 3 / 4 * 2 * 8192 * 1000 / (200e9 * 0.45))
    kv = 2 * 80 * 1024 * 1.0 * (1000 + 150) / (32 * 819e9 * 0.75)
    comm = 2 * 80 * (10e-6 + 2 * 3 / 4 * 2 * 8192 / (200e9 * 0.45))
    t_w, t_c, q = 70e9 / (4 * 819e9 * 0.75), 2 * 70e9 / (32 * 394e12 * 0.5), serving.OVERLAP_EXPONENT
    step = (t_w**q + t_c**q) ** (1 / q) + kv + comm
    assert f["ttft"] == pytest.approx(prefill + step)
    assert serving.choose(REQ, small, node=4, max_batch=512, replica=4) is None  # one node cannot hold it


def test_a_finite_run_drains_in_waves_of_the_batch() -> None:
    """N requests queued at once, batch B: ⌊N/B⌋ full waves and one of the rest, each wave of b taking
    O·t_step(b) + b·T_prefill (the time :func:`serving.figures` gives b sequences). By hand: 10 requests
    at batch 4 are waves of 4, 4 and 2; a multiple of the batch, or a run no larger than it, is the
    steady state."""
    xs, k = x(), 2

    def wave(b: int) -> float:  # O·t_step + b·T_prefill = O × (the mean TPOT at batch b)
        return float(REQ.output * serving.figures(REQ, xs, replica=k, tensor=k, batch=b)["tpot"])

    steady = float(serving.figures(REQ, xs, replica=k, tensor=k, batch=4)["tokens_per_second"])
    got = serving.drained_run(REQ, xs, replica=k, tensor=k, batch=4, requests=10)
    assert got == pytest.approx(10 * REQ.output / (2 * wave(4) + wave(2)) / k, rel=1e-12)
    assert got < steady  # the partial wave pays the weight reads of a full one for fewer sequences
    assert serving.drained_run(REQ, xs, replica=k, tensor=k, batch=4, requests=12) == pytest.approx(steady, rel=1e-12)
    small = float(serving.figures(REQ, xs, replica=k, tensor=k, batch=3)["tokens_per_second"])
    assert serving.drained_run(REQ, xs, replica=k, tensor=k, batch=4, requests=3) == pytest.approx(small, rel=1e-12)


def test_calibration_applies_the_published_run_size() -> None:
    """A serving row that states its run size is predicted as a finite run: never above the same row
    without it (the steady state)."""
    from tco import api, calibration, loader

    sets = [s for s in api.load_serving_sets() if s.id == "trtllm-tables"]
    row = next(r for r in sets[0].rows if r.requests is not None and r.output_tokens >= 2048)
    accel, sc = loader.load_accelerator(row.accelerator), loader.load_scenario(None)
    drained, batch, _ = calibration._serve(Tuning.tuned, row, accel, sc, serving.CONSTANTS)
    steady, batch2, _ = calibration._serve(Tuning.tuned, row.model_copy(update={"requests": None}), accel, sc, serving.CONSTANTS)
    assert drained is not None and steady is not None and batch == batch2
    assert drained <= steady
    if row.requests % batch:  # a partial last wave
        assert drained < steady


def test_fp8_serving_on_a_part_without_fp8_runs_in_16_bit() -> None:
    """No 8-bit units: the job runs in 16-bit (its note says so), so its weights and cache take 16-bit
    memory too; the batch memory allows was sized as 8-bit, six times the throughput."""
    import tco

    fp8 = tco.compare(tco.load_inputs(["a100-80gb@2"], workload="chat-70b", sets=["workload.precision=fp8"])).results[0]
    bf16 = tco.compare(tco.load_inputs(["a100-80gb@2"], workload="chat-70b")).results[0]
    assert fp8.batch == bf16.batch and fp8.effective_cost_usd == pytest.approx(bf16.effective_cost_usd)


def test_8_bit_weights_keep_their_embeddings_in_16_bit() -> None:
    """(2 − b)·V·d bytes per embedding matrix, two unless tied: Llama 3's 128,256 × 4,096 in FP8 adds
    2 × 525,336,576 bytes (NVIDIA's FP8 checkpoint of Llama 3.1 8B holds 9.08 GB for 8.03e9
    parameters); nothing with 16-bit weights or an unknown vocabulary."""
    assert serving.embedding_bytes(128256, 4096, False, 1.0) == 2 * 128256 * 4096 == 1_050_673_152
    assert serving.embedding_bytes(128256, 4096, True, 1.0) == 525_336_576
    assert serving.embedding_bytes(128256, 4096, False, 2.0) == 0.0
    assert serving.embedding_bytes(0, 4096, False, 1.0) == 0.0
    assert (8.03e9 + serving.embedding_bytes(128256, 4096, False, 1.0)) / 1e9 == pytest.approx(9.08, abs=0.01)


def test_16_bit_embeddings_take_cache_and_stream_each_step() -> None:
    """By hand, for REQ (70e9 FP8 weights, 80 layers, KV width 1,024 at one byte, 1,300 tokens a
    sequence) on one 80 GB part, with 4.2 GB of 16-bit embeddings: the cache is
    0.9 · ((80 − 2) GB − 74.2 GB) = 3.42 GB, 3.42e9 / (2·80·1,024·1,300) = 16 sequences (16.06); and a
    decode step of one sequence reads 74.2 GB of weights instead of 70 GB."""
    emb = serving.Request(**{**REQ.__dict__, "embedding_bytes": 4.2e9})
    assert serving.max_batch_in_memory(emb, x(), 1) == 16
    assert serving.max_batch_in_memory(REQ, x(), 1) == 33  # 0.9 · 8 GB / 212,992,000 bytes = 33.8
    assert serving.weight_bytes(emb, x()) == pytest.approx(74.2e9)
    slow = serving.figures(emb, x(), replica=1, tensor=1, batch=1)["tokens_per_second"]
    fast = serving.figures(REQ, x(), replica=1, tensor=1, batch=1)["tokens_per_second"]
    assert slow < fast


def test_a_known_models_fp8_service_counts_its_vocabulary() -> None:
    """chat-70b (Llama 3 70B, vocabulary 128,256) in FP8 on one H100: the batch is what the cache
    holds beside 70.6e9 + 2·128,256·8,192 bytes of weights; without the vocabulary it would be larger."""
    import tco

    with_vocab = tco.compare(tco.load_inputs(["h100-sxm@1"], workload="chat-70b", sets=["workload.precision=fp8"])).results[0]
    without = tco.compare(
        tco.load_inputs(["h100-sxm@1"], workload="chat-70b", sets=["workload.precision=fp8", "workload.shape.vocab=1"])
    ).results[0]
    assert with_vocab.batch is not None and without.batch is not None and with_vocab.batch < without.batch


def test_fewer_kv_heads_than_the_tensor_degree_are_replicated_on_each_device() -> None:
    """One KV head of 128 (MQA) on 80 layers, 1-byte cache: 2·80·128·1 = 20,480 bytes per token on one
    device; on four each device holds a copy of the head, 2·80·(4·128)·1 = 81,920 bytes. Eight heads of 128
    (REQ, kv_dim 1,024) cover eight devices, so nothing is replicated there."""
    mqa = serving.Request(**{**REQ.__dict__, "kv_dim": 128, "head_width": 128})
    assert serving.kv_bytes_per_token(mqa) == 20_480
    assert serving.kv_bytes_per_token(mqa, 4) == 81_920
    gqa = serving.Request(**{**REQ.__dict__, "head_width": 128})
    assert serving.kv_bytes_per_token(gqa, 8) == serving.kv_bytes_per_token(gqa) == 163_840
    # 4 × 80 GB less 2 GB each, less 70 GB of weights, 0.9 of it: 217.8 GB; 1,300 tokens per sequence
    assert serving.max_batch_in_memory(mqa, x(), 4, 4) == 2045  # 217.8e9 / (81,920 · 1,300) = 2,045.1
    assert serving.max_batch_in_memory(mqa, x(), 4) == 8180  # unreplicated: 217.8e9 / (20,480 · 1,300) = 8,180.5


def test_the_engine_replicates_kv_heads_across_a_replica() -> None:
    """Toy service: 1e11 bf16 parameters (200 GB) on a replica of 4 × 100 GB, 10 layers of 1,000 with 10
    heads of 100 and one KV head; 500 + 500 tokens. Each of the 4 devices holds the head: 2·10·(4·100)·2
    = 16,000 bytes per token, 1.6e7 per sequence; the cache gets 0.9 · (4 · 98 − 200) GB = 172.8 GB,
    so 10,800 sequences (43,200 if the head were not replicated)."""
    wl = inference(shape={"layers": 10, "d_model": 1000, "heads": 10, "kv_dim": 100}, max_batch=100_000)
    plan = engine.plan_option(Option(accelerator(), count=4), wl, scenario(), market=False)
    assert (plan.replica, plan.tensor, plan.batch) == (4, 4, 10_800)


def test_fp4_weights_take_four_and_a_half_bits_and_keep_an_fp8_cache() -> None:
    """NVFP4: 16 four-bit values share one 8-bit scale, 4.5 bits = 0.5625 bytes a weight; the cache stays
    8-bit. Toy service (1e11 parameters, 10 layers of width 1,000, no GQA, 500 + 500 tokens) on one
    100 GB part with FP4 units: weights 56.25 GB, cache 0.9 · (98 − 56.25) = 37.575 GB, a token
    2·10·1,000·1 = 20,000 bytes, a sequence 2e7: 1,878 sequences (1,878.75)."""
    from tco.models import BYTES_PER_PARAM, Precision

    assert BYTES_PER_PARAM[Precision.fp4] == 0.5625
    assert (serving.kv_bytes(0.5625), serving.kv_bytes(1.0), serving.kv_bytes(2.0)) == (1.0, 1.0, 2.0)
    part = accelerator(peak={"fp8_tflops": 200, "fp4_tflops": 400})
    wl = inference(precision="fp4", max_batch=100_000)
    plan = engine.plan_option(Option(part, count=1), wl, scenario(), market=False)
    assert (plan.replica, plan.batch) == (1, 1878)


def test_fp4_matmuls_reach_the_fitted_share_of_the_16_bit_efficiency() -> None:
    """At the FP4 peak the serving efficiency is ε × FP4_GEMM_RATIO (0.60); at the FP8 peak ε × 0.94."""
    p = {"workload.parameters": 1e9, "accel.peak.bf16_tflops": 100.0, "accel.memory_bandwidth_gbps": 1000.0}
    common = {"active_key": "workload.parameters", "maturity_factor": 1.0}
    eff = {
        key: engine.serving_inputs({**common, "peak_key": f"accel.peak.{key}"}, {**p, f"accel.peak.{key}": 100.0}, 0.8, 0.8, 0.4)[
            "efficiency"
        ]
        for key in ("bf16_tflops", "fp8_tflops", "fp4_tflops")
    }
    assert serving.FP4_GEMM_RATIO == 0.60
    assert eff["fp4_tflops"] / eff["bf16_tflops"] == pytest.approx(0.60)
    assert eff["fp8_tflops"] / eff["bf16_tflops"] == pytest.approx(0.94)


def test_fp4_serving_runs_in_fp8_where_the_part_has_no_fp4_units() -> None:
    """An H100 has FP8 but no FP4 units: an FP4 service runs as the FP8 one does (same weights, batch and
    cost) and says so; an A100 runs it in 16-bit; a B200 runs it in FP4, faster than in FP8."""
    from tco import perf
    from tco.models import Precision

    ins = tco.load_inputs(["h100-sxm@2", "a100-80gb@2", "b200@1"], workload="chat-70b")
    parts = {o.accelerator.id: o.accelerator for o in ins.options}
    assert perf.runs_in(parts["h100-sxm"], Precision.fp4) is Precision.fp8
    assert perf.runs_in(parts["a100-80gb"], Precision.fp4) is Precision.bf16
    assert perf.runs_in(parts["b200"], Precision.fp4) is Precision.fp4
    fp4 = tco.compare(tco.load_inputs(["h100-sxm@2", "b200@1"], workload="chat-70b", sets=["workload.precision=fp4"]))
    fp8 = tco.compare(tco.load_inputs(["h100-sxm@2", "b200@1"], workload="chat-70b", sets=["workload.precision=fp8"]))
    h4, b4 = (next(r for r in fp4.results if r.option == a) for a in ("h100-sxm@2", "b200@1"))
    h8, b8 = (next(r for r in fp8.results if r.option == a) for a in ("h100-sxm@2", "b200@1"))
    assert h4.batch == h8.batch and h4.effective_cost_usd == pytest.approx(h8.effective_cost_usd)
    assert any("runs in FP8" in n for n in h4.notes)
    assert b4.tokens_per_second_per_accelerator > b8.tokens_per_second_per_accelerator


def test_training_in_fp4_is_refused_with_its_key(run) -> None:
    from tests.factories import training

    with pytest.raises(ValueError, match="precision: fp4 is modelled for serving only"):
        training(precision="fp4")
    with pytest.raises(ValueError, match=r"stages\[long\]\.precision: fp4"):
        training(stages=[{"name": "long", "tokens": 1e9, "precision": "fp4"}])
    r = run("estimate", "b200", "--params", "7e9", "--precision", "fp4")
    assert r.exit_code == 1 and r.stdout == "" and "fp4 is modelled for serving only" in r.stderr
    r = run("estimate", "b200", "--params", "7e9", "--precision", "fp4", "--mode", "infer")
    assert r.exit_code == 0


def test_an_moe_decode_step_reads_the_experts_its_batch_visits() -> None:
    """Mixtral-like: 8 routed experts, 2 per token. A token visits 2 of 8: one sequence reads 1/4 of the
    routed experts, four read 1 − 0.75⁴ = 68.4 % of them, many read nearly all. With N = 46.7e9 and
    N_active = 12.9e9, the routed experts hold (46.7 − 12.9)e9 / (1 − 2/8) = 45.07e9 parameters and the
    shared weights 1.63e9; at one byte each a one-sequence step streams 1.63e9 + 45.07e9 / 4 bytes."""
    moe = serving.Request(**{**REQ.__dict__, "weight_bytes_per_param": 1.0, "experts": 8, "top_k": 2})
    xs = x(parameters=46.7e9, active_parameters=12.9e9)
    assert serving.expert_read_share(moe, 1) == pytest.approx(0.25)
    assert serving.expert_read_share(moe, 4) == pytest.approx(1 - 0.75**4)
    assert serving.expert_read_share(moe, 200) == pytest.approx(1.0)
    routed = (46.7e9 - 12.9e9) / 0.75
    assert serving.step_weight_bytes(moe, xs, 1) == pytest.approx(46.7e9 - routed * 0.75)
    assert serving.step_weight_bytes(moe, xs, 1) == pytest.approx(46.7e9 - routed + routed / 4)
    assert serving.step_weight_bytes(moe, xs, 10_000) == pytest.approx(46.7e9)
    dense = serving.Request(**{**REQ.__dict__, "weight_bytes_per_param": 1.0})
    assert serving.step_weight_bytes(dense, xs, 1) == pytest.approx(46.7e9)  # experts unknown: every weight, as before
    one = serving.figures(moe, xs, replica=1, tensor=1, batch=1)
    every = serving.figures(dense, xs, replica=1, tensor=1, batch=1)
    assert one["tpot"] < every["tpot"] and one["tokens_per_second"] > every["tokens_per_second"]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4096), st.integers(1, 4096))
def test_an_moe_service_never_slows_with_a_larger_batch(a: int, b: int) -> None:
    """Tokens/s per accelerator never falls as the batch grows, although a larger batch visits more experts."""
    moe = serving.Request(**{**REQ.__dict__, "weight_bytes_per_param": 1.0, "experts": 64, "top_k": 4})
    xs = x(parameters=46.7e9, active_parameters=6e9)
    lo, hi = sorted((a, b))
    slow = serving.figures(moe, xs, replica=1, tensor=1, batch=lo)["tokens_per_second"]
    fast = serving.figures(moe, xs, replica=1, tensor=1, batch=hi)["tokens_per_second"]
    assert fast >= slow * (1 - 1e-12)


def test_estimate_takes_the_experts_for_serving(run) -> None:
    """--experts/--top-k were refused in infer mode; at one sequence the step reads 2 of 8 experts."""
    base = ["estimate", "h100-sxm", "--mode", "infer", "--precision", "fp8", "--params", "12.9e9", "--total-params", "46.7e9"]
    base += ["--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "8", "--vocab", "32000", "--max-batch", "1"]
    moe = run(*base, "--experts", "8", "--top-k", "2", "-f", "json")
    dense = run(*base, "-f", "json")
    assert moe.exit_code == 0 and dense.exit_code == 0
    t_moe = json.loads(moe.stdout)["results"][0]["time_per_output_token_ms"]
    t_all = json.loads(dense.stdout)["results"][0]["time_per_output_token_ms"]
    assert t_moe < 0.5 * t_all


def test_a_typical_engine_spends_its_time_per_layer_on_every_decode_step() -> None:
    """Serving tuning: a typical (open-source) engine adds L·λ_typ to each decode step, a tuned one L·λ_tuned.
    The toy has 10 layers; at a fixed replica and batch the TPOTs differ by exactly 10·(λ_typ − λ_tuned)."""
    one = Option(accelerator(), 4)  # (the toy's 2e11 bytes of weights need four)
    typical = only(compare(options=[one], workload=inference(max_batch=1), scenario=scenario()))
    tuned = only(compare(options=[one], workload=inference(max_batch=1, tuning="tuned"), scenario=scenario()))
    assert typical.batch == tuned.batch == 1
    assert typical.time_per_output_token_ms is not None and tuned.time_per_output_token_ms is not None
    gap_ms = typical.time_per_output_token_ms - tuned.time_per_output_token_ms
    assert gap_ms == pytest.approx(10 * (serving.LAYER_OVERHEAD_TYPICAL_S - serving.LAYER_OVERHEAD_TUNED_S) * 1000.0, rel=1e-9)
    assert serving.LAYER_OVERHEAD_TYPICAL_S > serving.LAYER_OVERHEAD_TUNED_S > 0  # both fitted: a tuned engine fuses most kernels
    assert any("serving engine: typical" in n for n in typical.notes)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(layers=st.integers(1, 160), per_layer=st.floats(0.0, 5e-4), batch=st.integers(1, 4096))
def test_a_tuned_engine_is_never_slower_than_a_typical_one(layers: int, per_layer: float, batch: int) -> None:
    """The per-layer time only adds to a step: more of it never raises tokens/s, at any batch."""
    req = serving.Request(layers=layers, d_model=8192, kv_dim=1024, prompt=1000, output=300, weight_bytes_per_param=1.0, kv_bytes=1.0)
    typical = serving.figures(req, x(layer_overhead=per_layer), replica=8, tensor=8, batch=batch)
    tuned = serving.figures(req, x(layer_overhead=0.0), replica=8, tensor=8, batch=batch)
    assert tuned["tokens_per_second"] >= typical["tokens_per_second"] * (1 - 1e-12)
    assert typical["tpot"] - tuned["tpot"] == pytest.approx(layers * per_layer, abs=1e-12)


def test_serving_sets_say_which_engine_they_ran() -> None:
    """Every shipped serving set names its engine's tuning; vendors' tables are tuned, the Qwen team's
    stock-vLLM rows typical, and calibration runs each row on its set's engine."""
    from tco import api

    tunings = {s.id: s.tuning for s in api.load_serving_sets()}
    assert tunings["qwen-vllm"] is Tuning.typical
    assert all(t is Tuning.tuned for k, t in tunings.items() if k != "qwen-vllm")
    summary = tco.calibrate().serving
    assert summary is not None and "qwen-vllm" in summary.holdout_by_source
