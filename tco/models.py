"""Strict pydantic models for the three inputs (accelerator, workload, scenario) and the results.

Conventions:

* every model forbids unknown keys and is frozen; NaN and infinity are rejected;
* numeric fields carry their unit in their name (``price_usd``, ``tdp_w``, ``memory_gb``);
* every sourced number is a :class:`Quantity`: either a bare number or a table
  ``{value, low, high, source, as_of, confidence, note}``. ``value`` may be absent, meaning
  *unknown*: the engine then raises :class:`~tco.errors.MissingInputError` naming the field
  when (and only when) a computation needs it.
"""

import datetime as _dt
import math
import re
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from tco.errors import show_non_finite, shown_text, too_large
from tco.errors import show_number as _num

_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters and symbols drawn as blank space (the Hangul fillers, the blank Braille pattern)."""


def blank(v: str) -> bool:
    """Text that shows nothing: empty, or only spaces, controls, invisible format characters (a zero-width space, a
    bidirectional override, a byte-order mark, a soft hyphen) and fillers: a table cell of it reads as empty."""
    if v.isascii() and v.isprintable():  # (every shipped name: no character data needed)
        return not v.strip()
    import unicodedata  # (as tco.loader.toml_string: kept off the start-up of every command)

    return all(c.isspace() or c in _FILLERS or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp") for c in v)


def _not_blank(v: str) -> str:
    """Text that says something: not empty or only spaces (or other characters that show nothing)."""
    if blank(v):
        raise PydanticCustomError("blank", "expected a reason, got blank text")
    return v


def _empty_list() -> list[Any]:
    """``default_factory`` for list fields: pydantic inspects a factory's signature, which for the
    builtin ``list`` costs a parse of its text signature (about 0.4 ms per field at start-up)."""
    return []


def _empty_dict() -> dict[Any, Any]:
    """``default_factory`` for dict fields (see :func:`_empty_list`)."""
    return {}


Number = Annotated[float, Field(strict=True)]
MAX_COUNT = 10**15
"""Largest whole-number input (layers, widths, counts, batch, vocabulary): far beyond any real model or
fleet, and small enough to convert to a float exactly."""
TINY = 1e-300
"""Smallest non-zero magnitude of an input: below it (the subnormal floats, 1e-320) the arithmetic of
the engine underflows to 0 and divides by it."""
TINY_SCHEMA: dict[str, Any] = {
    "anyOf": [{"exclusiveMinimum": 0, "exclusiveMaximum": TINY}, {"exclusiveMinimum": -TINY, "exclusiveMaximum": 0}]
}
"""The magnitudes below :data:`TINY` but 0, which the JSON Schema of a quantity refuses (``not``)."""


def _not_tiny(v: float | None) -> float | None:
    """A published run's figure (its rate, size, latency) is never below :data:`TINY` in size but 0: a subnormal
    rate makes every derived figure infinite (the JSON Schema says so too, ``tco.schema.json_schema``)."""
    if v is not None and v != 0 and abs(v) < TINY:
        raise ValueError(f"expected a number of at least 1e-300 in size, got {_num(v)}")
    return v


def _integral(v: Any) -> Any:
    """A float with no fractional part (``2048.0``) is the whole number JSON Schema also takes it for
    (``1e16`` too: its bound, not its spelling, refuses it)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


Count = Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT), BeforeValidator(_integral)]
MAX_ACCELERATORS = 10**9
"""Counts beyond a billion accelerators are reported as infeasible rather than computed."""
Accelerators = Annotated[int, Field(strict=True, ge=1, le=MAX_ACCELERATORS), BeforeValidator(_integral)]
"""An accelerator count: the same bound as ``ID@N``, ``--vary`` and ``what_if`` take."""
ID_MAX_LENGTH = 64


RESERVED_IDS = ("scenario", "workload")
"""Words that begin a --set path (``scenario.pue``): no input may take them as its id or alias."""


def _not_a_file_name(v: str) -> str:
    if v.endswith(".toml"):
        raise ValueError("an id may not end in '.toml': the command line reads such a name as a file's path")
    word = next((w for w in RESERVED_IDS if v == w or v.startswith(w + ".")), None)
    if word is not None:
        raise ValueError(f"'{v}' is reserved: --set {word}.<field> names the run's {word}; give another id")
    return v


ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
"""An id's characters: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit."""

ID_SCHEMA_PATTERN = r"^(?!(scenario|workload)(\.|$))(?!.*\.toml$)[a-z0-9][a-z0-9._-]*$"
"""The id rule as JSON Schema states it: the pattern, and neither a reserved word nor a file's name
(pydantic's own pattern engine has no look-ahead; :func:`_not_a_file_name` checks those two)."""

Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX_LENGTH, json_schema_extra={"pattern": ID_SCHEMA_PATTERN}),
    AfterValidator(_not_a_file_name),
]


LABEL_MAX_LENGTH = 256


def _label(v: str) -> str:
    if len(v) > LABEL_MAX_LENGTH:
        raise ValueError(f"expected text of at most {LABEL_MAX_LENGTH:,} characters, got {len(v):,}")
    if blank(v):  # (a zero-width space or a bidirectional override alone is as blank in a table as "")
        raise ValueError(f"expected a name, got blank text {v!r}")
    return v


Label = Annotated[str, AfterValidator(_label), WithJsonSchema({"type": "string", "maxLength": LABEL_MAX_LENGTH, "pattern": r"\S"})]
"""A name shown in a table cell (a profile's name, a published model's): not blank, and at most 256 characters, so
one cell of a 4 MB file cannot widen every row of an output (the longest shipped label has 177). Checked in Python,
not by pydantic's ``max_length``, which refuses text it cannot encode (a lone surrogate of an undecodable --set)."""


MAIN_STAGE = "main"
"""The name the workload's own first stage (``training_tokens`` at the top-level ``seq_len``, ``precision`` and batch)
goes by in the plans, notes and workbook: no further stage may take it."""


def _not_the_main_stage(v: str) -> str:
    if v == MAIN_STAGE:  # (the workbook's rows of two stages 'main' were one: the further stage ran at the first's figures)
        raise ValueError(
            f"'{MAIN_STAGE}' is the name of the workload's own first stage (training_tokens at its seq_len and precision): "
            "give this stage another name"
        )
    return v


StageName = Annotated[
    str,
    Field(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX_LENGTH, json_schema_extra={"not": {"const": MAIN_STAGE}}),
    AfterValidator(_not_the_main_stage),
]
"""A stage's name: an id's characters, not ``main`` (:data:`MAIN_STAGE`); it is no --set scope
(``workload.stages[NAME]`` names it), so the words that begin one may be stage names."""


class StrictModel(BaseModel):
    # (no protected namespaces: no field begins with model_, and the check costs each class at import)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True, protected_namespaces=())


class Records:
    """A command's result in Python as in its JSON: ``results`` are the records the JSON lists under
    ``"results"`` (the model's ``rows``, else its ``options``; a command with one record is a list of
    itself), so a script reads every command's records one way. (``Comparison`` has them as a field.)"""

    @property
    def results(self) -> list[Any]:
        for name in ("rows", "options"):
            records = getattr(self, name, None)
            if isinstance(records, list) and not (records and isinstance(records[0], str)):
                return records
        return [self]


# --------------------------------------------------------------------------- provenance


class Confidence(str, Enum):
    """How far a number can be trusted."""

    vendor = "vendor"
    third_party = "third-party"
    measured = "measured"
    estimate = "estimate"
    assumption = "assumption"


def _date_to_text(v: Any) -> Any:
    """TOML dates (``as_of = 2024-06-11``) become ISO text; bare years become text. A date and time is left
    as it is, and refused: the schema's pattern takes a date only, and the time would be dropped unseen."""
    if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
        return v.isoformat()
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if not isinstance(v, str):  # (a date and time, a float: not 'expected text', which a date is not either)
        got = _num(v) if isinstance(v, float) else "a table" if isinstance(v, dict) else _describe(v)
        raise PydanticCustomError("date_text", "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {got}", {"got": got})
    return v


_YEAR = r"(?:[1-9]\d{3}|0[1-9]\d\d|00[1-9]\d|000[1-9])"
_DATE = (
    rf"{_YEAR}(?:-(?:0[1-9]|1[0-2]))?"
    rf"|{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    r"|(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29"
)
"""YYYY, YYYY-MM or a calendar date YYYY-MM-DD (years 1 to 9999, February 29 in leap years only), as one
pattern so the JSON Schema says what the tool accepts (compiled on first use: a start-up cost otherwise)."""


def _check_date(v: str) -> str:
    if not re.fullmatch(_DATE, v):
        raise PydanticCustomError("date_text", "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {got}", {"got": repr(v[:40])})
    if len(v) == 10:
        try:
            _dt.date.fromisoformat(v)
        except ValueError:
            raise PydanticCustomError("date_text", "expected a calendar date, got {got}", {"got": repr(v)}) from None
    return v


DateText = Annotated[
    str,
    BeforeValidator(_date_to_text),
    AfterValidator(_check_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": "^(?:" + _DATE + ")$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ]
        }
    ),
]
"""A date as text: YYYY, YYYY-MM or YYYY-MM-DD (TOML dates and bare years are accepted)."""


class Currency(str, Enum):
    """Currencies a money quantity may be quoted in, and outputs may be reported in."""

    USD = "USD"
    CNY = "CNY"
    EUR = "EUR"

    @classmethod
    def read(cls, text: object) -> "Currency":
        """A currency code in any case (``--currency eur``, ``tco.compare(currency="cny")``); ValueError with
        the one message both the command line and the Python API give."""
        if isinstance(text, cls):
            return text
        try:
            return cls(str(text).upper())
        except ValueError:
            raise ValueError(f"expected USD, CNY or EUR, got {shown_text(str(text)[:40])}") from None


