"""What-if analyses on top of the engine: break-even, sensitivity, Monte Carlo, sweeps, sizing.

All of them evaluate many scenarios at once: :func:`evaluate_many` feeds numpy arrays through the
engine's own arithmetic (:func:`tco.engine.evaluate_plan` with ``ops=numpy``), so the formulas exist
once. numpy is imported here only, and this module is imported only by the commands that need it.

Inputs are named by the same dotted paths as ``--set``: ``scenario.<field>``, ``workload.<field>``,
``<accelerator-id>.<field>`` (``<accelerator-id>.count`` for the count of that option). Values are
checked by rebuilding the model through validation, so a what-if cannot smuggle in a negative price.
Methods: cost-model.md §2.4 (break-even), §2.5 (tornado), §2.6 (Monte Carlo with a lognormal from a
90 % interval, common random numbers across options).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from tco import engine, loader
from tco.errors import InfeasibleError, InputError, ProblemList, TcoError, did_you_mean
from tco.inputs import Inputs, parse_option
from tco.models import (
    Accelerator,
    FractionQuantity,
    Quantity,
    Scenario,
    StrictModel,
    TrainingWorkload,
    UnitIntervalQuantity,
    Workload,
)

CHUNK = 65_536
"""Scenarios evaluated per vectorized batch: large enough to amortise Python overhead, small
enough to keep memory flat for any grid or sample count."""

Z95 = 1.6448536269514722
"""Φ⁻¹(0.95): a low/high pair is read as a 90 % interval (cost-model §2.6, Hubbard; Epoch)."""

DEFAULT_SWING = 0.20
"""Inputs without a low/high range swing ±20 % in the tornado (issue requirement; an assumption)."""


def known(x: Any) -> float | None:
    """A float for JSON, or None where the figure is unknown (NaN: an input it needs is missing)."""
    v = float(x)
    return v if math.isfinite(v) else None


def missing_by_option(prep: Prepared, batch: Batch) -> dict[str, list[str]]:
    """Option label -> the input paths it lacks (only options that lack any)."""
    return {label: list(m) for label, m in zip(prep.labels, batch.missing, strict=True) if m}


# --------------------------------------------------------------------------- inputs by path


@dataclass(frozen=True)
class Target:
    """A user path resolved to the flat keys it sets, per option index."""

    path: str
    keys: dict[int, str]
    central: float | None
    quantity: Quantity | None
    is_count: bool = False
    is_integer: bool = False


@dataclass
class Prepared:
    """Plans and flat inputs for every option of ``inputs``, ready for vectorized evaluation."""

    inputs: Inputs
    plans: list[engine.Plan]
    bases: list[dict[str, float]]
    deadline: bool
    barred: dict[int, str] = field(default_factory=dict)
    """Option index -> why the scenario's market may not buy it."""

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.plans]


def prepare(inputs: Inputs) -> Prepared:
    """Plans for every option. An option the scenario's market may not buy is planned all the same
    (its figures are shown) and marked barred: it is never feasible, so it never ranks or wins."""
    plans, bases, barred = [], [], {}
    errors: list[TcoError] = []
    for i, o in enumerate(inputs.options):
        try:
            engine.check_market(o, inputs.scenario)
        except InfeasibleError as exc:
            barred[i] = exc.message
            errors.append(exc)
        plans.append(engine.plan_option(o, inputs.workload, inputs.scenario, market=False))
        bases.append(engine.numeric_inputs(o, inputs.workload, inputs.scenario))
    if len(barred) == len(inputs.options):
        raise errors[0] if len(errors) == 1 else ProblemList(errors)
    sc = inputs.scenario
    return Prepared(inputs, plans, bases, sc.deadline_days is not None and sc.deadline_days.value is not None, barred)


def _quantity_at(model: Any, parts: Sequence[str]) -> Any:
    cur = model
    for part in parts:
        if isinstance(cur, dict):
            cur = next((v for k, v in cur.items() if getattr(k, "value", k) == part), None)
        elif part.startswith("benchmarks[") and isinstance(cur, Accelerator):
            cur = cur.benchmark_for(part[len("benchmarks[") : -1])
        else:
            cur = getattr(cur, part, None)
        if cur is None:
            return None
    return cur


