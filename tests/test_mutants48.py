"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
10,968 mutants, seed 48; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import warnings

import pytest

import tco
from tco import analysis, engine
from tco.analysis.breakeven import breakeven
from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import accelerator, bench, inference, scenario, training
from tests.test_mutants import pair

approx = pytest.approx


def test_a_lease_is_spread_over_its_term_in_months() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_273 (the lease's end ``delivery + months / 12`` ->
    ``delivery + months * 12``: a 24-month lease was spread over 288 years).

    4 toys leased at $100 a month for 24 months cost 4 × 100 × 24 = $9,600, spread evenly over the two years from
    delivery, 4 weeks = 28 / 365.25 = 0.076660 years in: year 0 holds (1 − 0.076660) / 2 × 9,600 = $4,432.03,
    year 1 a full half, $4,800, and year 2 the rest, 0.076660 / 2 × 9,600 = $367.97."""
    res = cashflow([Option(accelerator())], training(), scenario(), lease_usd_per_month=100, lease_months=24)
    (leased,) = [o for o in res.options if o.option == "toy:lease"]
    assert [y.year for y in leased.years] == [0, 1, 2]
    delivery = 28 / 365.25
    assert [y.lease_usd for y in leased.years] == [
        approx((1 - delivery) / 2 * 9600),
        approx(4800),
        approx(delivery / 2 * 9600),
    ]
    assert sum(y.lease_usd for y in leased.years) == approx(9600)


def test_a_service_life_past_a_century_is_refused_in_a_cash_flow() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_35 (the span ``start + porting + run`` -> ``start +
    porting − run``: a long service life shortened the span, so a 200-year cash flow was tabulated).

    A service of 200 years starts after 4 weeks of lead time and 2 of deployment (42 / 365.25 = 0.115 years): the
    span is 200.1 years, past the 100 a cash flow tabulates; the service life is the longest part, 200 years."""
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(accelerator())], inference(parameters=1e9, service_life_years=200), scenario())
    assert exc.value.message == ("toy: the cash flow would span 200.1 years, more than 100; the service life alone takes 200 years")
    assert (exc.value.where, exc.value.key) == ("toy-serve", "service_life_years")


def test_a_lead_time_past_a_century_is_blamed_on_the_part() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_52 (the lead time's key ``accel.lead_time_weeks`` ->
    ``ACCEL.LEAD_TIME_WEEKS``: the error was put on a profile called ACCEL).

    6,000 weeks are 42,000 days = 114.99 years; with 2 weeks of deployment and a 12-hour run the span is 115 years,
    more than 100, and the lead time is its longest part: the toy's lead_time_weeks is the input to change."""
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(accelerator(lead_time_weeks=6000))], training(), scenario())
    assert exc.value.message == "toy: the cash flow would span 115 years, more than 100; the lead time alone takes 115 years"
    assert (exc.value.where, exc.value.key) == ("toy", "lead_time_weeks")


