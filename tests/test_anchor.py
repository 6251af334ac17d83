"""A measured part whose hardware is changed (``--set``, or an analysis varying it) is carried from the
part as measured: X(n) = X_bench · X_model(changed, n) / X_model(as measured, n_bench). Before, the
ratio's denominator used the changed part too, so an A100 with 3 GB of memory came out 56 % faster
than with 80 GB at 64 accelerators (hostile round 7, D8), and at 2 GB there was no figure (D9)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tco
from tco import engine
from tco.engine import Option, compare
from tco.errors import InfeasibleError
from tco.inputs import Inputs
from tests.factories import accelerator, bench, scenario, training

approx = pytest.approx


def tps(acc: Any, n: int, as_measured: Any = None) -> float:
    result = compare(options=[Option(acc, count=n, as_measured=as_measured)], workload=training(), scenario=scenario())
    return float(result.results[0].tokens_per_second_per_accelerator)


def test_a_changed_part_is_carried_from_the_part_as_measured() -> None:
    measured = accelerator(mfu=None, benchmarks=[bench("toy-train", 1234)])  # 100 GB, measured on one node of 4
    changed = accelerator(mfu=None, memory_gb=5.5, benchmarks=[bench("toy-train", 1234)])
    model_100, model_small = accelerator(mfu=None), accelerator(mfu=None, memory_gb=5.5)
    # The model alone: 5.5 GB is slower at 4 (more recomputation), equal at 8.
    assert tps(model_small, 4) < tps(model_100, 4) == tps(model_100, 8) == tps(model_small, 8)
    ratio4 = tps(model_small, 4) / tps(model_100, 4)
    assert tps(changed, 4, as_measured=measured) == approx(1234 * ratio4, rel=1e-12)
    assert tps(changed, 8, as_measured=measured) == approx(1234 * tps(model_small, 8) / tps(model_100, 4), rel=1e-12)
    assert tps(changed, 8, as_measured=measured) == approx(1234, rel=1e-12)  # never above the part as measured
    # The measurement stands exactly at its own count on the part as measured.
    assert tps(measured, 4, as_measured=measured) == 1234
    assert tps(measured, 4) == 1234


def test_a_vectorized_analysis_varies_the_hardware_around_the_part_as_measured() -> None:
    """The analyses evaluate arrays of inputs with the plan's anchor: the nominal part as measured."""
    measured = accelerator(mfu=None, benchmarks=[bench("toy-train", 1234)])
    plan = engine.plan_option(Option(measured, count=8), training(), scenario())
    p = engine.KnownInputs(engine.numeric_inputs(Option(measured, count=8), training(), scenario()))
    p["accel.memory_gb"] = np.array([5.5, 100.0])
    p["count"] = np.array([4.0, 4.0])
    out = engine.evaluate_plan(plan, p, np)
    ratio4 = tps(accelerator(mfu=None, memory_gb=5.5), 4) / tps(accelerator(mfu=None), 4)
    assert out["tokens_per_second_per_accelerator"] == approx([1234 * ratio4, 1234], rel=1e-9)


def _a100(memory_gb: float | None, count: int) -> float:
    sets = [f"a100-80gb.memory_gb={memory_gb}"] if memory_gb is not None else []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs: Inputs = tco.load_inputs([f"a100-80gb@{count}"], workload="gpt3-1.3b", sets=sets)
    assert (inputs.options[0].as_measured is None) == (memory_gb is None)
    return float(tco.compare(inputs).results[0].tokens_per_second_per_accelerator)


def test_less_memory_on_the_article_a100_is_never_faster() -> None:
    nominal = _a100(None, 64)
    assert nominal == 12500  # the seed article's run, carried flat by the model from 8 to 64
    assert _a100(2, 64) < _a100(3, 64) < nominal  # before: 3 GB gave 19,526 tokens/s, 2 GB no figure
    assert _a100(3, 8) < 12500  # at the measured count too: 3 GB is not the part that was measured


def test_a_set_that_leaves_the_hardware_alone_keeps_the_measurement() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inputs = tco.load_inputs(["a100-80gb@8"], workload="gpt3-1.3b", sets=["a100-80gb.price_usd=20000"])
    assert inputs.options[0].as_measured is None
    assert tco.compare(inputs).results[0].tokens_per_second_per_accelerator == 12500


@settings(max_examples=10, deadline=None, derandomize=True)
@given(st.floats(2.5, 200.0), st.floats(2.5, 200.0), st.sampled_from([8, 16, 64]))
def test_more_memory_on_a_measured_part_is_never_slower(a: float, b: float, count: int) -> None:
    def speed(memory_gb: float) -> float:
        try:
            return _a100(memory_gb, count)
        except InfeasibleError:  # does not fit at this count: the slowest there is
            return 0.0

    lo, hi = sorted((a, b))
    assert speed(hi) >= speed(lo) * (1 - 1e-12)
