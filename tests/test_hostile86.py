"""Hostile round 86 (the Python API as a scripter calls it, files and pipes the shell hands over, workloads whose
fields disagree): a profile saved with classic Mac OS line endings was told to delete its carriage return; a file
named without .toml in the working folder was an 'unknown workload' with no word of the file; ``--param`` or a
what-if path written as ``PATH=VALUE`` was 'no such field', and one with blanks around it (which ``--set`` and
``--vary`` take) 'is not scenario ...'; a global batch larger than the tokens trained was taken without a word;
``pipeline_schedule = dualpipe`` beside ``parallelism = fsdp`` was silently read by no layout; a ``--set`` of a
quantity to a table without a value silently made it unknown; the shell's ``<(...)`` was 'not a regular file' with
no way out named; ``compare(baseline=...)``, ``breakeven(a, b)`` and ``sensitivity(vs=...)`` refused as 'not text'
the Path ``load_inputs`` took the option by; ``TCO_PROFILE_PATH`` written with a '~', a ``$VAR``, commas or blanks
(where no shell expands it) 'does not exist' without saying why. Each is fixed and tested here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tco
from tests.factories import one_error

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _workload_text() -> str:
    return (PROFILES / "workloads" / "gpt3-1.3b.toml").read_text(encoding="utf-8")


def test_a_file_with_classic_mac_line_endings_is_named_so(run, tmp_path: Path) -> None:
    """1: a workload saved with bare carriage returns (classic Mac OS line endings) was refused with '... the
    character there is U+000D (a control character), which does not show: delete it': deleting it joins every
    line into one. Now: 'every line ends in a carriage return alone (U+000D, classic Mac OS line endings), which
    TOML does not take: save the file with LF or CRLF line endings'; a lone one in a line is named as such."""
    path = tmp_path / "mac.toml"
    path.write_bytes(_workload_text().replace("\n", "\r").encode())
    error = one_error(run("compare", "a100-80gb", "-w", str(path)))
    assert error.endswith(
        "every line ends in a carriage return alone (U+000D, classic Mac OS line endings), which TOML does not take: "
        "save the file with LF or CRLF line endings"
    )
    assert "delete it" not in error
    path.write_bytes(b'id = "x"\r\nname = "y"\rkind = "training"\n')
    error = one_error(run("compare", "a100-80gb", "-w", str(path)))
    assert "(at line 2, column 11): the character there is a carriage return (U+000D) with no line feed after it" in error


def test_crlf_line_endings_still_load(run, tmp_path: Path) -> None:
    """Pinned beside 1: Windows line endings (CRLF) are TOML's own and load as before."""
    path = tmp_path / "win.toml"
    path.write_bytes(_workload_text().replace("\n", "\r\n").encode())
    result = run("compare", "a100-80gb", "-w", str(path), "-f", "csv")
    assert result.exit_code == 0 and result.stdout.count("\n") == 2


