"""JSON Schema of each input kind (``tco schema KIND``), for editors: generated from the strict models, with the
rules the tool applies that pydantic's own schema leaves out (quantity tables' bounds, currencies only where money is
quoted, a file that ``extends`` another). Every shipped file validates against it (a test checks)."""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Sequence
from typing import Any

from tco.errors import InputError
from tco.models import (
    ACCELERATOR_MONEY,
    CITATION_KEY,
    LABEL_MAX_LENGTH,
    MAX_COUNT,
    SCENARIO_MONEY,
    SERVING_ONLY,
    TINY_SCHEMA,
    Accelerator,
    CalibrationSet,
    Citation,
    Precision,
    Scenario,
    ServingSet,
    Workload,
)


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of an input kind, for editors; every shipped file validates against it (a test checks).
    The bounds of each quantity apply to its table form too (``value``, ``low``, ``high``). Cross-field
    rules (``low <= value <= high``, PUE >= 1) are checked by tco itself."""
    from pydantic import TypeAdapter

    if kind == "accelerator":
        schema = _extendable(Accelerator.model_json_schema(), "profile")
    elif kind == "workload":
        schema = TypeAdapter(Workload).json_schema()
        for name in ("TrainingWorkload", "InferenceWorkload"):
            schema["$defs"][name] = _extendable(schema["$defs"][name], "workload")
        # An extending file may leave out its kind (inherited), so both branches may match it.
        schema["anyOf"] = schema.pop("oneOf")
        schema.pop("discriminator", None)
        # A training job's precision excludes the serving-only ones (FP4), as the tool refuses them.
        trains = {"type": "string", "enum": [p.value for p in Precision if p not in SERVING_ONLY]}
        for name in ("TrainingWorkload", "Stage"):
            prop = schema["$defs"][name]["properties"]["precision"]
            for branch in prop.get("anyOf", [prop]):
                if branch.get("$ref") == "#/$defs/Precision":
                    branch.pop("$ref")
                    branch.update(trains)
    elif kind == "scenario":
        schema = _extendable(Scenario.model_json_schema(), "scenario")
    elif kind == "benchmarks":
        schema = _no_subnormal_figures(CalibrationSet.model_json_schema(), "CalibrationRow")
    elif kind == "serving":
        schema = _no_subnormal_figures(ServingSet.model_json_schema(), "ServingRow")
    elif kind == "sources":  # a bibliography: one table per citation key
        citation = Citation.model_json_schema()
        schema = {
            "title": "Bibliography",
            "description": "Citation keys (cited in a source string as [KEY]), each with its publication.",
            "type": "object",
            "propertyNames": {"pattern": f"^{CITATION_KEY}$"},
            "additionalProperties": {"$ref": "#/$defs/Citation"},
            "$defs": {**citation.pop("$defs", {}), "Citation": citation},
        }
    else:
        raise InputError(f"expected accelerator, workload, scenario, benchmarks, serving or sources, got '{kind}'", key="kind")
    _bound_quantity_tables(schema)
    _single_field_bounds(schema, kind)
    if kind == "workload":  # an MoE workload gives both (a file that extends another may inherit one)
        pair = {"experts": ["experts_per_token"], "experts_per_token": ["experts"]}
        for name in ("TrainingWorkload", "InferenceWorkload"):
            schema["$defs"][name]["else"]["dependentRequired"] = pair
    money = {"accelerator": ACCELERATOR_MONEY, "scenario": SCENARIO_MONEY}.get(kind, ())
    _money_currencies(schema, money)
    _partial_under_extends(schema)
    _labels_say_something(schema)
    _finite_numbers(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _finite_numbers(schema: dict[str, Any]) -> None:
    """Every number at most the largest float, as the tool reads one: TOML takes an integer of any size (a 327-digit
    ``global_batch_tokens``), which JSON Schema's ``number`` takes too and the tool refuses ('expected a finite
    number'). A bound already given is kept, and a ``not`` (the subnormal band a number must stay out of) left alone."""

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
        elif isinstance(node, dict):
            if node.get("type") == "number" and "maximum" not in node and "exclusiveMaximum" not in node:
                node["maximum"] = sys.float_info.max
            for k, v in node.items():
                if k != "not":
                    walk(v)

    walk(schema)


