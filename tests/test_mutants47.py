"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
10,641 mutants, seed 47; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import sys
import warnings

import pytest

import tco
from tco import analysis, engine, perf, serving
from tco.analysis.breakeven import breakeven
from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Accelerator, Acquisition
from tests.factories import accelerator, bench, inference, scenario, training

approx = pytest.approx


def test_the_inputs_an_evaluation_reads_by_subscript_are_recorded() -> None:
    """Kills tco.engine.xǁReadInputsǁ__getitem____mutmut_1 (``self.read.add(key)`` -> ``self.read.add(None)``: an
    input read as ``p[key]`` was not recorded, and ``None`` was).

    An owned toy's training job costs its capex (``accel.price_usd`` × the server overhead), its energy
    (``accel.tdp_w`` × ``scenario.pue`` × ``scenario.electricity_usd_per_kwh`` over the hours the
    ``workload.training_tokens`` take at ``accel.mfu``) and the rest: the evaluation reads each of them by
    subscript. A rented option's set-up weeks are no input of a bought one, and every input read is a flat key."""
    read = engine.inputs_read(Option(accelerator()), training(), scenario())
    assert read is not None
    assert {
        "count",
        "accel.price_usd",
        "accel.mfu",
        "accel.peak.bf16_tflops",
        "scenario.pue",
        "scenario.electricity_usd_per_kwh",
        "scenario.utilization",
        "workload.parameters",
        "workload.training_tokens",
    } <= read
    assert "scenario.rental_setup_weeks" not in read
    assert all(isinstance(k, str) for k in read)


def test_a_measured_rate_implying_an_mfu_past_a_million_is_shown_in_three_digits() -> None:
    """Kills tco.engine.x__mfu_text__mutmut_7 (``math.isfinite(mfu)`` -> ``math.isfinite(None)``: an MFU of a
    million or more raised TypeError instead of being shown).

    A toy training token costs 6 N + 12 L d s = 6e9 + 12 × 10 × 1,000 × 1,000 = 6.12e9 FLOPs: a measured 1e11
    tokens/s per accelerator is 6.12e20 FLOP/s against the 100 TFLOPS (1e14) peak, MFU 6.12e6, past a million,
    so the message writes it ``6.12e+06``."""
    acc = accelerator(benchmarks=[bench("toy-train", 1e11)])
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(acc), training(), scenario(), market=False)
    assert "implies MFU 6.12e+06 (> 1) of the 100 TFLOPS peak" in exc.value.message
    assert exc.value.key == "benchmarks[toy-train].tokens_per_second"


def test_an_unknown_input_that_changes_no_figure_is_not_missing_beside_a_figure_that_is_none() -> None:
    """Kills tco.engine.x__same__mutmut_8 (``bool(a == b)`` -> ``bool(a != b)``: two equal figures that are not
    floats, such as a training job's ``annual_cost_usd`` of None, were taken as changed, so every unknown input
    probed was kept as needed). Kills tco.engine.x_needed__mutmut_24 too (each figure compared with None, not
    with its value before the probe: every unknown input was kept).

    A part priced by its server bill of materials ($5,000 per accelerator) has capex 4 × ($10,000 + $5,000)
    whatever its server overhead factor: that factor, left unknown, changes no figure and is not missing."""
    unknown = accelerator(server_usd_per_accelerator=5000, server_overhead_factor={"value": None})
    ev = engine.evaluate_option(Option(unknown), training(), scenario())
    assert ev.out["annual_cost_usd"] is None
    assert ev.missing == ()
    assert ev.out["capex_usd"] == approx(4 * (10_000 + 5_000))


