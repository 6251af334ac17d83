"""Input loading, eighth pass: a sibling that extends is of the kind it extends (C3); a long extends chain is
refused by its length, not by the recursion limit (C4); ``profiles show -f toml`` prints the whole profile,
its chain merged in, and the copy loads anywhere (C9) with control characters escaped (D2); a published-run
set outside its folder is validated as one (C11); a TCO_PROFILE_PATH entry that is a kind's folder itself is
named when an id is not found (C12); a --set, --vary or --param scope matches an id in any case (C13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tco import loader
from tco.models import CalibrationSet, ServingSet

PROFILES = loader.builtin_dir()
ARTICLE = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article"]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """child-x extends base-x (beside it), which extends the shipped h100-sxm."""
    write(tmp_path / "chain" / "base-x.toml", 'extends = "h100-sxm"\nid = "base-x"\nprice_usd = 20000\n')
    return write(tmp_path / "chain" / "child-x.toml", 'extends = "base-x"\nid = "child-x"\ntdp_w = 650\n')


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error: ")]


# --------------------------------------------------------------------------- C3: the kind of a sibling that extends


def test_validate_follows_a_siblings_chain_to_its_kind(run, chain: Path) -> None:
    result = run("profiles", "validate", str(chain))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"ok: {chain}\n", "")


def test_a_sibling_that_extends_a_scenario_is_a_scenario(run, tmp_path: Path) -> None:
    write(tmp_path / "s" / "base-s.toml", 'extends = "article"\nid = "base-s"\npue = 1.2\n')
    child = write(tmp_path / "s" / "child-s.toml", 'extends = "base-s"\nid = "child-s"\n')
    result = run("profiles", "validate", str(child))
    assert (result.exit_code, result.stdout) == (0, f"ok: {child}\n")
    assert loader.validate_file(child) == loader.load_scenario(str(child))


# --------------------------------------------------------------------------- C4: the length of a chain


def long_chain(folder: Path, n: int) -> Path:
    for i in range(n):
        write(folder / f"c{i}.toml", f'extends = "{"h100-sxm" if i == 0 else f"c{i - 1}"}"\nid = "c{i}"\n')
    return folder / f"c{n - 1}.toml"


def test_a_chain_of_1500_files_is_refused_by_its_length(run, tmp_path: Path) -> None:
    top = long_chain(tmp_path, 1500)
    expected = f"Error: {top}: extends: a chain of more than 64 files (c1499.toml → c1498.toml → … → c1436.toml → …)"
    for args in (["profiles", "validate", str(top)], ["compare", str(top), "-w", "llama3-8b"]):
        result = run(*args)
        assert result.exit_code == 1
        assert errors(result) == [expected]


def test_a_chain_of_64_files_loads_and_65_do_not(tmp_path: Path) -> None:
    long_chain(tmp_path, 64)
    # c62 -> ... -> c0 -> h100-sxm: 64 files; c63 adds the 65th.
    assert loader.load_accelerator(str(tmp_path / "c62.toml")).id == "c62"
    with pytest.raises(loader.InputError) as exc:
        loader.load_accelerator(str(tmp_path / "c63.toml"))
    assert str(exc.value) == (f"{tmp_path / 'c63.toml'}: extends: a chain of more than 64 files (c63.toml → c62.toml → … → c0.toml → …)")


def test_a_cycle_is_still_named_as_one(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'extends = "b"\nid = "a"\n')
    write(tmp_path / "b.toml", 'extends = "a"\nid = "b"\n')
    with pytest.raises(loader.InputError) as exc:
        loader.load_accelerator(str(tmp_path / "a.toml"))
    assert str(exc.value) == f"{tmp_path / 'b.toml'}: extends: 'extends' forms a cycle through 'a'"


# --------------------------------------------------------------------------- C9: show -f toml is self-contained


def test_show_toml_of_a_chain_is_the_merged_profile_and_loads_elsewhere(run, chain: Path, tmp_path: Path) -> None:
    result = run("profiles", "show", str(chain), "-f", "toml")
    assert result.exit_code == 0, result.stderr
    data = loader.tomllib.loads(result.stdout)
    assert "extends" not in data
    assert data == loader.read_with_extends("accelerators", chain, None)
    copy = write(tmp_path / "elsewhere" / "copied.toml", result.stdout)
    assert loader.load_accelerator(str(copy)) == loader.load_accelerator(str(chain))
    assert (data["id"], data["tdp_w"], data["price_usd"], data["vendor"]) == ("child-x", 650, 20000, "NVIDIA")


@pytest.mark.parametrize("ref", sorted(p.stem for p in (PROFILES / "accelerators").glob("*.toml")))
def test_show_toml_of_every_shipped_profile_loads_back_equal(run, ref: str, tmp_path: Path) -> None:
    result = run("profiles", "show", ref, "-f", "toml")
    assert result.exit_code == 0, result.stderr
    copy = write(tmp_path / "other" / f"{ref}.toml", result.stdout)
    assert loader.tomllib.loads(result.stdout) == loader.read_toml(PROFILES / "accelerators" / f"{ref}.toml")
    assert loader.load_accelerator(str(copy)) == loader.load_accelerator(ref)


# --------------------------------------------------------------------------- D2: control characters escaped


def test_show_toml_escapes_control_and_bidi_characters(run, tmp_path: Path) -> None:
    name = 'H100\u202eevil\u200b\x07\x7f\u2028\tend\n"q" \\ ü 中 \U0001f600'
    profile = write(tmp_path / "evil.toml", f'extends = "h100-sxm"\nid = "evil"\nname = {loader.toml_string(name)}\n')
    raw = profile.read_text(encoding="utf-8").replace("\\u202E", "\u202e")  # the override written raw, as TOML allows
    profile.write_text(raw, encoding="utf-8")
    assert loader.load_accelerator(str(profile)).name == name
    result = run("profiles", "show", str(profile), "-f", "toml")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for ch in ("\u202e", "\u200b", "\x07", "\x7f", "\u2028", "\t"):
        assert ch not in out
    assert 'name = "H100\\u202Eevil\\u200B\\u0007\\u007F\\u2028\\tend\\n\\"q\\" \\\\ ü 中 \U0001f600"\n' in out
    copy = write(tmp_path / "other" / "copy.toml", out)
    assert loader.load_accelerator(str(copy)) == loader.load_accelerator(str(profile))


def test_dump_toml_round_trips_awkward_values() -> None:
    import datetime

    data = {
        "a b": "x\u0000y",
        "n": -3,
        "f": 1.5e-07,
        "big": 1e300,
        "inf": float("inf"),
        "t": True,
        "d": datetime.date(2024, 5, 1),
        "arr": [1, "two", {"k": 1}],
        "empty": [],
        "q": {"value": 1, "source": "s"},
        "tab": {"x": 1, "sub": {"y": 2}, "rows": [{"z": 3, "deep": {"w": 4}}, {"z": 5}]},
        "only": {"inner": {"v": 1}},
    }
    assert loader.tomllib.loads(loader.dump_toml(data)) == data


# --------------------------------------------------------------------------- C11: published runs outside their folder


def test_validate_a_copied_benchmarks_file_as_one(run, tmp_path: Path) -> None:
    copy = tmp_path / "nemo.toml"
    shutil.copy(PROFILES / "benchmarks" / "nemo-h100.toml", copy)
    result = run("profiles", "validate", str(copy))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"ok: {copy}\n", "")
    assert isinstance(loader.validate_file(copy), CalibrationSet)


@pytest.mark.parametrize("folder", ["benchmarks", "serving"])
def test_every_shipped_run_set_is_recognised_outside_its_folder(folder: str, tmp_path: Path) -> None:
    for path in sorted((PROFILES / folder).glob("*.toml")):
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        assert isinstance(loader.validate_file(copy), CalibrationSet if folder == "benchmarks" else ServingSet), path.name


def test_a_serving_set_outside_its_folder_is_checked_as_one(run, tmp_path: Path) -> None:
    row = 'accelerator = "h100-sxm"\nmodel = "m"\nparameters = 7e9\nprecision = "fp8"\naccelerators = 8\nscenario = "offline"\n'
    head = 'id = "runs"\nsource = "s"\ntuning = "tuned"\ntuning_reason = "r"\n'
    bad = write(tmp_path / "runs.toml", f"{head}\n[[rows]]\n{row}input_tokens = 100\noutput_tokens = 0\n")
    result = run("profiles", "validate", str(bad))
    assert result.exit_code == 1
    assert errors(result) == [
        f"Error: {bad}: rows[0].output_tokens: expected at least 1, got 0",
        f"Error: {bad}: rows[0].tokens_per_second: required key is missing",
    ]


def test_a_run_set_of_no_telling_kind_names_the_folders(run, tmp_path: Path) -> None:
    odd = write(tmp_path / "odd.toml", 'id = "odd"\nsource = "s"\n\n[[rows]]\naccelerator = "h100-sxm"\n')
    result = run("profiles", "validate", str(odd))
    assert result.exit_code == 1
    assert errors(result) == [
        f"Error: {odd}: rows: a set of published runs, but its keys do not say which kind: put it in a benchmarks/ "
        "folder (training runs) or a serving/ folder (serving results)"
    ]


# --------------------------------------------------------------------------- C12: an entry that is a kind's folder


def test_an_entry_that_is_the_accelerators_folder_is_named(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "acc" / "accelerators"
    write(folder / "cny.toml", 'extends = "h100-sxm"\nid = "cny-h100"\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(folder))
    result = run("compare", "cny-h100", "-w", "llama3-8b")
    assert result.exit_code == 1
    assert errors(result) == [
        "Error: unknown accelerator 'cny-h100' (did you mean 'h100'?); see 'tco profiles list' (TCO_PROFILE_PATH entry "
        f"{folder} has no accelerators/, workloads/ or scenarios/ folder; did you mean {folder.parent}?)"
    ]
    monkeypatch.setenv("TCO_PROFILE_PATH", str(folder.parent))  # the entry as meant: found, no hint
    result = run("compare", "cny-h100", "-w", "llama3-8b")
    assert result.exit_code == 0, result.stderr


def test_a_valid_entry_gets_no_hint(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "mine" / "workloads" / "w.toml", 'id = "w"\n')
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "mine"))
    result = run("compare", "nosuch-part", "-w", "llama3-8b")
    assert errors(result) == ["Error: unknown accelerator 'nosuch-part'; see 'tco profiles list'"]
    monkeypatch.setenv("TCO_PROFILE_PATH", str(other))  # no kind folders, not a kind's folder: no guess
    result = run("compare", "nosuch-part", "-w", "llama3-8b")
    assert errors(result) == [
        f"Error: unknown accelerator 'nosuch-part'; see 'tco profiles list' (TCO_PROFILE_PATH entry {other} has no "
        "accelerators/, workloads/ or scenarios/ folder)"
    ]


# --------------------------------------------------------------------------- C13: scopes in any case


def test_split_scope_matches_ids_and_keywords_in_any_case() -> None:
    ids = ["a100-80gb", "mlu370-s4", "h100.v2"]
    assert loader.split_scope("A100-80GB.price_usd", ids) == ("a100-80gb", "price_usd")
    assert loader.split_scope("H100.V2.tdp_w", ids) == ("h100.v2", "tdp_w")
    assert loader.split_scope("SCENARIO.pue", ids) == ("scenario", "pue")
    assert loader.split_scope("Workload.seq_len", ids) == ("workload", "seq_len")
    assert loader.split_scope("nosuch.x", ids) == ("nosuch", "x")
    per_accel, workload, scenario = loader.group_overrides(["A100-80GB.price_usd=1000", "Scenario.pue=1.2"], ids)
    assert per_accel["a100-80gb"] == [("price_usd", 1000)]
    assert (workload, scenario) == ([], [("pue", 1.2)])


def test_set_scope_in_upper_case_changes_the_input(run) -> None:
    lower = run("compare", *ARTICLE, "--set", "a100-80gb.price_usd=1000", "--set", "scenario.pue=1.5", "-f", "json")
    upper = run("compare", *ARTICLE, "--set", "A100-80GB.price_usd=1000", "--set", "SCENARIO.pue=1.5", "-f", "json")
    plain = run("compare", *ARTICLE, "-f", "json")
    assert (lower.exit_code, upper.exit_code) == (0, 0), upper.stderr
    assert errors(upper) == []
    results = [json.loads(r.stdout)["results"] for r in (lower, upper, plain)]
    assert results[0] == results[1] != results[2]
    a100 = [next(r for r in rs if r["accelerator"] == "a100-80gb") for rs in results]
    assert a100[1]["capex_usd"] < a100[2]["capex_usd"] and a100[1]["energy_usd"] > a100[2]["energy_usd"]


def test_vary_and_param_scopes_in_upper_case(run) -> None:
    upper = run("sweep", *ARTICLE, "--vary", "A100-80GB.price_usd=1000,2000")
    lower = run("sweep", *ARTICLE, "--vary", "a100-80gb.price_usd=1000,2000")
    assert (upper.exit_code, errors(upper)) == (0, [])
    assert upper.stdout.replace("A100-80GB.price_usd", "a100-80gb.price_usd") == lower.stdout
    upper = run("breakeven", *ARTICLE, "--param", "A100-80GB.price_usd")
    lower = run("breakeven", *ARTICLE, "--param", "a100-80gb.price_usd")
    assert (upper.exit_code, errors(upper)) == (0, [])
    assert upper.stdout.replace("A100-80GB.price_usd", "a100-80gb.price_usd") == lower.stdout


def test_a_document_is_parsed_once_and_each_reader_gets_its_own_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """compare reads each profile twice (its names, then the profile): the second read reuses the parse,
    and a caller that changes its dict does not change what the next reader gets; new bytes are parsed anew."""
    f = write(tmp_path / "p.toml", 'id = "p"\n[t]\nx = 1\n')
    calls = []
    real = loader.tomllib.loads
    monkeypatch.setattr(loader.tomllib, "loads", lambda text, **kw: calls.append(text) or real(text, **kw))
    first = loader.read_toml(f)
    first["t"]["x"] = 99
    assert loader.read_toml(f) == {"id": "p", "t": {"x": 1}}
    assert len(calls) == 1
    write(f, 'id = "p"\n[t]\nx = 2\n')
    assert loader.read_toml(f)["t"]["x"] == 2
    assert len(calls) == 2
