"""Hostile round 91 (the library in long-lived processes: a notebook or a service that calls compare, what_if, sweep,
simulate, size and estimate thousands of times, edits its profiles between calls, changes what it was given in place
and calls from several threads): a profile's benchmarks cleared in place (``inputs.options[0].accelerator.benchmarks
.clear()``) after one compare left the next one the plan remembered for the object, planned as measured from a run
that was gone: the A100 on GPT-3 1.3B came back 'incomplete', missing 'a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second'
that no longer existed, where the same profile loaded without them ranks at its derived throughput; an item that would
not load put in the same way (a text among the benchmarks) was neither refused nor read, as the Inputs were checked
once; and every input file the library read was recorded for the command line's ``-o`` check, which only a command
reads, so a service that loaded 100,000 distinct files kept 100,000 entries. The plans remembered now compare the
models' lists and tables too, an Inputs whose lists or tables changed is checked again, and only a command records
what it reads. Each is fixed and tested here; the memos stay bounded under distinct what-ifs, a profile edited on disk
or a TCO_PROFILE_PATH changed between calls is read anew, and four threads agree with one."""

from __future__ import annotations

import concurrent.futures
import dataclasses
from pathlib import Path

import pytest

import tco
from tco import engine, loader
from tco.memo import contents


def _row(inputs: tco.Inputs) -> tuple[str, str, float | None]:
    row = tco.compare(inputs).results[0]
    return row.status.value, row.throughput_source.value, row.effective_cost_usd


def _loaded_without(field: str) -> tco.Inputs:
    """A100 on GPT-3 1.3B with its profile's ``field`` empty, as a new object (nothing remembered for it)."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    option = inputs.options[0]
    accel = option.accelerator.model_copy(update={field: type(getattr(option.accelerator, field))()})
    return dataclasses.replace(inputs, options=[dataclasses.replace(option, accelerator=accel)])


def test_benchmarks_cleared_in_place_are_planned_again() -> None:
    """1: the second compare returned the plan remembered for the profile object (measured, from a run no longer
    there): 'incomplete', missing a benchmark that did not exist. It is now the profile without its runs, derived."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    assert _row(inputs) == ("ranked", "measured", pytest.approx(556.2181934695496, rel=1e-12))
    inputs.options[0].accelerator.benchmarks.clear()
    without = _row(inputs)
    assert without == ("ranked", "derived", pytest.approx(564.4958979213276, rel=1e-12))
    assert without == _row(_loaded_without("benchmarks"))


def test_an_item_put_in_place_that_would_not_load_is_refused() -> None:
    """2: a text appended to a profile's benchmarks after the first call was neither read nor refused (the Inputs
    were checked once): it is refused with the key, and taken out again the figures are the first call's."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    first = _row(inputs)
    benchmarks = inputs.options[0].accelerator.benchmarks
    benchmarks.append("x")  # type: ignore[arg-type]
    with pytest.raises(tco.InputError) as caught:
        tco.compare(inputs)
    assert str(caught.value) == (
        "inputs.a100-80gb.benchmarks.1: Input should be a valid dictionary or instance of Benchmark (a model whose lists, "
        "tables or fields were changed in place is not validated: give the change to tco.load_inputs as sets=['PATH=VALUE'])"
    )
    benchmarks.pop()
    assert _row(inputs) == first


def test_a_plan_remembered_is_kept_until_a_list_changes() -> None:
    """1: the memo of plans still answers a second call on unchanged models (the same object), and a changed list
    or table (the same object, other items) is planned anew."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    option, workload, scenario = inputs.options[0], inputs.workload, inputs.scenario
    plan = engine.plan_option(option, workload, scenario)
    assert engine.plan_option(option, workload, scenario) is plan
    before = contents(option.accelerator, workload, scenario)
    option.accelerator.availability.clear()
    assert contents(option.accelerator, workload, scenario) != before
    assert engine.plan_option(option, workload, scenario) is not plan