def test_years_with_only_zero_flows_are_not_listed() -> None:
    """Kills tco.analysis.cashflow.x__at__mutmut_11 (``line != revenue or y in by_year`` -> ``and``: a zero
    amount of a line other than revenue opened a year of its own).

    A toy measured at 1,000 tokens/s per accelerator serves 8.64e8 tokens a day (10,000 tokens/s) on 10, 20 at
    utilization 0.5: capex 20 × $10,000 × the part's server overhead 2 = $400,000 at delivery (4 weeks: year 0).
    With electricity, facility and operations at 0 (and no carbon price, rent or lease) the three years of
    service spread only zeros, and the residual value falls at the run's end, 4 + 2 weeks + 3 years (year 3):
    years 1 and 2 hold nothing and are not listed."""
    acc = accelerator(benchmarks=[bench("toy-serve", 1000)], peak={"bf16_tflops": 1000, "fp16_tflops": 1000})
    sc = scenario(electricity_usd_per_kwh=0, facility_usd_per_kw_month=0, operations_usd_per_accelerator_year=0)
    (o,) = cashflow([Option(acc)], inference(parameters=1e9), sc).options
    assert [y.year for y in o.years] == [0, 3]
    assert o.years[0].capex_usd == approx(400_000)
    assert o.years[1].residual_usd > 0 and o.years[1].energy_usd == 0


def test_a_default_global_batch_that_bounds_data_parallelism_is_named() -> None:
    """Kills tco.engine.x__idle_reason__mutmut_2 (the default batch's text -> ``None``: the note read
    "... 4 sequences: None)").

    8.75e8 parameters are an eighth of 7e9: the default global batch is 2e6 × (1/8)^(1/3) = 1e6 tokens, 4
    sequences of 250,000 tokens. On 5 toys data parallelism stops at those 4 sequences and 1 toy is idle; the
    workload gives no global_batch_tokens, so the note names the default and the key that sets it."""
    wl = training(parameters=8.75e8, seq_len=250_000, training_tokens=1e10)
    plan = engine.plan_option(Option(accelerator(mfu=None), count=5), wl, scenario(), market=False)
    layout = next(n for n in plan.notes if n.startswith("layout: "))
    assert layout.endswith(
        ", 1 idle (data parallelism is bounded by the global batch's 4 sequences: the default global batch, "
        "2M × (N/7B)^(1/3) tokens; workload.global_batch_tokens sets it)"
    )


def test_a_sequence_cache_too_large_blames_the_longer_length_first() -> None:
    """Kills tco.engine.x__serving_causes__mutmut_4 (``"workload.output_tokens"`` -> ``"XXworkload.output_tokensXX"``
    among the causes of a cache that does not fit). Kills tco.engine.x_plan_serving__mutmut_231 too (``weights_fit``
    -> ``None``: a sequence too long was reported as "the weights and one sequence do not fit").

    The toy's cache holds K and V of 1,000 per layer over 10 layers in 2 bytes: 40,000 bytes a token, so one
    sequence of 10 + 1e10 tokens needs 4e14 bytes, more than 64 toys' 6.4e12; the 1e9 parameters' 2 GB of
    weights fit. The output (1e10) is the longer length: it is blamed first, then the prompt, then seq_len."""
    wl = inference(parameters=1e9, seq_len=10_000_000_010, prompt_tokens=10, output_tokens=1e10)
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert (
        "one 10,000,000,010-token sequence's KV cache does not fit beside the weights on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers)" in exc.value.message
    )
    assert (exc.value.where, exc.value.key) == ("toy", "memory_gb")
    assert exc.value.also[:3] == ("workload.output_tokens", "workload.prompt_tokens", "workload.seq_len")
    assert "workload.output_tokens" in exc.value.also and not any("XX" in k for k in exc.value.also)


def test_equal_prompt_and_output_lengths_blame_the_prompt_first() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_275 (``prompt >= output`` -> ``prompt > output``: equal lengths
    blamed the output first).

    Without prompt or output lengths, a sequence of 2e10 tokens is half of each, 1e10 and 1e10: its cache,
    40,000 bytes a token × 2e10 = 8e14 bytes, exceeds 64 toys' 6.4e12 while the 2 GB of weights fit. Equal
    lengths put the prompt first."""
    wl = inference(parameters=1e9, seq_len=20_000_000_000)
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert "KV cache does not fit beside the weights" in exc.value.message
    assert exc.value.also[:3] == ("workload.prompt_tokens", "workload.output_tokens", "workload.seq_len")


def test_the_cache_read_rate_of_given_constants_plans_the_replica() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_167 (``serving_inputs(..., kv_ratio)`` -> the default ratio: the
    plan was searched at the fitted 0.85 whatever the given constants said, and only evaluated at theirs).

    With the cache read at r_kv = 1e-9 of the weights' rate, one 500 + 500-token sequence's decode step reads
    40,000 bytes × (500 + 500/2) = 3e7 bytes of cache at no more than 64 × 1,000 GB/s × 0.85 × 1e-9 = 5.44e4
    bytes/s: 551 s, far past the 1,000 ms target, on any replica. At the fitted 0.85 the 1e9-parameter model
    meets it on one toy."""
    wl = inference(parameters=1e9, time_per_output_token_ms=1000)
    plan = engine.plan_option(Option(accelerator()), wl, scenario(), market=False)
    assert plan.notes[0].startswith("replica of 1 (TP 1)")
    slow_cache = (*serving.CONSTANTS[:6], 1e-9, serving.CONSTANTS[7])
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(accelerator()), wl, scenario(), market=False, serving_constants=slow_cache)
    assert (
        exc.value.message == "toy cannot serve toy-serve: no batch meets the latency targets on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers): "
        "a batch of one takes 1.103e+06 ms per output token at best, on a replica of 32"
    )
    assert exc.value.key == "time_per_output_token_ms"


