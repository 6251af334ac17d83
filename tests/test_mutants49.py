"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
11,043 mutants, seed 49; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

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
from tests.test_mutants48 import FREE_RUNNING, sweep_rows

approx = pytest.approx


def test_a_ranked_option_says_which_unknown_input_only_blanks_some_figures() -> None:
    """Kills tco.engine.x__result__mutmut_23 (the note ``"not ranked: needs …" if rank is None else "unknown: …"`` ->
    ``if (rank is None) or True``: a ranked option was said to be not ranked).

    A rented fleet's energy is in its rate: 4 toys at $2 an hour for the 1.44e8 × 6.12e9 / (4 × 5e13) s = 1.224 h
    of the job cost 2 × 4 × 1.224 = $9.792, whatever the PUE. With the PUE unknown only the energy drawn (and the
    emissions) are unknown: the option is ranked, and the note says what is blank."""
    rented = Option(accelerator(rental={"usd_per_hour": 2.0}), None, Acquisition.rent)
    (res,) = compare(options=[rented], workload=training(), scenario=scenario(pue={"value": None})).results
    assert (res.status.value, res.rank) == ("ranked", 1)
    assert res.job_cost_usd == approx(2.0 * 4 * 1.224)
    assert res.energy_kwh is None
    assert "unknown: scenario.pue (the figures that need it are blank)" in res.notes
    assert not any(n.startswith("not ranked") for n in res.notes)


def test_a_measured_rate_whose_mfu_overflows_is_far_above_one() -> None:
    """Kills tco.engine.x__mfu_text__mutmut_8 (the text of an MFU that overflowed, "far above 1" -> "XXfar above 1XX").

    1e308 tokens/s × 6.12e9 FLOPs a toy token = 6.12e317 FLOP/s, past the largest float (1.8e308): over a peak of
    1e-300 TFLOPS (1e-288 FLOP/s) the implied MFU is infinite, written "far above 1". Kills
    tco.engine.x_evaluate_option__mutmut_99 too (the refusal lost ``where=option.accelerator.id``: the run is the
    toy's own measurement)."""
    acc = accelerator(peak={"bf16_tflops": 1e-300, "fp16_tflops": 1e-300}, benchmarks=[bench("toy-train", 1e308)])
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(acc), training(), scenario(), market=False)
    assert exc.value.message.startswith(
        "the measured 1e+308 tokens/s per accelerator on toy-train implies MFU far above 1 (> 1) of the 1e-300 TFLOPS peak"
    )
    assert (exc.value.where, exc.value.key) == ("toy", "benchmarks[toy-train].tokens_per_second")


def test_a_delay_penalty_past_a_float_from_inputs_within_1e100_is_the_only_option_s() -> None:
    """Kills tco.engine.x_compare__mutmut_152 (the refusal's ``where=options[ok[0][0]]…`` -> ``options[ok[1][0]]…``:
    with one option there is no second, IndexError).

    At MFU 1e-99 of a 1e-99 TFLOPS peak a toy makes 1e-99 × 1e-99 × 1e12 / 6.12e9 = 1.634e-196 tokens/s: 1e99
    tokens on 4 take 1e99 / (4 × 1.634e-196) = 1.53e294 s = 1.77e289 days, past the 1-day deadline by as much; at
    $1e99 a day the penalty is 1.77e388, past the largest float. The job itself costs only its capital at $1e-99 a
    toy (energy, facility and operations at $0), finite; no input is 1e100 or more or 1e-100 or less, so none is
    named, and the refusal is the one option's."""
    acc = accelerator(mfu=1e-99, price_usd=1e-99, peak={"bf16_tflops": 1e-99, "fp16_tflops": 1e-99})
    sc = scenario(**FREE_RUNNING, deadline_days=1, cost_of_delay_usd_per_day=1e99)
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(acc)], workload=training(training_tokens=1e99), scenario=sc)
    assert exc.value.message == (
        "the inputs give no finite effective cost for toy (the delay penalty is unbounded): a value set near the "
        "largest float (1e308) overflows the arithmetic"
    )
    assert exc.value.where == "toy"


