"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 150 of their
11,755 mutants, seed 59: ``random.Random(59).sample`` over the sorted names): the count a replan of ID.count plans
at, the bounded sampling of an assumed matmul fraction, the least purchase a capex refusal names, the inputs a
fixed layout's refusal blames, and a deadline the days no count shortens equal exactly.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py,
tco/analysis/common.py, tco/analysis/montecarlo.py and tco/analysis/sizing.py (the arithmetic is in each test).
The toy parts are tests.factories'."""

from __future__ import annotations

import numpy as np
import pytest

from tco import analysis, engine
from tco.analysis.common import moves_plan
from tco.analysis.montecarlo import sample_input
from tco.analysis.sizing import size
from tco.engine import Option
from tco.errors import InfeasibleError
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training


def test_a_count_moves_the_training_plan() -> None:
    """Kills tco.analysis.common.x__plan_with__mutmut_15 (``count = int(value)`` -> ``count = None``: a value of
    ID.count was planned at the option's own count, so the plan never moved with it).

    The toy training workload runs on 4 accelerators (workload.accelerator_count); the central plan lays them out
    as data parallel 4, labelled "toy". At a count of 8 the plan is the option at @8: labelled "toy@8", laid out
    as data parallel 8 (TP 1 × PP 1 × DP 8 = 8): not the central plan, so the count moves the plan. The mutant
    planned the option without a count (the central plan again) and found nothing moved."""
    prep = analysis.prepare(Inputs([Option(accelerator())], training(), scenario(), []))
    target = analysis.resolve_target(prep, "toy.count")
    assert target.is_count and prep.plans[0].label == "toy"
    assert prep.plans[0].layout["data_parallel"] == 4
    assert moves_plan(prep, 0, target, np.array([4.0, 8.0])) is True
    assert ("toy@8", 8) in {(p.label, p.layout["data_parallel"]) for p in prep.replans.values() if p is not None}


def test_an_assumed_matmul_fraction_is_sampled_as_a_fraction() -> None:
    """Kills tco.analysis.common.x_uncertain_and_held__mutmut_232 (an assumed value's ``bounded`` -> ``None``: the
    assumed matmul fraction was drawn from a lognormal, past 1, instead of a normal clipped to (0, 1]).

    A part without a matmul efficiency is assumed at 0.80, ranged over the parts measured, 0.51 to 0.97 (0.99
    before round 104): a fraction. Sampled as one: a normal around 0.80 with the 90 % interval's width, sd =
    (0.97 − 0.51) / (2 × 1.6449) = 0.46 / 3.2897 = 0.13983, clipped to [1e-3, 1]. No draw exceeds 1; the median
    stays 0.80 (the clip moves only the tail); P(x > 1) = P(z > 0.2 / 0.13983 = 1.4303) = 0.0763 of the draws sit
    at exactly 1. A lognormal with the same 90 % interval has its median at sqrt(0.51 × 0.97) = 0.7033 and draws
    above 1."""
    prep = analysis.prepare(Inputs([Option(accelerator(mfu=None))], training(), scenario(), []))
    got = {u.path: u for u in analysis.uncertain_inputs(prep, ranged_only=True)}
    u = got["toy.matmul_efficiency"]
    assert (u.central, u.low, u.high, u.bounded) == (0.8, 0.51, 0.97, True)
    draws = sample_input(u, np.random.default_rng(0), 20000)
    assert draws.max() == 1.0
    assert float(np.median(draws)) == pytest.approx(0.8, abs=0.01)
    assert float((draws == 1.0).mean()) == pytest.approx(0.0763, abs=0.01)