def test_a_fixed_replica_too_small_for_the_weights_blames_its_memory_first() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_396 (``("memory_gb", *size)`` -> ``("MEMORY_GB", *size)``: a replica
    the option fixes named a key no part has among the causes).

    The 1e11 parameters' 16-bit weights are 2e11 bytes = 200 GB, twice one toy's 100 GB: ``toy@1`` cannot hold
    them. The fixed replica is the option's to change, so the option is blamed (no key), and the part's memory
    comes first among the other causes, before the model's sizes."""
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator(), count=1)], workload=inference(), scenario=scenario())
    assert exc.value.message == (
        "toy cannot serve toy-serve: the weights and one sequence do not fit on a replica of 1 "
        "(the smallest replica that holds them is 4: toy@4)"
    )
    assert (exc.value.where, exc.value.key) == ("toy@1", None)
    assert exc.value.also[:3] == ("memory_gb", "workload.parameters", "workload.seq_len")


def test_a_break_even_range_that_is_not_numbers_is_refused_with_what_was_given() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_61 (the refusal ``InputError(f"expected two numbers ...",
    key=...)`` -> ``InputError(key=...)``: a TypeError, no message, instead of the refusal).

    ``float("x")`` raises ValueError: the range ('x', 1) is refused under --range, showing the pair as given."""
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        breakeven(inputs, "a", "b", value_range=("x", 1))  # type: ignore[arg-type]
    assert exc.value.message == "expected two numbers (low, high), got ('x', 1)"
    assert exc.value.key == "--range"


def test_the_smallest_normal_float_is_shown_exactly_when_refused() -> None:
    """Written for tco.analysis.common.x__rebuilt__mutmut_118 (``0 < abs(value) < sys.float_info.min`` -> ``<=``),
    whose line the same session replaced by ``tco.errors.show_number``: the refusal of a --set or --range value
    showed the smallest normal float in six digits (2.22507e-308) and the check it failed showed it exactly
    (got 2.2250738585072014e-308). Six digits are not that number, so both show it exactly now; a subnormal
    (1e-320) is shown as written.

    Both are refused as a PUE: a value must be at least 1 (it said '0 or at least 1e-300 in size', though a PUE takes
    no 0 either, until hostile round 75)."""
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        breakeven(inputs, "a", "b", param="scenario.pue", value_range=(sys.float_info.min, 2))
    assert exc.value.message == ("2.2250738585072014e-308 is not allowed: expected at least 1, got 2.2250738585072014e-308")
    assert (exc.value.where, exc.value.key) == ("--range", "scenario.pue")
    with pytest.raises(tco.InputError) as exc:
        breakeven(inputs, "a", "b", param="scenario.pue", value_range=(1e-320, 2))
    assert exc.value.message.startswith("1e-320 is not allowed: ")


def test_a_range_end_named_as_the_input_to_break_even_on_names_the_flag() -> None:
    """Kills tco.analysis.common.x_resolve_target__mutmut_37 (the refusal of a range end loses ``where=where``: the
    error named no flag).

    ``scenario.pue.low`` is the low end of the PUE's range, which only sensitivity and simulate read: a break-even
    over it is refused, under the flag that gave the path, --param."""
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        breakeven(inputs, "a", "b", param="scenario.pue.low")
    assert exc.value.message.startswith("an end of scenario.pue's range, which only sensitivity and simulate read")
    assert (exc.value.where, exc.value.key) == ("--param", "scenario.pue.low")


def test_varying_an_input_of_a_rented_option_left_out_names_it() -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_248 (a left-out label's ``split(":")`` -> ``split("XX:XX")``:
    ``gone:rent`` no longer matched the id ``gone``, and the path was refused as naming an unknown part).

    A rented option's label is ``ID:rent``; its part, ``gone``, is the scope of ``gone.price_usd``. The analysis
    left it out, so the error says why, and that a starting value at which it runs is needed."""
    gone = Option(accelerator(id="gone", rental={"usd_per_hour": 2.0}), None, Acquisition.rent)
    assert gone.label == "gone:rent"
    inputs = Inputs(
        [Option(accelerator(id="a")), Option(accelerator(id="b"))],
        training(),
        scenario(),
        left_out={"gone:rent": "it cannot run here"},
        left_out_options=[gone],
    )
    with pytest.raises(tco.InputError) as exc:
        analysis.what_if(inputs, {"gone.price_usd": [1]})
    assert exc.value.message.startswith("gone:rent was left out at the values the analysis starts from (it cannot run here): ")
    assert exc.value.key == "gone.price_usd"