def test_a_lease_term_below_zero_is_refused_under_its_flag() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_71 (the refusal of a term that is not positive lost
    ``key="--lease-months"``).

    −5 months is finite and large enough in size to pass the first checks; it is not a positive term."""
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(accelerator())], training(), scenario(), lease_usd_per_month=100, lease_months=-5)
    assert exc.value.message == "expected a positive lease term, got -5"
    assert exc.value.key == "--lease-months"


def test_a_workload_range_too_wide_to_sample_is_the_workload_s() -> None:
    """Kills tco.analysis.montecarlo.x_simulate__mutmut_52 (``scope == "workload"`` -> ``scope == "WORKLOAD"``: the
    error named the scope ``workload`` instead of the workload's id).

    Training tokens ranged from 1e-300 to 1e308 (log-uniform or log-normal over 608 decades) draw values past the
    largest float: refused, on the workload toy-train, key training_tokens."""
    wl = training(training_tokens={"value": 1.44e8, "low": 1e-300, "high": 1e308})
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], wl, scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        analysis.simulate(inputs, samples=100, seed=1)
    assert exc.value.message.startswith("its range (1e-300 to 1e+308) is too wide to sample")
    assert (exc.value.where, exc.value.key) == ("toy-train", "training_tokens")


def test_an_unknown_scenario_input_stops_a_tornado_as_the_scenario_s_problem() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_94 (``missing_error(..., inputs.workload.id)`` ->
    ``missing_error(..., None)``: one unknown scenario input was blamed on the option, "a: needs ...").

    With the electricity price unknown every energy cost, so every effective cost, is unknown at the central values:
    nothing to swing. The one input lacking is the scenario's, told once under ``scenario``."""
    sc = scenario(electricity_usd_per_kwh={"value": None}, pue={"value": 1.5, "low": 1.2, "high": 1.8})
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), sc, [])
    with pytest.raises(tco.MissingInputError) as exc:
        analysis.sensitivity(inputs)
    assert (exc.value.where, exc.value.key) == ("scenario", "electricity_usd_per_kwh")
    assert exc.value.message == ("unknown, and the analysis needs it; give it with --set scenario.electricity_usd_per_kwh=VALUE")


def test_a_swept_value_given_as_dot_value_keeps_the_range_it_must_lie_in() -> None:
    """Kills tco.analysis.sweep.x_make_axes__mutmut_55 (``validate_value(..., given=path)`` -> ``given=None``: the
    ``.value`` spelling was dropped and the quantity rebuilt without its low and high).

    The PUE is 1.5 with a range of 1.2 to 1.8; sweeping its ``.value`` keeps the range, as --set does, so 2.0 lies
    above the high end and is refused (swept as ``scenario.pue`` it replaces the whole quantity, range and all)."""
    sc = scenario(pue={"value": 1.5, "low": 1.2, "high": 1.8})
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), sc, [])
    with pytest.raises(tco.InputError) as exc:
        analysis.iter_sweep(inputs, ["scenario.pue.value=1.5,2.0"])
    assert exc.value.message == "2 is not allowed: value 2 is above high 1.8"
    assert (exc.value.where, exc.value.key) == ("--vary", "scenario.pue.value")
    analysis.iter_sweep(inputs, ["scenario.pue=1.5,2.0"])  # the whole quantity: no range left to lie in


FREE_RUNNING = {"electricity_usd_per_kwh": 0, "facility_usd_per_kw_month": 0, "operations_usd_per_accelerator_year": 0}
"""Energy, facility and operations at $0: a job costs only its capital, so the arithmetic stays short."""


