"""Hostile round 67 (paths of --set, --vary, --param and the API's overrides, ...): each defect fixed, with a test."""

from __future__ import annotations

import pytest

import tco


@pytest.mark.parametrize("path", ["scenario.pue]", "scenario.[pue]", "scenario.p]ue"])
def test_a_stray_bracket_in_a_varied_path_is_refused_not_read_as_another_input(run, path: str) -> None:
    """1: 'tco sweep --vary scenario.pue]=1.1,1.2' ran, with a column 'scenario.pue]', and every row at the
    scenario's own PUE (the bracket was dropped to find the field, kept to name the value, which nothing read):
    a sweep of identical rows, labelled as if the PUE moved. --set, --param and what_if did the same. The path
    is now refused, naming the flag and the path."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", f"{path}=1.1,1.2", "-f", "csv")
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == f"Error: --vary: {path}: expected dotted field names (an entry as name[LABEL]), got a stray '[' or ']'"
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"{path}=1.3")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith(f"Error: --set: {path}: expected dotted field names")
    r = run("breakeven", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--param", path)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith(f"Error: --param: {path}: expected dotted field names")
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError, match="stray"):
        tco.what_if(inputs, {path: [1.1, 1.5]})


def test_the_same_path_without_the_bracket_still_moves_the_figures(run) -> None:
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1,1.5", "-f", "csv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    header = lines[0].split(",")
    col = header.index("effective_cost_usd")
    assert float(lines[1].split(",")[col]) < float(lines[2].split(",")[col])


@pytest.mark.parametrize("path", ["", ".", "[]", "a.", "[x"])
@pytest.mark.parametrize(
    "load",
    [
        lambda o: tco.load_scenario(overrides=o),
        lambda o: tco.load_workload("gpt3-1.3b", overrides=o),
        lambda o: tco.load_accelerator("a100-80gb", overrides=o),
    ],
)
def test_an_empty_override_path_is_an_input_error(load, path: str) -> None:
    """2: tco.load_scenario(overrides=[("", 1)]) (and load_workload, load_accelerator; '.' or '[]' too) raised
    IndexError from deep in the loader, and 'tco compare ... --set scenario.[]=1' was an internal error (exit 3).
    Now an InputError naming the path."""
    with pytest.raises(tco.InputError, match="expected dotted field names"):
        load([(path, 1)])


def test_an_empty_set_path_in_brackets_is_a_user_error(run) -> None:
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.[]=1")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == "Error: --set: scenario.[]: expected dotted field names, got an empty one"
