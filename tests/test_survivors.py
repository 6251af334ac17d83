"""Behaviour a uniform sample of mutants showed untested (mutmut, 400 of 6,302 mutants of
``tco/engine.py`` and ``tco/analysis/``, 2026-11-30): the workload's fields reaching the training
model, a measurement at its own count, errors naming every option, break-evens over wide and
whole-number ranges, sizing at its boundary, the layout rules of a fully sharded job and the serving
target a missed latency is blamed on. Expected values come from the formulas or from a second route
through the program (``what_if``, ``compare``), never from the output under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tco import analysis, engine
from tco.engine import Option, compare
from tco.errors import InfeasibleError, InputError, ProblemList
from tco.inputs import Inputs
from tests.factories import accelerator, bench, inference, scenario, training

approx = pytest.approx
DERIVED = accelerator(mfu=None)  # no benchmark, no measured MFU: the layout model runs
FAST_BENCH = accelerator(benchmarks=[bench("toy-train", 1000)])


def toy(*options: Option, workload: object = None, **sc: object) -> Inputs:
    return Inputs(list(options), workload or training(), scenario(**sc), [])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the workload reaches the model


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, dict(dualpipe=False, recompute=None, gated_ffn=False, ffn_dim=0, vocab=0, fsdp=False, fp32_grads=True, fp8=False)),
        (
            dict(
                pipeline_schedule="dualpipe",
                layout={"recompute": "full"},
                shape={"layers": 10, "d_model": 1000, "ffn_dim": 4000, "gated_ffn": True, "vocab": 32000},
                precision="fp8",
            ),
            dict(dualpipe=True, recompute="full", gated_ffn=True, ffn_dim=4000, vocab=32000, fsdp=False, fp32_grads=True, fp8=True),
        ),
        (dict(parallelism="fsdp", layout={"recompute": "full"}), dict(dualpipe=False, recompute="full", fsdp=True, fp32_grads=False)),
        (dict(precision="fp16"), dict(fp32_grads=False, fp8=False)),
    ],
)
def test_the_plan_carries_the_workload_into_the_training_model(fields: dict[str, object], expected: dict[str, object]) -> None:
    """Each of these fields was dropped or inverted by a surviving mutant of plan_training (DualPipe for
    every 1F1B job, a fixed recomputation ignored, the gated FFN lost) with no test noticing."""
    accel = accelerator(mfu=None, peak={"bf16_tflops": 100, "fp16_tflops": 100, "fp8_tflops": 200})
    plan = engine.plan_option(Option(accel), training(**fields), scenario(), market=False)
    (stage,) = plan.stages
    assert {k: getattr(stage.job, k) for k in expected} == expected
    assert (stage.job.layers, stage.job.d_model, stage.job.seq_len) == (10, 1000, 1000)


def test_dualpipe_and_a_fixed_recomputation_change_the_answer() -> None:
    """Through the whole engine: four pipeline stages; DualPipe's bubble is p/2 − 1 = 1 micro-batch
    against 1F1B's p − 1 = 3 (training.py), so it is faster; recomputing every layer is slower."""
    shape = {"layers": 8, "d_model": 1000}
    base = dict(shape=shape, accelerator_count=4, global_batch_tokens=4000, layout={"pipeline_parallel": 4, "tensor_parallel": 1})
    one = engine.evaluate_option(Option(DERIVED), training(**base), scenario(), market=False)
    dual = engine.evaluate_option(Option(DERIVED), training(pipeline_schedule="dualpipe", **base), scenario(), market=False)
    full = engine.evaluate_option(
        Option(DERIVED),
        training(**{**base, "layout": {"pipeline_parallel": 4, "tensor_parallel": 1, "recompute": "full"}}),
        scenario(),
        market=False,
    )
    m = 4  # micro-batches of one sequence: 4,000 tokens / 1,000 per sequence, one data-parallel replica
    assert one.plan.layout is not None and dual.plan.layout is not None and full.plan.layout is not None
    assert one.plan.layout["pipeline_bubble"] == approx(3 / (m + 3))
    assert dual.plan.layout["pipeline_bubble"] == approx(1 / (m + 1))
    assert dual.out["tokens_per_second_per_accelerator"] > one.out["tokens_per_second_per_accelerator"]
    assert full.plan.layout["recompute"] == "full" and one.plan.layout["recompute"] != "full"
    assert full.out["tokens_per_second_per_accelerator"] < one.out["tokens_per_second_per_accelerator"]