def test_a_whole_number_break_even_bracket_is_bisected_on_whole_numbers() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_249 (``_bisect_whole(diff, ...)`` -> ``_bisect_whole(None,
    ...)``) and x_breakeven__mutmut_252 (its ``d0`` -> ``None``): a bracket wider than one whole number, as a coarse
    grid leaves, raised TypeError when bisected.

    Both options train 1e10 tokens on the workload's count n at a given MFU: a token costs 6 × 1e9 + 12 × 10 ×
    1,000 × 1,000 = 6.12e9 FLOPs, so a (MFU 0.5 of 100 TFLOPS) takes 1e10 × 6.12e9 / 5e13 / 3,600 = 340
    accelerator-hours and b (MFU 0.25) 680. Capital only, at a cost of capital of 0: (price × the part's server
    overhead 2) / 4 years / 8,766 h / utilization 0.5 an accelerator-hour, i.e. price × 2 / 17,532: a costs 340 ×
    20,000 / 17,532 = $387.86, b 680 × 2,000 / 17,532 = $77.57, $310.29 less. b's run is 340 / 24 / n days longer,
    at $1,000 a day of delay: b is cheaper once 14,166.7 / n < 310.29, n > 45.66, from n = 46. The gap at 46 is
    310.2897 − 14,166.67 / 46 = $2.3187. A grid of 9 points over 1..1,000 brackets the swap in [1, 125.875 → 126]."""
    a = accelerator(id="a", mfu=0.5)
    b = accelerator(id="b", price_usd=1000, mfu=0.25)
    inputs = Inputs([Option(a), Option(b)], training(training_tokens=1e10), scenario(**FREE_RUNNING), [])
    res = breakeven(inputs, "a", "b", param="workload.accelerator_count", value_range=(1, 1000), grid=9)
    assert res.value == 46
    assert (res.winner_below, res.winner_above) == ("a", "b")
    assert res.effective_cost_at_value_usd == approx(340 * 20_000 / 17_532)
    assert res.message == (
        "a and b do not tie but swap between workload.accelerator_count = 45 and 46 (a gap of $2.32 at 46); below it a wins, from it b wins"
    )
    assert 5.44e6 / 17_532 - (340 / 24 * 1000) / 46 == approx(2.31874, abs=5e-6)


def test_a_cost_that_steps_past_the_other_names_the_winner_below() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_619 (``wins(near_below, xl)`` -> ``wins(None, xl)``: the
    message said "below it their difference is unknown there" where a wins).

    a serves at a measured 1,000 tokens/s, b at 2,000; at utilization 0.5 one a carries 1,000 × 0.5 × 86,400 =
    4.32e7 tokens a day and one b 8.64e7. Capital only: an a costs 2 × $10,000 / 4 years × 3 years = $15,000, a b
    2 × $15,000 / 4 × 3 = $22,500. Up to 4.32e7 tokens a day one of each serves, and a is cheaper; just above it a
    needs 2 ($30,000) and b still 1: the costs jump past each other at 4.32e7 with a gap of $7,500."""
    a = accelerator(id="a", benchmarks=[bench("toy-serve", 1000)])
    b = accelerator(id="b", price_usd=15000, benchmarks=[bench("toy-serve", 2000)])
    inputs = Inputs([Option(a), Option(b)], inference(parameters=1e9), scenario(**FREE_RUNNING), [])
    res = breakeven(inputs, "a", "b", param="workload.tokens_per_day", value_range=(1e7, 8e7))
    assert res.value == approx(4.32e7, rel=1e-9)
    assert res.message == (
        "a and b do not tie but cross at workload.tokens_per_day = 4.32e+07, where a discrete choice steps "
        "(a gap of $7,500); below it a wins, above it b wins"
    )
    assert res.effective_cost_at_value_usd == approx(30_000)


def test_an_mfu_of_a_million_is_shown_in_three_digits() -> None:
    """Kills tco.engine.x__mfu_text__mutmut_4 (the switch to three digits at ``mfu < 1e6`` -> ``mfu < 1000001.0``:
    an MFU of 1,000,000.5 was written out as 1,000,000.50).

    A toy training token costs 6.12e9 FLOPs against the 100 TFLOPS (1e14) peak, so a measured rate r implies MFU
    r × 6.12e-5: r = 1,000,000.5 / 6.12e-5 = 1.63399e10 tokens/s implies 1,000,000.5, a million or more, shown
    ``1e+06``. Kills tco.engine.x_evaluate_option__mutmut_116 too (the peak's key ``removeprefix("accel.")`` ->
    ``removesuffix``: the error's other cause was ``accel.peak.bf16_tflops``, a path no --set takes, where the
    part's own ``peak.bf16_tflops`` is meant; the peak is not changed from the one measured, so it shares the blame)."""
    acc = accelerator(benchmarks=[bench("toy-train", 1_000_000.5 / 6.12e-5)])
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(acc), training(), scenario(), market=False)
    assert exc.value.message.startswith(
        "the measured 1.63399e+10 tokens/s per accelerator on toy-train implies MFU 1e+06 (> 1) of the 100 TFLOPS peak"
    )
    assert exc.value.also == ("peak.bf16_tflops",)


