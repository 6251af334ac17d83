"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
10,642 mutants, seed 46; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import pytest

import tco
from tco import analysis, engine
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import OptionStatus, TrainingWorkload
from tests.factories import accelerator, bench, inference, scenario, training


def test_an_incomplete_option_is_listed_before_an_infeasible_one() -> None:
    """Kills tco.engine.x_compare__mutmut_281 (``incomplete: 1`` -> ``incomplete: 2`` in the status order: an
    incomplete and an infeasible option tied, and stayed in the order given).

    The results sort ranked (0), then incomplete (1), then infeasible (2). Given as [big, np, toy]: ``big`` has
    1 GB, and the training state of 1e9 parameters needs at least 21 of them, not the workload's 4 (infeasible);
    ``np`` has no price (incomplete, it lacks np.price_usd); ``toy`` is ranked 1. The order is toy, np, big."""
    big = accelerator(id="big", memory_gb=1)
    no_price = accelerator(id="np", price_usd=None)
    res = compare(options=[Option(big), Option(no_price), Option(accelerator())], workload=training(), scenario=scenario())
    assert [(r.accelerator, r.status) for r in res.results] == [
        ("toy", OptionStatus.ranked),
        ("np", OptionStatus.incomplete),
        ("big", OptionStatus.infeasible),
    ]
    assert res.results[1].missing_inputs == ["np.price_usd"]


def test_a_layout_whose_replicas_fill_the_count_but_one_blames_the_replica_size() -> None:
    """Kills tco.engine.x__idle_reason__mutmut_11 (``count // replica > data_parallel`` -> ``>=``: a count that
    holds exactly the replicas used, plus a remainder, was said to leave replicas out for failures).

    A 6,000,000-token sequence's activations with full recomputation are 6e6 × 1,000 × 2 bytes × 10 layers =
    1.2e11 bytes: more than one toy's 0.9 × 100 = 90 GB, half of it (CP 2) fits. On 5 toys the replicas of 2 give
    DP 2 and 1 idle: 5 // 2 = 2 = DP, so no whole replica is left out; the count is no multiple of 2. The batch of
    8 sequences does not bound DP 2. On 6 toys, DP 3 leaves none idle."""
    wl = training(seq_len=6_000_000, global_batch_tokens=48_000_000, training_tokens=1e10)

    def layout(count: int) -> str:
        plan = engine.plan_option(Option(accelerator(mfu=None), count=count), wl, scenario(), market=False)
        return next(n for n in plan.notes if n.startswith("layout: "))

    assert layout(5) == (
        "layout: TP 1 × PP 1 × DP 2 × CP 2, recompute full, ZeRO-1, 1 idle (the count is not a multiple of one replica's 2 accelerators)"
    )
    assert layout(6) == "layout: TP 1 × PP 1 × DP 3 × CP 2, recompute full, ZeRO-1"


def test_a_sequence_too_long_for_an_inferred_shape_blames_the_length_then_the_parameters() -> None:
    """Kills tco.engine.x__sequence_causes__mutmut_19 (the inferred shape's cause spelled ``WORKLOAD.PARAMETERS``,
    a path no input has, before the real ``workload.parameters``).

    Without a shape, 1e9 parameters infer 20 layers of d_model 2,048: full recomputation keeps each layer's input,
    1e9 tokens × 2,048 × 2 bytes × 20 layers = 8.192e13 bytes over the 4 toys of a node, 20,480 GB each against
    0.9 × 100 = 90 GB. The shape comes from the parameter count, so the length is blamed first, then the
    parameters, then the other workload sizes, each once."""
    with pytest.raises(tco.InfeasibleError) as exc:
        wl = training(shape=None, seq_len=1_000_000_000, training_tokens=1e12)
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert exc.value.message == (
        "activations of one 1,000,000,000-token sequence (20,480.0 GB per device even with full recomputation over a node) "
        "exceed toy's usable memory (90.0 GB)"
    )
    assert exc.value.also == (
        "workload.seq_len",
        "workload.parameters",
        "workload.global_batch_tokens",
        "workload.shape",
        "workload.stages",
    )