def test_scaling_efficiency_is_reported() -> None:
    """One device has nothing to communicate (1.0); 64 devices over the scale-out link lose some."""
    one = engine.evaluate_option(Option(DERIVED, 1), training(), scenario(), market=False)
    wl = training(accelerator_count=64, global_batch_tokens=64000, shape=None)  # one sequence per data-parallel rank
    many = engine.evaluate_option(Option(DERIVED, 64), wl, scenario(), market=False)
    assert one.out["scaling_efficiency"] == 1.0
    assert 0 < many.out["scaling_efficiency"] < 1


# --------------------------------------------------------------------------- measurements and claims


def test_a_measurement_at_its_own_count_is_the_measurement() -> None:
    """A benchmark without a count was taken on one node (here of one device): the model carries it to
    other counts by its own ratio, so at one accelerator it is the measured rate exactly, and at four it
    is scaled by the model's four-to-one ratio (one sequence per rank, so the gradient reduction over
    the network shows: the model's rate falls from one device to two to four)."""
    kw = dict(mfu=None, interconnect={"kind": "ethernet", "devices_per_node": 1})
    measured = accelerator(benchmarks=[bench("toy-train", 777.0)], **kw)
    model = accelerator(**kw)

    def tps(accel: object, n: int) -> float:
        wl = training(accelerator_count=n, global_batch_tokens=1000 * n, shape=None)
        return float(engine.evaluate_option(Option(accel, n), wl, scenario(), market=False).out["tokens_per_second_per_accelerator"])  # type: ignore[arg-type]

    assert tps(measured, 1) == approx(777.0, rel=1e-12)
    assert tps(model, 1) > tps(model, 2) > tps(model, 4)
    assert tps(measured, 4) == approx(777.0 * tps(model, 4) / tps(model, 1), rel=1e-9)


def test_a_published_relative_claim_is_carried_beside_the_model() -> None:
    claimed = accelerator(id="claimed", relative_training_performance={"value": 0.55, "source": "test"})
    (r,) = compare(options=[Option(claimed)], workload=training(), scenario=scenario()).results
    assert r.claimed_relative_training_performance == 0.55 and r.maturity == "reference"


def test_compare_names_every_option_that_cannot_run() -> None:
    """Two inference-only parts on a training job: one error per part, both named (not just the first)."""
    a, b = accelerator(id="infer-a", can_train=False), accelerator(id="infer-b", can_train=False)
    with pytest.raises(ProblemList) as info:
        compare(options=[Option(a), Option(b)], workload=training(), scenario=scenario())
    assert [p.where for p in info.value.problems] == ["infer-a", "infer-b"]
    assert all("is not a training accelerator" in p.message for p in info.value.problems)


def test_an_overflowing_option_is_named_and_said_why() -> None:
    """A cost of delay near the float's end: the option that reaches the market later overflows and is
    shown infeasible, saying why; the first to market (no delay) is ranked."""
    late = accelerator(id="late", lead_time_weeks=40, benchmarks=[bench("toy-train", 1000)])
    comp = compare(options=[Option(FAST_BENCH), Option(late)], workload=training(), scenario=scenario(cost_of_delay_usd_per_day=1e307))
    bad = next(r for r in comp.results if r.accelerator == "late")
    assert bad.status.value == "infeasible" and bad.rank is None
    assert bad.reason == "its effective cost overflows a float (above 1.8e308 USD): cost_of_delay_usd_per_day = 1e+307"
    assert next(r for r in comp.results if r.accelerator == "toy").rank == 1