def resolve_target(prep: Prepared, path: str, *, where: str | None = None) -> Target:
    """The flat keys a user path sets in each option (raises with 'did you mean' when it names nothing).
    ``where`` names the option that supplied the path (``--param``, ``--vary``) in error messages."""
    if "." not in path and path != "count":
        raise InputError("expected scenario.<field>, workload.<field> or <accelerator-id>.<field>", where=where, key=path)
    scope, _, rest = path.partition(".")
    opts = prep.inputs.options
    rest_parts = loader.split_path(rest)
    counting = path == "count" or rest == "count" or (scope == "workload" and rest == "accelerator_count")
    if counting and not isinstance(prep.inputs.workload, TrainingWorkload):
        raise InputError(
            "for serving, a count is the replica size (ID@N), a discrete choice: compare ID@N options instead of varying it",
            where=where,
            key=path,
        )
    if path == "count" or (scope == "workload" and rest == "accelerator_count"):
        keys = {i: "count" for i, o in enumerate(opts) if path == "count" or o.count is None}
        if not keys:
            raise InputError("every option has its own count (ID@COUNT); vary <accelerator-id>.count instead", where=where, key=path)
        return Target(path, keys, prep.bases[next(iter(keys))]["count"], None, is_count=True)
    if scope == "scenario":
        loader.check_path(Scenario, rest_parts, label=path, where=where or "input")
        q = _quantity_at(prep.inputs.scenario, rest_parts)
        return _numeric(path, {i: path for i in range(len(opts))}, q, prep)
    if scope == "workload":
        wl = prep.inputs.workload
        loader.check_path(type(wl), rest_parts, label=path, where=where or "input")
        q = _quantity_at(wl, rest_parts)
        return _numeric(path, {i: path for i in range(len(opts))}, q, prep)
    idx = [i for i, o in enumerate(opts) if scope in (o.accelerator.id, *o.accelerator.aliases)]
    if not idx:
        names = ["scenario", "workload", *sorted({o.accelerator.id for o in opts})]
        raise InputError(
            f"'{scope}' is not scenario, workload or a compared accelerator{did_you_mean(scope, names)}", where=where, key=path
        )
    if rest == "count":
        return Target(path, {i: "count" for i in idx}, prep.bases[idx[0]]["count"], None, is_count=True)
    accel = opts[idx[0]].accelerator
    parts = rest_parts
    loader.check_path(Accelerator, parts, label=path, where=where or "input")
    if parts[0].startswith("benchmarks[") and accel.benchmark_for(parts[0][len("benchmarks[") : -1]) is None:
        raise InputError(f"{accel.id} has no measurement for that workload", where=where, key=path)
    q = _quantity_at(accel, parts)
    return _numeric(path, {i: "accel." + rest for i in idx}, q, prep)


def _numeric(path: str, keys: dict[int, str], q: Any, prep: Prepared) -> Target:
    if isinstance(q, bool) or (q is not None and not isinstance(q, (Quantity, int, float))):
        raise InputError("is not a numeric input", key=path)
    i0 = next(iter(keys))
    central = prep.bases[i0].get(keys[i0])
    return Target(path, keys, central, q if isinstance(q, Quantity) else None, is_integer=isinstance(q, int))


def validate_value(prep: Prepared, target: Target, value: float, *, where: str | None = None) -> None:
    """Rebuild the model that owns ``target`` with ``value`` through validation (raises InputError)."""
    if target.is_count:
        if value < 1 or value != math.floor(value):
            raise InputError(f"expected a whole count >= 1, got {value:g}", where=where, key=target.path)
        return
    if target.is_integer and value != math.floor(value):
        raise InputError(f"expected a whole number, got {value:g}", where=where, key=target.path)
    if target.is_integer:
        value = int(value)
    scope, _, rest = target.path.partition(".")
    if scope == "scenario":
        model: BaseModel = prep.inputs.scenario
        root: Any = Scenario
    elif scope == "workload":
        model = prep.inputs.workload
        root = TypeAdapter(Workload)
    else:
        model = prep.inputs.options[next(iter(target.keys))].accelerator
        root = Accelerator
    data = loader.apply_overrides(
        model.model_dump(mode="json", exclude_none=True),
        [(rest, value)],
        type(model) if root is not Accelerator else Accelerator,
        scope=scope,
        where=where or "input",
    )
    try:
        if isinstance(root, TypeAdapter):
            root.validate_python(data)
        else:
            root.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{value:g} is not allowed: {first['msg']}", where=where, key=target.path) from None


# --------------------------------------------------------------------------- vectorized evaluation


@dataclass
class Batch:
    """Outputs for ``size`` scenarios: ``per_option[i][metric]`` arrays, plus cross-option results."""

    size: int
    per_option: list[dict[str, np.ndarray]]
    delay_days: list[np.ndarray]
    delay_penalty_usd: list[np.ndarray]
    effective_cost_usd: list[np.ndarray]
    feasible: list[np.ndarray]
    rank: np.ndarray  # (options, size), 1 = best
    winner: np.ndarray  # (size,) option index
    missing: list[tuple[str, ...]]  # per option: input paths it lacks (its costs are NaN, never ranked first)


