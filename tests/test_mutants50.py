"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
11,064 mutants, seed 50; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import warnings

import pytest

import tco
from tco import analysis, engine
from tco.analysis.breakeven import breakeven
from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import accelerator, bench, inference, scenario, training
from tests.test_mutants48 import FREE_RUNNING, sweep_rows

approx = pytest.approx


def test_a_part_that_is_sold_and_rented_is_estimated_as_bought() -> None:
    """Kills tco.engine.x_performance_option__mutmut_14 (``Acquisition.rent if rent_only else …`` -> ``if rent_only
    or True``: every part was estimated as rented).

    The toy has a price ($10,000) and a rental ($2 an hour): it is bought. 4 toys at a server overhead of 2 cost
    4 × 10,000 × 2 = $80,000 up front; at no cost of capital over 4 years that is $20,000 a year, and the 1.224 h job
    (1.44e8 × 6.12e9 / (4 × 5e13) s) at 50 % utilization is charged 20,000 × 1.224 / (8,766 × 0.5) = $5.5852 of it.
    Rented, it would cost 2 × 4 × 1.224 = $9.792 and no capex."""
    acc = accelerator(rental={"usd_per_hour": 2.0})
    option = engine.performance_option(acc, 4)
    assert option.acquisition is Acquisition.buy
    ev = engine.evaluate_option(option, training(), scenario(**FREE_RUNNING), market=False)
    assert ev.out["capex_usd"] == approx(80_000)
    assert ev.out["rent_usd"] == 0
    assert ev.out["job_cost_usd"] == approx(20_000 * 1.224 / (8_766 * 0.5))


def test_a_tornado_swings_a_pue_to_the_high_end_its_file_gives() -> None:
    """Kills tco.analysis.common.x_uncertain_and_held__mutmut_142 (a given high end ignored when no low is given:
    ``float(q.high) if q.high is not None`` -> ``… and False``, so the default +20 % was used).

    A PUE of 1.5 with only a high end of 2.0 swings from 1.5 × 0.8 = 1.2 (the default −20 %) to 2.0 (as given). The
    energy drawn per unit of PUE is 4 toys × 500 W × 0.5 (average power) × 1.5 (power overhead) × 1.224 h = 1.836 kWh,
    at $0.1: $0.1836, so the high end costs (2.0 − 1.5) × 0.1836 = $0.0918 more than the central PUE."""
    sc = scenario(pue={"value": 1.5, "high": 2.0})
    res = analysis.sensitivity(Inputs([Option(accelerator())], training(), sc, []))
    (row,) = [r for r in res.rows if r.param == "scenario.pue"]
    assert row.low == approx(1.2)
    assert (row.high, row.central) == (2.0, 1.5)
    assert row.range_source == "default ±20%, its high as given"
    low, central, high = row.effective_cost_low_usd["toy"], res.central_effective_cost_usd["toy"], row.effective_cost_high_usd["toy"]
    assert low is not None and central is not None and high is not None
    assert high - central == approx(0.5 * 0.1836)
    assert central - low == approx(0.3 * 0.1836)


def test_size_refuses_a_counted_option_saying_why() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_55 (the refusal of ``ID@N`` lost its message: TypeError).

    Sizing chooses the count, so toy@8 is refused, naming the option as it was written."""
    inputs = Inputs([Option(accelerator(), 8)], training(), scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        analysis.size(inputs, deadline_days=30)
    assert exc.value.message == "size chooses the count itself: name toy@8 without @COUNT"
    assert exc.value.key == "accelerator"


def test_a_cash_flow_spanning_a_century_for_deployment_blames_the_deployment_weeks() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_58 (the deployment's input ``"scenario.rental_setup_weeks"
    if rent else "scenario.deployment_weeks"`` -> ``if rent or True``: a bought fleet's was named as a rental's).

    A bought toy is delivered after 4 weeks and deployed over 6,000: (4 + 6,000) × 7 / 365.25 = 115.07 years, plus a
    1.224 h run, past the 100-year limit. The deployment alone is 6,000 × 7 / 365.25 = 114.99 years, the longest part,
    and its input is the scenario's deployment_weeks (rental_setup_weeks is for rented capacity)."""
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(accelerator())], training(), scenario(deployment_weeks=6000))
    assert exc.value.message == "toy: the cash flow would span 115.1 years, more than 100; the deployment alone takes 115 years"
    assert (exc.value.where, exc.value.key) == ("scenario", "deployment_weeks")