def test_a_measured_plan_is_evaluated_from_a_plain_mapping() -> None:
    """Kills tco.engine.x__anchored__mutmut_8 (a plain mapping's copy ``dict(p)`` -> ``dict(None)``: TypeError).

    ``evaluate_plan`` takes any mapping of the flat inputs. A part measured at 1,234 tokens/s on the job (at its
    node of 4, the run's count) is anchored at its own specifications; evaluated at 4 from a plain ``dict`` it gives
    the measured 1,234 tokens/s per accelerator, as from :class:`tco.engine.KnownInputs`."""
    measured = accelerator(mfu=None, benchmarks=[bench("toy-train", 1234)])
    option = Option(measured, count=4)
    plan = engine.plan_option(option, training(), scenario())
    assert dict(plan.anchor)["accel.peak.bf16_tflops"] == 100.0
    base = engine.numeric_inputs(option, training(), scenario())
    out = engine.evaluate_plan(plan, dict(base))
    assert out["tokens_per_second_per_accelerator"] == 1234.0
    known = engine.evaluate_plan(plan, engine.KnownInputs(base))
    assert out["tokens_per_second_per_accelerator"] == known["tokens_per_second_per_accelerator"]


def test_fp4_weights_without_a_vocabulary_name_their_4_bits() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_92 (the note's ``4``-bit weights written ``5``-bit).

    FP4 weights are 0.5 bytes a parameter (< 2, and not the 1 byte of FP8): the note names 4-bit weights; FP8
    ones name 8-bit."""
    acc = accelerator(peak={"fp8_tflops": 200, "fp4_tflops": 400})

    def note(precision: str) -> list[str]:
        res = compare(options=[Option(acc)], workload=inference(precision=precision, parameters=1e9), scenario=scenario())
        return [n for n in res.results[0].notes if n.startswith("vocabulary unknown")]

    assert note("fp4") == ["vocabulary unknown: the 16-bit embedding matrices of 4-bit weights are not counted (give workload.shape.vocab)"]
    assert note("fp8") == ["vocabulary unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give workload.shape.vocab)"]


def test_a_tdp_below_the_measured_power_is_still_swept_by_sensitivity() -> None:
    """Kills tco.analysis.common.x__read_keys__mutmut_29 (the 50 % probe ``× 1.5`` -> ``÷ 1.5``: an input read
    through a maximum was not found to be read, and left out of the tornado).

    Measured at 550 W, the toy's facility power is max(TDP, 550 W): the TDP of 500 W moves nothing at +1 % (505 W)
    or −33 % (333 W), only at +50 % (750 W). Its ±20 % swing: at 400 W the figures stay; at 600 W the facility bill
    grows by 4 toys × 50 W × 1.5 / 1,000 = 0.3 kW × $100 × 12 months × 20 owned hours (10 h at a utilization of
    0.5) / 8,766 h a year = 7,200 / 8,766 = $0.8214."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000, power_w=550)])
    res = tco.sensitivity(Inputs([Option(acc)], training(), scenario()))
    rows = {r.param: r for r in res.rows}
    row = rows["toy.tdp_w"]
    central = res.central_effective_cost_usd["toy"]
    assert (row.low, row.high) == (400.0, 600.0)
    assert row.effective_cost_low_usd["toy"] == pytest.approx(central, rel=1e-12)
    assert row.effective_cost_high_usd["toy"] - central == pytest.approx(7200 / 8766, rel=1e-9)
    assert row.swing_usd["toy"] == pytest.approx(7200 / 8766, rel=1e-9)


def test_a_breakeven_of_a_replanned_input_resolves_its_fleet_steps_within_the_budget() -> None:
    """Kills tco.analysis.breakeven.x__refined_at_steps__mutmut_41 (``right - left`` -> ``right + left`` in a
    bracket's width: every bracket whose fleet steps stayed wide, was halved down to adjacent floats and past the
    1,024-point budget, and the message claimed crossings there might be missed).

    Over 1e9 .. 1e10 tokens a day the demand moves both plans, and the fleets of l40s and h100-sxm step between
    points of the 65-point scan (linear: one decade is not the three a log scan needs). A bracket where a count
    steps is halved until it is narrower than 0.1 % of its value: a bracket of (1e10 − 1e9) / 64 = 1.4e8, 14 % of
    1e9 at most, needs at most log2(141) < 8 halvings, well within the 1,024 extra points, so none is left
    unresolved: no note, and h100-sxm wins throughout (the mutant reports
    186 brackets left unresolved)."""
    inputs = tco.load_inputs(["l40s", "h100-sxm"], workload="assistant-7b")
    res = tco.breakeven(inputs, "l40s", "h100-sxm", param="workload.tokens_per_day", value_range=(1e9, 1e10))
    assert res.message == "no tie for workload.tokens_per_day in [1e+09, 1e+10]: h100-sxm wins across the whole range"
    assert res.value is None


def test_a_breakeven_over_a_non_numeric_field_names_the_param_flag() -> None:
    """Kills tco.analysis.common.x_resolve_target__mutmut_12 (an error raised without a ``where`` kept none, not
    the flag that gave the path).

    ``workload.precision`` is a field, but not a number: the error is the --param flag's."""
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="dear", price_usd=20000))], training(), scenario())
    with pytest.raises(tco.InputError) as exc:
        analysis.breakeven(inputs, "toy", "dear", param="workload.precision")
    hint = " (to compare its values, sweep them: tco sweep ... --vary workload.precision=A,B)"  # (since session 60)
    assert (exc.value.message, exc.value.where, exc.value.key) == ("is not a numeric input" + hint, "--param", "workload.precision")