def test_a_quantity_s_value_is_the_same_input_and_training_reads_no_utilization_in_its_plan() -> None:
    """Kills tco.engine.x_plan_free__mutmut_4 (``flat.removesuffix(".value")`` -> ``removeprefix``: the PUE spelled
    ``scenario.pue.value``, as ``--set scenario.pue.value=1.3`` names it for estimate, was taken as read by a plan)
    and tco.engine.x_plan_free__mutmut_18 (``kind == "training"`` -> ``kind == "XXtrainingXX"``: a training plan was
    taken to read the utilization, and the analyses planned it twice to find it moved nothing).

    The PUE is power, in PLAN_FREE; its ``.value`` is the same input. The utilization sizes an owned serving fleet
    (a plan's count), not a training job's layout."""
    assert engine.plan_free("scenario.pue") and engine.plan_free("scenario.pue.value")
    assert not engine.plan_free("accel.memory_gb") and not engine.plan_free("accel.memory_gb.value")
    assert engine.plan_free("scenario.utilization", "training")
    assert not engine.plan_free("scenario.utilization", "inference")
    assert not engine.plan_free("scenario.utilization")


def test_too_many_values_that_move_a_what_if_s_plan_are_refused_under_the_path() -> None:
    """Kills tco.analysis.common.x__evaluate_groups__mutmut_55 (the refusal's ``key=moving[0][0].path`` -> ``None``).

    toy.memory_gb from 1 to 1,026 GB moves the toy's memory fit (1 GB cannot hold the job's 16 GB of state on 4
    toys): 1,026 distinct values, 2 more than the 1,024 that may be planned anew."""
    with pytest.raises(tco.InputError) as exc:
        analysis.what_if(pair(), {"toy.memory_gb": [float(v) for v in range(1, 1027)]})
    assert exc.value.message == (
        "toy.memory_gb changes toy's layout, batch or memory fit, so each value is planned anew: at most 1,024 distinct values, got 1,026"
    )
    assert exc.value.key == "toy.memory_gb"


def sweep_rows(inputs: Inputs, vary: list[str]) -> list[tuple[object, ...]]:
    """(point, count, feasible, status, reason) of each row of a sweep."""
    _, _, chunks = analysis.iter_sweep(inputs, vary)
    rows: list[tuple[object, ...]] = []
    for chunk in chunks:
        cols = chunk.columns
        rows += zip(*(cols[k].tolist() for k in ("point", "count", "feasible", "status", "reason")), strict=True)
    return rows


def test_a_sweep_row_too_small_to_hold_the_training_state_says_so() -> None:
    """Kills tco.analysis.common.x__run_reasons__mutmut_45 (``zip(counts[short]..., needs[short]...)`` ->
    ``zip(None, ...)``: a row whose count cannot hold the model raised TypeError instead of saying why).

    Toys of 1 GB hold 0.9 GB each: the 1e9 parameters' training state alone, 16 bytes each (16-bit weights and
    gradients, 12 bytes of optimizer state), is 1.6e10 bytes, at least 1.6e10 / 0.9e9 = 17.8, so 18 toys or more
    (activations add to it). The workload's 32 hold it; a count of 4, swept (a count plans nothing anew), does
    not, and its row says what compare says of 4 such toys."""
    inputs = Inputs([Option(accelerator(memory_gb=1))], training(accelerator_count=32), scenario(), [])
    (p0, n0, ok0, status0, why0), (p1, n1, ok1, status1, why1) = sweep_rows(inputs, ["workload.accelerator_count=4,32"])
    assert (p0, ok0, status0) == (0, False, "infeasible") and n0 != n0  # no count: NaN
    assert (p1, n1, ok1, status1, why1) == (1, 32.0, True, "ranked", "")
    prefix = "toy-train does not fit in memory on 4 × toy: training state needs at least "
    assert isinstance(why0, str) and why0.startswith(prefix)
    need = int(why0[len(prefix) :].split(" ")[0])
    assert 18 <= need <= 32
    assert why0 == f"{prefix}{need} accelerators (give a count with toy@{need})"
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator(memory_gb=1))], workload=training(), scenario=scenario())
    assert exc.value.message == why0


