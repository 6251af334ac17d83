"""Bounded memos: results remembered in one process, the oldest dropped past a limit (pure, no I/O)."""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

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


def contents(*objects: Any) -> tuple[int, ...]:
    """What an in-place change inside frozen models alters: the identity of each list and table reachable from
    ``objects`` (pydantic models, walked through the fields that may hold one), its length and its items'
    identities. A model is frozen, its lists and tables are not (``accelerator.benchmarks.clear()``), so a memo keyed
    by a model's identity compares this too: equal, nothing was changed in place since (about 10 µs a profile)."""
    out: list[int] = []
    stack: list[Any] = list(objects)
    while stack:
        value = stack.pop()
        if isinstance(value, BaseModel):
            fields = value.__dict__
            stack.extend(fields.get(name) for name in _holders(type(value)))
        elif isinstance(value, list):
            out += (id(value), len(value), *map(id, value))
            stack.extend(v for v in value if isinstance(v, (BaseModel, list, dict)))
        elif isinstance(value, dict):
            out += (id(value), len(value), *map(id, value), *map(id, value.values()))
            stack.extend(v for v in value.values() if isinstance(v, (BaseModel, list, dict)))
    return tuple(out)


_HOLDERS: dict[type, tuple[str, ...]] = {}
"""Model class -> its fields that may hold a list, a table, or a model that does (one entry per class)."""


def _holders(cls: type[BaseModel]) -> tuple[str, ...]:
    found = _HOLDERS.get(cls)
    if found is None:
        _HOLDERS[cls] = ()  # (while it is worked out: a model that holds its own kind)
        found = tuple(name for name, f in cls.model_fields.items() if _may_hold(f.annotation))
        _HOLDERS[cls] = found
    return found


def _may_hold(annotation: Any) -> bool:
    if annotation is Any:
        return True
    if isinstance(annotation, type) and get_origin(annotation) is None:
        return issubclass(annotation, (list, dict)) or (issubclass(annotation, BaseModel) and bool(_holders(annotation)))
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if origin in (Union, types.UnionType, Annotated):
        return any(_may_hold(a) for a in get_args(annotation))
    return origin is not None  # (list[...], dict[...] and their kind)
