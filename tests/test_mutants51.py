"""Tests that kill surviving mutants of the engine and the analyses (mutmut 3.8.1, a uniform sample of 200 of the
12,275 mutants of ``tco/engine.py``, ``tco/training.py``, ``tco/serving.py`` and ``tco/analysis/*.py``, seed 51,
run against the mutmut test selection of pyproject.toml): sizing a part whose power overhead is unknown, a
break-even range of zero width, the label of a dense model's active-parameter swing and the key of a tornado
against an identical configuration.

Every expected value is worked out by hand from the formulas in the docstrings (the arithmetic is in each test).
"""

from __future__ import annotations

import numpy as np
import pytest

from tco import analysis, engine
from tco.engine import Option
from tco.errors import InfeasibleError, InputError
from tco.inputs import Inputs
from tco.models import Accelerator, Currency, InferenceWorkload
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario, training

approx = pytest.approx

# --------------------------------------------------------------------------- engine: serving errors and currencies


def test_a_model_too_large_for_any_replica_blames_memory_and_the_model_size() -> None:
    """1e12 bf16 parameters are 2e12 B = 2,000 GB of weights; the largest replica tried, 32 toys of 1 GB (8 pipeline
    stages of a 4-toy node: 64 would be 16 stages, more than the model's 10 layers), holds 32 GB: the weights and one
    sequence do not fit. The part's memory takes the blame, and the model's size inputs may too (a --set of one of
    them), not the engine's tuning."""
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(memory_gb=1)), inference(parameters=1e12), scenario(), market=False)
    assert exc.value.message == (
        "toy cannot serve toy-serve: the weights and one sequence do not fit on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers)"
    )
    assert (exc.value.where, exc.value.key) == ("toy", "memory_gb")
    assert exc.value.also == engine.SERVING_SIZE
    assert "workload.parameters" in exc.value.also and "tuning" not in exc.value.also


def test_a_time_per_token_no_engine_can_meet_blames_the_target_alone() -> None:
    """A 1 µs time per output token: one decode step reads the 2e11 B of weights at 1,000 GB/s (at least
    2e11 / (64 · 1e12) = 3.1 ms even on 64 devices), so no batch meets it, even without the typical engine's own
    time per step: the workload's target takes the blame and nothing else (``also`` is empty, not the tuning)."""
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator()), inference(time_per_output_token_ms=0.001), scenario(), market=False)
    assert (
        exc.value.message == "toy cannot serve toy-serve: no batch meets the latency targets on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers): "
        "a batch of one takes 60.24 ms per output token at best, on a replica of 32"
    )
    assert (exc.value.where, exc.value.key, exc.value.also) == ("toy-serve", "time_per_output_token_ms", ())


def test_a_stage_judges_its_layouts_with_the_scenario_failure_inputs() -> None:
    """The layouts are judged by tokens/s × goodput under failures (tco.training.evaluate reads failure_rate,
    save_minutes and restart_minutes): the stage inputs carry the scenario's three values as given."""
    sc = scenario(failure_rate_per_accelerator_day=0.01, checkpoint_save_minutes=3, restart_minutes=7)
    plan = engine.plan_option(Option(accelerator(mfu=None), 8), training(), sc)
    flat = engine.KnownInputs(engine.numeric_inputs(Option(accelerator(mfu=None), 8), training(), sc))
    x = engine.stage_inputs(plan.stages[0], flat, plan.active_key)
    assert (x["failure_rate"], x["save_minutes"], x["restart_minutes"]) == (0.01, 3.0, 7.0)


def test_a_16_bit_stage_on_a_part_without_its_peak_uses_the_other_16_bit_peak() -> None:
    """An fp16 job with a bf16 stage on a toy that lists only an fp16 peak: the stage runs at the fp16 peak (a
    16-bit format either way), and the note says it uses that peak, not that the job falls back to 16-bit."""
    acc = accelerator(peak={"bf16_tflops": None})
    wl = training(precision="fp16", stages=[{"name": "ext", "tokens": 1.44e8, "precision": "bf16"}])
    plan = engine.plan_option(Option(acc), wl, scenario(), market=False)
    assert [n for n in plan.notes if n.startswith("stage ")] == ["stage ext: no bf16 peak in the profile: it uses the fp16 peak"]


def test_a_vectorized_run_carried_past_the_peak_reaches_the_peak_at_most() -> None:
    """A toy of 5.5 GB measured at 16,324 tokens/s on 4: the model FLOPs per token are F = 6N + 12 · L · d · s
    = 6e9 + 12 · 10 · 1000 · 1000 = 6.12e9, so the run's MFU is 16,324 · 6.12e9 / 1e14 = 0.99903. An analysis that
    gives the part 100 GB (less recomputation, about 1.1 % faster in the model) carries it past MFU 1: not the part
    as measured, so it reaches the peak at most, MFU 1 and peak / F = 1e14 / 6.12e9 = 16,339.87 tokens/s (not
    NaN). At 5.5 GB the run stands as measured."""
    measured = accelerator(mfu=None, memory_gb=5.5, benchmarks=[bench("toy-train", 16324)])
    plan = engine.plan_option(Option(measured, count=4), training(), scenario())
    p = engine.KnownInputs(engine.numeric_inputs(Option(measured, count=4), training(), scenario()))
    p["accel.memory_gb"] = np.array([5.5, 100.0])
    p["count"] = np.array([4.0, 4.0])
    out = engine.evaluate_plan(plan, p, np)
    assert out["tokens_per_second_per_accelerator"] == approx([16324, 1e14 / 6.12e9], rel=1e-9)
    assert out["mfu"] == approx([16324 * 6.12e9 / 1e14, 1.0], rel=1e-9)


