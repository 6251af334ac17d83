"""Tests that kill surviving mutants of the seed-62 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 100 of their 11,883 mutants: ``random.Random(62).sample`` over the sorted names): the
planner's fallback refusal once its memory of refusals is full, the target blamed when a fixed replica misses one
latency target, where a rented part's memory misfit is blamed, an overflow no input explains, the shortlists an
octave of sizing is searched at, a serving plan replanned over values whose ends plan alike, and a rented option's
purchase-budget refusal.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py, tco/serving.py and
tco/analysis/*.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tco
from tco import analysis, engine, serving
from tco import training as training_model
from tco.analysis import common, sizing
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import accelerator, inference, scenario, training
from tests.test_mutants48 import FREE_RUNNING


def test_a_refusal_the_planner_could_not_remember_is_still_given() -> None:
    """Kills tco.analysis.common.x__refusal__mutmut_4 (the fallback text "it cannot run at these values" dropped:
    ``refusals.get(key, )`` gives None).

    The toy service's 1e11 parameters at 2 bytes are 200 GB of weights; at 1 GB a toy, even 32 of them (the largest
    replica of 10 layers on 4-device nodes) hold 32 GB: the planner refuses. Its message is remembered for the
    reason, but only up to 4 × MAX_REPLANS = 4,096 refusals; past that the reason is the planner's general one, still
    a text (the mutant left None, a point that cannot run with no reason). At 100 GB the point runs."""
    fresh = analysis.prepare(Inputs([Option(accelerator())], inference(), scenario(), []))
    target = analysis.resolve_target(fresh, "toy.memory_gb")
    batch = common.evaluate_many(fresh, {"toy.memory_gb": (target, np.array([1.0, 100.0]))}, 2, replan=True, reasons=True)
    assert batch.reasons is not None
    assert batch.reasons[0][0].startswith("toy cannot serve toy-serve: the weights and one sequence do not fit")

    full = analysis.prepare(Inputs([Option(accelerator())], inference(), scenario(), []))
    full.refusals.update({("elsewhere", j): "another refusal" for j in range(4 * common.MAX_REPLANS)})
    target = analysis.resolve_target(full, "toy.memory_gb")
    batch = common.evaluate_many(full, {"toy.memory_gb": (target, np.array([1.0, 100.0]))}, 2, replan=True, reasons=True)
    assert batch.reasons is not None and batch.statuses is not None
    assert list(batch.reasons[0]) == ["it cannot run at these values", ""]
    assert list(batch.statuses[0]) == ["infeasible", "ranked"]
    assert common._refusal(full, 0, ((target, 3.0),)) == "it cannot run at these values"


def test_a_fixed_replica_that_misses_only_the_first_token_target_blames_it() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_303 (``tried = [fixed] if fixed else …`` -> ``if fixed and False``:
    a fixed replica, ID@4, was judged on every replica size up to 4, not on its own).

    A toy of 1,000 GB (any replica holds the 2e9 bytes of a 1e9-parameter model) on a 1 GB/s in-node link, serving
    prompts and outputs of 500 tokens with a 3 ms time per output token and a 50 ms time to first token. With
    ε = 0.8 × 0.8 (the fitted serving efficiency times the assumed matmul fraction) = 0.64, e_bw = 0.85, the
    collectives at 0.45 of half the link (2.25e8 B/s) and a typical engine's 0.11 ms a layer:

    * replica of 1 at a batch of one: prefill 500 × (2e9 + 2·10·1000·500) FLOPs / (1e14 × 0.64) = 15.7 ms; a step
      reads 2e9 B / (1e12 × 0.85) = 2.35 ms plus 10 × 0.11 = 1.1 ms: TTFT ≈ 19.2 ms (met), TPOT ≈ 3.5 ms (missed);
    * replica of 4 (TP 4): the prefill's all-reduces take 2·10·(10 µs + 2·¾·2·1000·500 B / 2.25e8 B/s) = 134 ms:
      TTFT ≈ 140 ms (missed); a step reads 2e9 / (4 × 8.5e11) = 0.59 ms, its all-reduces 0.47 ms, plus 1.1 ms and
      a prefill's share 140/500 = 0.28 ms: TPOT ≈ 2.4 ms (met).

    On the fixed replica of 4 the first token is what a batch of one misses: the refusal names
    time_to_first_token_ms. The mutant also tried the replica of 1, found each target met on some replica and blamed
    the one the smallest (1) misses, the time per output token."""
    acc = accelerator(memory_gb=1000, interconnect={"kind": "nvlink", "devices_per_node": 4, "bandwidth_gbps": 1})
    wl = inference(parameters=1e9, time_per_output_token_ms=3, time_to_first_token_ms=50)
    # (the figures as described: the serving model, tco/serving.py, is not among the mutated files)
    plan = engine.plan_option(Option(acc), inference(parameters=1e9), scenario(), market=False)
    p = engine.KnownInputs(engine.numeric_inputs(Option(acc), wl, scenario()))
    x = {**engine.plan_serving_inputs(plan, p), "memory_gb": p["accel.memory_gb"]}
    one, four = (serving.figures(plan.request, x, replica=k, tensor=k, batch=1) for k in (1, 4))
    assert one["ttft"] == pytest.approx(0.0192, rel=0.01) and one["tpot"] == pytest.approx(0.0035, rel=0.02)
    assert four["ttft"] == pytest.approx(0.140, rel=0.01) and four["tpot"] == pytest.approx(0.0024, rel=0.03)
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(acc, 4), wl, scenario(), market=False)
    assert exc.value.message == (
        "toy cannot serve toy-serve: no batch meets the latency targets on a replica of 4: "
        "a batch of one takes 139.7 ms to the first token at best"
    )
    assert (exc.value.where, exc.value.key) == ("toy-serve", "time_to_first_token_ms")


