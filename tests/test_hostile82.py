"""Hostile round 82 (sweeps over inputs that constrain each other, the Python API's arguments of numpy and os types,
-o names and links, standard input): a sweep whose varied values fail validation only together wrote 65,536 rows to
standard output before its error; ``calibrate(refit=np.bool_(False))`` was refused as 'expected True or False, got bool
False'; an ``os.DirEntry`` (``os.scandir``) or a PurePath was 'not a path'; ``profiles show -o x.svg`` listed the
names to use without the .toml it writes; a blank or malformed option given to ``breakeven`` or ``sensitivity(vs=...)``
was blamed on the command line's ACCEL; ``tco estimate - -s -`` read one file twice; ``-o`` as a link into a missing
folder said 'the folder does not exist' of a folder that does; an override of a boolean field refused the bool;
``analysable(required=...)`` ignored a name no option answers to; a Fraction past the floats was 'not a number', a
Decimal too close to 0 'got 0'. Each is fixed and tested here."""

from __future__ import annotations

import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePosixPath

import numpy as np
import pytest

import tco
from tests.factories import one_error, run_main

ROOT = Path(__file__).parents[1]
H100 = ROOT / "profiles" / "accelerators" / "h100-sxm.toml"
TOGETHER = (
    "workload.prompt_tokens: 1500 is not allowed: a request of 1500 + 1024 tokens (output_tokens by default seq_len / 2) "
    "exceeds seq_len = 2048; give output_tokens too"
)
TINY = "too close to 0 for a float (it reads as 0): give a number of at least 1e-300 in size"


def test_a_sweep_of_values_that_fail_only_together_writes_no_row(run, tmp_path: Path) -> None:
    """1: `tco sweep h100-sxm -w chat-70b --vary workload.seq_len=4096,2048 --vary workload.prompt_tokens=1500 --vary
    scenario.cost_of_delay_usd_per_day=0:1000:70000` checked each axis at its ends against the file's other values
    (a 1,500-token prompt fits 4,096 tokens; a 2,048-token sequence holds the default prompt), wrote the first chunk's
    65,536 rows, then failed at the combination of 1,500 and 2,048, in an error naming no flag. Every combination
    that is planned anew is now checked before the header; the error names --vary. Nothing is written to -o."""
    args = ["sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.seq_len=4096,2048", "--vary", "workload.prompt_tokens=1500"]
    args += ["--vary", "scenario.cost_of_delay_usd_per_day=0:1000:70000"]
    result = run(*args)
    assert (result.exit_code, one_error(result)) == (1, f"Error: --vary: {TOGETHER}")
    target = tmp_path / "s.csv"
    result = run(*args, "-o", str(target))
    assert (result.exit_code, one_error(result)) == (1, f"Error: --vary: {TOGETHER}") and not target.exists()


def test_the_python_api_names_its_argument_for_values_that_fail_together() -> None:
    """1, in the Python API: tco.sweep refuses before its rows are read, under vary; tco.what_if named no argument."""
    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b")
    with pytest.raises(tco.InputError) as caught:
        tco.sweep(inputs, ["workload.seq_len=4096,2048", "workload.prompt_tokens=1500"])
    assert str(caught.value) == f"vary: {TOGETHER}"
    with pytest.raises(tco.InputError) as caught:
        tco.what_if(inputs, {"workload.seq_len": [4096, 2048], "workload.prompt_tokens": [1500, 1500]})
    assert str(caught.value) == f"what_if: {TOGETHER}"


def test_a_sweep_of_values_that_hold_together_still_runs(run) -> None:
    """Pinned beside 1: the same axes with a prompt both sequences hold give a row per point and option."""
    result = run("sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.seq_len=4096,2048", "--vary", "workload.prompt_tokens=500,1000")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 5 and result.stderr.startswith("4 rows")


