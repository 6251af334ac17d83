"""TOML files -> validated models.

Finds built-in profiles (shipped in the wheel as ``tco/_profiles``, or ``profiles/`` in a source
checkout), extra directories named by ``TCO_PROFILE_PATH`` (``os.pathsep``-separated, each with
``accelerators/``, ``workloads/``, ``scenarios/``), and paths to single files. Applies ``--set``
overrides to the raw data *before* validation, so an override is checked exactly as a file is.
Every parse or validation failure becomes a :class:`~tco.errors.TcoError` naming file and key.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime
import decimal
import errno
import functools
import math
import numbers
import os
import re
import stat
import sys
import types
import typing
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from tco.errors import (
    MAX_LISTED_PROBLEMS,
    InputError,
    NotFoundError,
    ProblemList,
    TcoError,
    did_you_mean,
    fold,
    foreign_character,
    is_bool,
    not_finite,
    show_non_finite,
    show_number,
    show_whole,
    shown_text,
    too_large,
    underflow,
    unexpanded,
    unknown_scope,
)
from tco.memo import remember
from tco.models import (
    CITATION_KEY,
    CROSS_FIELD_CHECKS,
    ID_MAX_LENGTH,
    ID_PATTERN,
    Accelerator,
    CalibrationRow,
    CalibrationSet,
    Citation,
    CrossFieldError,
    InferenceWorkload,
    Quantity,
    Scenario,
    ServingRow,
    ServingSet,
    TrainingWorkload,
    Workload,
    build_quantity_schemas,
    digits_hint,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ENV_PATH = "TCO_PROFILE_PATH"
KINDS = ("accelerators", "workloads", "scenarios", "benchmarks")
DEFAULT_SCENARIO = "default"
SET_SOURCE = "--set on the command line"
QUANTITY_KEYS = frozenset(Quantity.model_fields)

M = TypeVar("M", bound=BaseModel)
W = TypeVar("W", TrainingWorkload, InferenceWorkload)


class _WorkloadRoot:
    """Marker for 'validate with the discriminated union of workload kinds'."""


_WORKLOAD = _WorkloadRoot()


@functools.cache
def workload_adapter() -> TypeAdapter[TrainingWorkload | InferenceWorkload]:
    """Built on first use: building it at import would slow every command's start-up."""
    return TypeAdapter(Workload)


_WORKLOAD_CLASSES = [TrainingWorkload, InferenceWorkload]


def other_kinds_key(cls: Any, name: str) -> str | None:
    """Why a key of the other workload kind is refused here (``mfu`` on a serving workload, ``prompt_tokens``
    on a training one): an input the other kind reads, not a misspelling; None for any other key."""
    for this, other in ((TrainingWorkload, InferenceWorkload), (InferenceWorkload, TrainingWorkload)):
        if cls is this and name in other.model_fields and name not in this.model_fields:
            theirs, ours = other.model_fields["kind"].annotation, this.model_fields["kind"].annotation
            return f'applies to kind = "{typing.get_args(theirs)[0]}" workloads only, not this kind = "{typing.get_args(ours)[0]}" one'
    return None


def builtin_dir() -> Path:
    """The shipped profiles: inside the installed package, else the source tree's ``profiles/``."""
    here = Path(__file__).resolve().parent
    packaged = here / "_profiles"
    return packaged if packaged.is_dir() else here.parent / "profiles"


def roots(dirs: Sequence[Path] | None) -> list[Path]:
    """The folders searched: ``dirs`` as given (a Python caller's own search path, which replaces the
    default one, shipped profiles included), else :func:`search_path`. A given folder that does not
    exist is an error naming it, not a silent "unknown id" later."""
    if dirs is None:
        return search_path()
    for folder in dirs:
        try:
            is_dir = Path(folder).is_dir()
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror or exc}", where=str(folder), key="dirs") from None
        if not is_dir:
            raise InputError(_not_a_folder(Path(folder)), where=str(folder), key="dirs")
    return _each_once([Path(d) for d in dirs])


def search_path(env: Mapping[str, str] | None = None) -> list[Path]:
    """Directories searched for ids, user directories (``TCO_PROFILE_PATH``) first."""
    env = os.environ if env is None else env
    extra = [Path(p) for p in env.get(ENV_PATH, "").split(os.pathsep) if p.strip()]
    for folder in extra:
        try:
            is_dir = folder.is_dir()
        except OSError as exc:  # a name too long for the file system, ...
            raise InputError(f"cannot be read: {exc.strerror or exc}", where=str(folder), key=ENV_PATH) from None
        if not is_dir:  # a typo would otherwise silently fall back to the shipped profiles
            raise InputError(_not_a_folder(folder) + _unexpanded(str(folder)), where=str(folder), key=ENV_PATH)
    return _each_once([*extra, builtin_dir()])


def _unexpanded(text: str) -> str:
    """Why a folder of ``TCO_PROFILE_PATH`` that is not one may have been meant as one: the variable set where no
    shell expands it (a .env file, a service's or a container's environment, Python's os.environ) keeps a ``~`` or a
    ``$VAR`` as written; a list separated as another system separates one; blanks around a name."""
    shell = unexpanded(text, "folder")
    if shell:
        return shell
    if any(c in text for c in ",;" if c != os.pathsep):
        return f"; folders on {ENV_PATH} are separated by {os.pathsep!r}"
    if text != text.strip():
        return "; the name has blanks around it: remove them"
    return ""


def _each_once(folders: Sequence[Path]) -> list[Path]:
    """``folders`` with a folder named again (``a:a``, ``a:a/``, the shipped folder on TCO_PROFILE_PATH) kept
    at its first place only: read twice, its bibliography defined every key twice, in a file clashing with itself."""
    seen: set[str] = set()
    out = []
    for folder in folders:
        key = _key(folder)
        if key not in seen:
            seen.add(key)
            out.append(folder)
    return out


def _not_a_folder(path: Path) -> str:
    if not os.path.lexists(path):
        what = "does not exist"
    elif os.path.islink(path) and not os.path.exists(path):
        try:
            os.stat(path)
        except OSError as exc:  # a loop of links (ELOOP), or a link to nothing
            what = "is a symbolic link loop" if exc.errno == errno.ELOOP else "is a link to nothing"
        else:
            what = "is not a folder"
    else:
        what = "is not a folder"
    return f"{what}; expected folders holding accelerators/, workloads/, scenarios/"


# --------------------------------------------------------------------------- reading


