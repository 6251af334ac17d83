"""Checks the training model against published runs, and fits its few software constants (pure).

Every row of ``profiles/benchmarks/*.toml`` is predicted through the engine's own path
(:func:`tco.engine.plan_option` and :func:`tco.engine.evaluate_plan`, the profile's own measurements
removed), with the row's shape, batch, precision, MoE layout and software tuning. The error is
``predicted / published − 1``; rows that report a whole run (tokens ÷ accelerator-hours) are compared
with the predicted throughput × the default scenario's goodput at that count.

The rows are split once, by a hash of what identifies them (never by their error): about half fit the
constants of :mod:`tco.training` (``tco calibrate --fit``), the rest are held out and only checked.
No per-row factors: a row contributes its accelerator profile, its shape and its tuning level.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from tco import engine, serving, training
from tco.errors import NotFoundError, TcoError, did_you_mean
from tco.models import (
    Accelerator,
    AtLeastOneQuantity,
    AttentionKernel,
    CalibrationRow,
    CalibrationSet,
    InferenceWorkload,
    ModelShape,
    Parallelism,
    PipelineSchedule,
    PositiveQuantity,
    Scenario,
    ServingRow,
    ServingSet,
    TrainingLayout,
    TrainingWorkload,
    Tuning,
)
from tco.perf import SCALAR
from tco.results import CalibrationResult, CalibrationSummary, ErrorStats, ServingResult, ServingSummary, Split

SCALE_BANDS = ((1, 63, "8-63"), (64, 511, "64-511"), (512, 4095, "512-4,095"), (4096, 10**12, "4,096+"))

REPLICA_BANDS = ((1, 1, "1"), (2, 2, "2"), (3, 4, "3-4"), (5, 8, "5-8"), (9, 10**12, "9+"))
"""Serving rows by accelerators per replica, for the held-out summary; a row that states no replica is 'chosen'."""


def split_of(set_id: str, row: CalibrationRow, part: str | None = None) -> Split:
    """Deterministic half-split on what identifies a row (never on its error); ``part``: the id of the profile the row
    names (an alias names the same run as the id, and falls in the same half)."""
    key = f"{set_id}|{row.model}|{part or row.accelerator}|{row.accelerator_count}|{row.seq_len}|{row.precision.value}"
    return "fit" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "holdout"


def row_workload(
    row: CalibrationRow,
    tuning: Tuning,
    kernel: AttentionKernel = AttentionKernel.native,
    parallelism: Parallelism = Parallelism.megatron,
    published_layout: bool = False,
) -> TrainingWorkload:
    """A one-off training workload shaped like the published run; with ``published_layout`` held to the
    tensor, pipeline, context and expert degrees the source states (a diagnostic: the shipped figures let the
    model choose its own layout, as it does for a buyer's workload)."""
    shape = ModelShape.from_heads(row.layers, row.d_model, row.heads, row.kv_heads, row.head_dim) if row.layers and row.d_model else None
    total = row.total_parameters or row.parameters
    return TrainingWorkload(
        kind="training",
        id="calibration-row",
        name=row.model,
        parameters=PositiveQuantity(value=total),
        active_parameters=PositiveQuantity(value=row.parameters) if row.total_parameters else None,
        training_tokens=PositiveQuantity(value=1e9),
        precision=row.precision,
        seq_len=row.seq_len,
        accelerator_count=row.accelerator_count,
        shape=shape,
        global_batch_tokens=PositiveQuantity(value=row.global_batch_tokens) if row.global_batch_tokens else None,
        tuning=tuning,
        attention_kernel=kernel,
        parallelism=parallelism,
        experts=row.experts,  # (one without the other is refused, as a workload's and a serving row's are)
        experts_per_token=row.experts_per_token,
        pipeline_schedule=row.pipeline_schedule or PipelineSchedule.one_f_one_b,
        layout=_published_layout(row, parallelism) if published_layout else None,
    )


def _published_layout(row: CalibrationRow, parallelism: Parallelism) -> TrainingLayout | None:
    degrees = {
        "tensor_parallel": row.tensor_parallel,
        "pipeline_parallel": row.pipeline_parallel,
        "context_parallel": row.context_parallel,
        "expert_parallel": row.expert_parallel,
    }
    if parallelism is Parallelism.fsdp or all(v is None for v in degrees.values()):
        return None
    return TrainingLayout(**degrees)


@dataclass(frozen=True)
class Prepared:
    set_id: str
    row: CalibrationRow
    tuning: Tuning
    measure: str
    split: Split
    plan: engine.Plan | None
    p: dict[str, Any]
    reason: str | None


def _part(profiles: Mapping[str, Accelerator], part: str, kind: str, set_id: str) -> Accelerator:
    """The profile a published row names (``kind``: calibration or serving), or an error naming its file."""
    accel = profiles.get(part)
    if accel is None:
        raise NotFoundError(f"{kind} row names unknown accelerator '{part}'{did_you_mean(part, profiles)}", where=set_id)
    return accel


def prepare(
    sets: Sequence[CalibrationSet], profiles: Mapping[str, Accelerator], scenario: Scenario, *, published_layout: bool = False
) -> list[Prepared]:
    out = []
    for s in sets:
        for row in s.rows:
            accel = _part(profiles, row.accelerator, "calibration", s.id)
            tuning = row.tuning or s.tuning
            measure = row.measure or s.measure
            bare = accel.model_copy(update={"benchmarks": [], "mfu": None})
            if row.scale_out_gbps is not None:  # the measured cluster's own network
                net = PositiveQuantity(value=row.scale_out_gbps, source=f"{s.id}: the run's cluster")
                bare = bare.model_copy(update={"interconnect": bare.interconnect.model_copy(update={"scale_out_gbps": net})})
            wl = row_workload(row, tuning, row.attention_kernel or s.attention_kernel, row.parallelism or s.parallelism, published_layout)
            option = engine.performance_option(bare, row.accelerator_count)
            plan: engine.Plan | None
            p: dict[str, Any]
            reason = None
            try:
                plan = engine.plan_option(option, wl, scenario, market=False)
                p = engine.KnownInputs(engine.numeric_inputs(option, wl, scenario))
            except TcoError as exc:
                plan, p, reason = None, {}, exc.message
            out.append(Prepared(s.id, row, tuning, measure, split_of(s.id, row, accel.id), plan, p, reason))
    return out


def predict(item: Prepared, constants: Mapping[str, Any], ops: Any = None) -> tuple[Any, Any]:
    """(predicted tokens/s per accelerator on the row's basis, MFU) under ``constants`` (floats or arrays)."""
    assert item.plan is not None
    tuning = item.tuning.value
    plan = item.plan
    maturity = training.MATURITY_FACTOR[_maturity(plan)]
    stages = tuple(
        replace(
            st,
            efficiency=constants[f"efficiency_{tuning}"] * maturity,
            elementwise=constants[f"elementwise_{tuning}"],
            fp8_ratio=constants["fp8_ratio"],
            attention_ratio=constants["attention_ratio"],
            moe_vectors=constants["moe_vectors"],
            subset=None,
        )
        for st in plan.stages
    )
    plan = replace(plan, stages=stages)
    out = engine.evaluate_plan(plan, item.p, ops or SCALAR)
    tps = out["tokens_per_second_per_accelerator"]
    if item.measure == "end_to_end":
        tps = tps * out["goodput"]
    return tps, out["mfu"]


def _maturity(plan: engine.Plan) -> Any:
    return plan.stages[0].job.maturity


def current_constants() -> dict[str, float]:
    return {
        "efficiency_typical": training.GEMM_EFFICIENCY[Tuning.typical],
        "efficiency_tuned": training.GEMM_EFFICIENCY[Tuning.tuned],
        "elementwise_typical": training.ELEMENTWISE_VECTORS[Tuning.typical],
        "elementwise_tuned": training.ELEMENTWISE_VECTORS[Tuning.tuned],
        "fp8_ratio": training.FP8_GEMM_RATIO,
        "attention_ratio": training.ATTENTION_RATIO,
        "moe_vectors": training.MOE_DISPATCH_VECTORS,
    }


def _stats(errors: Sequence[float]) -> ErrorStats:
    a = [abs(e) for e in errors]
    return ErrorStats(
        rows=len(a),
        median_absolute_error=statistics.median(a) if a else None,
        worst_absolute_error=max(a) if a else None,
        median_error=statistics.median(errors) if errors else None,
    )


def _band(count: int) -> str:
    return next(name for lo, hi, name in SCALE_BANDS if lo <= count <= hi)


def _replica_band(replica: int | None) -> str:
    return "chosen" if replica is None else next(name for lo, hi, name in REPLICA_BANDS if lo <= replica <= hi)


def calibrate(
    sets: Sequence[CalibrationSet],
    profiles: Mapping[str, Accelerator],
    scenario: Scenario,
    constants: Mapping[str, float] | None = None,
    *,
    published_layout: bool = False,
) -> CalibrationSummary:
    """Predicted vs published tokens/s for every row, with error figures on the fit and held-out halves;
    ``published_layout`` holds each row to the degrees its source states (a diagnostic)."""
    consts = dict(constants or current_constants())
    items = prepare(sets, profiles, scenario, published_layout=published_layout)
    if not items:
        raise NotFoundError("no calibration rows found: expected benchmarks/*.toml on the profile path")
    results = []
    for it in items:
        tps = mfu = err = None
        layout = None
        reason = it.reason
        if it.plan is not None:
            t, m = predict(it, consts)
            if t == t and t > 0:
                tps, mfu = float(t), float(m)
                err = tps / it.row.tokens_per_second - 1.0
                lay = it.plan.layout
                if lay:
                    cp = f" CP{lay['context_parallel']}" if lay["context_parallel"] > 1 else ""
                    ep = f" EP{lay['expert_parallel']}" if lay["expert_parallel"] > 1 else ""
                    share = lay.get("full_recompute_share", 0.0)
                    full = f" {share:.0%}" if 0 < share < 1 else ""
                    dims = f"TP{lay['tensor_parallel']} PP{lay['pipeline_parallel']} DP{lay['data_parallel']}{cp}{ep}"
                    layout = f"{dims} {lay['recompute']}{full}"
            else:
                reason = "the model finds no layout that fits"
        results.append(
            CalibrationResult(
                set_id=it.set_id,
                accelerator=it.row.accelerator,
                model=it.row.model,
                parameters=it.row.parameters,
                seq_len=it.row.seq_len,
                accelerator_count=it.row.accelerator_count,
                precision=it.row.precision.value,
                tuning=it.tuning.value,
                measure=it.measure,
                split=it.split,
                measured_tokens_per_second=it.row.tokens_per_second,
                derived_tokens_per_second=tps,
                error=err,
                derived_mfu=mfu,
                reported_mfu=it.row.reported_mfu,
                layout=layout,
                reason=reason,
            )
        )
    scored = [r for r in results if r.error is not None]
    hold = [r for r in scored if r.split == "holdout"]
    worst = max(scored, key=lambda r: abs(r.error or 0.0)) if scored else None
    by_source: dict[str, list[float]] = {}
    by_scale: dict[str, list[float]] = {}
    for r in hold:
        by_source.setdefault(r.set_id, []).append(r.error or 0.0)
        by_scale.setdefault(_band(r.accelerator_count), []).append(r.error or 0.0)
    all_errors = [abs(r.error or 0.0) for r in scored]
    return CalibrationSummary(
        constants=consts,
        rows=results,
        fit=_stats([r.error or 0.0 for r in scored if r.split == "fit"]),
        holdout=_stats([r.error or 0.0 for r in hold]),
        holdout_by_source={k: _stats(v) for k, v in sorted(by_source.items())},
        holdout_by_scale={name: _stats(by_scale[name]) for _, _, name in SCALE_BANDS if name in by_scale},
        worst_row=(
            f"{worst.set_id}: {worst.model} seq {worst.seq_len} on {worst.accelerator_count} × {worst.accelerator}" if worst else None
        ),
        median_absolute_error=statistics.median(all_errors) if all_errors else None,
        worst_absolute_error=max(all_errors) if all_errors else None,
    )


def fit(sets: Sequence[CalibrationSet], profiles: Mapping[str, Accelerator], scenario: Scenario) -> dict[str, float]:
    """Fit the software constants on the ``fit`` rows only: a grid over (ε, β) per tuning level, then
    the attention, FP8 and MoE-routing constants, minimizing the mean |log(predicted / published)| of
    each publication's rows, averaged over publications (as :func:`fit_serving` does: rows of one
    publication share its stack and its way of measuring, so a long table counts once). Every grid
    point is evaluated at once (numpy arrays through the same formulas). Constraints keep the properties: ε_tuned ≥
    ε_typical and β_tuned ≤ β_typical."""
    import numpy as np

    items = [it for it in prepare(sets, profiles, scenario) if it.split == "fit" and it.plan is not None]
    effs = np.linspace(0.20, 0.95, 31)
    betas = np.array([0.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 700.0])
    grid_e, grid_b = (g.ravel() for g in np.meshgrid(effs, betas))
    consts: dict[str, Any] = current_constants()

    def loss(group: list[Prepared], trial: Mapping[str, Any]) -> Any:
        per_set = {it.set_id: sum(1 for o in group if o.set_id == it.set_id) for it in group}
        total: Any = 0.0
        for it in group:
            tps, _ = predict(it, trial, np)
            err = np.abs(np.log(np.where(tps > 0, tps, 1e-30) / it.row.tokens_per_second))
            total = total + np.where(np.isfinite(err), err, 10.0) / per_set[it.set_id]
        return total / max(len(per_set), 1)

    for _ in range(2):
        for level in (Tuning.typical, Tuning.tuned):
            group = [it for it in items if it.tuning is level]
            if not group:
                continue
            trial: dict[str, Any] = dict(consts)
            trial[f"efficiency_{level.value}"] = grid_e
            trial[f"elementwise_{level.value}"] = grid_b
            values = loss(group, trial)
            if level is Tuning.tuned:
                values = np.where(grid_e >= consts["efficiency_typical"], values, np.inf)
                values = np.where(grid_b <= consts["elementwise_typical"], values, np.inf)
            i = int(np.argmin(values))
            consts[f"efficiency_{level.value}"] = float(grid_e[i])
            consts[f"elementwise_{level.value}"] = float(grid_b[i])
        one_d: list[tuple[str, list[Prepared], Any]] = [
            ("attention_ratio", items, np.linspace(0.2, 1.0, 33)),
            (
                "fp8_ratio",
                [it for it in items if it.plan is not None and any(st.job.fp8 for st in it.plan.stages)],
                np.linspace(0.4, 1.0, 31),
            ),
            ("moe_vectors", [it for it in items if it.plan is not None and it.plan.stages[0].job.experts], np.linspace(0.0, 300.0, 31)),
        ]
        for name, group, values in one_d:
            if group:
                trial = dict(consts)
                trial[name] = values
                consts[name] = float(values[int(np.argmin(loss(group, trial)))])
    return {k: float(v) for k, v in consts.items()}


# --------------------------------------------------------------------------- serving


def serving_split(set_id: str, row: ServingRow, part: str | None = None) -> Split:
    """As :func:`split_of`, for a serving row."""
    parts: tuple[object, ...] = (set_id, row.model, part or row.accelerator, row.accelerators, row.scenario, row.precision.value)
    parts += (row.input_tokens, row.output_tokens, row.replica)
    key = "|".join(str(p) for p in parts)
    return "fit" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "holdout"


def serving_workload(row: ServingRow, tuning: Tuning = Tuning.tuned) -> InferenceWorkload:
    """The inference workload a published serving row describes, run on an engine of ``tuning`` (its set's)."""
    shape = (
        ModelShape.from_heads(
            row.layers, row.d_model, row.heads, row.kv_heads, row.head_dim, vocab=row.vocab, tied_embeddings=row.tied_embeddings
        )
        if row.layers and row.d_model
        else None
    )
    bounded = row.scenario != "offline"
    return InferenceWorkload(
        kind="inference",
        id="serving-row",
        name=row.model,
        parameters=PositiveQuantity(value=row.total_parameters or row.parameters),
        active_parameters=PositiveQuantity(value=row.parameters) if row.total_parameters else None,
        experts=row.experts,
        experts_per_token=row.experts_per_token,
        precision=row.precision,
        seq_len=max(1, math.ceil(row.input_tokens + row.output_tokens)),
        shape=shape,
        tokens_per_day=PositiveQuantity(value=1e9),
        service_life_years=PositiveQuantity(value=1.0),
        max_batch=row.max_batch or 4096,
        tuning=tuning,
        prompt_tokens=AtLeastOneQuantity(value=row.input_tokens),
        output_tokens=AtLeastOneQuantity(value=row.output_tokens),
        time_per_output_token_ms=PositiveQuantity(value=row.time_per_output_token_ms) if bounded and row.time_per_output_token_ms else None,
        time_to_first_token_ms=PositiveQuantity(value=row.time_to_first_token_ms) if bounded and row.time_to_first_token_ms else None,
        # (the percentile is the TPOT target's: a row without one has no target for it to hold)
        latency_percentile=row.latency_percentile if bounded and row.time_per_output_token_ms else None,
    )


def _serve(
    tuning: Tuning, row: ServingRow, accel: Accelerator, scenario: Scenario, constants: serving.Constants
) -> tuple[float | None, int | None, str | None]:
    bare = accel.model_copy(update={"benchmarks": []})
    wl = serving_workload(row, tuning)
    option = engine.performance_option(bare, row.replica)
    try:
        plan = engine.plan_option(option, wl, scenario, market=False, serving_constants=constants)
        p = engine.KnownInputs(engine.numeric_inputs(option, wl, scenario))
        out = engine.evaluate_plan(plan, p)
    except TcoError as exc:
        return None, None, exc.message
    tps = out["tokens_per_second_per_accelerator"]
    batch = plan.batch
    if row.requests is not None and plan.request is not None and plan.batch and tps == tps and tps > 0:
        sx = engine.plan_serving_inputs(plan, p)
        tps = serving.drained_run(plan.request, sx, replica=plan.replica, tensor=plan.tensor, batch=plan.batch, requests=row.requests)
        batch = min(plan.batch, row.requests)  # (a run of fewer requests than the batch runs them all at once)
    if tps == tps and tps > 0:
        return float(tps), batch, None
    unknown = sorted(k.replace("accel.", f"{accel.id}.", 1) for k in engine.speed_inputs(p.missing))
    return None, None, f"{', '.join(unknown)} unknown" if unknown else "the model cannot serve the row"


def calibrate_serving(
    sets: Sequence[ServingSet],
    profiles: Mapping[str, Accelerator],
    scenario: Scenario,
    constants: serving.Constants | None = None,
) -> ServingSummary:
    """Predicted vs published serving tokens/s per accelerator, fit and held-out halves."""
    consts = constants or serving.CONSTANTS
    rows = []
    for s in sets:
        for row in s.rows:
            accel = _part(profiles, row.accelerator, "serving", s.id)
            tps, batch, reason = _serve(s.tuning, row, accel, scenario, consts)
            rows.append(
                ServingResult(
                    set_id=s.id,
                    accelerator=row.accelerator,
                    model=row.model,
                    parameters=row.parameters,
                    precision=row.precision.value,
                    scenario=row.scenario,
                    input_tokens=row.input_tokens,
                    output_tokens=row.output_tokens,
                    tuning=s.tuning.value,
                    split=serving_split(s.id, row, accel.id),
                    replica=row.replica,
                    measured_tokens_per_second=row.tokens_per_second,
                    derived_tokens_per_second=tps,
                    error=None if tps is None else tps / row.tokens_per_second - 1.0,
                    batch=batch,
                    reason=reason,
                )
            )
    hold = [r for r in rows if r.split == "holdout" and r.error is not None]
    by_source: dict[str, list[float]] = {}
    by_replica: dict[str, list[float]] = {}
    for r in hold:
        by_source.setdefault(r.set_id, []).append(r.error or 0.0)
        by_replica.setdefault(_replica_band(r.replica), []).append(r.error or 0.0)
    bands = [name for _, _, name in REPLICA_BANDS] + ["chosen"]
    return ServingSummary(
        constants={
            "compute_efficiency": consts[0],
            "bandwidth_efficiency": consts[1],
            "collective_efficiency": consts[2],
            "step_overhead_ms": consts[3] * 1000.0,
            "overlap_exponent": consts[4] if math.isfinite(consts[4]) else None,
            "layer_overhead_typical_ms": consts[5] * 1000.0,
            "kv_bandwidth_ratio": consts[6],
            "layer_overhead_tuned_ms": consts[7] * 1000.0,
        },
        rows=rows,
        fit=_stats([r.error for r in rows if r.split == "fit" and r.error is not None]),
        holdout=_stats([r.error or 0.0 for r in hold]),
        holdout_by_source={k: _stats(v) for k, v in sorted(by_source.items())},
        holdout_by_scale={name: _stats(by_replica[name]) for name in bands if name in by_replica},
    )


def fit_serving(sets: Sequence[ServingSet], profiles: Mapping[str, Accelerator], scenario: Scenario) -> serving.Constants:
    """Fit (ε, e_bw, c, τ, p, λ_typ, r_kv, λ_tuned) on the fit rows only, minimizing the mean |log(predicted / published)|
    of each publication, averaged over publications (one publication's long table does not outweigh the
    others): a grid over (ε, e_bw), then over c, τ, λ (a typical engine's time per layer: only the
    typical sets' rows move with it), p, r_kv (the KV cache's share of the weights' read rate) and
    λ_tuned (a tuned engine's time per layer),
    repeated until a pass changes nothing (coordinate descent to a fixed point, so a refit from the
    shipped constants gives them back)."""
    fit_rows = [
        (s.id, s.tuning, r)
        for s in sets
        for r in s.rows
        if r.accelerator in profiles and serving_split(s.id, r, profiles[r.accelerator].id) == "fit"
    ]
    per_set = {set_id: sum(1 for i, _, _ in fit_rows if i == set_id) for set_id, _, _ in fit_rows}

    def loss(trial: serving.Constants) -> float:
        total = 0.0
        for set_id, tuning, row in fit_rows:
            tps, _, _ = _serve(tuning, row, profiles[row.accelerator], scenario, trial)
            total += (abs(math.log(tps / row.tokens_per_second)) if tps else 10.0) / per_set[set_id]
        return total

    consts = serving.CONSTANTS
    if not fit_rows:  # (as fit does for a tuning level without rows: nothing to fit, the constants stay)
        return consts
    taus = (0.0, 0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.005)
    pairs = [(round(0.25 + 0.05 * i, 4), round(0.5 + 0.05 * j, 4)) for i in range(15) for j in range(11)]

    def best(base: serving.Constants, at: tuple[int, ...], candidates: Sequence[tuple[float, ...]]) -> serving.Constants:
        """``base`` with the candidate of least loss at the positions ``at``; ``base`` itself unless one is strictly
        better: a constant the fit rows do not move (a tie, e.g. the collective efficiency on single-accelerator
        rows) keeps its value instead of taking its grid's first."""

        def put(values: tuple[float, ...]) -> serving.Constants:
            trial = list(base)
            for i, v in zip(at, values, strict=True):
                trial[i] = v
            return cast(serving.Constants, tuple(trial))

        return min([base, *(put(c) for c in candidates)], key=loss)  # (the first of the least: base on a tie)

    for _ in range(8):  # (three passes reached the fixed point on 2026-12-02)
        before = consts
        consts = best(consts, (0, 1), pairs)
        consts = best(consts, (2,), [(round(0.3 + 0.05 * k, 4),) for k in range(15)])
        consts = best(consts, (3,), [(t,) for t in taus])
        consts = best(consts, (5,), [(round(1e-5 * k, 6),) for k in range(21)])
        consts = best(consts, (4,), [(q,) for q in (1.0, 1.5, 2.0, 3.0, 4.0, math.inf)])
        consts = best(consts, (6,), [(round(0.5 + 0.05 * k, 4),) for k in range(11)])
        consts = best(consts, (7,), [(round(5e-6 * k, 7),) for k in range(11)])
        if consts == before:
            break
    return consts


CalibrationSummary.model_rebuild()
