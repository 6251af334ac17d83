"""The validated fast path for scripted what-ifs."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tco import loader
from tco.analysis.common import (
    Target,
    check_numbers,
    evaluate_many,
    given_once,
    option_names,
    plan_free,
    prepare,
    replan_budget,
    replans_values,
    resolve_target,
    validate_value,
)
from tco.errors import InputError, TcoError, too_large
from tco.inputs import Inputs
from tco.results import WhatIfOption, WhatIfResult

MAX_WHAT_IF_VALUES = 1_000_000
"""What-ifs × options in one call: the result holds five Python lists of that length per option
(about 200 MB at the cap); a larger grid goes through ``tco.sweep``, which streams."""


def _not_a_number(values: list[Any]) -> Any:
    """The first value that is not a number a float can hold (``None`` when all are): a bool, a text, an
    int past the float range; a Decimal or a Fraction is a number."""
    for v in values:
        if isinstance(v, (bool, np.bool_, str, bytes)) or not isinstance(v, numbers.Number):
            return v
        try:
            float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return v
    return None


def what_if(inputs: Inputs, changes: Mapping[str, Sequence[float]], *, over_sets: bool = False) -> WhatIfResult:
    """The fast, validated path for scripted what-ifs: N scenarios at once, each path set to the i-th of
    its N values, evaluated as arrays through the engine's formulas. Every value is validated as
    ``--set`` would: single-field rules are intervals (a bound, or both), so checking the smallest and
    the largest value of each path checks them all. A path also given with --set is refused, unless
    ``over_sets`` (a curve over the input a break-even solves for, where the --set only sets the range)."""
    if not changes:
        raise InputError("give at least one path and its values", key="changes")
    # (a path with blanks around it, as --set and --vary take it: ' scenario.pue ' is scenario.pue)
    stripped = {k.strip() if isinstance(k, str) else k: v for k, v in changes.items()}
    if len(stripped) < len(changes):
        twice = next(k for k in changes if isinstance(k, str) and k != k.strip() and k.strip() in changes)
        raise InputError(f"given twice, as {twice.strip()!r} and {twice!r}: give it once", key=twice.strip())
    changes = stripped
    sizes = {len(v) for v in changes.values()}
    if len(sizes) != 1 or 0 in sizes:
        raise InputError("every path needs the same, non-zero number of values", key="changes")
    (size,) = sizes
    prep = prepare(inputs)
    if size * len(prep.plans) > MAX_WHAT_IF_VALUES:
        raise InputError(
            f"{size:,} what-ifs × {len(prep.plans)} options is more than {MAX_WHAT_IF_VALUES:,} results held in memory: "
            "use tco.sweep, which streams",
            key="changes",
        )
    values: dict[str, tuple[Target, np.ndarray]] = {}
    groups = option_names(inputs)
    named: list[tuple[str, ...]] = []
    usable: list[tuple[Target, str, np.ndarray]] = []  # (each change that reads as numbers, once: checked with the others)
    for o_path, o_vals in changes.items():
        try:
            o_arr = np.asarray(list(o_vals), dtype=float)
            if _not_a_number(list(o_vals)) is None and np.all(np.isfinite(o_arr)):
                usable.append((resolve_target(prep, o_path, where="what_if"), o_path, o_arr))
        except (TcoError, TypeError, ValueError, OverflowError):
            continue  # (its own error, in its turn)
    for path, vals in changes.items():
        target = resolve_target(prep, path, where="what_if")
        here = loader.same_input_path(path, groups)
        if any(loader.overlaps(here, there) for there in named):  # the same input in another spelling
            raise InputError("the same input is given twice (in another spelling): give it once", key=path)
        named.append(here)
        if not over_sets:
            given_once(inputs, [path], key="changes", setter="sets=")
        listed_vals = list(vals)
        bad = _not_a_number(listed_vals)
        if bad is not None:  # a text, a bool, an int past the float range: an InputError, never numpy's
            raise InputError(too_large(bad) or f"expected numbers, got {str(bad)[:40]!r}", key=path)
        arr = np.asarray(listed_vals, dtype=float)
        check_numbers(arr, path)
        others = [u for u in usable if u[1] != path]  # (changed with it: a value may hold only with theirs)
        for v in {float(arr.min()), float(arr.max())}:
            validate_value(prep, target, v, where="what_if", given=path, alongside=others)
        if (target.is_count or target.is_integer) and np.any(arr != np.floor(arr)):
            raise InputError("expected whole numbers", key=path)
        values[path] = (target, arr)
    # Over all options: each distinct value of an input that moves an option's plan is planned anew.
    moving = [i for i in range(len(prep.plans)) if any(i in t.keys and replans_values(prep, i, t, a) for t, a in values.values())]
    if moving:
        planned = [a for t, a in values.values() if not plan_free(t)]  # (money and the like plan nothing)
        combos = len(np.unique(np.column_stack(planned), axis=0)) if planned else 1
        budget, why = replan_budget(prep.inputs.workload)
        if len(moving) * combos > budget:
            raise InputError(
                f"{len(moving)} option{'s are' if len(moving) != 1 else ' is'} planned anew at each of {combos:,} values: "
                f"at most {budget:,} plans "
                f"(options × distinct values{why}); give fewer values or fewer options",
                key=next(iter(values)),
            )
    batch = evaluate_many(prep, values, size, replan=True, where="what_if")

    def listed(a: np.ndarray) -> list[float | None]:
        return [float(x) if math.isfinite(x) else None for x in a.tolist()]

    options = []
    for i, label in enumerate(prep.labels):
        ok = batch.feasible[i]
        options.append(
            WhatIfOption(
                option=label,
                effective_cost_usd=listed(batch.effective_cost_usd[i]),
                # (an option barred in the market still has its costs, as compare and sweep show them)
                job_cost_usd=listed(batch.per_option[i]["job_cost_usd"]),
                time_to_market_days=listed(batch.per_option[i]["time_to_market_days"]),
                cost_per_million_tokens_usd=listed(batch.per_option[i]["cost_per_million_tokens_usd"]),
                rank=[int(r) if f else None for r, f in zip(batch.rank[i].tolist(), ok.tolist(), strict=True)],
            )
        )
    return WhatIfResult(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        changes={k: [float(x) for x in v] for k, v in changes.items()},
        options=options,
    )
