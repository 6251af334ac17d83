"""Renderers: pure functions from result models to text.

Rounding, ``$`` and thousands separators appear only in ``table`` and ``markdown``. CSV and JSON carry
raw numbers with units in the column/key names, in a stable order, with ``schema_version``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from typing import Any

from tabulate import tabulate

from tco.errors import HUGE as HUGE  # (re-exported: the renderers and the report write money with them)
from tco.errors import give_with, rounded_down, unknown_inputs, unsigned_zero
from tco.errors import money as money
from tco.models import Comparison, Currency, OptionResult, OptionStatus, Quantity, ThroughputSource

SCHEMA_VERSION = 1


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    xlsx = "xlsx"


# --------------------------------------------------------------------------- generic helpers


def money_below(v: float | None, symbol: str = "$") -> str:
    """A threshold an option wins below, as :func:`money` writes it but cut rather than rounded (at '$22,608' an
    option that wins below $22,607.98 loses)."""
    places = 0 if v is not None and v >= 100 else 2 if v is not None and v >= 1 else 4
    return money(rounded_down(v, places=places) if v is not None and 1e-4 <= v < HUGE else v, symbol)


SYMBOLS = {Currency.USD: "$", Currency.CNY: "¥", Currency.EUR: "€"}
"""The sign a money figure is printed with, by the comparison's currency (``--currency``)."""


def input_sign(currency: str | None) -> str:
    """The sign an input's value is written with where its currency is not USD (a CNY price swings in yuan: '¥119,000');
    a USD input, like every other input, is written bare."""
    return SYMBOLS[Currency(currency)] if currency else ""


def num(v: float | None, digits: int = 1) -> str:
    """A figure to ``digits`` decimals; one that is not 0 but would read 0 (0.08 tokens/s) to two significant digits."""
    if v is None:
        return "—"
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    v = unsigned_zero(v)
    if abs(v) >= HUGE:
        return f"{v:.3g}"
    if v and round(abs(v), digits) == 0:
        return f"{v:.2g}"
    return f"{v:,.{digits}f}"


def share(v: float) -> str:
    """A positive share as a percentage with the digits it needs: ``35%``, ``0.3%``, ``<0.1%``, and near
    the whole, ``99.7%`` or ``>99.9%`` (a share short of it is never written ``100%``)."""
    if v < 0.0005:
        return "<0.1%"
    if 0.995 <= v < 1.0:
        return ">99.9%" if v >= 0.9995 else f"{v:.1%}"
    return f"{v:.0%}" if v >= 0.095 else f"{v:.1%}"


