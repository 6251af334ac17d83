"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
10,497 mutants, seed 44; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import pytest

import tco
from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import accelerator, bench, inference, scenario, training


def test_a_part_bought_and_rented_does_not_hide_the_next_part_s_inputs_from_the_tornado() -> None:
    """Kills tco.analysis.common.x_uncertain_inputs__mutmut_43 (``continue`` -> ``break`` once a part is seen
    again: every option after the second of one part lost its profile's inputs).

    toy bought, toy rented, then big: the loop sees toy, skips toy again, and must still walk big's profile, whose
    price and peak big reads."""
    toy = accelerator(rental={"usd_per_hour": 2.0}, benchmarks=[bench("toy-train", 1000)])
    big = accelerator(id="big", price_usd=20000, benchmarks=[bench("toy-train", 3000)])
    options = [Option(toy), Option(toy, acquisition=Acquisition.rent), Option(big)]
    params = {r.param for r in tco.sensitivity(Inputs(options, training(), scenario())).rows}
    assert {"toy.price_usd", "toy.rental.usd_per_hour", "big.price_usd", "big.benchmarks[toy-train].tokens_per_second"} <= params


def test_a_lease_of_one_month_too_short_is_one_month_in_the_message() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_237 (the singular "month" for a term of 2 instead of
    1: "a lease of 1 months").

    From delivery: 8 weeks of deployment (56 days), no porting, 1.44e8 tokens at 4 × 1,000 tokens/s = 10 h:
    56 + 10/24 = 56.4167 days = 56.4167 / 365.25 × 12 = 1.85353 months, rounded up to 4 digits 1.854."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(acc)], training(), scenario(deployment_weeks=8), lease_usd_per_month=100, lease_months=1)
    assert exc.value.message == (
        "toy: a lease of 1 month ends before the run does, 1.854 months after delivery (deployment, porting and run): "
        "give a term at least that long"
    )
    assert exc.value.key == "--lease-months"


def test_a_bought_option_s_years_of_use_are_kept_for_the_workbook_formula() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_172 (the years of use stored as None: the workbook's
    residual lost the number its formula 10^(-δ·t) reads).

    Delivery on day 28; 14 days of deployment, no porting, a 10-h run: the hardware is used 14 + 10/24 days from
    delivery, 14.41667 / 365.25 = 0.039471 years."""
    (flow,) = cashflow([Option(accelerator(benchmarks=[bench("toy-train", 1000)]))], training(), scenario()).options
    assert flow._basis["use_years"] == pytest.approx((14 + 10 / 24) / 365.25)


def test_a_sweep_of_a_euro_price_names_the_currency_in_its_column() -> None:
    """Kills tco.analysis.sweep.x_make_axes__mutmut_95 (the axis made without its currency: the values, in EUR as
    --set reads them, came out under a bare price_usd column).

    The toy's price is quoted at €9,000; its swept values 9,000 and 18,000 are euros."""
    acc = accelerator(price_usd={"value": 9000, "currency": "EUR"}, benchmarks=[bench("toy-train", 1000)])
    run = tco.sweep(Inputs([Option(acc)], training(), scenario(usd_per_eur=1.1)), ["toy.price_usd=9000,18000"])
    rows = list(run.results)
    assert [r["toy.price_usd (EUR)"] for r in rows] == [9000.0, 18000.0]
    assert "toy.price_usd" not in rows[0]


def test_a_rented_fleet_past_the_largest_count_is_not_told_to_raise_its_utilization() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_183 (the rented fleet's advice "; give a smaller demand" garbled).

    1e22 tokens a day of the 1e11-parameter service takes far more than 1e9 toys; a rented fleet is sized at
    full use, so its only remedy is a smaller demand (the owned one's count is twice, at utilization 0.5)."""
    acc = accelerator(rental={"usd_per_hour": 2.0})
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(acc, acquisition=Acquisition.rent)], workload=inference(tokens_per_day=1e22), scenario=scenario())
    assert exc.value.message.startswith("serving 1e+22 tokens a day needs ")
    assert exc.value.message.endswith(" × toy, more than the 1,000,000,000 accelerators the model takes; give a smaller demand")
    assert (exc.value.where, exc.value.key) == ("toy-serve", "tokens_per_day")


