"""Break-even: the value of an input at which two options cost the same (cost-model §2.4)."""

from __future__ import annotations

import dataclasses
import functools
import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from tco import engine
from tco.analysis.common import (
    Prepared,
    Target,
    _index_of,
    _within_moe_split,
    also_set,
    evaluate_many,
    linspace,
    missing_by_option,
    missing_error,
    plan_free,
    prepare,
    replans_values,
    resolve_target,
    validate_value,
)
from tco.errors import InputError, TcoError, ascii_float, money, not_finite, show_number, too_large, underflow, unsigned_zero
from tco.inputs import Inputs
from tco.models import (
    TINY,
    AtLeastOneQuantity,
    FractionQuantity,
    InferenceWorkload,
    UnitIntervalQuantity,
    digits_hint,
    plain_digits,
)
from tco.results import BreakevenResult

# --------------------------------------------------------------------------- break-even


def _ascii_number(text: str) -> bool:
    try:
        ascii_float(text)
    except ValueError:
        return False
    return True


def parse_range(text: str, *, what: str = "--range") -> tuple[float, float]:
    lo_s, sep, hi_s = text.partition(":")
    if not sep:
        raise InputError(f"expected LO:HI, got '{text}'", key=what)
    try:
        lo, hi = ascii_float(lo_s), ascii_float(hi_s)
    except ValueError:
        plain_lo, plain_hi = plain_digits(lo_s), plain_digits(hi_s)
        written = f"{plain_lo or lo_s.strip()}:{plain_hi or hi_s.strip()}"  # (the range in ASCII digits, both ends)
        readable = all(_ascii_number(end) for end in written.split(":"))  # (not 'write x:10' for 'x:１0')
        hint = digits_hint(lo_s if plain_lo else hi_s, write=written) if readable else ""
        raise InputError(f"expected numbers LO:HI, got '{text}'{hint}", key=what) from None
    if not (math.isfinite(lo) and math.isfinite(hi)):  # (the end named as every refusal names a NaN or an infinity)
        raise InputError(f"{not_finite(hi if math.isfinite(lo) else lo, 'finite numbers')} in '{text}'", key=what)
    for end, value in ((lo_s, lo), (hi_s, hi)):  # (1e-400 reads as 0: refused, as --set and the number flags refuse it)
        if (why := underflow(end, value)) is not None:
            raise InputError(why, key=what)
    if lo >= hi:
        raise InputError(f"empty or inverted range '{text}': LO must be below HI", key=what)
    return lo, hi


REPLANNED_GRID = 65
"""Grid of the break-even scan when the input changes an option's discrete choices (each point is
planned anew, 1–50 ms); bisection then refines each bracket as usual, on whole numbers too."""


REFINE_BUDGET = 1024
"""Extra points the scan of a plan-moving input may spend where a count steps between two of its points."""

REFINE_WIDTH = 1e-3
"""Relative width below which a bracket around a count's step is not split further."""


