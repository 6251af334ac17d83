"""Hostile round 102 (a matrix of every command × every option × hostile values): each command and sub-command is
reached by introspection of the click tree typer builds, given a minimal valid invocation, and then each option
(and each positional argument) is given an empty string, whitespace, 0, -1, nan, ±inf, 1e308, 1e-320, a
10,000-character string, an escape sequence, CJK text, a right-to-left mark, a folder, a missing path and '-'
(and, for --set, --vary and --param, malformed paths); a repeatable option is also given 300 times. Every run must
exit 0, 1 or 2 with no traceback; a failure must print one 'Error: ' line and nothing on stdout; a success must
print no nan or inf where a number goes. Round 102 ran 2,120 option cases, 748 argument cases and 140 two-option
interactions: none broke those rules. One error was unclear: an id of another kind (a workload's id as an
accelerator, a scenario's as a workload, an accelerator's with 'tco scenarios show') said only "unknown
accelerator 'gpt3-1.3b'; see 'tco profiles list'", where the file of that workload given there says which kind it
is and where it goes. It now says so too. And an -o that names a folder, or a file in a folder that does not exist,
was refused only after the work: 'tco calibrate --fit -o FOLDER' after its minutes of refitting, a 2,000,000-sample
simulate after 20 s; calibrate, simulate, report and plot now refuse it first. The matrix here is a deterministic sample
of round 102's, which keeps every command, option and hostile value covered in under a minute."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

import tco
from tco.cli import app
from tco.errors import NotFoundError
from tests.factories import one_error, run_main

W = ("-w", "gpt3-1.3b")
ROOT = Path(__file__).resolve().parent.parent
BASE: dict[str, tuple[str, ...]] = {
    "compare": ("compare", "a100-80gb", "mlu370-s4", *W),
    "estimate": ("estimate", "a100-80gb", "--params", "1.3B"),
    "calibrate": ("calibrate", "--summary"),
    "schema": ("schema", "workload"),
    "breakeven": ("breakeven", "a100-80gb", "mlu370-s4", *W),
    "sensitivity": ("sensitivity", "a100-80gb", *W),
    "simulate": ("simulate", "a100-80gb", "mlu370-s4", *W, "-n", "50"),
    "cashflow": ("cashflow", "a100-80gb", *W),
    "plot": ("plot", "tornado", "a100-80gb", *W, "-o", "p.svg"),
    "report": ("report", "a100-80gb", *W, "-o", "r.html", "-n", "50"),
    "sweep": ("sweep", "a100-80gb", *W, "--vary", "scenario.pue=1:2:3"),
    "size": ("size", "a100-80gb", *W, "--deadline-days", "400"),
    "profiles list": ("profiles", "list"),
    "profiles show": ("profiles", "show", "a100-80gb"),
    "profiles validate": ("profiles", "validate", str(ROOT / "profiles" / "accelerators" / "a100-80gb.toml")),
    "workloads list": ("workloads", "list"),
    "workloads show": ("workloads", "show", "gpt3-1.3b"),
    "scenarios list": ("scenarios", "list"),
    "scenarios show": ("scenarios", "show", "default"),
}
"""A minimal valid invocation of each command (its README or --help example, made small)."""

HOSTILE = (
    "",
    " ",
    "0",
    "-1",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "1e-320",
    "x" * 10_000,
    "\x1b[31m",
    "ä½",
    "\u200f",
    "adir",
    "nonexistent/path.toml",
    "-",
)
PATHS = (
    "a..b",
    ".x",
    "x.",
    "x=",
    "=1",
    "x.y[0]=1",
    "workload.parameters=1e309",
    "scenario.pue=nan",
    "scenario.pue=",
    "scenario..pue=1",
    "a100-80gb.price_usd=inf",
    "workload.parameters=1e-320",
    "scenario.pue=1:2:0",
    "scenario.pue=2:1:3",
    "scenario.pue=1,,2",
)
"""Malformed paths for --set, --vary and --param."""
OPTIONS = (
    "a100-80gb@0",
    "a100-80gb@-1",
    "a100-80gb@nan",
    "a100-80gb@1e308",
    "a100-80gb@1.5",
    "a100-80gb@",
    "@8",
    "a100-80gb:rent=nan",
    "a100-80gb:rent=-1",
    "a100-80gb:rent=inf",
    "a100-80gb:rent=1e-320",
    "a100-80gb:rent=",
    "a100-80gb:",
    "a100-80gb::rent",
    "gpt3-1.3b",
)
"""Hostile accelerator arguments."""
POSITIONS = {
    "compare": (1, 2), "estimate": (1,), "schema": (1,), "breakeven": (1, 2), "sensitivity": (1,), "simulate": (1,), "cashflow": (1,),
    "plot": (1, 2), "report": (1,), "sweep": (1,), "size": (1,), "profiles show": (2,), "profiles validate": (2,),
    "workloads show": (2,), "scenarios show": (2,),
}  # fmt: skip
"""Where each command's positional arguments are in its BASE invocation."""
SLOW = {"calibrate"}
"""Commands whose successful run takes seconds (calibrate reads every published run): sampled at one value per option."""

