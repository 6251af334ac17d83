"""Hostile round 75 (--currency in any case on every supported typer; key paths as typed, not .value; the count hint
of every 'not one of the compared options'; an empty file validated in one line; pydantic's words and internal class
names replaced by what was expected and what was given): each defect fixed, with a test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tco
from tests.factories import run_main


@pytest.mark.parametrize("spelling", ["cny", "Cny", "CNY"])
def test_currency_takes_any_case_as_the_python_api_does(capsys, spelling) -> None:
    """1: 'tco compare a100-80gb -w gpt3-1.3b --currency cny' said "'cny' is not one of 'USD', 'CNY', 'EUR'" (exit 2),
    while tco.compare(inputs, currency='cny') reports in CNY. The command reads the flag in any case in its body (a
    typer parser= also ran on the default on typer 0.20, refusing every compare -f csv)."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", spelling, "-f", "json")
    assert (code, error) == (0, "a100-80gb: effective cost ¥3,939, market in 114.0 days\n"), error
    assert '"currency": "CNY"' in out


def test_csv_without_currency_still_runs_and_a_converted_csv_is_still_refused(capsys) -> None:
    """1: the default (USD) is not read as a conversion: compare -f csv runs; --currency eur -f csv is refused as before."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-f", "csv")
    assert code == 0, error
    assert out.startswith("schema_version,workload,scenario,accelerator,") and out.count("\n") == 3
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", "usd", "-f", "csv")
    assert code == 0, error
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", "eur", "-f", "csv")
    assert (code, out) == (2, "")
    assert error == (
        "Error: Invalid value for --currency: converts table, markdown and json output (json says its currency); csv columns"
        " are named in USD (…_usd) and stay in USD (see 'tco compare --help')\n"
    )


@pytest.mark.parametrize("spelling", ["gbp", " cny", ""])
def test_an_unknown_currency_is_a_usage_error_in_the_python_apis_words(capsys, spelling) -> None:
    """1: an unknown currency is still a usage error (exit 2), in the words tco.compare(currency=...) refuses it with
    (which reads any case, but no spaces, as an option's label); --help still shows the documented spellings."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--currency", spelling)
    assert (code, out) == (2, "")
    assert error == f"Error: Invalid value for '--currency': expected USD, CNY or EUR, got {spelling!r} (see 'tco compare --help')\n"
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        tco.compare(inputs, currency=spelling)
    assert str(caught.value) == f"currency: expected USD, CNY or EUR, got {spelling!r}"
    code, out, _ = run_main(capsys, "compare", "--help")
    assert code == 0 and "--currency <USD|CNY|EUR>" in out and "[default: USD]" in out


NOT_FINITE = {
    "inf": "expected a finite number (at most 1.8e308), got infinity",
    "-inf": "expected a finite number (at least -1.8e308), got -infinity",
    "nan": "expected a finite number, got NaN",
    "1e309": "expected a finite number (at most 1.8e308), got infinity",
}


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e309"])
def test_an_infinite_set_is_refused_under_the_key_path_typed(capsys, value) -> None:
    """2: 'tco compare a100-80gb -w gpt3-1.3b --set scenario.pue=inf' said 'scenario.pue.value: expected a finite
    number', a key the user did not type (the bare number is read as {value = ...}). It now names scenario.pue; a
    .value typed is still named so."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"scenario.pue={value}")
    assert (code, out) == (1, "")
    assert error == f"Error: --set: scenario.pue: {NOT_FINITE[value]}\n"
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"a100-80gb.price_usd.value={value}")
    assert (code, out) == (1, "")
    assert error == f"Error: --set: a100-80gb.price_usd.value: {NOT_FINITE[value]}\n"


def test_a_401_digit_set_and_an_infinite_file_value_are_named_by_the_key_written(capsys, tmp_path) -> None:
    """2: the same for a whole number past the largest float, and for 'pue = inf' in a scenario file."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1" + "0" * 400)
    assert (code, out) == (1, "")
    assert error == "Error: --set: scenario.pue: expected a finite number (at most 1.8e308), got a 401-digit integer\n"
    default = (Path(__file__).parents[1] / "profiles" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    file = tmp_path / "s.toml"
    file.write_text(re.sub(r"(?m)^pue = .*$", "pue = inf", default.replace('id = "default"', 'id = "s"')), encoding="utf-8")
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(file))
    assert (code, out) == (1, "")
    assert error == f"Error: {file}: pue: expected a finite number (at most 1.8e308), got infinity\n"


