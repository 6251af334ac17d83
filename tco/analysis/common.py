"""Shared machinery of the analyses: inputs by path, validation, vectorized evaluation, uncertain inputs."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, TypeAdapter, ValidationError

from tco import engine, loader, perf, training
from tco.errors import (
    InfeasibleError,
    InputError,
    MissingInputError,
    ProblemList,
    TcoError,
    not_finite,
    show_number,
    shown_text,
    unknown_scope,
)
from tco.inputs import Inputs, named_option, rental_sets_with_rate, runs_on
from tco.models import (
    TINY,
    Accelerator,
    AtLeastOneQuantity,
    FractionQuantity,
    OptionStatus,
    Quantity,
    Scenario,
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


def missing_error(missing: Mapping[str, Sequence[str]], workload_id: str | None = None) -> TcoError:
    """One error per option whose unknown inputs leave an analysis without an answer, naming them and
    how to give them (an empty table with exit 0 is no answer). One unknown workload or scenario input
    is the workload's (``workload_id``) or the scenario's problem, told once however many options it stops."""
    problems: dict[tuple[str, str | None, str], TcoError] = {}
    for label, paths in missing.items():
        one = len(paths) == 1
        sets = " ".join(f"--set {p}=VALUE" for p in paths)
        scope, _, key = paths[0].partition(".")
        if one and workload_id is not None and scope in ("workload", "scenario"):
            where, text = (workload_id if scope == "workload" else scope), f"unknown, and the analysis needs it; give it with {sets}"
            problems[(where, key, text)] = MissingInputError(text, where=where, key=key)
            continue
        text = f"needs {', '.join(paths)}, which {'is' if one else 'are'} unknown; give {'it' if one else 'them'} with {sets}"
        problems[(label, None, text)] = MissingInputError(text, where=label)
    found = list(problems.values())
    return found[0] if len(found) == 1 else ProblemList(found)


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
    replans: dict[Any, engine.Plan | None] = field(default_factory=dict)
    """Plans at varied values of inputs that change discrete choices (see :func:`evaluate_many`)."""
    moving: dict[Any, bool] = field(default_factory=dict)
    refusals: dict[Any, str] = field(default_factory=dict)
    """Why an option cannot run at varied values (the planner's message), keyed as :attr:`replans`."""
    planned: dict[int, engine.Plan] = field(default_factory=dict)
    """Option index -> its plan as planned, where :func:`search_batch_range` widened the one evaluated (whether an
    input moves the plan is asked of this one)."""

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.plans]


def prepare(inputs: Inputs) -> Prepared:
    """Plans for every option. An option the scenario's market may not buy is planned all the same
    (its figures are shown) and marked barred: it is never feasible, so it never ranks or wins."""
    if not inputs.options:  # (an Inputs built by hand; load_inputs never returns one without options)
        raise InputError("no accelerator to compare")
    plans, bases, barred = [], [], {}
    errors: list[TcoError] = []
    assumed = assumed_values(inputs)  # (estimates these analyses swing and sample: see uncertain_and_held)
    for i, o in enumerate(inputs.options):
        try:
            engine.check_market(o, inputs.scenario)
        except InfeasibleError as exc:
            barred[i] = exc.message
            errors.append(exc)
        plans.append(engine.plan_option(o, inputs.workload, inputs.scenario, market=False))
        bases.append(engine.numeric_inputs(o, inputs.workload, inputs.scenario))
        for a in assumed:
            if a.scope in ("workload", o.accelerator.id):
                bases[-1][a.flat] = a.value
    if len(barred) == len(inputs.options):
        raise errors[0] if len(errors) == 1 else ProblemList(errors)
    sc = inputs.scenario
    return Prepared(inputs, plans, bases, sc.deadline_days is not None and sc.deadline_days.value is not None, barred)


@dataclass(frozen=True)
class Assumed:
    """A value the tool assumes where no file gives the input (an estimate with a range): the analyses of uncertain
    inputs swing and sample it as they do a sourced range, and the report lists it among the assumptions."""

    path: str  # as a user names it: workload.global_batch_tokens, <id>.matmul_efficiency
    scope: str  # "workload" or the accelerator id
    flat: str  # the flat key the evaluation reads it from
    value: float
    low: float
    high: float
    bounded: bool  # a fraction: sampled as one (cf. Uncertain.bounded)
    label: str  # the tornado's range column
    source: str  # the assumptions' source column
    as_of: str  # the date of its latest source


def assumed_values(inputs: Inputs) -> list[Assumed]:
    """The inputs no file gives whose value the models assume: the default global batch of a training workload,
    and the achievable matmul fraction of a part that has no measurement (each option's part once, in order)."""
    out = []
    batch = default_batch(inputs.workload)
    if batch is not None:
        lo, hi = training.DEFAULT_BATCH_RANGE
        out.append(
            Assumed(
                path=engine.DEFAULT_BATCH_KEY,
                scope="workload",
                flat=engine.DEFAULT_BATCH_KEY,
                value=batch,
                low=batch * lo,
                high=batch * hi,
                bounded=False,
                label=f"default estimate ×{lo:g}–×{hi:g}",
                source=training.DEFAULT_BATCH_SOURCE,
                as_of="2024-07",
            )
        )
    lo, hi = training.MATMUL_EFFICIENCY_RANGE
    seen: set[str] = set()
    for accel in (o.accelerator for o in inputs.options):
        if accel.id in seen:
            continue
        seen.add(accel.id)
        if accel.matmul_efficiency is None or accel.matmul_efficiency.value is None:
            out.append(
                Assumed(
                    path=f"{accel.id}.matmul_efficiency",
                    scope=accel.id,
                    flat=engine.MATMUL_KEY,
                    value=training.MATMUL_EFFICIENCY_DEFAULT,
                    low=lo,
                    high=hi,
                    bounded=True,
                    label=f"assumed, measured parts {lo:g}–{hi:g}",
                    source=training.MATMUL_DEFAULT_SOURCE,
                    as_of="2025",
                )
            )
    return out


def default_batch(workload: Any) -> float | None:
    """The global batch a training workload that gives none runs at (tokens per step; None where it gives one or its
    parameters are unknown): an estimate, :func:`tco.training.default_global_batch_tokens`."""
    if not isinstance(workload, TrainingWorkload) or workload.global_batch_tokens is not None or workload.parameters.value is None:
        return None
    return training.default_global_batch_tokens(workload.parameters.value)


