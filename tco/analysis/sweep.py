"""Sweeps: the product of axes, streamed in chunks in flat memory."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tco import loader
from tco.analysis.breakeven import parse_range
from tco.analysis.common import (
    CHUNK,
    MAX_REPLANS,
    NotNumeric,
    Prepared,
    Target,
    check_combinations,
    check_numbers,
    evaluate_many,
    given_once,
    linspace,
    option_names,
    plan_free,
    prepare,
    replan_budget,
    replans_values,
    resolve_target,
    validate_value,
)
from tco.errors import ASCII_SPACE, WHOLE_DIGITS, InputError, ProblemList, TcoError, ascii_float, not_finite, show_number, underflow
from tco.inputs import Inputs
from tco.models import digits_hint, plain_digits
from tco.results import SweepChunk, SweepRun, _Once

# --------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class Axis:
    path: str
    values: np.ndarray
    currency: str | None = None
    """CNY or EUR where the varied input is quoted in it (its values are in it, as --set reads them)."""

    @property
    def column(self) -> str:
        """The axis' column: its path, with the currency its values are in where that is not USD."""
        return f"{self.path} ({self.currency})" if self.currency else self.path


MAX_SWEEP_ROWS = 5_000_000
"""A sweep streams in flat memory, but its output grows (about 200 bytes of CSV per row) and takes
time (about 6.5 µs per row on a 2-core machine): at most about 30 s and 1 GB."""


def unbracketed(path: str, spec: str) -> None:
    """Refuse a list of values written in brackets, as TOML writes a list (``pue=[1.1,1.2]``), naming the form --vary
    reads: its values were read one by one, the first as '[1.1'."""
    inner = spec.strip()
    if len(inner) > 1 and inner[0] == "[" and inner[-1] == "]":
        listed = inner[1:-1].strip()[:80] or "v1,v2,..."
        raise InputError(f"list the values without brackets: {path}={listed}", where="--vary", key=path)


def parse_vary(text: str) -> tuple[str, list[float] | tuple[float, float, int]]:
    """``PATH=LO:HI:N`` (N evenly spaced points) or ``PATH=v1,v2,...``."""
    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip(ASCII_SPACE)  # (not NEL or a no-break space: '1:2:3\x85' is no N, as -n refuses it)
    if not sep or not path or not spec:
        raise InputError(f"expected PATH=LO:HI:N or PATH=v1,v2,..., got '{text}'", key="--vary")
    unbracketed(path, spec)
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"expected LO:HI:N, got '{spec}'", where="--vary", key=path)
        try:
            lo, hi = parse_range(f"{parts[0]}:{parts[1]}", what=path)
        except InputError as exc:  # in --vary's words: the spec as typed, LO:HI:N (and the ASCII digits to write, with N)
            message = re.sub(r"(: write [^ ]*)\)$", lambda w: f"{w.group(1)}:{plain_digits(parts[2]) or parts[2].strip()})", exc.message)
            raise InputError(
                message.replace("LO:HI", "LO:HI:N").replace(f"'{parts[0]}:{parts[1]}'", f"'{spec}'"), where="--vary", key=path
            ) from None
        # ASCII digits, grouped by single underscores as Python writes them (1_000), as LO, HI and ID@COUNT read them
        n_text = parts[2].strip(ASCII_SPACE)
        if WHOLE_DIGITS.fullmatch(n_text) is None or not n_text.strip("0_"):
            raise InputError(
                f"expected a whole number of points N of at least 1, got '{parts[2][:40]}' in '{spec[:80]}'", where="--vary", key=path
            )
        digits = n_text.replace("_", "").lstrip("0")
        if len(digits) > 10 or int(n_text) > MAX_SWEEP_ROWS:  # (the length first: int() refuses 4,300+ digits)
            got = f"{int(n_text):,}" if len(digits) <= 20 else f"a number of {len(digits):,} digits"
            raise InputError(f"at most {MAX_SWEEP_ROWS:,} points per axis, got {got}", where="--vary", key=path)
        return path, (lo, hi, int(n_text))
    vals = []
    for v in spec.split(","):
        try:
            x = ascii_float(v)  # (ASCII, as LO:HI:N, --set and ID@COUNT read a number: not '１.２')
        except ValueError:
            raise InputError(f"expected numbers, got '{v.strip()}'{digits_hint(v)}", where="--vary", key=path) from None
        if not math.isfinite(x):
            raise InputError(not_finite(x, "finite numbers"), where="--vary", key=path)
        if (why := underflow(v, x)) is not None:
            raise InputError(why, where="--vary", key=path)
        if x in vals:  # (a point twice: its rows twice, a chart's line back over itself; 1 and 1.0 are one value)
            again = f" (as '{v.strip()}')" if v.strip() != show_number(x) else ""
            raise InputError(f"{show_number(x)} is listed twice{again}: give each value once", where="--vary", key=path)
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


