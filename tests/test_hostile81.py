"""Hostile round 81 (the Python API's arguments, file encodings, numbers at their edges, -o names): a profile saved
as UTF-16 (Windows PowerShell 5's ``>``) was 'not UTF-8 text', or without a byte-order mark a NUL to delete; a
Latin-1 byte was not placed; ``tco.estimate(layout=...)`` refused numpy integers its ``shape`` takes; a huge shape
value was shown cut to 40 digits as if whole; ``size --power-kw inf`` and ``ID:rent=inf`` asked for a positive
number, which inf is; ``-o 'out.xlsx '`` wrote a text table to a file of that name; an id missing from the API's
``dirs`` pointed at ``tco profiles list``, which lists the shipped profiles ``dirs`` leaves out. Each is fixed and
tested here."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tco
from tests.factories import run_main

ROOT = Path(__file__).parents[1]
H100 = (ROOT / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
SAVE = "save it as UTF-8"


def _one_error(capsys, *args: str) -> tuple[int, str]:
    """(exit code, the one stderr line) of a run that must fail with nothing on stdout and no traceback."""
    code, out, error = run_main(capsys, *args)
    assert out == "" and "Traceback" not in error
    assert error.count("\n") == 1 and error.startswith("Error: "), error
    return code, error.rstrip("\n")


@pytest.mark.parametrize(
    ("encoding", "why"),
    [
        ("utf-16", "got UTF-16 (the file starts with the byte-order mark FF FE)"),
        ("utf-16-le", "got UTF-16 (every other byte is 0)"),
        ("utf-16-be", "got UTF-16 (every other byte is 0)"),
        ("utf-32", "got UTF-32 (the file starts with the byte-order mark FF FE 00 00)"),
    ],
)
def test_a_profile_saved_as_utf16_or_utf32_is_named_so(capsys, tmp_path: Path, encoding: str, why: str) -> None:
    """1: a profile saved as UTF-16 with its byte-order mark said only 'not valid TOML: not UTF-8 text'; without the
    mark (UTF-8 reads ASCII in UTF-16 as text with a NUL after each letter) it said 'Expected '=' after a key ... the
    character there is U+0000 ...: delete it', a fix that mends nothing. Both now name the encoding and the fix."""
    path = tmp_path / "h.toml"
    path.write_bytes(H100.encode(encoding))
    expected = f"Error: {path}: not valid TOML: expected UTF-8 text, {why}: {SAVE}"
    for args in (("profiles", "validate", str(path)), ("compare", str(path), "-w", "chat-70b")):
        assert _one_error(capsys, *args) == (1, expected)
    with pytest.raises(tco.InputError) as caught:
        tco.load_accelerator(path)
    assert str(caught.value) == expected.removeprefix("Error: ")


