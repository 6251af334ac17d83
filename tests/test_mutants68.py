"""Tests that kill surviving mutants of the seed-68 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 60 of their 11,958 mutants: ``random.Random(68).sample`` over the sorted names): a
measurement that states no count and is carried past the peak blames the node size it was taken at, not a count it
does not have; a path whose only field is ``value`` names no field (``X.value`` is ``X`` only after a field).

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py and
tco/training.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

import tco
from tco import engine
from tco.analysis.common import prepare, resolve_target
from tco.engine import Option
from tests.factories import accelerator, bench, scenario, training

approx = pytest.approx


# --------------------------------------------------------------------------- evaluate_option: whose count is blamed


def test_a_measurement_with_no_count_carried_past_the_peak_blames_the_node_size() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_238 (``key=… if stated else "interconnect.devices_per_node"`` ->
    ``… if (stated) or True else …``: a measurement that states no count blamed its own accelerator_count, which
    it does not have, instead of the node size its count was taken from).

    A 7e9-parameter run of 32 layers 4,096 wide at 4,096 tokens: 6 × 7e9 + 12 × 32 × 4,096 × 4,096 = 4.2e10 +
    6.442e9 = 4.8442e10 FLOPs a token. Measured at 1,800 tokens/s with no count, it was taken on one node of the
    toy (devices_per_node = 4): MFU 1,800 × 4.8442e10 / 1e14 = 0.872 there. Carried to 8 toys (of 40 GB) by the
    model's own ratio of MFUs at 8 and at 4 (read from the engine below, ≈ 0.3384 / 0.2636 = 1.284) it implies
    0.872 × 1.284 = 1.12 > 1: refused. The count the refusal says was assumed is the node's, so the key is
    ``interconnect.devices_per_node``; with ``accelerator_count = 4`` stated, the measurement's count is blamed."""
    wl = training(parameters=7e9, shape={"layers": 32, "d_model": 4096}, accelerator_count=8, seq_len=4096, training_tokens=1e11)
    mfu: dict[int, float] = {}
    for n in (4, 8):
        (row,) = engine.compare(options=[Option(accelerator(mfu=None, memory_gb=40), n)], workload=wl, scenario=scenario()).results
        assert row.mfu is not None
        mfu[n] = row.mfu
    carried = 1800 * (6 * 7e9 + 12 * 32 * 4096 * 4096) / 100e12 * mfu[8] / mfu[4]
    assert 1800 * 4.8442e10 / 1e14 == approx(0.872, abs=5e-4)
    assert carried == approx(1.12, abs=0.005)
    tail = (
        ", carried to 8 by the model's scaling, implies MFU 1.12 (> 1): the model cannot follow the job from 4 to 8 "
        "accelerators; check the measurement's count"
    )
    for extra, said, key in (
        ({}, " (the measurement states no count: one node)", "interconnect.devices_per_node"),
        ({"accelerator_count": 4}, "", "benchmarks[toy-train].accelerator_count"),
    ):
        measured = accelerator(mfu=None, memory_gb=40, benchmarks=[bench("toy-train", 1800, **extra)])
        with pytest.raises(tco.InfeasibleError) as exc:
            engine.evaluate_option(Option(measured, 8), wl, scenario())
        assert exc.value.message == f"the measured 1,800 tokens/s on 4 accelerators{said}" + tail
        assert (exc.value.where, exc.value.key) == ("toy", key)


# --------------------------------------------------------------------------- _resolve_target: X.value needs an X


@pytest.mark.parametrize("path", ["scenario.value", "workload.value", "h100-sxm.value"])
def test_a_path_whose_only_field_is_value_names_no_field(path: str) -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_55 (``len(rest_parts) > 1 and rest_parts[-1] == "value"``
    -> ``>= 1``: a path of one part ``value`` was read as the quantity's value of nothing, the scope itself).

    ``scenario.pue.value`` is ``scenario.pue`` (the quantity's value: 1.25 in the shipped scenario), but
    ``scenario.value``, ``workload.value`` and ``h100-sxm.value`` name no field of the scenario, the workload or the
    part: each is refused as "no such field", at the path as typed."""
    prep = prepare(tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b"))
    pue = resolve_target(prep, "scenario.pue.value")
    assert (pue.path, pue.keys, pue.central) == ("scenario.pue", {0: "scenario.pue"}, 1.25)
    with pytest.raises(tco.InputError) as exc:
        resolve_target(prep, path)
    assert (exc.value.message, exc.value.where, exc.value.key) == ("no such field", "input", path)
