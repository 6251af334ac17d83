"""Hostile round 56 (a broad round: resource limits, error wording, outputs): each defect fixed, with a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tco
from tco import loader, schema
from tco.errors import MAX_LISTED_PROBLEMS, ProblemList, TcoError
from tests.factories import table_row


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


def test_a_workload_of_more_stages_than_the_limit_is_refused(run, tmp_path) -> None:
    """2: each stage is planned on its own (a layout search): 60,000 stages ran 2 min 46 s for one option, and the
    time grows with the options; a workload takes at most 64."""
    stages = "".join(f'[[stages]]\nname = "s{i}"\ntokens = 1e6\nseq_len = {512 + i}\n' for i in range(tco.models.MAX_STAGES + 1))
    wl = _write(tmp_path / "stagey.toml", f'extends = "gpt3-1.3b"\nid = "stagey"\n{stages}')
    r = run("compare", "a100-80gb", "-w", str(wl))
    assert r.exit_code == 1 and r.stderr == f"Error: {wl}: stages: expected at most 64 entries, got 65\n", r.stderr


def test_an_estimate_with_heads_and_no_kv_heads_names_its_kv_width(run) -> None:
    """4: `--heads 16` without `--kv-heads` printed "KV width None"; without KV heads K and V are as wide as the
    model (no grouped-query attention), 4,096 for this shape."""
    r = run("estimate", "h100-sxm", "--params", "7B", "--heads", "16")
    assert r.exit_code == 0 and "KV width None" not in r.stdout
    assert "d_model 4096, KV width 4096" in table_row(r.stdout, "notes "), r.stdout


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (["breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param"], "--param"),
        (["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary"], "--vary"),
    ],
)
def test_a_range_end_cannot_be_swept_or_broken_even_on(run, command, flag) -> None:
    """7: `--vary ID.price_usd.low=1:2:2` wrote identical rows and breakeven said one option 'wins across the whole
    range' (no figure of theirs reads a range's end); without --range breakeven said low 'has no value'."""
    path = "a100-80gb.price_usd.low" + ("=1:2:2" if flag == "--vary" else "")
    r = run(*command, path)
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {flag}: a100-80gb.price_usd.low: an end of a100-80gb.price_usd's range, which only sensitivity and "
        "simulate read: no figure here changes with it; vary a100-80gb.price_usd instead (for sensitivity or simulate, "
        "set the end with --set)\n"
    ), r.stderr


def test_a_what_if_of_a_range_end_is_refused_and_a_set_of_one_still_feeds_sensitivity(run) -> None:
    """7: the same in the Python API; --set of an end stays what moves sensitivity's swing."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(TcoError, match=r"^what_if: a100-80gb\.price_usd\.high: an end of a100-80gb\.price_usd's range"):
        tco.what_if(inputs, {"a100-80gb.price_usd.high": [1e5]})
    r = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd.low=1000", "-f", "json")
    assert r.exit_code == 0
    row = next(x for x in json.loads(r.stdout)["results"] if x["param"] == "a100-80gb.price_usd")
    assert row["low"] == 1000


def test_the_schema_refuses_what_the_tool_refuses_in_one_field(tmp_path) -> None:
    """8: the JSON Schema took a subnormal number, the reserved ids and experts without experts_per_token."""
    jsonschema = pytest.importorskip("jsonschema")
    from tco.loader import tomllib

    validator = jsonschema.Draft202012Validator(schema.json_schema("workload"))
    base = tomllib.loads((loader.builtin_dir() / "workloads" / "gpt3-1.3b.toml").read_text(encoding="utf-8"))
    assert validator.is_valid(base)
    for change in (
        {"parameters": 1e-310},
        {"parameters": {"value": 1e-310}},
        {"training_tokens": {"value": 1e10, "low": -1e-310}},
        {"id": "scenario"},
        {"id": "workload.v2"},
        {"id": "gpt.toml"},
        {"experts": 8},
        {"experts_per_token": 2},
    ):
        doc = {**base, **change}
        assert not validator.is_valid(doc), change
        with pytest.raises(TcoError):  # (the tool refuses each too)
            tco.validate_file(_write(tmp_path / "workloads" / "w.toml", loader.dump_toml(doc)))
    for fine in (
        {"id": "scenarios"},
        {"id": "workload-v2"},
        {"id": "toml.x"},
        {"experts": 8, "experts_per_token": 2, "active_parameters": 5e8},
    ):
        assert validator.is_valid({**base, **fine}), fine
    assert validator.is_valid({"extends": "gpt3-1.3b", "experts": 8})  # (an extending file may inherit the other)
    accel = jsonschema.Draft202012Validator(schema.json_schema("accelerator"))
    assert not accel.is_valid({"extends": "h100-sxm", "memory_gb": 5e-324})
    assert accel.is_valid({"extends": "h100-sxm", "memory_gb": 0.5})


def test_a_serving_fleet_too_large_for_a_low_utilization_blames_the_utilization(run, tmp_path) -> None:
    """9: the fleet is demand ÷ utilization; a tiny utilization from a scenario file or --set was blamed on the shipped
    workload's tokens_per_day ("give a smaller demand")."""
    low = _write(tmp_path / "lowutil.toml", 'extends = "article"\nid = "lowutil"\nutilization = 1e-12\n')
    r = run("compare", "h100-sxm@4", "-w", "chat-70b", "-s", str(low))
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {low}: utilization: serving 1e+09 tokens a day needs "), r.stderr
    assert r.stderr.rstrip().endswith("(at utilization 1e-12); give a smaller demand or a higher utilization")
    r = run("compare", "h100-sxm@4", "-w", "chat-70b", "--set", "scenario.utilization=1e-12")
    assert r.stderr.startswith("Error: --set: scenario.utilization: serving 1e+09 tokens a day needs "), r.stderr
    big = _write(tmp_path / "bd.toml", 'extends = "chat-70b"\nid = "bd"\ntokens_per_day = 1e25\n')
    r = run("compare", "h100-sxm@4", "-w", str(big), "-s", str(low))  # (the user's own demand is named first)
    assert r.stderr.startswith(f"Error: {big}: tokens_per_day: serving 1e+25 tokens a day"), r.stderr
