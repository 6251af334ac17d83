"""Tests that kill surviving mutants of ``tco/engine.py`` and ``tco/serving.py`` (mutmut 3.8.1, a uniform sample of
300 of the 4,056 mutants of the two files, seed 20261201, 2026-12-01): the serving search's batch bisection, its
latency boundary, its labels and its skipping of replica sizes, a fixed replica of exactly one layer per pipeline
stage, the error texts of a layout and of a market, the embedding bytes of tied 8-bit weights, an unknown TDP, and
a rented fleet under a carbon price that varies.

Every expected value is worked out by hand from the formulas in the docstrings (the arithmetic is in each test).
"""

from __future__ import annotations

import math

import pytest

from tco import analysis, engine, serving
from tco.engine import Option
from tco.errors import InfeasibleError, MissingInputError
from tco.models import Acquisition
from tests.factories import accelerator, bench, inference, scenario, training
from tests.test_mutants import toy_inputs

approx = pytest.approx

# --------------------------------------------------------------------------- serving.choose on exact numbers

# Two layers, 2-token prompts and 4-token outputs, 1 byte a weight and a KV value. The numbers are chosen so that
# every figure of serving.figures is a short binary fraction:
# * weights 1e9 B read at 1 GB/s by one device: t_w = 1 s; the matmuls' FLOPs are far smaller and p = inf
#   (the roofline's max), so the matmul part of a step is 1 s for any batch up to 16;
# * KV per token 2 · 2 · 15,625,000 · 1 = 6.25e7 B; the average context P + O/2 = 4 tokens, so a step reads
#   b · 2.5e8 B of cache: t_kv = b/4 s on one device (b/8 on two);
# * prefill P · (2 · N_active + 2 · L · h · P) / (k · peak · ε) = 2 · (2 · (1e9 − 4) + 8) / (k · 1e12 · 0.032)
#   = 4e9 / (k · 3.2e10) = 0.125 s on one device, 0.0625 s on two;
# * one device per node (node = 1), so a replica of 2 is two pipeline stages of one device, with no all-reduce.
REQ = serving.Request(layers=2, d_model=1, kv_dim=15_625_000, prompt=2.0, output=4.0, weight_bytes_per_param=1.0, kv_bytes=1.0)
X = {
    "parameters": 1e9,
    "active_parameters": 1e9 - 4,
    "peak": 1.0,
    "bandwidth": 1.0,
    "link": 1.0,
    "efficiency": 0.032,
    "bandwidth_efficiency": 1.0,
    "collective_efficiency": 1.0,
    "memory_gb": 100.0,
    "overlap": math.inf,
}


def test_the_largest_batch_that_meets_a_time_per_token_exactly_is_taken() -> None:
    """On one device, tpot(b) = step + b · T_prefill / O = (1 + b/4) + b · 0.125/4 = 1 + 9b/32 s:
    1.28125, 1.5625, 1.84375, 2.125 for b = 1..4. The cache holds 0.9 · (98e9 − 1e9) / (6.25e7 · 6) = 232
    sequences, max_batch is 4. With a target of exactly 1.5625 s, the bisection over 1..4 keeps b = 2 (3 misses);
    b + 1 = 3 misses the time per token, so that is the limit. Tokens/s = b · O / (O · step + b · T_prefill)
    = 2 · 4 / (4 · 1.5 + 2 · 0.125) = 1.28; TTFT = 0.125 + 1.5 = 1.625 s; t_w + t_kv = 1.5 s is at least the
    matmul time (about 0.125 s), so the step is memory-bandwidth bound."""
    c = serving.choose(REQ, X, node=1, max_batch=4, replica=1, tpot_s=1.5625)
    assert c is not None
    assert (c.replica, c.tensor, c.batch) == (1, 1, 2)
    assert c.time_per_output_token_s == 1.5625
    assert c.time_to_first_token_s == 1.625
    assert c.tokens_per_second == approx(1.28, rel=1e-12)
    assert c.limited_by == "time_per_output_token"
    assert c.bound == "memory-bandwidth"


def test_a_replica_size_that_misses_a_latency_target_does_not_end_the_search() -> None:
    """TTFT = T_prefill + step(b). One device: 0.125 + 1 + 1/4 = 1.375 s at b = 1, over a 1.25 s target, so size 1 is
    skipped. Two pipeline stages of one device (2 stages for 2 layers: one layer each, allowed):
    0.0625 + 1 + b/8 = 1.1875 s at b = 1, 1.3125 s at b = 2, so b = 1, limited by the time to first token.
    Four stages would exceed the 2 layers. Tokens/s per accelerator = 1 · 4 / (4 · 1.125 + 0.0625) / 2 = 32/73."""
    c = serving.choose(REQ, X, node=1, max_batch=4, ttft_s=1.25)
    assert c is not None
    assert (c.replica, c.tensor, c.batch) == (2, 1, 1)
    assert c.time_to_first_token_s == 1.1875
    assert c.tokens_per_second == approx(32 / 73, rel=1e-12)
    assert c.limited_by == "time_to_first_token"


# --------------------------------------------------------------------------- the serving plan


def test_a_fixed_replica_of_one_layer_per_stage_is_planned_and_one_more_stage_is_not() -> None:
    """The toy service has 10 layers on nodes of 4: a replica of 40 is 10 stages of 4 (one layer each) and is planned
    with TP 4; 44 is 11 stages, more than 10 layers, and at most 10 · 4 = 40 may be given."""
    plan = engine.plan_option(Option(accelerator(), 40), inference(), scenario(), market=False)
    assert (plan.replica, plan.tensor) == (40, 4)
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(), 44), inference(), scenario(), market=False)
    assert exc.value.message == (
        "a replica of 44 × toy is 11 pipeline stages of 4, more than the model's 10 layers: give at most 40 per replica"
    )
    assert exc.value.where == "toy@44"


