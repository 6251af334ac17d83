"""What one run is about: the parsed options, the workload and the scenario (pure, no I/O).

The option language ``ID[@COUNT][:rent[=USD_PER_HOUR]|:buy]`` and the :class:`Inputs` bundle live
here, below both :mod:`tco.api` and :mod:`tco.analysis`, so neither has to import the other.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from tco import loader
from tco.engine import Option
from tco.errors import WHOLE_DIGITS, InputError, TcoError, ascii_float, fold, not_finite
from tco.memo import contents
from tco.models import (
    TINY,
    Accelerator,
    Acquisition,
    Confidence,
    InferenceWorkload,
    PositiveQuantity,
    Rental,
    Scenario,
    TrainingWorkload,
    digits_hint,
    plain_digits,
)
from tco.perf import MAX_ACCELERATORS


@dataclass(frozen=True)
class Recipe:
    """How :func:`tco.load_inputs` was called for a set of inputs (every argument but the ``--set`` overrides, which
    the inputs keep): a sweep over a choice (a precision, a tuning level) loads them anew with one more ``--set``
    per value."""

    accelerators: tuple[str, ...]
    workload: str
    scenario: str | None = None
    dirs: tuple[Path, ...] | None = None
    cwd: Path | None = None
    """The working folder the inputs were loaded in: relative file paths are read from it again (:meth:`anchored`)."""
    search_path: tuple[Path, ...] | None = None
    """With ``dirs`` None, the folders searched then (``TCO_PROFILE_PATH``'s, then the shipped profiles'): the inputs are
    loaded again from these (:meth:`folders`), not from the variable as a script may have set it since."""

    def __post_init__(self) -> None:
        # (a recipe written by hand is checked as load_inputs' arguments are: a text is not a list of characters)
        checks = (
            (
                "accelerators",
                "a non-empty tuple of texts",
                isinstance(self.accelerators, tuple) and all(isinstance(a, str) for a in self.accelerators) and bool(self.accelerators),
            ),
            ("workload", "a text", isinstance(self.workload, str)),
            ("scenario", "None or a text", self.scenario is None or isinstance(self.scenario, str)),
            (
                "dirs",
                "None or a tuple of Paths",
                self.dirs is None or (isinstance(self.dirs, tuple) and all(isinstance(d, Path) for d in self.dirs)),
            ),
            ("cwd", "None or an absolute Path", self.cwd is None or (isinstance(self.cwd, Path) and self.cwd.is_absolute())),
            (
                "search_path",
                "None or a tuple of Paths",
                self.search_path is None or (isinstance(self.search_path, tuple) and all(isinstance(d, Path) for d in self.search_path)),
            ),
        )
        for name, expected, ok in checks:
            if not ok:
                raise InputError(f"expected {expected}, got {_named(getattr(self, name))}", key=f"recipe.{name}")

    def anchored(self, sets: Sequence[str]) -> tuple[Recipe, list[str]]:
        """The recipe, and ``sets``, with each relative file path (an option's profile, the workload, the scenario,
        a profile folder, a ``--set`` scoped by a file's path) made absolute from :attr:`cwd`: a script that changed
        its working folder (``os.chdir``) since :func:`tco.load_inputs` still reloads the files it loaded."""
        base = self.cwd
        if base is None:
            return self, list(sets)

        def at(ref: str) -> str:
            relative = ref != loader.STDIN and loader.looks_like_path(ref) and not Path(ref).is_absolute()
            return str(base / ref) if relative else ref

        def option(text: str) -> str:
            ref = parse_option(text).ref
            return at(ref) + text[len(ref) :] if text.startswith(ref) else text

        def scoped(item: str) -> str:
            lhs, eq, rhs = item.partition("=")
            file = re.match(r"^(\s*)(.*\.[Tt][Oo][Mm][Ll])\.(.+)$", lhs)
            return f"{file.group(1)}{at(file.group(2))}.{file.group(3)}{eq}{rhs}" if file and eq else item

        recipe = Recipe(
            tuple(option(a) for a in self.accelerators),
            at(self.workload),
            None if self.scenario is None else at(self.scenario),
            None if self.dirs is None else tuple(d if d.is_absolute() else base / d for d in self.dirs),
            base,
            None if self.search_path is None else tuple(d if d.is_absolute() else base / d for d in self.search_path),
        )
        return recipe, [scoped(item) for item in sets]

    def folders(self) -> tuple[Path, ...] | None:
        """The ``dirs`` to load the inputs again with: those given, else the search path of the time (None for a
        recipe that recorded none, written by hand: the search path as it is now)."""
        return self.dirs if self.dirs is not None else self.search_path


@dataclass(frozen=True)
class Inputs:
    """Everything one analysis needs: the options, the workload, the scenario, and warnings to show.
    Frozen (its sequences are tuples, its mappings read-only, its models frozen), so a script cannot
    reassign what ``load_inputs`` checked: load them again for other inputs. The models' own lists and
    tables (a profile's benchmarks, a scenario's porting) are not copies: changed in place, they are checked
    again at the next call (:meth:`check_models`) and planned again (:func:`tco.engine.plan_option`)."""

    options: Sequence[Option]
    workload: TrainingWorkload | InferenceWorkload
    scenario: Scenario
    sets: Sequence[str] = ()
    warnings: Sequence[str] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    """Input id -> the file it came from, so errors found later can name the file."""
    refs: Sequence[str] = ()
    """Each option's accelerator reference as given (id, alias or path)."""
    left_out: Mapping[str, str] = field(default_factory=dict)
    """Option label -> why an analysis left it out (see :func:`tco.api.analysable`)."""
    left_out_options: Sequence[Option] = ()
    """Those options: one that lacks only a price still reaches the market first, and sets the delay
    of the others as in compare (the cash flow charges it)."""
    recipe: Recipe | None = field(default=None, repr=False, compare=False)
    """How they were loaded (``load_inputs`` sets it; None for inputs built by hand)."""
    _valid: tuple[int, ...] | None = field(default=None, init=False, repr=False, compare=False)
    """The models' lists and tables (:func:`tco.memo.contents`) when :meth:`check_models` found them valid
    (``load_inputs``' own are), None before."""

    def __post_init__(self) -> None:
        # (an Inputs built by hand or changed with dataclasses.replace is checked as load_inputs' own)
        kinds = {"options": Option, "sets": str, "warnings": str, "refs": str, "left_out_options": Option}
        for name, kind in kinds.items():
            value = getattr(self, name)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, kind) for v in value):
                raise InputError(f"expected a list of {kind.__name__} (from tco.load_inputs), got {_named(value)}", key=f"inputs.{name}")
            object.__setattr__(self, name, tuple(value))
        for name in ("sources", "left_out"):
            value = getattr(self, name)
            if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise InputError(f"expected a mapping of text to text, got {_named(value)}", key=f"inputs.{name}")
            object.__setattr__(self, name, ReadOnlyDict(value))
        for name in ("options", "left_out_options"):
            for i, option in enumerate(getattr(self, name)):
                _check_option(option, f"inputs.{name}[{i}]")
        labels = [o.label for o in (*self.options, *self.left_out_options)]
        twice = next((i for i, label in enumerate(labels) if label in labels[:i]), None)
        if twice is not None:  # (results, gaps and --set paths are keyed by the label: two rows of one name, as load_inputs refuses)
            name, at = ("options", twice) if twice < len(self.options) else ("left_out_options", twice - len(self.options))
            raise InputError(f"{labels[twice]!r} is given twice: give each option once", key=f"inputs.{name}[{at}]")
        if not isinstance(self.workload, (TrainingWorkload, InferenceWorkload)):
            raise InputError(f"expected a workload (from tco.load_inputs), got {_named(self.workload)}", key="inputs.workload")
        if not isinstance(self.scenario, Scenario):
            raise InputError(f"expected a scenario (from tco.load_inputs), got {_named(self.scenario)}", key="inputs.scenario")
        if self.recipe is not None and not isinstance(self.recipe, Recipe):
            raise InputError(f"expected None or a Recipe (from tco.load_inputs), got {_named(self.recipe)}", key="inputs.recipe")

    def check_models(self) -> None:
        """Refuse a model that would not load: one changed with pydantic's ``model_copy(update=...)``,
        which does not validate (a text or a NaN for a quantity, a negative price), and put in with
        ``dataclasses.replace``, or one changed in place (``benchmarks.append(...)``, a field set with ``object.__setattr__``).
        Checked once per Inputs, as a file's values are (about 0.5 ms a model), and again after such a change."""
        models = self._models()
        now = contents(*(model for _, model in models))
        if self._valid == now:
            return
        how = "changed with model_copy(update=...)" if self._valid is None else "whose lists, tables or fields were changed in place"
        for label, model in models:
            try:
                with warnings.catch_warnings():  # (pydantic's notice that a field holds a value of another type)
                    warnings.simplefilter("ignore")
                    loaded = type(model).model_validate(model.model_dump())
            except ValidationError as exc:
                error = exc.errors()[0]
                path = ".".join(str(p) for p in error["loc"])
                raise InputError(
                    f"{error['msg']} (a model {how} is not validated: give the change to tco.load_inputs as sets=['PATH=VALUE'])",
                    key=f"inputs.{label}.{path}" if path else f"inputs.{label}",
                ) from None
            # (by value and type: a bare number where a file's number loads as a quantity with its source, the text 'fp8'
            # where the engine tells Precision.fp8 by identity)
            changed = next(
                (
                    f
                    for f in type(model).model_fields
                    if contents([getattr(loaded, f)], identity=False) != contents([getattr(model, f)], identity=False)
                ),
                None,
            )
            if changed is not None:
                value = getattr(model, changed)
                raise InputError(
                    f"expected {type(getattr(loaded, changed)).__name__}, got {type(value).__name__} {str(value)[:40]!r} (a model {how} "
                    "is not validated: give the change to tco.load_inputs as sets=['PATH=VALUE'])",
                    key=f"inputs.{label}.{changed}",
                )
        object.__setattr__(self, "_valid", now)

    def mark_valid(self) -> None:
        """Record the models as valid as they are now (``load_inputs``' own: the loader validated them)."""
        object.__setattr__(self, "_valid", contents(*(model for _, model in self._models())))

    def at_load(self, path: str) -> str:
        """A file path of these inputs (a source, or a reference given as a path) as the file it named at
        :func:`tco.load_inputs`: a relative one read from the working folder of then (:attr:`Recipe.cwd`), so a script
        that changed folder since (``os.chdir``) names an option by its file in any spelling valid now; ``-`` and an
        absolute path as they are."""
        base = self.recipe.cwd if self.recipe is not None else None
        if base is None or path == loader.STDIN or Path(path).is_absolute():
            return path
        return str(base / path)

    def loaded_sources(self) -> dict[str, str]:
        """:attr:`sources`, each file as :meth:`at_load` gives it."""
        return {key: self.at_load(path) for key, path in self.sources.items()}

    def _models(self) -> list[tuple[str, BaseModel]]:
        models: list[tuple[str, BaseModel]] = [("scenario", self.scenario), ("workload", self.workload)]
        return models + [(o.accelerator.id, o.accelerator) for o in (*self.options, *self.left_out_options)]


