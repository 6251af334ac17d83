"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 150 of their
11,557 mutants, seed 55: ``random.Random(55).sample`` over the sorted names): a plan remembered for a changed part
(``as_measured``), a published serving run carried from the job as published (``workload_as_measured``), the
stages a widened shortlist leaves as they were, a cash flow's overflow blamed on the scenario's input, a budget
that the largest count searched meets on a part whose throughput is derived, the order of the partial values of
information, and a break-even whose only crossing lies between an option's feasibility edge and the next scan point.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py,
tco/analysis/cashflow.py, tco/analysis/sizing.py, tco/analysis/montecarlo.py and tco/analysis/breakeven.py (the
arithmetic is in each test), or read by a second route through the program. The toy parts are tests.factories':
the toy accelerator (100 TFLOP/s BF16, 100 GB, 1000 GB/s, 4 per node, $10,000, server overhead 2.0), the toy
training run (1e9 parameters, 10 layers of width 1000, 1000-token sequences, 4 accelerators) and the toy service
(1e11 parameters, 10 layers of width 1000, 1000-token sequences)."""

from __future__ import annotations

import numpy as np
import pytest

from tco import engine
from tco.analysis.breakeven import breakeven
from tco.analysis.cashflow import cashflow
from tco.analysis.montecarlo import partial_values
from tco.analysis.sizing import MAX_COUNT, size
from tco.engine import Option
from tco.errors import InputError
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario, training

approx = pytest.approx


# --------------------------------------------------------------------------- plan_option: the memo of a changed part


def test_a_changed_part_planned_twice_is_remembered() -> None:
    """Kills tco.engine.x_plan_option__mutmut_26 (the memo's hit checked ``hit[4][1] is option.as_measured``, the
    workload as measured in place of the part as measured: an option carrying the part as published was never
    found in the memo and was planned anew on every call).

    plan_option remembers a plan per input objects, the part as measured among them: the same option objects
    planned twice give the same plan object, equal to a fresh planning."""
    published = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)])
    changed = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)], memory_gb=50)
    wl, sc = inference(), scenario()
    first = engine.plan_option(Option(changed, as_measured=published), wl, sc)
    assert engine.plan_option(Option(changed, as_measured=published), wl, sc) is first
    assert first == engine._plan_option(Option(changed, as_measured=published), wl, sc)


# --------------------------------------------------------------------------- _plan_option: a run carried from the job as published


def test_a_measured_serving_run_is_carried_from_the_service_as_published() -> None:
    """Kills tco.engine.x__plan_option__mutmut_541 (``option.workload_as_measured or workload`` -> ``and``: the
    model's figure on the job as published read the changed job's inputs, 8e10 parameters, with the published
    job's replica and request).

    A toy of 1,000 TFLOPS measured at 2,000 tokens/s per accelerator on toy-serve (1e11 parameters); the service
    changed to 8e10 parameters. The run is carried by the serving model's ratio, X_run · X_model(changed) /
    X_model(as published): the model alone (no measurement) gives both figures, on a replica of 2 for the changed
    service and of 4 for the published one. The anchor, the model's figure on the job as published, is the one
    the unchanged service is anchored on."""

    def row(acc, wl, as_published=None):  # type: ignore[no-untyped-def]
        r = engine.compare(options=[Option(acc, workload_as_measured=as_published)], workload=wl, scenario=scenario()).results[0]
        assert r.tokens_per_second_per_accelerator is not None
        return r.replica_accelerators, r.tokens_per_second_per_accelerator

    published, changed = inference(), inference(parameters=8e10)
    measured, model = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)]), accelerator(peak=SERVING_PEAK)
    (replica_changed, x_changed), (replica_published, x_published) = row(model, changed), row(model, published)
    assert (replica_changed, replica_published) == (2, 4)
    assert x_changed > 1.2 * x_published  # a smaller model is served faster: the ratio is no 1
    assert row(measured, published) == (4, 2000)
    assert row(measured, changed, published) == (2, approx(2000 * x_changed / x_published, rel=1e-9))
    carried = engine.plan_option(Option(measured, workload_as_measured=published), changed, scenario())
    as_published = engine.plan_option(Option(measured), published, scenario())
    assert carried.anchor_tokens_per_second == approx(as_published.anchor_tokens_per_second, rel=1e-12)


# --------------------------------------------------------------------------- widen_shortlist: stages that read another batch


def test_widening_a_batch_leaves_a_stage_with_its_own_batch_as_it_was() -> None:
    """Kills tco.engine.x_widen_shortlist__mutmut_13 (a stage the widened batch is not read by was replaced by None).

    The main stage reads workload.global_batch_tokens (1e6); the stage ``long-context`` gives its own batch (2e6),
    under its own key. Widening the shortlist over the workload's batch at 1e5, 1e6 and 1e7 makes the main stage's
    shortlist the union of those three (held at any batch: ``subset_batch`` None, and at least the nominal one's
    layouts) and leaves the other stage the very object it was."""
    wl = training(global_batch_tokens=1e6, stages=[{"name": "long-context", "tokens": 1e7, "global_batch_tokens": 2e6}])
    option = Option(accelerator(mfu=None))
    plan = engine.plan_option(option, wl, scenario())
    main, extra = plan.stages
    assert (main.batch_key, extra.batch_key) == ("workload.global_batch_tokens", "workload.stages[long-context].global_batch_tokens")
    widened = engine.widen_shortlist(plan, engine.numeric_inputs(option, wl, scenario()), engine.DEFAULT_BATCH_KEY, (1e5, 1e6, 1e7))
    assert len(widened.stages) == 2
    assert widened.stages[1] is extra
    assert widened.stages[0].subset_batch is None and main.subset_batch == 1e6
    assert main.subset is not None and widened.stages[0].subset is not None
    assert set(main.subset) <= set(widened.stages[0].subset)


# --------------------------------------------------------------------------- cashflow: an overflow blamed on the scenario


def test_a_cash_flow_whose_delay_penalty_overflows_blames_the_scenarios_cost_of_delay() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_121 (the overflow's reason was recomputed without the scenario:
    its input furthest from 1 was then the workload's, so the reason no longer matched compare's and the error
    blamed the option, not the input).

    Bought, the toy reaches the market after 28 days of lead time and 14 of deployment, 42 days; rented (no lead
    time, 7 days of set-up), after 7. The bought one's delay penalty, 35 days × 1e308 $/day, overflows: compare
    names the cost of delay, the scenario's input furthest from 1, and the cash flow blames that input."""
    acc = accelerator(rental={"usd_per_hour": 2.0})
    options = [Option(acc), Option(acc, acquisition=Acquisition.rent)]
    with pytest.raises(InputError) as exc:
        cashflow(options, training(), scenario(cost_of_delay_usd_per_day=1e308))
    assert exc.value.message == (
        "toy cannot be put in a cash flow: its effective cost overflows a float (above 1.8e308 USD): cost_of_delay_usd_per_day = 1e+308"
    )
    assert (exc.value.where, exc.value.key) == ("scenario", "cost_of_delay_usd_per_day")


# --------------------------------------------------------------------------- size: a budget the largest count meets


def test_a_budget_the_largest_count_meets_on_a_derived_throughput_stops_there() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_368 (the budget's window moved on while ``hi <= MAX_COUNT``: at the
    largest count it moved to the empty window 131,073 .. 131,072, whose evaluation of every layout fails).

    The toy has no MFU of its own: its throughput is derived from the layouts, which the exact search re-evaluates.
    A $1,000,000 budget admits every count: the largest searched, 131,072 = 2^17, with its note, and the purchase
    note, since buying them costs 131,072 × $10,000 × 2.0 (the toy's server overhead) = $2,621,440,000 up front."""
    res = size(Inputs([Option(accelerator(mfu=None))], training(), scenario()), budget_usd=1e6)
    (o,) = res.options
    assert MAX_COUNT == 131_072
    assert o.count == 131_072 and o.feasible
    assert o.capex_usd == approx(131_072 * 10_000 * 2.0, rel=1e-12)
    assert o.job_cost_usd is not None and o.job_cost_usd <= 1e6
    assert o.message == (
        "131,072 × toy meets budget_usd = $1,000,000 (the largest count searched, 131,072: more may fit) "
        "(the job's cost; buying them costs $2,621,440,000 up front)"
    )


# --------------------------------------------------------------------------- partial_values: largest first


def test_partial_values_are_listed_largest_first() -> None:
    """Kills tco.analysis.montecarlo.x_partial_values__mutmut_106 (sorted by name, not by value).

    Eight samples of two options: option 0 costs 10 always; option 1 costs 14 where the input ``b`` is 1 or 2 and
    4 where it is 3 or 4 (mean 9: option 1 is ``best``). ``b`` = 1, 1, 2, 2, 3, 3, 4, 4, so each half (alternate
    samples) holds 1, 2, 3, 4; with 2 bins the edge is the median 2.5: option 0 is chosen below it (10 < 14) and
    option 1 above (4 < 10). On the other half the choice costs (10 + 10 + 4 + 4) / 4 = 7 against option 1's 9:
    it saves 2 each way, EVPPI(b) = 2. The input ``a`` is 1 on the even samples and 2 on the odd: each half holds a
    single value, the other half's value falls in a bin that half never fitted, where the choice is ``best``:
    EVPPI(a) = 0. The larger value comes first, though ``a`` sorts before ``b``."""
    b = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0])
    a = np.array([1.0, 2.0] * 4)
    costs = np.vstack([np.full(8, 10.0), np.where(b <= 2, 14.0, 4.0)])
    out = partial_values(costs, 1, {"a": a, "b": b}, bins=2)
    assert list(out) == ["b", "a"]
    assert out["b"] == approx(2.0, rel=1e-12) and out["a"] == 0.0


