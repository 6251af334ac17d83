"""Behaviour of ``tco/analysis/common.py`` that a uniform sample of its mutants showed untested (mutmut 3.8.1,
350 of the file's 1,306 mutants, seed 20261211, 2026-12-01): the place named by a count too large for
``--vary``, the suggestion for a misspelt ``scenario``, the profile's rental rate that the analyses of
uncertain inputs vary next to a rate quoted on the command line, the plans remembered per varied value,
an accelerator id that starts with a keyword (``scenario.v2``) planned anew as an accelerator, the order of
options that tie, the batch's size, and an overflowing delay penalty that emits no warning.
Expected values come from a second route (``compare``'s ranks and figures), by hand, or from the profile itself.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tco
from tco import engine
from tco.analysis import common
from tco.analysis.common import evaluate_many, prepare, resolve_target, uncertain_inputs
from tco.analysis.sweep import make_axes
from tco.engine import Acquisition, Option
from tco.errors import InputError
from tco.inputs import Inputs, with_quoted_rate
from tests.factories import accelerator, bench, scenario, training

approx = pytest.approx


def toy(*options: Option, **sc: object) -> Inputs:
    return Inputs(list(options), training(), scenario(**sc))


# --------------------------------------------------------------------------- inputs by path


def test_a_count_past_the_largest_names_the_vary_option() -> None:
    with pytest.raises(InputError) as exc:
        make_axes(toy(Option(accelerator())), ["toy.count=4,2e9"])
    e = exc.value
    assert e.message == "expected a count of at most 1,000,000,000, got 2,000,000,000"
    assert (e.where, e.key) == ("--vary", "toy.count")


def test_a_misspelt_scenario_suggests_scenario() -> None:
    prep = prepare(toy(Option(accelerator())))
    with pytest.raises(InputError) as exc:
        resolve_target(prep, "scenaro.pue")
    assert exc.value.message == "'scenaro' is not scenario, workload or a compared accelerator (did you mean 'scenario'?)"


RENTED = accelerator(rental={"usd_per_hour": 2.0})


def test_the_profile_rate_varies_for_the_options_that_do_not_quote_one() -> None:
    """toy:rent (the profile's $2/h) and toy:rent=3 (quoted): the uncertain inputs hold the profile's rate
    for the first option only, ±20 % of $2 (no range in the profile), and leave the quote fixed."""
    inputs = toy(
        Option(RENTED, acquisition=Acquisition.rent),
        Option(with_quoted_rate(RENTED, 3.0), acquisition=Acquisition.rent, quoted_rate=3.0),
    )
    prep = prepare(inputs)
    assert prep.labels == ["toy:rent", "toy:rent=3"]
    (rate,) = [u for u in uncertain_inputs(prep, ranged_only=False) if u.path == "toy.rental.usd_per_hour"]
    assert rate.target.keys == {0: "accel.rental.usd_per_hour"}
    assert (rate.central, rate.low, rate.high, rate.ranged) == (2.0, approx(1.6), approx(2.4), False)


def test_a_rate_quoted_by_every_option_is_no_uncertain_input() -> None:
    """The only option quotes its rate: the rate is fixed, so it is not among the uncertain inputs, while
    the scenario's inputs still are (its rental setup weeks: 1 ± 20 %)."""
    prep = prepare(toy(Option(with_quoted_rate(RENTED, 3.0), acquisition=Acquisition.rent, quoted_rate=3.0)))
    found = {u.path: u for u in uncertain_inputs(prep, ranged_only=False)}
    assert "toy.rental.usd_per_hour" not in found
    setup = found["scenario.rental_setup_weeks"]
    assert (setup.low, setup.high) == (approx(0.8), approx(1.2))


# --------------------------------------------------------------------------- vectorized evaluation


def test_each_replanned_value_is_remembered() -> None:
    """Two memory sizes planned once each: both plans are kept, and asking again plans nothing anew."""
    prep = prepare(toy(Option(accelerator())))
    target = resolve_target(prep, "toy.memory_gb")
    first = [common._plan_with(prep, 0, ((target, v),)) for v in (60.0, 80.0)]
    assert len(prep.replans) == 2
    calls = []
    real = engine.plan_option

    def counting(*args: object, **kwargs: object) -> engine.Plan:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    mp = pytest.MonkeyPatch()
    mp.setattr(engine, "plan_option", counting)
    try:
        again = [common._plan_with(prep, 0, ((target, v),)) for v in (60.0, 80.0)]
    finally:
        mp.undo()
    assert calls == []
    assert all(a is b for a, b in zip(first, again, strict=True))


def test_options_that_tie_rank_in_the_order_given_as_compare_ranks_them() -> None:
    """Seventeen toys at two prices ($10,000 and $20,000): the equal effective costs rank in the order the
    options are given, the same ranks as ``compare`` gives."""
    pattern = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1]
    inputs = toy(*(Option(accelerator(id=f"t{i}", price_usd=10000 * (1 + c))) for i, c in enumerate(pattern)))
    prep = prepare(inputs)
    target = resolve_target(prep, "scenario.pue")
    batch = evaluate_many(prep, {target.path: (target, np.array([1.5, 1.5]))}, 2)
    cheap = [i for i, c in enumerate(pattern) if c == 0]
    dear = [i for i, c in enumerate(pattern) if c == 1]
    expected = np.empty(len(pattern), dtype=int)
    expected[cheap + dear] = np.arange(1, len(pattern) + 1)
    ranks = {r.option: r.rank for r in tco.compare(inputs).results}
    assert [ranks[f"t{i}"] for i in range(len(pattern))] == expected.tolist()
    assert batch.rank[:, 0].tolist() == expected.tolist()
    assert batch.rank[:, 1].tolist() == expected.tolist()
    assert batch.winner.tolist() == [1, 1]