def probability(p: float) -> str:
    """A probability to 0.1 %, rounded from the decimal it is (0.8185: a count of wins over samples) half
    to even, not from its nearest binary float (0.81849999...): two options' shares 0.8185 and 0.1815
    show 81.8 % and 18.2 %, summing to 100 %, not 81.8 % and 18.1 %. A share that is not 0 but would read 0.0 %
    (4 wins in 10,000 samples) is ``<0.1%``, and one short of the whole that would read 100.0 % is ``>99.9%``, as
    :func:`share` writes them: an option that won 4 times is not shown as never winning."""
    from decimal import ROUND_HALF_EVEN, Decimal

    shown = (Decimal(repr(p)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    if 0 < p < 1 and shown in (0, 100):
        return "<0.1%" if shown == 0 else ">99.9%"
    return f"{shown}%"


def gap(value: float | None, base: float | None) -> str:
    """The article's 'Gap' column: relative difference to the baseline, e.g. ``-37.6%``."""
    if value is None or base is None or base == 0:
        return "—"
    return signed_percent((value - base) / base * 100)


def signed_percent(pct: float) -> str:
    """A signed difference in percent, as the 'Gap' column and calibrate's 'error' column write it: ``-37.6%``,
    ``+1.2e+07%`` from a million percent, and one that rounds to zero with no sign (``+0.0%``, never ``-0.0%``)."""
    if not math.isfinite(pct):  # (a baseline near the smallest float: no number says it)
        return "—"
    if abs(pct) >= 1e6:
        return f"{pct:+.3g}%"  # (not a row of digits)
    return f"{pct:+.1f}%" if round(pct, 1) != 0 else "+0.0%"  # (a gap that rounds to zero has no sign: no -0.0%)


def difference(value: float | None, base: float | None, symbol: str = "$") -> str:
    """Money above (+) or below (-) the baseline, e.g. ``+$847,833``: the ranking's last column, where a
    percentage of a small baseline would read +152428.1 %."""
    if value is None or base is None or value != value or base != base:
        return "—"
    d = value - base
    if not math.isfinite(d):
        return "—"
    return ("+" if d > 0 else "") + money(d, symbol)


def ratio(value: float | None, base: float | None) -> str:
    """The side-by-side table's 'ratio' column, ``value / base``: ``0.41×``, ``3.32e+16×`` past a million, and a
    ratio that is not 0 but would read ``0.00×`` to two significant digits (``1.1e-16×``)."""
    if value is None or base is None or base == 0:
        return "—"
    r = value / base
    if r and round(r, 2) == 0:  # (not 0, but 0.00× to two places: a cost 10^-16 of the baseline's, as num() writes one)
        return f"{r:.2g}×"
    return "—" if not math.isfinite(r) else f"{r:.3g}×" if r >= 1e6 else f"{r:.2f}×"


CSV_LINE_END = "\r\n"
"""RFC 4180 line ends: the csv module then also quotes a field holding a bare carriage return."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]"
)
"""Characters a terminal or a viewer acts on rather than shows: C0 and C1 controls (escape sequences,
BEL), the bidirectional controls that reorder text on screen (Unicode's Bidi_Control set), the line
and paragraph separators, and the invisible characters that make two names look alike or one name look
like another (zero-width space, non-joiner and joiner, word joiner, the byte-order mark U+FEFF); and
what no file can hold: lone surrogates (a command-line byte that is not UTF-8) and U+FFFE/U+FFFF,
which XML 1.0 (a workbook's sheets) refuses. Tab and newline are data in CSV."""
CONTROL_CELL = re.compile(r"[\t\n]|" + CONTROL.pattern)
"""In a table cell, tab and newline too: they break the columns."""


_ASCII = str.maketrans(
    {"×": "x", "—": "-", "–": "-", "±": "+/-", "·": ".", "…": "...", "→": "->", "≤": "<=", "≥": ">=", "÷": "/", "’": "'", "−": "-"}
)
"""Typography tco writes in notes, made ASCII in CSV so any spreadsheet locale reads it (issue 11)."""


_FOR_WORKBOOK: ContextVar[bool] = ContextVar("for_workbook", default=False)
"""True while a CSV rendering is made for a workbook's sheet (:func:`for_workbook`)."""


@contextmanager
def for_workbook() -> Iterator[None]:
    """CSV renderings made inside are read back into a workbook's sheet, not saved as CSV: text as the JSON gives
    it (``×``, ``±``: a workbook holds any character; and no quote before a leading =, +, - or @, the sheet types
    such a cell as text itself, :func:`tco.workbook._append_text`), and a true or false as :data:`BOOL_CELLS` says."""
    token = _FOR_WORKBOOK.set(True)
    try:
        yield
    finally:
        _FOR_WORKBOOK.reset(token)


BOOL_CELLS = {True: "\x1eTRUE", False: "\x1eFALSE"}
"""A true or false in a CSV rendering made :func:`for_workbook`: marked (a record separator no text cell holds:
:data:`CONTROL` makes it '?'), so the workbook writes the JSON's boolean, not the text 'true' an id may be."""


def safe_text(v: str) -> str:
    """A text cell a spreadsheet will not evaluate: a leading =, +, -, @, tab or CR gets a quote
    (OWASP's CSV-injection advice). Numbers are never text here, so their signs are untouched.
    tco's own typography (×, —, ±, ·) becomes ASCII; control characters (:data:`CONTROL`) become '?'.
    For a workbook (:func:`for_workbook`) the text is kept as given, control characters aside."""
    if _FOR_WORKBOOK.get():
        return CONTROL.sub("?", v)
    v = CONTROL.sub("?", v.translate(_ASCII))
    return "'" + v if v.startswith(_FORMULA_START) else v


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=CSV_LINE_END)
    w.writerow([safe_text(h) for h in header])  # (a header may be a path the user typed: --vary '@x.toml.price_usd=...')
    for row in rows:
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def summary_csv(result: Any, elsewhere: Mapping[str, str] | None = None) -> str:
    """A result's own figures beside its records (a workbook's summary sheet), as CSV: ``field,value`` for
    each top-level figure, ``key.option`` for a table of one figure per option, then one row per option
    with its figures; records and samples (lists of tables) are the other sheets. ``elsewhere`` names the
    sheet that holds a field this one leaves out (the samples), so its row says where rather than being blank."""

    def nested(v: Any) -> bool:
        return isinstance(v, dict) or (isinstance(v, list) and bool(v) and isinstance(v[0], (dict, list)))

    elsewhere = elsewhere or {}
    dumped = result.model_dump(mode="json")
    options = dumped.get("options") if isinstance(dumped.get("options"), list) else []
    table = bool(options) and isinstance(options[0], dict)
    rows: list[list[Any]] = []
    for key, value in dumped.items():
        if key in elsewhere:
            rows.append([key, elsewhere[key]])
        elif isinstance(value, dict) and not any(nested(v) or isinstance(v, list) for v in value.values()):
            rows += [[f"{key}.{sub}", v] for sub, v in value.items()]  # a figure per option (the tornado's central costs)
        elif isinstance(value, dict) and all(isinstance(v, list) and not any(nested(x) for x in v) for v in value.values()):
            rows.append([key, value])  # a list per option (the inputs each lacks), in one cell as every format shows it
        elif not nested(value) and not (key == "options" and table):
            rows.append([key, value])
    if table:
        columns = [k for k, v in options[0].items() if not nested(v)]
        rows += [[], columns, *([o[c] for c in columns] for o in options)]
    return csv_text(["field", "value"], rows)


def csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, Enum):
        return safe_text(str(v.value))
    if isinstance(v, bool):
        return BOOL_CELLS[v] if _FOR_WORKBOOK.get() else "true" if v else "false"
    if isinstance(v, float):
        return _num_text(v)
    if isinstance(v, (list, tuple)):
        return safe_text("; ".join(str(x) for x in v))
    if isinstance(v, dict):  # (the inputs each option lacks: blank when empty, as a list is)
        return safe_text(dict_text(v))
    if isinstance(v, str):
        return safe_text(v)
    return v


def terminal_text(v: Any, *, markdown: bool = False) -> Any:
    """A table cell with control characters (terminal escape sequences) made visible as '?', and in
    Markdown the column separator escaped, the angle brackets of HTML tags written as entities and the
    brackets and backticks of links, images and code escaped (a Markdown viewer renders raw HTML and
    fetches an image: a profile's name is shown, not run); a backslash too, or the text's own ``\\[``
    would escape the escape, leaving the bracket live; and an ampersand, or a name's own ``&amp;`` or
    ``&lt;`` would be shown as the character it encodes, not as written."""
    if not isinstance(v, str):
        return v
    v = CONTROL_CELL.sub("?", v)
    return v.translate(_MARKDOWN) if markdown else v


_MARKDOWN = str.maketrans({"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]", "`": "\\`", "<": "&lt;", ">": "&gt;", "&": "&amp;"})


def envelope(text: str, audit: Mapping[str, Any]) -> str:
    """One JSON shape for every command: ``{"schema_version", "tco_version", "inputs", "results", ...}``.
    The command's list (``rows``, ``options``) becomes ``results``; a command with one record
    (breakeven, estimate) gives a list of one. ``inputs`` is the audit trail of the run."""
    import json

    from tco import __version__

    payload = json.loads(text)
    rest = {k: v for k, v in payload.items() if k not in ("schema_version", "tco_version", "inputs")}
    if "results" in rest:
        results = rest.pop("results")
    elif "rows" in rest:
        results = rest.pop("rows")
    elif "options" in rest and isinstance(rest["options"], list):
        results = rest.pop("options")
    elif len(rest) == 1 and next(iter(rest)) in ("accelerators", "workloads", "scenarios"):  # a listing
        results = rest.pop(next(iter(rest)))
    else:
        results, rest = [rest], {}
    head = {"schema_version": payload.get("schema_version", SCHEMA_VERSION), "tco_version": __version__, "inputs": dict(audit)}
    return json_text({**head, "results": results, **rest})


def _escape_controls(text: str) -> str:
    """JSON text with every character of :data:`CONTROL` written as its ``\\uXXXX`` escape, which JSON holds and a
    reader gets back as it was (only a string holds one, so the escape is always inside quotes): a lone surrogate (a
    byte of a file name that is not UTF-8, as Python reads it), which no UTF-8 file can hold raw; NEL, U+2028 and
    U+2029, which end a line for str.splitlines() (a JSON Lines reader cut a record in two); and the C1 controls, the
    bidirectional overrides and isolates and the zero-width characters, which json.dumps leaves raw: a profile's name
    holding U+009B (a terminal's CSI) or U+202E reached the terminal from ``-f json`` as from no other format."""
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _unsigned_zeros(data: Any) -> Any:
    """``data`` with every -0.0 in it 0.0 (:func:`~tco.errors.unsigned_zero`): JSON writes a float's sign, a zero's too."""
    if isinstance(data, float):
        return unsigned_zero(data)
    if isinstance(data, Mapping):
        return {k: _unsigned_zeros(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_unsigned_zeros(v) for v in data]
    return data


def _json_dumps(data: Any, **kwargs: Any) -> str:
    """``json.dumps`` with a zero written ``0.0``, never ``-0.0`` (an input of -0 and the figures made of it): the
    text is searched first, so only a payload whose text holds ``-0.0`` with no digit after it (a minus zero, or those
    characters inside a string) is walked; ``-0.05`` is not."""
    import json  # only the json outputs need it: kept off the table path's start-up

    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return json.dumps(_unsigned_zeros(data), ensure_ascii=False, **kwargs) if _MINUS_ZERO.search(text) else text


_MINUS_ZERO = re.compile(r"-0\.0(?![0-9])")
"""How json.dumps writes a minus zero (``-0.0``), and not the start of ``-0.05``."""


def json_text(payload: Mapping[str, Any]) -> str:
    return _escape_controls(_json_dumps(payload, indent=2)) + "\n"


def grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: OutputFormat,
    *,
    align: Sequence[str] | None = None,
    wrap: Sequence[int | None] | None = None,
) -> str:
    """A table. ``wrap`` gives a width per column at which a terminal table folds long prose onto more
    lines (a reason of 400 characters would otherwise push the table past any screen); markdown keeps
    one line per row, as its cells cannot hold a line break."""
    md = fmt is OutputFormat.markdown
    style = "github" if md else "simple"
    clean = [[terminal_text(c, markdown=md) for c in row] for row in rows]
    heads = [terminal_text(h, markdown=md) for h in headers]
    if wrap is not None and not md:
        clean = [[_fold(c, w) if w else c for c, w in zip(row, wrap, strict=True)] for row in clean]
    return str(tabulate(clean, headers=heads, tablefmt=style, disable_numparse=True, colalign=align)) + "\n"


def _fold(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters, broken at spaces (a word longer than a line is
    cut). tabulate's own ``maxcolwidths`` parses such cells as numbers first, and fails on ``69,000,000``."""
    if len(text) <= width:
        return text
    import textwrap

    return "\n".join(line for part in text.splitlines() for line in textwrap.wrap(part, width, break_on_hyphens=False))


# --------------------------------------------------------------------------- comparison

_QUANTITY_KEYS = frozenset(Quantity.model_fields)

_FIELDS = tuple(OptionResult.model_fields)
RESULT_COLUMNS: tuple[str, ...] = tuple(f for f in _FIELDS[: _FIELDS.index("layout")] if f != "stages")
"""CSV column order for results: the model's field order (a contract; append only), the layout spread over
``layout.*`` columns after them (:data:`tco.engine.LAYOUT_FIELDS`); a staged job's stages are in the JSON only."""
LATE_COLUMNS: tuple[str, ...] = _FIELDS[_FIELDS.index("stages") + 1 :]
"""The fields added after the ``layout.*`` columns existed: their CSV columns come after those (columns are only
ever appended)."""


def _baseline(comp: Comparison) -> OptionResult:
    return next((r for r in comp.results if r.accelerator == comp.baseline), comp.results[0])


def jsonl_text(records: Iterable[Mapping[str, Any]]) -> str:
    return "".join(_escape_controls(_json_dumps(r, separators=(",", ":"))) + "\n" for r in records)


PROSE_WIDTH = 100
"""Characters per line of a prose column (a reason, a note) in a terminal table."""


def render_comparison(comp: Comparison, fmt: OutputFormat) -> str:
    if fmt is OutputFormat.json:
        return json_text(comp.model_dump(mode="json"))
    if fmt is OutputFormat.jsonl:
        return jsonl_text(
            {"schema_version": SCHEMA_VERSION, "workload": comp.workload, "scenario": comp.scenario, **r.model_dump(mode="json")}
            for r in comp.results
        )
    if fmt is OutputFormat.csv:
        from tco.engine import LAYOUT_FIELDS  # (a result's training layout: a column per key, as tco estimate writes it)

        header = ["schema_version", "workload", "scenario", *RESULT_COLUMNS, *(f"layout.{k}" for k in LAYOUT_FIELDS), *LATE_COLUMNS]
        dumped = [r.model_dump(mode="python") for r in comp.results]
        return csv_text(
            header,
            (
                [
                    SCHEMA_VERSION,
                    comp.workload,
                    comp.scenario,
                    *(d[c] for c in RESULT_COLUMNS),
                    *((d["layout"] or {}).get(k) for k in LAYOUT_FIELDS),
                    *(d[c] for c in LATE_COLUMNS),
                ]
                for d in dumped
            ),
        )
    if fmt in (OutputFormat.table, OutputFormat.markdown):
        return _comparison_table(comp, fmt)
    raise AssertionError(fmt)


def _comparison_table(comp: Comparison, fmt: OutputFormat) -> str:
    base = _baseline(comp)
    training = comp.workload_kind == "training"
    cur = "" if comp.currency is Currency.USD else f" {comp.currency.value}"
    sym = SYMBOLS[comp.currency]
    headers = ["rank", "option", "count", "tokens/s/acc", "throughput", "power W/acc"]
    headers += ["converge h"] if training else [f"annual cost{cur}"]
    per_m = "$/M tokens" if not cur else f"{cur.strip()}/M tokens"
    headers += ["market d", f"job cost{cur}", per_m, "delay d", f"delay cost{cur}", f"effective cost{cur}"]
    headers += [f"vs {base.accelerator}{cur}"]
    rows = []
    for r in comp.results:
        row = [
            str(r.rank) if r.rank is not None else r.status.value,
            r.accelerator,
            count_text(r.count),
            num(r.tokens_per_second_per_accelerator, 0),
            r.throughput_source.value if r.throughput_source else "—",
            num(r.power_w_per_accelerator, 0),
        ]
        row += [num(r.time_to_converge_hours)] if training else [money(r.annual_cost_usd, sym)]
        row += [
            num(r.time_to_market_days),
            money(r.job_cost_usd, sym),
            money(r.cost_per_million_tokens_usd, sym),
            num(r.delay_days),
            money(r.delay_penalty_usd, sym),
            money(r.effective_cost_usd, sym),
            difference(r.effective_cost_usd, base.effective_cost_usd, sym),
        ]
        rows.append(row)
    engine = "software tuning" if training else "serving engine"
    title = f"{comp.workload} · {engine} {comp.tuning.value} · scenario {comp.scenario}" + (f" · money in{cur}" if cur else "")
    out = [title + "\n", grid(headers, rows, fmt)]
    unranked = [r for r in comp.results if r.rank is None]
    if unranked:
        out.append(
            "\n"
            + grid(
                ["option", "status", "why", "the number that would decide it"],
                [unranked_row(r, SYMBOLS[comp.currency]) for r in unranked],
                fmt,
                wrap=[None, None, PROSE_WIDTH, 70],
            )
        )
    claims = _claims_table(comp, base, fmt) if training else ""
    if claims:
        out.append("\n" + claims)
    others = [r for r in comp.results if r is not base and r.status is not OptionStatus.infeasible]
    if len(others) <= MAX_VERSUS_TABLES:
        out += ["\n" + _versus(base, r, fmt, training, comp.currency) for r in others]
    return "".join(out)


MAX_VERSUS_TABLES = 2
"""The article-style metric table per option is printed for up to two options beside the baseline;
with more, the ranking table alone stays readable (JSON and CSV always carry every figure)."""


def unranked_row(r: OptionResult, symbol: str = "$") -> list[str]:
    if r.status is OptionStatus.infeasible:
        return [r.accelerator, "infeasible", r.reason or "", "—"]
    decide = []
    if r.price_to_match_usd is not None:
        decide.append(f"wins below a unit price of {money_below(r.price_to_match_usd, symbol)}")
    if r.lead_time_to_match_weeks is not None:
        decide.append(f"wins below a lead time of {rounded_down(r.lead_time_to_match_weeks, places=1):.1f} weeks")
    decide += [n.removeprefix("decides: ") for n in r.notes if n.startswith("decides: ")]
    return [r.accelerator, "incomplete", "unknown: " + ", ".join(r.missing_inputs), "; ".join(decide) or "—"]


CLAIM_TOLERANCE = 0.15
"""A published relative estimate and the model disagree when they differ by more than 15 % (the width
of the seed article's own ranges, e.g. '~70-80%') and the model lies outside the claim's own range, where it
gives one (a claim of '30-60%' agrees with a model at 0.58×)."""


def claim_agrees(model: float, r: OptionResult) -> bool:
    """The model's ratio agrees with ``r``'s published claim: within :data:`CLAIM_TOLERANCE` of its central
    figure, or inside the range it states."""
    claim = r.claimed_relative_training_performance
    low, high = r.claimed_relative_training_performance_low, r.claimed_relative_training_performance_high
    near = claim is not None and abs(model / claim - 1) <= CLAIM_TOLERANCE
    return near or (low is not None and high is not None and low <= model <= high)


CLAIM_REFERENCE = "a100-80gb"
"""The part the published claims are relative to: 'the A100' of the seed article's 'Training Performance
(vs. A100)' column, the profile the alias ``a100`` names."""


def _claims_reference(comp: Comparison) -> OptionResult | None:
    """The first option of the claims' reference part (any count, bought or rented) the model gives a
    throughput for, in the results' order; None when the run has none."""
    for r in comp.results:
        if re.split(r"[@:]", r.accelerator, maxsplit=1)[0] == CLAIM_REFERENCE and r.tokens_per_second_per_accelerator:
            return r
    return None


CLAIMS_HEADERS = ["option", "model", "claimed", "maturity", "model vs claim"]


def _claims_table(comp: Comparison, base: OptionResult, fmt: OutputFormat) -> str:
    """Published relative-to-A100 claims and maturity beside the model's own throughput ratio to the
    A100 (an a100-80gb option of the run). Without one, the model's ratio is to the ranked first option,
    which has another reference than the claims: it is shown, with no verdict."""
    found = claims_rows(comp, base)
    if found is None:
        return ""
    title, rows = found
    return title + "\n" + grid(CLAIMS_HEADERS, rows, fmt, wrap=[None, None, None, None, PROSE_WIDTH])


def claims_rows(comp: Comparison, base: OptionResult | None = None) -> tuple[str, list[list[str]]] | None:
    """(title, rows of :data:`CLAIMS_HEADERS`) of :func:`_claims_table`, for compare's table and the report's
    section alike (``base``: the comparison's baseline when not given); None when no compared part has a
    published claim."""
    if not any(r.claimed_relative_training_performance is not None for r in comp.results):
        return None
    base = base if base is not None else _baseline(comp)
    ref = _claims_reference(comp)
    rows = []
    b = (ref or base).tokens_per_second_per_accelerator
    for r in comp.results:
        model = r.tokens_per_second_per_accelerator / b if r.tokens_per_second_per_accelerator is not None and b else None
        claim = r.claimed_relative_training_performance
        if model is None and r.status is OptionStatus.infeasible:
            verdict_text = "no figures: " + (r.reason or "infeasible").split(": ", 1)[0]  # the reason's first clause
        elif model is None or claim is None or ref is None:
            verdict_text = ""
        elif claim_agrees(model, r):
            verdict_text = "agree"
        else:
            verdict_text = f"disagree: model {model:.2f}× vs claim {claim:.2f}×"
        if r.status is OptionStatus.infeasible and model is not None:
            verdict_text = f"{verdict_text} (not available in this market)" if verdict_text else "not available in this market"
        extra = [n.removeprefix("training note: ") for n in r.notes if n.startswith("training note: ")]
        if extra and extra[0].split(";")[0] not in verdict_text:  # (a refusal's reason may quote the note already)
            verdict_text = "; ".join(t for t in (verdict_text, extra[0].split(";")[0]) if t)
        verdict_text = verdict_text or "—"
        rows.append([r.accelerator, ratio_text(model), _claim_text(r), r.maturity or "—", verdict_text])
    if ref is not None:
        title = f"Published claims (relative to the A100) beside the model (throughput relative to {ref.accelerator})"
    else:
        title = (
            f"Published claims (relative to the A100) beside the model (throughput relative to {base.accelerator}): "
            f"no {CLAIM_REFERENCE} in this run, so no verdict (add {CLAIM_REFERENCE} to compare)"
        )
    return title, rows


def _opt_float(v: int | None) -> float | None:
    return None if v is None else float(v)


def ratio_text(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}×"


def _claim_text(r: OptionResult) -> str:
    """A published claim as published: its central figure and, where it is a range ('~70-80%'), the range."""
    low, high = r.claimed_relative_training_performance_low, r.claimed_relative_training_performance_high
    claim = ratio_text(r.claimed_relative_training_performance)
    return f"{claim} ({low:.2f}–{high:.2f})" if low is not None and high is not None and low < high else claim


def _versus(base: OptionResult, other: OptionResult, fmt: OutputFormat, training: bool, currency: Currency = Currency.USD) -> str:
    """Metric | baseline | other | Gap | Ratio, as in the seed article's benchmark table (the gap of a total,
    job or effective cost, in money)."""
    metrics: list[tuple[str, float | None, float | None, str]] = [
        ("Throughput (tokens/s per accelerator)", base.tokens_per_second_per_accelerator, other.tokens_per_second_per_accelerator, "n0"),
        ("Power (W per accelerator)", base.power_w_per_accelerator, other.power_w_per_accelerator, "n0"),
    ]
    if training:
        metrics.append(("Time to converge (hours)", base.time_to_converge_hours, other.time_to_converge_hours, "n1"))
    else:
        metrics.append(("Accelerators needed", _opt_float(base.count), _opt_float(other.count), "n0"))
    metrics += [
        ("Time to market (days)", base.time_to_market_days, other.time_to_market_days, "n1"),
        (f"Cost per million tokens ({currency.value})", base.cost_per_million_tokens_usd, other.cost_per_million_tokens_usd, "$"),
        (f"Job cost ({currency.value})", base.job_cost_usd, other.job_cost_usd, "$$"),
        (f"Effective cost ({currency.value})", base.effective_cost_usd, other.effective_cost_usd, "$$"),
    ]
    rows = []
    for label, b, o, kind in metrics:
        shown = [money(v, SYMBOLS[currency]) if kind.startswith("$") else num(v, int(kind[1])) for v in (b, o)]
        # (a total's gap is money, as the ranking's last column: a percentage of a small baseline reads +180122.9%)
        rows.append([label, *shown, difference(o, b, SYMBOLS[currency]) if kind == "$$" else gap(o, b), ratio(o, b)])
    return grid(
        ["metric", base.accelerator, other.accelerator, "gap", "ratio"], rows, fmt, align=["left", "right", "right", "right", "right"]
    )


def verdict(comp: Comparison) -> str:
    """One line for stderr: who wins and why."""
    sym = SYMBOLS[comp.currency]
    res = sorted(comp.ranked, key=lambda r: r.rank or 0)
    if not res:
        return "no option can be ranked: complete the unknown inputs the notes name"
    win = res[0]
    assert win.effective_cost_usd is not None and win.time_to_market_days is not None
    if len(res) == 1:
        return f"{win.accelerator}: effective cost {money(win.effective_cost_usd, sym)}, market in {num(win.time_to_market_days)} days"
    runner = res[1]
    if runner.effective_cost_usd == win.effective_cost_usd:
        tied = [r.accelerator for r in res if r.effective_cost_usd == win.effective_cost_usd]
        return f"{_and(tied)} tie: effective cost {money(win.effective_cost_usd, sym)} each (ranked in the order given)"
    # (a cost per token too large for a float is unknown (None), not the cheapest: it is left out of the comparison)
    priced = [r for r in res if r.cost_per_million_tokens_usd is not None]
    cheaper = min(priced, key=lambda r: r.cost_per_million_tokens_usd or 0.0) if priced else win
    text = (
        f"{win.accelerator} wins: effective cost {money(win.effective_cost_usd, sym)} "
        f"vs {money(runner.effective_cost_usd, sym)} for {runner.accelerator}"
    )
    if win.cost_per_million_tokens_usd is None:
        pass  # (no figure to compare the others' with)
    elif cheaper is not win:
        c_tok, w_tok = cheaper.cost_per_million_tokens_usd or 0.0, win.cost_per_million_tokens_usd
        c_job, w_job = cheaper.job_cost_usd or 0.0, win.job_cost_usd or 0.0
        later = (cheaper.time_to_market_days or 0.0) - win.time_to_market_days
        # the days charged, not the days later: with a deadline only the days past it are (breakeven's tie)
        charged = (cheaper.delay_days or 0.0) - (win.delay_days or 0.0)
        text += f"; {cheaper.accelerator} is {share(1 - c_tok / w_tok)} cheaper per token"
        if later > 0:
            text += f" but reaches the market {num(later)} days later"
        elif later < 0:  # (it loses on its job cost alone: porting is not in the cost per token)
            text += f" and reaches the market {num(-later)} days earlier"
        if charged > 0 and c_job < w_job:
            text += f" (worth it only if a day of delay costs less than {money_below((w_job - c_job) / charged, sym)})"
        elif c_job >= w_job:
            joint = ", and" if later > 0 else ", but"
            text += f"{joint} its job cost is higher once one-off porting ({money(cheaper.porting_usd, sym)}) is counted"
    else:
        text += f"; it is also the cheapest per token ({money(win.cost_per_million_tokens_usd, sym)}/M)"
    return text


def missing_notes(
    missing: Mapping[str, Sequence[str]], price_to_match: Mapping[str, str] | None = None, *, ranked: bool = True
) -> list[str]:
    """One stderr line per option left out of the ranking, with the --set that would complete it;
    options lacking the same workload or scenario inputs (no option-specific one) share one line. Where
    nothing is ranked (``size``: ``ranked=False``) the line says which figures are left blank instead."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for label, paths in missing.items():
        key = tuple(paths)
        shared = all(p.startswith(("workload.", "scenario.")) for p in paths)
        groups.setdefault(key if shared else (label, *key), []).append(label)
    out = []
    for labels in groups.values():
        paths = list(missing[labels[0]])
        sets = " ".join(f"--set {m}=VALUE" for m in paths)
        who = f"{labels[0]} is" if len(labels) == 1 else f"{', '.join(labels)} are"
        line = f"{who} not ranked: {', '.join(paths)} unknown; complete {'it' if len(labels) == 1 else 'them'} with {sets}"
        if not ranked:
            unknown = "it is" if len(paths) == 1 else "they are"
            line = f"{', '.join(labels)}: the figures that need {', '.join(paths)} are left blank ({unknown} unknown); {give_with(paths)}"
        price = (price_to_match or {}).get(labels[0]) if len(labels) == 1 else None
        if price is not None:
            line += f" (it wins only below {price})"
        out.append(line)
    return out


RATE_TO_MATCH = "decides: wins below a rental rate of "
"""How the note of a rented option's rate to match begins (``api.with_numbers_to_match`` writes it)."""


def incomplete_notes(comp: Comparison) -> list[str]:
    """The notes of :func:`missing_notes` for a comparison, then one line per infeasible option."""
    incomplete = [r for r in comp.results if r.status is OptionStatus.incomplete]

    def price(r: OptionResult) -> str | None:
        """The number that would decide it: a unit price (in the currency --set reads it in, where the profile
        quotes another) or a rental rate, as its notes give it."""
        if r.price_to_match_usd is not None:
            quoted = [n.split(": ", 2)[2] for n in r.notes if n.startswith("decides: the price is quoted in ")]
            return "a unit price of " + money_below(r.price_to_match_usd, SYMBOLS[comp.currency]) + (f" = {quoted[0]}" if quoted else "")
        rate = next((n for n in r.notes if n.startswith(RATE_TO_MATCH)), None)
        return rate.removeprefix("decides: wins below ").split(" (--set ", 1)[0] if rate is not None else None

    prices = {r.accelerator: price(r) for r in incomplete}
    out = missing_notes({r.accelerator: r.missing_inputs for r in incomplete}, {k: v for k, v in prices.items() if v is not None})
    return out + [f"{r.accelerator} is infeasible: {r.reason}" for r in comp.results if r.status is OptionStatus.infeasible]


def overflow_notes(comp: Comparison) -> list[str]:
    """A ranked option's figures that overflowed a float, shown as unknown in the table (:data:`tco.engine.OVERFLOW_NOTE`):
    said on stderr with the verdict, so a "—" is not taken for a missing input."""
    from tco.engine import OVERFLOW_NOTE

    return [f"{r.accelerator}: {n}" for r in comp.results for n in r.notes if OVERFLOW_NOTE in n]


IDLE_SHARE_NOTED = 0.2
"""The share of an option's accelerators its layout leaves idle (a global batch of too few sequences for them all)
from which compare's stderr shows the layout: a buyer pays for them all."""


def layout_notes(comp: Comparison) -> list[str]:
    """The notes that say why an option's layout leaves much of its speed unused, an input that would change
    the answer (its global batch): shown on stderr with the verdict, as an incomplete option's are. A layout that
    leaves at least :data:`IDLE_SHARE_NOTED` of the count idle (its result's ``layout``) is one."""
    from tco.training import EXPOSED_NOTE

    def wasteful(r: OptionResult) -> bool:
        idle = (r.layout or {}).get("idle_accelerators")
        return isinstance(idle, int) and idle >= IDLE_SHARE_NOTED * (r.count or 0)

    derived = [r for r in comp.results if r.throughput_source is ThroughputSource.derived]  # (a measured rate already holds it)
    return [
        f"{r.accelerator}: {n}"
        for r in derived
        for n in r.notes
        if n.startswith(EXPOSED_NOTE) or (n.startswith("layout: ") and wasteful(r))
    ]


# --------------------------------------------------------------------------- records (profiles, workloads, scenarios)


def render_records(
    records: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: OutputFormat, *, kind: str, headers: Sequence[str] | None = None
) -> str:
    """A list of flat records (``profiles list`` and similar)."""
    if fmt is OutputFormat.json:
        return json_text({"schema_version": SCHEMA_VERSION, kind: [{c: r.get(c) for c in columns} for r in records]})
    if fmt is OutputFormat.jsonl:
        return jsonl_text({"schema_version": SCHEMA_VERSION, **{c: r.get(c) for c in columns}} for r in records)
    if fmt is OutputFormat.csv:
        return csv_text(["schema_version", *columns], ([SCHEMA_VERSION, *(r.get(c) for c in columns)] for r in records))
    rows = [[_cell(r.get(c)) for c in columns] for r in records]
    return grid(headers or columns, rows, fmt)


def dict_text(v: Mapping[str, Any]) -> str:
    """A table of lists (an option's missing inputs by option) as one cell: ``a:rent (x, y); b (z)``."""
    return "; ".join(f"{k} ({', '.join(map(str, x)) if isinstance(x, (list, tuple)) else x})" for k, x in v.items())


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, dict) and not v):
        return "—"
    if isinstance(v, dict):
        return dict_text(v)
    if isinstance(v, float):
        return input_number(v)
    if isinstance(v, Enum):
        return str(v.value)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int) and abs(v) >= HUGE:  # (a fleet sized for an absurd demand: not a row of digits)
        return f"{float(v):.6g}"
    return str(v)


