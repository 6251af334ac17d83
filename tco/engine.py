"""The cost engine: pure arithmetic from validated inputs to ranked results.

No files, printing, clock or environment here. Notation (per option of ``n`` accelerators):

Training::

    X      tokens/s per accelerator (measured, else derived; tco.perf)
    G      goodput under failures (tco.perf.goodput)
    T_h    = D / (n · X · G) / 3600                       time to converge, hours
    T_mkt  = 7·(lead + deploy + port) + T_h / 24          time to market, days
    P_avg  = measured run power, else TDP · f_avg        per chip, W
    P_pk   = max(TDP, measured run power)                per chip, W
    E      = n · P_avg · k_pwr · PUE · T_h / 1000         energy, kWh
    K      = n · price · k_srv / (1 − f_ic)               capex, USD
    CRF    = r(1+r)^L / ((1+r)^L − 1)                     capital recovery factor
    H      = T_h / u                                      owned hours charged to the job
    capital   = K · CRF · H / 8766
    facility  = n · P_pk · k_pwr / 1000 · colo · 12 · H / 8766
    ops       = n · ops_year · H / 8766
    energy    = E · p_elec
    rent      = n · rent_hour · T_h                       (rented: replaces capital, facility, energy, ops)
    compute   = capital + facility + ops + energy + rent
    porting   = engineer_months · engineer_year / 12
    job_cost  = compute + porting
    $/Mtok    = compute / D · 10^6                        running cost only: porting is one-off
    delay     = T_mkt − min(T_mkt)        or, with a deadline D_l, max(0, T_mkt − D_l)
    penalty   = CoD · delay
    effective = job_cost + penalty                        options ranked by it

Inference: the fleet is ``n = max(ceil(tokens_per_day / 86400 / X), replica size)`` rounded up to
whole replicas; costs are per year (``H = 8766 / u`` hours owned, energy at f_avg) and summed over
the service life; ``$/Mtok`` divides the annual running cost by the tokens served in a year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tco import perf
from tco.errors import InfeasibleError, InputError
from tco.models import (
    Accelerator,
    Acquisition,
    Comparison,
    InferenceWorkload,
    OptionResult,
    OptionSpec,
    Scenario,
    ThroughputSource,
    TrainingWorkload,
)
from tco.perf import HOURS_PER_YEAR, require


def capital_recovery_factor(rate: float, years: float) -> float:
    """``CRF(r, n) = r(1+r)^n / ((1+r)^n − 1)``; ``1/n`` when ``r = 0``."""
    if rate == 0.0:
        return 1.0 / years
    growth = (1.0 + rate) ** years
    return rate * growth / (growth - 1.0)


@dataclass(frozen=True)
class Option:
    """A resolved option: the accelerator profile, how many, bought or rented."""

    accelerator: Accelerator
    count: int | None = None
    acquisition: Acquisition = Acquisition.buy

    @property
    def label(self) -> str:
        return OptionSpec(
            accelerator=self.accelerator.id, count=self.count, acquisition=self.acquisition
        ).label


def _val(q: object) -> float:
    return q.value  # type: ignore[attr-defined, no-any-return]


def _porting(accel: Accelerator, scenario: Scenario) -> tuple[float, float]:
    """(weeks, engineer-months): the profile's own figures, else the scenario's by maturity."""
    default = scenario.porting.get(accel.software.maturity)
    weeks_q = accel.software.porting_weeks or (default.weeks if default else None)
    months_q = accel.software.porting_engineer_months or (default.engineer_months if default else None)
    how = f"--set {accel.id}.software.porting_weeks=..., or scenario.porting.{accel.software.maturity.value}"
    return (
        require(weeks_q, "software.porting_weeks", profile=accel.id, how=how),
        require(months_q, "software.porting_engineer_months", profile=accel.id, how=how),
    )


@dataclass(frozen=True)
class _Costs:
    capex: float
    capital: float
    rent: float
    energy_kwh: float
    energy: float
    facility: float
    operations: float
    lead_days: float
    deploy_days: float


def _hourly_costs(
    *, accel: Accelerator, scenario: Scenario, n: int, acquisition: Acquisition, run_hours: float,
    avg_chip_w: float, peak_chip_w: float,
) -> _Costs:
    """Costs of running ``n`` accelerators for ``run_hours`` (see the module docstring)."""
    if acquisition is Acquisition.rent:
        if accel.rental is None:
            raise InputError(
                "cannot be rented: the profile has no rental.usd_per_hour; give it with "
                f"--set {accel.id}.rental.usd_per_hour=VALUE", where=accel.id, key="rental",
            )
        rate = require(accel.rental.usd_per_hour, "rental.usd_per_hour", profile=accel.id)
        lead = require(
            accel.rental.lead_time_weeks, "rental.lead_time_weeks", profile=accel.id,
        )
        return _Costs(0.0, 0.0, n * rate * run_hours, 0.0, 0.0, 0.0, 0.0, 7 * lead, 7 * _val(scenario.rental_setup_weeks))
    price = require(accel.price_usd, "price_usd", profile=accel.id)
    k_srv = (accel.server_overhead_factor or scenario.server_overhead_factor).value
    k_pwr = (accel.power_overhead_factor or scenario.power_overhead_factor).value
    assert k_srv is not None and k_pwr is not None
    capex = n * price * k_srv / (1.0 - _val(scenario.interconnect_cost_fraction))
    owned_hours = run_hours / _val(scenario.utilization)
    crf = capital_recovery_factor(_val(scenario.cost_of_capital), _val(scenario.depreciation_years))
    capital = capex * crf * owned_hours / HOURS_PER_YEAR
    energy_kwh = n * avg_chip_w * k_pwr * _val(scenario.pue) * run_hours / 1000.0
    facility = n * peak_chip_w * k_pwr / 1000.0 * _val(scenario.facility_usd_per_kw_month) * 12.0 * owned_hours / HOURS_PER_YEAR
    ops = n * _val(scenario.operations_usd_per_accelerator_year) * owned_hours / HOURS_PER_YEAR
    lead = require(accel.lead_time_weeks, "lead_time_weeks", profile=accel.id)
    return _Costs(
        capex, capital, 0.0, energy_kwh, energy_kwh * _val(scenario.electricity_usd_per_kwh), facility, ops,
        7 * lead, 7 * _val(scenario.deployment_weeks),
    )


def _chip_power(accel: Accelerator, scenario: Scenario, workload_id: str, measured: bool) -> tuple[float, float]:
    """(average W while running, provisioned peak W) per chip."""
    tdp = require(accel.tdp_w, "tdp_w", profile=accel.id)
    bench = accel.benchmark_for(workload_id) if measured else None
    if bench is not None and bench.power_w is not None and bench.power_w.value is not None:
        return bench.power_w.value, max(tdp, bench.power_w.value)
    return tdp * _val(scenario.average_power_fraction), tdp


def _evaluate_training(option: Option, workload: TrainingWorkload, scenario: Scenario) -> OptionResult:
    accel = option.accelerator
    if not accel.can_train:
        note = f" ({accel.training_note})" if accel.training_note else ""
        raise InfeasibleError(
            f"{accel.id} is not a training accelerator (can_train = false){note}; workload "
            f"'{workload.id}' is a training workload", where=accel.id, key="can_train",
        )
    n = option.count or workload.accelerator_count
    need = perf.min_training_accelerators(accel=accel, workload=workload)
    if n < need:
        raise InfeasibleError(
            f"{workload.id} does not fit in memory on {n} × {accel.id}: training state needs at least "
            f"{need} accelerators (give a count with {accel.id}@{need})", where=accel.id, key="memory_gb",
        )
    tp = perf.training_throughput(accel=accel, workload=workload, count=n)
    g = perf.goodput(scenario, n)
    tokens = require(workload.training_tokens, "training_tokens", profile=workload.id)
    hours = tokens / (n * tp.tokens_per_second * g) / 3600.0
    avg_w, peak_w = _chip_power(accel, scenario, workload.id, tp.source == "measured")
    c = _hourly_costs(accel=accel, scenario=scenario, n=n, acquisition=option.acquisition, run_hours=hours,
                      avg_chip_w=avg_w, peak_chip_w=peak_w)
    port_weeks, port_months = _porting(accel, scenario)
    porting_usd = port_months * _val(scenario.engineer_usd_per_year) / 12.0
    compute = c.capital + c.facility + c.operations + c.energy + c.rent
    ttm = c.lead_days + c.deploy_days + 7 * port_weeks + hours / 24.0
    return OptionResult(
        accelerator=option.label, name=accel.name, acquisition=option.acquisition, count=n,
        throughput_source=ThroughputSource(tp.source), tokens_per_second_per_accelerator=tp.tokens_per_second,
        mfu=tp.mfu, scaling_efficiency=tp.scaling_efficiency, goodput=g, power_w_per_accelerator=avg_w,
        time_to_converge_hours=hours, lead_time_days=c.lead_days, deployment_days=c.deploy_days,
        porting_days=7 * port_weeks, time_to_market_days=ttm, energy_kwh=c.energy_kwh, capex_usd=c.capex,
        capital_usd=c.capital, rent_usd=c.rent, energy_usd=c.energy, facility_usd=c.facility,
        operations_usd=c.operations, porting_usd=porting_usd, compute_cost_usd=compute,
        job_cost_usd=compute + porting_usd, cost_per_million_tokens_usd=compute / tokens * 1e6,
        delay_days=0.0, delay_penalty_usd=0.0, effective_cost_usd=0.0, rank=0, notes=list(tp.notes),
    )


def _evaluate_inference(option: Option, workload: InferenceWorkload, scenario: Scenario) -> OptionResult:
    accel = option.accelerator
    if not accel.can_serve:
        raise InfeasibleError(f"{accel.id} cannot serve inference (can_serve = false)", where=accel.id, key="can_serve")
    tp = perf.inference_throughput(accel=accel, workload=workload)
    per_day = require(workload.tokens_per_day, "tokens_per_day", profile=workload.id)
    years = require(workload.service_life_years, "service_life_years", profile=workload.id)
    need = math.ceil(per_day / 86400.0 / tp.tokens_per_second)
    k = tp.replica_accelerators
    n = max(k, math.ceil(need / k) * k)
    if option.count is not None:
        if option.count < n:
            raise InfeasibleError(
                f"{option.count} × {accel.id} cannot serve {per_day:g} tokens/day of {workload.id}: "
                f"needs {n} (replicas of {k})", where=accel.id, key="count",
            )
        n = option.count
    avg_w, peak_w = _chip_power(accel, scenario, workload.id, tp.source == "measured")
    c = _hourly_costs(accel=accel, scenario=scenario, n=n, acquisition=option.acquisition,
                      run_hours=HOURS_PER_YEAR * (_val(scenario.utilization) if option.acquisition is Acquisition.buy else 1.0),
                      avg_chip_w=avg_w, peak_chip_w=peak_w)
    port_weeks, port_months = _porting(accel, scenario)
    porting_usd = port_months * _val(scenario.engineer_usd_per_year) / 12.0
    annual = c.capital + c.facility + c.operations + c.energy + c.rent
    ttm = c.lead_days + c.deploy_days + 7 * port_weeks
    return OptionResult(
        accelerator=option.label, name=accel.name, acquisition=option.acquisition, count=n,
        throughput_source=ThroughputSource(tp.source), tokens_per_second_per_accelerator=tp.tokens_per_second,
        mfu=tp.mfu, scaling_efficiency=1.0, goodput=1.0, power_w_per_accelerator=avg_w,
        time_to_converge_hours=None, lead_time_days=c.lead_days, deployment_days=c.deploy_days,
        porting_days=7 * port_weeks, time_to_market_days=ttm, energy_kwh=c.energy_kwh * years,
        capex_usd=c.capex, capital_usd=c.capital * years, rent_usd=c.rent * years, energy_usd=c.energy * years,
        facility_usd=c.facility * years, operations_usd=c.operations * years, porting_usd=porting_usd,
        compute_cost_usd=annual * years, job_cost_usd=annual * years + porting_usd,
        cost_per_million_tokens_usd=annual / (per_day * 365.25) * 1e6, delay_days=0.0, delay_penalty_usd=0.0,
        effective_cost_usd=0.0, rank=0, annual_cost_usd=annual,
        notes=[f"{tp.bound} bound, batch {tp.batch}, replica of {k}", *tp.notes],
    )


def evaluate_option(option: Option, workload: TrainingWorkload | InferenceWorkload, scenario: Scenario) -> OptionResult:
    """Costs and times of one option, before delay and ranking."""
    if isinstance(workload, TrainingWorkload):
        return _evaluate_training(option, workload, scenario)
    return _evaluate_inference(option, workload, scenario)


def rank_results(results: Sequence[OptionResult], scenario: Scenario) -> list[OptionResult]:
    """Apply the delay penalty and rank by effective cost (ties keep input order)."""
    deadline = scenario.deadline_days.value if scenario.deadline_days is not None else None
    fastest = min(r.time_to_market_days for r in results)
    cod = _val(scenario.cost_of_delay_usd_per_day)
    staged = []
    for r in results:
        delay = max(0.0, r.time_to_market_days - deadline) if deadline is not None else r.time_to_market_days - fastest
        penalty = cod * delay
        staged.append(r.model_copy(update={
            "delay_days": delay, "delay_penalty_usd": penalty, "effective_cost_usd": r.job_cost_usd + penalty,
        }))
    order = sorted(range(len(staged)), key=lambda i: staged[i].effective_cost_usd)
    ranked = [staged[i].model_copy(update={"rank": k + 1}) for k, i in enumerate(order)]
    return ranked


def compare(
    *, options: Sequence[Option], workload: TrainingWorkload | InferenceWorkload, scenario: Scenario,
    baseline: str | None = None,
) -> Comparison:
    """Evaluate and rank every option; the result the CLI renders."""
    if not options:
        raise InputError("no accelerator to compare")
    results = rank_results([evaluate_option(o, workload, scenario) for o in options], scenario)
    labels = [o.label for o in options]
    if baseline is not None and baseline not in labels:
        raise InputError(f"baseline '{baseline}' is not one of the compared options: {', '.join(labels)}", key="--baseline")
    return Comparison(
        workload=workload.id, workload_kind=workload.kind, scenario=scenario.id,
        baseline=baseline or labels[0], results=results,
    )
