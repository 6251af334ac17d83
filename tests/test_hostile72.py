"""Hostile round 72 (estimate's flags, ...): each defect fixed, with a test."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("flag", ["--params", "--tokens", "--global-batch"])
@pytest.mark.parametrize("text", ["7__0B", "_7B", "7_B", "7B_", "1,5B", "7,000,000,000"])
def test_estimate_reads_its_counts_as_every_number_flag_does(run, flag, text) -> None:
    """1: 'tco estimate h100-sxm --params 7__0B' estimated a 70B model, and '--params 1,5B' a 15B one (a decimal
    comma read as grouping): estimate's count flags (--params, --tokens, --global-batch, --total-params) dropped
    every underscore and comma, while --set, ID@COUNT and the other number flags take single underscores between
    digits only. They are now read alike: such text is refused, naming the flag."""
    args = ["--params", "7B"] if flag != "--params" else []
    r = run("estimate", "h100-sxm", *args, flag, text)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == f"Error: {flag}: expected a number such as 6.7e9 or 6.7B, got '{text}'"


def test_estimate_still_reads_grouped_digits_and_suffixes(run) -> None:
    r = run("estimate", "h100-sxm", "--params", "70_000M", "-f", "json")
    assert r.exit_code == 0, r.output
    assert '"parameters": 70000000000.0' in r.stdout


@pytest.mark.parametrize(
    ("text", "where", "said"),
    [
        ("stages = 7", "w.toml: stages", "7"),
        ("stages = {long-context = 1}", "w.toml: stages", "a table"),
    ],
)
def test_an_entry_of_what_is_no_list_is_refused_naming_who_gave_it(run, tmp_path, text, where, said) -> None:
    """2: a workload file with 'stages = 7' and '--set workload.stages[long-context].tokens=5e9' ended in an internal
    error, exit 3 ('int' object is not iterable), as did '--set workload.stages=7' before that --set (a fuzz found it
    with h100-sxm.benchmarks); 'stages = {...}' blamed the --set ('this input has no stages'). The --set now leaves
    such a value to validation, which names the file that gave no list (the two --set: test 4)."""
    (tmp_path / "w.toml").write_text(f'extends = "deepseek-v3"\nid = "w"\n{text}\n')
    for cmd in (["compare", "h100-sxm"], ["sweep", "h100-sxm", "--vary", "scenario.pue=1.2,1.3"]):
        r = run(*cmd, "-w", str(tmp_path / "w.toml"), "--set", "workload.stages[long-context].tokens=5e9")
        assert r.exit_code == 1, r.output
        assert r.stdout == ""
        assert r.stderr.endswith(f"{where}: expected a list, got {said}\n"), r.stderr
        assert len(r.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("path", "write"),
    [
        ("workload.name[x]", "name=..."),
        ("workload.parameters[x]", "parameters=..."),
        ("h100-sxm.aliases[x]", "aliases=[...]"),
        ("h100-sxm.availability[cn].buy", "availability.cn"),
        ("scenario.porting[low].weeks", "porting.low"),
    ],
)
def test_an_entry_selector_on_what_is_no_list_of_tables_says_so(run, path, write) -> None:
    """3: '--set workload.name[x]=5' said 'no name entry for 'x' (this input has no name)' (the workload has a
    name), '--set h100-sxm.aliases[x]=5' that h100-sxm has no aliases (it has), and 'h100-sxm.availability[cn].buy'
    'no such key; expected one of global, cn' (cn is one). Only a list of tables (stages, benchmarks) has entries to
    select: the error now says the field is none, and how to write it; --vary and --param say the same."""
    name = path.split(".")[1].split("[")[0]
    label = path.split("[")[1].split("]")[0]
    expected = f"'{name}' is not a list of tables: [{label}] selects none of it; write {write}"
    r = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", f"{path}=5")
    assert r.exit_code == 1, r.output
    assert r.stderr == f"Error: --set: {path}: {expected}\n"
    r = run("sweep", "h100-sxm", "-w", "deepseek-v3", "--vary", f"{path}=5,6")
    assert r.exit_code == 1, r.output
    assert r.stderr == f"Error: --vary: {path}: {expected}\n"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("workload.stages[long-context].tokens=5e9", "workload.stages=[{name='long-context', tokens=1e9}]"),
        ("workload.stages=[{name='long-context', tokens=1e9}]", "workload.stages[long-context].tokens=5e9"),
        ("workload.stages[long-context]={tokens=1e10}", "workload.stages[long-context].tokens=5e9"),
        ("workload.stages=7", "workload.stages[long-context].tokens=5e9"),
    ],
)
def test_a_list_set_whole_and_an_entry_of_it_are_one_input_given_twice(run, first, second) -> None:
    """4: '--set workload.stages[long-context].tokens=5e9 --set workload.stages=[...]' dropped the first --set
    silently (the list replaced the entry it had set), while a table and its field set apart are refused as one
    input given twice. A --set path now names an entry as a part of its list: the pair is refused in either order
    (as a --set of a table and a --vary of its field are; a --set list and a --vary of its entry now are too)."""
    r = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", first, "--set", second)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr == f"Error: --set: {second.split('=')[0]}: given twice ('{first}' and '{second}'): give it once\n"
    whole = "workload.stages=[{name='long-context', tokens=1e9}]"
    r = run("sweep", "h100-sxm", "-w", "deepseek-v3", "--set", whole, "--vary", "workload.stages[long-context].tokens.value=5e9,6e9")
    assert r.exit_code == 1, r.output
    assert "is both varied and set with --set: give it once" in r.stderr
    # two entries, or two fields of one entry, are two inputs
    both = ("workload.stages[long-context].tokens=1e10", "workload.stages[long-context].seq_len=8192")
    assert run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", both[0], "--set", both[1]).exit_code == 0


def test_a_list_set_whole_marks_its_entries_overridden_in_the_workbook(run, tmp_path) -> None:
    """4: 'tco compare h100-sxm -w deepseek-v3 --set workload.stages=[...] -o c.xlsx' left the Assumptions row
    'stages[long-context].tokens' unmarked in 'overridden in this run', as if the file gave it."""
    import openpyxl

    book = tmp_path / "c.xlsx"
    r = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages=[{name='long-context', tokens=5e9}]", "-o", str(book))
    assert r.exit_code == 0, r.output
    rows = openpyxl.load_workbook(book)["Assumptions"].iter_rows(values_only=True)
    assert [(row[2], row[7]) for row in rows if row[1] == "stages[long-context].tokens"] == [(5e9, "yes")]


def test_an_estimate_of_a_file_with_at_in_its_name_names_the_file_not_count(run, tmp_path, monkeypatch) -> None:
    """5: 'tco estimate ./a1.toml@8 --params 7B' said 'Error: --count: no such file' (no --count was given), and a
    profile named 'b@8.toml' that is not valid TOML 'Error: --count: not valid TOML'; tco.estimate('./a1.toml@8')
    'count: no such file'. An error about an accelerator given with '@' in it was taken for one about the option
    estimate builds (h100-sxm@8), whose count is --count's. Now the file is named."""
    import tco

    monkeypatch.chdir(tmp_path)
    (tmp_path / "b@8.toml").write_text("x = = 1\n")
    r = run("estimate", "./a1.toml@8", "--params", "7B")
    assert r.exit_code == 1, r.output
    assert r.stderr == "Error: ./a1.toml@8: no such file\n"
    r = run("estimate", "b@8.toml", "--params", "7B")
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith("Error: b@8.toml: not valid TOML: ")
    with pytest.raises(tco.TcoError, match=r"^\./a1\.toml@8: no such file$"):
        tco.estimate("./a1.toml@8", parameters=7e9)
    # the option estimate builds still names the flag
    r = run("estimate", "h100-sxm", "--params", "400B", "--mode", "infer", "--replica", "1")
    assert r.stderr.startswith("Error: --replica: h100-sxm cannot serve the model"), r.stderr
