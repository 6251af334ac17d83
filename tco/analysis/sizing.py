"""Sizing: the count that meets a deadline, a budget or a power envelope."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from tco import engine, perf, training
from tco.analysis.common import (
    also_set,
    known,
    prepare,
)
from tco.errors import InfeasibleError, InputError, TcoError, give_with, not_finite, show_number, unknown_inputs
from tco.inputs import Inputs
from tco.models import TINY, OptionStatus, TrainingWorkload
from tco.results import MONEY_LIMITS, SizeOption, SizeResult, limit_text

# --------------------------------------------------------------------------- sizing


MAX_COUNT = 1 << 17
"""Largest count considered when sizing (131,072 accelerators)."""


def _count_chunks() -> list[np.ndarray]:
    """The counts 1 .. :data:`MAX_COUNT` in octaves: 1–64, then (2^k, 2^(k+1)]."""
    chunks = [np.arange(1, 65, dtype=float)]
    lo = 64
    while lo < MAX_COUNT:
        chunks.append(np.arange(lo + 1, 2 * lo + 1, dtype=float))
        lo *= 2
    return chunks


def _for_counts(plan: engine.Plan, base: dict[str, Any], counts: np.ndarray) -> engine.Plan:
    """The plan with each training stage's layouts narrowed to those fastest at the octave's two ends and
    its middle (the union of their shortlists): every layout at every count costs a minute for a large
    MoE model over 131,072 counts, the shortlists a second. The lower end is taken at the previous octave's
    last count, 2^k, so adjacent octaves share a search (:func:`tco.training.shortlist` remembers it);
    a shortlist only bounds the search, and the answer is then searched over every layout (:func:`_exact`)."""
    if plan.kind != "training" or plan.mfu_key or plan.throughput_source.value != "derived":
        return plan
    stages = []
    for st in plan.stages:
        picks: set[int] = set()
        for c in (max(counts[0] - 1, 1.0), counts[len(counts) // 2], counts[-1]):
            p = engine.KnownInputs(base)
            p["count"] = float(c)
            picks.update(training.shortlist(st.job, engine.stage_inputs(st, p, plan.active_key)))
        stages.append(replace(st, subset=tuple(sorted(picks)), subset_holds=True))
    return replace(plan, stages=tuple(stages))


_FIELDS = ("time_to_market_days", "job_cost_usd", "time_to_converge_hours", "cost_per_million_tokens_usd", "capex_usd")
_FIXED = ("lead_time_days", "deployment_days", "porting_days")
"""The parts of the time to market no count shortens."""


def _exact(plan: engine.Plan, base: dict[str, Any], counts: np.ndarray) -> dict[str, np.ndarray]:
    """The outputs at ``counts`` over every layout (even at a single count, where the plan's own
    shortlist, chosen at the workload's count, would otherwise apply)."""
    if plan.kind == "training":
        plan = replace(plan, stages=tuple(replace(st, subset=None, subset_holds=True) for st in plan.stages))
    p = engine.KnownInputs(base)
    p["count"] = counts
    with np.errstate(all="ignore"):
        out = engine.evaluate_plan(plan, p, ops=np)
    return {k: np.broadcast_to(out[k], counts.shape) for k in _FIELDS}


def _outlay_note(name: str, limit: float, capex: float) -> str:
    """A budget bounds the job's cost, which charges an owned fleet only its share of the hardware's life:
    where buying the fleet costs more than the budget up front, the message says so."""
    if name != "budget_usd" or not capex > limit or not math.isfinite(capex):
        return ""
    # (a purchase the engine computed, in whole dollars as every money total is shown: $17,094,877, not the
    # $17,094,876.592 a limit the user gave would keep; every digit only where it would round onto the limit)
    whole = f"${capex:,.0f}" if capex < 1e15 else limit_text(name, capex)
    return f" (the job's cost; buying them costs {limit_text(name, capex) if whole == limit_text(name, limit) else whole} up front)"


def _evaluate_counts(
    plan: engine.Plan, base: dict[str, Any], done: Callable[[dict[str, np.ndarray]], bool]
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The outputs at every count (as arrays over 1 .. :data:`MAX_COUNT`, cut short once ``done`` says
    the answer is in the octaves evaluated) and the inputs they lacked."""
    parts: list[dict[str, np.ndarray]] = []
    missing: set[str] = set()
    for counts in _count_chunks():
        p = engine.KnownInputs(base)
        p["count"] = counts
        with np.errstate(all="ignore"):
            out = engine.evaluate_plan(_for_counts(plan, base, counts), p, ops=np)
        missing.update(p.missing)
        parts.append({"count": counts} | {k: np.broadcast_to(out[k], counts.shape) for k in (*_FIELDS, *_FIXED)})
        if done(parts[-1]):
            break
    return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}, sorted(missing)


def with_fitting_count(inputs: Inputs) -> Inputs:
    """The inputs with the workload's count raised, where it is too small, to the least count that holds
    the model on every option that can run it: sizing searches every count, so the workload's own
    count must not stop it (it is only where the layouts are planned first)."""
    if not isinstance(inputs.workload, TrainingWorkload):
        return inputs
    need = inputs.workload.accelerator_count
    for o in inputs.options:
        try:
            at_most = dataclasses.replace(o, count=perf.MAX_ACCELERATORS)
            need = max(need, engine.plan_option(at_most, inputs.workload, inputs.scenario, market=False).min_count)
        except TcoError:
            pass  # the analysis says why it cannot run
    if need == inputs.workload.accelerator_count:
        return inputs
    return dataclasses.replace(inputs, workload=inputs.workload.model_copy(update={"accelerator_count": need}))


def _fixed_days(out: dict[str, np.ndarray]) -> np.ndarray:
    """The days of the time to market that no count shortens: lead time, deployment and porting (known even
    where the run never ends at any count; NaN where one is unknown)."""
    fixed: np.ndarray = out["lead_time_days"] + out["deployment_days"] + out["porting_days"]
    return fixed


HARDWARE_LIMITS = ("power_kw", "capex_usd")
"""The limits on the owned hardware itself, its power and its purchase: the layout does not change them, and
rented capacity has neither, so they do not size it."""


def size(
    inputs: Inputs,
    *,
    deadline_days: float | None = None,
    budget_usd: float | None = None,
    power_kw: float | None = None,
    capex_usd: float | None = None,
) -> SizeResult:
    """Per option: the smallest count meeting a deadline (time to market), or the largest count within a
    budget (job cost), a purchase budget (capex: what buying the fleet costs up front) or a facility power
    envelope (IT power × PUE), honouring memory fit and scaling."""
    limits = (("deadline_days", deadline_days), ("budget_usd", budget_usd), ("capex_usd", capex_usd), ("power_kw", power_kw))
    given = [(n, v) for n, v in limits if v is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --deadline-days, --budget-usd, --capex-usd, --power-kw", key="constraint")
    if not isinstance(inputs.workload, TrainingWorkload):  # (before @N, which is a replica for serving)
        raise InputError(
            'sizing applies to training workloads, not kind = "inference": an inference fleet is sized by tokens_per_day already',
            where=inputs.workload.id,
            key="kind",
        )
    name, limit = given[0]
    flag = f"--{name.replace('_', '-')}"
    if not math.isfinite(limit):  # (inf is positive: what it lacks is an end)
        raise InputError(not_finite(limit, "a finite positive number", signed=False), key=flag)
    if not limit > 0:
        raise InputError(f"expected a positive number, got {show_number(limit)}", key=flag)
    if limit < TINY:  # (a subnormal limit, as every other number flag refuses one: not a search that no count meets)
        raise InputError(f"expected a positive number of at least {TINY:g}, got {show_number(limit)}", key=flag)
    counted = [o.label for o in inputs.options if o.count is not None]
    if counted:
        raise InputError(f"size chooses the count itself: name {', '.join(counted)} without @COUNT", key="accelerator")
    count_set = next((s for s in inputs.sets if also_set(replace(inputs, sets=[s]), ["workload.accelerator_count"])), None)
    if count_set is not None:  # (the workload's count, as an option's @COUNT, is what size searches for: a --set of it is read by nothing)
        raise InputError(
            f"size chooses the count itself, searching every count up to {MAX_COUNT:,}: leave out {count_set.strip()}",
            where=inputs.workload.id,  # (its --set is blamed, as for any input a --set wrote)
            key="accelerator_count",
        )
    inputs = with_fitting_count(inputs)
    prep = prepare(inputs)
    results = []
    for i, (plan, base) in enumerate(zip(prep.plans, prep.bases, strict=True)):
        if i in prep.barred:
            results.append(_unmet(plan.label, prep.barred[i], []))
            continue

        def first_met(o: dict[str, np.ndarray], m: int = plan.min_count) -> bool:
            """A deadline wants the smallest count that meets it: the octaves above it need no evaluation; nor
            do any once the part of the time to market no count shortens (lead time, deployment, porting)
            alone exceeds the deadline."""
            if name != "deadline_days":
                return False
            return bool(((o["count"] >= m) & (o["time_to_market_days"] <= limit)).any()) or bool((_fixed_days(o) > limit).any())

        out, missing = _evaluate_counts(plan, base, first_met)
        counts = out["count"]
        lacking = [plan.user_path(k) for k in missing]
        ttm = out["time_to_market_days"]
        cost = out["job_cost_usd"]
        # (an unknown power factor or PUE leaves the facility power unknown; the job cost lists it as missing)
        k_pwr = base.get(plan.power_factor_key(base), math.nan) if plan.acquisition.value == "buy" else 0.0
        pue = base.get("scenario.pue", math.nan)
        tdp = base.get("accel.tdp_w", math.nan)
        peak_w = max(tdp, base.get(f"{plan.bench_key}.power_w", 0.0)) if plan.measured_power else tdp
        power = counts * peak_w * k_pwr * pue / 1000.0
        decided = {"deadline_days": ttm, "budget_usd": cost, "capex_usd": out["capex_usd"], "power_kw": power}[name]
        ok = counts >= plan.min_count
        label = plan.label
        if name == "deadline_days":
            meets = ok & (ttm <= limit)
            pick = int(np.argmax(meets)) if meets.any() else None
            fixed_all = _fixed_days(out)
            fixed = float(fixed_all[np.isfinite(fixed_all)][-1]) if np.isfinite(fixed_all).any() else 0.0
            days = f"{show_number(limit, grouping=True)} day{'' if limit == 1 else 's'}"
            why = (
                f"no count meets {days}: lead time, deployment and porting alone take {_days(fixed, limit)} days"
                if fixed >= limit
                else f"no count up to {MAX_COUNT:,} reaches the market within {show_number(limit, grouping=True)} days"
                + ("" if pick is not None else _closest(plan, base, counts[ok], ttm[ok], limit))
            )
        elif name in HARDWARE_LIMITS and plan.acquisition.value == "rent":
            pick = None
            why = (
                "rented capacity draws no power from your facility: a power envelope does not size it"
                if name == "power_kw"
                else "rented capacity is not bought: a purchase budget does not size it (--budget-usd bounds the job's cost)"
            )
        else:
            meets = ok & (decided <= limit)
            pick = int(len(meets) - 1 - np.argmax(meets[::-1])) if meets.any() else None
            unit = "" if name in MONEY_LIMITS else " kW"  # (money says its unit: $2,000,000, 1e+15 USD)
            why = f"even the minimum count that fits in memory ({plan.min_count}) exceeds {limit_text(name, limit)}{unit}"
            if pick is None:  # (only a refusal says it: the search at one count is not done for an answer)
                why += _least(plan, base, name, counts[ok], decided[ok], limit)
        figures = {k: out[k][pick] for k in _FIELDS} if pick is not None else {}
        if pick is not None and plan.kind == "training":
            # The octaves searched their shortlisted layouts only (never faster than all of them): the exact
            # answer is at or below a deadline's pick, at or above a budget's. Search every layout there,
            # moving the window while its far end still meets the limit. Power and the purchase do not depend
            # on the layout.
            n = int(counts[pick])
            lo, hi = (n, n) if name in HARDWARE_LIMITS else ((n + 1) // 2, n) if name == "deadline_days" else (n, min(2 * n, MAX_COUNT))
            while True:
                window = np.arange(lo, hi + 1, dtype=float)
                exact = _exact(plan, base, window)
                metric_w = {"deadline_days": exact["time_to_market_days"], "budget_usd": exact["job_cost_usd"]}.get(name)
                w_meets = (window >= plan.min_count) & (metric_w <= limit if metric_w is not None else True)
                if not w_meets.any():
                    break
                k = int(np.argmax(w_meets)) if name == "deadline_days" else int(len(w_meets) - 1 - np.argmax(w_meets[::-1]))
                figures = {f: exact[f][k] for f in _FIELDS}
                n = int(window[k])
                if name == "deadline_days" and k == 0 and lo > max(1, plan.min_count):
                    lo, hi = (lo + 1) // 2, lo - 1
                elif name == "budget_usd" and k == len(window) - 1 and hi < MAX_COUNT:
                    lo, hi = hi + 1, min(2 * hi, MAX_COUNT)
                else:
                    break
            pick = int(n) - 1  # counts run 1, 2, ...: the index of count n
        unknown_elsewhere = bool(lacking) and bool(np.isnan(decided[counts >= plan.min_count]).any())
        if pick is None:
            if lacking and not np.isfinite(decided).any():
                why = unknown_reason(lacking)
            # (a count whose figure is unknown might meet the limit: incomplete, as compare says of an unknown input)
            results.append(_unmet(label, why, lacking, incomplete=unknown_elsewhere))
            continue
        n = pick + 1
        results.append(
            SizeOption(
                option=label,
                feasible=True,
                status=OptionStatus.incomplete if lacking else OptionStatus.ranked,
                reason=None,
                count=n,
                missing_inputs=lacking,
                time_to_market_days=known(figures["time_to_market_days"]),
                time_to_converge_hours=known(figures["time_to_converge_hours"]),
                job_cost_usd=known(figures["job_cost_usd"]),
                cost_per_million_tokens_usd=known(figures["cost_per_million_tokens_usd"]),
                facility_power_kw=known(n * peak_w * k_pwr * pue / 1000.0),
                capex_usd=known(figures["capex_usd"]),
                message=f"{n:,} × {label} meets {name} = {limit_text(name, limit)}"
                + (f" among the counts whose figures are known (the others need {', '.join(lacking)})" if unknown_elsewhere else "")
                + (f" (the largest count searched, {MAX_COUNT:,}: more may fit)" if n == MAX_COUNT and name != "deadline_days" else "")
                + _outlay_note(name, limit, figures["capex_usd"]),
            )
        )
    if not any(r.feasible for r in results):
        # (an option that lacks an input is told which --set gives it: with no row to show, no note says it instead)
        lacked = list(dict.fromkeys(p for r in results if r.message == unknown_reason(r.missing_inputs) for p in r.missing_inputs))
        give = f"; {give_with(lacked)}" if lacked else ""
        raise InfeasibleError("; ".join(f"{r.option}: {r.message}" for r in results) + give, key=f"--{name.replace('_', '-')}")
    return SizeResult(workload=inputs.workload.id, scenario=inputs.scenario.id, constraint=name, limit=limit, options=results)


DELAY_INPUTS = ("scenario.cost_of_delay_usd_per_day", "scenario.deadline_days")
"""The inputs of the delay penalty, which sizing does not read: it gives no effective cost, only the count that meets a
limit (a deadline is --deadline-days)."""


def unread_by_size(inputs: Inputs, flag: str = "--set") -> list[str]:
    """One warning per ``--set`` of a delay penalty's input: it changes nothing size reports (compare and the other
    analyses weigh it), so it is said, not silently dropped."""
    out = []
    for item in inputs.sets:
        hit = also_set(replace(inputs, sets=[item]), DELAY_INPUTS)
        if hit is not None:
            out.append(
                f"{flag} {item.strip()}: size reads no delay penalty: it finds the count that meets the limit given "
                "(--deadline-days is a market date to meet); tco compare ID@COUNT weighs the delay"
            )
    return out


def _closest(plan: engine.Plan, base: dict[str, Any], counts: np.ndarray, ttm: np.ndarray, limit: float) -> str:
    """For a deadline no count meets: the count that comes closest and its time to market (the smallest count
    at the least time: past it the global batch or failures stop more accelerators from helping), taken over
    every layout at that count, as ``tco compare ID@COUNT`` gives it, with the decimals it takes to show it past the
    deadline (42.00003 days, not 42.0, for a deadline of 42.00001); empty where no count runs at all."""
    finite = np.isfinite(ttm)
    if not finite.any():
        return ""
    k = int(np.argmax(finite & (ttm == ttm[finite].min())))
    n = counts[k : k + 1]
    days = float(_exact(plan, base, n)["time_to_market_days"][0])
    if not math.isfinite(days):
        return ""
    text = _days(days)
    for places in range(2, 13):
        if float(text.replace(",", "")) > limit:
            break
        text = f"{days:,.{places}f}"
    return f"; the closest, {int(n[0]):,} × {plan.label}, reaches it in {text} days"


LEAST = {"budget_usd": "job cost found", "capex_usd": "purchase", "power_kw": "facility power"}
"""What a limit other than a deadline bounds, as :func:`_least` names it (the job cost as the search found it: a
layout outside every shortlist is not seen; the purchase and the power follow the count alone)."""


def _least(plan: engine.Plan, base: dict[str, Any], name: str, counts: np.ndarray, values: np.ndarray, limit: float) -> str:
    """For a budget, a purchase or a power envelope no count fits: the least figure of any count and the count
    (the job cost over every layout at that count, as ``tco compare ID@COUNT`` gives it), told apart from the limit
    where the two round alike; empty where no figure is known."""
    finite = np.isfinite(values)
    if not finite.any():
        return ""
    k = int(np.argmax(finite & (values == values[finite].min())))
    least = float(values[k])
    if name == "budget_usd" and plan.kind == "training":
        least = min(least, float(_exact(plan, base, counts[k : k + 1])["job_cost_usd"][0]))
    money = name in MONEY_LIMITS
    if money:
        text = f"${least:,.0f}" if 100 <= least < 1e15 else f"${least:,.2f}" if 0.01 <= least < 100 else f"{least:.6g} USD"
    else:
        text = f"{least:,.4g}" if least < 1e4 else f"{least:,.0f}"
    if text == limit_text(name, limit) or float(text.strip("$ USD").replace(",", "")) <= limit:
        # (rounded onto the limit, or read as it: every digit it takes)
        text = f"${least!r}" if money else repr(least)
    return f"; the least {LEAST[name]}, at {int(counts[k]):,}, is {text}{'' if money else ' kW'}"


def unknown_reason(lacking: Sequence[str]) -> str:
    """Why an option whose every count needs an unknown input has no count: what the note of the missing
    inputs already says, so the command line does not say it twice."""
    return f"cannot be sized: needs {unknown_inputs(lacking)}"


def _unmet(label: str, why: str, lacking: list[str], *, incomplete: bool = False) -> SizeOption:
    """An option without a count, with the message as its reason: incomplete when a count left unjudged for
    want of an input might meet the limit, else infeasible (compare's statuses)."""
    status = OptionStatus.incomplete if incomplete else OptionStatus.infeasible
    return SizeOption(option=label, feasible=False, message=why, missing_inputs=lacking, status=status, reason=why)


def _days(days: float, limit: float | None = None) -> str:
    """Days as the refusals write them: one decimal, or six significant digits past a billion (``7.7e+300``, not
    ``7.700000000000001e+300``: a computed figure, whose every digit :func:`show_number` would keep), every digit
    only where six would read as the ``limit`` it is told apart from."""
    if days < 1e9:
        return f"{days:,.1f}"
    text = f"{days:.6g}"
    return show_number(days, grouping=True) if limit is not None and float(text) == limit else text