NUMBER = re.compile(r"(?<![A-Za-z_])(nan|-?inf|-?infinity)(?![A-Za-z_])", re.IGNORECASE)


def _commands() -> dict[str, Any]:
    """Every leaf command of the app by its name ('profiles show'), from the click tree typer builds."""
    found: dict[str, Any] = {}

    def walk(command: Any, prefix: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, (*prefix, name))
        else:
            found[" ".join(prefix)] = command

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()


def _with(base: tuple[str, ...], param: Any, value: str | None) -> list[str]:
    """``base`` with the option ``param`` given ``value`` (replacing the base's own value), or a flag added."""
    args = list(base)
    if value is None:
        return [*args, param.opts[0]]
    for i, arg in enumerate(args[:-1]):
        if arg in param.opts:
            args[i + 1] = value
            return args
    return [*args, param.opts[0], value]


def _cases(name: str) -> list[tuple[str, list[str]]]:
    """The sampled hostile cases of one command: each option at a rotating share of the hostile values (every value
    on every command over its options), each positional at a few, and a repeatable option 300 times."""
    command, base = COMMANDS[name], BASE[name]
    share = 1 if name in SLOW else 4
    cases: list[tuple[str, list[str]]] = []
    options = [p for p in command.params if p.param_type_name == "option"]
    for n, param in enumerate(options):
        flag = param.opts[0]
        if getattr(param, "is_flag", False):
            # a flag beside a bad --format or -o is refused before the (slow) work: calibrate --fit runs minutes
            bad = ("-f", "") if any("--format" in p.opts for p in options) else ()
            cases.append((f"{flag}", [*_with(base, param, None), *bad]))
            continue
        values = HOSTILE + (PATHS if flag in ("--set", "--vary", "--param") else ())
        pick = values if name == "compare" else [values[(n * share + k) % len(values)] for k in range(share)]
        if name in SLOW and flag in ("--output", "--format"):
            pick = ["" if flag == "--output" else "nan"]  # (refused before any work, as a folder now is)
        cases += [(f"{flag}={v[:12]!r}", _with(base, param, v)) for v in pick]
        if getattr(param, "multiple", False):
            again = {"--set": "scenario.pue=1.3", "--vary": "scenario.pue=1:2:2"}.get(flag, "x")
            cases.append((f"{flag}×300", [*base] + [flag, again] * 300))
    for at in POSITIONS.get(name, ()):
        values = HOSTILE + (OPTIONS if name not in ("schema",) and not name.startswith(("profiles", "workloads", "scenarios")) else ())
        for k in range(3):
            value = values[(at * 7 + k * 11 + len(name)) % len(values)]
            args = list(base)
            args[at] = value
            cases.append((f"arg{at}={value[:12]!r}", args))
    return cases