@pytest.mark.parametrize(("flag", "name", "kind"), [("-w", "gpt.txt", "workload"), ("ACCEL", "mygpu", "accelerator")])
def test_an_unknown_id_that_is_a_file_in_the_working_folder_says_how_to_read_it(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str, name: str, kind: str
) -> None:
    """2: ``tco compare a100-80gb -w gpt.txt`` with gpt.txt beside the user said only "unknown workload 'gpt.txt';
    see 'tco workloads list'": a name is read as a file only when it ends in .toml or holds a folder, which the
    message did not say. It now says the file is there and to give it as ./gpt.txt (which then loads)."""
    monkeypatch.chdir(tmp_path)
    source = PROFILES / ("workloads/gpt3-1.3b.toml" if kind == "workload" else "accelerators/h100-sxm.toml")
    (tmp_path / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["compare", "a100-80gb", "-w", name] if flag == "-w" else ["compare", name, "-w", "gpt3-1.3b"]
    assert one_error(run(*args)) == (
        f"Error: unknown {kind} '{name}'; a file of that name is in the working folder, but a name is read as a file "
        f"only when it ends in .toml or holds a folder: give it as ./{name}"
    )
    given = [f"./{name}" if a == name else a for a in args]
    assert run(*given, "-f", "csv").exit_code == 0


def test_an_unknown_id_with_no_such_file_is_told_as_before(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned beside 2: no file of the name, no word of one."""
    monkeypatch.chdir(tmp_path)
    assert one_error(run("compare", "a100-80gb", "-w", "gpt.txt")) == "Error: unknown workload 'gpt.txt'; see 'tco workloads list'"


def test_a_path_given_as_path_equals_value_where_the_path_alone_is_asked_for_says_so(run) -> None:
    """3: ``tco breakeven ... --param scenario.pue=1:2`` (a --set's spelling) said 'scenario.pue=1:2: no such field
    (did you mean 'pue'?)', and ``what_if({'scenario.pue=1.2': [...]})`` the same, of a field that exists. Both now
    say a path alone is asked for, and where the values go."""
    assert one_error(run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "scenario.pue=1:2")) == (
        "Error: --param: scenario.pue=1:2: expected an input's path alone, not PATH=VALUE: give scenario.pue; "
        "the values to search go in --range"
    )
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(inputs, "a100-80gb", "mlu370-s4", param="scenario.pue=1.2")
    assert str(caught.value) == (
        "param: scenario.pue=1.2: expected an input's path alone, not PATH=VALUE: give scenario.pue; the values to search go in value_range"
    )
    with pytest.raises(tco.InputError) as caught:
        tco.what_if(inputs, {"scenario.pue=1.2": [1.1]})
    assert str(caught.value) == (
        "what_if: scenario.pue=1.2: expected an input's path alone, not PATH=VALUE: give scenario.pue; its values are the list it maps to"
    )


def test_a_param_or_what_if_path_with_blanks_around_it_is_read_as_set_reads_one(run) -> None:
    """6: ``--set ' scenario.pue =1.2'`` and ``--vary`` take a path with blanks around it, but ``--param
    ' scenario.pue '`` and ``what_if({' scenario.pue ': [...]})`` were refused with "' scenario' is not scenario,
    workload or a compared accelerator (did you mean 'scenario'?)". They are now read as the path; the same path
    given twice, once with blanks, is refused rather than one of the two silently dropped."""
    result = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", " scenario.pue ", "-f", "json")
    assert result.exit_code == 0 and '"param":"scenario.pue"' in result.stdout.replace(" ", "")
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")
    assert tco.breakeven(inputs, "a100-80gb", "mlu370-s4", param=" scenario.pue ").param == "scenario.pue"
    plain = tco.what_if(inputs, {"scenario.pue": [1.1, 1.3]})
    blank = tco.what_if(inputs, {" scenario.pue ": [1.1, 1.3]})
    assert blank.changes == {"scenario.pue": [1.1, 1.3]} and blank.options == plain.options
    with pytest.raises(tco.InputError, match=r"^scenario\.pue: given twice, as 'scenario\.pue' and ' scenario\.pue ': give it once$"):
        tco.what_if(inputs, {" scenario.pue ": [1.1], "scenario.pue": [1.2]})


def test_a_global_batch_larger_than_the_tokens_trained_is_warned_of(run) -> None:
    """4: ``--set workload.global_batch_tokens=1e16`` on llama3-8b (15T tokens) ran without a word: the run is less
    than one optimizer step, and its figures count a fraction of one. A one-line warning now names the two (a
    refusal would stop a sweep of the tokens that passes below the batch: the warning is the loaded inputs' only)."""
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.global_batch_tokens=1e16", "-f", "csv")
    assert result.exit_code == 0 and result.stdout.count("\n") == 2
    assert (
        "Warning: llama3-8b: global_batch_tokens (1e+16 tokens a step) is more than the 1.5e+13 tokens of training_tokens: "
        "the run is less than one optimizer step and its figures count a fraction of one; check the two\n"
    ) in result.stderr
    fine = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.global_batch_tokens=4e6", "-f", "csv")
    assert fine.exit_code == 0 and "optimizer step" not in fine.stderr
    swept = run(
        "sweep", "h100-sxm", "-w", "llama3-8b", "--set", "workload.global_batch_tokens=4e6", "--vary", "workload.training_tokens=1e6,1e12"
    )
    assert swept.exit_code == 0 and "optimizer step" not in swept.stderr


def test_a_stage_whose_batch_is_larger_than_its_tokens_is_warned_of() -> None:
    """Beside 4: a stage's own batch (or the workload's, which it inherits) against the stage's tokens."""
    inputs = tco.load_inputs(
        ["h100-sxm"],
        workload="llama3-8b",
        sets=["workload.global_batch_tokens=4e6", 'workload.stages=[{name="long", tokens=1e6}]'],
    )
    assert [w for w in inputs.warnings if "optimizer step" in w] == [
        "llama3-8b: global_batch_tokens (4e+06 tokens a step) is more than the 1e+06 tokens of stages[long].tokens: "
        "the run is less than one optimizer step and its figures count a fraction of one; check the two"
    ]


def test_estimate_notes_a_batch_larger_than_its_tokens_by_its_flags(run) -> None:
    """Beside 4: estimate has no workload file; its note names --global-batch and --tokens (Python: the arguments),
    and without --tokens (a run of no length) it says nothing."""
    result = run("estimate", "h100-sxm", "--params", "7e9", "--global-batch", "1e9", "--tokens", "1e6", "-f", "json")
    assert result.exit_code == 0
    assert "--global-batch (1e+09 tokens a step) is more than the 1e+06 tokens of --tokens" in result.stdout
    note = "global_batch_tokens (1e+09 tokens a step) is more than the 1e+06 tokens of training_tokens"
    assert any(n.startswith(note) for n in tco.estimate("h100-sxm", parameters=7e9, global_batch_tokens=1e9, training_tokens=1e6).notes)
    assert not any("optimizer step" in n for n in tco.estimate("h100-sxm", parameters=7e9, global_batch_tokens=1e9).notes)


@pytest.mark.parametrize(
    ("workload", "sets", "where"),
    [
        ("deepseek-v3", ["workload.parallelism=fsdp"], "workload.parallelism"),
        ("llama3-8b", ["workload.parallelism=fsdp", "workload.pipeline_schedule=dualpipe"], "workload.pipeline_schedule"),
    ],
)
def test_dualpipe_beside_fsdp_is_refused(run, workload: str, sets: list[str], where: str) -> None:
    """5: ``--set workload.parallelism=fsdp`` on deepseek-v3 (pipeline_schedule = dualpipe) ran, the schedule read by
    no layout (fsdp has no pipeline) and nothing said; the figures were fsdp's. The pair is now refused in one line
    naming the --set, as a layout fsdp cannot apply is."""
    args = [a for s in sets for a in ("--set", s)]
    assert one_error(run("compare", "h100-sxm", "-w", workload, *args)) == (
        f"Error: --set: {where}: pipeline_schedule = dualpipe schedules a pipeline, and parallelism = fsdp shards data "
        "only, with none: set pipeline_schedule = 1f1b, or parallelism = megatron"
    )


def test_fsdp_with_the_one_f_one_b_schedule_still_runs(run) -> None:
    """Pinned beside 5: the way out the message names runs."""
    result = run(
        "compare",
        "h100-sxm",
        "-w",
        "deepseek-v3",
        "--set",
        "workload.parallelism=fsdp",
        "--set",
        "workload.pipeline_schedule=1f1b",
        "-f",
        "csv",
    )
    assert result.exit_code == 0 and result.stdout.count("\n") == 2


def test_a_set_of_a_quantity_to_a_table_without_a_value_is_warned_of(run) -> None:
    """7: ``--set 'scenario.pue={low=1.1, high=1.4}'`` (meaning the range) replaced the quantity whole and made the
    PUE unknown without a word, the option then 'not ranked: scenario.pue unknown; complete it with --set' of the
    input just set. A file's table that does so is warned of; the --set now is too, with the ways to say it."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue={low=1.1, high=1.4}", "-f", "csv")
    assert result.exit_code == 0
    assert (
        "Warning: --set scenario.pue={low=1.1, high=1.4}: the table replaces scenario.pue whole and gives no value, so it "
        "is unknown; write value=… in it too, or set an end alone (--set scenario.pue.low=…); an empty table, "
        "scenario.pue={}, says unknown on purpose\n"
    ) in result.stderr
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets=["A100.price_usd={low=1000, high=2000}"])
    assert any(
        w.startswith("sets A100.price_usd={low=1000, high=2000}: the table replaces a100-80gb.price_usd whole") for w in inputs.warnings
    )


@pytest.mark.parametrize("value", ["{}", "{value=1.2, low=1.1}", "1.2"])
def test_a_set_that_gives_a_value_or_empties_on_purpose_is_not_warned_of(run, value: str) -> None:
    """Pinned beside 7: an empty table says unknown on purpose; a table with a value, or a number, is a value."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"scenario.pue={value}", "-f", "csv")
    assert result.exit_code == 0 and "the table replaces" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_pipe_given_as_a_file_names_standard_input(run, tmp_path: Path) -> None:
    """8: ``-w <(tco workloads show gpt3-1.3b -f toml)`` (the shell's process substitution, a pipe) was 'is not a
    regular file, expected a TOML file', naming no way to give it. It now names a pipe and standard input, ``-``
    (which takes the same text)."""
    fifo = tmp_path / "w.toml"
    os.mkfifo(fifo)
    assert one_error(run("compare", "a100-80gb", "-w", str(fifo))) == (
        f"Error: {fifo}: is a pipe (a FIFO, or the shell's <(...)), not a regular file: give one input through "
        "standard input, -, or save it to a file first"
    )
    result = run("compare", "a100-80gb", "-w", "-", "-f", "csv", input=_workload_text())
    assert result.exit_code == 0 and result.stdout.count("\n") == 2


def test_an_option_named_by_a_path_object_is_named_so_in_every_analysis() -> None:
    """9: ``load_inputs([Path('mine.toml'), ...])`` takes a profile by its Path, and its text names the option in
    ``compare(baseline=...)``, ``breakeven(a, b)`` and ``sensitivity(vs=...)``; the Path itself was refused there
    ('baseline: expected str | None, got PosixPath ...: not text'). It now names the option as its text does."""
    path = PROFILES / "accelerators" / "a100-80gb.toml"
    inputs = tco.load_inputs(["mlu370-s4", path], workload="gpt3-1.3b")
    assert tco.compare(inputs, baseline=path).baseline == tco.compare(inputs, baseline=str(path)).baseline == "a100-80gb"
    assert tco.breakeven(inputs, path, "mlu370-s4").a == "a100-80gb"
    assert tco.sensitivity(inputs, vs=path).vs == tco.sensitivity(inputs, vs=str(path)).vs == ["mlu370-s4", "a100-80gb"]
    assert tco.sensitivity(inputs, vs=("mlu370-s4", path)).vs == ["mlu370-s4", "a100-80gb"]
    with pytest.raises(tco.InputError, match=r"^baseline: expected str \| Path \| None, got int 3: not text$"):
        tco.compare(inputs, baseline=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("~/tco-profiles-h86", "a '~' is not expanded here: write the folder in full ({home}/tco-profiles-h86)"),
        ("$HOME/tco-profiles-h86", "a variable is not expanded here: write the folder in full"),
        ("{tmp},{tmp}", "folders on TCO_PROFILE_PATH are separated by ':'"),
        (" {tmp} ", "the name has blanks around it: remove them"),
    ],
)
def test_a_profile_path_written_as_only_a_shell_reads_it_says_why(
    run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, why: str
) -> None:
    """10: TCO_PROFILE_PATH set where no shell expands it (a .env file, a container's environment, os.environ in
    Python) to '~/profiles' was "~/profiles: TCO_PROFILE_PATH: does not exist; expected folders holding ...", with
    no word that the '~' (or $HOME, a comma-separated list, blanks) was read as written. The error now says so."""
    if os.pathsep != ":":
        pytest.skip("POSIX path separator")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    written = value.format(tmp=tmp_path)
    monkeypatch.setenv("TCO_PROFILE_PATH", written)
    assert one_error(run("compare", "a100-80gb", "-w", "gpt3-1.3b")) == (
        f"Error: {written}: TCO_PROFILE_PATH: does not exist; expected folders holding accelerators/, workloads/, scenarios/; "
        + why.format(home=tmp_path / "home")
    )
