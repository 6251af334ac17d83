"""Tests that kill surviving mutants of the seed-65 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 11,881 mutants: ``random.Random(65).sample`` over the sorted names): a cost that
overflows with no single input far from 1 is blamed on the accelerator's file.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py (the arithmetic is
in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

from tco import engine
from tco.engine import Option
from tco.errors import InfeasibleError
from tests.factories import accelerator, scenario, training


def test_a_cost_that_overflows_with_no_input_far_from_one_names_the_accelerator() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_263 (the refusal raised with ``where=None``: it named no file).

    The toy (MFU 0.5, 4 per node) at a price of 1e99 USD with a server overhead factor of 1e99, its peak lowered to
    1e-30 TFLOPS (1e-18 FLOP/s), trains the toy run lengthened to 1e99 tokens on its 4 accelerators:
    - FLOPs per token: 6 × 1e9 parameters + 12 × 10 layers × 1000 width × 1000 tokens = 6.12e9;
    - tokens/s per accelerator: 1e-18 × 0.5 / 6.12e9 ≈ 8.2e-29; on 4, ≈ 3.3e-28 tokens/s;
    - run: 1e99 / 3.3e-28 ≈ 3.1e126 s ≈ 8.5e122 hours ≈ 9.7e118 years;
    - purchase: 4 × 1e99 × 1e99 = 4e198 USD, charged at 1/4 a year (zero cost of capital, 4-year life) and ÷ the
      utilization 0.5: 2e198 USD a year of the run, × 9.7e118 years ≈ 1.9e317 USD, past the largest float
      (about 1.8e308): the job cost is infinite while no input is missing.
    No input is 1e100 or more, nor 1e-100 or less (the furthest are 1e99 and 1e-30), so none is blamed
    (``_extreme_input`` gives None): the refusal names the accelerator's file, "toy", with no key."""
    toy = accelerator(price_usd=1e99, server_overhead_factor=1e99, peak={"bf16_tflops": 1e-30})
    run = training(training_tokens=1e99)
    assert engine._extreme_input(engine.numeric_inputs(Option(toy), run, scenario())) is None
    with pytest.raises(InfeasibleError) as caught:
        engine.evaluate_option(Option(toy), run, scenario())
    assert caught.value.message == "the inputs give no finite cost for toy"
    assert (caught.value.where, caught.value.key) == ("toy", None)
    assert str(caught.value) == "toy: the inputs give no finite cost for toy"


def test_the_same_run_a_little_cheaper_is_finite() -> None:
    """The counterpart: at a peak of 1e-10 TFLOPS (1e20 times faster) the run takes 8.5e102 hours, 9.7e98 years,
    and costs about 2e198 × 9.7e98 ≈ 1.9e297 USD: finite, so nothing is refused, and the figure is the capital's
    (energy, facility and operations are near 1e103 USD, too small to show)."""
    toy = accelerator(price_usd=1e99, server_overhead_factor=1e99, peak={"bf16_tflops": 1e-10})
    ev = engine.evaluate_option(Option(toy), training(training_tokens=1e99), scenario())
    assert ev.missing == ()
    hours = 1e99 / (4 * 1e2 * 0.5 / 6.12e9) / 3600  # 8.5e102
    assert ev.out["time_to_converge_hours"] == pytest.approx(hours, rel=1e-9)
    years = hours / (365.25 * 24)
    assert ev.out["job_cost_usd"] == pytest.approx(4e198 / 4 / 0.5 * years, rel=1e-6)
