"""An auditable workbook (XLSX) with live formulas: Assumptions, one Calculation sheet per option, Results.

The cost model is written out as spreadsheet formulas over the Assumptions sheet, so changing an
assumption cell changes the results the way the engine would. Throughput (tokens/s per accelerator) is
the performance model's output and enters as an assumption (a layout search is not a spreadsheet
formula), per stage of a training job with the accelerators its layout runs on; everything after
it — time to converge, goodput, capex, capital charge, energy, facility, operations, carbon, porting,
time to market, delay, penalty and effective cost — is a formula. An unknown input is an empty cell
with a note, and the formulas that need it show #N/A; money is shown in its own currency.
openpyxl is an optional extra (``pip install '.[xlsx]'``), imported only here.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tco import engine
from tco.engine import Option
from tco.errors import InputError, unsigned_zero
from tco.models import MAIN_STAGE, Acquisition, Comparison, Quantity, Scenario, ThroughputSource, Workload
from tco.perf import HOURS_PER_YEAR, SCALAR

if TYPE_CHECKING:
    from tco.results import CashflowResult

MAX_SHEET = 31


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            "the XLSX format needs openpyxl: pip install 'tco[xlsx]' (or pip install '.[xlsx]' in a checkout)", key="--format"
        ) from None
    return openpyxl


def _meta(models: Mapping[str, Any]) -> dict[str, Quantity | None]:
    out: dict[str, Quantity | None] = {}
    for prefix, model in models.items():
        for path, leaf in engine.walk_numbers(model, prefix):
            out[path] = leaf if isinstance(leaf, Quantity) else None
    return out


def _sheet_name(text: str, used: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``, no apostrophe at either end,
    unique in any case (``~2``, ``~3``, ... cut the name to make room). A longer name keeps its start and its end
    around an ellipsis: two long ids that share their first 26 characters still name their own option."""
    from tco.render import CONTROL

    clean = re.sub(r"[\[\]:*?/\\]", "_", CONTROL.sub("?", text))
    if len(clean) > MAX_SHEET:
        clean = clean[: MAX_SHEET // 2] + "…" + clean[-(MAX_SHEET // 2) :]
    base = re.sub(r"^'|'$", "_", clean)
    name, i = base, 2
    while name.lower() in used:
        suffix = f"~{i}"
        name, i = re.sub(r"'$", "_", base[: MAX_SHEET - len(suffix)]) + suffix, i + 1
    used.add(name.lower())
    return name


class _Assumptions:
    """The Assumptions sheet: one row per input, its cell referenced by the formulas."""

    def __init__(self, ws: Any, sets: Sequence[str], names: Sequence[Sequence[str]] = ()) -> None:
        from tco import loader
        from tco.errors import TcoError

        self.ws = ws
        self.names = [list(n) for n in names]
        # Each --set as the input it names, in any spelling the run took it in: an id in another case, an
        # alias, a profile's path, a quantity's ``.value`` (``A100.price_usd.value`` is ``a100-80gb.price_usd``).
        self.set_paths: list[tuple[tuple[str, ...], Any]] = []  # (the input, what the --set gives it)
        for item in sets:
            path, _, raw = item.partition("=")
            try:
                self.set_paths.append((loader.same_input_path(path.strip(), self.names), loader.parse_value(raw.strip(), path.strip())))
            except TcoError:  # (the run took it, so it parses; a path no longer resolvable changes no row here)
                continue
        self.cells: dict[tuple[str, str], str] = {}
        self.unknown: set[str] = set()
        ws.append(["scope", "input", "value", "unit", "source", "as of", "confidence", "overridden in this run"])
        from openpyxl.styles import Font

        for cell in ws[1]:
            cell.font = Font(bold=True)

    def add(self, scope: str, key: str, value: Any, meta: Quantity | None, unit: str = "", *, derived: str | None = None) -> str:
        """The reference of the input's value cell (one row per input). An unknown value (none given, or
        not a finite number) is an empty cell with a note saying so: never a made-up number."""
        if (scope, key) in self.cells:
            return self.cells[(scope, key)]
        overridden = self.overridden(scope, key)
        source = derived or (meta.source if meta is not None and meta.source else "")
        unknown = value is None or (isinstance(value, float) and not math.isfinite(value))
        if unknown:
            source = f"{UNKNOWN}; {source}" if source else UNKNOWN
        _append_text(
            self.ws,
            [
                scope,
                key,
                None if unknown else value,
                unit,
                source,
                meta.as_of if meta is not None and meta.as_of else "",
                meta.confidence.value if meta is not None and meta.confidence else ("model output" if derived else ""),
                "yes" if overridden else "",
            ],
        )
        if unknown:
            from openpyxl.comments import Comment

            self.ws.cell(self.ws.max_row, 3).comment = Comment(UNKNOWN, "tco")
            self.unknown.add(f"Assumptions!$C${self.ws.max_row}")
        ref = f"Assumptions!$C${self.ws.max_row}"
        self.cells[(scope, key)] = ref
        return ref

    def overridden(self, scope: str, key: str) -> bool:
        """Whether a ``--set`` of this run wrote the input (its value, or a table holding it; a range or
        source alone leaves the value as the file gives it)."""
        if " [" in key or scope == "run":  # a model output or an option's own figure (ID@N, :rent=RATE): no --set writes it
            return False
        from tco import loader

        here = loader.same_input_path(f"{scope}.{key}", self.names)
        # (a table given over a table merges into it: it writes only the fields it holds)
        return any(loader.overlaps(here, there) and not loader.merges_apart(here, None, there, given) for there, given in self.set_paths)

    def use(self, ref: str) -> str:
        """``ref`` in a formula: an unknown input gives #N/A (the engine's NaN) to every formula that needs it,
        until a value is entered in its cell."""
        return f"IF(ISBLANK({ref}),NA(),{ref})" if ref in self.unknown else ref


UNKNOWN = "unknown: no value given; every formula that needs it shows #N/A (the engine reports it unknown) until one is entered"

_PER = {
    "kwh": "kWh",
    "kw_month": "kW·month",
    "accelerator_year": "accelerator·year",
    "accelerator_tier": "accelerator·tier",
    "tonne": "t CO2e",
    "hour": "accelerator·hour",  # (the one rate per hour, rental.usd_per_hour, is each accelerator's: rent = n · rate · T)
}
_MONEY = re.compile(r"(?:^|_)usd(?:_per_([a-z_]+))?$")


def _unit(key: str, meta: Quantity | None = None) -> str:
    """The unit of an input: a money input's in its own currency (a price quoted in CNY is CNY, the
    formulas convert it with the scenario's rate), an exchange rate's as USD per unit."""
    currency = meta.currency.value if meta is not None and meta.currency is not None else "USD"
    for part in reversed(key.split(".")):
        m = _MONEY.search(part)
        if m is None:
            continue
        per = m.group(1)
        if per in ("cny", "eur"):
            return f"USD/{per.upper()}"
        return currency if per is None else f"{currency}/{_PER.get(per, per.replace('_', ' '))}"
    # (the last part that names a unit: a table's entry, 'grid_kgco2e_per_kwh_by_market.cn', is its table's unit)
    parts = key.split(".")
    name = next((part for part in reversed(parts) if any(part.endswith(s) or f"{s}_by_" in part for s, _ in _SUFFIX_UNITS)), parts[-1])
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix) or f"{suffix}_by_" in name:
            return unit
    return ""