def evaluate_many(prep: Prepared, values: dict[str, tuple[Target, np.ndarray]], size: int) -> Batch:
    """Evaluate every option for ``size`` scenarios, the targets set to the given arrays."""
    per_option: list[dict[str, np.ndarray]] = []
    feasible: list[np.ndarray] = []
    missing: list[tuple[str, ...]] = []
    for i, (plan, base) in enumerate(zip(prep.plans, prep.bases, strict=True)):
        p: dict[str, Any] = dict(base)
        for target, arr in values.values():
            if i in target.keys:
                p[target.keys[i]] = arr
                if target.is_count and not plan.explicit_count:
                    plan = dataclasses.replace(plan, explicit_count=True)
        # Unknown inputs read as NaN: the figures that need them come out NaN (infeasible for ranking).
        known = engine.KnownInputs(p)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = engine.evaluate_plan(plan, known, ops=np)
        missing.append(tuple(plan.user_path(k) for k in known.missing))
        arrays = {k: np.broadcast_to(np.asarray(v, dtype=float), (size,)) for k, v in out.items() if v is not None}
        ok = (
            np.broadcast_to(np.asarray(p["count"], dtype=float) >= plan.min_count, (size,))
            if plan.kind == "training"
            else np.ones(size, dtype=bool)
        )
        ok = ok & np.isfinite(arrays["job_cost_usd"]) & (i not in prep.barred)
        per_option.append(arrays)
        feasible.append(ok)
    sp: dict[str, Any] = {k: v for k, v in prep.bases[0].items() if k.startswith("scenario.")}
    for target, arr in values.values():
        if target.path.startswith("scenario."):
            sp[target.path] = arr
    delays, penalties, effective = engine.apply_delay(
        [o["time_to_market_days"] for o in per_option],
        [o["job_cost_usd"] for o in per_option],
        sp,
        ops=np,
        deadline=prep.deadline,
        cod_rate=engine.scenario_fx(prep.inputs.scenario).get("scenario.cost_of_delay_usd_per_day"),
    )
    eff = np.vstack([np.where(ok, np.broadcast_to(e, (size,)), np.inf) for e, ok in zip(effective, feasible, strict=True)])
    order = np.argsort(eff, axis=0, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, len(per_option) + 1)[:, None].repeat(size, axis=1), axis=0)
    return Batch(
        size,
        per_option,
        [np.broadcast_to(d, (size,)) for d in delays],
        [np.broadcast_to(d, (size,)) for d in penalties],
        [np.where(ok, np.broadcast_to(e, (size,)), np.nan) for e, ok in zip(effective, feasible, strict=True)],
        feasible,
        rank,
        order[0],
        missing,
    )


def _index_of(prep: Prepared, ref: str) -> int:
    acc, count, acq, _ = parse_option(ref)
    for i, o in enumerate(prep.inputs.options):
        names = (o.accelerator.id, *o.accelerator.aliases, prep.inputs.refs[i] if prep.inputs.refs else o.accelerator.id)
        if acc in names and (count is None or o.count == count) and o.acquisition is acq:
            return i
    raise InputError(f"'{ref}' is not one of the compared options: {', '.join(prep.labels)}", key="option")


# --------------------------------------------------------------------------- break-even


class BreakevenResult(StrictModel):
    schema_version: int = 1
    workload: str
    scenario: str
    a: str
    b: str
    param: str = Field(description="Dotted input path, usable with --set.")
    range_low: float
    range_high: float
    value: float | None = Field(description="Input value at which both effective costs are equal; None if no tie.")
    missing_inputs: dict[str, list[str]] = Field(default_factory=dict, description="Option -> input paths it lacks.")
    all_values: list[float]
    winner_below: str | None
    winner_above: str | None
    effective_cost_at_value_usd: float | None
    message: str


def parse_range(text: str, *, what: str = "--range") -> tuple[float, float]:
    lo_s, sep, hi_s = text.partition(":")
    if not sep:
        raise InputError(f"expected LO:HI, got '{text}'", key=what)
    try:
        lo, hi = float(lo_s), float(hi_s)
    except ValueError:
        raise InputError(f"expected numbers LO:HI, got '{text}'", key=what) from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InputError(f"expected finite numbers, got '{text}'", key=what)
    if lo >= hi:
        raise InputError(f"empty or inverted range '{text}': LO must be below HI", key=what)
    return lo, hi


def default_range(target: Target) -> tuple[float, float]:
    """Cost of delay: 0 .. 1,000,000 $/day; else the input's own low/high when it has one; else ÷10 .. ×10."""
    if target.path.endswith("cost_of_delay_usd_per_day"):
        return 0.0, 1_000_000.0
    q = target.quantity
    if q is not None and q.low is not None and q.high is not None and q.low < q.high:
        return q.low, q.high
    c = target.central
    if c is None:
        raise InputError("has no value to build a default range from; give --range LO:HI", key=target.path)
    if target.is_count or target.is_integer:
        return max(1.0, math.floor(c / 10)), max(2.0, c * 10)
    if c == 0:
        return 0.0, 1.0
    return (c / 10, c * 10) if c > 0 else (c * 10, c / 10)