def _refined_at_steps(
    prep: Any,
    param: str,
    target: Target,
    pair: tuple[int, int],
    first: Any,
    xs: np.ndarray,
    d: np.ndarray,
    feasible: dict[int, np.ndarray],
    integer: bool,
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray], int]:
    """The scan of an input that moves a plan, with points added where either option's count differs
    between neighbours: a serving fleet's cost is flat between its steps, so the costs cross only where
    one steps, and two steps between scan points may cross and cross back unseen. Brackets are halved
    (geometrically on positive ranges) until the count is equal at both ends or the bracket is narrower
    than :data:`REFINE_WIDTH` of its value, within :data:`REFINE_BUDGET` points. Returns the merged scan
    and the number of brackets left unresolved when the budget ran out."""
    ia, ib = pair

    def counts(batch: Any) -> np.ndarray:
        return np.vstack([np.nan_to_num(np.asarray(batch.per_option[j]["count"], dtype=float), nan=-1.0) for j in pair])

    c = counts(first)
    fa, fb = feasible[ia], feasible[ib]
    spent = 0
    while True:
        differ = np.any(c[:, 1:] != c[:, :-1], axis=0)
        left, right = xs[:-1], xs[1:]
        wide = (right - left > 1.0) if integer else (right - left > REFINE_WIDTH * np.maximum(np.abs(left), np.abs(right)))
        idx = np.nonzero(differ & wide)[0]
        if idx.size == 0:
            return xs, d, {ia: fa, ib: fb}, 0
        if spent + idx.size > REFINE_BUDGET:
            return xs, d, {ia: fa, ib: fb}, int(idx.size)
        x0, x1 = left[idx], right[idx]
        geometric = (x0 > 0) & (x1 > 2 * x0)
        mids = np.where(geometric, np.sqrt(np.abs(x0 * x1)), (x0 + x1) / 2)
        mids = np.floor(mids) if integer else mids
        batch = evaluate_many(prep, {param: (target, mids)}, mids.size, replan=True)
        spent += int(mids.size)
        order = np.argsort(np.concatenate([xs, mids]), kind="stable")
        xs = np.concatenate([xs, mids])[order]
        d = np.concatenate([d, np.asarray(batch.effective_cost_usd[ia] - batch.effective_cost_usd[ib])])[order]
        c = np.concatenate([c, counts(batch)], axis=1)[:, order]
        fa = np.concatenate([fa, np.asarray(batch.feasible[ia], dtype=bool)])[order]
        fb = np.concatenate([fb, np.asarray(batch.feasible[ib], dtype=bool)])[order]


def default_range(target: Target, *, where: str | None = None, usd_per_unit: float = 1.0) -> tuple[float, float]:
    """Cost of delay: 0 .. 1,000,000 $/day, an unknown price $1 .. $10 M (in the currency either is quoted in,
    ``usd_per_unit`` USD each: the same dollars searched whatever the currency); else the input's own low/high when
    it has one; else ÷10 .. ×10, within the values the input can take. ``where`` names the option that gave the path
    in errors."""
    if target.path.endswith("cost_of_delay_usd_per_day"):
        return 0.0, 1_000_000.0 / usd_per_unit
    q = target.quantity
    if q is not None and q.low is not None and q.high is not None and q.low < q.high:
        return q.low, q.high
    c = target.central
    searched = {engine.UNKNOWN_RANGES.get(k) for k in target.keys.values()}
    only = next(iter(searched)) if len(searched) == 1 else None
    if c is None and only is not None:  # (an unknown price: the range compare searches for it)
        return only[0] / usd_per_unit, only[1] / usd_per_unit  # (a price quoted in yuan: the same dollars, in yuan)
    if c is None:
        raise InputError("has no value to build a default range from; give --range LO:HI", where=where, key=target.path)
    if target.is_count or target.is_integer:
        return max(1.0, math.floor(c / 10)), max(2.0, c * 10)
    if c == 0:
        return 0.0, 1.0
    lo, hi = (c / 10, c * 10) if c > 0 else (c * 10, c / 10)
    # Within the values a number can take: at least 1e-300 in size (smaller ones underflow), at most the largest float.
    big = sys.float_info.max
    lo, hi = (max(lo, TINY), min(hi, big)) if c > 0 else (max(lo, -big), min(hi, -TINY))
    # Within the values the input can take: a PUE from 1, a fraction up to 1.
    if isinstance(q, AtLeastOneQuantity):
        lo = max(lo, 1.0)
    if isinstance(q, (FractionQuantity, UnitIntervalQuantity)):
        hi = min(hi, 1.0)
    return lo, hi


