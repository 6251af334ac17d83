"""Hostile round 108 (consistency of refusals across flags, files and the Python API): a NaN or an infinity given to
each number flag, to ``--range``, ``--vary``, ``:rent=``, ``--set``, a TOML file and the Python API; a subnormal size
limit; a huge measured rate in a plausibility warning; a command-line byte that is not UTF-8, echoed by a refusal.
Earlier rounds made these refusals finite-aware (test_hostile69, 75, 81; test_review47) and refused subnormals
(test_hostile, 57, 58); these are the paths whose words still differed."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco
from tco.api import benchmark_warnings
from tests.factories import accelerator, bench, inference, one_error, run_main, training

W = ("-w", "gpt3-1.3b")
PAIR = ("a100-80gb", "h100-sxm", *W)


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("size", "a100-80gb", *W, "--budget-usd", "nan"), "--budget-usd: expected a finite positive number, got NaN"),
        (
            ("size", "a100-80gb", *W, "--deadline-days", "inf"),
            "--deadline-days: expected a finite positive number (at most 1.8e308), got infinity",
        ),
        (("size", "a100-80gb", *W, "--power-kw=-inf"), "--power-kw: expected a finite positive number, got -infinity"),
        (
            ("cashflow", "a100-80gb", *W, "--revenue-usd-per-day", "inf"),
            "--revenue-usd-per-day: expected a finite revenue of at least 0 (at most 1.8e308), got infinity",
        ),
        (("estimate", "h100-sxm", "--params", "nan"), "--params: expected a finite positive number, got NaN"),
        (("estimate", "h100-sxm", "--params", "1e999"), "--params: expected a finite positive number (at most 1.8e308), got infinity"),
        (("breakeven", *PAIR, "--range", "nan:1"), "--range: expected finite numbers, got NaN in 'nan:1'"),
        (("breakeven", *PAIR, "--range=-inf:1"), "--range: expected finite numbers (at least -1.8e308), got -infinity in '-inf:1'"),
        (
            ("sweep", "a100-80gb", *W, "--vary", "scenario.pue=1:inf:3"),
            "--vary: scenario.pue: expected finite numbers (at most 1.8e308), got infinity in '1:inf:3'",
        ),
        (("sweep", "a100-80gb", *W, "--vary", "scenario.pue=1,nan"), "--vary: scenario.pue: expected finite numbers, got NaN"),
        (
            ("compare", "a100-80gb:rent=nan", *W),
            "accelerator: expected :rent=USD_PER_HOUR with a finite positive number, got NaN in 'a100-80gb:rent=nan'",
        ),
        (("compare", "a100-80gb", *W, "--set", "scenario.pue=nan"), "--set: scenario.pue: expected a finite number, got NaN"),
        (
            ("compare", "a100-80gb", *W, "--set", "scenario.pue=inf"),
            "--set: scenario.pue: expected a finite number (at most 1.8e308), got infinity",
        ),
    ],
)
def test_a_nan_or_an_infinity_is_named_the_same_by_every_flag(run, args: tuple[str, ...], line: str) -> None:
    """1: the same value was worded four ways: ``--budget-usd nan`` said 'got nan', ``--deadline-days inf`` and
    ``--budget-usd 1e999`` 'got inf', ``--params nan`` "got 'nan'", ``--range nan:1`` and ``--vary ...=1:inf:3`` only
    "expected finite numbers, got 'nan:1'", ``:rent=nan`` 'a finite positive number of at least 1e-300' (it is no
    number at all), while ``--set scenario.pue=nan`` said 'got NaN' and ``=inf`` 'got infinity'. Every path now
    names a NaN 'NaN' and an infinity 'infinity' with the bound a number typed past the floats breaks
    (tco.errors.not_finite); a range, a --vary spec and an option still quote what was typed after 'in'."""
    r = run(*args)
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {line}"


@pytest.mark.parametrize(("value", "got"), [("nan", ", got NaN"), ("inf", " (at most 1.8e308), got infinity")])
def test_a_toml_file_and_the_python_api_name_them_in_the_same_words(run, user_profile, value: str, got: str) -> None:
    """1 and 5: a scenario file's ``pue = nan`` said 'got NaN' as ``--set`` does, but ``tco.what_if(inputs,
    {'scenario.pue': [nan]})`` said only 'scenario.pue: expected finite numbers', naming no value, and
    ``tco.size(inputs, budget_usd=nan)`` 'got nan', ``tco.breakeven(..., value_range=(0, nan))`` 'expected two
    finite numbers, the low below the high, got 0, nan'. The file, --set and the calls now say the same words (the
    key path named as each source names it; a range's end by which end it is)."""
    text = (Path(__file__).resolve().parent.parent / "profiles" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    text = text.replace('id = "default"', 'id = "mine"', 1)
    text = "\n".join(f"pue = {value}" if line.startswith("pue = ") else line for line in text.splitlines())
    path = user_profile("scenarios", "mine", text)
    r = run("compare", "a100-80gb", *W, "-s", "mine")
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {path}: pue: expected a finite number{got}"
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    number = float(value)
    with pytest.raises(tco.InputError) as caught:
        tco.what_if(inputs, {"scenario.pue": [number]})
    assert str(caught.value) == f"scenario.pue: expected finite numbers{got}"
    with pytest.raises(tco.InputError) as caught:
        tco.size(inputs, budget_usd=number)
    assert str(caught.value) == f"budget_usd: expected a finite positive number{got}"
    pair = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(pair, "a100-80gb", "h100-sxm", value_range=(0.0, number))
    assert str(caught.value) == f"value_range: expected finite numbers{got} as the high end"


@pytest.mark.parametrize(
    ("flag", "shown"), [("--budget-usd", "1e-310"), ("--capex-usd", "1e-310"), ("--power-kw", "1e-310"), ("--deadline-days", "5e-324")]
)
def test_a_subnormal_size_limit_is_refused_as_every_other_number_flag_refuses_one(run, flag: str, shown: str) -> None:
    """2: ``tco size a100-80gb -w gpt3-1.3b --budget-usd 1e-310`` ran a search and answered 'even the minimum count
    that fits in memory (1) exceeds $1e-310' (``--deadline-days 5e-324``: 'no count meets 5e-324 days'), where
    ``--params``, ``--tokens``, ``--lease-months`` and ``:rent=`` refuse a value below 1e-300 (the models' TINY)
    outright. The four size limits now refuse it in the same words, exit 1 as those flags do, and tco.size() too;
    tco estimate's flags, which quoted the value ("got '1e-310'", "expected a positive finite number, got '-1'"),
    now write it as the others do ('got 1e-310', 'expected a positive number, got -1')."""
    r = run("size", "a100-80gb", *W, flag, shown)
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {flag}: expected a positive number of at least 1e-300, got {shown}"
    assert one_error(run("estimate", "h100-sxm", "--params", "8e9", "--tokens", shown)) == (
        f"Error: --tokens: expected a positive number of at least 1e-300, got {shown}"
    )
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        tco.size(inputs, **{flag[2:].replace("-", "_"): float(shown)})
    assert str(caught.value) == f"{flag[2:].replace('-', '_')}: expected a positive number of at least 1e-300, got {shown}"


def test_a_huge_measured_rate_is_written_as_the_tables_write_it() -> None:
    """3: a profile's measured 1e300 tokens/s (which validation takes: it only has to be finite) was written in full
    in the plausibility warning, '1,000,000,000,000,000,052,504,...,540,160 tokens/s' (301 digits), and the MFU it
    implies as 'MFU inf' (the product 1e300 x 6.12e9 FLOPs overflowed). The rate is now written as the tables
    write a figure (render.num): '1e+300'; the MFU as the engine's MFU warnings write one (engine._mfu_text):
    1e300 x 6.12e9 / 1e14 = 6.12e+295. An ordinary rate keeps its digits: 100,000 tokens/s implies MFU
    1e5 x 6.12e9 / 1e14 = 6.12."""
    # The toy trains 6 x 1e9 + 12 x 10 layers x 1000 x 1000 tokens = 6.12e9 FLOPs per token on a 100 TFLOPS peak.
    (line,) = benchmark_warnings(accelerator(benchmarks=[bench("toy-train", 1e300)]), training())
    assert line == (
        "toy: the measured 1e+300 tokens/s on toy-train implies MFU 6.12e+295 (> 0.75) of its 100 TFLOPS bf16 peak: "
        "implausible; check the measurement (test)"
    )
    (line,) = benchmark_warnings(accelerator(benchmarks=[bench("toy-serve", 1e300)]), inference())
    assert line == "toy: the measured 1e+300 tokens/s on toy-serve needs more memory bandwidth than the 1000 GB/s spec"
    (line,) = benchmark_warnings(accelerator(benchmarks=[bench("toy-train", 1e5)]), training())
    assert line.startswith("toy: the measured 100,000 tokens/s on toy-train implies MFU 6.12 (> 0.75)")


BYTE = "\udc85"
"""The byte 0x85 of ``$'100\\x85'`` as Python decodes a command line that is not UTF-8 (its surrogate escape)."""


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (
            ("simulate", *PAIR, "-n", f"100{BYTE}"),
            2,
            "Invalid value for '--samples' / '-n': expected a whole number, got '100\\x85' (see 'tco simulate --help')",
        ),
        (
            ("size", "a100-80gb", *W, "--deadline-days", f"1{BYTE}"),
            2,
            "Invalid value for '--deadline-days': expected a number, got '1\\x85' (see 'tco size --help')",
        ),
        (
            ("compare", "a100-80gb", *W, "-f", f"j{BYTE}"),
            2,
            "Invalid value for '--format' / '-f': 'j\\x85' is not one of 'table', 'csv', 'json', 'jsonl', 'markdown', "
            "'xlsx'. (see 'tco compare --help')",
        ),
        (("compare", "a100-80gb", "-w", f"gpt{BYTE}"), 1, "unknown workload 'gpt\\x85'; see 'tco workloads list'"),
        (
            ("compare", f"a100{BYTE}", *W),
            1,
            "unknown accelerator 'a100\\x85' (did you mean 'a100'? character 5 is the byte 0x85, not UTF-8 text); see 'tco profiles list'",
        ),
        (
            ("compare", "a100-80gb", *W, "--set", f"scenario.pue=1{BYTE}"),
            1,
            "--set: scenario.pue: expected a number of at least 1 or a table with value, low, high, source, as_of, got text '1\\x85'",
        ),
        (("estimate", "h100-sxm", "--params", f"1{BYTE}"), 1, "--params: expected a number such as 6.7e9 or 6.7B, got '1\\x85'"),
    ],
)
def test_a_command_line_byte_that_is_not_utf8_is_echoed_as_the_byte(capsys, args: tuple[str, ...], code: int, line: str) -> None:
    """4: ``tco simulate ... -n $'100\\x85'`` was refused (exit 2) echoing ``'100\\udc85'``, Python's surrogate escape
    of the byte, which the user never typed; a workload, an accelerator, --set, --params and --format echoed it so
    too, and the did-you-mean named it 'U+DC85 (unnamed)', a character no text holds. Every echo now shows the
    byte as the user wrote it, ``\\x85`` (tco.errors.shown_text, the CLI's one-line printer), and the look-alike
    note names it as a byte that is not UTF-8."""
    got, out, error = run_main(capsys, *args)
    assert (got, out) == (code, "")
    assert error == f"Error: {line}\n"
    assert "udc" not in error


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("breakeven", *PAIR, "--param", ""), "--param: expected scenario.<field>, workload.<field> or <accelerator-id>.<field>, got ''"),
        (("compare", "a100-80gb", "-w", ""), "--workload: expected a workload id or a file path, got ''"),
        (("compare", "a100-80gb", *W, "-s", ""), "--scenario: expected a scenario id or a file path, got ''"),
        (("compare", "a100-80gb", *W, "-b", ""), "--baseline: expected an accelerator id or a file path, got ''"),
        (("sensitivity", *PAIR, "--vs", ""), "--vs: expected an accelerator id or a file path, got ''"),
        (("compare", "a100-80gb", *W, "--set", ""), "--set: expected PATH=VALUE, got ''"),
        (("sweep", "a100-80gb", *W, "--vary", ""), "--vary: expected PATH=LO:HI:N or PATH=v1,v2,..., got ''"),
    ],
)
def test_an_empty_text_flag_is_refused_saying_what_it_got(run, args: tuple[str, ...], line: str) -> None:
    """5: of the text flags given '' (``-w ''``, ``-s ''``, ``-b ''``, ``--vs ''``, ``--set ''``, ``--vary ''``), each
    refusal ends 'got ''', but ``tco breakeven ... --param ''`` (and ``tco.breakeven(..., param='')``,
    ``tco.what_if(inputs, {'': [1]})``) said only 'expected scenario.<field>, workload.<field> or
    <accelerator-id>.<field>': a blank path has no key to print before the message, so nothing showed what was
    given. It now ends 'got ''' as the others do."""
    r = run(*args)
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {line}"
    pair = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    expected = "expected scenario.<field>, workload.<field> or <accelerator-id>.<field>, got ''"
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(pair, "a100-80gb", "h100-sxm", param="")
    assert str(caught.value) == f"param: {expected}"
    with pytest.raises(tco.InputError) as caught:
        tco.what_if(pair, {"": [1.0]})
    assert str(caught.value) == f"what_if: {expected}"


