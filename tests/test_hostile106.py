"""Hostile round 106 (Unicode and length in ids and text, through every output format): profiles whose id, name, source
or note hold bidirectional controls, zero-width characters, C1 controls (U+0085, U+009B: a CSI in some terminals),
homoglyphs of a shipped id, combining marks, full-width digits and a 64-character id, run through compare's five text
formats, the HTML report and the workbook. Earlier rounds made the table, CSV, Markdown, report and workbook show
controls as '?' (test_hostile, 59, 62b, 76, 89; loader8 for the TOML dump); these are what they left."""

from __future__ import annotations

import json

import pytest

from tests.factories import one_error, run_main, shipped_copy

# What a terminal or viewer acts on rather than shows, that a name or source may carry: C1 (NEL, CSI), DEL, the bidi
# overrides and isolates, and the zero-width characters.
HOSTILE = "\x85\x9b\x7f\u202e\u2066\u2069\u200b\u200d\ufeff"
NAME = "A100 \u202eevil\u2066x\u2069 \u200b\u200d\ufeff \u0085nel \u009b31m \x7f e\u0301 \U0001f600 \uff11\uff12"


def _evil(user_profile) -> None:
    """A copy of the shipped A100 80GB under the id 'evil', named :data:`NAME` (written as TOML escapes)."""
    escaped = "".join(c if c.isascii() and c.isprintable() else f"\\U{ord(c):08X}" for c in NAME)
    user_profile("accelerators", "evil", shipped_copy("a100-80gb", "evil", name=f'"{escaped}"'))


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_escapes_c1_bidi_and_zero_width_characters_and_reads_back_the_same_name(run, user_profile, fmt: str) -> None:
    """1: ``-f json`` and ``-f jsonl`` wrote a name's U+009B (a CSI introducer), U+202E, U+2066/U+2069, U+200B/U+200D,
    U+FEFF and DEL raw (json.dumps with ensure_ascii=False escapes only C0), so ``tco compare ... -f json`` on a
    terminal acted on them, where the table, CSV and Markdown show '?'. They are now written as ``\\uXXXX``
    escapes: no such character reaches the output, and a JSON reader gets the name back exactly as the file gave it."""
    _evil(user_profile)
    r = run("compare", "evil", "a100-80gb", "-w", "llama3-8b", "-f", fmt)
    assert r.exit_code == 0, r.stderr
    assert not set(r.stdout) & set(HOSTILE)
    assert "A100 \\u202eevil\\u2066x\\u2069 \\u200b\\u200d\\ufeff \\u0085nel \\u009b31m \\u007f e\u0301 \U0001f600 \uff11\uff12" in r.stdout
    records = json.loads(r.stdout)["results"] if fmt == "json" else [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["name"] for x in records] == [NAME, "A100 80GB SXM4"]


def test_profiles_list_and_show_in_json_escape_them_too(run, user_profile) -> None:
    """1: the same escape in every command's JSON (one function writes them all): the profile listing and show."""
    _evil(user_profile)
    for args in (["profiles", "list", "-f", "json"], ["profiles", "show", "evil", "-f", "jsonl"]):
        r = run(*args)
        assert r.exit_code == 0, r.stderr
        assert not set(r.stdout) & set(HOSTILE), args
        assert "\\u202eevil" in r.stdout


@pytest.mark.parametrize(
    ("given", "character"),
    [
        ("\u0430100-80gb", "character 1 is U+0430 CYRILLIC SMALL LETTER A"),
        ("e\u0301x", "character 2 is U+0301 COMBINING ACUTE ACCENT"),
        ("a100\u200b-80gb", "character 5 is U+200B ZERO WIDTH SPACE"),
        ("a\uff11\uff12", "character 2 is U+FF11 FULLWIDTH DIGIT ONE"),
    ],
)
def test_a_refused_id_that_looks_valid_names_the_character_that_is_not_ascii(run, user_profile, given: str, character: str) -> None:
    """2: a profile whose id is the shipped 'a100-80gb' with a Cyrillic а was refused with "got 'а100-80gb'", which a
    reader sees as the valid id it refuses (an NFD 'é' or a full-width digit likewise: they look like letters an id
    may hold). The refusal now names the first character that is not ASCII, by position, code point and name."""
    path = user_profile("accelerators", "mine", shipped_copy("a100-80gb", given))
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    shown = repr(given)
    assert one_error(r) == (
        f"Error: {path}: id: expected an id (lower-case letters, digits, '.', '_' and '-', from a letter or digit), "
        f"got {shown} ({character}, not ASCII)"
    )


