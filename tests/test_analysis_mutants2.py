"""Behaviour of ``tco/analysis/`` that a uniform sample of its mutants showed untested (mutmut 3.8.1, 250 of
the package's 5,087 mutants, seed 20261201, 2026-12-01): the winner's index when the second option is
cheaper, the error for a varied option that was left out, the plans remembered per range, an option that
runs at none of the varied values, a deadline the analysis varies where the scenario has none, an overflow
in a replanned evaluation, the unknown inputs of two options, and a feasibility edge between two scan points.
Expected values follow by hand from the formulas (each test says how), not from the current output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tco.analysis.breakeven import breakeven
from tco.analysis.common import evaluate_many, moves_plan, prepare, resolve_target
from tco.analysis.sensitivity import _winner
from tco.engine import Acquisition, Option
from tco.errors import InputError
from tco.inputs import Inputs
from tests.factories import accelerator, bench, inference, scenario, training
from tests.test_common_mutants import toy
from tests.test_mutants import toy_inputs

approx = pytest.approx
NO_PEAK = {"bf16_tflops": None, "fp16_tflops": None}


# --------------------------------------------------------------------------- sensitivity


@pytest.mark.parametrize(
    ("cost_a", "cost_b", "winner"),
    [(1.0, 2.0, 0), (2.0, 1.0, 1), (2.0, 2.0, None), (np.inf, 1.0, 1), (1.0, np.inf, 0), (np.inf, np.inf, None)],
)
def test_the_winner_is_the_index_of_the_cheaper_option(cost_a: float, cost_b: float, winner: int | None) -> None:
    """The index (0 = a, 1 = b) of the lower of two costs, whether both are finite or only one is: b cheaper
    gives 1 either way, so a flip is read only where the cheaper option changes."""
    assert _winner(cost_a, cost_b) == winner


# --------------------------------------------------------------------------- common: targets and plans


def test_varying_an_option_left_out_names_it_and_why() -> None:
    """An option left out before the analysis (label ``ghost@8``, reason ``too small``) is found by its id
    before the '@': the error quotes the label and the reason, where the path came from, and the path."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), left_out={"ghost@8": "too small"})
    with pytest.raises(InputError) as exc:
        resolve_target(prepare(inputs), "ghost.memory_gb", where="--vary")
    assert exc.value.message == (
        "ghost@8 was left out at the values the analysis starts from (too small): give a starting value at which "
        "it runs (the --set, @COUNT or workload count), then vary from there"
    )
    assert (exc.value.where, exc.value.key) == ("--vary", "ghost.memory_gb")


def test_a_stage_picked_by_name_is_a_target_read_from_the_flat_inputs() -> None:
    """``stages[ext]`` is no attribute of the workload (an entry picked by name): the target starts from the
    stage's tokens as given, 1.44e8, and its quantity is the stage's (whose low and high a break-even's default
    range reads, hostile round 77)."""
    wl = training(stages=[{"name": "ext", "tokens": 1.44e8, "seq_len": 2000}])
    prep = prepare(Inputs([Option(accelerator())], wl, scenario()))
    target = resolve_target(prep, "workload.stages[ext].tokens")
    assert (target.path, target.keys, target.central) == ("workload.stages[ext].tokens", {0: "workload.stages[ext].tokens"}, 1.44e8)
    assert target.quantity is wl.stages[0].tokens


def test_the_plans_are_remembered_per_range() -> None:
    """The toy's 100 GB at both ends is its own plan (nothing moves); 1 GB × 4 toys cannot hold the 1e9
    parameters' 16 B each of weights, gradients and Adam state (16 GB), so its plan differs. Asked in that
    order on one preparation, the second answer must not be the first one remembered."""
    prep = prepare(toy(Option(accelerator())))
    target = resolve_target(prep, "toy.memory_gb")
    assert moves_plan(prep, 0, target, np.array([100.0, 100.0])) is False
    assert moves_plan(prep, 0, target, np.array([1.0, 100.0])) is True
    assert moves_plan(prep, 0, target, np.array([100.0, 100.0])) is False


def test_an_option_that_runs_at_none_of_the_values_has_unknown_figures() -> None:
    """1 GB and 2 GB per toy (4 to 8 GB on 4 toys) both hold less than the 16 GB of training state: at
    neither value can the option run, so every figure is unknown (NaN) and it is nowhere feasible."""
    prep = prepare(toy(Option(accelerator())))
    target = resolve_target(prep, "toy.memory_gb")
    batch = evaluate_many(prep, {target.path: (target, np.array([1.0, 2.0]))}, 2, replan=True)
    assert np.isnan(batch.per_option[0]["job_cost_usd"]).all()
    assert np.isnan(batch.per_option[0]["time_to_market_days"]).all()
    assert batch.feasible[0].tolist() == [False, False]