def test_a_break_even_whose_plan_steps_are_all_resolved_has_no_note_on_unresolved_steps() -> None:
    """Kills tco.analysis.breakeven.x__refined_at_steps__mutmut_56 (a refinement that resolved every step
    reported one bracket left unresolved: the "crossings there may be missed" note on every such scan).

    The batch cap moves a serving plan, so the scan is refined where a count steps. fast has three times the
    toy's bandwidth at twice its price and the same 100 TFLOPS: at small batches each token reads the 200 GB of
    weights, and fast serves three times as much for twice the price; at large ones both are bound by the same
    peak, and the cheaper toy wins. One swap, found, and nothing left unresolved."""
    fast = accelerator(id="fast", price_usd=20000, memory_bandwidth_gbps=3000)
    inputs = Inputs([Option(accelerator()), Option(fast)], inference(), scenario())
    msg = tco.breakeven(inputs, "toy", "fast", param="workload.max_batch", value_range=(1, 256)).message
    assert msg.startswith("toy and fast do not tie but swap between workload.max_batch = ")
    assert msg.endswith("; below it fast wins, from it toy wins")


def test_an_unknown_measured_rate_is_an_input_the_throughput_lacks() -> None:
    """Kills tco.engine.x_speed_inputs__mutmut_16 ("benchmarks" garbled in the list of throughput inputs: an
    estimate or a calibration row lacking a measured rate did not name it).

    Of a measured rate, a peak and a price, the first two are read by a throughput, the price by a cost only."""
    missing = ["accel.benchmarks[toy-train].tokens_per_second", "accel.price_usd", "accel.peak.bf16_tflops"]
    assert tco.engine.speed_inputs(missing) == ["accel.benchmarks[toy-train].tokens_per_second", "accel.peak.bf16_tflops"]