@pytest.mark.parametrize("flag", [np.bool_(True), np.bool_(False), np.array([True])[0]])
def test_numpy_bools_are_the_bools_they_hold(flag: np.bool_) -> None:
    """2: tco.calibrate(refit=np.bool_(False)) said 'refit: expected True or False, got bool False' (numpy 2 names its
    type 'bool'), a refusal that contradicts itself. A numpy bool is read as the bool it holds, as a numpy integer is
    read as an int; a number is still no bool."""
    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b")
    kept = tco.simulate(inputs, samples=3, seed=0, keep_samples=flag).effective_cost_samples_usd
    assert (kept is not None) is bool(flag)
    assert type(tco.calibrate(published_layout=flag)).__name__ == "CalibrationSummary"
    with pytest.raises(tco.InputError) as caught:
        tco.calibrate(refit=np.int64(1))
    assert str(caught.value) == "refit: expected True or False, got int64 1"


class _Named(os.PathLike[str]):
    """A caller's own path object (os.PathLike), as a library's file handle or a test fixture's gives one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return str(self.path)


def test_a_path_like_object_is_read_as_the_path_it_names() -> None:
    """3: tco.validate_file(entry) for an entry of os.scandir, or a PurePosixPath, said "path: expected Path | str, got
    DirEntry <DirEntry 'h100-sxm.toml'>: not a path (text or a Path)": Python's own functions take any os.PathLike.
    Each path argument (a list's items too) now reads one as the Path it names."""
    entry = next(e for e in os.scandir(H100.parent) if e.name == H100.name)
    assert tco.validate_file(entry) == [] and tco.validate_file(PurePosixPath(H100)) == []
    assert tco.load_accelerator(_Named(H100)).id == "h100-sxm"
    inputs = tco.load_inputs(
        [entry, _Named(H100.parent / "mi300x.toml")], workload=_Named(ROOT / "profiles" / "workloads" / "chat-70b.toml")
    )
    assert [o.label for o in inputs.options] == ["h100-sxm", "mi300x"]
    assert tco.estimate(entry, parameters=7e9).accelerator == "h100-sxm"
    assert tco.accelerator_table(dirs=[PurePosixPath(ROOT / "profiles")])[0]


def test_a_path_like_object_naming_no_text_is_still_refused() -> None:
    """Pinned beside 3: an object whose __fspath__ gives neither text nor bytes is refused as before, in one line."""

    class Broken(os.PathLike[str]):
        def __fspath__(self) -> str:
            return 3  # type: ignore[return-value]

    with pytest.raises(tco.InputError) as caught:
        tco.validate_file(Broken())
    assert str(caught.value).startswith("path: expected Path | str, got Broken <") and str(caught.value).endswith(
        ": not a path (text or a Path)"
    )


@pytest.mark.parametrize(("command", "name"), [("profiles", "h100-sxm"), ("workloads", "chat-70b"), ("scenarios", "default")])
@pytest.mark.parametrize("suffix", ["svg", "tsv"])
def test_an_output_name_show_does_not_write_lists_the_toml_it_does(capsys, command: str, name: str, suffix: str) -> None:
    """4: `tco profiles show h100-sxm -o x.svg` said '... does not write (table, csv, json, jsonl, markdown or toml):
    name the file .csv, .json, .jsonl or .md': the list of names left out the .toml the command writes."""
    code, out, error = run_main(capsys, command, "show", name, "-o", f"x.{suffix}")
    said = "svg" if suffix == "svg" else "tsv"
    charts = "; tco plot writes charts" if suffix == "svg" else ""
    assert (code, out, error.count("\n")) == (2, "", 1) and error.rstrip("\n") == (
        f"Error: Invalid value for -o: x.{suffix} is named as {said}, which {command} show does not write (table, csv, json, "
        f"jsonl, markdown or toml): name the file .csv, .json, .jsonl, .md or .toml{charts} (see 'tco {command} show --help')"
    )


def test_an_output_name_compare_does_not_write_lists_its_names_as_before(capsys) -> None:
    """Pinned beside 4: a command that writes no TOML lists no .toml."""
    code, out, error = run_main(capsys, "compare", "h100-sxm", "-w", "chat-70b", "-o", "x.toml")
    assert (code, out, error.count("\n")) == (2, "", 1) and error.rstrip("\n") == (
        "Error: Invalid value for -o: x.toml is named as toml, which compare does not write (table, csv, json, jsonl, "
        "markdown or xlsx): name the file .csv, .json, .jsonl, .md or .xlsx (see 'tco compare --help')"
    )


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda i: tco.sensitivity(i, vs=""), "expected an accelerator id or a file path, got ''"),
        (lambda i: tco.sensitivity(i, vs=("", "mi300x")), "expected an accelerator id or a file path, got ''"),
        (lambda i: tco.breakeven(i, " ", "mi300x"), "expected an accelerator id or a file path, got ' '"),
        (lambda i: tco.breakeven(i, "h100-sxm", "mi300x@x"), "expected ID@COUNT with a whole COUNT of at least 1, got 'mi300x@x'"),
        (lambda i: tco.sensitivity(i, vs="mi300x:lease"), "expected ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got 'mi300x:lease'"),
    ],
)
def test_a_blank_or_malformed_option_of_an_analysis_is_the_options_error(call, said: str) -> None:
    """5: tco.sensitivity(inputs, vs='') said "ACCEL: expected an accelerator id or a file path, got ''" (the command
    line's argument, which the call has not), and tco.breakeven(inputs, 'h100-sxm', 'mi300x@x') blamed 'accelerator'.
    Both are now the option's error, as an option not compared is ("option: 'a100-80gb' is not one of ...")."""
    inputs = tco.load_inputs(["h100-sxm", "mi300x"], workload="chat-70b")
    with pytest.raises(tco.InputError) as caught:
        call(inputs)
    assert (caught.value.where, str(caught.value)) == (None, f"option: {said}")


