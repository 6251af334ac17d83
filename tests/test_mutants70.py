"""Tests that kill surviving mutants of the seed-70 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 12,328 mutants: ``random.Random(70).sample`` over the sorted names): the inputs
an error names beside the training state that fits no count, and the date of the default global batch's source.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/analysis/common.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

import tco
from tco import engine
from tco.analysis.common import assumed_values
from tco.engine import Option
from tco.errors import InfeasibleError
from tests.factories import accelerator, scenario, training

# --------------------------------------------------------------------------- plan_training: the state fits no count


def test_the_training_state_that_fits_no_count_names_the_batch_and_the_part_s_memory_beside_it() -> None:
    """Kills tco.engine.x_plan_training__mutmut_395 (``also=(batch, memory)`` dropped: the error named only the
    workload's parameters, so a --set of the global batch or of the part's memory was not the input blamed).

    A 1,000-token global batch of 1,000-token sequences is 1000 // 1000 = 1 sequence: one data-parallel replica
    cannot shard 1e14 parameters. The message names the two inputs that would change it, the global batch
    (workload.global_batch_tokens, given) and toy's memory (toy.memory_gb), and so does the error's ``also``."""
    with pytest.raises(InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(mfu=None)), training(parameters=1e14, shape=None, global_batch_tokens=1000), scenario())
    assert (exc.value.where, exc.value.key) == ("toy-train", "parameters")
    assert "the global batch's 1 sequence" in exc.value.message
    assert exc.value.also == ("workload.global_batch_tokens", "toy.memory_gb")


# --------------------------------------------------------------------------- assumed_values: the default batch's date


def test_the_default_global_batch_is_assumed_with_its_source_s_date() -> None:
    """Kills tco.analysis.common.x_assumed_values__mutmut_16 (``as_of="2024-07"`` -> None: the report's sources
    table gave the default global batch no date).

    Llama 3 70B gives no global batch: the models assume 2M × (70.6 / 7)^(1/3) = 4,321,145 tokens, swung from half
    to twice it (2,160,573 to 8,642,291), its latest source Llama 3's (2024-07). B200 gives its matmul fraction, so
    the batch is the only value assumed."""
    inputs = tco.load_inputs(["b200"], workload="llama3-70b")
    (batch,) = assumed_values(inputs)
    assert (batch.path, batch.scope, batch.flat) == ("workload.global_batch_tokens", "workload", "workload.global_batch_tokens")
    assert batch.value == pytest.approx(2e6 * (70.6 / 7) ** (1 / 3), rel=1e-12)
    assert (batch.low, batch.high) == pytest.approx((batch.value / 2, batch.value * 2), rel=1e-12)
    assert (batch.bounded, batch.label) == (False, "default estimate ×0.5–×2")
    assert batch.as_of == "2024-07"