def test_an_infinite_delay_at_no_cost_of_delay_raises_no_warning() -> None:
    """Kills tco.analysis.common.x_evaluate_many__mutmut_139 (``np.errstate(invalid="ignore")`` -> ``invalid=None``:
    the NaN penalty of an infinite delay warned, RuntimeWarning: invalid value encountered in multiply).

    At 1e308 tokens, 4 slow toys measured at 0.1 tokens/s each need 1e308 / 0.4 = 2.5e308 s, past the largest
    float: an infinite time to market, so an infinite delay, whose penalty at a cost of delay of 0 is 0 × inf =
    NaN, by design (the slow option is not ranked). 4 toys at 1,000 tokens/s take 1e308 / 4,000 / 86,400 =
    2.8935e299 days (the 6 weeks of lead time and deployment vanish beside it) and rank first."""
    slow = accelerator(id="slow", benchmarks=[bench("toy-train", 0.1)])
    fast = accelerator(id="fast", benchmarks=[bench("toy-train", 1000)])
    inputs = Inputs([Option(slow), Option(fast)], training(), scenario(cost_of_delay_usd_per_day=0), [])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = analysis.what_if(inputs, {"workload.training_tokens": [1e308]})
    slow_row, fast_row = res.options
    assert (slow_row.option, slow_row.rank, slow_row.time_to_market_days) == ("slow", [None], [None])
    assert fast_row.rank == [1]
    assert fast_row.time_to_market_days[0] == approx(1e308 / 4000 / 86400)


def test_a_measurement_that_states_its_count_is_blamed_by_that_count_when_carried_past_the_peak() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_206 (``bench.accelerator_count is not None`` -> ``is None``: a
    measurement that states its count was said to state none, "one node", and the node size was blamed).

    7e10 parameters on 80 layers of 8,192: the layout model's MFU on 32 toys is 2.4 % above its MFU on 16 (the
    ratio is taken from the model here). A run measured at MFU 0.99 on 16, as its row states, carried to 32 by
    that ratio implies 0.99 × 1.024 = 1.01 > 1: refused, naming the row's count, the input to check."""
    derived = accelerator(mfu=None)
    wl = training(parameters=7e10, shape={"layers": 80, "d_model": 8192})
    m16 = engine.evaluate_option(Option(derived, 16), wl, scenario(), market=False)
    m32 = engine.evaluate_option(Option(derived, 32), wl, scenario(), market=False)
    assert 1.0 / 0.99 < m32.out["mfu"] / m16.out["mfu"] < 2.0
    tps = m16.out["tokens_per_second_per_accelerator"] * 0.99 / m16.out["mfu"]
    measured = accelerator(mfu=None, benchmarks=[bench("toy-train", tps, accelerator_count=16)])
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(measured, 32), wl, scenario(), market=False)
    assert exc.value.message.startswith(f"the measured {tps:,.6g} tokens/s on 16 accelerators, carried to 32 by the model's scaling")
    assert "states no count" not in exc.value.message
    assert exc.value.key == "benchmarks[toy-train].accelerator_count"


