"""Tests that kill surviving mutants of the seed-73 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 13,247 mutants: ``random.Random(73).sample`` over the sorted names): the time
of a stage of under one token, the replica a changed service's published run is carried from, the flag blamed for
a break-even range end past the largest float, the count a sweep's short row names, and the entry a path to a
profile's second measurement reads.

Expected values are worked out by hand from the formulas and the docstrings of tco/engine.py and tco/analysis/*.py
(the arithmetic is in each test); where the serving model or the memory planner gives a figure, it is compare's at
the same inputs, as the docstring under test says it must be. The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

from tco import engine
from tco.analysis.breakeven import breakeven
from tco.analysis.common import prepare, resolve_target
from tco.analysis.sweep import iter_sweep
from tco.engine import Option
from tco.errors import InfeasibleError, InputError
from tco.inputs import Inputs
from tco.models import InferenceWorkload
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario, training

# --------------------------------------------------------------------------- _stage_results: a stage of under a token


def test_a_stage_of_half_a_token_takes_the_time_of_half_a_token() -> None:
    """Kills tco.engine.x__stage_results__mutmut_21 (``tokens > 0`` -> ``tokens > 1``: a stage of 0 < D <= 1 tokens
    was evaluated at one token, so its time was that of a whole token).

    The toy part runs at X = MFU · peak / F = 0.5 · 100e12 / (6 · 1e9 + 12 · 10 layers · 1000 · 1000 tokens)
    = 5e13 / 6.12e9 = 8,169.93 tokens/s per accelerator on 4 accelerators, no failures (G = 1). Stage b's 0.5 tokens
    take T = 0.5 / (4 · X) / 3600 = 0.5 · 6.12e9 / (2e14 · 3600) = 4.25e-9 h (one token would take 8.5e-9 h);
    stage a's 1.44e8 take 1.44e8 · 6.12e9 / 7.2e17 = 1.224 h."""
    wl = training(stages=[{"name": "a", "tokens": 1.44e8}, {"name": "b", "tokens": 0.5}])
    (result,) = engine.compare(options=[Option(accelerator())], workload=wl, scenario=scenario()).results
    stages = {s.name: s for s in result.stages}
    assert stages["b"].tokens == 0.5
    assert stages["b"].tokens_per_second_per_accelerator == pytest.approx(5e13 / 6.12e9, rel=1e-12)
    assert stages["b"].time_to_converge_hours == pytest.approx(4.25e-9, rel=1e-12)
    assert stages["a"].time_to_converge_hours == pytest.approx(1.224, rel=1e-12)


# --------------------------------------------------------------------------- _plan_option: a published service's count


def test_a_changed_service_carries_the_run_planned_at_the_run_s_own_replica_where_the_option_s_cannot_hold_it() -> None:
    """Kills tco.engine.x__plan_option__mutmut_116 (``continue`` -> ``break`` where the published service does not
    fit at a count: its run was dropped after the option's own replica, never planned at the run's own).

    The published service, 1e11 parameters in bf16 (200 GB of weights), does not fit one 100-GB toy; its run was
    measured at 1,000 tokens/s on 4. The changed service, 2e10 parameters (40 GB), is asked of a replica of 1: the
    published job is tried at the option's replica (1: it does not fit), then at the run's own 4, where it fits, so
    the run is carried to the changed service by the model's ratio: 1,000 × model(changed on 1) / model(published
    on 4), the two figures of a toy with no run."""
    published, changed = inference(), inference(parameters=2e10)
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000, accelerator_count=4)])
    (row,) = engine.compare(options=[Option(acc, count=1, workload_as_measured=published)], workload=changed, scenario=scenario()).results
    assert "the published run of toy on toy-serve is carried to the changed workload by the model's ratio" in row.notes
    assert row.throughput_source is not None and row.throughput_source.value == "measured"

    def model(wl: InferenceWorkload, count: int) -> float:
        (r,) = engine.compare(options=[Option(accelerator(peak=SERVING_PEAK), count=count)], workload=wl, scenario=scenario()).results
        assert r.tokens_per_second_per_accelerator is not None
        return r.tokens_per_second_per_accelerator

    assert row.tokens_per_second_per_accelerator == pytest.approx(1000 * model(changed, 1) / model(published, 4), rel=1e-9)


# --------------------------------------------------------------------------- breakeven: a range end past the float range


def test_a_break_even_range_end_past_the_largest_float_is_blamed_on_the_range() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_101 (``key="--range"`` -> ``"XX--rangeXX"``: the error of an
    integer range end past the largest float named no flag the user gave).

    10**309 is a 310-digit integer, past 1.8e308: refused before any float() reads it as inf, under --range."""
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="other", price_usd=20000))], training(), scenario(), [])
    with pytest.raises(InputError) as exc:
        breakeven(inputs, "toy", "other", param="scenario.pue", value_range=(1, 10**309))
    assert (exc.value.where, exc.value.key) == (None, "--range")
    assert exc.value.message == "expected a finite number (at most 1.8e308), got a 310-digit integer"


# --------------------------------------------------------------------------- _run_reasons: two needs at one count


def test_a_sweep_of_the_count_names_the_count_each_short_point_gives() -> None:
    """Kills tco.analysis.common.x__run_reasons__mutmut_67 (``needs == n`` -> ``needs != n``: the reason of a count
    too small went to the points that need another count, none here, so the rows too small for the model were left
    with the fallback of a cost that overflows).

    2e10 parameters, planned at 8 toys, swept over toy.count = 1, 2, 8, 16: the training state needs the same count
    at every point (the model does not change), more than 2, so the first two rows are infeasible, each with
    compare's reason at its own count (tco.engine.too_few_text), and the last two run."""
    inputs = Inputs([Option(accelerator())], training(shape=None, parameters=2e10, accelerator_count=8), scenario(), [])
    (chunk,) = list(iter_sweep(inputs, ["toy.count=1,2,8,16"]).chunks)
    reasons = list(chunk.columns["reason"])
    for count, reason in zip((1, 2), reasons[:2], strict=True):
        with pytest.raises(InfeasibleError) as exc:
            engine.compare(options=[Option(accelerator(), count)], workload=training(shape=None, parameters=2e10), scenario=scenario())
        assert reason == exc.value.message
        assert reason.startswith(f"toy-train does not fit in memory on {count} × toy: training state needs at least ")
    assert reasons[2:] == ["", ""]


# --------------------------------------------------------------------------- _quantity_at: an entry picked by its label


def test_a_path_to_the_second_measurement_reads_that_measurement() -> None:
    """Kills tco.analysis.common.x__quantity_at__mutmut_31 (the label of ``benchmarks[LABEL]`` read as None: the first
    entry with no name, any measurement, was the one picked).

    The toy carries two runs, 3,000 tokens/s on toy-serve first and 1,000 on toy-train second: the path
    toy.benchmarks[toy-train].tokens_per_second starts from the second's 1,000, the value --set would change."""
    acc = accelerator(mfu=None, benchmarks=[bench("toy-serve", 3000), bench("toy-train", 1000)])
    prep = prepare(Inputs([Option(acc)], training(), scenario(), []))
    target = resolve_target(prep, "toy.benchmarks[toy-train].tokens_per_second")
    assert target.central == 1000
    assert target.quantity is acc.benchmarks[1].tokens_per_second
