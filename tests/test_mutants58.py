"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 150 of their
11,593 mutants, seed 58: ``random.Random(58).sample`` over the sorted names): the ranged flag of an estimated input,
the count at the largest a count may be, the porting weeks among the days no count shortens, the effective cost of
an option that lacks an input in some samples only, the finite-value refusals of the cash flow, and the replica a
changed serving part is carried from.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py, tco/training.py,
tco/analysis/common.py, tco/analysis/sizing.py, tco/analysis/montecarlo.py and tco/analysis/cashflow.py (the
arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tco import analysis, engine, perf
from tco.analysis.cashflow import cashflow
from tco.analysis.common import assumed_values, default_batch
from tco.analysis.montecarlo import simulate
from tco.analysis.sizing import size
from tco.engine import Option
from tco.errors import InputError
from tco.inputs import Inputs
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario, training


def test_an_estimated_input_is_ranged_by_its_estimate() -> None:
    """Kills tco.analysis.common.x_uncertain_and_held__mutmut_242 (the ``ranged`` flag of an input the models assume,
    ``True`` -> ``False``: an estimate's range was reported as the ±20 % default's) and
    tco.analysis.common.x_assumed_values__mutmut_8 (the default batch's scope ``"workload"`` -> ``None``: no option's
    prepared inputs held the assumed batch, so none was found to read it and it was neither swung nor sampled),
    tco.analysis.common.x_assumed_values__mutmut_14 (the batch's label -> ``None``: the tornado's range column said
    "profile" for an estimate no file gives) and tco.analysis.common.x_default_batch__mutmut_5 (``parameters.value is
    None`` -> ``is not None``: a workload with a parameter count got no default batch to swing).

    The toy training workload gives no global batch and the toy part no matmul efficiency; without the toy's MFU
    (``mfu=None``) the layout model derives the speed and reads both: both are assumed, each with a range of its
    own. The default batch is 2M × (N/7B)^(1/3) tokens, at N = 1e9: 2e6 × (1/7)^(1/3) = 2e6 × 0.522758 =
    1.045516e6, ranged ×0.5 to ×2 (5.22758e5 to 2.091032e6); the matmul efficiency 0.80, ranged over the parts
    measured, 0.51 to 0.97. Both are ranged (a range, not the default swing), so a Monte Carlo, which samples
    ranged inputs only, keeps them."""
    prep = analysis.prepare(Inputs([Option(accelerator(mfu=None))], training(), scenario(), []))
    got = {u.path: (u.central, u.low, u.high, u.ranged, u.estimate) for u in analysis.uncertain_inputs(prep, ranged_only=True)}
    batch = 2e6 * (1e9 / 7e9) ** (1 / 3)
    assert [(a.path, a.scope) for a in assumed_values(prep.inputs)] == [
        ("workload.global_batch_tokens", "workload"),
        ("toy.matmul_efficiency", "toy"),
    ]
    assert prep.bases[0]["workload.global_batch_tokens"] == pytest.approx(batch)
    assert set(got) == {"workload.global_batch_tokens", "toy.matmul_efficiency"}
    assert default_batch(prep.inputs.workload) == pytest.approx(batch)
    assert got["workload.global_batch_tokens"] == (
        pytest.approx(batch),
        pytest.approx(batch / 2),
        pytest.approx(2 * batch),
        True,
        "default estimate ×0.5–×2",
    )
    assert got["toy.matmul_efficiency"] == (0.8, 0.51, 0.97, True, "assumed, measured parts 0.51–0.97")


def test_a_count_of_exactly_the_largest_is_a_valid_value() -> None:
    """Kills tco.analysis.common.x_validate_value__mutmut_33 (``value > MAX_ACCELERATORS`` -> ``>=``: a count of
    exactly 1,000,000,000, which ID@COUNT allows, was refused).

    The bound is "at most 1,000,000,000": 1e9 itself passes, 1e9 + 1 does not."""
    prep = analysis.prepare(Inputs([Option(accelerator())], training(), scenario(), []))
    target = analysis.resolve_target(prep, "toy.count")
    assert target.is_count and perf.MAX_ACCELERATORS == 1_000_000_000
    assert analysis.validate_value(prep, target, 1e9) is None
    with pytest.raises(InputError) as exc:
        analysis.validate_value(prep, target, 1e9 + 1)
    assert exc.value.message == "expected a count of at most 1,000,000,000, got 1,000,000,001"


def test_a_deadline_shorter_than_lead_time_deployment_and_porting_is_met_by_no_count() -> None:
    """Kills tco.analysis.sizing.x__fixed_days__mutmut_2 (lead + deployment ``+ porting`` -> ``- porting``: the days no
    count shortens came out 28 days short, and the refusal blamed the counts instead).

    The toy part's lead time is 4 weeks (28 days) and the scenario's deployment 2 weeks (14 days). A part of
    "medium" maturity ports in the scenario's 2 weeks (14 days): 28 + 14 + 14 = 56 days before any training, more
    than a 50-day deadline. The reference-maturity part b ports in 0 weeks: 28 + 14 = 42 days, and one b trains the
    toy job (1.44e8 tokens × 6.12e9 FLOPs, 6·1e9 + attention 6·10 layers·1000·1000·2 = 1.2e8) at MFU 0.5 of
    100 TFLOPS in 1.44e8 × 6.12e9 / 5e13 = 17,625.6 s = 4.896 h = 0.204 days: 42.204 days, within 50."""
    medium = accelerator(software={"stack": "Toy", "maturity": "medium"})
    res = size(Inputs([Option(medium), Option(accelerator(id="b"))], training(), scenario(), []), deadline_days=50)
    toy, b = res.options
    assert not toy.feasible and toy.count is None
    assert toy.message == "no count meets 50 days: lead time, deployment and porting alone take 56.0 days"
    assert (b.count, b.time_to_market_days, b.time_to_converge_hours) == (1, pytest.approx(42.204), pytest.approx(4.896))


def test_an_option_that_lacks_the_cost_of_delay_in_some_samples_has_no_effective_cost_distribution() -> None:
    """Kills tco.analysis.montecarlo.x_simulate__mutmut_301 (``... if lacking[i]`` -> ``... if lacking[i] and False``:
    an option lacking an input reported the percentiles of its finite samples as its effective cost).

    The scenario leaves the cost of delay unknown. toy's MFU is ranged 0.3 to 0.7 around b's 0.5: in a sample where
    toy's MFU is above 0.5 it is the faster, reaches the market first and owes no delay, while b, later, needs the
    cost of delay for its penalty (unknown); below 0.5 the other way round; at exactly 0.5 they are equally fast and
    both costs are known (and equal: the same part). So each option has finite costs in some samples only: those
    that did not need the missing input, not its distribution, and the percentiles are None for both."""
    a = accelerator(mfu={"value": 0.5, "low": 0.3, "high": 0.7})
    inputs = Inputs([Option(a), Option(accelerator(id="b"))], training(), scenario(cost_of_delay_usd_per_day={"value": None}), [])
    prep = analysis.prepare(inputs)
    target = analysis.resolve_target(prep, "toy.mfu")
    batch = analysis.evaluate_many(prep, {"toy.mfu": (target, np.array([0.3, 0.5, 0.7]))}, 3)
    toy_eff, b_eff = (np.asarray(e) for e in batch.effective_cost_usd)
    assert [math.isfinite(v) for v in toy_eff] == [False, True, True]
    assert [math.isfinite(v) for v in b_eff] == [True, True, False]
    assert toy_eff[1] == b_eff[1] == b_eff[0]
    res = simulate(inputs, samples=200, seed=1)
    assert res.sampled_inputs == ["toy.mfu"]
    for o in res.options:
        assert o.missing_inputs == ["scenario.cost_of_delay_usd_per_day"]
        assert (o.effective_cost_usd.p10, o.effective_cost_usd.p50, o.effective_cost_usd.p90) == (None, None, None)
        assert o.win_probability is None and o.infeasible_share is None
        assert o.time_to_market_days.p50 is not None


def test_an_infinite_revenue_is_refused_with_its_flag_and_what_it_must_be() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_3 (the revenue's description "revenue of at least 0" -> "XXrevenue of
    at least 0XX") and tco.analysis.cashflow.x_cashflow__mutmut_18 (the refusal's ``key=flag`` -> ``key=None``: it no longer
    named the flag that gave the value).

    A revenue of inf dollars a day is no finite number: "expected a finite revenue of at least 0 (at most 1.8e308), got
    infinity" (hostile round 108's words), keyed to
    --revenue-usd-per-day; a lease rate of NaN likewise, keyed to --lease-usd-per-month."""
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], training(), scenario(), revenue_per_day=math.inf)
    assert (exc.value.message, exc.value.key) == (
        "expected a finite revenue of at least 0 (at most 1.8e308), got infinity",
        "--revenue-usd-per-day",
    )
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], training(), scenario(), lease_usd_per_month=math.nan)
    assert (exc.value.message, exc.value.key) == ("expected a finite positive lease rate, got NaN", "--lease-usd-per-month")


def test_a_changed_serving_part_at_a_fixed_replica_is_carried_from_the_published_part_at_that_replica() -> None:
    """Kills tco.engine.x__plan_option__mutmut_531 (the part as measured planned with ``option.count`` -> ``None``:
    a changed serving part fixed at a replica of 8 (``ID@8``) was carried from the model's figure for the published
    part at the replica the model chooses, 4, not at 8).

    X(8) = X_bench · X_model(changed, 8) / X_model(as measured, 8): the measured 2,000 tokens/s on the published toy
    (1,000 GB/s), times the model's ratio of the changed toy (2,000 GB/s) to the published one, both at replica 8
    (the model figures read by a second route: compare of each part, derived, at @8). At replica 8 the published
    toy's model figure (418.8 tokens/s an accelerator) is below the one at its own choice of 4 (691.5), so the
    anchor is the replica's own."""
    measured = [bench("toy-serve", 2000)]
    published = accelerator(peak=SERVING_PEAK, benchmarks=measured)
    changed = accelerator(peak=SERVING_PEAK, benchmarks=measured, memory_bandwidth_gbps=2000)

    def tps(option: Option) -> float:
        (row,) = engine.compare(options=[option], workload=inference(), scenario=scenario()).results
        assert row.tokens_per_second_per_accelerator is not None
        return row.tokens_per_second_per_accelerator

    model_published_8 = tps(Option(accelerator(peak=SERVING_PEAK), 8))
    model_changed_8 = tps(Option(accelerator(peak=SERVING_PEAK, memory_bandwidth_gbps=2000), 8))
    assert engine.plan_option(Option(accelerator(peak=SERVING_PEAK)), inference(), scenario()).replica == 4
    assert model_published_8 < tps(Option(accelerator(peak=SERVING_PEAK))) * 0.7
    plan = engine.plan_option(Option(changed, 8, as_measured=published), inference(), scenario())
    assert plan.anchor_tokens_per_second == pytest.approx(model_published_8, rel=1e-12)
    assert tps(Option(changed, 8, as_measured=published)) == pytest.approx(2000 * model_changed_8 / model_published_8, rel=1e-9)
