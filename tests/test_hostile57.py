"""Hostile round 57 (round 56's changes checked, cash flow and workbooks): each defect fixed, with a test."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco
from tco import loader
from tco.errors import ProblemList, TcoError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("a100-80gb.prce_usd.low", "a100-80gb.prce_usd.low: no such field (did you mean 'price_usd'?)"),
        ("workload.tokens.low", "workload.tokens.low: no such field (did you mean 'prompt_tokens'?)"),
        ("scenario.market.low", "scenario.market.low: no such field: 'market' is a value, not a table"),
        ("a100-80gb.price_usd.LOW", "a100-80gb.price_usd.LOW: no such field (did you mean 'low'?)"),
        ("a100-80gb.price_usd.low.value", "a100-80gb.price_usd.low.value: no such field: 'price_usd.low' is a value, not a table"),
    ],
)
def test_a_path_that_names_no_range_end_is_checked_as_a_path_first(run, path, said) -> None:
    """D1-D3: round 56's range-end refusal ran before the path was checked: a typo got "an end of X's range ... vary X"
    naming a path that does not exist, `.LOW` (which --set refuses) was told to use --set, `.low.value` was garbled."""
    r = run("sweep", "a100-80gb", "-w", "chat-70b", "--vary", f"{path}=1:2:2", "-f", "csv")
    assert r.exit_code == 1 and r.stderr == f"Error: --vary: {said}\n", r.stderr


def test_a_range_end_of_a_table_that_is_no_quantity_is_not_numeric(run) -> None:
    """D1: `scenario.porting.low` is the porting table of the maturity 'low', not a range's end."""
    r = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "scenario.porting.low")
    assert r.exit_code == 1 and r.stderr == "Error: --param: scenario.porting.low: is not a numeric input\n", r.stderr


def test_a_range_end_through_an_alias_is_still_a_range_end(run) -> None:
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "A100.price_usd.high=1:2:2")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --vary: A100.price_usd.high: an end of A100.price_usd's range"), r.stderr


@pytest.mark.parametrize(
    ("kind", "key"), [("benchmarks", "tokens_per_second"), ("benchmarks", "parameters"), ("serving", "tokens_per_second")]
)
def test_a_subnormal_figure_of_a_published_run_is_refused_by_the_tool_and_the_schema(run, tmp_path, kind, key) -> None:
    """D4: a row's tokens_per_second = 1e-310 passed profiles validate and crashed tco calibrate (internal error, exit 3:
    an infinite error); the schema took a subnormal row figure. Both refuse it, naming the row's field."""
    source = loader.builtin_dir() / kind / ("mosaic-a100-bf16.toml" if kind == "benchmarks" else "vendor-serving.toml")
    data = loader.read_toml(source)
    data["id"] = "tiny-" + kind
    data["rows"] = data["rows"][:1]
    data["rows"][0][key] = 1e-310
    bad = _write(tmp_path / "pp" / kind / f"tiny-{kind}.toml", loader.dump_toml(data))
    r = run("profiles", "validate", str(bad))
    assert r.exit_code == 1
    assert r.stderr == f"Error: {bad}: rows[0].{key}: expected a number of at least 1e-300 in size, got 1e-310\n", r.stderr
    jsonschema = pytest.importorskip("jsonschema")
    from tco import schema

    assert not jsonschema.Draft202012Validator(schema.json_schema(kind)).is_valid(data)
    data["rows"][0][key] = 1e-300 if key != "parameters" else 1e9
    assert jsonschema.Draft202012Validator(schema.json_schema(kind)).is_valid(data)


def test_the_text_of_an_error_with_unlisted_problems_counts_them(tmp_path) -> None:
    """D5: str() of the API's error showed the first 100 problems and never said there were more."""
    bad = _write(tmp_path / "acc150.toml", 'id = "acc150"\n' + "\n".join(f"bogus_key_{i} = 1" for i in range(150)) + "\n")
    with pytest.raises(ProblemList) as caught:
        tco.validate_file(bad)
    assert caught.value.more > 0
    assert str(caught.value).endswith(f"{bad}: {caught.value.more} more problems, not listed")
    one = ProblemList([TcoError("x")], more=1)
    assert one.lines()[-1] == "1 more problem, not listed"


