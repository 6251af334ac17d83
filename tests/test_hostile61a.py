"""Hostile round 61a: the Python API as a scripter in a notebook uses it (tco.__all__, type hints,
docstring examples, wrong types, threads, pickling, frozen models)."""

from __future__ import annotations

import dataclasses
import decimal
import inspect
import math
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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("np.int64(3)", 3.0),
        ("np.float32(2.5)", 2.5),
        ("decimal.Decimal('4.25')", 4.25),
        ("fractions.Fraction(7, 2)", 3.5),
        ("{'value': np.int64(4), 'low': np.float32(1), 'high': decimal.Decimal(9)}", 4.0),
    ],
)
def test_overrides_take_numbers_of_any_type(value: str, expected: float) -> None:
    """D3: ``tco.load_scenario('article', overrides=[('cost_of_delay_usd_per_day', np.int64(3))])`` (a value
    read from a pandas column) was refused: "--set: ... expected a number >= 0 ..., got int64" (a Decimal,
    a Fraction or numpy's float32 too), while tco.what_if takes them. They are read as the number they are.
    And the error named the command line's --set, not the caller's argument."""
    import decimal
    import fractions

    import numpy as np

    v = eval(value, {"np": np, "decimal": decimal, "fractions": fractions})  # noqa: S307 - the test's own
    scenario = tco.load_scenario("article", overrides=[("cost_of_delay_usd_per_day", v)])
    assert scenario.cost_of_delay_usd_per_day.value == expected


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: tco.load_scenario("article", overrides=[("cost_of_delay_usd_per_day", decimal.Decimal("NaN"))]), "overrides"),
        (lambda: tco.load_workload("gpt3-1.3b", overrides=[("nope", 1)]), "overrides"),
        (lambda: tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets=["workload.nope=1"]), "sets"),
    ],
)
def test_override_errors_name_the_argument(call: typing.Callable[[], object], argument: str) -> None:
    """D3: an override's error names the Python argument (``overrides`` or ``sets``), not ``--set``."""
    with pytest.raises(tco.TcoError) as info:
        call()
    problem = info.value.problems[0] if isinstance(info.value, tco.ProblemList) else info.value
    assert problem.where == argument and "--set" not in str(info.value)


def test_help_of_every_result_describes_it() -> None:
    """D4: ``help(tco.Comparison)`` (and of every result a public function returns: WhatIfResult,
    BreakevenResult, SimulationResult, ...) showed pydantic's "A base class for creating Pydantic
    models" with its private attributes: those classes had no docstring of their own."""
    returned = {typing.get_type_hints(getattr(tco, n)).get("return") for n in tco.__all__ if callable(getattr(tco, n))}
    classes = {c for hint in returned for c in _own_classes(hint)} | {tco.Comparison, tco.OptionResult}
    for cls in classes:
        doc = inspect.getdoc(cls) or ""
        assert "Pydantic" not in doc and doc, cls


def test_inputs_with_a_model_changed_by_model_copy_are_checked() -> None:
    """D5: a notebook's ``dataclasses.replace(inputs, scenario=inputs.scenario.model_copy(update=...))``
    (pydantic's model_copy does not validate) reached the engine: a bare number for a quantity raised
    AttributeError ('float' object has no attribute 'currency'), a NaN gave NaN costs, a negative cost
    of delay a lower cost. Each public function now checks such inputs' models once, as a file's."""
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
    q = inputs.scenario.cost_of_delay_usd_per_day
    bad = {
        "5.0": (5.0, "expected NonNegativeQuantity, got float"),
        "nan": (q.model_copy(update={"value": math.nan}), "finite number"),
        "-5": (q.model_copy(update={"value": -5.0}), "expected at least 0"),
    }
    for value, message in bad.values():
        changed = dataclasses.replace(inputs, scenario=inputs.scenario.model_copy(update={"cost_of_delay_usd_per_day": value}))
        for call in (tco.compare, lambda i: tco.what_if(i, {"a100-80gb.price_usd": [1.0]})):
            with pytest.raises(tco.InputError, match=message) as info:
                call(changed)
            assert info.value.key.startswith("inputs.scenario.cost_of_delay_usd_per_day")
    same = dataclasses.replace(inputs, scenario=tco.load_scenario("article", overrides=[("cost_of_delay_usd_per_day", 5.0)]))
    assert tco.compare(same).results[0].effective_cost_usd == pytest.approx(368.6010956029402)
