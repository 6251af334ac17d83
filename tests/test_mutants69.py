"""Tests that kill surviving mutants of the seed-69 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 12,125 mutants: ``random.Random(69).sample`` over the sorted names): the
sequences per replica in the exposed-reduction note, a malformed option named to an analysis, the flag a
non-finite --vary value is refused under, a range with only a high end that moves no plan, and the tolerance of a
difference swing taken at its bound.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/analysis/*.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest

import tco
from tco import analysis, engine
from tco.analysis.breakeven import breakeven
from tco.analysis.common import check_numbers
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training

# --------------------------------------------------------------------------- plan_training: sequences per replica


def test_the_exposed_reduction_note_gives_the_global_batch_divided_among_the_replicas() -> None:
    """Kills tco.engine.x_plan_training__mutmut_563 (``batch_sequences / (r.data_parallel or 1)`` -> ``*``: the note
    gave the sequences of the whole batch times the replicas, not each replica's share).

    Llama 3 70B (70.6e9 parameters, 8,192-token sequences) on 4,096 B200s at the default global batch,
    2M × (70.6 / 7)^(1/3) = 2e6 × 2.1606 = 4,321,145 tokens: 4,321,145 // 8,192 = 527 whole sequences (4,317,184
    tokens). The layout chosen is TP 8 × DP 512, so one step gives each replica 527 / 512 = 1.029 → "1.03"
    sequences (the product, 527 × 512 = 269,824, would read "2.7e+05")."""
    inputs = tco.load_inputs(["b200"], workload="llama3-70b")
    plan = engine.plan_option(inputs.options[0], inputs.workload, inputs.scenario, market=False)
    assert plan.layout is not None
    assert (plan.layout["tensor_parallel"], plan.layout["data_parallel"]) == (8, 512)
    assert plan.layout["global_batch_tokens"] == 527 * 8192 == 4_317_184
    assert 2e6 * (70.6 / 7) ** (1 / 3) // 8192 == 527
    (note,) = [n for n in plan.notes if n.startswith(engine.training.EXPOSED_NOTE)]
    assert ": one step gives each replica 1.03 sequences of the global batch (the default global batch, " in note


# --------------------------------------------------------------------------- _index_of: a malformed option's message


def test_a_malformed_option_named_to_an_analysis_is_refused_with_the_parser_s_message() -> None:
    """Kills tco.analysis.common.x__index_of__mutmut_6 (the option parser's message dropped: the InputError under
    ``option`` said nothing).

    ``h100-sxm@0`` asks for no accelerators (a count is a whole number of at least 1), and '' names none: the
    break-even and the tornado (``vs``) refuse each with the message of the option parser, under ``option``."""
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as exc:
        breakeven(inputs, "h100-sxm@0", "a100-80gb")
    assert exc.value.message == "expected ID@COUNT with a whole COUNT of at least 1, got 'h100-sxm@0'"
    assert (exc.value.where, exc.value.key) == (None, "option")
    with pytest.raises(tco.InputError) as exc:
        analysis.sensitivity(inputs, vs=("h100-sxm", ""))
    assert exc.value.message == "expected an accelerator id or a file path, got ''"
    assert (exc.value.where, exc.value.key) == (None, "option")


# --------------------------------------------------------------------------- check_numbers: the flag of a non-finite


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_a_non_finite_value_is_refused_under_the_flag_that_gave_it(bad: float) -> None:
    """Kills tco.analysis.common.x_check_numbers__mutmut_8 (``where=where`` dropped from the refusal of a value
    that is not finite: it named the input but not the flag, --vary, that gave it).

    (The sweep's own parsing refuses infinities and NaN before this check, so it is called here directly, as the
    library function it is; its other refusal, of a value below 1e-300 in size, keeps the flag too.)"""
    with pytest.raises(tco.InputError) as exc:
        check_numbers(np.array([1.0, bad]), "scenario.pue", where="--vary")
    # (hostile round 108: the value named, as every refusal names a NaN or an infinity)
    got = {math.inf: " (at most 1.8e308), got infinity", -math.inf: " (at least -1.8e308), got -infinity"}.get(bad, ", got NaN")
    message = f"expected finite numbers{got}"
    assert (exc.value.message, exc.value.where, exc.value.key) == (message, "--vary", "scenario.pue")
    with pytest.raises(tco.InputError) as exc:
        check_numbers(np.array([1.0, 1e-301]), "scenario.pue", where="--vary")
    assert exc.value.message == "expected values of at least 1e-300 in size (or 0, where the input takes it), got 1e-301"
    assert (exc.value.where, exc.value.key) == ("--vary", "scenario.pue")
    check_numbers(np.array([0.0, 1e-300, 1e308]), "scenario.pue", where="--vary")  # (0 and 1e-300 pass)


# --------------------------------------------------------------------------- _held: a high end alone that moves nothing


def test_a_memory_range_with_only_a_high_end_that_moves_no_plan_is_neither_held_nor_swung() -> None:
    """Kills tco.analysis.common.x__held__mutmut_14 (``q.value if q.low is None else q.low`` -> always ``q.low``: a
    range with no low end was asked whether it moves the plan between NaN and its high, and a plan at NaN cannot
    be made, which counts as moving it: held and named).

    The toy's training state for the 1e9-parameter run is 18 bytes a parameter, 1.8e10 B; one sequence's
    activations under full recomputation 2 × 10 × 1,000 × 1,000 = 2e7 B. At 30 GB one toy has 0.9 × 30e9 − 2e7 =
    2.698e10 B free, at 40 GB 3.598e10 B: both hold it on one (minimum count 1), and the 4 run the same layout
    (DP 4, ZeRO-3). The memory is read by the plan only, and its range (30 GB to a high of 40 GB, no low) changes
    no plan: it is neither held nor swung."""
    plans = [engine.plan_option(Option(accelerator(memory_gb=m)), training(), scenario()) for m in (30, 40)]
    assert [p.min_count for p in plans] == [1, 1]
    assert plans[0].layout == plans[1].layout
    assert plans[0].layout is not None and (plans[0].layout["data_parallel"], plans[0].layout["zero_stage"]) == (4, 3)
    res = analysis.sensitivity(Inputs([Option(accelerator(memory_gb={"value": 30, "high": 40}))], training(), scenario(), []))
    assert res.held_ranges == []
    assert "toy.memory_gb" not in [r.param for r in res.rows]
    assert "toy.price_usd" in [r.param for r in res.rows]  # (the tornado itself ran)


# --------------------------------------------------------------------------- sensitivity: a swing at the rounding bound


def test_a_difference_swing_exactly_at_the_rounding_share_is_held_as_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_214 (``abs(d_hi - d_lo) <= _ROUNDING × max(...)`` ->
    ``<``: a difference swing exactly at the share ``_ROUNDING`` of the differences was kept as a swing; the
    docstring's "within this share" includes the bound).

    Two toys that differ only in price (the toy at $10,000, ``cheap`` at $5,000): every cost of the toy's that
    its price does not set is the same for both, so TEC_toy − TEC_cheap is c × (price − 5,000) for some c > 0.
    The toy's price swings ±20 %: to 8,000 (difference 3,000c) and 12,000 (7,000c), central 5,000c. The swing is
    4,000c and the largest difference 7,000c: the share is 4/7. With ``_ROUNDING`` set to that share (as the
    float division gives it, so that share × 7,000c is the swing to the last bit) the swing is held as 0 and the
    row, which flips nothing, is left out of the pair's tornado; one float below it, it is a swing of 4,000c."""
    module = importlib.import_module("tco.analysis.sensitivity")
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="cheap", price_usd=5000))], training(), scenario(), [])
    (row,) = [r for r in analysis.sensitivity(inputs, vs=("toy", "cheap")).rows if r.param == "toy.price_usd"]
    assert (row.low, row.high, row.flips_decision) == (8000, 12000, False)
    d_lo, d_hi = row.difference_low_usd, row.difference_high_usd
    assert d_lo is not None and d_hi is not None and d_lo > 0
    assert d_hi / d_lo == pytest.approx(7 / 3)
    share = abs(d_hi - d_lo) / d_hi
    assert share == pytest.approx(4 / 7)
    assert share * d_hi == abs(d_hi - d_lo)  # (the bound is met exactly)
    assert row.difference_swing_usd == abs(d_hi - d_lo)

    def rows_at(rounding: float) -> dict[str, float | None]:
        monkeypatch.setattr(module, "_ROUNDING", rounding)
        return {r.param: r.difference_swing_usd for r in analysis.sensitivity(inputs, vs=("toy", "cheap")).rows}

    assert rows_at(math.nextafter(share, 0.0))["toy.price_usd"] == abs(d_hi - d_lo)
    assert "toy.price_usd" not in rows_at(share)