_HALF_THE_SEQUENCE = ("workload.prompt_tokens", "workload.output_tokens")
"""A serving workload's request lengths, each half the sequence where the file gives neither."""


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
    param = param.strip()  # (as --set and --vary read a path: ' scenario.pue ' is scenario.pue)
    prep = prepare(inputs)
    ia, ib = _index_of(prep, a), _index_of(prep, b)
    if ia == ib:
        raise InputError("compare two different options", key="option")
    target = resolve_target(prep, param, where="--param")
    # A money input quoted in CNY or EUR is scanned, and reported, in its own currency (as --set reads it).
    quoted = target.quantity.currency if target.quantity is not None else None
    currency = quoted.value if quoted is not None and quoted.value != "USD" else None
    shown = f"{param} (in {currency})" if currency else param
    half_the_sequence = target.path in _HALF_THE_SEQUENCE and isinstance(inputs.workload, InferenceWorkload)
    if value_range is None and target.central is None and half_the_sequence:
        # (a request's prompt or output length not given is half the sequence, the value the run uses: the default
        # range is built from it, as from a value the file gives, and kept within the sequence below)
        target = dataclasses.replace(target, central=max(1.0, inputs.workload.seq_len / 2.0))
    usd_per_unit = engine.usd_per_unit(quoted, inputs.scenario) or 1.0  # (an unknown rate: the cost of delay is needed anyway)
    lo, hi = value_range or default_range(target, where="--param", usd_per_unit=usd_per_unit)
    if value_range is None and target.quantity is not None and not (target.quantity.low is not None and target.quantity.high is not None):
        # (the default ÷10 to ×10 of an MoE count, kept where the workload stays valid, as the tornado keeps its swing:
        # the active parameters at least their share of the total, and at most it)
        lo, hi = _within_moe_split(inputs.workload, target.path, lo, hi)
    if (big := too_large(lo) or too_large(hi)) is not None:
        raise InputError(big, key="--range")
    try:
        lo, hi = float(lo), float(hi)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"expected two numbers (low, high), got {str(value_range)[:80]}", key="--range") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):  # (named as --range names it: 'got NaN', not Python's 'nan')
        end, bad = ("low", lo) if not math.isfinite(lo) else ("high", hi)
        raise InputError(f"{not_finite(bad, 'finite numbers')} as the {end} end", key="--range")
    if not lo < hi:
        raise InputError(f"expected two finite numbers, the low below the high, got {show_number(lo)}, {show_number(hi)}", key="--range")
    integer = target.is_count or target.is_integer
    if value_range is None:
        # (the default range kept where the input stays valid, as the MoE split above is: a kv_dim ten times the
        # file's is wider than the queries, a tenth of DeepSeek-V3's 256 experts too few for its active share)
        lo, hi = (_valid_end(prep, target, v, integer, param) for v in (lo, hi))
    for v in (lo, hi):
        validate_value(prep, target, v, where="--range" if value_range else "--param", given=param)
    replanned = (
        not target.is_count  # (money and the like never move a plan: not asked, which costs two plans)
        and not plan_free(target)
        and any(replans_values(prep, i, target, np.array([lo, hi])) for i in (ia, ib) if i in target.keys)
    )
    if replanned:
        grid = min(grid, REPLANNED_GRID)  # each point is planned anew (a few ms): a coarser scan, then bisection
    xs = scan_grid(lo, hi, grid, integer)

    def diff(x: np.ndarray) -> np.ndarray:
        batch = evaluate_many(prep, {param: (target, x)}, x.size, replan=True)
        return np.asarray(batch.effective_cost_usd[ia] - batch.effective_cost_usd[ib])

    first = evaluate_many(prep, {param: (target, xs)}, xs.size, replan=True)
    d = np.asarray(first.effective_cost_usd[ia] - first.effective_cost_usd[ib])
    feasible = {j: np.asarray(first.feasible[j], dtype=bool) for j in (ia, ib)}
    unresolved = 0
    if replanned:  # (a count that steps between two scan points may hide a pair of crossings: look closer there)
        xs, d, feasible, unresolved = _refined_at_steps(prep, param, target, (ia, ib), first, xs, d, feasible, integer)
    names = prep.labels
    lacking = {k: v for k, v in missing_by_option(prep, first).items() if k in (names[ia], names[ib])}
    finite = np.isfinite(d)
    if lacking and not finite.any():  # their difference is unknown over the whole range: no answer
        raise missing_error(lacking, inputs.workload.id)
    common: dict[str, Any] = dict(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        a=names[ia],
        b=names[ib],
        param=param,
        currency=currency,
        range_low=lo,
        range_high=hi,
        missing_inputs=lacking,
    )
    shown_lo, shown_hi = _shown_range(lo, hi)
    if finite.any() and np.all(d[finite] == 0):
        return BreakevenResult(
            **common,
            value=None,
            all_values=[],
            winner_below=None,
            winner_above=None,
            effective_cost_at_value_usd=None,
            message=f"{names[ia]} and {names[ib]} cost the same for every {shown} in [{shown_lo}, {shown_hi}]: "
            "this input does not separate them",
        )

    @functools.cache
    def at(x: float) -> tuple[bool, bool, float]:
        """(a feasible, b feasible, TEC_a − TEC_b) at ``x`` (each point evaluated once: the ends are asked
        who wins and why, the feasibility edges are bisected)."""
        batch = evaluate_many(prep, {param: (target, np.array([x]))}, 1, replan=True)
        fa, fb = bool(np.asarray(batch.feasible[ia])[0]), bool(np.asarray(batch.feasible[ib])[0])
        return fa, fb, float(batch.effective_cost_usd[ia][0] - batch.effective_cost_usd[ib][0])

    def known(x: float) -> bool:
        return math.isfinite(at(x)[2])

    # Each root with the points just around it (where the winners on either side are read).
    found: list[tuple[float, float, float]] = []

    def crossing(x0: float, x1: float, d0: float, d1: float) -> None:
        """A sign change of the difference between ``x0`` and ``x1`` (both known there), refined."""
        if d0 * d1 < 0:
            # Whole-number inputs have no exact tie: report the first whole value on the other side.
            root = _bisect_whole(diff, x0, x1, d0) if integer else _bisect(diff, x0, x1, d0)
            found.append((root, x0, x1))

    for k in range(xs.size - 1):
        d0, d1 = float(d[k]), float(d[k + 1])
        x0, x1 = float(xs[k]), float(xs[k + 1])
        if math.isfinite(d0) and math.isfinite(d1):
            if d0 == 0 and (k == 0 or d[k - 1] != 0):
                # A tie at a scan point, perhaps the first of a run of equal costs: above it is where they part.
                apart = next((j for j in range(k + 1, xs.size) if d[j] != 0), xs.size - 1)
                found.append((x0, float(xs[k - 1]) if k else x0, float(xs[apart])))
            else:
                crossing(x0, x1, d0, d1)
        elif math.isfinite(d0) != math.isfinite(d1):
            # One option becomes feasible (or its cost known) inside this step: that edge is no tie, but
            # the costs may still cross between it and the known end, so look there too.
            last, first_other = _edge_bracket(known, x0, x1, math.isfinite(d0), integer)
            if math.isfinite(d0):
                crossing(x0, last, d0, at(last)[2])
            else:
                e = at(first_other)[2]
                if e == 0:
                    found.append((first_other, first_other, x1))
                else:
                    crossing(first_other, x1, e, d1)
    if d.size > 1 and d[-1] == 0 and d[-2] != 0:
        found.append((float(xs[-1]), float(xs[-2]), float(xs[-1])))
    roots = [r for r, _, _ in found]

    def show(x: float) -> str:
        """A value the scan found: a whole-number input's in full (six digits would show 1,854,797 as 1.8548e+06)."""
        x = unsigned_zero(float(x))
        return f"{x:,.0f}" if integer and x.is_integer() else f"{x:,.6g}"

    def why_not(name: str) -> str:
        return "lacks an input there" if name in lacking else "is infeasible there"

    def side(x: float) -> str | None:
        """The option that wins at ``x``: the only feasible one, else the cheaper; None for a tie, or
        where neither can run or their difference is unknown."""
        fa, fb, v = at(x)
        if fa != fb:
            return names[ia] if fa else names[ib]
        return None if not (fa and math.isfinite(v)) else (names[ia] if v < 0 else names[ib] if v > 0 else None)

    def wins(name: str | None, x: float) -> str:
        fa, fb, v = at(x)
        if name:
            other = names[ib] if name == names[ia] else names[ia]
            return f"{name} wins" + ("" if fa and fb else f" ({other} {why_not(other)})")
        if fa and fb and v == 0:
            return "they cost the same"
        return "neither can run there" if not (fa or fb) else "their difference is unknown there"

    below, above = side(lo), side(hi)
    # Where one option cannot run over part of the range, the other wins there: the edges of that part,
    # found by bisection on feasibility (whole values for whole-number inputs).
    edges: list[str] = []

    def feasible_at(j: int) -> Callable[[float], bool]:
        return lambda x: at(x)[0] if j == ia else at(x)[1]

    for j in (ia, ib):
        ok = feasible[j]
        if ok.all() or not ok.any() or not feasible[ib if j == ia else ia].any():
            continue
        for k in range(xs.size - 1):
            if ok[k] != ok[k + 1]:
                edge = _feasibility_edge(
                    feasible_at(j),
                    float(xs[k]),
                    float(xs[k + 1]),
                    bool(ok[k]),
                    integer,
                )
                lacks = names[j] in lacking
                state = ("lacks an input" if lacks else "is infeasible") if ok[k] else ("has a cost" if lacks else "is feasible")
                start = float(xs[k])
                if not integer and abs(edge - start) <= 1e-9 * max(1.0, abs(hi), abs(lo)):  # at the scan point itself
                    edges.append(f"{names[j]} {state} for {shown} above {start:,.6g}")
                else:
                    edges.append(f"{names[j]} {state} from {shown} = {show(edge)}")
    note = ("; " + "; ".join(edges)) if edges else ""
    if lacking:
        note += "; unknown inputs: " + "; ".join(f"{k} needs {', '.join(v)}" for k, v in lacking.items())
    # One option feasible over the whole range and the other nowhere: the feasible one wins throughout.
    alone = [j for j in (ia, ib) if feasible[j].all()]
    never = [j for j in (ia, ib) if not feasible[j].any()]
    steps_note = (
        f"; between {unresolved:,} pairs of scan points a fleet or replica count steps more often than "
        f"{REFINE_BUDGET:,} extra points resolve: crossings there may be missed (narrow --range)"
        if unresolved
        else ""
    )
    note += steps_note
    if not roots and len(alone) == 1 and len(never) == 1:
        below = above = names[alone[0]]
    if roots:
        value = roots[0]
        cost = float(evaluate_many(prep, {param: (target, np.array([value]))}, 1, replan=True).effective_cost_usd[ia][0])
        # Either side of a single tie: the winners just around it (the ends may differ where an option
        # becomes infeasible, which the notes on feasibility say).
        _, xl, xr = found[0]
        near_below, near_above = side(xl), side(xr)
        msg = (
            f"{names[ia]} and {names[ib]} tie at {shown} = {show(value)}; below it {wins(near_below, xl)}, above it {wins(near_above, xr)}"
        )
        if near_below is not None and near_below == near_above:
            msg = f"{names[ia]} and {names[ib]} cost the same at {shown} = {show(value)} but do not swap: {near_below} wins on both sides"
        gap = float(diff(np.array([value]))[0])
        step = math.isfinite(gap) and abs(gap) > 1e-6 * max(abs(cost), 1.0)
        if step and integer:
            # Whole values have no tie between them: the costs swap from one whole value to the next.
            msg = (
                f"{names[ia]} and {names[ib]} do not tie but swap between {shown} = {show(value - 1)} and {show(value)} "
                f"(a gap of {money(abs(gap))} at {show(value)}); below it {wins(near_below, xl)}, from it {wins(near_above, xr)}"
            )
        elif step:
            # The costs jump past each other (a whole replica or accelerator more): no value makes them equal.
            msg = (
                f"{names[ia]} and {names[ib]} do not tie but cross at {shown} = {show(value)}, where a discrete choice "
                f"steps (a gap of {money(abs(gap))}); below it {wins(near_below, xl)}, above it {wins(near_above, xr)}"
            )
        if len(roots) > 1:
            msg = (
                f"{names[ia]} and {names[ib]} swap places {len(roots)} times for {shown} in [{shown_lo}, {shown_hi}] "
                f"(first at {show(value)}, last at {show(roots[-1])}); at {shown_lo} {wins(below, lo)}, at {shown_hi} {wins(above, hi)}"
                + ("; the first is a step of a discrete choice, where the costs jump past each other" if step and not integer else "")
            )
        msg += note
    else:
        value, cost = None, None
        infeasible = f" ({names[never[0]]} is infeasible there)" if len(alone) == 1 and len(never) == 1 else ""
        if below and below == above and not edges:
            # (a winner across the whole range is only as sure as the scan: brackets left unresolved may hide a pair of crossings)
            msg = f"no tie for {shown} in [{shown_lo}, {shown_hi}]: {below} wins across the whole range{infeasible}{steps_note}"
        elif below or above:
            msg = f"no tie for {shown} in [{shown_lo}, {shown_hi}]: at {shown_lo} {wins(below, lo)}, at {shown_hi} {wins(above, hi)}{note}"
        else:
            msg = f"no tie for {shown} in [{shown_lo}, {shown_hi}]: " + (
                "unknown inputs: " + "; ".join(f"{k} needs {', '.join(v)}" for k, v in lacking.items())
                if lacking
                else "no option is feasible there"
            )
    if also_set(inputs, [param]) is not None:  # solved for, so the value given for it is not used (sweep refuses both)
        msg += f"; the value --set gives {param} only sets the range searched: the tie is solved for it"
    return BreakevenResult(
        **common,
        value=value,
        all_values=roots,
        winner_below=below,
        winner_above=above,
        effective_cost_at_value_usd=cost,
        message=msg,
    )