def test_contents_reach_the_lists_and_tables_of_each_kind_of_model() -> None:
    """1: the fingerprint walks only the fields that may hold a list or a table, and reaches each one."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", scenario="article")
    accel, scenario = inputs.options[0].accelerator, inputs.scenario
    held = [accel.aliases, accel.availability, accel.benchmarks, inputs.workload.stages, scenario.porting]  # type: ignore[union-attr]
    fingerprint = contents(accel, inputs.workload, scenario)
    assert all(id(container) in fingerprint for container in held)
    assert contents(accel, inputs.workload, scenario) == fingerprint
    scenario.porting.pop(next(iter(scenario.porting)))
    assert contents(accel, inputs.workload, scenario) != fingerprint


def test_the_library_keeps_no_record_of_the_files_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3: 40 distinct scenario files loaded by a script left 40 entries in the -o check's record (unbounded: 100,000
    files kept 100,000); a script records none, and a command records what it reads."""
    monkeypatch.setattr(loader, "_RECORDING_READS", False)
    monkeypatch.setattr(loader, "_READ", set())
    for i in range(40):
        path = tmp_path / f"s{i}.toml"
        path.write_text(f'extends = "default"\nid = "s{i}"\ncost_of_delay_usd_per_day = {{ value = {i}, source = "x" }}\n')
        assert tco.load_scenario(path).cost_of_delay_usd_per_day.value == i
    assert loader._READ == set()
    loader.forget_reads()  # (what each command does first)
    tco.load_scenario(tmp_path / "s7.toml")
    assert loader.was_read(tmp_path / "s7.toml") and not loader.was_read(tmp_path / "s8.toml")


def test_the_plans_remembered_stay_bounded_under_distinct_what_ifs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo of plans holds at most its limit however many distinct options are compared (a service's 100,000
    what-ifs stayed at 256 plans and a flat RSS), and an option planned again agrees with its first plan."""
    monkeypatch.setattr(engine, "_PLANS", {})
    monkeypatch.setattr(engine, "_PLANS_MAX", 3)
    costs = {}
    for count in (8, 16, 24, 32, 40, 48, 8):
        inputs = tco.load_inputs([f"h100-sxm@{count}"], workload="gpt3-1.3b")
        cost = tco.compare(inputs).results[0].effective_cost_usd
        assert costs.setdefault(count, cost) == cost
        assert len(engine._PLANS) <= 3


def test_a_profile_edited_on_disk_or_a_search_path_changed_is_read_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean: the same file rewritten (same size, same modification time) and TCO_PROFILE_PATH pointed elsewhere
    between two loads give the new figures."""
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, value in ((first, 100), (second, 777)):
        (folder / "scenarios").mkdir(parents=True)
        text = f'extends = "default"\nid = "mine"\ncost_of_delay_usd_per_day = {{ value = {value}, source = "x" }}\n'
        (folder / "scenarios" / "mine.toml").write_text(text)
    monkeypatch.setenv("TCO_PROFILE_PATH", str(first))
    assert tco.load_scenario("mine").cost_of_delay_usd_per_day.value == 100
    path = first / "scenarios" / "mine.toml"
    path.write_text(path.read_text().replace("100", "200"))
    assert tco.load_scenario("mine").cost_of_delay_usd_per_day.value == 200
    monkeypatch.setenv("TCO_PROFILE_PATH", str(second))
    assert tco.load_scenario("mine").cost_of_delay_usd_per_day.value == 777


def test_four_threads_agree_with_one() -> None:
    """Clean: compare from four threads at once on different inputs gives the single-threaded results."""
    cases = [([f"h100-sxm@{8 * (1 + i % 4)}", "a100-80gb"], ("gpt3-1.3b", "chat-70b")[i % 2]) for i in range(8)]

    def run(case: tuple[list[str], str]) -> dict[str, object]:
        return tco.compare(tco.load_inputs(case[0], workload=case[1])).model_dump()

    alone = [run(case) for case in cases]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert list(pool.map(run, cases)) == alone
