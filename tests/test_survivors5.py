"""Behaviour a fifth uniform sample of mutants showed untested (mutmut 3.8.1, 250 of the 3,466 mutants of
``tco/analysis/``, seed 20261201, 2026-12-01): the edges of the break-even scan (a tie on the last
scanned value, a tie that starts inside the range, the scan's resolution), the inputs an option lacks
when its plan is re-made, whole-number inputs that have no value yet, sizing at count 1 and at the
largest count, the figures at a sized count, and the window walk of a budget. Expected values come from
the formulas or from a second route through the program (``what_if``, ``evaluate_option``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from tco import analysis, engine
from tco.analysis import sizing, sweep
from tco.analysis.breakeven import scan_grid
from tco.engine import Option
from tco.errors import InfeasibleError, InputError, MissingInputError
from tco.inputs import Inputs
from tests.factories import accelerator, bench, scenario, training

approx = pytest.approx
DERIVED = accelerator(mfu=None)  # no benchmark, no measured MFU: the layout model runs
FAST_BENCH = accelerator(benchmarks=[bench("toy-train", 1000)])


def toy(*options: Option, workload: object = None, **sc: object) -> Inputs:
    return Inputs(list(options), workload or training(), scenario(**sc), [])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- break-even


def test_bisection_returns_the_root_not_the_first_midpoint() -> None:
    """f(x) = x − 4 on [1, 9] (within three decades: halved arithmetically): the first midpoint is 5, where
    f = 1 (not a root); bisection goes on to 4. A midpoint that is an exact root ends it at once:
    f(x) = x − 5 takes one evaluation."""
    from tco.analysis.breakeven import _bisect

    assert _bisect(lambda x: x - 4.0, 1.0, 9.0, -3.0) == approx(4.0, abs=1e-9)
    calls = 0

    def f(x: np.ndarray) -> np.ndarray:
        nonlocal calls
        calls += 1
        return x - 5.0

    assert _bisect(f, 1.0, 9.0, -4.0) == 5.0 and calls == 1


def test_a_tie_on_the_last_scanned_value_is_reported() -> None:
    """Two identical parts, the first one's price varied from 5,000 to its twin's 10,000 on a grid of three
    (5,000, 7,500, 10,000): the costs differ at the first two and are equal at the last, which is the tie."""
    twin = accelerator(id="twin")
    inputs = toy(Option(accelerator()), Option(twin))
    be = analysis.breakeven(inputs, "toy", "twin", param="toy.price_usd", value_range=(5000.0, 10000.0), grid=3)
    assert be.value == 10000.0 and be.all_values == [10000.0]
    assert be.winner_below == "toy" and be.winner_above is None


def _deadline_pair() -> tuple[Inputs, float]:
    """Identical parts but for the lead time (4 and 8 weeks): with a deadline, both cost the same once
    the later one makes it; before that the later one pays $1,000 a day more. Returns its time to market."""
    late = accelerator(id="late", lead_time_weeks=8)
    inputs = toy(Option(accelerator()), Option(late), deadline_days={"value": 1000})
    ttm = analysis.what_if(inputs, {"scenario.deadline_days": [1000.0]}).options[1].time_to_market_days[0]
    assert ttm is not None and ttm > 56
    return inputs, ttm


def test_costs_that_meet_inside_the_range_and_stay_equal_tie_once() -> None:
    """Deadline scanned at 1, 100, 199 days (grid 3): the later part is late at 1 day (its costs differ
    by $1,000 × 28 days), on time at 100 and 199. The tie is at the first equal value, 100, once: the
    equal last value continues the tie, it is not a second crossing."""
    inputs, ttm = _deadline_pair()
    assert ttm < 100
    be = analysis.breakeven(inputs, "toy", "late", param="scenario.deadline_days", value_range=(1.0, 199.0), grid=3)
    assert be.value == 100.0 and be.all_values == [100.0]
    assert "swap places" not in be.message


def test_a_break_even_scans_2049_points_when_the_input_moves_no_plan() -> None:
    """The deadline changes no layout or batch: the full grid of 2,049 points over [1, 2049] (over three
    decades: spaced evenly in the logarithm, a step of 0.26 day near 70) is scanned, so the tie is the
    first scan point on or after the later part's time to market (a 65-point grid, for inputs that
    re-plan, would step 12 % of the value)."""
    inputs, ttm = _deadline_pair()
    be = analysis.breakeven(inputs, "toy", "late", param="scenario.deadline_days", value_range=(1.0, 2049.0))
    xs = scan_grid(1.0, 2049.0, 2049, False)
    assert be.value == float(xs[xs >= ttm][0]) and ttm <= be.value < ttm + 0.27
    assert be.winner_below == "toy" and be.winner_above is None


def test_a_range_that_is_not_numbers_is_refused_naming_the_range() -> None:
    with pytest.raises(InputError) as info:
        analysis.breakeven(toy(Option(FAST_BENCH), Option(accelerator(id="cheap"))), "toy", "cheap", value_range=("x", 1.0))  # type: ignore[arg-type]
    assert str(info.value) == "--range: expected two numbers (low, high), got ('x', 1.0)"


def test_a_break_even_names_the_inputs_an_option_lacks() -> None:
    """A part measured at 8 accelerators and with no published peak: over the count, its cost is known at
    8 only (elsewhere the measurement is carried by the model, which needs the peak). The result says so."""
    measured = accelerator(peak={"bf16_tflops": None, "fp16_tflops": None}, benchmarks=[bench("toy-train", 1000, accelerator_count=8)])
    other = accelerator(id="other", benchmarks=[bench("toy-train", 500)])
    inputs = toy(Option(measured), Option(other), workload=training(accelerator_count=8))
    be = analysis.breakeven(inputs, "toy", "other", param="count", value_range=(4, 16))
    assert be.missing_inputs == {"toy": ["toy.peak.bf16_tflops"]}
    assert be.value is None and "toy needs toy.peak.bf16_tflops" in be.message


# --------------------------------------------------------------------------- inputs by path


def test_an_input_a_replanned_option_lacks_is_named() -> None:
    """The sequence length moves the derived layout, so each value is planned anew; the part's lead time
    is unknown: the batch names it by its --set path, and a break-even says how to give it."""
    nolead = accelerator(mfu=None, lead_time_weeks={"source": "unknown"})
    inputs = toy(Option(nolead), Option(accelerator(id="other", mfu=None)))
    prep = analysis.prepare(inputs)
    target = analysis.resolve_target(prep, "workload.seq_len")
    batch = analysis.evaluate_many(prep, {"workload.seq_len": (target, np.array([500.0, 1000.0, 4000.0]))}, 3, replan=True)
    assert analysis.missing_by_option(prep, batch) == {"toy": ["toy.lead_time_weeks"]}
    with pytest.raises(MissingInputError) as info:
        analysis.breakeven(inputs, "toy", "other", param="workload.seq_len", value_range=(500, 4000), grid=3)
    assert str(info.value) == "toy: needs toy.lead_time_weeks, which is unknown; give it with --set toy.lead_time_weeks=VALUE"


def test_a_whole_number_field_without_a_value_is_whole() -> None:
    """A layout degree the workload leaves to the search has no value yet, but its type is a whole number."""
    prep = analysis.prepare(toy(Option(DERIVED)))
    target = analysis.resolve_target(prep, "workload.layout.pipeline_parallel")
    assert target.is_integer and target.central is None
    with pytest.raises(InputError) as info:
        analysis.validate_value(prep, target, 2.5)
    assert str(info.value) == "workload.layout.pipeline_parallel: expected a whole number, got 2.5"


def test_a_workload_input_carries_its_range() -> None:
    """The workload's parameter count with a low/high: a break-even's default range is that low/high, and a
    workload field that is not a number is refused."""
    prep = analysis.prepare(toy(Option(DERIVED), workload=training(parameters={"value": 1e9, "low": 5e8, "high": 2e9})))
    target = analysis.resolve_target(prep, "workload.parameters")
    assert target.quantity is not None and (target.quantity.low, target.quantity.high) == (5e8, 2e9)
    assert analysis.default_range(target) == (5e8, 2e9)
    with pytest.raises(InputError) as info:
        analysis.resolve_target(prep, "workload.precision")
    assert str(info.value) == "workload.precision: is not a numeric input"


def test_a_missing_stage_is_named_with_the_caller() -> None:
    with pytest.raises(InputError) as info:
        analysis.what_if(toy(Option(accelerator())), {"workload.stages[nope].seq_len": [2048]})
    assert str(info.value) == "what_if: workload.stages[nope].seq_len: no stages entry for 'nope' (this input has no stages)"


# --------------------------------------------------------------------------- sensitivity and simulation


def test_a_swing_that_leaves_an_option_without_a_cost_has_no_difference_row() -> None:
    """The cost of delay up to 1e308 $/day: the later part's effective cost overflows at the high end (no
    figure: compare cannot rank it there), so that input has no cost difference to show against --vs. It
    is kept, with no difference; it flips nothing (the faster part wins at the central values and there);
    the rest keep their differences."""
    late = accelerator(id="late", lead_time_weeks=40, benchmarks=[bench("toy-train", 1000)])
    inputs = toy(Option(FAST_BENCH), Option(late), cost_of_delay_usd_per_day={"value": 1000, "low": 500, "high": 1e308})
    res = analysis.sensitivity(inputs, vs=("toy", "late"))
    delay = next(r for r in res.rows if r.param == "scenario.cost_of_delay_usd_per_day")
    assert delay.flips_decision is False and delay.difference_swing_usd is None
    rest = [r for r in res.rows if r is not delay]
    assert "late.lead_time_weeks" in [r.param for r in rest]
    assert all(r.difference_swing_usd is not None and math.isfinite(r.difference_swing_usd) for r in rest)


def test_a_simulation_whose_means_overflow_warns_nothing() -> None:
    """Both parts miss a one-day deadline and pay about 1e305 $/day for some 40 days: 100 samples of ~4e306
    overflow each mean. The EVPI (∞ − ∞) is unknown, quietly: no RuntimeWarning reaches the user."""
    inputs = toy(
        Option(FAST_BENCH),
        Option(accelerator(id="late", lead_time_weeks=8, benchmarks=[bench("toy-train", 1000)])),
        deadline_days={"value": 1},
        cost_of_delay_usd_per_day={"value": 1e305, "low": 5e304, "high": 2e305},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = analysis.simulate(inputs, samples=100, seed=1)
    assert res.expected_value_of_perfect_information_usd is None and res.best_expected_option is None
    assert res.options[0].effective_cost_usd.p50 is not None and res.options[0].effective_cost_usd.p50 > 1e306


# --------------------------------------------------------------------------- sweeps


def test_the_sweep_replan_limit_names_the_axis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked before the first row: the error names the varied path as its key."""
    import tco

    monkeypatch.setattr(sweep, "MAX_REPLANS", 3)
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    with pytest.raises(InputError) as info:
        analysis.iter_sweep(inputs, ["workload.seq_len=2048,4096,8192,16384"])
    assert info.value.key == "workload.seq_len"
    assert str(info.value) == (
        "--vary: workload.seq_len: workload.seq_len changes h100-sxm's layout, batch or memory fit, so each value is planned anew: "
        "at most 3 distinct values, got 4"
    )