def test_a_sweep_row_whose_demand_needs_more_accelerators_than_the_model_takes_says_so() -> None:
    """Kills tco.analysis.common.x_evaluate_many__mutmut_107 (``_run_reasons(..., arrays, ...)`` -> ``None``: a
    serving row past the count the model takes raised TypeError instead of saying why).

    A toy measured at 1,000 tokens/s carries 1,000 × 0.5 × 86,400 = 4.32e7 tokens a day at utilization 0.5:
    8.64e8 a day takes 20 toys, 8.64e17 a day 2e10, past the 1e9 the model takes."""
    a = accelerator(id="a", benchmarks=[bench("toy-serve", 1000)])
    inputs = Inputs([Option(a)], inference(parameters=1e9), scenario(), [])
    (p0, n0, ok0, status0, why0), (p1, n1, ok1, status1, why1) = sweep_rows(inputs, ["workload.tokens_per_day=8.64e8,8.64e17"])
    assert (p0, n0, ok0, status0, why0) == (0, 20.0, True, "ranked", "")
    assert (p1, ok1, status1) == (1, False, "infeasible") and n1 != n1
    assert why1 == ("serving 8.64e+17 tokens a day needs 20,000,000,000 × a, more than the 1,000,000,000 accelerators the model takes")


def test_a_fully_sharded_job_may_hold_its_recomputation() -> None:
    """Kills tco.engine.x__check_layout__mutmut_80 (``(lay.context_parallel or 1) > 1`` -> ``>= 1``: every layout
    held on an fsdp job was refused as if it had a context degree above 1).

    parallelism = fsdp shards data only: on 4 toys that is TP 1 × PP 1 × DP 4, ZeRO-3, and holding recompute =
    full is allowed (the note of the layout the step model ran: the toy without an MFU of its own). At the toy's own
    MFU 0.5, final, the 1.44e8 tokens of 6.12e9 FLOPs take 1.44e8 × 6.12e9 / (4 × 5e13) = 4,406.4 s = 1.224 hours."""
    wl = training(parallelism="fsdp", layout={"recompute": "full"})
    (res,) = compare(options=[Option(accelerator(mfu=None))], workload=wl, scenario=scenario()).results
    assert res.status.value == "ranked"
    assert "layout: TP 1 × PP 1 × DP 4, recompute full, ZeRO-3" in res.notes
    (res,) = compare(options=[Option(accelerator())], workload=wl, scenario=scenario()).results
    assert res.status.value == "ranked"
    assert res.time_to_converge_hours == approx(1.44e8 * 6.12e9 / (4 * 5e13) / 3600)


def test_an_entry_of_a_table_the_scenario_lacks_is_validated_as_a_new_entry() -> None:
    """Kills tco.analysis.common.x__quantity_at__mutmut_5 (``next(..., None)`` -> ``next(...)``: a table entry the
    scenario does not have raised StopIteration instead of being resolved as unset).

    The toy scenario's porting table has the reference and medium maturities only; ``scenario.porting.low`` is an
    allowed entry it lacks. Setting its weeks alone makes an entry without its engineer-months, which the scenario
    refuses, under the what-if's path."""
    with pytest.raises(tco.InputError) as exc:
        analysis.what_if(pair(), {"scenario.porting.low.weeks": [3.0]})
    assert exc.value.message == "3 is not allowed: porting.low.engineer_months: required key is missing"
    assert (exc.value.where, exc.value.key) == ("what_if", "scenario.porting.low.weeks")