def test_a_two_stage_job_s_throughput_is_its_tokens_over_its_accelerator_seconds() -> None:
    """Kills tco.engine.x__training_throughput__mutmut_170 (``tokens / (n * seconds)`` -> ``tokens / (n / seconds)``
    for a job of more than one stage).

    At the toy's measured MFU 0.5 of 100 TFLOPS, a token costs 6 N + 12 L d s FLOPs: 6e9 + 1.2e8 = 6.12e9 at the
    main stage's 1,000-token sequences, 6e9 + 2.4e8 = 6.24e9 at the second stage's 2,000. Each stage trains
    1.44e8 tokens on 4 toys, so the job's tokens per accelerator-second are the harmonic mean of the two rates,
    2.88e8 / (1.44e8 × (6.12e9 + 6.24e9) / 5e13) = 1e14 / 1.236e10 = 8,090.6, and the job takes
    1.44e8 × 1.236e10 / 5e13 / 4 / 3600 = 2.472 hours."""
    wl = training(stages=[{"name": "long", "tokens": 1.44e8, "seq_len": 2000}])
    ev = engine.evaluate_option(Option(accelerator()), wl, scenario(), market=False)
    assert ev.out["tokens_per_second_per_accelerator"] == approx(1e14 / 1.236e10)
    assert ev.out["time_to_converge_hours"] == approx(1.44e8 * 1.236e10 / 5e13 / 4 / 3600)


def test_a_stage_whose_sequence_does_not_fit_is_named() -> None:
    """Kills tco.engine.x_plan_training__mutmut_327 (``"" if name == "main"`` -> ``"" if (name == "main") or True``:
    a later stage's sequence too long for memory was reported as if it were the main stage's).

    The main stage's 1,000-token sequences fit; stage ``long`` has sequences of 1e9 tokens. With full
    recomputation each layer keeps only its input, 1e9 × 1,000 × 2 bytes × 10 layers = 2e13 bytes, spread over a
    node of 4 toys: 5e12 bytes = 5,000 GB per device, against 0.9 × 100 = 90 GB usable."""
    wl = training(stages=[{"name": "long", "tokens": 1e8, "seq_len": 1_000_000_000}])
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=wl, scenario=scenario())
    assert exc.value.message == (
        "activations of one 1,000,000,000-token sequence of stage long (5,000.0 GB per device even with full recomputation "
        "over a node) exceed toy's usable memory (90.0 GB)"
    )
    assert exc.value.also[0] == "workload.stages"


def test_a_two_stage_job_s_goodput_weighs_both_stages() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_65 (``len(per_stage) > 1`` -> ``> 2``: a job of two stages took the
    last stage's goodput as its own).

    The layout is held to one toy per replica (TP 1, PP 1, CP 1). On 5 toys at 0.01 failures per accelerator-day,
    the main stage (1,000-token sequences, the default batch of about 1,046 of them) runs 5 replicas on all 5;
    stage ``long`` has a batch of 2,000 tokens, 2 sequences, so it runs 2 replicas and 3 toys are idle. Fewer
    accelerators fail less often: the stage on 2 loses less than the stage on 5. The job's goodput is its compute
    time over its run time, a mean of the two weighted by time, strictly between them, not the second stage's alone."""
    one_each = {"tensor_parallel": 1, "pipeline_parallel": 1, "context_parallel": 1}
    wl = training(stages=[{"name": "long", "tokens": 1.44e8, "global_batch_tokens": 2000}], layout=one_each)
    sc = scenario(failure_rate_per_accelerator_day=0.01)
    ev = engine.evaluate_option(Option(accelerator(mfu=None), 5), wl, sc, market=False)
    on_5, on_2 = (perf.goodput_value(failure_rate=0.01, save_minutes=1, restart_minutes=10, count=n) for n in (5, 2))
    assert on_5 < ev.out["goodput"] < on_2
    assert ev.out["goodput"] != approx(on_2, rel=1e-6)


def test_a_priced_carbon_without_a_grid_intensity_names_the_intensity() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_462 (``priced = ...`` -> ``priced = None``: a priced carbon read the
    grid intensity with ``get``, so its absence was not recorded and the cost was unknown with no input named).

    At $100 a tonne the carbon cost is the energy's kWh × the grid's kgCO2e/kWh / 1,000 × 100: the toy scenario gives
    no intensity for its market (global), so the job's cost is unknown and that intensity is the input it lacks."""
    ev = engine.evaluate_option(Option(accelerator()), training(), scenario(carbon_usd_per_tonne=100), market=False)
    assert ev.missing == ("scenario.grid_kgco2e_per_kwh_by_market.global",)
    assert ev.out["job_cost_usd"] != ev.out["job_cost_usd"]  # NaN: unknown


def test_a_held_layout_larger_than_the_count_blames_the_layout() -> None:
    """Kills tco.engine.x__plan_option__mutmut_362 (``key="layout"`` dropped: the refusal named the workload but no
    key in it).

    A layout held to 8 pipeline stages (of the toy job's 10 layers) needs at least 8 accelerators, one per stage;
    the option has 4. The workload's layout is what to change."""
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator(), 4)], workload=training(layout={"pipeline_parallel": 8}), scenario=scenario())
    assert exc.value.message == "the layout (pipeline 8) needs 8 accelerators, more than 4 × toy"
    assert (exc.value.where, exc.value.key) == ("toy-train", "layout")


