"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 150 of their
11,578 mutants, seed 57: ``random.Random(57).sample`` over the sorted names): the plural of the sequences per
replica in the exposed-reduction note, the vocabulary note of a serving plan (8- and 4-bit weights only), a
plan-moving range held on an MoE with every expert active, the scaling efficiency of a workload's own MFU, an
unknown grid intensity named where a sweep prices carbon, a break-even against an option never feasible, and the
tolerance of an incomplete shape's parameter count.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py, tco/perf.py,
tco/analysis/common.py and tco/analysis/breakeven.py (the arithmetic is in each test), or read by a second route
through the program. The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

from tco import analysis, engine
from tco.analysis.breakeven import breakeven
from tco.engine import Option
from tco.errors import MissingInputError
from tco.inputs import Inputs
from tests.factories import accelerator, inference, scenario, training
from tests.test_mutants48 import sweep_rows

VOCAB_NOTE = "vocabulary unknown"


def test_exposed_reason_says_one_sequence_in_the_singular_and_others_in_the_plural() -> None:
    # "{per_replica:,.3g} sequence{'s' if per_replica != 1 else ''}": 1 sequence, 2 sequences, 0.5 sequences.
    one = engine._exposed_reason(0.25, 1.0, None)
    assert "each replica 1 sequence of the global batch" in one
    assert one.startswith(engine.training.EXPOSED_NOTE + "25% of each step")
    assert "each replica 2 sequences of the global batch (workload.global_batch_tokens)" in engine._exposed_reason(
        0.5, 2.0, "workload.global_batch_tokens"
    )
    assert "each replica 0.5 sequences of" in engine._exposed_reason(0.5, 0.5, None)


def test_serving_plan_without_vocabulary_notes_it_for_8_bit_weights_only_not_16_bit() -> None:
    # The note is for weights of fewer than 2 bytes per parameter (8- or 4-bit): their embedding matrices stay
    # 16-bit and are not counted without workload.shape.vocab. 16-bit weights (bf16: 2 bytes) count them already.
    bf16 = engine.plan_option(Option(accelerator(), 4), inference(), scenario())
    assert not any(VOCAB_NOTE in n for n in bf16.notes)
    fp8 = engine.plan_option(Option(accelerator(peak={"fp8_tflops": 200}), 4), inference(precision="fp8"), scenario())
    assert "vocabulary unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give workload.shape.vocab)" in fp8.notes


def test_a_memory_range_that_moves_the_plan_is_held_on_an_moe_with_every_expert_active() -> None:
    """Kills tco.analysis.common.x__held__mutmut_2 (``path in (parameters, active_parameters)`` -> ``not in``: on an
    MoE whose tokens visit every expert, every input but the two counts was said not to move the plan).

    Only the total and active parameters of such a workload are exempt (they are one number). The toy's memory
    range reaches 1 GB (0.9 GB usable), too little for the training state of 1e9 parameters on 4 toys: the range
    changes the plan, so the tornado holds it at its value and names it, with 4 of 4 experts active as without
    experts."""
    acc = accelerator(memory_gb={"value": 100, "low": 1, "high": 200})
    moe = training(experts=4, experts_per_token=4, active_parameters=1e9)
    res = analysis.sensitivity(Inputs([Option(acc)], moe, scenario(), []))
    assert res.held_ranges == ["toy.memory_gb"]
    assert "toy.memory_gb" not in [r.param for r in res.rows]


def test_a_workload_mfu_reports_a_scaling_efficiency_of_exactly_one() -> None:
    """Kills tco.engine.x_stage_throughput__mutmut_22 (``1.0 + 0.0 * tps`` -> ``1.0 + 1.0 * tps``: the scaling
    efficiency of a job that gives its own end-to-end MFU became 1 plus its tokens/s).

    workload.mfu is measured end to end: it already includes the scaling losses, so the model applies none
    (efficiency 1, the MFU as given: 0.4)."""
    res = engine.compare(options=[Option(accelerator())], workload=training(mfu=0.4), scenario=scenario())
    (o,) = res.results
    assert o.scaling_efficiency == 1.0
    assert o.mfu == 0.4


def test_a_swept_carbon_price_names_the_unknown_grid_intensity_it_needs() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_465 (``bool(carbon_price.any())`` -> ``bool(None)``: over arrays, as a
    sweep evaluates, carbon was never priced, so an unknown grid intensity went unrecorded and a priced point's
    unknown cost was blamed on an overflow).

    The toy scenario gives no grid intensity. Unpriced (0 $/t), emissions cost nothing and the point is ranked;
    at 100 $/t the carbon cost needs the intensity of the market's grid: the point is incomplete and names it, as
    compare says at that price."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), [])
    grid = "scenario.grid_kgco2e_per_kwh_by_market.global"
    assert sweep_rows(inputs, ["scenario.carbon_usd_per_tonne=0,100"]) == [
        (0, 4.0, True, "ranked", ""),
        (1, 4.0, False, "incomplete", f"incomplete: lacks {grid}"),
    ]
    with pytest.raises(MissingInputError, match="needs grid_kgco2e_per_kwh_by_market.global, which is unknown"):
        engine.compare(options=[Option(accelerator())], workload=training(), scenario=scenario(carbon_usd_per_tonne=100))


def test_a_break_even_against_an_option_never_feasible_names_no_feasibility_edge() -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_469 (``feasible[ib if j == ia else ia]`` -> ``j != ia``: the
    option checked its own feasibility instead of the other's, so an edge was named against an option that never
    runs in the range).

    At 4 accelerators, b's 8 GB (7.2 GB usable) hold 28.8 GB in all, less than the 16 bytes a parameter of training
    state takes at 2e9 parameters (32 GB): b runs nowhere in [2e9, 4e10]. a's 100 GB hold 360 GB, enough up to about
    2e10 parameters: a wins below and neither runs at 4e10. With b never feasible there is no choice between them
    where a's feasibility changes, so the message names no edge of a's."""
    inputs = Inputs([Option(accelerator(id="a")), Option(accelerator(id="b", memory_gb=8))], training(), scenario(), [])
    res = breakeven(inputs, "a", "b", param="workload.parameters", value_range=(2e9, 4e10))
    assert (res.value, res.all_values, res.winner_below, res.winner_above) == (None, [], "a", None)
    assert res.message == (
        "no tie for workload.parameters in [2e+09, 4e+10]: at 2e+09 a wins (b is infeasible there), at 4e+10 neither can run there"
    )


def test_an_incomplete_shape_is_checked_against_the_count_within_5_percent_above_it() -> None:
    """Kills tco.engine.x_shape_count_gap__mutmut_11 (``least <= given * 1.05`` -> ``given / 1.05``: a shape that
    counts at least the workload's parameters, within the tolerance, was called wrong).

    The toy shape gives 10 layers of width 1000 (no FFN width, no vocabulary): its attention alone is at least
    10 × (2·1000·1000 + 2·1000·1000) = 4e7 parameters. A workload of 4e7 or 3.9e7 (4e7 <= 3.9e7 × 1.05 = 4.095e7)
    is within 5%; one of 3.8e7 (× 1.05 = 3.99e7 < 4e7) is not."""
    assert engine.perf.workload_shape(training(parameters=4e7)).least_parameters == 4e7
    assert engine.shape_count_gap(training(parameters=4e7)) is None
    assert engine.shape_count_gap(training(parameters=3.9e7)) is None
    assert engine.shape_count_gap(training(parameters=3.8e7)) == (
        "the shape counts at least 0.04B parameters in what it gives (layers, widths, heads), the workload "
        "0.038B: check them (the figures use the workload's count)"
    )