def _quantity_at(model: Any, parts: Sequence[str]) -> Any:
    """The value at ``parts`` in ``model``; an entry ``name[LABEL]`` of a list of tables is the one the
    label selects, as ``--set`` selects it (a measurement by its workload, a stage by its name)."""
    cur = model
    for part in parts:
        item = re.match(r"^(\w+)\[([^\]]*)\]$", part)
        if isinstance(cur, dict):
            cur = next((v for k, v in cur.items() if getattr(k, "value", k) == part), None)
        elif item is not None:
            entries = getattr(cur, item.group(1), None) or []
            label = item.group(2)
            cur = next((e for e in entries if label in (getattr(e, "workload", None), getattr(e, "name", None))), None)
        else:
            cur = getattr(cur, part, None)
        if cur is None:
            return None
    return cur


def resolve_target(prep: Prepared, path: str, *, where: str | None = None, keep_quotes: bool = False) -> Target:
    """:func:`_resolve_target`, its errors naming the option that supplied the path (``--param``, ``--vary``)."""
    if "=" in path and where in ("--param", "what_if"):  # (a --set's PATH=VALUE given where the path alone is asked for)
        values = "the values to search go in --range" if where == "--param" else "its values are the list it maps to"
        raise InputError(
            f"expected an input's path alone, not PATH=VALUE: give {path.split('=', 1)[0].strip()}; {values}", where=where, key=path
        )
    try:
        target = _resolve_target(prep, path, where=where, keep_quotes=keep_quotes)
    except InputError as exc:
        if exc.where is None:
            exc.where = where
        if isinstance(exc, NotNumeric) and exc.choice and where in ("--param", "what_if"):  # (a choice's values: a sweep's to compare)
            exc.message += f" (to compare its values, sweep them: tco sweep ... --vary {path.strip()}=A,B)"
        raise
    parts = loader.split_path(path)
    if not keep_quotes and target.quantity is None and len(parts) > 1 and parts[-1] in ("low", "high"):
        # A quantity's range end (the path resolved: the field is a quantity's low or high) is read by sensitivity
        # and simulate only: a break-even, sweep or what-if over it would show the same figures at every value.
        whole = path[: path.rfind(".")]
        raise InputError(
            f"an end of {whole}'s range, which only sensitivity and simulate read: no figure here changes with it; "
            f"vary {whole} instead (for sensitivity or simulate, set the end with --set)",
            where=where,
            key=path,
        )
    return target


def _resolve_target(prep: Prepared, path: str, *, where: str | None = None, keep_quotes: bool = False) -> Target:
    """The flat keys a user path sets in each option (raises with 'did you mean' when it names nothing).
    ``where`` names the option that supplied the path (``--param``, ``--vary``) in error messages. A
    rental rate that an option quotes (``ID:rent=RATE``) is that option's own: a path that would vary it
    is refused, or with ``keep_quotes`` (the inputs sensitivity and simulate swing by themselves) leaves
    the quoting options out, so the quote stays fixed while the profile's rate varies for the others."""
    if "." not in path and path != "count":
        # (a blank path names no key to print before the message: it says what it got, as -w '' and --set '' do)
        got = f", got {shown_text(path)}" if not path.strip() else ""
        raise InputError(
            f"expected scenario.<field>, workload.<field> or <accelerator-id>.<field>{got}", where=where, key=path.strip() or None
        )
    opts = prep.inputs.options
    groups = option_names(prep.inputs)
    scope, rest = loader.split_scope(path, [n for g in groups for n in g])
    if loader.looks_like_path(scope):  # a profile named by its path (in any spelling of the file): its id
        file, sources = _resolved(scope), prep.inputs.loaded_sources()
        ids = [o.accelerator.id for o in opts]
        same = [i for i, a in enumerate(ids) if file is not None and a in sources and _resolved(sources[a]) == file]
        scope = next((opts[i].accelerator.id for i in range(len(opts)) if scope in groups[i] or i in same), scope)
    rest_parts = loader.path_parts(rest, where=where, key=path) if rest else []
    if len(rest_parts) > 1 and rest_parts[-1] == "value":  # X.value is X: the quantity's value
        rest_parts, rest = rest_parts[:-1], rest[: -len(".value")]
    # one spelling for the flat keys (Scenario.pue.value is scenario.pue); messages keep the user's
    canon = path if path == "count" else f"{scope}.{rest}"
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
        return Target(canon, keys, prep.bases[next(iter(keys))]["count"], None, is_count=True)
    if scope == "scenario":
        leaf = loader.check_path(Scenario, rest_parts, label=path, where=where or "input")
        q = _quantity_at(prep.inputs.scenario, rest_parts)
        return _numeric(canon, {i: canon for i in range(len(opts))}, q, prep, leaf)
    if scope == "workload":
        wl = prep.inputs.workload
        leaf = loader.check_path(type(wl), rest_parts, label=path, where=where or "input")
        if "[" in rest:  # an entry picked by name (stages[NAME]) must exist: say so here, not as a bad value later
            data = wl.model_dump(mode="json", exclude_none=True)
            loader.apply_overrides(data, [(rest, 0)], type(wl), scope=scope, where=where or "input")
        q = _quantity_at(wl, rest_parts)
        target = _numeric(canon, {i: canon for i in range(len(opts))}, q, prep, leaf)
        if target.central is None and len(rest_parts) == 2 and rest_parts[0].startswith("stages["):
            # (a stage that leaves its sequence length or batch to the workload's runs at the workload's: its central value)
            target = replace(target, central=prep.bases[0].get(f"workload.{rest_parts[1]}"))
        return target
    idx = [i for i, o in enumerate(opts) if scope in (o.accelerator.id, *o.accelerator.aliases)]
    if not idx:
        names = ["scenario", "workload", *sorted({o.accelerator.id for o in opts})]
        gone = [(label, why) for label, why in prep.inputs.left_out.items() if label.split("@")[0].split(":")[0].lower() == scope.lower()]
        if gone:  # left out before the analysis: it cannot run at the values it starts from
            label, why = gone[0]
            raise InputError(
                f"{label} was left out at the values the analysis starts from ({why}): give a starting value "
                "at which it runs (the --set, @COUNT or workload count), then vary from there",
                where=where,
                key=path,
            )
        raise InputError(unknown_scope(scope, names[2:]), where=where, key=path)
    # An option's own @COUNT or :rent=RATE fixes that value; varying it too would run the option at other
    # values under the same label (compare refuses the same conflict with --set).
    flag = where or "--vary"
    if rest == "count":
        fixed = [opts[i].label for i in idx if opts[i].count is not None]
        if fixed:
            raise InputError(
                f"'{fixed[0]}' fixes the count and {flag} {path} gives others: name {scope} without @COUNT", where=flag, key=path
            )
        return Target(canon, {i: "count" for i in idx}, prep.bases[idx[0]]["count"], None, is_count=True)
    quoted = [opts[i].label for i in idx if opts[i].quoted_rate is not None]
    if quoted and keep_quotes and loader.gives_rental_rate(rest):
        idx = [i for i in idx if opts[i].quoted_rate is None]
        if not idx:
            return Target(canon, {}, None, None)
    elif quoted and loader.gives_rental_rate(rest):
        raise InputError(
            f"'{quoted[0]}' quotes a rate and {flag} {path} gives others: give the rate once (name {scope}:rent without =RATE)",
            where=flag,
            key=path,
        )
    accel = opts[idx[0]].accelerator
    parts = rest_parts
    leaf = loader.check_path(Accelerator, parts, label=path, where=where or "input")
    if parts[0].startswith("benchmarks[") and accel.benchmark_for(parts[0][len("benchmarks[") : -1]) is None:
        raise InputError(f"{accel.id} has no measurement for that workload", where=where, key=path)
    q = _quantity_at(accel, parts)
    return _numeric(canon, {i: "accel." + rest for i in idx}, q, prep, leaf)


