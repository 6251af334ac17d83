"""Hostile round 111 (what rounds 109 and 110 left, and the analyses' numeric edges through the Python API): integers
past 10^16 in a refusal, TOML typos tomllib tells in its words alone (text never closed, ``1.5e3x``, ``1e``, ``0x``,
``0x1G``), compressed and binary files, ``/dev/stdin`` on a pipe, ``TCO_PROFILE_PATH`` at a folder of none of the
expected subfolders, an id typed for one option that another option of the run takes as an alias, ``tco.sweep`` over
a description, ``--params 0.5``; then ``tco.what_if`` with thousands of values, NaN, infinities, negative and huge
values, numpy arrays and generators, ``tco.sweep``, ``tco.simulate``, ``tco.sensitivity``, ``tco.breakeven`` and
``tco.size`` at ranges with low == high, low > high and 300 orders of magnitude wide, and a staged workload of one
token a stage. The analyses' edges were all refused in one line or answered; what was not:

1. An integer of 23 nines was echoed 'got 1e+23', a number it is not: an integer is shown as typed where its short
   form is not exactly it (its digits, grouped, or its leading digits and length past 20 digits).
2. Text never closed was 'Unterminated string (at end of document)' (or 'Expected "'"'), and one left open at its
   line's end 'Illegal character '\\n'': the line (or column) where the text opens is named, with the quote to close it.
3. ``1.5e3x`` got no hint (a unit after a number with an exponent); ``1e`` and ``0x`` were told 'a TOML number
   takes no unit (1e)', which is wrong; ``0x1G`` got nothing: the exponent and the hexadecimal (octal, binary)
   integer are named with the digits they take.
4. A gzip (bzip2, xz, zstd, zip) file was 'the byte 0x8B (at line 1, column 2), which is not UTF-8: save it as
   UTF-8', and a binary (an executable) likewise: it is now named a compressed or binary file.
5. ``cat f | tco profiles validate /dev/stdin`` was refused as a pipe, advised to use ``-``: /dev/stdin (/dev/fd/0)
   on the pipe standard input reads is now read as ``-`` is; another pipe (``<(...)``) is still refused.
6. ``TCO_PROFILE_PATH`` at an existing folder holding none of accelerators/, workloads/, ... was taken silently when
   every id was found in the shipped profiles: a warning says nothing is read from it (and guesses its parent where
   it is itself such a folder).
7. ``tco compare h100-sxm mine`` where mine's profile gives the alias h100-sxm: the id named the built-in, and
   nothing in the run said the alias never names mine ('tco profiles validate' did).
8. ``tco.sweep(inputs, ["workload.name=a,b"], warnings=w)`` left ``w`` empty where the CLI warns that no option
   reads a description.
9. ``tco estimate h100-sxm --params 0.5`` estimated a model of half a parameter (0.5B meant).
10. A run of one token (``--tokens 1``, a stage's ``tokens = 1``) was 'more than the 1 tokens of --tokens'.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tco
from tests.factories import one_error

ROOT = Path(__file__).resolve().parent.parent
SO = ": write it so, or in decimal"
A100 = (ROOT / "profiles" / "accelerators" / "a100-80gb.toml").read_text(encoding="utf-8")


def _with_year(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "b.toml"
    lines = [f"release_year = {value}" if line.startswith("release_year = ") else line for line in A100.split("\n")]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_an_integer_past_10_16_is_shown_as_typed_not_rounded(run, tmp_path: Path) -> None:
    """1: 'release_year = 99999999999999999999999' was 'expected at most 2100, got 1e+23'."""
    r = run("profiles", "validate", str(_with_year(tmp_path, "9" * 23)))
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {tmp_path / 'b.toml'}: release_year: expected at most 2100, got 999999… (23 digits)"
    r = run("profiles", "validate", str(_with_year(tmp_path, "12345678901234567890")))
    assert one_error(r).endswith("release_year: expected at most 2100, got 12,345,678,901,234,567,890")
    r = run("profiles", "validate", str(_with_year(tmp_path, "100000000000000000000")))  # (exactly its short form)
    assert one_error(r).endswith("release_year: expected at most 2100, got 1e+20")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            'id = "x"\nname = """abc\nvendor = "v"\n',
            'Unterminated string (at end of document): the text opened with """ at line 2 is never closed: end it with """',
        ),
        (
            'id = "x"\nname = "abc',
            'Unterminated string (at end of document): the text opened with " at line 2 is never closed: end it with "',
        ),
        ("id = 'x\nname = 1\n", "Expected \"'\" (at end of document): the text opened with ' at line 1 is never closed: end it with '"),
        (
            'id = "x"\nname = "it\'s # x\nvendor = "v"\n',
            "Illegal character '\\n' (at line 2, column 17): the text opened with \" at column 8 is not closed on its line: "
            'end it with " (text over several lines is written in """)',
        ),
    ],
    ids=["triple", "at-end", "literal", "one-line"],
)
def test_text_never_closed_names_where_it_opens(run, tmp_path: Path, text: str, reason: str) -> None:
    """2: tomllib's 'Unterminated string (at end of document)' named no line."""
    path = tmp_path / "u.toml"
    path.write_text(text, encoding="utf-8")
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {path}: not valid TOML: {reason}"


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("1.5e3x", "(at line 5, column 21): a TOML number takes no unit (1.5e3x): write 1.5e3, in the unit the key's name or schema gives"),
        ("1e", "(at line 5, column 17): a TOML exponent has digits after its e (1e): write them, as in 1e3, or leave the e out"),
        ("0x", f"(at line 5, column 17): a hexadecimal integer in TOML is 0x and then only the digits 0-9 and A-F (0x){SO}"),
        ("0x1G", f"(at line 5, column 19): a hexadecimal integer in TOML is 0x and then only the digits 0-9 and A-F (0x1G){SO}"),
        ("0b12", f"(at line 5, column 19): a binary integer in TOML is 0b and then only the digits 0 and 1 (0b12){SO}"),
    ],
)
def test_a_number_typo_is_named_with_what_to_write(run, tmp_path: Path, value: str, hint: str) -> None:
    """3: 1.5e3x and 0x1G were 'Expected newline or end of document after a statement' alone; 1e and 0x were told
    they carried a unit."""
    r = run("profiles", "validate", str(_with_year(tmp_path, value)))
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {tmp_path / 'b.toml'}: not valid TOML: Expected newline or end of document after a statement {hint}"


