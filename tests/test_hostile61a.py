"""Hostile round 61a: the Python API as a scripter in a notebook uses it (tco.__all__, type hints,
docstring examples, wrong types, threads, pickling, frozen models)."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import tco

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _own_classes(hint: typing.Any) -> list[type]:
    """The tco classes a resolved hint names (at any depth)."""
    found = [hint] if isinstance(hint, type) and hint.__module__.startswith("tco") else []
    for arg in typing.get_args(hint):
        found += _own_classes(arg)
    return found


def test_type_hints_resolve_on_every_public_name() -> None:
    """D1: typing.get_type_hints(tco.simulate) (and what_if, breakeven, calibrate, cashflow, sensitivity,
    size, sweep) raised NameError: their return types were imported only under TYPE_CHECKING, to keep
    numpy out of ``import tco``. The result models now live in numpy-free tco.results. Every name in
    tco.__all__, the classes' own methods, and the classes the hints name resolve."""
    seen: set[type] = set()
    todo: list[typing.Any] = [getattr(tco, name) for name in tco.__all__]
    while todo:
        obj = todo.pop()
        if isinstance(obj, type):
            if obj in seen or obj.__name__ == "SweepChunk":  # (numpy arrays: not a public name)
                continue
            seen.add(obj)
            hints = typing.get_type_hints(obj)
            for name, member in vars(obj).items():
                if inspect.isfunction(member) and member.__module__.startswith("tco") and not name.startswith("__"):
                    todo.extend(c for h in typing.get_type_hints(member).values() for c in _own_classes(h))
        else:
            hints = typing.get_type_hints(obj)
        for hint in hints.values():
            todo.extend(_own_classes(hint))
    assert {c.__name__ for c in seen} >= {"WhatIfResult", "SweepRun", "CalibrationSummary", "CashflowResult", "SizeResult"}


def test_import_tco_still_skips_numpy() -> None:
    """D1's fix keeps ``import tco.cli`` / ``import tco.api`` and get_type_hints free of numpy."""
    code = (
        "import sys, typing, tco, tco.cli, tco.api\n"
        "for n in tco.__all__: typing.get_type_hints(getattr(tco, n))\n"
        "print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("skipped", [(), iter([]), "abc"])
def test_accelerator_table_skipped_must_be_a_list(tmp_path: Path, skipped: typing.Any) -> None:
    """D2: ``tco.accelerator_table(dirs, skipped=())`` raised AttributeError ('tuple' object has no
    attribute 'append') on the first file that did not load, and ``skipped=iter([])`` was quietly copied
    into a new list, so the problems appended to it were lost. ``skipped`` is appended to: only a list
    (or None) is taken."""
    (tmp_path / "accelerators").mkdir()
    (tmp_path / "accelerators" / "broken.toml").write_text('id = "broken"\nvendor = 3\n')
    shutil.copytree(PROFILES / "scenarios", tmp_path / "scenarios")
    with pytest.raises(tco.InputError, match="expected a list for the function to append to") as info:
        tco.accelerator_table([tmp_path], skipped=skipped)
    assert info.value.key == "skipped"
    kept: list[str] = []
    rows, _, _ = tco.accelerator_table([tmp_path], skipped=kept)
    assert rows == [] and len(kept) == 1 and "broken.toml" in kept[0]
