"""Tests from the seed-75 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 60
of their 13,443 mutants: ``random.Random(75).sample`` over the sorted names): the least purchase a capex refusal names
when it is under $100 or past $10^15, a sweep of a choice beside a numeric axis, a count of points of 21 digits, and a
run measured on a count the model cannot run.

Of the 60, 56 were killed by the tests that reach the mutated function (mutmut's stats over the configured test
selection). Of the four survivors, ``parse_vary`` 101 (the ``len(digits) <= 20`` of the count a refusal shows made
``or True``) is killed by tests/test_hostile28.py, outside that selection (a count of 4,301 digits: ``int()`` refuses
it), and is pinned below in the library at 21 digits; ``_least`` 40, ``split_choices`` 94 and ``_training_throughput``
56 are killed by the tests below. None of the four is equivalent.

Expected values are worked out by hand from the docstrings of tco/engine.py, tco/analysis/sizing.py and
tco/analysis/sweep.py (the arithmetic is in each test). The toy parts are tests.factories'."""

from __future__ import annotations

import pytest

from tco import engine
from tco.analysis.sizing import size
from tco.analysis.sweep import ChoiceAxis, parse_vary, split_choices
from tco.engine import Option
from tco.errors import InfeasibleError, InputError
from tco.inputs import Inputs
from tco.models import OptionStatus
from tests.factories import accelerator, bench, scenario, training

# --------------------------------------------------------------------------- _least: a purchase under $100 or past $10^15


@pytest.mark.parametrize(
    ("price", "shown"),
    [(10, "$20.00"), (1e15, "2e+15 USD")],
)
def test_a_purchase_budget_refusal_writes_a_least_purchase_under_100_with_cents_and_past_1e15_in_usd(price: float, shown: str) -> None:
    """Kills tco.analysis.sizing.x__least__mutmut_40 (``100 <= least < 1e15`` made ``or True``: every least money
    figure was written as whole grouped dollars, $20 and $2,000,000,000,000,000).

    One toy costs its price × the part's server overhead factor 2.0 (no network, no storage): $10 × 2 = $20 and
    $10^15 × 2 = $2 × 10^15. A $1 purchase budget holds no count; the least purchase, at 1, is written with cents
    under $100 ("$20.00") and in USD with six significant digits from $10^15 on ("2e+15 USD"): neither reads as the
    limit ("$1") nor is at most 1, so no repr is needed."""
    with pytest.raises(InfeasibleError) as exc:
        size(Inputs([Option(accelerator(price_usd=price))], training(), scenario(), []), capex_usd=1)
    assert exc.value.message == f"toy: even the minimum count that fits in memory (1) exceeds $1; the least purchase, at 1, is {shown}"


# --------------------------------------------------------------------------- split_choices: a choice beside a number


def test_a_choice_axis_beside_a_numeric_axis_splits_into_the_choice_and_the_numeric_spec() -> None:
    """Kills tco.analysis.sweep.x_split_choices__mutmut_94 (``spec.partition("=")`` -> ``spec.partition(None)`` in
    the paths checked as varied once: a sweep of a choice beside any numeric axis raised a TypeError).

    workload.precision is not a number: its spec is a choice of bf16 and fp16 (the toy has both peaks); the training
    tokens are a number, left as typed to make_axes. The two paths differ, so both are varied once."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), [])
    choices, numeric = split_choices(inputs, ["workload.precision=bf16,fp16", "workload.training_tokens=1e8:2e8:2"])
    assert choices == [ChoiceAxis("workload.precision", ("bf16", "fp16"), ("bf16", "fp16"))]
    assert numeric == ["workload.training_tokens=1e8:2e8:2"]


# --------------------------------------------------------------------------- parse_vary: a count of 21 digits


def test_a_count_of_points_of_21_digits_is_refused_by_its_number_of_digits() -> None:
    """Pins tco.analysis.sweep.x_parse_vary__mutmut_101 in the library (``len(digits) <= 20`` made ``or True``: a
    count of more than 20 digits was written out in full, and one of 4,301 or more made ``int()`` raise).

    N = 111,111,111,111,111,111,111 (21 ones) is past 10 digits, so past the 5,000,000 points an axis takes; past
    20 digits the refusal gives its number of digits, not the number."""
    with pytest.raises(InputError) as exc:
        parse_vary("workload.training_tokens=1e8:2e8:" + "1" * 21)
    assert (exc.value.where, exc.value.key) == ("--vary", "workload.training_tokens")
    assert exc.value.message == "at most 5,000,000 points per axis, got a number of 21 digits"


# --------------------------------------------------------------------------- _training_throughput: a run the model cannot run


def test_a_run_measured_on_a_count_the_model_cannot_run_is_no_finite_cost_not_a_float_overflow() -> None:
    """Kills tco.engine.x__training_throughput__mutmut_56 (``model_at > 0`` -> ``>= 0`` in the scale of a measured
    run: where the model's rate at the measured count is 0, the run was divided by 0, and the option was refused as
    a value near the limits of a float, which no input is).

    2e10 parameters need at least 5 toys (compare's refusal at toy@1, below), so on the one toy of the measurement the
    model runs no layout: its rate there is 0, the ratio it carries the 100 tokens/s by is NaN, and toy@8 has no rate
    and no finite cost. The other part, with no measurement, is ranked."""
    acc = accelerator(mfu=None, benchmarks=[bench("toy-train", 100, accelerator_count=1)])
    wl = training(accelerator_count=8, parameters=2e10, shape=None)
    options = [Option(acc, count=8), Option(acc, count=1), Option(accelerator(id="other"), count=8)]
    results = engine.compare(options=options, workload=wl, scenario=scenario(), unranked_ok=True).results
    carried, one, other = (next(r for r in results if r.option == label) for label in ("toy@8", "toy@1", "other@8"))
    assert one.reason is not None and one.reason.startswith("toy-train does not fit in memory on 1 × toy: training state needs at least 5")
    assert (carried.status, carried.reason) == (
        OptionStatus.infeasible,
        "the measured 100 tokens/s on 1 × toy cannot be carried to 8: no layout of toy-train fits on 1 × toy in the model; "
        "check the measurement's count",
    )
    assert carried.tokens_per_second_per_accelerator is None
    assert other.status is OptionStatus.ranked