def test_an_unknown_server_cost_is_noted() -> None:
    accel = accelerator(server_usd_per_accelerator={"source": "not published"})
    plan = engine.plan_option(Option(accel), training(), scenario(), market=False)
    assert "server cost per accelerator unknown: the price × scenario.server_overhead_factor is used" in plan.notes


# --------------------------------------------------------------------------- break-even


def _cod_pair() -> Inputs:
    fast = accelerator(benchmarks=[bench("toy-train", 1000)])
    cheap = accelerator(id="cheap", price_usd=1000, benchmarks=[bench("toy-train", 500)])
    return toy(Option(fast), Option(cheap))


def test_a_break_even_over_many_decades_finds_the_same_tie() -> None:
    """A range from 0 to 1e100 is halved geometrically first; the tie is the one of a narrow range."""
    narrow = analysis.breakeven(_cod_pair(), "toy", "cheap", value_range=(0.0, 1e6))
    wide = analysis.breakeven(_cod_pair(), "toy", "cheap", value_range=(0.0, 1e100))
    assert narrow.value is not None and wide.value == approx(narrow.value, rel=1e-6)
    shifted = analysis.breakeven(_cod_pair(), "toy", "cheap", value_range=(1e-3, 1e100))
    assert shifted.value == approx(narrow.value, rel=1e-6)


def test_a_whole_number_break_even_is_the_first_whole_value_across() -> None:
    """Over the count of accelerators (a whole number, scanned 65 points apart), the answer is the
    first count at which the winner changes: the cost difference has one sign one count below it and
    the other (or zero) at it, as what_if evaluates them."""
    inputs = toy(Option(accelerator(mfu=None)), Option(accelerator(id="cheap", mfu=None, price_usd=1000, peak={"bf16_tflops": 40})))
    be = analysis.breakeven(inputs, "toy", "cheap", param="workload.accelerator_count", value_range=(1, 4000))
    assert be.value is not None and be.value == int(be.value)
    v = int(be.value)
    wi = {o.option: o.effective_cost_usd for o in analysis.what_if(inputs, {"workload.accelerator_count": [v - 1, v]}).options}
    before, at = ((wi["toy"][k] or math.nan) - (wi["cheap"][k] or math.nan) for k in (0, 1))
    assert before != 0 and (at == 0 or np.sign(at) != np.sign(before))


def test_the_cost_at_a_break_even_is_the_cost_there() -> None:
    """A break-even over the model size re-plans each point; the cost it reports at the tie is what a
    what-if at that value gives (the plan at the central size would give another)."""
    slow = accelerator(id="cheap", mfu=None, price_usd=1000, peak={"bf16_tflops": 40})
    inputs = toy(Option(accelerator(mfu=None)), Option(slow), cost_of_delay_usd_per_day=10)
    be = analysis.breakeven(inputs, "toy", "cheap", param="workload.parameters", value_range=(1e8, 1e11))
    assert be.value is not None and be.effective_cost_at_value_usd is not None
    wi = {o.option: o.effective_cost_usd for o in analysis.what_if(inputs, {"workload.parameters": [be.value]}).options}
    assert be.effective_cost_at_value_usd == approx(wi["toy"][0], rel=1e-9)
    assert wi["toy"][0] == approx(wi["cheap"][0], rel=1e-6)


# --------------------------------------------------------------------------- sizing


def test_a_deadline_met_exactly_is_met() -> None:
    """The smallest count meeting a deadline: at a deadline equal to that count's time to market the
    answer is the same count (the deadline is met, not missed), and a day less needs more."""
    inputs = toy(Option(DERIVED), workload=training(training_tokens=1e11))
    first = analysis.size(inputs, deadline_days=200).options[0]
    assert first.feasible and first.count is not None and first.time_to_market_days is not None
    exact = analysis.size(inputs, deadline_days=first.time_to_market_days).options[0]
    assert exact.count == first.count
    tighter = analysis.size(inputs, deadline_days=first.time_to_market_days * (1 - 1e-9)).options[0]
    assert not tighter.feasible or (tighter.count or 0) > first.count


