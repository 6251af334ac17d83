"""Tests from the seed-77 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 60
of their 13,646 mutants: ``random.Random(77).sample`` over the sorted names): a break-even over a price the profile
leaves unknown, searched over compare's own range; a budget that the fleet's purchase only meets, which takes no
up-front note; a --vary count written in Python's digit groups; and a --set's PATH=VALUE given where the path alone is
asked for.

Of the 60, 54 were killed by the tests that reach the mutated function (mutmut's stats over the configured test
selection). Of the six survivors, ``default_range`` 19, ``_outlay_note`` 7, ``parse_vary`` 92 and ``resolve_target``
26 are killed by the tests below. The other two are equivalent: ``check_combinations`` 29 (``strict=True`` ->
``strict=False`` in a zip of ``planned`` and a ``combo`` that ``itertools.product`` draws from ``planned``'s own value
lists, one value per entry, so never of unequal length) and ``_rebuilt`` 144 (``strict=False`` -> ``strict=None``:
zip reads ``strict`` for its truth, and None is as false as False).

Expected values are worked out by hand from the docstrings of tco/analysis/breakeven.py, tco/analysis/sizing.py and
tco/analysis/sweep.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

from tco import analysis, engine
from tco.analysis.breakeven import breakeven
from tco.analysis.sizing import _outlay_note
from tco.engine import Option
from tco.errors import InputError
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training

# --------------------------------------------------------------------------- default_range: an unknown price


def test_a_break_even_over_an_unknown_price_searches_compares_price_range() -> None:
    """Kills tco.analysis.breakeven.x_default_range__mutmut_19 (``only = next(iter(searched)) if len(searched) == 1
    else None`` -> ``only = None``: a price the profile leaves unknown has no central value, and the break-even
    refused with 'has no value to build a default range from; give --range LO:HI' instead of searching the range
    compare's number to match searches).

    The toy's price is unknown: the default range is engine.PRICE_RANGE_USD, $1 to $10,000,000 (USD: 1 USD a unit).
    The other toy costs $20,000 and draws 250 W where the toy draws 500 W: the toy must be cheaper than $20,000 to
    tie, and at the tie the two cost the same (compare with the toy's price set there)."""
    assert engine.PRICE_RANGE_USD == (1.0, 10_000_000.0)
    other = accelerator(id="other", price_usd=20000, tdp_w=250)
    inputs = Inputs([Option(accelerator(price_usd=None)), Option(other)], training(), scenario(), [])
    result = breakeven(inputs, "toy", "other", param="toy.price_usd")
    assert (result.range_low, result.range_high) == (1.0, 10_000_000.0)
    assert result.value is not None and 1.0 < result.value < 20_000.0
    at = engine.compare(options=[Option(accelerator(price_usd=result.value)), Option(other)], workload=training(), scenario=scenario())
    toy_cost, other_cost = (r.effective_cost_usd for r in at.results)
    assert toy_cost == pytest.approx(other_cost, rel=1e-9)


# --------------------------------------------------------------------------- _outlay_note: a purchase equal to the budget


def test_a_purchase_that_equals_the_budget_takes_no_up_front_note() -> None:
    """Kills tco.analysis.sizing.x__outlay_note__mutmut_7 (``not capex > limit`` -> ``not capex >= limit``: a fleet
    whose purchase is exactly the budget was said to cost more up front, '(the job's cost; buying them costs $100 up
    front)', where the docstring notes only a purchase that costs more than the budget).

    At $100 the purchase meets a $100 budget: no note. At $100.5 it exceeds it; shown in whole dollars it would read
    $100 (f'{100.5:,.0f}', round half to even), the limit as shown, so every digit is given: '$100.5'."""
    assert _outlay_note("budget_usd", 100.0, 100.0) == ""
    assert _outlay_note("budget_usd", 100.0, 100.5) == " (the job's cost; buying them costs $100.5 up front)"


# --------------------------------------------------------------------------- parse_vary: N in digit groups


def test_a_vary_count_in_digit_groups_counts_its_digits_not_its_underscores() -> None:
    """Kills tco.analysis.sweep.x_parse_vary__mutmut_92 (``n_text.replace("_", "")`` -> ``replace("_", "XXXX")``: each
    underscore of a grouped N counted as four digits, so 1_000_000 points (7 digits, 15 characters as mutated, past
    the 10-digit guard) were refused as more than 5,000,000, and a refused 21-digit N was said to have 45 digits).

    N = 1_000_000 is one million points, at most MAX_SWEEP_ROWS = 5,000,000: taken. N = 10^20 written in six groups
    of three after '100' has 3 + 6 × 3 = 21 digits, more than 20: refused, naming the 21 digits."""
    assert analysis.parse_vary("p=0:1:1_000_000") == ("p", (0.0, 1.0, 1_000_000))
    with pytest.raises(InputError) as exc:
        analysis.parse_vary("p=0:1:100_000_000_000_000_000_000")
    assert str(exc.value) == "--vary: p: at most 5,000,000 points per axis, got a number of 21 digits"


# --------------------------------------------------------------------------- resolve_target: PATH=VALUE where the path is asked for


def test_a_path_given_with_its_value_is_refused_naming_the_path_alone() -> None:
    """Kills tco.analysis.common.x_resolve_target__mutmut_26 (``path.split('=', 1)[0]`` -> ``path.split(None, 1)[0]``:
    split on white space, 'scenario.pue=1.2' stayed whole, and the refusal told the user to 'give scenario.pue=1.2',
    the very text refused). (tests/test_hostile86.py pins the same words, outside mutmut's test selection.)

    A --set's PATH=VALUE given as the break-even's --param: the path alone is what is asked for, 'scenario.pue'."""
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="other", price_usd=20000, tdp_w=250))], training(), scenario(), [])
    with pytest.raises(InputError) as exc:
        breakeven(inputs, "toy", "other", param="scenario.pue=1.2")
    assert str(exc.value) == (
        "--param: scenario.pue=1.2: expected an input's path alone, not PATH=VALUE: give scenario.pue; the values to search go in --range"
    )
