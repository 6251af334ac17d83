"""Hostile round 31 (about 5,200 calls of the Python API against its contract): each defect, fixed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tco

A100 = (Path(__file__).parent.parent / "profiles" / "accelerators" / "a100-80gb.toml").read_text()


@pytest.fixture(scope="module")
def inputs() -> tco.Inputs:
    return tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")


def test_what_ifs_that_replan_are_bounded_over_all_options(inputs: tco.Inputs) -> None:
    """4,096 lengths took a minute (each planned anew for each option); 2 options × 4,096 values are
    more than 2,048 plans, refused before any is made."""
    with pytest.raises(tco.InputError) as info:
        tco.what_if(inputs, {"workload.seq_len": [512 + i for i in range(4096)]})
    assert str(info.value) == (
        "workload.seq_len: 2 options are planned anew at each of 4,096 values: at most 2,048 plans "
        "(options × distinct values); give fewer values or fewer options"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda i: tco.estimate("a100-80gb", parameters=7e9, mode="infer", prompt_tokens=10**400), "prompt_tokens: expected a finite"),
        (lambda i: tco.what_if(i, {"scenario.pue.value": [1.05]}), "value 1.05 is below low 1.1"),
        (lambda i: tco.simulate(i, samples=np.True_, seed=1), "samples: expected int, got "),
        (lambda i: tco.breakeven(i, "a100-80gb", "mlu370-s4", value_range=(True, 10.0)), "value_range: expected"),
        (
            lambda i: tco.estimate("a100-80gb", parameters=7e9, shape={"layers": 10**400, "d_model": 4096}),
            "shape['layers']: expected at most",
        ),
        (lambda i: tco.simulate(i, samples=100, seed=1, progress=lambda: None), "progress: expected a function of (done, total)"),
        (lambda i: tco.size(i), "constraint: give exactly one of deadline_days, budget_usd, capex_usd, power_kw"),
        (lambda i: tco.cashflow(i, lease_months=12), "give lease_usd_per_month too"),
    ],
)
def test_the_api_answers_bad_arguments_in_its_own_words(inputs: tco.Inputs, call, message: str) -> None:
    """OverflowError, TypeError and silent conversions (np.True_ as 1, a nested True as 1) became
    InputErrors naming the argument; messages name the arguments, not the command line's flags."""
    with pytest.raises(tco.InputError) as info:
        call(inputs)
    assert message in str(info.value)


def test_what_if_takes_a_whole_quantity_as_set_does(inputs: tco.Inputs) -> None:
    """scenario.pue (not .value) replaces the whole quantity, its range too, as sets= does."""
    assert tco.what_if(inputs, {"scenario.pue": [1.05]}).options[0].effective_cost_usd[0] is not None


def test_precision_and_tuning_by_name(inputs: tco.Inputs) -> None:
    """The README writes precision="fp8": it is now part of the annotation (mypy --strict took it as an error)."""
    import typing

    hints = typing.get_type_hints(tco.estimate)
    assert typing.Literal["bf16", "fp16", "fp8", "int8", "fp4"] in typing.get_args(hints["precision"])
    est = tco.estimate("h100-sxm", parameters=70e9, precision="fp8", tuning="tuned")
    assert est.tokens_per_second_per_accelerator > 0


def test_type_checkers_do_not_see_the_lazy_loader() -> None:
    """tco's module __getattr__ (which loads the API on first use) typed every name, a misspelt tco.compre
    too, as Any: it is defined only when not type checking."""
    source = (Path(tco.__file__)).read_text()
    assert "if not _typing.TYPE_CHECKING:" in source and source.index("if not _typing.TYPE_CHECKING:") < source.index("def __getattr__")
    with pytest.raises(AttributeError):
        tco.compre  # noqa: B018


def test_a_cash_flow_result_survives_a_json_round_trip(inputs: tco.Inputs) -> None:
    r = tco.cashflow(inputs)
    assert type(r).model_validate_json(r.model_dump_json()) == r


def test_a_sweep_streams_once_and_says_so(inputs: tco.Inputs) -> None:
    run = tco.sweep(inputs, ["scenario.pue=1.1:1.5:3"])
    assert len(list(run.results)) == run.total_rows == 6
    with pytest.raises(tco.InputError, match="a sweep's rows stream once"):
        list(run.results)


def test_an_alias_two_profiles_share_names_neither(run, tmp_path: Path) -> None:
    """A copy of the a100-80gb (id other2) that kept the alias 'a100': a --set or -b through it changed
    or picked either. Through their ids, or without the alias, they compare as before."""
    copy = tmp_path / "copy.toml"
    copy.write_text(A100.replace('id = "a100-80gb"', 'id = "other2"', 1))
    r = run("compare", str(copy), "a100-80gb", "-w", "llama3-8b", "--set", "a100.price_usd=1000")
    assert r.exit_code == 1 and "'a100' is an alias of a100-80gb and other2, which this run compares" in r.stderr
    r = run("compare", str(copy), "a100-80gb", "-w", "llama3-8b", "-b", "a100")
    assert r.exit_code == 1 and "'a100' is an alias of a100-80gb and other2: give the id" in r.stderr
    ok = run("compare", str(copy), "a100-80gb", "-w", "llama3-8b", "--set", "other2.price_usd=1000", "-b", "a100-80gb")
    assert ok.exit_code == 0


def test_inputs_are_immutable_through_and_through(inputs: tco.Inputs) -> None:
    """Its fields could not be assigned, but its lists and dicts could be changed: an appended option
    got past load_inputs' duplicate check, a reversed refs list made baseline= pick the wrong option."""
    import copy
    import dataclasses
    import pickle

    with pytest.raises(AttributeError):
        inputs.options.append(inputs.options[0])  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="Inputs are immutable"):
        inputs.sources["x"] = "y"  # type: ignore[index]
    again = pickle.loads(pickle.dumps(inputs))
    assert again.options == inputs.options and dict(again.sources) == dict(inputs.sources)
    assert copy.deepcopy(inputs).refs == inputs.refs
    fewer = dataclasses.replace(inputs, options=list(inputs.options[:1]))  # (as the analyses copy them)
    assert isinstance(fewer.options, tuple) and len(fewer.options) == 1


def test_an_option_with_the_workloads_own_count_is_another_option(run) -> None:
    """'a100-80gb' and 'a100-80gb@8' for a job of 8 agree, but a sweep of the job's count moves only the
    first (round 32 found the refusal round 31 asked for broke that): both stay, and differ there."""
    r = run("sweep", "a100-80gb", "a100-80gb@8", "-w", "gpt3-1.3b", "--vary", "workload.accelerator_count=8,32", "-f", "csv")
    assert r.exit_code == 0
    rows = [line.split(",") for line in r.stdout.splitlines()]
    head = rows[0]
    cost = {
        (row[head.index("workload.accelerator_count")], row[head.index("option")]): float(row[head.index("job_cost_usd")])
        for row in rows[1:]
    }
    assert cost[("8", "a100-80gb")] == cost[("8", "a100-80gb@8")] and cost[("32", "a100-80gb")] != cost[("32", "a100-80gb@8")]