def test_size_plans_at_a_count_that_holds_the_model() -> None:
    """The workload's own count (1) cannot hold a model that needs two devices' memory: size still
    answers, from the least count that holds it."""
    small = accelerator(id="small", mfu=None, memory_gb=10)
    inputs = toy(Option(small), workload=training(accelerator_count=1))
    r = analysis.size(inputs, deadline_days=1000).options[0]
    assert r.feasible and r.count is not None and r.count >= 2


# --------------------------------------------------------------------------- layouts and serving targets


def test_a_fully_sharded_job_takes_only_data_parallel_layouts() -> None:
    ok = engine.plan_option(Option(DERIVED, 4), training(parallelism="fsdp", layout={"recompute": "full"}), scenario(), market=False)
    assert ok.layout is not None and ok.layout["recompute"] == "full"
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(DERIVED, 4), training(parallelism="fsdp", layout={"pipeline_parallel": 2}), scenario(), market=False)
    assert (info.value.where, info.value.key) == ("toy-train", "layout")
    assert info.value.message == (
        "parallelism = fsdp shards data only: a layout with tensor, pipeline, context or expert degrees above 1, "
        "or recompute = none, cannot apply"
    )


def test_a_dense_model_has_no_expert_parallelism() -> None:
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(DERIVED, 4), training(layout={"expert_parallel": 2}), scenario(), market=False)
    assert (info.value.where, info.value.key) == ("toy-train", "layout.expert_parallel")
    assert info.value.message == "layout expert_parallel = 2 exceeds 1 (a dense model has no experts)"


@pytest.mark.parametrize(
    ("targets", "key"),
    [
        ({"time_per_output_token_ms": 1e9, "time_to_first_token_ms": 1e-3}, "time_to_first_token_ms"),
        ({"time_per_output_token_ms": 1e-3, "time_to_first_token_ms": 1e9}, "time_per_output_token_ms"),
    ],
)
def test_a_missed_latency_target_is_blamed_on_the_target_it_misses(targets: dict[str, float], key: str) -> None:
    """Both targets given and even a batch of one misses one of them: the error names that one."""
    wl = inference(**{k: {"value": v} for k, v in targets.items()}, parameters=1e9)
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(accelerator(mfu=None), 1), wl, scenario(), market=False)
    assert (info.value.where, info.value.key) == ("toy-serve", key)
    assert "no batch meets the latency targets on a replica of 1" in info.value.message


def test_a_model_that_does_not_fit_is_blamed_on_memory() -> None:
    """... on the part's memory when the replica is the model's choice, on the option when it fixes one (toy@1)."""
    wl = inference(parameters=1e13, time_per_output_token_ms={"value": 1e9})  # 20 TB: more than 64 toys hold
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(accelerator(mfu=None)), wl, scenario(), market=False)
    assert (info.value.where, info.value.key) == ("toy", "memory_gb")
    assert "the weights and one sequence do not fit" in info.value.message and math.isfinite(1e12)
    wl = inference(parameters=1e12, time_per_output_token_ms={"value": 1e9})
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(accelerator(mfu=None), 1), wl, scenario(), market=False)
    assert (info.value.where, info.value.key) == ("toy@1", None)


