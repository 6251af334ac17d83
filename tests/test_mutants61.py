"""Tests that kill surviving mutants of the seed-61 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 100 of their 11,883 mutants: ``random.Random(61).sample`` over the sorted names): the
order in which two inputs far above 1 are blamed for an overflow, and the swing of the active parameters of a
mixture of experts whose total is below one parameter, a measured training run at exactly the peak, and the default batch
of a training stage read at another parameter count.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/analysis/common.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import math

import pytest

from tco import engine
from tco.analysis.common import _within_moe_split
from tco.engine import Option, _extreme_input
from tco.errors import InfeasibleError
from tests.factories import accelerator, bench, scenario, training


def test_the_largest_of_two_large_inputs_is_the_likely_cause() -> None:
    """Kills tco.engine.x__extreme_input__mutmut_25 (a large value ranked ``1000 - log10|v|`` instead of
    ``1000 + log10|v|``: the large value nearest 1 was blamed).

    Two inputs above 1e100: 1e150 ranks 1000 + 150 = 1150 and 1e300 ranks 1000 + 300 = 1300, so 1e300, the one
    furthest from 1, is the cause (the mutant ranks them 850 and 700 and blames 1e150). A tiny 1e-250 ranks
    -log10 = 250, below either large one, and 1.2 is within 1e100 of 1 and never ranked."""
    p = {"accel.price_usd": 1e150, "workload.tokens": 1e300, "scenario.pue": 1.2, "scenario.years": 1e-250}
    assert _extreme_input(p) == ("workload.tokens", 1e300)
    assert _extreme_input({**p, "workload.tokens": 1e120}) == ("accel.price_usd", 1e150)


def test_a_swing_of_the_active_parameters_stays_below_a_total_under_one() -> None:
    """Kills tco.analysis.common.x__within_moe_split__mutmut_49 (the bound just below the total,
    ``nextafter(total, 0.0)`` -> ``nextafter(total, 1.0)``: for a total below 1 the step towards 1 goes up, past
    the total).

    A valid workload of 0.5 parameters, 0.2 of them active, with k = 2 of E = 8 experts per token: share = 2/8 =
    0.25, so a swing [0.01, 10] of the active parameters is held to [max(0.01, 0.25 x 0.5), min(10, the float just
    below 0.5)] = [0.125, nextafter(0.5, 0)]: with 6 of the 8 experts idle the active count stays below the total
    (the mutant's upper end is the float just above 0.5)."""
    w = training(parameters=0.5, active_parameters=0.2, experts=8, experts_per_token=2)
    low, high = _within_moe_split(w, "workload.active_parameters", 0.01, 10.0)
    assert low == 0.125
    assert high == math.nextafter(0.5, 0.0)
    assert high < 0.5


def test_a_measured_run_at_exactly_the_peak_stands() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_76 (the refusal of a measured run above the peak,
    ``run_mfu > 1.0`` -> ``run_mfu >= 1.0``: a run at MFU exactly 1, which the part can compute, was refused).

    The toy job costs 6·N + 12·L·d·S = 6 × 1e9 + 12 × 10 × 1000 × 1000 = 6.12e9 FLOPs per token; on a part of
    61.2 TFLOPS peak, 10,000 tokens/s per accelerator is 10,000 × 6.12e9 / 61.2e12 = MFU 1 exactly. Measured on
    the job's own 4 accelerators (one node of the toy's 4), the run stands as it is: 10,000 tokens/s at MFU 1.
    The next float above 10,000 tokens/s is past the peak and refused."""
    w, s = training(), scenario()
    peak = {"bf16_tflops": 61.2, "fp16_tflops": 61.2}
    ev = engine.evaluate_option(Option(accelerator(peak=peak, benchmarks=[bench("toy-train", 10000.0)])), w, s)
    assert ev.out["measured_run_mfu"] == 1.0 and ev.out["mfu"] == 1.0
    assert ev.out["tokens_per_second_per_accelerator"] == 10000.0
    above = accelerator(peak=peak, benchmarks=[bench("toy-train", math.nextafter(10000.0, math.inf))])
    with pytest.raises(InfeasibleError) as exc:
        engine.evaluate_option(Option(above), w, s)
    assert exc.value.key == "benchmarks[toy-train].tokens_per_second"


def test_the_default_batch_grows_with_the_cube_root_of_the_parameter_count() -> None:
    """Kills tco.engine.x_default_batch__mutmut_6 (``batch * (N / N_planned)^(1/3)`` -> ``batch / ...``: a sweep or
    swing of workload.parameters ran a larger model at a smaller batch).

    The toy job gives no batch: its plan, made at N = 1e9, takes the default 2e6 × (1e9 / 7e9)^(1/3) tokens. Read at
    8 times the count (8e9 parameters) it grows by 8^(1/3) = 2, to 2e6 × (8e9 / 7e9)^(1/3), the default's own law at
    8e9; a value an analysis puts in the default's key (3e6 tokens) doubles the same way, to 6e6 (the mutant halves
    both)."""
    plan = engine.plan_option(Option(accelerator()), training(), scenario())
    st = plan.stages[0]
    assert st.batch_parameters == 1e9
    assert st.batch_default == pytest.approx(2e6 * (1e9 / 7e9) ** (1 / 3), rel=1e-12)
    at_8e9 = engine.default_batch(st, {"workload.parameters": 8e9})
    assert at_8e9 == pytest.approx(2 * st.batch_default, rel=1e-12)
    assert at_8e9 == pytest.approx(2e6 * (8e9 / 7e9) ** (1 / 3), rel=1e-12)
    assert engine.default_batch(st, {"workload.parameters": 8e9, engine.DEFAULT_BATCH_KEY: 3e6}) == pytest.approx(6e6)
    assert engine.default_batch(st, {"workload.parameters": 1e9, engine.DEFAULT_BATCH_KEY: 3e6}) == 3e6