def _resolved(text: str) -> Path | None:
    """The file a path names (links followed), or None where the text cannot be a path (a NUL in it)."""
    try:
        return Path(text).resolve()
    except (OSError, ValueError):
        return None


def option_names(inputs: Inputs) -> list[tuple[str, ...]]:
    """Each option's accelerator id, aliases and the paths it was given by (a reference to the file its id came
    from): the scopes a path may name it by, as ``--set`` takes them."""
    paths = [r for r in dict.fromkeys(inputs.refs) if loader.looks_like_path(r)]
    files = {r: _resolved(inputs.at_load(r)) for r in paths}  # (each file as named at load_inputs: a script may chdir since)
    sources = inputs.loaded_sources()
    names = []
    for o in inputs.options:
        source = sources.get(o.accelerator.id)
        given = [r for r in paths if source is not None and files[r] is not None and files[r] == _resolved(source)]
        names.append(tuple(dict.fromkeys((o.accelerator.id, *o.accelerator.aliases, *given))))
    return names


def also_set(inputs: Inputs, varied: Sequence[str]) -> str | None:
    """The first of ``varied`` that the inputs also set (``--set``, ``sets=``), in any spelling (a table set over a
    table sets only the fields it holds: :func:`tco.loader.merges_apart`). A --set of its currency alone gives no
    value (it quotes the varied values in that currency, as a file's ``currency`` does)."""
    groups = option_names(inputs)
    named = [(path, loader.same_input_path(path, groups)) for path in varied]
    for item in inputs.sets:
        try:
            there = loader.same_input_path(item.split("=", 1)[0].strip(), groups)
        except TcoError:
            continue
        quotes = [path for path, here in named if list(there) == [*here, "currency"]]
        given = loader.set_value(item)
        both = [
            path
            for path, here in named
            if loader.overlaps(here, there) and not loader.merges_apart(here, None, there, given) and path not in quotes
        ]
        if both:
            return both[0]
    return None


def given_once(inputs: Inputs, varied: Sequence[str], *, key: str, setter: str = "--set") -> None:
    """Refuse an input that an analysis varies and the inputs also set: one of the two values would be
    dropped silently (sweep, what_if; breakeven solves for its input, so a value set for it is only
    noted as unused)."""
    both = also_set(inputs, varied)
    if both is not None:
        raise InputError(f"{both} is both varied and set with {setter}: give it once", key=key)


NOT_NUMERIC = "is not a numeric input"
"""How a path to a choice, a text or a table is refused where numbers are swept (a sweep takes it as a choice axis)."""


class NotNumeric(InputError):
    """:data:`NOT_NUMERIC`, saying whether the path names a choice or a text (``choice``), whose values a sweep
    compares, rather than a table."""

    def __init__(self, key: str, *, choice: bool) -> None:
        super().__init__(NOT_NUMERIC, key=key)
        self.choice = choice


def _numeric(path: str, keys: dict[int, str], q: Any, prep: Prepared, leaf: Any = None) -> Target:
    """A target over the input at ``path``; whole-number inputs (the field's type, whether or not it has
    a value yet: a layout degree, a stage's sequence length) are swept and validated as whole numbers."""
    # (a field left out is told by its type: a stage's precision, a layout's recompute or a shape's gated_ffn not
    # given is a choice or a flag as much as one given, not a number without a value)
    numeric_type = leaf in (int, float) or (isinstance(leaf, type) and issubclass(leaf, Quantity))
    unread_type = q is None and leaf is not None and not numeric_type
    if isinstance(q, bool) or (q is not None and not isinstance(q, (Quantity, int, float))) or unread_type:
        table = isinstance(q, (dict, list, BaseModel)) or (q is None and isinstance(leaf, type) and issubclass(leaf, BaseModel))
        raise NotNumeric(path, choice=not table)
    i0 = next(iter(keys))
    central = prep.bases[i0].get(keys[i0])
    whole = isinstance(q, int) or (leaf is int)
    return Target(path, keys, central, q if isinstance(q, Quantity) else None, is_integer=whole)


def check_numbers(values: np.ndarray, path: str, where: str | None = None) -> None:
    """Every value finite, and none between 0 and 1e-300 in size (as every input file's numbers must be):
    the checks on single values that the interval check of the smallest and largest cannot make."""
    if not np.all(np.isfinite(values)):  # (the value named as every refusal names a NaN or an infinity)
        raise InputError(not_finite(float(values[~np.isfinite(values)][0]), "finite numbers"), where=where, key=path)
    tiny = values[(values != 0) & (np.abs(values) < TINY)]
    if tiny.size:
        raise InputError(
            f"expected values of at least 1e-300 in size (or 0, where the input takes it), got {float(tiny[0])!r}", where=where, key=path
        )


def _given(value: float) -> str:
    """A value refused against a bound or for not being whole, in full (1,000,000,001 or 999,999,999.6, not 1e+09)."""
    if not math.isfinite(value) or abs(value) >= 1e16 or (value and abs(value) < 1e-4):
        return f"{value:.15g}"
    return f"{value:,.0f}" if value == math.floor(value) else f"{value:,.15g}"


def _as_given(target: Target, given: str | None) -> Target:
    """``target`` as written: a ``.value`` keeps the quantity's low and high, as ``--set`` does."""
    if given is not None and given.lower().endswith(".value") and not target.path.lower().endswith(".value"):
        return replace(target, path=target.path + ".value")
    return target