def test_a_cash_flow_stopped_by_an_unknown_scenario_input_blames_the_scenario() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_145 (``missing_error(…, workload.id)`` -> ``missing_error(…,
    None)``: the one unknown scenario input was put on the option, "a: needs scenario.pue, …").

    A rented b pays its rate, which includes its energy, so compare ranks it with the PUE unknown; a bought a needs
    the PUE for its energy and facility power, and has no cash flow without it. The one unknown input is the
    scenario's: the error is the scenario's, worded as every analysis words it."""
    a, b = accelerator(id="a"), accelerator(id="b", rental={"usd_per_hour": 2.0})
    with pytest.raises(tco.MissingInputError) as exc:
        cashflow([Option(a), Option(b, None, Acquisition.rent)], training(), scenario(pue={"value": None}))
    assert exc.value.message == "unknown, and the analysis needs it; give it with --set scenario.pue=VALUE"
    assert (exc.value.where, exc.value.key) == ("scenario", "pue")


def test_a_lease_term_short_of_the_run_by_the_tolerance_is_accepted() -> None:
    """Kills tco.analysis.cashflow.x_cashflow_option__mutmut_213 (the short-term refusal ``lease_months < held × (1 −
    1e-9)`` -> ``<=``: a term at the tolerance's edge was refused).

    With no lead time, deployment or porting, a 3-year service holds the leased fleet from delivery for exactly
    3 × 12 = 36 months. A term 1e-9 of that shorter, 36 × (1 − 1e-9) months, is within the tolerance and is the
    lease's term (count × $100 × that term in all); 2e-9 shorter is refused, asking for 36 months."""
    acc, sc = accelerator(lead_time_weeks=0), scenario(deployment_weeks=0)
    term = 36 * (1 - 1e-9)
    res = cashflow([Option(acc)], inference(), sc, lease_usd_per_month=100.0, lease_months=term)
    leased = res.options[-1]
    assert leased.count is not None
    assert leased.notes[-1] == f"leased: {leased.count} × $100.00 per month for 36 months, no capex or residual"
    assert sum(y.lease_usd for y in leased.years) == approx(leased.count * 100.0 * term, rel=1e-12)
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(acc)], inference(), sc, lease_usd_per_month=100.0, lease_months=36 * (1 - 2e-9))
    assert exc.value.message == (
        "toy: a lease of 36 months ends before the run does, 36 months after delivery (deployment, porting and run): "
        "give a term at least that long"
    )


def test_a_break_even_end_where_only_one_option_runs_is_won_by_it() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_399 (the winner where one option is feasible, ``names[ia] if
    fa else names[ib]`` -> ``if fa and False``: b was said to win where only a runs).

    a and b are the same toy but b costs half as much ($5,000) with 50 GB, a 1,000 GB. At 1e9 parameters both hold
    the job on 4, equally fast, and b wins on price. At 5e10 parameters the training state alone is 5e10 × 16 bytes
    (bf16 weights and gradients, FP32 master copy and two Adam moments) = 800 GB, past b's 4 × 50 = 200 GB but within
    a's 4,000 GB: only a runs, and a wins there. They never cost the same, so there is no tie."""
    a, b = accelerator(id="a", memory_gb=1000), accelerator(id="b", memory_gb=50, price_usd=5000)
    inputs = Inputs([Option(a), Option(b)], training(), scenario(**FREE_RUNNING), [])
    res = breakeven(inputs, "a", "b", param="workload.parameters", value_range=(1e9, 5e10))
    assert (res.value, res.winner_below, res.winner_above) == (None, "b", "a")
    assert res.message.startswith(
        "no tie for workload.parameters in [1e+09, 5e+10]: at 1e+09 b wins, at 5e+10 a wins (b is infeasible there); "
        "b is infeasible from workload.parameters = "
    )


def test_compare_with_no_option_that_can_run_lists_every_option_s_problem() -> None:
    """Kills tco.engine.x_compare__mutmut_48 (``raise errors[0] if len(errors) == 1 else ProblemList(errors)`` -> ``if
    … or True``: only the first option's problem was raised).

    A 1e9-parameter training state is 1e9 × 16 bytes = 16 GB, 4 GB on each of 4 toys: neither a 1 GB a nor a 1 GB b
    holds it, so each says it needs more, one problem per option in the order given."""
    a, b = accelerator(id="a", memory_gb=1), accelerator(id="b", memory_gb=1)
    with pytest.raises(tco.ProblemList) as exc:
        compare(options=[Option(a), Option(b)], workload=training(), scenario=scenario())
    assert [(p.where, p.key) for p in exc.value.problems] == [("a", "memory_gb"), ("b", "memory_gb")]
    for name, problem in zip("ab", exc.value.problems, strict=True):
        assert problem.message.startswith(f"toy-train does not fit in memory on 4 × {name}: training state needs at least ")