@pytest.mark.parametrize(("value", "named"), [("NaN", "NaN"), ("Infinity", "infinity"), ("-INF", "-infinity"), ('"nan"', "NaN")])
def test_a_nan_that_toml_reads_as_text_is_still_named_as_a_nan(run, user_profile, value: str, named: str) -> None:
    """5: ``--budget-usd NaN`` and ``--params Infinity`` are refused as 'got NaN' and 'got infinity' (the flags read
    every spelling Python's float() reads), but ``--set scenario.pue=NaN`` (TOML spells it nan: this is bare text)
    said only 'expected a number of at least 1 or a table ..., got text 'NaN'', as for any word, and a file's
    ``pue = "nan"`` the same: nothing said that the value was refused for what it is. Both now add
    '(NaN is no finite number)', naming it as every other refusal of a NaN or an infinity does."""
    start = "expected a number of at least 1 or a table with value, low, high, source, as_of, got text"
    shown = value.strip('"')
    r = run("compare", "a100-80gb", *W, "--set", f"scenario.pue={value}")
    assert r.exit_code == 1
    assert one_error(r) == f"Error: --set: scenario.pue: {start} '{shown}' ({named} is no finite number)"
    text = (Path(__file__).resolve().parent.parent / "profiles" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    text = "\n".join(
        f'pue = "{shown}"' if line.startswith("pue = ") else line for line in text.replace('id = "default"', 'id = "mine"', 1).splitlines()
    )
    path = user_profile("scenarios", "mine", text)
    r = run("compare", "a100-80gb", *W, "-s", "mine")
    assert one_error(r) == f"Error: {path}: pue: {start} '{shown}' ({named} is no finite number)"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("estimate", "h100-sxm", "--params=-1"), "--params: expected a positive number, got -1"),
        (("estimate", "h100-sxm", "--params", "0"), "--params: expected a positive number, got 0"),
        (("size", "a100-80gb", *W, "--budget-usd", "0"), "--budget-usd: expected a positive number, got 0"),
        (
            ("cashflow", "a100-80gb", *W, "--lease-usd-per-month", "1", "--lease-months", "1e-320"),
            "--lease-months: expected a positive number of at least 1e-300, got 1e-320",
        ),
        (("estimate", "h100-sxm", "--params", "1e-320"), "--params: expected a positive number of at least 1e-300, got 1e-320"),
    ],
)
def test_a_value_below_its_bound_is_written_the_same_by_estimate_size_and_cashflow(run, args: tuple[str, ...], line: str) -> None:
    """2: ``tco estimate h100-sxm --params -1`` said "expected a positive finite number, got '-1'" and ``--params
    1e-320`` "got '1e-320'", in quotes, where ``tco size ... --budget-usd 0`` says 'expected a positive number, got 0'
    and ``--lease-months 1e-320`` 'got 1e-320'. tco estimate now writes them as the others do."""
    r = run(*args)
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {line}"
