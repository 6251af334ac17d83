"""The console entry point (``tco``, ``python -m tco``).

It imports the CLI only inside :func:`main`, so that an environment missing one of tco's dependencies
(typer, pydantic, tabulate, numpy) gets one clear line and exit code 1, never a traceback.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    first = "tco.cli" not in sys.modules
    collecting = gc.isenabled()
    if first:
        # The import creates some 30,000 container objects that live as long as the process (the
        # classes, functions and schemas of typer, pydantic and tco's models): the cyclic collector
        # would scan them again and again while they are created, and once more as the interpreter
        # exits. Collection waits until the import is done, and the objects it created are then frozen
        # (left out of every later collection, the one at exit included): ~25 ms of tco compare.
        gc.disable()
    try:
        from tco.cli import main as run
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name == "tco" or exc.name.startswith("tco."):
            raise
        sys.stderr.write(
            f"Error: tco needs the Python package '{exc.name}', which is not installed for {sys.executable}: "
            "install tco with its dependencies (pip install . in a checkout, or pip install tco)\n"
        )
        raise SystemExit(1) from None
    except KeyboardInterrupt:  # Ctrl-C while the modules load: exit as after it (130), not a traceback of the import
        raise SystemExit(130) from None
    finally:
        if first:
            gc.freeze()
            if collecting:
                gc.enable()
    run(argv)


if __name__ == "__main__":
    main()
