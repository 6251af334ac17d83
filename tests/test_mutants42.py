"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
10,450 mutants, seed 42: 32 survived, 21 are killed here; the other 11 are equivalent or near-equivalent, or (one) left
untested, see the session's report)."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest

import tco
from tco.analysis.cashflow import cashflow
from tco.analysis.common import Target, Uncertain
from tco.analysis.montecarlo import sample_input
from tco.engine import Option, _extreme_input, compare, plan_free
from tests.factories import accelerator, bench, scenario, training


def test_an_end_of_a_range_is_refused_naming_the_whole_input(run) -> None:
    """Kills tco.analysis.common.x_resolve_target__mutmut_32 (``rfind(".")`` -> ``rfind("XX.XX")``: -1, so the
    name lost only its last character, 'br100.price_usd.lo').

    The refusal names the input whose range it is, br100.price_usd, twice: as the range's owner and as the input
    to vary instead."""
    r = run("sweep", "br100", "-w", "gpt3-1.3b", "--vary", "br100.price_usd.low=1000", "-f", "csv")
    assert r.exit_code == 1
    assert "an end of br100.price_usd's range, which only sensitivity and simulate read" in r.stderr, r.stderr
    assert "vary br100.price_usd instead" in r.stderr, r.stderr


def test_the_tiniest_of_two_tiny_inputs_is_the_likely_cause() -> None:
    """Kills tco.engine.x__extreme_input__mutmut_24 (a tiny value ranked 1000 + log10|v| like a large one:
    1e-150 ranks 850 above 1e-200's 800).

    No value is above 1e100; of the two below 1e-100, the one farther from 1 (rank -log10 = 200 > 150) is the
    cause; a large value still comes first whatever the tiny ones.
    Also kills tco.engine.x__extreme_input__mutmut_9 (the prefix "workload." -> "WORKLOAD.": a workload input was
    never the cause)."""
    p = {"accel.price_usd": 1e-150, "workload.tokens": 1e-200, "scenario.pue": 1.2}
    assert _extreme_input(p) == ("workload.tokens", 1e-200)
    assert _extreme_input({**p, "scenario.years": 1e120}) == ("scenario.years", 1e120)


def test_only_a_stage_s_tokens_are_plan_free() -> None:
    """Kills tco.engine.x_plan_free__mutmut_8 (``startswith(...) and endswith(...)`` -> ``or``: every field of a
    stage became plan-free).

    A stage's token count is read after the plan; its global batch (the plan's batch key) and its precision are not
    plan-free."""
    assert plan_free("workload.stages[sft].tokens")
    assert not plan_free("workload.stages[sft].global_batch_tokens")
    assert not plan_free("workload.stages[sft].precision")


def test_a_profile_named_by_a_path_that_no_option_loads_is_refused_by_its_path(run) -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_38 (a path-like scope that matches no option became
    None, and ``None.lower()`` crashed instead of the refusal).

    Only a100-80gb is compared; h100-sxm's profile file, named by its path, is not one of the options."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "profiles/accelerators/h100-sxm.toml.price_usd=1000", "-f", "csv")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == (
        "Error: --vary: profiles/accelerators/h100-sxm.toml.price_usd: "
        "'profiles/accelerators/h100-sxm.toml' is not scenario, workload or a compared accelerator"
    )