def breakeven(
    inputs: Inputs,
    a: str,
    b: str,
    *,
    param: str = "scenario.cost_of_delay_usd_per_day",
    value_range: tuple[float, float] | None = None,
    grid: int = 2049,
) -> BreakevenResult:
    """The value of ``param`` at which options ``a`` and ``b`` have equal effective cost: a grid scan
    finds every sign change of ``TEC_a − TEC_b``, then bisection refines each bracket to 1e-12."""
    prep = prepare(inputs)
    ia, ib = _index_of(prep, a), _index_of(prep, b)
    if ia == ib:
        raise InputError("compare two different options", key="option")
    target = resolve_target(prep, param, where="--param")
    lo, hi = value_range or default_range(target)
    for v in (lo, hi):
        validate_value(prep, target, v, where="--range" if value_range else "--param")
    integer = target.is_count or target.is_integer
    xs = np.unique(np.round(np.linspace(lo, hi, grid))) if integer else np.linspace(lo, hi, grid)

    def diff(x: np.ndarray) -> np.ndarray:
        batch = evaluate_many(prep, {param: (target, x)}, x.size)
        return np.asarray(batch.effective_cost_usd[ia] - batch.effective_cost_usd[ib])

    first = evaluate_many(prep, {param: (target, xs)}, xs.size)
    d = np.asarray(first.effective_cost_usd[ia] - first.effective_cost_usd[ib])
    names = prep.labels
    lacking = {k: v for k, v in missing_by_option(prep, first).items() if k in (names[ia], names[ib])}
    finite = np.isfinite(d)
    common: dict[str, Any] = dict(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        a=names[ia],
        b=names[ib],
        param=param,
        range_low=lo,
        range_high=hi,
        missing_inputs=lacking,
    )
    if finite.any() and np.all(d[finite] == 0):
        return BreakevenResult(
            **common,
            value=None,
            all_values=[],
            winner_below=None,
            winner_above=None,
            effective_cost_at_value_usd=None,
            message=f"{names[ia]} and {names[ib]} cost the same for every {param} in [{lo:,.6g}, {hi:,.6g}]: "
            "this input does not separate them",
        )
    roots: list[float] = []
    for k in range(xs.size - 1):
        d0, d1 = d[k], d[k + 1]
        if not (np.isfinite(d0) and np.isfinite(d1)):
            continue
        if d0 == 0 and (k == 0 or d[k - 1] != 0):
            roots.append(float(xs[k]))
        elif d0 * d1 < 0:
            # Whole-number inputs have no exact tie: report the first value on the other side.
            roots.append(float(xs[k + 1]) if integer else _bisect(diff, float(xs[k]), float(xs[k + 1]), float(d0)))
    if d.size > 1 and d[-1] == 0 and d[-2] != 0:
        roots.append(float(xs[-1]))

    def side(x: float) -> str | None:
        v = diff(np.array([x]))[0]
        return None if not np.isfinite(v) else (names[ia] if v < 0 else names[ib] if v > 0 else None)

    below, above = side(lo), side(hi)
    if roots:
        value = roots[0]
        cost = float(evaluate_many(prep, {param: (target, np.array([value]))}, 1).effective_cost_usd[ia][0])
        msg = f"{names[ia]} and {names[ib]} tie at {param} = {value:,.6g}; below it {below} wins, above it {above} wins"
        if len(roots) > 1:
            msg = (
                f"{names[ia]} and {names[ib]} swap places {len(roots)} times for {param} in [{lo:,.6g}, {hi:,.6g}] "
                f"(first at {value:,.6g}, last at {roots[-1]:,.6g}); at {lo:,.6g} {below} wins, at {hi:,.6g} {above} wins"
            )
    else:
        value, cost = None, None
        winner = below or above
        msg = (
            f"no tie for {param} in [{lo:,.6g}, {hi:,.6g}]: {winner} wins across the whole range"
            if winner
            else f"no tie for {param} in [{lo:,.6g}, {hi:,.6g}]: "
            + (
                "unknown inputs: " + "; ".join(f"{k} needs {', '.join(v)}" for k, v in lacking.items())
                if lacking
                else "no option is feasible there"
            )
        )
    return BreakevenResult(
        **common,
        value=value,
        all_values=roots,
        winner_below=below,
        winner_above=above,
        effective_cost_at_value_usd=cost,
        message=msg,
    )


def _bisect(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, f_lo: float) -> float:
    """Bisection on a bracketed sign change: always converges, to a relative 1e-12."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = float(f(np.array([mid]))[0])
        if f_mid == 0 or (hi - lo) <= 1e-12 * max(1.0, abs(mid)):
            return mid
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------- uncertain inputs


@dataclass(frozen=True)
class Uncertain:
    path: str
    target: Target
    central: float
    low: float
    high: float
    ranged: bool  # True when the range comes from the profile/scenario, False for the ±20 % default
    bounded: bool  # fraction-type input: bounded sampling


def _walk_quantities(model: Any, prefix: str) -> Iterator[tuple[str, Quantity]]:
    return ((path, leaf) for path, leaf in engine.walk_numbers(model, prefix) if isinstance(leaf, Quantity))


def uncertain_inputs(prep: Prepared, *, ranged_only: bool) -> list[Uncertain]:
    """Every sourced number the options read, with its low/high (or ±20 % when it has none)."""
    used: set[str] = set()
    for plan, base in zip(prep.plans, prep.bases, strict=True):
        used.update(_read_keys(plan, base))
    items: list[tuple[str, Quantity]] = []
    items += list(_walk_quantities(prep.inputs.scenario, "scenario"))
    items += list(_walk_quantities(prep.inputs.workload, "workload"))
    seen_acc: set[str] = set()
    for o in prep.inputs.options:
        if o.accelerator.id in seen_acc:
            continue
        seen_acc.add(o.accelerator.id)
        items += [(o.accelerator.id + p[len("accel") :], q) for p, q in _walk_quantities(o.accelerator, "accel")]
    out: list[Uncertain] = []
    for path, q in items:
        if q.value is None:
            continue
        target = resolve_target(prep, path)
        if not any(k in used for k in target.keys.values()):
            continue
        ranged = q.low is not None and q.high is not None and q.low < q.high
        if ranged_only and not ranged:
            continue
        if ranged:
            low, high = float(q.low), float(q.high)  # type: ignore[arg-type]
        else:
            if q.value == 0:
                continue
            low, high = q.value * (1 - DEFAULT_SWING), q.value * (1 + DEFAULT_SWING)
            if isinstance(q, (FractionQuantity, UnitIntervalQuantity)):
                high = min(high, 1.0)
        bounded = isinstance(q, (FractionQuantity, UnitIntervalQuantity))
        out.append(Uncertain(path, target, q.value, low, high, ranged, bounded))
    return out


def _read_keys(plan: engine.Plan, base: dict[str, float]) -> set[str]:
    """Flat keys whose value changes this option's effective cost (probed once, vectorized)."""
    keys = [k for k in base if k != "count"]
    size = len(keys) + 1
    p: dict[str, Any] = {k: np.full(size, v) for k, v in base.items()}
    for j, k in enumerate(keys, start=1):
        p[k][j] = base[k] * 1.01 + 1e-9
    with np.errstate(all="ignore"):
        out = engine.evaluate_plan(plan, engine.KnownInputs(p), ops=np)
    ref = np.broadcast_to(np.asarray(out["job_cost_usd"], dtype=float), (size,))
    ttm = np.broadcast_to(np.asarray(out["time_to_market_days"], dtype=float), (size,))

    def moved(x: np.ndarray, j: int) -> bool:
        return not (x[j] == x[0] or (np.isnan(x[j]) and np.isnan(x[0])))

    return {k for j, k in enumerate(keys, start=1) if moved(ref, j) or moved(ttm, j)} | {
        k for k in base if k.startswith("scenario.cost_of_delay") or k.startswith("scenario.deadline")
    }


