"""Hostile round 58 (round 57's changes checked): each defect fixed, with a test."""

from __future__ import annotations

from typing import Any

import pytest

from tco import schema


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


@pytest.mark.parametrize("kind", ["accelerator", "workload", "scenario", "benchmarks", "serving", "sources"])
def test_every_schema_states_its_bounds_in_json_schema_words(kind) -> None:
    """D3: round 57's subnormal rule wrote the bounds of the optional published-run figures as pydantic's gt/ge/lt/le,
    which JSON Schema validators ignore (reported_mfu = 0 or 1e300 passed)."""
    assert not {"gt", "ge", "lt", "le"} & _keys(schema.json_schema(kind))


def test_the_run_schemas_refuse_what_the_tool_refuses_in_optional_figures() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    bench = jsonschema.Draft202012Validator(schema.json_schema("benchmarks"))
    row = {"accelerator": "a100-80gb", "model": "m", "parameters": 1e9, "seq_len": 2048, "accelerator_count": 8}
    row |= {"precision": "bf16", "tokens_per_second": 1000.0}
    doc = {"id": "s", "source": "[X]", "as_of": "2024-01", "tuning": "typical", "tuning_reason": "a test", "rows": [row]}
    assert bench.is_valid(doc)
    for mfu in (0, -1, 1e300, 1e-310):
        assert not bench.is_valid({**doc, "rows": [{**row, "reported_mfu": mfu}]}), mfu
    assert bench.is_valid({**doc, "rows": [{**row, "reported_mfu": 0.4}]})


def test_a_subnormal_percentile_is_told_its_own_bound(run, tmp_path) -> None:
    """D6: latency_percentile = 1e-301 was told "at least 1e-300 in size" where its bound is 50 or more."""
    from tco import loader

    data = loader.read_toml(loader.builtin_dir() / "serving" / "vendor-serving.toml")
    data["id"] = "pct"
    data["rows"] = data["rows"][:1]
    data["rows"][0]["latency_percentile"] = 1e-301
    bad = tmp_path / "serving" / "pct.toml"
    bad.parent.mkdir()
    bad.write_text(loader.dump_toml(data), encoding="utf-8")
    r = run("profiles", "validate", str(bad))
    assert r.exit_code == 1 and "rows[0].latency_percentile: expected at least 50" in r.stderr, r.stderr


def test_a_repeated_set_with_an_over_long_array_names_its_key(run) -> None:
    """D4: the array limit met while checking a repeated --set named no key ("--set: an array of ...")."""
    many = "[" + ",".join(["0"] * 10001) + "]"
    for sets in (
        ["scenario.pue={value=1.3, low=" + many + "}", "scenario.pue.low=1"],
        ["scenario.pue.low=1", "scenario.pue={value=1.3, low=" + many + "}"],
    ):
        r = run("compare", "a100-80gb", "-w", "llama3-8b", *[a for s in sets for a in ("--set", s)])
        assert r.exit_code == 1 and r.stderr == "Error: --set: scenario.pue.low: an array of 10,001 entries, expected at most 10,000\n", (
            r.stderr
        )


def test_a_set_value_over_the_value_limit_is_not_called_a_file(run) -> None:
    """D8: a --set of more than 100,000 values was "expected a TOML input file"."""
    big = "{" + ", ".join(f"k{i} = [" + ",".join(["0"] * 9000) + "]" for i in range(12)) + "}"
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", f"scenario.pue={big}")
    assert r.exit_code == 1 and r.stderr == "Error: --set: scenario.pue: holds more than 100,000 values, expected a smaller value\n", (
        r.stderr
    )


def test_a_set_of_a_quantitys_note_or_range_takes_no_blame_for_its_value(run) -> None:
    """D2: `--set workload.tokens_per_day.note=x` took the blame for a fleet that `--set scenario.utilization=1e-8` made
    too large (a note, range or source leaves the value as it was)."""
    r = run("compare", "a100-80gb", "-w", "chat-70b", "--set", "workload.tokens_per_day.note=x", "--set", "scenario.utilization=1e-8")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: scenario.utilization: serving 1e+09 tokens a day"), r.stderr
    r = run("compare", "a100-80gb", "-w", "chat-70b", "--set", "workload.tokens_per_day.low=1", "--set", "scenario.utilization=1e-8")
    assert r.stderr.startswith("Error: --set: scenario.utilization: serving"), r.stderr


def test_a_path_scoped_set_takes_the_blame_for_its_profile(run, tmp_path, monkeypatch) -> None:
    """D1: `--set ./x.toml.memory_gb=1` on a profile given by its path blamed x.toml's (right) memory_gb."""
    from tco import loader

    text = (loader.builtin_dir() / "accelerators" / "a100-80gb.toml").read_text(encoding="utf-8")
    lines = ['id = "xacc"' if ln.startswith("id = ") else "aliases = []" if ln.startswith("aliases = ") else ln for ln in text.splitlines()]
    (tmp_path / "x.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for scope in ("./x.toml", "x.toml", str(tmp_path / "x.toml"), "xacc"):
        r = run("compare", "./x.toml", "-w", "chat-70b", "--set", f"{scope}.memory_gb=1")
        assert r.exit_code == 1 and r.stderr.startswith("Error: --set: xacc.memory_gb: xacc cannot serve chat-70b"), (scope, r.stderr)


def test_a_fixed_replica_that_a_set_of_memory_made_too_small_blames_the_set(run) -> None:
    """D9: with `a100-80gb@8` a --set of memory_gb=1 (any spelling) was blamed on the option, naming no --set;
    without a --set the option stays the cause (its replica size is the choice to change)."""
    for spelling in ("a100-80gb", "A100"):
        r = run("compare", "a100-80gb@8", "-w", "chat-70b", "--set", f"{spelling}.memory_gb=1")
        assert r.exit_code == 1
        assert r.stderr.startswith("Error: --set: a100-80gb.memory_gb: a100-80gb cannot serve chat-70b: the weights and one sequence"), (
            r.stderr
        )
    r = run("compare", "a100-80gb@1", "-w", "chat-70b")
    assert r.stderr.startswith(
        "Error: a100-80gb@1: a100-80gb cannot serve chat-70b: the weights and one sequence do not fit on a replica of 1"
    )
