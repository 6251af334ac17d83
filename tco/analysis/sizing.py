"""Sizing: the count that meets a deadline, a budget or a power envelope."""

from __future__ import annotations

import math

import numpy as np
from pydantic import Field

from tco import engine
from tco.analysis.common import (
    known,
    prepare,
)
from tco.errors import InfeasibleError, InputError
from tco.inputs import Inputs
from tco.models import (
    StrictModel,
    TrainingWorkload,
)

# --------------------------------------------------------------------------- sizing


class SizeOption(StrictModel):
    """The count chosen for one option under the constraint; the figures are None when none meets it."""

    option: str
    feasible: bool
    message: str
    count: int | None = None
    missing_inputs: list[str] = Field(default_factory=list, description="Input paths this option lacks.")
    time_to_market_days: float | None = None
    time_to_converge_hours: float | None = None
    job_cost_usd: float | None = None
    cost_per_million_tokens_usd: float | None = None
    facility_power_kw: float | None = None


class SizeResult(StrictModel):
    schema_version: int = 1
    workload: str
    scenario: str
    constraint: str
    limit: float
    options: list[SizeOption]


MAX_COUNT = 1 << 17
"""Largest count considered when sizing (131,072 accelerators)."""


def size(
    inputs: Inputs, *, deadline_days: float | None = None, budget_usd: float | None = None, power_kw: float | None = None
) -> SizeResult:
    """Per option: the smallest count meeting a deadline (time to market), or the largest count within a
    budget (job cost) or a facility power envelope (IT power × PUE), honouring memory fit and scaling."""
    given = [(n, v) for n, v in (("deadline_days", deadline_days), ("budget_usd", budget_usd), ("power_kw", power_kw)) if v is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --deadline-days, --budget-usd, --power-kw", key="constraint")
    name, limit = given[0]
    if not (limit > 0 and math.isfinite(limit)):
        raise InputError(f"expected a positive number, got {limit:g}", key=name)
    if not isinstance(inputs.workload, TrainingWorkload):
        raise InputError("sizing applies to training workloads; an inference fleet is sized by tokens_per_day already", key="workload")
    prep = prepare(inputs)
    counts = np.arange(1, MAX_COUNT + 1, dtype=float)
    results = []
    for i, (plan, base) in enumerate(zip(prep.plans, prep.bases, strict=True)):
        if i in prep.barred:
            results.append(SizeOption(option=plan.label, feasible=False, message=prep.barred[i]))
            continue
        p = engine.KnownInputs(base)
        p["count"] = counts
        with np.errstate(all="ignore"):
            out = engine.evaluate_plan(plan, p, ops=np)
        lacking = [plan.user_path(k) for k in p.missing]
        ttm = np.broadcast_to(out["time_to_market_days"], counts.shape)
        cost = np.broadcast_to(out["job_cost_usd"], counts.shape)
        k_pwr = p[plan.k_pwr_key] if plan.acquisition.value == "buy" else 0.0
        tdp = base.get("accel.tdp_w", math.nan)
        peak_w = max(tdp, base.get(f"{plan.bench_key}.power_w", 0.0)) if plan.measured_power else tdp
        power = counts * peak_w * k_pwr * base["scenario.pue"] / 1000.0
        ok = counts >= plan.min_count
        label = plan.label
        if name == "deadline_days":
            meets = ok & (ttm <= limit)
            pick = int(np.argmax(meets)) if meets.any() else None
            fixed = float(ttm[-1] - out["time_to_converge_hours"][-1] / 24.0) if plan.kind == "training" else 0.0
            why = (
                f"no count meets {limit:g} days: lead time, deployment and porting alone take {fixed:.1f} days"
                if fixed >= limit
                else f"no count up to {MAX_COUNT:,} reaches the market within {limit:g} days"
            )
        elif name == "power_kw" and plan.acquisition.value == "rent":
            meets = np.zeros_like(ok)
            pick = None
            why = "rented capacity draws no power from your facility: a power envelope does not size it"
        else:
            metric = cost if name == "budget_usd" else power
            meets = ok & (metric <= limit)
            pick = int(len(meets) - 1 - np.argmax(meets[::-1])) if meets.any() else None
            unit = "$" if name == "budget_usd" else "kW"
            why = f"even the minimum count that fits in memory ({plan.min_count}) exceeds {limit:,.6g} {unit}"
        if pick is None:
            decided = ttm if name == "deadline_days" else cost if name == "budget_usd" else power
            if lacking and not np.isfinite(decided).any():
                why = f"cannot be sized: needs {', '.join(lacking)}, which is unknown"
            results.append(SizeOption(option=label, feasible=False, message=why, missing_inputs=lacking))
            continue
        n = int(counts[pick])
        results.append(
            SizeOption(
                option=label,
                feasible=True,
                count=n,
                missing_inputs=lacking,
                time_to_market_days=known(ttm[pick]),
                time_to_converge_hours=known(np.broadcast_to(out["time_to_converge_hours"], counts.shape)[pick]),
                job_cost_usd=known(cost[pick]),
                cost_per_million_tokens_usd=known(np.broadcast_to(out["cost_per_million_tokens_usd"], counts.shape)[pick]),
                facility_power_kw=known(power[pick]),
                message=f"{n} × {plan.accel_id} meets {name} = {limit:,.6g}",
            )
        )
    if not any(r.feasible for r in results):
        raise InfeasibleError("; ".join(f"{r.option}: {r.message}" for r in results), key=name)
    return SizeResult(workload=inputs.workload.id, scenario=inputs.scenario.id, constraint=name, limit=limit, options=results)
