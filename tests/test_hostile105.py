"""Hostile round 105 (the Python API as a hostile scripter uses it: aliasing, caching and mutation). Each test is a
defect a script hit, checked against a fresh load or the CLI's JSON (a fresh run):

1. A field of a loaded model set with ``object.__setattr__`` (``memory_gb.value``, ``workload.precision``) was neither
   checked nor planned anew: the memo of plans and the Inputs' validity check fingerprinted only the models' lists and
   tables, so a compare mixed the old plan (the old layout) with the new numbers, and a text or a negative PUE met the
   engine unchecked (a bare ValueError from deep inside).
2. A sweep over a choice loads the inputs anew; it read ``TCO_PROFILE_PATH`` as it was at the sweep, not at
   ``tco.load_inputs``: a script that changed the variable since got "the file changed" blaming a file it never loaded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import tco
from tco.memo import contents
from tco.models import Precision

SET_IN_PLACE = (
    "(a model whose lists, tables or fields were changed in place is not validated: give the change to tco.load_inputs as "
    "sets=['PATH=VALUE'])"
)


def _json(run, *args: str) -> dict:
    r = run(*args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


# --------------------------------------------------------------------------- 1. object.__setattr__ on a loaded model


@pytest.mark.parametrize("value", [40.0, 40, np.float64(40.0), np.int64(40)])
def test_a_field_set_with_object_setattr_is_planned_anew_as_a_fresh_run_of_that_value(run, value: object) -> None:
    """64 H100s on Llama 3 70B plan TP 8 x PP 2 at 80 GB; at 40 GB the fresh run plans TP 1 with ZeRO-3. The field set
    in place after a first compare kept the TP 8 plan with the new memory's figures ($17.9M, neither run's); now the
    row is the CLI's for --set h100-sxm.memory_gb=40, for a float, an int and numpy's of either."""
    inputs = tco.load_inputs(["h100-sxm@64"], workload="llama3-70b")
    before = tco.compare(inputs).results[0]
    assert before.layout is not None and before.layout["tensor_parallel"] == 8
    object.__setattr__(inputs.options[0].accelerator.memory_gb, "value", value)
    row = tco.compare(inputs).results[0]
    fresh = _json(run, "compare", "h100-sxm@64", "-w", "llama3-70b", "--set", "h100-sxm.memory_gb=40")["results"][0]
    assert row.layout == fresh["layout"] and row.layout["tensor_parallel"] == 1 and row.layout["zero_stage"] == 3
    assert row.effective_cost_usd == fresh["effective_cost_usd"] == 15767753.296437856
    assert row.tokens_per_second_per_accelerator == fresh["tokens_per_second_per_accelerator"]


def test_a_precision_set_in_place_is_planned_anew_and_its_text_is_refused(run) -> None:
    """workload.precision set to Precision.fp8 in place kept the BF16 plan's figures; the text 'fp8' (equal to the
    member by ==, but not the member the engine tells by identity) gave figures of neither precision. The member now
    gives the fresh FP8 run's row (a what-if of the file, so the bf16 measurements still carry as a fresh
    --set does), the text is refused naming the field."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    tco.compare(inputs)
    object.__setattr__(inputs.workload, "precision", Precision.fp8)
    fresh = _json(run, "compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.precision=fp8")["results"][0]
    assert tco.compare(inputs).results[0].effective_cost_usd == fresh["effective_cost_usd"]
    object.__setattr__(inputs.workload, "precision", "fp8")
    with pytest.raises(tco.InputError) as caught:
        tco.compare(inputs)
    assert str(caught.value) == f"inputs.workload.precision: expected Precision, got str 'fp8' {SET_IN_PLACE}"


