"""Tests that kill surviving mutants of the seed-67 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 11,888 mutants: ``random.Random(67).sample`` over the sorted names): an
estimate that lacks the memory names the memory, not the lead time a cost needs; an option given by its profile's
path may be --set by that path, and a what-if of the same input by its id is refused; a memory range of which only
the high end is given, and that end moves the plan, is held by the tornado.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/training.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco
from tco import analysis, engine
from tco.analysis.common import option_names
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, shipped_copy, training

# --------------------------------------------------------------------------- speed_inputs: the memory is a speed input


def test_an_estimate_lacking_the_memory_and_the_lead_time_names_only_the_memory(tmp_path: Path) -> None:
    """Kills tco.engine.x_speed_inputs__mutmut_5 ("memory" -> "MEMORY" among the words of the inputs a throughput
    reads: an unknown ``memory_gb`` was taken for a cost's input, like a price or a lead time).

    h100-sxm copied as h100-nomem with its memory and its lead time unknown (a ``source`` and no ``value``). A serving
    estimate on a replica of 8 needs the memory (the KV cache, and so the batch and the tokens/s, are what the memory
    holds beside the weights): the throughput is unknown, and the inputs the evaluation found missing are the memory
    and the lead time (the time to market). An estimate names those a throughput reads, the memory alone: one
    MissingInputError at the part's file. The mutant found none of the two to be a speed input and named both (a
    ProblemList of two)."""
    path = tmp_path / "h100-nomem.toml"
    path.write_text(shipped_copy("h100-sxm", "h100-nomem", memory_gb='{ source = "not published" }', lead_time_weeks='{ source = "x" }'))
    assert engine.speed_inputs(["accel.memory_gb", "accel.lead_time_weeks", "accel.price_usd"]) == ["accel.memory_gb"]
    with pytest.raises(tco.TcoError) as exc:
        tco.estimate(path, parameters=7e9, mode="infer", replica=8)
    assert type(exc.value) is tco.MissingInputError
    assert exc.value.message == (
        "needs memory_gb, which is unknown; give it with sets=['h100-nomem.memory_gb=VALUE'], or a profile file with memory_gb"
    )
    assert (exc.value.where, exc.value.key) == ("h100-nomem", "memory_gb")


# --------------------------------------------------------------------------- option_names: a profile's path is a name


def test_an_option_given_by_its_path_is_named_by_it_and_a_what_if_of_its_set_input_is_refused(tmp_path: Path) -> None:
    """Kills tco.analysis.common.x_option_names__mutmut_8 (``inputs.sources.get(o.accelerator.id)`` ->
    ``.get(None)``: no option's profile file was found, so the path an option was given by was none of its names).

    h100-sxm copied as ``mine`` into a file, compared by that file's path with a100-80gb, and its price --set by the
    path (``PATH.price_usd=20000``). The names of the first option are its id and that path; a100-80gb's its id and
    aliases (it was given by id). A what-if of ``mine.price_usd`` varies the input the --set gave (the same one, by
    another name): refused, as it is given twice. The mutant did not know the path as mine's, so it took the --set
    for some other input and ran the what-if at a price of $1,000, ignoring the --set's $20,000."""
    path = tmp_path / "mine.toml"
    path.write_text(shipped_copy("h100-sxm", "mine"))
    inputs = tco.load_inputs([str(path), "a100-80gb"], workload="gpt3-1.3b", sets=[f"{path}.price_usd=20000"])
    assert inputs.options[0].accelerator.price_usd is not None and inputs.options[0].accelerator.price_usd.value == 20000
    assert option_names(inputs) == [("mine", str(path)), ("a100-80gb", "nvidia-a100-80gb-sxm", "a100")]
    with pytest.raises(tco.InputError) as exc:
        tco.what_if(inputs, {"mine.price_usd": [1000.0]})
    assert exc.value.message == "mine.price_usd is both varied and set with sets=: give it once"
    assert exc.value.key == "changes"


# --------------------------------------------------------------------------- uncertain_and_held: a high end alone


def test_a_memory_range_with_only_a_high_end_that_moves_the_plan_is_held() -> None:
    """Kills tco.analysis.common.x_uncertain_and_held__mutmut_72 (``q.low is not None or q.high is not None`` ->
    ``… or q.high is None``: a range given by its high end alone was never asked whether it moves the plan, so it
    was neither held nor named).

    The toy trains the 1e9-parameter run on 4. Its training state is 18 bytes a parameter (2 for the 16-bit
    parameters, 4 for the FP32 gradients a typical Megatron-class stack keeps, 12 for the optimizer): 1.8e10 B; one
    sequence's activations under full recomputation are 2 × 10 layers × 1,000 tokens × 1,000 wide = 2e7 B. The
    smallest count that holds them:
    * at 20 GB (the value), 0.9 × 20e9 − 2e7 = 1.798e10 B free on one, short of 1.8e10: ZeRO-3 over 1.8e10 /
      1.798e10 = 1.0011 → 2 devices (ZeRO-1: 1.2e10 / (1.798e10 − 6e9) = 1.0017 → 2 too): the minimum is 2;
    * at 200 GB (the high end), 1.8e11 − 2e7 B free on one: the minimum is 1.
    (One holds them from 0.9 × m = 1.8e10 + 2e7, m = 20.0222 GB: 20.02 GB needs 2, 20.03 GB one.)
    The memory is read by the plan only (the 4 run either way, the figures the same): its high end changes the plan,
    so the tornado holds it at its value and names it in ``held_ranges``, and swings it nowhere. A low end of 19 GB
    alone (0.9 × 19e9 − 2e7 = 1.708e10 B: still 2) moves nothing, and the input is neither held nor swung."""
    assert [
        engine.plan_option(Option(accelerator(memory_gb=m)), training(), scenario()).min_count for m in (19, 20, 20.02, 20.03, 200)
    ] == [2, 2, 2, 1, 1]
    high = analysis.sensitivity(Inputs([Option(accelerator(memory_gb={"value": 20, "high": 200}))], training(), scenario(), []))
    assert high.held_ranges == ["toy.memory_gb"]
    assert "toy.memory_gb" not in [r.param for r in high.rows]
    low = analysis.sensitivity(Inputs([Option(accelerator(memory_gb={"value": 20, "low": 19}))], training(), scenario(), []))
    assert low.held_ranges == []
    assert "toy.memory_gb" not in [r.param for r in low.rows]