def _check_option(option: Option, key: str) -> None:
    """Refuse an option changed with ``dataclasses.replace`` to what ``ID[@COUNT][:rent[=RATE]]`` cannot say (a
    count of 0 or 1.5, the text 'rent', a NaN rate, a dict for the profile): such a field met the engine as an
    AttributeError, a pydantic ValidationError, or a rented option costed as bought."""
    count, rate = option.count, option.quoted_rate
    problem = None
    if not isinstance(option.accelerator, Accelerator):
        problem = f"accelerator: expected an Accelerator (from tco.load_inputs), got {_named(option.accelerator)}"
    elif count is not None and (type(count) is not int or not 1 <= count <= MAX_ACCELERATORS):
        problem = f"count: expected None or a whole number from 1 to {MAX_ACCELERATORS:,}, got {count!r}"
    elif type(option.acquisition) is not Acquisition:
        problem = f"acquisition: expected Acquisition.buy or Acquisition.rent, got {option.acquisition!r}"
    elif rate is not None and (type(rate) not in (int, float) or not (math.isfinite(rate) and rate >= TINY)):
        problem = f"quoted_rate: expected None or a number of at least {TINY:g}, got {rate!r}"
    elif rate is not None and option.acquisition is not Acquisition.rent:
        problem = f"quoted_rate: a rate is quoted for rented capacity: expected None for a bought option, got {rate!r}"
    elif rate is not None and (option.accelerator.rental is None or option.accelerator.rental.usd_per_hour.value != rate):
        # (the label shows the quoted rate, the cost charges the profile's: load_inputs puts the one into the other)
        charged = option.accelerator.rental.usd_per_hour.value if option.accelerator.rental is not None else None
        problem = f"quoted_rate: {rate!r} is not the rate the profile charges (rental.usd_per_hour = {charged!r})"
    elif option.as_measured is not None and not isinstance(option.as_measured, Accelerator):
        problem = f"as_measured: expected None or an Accelerator, got {_named(option.as_measured)}"
    if problem is not None:
        field, _, message = problem.partition(": ")
        raise InputError(f"{message} (an option is made by tco.load_inputs: give ID[@COUNT][:rent[=RATE]] there)", key=f"{key}.{field}")
    try:
        option.label  # noqa: B018 - (the id, as ID[@COUNT] spells it: a results row and a --set path are named by it)
    except ValidationError:  # an id changed with model_copy(update=...), which does not validate
        raise InputError(
            f"expected an id of lowercase letters, digits, '.', '_' and '-', got {option.accelerator.id!r} (a profile changed "
            "with model_copy(update=...) is not validated: an id is a profile file's)",
            key=f"{key}.accelerator.id",
        ) from None