def _shown_range(lo: float, hi: float) -> tuple[str, str]:
    """The ends of the range in a message: whole numbers below a billion in full (a cost of delay's default
    ``[0, 1,000,000]``, not ``[0, 1e+06]``), else both in six digits (``[1e+07, 1e+09]`` tokens a day)."""
    full = all(float(x).is_integer() and abs(x) < 1e9 for x in (lo, hi))
    lo, hi = unsigned_zero(lo), unsigned_zero(hi)  # (a range given as -0:10 is [0, 10])
    return (f"{lo:,.0f}", f"{hi:,.0f}") if full else (f"{lo:,.6g}", f"{hi:,.6g}")


def scan_grid(lo: float, hi: float, n: int, integer: bool) -> np.ndarray:
    """The points of the break-even scan over ``[lo, hi]``: ``n`` evenly spaced, or, where the range spans
    more than three decades on one side of zero, ``n`` spaced evenly in the logarithm there (a linear grid
    over 1 .. 1e9 steps by 500,000 and would step over crossings at 108 and 4,449); whole numbers for
    whole-number inputs."""
    parts = [linspace(lo, hi, n)]
    if hi > 0:
        p0 = lo if lo > 0 else hi * 1e-6
        if hi > 1e3 * p0:
            parts = [np.geomspace(p0, hi, n)] if lo > 0 else [*parts, np.geomspace(p0, hi, n // 2)]
    if lo < 0:
        n0 = -hi if hi < 0 else -lo * 1e-6
        if -lo > 1e3 * n0:
            parts = [-np.geomspace(-lo, n0, n)] if hi < 0 else [*parts, -np.geomspace(-lo, n0, n // 2)]
    xs = np.concatenate(parts)
    xs = np.clip(np.round(xs) if integer else xs, lo, hi)
    return np.unique(np.concatenate([xs, [lo, hi]]))


def _edge_bracket(ok: Callable[[float], bool], lo: float, hi: float, at_lo: bool, integer: bool) -> tuple[float, float]:
    """(last value like ``lo``, first value after it unlike it) where ``ok`` differs from ``at_lo`` (it
    does at ``hi``): bisection, on whole values for whole-number inputs, else to a relative 1e-9."""
    for _ in range(200):
        if (hi - lo <= 1) if integer else (hi - lo <= 1e-9 * max(1.0, abs(hi))):
            break
        mid = math.floor(lo / 2 + hi / 2) if integer else 0.5 * lo + 0.5 * hi  # (no overflow near the float maximum)
        if ok(mid) == at_lo:
            lo = mid
        else:
            hi = mid
    return lo, hi


def _feasibility_edge(feasible: Callable[[float], bool], lo: float, hi: float, at_lo: bool, integer: bool) -> float:
    """The first value after ``lo`` where feasibility differs from ``at_lo`` (it does at ``hi``): bisection,
    on whole values for whole-number inputs, else to a relative 1e-9."""
    return _edge_bracket(feasible, lo, hi, at_lo, integer)[1]


def _bisect_whole(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, f_lo: float) -> float:
    """The first whole value after ``lo`` on the other side of a sign change bracketed by whole ``lo`` and
    ``hi`` (the scan's grid points), by bisection on the whole numbers between them."""
    while hi - lo > 1:
        mid = math.floor(lo / 2 + hi / 2)
        f_mid = float(f(np.array([mid]))[0])
        if math.isfinite(f_mid) and f_mid != 0 and (f_mid < 0) == (f_lo < 0):
            lo = mid
        else:
            hi = mid
    return hi


def _valid_end(prep: Prepared, target: Target, end: float, integer: bool, given: str) -> float:
    """``end`` of a default range if the input takes it, else the value nearest it, toward the input's own
    (valid) value, that it takes: found by bisection, to the whole number or to 1e-9 relative. An end that
    no value between it and the input's own mends is returned as it is (and refused with its reason)."""

    def takes(v: float) -> bool:
        try:
            validate_value(prep, target, v, where="--param", given=given)
        except TcoError:  # (refused: the validator's error, or a ProblemList of the rebuilt model's)
            return False
        return True

    central = target.central
    if takes(end) or central is None or not math.isfinite(central) or not takes(central):
        return end
    good, bad = float(central), end
    for _ in range(200):
        if abs(bad - good) <= (1.0 if integer else 1e-9 * max(abs(good), abs(bad))):
            break
        mid = math.floor(0.5 * good + 0.5 * bad) if integer else 0.5 * good + 0.5 * bad
        if mid in (good, bad):
            break
        good, bad = (mid, bad) if takes(mid) else (good, mid)
    return good


def _bisect(f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, f_lo: float) -> float:
    """Bisection on a bracketed sign change: always converges, to 1e-12 relative (absolute below 1). A bracket of one sign
    that spans more than three decades is halved geometrically first (its mid point is the geometric
    mean), so a tie near 100 in a range up to 1e100 is found in a few dozen steps."""
    for _ in range(2200):
        if lo >= 0 and hi > 1e3 * max(lo, 1e-300):
            mid = math.sqrt(max(lo, 1e-300)) * math.sqrt(hi)
        elif hi <= 0 and -lo > 1e3 * max(-hi, 1e-300):
            mid = -math.sqrt(max(-hi, 1e-300)) * math.sqrt(-lo)
        else:
            mid = 0.5 * lo + 0.5 * hi
        f_mid = float(f(np.array([mid]))[0])
        if f_mid == 0 or (hi - lo) <= 1e-12 * max(1.0, abs(mid)):
            return mid
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return 0.5 * lo + 0.5 * hi