def _check(capsys: pytest.CaptureFixture[str], label: str, args: list[str]) -> tuple[int, str, str]:
    """Run one case through the console entry point and hold it to the house rules."""
    code, out, err = run_main(capsys, *args)
    where = f"{label}: tco {' '.join(a[:40] for a in args)}"
    assert code in (0, 1, 2), f"{where}: exit {code}: {err[-600:]}"
    assert "Traceback" not in out + err, f"{where}: {err[-600:]}"
    assert "\x1b" not in out + err, f"{where}: a raw escape sequence was printed"
    if code:
        assert out == "", f"{where}: stdout on failure: {out[:200]}"
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), f"{where}: {err[:600]}"
        assert len(lines[0]) <= 1100, f"{where}: an error line of {len(lines[0]):,} characters"
    else:
        found = NUMBER.search(out)
        assert found is None, f"{where}: {out[max(0, found.start() - 150) : found.end() + 50]}"
    return code, out, err


def test_the_matrix_reaches_every_command_and_option() -> None:
    """The matrix is built from the app itself: a command or option added later is in it (and needs a BASE)."""
    assert set(COMMANDS) == set(BASE), set(COMMANDS) ^ set(BASE)
    for name, command in COMMANDS.items():
        labels = {label.split("=")[0].split("×")[0] for label, _ in _cases(name)}
        opts = {p.opts[0] for p in command.params if p.param_type_name == "option"}
        assert opts <= labels, (name, opts - labels)
    every = {v for name in COMMANDS for _, args in _cases(name) for v in args}
    assert set(HOSTILE) <= every and set(PATHS) <= every


