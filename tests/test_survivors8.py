"""Behaviour an eighth uniform sample of mutants showed untested (mutmut 3.8.1, 120 of the 3,423 mutants of
``tco/engine.py`` and 180 of the 4,512 of ``tco/analysis/``, seed 20261208, 2026-12-01): the serving plan's
notes on an in-node bandwidth and a matmul fraction that are given, the scaling efficiency of a service,
the flattened numbers of a scenario, the cash flow's zero lease term, its revenue key and its overflow
message, the what-if and simulation caps taken as inclusive, and the break-even's messages on who wins
where one option or neither can run, its feasibility edges (found by bisection, and in the last interval
of the scan) and a tie at the upper end of a two-point scan. Expected values come from the formulas, by
hand, or from a second route through the program.
"""

from __future__ import annotations

import pytest

from tco import engine
from tco.analysis import montecarlo, whatif
from tco.analysis.breakeven import breakeven, default_range
from tco.analysis.cashflow import cashflow
from tco.analysis.common import prepare, resolve_target, uncertain_inputs
from tco.analysis.montecarlo import simulate
from tco.analysis.sizing import size
from tco.analysis.whatif import what_if
from tco.engine import Option
from tco.errors import InfeasibleError, InputError, MissingInputError
from tco.inputs import Inputs
from tests.factories import SERVING_PEAK, accelerator, bench, inference, scenario
from tests.factories import training as train_wl

approx = pytest.approx
SMALL = {"memory_gb": 8, "mfu": None}  # the 1e9-parameter run needs 3 toys of 8 GB
MID = {"memory_gb": 12, "mfu": None, "price_usd": 30000}  # and 2 of 12 GB, at three times the price


def toy(*options: Option, workload: object = None, **sc: object) -> Inputs:
    return Inputs(list(options), workload or train_wl(), scenario(**sc))  # type: ignore[arg-type]


def two_sizes() -> Inputs:
    return toy(Option(accelerator(**SMALL)), Option(accelerator(id="toy2", **MID)))


# --------------------------------------------------------------------------- engine


def test_a_service_plan_notes_only_the_inputs_it_assumes() -> None:
    """The toy states no in-node bandwidth and no matmul fraction: the plan says it assumes 64 GB/s and 0.8
    of peak. With 900 GB/s and a fraction of 0.7 given, neither note appears."""
    notes = engine.plan_option(Option(accelerator()), inference(), scenario()).notes
    assert "in-node bandwidth unknown: 64 GB/s assumed (PCIe Gen4 x16)" in notes
    assert "achievable matmul fraction unknown: 0.8 of peak assumed" in notes
    acc = accelerator(interconnect={"bandwidth_gbps": 900}, matmul_efficiency=0.7)
    notes = engine.plan_option(Option(acc), inference(), scenario()).notes
    assert not any("in-node bandwidth" in n or "matmul fraction" in n for n in notes)
    assert notes[:2] == (
        "replica of 4 (TP 4), batch 256 (limited by max batch), compute-bound",
        "prompt and output lengths: 500 and 500 tokens",
    )


def test_a_service_has_no_scaling_loss() -> None:
    """Replicas serve independently: the scaling efficiency of a service is 1."""
    (row,) = engine.compare(options=[Option(accelerator())], workload=inference(), scenario=scenario()).results
    assert row.scaling_efficiency == 1.0