def test_a_set_value_takes_the_array_limit_of_a_file(run) -> None:
    """D6: 30,000 aliases through --set were taken where the same array in a file is refused."""
    many = "[" + ",".join(['"x"'] * (loader.MAX_ENTRIES + 1)) + "]"
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"a100-80gb.aliases={many}")
    assert r.exit_code == 1 and r.stderr == "Error: --set: a100-80gb.aliases: an array of 10,001 entries, expected at most 10,000\n"
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"scenario.x={{a={many}}}")
    assert r.exit_code == 1 and r.stderr == "Error: --set: scenario.x.a: an array of 10,001 entries, expected at most 10,000\n"


def test_a_rented_fleet_too_large_says_nothing_of_utilization(run, tmp_path) -> None:
    """D7: a rented fleet is sized at full use (the same count at utilization 0.8 and 1e-8), yet the error advised a
    higher utilization and could blame a scenario file for it."""
    low = _write(tmp_path / "lowutil.toml", 'extends = "article"\nid = "lowutil3"\nutilization = 1e-8\n')
    r = run("compare", "a100-80gb:rent", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e17", "-s", str(low))
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: --set: workload.tokens_per_day: serving 1e+17 tokens a day needs 3,487,931,032 × a100-80gb, more than the "
        "1,000,000,000 accelerators the model takes; give a smaller demand\n"
    ), r.stderr


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["-w", "chat-70b", "--set", "Scenario.utilization=1e-8"], "Error: --set: scenario.utilization: serving 1e+09 tokens"),
        (["-w", "chat-70b", "--set", "Workload.tokens_per_day=1e17"], "Error: --set: workload.tokens_per_day: serving 1e+17 tokens"),
        (["-w", "chat-70b", "--set", "a100.memory_gb=1"], "Error: --set: a100-80gb.memory_gb: a100-80gb cannot serve chat-70b"),
        (["-w", "gpt3-1.3b", "--set", "A100-80GB.memory_gb=1"], "Error: --set: a100-80gb.memory_gb: gpt3-1.3b does not fit in memory"),
    ],
)
def test_an_engine_error_blames_a_set_in_any_spelling_the_tool_takes(run, args, start) -> None:
    """D8: the engine's errors blamed a --set only in its canonical spelling; with a scope in another case or an alias
    they named the shipped file by its absolute path."""
    r = run("compare", "a100-80gb", *args)
    assert r.exit_code == 1 and r.stderr.startswith(start), r.stderr


def test_the_array_limit_names_a_quoted_key_as_toml_writes_it(run, tmp_path) -> None:
    """D9: a quoted dotted key ("a.b" = [...]) was named a.b, a path of two keys."""
    bad = _write(tmp_path / "qa.toml", 'id = "q"\n"a.b" = [' + ",".join(["1"] * (loader.MAX_ENTRIES + 1)) + "]\n")
    r = run("profiles", "validate", str(bad))
    assert r.stderr == f'Error: {bad}: "a.b": an array of 10,001 entries, expected at most 10,000\n', r.stderr


def test_the_stage_limit_is_said_in_the_tools_words(run, tmp_path) -> None:
    """D9: the 64-stage limit read "list should have at most 64 items after validation, not 65" (pydantic's words)."""
    stages = "".join(f'[[stages]]\nname = "s{i}"\ntokens = 1e6\n' for i in range(65))
    wl = _write(tmp_path / "st.toml", f'extends = "gpt3-1.3b"\nid = "st"\n{stages}')
    assert run("profiles", "validate", str(wl)).stderr == f"Error: {wl}: stages: expected at most 64 entries, got 65\n"