class Quantity(StrictModel):
    """A number with its provenance. A bare number in TOML means ``{value = number}``."""

    value: Number | None = Field(None, description="Central value; absent means unknown.")
    low: Number | None = Field(None, description="Low end where sources disagree or a range is known.")
    high: Number | None = Field(None, description="High end of the range.")
    source: str | None = Field(None, description="Where the number comes from.")
    as_of: DateText | None = Field(None, description="Date of the source, YYYY, YYYY-MM or YYYY-MM-DD.")
    confidence: Confidence | None = Field(None, description="vendor, third-party, measured, estimate or assumption.")
    note: str | None = Field(None, description="Why this value was chosen, conflicts between sources.")
    currency: Currency | None = Field(
        None, description="Currency of a money value (USD, CNY or EUR); absent means USD. The engine converts with the scenario's rates."
    )

    # Subclasses narrow the allowed values; the bound is checked on value, low and high.
    _lower: ClassVar[float | None] = None
    _lower_inclusive: ClassVar[bool] = True
    _upper: ClassVar[float | None] = None
    _bound: ClassVar[str] = ""
    """The bound in the house's words, as every bound error says it: ``expected more than 0, got -5``."""

    @classmethod
    def _expected(cls) -> str:
        """What a value of this quantity is, from its bound: ``a number of at least 1``, ``a number more than 0``."""
        if not cls._bound:
            return "a finite number"
        return f"a number {'of ' if cls._bound.startswith('at ') else ''}{cls._bound}"

    @model_validator(mode="before")
    @classmethod
    def _accept_bare_number(cls, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, (int, float, dict, Quantity)):
            raise PydanticCustomError(
                "quantity_type",
                "expected {expected} or a table with value, low, high, source, as_of, got {got}",
                {"expected": cls._expected(), "got": _describe(data)},
            )
        # A bare number no float holds is refused on the quantity written, not on the .value it stands for.
        if isinstance(data, float) and not math.isfinite(data):
            raise PydanticCustomError("finite_number", "Input should be a finite number")
        if too_large(data) is not None:
            raise PydanticCustomError("float_type", "Input should be a valid number")
        if isinstance(data, (int, float)):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _check_bounds(self) -> "Quantity":
        for name in ("value", "low", "high"):
            v = getattr(self, name)
            if v is None:
                continue
            lo, hi = self._lower, self._upper
            # (a quantity of at least 1, the PUE, says so: it takes no 0, nor a number near it)
            if v != 0 and abs(v) < TINY and not (lo is not None and lo > 0):
                zero_ok = not (lo == 0 and not self._lower_inclusive)  # (a positive quantity refuses 0 too)
                allowed = "0 or at least 1e-300 in size" if zero_ok else "a positive number of at least 1e-300"
                raise PydanticCustomError(
                    "quantity_tiny", "{name}expected {allowed}, got {got}", {"name": _named(name), "allowed": allowed, "got": _num(v)}
                )
            bad = (lo is not None and (v < lo if self._lower_inclusive else v <= lo)) or (hi is not None and v > hi)
            if bad:
                raise PydanticCustomError(
                    "quantity_bound",
                    "{name}expected {expected}, got {got}",
                    {"name": _named(name), "expected": self._bound, "got": _num(v)},
                )
        if self.low is not None and self.high is not None and self.low > self.high:
            raise PydanticCustomError(
                "quantity_range",
                "low ({low}) must not exceed high ({high})",
                {"low": _num(self.low), "high": _num(self.high)},
            )
        if self.value is not None:
            if self.low is not None and self.value < self.low:
                raise PydanticCustomError("quantity_range", "value {v} is below low {lo}", {"v": _num(self.value), "lo": _num(self.low)})
            if self.high is not None and self.value > self.high:
                raise PydanticCustomError("quantity_range", "value {v} is above high {hi}", {"v": _num(self.value), "hi": _num(self.high)})
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        table = handler(schema)
        number: dict[str, Any] = {"type": "number", "not": dict(TINY_SCHEMA)}
        if cls._lower is not None:
            number["exclusiveMinimum" if not cls._lower_inclusive else "minimum"] = cls._lower
        if cls._upper is not None:
            number["maximum"] = cls._upper
        return {"anyOf": [number, table]}


def _named(name: str) -> str:
    """How a quantity's bound error names the entry it refuses: its ``value`` is the quantity itself (a bare
    number stands for it), so only ``low`` or ``high`` is named: ``low: expected more than 0, got -1``."""
    return "" if name == "value" else f"{name}: "


class NonNegativeQuantity(Quantity):
    _lower = 0.0
    _bound = "at least 0"


class PositiveQuantity(Quantity):
    _lower = 0.0
    _lower_inclusive = False
    _bound = "more than 0"


class AtLeastOneQuantity(Quantity):
    """A factor that only ever adds work, such as a load imbalance."""

    _lower = 1.0
    _bound = "at least 1"


class FractionQuantity(Quantity):
    """A share in (0, 1]."""

    _lower = 0.0
    _lower_inclusive = False
    _upper = 1.0
    _bound = "more than 0 and at most 1"


class UnitIntervalQuantity(Quantity):
    """A share in [0, 1]."""

    _lower = 0.0
    _upper = 1.0
    _bound = "from 0 to 1"


_SCHEMAS_BUILT = False


_NUMBER_LIKE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_REPR_OF_NUMBER = re.compile(r"(?:np|numpy)\.(?:float|int|uint)(?:16|32|64|128|8)?\((.*)\)")
"""``np.float64(1.3)``: what numpy 2 prints for ``repr`` of a number, as an f-string's ``!r`` writes it into a --set."""