@pytest.mark.parametrize("name", sorted(BASE))
def test_every_option_of_every_command_survives_hostile_values(name: str, capsys, tmp_path, monkeypatch) -> None:
    """Round 102's matrix (sampled): no case of the 2,868 it ran broke the house rules, and none here may."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)  # (-o 0, -o nan, ... write there)
    (tmp_path / "adir").mkdir()
    code, _, err = _check(capsys, "base", list(BASE[name]))
    assert code == 0, err
    for label, args in _cases(name):
        for made in ("p.svg", "r.html"):
            (tmp_path / made).unlink(missing_ok=True)
        _check(capsys, label, args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("compare", "gpt3-1.3b", *W), "Error: gpt3-1.3b: this is a workload file, not an accelerator profile (give it with -w)"),
        (
            ("compare", "a100-80gb", "-w", "a100-80gb"),
            "Error: a100-80gb: this is an accelerator profile, not a workload file (give it as an ACCEL argument)",
        ),
        (
            ("compare", "a100-80gb", *W, "-s", "gpt3-1.3b"),
            "Error: gpt3-1.3b: this is a workload file, not a scenario file (give it with -w)",
        ),
        (("compare", "a100-80gb", "-w", "default"), "Error: default: this is a scenario file, not a workload file (give it with -s)"),
        (
            ("sensitivity", "a100-80gb", *W, "--vs", "gpt3-1.3b"),
            "Error: gpt3-1.3b: this is a workload file, not an accelerator profile (give it with -w)",
        ),
        (
            ("profiles", "show", "default"),
            "Error: default: this is a scenario file, not an accelerator profile (see it with tco scenarios show)",
        ),
        (("workloads", "show", "default"), "Error: default: this is a scenario file, not a workload file (see it with tco scenarios show)"),
        (
            ("scenarios", "show", "a100-80gb"),
            "Error: a100-80gb: this is an accelerator profile, not a scenario file (see it with tco profiles show)",
        ),
    ],
)
def test_an_id_of_another_kind_says_which_kind_it_is(run, args: tuple[str, ...], expected: str) -> None:
    """1: ``tco compare gpt3-1.3b -w gpt3-1.3b`` said "unknown accelerator 'gpt3-1.3b'; see 'tco profiles list'", and
    ``tco scenarios show a100-80gb`` "unknown scenario 'a100-80gb'", where the workload's file given as an accelerator
    says "this is a workload file, not an accelerator profile (give it with -w)". An id that another kind has (its id
    or an alias) is now told as its file is, with the flag that takes it (a show command: the command that shows it)."""
    assert one_error(run(*args)) == expected


def test_an_unknown_id_still_says_unknown_and_a_near_miss_is_still_guessed(run) -> None:
    """1's bounds: an id no kind has is still unknown, and a near miss of this kind's id is still 'did you mean' (the
    closer guess wins over another kind's exact id); the Python API names its own argument or loader."""
    assert one_error(run("compare", "nosuch", *W)) == "Error: unknown accelerator 'nosuch'; see 'tco profiles list'"
    near = "Error: unknown accelerator 'a100-80g' (did you mean 'a100-80gb'?); see 'tco profiles list'"
    assert one_error(run("compare", "a100-80g", *W)) == near
    with pytest.raises(
        NotFoundError, match=r"^gpt3-1\.3b: this is a workload file, not an accelerator profile \(give it as workload=\.\.\.\)$"
    ):
        tco.load_inputs(["gpt3-1.3b"], workload="gpt3-1.3b")
    with pytest.raises(NotFoundError, match=r"\(load it with tco\.load_workload\)$"):
        tco.load_accelerator("gpt3-1.3b")


@pytest.mark.parametrize(
    ("args", "code", "start"),
    [
        (("compare", "a100-80gb", *W, "-f", "xlsx", "-o", "-"), 2, "Error: Invalid value for --format: --format xlsx writes a workbook"),
        (
            ("compare", "a100-80gb", *W, "-f", "csv", "--currency", "CNY"),
            2,
            "Error: Invalid value for --currency: converts table, markdown",
        ),
        (("compare", "a100-80gb", *W, "-f", "csv", "-o", "x.json"), 2, "Error: Invalid value for -o: x.json is named as json"),
        (
            ("compare", "a100-80gb", *W, "--set", "scenario.pue=1.2", "--set", "scenario={pue=1.5}"),
            1,
            "Error: --set: scenario: given twice",
        ),
        (("simulate", "a100-80gb", *W, "-n", "1", "--seed", str(2**64)), 1, "Error: --seed: expected a seed from 0"),
        (("sweep", "a100-80gb", *W, "--vary", "scenario.pue=1:2:2", "--set", "scenario.pue=1.1"), 1, "Error: --vary: scenario.pue is both"),
        (("plot", "tornado", "a100-80gb", *W, "--metric", "capex_usd", "-o", "t.svg"), 2, "Error: Invalid value for --metric: applies to"),
        (("plot", "breakeven", "a100-80gb", "mlu370-s4", *W, "--range", "0:1e308", "-o", "b.svg"), 1, "Error: --range: a chart's axis"),
        (("breakeven", "a100-80gb", "mlu370-s4", *W, "--range", "nan:1"), 1, "Error: --range: expected finite numbers"),
        (
            ("cashflow", "a100-80gb", *W, "--revenue-usd-per-day", "1e308", "--lease-usd-per-month", "1e308"),
            1,
            "Error: --revenue-usd-per-day: a100-80gb: the cash flow overflows",
        ),
        (
            ("size", "a100-80gb", *W, "--budget-usd", "1", "--deadline-days", "1"),
            2,
            "Error: Invalid value for the limit: give exactly one of",
        ),
        (("estimate", "a100-80gb", "--params", "1.3B", "--mode", "infer", "--tp", "2"), 1, "Error: --tp: applies to training"),
        (("report", "a100-80gb", *W, "-n", "1", "-o", "r1.csv"), 2, "Error: Invalid value for -o: expected a file name ending in .html"),
    ],
)
def test_two_hostile_options_together_are_refused_in_one_line(
    args: tuple[str, ...], code: int, start: str, capsys, tmp_path, monkeypatch
) -> None:
    """Round 102's interactions (140 pairs of options) found each refused as it should be; a sample is pinned here,
    and -o names a file that must be left as it was."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    got, out, err = _check(capsys, "pair", list(args))
    assert (got, err.startswith(start)) == (code, True), err
    assert not [p.name for p in tmp_path.iterdir()]  # no -o file, no temporary left behind


def test_the_small_interactions_that_succeed_print_whole_numbers(capsys, tmp_path, monkeypatch) -> None:
    """``--samples 1 --seed 0``, a one-sample CDF and -o /dev/null run; their output has no nan or inf."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    for args in (
        ("simulate", "a100-80gb", *W, "-n", "1", "--seed", "0", "-f", "csv"),
        ("plot", "cdf", "a100-80gb", *W, "-n", "1", "--seed", "0", "-o", "c.svg"),
        ("compare", "a100-80gb", *W, "-o", os.devnull),
        ("compare", "a100-80gb", *W, "-f", "json", "--currency", "EUR"),
    ):
        assert _check(capsys, "ok", list(args))[0] == 0


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("compare", "gpt3-1.3b", *W), 1, "Error: gpt3-1.3b: this is a workload file, not an accelerator profile (give it with -w)"),
        (("compare", "a100-80gb", *W, "--currency", "x" * 10_000), 2, None),
        (("compare", "a100-80gb", *W, "--set", "\x1b[31m=1"), 1, None),
    ],
)
def test_a_few_cases_as_real_processes(args: tuple[str, ...], code: int, expected: str | None, tmp_path) -> None:
    """Spot checks of the matrix as the console runs it (python -m tco): the same one line, exit code, no escape."""
    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    done = subprocess.run([sys.executable, "-m", "tco", *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == code and done.stdout == "" and "Traceback" not in done.stderr, done.stderr[-500:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "\x1b" not in lines[0] and len(lines[0]) <= 1100
    if expected is not None:
        assert lines[0] == expected


@pytest.mark.parametrize(
    "args",
    [
        ("calibrate", "--fit", "-o", "{folder}"),
        ("calibrate", "--summary", "-o", "{missing}/c.csv"),
        ("simulate", "a100-80gb", *W, "-n", "2000000", "-o", "{folder}"),
        ("simulate", "a100-80gb", *W, "-f", "xlsx", "-o", "{missing}/s.xlsx"),
        ("report", "a100-80gb", *W, "-o", "{folder}/r.html"),
        ("plot", "cdf", "a100-80gb", *W, "-n", "2000000", "-o", "{missing}/c.svg"),
    ],
)
def test_an_output_in_no_folder_is_refused_before_the_slow_work(run, args: tuple[str, ...], tmp_path, monkeypatch) -> None:
    """2: ``tco calibrate --fit -o FOLDER`` printed 'refitting ... takes a few minutes', refitted for minutes, then
        said 'Error: FOLDER: -o: is a folder; expected a file name'; ``tco simulate a100-80gb -w gpt3-1.3b -n 2000000 -o
        FOLDER`` said it after 20 s of draws, ``tco plot cdf ... -n 2000000 -o MISSING/c.svg`` after 36 s, and a report after
    its Monte Carlo. The same line now comes before the
        work (the calibration, the draws, the report's comparison are never started), with nothing on stdout, exit 1."""
    import tco.cli

    def never(*_: object, **__: object) -> None:
        raise AssertionError("the work started before -o was refused")

    for name in ("calibrate", "simulate", "compare"):
        monkeypatch.setattr(tco.cli.api, name, never)
    (tmp_path / "r.html").mkdir()
    filled = [a.format(folder=tmp_path, missing=tmp_path / "no") for a in args]
    line = one_error(run(*filled))
    target = filled[filled.index("-o") + 1]
    why = "is a folder; expected a file name" if "no" not in Path(target).parts else "cannot write: the folder does not exist"
    assert line == f"Error: {target}: -o: {why}"