STDIN = "-"
"""An input given as ``-`` is read from standard input (one per run)."""

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Input files larger than this are refused (the shipped ones are under 300 kB)."""

MAX_VALUES = 100_000
"""Values (tables, arrays, keys' values and array entries) one input document may hold: validating
costs memory per value, and per error (the largest shipped document holds about 16,500)."""

MAX_ENTRIES = 10_000
"""Entries one array may hold (the longest shipped array, a published-run set's rows, has about 800)."""


class _Tiny(float):
    """A TOML float too close to 0 for a float (``1e-400``): 0, with its text, so that the file's check can
    refuse it by key path (:func:`_over_limits`) instead of the field's range judging a 0 nobody wrote."""

    text: str


def _float(text: str) -> float:
    """tomllib's float reader: Python's, marking a value that underflows to 0 (:class:`_Tiny`)."""
    value = float(text)
    if underflow(text, value) is None:
        return value
    tiny = _Tiny(value)
    tiny.text = text
    return tiny


def _over_limits(doc: dict[str, Any]) -> tuple[str, str] | None:
    """(key path, what is wrong) where a parsed document passes :data:`MAX_ENTRIES` or :data:`MAX_VALUES`, or
    writes a number too close to 0 for a float."""
    stack: list[tuple[str, Any]] = [("", doc)]
    count = 0
    while stack:
        at, value = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return "", f"holds more than {MAX_VALUES:,} values, expected a TOML input file"
        if isinstance(value, dict):
            stack.extend((f"{at}.{_toml_key(k)}" if at else _toml_key(k), v) for k, v in value.items())  # (as TOML writes it)
        elif isinstance(value, list):
            if len(value) > MAX_ENTRIES:
                return at, f"an array of {len(value):,} entries, expected at most {MAX_ENTRIES:,}"
            stack.extend((f"{at}[{i}]", v) for i, v in enumerate(value))
        elif isinstance(value, _Tiny):
            return at, underflow(value.text, 0.0) or ""
    return None


_READ: set[tuple[int, int]] = set()
"""(device, inode) of every input file read in this command, so ``-o`` cannot overwrite one."""

_RECORDING_READS = False
"""Whether :data:`_READ` is kept: from the first command (:func:`forget_reads`). A script or a service that uses
the library writes no ``-o`` file, and one that read 100,000 distinct files kept 100,000 entries (13 MB)."""


def forget_reads() -> None:
    """Start a new command's record of input files (one process may run several commands)."""
    global _RECORDING_READS
    _RECORDING_READS = True
    _READ.clear()


def was_read(path: Path) -> bool:
    """Whether ``path`` (following links) is a file this process has read as an input."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) in _READ


_STDIN_READ: tuple[object, bytes] | None = None
"""(the sys.stdin object, its bytes): standard input is read once, however often '-' is loaded
(a profile is read once for its names and once to load it)."""


_AS_READ: dict[str, bytes] = {}
"""Each input file's bytes as last read (key: its resolved path, or '-'), so the audit trail hashes what
was read, not what the file holds when the output is written."""

_PARSED: dict[bytes, dict[str, Any]] = {}
"""Each document parsed once per process, by its bytes: a profile is read once to learn its names and once to
load it; the caller gets a copy to change."""
_PARSED_MAX = 256

_EXTENDS: dict[str, str] = {}
"""Resolved path of a file -> resolved path of the file its ``extends`` starts from."""

_PER_FILE_MAX = 1024
"""Files each of the per-file records (:data:`_AS_READ`, :data:`_EXTENDS`, :data:`_GIVEN`, :data:`_CHAIN`) keeps:
a script that loads many distinct files (a temporary profile per case) keeps the latest, not every one it
ever read (about 16 kB each). A run reads far fewer; the audit of a file no longer kept hashes it as it is now."""


def _remember(table: dict[str, Any], key: str, value: Any) -> None:
    """``table[key] = value`` as the latest entry, the oldest dropped past :data:`_PER_FILE_MAX`."""
    remember(table, key, value, _PER_FILE_MAX)


def _key(path: Path) -> str:
    if str(path) == STDIN:
        return STDIN
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13): reading it says so
        return os.path.abspath(path)


def as_read(path: Path) -> tuple[bytes | None, list[str]]:
    """(the bytes of ``path`` as tco read them, or None; the files its ``extends`` chain read, in order)."""
    key, chain = _key(path), []
    while (base := _EXTENDS.get(key)) is not None and base not in chain:
        key = base
        chain.append(key)
    return _AS_READ.get(_key(path)), chain


def _stdin_bytes() -> bytes:
    global _STDIN_READ
    if _STDIN_READ is None or _STDIN_READ[0] is not sys.stdin:
        stream = sys.stdin
        if getattr(stream, "closed", False) is True:  # (a script's stream, closed before it was read)
            raise InputError("standard input is closed, expected TOML on it", where=STDIN)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data = buffer.read(MAX_FILE_BYTES + 1)
        else:  # a stream without bytes beneath (a script's io.StringIO, io.BytesIO): its text as UTF-8 (a lone surrogate
            # as bytes that are not UTF-8, refused by the decoding below as in any file)
            text: Any = stream.read(MAX_FILE_BYTES + 1)
            data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        _STDIN_READ = (stream, data)
    return _STDIN_READ[1]


def _is_stdin(fd: int) -> bool:
    """Whether ``fd`` is the pipe standard input reads (``/dev/stdin``, ``/dev/fd/0``), which ``-`` reads once."""
    try:
        return sys.stdin is not None and os.path.samestat(os.fstat(fd), os.fstat(sys.stdin.fileno()))
    except (OSError, ValueError, AttributeError):  # (a script's stdin with no descriptor)
        return False


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML input file as a dict; any problem with the file is one :class:`InputError` naming it."""
    text = ""
    try:
        if str(path) == STDIN:
            if sys.stdin is None:  # started with stdin closed (tco ... <&-)
                raise InputError("standard input is closed, expected TOML on it", where=STDIN)
            data = _stdin_bytes()
        else:
            # Opened without blocking, so a FIFO with no writer is refused at once instead of waiting.
            with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as fh:
                mode = os.fstat(fh.fileno()).st_mode
                if stat.S_ISDIR(mode):
                    raise IsADirectoryError
                if stat.S_ISFIFO(mode) and _is_stdin(fh.fileno()):  # (/dev/stdin on a pipe, cat f | tco ... /dev/stdin: as -)
                    data = _stdin_bytes()
                elif stat.S_ISFIFO(mode):  # (the shell's <(...) is one: its input is read through standard input)
                    raise InputError(
                        "is a pipe (a FIFO, or the shell's <(...)), not a regular file: give one input through standard "
                        "input, -, or save it to a file first",
                        where=str(path),
                    )
                elif not stat.S_ISREG(mode):
                    raise InputError("is not a regular file, expected a TOML file", where=str(path))
                else:
                    st = os.fstat(fh.fileno())
                    if _RECORDING_READS:
                        _READ.add((st.st_dev, st.st_ino))
                    data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, expected a TOML input file", where=str(path))
        _remember(_AS_READ, _key(path), data)
        parsed = _PARSED.get(data)
        if parsed is None:
            wide = _wide_text(data) or _packed(data)
            if wide is not None:
                raise InputError(f"not valid TOML: {wide}", where=str(path))
            # A byte-order mark (Windows editors save one) is not part of the document.
            text = data.decode("utf-8").removeprefix("\ufeff")
            parsed = tomllib.loads(text, parse_float=_float)
            over = _over_limits(parsed)
            if over is not None:
                raise InputError(over[1], where=str(path), key=over[0] or None)
            remember(_PARSED, data, parsed, _PARSED_MAX)  # a script that rewrites its files keeps only the latest
        return copy.deepcopy(parsed)
    except FileNotFoundError:
        raise NotFoundError("no such file" + unexpanded(str(path)), where=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a TOML file", where=str(path)) from None
    except PermissionError:
        raise InputError("cannot be read: permission denied", where=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {toml_reason(str(exc), text)}", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid TOML: {_not_utf8(exc)}", where=str(path)) from None
    except RecursionError:
        raise InputError("not valid TOML: nested too deeply", where=str(path)) from None
    except ValueError as exc:  # tomllib's integers: Python refuses to convert more than 4,300 digits
        raise InputError(f"not valid TOML: {_digits_message(exc)}", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", where=str(path)) from None


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32", "FF FE 00 00"),
    (b"\x00\x00\xfe\xff", "UTF-32", "00 00 FE FF"),
    (b"\xff\xfe", "UTF-16", "FF FE"),
    (b"\xfe\xff", "UTF-16", "FE FF"),
)
"""Byte-order marks of the wide encodings an editor or a shell saves text in (Windows PowerShell 5's ``>`` writes
UTF-16 with FF FE), longest first."""


def _wide_text(data: bytes) -> str | None:
    """Why a file's bytes are no UTF-8 document where they are text in a wide encoding: saved as UTF-16 or UTF-32
    (a byte-order mark, or ASCII with every other byte 0, which UTF-8 would read as control characters); None
    for any other bytes."""
    for bom, encoding, spelled in _WIDE_BOMS:
        if data.startswith(bom):
            return f"expected UTF-8 text, got {encoding} (the file starts with the byte-order mark {spelled}): save it as UTF-8"
    head = data[:64]
    if len(head) >= 4 and 0 in (max(head[0::2]), max(head[1::2])):
        return "expected UTF-8 text, got UTF-16 (every other byte is 0): save it as UTF-8"
    return None


_PACKED = (
    (b"\x1f\x8b", "gzip-compressed", "gunzip it"),
    (b"BZh", "bzip2-compressed", "bunzip2 it"),
    (b"\xfd7zXZ\x00", "xz-compressed", "unxz it"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed", "unzstd it"),
    (b"PK\x03\x04", "a zip archive", "unzip it"),
)
"""The first bytes of a compressed file or an archive, what it is and how to get the TOML out of it."""


def _packed(data: bytes) -> str | None:
    """Why a file's bytes are no TOML where they are a compressed file or an archive (the gzip a download or a
    backup left, read as text: 'the byte 0x8B ... is not UTF-8'), or hold NUL bytes (binary); None otherwise."""
    for magic, what, undo in _PACKED:
        if data.startswith(magic) and (magic != b"BZh" or data[4:10] in (b"1AY&SY", b"\x17rE8P\x90")):  # (bzip2's block marks)
            start = data[: len(magic)].hex(" ").upper()
            return f"expected TOML text, got a binary file ({what}: it starts with the bytes {start}): {undo} first"
    head = data[:1024]
    if head.count(0) >= 4:  # (a stray NUL in text is named where it is, as any character that does not show)
        return f"expected TOML text, got a binary file ({head.count(0):,} of its first {len(head):,} bytes are NUL): give the TOML file"
    return None


def _not_utf8(exc: UnicodeDecodeError) -> str:
    """Why a file's bytes (``exc.object``) are not UTF-8 text: the first byte that is not, placed by line and column."""
    data = exc.object
    before = data[: exc.start]
    line, column = before.count(b"\n") + 1, len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
    byte = f"0x{data[exc.start]:02X}"
    return f"expected UTF-8 text, got the byte {byte} (at line {line}, column {column}), which is not UTF-8: save it as UTF-8"


# --------------------------------------------------------------------------- writing TOML

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_UNSHOWN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
"""Unicode categories written as escapes: control and format characters (bidi overrides, zero-width
characters), line and paragraph separators, private-use and unassigned code points."""


def toml_string(text: str) -> str:
    """``text`` as a one-line TOML basic string; every character a terminal could act on (controls, bidi
    overrides, line separators) is a ``\\uXXXX`` escape, so printing it is safe and loading it gives ``text``."""
    import unicodedata  # only writing TOML needs it: kept off the start-up of the commands that read

    out = []
    for ch in text:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif unicodedata.category(ch) in _UNSHOWN:
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def _quoted_key(key: str) -> str:
    """A key of an error's path as it is written in TOML where it cannot be read bare: empty, with a dot, a space,
    a quote or a character not shown (a control, a zero-width space) in it; other keys (any letters) as they are."""
    plain = key and key.isprintable() and "." not in key and '"' not in key and not any(c.isspace() for c in key)
    return key if plain else toml_string(key)


def _toml_value(v: Any) -> str:
    """One value in TOML's inline syntax."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return ("nan" if math.isnan(v) else "inf" if v > 0 else "-inf") if not math.isfinite(v) else repr(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, (datetime.date, datetime.time)):  # a datetime is a date
        return v.isoformat()
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def _is_table(v: Any) -> bool:
    """A table written under its own header: not a quantity (written inline, as the shipped files do)."""
    return isinstance(v, dict) and not (v.keys() <= QUANTITY_KEYS)


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def dump_toml(data: Mapping[str, Any]) -> str:
    """``data`` (as :func:`read_toml` returns it) as a TOML document that loads back to ``data``: values
    first, then each table under its header, quantities as inline tables."""
    lines: list[str] = []

    def table(node: Mapping[str, Any], prefix: str, header: str | None) -> None:
        plain = [(k, v) for k, v in node.items() if not _is_table(v) and not _is_table_array(v)]
        nested = [(k, v) for k, v in node.items() if _is_table(v) or _is_table_array(v)]
        if header is not None and (plain or not nested or header.startswith("[[")):
            lines.extend(["", header] if lines else [header])
        lines.extend(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in plain)
        for k, v in nested:
            path = f"{prefix}.{_toml_key(str(k))}" if prefix else _toml_key(str(k))
            if isinstance(v, dict):
                table(v, path, f"[{path}]")
            else:
                for item in v:
                    table(item, path, f"[[{path}]]")

    table(data, "", None)
    return "\n".join(lines) + "\n"


def resolved_toml(kind: str, ref: str, dirs: Sequence[Path] | None = None) -> str:
    """The file ``ref`` names, its ``extends`` chain merged in, as one self-contained TOML document."""
    return dump_toml(read_with_extends(kind, resolve(kind, ref, dirs), dirs))


_CITE = re.compile(rf"\[({CITATION_KEY})\]")


def cited_keys(text: str) -> list[str]:
    """The citation keys a source string cites: ``"[EPOCH] [NV-DS] dense"`` -> ``["EPOCH", "NV-DS"]``."""
    return _CITE.findall(text)


def is_builtin(path: Path) -> bool:
    """Whether ``path`` is a shipped file."""
    return path.resolve().is_relative_to(builtin_dir().resolve())


def shown_path(path: Path) -> str:
    """A shipped file as ``builtin:<kind>/<file>`` (the same on every machine), any other as given."""
    return "builtin:" + path.resolve().relative_to(builtin_dir().resolve()).as_posix() if is_builtin(path) else str(path)


def clashing_citation(path: Path, keys: Iterable[str]) -> tuple[str, Path] | None:
    """(a key of the bibliography ``path`` that another bibliography on the search path defines too,
    that file), or None: ``profiles validate`` refuses what would stop every command later."""
    wanted = set(keys)
    for d in roots(None):
        for other in sorted((d / "sources").glob("*.toml")) if (d / "sources").is_dir() else ():
            if other.resolve() == path.resolve():
                continue
            try:
                found = sorted(wanted & set(read_toml(other)))
            except TcoError:
                continue
            if found:
                return found[0], other
    return None


def load_bibliography(dirs: Sequence[Path] | None = None) -> dict[str, tuple[Citation, Path]]:
    """Every citation key of ``<dir>/sources/*.toml`` in the search path -> (citation, file). A key
    defined twice is an error naming both files."""
    out: dict[str, tuple[Citation, Path]] = {}
    for d in roots(dirs):
        folder = d / "sources"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            for key, citation in citations(read_toml(path), path).items():
                if key in out:
                    # (the user's file is the one to change: a shipped bibliography is named as builtin:)
                    mine, theirs = (out[key][1], path) if is_builtin(path) else (path, out[key][1])
                    raise InputError(f"citation key defined twice (also in {shown_path(theirs)})", where=str(mine), key=key)
                out[key] = (citation, path)
    return out


def citations(data: Mapping[str, Any], path: Path) -> dict[str, Citation]:
    """The citations of one bibliography file's tables, validated (errors name the key)."""
    out: dict[str, Citation] = {}
    for key, table in data.items():
        if not re.fullmatch(CITATION_KEY, key):
            raise InputError(f"citation keys are upper case, digits, '.' and '-' (e.g. EPOCH, NV-DS), got '{key}'", where=str(path))
        try:
            out[key] = Citation.model_validate(table)
        except ValidationError as exc:
            listed = validation_problems(exc, where=str(path), root=Citation)
            for problem in listed.problems:
                problem.key = f"{key}.{problem.key}" if problem.key else key
            raise ProblemList(listed.problems, more=listed.more) from None
    return out


def looks_like_path(ref: str) -> bool:
    """A file's path, not an id: it ends in .toml (in any case, as the option grammar reads it) or holds a folder, or it
    is the working folder or its parent (``.``, ``..``: no id, and what ``Path('')`` reads as)."""
    return ref.lower().endswith(".toml") or os.sep in ref or "/" in ref or ref in (".", "..")


@dataclass(frozen=True)
class Entry:
    id: str
    path: Path
    aliases: tuple[str, ...] = ()
    declared: str | None = None  # the id the file itself gives, when it differs from its name


_SCANS: contextvars.ContextVar[dict[Any, list[Entry]] | None] = contextvars.ContextVar("tco_scans", default=None)
"""The entries of each kind listed in the current :func:`one_scan`, or None outside one."""


@contextlib.contextmanager
def one_scan() -> Iterator[None]:
    """Within it, each kind's folders on the search path are listed, and their files' ids and aliases read, once:
    loading one run's inputs looks ids up a dozen times (each option's names and file, the workload, the
    scenario), and a folder of 10,000 profiles was read whole at each lookup (55 s for one compare). Outside
    it every lookup reads the folders as they are then."""
    token = _SCANS.set({}) if _SCANS.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SCANS.reset(token)


def iter_entries(kind: str, dirs: Sequence[Path] | None = None, *, skip: Collection[Path] = ()) -> Iterator[Entry]:
    """Every ``<dir>/<kind>/*.toml`` in search order; earlier directories shadow later ones (``skip``, resolved
    paths, are left out and shadow nothing). A copy that extends its own id and lists no aliases answers to those
    of the file it shadows, as its merged profile has them (:func:`read_with_extends`)."""
    folders = roots(dirs)
    scans = _SCANS.get()
    if scans is None:
        yield from _scan(kind, folders, skip)
        return
    key = (kind, tuple(folders), frozenset(skip))
    if key not in scans:
        scans[key] = list(_scan(kind, folders, skip))
    yield from scans[key]


def _scan(kind: str, folders: Sequence[Path], skip: Collection[Path]) -> Iterator[Entry]:
    found: dict[str, Entry] = {}
    inherits: set[str] = set()  # stems whose entry takes the aliases of the next file of that name
    for d in folders:
        folder = d / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if (skip and path.resolve() in skip) or (path.stem in found and path.stem not in inherits):
                continue
            aliases: tuple[str, ...] = ()
            declared = None
            listed: Any = None
            # A built-in's id is its file name; a user file may give another id, and an accelerator aliases.
            if kind == "accelerators" or d != builtin_dir():
                try:
                    raw = read_toml(path)
                    listed = raw.get("aliases") if kind == "accelerators" else None
                    aliases = tuple(a for a in (listed if isinstance(listed, list) else []) if isinstance(a, str))
                    own = raw.get("id")
                    declared = own.lower() if isinstance(own, str) and own.lower() != path.stem.lower() else None
                    extends = str(raw.get("extends", "")).lower()
                    copy = kind == "accelerators" and listed is None and extends == (declared or path.stem.lower())
                except TcoError:
                    copy = False
            else:
                copy = False
            if path.stem in found:  # the file a copy shadows: its aliases are the copy's
                inherits.discard(path.stem)
                shadowing = found[path.stem]
                found[path.stem] = Entry(shadowing.id, shadowing.path, aliases, shadowing.declared)
                if copy:  # (a copy of a copy: the next file's aliases)
                    inherits.add(path.stem)
                continue
            found[path.stem] = Entry(path.stem, path, aliases, declared)
            if copy:
                inherits.add(path.stem)
    for stem in inherits & {s for s, e in found.items() if e.declared}:  # a copy named by its id in another file's name
        copy_entry = found[stem]
        nxt = next((e for s, e in found.items() if s != stem and (e.declared or e.id.lower()) == copy_entry.declared), None)
        if nxt is not None:
            found[stem] = Entry(copy_entry.id, copy_entry.path, nxt.aliases, copy_entry.declared)
    yield from found.values()


def builtin_alias_owner(name: str) -> str | None:
    """The shipped accelerator whose aliases include ``name`` (any case), or None."""
    low = fold(name)
    return next((e.id for e in iter_entries("accelerators", [builtin_dir()]) if low in (a.lower() for a in e.aliases)), None)


def _shadowed_alias(kind: str, key: str, folders: Sequence[Path], entries: Sequence[Entry]) -> tuple[str, Path] | None:
    """Why an alias is not found when a file of a later folder gives it, but an earlier folder's file of
    the same name hides that file (a user's copy of a built-in profile, without its aliases)."""
    if kind != "accelerators":
        return None
    shown = {e.path for e in entries}
    for root in folders:
        for path in sorted((root / kind).glob("*.toml")) if (root / kind).is_dir() else []:
            if path in shown:
                continue
            try:
                listed = read_toml(path).get("aliases")
            except TcoError:
                continue
            if isinstance(listed, list) and key in (a.lower() for a in listed if isinstance(a, str)):
                hider = next(e.path for e in entries if e.id == path.stem)
                return f"'{key}' is an alias of {path.stem} in {path}, which this file hides (a file of the same name comes first)", hider
    return None


def resolve(kind: str, ref: str, dirs: Sequence[Path] | None = None, *, skip: Collection[Path] = ()) -> Path:
    """A file path for ``ref``: an existing path, or a built-in/user id or alias."""
    if ref == STDIN:
        return Path(STDIN)
    if not ref.strip():
        article = "an" if kind.startswith("a") else "a"
        flag = "ACCEL" if kind == "accelerators" else f"--{kind[:-1]}"  # the accelerators are arguments, not a flag
        raise NotFoundError(f"expected {article} {kind[:-1]} id or a file path, got '{ref}'", where=flag)
    if looks_like_path(ref):
        p = Path(ref)
        try:
            if not p.exists():
                if os.path.lexists(p):  # a link: dangling ("no such file"), or a loop of links (stat says so)
                    with contextlib.suppress(FileNotFoundError):
                        p.stat()
                raise NotFoundError("no such file" + unexpanded(ref), where=ref)
        except OSError as exc:  # a name too long for the file system, a loop of links, ...
            raise NotFoundError(f"cannot be read: {exc.strerror or exc}", where=ref) from None
        return p
    if len(ref) > ID_MAX_LENGTH:
        too_long = f"unknown {kind[:-1]}: an id has at most {ID_MAX_LENGTH} characters, got {len(ref):,}"
        raise NotFoundError(too_long, where=ref[:80] + "…")
    folders = roots(dirs)
    key = fold(ref)  # ids are lower case: H100-SXM finds h100-sxm
    fast = folders[0] / kind / f"{key}.toml" if len(folders) == 1 else None
    if fast is not None and fast.is_file() and not (skip and fast.resolve() in skip):  # built-ins only, the id is the name
        return fast
    # (``skip``: the files of a chain in which a file extends its own id: it means the next file of that id)
    entries = list(iter_entries(kind, folders, skip=skip))
    # An id (a file name, then the id a file gives) in any folder before an alias in any: a user's alias
    # never hides a built-in's id. Within each pass user folders come first.
    # (a file name and a file's own id alike: the first folder that has the id wins, as 'profiles list' says)
    matches: tuple[Callable[[Entry], bool], ...] = (
        lambda e: key in (e.id.lower(), e.declared),
        lambda e: key in (a.lower() for a in e.aliases),
    )
    for n, match in enumerate(matches):
        for root in folders:
            found = [e for e in entries if e.path.parent == root / kind and match(e)]
            if n == 1 and len({e.path for e in found}) > 1:  # an alias two files of one folder give: neither is meant
                ids = [e.declared or e.id for e in found]  # (two files of one id are told apart by their names)
                owners = " and ".join(sorted(f"{i} ({e.path.name})" if ids.count(i) > 1 else i for i, e in zip(ids, found, strict=True)))
                raise NotFoundError(f"'{ref}' is an alias of {owners} (in {root / kind}): give the id of the one you mean")
            if n == 0:  # (a file whose own id is the one asked for before one whose name differs from it only in case)
                found.sort(key=lambda e: (e.declared or e.id.lower()) != key)
            if found:
                return found[0].path
    shadow = _shadowed_alias(kind, key, folders, entries)
    if shadow is not None:  # (the file to change: the one that hides the alias)
        raise NotFoundError(shadow[0], where=str(shadow[1]))
    names = [e.declared or e.id for e in entries] + [a for e in entries for a in e.aliases]
    singular = kind[:-1]
    if not did_you_mean(ref, names):
        other = _other_kind_of(kind, key, folders)
        if other is not None:  # a workload's id as an accelerator, say: as a workload file given there is told
            raise NotFoundError(f"this is {_A_KIND[other][0]}, not {_A_KIND[kind][0]} ({_A_KIND[other][1]})", where=ref)
    hint = _layout_hint(folders) if dirs is None else ""
    own = any(p.stem.lower() == key for p in skip)
    itself = " other than this file (a file that extends its own id extends the next file of that id)" if own else ""
    listing = kind if kind != "accelerators" else "profiles"
    with contextlib.suppress(OSError, ValueError):  # (a name the file system cannot hold is no file)
        if os.path.isfile(ref):  # ('mine.txt' or 'mine' in the working folder: read as an id, as a name without .toml is)
            raise NotFoundError(
                f"unknown {singular} '{ref}'{itself}{did_you_mean(ref, names)}; a file of that name is in the working folder, "
                f"but a name is read as a file only when it ends in .toml or holds a folder: give it as ./{ref}"
            )
    if dirs is not None and builtin_dir() not in folders:  # (tco profiles list shows the shipped ones, which dirs leaves out)
        shown = ", ".join(str(f) for f in folders[:3]) + (", …" if len(folders) > 3 else "")
        where = f"in dirs ({shown}), which replace the search path: leave dirs out to search TCO_PROFILE_PATH and the shipped profiles"
        raise NotFoundError(f"unknown {singular} '{ref}'{itself}{did_you_mean(ref, names)} {where}")
    broken = _unloadable(entries)
    raise NotFoundError(f"unknown {singular} '{ref}'{itself}{did_you_mean(ref, names)}{broken}; see 'tco {listing} list'{hint}")


def _unloadable(entries: Sequence[Entry]) -> str:
    """For an id not found: the first user file of the kind that does not load (its id unread, it may be the one
    meant: a file 'mine.toml' giving id = "my-gpu" with a typo below said only 'unknown accelerator'), and how
    many more there are."""
    broken: list[TcoError] = []
    for entry in entries:
        if entry.path.parent.parent != builtin_dir():
            try:
                read_toml(entry.path)
            except TcoError as exc:
                broken.append(exc)
    if not broken:
        return ""
    if len(broken) == 1:
        return f" (a file that does not load may give it: {broken[0]})"
    return f" ({len(broken)} files that do not load may give it; the first: {broken[0]})"


def _other_kind_of(kind: str, key: str, folders: Sequence[Path]) -> str | None:
    """The kind among accelerators, workloads and scenarios other than ``kind`` that has ``key`` as an id or alias
    in ``folders``, if one does (an id given where another kind's is read)."""
    for other in ("accelerators", "workloads", "scenarios"):
        if other != kind and kind in _A_KIND:
            with contextlib.suppress(OSError, TcoError):
                if any(key in (e.id.lower(), e.declared, *(a.lower() for a in e.aliases)) for e in iter_entries(other, folders)):
                    return other
    return None


_LAYOUT = ("accelerators", "workloads", "scenarios", "benchmarks", "serving", "sources")
"""The folders a search-path entry may hold."""


def unlaid_folders() -> list[str]:
    """A warning for each TCO_PROFILE_PATH entry that holds none of the folders an entry may hold: nothing is read
    from it (an id found in the shipped profiles hid the mistake, as none not found does: :func:`_layout_hint`)."""
    out = []
    for root in search_path():
        if root != builtin_dir() and not any((root / sub).is_dir() for sub in _LAYOUT):
            guess = f" (did you mean {root.parent}?)" if root.name in _LAYOUT else ""
            shown = ", ".join(f"{sub}/" for sub in _LAYOUT[:-1]) + f" or {_LAYOUT[-1]}/"
            out.append(f"{ENV_PATH}: {root} holds no {shown} folder, so nothing is read from it{guess}")
    return out


def _layout_hint(roots: Sequence[Path]) -> str:
    """For an id not found: the first TCO_PROFILE_PATH entry that holds none of the folders an entry may hold
    (the user named a kind's folder itself, say), with its parent as the guess when the entry is such a folder."""
    for root in roots:
        if root == builtin_dir() or any((root / sub).is_dir() for sub in _LAYOUT):
            continue
        guess = f"; did you mean {root.parent}?" if root.name in _LAYOUT else ""
        return f" ({ENV_PATH} entry {root} has no accelerators/, workloads/ or scenarios/ folder{guess})"
    return ""


# --------------------------------------------------------------------------- validation errors


def _strip(t: Any) -> Any:
    """Unwrap Optional/Annotated/list/dict to the model class a path continues into."""
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        return _strip(typing.get_args(t)[0])
    if origin in (typing.Union, types.UnionType):
        models = [_strip(a) for a in typing.get_args(t) if a is not type(None)]
        return models[0] if len(models) == 1 else models
    if origin in (list, dict):
        return _strip(typing.get_args(t)[-1])
    return t


def _model_at(root: Any, loc: Sequence[str | int]) -> Any:
    """The model class (or list of classes) found by following ``loc`` from ``root``."""
    t = root
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(t, list):
            t = next((m for m in t if isinstance(m, type) and issubclass(m, BaseModel) and part in m.model_fields), None)
            if t is None:
                return None
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = t.model_fields.get(str(part))
            if field is None:
                return None
            t = _strip(field.annotation)
        else:
            return None
    return t


def _field_names(t: Any) -> list[str]:
    classes = t if isinstance(t, list) else [t]
    return [f for c in classes if isinstance(c, type) and issubclass(c, BaseModel) for f in c.model_fields]


def _not_finite(value: Any) -> str:
    """Why a NaN or infinite number is refused, saying which it is: an infinity is also what a number typed past
    the largest float (``1e400``) reads as."""
    return not_finite(value if isinstance(value, float) and math.isinf(value) else math.nan)


ENUM_SYNONYMS = {
    "roce": ("ethernet", "RoCE runs over Ethernet"),
    "rocev2": ("ethernet", "RoCE runs over Ethernet"),
    "ib": ("infiniband", "InfiniBand's short name"),
    "us": ("global", "every market outside China; cn is China's"),
    "usa": ("global", "every market outside China; cn is China's"),
    "eu": ("global", "every market outside China; cn is China's"),
    "china": ("cn", "China's market"),
    "prc": ("cn", "China's market"),
}
"""Other names for a choice's values that a user may write (a fabric by its protocol, a market by its country): a
refusal says which value they mean, where it is one the field allows."""


def _expected(err: Mapping[str, Any]) -> str:
    msg = str(err["msg"])
    typ = err["type"]
    if typ == "missing":
        return "required key is missing"
    if typ == "extra_forbidden":
        return "unknown key"
    if typ == "finite_number":
        return _not_finite(err.get("input"))
    if typ == "float_type" and (big := too_large(err.get("input"))) is not None:
        return big
    given = err.get("input")  # (a number in full-width digits: the ASCII one to write)
    digits = digits_hint(given) if isinstance(given, str) else ""
    if typ in ("int_type", "int_from_float", "int_parsing"):
        return f"expected a whole number, got {_show(given)}{digits}"
    if typ in ("float_type", "float_parsing"):  # (a plain number, as a whole number says what it got)
        return f"expected a number, got {_show(given)}{digits}"
    if typ in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_show(err.get('input'))}"
    if typ in ("string_type",):
        return f"expected text, got {_show(err.get('input'))}"
    if typ in ("model_type", "model_attributes_type", "dict_type"):  # (not pydantic's 'dictionary or instance of PeakCompute')
        return f"expected a table, got {_show(err.get('input'))}"
    if typ == "list_type":
        return f"expected a list, got {_show(err.get('input'))}"
    if typ in ("enum", "literal_error") and isinstance(err.get("ctx"), Mapping) and isinstance(err["ctx"].get("expected"), str):
        given = err.get("input")  # (what was given, and the spelling to write where only its case differs: 'BF16')
        allowed = re.findall(r"'([^']*)'", err["ctx"]["expected"])
        same = [a for a in allowed if isinstance(given, str) and a.lower() == given.strip().lower()]
        if not same and isinstance(given, str) and (alias := ENUM_SYNONYMS.get(given.strip().lower())) and alias[0] in allowed:
            return f"expected {err['ctx']['expected']}, got {_show(given)}: write {alias[0]!r} ({alias[1]})"
        return f"expected {err['ctx']['expected']}, got {_show(given)}" + (f": write {same[0]!r}" if same else "")
    given = err.get("input")
    if typ == "string_pattern_mismatch" and isinstance(err.get("ctx"), Mapping) and err["ctx"].get("pattern") == ID_PATTERN:
        hint = f": write {given.lower()!r}" if isinstance(given, str) and re.fullmatch(ID_PATTERN, given.lower()) else ""
        foreign = f" ({foreign_character(given)})" if isinstance(given, str) and foreign_character(given) else ""
        return f"expected an id (lower-case letters, digits, '.', '_' and '-', from a letter or digit), got {_show(given)}{foreign}{hint}"
    if typ in BOUNDS and isinstance(err.get("ctx"), Mapping) and BOUNDS[typ][0] in err["ctx"]:
        key, words = BOUNDS[typ]  # (in the house's words, not pydantic's 'input should be less than or equal to')
        bound = err["ctx"][key]
        if isinstance(bound, float) and bound.is_integer() and abs(bound) < 1e16:
            bound = int(bound)  # (999,999,999,999,999, not 999999999999999.0)
        whole = isinstance(bound, int) and not isinstance(bound, bool)  # (a year's 2100 without a separator)
        shown = (f"{bound:,}" if abs(bound) >= 10_000 else str(bound)) if whole else show_number(float(bound), grouping=True)
        given = err.get("input")  # (a float as a number, as the bound is: --percentile 100 gave 'got 100.0')
        got = show_number(given, grouping=True) if isinstance(given, float) and math.isfinite(given) else _show(given)
        return f"expected {words} {shown}, got {got}"
    if typ in BOUNDS:
        return f"{msg[0].lower()}{msg[1:]}, got {_show(err.get('input'))}"
    if typ == "too_long" and isinstance(err.get("ctx"), Mapping) and "max_length" in err["ctx"]:
        ctx = err["ctx"]
        got = ctx.get("actual_length")
        return f"expected at most {ctx['max_length']:,} entries" + (f", got {got:,}" if isinstance(got, int) else "")
    if typ == "too_short" and isinstance(err.get("ctx"), Mapping) and "min_length" in err["ctx"]:
        ctx = err["ctx"]
        got = ctx.get("actual_length")
        least = f"at least {ctx['min_length']:,} entr{'y' if ctx['min_length'] == 1 else 'ies'}"
        return f"expected {least}" + (f", got {got:,}" if isinstance(got, int) else "")
    if typ == "string_too_long" and isinstance(err.get("ctx"), Mapping) and isinstance(given := err.get("input"), str):
        return f"expected text of at most {err['ctx']['max_length']:,} characters, got {len(given):,}"  # (as a name says it)
    if typ == "string_too_short" and isinstance(err.get("ctx"), Mapping) and err["ctx"].get("min_length") == 1:
        return f"expected non-empty text, got {_show(err.get('input'))}"
    if typ == "value_error":
        msg = msg.removeprefix("Value error, ")
    if not msg:
        return str(typ)
    return msg if msg[1:2].isupper() else msg[0].lower() + msg[1:]


BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}
"""pydantic's bound errors, the context key holding the bound and the words :func:`_expected` says it in."""


def _show(v: Any) -> str:
    if isinstance(v, str):
        return shown_text(v)  # (a --set byte that is not UTF-8 as the byte, '1\\x85', not '1\\udc85')
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and not math.isfinite(v):
        return show_non_finite(v)
    if isinstance(v, int) and abs(v) >= 10**16:  # (a float's whole number written out has 300 digits)
        if abs(v) > _LARGEST_FLOAT:
            return "an integer of more than 308 digits"
        short = show_number(float(v))  # (1e+20 where it is the number; 23 nines are no 1e+23: their digits and length)
        return short if int(float(short)) == v else show_whole(v, grouped=True)
    if isinstance(v, (dict, list)):
        return "a table" if isinstance(v, dict) else "a list"
    if isinstance(v, (datetime.date, datetime.time)):  # TOML dates and times, as the file writes them
        kind = "a time" if isinstance(v, datetime.time) else "a date and time" if isinstance(v, datetime.datetime) else "a date"
        return f"{kind} ({v.isoformat()})"
    return repr(v)


_LARGEST_FLOAT = int(sys.float_info.max)
"""The largest whole number a float holds (1.8e308): an integer up to it is shown as the float it came from."""

NAMED_CHECK = r"([a-z_][a-z0-9_]*(?:(?:\.|\[)[a-z0-9_\]-]+)*): (.+)"
"""A check across fields names the key it blames first: "experts_per_token: must not exceed ..."."""

NAMING_ERRORS = ("value_error", "quantity_bound", "quantity_tiny")
"""Errors whose message may name the key below the one pydantic blames (a quantity's ``low`` or ``high``)."""


def _overlap(key: str, written: str) -> bool:
    """Whether a ``--set`` of ``written`` wrote ``key``: the same path, a table holding it, or a part of it.
    ``[*]`` in ``key`` stands for any item of a list (``stages[*].name``: every stage's name)."""
    if "[*]" in key:
        head, _, tail = key.partition("[*]")
        if written == head or head.startswith((written + ".", written + "[")):
            return True  # the list, or a table holding it
        if not written.startswith(head + "["):
            return False
        after = written[len(head) :].partition("]")[2]  # what of one item the --set wrote ("" = the whole item)
        return not after or not tail or _overlap(tail.lstrip("."), after.lstrip("."))
    return key == written or key.startswith((written + ".", written + "[")) or written.startswith((key + ".", key + "["))


def _related_fields(field: str, err: Any) -> tuple[tuple[str, ...] | None, bool]:
    """The fields the check behind a pydantic error reads, and whether the check named them itself: its
    own list where it raised a :class:`tco.models.CrossFieldError`, else
    :data:`tco.models.CROSS_FIELD_CHECKS`' entry for the field it names."""
    raised = (err.get("ctx") or {}).get("error")
    return (raised.reads, True) if isinstance(raised, CrossFieldError) else (CROSS_FIELD_CHECKS.get(field), False)


_DESCRIBES_A_VALUE = frozenset({"source", "as_of", "confidence", "note"})
"""A quantity's fields that describe it and change no check: a ``--set`` of them is blamed for none."""


def validation_problems(exc: ValidationError, *, where: str, root: Any, overridden: Iterable[str] = (), scope: str = "") -> ProblemList:
    """One :class:`InputError` per pydantic error, with dotted key paths and 'did you mean'."""
    problems: list[TcoError] = []
    overridden = set(overridden)
    tagged = all(e["type"] not in ("union_tag_invalid", "union_tag_not_found") for e in exc.errors())
    if root in (_WORKLOAD, TrainingWorkload, InferenceWorkload) and "kind" in overridden and tagged:
        # Another kind needs its own keys: every error follows from the --set of the kind.
        first = exc.errors()[0]
        parts = first["loc"][1:] if root is _WORKLOAD else first["loc"]
        first_at = ".".join(str(p) for p in parts if not (isinstance(p, str) and p.startswith("function-")))
        return ProblemList(
            [
                InputError(
                    f"a workload of another kind needs that kind's keys (first: {first_at or 'kind'}: {_expected(first)}); "
                    "use a workload file of that kind instead",
                    where="--set",
                    key=f"{scope}.kind" if scope else "kind",
                )
            ]
        )
    errors = exc.errors()
    # A table's key that is not an allowed name ([key] in pydantic's path) is the problem: its value, checked too,
    # is not another ('mars = "x"' in a table of markets is one problem, not also "expected a table")
    refused = [tuple(p for p in e["loc"] if p != "[key]") for e in errors if "[key]" in e["loc"]]
    errors = [e for e in errors if "[key]" in e["loc"] or not any(e["loc"][: len(r)] == r for r in refused)]
    for err in errors[:MAX_LISTED_PROBLEMS]:
        loc = [p for p in err["loc"]]
        if root is _WORKLOAD and loc and loc[0] in ("training", "inference"):
            kind = loc.pop(0)
            root_cls: Any = TrainingWorkload if kind == "training" else InferenceWorkload
        else:
            root_cls = root
        # Drop pydantic's validator-wrapper segments ("function-after[...]"); list indexes read as [i].
        # pydantic's "[key]" segment marks a table's key that is not one of the allowed (a market's name).
        bad_name = "[key]" in loc
        loc = [p for p in loc if not (isinstance(p, str) and (p.startswith("function-") or p == "[key]"))]
        # A key with a dot in it was written in quotes ("peak.bf16_tflops" = ...): shown quoted, as TOML reads it;
        # so is one that is empty or holds a space, a quote or a character not shown ("" = 1 read 'porting.low.: ...').
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{_quoted_key(p)}" for p in loc).lstrip(".") or None
        loc = [p for p in loc if isinstance(p, str)]
        message = _expected(err)
        if bad_name:
            message = f"not an allowed name here: {message}"
        if err["type"] == "extra_forbidden" and loc and "." in str(loc[-1]):
            message += f" (a quoted key with a dot in it; a table's key is written [{str(loc[-1]).partition('.')[0]}] and below it)"
        named = re.fullmatch(NAMED_CHECK, message, flags=re.S) if err["type"] in NAMING_ERRORS else None
        if named:  # a check across fields names the field it blames: "experts_per_token: must not exceed ..."
            key = f"{key}.{named.group(1)}" if key else named.group(1)  # (a list's index kept: rows[5].data_parallel)
            message = named.group(2)
        if err["type"] == "extra_forbidden" and loc:
            other = other_kinds_key(root_cls, str(loc[0])) if len(loc) == 1 else None
            message = other or message + did_you_mean(str(loc[-1]), _field_names(_model_at(root_cls, loc[:-1])))
        if err["type"] == "union_tag_invalid" or err["type"] == "union_tag_not_found":
            message = 'expected kind = "training" or "inference"'
            given = err["input"].get("kind") if isinstance(err.get("input"), Mapping) else None
            if err["type"] == "union_tag_invalid" and given is not None:  # what was given, and the spelling to write
                same = isinstance(given, str) and given.strip().lower() in ("training", "inference")
                message += f", got {_show(given)}" + (f": write {given.strip().lower()!r}" if same else "")
            key = "kind"
        # An error at an override's path, inside it, or at a table it created (a training-only table set
        # on an inference workload) is the override's.
        by_set = key is not None and any(_overlap(key, o) for o in overridden)
        related, explicit = _related_fields(named.group(1), err) if named else (None, False)
        fields: list[str] = []
        if key is not None and related:  # a check across named fields (the MoE split): a --set of one of them
            model_at = ".".join(str(p) for p in loc)  # (the fields are the model's, where the check runs)
            fields = [f"{model_at}.{f}" if model_at else f for f in related]
            written = [o for o in overridden if o.rpartition(".")[2] not in _DESCRIBES_A_VALUE]
            # (a check that names the fields it reads, where it raises, decides alone: a --set inside the
            # named table that wrote none of them, such as a stage's tokens for the stage-name check, takes no blame)
            by_set = (by_set and not explicit) or any(_overlap(f, o) for o in written for f in fields)
        elif key is not None and err["type"] == "missing" and "." in key:  # a key missing beside one the --set wrote
            by_set = by_set or any(o.rpartition(".")[0] == key.rpartition(".")[0] for o in overridden)
        if by_set and scope:
            key = f"{scope}.{key}"
        # (the fields a check across them reads: the file of an extends chain that wrote one of them is blamed)
        problems.append(InputError(message, where="--set" if by_set else where, key=key, also=[f for f in fields if f != key]))
    return ProblemList(problems, more=max(0, len(errors) - MAX_LISTED_PROBLEMS))


# --------------------------------------------------------------------------- --set overrides


def parse_value(text: str, key: str | None = None) -> Any:
    """A ``--set`` value: a TOML literal (number, boolean, date, quoted text, array) or bare text.
    ``key``: the path it sets, named by an error."""
    try:
        document = tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError as exc:
        if text.strip()[:1] in ('"', "'", "[", "{"):  # written as a TOML text, list or table, but not one: not bare text
            raise InputError(_set_toml_reason(str(exc), text), where="--set", key=key) from None
        return text
    except RecursionError:  # (the file reader refuses the same nesting)
        raise InputError("not valid TOML: nested too deeply", where="--set", key=key) from None
    except ValueError as exc:
        raise InputError(_digits_message(exc), where="--set", key=key) from None
    if len(document) > 1:  # ('1.2\nscenario.utilization = 0.5' read as a document: its second line set nothing)
        raise InputError("expected one value, got more lines after it (one PATH=VALUE sets one input)", where="--set", key=key)
    value = document["v"]
    tiny = underflow(text, value)  # (1e-400 reads as 0: said so, not "must be > 0, got 0" of a number typed as positive)
    if tiny is not None:
        raise InputError(tiny, where="--set", key=key)
    over = _over_limits({"v": value})  # (the limits of a file's document)
    if over is not None:
        at = over[0].removeprefix("v")
        raise InputError(
            over[1].replace("expected a TOML input file", "expected a smaller value"), where="--set", key=f"{key}{at}" if key else None
        )
    return value


_TOML_AT = re.compile(r" \(at (?:line (\d+), column \d+|end of document)\)$")


def _toml_table(parts: str) -> str:
    """A table's dotted name as TOML writes it, from tomllib's tuple of its keys (``('a', 'b c')``: ``a."b c"``)."""
    import ast

    try:
        keys = ast.literal_eval(parts)
    except (ValueError, SyntaxError):
        return parts
    if not isinstance(keys, tuple) or not all(isinstance(k, str) for k in keys):
        return parts
    return ".".join(_toml_key(k) for k in keys)


def _toml_character(lines: Sequence[str], at: re.Match[str] | None) -> str:
    """What the reader stopped at where it is a character that does not show (a second byte-order mark, a zero-width
    or no-break space) or a typographic quote, which look right in an editor; else nothing."""
    import unicodedata  # (only here: a compare table does not load it)

    if at is None or not at.group(1):
        return ""
    line, column = int(at.group(1)), int(at.group(0).rpartition("column ")[2].rstrip(")"))
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    ends = column == len(text.rstrip("\r")) + 1 or text[column - 1 : column] == "#"  # (a comment runs to the line's end)
    if ends and _open_inline(text[: column - 1]):
        return ": an inline table ({...}) ends on the line it starts on in TOML: join its lines, or write it as a [table]"
    if not (0 < line <= len(lines) and 0 < column <= len(lines[line - 1])):
        return ""
    char = lines[line - 1][column - 1]
    zero = re.search(r"(?:^|[=\[,{]\s*)([+-]?0)$", lines[line - 1][: column - 1])
    if zero and (char.isdigit() or char == "_"):  # (02022: TOML's integers have no leading zero; the reader stops after the 0)
        number = re.match(r"[\d_]*", lines[line - 1][column - 1 :])
        typed = zero.group(1) + (number.group(0) if number else "")
        sign = typed[0] if typed[0] in "+-" else ""
        return f": a number does not start with 0 in TOML ({typed}): write {sign}{typed.lstrip('+-').lstrip('0_') or '0'}"
    word = re.match(r"[A-Za-z]+", lines[line - 1][column - 1 :])
    if word and word.group(0).lower() in _NOT_BOOLEANS and re.search(r"=\s*$", lines[line - 1][: column - 1]):
        meant = _NOT_BOOLEANS[word.group(0).lower()]
        return f": TOML's booleans are true and false, in lower case: write {meant}"
    thousands = re.search(r"=\s*([+-]?\d[\d_]*)$", lines[line - 1][: column - 1])
    groups = re.match(r"(?:,\d{3})+(?![\d,])", lines[line - 1][column - 1 :])
    inline = re.search(r"[={]\s*\w+\s*=\s*([+-]?\d[\d_]*(?:,\d{3})+)\s*$", lines[line - 1][: column - 1])
    if (char == "," and thousands and groups) or inline:  # (27,500: the comma stops the reader, or in { } the 500 as a key)
        typed = inline.group(1) if inline else thousands.group(1) + groups.group(0)  # type: ignore[union-attr]
        rest = re.match(r"(?:,\d{3})+(?!\d)", lines[line - 1][column - 1 :]) if inline else None
        typed += rest.group(0) if rest else ""  # (1,234,567 in { }: the reader stopped after 234)
        return f": TOML numbers have no thousands separator ({typed}): write {typed.replace(',', '_')}"
    before, after = lines[line - 1][: column - 1], lines[line - 1][column:]
    if char == ":" and re.fullmatch(r"\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"))*\s*", before):
        return f": TOML gives a key its value with '=', not ':' (YAML's): write {before.strip()} = {after.strip()}"  # (x: 5)
    bare = re.match(r"([+-]?)\.(\d[\d_]*(?:[eE][+-]?\d+)?)", lines[line - 1][column - 1 :])
    if bare and re.search(r"=\s*$", before):  # (.5, -.5e-3: the reader stops at the sign or the point)
        return f": a TOML float has a digit before its point: write {bare.group(1)}0.{bare.group(2)}"
    point = re.search(r"=\s*([+-]?\d[\d_]*)$", before)
    if char == "." and point and not after[:1].isdigit():  # (5.)
        exponent = re.match(r"[eE][+-]?\d+", after)
        return f": a TOML float has a digit after its point: write {point.group(1)}.0{exponent.group(0) if exponent else ''}"
    trailing = re.search(r"=\s*([+-]?\d[\d_]*)$", before) if char == "_" and not after[:1].isdigit() else None
    if trailing:  # (1_000_: the reader stops at the underscore no digit follows)
        typed = trailing.group(1) + re.match(r"[\d_]*", lines[line - 1][column - 1 :]).group(0)  # type: ignore[union-attr]
        plain = re.sub("_+", "_", typed).rstrip("_")
        return f": an underscore in a TOML number stands between two digits ({typed}): write {plain}"
    special = re.match(r"[+-]?(nan|inf(?:inity)?)\b", lines[line - 1][column - 1 :], re.IGNORECASE)
    if special and re.search(r"=\s*$", before):  # (NaN, Infinity: TOML's are nan and inf, which no tco figure takes)
        return ": TOML writes infinity inf and not-a-number nan, in lower case, and no figure tco reads may be either: give a finite number"
    full = before + re.match(r"[0-9A-Za-z_]*", lines[line - 1][column - 1 :]).group(0)  # type: ignore[union-attr]
    radix = re.search(r"=\s*([+-]?0([xob])[0-9A-Za-z_]*)$", full)
    if radix and (char in "xob" or radix.group(2) in before[-len(radix.group(1)) :]):  # (0x, 0x1G: the reader stops at x or G)
        kind, digits = {"x": ("a hexadecimal", "0-9 and A-F"), "o": ("an octal", "0-7"), "b": ("a binary", "0 and 1")}[radix.group(2)]
        typed = radix.group(1)
        return f": {kind} integer in TOML is 0{radix.group(2)} and then only the digits {digits} ({typed}): write it so, or in decimal"
    exponent = re.search(r"=\s*([+-]?\d[\d_]*(?:\.\d[\d_]*)?)$", before)
    if exponent and char in "eE" and not re.match(r"[+-]?\d", after):  # (1e, 2.5e+: the reader stops at the e)
        typed = exponent.group(1) + char + (re.match(r"[+-]?", after).group(0))  # type: ignore[union-attr]
        return f": a TOML exponent has digits after its e ({typed}): write them, as in {exponent.group(1)}e3, or leave the e out"
    unit = re.search(r"=\s*([+-]?\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?)(\s*)$", lines[line - 1][: column - 1])
    letters = re.match(r"[^\W\d_]+", lines[line - 1][column - 1 :])
    if unit and letters and char.isalpha():  # (80GB, 700W, 2022y: the reader stops at the unit)
        typed = unit.group(1) + unit.group(2) + letters.group(0)
        return f": a TOML number takes no unit ({typed}): write {unit.group(1)}, in the unit the key's name or schema gives"
    if char == "\r":  # (lines split at LF: a CR not followed by one is the classic Mac OS line ending, which TOML refuses)
        if len(lines) == 1 and lines[0].count("\r") > 1:
            what = "every line ends in a carriage return alone (U+000D, classic Mac OS line endings)"
        else:
            what = "the character there is a carriage return (U+000D) with no line feed after it (a classic Mac OS line ending)"
        return f": {what}, which TOML does not take: save the file with LF or CRLF line endings"
    if char in "\u201c\u201d\u2018\u2019":
        return f": {char} is a typographic quote; TOML quotes text with \" or '"
    if char != " " and unicodedata.category(char) == "Zs":
        return f": the character there is U+{ord(char):04X} ({unicodedata.name(char, 'a space')}), not a plain space: write ' '"
    if not char.isprintable() or unicodedata.category(char) == "Cf":
        name = unicodedata.name(char, "a control character")
        return f": the character there is U+{ord(char):04X} ({name}), which does not show: delete it"
    if not char.isascii():  # (a full-width digit in a number, a Cyrillic letter in a bare key: they look like ASCII ones)
        plain = unicodedata.normalize("NFKC", char)
        write = f": write {plain!r}" if plain.isascii() and plain.isprintable() else ""
        what = f"U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')})"
        return f": the character there is {what}, not ASCII, which TOML takes only in quoted text or a comment{write}"
    return ""


_NOT_BOOLEANS = {"yes": "true", "on": "true", "no": "false", "off": "false", "true": "true", "false": "false"}
"""Words a boolean is written as elsewhere (YAML, INI, Python's True) that TOML does not take, and TOML's own."""


def _open_inline(line: str) -> bool:
    """Whether ``line`` leaves an inline table open (more '{' than '}' outside quoted text and comments)."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", line).partition("#")[0]
    return bare.count("{") > bare.count("}")


def toml_reason(message: str, text: str) -> str:
    """Why tomllib refused a document, in the house's words where its own are Python's: a table named by a
    tuple (``Cannot declare ('shape',) twice``), or a key given twice ('Cannot overwrite a value') without
    naming the key, which is read from the line the reader stopped at. Other reasons are kept as they are."""
    message = re.sub(r"^Can not ", "Cannot ", message)  # (tomli before 2.1, which Python 3.10 reads TOML with)
    message = re.sub(r'^Expected "=" after a key', "Expected '=' after a key", message)  # (tomli 2.0's quotes)
    at = _TOML_AT.search(message)
    reason, where = (message[: at.start()], message[at.start() :]) if at else (message, "")
    m = re.fullmatch(r"Cannot declare (\(.*\)) twice", reason)
    if m:
        return f"table [{_toml_table(m.group(1))}] is declared twice (or inside a table written inline){where}: declare each table once"
    m = re.fullmatch(r"Cannot (?:mutate immutable|redefine) namespace (\(.*\))", reason)
    if m:
        name = _toml_table(m.group(1))
        return f"'{name}' is written inline ({{...}} or [...]) and cannot be added to later{where}: give all of {name} in one place"
    lines = text.split("\n")
    if reason != "Cannot overwrite a value":
        return message + (_unclosed_text(reason, text, at) or _toml_character(lines, at))
    line = lines[int(at.group(1)) - 1] if at and at.group(1) else lines[-1] if at else ""
    header = re.match(r"\s*\[\[?\s*([^\[\]]+?)\s*\]", line)
    key = re.match(r"\s*([A-Za-z0-9_.\- ]+?|\"[^\"]*\")\s*=", line)
    if header:
        return f"table [{header.group(1)}] takes the name of a key already given a value{where}: give each key once"
    if key:
        return f"key {key.group(1).strip()!r} is given twice{where}: give each key once"
    return f"a key is given twice{where}: give each key once"


_TEXT_TOKEN = re.compile(r""""{3}(?:[^\\]|\\.)*?"{3}|'{3}.*?'{3}|("{3}|'{3})|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*|("|')""", re.S)
"""Quoted text and comments as TOML reads them, or (its groups) the quotes that open text never closed."""


def _unclosed_text(reason: str, text: str, at: re.Match[str] | None) -> str:
    """For tomllib's reasons of a text not closed ('Unterminated string' or 'Expected "'"' at the end of the
    document, an illegal line feed at a line's end): where the text opens and the quote that closes it; else nothing."""
    at_end = at is not None and not at.group(1)
    if not (reason == "Unterminated string" or (at_end and reason.startswith("Expected \"'")) or reason.endswith("character '\\n'")):
        return ""
    opener = next((m for m in _TEXT_TOKEN.finditer(text) if m.group(1) or m.group(2)), None)
    if opener is None:
        return ""
    quote, before = opener.group(1) or opener.group(2), text[: opener.start()]
    line, column = before.count("\n") + 1, opener.start() - (before.rfind("\n") + 1) + 1
    if at is not None and at.group(1):  # (a one-line text that the line's end left open)
        if int(at.group(1)) != line:
            return ""
        many = quote * 3
        over = f"text over several lines is written in {many}"
        return f": the text opened with {quote} at column {column} is not closed on its line: end it with {quote} ({over})"
    return f": the text opened with {quote} at line {line} is never closed: end it with {quote}"


def _set_toml_reason(message: str, text: str) -> str:
    """Why a --set value that starts as TOML writes a text, list or table (a quote, ``[`` or ``{``) is not one,
    placed in the value as given (tomllib counts the columns of ``v = VALUE``)."""
    at = re.search(r" \(at (?:line 1, column (\d+)|end of document)\)$", message)
    reason = message[: at.start()] if at else message
    if reason == "Expected newline or end of document after a statement":
        reason = "more text after the value"
    place = (f" (at character {int(at.group(1)) - 4})" if at.group(1) else " (at its end)") if at else ""
    first = text.strip()[0]
    quote = "; text that starts with it is written in quotes" if first in "[{" else ""  # (a name '[draft] x': '"[draft] x"')
    return f"expected a TOML value (it starts with {first!r}), got {text[:80]!r}: {reason[:1].lower()}{reason[1:]}{place}{quote}"


def _digits_message(exc: ValueError) -> str:
    if "digits" in str(exc):
        return "an integer of more than 4,300 digits (write a large number as a float, e.g. 1.5e12)"
    return str(exc)


def _unwrap(t: Any) -> Any:
    """Strip Annotated and Optional, keeping list/dict origins visible."""
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(t)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(t) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else [_unwrap(a) for a in args]
    return t


def split_path(path: str) -> list[str]:
    """Split on dots outside brackets: ``benchmarks[gpt3-1.3b].tokens_per_second`` has two parts."""
    return re.findall(r"[^.\[\]]+(?:\[[^\]]*\])?", path)


def path_parts(path: str, *, where: str | None, key: str) -> list[str]:
    """:func:`split_path` of a path a user wrote, refusing what it would drop: an empty path (``[]``) or a
    bracket outside ``name[LABEL]`` (``pue]`` would set pue under another key, which nothing reads)."""
    parts = split_path(path)
    if not parts:
        raise InputError("expected dotted field names, got an empty one", where=where, key=key)
    if ".".join(parts) != path:
        raise InputError("expected dotted field names (an entry as name[LABEL]), got a stray '[' or ']'", where=where, key=key)
    return parts


_ITEM = re.compile(r"^(\w+)\[([^\]]*)\]$")


def check_path(root: Any, parts: Sequence[str], *, label: str, where: str = "--set") -> Any:
    """Walk ``parts`` through the model classes; return the leaf type or raise an error naming ``where``.
    ``benchmarks[<workload>]`` selects one measurement of a profile."""
    t: Any = root
    i = 0
    while i < len(parts):
        part = parts[i]
        prefix = ".".join(parts[:i]) or label
        if isinstance(t, type) and issubclass(t, Quantity):
            if part in Quantity.model_fields and i != len(parts) - 1:  # (not 'did you mean 'value'?' for pue.value.x)
                raise InputError(f"no such field: '{'.'.join(parts[: i + 1])}' is a value, not a table", where=where, key=label)
            if part not in Quantity.model_fields:
                raise InputError(f"no such field{did_you_mean(part, Quantity.model_fields)}", where=where, key=label)
            return _unwrap(Quantity.model_fields[part].annotation)
        item = _ITEM.match(part)
        name = item.group(1) if item else part
        classes = [c for c in (t if isinstance(t, list) else [t]) if isinstance(c, type) and issubclass(c, BaseModel)]
        owner = next((c for c in classes if name in c.model_fields), None)
        if owner is None:
            if i == 0 and name == "extends":  # (a key of the file, resolved as it loads: no model field, yet no typo)
                raise InputError(
                    f"extends is resolved as the file loads, before any {where}: write it in a file (one that extends "
                    "another) and give that file's path",
                    where=where,
                    key=label,
                )
            if not classes:
                raise InputError(f"no such field: '{prefix}' is a value, not a table", where=where, key=label)
            other = other_kinds_key(classes[0], name) if i == 0 and len(classes) == 1 else None
            if other is not None:
                raise InputError(other, where=where, key=label)
            raise InputError(f"no such field{did_you_mean(name, _field_names(classes))}", where=where, key=label)
        t = _unwrap(owner.model_fields[name].annotation)
        origin = typing.get_origin(t)
        entry = _unwrap(typing.get_args(t)[0]) if origin is list else None
        if item and not (isinstance(entry, type) and issubclass(entry, BaseModel)):
            # (only a list of tables has entries to select, each by its name or workload)
            how = f"{name}=[...]" if origin is list else f"{name}.{item.group(2)}" if origin is dict else f"{name}=..."
            raise InputError(f"'{name}' is not a list of tables: [{item.group(2)}] selects none of it; write {how}", where=where, key=label)
        if origin is dict:
            if i == len(parts) - 1:  # the whole mapping (grid_kgco2e_per_kwh_by_market=1): a table, not one of its values
                return t
            key_type, value_type = typing.get_args(t)
            i += 1
            if i < len(parts) and isinstance(key_type, type) and issubclass(key_type, Enum):
                keys = [m.value for m in key_type]
                if parts[i] not in keys:
                    raise InputError(
                        f"no such key{did_you_mean(parts[i], keys)}; expected one of {', '.join(keys)}", where=where, key=label
                    )
            t = _unwrap(value_type)
        elif origin is list:
            if item:
                t = _unwrap(typing.get_args(t)[0])
            elif i != len(parts) - 1:
                whole = f"set it whole, e.g. {part}=[...]"
                if isinstance(entry, type) and issubclass(entry, BaseModel):  # (its entries are selected by name)
                    by = "workload" if part == "benchmarks" else "name"
                    rest = "".join(f".{p}" for p in parts[i + 2 :])
                    numbered = parts[i + 1].lstrip("-").isdigit()
                    pick = f"{part}[{by.upper()}]{rest} ({part} are named, not numbered)" if numbered else f"{part}[{parts[i + 1]}]{rest}"
                    whole = f"select an entry by its {by}, {pick}, or {whole}"
                raise InputError(f"'{part}' is a list; {whole}", where=where, key=label)
        i += 1
    return t


def apply_overrides(
    data: dict[str, Any], overrides: Sequence[tuple[str, Any]], root: Any, *, scope: str = "", where: str = "--set"
) -> dict[str, Any]:
    """Set each dotted path in (a copy of) the raw TOML data. A number written over a sourced
    quantity replaces it with ``{value, source = "--set on the command line"}``."""
    out: dict[str, Any] = copy.deepcopy(data)
    # A quantity's range or source set apart (pue.high=2) is applied after the sets of values, in any order given: a
    # number written over the quantity (pue=1.3) replaces the file's table, not the range another --set gives it.
    overrides = sorted(overrides, key=lambda o: len(p := o[0].strip().split(".")) > 1 and p[-1] in ABOUT_A_VALUE)  # (stable)
    for path, value in overrides:
        label = f"{scope}.{path}" if scope else path
        parts = path_parts(path, where=where, key=label)
        if parts == ["id"]:  # results, benchmarks and --set paths are matched by id: a renamed input is another input
            raise InputError("an id cannot be changed with --set: copy the file and give the copy its own id", where=where, key=label)
        target = check_path(_WORKLOAD_CLASSES if root is _WORKLOAD else root, parts, label=label, where=where)
        node: Any = out
        if not _lists_hold(out, parts):
            continue  # (the input's own value where a list belongs is refused by validation, naming its file)
        for part in parts[:-1]:
            item = _ITEM.match(part)
            if item:
                entries = node.get(item.group(1), [])
                at = _item_index(entries, item.group(2))
                if at is None:
                    raise _no_entry_error(out, root, item.group(1), item.group(2), entries, where=where, label=label, scope=scope)
                node = entries[at]
                continue
            nxt = node.get(part)
            if isinstance(nxt, (int, float)) and not isinstance(nxt, bool):
                nxt = {"value": nxt}
            if not isinstance(nxt, dict):
                nxt = {}
            node[part] = nxt
            node = nxt
        leaf = parts[-1]
        item = _ITEM.match(leaf)
        if item:  # a whole list item: stages[ext] = {tokens = 1e9, ...}
            entries = node.get(item.group(1), [])
            at = _item_index(entries, item.group(2))
            if at is None:
                raise _no_entry_error(out, root, item.group(1), item.group(2), entries, where=where, label=label, scope=scope)
            if not isinstance(value, dict):
                raise InputError(f"expected a table for the whole entry, e.g. {{...}}, got {value!r}", where=where, key=label)
            # The entry keeps the name (or workload) that selected it, unless the table gives the same.
            field = "workload" if "workload" in entries[at] else "name"
            if value.get(field, item.group(2)) != item.group(2):
                raise InputError(f"the entry's {field} must stay '{item.group(2)}', got {value[field]!r}", where=where, key=label)
            # A table merges into the entry key by key, as into any table (``{tokens=2e10}`` keeps the stage's
            # sequence length); an empty one empties it to the name that selected it.
            entries[at] = _merge(entries[at], {field: item.group(2), **value}, target) if value else {field: item.group(2)}
            continue
        is_quantity = isinstance(target, type) and issubclass(target, Quantity)
        bare = isinstance(value, (int, float)) and not isinstance(value, bool)
        if is_quantity and bare and (too_large(value) is not None or not math.isfinite(value)):
            node[leaf] = value  # (refused by the quantity itself, under the path written, not its .value)
        elif is_quantity and bare:
            # The number is in the quantity's own currency, as with ``.value``: a price quoted in CNY stays in CNY.
            old = node.get(leaf)
            kept = {"currency": old["currency"]} if isinstance(old, dict) and old.get("currency") is not None else {}
            node[leaf] = {"value": value, "source": SET_SOURCE, **kept}
        elif isinstance(value, dict) and value and not _quantity_type(target) and isinstance(node.get(leaf), dict):
            # A table over a table merges key by key, as ``extends`` does: ``peak={bf16_tflops=500}`` keeps the fp8 peak
            # (an empty one, ``{}``, empties the table: the way to clear a map such as the grid intensity by market).
            node[leaf] = _merge(node[leaf], value, target)
        else:
            node[leaf] = value
    return out


def _lists_hold(data: Mapping[str, Any], parts: Sequence[str]) -> bool:
    """Whether each list a path selects an entry of (``stages[ext]``) is a list in ``data``, or absent: a file may
    give ``stages = 7``, which no entry can be selected from."""
    return not any(_ITEM.match(part) and named is not None and not isinstance(named, list) for part, named, _, _ in _walk(data, parts))


def split_scope(path: str, accelerator_ids: Iterable[str] = ()) -> tuple[str, str]:
    """``"scope.rest"`` -> (scope, rest). Ids may hold dots (``h100.v2``): the longest compared id the
    path starts with is its scope, else the part before the first dot. The scope is matched without
    regard to case, as ids are, and returned as ``accelerator_ids`` (or ``scenario``, ``workload``) spell it."""
    ids = list(accelerator_ids)
    folded = fold(path)
    # A compared id with dots (but not one whose rest starts 'toml.': no field is named toml, so that is a path
    # ending in .toml, ``my.gpu.toml.price_usd``); then a profile's path, which runs to its last .toml, as in an option.
    for a in sorted((a for a in ids if "." in a), key=len, reverse=True):
        rest = path[len(a) + 1 :]
        if folded.startswith(a.lower() + ".") and rest and not rest.lower().startswith("toml."):
            return a, rest
    file = re.match(r"^(.*\.[Tt][Oo][Mm][Ll])\.(.+)$", path)
    if file is not None:
        return _canonical_scope(file.group(1), ids), file.group(2)
    if path.startswith(".") or path.endswith(".") or ".." in path:
        raise InputError("expected dotted field names, got an empty one", key=path)
    scope, _, rest = path.partition(".")
    return _canonical_scope(scope, ids), rest


def _canonical_scope(scope: str, ids: Sequence[str]) -> str:
    """``scope`` as written when it is a keyword or one of ``ids``, else the keyword or id it names in another case."""
    if scope in ("scenario", "workload") or scope in ids:
        return scope
    folded = fold(scope)
    if folded in ("scenario", "workload"):
        return folded
    return next((a for a in ids if a.lower() == folded), scope)


def split_set(item: str, accelerator_ids: Iterable[str] = ()) -> tuple[str, str, Any]:
    """``"scope.path=value"`` -> (scope, path, value); the scope as :func:`split_scope` finds it."""
    if "=" not in item:
        raise InputError(f"expected PATH=VALUE, got '{item}'", where="--set")
    lhs, rhs = item.split("=", 1)
    lhs = lhs.strip()
    if "." not in lhs:
        raise InputError(f"expected scenario.<field>, workload.<field> or <accelerator-id>.<field>, got '{lhs}'", where="--set")
    scope, rest = split_scope(lhs, accelerator_ids)
    if not rest:
        raise InputError(f"missing field after '{scope}.'", where="--set")
    return scope, rest, parse_value(rhs.strip(), lhs)


# --------------------------------------------------------------------------- loading


def _no_entry(name: str, label: str, entries: Sequence[Any]) -> str:
    """'no stages entry for '0'', with the labels the entries are selected by (a stage by its name, a
    measurement by its workload; not by position)."""
    labels = [str(e.get("workload") or e.get("name")) for e in entries if isinstance(e, dict) and (e.get("workload") or e.get("name"))]
    what = "workload" if name == "benchmarks" else "name"
    if not labels:
        return f"no {name} entry for '{label}' (this input has no {name})"
    shown = " or ".join(f"{name}[{x}]" for x in labels[:5]) + (" ..." if len(labels) > 5 else "")
    numbered = f" ({name} are named{' by their workload' if what == 'workload' else ''}, not numbered)" if label.isdigit() else ""
    return f"no {name} entry for '{label}': give {shown}{numbered}"


def _no_entry_error(
    data: Mapping[str, Any], root: Any, name: str, entry: str, entries: Sequence[Any], *, where: str, label: str, scope: str
) -> InputError:
    """The refusal of ``name[label]`` that selects no entry: on a workload of the kind that has no such list (a serving
    workload's ``stages[x]``), that the list is the other kind's, as ``stages = [...]`` there is refused; else
    :func:`_no_entry`."""
    classes = {"training": TrainingWorkload, "inference": InferenceWorkload}
    cls = classes.get(str(data.get("kind"))) if root is _WORKLOAD else None
    why = other_kinds_key(cls, name) if cls is not None and not entries else None
    if why is not None:
        return InputError(why, where=where, key=f"{scope}.{name}" if scope else name)
    return InputError(_no_entry(name, entry, entries), where=where, key=label)


def _item_index(entries: Sequence[Any], label: str) -> int | None:
    """Index of the list item ``name[label]`` selects: a measurement by its workload, a stage by its name."""
    return next((j for j, e in enumerate(entries) if isinstance(e, dict) and label in (e.get("workload"), e.get("name"))), None)


def _walk(data: Any, parts: Sequence[str]) -> Iterator[tuple[str, Any, int | None, Any]]:
    """Each part of a path with what it selects in ``data``: ``(part, named, at, node)``, where ``named`` is the value
    the part's name gives (for an item selector, ``stages[ext]``, the list), ``at`` the index of the entry it selects
    (None if none) and ``node`` what the path has reached (None past the data). The one walk of a ``--set`` path
    over raw data, for blame and for the paths an error names."""
    node = data
    for part in parts:
        item = _ITEM.match(part)
        named: Any = node.get(item.group(1) if item else part) if isinstance(node, dict) else None
        at = _item_index(named, item.group(2)) if item and isinstance(named, list) else None
        node = named if not item else None if at is None else named[at]
        yield part, named, at, node


def _indexed(path: str, data: Any) -> str:
    """``benchmarks[gpt3-1.3b].tokens_per_second`` as validation errors name it, ``benchmarks[0]...``:
    each item selector replaced by the item's index in ``data`` (unchanged where there is none)."""
    parts = [part if at is None else f"{part[: part.index('[')]}[{at}]" for part, _, at, _ in _walk(data, split_path(path))]
    return ".".join(parts).replace(".[", "[")


def _written(data: Mapping[str, Any], overrides: Sequence[tuple[str, Any]]) -> list[str]:
    """The paths the overrides change, for blame: a ``kind`` set to the kind the data has changes nothing
    (so it is not blamed as 'a workload of another kind' for another input's error), nor an entry of a list the data
    gives as no list (``stages = 7``: :func:`apply_overrides` leaves it, and the file is blamed)."""
    return [
        leaf
        for p, v in overrides
        if not (p == "kind" and data.get("kind") == v) and _lists_hold(data, split_path(p))
        for leaf in _merged_fields(data, p, v)
    ]


def _merged_fields(data: Mapping[str, Any], path: str, value: Any) -> list[str]:
    """The paths a ``--set`` writes: a table given over a table merges into it (:func:`apply_overrides`), so it
    writes the fields it holds, not the table's others (which keep their file's blame); else the path itself."""
    steps = list(_walk(data, split_path(path)))
    node = steps[-1][3] if steps else data
    if not (isinstance(value, dict) and value and not _is_quantity(value) and isinstance(node, dict) and not _is_quantity(node)):
        return [path]
    return [leaf for k, v in value.items() for leaf in _merged_fields(data, f"{path}.{k}", v)]


def _validate(
    data: dict[str, Any], root: Any, where: str, overridden: Iterable[str], scope: str = "", before: Mapping[str, Any] | None = None
) -> Any:
    """``data`` validated, its errors blamed on the ``--set`` paths that wrote them (``overridden``). ``before``: the
    data the overrides were applied to, where an entry a --set renamed (``stages[long].name=x``) is still found."""

    def indexed(o: str) -> str:
        ix = _indexed(o, data)
        return _indexed(o, before) if ix == o and before is not None else ix

    named = {indexed(o): o for o in overridden}
    try:
        # (both spellings: pydantic names a list item by its index, a check across fields by its name)
        return _validate_indexed(data, root, where, [*named, *(o for o in named.values() if o not in named)], scope)
    except ProblemList as problems:
        for pr in problems.problems:  # name a list item as the --set did, not by its index
            for ix, orig in named.items():
                pre, user = (f"{scope}.{ix}", f"{scope}.{orig}") if scope else (ix, orig)
                if ix != orig and pr.where == "--set" and pr.key and (pr.key == pre or pr.key.startswith((pre + ".", pre + "["))):
                    pr.key = user + pr.key[len(pre) :]
                elif ix != orig and pr.where == "--set" and pr.key and pre.startswith((pr.key + ".", pr.key + "[")):
                    # the error sits on a table the --set wrote into (a quantity whose .low it set): as many
                    # segments of the --set's own spelling; on a list itself, the list (not the entry the --set named)
                    on_list = pre.startswith(pr.key + "[")
                    pr.key = ".".join(split_path(user)[: len(split_path(pr.key))])
                    if on_list and pr.key.endswith("]"):
                        pr.key = pr.key[: pr.key.rindex("[")]
                out_of_range = pr.message.startswith("value ") and (" below low " in pr.message or " above high " in pr.message)
                if out_of_range and pr.where == "--set" and pr.key and user.lower() == pr.key.lower() + ".value":
                    pr.message += f" (a .value set keeps the file's low and high; give {pr.key}=V to replace the whole quantity)"
        raise ProblemList(problems.problems, more=problems.more) from None


def _validate_indexed(data: dict[str, Any], root: Any, where: str, overridden: Iterable[str], scope: str = "") -> Any:
    if root is _WORKLOAD:
        # A known kind validates against its own class (building the union's schema would also build
        # the other kind's); an unknown or missing kind goes through the union, which names the choices.
        kind = data.get("kind")
        root = {"training": TrainingWorkload, "inference": InferenceWorkload}.get(kind, _WORKLOAD) if isinstance(kind, str) else _WORKLOAD
    build_quantity_schemas()
    try:
        if root is _WORKLOAD:
            return workload_adapter().validate_python(data)
        return root.model_validate(data)
    except ValidationError as exc:
        raise validation_problems(exc, where=where, root=root, overridden=overridden, scope=scope) from None


def _is_quantity(v: Any) -> bool:
    """A quantity's table (value, source, ...), told by its fields, none of which holds a table: for a table whose
    place in the schema is not known."""
    return isinstance(v, dict) and any(key in QUANTITY_KEYS and not isinstance(val, dict) for key, val in v.items())


_MERGE_ROOTS: dict[str, Any] = {"accelerators": Accelerator, "workloads": _WORKLOAD_CLASSES, "scenarios": Scenario}
"""The model (or the models) a kind's documents are read into, for :func:`_merge`."""


def _child_type(t: Any, key: str) -> Any:
    """The type a table's ``key`` holds (``t`` the table's model, models, or ``dict`` type), or None: not known."""
    if typing.get_origin(t) is dict:
        return _unwrap(typing.get_args(t)[1])
    classes = [c for c in (t if isinstance(t, list) else [t]) if isinstance(c, type) and issubclass(c, BaseModel)]
    owner = next((c for c in classes if key in c.model_fields), None)
    return None if owner is None else _unwrap(owner.model_fields[key].annotation)


def _quantity_type(t: Any) -> bool:
    return any(isinstance(c, type) and issubclass(c, Quantity) for c in (t if isinstance(t, list) else [t]))


def _merge(
    base: dict[str, Any], top: dict[str, Any], schema: Any = None, *, emptied: list[str] | None = None, prefix: str = ""
) -> dict[str, Any]:
    """``top`` over ``base``: tables merge key by key, a quantity's table replaces the inherited one whole (so it can
    also unset it: an empty table over an inherited quantity is that quantity with nothing known, as it is given by
    --set or in a file of its own). What is a quantity is told by the schema (``schema`` the table's model): a
    market's availability (source, as_of, note) or porting's maturities 'low' and 'high' are tables that merge.
    Where the schema does not know the key, by its fields (:func:`_is_quantity`). ``emptied`` collects the dotted
    paths where ``top`` replaces a known value with a non-empty table that gives none (``[price_usd] low = 1``):
    the value is then unknown, which an empty table says on purpose and such a table seldom means."""
    out = dict(base)
    for k, v in top.items():
        t = _child_type(schema, k) if schema is not None else None
        quantity = _quantity_type(t) if t is not None else _is_quantity(v) or (v == {} and _is_quantity(out.get(k)))
        mergeable = isinstance(v, dict) and not quantity and isinstance(out.get(k), dict)
        if emptied is not None and quantity and isinstance(v, dict) and v and v.get("value") is None and _known(out.get(k)):
            emptied.append(prefix + k)
        out[k] = _merge(out[k], v, t, emptied=emptied, prefix=f"{prefix}{k}.") if mergeable else v
    return out


def _known(inherited: Any) -> bool:
    """Whether an inherited quantity (a bare number or its table) has a value."""
    return (isinstance(inherited, (int, float)) and not isinstance(inherited, bool)) or (
        isinstance(inherited, dict) and inherited.get("value") is not None
    )


MAX_EXTENDS_CHAIN = 64
"""Most files in one ``extends`` chain, the referring file included (the shipped chains have two)."""


def _chain_error(chain: Sequence[Path]) -> InputError:
    """The error for a chain longer than :data:`MAX_EXTENDS_CHAIN`, naming the referring file."""
    names = [p.name for p in chain]
    shown = " → ".join([*names[:2], "…", names[-1]]) if len(names) > 3 else " → ".join(names)
    return InputError(f"a chain of more than {MAX_EXTENDS_CHAIN} files ({shown} → …)", where=str(chain[0]), key="extends")


def read_with_extends(kind: str, path: Path, dirs: Sequence[Path] | None, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Raw data of ``path``; a top-level ``extends = "<id>"`` starts from that file's data: a file
    ``<id>.toml`` beside the referring file, else the id on the search path (never an arbitrary path).
    The chain is followed in a loop (at most :data:`MAX_EXTENDS_CHAIN` files), then merged base first."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    _GIVEN.pop(_key(path), None)  # (what an earlier read of the file extended: it may stand alone now)
    _CHAIN.pop(_key(path), None)
    visited = set(seen)
    current = path
    while True:
        data = read_toml(current)
        parent = data.pop("extends", None)
        chain.append((current, data))
        if parent is None:
            _EXTENDS.pop(_key(current), None)  # (an earlier read of the file extended another: it stands alone now)
            break
        if not isinstance(parent, str):
            raise InputError(f"expected the id of {_article(kind[:-1])} to extend, got {_show(parent)}", where=str(current), key="extends")
        if looks_like_path(parent) or not parent.strip() or parent == STDIN:
            # ('-', which names standard input on the command line, is no profile's id: a file's parent is not read
            # from the terminal, where the run would wait for it)
            what = "standard input" if parent == STDIN else "a path"
            expected = f"expected the id of {_article(kind[:-1])} to extend (not {what}), got {_show(parent)}"
            raise InputError(expected, where=str(current), key="extends")
        if len(chain) >= MAX_EXTENDS_CHAIN:
            raise _chain_error([p for p, _ in chain])
        # Standard input has no folder: its 'extends' goes to the search path (never the working directory).
        # (an id too long for one is never a file name: resolve says so, where is_file() would raise)
        long = len(parent) > ID_MAX_LENGTH
        siblings = (
            [] if str(current) == STDIN or long else [current.parent / f"{name}.toml" for name in dict.fromkeys([parent, parent.lower()])]
        )
        # (ids are case-insensitive: BASE finds base.toml; a file that extends its own name, a copy of a shipped
        # profile on the search path that changes one value, extends the next file of that id)
        own_id = data.get("id")
        itself = parent.lower() in (current.stem.lower(), own_id.lower() if isinstance(own_id, str) else None)
        skip = {p.resolve() for p, _ in chain if str(p) != STDIN} if itself else set()
        sibling = next((p for p in siblings if p.is_file() and p.resolve() not in skip), None)
        try:
            base_path = sibling if sibling is not None else resolve(kind, parent, dirs, skip=skip)
        except NotFoundError as exc:
            raise InputError(exc.message, where=str(current), key="extends") from None
        visited.add(current.resolve())
        if base_path.resolve() in visited:
            raise InputError(f"'extends' forms a cycle through '{parent}'", where=str(current), key="extends")
        _remember(_EXTENDS, _key(current), _key(base_path))
        current = base_path
    if kind == "workloads":  # (a parent's keys are of its kind: a child of another kind would be blamed on them)
        kinds = [(file, data["kind"]) for file, data in chain if isinstance(data.get("kind"), str)]
        for (child, mine), (parent_file, theirs) in zip(kinds, kinds[1:], strict=False):
            if mine != theirs:
                raise InputError(
                    f"kind = {toml_string(mine)} cannot extend {parent_file.stem} ({_article(theirs)} workload): its keys are "
                    f"{_article(theirs)} workload's; start from {_article(mine)} workload, or write the file without extends",
                    where=str(child),
                    key="kind",
                )
    merged = chain[-1][1]
    emptied: list[tuple[Path, str]] = []
    for file, data in reversed(chain[:-1]):
        if kind == "accelerators" and "aliases" not in data and "id" in data and data["id"] != merged.get("id"):
            # Another id is another profile: it does not answer to the names of the one it starts from.
            merged = {k: v for k, v in merged.items() if k != "aliases"}
        lost: list[str] = []
        merged = _merge(merged, data, _MERGE_ROOTS.get(kind), emptied=lost)
        emptied += [(file, dotted) for dotted in lost]
    _remember(_EMPTIED, _key(path), emptied)
    if len(chain) > 1:
        given: dict[str, Path] = {}  # each value's dotted path -> the nearest file of the chain that gives it
        replaced: set[str] = set()  # paths a nearer file gave a plain value (a number for a whole quantity)
        for file, data in chain:
            paths = list(_dotted(data))
            for dotted, _ in paths:
                if not any(dotted == q or dotted.startswith(q + ".") for q in replaced):
                    given.setdefault(dotted, file)
            replaced.update(dotted for dotted, is_table in paths if not is_table)
        _remember(_GIVEN, _key(path), given)
        _remember(_CHAIN, _key(path), [file for file, _ in chain])
    return merged


_GIVEN: dict[str, dict[str, Path]] = {}
"""Resolved path of a file that extends another -> which file of its chain gives each value."""
_CHAIN: dict[str, list[Path]] = {}
"""Resolved path of a file that extends another -> the files of its chain, nearest first."""
_EMPTIED: dict[str, list[tuple[Path, str]]] = {}
"""Resolved path of a file -> (file of its chain, dotted path) where that file's quantity table gives no value and
replaces an inherited one that had a value (:func:`_merge`)."""


def emptied_quantities(path: Path, *, named: bool = True) -> list[str]:
    """Warnings for the quantities the ``extends`` chain read from ``path`` left unknown by accident: a file's table
    that gives a range or a source but no value replaces the inherited quantity whole, value included. Each names
    its file, but for ``path`` itself with ``named=False`` (a warning shown under that file's name already)."""
    out = []
    for file, dotted in _EMPTIED.get(_key(path), []):
        text = (
            f"{dotted}: the table replaces the inherited {dotted} whole and gives no value, so it is unknown; "
            f"write value = … in it too (an empty table, {dotted} = {{}}, says unknown on purpose)"
        )
        out.append(text if not named and _key(file) == _key(path) else f"{file}: {text}")
    return out


def writer_of(path: Path, key: str) -> Path | None:
    """The file that gives ``key`` (a dotted path) to the document read from ``path``: the nearest file of its
    ``extends`` chain that writes it (or a table holding it), ``path`` itself if it extends nothing and writes it,
    else None."""
    given = _GIVEN.get(_key(path))
    if given is not None:
        return _given_at(given, key)
    try:
        data: Any = read_toml(path)
    except TcoError:
        return None
    for part in split_path(key):
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return path


def _dotted(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, bool]]:
    """Every path of a document, and whether it holds a table."""
    for k, v in data.items():
        yield prefix + k, isinstance(v, Mapping)
        if isinstance(v, Mapping):
            yield from _dotted(v, f"{prefix}{k}.")


def _blame_base(exc: TcoError, path: Path) -> None:
    """An error about a value the file's ``extends`` chain gave names the file that holds it (with the one
    it was read through), not the file that only extends it. A check across fields blames the nearest file of
    the chain that writes any of them: that file changed the pair."""
    given = _GIVEN.get(_key(path))
    if not given:
        return
    chain = _CHAIN.get(_key(path), [path])
    for problem in [exc, *(exc.problems if isinstance(exc, ProblemList) else [])]:
        if problem.where != str(path) or not problem.key:
            continue
        parts = re.split(r"[.\[]", problem.key)
        for n in range(len(parts), 0, -1):
            file = given.get(".".join(parts[:n]))
            if file is not None:
                prefix, _, field = problem.key.rpartition(".")
                # (the fields the check read, as it said, else as the table of checks says by the field's name)
                reads = list(problem.also) or [f"{prefix}.{f}" if prefix else f for f in CROSS_FIELD_CHECKS.get(field, (field,))]
                writers = {f: _given_at(given, f) for f in dict.fromkeys([problem.key, *reads])}
                nearest = next((f for f in chain if f in writers.values()), file)
                own = [f for f, w in writers.items() if f != problem.key and w == nearest]
                extended = "" if nearest == path else f"; extended by {path}"
                if nearest != file and own:
                    problem.where = str(nearest)
                    mine = ", ".join(own)
                    named = problem.key
                    problem.message = f"{problem.message} ({mine} from this file, {named} from {file.name}, which it extends{extended})"
                elif file != path:
                    problem.where, problem.message = str(file), f"{problem.message} (extended by {path})"
                break


def _given_at(given: Mapping[str, Path], key: str) -> Path | None:
    """The file of a chain that gives ``key``, or the table holding it."""
    parts = split_path(key)
    return next((given[p] for n in range(len(parts), 0, -1) if (p := ".".join(parts[:n])) in given), None)


def _python_numbers(value: Any, depth: int = 0) -> Any:
    """A Python caller's override value with numbers of other types (numpy's ``int64`` or ``float32``, a
    Decimal, a Fraction) as the int or float a TOML file gives, in a table or a list too; numpy's bool as the bool it
    holds (a boolean field takes it; a number field refuses it, as it refuses true); anything else is left for
    validation to judge."""
    if is_bool(value) and not isinstance(value, bool):
        return bool(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, decimal.Decimal)):
        try:
            return float(value)
        except OverflowError:  # (a Fraction past 1.8e308; a Decimal reads as inf): refused as infinite
            return math.inf if typing.cast(Any, value) > 0 else -math.inf
    if depth < 2 and isinstance(value, dict):
        return {k: _python_numbers(v, depth + 1) for k, v in value.items()}
    if depth < 2 and isinstance(value, list):
        return [_python_numbers(v, depth + 1) for v in value]
    return value


def _load(kind: str, root: Any, ref: str, overrides: Sequence[tuple[str, Any]], dirs: Sequence[Path] | None, scope: str | None) -> Any:
    """``ref``'s model with ``overrides`` applied; errors' keys start with ``scope`` (None: the id the file gives,
    which --set takes, else the file's name)."""
    if not isinstance(ref, str):  # the Python API: a wrong type is an input error too
        raise InputError(f"expected an id or a file path, got {type(ref).__name__}", key=kind[:-1])
    pairs: list[tuple[str, Any]] = []
    for o in overrides:  # (path, value) pairs, or "path=value" as on the command line
        if isinstance(o, str) and "=" in o:
            path_text, _, value_text = o.partition("=")
            pairs.append((path_text.strip(), parse_value(value_text.strip(), path_text.strip())))
        elif isinstance(o, tuple) and len(o) == 2 and isinstance(o[0], str):
            pairs.append((o[0], _python_numbers(o[1])))
        else:
            raise InputError(f"expected (path, value) pairs or 'path=value' text, got {str(o)[:40]!r}", key="overrides")
    overrides = pairs
    path = resolve(kind, ref, dirs)
    data = read_with_extends(kind, path, dirs)
    empty = not data
    if scope is None:
        scope = data["id"] if isinstance(data.get("id"), str) and data["id"] else Path(ref).stem
    written, before = _written(data, overrides), data
    if overrides:
        data = apply_overrides(data, overrides, root, scope=scope)
    try:
        return _validate(data, root, str(path), written, scope, before)
    except TcoError as exc:
        if empty:  # (an empty file or stdin: not every key it lacks)
            raise InputError(f"is empty (no keys), expected {_A_KIND[kind][0]}", where=str(path)) from None
        other = _other_kind(kind, path, data)
        if other is not None:  # (a workload file given as a profile: its missing keys are not the point)
            raise InputError(f"this is {other[0]}, not {_A_KIND[kind][0]} ({other[1]})", where=str(path)) from None
        _blame_base(exc, path)
        raise


_A_KIND = {
    "accelerators": ("an accelerator profile", "give it as an ACCEL argument"),
    "workloads": ("a workload file", "give it with -w"),
    "scenarios": ("a scenario file", "give it with -s"),
    "benchmarks": ("a set of published training runs", "tco calibrate reads it from a benchmarks/ folder on TCO_PROFILE_PATH"),
    "serving": ("a set of published serving results", "tco calibrate reads it from a serving/ folder on TCO_PROFILE_PATH"),
    "sources": ("a bibliography", "profiles cite its keys; keep it in a sources/ folder on TCO_PROFILE_PATH"),
}
"""What a file of each kind is called, and where it goes."""

_SHOWN_WITH = {"accelerators": "tco profiles show", "workloads": "tco workloads show", "scenarios": "tco scenarios show"}
_LOADED_WITH = {"accelerators": "tco.load_accelerator", "workloads": "tco.load_workload", "scenarios": "tco.load_scenario"}
_GIVEN_AS = {"accelerators": "accelerators", "workloads": "workload", "scenarios": "scenario"}


def kind_hint_for(message: str, *, show: bool = False, arguments: Collection[str] = ()) -> str:
    """A "this is a workload file, not an accelerator profile (give it with -w)" message with its hint said where
    the run commands' -w, -s and ACCEL do not apply: a ``show`` command names the command that shows that kind
    (``show=True``); the Python API, its own argument for that kind among ``arguments``, else the function that
    loads it. Any other message is returned as it is."""
    for kind, said in _SHOWN_WITH.items():
        hint = f"({_A_KIND[kind][1]})"
        if message.startswith(f"this is {_A_KIND[kind][0]}, not ") and message.endswith(hint):
            if show:
                new = f"see it with {said}"
            elif _GIVEN_AS[kind] in arguments:
                new = f"give it as {_GIVEN_AS[kind]}=" + ("[...]" if kind == "accelerators" else "...")
            else:
                new = f"load it with {_LOADED_WITH[kind]}"
            return f"{message[: -len(hint)]}({new})"
    return message


_ANY_KIND = (
    "an accelerator profile, a workload or scenario file or a set of published runs, each with an id ('tco schema KIND' lists its keys)"
)
"""What ``tco profiles validate`` reads, for an empty file in no kind's folder (an empty bibliography, in sources/, is valid)."""


def _content_kind(data: Mapping[str, Any]) -> str | None:
    """The kind a file's keys say it is: a key only that kind has (a workload's ``kind``, a scenario's
    electricity price, an accelerator's memory or peaks, a serving or training row's lengths, a
    bibliography's titled tables); None when they say nothing."""
    rows = data.get("rows")
    row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
    cited = bool(data) and all(isinstance(v, dict) and "title" in v for v in data.values())
    return (
        "workloads"
        if "kind" in data
        else "scenarios"
        if "electricity_usd_per_kwh" in data
        else "accelerators"
        if "memory_gb" in data or "peak" in data
        else "serving"
        if "output_tokens" in row or "input_tokens" in row
        else "benchmarks"
        if "accelerator_count" in row or "seq_len" in row
        else "sources"
        if cited
        else None
    )


def _other_kind(kind: str, path: Path, data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The kind a file that fails as ``kind`` plainly is instead: what its keys say, else its folder's
    name (the content first: a profile kept in a folder named ``workloads/`` is still a profile)."""
    # (a set of published runs always has rows and a bibliography titles: their folders alone say nothing)
    found = _content_kind(data) or (path.parent.name if path.parent.name in ("accelerators", "workloads", "scenarios") else None)
    return _A_KIND[found] if found is not None and found != kind else None


def _misfiled(path: Path, data: Mapping[str, Any]) -> InputError | None:
    """A file whose keys say one kind kept in the folder of another (the search path reads it as that
    folder's kind): one line naming both, not that kind's list of missing keys."""
    folder, content = path.parent.name, _content_kind(data)
    if folder not in _A_KIND or content is None or content == folder:
        return None
    return InputError(
        f"this is {_A_KIND[content][0]}, not {_A_KIND[folder][0]} as its folder {folder}/ says; keep it in a {content}/ folder",
        where=str(path),
    )


def load_model(path: Path, model: type[M]) -> M:
    """Any file validated against ``model`` (used for calibration sets)."""
    data = read_toml(path)
    try:
        return _validate(data, model, str(path), ())  # type: ignore[no-any-return]
    except TcoError:
        if not data:  # (an empty file: not every key it lacks, as a profile, workload or scenario says)
            kind = "serving" if model is ServingSet else "benchmarks"
            raise InputError(f"is empty (no keys), expected {_A_KIND[kind][0]}", where=str(path)) from None
        misfiled = _misfiled(path, data)
        if misfiled is not None:
            raise misfiled from None
        raise


def load_accelerator(ref: str | Path, *, overrides: Sequence[tuple[str, Any]] = (), dirs: Sequence[Path] | None = None) -> Accelerator:
    """An accelerator profile by id, alias or path (text or a Path, as :func:`tco.load_inputs` takes)."""
    ref = str(ref)
    result: Accelerator = _load("accelerators", Accelerator, ref, overrides, dirs, None if looks_like_path(ref) else ref)
    return result


def load_workload(
    ref: str | Path, *, overrides: Sequence[tuple[str, Any]] = (), dirs: Sequence[Path] | None = None
) -> TrainingWorkload | InferenceWorkload:
    """A workload by id or path (text or a Path)."""
    ref = str(ref)
    result: TrainingWorkload | InferenceWorkload = _load("workloads", _WORKLOAD, ref, overrides, dirs, "workload")
    return result


def workload_from_data(
    data: dict[str, Any],
    overrides: Sequence[tuple[str, Any]] = (),
    *,
    kind: type[W],
    where: str = "the command-line options",
) -> W:
    """A workload built from raw data (``tco estimate``'s flags), with ``--set workload.…`` applied as
    for a workload file."""
    written, before = _written(data, overrides), data
    if overrides:
        data = apply_overrides(data, overrides, _WORKLOAD, scope="workload")
    result = _validate(data, _WORKLOAD, where, written, "workload", before)
    if not isinstance(result, kind):
        raise InputError(f"expected a {data.get('kind')} workload here", where="--set", key="workload.kind")
    return result


def load_scenario(
    ref: str | Path | None = None, *, overrides: Sequence[tuple[str, Any]] = (), dirs: Sequence[Path] | None = None
) -> Scenario:
    """A scenario by id or path (text or a Path); the ``default`` scenario when ``ref`` is None."""
    ref = None if ref is None else str(ref)
    result: Scenario = _load("scenarios", Scenario, DEFAULT_SCENARIO if ref is None else ref, overrides, dirs, "scenario")
    return result


_PROFILE_KINDS = ("accelerators", "workloads", "scenarios")


def _fields(*models: type[BaseModel]) -> frozenset[str]:
    return frozenset(f for m in models for f in m.model_fields)


# Keys only one kind of published-run set has, at the top or in its rows: how a set outside its folder is told apart.
_TRAINING_RUN_KEYS = (_fields(CalibrationSet) - _fields(ServingSet), _fields(CalibrationRow) - _fields(ServingRow))
_SERVING_RUN_KEYS = (_fields(ServingSet) - _fields(CalibrationSet), _fields(ServingRow) - _fields(CalibrationRow))


def _run_set_kind(data: Mapping[str, Any], path: Path) -> type[CalibrationSet] | type[ServingSet]:
    """Which published-run set a file with ``rows`` outside benchmarks/ or serving/ is, by the keys only
    one kind has (tuning, seq_len, ... vs input_tokens, scenario, ...); a tie is an error naming the folders."""
    rows = [r for r in data["rows"] if isinstance(r, dict)] if isinstance(data["rows"], list) else []

    def score(keys: tuple[frozenset[str], frozenset[str]]) -> int:
        return len(keys[0] & data.keys()) + sum(len(keys[1] & r.keys()) for r in rows)

    training, serving = score(_TRAINING_RUN_KEYS), score(_SERVING_RUN_KEYS)
    if training != serving:
        return CalibrationSet if training > serving else ServingSet
    raise InputError(
        "a set of published runs, but its keys do not say which kind: put it in a benchmarks/ folder (training runs) "
        "or a serving/ folder (serving results)",
        where=str(path),
        key="rows",
    )


def _kind_by_keys(path: Path, data: Mapping[str, Any]) -> str:
    """The kind of a profile, workload or scenario file outside a kind's folder, from its keys; a file that
    extends another has the kind of the file it extends (a sibling's own chain is followed, at most
    :data:`MAX_EXTENDS_CHAIN` files), else of the first kind whose search path has the id."""
    visited: set[Path] = set()
    for _ in range(MAX_EXTENDS_CHAIN):
        if "kind" in data:
            return "workloads"
        if "electricity_usd_per_kwh" in data:
            return "scenarios"
        parent = data.get("extends")
        if parent is None:
            return "accelerators"
        if not isinstance(parent, str) or looks_like_path(parent) or not parent.strip():
            return _kind_of_keys(data, default="accelerators")  # (an extends that names no id: its own keys say)
        visited.add(path.resolve())
        sibling = path.parent / f"{parent}.toml"
        if not sibling.is_file():
            found = next((k for k in _PROFILE_KINDS if _on_search_path(k, parent)), None)
            return found or _kind_of_keys(data)
        if sibling.resolve() in visited:
            break  # a cycle: reading the file as a profile names it
        try:
            data = read_toml(sibling)
        except TcoError:
            break  # the sibling's problem is named when the chain is read
        path = sibling
    return "accelerators"


def _kind_of_keys(data: Mapping[str, Any], default: str | None = None) -> str:
    """The kind whose fields a file's own keys match most (an accelerator's price and peak, a workload's
    parameters, a scenario's economics): for a file whose ``extends`` names no known id. ``default``: the
    kind of a file none of whose keys is any kind's (else the tie goes to scenarios)."""
    fields = {
        "accelerators": set(Accelerator.model_fields),
        "workloads": set(TrainingWorkload.model_fields) | set(InferenceWorkload.model_fields),
        "scenarios": set(Scenario.model_fields),
    }
    keys = set(data) - {"id", "name", "extends", "description", "source", "note"}
    if default is not None and not any(keys & f for f in fields.values()):
        return default
    return max(fields, key=lambda kind: (len(keys & fields[kind]), kind == "scenarios"))


def _on_search_path(kind: str, ref: str) -> bool:
    try:
        resolve(kind, ref)
    except TcoError:
        return False
    return True


def validate_file(path: Path) -> Accelerator | TrainingWorkload | InferenceWorkload | Scenario | CalibrationSet | ServingSet | None:
    """Validate one file, guessing its kind from its folder, else from its keys; follows ``extends``.
    Published-run sets (``benchmarks/``, ``serving/``, or a file with ``rows`` elsewhere) and
    bibliographies (``sources/``) validate too."""
    data = read_toml(path)
    if not data and path.parent.name != "sources":  # (an empty file: what it should hold, not each key of a kind guessed)
        expected = _A_KIND[path.parent.name][0] if path.parent.name in _A_KIND else _ANY_KIND
        raise InputError(f"is empty (no keys), expected {expected}", where=str(path))
    misfiled = _misfiled(path, data)
    if misfiled is not None:
        raise misfiled
    parent = path.parent.name
    if parent not in _A_KIND:  # (a file outside the kinds' folders: what its keys say, where they say it)
        parent = {"benchmarks": "benchmarks", "serving": "serving", "sources": "sources"}.get(_content_kind(data) or "", parent)
    root: Any
    if parent in ("benchmarks", "serving"):  # the published runs tco calibrate checks the models against
        return _validate(data, CalibrationSet if parent == "benchmarks" else ServingSet, str(path), ())  # type: ignore[no-any-return]
    if parent == "sources":  # a bibliography: one table per citation key
        clash = clashing_citation(path, citations(data, path))
        if clash is not None:
            raise InputError(f"citation key defined twice (also in {shown_path(clash[1])})", where=str(path), key=clash[0])
        return None
    kind = parent if parent in _PROFILE_KINDS else None
    if kind is None:
        if "rows" in data and "extends" not in data:  # a published-run set copied out of its folder
            return _validate(data, _run_set_kind(data, path), str(path), ())  # type: ignore[no-any-return]
        kind = _kind_by_keys(path, data)
    root = {"workloads": _WORKLOAD, "scenarios": Scenario, "accelerators": Accelerator}[kind]
    data = read_with_extends(kind, path, None)
    try:
        return _validate(data, root, str(path), ())  # type: ignore[no-any-return]
    except TcoError as exc:
        _blame_base(exc, path)
        raise


def group_overrides(
    items: Sequence[str], accelerator_ids: Sequence[str]
) -> tuple[dict[str, list[tuple[str, Any]]], list[tuple[str, Any]], list[tuple[str, Any]]]:
    """Split ``--set`` items into (per accelerator, workload, scenario) lists; unknown scopes fail."""
    per_accel: dict[str, list[tuple[str, Any]]] = {a: [] for a in accelerator_ids}
    workload: list[tuple[str, Any]] = []
    scenario: list[tuple[str, Any]] = []
    for item in items:
        scope, path, value = split_set(item, accelerator_ids)
        if scope == "scenario":
            scenario.append((path, value))
        elif scope == "workload":
            workload.append((path, value))
        elif scope in per_accel:
            per_accel[scope].append((path, value))
        else:
            raise InputError(
                unknown_scope(scope, accelerator_ids),
                where="--set",
                key=item.split("=", 1)[0],
            )
    return per_accel, workload, scenario


def same_input_path(path: str, groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """A ``--set``/``--vary`` path as the input it names: the scope in any case, an alias as its profile's
    id, and a quantity's ``.value`` as the quantity (``A100.price_usd.value`` is ``a100-80gb.price_usd``)."""
    groups = [list(g) for g in groups]
    every = [n for g in groups for n in g]
    if fold(path.strip()) == "count":  # every option's count: overlaps each option's own
        return ("count",)
    scope, rest = split_scope(path, every)
    group = next((sorted(g) for g in groups if fold(scope) in {n.lower() for n in g}), None)
    if fold(scope) == "workload" and rest == "accelerator_count":
        return ("count",)
    if group and rest == "count":
        return ("count", group[0])
    # A list's entry is a part of the list (``stages[ext].tokens`` is within ``stages``): the list's name, then the entry.
    pieces = split_path(rest) if ".".join(split_path(rest)) == rest else rest.split(".")
    parts = [group[0] if group else fold(scope)]
    for piece in pieces:
        item = _ITEM.match(piece)
        parts += [item.group(1), f"[{item.group(2)}]"] if item else [piece]
    if parts[-1] == "value":
        parts.pop()
    return tuple(parts)


ABOUT_A_VALUE = frozenset(QUANTITY_KEYS - {"value", "currency"})
"""A quantity's fields that describe its value without changing it (its range, source, date, note)."""


def refuse_repeated_sets(sets: Sequence[str], names: Iterable[Iterable[str]]) -> None:
    """Refuse two ``--set`` of one input in any spelling (one would be dropped), ``names`` the ids and
    aliases each option's profile answers to. A value and its currency set apart are one input: the
    error gives the one-table spelling."""
    groups = [list(g) for g in names]
    seen: list[tuple[tuple[str, ...], str]] = []
    for item in sets:
        path = item.split("=", 1)[0].strip()
        try:
            here = same_input_path(path, groups)
        except InputError as exc:  # (a malformed path is the --set's, as every other --set error says)
            exc.where = exc.where or "--set"
            raise
        for there, before in seen:
            if not overlaps(here, there) and not _table_holds(here, item, there, before):
                continue
            if merges_apart(here, set_value(item), there, set_value(before)):
                continue
            short, long_ = sorted((here, there), key=len)
            if len(long_) == len(short) + 1 and long_[-1] == "currency":
                currency_item, value_item = (item, before) if here == long_ else (before, item)
                raise _one_table_error(value_item, currency_item, (before, item), key=path)
            raise InputError(f"given twice ('{before}' and '{item}'): give it once", where="--set", key=path)
        seen.append((here, item))


def set_value(item: str) -> Any:
    """What a ``--set PATH=VALUE`` item sets, as read (None where it does not read: its own error is elsewhere)."""
    path, _, raw = item.partition("=")
    try:
        return parse_value(raw.strip(), path.strip())
    except TcoError:
        return None


def _table_holds(a: Sequence[str], a_item: str, b: Sequence[str], b_item: str) -> bool:
    """Whether one of two ``--set`` gives a quantity as a table holding the field of it the other sets
    (``pue={value=1.3, low=1.2}`` and ``pue.low=1.0``): the same input twice, one value dropped."""
    short, long_, table = (a, b, a_item) if len(a) < len(b) else (b, a, b_item)
    if len(long_) != len(short) + 1 or tuple(long_[:-1]) != tuple(short) or long_[-1] not in ABOUT_A_VALUE:
        return False
    given = parse_value(table.partition("=")[2].strip(), table.partition("=")[0].strip())
    return isinstance(given, dict) and long_[-1] in given


def _one_table_error(value_item: str, currency_item: str, both: tuple[str, str], *, key: str) -> InputError:
    """A value and its currency are one input: two ``--set`` would each replace the other's half. The
    error spells the one table that gives both (a table given for the value takes the currency beside
    its own fields; one with a currency of its own that differs is refused)."""
    before, item = both
    quantity = value_item.split("=", 1)[0].strip().removesuffix(".value")
    given = parse_value(value_item.partition("=")[2].strip(), value_item.partition("=")[0].strip())
    code = currency_item.partition("=")[2].strip().strip("'\"").upper()
    own = given.get("currency") if isinstance(given, dict) else None
    if own is not None and str(own).upper() != code:
        return InputError(
            f"two currencies for one value ('{before}' and '{item}'): {own} in the table, {code} in the other: give one",
            where="--set",
            key=key,
        )
    if not isinstance(given, (dict, int, float)) or isinstance(given, bool):  # (no table to propose for a value that is no number)
        return InputError(f"given twice ('{before}' and '{item}'): give it once", where="--set", key=key)
    raw = value_item.partition("=")[2].strip()  # as typed (2e5, not 200000.0)
    if isinstance(given, dict):  # the table as typed, the currency added beside its own fields
        table = raw if "currency" in given else f'{raw[:-1].rstrip()}, currency="{code}"}}'
    else:
        table = f'{{value={raw}, currency="{code}"}}'
    return InputError(
        f"a value and its currency are one input ('{before}' and '{item}'): give them as one table, --set '{quantity}={table}'",
        where="--set",
        key=key,
    )


def merges_apart(a: Sequence[str], a_value: Any, b: Sequence[str], b_value: Any) -> bool:
    """Whether two overlapping ``--set`` paths (as :func:`same_input_path` gives them) write apart after all: the
    shorter gives a table that merges into the table there (not a quantity's, which replaces it whole) and does not
    hold the longer's field (``peak={bf16_tflops=500}`` and ``peak.fp8_tflops=2000``; see :func:`apply_overrides`).
    ``a_value`` and ``b_value``: what each sets, as read."""
    (short, table), (long_, _) = sorted([(a, a_value), (b, b_value)], key=lambda x: len(x[0]))
    if len(long_) == len(short) or not isinstance(table, dict) or not table or _is_quantity(table):
        return False
    node: Any = table
    rest = long_[len(short) :]
    for i, piece in enumerate(rest):
        if isinstance(node, dict) and _is_quantity(node):  # (a quantity's table: its range or source set apart is apart)
            return i == len(rest) - 1 and piece in ABOUT_A_VALUE and piece not in node
        if not isinstance(node, dict) or not node:
            return False  # (a value, which replaces what is under it whole)
        if piece not in node:
            return True
        node = node[piece]
    return False


def overlaps(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two paths (as :func:`same_input_path` gives them) write the same input: one is the other
    or a table that holds it (``rental`` and ``rental.usd_per_hour``). A quantity's range or source
    (``pue.low``) does not overlap its value (``pue``)."""
    n = min(len(a), len(b))
    if tuple(a[:n]) != tuple(b[:n]):
        return False
    longer = a if len(a) > len(b) else b
    return not (len(longer) > n and longer[n] in ABOUT_A_VALUE and len(longer) == n + 1)


def gives_rental_rate(path: str, value: Any = None) -> bool:
    """Whether a path (relative to an accelerator) and its value set the rental rate: ``rental.usd_per_hour``
    or its ``.value``, or a ``rental`` table that holds one (its range or source alone gives none)."""
    if path == "rental" and isinstance(value, dict):
        return "usd_per_hour" in value
    return overlaps(tuple(path.split(".")), ("rental", "usd_per_hour"))


def _article(noun: str) -> str:
    """``an accelerator``, ``a workload``."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
