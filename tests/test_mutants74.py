"""Tests from the seed-74 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 60
of their 13,315 mutants: ``random.Random(74).sample`` over the sorted names): the end of a break-even's default range
brought in to the last value the workload takes, on the library's own inputs.

Of the 60, 55 were killed by the tests that reach the mutated function (mutmut's stats over the configured test
selection); two more, mutants 15 and 44 of ``tco.analysis.breakeven._valid_end``, only by tests/test_session58.py,
which is outside that selection and runs the CLI on shipped profiles: the test below pins the same bisection in the
library on the toy parts, its ends worked out by hand. The other three survivors are equivalent:
``_run_reasons`` 47 (``strict=True`` -> ``None`` in a zip of two arrays broadcast to the same size and cut by the same
mask: never of unequal length), ``cashflow_option`` 247 (the step of a lease term too short where the months held
are not positive: a term shorter than a non-positive span is a non-positive term, which ``cashflow`` refuses first)
and ``_rebuilt`` 146 (the ``.replace(".[", "[")`` of a blamed path: the parts ``split_path`` gives start with a
letter, and the only brackets in a part are an entry's label, a workload id or a stage name, whose characters are
``[a-z0-9._-]``, or pydantic's index: ``.[`` never occurs, so the replace never changes the path).

Expected values are worked out by hand from the docstrings of tco/analysis/breakeven.py and the shape rule of
tco/models.py (the arithmetic is in the test). The toy parts are tests.factories'."""

from __future__ import annotations

from tco.analysis.breakeven import breakeven
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training

# --------------------------------------------------------------------------- _valid_end: a default end mended


def test_a_default_range_of_kv_width_ends_at_the_widest_the_toy_s_queries_take() -> None:
    """Kills tco.analysis.breakeven.x__valid_end__mutmut_15 (``central = None``: an end the input does not take was
    returned as it is, and the break-even refused its own default range) and x__valid_end__mutmut_44 (``mid = None``:
    the bisection toward the input's own value failed on its first step).

    The toy shape is d_model = 1,000 with kv_dim = 500 and no heads given: heads = max(1, 1000 // 128) = 7 of width
    1000 // 7 = 142, so the queries are 7 × 142 = 994 wide and K and V at most that. The default range of a whole
    number is floor(500 / 10) = 50 to 10 × 500 = 5,000: 50 is a valid width and is kept; 5,000 is wider than the
    queries and is brought in, by bisection from 500 to the whole number, to the widest the shape takes, 994."""
    wl = training(shape={"layers": 10, "d_model": 1000, "kv_dim": 500})
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="other", price_usd=20000, tdp_w=250))], wl, scenario(), [])
    result = breakeven(inputs, "toy", "other", param="workload.shape.kv_dim")
    assert (result.range_low, result.range_high) == (50.0, 994.0)
