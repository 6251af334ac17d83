"""Behaviour a seventh uniform sample of mutants showed untested (mutmut 3.8.1, 120 of the 3,094 mutants of
``tco/engine.py`` and 180 of the 4,189 of ``tco/analysis/``, seed 20261207, 2026-12-01): the place of the
measurement's note, a serving memory that holds one sequence but no batch meets the latency, the key of a
held layout too large, the market check of a remembered plan, the message of a measured MFU above 1, the
shortlisted layouts the analyses of uncertain inputs hold, the cash flow's refusals naming the porting
weeks and the service life, the lease that earns revenue too, a run too short to span an instant, the
lease term's key, a break-even where no option is feasible, its cost at a tie found by replanning and its
range message, accelerator ids with a dot, values past the int64 range, two inputs planned anew at once,
values of exactly 1e-300, and a measurement one nudge below the peak. Expected values come from the
formulas, by hand, or from a second route through the program.
"""

from __future__ import annotations

import numpy as np
import pytest

from tco import engine, serving, training
from tco.analysis import common
from tco.analysis.breakeven import breakeven
from tco.analysis.cashflow import cashflow
from tco.analysis.common import check_numbers, evaluate_many, prepare, resolve_target, uncertain_inputs
from tco.analysis.whatif import what_if
from tco.engine import Option
from tco.errors import InfeasibleError, InputError
from tco.inputs import Inputs
from tests.factories import accelerator, bench, inference, scenario
from tests.factories import training as train_wl

approx = pytest.approx
DAYS = 365.25
BENCH = accelerator(benchmarks=[bench("toy-train", 1000)])  # 4 toys at 1,000 tokens/s: the 1.44e8-token job takes 10 h
FLOPS_PER_TOKEN = 6 * 1e9 + 12 * 10 * 1000 * 1000  # 6·N + 12·L·a·s for the toy run: 6.12e9


def toy(*options: Option, workload: object = None, **sc: object) -> Inputs:
    return Inputs(list(options), workload or train_wl(), scenario(**sc))  # type: ignore[arg-type]


def job_cost(option: Option, workload: object, **sc: object) -> float:
    """The second route: the option's job cost from ``compare`` on inputs built with the value in place."""
    (row,) = engine.compare(options=[option], workload=workload, scenario=scenario(**sc)).results  # type: ignore[arg-type]
    assert row.job_cost_usd is not None
    return row.job_cost_usd


# --------------------------------------------------------------------------- planning


def test_the_measurement_note_comes_first_before_the_inferred_shape() -> None:
    """A measured run on a workload without a shape: the plan's first note says the figures are measured
    (its source), the inferred shape (1e9 parameters: 20 layers of width 2048) comes after it."""
    plan = engine.plan_option(Option(BENCH), train_wl(shape=None), scenario())
    assert plan.notes[0] == "measured: test"
    assert plan.notes[1].startswith("shape inferred from parameters (a standard shape, no grouped-query attention): 20 layers")


def test_a_replica_that_holds_one_sequence_but_misses_the_latency_says_so() -> None:
    """Four toys of 52.0167 GB hold the 2e11 bytes of weights and leave 0.9 × (4 × 50.0167e9 − 2e11)
    = 6.012e7 bytes of cache, 1.5 sequences of 2·10·1000·2 bytes × 1000 tokens = 4e7 bytes: one sequence
    fits, so a 0.001 ms time per output token is a latency miss (the workload's target), not a memory one."""
    acc = accelerator(memory_gb=52.0167)
    wl = inference(time_per_output_token_ms=0.001)
    req = serving.Request(layers=10, d_model=1000, kv_dim=1000, attention_width=1000, prompt=500, output=500, weight_bytes_per_param=2.0)
    assert serving.max_batch_in_memory(req, {"parameters": 1e11, "memory_gb": 52.0167}, 4) == 1  # int(1.503)
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(acc, 4), wl, scenario())
    e = exc.value
    assert e.message == (
        "toy cannot serve toy-serve: no batch meets the latency targets on a replica of 4: "
        "a batch of one takes 60.99 ms per output token at best"
    )
    assert (e.where, e.key) == ("toy-serve", "time_per_output_token_ms")