def validate_value(
    prep: Prepared,
    target: Target,
    value: float,
    *,
    where: str | None = None,
    given: str | None = None,
    alongside: Sequence[tuple[Target, str, np.ndarray]] = (),
) -> None:
    """Rebuild the model that owns ``target`` with ``value`` through validation (raises InputError).
    ``given``: the path as written; a ``.value`` keeps the quantity's low and high, as ``--set`` does.
    ``alongside``: the other inputs an analysis varies with it (target, path as written, values): a value the
    file's other values refuse passes where some end of theirs holds it (a 3,000-token prompt with the output
    varied to 1,000 tokens), the combinations being the analysis's to check."""
    target = _as_given(target, given)
    if target.is_count:
        if value < 1 or value != math.floor(value):
            raise InputError(f"expected a whole count of at least 1, got {_given(value)}", where=where, key=target.path)
        if value > perf.MAX_ACCELERATORS:  # as ID@COUNT allows
            raise InputError(f"expected a count of at most {perf.MAX_ACCELERATORS:,}, got {_given(value)}", where=where, key=target.path)
        return
    try:
        _rebuilt(prep, target, value, None, where=where)
    except InputError:
        scope = _scope_of(prep, target)
        others = [(_as_given(t, g), a) for t, g, a in alongside if not t.is_count and t.path != target.path and _scope_of(prep, t) == scope]
        if not others:
            raise
        ends = [sorted({float(np.min(a)), float(np.max(a))}) for _, a in others]
        for combo in itertools.product(*ends):
            try:
                _rebuilt(prep, target, value, None, where=where, also=[(t, v) for (t, _), v in zip(others, combo, strict=True)])
            except InputError:
                continue
            return
        raise


def _scope_of(prep: Prepared, target: Target) -> str:
    return loader.split_scope(target.path, [n for g in option_names(prep.inputs) for n in g])[0]


def _typed(target: Target, value: float) -> float | int:
    return int(value) if target.is_integer else value


def _rebuilt(
    prep: Prepared,
    target: Target,
    value: float,
    model: BaseModel | None,
    *,
    where: str | None = None,
    also: Sequence[tuple[Target, float]] = (),
) -> tuple[str, BaseModel]:
    """(scope, the model that owns ``target`` — ``model`` if given, else the input's — rebuilt with
    ``value`` through validation, as ``--set`` would; ``also``: other inputs of the same model set with it)."""
    if target.is_integer and value != math.floor(value):
        raise InputError(f"expected a whole number, got {_given(value)}", where=where, key=target.path)
    typed = _typed(target, value)
    names = [n for g in option_names(prep.inputs) for n in g]
    scope, rest = loader.split_scope(target.path, names)
    extra = [(loader.split_scope(t.path, names)[1], _typed(t, v)) for t, v in also if not (t.is_integer and v != math.floor(v))]
    root: Any
    if scope == "scenario":
        model = model or prep.inputs.scenario
        root = Scenario
    elif scope == "workload":
        model = model or prep.inputs.workload
        root = TypeAdapter(Workload)
    else:
        model = model or prep.inputs.options[next(iter(target.keys))].accelerator
        root = Accelerator
    edits = [*extra, (rest, typed)]
    if root is Accelerator:  # (a rental table the profile lacks takes an unknown rate, as with --set)
        edits = rental_sets_with_rate(getattr(model, "rental", None) is not None, edits)
    data = loader.apply_overrides(
        model.model_dump(mode="json", exclude_none=True),
        edits,
        type(model) if root is not Accelerator else Accelerator,
        scope=scope,
        where=where or "input",
    )
    try:
        built = root.validate_python(data) if isinstance(root, TypeAdapter) else root.model_validate(data)
    except ValidationError as exc:  # the first problem, worded as for a --set of the same value
        first = loader.validation_problems(exc, where=where or "input", root=type(model)).problems[0]
        # A check across fields may blame another field (experts_per_token for a value of experts): name it.
        # (a workload's errors start at its kind, which the path does not name)
        blamed = re.sub(r"^(training|inference)\.", "", first.key) if first.key and scope == "workload" else first.key
        if blamed:  # (pydantic names an entry by its index, stages[0]: name it as the path does, by its label)
            named, indexed, parts = loader.split_path(rest), loader.split_path(loader._indexed(rest, data)), loader.split_path(blamed)
            same = next((k for k, (a, b) in enumerate(zip(parts, indexed, strict=False)) if a != b), min(len(parts), len(indexed)))
            blamed = ".".join([*named[:same], *parts[same:]]).replace(".[", "[")
        other = blamed and not any(a == b or a.startswith((b + ".", b + "[")) for a, b in ((blamed, rest), (rest, blamed)))
        detail = f"{blamed}: {first.message}" if other else first.message
        shown = show_number(value)
        raise InputError(f"{shown} is not allowed: {detail}", where=where, key=target.path) from None
    return scope, built


def plan_free(target: Target) -> bool:
    """Whether no plan reads the input the target sets, for any option (:func:`tco.engine.plan_free`)."""
    return bool(target.keys) and all(engine.plan_free(k) for k in target.keys.values())


MAX_REPLANS = 1024
"""Most distinct values (per option) of varied inputs that change an option's discrete choices, each
planned anew (10–15 ms each for a dense job's layout search, about 50 ms for a large MoE job)."""

MAX_REPLANS_TOTAL = 2 * MAX_REPLANS
"""Most plans one sweep or what-if call makes over all its options (options whose plan moves × distinct
values): half a minute for a dense job, so that no call runs for hours."""

MOE_PLAN_COST = 16
"""An MoE job's plan searches expert-parallel layouts too: about 16 times a dense job's (measured
2026-12-02: 0.13 s for DeepSeek-V3 against 4–15 ms), so its calls make that many times fewer plans."""


def replan_budget(workload: Any) -> tuple[int, str]:
    """(most plans over all options for this workload, why it is that number)."""
    if getattr(workload, "experts", None):
        return MAX_REPLANS_TOTAL // MOE_PLAN_COST, f"; an MoE job's plan costs about {MOE_PLAN_COST}× a dense one's"
    return MAX_REPLANS_TOTAL, ""


