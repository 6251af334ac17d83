"""Session 49 (2026-12-05): a name shown in a table cell has a length limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco.models import LABEL_MAX_LENGTH
from tests.factories import run_main  # (the console entry point in this process)

SHIPPED = Path(__file__).resolve().parents[1] / "profiles"


def test_a_profile_name_longer_than_a_label_is_refused_at_its_key(run, tmp_path) -> None:
    """A profile whose ``name`` was 200,000 characters was taken: ``tco profiles show`` printed 8 MB for a 200 kB
    file, and a calibration set's ``model`` of that length widened every row of the calibrate table. A name shown
    in a cell now has at most 256 characters, and the file is refused at the key, with the length it has."""
    text = (SHIPPED / "accelerators" / "h100-sxm.toml").read_text()
    start = text.index('\nname = "') + 1
    end = text.index("\n", start)
    path = tmp_path / "long.toml"
    path.write_text(text[:start] + 'name = "' + "N" * 200_000 + '"' + text[end:])
    for args in (("profiles", "show", str(path)), ("compare", str(path), "-w", "gpt3-1.3b")):
        r = run(*args)
        assert r.exit_code == 1 and r.stdout == ""
        assert r.stderr.strip() == f"Error: {path}: name: expected text of at most 256 characters, got 200,000"


def test_a_label_set_past_the_limit_is_blamed_on_the_set(run) -> None:
    """The same limit holds for a ``--set``, which is blamed, not the shipped file; 256 characters are taken."""
    r = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "h100-sxm.name=" + "x" * 257)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == "Error: --set: h100-sxm.name: expected text of at most 256 characters, got 257"
    assert run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "h100-sxm.name=" + "x" * LABEL_MAX_LENGTH).exit_code == 0


def test_a_published_model_name_past_the_limit_is_refused_at_its_row(run, user_profile) -> None:
    """A user's calibration set is held to the same limit, at the row's key path."""
    row = (
        'accelerator = "h100-sxm"\nparameters = 7e9\nseq_len = 4096\naccelerator_count = 8\nprecision = "bf16"\n'
        'tokens_per_second = 3000\nsource = "s"\nmodel = "' + "M" * 300 + '"\n'
    )
    path = user_profile(
        "benchmarks", "mine", 'id = "mine"\nsource = "s"\nas_of = "2024"\ntuning = "typical"\ntuning_reason = "r"\n[[rows]]\n' + row
    )
    r = run("calibrate", "--summary")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == f"Error: {path}: rows[0].model: expected text of at most 256 characters, got 300"


@pytest.mark.parametrize(
    ("flags", "blamed"),
    [
        (("--layers", "100000", "--d-model", "4096"), "--layers"),  # 2,857 × the 35 layers 7B implies, the width as implied
        (("--layers", "40", "--d-model", "8388608"), "--d-model"),  # 2,048 × the width, 1.14 × the layers
        (("--heads", "32", "--layers", "100000", "--d-model", "4096"), "--layers"),  # heads are given, and sort first
    ],
)
def test_activations_too_large_blame_the_shape_flag_furthest_above_the_parameter_count(run, flags, blamed) -> None:
    """'tco estimate h100-sxm --params 7B --layers 100000 --d-model 4096' blamed --d-model, the width a 7B model has,
    for one sequence's activations that grow with layers × width: of the two, the width was always blamed. Now
    the one furthest above what the parameter count implies is (perf.infer_shape: 35 layers of 4,096 for 7B)."""
    r = run("estimate", "h100-sxm", "--params", "7B", *flags)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith(f"Error: {blamed}: activations of one "), r.stderr


def test_simulate_says_how_many_samples_an_option_cannot_run_in(run) -> None:
    """A sampled failure rate up to 0.5 a day per accelerator stops a 20,000-accelerator run from ending in some
    samples. JSON gave that share (``infeasible_share``), but the table showed percentiles over the samples the
    option runs in without saying so, and its win probability over all of them. The table now says how many
    samples it cannot run in and that its percentiles are over the rest; an option that runs in all says nothing."""
    args = ("simulate", "a100-80gb@20000", "h100-sxm", "-w", "gpt3-1.3b", "-n", "2000", "-q")
    args += ("--set", "scenario.failure_rate_per_accelerator_day.high=0.5")
    data = json.loads(run(*args, "-f", "json").stdout)
    share = {o["option"]: o["infeasible_share"] for o in data["results"]}
    assert share["h100-sxm"] == 0 and 0 < share["a100-80gb@20000"] < 0.05
    failed = round(share["a100-80gb@20000"] * 2000)
    r = run(*args)
    assert r.exit_code == 0
    lines = [line for line in r.stdout.splitlines() if "cannot run in" in line]
    assert lines == [
        f"a100-80gb@20000 cannot run in {failed:,} of the 2,000 samples ({share['a100-80gb@20000'] * 100:.1f}%): its percentiles "
        f"are over the other {2000 - failed:,}, and it wins none of the {failed:,}"
    ]


@pytest.mark.parametrize(
    ("flag", "text", "error"),
    [
        ("--count", "1.5", "expected a whole number, got '1.5'"),
        ("--count", "1k", "expected a whole number, got '1k'"),
        ("--count", "0", "expected a whole number from 1 to 1,000,000,000, got 0"),
        ("--count", "1e10", "expected a whole number from 1 to 1,000,000,000, got 1e10"),
        ("--count", "9" * 30, f"expected a whole number from 1 to 1,000,000,000, got {'9' * 30}"),
        ("--count", "9" * 5000, "expected a whole number, got one of 5,000 digits"),
        ("--layers", "inf", "expected a whole number, got 'inf'"),
        ("--seq-len", "-2048", "expected a whole number from 1 to 1,000,000,000,000,000, got -2048"),
    ],
)
def test_a_whole_number_flag_names_the_text_it_refuses(capsys, flag, text, error) -> None:
    """'tco estimate ... --count 1.5' (and 1k, 0, 1e10) said only "Input should be a valid integer, unable to parse
    string as an integer" or "Input should be greater than or equal to 1", without the value or the bound above.
    A whole-number flag now reads its own text and says what it expected, with the range, as a usage error."""
    code, out, err = run_main(capsys, "estimate", "h100-sxm", "--params", "7B", flag, text)
    assert (code, out) == (2, "")
    assert err.strip() == f"Error: Invalid value for '{flag}': {error} (see 'tco estimate --help')"


def test_a_whole_number_flag_takes_a_whole_float_as_set_does(run) -> None:
    """'--count 1e3' and '-n 2e3' were refused although '--set workload.accelerator_count=1e3' and '--vary count=1e3'
    take 1e3 as 1,000: a whole-number flag now takes any number that is whole, written as --set reads it."""
    r = run("estimate", "h100-sxm", "--params", "7B", "--count", "1e3", "--seq-len", "4_096", "-f", "json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)["results"]
    assert (row["count"], row["seq_len"]) == (1000, 4096)
    r = run("simulate", "h100-sxm", "-w", "gpt3-1.3b", "-n", "2e3", "--seed", "1e0", "-q", "-f", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert (data["samples"], data["seed"]) == (2000, 1)


@pytest.mark.parametrize(("flag", "kind"), [(None, "an accelerator profile"), ("-w", "a workload file"), ("-s", "a scenario file")])
def test_an_empty_input_file_says_it_is_empty(run, tmp_path, flag, kind) -> None:
    """An empty profile (or empty standard input) was reported by its first three missing keys 'and 8 more';
    an empty workload as 'kind: expected kind = "training" or "inference"'. It now says it is empty, and what
    was expected."""
    empty = tmp_path / "empty.toml"
    empty.write_text("\n")
    args = {
        None: [str(empty), "-w", "gpt3-1.3b"],
        "-w": ["h100-sxm", "-w", str(empty)],
        "-s": ["h100-sxm", "-w", "gpt3-1.3b", "-s", str(empty)],
    }
    r = run("compare", *args[flag])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == f"Error: {empty}: is empty (no keys), expected {kind}"
    if flag is None:
        r = run("compare", "-", "-w", "gpt3-1.3b", input="  \n")
        assert r.stderr.strip() == "Error: -: is empty (no keys), expected an accelerator profile"
        # (and 'tco profiles validate' says so too, in one line: hostile round 75)
        assert run("profiles", "validate", str(empty)).stderr.startswith(f"Error: {empty}: is empty (no keys), expected an accelerator")


def test_a_cash_flow_that_overflows_blames_the_input(run) -> None:
    """Hostile round 71 left this: 'tco cashflow h100-sxm h100-sxm:rent ... --set
    scenario.cost_of_delay_usd_per_day=1e308' (the bought H100 is 91 days later, so its penalty overflows) said
    'Error: option: h100-sxm cannot be put in a cash flow: ...', blaming no input. It now blames the input
    compare names for that overflow, here the --set."""
    r = run("cashflow", "h100-sxm", "h100-sxm:rent", "-w", "gpt3-1.3b", "--set", "scenario.cost_of_delay_usd_per_day=1e308")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == (
        "Error: --set: scenario.cost_of_delay_usd_per_day: h100-sxm cannot be put in a cash flow: its effective cost "
        "overflows a float (above 1.8e308 USD): cost_of_delay_usd_per_day = 1e+308"
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("size", "h100-sxm", "-w", "gpt3-1.3b", "--deadline-days", "１２０"),
            "Invalid value for '--deadline-days': expected a number, got '１２０'",
        ),
        (
            ("simulate", "h100-sxm", "-w", "gpt3-1.3b", "-n", "５０"),
            "Invalid value for '--samples' / '-n': expected a whole number, got '５０'",
        ),
        (("estimate", "h100-sxm", "--params", "７B"), "--params: expected a number such as 6.7e9 or 6.7B, got '７B'"),
        (
            ("breakeven", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--range", "０:１００"),
            "--range: expected numbers LO:HI, got '０:１００'",
        ),
    ],
)
def test_a_number_flag_reads_ascii_digits_as_set_does(capsys, args, error) -> None:
    """Python's float() reads other scripts' digits: '--deadline-days １２０' was taken as 120, and so were '--params
    ７B' and '--range ０:１００', while '--set scenario.pue=１.２', '--vary' and ':rent=' refuse such text. Every
    number flag now reads ASCII digits only (tco.errors.ascii_float, also :rent='s)."""
    code, out, err = run_main(capsys, *args)
    assert out == "" and code in (1, 2)
    assert err.strip().startswith(f"Error: {error}")


def test_a_release_year_is_a_calendar_year(run) -> None:
    """A fuzz found 'tco compare mlu370-s4 -w gpt3-1.3b --set mlu370-s4.release_year=1e308' ending in 'internal
    error (OverflowError: int too large to convert to float)', exit 3: the year, the one whole-number input with no
    bound, was taken as a 309-digit integer, and the check of whether a --set moves the plan tried it at a thousand
    times that, which no float holds. A release year is now a year from 1900 to 2100, refused at its key otherwise."""
    r = run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "mlu370-s4.release_year=1e308")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.strip() == "Error: --set: mlu370-s4.release_year: expected at most 2100, got 1e+308"
    assert run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "mlu370-s4.release_year=2019").exit_code == 0