# --------------------------------------------------------------------------- sensitivity


class SensitivityRow(StrictModel):
    param: str
    low: float
    high: float
    central: float
    range_source: str = Field(description="'profile' (its low/high) or 'default ±20%'")
    effective_cost_low_usd: dict[str, float | None]
    effective_cost_high_usd: dict[str, float | None]
    swing_usd: dict[str, float | None]
    difference_low_usd: float | None = None
    difference_high_usd: float | None = None
    difference_swing_usd: float | None = None
    flips_decision: bool | None = None


class SensitivityResult(StrictModel):
    schema_version: int = 1
    workload: str
    scenario: str
    options: list[str]
    vs: list[str] | None
    central_effective_cost_usd: dict[str, float | None]
    missing_inputs: dict[str, list[str]] = Field(default_factory=dict, description="Option -> input paths it lacks.")
    rows: list[SensitivityRow]


def sensitivity(inputs: Inputs, *, vs: tuple[str, str] | None = None) -> SensitivityResult:
    """One-way swings (tornado): each uncertain input to its low and high, the others at central.
    Sorted by the swing of ``TEC_a − TEC_b`` with ``vs``, else by the largest swing of any option."""
    prep = prepare(inputs)
    items = uncertain_inputs(prep, ranged_only=False)
    pair = (_index_of(prep, vs[0]), _index_of(prep, vs[1])) if vs else None
    size = 1 + 2 * len(items)
    assignments: dict[str, tuple[Target, np.ndarray]] = {}
    for j, u in enumerate(items):
        arr = np.full(size, u.central)
        arr[1 + 2 * j], arr[2 + 2 * j] = u.low, u.high
        assignments[u.path] = (u.target, arr)
    batch = evaluate_many(prep, assignments, size)
    eff = batch.effective_cost_usd
    names = prep.labels
    rows = []
    for j, u in enumerate(items):
        lo_i, hi_i = 1 + 2 * j, 2 + 2 * j
        row: dict[str, Any] = dict(
            param=u.path,
            low=u.low,
            high=u.high,
            central=u.central,
            range_source="profile" if u.ranged else f"default ±{DEFAULT_SWING:.0%}",
            effective_cost_low_usd={n: known(eff[i][lo_i]) for i, n in enumerate(names)},
            effective_cost_high_usd={n: known(eff[i][hi_i]) for i, n in enumerate(names)},
            swing_usd={n: known(abs(eff[i][hi_i] - eff[i][lo_i])) for i, n in enumerate(names)},
        )
        if pair:
            a, b = pair
            d_lo, d_hi, d_c = (float(eff[a][k] - eff[b][k]) for k in (lo_i, hi_i, 0))
            if math.isfinite(d_lo) and math.isfinite(d_hi) and math.isfinite(d_c):
                row.update(
                    difference_low_usd=d_lo,
                    difference_high_usd=d_hi,
                    difference_swing_usd=abs(d_hi - d_lo),
                    flips_decision=bool(np.sign(d_lo) != np.sign(d_c) or np.sign(d_hi) != np.sign(d_c)),
                )
        rows.append(SensitivityRow(**row))
    if pair:
        rows = [r for r in rows if (r.difference_swing_usd or 0) > 0]
        rows.sort(key=lambda r: (not r.flips_decision, -(r.difference_swing_usd or 0.0)))
    else:
        rows = [r for r in rows if max((v or 0.0) for v in r.swing_usd.values()) > 0]
        rows.sort(key=lambda r: -max((v or 0.0) for v in r.swing_usd.values()))
    return SensitivityResult(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        options=names,
        vs=[names[pair[0]], names[pair[1]]] if pair else None,
        central_effective_cost_usd={n: known(eff[i][0]) for i, n in enumerate(names)},
        missing_inputs=missing_by_option(prep, batch),
        rows=rows,
    )


