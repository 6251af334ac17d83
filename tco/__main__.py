"""``python -m tco``."""

from tco.cli import main

main()