_SUFFIX_UNITS = (
    ("kgco2e_per_kwh", "kg CO2e/kWh"),
    ("oom_per_year", "orders of magnitude/year"),
    ("failure_rate_per_accelerator_day", "interruptions/accelerator·day"),
    ("cost_of_capital", "per year"),
    ("tokens_per_day", "tokens/day"),
    ("tokens", "tokens"),
    ("kgco2e", "kg CO2e"),
    ("engineer_months", "engineer-months"),
    ("weeks", "weeks"),
    ("days", "days"),
    ("minutes", "minutes"),
    ("_kwh", "kWh"),
    ("_w", "W"),
    ("_gb", "GB"),
    ("_gbps", "GB/s"),
    ("_tflops", "TFLOPS"),
    ("_years", "years"),
)
"""An input's unit by the end of its name (checked in order: the first that matches), for a non-money input."""


def compare_workbook(
    comp: Comparison,
    options: Sequence[Option],
    workload: Workload,
    scenario: Scenario,
    sets: Sequence[str],
    extra: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]] | None = None,
    run: Mapping[str, Any] | None = None,
    cashflow: CashflowResult | None = None,
    flags: Mapping[str, float | None] | None = None,
    names: Sequence[Sequence[str]] | None = None,
) -> bytes:
    """The comparison as XLSX bytes: formulas for every ranked option (unranked ones are listed with
    why), and a chart of each one's job cost and delay penalty; ``cashflow`` adds a Cash flow sheet of
    formulas over the Calc sheets' totals (its NPV follows the cost of capital), with a chart of the
    cumulative net cost, ``flags`` its lease and revenue rates; ``extra`` adds value sheets (an
    analysis' records, Monte Carlo samples); ``run``, the audit trail of the run (the JSON's inputs
    block), becomes a Run sheet; ``names``, each option's id, aliases and the paths it was given by
    (:func:`tco.analysis.common.option_names`; by default its id and aliases), the scopes a ``--set``
    may name it by, so the Assumptions sheet marks what this run overrode in any spelling. The CLI
    writes them."""
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    if names is None:
        names = [(o.accelerator.id, *o.accelerator.aliases) for o in options]
    a = _Assumptions(wb.active, sets, names)
    wb.active.title = "Assumptions"
    used = {"assumptions", "results"}
    results = {r.accelerator: r for r in comp.results}
    calc_refs: list[tuple[str, dict[str, str]]] = []
    for option in options:
        res = results[option.label]
        if res.status.value != "ranked":
            continue
        calc_refs.append((option.label, _option_sheet(wb, a, used, option, res, workload, scenario)))
    penalty_cells = _results(wb, a, calc_refs, comp, scenario)
    if cashflow is not None:
        _cashflow_sheet(wb, a, used, cashflow, dict(calc_refs), penalty_cells, scenario, flags or {})
    _claims_sheet(wb, used, comp)
    # An option's name stays text where it reads as a number (an id '1e3' is no 1000)
    ids = {o.label for o in options} | {o.accelerator.id for o in options} | {f"{o.label}:lease" for o in options}
    ids |= {workload.id, scenario.id}  # (and the workload's and the scenario's: '007' keeps its zeros)
    for title, (header, records) in (extra or {}).items():
        ws = wb.create_sheet(_sheet_name(title, used))
        _append_text(ws, header)
        for row in records:
            _append_text(ws, [v if v in ids else _cell(v) for v in row])
        _analysis_chart(ws, title, list(header), len(records))
        if ws.max_row >= 1:  # said on the sheet: an auditor editing Assumptions must not expect these to move
            from openpyxl.comments import Comment

            ws["A1"].comment = Comment(
                "Values from the run, not formulas: they do not follow edits to the Assumptions sheet. The Calc and "
                "Results sheets are formulas over the inputs as given (without any value varied, swept or sampled "
                "here) and do follow them. Run tco again with --set to recompute these.",
                "tco",
            )
    if run is not None:
        _run_sheet(wb.create_sheet(_sheet_name("Run", used)), run)
    _number_formats(wb)
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _claims_sheet(wb: Any, used: set[str], comp: Comparison) -> None:
    """The published relative-to-A100 claims and maturity ratings beside the model's ratio, the rows compare's
    table and the report show under a training ranking (:func:`tco.render.claims_rows`): values, as shown, not
    inputs of any formula."""
    from tco.render import CLAIMS_HEADERS, claims_rows

    found = claims_rows(comp) if comp.workload_kind == "training" else None
    if found is None:
        return
    from openpyxl.styles import Font

    title, rows = found
    ws = wb.create_sheet(_sheet_name("Claims", used))
    _append_text(ws, [title])
    _append_text(ws, CLAIMS_HEADERS)
    for cell in ws[2]:  # (the column headers, bold as every sheet's are; the title above them is row 1)
        cell.font = Font(bold=True)
    ws.freeze_panes = "A3"  # (the title and the headers stay in view, as every sheet's headers do)
    for row in rows:
        _append_text(ws, row)