def test_a_deadline_no_count_can_reach_in_finite_time_is_refused_for_its_fixed_days_without_a_warning() -> None:
    """At a measured 1e-9 tokens/s per toy, 1e308 tokens take at least 1e308 / (131,072 × 1e-9) = 7.6e311 s even on
    the largest count sized, past the largest float: the time to converge and to market are infinite at every
    count. The days no count shortens were taken as the time to market less the time to converge, inf − inf: a
    RuntimeWarning reached the caller and the refusal fell back to 'no count up to 131,072 reaches the market
    within 0.5 days' (the seed-48 sample, sizing.x_size__mutmut_196). They are now the lead time, deployment and
    porting themselves, known here: the toy's 42 days already pass the 0.5-day deadline, and no warning is raised."""
    acc = accelerator(benchmarks=[bench("toy-train", 1e-9)])
    inputs = Inputs([Option(acc)], training(training_tokens=1e308), scenario(), [])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(tco.InfeasibleError) as exc:
            analysis.size(inputs, deadline_days=0.5)
    assert exc.value.message == "toy: no count meets 0.5 days: lead time, deployment and porting alone take 42.0 days"
    assert exc.value.key == "--deadline-days"


def test_a_huge_lead_time_is_written_in_six_digits_not_three_hundred() -> None:
    """The seed-48 sample also found a lead time of 1e300 weeks written out in full in the same refusal, 383
    characters ('take 69999...0.0 days'). Past a billion days the count is written in six digits: 7 × 1e300 days
    of lead time plus the toy's deployment and porting is 7e+300."""
    acc = accelerator(lead_time_weeks=1e300)
    with pytest.raises(tco.InfeasibleError) as exc:
        analysis.size(Inputs([Option(acc)], training(), scenario(), []), deadline_days=10)
    assert exc.value.message == "toy: no count meets 10 days: lead time, deployment and porting alone take 7e+300 days"


def test_a_sequence_that_fits_only_with_recomputation_blames_the_held_recompute() -> None:
    """Kills tco.engine.x_plan_training__mutmut_258 (``pinned = job.recompute`` -> ``None``: the activations were
    judged under full recomputation, which fits, so a held recompute = none was reported as training state too
    large for any count).

    Under full recomputation a 2e6-token sequence keeps each layer's input, 2e6 × 1,000 × 2 bytes × 10 layers =
    4e10 bytes, 1e10 (10 GB) per device over a node of 4: it fits in the toy's 90 GB usable. Held at recompute =
    none, every layer keeps all its activations (many times its input, and the attention's), past 90 GB: the
    layout's recompute is the input to change."""
    wl = training(seq_len=2_000_000, layout={"recompute": "none"})
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    head = "activations of one 2,000,000-token sequence ("
    tail = " GB per device with recompute = none (workload.layout) over a node) exceed toy's usable memory (90.0 GB)"
    assert exc.value.message.startswith(head) and exc.value.message.endswith(tail)
    assert float(exc.value.message[len(head) : -len(tail)].replace(",", "")) > 90
    # (round 73: it also names what the activations grow with and the part's memory, so a --set of one is blamed)
    causes = ("workload.seq_len", "workload.shape", "workload.parameters", "workload.global_batch_tokens", "workload.stages")
    causes += ("toy.memory_gb",)
    assert (exc.value.where, exc.value.key, exc.value.also) == ("toy-train", "layout.recompute", causes)


@pytest.mark.parametrize("layout", [{"recompute": "none"}, {"context_parallel": 2}])
def test_a_fully_sharded_job_refuses_a_held_recompute_of_none_in_words(layout) -> None:
    """Kills tco.engine.x__check_layout__mutmut_93 (the refusal's text "or recompute = none, cannot apply" ->
    "XXor recompute = none, cannot applyXX") and, seed 49, x__check_layout__mutmut_81 (``(lay.context_parallel or
    1) > 1`` -> ``> 2``: a held context degree of 2 was allowed on an fsdp job).

    FSDP shards data only and keeps no activations unsharded beside the sharded state: neither recompute = none
    nor a context degree of 2 (each sequence split over 2 devices) can be held on it."""
    wl = training(parallelism="fsdp", layout=layout)
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert exc.value.message == (
        "parallelism = fsdp shards data only: a layout with tensor, pipeline, context or expert degrees above 1, "
        "or recompute = none, cannot apply"
    )
    assert (exc.value.where, exc.value.key) == ("toy-train", "layout")