HINT = " (h100-sxm runs on the workload's 8: give 'h100-sxm', or compare 'h100-sxm@4' too)"


@pytest.mark.parametrize(
    "call",
    [
        lambda i: tco.sensitivity(i, vs="h100-sxm@4"),
        lambda i: tco.sensitivity(i, vs=("h100-sxm@4", "a100-80gb")),
        lambda i: tco.breakeven(i, "a100-80gb", "h100-sxm@4"),
        lambda i: tco.breakeven(i, "h100-sxm@4", "a100-80gb"),
    ],
)
def test_an_analysis_refusing_an_option_at_another_count_says_the_count_it_runs_on(call) -> None:
    """3: tco.compare(inputs, baseline='h100-sxm@4') on a workload of 8 said which count h100-sxm runs on and what
    to give; tco.sensitivity(vs=...) and tco.breakeven(a, b) said only "'h100-sxm@4' is not one of the compared
    options: a100-80gb, h100-sxm". Every such refusal now gives the hint (tco.inputs.runs_on)."""
    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        call(inputs)
    assert str(caught.value) == "option: 'h100-sxm@4' is not one of the compared options: a100-80gb, h100-sxm" + HINT
    with pytest.raises(tco.InputError) as caught:
        tco.compare(inputs, baseline="h100-sxm@4")
    assert str(caught.value) == "baseline: 'h100-sxm@4' is not one of the compared options: a100-80gb, h100-sxm" + HINT


def test_an_analysis_refusing_an_option_not_compared_at_all_gives_no_count_hint() -> None:
    """3: an id that is not compared at any count gets no hint."""
    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(inputs, "a100-80gb", "mi300x@4")
    assert str(caught.value) == "option: 'mi300x@4' is not one of the compared options: a100-80gb, h100-sxm"


ANY_KIND = (
    "an accelerator profile, a workload or scenario file or a set of published runs, each with an id ('tco schema KIND' lists its keys)"
)


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n"])
def test_validate_says_an_empty_file_is_empty_in_one_line(capsys, tmp_path, text) -> None:
    """4: 'tco profiles validate empty.toml' printed eleven lines, one per key of an accelerator profile (the kind
    guessed for a file with no keys: 'id: required key is missing', 'vendor: ...'), where compare says the file is
    empty. It now says so in one line, with what kind of file it expected."""
    empty = tmp_path / "empty.toml"
    empty.write_text(text, encoding="utf-8")
    code, out, error = run_main(capsys, "profiles", "validate", str(empty))
    assert (code, out) == (1, "")
    assert error == f"Error: {empty}: is empty (no keys), expected {ANY_KIND}\n"