def test_a_64_character_id_is_the_longest_accepted(run, user_profile) -> None:
    """2's bound, pinned: 64 characters load and compare; 65 are refused naming the file and the key."""
    ok, long = "a" * 60 + "-one", "a" * 61 + "-one"
    user_profile("accelerators", "ok", shipped_copy("a100-80gb", ok))
    path = user_profile("accelerators", "long", shipped_copy("a100-80gb", long))
    r = run("compare", ok, "-w", "llama3-8b", "-f", "csv")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1].split(",")[3] == ok
    r = run("profiles", "validate", str(path))
    assert one_error(r) == f"Error: {path}: id: expected text of at most 64 characters, got 65"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["compare", "\u0430100-80gb", "-w", "llama3-8b"],
            "Error: unknown accelerator '\u0430100-80gb' (did you mean 'a100-80gb'? character 1 is U+0430 CYRILLIC "
            "SMALL LETTER A, not ASCII); see 'tco profiles list'",
        ),
        (
            ["compare", "a100-80gb", "h100-sxm", "-w", "llama3-8b", "--set", "\u0430100-80gb.price_usd=1"],
            "Error: --set: \u0430100-80gb.price_usd: '\u0430100-80gb' is not scenario, workload or a compared accelerator "
            "(did you mean 'a100-80gb'? character 1 is U+0430 CYRILLIC SMALL LETTER A, not ASCII)",
        ),
        (
            ["compare", "a100-80gb", "-w", "llama3-8b", "--set", "a100-80gb.pric\u0435_usd=1"],
            "Error: --set: a100-80gb.pric\u0435_usd: no such field (did you mean 'price_usd'? character 5 is U+0435 "
            "CYRILLIC SMALL LETTER IE, not ASCII)",
        ),
    ],
)
def test_did_you_mean_says_which_character_of_a_homoglyph_differs(run, args: list[str], line: str) -> None:
    """3: ``tco compare а100-80gb`` (a Cyrillic а) said "unknown accelerator 'а100-80gb' (did you mean 'a100-80gb'?)":
    two spellings a reader cannot tell apart, the one refused and the one offered. It is refused still (never picked
    silently, by --set either), and the message now says which character is not the ASCII one."""
    r = run(*args)
    assert r.exit_code == 1
    assert one_error(r) == line


@pytest.mark.parametrize(
    ("line", "old", "reason"),
    [
        (
            "tdp_w = \uff14\uff10\uff10",
            "tdp_w = ",
            "Invalid value (at line 11, column 9): the character there is U+FF14 (FULLWIDTH DIGIT FOUR), not ASCII, "
            "which TOML takes only in quoted text or a comment: write '4'",
        ),
        (
            "pr\u0456ce_usd = 17500",
            "price_usd = ",
            "Expected '=' after a key in a key/value pair (at line 12, column 3): the character there is U+0456 "
            "(CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I), not ASCII, which TOML takes only in quoted text or a comment",
        ),
    ],
)
def test_toml_that_stops_at_a_look_alike_character_names_it(run, user_profile, line: str, old: str, reason: str) -> None:
    """5: 'tdp_w = ４００' (full-width digits, as an IME types them) was refused with "Invalid value (at line 11,
    column 9)" and a Cyrillic і in a key with "Expected '=' after a key", at a character that looks right in any
    editor. The refusal now names it, and the ASCII character to write where there is one (NFKC's)."""
    text = shipped_copy("a100-80gb", "mine")
    lines = text.split("\n")
    at = next(i for i, x in enumerate(lines) if x.startswith(old))
    path = user_profile("accelerators", "mine", "\n".join([*lines[:at], line, *lines[at + 1 :]]))
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    # (the TOML parser's own words quote '=' in single quotes in Python 3.11's tomllib, in double quotes in tomli)
    assert one_error(r).replace('"="', "'='") == f"Error: {path}: not valid TOML: {reason}"


def test_a_c1_control_in_a_key_is_named_as_a_control_character(run, user_profile) -> None:
    """5: a quoted key 'price_usd' + U+009B (which Unicode gives no name) was said to be 'U+009B UNNAMED'."""
    path = user_profile("accelerators", "mine", shipped_copy("a100-80gb", "mine").replace("price_usd =", '"price_usd\\u009b" =', 1))
    r = run("profiles", "validate", str(path))
    assert one_error(r) == (
        f"Error: {path}: \"price_usd\\u009B\": unknown key (did you mean 'price_usd'? character 10 is U+009B (a control "
        "character), not ASCII)"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["compare", "hygon-\u212a100", "-w", "llama3-8b"],
            "Error: unknown accelerator 'hygon-\u212a100' (did you mean 'hygon-k100'? character 7 is U+212A KELVIN SIGN, "
            "not ASCII); see 'tco profiles list'",
        ),
        (
            ["compare", "a100-80gb", "-w", "deepsee\u212a-v3"],
            "Error: unknown workload 'deepsee\u212a-v3' (did you mean 'deepseek-v3'? character 8 is U+212A KELVIN SIGN, "
            "not ASCII); see 'tco workloads list'",
        ),
        (
            ["compare", "hygon-k100", "-w", "llama3-8b", "--set", "hygon-\u212a100.price_usd=1"],
            "Error: --set: hygon-\u212a100.price_usd: 'hygon-\u212a100' is not scenario, workload or a compared accelerator "
            "(did you mean 'hygon-k100'? character 7 is U+212A KELVIN SIGN, not ASCII)",
        ),
        (
            ["compare", "a100-80gb", "-w", "llama3-8b", "--set", "wor\u212aload.tuning=tuned"],
            "Error: --set: wor\u212aload.tuning: 'wor\u212aload' is not scenario, workload or a compared accelerator "
            "(did you mean 'workload'? character 4 is U+212A KELVIN SIGN, not ASCII)",
        ),
        (
            ["sweep", "hygon-k100", "-w", "llama3-8b", "--vary", "hygon-\u212a100.price_usd=1,2"],
            "Error: --vary: hygon-\u212a100.price_usd: 'hygon-\u212a100' is not scenario, workload or a compared accelerator "
            "(did you mean 'hygon-k100'? character 7 is U+212A KELVIN SIGN, not ASCII)",
        ),
    ],
)
def test_a_kelvin_sign_does_not_stand_for_the_k_of_an_id(run, args: list[str], line: str) -> None:
    """6: ids, aliases and --set scopes were matched through ``str.lower()``, which makes the KELVIN SIGN U+212A an
    ASCII 'k': ``tco compare hygon-\u212a100`` compared the shipped hygon-k100, ``--set hygon-\u212a100.price_usd=1``
    priced it at $1 and ``--set wor\u212aload.tuning=tuned`` tuned the workload, each silently. Only ASCII capitals
    fold now (``errors.fold``): the look-alike is refused, saying which character it is."""
    r = run(*args)
    assert r.exit_code == 1
    assert one_error(r) == line