def test_a_rented_fleet_under_a_carbon_price_below_a_dollar_needs_its_tdp() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_305 (a scalar carbon price counts as priced when ``> 0`` -> ``> 1``: at
    $0.5 a tonne a rented fleet's TDP was read with ``get``, so its absence named no input and the option was
    refused as having no finite cost).

    A rented fleet's power is in its rate, $2 an hour × 4 toys × 1.224 hours = $9.792: its TDP is needed only where
    emissions are priced. At $0.5 a tonne they are (energy kWh × 0.4 kg/kWh / 1,000 × $0.5), so the unknown TDP
    leaves the job's cost unknown and is the input it lacks; at $0 the rent alone is the cost."""
    acc = accelerator(rental={"usd_per_hour": 2.0}, tdp_w={"value": None})
    rented = Option(acc, None, Acquisition.rent)

    def evaluate(price: float) -> engine.Evaluated:
        sc = scenario(carbon_usd_per_tonne=price, grid_kgco2e_per_kwh=0.4)
        return engine.evaluate_option(rented, training(), sc, market=False)

    priced = evaluate(0.5)
    assert priced.missing == ("accel.tdp_w",)
    assert priced.out["job_cost_usd"] != priced.out["job_cost_usd"]  # NaN: unknown
    assert priced.out["rent_usd"] == approx(2.0 * 4 * 1.224)
    free = evaluate(0)
    assert free.missing == ()
    assert free.out["job_cost_usd"] == approx(2.0 * 4 * 1.224)


def test_a_mixture_of_experts_decode_step_at_batch_one_reads_only_the_experts_it_visits() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_55 (the serving request's ``top_k=workload.experts_per_token or 0`` ->
    ``top_k=None``: an MoE model was served as if dense, every expert's weights read at every step).

    1e10 parameters, 1e9 active, 64 experts of which a token visits 1, served one sequence at a time on one toy
    (1,000 GB/s). The routed experts hold (1e10 − 1e9) / (1 − 1/64) = 9.142857e9 parameters, of which a step of
    one sequence leaves (1 − 1/64) unread: 9.142857e9 × 63/64 × 2 bytes = 1.8e10 bytes of the 2e10, so a step
    streams 2e9 bytes of weights, at least 2e9 / 1e12 = 2 ms, and well under the 2e10 / 1e12 = 20 ms that reading
    every weight would take at the full bandwidth."""
    wl = inference(parameters=1e10, active_parameters=1e9, experts=64, experts_per_token=1, max_batch=1)
    (res,) = compare(options=[Option(accelerator())], workload=wl, scenario=scenario()).results
    assert (res.replica_accelerators, res.batch) == (1, 1)
    assert res.time_per_output_token_ms is not None
    assert 2e9 / 1e12 * 1e3 <= res.time_per_output_token_ms < 2e10 / 1e12 * 1e3
    assert (1e10 - 1e9) / (1 - 1 / 64) * 63 / 64 * 2 == approx(1.8e10)


def test_a_training_run_the_model_cannot_place_at_its_own_count_is_not_carried() -> None:
    """Kills tco.engine.x__plan_option__mutmut_90 (a training job as published planned at ``[own_count]`` -> at the
    option's count first, as a service is: a run the model cannot place where it ran was carried from the
    workload's count instead).

    The run states it ran on 1 toy of 10 GB (9 GB usable); the 1e9 parameters' training state alone is 16 bytes
    each, 16 GB: the model cannot place the job as published on the 1 it ran on, so there is nothing to carry the
    run from, and the changed job (2,000-token sequences) is derived, though 4 toys, the workload's count, would
    hold it."""
    acc = accelerator(memory_gb=10, mfu=None, benchmarks=[bench("toy-train", 1000, accelerator_count=1)])
    option = Option(acc, workload_as_measured=training())
    plan = engine.plan_option(option, training(seq_len=2000), scenario(), market=False)
    assert plan.throughput_source.value == "derived"
    assert "the published run of toy on toy-train is not used: the model cannot place it, so the changed job is derived" in plan.notes
    assert not any("carried to the changed workload" in n for n in plan.notes)