def test_a_utf16_profile_on_the_search_path_is_skipped_with_the_reason(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1: the same reason where `profiles list` skips such a file on TCO_PROFILE_PATH (a warning; the listing stands)."""
    (tmp_path / "accelerators").mkdir()
    path = tmp_path / "accelerators" / "mine.toml"
    path.write_bytes(H100.replace('id = "h100-sxm"', 'id = "mine"').encode("utf-16"))
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    code, out, error = run_main(capsys, "profiles", "list", "-f", "csv")
    assert code == 0 and ",h100-sxm," in out and "Traceback" not in error
    reason = "not valid TOML: expected UTF-8 text, got UTF-16 (the file starts with the byte-order mark FF FE)"
    assert f"Warning: skipped {path}: {reason}: {SAVE}\n" in error


def test_a_latin1_byte_is_placed_by_line_and_column(capsys, tmp_path: Path) -> None:
    """2: a file with one Latin-1 'é' said 'not UTF-8 text', leaving the user to find the byte. It is now named and
    placed, as tomllib places its errors (the column counts characters, the 'é' of a UTF-8 'café' as one)."""
    path = tmp_path / "w.toml"
    path.write_bytes('id = "w"\nname = "café d\xe9j\xe0"\n'.encode("latin-1").replace(b"caf\xe9", "café".encode()))
    code, error = _one_error(capsys, "workloads", "show", str(path))
    assert (code, error) == (
        1,
        f"Error: {path}: not valid TOML: expected UTF-8 text, got the byte 0xE9 (at line 2, column 15), which is not UTF-8: {SAVE}",
    )


def test_a_utf8_file_with_a_byte_order_mark_and_crlf_still_loads(capsys, tmp_path: Path) -> None:
    """Pinned beside 1: a UTF-8 byte-order mark (an editor's) and CRLF line ends are UTF-8, and load."""
    path = tmp_path / "h.toml"
    path.write_bytes(b"\xef\xbb\xbf" + H100.replace("\n", "\r\n").encode("utf-8"))
    code, out, error = run_main(capsys, "profiles", "validate", str(path))
    assert (code, out.strip(), error) == (0, f"ok: {path}", "")


def test_the_api_reads_numpy_integers_in_a_layout_as_its_shape_does() -> None:
    """3: tco.estimate(layout={'tensor_parallel': np.int64(2)}) said "layout['tensor_parallel']: expected a whole
    number, got np.int64(2)": the argument check kept the caller's mapping because it equals the converted one
    ({np.int64(2)} == {2}), and the workload model then refused the numpy integer. A value converted anywhere
    inside an argument is now passed on converted; the same layout as ints gives the same estimate."""
    plain = tco.estimate("h100-sxm", parameters=7e9, layout={"tensor_parallel": 2, "recompute": "full"})
    numpy = tco.estimate("h100-sxm", parameters=7e9, layout={"tensor_parallel": np.int64(2), "recompute": np.str_("full")})
    assert numpy.layout == plain.layout and numpy.layout is not None and numpy.layout["tensor_parallel"] == 2
    assert numpy.tokens_per_second_per_accelerator == plain.tokens_per_second_per_accelerator
    with pytest.raises(tco.TcoError) as caught:  # (a numpy integer out of range is refused for its value)
        tco.estimate("h100-sxm", parameters=7e9, layout={"tensor_parallel": np.int32(-2)})
    assert str(caught.value) == "layout['tensor_parallel']: expected at least 1, got -2"
    inputs = tco.load_inputs(["h100-sxm", "mi300x"], workload="chat-70b")  # (a what-if's numpy values, as before)
    assert tco.what_if(inputs, {"workload.max_batch": [np.int64(64)]}).changes == {"workload.max_batch": [64.0]}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2**200, "expected at most 1,000,000,000,000,000, got 160693… (61 digits)"),
        (10**16, "expected at most 1,000,000,000,000,000, got 10,000,000,000,000,000"),
        (-(2**70), "expected a whole number of at least 1, got -118059… (22 digits)"),
    ],
)
def test_a_huge_shape_value_is_not_shown_cut_as_if_whole(value: int, shown: str) -> None:
    """4: tco.estimate(shape={'layers': 2**200, ...}) said 'got 1606938044258990275541962092341162602522', the first
    40 of its 61 digits: another number. It is now shown as every other whole-number argument shows one."""
    with pytest.raises(tco.InputError) as caught:
        tco.estimate("h100-sxm", parameters=7e9, shape={"layers": value, "d_model": 4096})
    assert str(caught.value) == f"shape['layers']: {shown}"


@pytest.mark.parametrize("value", ["inf", "1e400", "-inf", "nan"])
@pytest.mark.parametrize("flag", ["--deadline-days", "--budget-usd", "--capex-usd", "--power-kw"])
def test_a_size_limit_past_the_floats_asks_for_a_finite_one(capsys, tmp_path: Path, flag: str, value: str) -> None:
    """5: `tco size h100-sxm -w llama3-8b --power-kw inf` (or 1e400, which reads as inf) said 'expected a positive
    number, got inf': inf is positive. It now asks for a finite one; 0 keeps its message. Nothing is written."""
    out_file = tmp_path / "s.csv"
    code, error = _one_error(capsys, "size", "h100-sxm", "-w", "llama3-8b", flag, value, "-o", str(out_file))
    # (hostile round 108: NaN and infinity named as every refusal names them)
    got = {"nan": ", got NaN", "-inf": ", got -infinity"}.get(value, " (at most 1.8e308), got infinity")
    assert (code, error) == (1, f"Error: {flag}: expected a finite positive number{got}")
    assert not out_file.exists()
    assert _one_error(capsys, "size", "h100-sxm", "-w", "llama3-8b", flag, "0") == (1, f"Error: {flag}: expected a positive number, got 0")


