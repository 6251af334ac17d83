"""The Python API: everything the CLI does, as functions returning result models.

>>> import tco
>>> inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
>>> [r.accelerator for r in tco.compare(inputs).results]
['a100-80gb', 'mlu370-s4']
"""

from __future__ import annotations

import collections.abc
import contextvars
import dataclasses
import enum
import fractions
import functools
import math
import os
import re
import types
import typing
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from tco import engine, loader, perf, serving
from tco.engine import Option
from tco.errors import (
    InfeasibleError,
    InputError,
    MissingInputError,
    NotFoundError,
    ProblemList,
    TcoError,
    UnknownInputError,
    fold,
    give_with,
    is_bool,
    rounded_down,
    too_large,
    unknown_inputs,
)
from tco.inputs import (
    Inputs,
    Recipe,
    named_option,
    parse_option,
    rental_sets_with_rate,
    runs_on,
    with_quoted_rate,
    with_unknown_rate,
)
from tco.models import (
    ACCELERATOR_MONEY,
    BYTES_PER_PARAM,
    SCENARIO_MONEY,
    Accelerator,
    Acquisition,
    CalibrationRow,
    CalibrationSet,
    Comparison,
    Currency,
    InferenceWorkload,
    OptionStatus,
    PositiveQuantity,
    Quantity,
    Scenario,
    ServingRow,
    ServingSet,
    TrainingWorkload,
    Workload,
)

if TYPE_CHECKING:
    from tco import results
else:

    class _Results:
        """tco.results, imported when a name in it is first read: its 21 result models cost ``tco compare``
        (which returns none of them) a few milliseconds to build, while ``typing.get_type_hints`` on the
        functions below still resolves their return types (``results.SweepRun``)."""

        def __getattr__(self, name: str) -> Any:
            from tco import results as module

            return getattr(module, name)

    results = _Results()

F = TypeVar("F", bound=Callable[..., Any])

COMMAND_LINE = contextvars.ContextVar("tco_command_line", default=False)
"""True while the command line runs: errors keep naming its flags (``--samples``); a Python caller's
errors name the function's arguments (``samples``) instead."""

_FLAG_ARGUMENTS = {
    "--range": "value_range",
    "--params": "parameters",
    "--total-params": "total_parameters",
    "--tokens": "training_tokens",
    "--global-batch": "global_batch_tokens",
    "--top-k": "experts_per_token",
    "--tpot-ms": "time_per_output_token_ms",
    "--ttft-ms": "time_to_first_token_ms",
    "--percentile": "latency_percentile",
}
"""Flags whose argument is not the flag's own name with '-' as '_' (estimate's shape and layout flags:
:func:`_argument_keys` finds them in :data:`ESTIMATE_INPUTS`)."""


LAYOUT_FLAGS = {
    "tensor_parallel": "--tp",
    "pipeline_parallel": "--pp",
    "context_parallel": "--cp",
    "expert_parallel": "--ep",
    "recompute": "--recompute",
}
"""``tco estimate``'s flag for each field of a workload's ``layout``."""

SHAPE_FLAGS = {
    "layers": "--layers",
    "d_model": "--d-model",
    "heads": "--heads",
    "kv_heads": "--kv-heads",
    "head_dim": "--head-dim",
    "ffn_dim": "--ffn-dim",
    "vocab": "--vocab",
}
"""``tco estimate``'s flag for each key of its ``shape``."""

ESTIMATE_INPUTS: dict[str, tuple[str, str]] = {
    "parameters": ("--params", "parameters"),
    "active_parameters": ("--params", "parameters"),
    "seq_len": ("--seq-len", "seq_len"),
    "precision": ("--precision", "precision"),
    "kind": ("--mode", "mode"),
    "accelerator_count": ("--count", "count"),
    "tuning": ("--tuning", "tuning"),
    "global_batch_tokens": ("--global-batch", "global_batch_tokens"),
    "experts": ("--experts", "experts"),
    "experts_per_token": ("--top-k", "experts_per_token"),
    "training_tokens": ("--tokens", "training_tokens"),
    "max_batch": ("--max-batch", "max_batch"),
    "prompt_tokens": ("--prompt-tokens", "prompt_tokens"),
    "output_tokens": ("--output-tokens", "output_tokens"),
    "time_per_output_token_ms": ("--tpot-ms", "time_per_output_token_ms"),
    "time_to_first_token_ms": ("--ttft-ms", "time_to_first_token_ms"),
    "latency_percentile": ("--percentile", "latency_percentile"),
    "shape": (", ".join(SHAPE_FLAGS.values()), "shape"),
    "layout": (", ".join(LAYOUT_FLAGS.values()), "layout"),
    **{f"shape.{k}": (flag, f"shape['{k}']") for k, flag in SHAPE_FLAGS.items()},
    **{f"layout.{k}": (flag, f"layout['{k}']") for k, flag in LAYOUT_FLAGS.items()},
}
"""The workload inputs ``estimate`` takes as its own flags (command line) or arguments (Python): a
workload path -> (flag, argument). Its errors name the flag."""


def _argument_of(flag: str, names: Collection[str]) -> str:
    """The argument a flag's value is given with: ``--set``'s is ``sets`` (load_inputs, estimate) or
    ``overrides`` (load_accelerator, load_workload, load_scenario)."""
    if flag == "--set":
        return next((n for n in ("sets", "overrides") if n in names), "sets")
    return _FLAG_ARGUMENTS.get(flag, flag[2:].replace("-", "_"))


def _argument_keys(exc: TcoError, names: Collection[str]) -> None:
    """Name the function's argument where an error names the flag the command line gives it with."""
    for problem in [exc, *(exc.problems if isinstance(exc, ProblemList) else [])]:
        problem.message = loader.kind_hint_for(problem.message, arguments=names)  # (not -w, -s or ACCEL)
        for attr in ("key", "where"):
            flag = getattr(problem, attr)
            # (the command line's ACCEL argument, and a loader's one reference: load_workload's ref for --workload)
            given = {"ACCEL": ("accelerators", "accelerator", "ref"), "--workload": ("workload", "ref"), "--scenario": ("scenario", "ref")}
            if flag in given and (ref := next((n for n in given[flag] if n in names), None)) is not None:
                setattr(problem, attr, ref)
            elif isinstance(flag, str) and flag.startswith("--"):
                name = _argument_of(flag, names)
                nested = next((arg for f, arg in ESTIMATE_INPUTS.values() if f == flag and "[" in arg), None)
                if name in names:
                    setattr(problem, attr, name)
                elif nested is not None and nested.split("[")[0] in names:  # shape['layers'], layout['tensor_parallel']
                    setattr(problem, attr, nested)
            elif attr == "key" and problem.where is None and isinstance(flag, str) and flag.partition(".")[0] in ("shape", "layout"):
                # a key of the mapping argument no flag gives (a misspelt shape['layerz']): named as the known ones are
                head, _, rest = flag.partition(".")
                if head in names and rest and f"{head}.{rest}" not in ESTIMATE_INPUTS:
                    problem.key = f"{head}[{rest!r}]"

        def argument(m: re.Match[str]) -> str:  # a flag the message mentions, as the caller's argument
            if m.group(0).startswith("'"):
                return m.group(0)  # (text the caller typed, quoted: kept as typed)
            flag = m.group(0)
            name = _argument_of(flag, names)
            nested = next((arg for f, arg in ESTIMATE_INPUTS.values() if f == flag and "[" in arg), None)
            if name in names:
                return name
            return nested if nested is not None and nested.split("[")[0] in names else flag

        sets = _argument_of("--set", names)
        # a suggested --set PATH=VALUE, as the caller gives it: sets=['PATH=VALUE'], or, to a function of inputs
        # loaded already, in the call that loads them
        call = f"{sets}=[{{}}]" if sets in names else "tco.load_inputs(..., sets=[{}])" if "inputs" in names else ""
        if call:
            suggested = re.compile(r"(?<![\w-])--set (?:'([^']*)'|([^\s';,()]+=[^\s';,()]+))")
            problem.message = suggested.sub(functools.partial(_as_sets, call), problem.message)
        if "inputs" in names:  # (a choice's values to compare: the sweep of these inputs, as a scripter calls it)
            problem.message = re.sub(r"tco sweep \.\.\. --vary ([^\s=]+=A,B)", r"tco.sweep(inputs, ['\1'])", problem.message)
        problem.message = re.sub(r"'[^']*'|(?<![\w-])--[a-z][a-z0-9-]*", argument, problem.message)


def _as_sets(call: str, m: re.Match[str]) -> str:
    """A suggested ``--set PATH=VALUE`` (``m``: quoted, group 1, or not, group 2) in a Python ``call`` of its sets."""
    return call.format(f"'{m.group(1) or m.group(2)}'")


def _why(err: Mapping[str, Any]) -> str:
    """Why a public function's argument was refused, in the house's words rather than pydantic's ('Input should be
    a valid integer, got a number with a fractional part'), naming the item of a tuple or list that failed."""
    typ, ctx = err["type"], err.get("ctx") or {}
    item = next((f"item {p}: " for p in reversed(err.get("loc", ())) if isinstance(p, int)), "")
    words = {
        "int_from_float": "not a whole number",
        "int_parsing": "not a whole number",
        "int_type": "not a whole number",
        "float_parsing": "not a number",
        "float_type": "not a number",
        "string_type": "not text",
        "sequence_str": "text is not a list of values (put it in a list)",
        "dict_type": "not a mapping (a dict)",
        "tuple_type": "not a tuple",
        "list_type": "not a list",
        "path_type": "not a path (text or a Path)",
        "finite_number": "not a finite number",
        "string_unicode": "bytes that are not UTF-8 text",
    }
    if typ == "missing":
        return f"too few items (no {item[:-2]})" if item else "too few items"
    if typ in ("too_long", "too_short") and "actual_length" in ctx:
        bound = f"at most {ctx['max_length']}" if typ == "too_long" else f"at least {ctx['min_length']}"
        return f"{ctx['actual_length']} items, expected {bound}"
    if typ == "is_instance_of" and "class" in ctx:
        return f"{item}not a {'list' if ctx['class'] == 'Sequence' else ctx['class']}"
    if typ in words:
        return item + words[typ]
    if typ in ("enum", "literal_error") and isinstance(ctx.get("expected"), str):  # ('FP8' for 'fp8': the spelling to write)
        given = err.get("input")
        same = [a for a in re.findall(r"'([^']*)'", ctx["expected"]) if isinstance(given, str) and a.lower() == given.strip().lower()]
        return f"{item}not {ctx['expected']}" + (f" (write {same[0]!r})" if same else "")
    msg = str(err["msg"])
    return item + msg[:1].lower() + msg[1:]


def public(fn: F) -> F:
    """Check the arguments of a public API function against its annotations before it runs, so a wrong
    type is an InputError naming the argument, never a TypeError or ValueError from deep inside, and
    nothing is silently misread: text is not a list of characters, an iterator is not a list, ``True``
    is not 1. Values are converted where the meaning is plain (``"fp8"`` to Precision.fp8, a path
    text to a Path). An argument of its annotated type passes at the cost of an isinstance check;
    any other goes through pydantic (its validator is built on first use, ~1 ms)."""
    import functools
    import inspect

    signature = inspect.signature(fn)
    hints: dict[str, Any] = {}
    adapters: dict[str, Any] = {}

    def hint_of(name: str) -> Any:
        if name not in hints:
            annotation = signature.parameters[name].annotation
            hints[name] = eval(annotation, fn.__globals__) if isinstance(annotation, str) else annotation  # noqa: S307 - our own
        return hints[name]

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:  # a missing, unknown or repeated argument
            raise InputError(f"{fn.__name__}(): {exc}", key="arguments") from None
        for name, value in bound.arguments.items():
            param = signature.parameters[name]
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or param.annotation is param.empty:
                continue
            hint = hint_of(name)
            if not _mentions(hint, list) and (listed := _arrays_as_lists(value)) is not value:
                value = bound.arguments[name] = listed
            if _mentions(hint, Path) and (pathed := _path_likes_as_paths(value)) is not value:
                value = bound.arguments[name] = pathed
            if _mentions(hint, Path) and not _mentions(hint, str) and (blank := _blank_text(value, hint)) is not None:
                # (Path('') is Path('.'): a blank entry would search the working folder unasked)
                why = "a blank path (write '.' for the working folder)"
                raise InputError(f"expected {_spelled(param.annotation)}, got {blank!r}: {why}", key=name)
            if (n := _count_values(value)) > MAX_ARGUMENT_VALUES:
                raise InputError(f"{n:,} values, more than the {MAX_ARGUMENT_VALUES:,} one call takes", key=name)
            # True is not 1, at any depth; where any value is taken (an override's), the field it sets decides
            if not _mentions(hint, bool) and not _mentions(hint, Any) and (flag := _bool_inside(value)) is not None:
                raise InputError(f"expected {_spelled(param.annotation)}, got {flag!r}", key=name)
            if (huge := _huge_inside(value)) is not None:
                raise InputError(f"expected {_spelled(param.annotation)}, got {huge}", key=name)
            # (a Decimal or Fraction no float holds; an override's value is the loader's to judge, naming its field)
            if not _mentions(hint, Any) and (near := _inside(value, _past_the_floats)) is not None:
                raise InputError(f"expected {_spelled(param.annotation)}, got {_shown(near[0])}: {near[1]}", key=name)
            if isinstance(value, (set, frozenset)) and _mentions(hint, tuple):
                # (pydantic makes a tuple of a set in its iteration order: a pair such as ``vs`` read one way or the
                # other as the texts' hashes fall, which differ from one process to the next)
                raise InputError(f"expected {_spelled(param.annotation)}, got {_shown(value)}: a set has no order, give a tuple", key=name)
            if _mentions(hint, list) and not isinstance(value, list) and value is not None:
                # a list parameter is one the function appends to (``skipped``): a copy would lose what it appends
                raise InputError(f"expected a list for the function to append to, or None; got {_shown(value)}", key=name)
            if isinstance(value, Inputs):
                value.check_models()
            if _plain(hint, value):
                continue
            if _mentions(hint, Inputs):
                raise InputError(f"expected Inputs (from tco.load_inputs), got {type(value).__name__}", key=name)
            if _mentions(hint, Callable):
                raise InputError(f"expected a function or None, got {_shown(value)}", key=name)
            if isinstance(value, bool):
                raise InputError(f"expected {_spelled(param.annotation)}, got {value!r}", key=name)
            if hint is bool and is_bool(value):  # numpy's bool (an array's element, np.True_) is the bool it holds
                bound.arguments[name] = bool(value)
                continue
            if hint is bool:  # 'yes' or 1 is not read as True
                raise InputError(f"expected True or False, got {_shown(value)}", key=name)
            from pydantic import ConfigDict, TypeAdapter

            if name not in adapters:
                adapters[name] = TypeAdapter(hint, config=ConfigDict(arbitrary_types_allowed=True))
            try:
                new = adapters[name].validate_python(value)
            except ValidationError as exc:
                first = exc.errors()[0]
                # (a numpy integer past 2**63 is an int: the function's own check says its range, as for a Python int or
                # a Decimal; any other number there is no 'input string' pydantic could not parse)
                big = first["type"] == "int_parsing_size"
                new = _numpy_integer(value) if big and _mentions(hint, int) else None
                if new is None:
                    why = "past the 64-bit integers (at most 9,223,372,036,854,775,807)" if big else _why(first)
                    raise InputError(f"expected {_spelled(param.annotation)}, got {_shown(value)}: {why}", key=name) from None
            except RecursionError:  # (an enum's own message reprs the value)
                raise InputError(f"expected {_spelled(param.annotation)}, got {type(value).__name__} nested too deeply", key=name) from None
            if (huge := _huge_inside(new)) is not None:  # (a Decimal of 4,001 digits as an int)
                raise InputError(f"expected {_spelled(param.annotation)}, got {_shown(value)}: {huge}", key=name)
            if not _same(new, value):  # converted; an equal value of the same types stays the caller's object
                bound.arguments[name] = new
        with warnings.catch_warnings():
            # numpy's overflow and invalid-value notices: infinite and unknown values propagate by design
            # and are reported in the results (as the command line does)
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                return fn(*bound.args, **bound.kwargs)
            except TcoError as exc:
                if not COMMAND_LINE.get():
                    _argument_keys(exc, signature.parameters)
                raise

    return checked  # type: ignore[return-value]