def _plan_with(prep: Prepared, i: int, assignments: tuple[tuple[Target, float], ...], *, where: str | None = None) -> engine.Plan | None:
    """Option ``i``'s plan with the targets set to the values: its inputs rebuilt through validation
    and planned again (layout, batch, replica, shape, memory fit), remembered per values; None where
    the option cannot run (its points are infeasible, as an option that cannot run is left out). Values that
    together fail validation (a prompt longer than a varied sequence allows) are an InputError under ``where``,
    the flag or argument that gave them."""
    key = (i, tuple((t.path, v) for t, v in assignments))
    if key in prep.replans:
        return prep.replans[key]
    o = prep.inputs.options[i]
    ids = [n for g in option_names(prep.inputs) for n in g]
    current: dict[str, Any] = {"scenario": prep.inputs.scenario, "workload": prep.inputs.workload, "accel": o.accelerator}
    count = o.count
    by_slot: dict[str, list[tuple[Target, float]]] = {}
    for target, value in assignments:
        if target.is_count:  # ID.count is the option's count, not a field of its profile
            count = int(value)
            continue
        scope = loader.split_scope(target.path, ids)[0]
        by_slot.setdefault(scope if scope in ("scenario", "workload") else "accel", []).append((target, value))
    for slot, given in by_slot.items():  # (one model's values set together: a prompt may hold only with a varied output)
        *also, (target, value) = given  # (the last is named, as when they were set one after another)
        current[slot] = _rebuilt(prep, target, value, current[slot], where=where, also=also)[1]
    # A changed part or job keeps the one as measured: its measurements are carried from it (engine.Plan.anchor).
    measured_on = o.as_measured or (o.accelerator if current["accel"] is not o.accelerator else None)
    job = o.workload_as_measured or (prep.inputs.workload if current["workload"] is not prep.inputs.workload else None)
    option = dataclasses.replace(o, accelerator=current["accel"], count=count, as_measured=measured_on, workload_as_measured=job)
    workload, scenario = current["workload"], current["scenario"]
    plan: engine.Plan | None
    try:
        plan = engine.plan_option(option, workload, scenario, market=False)
    except TcoError as exc:
        plan = None
        if len(prep.refusals) < 4 * MAX_REPLANS:
            prep.refusals[key] = exc.message
    if len(prep.replans) < 4 * MAX_REPLANS:
        prep.replans[key] = plan
    return plan


def _refusal(prep: Prepared, i: int, assignments: tuple[tuple[Target, float], ...]) -> str:
    """The planner's message for option ``i`` at values :func:`_plan_with` could not plan (after it tried)."""
    return prep.refusals.get((i, tuple((t.path, v) for t, v in assignments)), "it cannot run at these values")


def check_combinations(prep: Prepared, i: int, axes: Sequence[tuple[Target, np.ndarray]], *, where: str) -> None:
    """Plan option ``i`` at every combination of the axes' values that :func:`evaluate_many` plans anew, before the
    first row is written: values that fail validation together (a prompt of 1,500 tokens with a varied sequence of
    2,048) are an InputError under ``where``, never one raised after a sweep's first rows. The plans are remembered,
    so the sweep makes none twice (the caller has bounded their number)."""
    planned = [(t, np.unique(np.asarray(a, dtype=float))) for t, a in axes if i in t.keys and not t.is_count and not plan_free(t)]
    for combo in itertools.product(*(vals.tolist() for _, vals in planned)):
        _plan_with(prep, i, tuple((t, float(v)) for (t, _), v in zip(planned, combo, strict=True)), where=where)


def moves_plan(prep: Prepared, i: int, target: Target, arr: np.ndarray) -> bool:
    """Whether the target changes option ``i``'s discrete choices over the values: its plan at the
    smallest and the largest value against the central plan (the choices move monotonically with an
    input: more memory, a longer sequence, a larger batch), remembered per option, path and range. Exact for
    two values (a tornado's swing); an analysis of many asks :func:`replans_values`."""
    if i in target.keys and engine.plan_free(target.keys[i], prep.plans[i].kind):
        return False
    values = np.asarray(arr, dtype=float)
    lo, hi = float(values.min()), float(values.max())
    key = (i, target.path, lo, hi)
    if key not in prep.moving:
        base = prep.planned.get(i, prep.plans[i])
        try:
            prep.moving[key] = any(_plan_with(prep, i, ((target, v),)) != base for v in {lo, hi})
        except InputError:  # a value that holds only with another input's, varied with it: planned with it
            prep.moving[key] = True
    return prep.moving[key]


def replans_values(prep: Prepared, i: int, target: Target, arr: np.ndarray) -> bool:
    """Whether an analysis that plans a named input anew (a sweep, a what-if, a break-even's scan) plans option
    ``i`` at each distinct value of ``arr``: where :func:`moves_plan` says the range moves its choices, and for a
    serving option over any values that differ. A serving plan's replica is the size whose fleet of whole replicas
    is the smallest for the demand; the rounding moves that choice back and forth as the demand or the speed rises
    (chat-70b on H100: TP 4, TP 8, TP 4 again), so the range's two ends do not vouch for the values between. A
    serving plan takes ~5 ms."""
    if i in target.keys and engine.plan_free(target.keys[i], prep.plans[i].kind):
        return False
    values = np.asarray(arr, dtype=float)
    if prep.plans[i].kind == "inference" and values.size and values.min() != values.max():
        return True
    return moves_plan(prep, i, target, values)


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
    reasons: list[np.ndarray] | None = None  # per option, with ``reasons=True``: why each infeasible point is ('' if feasible)
    statuses: list[np.ndarray] | None = None  # per option, with ``reasons=True``: compare's status at each point


def _evaluate_groups(
    prep: Prepared,
    i: int,
    plan: engine.Plan,
    p: dict[str, Any],
    moving: list[tuple[Target, np.ndarray]],
    size: int,
    where: str | None = None,
) -> tuple[dict[str, np.ndarray], Any, tuple[str, ...], np.ndarray | None]:
    """Option ``i``'s outputs over ``size`` scenarios: one vectorized evaluation at ``plan``, or, when
    targets move its discrete choices, one per distinct combination of their values at its own plan.
    Returns (outputs, the least count that fits memory per scenario, the input paths it lacks, and where
    the option cannot be planned at all, the planner's reason per scenario, else None)."""
    if not moving:
        known = engine.KnownInputs(p)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = engine.evaluate_plan(plan, known, ops=np)
        flat = {k: np.broadcast_to(np.asarray(v, dtype=float), (size,)) for k, v in out.items() if v is not None}
        return flat, plan.min_count, tuple(plan.user_path(k) for k in known.missing), None
    combos, group = np.unique(np.column_stack([a for _, a in moving]), axis=0, return_inverse=True)
    group = np.asarray(group).reshape(-1)
    if len(combos) > MAX_REPLANS:
        names = ", ".join(t.path for t, _ in moving)
        raise InputError(
            f"{names} changes {prep.labels[i]}'s layout, batch or memory fit, so each value is planned anew: "
            f"at most {MAX_REPLANS:,} distinct values, got {len(combos):,}",
            key=moving[0][0].path,
        )
    arrays: dict[str, np.ndarray] = {}
    min_count = np.empty(size)
    gone: set[str] = set()
    refused: np.ndarray | None = None
    for g, combo in enumerate(combos):
        at = np.flatnonzero(group == g)
        assignments = tuple((t, float(v)) for (t, _), v in zip(moving, combo, strict=True))
        sub_plan = _plan_with(prep, i, assignments, where=where)
        if sub_plan is None:  # the option cannot run at these values: no figures, never feasible
            min_count[at] = np.inf
            if refused is None:
                refused = np.full(size, "", dtype=object)
            refused[at] = _refusal(prep, i, assignments)
            continue
        sub = {k: (v[at] if isinstance(v, np.ndarray) and v.shape == (size,) else v) for k, v in p.items()}
        known = engine.KnownInputs(sub)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = engine.evaluate_plan(sub_plan, known, ops=np)
        gone.update(sub_plan.user_path(k) for k in known.missing)
        for k, v in out.items():
            if v is not None:
                arrays.setdefault(k, np.full(size, np.nan))[at] = np.broadcast_to(np.asarray(v, dtype=float), (at.size,))
        min_count[at] = sub_plan.min_count
    if "job_cost_usd" not in arrays:  # no value let the option run: its figures are all unknown
        for k in engine.evaluate_plan(plan, engine.KnownInputs(dict(prep.bases[i]))):
            arrays.setdefault(k, np.full(size, np.nan))
    return arrays, min_count, tuple(sorted(gone)), refused


