"""Session 40: one list of the inputs no plan reads (engine.PLAN_FREE), checked against the planner."""

from __future__ import annotations

import numpy as np
import pytest

import tco
from tco import api, engine
from tco.analysis import common

CASES = [
    (["h800", "h100-sxm:rent"], "deepseek-v3"),  # MoE, staged (pre-training and long context), bought and rented
    (["h100-sxm", "a100-80gb:rent", "mlu370-s4"], "gpt3-1.3b"),  # dense training, a measured run
    (["h100-sxm@8", "mi300x"], "chat-70b"),  # serving: an owned fleet sized by demand
]


@pytest.mark.parametrize(("accelerators", "workload"), CASES)
def test_plan_free_inputs_move_no_plan(accelerators: list[str], workload: str) -> None:
    """Every input engine.plan_free names, at a thousandth and a thousand times its value, leaves every plan as
    it was (the analyses then never plan again for it); and the list is not empty for any case."""
    inputs = api.load_inputs(accelerators, workload=workload)
    checked = 0
    for i, o in enumerate(inputs.options):
        kind = "inference" if workload == "chat-70b" else "training"
        for flat, value in engine.numeric_inputs(o, inputs.workload, inputs.scenario).items():
            if flat == "count" or flat in engine.RUN_INPUTS or not engine.plan_free(flat, kind):
                continue
            scope, key = flat.split(".", 1)
            assert not api._plan_moves(inputs, i, o.accelerator.id if scope == "accel" else scope, key, value), (workload, flat)
            checked += 1
    assert checked >= 20


def test_plan_free_names() -> None:
    """Money, power, carbon, weeks and a training job's tokens are plan-free; what layouts or replicas are chosen
    from is not; the utilization only for training (an owned serving fleet's demand is divided by it)."""
    free = [
        "accel.price_usd",
        "accel.price_usd.value",
        "scenario.pue",
        "accel.tdp_w",
        "scenario.network_usd_per_accelerator_tier.infiniband",
        "scenario.porting.high.weeks",
        "workload.training_tokens",
        "workload.stages[long-context].tokens",
        "scenario.usd_per_cny",
    ]
    assert all(engine.plan_free(k) for k in free)
    held = ["accel.memory_gb", "scenario.failure_rate_per_accelerator_day", "workload.stages[long-context].seq_len"]
    held.append("workload.tokens_per_day")
    assert not any(engine.plan_free(k) for k in held)
    assert engine.plan_free("scenario.utilization", "training")
    assert not engine.plan_free("scenario.utilization", "inference") and not engine.plan_free("scenario.utilization")


def test_sensitivity_plans_only_what_can_move(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tornado on an MoE job asks whether each uncertain input moves the plan; it plans again only for
    inputs the planner reads (before: 40 plans for DeepSeek-V3 on H800, 17 of them for money, power, weeks or
    tokens), and its table is unchanged by skipping the rest."""
    planned: list[str] = []
    real = common._plan_with

    def counting(prep: common.Prepared, i: int, assignments: tuple[tuple[common.Target, float], ...]) -> engine.Plan | None:
        planned.extend(t.path for t, _ in assignments)
        return real(prep, i, assignments)

    monkeypatch.setattr(common, "_plan_with", counting)
    prep = common.prepare(api.load_inputs(["h800"], workload="deepseek-v3"))
    for u in common.uncertain_inputs(prep, ranged_only=False):
        if u.target.keys:
            common.moves_plan(prep, 0, u.target, np.array([u.low, u.high]))
    assert planned, "the layout inputs are still asked"
    assert not any(engine.plan_free(common.resolve_target(prep, path).keys[0], "training") for path in planned)
    assert {"scenario.utilization", "workload.training_tokens", "h800.tdp_w", "scenario.depreciation_years"}.isdisjoint(planned)
    assert "h800.memory_bandwidth_gbps" in planned


def test_estimate_notes_a_set_it_never_reads() -> None:
    """estimate reports speed and time only: a --set of a price, a PUE or a TDP changed nothing there without a
    word (round 63a). Each is now noted as unread; a memory size, which the layout reads, is not."""
    est = tco.estimate("h100-sxm", parameters=7e9, sets=["h100-sxm.price_usd=1", "scenario.pue=1.3", "h100-sxm.memory_gb=60"])
    unread = [n for n in est.notes if "not read by estimate" in n]
    assert unread == [
        "sets h100-sxm.price_usd: not read by estimate, which reports speed and time, not cost, power or time to market",
        "sets scenario.pue: not read by estimate, which reports speed and time, not cost, power or time to market",
    ]
    served = tco.estimate("h100-sxm", parameters=7e9, mode="infer", sets=["h100-sxm.tdp_w=500"])
    assert [n for n in served.notes if "not read by estimate" in n] == [
        "sets h100-sxm.tdp_w: not read by estimate, which reports speed and time, not cost, power or time to market"
    ]