def count_text(n: int | None) -> str:
    """A count in a table as the notes write it: ``16,384`` accelerators, ``131,072`` tokens (``—`` unknown)."""
    return "—" if n is None else f"{n:,}" if abs(n) < HUGE else f"{float(n):.6g}"


def samples_text(n: int) -> str:
    """How many Monte Carlo samples a run drew: '1 sample', '20,000 samples'."""
    return f"{n:,} sample{'' if n == 1 else 's'}"


def given_number(v: float) -> str:
    """A number as its input gives it (a quoted rate ``ID:rent=2.123456789``, a profile's value, a --set),
    as the report's assumptions list it: every digit of the shortest form that reads back as the same
    float, with thousands separators (``2.123456789``, ``12,000``), where :func:`input_number` keeps six
    significant digits (tables of computed figures); past 10^15 as :func:`input_number` writes it."""
    if abs(v) >= HUGE or not math.isfinite(v):
        return input_number(v)
    v = unsigned_zero(v)
    return f"{v:,.0f}" if v == int(v) else f"{v:,}"


def input_number(v: float) -> str:
    """An input's value as tables (``profiles show``) and the report show it: six significant digits
    below 100,000, whole with thousands separators up to 10^15 (17,280,000,000 tokens, not 1.728e+10)."""
    v = unsigned_zero(v)
    return f"{v:,.6g}" if abs(v) < 1e5 else f"{v:,.0f}" if abs(v) < HUGE else f"{v:.6g}"


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any, Mapping[str, Any] | None]]:
    """(dotted key, value, provenance) rows for ``show``: quantities become one row with their source."""
    rows: list[tuple[str, Any, Mapping[str, Any] | None]] = []
    if isinstance(data, Mapping):
        if set(data) <= _QUANTITY_KEYS and ("value" in data or "source" in data):
            rows.append((prefix, data.get("value"), data))
            return rows
        for k, v in data.items():
            rows.extend(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list) and data and isinstance(data[0], Mapping):
        for i, item in enumerate(data):
            # (an entry as --set and the analyses select it: a measurement by its workload, a stage by its name)
            label = item.get("workload", item.get("name", i)) if isinstance(item, Mapping) else i
            rows.extend(flatten(item, f"{prefix}[{label}]"))
    elif isinstance(data, list):
        rows.append((prefix, ", ".join(str(x) for x in data), None))
    else:
        rows.append((prefix, data, None))
    return rows


