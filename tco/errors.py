"""User-caused failures.

Every error a user can cause (a bad file, an unknown id, an impossible request) is a
:class:`TcoError`. The CLI turns each one into a single line on stderr and exit code 1;
anything else is a bug: one line naming it as one, and exit code 3 (README, Exit codes).
"""

from __future__ import annotations

import difflib
import math
import os
import re
import sys
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal


def show_number(value: float, *, grouping: bool = False) -> str:
    """A number in a message: six significant digits where they are the number (``0.5``, ``1e+300``, with
    ``grouping`` ``1,234.5``), else its shortest exact text, so that a refusal never shows the limit it refused:
    ``0.9999999`` is not ``1``, and below the smallest normal float ``:g`` prints wrong digits (``1e-320`` is
    not ``9.99989e-321``)."""
    if not math.isfinite(value):
        return repr(float(value))
    short = f"{value:,.6g}" if grouping else f"{value:.6g}"
    exact = float(short.replace(",", "")) == value and not 0 < abs(value) < sys.float_info.min
    return short if exact else f"{float(value):,}" if grouping else repr(float(value))  # (29,449.99 with grouping)


def show_non_finite(value: float) -> str:
    """A NaN or an infinity as every refusal names it: ``NaN``, ``infinity``, ``-infinity`` (not Python's ``nan``
    and ``inf``, which one path echoed where another said ``NaN``)."""
    if math.isnan(value):
        return "NaN"
    return "-infinity" if value < 0 else "infinity"


def not_finite(value: float, expected: str = "a finite number", *, signed: bool = True) -> str:
    """Why a NaN or infinite ``value`` is refused where ``expected`` is asked for, in one wording for every flag,
    ``--set``, file and Python argument: ``expected a finite number, got NaN``, ``expected a finite number (at most
    1.8e308), got infinity`` (a number typed past the largest float, ``1e400``, reads as infinity: the bound says why).
    ``signed``: the value may be negative, so -infinity is named with the lower bound too; a value that must be
    positive names -infinity without one."""
    got = show_non_finite(value)
    if math.isnan(value) or (value < 0 and not signed):
        return f"expected {expected}, got {got}"
    return f"expected {expected} ({'at least -' if value < 0 else 'at most '}1.8e308), got {got}"


def shown_text(text: str) -> str:
    """``repr(text)`` for a refusal's echo of an argument, with a byte the command line could not decode shown as
    the byte (``'100\\x85'``), not as Python's surrogate escape of it (``'100\\udc85'``)."""
    return escaped_bytes(repr(text))


def escaped_bytes(quoted: str) -> str:
    """``quoted`` (text with a repr() in it, as click quotes a refused choice) with each surrogate escape of an
    undecodable byte, ``\\udc85``, written as the byte, ``\\x85`` (an escaped backslash before 'udc85' left as it is)."""
    return re.sub(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])", r"\1\\x\2", quoted)


ASCII_SPACE = " \t\n\r\x0b\x0c"
"""The white space a number flag's value may have around it (``str.strip(ASCII_SPACE)``): str.strip() and float() also
take Unicode's (NEL U+0085, no-break space U+00A0, em space U+2003), which no number tco reads holds; ``-n '100\x85'``
is refused as ``--deadline-days '100\x85'`` is, not read as 100."""


def unsigned_zero(value: float) -> float:
    """``value``, with -0.0 (an input written ``-0``, or a product of it) as 0.0: a zero is printed without a sign in
    every output (``0``, never ``-0`` or ``-0.0``); any other value, an int too, as it is."""
    return 0.0 if isinstance(value, float) and value == 0 else value


HUGE = 1e15
"""From here on a table shows a number in scientific notation: 1e+308 instead of 309 digits."""