def test_a_held_layout_larger_than_the_count_names_the_layout() -> None:
    """Pipeline degree 5 held by the workload needs 5 accelerators; the option has 4."""
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator()), train_wl(layout={"pipeline_parallel": 5}), scenario())
    e = exc.value
    assert e.message == "the layout (pipeline 5) needs 5 accelerators, more than 4 × toy"
    assert (e.where, e.key) == ("toy-train", "layout")


def test_plan_option_checks_the_market_unless_told_not_to() -> None:
    """A part the global market may not buy: planning it for that market refuses it (the cash flow, sizing
    and the API plan with the check), and names a market that may; ``market=False`` plans it all the same."""
    acc = accelerator(availability={"global": {"buy": False, "rent": False}})
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(acc), train_wl(), scenario())
    e = exc.value
    assert e.message == "toy cannot be bought in market 'global'; it can be bought in market 'cn': --set scenario.market=cn"
    assert (e.where, e.key) == ("toy", "availability.global")
    assert engine.plan_option(Option(acc), train_wl(), scenario(), market=False).min_count == 1


def test_a_measured_mfu_above_one_names_the_measurement_and_the_peak() -> None:
    """20,000 tokens/s per toy at 6.12e9 FLOPs per token is 1.224e14 FLOP/s: MFU 1.22 of the 100 TFLOPS peak,
    at the measurement's own count (one node of 4)."""
    acc = accelerator(benchmarks=[bench("toy-train", 20000)])
    assert 20000 * FLOPS_PER_TOKEN / 100e12 == approx(1.224)
    with pytest.raises(InfeasibleError) as exc:
        engine.evaluate_option(Option(acc), train_wl(), scenario())
    e = exc.value
    assert e.message == (
        "the measured 20,000 tokens/s per accelerator on toy-train implies MFU 1.22 (> 1) of the 100 TFLOPS peak "
        "(toy.peak.bf16_tflops): more than the part can compute; check the measurement and the peak"
    )
    assert (e.where, e.key) == ("toy", "benchmarks[toy-train].tokens_per_second")


def test_analyses_of_uncertain_inputs_hold_the_planned_shortlist() -> None:
    """A 7e9-parameter model on 64 toys of 8 per node (48 layouts, 6 shortlisted at the nominal inputs):
    evaluated at a 10,000 TFLOPS peak without replanning (as sensitivity and simulation do), the figures
    come from the shortlisted layouts at the planned count, not from a search of all 48."""
    acc = accelerator(mfu=None, interconnect={"kind": "nvlink", "devices_per_node": 8})
    wl = train_wl(parameters=7e9, shape={"layers": 32, "d_model": 4096}, accelerator_count=64, seq_len=4096, training_tokens=1e11)
    prep = prepare(toy(Option(acc), workload=wl))
    plan = prep.plans[0]
    (st,) = plan.stages
    assert st.subset is not None and len(st.subset) == 6 and len(st.job.candidates) == 48
    x = engine.stage_inputs(st, {**prep.bases[0], "accel.peak.bf16_tflops": 10000.0}, plan.active_key)
    held = training.evaluate(st.job, x, subset=st.subset).tokens_per_second
    every = training.evaluate(st.job, x).tokens_per_second
    assert every > 1.2 * held  # the shortlist chosen at 100 TFLOPS misses the best layout at 10,000
    target = resolve_target(prep, "toy.peak.bf16_tflops")
    batch = evaluate_many(prep, {"toy.peak.bf16_tflops": (target, np.array([10000.0]))}, 1)
    assert batch.per_option[0]["tokens_per_second_per_accelerator"][0] == approx(held)


# --------------------------------------------------------------------------- cash flow


@pytest.mark.parametrize(
    ("acc", "sc", "where", "key"),
    [
        (BENCH, {"porting": {"reference": {"weeks": 6000}}}, "scenario", "porting.reference.weeks"),
        (accelerator(benchmarks=[bench("toy-train", 1000)], software={"porting_weeks": 6000}), {}, "toy", "software.porting_weeks"),
    ],
)
def test_a_cash_flow_past_a_century_of_porting_names_the_porting_weeks(acc, sc, where, key) -> None:  # type: ignore[no-untyped-def]
    """6,000 weeks of porting (42,000 days, 114.99 years) are the longest part: the error names the weeks,
    the scenario's for the part's maturity or the profile's own, not the engineer-months."""
    with pytest.raises(InputError) as exc:
        cashflow([Option(acc)], train_wl(), scenario(**sc))
    e = exc.value
    assert e.message.endswith(f"the porting alone takes {42000 / DAYS:,.4g} years")
    assert (e.where, e.key) == (where, key)


