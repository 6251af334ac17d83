"""Tests that kill surviving mutants of the seed-71 sample of tco/serving.py, tco/training.py and tco/calibration.py
(mutmut 3.8.1, a uniform random sample of 60 of their 3,947 mutants: ``random.Random(71).sample`` over the sorted
names): the shortlist of a part slower than a token a second, the expert read share of a dense model at a batch of 0,
and the ends of the grids the training and serving fits search.

Every expected value is worked out by hand from the formulas and the docstrings of tco/training.py, tco/serving.py
and tco/calibration.py (the arithmetic is in each test)."""

from __future__ import annotations

import pytest

from tco import calibration, loader, serving, training
from tco.models import CalibrationSet, Maturity, ServingSet, Tuning

approx = pytest.approx


def job(**kw: object) -> training.Job:
    """A 1.3B-class dense job: L = 24, h = 2048, 16 heads, s = 2048 (the shape of tests/test_training.py's job)."""
    base: dict[str, object] = dict(
        layers=24, d_model=2048, heads=16, seq_len=2048, kv_dim=2048, fp8=False, experts=0, top_k=0, tuning=Tuning.typical
    )
    base.update(kw)
    return training.Job(maturity=Maturity.reference, **base)  # type: ignore[arg-type]


def inputs(**kw: float) -> dict[str, float]:
    """N = N_active = 1.3e9 on a 312 TFLOP/s part, ε = 0.5, no failure inputs (goodput 1 at every degree)."""
    x = dict(
        parameters=1.3e9,
        active_parameters=1.3e9,
        count=1.0,
        global_batch_tokens=2048.0,
        peak=312.0,
        peak16=312.0,
        memory_gb=80.0,
        bandwidth=2039.0,
        link=600.0,
        scale_out=25.0,
        node=8.0,
        efficiency=0.5,
        matmul=0.85,
        attention=0.63,
        elementwise=100.0,
        fp8_ratio=0.8,
        attention_ratio=0.775,
        moe_vectors=190.0,
        load_imbalance=1.0,
    )
    x.update(kw)
    return x


# --------------------------------------------------------------------------- shortlist: a part slower than 1 token/s


def test_the_shortlist_of_a_part_slower_than_a_token_a_second_keeps_the_layout_that_runs() -> None:
    """Kills tco.training.x__shortlist__mutmut_19 (a candidate the pass never scored ranked at 1 token/s instead of
    0: on a part slower than that, a layout that cannot run came first).

    On 1 GFLOP/s (peak 1e-3 TFLOP/s) one device runs 1/u = 0.048 tokens/s (no recomputation, nothing to communicate);
    the second candidate, TP 2, needs 2 accelerators of the 1 asked about and is never scored. The fastest one is
    the first."""
    c0, c1 = training.Candidate(1, 1, 1, 1), training.Candidate(2, 1, 1, 1)
    j = job(candidates=(c0, c1))
    x = inputs(peak=1e-3, peak16=1e-3)
    u, _ = training._per_token_seconds(j, x, c0, "none", training.SCALAR)
    r = training.evaluate(j, x)
    assert (r.best, r.recompute) == (0, "none") and r.tokens_per_second == approx(1 / u) and r.tokens_per_second < 0.05
    assert training.shortlist(j, x, keep=1) == (0,)


# --------------------------------------------------------------------------- expert_read_share: a dense model at batch 0


def test_a_dense_model_reads_all_its_weights_even_at_a_batch_of_zero() -> None:
    """Kills tco.serving.x__unvisited_share__mutmut_5 (the dense model's unvisited share ``0.0 / B`` instead of
    ``0.0 · B``: a ZeroDivisionError at B = 0).

    The docstring: "1 for a dense model", at any batch: 1 − 0 = 1, and 0 B of experts unread; an MoE model at B = 0
    takes the batch as 1 (the exponent is max(B, 1)), 1 − (1 − 2/8)^1 = 0.25."""
    dense = serving.Request(layers=10, d_model=1000, kv_dim=1000, prompt=1000, output=100, weight_bytes_per_param=2.0)
    assert serving.expert_read_share(dense, 0) == 1.0
    assert serving.unvisited_expert_bytes(1e9, 1e9, 0, 0, 2.0, 0) == 0.0
    moe = serving.Request(layers=10, d_model=1000, kv_dim=1000, prompt=1000, output=100, weight_bytes_per_param=2.0, experts=8, top_k=2)
    assert serving.expert_read_share(moe, 0) == approx(0.25)