def plain_digits(text: str) -> str | None:
    """``text``, a number written with digits of another script (full-width '１２' as an input method types them,
    Arabic-Indic '١٢'; full-width signs and points too), in ASCII (``12``); None for any other text (ASCII too)."""
    t = text.strip()
    if t.isascii():
        return None
    import unicodedata  # (only a refusal of text where a number was expected needs it)

    plain = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else unicodedata.normalize("NFKC", c) for c in t)
    return plain if re.fullmatch(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", plain) else None


def digits_hint(text: str, *, write: str | None = None) -> str:
    """For text that is a number written with digits of another script (:func:`plain_digits`), the number in ASCII
    to write instead (or ``write``, where the number is part of a longer text: a range ``LO:HI``); else ``""``.
    (TOML and tco read ASCII digits only, where Python's float() takes any script's.)"""
    plain = plain_digits(text)
    if plain is None:
        return ""
    return f" (digits that are not ASCII, as an input method may type them: write {write or plain})"


def _number_hint(text: str) -> str:
    """For text that reads as a number where a quantity is expected, how to write it: quoted (``"1.5"``), or in a
    form TOML reads as no number (``.5``, ``5.``: TOML wants a digit on each side of the point); else ``""``."""
    t = text.strip()
    if digits := digits_hint(t):
        return digits
    if re.fullmatch(r"[+-]?(?:nan|inf|infinity)", t, flags=re.IGNORECASE):  # (a NaN in Python's spellings: TOML's is nan)
        return f" ({show_non_finite(float(t))} is no finite number)"
    if (wrapped := _REPR_OF_NUMBER.fullmatch(t)) is not None and _NUMBER_LIKE.fullmatch(wrapped.group(1).strip()):
        return f" (the repr of a numpy number: write the number, {wrapped.group(1).strip()}, or format it with str())"
    if not _NUMBER_LIKE.fullmatch(t):
        return ""
    if re.fullmatch(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", t):  # (a number TOML reads, given as quoted text)
        return f" (a number is written without quotes: {t})"
    return f" (a number needs a digit on each side of the point: write {float(t)!r})"


def build_quantity_schemas() -> None:
    """Build the schemas of the quantity models (deferred like every model's) before the first model that
    holds them: each model's schema then reuses them, where a deferred quantity is built again inside
    every model (the accelerator's, the workload's and the scenario's: ~2 ms of tco compare)."""
    global _SCHEMAS_BUILT
    if not _SCHEMAS_BUILT:
        for cls in (Quantity, NonNegativeQuantity, PositiveQuantity, AtLeastOneQuantity, FractionQuantity, UnitIntervalQuantity):
            cls.model_rebuild()
        _SCHEMAS_BUILT = True


def _describe(v: Any) -> str:
    if isinstance(v, str):
        return f"text {shown_text(v)}{_number_hint(v)}"  # (a --set byte that is not UTF-8 as the byte: '1\\x85')
    if isinstance(v, bool):
        return f"boolean {str(v).lower()}"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, (_dt.date, _dt.time)):  # (a TOML date or time, as the loader shows one)
        kind = "a time" if isinstance(v, _dt.time) else "a date and time" if isinstance(v, _dt.datetime) else "a date"
        return f"{kind} ({v.isoformat()})"
    return type(v).__name__


SCENARIO_MONEY = (
    "electricity_usd_per_kwh",
    "facility_usd_per_kw_month",
    "operations_usd_per_accelerator_year",
    "engineer_usd_per_year",
    "cost_of_delay_usd_per_day",
    "storage_usd_per_accelerator",
)
"""Scenario money inputs that may be quoted in CNY or EUR (the engine converts them)."""

ACCELERATOR_MONEY = ("price_usd", "rental.usd_per_hour")
"""Accelerator money inputs that may be quoted in CNY or EUR (the engine converts them)."""


def _foreign_currency(model: BaseModel, allowed: frozenset[str], path: str = "") -> str | None:
    """The dotted path of the first quantity quoted in CNY or EUR outside ``allowed`` (paths of the
    money inputs the engine converts with the scenario's rates), or None."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{path}{name}"
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, item in items:
            at = key if i is None else f"{key}[{i}]"
            if isinstance(item, Quantity):
                if item.currency not in (None, Currency.USD) and key not in allowed:
                    return at
            elif isinstance(item, BaseModel):
                found = _foreign_currency(item, allowed, f"{at}.")
                if found:
                    return found
    return None


def _check_currencies(model: BaseModel, allowed: frozenset[str]) -> None:
    found = _foreign_currency(model, allowed)
    if found:
        names = f"here: {', '.join(sorted(allowed))}" if allowed else "a workload has none"
        # (watts, a PUE, a token count or an exchange rate is no amount of money: "in USD only" misread it)
        money = "usd" in found.lower() and not found.startswith("usd_per_")
        what, fix = ("is in USD only", "remove it, or give the value in USD") if money else ("is not money", "remove it")
        raise ValueError(
            f"{found}.currency: this input {what}; a currency is taken only by the money inputs the scenario's "
            f"exchange rates convert ({names}): {fix}"
        )


# --------------------------------------------------------------------------- accelerator


class Precision(str, Enum):
    bf16 = "bf16"
    fp16 = "fp16"
    fp8 = "fp8"
    int8 = "int8"
    fp4 = "fp4"  # 4-bit weights and activations (NVFP4/MXFP4): a serving precision


BYTES_PER_PARAM: dict[Precision, float] = {
    Precision.bf16: 2.0,
    Precision.fp16: 2.0,
    Precision.fp8: 1.0,
    Precision.int8: 1.0,
    Precision.fp4: 0.5625,
}
"""Bytes a weight takes. FP4 is NVIDIA's NVFP4: 4-bit E2M1 values with an FP8 (E4M3) scale per block of 16,
4.5 bits a value [MODAL-BLOCK-QUANTS] (MXFP4's 8-bit scale per 32 is 4.25)."""

SERVING_ONLY = frozenset({Precision.fp4})
"""Precisions tco models for serving only: FP4 training recipes (NVFP4 pre-training) keep parts of the
model in higher precision in ways no shipped run documents."""


class Parallelism(str, Enum):
    """How the training framework may split the model (see docs/training-model.md): ``megatron``
    searches tensor, pipeline, context, expert and data parallelism (Megatron-LM, NeMo, DeepSpeed
    3D); ``fsdp`` is fully sharded data parallelism only (PyTorch FSDP / ZeRO-3, as in MosaicML's
    llm-foundry), with activation checkpointing when activations do not fit."""

    megatron = "megatron"
    fsdp = "fsdp"


class PipelineSchedule(str, Enum):
    """Pipeline schedule (see docs/training-model.md): ``1f1b`` (Megatron's one-forward-one-backward,
    interleaved on a tuned stack) or ``dualpipe`` (DeepSeek-V3's bidirectional schedule, which overlaps
    the expert all-to-all and the pipeline sends of one micro-batch with the compute of another)."""

    one_f_one_b = "1f1b"
    dualpipe = "dualpipe"


class AttentionKernel(str, Enum):
    """Which attention kernel a training stack runs (see docs/training-model.md): ``native`` is the
    kernel written for the part's generation (FlashAttention-3 or cuDNN fused attention on Hopper,
    FlashAttention-2 on Ampere), what a current stack uses; ``flash2`` is the portable
    FlashAttention-2, what stacks ran on Hopper before FlashAttention-3 (July 2024)."""

    native = "native"
    flash2 = "flash2"


class Tuning(str, Enum):
    """How well the software of a run is tuned (see docs/training-model.md and docs/serving-model.md):
    ``typical`` is a standard open-source stack as a buyer runs it (training: production runs reported
    end to end; serving: an open-source engine such as vLLM); ``tuned`` is a vendor- or expert-tuned
    stack (Megatron/NeMo performance tables, MosaicML benchmarks, Llama 3, MegaScale; serving:
    TensorRT-LLM's tables, MLPerf submissions)."""

    typical = "typical"
    tuned = "tuned"


class Maturity(str, Enum):
    """Software-ecosystem maturity, relative to CUDA (the reference)."""

    reference = "reference"
    high = "high"
    medium = "medium"
    low_medium = "low-medium"
    low = "low"


class InterconnectClass(str, Enum):
    """Scale-up fabric class; selects the default scaling efficiency per doubling."""

    nvlink = "nvlink"
    proprietary = "proprietary"
    ici = "ici"
    ethernet = "ethernet"
    pcie = "pcie"


class AttentionEfficiency(StrictModel):
    """Share of the dense 16-bit peak an attention kernel reaches in training (a kernel benchmark)."""

    native: FractionQuantity | None = Field(None, description="The kernel written for this part's generation.")
    flash2: FractionQuantity | None = Field(None, description="FlashAttention-2 (the portable kernel).")

    def for_kernel(self, kernel: AttentionKernel) -> FractionQuantity | None:
        return self.native if kernel is AttentionKernel.native else self.flash2


class PeakCompute(StrictModel):
    """Dense (no sparsity) peak throughput per precision, per accelerator."""

    bf16_tflops: PositiveQuantity | None = Field(None, description="Dense BF16 peak, TFLOP/s.")
    fp16_tflops: PositiveQuantity | None = Field(None, description="Dense FP16 peak, TFLOP/s.")
    fp8_tflops: PositiveQuantity | None = Field(None, description="Dense FP8 peak, TFLOP/s.")
    int8_tops: PositiveQuantity | None = Field(None, description="Dense INT8 peak, TOP/s.")
    fp4_tflops: PositiveQuantity | None = Field(None, description="Dense FP4 peak, TFLOP/s.")
    fp32_tflops: PositiveQuantity | None = Field(None, description="FP32 (non-tensor) peak, TFLOP/s.")

    def for_precision(self, precision: Precision) -> PositiveQuantity | None:
        return {
            Precision.bf16: self.bf16_tflops,
            Precision.fp16: self.fp16_tflops,
            Precision.fp8: self.fp8_tflops,
            Precision.int8: self.int8_tops,
            Precision.fp4: self.fp4_tflops,
        }[precision]


class Interconnect(StrictModel):
    name: Label | None = Field(None, description="Fabric name, e.g. NVLink 3, HCCS, PCIe Gen4 x16.")
    kind: InterconnectClass = Field(description="nvlink, proprietary, ici, ethernet or pcie.")
    bandwidth_gbps: PositiveQuantity | None = Field(None, description="Per-device bidirectional bandwidth, GB/s.")
    devices_per_node: Count = Field(8, description="Accelerators per server / scale-up domain.")
    scale_out_gbps: PositiveQuantity | None = Field(
        None,
        description="Per-device bandwidth between nodes (NICs per accelerator × line rate), GB/s, one direction; "
        "e.g. one 400 Gb/s NIC per GPU = 50.",
    )


class Software(StrictModel):
    stack: Label = Field(description="Software stack, e.g. CUDA, CANN, NeuWare.")
    maturity: Maturity = Field(description="Ecosystem maturity relative to CUDA.")
    maturity_source: str | None = Field(None, description="Who rated the maturity.")
    porting_weeks: NonNegativeQuantity | None = Field(
        None, description="Calendar weeks to port and validate the training stack; default from the scenario by maturity."
    )
    porting_engineer_months: NonNegativeQuantity | None = Field(
        None, description="Engineering effort of the port; default from the scenario by maturity."
    )


class Benchmark(StrictModel):
    """A measured run: tokens/s per accelerator on a named workload."""

    workload: Id = Field(description="Workload id this measurement applies to.")
    tokens_per_second: PositiveQuantity = Field(description="Measured tokens/s per accelerator.")
    power_w: PositiveQuantity | None = Field(None, description="Measured power per accelerator during the run, W.")
    accelerator_count: Accelerators | None = Field(None, description="Accelerators in the measured run; absent = within one node.")
    memory_bandwidth_utilization: FractionQuantity | None = Field(None, description="Reported share of peak bandwidth.")
    source: str = Field(description="Publication of the measurement.")
    as_of: DateText | None = Field(None, description="Date of the publication.")
    note: str | None = None


class Rental(StrictModel):
    usd_per_hour: PositiveQuantity = Field(description="Rental price per accelerator-hour, USD.")
    lead_time_weeks: NonNegativeQuantity = Field(
        default_factory=lambda: NonNegativeQuantity(
            value=0.0, source="[TCO] assumption: rented capacity is available on demand", confidence=Confidence.assumption
        ),
        description="Weeks until rented capacity is available; default 0 (on demand, an assumption).",
    )


class Market(str, Enum):
    """Where the buyer is: export controls decide what each market may purchase."""

    global_ = "global"
    cn = "cn"


class Availability(StrictModel):
    """Whether a part can be bought or rented in one market, and the rule that decides it."""

    buy: StrictBool = Field(description="The part can be purchased in this market.")
    rent: StrictBool = Field(description="Capacity on this part can be rented in this market.")
    rule: str | None = Field(None, description="The rule or fact that decides it, e.g. an export-control rule.")
    source: str | None = Field(None, description="Citation keys, e.g. [G-BIS-2023-10].")
    as_of: DateText | None = Field(None, description="Date of the rule or report.")
    note: str | None = None


class Accelerator(StrictModel):
    """An accelerator profile (``profiles/accelerators/<id>.toml``)."""

    id: Id = Field(description="Lowercase hyphenated id, e.g. a100-80gb.")
    aliases: list[Id] = Field(default_factory=_empty_list, description="Other ids that name this profile.")
    vendor: Label
    name: Label
    description: str | None = None
    release_year: Annotated[int, Field(strict=True, ge=1900, le=2100), BeforeValidator(_integral)] | None = None
    can_train: StrictBool = Field(description="Vendor positions the part for training.")
    can_serve: StrictBool = Field(description="The part can serve inference.")
    training_note: str | None = Field(None, description="Disagreements about training capability.")
    peak: PeakCompute = Field(description="Dense peak compute per precision.")
    memory_gb: PositiveQuantity = Field(description="Accelerator memory, GB (10^9 bytes).")
    memory_bandwidth_gbps: PositiveQuantity = Field(description="Memory bandwidth, GB/s.")
    tdp_w: PositiveQuantity = Field(description="Board power (TDP), W.")
    price_usd: PositiveQuantity | None = Field(None, description="Unit price per accelerator, USD.")
    rental: Rental | None = Field(None, description="Rental terms, for rent-only or rentable parts.")
    server_overhead_factor: PositiveQuantity | None = Field(
        None, description="Server cost per accelerator ÷ accelerator price; default from the scenario."
    )
    power_overhead_factor: PositiveQuantity | None = Field(
        None, description="All-in IT watts per accelerator ÷ TDP; default from the scenario."
    )
    lead_time_weeks: NonNegativeQuantity | None = Field(None, description="Procurement lead time, weeks.")
    embodied_kgco2e: NonNegativeQuantity | None = Field(
        None, description="Embodied (manufacturing) emissions of one accelerator with its share of the server, kgCO2e."
    )
    server_usd_per_accelerator: NonNegativeQuantity | None = Field(
        None,
        description="Server cost besides the accelerators (CPUs, memory, NICs, chassis) per accelerator, from a "
        "bill of materials; when absent the server costs price × server_overhead_factor.",
    )
    mfu: FractionQuantity | None = Field(
        None,
        description="Measured end-to-end training MFU on this part; when given it is final (no layout model on top).",
    )
    matmul_efficiency: FractionQuantity | None = Field(
        None,
        description="Maximum achievable matmul FLOPS ÷ the dense 16-bit peak (a matmul microbenchmark); default 0.80, assumed.",
    )
    attention_efficiency: AttentionEfficiency | None = Field(
        None,
        description="Attention kernel FLOPS (forward + backward, causal) ÷ the dense 16-bit peak, per kernel; "
        "default 0.725 × the matmul fraction, assumed.",
    )
    relative_training_performance: PositiveQuantity | None = Field(
        None, description="Training throughput relative to an A100 (1.0 = A100), an estimate."
    )
    interconnect: Interconnect
    software: Software
    availability: dict[Market, Availability] = Field(
        default_factory=_empty_dict,
        description="Availability by market (global, cn); a market not listed means buyable and rentable there.",
    )
    benchmarks: list[Benchmark] = Field(default_factory=_empty_list)

    @model_validator(mode="after")
    def _currencies(self) -> "Accelerator":
        _check_currencies(self, frozenset(ACCELERATOR_MONEY))
        return self

    @model_validator(mode="after")
    def _one_run_per_workload(self) -> "Accelerator":
        # (the engine carries one measured run to other counts, and --set names a run by its workload)
        seen = [b.workload for b in self.benchmarks]
        twice = next((w for i, w in enumerate(seen) if w in seen[:i]), None)
        if twice is not None:
            raise CrossFieldError(
                f"benchmarks: two runs of the workload '{twice}': give one per workload (the model carries it to other counts)",
                reads=("benchmarks[*].workload",),
            )
        return self

    def benchmark_for(self, workload_id: str) -> Benchmark | None:
        for b in self.benchmarks:
            if b.workload == workload_id:
                return b
        return None


# --------------------------------------------------------------------------- workload


def default_heads(d_model: int) -> int:
    """Attention heads where a shape gives none: heads of width 128, at least one."""
    return max(1, d_model // 128)


class ModelShape(StrictModel):
    """Transformer shape; when absent a standard shape is inferred from the parameter count."""

    layers: Count
    d_model: Count
    kv_dim: Count | None = Field(None, description="Width of K (and of V) per layer; default d_model (no GQA).")
    heads: Count | None = Field(None, description="Attention heads; default d_model / 128.")
    head_dim: Count | None = Field(None, description="Width of one attention head; default d_model / heads (Qwen3: 128 at any width).")
    ffn_dim: Count | None = Field(
        None, description="FFN hidden width (per expert for MoE); default 4·d_model. Sets the FFN's share of the activation memory."
    )
    gated_ffn: StrictBool | None = Field(
        None, description="Gated FFN with three matrices (SwiGLU: Llama, Mistral, Qwen); default: gated unless ffn_dim is 4·d_model."
    )
    vocab: Count | None = Field(
        None,
        description="Vocabulary size; sets the memory of the logits the training loss keeps, and with 8-bit serving weights "
        "the 16-bit embedding matrices.",
    )
    tied_embeddings: StrictBool = Field(
        False, description="Input and output embeddings share one matrix (GPT-3); only the parameter count uses it."
    )

    @model_validator(mode="after")
    def _heads_divide_the_width(self) -> "ModelShape":
        if self.heads is not None and self.head_dim is None and self.d_model % self.heads:
            raise ValueError(f"heads: {self.heads} heads do not divide d_model = {self.d_model}: give head_dim, the width of one head")
        # K and V are at most as wide as the queries (MHA: equal; GQA, MQA and MLA: narrower)
        heads = self.heads if self.heads is not None else default_heads(self.d_model)
        attention = heads * (self.head_dim or self.d_model // heads)
        if self.kv_dim is not None and self.kv_dim > attention:
            shown = f"{heads} head{'s' if heads != 1 else ''}"
            raise ValueError(
                f"kv_dim: {self.kv_dim} is wider than the queries ({shown} × {attention // heads} = {attention}): "
                "K and V have at most as many heads as Q"
            )
        return self

    @classmethod
    def from_heads(
        cls,
        layers: int,
        d_model: int,
        heads: int | None = None,
        kv_heads: int | None = None,
        head_dim: int | None = None,
        *,
        ffn_dim: int | None = None,
        gated_ffn: bool | None = None,
        vocab: int | None = None,
        tied_embeddings: bool = False,
    ) -> "ModelShape":
        """A shape from head counts as papers publish them: ``kv_dim = head_dim · kv_heads`` with
        ``head_dim = d_model / heads`` unless given (grouped-query attention); with KV heads but no head
        count, heads of width 128 are assumed."""
        if kv_heads is not None and heads is None:
            heads = default_heads(d_model)
        width = head_dim or (d_model // heads if heads else None)
        kv_dim = width * kv_heads if width and kv_heads else None
        return cls(
            layers=layers,
            d_model=d_model,
            heads=heads,
            kv_dim=kv_dim,
            head_dim=head_dim,
            ffn_dim=ffn_dim,
            gated_ffn=gated_ffn,
            vocab=vocab,
            tied_embeddings=tied_embeddings,
        )


_MOE_SPLIT = ("parameters", "active_parameters", "experts", "experts_per_token")
"""The fields the MoE split's checks read."""


CROSS_FIELD_CHECKS: dict[str, tuple[str, ...]] = {
    "active_parameters": _MOE_SPLIT,
    "experts_per_token": ("experts", "experts_per_token"),
    "experts": ("experts", "experts_per_token"),
    "layout.expert_parallel": ("layout", "experts"),
    "prompt_tokens": ("prompt_tokens", "output_tokens", "seq_len"),
    "output_tokens": ("prompt_tokens", "output_tokens", "seq_len"),
    "heads": ("heads", "d_model", "head_dim"),
    "kv_dim": ("kv_dim", "heads", "d_model", "head_dim"),
}
"""The fields a check across a model's fields reads, by the field its message names (relative to the
model): an error of the check is a ``--set``'s when the ``--set`` wrote one of them (or a part of one,
such as its range; not its source or note), else the file's."""


class CrossFieldError(ValueError):
    """A check across fields whose message names a field that carries other checks too
    (``experts_per_token``): it says which fields it reads itself, where it raises, instead of
    :data:`CROSS_FIELD_CHECKS`' entry for the field it names."""

    def __init__(self, message: str, *, reads: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reads = reads


def _ends(q: Quantity) -> tuple[float, float]:
    """The smallest and largest value a quantity takes over its range (its value where an end is absent)."""
    v = float(q.value) if q.value is not None else math.nan
    lo = float(q.low) if q.low is not None else v
    hi = float(q.high) if q.high is not None else v
    return min(lo, v), max(hi, v)


class _WorkloadBase(StrictModel):
    id: Id
    name: Label
    description: str | None = None
    source: str | None = Field(None, description="Where the parameters and tokens come from.")
    parameters: PositiveQuantity = Field(description="Total parameters.")
    active_parameters: PositiveQuantity | None = Field(None, description="Parameters active per token (MoE).")
    precision: Precision = Field(description="Numeric precision of the matmuls.")
    seq_len: Count = Field(description="Sequence (context) length, tokens.")
    shape: ModelShape | None = None
    experts: Count | None = Field(None, description="Routed experts per MoE layer.")
    experts_per_token: Count | None = Field(None, description="Routed experts each token visits (top-k).")

    @model_validator(mode="after")
    def _active_within_total(self) -> "_WorkloadBase":
        active, total = self.active_parameters, self.parameters
        if active is not None and active.value is not None and total.value is not None and active.value > total.value:
            raise ValueError(f"active_parameters: must not exceed parameters ({_num(total.value)}), got {_num(active.value)}")
        if (self.experts is None) != (self.experts_per_token is None):
            missing = "experts_per_token" if self.experts is not None else "experts"
            raise ValueError(f"{missing}: experts and experts_per_token go together (an MoE workload needs both)")
        if self.experts is not None and self.experts_per_token is not None and self.experts_per_token > self.experts:
            raise ValueError(f"experts_per_token: must not exceed experts ({self.experts}), got {self.experts_per_token}")
        if (
            self.experts is not None
            and self.experts_per_token == self.experts
            and active is not None
            and active.value is not None
            and total.value is not None
            and active.value < total.value
        ):
            raise CrossFieldError(
                f"experts_per_token: with every expert active ({self.experts} of {self.experts}) every parameter is, "
                f"so active_parameters ({_num(active.value)}) must equal the total parameters ({_num(total.value)})",
                reads=_MOE_SPLIT,
            )
        share = self.experts_per_token / self.experts if self.experts and self.experts_per_token else 1.0
        if share < 1 and active is not None and active.value is not None and total.value is not None and active.value < share * total.value:
            raise ValueError(
                f"active_parameters: with {self.experts_per_token} of {self.experts} experts per token at least "
                f"{self.experts_per_token}/{self.experts} of the {_num(total.value)} parameters are active (more with shared "
                f"weights), got {_num(active.value)}"
            )
        every = self.experts is not None and self.experts_per_token == self.experts
        if every and active is not None and active.value is not None and total.value is not None and _ends(active) != _ends(total):
            raise CrossFieldError(
                f"experts_per_token: with every expert active ({self.experts} of {self.experts}) every parameter is, so "
                "active_parameters must equal the total parameters over their ranges too: {}–{} against {}–{}".format(
                    *map(_num, (*_ends(active), *_ends(total)))
                ),
                reads=_MOE_SPLIT,
            )
        if active is not None and active.value is not None and total.value is not None:
            # The rules hold over the ranges too: sensitivity and simulate move each end on its own, so the
            # smallest active count must reach its share of the largest total, and the largest active
            # count must not exceed the smallest total.
            a_lo, a_hi = _ends(active)
            t_lo, t_hi = _ends(total)
            if a_hi > t_lo and not every:  # (with every expert active they are one number, held equal above)
                raise ValueError(
                    f"active_parameters: must not exceed parameters over their ranges: the active high ({_num(a_hi)}) "
                    f"is above the total low ({_num(t_lo)})"
                )
            if share < 1 and a_lo < share * t_hi:
                raise ValueError(
                    f"active_parameters: with {self.experts_per_token} of {self.experts} experts per token at least "
                    f"{self.experts_per_token}/{self.experts} of the parameters are active over their ranges: the active low "
                    f"({_num(a_lo)}) is below {self.experts_per_token}/{self.experts} of the total high ({_num(t_hi)})"
                )
        if (
            self.experts is not None
            and self.experts_per_token is not None
            and self.experts_per_token < self.experts
            and total.value is not None
            and (active is None or (active.value is not None and active.value >= total.value))
        ):
            raise ValueError(
                f"active_parameters: with {self.experts_per_token} of {self.experts} experts active per token, fewer parameters "
                f"are active than the {_num(total.value)} in all; give active_parameters (the parameters one token uses)"
            )
        _check_currencies(self, frozenset())
        return self


MAX_STAGES = 64
"""Stages of one training workload: each is planned on its own (a layout search), so a runaway list would
run for hours (published runs have two to five: pre-training, long-context extension, post-training)."""


class Stage(StrictModel):
    """A further stage of a training job (long-context extension, post-training): its own tokens, and
    the workload's sequence length, precision and batch unless it says otherwise."""

    name: StageName = Field(description="Stage name, e.g. long-context; not main, the name of the workload's own first stage.")
    tokens: PositiveQuantity = Field(description="Tokens trained in this stage.")
    seq_len: Count | None = Field(None, description="Sequence length; default the workload's.")
    precision: Precision | None = Field(None, description="Precision; default the workload's.")
    global_batch_tokens: PositiveQuantity | None = Field(None, description="Tokens per step; default the workload's.")


class TrainingLayout(StrictModel):
    """A parallel layout to hold the job to: each degree given is fixed, each one left out is searched
    (data parallelism always follows from the count and the batch)."""

    tensor_parallel: Count | None = Field(None, description="Tensor-parallel degree (within a node).")
    pipeline_parallel: Count | None = Field(None, description="Pipeline stages.")
    context_parallel: Count | None = Field(None, description="Context-parallel degree (the sequence split).")
    expert_parallel: Count | None = Field(None, description="Expert-parallel degree (MoE).")
    recompute: Literal["none", "selective", "full"] | None = Field(None, description="Activation recomputation; full means every layer.")


class TrainingWorkload(_WorkloadBase):
    """Train ``parameters`` on ``training_tokens`` (``profiles/workloads/<id>.toml``, kind = "training")."""

    kind: Literal["training"]
    training_tokens: PositiveQuantity = Field(description="Tokens of the main stage (pre-training).")
    accelerator_count: Accelerators = Field(description="Accelerators per option unless an option says otherwise.")
    global_batch_tokens: PositiveQuantity | None = Field(
        None, description="Tokens per optimizer step; default 2e6·(N/7e9)^(1/3) (GPT-3, Llama 2 batch sizes)."
    )
    tuning: Tuning = Field(
        Tuning.typical,
        description="Software tuning: typical (default: an open-source stack as a buyer runs it) or tuned "
        "(training: Megatron/NeMo-class; serving: a vendor engine such as TensorRT-LLM).",
    )
    attention_kernel: AttentionKernel = Field(
        AttentionKernel.native, description="native (default: the kernel written for the part) or flash2 (FlashAttention-2)."
    )
    parallelism: Parallelism = Field(
        Parallelism.megatron,
        description="megatron (default: tensor/pipeline/context/expert/data layout search) or fsdp (fully sharded data parallel only).",
    )
    pipeline_schedule: PipelineSchedule = Field(
        PipelineSchedule.one_f_one_b,
        description="1f1b (default) or dualpipe (DeepSeek-V3: all-to-all and pipeline sends hidden, smaller bubble, two parameter copies).",
    )
    mfu: FractionQuantity | None = Field(
        None, description="Measured end-to-end MFU of this job; when given it is final (no layout model on top)."
    )
    layout: TrainingLayout | None = Field(None, description="Fix parallel degrees or the recomputation instead of searching them.")
    load_imbalance: AtLeastOneQuantity | None = Field(
        None, description="MoE only: expert compute × this (>= 1) for uneven routing across experts; default 1.1."
    )
    stages: list[Stage] = Field(
        default_factory=_empty_list, max_length=MAX_STAGES, description=f"Further stages after the main one (at most {MAX_STAGES})."
    )

    @model_validator(mode="after")
    def _moe(self) -> "TrainingWorkload":
        ep = self.layout.expert_parallel if self.layout is not None else None
        if ep is not None and self.experts is not None and self.experts % ep:  # (a dense model: the engine says so)
            raise ValueError(
                f"layout.expert_parallel: an expert-parallel degree of {ep} must divide the {self.experts} "
                f"expert{'' if self.experts == 1 else 's'}"
            )
        if self.load_imbalance is not None and self.experts is None:  # (read only for routed experts: else silently dropped)
            raise ValueError(
                "load_imbalance: uneven routing across experts applies to an MoE workload (give experts and "
                "experts_per_token), not a dense one; leave load_imbalance out"
            )
        if self.load_imbalance is not None and self.experts is not None and self.experts_per_token == self.experts:
            # (each expert takes every token: the routing is even, and the factor would be read by nothing)
            raise CrossFieldError(
                f"load_imbalance: with every expert active ({self.experts} of {self.experts}) each expert takes every token, so "
                "routing cannot be uneven; leave load_imbalance out",
                reads=("load_imbalance", "experts", "experts_per_token"),
            )
        names = [s.name for s in self.stages]
        if len(set(names)) != len(names):
            twice = next(n for i, n in enumerate(names) if n in names[:i])
            raise CrossFieldError(f"stages: stage names must be unique, got '{twice}' twice", reads=("stages[*].name",))
        for key, precision in [("precision", self.precision), *((f"stages[{s.name}].precision", s.precision) for s in self.stages)]:
            if precision in SERVING_ONLY:
                raise ValueError(f"{key}: {precision.value} is modelled for serving only (4-bit training recipes are not): use fp8 or bf16")
        return self


class InferenceWorkload(_WorkloadBase):
    """Serve ``tokens_per_day`` for ``service_life_years`` (kind = "inference")."""

    kind: Literal["inference"]
    tokens_per_day: PositiveQuantity = Field(description="Generated tokens served per day.")
    service_life_years: PositiveQuantity = Field(description="Years the service runs.")
    max_batch: Count = Field(
        256, description="Largest decode batch per replica the serving stack runs; default 256, vLLM's default max_num_seqs."
    )
    tuning: Tuning = Field(
        Tuning.typical,
        description="Software tuning: typical (default: an open-source stack as a buyer runs it) or tuned "
        "(training: Megatron/NeMo-class; serving: a vendor engine such as TensorRT-LLM).",
    )
    prompt_tokens: AtLeastOneQuantity | None = Field(None, description="Mean prompt tokens per request; default seq_len / 2.")
    output_tokens: AtLeastOneQuantity | None = Field(None, description="Mean generated tokens per request; default seq_len / 2.")
    time_per_output_token_ms: PositiveQuantity | None = Field(None, description="Latency target: time per output token (caps the batch).")
    time_to_first_token_ms: PositiveQuantity | None = Field(None, description="Latency target: time to first token (caps the batch).")
    latency_percentile: Number | None = Field(
        None,
        ge=50,
        lt=100,
        description="Percentile of requests the time-per-output-token target holds for (e.g. 99, as in MLPerf; given with "
        "time_per_output_token_ms); default: the mean.",
    )

    @model_validator(mode="after")
    def _requests_fit_the_context(self) -> "InferenceWorkload":
        # A request length or latency target is a choice of the service, not an estimate: given without
        # a value it would be silently dropped (the default length, no target), so it is refused.
        for name in ("prompt_tokens", "output_tokens", "time_per_output_token_ms", "time_to_first_token_ms"):
            q = getattr(self, name)
            if q is not None and q.value is None:
                raise ValueError(f"{name}: give a value (the service's own choice cannot be unknown), or leave the key out")
        p = self.prompt_tokens.value if self.prompt_tokens is not None else None
        o = self.output_tokens.value if self.output_tokens is not None else None
        for name, v in (("prompt_tokens", p), ("output_tokens", o)):
            if v is not None and v < 1:
                raise ValueError(f"{name}: a request has at least 1 token, got {_num(v)}")
            if v is not None and v > self.seq_len:
                raise ValueError(f"{name}: {_num(v)} tokens exceed seq_len = {self.seq_len}, the context a request must fit in")
        if p is not None and o is not None and p + o > self.seq_len:
            raise ValueError(
                f"prompt_tokens: a request of {_num(p)} + {_num(o)} tokens exceeds seq_len = {self.seq_len}, the context it must fit in"
            )
        if p is None and o is None and self.seq_len < 2:  # (each defaults to seq_len / 2, and a request has one token of each)
            raise ValueError(
                f"seq_len: a request has at least 1 prompt and 1 output token, which a context of {self.seq_len} cannot hold: "
                "give seq_len of at least 2"
            )
        if (p is None) != (o is None) and (p or o or 0.0) + self.seq_len / 2 > self.seq_len:
            name, other = ("prompt_tokens", "output_tokens") if p is not None else ("output_tokens", "prompt_tokens")
            raise ValueError(
                f"{name}: a request of {_num(p or self.seq_len / 2)} + {_num(o or self.seq_len / 2)} tokens ({other} by default "
                f"seq_len / 2) exceeds seq_len = {self.seq_len}; give {other} too"
            )
        # A length's range holds to the context too: each end is a request the service runs (a sweep of it, the
        # analyses' note of a range they hold), with the other length at its value.
        for name, q, other, rest in (
            ("prompt_tokens", self.prompt_tokens, "output_tokens", o),
            ("output_tokens", self.output_tokens, "prompt_tokens", p),
        ):
            high = float(q.high) if q is not None and q.high is not None else None
            if high is not None and high + (rest if rest is not None else self.seq_len / 2) > self.seq_len:
                by_default = f" ({other} by default seq_len / 2)" if rest is None else ""
                raise ValueError(
                    f"{name}: a request of {_num(high)} (its high) + {_num(rest if rest is not None else self.seq_len / 2)} "
                    f"tokens{by_default} exceeds seq_len = {self.seq_len}, the context it must fit in"
                )
        if self.latency_percentile is not None and self.time_per_output_token_ms is None:
            # (the percentile is the time-per-output-token target's: without one it would be silently dropped)
            raise ValueError(
                "latency_percentile: it is the share of requests the time_per_output_token_ms target holds for, and no "
                "target is given: give time_per_output_token_ms too, or leave latency_percentile out"
            )
        return self


Workload = Annotated[TrainingWorkload | InferenceWorkload, Field(discriminator="kind")]


class WorkloadFile(StrictModel):
    workload: Workload


# --------------------------------------------------------------------------- scenario


class Fabric(str, Enum):
    infiniband = "infiniband"
    ethernet = "ethernet"


class NetworkCosts(StrictModel):
    """Scale-out network cost per accelerator for each switching tier it needs (a fat tree of radix-32
    leaves: one tier up to 64 servers, two up to 2,048, three up to 65,536; two servers connect directly)."""

    infiniband: NonNegativeQuantity
    ethernet: NonNegativeQuantity


class PortingEffort(StrictModel):
    weeks: NonNegativeQuantity
    engineer_months: NonNegativeQuantity


class Scenario(StrictModel):
    """The economics (``profiles/scenarios/<id>.toml``)."""

    id: Id
    name: Label
    description: str | None = None
    electricity_usd_per_kwh: NonNegativeQuantity
    pue: AtLeastOneQuantity = Field(description="Power usage effectiveness, >= 1.")
    average_power_fraction: FractionQuantity = Field(description="Average ÷ peak power while running.")
    utilization: FractionQuantity = Field(description="Share of owned calendar hours in useful jobs.")
    depreciation_years: PositiveQuantity
    grid_kgco2e_per_kwh: NonNegativeQuantity | None = Field(
        None, description="Carbon intensity of the electricity, kgCO2e/kWh; default: the market's entry below."
    )
    grid_kgco2e_per_kwh_by_market: dict[Market, NonNegativeQuantity] = Field(
        default_factory=_empty_dict, description="Grid carbon intensity by market (global = US average, cn = China average)."
    )
    carbon_usd_per_tonne: NonNegativeQuantity | None = Field(None, description="Carbon price; when > 0 emissions become a cost.")
    economic_depreciation_oom_per_year: NonNegativeQuantity = Field(
        default_factory=lambda: NonNegativeQuantity(
            value=0.14,
            low=0.10,
            high=0.18,
            source="[EPOCH-CODE] Epoch AI: hardware value falls 0.14 orders of magnitude per year (90% CI 0.10-0.18)",
            confidence=Confidence.third_party,
        ),
        description="Resale value falls 10^(-δ·t) after t years (cash flow's residual value).",
    )
    cost_of_capital: UnitIntervalQuantity = Field(description="Annual rate, e.g. 0.10.")
    server_overhead_factor: PositiveQuantity = Field(description="Server cost ÷ accelerator price (k_srv).")
    fabric: Fabric = Field(Fabric.infiniband, description="Scale-out fabric: infiniband or ethernet (prices the network).")
    network_usd_per_accelerator_tier: NetworkCosts = Field(
        description="Switches, optics and cables per accelerator per switching tier, by fabric."
    )
    storage_usd_per_accelerator: NonNegativeQuantity = Field(description="Training storage per accelerator.")
    power_overhead_factor: PositiveQuantity = Field(description="All-in IT W ÷ TDP (k_pwr).")
    facility_usd_per_kw_month: NonNegativeQuantity = Field(description="Colocation per contracted IT kW per month.")
    operations_usd_per_accelerator_year: NonNegativeQuantity
    engineer_usd_per_year: NonNegativeQuantity = Field(description="Fully loaded engineer cost.")
    deployment_weeks: NonNegativeQuantity = Field(description="Burn-in, installation and acceptance of bought hardware.")
    rental_setup_weeks: NonNegativeQuantity = Field(description="Set-up of rented capacity.")
    cost_of_delay_usd_per_day: NonNegativeQuantity = Field(description="What one day later to market costs.")
    deadline_days: PositiveQuantity | None = Field(None, description="Market date; only days past it are penalised.")
    failure_rate_per_accelerator_day: NonNegativeQuantity = Field(description="Interruptions per accelerator-day.")
    checkpoint_save_minutes: NonNegativeQuantity = Field(description="Blocking checkpoint save time.")
    restart_minutes: NonNegativeQuantity = Field(description="Detect + restart time per interruption.")
    porting: dict[Maturity, PortingEffort] = Field(description="Porting effort by ecosystem maturity.")
    market: Market = Field(Market.global_, description="Where the buyer is: 'global' or 'cn' (export controls apply).")
    usd_per_cny: PositiveQuantity | None = Field(None, description="Exchange rate, USD per 1 CNY (dated, with a range).")
    usd_per_eur: PositiveQuantity | None = Field(None, description="Exchange rate, USD per 1 EUR (dated, with a range).")

    @model_validator(mode="after")
    def _currencies(self) -> "Scenario":
        _check_currencies(self, frozenset(SCENARIO_MONEY))
        return self

    @model_validator(mode="after")
    def _rate_the_right_way_round(self) -> "Scenario":
        # (a yuan has never been worth a dollar: 7.08 is the rate as quoted, CNY per USD, and was read as
        # 7.08 USD per CNY, every CNY amount 50 times too large)
        rate = self.usd_per_cny
        named = (("", rate.value), (" (its low)", rate.low), (" (its high)", rate.high)) if rate else ()
        ends = [(e, v) for e, v in named if v is not None and v > 1]
        if ends:
            end, got = ends[0]
            raise ValueError(
                f"usd_per_cny: expected USD per 1 CNY (below 1: 0.14 in 2023), got {_num(got)}{end}, which is CNY per USD: "
                f"write 1 / {_num(got)} = {1 / got:.4g}"
            )
        return self


# --------------------------------------------------------------------------- options and results


class Acquisition(str, Enum):
    buy = "buy"
    rent = "rent"


class OptionSpec(StrictModel):
    """One option to compare: an accelerator, a count (None = the workload's) and buy or rent."""

    accelerator: Id
    count: Count | None = None
    acquisition: Acquisition = Acquisition.buy

    @property
    def label(self) -> str:
        return self.accelerator + (f"@{self.count}" if self.count else "") + (":rent" if self.acquisition is Acquisition.rent else "")


class ThroughputSource(str, Enum):
    measured = "measured"
    derived = "derived"


class OptionStatus(str, Enum):
    """Whether an option could be ranked: ``ranked`` (every figure known), ``incomplete`` (an input it
    needs is unknown: the figures that do not need it are still given), ``infeasible`` (it cannot run
    the workload at all: the reason says why)."""

    ranked = "ranked"
    incomplete = "incomplete"
    infeasible = "infeasible"


class StageResult(StrictModel):
    """One stage of a staged training job (pre-training, a long-context extension, ...) on one option: its own
    tokens, rate, time and layout. The job's figures are their sum (time) and its tokens over that time (rate)."""

    name: str = Field(description="The stage's name ('main' for pre-training, the workload's stages[].name after it).")
    tokens: float | None = Field(description="Training tokens of the stage.")
    seq_len: int = Field(description="Sequence length of the stage, tokens.")
    precision: Precision = Field(description="Numeric precision of the stage.")
    tokens_per_second_per_accelerator: float | None = Field(description="The stage's own rate over all the option's accelerators.")
    time_to_converge_hours: float | None = Field(description="The stage's run time, failures included (its goodput).")
    layout: dict[str, int | float | str | None] | None = Field(
        None, description="The parallel layout chosen for the stage (keys as the result's layout); None where none was modelled."
    )


class OptionResult(StrictModel):
    """Everything computed for one option. A figure is None when it does not apply, or when it needs an
    input listed in ``missing_inputs``; ``rank`` is None for options that cannot be ranked."""

    accelerator: str
    name: str
    acquisition: Acquisition
    status: OptionStatus = OptionStatus.ranked
    missing_inputs: list[str] = Field(default_factory=_empty_list, description="Input paths (usable with --set) this option lacks.")
    reason: str | None = Field(None, description="Why an infeasible option cannot run the workload.")
    count: int | None
    throughput_source: ThroughputSource | None
    tokens_per_second_per_accelerator: float | None
    mfu: float | None
    scaling_efficiency: float | None
    goodput: float | None
    power_w_per_accelerator: float | None
    time_to_converge_hours: float | None
    lead_time_days: float | None
    deployment_days: float | None
    porting_days: float | None
    time_to_market_days: float | None
    energy_kwh: float | None = Field(description="All-in energy drawn: average power × server overhead × PUE (rented: cost in the rate).")
    capex_usd: float | None
    capital_usd: float | None
    rent_usd: float | None
    energy_usd: float | None
    facility_usd: float | None
    operations_usd: float | None
    porting_usd: float | None
    compute_cost_usd: float | None
    job_cost_usd: float | None
    cost_per_million_tokens_usd: float | None
    delay_days: float | None
    delay_penalty_usd: float | None
    effective_cost_usd: float | None
    rank: int | None
    annual_cost_usd: float | None = None
    price_to_match_usd: float | None = Field(
        None, description="For an unknown price: the unit price at which this option ties the best ranked option (it wins below it)."
    )
    lead_time_to_match_weeks: float | None = Field(
        None, description="For an unknown lead time: the lead time at which this option ties the best ranked option."
    )
    maturity: str | None = Field(None, description="Software-ecosystem maturity of the accelerator.")
    claimed_relative_training_performance: float | None = Field(
        None, description="A published relative-to-A100 training estimate (e.g. the seed article's), shown beside the model."
    )
    notes: list[str] = Field(default_factory=_empty_list)
    # Appended in 0.2 (CSV columns are only ever appended):
    accelerator_hours: float | None = Field(
        None,
        description="Accelerator-hours the fleet is busy (count × busy hours): for a serving fleet rounded up to whole "
        "replicas, its spare capacity included, more than the hours the tokens served take.",
    )
    cost_per_accelerator_hour_usd: float | None = Field(
        None, description="Compute cost ÷ accelerator-hours: all-in for owned hardware (idle time included), the rate when rented."
    )
    accelerator_energy_kwh: float | None = Field(
        None,
        description="Accelerator-hours × TDP: the accelerators alone, as publications quote it (for a serving fleet with spare "
        "capacity, an upper bound that can exceed energy_kwh, which follows the work done).",
    )
    replica_accelerators: int | None = Field(None, description="Serving: accelerators per model replica (ID@N fixes it).")
    batch: int | None = Field(None, description="Serving: sequences decoded together per replica.")
    time_per_output_token_ms: float | None = Field(
        None,
        description="Serving: time per output token at the chosen batch, for the mean request or, where the workload gives "
        "latency_percentile, at that percentile (the figure its time_per_output_token_ms target caps).",
    )
    time_to_first_token_ms: float | None = Field(None, description="Serving: time to first token at the chosen batch.")
    emissions_kgco2e: float | None = Field(None, description="Operational + embodied emissions (needs embodied_kgco2e).")
    operational_emissions_kgco2e: float | None = Field(None, description="Energy drawn × grid carbon intensity (rented too).")
    embodied_emissions_kgco2e: float | None = Field(None, description="Embodied emissions amortized over the hardware's life.")
    carbon_usd: float | None = Field(None, description="Emissions × the scenario's carbon price (0 unless one is set).")
    option: str | None = Field(None, description="The option's label, as every command's results name it (same as accelerator).")
    cost_per_owned_accelerator_hour_usd: float | None = Field(
        None,
        description="Compute cost ÷ accelerator-hours owned, busy or idle (count × hours owned): the basis of published TCO "
        "per GPU-hour; the rate when rented.",
    )
    layout: dict[str, int | float | str | None] | None = Field(
        None,
        description="Training at a derived rate: the parallel layout the model chose (of the first stage, for a staged job: "
        "each stage's is in stages), "
        "as tco estimate reports it; CSV spreads it over layout.* columns. None for serving, a measured run or a given MFU.",
    )
    stages: list[StageResult] | None = Field(
        None,
        description="A staged training job (more than one stage): each stage's tokens, rate, time and layout, in order. "
        "None for a one-stage job or serving; CSV leaves it out (one row per option).",
    )
    # Appended in 0.3 (after the layout.* columns in CSV, which are only ever appended to):
    claimed_relative_training_performance_low: float | None = Field(
        None, description="The low end of the published relative-to-A100 estimate's range (the seed article's '~70-80%': 0.7)."
    )
    claimed_relative_training_performance_high: float | None = Field(
        None, description="The high end of the published relative-to-A100 estimate's range (the seed article's '~70-80%': 0.8)."
    )

    @model_validator(mode="after")
    def _name_the_option(self) -> "OptionResult":
        if self.option is None:
            object.__setattr__(self, "option", self.accelerator)
        return self


class Comparison(StrictModel):
    """What ``tco.compare`` returns: every option's figures (``results``, cheapest effective cost first;
    ``ranked``: those that can be ranked)."""

    schema_version: Literal[1] = 1
    tco_version: str | None = Field(None, description="Version of tco that produced the result (JSON output).")
    inputs: dict[str, Any] | None = Field(None, description="Audit trail: command, options, files with SHA-256, every --set.")
    workload: str
    workload_kind: Literal["training", "inference"]
    tuning: Tuning = Field(
        Tuning.typical,
        description="The workload's software tuning (training) or serving engine (inference) that derived throughput assumes.",
    )
    scenario: str
    currency: Currency = Currency.USD
    baseline: str | None
    results: list[OptionResult]

    @property
    def ranked(self) -> list[OptionResult]:
        return [r for r in self.results if r.rank is not None]


# --------------------------------------------------------------------------- bibliography


CITATION_KEY = r"[A-Z0-9][A-Z0-9.-]*[A-Z0-9]"
"""A citation key, cited in a ``source`` string as ``[KEY]`` (``profiles/sources/*.toml`` defines each)."""


class Citation(StrictModel):
    """One publication of the shipped bibliography (``profiles/sources/*.toml``, a table per key)."""

    title: Label
    publisher: Label
    date: DateText = Field(description="Publication or data-snapshot date: YYYY, YYYY-MM or YYYY-MM-DD.")
    url: str | None = None
    note: str | None = None


# --------------------------------------------------------------------------- calibration set


def _kv_heads_divide(v: int | None, info: ValidationInfo) -> int | None:
    """KV heads are shared by groups of query heads: their count divides the heads' (as tco estimate's flags
    require); with no head count given, heads of width 128 are assumed (:meth:`ModelShape.from_heads`)."""
    heads, width = info.data.get("heads"), info.data.get("d_model")
    heads = heads if heads is not None else (default_heads(width) if isinstance(width, int) else None)
    if v is not None and isinstance(heads, int) and heads % v:
        raise PydanticCustomError("kv_heads", "{v} KV heads must divide the {h} attention heads", {"v": str(v), "h": str(heads)})
    return v


class PublishedRun(StrictModel):
    """What every published measurement states of its run: the part, and the model with its flat shape (a
    row of a table, so the shape's fields sit beside the others rather than in a table of their own)."""

    @field_validator("parameters", "total_parameters")
    @classmethod
    def _no_subnormal_size(cls, v: float | None) -> float | None:
        return _not_tiny(v)

    accelerator: Id = Field(description="Accelerator profile id the run used.")
    model: Label = Field(description="Model name as published, e.g. MPT-7B or Llama-2-70B.")
    parameters: Number = Field(gt=0, description="Parameters (active parameters for MoE).")
    total_parameters: Number | None = Field(None, gt=0, description="Total parameters of an MoE model.")
    experts: Count | None = Field(None, description="Routed experts per MoE layer (an MoE model).")
    experts_per_token: Count | None = Field(None, description="Routed experts each token visits (top-k).")
    layers: Count | None = None
    d_model: Count | None = None
    heads: Count | None = None
    kv_heads: Count | None = None
    head_dim: Count | None = Field(None, description="Width of one attention head when not d_model / heads.")

    @field_validator("kv_heads")
    @classmethod
    def _kv_heads_divide_the_heads(cls, v: int | None, info: ValidationInfo) -> int | None:
        return _kv_heads_divide(v, info)


class CalibrationRow(PublishedRun):
    """One published training measurement used to check the derived throughput model."""

    @field_validator("tokens_per_second", "reported_mfu", "global_batch_tokens", "scale_out_gbps")
    @classmethod
    def _no_subnormal_figure(cls, v: float | None) -> float | None:
        return _not_tiny(v)

    seq_len: Count
    accelerator_count: Count
    precision: Precision
    tokens_per_second: Number = Field(gt=0, description="Measured tokens/s per accelerator.")
    reported_mfu: Number | None = Field(None, gt=0, le=1, description="MFU as the source reports it.")
    activation_checkpointing: StrictBool | None = None
    global_batch_tokens: Number | None = Field(None, gt=0)
    tensor_parallel: Count | None = Field(None, description="Published layout (informative; the model chooses its own).")
    pipeline_parallel: Count | None = None
    context_parallel: Count | None = Field(None, description="Published context-parallel degree (the sequence split); 1 when not given.")
    data_parallel: Count | None = None
    expert_parallel: Count | None = Field(None, description="Published expert-parallel degree (carved out of the data-parallel ranks).")
    tuning: Tuning | None = Field(None, description="Overrides the set's tuning for this row.")
    attention_kernel: AttentionKernel | None = Field(None, description="Overrides the set's attention kernel for this row.")
    measure: Literal["throughput", "end_to_end"] | None = Field(None, description="Overrides the set's measure.")
    parallelism: Parallelism | None = Field(None, description="Overrides the set's parallelism (fsdp for a fully sharded run).")
    pipeline_schedule: PipelineSchedule | None = Field(None, description="The run's pipeline schedule when not 1f1b (dualpipe).")
    scale_out_gbps: Number | None = Field(
        None,
        gt=0,
        description="Scale-out bandwidth per accelerator of the measured cluster (GB/s, one direction), when the publication "
        "names hardware whose network differs from the profile's (AWS p4d: 400 Gb/s per 8 GPUs).",
    )
    source: str | None = Field(None, description="Table, page or figure within the set's publication.")
    note: str | None = None

    @model_validator(mode="after")
    def _batch_and_experts_read(self) -> "CalibrationRow":
        """What the row states is what the model is run with: a global batch of at least one sequence (a batch
        written in sequences, 1,024 for 1,024 × 2,048 tokens, would run the row at a step of one sequence and
        report the model's error on another run), and an expert-parallel degree only beside routed experts (on a
        dense model it was read by nothing unless --published-layout held the row to it, which then failed)."""
        if self.global_batch_tokens is not None and self.global_batch_tokens < self.seq_len:
            raise ValueError(
                f"global_batch_tokens: {_num(self.global_batch_tokens, grouping=True)} tokens per step is less than one "
                f"{self.seq_len:,}-token sequence (seq_len): give the batch in tokens (sequences × seq_len)"
            )
        if self.expert_parallel is not None and self.experts is None:
            raise ValueError(
                f"expert_parallel: an expert-parallel degree of {self.expert_parallel} splits routed experts, and the "
                "row gives none (a dense model): give experts and experts_per_token, or leave expert_parallel out"
            )
        return self

    @model_validator(mode="after")
    def _layout_uses_the_count(self) -> "CalibrationRow":
        """A published layout splits the run's accelerators: TP × PP × CP × DP is the count when all of TP,
        PP and DP are given, and divides it when some are (expert parallelism is carved out of DP)."""
        named = {k: getattr(self, k) for k in ("tensor_parallel", "pipeline_parallel", "context_parallel", "data_parallel")}
        given = {k: v for k, v in named.items() if v is not None}
        if not given:
            return self
        used = math.prod(given.values())
        text = " × ".join(f"{k} {v}" for k, v in given.items())
        n = self.accelerator_count
        blamed = "data_parallel" if "data_parallel" in given else list(given)[-1]  # (a degree the row gives, not one it leaves out)
        if all(named[k] is not None for k in ("tensor_parallel", "pipeline_parallel", "data_parallel")) and used != n:
            raise ValueError(f"{blamed}: the published layout {text} uses {used} accelerators, not the row's accelerator_count = {n}")
        if n % used:
            raise ValueError(
                f"{blamed}: the published layout {text} ({used} accelerators) does not divide the row's accelerator_count = {n}"
            )
        return self


class PublishedSet(StrictModel):
    """What every file of published results states: the publication and its software's tuning."""

    id: Id
    source: str = Field(description="Publication the rows come from.")
    as_of: DateText | None = None
    url: str | None = None
    note: str | None = None
    tuning: Tuning = Field(description="Software tuning of the published runs.")
    tuning_reason: str = Field(min_length=1, description="Why the runs count as typical or tuned (not blank).")

    @field_validator("tuning_reason")
    @classmethod
    def _reason_given(cls, v: str) -> str:
        return _not_blank(v)

    @field_validator("source")
    @classmethod
    def _source_given(cls, v: str) -> str:
        if blank(v):  # (a set's figures are checked against its publication: an empty one names none)
            raise PydanticCustomError("blank", "expected the publication the rows come from, got blank text")
        return v

    @staticmethod
    def run_key(row: BaseModel) -> str:
        """What makes a published row one run: every figure, its source and note aside (a row copied and not changed,
        in its own set or another, is the same run)."""
        return repr(sorted(row.model_dump(exclude={"source", "note"}, exclude_none=True).items()))

    @model_validator(mode="after")
    def _each_run_once(self) -> "PublishedSet":
        """A run given twice (a row copied and not changed) counts twice in the error statistics."""
        rows: list[Any] = getattr(self, "rows", [])
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            key = self.run_key(row)
            if key in seen:
                raise ValueError(
                    f"rows[{i}]: the same run as rows[{seen[key]}] (every figure alike, its source and note aside), "
                    "which would count twice: give it once"
                )
            seen[key] = i
        return self


class CalibrationSet(PublishedSet):
    """A file of ``profiles/benchmarks/*.toml``: rows from one publication."""

    attention_kernel: AttentionKernel = Field(AttentionKernel.native, description="Attention kernel of the published runs.")
    attention_kernel_reason: str | None = Field(None, description="Why the runs count as that kernel (when not native).")
    parallelism: Parallelism = Field(
        Parallelism.megatron, description="How the published runs split the model: megatron (layout search) or fsdp."
    )
    measure: Literal["throughput", "end_to_end"] = Field(
        "throughput",
        description="throughput: steady-state tokens/s; end_to_end: tokens ÷ accelerator-hours of a whole run "
        "(failures and restarts included).",
    )
    rows: list[CalibrationRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _fsdp_has_no_model_split(self) -> "CalibrationSet":
        """A fully sharded run splits only its data-parallel ranks, and the model runs an fsdp row so: a tensor,
        pipeline, context or expert degree above 1 beside it was read by nothing, not even by --published-layout."""
        for i, row in enumerate(self.rows):
            if (row.parallelism or self.parallelism) is not Parallelism.fsdp:
                continue
            for key in ("tensor_parallel", "pipeline_parallel", "context_parallel", "expert_parallel"):
                degree = getattr(row, key)
                if degree is not None and degree > 1:
                    said = "the row's" if row.parallelism is not None else "the set's"
                    raise ValueError(
                        f"rows[{i}].{key}: a degree of {degree} splits the model, and {said} parallelism = fsdp runs it fully "
                        "sharded over data-parallel ranks only: leave it out, or give the row parallelism = megatron"
                    )
        return self


class ServingRow(PublishedRun):
    """One published inference-serving measurement used to check the serving model."""

    @field_validator(
        "input_tokens",
        "output_tokens",
        "tokens_per_second",
        "time_to_first_token_ms",
        "time_per_output_token_ms",
        "latency_percentile",
    )
    @classmethod
    def _no_subnormal_figure(cls, v: float | None) -> float | None:
        return _not_tiny(v)

    vocab: Count | None = Field(None, description="Vocabulary size (rows of the embedding matrices), when known.")
    tied_embeddings: StrictBool = Field(False, description="Input and output embeddings share one matrix.")
    precision: Precision = Field(description="Weight precision of the run (fp8, bf16, fp16, int8).")
    accelerators: Count = Field(description="Accelerators in the measured system.")
    replica: Count | None = Field(None, description="Accelerators per model replica (tensor parallel), when published.")
    max_batch: Count | None = Field(
        None, description="Sequences per replica the publication ran at (its batch size), when stated: the model's batch is capped there."
    )
    scenario: Literal["offline", "server", "interactive", "latency"] = Field(
        description="offline: throughput without latency bounds; server/interactive: under the round's TTFT/TPOT limits."
    )
    requests: Count | None = Field(
        None,
        description="Requests in the measured run, all queued at once (an offline benchmark's dataset), when stated: "
        "a finite run drains in waves of the batch, the last one partial.",
    )
    input_tokens: Number = Field(ge=1, le=MAX_COUNT - 1, description="Mean prompt tokens per request (at least 1).")
    output_tokens: Number = Field(ge=1, le=MAX_COUNT - 1, description="Mean generated tokens per request (at least 1).")
    tokens_per_second: Number = Field(gt=0, description="Generated tokens/s per accelerator.")
    time_to_first_token_ms: Number | None = Field(None, gt=0, description="TTFT limit (or measured value) of the scenario.")
    time_per_output_token_ms: Number | None = Field(None, gt=0, description="TPOT limit (or measured value) of the scenario.")
    latency_percentile: Number | None = Field(None, ge=50, lt=100, description="Percentile the scenario's TPOT limit holds for.")
    software: Label | None = Field(None, description="Serving stack, e.g. TensorRT-LLM 0.12, vLLM 0.6.")
    source: str | None = Field(None, description="Table, row or result id within the set's publication.")
    note: str | None = None

    @field_validator("replica")
    @classmethod
    def _replica_within_the_system(cls, v: int | None, info: ValidationInfo) -> int | None:
        system = info.data.get("accelerators")
        if v is not None and isinstance(system, int) and v > system:
            raise PydanticCustomError(
                "replica",
                "a replica of {v} is more than the {n} measured",
                {"v": str(v), "n": f"{system} accelerator{'' if system == 1 else 's'}"},
            )
        if v is not None and isinstance(system, int) and system % v:  # (tokens/s per accelerator counts every one measured)
            raise PydanticCustomError(
                "replica",
                "a replica of {v} does not divide the {n} accelerators measured: give the accelerators of whole replicas",
                {"v": str(v), "n": str(system)},
            )
        return v

    @model_validator(mode="after")
    def _percentile_has_its_limit(self) -> "ServingRow":
        """A latency percentile is the share of requests the TPOT limit holds for (as a workload's): alone it was
        read by nothing, the row run as if no percentile were given."""
        if self.latency_percentile is not None and self.time_per_output_token_ms is None:
            raise ValueError(
                "latency_percentile: it is the share of requests the time_per_output_token_ms limit holds for, and no "
                "limit is given: give time_per_output_token_ms too, or leave latency_percentile out"
            )
        return self

    @field_validator("output_tokens")
    @classmethod
    def _request_fits_a_context(cls, v: float, info: ValidationInfo) -> float:
        """A request is a workload's context (seq_len, a count): prompt + output at most 10^15 tokens."""
        prompt = info.data.get("input_tokens")
        if isinstance(prompt, float | int) and math.ceil(prompt + v) > MAX_COUNT:
            raise PydanticCustomError(
                "request",
                "input_tokens + output_tokens must be at most {most} tokens, got {p} + {o}",
                {"most": "10^15", "p": _num(prompt), "o": _num(v)},
            )
        return v


class ServingSet(PublishedSet):
    """A file of ``profiles/serving/*.toml``: published serving results from one publication."""

    tuning: Tuning = Field(description="Serving engine of the published runs: typical (open-source, as a buyer runs it) or tuned (vendor).")
    rows: list[ServingRow] = Field(min_length=1)