@pytest.mark.parametrize(
    ("folder", "kind"),
    [
        ("accelerators", "an accelerator profile"),
        ("workloads", "a workload file"),
        ("scenarios", "a scenario file"),
        ("benchmarks", "a set of published training runs"),
        ("serving", "a set of published serving results"),
    ],
)
def test_validate_names_the_kind_of_an_empty_file_its_folder_gives(capsys, tmp_path, folder, kind) -> None:
    """4: in a kind's folder the file is that kind (an empty scenario listed 22 missing keys); an empty bibliography
    (sources/) still passes, as it did: it cites nothing."""
    (tmp_path / folder).mkdir()
    empty = tmp_path / folder / "x.toml"
    empty.write_text("", encoding="utf-8")
    ok = tmp_path / "sources"
    ok.mkdir()
    (ok / "refs.toml").write_text("# none yet\n", encoding="utf-8")
    code, out, error = run_main(capsys, "profiles", "validate", str(empty), str(ok / "refs.toml"))
    assert (code, out) == (1, "")
    assert error == f"Error: {empty}: is empty (no keys), expected {kind}\nok: {ok / 'refs.toml'}\n"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("a100-80gb.peak=5", "a100-80gb.peak: expected a table, got 5"),
        ("a100-80gb.peak=[1]", "a100-80gb.peak: expected a table, got a list"),
        ("a100-80gb.interconnect=true", "a100-80gb.interconnect: expected a table, got true"),
        ('a100-80gb.software="x"', "a100-80gb.software: expected a table, got 'x'"),
        ("scenario.porting=1", "scenario.porting: expected a table, got 1"),
        ("a100-80gb.benchmarks=[1]", "a100-80gb.benchmarks[0]: expected a table, got 1"),
        ('a100-80gb.aliases="x"', "a100-80gb.aliases: expected a list, got 'x'"),
        ("a100-80gb.benchmarks={}", "a100-80gb.benchmarks: expected a list, got a table"),
        ("workload.stages=7", "workload.stages: expected a list, got 7"),
    ],
)
def test_a_scalar_where_a_table_or_list_belongs_says_what_it_got_in_toml_words(capsys, given, said) -> None:
    """5: '--set a100-80gb.peak=5' said 'input should be a valid dictionary or instance of PeakCompute' (pydantic's
    words and an internal class name), '--set scenario.porting=1' 'input should be a valid dictionary' and
    '--set a100-80gb.aliases="x"' 'input should be a valid list', none saying what was given. Each now says a table
    or a list was expected, and what it got, as 'expected text, got a table' does."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", given)
    assert (code, out) == (1, "")
    assert error == f"Error: --set: {said}\n"


def test_a_profile_file_with_a_scalar_where_a_table_belongs_says_so(capsys, tmp_path) -> None:
    """5: the same in a profile file given by path (peak = 312, as if its bf16 figure)."""
    text = (Path(__file__).parents[1] / "profiles" / "accelerators" / "a100-80gb.toml").read_text(encoding="utf-8")
    head, _, rest = text.partition("\n[peak]\n")
    rest = rest.partition("\n[")[2]  # (the [peak] table dropped, a bare number in its place)
    file = tmp_path / "p.toml"
    file.write_text(head.replace('id = "a100-80gb"', 'id = "p"\npeak = 312') + "\n[" + rest, encoding="utf-8")
    code, out, error = run_main(capsys, "profiles", "validate", str(file))
    assert (code, out) == (1, "")
    assert error == f"Error: {file}: peak: expected a table, got 312\n"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("workload.precision=fp3", "workload.precision: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 'fp3'"),
        ("workload.precision=BF16", "workload.precision: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 'BF16': write 'bf16'"),
        ("workload.tuning=Tuned", "workload.tuning: expected 'typical' or 'tuned', got 'Tuned': write 'tuned'"),
        ("workload.precision=1", "workload.precision: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 1"),
        (
            'a100-80gb.price_usd={value=1e5, currency="cny"}',
            "a100-80gb.price_usd.currency: expected 'USD', 'CNY' or 'EUR', got 'cny': write 'CNY'",
        ),
        (
            'scenario.pue={value=1.2, confidence="sure"}',
            "scenario.pue.confidence: expected 'vendor', 'third-party', 'measured', 'estimate' or 'assumption', got 'sure'",
        ),
    ],
)
def test_a_value_not_among_the_choices_says_what_it_got_and_the_spelling_to_write(capsys, given, said) -> None:
    """5: '--set workload.precision=BF16' said only "input should be 'bf16', 'fp16', 'fp8', 'int8' or 'fp4'" (and
    a quantity's currency="cny", "input should be 'USD', 'CNY' or 'EUR'"): not what was given, nor that only its
    case was wrong. It now says what it got and, where only the case differs, the spelling to write (as an id
    does)."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", given)
    assert (code, out) == (1, "")
    assert error == f"Error: --set: {said}\n"


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ("scenario.pue=1:2:3", "scenario.pue=1.5", "scenario.pue: given twice: give it once"),
        (
            "scenario.pue=1.2,1.3",
            "SCENARIO.pue.value=1.4",
            "SCENARIO.pue.value: the same input as 'scenario.pue', varied twice: give it once",
        ),
        (
            "a100-80gb.count=8:16:2",
            "workload.accelerator_count=8,32",
            "workload.accelerator_count: the same input as 'a100-80gb.count', varied twice: give it once",
        ),
    ],
)
def test_an_input_varied_twice_is_named_with_the_other_spelling(capsys, first, second, said) -> None:
    """5: two --vary of one input said 'Error: --vary: the same path is varied twice', naming neither (the house
    rule: name the key path); --set's 'given twice' names both. It now names the second as given and the first."""
    code, out, error = run_main(capsys, "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", first, "--vary", second)
    assert (code, out) == (1, "")
    assert error == f"Error: --vary: {said}\n"


