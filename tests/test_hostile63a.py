"""Hostile round 63a (a command x option matrix of hostile values): each defect fixed, with a test."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("vs", "message"),
    [
        ("", "expected an accelerator id or a file path, got ''"),
        (" ", "expected an accelerator id or a file path, got ' '"),
        ("a100-80gb@0", "expected ID@COUNT with a whole COUNT of at least 1, got 'a100-80gb@0'"),
        ("a100-80gb:rent=-1", "expected :rent=USD_PER_HOUR with a positive number of at least 1e-300, got 'a100-80gb:rent=-1'"),
    ],
)
def test_a_malformed_vs_is_the_vs_flags_error(run, vs: str, message: str) -> None:
    """1: '--vs ""' was ignored (a plain tornado, exit 0), '--vs " "' blamed ACCEL and a malformed option the
    accelerators: each is --vs's error."""
    r = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--vs", vs)
    assert r.exit_code == 1, r.stdout
    assert r.stderr == f"Error: --vs: {message}\n", r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    ("baseline", "message"),
    [
        ("", "expected an accelerator id or a file path, got ''"),
        ("a100-80gb@0", "expected ID@COUNT with a whole COUNT of at least 1, got 'a100-80gb@0'"),
    ],
)
def test_a_malformed_baseline_is_the_baseline_flags_error(run, baseline: str, message: str) -> None:
    """1: '-b ""' said 'accelerator: missing accelerator id', naming no flag."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-b", baseline)
    assert r.exit_code == 1
    assert r.stderr == f"Error: --baseline: {message}\n", r.stderr


def test_a_well_formed_vs_still_compares(run) -> None:
    """The check does not refuse a --vs naming another option."""
    r = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--vs", "h100-sxm", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert '"h100-sxm"' in r.stdout


def test_an_empty_param_of_a_breakeven_chart_is_refused(run, tmp_path) -> None:
    """2: 'plot breakeven --param ""' drew the cost-of-delay curve (exit 0) where 'tco breakeven --param ""' is refused."""
    out = tmp_path / "b.svg"
    r = run("plot", "breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "", "-o", str(out))
    assert r.exit_code == 1
    # (hostile round 108: it says what it got, as -w '' and --set '' do)
    assert r.stderr.splitlines()[-1] == "Error: --param: expected scenario.<field>, workload.<field> or <accelerator-id>.<field>, got ''"
    assert not out.exists()


def test_an_empty_metric_of_a_sweep_chart_is_refused(run, tmp_path) -> None:
    """2: 'plot sweep --metric ""' drew the effective cost (exit 0): an empty name is not the default."""
    out = tmp_path / "s.svg"
    r = run("plot", "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:3", "--metric", "", "-o", str(out))
    assert r.exit_code == 2
    assert "Error: Invalid value for --metric: expected one of count, tokens_per_second_per_accelerator," in r.stderr, r.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "ref", "line"),
    [
        (("workloads", "show"), "", "Error: WORKLOAD: expected a workload id or a file path, got ''"),
        (("scenarios", "show"), " ", "Error: SCENARIO: expected a scenario id or a file path, got ' '"),
        (("profiles", "show"), "", "Error: PROFILE: expected an accelerator id or a file path, got ''"),
        (("profiles", "show", "-f", "toml"), "", "Error: PROFILE: expected an accelerator id or a file path, got ''"),
    ],
)
def test_an_empty_id_to_show_blames_its_argument(run, command: tuple[str, ...], ref: str, line: str) -> None:
    """3: 'workloads show ""' blamed --workload, 'scenarios show ""' --scenario and 'profiles show ""' ACCEL:
    none of them is a parameter of those commands."""
    r = run(*command[:2], ref, *command[2:])
    assert r.exit_code == 1
    assert r.stderr == line + "\n", r.stderr
    assert r.stdout == ""


def test_show_still_shows_an_id(run) -> None:
    r = run("workloads", "show", "gpt3-1.3b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert '"gpt3-1.3b"' in r.stdout


def test_an_empty_accelerator_of_estimate_blames_its_argument(run) -> None:
    """3: 'estimate ""' blamed ACCEL, the analysis commands' argument; estimate's is ACCELERATOR."""
    r = run("estimate", "", "--params", "7B")
    assert r.exit_code == 1
    assert r.stderr == "Error: ACCELERATOR: expected an accelerator id or a file path, got ''\n", r.stderr


@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_file_name_to_validate_is_refused_not_read_as_the_folder(run, name: str) -> None:
    """4: 'profiles validate ""' said '.: is a directory': the empty name became the working folder."""
    r = run("profiles", "validate", name)
    assert r.exit_code == 2
    assert f"expected a TOML file name, got {name!r}" in r.stderr, r.stderr
    assert ".: is a directory" not in r.stderr


@pytest.mark.parametrize(
    ("a", "b", "line"),
    [
        ("", "a100-80gb", "A: expected an accelerator id or a file path, got ''"),
        ("a100-80gb", " ", "B: expected an accelerator id or a file path, got ' '"),
    ],
)
def test_an_empty_option_of_breakeven_blames_a_or_b(run, a: str, b: str, line: str) -> None:
    """3: 'breakeven "" X' said 'accelerator: missing accelerator id', 'breakeven X " "' blamed ACCEL: its arguments are A and B."""
    r = run("breakeven", a, b, "-w", "gpt3-1.3b")
    assert r.exit_code == 1
    assert r.stderr == f"Error: {line}\n", r.stderr
