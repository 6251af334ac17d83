"""Bounded memos: results remembered in one process, the oldest dropped past a limit (pure, no I/O)."""

from __future__ import annotations

import enum
import numbers
from typing import Any

from pydantic import BaseModel


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


def contents(*objects: Any, identity: bool = True) -> tuple[Any, ...]:
    """What a change inside frozen models alters: each field's value of each pydantic model reachable from
    ``objects`` (a number, a text, a flag or an enum member as itself, with its type; any other object by its
    identity), and the identity of each list and table, its length and its items (the same way). A model is frozen,
    but its lists and tables are not (``accelerator.benchmarks.clear()``), and ``object.__setattr__`` reassigns a
    frozen field (``object.__setattr__(scenario.pue, 'value', 0.5)``): a memo keyed by a model's identity compares
    this too, so equal, nothing was changed since (about 0.1 ms a profile). A number is kept as itself, not by its
    identity, since a value replaced twice may take the freed address of the first.

    With ``identity=False``, what the objects hold, whatever objects hold it: each list, table and model by its type
    (and length), a real number as a number (``2``, ``2.0`` and ``np.float64(2)`` alike); equal for two models
    of the same values of the same types (the text ``'fp8'`` is not ``Precision.fp8``, though ``==`` says so)."""
    out: list[Any] = []
    stack: list[Any] = list(objects)
    while stack:
        value = stack.pop()
        if isinstance(value, BaseModel):
            out += () if identity else (type(value),)
            items: Any = value.__dict__.values()
        elif isinstance(value, (list, tuple)):
            out += (id(value) if identity else type(value), len(value))
            items = value
        elif isinstance(value, dict):
            out += (id(value) if identity else type(value), len(value))
            out += map(_mark, value)
            items = value.values()
        else:
            continue
        for item in items:
            if not identity and isinstance(item, numbers.Real) and not isinstance(item, bool):
                out += (numbers.Real, item)
            elif type(item) in _LEAVES or isinstance(item, enum.Enum):
                out += (type(item), item)
            elif isinstance(item, (BaseModel, list, tuple, dict)):
                out += (id(item),) if identity else ()
                stack.append(item)
            else:
                out.append(id(item) if identity else (type(item), repr(item)))
    return tuple(out)


_LEAVES = frozenset((int, float, str, bool, type(None)))
"""Values a fingerprint keeps as themselves (immutable, and compared by value)."""


def _mark(key: Any) -> Any:
    return key if type(key) in _LEAVES else id(key)