# --------------------------------------------------------------------------- the fits: the ends of their grids


def test_a_serving_row_slower_than_any_grid_point_fits_every_constant_at_its_slow_end() -> None:
    """Kills tco.calibration.x_fit_serving__mutmut_46 and _47 (a τ of the grid, 1.5 or 2 ms, became 1.0015 or
    1.002 s), _193 (λ_tuned's grid rounded to no digits: every candidate 0), _25 (the loss's _serve called without the
    set's tuning) and _108 (the collective efficiency's step returning None): no test file that imports tco.calibration
    fitted a serving row.

    One tuned-engine row in the fit half, 70.6B in FP8 on one H200, measured at 0.001 tokens/s per accelerator: every
    prediction is far above it, so each constant goes to the end of its grid that slows the step most, the loss
    |log(predicted / published)| falling all the way: (ε, e_bw) = (0.25, 0.5), the lowest pair; τ = 5 ms, the grid's
    last (0–5 ms); p = 1 (no overlap: the sum of the weights' read and the arithmetic); r_kv = 0.5; λ_tuned = 50 µs,
    the grid's last (0–50 µs by 5 µs). What does not move the row keeps its value (a tie keeps the base): c = 0.45 (one
    accelerator: no all-reduce) and λ_typ = 0.11 ms (only a typical engine's rows move it)."""
    row = dict(accelerator="h200", model="b", parameters=7.06e10, layers=80, d_model=8192, heads=64, kv_heads=8, precision="fp8")
    row |= dict(accelerators=1, replica=1, scenario="offline", input_tokens=128, output_tokens=128, tokens_per_second=1e-3)
    one = ServingSet.model_validate({"id": "s", "source": "x", "tuning": "tuned", "tuning_reason": "r", "rows": [row]})
    assert calibration.serving_split("s", one.rows[0], "h200") == "fit"
    fitted = calibration.fit_serving([one], {"h200": loader.load_accelerator("h200")}, loader.load_scenario(None))
    assert fitted == approx((0.25, 0.5, 0.45, 0.005, 1.0, 0.00011, 0.5, 5e-05), rel=1e-12)


def test_a_training_row_slower_than_any_grid_point_fits_its_level_s_constants_at_their_slow_end() -> None:
    """Kills tco.calibration.x_fit__mutmut_38 and _41 (the (ε, β) grid built from None, or from ε alone), _64 (the
    guard against a prediction of 0 without its value: ``np.where`` of two arguments) and _134 (the attention
    ratio's grid of None points), each an error once the fit has a row: no test file that imports tco.calibration
    fitted a training row.

    The same as the serving fit: ε_typical = 0.20 and β_typical = 700, the ends of their grids, and the attention
    ratio 0.2, the slowest; a tuned level, FP8 or MoE constant no fit row moves keeps its value.

    One typical-stack row in the fit half, 1.7B on 32 A100s, measured at 1 token/s per accelerator."""
    row = dict(
        accelerator="a100-80gb", model="m", parameters=1.7e9, seq_len=2048, accelerator_count=32, precision="fp16", tokens_per_second=1.0
    )
    one = CalibrationSet.model_validate({"id": "u", "source": "x", "tuning": "typical", "tuning_reason": "r", "rows": [row]})
    assert calibration.split_of("u", one.rows[0], "a100-80gb") == "fit"
    fitted = calibration.fit([one], {"a100-80gb": loader.load_accelerator("a100-80gb")}, loader.load_scenario(None))
    shipped = calibration.current_constants()
    assert fitted == approx(shipped | {"efficiency_typical": 0.2, "elementwise_typical": 700.0, "attention_ratio": 0.2}, rel=1e-12)
