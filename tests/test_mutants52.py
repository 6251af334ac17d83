"""Mutation survivors of tco/training.py (mutmut 3.8.1, a uniform sample of 80 of its 1,676 mutants, seed 52): the
MoE load imbalance, the in-node link of a pipeline that fills its node exactly, the ZeRO-1 gradient reduction's knee,
the failure knees with and without restart time, and a minimum count whose degree is the whole batch.

Every expected value is worked out by hand from the formulas in the docstrings of tco/training.py (the arithmetic is
in each test)."""

from __future__ import annotations

import pytest
from pytest import approx

from tco import training
from tco.models import Tuning
from tests.test_training import inputs
from tests.test_training import job as training_job

C = training.Candidate


def job(**kw: object) -> training.Job:
    """tests.test_training's job (24 layers, d_model = heads' width 2048, 2048-token sequences), one layout of one
    device unless told otherwise."""
    kw.setdefault("candidates", (C(1, 1, 1, 1),))
    return training_job(**kw)


def _u_dense(x: dict[str, float]) -> float:
    """u on one device, dense, nothing recomputed, no communication:
    6·N/(peak·ε·m) + 6·L·h·s/(peak16·ε·k·r) + β·L·h·2/BW with L = 24, h = s = 2048."""
    return (
        6 * x["active_parameters"] / (x["peak"] * 1e12 * x["efficiency"] * x["matmul"])
        + 6 * 24 * 2048 * 2048 / (x["peak16"] * 1e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
        + x["elementwise"] * 24 * 2048 * 2 / (x["bandwidth"] * 1e9)
    )


def test_moe_matmuls_are_slowed_by_the_load_imbalance() -> None:
    """Kills x__per_token_seconds__mutmut_22 (the imbalance taken as 1 for MoE jobs too).

    One device, 8 experts, top-2, N = 1.3e9 parameters of which 0.5e9 active, load imbalance 1.1, nothing
    recomputed (state 16 · 1.3e9 = 20.8 GB + activations 24 · 2048² · (15 + 19 + 5 · 16) = 11.5 GB < 72 GB).
    u = 6 · 0.5e9 · 1.1 / (312e12 · 0.45 · 0.85) = 2.7652e-5 (matmuls × the imbalance)
      + 6 · 24 · 2048² / (312e12 · 0.45 · 0.63 · 0.775) = 8.8108e-6 (attention)
      + (200 + 190 · 2) · 24 · 2048 · 2 / 2039e9 = 2.7963e-5 (element-wise and routing)
      + 0: expert weights E = (1.3e9 − 0.5e9) · 8 / 6 = 1.0667e9 stream 3 · 2 · E / 2048 / 2039e9 = 1.53e-6 s,
        less than their compute 6 · 1.1 · E · 2/8 / (312e12 · 0.3825) = 1.47e-5 s (1.34e-5 s at imbalance 1).
    u = 6.4426e-5 s: 15,521.75 tokens/s, not 1/(6.4426e-5 − 2.514e-6) = 16,152 tokens/s without the imbalance."""
    j = job(experts=8, top_k=2)
    x = inputs(count=1.0, node=1.0, active_parameters=0.5e9, load_imbalance=1.1)
    eff = x["efficiency"] * x["matmul"]
    u = (
        6 * 0.5e9 * 1.1 / (312e12 * eff)
        + 6 * 24 * 2048 * 2048 / (312e12 * x["efficiency"] * x["attention"] * x["attention_ratio"])
        + (200 + 190 * 2) * 24 * 2048 * 2 / 2039e9
    )
    r = training.evaluate(j, x)
    assert (r.recompute, r.data_parallel) == ("none", 1)
    assert r.tokens_per_second == approx(1 / u, rel=1e-9)
    assert r.tokens_per_second == approx(15521.75, rel=1e-5)


def test_a_pipeline_that_fills_its_node_sends_over_the_in_node_link() -> None:
    """Kills x__per_token_seconds__mutmut_134 (``t·c·p < node`` instead of ``≤``: a replica of exactly one node
    sent its stage-to-stage activations at the scale-out bandwidth).

    Two stages on nodes of two, one sequence per step (typical stack: v = 1, bubble p − 1 = 1). The replica's
    t·c·p = 2 devices fit the node, so the point-to-point traffic crosses the in-node link, 600/2 = 300 GB/s:
    u = u₁ + 2·v·2·h·p / link = u₁ + 2 · 1 · 2 · 2048 · 2 / 300e9 = u₁ + 5.46e-8 s (u₁ = 8.3813e-5 s, one device,
    nothing recomputed); at the scale-out's 1 GB/s it would be u₁ + 1.64e-5 s.
    step = (m + p − 1) · s · u / p = 2 · 2048 · u / 2 = 2048·u; tokens/s per accelerator 2048 / (step · 2) = 1/(2u)
    = 5,961.8 (4,990.2 over the scale-out)."""
    j = job(candidates=(C(1, 2, 1, 1),))
    x = inputs(count=2.0, node=2.0, global_batch_tokens=2048.0, scale_out=1.0)
    u = _u_dense(x) + 2 * 1 * 2 * 2048 * 2 / (600e9 / 2)
    r = training.evaluate(j, x)
    assert (r.recompute, r.data_parallel, r.bubble) == ("none", 1, approx(0.5))
    assert r.tokens_per_second == approx(1 / (2 * u), rel=1e-9)
    assert r.tokens_per_second == approx(5961.8, rel=1e-4)


def test_zero1_tries_the_degrees_around_its_gradient_reduction_knee() -> None:
    """Kills x_evaluate__mutmut_199 and x_evaluate__mutmut_203 (the ZeRO-1 knee computed with two parameter
    gathers, ``grad + 2·param``, as for ZeRO-3, instead of the one ZeRO-1 makes).

    One device per replica (t = p = 1, ZeRO-1), a tuned stack (o_dp = 0.9), 15 accelerators on nodes of one, a batch
    of B = 64 sequences: d_max = min(15, 64) = 15. Nothing recomputed (16 · 1.3e9 + 11.5e9 B fit 72 GB at d = 1).
    Let c = s·u be one sequence's compute and W = B·c = 64c. The reduction moves T = (grad + param)/link =
    (2 + 2) · 1.3e9 / scale-out, the scale-out set so that W/T = 1.7: T = 64c/1.7 = 37.647c.

    * Knee: 1 + window / T with window = o_dp · 2/3 · W = 0.6W: 1 + 0.6 · 1.7 = 2.02, so d = 2 and 3 are tried
      (with ``grad + 2·param`` = 1.5T: 1 + 0.4 · 1.7 = 1.68, d = 1 and 2).
    * Failures: λ = 1 per accelerator-day, 20.808 min to save (0.01445 day), no restart: A = √(2 · 0.01445) = 0.17,
      G(d) = 1 − 0.17·√d; the failure knee 1/(1.5 · 0.17)² = 15.38 > 15, so no grid: the tried degrees are
      {15, 2, 3} (the mutant's {15, 1, 2}).
    * step(d) = W/d + max((d − 1)/d · T − o_dp · c, 0) (ZeRO-1 hides the reduction behind one sequence):
      step(1) = 64c, step(2) = 32c + 18.824c − 0.9c = 49.924c, step(3) = 21.333c + 25.098c − 0.9c = 45.531c,
      step(4) = 16c + 28.235c − 0.9c = 43.335c, step(15) = 4.267c + 35.137c − 0.9c = 38.504c.
    * Score G/step (× B·s/n): d = 1: 0.83/64 = 0.01297; d = 2: 0.7596/49.924 = 0.01521;
      d = 3: 0.7056/45.531 = 0.01550; d = 4: 0.66/43.335 = 0.01523; d = 15: 0.3416/38.504 = 0.00887 (and less
      for every d from 4 to 15). d = 3 is the best degree of all, and the mutant, which does not try it, takes 2.

    tokens/s per accelerator = B·s / (step(3) · n) = 64 / (15 · u · (64/3 + 2/3 · 64/1.7 − 0.9)) = 1,118.07."""
    j = job(tuning=Tuning.tuned)
    x = inputs(count=15.0, node=1.0, global_batch_tokens=64 * 2048.0)
    u = _u_dense(x)
    c = 2048 * u
    x.update(scale_out=4 * 1.3e9 * 1.7 / (64 * c) / 1e9, failure_rate=1.0, save_minutes=20.808, restart_minutes=0.0)
    assert x["scale_out"] == approx(0.8047, rel=1e-4)  # GB/s: well under the in-node 300
    r = training.evaluate(j, x)
    assert (r.recompute, r.data_parallel) == ("none", 3)
    assert r.tokens_per_second == approx(64 / (15 * u * (64 / 3 + 2 / 3 * 64 / 1.7 - 0.9)), rel=1e-9)
    assert r.tokens_per_second == approx(1118.07, rel=1e-5)


def test_the_failure_knee_without_restart_time() -> None:
    """Kills x_failure_knee__mutmut_29 (``1.0 * max(1.5·b)``) and x_failure_knee__mutmut_48 (None in place of
    the no-restart root).

    rates (A, B) = (0.01, 0) on m = 4 devices a replica: b = A·√m = 0.02, a = B·m = 0. With no restart time
    d·G(d) = d − b·d^1.5 peaks where 1 − 1.5·b·√d = 0: √d = 1/(1.5 · 0.02) = 33.33, d = 1/0.0009 = 1,111.1."""
    assert training.failure_knee((0.01, 0.0), 4) == approx(10000 / 9, rel=1e-12)


def test_the_failure_knee_with_restart_time() -> None:
    """Kills x_failure_knee__mutmut_39 (the restart branch never taken: ``where(None, …)``).

    rates (A, B) = (0.02, 0.0005) on m = 4: b = 0.02 · 2 = 0.04, a = 0.0005 · 4 = 0.002.
    √d = (−1.5·b + √(2.25·b² + 8·a)) / (4·a) = (−0.06 + √(0.0036 + 0.016)) / 0.008 = (−0.06 + 0.14) / 0.008 = 10,
    d = 100; check: 1 − 1.5 · 0.04 · 10 − 2 · 0.002 · 100 = 1 − 0.6 − 0.4 = 0. (Ignoring the restart time would
    give 1/(1.5 · 0.04)² = 277.8.)"""
    assert training.failure_knee((0.02, 0.0005), 4) == approx(100.0, rel=1e-12)


def test_the_bubble_knee_by_hand() -> None:
    """Kills x_bubble_knee__mutmut_2 (b = A/√m instead of A·√m) and x_bubble_knee__mutmut_30 (``2 − b·√d − a·d``
    in place of the goodput ``1 − b·√d − a·d``).

    rates (A, B) = (0.005, 0) on m = 4: b = 0.005 · 2 = 0.01, a = 0; a batch of 100 sequences and a bubble β = 17.
    The knee solves batch · G = d · (batch + β·d) · (b/(2√d) + a), i.e. with a = 0
    100 · (1 − 0.01·√d) = (100 + 17·d) · 0.01 · √d / 2. At d = 100: left 100 · 0.9 = 90, right
    (100 + 1700) · 0.01 · 10 / 2 = 90. The left falls and the right rises with d, so d = 100 is the only root."""
    assert training.bubble_knee((0.005, 0.0), 4, 100.0, 17.0) == approx(100.0, rel=1e-9)


@pytest.mark.parametrize(("recompute", "count"), [("selective", 6), (None, 3)])
def test_the_minimum_count_may_use_the_whole_batch(recompute: str | None, count: int) -> None:
    """Kills x_min_accelerators__mutmut_94 (``d >= batch`` rejects a degree equal to the batch).

    One layout (t = p = 1), 1.3e9 parameters, 8 GB (usable 7.2e9 B), as in
    tests/test_training_mutants.py: recomputation fixed to "selective" leaves 7.2e9 − 24 · 2048² · 34 =
    3,777,447,936 B < 4 · 1.3e9 for parameters and gradients, so ZeRO-3: d = ⌈16 · 1.3e9 / 3,777,447,936⌉ =
    ⌈5.506⌉ = 6; free to recompute in full, ZeRO-3 needs d = ⌈2.97⌉ = 3. A global batch of exactly d sequences
    (6 · 2048, 3 · 2048 tokens) still allows that degree: d ≤ batch."""
    x = inputs(memory_gb=8.0, global_batch_tokens=count * 2048.0)
    assert training.min_accelerators(job(recompute=recompute), x) == count