def render_show(dumped: Mapping[str, Any], fmt: OutputFormat, *, kind: str, citations: Mapping[str, Any] | None = None) -> str:
    """Every field of one input with its value and provenance, then the full citation of each source key."""
    extra = {"citations": dict(citations)} if citations is not None else {}
    if fmt is OutputFormat.json:
        return json_text({"schema_version": SCHEMA_VERSION, kind: dumped, **extra})
    if fmt is OutputFormat.jsonl:
        return jsonl_text([{"schema_version": SCHEMA_VERSION, kind: dumped, **extra}])
    rows = flatten(dumped)
    cols = ["field", "value", "low", "high", "confidence", "as_of", "source"]
    records: list[dict[str, Any]] = []
    for key, value, prov in rows:
        if value is None and prov is None:
            continue
        p = prov or {}
        records.append(
            {
                "field": key,
                "value": "unknown" if (prov is not None and value is None) else value,
                "low": p.get("low"),
                "high": p.get("high"),
                "confidence": p.get("confidence"),
                "as_of": p.get("as_of"),
                "source": (p.get("source") or "") + (f" — {p['note']}" if p.get("note") else ""),
                "currency": p.get("currency"),
                "unknown": prov is not None and value is None,
            }
        )
    if fmt is OutputFormat.csv:  # raw numbers, with the currency a CNY/EUR money input is quoted in
        csv_cols = [*cols[:4], "currency", *cols[4:]]
        # raw: an unknown value is an empty cell (as JSON's null), not the word the table shows
        raw = ({**r, "value": None if r["unknown"] else r["value"]} for r in records)
        return csv_text(["schema_version", *csv_cols], ([SCHEMA_VERSION, *(r[c] for c in csv_cols)] for r in raw))
    money_cols = ("value", "low", "high")  # a money input quoted in CNY or EUR is shown with its currency
    shown = [
        [
            r[c]
            if c == "source"
            else in_currency(_cell(r[c]), r["currency"])
            if c in money_cols and isinstance(r[c], int | float)
            else _cell(r[c])
            for c in cols
        ]
        for r in records
    ]
    # (a terminal table folds a long value, such as a market's rule, and a long source: one ran the table to 737 columns)
    text = grid(cols, shown, fmt, wrap=[None, SHOW_VALUE_WIDTH, None, None, None, None, SHOW_SOURCE_WIDTH])
    if citations:
        cited = [[k, _citation_text(c)] for k, c in citations.items()]
        text += "\nSources\n" + grid(["key", "citation"], cited, fmt, wrap=[None, PROSE_WIDTH])
    return text


