"""The console entry point (``tco``, ``python -m tco``).

It imports the CLI only inside :func:`main`, so that an environment missing one of tco's dependencies
(typer, pydantic, tabulate, numpy) gets one clear line and exit code 1, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
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
    run(argv)


if __name__ == "__main__":
    main()