def money(v: float | None, symbol: str = "$") -> str:
    """A money figure as every output and message writes it: whole units from 100 up, cents from 1, four places
    below, scientific past :data:`HUGE`; "—" for an unknown (None or NaN)."""
    if v is None or v != v:
        return "—"
    if v < 0:
        return "-" + money(-v, symbol)
    if v == 0:
        return f"{symbol}0"
    if v >= HUGE:  # past a quadrillion: digits nobody reads (extreme what-ifs)
        return f"{symbol}{v:.3g}"
    if abs(v) >= 100:
        return f"{symbol}{v:,.0f}"
    if abs(v) >= 1:
        return f"{symbol}{v:,.2f}"
    return f"{symbol}{v:.4f}" if v >= 1e-4 else f"{symbol}{v:.2g}"


def rounded_down(value: float, *, places: int | None = None, digits: int | None = None) -> float:
    """``value`` cut (never rounded up) to ``places`` decimals or to ``digits`` significant digits: a threshold an
    option wins *below*, as a figure to show or to set, stays on its winning side (160,090.52 is 160,090, not
    160,091, at which the option loses); within 1e-9 of the rounded figure it is that figure (the tie itself)."""
    if not math.isfinite(value) or value == 0:
        return value
    if places is None:
        places = (digits or 6) - 1 - math.floor(math.log10(abs(value)))
    step = Decimal(1).scaleb(-places)
    exact = Decimal(repr(float(value)))
    nearest = float(exact.quantize(step))
    if abs(nearest - value) <= 1e-9 * abs(value):  # (the solver's own precision: 59,999.99999999 is the tie at 60,000)
        return nearest
    return float(exact.quantize(step, rounding=ROUND_FLOOR))


def show_count(value: float) -> str:
    """A parameter count in a message: ``8.03B``, ``16.4T``, and past a thousand trillion the number itself
    (``1.64e+19``; below a millionth of a billion too), never a count of billions in exponent form (``1.64e+10B``)."""
    for scale, unit in ((1e9, "B"), (1e12, "T")):
        text = f"{value / scale:.3g}"
        if "e" not in text:
            return text + unit
    return show_number(value)


class TcoError(Exception):
    """A problem the user can fix. ``where`` is a file name (or ``--set``), ``key`` a dotted path."""

    def __init__(self, message: str, *, where: str | None = None, key: str | None = None, also: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.key = key
        self.also = tuple(also)
        """Other keys (under the same ``where``) the problem depends on: a --set of one of them is blamed."""

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.key) if p]
        return ": ".join([*parts, self.message])

    def lines(self) -> list[str]:
        """One line per problem, as the CLI prints them after ``Error:``."""
        return [str(self)]


class InputError(TcoError):
    """A file or value that does not satisfy its schema."""


class NotFoundError(TcoError):
    """An id or path that names nothing."""


class MissingInputError(TcoError):
    """A computation needs a value that the profile leaves unknown."""


class UnknownInputError(InputError, MissingInputError):
    """An analysis' refusal of an option whose inputs it needs are unknown, naming them (``tco.api.analysable``'s):
    an input error, as every refusal of what the inputs give, and a missing input, as the engine's."""


class InfeasibleError(TcoError):
    """The request cannot be met (model does not fit, no count meets a deadline, ...)."""


MAX_LISTED_PROBLEMS = 100
"""Problems of one input spelled out; past them an error says how many more there are."""


class ProblemList(TcoError):
    """Several problems in one input; each is printed on its own line. ``more``: problems found past the
    listed ones and not spelled out (an input with thousands of bad keys lists the first
    :data:`MAX_LISTED_PROBLEMS`)."""

    def __init__(self, problems: Sequence[TcoError], more: int = 0) -> None:
        self.problems = list(problems)
        self.more = more
        super().__init__("")

    @property
    def message(self) -> str:
        """The problems joined, as they read now (a caller may rename a problem's key after raising), and how
        many more there are."""
        return "; ".join(self.lines())

    @message.setter
    def message(self, _: str) -> None:
        pass

    def __str__(self) -> str:
        return self.message

    def lines(self) -> list[str]:
        listed = [str(p) for p in self.problems]
        if self.more:
            where = self.problems[0].where if self.problems else None
            listed.append(f"{where + ': ' if where else ''}{self.more:,} more problem{'s' if self.more != 1 else ''}, not listed")
        return listed


