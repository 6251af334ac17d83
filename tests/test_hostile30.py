"""Hostile round 30 (about 515 CLI runs over the original catalogue's families): each defect, fixed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

A100 = (Path(__file__).parent.parent / "profiles" / "accelerators" / "a100-80gb.toml").read_text()


def _copy(path: Path, **lines: str) -> Path:
    """The shipped a100-80gb profile with top-level keys replaced (``id``, ``aliases``, ``tdp_w`` ...)."""
    out = [f"{k} = {lines[k]}" if (k := line.split(" = ", 1)[0]) in lines else line for line in A100.splitlines()]
    path.write_text("\n".join(out) + "\n")
    return path


def test_an_alias_that_names_another_option_is_refused(run, tmp_path: Path) -> None:
    """A copy with id 'other2' and the alias 'a100' (the built-in a100-80gb's alias) was accepted beside
    a100-80gb, and --set a100.price_usd=1000 then changed both rows. Such a --set is now refused (the
    copy is still compared: a copy often keeps the original's aliases); tests/test_hostile31.py has -b."""
    copy = _copy(tmp_path / "alias.toml", id='"other2"', aliases='["a100"]')
    r = run("compare", str(copy), "a100-80gb", "-w", "llama3-8b", "--set", "a100.price_usd=1000")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "Error: --set: a100.price_usd: 'a100' is an alias of a100-80gb and other2, which this run compares: "
        "give the id of the one to change"
    )
    assert run("compare", str(copy), "a100-80gb", "-w", "llama3-8b").exit_code == 0


def test_the_first_folder_that_gives_an_id_is_the_one_used(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file named dup.toml in a later TCO_PROFILE_PATH folder won over an earlier folder's file whose
    own id is dup, although 'profiles list' says the first folder's is used."""
    first, second = tmp_path / "one", tmp_path / "two"
    for folder in (first, second):
        (folder / "accelerators").mkdir(parents=True)
    _copy(first / "accelerators" / "mygpu.toml", id='"dup"', aliases="[]", price_usd="5555")
    _copy(second / "accelerators" / "dup.toml", id='"dup"', aliases="[]", price_usd="100")
    monkeypatch.setenv("TCO_PROFILE_PATH", os.pathsep.join([str(first), str(second)]))
    r = run("profiles", "show", "dup", "-f", "json")
    assert r.exit_code == 0 and '"value": 5555' in r.stdout.replace(".0", "")


def test_a_bad_value_in_an_extends_base_names_the_base(run, tmp_path: Path) -> None:
    base = _copy(tmp_path / "badbase.toml", id='"badbase"', aliases="[]", tdp_w="-7")
    child = tmp_path / "child.toml"
    child.write_text('id = "c12"\nextends = "badbase"\n')
    for args in (["compare", str(child), "-w", "llama3-8b"], ["profiles", "validate", str(child)]):
        r = run(*args)
        assert r.exit_code == 1
        assert r.stderr.strip() == f"Error: {base}: tdp_w: expected more than 0, got -7 (extended by {child})"
    upper = tmp_path / "upper.toml"  # ids are case-insensitive: BADBASE finds badbase.toml beside it
    upper.write_text('id = "c8"\nextends = "BADBASE"\n')
    assert run("compare", str(upper), "-w", "llama3-8b").stderr.startswith(f"Error: {base}: tdp_w:")


def test_a_copy_with_a_built_in_id_is_blamed_not_the_built_in(run, tmp_path: Path) -> None:
    copy = _copy(tmp_path / "shadow.toml", price_usd="1")
    r = run("compare", str(copy), "a100-80gb", "-w", "llama3-8b")
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {copy}: id: two different profiles have the id 'a100-80gb'")


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["compare", "a100-80gb@1", "-w", "chat-70b"], "Error: a100-80gb@1: a100-80gb cannot serve chat-70b: the weights and one"),
        (
            ["estimate", "h100-sxm", "--params", "70e9", "--mode", "infer", "--replica", "1"],
            "Error: --replica: h100-sxm cannot serve the model",
        ),
    ],
)
def test_a_replica_the_user_fixed_is_blamed_for_a_memory_misfit(run, args: list[str], start: str) -> None:
    r = run(*args)
    assert r.exit_code == 1 and r.stderr.startswith(start)


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "--range", "1e308:1.7e308"], None),
        (["breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "--range", "0:1.7976931348623157e308"], None),
        (
            ["sweep", "a100-80gb", "-w", "llama3-8b", "--vary", "scenario.pue=-1e308:1e308:3"],
            "Error: --vary: scenario.pue: -1e+308 is not allowed: expected at least 1",
        ),
    ],
)
def test_ranges_near_the_float_maximum_do_not_overflow_their_grid(run, args: list[str], start: str | None) -> None:
    """Mid-points (lo + hi) / 2 and numpy's linspace overflowed: 'inf is not allowed' for finite ranges."""
    r = run(*args)
    assert (r.exit_code == 0) if start is None else (r.exit_code == 1 and r.stderr.startswith(start)), r.stderr