def test_a_changed_serving_part_carries_the_measurement_from_the_published_one() -> None:
    """2,000 tokens/s measured on the published toy (1,000 GB/s, and a 1,000-TFLOPS peak so that the rate
    is within it); changed to 2,000 GB/s, the model's ratio on the two parts (derived, without the
    measurement: 689.5 and 986.0 tokens/s) carries it."""
    measured = [bench("toy-serve", 2000)]
    published = accelerator(peak=SERVING_PEAK, benchmarks=measured)
    changed = accelerator(peak=SERVING_PEAK, benchmarks=measured, memory_bandwidth_gbps=2000)
    plan = engine.plan_option(Option(changed, as_measured=published), inference(), scenario())
    accel = tuple(a for a in plan.anchor if a[0].startswith("accel."))
    assert accel == (("accel.memory_bandwidth_gbps", 1000.0), ("accel.memory_gb", 100.0), ("accel.peak.bf16_tflops", 1000.0))
    # and the job as measured (its size, lengths and batch), not what it serves or for how long
    job = dict(a for a in plan.anchor if a[0].startswith("workload."))
    assert job["workload.parameters"] == 1e11 and job["workload.max_batch"] == 256 and "workload.tokens_per_day" not in job

    def tps(option: Option) -> float:
        (row,) = engine.compare(options=[option], workload=inference(), scenario=scenario()).results
        assert row.tokens_per_second_per_accelerator is not None
        return row.tokens_per_second_per_accelerator

    model_published = tps(Option(accelerator(peak=SERVING_PEAK)))
    model_changed = tps(Option(accelerator(peak=SERVING_PEAK, memory_bandwidth_gbps=2000)))
    assert plan.anchor_tokens_per_second == approx(model_published)
    assert model_changed > model_published
    assert tps(Option(changed, as_measured=published)) == approx(2000 * model_changed / model_published)


def test_a_changed_training_part_is_anchored_to_the_published_specifications() -> None:
    """Memory, bandwidth and the stage's peak of the part as measured (100 TFLOPS), not as changed (200)."""
    measured = [bench("toy-train", 1000)]
    changed = accelerator(benchmarks=measured, peak={"bf16_tflops": 200})
    plan = engine.plan_option(Option(changed, as_measured=accelerator(benchmarks=measured)), train_wl(), scenario())
    accel = tuple(a for a in plan.anchor if a[0].startswith("accel."))
    assert accel == (("accel.memory_bandwidth_gbps", 1000.0), ("accel.memory_gb", 100.0), ("accel.peak.bf16_tflops", 100.0))
    job = dict(a for a in plan.anchor if a[0].startswith("workload."))
    assert job["workload.parameters"] == 1e9 and job["workload.seq_len"] == 1000 and "workload.training_tokens" not in job


def test_a_measurement_below_one_token_a_second_is_carried_to_another_count() -> None:
    """At 0.001 TFLOPS the model gives 0.059 tokens/s per toy (less than 1, but a throughput all the same),
    the same on 4 and on 8 toys: the 0.05 tokens/s measured on one node of 4 carries to 8 unchanged."""
    slow = {"mfu": None, "peak": {"bf16_tflops": 0.001, "fp16_tflops": 0.001}}

    def tps(option: Option) -> float:
        (row,) = engine.compare(options=[option], workload=train_wl(), scenario=scenario()).results
        assert row.tokens_per_second_per_accelerator is not None
        return row.tokens_per_second_per_accelerator

    model_at_4, model_at_8 = tps(Option(accelerator(**slow), 4)), tps(Option(accelerator(**slow), 8))
    assert 0 < model_at_4 < 1
    measured = accelerator(benchmarks=[bench("toy-train", 0.05)], **slow)
    assert tps(Option(measured, 8)) == approx(0.05 * model_at_8 / model_at_4)
    assert tps(Option(measured, 8)) == approx(0.05)