def test_tied_8_bit_embeddings_add_one_16_bit_matrix() -> None:
    """fp8 weights on a part with an fp8 peak: 1 byte a weight, and the tied embedding adds (2 − 1) · V · d
    = 1 · 50,000 · 1,000 = 5e7 bytes (one matrix, not two)."""
    acc = accelerator(peak={"bf16_tflops": 100, "fp16_tflops": 100, "fp8_tflops": 200})
    wl = inference(precision="fp8", shape={"layers": 10, "d_model": 1000, "vocab": 50000, "tied_embeddings": True})
    plan = engine.plan_option(Option(acc, 4), wl, scenario(), market=False)
    assert plan.request is not None
    assert plan.request.weight_bytes_per_param == 1.0
    assert plan.request.embedding_bytes == 5e7


def test_a_part_of_unknown_memory_plans_no_replica_and_no_tensor_parallelism() -> None:
    """With memory unknown no replica is planned: replica 0, batch 0, TP 1, and the note says why."""
    plan = engine.plan_option(Option(accelerator(memory_gb={"value": None}), 4), inference(), scenario(), market=False)
    assert (plan.replica, plan.batch, plan.tensor) == (0, 0, 1)
    assert "memory, bandwidth or peak unknown: no replica can be planned" in plan.notes


# --------------------------------------------------------------------------- training layouts and markets


@pytest.mark.parametrize(
    ("layout", "message", "key"),
    [
        ({"context_parallel": 3}, "layout context_parallel = 3 does not divide the sequence length (1000 tokens)", "context_parallel"),
        ({"tensor_parallel": 3}, "layout tensor_parallel = 3 does not divide the 7 attention heads", "tensor_parallel"),
    ],
)
def test_a_layout_that_does_not_divide_is_blamed_on_the_workload(layout: dict[str, int], message: str, key: str) -> None:
    """1,000 tokens are not a multiple of 3; the toy's d_model of 1,000 gives 7 heads, not a multiple of 3."""
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(mfu=None), 4), training(layout=layout), scenario(), market=False)
    assert exc.value.message == message
    assert exc.value.where == "toy-train"
    assert exc.value.key == f"layout.{key}"


def test_a_fixed_layout_spells_its_degrees_joined_by_times() -> None:
    """pipeline 2 × context 2 needs 2 · 2 = 4 accelerators; 3 are given."""
    wl = training(layout={"context_parallel": 2, "pipeline_parallel": 2})
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(mfu=None), 3), wl, scenario(), market=False)
    assert exc.value.message == "the layout (pipeline 2 × context 2) needs 4 accelerators, more than 3 × toy"


def test_a_part_no_market_may_buy_or_rent_gets_no_hint() -> None:
    """Barred in both markets, without a rule or a source: the message ends at the market."""
    acc = accelerator(availability={"cn": {"buy": False, "rent": False}, "global": {"buy": False, "rent": False}})
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(acc, 4), training(), scenario(market="cn"), market=True)
    assert exc.value.message == "toy cannot be bought in market 'cn'"
    assert exc.value.key == "availability.cn"


# --------------------------------------------------------------------------- power and carbon


def test_a_bought_part_of_unknown_tdp_needs_its_tdp() -> None:
    """A bought fleet's energy and facility costs read the TDP: unknown, it is a missing input named after it."""
    with pytest.raises(MissingInputError) as exc:
        engine.compare(options=[Option(accelerator(tdp_w={"value": None}), 4)], workload=training(), scenario=scenario())
    assert exc.value.key == "tdp_w"
    assert exc.value.where == "toy"


def test_a_rented_fleet_under_a_varied_carbon_price_of_zero() -> None:
    """A rented toy measured at 1,000 tokens/s per accelerator: 1.44e8 tokens on 4 take 36,000 s = 10 h, at $2/h
    each 4 · 10 · 2 = $80; time to market 1 week of setup + 10/24 day = 7 + 5/12 days. With the carbon price at 0
    at both points (an array), no emissions are priced and the TDP is not needed."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)], rental={"usd_per_hour": 2.0})
    inputs = toy_inputs(Option(acc, 4, Acquisition.rent), carbon_usd_per_tonne=0)
    row = analysis.what_if(inputs, {"scenario.carbon_usd_per_tonne": [0, 0]}).options[0]
    assert row.job_cost_usd == [approx(80.0), approx(80.0)]
    assert row.time_to_market_days == [approx(7 + 5 / 12), approx(7 + 5 / 12)]


def test_a_barred_part_of_unknown_price_is_infeasible_and_needs_no_input() -> None:
    """The market bars the part whatever its price, so its unknown price is not asked for: no missing input and no
    "not ranked: needs" note, only the reason (cn bars the part, global has no entry, so it may buy it)."""
    barred = accelerator(id="barred", price_usd={"value": None}, availability={"cn": {"buy": False, "rent": False}})
    comparison = engine.compare(
        options=[Option(barred, 4), Option(accelerator(benchmarks=[bench("toy-train", 1000)]), 4)],
        workload=training(),
        scenario=scenario(market="cn"),
    )
    row = next(r for r in comparison.results if r.accelerator == "barred@4")
    why = "barred cannot be bought in market 'cn'; it can be bought in market 'global': --set scenario.market=global"
    assert row.reason == why
    assert row.missing_inputs == []
    assert not [n for n in row.notes if n.startswith("not ranked")]
    assert row.notes[-1] == f"infeasible: {why}"