SHOW_VALUE_WIDTH = 48
"""Characters per line of the value column of ``profiles show`` (``workloads show``, ``scenarios show``) in a terminal."""

SHOW_SOURCE_WIDTH = 72
"""Characters per line of its source column: with the value's, the table stays within about 220 columns."""


def in_currency(text: str, currency: str | None) -> str:
    """A money value as tables show it: in USD as it is, quoted in CNY or EUR with its currency
    (``120,000 CNY``: the input's name says usd, the engine converts it with the scenario's rate)."""
    return text if currency in (None, Currency.USD.value) else f"{text} {currency}"


def _citation_text(c: Mapping[str, Any] | None) -> str:
    if c is None:
        return "not in the bibliography (profiles/sources/)"
    text = f'{c["publisher"]}, "{c["title"]}" ({c["date"]})'
    return text + (f", {c['url']}" if c.get("url") else "")


# --------------------------------------------------------------------------- estimate and calibration


def render_model_fields(
    model: Any, fmt: OutputFormat, *, hide_in_table: Sequence[str] = (), expand: Mapping[str, Sequence[str]] | None = None
) -> str:
    """One record rendered as ``field | value`` (table) or as one JSON object / one CSV row. The fields
    ``hide_in_table`` are left out of the table and markdown forms when they are None (no unit to say).
    A field of ``expand`` (a record such as the training layout) becomes one dotted field per key it lists,
    empty in CSV when the record is absent, so that its columns do not depend on the mode; JSON keeps it nested."""
    data = model.model_dump(mode="json")
    if fmt is OutputFormat.json:
        return json_text(data)
    if fmt is OutputFormat.jsonl:
        return jsonl_text([data])
    for name, keys in (expand or {}).items():
        nested = data.get(name) or {}
        if not nested and fmt is not OutputFormat.csv:
            continue  # a table says "—" once rather than once per key
        at = list(data).index(name)
        items = list(data.items())
        data = dict(items[:at] + [(f"{name}.{k}", nested.get(k)) for k in keys] + items[at + 1 :])
    if fmt is OutputFormat.csv:
        cols = list(data)
        return csv_text(cols, [[data[c] for c in cols]])
    shown = {k: v for k, v in data.items() if not (k in hide_in_table and v is None)}
    return grid(
        ["field", "value"],
        # (an empty list, a break-even with no tie, is '—' as every other field without a value)
        [[k, _cell(v) if not isinstance(v, list) else "; ".join(_cell(x) for x in v) or "—"] for k, v in shown.items()],
        fmt,
        wrap=[None, PROSE_WIDTH],
    )