def test_a_measurement_carried_past_the_peak_says_it_states_no_count() -> None:
    """A 7e9-parameter run (4.844e10 FLOPs a token at 4,096 tokens) measured at 1,800 tokens/s with no
    count: one node of 4, MFU 0.872. The model's MFU rises from 0.2636 on 4 toys of 40 GB to 0.3384 on 8,
    so carried to 8 it implies 0.872 × 1.284 = 1.12: more than the peak. The error says the measurement's
    count was taken as one node, unless the measurement states its 4."""
    wl = train_wl(parameters=7e9, shape={"layers": 32, "d_model": 4096}, accelerator_count=8, seq_len=4096, training_tokens=1e11)
    mfu: dict[int, float] = {}
    for n in (4, 8):
        (row,) = engine.compare(options=[Option(accelerator(mfu=None, memory_gb=40), n)], workload=wl, scenario=scenario()).results
        assert row.mfu is not None
        mfu[n] = row.mfu
    flops = 6 * 7e9 + 12 * 32 * 4096 * 4096
    carried = 1800 * flops / 100e12 * mfu[8] / mfu[4]
    assert carried == approx(1.12, abs=0.005)
    for extra, said in (({}, " (the measurement states no count: one node)"), ({"accelerator_count": 4}, "")):
        measured = accelerator(mfu=None, memory_gb=40, benchmarks=[bench("toy-train", 1800, **extra)])
        with pytest.raises(InfeasibleError) as exc:
            engine.evaluate_option(Option(measured, 8), wl, scenario())
        assert exc.value.message.startswith(
            f"the measured 1,800 tokens/s on 4 accelerators{said}, carried to 8 by the model's scaling, implies MFU {carried:.2f} (> 1)"
        )


def test_a_full_recompute_of_every_layer_is_not_called_partly_selective() -> None:
    """Full recompute held by the workload covers every layer (share 1): the layout note says "recompute
    full" and no share of layers."""
    wl = train_wl(layout={"pipeline_parallel": 2, "recompute": "full"})
    plan = engine.plan_option(Option(accelerator(mfu=None), 4), wl, scenario(), market=False)
    assert plan.layout is not None and plan.layout["full_recompute_share"] == 1.0
    assert "layout: TP 1 × PP 2 × DP 2, recompute full, ZeRO-1" in plan.notes
    assert not any("of layers, the rest selective" in n for n in plan.notes)


def test_a_stage_with_its_own_batch_reads_it() -> None:
    """A long-context stage of 4e6 tokens a step reads its own batch; a stage that gives none reads the
    workload's 1e6."""
    stages = [{"name": "long", "tokens": 1e7, "global_batch_tokens": 4e6}, {"name": "post", "tokens": 1e7}]
    wl = train_wl(global_batch_tokens=1e6, stages=stages)
    plan = engine.plan_option(Option(accelerator(mfu=None), 4), wl, scenario(), market=False)
    assert [st.batch_key for st in plan.stages] == [
        "workload.global_batch_tokens",
        "workload.stages[long].global_batch_tokens",
        "workload.global_batch_tokens",
    ]


def test_an_idle_accelerator_does_not_interrupt_the_job() -> None:
    """Pipeline degree 2 on 5 toys: data parallel 2, one toy idle. Failures of 0.1 per accelerator-day on
    the 4 that run: 0.4 a day, G = 1 − sqrt(2 × (1/1440) × 0.4) − (10/1440) × 0.4 = 0.97365 (not the
    0.97018 of 5)."""
    wl = train_wl(layout={"pipeline_parallel": 2})
    sc = scenario(failure_rate_per_accelerator_day=0.1)
    plan = engine.plan_option(Option(accelerator(mfu=None), 5), wl, sc)
    assert plan.layout is not None
    assert (plan.layout["data_parallel"], plan.layout["idle_accelerators"]) == (2, 1)
    (row,) = engine.compare(options=[Option(accelerator(mfu=None), 5)], workload=wl, scenario=sc).results
    rate = 0.1 * 4
    assert row.goodput == approx(1 - (2 * rate / 1440) ** 0.5 - 10 / 1440 * rate)
    assert row.goodput == approx(0.973652, abs=1e-6)


def test_a_service_on_a_part_of_unknown_memory_names_the_memory() -> None:
    """No replica can be planned without the memory: the error names toy.memory_gb."""
    with pytest.raises(MissingInputError) as exc:
        engine.compare(options=[Option(accelerator(memory_gb={"value": None}))], workload=inference(), scenario=scenario())
    e = exc.value
    assert e.message == "needs memory_gb, which is unknown; give it with --set toy.memory_gb=VALUE, or a profile file with memory_gb"
    assert (e.where, e.key) == ("toy", "memory_gb")