@functools.cache
def _shows_something() -> str:
    """A pattern that finds a character that shows (``models.blank`` is every other one): a class of all but the
    spaces, controls, invisible format characters and fillers, written as the characters themselves so that a
    Python or an ECMAScript engine reads it alike (the few beyond the BMP one by one, not as a range)."""
    import unicodedata

    from tco.models import blank

    def shows_nothing(c: int) -> bool:
        return blank(chr(c))

    # (every character blank() refuses lies in the BMP or planes 1 and 14: the rest are no format characters)
    bmp = [c for c in range(0xD800) if shows_nothing(c)] + [c for c in range(0xE000, 0x10000) if shows_nothing(c)]
    astral = [c for r in (range(0x10000, 0x20000), range(0xE0000, 0xE1000)) for c in r if unicodedata.category(chr(c)) == "Cf"]
    runs: list[list[int]] = []
    for c in bmp:
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    parts = [chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in runs] + [chr(c) for c in astral]
    return "[^" + "".join(parts) + "]"


def _labels_say_something(schema: dict[str, Any]) -> None:
    """A name (``models.Label``) must hold a character that shows, as the tool checks: ``\\S`` took one of only a
    bidirectional override or a zero-width space, which the tool refuses as blank."""

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for x in node:
                walk(x)
        elif isinstance(node, dict):
            if node.get("type") == "string" and node.get("pattern") == r"\S" and node.get("maxLength") == LABEL_MAX_LENGTH:
                node["pattern"] = _shows_something()
            for v in node.values():
                walk(v)

    walk(schema)


def _no_subnormal_figures(schema: dict[str, Any], row: str) -> dict[str, Any]:
    """A published run's numbers refuse the magnitudes below 1e-300 but 0, as the tool does (``models._not_tiny``)."""
    for prop in schema["$defs"][row]["properties"].values():
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "number":
                branch["not"] = copy.deepcopy(TINY_SCHEMA)  # (its list is not the constant's: a caller may edit the schema)
    return schema


def _extendable(schema: dict[str, Any], what: str) -> dict[str, Any]:
    """The schema of a file that may start from another of its kind (``extends = "<id or path>"``, as the
    loader reads it): it may then leave out what it inherits."""
    schema["properties"]["extends"] = {  # an id, as the tool takes it (loader.looks_like_path): not a path (a folder,
        # '.', '..', a name ending in .toml in any case), not standard input ('-'), not blank, at most 64 characters
        "type": "string",
        "pattern": r"^(?!\s*$)(?!-$)(?!\.\.?$)(?![\s\S]*\.[Tt][Oo][Mm][Ll]$)[^/\\]+$",
        "maxLength": 64,  # (models.ID_MAX_LENGTH)
        "description": f"Id of a {what} whose values this file starts from (not a path).",
    }
    required = schema.pop("required", [])
    schema["if"] = {"required": ["extends"]}
    schema["else"] = {"required": required}
    return schema


def _partial_under_extends(schema: dict[str, Any]) -> None:
    """An extending file's tables merge key by key into the inherited ones (``[interconnect]`` with only
    ``devices_per_node``), so nothing under it is required: its properties point at copies of the
    nested definitions without ``required`` (``<Name>__partial``), and the full ones apply only to a file
    without ``extends`` (its ``else`` branch). A quantity is replaced whole, so it keeps its own rules."""
    defs = schema.get("$defs", {})

    def is_quantity(d: dict[str, Any]) -> bool:
        return any(b.get("type") == "number" for b in d.get("anyOf", []))

    relaxed = {name for name, d in defs.items() if not is_quantity(d)}

    def partial(node: Any) -> Any:
        if isinstance(node, list):
            return [partial(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: partial(v) for k, v in node.items() if k != "required" and k not in ("if", "then", "else")}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.removeprefix("#/$defs/") in relaxed:
            out["$ref"] = ref + "__partial"
        return out

    for name in sorted(relaxed):
        defs[f"{name}__partial"] = partial(defs[name])
    for holder in [schema, *defs.values()]:
        if isinstance(holder, dict) and holder.get("if") == {"required": ["extends"]} and "properties" in holder:
            holder["else"] = {**holder["else"], "properties": holder["properties"]}
            holder["properties"] = partial(holder["properties"])


_BOUNDS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "not")