@pytest.mark.parametrize(
    ("target", "field", "value", "message"),
    [
        ("scenario.pue", "value", "abc", "inputs.scenario.pue.value: Input should be a valid number"),
        ("scenario.pue", "value", -5.0, "inputs.scenario.pue: expected at least 1, got -5"),
        ("scenario", "pue", 1.3, "inputs.scenario.pue: expected AtLeastOneQuantity, got float '1.3'"),
    ],
)
def test_a_field_set_in_place_that_would_not_load_is_refused_naming_it(target: str, field: str, value: object, message: str) -> None:
    """A text for the PUE met the engine as a bare ValueError ("could not convert string to float"); a PUE of -5 and a
    bare 1.3 for its quantity were costed unchecked. Each is the InputError a --set of it gives, naming the key."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    tco.compare(inputs)
    holder = inputs.scenario.pue if target == "scenario.pue" else inputs.scenario
    object.__setattr__(holder, field, value)
    with pytest.raises(tco.InputError) as caught:
        tco.compare(inputs)
    assert str(caught.value) == f"{message} {SET_IN_PLACE}"


def test_the_fingerprint_keeps_numbers_as_themselves_and_tells_types_apart() -> None:
    """The memo's fingerprint holds a number by value (a value replaced twice may take the freed address of the
    first, which an identity would not tell), and without identities two models holding equal values of the same
    types match, 2 and 2.0 and numpy's alike, 'fp8' and Precision.fp8 not."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    scenario = inputs.scenario
    pue = scenario.pue.value
    before = contents(scenario)
    object.__setattr__(scenario.pue, "value", 1.3)
    assert contents(scenario) != before
    object.__setattr__(scenario.pue, "value", float(str(pue)))  # (the same value, another float object)
    assert contents(scenario) == before
    copy = tco.load_inputs(["h100-sxm"], workload="llama3-8b").workload
    assert contents(copy, identity=False) == contents(inputs.workload, identity=False)
    assert contents([2], identity=False) == contents([2.0], identity=False) == contents([np.float64(2)], identity=False)
    assert contents(["fp8"], identity=False) != contents([Precision.fp8], identity=False)


# --------------------------------------------------------------------------- 2. TCO_PROFILE_PATH changed since load_inputs


def _copy_of_h100(folder: Path, price: int) -> None:
    (folder / "accelerators").mkdir(parents=True)
    (folder / "accelerators" / "h100-sxm.toml").write_text(f'extends = "h100-sxm"\nprice_usd = {{ value = {price}, source = "quote" }}\n')


def test_a_choice_sweep_reloads_from_the_search_path_of_load_inputs(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded with TCO_PROFILE_PATH naming a copy of the H100 at $20,000, then the variable set to another folder (or
    unset): the sweep over precision refused "h100-sxm is not what the file loads now (the file changed since
    tco.load_inputs ...)" naming the other folder's file. It now sweeps the inputs it was given: 1,024 parts at $7,500
    less than the shipped $27,500 each, 42,363,904 - 7,680,000 = 34,683,904 of capex, as the CLI's sweep says."""
    first, other = tmp_path / "first", tmp_path / "other"
    _copy_of_h100(first, 20_000)
    _copy_of_h100(other, 30_000)
    monkeypatch.setenv("TCO_PROFILE_PATH", str(first))
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    cli = _json(run, "sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.precision=bf16,fp8")["results"]
    for later in (str(other), None):
        if later is None:
            monkeypatch.delenv("TCO_PROFILE_PATH")
        else:
            monkeypatch.setenv("TCO_PROFILE_PATH", later)
        rows = list(tco.sweep(inputs, ["workload.precision=bf16,fp8"]).results)
        assert [r["capex_usd"] for r in rows] == [34_683_904.0, 34_683_904.0] == [r["capex_usd"] for r in cli]
        assert [r["effective_cost_usd"] for r in rows] == [r["effective_cost_usd"] for r in cli]
    assert inputs.recipe is not None and inputs.recipe.search_path == (first, tco.loader.builtin_dir())
    assert tco.compare(inputs).results[0].capex_usd == 34_683_904.0


def test_a_recipe_refuses_a_search_path_that_is_not_paths() -> None:
    with pytest.raises(tco.InputError) as caught:
        tco.Recipe(("h100-sxm",), "llama3-8b", search_path=["profiles"])  # type: ignore[arg-type]
    assert str(caught.value) == "recipe.search_path: expected None or a tuple of Paths, got list of str"