def test_a_lease_term_is_kept_for_the_workbook_formula() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_249 (the term stored under another key: the
    workbook's lease total, count × rate × months, lost its formula).

    4 toys leased at $500 a month for 12 months (the run is held about half a month): 4 × 500 × 12 = $24,000."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])
    (_, leased) = cashflow([Option(acc)], training(), scenario(), lease_usd_per_month=500, lease_months=12).options
    assert leased._basis["lease_months"] == 12.0
    assert sum(y.lease_usd for y in leased.years) == pytest.approx(24_000.0)


def test_a_tornado_end_past_the_largest_float_is_named_high(run) -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_168 (the high end's name "high" -> "HIGH").

    a100-80gb's price swung to 1e308 at its high end: the job cost overflows there only."""
    r = run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd.high=1e308", "-f", "json")
    rows = {row["param"]: row for row in json.loads(r.stdout)["results"]}
    assert rows["a100-80gb.price_usd"]["overflows"] == {"a100-80gb": ["high"]}


def test_a_tornado_end_past_the_largest_float_is_named_low() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_165 (the low end's name "low" -> "XXlowXX").

    a100-80gb's memory bandwidth swung down to 1e-300 GB/s: the job takes longer than a float holds at the low
    end only; mlu370-s4 does not read a100-80gb's bandwidth."""
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", sets=["a100-80gb.memory_bandwidth_gbps.low=1e-300"])
    rows = {r.param: r for r in tco.sensitivity(inputs).rows}
    assert rows["a100-80gb.memory_bandwidth_gbps"].overflows == {"a100-80gb": ["low"]}


def test_an_input_a_plan_reads_but_whose_swing_keeps_the_plan_is_not_marked_held() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_179 (``i in keys and moves_plan(...)`` -> ``or``:
    every input a plan reads was marked, whether its swing moved the plan or not) and
    x_sensitivity__mutmut_141 (``plan_held`` not passed: no row was marked).

    For l40s serving assistant-7b, the demand and the bf16 peak are read by the plan (not plan-free) but their
    ±swing leaves the replica as it is; the utilization sizes the owned fleet and moves it."""
    rows = {r.param: r for r in tco.sensitivity(tco.load_inputs(["l40s"], workload="assistant-7b")).rows}
    assert not plan_free("workload.tokens_per_day") and not plan_free("accel.peak.bf16_tflops")
    assert not rows["workload.tokens_per_day"].plan_held and not rows["l40s.peak.bf16_tflops"].plan_held
    assert rows["scenario.utilization"].plan_held


def test_a_what_if_counts_the_distinct_values_an_moe_plan_is_made_at() -> None:
    """Kills tco.analysis.whatif.x_what_if__mutmut_144 (the count of distinct values forced to 1: the bound on
    plans became a bound on options).

    deepseek-v3 is an MoE job: at most 2,048 // 16 = 128 plans; 129 distinct sequence lengths for one option are
    129 plans, refused before any is made."""
    inputs = tco.load_inputs(["h100-sxm"], workload="deepseek-v3")
    with pytest.raises(tco.InputError) as exc:
        tco.what_if(inputs, {"workload.seq_len": [4096.0 + 8 * k for k in range(129)]})
    assert exc.value.message == (
        "1 option is planned anew at each of 129 values: at most 128 plans (options × distinct values; an MoE job's "
        "plan costs about 16× a dense one's); give fewer values or fewer options"
    )
    assert exc.value.key == "workload.seq_len"


def test_an_option_both_barred_and_unable_to_run_gives_the_market_rule() -> None:
    """Kills tco.engine.x_compare__mutmut_248 (``barred.get(i, failed)`` -> ``barred.get(None, failed)``: the
    option's own failure was given instead).

    One Ascend 910B cannot hold chat-70b's weights, and the global market bars it: the market's rule is the
    reason, as no input makes a barred part possible; h100-sxm is still ranked."""
    c = tco.compare(tco.load_inputs(["h100-sxm", "ascend-910b@1"], workload="chat-70b"))
    by = {r.option: r for r in c.results}
    assert by["h100-sxm"].rank == 1
    assert by["ascend-910b@1"].reason.startswith("ascend-910b cannot be bought in market 'global': ")
    assert "do not fit" not in by["ascend-910b@1"].reason


def test_a_what_if_over_a_measured_job_carries_the_run_as_compare_does() -> None:
    """Kills tco.analysis.common.x__plan_with__mutmut_68 (the replanned option lost ``workload_as_measured``: a
    job changed by the what-if was planned as if it were the one the run was measured on, and had no cost).

    gpt3-1.3b's published run on a100-80gb is carried to a 13B-parameter job by the model's ratio: each what-if
    value gives compare's effective cost with that value --set."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    got = tco.what_if(inputs, {"workload.parameters": [1.3e9, 1.3e10]}).options[0].effective_cost_usd
    for value, cost in zip(("1.3e9", "1.3e10"), got, strict=True):
        (r,) = tco.compare(tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets=[f"workload.parameters={value}"])).results
        assert r.throughput_source == "measured"
        assert cost == pytest.approx(r.effective_cost_usd, rel=1e-12)
    assert got[1] > 5 * got[0]


def test_breakeven_appends_the_unresolved_steps_note_after_the_feasibility_edges() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_535 (``note +=`` -> ``note =``: the note on brackets left
    unresolved replaced the feasibility edges before it).

    Over 1e9 .. 1e17 tokens a day, l40s and then h100-sxm pass the bound on a fleet's count (infeasible from a
    demand each), and the fleets step between more scan points than the refinement budget resolves: the message
    gives both edges, then the note."""
    inputs = tco.load_inputs(["l40s", "h100-sxm"], workload="assistant-7b")
    msg = tco.breakeven(inputs, "l40s", "h100-sxm", param="workload.tokens_per_day", value_range=(1e9, 1e17)).message
    num = r"[0-9.]+e\+[0-9]+"
    edges = rf"; l40s is infeasible from workload\.tokens_per_day = {num}; h100-sxm is infeasible from workload\.tokens_per_day = {num}"
    note = (
        r"; between [0-9,]+ pairs of scan points a fleet or replica count steps more often than 1,024 extra points "
        r"resolve: crossings there may be missed \(narrow --range\)$"
    )
    assert msg.startswith("no tie for workload.tokens_per_day in [1e+09, 1e+17]: ")
    assert re.search(edges + note, msg), msg


def test_a_late_option_without_a_cost_of_delay_says_it_needs_one() -> None:
    """Kills tco.engine.x_compare__mutmut_87 (the cost of delay never added to a late option's missing inputs).

    The same toy with lead times of 4 and 10 weeks: slow reaches the market 42 days after fast. With the cost of
    delay unknown, fast (never late) is ranked and slow is not, naming the input its penalty needs."""
    fast = accelerator(id="fast", benchmarks=[bench("toy-train", 1000)])
    slow = accelerator(id="slow", lead_time_weeks=10, price_usd=5000, benchmarks=[bench("toy-train", 1000)])
    sc = scenario(cost_of_delay_usd_per_day={"source": "unknown"})
    res = {r.accelerator: r for r in compare(options=[Option(fast), Option(slow)], workload=training(), scenario=sc).results}
    assert (res["fast"].rank, res["fast"].delay_penalty_usd, res["fast"].missing_inputs) == (1, 0.0, [])
    assert res["slow"].rank is None and res["slow"].delay_penalty_usd is None
    assert res["slow"].missing_inputs == ["scenario.cost_of_delay_usd_per_day"]


def test_a_triangular_range_wider_than_1e150_is_drawn_on_a_unit_scale() -> None:
    """Kills tco.analysis.montecarlo.x_sample_input__mutmut_58 (the scale's ``abs(u.high)`` -> ``abs(None)``: a
    TypeError for every range past 1e150).

    Triangular on [0, 3e154] with its mode at 1e154: every draw inside, mean (0 + 1e154 + 3e154) / 3 = 4e154 / 3."""
    target = Target(path="scenario.carbon_usd_per_tonne", keys={}, central=1e154, quantity=None)
    u = Uncertain(path=target.path, target=target, central=1e154, low=0.0, high=3e154, ranged=True, bounded=False)
    x = sample_input(u, np.random.default_rng(1), 4000)
    assert np.isfinite(x).all() and x.min() >= 0 and x.max() <= 3e154
    assert x.mean() == pytest.approx(4e154 / 3, rel=0.03)


def test_an_option_named_by_its_profile_path_in_another_spelling_is_found() -> None:
    """Kills tco.analysis.common.x__index_of__mutmut_5 (the options' profile files not passed: a path spelled
    otherwise than the one loaded named no option).

    The options are loaded by id; breakeven's first option is named by its file's path relative to here."""
    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    ref = os.path.relpath(inputs.sources["a100-80gb"])
    assert ref != inputs.sources["a100-80gb"] and ref.endswith("a100-80gb.toml")
    r = tco.breakeven(inputs, ref, "h100-sxm", param="scenario.pue")
    assert (r.a, r.b) == ("a100-80gb", "h100-sxm")


def test_a_what_if_of_a_quantity_s_value_keeps_its_range() -> None:
    """Kills tco.analysis.common.x_validate_value__mutmut_20 (the path's ``.value`` -> ``.VALUE``: no such field,
    and every what-if of a quantity's value was refused).

    scenario.pue.value within the profile's range gives the same figures as scenario.pue; past its high it is
    refused, as --set refuses it (the range is kept, not replaced)."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    pue = inputs.scenario.pue
    mid = (pue.low + pue.high) / 2
    by_value = tco.what_if(inputs, {"scenario.pue.value": [mid]}).options[0].effective_cost_usd
    assert by_value == tco.what_if(inputs, {"scenario.pue": [mid]}).options[0].effective_cost_usd
    with pytest.raises(tco.InputError) as exc:
        tco.what_if(inputs, {"scenario.pue.value": [pue.high + 0.5]})
    assert exc.value.message == f"{pue.high + 0.5:g} is not allowed: value {pue.high + 0.5:g} is above high {pue.high:g}"


def test_a_rented_option_that_does_not_fit_is_blamed_on_its_part() -> None:
    """Kills tco.engine.x__plan_option__mutmut_390 (the error's ``where`` always the option's label: a rented
    option without a count gave 'a100-80gb:rent', which names no file).

    llama3-8b's training state needs 3 × a100-80gb; a workload count of 1 that no --set gave is the part's problem (its
    memory), and the error points at the part's profile, whether bought or rented (a --set of the count is blamed
    itself: test_hostile68)."""
    import dataclasses

    for option in ("a100-80gb", "a100-80gb:rent"):
        loaded = tco.load_inputs([option], workload="llama3-8b")
        inputs = dataclasses.replace(loaded, workload=loaded.workload.model_copy(update={"accelerator_count": 1}))
        with pytest.raises(tco.InfeasibleError) as exc:
            tco.compare(inputs)
        assert exc.value.message.startswith("llama3-8b does not fit in memory on 1 × a100-80gb: ")
        assert exc.value.where == inputs.sources["a100-80gb"] and exc.value.key == "memory_gb"


def test_a_serving_demand_past_the_fleet_bound_says_how_many_and_where() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_164 (no message) and x_evaluate_option__mutmut_169 (no
    ``where``).

    1e18 tokens a day of chat-70b on owned h100-sxm needs billions of accelerators at utilization 0.8; the error
    names the demand, the count, the bound and both ways out, at the --set that gave the demand."""
    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b", sets=["workload.tokens_per_day=1e18"])
    with pytest.raises(tco.InfeasibleError) as exc:
        tco.compare(inputs)
    assert re.fullmatch(
        r"serving 1e\+18 tokens a day needs [0-9,]{13,} × h100-sxm, more than the 1,000,000,000 accelerators the model "
        r"takes \(at utilization 0\.8\); give a smaller demand or a higher utilization",
        exc.value.message,
    ), exc.value.message
    assert (exc.value.where, exc.value.key) == ("--set", "workload.tokens_per_day")