def _bound_quantity_tables(schema: dict[str, Any]) -> None:
    """Copy each quantity's numeric bounds (from its bare-number form) onto value/low/high of its table form."""
    for definition in schema.get("$defs", {}).values():
        branches = definition.get("anyOf", [])
        number = next((b for b in branches if b.get("type") == "number"), None)
        table = next((b for b in branches if b.get("type") == "object"), None)
        if number is None or table is None:
            continue
        bounds = {k: number[k] for k in _BOUNDS if k in number}
        for name in ("value", "low", "high"):
            prop = table.get("properties", {}).get(name)
            if prop is None:
                continue
            for branch in prop.get("anyOf", [prop]):
                if branch.get("type") == "number":
                    branch.update(bounds)


def _capped_quantity(schema: dict[str, Any], props: dict[str, Any], field: str, name: str, maximum: float, description: str) -> None:
    """Bound ``field``'s value, low and high at ``maximum``, as the tool does, on a copy of its quantity kind named
    ``name`` (other fields of that kind keep their bounds)."""
    prop = props[field]
    for branch in prop.get("anyOf", [prop]):
        ref = branch.get("$ref")
        if not isinstance(ref, str):
            continue
        if name not in schema["$defs"]:
            capped = copy.deepcopy(schema["$defs"][ref.removeprefix("#/$defs/")])
            for form in capped["anyOf"]:  # the bare number, then each end of the table form
                ends = [form] if form.get("type") == "number" else [form.get("properties", {}).get(k, {}) for k in ("value", "low", "high")]
                for end in ends:
                    for b in end.get("anyOf", [end]):
                        if b.get("type") == "number":
                            b["maximum"] = maximum
            capped["description"] = description
            schema["$defs"][name] = capped
        branch["$ref"] = f"#/$defs/{name}"


def _single_field_bounds(schema: dict[str, Any], kind: str) -> None:
    """Bounds the tool applies to one field through a rule that names others: ``usd_per_cny`` is USD per 1 CNY, and
    a value, low or high above 1 is refused (``models.Scenario``: 7.08 CNY per USD would make every yuan amount 50
    times too large); an inference workload's ``prompt_tokens`` and ``output_tokens`` must fit in ``seq_len`` with
    the other's at least 1 token, and seq_len is at most 10^15."""
    if kind == "scenario":
        why = "USD per 1 CNY: at most 1 (0.14 in 2023), not CNY per USD."
        _capped_quantity(schema, schema["properties"], "usd_per_cny", "UsdPerCnyQuantity", 1, why)
    if kind == "workload":
        why = "Tokens per request: with the other side's at least 1, they fit in seq_len (at most 10^15)."
        for field in ("prompt_tokens", "output_tokens"):
            _capped_quantity(schema, schema["$defs"]["InferenceWorkload"]["properties"], field, "RequestTokensQuantity", MAX_COUNT - 1, why)


def _money_currencies(schema: dict[str, Any], money: Sequence[str]) -> None:
    """As tco reads them: a quantity at one of the ``money`` paths may be quoted in USD, CNY or EUR; any
    other quantity takes no currency but USD (the loader refuses the others there). Each quantity kind a
    money path uses gets a ``Money…`` copy that keeps the three currencies."""
    defs = schema.get("$defs", {})

    def table(definition: dict[str, Any]) -> dict[str, Any] | None:
        return next((b for b in definition.get("anyOf", []) if b.get("type") == "object" and "currency" in b.get("properties", {})), None)

    originals = {name: copy.deepcopy(d) for name, d in defs.items() if table(d) is not None}
    for name in originals:
        t = table(defs[name])
        assert t is not None
        t["properties"]["currency"] = {
            "anyOf": [{"const": "USD"}, {"type": "null"}],
            "default": None,
            "description": "Only money inputs take a currency; here only USD (or nothing) is accepted.",
        }
    for path in money:
        *parents, leaf = path.split(".")
        node: dict[str, Any] | None = schema
        for part in parents:  # follow the nested model's $ref (a table such as rental)
            prop = (node or {}).get("properties", {}).get(part, {})
            ref = next((b["$ref"] for b in [prop, *prop.get("anyOf", [])] if "$ref" in b), None)
            node = defs.get(ref.rsplit("/", 1)[-1]) if ref else None
        prop = (node or {}).get("properties", {}).get(leaf)
        if prop is None:
            continue
        for branch in [prop, *prop.get("anyOf", [])]:
            ref = branch.get("$ref", "")
            kind = ref.rsplit("/", 1)[-1]
            if kind in originals:
                defs.setdefault(f"Money{kind}", originals[kind])
                branch["$ref"] = f"#/$defs/Money{kind}"