def test_a_vectorized_run_above_the_peak_says_nothing_on_a_changed_part_either() -> None:
    """The same toy measured at 24,480 tokens/s: MFU 24,480 · 6.12e9 / 1e14 = 1.498176 on the part as measured,
    more than it can compute. That says nothing anywhere: no figure at 5.5 GB, and none at 100 GB either, where
    the carried MFU (about 1.5) would otherwise be capped to the peak."""
    measured = accelerator(mfu=None, memory_gb=5.5, benchmarks=[bench("toy-train", 24480)])
    plan = engine.plan_option(Option(measured, count=4), training(), scenario())
    p = engine.KnownInputs(engine.numeric_inputs(Option(measured, count=4), training(), scenario()))
    p["accel.memory_gb"] = np.array([5.5, 100.0])
    p["count"] = np.array([4.0, 4.0])
    out = engine.evaluate_plan(plan, p, np)
    assert out["measured_run_mfu"] == approx(1.498176, rel=1e-9)
    assert np.isnan(out["tokens_per_second_per_accelerator"]).all()
    assert np.isnan(out["job_cost_usd"]).all()


def test_a_measured_serving_rate_above_the_peak_blames_the_rate_and_the_peak() -> None:
    """Each generated token costs at least 2 · N_active FLOPs: 1,000 tokens/s of a 1e11-parameter model is
    2e14 FLOP/s, MFU 2e14 / 1e14 = 2.00 of the toy's 100 TFLOPS (at most 500 tokens/s can be computed). The
    benchmark's rate is the key; a --set of the peak may take the blame too."""
    acc = accelerator(benchmarks=[bench("toy-serve", 1000)])
    with pytest.raises(InfeasibleError) as exc:
        engine.evaluate_option(Option(acc), inference(), scenario())
    assert exc.value.message == (
        "the measured 1,000 generated tokens/s per accelerator on toy-serve implies MFU 2.00 (> 1) of the 100 TFLOPS peak "
        "(toy.peak.bf16_tflops): more than the part can compute (2 FLOPs per active parameter per token); "
        "check the measurement and the peak"
    )
    assert (exc.value.where, exc.value.key, exc.value.also) == ("toy", "benchmarks[toy-serve].tokens_per_second", ("peak.bf16_tflops",))


def test_a_measured_serving_run_is_carried_to_a_changed_service_by_the_model_ratio() -> None:
    """A toy (1,000 TFLOPS) measured at 2,000 tokens/s on toy-serve (a typical engine); the service changed to a
    vendor-tuned engine, which drops the typical engine's time per layer (a change no numeric input shows). The run
    is carried by the serving model's ratio, X_run · X_model(changed) / X_model(as published), both on the same
    replica of 4: the model alone (no measurement) gives the two figures; the run is not kept as it was."""

    def row(acc: Accelerator, wl: InferenceWorkload, as_published: InferenceWorkload | None = None) -> float:
        r = engine.compare(options=[Option(acc, workload_as_measured=as_published)], workload=wl, scenario=scenario()).results[0]
        assert r.replica_accelerators == 4 and r.tokens_per_second_per_accelerator is not None
        return r.tokens_per_second_per_accelerator

    published, changed = inference(), inference(tuning="tuned")
    measured, model = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)]), accelerator(peak=SERVING_PEAK)
    ratio = row(model, changed) / row(model, published)
    assert ratio > 1.001  # no time per layer beyond the kernels: faster
    assert row(measured, changed, published) == approx(2000 * ratio, rel=1e-9)


def test_a_measured_serving_part_barred_in_the_market_is_carried_to_a_changed_part_all_the_same() -> None:
    """Survivor #20 of the sample: the analyses plan a barred part with market=False (its figures are shown,
    it never ranks); the model on the part as measured, which a changed part is carried from, must be planned
    the same way, not refused by the market. Barred in cn or not, the changed part's anchor is the same
    model figure on the published toy."""
    barred = {"cn": {"buy": False, "rent": False}}
    published = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)], availability=barred)
    changed = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)], availability=barred, memory_gb=50)
    plan = engine.plan_option(Option(changed, as_measured=published), inference(), scenario(market="cn"), market=False)
    free = engine.plan_option(
        Option(
            accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)], memory_gb=50), as_measured=accelerator(peak=SERVING_PEAK)
        ),
        inference(),
        scenario(),
        market=False,
    )
    assert plan.anchor_tokens_per_second is not None and plan.anchor_tokens_per_second == approx(free.anchor_tokens_per_second, rel=1e-12)