def test_an_unknown_input_a_bill_of_materials_makes_unused_is_not_missing() -> None:
    """A part priced by its server bill of materials ($5,000 per accelerator) reads the server overhead
    factor but does not use it: the factor left unknown is not reported missing, and the cost is that of
    the part with any factor (3 here)."""
    unknown = accelerator(server_usd_per_accelerator=5000, server_overhead_factor={"value": None})
    ev = engine.evaluate_option(Option(unknown), train_wl(), scenario())
    assert ev.missing == ()
    given = engine.evaluate_option(Option(accelerator(server_usd_per_accelerator=5000, server_overhead_factor=3.0)), train_wl(), scenario())
    assert ev.out["job_cost_usd"] == given.out["job_cost_usd"]
    lacking = engine.evaluate_option(Option(accelerator(server_overhead_factor={"value": None})), train_wl(), scenario())
    assert lacking.missing == ("accel.server_overhead_factor",)


def test_flat_numbers_lists_the_scenario_under_its_prefix() -> None:
    flat = engine.flat_numbers(scenario(pue=1.25), "scenario")
    assert flat["scenario.pue"] == 1.25
    assert flat["scenario.electricity_usd_per_kwh"] == 0.1
    assert flat["scenario.porting.medium.weeks"] == 2.0
    assert all(k.startswith("scenario.") for k in flat)


# --------------------------------------------------------------------------- cash flow


def test_a_lease_term_of_zero_months_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], train_wl(), scenario(), lease_usd_per_month=500, lease_months=0)
    assert exc.value.message == "expected a positive lease term, got 0"
    assert exc.value.key == "--lease-months"


def test_a_negative_revenue_names_the_flag() -> None:
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], train_wl(), scenario(), revenue_per_day=-1)
    assert exc.value.message == "expected a revenue of at least 0, got -1"
    assert exc.value.key == "--revenue-usd-per-day"


@pytest.mark.parametrize(
    ("extra", "flag"),
    [({"revenue_per_day": 1e306}, "--revenue-usd-per-day"), ({"lease_usd_per_month": 1e306}, "--lease-usd-per-month")],
)
def test_a_cash_flow_past_the_float_range_names_the_flag_to_lower(extra, flag) -> None:  # type: ignore[no-untyped-def]
    """1e306 USD a day for three years (about 1.1e309) or a 1e306 monthly lease on 4 toys for 48 months
    (1.9e308 a year, more with the lease years' sum) pass the largest float: the error says what to lower."""
    with pytest.raises(InputError) as exc:
        cashflow([Option(accelerator())], inference(), scenario(), **extra)
    assert exc.value.message == f"toy: the cash flow overflows a float (a line above 1e308 USD); lower {flag}"
    assert exc.value.key == flag


def test_what_if_on_a_measured_service_carries_the_measurement_to_the_changed_part() -> None:
    """Toys of 50 GB at 500 GB/s serve in replicas of 8: the what-if plans them anew and carries the 2,000 tokens/s
    measured on the published toy (100 GB, 1,000 GB/s) by the model's ratio, as ``compare`` does for the changed part,
    both at the replica of 8 the changed toys run at: 2,000 × 235.68 / 418.81 = 1,125.5 tokens/s; 1e6 tokens/s at
    50 % use on ⌈2e6 / 1,125.5 / 8⌉ · 8 = 1,784 of them, not the 1,000 the bare measurement needs (the toys have a
    1,000-TFLOPS peak so that 2,000 tokens/s is within it). (Before session 64 the published toy was taken at the
    replica of 4 it would choose for itself, while ``toy@8`` took it at 8: one deployment, two figures.)"""
    measured = [bench("toy-serve", 2000)]
    published = accelerator(peak=SERVING_PEAK, benchmarks=measured)
    wl = inference(tokens_per_day=8.64e10)
    res = what_if(Inputs([Option(published)], wl, scenario()), {"toy.memory_gb": [50.0], "toy.memory_bandwidth_gbps": [500.0]})
    slower = accelerator(peak=SERVING_PEAK, benchmarks=measured, memory_gb=50, memory_bandwidth_gbps=500)
    changed = Option(slower, as_measured=published)
    (row,) = engine.compare(options=[changed], workload=wl, scenario=scenario()).results
    (model_changed,) = engine.compare(
        options=[Option(accelerator(peak=SERVING_PEAK, memory_gb=50, memory_bandwidth_gbps=500), 8)], workload=wl, scenario=scenario()
    ).results
    (model_published,) = engine.compare(options=[Option(accelerator(peak=SERVING_PEAK), 8)], workload=wl, scenario=scenario()).results
    ratio = model_changed.tokens_per_second_per_accelerator / model_published.tokens_per_second_per_accelerator
    assert row.replica_accelerators == 8 and row.tokens_per_second_per_accelerator == approx(2000 * ratio, rel=1e-9)
    assert row.count == 1784 and row.tokens_per_second_per_accelerator == approx(1125.469, rel=1e-5)
    (bare,) = engine.compare(options=[Option(slower)], workload=wl, scenario=scenario()).results
    assert bare.count == 1000
    assert res.options[0].job_cost_usd == [approx(row.job_cost_usd)]
    assert row.job_cost_usd != approx(bare.job_cost_usd)


