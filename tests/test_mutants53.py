"""Mutation survivors of tco/serving.py (mutmut 3.8.1, a uniform sample of 80 of its 657 mutants, seed 53): the
serving engine's fixed time per step τ and the overlap exponent p read from the inputs, what limits the chosen
batch (memory, the time per output token, the time to first token, and a batch one past the limit that meets the
TPOT target exactly), the bound and the time to first token of the choice, and the expert read share of a dense
model or of one whose routed experts per token are unknown.

Every expected value is worked out by hand from the formulas in the docstrings of tco/serving.py (the arithmetic is
in each test).

The toy replica used throughout: one device (``k = t = 1``: no all-reduce), ``N = N_active = 1e9`` 16-bit
parameters, ``L = 10`` layers, ``h = d = kv_dim = 1000``, ``P = 1000``, ``O = 100``, peak 100 TFLOP/s at
``ε = 0.5``, 1000 GB/s at ``e_bw = 0.5``, ``r_kv = 1``:

* ``W = N · 2 = 2e9`` B; ``KV = 2 · L · kv_dim · 2 = 40,000`` B per token;
* ``t_w = W / (BW · e_bw) = 2e9 / 5e11 = 4e-3`` s;
* ``t_c = 2 · N_active · B / (peak · ε) = 2e9 · B / 5e13 = 4e-5 · B`` s;
* ``t_kv = B · KV · (P + O/2) / (BW · e_bw) = B · 40,000 · 1050 / 5e11 = 8.4e-5 · B`` s;
* ``T_prefill = P · (2 · N_active + 2 · L · h · P) / (peak · ε) = 1000 · (2e9 + 2e7) / 5e13 = 0.0404`` s.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from tco import serving

approx = pytest.approx

REQ = serving.Request(layers=10, d_model=1000, kv_dim=1000, prompt=1000, output=100, weight_bytes_per_param=2.0, kv_bytes=2.0)

PREFILL = 0.0404  # 1000 · (2e9 + 2 · 10 · 1000 · 1000) / (100e12 · 0.5)


def x(**kw: float) -> dict[str, float]:
    base = dict(
        parameters=1e9,
        active_parameters=1e9,
        peak=100.0,
        bandwidth=1000.0,
        link=200.0,
        memory_gb=80.0,
        efficiency=0.5,
        bandwidth_efficiency=0.5,
        collective_efficiency=0.5,
    )
    base.update(kw)
    return base


# --------------------------------------------------------------------------- figures: τ, λ and p from the inputs


def test_the_step_adds_the_engines_fixed_time_and_its_time_per_layer() -> None:
    """Kills x_figures__mutmut_107 (``step_overhead`` read under another key, so τ is dropped).

    B = 100 with p = 1 (no overlap, the sum): t_w + t_c = 4e-3 + 4e-5 · 100 = 8e-3 s, t_kv = 8.4e-5 · 100 = 8.4e-3 s;
    τ + L · λ = 2e-3 + 10 · 1e-4 = 3e-3 s, so t_step = 8e-3 + 8.4e-3 + 3e-3 = 0.0194 s (0.0174 without τ).
    TPOT = t_step + B · T_prefill / O = 0.0194 + 100 · 0.0404 / 100 = 0.0598 s; TTFT = 0.0404 + 0.0194 = 0.0598 s."""
    f = serving.figures(REQ, x(overlap=1.0, step_overhead=2e-3, layer_overhead=1e-4), replica=1, tensor=1, batch=100)
    assert f["tpot"] == approx(0.0598, rel=1e-9)
    assert f["ttft"] == approx(0.0598, rel=1e-9)
    # tokens/s = B · O / (O · t_step + B · T_prefill) = 100 · 100 / (100 · 0.0194 + 100 · 0.0404) = 10,000 / 5.98
    assert f["tokens_per_second"] == approx(10000 / 5.98, rel=1e-9)


@pytest.mark.parametrize(
    ("p", "matmuls"),
    [
        (1.0, 8e-3),  # the sum: 4e-3 + 4e-3
        (math.inf, 4e-3),  # the roofline: max(4e-3, 4e-3)
        (2.0, 4e-3 * math.sqrt(2.0)),  # (a² + a²)^(1/2) = a · √2
    ],
)
def test_the_step_overlaps_its_matmuls_with_the_exponent_the_inputs_give(p: float, matmuls: float) -> None:
    """Kills x_figures__mutmut_130 and x_figures__mutmut_135 (``overlap`` read under another key, so the shipped
    p = 1.5 replaces the one the inputs give: 4e-3 · 2^(2/3) = 6.35e-3 s of matmuls in every case).

    B = 100: t_w = 4e-3 s and t_c = 4e-5 · 100 = 4e-3 s are equal, so ``‖t_w, t_c‖_p = 4e-3 · 2^(1/p)``;
    t_step = that + t_kv (8.4e-3 s), and TPOT = t_step + 100 · 0.0404 / 100 = t_step + 0.0404 s."""
    f = serving.figures(REQ, x(overlap=p), replica=1, tensor=1, batch=100)
    assert f["tpot"] == approx(matmuls + 8.4e-3 + 0.0404, rel=1e-9)
    assert f["ttft"] == approx(0.0404 + matmuls + 8.4e-3, rel=1e-9)


# --------------------------------------------------------------------------- choose: limit, bound, TTFT of the choice


def test_a_batch_the_cache_limits_is_memory_limited_and_memory_bound_with_its_ttft() -> None:
    """Kills x__best__mutmut_57 (the limit always ``max_batch``), x__best__mutmut_170 (the choice's TTFT None) and
    x__best__mutmut_187 (the bound always ``compute``).

    10 GB per device: the cache takes 0.9 · ((10 − 2) · 1e9 − 2e9) = 5.4e9 B; a sequence holds (P + O) · KV =
    1100 · 40,000 = 4.4e7 B, so ⌊5.4e9 / 4.4e7⌋ = ⌊122.7⌋ = 122 sequences, fewer than max_batch 512: limited by memory.
    At B = 122 with p = ∞ (the roofline): t_c = 4e-5 · 122 = 4.88e-3 s > t_w = 4e-3 s, t_kv = 8.4e-5 · 122 =
    0.010248 s, t_step = 4.88e-3 + 0.010248 = 0.015128 s; TTFT = 0.0404 + 0.015128 = 0.055528 s;
    TPOT = 0.015128 + 122 · 0.0404 / 100 = 0.015128 + 0.049288 = 0.064416 s.
    t_w + t_kv = 0.014248 s ≥ t_c = 4.88e-3 s: memory-bandwidth bound."""
    c = serving.choose(REQ, x(memory_gb=10.0, overlap=math.inf), node=8, max_batch=512, replica=1)
    assert c is not None
    assert (c.replica, c.tensor, c.batch, c.limited_by, c.bound) == (1, 1, 122, "memory", "memory-bandwidth")
    assert c.time_to_first_token_s == approx(0.055528, rel=1e-9)
    assert c.time_per_output_token_s == approx(0.064416, rel=1e-9)


def test_a_large_batch_of_a_thin_cache_is_compute_bound() -> None:
    """Kills x__best__mutmut_188 (the bound always ``memory-bandwidth``).

    kv_dim = 10: KV = 2 · 10 · 10 · 2 = 400 B per token, 440,000 B a sequence; 80 GB holds 0.9 · (78e9 − 2e9) /
    440,000 = 155,454 of them, so max_batch 512 limits. At B = 512: t_c = 4e-5 · 512 = 0.02048 s; t_w = 4e-3 s and
    t_kv = 512 · 400 · 1050 / 5e11 = 4.3008e-4 s, together 4.43008e-3 s < t_c: compute bound. With p = ∞,
    t_step = 0.02048 + 4.3008e-4 = 0.02091008 s; tokens/s = 512 · 100 / (100 · 0.02091008 + 512 · 0.0404) =
    51,200 / (2.091008 + 20.6848) = 51,200 / 22.775808."""
    c = serving.choose(replace(REQ, kv_dim=10), x(overlap=math.inf), node=8, max_batch=512, replica=1)
    assert c is not None
    assert (c.batch, c.limited_by, c.bound) == (512, "max_batch", "compute")
    assert c.tokens_per_second == approx(51200 / 22.775808, rel=1e-9)


def test_a_batch_the_time_per_output_token_limits_says_so() -> None:
    """Kills x__best__mutmut_127 (the limit spelt ``TIME_PER_OUTPUT_TOKEN``).

    80 GB: 0.9 · 76e9 / 4.4e7 = 1554 sequences fit, max_batch 512 caps. With p = ∞ and B ≤ 100 (t_c ≤ t_w):
    t_step = 4e-3 + 8.4e-5 · B, TPOT = t_step + B · 0.0404 / 100 = 4e-3 + 4.88e-4 · B (rising with B beyond 100 too).
    A 30 ms target: B ≤ (0.03 − 4e-3) / 4.88e-4 = 53.3, so B = 53 (TPOT 0.029864 s; 54 would take 0.030352 s)."""
    c = serving.choose(REQ, x(overlap=math.inf), node=8, max_batch=512, replica=1, tpot_s=0.03)
    assert c is not None
    assert (c.batch, c.limited_by) == (53, "time_per_output_token")
    assert c.time_per_output_token_s == approx(0.029864, rel=1e-9)


def test_a_batch_the_time_to_first_token_limits_says_so_without_a_tpot_target() -> None:
    """Kills x__best__mutmut_128 (``tpot_s is not None or f1["tpot"] > tpot_s``: with no TPOT target it compares a
    float with None and raises TypeError).

    With p = ∞ and B ≤ 100: TTFT = T_prefill + t_step = 0.0404 + 4e-3 + 8.4e-5 · B = 0.0444 + 8.4e-5 · B. A 46.4 ms
    target: B ≤ 0.002 / 8.4e-5 = 23.8, so B = 23 (TTFT 0.046332 s; 24 would take 0.046416 s)."""
    c = serving.choose(REQ, x(overlap=math.inf), node=8, max_batch=512, replica=1, ttft_s=0.0464)
    assert c is not None
    assert (c.batch, c.limited_by) == (23, "time_to_first_token")
    assert c.time_to_first_token_s == approx(0.046332, rel=1e-9)


def test_a_batch_one_past_the_limit_that_meets_the_tpot_target_exactly_blames_the_ttft() -> None:
    """Kills x__best__mutmut_132 (``f1["tpot"] >= tpot_s``: a next batch that meets the TPOT target exactly, and
    misses only the TTFT one, would blame the TPOT).

    The TTFT target of 46.4 ms limits the batch to 23 (previous test); the TPOT target is set to exactly the TPOT of
    a batch of 24, 4e-3 + 4.88e-4 · 24 = 0.015712 s (the same float the choice computes, z = 0), which a batch of 24
    meets (``≤``): the batch stays 23, and what stops the 24th sequence is the time to first token."""
    tpot_24 = serving.figures(REQ, x(overlap=math.inf), replica=1, tensor=1, batch=24)["tpot"]
    assert tpot_24 == approx(0.015712, rel=1e-9)
    c = serving.choose(REQ, x(overlap=math.inf), node=8, max_batch=512, replica=1, tpot_s=tpot_24, ttft_s=0.0464)
    assert c is not None
    assert (c.batch, c.limited_by) == (23, "time_to_first_token")


# --------------------------------------------------------------------------- MoE: a dense or top_k-unknown model


def test_a_dense_model_reads_all_its_weights_at_any_batch() -> None:
    """Kills x__unvisited_share__mutmut_6 (the dense model's unvisited share ``1.0 · B`` instead of 0).

    Dense (E = 0): the step visits every weight, share 1 at any batch (the docstring: "1 for a dense model"); no expert
    bytes go unread (0), so the step streams all W = 1e9 · 2 = 2e9 B. The mutant gives 1 − 4 = −3 and 4 B unread."""
    assert serving.expert_read_share(REQ, 4) == 1.0
    assert serving.unvisited_expert_bytes(1e9, 1e9, 0, 0, 2.0, 4) == 0.0
    assert serving.step_weight_bytes(REQ, x(), 4) == 2e9


def test_experts_whose_top_k_is_unknown_are_read_as_dense() -> None:
    """Kills x__unvisited_share__mutmut_3 (``not (experts or top_k)``: with E = 8 and k = 0 (unknown) it takes
    (1 − 0/8)^B = 1 of the experts as unvisited).

    ``top_k = 0`` means the routing is unknown: every weight is read each step, as for a dense model: share 1, 0 B
    unread. The mutant: share 1 − 1 = 0, and 1 B "unread"."""
    req = replace(REQ, experts=8, top_k=0)
    assert serving.expert_read_share(req, 4) == 1.0
    assert serving.unvisited_expert_bytes(1e9, 2.5e8, 8, 0, 2.0, 4) == 0.0
    assert serving.step_weight_bytes(req, x(), 4) == 2e9