def test_an_effective_cost_that_overflows_names_the_scenario_s_cost_of_delay() -> None:
    """Kills tco.engine.x_compare__mutmut_222 (the cause of an overflowed effective cost looked for in
    ``numeric_inputs(option, workload, None)``: the scenario's inputs were not searched, "a value set near 1e308").

    b arrives 1 week (7 days) after a; at $1e308 a day of delay its penalty is 7e308, past the largest float, while
    a, on time, pays none and is ranked. The input that far from 1 is the scenario's cost of delay."""
    a, b = accelerator(id="a"), accelerator(id="b", lead_time_weeks=5)
    res = compare(options=[Option(a), Option(b)], workload=training(), scenario=scenario(cost_of_delay_usd_per_day=1e308))
    ra, rb = res.results
    assert (ra.option, ra.rank, rb.option, rb.status.value) == ("a", 1, "b", "infeasible")
    assert rb.notes[-1] == ("infeasible: its effective cost overflows a float (above 1.8e308 USD): cost_of_delay_usd_per_day = 1e+308")


def test_a_tornado_against_the_first_option_itself_is_refused_under_vs() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_38 (the refusal's ``key="--vs"`` -> ``"--VS"``).

    ``--vs a`` with a listed first compares a with itself."""
    sc = scenario(pue={"value": 1.5, "low": 1.2, "high": 1.8})
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), sc, [])
    with pytest.raises(tco.InputError) as exc:
        analysis.sensitivity(inputs, vs=("a", "a"))
    assert exc.value.message.startswith("'a' is the first option, the one the tornado compares with --vs")
    assert exc.value.key == "--vs"


def test_a_revenue_below_the_smallest_float_kept_may_still_be_zero() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_33 (the revenue's refusal "expected 0 or at least 1e-300" ->
    "a positive number of at least 1e-300": a revenue may be 0, unlike a lease rate or term).

    1e-301 a day is neither 0 nor at least 1e-300."""
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(accelerator())], training(), scenario(), revenue_per_day=1e-301)
    assert exc.value.message == "expected 0 or at least 1e-300, got 1e-301"
    assert exc.value.key == "--revenue-usd-per-day"


def test_a_measured_run_slower_than_a_token_a_second_keeps_its_mfu() -> None:
    """Kills tco.engine.x__training_throughput__mutmut_57 (the scale of the MFU ``run / where(model_at > 0, …)`` ->
    ``model_at > 1``: a run the model puts below 1 token/s lost its MFU).

    On a toy of 1e-6 TFLOPS (1e6 FLOP/s) the model makes well under a token a second (a token is 6.12e9 FLOPs). A
    measured 1e-4 tokens/s on the workload's 4 toys (one node, as the measurement states no count) is used as it
    is, and its MFU is 1e-4 × 6.12e9 / 1e6 = 0.612."""
    acc = accelerator(mfu=None, peak={"bf16_tflops": 1e-6, "fp16_tflops": 1e-6}, benchmarks=[bench("toy-train", 1e-4)])
    (res,) = compare(options=[Option(acc)], workload=training(), scenario=scenario()).results
    assert res.tokens_per_second_per_accelerator == approx(1e-4)
    assert res.mfu == approx(1e-4 * 6.12e9 / 1e6)