def test_a_model_too_large_for_the_largest_replica_is_not_said_to_be_capped_by_its_layers() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_238 (the note on a replica capped by the model's layers, ``"" if fixed
    or k_max == sizes[-1] else …`` -> ``… and False``: it was added where the largest replica was tried).

    On nodes of 4 the replicas run up to 64, 4-way tensor parallel × 16 pipeline stages, and 100 layers give each
    stage at least one: the 64 is tried. 1e13 bf16 weights take 2e13 bytes = 20,000 GB, past 64 × (100 − 2 GB
    runtime reserve) = 6,272 GB: nothing serves, and the message says so without the layers' cap."""
    wl = inference(parameters=1e13, shape={"layers": 100, "d_model": 1000})
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(accelerator()), wl, scenario(), market=False)
    assert exc.value.message == "toy cannot serve toy-serve: the weights and one sequence do not fit on up to 64 per replica"
    assert (exc.value.where, exc.value.key) == ("toy", "memory_gb")


def test_a_break_even_path_with_a_stray_bracket_is_refused_under_the_path() -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_50 (the refusal of the path's fields lost ``key=path``).

    ``scenario.pue]`` has a bracket outside ``name[LABEL]``: it is refused on --param, under the path as written."""
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b"))], training(), scenario(), [])
    with pytest.raises(tco.InputError) as exc:
        breakeven(inputs, "a", "b", param="scenario.pue]")
    assert exc.value.message == "expected dotted field names (an entry as name[LABEL]), got a stray '[' or ']'"
    assert (exc.value.where, exc.value.key) == ("--param", "scenario.pue]")


def test_failures_that_leave_no_useful_time_also_blame_the_save_and_restart_times() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_50 (the refusal lost ``also=(checkpoint_save_minutes,
    restart_minutes)``: a --set of either would not be blamed).

    1,000 interruptions per accelerator-day on 4 toys are 4,000 a day, each losing at least its 10-minute restart:
    40,000 minutes of a day's 1,440, so nothing is left. The failure rate is named, and the save and restart times
    with it."""
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(accelerator()), training(), scenario(failure_rate_per_accelerator_day=1000), market=False)
    assert exc.value.message == (
        "failures leave no useful time on 4 × toy: goodput is 0 at 1000 interruptions per accelerator-day, "
        "1-minute checkpoint saves and 10-minute restarts"
    )
    assert (exc.value.where, exc.value.key) == ("scenario", "failure_rate_per_accelerator_day")
    assert exc.value.also == ("scenario.checkpoint_save_minutes", "scenario.restart_minutes")