MONEY_FORMAT = "#,##0"
"""Whole dollars with thousands separators: totals (capex, job cost, a year's cash flow, an NPV)."""

RATE_FORMAT = "#,##0.0000"
"""Money per unit (per million tokens, per accelerator-hour), kept to four decimals."""

TIME_FORMAT = "#,##0.0"
"""Days, hours, energy and power: one decimal with thousands separators."""


def _format_of(unit: str) -> str | None:
    """The display format of a value in ``unit`` (a Calc sheet's unit cell, or a column header's unit: the text
    after its last ', ', or its key's suffix), or None to leave it General (counts, shares, mixed columns). The
    format changes what a cell shows, never its value or formula."""
    u = unit.strip().lower()
    if u in {"usd", "cny", "eur"} or (u.endswith(("_usd", " usd")) and "_per_" not in u and " per " not in u):
        return MONEY_FORMAT
    if u.endswith("_usd") or u.startswith(("usd/", "usd per")):
        return RATE_FORMAT
    if u in {"hours", "days", "kwh", "kw", "w"} or u.endswith(("_days", "_hours", "_kwh", "_kw")):
        return TIME_FORMAT
    return None


def _number_formats(wb: Any) -> None:
    """Thousands separators and sensible decimals on the computed figures, as a finance reader expects
    (``39,210,484`` not ``39210484.213889``, nor ``1.38E+08`` in a narrow column): each Calc sheet's values by
    their unit cell, every other sheet's columns by their header's unit (``job cost, USD``, ``capex_usd``,
    ``time_to_market_days``). The Assumptions keep General, which shows each input as given (0.0826 $/kWh
    beside a $17,500 price), as does the Run sheet (its text as written, its numbers as the JSON gives them)."""
    from openpyxl.styles import Font

    for ws in wb.worksheets:
        # Every sheet's header row in bold and kept in view while scrolling its rows (a sheet whose headers are
        # below a title, the Claims, froze its own).
        for cell in ws[1]:
            if cell.value is not None and not cell.font.bold:
                cell.font = Font(bold=True)
        if ws.freeze_panes is None:
            ws.freeze_panes = "A2"
        if ws.title == "Assumptions":
            for letter, width in zip("ABCDEFGH", (14, 36, 14, 16, 70, 10, 12, 12), strict=True):
                ws.column_dimensions[letter].width = width
        if ws.title in {"Assumptions", "Run"} or ws.max_row < 2:
            continue
        if ws.cell(1, 1).value == "quantity" and ws.cell(1, 3).value == "unit":  # a Calc sheet
            for row in range(2, ws.max_row + 1):
                fmt = _format_of(str(ws.cell(row, 3).value or ""))
                if fmt is not None:
                    ws.cell(row, 2).number_format = fmt
            continue
        for col in range(1, ws.max_column + 1):
            header = ws.cell(1, col).value
            if not isinstance(header, str):
                continue
            fmt = _format_of(header.rsplit(", ", 1)[-1] if ", " in header else header)
            if fmt is None:
                continue
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if cell.data_type in ("n", "f") and cell.value is not None:  # a number or a formula (text stays General)
                    cell.number_format = fmt
            letter = openpyxl_col(col)
            if letter not in ws.column_dimensions:  # (a width the sheet's builder set stays)
                ws.column_dimensions[letter].width = max(12, min(len(header) + 2, 30))


def _run_sheet(ws: Any, run: Mapping[str, Any]) -> None:
    """What the workbook is of: one row per item of the audit trail (a list or table flattened), so an
    auditor can rerun it (``--set`` inputs with no Assumptions row, a market, a latency target, included)."""
    _append_text(ws, ["item", "value", "detail"])
    for key, value in run.items():
        if key == "files" and isinstance(value, Mapping):
            for name, entry in value.items():
                _append_text(ws, ["file", f"{name}: {entry.get('path', '')}", f"SHA-256 {entry.get('sha256', '')}"])
                for base in entry.get("extends", []):  # the files it extends, which supply its other values
                    _append_text(ws, ["extends", f"{name}: {base.get('path', '')}", f"SHA-256 {base.get('sha256', '')}"])
        elif isinstance(value, Mapping):
            for sub, v in value.items():
                _append_text(ws, [key, f"{sub}: {v}", ""])
        elif isinstance(value, (list, tuple)):
            for v in value or ["(none)"]:
                _append_text(ws, [key, str(v), ""])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):  # a number, as the JSON gives it
            _append_text(ws, [key, value, ""])
        elif value is not None:
            _append_text(ws, [key, str(value), ""])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60


def _append_text(ws: Any, values: Sequence[Any]) -> None:
    """Append a row of values, none of them a formula: openpyxl takes any text starting with ``=`` as
    one, so such text (a name, a source, a note from an input file) is typed back to a string and
    shows as written, never evaluated (OWASP's CSV-injection advice, applied to XLSX)."""
    cleaned = [_clean(v) for v in values]
    ws.append(cleaned)
    # The row just appended: openpyxl's own counter (``ws.max_row`` and ``ws[row]`` scan every stored
    # cell, which made a sheet of n rows take n² steps: hours for a large sweep).
    row = ws._current_row
    for column, v in enumerate(cleaned, start=1):
        if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r")):
            cell = ws.cell(row=row, column=column)
            cell.data_type = "s"  # never a formula
            cell.quotePrefix = True  # shown as text, and kept text when the cell is edited (Excel's ' prefix)


