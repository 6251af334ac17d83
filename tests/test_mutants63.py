"""Tests that kill surviving mutants of the seed-63 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 80 of their 11,879 mutants: ``random.Random(63).sample`` over the sorted names): the reason
a break-even range refuses an end that underflows to 0.

Every expected value is worked out by hand from the formulas and the docstrings of tco/analysis/breakeven.py and
tco/errors.py (the arithmetic is in each test)."""

from __future__ import annotations

import pytest

from tco.analysis.breakeven import parse_range
from tco.errors import InputError


@pytest.mark.parametrize(
    ("text", "end"),
    [("1e-400:1", "1e-400"), ("-1:2.5e-330", "2.5e-330")],
)
def test_a_range_end_that_underflows_to_zero_says_why(text: str, end: str) -> None:
    """Kills tco.analysis.breakeven.x_parse_range__mutmut_32 (the underflow refusal raised with no message:
    ``InputError(None, key=what)``).

    ``1e-400`` and ``2.5e-330`` are below the smallest double (about 4.9e-324): each reads as 0.0 although its digits
    (1, 2, 5) are not all zero, so errors.underflow refuses it: "<end> is too close to 0 for a float (it reads as 0):
    give a number of at least 1e-300 in size". The range is otherwise well-formed (LO below HI once read: 0 < 1,
    -1 < 0), so the only refusal is the underflow, and it names the end given and the flag (--range, or the ``what``
    a caller passes)."""
    with pytest.raises(InputError) as caught:
        parse_range(text)
    assert caught.value.key == "--range"
    assert caught.value.message == (f"{end} is too close to 0 for a float (it reads as 0): give a number of at least 1e-300 in size")
    assert str(caught.value) == f"--range: {caught.value.message}"
    with pytest.raises(InputError) as again:
        parse_range(text, what="--vary")
    assert again.value.key == "--vary"
    assert again.value.message == caught.value.message


def test_a_range_whose_ends_do_not_underflow_is_read() -> None:
    """The same texts with ends a float holds read as given: 1e-300 (the smallest size the refusal asks for) and 0
    written as 0 are no underflow."""
    assert parse_range("1e-300:1") == (1e-300, 1.0)
    assert parse_range("-1:0") == (-1.0, 0.0)