@pytest.mark.parametrize(("lo", "hi", "root"), [(0.0, 1e100, 155.5), (1e-3, 1e100, 155.5), (-1e100, 0.0, -155.5), (-1e100, -1e-3, -155.5)])
def test_bisection_over_decades_is_geometric(lo: float, hi: float, root: float) -> None:
    """A bracket spanning decades is halved at its geometric mean: a tie near 155 in a range reaching
    1e100 takes a few dozen evaluations (about 70), where halving at the arithmetic mean takes about
    360 (it converges too, within its 2,200 steps, so only the count of evaluations shows the difference)."""
    from tco.analysis.breakeven import _bisect

    calls = 0

    def f(x: np.ndarray) -> np.ndarray:
        nonlocal calls
        calls += 1
        return x - root

    assert _bisect(f, lo, hi, lo - root) == approx(root, rel=1e-9)
    assert calls < 150


@pytest.mark.parametrize(
    "accel", [DERIVED, accelerator(mfu=None, interconnect={"kind": "ethernet", "devices_per_node": 1})], ids=["node4", "node1"]
)
def test_size_for_a_deadline_is_the_least_count_that_meets_it(accel: object) -> None:
    """Every count from 1 to 512 evaluated one by one (what_if plans each anew): the smallest count whose
    time to market is within the deadline is size's answer, for deadlines across the range."""
    inputs = toy(Option(accel), workload=training(training_tokens=1e11))  # type: ignore[arg-type]
    counts = list(range(1, 513))
    ttm = analysis.what_if(inputs, {"count": counts}).options[0].time_to_market_days
    for deadline in (240.0, 150.0, 100.0, 60.0, 50.0, 45.0, 43.0):
        expected = min((c for c, t in zip(counts, ttm, strict=True) if t is not None and t <= deadline), default=None)
        assert expected is not None and expected < 512
        assert analysis.size(inputs, deadline_days=deadline).options[0].count == expected, deadline


# --------------------------------------------------------------------------- found by the second sample (seed 20261201)


def test_a_priced_carbon_is_the_emissions_of_the_whole_service_life() -> None:
    """Serving for three years at $100 per tonne: carbon_usd = operational emissions (kg, over the
    life) / 1000 × 100, the same three years as the emissions (it was a year's figure × 3 by the
    code; a mutant dividing by the years survived). The grid intensity is the scenario's own."""
    sc = scenario(carbon_usd_per_tonne=100.0, grid_kgco2e_per_kwh=0.5)
    ev = engine.evaluate_option(Option(accelerator(mfu=None), 1), inference(parameters=1e9), sc, market=False)
    out = ev.out
    assert out["operational_emissions_kgco2e"] == approx(out["energy_kwh"] * 0.5, rel=1e-12)
    assert out["carbon_usd"] == approx(out["operational_emissions_kgco2e"] / 1000.0 * 100.0, rel=1e-12)
    assert out["carbon_usd"] > 0


def test_a_shape_that_does_not_count_the_parameters_is_noted() -> None:
    """10 layers of width 1,000 with a 4,000-wide FFN and a 32,000-entry vocabulary count 0.184B
    parameters (Q and O 2·d², K and V 2·d², FFN 2·d·f per layer, input and output embeddings 2·V·d);
    the workload says 1B: the note gives both counts. Within 5 % there is no note."""
    shape = {"layers": 10, "d_model": 1000, "ffn_dim": 4000, "vocab": 32000}
    count = 10 * (2 * 1000 * 1000 + 2 * 1000 * 1000 + 2 * 1000 * 4000) + 2 * 32000 * 1000
    plan = engine.plan_option(Option(DERIVED), training(shape=shape), scenario(), market=False)
    note = next(n for n in plan.notes if n.startswith("the shape counts"))
    assert note.startswith(f"the shape counts {count / 1e9:.3g}B parameters, the workload 1B: check its layers, widths")
    close = engine.plan_option(Option(DERIVED), training(parameters=count * 1.04, shape=shape), scenario(), market=False)
    assert not any(n.startswith("the shape counts") for n in close.notes)


def test_a_held_layout_is_noted_with_its_degrees() -> None:
    plan = engine.plan_option(Option(DERIVED, 4), training(layout={"pipeline_parallel": 2, "recompute": "full"}), scenario(), market=False)
    assert "layout held to workload.layout (pipeline_parallel 2, recompute full); the rest searched" in plan.notes