def _clean(v: Any) -> Any:
    """Text with control characters (an escape sequence in a profile's source, which XML cannot hold)
    and bidirectional overrides shown as '?', as in CSV and tables; a number past :data:`MAX_CELL_NUMBER`
    as that; other values unchanged."""
    if isinstance(v, str):
        from tco.render import CONTROL

        v = CONTROL.sub("?", v)
        if len(v) > MAX_CELL_TEXT:  # (openpyxl cut it there silently: an auditor would read a whole text)
            cut = f" … [cut: {len(v):,} characters, a cell holds {MAX_CELL_TEXT:,}; the whole text is in the input file]"
            v = v[: MAX_CELL_TEXT - len(cut)] + cut
        return v
    if isinstance(v, float) and math.isfinite(v) and abs(v) > MAX_CELL_NUMBER:
        return math.copysign(MAX_CELL_NUMBER, v)
    return v


MAX_CELL_NUMBER = 1.797693134862315e308
"""The largest number a cell holds as written: openpyxl writes 16 significant digits, and the few floats above
this one (up to 1.7976931348623157e308, an input's high a file may give) round to 1.797693134862316e+308,
which no float holds: the cell read back as infinity (INF in LibreOffice), not the finite number it was."""

MAX_CELL_TEXT = 32767
"""Characters a spreadsheet cell holds (Excel's limit; openpyxl cuts longer text there without a word)."""


def _cell(v: Any) -> Any:
    from tco.render import BOOL_CELLS

    if isinstance(v, str):
        if v in BOOL_CELLS.values():  # a true or false of the records (tco.render.for_workbook): the JSON's boolean
            return v == BOOL_CELLS[True]
        if "_" in v or v != v.strip():  # (Python reads '1_0' as 10: no CSV number is written so)
            return v
        try:
            x = float(v)
        except ValueError:
            return v  # text: _append_text keeps a leading = from becoming a formula
        return x if math.isfinite(x) else v  # (CSV writes an unknown number as "": "nan" or "inf" is text, an id)
    return v