def evaluate_many(
    prep: Prepared,
    values: dict[str, tuple[Target, np.ndarray]],
    size: int,
    *,
    replan: bool = False,
    reasons: bool = False,
    where: str | None = None,
) -> Batch:
    """Evaluate every option for ``size`` scenarios, the targets set to the given arrays. The formulas
    take the continuous inputs as arrays; the discrete choices (layout, batch, replica, shape, memory
    fit) are planned once at the central values. With ``replan`` (sweeps, what-ifs and break-evens of
    inputs the user names) a target that changes an option's choices is planned anew at each of its
    values, as ``--set`` would (at most :data:`MAX_REPLANS` values); the analyses of uncertain inputs
    (sensitivity, simulation) hold the central choices: the same deployment at other prices and rates.
    With ``reasons`` each option's infeasible points say why, as compare's ``reason`` does (a sweep's rows).
    ``where``: the flag or argument that gave the values, named by an error of values that fail together."""
    per_option: list[dict[str, np.ndarray]] = []
    feasible: list[np.ndarray] = []
    runs: list[np.ndarray] = []
    missing: list[tuple[str, ...]] = []
    why: list[np.ndarray] = []
    for i, (plan, base) in enumerate(zip(prep.plans, prep.bases, strict=True)):
        p: dict[str, Any] = dict(base)
        for target, arr in values.values():
            if i in target.keys:
                p[target.keys[i]] = arr
        varied = [(t, np.broadcast_to(np.asarray(a, dtype=float), (size,))) for t, a in values.values() if i in t.keys and not t.is_count]
        # One input that moves the plan makes every varied input part of the plan: their effects on the
        # discrete choices can combine (memory matters more at a longer sequence).
        # (inputs no plan depends on, money and the like, are evaluated as arrays at each plan: never planned
        # anew, nor asked whether they move the plan, which costs two plans per range a bisection tries)
        planned = [(t, a) for t, a in varied if not plan_free(t)]
        moving = planned if replan and any(replans_values(prep, i, t, a) for t, a in planned) else []
        # Unknown inputs read as NaN: the figures that need them come out NaN (infeasible for ranking).
        arrays, min_count, gone, refused = _evaluate_groups(prep, i, plan, p, moving, size, where)
        # what the option lacks to be ranked: an input only another figure needs leaves it ranked, as in compare; one
        # the market bars lacks nothing (no value would rank it: compare calls it infeasible, with no missing input)
        ranked = not (np.isnan(arrays["job_cost_usd"]).any() or np.isnan(arrays["time_to_market_days"]).any())
        missing.append(() if ranked or i in prep.barred else gone)
        ok = (
            np.broadcast_to(np.asarray(p["count"], dtype=float) >= min_count, (size,))
            if plan.kind == "training"
            # a demand that needs more accelerators than the model takes, as compare refuses it
            else ~np.broadcast_to(np.asarray(arrays["count"], dtype=float) > perf.MAX_ACCELERATORS, (size,))
        )
        if reasons:  # (before the figures are cleared: a demand's count says how far past the limit it is)
            why.append(_run_reasons(prep, i, plan, p, arrays, min_count, ok, refused, size))
        if not ok.all():  # too few to hold the model (or too many to serve): no figures there, as compare shows none
            arrays = {k: np.where(ok, np.broadcast_to(v, (size,)), np.nan) for k, v in arrays.items()}
        runs.append(ok & (i not in prep.barred))  # an option compare would evaluate (it may lack a cost)
        ok = ok & np.isfinite(arrays["job_cost_usd"]) & (i not in prep.barred)
        per_option.append(arrays)
        feasible.append(ok)
    sp: dict[str, Any] = {k: v for k, v in prep.bases[0].items() if k.startswith("scenario.")}
    deadline = prep.deadline  # the scenario's own deadline, or one the analysis varies
    for target, arr in values.values():
        if target.path.startswith("scenario."):
            sp[target.path] = arr
            deadline = deadline or target.path == "scenario.deadline_days"
    with np.errstate(invalid="ignore", over="ignore"):  # infinite times to market give NaN delays, by design
        delays, penalties, effective = engine.apply_delay(
            # an option that cannot run there (barred by the market, too few to hold the model) sets no
            # fastest time to market, as compare leaves it out
            [np.where(r, o["time_to_market_days"], np.nan) for o, r in zip(per_option, runs, strict=True)],
            [o["job_cost_usd"] for o in per_option],
            sp,
            ops=np,
            deadline=deadline,
            cod_rate=engine.scenario_fx(prep.inputs.scenario).get("scenario.cost_of_delay_usd_per_day"),
        )
    unknown = engine.delay_unknowns(prep.inputs.scenario, sp)
    if unknown:  # an option that is late anywhere needs them, as in compare
        missing = [
            m + tuple(k for k in unknown if k not in m) if np.isnan(p).any() and i not in prep.barred else m
            for i, (m, p) in enumerate(zip(missing, penalties, strict=True))
        ]
    # An effective cost past the largest float (a value near 1e308) cannot be ranked: infeasible, as in compare.
    feasible = [ok & np.isfinite(np.broadcast_to(e, (size,))) for e, ok in zip(effective, feasible, strict=True)]
    eff = np.vstack([np.where(ok, np.broadcast_to(e, (size,)), np.inf) for e, ok in zip(effective, feasible, strict=True)])
    order = np.argsort(eff, axis=0, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, len(per_option) + 1)[:, None].repeat(size, axis=1), axis=0)
    if reasons:
        why, statuses = map(list, zip(*(_other_reasons(r, ok, m) for r, ok, m in zip(why, feasible, missing, strict=True)), strict=True))
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
        why if reasons else None,
        statuses if reasons else None,
    )


