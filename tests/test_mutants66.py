"""Tests that kill surviving mutants of the seed-66 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 11,888 mutants: ``random.Random(66).sample`` over the sorted names): the
replicas a serving refusal reads its latency target from hold a sequence at their own tensor-parallel degree, a probe
of an unknown input that cannot be evaluated keeps the input and the probing goes on, and a break-even scan's
refinement budget counts every point it added.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/serving.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest

import tco
from tco import engine, serving
from tco.analysis.breakeven import _refined_at_steps
from tco.analysis.common import evaluate_many, prepare, resolve_target
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, bench, inference, scenario, training

approx = pytest.approx


# --------------------------------------------------------------------------- plan_serving: the replicas a refusal reads


def test_a_replica_whose_replicated_kv_cache_holds_no_sequence_does_not_decide_the_target_blamed() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_321 (``max_batch_in_memory(req, x, k, tensor_of(k, node))`` ->
    ``max_batch_in_memory(req, x, tensor_of(k, node))``: the replicas judged to hold a sequence were read as
    ``tensor_of(k)`` devices at tensor degree 1, so a replica of 2 whose replicated KV cache holds none was tried).

    A 1e9-parameter service (2e9 B of weights; P = O = 500) of 10 layers 1,000 wide, 8 heads of 125 and one KV head
    (kv_dim 125), on toys of 3.004 GB in nodes of 4 linked at 1 GB/s, with TPOT ≤ 0.1 ms and TTFT ≤ 110 ms.

    * Memory: a sequence's cache is 2 × 10 layers × max(125, t × 125) × 2 bytes × 1,000 tokens = 5e6 · t bytes at
      tensor degree t (the one KV head is on each of the t devices). The cache gets 0.9 × (k × (3.004 − 2) GB −
      2e9 B): on 1 nothing (1.004e9 < 2e9); on 2, 0.9 × 8e6 = 7.2e6 B, under the 1e7 of a sequence at t = 2 (the
      mutant's t = 1 reads 5e6: one fits); on 4, 0.9 × 2.016e9 = 1.8144e9 B, 90 sequences of 2e7.
    * Latency at a batch of one (ε = 0.64, e_bw = 0.85, collectives at 0.45 × 1e9 / 2 = 2.25e8 B/s, 0.11 ms a layer):
      the prefill computes 500 × 2.01e9 / (k × 6.4e13) = 15.7 ms / k and, at t > 1, all-reduces 2 × 10 × (10 µs +
      2 (t − 1)/t × 2 × 1,000 × 500 / 2.25e8) (89.1 ms at t = 2, 133.5 ms at t = 4). TTFT on 2 ≈ 7.9 + 89.1 + a
      2.65 ms step ≈ 99.6 ms (met); on 4 ≈ 3.9 + 133.5 + 2.2 ≈ 139.6 ms, and on 8, 16, 32 (pipelines of TP 4) still
      above 133.5 ms (missed). TPOT ≥ 10 × 0.11 ms = 1.1 ms everywhere (missed; a tuned engine's step still reads
      2e9 B at 4 × 8.5e11 B/s, 0.59 ms: no hint).

    The replicas that hold a sequence, 4 to 32 (32 // 4 = 8 stages of the 10 layers), miss both targets at a batch of
    one: the refusal blames the time to first token (what the smallest, 4, misses first). The mutant also tried the
    replica of 2, where the first token is met, and blamed the time per output token."""
    acc = accelerator(memory_gb=3.004, interconnect={"kind": "nvlink", "devices_per_node": 4, "bandwidth_gbps": 1})
    shape = {"layers": 10, "d_model": 1000, "heads": 8, "kv_dim": 125}
    wl = inference(parameters=1e9, shape=shape, time_per_output_token_ms=0.1, time_to_first_token_ms=110)
    # (the figures as described: the serving model, tco/serving.py, is not among the mutated files)
    roomy = accelerator(memory_gb=1000, interconnect={"kind": "nvlink", "devices_per_node": 4, "bandwidth_gbps": 1})
    plan = engine.plan_option(Option(roomy), inference(parameters=1e9, shape=shape), scenario(), market=False)
    p = engine.KnownInputs(engine.numeric_inputs(Option(acc), wl, scenario()))
    x = {**engine.plan_serving_inputs(plan, p), "memory_gb": p["accel.memory_gb"]}
    assert [serving.max_batch_in_memory(plan.request, x, k, min(k, 4)) for k in (1, 2, 4)] == [0, 0, 90]
    assert serving.max_batch_in_memory(plan.request, x, 2, 1) == 1  # (the mutant's reading of the replica of 2)
    two, four = (serving.figures(plan.request, x, replica=k, tensor=k, batch=1) for k in (2, 4))
    assert two["ttft"] == approx(0.0996, rel=0.01) and four["ttft"] == approx(0.1396, rel=0.01)
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(acc), wl, scenario(), market=False)
    assert exc.value.message == (
        "toy cannot serve toy-serve: no batch meets the latency targets on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers): "
        "a batch of one takes 136.2 ms to the first token at best, on a replica of 32"
    )
    assert (exc.value.where, exc.value.key, exc.value.also) == ("toy-serve", "time_to_first_token_ms", ())