# --------------------------------------------------------------------------- Monte Carlo


class Percentiles(StrictModel):
    """Percentiles over the samples where the figure is known (None when it never is)."""

    p10: float | None
    p50: float | None
    p90: float | None


class SimulationOption(StrictModel):
    option: str
    effective_cost_usd: Percentiles
    cost_per_million_tokens_usd: Percentiles
    time_to_market_days: Percentiles
    win_probability: float
    infeasible_share: float
    missing_inputs: list[str] = Field(default_factory=list, description="Input paths this option lacks; its costs are unknown.")


class SimulationResult(StrictModel):
    schema_version: int = 1
    workload: str
    scenario: str
    samples: int
    seed: int
    sampled_inputs: list[str]
    options: list[SimulationOption]
    best_expected_option: str | None = Field(description="Option with the lowest mean effective cost.")
    expected_value_of_perfect_information_usd: float | None = Field(
        description="EVPI = min over options of E[cost] − E[min over options of cost]: the most it is worth paying "
        "to resolve the sampled uncertainty before choosing (cost-model §2.6)."
    )
    effective_cost_samples_usd: dict[str, list[float]] | None = Field(
        None, description="Every finite sample's effective cost per option (only when asked for: charts, reports)."
    )


def sample_input(u: Uncertain, rng: np.random.Generator, n: int) -> np.ndarray:
    """Lognormal with (low, high) as its 90 % interval for positive quantities (Epoch's
    ``lognorm_from_90_ci``); a normal with the same 90 % interval around the central value, clipped to
    (0, 1], for fractions; triangular on [low, high] for ranges that touch zero."""
    if not u.bounded and u.low > 0:
        sigma = (math.log(u.high) - math.log(u.low)) / (2 * Z95)
        mu = math.log(u.low) + Z95 * sigma
        return rng.lognormal(mu, sigma, n)
    if not u.bounded:
        # A range that touches zero has no lognormal: a triangular distribution on [low, high] with its
        # mode at the central value keeps every draw inside the stated range.
        return rng.triangular(u.low, min(max(u.central, u.low), u.high), u.high, n)
    sd = (u.high - u.low) / (2 * Z95)
    x = rng.normal(u.central, sd, n)
    # Fractions stay in (0, 1]: a share of zero (utilization, power) is not a valid input.
    return np.clip(x, 1e-3, 1.0)


def simulate(
    inputs: Inputs, *, samples: int, seed: int, progress: Callable[[int, int], None] | None = None, keep_samples: bool = False
) -> SimulationResult:
    """Monte Carlo over every ranged input, the same draws for every option (common random numbers).
    Deterministic for a given seed; evaluated in chunks so memory stays flat."""
    if samples < 1:
        raise InputError(f"expected at least 1 sample, got {samples}", key="--samples")
    if samples > MAX_SAMPLES:
        raise InputError(
            f"at most {MAX_SAMPLES:,} samples (each is kept for the percentiles: ~100 MB per million per option), got {samples:,}",
            key="--samples",
        )
    if not 0 <= seed < 2**63:
        raise InputError(f"expected a seed from 0 to 2**63 - 1, got {seed}", key="--seed")
    prep = prepare(inputs)
    items = uncertain_inputs(prep, ranged_only=True)
    rng = np.random.default_rng(seed)
    draws = {u.path: sample_input(u, rng, samples) for u in items}
    n_opt = len(prep.plans)
    wins = np.zeros(n_opt, dtype=np.int64)
    eff = [np.empty(samples) for _ in range(n_opt)]
    cpt = [np.empty(samples) for _ in range(n_opt)]
    ttm = [np.empty(samples) for _ in range(n_opt)]
    feas = [np.empty(samples, dtype=bool) for _ in range(n_opt)]
    lacking: list[tuple[str, ...]] = [()] * n_opt
    for start in range(0, samples, CHUNK):
        stop = min(samples, start + CHUNK)
        batch = evaluate_many(prep, {u.path: (u.target, draws[u.path][start:stop]) for u in items}, stop - start)
        for i in range(n_opt):
            eff[i][start:stop] = batch.effective_cost_usd[i]
            cpt[i][start:stop] = batch.per_option[i]["cost_per_million_tokens_usd"]
            ttm[i][start:stop] = batch.per_option[i]["time_to_market_days"]
            feas[i][start:stop] = batch.feasible[i]
        lacking = batch.missing
        # A sample where no option can be ranked has no winner.
        ranked = np.any(np.vstack(batch.feasible), axis=0)
        wins += np.bincount(batch.winner[ranked], minlength=n_opt)
        if progress:
            progress(stop, samples)

    def pct(x: np.ndarray) -> Percentiles:
        x = x[np.isfinite(x)]
        if x.size == 0:
            return Percentiles(p10=None, p50=None, p90=None)
        p10, p50, p90 = np.percentile(x, [10, 50, 90])
        return Percentiles(p10=float(p10), p50=float(p50), p90=float(p90))

    costs = np.vstack(eff)
    # Options lacking an input have no cost: EVPI and the expected best are over the complete ones.
    rankable = [i for i in range(n_opt) if not lacking[i]]
    costs = costs[rankable] if rankable else costs
    complete = np.all(np.isfinite(costs), axis=0)
    best, evpi = None, None
    if complete.any():
        means = costs[:, complete].mean(axis=1)
        best = prep.labels[rankable[int(np.argmin(means))]]
        evpi = float(means.min() - costs[:, complete].min(axis=0).mean())
    kept = {prep.labels[i]: eff[i] for i in range(n_opt)} if keep_samples else None
    opts = [
        SimulationOption(
            option=prep.labels[i],
            effective_cost_usd=pct(eff[i]),
            cost_per_million_tokens_usd=pct(cpt[i]),
            time_to_market_days=pct(ttm[i]),
            win_probability=float(wins[i] / samples),
            infeasible_share=float(1 - feas[i].mean()),
            missing_inputs=list(lacking[i]),
        )
        for i in range(n_opt)
    ]
    return SimulationResult(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        samples=samples,
        seed=seed,
        sampled_inputs=[u.path for u in items],
        options=opts,
        best_expected_option=best,
        expected_value_of_perfect_information_usd=evpi,
        effective_cost_samples_usd=None if kept is None else {k: [float(x) for x in v[np.isfinite(v)]] for k, v in kept.items()},
    )