# --------------------------------------------------------------------------- sizing


def test_size_names_every_option_given_a_count() -> None:
    inputs = toy(Option(accelerator(), 2), Option(accelerator(id="big"), 4))
    with pytest.raises(InputError) as info:
        analysis.size(inputs, deadline_days=10)
    assert str(info.value) == "accelerator: size chooses the count itself: name toy@2, big@4 without @COUNT"


def test_a_power_envelope_for_one_accelerator_sizes_one() -> None:
    """Facility power per accelerator = 500 W × 1.5 (the part's power overhead) × PUE 1.5 = 1.125 kW: an
    envelope of 1.5 kW holds one (two need 2.25 kW), and one is the minimum count that fits."""
    r = analysis.size(toy(Option(accelerator())), power_kw=1.5).options[0]
    assert r.feasible and r.count == 1
    assert r.facility_power_kw == approx(0.5 * 1.5 * 1.5)


def test_a_deadline_only_the_largest_count_meets_is_met() -> None:
    """With a fixed MFU the time to market falls with every accelerator added, so at a deadline equal to
    the time to market of the largest count considered (131,072), that count is the answer."""
    inputs = toy(Option(accelerator()))
    ttm = analysis.what_if(inputs, {"count": [sizing.MAX_COUNT - 1, sizing.MAX_COUNT]}).options[0].time_to_market_days
    assert ttm[0] is not None and ttm[1] is not None and ttm[1] < ttm[0]
    r = analysis.size(inputs, deadline_days=ttm[1]).options[0]
    assert r.count == sizing.MAX_COUNT and r.time_to_market_days == ttm[1]


