"""Sensitivity (tornado): one-way swings of every uncertain input (cost-model §2.5)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tco import engine
from tco.analysis.common import (
    DEFAULT_SWING,
    Batch,
    Target,
    Uncertain,
    _index_of,
    evaluate_many,
    known,
    missing_by_option,
    missing_error,
    moves_plan,
    plan_free,
    prepare,
    search_batch_range,
    uncertain_and_held,
)
from tco.errors import InputError
from tco.inputs import Inputs
from tco.results import SensitivityResult, SensitivityRow

# --------------------------------------------------------------------------- sensitivity

_ROUNDING = 1e-12
"""A difference swing within this share of the differences is the rounding of the two costs (each a sum of
many terms in float), not a swing: held as 0."""


def _overflowed(batch: Batch, i: int, k: int) -> bool:
    """Whether option ``i`` runs at point ``k`` but a cost or time of it is past the largest float."""
    figures = (batch.per_option[i]["job_cost_usd"], batch.per_option[i]["time_to_market_days"], batch.delay_penalty_usd[i])
    return any(bool(np.isinf(a[k])) for a in figures)


def _clipped(u: Uncertain, *, moe: bool) -> str:
    """The note on a default swing of the total or active parameters cut short where the other count
    bounds it (the MoE split, or the active count at most the total)."""
    full = (u.central * (1 - DEFAULT_SWING), u.central * (1 + DEFAULT_SWING))
    counts = u.path in ("workload.parameters", "workload.active_parameters")
    if not counts or (math.isclose(u.low, full[0]) and math.isclose(u.high, full[1])):
        return ""
    return ", within the MoE split" if moe else ", active at most the total"


def _winner(cost_a: float, cost_b: float) -> int | None:
    """0 or 1: the option of a pair that wins at these costs (the one that can run, where only one can);
    None for a tie or where neither can run."""
    ok_a, ok_b = math.isfinite(cost_a), math.isfinite(cost_b)
    if ok_a and ok_b:
        return None if cost_a == cost_b else 0 if cost_a < cost_b else 1
    return 0 if ok_a else 1 if ok_b else None


def sensitivity(inputs: Inputs, *, vs: tuple[str, str] | None = None) -> SensitivityResult:
    """One-way swings (tornado): each uncertain input to its low and high, the others at central.
    Sorted by the swing of ``TEC_a − TEC_b`` with ``vs``, else by the largest swing of any option."""
    prep = prepare(inputs)
    items, held = uncertain_and_held(prep, ranged_only=False)
    search_batch_range(prep, items)
    pair = (_index_of(prep, vs[0]), _index_of(prep, vs[1])) if vs else None
    if pair is not None and pair[0] == pair[1]:
        raise InputError(
            f"'{vs[1] if vs else ''}' is the first option, the one the tornado compares with --vs: "
            "name another option with --vs, or list another first",
            key="--vs",
        )
    # (an option the market bars has no cost at any input's end: a tornado of its difference would be an empty table)
    barred = next((i for i in pair or () if i in prep.barred), None)
    if barred is not None:
        raise InputError(f"{prep.labels[barred]} has no cost to compare with the other option's: {prep.barred[barred]}", key="--vs")
    size = 1 + 2 * len(items)
    assignments: dict[str, tuple[Target, np.ndarray]] = {}
    for j, u in enumerate(items):
        arr = np.full(size, u.central)
        arr[1 + 2 * j], arr[2 + 2 * j] = u.low, u.high
        assignments[u.path] = (u.target, arr)
    batch = evaluate_many(prep, assignments, size)
    eff = batch.effective_cost_usd
    names = prep.labels
    # The tornado swings an effective cost: one unknown at the central values (a price not given) leaves
    # nothing to swing, which is the error, not an empty table.
    subject = list(pair) if pair else [i for i in range(len(names)) if math.isfinite(eff[i][0])] or list(range(len(names)))
    missing = missing_by_option(prep, batch)
    # (an option the market bars never wins: what it lacks is not asked for, as compare does not)
    unknown = [names[i] for i in subject if not math.isfinite(eff[i][0]) and missing.get(names[i]) and i not in prep.barred]
    if unknown:
        raise missing_error({n: missing[n] for n in unknown}, inputs.workload.id)
    rows = []
    for j, u in enumerate(items):
        lo_i, hi_i = 1 + 2 * j, 2 + 2 * j
        row: dict[str, Any] = dict(
            param=u.path,
            low=u.low,
            high=u.high,
            central=u.central,
            range_source=u.estimate or "profile"
            if u.estimate or u.ranged
            else f"default ±{DEFAULT_SWING:.0%}"
            + (f", its {u.given_end} as given" if u.given_end else "")
            + _clipped(u, moe=bool(inputs.workload.experts)),
            currency=u.currency,
            effective_cost_low_usd={n: known(eff[i][lo_i]) for i, n in enumerate(names)},
            effective_cost_high_usd={n: known(eff[i][hi_i]) for i, n in enumerate(names)},
            swing_usd={n: known(abs(eff[i][hi_i] - eff[i][lo_i])) for i, n in enumerate(names)},
            overflows={
                n: ends
                for i, n in enumerate(names)
                if (ends := [end for end, k in (("low", lo_i), ("high", hi_i)) if _overflowed(batch, i, k)])
            },
            plan_held=not plan_free(u.target)
            and not all(engine.searched_per_scenario(k) for k in u.target.keys.values())
            and any(i in u.target.keys and moves_plan(prep, i, u.target, np.array([u.low, u.high])) for i in range(len(names))),
        )
        if pair:
            a, b = pair
            d_lo, d_hi, d_c = (float(eff[a][k] - eff[b][k]) for k in (lo_i, hi_i, 0))
            if math.isfinite(d_lo) and math.isfinite(d_hi) and math.isfinite(d_c):
                # An input that moves both options by the same amount leaves their difference where it was: what
                # is left of it is the rounding of two large costs (a swing of $4.7e-10 in $962,624), not a swing.
                same = abs(d_hi - d_lo) <= _ROUNDING * max(abs(d_lo), abs(d_hi), abs(d_c))
                row.update(
                    difference_low_usd=d_lo,
                    difference_high_usd=d_hi,
                    difference_swing_usd=0.0 if same else abs(d_hi - d_lo),
                    flips_decision=bool(np.sign(d_lo) != np.sign(d_c) or np.sign(d_hi) != np.sign(d_c)),
                )
            elif math.isfinite(d_c):  # one of the two cannot run at an end: the other wins there whatever it costs
                central_winner = _winner(eff[a][0], eff[b][0])
                at_ends = [_winner(eff[a][k], eff[b][k]) for k in (lo_i, hi_i)]
                row.update(flips_decision=any(w is not None and w != central_winner for w in at_ends))
        rows.append(SensitivityRow(**row))
    central = {n: math.isfinite(eff[i][0]) for i, n in enumerate(names)}

    def stops(r: SensitivityRow) -> bool:
        """An option that runs at the central values cannot at an end of this input: the input that
        matters most (its swing has no finite size), never dropped from the table."""
        return any(v is None and central[n] for n, v in r.swing_usd.items())

    if pair:
        rows = [r for r in rows if (r.difference_swing_usd or 0) > 0 or (r.flips_decision is not None and r.difference_swing_usd is None)]
        # (the same part at the count the workload gives, or at the serving replica the model chose)
        if not rows and np.array_equal(eff[pair[0]], eff[pair[1]], equal_nan=True):
            raise InputError(
                f"'{names[pair[1]]}' costs what {names[pair[0]]} costs at every input's low and high (the same configuration): "
                "no input can move one against the other; give another option",
                key="--vs",
            )
        rows.sort(key=lambda r: (not r.flips_decision, r.difference_swing_usd is not None, -(r.difference_swing_usd or 0.0)))
    else:
        rows = [r for r in rows if max((v or 0.0) for v in r.swing_usd.values()) > 0 or stops(r)]
        rows.sort(key=lambda r: (not stops(r), -max((v or 0.0) for v in r.swing_usd.values())))
    return SensitivityResult(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        options=names,
        vs=[names[pair[0]], names[pair[1]]] if pair else None,
        central_effective_cost_usd={n: known(eff[i][0]) for i, n in enumerate(names)},
        missing_inputs=missing,
        rows=rows,
        held_ranges=held,
    )