def _same(new: Any, value: Any) -> bool:
    """Whether pydantic's conversion ``new`` is the caller's ``value`` as it was: equal, and of the same type at
    every level. A mapping of numpy integers equals the mapping of ints it converts to (``{'tensor_parallel':
    np.int64(2)} == {'tensor_parallel': 2}``), and only the converted one is read as whole numbers downstream."""
    if type(new) is not type(value):
        return False
    if isinstance(new, Mapping):
        return new.keys() == value.keys() and all(_same(new[k], value[k]) for k in new)
    if isinstance(new, (list, tuple)):
        return len(new) == len(value) and all(_same(a, b) for a, b in zip(new, value, strict=True))
    return bool(new == value)


def _plain(hint: Any, value: Any) -> bool:
    """Whether ``value`` already is of the annotated type (no conversion, no check needed): the common
    case of every call, decided without pydantic."""
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_plain(a, value) for a in args)
    if origin is collections.abc.Callable or hint is collections.abc.Callable:
        return callable(value)
    if origin in (collections.abc.Sequence, list) and isinstance(value, (list, tuple)):
        return all(_plain(args[0], v) for v in value) if args else True
    if origin is tuple and isinstance(value, tuple):
        return len(value) == len(args) and all(_plain(a, v) for a, v in zip(args, value, strict=True))
    if origin in (collections.abc.Mapping, dict) and isinstance(value, dict):
        return all(_plain(args[0], k) and _plain(args[1], v) for k, v in value.items()) if args else True
    if origin is not None or not isinstance(hint, type):
        return False
    if isinstance(value, bool):
        return hint is bool
    if hint is float:
        return isinstance(value, (int, float))
    if issubclass(hint, enum.Enum) or hint in (int, str, Path) or hint is Inputs:
        return isinstance(value, hint)
    return False


def _inside(value: Any, found: Callable[[Any], Any], depth: int = 0) -> Any:
    """The first answer other than None that ``found`` gives for ``value`` or its items (two levels: a range's
    ends, a shape's values); None if none."""
    here = found(value)
    if here is not None:
        return here
    items = value.values() if isinstance(value, Mapping) else value if isinstance(value, (list, tuple)) else ()
    for item in items if depth < 2 else ():
        below = _inside(item, found, depth + 1)
        if below is not None:
            return below
    return None


def _bool_inside(value: Any) -> Any:
    """A bool in ``value`` or in its items; None if none."""
    return _inside(value, lambda v: v if is_bool(v) else None)


_HUGE = 10**4000
"""An integer this large (4,001 digits and more) is past any input, and Python refuses to print one of more than
4,300 digits (``str()`` raises ValueError): such a value is refused before any message would show it."""