def test_activations_too_large_for_a_held_recomputation_blame_the_layout() -> None:
    """One 1M-token sequence of a 1,000-wide model holds about 2 GB per layer without recomputation;
    the toy's 100 GB part cannot hold ten of them: with recompute = none held, the error names the
    held setting and the workload; left to the search, even full recomputation fits."""
    wl = training(seq_len=1_000_000, layout={"recompute": "none"}, global_batch_tokens=4_000_000)
    with pytest.raises(InfeasibleError) as info:
        engine.plan_option(Option(DERIVED, 4), wl, scenario(), market=False)
    assert (info.value.where, info.value.key) == ("toy-train", "layout.recompute")
    assert "per device with recompute = none (workload.layout) over a node) exceed toy's usable memory" in info.value.message


def test_an_unbounded_time_to_market_is_named() -> None:
    """A deployment of 1e308 weeks overflows the time to market: the error names that figure and (since hostile
    round 53) the input, as an overflowing job cost does."""
    with pytest.raises(InfeasibleError) as info:
        compare(options=[Option(FAST_BENCH)], workload=training(), scenario=scenario(deployment_weeks=1e308))
    assert (info.value.where, info.value.key) == ("scenario", "deployment_weeks")
    assert info.value.message == (
        "the inputs give no finite effective cost (time to market unbounded): deployment_weeks = 1e+308 overflows the arithmetic"
    )


# --------------------------------------------------------------------------- third sample (2026-11-30, 061eb10)


def test_whole_number_bisection_finds_the_first_whole_value_across() -> None:
    """By hand: f(x) = x − 7.5 changes sign between 7 and 8, so the first whole value after 0 on the
    other side is 8, whichever way f runs; a tie on a whole value is that value."""
    from tco.analysis.breakeven import _bisect_whole

    assert _bisect_whole(lambda x: x - 7.5, 0.0, 16.0, -7.5) == 8
    assert _bisect_whole(lambda x: 7.5 - x, 0.0, 16.0, 7.5) == 8
    assert _bisect_whole(lambda x: x - 12.0, 0.0, 64.0, -12.0) == 12


def test_sensitivity_against_itself_blames_the_vs_flag() -> None:
    import tco

    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    with pytest.raises(InputError) as info:
        analysis.sensitivity(inputs, vs=("h100-sxm", "h100-sxm"))
    assert str(info.value) == (
        "--vs: 'h100-sxm' is the first option, the one the tornado compares with --vs: name another option with --vs, or list another first"
    )


def test_a_path_both_varied_and_set_is_refused_naming_the_vary_flag() -> None:
    """``--set scenario.pue = 1.2`` (spaces around '=') and ``--vary scenario.pue=...`` name one input."""
    import tco

    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b", sets=["scenario.pue = 1.2"])
    with pytest.raises(InputError) as info:
        analysis.iter_sweep(inputs, ["scenario.pue=1.1,1.3"])
    assert str(info.value) == "--vary: scenario.pue is both varied and set with --set: give it once"


def test_size_refuses_a_fixed_count_naming_the_option() -> None:
    import tco

    inputs = tco.load_inputs(["h100-sxm@16"], workload="llama3-8b")
    with pytest.raises(InputError) as info:
        analysis.size(inputs, deadline_days=10)
    assert str(info.value) == "accelerator: size chooses the count itself: name h100-sxm@16 without @COUNT"


@pytest.mark.parametrize("path", ["workload.accelerator_count", "count"])
def test_a_serving_count_cannot_be_varied(path: str) -> None:
    """For serving the count is the replica size, a discrete choice: both spellings of the count say so."""
    import tco

    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b")
    with pytest.raises(InputError) as info:
        analysis.iter_sweep(inputs, [f"{path}=1,2"])
    assert "for serving, a count is the replica size (ID@N)" in str(info.value)
    assert str(info.value).startswith(f"--vary: {path}: ")