def test_a_run_above_a_peak_the_published_profile_left_blank_is_judged_on_the_peak_given() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_83 (the peak shown, ``dict(plan.anchor).get(peak_key, p[peak_key])``
    -> ``.get(peak_key, None)``: TypeError formatting None).

    The profile as published has no BF16 peak, so none is anchored to the measured run; a --set gives 1 TFLOPS.
    1e6 tokens/s × 6.12e9 FLOPs a token = 6.12e15 FLOP/s over 1e12 is an MFU of 6,120: refused against the 1 TFLOPS
    given (not "as published"), and a --set of that peak shares the blame."""
    run = [bench("toy-train", 1e6)]
    published = accelerator(peak={"bf16_tflops": None}, benchmarks=run)
    changed = accelerator(peak={"bf16_tflops": 1}, benchmarks=run)
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(changed, as_measured=published), training(), scenario(), market=False)
    assert exc.value.message == (
        "the measured 1e+06 tokens/s per accelerator on toy-train implies MFU 6,120.00 (> 1) of the 1 TFLOPS peak "
        "(toy.peak.bf16_tflops): more than the part can compute; check the measurement and the peak"
    )
    assert exc.value.also == ("peak.bf16_tflops",)


def test_a_native_attention_fraction_is_read_for_the_native_kernel() -> None:
    """Kills tco.engine.x__attention_key__mutmut_5 (``table.for_kernel(k)`` -> ``for_kernel(None)``, the FlashAttention-2
    entry: a part that lists only its native kernel's fraction was taken to list none).

    A part whose native kernel reaches 0.3 of peak, run with the native kernel, is the same part as one whose
    FlashAttention-2 reaches 0.3, run with FlashAttention-2: the same rate, and no note of an unknown fraction. Both
    are slower than the same part with no fraction listed, which assumes 0.725 × the 0.8 matmul fraction = 0.58."""
    by_kernel = []
    for acc, kernel in (
        (accelerator(mfu=None, attention_efficiency={"native": 0.3}), "native"),
        (accelerator(mfu=None, attention_efficiency={"flash2": 0.3}), "flash2"),
        (accelerator(mfu=None), "native"),
    ):
        (res,) = compare(options=[Option(acc)], workload=training(attention_kernel=kernel), scenario=scenario()).results
        by_kernel.append((res.tokens_per_second_per_accelerator, [n for n in res.notes if "attention" in n]))
    (native, native_notes), (flash2, flash2_notes), (default, default_notes) = by_kernel
    assert native is not None and flash2 is not None and default is not None
    assert native == approx(flash2, rel=1e-12)
    assert native_notes == flash2_notes == []
    assert native < default
    assert default_notes == ["attention kernel fraction unknown: 0.725 × the matmul fraction assumed"]


@pytest.mark.parametrize(
    ("layout", "count", "message"),
    [
        ({"tensor_parallel": 8}, 8, "layout tensor_parallel = 8 exceeds the 4 accelerators of one toy node"),
        ({"pipeline_parallel": 20}, 20, "layout pipeline_parallel = 20 exceeds the model's 10 layers"),
        ({"expert_parallel": 2}, 2, "layout expert_parallel = 2 exceeds 1 (a dense model has no experts)"),
    ],
)
def test_a_fixed_layout_degree_past_what_the_part_or_model_has_is_refused(layout: dict[str, int], count: int, message: str) -> None:
    """Kills tco.engine.x__check_layout__mutmut_20 (each degree read as None: no fixed degree was checked).

    The toy's node holds 4 accelerators, the toy model has 10 layers and no experts: a tensor degree of 8, 20 pipeline
    stages or 2 expert groups cannot be laid out."""
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(accelerator()), training(layout=layout, accelerator_count=count), scenario(), market=False)
    assert exc.value.message == message
    assert (exc.value.where, exc.value.key) == ("toy-train", f"layout.{next(iter(layout))}")


def test_a_tornado_near_the_float_limit_probes_its_inputs_without_numpy_warnings() -> None:
    """Kills tco.analysis.common.x__read_keys__mutmut_32 (the probe of which inputs move the cost ran under
    ``np.errstate(all=None)``, numpy's defaults, not ``"ignore"``: "overflow encountered in multiply" was warned).

    4 toys at $2e307 with a server overhead of 2 cost 8 × 2e307 = 1.6e308 up front, still a float; the probe's 1.5 ×
    the price, 3e307, makes 2.4e308, past the largest float (1.8e308), and must overflow quietly. The central job cost is
    its capital share, 1.6e308 / 4 years × 1.224 h / (8,766 h × 0.5) = 1.117e304; the price's default high end,
    2.4e307, overflows as the row says (8 × 2.4e307 = 1.92e308)."""
    inputs = Inputs([Option(accelerator(price_usd=2e307))], training(), scenario(**FREE_RUNNING), [])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = analysis.sensitivity(inputs)
    assert res.central_effective_cost_usd["toy"] == approx(8 * 2e307 / 4 * 1.224 / (8_766 * 0.5))
    (price,) = [r for r in res.rows if r.param == "toy.price_usd"]
    assert price.low == approx(1.6e307)
    assert price.high == approx(2.4e307)
    assert price.overflows == {"toy": ["high"]}


def test_a_default_global_batch_shorter_than_a_sequence_is_named_as_the_default() -> None:
    """Kills tco.engine.x_plan_training__mutmut_386 (the note's "the default global batch" -> "XXthe default global
    batchXX").

    With no workload.global_batch_tokens the batch is 2e6 × (N / 7e9)^(1/3) tokens: at N = 7e3 that is 2e6 × 0.01 =
    20,000 tokens, less than one 32,000-token sequence."""
    wl = training(parameters=7e3, seq_len=32000)
    (res,) = compare(options=[Option(accelerator())], workload=wl, scenario=scenario()).results
    assert "the default global batch (20,000 tokens) is less than one 32,000-token sequence: a step runs one" in res.notes


def test_an_moe_layout_note_gives_its_expert_degree() -> None:
    """Kills tco.engine.x_plan_training__mutmut_484 (the layout note's `` × EP k`` for an MoE model ``if experts`` ->
    ``if experts and False``).

    A model of 8 experts (2 a token) laid out on 4 toys with its expert degree held at 4: TP 1 × PP 1, the 4 data
    ranks, out of which the 4 expert groups are carved."""
    wl = training(experts=8, experts_per_token=2, active_parameters=4e8, layout={"expert_parallel": 4})
    (res,) = compare(options=[Option(accelerator(mfu=None))], workload=wl, scenario=scenario()).results
    (note,) = [n for n in res.notes if n.startswith("layout: ")]
    assert note.startswith("layout: TP 1 × PP 1 × DP 4 × EP 4, ")


def test_a_swept_service_on_a_part_with_no_peak_lacks_the_peak() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_213 (the serving MFU computed ``if peak is not None or True``: a part
    with no peak raised TypeError, None × 1e12).

    The toy lists neither a BF16 nor an FP16 peak, only a measured 2,000 tokens/s on the service: no replica can be
    planned without the peak, so every row of a sweep is incomplete and says what it lacks."""
    acc = accelerator(peak={"bf16_tflops": None, "fp16_tflops": None}, benchmarks=[bench("toy-serve", 2000)])
    rows = sweep_rows(Inputs([Option(acc)], inference(), scenario(), []), ["scenario.pue=1.2,1.5"])
    assert [(point, feasible, status, reason) for point, _, feasible, status, reason in rows] == [
        (0, False, "incomplete", "incomplete: lacks toy.peak.bf16_tflops"),
        (1, False, "incomplete", "incomplete: lacks toy.peak.bf16_tflops"),
    ]


def test_a_part_barred_from_rent_points_to_the_market_where_it_can_be_rented() -> None:
    """Kills tco.engine.x_check_market__mutmut_38 (the other markets judged by ``_allows(…, None)``, i.e. whether they
    may *buy* it, for a rented option too).

    The toy may be neither bought nor rented in 'cn', and only rented in 'global': a rented toy in 'cn' is refused,
    and the hint is the market where it can be rented, 'global' (which may not buy it)."""
    acc = accelerator(
        rental={"usd_per_hour": 2.0},
        availability={"cn": {"buy": False, "rent": False, "rule": "export rule"}, "global": {"buy": False, "rent": True}},
    )
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(acc, None, Acquisition.rent)], workload=training(), scenario=scenario(market="cn"))
    assert exc.value.message == (
        "toy cannot be rented in market 'cn': export rule; it can be rented in market 'global': --set scenario.market=global"
    )
    assert (exc.value.where, exc.value.key) == ("toy", "availability.cn")


def test_a_break_even_on_a_plan_moving_input_costs_the_tie_at_its_own_plan() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_568 (the cost at the value found evaluated without
    ``replan=True``: a's central plan, at 100 GB, was costed at a memory where it needs another toy).

    No energy, facility or operations: a service of 3 years on owned toys costs only its capital, count × price × 2
    (server overhead) × 3/4 (3 years of a 4-year life at no cost of capital). b ($12,000, 100 GB) serves on 3:
    3 × 12,000 × 1.5 = $54,000. a ($10,000) serves on 3 at 100 GB ($45,000), and on 4 once its memory is down to
    about 6.58 GB: 4 × 10,000 × 1.5 = $60,000, where the costs cross by a step of $6,000. The cost reported there is
    a's $60,000, as compare gives with that memory set."""
    a, b = accelerator(id="a"), accelerator(id="b", price_usd=12000)
    inputs = Inputs([Option(a), Option(b)], inference(parameters=1e9), scenario(**FREE_RUNNING), [])
    res = breakeven(inputs, "a", "b", param="a.memory_gb", value_range=(3, 100))
    assert res.effective_cost_at_value_usd == approx(4 * 10_000 * 1.5)
    assert res.message.startswith("a and b do not tie but cross at a.memory_gb = 6.5")
    assert "(a gap of $6,000); below it b wins, above it a wins" in res.message
    assert res.value is not None
    there = compare(
        options=[Option(accelerator(id="a", memory_gb=res.value)), Option(b)], workload=inputs.workload, scenario=inputs.scenario
    )
    counts = {r.option: r.count for r in there.results}
    costs = {r.option: r.effective_cost_usd for r in there.results}
    assert counts == {"a": 4, "b": 3}
    assert costs["a"] == approx(60_000)
    assert costs["b"] == approx(54_000)