def test_the_figures_at_a_sized_count_are_that_counts_best_layout() -> None:
    """A power envelope that holds 1,024 of the derived part: the job cost and time to market reported are
    those of 1,024 planned on their own (every layout searched at that count), not of the layouts
    shortlisted at the workload's count of 4."""
    wl = training(training_tokens=1e11)
    r = analysis.size(toy(Option(DERIVED), workload=wl), power_kw=1.125 * 1024 + 0.1).options[0]
    assert r.count == 1024
    own = engine.evaluate_option(Option(DERIVED, 1024), wl, scenario(), market=False).out
    assert r.job_cost_usd == approx(own["job_cost_usd"], rel=1e-12)
    assert r.time_to_market_days == approx(own["time_to_market_days"], rel=1e-12)


def test_a_budget_window_walks_up_while_its_top_meets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The derived part costs the same up to 242 accelerators and more from 243 on. With a budget just above
    the flat cost the answer is 242 (what_if, count by count). The octave scan is cut to the counts 1–8
    here, so the window search has to walk up from 8 — [8, 16], [17, 32], ... [129, 256] — while the top
    of each window still meets the budget, and stop inside the last one."""
    wl = training(training_tokens=1e11)
    inputs = toy(Option(DERIVED), workload=wl)
    counts = list(range(1, 513))
    cost = np.array(analysis.what_if(inputs, {"count": counts}).options[0].job_cost_usd, dtype=float)
    budget = float(cost[0]) * (1 + 1e-6)
    expected = max(c for c, x in zip(counts, cost, strict=True) if x <= budget)
    assert expected == 242
    monkeypatch.setattr(sizing, "_count_chunks", lambda: [np.arange(1, 9, dtype=float)])
    r = analysis.size(inputs, budget_usd=budget).options[0]
    assert r.count == expected and r.job_cost_usd == approx(cost[expected - 1], rel=1e-12)


def test_the_octave_scan_uses_shortlisted_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sizing a derived part scans each octave of counts over the layouts shortlisted at its ends and
    middle (a second, not the minute every layout at every count takes for a large model): evaluations
    over a range of counts run on a shortlist, and only the final window searches every layout."""
    from tco import training as training_model

    real = training_model.evaluate
    seen: list[tuple[int, int | None]] = []

    def spy(job, x, ops=training_model.SCALAR, subset=None, scores=None):  # type: ignore[no-untyped-def]
        n = x["count"]
        if getattr(n, "ndim", 0) > 0 and float(np.max(n)) != float(np.min(n)):
            seen.append((int(np.max(n)), None if subset is None else len(subset)))
        return real(job, x, ops, subset=subset, scores=scores)

    monkeypatch.setattr(training_model, "evaluate", spy)
    r = analysis.size(toy(Option(DERIVED), workload=training(training_tokens=1e11)), deadline_days=60).options[0]
    assert r.feasible
    shortlisted = [s for _, s in seen if s is not None]
    every = len(engine.plan_option(Option(DERIVED), training(), scenario(), market=False).stages[0].job.candidates)
    assert shortlisted and all(s <= 3 * 6 < every for s in shortlisted)  # three shortlists of six at most


def test_sizing_refuses_when_no_count_meets_the_deadline_at_the_boundary() -> None:
    """A deadline a hair below the best time to market: no count meets it."""
    inputs = toy(Option(accelerator()))
    ttm = analysis.what_if(inputs, {"count": [sizing.MAX_COUNT]}).options[0].time_to_market_days[0]
    assert ttm is not None
    with pytest.raises(InfeasibleError):
        analysis.size(inputs, deadline_days=ttm * (1 - 1e-12))