def test_a_cash_flow_past_a_century_of_service_names_the_service_life() -> None:
    """A 150-year service: lead time and deployment (42 days) + 150 years; the service life is the longest."""
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], inference(service_life_years=150), scenario())
    e = exc.value
    assert e.message == f"toy: the cash flow would span {150 + 42 / DAYS:,.4g} years, more than 100; the service life alone takes 150 years"
    assert (e.where, e.key) == ("toy-serve", "service_life_years")


def test_a_leased_option_earns_the_revenue_too() -> None:
    """$1,000 a day from the market date (42 days + the 10-hour run) for a year: (1 − m) of 365,250 in
    year 0 and m of it in year 1, m = 42.4167 / 365.25; the lease ($48,000) is paid back in year 0."""
    own, leased = cashflow([Option(BENCH)], train_wl(), scenario(), revenue_per_day=1000, lease_usd_per_month=500, lease_months=24).options
    m = (42 + 10 / 24) / DAYS
    assert leased.option == "toy:lease"
    assert leased.market_years == approx(m)
    by_year = {y.year: y.revenue_usd for y in leased.years}
    assert by_year[0] == approx(365_250 * (1 - m))
    assert by_year[1] == approx(365_250 * m)
    assert sum(by_year.values()) == approx(365_250)
    assert leased.payback_year == 0
    assert sum(y.revenue_usd for y in own.years) == approx(365_250)


def test_a_run_shorter_than_a_float_step_puts_its_costs_at_its_start() -> None:
    """1e-9 tokens at 4,000 tokens/s: 6.94e-17 hours, 7.9e-21 years, less than a float step of the start
    (0.115 years): the run's spread has no width, so its energy goes whole into year 0:
    4 × 250 W × 1.5 × 1.5 × 6.944e-17 h / 1000 × $0.1 = $1.5625e-17."""
    (o,) = cashflow([Option(BENCH)], train_wl(training_tokens=1e-9), scenario()).options
    hours = 1e-9 / 4000 / 3600
    assert o.run_years == approx(hours / 24 / DAYS)
    assert o.delivery_years + o.run_years == o.delivery_years
    energy = 4 * 250 * 1.5 * 1.5 * hours / 1000 * 0.1
    assert energy == approx(1.5625e-17)
    assert [y.year for y in o.years] == [0]
    assert o.years[0].energy_usd == approx(energy)


def test_a_lease_term_that_is_not_positive_names_the_flag() -> None:
    with pytest.raises(InputError) as exc:
        cashflow([Option(BENCH)], train_wl(), scenario(), lease_usd_per_month=500, lease_months=-1)
    assert exc.value.message == "expected a positive lease term, got -1"
    assert exc.value.key == "--lease-months"


# --------------------------------------------------------------------------- break-even


def test_a_break_even_where_no_option_is_feasible_says_so() -> None:
    """Toys of 8 GB need 3 of them for the 1e9-parameter run: at 1 or 2 accelerators neither option runs."""
    small = {"memory_gb": 8, "mfu": None}
    assert engine.plan_option(Option(accelerator(**small), 64), train_wl(), scenario()).min_count == 3
    inputs = toy(Option(accelerator(**small)), Option(accelerator(id="toy2", **small)))
    r = breakeven(inputs, "toy", "toy2", param="workload.accelerator_count", value_range=(1, 2))
    assert r.message == "no tie for workload.accelerator_count in [1, 2]: no option is feasible there"
    assert (r.value, r.winner_below, r.winner_above) == (None, None, None)


def test_the_cost_at_a_break_even_is_planned_at_that_value() -> None:
    """Serving toys of 400 GB run replicas of 1; over 60–300 GB the replica steps to 2 accelerators near
    107 GB, where the toys cross a part at $10,050: the cost at the crossing is the toys' own at that
    memory, planned anew there (as ``compare`` with the value set gives), not at the 400 GB plan."""
    wl = inference()
    big = accelerator(id="big", price_usd=10050, memory_gb=200)
    inputs = toy(Option(accelerator(memory_gb=400)), Option(big), workload=wl, cost_of_delay_usd_per_day=0)
    r = breakeven(inputs, "toy", "big", param="toy.memory_gb", value_range=(60, 300))
    assert r.value is not None and 100 < r.value < 110
    expected = job_cost(Option(accelerator(memory_gb=r.value)), wl, cost_of_delay_usd_per_day=0)
    assert expected != approx(job_cost(Option(accelerator(memory_gb=400)), wl, cost_of_delay_usd_per_day=0))
    assert r.effective_cost_at_value_usd == approx(expected)


