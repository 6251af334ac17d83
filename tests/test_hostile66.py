"""Hostile round 66 (the option language, flags across commands, odd outputs, the Python API): each defect fixed,
with a test."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.factories import run_main

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def test_a_count_with_python_underscores_reads_as_a_rate_with_them_does(run) -> None:
    """1: 'tco compare a100-80gb@1_0' was refused ('expected ID@COUNT with a whole COUNT >= 1') while
    'a100-80gb:rent=1_0' read a rate of 10, '--samples 1_00' 100 samples and '--set ...=1_0000' 10000: the count
    alone refused the underscores Python writes between digits. A count now reads them as the rest does; an
    underscore that is not between two digits is still refused."""
    r = run("compare", "a100-80gb@1_0", "-w", "gpt3-1.3b", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1].split(",")[9] == "10"
    assert run("compare", "a100-80gb@1_0", "-w", "gpt3-1.3b").stdout == run("compare", "a100-80gb@10", "-w", "gpt3-1.3b").stdout
    for bad in ("a100-80gb@_1", "a100-80gb@1__0", "a100-80gb@1_", "a100-80gb@0_0", "a100-80gb@１_0"):
        r = run("compare", bad, "-w", "gpt3-1.3b")
        assert r.exit_code == 1 and r.stdout == ""
        assert r.stderr == f"Error: accelerator: expected ID@COUNT with a whole COUNT of at least 1, got '{bad}'\n", r.stderr
    r = run("compare", "a100-80gb@1_000_000_000_0", "-w", "gpt3-1.3b")
    assert r.stderr == "Error: accelerator: expected ID@COUNT with COUNT at most 1,000,000,000, got 'a100-80gb@1_000_000_000_0'\n"


def _closed_stdout(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    command = f"{shlex.join([sys.executable, '-m', 'tco', *args])} >&-"
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, timeout=120, check=False)


def test_help_or_version_into_a_closed_stdout_is_an_error_not_a_silent_success() -> None:
    """2: 'tco --help >&-' (and --version, 'tco compare --help', --show-completion) exited 0 having written nothing:
    click drops what it echoes when there is no stdout. Into /dev/full the same flags exit 1, and every command's
    output into a closed stdout is an error. They now exit 1 with one line saying so; 'profiles validate', whose
    answer is its exit code, still exits 0."""
    for args in (["--help"], ["--version"], ["compare", "--help"], ["sweep", "--help"]):
        done = _closed_stdout(*args)
        assert (done.returncode, done.stderr) == (1, "Error: standard output is closed; nothing was written\n"), (args, done.stderr)
    done = _closed_stdout("compare", "a100-80gb", "-w", "gpt3-1.3b")
    assert (done.returncode, done.stderr) == (1, "Error: -o: standard output is closed; expected -o FILE\n")
    assert _closed_stdout("profiles", "validate", str(PROFILES / "accelerators" / "a100-80gb.toml")).returncode == 0


def test_a_global_batch_below_one_sequence_bounds_data_parallelism_at_one_sequence_not_zero(run) -> None:
    """3: 'tco estimate h100-sxm --params 1.5 --global-batch 7' noted '--global-batch (7 tokens) is less than one
    2,048-token sequence: a step runs one; layout: TP 1 × PP 1 × DP 1, ..., 7 idle (data parallelism is bounded by
    the global batch's 0 sequences: --global-batch)': the idle accelerators' reason floored the batch to 0 sequences
    where the note before it (and the layout, DP 1) runs one. It now says 1, as the step does."""
    r = run("estimate", "h100-sxm", "--params", "1.5", "--global-batch", "7", "-f", "json")
    assert r.exit_code == 0, r.output
    notes = " ".join(r.stdout.split())
    assert "--global-batch (7 tokens) is less than one 2,048-token sequence: a step runs one" in notes
    assert "7 idle (data parallelism is bounded by the global batch's 1 sequence: --global-batch)" in notes, notes
    assert "0 sequences" not in notes


def test_a_break_even_chart_over_a_range_ending_at_1e_300_draws_as_the_break_even_answers(run, tmp_path) -> None:
    """4: 'tco plot breakeven a100-80gb mlu370-s4 -w gpt3-1.3b --range 0:1e-300 -o be.svg' failed with 'Error:
    scenario.cost_of_delay_usd_per_day: expected values of at least 1e-300 in size (or 0, where the input takes it),
    got 2.5e-302' (no flag named, and a value the user never gave), while 'tco breakeven' over the same range answers:
    the chart's own 41-point grid fell between 0 and 1e-300, which no input takes. Those points are drawn at 0."""
    args = ("a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--range", "0:1e-300")
    assert run("breakeven", *args).exit_code == 0
    svg = tmp_path / "be.svg"
    r = run("plot", "breakeven", *args, "-o", str(svg))
    assert r.exit_code == 0, r.stderr
    assert "Error" not in r.stderr and svg.read_bytes().startswith(b"<?xml")


def test_an_unknown_format_lists_the_formats_the_command_takes(capsys, monkeypatch) -> None:
    """5: 'tco profiles list -f toml' (and calibrate, estimate, the listings) said "'toml' is not one of 'table',
    'csv', 'json', 'jsonl', 'markdown', 'xlsx'", offering a workbook those commands refuse ('--format xlsx is
    available for compare, ...'), and 'tco sweep -f toml' offered table and markdown, which sweep refuses too. The
    error now lists the choices the command's help lists."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    text = "'table', 'csv', 'json', 'jsonl', 'markdown'"
    for command, args in (("profiles list", []), ("calibrate", []), ("estimate", ["a100-80gb", "--params", "1e9"]), ("workloads list", [])):
        code, out, error = run_main(capsys, *command.split(), *args, "-f", "toml")
        assert (code, out) == (2, "")
        assert error == f"Error: Invalid value for '--format' / '-f': 'toml' is not one of {text}. (see 'tco {command} --help')\n", error
    code, out, error = run_main(capsys, "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:2", "-f", "toml")
    assert (code, out) == (2, "")
    rows = "'csv', 'json', 'jsonl', 'xlsx'"
    assert error == f"Error: Invalid value for '--format' / '-f': 'toml' is not one of {rows}. (see 'tco sweep --help')\n"
    code, _, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "toml")
    assert error == f"Error: Invalid value for '--format' / '-f': 'toml' is not one of {text}, 'xlsx'. (see 'tco compare --help')\n"


def test_a_sweeps_point_count_with_python_underscores_reads_as_its_range_does(run) -> None:
    """6: 'tco sweep a100-80gb --vary scenario.pue=1:2:1_0' was refused ('expected a whole number of points N >= 1,
    got '1_0'') while LO and HI read '1_0' as 10, as --set, :rent=, --samples and (since 1) ID@COUNT do. N now reads
    it too; an underscore not between two digits is still refused."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:1_0")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines()[-1] == "10 rows"
    for bad in ("_1", "1__0", "1_", "0_0"):
        r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", f"scenario.pue=1:2:{bad}")
        assert r.exit_code == 1 and r.stdout == ""
        assert r.stderr == f"Error: --vary: scenario.pue: expected a whole number of points N of at least 1, got '{bad}' in '1:2:{bad}'\n"
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:5_000_001")
    assert r.stderr == "Error: --vary: scenario.pue: at most 5,000,000 points per axis, got 5,000,001\n"


def test_a_set_path_naming_an_option_says_to_name_its_accelerator(run) -> None:
    """7: 'tco compare a100-80gb@8 -w gpt3-1.3b --set a100-80gb@8.price_usd=1' said "'a100-80gb@8' is not scenario,
    workload or a compared accelerator (did you mean 'a100-80gb'?)": a100-80gb@8 is the very option compared. A path
    names an accelerator's profile, which all its options read, by its id; the error (of --set, --vary and --param
    alike) now says so. A name that is no option keeps the old message."""
    r = run("compare", "a100-80gb@8", "-w", "gpt3-1.3b", "--set", "a100-80gb@8.price_usd=1")
    assert r.exit_code == 1 and r.stdout == ""
    why = "names an option: a path names the accelerator by its id ('a100-80gb'), whose inputs its options share"
    assert r.stderr == f"Error: --set: a100-80gb@8.price_usd: 'a100-80gb@8' {why}\n", r.stderr
    r = run("sweep", "a100-80gb:rent", "-w", "gpt3-1.3b", "--vary", "a100-80gb:rent.rental.usd_per_hour=1:2:2")
    assert r.stderr == f"Error: --vary: a100-80gb:rent.rental.usd_per_hour: 'a100-80gb:rent' {why}\n", r.stderr
    r = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "a100-80gb@8.price_usd")
    assert r.exit_code == 1 and r.stderr.endswith(f"'a100-80gb@8' {why}\n"), r.stderr
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "mlu370-s4@8.price_usd=1")
    assert r.stderr == "Error: --set: mlu370-s4@8.price_usd: 'mlu370-s4@8' is not scenario, workload or a compared accelerator\n"