# --------------------------------------------------------------------------- 3. a set where an ordered pair is taken


@pytest.mark.parametrize("vs", [{"h100-sxm", "a100-80gb"}, frozenset({"h100-sxm", "a100-80gb"})])
def test_a_set_for_the_sensitivity_pair_is_refused_not_read_in_hash_order(vs: object) -> None:
    """``vs={'h100-sxm', 'a100-80gb'}`` was read as the pair in the set's iteration order, which follows the texts'
    hashes and so changes from one process to the next (here it gave ('a100-80gb', 'h100-sxm'), the tornado of the
    other difference): a set has no order, so it is refused naming the argument."""
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    with pytest.raises(tco.InputError) as caught:
        tco.sensitivity(inputs, vs=vs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"vs: expected tuple[str | Path, str | Path] | str | Path | None, got {type(vs).__name__} ")
    assert str(caught.value).endswith(": a set has no order, give a tuple")  # (the items as the set lists them, in between)
    assert tco.sensitivity(inputs, vs=("h100-sxm", "a100-80gb")).vs == ["h100-sxm", "a100-80gb"]


def test_a_set_for_a_break_even_range_is_refused() -> None:
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(inputs, "h100-sxm", "a100-80gb", value_range=frozenset({0.0, 1e5}))  # type: ignore[arg-type]
    assert str(caught.value) == (
        "value_range: expected tuple[float, float] | None, got frozenset frozenset({0.0, 100000.0}): a set has no order, give a tuple"
    )
    assert tco.breakeven(inputs, "h100-sxm", "a100-80gb", value_range=(np.float64(0), np.int64(100_000))).range_high == 100_000.0


# --------------------------------------------------------------------------- 4. a numpy array as an override's value


def test_a_numpy_array_as_an_overrides_value_is_the_list_it_holds() -> None:
    """``overrides=[('aliases', np.array(['a', 'b']))]`` met the loader's ``value and ...`` as numpy's bare ValueError
    ("The truth value of an array with more than one element is ambiguous"); it is the list it holds, as an array is
    for a what-if's values, and an array of numbers where a text is expected is refused naming each item."""
    accel = tco.load_accelerator("h100-sxm", overrides=[("aliases", np.array(["a", "b"]))])
    assert accel.aliases == ["a", "b"] and accel == tco.load_accelerator("h100-sxm", overrides=[("aliases", ["a", "b"])])
    assert tco.load_accelerator("h100-sxm", overrides=[["price_usd", np.array(25_000.0)]]).price_usd.value == 25_000.0  # type: ignore[union-attr, list-item]
    with pytest.raises(tco.ProblemList) as caught:
        tco.load_accelerator("h100-sxm", overrides=[("aliases", np.array([1, 2]))])
    assert str(caught.value) == "overrides: h100-sxm.aliases[0]: expected text, got 1; overrides: h100-sxm.aliases[1]: expected text, got 2"


# --------------------------------------------------------------------------- 5. standard input replaced by a script


DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "profiles" / "scenarios" / "default.toml"


@pytest.mark.parametrize("kind", ["text", "bytes"])
def test_a_scripts_own_stdin_stream_is_read_as_a_file(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """A script that sets ``sys.stdin = io.StringIO(toml)`` to give the scenario as '-' met a bare AttributeError
    ("'_io.StringIO' object has no attribute 'buffer'"): a stream without bytes beneath is read as its text in
    UTF-8 (an io.BytesIO as its bytes), and the run is the file's."""
    import io

    text = DEFAULT_SCENARIO.read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(text) if kind == "text" else io.BytesIO(text.encode()))
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b", scenario="-")
    assert inputs.sources["scenario"] == "-" and inputs.scenario == tco.load_scenario("default")
    assert (
        tco.compare(inputs).results[0].effective_cost_usd
        == tco.compare(tco.load_inputs(["h100-sxm"], workload="llama3-8b")).results[0].effective_cost_usd
    )


