"""The command line: the only module that reads argv, prints or exits.

Exit codes: 0 success; 1 input or data error (one ``Error:`` line per problem on stderr);
2 usage error (unknown option, missing argument).
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import csv
import errno
import functools
import io
import math
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from tco import api
from tco.errors import (
    ASCII_SPACE,
    WHOLE_DIGITS,
    InputError,
    NotFoundError,
    ProblemList,
    TcoError,
    ascii_float,
    escaped_bytes,
    fold,
    give_with,
    show_whole,
    shown_text,
    too_large,
    underflow,
    unexpanded,
    unknown_inputs,
)
from tco.inputs import Inputs, named_option, parse_option
from tco.models import MAX_COUNT, TINY, Comparison, Currency, InferenceWorkload, Precision, Tuning, digits_hint, plain_digits
from tco.perf import MAX_ACCELERATORS
from tco.render import OutputFormat

app = typer.Typer(
    name="tco",
    help="Which AI accelerator, and how many, to buy or rent: cost per token plus the cost of delay.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class HelpCommand(typer.core.TyperCommand):
    """A command whose --help names its arguments (``ACCEL...``) instead of showing their Python type
    (``ACCEL <list[str]>``, ``{ACCEL}...``: typer's default from 0.2x on), with any typer version."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """A single-valued option given twice (``-w a -w b``) is a usage error, as an input given twice with
        --set is: click would keep the last one silently."""
        repeated = _repeated_option(self.get_params(ctx), args)
        if repeated is not None:
            param, first, second = repeated
            raise typer.BadParameter(f"given twice ('{first}' and '{second}'): give it once", ctx=ctx, param_hint="/".join(param.opts))
        return list(super().parse_args(ctx, args))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":  # typer 0.20 leaves an argument's help out of its record
                text = getattr(param, "help", None) or ""
                args.append((_argument_name(param), f"{text}  [required]" if param.required else text))
            else:  # typer 0.20 escapes brackets for rich even when rich markup is off
                opts.append((record[0], record[1].replace("\\[", "[")))
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _repeated_option(params: Sequence[Any], args: Sequence[str]) -> tuple[Any, str, str] | None:
    """(the option, its first value, its second) when a single-valued option appears twice in ``args``
    (flags and --set-like repeatable options may repeat); None otherwise."""
    spelled = {o: p for p in params if p.param_type_name == "option" for o in (*p.opts, *p.secondary_opts)}
    seen: dict[str, str] = {}
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if token == "--":
            break
        if token.startswith("--"):
            name, _, attached = token.partition("=")
            found = [(spelled.get(name), attached if "=" in token else None)]
        elif token.startswith("-") and len(token) > 1:
            # -q -n10 or a cluster -qn10: flags up to the first option that takes a value (the rest is its value)
            found = []
            for j, letter in enumerate(token[1:], start=1):
                param = spelled.get(f"-{letter}")
                takes = param is not None and not (param.is_flag or param.count)
                found.append((param, (token[j + 1 :] or None) if takes else ""))
                if takes or param is None:
                    break
        else:
            continue
        for param, value in found:
            if param is None or param.is_flag or param.count:
                continue
            if value is None:  # the value is the next word
                value, i = (args[i] if i < len(args) else ""), i + 1
            if param.multiple:
                continue
            if param.name in seen:
                return param, seen[param.name], value
            seen[param.name] = value
    return None


def _argument_name(param: Any) -> str:
    return str(param.metavar or (param.name or "").upper()) + ("..." if param.nargs != 1 else "")


profiles_app = typer.Typer(help="Accelerator profiles: list, show, validate.", no_args_is_help=True)
workloads_app = typer.Typer(help="Workload definitions: list, show.", no_args_is_help=True)
scenarios_app = typer.Typer(help="Economic scenarios: list, show.", no_args_is_help=True)


def _version(value: bool) -> None:
    if value:
        from tco import __version__

        typer.echo(f"tco {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Which AI accelerator, and how many, to buy or rent: cost per token plus the cost of delay."""


app.add_typer(profiles_app, name="profiles")
app.add_typer(workloads_app, name="workloads")
app.add_typer(scenarios_app, name="scenarios")

F = TypeVar("F", bound=Callable[..., Any])


def examples(*commands: str) -> str:
    """The Examples section of a command's --help."""
    return "Examples:\n\n" + "\n\n".join(f"  $ {c}" for c in commands)


def real(text: str) -> float:
    """A number flag's value, read as Python reads a float; one too close to 0 to be a float (``1e-400``, which
    reads as 0) is refused as --set refuses it, not taken as the 0 a positive number was not. Digits are ASCII,
    as --set and ``ID@COUNT`` read them (Python's float() also takes '１２０')."""
    try:
        value = ascii_float(text)
    except ValueError:
        raise typer.BadParameter(f"expected a number, got {shown_text(text[:40])}{digits_hint(text)}") from None
    tiny = underflow(text, value)
    if tiny is not None:
        raise typer.BadParameter(tiny)
    big = _huge_whole(text)
    if big is not None:  # (it reads as inf: name its length, as --set does, not the inf it was not)
        raise typer.BadParameter(big)
    return value


def token_count(text: str) -> float:
    """A token count flag's value: a number as :func:`real` reads it, or one with the suffix the other token
    flags (--tokens, --global-batch) and --params take, ``2k``, ``1.5M`` (k, M, B or G, T)."""
    from tco.estimates import _SUFFIX

    return _suffixed(text, text.strip(ASCII_SPACE), _SUFFIX, "a number such as 2048 or 2k")


_MONEY_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}


def money(text: str) -> float:
    """A money flag's value in US dollars: a number as :func:`real` reads it, or written as a buyer writes an amount:
    a ``$`` before it, thousands grouped by commas (``50,000,000``) or a suffix k, M or B (thousand, million,
    billion: ``2M`` is 2,000,000). A comma anywhere else is no grouping, and is refused, not dropped."""
    t = text.strip(ASCII_SPACE)
    t = t[1:].lstrip(ASCII_SPACE) if t.startswith("$") else t
    if re.fullmatch(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?[kKmMbB]?", t):
        t = t.replace(",", "")
    return _suffixed(text, t, _MONEY_SUFFIX, "an amount in USD such as 5e6, 5,000,000 or 5M")


def _suffixed(text: str, t: str, suffixes: Mapping[str, float], example: str) -> float:
    """``t`` (``text`` as given, cleaned) read by :func:`real`, or with one of ``suffixes`` after the number (a
    product past the largest float refused as the text given, not as the inf it reads as); text that is neither is a
    usage error naming ``example``."""
    if t[-1:].lower() in suffixes and t[:-1].strip():
        try:
            value = real(t[:-1]) * suffixes[t[-1].lower()]
        except typer.BadParameter:
            pass
        else:
            if not math.isfinite(value):  # (1e308B)
                raise typer.BadParameter(f"expected a finite number (at most 1.8e308), got {shown_text(text.strip()[:40])}")
            return value
    try:
        return real(t)
    except typer.BadParameter as e:
        if "expected a number" in str(e):
            number, suffix = (t[:-1], t[-1]) if t[-1:].lower() in suffixes else (t, "")
            hint = digits_hint(number, write=f"{plain_digits(number)}{suffix}")
            raise typer.BadParameter(f"expected {example}, got {shown_text(text[:40])}{hint}") from None
        raise


def _huge_whole(text: str) -> str | None:
    """:func:`~tco.errors.too_large`'s reason for a flag's whole number past the largest float (``1`` and 400
    zeros reads as inf), as --set names one; None for any other text."""
    t = text.strip()
    digits = t[1:] if t[:1] in ("+", "-") else t
    if not WHOLE_DIGITS.fullmatch(digits) or len(digits) < 309:
        return None
    if len(digits.replace("_", "")) > 4000:  # (int() refuses more than 4,300 digits; too_large says 4,000+)
        return too_large(10**4000)
    return too_large(int(t))


def whole(text: str | int) -> int:
    """A whole-number flag's value, read as ``--set`` reads one: ``1000``, ``1_000`` or a float that is whole
    (``1e6``); ``1.5``, ``1k`` or a number no float holds is refused with the text given. (An option's
    default reaches it as the number it is.)"""
    if isinstance(text, int):
        return text
    t = text.strip(ASCII_SPACE)
    if WHOLE_DIGITS.fullmatch(t[1:] if t[:1] in ("+", "-") else t):
        digits = len(t.lstrip("+-").replace("_", ""))
        if digits > 4000:  # (int() refuses more than 4,300 digits)
            raise typer.BadParameter(f"expected a whole number, got one of {digits:,} digits")
        return int(t)
    try:
        value = ascii_float(t)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not value.is_integer():
        raise typer.BadParameter(f"expected a whole number, got {shown_text(text[:40])}{digits_hint(text)}")
    return int(value)


def _whole_within(low: int, high: int) -> Callable[[str], int]:
    """:func:`whole` bounded to [low, high] (a parser replaces typer's own range check)."""

    def parse(text: str) -> int:
        n = whole(text)
        if not low <= n <= high:
            got = text if len(text) <= 40 else show_whole(n)  # (its first 40 digits would read as another number)
            raise typer.BadParameter(f"expected a whole number from {low:,} to {high:,}, got {got}")
        return n

    return parse


def number_option(flag: str, *, metavar: str, help: str) -> Any:
    """A number option read by :func:`real` (an amount in USD, metavar ``USD``, by :func:`money`), shown as
    ``FLAG METAVAR`` in --help."""
    return typer.Option(flag, parser=money if metavar == "USD" else real, metavar=metavar, help=help)


def whole_option(flag: str, *, help: str, metavar: str = "N", high: int = MAX_COUNT) -> Any:
    """A whole-number option of ``tco estimate`` from 1 to ``high``, read by :func:`whole` and shown as
    ``FLAG N`` with its range in --help."""
    return typer.Option(flag, metavar=metavar, parser=_whole_within(1, high), min=1, max=high, help=help)


def _format_given() -> bool:
    """Whether the command being run was given --format on its command line (then ``-o NAME`` must agree
    with it) rather than taking its default (then ``-o NAME.json`` picks json). Read from the running
    command's click context: recent typers ship their own copy of click, older ones use click itself."""
    import importlib

    for name in ("typer._click.globals", "click.globals"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        ctx = module.get_current_context(silent=True)
        if ctx is not None:
            source = ctx.get_parameter_source("fmt")
            return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT", "PROMPT")
    return False


FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", case_sensitive=False, help="Output format.")]
TextFormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", metavar="<table|csv|json|jsonl|markdown>", case_sensitive=False, help="Output format (no workbook here)."
    ),
]
"""--format for the commands that write no workbook: the help does not offer xlsx (handle_errors refuses it)."""


def _output_path(text: str) -> Path:
    """``-o``'s value as a path; a name ending in a path separator names a folder, not a file."""
    if not text.strip():  # (Path("") is ".", the working folder)
        raise typer.BadParameter(f"expected a file name (or - for standard output), got {shown_text(text)}")
    if text.endswith(("/", os.sep)) and text.strip("/" + os.sep):
        raise typer.BadParameter(f"{text} names a folder (it ends in '/'); expected a file name")
    if text != text.strip():  # ('out.xlsx ' is no workbook's name: a table would be written to a file named so)
        raise typer.BadParameter(f"expected a file name without a space, tab or line break at either end, got {shown_text(text)}")
    return Path(text)


def _file_path(text: str) -> Path:
    """A file to check; an empty name is refused, not read as the working folder (Path("") is ".")."""
    if not text.strip():
        raise typer.BadParameter(f"expected a TOML file name, got {shown_text(text)}")
    return Path(text)


OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", parser=_output_path, help="Write to FILE (atomically, only on success); - is stdout."),
]
WorkloadOpt = Annotated[str, typer.Option("--workload", "-w", metavar="ID|FILE", help="Workload id or path to a workload TOML file.")]
ScenarioOpt = Annotated[
    str | None, typer.Option("--scenario", "-s", metavar="ID|FILE", help="Scenario id or path; default: the 'default' scenario.")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Change an input for this run (repeatable): scenario.pue=1.3, workload.tuning=tuned, h100-sxm.price_usd=25000.",
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Exit 1 when any option lacks an input, instead of leaving it out of the ranking.")
]
CurrencyOpt = Annotated[
    str,
    typer.Option(
        "--currency",
        metavar="<USD|CNY|EUR>",
        help="Currency of money outputs, converted at the scenario's dated exchange rate (any case: cny is CNY).",
    ),
]


def _currency(text: str) -> Currency:
    """--currency's value in any case, as ``tco.compare(currency=...)`` reads it. Read in the command's body, not by a
    typer ``parser=``: typer 0.20 (the oldest supported) runs that on the default too."""
    try:
        return Currency.read(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--currency'") from None


AccelArgs = Annotated[
    list[str],
    typer.Argument(
        metavar="ACCEL",
        help="Accelerator ids or profile paths; @N accelerators (for serving: per replica); :rent, or :rent=2.10 for a quoted rate.",
    ),
]


_NOTES: list[str] | None = None
"""``Note:`` and ``Warning:`` lines held while a command runs: printed before its next other line or when
it succeeds, dropped when it fails (a failing run prints its one ``Error:`` line alone)."""


def err(line: str, *, hold: bool = True) -> None:
    """One line on stderr, whatever the inputs it quotes hold (see :func:`_clip`); a note or warning is
    held until the run succeeds unless ``hold`` is False (a report of several files, each its own)."""
    if hold and _NOTES is not None and line.startswith(("Note: ", "Warning: ")):
        _NOTES.append(line)
        return
    if not line.startswith("Error: "):  # a result's line (a verdict) follows the notes, as it was written
        _release_notes()
    _to_stderr(_clip(line))


def _to_stderr(line: str) -> None:
    """One line on stderr. A stderr that cannot be written (its reader gone: ``2>&1 >out.csv | head``, a
    full disk) loses the line, as a closed one does, never the run: the result on stdout or in -o FILE is
    still written, with the run's own exit code (a broken stderr pipe is not the stdout reader stopping)."""
    try:
        typer.echo(line, err=True)
    except OSError:
        with contextlib.suppress(OSError, AttributeError, ValueError):  # (the interpreter's last flush must not fail again)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())


def _release_notes() -> None:
    """Print the notes and warnings held so far, and go on holding later ones."""
    if _NOTES:
        notes = _NOTES[:]
        _NOTES.clear()
        for note in notes:
            _to_stderr(_clip(note))


def _flush_notes(keep: bool) -> None:
    global _NOTES
    notes, _NOTES = _NOTES or [], None
    for line in notes if keep else ():
        err(line)


INTERNAL_ERROR = 3
"""Exit code of an unexpected failure (a bug), distinct from input (1) and usage (2) errors."""


MAX_MESSAGE = 1000
"""Longest error line printed: a message that quotes a huge argument keeps its start and end."""


def _clip(text: str) -> str:
    """One printable line: control characters from the input (a newline in a path, an escape
    sequence) shown escaped, a byte of the command line that is not UTF-8 (Python's surrogate escape of it, U+DC85
    for the byte 0x85) shown as the byte, ``\\x85``, as :func:`~tco.errors.shown_text` quotes one, and a message that
    quotes a huge argument cut to its start and end."""
    text = "".join(c if c.isprintable() else f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_MESSAGE else f"{text[: MAX_MESSAGE - 300]} … {text[-250:]}"


SHOWN_PROBLEMS = 3
"""Problems an error line spells out; past them it says how many more there are."""


def one_line(exc: TcoError) -> str:
    """An error is one line: its problems joined, up to :data:`SHOWN_PROBLEMS`, and how many more
    (``tco profiles validate FILE`` lists every problem of a file, one per line). The same problem met
    twice (once per option) counts once."""
    problems = exc.problems if isinstance(exc, ProblemList) else [exc]
    lines = list(dict.fromkeys(str(p) for p in problems))
    more = exc.more if isinstance(exc, ProblemList) else 0
    if len(lines) <= SHOWN_PROBLEMS and not more:
        return "; ".join(lines) if lines else str(exc)
    where = problems[0].where or "" if problems else ""
    listed = "lists them all" if not more else f"lists the first {len(problems):,}"
    hint = f"; 'tco profiles validate {where}' {listed}" if where.endswith(".toml") else ""
    return "; ".join(lines[:SHOWN_PROBLEMS]) + f" (and {len(lines) - min(len(lines), SHOWN_PROBLEMS) + more:,} more{hint})"


_NAMED_FORMATS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",  # (newline-delimited JSON: JSON Lines by another name)
    ".csv": "csv",
    ".tsv": "tsv",  # (tab-separated: a format tco does not write, refused like the spreadsheet names below)
    ".md": "markdown",
    ".markdown": "markdown",
    ".xlsx": "xlsx",
    ".html": "html",  # tco report's (it checks its own names)
    ".htm": "html",
    ".svg": "svg",  # tco plot's (it checks its own names)
    ".png": "png",
    ".pdf": "pdf",
    ".xls": "xls",  # the spreadsheet names tco does not write: refused, not given a text table
    ".xlsm": "xlsm",
    ".xlsb": "xlsb",
    ".ods": "ods",
    ".numbers": "numbers",
    ".yaml": "yaml",  # data formats tco does not write either: a program reading one would fail far from the cause
    ".yml": "yaml",
    ".xml": "xml",
    ".parquet": "parquet",
}
"""The file names that say their format: ``-o NAME`` with one of these picks (or must agree with) the format."""

_FIXED_FORMATS = {"schema": ("json",)}
"""Commands with -o but no --format, by function name: the one format they write."""


def _formats(fn: Callable[..., Any], fmt: Any) -> tuple[str, ...]:
    """The formats a command writes, by the values of its --format choices (sweep: rows only)."""
    name = fn.__name__
    if name == "sweep":
        return ("csv", "json", "jsonl", "xlsx")
    if fmt is None:
        return _FIXED_FORMATS.get(name, ())
    return tuple(m.value for m in type(fmt) if m.value != "xlsx" or name in XLSX_FUNCTIONS)


def suffix_of(path: Path) -> str:
    """The extension that names a file's format, lower case: ``.json``; a name that is only an extension
    (``.xlsx``, which Python reads as a hidden file with none) is that extension."""
    name = path.name
    return (path.suffix or (name if name.startswith(".") and name.count(".") == 1 else "")).lower()


def _spelled_list(words: Sequence[str]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def _format_from_output(fn: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``-o FILE.json`` (``.jsonl``, ``.csv``, ``.md``, ``.xlsx``; ``.toml``, which only ``profiles show`` writes) without
    --format writes that format; a --format that contradicts the name, or a name in a format the command
    does not write, is a usage error (a program reading the file would fail far from the cause). Other
    names (``.txt``, none) keep the command's default format."""
    fmt, output, name = kwargs.get("fmt"), kwargs.get("output"), fn.__name__
    if output is None or str(output) == "-" or not isinstance(output, (str, Path)):
        return kwargs
    suffix = suffix_of(Path(str(output)))
    meant = Path(str(output).rstrip("."))
    if not suffix and meant.name and meant.name != Path(str(output)).name and suffix_of(meant) in (*_NAMED_FORMATS, ".toml"):
        # (x.csv. has no extension, so it got a table; Windows drops the trailing dot, leaving a table named .csv)
        raise typer.BadParameter(
            f"{output} ends with a dot after {suffix_of(meant)}, so it names no format: name the file {meant.name}",
            param_hint="-o",
        )
    supported = _formats(fn, fmt)
    named = _NAMED_FORMATS.get(suffix) or ("toml" if suffix == ".toml" else None)
    command = name.replace("_", " ")
    if named == "xlsx" and name not in XLSX_FUNCTIONS:
        raise typer.BadParameter(f"this command writes no workbook (those are {XLSX_COMMANDS}): name the file otherwise", param_hint="-o")
    if named is not None and supported and named not in supported:
        named_as = {**{v: k for k, v in reversed(_NAMED_FORMATS.items())}, "toml": ".toml"}  # (profiles show writes TOML)
        suffixes = [named_as[f] for f in supported if f in named_as]
        raise typer.BadParameter(
            f"{output} is named as {named}, which {command} does not write ({_spelled_list(supported)}): "
            f"name the file {_spelled_list(suffixes) if suffixes else 'otherwise'}"
            + ("; tco report writes HTML" if named == "html" else "; tco plot writes charts" if named in ("svg", "png", "pdf") else ""),
            param_hint="-o",
        )
    if not isinstance(fmt, Enum):
        return kwargs
    if fmt.value == named:
        return kwargs
    if named is not None and not _format_given():
        return {**kwargs, "fmt": type(fmt)(named)}
    if fmt.value == "xlsx":
        raise typer.BadParameter(f"--format xlsx writes a workbook: name the file .xlsx, not {output}", param_hint="-o")
    if named == "xlsx":
        raise typer.BadParameter(
            f"{output} is named as a workbook but --format {fmt.value} writes text: use -f xlsx or another name", param_hint="-o"
        )
    if named is None:
        return kwargs
    raise typer.BadParameter(
        f"{output} is named as {named} but --format {fmt.value} writes {fmt.value}: use -f {named} or another name", param_hint="-o"
    )


def handle_errors(fn: F) -> F:
    """Turn user-caused errors into ``Error:`` lines and exit 1; let bugs raise."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from tco.loader import forget_reads

        forget_reads()
        if kwargs.get("fmt") is OutputFormat.xlsx and fn.__name__ not in XLSX_FUNCTIONS:  # a usage error: before any input loads
            raise typer.BadParameter(f"--format xlsx is available for {XLSX_COMMANDS}", param_hint="--format")
        kwargs = _format_from_output(fn, kwargs)
        command_line = api.COMMAND_LINE.set(True)  # errors name the flags, not the API's arguments
        global _NOTES
        _NOTES, failed = [], True
        try:
            with warnings.catch_warnings():
                # numpy's overflow/invalid-value warnings (infinite and unknown values propagate by design
                # and are reported as such) and matplotlib's layout notices on degenerate charts: stderr
                # carries only tco's own lines.
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.simplefilter("ignore", UserWarning)
                result = fn(*args, **kwargs)
            failed = False
            return result
        except TcoError as exc:
            err(f"Error: {one_line(exc)}")
            raise typer.Exit(1) from None
        except MemoryError:
            err("Error: out of memory: ask for fewer samples, rows or accelerators")
            raise typer.Exit(1) from None
        except BrokenPipeError:
            # The reader stopped early (tco sweep ... | head): not an error of the run. Quietly stop, and
            # point stdout at /dev/null so the interpreter's last flush does not fail again.
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            failed = False
            raise typer.Exit(0) from None
        except typer.Exit as exc:
            failed = exc.exit_code != 0
            raise
        except (typer.Abort, typer.BadParameter, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # a bug: one line, a distinct exit code, never a traceback
            err(f"Error: internal error ({type(exc).__name__}: {exc}); this is a bug in tco, please report it with the command")
            raise typer.Exit(INTERNAL_ERROR) from None
        finally:
            api.COMMAND_LINE.reset(command_line)
            _flush_notes(keep=not failed)

    return wrapper  # type: ignore[return-value]


def check_missing(missing: dict[str, list[str]], strict: bool) -> None:
    """Under --strict, any missing input is an error (exit 1, nothing written); otherwise one note per
    incomplete option, with the --set that would complete it."""
    if strict and missing:
        paths = list(dict.fromkeys(p for ps in missing.values() for p in ps))
        needs = "needs" if len(missing) == 1 else "need"
        err(f"Error: {', '.join(missing)}: {needs} {unknown_inputs(paths)} (--strict); {give_with(paths)}")
        raise typer.Exit(1)


def note_missing(missing: dict[str, list[str]], *, ranked: bool = True) -> None:
    from tco.render import missing_notes

    for line in missing_notes(missing, ranked=ranked):
        err(f"Note: {line}")


XLSX_FUNCTIONS = ("compare", "cashflow", "sensitivity", "simulate", "size", "sweep")
"""The commands that write a workbook (``-f xlsx``), by function name."""
XLSX_COMMANDS = ", ".join(XLSX_FUNCTIONS[:-1]) + " and " + XLSX_FUNCTIONS[-1]
XLSX_MAX_ROWS = 100_000
"""Rows a workbook's data sheet may hold here: the workbook is built in memory (openpyxl), about 7 KB
per sweep row (measured: 723 MB for 100,000), so the cap keeps a run near a gigabyte; a worksheet itself
holds 1,048,575. CSV and JSON Lines stream in flat memory at any size."""


def wants_xlsx(fmt: OutputFormat, output: Path | None) -> bool:
    """True for --format xlsx, which needs -o FILE.xlsx (a workbook is not for a terminal)."""
    if fmt is not OutputFormat.xlsx:
        return False
    if output is None or str(output) == "-":
        raise typer.BadParameter("--format xlsx writes a workbook: give -o FILE.xlsx", param_hint="--format")
    import importlib.util

    if importlib.util.find_spec("openpyxl") is None:  # (before any input loads; -o FILE.xlsx may have chosen it)
        raise InputError(
            "a workbook needs openpyxl: pip install 'tco[xlsx]' (or pip install '.[xlsx]' in a checkout)",
            key="--format" if _format_given() else "-o",
        )
    return True


def emit_result(
    render: Callable[[Any, OutputFormat], str],
    result: Any,
    fmt: OutputFormat,
    output: Path | None,
    *,
    inputs: Inputs,
    audit: dict[str, Any],
    sheet: str,
) -> None:
    """An analysis' output: its rendering, or with --format xlsx the run's workbook with the analysis'
    records (its CSV rendering) as the sheet ``sheet`` and its summary (what the JSON gives beside
    the records: NPV and rank per option, the seed, ...) as ``<sheet> summary``."""
    if wants_xlsx(fmt, output):
        assert output is not None
        from tco.render import for_workbook, summary_csv

        with for_workbook():  # (the records' text and booleans as the JSON gives them)
            sheets = {sheet: render(result, OutputFormat.csv), f"{sheet} summary": summary_csv(result)}
        emit_workbook(inputs, output, audit, sheets)
        return
    emit(render(result, fmt), output, fmt=fmt, audit=audit)


def _cash_flow_of_those_priced(inputs: Inputs) -> Any:
    """``tco cashflow`` of the options it can be drawn for (a price known, the market's to buy), as compare's
    workbook and the report show it beside the ranking; None where there is none (tco cashflow says why)."""
    try:
        kept = api.analysable(inputs, complete=True)[0]
    except TcoError:
        return None
    try:
        return api.cashflow(kept)
    except TcoError:
        pass
    # One option's cash flow that cannot be drawn (it would span more than a century) leaves out that option, not
    # every other's too: each is tried alone, the rest still setting the delay (as options left out for a price do).
    import dataclasses

    def alone(at: Sequence[int]) -> Inputs:
        return dataclasses.replace(
            kept,
            options=[kept.options[i] for i in at],
            refs=[kept.refs[i] for i in at] if kept.refs else [],
            left_out_options=[*kept.left_out_options, *(o for i, o in enumerate(kept.options) if i not in at)],
        )

    drawable = []
    for i in range(len(kept.options)):
        with contextlib.suppress(TcoError):
            api.cashflow(alone([i]))
            drawable.append(i)
    if not drawable or len(drawable) == len(kept.options):  # (none can be drawn, or the whole failed for another reason)
        return None
    try:
        return api.cashflow(alone(drawable))
    except TcoError:
        return None


def emit_workbook(
    inputs: Inputs,
    output: Path,
    audit: Mapping[str, Any],
    extra: dict[str, str] | None = None,
    *,
    cashflow: Any = None,
    flags: Mapping[str, float | None] | None = None,
    comp: Comparison | None = None,
) -> None:
    """The workbook of a run: Assumptions, a Calculation sheet per option with live formulas, Results,
    a cash flow of formulas when given one (``flags``: its lease and revenue rates), plus ``extra``
    sheets (title -> CSV text of an analysis' records), and a Run sheet with ``audit``, the JSON's
    inputs block (command, workload, scenario, every --set, the files read and their SHA-256)."""
    import csv
    import io

    from tco import workbook
    from tco.analysis.common import option_names

    comp = comp or api.compare(inputs)
    sheets = {}
    for title, text in (extra or {}).items():
        rows = list(csv.reader(io.StringIO(text)))
        sheets[title] = (rows[0], rows[1:]) if rows else ([], [])
    from tco import __version__

    run = {"tco_version": __version__, **audit}
    book = workbook.compare_workbook(
        comp,
        inputs.options,
        inputs.workload,
        inputs.scenario,
        inputs.sets,
        sheets,
        run,
        cashflow=cashflow,
        flags=flags,
        names=option_names(inputs),
    )
    emit_stream([book], output)


def emit(text: str, output: Path | None, *, fmt: OutputFormat | None = None, audit: dict[str, Any] | None = None) -> None:
    """Print, or write ``output`` atomically: a temporary file in the same folder, then rename. JSON
    gets the common envelope with the audit trail of the run."""
    if fmt is OutputFormat.xlsx:
        raise typer.BadParameter(f"--format xlsx is available for {XLSX_COMMANDS}", param_hint="--format")
    if fmt is OutputFormat.json and audit is not None:
        from tco.render import envelope

        text = envelope(text, audit)
    emit_stream([text], output, for_people=fmt is OutputFormat.table)


# --------------------------------------------------------------------------- compare


@app.command(
    cls=HelpCommand,
    short_help="Rank options by cost per token plus cost of delay.",
    epilog=examples(
        "tco compare a100-80gb mlu370-s4 -w gpt3-1.3b",
        "tco compare h100-sxm@1024 h100-sxm@1024:rent=2.10 -w llama3-70b --set workload.tuning=tuned",
        "tco compare h100-sxm@4 mi300x -w chat-70b -f json -o result.json",
    ),
)
@handle_errors
def compare(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            "-b",
            metavar="OPTION",
            help="Option the others are measured against (the ranking's last column, the side-by-side table); default: the first.",
        ),
    ] = None,
    currency_text: CurrencyOpt = "USD",
    strict: StrictOpt = False,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Rank options for a workload by effective cost = job cost + cost of delay.

    An option lacking an input (a price, a lead time) still gets every figure that does not need it,
    is left out of the ranking, and is told the price or lead time at which it would win."""
    currency = _currency(currency_text)
    if currency is not Currency.USD and fmt in (OutputFormat.csv, OutputFormat.jsonl, OutputFormat.xlsx):
        raise typer.BadParameter(
            f"converts table, markdown and json output (json says its currency); {fmt.value} columns are named "
            "in USD (…_usd) and stay in USD",
            param_hint="--currency",
        )
    inputs = api.load_inputs(accelerators, workload=workload, scenario=scenario, sets=set_ or [])
    comp = api.compare(inputs, baseline=baseline, currency=currency)
    from tco.render import incomplete_notes, layout_notes, overflow_notes, render_comparison, verdict

    check_missing({r.accelerator: r.missing_inputs for r in comp.results if r.missing_inputs}, strict)
    for w in inputs.warnings:
        err(f"Warning: {w}")
    if wants_xlsx(fmt, output):  # (the same checks, warnings and verdict as every other format)
        assert output is not None
        # The buyer's workbook carries the cash flow and its NPV too (formulas over the Calc sheets, as tco cashflow
        # writes them)
        trail = api.audit(inputs, command="compare", baseline=baseline, currency=currency.value)  # (the JSON's inputs)
        emit_workbook(inputs, output, trail, comp=comp, cashflow=_cash_flow_of_those_priced(inputs))
    else:  # (the audit trail, which hashes every input file, is json's alone)
        audit = api.audit(inputs, command="compare", baseline=baseline, currency=currency.value) if fmt is OutputFormat.json else None
        emit(render_comparison(comp, fmt), output, fmt=fmt, audit=audit)
    for line in incomplete_notes(comp) + layout_notes(comp) + overflow_notes(comp):
        err(f"Note: {line}")
    err(verdict(comp))


# --------------------------------------------------------------------------- listings


@profiles_app.command("list", cls=HelpCommand)
@handle_errors
def profiles_list(fmt: TextFormatOpt = OutputFormat.table, output: OutputOpt = None) -> None:
    """Every accelerator profile: vendor, peak, memory, power, price and maturity at a glance."""
    from tco.render import render_records

    skipped: list[str] = []
    records, columns, headers = api.accelerator_table(skipped=skipped)
    warn_skipped(skipped, records)
    emit(
        render_records(records, columns, fmt, kind="accelerators", headers=headers),
        output,
        fmt=fmt,
        audit=_listed_audit("accelerators", "profiles list") if fmt is OutputFormat.json else None,
    )


class ShowFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    toml = "toml"


ShowFormatOpt = Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format; toml prints the whole file to copy and edit.")]


@profiles_app.command(
    "show", cls=HelpCommand, epilog=examples("tco profiles show h100-sxm", "tco profiles show h100-sxm --format toml -o my-h100.toml")
)
@handle_errors
def profiles_show(
    profile: Annotated[str, typer.Argument(help="Accelerator id, alias or path.")],
    fmt: Annotated[
        ShowFormat,
        typer.Option("--format", "-f", help="Output format; toml prints the whole profile to copy and edit."),
    ] = (ShowFormat.table),
    output: OutputOpt = None,
) -> None:
    """Every field of one profile with its source, date and confidence."""
    from tco import loader
    from tco.render import render_show

    _blank_ref("accelerators", profile, "PROFILE")
    with _shown():
        model = api.load_accelerator(profile)  # (a profile that does not validate is an error, not a template)
    if fmt is ShowFormat.toml:
        # The whole profile, its extends chain merged in (a copy loads anywhere), control characters escaped.
        emit(loader.resolved_toml("accelerators", profile), output)
        return
    dumped = model.model_dump(mode="json", exclude_none=True)
    shown = render_show(dumped, OutputFormat(fmt.value), kind="accelerator", citations=api.citations(dumped))
    emit(shown, output, fmt=OutputFormat(fmt.value), audit=_shown_audit("accelerators", profile, fmt.value))


@profiles_app.command("validate", cls=HelpCommand)
@handle_errors
def profiles_validate(files: Annotated[list[Path], typer.Argument(help="TOML files to check.", readable=False, parser=_file_path)]) -> None:
    """Check profile, workload, scenario, published-run or bibliography files: 'ok: FILE', or one line per
    problem on stderr; warn on implausible values. When any file fails, nothing goes to stdout (the
    files that passed are named on stderr)."""
    if sum(str(f) == "-" for f in files) > 1:  # (as compare refuses it: the second read would see nothing new)
        raise InputError("standard input holds one file: give '-' once", key="-")
    problems = 0
    passed: list[str] = []
    for path in files:
        try:
            warnings = api.validate_file(path)
        except TcoError as exc:
            for line in exc.lines():
                err(f"Error: {line}")
            problems += 1
            continue
        for w in warnings:
            err(f"Warning: {path}: {w}", hold=False)
        passed.append(f"ok: {path}")
    if problems:
        for line in passed:
            err(line, hold=False)
        raise typer.Exit(1)
    if passed and not _stdout_closed():  # (started with stdout closed: the exit code says it)
        emit_stream(["".join(f"{line}\n" for line in passed)], None, for_people=True)


SHOWN_SKIPPED = 20
"""Most files a listing names as skipped; past it, their count."""


def warn_skipped(skipped: list[str], records: Sequence[Mapping[str, Any]] | None = None) -> None:
    """A listing goes on past a file that does not load: one warning per problem, naming the file; and
    an id that two files give is named too (the first, in TCO_PROFILE_PATH order, is the one used)."""
    for line in skipped[:SHOWN_SKIPPED]:
        err(f"Warning: skipped {line}")
    if len(skipped) > SHOWN_SKIPPED:  # (a folder of thousands of broken files: a screen of them, then the count)
        rest = len(skipped) - SHOWN_SKIPPED
        err(f"Warning: and {rest:,} more problem{'s' if rest != 1 else ''} of files skipped ('tco profiles validate FILE' shows each)")
    ids = [r["id"] for r in records or []]
    for twice in sorted({i for i in ids if ids.count(i) > 1}):
        err(f"Warning: {ids.count(twice)} files give the id '{twice}'; it names the first in TCO_PROFILE_PATH order")


def _list(kind: str, fmt: OutputFormat, output: Path | None) -> None:
    from tco.render import render_records

    skipped: list[str] = []
    records, columns = api.input_table(kind, skipped=skipped)
    warn_skipped(skipped, records)
    audit = _listed_audit(kind, f"{kind} list") if fmt is OutputFormat.json else None
    emit(render_records(records, columns, fmt, kind=kind), output, fmt=fmt, audit=audit)


def _listed_audit(kind: str, command: str) -> dict[str, Any]:
    """The audit trail of a ``list`` (JSON only): every file of the kind on the search path, with its SHA-256
    (the first folder that has an id wins, as the list does; a shadowed file is listed too)."""
    from tco import loader

    read: dict[str, str] = {}
    for e in loader.iter_entries(kind):
        name = e.declared or e.id
        key = name if name not in read else f"{name} ({len([k for k in read if k.split(' (')[0] == name]) + 1})"
        read[key] = str(e.path)
    if kind == "accelerators":  # (prices in CNY or EUR are listed in USD at the default scenario's rates)
        read["scenario"] = str(loader.resolve("scenarios", loader.DEFAULT_SCENARIO))
    return api.audit(None, command=command, files=api.audit_files(read))


def _blank_ref(kind: str, ref: str, argument: str) -> None:
    """An empty id given to 'show' is its argument's error (the loader names the flag of the analysis
    commands: --workload, --scenario, ACCEL)."""
    if not ref.strip():
        article = "an" if kind.startswith("a") else "a"
        raise InputError(f"expected {article} {kind[:-1]} id or a file path, got '{ref}'", where=argument)


@contextlib.contextmanager
def _shown() -> Iterator[None]:
    """A file of another kind given to a ``show`` command is named with the command that shows it, not the run
    commands' -w, -s or ACCEL, which this command does not take."""
    from tco import loader

    try:
        yield
    except TcoError as exc:
        exc.message = loader.kind_hint_for(exc.message, show=True)
        raise


def _show(kind: str, ref: str, fmt: ShowFormat, output: Path | None) -> None:
    from tco import loader
    from tco.render import render_show

    _blank_ref(kind, ref, kind[:-1].upper())
    with _shown():
        model = api.load_workload(ref) if kind == "workloads" else api.load_scenario(ref)
    if fmt is ShowFormat.toml:  # (as profiles show: the file, its extends chain merged in, to copy and edit)
        emit(loader.resolved_toml(kind, ref), output)
        return
    shown = render_show(model.model_dump(mode="json", exclude_none=True), OutputFormat(fmt.value), kind=kind[:-1])
    emit(shown, output, fmt=OutputFormat(fmt.value), audit=_shown_audit(kind, ref, fmt.value))


def _calibration_audit(fit: bool, published_layout: bool, summary: bool) -> dict[str, Any]:
    """The audit trail of ``tco calibrate``: every file it read, with its SHA-256: the published-run sets, the
    profile of each part their rows name, and the default scenario."""
    from tco import loader
    from tco.errors import TcoError

    read = {f"{kind}.{e.id}": str(e.path) for kind in ("benchmarks", "serving") for e in loader.iter_entries(kind)}
    rows = [r for path in list(read.values()) for r in loader.read_toml(Path(path)).get("rows", []) if isinstance(r, dict)]
    for part in sorted({r["accelerator"] for r in rows if isinstance(r.get("accelerator"), str)}):
        try:
            read[f"accelerators.{part}"] = str(loader.resolve("accelerators", part))
        except TcoError:  # (a row naming no part was refused before the audit is written)
            continue
    read["scenario"] = str(loader.resolve("scenarios", loader.DEFAULT_SCENARIO))
    return api.audit(None, command="calibrate", fit=fit, published_layout=published_layout, summary=summary, files=api.audit_files(read))


def _shown_audit(kind: str, ref: str, fmt: str) -> dict[str, Any] | None:
    """The audit trail of a ``show`` (JSON only): the file shown, with its SHA-256 and extends chain."""
    if fmt != "json":
        return None
    from tco import loader

    files = api.audit_files({kind[:-1]: str(loader.resolve(kind, ref))})
    return api.audit(None, command=f"{'profiles' if kind == 'accelerators' else kind} show", ref=ref, files=files)


@workloads_app.command("list", cls=HelpCommand)
@handle_errors
def workloads_list(fmt: TextFormatOpt = OutputFormat.table, output: OutputOpt = None) -> None:
    """Every workload definition."""
    _list("workloads", fmt, output)


@workloads_app.command(
    "show",
    cls=HelpCommand,
    epilog=examples("tco workloads show gpt3-1.3b", "tco workloads show gpt3-1.3b --format toml -o my-workload.toml"),
)
@handle_errors
def workloads_show(
    workload: Annotated[str, typer.Argument(help="Workload id or path.")], fmt: ShowFormatOpt = ShowFormat.table, output: OutputOpt = None
) -> None:
    """Every field of one workload with its source."""
    _show("workloads", workload, fmt, output)


@scenarios_app.command("list", cls=HelpCommand)
@handle_errors
def scenarios_list(fmt: TextFormatOpt = OutputFormat.table, output: OutputOpt = None) -> None:
    """Every scenario."""
    _list("scenarios", fmt, output)


@scenarios_app.command(
    "show", cls=HelpCommand, epilog=examples("tco scenarios show article", "tco scenarios show article --format toml -o my-scenario.toml")
)
@handle_errors
def scenarios_show(
    scenario: Annotated[str, typer.Argument(help="Scenario id or path.")], fmt: ShowFormatOpt = ShowFormat.table, output: OutputOpt = None
) -> None:
    """Every field of one scenario with its source."""
    _show("scenarios", scenario, fmt, output)


class Mode(str, Enum):
    train = "train"
    infer = "infer"


class Recompute(str, Enum):
    none = "none"
    selective = "selective"
    full = "full"


class SchemaKind(str, Enum):
    accelerator = "accelerator"
    workload = "workload"
    scenario = "scenario"
    benchmarks = "benchmarks"
    serving = "serving"
    sources = "sources"


@app.command(
    cls=HelpCommand,
    short_help="Throughput, layout and memory fit of one model.",
    epilog=examples(
        "tco estimate h100-sxm --params 70B --seq-len 8192 --count 1024",
        "tco estimate h200 --params 69e9 --precision fp8 --mode infer --kv-heads 8 --heads 64 --layers 80 --d-model 8192 --tpot-ms 50",
    ),
)
@handle_errors
def estimate(
    accelerator: Annotated[str, typer.Argument(help="Accelerator id or profile path.")],
    params: Annotated[str, typer.Option("--params", metavar="N", help="Parameters: 6.7e9 or 6.7B (active parameters for MoE).")],
    seq_len: Annotated[
        int | None,
        whole_option("--seq-len", metavar="TOKENS", help="Sequence length, tokens (default 2048, or prompt + output if longer)."),
    ] = None,
    count: Annotated[int | None, whole_option("--count", high=MAX_ACCELERATORS, help="Training: accelerators (default 8).")] = None,
    precision: Annotated[Precision, typer.Option("--precision", case_sensitive=False, help="Numeric precision.")] = Precision.bf16,
    mode: Annotated[Mode, typer.Option("--mode", case_sensitive=False, help="Training or inference.")] = Mode.train,
    layers: Annotated[int | None, whole_option("--layers", help="Transformer layers (default: inferred).")] = None,
    d_model: Annotated[int | None, whole_option("--d-model", help="Model width.")] = None,
    heads: Annotated[int | None, whole_option("--heads", help="Attention heads.")] = None,
    kv_heads: Annotated[int | None, whole_option("--kv-heads", help="Key/value heads (GQA/MQA).")] = None,
    head_dim: Annotated[int | None, whole_option("--head-dim", help="Width of one head (default d-model / heads).")] = None,
    ffn_dim: Annotated[int | None, whole_option("--ffn-dim", help="FFN hidden width (default 4 × d-model).")] = None,
    vocab: Annotated[
        int | None, whole_option("--vocab", help="Vocabulary size (training: logits memory; 8-bit serving: the 16-bit embeddings).")
    ] = None,
    replica: Annotated[
        int | None,
        whole_option("--replica", high=MAX_ACCELERATORS, help="Serving: accelerators per replica (default: chosen)."),
    ] = None,
    max_batch: Annotated[
        int | None,
        whole_option("--max-batch", help="Serving: most sequences a replica batches (default 256, as a workload's)."),
    ] = None,
    tuning: Annotated[
        Tuning | None,
        typer.Option(
            "--tuning",
            help="Software tuning, typical (default) or tuned: training Megatron/NeMo-class, serving a vendor engine such as TensorRT-LLM.",
        ),
    ] = None,
    global_batch: Annotated[
        str | None,
        typer.Option(
            "--global-batch", metavar="TOKENS", help="Training: tokens per optimizer step, e.g. 4M (default: from the model size)."
        ),
    ] = None,
    total_params: Annotated[
        str | None, typer.Option("--total-params", metavar="N", help="MoE: total parameters (then --params is the active count).")
    ] = None,
    tp: Annotated[
        int | None,
        whole_option("--tp", help="Training: fix the tensor-parallel degree (default: searched)."),
    ] = None,
    pp: Annotated[int | None, whole_option("--pp", help="Training: fix the pipeline stages.")] = None,
    cp: Annotated[int | None, whole_option("--cp", help="Training: fix the context-parallel degree.")] = None,
    ep: Annotated[int | None, whole_option("--ep", help="MoE training: fix the expert-parallel degree.")] = None,
    recompute: Annotated[
        Recompute | None, typer.Option("--recompute", help="Training: fix the activation recomputation (full: every layer).")
    ] = None,
    experts: Annotated[int | None, whole_option("--experts", help="MoE: routed experts per layer.")] = None,
    top_k: Annotated[int | None, whole_option("--top-k", help="MoE: routed experts per token.")] = None,
    tokens: Annotated[
        str | None,
        typer.Option("--tokens", metavar="TOKENS", help="Training: tokens of the whole run, e.g. 2T: adds its days and accelerator-hours."),
    ] = None,
    prompt_tokens: Annotated[
        float | None,
        typer.Option("--prompt-tokens", parser=token_count, metavar="TOKENS", help="Serving: prompt tokens per request, e.g. 2k."),
    ] = None,
    output_tokens: Annotated[
        float | None,
        typer.Option("--output-tokens", parser=token_count, metavar="TOKENS", help="Serving: output tokens per request, e.g. 512."),
    ] = None,
    tpot_ms: Annotated[float | None, number_option("--tpot-ms", metavar="MS", help="Serving: time-per-output-token target, ms.")] = None,
    ttft_ms: Annotated[float | None, number_option("--ttft-ms", metavar="MS", help="Serving: time-to-first-token target, ms.")] = None,
    percentile: Annotated[
        float | None,
        number_option("--percentile", metavar="PCT", help="Serving: share of requests, %, the TPOT target holds for (50 to below 100)."),
    ] = None,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: TextFormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Derived tokens/s, MFU, layout or replica and batch, and memory fit for a model, without a workload file."""
    from tco.engine import LAYOUT_FIELDS
    from tco.estimates import estimate as run_estimate
    from tco.estimates import parse_count_text
    from tco.render import render_model_fields

    _blank_ref("accelerators", accelerator, "ACCELERATOR")
    result = run_estimate(
        accelerator,
        parameters=parse_count_text(params),
        seq_len=seq_len,
        count=count,
        precision=precision,
        mode=mode.value,
        scenario=scenario,
        sets=set_ or [],
        shape={
            "layers": layers,
            "d_model": d_model,
            "heads": heads,
            "kv_heads": kv_heads,
            "head_dim": head_dim,
            "ffn_dim": ffn_dim,
            "vocab": vocab,
        },
        replica=replica,
        max_batch=max_batch,
        tuning=tuning,
        global_batch_tokens=parse_count_text(global_batch, what="--global-batch") if global_batch is not None else None,
        total_parameters=parse_count_text(total_params, what="--total-params") if total_params is not None else None,
        experts=experts,
        experts_per_token=top_k,
        layout={
            "tensor_parallel": tp,
            "pipeline_parallel": pp,
            "context_parallel": cp,
            "expert_parallel": ep,
            "recompute": recompute.value if recompute is not None else None,
        },
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        time_per_output_token_ms=tpot_ms,
        time_to_first_token_ms=ttft_ms,
        latency_percentile=percentile,
        training_tokens=parse_count_text(tokens, what="--tokens") if tokens is not None else None,
    )
    text = render_model_fields(result, fmt, expand={"layout": LAYOUT_FIELDS})
    emit(text, output, fmt=fmt, audit=_estimate_trail(result, locals()) if fmt is OutputFormat.json else None)


def _estimate_trail(result: Any, flags: Mapping[str, Any]) -> dict[str, Any]:
    """The audit trail of an estimate (JSON only): the option, the scenario, every flag given as typed,
    and the files read with their SHA-256."""
    from tco import loader

    accelerator, scenario, set_ = flags["accelerator"], flags["scenario"], flags["set_"]
    given = {name: flags[name] for name in _ESTIMATE_FLAGS}
    given.update(
        precision=flags["precision"].value,
        mode=flags["mode"].value,
        tuning=flags["tuning"].value if flags["tuning"] else None,
        recompute=flags["recompute"].value if flags["recompute"] else None,
    )
    files = {
        result.accelerator: str(loader.resolve("accelerators", accelerator, None)),
        "scenario": str(loader.resolve("scenarios", scenario or loader.DEFAULT_SCENARIO, None)),
    }
    trail = api.audit(None, command="estimate", options=[result.accelerator], scenario=loader.load_scenario(scenario).id, sets=set_ or [])
    trail["flags"] = {k: v for k, v in given.items() if v is not None}
    trail["files"] = api.audit_files(files)
    return trail


_ESTIMATE_FLAGS = (
    "params", "seq_len", "count", "precision", "mode", "layers", "d_model", "heads", "kv_heads", "head_dim", "ffn_dim", "vocab",
    "replica", "max_batch", "tuning", "global_batch", "total_params", "tp", "pp", "cp", "ep", "recompute", "experts", "top_k",
    "tokens", "prompt_tokens", "output_tokens", "tpot_ms", "ttft_ms", "percentile",
)  # fmt: skip
"""estimate's parameters that its audit trail records, as the command line named them."""


@app.command(
    cls=HelpCommand,
    short_help="The models' error on published runs.",
    epilog=examples(
        "tco calibrate --summary",
        "tco calibrate -f csv -o calibration.csv",
    ),
)
@handle_errors
def calibrate(
    fmt: TextFormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    fit: Annotated[bool, typer.Option("--fit", help="Refit the software constants on the fit half first (maintainers).")] = False,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help=(
                "Only the error summary (fit, held out, per source and scale: median and worst |error|, and the median "
                "signed error, above 0 where the model is fast), in any format."
            ),
        ),
    ] = False,
    published_layout: Annotated[
        bool,
        typer.Option(
            "--published-layout",
            help="Hold each training run to the tensor, pipeline, context and expert degrees its source states (diagnostic).",
        ),
    ] = False,
) -> None:
    """Published vs predicted training and serving tokens/s: error on the rows the constants were fitted on and on the held-out rows."""
    refuse_output_early(output)
    if fit:
        err("Note: refitting the training and serving constants on the fit halves takes a few minutes")
    from tco.render import render_calibration

    result = api.calibrate(refit=fit, published_layout=published_layout)
    emit(
        render_calibration(result, fmt, only_summary=summary),
        output,
        fmt=fmt,
        audit=_calibration_audit(fit, published_layout, summary) if fmt is OutputFormat.json else None,
    )
    if summary:  # (the rows themselves say why they have no figure; the summary's n leaves them out)
        for kind, rows in (("training", result.rows), ("serving", result.serving.rows if result.serving else [])):
            blank = [r for r in rows if r.error is None]
            if blank:
                shown = "; ".join(f"{r.set_id} {r.model}" for r in blank[:3]) + ("; …" if len(blank) > 3 else "")
                err(
                    f"Note: {len(blank):,} of {len(rows):,} {kind} rows {'has' if len(blank) == 1 else 'have'} no model figure and "
                    f"{'is' if len(blank) == 1 else 'are'} not counted in n "
                    f"({shown}); tco calibrate without --summary gives each one's reason"
                )


@app.command(cls=HelpCommand, short_help="JSON Schema of an input file kind.")
@handle_errors
def schema(kind: Annotated[SchemaKind, typer.Argument(case_sensitive=False, help="Input kind.")], output: OutputOpt = None) -> None:
    """JSON Schema of an input kind (accelerator, workload, scenario, benchmarks, serving or sources), for
    editor validation of TOML files."""
    import json

    from tco.schema import json_schema

    emit(json.dumps(json_schema(kind.value), indent=2) + "\n", output)


# --------------------------------------------------------------------------- what-if analyses


def _inputs(
    accelerators: list[str],
    workload: str,
    scenario: str | None,
    set_: list[str] | None,
    strict: bool = False,
    *,
    drop: bool = True,
    complete: bool = False,
    required: Sequence[str] = (),
    fitting_count: bool = False,
    supplied: Sequence[str] = (),
) -> Inputs:
    """The inputs of an analysis. With ``drop``, options that cannot run the workload (and, with
    ``complete``, options lacking an input) are left out with a note, as compare shows them
    infeasible, so a run over a whole market answers for the rest."""
    inputs = api.load_inputs(accelerators, workload=workload, scenario=scenario, sets=set_ or [])
    for w in inputs.warnings:
        err(f"Warning: {w}")
    if fitting_count:  # size searches every count: the workload's own must not rule an option out
        from tco.analysis.sizing import with_fitting_count

        inputs = with_fitting_count(inputs)
    if drop:
        inputs, dropped = api.analysable(inputs, complete=complete and not strict, market=complete, required=required)
        for label, why in dropped.items():
            err(f"Note: {label} is left out: {why}")
    missing = api.not_supplied(inputs, api.missing_inputs(inputs), supplied)  # (an input given at each point is not missing)
    check_missing(missing, strict)
    note_missing(missing, ranked=not fitting_count)  # (size ranks nothing: it says which figures are blank)
    barred = api.barred_options(inputs)
    if len(barred) < len(inputs.options):  # all barred: the analysis itself reports the error
        for label, why in barred.items():
            err(f"Note: {label} is infeasible: {why}")
    return inputs


@app.command(
    cls=HelpCommand,
    short_help="The input value at which two options tie.",
    epilog=examples(
        "tco breakeven a100-80gb mlu370-s4 -w gpt3-1.3b -s article",
        "tco breakeven h100-sxm h100-sxm:rent -w llama3-70b --param h100-sxm.rental.usd_per_hour",
    ),
)
@handle_errors
def breakeven(
    a: Annotated[str, typer.Argument(help="First option (ID[@COUNT][:rent]).")],
    b: Annotated[str, typer.Argument(help="Second option.")],
    workload: WorkloadOpt,
    param: Annotated[
        str, typer.Option("--param", metavar="PATH", help="Input path to solve for (as with --set).")
    ] = "scenario.cost_of_delay_usd_per_day",
    range_: Annotated[
        str | None,
        typer.Option(
            "--range",
            metavar="LO:HI",
            help=(
                "LO:HI to search; default: 0:1000000 for the cost of delay, else the input's low:high, "
                "else ÷10 to ×10 of its value, kept where the input is valid; an unknown price 1:1e7, "
                "an unknown lead time 0:520 weeks."
            ),
        ),
    ] = None,
    strict: StrictOpt = False,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: TextFormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """The value of an input at which A and B have the same effective cost, and who wins on each side."""
    from tco import analysis
    from tco.render import render_breakeven

    for text, argument in ((a, "A"), (b, "B")):
        _blank_ref("accelerators", text, argument)
    rng = analysis.parse_range(range_) if range_ is not None else None
    inputs = _inputs([a, b], workload, scenario, set_, strict, drop=False, supplied=[param])
    result = api.breakeven(inputs, a, b, param=param, value_range=rng)
    for w in api.unread_inputs(inputs, [param], "--param"):
        err(f"Warning: {w}")
    emit(render_breakeven(result, fmt), output, fmt=fmt, audit=api.audit(inputs, command="breakeven", param=param, range=range_))
    err(result.message)


@app.command(
    cls=HelpCommand,
    short_help="Tornado: which inputs move the answer.",
    epilog=examples(
        "tco sensitivity a100-80gb -w gpt3-1.3b",
        "tco sensitivity a100-80gb --vs mlu370-s4 -w gpt3-1.3b -f csv",
    ),
)
@handle_errors
def sensitivity(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    vs: Annotated[
        str | None, typer.Option("--vs", metavar="OPTION", help="Rank inputs by their swing of (first option − this option).")
    ] = None,
    strict: StrictOpt = False,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Tornado: swing each uncertain input low→high (its range, else ±20%) and report the cost swings."""
    from tco.render import render_sensitivity

    if vs is not None:  # '' or a malformed option is --vs's error, not the accelerators' (nor '' a tornado without --vs)
        try:
            parse_option(vs)
        except (InputError, NotFoundError) as exc:
            raise InputError(exc.message, key="--vs") from None
    # --vs names one of the options (by its id too, where it was given by path), or adds the one it names
    # (looked up quietly: the inputs analysed are loaded once more below, with their warnings and notes told once)
    given = api.load_inputs(list(accelerators), workload=workload, scenario=scenario, sets=set_ or []) if vs else None
    at = named_option(given, vs) if given is not None and vs is not None else None
    accs = list(accelerators) + ([vs] if vs and at is None else [])
    # (--vs naming the first of two options compares the other with it: the pair is the same either way)
    first = accelerators[1] if at == 0 and len(accelerators) == 2 else accelerators[0]
    inputs = _inputs(accs, workload, scenario, set_, strict, required=[first, vs] if vs else [])
    result = api.sensitivity(inputs, vs=(first, vs) if vs else None)
    _held_notes(result.held_ranges, "swung")
    # (the option --vs names as the audit's options and the result's vs name it: its label, not an alias or case as typed)
    audit = api.audit(inputs, command="sensitivity", vs=result.vs[1] if vs and result.vs else None)
    emit_result(render_sensitivity, result, fmt, output, inputs=inputs, audit=audit, sheet="Sensitivity")


def _held_notes(paths: Sequence[str], how: str) -> None:
    """One note per input whose range only the plan reads: the analysis held it, where a sweep re-plans."""
    for path in paths:
        err(
            f"Note: {path} has a range that changes only the plan (layout, batch or memory fit): not {how}, held at its "
            f"value as the central plan is; tco sweep --vary {path}=LOW,HIGH plans each value anew"
        )


@app.command(
    cls=HelpCommand,
    short_help="Monte Carlo: win probabilities, value of information.",
    epilog=examples(
        "tco simulate a100-80gb mlu370-s4 -w gpt3-1.3b -n 20000 --seed 1",
    ),
)
@handle_errors
def simulate(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    samples: Annotated[int, typer.Option("--samples", "-n", metavar="N", parser=whole, help="Monte Carlo samples.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", parser=whole, help="Random seed: same seed, same output.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    strict: StrictOpt = False,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Monte Carlo over every ranged input (common random numbers): P10/P50/P90 and win probability."""
    from tco.analysis.montecarlo import check_draws
    from tco.render import render_simulation

    check_draws(samples, seed)  # before any input loads
    inputs = _inputs(accelerators, workload, scenario, set_, strict)
    refuse_output_early(output)  # (not after the draws)
    xlsx = wants_xlsx(fmt, output)
    if xlsx and samples > XLSX_MAX_ROWS:
        raise InputError(  # (a limit tco checks: exit 1, as --samples past its own limit)
            f"a workbook is built in memory: at most {XLSX_MAX_ROWS:,} samples in one; use -f csv or -f json for more",
            key="--samples",
        )
    show = not quiet and sys.stderr is not None and sys.stderr.isatty()  # (None: started with stderr closed)
    with typer.progressbar(length=samples, label="samples", file=sys.stderr, show_pos=True) if show else contextlib.nullcontext() as bar:
        progress = (lambda done, _total: bar.update(done - bar.pos)) if bar is not None else None
        result = api.simulate(inputs, samples=samples, seed=seed, progress=progress, keep_samples=xlsx)
    _held_notes(result.held_ranges, "sampled")
    if xlsx:
        assert output is not None
        kept = result.effective_cost_samples_usd or {}
        labels = list(kept)
        depth = max((len(v) for v in kept.values()), default=0)
        rows = [[i, *(kept[k][i] if i < len(kept[k]) else "" for k in labels)] for i in range(depth)]
        buf = io.StringIO()
        csv.writer(buf).writerows([["sample", *(f"{k} effective_cost_usd" for k in labels)], *rows])
        result = result.model_copy(update={"effective_cost_samples_usd": None})
        audit = api.audit(inputs, command="simulate", samples=samples, seed=seed)
        from tco.render import for_workbook, summary_csv

        with for_workbook():
            summary = summary_csv(result, {"effective_cost_samples_usd": "on the Samples sheet"})
            sheets = {"Simulation": render_simulation(result, OutputFormat.csv), "Simulation summary": summary}
        emit_workbook(inputs, output, audit, {**sheets, "Samples": buf.getvalue()})
        return
    emit(render_simulation(result, fmt), output, fmt=fmt, audit=api.audit(inputs, command="simulate", samples=samples, seed=seed))


@app.command(
    cls=HelpCommand,
    short_help="Year-by-year cash flow, NPV and payback.",
    epilog=examples(
        "tco cashflow h100-sxm@1024 h100-sxm@1024:rent -w llama3-70b",
        "tco cashflow h100-sxm@4 -w chat-70b --lease-usd-per-month 1500 --lease-months 48 --revenue-usd-per-day 20000",
    ),
)
@handle_errors
def cashflow(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    revenue_usd_per_day: Annotated[
        float | None,
        number_option("--revenue-usd-per-day", metavar="USD", help="Revenue from the market date on, for payback."),
    ] = None,
    lease_usd_per_month: Annotated[
        float | None,
        number_option("--lease-usd-per-month", metavar="USD", help="Also show each bought option leased at this rate per accelerator."),
    ] = None,
    lease_months: Annotated[float | None, number_option("--lease-months", metavar="N", help="Lease term; default: the run.")] = None,
    strict: StrictOpt = False,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Cash flow per option and year (capex at delivery, running costs, residual value, delay penalty) and its NPV."""
    from tco.render import render_cashflow

    inputs = _inputs(accelerators, workload, scenario, set_, strict, complete=True)
    result = api.cashflow(
        inputs, revenue_usd_per_day=revenue_usd_per_day, lease_usd_per_month=lease_usd_per_month, lease_months=lease_months
    )
    audit = api.audit(
        inputs,
        command="cashflow",
        revenue_usd_per_day=revenue_usd_per_day,
        lease_usd_per_month=lease_usd_per_month,
        lease_months=lease_months,
    )
    if wants_xlsx(fmt, output):  # the cash flow as formulas over the Calc sheets, its summary as values
        assert output is not None
        from tco.render import for_workbook, summary_csv

        flags = {"lease_usd_per_month": lease_usd_per_month, "revenue_usd_per_day": revenue_usd_per_day}
        # The options the cash flow left out (a price unknown) still set the others' delay, as in the JSON:
        # the Results sheet lists them, unranked, with their time to market.
        import dataclasses

        book = dataclasses.replace(inputs, options=[*inputs.options, *inputs.left_out_options], refs=[], left_out_options=[])
        with for_workbook():
            summary = summary_csv(result)
        emit_workbook(book, output, audit, {"Cash flow summary": summary}, cashflow=result, flags=flags)
    else:
        emit_result(render_cashflow, result, fmt, output, inputs=inputs, audit=audit, sheet="Cash flow")
    for note in dict.fromkeys(n for o in result.options for n in o.notes if n.startswith("the delay is counted from")):
        err(f"Note: {note}")  # (a delay set by an option the table does not show)
    for o in result.options:  # (an option left out above for its price, back leased: say so beside that note)
        for note in o.notes:
            if note.startswith("leased only: "):
                err(f"Note: {o.option} is in the cash flow, {note}")


class PlotKind(str, Enum):
    tornado = "tornado"
    breakeven = "breakeven"
    cdf = "cdf"
    scatter = "scatter"
    sweep = "sweep"


@app.command(
    cls=HelpCommand,
    short_help="Charts: tornado, break-even, CDF, scatter, sweep.",
    epilog=examples(
        "tco plot tornado a100-80gb mlu370-s4 -w gpt3-1.3b -o tornado.svg",
        "tco plot breakeven a100-80gb mlu370-s4 -w gpt3-1.3b -s article -o breakeven.svg",
        "tco plot cdf a100-80gb mlu370-s4 -w gpt3-1.3b -n 5000 -o cdf.png",
        "tco plot scatter h100-sxm@1024 mi300x@1024 a100-80gb@1024 -w llama3-70b -o scatter.svg",
        "tco plot sweep a100-80gb mlu370-s4 -w gpt3-1.3b --vary scenario.cost_of_delay_usd_per_day=0:400:9 -o sweep.svg",
    ),
)
@handle_errors
def plot(
    kind: Annotated[PlotKind, typer.Argument(case_sensitive=False, help="tornado, breakeven, cdf, scatter or sweep.")],
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", parser=_output_path, help="FILE.svg, FILE.png, or - (SVG).")],
    param: Annotated[
        str | None,
        typer.Option("--param", metavar="PATH", help="breakeven: the input to solve for [default: scenario.cost_of_delay_usd_per_day]."),
    ] = None,
    range_: Annotated[
        str | None,
        typer.Option(
            "--range",
            metavar="LO:HI",
            help="breakeven: LO:HI to draw [default: 0:1000000 for the cost of delay, else the input's low:high].",
        ),
    ] = None,
    varies: Annotated[list[str] | None, typer.Option("--vary", metavar="PATH=LO:HI:N", help="sweep: the input to vary (one).")] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", metavar="NAME", help="sweep: the figure to draw [default: effective_cost_usd].")
    ] = None,
    samples: Annotated[
        int | None, typer.Option("--samples", "-n", metavar="N", parser=whole, help="cdf: Monte Carlo samples [default: 5000].")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", metavar="N", parser=whole, help="cdf: random seed [default: 0].")] = None,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
) -> None:
    """Charts (SVG or PNG; matplotlib extra): tornado, break-even curve, Monte Carlo CDF, cost vs time to market, sweep lines."""
    from tco import plots

    # A flag that the chart does not use is refused, not silently ignored; so is a second --vary (a
    # chart has one axis: click would keep the last and chart another sweep than the one asked for).
    if varies and len(varies) > 1:
        raise typer.BadParameter("a sweep chart has one axis: give one --vary (tco sweep takes several)", param_hint="--vary")
    vary = varies[0] if varies else None
    given = {"--param": param, "--range": range_, "--vary": vary, "--metric": metric, "--samples": samples, "--seed": seed}
    uses = {"breakeven": ("--param", "--range"), "cdf": ("--samples", "--seed"), "sweep": ("--vary", "--metric")}
    for flag, value in given.items():
        if value is not None and flag not in uses.get(kind.value, ()):
            owners = " or ".join(f"'plot {k}'" for k, flags in uses.items() if flag in flags)
            raise typer.BadParameter(f"applies to {owners} only, not to 'plot {kind.value}'", param_hint=flag)
    param = "scenario.cost_of_delay_usd_per_day" if param is None else param  # ('' is refused as tco breakeven refuses it)
    metric = "effective_cost_usd" if metric is None else metric
    samples = 5000 if samples is None else samples
    seed = 0 if seed is None else seed
    suffix = "svg" if str(output) == "-" else suffix_of(output).lstrip(".")  # (- is standard output: SVG, text)
    if suffix not in ("svg", "png"):
        raise typer.BadParameter("expected a file name ending in .svg or .png, or - (SVG on standard output)", param_hint="-o")
    if kind is PlotKind.breakeven and len(accelerators) != 2:  # a usage error: before any input loads
        raise typer.BadParameter("a break-even curve needs exactly two options", param_hint="ACCEL")
    if kind is PlotKind.cdf:
        from tco.analysis.montecarlo import check_draws

        check_draws(samples, seed)  # before any input loads
    supplied = [param] if kind is PlotKind.breakeven else [vary.split("=", 1)[0]] if kind is PlotKind.sweep and vary else []
    inputs = _inputs(accelerators, workload, scenario, set_, False, supplied=supplied)
    refuse_output_early(output)  # (not after a Monte Carlo's draws)
    if kind is PlotKind.tornado:
        data = plots.tornado(api.sensitivity(inputs), suffix)
    elif kind is PlotKind.cdf:
        data = plots.cdf(api.simulate(inputs, samples=samples, seed=seed, keep_samples=True), suffix)
    elif kind is PlotKind.scatter:
        data = plots.pareto(api.compare(inputs), suffix)
    elif kind is PlotKind.breakeven:
        from tco.analysis import common, parse_range

        rng = parse_range(range_) if range_ is not None else None
        result = api.breakeven(inputs, accelerators[0], accelerators[1], param=param, value_range=rng)
        # (the grid's points below 1e-300 in size, between 0 and a tiny HI, are drawn at 0: no input takes them)
        points = sorted({0.0 if abs(x) < TINY else float(x) for x in common.linspace(result.range_low, result.range_high, 41)})
        target = common.resolve_target(common.prepare(inputs), param, where="--param")
        if target.is_count or target.is_integer:  # counts, lengths, layers: whole numbers only
            points = sorted({float(max(1, round(x))) for x in points})
        curve = api.breakeven_curve(inputs, param, points)  # every point at once, validated like --set
        for w in api.unread_inputs(inputs, [param], "--param"):
            err(f"Warning: {w}")
        costs = {o.option: o.effective_cost_usd for o in curve.options}
        data = plots.breakeven_curve(points, costs, result, suffix)
    else:
        if vary is None:
            raise typer.BadParameter("a sweep chart needs --vary PATH=LO:HI:N", param_hint="--vary")
        warned: list[str] = []
        columns, total, stream = api.sweep(inputs, [vary], warnings=warned)
        for w in [*warned, *api.unread_inputs(inputs, [vary], "--vary")]:
            err(f"Warning: {w}")
        if total > 100_000:
            raise typer.BadParameter(f"a chart of {total:,} points is unreadable: at most 100,000", param_hint="--vary")
        path = vary.split("=", 1)[0].strip()
        path = next((c for c in columns if c.startswith(path + " (")), path)  # (a column that names its currency)
        chunks = list(stream)  # at most 100,000 rows
        figures = [c for c in columns if c not in ("point", "option", path) and all(ch.columns[c].dtype.kind in "fiub" for ch in chunks)]
        if metric not in figures:
            raise typer.BadParameter(f"expected one of {', '.join(figures)}, got {shown_text(metric[:40])}", param_hint="--metric")
        rows = [
            {
                "option": str(c.options[j]),
                path: str(c.columns[path][j]) if c.columns[path].dtype.kind == "O" else float(c.columns[path][j]),  # (a choice's value)
                metric: float(c.columns[metric][j]),
            }
            for c in chunks
            for j in range(c.rows)
        ]
        data = plots.sweep_lines(path, rows, metric, inputs.workload.id, inputs.scenario.id, suffix, api.missing_inputs(inputs))
    emit_stream([data], output)


@app.command(
    cls=HelpCommand,
    short_help="A one-page HTML report of the decision.",
    epilog=examples("tco report a100-80gb mlu370-s4 -w gpt3-1.3b -o report.html"),
)
@handle_errors
def report(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", parser=_output_path, help="FILE.html (one self-contained page).")
    ],
    samples: Annotated[int, typer.Option("--samples", "-n", metavar="N", parser=whole, help="Monte Carlo samples.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", parser=whole, help="Random seed.")] = 0,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
) -> None:
    """A one-page HTML report: verdict, ranking, break-even, tornado, Monte Carlo, assumptions, missing inputs."""
    from tco import __version__
    from tco import report as rep

    if str(output) != "-" and suffix_of(output) not in (".html", ".htm"):
        raise typer.BadParameter("expected a file name ending in .html (or - for standard output)", param_hint="-o")
    from tco.analysis.montecarlo import check_draws

    check_draws(samples, seed)  # before any input loads
    inputs = _inputs(accelerators, workload, scenario, set_, False)
    refuse_output_early(output)  # (not after the Monte Carlo)
    comp = api.compare(inputs)
    ranked = sorted(comp.ranked, key=lambda r: r.rank or 0)
    be = decision = None
    if len(ranked) >= 2:
        be = api.breakeven(inputs, ranked[0].accelerator, ranked[1].accelerator)
        try:
            decision = api.sensitivity(inputs, vs=(ranked[0].accelerator, ranked[1].accelerator))
        except InputError as exc:  # the two are one configuration (a100-80gb and a100-80gb@8 where the workload
            if exc.key != "--vs":  # gives 8): no input separates them, as the break-even says; the page has no --vs
                raise
    # The tornado swings a known effective cost: with none (every option lacks an input) the page says so
    # and lists what is missing, as compare does, instead of refusing the whole report.
    incomplete = any(r.status.value == "incomplete" for r in comp.results)
    page = rep.build(
        inputs,
        comp,
        api.sensitivity(inputs) if comp.ranked or not incomplete else None,
        api.simulate(inputs, samples=samples, seed=seed, keep_samples=True),
        be,
        api.audit(inputs, command="report", samples=samples, seed=seed),
        __version__,
        decision,
        _cash_flow_of_those_priced(inputs),
    )
    emit_stream([page], output)


@app.command(
    cls=HelpCommand,
    short_help="Evaluate a grid of inputs, one row per point.",
    epilog=examples(
        "tco sweep a100-80gb mlu370-s4 -w gpt3-1.3b --vary scenario.cost_of_delay_usd_per_day=0:2000:21 -o sweep.csv",
        "tco sweep h100-sxm a100-80gb -w llama3-8b --vary workload.precision=bf16,fp8 --vary scenario.fabric=infiniband,ethernet",
    ),
)
@handle_errors
def sweep(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            metavar="PATH=LO:HI:N",
            help="PATH=LO:HI:N or PATH=v1,v2,... (numbers, or the values of a choice: workload.precision=bf16,fp8); repeat for a grid.",
        ),
    ],
    strict: StrictOpt = False,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", metavar="<csv|json|jsonl|xlsx>", help="csv, json or jsonl (rows stream), or xlsx."),
    ] = OutputFormat.csv,
    output: OutputOpt = None,
) -> None:
    """Evaluate the product of the varied axes: one tidy row per (point, option), streamed as computed."""
    from tco.render import stream_sweep

    xlsx = wants_xlsx(fmt, output)
    if fmt not in (OutputFormat.csv, OutputFormat.json, OutputFormat.jsonl) and not xlsx:
        raise typer.BadParameter(f"sweep streams rows: use csv, json, jsonl or xlsx, not {fmt.value}", param_hint="--format")
    inputs = _inputs(accelerators, workload, scenario, set_, strict, supplied=[v.split("=", 1)[0] for v in vary])
    warned: list[str] = []
    columns, total, chunks = api.sweep(inputs, vary, strict=strict, warnings=warned)
    for w in [*warned, *api.unread_inputs(inputs, vary, "--vary")]:
        err(f"Warning: {w}")
    if xlsx:
        assert output is not None
        if total > XLSX_MAX_ROWS:
            raise InputError(  # (a limit tco checks: exit 1, as the sweep's own row limit)
                f"a workbook is built in memory: at most {XLSX_MAX_ROWS:,} rows in one; this sweep has {total:,}: use csv",
                key="--format" if _format_given() else "-o",  # (-o FILE.xlsx chose the workbook)
            )
        from tco.render import for_workbook

        with for_workbook():  # (an axis' path as typed, '@x.toml.price_usd', and the feasible column's booleans)
            rows = "".join(stream_sweep(columns, chunks, OutputFormat.csv))
        emit_workbook(inputs, output, api.audit(inputs, command="sweep", vary=list(vary)), {"Sweep": rows})
        err(f"{total:,} row{'' if total == 1 else 's'}")  # (as the text formats say it)
        return
    audit = api.audit(inputs, command="sweep", vary=list(vary)) if fmt is OutputFormat.json else None
    emit_stream(stream_sweep(columns, chunks, fmt, audit), output, for_people=fmt is OutputFormat.table)
    err(f"{total:,} row{'' if total == 1 else 's'}")


def _stdout_not_utf8() -> bool:
    """Whether stdout is a file or a pipe whose locale's encoding is not UTF-8 (LANG=en_US.ISO-8859-1,
    PYTHONIOENCODING=ascii): there the output is written as UTF-8, the bytes -o FILE writes, rather than with
    each character the locale lacks made '?' (a profile named 'H100 中文' came out as 'H100 ??' in ``-f json >
    out.json``; a report declaring itself UTF-8 held '?'). A terminal keeps its locale's encoding: a person reads it."""
    with contextlib.suppress(AttributeError, LookupError, OSError, ValueError, TypeError):
        return not sys.stdout.isatty() and codecs.lookup(sys.stdout.encoding).name != "utf-8" and hasattr(sys.stdout, "buffer")
    return False


def emit_stream(pieces: Any, output: Path | None, *, for_people: bool = False) -> None:
    """Stream text (or bytes: a workbook, a chart) to stdout (no ``-o``, or ``-o -``), or to a temporary
    file in the target's folder that replaces the target only once everything is written. The target
    keeps its permissions, a symlink keeps pointing where it did (its target is written), and a file
    with other hard links is rewritten in place so the links still share it. Nothing is left behind on
    failure. The one writer of every output. Text ``for_people`` (the table format, 'ok:' lines) follows the
    locale on stdout, its characters the locale lacks made '?'; the rest is UTF-8 there as in a file
    (:func:`_stdout_not_utf8`)."""
    if output is None or str(output) == "-":
        if _stdout_closed():  # started with stdout closed (tco ... >&-)
            raise InputError("standard output is closed; expected -o FILE", key="-o")
        raw = not for_people and _stdout_not_utf8()
        try:
            for n, piece in enumerate(pieces):
                if n == 0:  # the output has begun: the notes so far come before it (a long sweep's after it is late)
                    _release_notes()
                if isinstance(piece, bytes) or raw:
                    sys.stdout.flush()
                    sys.stdout.buffer.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
                else:
                    sys.stdout.write(piece)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader stopped early: handle_errors stops quietly
        except OSError as exc:  # a full disk or a failing device behind stdout: the environment's error, not a bug
            with contextlib.suppress(OSError):  # (the interpreter's last flush must not fail again)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise InputError(f"cannot write: {exc.strerror or exc}", where="standard output") from None
        return
    if not str(output).strip():
        raise InputError("expected a file name (or - for standard output), got ''", key="-o")
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(kind := os.stat(output).st_mode) and not stat.S_ISDIR(kind):
            # A device, a FIFO or a socket (-o /dev/null, -o /dev/stdout): written to as it is, never
            # replaced by a file; a FIFO with no reader is an error rather than a wait.
            _write_special(pieces, Path(output), str(output))
            return
    from tco.loader import was_read

    if was_read(output):
        raise InputError("is an input of this run; writing the output there would replace it", where=str(output), key="-o")
    try:
        target = _output_target(output)
        folder = target.parent
        st = os.stat(target)
        mode, links = st.st_mode & 0o7777, st.st_nlink
        if not os.access(target, os.W_OK):  # (a rename would replace it anyway: refused, as `> FILE` is)
            why = "cannot write: the file is read-only: make it writable (chmod u+w) or name another"
            raise InputError(why, where=str(output), key="-o")
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode, links = 0o666 & ~umask, 1
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", where=str(output), key="-o") from None
    # A terminating signal between the temporary file's creation and the clean-up below would leave the file
    # behind (the handlers exit at once): it is held until the clean-up is in place.
    _HELD.append([])
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tco-", suffix=".tmp", dir=folder)
    except OSError as exc:
        _release_held()
        # (the output is written beside its target and renamed over it: the folder must take a new file, which
        # /proc and a read-only folder do not, whatever the target itself allows)
        why = f"cannot write: cannot create a file in {folder} ({exc.strerror}), which writing it atomically needs"
        raise InputError(why, where=str(output), key="-o") from None
    try:
        _release_held()  # (a signal that came meanwhile stops the run here, with the clean-up in place)
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
        if links > 1:
            with open(tmp, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            Path(tmp).unlink()
        else:
            os.chmod(tmp, mode)
            os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror}", where=str(output), key="-o") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_HELD: list[list[int]] = []
"""While not empty, the stop signals that arrived (:func:`_stop`) are recorded in its last list
instead of stopping the run: a section that must not be cut short (the temporary file created, its clean-up not yet
in place). Held in Python, not by the process's signal mask: a signal may be delivered to any thread (numpy's), and
its Python handler runs in the main thread all the same."""


def _release_held() -> None:
    """End the held section: a signal that came meanwhile stops the run now."""
    held = _HELD.pop()
    if held:
        _stop(held[0], None)


def _stop(number: int, _frame: Any) -> None:
    """A terminating signal: exit as the signal would (128 + its number; Ctrl-C as KeyboardInterrupt), through the
    clean-up path; held while :data:`_HELD` says so."""
    if _HELD:
        _HELD[-1].append(number)
        return
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    if number == getattr(signal, "SIGXCPU", None):
        err("Error: the CPU-time limit (ulimit -t) was reached; nothing was written")
    sys.exit(128 + number)


def _write_special(pieces: Any, target: Path, shown: str) -> None:
    """Stream the output into an existing non-regular file (a device or a FIFO)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        # (ENXIO: a FIFO with no reader, or a device with nothing behind it, /dev/tty without a terminal)
        why = (
            ("no process is reading the FIFO" if stat.S_ISFIFO(target.stat().st_mode) else "no device behind it")
            if exc.errno == errno.ENXIO
            else exc.strerror
        )
        raise InputError(f"cannot write: {why}", where=shown, key="-o") from None
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as fh:
            for piece in pieces:
                fh.write(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", where=shown, key="-o") from None


@app.command(
    cls=HelpCommand,
    short_help="The count that meets a deadline, budget or power cap.",
    epilog=examples(
        "tco size h100-sxm mi300x -w llama3-70b --deadline-days 400",
        "tco size a100-80gb -w gpt3-1.3b --budget-usd 5000",
        "tco size h100-sxm mi300x -w llama3-70b --capex-usd 50M",
    ),
)
@handle_errors
def size(
    accelerators: AccelArgs,
    workload: WorkloadOpt,
    deadline_days: Annotated[
        float | None, number_option("--deadline-days", metavar="DAYS", help="Smallest count reaching the market within D days.")
    ] = None,
    budget_usd: Annotated[
        float | None,
        number_option("--budget-usd", metavar="USD", help="Largest count whose job cost fits the budget: 5e6 or 5M."),
    ] = None,
    capex_usd: Annotated[
        float | None,
        number_option("--capex-usd", metavar="USD", help="Largest count whose purchase (capex, up front) fits a purchase budget."),
    ] = None,
    power_kw: Annotated[
        float | None,
        number_option("--power-kw", metavar="KW", help="Largest count within a facility power envelope (IT × PUE)."),
    ] = None,
    strict: StrictOpt = False,
    scenario: ScenarioOpt = None,
    set_: SetOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """The accelerator count that meets a deadline, a budget, a purchase budget or a power envelope, with its costs."""
    from tco.render import render_size

    limits = {"--deadline-days": deadline_days, "--budget-usd": budget_usd, "--capex-usd": capex_usd, "--power-kw": power_kw}
    given = [flag for flag, v in limits.items() if v is not None]
    if len(given) != 1:  # a usage error: before any input loads
        got = " and ".join(given) if given else "none"
        raise typer.BadParameter(f"give exactly one of {', '.join(limits)}, got {got}", param_hint="the limit")
    counted = [a for a in accelerators if parse_option(a).number is not None]
    kind_set = any(fold(s.partition("=")[0].strip()) == "workload.kind" for s in set_ or [])
    as_filed = None
    kinds = {s.partition("=")[2].strip().strip("'\"") for s in set_ or [] if fold(s.partition("=")[0].strip()) == "workload.kind"}
    if not kind_set or kinds == {"inference"}:  # (a --set of the kind a file already has changes nothing)
        with contextlib.suppress(TcoError):
            as_filed = api.load_workload(workload)
    if isinstance(as_filed, InferenceWorkload):
        from tco import loader

        # A shipped serving workload is right as it is: the choice of it for sizing is what to change. The
        # user's own file is named with its kind.
        path = loader.resolve("workloads", workload)
        shipped = loader.is_builtin(path)
        raise InputError(
            'sizing applies to training workloads, not kind = "inference": an inference fleet is sized by tokens_per_day already'
            + (f" ({as_filed.id} is a serving workload: choose a training one with -w)" if shipped else ""),
            where=None if shipped else str(path),
            key="workload" if shipped else "kind",
        )
    if counted:  # before the options load: a workload that does not fit at @N must not be the first error
        # A --set of workload.kind leaves the load to judge it (a bad value, a training workload's missing
        # keys); else an inference workload is refused as without @COUNT: @N is a serving replica's size.
        loaded = (
            _inputs([parse_option(a).ref for a in accelerators], workload, scenario, set_, strict, fitting_count=True).workload
            if kind_set
            else api.load_workload(workload)
        )
        if isinstance(loaded, InferenceWorkload):
            from tco import loader

            raise InputError(
                'sizing applies to training workloads, not kind = "inference": an inference fleet is sized by tokens_per_day already',
                where="--set" if kind_set else str(loader.resolve("workloads", workload)),  # (as without @COUNT)
                key="workload.kind" if kind_set else "kind",
            )
        raise InputError(f"size chooses the count itself: name {', '.join(counted)} without @COUNT", key="accelerator")
    inputs = _inputs(accelerators, workload, scenario, set_, strict, fitting_count=True)
    from tco.analysis.sizing import unread_by_size

    for w in unread_by_size(inputs):
        err(f"Warning: {w}")
    result = api.size(inputs, deadline_days=deadline_days, budget_usd=budget_usd, power_kw=power_kw, capex_usd=capex_usd)
    limits = {"deadline_days": deadline_days, "budget_usd": budget_usd, "capex_usd": capex_usd, "power_kw": power_kw}
    sized = {o.option: o.count for o in result.options if o.feasible and o.count}
    audit = api.audit(inputs, command="size", **limits)  # (the options as given: the Run sheet is the JSON's inputs)
    if sized and fmt is OutputFormat.xlsx:  # the workbook computes each option at the count chosen for it
        import dataclasses

        chosen = [dataclasses.replace(o, count=sized[o.label]) for o in inputs.options if o.label in sized]
        inputs = dataclasses.replace(inputs, options=chosen, refs=[])
    emit_result(render_size, result, fmt, output, inputs=inputs, audit=audit, sheet="Size")
    from tco.analysis.sizing import unknown_reason

    barred = api.barred_options(inputs)  # already noted by _inputs, as are the missing inputs
    for o in result.options:
        if not o.feasible and o.option not in barred and o.message != unknown_reason(o.missing_inputs):
            err(f"Note: {o.option}: {o.message}")


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point. SIGTERM exits like Ctrl-C does, so no temporary file is left behind."""
    signal.signal(signal.SIGTERM, _stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # (Ctrl-C: KeyboardInterrupt, or held)
        signal.signal(signal.SIGINT, _stop)
    # A dropped session (SIGHUP) or another terminating signal: the same clean exit; an ignored one
    # (nohup) stays ignored.
    for name in ("SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF", "SIGXCPU"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            signal.signal(sig, _stop)
    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show ×, — or · gets ? instead of a crash
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    args = list(argv) if argv is not None else sys.argv[1:]
    if sys.stdout is None:  # started with stdout closed (tco --help >&-): what click writes there fails, not vanishes
        sys.stdout = _ClosedStdout()
    try:
        rv = _app_for(args)(args=args, prog_name="tco", standalone_mode=False)
    except Exception as exc:  # click's, or the copy of click that typer ships: matched by shape, not class
        name = type(exc).__name__
        if isinstance(exc, _StdoutClosedError):  # --help, --version, --show-completion
            err("Error: standard output is closed; nothing was written")
            sys.exit(1)
        if name == "NoArgsIsHelpError" and hasattr(exc, "show"):  # bare 'tco' or a bare group: the help
            exc.show()
            sys.exit(getattr(exc, "exit_code", 2))
        code = getattr(exc, "exit_code", None)
        if hasattr(exc, "format_message") and isinstance(code, int):
            # A usage error is one line too (click prints a three-line usage header), exit 2.
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None and hasattr(ctx, "command_path") else ""
            message = " ".join(str(exc.format_message()).replace("Value error, ", "").split())  # click's choices span lines
            metavar = getattr(getattr(exc, "param", None), "metavar", None)
            if isinstance(metavar, str) and metavar.startswith("<") and " is not one of " in message:
                # the choices the command takes, as its help lists them (a text command's --format: no xlsx)
                head = message.rpartition(" is not one of ")[0]
                message = f"{head} is not one of {', '.join(repr(c) for c in metavar.strip('<>').split('|'))}."
            err(f"Error: {escaped_bytes(message)}{hint}")
            sys.exit(code)
        if name == "Abort":
            err("Aborted")
            sys.exit(1)
        if isinstance(exc, KeyError) and any(k.endswith("_COMPLETE") for k in os.environ):
            # _TCO_COMPLETE set by hand: the completion protocol reads variables only the shell's script sets
            err(f"Error: shell completion: {exc.args[0] if exc.args else exc} is not set; use the script 'tco --show-completion' prints")
            sys.exit(2)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):  # --help or --version into a full disk
            with contextlib.suppress(OSError):  # (the interpreter's last flush must not fail again)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            err(f"Error: standard output: cannot write: {exc.strerror or exc}")
            sys.exit(1)
        raise
    sys.exit(rv if isinstance(rv, int) else 0)


def _output_target(output: Path) -> Path:
    """The file -o FILE writes (its link followed), after refusing a folder or a file in no folder."""
    target = Path(os.path.realpath(output))
    if target.is_dir():
        raise InputError("is a folder; expected a file name", where=str(output), key="-o")
    folder = target.parent
    if not folder.is_dir():
        why = f"{folder} is a file, not a folder" if folder.exists() else "the folder does not exist" + unexpanded(str(output))
        if os.path.islink(output):  # (its own folder is there: the one the link points into is not)
            why = f"it is a link to {target}, " + (f"and {why}" if folder.exists() else f"whose folder {folder} does not exist")
        raise InputError(f"cannot write: {why}", where=str(output), key="-o")
    return target


def refuse_output_early(output: Path | None) -> None:
    """Before a slow run (tco calibrate: seconds, minutes with --fit; a large Monte Carlo: simulate, report, plot cdf),
    refuse an -o that names a folder or a file in no folder as the write would after the work (the write still checks
    the rest)."""
    if output is None or str(output) == "-" or not str(output).strip():
        return
    with contextlib.suppress(OSError):
        _output_target(output)


class _StdoutClosedError(OSError):
    """A write to standard output that was closed when tco started."""


class _ClosedStdout(io.TextIOBase):
    """``sys.stdout`` when tco started with it closed: click drops what it echoes to a missing stdout (``tco
    --help >&-`` exited 0 having written nothing), so a write here raises instead."""

    def write(self, text: str) -> int:
        raise _StdoutClosedError(errno.EBADF, "standard output is closed")


def _stdout_closed() -> bool:
    return sys.stdout is None or isinstance(sys.stdout, _ClosedStdout)


def _app_for(args: Sequence[str]) -> typer.Typer:
    """The app with only the command being run: typer builds a click command for every registered
    command at start-up, which cost ``tco compare`` more than its own work. Help, completion, groups and
    unknown names get the whole app, so listings and did-you-mean suggestions are unchanged."""
    name = args[0] if args else ""
    if not name or name.startswith("-") or any(k.endswith("_COMPLETE") for k in os.environ):
        return app
    for info in app.registered_commands:
        callback = info.callback
        if (info.name or (callback.__name__.replace("_", "-") if callback else "")) == name:
            single = copy.copy(app)
            single.registered_commands = [info]
            single.registered_groups = []
            return single
    return app