def test_a_pue_keeps_its_floor_of_one_in_the_analyses() -> None:
    """A PUE is at least 1: its default ±20 % swing (1.2–1.8) carries the floor the simulation clips its
    draws at; the electricity price has none."""
    items = {u.path: u for u in uncertain_inputs(prepare(toy(Option(accelerator()), workload=inference())), ranged_only=False)}
    pue = items["scenario.pue"]
    assert (pue.central, pue.floor) == (1.5, 1.0)
    assert pue.low == approx(1.2)
    assert pue.high == approx(1.8)
    assert items["scenario.electricity_usd_per_kwh"].floor is None


def test_a_deadline_inside_the_fixed_delays_names_them_at_the_largest_count() -> None:
    """Lead time (4 weeks) and deployment (2 weeks) take 42 days before a run starts. A run of 26,000 days
    at 131,072 toys (8,170 tokens/s each at MFU 0.5 of 100 TFLOPS, 6.12e9 FLOPs a token) still leaves
    42.0 days fixed: the run is taken off at the same count (at 131,071 toys it is 0.2 days longer)."""
    tps = 0.5 * 100e12 / 6.12e9
    tokens = 26000 * 86400 * 131072 * tps
    with pytest.raises(InfeasibleError) as exc:
        size(toy(Option(accelerator()), workload=train_wl(training_tokens=tokens)), deadline_days=42.0)
    assert exc.value.message == "toy: no count meets 42 days: lead time, deployment and porting alone take 42.0 days"
    assert exc.value.key == "--deadline-days"


# --------------------------------------------------------------------------- caps


def test_what_if_allows_exactly_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap is on values × options held: with a cap of 2, two values for one option run, three do not."""
    monkeypatch.setattr(whatif, "MAX_WHAT_IF_VALUES", 2)
    res = what_if(toy(Option(accelerator())), {"scenario.pue": [1.0, 2.0]})
    assert len(res.options[0].job_cost_usd) == 2
    with pytest.raises(InputError) as exc:
        what_if(toy(Option(accelerator())), {"scenario.pue": [1.0, 2.0, 3.0]})
    assert exc.value.message == "3 what-ifs × 1 options is more than 2 results held in memory: use tco.sweep, which streams"
    assert exc.value.key == "changes"


def test_a_simulation_allows_exactly_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cap of 200 samples × options, 100 samples of two options run, 101 do not."""
    monkeypatch.setattr(montecarlo, "MAX_SAMPLE_VALUES", 200)
    inputs = toy(Option(accelerator()), Option(accelerator(id="toy2")))
    res = simulate(inputs, samples=100, seed=1)
    assert res.samples == 100
    with pytest.raises(InputError) as exc:
        simulate(inputs, samples=101, seed=1)
    assert exc.value.message == "at most 200 samples × options (~100 MB per million per option): 2 options allow 100 samples, got 101"
    assert exc.value.key == "--samples"