def test_a_break_even_range_that_is_not_numbers_shows_its_first_80_characters() -> None:
    bad = ("a" * 100, "1")
    with pytest.raises(InputError) as exc:
        breakeven(toy(Option(BENCH), Option(accelerator(id="toy2"))), "toy", "toy2", value_range=bad)  # type: ignore[arg-type]
    assert exc.value.message == "expected two numbers (low, high), got ('" + "a" * 78
    assert exc.value.key == "--range"


# --------------------------------------------------------------------------- what-if and common


def test_what_if_sets_an_input_of_an_accelerator_whose_id_has_a_dot() -> None:
    """``toy.v2.price_usd`` is the price of the part ``toy.v2`` (not a field ``v2.price_usd`` of ``toy``)."""
    acc = accelerator(id="toy.v2")
    res = what_if(toy(Option(acc)), {"toy.v2.price_usd": [20000.0]})
    assert res.options[0].job_cost_usd == [approx(job_cost(Option(accelerator(id="toy.v2", price_usd=20000)), train_wl()))]


def test_what_if_takes_whole_numbers_past_the_int64_range() -> None:
    """10^20 training tokens given as a Python int (the API passes ints as floats) are the number 1e20."""
    res = what_if(toy(Option(BENCH)), {"workload.training_tokens": [10**20]})
    assert res.options[0].job_cost_usd == [approx(job_cost(Option(BENCH), train_wl(training_tokens=1e20)))]


def test_two_inputs_planned_anew_past_the_limit_are_named_together() -> None:
    """The toys' memory moves their memory fit (3 needed at 10 GB, 1 at 100 GB), so both varied inputs
    that a plan may depend on are planned anew per distinct pair: 1,025 pairs are one more than 1,024
    (a PUE, which no plan depends on, is evaluated at each plan and not named; a TDP neither, since
    engine.PLAN_FREE lists it)."""
    memory = np.linspace(10, 100, 1025).tolist()
    many = {"toy.memory_gb": memory, "toy.memory_bandwidth_gbps": [900.0] * 1025, "scenario.pue": [1.5] * 1025}
    with pytest.raises(InputError) as exc:
        what_if(toy(Option(accelerator())), many)
    assert exc.value.message == (
        "toy.memory_gb, toy.memory_bandwidth_gbps changes toy's layout, batch or memory fit, so each value is planned anew: "
        "at most 1,024 distinct values, got 1,025"
    )
    assert exc.value.key == "toy.memory_gb"


def test_values_of_exactly_1e_300_are_allowed() -> None:
    check_numbers(np.array([1e-300, -1e-300, 0.0, 2.0]), "scenario.pue")
    with pytest.raises(InputError) as exc:
        check_numbers(np.array([1.0, 9e-301]), "scenario.pue")
    assert exc.value.message == "expected values of at least 1e-300 in size (or 0, where the input takes it), got 9e-301"
    assert exc.value.key == "scenario.pue"


def test_a_measurement_whose_nudges_pass_the_peak_is_still_an_input_read() -> None:
    """16,258 tokens/s per toy is MFU 16,258 × 6.12e9 / 1e14 = 0.99499; the probe's nudges (× 1.01, × 1.5)
    pass MFU 1, where the figures become unknown: unknown is a change, so the measurement is an uncertain
    input the analyses vary."""
    acc = accelerator(benchmarks=[bench("toy-train", 16258)])
    assert 16258 * FLOPS_PER_TOKEN / 1e14 == approx(0.99499, abs=1e-5)
    prep = prepare(toy(Option(acc)))
    assert "accel.benchmarks[toy-train].tokens_per_second" in common._read_keys(prep.plans[0], prep.bases[0])
    assert "toy.benchmarks[toy-train].tokens_per_second" in {u.path for u in uncertain_inputs(prep, ranged_only=False)}
