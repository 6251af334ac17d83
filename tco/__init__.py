"""tco: which AI accelerator, and how many, to buy or rent — cost per token plus the cost of delay.

The public Python API. Every CLI command is a thin wrapper over these functions, which return the
same pydantic result models the CLI renders.
"""

from tco.api import (
    accelerator_table,
    breakeven,
    calibrate,
    compare,
    estimate,
    load_accelerator,
    load_inputs,
    load_scenario,
    load_workload,
    sensitivity,
    simulate,
    size,
    sweep,
    validate_file,
    what_if,
)
from tco.errors import InfeasibleError, InputError, MissingInputError, NotFoundError, TcoError
from tco.inputs import Inputs
from tco.models import Accelerator, Comparison, InferenceWorkload, OptionResult, Scenario, TrainingWorkload

__version__ = "0.1.0"

__all__ = [
    "what_if",
    "Accelerator",
    "Comparison",
    "InferenceWorkload",
    "InfeasibleError",
    "InputError",
    "Inputs",
    "MissingInputError",
    "NotFoundError",
    "OptionResult",
    "Scenario",
    "TcoError",
    "TrainingWorkload",
    "accelerator_table",
    "breakeven",
    "calibrate",
    "compare",
    "estimate",
    "load_accelerator",
    "load_inputs",
    "load_scenario",
    "load_workload",
    "sensitivity",
    "simulate",
    "size",
    "sweep",
    "validate_file",
]