def test_a_what_if_over_the_high_end_of_a_range_is_refused() -> None:
    """Kills tco.analysis.common.x_resolve_target__mutmut_28 (``("low", "high")`` -> ``("low", "HIGH")``: a
    quantity's high end was varied as if it were an input, every value giving the same figures).

    ``toy.price_usd.high`` is the upper end of the price's range: only sensitivity and simulate read it."""
    inputs = Inputs([Option(accelerator())], training(), scenario())
    with pytest.raises(tco.InputError) as exc:
        tco.what_if(inputs, {"toy.price_usd.high": [1.0, 2.0]})
    assert exc.value.message == (
        "an end of toy.price_usd's range, which only sensitivity and simulate read: no figure here changes with it; "
        "vary toy.price_usd instead (for sensitivity or simulate, set the end with --set)"
    )
    assert exc.value.key == "toy.price_usd.high"


def test_a_sweep_planning_one_moe_option_too_often_says_it_is_one() -> None:
    """Kills tco.analysis.sweep.x_iter_sweep__mutmut_82 (``' is'`` -> ``' IS'`` for one option).

    deepseek-v3 is an MoE job: at most 2,048 // 16 = 128 plans; 129 sequence lengths on one option are 129."""
    inputs = tco.load_inputs(["h100-sxm"], workload="deepseek-v3")
    with pytest.raises(tco.InputError) as exc:
        tco.sweep(inputs, ["workload.seq_len=4096:5120:129"])
    assert exc.value.message == (
        "1 option is planned anew at each of 129 values: at most 128 plans (options × values; an MoE job's plan costs "
        "about 16× a dense one's); sweep fewer values or fewer options"
    )
    assert exc.value.key == "workload.seq_len"