def test_a_fixed_count_holds_at_every_replanned_value() -> None:
    """``h100-sxm@16`` swept over the sequence length (each value planned anew) keeps 16 accelerators and
    costs what compare gives with --set (the workload's own count is 1,024)."""
    import tco

    inputs = tco.load_inputs(["h100-sxm@16"], workload="llama3-8b")
    _, _, chunks = analysis.iter_sweep(inputs, ["workload.seq_len=2048,32768"])
    cols = next(iter(chunks)).columns
    assert list(cols["count"]) == [16, 16]
    for j, seq in enumerate((2048, 32768)):
        ref = tco.compare(tco.load_inputs(["h100-sxm@16"], workload="llama3-8b", sets=[f"workload.seq_len={seq}"])).results[0]
        assert ref.count == 16 and cols["effective_cost_usd"][j] == approx(ref.effective_cost_usd, rel=1e-9)


def test_a_break_even_over_an_input_that_moves_the_plan_crosses_where_compare_does() -> None:
    """The serving batch and replica follow the H100's bandwidth: the break-even is found with each value
    planned anew, so compare with --set just below and just above it names the two winners it reports."""
    import tco

    def winner(v: float) -> str:
        sets = [f"h100-sxm.memory_bandwidth_gbps={v}"]
        res = tco.compare(tco.load_inputs(["h100-sxm", "a100-80gb"], workload="chat-70b", sets=sets)).results
        return min(res, key=lambda r: r.effective_cost_usd).option

    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="chat-70b")
    be = analysis.breakeven(inputs, "h100-sxm", "a100-80gb", param="h100-sxm.memory_bandwidth_gbps", value_range=(300, 6000))
    assert be.value is not None and be.winner_below == "a100-80gb" and be.winner_above == "h100-sxm"
    assert "a discrete choice steps" in be.message
    assert winner(be.value * 0.999) == "a100-80gb" and winner(be.value * 1.001) == "h100-sxm"


def test_swaps_over_a_whole_number_input_are_not_called_steps() -> None:
    """Over the count (whole numbers) the costs are compared at whole values only: several swaps are
    reported without the note about a discrete choice's step, which is for continuous inputs."""
    import tco

    inputs = tco.load_inputs(["h200", "h100-sxm"], workload="llama3-8b")
    be = analysis.breakeven(inputs, "h200", "h100-sxm", param="count", value_range=(8, 2048))
    assert len(be.all_values) > 1 and "swap places" in be.message
    assert "step" not in be.message