def test_a_deadline_the_analysis_varies_delays_from_the_deadline() -> None:
    """The toy scenario has no deadline; varying one sets it. The delay is then max(TTM − deadline, 0): the
    whole time to market at a deadline of 0 days, none at 1e6 days (without a deadline a lone option is
    never late: its delay would be TTM − the fastest TTM = 0)."""
    prep = prepare(toy(Option(accelerator())))
    assert prep.deadline is False
    target = resolve_target(prep, "scenario.deadline_days")
    batch = evaluate_many(prep, {target.path: (target, np.array([0.0, 1e6]))}, 2)
    ttm = batch.per_option[0]["time_to_market_days"][0]
    assert ttm > 42  # 4 weeks' lead time and 2 weeks' deployment, then the run
    assert batch.delay_days[0].tolist() == [approx(ttm, rel=1e-12), 0.0]
    assert batch.delay_penalty_usd[0][0] == approx(1000 * ttm, rel=1e-12)  # $1,000 a day of delay


def test_a_replanned_evaluation_overflows_without_a_warning() -> None:
    """toy2 at 1e-300 tokens/s per toy, its memory varied (1 GB cannot hold the model: planned anew): at
    100 GB the run takes 1.44e8 / 4e-300 s = 4.17e302 days, whose energy and costs overflow to infinity,
    silently, as the unvaried evaluation does."""
    slow = accelerator(id="toy2", benchmarks=[bench("toy-train", 1e-300)])
    prep = prepare(toy(Option(slow)))
    target = resolve_target(prep, "toy2.memory_gb")
    with warnings.catch_warnings(), np.errstate(over="warn"):
        warnings.simplefilter("error")
        batch = evaluate_many(prep, {target.path: (target, np.array([1.0, 100.0]))}, 2, replan=True)
    assert batch.per_option[0]["time_to_market_days"][1] == approx(1.44e8 / 4e-300 / 86400 + 42, rel=1e-9)
    assert batch.per_option[0]["job_cost_usd"][1] == np.inf
    assert batch.feasible[0].tolist() == [False, False]


# --------------------------------------------------------------------------- break-even


def test_a_break_even_names_the_unknown_inputs_of_both_options() -> None:
    """Both parts measured at 8 accelerators only, without a published peak: at 8 both costs are known (the
    toy, twice as fast at the same price, wins), from 9 on neither is; the note lists each option's unknown
    peak, one after the other, separated by '; '."""
    a = accelerator(peak=NO_PEAK, benchmarks=[bench("toy-train", 1000, accelerator_count=8)])
    b = accelerator(id="other", peak=NO_PEAK, benchmarks=[bench("toy-train", 500, accelerator_count=8)])
    r = breakeven(
        toy_inputs(Option(a), Option(b), workload=training(accelerator_count=8)), "toy", "other", param="count", value_range=(8, 16)
    )
    assert r.message == (
        "no tie for count in [8, 16]: at 8 toy wins, at 16 neither can run there; toy lacks an input from count = 9; "
        "other lacks an input from count = 9; unknown inputs: toy needs toy.peak.bf16_tflops; other needs other.peak.bf16_tflops"
    )


def test_a_feasibility_edge_between_two_scan_points_is_bisected() -> None:
    """Over [4, 4,000] the 2,049 whole-number scan points step by about 2 (3,996 / 2,048): 8 is one of them,
    9 is not. The part measured at 8 only has a cost there and lacks an input from 9 on: the edge from known
    to unknown is bisected between the scan points 8 and 10, to 9."""
    a = accelerator(peak=NO_PEAK, benchmarks=[bench("toy-train", 1000, accelerator_count=8)])
    b = accelerator(id="other", benchmarks=[bench("toy-train", 500)])
    inputs = toy_inputs(Option(a), Option(b), workload=training(accelerator_count=8))
    r = breakeven(inputs, "toy", "other", param="count", value_range=(4, 4000))
    assert "; toy has a cost from count = 8; toy lacks an input from count = 9; " in r.message


def test_several_swaps_of_rented_fleets_say_the_first_is_a_step() -> None:
    """Two rented parts of the same memory (so replicas of as many accelerators), the second 3× as fast at
    $5.50 an hour against $2: a rented fleet costs whole replicas × hours × rate, constant between the demands
    where a replica is added, so the costs never tie, they jump past each other, again and again as the
    demand grows. At 1e7 tokens a day one replica of each serves it and the $2 part wins."""
    rented = Option(accelerator(rental={"usd_per_hour": 2.0}), acquisition=Acquisition.rent)
    fast = accelerator(id="big", peak={"bf16_tflops": 300, "fp16_tflops": 300}, memory_bandwidth_gbps=3000, rental={"usd_per_hour": 5.5})
    inputs = Inputs([rented, Option(fast, acquisition=Acquisition.rent)], inference(), scenario())
    r = breakeven(inputs, "toy:rent", "big:rent", param="workload.tokens_per_day", value_range=(1e7, 1e9))
    assert len(r.all_values) > 1
    assert r.winner_below == "toy:rent"
    assert r.message.startswith(
        f"toy:rent and big:rent swap places {len(r.all_values)} times for workload.tokens_per_day in [1e+07, 1e+09]"
    )
    assert r.message.endswith("; the first is a step of a discrete choice, where the costs jump past each other")
