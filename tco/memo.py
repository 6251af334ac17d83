"""Bounded memos: results remembered in one process, the oldest dropped past a limit (pure, no I/O)."""

from __future__ import annotations

from typing import Any


def remember(table: dict[Any, Any], key: Any, value: Any, most: int) -> None:
    """``table[key] = value`` as the newest entry, the oldest dropped while more than ``most`` remain.
    Another thread may change the table at the same time: an entry already gone is skipped, and a table
    changed mid-iteration is cleared (the memo is rebuilt, never wrong)."""
    table.pop(key, None)
    table[key] = value
    while len(table) > most:
        try:
            table.pop(next(iter(table)), None)
        except (RuntimeError, StopIteration):
            table.clear()
