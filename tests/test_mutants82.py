"""Tests from the seed-82 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 50
of their 13,764 mutants at 58fcfb0: ``random.Random(82).sample`` over the sorted names), and a second sample of 30
(``random.Random(182).sample`` over the same names): a value that holds only with another input of its model,
checked with an input of another model varied beside it; the points of a sweep with a choice numbered on across the
choice's values; the path a --vary value listed twice is keyed by; a choice listed twice shown to 40 characters; a
what-if value that holds only with a Fraction or Decimal given beside it; a rented option's cash flow asking for an
unknown cost of capital as the scenario's.

Seed 82: mutmut ran all 50 over the configured test selection (23:58-00:07 UTC): 41 killed, 9 survived. Five are
killed by the tests below (``validate_value`` 45, ``iter_choice_sweep`` 96, ``parse_vary`` 187, ``split_choices``
79, ``what_if`` 60): 46 of 50 after. The other four are equivalent:

- ``scan_grid`` 39 (``if lo < 0:`` -> ``if lo <= 0:``): the branch only adds points where ``-lo > 1e3 * n0``; at
  ``lo`` = 0 (or -0.0) the range has ``hi >= 0``, so ``n0 = -lo * 1e-6`` is -0.0 (0.0) and ``0 > ±0`` is false:
  the grid is the same.
- ``_evaluate_groups`` 74 (``zip(moving, combo, strict=True)`` -> ``strict=None``): each ``combo`` is a row of
  ``np.unique`` over ``np.column_stack`` of the moving arrays, one column per entry of ``moving``, so the lengths
  are always equal and the check never fires; None is as false as False, so zip pairs them the same.
- ``check_combinations`` 29 (``zip(planned, combo, strict=True)`` -> ``strict=False``): each ``combo`` comes from
  ``itertools.product`` over one value list per entry of ``planned``, so it has exactly ``len(planned)`` values.
- ``ReadInputs.__getitem__`` 2 (``super().__getitem__(key)`` -> ``super().__getitem__(None)``: every ``p[key]``
  read through it answers NaN, by ``KnownInputs.__missing__``): the key is added to ``read`` before the lookup,
  and ``inputs_read`` returns only ``read``, discarding the figures. Which keys the evaluation reads depends on the
  plan and on ``key in p``, never on a value read with ``p[key]`` (the one value-driven read, a measured training
  run carried to another count reading the peak with ``p[...]``, reads a key that ``stage_throughput`` reads for a
  measured plan with ``p.get`` anyway), and NaN raises no ArithmeticError through the formulas: ``inputs_read``
  over every shipped accelerator, bought and rented, with every shipped workload (580 options) gives the same sets
  with the mutation applied by hand.

Seed 182 (00:10-00:13 UTC, the same selection): 29 killed, 1 survived, ``cashflow`` 110, killed by the last test
below: 30 of 30 after, none equivalent (tests/test_hostile88.py pins the same refusal through the CLI, but it is not
in mutmut's selection).

Each test below fails with its mutant applied by hand, and mutmut, re-run on the six with this file in the selection
(00:13-00:15 UTC), killed all six. The toy parts are tests.factories'.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from tco import engine
from tco.analysis.cashflow import cashflow
from tco.analysis.sweep import ChoiceAxis, iter_choice_sweep, make_axes, parse_vary, split_choices
from tco.analysis.whatif import what_if
from tco.engine import Option
from tco.errors import InputError, MissingInputError
from tco.inputs import Inputs
from tco.models import Acquisition
from tests.factories import SERVING_PEAK, accelerator, inference, scenario, training

# --------------------------------------------------------------------------- validate_value: the others of its model only


def test_a_value_held_by_another_input_of_its_model_is_swept_with_a_scenario_input_varied_too() -> None:
    """Kills tco.analysis.common.x_validate_value__mutmut_45 (``not t.is_count and t.path != target.path and
    _scope_of(prep, t) == scope`` -> ``... and t.path != target.path or _scope_of(prep, t) == scope``: an axis of
    another model joined the inputs a refused value is rebuilt with).

    The toy service has a 1,000-token context and its file gives 500 prompt and 500 output tokens. A prompt of 800
    makes 800 + 500 = 1,300 > 1,000 tokens, refused alone; the output's end 100 holds it (800 + 100 = 900). With
    scenario.pue varied too, the scenario's axis is no input of the workload and plays no part: the axes are built.
    (The mutant set the scenario's ``pue`` on the workload in every combination, which no workload has, so every
    combination failed and the prompt was refused.)"""
    inputs = Inputs([Option(accelerator())], inference(prompt_tokens=500, output_tokens=500), scenario(), [])
    _, axes = make_axes(inputs, ["workload.prompt_tokens=800", "workload.output_tokens=100,500", "scenario.pue=1.2,1.4"])
    assert [(a.path, a.values.tolist()) for a in axes] == [
        ("workload.prompt_tokens", [800.0]),
        ("workload.output_tokens", [100.0, 500.0]),
        ("scenario.pue", [1.2, 1.4]),
    ]


# --------------------------------------------------------------------------- iter_choice_sweep: points numbered on


def test_the_points_of_a_sweep_with_a_choice_are_numbered_on_across_the_choices_values() -> None:
    """Kills tco.analysis.sweep.x_iter_choice_sweep__mutmut_96 (``offset += run.total_rows // n_opt`` -> ``-=``:
    the second value's points numbered -3, -2, -1 rather than on from the first's).

    Two options and three values of scenario.pue under each of two tunings: each tuning's sweep is 3 points of 2
    rows (6 rows, 6 // 2 = 3 points), so the first tuning's points are 0, 1, 2 and the second's 3, 4, 5, each point
    once per option."""

    def load(given: Sequence[str]) -> Inputs:
        (item,) = given
        path, _, value = item.partition("=")
        assert path == "workload.tuning"
        return Inputs([Option(accelerator()), Option(accelerator(id="toy2"))], training(tuning=value), scenario(), [])

    run = iter_choice_sweep([ChoiceAxis("workload.tuning", ("typical", "tuned"))], ["scenario.pue=1.2,1.4,1.6"], load)
    assert run.total_rows == 12
    rows = [
        (int(p), t, o) for ch in run.chunks for p, t, o in zip(ch.columns["point"], ch.columns["workload.tuning"], ch.options, strict=True)
    ]
    assert rows == [
        (0, "typical", "toy"), (0, "typical", "toy2"), (1, "typical", "toy"), (1, "typical", "toy2"),
        (2, "typical", "toy"), (2, "typical", "toy2"),
        (3, "tuned", "toy"), (3, "tuned", "toy2"), (4, "tuned", "toy"), (4, "tuned", "toy2"),
        (5, "tuned", "toy"), (5, "tuned", "toy2"),
    ]  # fmt: skip


# --------------------------------------------------------------------------- parse_vary: a value listed twice, keyed


def test_a_vary_value_listed_twice_is_keyed_by_its_path() -> None:
    """Kills tco.analysis.sweep.x_parse_vary__mutmut_187 (``key=path`` dropped from the 'listed twice' refusal: the
    error named no input, 'Error: --vary: 1.2 is listed twice ...').

    1.2 and 1.20 are one float; the second is named as typed, and the error is keyed by scenario.pue under --vary."""
    with pytest.raises(InputError) as exc:
        parse_vary("scenario.pue=1.2,1.20")
    assert (exc.value.where, exc.value.key) == ("--vary", "scenario.pue")
    assert str(exc.value) == "--vary: scenario.pue: 1.2 is listed twice (as '1.20'): give each value once"


# --------------------------------------------------------------------------- split_choices: shown to 40 characters


def test_a_choice_listed_twice_is_shown_to_its_first_40_characters() -> None:
    """Kills tco.analysis.sweep.x_split_choices__mutmut_79 (``twice[:40]`` -> ``twice[:41]``).

    A text (the workload's name, swept as a choice) of 45 characters, 'abcdefghij' four times then 'KLMNO', listed
    twice: the refusal quotes its first 40, the four 'abcdefghij', without the 'K'."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), [])
    name = "abcdefghij" * 4 + "KLMNO"
    with pytest.raises(InputError) as exc:
        split_choices(inputs, [f"workload.name={name},{name}"])
    assert (exc.value.where, exc.value.key) == ("--vary", "workload.name")
    assert exc.value.message == f"'{'abcdefghij' * 4}' is listed twice: give each value once"


# --------------------------------------------------------------------------- what_if: a Fraction or Decimal alongside


def test_a_what_if_value_held_by_a_fraction_or_decimal_given_beside_it_is_allowed() -> None:
    """Kills tco.analysis.whatif.x_what_if__mutmut_60 (``np.asarray(list(o_vals), dtype=float)`` -> ``dtype=None``:
    a change given as Fractions or Decimals, which what_if takes as numbers, became an object array, whose
    ``np.isfinite`` raises TypeError, so it was not among the changes a value is checked alongside).

    The toy service's file gives 500 prompt and 500 output tokens in a 1,000-token context. A prompt of 800 alone
    makes 1,300 tokens, refused; with the output changed to 100 and 200 (800 + 100 = 900, 800 + 200 = 1,000 <=
    1,000) it holds. Given as a Fraction and a Decimal the outputs are the numbers 100 and 200, and the what-if is
    the one given with floats."""
    inputs = Inputs([Option(accelerator(peak=SERVING_PEAK))], inference(prompt_tokens=500, output_tokens=500), scenario(), [])
    given: dict[str, list[Any]] = {"workload.prompt_tokens": [800, 800], "workload.output_tokens": [Fraction(100), Decimal("200")]}
    exact = what_if(inputs, given)
    assert exact.changes == {"workload.prompt_tokens": [800.0, 800.0], "workload.output_tokens": [100.0, 200.0]}
    floats = what_if(inputs, {"workload.prompt_tokens": [800.0, 800.0], "workload.output_tokens": [100.0, 200.0]})
    assert exact.options == floats.options
    with pytest.raises(InputError) as alone:
        what_if(inputs, {"workload.prompt_tokens": [800, 800]})
    assert (alone.value.where, alone.value.key) == ("what_if", "workload.prompt_tokens")


# --------------------------------------------------------------------------- cashflow: an unknown cost of capital (seed 182)


def test_a_rented_options_cash_flow_asks_for_an_unknown_cost_of_capital_as_the_scenarios() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_110 (the path checked for the cost of capital
    ``"scenario.cost_of_capital"`` -> ``"XXscenario.cost_of_capitalXX"``: the refusal named no scenario input, 'toy:rent:
    needs XXscenario.cost_of_capitalXX, which is unknown').

    A rented option has no capital charge, so compare ranks it with the cost of capital unknown (``{}``: no value);
    the cash flow discounts every option by it, so it refuses, as the scenario's one unknown input: keyed
    cost_of_capital under 'scenario', with the --set that gives it."""
    rented = Option(accelerator(rental={"usd_per_hour": 2.0}), None, Acquisition.rent)
    unknown = scenario(cost_of_capital={})
    assert engine.compare(options=[rented], workload=training(), scenario=unknown).results[0].rank == 1
    with pytest.raises(MissingInputError) as exc:
        cashflow([rented], training(), unknown)
    assert (exc.value.where, exc.value.key) == ("scenario", "cost_of_capital")
    assert str(exc.value) == (
        "scenario: cost_of_capital: unknown, and the analysis needs it; give it with --set scenario.cost_of_capital=VALUE"
    )