def test_sizing_to_a_deadline_with_an_unknown_pue_leaves_the_facility_power_unknown() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_132 (the PUE's default NaN dropped: an unknown PUE read as None,
    and the facility power's product raised TypeError).

    The deadline does not need the PUE: 1 toy takes 7 × (4 + 2) = 42 days to market plus a run of
    1.44e8 × (6 × 1e9 + 12 × 10 × 1,000 × 1,000) FLOPs / (100e12 × 0.5) = 17,625.6 s = 4.896 h, 0.204 days:
    42.204 ≤ 60. Its facility power (1 × 500 W × 1.5 × PUE) and the job cost need the PUE: unknown."""
    inputs = Inputs([Option(accelerator())], training(), scenario(pue={"value": None}))
    (o,) = tco.size(inputs, deadline_days=60).options
    assert (o.feasible, o.count, o.message) == (True, 1, "1 × toy meets deadline_days = 60")
    assert o.time_to_market_days == pytest.approx(42 + 4.896 / 24, rel=1e-12)
    assert o.time_to_converge_hours == pytest.approx(4.896, rel=1e-12)
    assert o.facility_power_kw is None and o.job_cost_usd is None
    assert o.missing_inputs == ["scenario.pue"]


def test_a_budget_below_the_fleet_s_purchase_shows_the_purchase_as_money() -> None:
    """Kills tco.analysis.sizing.x__outlay_note__mutmut_11 (the note's purchase formatted as a plain number,
    ``2.62144e+09``, not as the money it is).

    Measured at 1,000 tokens/s each, the job costs about $65–69 on any count (its accelerator-hours do not change),
    so a $100 budget takes the largest count searched, 131,072: buying them costs 131,072 × $10,000 × 2.0 (server
    overhead) = $2,621,440,000, more than the budget."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])
    (o,) = tco.size(Inputs([Option(acc)], training(), scenario()), budget_usd=100).options
    assert o.count == 131072
    assert o.capex_usd == 131072 * 20000
    assert o.message == (
        "131,072 × toy meets budget_usd = $100 (the largest count searched, 131,072: more may fit) "
        "(the job's cost; buying them costs $2,621,440,000 up front)"
    )


def test_a_changed_job_carries_the_run_from_the_job_planned_at_the_run_s_own_count() -> None:
    """Kills tco.engine.x__plan_option__mutmut_106 (the job as published planned at the workload's count, not at
    the run's: where the published job does not fit on the workload's count, the run was dropped as one the model
    cannot place, and the changed job derived).

    The published job, 2e10 parameters (40 layers of d_model 6,000), needs at least 5 toys and names 2; its run
    was measured at 100 tokens/s on 8. Planned at the run's 8 it fits, and the changed job (2,000-token sequences)
    is carried by the model's ratio on 8 toys: 100 × model(changed) / model(published), the two figures of a toy
    with no run."""
    job = {"parameters": 2e10, "shape": {"layers": 40, "d_model": 6000}, "accelerator_count": 2, "training_tokens": 1e9}
    published, changed = training(**job), training(**{**job, "seq_len": 2000})
    acc = accelerator(mfu=None, benchmarks=[bench("toy-train", 100, accelerator_count=8)])
    (row,) = compare(options=[Option(acc, count=8, workload_as_measured=published)], workload=changed, scenario=scenario()).results
    assert "the published run of toy on toy-train is carried to the changed workload by the model's ratio" in row.notes
    assert row.throughput_source is not None and row.throughput_source.value == "measured"

    def model(wl: TrainingWorkload) -> float:
        (r,) = compare(options=[Option(accelerator(mfu=None), count=8)], workload=wl, scenario=scenario()).results
        assert r.tokens_per_second_per_accelerator is not None
        return r.tokens_per_second_per_accelerator

    ratio = model(changed) / model(published)
    assert 0 < ratio < 1  # (longer sequences: more attention FLOPs a token)
    assert row.tokens_per_second_per_accelerator == pytest.approx(100 * ratio, rel=1e-9)


@pytest.mark.parametrize(
    ("mfu", "notes"),
    [
        (0.5, ["toy.mfu is not used: the published run of toy on toy-train is (workload.mfu comes before it)"]),
        (None, []),
    ],
)
def test_a_part_s_mfu_beside_its_published_run_is_said_to_be_unused(mfu: float | None, notes: list[str]) -> None:
    """Kills tco.engine.x__plan_option__mutmut_394 (``mfu_key == "accel.mfu"`` -> ``!=``: a part with an MFU and
    a run was said to use the MFU as final, and one with a run and no MFU was said not to use an MFU it lacks).

    The run of the toy on toy-train comes before its own MFU (0.5): the MFU is noted as unused; without one,
    nothing is said of an MFU."""
    acc = accelerator(mfu=mfu, benchmarks=[bench("toy-train", 1000)])
    (row,) = compare(options=[Option(acc)], workload=training(), scenario=scenario()).results
    assert [n for n in row.notes if "mfu" in n.lower()] == notes


def test_an_unknown_checkpoint_save_time_judges_layouts_as_if_saves_were_free() -> None:
    """Kills tco.engine.x_stage_inputs__mutmut_80 (an unknown checkpoint save read as 1 minute, not 0, when
    layouts are judged by speed × goodput).

    With 10 failures per accelerator-day and 10-minute restarts on 8 toys, free saves favour DP 7 (1 idle) and
    1-minute saves DP 5 (3 idle): an unknown save time leaves raw speed and restarts to decide, as free saves do."""

    def layout(save: object) -> str:
        sc = scenario(checkpoint_save_minutes=save, failure_rate_per_accelerator_day=10, restart_minutes=10)
        plan = engine.plan_option(Option(accelerator(mfu=None), count=8), training(), sc, market=False)
        return next(n for n in plan.notes if n.startswith("layout: "))

    reason = (
        " (fewer replicas lose less to failures: layouts are judged by speed × goodput; "
        "scenario.failure_rate_per_accelerator_day and restart_minutes set it)"
    )
    assert layout(0) == "layout: TP 1 × PP 1 × DP 7, recompute none, ZeRO-3, 1 idle" + reason
    assert layout(1) == "layout: TP 1 × PP 1 × DP 5, recompute none, ZeRO-3, 3 idle" + reason
    assert layout({"value": None}) == layout(0)
