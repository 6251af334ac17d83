"""Behaviour of ``tco/analysis/cashflow.py`` that mutation testing showed untested (mutmut 3.8.1, all 683 mutants
of the file, 2026-12-01): the year a flow is booked in, zero rates, the porting before the run, a century
exactly, the rented inputs a too-long span names, revenue after a short service, payback at exactly zero, the
overflow messages, the checks of the flags, and the result's own fields. Expected values are worked out by
hand from the module docstring's formulas (capex at delivery, running costs spread over the run, residual
capex · 10^(−δ·t), a flow discounted at (1 + r)^t at each year's midpoint) or taken from ``compare``.
"""

from __future__ import annotations

import math

import pytest

from tco.analysis.cashflow import LINES, _spread, cashflow
from tco.engine import Option, compare
from tco.errors import InputError, MissingInputError
from tco.models import TINY, Acquisition
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario, training

approx = pytest.approx
DAYS = 365.25
BENCH = accelerator(benchmarks=[bench("toy-train", 1000)])  # 4 toys at 1,000 tokens/s: the 1.44e8-token job takes 10 h
RENTABLE = accelerator(id="fast", benchmarks=[bench("toy-train", 1000)], rental={"usd_per_hour": 2.0})
RENT = Option(RENTABLE, None, Acquisition.rent)  # 7 days of set-up and no lead time: on the market 35 days before BENCH


# --------------------------------------------------------------------------- the year buckets


def test_a_flow_is_booked_in_the_year_it_falls_in_and_parts_add_up() -> None:
    """$1 spread over [1 − 2^−53, 1.5]: the first 2^−53 of it lies in year 0, although the midpoint of that
    sliver rounds to 1.0 in floating point; the rest lies in year 1. A second flow of $2 on the same line in
    year 1 adds to it; at r = 10 % each part is discounted at its own midpoint."""
    t0 = math.nextafter(1.0, 0.0)
    by_year: dict[int, list[float]] = {}
    pieces: list[tuple[int, str, float, float]] = []
    _spread(1.0, t0, 1.5, 0.1, by_year, 0, pieces)
    assert sorted(by_year) == [0, 1]
    first, rest = (1.0 - t0) / (1.5 - t0), 0.5 / (1.5 - t0)
    assert by_year[0][0] == approx(first, rel=1e-12)
    assert by_year[1][0] == approx(rest, rel=1e-12)
    _spread(2.0, 1.0, 1.5, 0.1, by_year, 0, pieces)
    assert by_year[1][0] == approx(rest + 2.0, rel=1e-12)
    assert by_year[1][-1] == approx((rest + 2.0) / 1.1**1.25, rel=1e-12)
    assert by_year[1][1:-1] == [0.0] * (len(LINES) - 1)
    # where each part falls, for the workbook's formulas: (year, line, share of the flow, discount time)
    assert pieces == [(0, LINES[0], first, (t0 + 1.0) / 2), (1, LINES[0], rest, 1.25), (1, LINES[0], 1.0, 1.25)]


def test_a_job_too_short_to_move_the_clock_still_pays_its_energy() -> None:
    """1e-7 tokens take 6.9e-15 hours: the run ends at its start in floating point (7.9e-19 years after
    0.115), and its energy, $1.56e-15 by compare, is paid then, in year 0."""
    wl = training(training_tokens=1e-7)
    (r,) = compare(options=[Option(BENCH)], workload=wl, scenario=scenario()).results
    (o,) = cashflow([Option(BENCH)], wl, scenario()).options
    assert o.delivery_years + o.run_years == o.delivery_years
    assert r.energy_usd == approx(1e-7 / 4000 / 3600 * 4 * 250 / 1000 * 1.5 * 0.1)  # 4 × 250 W × PUE 1.5 at $0.1/kWh
    assert [(y.year, y.energy_usd) for y in o.years] == [(0, r.energy_usd)]


# --------------------------------------------------------------------------- rates, fields and ranks