# --------------------------------------------------------------------------- breakeven: a crossing beyond where a cost is known


def test_a_crossing_between_where_a_cost_becomes_known_and_the_next_scan_point_is_found() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_365 (the bracket from the first value where the difference
    is known up to the next scan point lost its upper end: the bisection there failed).

    toy against toy2, the same part at $10,100, with a day of delay at $1e12, over toy's MFU in [1e-300, 1]. Both
    parts are identical but for the price, so their times to market are equal at toy's MFU = toy2's 0.5: below it
    toy is later and pays the penalty, above it toy2 does (its $100 dearer purchase is worth a few nanoseconds of
    delay at $1e12 a day), and the winner swaps at 0.5. At 1e-300 toy's run takes 1e300 times as long as at MFU 1,
    about 2e298 days more than toy2's: its penalty, above 1e310 USD, overflows, and the difference is unknown there.
    A scan of two points (1e-300, 1) leaves a single step from there to MFU 1, where toy wins: the value where the
    cost becomes known is bisected, and between it and 1 the difference changes sign. The tie found there is the
    one the default fine scan finds, 0.5, with toy2 below it and toy above."""
    inputs = Inputs(
        [Option(accelerator()), Option(accelerator(id="toy2", price_usd=10_100))], training(), scenario(cost_of_delay_usd_per_day=1e12)
    )
    coarse = breakeven(inputs, "toy", "toy2", param="toy.mfu", value_range=(1e-300, 1), grid=2)
    fine = breakeven(inputs, "toy", "toy2", param="toy.mfu", value_range=(1e-300, 1))
    for r in (coarse, fine):
        assert len(r.all_values) == 1 and r.value == approx(0.5, rel=1e-9)
        assert (r.winner_below, r.winner_above) == ("toy2", "toy")
        assert "below it toy2 wins, above it toy wins" in r.message
    assert coarse.message.endswith("; toy is feasible for toy.mfu above 1e-300")