def _huge(value: Any) -> str | None:
    """How a huge integer (a Fraction's numerator or denominator too) is named in a message; None for any other value."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _HUGE:
        return "a 4,000+-digit integer"
    if isinstance(value, fractions.Fraction) and max(abs(value.numerator), value.denominator) >= _HUGE:
        return "a Fraction of 4,000+-digit integers"
    return None


def _past_the_floats(value: Any) -> tuple[Any, str] | None:
    """(``value``, why) for a Decimal or Fraction that reads as no float of its own: past the largest (a Fraction's
    float() overflows; a Decimal's reads as inf, refused as infinite later) or so close to 0 that it reads as 0, which
    a bound would then refuse as the 0 it is not; None for any other value."""
    import decimal

    if isinstance(value, decimal.Decimal):
        if not value.is_finite():  # (inf and nan: refused as not finite where they are read)
            return None
    elif not isinstance(value, fractions.Fraction):
        return None
    try:
        as_float = float(value)
    except OverflowError:
        return value, "past the largest float (1.8e308)"
    if as_float == 0 and value != 0:
        return value, "too close to 0 for a float (it reads as 0): give a number of at least 1e-300 in size"
    return None


def _numpy_integer(value: Any) -> int | None:
    """A numpy integer (``np.uint64(2**63)``) as an int; None for any other value."""
    import numbers

    return int(value) if isinstance(value, numbers.Integral) and not isinstance(value, int) and not is_bool(value) else None


def _huge_inside(value: Any) -> str | None:
    """How a huge integer in ``value`` or in its items is named in a message; None if none."""
    found: str | None = _inside(value, _huge)
    return found


def _mentions(hint: Any, kind: Any) -> bool:
    return hint is kind or typing.get_origin(hint) is kind or any(_mentions(a, kind) for a in typing.get_args(hint))


def _spelled(hint: Any) -> str:
    text = str(hint).replace("collections.abc.", "").replace("pathlib.", "").replace("typing.", "")
    return text.replace("tco.models.", "").replace("NoneType", "None")


def _numpy_scalar(value: Any) -> bool:
    return type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0 and hasattr(value, "item")


def _shown(value: Any) -> str:
    import reprlib

    class Plain(reprlib.Repr):
        """A numpy scalar as the Python value it holds, inside a list or a mapping too (``{'scenario.market':
        ['china']}``, not ``[np.str_('china')]``): numpy 1 and 2 write np.float64(1e+300) differently."""

        def repr1(self, x: Any, level: int) -> str:
            return super().repr1(x.item() if _numpy_scalar(x) else x, level)

    short = Plain()  # (a list nested 1,000 deep too)
    short.maxlevel, short.maxstring, short.maxother = 3, 60, 60
    text = short.repr(value)
    return f"{type(value).__name__} {text[:40]}" + ("..." if len(text) > 40 else "")


MAX_ARGUMENT_VALUES = 1_000_000
"""Values in one argument of a public function (a list, a mapping, or a mapping's lists): counted before
each is checked, so an oversized what-if is refused at once, not after checking every value."""


def _is_array(value: Any) -> bool:
    return type(value).__name__ == "ndarray" and type(value).__module__ == "numpy"


def _arrays_as_lists(value: Any) -> Any:
    """A numpy array given where a sequence is taken (``np.linspace`` as a what-if's values), at the top or as a
    mapping's value or as the value of a (path, value) pair (an override's: ``('aliases', np.array(['a']))``), as the
    list it holds, which is then checked as any list is; anything else as it is (numpy is not imported to tell)."""
    if _is_array(value):
        return value.tolist()
    if isinstance(value, Mapping) and any(_is_array(v) for v in value.values()):
        return {k: v.tolist() if _is_array(v) else v for k, v in value.items()}
    if isinstance(value, (list, tuple)) and any(_array_pair(p) for p in value):
        return type(value)((p[0], p[1].tolist()) if _array_pair(p) else p for p in value)
    return value


def _array_pair(item: Any) -> bool:
    return isinstance(item, (list, tuple)) and len(item) == 2 and _is_array(item[1])


def _path_likes_as_paths(value: Any) -> Any:
    """An ``os.PathLike`` that is not a Path (a path type of another library) given where a path is taken, alone
    or in a list or tuple, as the Path of its ``os.fspath``, which is then checked as any path is; anything else,
    and an object whose ``__fspath__`` gives no text, as it is (refused by the check, as before)."""

    def one(v: Any) -> Any:
        if not isinstance(v, os.PathLike) or isinstance(v, Path):
            return v
        try:
            return Path(os.fsdecode(os.fspath(v)))
        except (TypeError, ValueError):
            return v

    if isinstance(value, (list, tuple)) and any(one(v) is not v for v in value):
        return type(value)(one(v) for v in value)
    return one(value)


def _blank_text(value: Any, hint: Any) -> str | None:
    """The first blank text (``''``, ``'  '``) among the items of a list or tuple ``value``, or ``value`` itself
    where ``hint`` takes no sequence (text given for a list is refused as that, blank or not), else None."""
    if isinstance(value, (list, tuple)):
        items: Sequence[Any] = value
    else:
        items = () if _mentions(hint, collections.abc.Sequence) else (value,)
    for v in items:
        if isinstance(v, (str, bytes)) and not v.strip():
            return v.decode(errors="replace") if isinstance(v, bytes) else v
    return None


def _count_values(value: Any) -> int:
    if isinstance(value, Mapping):  # a mapping's lists count their values (not the key too), any other value one
        return sum(len(v) if isinstance(v, (list, tuple)) else 1 for v in value.values())
    return len(value) if isinstance(value, (list, tuple)) else 0


load_accelerator = public(loader.load_accelerator)
load_workload = public(loader.load_workload)
load_scenario = public(loader.load_scenario)

MAX_OPTIONS = 100
"""Options in one run: a report of 40 takes about a minute on a 2-core machine, of 200 five (its
break-even, tornado and Monte Carlo grow with the options); a market has a few dozen parts."""

MFU_WARNING = 0.75
"""A measurement implying more MFU than this is implausible (issue: plausibility checks)."""


@contextmanager
def attributed(inputs: Inputs) -> Iterator[None]:
    """Re-label errors that name an input by id (the engine knows no files) with that input's file; an
    error that names no key also lists the --set changes to that input and to the shared scenario and
    workload (they may be the cause)."""
    try:
        yield
    except TcoError as exc:
        ids = [o.accelerator.id for o in inputs.options]
        set_paths = {_canonical_set_path(inputs, s.split("=", 1)[0].strip()) for s in inputs.sets}
        for problem in [exc, *(exc.problems if isinstance(exc, ProblemList) else [])]:
            # (an error about an option, ID@N, is about its part's inputs)
            label = next((o.accelerator.id for o in inputs.options if o.label == problem.where and o.label != o.accelerator.id), None)
            if label is not None and problem.key is None and isinstance(problem, MissingInputError):
                # (an option that lacks its part's inputs, ID@N or ID:rent, is named by its part's file, as ID is: the
                # file is where the missing value goes, and the message names each input in full)
                problem.where = label
            scope = "workload" if problem.where == inputs.workload.id else label or problem.where

            def set_path(key: str, scope: str | None = scope) -> str | None:
                """The --set path that wrote ``key`` (of the problem's scope, or a full workload./scenario. path, or an
                option's part's ``ID.field`` named by an error about the workload)."""
                full = key if key.startswith(("workload.", "scenario.")) or _a_parts_input(key, scope) else f"{scope}.{key}"

                def writes(sp: str) -> bool:  # (a quantity's range, source or note leaves its value as it was)
                    inside = sp.startswith(full + ".") and sp[len(full) + 1 :].split(".")[0] in loader.ABOUT_A_VALUE
                    return sp == full or (sp.startswith((full + ".", full + "[")) and not inside) or full.startswith((sp + ".", sp + "["))

                return next((sp for sp in sorted(set_paths) if writes(sp)), None)

            def _a_parts_input(key: str, scope: str | None) -> bool:
                """``key`` is ``ID.field`` of an option's part in an error about the workload (not a workload field)."""
                head = key.split(".", 1)[0]
                return scope == "workload" and "." in key and head in ids and head not in type(inputs.workload).model_fields

            # (an error about what a flag gave, --vary or --param, stays that flag's even where --set names the path)
            flag = isinstance(problem.where, str) and problem.where.startswith("--")
            blamed = None if flag else next((k for k in (problem.key, *problem.also) if k is not None and set_path(k)), None)
            if blamed is not None:
                # The value the error is about came from --set, not from the file: blame the --set.
                cross = blamed.startswith(("workload.", "scenario.")) or _a_parts_input(blamed, scope)
                problem.where, problem.key = "--set", set_path(blamed) if cross else f"{scope}.{blamed}"
            elif (own := _users_workload_key(inputs, problem)) is not None:
                # A shipped part cannot be at fault for what the user's own workload file writes: blame the file.
                top = inputs.sources[inputs.workload.id]
                (problem.where, problem.key), extended = own, "" if own[0] == top else f" (extended by {top})"
                problem.message += extended
            elif (
                problem.where is not None
                and problem.where in inputs.sources
                and _a_choice(problem)
                and loader.is_builtin(Path(inputs.sources[problem.where]))
            ):
                # A shipped part that may not be bought here, or not train or serve: the option was the choice, the
                # profile is right (a user's own profile is named, its table may be what is wrong).
                problem.where, problem.key = None, "accelerator"
            elif (scenario_key := _users_scenario_key(inputs, problem)) is not None:
                # A shared input that the workload's own file does not write, written by the user's scenario file.
                problem.where, problem.key = scenario_key
            elif problem.where is not None and problem.where in inputs.sources:
                file = inputs.sources[problem.where]
                if problem.where == "scenario" and problem.key is not None and problem.also:
                    file, problem.key = _key_the_file_writes(file, problem.key, problem.also)
                    problem.message += f" (extended by {inputs.sources['scenario']})" if file != inputs.sources["scenario"] else ""
                if problem.key is None:
                    scopes = (problem.where, "scenario", "workload")  # the option's own inputs, and the shared ones
                    changed = [s.strip() for s in inputs.sets if loader.split_scope(s.split("=", 1)[0].strip(), ids)[0] in scopes]
                    if isinstance(problem, MissingInputError):
                        # (an unknown input's error names its cause, the inputs it lacks: a --set is one only where it
                        # wrote one of them, not a market or a PUE set beside it)
                        changed = [
                            s for s in changed if _names_path(problem.message, _canonical_set_path(inputs, s.split("=", 1)[0].strip()))
                        ]
                    if changed:
                        problem.message += f" (with --set {', '.join(changed)})"
                problem.where = file
        raise


def _names_path(message: str, path: str) -> bool:
    """Whether ``message`` names the input ``path`` (or a path inside it) as a whole word, in any case."""
    return re.search(rf"(?<![\w.-]){re.escape(path.lower())}(?![\w-])", message.lower()) is not None


def _canonical_set_path(inputs: Inputs, path: str) -> str:
    """A ``--set`` path in the spelling errors use: the scope ``scenario``/``workload`` in lower case, an
    option's alias or id in any case as its id (``A100.memory_gb`` is ``a100-80gb.memory_gb``)."""
    scope, rest = _set_scope(inputs, path)
    return f"{scope}.{rest}"


def _set_scope(inputs: Inputs, path: str) -> tuple[str, str]:
    """(scope, rest) of a ``--set`` path, the scope spelled as :func:`_canonical_set_path` spells it
    (``scenario``, ``workload``, an option's id; else as written: it names no option)."""
    names = [n for o in inputs.options for n in (o.accelerator.id, *o.accelerator.aliases)]
    scope, rest = loader.split_scope(path, names)
    low = fold(scope)
    if low in ("scenario", "workload"):
        return low, rest
    # (an option's own id wins over another's alias of the same spelling, as it does in load_inputs)
    owner = next((o.accelerator.id for o in inputs.options if low == o.accelerator.id.lower()), None)
    if owner is None:
        owner = next((o.accelerator.id for o in inputs.options if low in {a.lower() for a in o.accelerator.aliases}), None)
    if owner is None and loader.looks_like_path(scope) and "\0" not in scope:  # a profile named by its file, in any spelling
        try:
            file = Path(inputs.at_load(scope)).resolve()  # (the inputs' --set items were written in the folder of the load)
            owner = next((i for i, src in inputs.loaded_sources().items() if src != "-" and Path(src).resolve() == file), None)
        except (OSError, RuntimeError):  # (a symlink loop: the path names no profile)
            owner = None
    return (owner, rest) if owner is not None else (scope, rest)


def _key_the_file_writes(source: str, key: str, also: Sequence[str]) -> tuple[str, str]:
    """Of an error's key and the other inputs it names as causes, the first a user's file of the scenario's chain
    writes, with that file (a file that extends the default and changes one of them is about that one), else the
    scenario's file and the key."""
    for k in (key, *also):
        if k.startswith("workload."):
            continue
        name = k.removeprefix("scenario.")
        writer = loader.writer_of(Path(source), name)
        if writer is not None and not loader.is_builtin(writer):
            return str(writer), name
    return source, key


def _users_scenario_key(inputs: Inputs, problem: TcoError) -> tuple[str, str] | None:
    """(the user's scenario file, key) for an error about the workload whose key no user's workload file
    writes while a scenario input it names as a cause is written by a user's scenario file; else None."""
    if problem.where != inputs.workload.id or problem.key is None or "scenario" not in inputs.sources:
        return None
    wl_source = inputs.sources.get(inputs.workload.id)
    writer = loader.writer_of(Path(wl_source), problem.key) if wl_source is not None else None
    if writer is not None and not loader.is_builtin(writer):
        return None
    for k in problem.also:
        if k.startswith("scenario."):
            found = loader.writer_of(Path(inputs.sources["scenario"]), k.removeprefix("scenario."))
            if found is not None and not loader.is_builtin(found):
                return str(found), k.removeprefix("scenario.")
    return None


def _a_choice(problem: TcoError) -> bool:
    """An error about the part's market or its use (training, serving): about the user's choice of option."""
    key = problem.key or ""
    return isinstance(problem, InfeasibleError) and (key.startswith("availability.") or key in ("can_train", "can_serve"))


def _users_workload_key(inputs: Inputs, problem: TcoError) -> tuple[str, str] | None:
    """The user's file and key that a shipped part's misfit is about (``parameters``, ``seq_len``, ...: the
    first of the problem's workload inputs a user's file of the workload's ``extends`` chain writes, with the
    file that writes it), or None: the part is not shipped, or no user's file writes any of them."""
    wl_source = inputs.sources.get(inputs.workload.id)
    part = inputs.sources.get(problem.where) if problem.where is not None and problem.where != inputs.workload.id else None
    if wl_source is None or part is None or not problem.also or not loader.is_builtin(Path(part)):
        return None
    for k in problem.also:
        key = k.removeprefix("workload.")
        writer = loader.writer_of(Path(wl_source), key)
        if writer is not None and not loader.is_builtin(writer):
            return str(writer), key
    return None


NOT_JOB = frozenset({"id", "name", "description", "source", "stages"} | {k.removeprefix("workload.") for k in engine.NOT_PERFORMANCE})
"""Workload fields that name the job or say how much and how long (:data:`tco.engine.NOT_PERFORMANCE`),
not what one step computes (later stages are not what a published run measured)."""


def _job_of(workload: Workload) -> Any:
    """What the performance model reads of a workload: its fields but :data:`NOT_JOB`, each quantity
    by its value (a range or a source is no other job)."""

    def values(v: Any) -> Any:
        if isinstance(v, dict):
            return values(v["value"]) if "value" in v and "source" in v else {k: values(x) for k, x in v.items()}
        return [values(x) for x in v] if isinstance(v, list) else v

    return values(workload.model_dump(exclude=set(NOT_JOB)))


def _carried_runs(options: list[Option], workload: str, changed: Workload, dirs: Sequence[Path] | None) -> list[Option]:
    """The options with the workload as its file defines it, where --set changed its job: a published run
    of a part on it describes that job, so the engine carries the run from it. A file that only --set
    makes whole (a required key, a length that needs another) defines no job a run was measured on: the
    run is not used, and the changed job is derived."""
    try:
        as_file = loader.load_workload(workload, dirs=dirs)
    except TcoError:

        def without_run(acc: Accelerator) -> Accelerator:
            return acc.model_copy(update={"benchmarks": [b for b in acc.benchmarks if b.workload != changed.id]})

        return [dataclasses.replace(o, accelerator=without_run(o.accelerator)) for o in options]
    if _job_of(as_file) == _job_of(changed):
        return options
    return [dataclasses.replace(o, workload_as_measured=as_file) for o in options]


def audit(inputs: Inputs | None = None, **arguments: Any) -> dict[str, Any]:
    """The inputs block of every JSON result: what was run on which files (SHA-256 of each), with every
    --set, so a result can be reproduced and audited."""
    out: dict[str, Any] = {"command": arguments.pop("command", None)}
    if inputs is not None:
        out["options"] = [o.label for o in inputs.options]
        if inputs.left_out:
            out["left_out"] = dict(inputs.left_out)
        out["workload"] = inputs.workload.id
        out["tuning"] = inputs.workload.tuning.value  # what derived throughput assumes (software or serving engine)
        out["scenario"] = inputs.scenario.id
        out["sets"] = list(inputs.sets)
        out["files"] = audit_files(inputs.sources)
    out.update({k: v for k, v in arguments.items() if v is not None})
    for axis in arguments.get("vary") or ():  # (a sweep over the tuning level: the levels its rows span, not the base's)
        path, _, values = str(axis).partition("=")
        if inputs is not None and path.strip() == "workload.tuning":
            out["tuning"] = [v.strip() for v in values.split(",") if v.strip()]
    return out


def audit_files(sources: Mapping[str, str]) -> dict[str, Any]:
    """Each input file of a run, as the audit trail gives it: its path and the SHA-256 of the bytes read,
    with the files its ``extends`` started from."""
    import hashlib  # only JSON results carry the audit: kept off the table path's start-up

    def entry(path: Path) -> dict[str, Any]:
        data, _ = loader.as_read(path)
        if data is None and str(path) != loader.STDIN:
            try:
                data = path.read_bytes()
            except OSError:
                data = None
        return {"path": loader.shown_path(path), "sha256": hashlib.sha256(data).hexdigest() if data is not None else None}

    files = {}
    for key, path in sorted(sources.items()):
        files[key] = entry(Path(path))
        chain = loader.as_read(Path(path))[1]
        if chain:  # the files its `extends` started from, each hashed as read
            files[key]["extends"] = [entry(Path(p)) for p in chain]
    return files


def ref_names(ref: str, dirs: Sequence[Path] | None, *, aliases: bool = True) -> set[str]:
    """The names a ``--set`` scope may give an option by: how it was given, its file's spellings, its id
    and (with ``aliases``) its aliases."""
    path = loader.resolve("accelerators", ref, dirs)
    raw = loader.read_toml(path)
    if "aliases" not in raw and "extends" in raw:  # (a copy of the profile it extends answers to its aliases)
        raw = loader.read_with_extends("accelerators", path, dirs)
    names = {ref}
    if loader.looks_like_path(ref):  # (a path scopes a --set in any spelling of the file: ./x.toml, x.toml, absolute)
        names.update({str(path), str(path.resolve())})
    if isinstance(raw.get("id"), str):
        names.add(raw["id"])
    listed = raw.get("aliases") if aliases else None
    names.update(a for a in (listed if isinstance(listed, list) else []) if isinstance(a, str))
    return names


@public
def load_inputs(
    accelerators: Sequence[str | Path],
    *,
    workload: str | Path,
    scenario: str | Path | None = None,
    sets: Sequence[str] = (),
    dirs: Sequence[Path] | None = None,
) -> Inputs:
    """Load and validate the options (``ID[@COUNT][:rent]``), the workload and the scenario, with ``--set``
    overrides. Each of the three may be an id or a profile file's path (text or a Path)."""
    with loader.one_scan():  # (the search path's folders are read once, not at each of the run's lookups)
        return _load_inputs(accelerators, workload=workload, scenario=scenario, sets=sets, dirs=dirs)


def _load_inputs(
    accelerators: Sequence[str | Path],
    *,
    workload: str | Path,
    scenario: str | Path | None,
    sets: Sequence[str],
    dirs: Sequence[Path] | None,
) -> Inputs:
    if not accelerators or isinstance(accelerators, (str, Path)):
        raise InputError("name at least one accelerator, as a list of ids", key="accelerator")
    texts = [str(a) for a in accelerators]
    workload, scenario = str(workload), None if scenario is None else str(scenario)
    for name, value in (("workload", workload), ("scenario", scenario)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"expected an id or a file path, got {type(value).__name__}", key=name)
    if [*texts, workload, scenario].count(loader.STDIN) > 1:
        raise InputError("standard input holds one file: read one of the profiles, the workload or the scenario from '-'", key="-")
    if any(not isinstance(a, str) for a in texts) or isinstance(sets, str) or any(not isinstance(x, str) for x in sets):
        raise InputError("expected accelerators and sets as lists of text", key="accelerator")
    if len(texts) > MAX_OPTIONS:
        raise InputError(f"at most {MAX_OPTIONS} options in one run, got {len(texts):,}", key="accelerator")
    parsed = [parse_option(a) for a in texts]
    names = {o.ref: ref_names(o.ref, dirs) for o in parsed}
    # An alias of one option that is another profile's own name (its id, or as given) names that one only
    # (two options of one profile, given by alias and by id, share their names).
    own = {ref: ref_names(ref, dirs, aliases=False) for ref in names}
    for ref in names:
        others = {n.lower() for r, ns in own.items() if r != ref and not ns & own[ref] for n in ns}
        names[ref] = {n for n in names[ref] if n in own[ref] or n.lower() not in others}
    all_names = sorted({n for ns in names.values() for n in ns})
    loader.refuse_repeated_sets(sets, names.values())
    per_scope, w_sets, s_sets = loader.group_overrides(list(sets), all_names)
    for scope, pairs in per_scope.items():
        for path, value in pairs:
            if path == "count":  # the count is part of the option, not of the profile
                whole = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value == int(value)
                how = (
                    f"write {scope}@{int(value)} instead" if whole and value >= 1 else f"write {scope}@N (N a whole number of accelerators)"
                )
                raise InputError(f"a count is part of the option: {how}", where="--set", key=f"{scope}.count")
    wl = loader.load_workload(workload, overrides=w_sets, dirs=dirs)
    sc = loader.load_scenario(scenario, overrides=s_sets, dirs=dirs)
    dropped = _dropped_currencies("scenario", s_sets, SCENARIO_MONEY, lambda: loader.load_scenario(scenario, dirs=dirs))
    sources = {
        wl.id: str(loader.resolve("workloads", workload, dirs)),
        "scenario": str(loader.resolve("scenarios", scenario or loader.DEFAULT_SCENARIO, dirs)),
    }
    options: list[Option] = []
    cache: dict[str, Accelerator] = {}
    published: dict[str, Accelerator] = {}
    server_set: set[str] = set()  # (refs whose server overhead factor a --set changed)
    for ref, count, acq, rate in parsed:
        if rate is not None and any(loader.gives_rental_rate(path, value) for n in names[ref] for path, value in per_scope.get(n, [])):
            raise InputError(
                f"'{ref}:rent={rate:.15g}' quotes a rate and --set {ref}.rental.usd_per_hour gives another: give it once",
                key="accelerator",
            )
        if ref not in cache:
            ov = [o for n in sorted(names[ref]) for o in per_scope.get(n, [])]
            if any(path.startswith("rental.") for path, _ in ov):  # (a rate for a rental table the profile lacks)
                ov = rental_sets_with_rate(loader.load_accelerator(ref, dirs=dirs).rental is not None, ov)
            cache[ref] = loader.load_accelerator(ref, overrides=ov, dirs=dirs)
            if any(path.startswith("server_overhead_factor") for path, _ in ov):
                server_set.add(ref)
            dropped += _dropped_currencies(ref, ov, ACCELERATOR_MONEY, functools.partial(loader.load_accelerator, ref, dirs=dirs))
            # A part whose hardware --set changed keeps the profile as published: its measurements describe that part.
            changed = any(not path.startswith(("benchmarks", "price", "rental", "name", "source", "note")) for path, _ in ov)
            if changed and cache[ref].benchmarks:
                published[ref] = loader.load_accelerator(ref, dirs=dirs)
        acc = cache[ref]
        path = str(loader.resolve("accelerators", ref, dirs))
        if acc.id in sources and Path(sources[acc.id]).resolve() != Path(path).resolve():
            raise InputError(
                f"two different profiles have the id '{acc.id}' ({sources[acc.id]} and {path}): "
                "give the copy its own id so the results can tell them apart",
                where=_the_copy(path, sources[acc.id]),
                key="id",
            )
        sources[acc.id] = path
        part = with_quoted_rate(acc, rate) if rate is not None else with_unknown_rate(acc) if acq is Acquisition.rent else acc
        options.append(Option(part, count, acq, rate, published.get(ref)))
    # An alias two profiles of the run share (a copy that kept the original's) names neither: a --set
    # through it would change both.
    for item in sets:
        scope = fold(item.split("=", 1)[0].strip().split(".", 1)[0])
        owners = sorted({o.accelerator.id for o in options if scope in {a.lower() for a in o.accelerator.aliases}})
        if len(owners) > 1 and scope not in {o.accelerator.id.lower() for o in options}:
            raise InputError(
                f"'{scope}' is an alias of {' and '.join(owners)}, which this run compares: give the id of the one to change",
                where="--set",
                key=item.split("=", 1)[0].strip(),
            )
    if w_sets and any(o.accelerator.benchmark_for(wl.id) for o in options):
        options = _carried_runs(options, workload, wl, dirs)
    # ('a100-80gb' and 'a100-80gb@8' for a job of 8 are two options: a sweep of the job's count moves only the first)
    seen: dict[str, str] = {}
    for text, option in zip(texts, options, strict=True):
        if option.label in seen:
            raise InputError(f"'{seen[option.label]}' and '{text}' name the same option ({option.label}): give it once", key="accelerator")
        seen[option.label] = text
    # (a published run is judged on the job it was measured on, the file's, not on a --set change of it)
    measured_on = next((o.workload_as_measured for o in options if o.workload_as_measured is not None), wl)
    # (and on the part it was measured on, the profile before --set: a what-if of another part is no verdict on the run)
    warnings = [
        w
        for ref, acc in cache.items()
        for w in (*profile_warnings(acc, server_set=ref in server_set), *benchmark_warnings(published.get(ref, acc), measured_on))
    ]
    warnings += dropped
    warnings += loader.unlaid_folders() if dirs is None else []  # (a TCO_PROFILE_PATH entry that gives nothing)
    for _, path in sorted(sources.items()):  # (a quantity an extending file's table left without its value)
        warnings += loader.emptied_quantities(Path(path))
    gap = engine.shape_count_gap(wl)  # (a count the shape disagrees with: the memory plan is the shape's, the FLOPs the count's)
    if gap is not None:
        warnings.append(f"{wl.id}: {gap}")
    warnings += [f"{wl.id}: {past}" for past in engine.batch_past_tokens(wl)]  # (a batch no run of this length takes)
    set_paths = {item.split("=", 1)[0].strip() for item in sets}
    warnings += [f"{wl.id}: {unread}" for unread in engine.unread_step_choices(wl, set_paths)]  # (beside a final MFU)
    builtin = loader.builtin_dir().resolve()
    # (a file named by its path shadows nothing: the search path, TCO_PROFILE_PATH first, is not searched for it)
    typed_as = {wl.id: workload, "scenario": scenario or loader.DEFAULT_SCENARIO}
    typed_as.update({o.accelerator.id: ref for o, (ref, *_) in zip(options, parsed, strict=True)})
    for key, path in sorted(sources.items()):
        p = Path(path).resolve()
        kind = p.parent.name
        same = (builtin / kind / p.name).is_file() or (builtin / kind / f"{key}.toml").is_file()
        if loader.looks_like_path(typed_as.get(key, "")) or typed_as.get(key) == loader.STDIN:
            continue
        if builtin not in p.parents and kind in ("accelerators", "workloads", "scenarios") and same:
            warnings.append(f"{key}: {path} shadows the built-in {kind[:-1]} of the same name (TCO_PROFILE_PATH comes first)")
    # (a user profile that takes a shipped part's alias answers to it: the name now means another part)
    # (the alias as typed for this option: one typed for another option named another part, the built-in)
    for o, (text, *_) in zip(options, parsed, strict=True):
        alias = text if fold(text) in {a.lower() for a in o.accelerator.aliases} else None
        if alias is not None and not loader.is_builtin(Path(sources.get(o.accelerator.id, ""))):
            owner = loader.builtin_alias_owner(alias)
            if owner is not None and owner != o.accelerator.id and not any(alias in w for w in warnings):
                warnings.append(
                    f"{alias}: the alias names {o.accelerator.id} ({sources[o.accelerator.id]}), not the built-in {owner} "
                    "whose alias it also is (TCO_PROFILE_PATH comes first)"
                )
    # (an id typed for one option that another option of the run takes as an alias: the id comes first, so the
    # name never reaches that option, which 'tco profiles validate' says of its file but the run did not)
    for o, (text, *_) in zip(options, parsed, strict=True):
        if fold(text) != o.accelerator.id.lower():
            continue
        aliased = (p for p in options if fold(text) in {a.lower() for a in p.accelerator.aliases})
        other = next((p for p in aliased if p.accelerator.id != o.accelerator.id), None)
        if other is not None:
            warnings.append(
                f"{text}: names {o.accelerator.id}, not {other.accelerator.id} ({sources.get(other.accelerator.id, 'its profile')}) "
                "whose alias it also is: an id comes first, so the alias never names that profile"
            )
    given = None if dirs is None else tuple(Path(d) for d in dirs)
    recipe = Recipe(tuple(texts), workload, scenario, given, _working_folder(), tuple(loader.search_path()) if dirs is None else None)
    refs = [o.ref for o in parsed]
    inputs = Inputs(options, wl, sc, tuple(sets), warnings, sources, refs, recipe=recipe)
    emptied = emptied_sets(inputs) if sets else []
    if emptied:
        warnings = [*warnings, *emptied]
        inputs = Inputs(options, wl, sc, tuple(sets), warnings, sources, refs, recipe=recipe)
    unread = unread_sets(inputs) if sets else []
    if unread:
        inputs = Inputs(options, wl, sc, tuple(sets), [*warnings, *unread], sources, refs, recipe=recipe)
    inputs.mark_valid()  # (its models are the loader's, validated)
    return inputs


def emptied_sets(inputs: Inputs) -> list[str]:
    """One warning per ``--set`` of a quantity to a table without a value (``scenario.pue={low=1.1, high=1.4}``): the
    table replaces the quantity whole, so its value is dropped and the input unknown, which is seldom meant (a file's
    table that does so is warned of too, :func:`tco.loader.emptied_quantities`); an empty table, ``{}``, says unknown
    on purpose."""
    flag = "--set" if COMMAND_LINE.get() else "sets"
    out: list[str] = []
    for item in inputs.sets:
        lhs, _, rhs = item.partition("=")
        try:
            value = loader.parse_value(rhs.strip())
            scope, rest = _set_scope(inputs, lhs.strip())
        except TcoError:
            continue
        if not isinstance(value, dict) or not value:
            continue
        roots: list[Any] = [{"scenario": inputs.scenario, "workload": inputs.workload}.get(scope)]
        roots += [o.accelerator for o in inputs.options if o.accelerator.id == scope]
        # (each table the set gives, its own and those nested in it: peak={bf16_tflops={low=1, high=2}} empties one)
        tables = [(list(loader.split_path(rest)), value)]
        for parts, table in tables:
            tables += [([*parts, k], v) for k, v in table.items() if isinstance(v, dict) and v]
        for parts, table in tables:
            if "value" in table:
                continue
            for model in roots[:2]:
                for part in parts:
                    model = model.get(part) if isinstance(model, dict) else getattr(model, part, None)
                if isinstance(model, Quantity) and model.value is None:
                    path = ".".join([scope, *parts])
                    nested = len(parts) > len(loader.split_path(rest))
                    what = f"the table it gives {path} has no value" if nested else f"the table replaces {path} whole and gives no value"
                    out.append(
                        f"{flag} {item.strip()}: {what}, so it is unknown; write value=… "
                        f"in it too, or set an end alone ({flag} {path}.low=…); an empty table, {path}={{}}, says unknown on purpose"
                    )
                    break
    return out


def unread_sets(inputs: Inputs) -> list[str]:
    """One warning per ``--set`` of a number that no option reads, so it changes nothing in any analysis
    of these inputs (never a silently ignored input): a rental rate of a part that is only bought, the
    rental set-up when nothing is rented, the network cost of the fabric the scenario does not use.

    An input is read when an option's evaluation asks for it (:func:`tco.engine.inputs_read`) or its
    plan (layout, batch, replica, memory fit) moves with it: planned again at a thousandth and a
    thousand times its value, as an analysis does. One read that happens to change no figure is read.
    An option that cannot run may be stopped by any input: nothing it could read is reported."""
    return unread_inputs(inputs, inputs.sets, "--set" if COMMAND_LINE.get() else "sets")


SHOWN_AS_GIVEN = frozenset({"accel.relative_training_performance"})
"""Inputs no formula reads that a comparison shows as given (the published claim beside the model's ratio):
a --set of one changes the output, so it is not unread (a sweep or break-even over one still is)."""


DESCRIPTIONS = frozenset({"name", "description", "source", "note", "as_of", "confidence", "vendor", "training_note", "maturity_source"})
"""Texts that describe an input and that no figure reads: a sweep over one (``--vary workload.name=a,b``) writes the same
figures on every row."""


def unread_inputs(inputs: Inputs, items: Sequence[str], flag: str) -> list[str]:
    """As :func:`unread_sets`, for ``items`` (``PATH=...`` or a bare ``PATH``) that another flag names:
    ``--vary`` (a sweep whose rows would all be the same) or ``--param`` (a break-even over an input that
    moves neither option)."""
    reads: dict[int, frozenset[str] | None] = {}
    out: list[str] = []
    for item in items:
        lhs = item.split("=", 1)[0].strip()
        try:
            scope, rest = _set_scope(inputs, lhs)
        except TcoError:
            continue
        parts = loader.split_path(rest)
        if len(parts) > 1 and parts[-1] == "value":  # (X.value is X)
            parts = parts[:-1]
        key = ".".join(parts)
        shared = scope in ("scenario", "workload")
        owners = [i for i, o in enumerate(inputs.options) if shared or o.accelerator.id == scope]
        flat = f"{scope}.{key}" if shared else f"accel.{key}"
        if not owners or (flag in ("--set", "sets") and flat in SHOWN_AS_GIVEN):
            continue
        if flat in engine.RUN_INPUTS and (flag in ("--set", "sets") or flat in _delay_inputs(inputs)):
            # (a --set of the cash flow's inputs or a rate is read by tco cashflow or --currency; a break-even or
            # a sweep shows effective costs, which read only the delay's inputs here: the others must be read by
            # an option, as the capital charge reads the cost of capital and a CNY price its rate)
            continue
        first = inputs.options[owners[0]]
        value = engine.numeric_inputs(first, inputs.workload, inputs.scenario).get(flat)
        if flag in ("--vary", "vary") and value is None and parts[-1] in DESCRIPTIONS:  # (a sweep of names: every row the same)
            out.append(f"{flag} {item.strip()}: no option reads it (a description: no figure changes with it)")
            continue
        # (a number the profile leaves out, which a --vary or --param gives: no plan reads it, so the reads decide)
        if value is None and not engine.plan_free(flat):  # (not a number: a choice, a text, a table, a range's end, which plans read)
            if flat in engine.STEP_MODEL_CHOICES and _mfu_final_for(inputs, owners):
                out.append(f"{flag} {item.strip()}: no option reads it (a measured MFU is final: no step model runs to read {flat})")
            continue
        for i in owners:
            if i not in reads:
                reads[i] = engine.inputs_read(inputs.options[i], inputs.workload, inputs.scenario)
        if any(reads[i] is None or flat in reads[i] for i in owners):  # type: ignore[operator]
            continue
        if value is not None and not engine.plan_free(flat) and any(_plan_moves(inputs, i, scope, key, value) for i in owners):
            continue
        why = _unread_why(inputs, [inputs.options[i] for i in owners], scope, flat)
        out.append(f"{flag} {item.strip()}: no option reads it" + (f" ({why})" if why else ""))
    return out


def _delay_inputs(inputs: Inputs) -> frozenset[str]:
    """The run inputs an effective cost reads outside every option's evaluation: the cost of delay, the deadline, and
    the exchange rate of a cost of delay quoted in CNY or EUR."""
    fx = engine.scenario_fx(inputs.scenario).get(engine.COST_OF_DELAY)
    return frozenset({engine.COST_OF_DELAY, "scenario.deadline_days", *((fx,) if fx else ())})


def _mfu_final_for(inputs: Inputs, owners: Sequence[int]) -> bool:
    """Whether every one of the ``owners`` options runs at a measured MFU that is final (:func:`tco.engine.mfu_final`);
    an option that cannot be planned may be stopped by anything, and is not."""
    if not isinstance(inputs.workload, TrainingWorkload):
        return False
    for i in owners:
        try:
            plan = engine.plan_option(inputs.options[i], inputs.workload, inputs.scenario, market=False)
        except TcoError:
            return False
        if not engine.mfu_final(plan):
            return False
    return True


def _plan_moves(inputs: Inputs, i: int, scope: str, key: str, value: float) -> bool:
    """Whether option ``i``'s plan (or whether it can run at all) changes with the input ``key`` of
    ``scope``: planned at a thousandth and a thousand times ``value`` (whole numbers where the input
    takes one, and then at 1 too; a whole input neither of which validates, at its neighbours), each rebuilt through
    validation; a value that does not validate is not tried, and an input no other value of which validates counts as
    moving it."""
    o = inputs.options[i]
    slot = scope if scope in ("scenario", "workload") else "accel"
    model: BaseModel = {"scenario": inputs.scenario, "workload": inputs.workload}.get(slot, o.accelerator)

    def plan(option: Option, workload: Any, scenario: Any) -> engine.Plan | None:
        try:
            return engine.plan_option(option, workload, scenario, market=False)
        except TcoError:
            return None

    base = plan(o, inputs.workload, inputs.scenario)
    whole = value == int(value) and value >= 1
    tried = 0
    # (and a whole input at 1: a cap on a count, max_batch = 1,000,000, binds there but not at 1,000)
    lows = {max(1, int(value) // 1000), 1} if whole else {value / 1000.0}
    trials = [*sorted(lows), int(value) * 1000 + 1 if whole else value * 1000.0 + 1.0]
    # (a whole input bounded near its value, a release year of 1900 to 2100, validates at neither: its neighbours then)
    neighbours = [int(value) + 1, int(value) - 1] if whole else []
    for v in [*trials, *neighbours]:
        if v == value or (v in neighbours and tried):
            continue
        try:
            data = loader.apply_overrides(model.model_dump(mode="json", exclude_none=True), [(key, v)], type(model))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                built = type(model).model_validate(data)
        except (TcoError, ValidationError):
            continue
        tried += 1
        option = dataclasses.replace(o, accelerator=built) if isinstance(built, Accelerator) else o
        workload = built if isinstance(built, (TrainingWorkload, InferenceWorkload)) else inputs.workload
        if plan(option, workload, built if isinstance(built, Scenario) else inputs.scenario) != base:
            return True
    return tried == 0


FAILURE_INPUTS = frozenset({"scenario.failure_rate_per_accelerator_day", "scenario.checkpoint_save_minutes", "scenario.restart_minutes"})
"""Scenario inputs of a training run's goodput only: a service is not interrupted by them in the model."""


def _unread_why(inputs: Inputs, owners: Sequence[Option], scope: str, flat: str) -> str:
    """Why no option reads an input, where the cause is plain: a rental input of a part only bought, the
    rental set-up with nothing rented, the network cost of the other fabric, the grid of another market,
    a scenario default every part gives its own, the porting of a maturity no part has, a training input
    of a service, the workload's count with every option giving its own; else what every option shares."""
    rented = [o for o in owners if o.acquisition is Acquisition.rent]
    sc = inputs.scenario
    name = flat.split(".", 1)[1]
    accels = {o.accelerator.id: o.accelerator for o in owners}
    if flat.startswith("accel.rental.") and not rented:
        label = owners[0].label
        return f"{label} is bought; rent it with {label}:rent"
    if flat == "scenario.rental_setup_weeks" and not rented:
        return "no option is rented"
    if flat.startswith("scenario.network_usd_per_accelerator_tier.") and name.rsplit(".", 1)[1] != sc.fabric.value:
        return f"the scenario's fabric is {sc.fabric.value}"
    if flat.startswith("scenario.grid_kgco2e_per_kwh_by_market."):
        if sc.grid_kgco2e_per_kwh is not None and sc.grid_kgco2e_per_kwh.value is not None:
            return "the scenario gives grid_kgco2e_per_kwh itself"
        if name.rsplit(".", 1)[1] != sc.market.value:
            return f"the scenario's market is {sc.market.value}"
    bom = [a for a in accels.values() if a.server_usd_per_accelerator is not None and a.server_usd_per_accelerator.value is not None]
    if name == "server_overhead_factor" and len(bom) == len(accels):
        who = "every option prices" if len(accels) > 1 else f"{next(iter(accels))} prices"
        return f"{who} its server by server_usd_per_accelerator, a bill of materials"
    if scope == "scenario" and name in Accelerator.model_fields and all(getattr(a, name) for a in accels.values()):
        return f"{'every option gives' if len(accels) > 1 else f'{next(iter(accels))} gives'} its own {name}"
    if flat.startswith("scenario.porting."):
        maturity = name.split(".")[1]
        if all(a.software.maturity.value != maturity for a in accels.values()):
            return f"no option's software maturity is {maturity}"
    if flat == "scenario.economic_depreciation_oom_per_year":
        return "it sets the resale value in tco cashflow, not an effective cost"
    if flat in engine.RATE_KEYS.values():
        currency = next(c for c, k in engine.RATE_KEYS.items() if k == flat).value
        return f"no input of this run is quoted in {currency}"
    if flat in FAILURE_INPUTS and isinstance(inputs.workload, InferenceWorkload):
        return f"{inputs.workload.id} is a serving workload; failures are modelled for training"
    if flat == "workload.accelerator_count" and all(o.count is not None for o in owners):
        return "every option gives its own count, ID@COUNT"
    if rented and len(rented) == len(owners):
        # (the cause only where the option bought would read it: a price, the facility, the deployment)
        bought = [dataclasses.replace(o, acquisition=Acquisition.buy, quoted_rate=None) for o in owners]
        if any(flat in (engine.inputs_read(o, inputs.workload, sc) or ()) for o in bought):
            return f"{owners[0].label} is rented" if scope not in ("scenario", "workload") else "every option is rented"
    return ""


def _the_copy(path: str, other: str) -> str:
    """Of two files that clash, the one to change: the user's, not a shipped profile."""
    builtin = loader.builtin_dir().resolve()
    return other if builtin in Path(path).resolve().parents and builtin not in Path(other).resolve().parents else path


@public
def compare(inputs: Inputs, *, baseline: str | Path | None = None, currency: Currency | str = Currency.USD) -> Comparison:
    """Evaluate and rank every option of ``inputs``; money in ``currency`` (USD, CNY or EUR) at the
    scenario's exchange rate. ``baseline`` names an option as ``load_inputs`` took it: an id, an alias or a
    profile's path (text or a Path)."""
    baseline = str(baseline) if isinstance(baseline, Path) else baseline
    if not isinstance(currency, Currency):
        try:
            currency = Currency.read(currency)
        except ValueError as exc:
            raise InputError(str(exc), key="currency") from None
    if baseline is not None:
        try:
            found = named_option(inputs, baseline)
        except (InputError, NotFoundError) as exc:  # a malformed or blank option is the baseline's error, not ACCEL's
            raise InputError(exc.message, key="--baseline") from None
        if found is None:
            labels = ", ".join(o.label for o in inputs.options)
            raise InputError(f"'{baseline}' is not one of the compared options: {labels}{runs_on(inputs, baseline)}", key="--baseline")
        baseline = inputs.options[found].label
    with attributed(inputs):
        comp = engine.compare(
            options=inputs.options, workload=inputs.workload, scenario=inputs.scenario, baseline=baseline, unranked_ok=True
        )
        if any(r.status is OptionStatus.incomplete for r in comp.results):
            comp = with_numbers_to_match(inputs, comp, currency)
        return engine.in_currency(comp, currency, inputs.scenario)


def barred_options(inputs: Inputs) -> dict[str, str]:
    """Option label -> why the scenario's market may not buy (or rent) it."""
    out: dict[str, str] = {}
    for o in inputs.options:
        try:
            engine.check_market(o, inputs.scenario)
        except TcoError as exc:
            out[o.label] = exc.message
    return out


def not_supplied(inputs: Inputs, missing: Mapping[str, Sequence[str]], supplied: Sequence[str]) -> dict[str, list[str]]:
    """:func:`missing_inputs` less the input paths an analysis gives a value at each of its points (``supplied``: a
    breakeven's ``--param``, a sweep's ``--vary`` paths, in any spelling ``--set`` takes): an option lacks none of them."""
    given = {fold(_canonical_set_path(inputs, p.strip())) for p in supplied if p.strip()}
    kept = {label: [p for p in paths if p.lower() not in given] for label, paths in missing.items()}
    return {label: paths for label, paths in kept.items() if paths}


def missing_inputs(inputs: Inputs) -> dict[str, list[str]]:
    """Option label -> the input paths it lacks (options lacking nothing, or infeasible, are left out)."""
    out: dict[str, list[str]] = {}
    market: dict[str, float] = {}  # time to market (days) of each option that can run
    for o in inputs.options:
        try:
            # (a barred option needs nothing: no input makes it buyable in the scenario's market)
            ev = engine.evaluate_option(o, inputs.workload, inputs.scenario, market=True)
        except TcoError:
            continue
        market[o.label] = ev.out["time_to_market_days"]
        if ev.missing and not ev.rankable:  # (an input only some other figure needs: not what the analysis lacks)
            out[o.label] = [ev.plan.user_path(k) for k in ev.missing]
    # An unknown cost of delay (or the rate of one quoted in CNY or EUR) is needed by every option that is late
    # (behind the fastest, or past the deadline).
    sc = inputs.scenario
    known: dict[str, Any] = {}
    engine.flatten_into(sc, "scenario", known)
    unknown = engine.delay_unknowns(sc, known)
    if unknown and market:
        due = sc.deadline_days.value if sc.deadline_days is not None else None
        delays, _, _ = engine.apply_delay(
            list(market.values()), [0.0] * len(market), {"scenario.deadline_days": due}, deadline=due is not None
        )
        for label, delay in zip(market, delays, strict=True):
            if delay != 0:  # (an unknown time to market is late too)
                out[label] = [*out.get(label, []), *(k for k in unknown if k not in out.get(label, []))]
    return out


PRICE_RANGE_USD = engine.PRICE_RANGE_USD
LEAD_TIME_RANGE_WEEKS = engine.LEAD_TIME_RANGE_WEEKS


@public
def analysable(
    inputs: Inputs, *, complete: bool = False, market: bool = False, required: Sequence[str] = ()
) -> tuple[Inputs, dict[str, str]]:
    """(the inputs without the options an analysis cannot use, option label -> why each was left out).

    Left out: options that cannot run the workload at all (an inference-only part on a training job,
    a model no count can hold), which ``compare`` shows as infeasible; with ``complete``, also options
    lacking an input the analysis needs (the cash flow needs the price) and options the scenario's
    market may not buy; with ``market``, those barred options only (the cash flow under --strict, which
    makes a missing input an error but leaves a barred option out, as every analysis does). An option
    named in ``required`` (``--vs``) is never dropped: its problem is raised. When no option is left,
    the first problem is raised."""
    import dataclasses

    keep: list[int] = []
    dropped: dict[str, str] = {}
    errors: list[TcoError] = []
    needed = set(required)
    # (as the analysis finds them: an option named in another spelling, 'H100-SXM' or ':rent=2.0', is still named)
    named: set[int] = set()
    for text in required:
        try:
            at = named_option(inputs, text)
        except InputError:  # (an alias two profiles share: the analysis says so)
            continue
        except NotFoundError as exc:  # (a blank name)
            raise InputError(exc.message, key="required") from None
        names = {n for i, o in enumerate(inputs.options) for n in (inputs.refs[i] if inputs.refs else o.label, o.label, o.accelerator.id)}
        if at is None and text not in names:  # (a name no option answers to would keep nothing, and say nothing)
            labels = ", ".join(o.label for o in inputs.options)
            raise InputError(f"'{text}' is not one of the compared options: {labels}{runs_on(inputs, text)}", key="required")
        if at is not None:
            named.add(at)
    for i, o in enumerate(inputs.options):
        ref = inputs.refs[i] if inputs.refs else o.accelerator.id
        try:
            ev = engine.evaluate_option(o, inputs.workload, inputs.scenario, market=complete or market)
            if complete and ev.missing and not ev.rankable:  # (an input only another figure needs does not stop it)
                paths = [ev.plan.user_path(k) for k in ev.missing]
                give = give_with(paths)
                scopes = {p.split(".", 1)[0] for p in paths}
                if len(paths) == 1 and scopes <= {"workload", "scenario"}:  # the workload's or scenario's file is at fault
                    scope, key = paths[0].split(".", 1)
                    where = inputs.workload.id if scope == "workload" else scope
                    raise UnknownInputError(f"unknown, and the analysis needs it; {give}", where=where, key=key)
                raise UnknownInputError(f"needs {unknown_inputs(paths)}; {give}", where=o.label)
        except TcoError as exc:
            if i in named or needed & {ref, o.label, o.accelerator.id}:
                with attributed(inputs):  # blamed on its --set or its file, as compare does
                    raise
            dropped[o.label] = exc.message
            if isinstance(exc, UnknownInputError) and exc.key and exc.where in ("scenario", inputs.workload.id):
                # (the note names the option, so the input it lacks is named in full)
                scope = "scenario" if exc.where == "scenario" else "workload"
                dropped[o.label] = f"needs {scope}.{exc.key}, which is unknown; " + exc.message.split("; ", 1)[1]
            errors.append(exc)
            continue
        keep.append(i)
    if not keep and errors:
        unique = list({(e.where, e.key, e.message): e for e in errors}.values())  # a shared input's problem once
        with attributed(inputs):
            raise unique[0] if len(unique) == 1 else ProblemList(unique)
    kept = dataclasses.replace(
        inputs,
        options=[inputs.options[i] for i in keep],
        refs=[inputs.refs[i] for i in keep] if inputs.refs else [],
        left_out={**inputs.left_out, **dropped},
        left_out_options=[*inputs.left_out_options, *(o for i, o in enumerate(inputs.options) if i not in keep)],
    )
    return kept, dropped


def with_numbers_to_match(inputs: Inputs, comp: Comparison, currency: Currency = Currency.USD) -> Comparison:
    """For each option whose only unknown input is its price (or its lead time), the value at which it
    ties the best ranked option, found by :func:`tco.analysis.breakeven` (the one solver). A price to match shown
    in another ``currency`` than the one its --set is read in also names it in that one."""
    from tco import analysis

    if not comp.ranked:
        return comp  # nothing ranked to tie with
    best = comp.ranked[0].accelerator
    updates: dict[str, dict[str, Any]] = {}
    solvable: Inputs | None = None
    for r in comp.results:
        if r.status is not OptionStatus.incomplete:
            continue
        idx = next(i for i, o in enumerate(inputs.options) if o.label == r.accelerator)
        acc = inputs.options[idx].accelerator
        solved: dict[str, Any] = {}
        notes = list(r.notes)
        for field_name, path, key, lo_hi in (
            ("price_to_match_usd", f"{acc.id}.price_usd", "price_usd", PRICE_RANGE_USD),
            ("lead_time_to_match_weeks", f"{acc.id}.lead_time_weeks", "lead_time_weeks", LEAD_TIME_RANGE_WEEKS),
            # (a rental rate has no field of its own: the number is a note, as the table's column shows it)
            (None, f"{acc.id}.rental.usd_per_hour", "rental.usd_per_hour", engine.RENT_RANGE_USD_PER_HOUR),
        ):
            if r.missing_inputs != [path]:
                continue
            solvable = solvable or analysable(inputs)[0]
            usd_per_unit, cur = 1.0, "USD"
            quoted = acc.price_usd if key == "price_usd" else acc.rental.usd_per_hour if key.startswith("rental.") and acc.rental else None
            if quoted is not None and quoted.currency not in (None, Currency.USD):
                usd_per_unit = engine.usd_per_unit(quoted.currency, inputs.scenario) or float("nan")
                cur = quoted.currency.value
                # (the same dollars searched whatever the currency: $1 to $10 M is ¥7.08 to ¥70.8 M, not ¥1 to ¥10 M)
                lo_hi = (lo_hi[0] / usd_per_unit, lo_hi[1] / usd_per_unit) if math.isfinite(usd_per_unit) else lo_hi
            be = analysis.breakeven(solvable, r.accelerator, best, param=path, value_range=lo_hi)
            what = {"price_usd": "unit price", "lead_time_weeks": "lead time"}.get(key, "rental rate")
            if be.value is not None and field_name is None:
                # (cut to a hundredth of a cent, the figure shown and the one to set alike: set back, it still wins)
                to_set = rounded_down(be.value, places=4)
                rate = to_set if cur == "USD" else rounded_down(be.value * usd_per_unit, places=4)
                also = f" = {to_set:,.4f} {cur}" if cur != "USD" else ""
                notes.append(f"decides: wins below a rental rate of ${rate:,.4f}{also} per accelerator-hour (--set {path}={to_set:.4f})")
            elif be.value is not None and field_name is not None:
                value = be.value
                if cur != "USD":
                    value *= usd_per_unit
                # the field is in USD; a --set of this price is read in the profile's currency, which the note
                # names where it is not the one the comparison shows (a yuan price, or a dollar one in yuan)
                # (cut, not rounded: set back, the figure shown still wins)
                # (six significant digits, and never fewer than the whole units shown: 1,445,076 yuan is set
                # as 1445076, not 1.44507e+06, which is 1,445,070)
                if field_name == "price_to_match_usd" and (cur != "USD" or currency is not Currency.USD):
                    digits = max(6, math.floor(math.log10(abs(be.value))) + 1) if be.value else 6
                    shown, to_set = rounded_down(be.value, places=0), rounded_down(be.value, digits=digits)
                    notes.append(f"decides: the price is quoted in {cur}: {shown:,.0f} {cur} (--set {path}={to_set:.{digits}g})")
                solved[field_name] = value
            else:
                within = f"[{lo_hi[0]:g}, {lo_hi[1]:g}]" + (f" {cur}" if cur != "USD" else "")
                beats = f"wins at any {what}" if be.winner_below == r.accelerator else f"cannot beat {best} at any {what}"
                notes.append(f"decides: {beats} in {within}")
        if solved or notes != r.notes:
            updates[r.accelerator] = {**solved, "notes": notes}
    return comp.model_copy(update={"results": [r.model_copy(update=updates.get(r.accelerator, {})) for r in comp.results]})


# --------------------------------------------------------------------------- provenance


SOURCE_FIELDS = ("source", "maturity_source")


def source_strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (key path, text) of a ``source``-like string in a parsed input document."""
    if isinstance(data, dict):
        for k, v in data.items():
            sub = f"{path}.{k}" if path else str(k)
            if k in SOURCE_FIELDS and isinstance(v, str):
                yield sub, v
            else:
                yield from source_strings(v, sub)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from source_strings(v, f"{path}[{i}]")


def _texts(data: Any) -> Iterator[str]:
    """Every string in a parsed input document: sources, and the notes, rules and descriptions that cite too."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _texts(v)
    elif isinstance(data, list):
        for v in data:
            yield from _texts(v)


def citations(data: Any, dirs: Sequence[Path] | None = None) -> dict[str, Any]:
    """Citation key -> the bibliography entry (title, publisher, date, url) for every key cited in
    ``data`` (in a source, a note, a market rule or a description); a key the bibliography lacks maps to None."""
    bib = loader.load_bibliography(dirs)
    keys = sorted({k for text in _texts(data) for k in loader.cited_keys(text)})
    return {k: bib[k][0].model_dump(exclude_none=True) if k in bib else None for k in keys}


# --------------------------------------------------------------------------- plausibility


SCALE_UP_MAX = 9_216
"""The largest scale-up domain built (Google's Ironwood TPU pod, 9,216 chips on one inter-chip network,
April 2025 [GOOGLE-IRONWOOD-2025]): a node of more devices than that is a typing error, not a machine."""


def _dropped_currencies(
    scope: str, overrides: Sequence[tuple[str, Any]], money: Sequence[str], published: Callable[[], BaseModel]
) -> list[str]:
    """A warning for each ``--set`` table that replaces a money quantity quoted in CNY or EUR without a
    ``currency`` of its own: the table is a new quantity, read as USD (a bare number stays in the
    quantity's own currency), so ``{value=45000}`` for a price of ¥45,000 would silently mean $45,000."""
    tables = [path for path, value in overrides if path in money and isinstance(value, dict) and "currency" not in value]
    if not tables:
        return []
    model = published()
    out = []
    for path in tables:
        old: Any = model
        for part in path.split("."):
            old = getattr(old, part, None)
        code = getattr(getattr(old, "currency", None), "value", None)
        if code is not None and code != "USD":
            out.append(
                f"--set {scope}.{path}: the table replaces a quantity quoted in {code} and gives no currency, so its "
                f'value is read as USD; add currency="{code}" to the table to keep {code}'
            )
    return out


def profile_warnings(accel: Accelerator, *, server_set: bool = False) -> list[str]:
    """Warnings for a profile's implausible values (it still runs: the numbers are the user's). ``server_set``: a
    --set changed the server overhead factor, which the --set's own warning speaks for."""
    out: list[str] = []
    node = accel.interconnect.devices_per_node
    if node > SCALE_UP_MAX:
        out.append(
            f"{accel.id}: interconnect.devices_per_node = {node:,} is larger than any scale-up domain built "
            f"({SCALE_UP_MAX:,} chips, a TPU pod): tensor parallelism and the in-node link span it all; check it"
        )
    # (a factor beside a bill of materials prices nothing: the server is the bill's, whatever the factor)
    factor, bom = accel.server_overhead_factor, accel.server_usd_per_accelerator
    if not server_set and factor is not None and factor.value is not None and bom is not None and bom.value is not None:
        out.append(
            f"{accel.id}: server_overhead_factor = {factor.value:g} is not used: the server is priced by "
            "server_usd_per_accelerator, a bill of materials; remove one of them"
        )
    return out


def benchmark_warnings(accel: Accelerator, workload: TrainingWorkload | InferenceWorkload) -> list[str]:
    """Warnings for a measurement this workload would use: MFU above 0.75 or bandwidth beyond spec. A rate is written
    as the tables write a figure (:func:`tco.render.num`), and the MFU it implies as the engine's MFU warnings write
    one: a measured 1e300 tokens/s is ``1e+300``, not its 301 digits, and implies an MFU of 6.12e+295, not the
    ``inf`` of an overflowed product."""
    from tco.render import num

    bench = engine.used_benchmark(accel, workload)
    if bench is None or bench.tokens_per_second.value is None:
        return []
    out: list[str] = []
    tps = bench.tokens_per_second.value
    peak = accel.peak.for_precision(workload.precision)
    if isinstance(workload, TrainingWorkload) and peak is not None and peak.value:
        shape = perf.workload_shape(workload)
        flops = perf.training_flops_per_token(active_params=perf.active_parameters(workload), shape=shape, seq_len=workload.seq_len)
        mfu = tps * (flops / (peak.value * 1e12))  # (the rate times a ratio: 1e300 tokens/s times 6e9 FLOPs overflows)
        if mfu > MFU_WARNING:
            out.append(
                f"{accel.id}: the measured {num(tps, 0)} tokens/s on {workload.id} implies MFU {engine._mfu_text(mfu)} "
                f"(> {MFU_WARNING}) of its {peak.value:g} TFLOPS {workload.precision.value} peak: "
                f"implausible; check the measurement ({bench.source})"
            )
    if isinstance(workload, InferenceWorkload) and accel.memory_bandwidth_gbps.value:
        total = workload.parameters.value or 0
        active = workload.active_parameters.value if workload.active_parameters and workload.active_parameters.value else total
        b = BYTES_PER_PARAM[workload.precision]
        # Decode of a batch of B reads the weights once per step (an MoE model's shared ones and the
        # experts the batch visits, tco.serving): tokens/s ≤ B·BW/W per replica.
        weights = total * b - serving.unvisited_expert_bytes(
            total, active, workload.experts or 0, workload.experts_per_token or 0, b, float(workload.max_batch)
        )
        needed = tps * weights / workload.max_batch / 1e9
        if needed > accel.memory_bandwidth_gbps.value:
            out.append(
                f"{accel.id}: the measured {num(tps, 0)} tokens/s on {workload.id} needs more memory "
                f"bandwidth than the {accel.memory_bandwidth_gbps.value:g} GB/s spec"
            )
    return out


def number_argument(value: Any, key: str) -> float:
    """A number argument of the Python API as a float, or an InputError naming it (never a TypeError,
    ValueError or OverflowError from the arithmetic that would follow)."""
    if isinstance(value, bool):
        raise InputError(f"expected a number, got {value!r}", key=key)
    if (big := too_large(value)) is not None:
        raise InputError(big, key=key)
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"expected a number, got {str(value)[:40]!r}", key=key) from None


def whole_argument(value: Any, key: str) -> int:
    """A whole-number argument of the Python API, or an InputError naming it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"expected a whole number, got {str(value)[:40]!r}", key=key)
    return value


@public
def validate_file(path: Path | str) -> list[str]:
    """Validate one input file; return plausibility warnings (raises on errors)."""
    if isinstance(path, str) and not path.strip():  # (Path("") is ".", the working folder)
        raise InputError(f"expected a TOML file name, got {path!r}", key="path")
    model = loader.validate_file(Path(path))
    if isinstance(model, CalibrationSet | ServingSet):
        _check_published_rows(Path(path), model, {})
        return []
    emptied = loader.emptied_quantities(Path(path), named=False)  # (the command line shows the file's name)
    if not isinstance(model, Accelerator):
        return emptied
    warnings: list[str] = [*emptied, *profile_warnings(model)]
    # An alias the search path gives another profile (or an id) never reaches this one, if the file is on it.
    on_path = any(Path(path).resolve().parent == (root / "accelerators").resolve() for root in loader.roots(None))
    for alias in model.aliases:  # (an id comes before any alias: this alias never reaches this file)
        if alias.lower() != model.id.lower() and (loader.builtin_dir() / "accelerators" / f"{alias.lower()}.toml").is_file():
            warnings.append(f"alias '{alias}' is the id of the built-in {alias.lower()}: an id comes first, so it never names this profile")
    for alias in model.aliases if on_path else ():
        try:
            found = loader.resolve("accelerators", alias)
        except NotFoundError as exc:
            if " is an alias of " in exc.message:
                warnings.append(f"alias '{alias}' names another profile too: {exc.message}")
            continue
        if found.resolve() != Path(path).resolve():
            warnings.append(f"alias '{alias}' reaches {found}, not this file: an id, then the first folder that has it, come first")
    problems: list[TcoError] = []
    for b in model.benchmarks:
        try:
            wl = loader.load_workload(b.workload)
        except TcoError:
            warnings.append(f"benchmark for unknown workload '{b.workload}': plausibility not checked")
            continue
        warnings.extend(benchmark_warnings(model, wl))
        problems += _run_above_the_peak(Path(path), model, wl)
    if problems:  # (every benchmark's, not the first one's)
        raise problems[0] if len(problems) == 1 else ProblemList(problems)
    return warnings


def _check_published_rows(
    path: Path, published: CalibrationSet | ServingSet, parts: dict[str, Accelerator | NotFoundError], dirs: Sequence[Path] | None = None
) -> None:
    """What ``tco calibrate`` refuses or cannot use in a set of published runs: a row on an unknown
    accelerator, and a rate above what the part computes at its peak (training: 6 FLOPs per parameter
    per token; serving: 2 per active parameter per generated token). ``parts``: each part loaded once
    (the profiles calibrate then uses), filled here."""
    from tco import calibration

    problems: list[TcoError] = []
    rows: Sequence[CalibrationRow | ServingRow] = published.rows
    for i, row in enumerate(rows):
        # The row must describe a model the engine can build (heads dividing the width, experts with
        # their top-k, a precision the mode runs in), as calibrate builds it.
        try:
            if isinstance(row, CalibrationRow):
                calibration.row_workload(row, row.tuning or published.tuning)
            else:
                calibration.serving_workload(row, published.tuning)
        except ValidationError as exc:
            problems.append(_row_problem(path, i, row, exc))
            continue
        if row.accelerator not in parts:  # (a set has hundreds of rows on a few parts)
            try:
                parts[row.accelerator] = loader.load_accelerator(row.accelerator, dirs=dirs)
            except NotFoundError as exc:
                parts[row.accelerator] = exc
        accel = parts[row.accelerator]
        if isinstance(accel, NotFoundError):
            problems.append(InputError(accel.message, where=str(path), key=f"rows[{i}].accelerator"))
            continue
        name = perf.peak_field(accel, row.precision)
        peak = getattr(accel.peak, name)
        if peak is None or not peak.value:
            continue
        flops = 6.0 if isinstance(row, CalibrationRow) else 2.0
        mfu = flops * row.parameters * row.tokens_per_second / (peak.value * 1e12)
        part_file = loader.resolve("accelerators", row.accelerator, dirs)
        if mfu > 1.0 and loader.is_builtin(path) and not loader.is_builtin(part_file):
            # A shipped run checked against the user's own profile of the part (TCO_PROFILE_PATH shadows the shipped
            # one): the profile's peak is what the user gave, and what to check (once per part, not once per row).
            if not any(p.where == str(part_file) and p.key == f"peak.{name}" for p in problems):
                problems.append(
                    InputError(
                        f"{peak.value:,.6g} TFLOPS is less than the shipped run {loader.shown_path(path)} rows[{i}] measured on "
                        f"{accel.id}: {row.tokens_per_second:,.6g} tokens/s per accelerator implies MFU "
                        + (f"{mfu:,.2f}" if mfu < 1e6 else f"{mfu:.3g}" if math.isfinite(mfu) else "far above 1")
                        + f" ({flops:g} FLOPs per {'parameter' if flops == 6.0 else 'active parameter'} per token); check the peak",
                        where=str(part_file),
                        key=f"peak.{name}",
                    )
                )
        elif mfu > 1.0:
            problems.append(
                InputError(
                    f"{row.tokens_per_second:,.6g} tokens/s per accelerator implies MFU "
                    + (f"{mfu:,.2f} (> 1)" if mfu < 1e6 else f"{mfu:.3g} (> 1)" if math.isfinite(mfu) else "far above 1")
                    + f" of {accel.id}'s "
                    f"{peak.value:,.6g} TFLOPS {name.removesuffix('_tflops').removesuffix('_tops')} peak "
                    f"({flops:g} FLOPs per {'parameter' if flops == 6.0 else 'active parameter'} per token): "
                    "more than the part can compute; check the measurement",
                    where=str(path),
                    key=f"rows[{i}].tokens_per_second",
                )
            )
    if problems:
        raise problems[0] if len(problems) == 1 else ProblemList(problems)


def _row_problem(path: Path, i: int, row: CalibrationRow | ServingRow, exc: ValidationError) -> InputError:
    """A row's model the workload refuses, named by the row's own key: the workload's ``parameters`` is
    the row's ``total_parameters`` (or ``parameters`` for a dense row), its ``active_parameters`` the row's
    ``parameters``; a shape's key is the row's (layers, d_model, heads, ...)."""
    err = exc.errors()[0]
    message = loader._expected(err)  # (in a file's words: 'input should be at most ..., got ...', as the row's own keys are)
    field, sep, rest = message.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+", field):
        message = rest
    else:
        loc = [str(x) for x in err.get("loc", ()) if isinstance(x, str)]
        field = loc[-1] if loc else ""
    if field == "active_parameters":  # (the row's names: its total is total_parameters)
        message = message.replace("exceed parameters (", "exceed total_parameters (")
    total = "total_parameters" if row.total_parameters else "parameters"
    field = {"active_parameters": "parameters", "parameters": total}.get(field, field)
    known = field in type(row).model_fields
    return InputError(message, where=str(path), key=f"rows[{i}]" + (f".{field}" if known else ""))


def _run_above_the_peak(path: Path, accel: Accelerator, workload: TrainingWorkload | InferenceWorkload) -> list[TcoError]:
    """A measured run (training or serving) whose own MFU exceeds 1 is refused by every command that uses
    it (the engine's check, :func:`tco.engine.evaluate_option`): ``profiles validate`` says so too, not ``ok``."""
    bench = accel.benchmark_for(workload.id)
    if bench is None:
        return []
    key = f"benchmarks[{workload.id}].tokens_per_second"
    count = bench.accelerator_count if isinstance(workload, TrainingWorkload) else None  # (serving: its own replica)
    try:
        engine.evaluate_option(engine.performance_option(accel, count), workload, loader.load_scenario(None), market=False)
    except TcoError as exc:  # (only that check is the file's benchmark's; whatever else stops a run, its command says)
        if exc.key == key:
            return [InputError(exc.message, where=str(path), key=key)]
    return []


# --------------------------------------------------------------------------- listings


@public
def accelerator_table(
    dirs: Sequence[Path] | None = None, skipped: list[str] | None = None
) -> tuple[list[results.AcceleratorRow], list[str], list[str]]:
    """Records for ``tco profiles list``: columns keep units in their names. With ``skipped`` given, a
    file that does not load is left out and its problem appended there, instead of raised."""
    cols = [
        "id",
        "vendor",
        "name",
        "bf16_tflops",
        "memory_gb",
        "memory_bandwidth_gbps",
        "tdp_w",
        "price_usd",
        "rent_usd_per_hour",
        "maturity",
        "can_train",
        "can_serve",
    ]
    headers = [
        "id",
        "vendor",
        "name",
        "BF16 TFLOPS",
        "memory GB",
        "bandwidth GB/s",
        "TDP W",
        "price USD",
        "rent USD/h",
        "maturity",
        "train",
        "serve",
    ]
    records: list[results.AcceleratorRow] = []
    default = loader.load_scenario(dirs=dirs)

    def usd(q: PositiveQuantity | None) -> float | None:
        """A price in USD: quoted CNY/EUR prices are converted at the default scenario's rate."""
        return _in_usd(q, default)

    for e in loader.iter_entries("accelerators", dirs):
        a = _load_listed(loader.load_accelerator, e.path, skipped)
        if a is None:
            continue
        peak = a.peak.bf16_tflops or a.peak.fp16_tflops
        records.append(
            {
                "id": a.id,
                "vendor": a.vendor,
                "name": a.name,
                "bf16_tflops": peak.value if peak else None,
                "memory_gb": a.memory_gb.value,
                "memory_bandwidth_gbps": a.memory_bandwidth_gbps.value,
                "tdp_w": a.tdp_w.value,
                "price_usd": usd(a.price_usd),
                "rent_usd_per_hour": usd(a.rental.usd_per_hour) if a.rental else None,
                "maturity": a.software.maturity.value,
                "can_train": a.can_train,
                "can_serve": a.can_serve,
            }
        )
    return records, cols, headers


M = TypeVar("M")


def _load_listed(load: Callable[[str], M], path: Path, skipped: list[str] | None) -> M | None:
    """One listed file, or None with its first problem (and how many more) appended to ``skipped``;
    raised when ``skipped`` is None."""
    try:
        return load(str(path))
    except TcoError as exc:
        if skipped is None:
            raise
        lines = exc.lines()
        # (a file of more problems than are listed counts them all: its last line says how many more, and is none)
        more = len(exc.problems) - 1 + exc.more if isinstance(exc, ProblemList) else len(lines) - 1
        skipped.append(lines[0] + (f" (and {more:,} more problem{'s' if more != 1 else ''})" if more > 0 else ""))
        return None


def _in_usd(q: Any, scenario: Scenario) -> float | None:
    """A money quantity in USD: a CNY/EUR one converted at ``scenario``'s exchange rate (None when unknown)."""
    if q is None or q.value is None:
        return None
    rate = engine.usd_per_unit(q.currency, scenario)
    return float(q.value * rate) if rate is not None else None


def input_table(kind: str, dirs: Sequence[Path] | None = None, skipped: list[str] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Records for ``tco workloads list`` / ``tco scenarios list`` (``skipped`` as for :func:`accelerator_table`)."""
    records: list[dict[str, Any]] = []
    if kind == "workloads":
        cols = [
            "id",
            "kind",
            "name",
            "parameters",
            "active_parameters",
            "training_tokens",
            "tokens_per_day",
            "precision",
            "accelerator_count",
        ]
        for e in loader.iter_entries(kind, dirs):
            w = _load_listed(loader.load_workload, e.path, skipped)
            if w is None:
                continue
            records.append(
                {
                    "id": w.id,
                    "kind": w.kind,
                    "name": w.name,
                    "parameters": w.parameters.value,
                    "active_parameters": w.active_parameters.value if w.active_parameters else None,
                    "training_tokens": w.training_tokens.value if isinstance(w, TrainingWorkload) else None,
                    "tokens_per_day": w.tokens_per_day.value if isinstance(w, InferenceWorkload) else None,
                    "precision": w.precision.value,
                    "accelerator_count": w.accelerator_count if isinstance(w, TrainingWorkload) else None,
                }
            )
        return records, cols
    cols = [
        "id",
        "name",
        "electricity_usd_per_kwh",
        "pue",
        "cost_of_capital",
        "depreciation_years",
        "cost_of_delay_usd_per_day",
        "deadline_days",
    ]
    for e in loader.iter_entries(kind, dirs):
        s = _load_listed(loader.load_scenario, e.path, skipped)
        if s is None:
            continue
        records.append(
            {
                "id": s.id,
                "name": s.name,
                "electricity_usd_per_kwh": _in_usd(s.electricity_usd_per_kwh, s),  # a CNY/EUR quote at the scenario's own rate
                "pue": s.pue.value,
                "cost_of_capital": s.cost_of_capital.value,
                "depreciation_years": s.depreciation_years.value,
                "cost_of_delay_usd_per_day": _in_usd(s.cost_of_delay_usd_per_day, s),
                "deadline_days": s.deadline_days.value if s.deadline_days else None,
            }
        )
    return records, cols


# --------------------------------------------------------------------------- calibrate


def load_calibration_sets(dirs: Sequence[Path] | None = None) -> list[CalibrationSet]:
    """Every ``benchmarks/*.toml`` on the search path, validated."""
    out = []
    for e in loader.iter_entries("benchmarks", dirs):
        out.append(loader.load_model(e.path, CalibrationSet))
    return out


def load_serving_sets(dirs: Sequence[Path] | None = None) -> list[ServingSet]:
    """Every ``serving/*.toml`` on the search path, validated."""
    return [loader.load_model(e.path, ServingSet) for e in loader.iter_entries("serving", dirs)]


@public
def calibrate(dirs: Sequence[Path] | None = None, *, refit: bool = False, published_layout: bool = False) -> results.CalibrationSummary:
    """Predicted vs published training and serving tokens/s over the shipped calibration sets, with the
    error on the fit and held-out halves (see :mod:`tco.calibration`). ``refit`` first fits the
    constants on the fit halves and reports with those instead of the shipped ones; ``published_layout``
    holds each training row to the parallel degrees its source states instead of the model's choice."""
    from tco import calibration

    files = {kind: [e.path for e in loader.iter_entries(kind, dirs)] for kind in ("benchmarks", "serving")}
    sets = [loader.load_model(path, CalibrationSet) for path in files["benchmarks"]]
    serving_sets = [loader.load_model(path, ServingSet) for path in files["serving"]]
    published: list[tuple[Path, CalibrationSet | ServingSet]] = [*zip(files["benchmarks"], sets, strict=True)]
    published += zip(files["serving"], serving_sets, strict=True)
    ids: dict[str, Path] = {}
    parts: dict[str, Accelerator | NotFoundError] = {}
    runs: dict[tuple[type, str], tuple[Path, int]] = {}
    for path, one in published:
        # (what profiles validate refuses, calibrate does not use: an unknown part names the file and its row)
        _check_published_rows(path, one, parts, dirs)
        if one.id in ids:  # one publication's statistics, and its rows' split, are keyed on its id (user files first)
            raise InputError(f"the id '{one.id}' is also the id of {path}: give each set its own", where=str(ids[one.id]), key="id")
        ids[one.id] = path
        for i, row in enumerate(one.rows):  # (a set copied under another id: each of its runs would count twice)
            first = runs.setdefault((type(row), one.run_key(row)), (path, i))
            if first[0] != path:
                raise InputError(  # (blamed on the file read first, a user's copy, as a repeated id is)
                    f"the same run as {loader.shown_path(path)} rows[{i}] (every figure alike, its source and note "
                    "aside), which would count twice: give it once",
                    where=str(first[0]),
                    key=f"rows[{first[1]}]",
                )
    profiles = {k: v for k, v in parts.items() if isinstance(v, Accelerator)}
    sc = loader.load_scenario(None, dirs=dirs)
    constants = calibration.fit(sets, profiles, sc) if refit else None
    summary = calibration.calibrate(sets, profiles, sc, constants, published_layout=published_layout)
    if serving_sets:
        serving_constants = calibration.fit_serving(serving_sets, profiles, sc) if refit else None
        summary = summary.model_copy(update={"serving": calibration.calibrate_serving(serving_sets, profiles, sc, serving_constants)})
    return summary


# --------------------------------------------------------------------------- what-if analyses (numpy, imported lazily)


@public
def breakeven(
    inputs: Inputs,
    a: str | Path,
    b: str | Path,
    *,
    param: str = "scenario.cost_of_delay_usd_per_day",
    value_range: tuple[float, float] | None = None,
) -> results.BreakevenResult:
    """Value of ``param`` at which options ``a`` and ``b`` cost the same (see :func:`tco.analysis.breakeven`); each
    option named as ``load_inputs`` took it (an id, an alias or a profile's path, text or a Path)."""
    from tco import analysis

    with attributed(inputs):
        return analysis.breakeven(inputs, str(a), str(b), param=param, value_range=value_range)


@public
def sensitivity(inputs: Inputs, *, vs: tuple[str | Path, str | Path] | str | Path | None = None) -> results.SensitivityResult:
    """Tornado of effective cost (see :func:`tco.analysis.sensitivity`). ``vs``: the pair of options whose
    difference the inputs are ranked by, or one option (the first option against it, as ``--vs``); each named as
    ``load_inputs`` took it (an id, an alias or a profile's path, text or a Path)."""
    from tco import analysis

    if isinstance(vs, (str, Path)):
        vs = (inputs.options[0].label if inputs.options else "", vs)
    pair = (str(vs[0]), str(vs[1])) if vs is not None else None

    with attributed(inputs):
        return analysis.sensitivity(inputs, vs=pair)


def _called_as_progress(fn: Callable[[int, int], None]) -> Callable[[int, int], None]:
    def call(done: int, total: int) -> None:
        try:
            fn(done, total)
        except TypeError as exc:
            raise InputError(f"expected a function of (done, total): progress(done, total) failed: {exc}", key="progress") from None

    return call


@public
def simulate(
    inputs: Inputs, *, samples: int, seed: int, progress: Callable[[int, int], None] | None = None, keep_samples: bool = False
) -> results.SimulationResult:
    """Monte Carlo with common random numbers (see :func:`tco.analysis.simulate`)."""
    from tco import analysis

    samples, seed = whole_argument(samples, "--samples"), whole_argument(seed, "--seed")
    if progress is not None:  # called as progress(done, total): a function that cannot take two is refused now
        import inspect

        try:
            inspect.signature(progress).bind(0, 0)
        except TypeError:
            raise InputError("expected a function of (done, total), called as progress(done, total)", key="progress") from None
        except ValueError:  # (a builtin without a signature: a call it refuses is refused as one)
            progress = _called_as_progress(progress)
    with attributed(inputs):
        return analysis.simulate(inputs, samples=samples, seed=seed, progress=progress, keep_samples=keep_samples)


@public
def what_if(inputs: Inputs, changes: Mapping[str, Sequence[float]]) -> results.WhatIfResult:
    """N validated what-ifs at once (the fast path for scripts; see :func:`tco.analysis.what_if`)."""
    from tco import analysis

    with attributed(inputs):  # (the values are checked as numbers by @public)
        return analysis.what_if(inputs, changes)


def breakeven_curve(inputs: Inputs, param: str, points: Sequence[float]) -> results.WhatIfResult:
    """Both options' effective cost at each point of a break-even's range (``tco plot breakeven``): a
    --set of ``param`` only set the range searched, as for :func:`breakeven`, so it is no conflict here."""
    from tco import analysis

    with attributed(inputs):
        return analysis.what_if(inputs, {param: points}, over_sets=True)


@public
def sweep(inputs: Inputs, vary: Sequence[str], *, strict: bool = False, warnings: list[str] | None = None) -> results.SweepRun:
    """(columns, total rows, iterator of column chunks) for a grid, with ``.results`` streaming the rows
    as dicts (see :func:`tco.analysis.iter_sweep`). A path to a choice (``workload.precision=bf16,fp8``) is an
    axis of its listed values: the inputs are loaded anew for each (their :attr:`Inputs.recipe`, with one more
    ``--set``), keeping the options ``inputs`` keeps; ``strict`` refuses a value under which an option lacks an
    input, and ``warnings`` receives what loading a value warns of beyond what ``inputs`` did, and a ``vary`` that
    no option reads (a description: every row the same)."""
    from tco import analysis
    from tco.analysis.sweep import iter_choice_sweep, split_choices

    with attributed(inputs):
        choices, numeric = split_choices(inputs, vary)
        if warnings is not None and not COMMAND_LINE.get():  # (the CLI warns of these itself, before its rows)
            warnings += unread_inputs(inputs, vary, "vary")
        if not choices:
            return analysis.iter_sweep(inputs, vary)
        _as_the_recipe_loads(inputs)
        return iter_choice_sweep(choices, numeric, functools.partial(_with_choice, inputs, strict=strict, warnings=warnings))


def _with_choice(inputs: Inputs, extra: Sequence[str], *, strict: bool, warnings: list[str] | None) -> Inputs:
    """``inputs`` loaded anew with the ``--set`` items ``extra`` (a sweep's values of its choices), with the
    options ``inputs`` keeps: one of them that cannot run under a value, or (``strict``) lacks an input, is an
    error naming the value, as the sweep could not answer for it. A problem blamed on one of ``extra`` as a
    ``--set`` is blamed on ``--vary``, which gave it."""
    try:
        return _loaded_with(inputs, extra, strict=strict, warnings=warnings)
    except TcoError as exc:
        paths = {item.split("=", 1)[0] for item in extra}
        for problem in exc.problems if isinstance(exc, ProblemList) else [exc]:
            if problem.where == "--set" and (problem.key or "") in paths:
                problem.where = "--vary"  # (the value is the sweep's, not a --set's)
        raise


def _as_the_recipe_loads(inputs: Inputs) -> None:
    """Refuse inputs that their recipe no longer loads as they are: a sweep over a choice loads them anew from their
    files for each value, so a file edited since :func:`tco.load_inputs` (or a model put in with
    ``dataclasses.replace``) would give every row the figures of inputs other than these, silently."""
    recipe = inputs.recipe
    if recipe is None:
        return  # (refused by _loaded_with, which says why)
    recipe, sets = recipe.anchored(inputs.sets)
    with loader.one_scan():
        now = _load_inputs(list(recipe.accelerators), workload=recipe.workload, scenario=recipe.scenario, sets=sets, dirs=recipe.folders())
    by_label = {o.label: o for o in now.options}
    given: list[tuple[str, Any, Any, str]] = [
        (o.label, by_label.get(o.label), o, o.accelerator.id) for o in (*inputs.options, *inputs.left_out_options)
    ]
    given += [("the workload", now.workload, inputs.workload, now.workload.id), ("the scenario", now.scenario, inputs.scenario, "scenario")]
    for name, loaded, held, source in given:
        if loaded != held:
            path = now.sources.get(source) or inputs.sources.get(source)
            raise InputError(
                f"{name} is not what {'the' if path else 'its'} file loads now (the file changed since tco.load_inputs, or the model "
                "was replaced in the inputs): a sweep over a choice loads the inputs anew for each value, so load them again with "
                "tco.load_inputs",
                where=path,
                key="--vary",
            )


def _working_folder() -> Path | None:
    """The working folder, absolute (None if it was deleted: relative paths then name nothing to reload)."""
    try:
        return Path.cwd()
    except OSError:
        return None


def _loaded_with(inputs: Inputs, extra: Sequence[str], *, strict: bool, warnings: list[str] | None) -> Inputs:
    recipe = inputs.recipe
    given = ", ".join(extra)
    if recipe is None:
        raise InputError(
            "sweeping a choice loads the inputs anew for each value: give inputs from tco.load_inputs (these were built by hand)",
            where="--vary",
            key=extra[0].split("=", 1)[0],
        )
    recipe, sets = recipe.anchored(inputs.sets)
    with loader.one_scan():
        loaded = _load_inputs(
            list(recipe.accelerators), workload=recipe.workload, scenario=recipe.scenario, sets=[*sets, *extra], dirs=recipe.folders()
        )
    keep = [o.label for o in inputs.options]
    by_label = {o.label: o for o in loaded.options}
    kept = dataclasses.replace(
        loaded,
        options=[by_label[label] for label in keep],
        refs=[loaded.refs[[o.label for o in loaded.options].index(label)] for label in keep] if loaded.refs else [],
        left_out=dict(inputs.left_out),
        left_out_options=[o for o in loaded.options if o.label not in keep],
    )
    _, dropped = analysable(kept)
    if dropped:
        label, why = next(iter(dropped.items()))
        raise InputError(
            f"{label} cannot run with {given}: {why}; list only values every option runs with, or leave {label} out", key="--vary"
        )
    missing = missing_inputs(kept)
    if strict and missing:
        paths = list(dict.fromkeys(p for ps in missing.values() for p in ps))
        needs = "needs" if len(missing) == 1 else "need"
        raise InputError(f"with {given}, {', '.join(missing)} {needs} {unknown_inputs(paths)} (--strict); {give_with(paths)}", key="--vary")
    if warnings is not None:  # (a value that nothing reads: the sweep's own warning names the axis, once)
        own = tuple(f"--set {item}:" for item in extra)
        warnings.extend(f"{w} (with {given})" for w in loaded.warnings if w not in inputs.warnings and not w.startswith(own))
    return kept


@public
def cashflow(
    inputs: Inputs,
    *,
    revenue_usd_per_day: float | None = None,
    lease_usd_per_month: float | None = None,
    lease_months: float | None = None,
) -> results.CashflowResult:
    """Year-by-year cash flow and NPV per option (see :func:`tco.analysis.cashflow`)."""
    from tco import analysis

    revenue_usd_per_day, lease_usd_per_month, lease_months = (
        None if v is None else number_argument(v, key)
        for v, key in (
            (revenue_usd_per_day, "revenue_usd_per_day"),
            (lease_usd_per_month, "lease_usd_per_month"),
            (lease_months, "lease_months"),
        )
    )
    with attributed(inputs):
        result = analysis.cashflow(
            inputs.options,
            inputs.workload,
            inputs.scenario,
            revenue_per_day=revenue_usd_per_day,
            lease_usd_per_month=lease_usd_per_month,
            lease_months=lease_months,
            reference=inputs.left_out_options,
        )
    bought_out = [o for o in inputs.left_out_options if o.acquisition is Acquisition.buy]
    if lease_usd_per_month is not None and not any(r.acquisition == "lease" for r in result.options):
        # (every bought option left out, for an input the lease needs too: say why, not that all are rented)
        why = "; ".join(f"{o.label}: {inputs.left_out.get(o.label, 'left out')}" for o in bought_out)
        raise InputError(f"a lease applies to bought options, and the bought ones were left out ({why})", key="--lease-usd-per-month")
    return result


@public
def size(
    inputs: Inputs,
    *,
    deadline_days: float | None = None,
    budget_usd: float | None = None,
    power_kw: float | None = None,
    capex_usd: float | None = None,
) -> results.SizeResult:
    """Count meeting a deadline, a budget (job cost), a purchase budget (capex) or a power envelope (see
    :func:`tco.analysis.size`)."""
    from tco import analysis

    limits = {"--deadline-days": deadline_days, "--budget-usd": budget_usd, "--power-kw": power_kw, "--capex-usd": capex_usd}
    deadline_days, budget_usd, power_kw, capex_usd = (None if v is None else number_argument(v, k) for k, v in limits.items())
    with attributed(inputs):
        return analysis.size(inputs, deadline_days=deadline_days, budget_usd=budget_usd, power_kw=power_kw, capex_usd=capex_usd)