@pytest.mark.parametrize("value", ["1e-320", "-1e-320", "5e-324"])
def test_a_number_near_0_for_a_pue_says_a_pue_is_at_least_1(capsys, value) -> None:
    """5: '--set scenario.pue=1e-320' said 'value must be 0 or at least 1e-300 in size', though a PUE of 0 is refused
    too ('value must be a number >= 1'). A quantity with a positive lower bound now says that bound; one that takes
    0 (or only positive numbers) still says how near 0 a number may be."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"scenario.pue={value}")
    assert (code, out) == (1, "")
    assert error == f"Error: --set: scenario.pue: expected at least 1, got {value}\n"
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"a100-80gb.price_usd={value}")
    assert (code, out) == (1, "")
    assert error == f"Error: --set: a100-80gb.price_usd: expected a positive number of at least 1e-300, got {value}\n"


def test_an_id_too_long_or_empty_says_what_it_got_as_a_long_name_does(capsys, tmp_path) -> None:
    """5: a profile with a 300-character id said 'id: string should have at most 64 characters' (pydantic's words,
    not what it got), where a 100,000-character name says 'expected text of at most 256 characters, got 100,000';
    id = "" said 'string should have at least 1 character'. Both now say what was expected and what was given."""
    long = tmp_path / "long.toml"
    long.write_text(f'extends = "a100-80gb"\nid = "{"a" * 300}"\n', encoding="utf-8")
    code, out, error = run_main(capsys, "compare", str(long), "-w", "gpt3-1.3b")
    assert (code, out) == (1, "")
    assert error == f"Error: {long}: id: expected text of at most 64 characters, got 300\n"
    empty = tmp_path / "empty-id.toml"
    empty.write_text('extends = "a100-80gb"\nid = ""\n', encoding="utf-8")
    code, out, error = run_main(capsys, "compare", str(empty), "-w", "gpt3-1.3b")
    assert (code, out) == (1, "")
    assert error == f"Error: {empty}: id: expected non-empty text, got ''\n"
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f'a100-80gb.aliases=["{"b" * 70}"]')
    assert (code, out) == (1, "")
    assert error == "Error: --set: a100-80gb.aliases[0]: expected text of at most 64 characters, got 70\n"


def test_a_published_run_set_with_no_rows_says_so_in_tcos_words(capsys, tmp_path) -> None:
    """5: a set of published runs with 'rows = []' said 'rows: list should have at least 1 item after validation, not
    0' (pydantic's words), where 65 stages say 'expected at most 64 entries, got 65'. It now says 'expected at least 1
    entry, got 0'."""
    shipped = (Path(__file__).parents[1] / "profiles" / "benchmarks" / "a100-production.toml").read_text(encoding="utf-8")
    (tmp_path / "benchmarks").mkdir()
    file = tmp_path / "benchmarks" / "none.toml"
    file.write_text(shipped.partition("[[rows]]")[0] + "rows = []\n", encoding="utf-8")
    code, out, error = run_main(capsys, "profiles", "validate", str(file))
    assert (code, out) == (1, "")
    assert error == f"Error: {file}: rows: expected at least 1 entry, got 0\n"