# --------------------------------------------------------------------------- needed: a probe that cannot be evaluated


def test_an_unknown_input_whose_probe_cannot_be_evaluated_is_kept_and_the_next_is_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.engine.x_needed__mutmut_20 (the ``break`` after a probe that raised -> ``return``: the first such
    input ended the search and ``needed`` returned None, so the option's missing inputs were None).

    A part whose server overhead factor and lead time are unknown: the capex and the time to market are unknown.
    The unknown inputs are asked for in the order the formulas read them: the factor, then the lead time. With the
    formulas made to fail (an OverflowError, an ArithmeticError) where the factor is probed at 1,000, the factor is
    kept as needed (a failure proves nothing) and the lead time is still probed: it changes the time to market, so
    it is kept too. (A part priced by its server bill of materials reads no factor since round 84: none to probe.)"""
    unknown = accelerator(server_overhead_factor={"value": None}, lead_time_weeks={"value": None})
    ev = engine.evaluate_option(Option(unknown), training(), scenario())
    assert ev.missing == ("accel.server_overhead_factor", "accel.lead_time_weeks")
    assert ev.out["capex_usd"] != ev.out["capex_usd"] and ev.out["time_to_market_days"] != ev.out["time_to_market_days"]

    real = engine.evaluate_plan

    def failing(plan: engine.Plan, p: Any, ops: Any = engine.SCALAR) -> dict[str, Any]:
        if p.get("accel.server_overhead_factor") == 1000.0:
            raise OverflowError("a probe the formulas cannot evaluate")
        return real(plan, p, ops)

    monkeypatch.setattr(engine, "evaluate_plan", failing)
    ev = engine.evaluate_option(Option(unknown), training(), scenario())
    assert ev.missing == ("accel.server_overhead_factor", "accel.lead_time_weeks")


# --------------------------------------------------------------------------- breakeven: the refinement's budget


def test_the_refinement_budget_counts_every_point_added_not_the_last_round_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.analysis.breakeven.x__refined_at_steps__mutmut_95 (``spent += mids.size`` -> ``spent =``: only the
    last round's points were counted against the budget, so rounds of one point each never ran it out).

    a (measured 1,000 tokens/s) and b (2,000 tokens/s) at utilization 0.5 serve 4.32e7 and 8.64e7 tokens a day per
    accelerator: both fleets step at 4.32e8 tokens a day (a from 10 to 11, b from 5 to 6). Scanned at 4.3e8 and
    4.4e8, the bracket is halved one point a round: 4.35e8 (a needs 10.07 → 11: the step is below), 4.325e8
    (10.01 → 11), then [4.3e8, 4.325e8] is 2.5e6 wide, more than 1e-3 of 4.325e8, and still steps. With a budget of
    2 points the third would make 3: the scan stops with that one bracket unresolved. The mutant counted 1 + 1 and
    went on to the five points of the unbounded refinement (4.3125e8, 4.31875e8, 4.321875e8 too), none unresolved."""
    monkeypatch.setattr(sys.modules["tco.analysis.breakeven"], "REFINE_BUDGET", 2)  # (the module: the package names the function)
    a = accelerator(id="a", benchmarks=[bench("toy-serve", 1000)])
    b = accelerator(id="b", price_usd=20000, benchmarks=[bench("toy-serve", 2000)])
    prep = prepare(Inputs([Option(a), Option(b)], inference(parameters=1e9), scenario()))
    target = resolve_target(prep, "workload.tokens_per_day")
    points = np.array([4.3e8, 4.4e8])
    first = evaluate_many(prep, {"workload.tokens_per_day": (target, points)}, points.size, replan=True)
    assert [list(first.per_option[j]["count"]) for j in (0, 1)] == [[10.0, 11.0], [5.0, 6.0]]
    d = np.asarray(first.effective_cost_usd[0] - first.effective_cost_usd[1])
    feasible = {j: np.asarray(first.feasible[j], dtype=bool) for j in (0, 1)}
    xs, _, _, unresolved = _refined_at_steps(prep, "workload.tokens_per_day", target, (0, 1), first, points, d, feasible, False)
    assert (xs.tolist(), unresolved) == ([4.3e8, 4.325e8, 4.35e8, 4.4e8], 1)
