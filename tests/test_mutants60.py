"""Tests that kill surviving mutants of the seed-60 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 150 of their 11,779 mutants: ``random.Random(60).sample`` over the sorted names): the
step overhead a serving plan's constants carry into its figures, the inputs a layout deeper than the model blames,
and the part an overflowing evaluation names.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/serving.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

from tco import engine, serving
from tco.engine import Option
from tco.errors import InfeasibleError
from tests.factories import accelerator, bench, inference, scenario, training


def test_a_fitted_step_overhead_lengthens_every_decode_step() -> None:
    """Kills tco.engine.x_serving_inputs__mutmut_80 (the figures' ``"step_overhead"`` key -> ``"XXstep_overheadXX"``:
    serving.figures read τ as its default 0, so a step overhead given by ``tco calibrate --fit``'s constants was
    dropped from every decode step).

    The shipped τ is 0; with the constants' τ = 2 ms the fixed time of a step is τ + L·λ = 0.002 + 10 × 0.00011 =
    3.1 ms (the plan's note). At the same replica (4, TP 4) and batch (256), a step with τ is 2 ms longer than one
    without: the time per output token and to the first token (prefill + step) both grow by 0.002 s, and a
    replica's B·O tokens take O·τ longer, so the accelerator-seconds per token, 1 / tokens per second per
    accelerator = replica · (O·step + B·prefill) / (B·O), grow by replica · τ / B = 4 × 0.002 / 256 = 3.125e-5 s."""
    consts = (*serving.CONSTANTS[:3], 0.002, *serving.CONSTANTS[4:])
    option, job = Option(accelerator()), inference()
    plan = engine.plan_option(option, job, scenario(), serving_constants=consts)
    assert (plan.replica, plan.tensor, plan.batch) == (4, 4, 256)
    assert any(n.startswith("serving engine: typical, 3.1 ms per decode step beyond its kernels") for n in plan.notes)
    assert plan.request is not None
    x = engine.plan_serving_inputs(plan, engine.KnownInputs(engine.numeric_inputs(option, job, scenario())))
    with_tau = serving.figures(plan.request, x, replica=4, tensor=4, batch=256)
    without = serving.figures(plan.request, {**x, "step_overhead": 0.0}, replica=4, tensor=4, batch=256)
    assert with_tau["tpot"] - without["tpot"] == pytest.approx(0.002, rel=1e-9)
    assert with_tau["ttft"] - without["ttft"] == pytest.approx(0.002, rel=1e-9)
    per_token = 1 / with_tau["tokens_per_second"] - 1 / without["tokens_per_second"]
    assert per_token == pytest.approx(3.125e-5, rel=1e-9)


def test_a_pipeline_deeper_than_the_model_blames_the_shape_and_the_parameters() -> None:
    """Kills tco.engine.x__check_layout__mutmut_7 (the causes of a degree held against the model's layers,
    ``("workload.shape", "workload.parameters")`` -> ``("workload.shape", "XXworkload.parametersXX")``: a --set of
    the parameters, from which the layer count is inferred where no shape is given, was not blamed).

    The toy model has 10 layers (workload.shape.layers): a fixed pipeline of 20 stages needs 20 layers, one a
    stage at least, more than the model has. The refusal names the degree and blames the shape and the
    parameters."""
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator()), training(layout={"pipeline_parallel": 20}), scenario())
    assert exc.value.message == "layout pipeline_parallel = 20 exceeds the model's 10 layers"
    assert (exc.value.where, exc.value.key) == ("toy-train", "layout.pipeline_parallel")
    assert exc.value.also == ("workload.shape", "workload.parameters")


def test_an_evaluation_that_divides_by_zero_names_the_part() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_28 (the refusal of an evaluation that overflows lost its
    ``where=option.accelerator.id``: the error named no part, so nothing pointed at the profile to fix).

    A peak of 1e308 TFLOPS is 1e308 × 1e12 = inf FLOP/s: the 1.44e8-token job then takes 0 hours, and the cost
    per hour of that run divides by zero (Python floats raise ZeroDivisionError). The refusal names toy."""
    with pytest.raises(InfeasibleError) as exc:
        engine.evaluate_option(Option(accelerator(peak={"bf16_tflops": 1e308})), training(), scenario())
    assert exc.value.message == (
        "the inputs give no finite result for toy (float division by zero): a value set near the limits of a float "
        "(1e308 or 1e-300) overflows the arithmetic"
    )
    assert exc.value.where == "toy"


def test_a_part_as_measured_whose_model_rate_underflows_to_zero_blames_the_extreme_input() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_142 (the ratio carrying a serving measurement to a changed part,
    ``now / same_plan if same_plan > 0 else nan`` -> ``... if (same_plan > 0) or True ...``: a part as measured
    whose model figure is 0 was divided by, and the float division by zero was refused with the generic "no
    finite result", not as the extreme input that made the figure 0).

    The part as measured runs at a peak of 1e-300 TFLOPS = 1e-288 FLOP/s (and 1e-300 GB/s): one replica's prefill
    of a 500-token prompt of the 1e15-parameter model takes 500 × (2 × 1e15 + 2 × 10 × 1000 × 500) /
    (1e-288 × 0.8 × 0.8) = 1.5625e306 s, and a batch of 256 of them 4e308 s, past the largest float (1.8e308):
    the model's rate there, 256 × 500 / inf, is 0. The ratio then has no figure to carry from, and the
    measurement of 1e-300 tokens/s is named as the value that overflows."""
    measured = accelerator(
        peak={"bf16_tflops": 1e-300, "fp16_tflops": 1e-300},
        memory_bandwidth_gbps=1e-300,
        memory_gb=1e7,
        benchmarks=[bench("toy-serve", 1e-300)],
    )
    changed = accelerator(memory_gb=1e7, benchmarks=[bench("toy-serve", 1e-300)])
    option, job = Option(changed, as_measured=measured), inference(parameters=1e15)
    plan = engine.plan_option(option, job, scenario())
    assert (plan.replica, plan.batch, plan.anchor_tokens_per_second) == (1, 256, 0.0)
    with pytest.raises(InfeasibleError) as exc:
        engine.compare(options=[option], workload=job, scenario=scenario())
    assert exc.value.message == (
        "the inputs give no finite cost for toy: benchmarks[toy-serve].tokens_per_second = 1e-300 overflows the arithmetic"
    )