def test_a_rented_part_whose_memory_holds_no_replica_is_blamed_on_the_part() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_436 (``where=… option.label if fixed else accel.id`` ->
    ``if (fixed) or True``: a memory misfit without a fixed replica was placed on the option's label).

    1 GB a toy cannot hold the toy service's 200 GB of weights on any replica up to 32: the part's memory is what
    to change, so the refusal is the part's, "toy", not the rented option's label "toy:rent"."""
    rented = Option(accelerator(memory_gb=1, rental={"usd_per_hour": 2.0}), None, Acquisition.rent)
    assert rented.label == "toy:rent"
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(rented, inference(), scenario(), market=False)
    assert exc.value.message.startswith("toy cannot serve toy-serve: the weights and one sequence do not fit on up to 32 per replica")
    assert (exc.value.where, exc.value.key) == ("toy", "memory_gb")


def test_an_overflow_no_input_explains_is_said_in_lower_case() -> None:
    """Kills tco.engine.x_overflow_reason__mutmut_12 (the cause "a value set near 1e308" -> upper case).

    Both toys train 1e99 tokens of 6.12e9 FLOPs. a (100 TFLOPS at MFU 0.5 on 4) takes 6.12e108 / 2e14 = 3.06e94 s =
    3.54e89 days; b (1e-99 TFLOPS at MFU 1e-99: 1e-186 FLOP/s each) takes 6.12e108 / 4e-186 = 1.53e294 s =
    1.77e289 days, that much later than a. At $1e99 a day of delay its penalty is 1.77e388, past the largest float.
    No input is 1e100 or more or 1e-100 or less (1e99 and 1e-99 are within 99 decades of 1), so none is named."""
    a = accelerator(id="a")
    b = accelerator(id="b", mfu=1e-99, price_usd=1e-99, peak={"bf16_tflops": 1e-99, "fp16_tflops": 1e-99})
    sc = scenario(**FREE_RUNNING, cost_of_delay_usd_per_day=1e99)
    ra, rb = compare(options=[Option(a), Option(b)], workload=training(training_tokens=1e99), scenario=sc).results
    assert (ra.option, ra.rank) == ("a", 1)
    assert ra.time_to_market_days == pytest.approx(3.06e94 / 86400 + 42, rel=1e-9)
    assert rb.time_to_market_days == pytest.approx(1.53e294 / 86400, rel=1e-9)
    assert (rb.option, rb.status.value) == ("b", "infeasible")
    assert rb.notes[-1] == "infeasible: its effective cost overflows a float (above 1.8e308 USD): a value set near 1e308"


def test_an_octave_s_shortlists_are_taken_at_the_previous_octave_s_last_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.analysis.sizing.x__for_counts__mutmut_17 (the lower end ``counts[0] - 1`` -> ``counts[0] - 2``).

    The octave 5 .. 8 is shortlisted at its two ends and its middle: 5 - 1 = 4 (the previous octave's last count, so
    adjacent octaves share a search), counts[4 // 2] = 7 and 8. The mutant took the lower end at 3, a count of no
    octave's end. (A toy without an MFU: its layouts are derived, so sizing narrows them.)"""
    prep = analysis.prepare(Inputs([Option(accelerator(mfu=None))], training(), scenario(), []))
    plan, base = prep.plans[0], prep.bases[0]
    seen: list[float] = []
    real = training_model.shortlist

    def spy(job: Any, x: Any, keep: int = 6) -> tuple[int, ...]:
        seen.append(float(x["count"]))
        return real(job, x, keep)

    monkeypatch.setattr(training_model, "shortlist", spy)
    narrowed = sizing._for_counts(plan, dict(base), np.arange(5.0, 9.0))
    assert seen == [4.0, 7.0, 8.0]
    assert all(st.subset_holds and st.subset for st in narrowed.stages)


def test_a_serving_option_is_replanned_over_values_whose_ends_plan_alike() -> None:
    """Kills tco.analysis.common.x_replans_values__mutmut_16 (``kind == "inference"`` -> ``"XXinferenceXX"``: a
    serving option was replanned only where its plan at the range's two ends moved).

    A serving plan's replica rounds the fleet for the demand, so its ends do not vouch for the values between: any
    two values that differ are planned anew. The toy's memory at 100 and 100.5 GB plans alike at both ends (nothing
    the planner chooses moves), so moves_plan says no; replans_values says yes all the same, and no for one value."""
    prep = analysis.prepare(Inputs([Option(accelerator())], inference(), scenario(), []))
    target = analysis.resolve_target(prep, "toy.memory_gb")
    assert common.moves_plan(prep, 0, target, np.array([100.0, 100.5])) is False
    assert common.replans_values(prep, 0, target, np.array([100.0, 100.5])) is True
    assert common.replans_values(prep, 0, target, np.array([100.0, 100.0])) is False


def test_a_rented_option_refuses_a_purchase_budget_in_full() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_242 (the refusal's text -> "XX…XX"; the existing test matched a
    substring of it).

    Rented capacity is not bought, so a purchase budget (--capex-usd) cannot size it: the whole refusal, under the
    option's label "toy:rent", points at --budget-usd."""
    rented = Option(accelerator(rental={"usd_per_hour": 2.0}), None, Acquisition.rent)
    with pytest.raises(tco.InfeasibleError) as exc:
        analysis.size(Inputs([rented], training(), scenario(), []), capex_usd=100_000)
    assert exc.value.message == (
        "toy:rent: rented capacity is not bought: a purchase budget does not size it (--budget-usd bounds the job's cost)"
    )
    assert exc.value.key == "--capex-usd"