def _run_reasons(
    prep: Prepared,
    i: int,
    plan: engine.Plan,
    p: dict[str, Any],
    arrays: dict[str, np.ndarray],
    min_count: Any,
    ok: np.ndarray,
    refused: np.ndarray | None,
    size: int,
) -> np.ndarray:
    """Option ``i``'s reason at each point it cannot run, in compare's words: the market's bar, the
    planner's refusal, a count too small to hold the model, a demand past the count the model takes, failures
    that leave a training job no useful time."""
    out = np.full(size, "", dtype=object) if refused is None else refused.copy()
    if i in prep.barred:
        out[:] = prep.barred[i]
        return out
    if plan.kind == "training" and "goodput" in arrays:
        dead = ok & (out == "") & (np.broadcast_to(np.asarray(arrays["goodput"], dtype=float), (size,)) <= 0)
        if dead.any():
            counts = np.broadcast_to(np.asarray(p["count"], dtype=float), (size,))
            causes = [
                np.broadcast_to(np.asarray(p[k], dtype=float), (size,))
                for k in ("scenario.failure_rate_per_accelerator_day", "scenario.checkpoint_save_minutes", "scenario.restart_minutes")
            ]
            for j in np.flatnonzero(dead).tolist():
                label = prep.inputs.options[i].accelerator.id
                out[j] = engine.no_goodput_text(counts[j], label, *(float(c[j]) for c in causes))
    short = ~ok & (out == "")
    if not short.any():
        return out
    label = prep.inputs.options[i].accelerator.id
    if plan.kind == "training":
        counts = np.broadcast_to(np.asarray(p["count"], dtype=float), (size,))
        needs = np.broadcast_to(np.asarray(min_count, dtype=float), (size,))
        for c, n in set(zip(counts[short].tolist(), needs[short].tolist(), strict=True)):
            text = engine.too_few_text(prep.inputs.workload.id, int(c), label, int(n))
            out[short & (counts == c) & (needs == n)] = text
    else:
        counts = np.broadcast_to(np.asarray(arrays["count"], dtype=float), (size,))
        demand = np.broadcast_to(np.asarray(p["workload.tokens_per_day"], dtype=float), (size,))
        for d, c in set(zip(demand[short].tolist(), counts[short].tolist(), strict=True)):
            out[short & (demand == d) & (counts == c)] = engine.too_many_text(d, c, label)
    return out


