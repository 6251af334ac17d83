"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform sample of 80 of their 10,174
mutants, seed 56): the serving engine's note and its blame when only a tuned engine meets the TPOT target, a measured
serving rate carried to changed hardware in a vectorized analysis, the points between ends near the float maximum,
and whose problem one unknown workload input is.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py, tco/serving.py and
tco/analysis/common.py (the arithmetic is in each test). The toy parts are tests.factories': the toy accelerator
(100 TFLOP/s BF16, 100 GB, 1000 GB/s, 4 per node) and the toy service (10 layers of width 1000)."""

from __future__ import annotations

import numpy as np
import pytest

from tco import engine, serving
from tco.analysis.common import linspace, missing_error
from tco.engine import Option
from tco.errors import InfeasibleError, MissingInputError
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario

approx = pytest.approx

# τ + L · λ of a typical engine on the toy service's 10 layers, in ms: (0 + 10 · 0.00011) · 1000 = 1.1; of a
# tuned one (0 + 10 · 0.000025) · 1000 = 0.25.
TYPICAL_MS = (serving.STEP_OVERHEAD_S + 10 * serving.LAYER_OVERHEAD_TYPICAL_S) * 1000.0


def test_the_constants_the_engine_notes_are_worked_from() -> None:
    """The hand arithmetic below rests on τ = 0, λ_typ = 0.11 ms and λ_tuned = 0.025 ms (tco/serving.py's fitted
    constants)."""
    assert serving.STEP_OVERHEAD_S == 0.0 and serving.LAYER_OVERHEAD_TYPICAL_S == 0.00011 and serving.LAYER_OVERHEAD_TUNED_S == 0.000025
    assert f"{TYPICAL_MS:.3g}" == "1.1"


# --------------------------------------------------------------------------- plan_serving: the engine's note


@pytest.mark.parametrize(
    ("tuning", "note"),
    [
        (
            "typical",
            "serving engine: typical, 1.1 ms per decode step beyond its kernels"
            " (workload.tuning = tuned: a vendor-tuned engine such as TensorRT-LLM)",
        ),
        ("tuned", "serving engine: tuned, 0.25 ms per decode step beyond its kernels"),
    ],
)
def test_the_serving_engine_note_names_the_time_per_step_and_hints_at_a_tuned_engine_only_for_a_typical_one(tuning: str, note: str) -> None:
    """Kills x_plan_serving__mutmut_404 (a tuned engine's note ends with "XXXX" where it ends with nothing).

    Typical: τ + L · λ_typ = 0 + 10 · 0.11 ms = 1.1 ms, and the hint names the tuned engine. Tuned:
    τ + L · λ_tuned = 0 + 10 · 0.025 = 0.25 ms, and there is no hint to give."""
    plan = engine.plan_option(Option(accelerator()), inference(tuning=tuning), scenario())
    assert [n for n in plan.notes if n.startswith("serving engine:")] == [note]


# --------------------------------------------------------------------------- plan_serving: a target only a tuned engine meets


def test_a_tpot_target_below_the_typical_engines_own_time_per_step_names_the_engine() -> None:
    """Kills x_plan_serving__mutmut_337 (the engine's time never named: ``engine_time`` always "").

    A 1e8-parameter toy service with a TPOT target of 1 ms. A typical engine spends τ + L · λ_typ = 1.1 ms per step
    beyond its kernels, more than the target by itself, so no batch on any replica meets it. With λ_tuned the
    single-request step on one toy reads its 2e8 B of 16-bit weights in about 2e8 / (1000e9 · e_bw) = 0.2–0.4 ms,
    with τ + L · λ_tuned = 0.25 ms under 1 ms: a tuned engine meets the target (it runs, below), so the error names
    the engine's time, 1.1 ms, and the tuned engine's 0.25 ms, and blames the tuning as well as the target."""
    typical = inference(parameters=1e8, time_per_output_token_ms={"value": 1})
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(accelerator()), typical, scenario())
    err = info.value
    assert "no batch meets the latency targets" in str(err)
    assert str(err).endswith(
        "on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers): "
        "a batch of one takes 1.369 ms per output token at best, on a replica of 32 "
        "(a typical engine spends 1.1 ms per decode step beyond its kernels; workload.tuning = tuned: a vendor engine's 0.25 ms)"
    )
    assert err.where == "toy-serve" and err.key == "time_per_output_token_ms" and err.also == ("tuning",)
    tuned = engine.plan_option(
        Option(accelerator()), inference(parameters=1e8, time_per_output_token_ms={"value": 1}, tuning="tuned"), scenario()
    )
    assert tuned.replica >= 1 and tuned.batch >= 1


# --------------------------------------------------------------------------- evaluate_plan: a measured rate carried in arrays


def test_a_vectorized_analysis_carries_a_measured_serving_rate_to_changed_bandwidth() -> None:
    """Kills x_evaluate_plan__mutmut_132 (the serving model's figure for the changed part computed without the
    analysis's ``ops``: scalar operations on arrays).

    The toy, measured at 2000 tokens/s per accelerator on the toy service, varied in memory bandwidth as an analysis
    does (arrays of inputs, numpy's ops). At 1000 GB/s, the part as measured, the measurement stands exactly:
    2000. At 2000 GB/s it is carried by the model's ratio, the same number the scalar evaluation gives for that
    point alone (point by point, an array of inputs is the inputs one at a time)."""
    measured = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 2000)])
    option, workload, scen = Option(measured, count=8), inference(), scenario()
    plan = engine.plan_option(option, workload, scen)
    assert plan.anchor and dict(plan.anchor)["accel.memory_bandwidth_gbps"] == 1000.0
    p = engine.KnownInputs(engine.numeric_inputs(option, workload, scen))
    one = engine.KnownInputs(dict(p))
    one["accel.memory_bandwidth_gbps"] = 2000.0
    alone = float(engine.evaluate_plan(plan, one)["tokens_per_second_per_accelerator"])
    assert alone > 2000.0  # (a faster part, carried up from the measurement)
    p["accel.memory_bandwidth_gbps"] = np.array([1000.0, 2000.0])
    out = engine.evaluate_plan(plan, p, np)
    assert out["tokens_per_second_per_accelerator"] == approx([2000.0, alone], rel=1e-12)


# --------------------------------------------------------------------------- common.linspace near the float maximum


def test_points_between_ends_near_the_float_maximum_are_evenly_spaced() -> None:
    """Kills x_linspace__mutmut_17 (t from 0 to 2, not 0 to 1).

    hi − lo = 2e308 overflows, so the points are lo · (1 − t) + hi · t with t = 0, 1/2, 1: −1e308, 0, 1e308 (the
    mutant's t = 0, 1, 2 puts 1e308 in the middle). With 5 points, t = 1/4 gives −0.75e308 + 0.25e308 = −5e307."""
    assert linspace(-1e308, 1e308, 3).tolist() == [-1e308, 0.0, 1e308]
    assert linspace(-1e308, 1e308, 5).tolist() == approx([-1e308, -5e307, 0.0, 5e307, 1e308], rel=1e-12)


# --------------------------------------------------------------------------- common.missing_error: whose problem


def test_one_unknown_workload_input_is_the_workloads_problem_and_a_scenario_input_the_scenarios() -> None:
    """Kills x_missing_error__mutmut_26 (a workload input blamed on "workload", not on the workload's id).

    The docstring: one unknown workload or scenario input is the workload's (``workload_id``) or the scenario's
    problem, told once however many options it stops."""
    err = missing_error({"toy": ["workload.parameters"], "toy@8": ["workload.parameters"]}, "toy-serve")
    assert isinstance(err, MissingInputError)
    assert (err.where, err.key) == ("toy-serve", "parameters")
    assert str(err) == "toy-serve: parameters: unknown, and the analysis needs it; give it with --set workload.parameters=VALUE"
    err = missing_error({"toy": ["scenario.pue"]}, "toy-serve")
    assert isinstance(err, MissingInputError) and (err.where, err.key) == ("scenario", "pue")