def test_zero_cost_of_capital_and_zero_depreciation() -> None:
    """r = 0: the NPV is the undiscounted total; δ = 0: the hardware resells at its full capex, so a bought
    10-hour job costs only its running costs and its delay (35 days × $1,000 behind the rented option)."""
    sc = scenario(cost_of_capital=0.0, economic_depreciation_oom_per_year=0.0)
    res = cashflow([Option(BENCH), RENT], training(), sc)
    assert res.discount_rate == 0.0
    own, rent = res.options
    (year0,) = own.years
    assert (year0.capex_usd, year0.residual_usd) == (80_000, 80_000)
    running = year0.energy_usd + year0.facility_usd + year0.operations_usd
    assert year0.delay_penalty_usd == approx(35_000)
    assert own.total_cost_usd == approx(running + 35_000)
    assert own.npv_cost_usd == approx(own.total_cost_usd, rel=1e-12)
    assert rent.npv_cost_usd == approx(80.0, rel=1e-12)  # 4 × $2/h × 10 h


def test_the_result_names_the_rate_counts_acquisitions_and_ranks_by_npv() -> None:
    """The dearer option listed first ranks second; the leased copy of the bought one is called a lease."""
    res = cashflow([Option(BENCH), RENT], training(), scenario(cost_of_capital=0.1), lease_usd_per_month=500)
    assert res.discount_rate == 0.1
    by = {o.option: o for o in res.options}
    assert {k: (o.acquisition, o.count) for k, o in by.items()} == {
        "toy": ("buy", 4),
        "toy:lease": ("lease", 4),
        "fast:rent": ("rent", 4),
    }
    npv = sorted(o.npv_cost_usd for o in res.options)
    assert [o.rank for o in res.options] == [npv.index(o.npv_cost_usd) + 1 for o in res.options]
    assert by["fast:rent"].rank == 1 and by["toy"].rank > 1


def test_the_cumulative_cost_runs_over_the_years() -> None:
    """Three years of service bought at r = 0: the cumulative cost is the running sum of the net costs,
    starting from nothing."""
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000)])
    (o,) = cashflow([Option(acc)], inference(), scenario()).options
    assert len(o.years) >= 3
    total = 0.0
    for y in o.years:
        total += y.net_cost_usd
        assert y.cumulative_net_cost_usd == approx(total, rel=1e-12)
    assert o.years[0].cumulative_net_cost_usd == o.years[0].net_cost_usd


# --------------------------------------------------------------------------- porting, spans and leases


