"""tco: which AI accelerator, and how many, to buy or rent — cost per token plus the cost of delay.

The public Python API. Every CLI command is a thin wrapper over these functions, which return the
same pydantic result models the CLI renders.
"""

import typing as _typing

if _typing.TYPE_CHECKING:  # for type checkers; at run time the names load on first use (below)
    from tco.api import (
        accelerator_table as accelerator_table,
    )
    from tco.api import (
        analysable as analysable,
    )
    from tco.api import (
        breakeven as breakeven,
    )
    from tco.api import (
        calibrate as calibrate,
    )
    from tco.api import (
        cashflow as cashflow,
    )
    from tco.api import (
        compare as compare,
    )
    from tco.api import (
        load_accelerator as load_accelerator,
    )
    from tco.api import (
        load_inputs as load_inputs,
    )
    from tco.api import (
        load_scenario as load_scenario,
    )
    from tco.api import (
        load_workload as load_workload,
    )
    from tco.api import (
        sensitivity as sensitivity,
    )
    from tco.api import (
        simulate as simulate,
    )
    from tco.api import (
        size as size,
    )
    from tco.api import (
        sweep as sweep,
    )
    from tco.api import (
        validate_file as validate_file,
    )
    from tco.api import (
        what_if as what_if,
    )
    from tco.errors import (
        InfeasibleError as InfeasibleError,
    )
    from tco.errors import (
        InputError as InputError,
    )
    from tco.errors import (
        MissingInputError as MissingInputError,
    )
    from tco.errors import (
        NotFoundError as NotFoundError,
    )
    from tco.errors import (
        ProblemList as ProblemList,
    )
    from tco.errors import (
        TcoError as TcoError,
    )
    from tco.estimates import (
        estimate as estimate,
    )
    from tco.inputs import (
        Inputs as Inputs,
    )
    from tco.inputs import (
        Recipe as Recipe,
    )
    from tco.models import (
        Accelerator as Accelerator,
    )
    from tco.models import (
        Comparison as Comparison,
    )
    from tco.models import (
        InferenceWorkload as InferenceWorkload,
    )
    from tco.models import (
        OptionResult as OptionResult,
    )
    from tco.models import (
        Scenario as Scenario,
    )
    from tco.models import (
        StageResult as StageResult,
    )
    from tco.models import (
        TrainingWorkload as TrainingWorkload,
    )

__version__ = "0.1.0"

_EXPORTS = {
    "accelerator_table": "tco.api",
    "analysable": "tco.api",
    "breakeven": "tco.api",
    "calibrate": "tco.api",
    "cashflow": "tco.api",
    "compare": "tco.api",
    "estimate": "tco.estimates",
    "load_accelerator": "tco.api",
    "load_inputs": "tco.api",
    "load_scenario": "tco.api",
    "load_workload": "tco.api",
    "sensitivity": "tco.api",
    "simulate": "tco.api",
    "size": "tco.api",
    "sweep": "tco.api",
    "validate_file": "tco.api",
    "what_if": "tco.api",
    "InfeasibleError": "tco.errors",
    "InputError": "tco.errors",
    "MissingInputError": "tco.errors",
    "NotFoundError": "tco.errors",
    "ProblemList": "tco.errors",
    "TcoError": "tco.errors",
    "Inputs": "tco.inputs",
    "Recipe": "tco.inputs",
    "Accelerator": "tco.models",
    "Comparison": "tco.models",
    "InferenceWorkload": "tco.models",
    "OptionResult": "tco.models",
    "Scenario": "tco.models",
    "StageResult": "tco.models",
    "TrainingWorkload": "tco.models",
}


if not _typing.TYPE_CHECKING:  # (hidden from type checkers, so that a misspelt tco.compre is their error)

    def __getattr__(name: str) -> _typing.Any:
        """Load the public API on first use: ``import tco`` stays cheap, and the console entry point can
        report a missing dependency in one line before anything imports it (tco/__main__.py)."""
        import importlib

        if name in _EXPORTS:
            value = getattr(importlib.import_module(_EXPORTS[name]), name)
            globals()[name] = value
            return value
        try:
            return importlib.import_module(f"tco.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tco.{name}":
                raise
            raise AttributeError(f"module 'tco' has no attribute '{name}'") from None


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
    "ProblemList",
    "Recipe",
    "Scenario",
    "StageResult",
    "TcoError",
    "TrainingWorkload",
    "accelerator_table",
    "analysable",
    "breakeven",
    "calibrate",
    "cashflow",
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


def __dir__() -> list[str]:
    """The public API with the module's own names: completion in a REPL or an IDE sees what ``__getattr__`` loads."""
    return sorted(set(globals()) | set(__all__))