def test_a_batch_knows_its_size() -> None:
    prep = prepare(toy(Option(accelerator())))
    target = resolve_target(prep, "scenario.pue")
    batch = evaluate_many(prep, {target.path: (target, np.array([1.2, 1.5, 2.0]))}, 3)
    assert batch.size == 3
    assert batch.rank.shape == (1, 3)


def test_a_delay_penalty_past_the_largest_float_is_infeasible_without_a_warning() -> None:
    """toy2 runs at 1e-300 tokens/s per toy: the 1.44e8-token job takes 1.44e8 / 4e-300 s = 4.17e302 days,
    which at $1e9 a day of delay overflows to an infinite penalty (infeasible), silently."""
    slow = accelerator(id="toy2", benchmarks=[bench("toy-train", 1e-300)])
    prep = prepare(toy(Option(accelerator(benchmarks=[bench("toy-train", 1000)])), Option(slow), cost_of_delay_usd_per_day=1e9))
    target = resolve_target(prep, "scenario.pue")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = evaluate_many(prep, {target.path: (target, np.array([1.5]))}, 1)
    ttm = batch.per_option[1]["time_to_market_days"][0]
    assert ttm == approx(1.44e8 / 4e-300 / 86400 + 42, rel=1e-9)
    assert batch.delay_penalty_usd[1][0] == np.inf
    assert batch.feasible[1].tolist() == [False]
    assert batch.winner.tolist() == [0]


def test_an_id_that_starts_with_a_keyword_is_replanned_as_an_accelerator() -> None:
    """An id may hold dots, even after a word that starts like a keyword (``scenarios.v2``; ``scenario.v2`` is
    reserved since hostile round 54): its memory, varied and planned anew, is the accelerator's, with the figures
    ``compare`` gives for the profile built with each size."""
    dotted = accelerator(id="scenarios.v2")
    prep = prepare(toy(Option(dotted)))
    target = resolve_target(prep, "scenarios.v2.memory_gb")
    assert target.keys == {0: "accel.memory_gb"}
    sizes = np.array([12.0, 100.0])
    batch = evaluate_many(prep, {target.path: (target, sizes)}, 2, replan=True)
    for k, gb in enumerate(sizes):
        (row,) = tco.compare(toy(Option(accelerator(id="scenarios.v2", memory_gb=float(gb))))).results
        assert batch.per_option[0]["job_cost_usd"][k] == approx(row.job_cost_usd, rel=1e-12)
        assert batch.per_option[0]["time_to_market_days"][k] == approx(row.time_to_market_days, rel=1e-12)