def test_a_chart_past_the_drawable_range_names_its_flag(run, tmp_path: Path) -> None:
    """matplotlib cannot lay out an axis near the float maximum (it raised inside, exit 3)."""
    r = run("plot", "breakeven", "a100-80gb", "h100-sxm", "-w", "llama3-8b", "--range", "0:1e307", "-o", str(tmp_path / "b.svg"))
    assert r.exit_code == 1 and r.stderr.strip() == "Error: --range: a chart's axis cannot reach 1e+307: give a range within ±1e300"
    out = tmp_path / "s.svg"
    r = run("plot", "sweep", "a100-80gb", "-w", "llama3-8b", "--vary", "scenario.cost_of_delay_usd_per_day=0:1e299:3", "-o", str(out))
    assert r.exit_code == 0 and out.is_file()


def test_a_failing_run_prints_only_its_error_even_after_a_warning(run) -> None:
    r = run("sweep", "mlu370-s4", "-w", "gpt3-1.3b", "--vary", "scenario.pue=0.5,1")
    assert r.exit_code == 1 and r.stderr.strip().splitlines() == [
        "Error: --vary: scenario.pue: 0.5 is not allowed: expected at least 1, got 0.5"
    ]
    ok = run("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b")
    lines = ok.stderr.strip().splitlines()
    assert ok.exit_code == 0 and lines[0].startswith("Warning: mlu370-s4: the measured") and lines[1].startswith("a100-80gb wins")


def test_a_loop_of_links_is_named_as_one(run, tmp_path: Path) -> None:
    (tmp_path / "loop1.toml").symlink_to(tmp_path / "loop2.toml")
    (tmp_path / "loop2.toml").symlink_to(tmp_path / "loop1.toml")
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "nothere.toml")
    assert "cannot be read: Too many levels of symbolic links" in run("compare", str(tmp_path / "loop1.toml"), "-w", "llama3-8b").stderr
    assert run("compare", str(tmp_path / "dangling.toml"), "-w", "llama3-8b").stderr.strip().endswith("dangling.toml: no such file")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cashflow", "a100-80gb", "-w", "llama3-8b", "--lease-usd-per-month", "1e-320"], "expected a positive number of at least 1e-300"),
        (["compare", "a100-80gb", "-w", "llama3-8b", "--set", "a100-80gb.price_usd=1e-320"], "expected a positive number of at least"),
        (["compare", "a100-80gb", "-w", "llama3-8b", "--set", "scenario.carbon_usd_per_tonne=1e-320"], "expected 0 or at least 1e-300"),
    ],
)
def test_a_tiny_value_is_told_what_is_allowed(run, args: list[str], message: str) -> None:
    """'0 or at least 1e-300' was said of inputs that refuse 0."""
    r = run(*args)
    assert r.exit_code == 1 and message in r.stderr
