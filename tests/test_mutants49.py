"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
11,043 mutants, seed 49; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import pytest

import tco
from tco import analysis, engine
from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import accelerator, bench, inference, scenario, training
from tests.test_mutants48 import FREE_RUNNING

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


def test_a_fully_sharded_job_refuses_a_held_context_degree_of_two() -> None:
    """Kills tco.engine.x__check_layout__mutmut_81 (``(lay.context_parallel or 1) > 1`` -> ``> 2``: a held context
    degree of 2 was allowed on an fsdp job).

    FSDP shards data only: a context degree of 2 splits each sequence over 2 devices, which it cannot do."""
    wl = training(parallelism="fsdp", layout={"context_parallel": 2})
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert exc.value.message == (
        "parallelism = fsdp shards data only: a layout with tensor, pipeline, context or expert degrees above 1, "
        "or recompute = none, cannot apply"
    )
    assert (exc.value.where, exc.value.key) == ("toy-train", "layout")


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