def sweep_columns(axes: Sequence[Axis]) -> list[str]:
    return [
        "point",
        *[a.column for a in axes if a.path not in SWEEP_METRICS],  # (a varied "count" is the count column)
        "option",
        *SWEEP_METRICS,
        "delay_days",
        "delay_penalty_usd",
        "effective_cost_usd",
        "rank",
        "feasible",
        "status",
        "reason",
    ]


def varied_once(inputs: Inputs, paths: Sequence[str]) -> None:
    """Refuse the same input varied twice in any spelling (case, an alias, ``.value``), which would drop one of its
    values, naming the later path as given (as --set's 'given twice' does). A path that names no input is skipped:
    its own error is :func:`make_axes`'."""
    groups = option_names(inputs)
    seen: list[tuple[str, tuple[str, ...]]] = []
    for path in paths:
        try:
            here = loader.same_input_path(path, groups)
        except TcoError:
            continue
        first = next((p for p, there in seen if loader.overlaps(here, there)), None)
        if first is not None:
            again = "given twice" if first == path else f"the same input as '{first}', varied twice"
            raise InputError(f"{again}: give it once", where="--vary", key=path)
        seen.append((path, here))


def make_axes(inputs: Inputs, specs: Sequence[str], *, choices: int = 0) -> tuple[Prepared, list[Axis]]:
    """The numeric axes of ``specs``; ``choices``: how many choice axes the sweep also has (with one, no numeric
    axis is needed: a sweep over a precision alone is a point per value)."""
    if not specs and not choices:
        raise InputError("give at least one --vary PATH=LO:HI:N or PATH=v1,v2,...", key="--vary")
    prep = prepare(inputs)
    axes = []

    def parsed(spec: str) -> tuple[Target, str, np.ndarray]:
        try:
            path, vals = parse_vary(spec)
        except InputError:
            # (values that are not numbers for a path that names no numeric input: the path is the mistake)
            named, sep, _ = spec.partition("=")
            if sep and named.strip():
                resolve_target(prep, named.strip(), where="--vary")
            raise
        target = resolve_target(prep, path, where="--vary")
        arr = linspace(vals[0], vals[1], vals[2]) if isinstance(vals, tuple) else np.array(vals, dtype=float)
        check_numbers(arr, path, where="--vary")
        return target, path, arr

    # Each spec parsed once; its error is raised in its turn, after the specs before it are checked.
    outcomes: list[tuple[Target, str, np.ndarray] | TcoError] = []
    for spec in specs:
        try:
            outcomes.append(parsed(spec))
        except TcoError as exc:
            outcomes.append(exc)
    for n, outcome in enumerate(outcomes):
        if isinstance(outcome, TcoError):
            raise outcome
        target, path, arr = outcome
        # (varied with it: a value may hold only with theirs)
        others = [o for m, o in enumerate(outcomes) if m != n and not isinstance(o, TcoError)]
        for v in {float(arr.min()), float(arr.max())}:
            validate_value(prep, target, v, where="--vary", given=path, alongside=others)
        if target.is_count or target.is_integer:  # every point, before the first row is written
            bad = arr[(arr != np.floor(arr))]
            if bad.size:
                what = "counts" if target.is_count else "its values"
                raise InputError(
                    f"{what} must be whole numbers, got {show_number(float(bad[0]))} (choose LO:HI:N so the steps are whole)",
                    where="--vary",
                    key=path,
                )
        quantity = target.quantity
        quoted = quantity.currency if quantity is not None else None
        axes.append(Axis(path, arr, quoted.value if quoted is not None and quoted.value != "USD" else None))
    varied_once(inputs, [a.path for a in axes])
    given_once(inputs, [a.path for a in axes], key="--vary")
    rows = math.prod(len(a.values) for a in axes) * len(prep.plans)
    if rows > MAX_SWEEP_ROWS:
        raise InputError(
            f"the sweep would write {rows:,} rows (at most {MAX_SWEEP_ROWS:,}, about 1 GB of CSV): use fewer points or options",
            key="--vary",
        )
    return prep, axes


