"""Behaviour a ninth uniform sample of mutants showed untested (mutmut 3.8.1, 120 of the 3,459 mutants of
``tco/engine.py`` and 180 of the 4,752 of ``tco/analysis/``, seed 20261209, 2026-12-01): the training
plan's notes on the matmul fraction and on a stage's precision, a context-parallel degree that does not
divide the sequence, the key of a refused lease rate and of a serving count, the break-even's remark on
the option that cannot run and its note on where an option stops running, the break-even's scan grid at
the edges of its logarithmic spacing, the bisection of a feasibility edge, and the bound on remembered
replans. Expected values come from the formulas, by hand, or from a second route through the program.
"""

from __future__ import annotations

import numpy as np
import pytest

from tco import engine
from tco.analysis import common
from tco.analysis.breakeven import _edge_bracket, breakeven, scan_grid
from tco.analysis.cashflow import cashflow
from tco.analysis.common import prepare, resolve_target
from tco.engine import Acquisition, Option
from tco.errors import InfeasibleError, InputError
from tco.inputs import with_quoted_rate
from tests.factories import accelerator, inference, scenario
from tests.factories import training as train_wl
from tests.test_survivors8 import toy, two_sizes

approx = pytest.approx


# --------------------------------------------------------------------------- engine


def test_a_training_plan_notes_the_matmul_fraction_only_when_it_assumes_it() -> None:
    note = "achievable matmul fraction unknown: 0.8 of peak assumed"
    assert note in engine.plan_option(Option(accelerator(mfu=None), 4), train_wl(), scenario(), market=False).notes
    given = engine.plan_option(Option(accelerator(mfu=None, matmul_efficiency=0.7), 4), train_wl(), scenario(), market=False)
    assert note not in given.notes


def test_a_stage_in_the_workloads_precision_has_no_precision_note() -> None:
    """A stage that gives no precision runs in the workload's bf16, whose peak the toy has: no note; a
    stage in fp8 on a part with no fp8 peak says it runs in 16-bit."""
    stages = [{"name": "post", "tokens": 1e7}, {"name": "low", "tokens": 1e7, "precision": "fp8"}]
    plan = engine.plan_option(Option(accelerator(mfu=None), 4), train_wl(stages=stages), scenario(), market=False)
    assert not any(n.startswith("stage post") for n in plan.notes)
    assert "stage low: no fp8 peak in the profile: the job runs in 16-bit at the bf16 peak" in plan.notes


def test_a_context_parallel_degree_that_does_not_divide_the_sequence_is_infeasible() -> None:
    wl = train_wl(layout={"context_parallel": 3})
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(mfu=None), 4), wl, scenario(), market=False)
    assert exc.value.message == "layout context_parallel = 3 does not divide the sequence length (1000 tokens)"
    assert exc.value.key == "layout.context_parallel"


# --------------------------------------------------------------------------- inputs and cash flow


def test_a_negative_lease_rate_names_its_flag() -> None:
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], train_wl(), scenario(), lease_usd_per_month=-5)
    assert exc.value.message == "expected a positive lease rate, got -5"
    assert exc.value.key == "--lease-usd-per-month"


def test_a_serving_count_cannot_be_varied_and_the_error_names_the_path() -> None:
    prep = prepare(toy(Option(accelerator()), workload=inference()))
    with pytest.raises(InputError) as exc:
        resolve_target(prep, "toy.count")
    assert exc.value.message.startswith("for serving, a count is the replica size (ID@N)")
    assert exc.value.key == "toy.count"


def test_replans_are_remembered_up_to_four_times_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cap of 1, four plans are kept and a fifth is computed but not kept."""
    monkeypatch.setattr(common, "MAX_REPLANS", 1)
    prep = prepare(toy(Option(accelerator())))
    target = resolve_target(prep, "toy.memory_gb")
    for v in (50.0, 60.0, 70.0, 80.0, 90.0, 95.0):
        assert common._plan_with(prep, 0, ((target, v),)) is not None
    assert len(prep.replans) == 4


def test_a_rate_quoted_on_the_command_line_cannot_also_be_varied() -> None:
    quoted = with_quoted_rate(accelerator(rental={"usd_per_hour": 2.0}), 3.0)  # (as load_inputs makes toy:rent=3)
    prep = prepare(toy(Option(quoted, acquisition=Acquisition.rent, quoted_rate=3.0)))
    with pytest.raises(InputError) as exc:
        resolve_target(prep, "toy.rental.usd_per_hour")
    assert exc.value.message == (
        "'toy:rent=3' quotes a rate and --vary toy.rental.usd_per_hour gives others: give the rate once (name toy:rent without =RATE)"
    )
    assert (exc.value.where, exc.value.key) == ("--vary", "toy.rental.usd_per_hour")


def test_a_leased_option_that_arrives_late_pays_the_delay_penalty() -> None:
    """toy2 arrives 6 weeks after toy (a lead time of 10 weeks, not 4): 42 days late at $1,000 a day, bought
    or leased. The two leases cost the same otherwise."""
    late = accelerator(id="toy2", lead_time_weeks=10)
    r = cashflow([Option(accelerator()), Option(late)], train_wl(), scenario(), lease_usd_per_month=500)
    total = {o.option: o.total_cost_usd for o in r.options}
    assert total["toy2:lease"] - total["toy:lease"] == approx(42000.0)
    assert total["toy2"] - total["toy"] == approx(42000.0)


# --------------------------------------------------------------------------- break-even


def test_a_break_even_names_the_other_option_as_the_one_that_cannot_run() -> None:
    """Named first, the 12 GB toy2 wins at 2 accelerators, where the 8 GB toy cannot run."""
    r = breakeven(two_sizes(), "toy2", "toy", param="workload.accelerator_count", value_range=(2, 4))
    assert r.message.startswith("no tie for workload.accelerator_count in [2, 4]: at 2 toy2 wins (toy is infeasible there), at 4 toy wins")


def test_a_break_even_says_where_an_option_stops_running() -> None:
    """Larger models stop fitting on 4 toys of 8 GB before they stop fitting on 4 of 12 GB."""
    r = breakeven(two_sizes(), "toy", "toy2", param="workload.parameters", value_range=(1e9, 2e9))
    assert "toy is infeasible " in r.message
    assert "XX" not in r.message


def test_the_scan_grid_is_linear_over_exactly_three_decades() -> None:
    assert scan_grid(1.0, 1000.0, 5, False).tolist() == [1.0, 250.75, 500.5, 750.25, 1000.0]


def test_the_scan_grid_from_zero_adds_a_logarithmic_part() -> None:
    """From 0 to 1e6: five even points, and two logarithmic ones from 1e-6 of the top (1 and 1e6)."""
    assert scan_grid(0.0, 1e6, 5, False).tolist() == [0.0, 1.0, 250000.0, 500000.0, 750000.0, 1e6]


def test_the_scan_grid_below_zero_is_logarithmic_in_the_magnitude() -> None:
    xs = scan_grid(-1e6, -1.0, 5, False)
    assert xs == approx(np.array([-1e6, -(10**4.5), -1e3, -(10**1.5), -1.0]))


@pytest.mark.parametrize("edge", [1, 37, 99, 100])
def test_a_whole_number_edge_is_bracketed_by_neighbours(edge: int) -> None:
    assert _edge_bracket(lambda x: x >= edge, 0, 100, False, True) == (edge - 1, edge)