def test_a_compressed_or_binary_file_is_named_so(run, tmp_path: Path) -> None:
    """4: a gzip file was 'the byte 0x8B (at line 1, column 2), which is not UTF-8: save it as UTF-8'."""
    path = tmp_path / "g.toml"
    path.write_bytes(gzip.compress(A100.encode()))
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    assert one_error(r) == (
        f"Error: {path}: not valid TOML: expected TOML text, got a binary file (gzip-compressed: it starts with the bytes 1F 8B): "
        "gunzip it first"
    )
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(100) + b"\xd0\x01")
    r = run("profiles", "validate", str(path))
    assert one_error(r) == (
        f"Error: {path}: not valid TOML: expected TOML text, got a binary file (100 of its first 109 bytes are NUL): give the TOML file"
    )
    path.write_bytes(b'BZh1 = 3\nid = "x"\n')  # (text that starts as bzip2's mark does is read as text)
    assert "not valid TOML" not in run("profiles", "validate", str(path)).stderr


@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="no /dev/stdin")
def test_dev_stdin_on_a_pipe_is_read_as_standard_input(tmp_path: Path) -> None:
    """5: 'cat f | tco profiles validate /dev/stdin' was refused: 'is a pipe ...: give one input through standard
    input, -'."""
    done = subprocess.run(
        [sys.executable, "-m", "tco", "profiles", "validate", "/dev/stdin"], input=A100, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok: /dev/stdin\n", "")
    bad = A100.replace("release_year = 2020", "release_year = 3000")
    done = subprocess.run(
        [sys.executable, "-m", "tco", "profiles", "validate", "/dev/stdin"], input=bad, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr) == (1, "Error: /dev/stdin: release_year: expected at most 2100, got 3000\n")


def test_a_search_path_folder_of_no_expected_subfolder_is_warned_of(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """6: TCO_PROFILE_PATH at a folder holding none of the expected subfolders was taken silently."""
    (tmp_path / "accelerators").mkdir()
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "accelerators"))
    r = run("compare", "a100", "-w", "gpt3-1.3b")
    assert r.exit_code == 0
    assert r.stderr.splitlines()[0] == (
        f"Warning: TCO_PROFILE_PATH: {tmp_path / 'accelerators'} holds no accelerators/, workloads/, scenarios/, benchmarks/, "
        f"serving/ or sources/ folder, so nothing is read from it (did you mean {tmp_path}?)"
    )
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    assert "Warning" not in run("compare", "a100", "-w", "gpt3-1.3b").stderr


def test_an_id_that_another_option_takes_as_an_alias_is_warned_of(run, user_profile) -> None:
    """7: with mine.toml giving aliases = ["h100-sxm"], 'tco compare h100-sxm mine' compared the built-in and mine,
    and nothing said the alias never names mine."""
    text = A100.replace('id = "a100-80gb"', 'id = "mine"').replace('aliases = ["nvidia-a100-80gb-sxm", "a100"]', 'aliases = ["h100-sxm"]')
    path = user_profile("accelerators", "mine", text)
    r = run("compare", "h100-sxm", "mine", "-w", "gpt3-1.3b")
    assert r.exit_code == 0
    assert r.stderr.splitlines()[0] == (
        f"Warning: h100-sxm: names h100-sxm, not mine ({path}) whose alias it also is: an id comes first, so the alias "
        "never names that profile"
    )
    assert "Warning" not in run("compare", "h100-sxm", "-w", "gpt3-1.3b").stderr


def test_the_python_sweep_warns_of_a_description_as_the_cli_does() -> None:
    """8: tco.sweep over workload.name gave identical rows and no warning in ``warnings``."""
    inputs = tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b")
    warned: list[str] = []
    assert tco.sweep(inputs, ["workload.name=a,b"], warnings=warned).total_rows == 2
    assert warned == ["vary workload.name=a,b: no option reads it (a description: no figure changes with it)"]
    warned = []
    tco.sweep(inputs, ["workload.seq_len=1024,2048"], warnings=warned)
    assert warned == []


def test_half_a_parameter_is_refused(run) -> None:
    """9: '--params 0.5' estimated a model of half a parameter."""
    r = run("estimate", "h100-sxm", "--params", "0.5")
    assert r.exit_code == 1
    assert one_error(r) == "Error: --params: expected at least 1 parameter, got 0.5: a count of parameters (0.5B is 0.5 billion)"
    with pytest.raises(tco.InputError) as exc:
        tco.estimate("h100-sxm", parameters=0.5)
    assert str(exc.value) == "parameters: expected at least 1 parameter, got 0.5: a count of parameters (0.5B is 0.5 billion)"
    assert run("estimate", "h100-sxm", "--params", "1").exit_code == 0


def test_a_run_of_one_token_is_one_token(run) -> None:
    """10: 'the default global batch (...) is more than the 1 tokens of --tokens'."""
    r = run("estimate", "h100-sxm", "--params", "1", "--tokens", "1", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert "is more than the 1 token of --tokens: the figures count a fraction of one step" in r.stdout
    assert "1 tokens" not in r.stdout