ABBREVIATIONS = {
    "tpot": "time_per_output_token_ms",
    "tpot_ms": "time_per_output_token_ms",
    "ttft": "time_to_first_token_ms",
    "ttft_ms": "time_to_first_token_ms",
    "tp": "tensor_parallel",
    "pp": "pipeline_parallel",
    "cp": "context_parallel",
    "ep": "expert_parallel",
    "top_k": "experts_per_token",
    "params": "parameters",
    "tokens": "training_tokens",
    # (serving benchmarks' words for a request's lengths: input/output, ISL/OSL)
    "input_tokens": "prompt_tokens",
    "input_length": "prompt_tokens",
    "isl": "prompt_tokens",
    "output_length": "output_tokens",
    "osl": "output_tokens",
}
"""Short names users write for a key (the command line's flags among them), and the key they mean."""


WHOLE_DIGITS = re.compile(r"[0-9]+(?:_[0-9]+)*")
"""A whole number in ASCII digits, grouped by single underscores as Python and TOML write them (``1_000``): how
``ID@COUNT``, ``--vary``'s N and the whole-number flags read one (``@８``, ``_1`` and ``1__0`` are not numbers)."""


def show_whole(n: int, grouped: bool = False) -> str:
    """A whole number for a message: in full up to 20 digits (``grouped``: with thousands separators),
    else its leading digits and length."""
    text = str(abs(n))
    if len(text) <= 20:
        return f"{n:,}" if grouped else str(n)
    return f"{'-' if n < 0 else ''}{text[:6]}… ({len(text)} digits)"


def is_bool(value: object) -> bool:
    """Python's bool or numpy's (``np.True_``), which is no ``int`` but converts to 1 as quietly."""
    return isinstance(value, bool) or (type(value).__module__ == "numpy" and type(value).__name__ in ("bool_", "bool"))


def too_large(value: object) -> str | None:
    """Why an integer past the largest float (1.8e308) is refused, naming its length (its leading digits alone would
    read as another number); None for any other value."""
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) <= sys.float_info.max:
        return None
    digits = len(str(abs(value))) if abs(value) < 10**4000 else 4000  # (str() refuses past 4,300 digits)
    return f"expected a finite number (at most 1.8e308), got a {digits:,}{'+' if digits == 4000 else ''}-digit integer"


def ascii_float(text: str) -> float:
    """``float(text)`` for a number written in ASCII, as ``--set`` (TOML) and ``ID@COUNT`` read one: Python's own
    float() also reads other scripts' digits ('１２０', '١٢٠'). ValueError for any other text."""
    if not text.isascii():
        raise ValueError(f"not an ASCII number: {text[:40]!r}")
    return float(text)


def underflow(text: str, value: object) -> str | None:
    """Why ``text``, which reads as the float ``value``, is refused: a number too close to 0 for a float
    (``1e-400`` reads as 0) is not the 0 its digits do not write. None for any other value."""
    if not (isinstance(value, float) and value == 0 and any(c in "123456789" for c in text.lower().split("e")[0])):
        return None
    return f"{text.strip()} is too close to 0 for a float (it reads as 0): give a number of at least 1e-300 in size"


def unexpanded(text: str, what: str = "file") -> str:
    """Why a name that is no file (or folder, ``what``) may have been meant as one: a ``~`` or a ``$VAR`` is
    expanded by a shell, not by tco, and stays as written where none expands it (quoted, after ``--output=`` in
    some shells, in a script's list of arguments, a .env file); else ''."""
    if text.startswith("~") and os.path.expanduser(text) != text:  # (not '~nobody/x': no such user, no such home)
        return f"; a '~' is not expanded here: write the {what} in full ({os.path.expanduser(text)})"
    if re.search(r"\$\{?[A-Za-z_]", text) or re.search(r"%[A-Za-z_]\w*%", text):
        return f"; a variable is not expanded here: write the {what} in full"
    return ""