# --------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class Axis:
    path: str
    values: np.ndarray


MAX_SAMPLES = 2_000_000
"""Monte Carlo samples are kept in memory for percentiles and CDFs: a cap keeps a typo from exhausting it."""

MAX_SWEEP_ROWS = 20_000_000
"""A sweep streams in flat memory, but its output grows: ~100 bytes per row."""


def parse_vary(text: str) -> tuple[str, list[float] | tuple[float, float, int]]:
    """``PATH=LO:HI:N`` (N evenly spaced points) or ``PATH=v1,v2,...``."""
    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise InputError(f"expected PATH=LO:HI:N or PATH=v1,v2,..., got '{text}'", key="--vary")
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"expected LO:HI:N, got '{spec}'", key=path)
        lo, hi = parse_range(f"{parts[0]}:{parts[1]}", what=path)
        if not parts[2].strip().isdigit() or int(parts[2]) < 1:
            raise InputError(f"expected a whole number of points N >= 1, got '{parts[2]}'", key=path)
        if int(parts[2]) > MAX_SWEEP_ROWS:
            raise InputError(f"at most {MAX_SWEEP_ROWS:,} points per axis, got {int(parts[2]):,}", key=path)
        return path, (lo, hi, int(parts[2]))
    vals = []
    for v in spec.split(","):
        try:
            x = float(v)
        except ValueError:
            raise InputError(f"expected numbers, got '{v.strip()}'", key=path) from None
        if not math.isfinite(x):
            raise InputError(f"expected finite numbers, got '{v.strip()}'", key=path)
        vals.append(x)
    return path, vals


SWEEP_METRICS = (
    "count",
    "tokens_per_second_per_accelerator",
    "time_to_converge_hours",
    "time_to_market_days",
    "capex_usd",
    "job_cost_usd",
    "cost_per_million_tokens_usd",
)


@dataclass
class SweepChunk:
    """Rows ``point × option`` for a slice of the grid, as columns (ready to stream)."""

    columns: dict[str, np.ndarray] = field(default_factory=dict)
    options: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))

    @property
    def rows(self) -> int:
        return len(self.options)


def sweep_columns(axes: Sequence[Axis]) -> list[str]:
    return [
        "point",
        *[a.path for a in axes],
        "option",
        *SWEEP_METRICS,
        "delay_days",
        "delay_penalty_usd",
        "effective_cost_usd",
        "rank",
        "feasible",
    ]


def make_axes(inputs: Inputs, specs: Sequence[str]) -> tuple[Prepared, list[Axis]]:
    if not specs:
        raise InputError("give at least one --vary PATH=LO:HI:N or PATH=v1,v2,...", key="--vary")
    prep = prepare(inputs)
    axes = []
    for spec in specs:
        path, vals = parse_vary(spec)
        target = resolve_target(prep, path, where="--vary")
        arr = np.linspace(vals[0], vals[1], vals[2]) if isinstance(vals, tuple) else np.array(vals, dtype=float)
        for v in {float(arr.min()), float(arr.max())}:
            validate_value(prep, target, v, where="--vary")
        if target.is_count:
            bad = arr[(arr != np.floor(arr))]
            if bad.size:
                raise InputError(f"counts must be whole numbers, got {bad[0]:g}", key=path)
        axes.append(Axis(path, arr))
    if len({a.path for a in axes}) != len(axes):
        raise InputError("the same path is varied twice", key="--vary")
    rows = math.prod(len(a.values) for a in axes) * len(prep.plans)
    if rows > MAX_SWEEP_ROWS:
        raise InputError(
            f"the sweep would write {rows:,} rows (at most {MAX_SWEEP_ROWS:,}, about 2 GB of CSV): use fewer points or options",
            key="--vary",
        )
    return prep, axes