def test_an_unknown_sweep_chart_metric_says_what_it_got(capsys, tmp_path) -> None:
    """5: 'tco plot sweep ... --metric cost' listed the figures it draws but not the name it was given (every other
    refusal says what it got). It now does; nothing is written."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "s.svg"
    args = ["plot", "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:3", "--metric", "cost", "-o", str(out)]
    code, stdout, error = run_main(capsys, *args)
    assert (code, stdout) == (2, "")
    assert error == (
        "Error: Invalid value for --metric: expected one of count, tokens_per_second_per_accelerator, time_to_converge_hours,"
        " time_to_market_days, capex_usd, job_cost_usd, cost_per_million_tokens_usd, delay_days, delay_penalty_usd,"
        " effective_cost_usd, rank, feasible, got 'cost' (see 'tco plot --help')\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("scenario.pue.value.x=1", "scenario.pue.value.x: no such field: 'pue.value' is a value, not a table"),
        (
            "a100-80gb.peak.bf16_tflops.low.x=1",
            "a100-80gb.peak.bf16_tflops.low.x: no such field: 'peak.bf16_tflops.low' is a value, not a table",
        ),
        ("scenario.pue.valu=1", "scenario.pue.valu: no such field (did you mean 'value'?)"),
    ],
)
def test_a_path_past_a_quantitys_value_says_the_value_is_no_table(capsys, given, said) -> None:
    """5: '--set scenario.pue.value.x=1' said "no such field (did you mean 'value'?)", suggesting the very key the
    path already gives. It now says that key is a value, not a table, as 'a100-80gb.name.x' does."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", given)
    assert (code, out) == (1, "")
    assert error == f"Error: --set: {said}\n"


@pytest.mark.parametrize(
    ("written", "got"),
    [
        ("1979-05-27T07:32:00Z", "a date and time (1979-05-27T07:32:00+00:00)"),
        ("07:32:00", "a time (07:32:00)"),
        ("2024.5", "2024.5"),
        ("true", "boolean true"),
        ("{y=2024}", "a table"),
    ],
)
def test_an_as_of_that_is_no_date_says_a_date_was_expected(capsys, written, got) -> None:
    """5: 'as_of = 1979-05-27T07:32:00Z' (and as_of = 2024.5) said 'expected text, got ...', though as_of takes a TOML
    date (2024-05-27) and a bare year (2024), which are not text either. It now says the date it expects."""
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"scenario.pue={{value=1.2, as_of={written}}}")
    assert (code, out) == (1, "")
    assert error == f"Error: --set: scenario.pue.as_of: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {got}\n"
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue={value=1.2, as_of=2024-05-27}")
    assert code == 0, error


@pytest.mark.parametrize(
    ("written", "got"),
    [("5", "5"), ('"Training"', "'Training': write 'training'"), ('"serving"', "'serving'"), ('["training"]', "a list")],
)
def test_a_workload_of_no_known_kind_says_what_kind_it_gave(capsys, tmp_path, written, got) -> None:
    """5: a workload file with kind = "Training" (or 5, or "serving") said 'kind: expected kind = "training" or
    "inference"', not what it gave nor that only the case was wrong. It now does, as other choices do; a file with
    no kind still says only what is expected."""
    file = tmp_path / "w.toml"
    file.write_text(f'id = "w"\nkind = {written}\n', encoding="utf-8")
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", str(file))
    assert (code, out) == (1, "")
    assert error == f'Error: {file}: kind: expected kind = "training" or "inference", got {got}\n'
    file.write_text('id = "w"\nname = "w"\n', encoding="utf-8")
    code, out, error = run_main(capsys, "compare", "a100-80gb", "-w", str(file))
    assert (code, out) == (1, "")
    assert error == f'Error: {file}: kind: expected kind = "training" or "inference"\n'