def unknown_inputs(paths: Sequence[str]) -> str:
    """``a, which is unknown`` or ``a and b, which are unknown``: the inputs a figure needs and lacks, in one voice
    wherever a message names them."""
    if not paths:
        return ""
    listed = paths[0] if len(paths) == 1 else ", ".join(paths[:-1]) + " and " + paths[-1]
    return f"{listed}, which {'is' if len(paths) == 1 else 'are'} unknown"


def give_with(paths: Sequence[str]) -> str:
    """``give it with --set a=VALUE`` or ``give them with --set a=VALUE --set b=VALUE``: how to give what
    :func:`unknown_inputs` names."""
    return f"give {'it' if len(paths) == 1 else 'them'} with " + " ".join(f"--set {p}=VALUE" for p in paths)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(text: str) -> str:
    """``text`` with its ASCII capitals made small and nothing else changed: how an id, an alias or a ``--set`` scope
    is matched without regard to case (``H100-SXM`` finds ``h100-sxm``). Not ``str.lower()``, which makes the KELVIN
    SIGN U+212A an ASCII 'k': 'hygon-\u212a100' found hygon-k100, and ``--set wor\u212aload.tuning=tuned`` set the
    workload's tuning, a look-alike taken silently for the id it imitates (an id is ASCII; a look-alike is refused)."""
    return text.translate(_ASCII_LOWER)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate (or the key an abbreviation such as
    ``tpot_ms`` stands for), or ``""``."""
    names = list(candidates)
    full = ABBREVIATIONS.get(word.lower().replace("-", "_"))
    if full in names:
        return f" (did you mean '{full}'?)"
    same = [n for n in names if n.lower() == word.lower()]  # differs only in case (PUE for pue)
    # (a name a datasheet gives without its unit, bf16 or tdp, is the one key that adds it: bf16_tflops, tdp_w)
    unit = [n for n in names if n.lower().startswith(f"{word.lower()}_") and "_" not in n[len(word) + 1 :]] if word else []
    close = same or unit[:1] * (len(unit) == 1) or difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:
        return ""
    # (a look-alike: 'а100-80gb' with a Cyrillic а reads as the suggestion itself unless the message says which differs)
    foreign = foreign_character(word) if close[0].isascii() else ""
    return f" (did you mean '{close[0]}'? {foreign})" if foreign else f" (did you mean '{close[0]}'?)"


def foreign_character(text: str) -> str:
    """``""`` for ASCII text; else which of its characters is the first that is not ASCII, by position, code point and
    name (``character 1 is U+0430 CYRILLIC SMALL LETTER A, not ASCII``): an id is ASCII, and a Cyrillic а, a
    full-width digit, a combining accent or a zero-width space in one looks like (or is invisible beside) the ASCII
    character it stands for, so a message quoting the text alone shows a refused id as the valid one."""
    at = next((i for i, c in enumerate(text) if not c.isascii()), None)
    if at is None:
        return ""
    import unicodedata  # (only a message about non-ASCII text needs the character names)

    c = text[at]
    if 0xDC80 <= ord(c) <= 0xDCFF:  # (a command-line byte that is not UTF-8, in Python's surrogate escape: no character)
        return f"character {at + 1} is the byte 0x{ord(c) - 0xDC00:02X}, not UTF-8 text"
    name = unicodedata.name(c, "") or ("(a control character)" if unicodedata.category(c) == "Cc" else "(unnamed)")
    return f"character {at + 1} is U+{ord(c):04X} {name}, not ASCII"


def unknown_scope(scope: str, accelerators: Iterable[str]) -> str:
    """Why a --set/--vary path's first part names no input: an option's label (``h100-sxm@64``, ``h100-sxm:rent``)
    is named by its accelerator's id, the profile every option of it reads; else the nearest name."""
    names = list(accelerators)
    head = scope.replace(":", "@").split("@", 1)[0]
    if head != scope and head.lower() in {n.lower() for n in names}:
        return f"'{scope}' names an option: a path names the accelerator by its id ('{head}'), whose inputs its options share"
    return f"'{scope}' is not scenario, workload or a compared accelerator{did_you_mean(scope, ['scenario', 'workload', *names])}"