def test_a_break_even_over_a_value_keeps_the_input_s_range_and_refuses_an_end_past_it() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_83 (the path as written not passed to the check of the
    range's ends: ``scenario.pue.value`` was checked as ``scenario.pue``, which replaces the low and high).

    The PUE is 1.5 within [1.2, 1.8]; ``.value`` moves the value only, as ``--set`` does, so an end at 2 is past
    the input's own high."""
    a = accelerator(benchmarks=[bench("toy-train", 1000)])
    b = accelerator(id="big", price_usd=20000, benchmarks=[bench("toy-train", 3000)])
    inputs = Inputs([Option(a), Option(b)], training(), scenario(pue={"value": 1.5, "low": 1.2, "high": 1.8}))
    with pytest.raises(tco.InputError) as exc:
        tco.breakeven(inputs, "toy", "big", param="scenario.pue.value", value_range=(1.3, 2.0))
    assert (exc.value.message, exc.value.key) == ("2 is not allowed: value 2 is above high 1.8", "scenario.pue.value")


def test_replicas_left_idle_for_failures_are_said_to_be_left_for_failures() -> None:
    """Kills tco.engine.x_plan_training__mutmut_498 (the count not passed to the reason for idle accelerators: whole
    replicas left out to lose less to failures were said to be a count that is no multiple of a replica).

    At 20 failures per accelerator-day and 10-minute restarts, 4 toys fail 80 times a day, 800 minutes of restarts
    in 1,440: the search runs 2 replicas of one toy and leaves 2 idle. The default global batch is
    2M × (1e9/7e9)^(1/3) = 1.05M tokens, 1,046 sequences of 1,000, far above 2; and 4 is a multiple of 1: neither
    is the reason, the failures are."""
    sc = scenario(failure_rate_per_accelerator_day=20)
    (r,) = compare(options=[Option(accelerator(mfu=None))], workload=training(), scenario=sc).results
    (layout,) = [n for n in r.notes if n.startswith("layout: ")]
    assert layout.startswith("layout: TP 1 × PP 1 × DP 2, ")
    assert layout.endswith(
        ", 2 idle (fewer replicas lose less to failures: layouts are judged by speed × goodput; "
        "scenario.failure_rate_per_accelerator_day and restart_minutes set it)"
    )


def test_a_sweep_that_replans_at_each_value_keeps_numpy_quiet_about_zero_times_infinity() -> None:
    """Kills tco.analysis.common.x__evaluate_groups__mutmut_98 (``invalid="ignore"`` dropped where an option is
    evaluated per plan: numpy's RuntimeWarning on 0 × ∞ reached the caller).

    A TDP of 1e308 W draws an infinite power on 4 toys; electricity, facility and operations at $0 make its
    cost 0 × ∞, no number. The sequence length moves the training plan, so each value is planned and evaluated
    on its own: both points are infeasible, and quietly so."""
    import warnings

    acc = accelerator(tdp_w=1e308)
    sc = scenario(electricity_usd_per_kwh=0, facility_usd_per_kw_month=0, operations_usd_per_accelerator_year=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        rows = list(tco.sweep(Inputs([Option(acc)], training(), sc), ["workload.seq_len=500,4000"]).results)
    assert [(r["job_cost_usd"], r["feasible"]) for r in rows] == [(None, 0.0), (None, 0.0)]


def test_a_service_s_emissions_are_its_operational_and_embodied_emissions_over_its_life() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_627 (the total emissions divided by the service life instead of
    multiplied: a third of a 3-year service's, while its two parts were counted over the 3 years).

    Each toy embodies 100 kg, written off over 4 years; a 3-year service charges 3/4 of it per toy. The grid at
    0.4 kg/kWh turns the service's energy into its operational emissions. The total is the sum of the two."""
    (r,) = compare(
        options=[Option(accelerator(embodied_kgco2e=100))], workload=inference(), scenario=scenario(grid_kgco2e_per_kwh=0.4)
    ).results
    assert r.embodied_emissions_kgco2e == pytest.approx(r.count * 100 * 3 / 4)
    assert r.operational_emissions_kgco2e == pytest.approx(0.4 * r.energy_kwh)
    assert r.emissions_kgco2e == pytest.approx(0.4 * r.energy_kwh + r.count * 75)


def test_a_tornado_against_the_same_configuration_is_refused_where_neither_has_a_cost() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_258 (``equal_nan=True`` -> ``None``: two options with no
    cost anywhere were not the same configuration, and an empty tornado came back instead of the error).

    A price of 1.6e308 times the server overhead of 2 passes the largest float: no finite cost at any input's low
    or high, for toy as for toy@4 (the workload's own count), so no input moves one against the other."""
    a = accelerator(price_usd=1.6e308)
    inputs = Inputs([Option(a), Option(a, 4)], training(), scenario())
    with pytest.raises(tco.InputError) as exc:
        tco.sensitivity(inputs, vs=("toy", "toy@4"))
    assert exc.value.message == (
        "'toy@4' costs what toy costs at every input's low and high (the same configuration): "
        "no input can move one against the other; give another option"
    )
    assert exc.value.key == "vs"


def test_an_input_that_only_stops_the_loser_flips_no_decision() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_225 (the central winner read at the first input's low
    end for the first option: a row where one option cannot run at an end compared its winners with the wrong one).

    toy at $10,000 and b at $9,990, both measured at 1,000 tokens/s: 4 × $10 × overhead 2 = $80 more capex,
    80 / 4 years × 10 h / (8,766 h × utilization 0.5) = $0.0456 more for toy: b wins. The first input swung is
    the electricity price; at its low end ($0.08, −20 %) the toy's energy bill of $2.25 (22.5 kWh at $0.10) falls
    by $0.45, enough for it to beat b's central cost. toy's price swings to $9,999 (b still wins) and to
    1.6e308 (toy cannot run): b wins at both ends, as at the centre: no flip."""
    toy = accelerator(price_usd={"value": 10000, "low": 9999, "high": 1.6e308}, benchmarks=[bench("toy-train", 1000)])
    b = accelerator(id="b", price_usd=9990, benchmarks=[bench("toy-train", 1000)])
    r = tco.sensitivity(Inputs([Option(toy), Option(b)], training(), scenario()), vs=("toy", "b"))
    assert r.central_effective_cost_usd["toy"] - r.central_effective_cost_usd["b"] == pytest.approx(80 / 4 * 10 / (8766 * 0.5))
    (row,) = [x for x in r.rows if x.param == "toy.price_usd"]
    assert row.effective_cost_high_usd["toy"] is None and row.effective_cost_low_usd["toy"] > row.effective_cost_low_usd["b"]
    assert row.flips_decision is False


def test_a_sequence_whose_activations_do_not_fit_blames_its_length_first() -> None:
    """Kills tco.engine.x_plan_training__mutmut_357 (the inputs the error follows from dropped where the layout
    does not pin the recomputation: a --set of the sequence length was not blamed).

    Full recomputation keeps each layer's input, 1e9 tokens × 1,000 wide × 2 bytes × 10 layers = 2e13 bytes,
    over the 4 toys of a node: 5,000 GB each against 0.9 × 100 = 90 GB. The toy's shape is given, so the length
    comes first, the shape second, then the other workload sizes."""
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=training(seq_len=1_000_000_000, training_tokens=1e12), scenario=scenario())
    assert exc.value.message == (
        "activations of one 1,000,000,000-token sequence (5,000.0 GB per device even with full recomputation over a node) "
        "exceed toy's usable memory (90.0 GB)"
    )
    assert (exc.value.where, exc.value.key) == ("toy", "memory_gb")
    assert exc.value.also == (
        "workload.seq_len",
        "workload.shape",
        "workload.parameters",
        "workload.global_batch_tokens",
        "workload.stages",
    )


def test_a_measured_dense_run_is_carried_to_an_moe_change_of_the_job() -> None:
    """Kills tco.engine.x__plan_option__mutmut_443 (the anchor rebuilt from ``dict(None)``: a TypeError wherever the
    changed job names its active parameters and the run as published did not).

    The toy measured at 1,000 tokens/s on the dense toy-train; the job changed to 8 experts, 2 per token, 5e8 of
    its 1e9 parameters active. The run is carried by the model's ratio, X_run · X_model(changed) / X_model(as
    published), each figure of the model from a toy without the run (about 2: half the FLOPs per token)."""
    from tco import engine

    def tps(acc: tco.Accelerator, wl: tco.TrainingWorkload, published: tco.TrainingWorkload | None = None) -> float:
        (r,) = engine.compare(options=[Option(acc, workload_as_measured=published)], workload=wl, scenario=scenario()).results
        assert r.tokens_per_second_per_accelerator is not None
        return r.tokens_per_second_per_accelerator

    published, changed = training(), training(active_parameters=5e8, experts=8, experts_per_token=2)
    ratio = tps(accelerator(), changed) / tps(accelerator(), published)
    assert 1.5 < ratio < 2.0
    assert tps(accelerator(benchmarks=[bench("toy-train", 1000)]), changed, published) == pytest.approx(1000 * ratio, rel=1e-9)


def test_a_serving_plan_is_evaluated_with_the_overlap_it_was_made_with() -> None:
    """Kills tco.engine.x_serving_inputs__mutmut_89 (the overlap exponent stored under another key: the shipped p
    was read whatever constants the plan was made with, as ``tco calibrate --fit`` makes them).

    At p = 1 a decode step's weight reads and arithmetic do not overlap at all (their times add): fewer tokens a
    second than at the shipped p, where the step is nearer the longer of the two."""
    from tco import engine, serving

    opt, wl, sc = Option(accelerator()), inference(), scenario()
    p = engine.KnownInputs(engine.numeric_inputs(opt, wl, sc))
    constants = serving.CONSTANTS
    summed = engine.plan_option(opt, wl, sc, market=False, serving_constants=(*constants[:4], 1.0, *constants[5:]))
    shipped = engine.plan_option(opt, wl, sc, market=False)
    assert engine.plan_serving_inputs(summed, p)["overlap"] == 1.0
    assert engine.plan_serving_inputs(shipped, p)["overlap"] == serving.OVERLAP_EXPONENT > 1.0
    tps = [engine.evaluate_plan(plan, p)["tokens_per_second_per_accelerator"] for plan in (summed, shipped)]
    assert tps[0] < tps[1]


def test_a_time_to_first_token_no_batch_meets_is_the_target_blamed() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_272 (``fixed or 1`` -> ``fixed and 1``: without a fixed replica the
    batch of one was evaluated on a replica of None, a TypeError instead of the error on the target).

    A first token within 1 µs is out of reach: even one sequence's prefill is 2 × 1e11 FLOPs per prompt token on
    at most 64 × 100 TFLOPS. A second per output token is easy. Of the two targets, the first token's is missed."""
    wl = inference(time_per_output_token_ms=1000, time_to_first_token_ms=0.001)
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert (
        exc.value.message == "toy cannot serve toy-serve: no batch meets the latency targets on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers): "
        "a batch of one takes 111.3 ms to the first token at best, on a replica of 32"
    )
    assert (exc.value.where, exc.value.key) == ("toy-serve", "time_to_first_token_ms")


def test_a_sweep_of_a_nested_input_s_value_sweeps_the_input() -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_50 (``rest_parts[-1]`` -> ``rest_parts[+1]``: the
    ``.value`` of a path of three parts, ``peak.bf16_tflops.value``, was not read as the input itself).

    The toy's MFU of 0.5 is final: tokens/s = peak × 0.5 / (6N + 12·L·d·s) = peak × 0.5 / (6e9 + 1.2e8) per
    accelerator, 8,169.9 at 100 TFLOPS and half that at 50."""
    run = tco.sweep(Inputs([Option(accelerator())], training(), scenario()), ["toy.peak.bf16_tflops.value=50,100"])
    rows = list(run.results)
    assert [r["toy.peak.bf16_tflops.value"] for r in rows] == [50.0, 100.0]
    flops = 6 * 1e9 + 12 * 10 * 1000 * 1000
    assert [r["tokens_per_second_per_accelerator"] for r in rows] == [pytest.approx(p * 1e12 * 0.5 / flops) for p in (50, 100)]


def test_a_winner_across_the_whole_range_keeps_the_note_on_unresolved_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in the seed-44 round (while killing x__refined_at_steps__mutmut_56): where the refinement's budget ran
    out, the note "crossings there may be missed" was added to every message but "X wins across the whole range",
    the one it qualifies most (l40s against h100-sxm on assistant-7b over 1e9 .. 1e14 tokens a day leaves 958
    brackets and said only "h100-sxm wins across the whole range").

    Here with a budget of 1 extra point: the batch cap moves both toys' serving plans alike (the same fleet at
    every cap, so the dear one, at twice the price, costs more everywhere), their fleets step between scan points
    of the 65-point scan of 1 .. 256, and one extra point cannot refine them all."""
    import sys

    breakeven_module = sys.modules["tco.analysis.breakeven"]
    monkeypatch.setattr(breakeven_module, "REFINE_BUDGET", 1)
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="dear", price_usd=20000))], inference(), scenario())
    msg = tco.breakeven(inputs, "toy", "dear", param="workload.max_batch", value_range=(1, 256)).message
    assert msg.startswith("no tie for workload.max_batch in [1, 256]: toy wins across the whole range; between ")
    assert msg.endswith(
        " pairs of scan points a fleet or replica count steps more often than 1 extra points resolve: "
        "crossings there may be missed (narrow --range)"
    )