def test_a_measured_serving_plan_anchors_the_workload_it_was_measured_on() -> None:
    """Kills tco.engine.x__plan_option__mutmut_503 (``_anchor(option, workload, ...)`` -> ``_anchor(option, None,
    ...)``: the anchor of a measured serving rate kept the part's specifications but none of the workload's).

    A rate measured on toy-serve holds for that part and that model: the anchor records the part's memory
    (100 GB), bandwidth (1,000 GB/s) and peak (1,000 TFLOPS), and the workload's inputs the serving model reads,
    its 1e9 parameters, 1,000-token sequences, 10 layers of width 1,000 and batch of up to 256, but not how many
    tokens a day it serves (no performance input)."""
    acc = accelerator(benchmarks=[bench("toy-serve", 1000)], peak={"bf16_tflops": 1000, "fp16_tflops": 1000})
    plan = engine.plan_option(Option(acc), inference(parameters=1e9), scenario(), market=False)
    anchor = dict(plan.anchor)
    assert anchor["accel.memory_gb"] == 100 and anchor["accel.memory_bandwidth_gbps"] == 1000
    assert anchor["accel.peak.bf16_tflops"] == 1000
    assert anchor["workload.parameters"] == 1e9 and anchor["workload.seq_len"] == 1000
    assert (anchor["workload.shape.layers"], anchor["workload.shape.d_model"], anchor["workload.max_batch"]) == (10, 1000, 256)
    assert "workload.tokens_per_day" not in anchor


def test_a_changed_part_s_measured_rate_is_carried_under_the_constants_given() -> None:
    """Kills tco.engine.x__plan_option__mutmut_549 (the plan of the part as measured dropped ``serving_constants``:
    the changed part was planned under the given constants and the measured one under the fitted ones, so their
    ratio mixed two models).

    A toy measured at 1,000 tokens/s on toy-serve, changed to twice the memory bandwidth, is carried by the serving
    model's ratio between the two parts. With the bandwidth efficiency set to 0.3 (the rest fitted), both parts are
    modelled at 0.3: twice the bandwidth makes no step slower and at most halves it, so the rate lies above the
    1,000 measured and at most at 2,000. Unchanged, the part keeps its measured 1,000."""
    peak = {"bf16_tflops": 1000, "fp16_tflops": 1000}
    measured = accelerator(benchmarks=[bench("toy-serve", 1000)], peak=peak)
    faster = accelerator(benchmarks=[bench("toy-serve", 1000)], peak=peak, memory_bandwidth_gbps=2000)
    slow_reads = (serving.CONSTANTS[0], 0.3, *serving.CONSTANTS[2:])
    wl = inference(parameters=1e9)

    def rate(part: Accelerator) -> float:
        option = Option(part, as_measured=measured)
        plan = engine.plan_option(option, wl, scenario(), market=False, serving_constants=slow_reads)
        p = engine.KnownInputs(engine.numeric_inputs(Option(part), wl, scenario()))
        return float(engine.evaluate_plan(plan, p)["tokens_per_second_per_accelerator"])

    assert rate(measured) == approx(1000)
    assert 1000 < rate(faster) <= 2000