CALIBRATION_COLUMNS = (
    "set_id",
    "split",
    "accelerator",
    "model",
    "parameters",
    "seq_len",
    "accelerator_count",
    "precision",
    "tuning",
    "measure",
    "measured_tokens_per_second",
    "derived_tokens_per_second",
    "error",
    "derived_mfu",
    "reported_mfu",
    "layout",
    "kind",  # (appended: training or serving; the serving rows' own columns follow)
    "scenario",
    "input_tokens",
    "output_tokens",
    "replica",
    "batch",
    "reason",
)
"""calibrate's CSV columns: training rows leave the serving columns empty, serving rows the training ones."""


def _pct(v: float | None) -> str:
    """A share as a percentage; one beyond a million percent in significant digits, not hundreds of them."""
    return "—" if v is None else f"{v * 100:.1f}%" if abs(v) < 1e4 else f"{v * 100:.3g}%"


SUMMARY_COLUMNS = ["model", "rows", "n", "median_absolute_error", "worst_absolute_error", "median_error"]
"""The columns of ``tco calibrate --summary`` in csv (and the keys of its json and jsonl records), in order."""


def _scale_rows(model: str, name: str) -> str:
    """The label of a held-out band: training's by accelerators in the run, serving's by accelerators per replica."""
    if model == "training":
        return f"held out: {name} accelerators"
    return "held out: replica chosen by the model" if name == "chosen" else f"held out: replicas of {name}"


def calibration_summary_records(summary: Any) -> list[dict[str, Any]]:
    """The error summary of ``tco calibrate --summary`` as records: per model (training, serving), the
    fit half, the held-out half, and the held-out half per source and per scale band (training: accelerators in
    the run; serving: accelerators per replica), each with its median and worst |error| and its median signed
    error (above 0: the model predicts faster than published)."""
    out: list[dict[str, Any]] = []

    def add(model: str, rows: str, st: Any) -> None:
        out.append(
            {
                "model": model,
                "rows": rows,
                "n": st.rows,
                "median_absolute_error": st.median_absolute_error,
                "worst_absolute_error": st.worst_absolute_error,
                "median_error": st.median_error,
            }
        )

    parts: list[tuple[str, Any]] = [("training", summary)]
    if summary.serving is not None:
        parts.append(("serving", summary.serving))
    for model, s in parts:
        add(model, "fit", s.fit)
        add(model, "held out", s.holdout)
        for name, st in s.holdout_by_source.items():
            add(model, f"held out: {name}", st)
        for name, st in s.holdout_by_scale.items():
            add(model, _scale_rows(model, name), st)
    return out


def render_calibration(summary: Any, fmt: OutputFormat, *, only_summary: bool = False) -> str:
    if only_summary and fmt in (OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv):
        records = calibration_summary_records(summary)
        if fmt is OutputFormat.json:
            payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "results": records, "constants": summary.constants}
            if summary.serving is not None:
                payload["serving_constants"] = summary.serving.constants
            return json_text(payload)
        if fmt is OutputFormat.jsonl:
            return jsonl_text({"schema_version": SCHEMA_VERSION, **r} for r in records)
        return csv_text(["schema_version", *SUMMARY_COLUMNS], ([SCHEMA_VERSION, *(r[c] for c in SUMMARY_COLUMNS)] for r in records))
    if fmt is OutputFormat.json:
        return json_text(summary.model_dump(mode="json"))
    rows = [r.model_dump(mode="json") for r in summary.rows]
    # Every row a format carries: the training rows, then the serving rows (kind says which).
    both = [{"kind": "training", **r} for r in rows]
    both += [{"kind": "serving", **r.model_dump(mode="json")} for r in (summary.serving.rows if summary.serving else [])]
    if fmt is OutputFormat.jsonl:
        return jsonl_text({"schema_version": SCHEMA_VERSION, **r} for r in both)
    if fmt is OutputFormat.csv:
        return csv_text(["schema_version", *CALIBRATION_COLUMNS], ([1, *(r.get(c) for c in CALIBRATION_COLUMNS)] for r in both))
    headers = [
        "split",
        "source",
        "accelerator",
        "model",
        "seq",
        "count",
        "prec",
        "tuning",
        "published tok/s",
        "model tok/s",
        "error",
        "model MFU",
        "layout",
    ]
    body = [
        [
            r["split"],
            r["set_id"],
            r["accelerator"],
            r["model"],
            count_text(r["seq_len"]),
            count_text(r["accelerator_count"]),
            r["precision"],
            r["tuning"] + (" (run)" if r["measure"] == "end_to_end" else ""),
            num(r["measured_tokens_per_second"], 1),
            num(r["derived_tokens_per_second"], 1),
            "—" if r["error"] is None else signed_percent(r["error"] * 100),
            "—" if r["derived_mfu"] is None else f"{r['derived_mfu']:.3f}",
            r["layout"] or (r["reason"] or "—"),
        ]
        for r in rows
    ]
    records = calibration_summary_records(summary)

    def summary_grid(model: str) -> str:
        """One model's summary table: the fit half, the held-out half and its sources and bands (indented)."""
        lines = [
            [
                "fit (constants fitted here)" if r["rows"] == "fit" else r["rows"] if r["rows"] == "held out" else f"  {r['rows']}",
                str(r["n"]),
                _pct(r["median_absolute_error"]),
                _pct(r["worst_absolute_error"]),
                "—" if r["median_error"] is None else signed_percent(r["median_error"] * 100),
            ]
            for r in records
            if r["model"] == model
        ]
        return grid(["rows", "n", "median |error|", "worst |error|", "median error"], lines, fmt)

    consts = ", ".join(f"{k} {v:g}" for k, v in summary.constants.items())
    tail = summary_grid("training") + f"\nconstants: {consts}\n"
    sv = summary.serving
    if sv is not None:
        sconsts = ", ".join(f"{k} {'inf' if v is None else f'{v:g}'}" for k, v in sv.constants.items())
        tail += "\nServing (generated tokens/s per accelerator)\n" + summary_grid("serving")
        tail += f"\nconstants: {sconsts}\n"
        if not only_summary:
            body_s = [
                [
                    r.split,
                    r.set_id,
                    r.accelerator,
                    r.model,
                    r.precision,
                    r.scenario,
                    f"{given_number(r.input_tokens)}/{given_number(r.output_tokens)}",
                    r.tuning,
                    count_text(r.replica),
                    num(r.measured_tokens_per_second, 1),
                    num(r.derived_tokens_per_second, 1),
                    "—" if r.error is None else signed_percent(r.error * 100),
                    count_text(r.batch),
                ]
                for r in sv.rows
            ]
            heads = [
                "split",
                "source",
                "accelerator",
                "model",
                "prec",
                "scenario",
                "in/out tokens",
                "engine",
                "replica",
                "published tok/s",
                "model tok/s",
                "error",
                "batch",
            ]
            tail += "\n" + grid(heads, body_s, fmt) + "\n"
    return tail if only_summary else grid(headers, body, fmt) + "\n\n" + tail


# --------------------------------------------------------------------------- what-if analyses