def test_a_money_figure_that_overflows_in_the_currency_names_the_rate() -> None:
    """capex = n · price · k_srv = 4 · 1e9 · 2.0 (the toy's own server overhead) = 8e9 USD; at 1e-300 USD per CNY it
    is 8e309 CNY, over the largest float (1.8e308), so the rate is named without its ``scenario.`` prefix (the
    energy, 0.2754 USD, is 2.754e299 CNY, still finite, and comes after capex anyway)."""
    sc = scenario(usd_per_cny=1e-300)
    comp = engine.compare(options=[Option(accelerator(price_usd=1e9))], workload=training(), scenario=sc)
    assert comp.results[0].capex_usd == 8e9
    with pytest.raises(InputError) as exc:
        engine.in_currency(comp, Currency.CNY, sc)
    assert exc.value.message == "8e+09 USD of toy's capex at 1e-300 USD per CNY overflows a float in CNY: give a larger rate"
    assert (exc.value.where, exc.value.key) == ("scenario", "usd_per_cny")


# --------------------------------------------------------------------------- sizing

UNKNOWN_POWER_FACTOR = accelerator(power_overhead_factor={"value": None})


def test_a_budget_for_a_part_of_unknown_power_factor_names_the_factor() -> None:
    """The job cost needs the facility power, n · P_pk · k_pwr / 1000: with k_pwr unknown (NaN) no count has a known
    cost, so the part cannot be sized and the message names the input (not an internal TypeError)."""
    inputs = Inputs([Option(UNKNOWN_POWER_FACTOR)], training(), scenario())
    with pytest.raises(InfeasibleError) as exc:
        analysis.size(inputs, budget_usd=1e7)
    assert exc.value.message == (
        "toy: cannot be sized: needs toy.power_overhead_factor, which is unknown; "
        "give it with --set toy.power_overhead_factor=VALUE"  # (round 94: the --set that gives it)
    )
    assert exc.value.key == "--budget-usd"


def test_a_deadline_for_a_part_of_unknown_power_factor_is_met_with_its_power_unknown() -> None:
    """The time to market does not need k_pwr: lead time 4 weeks + deployment 2 weeks = 42 days, plus the run,
    so one accelerator meets 100 days; its facility power n · P_pk · k_pwr · PUE / 1000 stays unknown."""
    inputs = Inputs([Option(UNKNOWN_POWER_FACTOR)], training(), scenario())
    r = analysis.size(inputs, deadline_days=100).options[0]
    assert (r.feasible, r.count, r.message) == (True, 1, "1 × toy meets deadline_days = 100")
    assert r.facility_power_kw is None and r.job_cost_usd is None
    assert r.missing_inputs == ["toy.power_overhead_factor"]
    assert r.time_to_converge_hours is not None
    assert r.time_to_market_days == approx(42 + r.time_to_converge_hours / 24, rel=1e-12)


# --------------------------------------------------------------------------- break-even

TWIN = accelerator(id="twin", benchmarks=[bench("toy-train", 1000)])
BENCHED = accelerator(benchmarks=[bench("toy-train", 1000)])


def test_a_breakeven_range_of_zero_width_is_refused() -> None:
    """LO must be below HI: LO = HI = 1000 is no range to scan."""
    inputs = Inputs([Option(BENCHED), Option(TWIN)], training(), scenario())
    with pytest.raises(InputError) as exc:
        analysis.breakeven(inputs, "toy", "twin", param="toy.price_usd", value_range=(1000.0, 1000.0))
    assert (exc.value.message, exc.value.key) == ("expected two finite numbers, the low below the high, got 1000, 1000", "--range")


# --------------------------------------------------------------------------- sensitivity


def test_a_dense_active_parameter_swing_is_cut_at_the_total() -> None:
    """A dense model with active = total = 1e9: the default ±20 % swing of the active count is 0.8e9 .. 1.2e9, cut at
    the total, 0.8e9 .. 1e9, and labelled as what cut it (not the MoE split, there is none)."""
    inputs = Inputs([Option(accelerator())], training(active_parameters=1e9), scenario())
    rows = {r.param: r for r in analysis.sensitivity(inputs).rows}
    row = rows["workload.active_parameters"]
    assert (row.low, row.high, row.central) == (approx(8e8, rel=1e-12), 1e9, 1e9)
    assert row.range_source == "default ±20%, active at most the total"


def test_a_tornado_against_the_same_configuration_is_refused_on_vs() -> None:
    """toy at the workload's count (4) and toy@4 are one configuration: every swing moves both alike."""
    inputs = Inputs([Option(accelerator()), Option(accelerator(), 4)], training(), scenario())
    with pytest.raises(InputError) as exc:
        analysis.sensitivity(inputs, vs=("toy", "toy@4"))
    assert exc.value.message == (
        "'toy@4' costs what toy costs at every input's low and high (the same configuration): "
        "no input can move one against the other; give another option"
    )
    assert exc.value.key == "--vs"