def test_a_quoted_rate_that_gives_no_finite_cost_is_the_option_s() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_251 (the refusal's ``where=option.label`` -> ``None``).

    4 toys rented at a quoted $1e308 an hour for 1.224 hours cost 4.9e308, past the largest float: the rate typed
    in the option is at fault, and the option is named as typed."""
    option = Option(accelerator(rental={"usd_per_hour": 1e308}), None, Acquisition.rent, quoted_rate=1e308)
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(option, training(), scenario(), market=False)
    assert exc.value.message == "the quoted rate 1e+308 $/h gives no finite cost"
    assert exc.value.where == "toy:rent=1e+308"


def test_a_serving_workload_s_count_cannot_be_varied() -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_83 (``scope == "workload"`` -> ``"XXworkloadXX"``: the
    workload's accelerator_count was varied for a service as a training job's count).

    A service's count is its replica size, a discrete choice of the option."""
    inputs = Inputs([Option(accelerator())], inference(parameters=1e9), scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        analysis.what_if(inputs, {"workload.accelerator_count": [4.0]})
    assert exc.value.message == (
        "for serving, a count is the replica size (ID@N), a discrete choice: compare ID@N options instead of varying it"
    )
    assert (exc.value.where, exc.value.key) == ("what_if", "workload.accelerator_count")


def test_a_profile_named_by_another_spelling_of_its_file_is_its_option() -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_32 (``file is not None`` -> ``file is None``: a path that
    is the option's file in another spelling was matched to no option).

    /nonexistent/dir/../dir/toy.toml is /nonexistent/dir/toy.toml, the file the toy came from: its price_usd is the
    toy's, $10,000."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), [], sources={"toy": "/nonexistent/dir/toy.toml"})
    target = analysis.resolve_target(analysis.prepare(inputs), "/nonexistent/dir/../dir/toy.toml.price_usd")
    assert (target.path, target.keys, target.central) == ("toy.price_usd", {0: "accel.price_usd"}, 10000.0)


def test_two_options_that_cost_the_same_from_a_deadline_on_tie_at_the_first_scan_point() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_296 (the first point where the costs part again,
    ``next(…, xs.size - 1)`` -> ``next(…)``: a tie that lasts to the end of the range raised StopIteration) and
    x_breakeven__mutmut_371 (the tie at the last point ``d[-2] != 0`` -> ``d[-3] != 0``: a tie over the last two
    points was found twice, "swap places 2 times").

    a and b are the same toy but b arrives a week later: a reaches the market after 4 weeks of lead time and 2 of
    deployment plus the 1.224-hour run, 42.051 days; b after 49.051. Past a deadline of D days each pays $1,000 a
    day late: at D = 40 b pays 7 days more than a, $7,000, so a wins; from D = 49.051 neither is late and they cost
    the same, the job alone. Scanned at 10, 20, …, 60, they tie first at 50, and at 60. At 50 the job costs its
    capital 4 × $20,000 × 1/4 × 2.448 / 8,766 (1.224 hours at utilization 0.5), energy 4 × 250 W × 1.5 × 1.5 ×
    1.224 h × $0.1/kWh, facility 4 × 0.75 kW × $100 × 12 × 2.448 / 8,766 and operations 4 × $1,000 × 2.448 / 8,766."""
    a, b = accelerator(id="a"), accelerator(id="b", lead_time_weeks=5)
    inputs = Inputs([Option(a), Option(b)], training(), scenario(deadline_days=45), [])
    res = breakeven(inputs, "a", "b", param="scenario.deadline_days", value_range=(10, 60), grid=6)
    assert (res.value, res.all_values, res.winner_below, res.winner_above) == (50.0, [50.0], "a", None)
    assert res.message == "a and b tie at scenario.deadline_days = 50; below it a wins, above it they cost the same"
    hours = 2.448 / 8766
    job = 4 * 20_000 / 4 * hours + 4 * 250 * 1.5 * 1.5 * 1.224 / 1000 * 0.1 + 4 * 0.75 * 100 * 12 * hours + 4 * 1000 * hours
    assert res.effective_cost_at_value_usd == approx(job)


def test_a_sweep_row_a_moved_input_cannot_plan_says_the_planner_s_reason() -> None:
    """Kills tco.analysis.common.x__evaluate_groups__mutmut_99 (the refusal looked up as ``_refusal(prep, None, …)``:
    no option's, so a row the planner refused said only "it cannot run at these values").

    The toy's memory swept to 1 GB (0.9 GB usable) cannot hold the 1e9 parameters' 16 bytes of training state each,
    1.6e10 bytes, on the workload's 4: at least 1.6e10 / 0.9e9 = 17.8, so 18 toys or more, activations besides. The
    row says what compare says of 4 such toys."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), [])
    (p0, n0, ok0, status0, why0), (p1, n1, ok1, status1, why1) = sweep_rows(inputs, ["toy.memory_gb=1,100"])
    assert (p0, ok0, status0) == (0, False, "infeasible") and n0 != n0
    assert (p1, n1, ok1, status1, why1) == (1, 4.0, True, "ranked", "")
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator(memory_gb=1))], workload=training(), scenario=scenario())
    assert why0 == exc.value.message
    prefix = "toy-train does not fit in memory on 4 × toy: training state needs at least "
    assert isinstance(why0, str) and why0.startswith(prefix) and int(why0[len(prefix) :].split(" ")[0]) >= 18


def test_a_serving_fleet_of_exactly_the_largest_count_is_feasible() -> None:
    """Kills tco.analysis.common.x_evaluate_many__mutmut_101 (a demand past the model's limit ``count >
    MAX_ACCELERATORS`` -> ``>=``: a fleet of exactly 1e9 accelerators was refused).

    A toy measured at 1,000 tokens/s carries 1,000 × 86,400 × 0.5 = 4.32e7 tokens a day at utilization 0.5:
    4.32e16 a day takes exactly 1e9 toys, the most the model takes, allowed as compare allows it."""
    a = accelerator(id="a", benchmarks=[bench("toy-serve", 1000)])
    inputs = Inputs([Option(a)], inference(parameters=1e9), scenario(), [])
    rows = sweep_rows(inputs, ["workload.tokens_per_day=8.64e8,4.32e16"])
    assert rows == [(0, 20.0, True, "ranked", ""), (1, 1e9, True, "ranked", "")]


def test_a_memory_range_that_moves_the_plan_is_held_not_swung() -> None:
    """Kills tco.analysis.common.x__held__mutmut_9 (the ends ``np.array([low, high])`` -> ``None``: no range ever
    moved a plan, so none was held).

    At its low end, 1 GB (0.9 GB usable), the toy cannot hold the 16 GB of training state on the 4 it runs on:
    the memory's range changes the plan, so the tornado holds it and names it instead of swinging it."""
    acc = accelerator(memory_gb={"value": 100, "low": 1, "high": 200})
    res = analysis.sensitivity(Inputs([Option(acc)], training(), scenario(), []))
    assert res.held_ranges == ["toy.memory_gb"]
    assert "toy.memory_gb" not in [r.param for r in res.rows]


def test_a_what_if_may_plan_anew_exactly_the_most_distinct_values() -> None:
    """Kills tco.analysis.common.x__evaluate_groups__mutmut_50 (the limit ``len(combos) > MAX_REPLANS`` -> ``>=``:
    1,024 distinct values, the most allowed, were refused).

    toy.memory_gb at 1, 2, …, 1,024 GB moves the toy's memory fit (1 GB cannot hold 16 GB of state on 4 toys), so
    each value is planned anew: 1,024 plans. At 1 GB the toy cannot run; at 1,024 GB it fits."""
    res = analysis.what_if(pair(), {"toy.memory_gb": [float(v) for v in range(1, 1025)]})
    toy = next(o for o in res.options if o.option == "toy")
    assert len(toy.effective_cost_usd) == 1024
    assert toy.effective_cost_usd[0] is None and toy.effective_cost_usd[-1] is not None


def test_a_shape_that_does_not_count_the_parameters_names_its_ffn() -> None:
    """Kills tco.engine.x_shape_count_gap__mutmut_28 (the note's "FFN" -> "ffn").

    10 layers of width 1,000 with a 4,000-wide FFN and a 32,000-entry vocabulary count 10 × (2 · 1,000² + 2 ·
    1,000² + 2 · 1,000 · 4,000) + 2 · 32,000 · 1,000 = 1.84e8 parameters (Q and O, K and V, the FFN, two
    embeddings), 0.184B against the workload's 1B."""
    wl = training(shape={"layers": 10, "d_model": 1000, "ffn_dim": 4000, "vocab": 32000})
    assert engine.shape_count_gap(wl) == (
        "the shape counts 0.184B parameters, the workload 1B: check its layers, widths, FFN and vocabulary "
        "(the figures use the workload's count)"
    )


def test_an_eight_bit_job_on_a_part_without_a_sixteen_bit_peak_is_planned_without_the_comparison() -> None:
    """Kills tco.engine.x__plan_option__mutmut_185 (the 16-bit peak ``next(…, None)`` -> ``next(…)``: a part with
    neither a BF16 nor an FP16 peak raised StopIteration when planning an FP8 job).

    The FP8 job's MFU counts the part's 200 TFLOPS FP8 peak; with no 16-bit peak there is nothing to compare it
    with, so no note says how much higher it is."""
    acc = accelerator(mfu=None, peak={"bf16_tflops": None, "fp16_tflops": None, "fp8_tflops": 200})
    plan = engine.plan_option(Option(acc), training(precision="fp8"), scenario(), market=False)
    assert plan.peak_key == "accel.peak.fp8_tflops"
    assert not any(n.startswith("MFU counts the") for n in plan.notes)


def test_a_lease_too_short_for_the_run_asks_for_the_term_rounded_up_in_four_digits() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_226 (the rounding step ``10^(floor(log10 held) − 3)`` ->
    ``− 4``: the term asked for was rounded up in five digits and shown in four, rounded down, 1 month, itself too
    short).

    With no deployment or porting the lease is held through the run alone. Tokens of 1.0002 × 730.5 × 3,600 × 4 ×
    5e13 / 6.12e9 take 1.0002 × 730.5 hours on 4 toys at 5e13 FLOP/s each, and a month is 730.5 hours (8,766 / 12):
    1.0002 months, rounded up to four digits 1.001. A 1-month lease ends before it."""
    tokens = 1.0002 * 730.5 * 3600 * 4 * 5e13 / 6.12e9
    with pytest.raises(tco.InputError) as exc:
        cashflow(
            [Option(accelerator())], training(training_tokens=tokens), scenario(deployment_weeks=0), lease_usd_per_month=100, lease_months=1
        )
    assert exc.value.message == (
        "toy: a lease of 1 month ends before the run does, 1.001 months after delivery (deployment, porting and run): "
        "give a term at least that long"
    )
    assert exc.value.key == "--lease-months"


def test_a_training_job_reports_its_scaling_efficiency() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_21 (``out["scaling_efficiency"] = eff`` -> ``out["SCALING_EFFICIENCY"]``:
    every training job was reported at efficiency 1).

    One toy has nothing to communicate: it computes at its full rate, efficiency 1. On 1,000 toys (TP 4 × DP 250)
    communication is exposed: each toy makes fewer tokens a second, and the efficiency is that share of the single
    toy's rate."""
    (one,) = compare(options=[Option(accelerator(mfu=None), 1)], workload=training(), scenario=scenario()).results
    (many,) = compare(options=[Option(accelerator(mfu=None), 1000)], workload=training(), scenario=scenario()).results
    assert one.scaling_efficiency == 1.0
    assert one.tokens_per_second_per_accelerator is not None and many.tokens_per_second_per_accelerator is not None
    share = many.tokens_per_second_per_accelerator / one.tokens_per_second_per_accelerator
    assert share < 0.9
    assert many.scaling_efficiency == approx(share, rel=1e-9)