def _records_or_table(
    records: list[dict[str, Any]],
    columns: Sequence[str],
    headers: Sequence[str],
    table_rows: list[list[str]],
    fmt: OutputFormat,
    *,
    head: str = "",
    tail: str = "",
    whole: Mapping[str, Any] | None = None,
    wrap: Sequence[int | None] | None = None,
) -> str:
    if fmt is OutputFormat.json:
        return json_text(whole if whole is not None else {"schema_version": SCHEMA_VERSION, "rows": records})
    if fmt is OutputFormat.jsonl:
        return jsonl_text({"schema_version": SCHEMA_VERSION, **r} for r in records)
    if fmt is OutputFormat.csv:
        return csv_text(["schema_version", *columns], ([SCHEMA_VERSION, *(r.get(c) for c in columns)] for r in records))
    return head + grid(headers, table_rows, fmt, wrap=wrap) + tail


def render_breakeven(result: Any, fmt: OutputFormat) -> str:
    """The break-even's fields; its message is a row of the table (the CLI also prints it on stderr, as
    compare prints its verdict)."""
    if fmt in (OutputFormat.table, OutputFormat.markdown):
        return render_model_fields(result, fmt, hide_in_table=("currency",)).rstrip("\n") + "\n"
    return render_model_fields(result, fmt)


def _swing(r: Any, option: str, result: Any) -> str:
    """An option's swing; where it runs at the central values but not at an end of the input, says so."""
    if r.swing_usd[option] is None and result.central_effective_cost_usd.get(option) is not None:
        ends = [e for e, c in (("low", r.effective_cost_low_usd), ("high", r.effective_cost_high_usd)) if c.get(option) is None]
        over = [e for e in ends if e in r.overflows.get(option, ())]
        told = [f"cannot run at {' and '.join(e for e in ends if e not in over)}"] if len(over) < len(ends) else []
        told += [f"overflows at {' and '.join(over)}"] if over else []
        return "; ".join(told) or "—"
    return money(r.swing_usd[option])


def render_sensitivity(result: Any, fmt: OutputFormat) -> str:
    opts = result.options
    records = []
    for r in result.rows:
        rec: dict[str, Any] = {"param": r.param, "low": r.low, "high": r.high, "central": r.central, "currency": r.currency}
        rec["range_source"] = r.range_source
        for o in opts:
            rec[f"{o}.effective_cost_low_usd"] = r.effective_cost_low_usd[o]
            rec[f"{o}.effective_cost_high_usd"] = r.effective_cost_high_usd[o]
            rec[f"{o}.swing_usd"] = r.swing_usd[o]
        for o in opts:  # (appended: the columns before keep their places)
            rec[f"{o}.overflows"] = " ".join(r.overflows.get(o, [])) or None
        rec.update(
            difference_low_usd=r.difference_low_usd,
            difference_high_usd=r.difference_high_usd,
            difference_swing_usd=r.difference_swing_usd,
            flips_decision=r.flips_decision,
            plan_held=r.plan_held,
        )
        records.append(rec)
    columns = [
        "param",
        "low",
        "high",
        "central",
        "currency",
        "range_source",
        *[f"{o}.{k}" for o in opts for k in ("effective_cost_low_usd", "effective_cost_high_usd", "swing_usd")],
        "difference_low_usd",
        "difference_high_usd",
        "difference_swing_usd",
        "flips_decision",
        "plan_held",
        *[f"{o}.overflows" for o in opts],
    ]
    headers = ["input", "low", "high", "range", *[f"swing {o}" for o in opts]]
    if result.vs:
        headers += [f"{result.vs[0]} − {result.vs[1]} at low", "at high", "swing", "flips?"]
    rows = []
    for r in result.rows:
        sym = input_sign(r.currency)  # a CNY or EUR price swings in its own currency
        name = f"{r.param} *" if r.plan_held else r.param
        row = [name, f"{sym}{r.low:,.6g}", f"{sym}{r.high:,.6g}", r.range_source, *[_swing(r, o, result) for o in opts]]
        if result.vs:
            row += [
                money(r.difference_low_usd),
                money(r.difference_high_usd),
                money(r.difference_swing_usd),
                "yes" if r.flips_decision else "no",
            ]
        rows.append(row)
    central = ", ".join(f"{o} {money(v)}" for o, v in result.central_effective_cost_usd.items())
    held = any(r.plan_held for r in result.rows)
    tail = "\n* moves a layout, batch or replica; the swing holds the central one (--set PATH=VALUE plans anew)\n" if held else ""
    for o, lacking in result.missing_inputs.items():  # (an input only some ends need: a grid intensity where carbon is priced)
        tail += f"{o} cannot run at some ends without {unknown_inputs(lacking)}: {give_with(lacking)}\n"
    return _records_or_table(
        records, columns, headers, rows, fmt, head=f"central effective cost: {central}\n", tail=tail, whole=result.model_dump(mode="json")
    )


PARTIAL_VALUES_SHOWN = 3
"""Inputs the simulation's text names with their value of information (JSON holds every one)."""


def partial_values_text(values: Mapping[str, float] | None, shown: int = PARTIAL_VALUES_SHOWN) -> str:
    """The line naming the inputs most worth learning alone (EVPPI), or saying that none is; empty without them."""
    if values is None:
        return ""
    worth = [(k, v) for k, v in values.items() if v > 0]
    if not worth:
        return "no input alone is worth learning before buying: the value of information lies in several together\n"
    named = ", ".join(f"{k} {money(v)}" for k, v in worth[:shown])
    more = f" (and {len(worth) - shown} more, in the JSON)" if len(worth) > shown else ""
    return f"worth learning alone before buying (EVPPI): {named}{more}\n"


_CARBON_ONLY = "needed only to price carbon, which the samples price above 0; or leave carbon out: --set scenario.carbon_usd_per_tonne=0"


def _for_carbon_only(option: str, missing: Sequence[str], sampled: Sequence[str]) -> bool:
    """Whether the inputs a simulated option lacks are needed only where carbon is priced: a grid intensity, or a
    rented part's TDP (its power is in its rate; tco.engine prices its energy only as emissions)."""
    rented = ":rent" in option
    only = all(p.split(".", 1)[-1].startswith("grid_kgco2e_per_kwh") or (rented and p.endswith(".tdp_w")) for p in missing)
    return bool(missing) and only and "scenario.carbon_usd_per_tonne" in sampled


def render_simulation(result: Any, fmt: OutputFormat) -> str:
    records = []
    for o in result.options:
        rec: dict[str, Any] = {"option": o.option}
        for metric in ("effective_cost_usd", "cost_per_million_tokens_usd", "time_to_market_days"):
            pct = getattr(o, metric)
            for k in ("p10", "p50", "p90"):
                rec[f"{metric}_{k}"] = getattr(pct, k)
        rec.update(win_probability=o.win_probability, infeasible_share=o.infeasible_share, missing_inputs=o.missing_inputs)
        records.append(rec)
    columns = list(records[0]) if records else ["option"]
    headers = ["option", "effective cost P10", "P50", "P90", "$/M tokens P50", "market days P10", "P50", "P90", "P(win)"]
    rows = [
        [
            o.option,
            money(o.effective_cost_usd.p10),
            money(o.effective_cost_usd.p50),
            money(o.effective_cost_usd.p90),
            money(o.cost_per_million_tokens_usd.p50),
            num(o.time_to_market_days.p10),
            num(o.time_to_market_days.p50),
            num(o.time_to_market_days.p90),
            "—" if o.win_probability is None else probability(o.win_probability),
        ]
        for o in result.options
    ]
    tail = f"\n{samples_text(result.samples)}, seed {result.seed}; sampled: {', '.join(result.sampled_inputs) or 'nothing'}\n"
    for o in result.options:  # (an input needed only by some samples, e.g. a grid intensity where carbon is priced)
        if o.infeasible_share is not None and 0 < o.infeasible_share < 1:
            failed = round(o.infeasible_share * result.samples)
            tail += (
                f"{o.option} cannot run in {failed:,} of the {samples_text(result.samples)} ({probability(o.infeasible_share)}): "
                f"its percentiles are over the other {result.samples - failed:,}, and it wins none of the {failed:,}\n"
            )
        if o.missing_inputs:
            tail += f"{o.option} has no cost: the samples need {unknown_inputs(o.missing_inputs)}; {give_with(o.missing_inputs)}"
            tail += f" ({_CARBON_ONLY})\n" if _for_carbon_only(o.option, o.missing_inputs, result.sampled_inputs) else "\n"
    if result.expected_value_of_perfect_information_usd is not None:
        tail += (
            f"lowest expected effective cost: {result.best_expected_option}; value of perfect information "
            f"{money(result.expected_value_of_perfect_information_usd)} (the most worth paying to resolve these "
            "uncertainties, e.g. with a benchmark, before buying)\n"
        )
        if result.expected_value_of_perfect_information_usd > 0:  # (with nothing to learn, nothing to learn first)
            tail += partial_values_text(result.value_of_information_by_input_usd)
    elif not any(o.missing_inputs for o in result.options):
        tail += (
            "no expected best and no value of perfect information: no option has a finite expected effective cost "
            "(each cannot run in some samples, or its costs pass 1.8e308 USD)\n"
        )
    return _records_or_table(records, columns, headers, rows, fmt, tail=tail, whole=result.model_dump(mode="json"))