def test_a_purchase_budget_refusal_names_the_least_purchase_with_digit_grouping() -> None:
    """Kills tco.analysis.sizing.x__least__mutmut_57 (``text in (limit texts)`` -> ``text not in``: every least value
    was written as its repr, "$20000.0", not "$20,000").

    One toy costs its price × the part's server overhead factor: 10,000 × 2.0 = $20,000 (no network, no storage),
    so a $100 purchase budget holds no count; the least purchase, at 1, is $20,000, shown grouped, with no digits
    after the point: it neither reads as the limit ("$100") nor is at most 100, so the repr is not needed."""
    with pytest.raises(InfeasibleError) as exc:
        size(Inputs([Option(accelerator())], training(), scenario(), []), capex_usd=100)
    assert exc.value.message == ("toy: even the minimum count that fits in memory (1) exceeds $100; the least purchase, at 1, is $20,000")


def test_a_layout_wider_than_the_options_own_count_blames_the_option_not_the_workloads_count() -> None:
    """Kills tco.engine.x__plan_option__mutmut_367 (``also=() if option.count is not None else (...)`` -> ``... and
    False``: a count the option gives, toy@4, was refused as if the workload's accelerator_count set it, so a
    --set of workload.accelerator_count was blamed for a count it does not decide).

    workload.layout fixes pipeline 5 (the toy's 10 layers split 2 per stage): 5 accelerators at least, more than 4.
    With toy@4 the count is the option's: the refusal names the layout only (also = ()). Without @N the count is
    the workload's accelerator_count (4): the refusal blames it too."""
    job = training(layout={"pipeline_parallel": 5})
    msg = "the layout (pipeline 5) needs 5 accelerators, more than 4 × toy"
    with pytest.raises(InfeasibleError) as given:
        engine.plan_option(Option(accelerator(), count=4), job, scenario())
    assert (given.value.message, given.value.where, given.value.key, given.value.also) == (msg, "toy-train", "layout", ())
    with pytest.raises(InfeasibleError) as workload_count:
        engine.plan_option(Option(accelerator()), job, scenario())
    assert workload_count.value.also == ("workload.accelerator_count",)
    assert workload_count.value.message == msg


def test_a_deadline_equal_to_the_fixed_days_is_met_where_the_run_rounds_away() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_98 (in sizing's early stop, ``_fixed_days(o) > limit`` -> ``>=``),
    and checks the fix of the bug that mutant revealed: the search stopped after counts 1-64 once lead time,
    deployment and porting alone *equalled* the deadline, and refused ("no count meets 42 days") a deadline that
    compare says toy@80 meets (delay 0). The docstring's rule is "alone exceeds the deadline".

    Lead time 4 weeks (28 days) + deployment 2 weeks (14) + porting 0 (reference maturity) = 42 days, the deadline.
    A job of 2e-4 tokens is 2e-4 × 6.12e9 = 1.224e6 FLOPs (6·1e9 + attention 6·10·1000·1000·2 = 1.2e8 per token);
    at MFU 0.5 of 100 TFLOPS one toy takes 1.224e6 / 5e13 = 2.448e-8 s, n toys 2.448e-8 / n s = 2.8333e-13 / n
    days. 42 lies in [32, 64), where a float's spacing is 2^-47 = 7.105e-15: 42 + x rounds to 42 for x at most
    half of it, 3.553e-15, so for n >= 2.8333e-13 / 3.553e-15 = 79.75, the least such count is 80 (at 79,
    3.5865e-15 rounds up to 42 + 7.105e-15). Counts 1-64 all arrive after day 42; count 80, in the octave
    65-128, arrives on day 42.0 exactly: it meets the deadline, and so does compare's toy@80."""
    job = training(training_tokens=2e-4)
    res = size(Inputs([Option(accelerator())], job, scenario(), []), deadline_days=42)
    (toy,) = res.options
    assert (toy.feasible, toy.count, toy.time_to_market_days) == (True, 80, 42.0)
    late, on_time = (
        engine.compare(options=[Option(accelerator(), count=n)], workload=job, scenario=scenario(deadline_days=42)).results[0]
        for n in (79, 80)
    )
    assert late.time_to_market_days == 42 + 2.0**-47 and on_time.time_to_market_days == 42.0
    assert (late.delay_days, on_time.delay_days) == (2.0**-47, 0.0)