def test_porting_is_paid_at_delivery_and_delays_the_run() -> None:
    """A medium-maturity part ports for 2 weeks ($30,000 = 3 engineer-months at $120,000 a year): it is paid
    once deployed (42 days), the run starts after it, and a lease holds the hardware from delivery (28 days)
    through deployment, porting and the run: 4 × $500 × 12 × (14 + 14 days + 10 hours) / 365.25."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)], software={"maturity": "medium"})
    own, leased = cashflow([Option(acc)], training(), scenario(cost_of_capital=0.1), lease_usd_per_month=500).options
    (year0,) = own.years
    assert year0.porting_usd == 30_000
    assert own.market_years == approx((42 + 14 + 10 / 24) / DAYS)
    held = (14 + 14 + 10 / 24) / DAYS
    assert sum(y.lease_usd for y in leased.years) == approx(4 * 500 * 12 * held)
    assert (own.delivery_years, leased.delivery_years) == (28 / DAYS, 28 / DAYS)
    delivery, start = 42 / DAYS, 56 / DAYS  # (capex at the lead time, 28 days)
    end = start + 10 / 24 / DAYS
    residual = 80_000 * 10 ** (-0.14 * (end - 28 / DAYS))
    (r,) = compare(options=[Option(acc)], workload=training(), scenario=scenario(cost_of_capital=0.1)).results
    running = (r.energy_usd or 0) + (r.facility_usd or 0) + (r.operations_usd or 0)
    npv = 80_000 / 1.1 ** (28 / DAYS) + 30_000 / 1.1**delivery + running / 1.1 ** ((start + end) / 2) - residual / 1.1**end
    assert own.npv_cost_usd == approx(npv, rel=1e-12)


def test_a_century_exactly_is_allowed_and_a_lease_past_it_is_not() -> None:
    """Delivered today, served for exactly 100 years, and leased for exactly 1,200 months: accepted. A lease
    of 1,250 months from day 42 runs 104.3 years: refused."""
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000)], lead_time_weeks=0)
    sc = scenario(deployment_weeks=0)
    own, leased = cashflow([Option(acc)], inference(service_life_years=100), sc, lease_usd_per_month=1, lease_months=1200).options
    assert own.run_years == 100 and own.years[-1].year == 100
    assert sum(y.lease_usd for y in leased.years) == approx(own.count * 1200)
    with pytest.raises(InputError) as exc:
        cashflow([Option(BENCH)], training(), scenario(), lease_usd_per_month=500, lease_months=1250)
    assert (exc.value.message, exc.value.key) == (
        "a lease of 1,250 months would run past 100 years (it starts at toy's delivery, 0.0767 years in)",
        "--lease-months",
    )


@pytest.mark.parametrize(
    ("acc", "sc", "longest", "where", "key"),
    [
        (
            accelerator(benchmarks=[bench("toy-train", 1000)], rental={"usd_per_hour": 2.0, "lead_time_weeks": 6000}),
            {},
            "the lead time",
            "toy",
            "rental.lead_time_weeks",
        ),
        (RENTABLE, {"rental_setup_weeks": 6000}, "the deployment", "scenario", "rental_setup_weeks"),
    ],
)
def test_a_rented_span_past_a_century_names_the_rental_input(acc, sc, longest, where, key) -> None:  # type: ignore[no-untyped-def]
    """A rented option's lead time and set-up come from the rental entry and the scenario's rental set-up:
    6,000 weeks = 115 years."""
    with pytest.raises(InputError) as exc:
        cashflow([Option(acc, None, Acquisition.rent)], training(), scenario(**sc))
    assert exc.value.message.endswith(f"more than 100; {longest} alone takes {42000 / DAYS:,.4g} years")
    assert (exc.value.where, exc.value.key) == (where, key)


def test_a_lease_of_exactly_the_held_time_less_the_tolerance_is_accepted() -> None:
    """The run is held (run end − delivery) × 12 months; a term shorter by a relative 1e-9 is still accepted."""
    (r,) = compare(options=[Option(BENCH)], workload=training(), scenario=scenario()).results
    delivery, start = 28 / DAYS, 42 / DAYS  # (the lead time, then 2 weeks of deployment)
    run_end = start + 0 / DAYS + (r.time_to_converge_hours or 0) / 24 / DAYS
    term = (run_end - delivery) * 12 * (1 - 1e-9)
    (_, leased) = cashflow([Option(BENCH)], training(), scenario(), lease_usd_per_month=500, lease_months=term).options
    assert sum(y.lease_usd for y in leased.years) == approx(4 * 500 * term)


# --------------------------------------------------------------------------- revenue and payback


def test_revenue_after_a_short_service_runs_to_its_end() -> None:
    """Served for half a year: revenue runs from the market date to the end of the service, 0.5 × 365.25
    days × $1,000 (a year after the market date is the rule for training runs only)."""
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000)])
    (o,) = cashflow([Option(acc)], inference(service_life_years=0.5), scenario(), revenue_per_day=1000).options
    assert sum(y.revenue_usd for y in o.years) == approx(182_625)


def test_a_late_option_with_revenue_notes_its_deferral() -> None:
    (own, _) = cashflow([Option(BENCH), RENT], training(), scenario(), revenue_per_day=1e5).options
    assert own.notes[-1] == (
        "revenue deferred, not lost: it runs as long from the market date as for any option; the 35 days late are "
        "charged once, as the delay penalty (cost of delay × days late)"
    )


def test_a_cumulative_cost_of_exactly_zero_is_no_payback() -> None:
    """Rented service from today whose revenue equals its rent ($631,152: 12 toys × $2/h × 3 years): every
    year nets exactly zero, which is not a payback."""
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000)], rental={"usd_per_hour": 2.0})
    sc = scenario(rental_setup_weeks=0)
    (r,) = compare(options=[Option(acc, None, Acquisition.rent)], workload=inference(), scenario=sc).results
    assert r.rent_usd == 12 * 2.0 * 3 * DAYS * 24
    per_day = r.rent_usd / (3 * DAYS)
    assert per_day * 3 * DAYS == r.rent_usd
    (o,) = cashflow([Option(acc, None, Acquisition.rent)], inference(), sc, revenue_per_day=per_day).options
    assert [y.cumulative_net_cost_usd for y in o.years] == [0.0, 0.0, 0.0]
    assert o.payback_year is None


# --------------------------------------------------------------------------- errors


def test_a_cash_flow_that_overflows_names_the_flags_to_lower() -> None:
    """$8e306 of capex and a 35-day delay at $5e306 a day ($1.75e308) both fall in year 0: their sum
    overflows, with no flag to blame. A lease at $1e308 a month overflows with both flags given."""
    big = accelerator(id="big", price_usd=1e306, benchmarks=[bench("toy-train", 1000)])
    sc = scenario(cost_of_delay_usd_per_day=5e306, economic_depreciation_oom_per_year=1e6)
    with pytest.raises(InputError) as plain:
        cashflow([Option(big), RENT], training(), sc)
    assert (plain.value.message, plain.value.key) == ("big: the cash flow overflows a float (a line above 1e308 USD)", "option")
    with pytest.raises(InputError) as both:
        cashflow([Option(BENCH)], training(), scenario(), lease_usd_per_month=1e308, revenue_per_day=1e5)
    assert (both.value.message, both.value.key) == (
        "toy: the cash flow overflows a float (a line above 1e308 USD); lower --lease-usd-per-month or --revenue-usd-per-day",
        "--lease-usd-per-month",
    )


def test_the_flags_are_checked_at_their_bounds() -> None:
    with pytest.raises(InputError) as tiny:
        cashflow([Option(BENCH)], training(), scenario(), lease_usd_per_month=500, lease_months=1e-310)
    assert (tiny.value.message, tiny.value.key) == ("expected a positive number of at least 1e-300, got 1e-310", "--lease-months")
    with pytest.raises(InputError) as zero:
        cashflow([Option(BENCH)], training(), scenario(), lease_usd_per_month=0)
    assert (zero.value.message, zero.value.key) == ("expected a positive lease rate, got 0", "--lease-usd-per-month")
    with pytest.raises(InputError) as term:
        cashflow([Option(BENCH)], training(), scenario(), lease_months=24)
    assert (term.value.message, term.value.key) == (
        "a lease term needs a lease rate: give --lease-usd-per-month too",
        "--lease-months",
    )
    # accepted: revenue of exactly 1e-300, of 0 and of 0.5 a day; a lease of $0.25 a month (4 × 0.25 × 1 = $1)
    for per_day, expected in ((TINY, TINY * DAYS), (0.0, 0.0), (0.5, 0.5 * DAYS)):
        (o,) = cashflow([Option(BENCH)], training(), scenario(), revenue_per_day=per_day).options
        assert sum(y.revenue_usd for y in o.years) == approx(expected)  # a year from the market date
    (_, leased) = cashflow([Option(BENCH)], training(), scenario(), lease_usd_per_month=0.25, lease_months=1).options
    assert sum(y.lease_usd for y in leased.years) == approx(1.0)


def test_an_option_lacking_two_inputs_names_both() -> None:
    nop = accelerator(id="nop", price_usd=None, lead_time_weeks=None, benchmarks=[bench("toy-train", 1000)])
    with pytest.raises(MissingInputError) as exc:
        cashflow([Option(BENCH), Option(nop)], training(), scenario())
    assert (exc.value.where, exc.value.message) == (
        "nop",
        "needs nop.price_usd, nop.lead_time_weeks, which are unknown; "
        "give them with --set nop.price_usd=VALUE --set nop.lead_time_weeks=VALUE",
    )