@pytest.mark.parametrize("rate", ["inf", "1e400", "nan"])
def test_a_rent_rate_past_the_floats_asks_for_a_finite_one(capsys, rate: str) -> None:
    """6: `h100-sxm:rent=1e400` said 'expected :rent=USD_PER_HOUR with a positive number of at least 1e-300': 1e400
    is both. It now asks for a finite one; a rate of 0 or below keeps its message."""
    code, error = _one_error(capsys, "compare", f"h100-sxm:rent={rate}", "-w", "chat-70b")
    assert (code, error) == (
        1,
        "Error: accelerator: expected :rent=USD_PER_HOUR with a finite positive number"
        f"{' (at most 1.8e308), got infinity' if rate != 'nan' else ', got NaN'} in 'h100-sxm:rent={rate}'",
    )  # (hostile round 108: NaN and infinity named as every refusal names them)
    code, error = _one_error(capsys, "compare", "h100-sxm:rent=0", "-w", "chat-70b")
    assert error == "Error: accelerator: expected :rent=USD_PER_HOUR with a positive number of at least 1e-300, got 'h100-sxm:rent=0'"


@pytest.mark.parametrize("name", ["out.xlsx ", " out.csv", "out.json\n", "out.md\t", " - "])
@pytest.mark.parametrize("command", [("compare", "h100-sxm", "-w", "chat-70b"), ("report", "h100-sxm", "-w", "chat-70b", "-n", "100")])
def test_an_output_name_with_a_blank_at_either_end_is_a_usage_error(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], name: str
) -> None:
    """7: `-o 'out.xlsx '` (a name pasted with its trailing space) wrote the text table to a file named 'out.xlsx ',
    which no spreadsheet opens (Windows drops the space: the text lands in out.xlsx). Such a name is now a usage
    error (exit 2), and nothing is written."""
    monkeypatch.chdir(tmp_path)
    code, error = _one_error(capsys, *command, "-o", name)
    usage = f"expected a file name without a space, tab or line break at either end, got {name!r}"
    assert (code, error) == (2, f"Error: Invalid value for '--output' / '-o': {usage} (see 'tco {command[0]} --help')")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda d: tco.load_inputs(["h100-sxm"], workload="chat-70b", dirs=d),
        lambda d: tco.load_workload("chat-70b", dirs=d),
        lambda d: tco.calibrate(dirs=d),
    ],
)
def test_an_id_missing_from_the_apis_dirs_names_dirs(tmp_path: Path, call) -> None:
    """8: with dirs=[FOLDER] (which replaces the search path) a shipped id said "unknown accelerator 'h100-sxm'; see
    'tco profiles list'", a listing that shows it. The message now names dirs and how to search the shipped ones."""
    with pytest.raises(tco.NotFoundError) as caught:
        call([tmp_path])
    message = str(caught.value)
    assert re.fullmatch(
        rf"unknown (accelerator 'h100-sxm'|workload 'chat-70b'|scenario 'default') in dirs \({re.escape(str(tmp_path))}\), which "
        r"replace the search path: leave dirs out to search TCO_PROFILE_PATH and the shipped profiles",
        message,
    ), message
    assert tco.load_inputs(["h100-sxm"], workload="chat-70b", dirs=[tco.loader.builtin_dir()]).options[0].label == "h100-sxm"