def test_the_replan_limit_admits_exactly_its_number_of_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most MAX_REPLANS distinct values are planned anew: that many pass, one more is refused."""
    import tco
    from tco.analysis import common

    monkeypatch.setattr(common, "MAX_REPLANS", 3)
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    _, _, chunks = analysis.iter_sweep(inputs, ["workload.seq_len=2048,4096,8192"])
    assert len(next(iter(chunks)).columns["effective_cost_usd"]) == 3
    with pytest.raises(InputError) as info:
        _, _, chunks = analysis.iter_sweep(inputs, ["workload.seq_len=2048,4096,8192,16384"])
        list(chunks)
    assert "at most 3 distinct values, got 4" in str(info.value)


def test_the_derived_mfu_is_throughput_times_flops_over_peak() -> None:
    """MFU = tokens/s per accelerator × (6·N + attention FLOPs per token) ÷ peak, by hand."""
    from tco import perf

    acc = accelerator(mfu=None)
    wl = training()
    ev = engine.evaluate_option(Option(acc, 64), wl, scenario(), market=False)
    shape = perf.workload_shape(wl)
    flops = 6 * wl.parameters.value + perf.attention_flops_per_token(shape, wl.seq_len)  # type: ignore[operator]
    tps = ev.out["tokens_per_second_per_accelerator"]
    assert 0 < ev.out["mfu"] < 1
    assert ev.out["mfu"] == approx(tps * flops / (acc.peak.bf16_tflops.value * 1e12))  # type: ignore[union-attr, operator]


def test_a_two_stage_job_reports_its_tokens_over_its_accelerator_time() -> None:
    """Stages at sequence lengths s and 4s: the job's tokens/s per accelerator is (t1 + t2) ÷ (t1/X1 + t2/X2),
    X_i each stage's own throughput (a one-stage job at its length), not the last stage's."""
    acc = accelerator(mfu=None)
    base = training()
    t1 = base.training_tokens.value
    long_len = 4 * base.seq_len
    wl = training(stages=[{"name": "long", "tokens": {"value": t1 / 2}, "seq_len": long_len}])
    x1 = engine.evaluate_option(Option(acc, 8), base, scenario(), market=False).out["tokens_per_second_per_accelerator"]
    x2 = engine.evaluate_option(Option(acc, 8), training(seq_len=long_len), scenario(), market=False).out[
        "tokens_per_second_per_accelerator"
    ]
    both = engine.evaluate_option(Option(acc, 8), wl, scenario(), market=False).out
    assert x2 < x1
    assert both["tokens_per_second_per_accelerator"] == approx((t1 + t1 / 2) / (t1 / x1 + (t1 / 2) / x2))  # type: ignore[operator]


def test_a_measured_run_needs_no_peak_at_its_own_count() -> None:
    """A part with a measured run of the workload at 8 and no published peak: at 8, throughput and cost
    come from the measurement and only the MFU is unknown; carried to 16 by the model's ratio, the run
    needs the peak, and it is reported missing (it was an error: "no finite cost")."""
    acc = accelerator(peak={"bf16_tflops": None, "fp16_tflops": None}, benchmarks=[bench("toy-train", 1000, accelerator_count=8)])
    ev = engine.evaluate_option(Option(acc, 8), training(), scenario(), market=False)
    assert ev.out["tokens_per_second_per_accelerator"] == approx(1000)
    assert ev.out["mfu"] is None or ev.out["mfu"] != ev.out["mfu"]
    assert math.isfinite(ev.out["job_cost_usd"]) and ev.out["job_cost_usd"] > 0
    carried = engine.evaluate_option(Option(acc, 16), training(), scenario(), market=False)
    assert carried.missing == ("accel.peak.bf16_tflops",)


def test_a_measurement_carried_past_the_peak_gives_no_figure() -> None:
    """A run "measured on 65,536 A100s" that the model cannot follow there (the batch of GPT-3 1.3B leaves
    most of them idle) would be carried to 8 at MFU 7: compare refuses it naming the measured count, and
    a sweep over the node size marks such values infeasible instead of ranking them."""
    import tco

    sets = ["a100-80gb.benchmarks[gpt3-1.3b].accelerator_count=65536"]
    with pytest.raises(InfeasibleError) as info:
        tco.compare(tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets=sets))
    assert info.value.key == "a100-80gb.benchmarks[gpt3-1.3b].accelerator_count" and "(> 1)" in str(info.value)
    steady = [*sets, "scenario.failure_rate_per_accelerator_day=0"]
    own = tco.compare(tco.load_inputs(["a100-80gb@65536"], workload="gpt3-1.3b", sets=steady)).results[0]
    assert own.tokens_per_second_per_accelerator == approx(12500)  # at its own count, as measured
    # With failures the layout there idles accelerators the run kept busy: carried down by the model's ratio.
    idled = tco.compare(tco.load_inputs(["a100-80gb@65536"], workload="gpt3-1.3b", sets=sets)).results[0]
    assert any(" idle (" in n for n in idled.notes) and 0 < idled.tokens_per_second_per_accelerator < 12500
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    _, _, chunks = analysis.iter_sweep(inputs, ["a100-80gb.interconnect.devices_per_node=8,100000"])
    assert list(next(iter(chunks)).columns["feasible"]) == [True, False]
