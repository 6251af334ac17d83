"""Hostile round 56 (a broad round: resource limits, error wording, outputs): each defect fixed, with a test."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco
from tco import loader
from tco.errors import MAX_LISTED_PROBLEMS, ProblemList, TcoError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_array_longer_than_the_limit_is_refused_before_validation(run, tmp_path) -> None:
    """1: 1.3 M empty benchmark entries (a 4 MB file) took 6 GB and 80 s to fail; the array's length is refused,
    naming its key, before any entry is validated."""
    bad = _write(tmp_path / "many.toml", 'id = "many"\nbenchmarks = [' + ",".join(["{}"] * (loader.MAX_ENTRIES + 1)) + "]\n")
    r = run("compare", str(bad), "-w", "gpt3-1.3b")
    assert r.exit_code == 1
    assert r.stderr == f"Error: {bad}: benchmarks: an array of 10,001 entries, expected at most 10,000\n", r.stderr


def test_a_document_of_more_values_than_the_limit_is_refused(run, tmp_path) -> None:
    """1: the values of a document are bounded too (tables nested in arrays of arrays, keys by the hundred thousand)."""
    rows = "\n".join(f"k{i} = {i}" for i in range(loader.MAX_VALUES))
    bad = _write(tmp_path / "keys.toml", f'id = "keys"\n{rows}\n')
    r = run("profiles", "validate", str(bad))
    assert r.exit_code == 1 and r.stderr == f"Error: {bad}: holds more than 100,000 values, expected a TOML input file\n", r.stderr


def test_the_shipped_documents_are_well_inside_the_limits() -> None:
    """The limits are far above the largest shipped document (a published-run set of about 800 rows)."""
    for path in sorted(loader.builtin_dir().rglob("*.toml")):
        assert loader._over_limits(loader.read_toml(path)) is None, path  # (read_toml would have raised)


def test_thousands_of_unknown_keys_list_the_first_hundred_and_count_the_rest(run, tmp_path) -> None:
    """2: 'did you mean' was worked out for each of 200,000 unknown keys (58 s to fail, 200,010 lines from
    profiles validate); the first 100 problems are spelled out, the rest counted."""
    rows = "\n".join(f"k{i} = 1" for i in range(5000))
    bad = _write(tmp_path / "unknown.toml", f'id = "unknown"\n{rows}\n')
    with pytest.raises(ProblemList) as caught:
        tco.validate_file(bad)
    assert len(caught.value.problems) == MAX_LISTED_PROBLEMS
    # vendor, name, can_train, ... missing (10 required keys) and 5,000 unknown: 5,010 problems in all
    total = len(caught.value.problems) + caught.value.more
    required = [name for name, f in tco.Accelerator.model_fields.items() if f.is_required() and name != "id"]
    assert total == 5000 + len(required)
    r = run("compare", str(bad), "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert f"(and {total - 3:,} more; 'tco profiles validate {bad}' lists the first 100)" in r.stderr, r.stderr
    r = run("profiles", "validate", str(bad))
    lines = r.stderr.splitlines()
    assert r.exit_code == 1 and len(lines) == MAX_LISTED_PROBLEMS + 1
    assert lines[-1] == f"Error: {bad}: {total - MAX_LISTED_PROBLEMS:,} more problems, not listed"
    assert "did you mean" not in "".join(lines[:3])  # (k0, k1, ... are close to no key)


def test_a_scenario_that_extends_a_path_is_called_a_scenario(run, tmp_path) -> None:
    """3: profiles validate on a scenario file outside scenarios/ whose extends is a path said "the id of an
    accelerator" (compare -s said scenario); the file's own keys say its kind."""
    sc = _write(tmp_path / "sc.toml", 'extends = "./default.toml"\nid = "sc1"\npue = 1.2\ncost_of_delay_usd_per_day = 5000\n')
    r = run("profiles", "validate", str(sc))
    assert r.stderr == f"Error: {sc}: extends: expected the id of a scenario to extend (not a path), got './default.toml'\n", r.stderr
    g = _write(tmp_path / "g.toml", 'extends = "./h.toml"\nprice_usd = 3\n')
    r = run("profiles", "validate", str(g))
    assert "the id of an accelerator to extend" in r.stderr, r.stderr
    bare = _write(tmp_path / "e.toml", 'extends = "./x.toml"\n')  # (no key of any kind: an accelerator, as before)
    assert "the id of an accelerator to extend" in run("profiles", "validate", str(bare)).stderr
    w = _write(tmp_path / "w.toml", 'extends = "../w0.toml"\nkind = "training"\n')
    assert "the id of a workload to extend" in run("profiles", "validate", str(w)).stderr


def test_a_python_caller_sees_the_count_of_unlisted_problems(tmp_path) -> None:
    """2: the API's error carries the count; its text ends with it."""
    bad = _write(tmp_path / "u.toml", 'id = "u"\n' + "\n".join(f"z{i} = 1" for i in range(300)) + "\n")
    with pytest.raises(TcoError) as caught:
        tco.validate_file(bad)
    assert isinstance(caught.value, ProblemList) and caught.value.more > 0
    assert caught.value.lines()[-1].endswith("more problems, not listed")