def iter_sweep(inputs: Inputs, specs: Sequence[str], *, chunk: int = CHUNK, choices: int = 0, runs: int = 1) -> SweepRun:
    """(columns, total rows, chunks): the product of the axes, one row per (point, option), evaluated
    a chunk of points at a time so memory stays flat however large the grid. ``choices`` and ``runs``: the
    choice axes of a sweep that runs this once per combination of their values (:func:`iter_choice_sweep`),
    which share its plan budget."""
    prep, axes = make_axes(inputs, specs, choices=choices)
    shape = tuple(a.values.size for a in axes)
    points = math.prod(shape)
    n_opt = len(prep.plans)
    targets = {a.path: resolve_target(prep, a.path) for a in axes}
    labels = np.array(prep.labels, dtype=object)
    # Checked before the first row is written: an axis that moves an option's plan has every distinct
    # combination of the axes planned anew, up to MAX_REPLANS (a failure mid-stream would leave a header).
    combos = math.prod(np.unique(b.values).size for b in axes if not plan_free(targets[b.path]))
    moving: set[int] = set()
    for a in axes:
        movers = [i for i in range(n_opt) if i in targets[a.path].keys and replans_values(prep, i, targets[a.path], a.values)]
        if movers and combos > MAX_REPLANS:
            what = "value is planned anew: at most {:,} distinct values, got {:,}"
            if len(axes) > 1:  # the plan is keyed on every axis: say how their values multiply
                product = " × ".join(f"{np.unique(b.values).size:,} {b.path}" for b in axes)
                what = "combination of the swept values is planned anew: at most {:,}, got {:,} (" + product + ")"
            raise InputError(
                f"{a.path} changes {prep.labels[movers[0]]}'s layout, batch or memory fit, so each " + what.format(MAX_REPLANS, combos),
                where="--vary",  # (as the flag's other errors are named)
                key=a.path,
            )
        moving.update(movers)
    # Over all options too: a plan takes milliseconds (tens on a large MoE job), so many options times
    # many values would run for hours with nothing to show.
    budget, why = replan_budget(prep.inputs.workload)
    if runs > 1:  # (each combination of the swept choices plans its own values: they share the budget)
        budget, why = budget // runs, f"{why}; shared by {runs} combinations of the swept choices"
    if len(moving) * combos > budget:
        raise InputError(
            f"{len(moving)} option{'s are' if len(moving) != 1 else ' is'} planned anew at each of {combos:,} values: "
            f"at most {budget:,} plans "
            f"(options × values{why}); sweep fewer values or fewer options",
            where="--vary",
            key=axes[0].path,
        )
    for i in sorted(moving):  # (values that fail together are refused here, not after the first rows)
        check_combinations(prep, i, [(targets[a.path], a.values) for a in axes], where="--vary")

    def chunks() -> Iterator[SweepChunk]:
        per = max(1, chunk // n_opt)
        for start in range(0, points, per):
            idx = np.arange(start, min(points, start + per))
            coords = np.unravel_index(idx, shape) if shape else ()  # (no numeric axis: the one point of a choice)
            vals = {a.path: a.values[c] for a, c in zip(axes, coords, strict=True)}
            batch = evaluate_many(prep, {p: (targets[p], v) for p, v in vals.items()}, idx.size, replan=True, reasons=True, where="--vary")
            cols: dict[str, np.ndarray] = {"point": np.repeat(idx, n_opt)}
            for a in axes:
                cols[a.column] = np.repeat(vals[a.path], n_opt)
            # Interleave options per point: row = point * n_opt + option.
            for m in SWEEP_METRICS:
                cols[m] = np.column_stack([batch.per_option[i].get(m, np.full(idx.size, np.nan)) for i in range(n_opt)]).ravel()
            cols["delay_days"] = np.column_stack(batch.delay_days).ravel()
            cols["delay_penalty_usd"] = np.column_stack(batch.delay_penalty_usd).ravel()
            cols["effective_cost_usd"] = np.column_stack(batch.effective_cost_usd).ravel()
            cols["feasible"] = np.column_stack(batch.feasible).ravel()
            cols["rank"] = np.where(cols["feasible"], batch.rank.T.ravel(), np.nan)  # an infeasible row has no rank
            assert batch.reasons is not None
            assert batch.statuses is not None
            cols["status"] = np.column_stack(batch.statuses).ravel()  # compare's status: ranked, incomplete, infeasible
            cols["reason"] = np.column_stack(batch.reasons).ravel()  # why a row is infeasible, as compare says ('' if not)
            yield SweepChunk(cols, np.tile(labels, idx.size))

    return SweepRun(sweep_columns(axes), points * n_opt, _Once(chunks()))


# --------------------------------------------------------------------------- choice axes

MAX_CHOICE_RUNS = 64
"""Combinations of swept choices in one sweep: each loads and plans the inputs anew (about 0.1 s each), and they
share one sweep's plan budget."""


@dataclass(frozen=True)
class ChoiceAxis:
    """A swept input that is not a number (a precision, a tuning level, a fabric): its values as listed, each
    applied as ``--set PATH=VALUE`` would apply it."""

    path: str
    values: tuple[str, ...]
    """Each value as the input takes it (``"fp8"`` typed in quotes is fp8, as ``--set`` reads it): the axis' column."""
    typed: tuple[str, ...] = ()
    """Each value as listed, applied as ``--set PATH=VALUE`` (by default the values)."""


def _choice_value(text: str, path: str) -> Any:
    """A listed value of a choice as ``--set`` reads it (a quoted text is the text; a number stays a number)."""
    try:
        return loader.parse_value(text, key=path)
    except InputError as exc:
        raise InputError(exc.message, where="--vary", key=path) from None


def split_choices(inputs: Inputs, specs: Sequence[str]) -> tuple[list[ChoiceAxis], list[str]]:
    """(the specs that name a choice, each with its listed values; the numeric rest), in the order given. A path is
    a choice where it names an input that is not a number; a numeric path's spec, or one that names nothing, is left
    to :func:`make_axes`, whose errors say what is wrong with it."""
    named = [(spec, *spec.partition("=")) for spec in specs]
    if not any(sep and path.strip() for _, path, sep, _ in named):
        return [], list(specs)
    prep = prepare(inputs)
    choices: list[ChoiceAxis] = []
    numeric: list[str] = []
    for spec, path, sep, text in named:
        path = path.strip()
        try:
            if sep and path:
                resolve_target(prep, path, where="--vary")
        except NotNumeric as exc:
            if not exc.choice:  # (a table: refused as no numeric input, by make_axes)
                numeric.append(spec)
                continue
        except TcoError:
            numeric.append(spec)  # (its own error, in make_axes)
            continue
        else:
            numeric.append(spec)
            continue
        unbracketed(path, text)
        values = tuple(v.strip() for v in text.split(","))
        if not all(values):
            raise InputError(
                f"expected a value between each pair of commas (PATH=v1,v2,...), got '{text.strip()[:80]}'", where="--vary", key=path
            )
        read = [(type(x).__name__, x) for x in (_choice_value(v, path) for v in values)]  # (the number 1 and the text "1" differ)
        shown = tuple(x if isinstance(x, str) else v for (_, x), v in zip(read, values, strict=True))
        twice = next((shown[i] for i, x in enumerate(read) if x in read[:i]), None)
        if twice is not None:
            raise InputError(f"'{twice[:40]}' is listed twice: give each value once", where="--vary", key=path)
        choices.append(ChoiceAxis(path, shown, values))
    if choices:
        varied_once(inputs, [c.path for c in choices] + [spec.partition("=")[0].strip() for spec in numeric if "=" in spec])
        given_once(inputs, [c.path for c in choices], key="--vary")
        combos = math.prod(len(c.values) for c in choices)
        if combos > MAX_CHOICE_RUNS:
            product = " × ".join(f"{len(c.values)} {c.path}" for c in choices)
            raise InputError(
                f"at most {MAX_CHOICE_RUNS} combinations of swept choices (each loads and plans the inputs anew), "
                f"got {combos:,} ({product})",
                where="--vary",
                key=choices[0].path,
            )
        budget, why = replan_budget(inputs.workload)
        if combos * len(inputs.options) > budget:  # (each combination plans every option anew)
            raise InputError(
                f"{len(inputs.options)} option{'s are' if len(inputs.options) != 1 else ' is'} planned anew for each of {combos:,} "
                f"combinations of swept choices: at most {budget:,} plans (options × combinations{why}); list fewer values or options",
                where="--vary",
                key=choices[0].path,
            )
    return choices, numeric


def iter_choice_sweep(
    choices: Sequence[ChoiceAxis], numeric: Sequence[str], load: Callable[[Sequence[str]], Inputs], *, chunk: int = CHUNK
) -> SweepRun:
    """A sweep with choice axes: the numeric axes' sweep (:func:`iter_sweep`) once per combination of the choices'
    values, each on the inputs ``load`` returns with one more ``--set PATH=VALUE`` per choice, the choices varying
    slowest. Every combination is loaded and checked before the first row is written."""
    combos = list(itertools.product(*(c.values for c in choices)))
    typed = list(itertools.product(*(c.typed or c.values for c in choices)))
    runs = []
    for combo, as_typed in zip(combos, typed, strict=True):
        given = [f"{c.path}={v}" for c, v in zip(choices, as_typed, strict=True)]
        loaded = load(given)
        try:
            run = iter_sweep(loaded, numeric, chunk=chunk, choices=len(choices), runs=len(combos))
        except TcoError as exc:
            if isinstance(exc, ProblemList) or exc.where == "--vary" or exc.key == "--vary":
                raise  # (about the sweep's own axes: named already)
            raise InputError(f"with {', '.join(given)}: {exc}", key="--vary") from None  # (every option barred in a market, say)
        runs.append((combo, len(loaded.options), run))
    total = sum(run.total_rows for _, _, run in runs)
    if total > MAX_SWEEP_ROWS:
        raise InputError(
            f"the sweep would write {total:,} rows (at most {MAX_SWEEP_ROWS:,}, about 1 GB of CSV): use fewer points, values or options",
            key="--vary",
        )
    first = runs[0][2].columns
    columns = [first[0], *(c.path for c in choices), *first[1:]]

    def chunks() -> Iterator[SweepChunk]:
        offset = 0
        for combo, n_opt, run in runs:
            for part in run.chunks:
                cols = dict(part.columns)
                cols["point"] = cols["point"] + offset
                for c, value in zip(choices, combo, strict=True):
                    cols[c.path] = np.full(len(part.options), value, dtype=object)
                yield SweepChunk(cols, part.options)
            offset += run.total_rows // n_opt

    return SweepRun(columns, total, _Once(chunks()))
