"""Cash flow and NPV (tco.analysis.cashflow): values by hand on the toy, and the levelized figures of compare
equal the cash-flow figures where their assumptions coincide."""

from __future__ import annotations

import math

import pytest
from pytest import approx

from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.errors import InputError
from tco.models import Acquisition
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario, training


def test_bought_training_job_by_hand() -> None:
    """4 toys measured at 1,000 tokens/s, bought: capex 80,000 at delivery (4 weeks), the 10-hour job
    after 2 weeks of deployment, resale 80,000 · 10^(−0.14 · t) at its end, discounted at 10 %."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])
    sc = scenario(cost_of_capital=0.10, depreciation_years=5)
    res = cashflow([Option(acc)], training(), sc)
    (o,) = res.options
    (year0,) = o.years
    delivery, start = 28 / 365.25, 42 / 365.25
    end = start + 10 / 24 / 365.25
    residual = 80_000 * 10 ** (-0.14 * (end - delivery))
    (r,) = compare(options=[Option(acc)], workload=training(), scenario=sc).results
    running = (r.energy_usd or 0) + (r.facility_usd or 0) + (r.operations_usd or 0)
    assert year0.capex_usd == approx(80_000)
    assert year0.residual_usd == approx(residual)
    assert year0.energy_usd + year0.facility_usd + year0.operations_usd == approx(running)
    assert o.total_cost_usd == approx(80_000 + running - residual)
    npv = 80_000 / 1.1**delivery + running / 1.1 ** ((start + end) / 2) - residual / 1.1**end
    assert o.npv_cost_usd == approx(npv)


def test_levelized_capital_equals_cash_capex_where_assumptions_coincide() -> None:
    """Serving for L = 3 years, depreciated over the same 3 years, delivered today (no lead time, no
    deployment), no resale: compare's yearly capital charge capex · CRF, paid at each year's end, is worth
    exactly the capex today; and the yearly running costs of both views are equal."""
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000)], lead_time_weeks=0)
    sc = scenario(cost_of_capital=0.08, depreciation_years=3, deployment_weeks=0, economic_depreciation_oom_per_year=1e6)
    (r,) = compare(options=[Option(acc)], workload=inference(), scenario=sc).results
    (o,) = cashflow([Option(acc)], inference(), sc).options
    capex = o.years[0].capex_usd
    yearly_capital = (r.capital_usd or 0) / 3
    annuity = sum(yearly_capital / 1.08**t for t in (1, 2, 3))
    assert annuity == approx(capex, rel=1e-12)
    assert capex == approx(r.capex_usd)
    for y in o.years[:3]:  # the three years of service (the resale at t = 3 opens a year 3 of its own)
        assert y.energy_usd + y.facility_usd + y.operations_usd == approx(((r.annual_cost_usd or 0) - yearly_capital), rel=1e-9)
    assert o.years[-1].residual_usd == approx(0, abs=1e-6)


def test_rent_and_lease_side_by_side() -> None:
    acc = accelerator(benchmarks=[bench("toy-train", 1000)], rental={"usd_per_hour": 2.0})
    res = cashflow([Option(acc), Option(acc, None, Acquisition.rent)], training(), scenario(), lease_usd_per_month=500)
    by = {o.option: o for o in res.options}
    assert set(by) == {"toy", "toy:lease", "toy:rent"}
    assert sum(y.capex_usd for y in by["toy:lease"].years) == 0
    # leased from delivery (the lead time) through the 2 weeks of deployment and the 10-hour run
    assert sum(y.lease_usd for y in by["toy:lease"].years) == approx(4 * 500 * 12 * ((14 + 10 / 24) / 365.25))
    assert sum(y.rent_usd for y in by["toy:rent"].years) == approx(4 * 2.0 * 10)
    assert sorted(o.rank for o in res.options) == [1, 2, 3]


def test_payback_with_revenue() -> None:
    acc = accelerator(peak=SERVING_PEAK, benchmarks=[bench("toy-serve", 1000)])
    (o,) = cashflow([Option(acc)], inference(), scenario(), revenue_per_day=1e5).options
    assert o.payback_year is not None and o.years[o.payback_year].cumulative_net_cost_usd < 0
    assert all(y.cumulative_net_cost_usd >= 0 for y in o.years[: o.payback_year])


@pytest.mark.parametrize(
    "kw", [{"lease_usd_per_month": -1.0}, {"lease_months": math.inf, "lease_usd_per_month": 1.0}, {"revenue_per_day": -5.0}]
)
def test_bad_cashflow_inputs(kw: dict[str, float]) -> None:
    with pytest.raises(InputError):
        cashflow([Option(accelerator(benchmarks=[bench("toy-train", 1000)]))], training(), scenario(), **kw)  # type: ignore[arg-type]


def test_cashflow_cli_formats(run) -> None:
    for fmt in ("table", "csv", "json", "jsonl", "markdown"):
        result = run("cashflow", "a100-80gb", "a100-80gb:rent", "-w", "gpt3-1.3b", "-f", fmt)
        assert result.exit_code == 0, result.stderr
    assert run("cashflow", "a100-80gb", "-w", "gpt3-1.3b", "-f", "csv").stdout.startswith(
        "schema_version,option,acquisition,year,capex_usd"
    )