def test_a_scripts_stdin_stream_that_is_closed_or_not_utf8_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A closed stream said "not valid TOML: I/O operation on closed file" (a StringIO: the AttributeError); a lone
    surrogate in a StringIO's text is not UTF-8, refused as in a file."""
    import io

    closed = io.StringIO("pue = 1.3\n")
    closed.close()
    monkeypatch.setattr(sys, "stdin", closed)
    with pytest.raises(tco.InputError) as caught:
        tco.load_scenario("-")
    assert str(caught.value) == "-: standard input is closed, expected TOML on it"
    monkeypatch.setattr(sys, "stdin", io.StringIO('extends = "default"\nid = "s\ud800"\n'))
    with pytest.raises(tco.InputError) as caught:
        tco.load_scenario("-")
    assert str(caught.value) == (
        "-: not valid TOML: expected UTF-8 text, got the byte 0xED (at line 2, column 8), which is not UTF-8: save it as UTF-8"
    )


# --------------------------------------------------------------------------- 6. an option named by its file after os.chdir


def test_an_option_is_named_by_its_file_in_any_spelling_valid_after_os_chdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded as ``./mine.toml`` in one folder, then ``os.chdir`` to another (a notebook's ``%cd``): naming the option by
    the file's absolute path, or by a relative path valid from the new folder, was refused ("is not one of the compared
    options"), as the inputs' sources were read from the new folder. They are read from the folder of the load: the
    break-even, the baseline and a what-if's scope find the option as before the chdir, and a spelling that names
    another file from the new folder is still refused."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    (tmp_path / "mine.toml").write_text('extends = "h100-sxm"\nid = "mine"\nname = "Mine"\n')
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    inputs = tco.load_inputs(["./mine.toml", "a100-80gb"], workload="llama3-8b", sets=["./mine.toml.price_usd=20000"])
    before = tco.breakeven(inputs, "./mine.toml", "a100-80gb")
    wi = tco.what_if(inputs, {"./mine.toml.tdp_w": [600.0]}).options[0].effective_cost_usd
    monkeypatch.chdir(tmp_path / "elsewhere")
    for spelling in (str(tmp_path / "mine.toml"), "../mine.toml", "./mine.toml"):  # (the last as given to load_inputs)
        assert tco.breakeven(inputs, spelling, "a100-80gb") == before
        assert tco.compare(inputs, baseline=spelling).baseline == "mine"
    assert tco.what_if(inputs, {"../mine.toml.tdp_w": [600.0]}).options[0].effective_cost_usd == wi
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(inputs, "./elsewhere/mine.toml", "a100-80gb")
    assert str(caught.value) == "option: './elsewhere/mine.toml' is not one of the compared options: mine, a100-80gb"


# --------------------------------------------------------------------------- 7. a schema edited by its caller


def _wreck(node: object) -> None:
    if isinstance(node, dict):
        for value in list(node.values()):
            _wreck(value)
        node["x-edited"] = True
    elif isinstance(node, list):
        for value in node:
            _wreck(value)
        node.append("edited")


@pytest.mark.parametrize("kind", ["accelerator", "workload", "scenario", "benchmarks", "serving", "sources"])
def test_a_schema_edited_by_its_caller_leaves_the_next_one_as_a_fresh_run_gives_it(run, kind: str) -> None:
    """``tco.schema.json_schema('serving')`` (and 'benchmarks') put ``dict(models.TINY_SCHEMA)`` in each number of a
    published row: a copy of the table whose 'anyOf' list was the module constant's own, so a script that edited the
    schema it got (to add its own keys) edited the constant, and every later schema of every kind, the accelerator's
    too, carried the edit. Each schema now holds its own copy: after any edit of every table and list of one, the next
    of each kind is the CLI's."""
    from tco import models
    from tco.schema import json_schema

    pristine = json.loads(run("schema", kind).stdout)
    tiny = json.dumps(models.TINY_SCHEMA)
    _wreck(json_schema(kind))
    assert json.dumps(models.TINY_SCHEMA) == tiny
    assert json_schema(kind) == pristine == json.loads(run("schema", kind).stdout)
    assert json_schema("accelerator") == json.loads(run("schema", "accelerator").stdout)