@pytest.mark.parametrize(("kind", "flag"), [("accelerators", None), ("workloads", "-w"), ("scenarios", "-s")])
def test_extends_dash_does_not_read_standard_input(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, flag: str | None
) -> None:
    """9: 'extends = "-"' in a file read its parent from standard input ('-' names it on the command line), so
    `tco compare mine.toml -w chat-70b` waited on the terminal, and `tco profiles list` hung on such a file anywhere
    on TCO_PROFILE_PATH; fed a profile, it loaded it. '-' is no id: refused as a path is, and stdin is not read."""
    shipped = {"accelerators": "accelerators/h100-sxm", "workloads": "workloads/chat-70b", "scenarios": "scenarios/default"}[kind]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((ROOT / "profiles" / f"{shipped}.toml").read_bytes())))
    path = tmp_path / "mine.toml"
    path.write_text('id = "mine"\nextends = "-"\n' + ("aliases = []\n" if kind == "accelerators" else ""), encoding="utf-8")
    args = {None: ("compare", str(path), "-w", "chat-70b"), "-w": ("compare", "h100-sxm", "-w", str(path))}.get(
        flag, ("compare", "h100-sxm", "-w", "chat-70b", "-s", str(path))
    )
    singular = {"accelerators": "an accelerator", "workloads": "a workload", "scenarios": "a scenario"}[kind]
    expected = f"Error: {path}: extends: expected the id of {singular} to extend (not standard input), got '-'"
    assert _one_error(capsys, *args) == (1, expected)
    assert sys.stdin.read(2) in ("id", "# ")  # (nothing of it was read)


def test_a_profile_on_the_search_path_that_extends_dash_is_skipped(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """9: the same file in a TCO_PROFILE_PATH folder: `profiles list` (which reads every file for its names) skips it
    with the reason, and a run that names another profile is untouched."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(H100.encode("utf-8"))))
    (tmp_path / "accelerators").mkdir()
    path = tmp_path / "accelerators" / "mine.toml"
    path.write_text('id = "mine"\naliases = []\nextends = "-"\n', encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    code, out, error = run_main(capsys, "profiles", "list", "-f", "csv")
    assert code == 0 and ",h100-sxm," in out and ",mine," not in out
    assert f"Warning: skipped {path}: extends: expected the id of an accelerator to extend (not standard input), got '-'\n" in error
    code, out, error = run_main(capsys, "compare", "h100-sxm", "-w", "chat-70b", "-f", "csv")
    assert code == 0 and error.startswith("h100-sxm: effective cost")
    assert sys.stdin.read(2) == "id"


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        ({"precision": "FP8"}, "precision: expected Precision | Literal['bf16', 'fp16', 'fp8', 'int8', 'fp4'], got str 'FP8': "),
        ({"tuning": "Tuned"}, "tuning: expected Tuning | Literal['typical', 'tuned'] | None, got str 'Tuned': "),
        ({"seq_len": float("nan")}, "seq_len: expected int | None, got float nan: "),
        ({"mode": b"\xff"}, "mode: expected str, got bytes b'\\xff': "),
    ],
)
def test_an_argument_refused_by_its_choices_or_as_nan_says_why_in_the_houses_words(arguments: dict, why: str) -> None:
    """10: tco.estimate(precision='FP8') said "input should be 'bf16', 'fp16', 'fp8', 'int8' or 'fp4'", seq_len=nan
    'input should be a finite number' and bytes that are not UTF-8 'input should be a valid string, unable to parse raw
    data as a unicode string': pydantic's words, which round 54 replaced for every other refusal. Each now says why in
    the house's, with the spelling to write where only the case differs (as --set does)."""
    with pytest.raises(tco.InputError) as caught:
        tco.estimate("h100-sxm", parameters=7e9, **arguments)
    reason = {
        "precision": "not 'bf16', 'fp16', 'fp8', 'int8' or 'fp4' (write 'fp8')",
        "tuning": "not 'typical' or 'tuned' (write 'tuned')",
        "seq_len": "not a finite number",
        "mode": "bytes that are not UTF-8 text",
    }[next(iter(arguments))]
    assert str(caught.value) == why + reason
    assert "should" not in str(caught.value)