def render_size(result: Any, fmt: OutputFormat) -> str:
    records = [o.model_dump(mode="json") for o in result.options]
    columns = list(records[0])
    headers = ["option", "count", "market days", "converge h", "job cost", "$/M tokens", "facility kW", "capex", "note"]
    rows = [
        [
            o.option,
            count_text(o.count),
            num(o.time_to_market_days),
            num(o.time_to_converge_hours),
            money(o.job_cost_usd),
            money(o.cost_per_million_tokens_usd),
            num(o.facility_power_kw),
            money(o.capex_usd),
            o.message,
        ]
        for o in result.options
    ]
    return _records_or_table(
        records,
        columns,
        headers,
        rows,
        fmt,
        head=f"{result.workload} · {result.constraint} = {_limit_text(result.constraint, result.limit)}\n",
        whole=result.model_dump(mode="json"),
        wrap=[None] * 8 + [70],
    )


def _limit_text(name: str, limit: float) -> str:
    """The size table's title shows its limit as the messages do (tco.results.limit_text: loaded with the size
    result it belongs to, not with every command's rendering)."""
    from tco.results import limit_text

    return limit_text(name, limit)


CASHFLOW_LINES = ("capex", "energy", "facility", "operations", "porting", "rent", "lease", "carbon", "residual", "delay_penalty", "revenue")
"""tco.analysis.cashflow.LINES (not imported: rendering stays light; a test holds the two equal)."""

CASHFLOW_APPENDED = ("carbon",)
"""Lines added after the first release: CSV and JSON Lines append their columns at the end (the column
order is stable; new columns are only appended)."""


def render_cashflow(result: Any, fmt: OutputFormat) -> str:
    """Per option and year: every cash line, net, discounted and cumulative; then NPV per option."""
    if fmt is OutputFormat.json:
        return json_text(result.model_dump(mode="json"))
    records = []
    for o in result.options:
        for y in o.years:
            records.append({"option": o.option, "acquisition": o.acquisition, **y.model_dump(mode="json")})
    columns = [
        "option",
        "acquisition",
        "year",
        *[f"{c}_usd" for c in CASHFLOW_LINES if c not in CASHFLOW_APPENDED],
        "net_cost_usd",
        "discounted_net_cost_usd",
        "cumulative_net_cost_usd",
        *[f"{c}_usd" for c in CASHFLOW_APPENDED],
    ]
    if fmt is OutputFormat.jsonl:
        return jsonl_text({"schema_version": SCHEMA_VERSION, **{c: r[c] for c in columns}} for r in records)
    if fmt is OutputFormat.csv:
        return csv_text(["schema_version", *columns], ([1, *(r[c] for c in columns)] for r in records))
    parts = [f"{result.workload} · scenario {result.scenario} · discounted at {result.discount_rate:.1%} a year\n"]
    for o in result.options:
        used = [c for c in CASHFLOW_LINES if any(getattr(y, f"{c}_usd") for y in o.years)]
        heads = ["year", *[c.replace("_", " ") for c in used], "net", "discounted", "cumulative"]
        rows = [
            [
                str(y.year),
                *[money(getattr(y, f"{c}_usd")) for c in used],
                money(y.net_cost_usd),
                money(y.discounted_net_cost_usd),
                money(y.cumulative_net_cost_usd),
            ]
            for y in o.years
        ]
        parts.append(f"\n{o.option} ({o.acquisition}): NPV of cost {money(o.npv_cost_usd)}, undiscounted {money(o.total_cost_usd)}")
        if o.payback_year is not None:
            parts.append(f", pays back in year {o.payback_year}")
        parts.append("\n" + grid(heads, rows, fmt))
    ranking = [
        [str(o.rank), o.option, o.acquisition, money(o.npv_cost_usd), money(o.total_cost_usd)]
        for o in sorted(result.options, key=lambda o: o.rank or 0)
    ]
    parts.append("\n" + grid(["rank", "option", "as", "NPV of cost", "total cost"], ranking, fmt))
    return "".join(parts)


def _format_column(values: Any) -> list[str]:
    """Exact text of each number (repr); columns with few distinct values are formatted once per value."""
    import numpy as np

    arr = np.asarray(values)
    if arr.dtype == bool:
        yes, no = (BOOL_CELLS[True], BOOL_CELLS[False]) if _FOR_WORKBOOK.get() else ("true", "false")
        return np.where(arr, yes, no).tolist()  # type: ignore[no-any-return]
    if arr.dtype == object:
        return [str(v) for v in arr.tolist()]
    uniq, inverse = np.unique(arr, return_inverse=True)
    if uniq.size * 4 < arr.size:
        texts = np.array([_num_text(v) for v in uniq.tolist()], dtype=object)
        return texts[inverse].tolist()  # type: ignore[no-any-return]
    return [_num_text(v) for v in arr.tolist()]


def _num_text(v: Any) -> str:
    """A number as CSV writes it: a whole float a float holds exactly (up to 2^53) as an integer, any
    other in its shortest round-trip form (``repr``); NaN and infinity empty."""
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return ""
        if v.is_integer() and abs(v) <= 2.0**53:
            return str(int(v))
        return repr(v)
    return str(v)


def _drain(buf: io.StringIO) -> str:
    text = buf.getvalue()
    buf.seek(0)
    buf.truncate()
    return text


SWEEP_TEXT = ("option", "status", "reason")
"""A sweep's text columns: quoted in JSON (a reason that is empty is null), made safe for spreadsheets in CSV."""


def _and(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def stream_sweep(columns: Sequence[str], chunks: Iterable[Any], fmt: OutputFormat, audit: Mapping[str, Any] | None = None) -> Iterable[str]:
    """Text pieces of a sweep, one chunk at a time: CSV (header, then rows), JSON Lines (a row a line,
    each with its ``schema_version``), or JSON, the one shape of every command (:func:`envelope`, with
    ``audit`` as its ``inputs``) whose ``results`` stream a row a line. The header goes out with the
    first chunk, so that a sweep failing on its first chunk writes nothing."""
    if fmt not in (OutputFormat.csv, OutputFormat.jsonl, OutputFormat.json):
        raise ValueError(fmt)
    import json

    from tco import __version__

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=CSV_LINE_END)
    if fmt is OutputFormat.csv:
        # (drained with the first chunk's rows; an axis' column is its path as typed, which may begin '@' or '+': a
        # profile's file, '@x.toml.price_usd', quoted as a text cell is)
        writer.writerow(["schema_version", *(safe_text(c) for c in columns)])
    head = ""
    if fmt is OutputFormat.json:
        text = json.dumps({"schema_version": SCHEMA_VERSION, "tco_version": __version__, "inputs": dict(audit or {})}, indent=2)
        head = text[: -len("\n}")] + ',\n  "results": [\n'
    keys = [json.dumps(c) for c in ([] if fmt is OutputFormat.json else ["schema_version"]) + list(columns)]
    template = ("    " if fmt is OutputFormat.json else "") + "{{" + ",".join(f"{k}:{{}}" for k in keys) + "}}"
    first = True
    for chunk in chunks:
        texts = []
        for c in columns:
            col = chunk.options if c == "option" else chunk.columns[c]
            formatted = _format_column(col)
            if c in SWEEP_TEXT or getattr(getattr(col, "dtype", None), "kind", "") == "O":  # (few texts, a choice's values: each once)
                shown = {x: json.dumps(x) if x or c == "option" else "null" for x in set(formatted)}
                if fmt is OutputFormat.csv:
                    shown = {x: safe_text(x) for x in shown}
                formatted = [shown[x] for x in formatted]
            elif fmt is not OutputFormat.csv:
                formatted = [x if x else "null" for x in formatted]
            texts.append(formatted)
        if fmt is OutputFormat.csv:
            writer.writerows(("1", *row) for row in zip(*texts, strict=True))
            yield _drain(buf)
        elif fmt is OutputFormat.jsonl:
            yield "".join(template.format(1, *row) + "\n" for row in zip(*texts, strict=True))
        else:
            rows = ",\n".join(template.format(*row) for row in zip(*texts, strict=True))
            if rows:
                yield (head if first else ",\n") + rows
                first = False
    if buf.tell():  # no chunk at all: the header alone
        yield _drain(buf)
    if fmt is OutputFormat.json:
        yield (head if first else "\n") + "  ]\n}\n"
