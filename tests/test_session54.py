"""Session 54: a public function's refused argument says why in the house's words (not pydantic's 'Input should be a
valid integer, got a number with a fractional part'), naming the item of a tuple or list that failed; and the layout
search's speed-up (each candidate's activations, parameters per device, degree grid and full-recomputation step
computed once) chooses what the plain search chose."""

from __future__ import annotations

import math

import pytest

import tco
from tco import training
from tco.perf import SCALAR, goodput_at, goodput_rates


@pytest.fixture(scope="module")
def inputs() -> tco.Inputs:
    return tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda i: tco.simulate(i, samples=10, seed=1.5), "seed: expected int, got float 1.5: not a whole number"),
        (lambda i: tco.simulate(i, samples=10, seed="x"), "seed: expected int, got str 'x': not a whole number"),
        (
            lambda i: tco.breakeven(i, "a100-80gb", "a100-80gb:rent", value_range=("a", "b")),
            "value_range: expected tuple[float, float] | None, got tuple ('a', 'b'): item 0: not a number",
        ),
        (
            lambda i: tco.breakeven(i, "a100-80gb", "a100-80gb:rent", value_range=(1, 2, 3)),
            "value_range: expected tuple[float, float] | None, got tuple (1, 2, 3): 3 items, expected at most 2",
        ),
        (
            lambda i: tco.breakeven(i, "a100-80gb", "a100-80gb:rent", value_range=(1,)),
            "value_range: expected tuple[float, float] | None, got tuple (1,): too few items (no item 1)",
        ),
        (lambda i: tco.breakeven(i, "a100-80gb", "a100-80gb:rent", param=5), "param: expected str, got int 5: not text"),
        (
            lambda i: tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets="scenario.pue=1.2"),
            "sets: expected Sequence[str], got str 'scenario.pue=1.2': text is not a list of values (put it in a list)",
        ),
        (lambda i: tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets=5), "sets: expected Sequence[str], got int 5: not a list"),
        (
            lambda i: tco.what_if(i, {"scenario.pue": [1.2, "x"]}),
            "changes: expected Mapping[str, Sequence[float]], got dict {'scenario.pue': [1.2, 'x']}: item 1: not a number",
        ),
    ],
)
def test_a_refused_argument_says_why_in_the_houses_words(inputs: tco.Inputs, call, message: str) -> None:
    with pytest.raises(tco.InputError) as caught:
        call(inputs)
    assert str(caught.value) == message
    assert "Input should" not in str(caught.value) and "instances are not allowed" not in str(caught.value)


def _plain_best(job: training.Job, x: dict) -> tuple[int | None, float]:
    """The fastest candidate scored one at a time (each evaluated alone, so nothing is shared between candidates)."""
    best_i, best = None, 0.0
    for i in range(len(job.candidates)):
        r = training.evaluate(job, x, SCALAR, subset=(i,))
        if r.best is None:
            continue
        rates = goodput_rates(failure_rate=x["failure_rate"], save_minutes=x["save_minutes"], restart_minutes=x["restart_minutes"])
        score = r.tokens_per_second * max(goodput_at(rates, min(r.used, x["count"])), 1e-12)
        if score > best * (1.0 + 1e-12):
            best_i, best = i, score
    return best_i, best


@pytest.mark.parametrize(("workload", "part"), [("llama3-70b", "h100-sxm"), ("deepseek-v3", "h100-sxm"), ("gpt3-175b", "a100-80gb")])
def test_the_whole_search_chooses_what_candidates_scored_alone_choose(workload: str, part: str) -> None:
    """The search over every candidate at once (its per-candidate values computed once, its degrees deduplicated by
    value) picks the candidate that scores best when each is evaluated alone, at the same tokens/s."""
    from tco import engine

    inp = tco.load_inputs([part], workload=workload)
    option = inp.options[0]
    plan = engine.plan_option(option, inp.workload, inp.scenario, market=False)
    stage = plan.stages[0]
    x = engine.stage_inputs(stage, engine.KnownInputs(engine.numeric_inputs(option, inp.workload, inp.scenario)), plan.active_key)
    whole = training.evaluate(stage.job, x, SCALAR)
    best_i, best = _plain_best(stage.job, x)
    assert best_i is not None and whole.best == best_i
    assert math.isclose(whole.tokens_per_second, training.evaluate(stage.job, x, SCALAR, subset=(best_i,)).tokens_per_second, rel_tol=0)
    assert best > 0


def test_an_ndjson_name_writes_json_lines_and_a_tsv_name_is_refused(capsys, tmp_path) -> None:
    """-o out.ndjson wrote the table (an unknown name keeps the default format); newline-delimited JSON is JSON Lines by
    another name. -o out.tsv wrote a text table a program would misread as tab-separated; it is refused like .xls."""
    from tests.factories import run_main

    out = tmp_path / "out.ndjson"
    code, _, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(out))
    assert code == 0, error
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith('{"schema_version":1,') and '"accelerator":"a100-80gb"' in lines[0]
    tsv = tmp_path / "out.tsv"
    code, _, error = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(tsv))
    assert code == 2 and not tsv.exists()
    assert f"{tsv} is named as tsv, which compare does not write" in error


def test_two_unknown_inputs_are_named_as_two(capsys) -> None:
    """'needs a.price_usd, a.lead_time_weeks, which is unknown' (one verb for two inputs, and a sensitivity tail that
    gave only the first's --set): the inputs a figure lacks are now listed with 'and' and 'are', and every --set given."""
    from tco.errors import unknown_inputs

    assert unknown_inputs(["a.price_usd"]) == "a.price_usd, which is unknown"
    assert unknown_inputs(["a.price_usd", "a.lead_time_weeks"]) == "a.price_usd and a.lead_time_weeks, which are unknown"
    assert unknown_inputs(["x", "y", "z"]) == "x, y and z, which are unknown"
    assert unknown_inputs([]) == ""