# --------------------------------------------------------------------------- break-even


def test_a_break_even_says_where_neither_option_can_run() -> None:
    """At 1 accelerator neither toy fits the run (3 of 8 GB, 2 of 12 GB are needed); at 4 both run and the
    cheaper 8 GB toy wins, with no remark on the other (it runs there too)."""
    r = breakeven(two_sizes(), "toy", "toy2", param="workload.accelerator_count", value_range=(1, 4))
    assert r.message == (
        "no tie for workload.accelerator_count in [1, 4]: at 1 neither can run there, at 4 toy wins; "
        "toy is feasible from workload.accelerator_count = 3; toy2 is feasible from workload.accelerator_count = 2"
    )
    assert (r.value, r.winner_below, r.winner_above) == (None, None, "toy")


def test_a_break_even_says_which_option_cannot_run_at_an_end() -> None:
    """At 2 accelerators only the 12 GB toy runs: it wins because the other is infeasible there."""
    r = breakeven(two_sizes(), "toy", "toy2", param="workload.accelerator_count", value_range=(2, 4))
    assert r.message == (
        "no tie for workload.accelerator_count in [2, 4]: at 2 toy2 wins (toy is infeasible there), at 4 toy wins; "
        "toy is feasible from workload.accelerator_count = 3"
    )
    assert (r.winner_below, r.winner_above) == ("toy2", "toy")


@pytest.mark.parametrize(("value_range", "grid"), [((1, 40), 3), ((1, 3), 2049)])
def test_a_break_even_finds_the_feasibility_edges(value_range, grid) -> None:  # type: ignore[no-untyped-def]
    """A coarse scan (1, 20, 40) brackets both edges in its first interval: bisection on feasibility finds
    3 and 2. On 1, 2, 3 the 8 GB toy's edge is in the last interval."""
    r = breakeven(two_sizes(), "toy", "toy2", param="workload.accelerator_count", value_range=value_range, grid=grid)
    hi = value_range[1]
    assert r.message == (
        f"no tie for workload.accelerator_count in [1, {hi}]: at 1 neither can run there, at {hi} toy wins; "
        "toy is feasible from workload.accelerator_count = 3; toy2 is feasible from workload.accelerator_count = 2"
    )


def test_a_break_even_over_a_whole_number_input_defaults_to_a_tenth_to_ten_times() -> None:
    """The workload's 4 accelerators (a plain integer field, no low or high): 1 (4 / 10, at least 1) to 40."""
    r = breakeven(two_sizes(), "toy", "toy2", param="workload.accelerator_count")
    assert (r.range_low, r.range_high) == (1.0, 40.0)
    assert r.message.startswith("no tie for workload.accelerator_count in [1, 40]: at 1 neither can run there, at 40 toy wins")


def test_the_default_range_of_a_plain_whole_number_is_a_tenth_to_ten_times() -> None:
    """The sequence length (1,000 tokens, a plain integer field with no low or high): 100 to 10,000."""
    target = resolve_target(prepare(toy(Option(accelerator()))), "workload.seq_len")
    assert target.quantity is None and target.is_integer
    assert default_range(target) == (100.0, 10000.0)


def test_a_tie_at_the_upper_end_of_a_two_point_scan_is_found() -> None:
    """Two toys that differ only in toy2's price: at its upper end of $10,000 the prices, and so the costs,
    are the same; below it toy2 is cheaper."""
    inputs = toy(Option(accelerator()), Option(accelerator(id="toy2")))
    r = breakeven(inputs, "toy", "toy2", param="toy2.price_usd", value_range=(5000, 10000), grid=2)
    assert r.value == 10000.0
    assert r.message == "toy and toy2 tie at toy2.price_usd = 10,000; below it toy2 wins, above it they cost the same"
    assert (r.winner_below, r.winner_above) == ("toy2", None)