def _named(value: object) -> str:
    """A value's type, and its items' where one is of another type than expected (a list of str)."""
    if isinstance(value, (list, tuple)):
        odd = sorted({type(v).__name__ for v in value})
        return f"{type(value).__name__} of {', '.join(odd)}" if odd else f"an empty {type(value).__name__}"
    return type(value).__name__


class ReadOnlyDict(dict[str, str]):
    """A dict that cannot be changed (``types.MappingProxyType`` cannot be pickled or deep-copied)."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("Inputs are immutable: call tco.load_inputs again for other inputs")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[ReadOnlyDict], tuple[dict[str, str]]]:
        return ReadOnlyDict, (dict(self),)


class ParsedOption(NamedTuple):
    ref: str
    number: int | None
    acquisition: Acquisition
    rate: float | None  # a rental rate quoted with :rent=RATE (USD per accelerator-hour)


_OPTION = re.compile(r"^(?P<ref>.*\.[Tt][Oo][Mm][Ll]|[^@:]*)(?:@(?P<count>[^:]*))?(?::(?P<acq>rent|buy)(?:=(?P<rate>.*))?)?$")
"""An id, or a profile file's path up to its last ``.toml`` (which may hold ``@`` and ``:``: ``me@corp/x.toml``,
``C:\\x.toml``), then the count and the acquisition."""


def _unspaced(text: str) -> str | None:
    """The label to write for ``text`` whose count, acquisition or rate is spaced off (``h100-sxm @8``,
    ``h100-sxm:rent= 2``, ``h100-sxm@8 ``): the spaces around '@', ':' and '=' and at its end dropped. None when
    there are none there (an id with spaces is an unknown id, and a profile file's path may hold them)."""
    if not any(c.isspace() for c in text) or re.search(r"\.[Tt][Oo][Mm][Ll]\s*$", text):
        return None
    m = re.match(r"(?s)^(.*\.[Tt][Oo][Mm][Ll]|[^@:]*?)(\s*[@:].*)$", text)
    if m is None or not any(c.isspace() for c in m.group(2)):
        return None
    tail = re.sub(r"\s*([@:=])\s*", r"\1", m.group(2)).rstrip()
    return None if any(c.isspace() for c in tail) else m.group(1) + tail


def _count_last(text: str) -> str | None:
    """The label to write for ``text`` whose count follows its acquisition (``h100-sxm:rent=2@8``,
    ``h100-sxm:buy@8``): the count moved before it, when the label so written is one. None otherwise."""
    m = re.fullmatch(r"(?s)(.*\.[Tt][Oo][Mm][Ll]|[^@:]*)(:rent(?:=[^@:]*)?|:buy)@([^@:=]*)", text)
    if m is None:
        return None
    fixed = f"{m.group(1)}@{m.group(3)}{m.group(2)}"
    try:
        parse_option(fixed)
    except InputError:
        return None
    return fixed


def parse_option(text: str) -> ParsedOption:
    """``ID[@COUNT][:rent[=USD_PER_HOUR]|:buy]`` -> (ref, count, acquisition, quoted rate). Spaces around '@',
    ':' or '=' are refused with the label to write, as a spaced id is (':rent= 2' read as 2 while '@ 8' was refused)."""
    if not text.strip():  # a blank option is the loader's blank id ('' as ' '), named as ACCEL
        loader.resolve("accelerators", text)
    fixed = _unspaced(text)
    if fixed is not None:
        raise InputError(f"expected no spaces in ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got '{text}': write '{fixed}'", key="accelerator")
    moved = _count_last(text)
    if moved is not None:
        raise InputError(
            f"expected the count before the acquisition, ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got '{text}': write '{moved}'",
            key="accelerator",
        )
    m = _OPTION.match(text)
    if m is None:
        # (the keyword is lower case: ':RENT' is refused, with the spelling that works; two keywords are
        # refused as two, not with a keyword already written as the spelling to use)
        words = re.findall(r":(rent|buy)(?==|:|$)", text, re.IGNORECASE)
        hint = (
            " (give one of ':rent' or ':buy', once)"
            if len(words) > 1
            else f" (did you mean ':{words[0].lower()}'?)"
            if words and words[0] != words[0].lower()
            else ""
        )
        raise InputError(f"expected ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got '{text}'{hint}", key="accelerator")
    ref, c, acq, rate_text = m.group("ref"), m.group("count"), m.group("acq"), m.group("rate")
    count = None
    if c is not None:
        # ASCII digits, grouped by single underscores as Python writes them and as :rent=, --set and the numeric
        # flags read them ('@1_000' is 1000): '@８', '@_1' and '@1__0' are not counts
        if WHOLE_DIGITS.fullmatch(c) is None:
            raise InputError(f"expected ID@COUNT with a whole COUNT of at least 1, got '{text[:80]}'", key="accelerator")
        # (the length first: Python refuses int() on more than 4,300 digits)
        if len(c.replace("_", "").lstrip("0")) > 10 or int(c) > MAX_ACCELERATORS:
            raise InputError(f"expected ID@COUNT with COUNT at most {MAX_ACCELERATORS:,}, got '{text[:80]}'", key="accelerator")
        if int(c) < 1:
            raise InputError(f"expected ID@COUNT with a whole COUNT of at least 1, got '{text[:80]}'", key="accelerator")
        count = int(c)
    rate = None
    if rate_text is not None and acq == "buy":  # (a rate is quoted for rented capacity; a bought part has a price)
        raise InputError(
            f"expected :buy without a rate (a rate per hour is quoted for rented capacity, :rent=USD_PER_HOUR), got '{text}'",
            key="accelerator",
        )
    if rate_text is not None:
        try:
            rate = ascii_float(rate_text)
        except ValueError:
            rate = math.nan
        else:
            if not math.isfinite(rate):  # (a NaN or an infinity named as every refusal names it, then the option as typed)
                raise InputError(
                    f"{not_finite(rate, ':rent=USD_PER_HOUR with a finite positive number', signed=False)} in '{text}'", key="accelerator"
                )
        if not (math.isfinite(rate) and rate >= TINY):  # (1e400 reads as inf: positive, and no rate)
            number = "positive number" if math.isfinite(rate) else "finite positive number"
            hint = digits_hint(rate_text, write=text[: m.start("rate")] + (plain_digits(rate_text) or ""))
            raise InputError(f"expected :rent=USD_PER_HOUR with a {number} of at least {TINY:g}, got '{text}'{hint}", key="accelerator")
    if not ref:
        raise InputError(
            f"expected ID[@COUNT][:rent[=USD_PER_HOUR]|:buy] with an accelerator id before '@' or ':', got '{text}'", key="accelerator"
        )
    return ParsedOption(ref, count, Acquisition(acq) if acq else Acquisition.buy, rate)


def implied_count(inputs: Inputs) -> int | None:
    """The count an option given without @N runs on: a training workload's accelerator_count (a serving one
    chooses its replica, so no count is implied)."""
    return inputs.workload.accelerator_count if isinstance(inputs.workload, TrainingWorkload) else None


def named_option(inputs: Inputs, text: str) -> int | None:
    """Index of the option of ``inputs`` that ``text`` names (:func:`find_option`), ``ID@N`` naming the option given
    without a count where N is the count it runs on (:func:`implied_count`); None when none is."""
    return find_option(inputs.options, inputs.refs, text, inputs.loaded_sources(), implied=implied_count(inputs))


def runs_on(inputs: Inputs, text: str) -> str:
    """For an option named with another count than the one it runs on (``h100-sxm@4`` for ``h100-sxm`` on a
    workload of 8): the count it runs on and the label to give, as every 'is not one of the compared options'
    says it (compare's --baseline, the analyses' options); else ''."""
    implied = implied_count(inputs)
    parsed = parse_option(text)
    if implied is None or parsed.number is None:
        return ""
    rented = ":rent" + (f"={parsed.rate!r}" if parsed.rate is not None else "") if parsed.acquisition is Acquisition.rent else ""
    at = find_option(inputs.options, inputs.refs, parsed.ref + rented, inputs.loaded_sources())
    if at is None or inputs.options[at].count is not None:
        return ""
    label = inputs.options[at].label
    return f" ({label} runs on the workload's {implied:,}: give '{label}', or compare '{text}' too)"


def find_option(
    options: Sequence[Option], refs: Sequence[str], text: str, sources: Mapping[str, str] | None = None, *, implied: int | None = None
) -> int | None:
    """Index of the option ``text`` names (``ID[@COUNT][:rent[=RATE]]``; the id by any alias, or as the
    command line named it in ``refs``): same count (when given), acquisition and quoted rate. A rented
    reference without a rate names the option at the profile's rate, else the first rented one. None
    when no option matches. A path spelled otherwise names the option whose profile is that file (``sources``:
    each id's file). ``implied``: the count an option given without one runs on (a training workload's
    accelerator_count), so ``h100-sxm@8`` names ``h100-sxm`` on a workload of 8 when no option says @8 itself."""
    ref, count, acq, rate = parse_option(text)
    folded = fold(ref)

    def counted(o: Option) -> bool:
        return count is None or o.count == count

    def implied_count(o: Option) -> bool:
        return count is not None and o.count is None and count == implied

    found: list[int] = []
    for same_count in (counted, implied_count):  # an option's own @N first, then the workload's count it runs on
        found = [
            i
            for i, o in enumerate(options)
            if folded in {n.lower() for n in (o.accelerator.id, *o.accelerator.aliases, *refs[i : i + 1])}
            and same_count(o)
            and o.acquisition is acq
        ]
        if not found and sources and loader.looks_like_path(ref):  # a path spelled otherwise (./x.toml, an absolute one)
            file = _profile_file(ref)
            found = [
                i
                for i, o in enumerate(options)
                if file is not None
                and o.accelerator.id in sources
                and Path(sources[o.accelerator.id]).resolve() == file
                and same_count(o)
                and o.acquisition is acq
            ]
        if found or implied is None:
            break
    ids = {options[i].accelerator.id for i in found}
    if len(ids) > 1:  # an alias two profiles share (a copy that kept the original's): the id, if one is it, else neither
        by_id = [i for i in found if options[i].accelerator.id.lower() == folded]
        if not by_id:
            raise InputError(f"'{ref}' is an alias of {' and '.join(sorted(ids))}: give the id of the one meant", key="option")
        found = by_id
    if count is None and len({options[i].count for i in found}) > 1:  # an id without @N: the option given without one
        found = [i for i in found if options[i].count is None] or _one_count(options, found, ref)
    exact = [i for i in found if options[i].quoted_rate == rate]
    if exact:
        return exact[0]
    return found[0] if found and rate is None else None


def _one_count(options: Sequence[Option], found: list[int], ref: str) -> list[int]:
    labels = sorted({options[i].label for i in found})
    raise InputError(f"'{ref}' names {' and '.join(labels)}: give the count (ID@N) of the one meant", key="option")


def _profile_file(ref: str) -> Path | None:
    """The file an accelerator reference reads (links followed), or None: it names none."""
    try:
        return loader.resolve("accelerators", ref).resolve()
    except (TcoError, OSError, ValueError):  # (a NUL in the text: no file)
        return None


UNKNOWN_RATE_SOURCE = "unknown: the profile has no rental table"
"""The source of the rental rate of a profile without a rental table: an unknown input."""


def with_unknown_rate(acc: Accelerator) -> Accelerator:
    """A profile without a rental table, rented: its rate is an unknown input like any other (the option
    keeps every figure that does not need it and names ``ID.rental.usd_per_hour``), not a part that cannot run."""
    if acc.rental is not None:
        return acc
    unknown = PositiveQuantity(value=None, source=UNKNOWN_RATE_SOURCE, confidence=Confidence.estimate)
    return acc.model_copy(update={"rental": Rental(usd_per_hour=unknown)})


def with_quoted_rate(acc: Accelerator, rate: float) -> Accelerator:
    """The profile with its rental price replaced by a rate quoted on the command line."""
    quoted = PositiveQuantity(value=rate, source=f"quoted on the command line ({acc.id}:rent={rate:.15g})", confidence=Confidence.vendor)
    rental = acc.rental.model_copy(update={"usd_per_hour": quoted}) if acc.rental else Rental(usd_per_hour=quoted)
    return acc.model_copy(update={"rental": rental})


def rental_sets_with_rate(has_rental: bool, edits: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A profile's edits (``--set``, or an analysis's value) with an unknown rental rate first where they write into
    a rental table the profile does not have and give no rate (``br100.rental.lead_time_weeks=3``): the rate is
    then an unknown input, as renting such a part makes it (``br100:rent``), or the rate the option quotes
    (``br100:rent=2``), not a table refused for lacking it. A whole ``rental`` table given is the user's."""
    out = list(edits)
    if has_rental or not any(path.startswith("rental.") for path, _ in out):
        return out
    if any(path == "rental" or loader.gives_rental_rate(path, value) for path, value in out):
        return out
    return [("rental.usd_per_hour", {"source": UNKNOWN_RATE_SOURCE, "confidence": Confidence.estimate.value}), *out]
