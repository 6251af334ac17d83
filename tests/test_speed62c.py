"""Round 62c: needless work removed from the analyses, each result unchanged to the bit.

A part bought and the same part rented (``h800@2048 h800@2048:rent``, the pattern of the README's
examples) ran the training layout search twice, once per option, and an analysis that replans both at an
input's low and high ran it twice there too: the search reads the part's specifications, the count, the
job and the scenario, never the acquisition or the rental table. It now runs once per distinct content."""

from __future__ import annotations

import pytest

import tco
from tco import api, engine


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_TRAINING_PLANS", {})
    monkeypatch.setattr(engine, "_PLANS", {})


def _count_searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = engine.plan_training

    def spy(option: engine.Option, *args: object) -> object:
        calls.append(option.label)
        return real(option, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "plan_training", spy)
    return calls


def _uncached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_training_plan_of", engine.plan_training)
    monkeypatch.setattr(engine, "_PLANS", {})


@pytest.mark.parametrize(
    ("accels", "workload"),
    [(["h100-sxm@1024", "h100-sxm@1024:rent"], "llama3-70b"), (["h800@2048", "h800@2048:rent"], "deepseek-v3")],
)
def test_buying_and_renting_one_part_search_its_layout_once(monkeypatch: pytest.MonkeyPatch, accels: list[str], workload: str) -> None:
    """`tco compare h800@2048 h800@2048:rent -w deepseek-v3`: one layout search (it was two, 0.5 s each),
    and every figure of both options is the one the separate searches gave."""
    calls = _count_searches(monkeypatch)
    new = api.compare(tco.load_inputs(accels, workload=workload))
    assert len(calls) == 1, calls  # (the old code: one per option)
    _uncached(monkeypatch)
    old = api.compare(tco.load_inputs(accels, workload=workload))
    assert new.model_dump_json() == old.model_dump_json()


def test_another_part_count_or_job_searches_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only content the search does not read is shared: another part, count or scenario is searched."""
    calls = _count_searches(monkeypatch)
    api.compare(tco.load_inputs(["h100-sxm@1024", "h100-sxm@512", "h200@1024", "h100-sxm@1024:rent"], workload="llama3-70b"))
    assert len(calls) == 3, calls
    api.compare(tco.load_inputs(["h100-sxm@1024"], workload="llama3-70b", sets=["scenario.failure_rate_per_accelerator_day=0.01"]))
    assert len(calls) == 4, calls


def test_a_handed_out_layout_is_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller that changes the layout it got does not change the next option's."""
    inputs = tco.load_inputs(["h100-sxm@1024", "h100-sxm@1024:rent"], workload="llama3-70b")
    a = engine._plan_option(inputs.options[0], inputs.workload, inputs.scenario, market=False)
    assert a.layout is not None
    a.layout["tensor_parallel"] = -1
    b = engine._plan_option(inputs.options[1], inputs.workload, inputs.scenario, market=False)
    assert b.layout is not None and b.layout["tensor_parallel"] != -1


def test_sensitivity_replans_a_bought_and_rented_part_once_per_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tornado's plan_held column replans each option at an input's low and high: the bought and
    the rented part at one value are one search, and the table is the one the separate searches gave."""
    args = (["h100-sxm@1024", "h100-sxm@1024:rent"],)
    calls = _count_searches(monkeypatch)
    inputs = tco.load_inputs(*args, workload="llama3-70b", sets=["h100-sxm.rental.usd_per_hour=2.5"])
    new = api.sensitivity(inputs)
    searched = len(calls)
    calls.clear()
    monkeypatch.setattr(engine, "_TRAINING_PLANS", {})
    monkeypatch.setattr(engine, "_PLANS", {})
    real = engine._training_plan_of
    monkeypatch.setattr(engine, "_training_plan_of", lambda *a: (engine._TRAINING_PLANS.clear(), real(*a))[1])
    old = api.sensitivity(tco.load_inputs(*args, workload="llama3-70b", sets=["h100-sxm.rental.usd_per_hour=2.5"]))
    assert searched < len(calls), (searched, len(calls))
    assert new.model_dump_json() == old.model_dump_json()