def test_an_id_in_ascii_capitals_still_finds_its_profile(run) -> None:
    """6's other side: the case an id is matched without regard to is ASCII's, as before."""
    r = run("compare", "HYGON-K100", "-w", "llama3-8b", "--set", "HYGON-K100.price_usd=1", "--set", "WORKLOAD.tuning=tuned", "-f", "json")
    assert r.exit_code == 0, r.stderr
    (x,) = json.loads(r.stdout)["results"]
    assert x["option"] == "hygon-k100"
    assert json.loads(r.stdout)["inputs"]["sets"] == ["HYGON-K100.price_usd=1", "WORKLOAD.tuning=tuned"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["compare", "a100-80gb", "-w", "llama3-8b", "--set", "a100-80gb.price_usd=\uff11\uff12"],
            "Error: --set: a100-80gb.price_usd: expected a number more than 0 or a table with value, low, high, source, "
            "as_of, got text '\uff11\uff12' (digits that are not ASCII, as an input method may type them: write 12)",
        ),
        (
            ["compare", "a100-80gb", "-w", "llama3-8b", "--set", "scenario.pue=\uff11\uff0e\uff12"],
            "Error: --set: scenario.pue: expected a number of at least 1 or a table with value, low, high, source, as_of, "
            "got text '\uff11\uff0e\uff12' (digits that are not ASCII, as an input method may type them: write 1.2)",
        ),
        (
            ["compare", "a100-80gb", "-w", "llama3-8b", "--set", "workload.seq_len=\u0968\u0966\u096a\u096e"],
            "Error: --set: workload.seq_len: expected a whole number, got '\u0968\u0966\u096a\u096e' (digits that are not "
            "ASCII, as an input method may type them: write 2048)",
        ),
        (
            ["compare", "a100-80gb", "-w", "llama3-8b", "--set", "workload.seq_len=x\uff11"],
            "Error: --set: workload.seq_len: expected a whole number, got 'x\uff11'",
        ),
    ],
)
def test_a_number_in_full_width_or_other_digits_is_refused_with_the_ascii_number(run, args: list[str], line: str) -> None:
    """7: ``--set a100-80gb.price_usd=１２`` (full-width digits, as a Japanese or Chinese input method types them) was
    refused as "got text '１２'", which reads as the number it was refused for. Still refused (TOML and tco read ASCII
    digits, though Python's float() takes any script's), it now says the number to write; text that is no number in
    any digits ('x１') gets no hint."""
    r = run(*args)
    assert r.exit_code == 1
    assert one_error(r) == line


def test_a_flags_whole_number_in_full_width_digits_says_the_ascii_one(capsys) -> None:
    """7: a flag's number too (``-n １００``): a usage error, exit 2, with the number to write."""
    code, out, err = run_main(capsys, "simulate", "a100-80gb", "-w", "llama3-8b", "-n", "\uff11\uff10\uff10", "-q")
    assert (code, out) == (2, "")
    assert err == (
        "Error: Invalid value for '--samples' / '-n': expected a whole number, got '\uff11\uff10\uff10' (digits that are "
        "not ASCII, as an input method may type them: write 100) (see 'tco simulate --help')\n"
    )


def test_a_files_quoted_number_in_full_width_digits_says_the_ascii_one(run, user_profile) -> None:
    """7: in a profile, ``tdp_w = "４００"`` (quoted, so TOML reads it) is refused as text with the number to write."""
    path = user_profile("accelerators", "mine", shipped_copy("a100-80gb", "mine", tdp_w='"\uff14\uff10\uff10"'))
    r = run("profiles", "validate", str(path))
    assert one_error(r) == (
        f"Error: {path}: tdp_w: expected a number more than 0 or a table with value, low, high, source, as_of, got text "
        "'\uff14\uff10\uff10' (digits that are not ASCII, as an input method may type them: write 400)"
    )
