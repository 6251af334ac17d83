"""Cash flow and NPV per option, year by year, for buy, rent and lease (pure).

``compare`` prices capital as a levelized charge (capex × capital recovery factor per year of use); finance
reviews a purchase as cash: capex when the hardware is delivered, running costs while it runs, a residual
value when it is sold, and the delay penalty when the product reaches the market. Every figure here comes
from the engine's own evaluation of the option (the :func:`tco.engine.compare` result); this module only
places the amounts in time and discounts them:

* times are in years from today: delivery after the lead time (bought or leased) or the set-up
  (rented); the run lasts the training job (time to converge) or the service life (inference);
* capex at delivery; energy, facility, operations, rent, lease payments and the carbon price (when the
  scenario prices emissions) spread evenly over the run;
  porting at the start; the delay penalty at the market date;
* revenue, when given, from the market date for as long for every option (the service life, or at least a
  year after a training run): a late option earns it later, not less, so the delay is counted once, as the
  delay penalty (the revenue's later timing costs only its discounting);
* residual value at the end of the run: ``capex · 10^(−δ · t)`` for ``t`` years of use, δ the
  scenario's economic depreciation (Epoch AI: 0.14 orders of magnitude per year, 0.10–0.18);
* a flow of amount ``A`` at time ``t`` is worth ``A / (1 + r)^t`` today (``r``: the scenario's cost of
  capital); a flow spread over ``[t0, t1]`` is split by year and each part discounted at its midpoint.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tco import engine
from tco.analysis.common import missing_error
from tco.engine import Option
from tco.errors import InputError, not_finite, show_number
from tco.models import TINY, Acquisition, OptionResult, Scenario, TrainingWorkload, Workload
from tco.results import CashflowOption, CashflowResult, CashflowYear

DAYS_PER_YEAR = 365.25
MAX_YEARS = 100
"""A cash flow is tabulated year by year: runs longer than a century are refused, not looped over."""


def run_end_ok(years: float) -> bool:
    return math.isfinite(years) and years <= MAX_YEARS


LINES = ("capex", "energy", "facility", "operations", "porting", "rent", "lease", "carbon", "residual", "delay_penalty", "revenue")


Piece = tuple[int, str, float, float]
"""(year, line, share of the line's total, time in years at which it is discounted): where each part of
a line falls, so that a workbook can write the cash flow as formulas over the totals of the Calc sheets."""


def _spread(amount: float, t0: float, t1: float, r: float, by_year: dict[int, list[float]], line: int, pieces: list[Piece]) -> None:
    """Split ``amount`` evenly over ``[t0, t1]`` into year buckets (and discount each part at its midpoint)."""
    if t1 <= t0:
        _at(amount, t0, r, by_year, line, pieces)
        return
    y = math.floor(t0)
    while y < t1:
        lo, hi = max(t0, y), min(t1, y + 1)
        if hi > lo:
            _at(amount * (hi - lo) / (t1 - t0), (lo + hi) / 2, r, by_year, line, pieces, year=y, share=(hi - lo) / (t1 - t0))
        y += 1


def _at(
    amount: float,
    t: float,
    r: float,
    by_year: dict[int, list[float]],
    line: int,
    pieces: list[Piece],
    year: int | None = None,
    share: float = 1.0,
) -> None:
    y = math.floor(t) if year is None else year
    pieces.append((y, LINES[line], share, t))  # where it falls, an amount of 0 too (a workbook's edit may give it one)
    if amount == 0 and (line != LINES.index("revenue") or y in by_year):
        return  # (a revenue given as 0 keeps its years: the rate's cell can be edited)
    row = by_year.setdefault(y, [0.0] * (len(LINES) + 1))
    row[line] += amount
    row[-1] += amount / (1.0 + r) ** t * (1 if line not in (LINES.index("residual"), LINES.index("revenue")) else -1)


def cashflow_option(
    res: OptionResult,
    option: Option,
    workload: Workload,
    scenario: Scenario,
    *,
    penalty: float,
    revenue_per_day: float | None = None,
    lease_usd_per_month: float | None = None,
    lease_months: float | None = None,
) -> CashflowOption:
    out = res.model_dump()  # a ranked result: every figure below is known
    r = scenario.cost_of_capital.value or 0.0
    delta = scenario.economic_depreciation_oom_per_year.value or 0.0
    training = isinstance(workload, TrainingWorkload)
    delivery = out["lead_time_days"] / DAYS_PER_YEAR  # the hardware (or the rented capacity) arrives
    start = delivery + out["deployment_days"] / DAYS_PER_YEAR  # deployed: porting, then the run
    port_end = start + out["porting_days"] / DAYS_PER_YEAR
    if isinstance(workload, TrainingWorkload):
        run_years = (out["time_to_converge_hours"] or 0.0) / 24.0 / DAYS_PER_YEAR
    else:
        run_years = workload.service_life_years.value or 0.0
    span = start + out["porting_days"] / DAYS_PER_YEAR + run_years
    if not run_end_ok(span):
        rent = option.acquisition is Acquisition.rent
        parts = {  # the input each part of the span comes from, as a flat key, and its days
            "the lead time": ("accel.rental.lead_time_weeks" if rent else "accel.lead_time_weeks", out["lead_time_days"]),
            "the deployment": ("scenario.rental_setup_weeks" if rent else "scenario.deployment_weeks", out["deployment_days"]),
            "the porting": (engine.port_keys(option.accelerator)[0], out["porting_days"]),
            "the run" if training else "the service life": (
                "workload.training_tokens" if training else "workload.service_life_years",
                run_years * DAYS_PER_YEAR,
            ),
        }
        longest = max(parts, key=lambda k: parts[k][1])
        scope, _, key = parts[longest][0].partition(".")
        # (a run is long for its tokens, or for a rate a --set lowered: that --set is blamed, not the file's tokens)
        run = longest == "the run"
        raise InputError(
            f"{option.label}: the cash flow would span {span:,.4g} years, more than {MAX_YEARS}; {longest} alone takes "
            f"{parts[longest][1] / DAYS_PER_YEAR:,.4g} years",
            where={"accel": option.accelerator.id, "workload": workload.id}.get(scope, scope),
            key=key,
            also=engine.run_length_causes(engine.plan_option(option, workload, scenario, market=False)) if run else (),
        )
    if lease_usd_per_month is not None and lease_months is not None and not run_end_ok(delivery + lease_months / 12.0):
        raise InputError(  # (the term as typed: 1,201 months, not 1.2e+03)
            f"a lease of {show_number(lease_months, grouping=True)} months would run past {MAX_YEARS} years (it starts at "
            f"{option.label}'s delivery, {delivery:,.3g} years in)",
            key="--lease-months",
        )
    run_start = port_end
    run_end = run_start + run_years
    market = out["time_to_market_days"] / DAYS_PER_YEAR
    by_year: dict[int, list[float]] = {}
    pieces: list[Piece] = []
    basis: dict[str, float] = {}
    notes = []
    lease = lease_usd_per_month is not None
    if option.acquisition is Acquisition.buy and not lease:
        capex = out["capex_usd"] or 0.0
        _at(capex, delivery, r, by_year, LINES.index("capex"), pieces)
        use_years = run_end - delivery
        residual = capex * 10.0 ** (-delta * use_years)
        basis["use_years"] = use_years
        _at(residual, run_end, r, by_year, LINES.index("residual"), pieces)
        notes.append(f"residual {residual / capex:.0%} of capex after {use_years:.2f} years (10^(-{delta:g}·t))" if capex else "")
    elif lease_usd_per_month is not None:
        n = out["count"] or 0
        held = (run_end - delivery) * 12.0  # from delivery through deployment and porting to the end of the run
        if lease_months is not None and lease_months < held * (1 - 1e-9):
            step = 10.0 ** (math.floor(math.log10(held)) - 3) if held > 0 else 1.0
            enough = math.ceil(held / step) * step  # (4 significant digits, rounded up: a term that is accepted)
            raise InputError(
                f"{option.label}: a lease of {lease_months:,.4g} month{'' if lease_months == 1 else 's'} ends before the run does, "
                f"{enough:,.4g} months "
                "after delivery (deployment, porting and run): give a term at least that long",
                key="--lease-months",
            )
        months = lease_months if lease_months is not None else held
        basis["lease_months"] = months
        _spread(n * lease_usd_per_month * months, delivery, delivery + months / 12.0, r, by_year, LINES.index("lease"), pieces)
        notes.append(f"leased: {n} × ${lease_usd_per_month:,.2f} per month for {months:g} months, no capex or residual")
    for name in ("energy", "facility", "operations", "rent", "carbon"):
        key = f"{name}_usd"
        _spread(out[key] or 0.0, run_start, run_end, r, by_year, LINES.index(name), pieces)
    _at(out["porting_usd"] or 0.0, start, r, by_year, LINES.index("porting"), pieces)
    _at(penalty, market, r, by_year, LINES.index("delay_penalty"), pieces)  # (0 too: its date is known)
    if revenue_per_day is not None:  # (0 too: where it would fall, for a workbook's edit)
        horizon = max(run_end, market + 1.0) if training else run_end
        if penalty and revenue_per_day:
            notes.append(
                f"revenue deferred, not lost: it runs as long from the market date as for any option; the "
                f"{out['delay_days']:,.4g} days late are charged once, as the delay penalty (cost of delay × days late)"
            )
        basis["revenue_days"] = (horizon - market) * DAYS_PER_YEAR
        _spread(revenue_per_day * (horizon - market) * DAYS_PER_YEAR, market, horizon, r, by_year, LINES.index("revenue"), pieces)
    if not all(math.isfinite(v) for row in by_year.values() for v in row):
        flags = [f for f, v in (("--lease-usd-per-month", lease_usd_per_month), ("--revenue-usd-per-day", revenue_per_day)) if v]
        raise InputError(
            f"{option.label}: the cash flow overflows a float (a line above 1e308 USD)"
            + (f"; lower {' or '.join(flags)}" if flags else ""),
            key=flags[0] if flags else "option",
        )
    years = []
    cumulative = 0.0
    payback = None
    for y in sorted(by_year):
        row = by_year[y]
        values = dict(zip(LINES, row[:-1], strict=True))
        net = sum(v for k, v in values.items() if k not in ("residual", "revenue")) - values["residual"] - values["revenue"]
        cumulative += net
        if revenue_per_day and payback is None and cumulative < 0:
            payback = y
        years.append(
            CashflowYear(
                year=y,
                **{f"{k}_usd": v for k, v in values.items()},
                net_cost_usd=net,
                discounted_net_cost_usd=row[-1],
                cumulative_net_cost_usd=cumulative,
            )
        )
    result = CashflowOption(
        option=option.label + (":lease" if lease else ""),
        acquisition="lease" if lease else option.acquisition.value,
        count=res.count,
        delivery_years=delivery,
        run_years=run_years,
        market_years=market,
        years=years,
        total_cost_usd=sum(y.net_cost_usd for y in years),
        npv_cost_usd=sum(y.discounted_net_cost_usd for y in years),
        payback_year=payback,
        notes=[n for n in notes if n],
    )
    result._pieces, result._basis = pieces, basis
    return result


def _lease_reads(workload: Workload) -> tuple[str, ...]:
    """The result's figures a leased option's cash flow reads (:func:`cashflow_option`): none of them the price."""
    run = ("time_to_converge_hours",) if isinstance(workload, TrainingWorkload) else ()
    costs = ("energy_usd", "facility_usd", "operations_usd", "rent_usd", "carbon_usd", "porting_usd", "delay_penalty_usd")
    return ("count", "lead_time_days", "deployment_days", "porting_days", "time_to_market_days", *run, *costs)


def cashflow(
    options: Sequence[Option],
    workload: Workload,
    scenario: Scenario,
    *,
    revenue_per_day: float | None = None,
    lease_usd_per_month: float | None = None,
    lease_months: float | None = None,
    reference: Sequence[Option] = (),
) -> CashflowResult:
    """Year-by-year cash flow and NPV of every option; with a lease rate, each bought option also
    appears leased (same hardware, monthly payments instead of capex and residual). ``reference``:
    options left out of the cash flow (an unknown price) that still set the delay, as compare counts
    them: the fastest known time to market among all."""
    for flag, v, what in (
        ("--revenue-usd-per-day", revenue_per_day, "revenue of at least 0"),
        ("--lease-usd-per-month", lease_usd_per_month, "positive lease rate"),
        ("--lease-months", lease_months, "positive lease term"),
    ):
        if v is not None and not math.isfinite(v):  # ('expected a revenue of at least 0, got inf' would contradict itself)
            raise InputError(not_finite(v, f"a finite {what}", signed=False), key=flag)
        if v is not None and v != 0 and abs(v) < TINY:
            raise InputError(
                f"expected {'0 or at least' if flag == '--revenue-usd-per-day' else 'a positive number of at least'} 1e-300, got {v!r}",
                key=flag,
            )
    if lease_usd_per_month is not None and not lease_usd_per_month > 0:
        raise InputError(f"expected a positive lease rate, got {show_number(lease_usd_per_month)}", key="--lease-usd-per-month")
    if lease_months is not None and lease_usd_per_month is None:
        raise InputError("a lease term needs a lease rate: give --lease-usd-per-month too", key="--lease-months")
    if lease_months is not None and not lease_months > 0:
        raise InputError(f"expected a positive lease term, got {show_number(lease_months)}", key="--lease-months")
    if revenue_per_day is not None and not revenue_per_day >= 0:
        raise InputError(f"expected a revenue of at least 0, got {show_number(revenue_per_day)}", key="--revenue-usd-per-day")
    if lease_usd_per_month is not None and not any(o.acquisition is Acquisition.buy for o in (*options, *reference)):
        raise InputError("a lease applies to bought options, and every option here is rented: give one to buy", key="--lease-usd-per-month")
    # The cash flow's own inputs, which compare may not read (a rented option has no capital charge; no option's
    # effective cost has a resale value): unknown, every flow would be discounted at 0 % and a bought fleet resold
    # at its full price, and the NPV said so without a word.
    bought = [o for o in options if o.acquisition is Acquisition.buy]
    for path, value, needing in (
        ("scenario.cost_of_capital", scenario.cost_of_capital.value, list(options)),
        ("scenario.economic_depreciation_oom_per_year", scenario.economic_depreciation_oom_per_year.value, bought),
    ):
        if value is None and needing:
            raise missing_error({needing[0].label: [path]}, workload.id)
    comp = engine.compare(options=[*options, *reference], workload=workload, scenario=scenario)
    by_label = {r.accelerator: r for r in comp.results}
    results = []
    for option in options:
        res = by_label[option.label]
        if res.status.value != "ranked":
            if res.reason or not res.missing_inputs:
                why = f"{option.label} cannot be put in a cash flow: {res.reason}"
                if res.reason == engine.overflow_reason(option, workload, scenario):  # blamed on the input, as compare names it
                    where, key, _ = engine.overflow_cause(option, workload, scenario)
                    raise InputError(why, where=where, key=key)
                raise InputError(why, key="option")
            raise missing_error({option.label: res.missing_inputs}, workload.id)  # (as every analysis words it)
        penalty = res.delay_penalty_usd or 0.0
        results.append(cashflow_option(res, option, workload, scenario, penalty=penalty, revenue_per_day=revenue_per_day))
        if lease_usd_per_month is not None and option.acquisition is Acquisition.buy:
            results.append(
                cashflow_option(
                    res,
                    option,
                    workload,
                    scenario,
                    penalty=penalty,
                    revenue_per_day=revenue_per_day,
                    lease_usd_per_month=lease_usd_per_month,
                    lease_months=lease_months,
                )
            )
    # A bought option left out for an input only the purchase needs (its price, say) can still be leased: the lease
    # pays for the hardware by the month, so the row is made wherever every figure it reads is known.
    if lease_usd_per_month is not None:
        for option in reference:
            res = by_label[option.label]
            if (
                option.acquisition is Acquisition.buy
                and not res.reason
                and all(getattr(res, k) is not None for k in _lease_reads(workload))
            ):
                leased = cashflow_option(
                    res,
                    option,
                    workload,
                    scenario,
                    penalty=res.delay_penalty_usd or 0.0,
                    revenue_per_day=revenue_per_day,
                    lease_usd_per_month=lease_usd_per_month,
                    lease_months=lease_months,
                )
                unknown = ", ".join(res.missing_inputs)
                note = f"leased only: the purchase needs {unknown}, which the lease does not"
                results.append(leased.model_copy(update={"notes": [*leased.notes, note]}))
    # The delay is counted from the first market date of every option compare would weigh, one left out
    # of the cash flow for a missing input included (as compare does): say so where that one sets it.
    left = {o.label for o in reference}
    timed = [(r.time_to_market_days, r.accelerator) for r in comp.results if r.time_to_market_days is not None]
    first = min(timed) if timed else None
    if first is not None and first[1] in left and scenario.deadline_days is None:
        note = f"the delay is counted from {first[1]}'s market date (day {first[0]:,.1f}), an option left out of the cash flow"
        results = [r.model_copy(update={"notes": [*r.notes, note]}) if r.market_years * DAYS_PER_YEAR > first[0] else r for r in results]
    order = sorted(range(len(results)), key=lambda i: results[i].npv_cost_usd)
    ranked = [results[i].model_copy(update={"rank": order.index(i) + 1}) for i in range(len(results))]
    return CashflowResult(workload=workload.id, scenario=scenario.id, discount_rate=scenario.cost_of_capital.value or 0.0, options=ranked)
