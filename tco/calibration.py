"""Checks the derived throughput model against published measurements (pure).

For each row of the calibration set the model predicts tokens/s per accelerator from the profile
alone (its measurement for the row's workload is never used) and the error is
``derived / measured − 1``. No per-row factors: the MFU is the profile's family value or the
maturity default, exactly as ``tco compare`` would use it.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence

from pydantic import Field

from tco import perf
from tco.errors import NotFoundError, did_you_mean
from tco.models import (
    Accelerator,
    CalibrationRow,
    CalibrationSet,
    ModelShape,
    PositiveQuantity,
    Precision,
    StrictModel,
    TrainingWorkload,
)


class CalibrationResult(StrictModel):
    set_id: str
    accelerator: str
    model: str
    parameters: float
    seq_len: int
    accelerator_count: int
    precision: str
    measured_tokens_per_second: float
    derived_tokens_per_second: float
    error: float = Field(description="derived / measured − 1")
    derived_mfu: float
    reported_mfu: float | None
    mfu_source: str


class CalibrationSummary(StrictModel):
    schema_version: int = 1
    rows: list[CalibrationResult]
    median_absolute_error: float
    worst_absolute_error: float
    worst_row: str


def row_workload(row: CalibrationRow) -> TrainingWorkload:
    """A one-off training workload shaped like the measured run."""
    shape = ModelShape(layers=row.layers, d_model=row.d_model) if row.layers and row.d_model else None
    return TrainingWorkload(
        kind="training",
        id="calibration-row",
        name=row.model,
        parameters=PositiveQuantity(value=row.parameters),
        training_tokens=PositiveQuantity(value=1.0),
        precision=row.precision,
        seq_len=row.seq_len,
        accelerator_count=row.accelerator_count,
        shape=shape,
    )


def calibrate(sets: Sequence[CalibrationSet], profiles: Mapping[str, Accelerator]) -> CalibrationSummary:
    """Derived vs measured tokens/s for every row, with the median and worst absolute error."""
    results: list[CalibrationResult] = []
    for s in sets:
        for row in s.rows:
            accel = profiles.get(row.accelerator)
            if accel is None:
                raise NotFoundError(
                    f"calibration row names unknown accelerator '{row.accelerator}'{did_you_mean(row.accelerator, profiles)}",
                    where=s.id,
                )
            # Strip measurements so the prediction uses the model alone.
            bare = accel.model_copy(update={"benchmarks": []})
            wl = row_workload(row)
            tp = perf.training_throughput(accel=bare, workload=wl, count=row.accelerator_count)
            choice = perf.training_mfu(bare, Precision.bf16)
            results.append(
                CalibrationResult(
                    set_id=s.id,
                    accelerator=row.accelerator,
                    model=row.model,
                    parameters=row.parameters,
                    seq_len=row.seq_len,
                    accelerator_count=row.accelerator_count,
                    precision=row.precision.value,
                    measured_tokens_per_second=row.tokens_per_second,
                    derived_tokens_per_second=tp.tokens_per_second,
                    error=tp.tokens_per_second / row.tokens_per_second - 1.0,
                    derived_mfu=tp.mfu or 0.0,
                    reported_mfu=row.reported_mfu,
                    mfu_source=choice.source,
                )
            )
    if not results:
        raise NotFoundError("no calibration rows found: expected benchmarks/*.toml on the profile path")
    errors = [abs(r.error) for r in results]
    worst = max(results, key=lambda r: abs(r.error))
    return CalibrationSummary(
        rows=results,
        median_absolute_error=statistics.median(errors),
        worst_absolute_error=abs(worst.error),
        worst_row=f"{worst.set_id}: {worst.model} seq {worst.seq_len} on {worst.accelerator_count} × {worst.accelerator}",
    )