def iter_sweep(inputs: Inputs, specs: Sequence[str], *, chunk: int = CHUNK) -> tuple[list[str], int, Iterator[SweepChunk]]:
    """(columns, total rows, chunks): the product of the axes, one row per (point, option), evaluated
    a chunk of points at a time so memory stays flat however large the grid."""
    prep, axes = make_axes(inputs, specs)
    shape = tuple(a.values.size for a in axes)
    points = math.prod(shape)
    n_opt = len(prep.plans)
    targets = {a.path: resolve_target(prep, a.path) for a in axes}
    labels = np.array(prep.labels, dtype=object)

    def chunks() -> Iterator[SweepChunk]:
        per = max(1, chunk // n_opt)
        for start in range(0, points, per):
            idx = np.arange(start, min(points, start + per))
            coords = np.unravel_index(idx, shape)
            vals = {a.path: a.values[c] for a, c in zip(axes, coords, strict=True)}
            batch = evaluate_many(prep, {p: (targets[p], v) for p, v in vals.items()}, idx.size)
            cols: dict[str, np.ndarray] = {"point": np.repeat(idx, n_opt)}
            for a in axes:
                cols[a.path] = np.repeat(vals[a.path], n_opt)
            # Interleave options per point: row = point * n_opt + option.
            for m in SWEEP_METRICS:
                cols[m] = np.column_stack([batch.per_option[i].get(m, np.full(idx.size, np.nan)) for i in range(n_opt)]).ravel()
            cols["delay_days"] = np.column_stack(batch.delay_days).ravel()
            cols["delay_penalty_usd"] = np.column_stack(batch.delay_penalty_usd).ravel()
            cols["effective_cost_usd"] = np.column_stack(batch.effective_cost_usd).ravel()
            cols["rank"] = batch.rank.T.ravel()
            cols["feasible"] = np.column_stack(batch.feasible).ravel()
            yield SweepChunk(cols, np.tile(labels, idx.size))

    return sweep_columns(axes), points * n_opt, chunks()


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


__all__ = [
    "BreakevenResult",
    "SensitivityResult",
    "SimulationResult",
    "SizeResult",
    "SweepChunk",
    "breakeven",
    "evaluate_many",
    "iter_sweep",
    "prepare",
    "sensitivity",
    "simulate",
    "size",
]


class WhatIfOption(StrictModel):
    option: str
    effective_cost_usd: list[float | None]
    job_cost_usd: list[float | None]
    time_to_market_days: list[float | None]
    cost_per_million_tokens_usd: list[float | None]
    rank: list[int | None]


class WhatIfResult(StrictModel):
    schema_version: int = 1
    workload: str
    scenario: str
    changes: dict[str, list[float]]
    options: list[WhatIfOption]


def what_if(inputs: Inputs, changes: Mapping[str, Sequence[float]]) -> WhatIfResult:
    """The fast, validated path for scripted what-ifs: N scenarios at once, each path set to the i-th of
    its N values, evaluated as arrays through the engine's formulas. Every value is validated as
    ``--set`` would: single-field rules are intervals (a bound, or both), so checking the smallest and
    the largest value of each path checks them all."""
    if not changes:
        raise InputError("give at least one path and its values", key="changes")
    sizes = {len(v) for v in changes.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise InputError("every path needs the same, non-zero number of values", key="changes")
    (size,) = sizes
    prep = prepare(inputs)
    values: dict[str, tuple[Target, np.ndarray]] = {}
    for path, vals in changes.items():
        target = resolve_target(prep, path, where="what_if")
        arr = np.asarray(list(vals), dtype=float)
        if not np.all(np.isfinite(arr)):
            raise InputError("expected finite numbers", key=path)
        for v in {float(arr.min()), float(arr.max())}:
            validate_value(prep, target, v, where="what_if")
        if (target.is_count or target.is_integer) and np.any(arr != np.floor(arr)):
            raise InputError("expected whole numbers", key=path)
        values[path] = (target, arr)
    batch = evaluate_many(prep, values, size)

    def listed(a: np.ndarray) -> list[float | None]:
        return [float(x) if math.isfinite(x) else None for x in a.tolist()]

    options = []
    for i, label in enumerate(prep.labels):
        ok = batch.feasible[i]
        options.append(
            WhatIfOption(
                option=label,
                effective_cost_usd=listed(batch.effective_cost_usd[i]),
                job_cost_usd=listed(np.where(ok, batch.per_option[i]["job_cost_usd"], np.nan)),
                time_to_market_days=listed(batch.per_option[i]["time_to_market_days"]),
                cost_per_million_tokens_usd=listed(np.where(ok, batch.per_option[i]["cost_per_million_tokens_usd"], np.nan)),
                rank=[int(r) if f else None for r, f in zip(batch.rank[i].tolist(), ok.tolist(), strict=True)],
            )
        )
    return WhatIfResult(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        changes={k: [float(x) for x in v] for k, v in changes.items()},
        options=options,
    )