def _results(wb: Any, a: _Assumptions, calc_refs: list[tuple[str, dict[str, str]]], comp: Comparison, scenario: Scenario) -> dict[str, str]:
    """The Results sheet (formulas over the Calc sheets) with a chart of each ranked option's job cost and
    delay penalty; returns each ranked option's delay-penalty cell."""
    from tco.render import unranked_row

    ws = wb.create_sheet("Results")
    ws.append(
        ["option", "time to market, days", "job cost, USD", "delay, days", "delay penalty, USD", "effective cost, USD", "rank", "status"]
    )
    meta = _meta({"scenario": scenario})
    flat = engine.flat_numbers(scenario, "scenario")

    def inp(key: str) -> str:
        short = key.removeprefix("scenario.")
        return a.use(a.add("scenario", short, flat.get(key), meta.get(key), _unit(short, meta.get(key))))

    cod = inp("scenario.cost_of_delay_usd_per_day")
    rate = engine.scenario_fx(scenario).get("scenario.cost_of_delay_usd_per_day")
    if rate:  # quoted in CNY or EUR: converted with the scenario's rate, as the engine does
        cod = f"({cod}*{inp(rate)})"
    deadline = None
    if scenario.deadline_days is not None and scenario.deadline_days.value is not None:
        deadline = inp("scenario.deadline_days")
    first = ws.max_row + 1
    last = first + len(calc_refs) - 1
    # The engine measures delay behind the fastest option whose time to market is known, an incomplete one
    # (its cost unknown) included: its time to market is listed below the ranked rows and in the minimum.
    # Those rows come first among the unranked, so that the minimum's range holds no other row.
    unranked = [r for r in comp.results if r.status.value != "ranked"]
    unranked.sort(key=lambda r: not (r.status.value == "incomplete" and r.time_to_market_days is not None))
    timed = [r.status.value == "incomplete" and r.time_to_market_days is not None for r in unranked]
    fastest = last + sum(timed)

    def behind(ttm: str) -> str:
        """The delay behind the fastest, as :func:`tco.engine.apply_delay` gives it: a time to market within
        :data:`tco.engine.SAME_DATE` of the fastest is the same date (0, not float noise of 1e-14 days)."""
        best = f"MIN($B${first}:$B${fastest})"
        return f"=IF({ttm}-{best}<={engine.SAME_DATE!r}*ABS({best}),0,{ttm}-{best})"

    for i, (label, refs) in enumerate(calc_refs):
        row = first + i
        delay = f"=MAX({refs['ttm']}-{deadline},0)" if deadline else behind(refs["ttm"])
        ws.append(
            [
                label,
                f"={refs['ttm']}",
                f"={refs['job']}",
                delay,
                f"=IF(D{row}=0,0,D{row}*{cod})",  # no delay costs nothing, whatever (or if unknown) the rate
                f"=C{row}+E{row}",
                # (ties ranked in the order given, as the engine ranks them: the earlier equal rows first)
                f"=RANK(F{row},$F${first}:$F${last},1)" + (f"+COUNTIF($F${first}:$F${row - 1},F{row})" if i else ""),
                "ranked",
            ]
        )
    for r, t in zip(unranked, timed, strict=True):
        why = f"{r.status.value}: {r.reason or ', '.join(r.missing_inputs)}"
        decide = unranked_row(r)[3]  # (the number that would decide it, as compare's table and the report give it)
        if decide != "—":
            why += f"; the number that would decide it: {decide}"
        if t:
            # Its delay and penalty need no cost (every other output gives them): formulas as for the ranked rows.
            # Its time to market is the engine's value (it has no Calc sheet), and says so.
            why += " (time to market as computed, not live: no Calc sheet)"
            _append_text(ws, [r.accelerator, r.time_to_market_days, None, None, None, None, None, why])
            row = ws._current_row
            if r.delay_days is not None:
                ws.cell(row=row, column=4).value = f"=MAX(B{row}-{deadline},0)" if deadline else behind(f"B{row}")
                if r.delay_penalty_usd is not None:
                    ws.cell(row=row, column=5).value = f"=IF(D{row}=0,0,D{row}*{cod})"
            continue
        # An option the market bars still has figures (every other output gives them): shown as the
        # engine's values, not formulas, since it has no Calc sheet.
        figures = [r.time_to_market_days, r.job_cost_usd, r.delay_days, r.delay_penalty_usd, r.effective_cost_usd]
        if any(v is not None for v in figures):
            why += " (figures as computed, not live: no Calc sheet)"
        _append_text(ws, [r.accelerator, *figures, None, why])
    for col, width in zip("ABCDEFGH", (24, 20, 18, 12, 18, 20, 8, 40), strict=True):
        ws.column_dimensions[col].width = width
    if calc_refs:
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = "Effective cost = job cost + delay penalty"
        chart.x_axis.title, chart.y_axis.title = "option", "USD"
        for column in (3, 5):  # job cost, delay penalty: live cells, so the chart follows edits
            chart.add_data(Reference(ws, min_col=column, min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        chart.width, chart.height = 18, 3 + 1.2 * len(calc_refs)
        ws.add_chart(chart, f"A{ws.max_row + 3}")
    return {label: f"Results!$E${first + i}" for i, (label, _) in enumerate(calc_refs)}


def _stage_figures(plan: Any, option: Option, workload: Workload, scenario: Scenario, res: Any) -> list[tuple[str, str, float, float]]:
    """(name, token-count key, tokens/s per accelerator, accelerators its layout runs on) of every stage
    of a training job, as the engine computes them. Goodput counts the most accelerators any stage's
    layout runs on; a stage's throughput is the result's (the stage's own, carried from a measurement as
    the engine carries it: :attr:`tco.models.OptionResult.stages`)."""
    base = engine.numeric_inputs(option, workload, scenario)
    rates = [s.tokens_per_second_per_accelerator for s in res.stages] if res.stages else [res.tokens_per_second_per_accelerator]
    out = []
    for st, tps in zip(plan.stages, rates, strict=True):
        # The engine's own per-stage figure (goodput takes the maximum of these over the stages).
        used = engine.stage_throughput(plan, st, engine.KnownInputs(base), SCALAR)[3]
        out.append((st.name, st.tokens_key, _number(tps), _number(used)))
    return out


def _number(v: Any) -> float:
    """A figure as a float (NaN when unknown)."""
    return math.nan if v is None else float(v)


def _option_sheet(
    wb: Any, a: _Assumptions, used: set[str], option: Option, res: Any, workload: Workload, scenario: Scenario
) -> dict[str, str]:
    """One option's Calculation sheet: every cost term as a formula over the Assumptions sheet."""
    training = workload.kind == "training"
    plan = engine.plan_option(option, workload, scenario, market=False)
    p = engine.numeric_inputs(option, workload, scenario)
    meta = _meta({"accel": option.accelerator, "workload": workload, "scenario": scenario})
    acc = option.accelerator.id

    def inp(key: str, scope: str | None = None) -> str:
        flat = key
        sc = scope or ("scenario" if key.startswith("scenario.") else "workload" if key.startswith("workload.") else acc)
        short = flat.split(".", 1)[1] if "." in flat else flat
        # An input the profile leaves unknown is written unknown, as the engine reads it (NaN).
        return a.use(a.add(sc, short, p.get(flat), meta.get(flat), _unit(short, meta.get(flat))))

    from openpyxl.utils import quote_sheetname

    ws = wb.create_sheet(_sheet_name(f"Calc {option.label}", used))
    # The option this sheet computes, named on the sheet (its title may be cut to 31 characters, 'Calc a-ver…~2'):
    # its label and the part's name beside the header row, as text (a name '=1+2' is never a formula), so no row moves.
    _append_text(ws, ["quantity", "value", "unit", "formula (engine)", "option", option.label, option.accelerator.name])
    from openpyxl.styles import Font

    ws.cell(1, 6).font = Font(bold=True)
    rows: dict[str, str] = {}

    def put(name: str, formula: str, unit: str, note: str) -> str:
        ws.append([name, formula, unit, _clean(note)])
        rows[name] = f"{quote_sheetname(ws.title)}!$B${ws.max_row}"  # (quoted, an apostrophe in the name doubled)
        return rows[name]

    source = f"tco performance model ({res.throughput_source.value if res.throughput_source else ''})"
    main_source = source  # (the first stage's: the layout in the notes is the one chosen for it)
    if training and res.throughput_source is ThroughputSource.derived:  # the layout behind the rate, beside it
        from tco.training import EXPOSED_NOTE

        main_source = "; ".join([source, *(n for n in res.notes if n.startswith(("layout: ", EXPOSED_NOTE)))])
    if training:  # per stage: its own throughput and running accelerators, below
        stages = _stage_figures(plan, option, workload, scenario, res)
    else:
        tps = a.use(
            a.add(
                acc,
                f"tokens_per_second_per_accelerator [{option.label}]",
                res.tokens_per_second_per_accelerator,
                None,
                "tokens/s",
                derived=source,
            )
        )
    fx = dict(plan.fx)

    def money(key: str) -> str:
        if key == "accel.rental.usd_per_hour" and option.quoted_rate is not None:
            # A rate quoted on the command line (ID:rent=RATE, in USD) is this option's own input: its own
            # row, never the profile's rate or another option's quote of the same part.
            quoted = meta.get(key)
            return a.use(a.add(acc, f"rental.usd_per_hour [{option.label}]", p.get(key), quoted, _unit(key, quoted)))
        ref = inp(key)
        rate = fx.get(key)
        return f"({ref}*{inp(rate)})" if rate else ref

    node = inp("accel.interconnect.devices_per_node")
    if training:
        n_in = a.add(acc, f"count [{option.label}]", res.count, None, "accelerators", derived="option (ID@N), or the workload's count")
        n = put("accelerators", f"={n_in}", "accelerators", "count")
    else:
        # The fleet follows the demand and the utilization, in whole replicas of k (the serving model's
        # replica and throughput are its outputs), as the engine sizes it.
        busy = inp("scenario.utilization") if option.acquisition is Acquisition.buy else "1"
        k = plan.replica or 1
        n = put(
            "accelerators",
            f"=MAX(CEILING({inp('workload.tokens_per_day')}/(86400*{busy})/{tps}/{k},1)*{k},{k})",
            "accelerators",
            f"fleet: ceil(D / (86400 · u) / X / k) · k, at least k = {k} (one replica); k and X are the serving "
            "model's choice for the demand written: a demand far from it can change them (run tco again)",
        )
    if training:
        lam, ts, tr = (
            inp("scenario.failure_rate_per_accelerator_day"),
            inp("scenario.checkpoint_save_minutes"),
            inp("scenario.restart_minutes"),
        )
        # Per stage: its throughput and the accelerators its layout runs on (model outputs), its compute time.
        many = len(stages) > 1
        runs, hours, tokens = [], [], []
        for name, tokens_key, stage_tps, stage_used in stages:
            tag = f"{option.label}, stage {name}" if many else option.label
            said = main_source if name == MAIN_STAGE else source
            x = a.use(a.add(acc, f"tokens_per_second_per_accelerator [{tag}]", stage_tps, None, "tokens/s", derived=said))
            runs.append(
                a.use(
                    a.add(
                        acc,
                        f"accelerators running [{tag}]",
                        stage_used,
                        None,
                        "accelerators",
                        derived="tco layout search: the accelerators the stage's layout runs on (idle ones excluded)",
                    )
                )
            )
            d = inp(tokens_key)
            tokens.append(d)
            hours.append(
                put(f"compute hours, {name}" if many else "compute hours", f"={d}/({n}*{x})/3600", "hours", "D_s / (n · X_s) / 3600")
            )
        # Each stage loses to failures of the accelerators its layout runs on: an idle part's failure stops nothing.
        why = "G_s = 1 − sqrt(2·T_s/M) − T_r/M, M = 1/(λ·n_s), n_s the accelerators the stage's layout runs on"
        goodputs = [
            put(
                f"goodput, {name}" if many else "goodput",
                f"=MAX(1-SQRT(2*({ts}/1440)*{lam}*{r})-({tr}/1440)*{lam}*{r},0)",
                "",
                why,
            )
            for (name, *_), r in zip(stages, runs, strict=True)
        ]
        if many:
            put(
                "tokens/s per accelerator over the job",
                f"=({'+'.join(tokens)})/({n}*({'+'.join(hours)})*3600)",
                "tokens/s",
                "ΣD_s / (n · Σ compute hours · 3600)",
            )
        run_sum = "+".join(f"{h}/{g}" for h, g in zip(hours, goodputs, strict=True))
        th = put("time to converge", f"={run_sum}", "hours", "T_h = Σ D_s / (n · X_s) / G_s / 3600")
        if many:
            put("goodput", f"=({'+'.join(hours)})/{th}", "", "the job's: Σ compute hours / time to converge")
        run_h = energy_h = th
        owned_h = put("owned hours charged", f"={th}/{inp('scenario.utilization')}", "hours", "H = T_h / u")
        years = "1"
    else:
        run_h = put("busy hours per year", f"={HOURS_PER_YEAR}*{busy}", "hours", "8766 · u (rented: u = 1)")
        owned_h = put("owned hours per year", f"={HOURS_PER_YEAR}", "hours", "")
        energy_h = put(
            "serving hours per year",
            f"=MIN({inp('workload.tokens_per_day')}*365.25/({n}*{tps}*3600),{run_h})",
            "hours",
            "the work: tokens / (n · X) / 3600, at most the busy hours",
        )
        years = inp("workload.service_life_years")
    tdp = inp("accel.tdp_w")
    if plan.measured_power:
        measured = inp(f"{plan.bench_key}.power_w")
        avg = put("average power", f"={measured}", "W", "measured run power")
        peak_w = put("peak power", f"=MAX({tdp},{measured})", "W", "max(TDP, measured)")
    else:
        avg = put("average power", f"={tdp}*{inp('scenario.average_power_fraction')}", "W", "TDP · f_avg")
        peak_w = put("peak power", f"={tdp}", "W", "TDP")
    k_pwr = inp(plan.k_pwr_key)
    pue = inp("scenario.pue")
    if option.acquisition is Acquisition.rent:
        rent = put("rent", f"={n}*{money('accel.rental.usd_per_hour')}*{run_h}*{years}", "USD", "n · rate · hours")
        capex = put("capex", "=0", "USD", "rented")
        parts = [rent]
        energy_kwh = put("energy", f"={n}*{avg}*{k_pwr}*{pue}*{energy_h}/1000*{years}", "kWh", "drawn; its cost is in the rate")
    else:
        servers = f"CEILING({n}/{node},1)"
        tiers = put("network tiers", f"=IF({servers}<=2,0,1+CEILING(MAX(LOG({servers}/64,2),0)/5,1))", "", "fat tree of radix-32 leaves")
        price = money("accel.price_usd")
        server = f"({inp('accel.server_usd_per_accelerator')}+{price})" if plan.server_bom else f"({price}*{inp(plan.k_srv_key)})"
        net = inp(f"scenario.network_usd_per_accelerator_tier.{plan.fabric}")
        capex = put(
            "capex",
            f"={n}*({server}+{tiers}*{net}+{money('scenario.storage_usd_per_accelerator')})",
            "USD",
            "n · (server + tiers · network + storage)",
        )
        r, life = inp("scenario.cost_of_capital"), inp("scenario.depreciation_years")
        crf = put(
            "capital recovery factor", f"=IF({r}*{life}<1E-9,1/{life}+{r}/2,{r}/(1-(1+{r})^(-{life})))", "1/year", "r / (1 − (1+r)^−L)"
        )
        capital = put("capital", f"={capex}*{crf}*{owned_h}/{HOURS_PER_YEAR}*{years}", "USD", "K · CRF · H / 8766")
        energy_kwh = put("energy", f"={n}*{avg}*{k_pwr}*{pue}*{energy_h}/1000*{years}", "kWh", "n · P_avg · k_pwr · PUE · T / 1000")
        energy = put("energy cost", f"={energy_kwh}*{money('scenario.electricity_usd_per_kwh')}", "USD", "E · price")
        colo = money("scenario.facility_usd_per_kw_month")
        facility = put(
            "facility",
            f"={n}*{peak_w}*{k_pwr}/1000*{colo}*12*{owned_h}/{HOURS_PER_YEAR}*{years}",
            "USD",
            "n · P_pk · k_pwr · colo · 12 · H / 8766",
        )
        ops_ = put(
            "operations",
            f"={n}*{money('scenario.operations_usd_per_accelerator_year')}*{owned_h}/{HOURS_PER_YEAR}*{years}",
            "USD",
            "n · ops · H / 8766",
        )
        parts = [capital, energy, facility, ops_]
    if scenario.carbon_usd_per_tonne is not None:
        # The grid intensity the engine uses (the scenario's own, else its market's), and the embodied
        # emissions amortized like the capital when the profile gives them; a price of 0 charges nothing
        # (as the engine, which then needs neither the grid nor the power), and its cell can be changed.
        kwh = f"{n}*{avg}*{k_pwr}*{pue}*{energy_h}/1000*{years}"
        kg = f"({kwh})*{inp(plan.grid_key)}"
        note = "(operational"
        if option.accelerator.embodied_kgco2e is not None and option.accelerator.embodied_kgco2e.value is not None:
            life = inp("scenario.depreciation_years")
            kg += f"+{n}*{inp('accel.embodied_kgco2e')}*{owned_h}/({life}*{HOURS_PER_YEAR})*{years}"
            note += " + embodied"
        price_t = inp("scenario.carbon_usd_per_tonne")
        parts.append(put("carbon", f"=IF({price_t}>0,({kg})/1000*{price_t},0)", "USD", f"{note} CO2e) / 1000 · price"))
    compute = put("compute cost", "=" + "+".join(parts), "USD", "running cost")
    porting = put(
        "porting", f"={inp(plan.port_months_key)}*{money('scenario.engineer_usd_per_year')}/12", "USD", "engineer-months · salary / 12"
    )
    ttm_formula = f"=7*({inp(plan.lead_key)}+{inp(plan.deploy_key)}+{inp(plan.port_weeks_key)})" + (f"+{th}/24" if training else "")
    ttm = put("time to market", ttm_formula, "days", "7·(lead + deployment + porting) + T_h/24")
    job = put("job cost", f"={compute}+{porting}", "USD", "compute + porting")
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["D"].width = 44
    return {"ttm": ttm, "job": job, "capex": capex, "compute": compute, **{f"row:{k}": v for k, v in rows.items()}}


_CASH_TOTALS = {  # the Calc row that holds each cash-flow line's total
    "capex": "capex",
    "energy": "energy cost",
    "facility": "facility",
    "operations": "operations",
    "porting": "porting",
    "rent": "rent",
    "carbon": "carbon",
}


def _cashflow_sheet(
    wb: Any,
    a: _Assumptions,
    used: set[str],
    cf: CashflowResult,
    calc: Mapping[str, Mapping[str, str]],
    penalty_cells: Mapping[str, str],
    scenario: Scenario,
    flags: Mapping[str, float | None],
) -> None:
    """The cash flow as formulas: each line of each year is its total on the option's Calc sheet (the
    delay penalty on Results) times the share of it that falls in the year, each part discounted at
    its own time, ``(1 + r)^−t``, with ``r`` the Assumptions' cost of capital. The shares and times
    come from the run (lead time, run length, market date); the amounts, the rate and the NPV follow
    edits to the assumptions. Lines: :data:`tco.analysis.cashflow.LINES`."""
    from openpyxl.chart import Reference, ScatterChart, Series

    from tco.analysis.cashflow import LINES

    flat = engine.flat_numbers(scenario, "scenario")
    meta = _meta({"scenario": scenario})

    def inp(key: str) -> str:
        short = key.removeprefix("scenario.")
        return a.use(a.add("scenario", short, flat.get(key), meta.get(key), _unit(short, meta.get(key))))

    r = inp("scenario.cost_of_capital")
    delta = inp("scenario.economic_depreciation_oom_per_year")
    rates = {  # the run's flags: inputs of this run, not of a file
        key: a.use(a.add("run", key, value, Quantity(source=f"--{key.replace('_', '-')} on the command line"), unit))
        for key, unit in (("lease_usd_per_month", "USD/(accelerator·month)"), ("revenue_usd_per_day", "USD/day"))
        if (value := flags.get(key)) is not None
    }
    ws = wb.create_sheet(_sheet_name("Cash flow", used))
    ws.append(
        ["option", "year", *(f"{line.replace('_', ' ')}, USD" for line in LINES)]
        + ["net cost, USD", "discounted net cost, USD", "cumulative net cost, USD"]
    )
    from openpyxl.comments import Comment

    ws["A1"].comment = Comment(
        "Formulas over the Calc sheets' totals, the Results' delay penalty and the Assumptions' cost of capital. "
        "The share of each line in a year and the time it is discounted at are the run's (lead time, run length, "
        "market date): an edit that moves a date needs tco run again.",
        "tco",
    )
    col = {line: openpyxl_col(3 + i) for i, line in enumerate(LINES)}
    net_col, disc_col, cum_col = (openpyxl_col(3 + len(LINES) + i) for i in range(3))
    inflows = ("residual", "revenue")
    blocks: list[tuple[str, int, int]] = []
    for opt in cf.options:
        base = opt.option.removesuffix(":lease")
        refs = calc.get(base, {})
        totals = {line: refs.get(f"row:{row}") for line, row in _CASH_TOTALS.items()}
        basis = opt._basis
        if opt.acquisition == "lease":
            totals["capex"] = None
            if "lease_months" in basis and "lease_usd_per_month" in rates and "row:accelerators" in refs:
                totals["lease"] = f"{refs['row:accelerators']}*{rates['lease_usd_per_month']}*{_lit(basis['lease_months'])}"
        if totals["capex"] and "use_years" in basis:
            totals["residual"] = f"{totals['capex']}*10^(-{delta}*{_lit(basis['use_years'])})"
        totals["delay_penalty"] = penalty_cells.get(base)
        if "revenue_days" in basis and "revenue_usd_per_day" in rates:
            totals["revenue"] = f"{rates['revenue_usd_per_day']}*{_lit(basis['revenue_days'])}"
        pieces: dict[tuple[int, str], list[tuple[float, float]]] = {}
        for y, line, share, t in opt._pieces:
            pieces.setdefault((y, line), []).append((share, t))
        first = ws._current_row + 1
        for i, year in enumerate(opt.years):
            row = first + i
            cells: list[Any] = [opt.option, year.year]
            discounted = []
            for line in LINES:
                parts = pieces.get((year.year, line))
                total = totals.get(line)
                sign = "-" if line in inflows else "+"
                if not parts:
                    cells.append(0)
                elif not total:  # (a total with no formula: the run's amount as a value)
                    amount = getattr(year, f"{line}_usd")
                    cells.append(amount)
                    if amount:  # (an empty line, a bought option's rent, adds no '+0.0*(1+r)^(-t)' term to read past)
                        discounted += [f"{sign}{amount * s / sum(p[0] for p in parts)!r}*(1+{r})^(-{_lit(t)})" for s, t in parts]
                elif len(parts) == 1:
                    share, t = parts[0]
                    cells.append(f"={total}" + ("" if share == 1.0 else f"*{share!r}"))
                    discounted.append(f"{sign}{col[line]}{row}*(1+{r})^(-{_lit(t)})")
                else:  # parts of one line discounted at their own times
                    cells.append(f"={total}*({'+'.join(repr(s) for s, _ in parts)})")
                    discounted += [f"{sign}{total}*{s!r}*(1+{r})^(-{_lit(t)})" for s, t in parts]
            costs = "+".join(f"{col[line]}{row}" for line in LINES if line not in inflows)
            cells.append(f"={costs}-{col['residual']}{row}-{col['revenue']}{row}")
            cells.append("=" + ("".join(discounted).lstrip("+") or "0"))
            cells.append(f"={net_col}{row}" + (f"+{cum_col}{row - 1}" if i else ""))
            _formula_row(ws, cells[:2], cells[2:])
        last = first + len(opt.years) - 1
        sums = [f"=SUM({c}{first}:{c}{last})" for c in [*col.values(), net_col, disc_col]]
        _formula_row(ws, [opt.option, "NPV"], sums)  # the discounted column's sum is the NPV of the cost
        blocks.append((opt.option, first, last))
    ws.column_dimensions["A"].width = 24
    if blocks:
        chart = ScatterChart()
        chart.title, chart.style = "Cumulative net cost by year", 13
        chart.x_axis.title, chart.y_axis.title = "year from today", "USD"
        cum = 3 + len(LINES) + 2
        for label, first, last in blocks:
            series = Series(
                Reference(ws, min_col=cum, min_row=first, max_row=last), Reference(ws, min_col=2, min_row=first, max_row=last), title=label
            )
            series.marker.symbol = "circle"
            chart.series.append(series)
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, f"A{ws.max_row + 3}")


CHARTED: dict[str, tuple[str, str, Callable[[str], bool], str]] = {
    # sheet: (chart title, column holding the categories, which value columns, axis title)
    "Sensitivity": ("Swing of the effective cost over each input's range", "param", lambda h: h.endswith(".swing_usd"), "USD"),
    "Simulation": ("Effective cost under uncertainty: P10, P50, P90", "option", lambda h: h.startswith("effective_cost_usd_p"), "USD"),
}


def _analysis_chart(ws: Any, title: str, header: list[str], rows: int) -> None:
    """A bar chart beside an analysis' records where one says something at a glance: each option's
    swing per input (the tornado's data) for sensitivity, the effective cost's percentiles for a
    simulation. Drawn from the sheet's values, as the sheet itself."""
    spec = CHARTED.get(title)
    if spec is None or rows < 1 or spec[1] not in header:
        return
    name, category, wanted, axis = spec
    columns = [i + 1 for i, h in enumerate(header) if isinstance(h, str) and wanted(h)]
    if not columns:
        return
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type, chart.title = "bar", name
    chart.y_axis.title = axis
    for column in columns:
        chart.add_data(Reference(ws, min_col=column, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=header.index(category) + 1, min_row=2, max_row=rows + 1))
    chart.width, chart.height = 20, min(4 + 0.6 * rows * max(1, len(columns) // 2), 30)
    ws.add_chart(chart, f"{openpyxl_col(len(header) + 2)}2")


def _formula_row(ws: Any, text: Sequence[Any], formulas: Sequence[Any]) -> None:
    """A row of input text (never a formula: :func:`_append_text`) followed by this module's formulas."""
    _append_text(ws, text)
    row = ws._current_row
    for j, value in enumerate(formulas, start=len(text) + 1):
        ws.cell(row=row, column=j, value=value)


def openpyxl_col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


def _lit(x: float) -> str:
    """A number written into a formula as its shortest exact text, a zero without a sign: a cash flow at time -0.0
    (a lead time given as -0) is discounted by ``(1+r)^(-0.0)``, not ``(1+r)^(--0.0)``."""
    return repr(unsigned_zero(x))