def _other_reasons(reason: np.ndarray, feasible: np.ndarray, missing: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The reasons of :func:`_run_reasons`, then, where an option ran but cannot be ranked, what it lacks
    (compare's incomplete option) or its effective cost past the largest float; feasible points none. With
    each point's status as compare gives it (:class:`tco.models.OptionStatus`)."""
    out = np.where(feasible, "", reason).astype(object)
    status = np.where(feasible, OptionStatus.ranked.value, OptionStatus.infeasible.value).astype(object)
    rest = ~feasible & (out == "")
    if rest.any():
        out[rest] = f"incomplete: lacks {', '.join(missing)}" if missing else "its effective cost overflows a float (above 1.8e308 USD)"
        if missing:
            status[rest] = OptionStatus.incomplete.value
    return out, status


def _index_of(prep: Prepared, ref: str) -> int:
    try:
        found = named_option(prep.inputs, ref)
    except TcoError as exc:  # a blank or malformed option is the option's error, not the accelerators' (ACCEL's)
        raise InputError(exc.message, key="option") from None
    if found is not None:
        return found
    raise InputError(f"'{ref}' is not one of the compared options: {', '.join(prep.labels)}{runs_on(prep.inputs, ref)}", key="option")


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
    currency: str | None = None  # CNY or EUR: the money input is quoted in it (low, high and central too)
    floor: float | None = None  # the least value the input takes (1 for a PUE, a request length, a load imbalance)
    given_end: str = ""  # "low" or "high": the one end a file gave (the other is the default swing's)
    estimate: str = ""  # the range of a default the tool estimates (no file gives the input): where it comes from


def _walk_quantities(model: Any, prefix: str) -> Iterator[tuple[str, Quantity]]:
    return ((path, leaf) for path, leaf in engine.walk_numbers(model, prefix) if isinstance(leaf, Quantity))


def uncertain_inputs(prep: Prepared, *, ranged_only: bool) -> list[Uncertain]:
    """Every sourced number the options read, with its low/high (or ±20 % when it has none; one end
    given: that end and the default swing's other). ``ranged_only``: only those with a given end."""
    return uncertain_and_held(prep, ranged_only=ranged_only)[0]


def uncertain_and_held(prep: Prepared, *, ranged_only: bool) -> tuple[list[Uncertain], list[str]]:
    """:func:`uncertain_inputs`, and the inputs given a range that only the plan reads (layout, batch,
    memory fit): the analyses of uncertain inputs hold them at their value, as they hold the central plan."""
    held: list[str] = []
    used = [_read_keys(plan, base) for plan, base in zip(prep.plans, prep.bases, strict=True)]  # per option
    items: list[tuple[str, Quantity]] = []
    items += list(_walk_quantities(prep.inputs.scenario, "scenario"))
    items += list(_walk_quantities(prep.inputs.workload, "workload"))
    seen_acc: set[str] = set()
    # the profile's own values: an option quoting its rate (ID:rent=RATE) carries the quote in its copy
    allowed = [o for i, o in enumerate(prep.inputs.options) if i not in prep.barred]  # a barred option's inputs decide nothing
    for o in sorted(allowed, key=lambda o: o.quoted_rate is not None):
        if o.accelerator.id in seen_acc:
            continue
        seen_acc.add(o.accelerator.id)
        items += [(o.accelerator.id + p[len("accel") :], q) for p, q in _walk_quantities(o.accelerator, "accel")]
    out: list[Uncertain] = []
    for path, q in items:
        if q.value is None:
            continue
        target = resolve_target(prep, path, keep_quotes=True)
        if not any(k in used[i] for i, k in target.keys.items()):  # (a key some option reads, read by this one)
            if (q.low is not None or q.high is not None) and _held(prep, path, target, q):
                held.append(path)  # a range whose ends change only the plan: held at its value, said so
            continue
        if q.low is not None and q.high is not None and q.low == q.high:
            continue  # a range of zero width: the input is certain, no swing and no draw
        if path in ("workload.parameters", "workload.active_parameters") and _every_expert_active(prep.inputs.workload):
            continue  # (the two counts are one number: neither moves without the other, so both are held)
        ranged = q.low is not None and q.high is not None and q.low < q.high
        one_end = q.low is not None or q.high is not None  # (a file or --set gave one end: its uncertainty too)
        if ranged_only and not ranged and not one_end:
            continue
        if ranged:
            low, high = float(q.low), float(q.high)  # type: ignore[arg-type]
        else:
            if q.value == 0 and not one_end:
                continue  # (no default swing moves a zero)
            low, high = q.value * (1 - DEFAULT_SWING), q.value * (1 + DEFAULT_SWING)
            # (a value near the float maximum swings to it, not past it: 1.6e308 · 1.2 is no number)
            low, high = (max(min(v, sys.float_info.max), -sys.float_info.max) for v in (low, high))
            # One end given (a low without a high): that end as given, the default swing for the other.
            low, high = float(q.low) if q.low is not None else low, float(q.high) if q.high is not None else high
            if isinstance(q, (FractionQuantity, UnitIntervalQuantity)):
                high = min(high, 1.0)
            low, high = _within_moe_split(prep.inputs.workload, path, low, high)
            if not low < high:
                continue  # (no default swing keeps the split: the input is held)
        floor = 1.0 if isinstance(q, AtLeastOneQuantity) else None
        if floor is not None:
            low = max(low, floor)  # a PUE of 0.88 is no swing of a PUE
        bounded = isinstance(q, (FractionQuantity, UnitIntervalQuantity))
        given_end = "" if ranged else "low" if q.low is not None else "high" if q.high is not None else ""
        out.append(Uncertain(path, target, q.value, low, high, ranged, bounded, q.currency.value if q.currency else None, floor, given_end))
    for a in assumed_values(prep.inputs):
        # An input no file gives, whose value the models assume: an estimate with a range, swung and sampled as one
        # (where the figures of some option the market allows read it).
        target = resolve_target(prep, a.path, keep_quotes=True)
        if any(k in used[i] for i, k in target.keys.items() if i not in prep.barred):
            out.append(Uncertain(target.path, target, a.value, a.low, a.high, True, a.bounded, estimate=a.label))
    return out, held


def search_batch_range(prep: Prepared, items: Sequence[Uncertain]) -> None:
    """Widen the plans' layout shortlists over the range of each global batch among ``items`` (the analyses of
    uncertain inputs swing or sample it): the layouts searched are the fastest at its low, central and high
    (:func:`tco.engine.widen_shortlist`), so the tornado's ends are what ``--set`` gives there."""
    for u in items:
        if not u.target.keys or not all(engine.searched_per_scenario(k) for k in u.target.keys.values()):
            continue
        for i, key in u.target.keys.items():
            prep.planned.setdefault(i, prep.plans[i])
            prep.plans[i] = engine.widen_shortlist(prep.plans[i], prep.bases[i], key, (u.low, u.central, u.high))


def _held(prep: Prepared, path: str, target: Target, q: Quantity) -> bool:
    """Whether the given ends of an input no cost reads change an option's plan (it is then held, not
    swung); an end that cannot be set alone (the MoE split, a value that does not validate) is not asked."""
    if path in ("workload.parameters", "workload.active_parameters") and _every_expert_active(prep.inputs.workload):
        return False
    ends = np.array([q.value if q.low is None else q.low, q.value if q.high is None else q.high], dtype=float)
    try:
        return any(moves_plan(prep, i, target, ends) for i in target.keys)
    except TcoError:
        return False


def _every_expert_active(workload: Any) -> bool:
    """An MoE workload whose tokens visit every expert and that gives its active count: the active count
    is the total (its file is held to that, ranges included), so the two cannot swing one at a time."""
    k, e = workload.experts_per_token, workload.experts
    return bool(k and e and k >= e and workload.active_parameters is not None)


def _within_moe_split(workload: Any, path: str, low: float, high: float) -> tuple[float, float]:
    """A default swing of the total or the active parameters kept where the workload stays valid: the
    active parameters at most the total (below it when k of E < E experts run per token: some are idle),
    and with k of E experts per token at least k/E of it (the rule a file's own ranges are held to; a
    swing past it names a workload that cannot exist)."""
    total, active = workload.parameters.value, workload.active_parameters.value if workload.active_parameters else None
    if active is None or total is None:
        return low, high
    k, e = workload.experts_per_token, workload.experts
    share = k / e if k and e and k < e else None
    if path == "workload.parameters":
        low = max(low, math.nextafter(active, math.inf) if share else active)
        if share:
            high = min(high, active / share)
    elif path == "workload.active_parameters":
        high = min(high, math.nextafter(total, 0.0) if share else total)
        if share:
            low = max(low, share * total)
    return low, high


def _read_keys(plan: engine.Plan, base: dict[str, float]) -> set[str]:
    """Flat keys whose value changes this option's effective cost (probed once, vectorized)."""
    keys = [k for k in base if k != "count"]
    n = len(keys)
    size = 2 * n + 1
    p: dict[str, Any] = {k: np.full(size, v) for k, v in base.items()}
    # Two nudges, 1 % and 50 %: a whole-number step (a fleet of ceil(demand / capacity) replicas) can
    # hide the small one, and an input that moves nothing at 50 % is not read.
    for j, k in enumerate(keys, start=1):
        p[k][j] = base[k] * 1.01 + 1e-9
        p[k][n + j] = base[k] * 1.5 + 1e-9
    with np.errstate(all="ignore"):
        out = engine.evaluate_plan(plan, engine.KnownInputs(p), ops=np)
    ref = np.broadcast_to(np.asarray(out["job_cost_usd"], dtype=float), (size,))
    ttm = np.broadcast_to(np.asarray(out["time_to_market_days"], dtype=float), (size,))

    def moved(x: np.ndarray, j: int) -> bool:
        return any(not (x[i] == x[0] or (np.isnan(x[i]) and np.isnan(x[0]))) for i in (j, n + j))

    return {k for j, k in enumerate(keys, start=1) if moved(ref, j) or moved(ttm, j)} | {
        k for k in base if k.startswith("scenario.cost_of_delay") or k.startswith("scenario.deadline")
    }


def linspace(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` evenly spaced points from ``lo`` to ``hi`` as ``lo·(1 − t) + hi·t``, which stays finite for ends
    near the float maximum (``numpy.linspace`` takes ``hi − lo``, which overflows for −1e308 to 1e308)."""
    if math.isfinite(hi - lo):  # numpy's own (exact for whole-number steps)
        return np.linspace(lo, hi, n)
    t = np.linspace(0.0, 1.0, n)
    out = lo * (1.0 - t) + hi * t
    if n:
        out[0], out[-1] = lo, hi
    return out
