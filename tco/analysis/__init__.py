"""What-if analyses on top of the engine: break-even, sensitivity, Monte Carlo, sweeps, sizing, cash flow.

All of them evaluate many scenarios at once: :func:`evaluate_many` feeds numpy arrays through the
engine's own arithmetic (:func:`tco.engine.evaluate_plan` with ``ops=numpy``), so the formulas exist
once. numpy is imported here only, and this module is imported only by the commands that need it.

Inputs are named by the same dotted paths as ``--set``: ``scenario.<field>``, ``workload.<field>``,
``<accelerator-id>.<field>`` (``<accelerator-id>.count`` for the count of that option). Values are
checked by rebuilding the model through validation, so a what-if cannot smuggle in a negative price.
Methods: cost-model.md §2.4 (break-even), §2.5 (tornado), §2.6 (Monte Carlo with a lognormal from a
90 % interval, common random numbers across options).
"""

from tco.analysis.breakeven import breakeven, default_range, parse_range
from tco.analysis.cashflow import cashflow
from tco.analysis.common import (
    CHUNK,
    DEFAULT_SWING,
    Z95,
    Batch,
    Prepared,
    Target,
    Uncertain,
    evaluate_many,
    known,
    missing_by_option,
    prepare,
    resolve_target,
    uncertain_inputs,
    validate_value,
)
from tco.analysis.montecarlo import MAX_SAMPLES, sample_input, simulate
from tco.analysis.sensitivity import sensitivity
from tco.analysis.sizing import MAX_COUNT, size
from tco.analysis.sweep import MAX_SWEEP_ROWS, SWEEP_METRICS, Axis, iter_sweep, make_axes, parse_vary, sweep_columns
from tco.analysis.whatif import what_if
from tco.results import (
    BreakevenResult,
    CashflowResult,
    Percentiles,
    SensitivityResult,
    SensitivityRow,
    SimulationOption,
    SimulationResult,
    SizeOption,
    SizeResult,
    SweepChunk,
    SweepRun,
    WhatIfOption,
    WhatIfResult,
)

__all__ = [
    "Axis",
    "Batch",
    "BreakevenResult",
    "CHUNK",
    "CashflowResult",
    "DEFAULT_SWING",
    "MAX_COUNT",
    "MAX_SAMPLES",
    "MAX_SWEEP_ROWS",
    "Percentiles",
    "Prepared",
    "SWEEP_METRICS",
    "SensitivityResult",
    "SensitivityRow",
    "SimulationOption",
    "SimulationResult",
    "SizeOption",
    "SizeResult",
    "SweepChunk",
    "SweepRun",
    "Target",
    "Uncertain",
    "WhatIfOption",
    "WhatIfResult",
    "Z95",
    "breakeven",
    "cashflow",
    "default_range",
    "evaluate_many",
    "iter_sweep",
    "known",
    "make_axes",
    "missing_by_option",
    "parse_range",
    "parse_vary",
    "prepare",
    "resolve_target",
    "sample_input",
    "sensitivity",
    "simulate",
    "size",
    "sweep_columns",
    "uncertain_inputs",
    "validate_value",
    "what_if",
]