def test_estimate_reading_the_profile_and_the_scenario_from_standard_input_says_it_holds_one_file(run) -> None:
    """6: `tco estimate - --params 7B -s - < default.toml` read the one file twice and said '-: this is a scenario file, not
    an accelerator profile (give it with -s)', which it was given with. It is now refused as compare refuses '-' twice
    (no traceback, nothing on stdout); '-' once still reads either."""
    scenario = (ROOT / "profiles" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    result = run("estimate", "-", "--params", "7B", "-s", "-", input=scenario)
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: -: standard input holds one file: read the profile or the scenario from '-'",
    )
    assert run("estimate", "h100-sxm", "--params", "7B", "-s", "-", input=scenario).exit_code == 0
    assert run("estimate", "-", "--params", "7B", input=H100.read_text(encoding="utf-8")).exit_code == 0


def test_an_output_link_into_a_missing_folder_names_the_folder_it_points_into(run, tmp_path: Path, monkeypatch) -> None:
    """7: `-o out.csv`, a symbolic link to /nowhere/out.csv, said 'out.csv: -o: cannot write: the folder does not exist'
    while out.csv's own folder was there. The error now names the link's target; a plain missing folder reads as before."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.csv").symlink_to(tmp_path / "nowhere" / "out.csv")
    (tmp_path / "file").write_text("x")
    (tmp_path / "into-file.csv").symlink_to(tmp_path / "file" / "out.csv")
    for name, why in (
        ("out.csv", f"it is a link to {tmp_path / 'nowhere' / 'out.csv'}, whose folder {tmp_path / 'nowhere'} does not exist"),
        ("into-file.csv", f"it is a link to {tmp_path / 'file' / 'out.csv'}, and {tmp_path / 'file'} is a file, not a folder"),
        ("nowhere/plain.csv", "the folder does not exist"),
    ):
        result = run("compare", "h100-sxm", "-w", "chat-70b", "-o", name)
        assert (result.exit_code, one_error(result)) == (1, f"Error: {name}: -o: cannot write: {why}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "into-file.csv", "out.csv"]


@pytest.mark.parametrize("flag", [False, np.bool_(False)])
def test_an_override_of_a_boolean_field_takes_a_bool(flag: bool) -> None:
    """8: tco.load_accelerator('h100-sxm', overrides=[('can_serve', False)]) was refused as "overrides: expected
    Sequence[tuple[str, Any]], got False": the check that keeps True from reading as 1 refused the bool an override of a
    boolean field is. The field now decides, as a file's `can_serve = false` does; numpy's bool is the bool it holds."""
    accelerator = tco.load_accelerator("h100-sxm", overrides=[("can_serve", flag)])
    assert (accelerator.can_train, accelerator.can_serve) == (True, False)
    assert tco.load_workload("llama3-8b", overrides=[("shape.tied_embeddings", np.bool_(True))]).shape.tied_embeddings is True


@pytest.mark.parametrize(
    ("override", "said"),
    [
        (("price_usd", True), "price_usd: expected a number more than 0 or a table with value, low, high, source, as_of, got boolean true"),
        (
            ("memory_gb", np.True_),
            "memory_gb: expected a number more than 0 or a table with value, low, high, source, as_of, got boolean true",
        ),
        (("price_usd", {"value": np.True_}), "price_usd.value: expected a number, got true"),
    ],
)
def test_an_override_of_a_number_field_still_refuses_a_bool(override: tuple[str, object], said: str) -> None:
    """Pinned beside 8: a bool is still no number, now refused by the field it would set."""
    with pytest.raises(tco.TcoError) as caught:
        tco.load_accelerator("h100-sxm", overrides=[override])
    assert str(caught.value) == f"overrides: h100-sxm.{said}"


@pytest.mark.parametrize(
    ("required", "said"),
    [
        (["a100-80gb"], "required: 'a100-80gb' is not one of the compared options: h100-sxm, mi300x:rent"),
        (["h100-sxm@4"], "required: 'h100-sxm@4' is not one of the compared options: h100-sxm, mi300x:rent"),
        ([""], "required: expected an accelerator id or a file path, got ''"),
    ],
)
def test_analysable_refuses_a_required_option_it_does_not_compare(required: list[str], said: str) -> None:
    """9: tco.analysable(inputs, required=['a100-80gb']) returned the inputs as if the name were kept: a name no option
    answers to kept nothing and said nothing (and a blank one was not checked). Each is refused under required; a name
    an option answers to (its alias, its accelerator's id, another case) still keeps it."""
    inputs = tco.load_inputs(["h100-sxm", "mi300x:rent"], workload="chat-70b")
    with pytest.raises(tco.InputError) as caught:
        tco.analysable(inputs, required=required)
    assert str(caught.value) == said
    for name in ("h100", "MI300X:rent", "mi300x"):
        assert [o.label for o in tco.analysable(inputs, required=[name])[0].options] == ["h100-sxm", "mi300x:rent"]


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (
            lambda i: tco.size(i, budget_usd=Fraction(10**400, 3)),
            "budget_usd: expected float | None, got Fraction Fraction(1000000000000000000...000000000...: past the largest float (1.8e308)",
        ),
        (
            lambda i: tco.size(i, budget_usd=Decimal("1e-400")),
            "budget_usd: expected float | None, got Decimal Decimal('1E-400'): " + TINY,
        ),
        (
            lambda i: tco.what_if(i, {"scenario.cost_of_delay_usd_per_day": [0, Decimal("1e-999")]}),
            "changes: expected Mapping[str, Sequence[float]], got Decimal Decimal('1E-999'): " + TINY,
        ),
        (
            lambda i: tco.estimate("h100-sxm", parameters=Fraction(1, 10**400)),
            "parameters: expected float, got Fraction Fraction(1, 1000000000000000...000000000...: " + TINY,
        ),
    ],
)
def test_a_decimal_or_fraction_no_float_holds_is_named_for_what_it_is(call, said: str) -> None:
    """10: tco.size(inputs, budget_usd=Fraction(10**400, 3)) said '...: not a number' of a number, and
    budget_usd=Decimal('1e-400') said 'expected a positive number, got 0' of a positive number (it reads as the float
    0). Each now says why no float holds it, as the command line says of 1e-400; one a float holds reads as before."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    with pytest.raises(tco.InputError) as caught:
        call(inputs)
    assert str(caught.value) == said
    assert tco.size(inputs, budget_usd=Decimal("2e6")).options[0].count == tco.size(inputs, budget_usd=2e6).options[0].count
