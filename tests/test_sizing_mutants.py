"""Behaviour of ``size`` that the mutants of ``tco/analysis/sizing.py`` showed untested (mutmut 3.8.1, all
634 mutants of the file, 2026-12-01): the exact search over every layout near the count that the octaves'
shortlists found, which moves a deadline's answer down to a count the shortlists miss (at the least count
that holds the model, or where a better layout exists), the figures it reports at a power envelope's
count, and the unit of a budget too large to print in dollars. Expected counts and figures come from a
second route, ``compare`` at a fixed count, which plans that count's own layouts; the power and the
budget messages are worked out by hand.
"""

from __future__ import annotations

import pytest

import tco
from tco import analysis
from tco.engine import Option
from tco.errors import InfeasibleError
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training

approx = pytest.approx

# An 8 GB toy with no MFU (throughput from the layout model) and a 1e10-parameter model of 40 layers of
# width 4000: the training state needs 26 of them. The octaves' shortlists (layouts fastest at 1, 33 and
# 64) hold no layout that runs on exactly 26, and none as fast as the best one at 48 to 51.
SMALL = accelerator(mfu=None, memory_gb=8)
BIG = training(parameters=1e10, shape={"layers": 40, "d_model": 4000}, training_tokens=1e10)


def big(*options: Option) -> Inputs:
    return Inputs(list(options or (Option(SMALL),)), BIG, scenario())


def at(n: int) -> tco.OptionResult:
    """``compare`` of the toy at a fixed count: that count's best layout."""
    return tco.compare(big(Option(SMALL, n))).results[0]


def test_the_least_count_that_holds_the_model_cannot_run_on_fewer() -> None:
    with pytest.raises(InfeasibleError, match="training state needs at least 26 accelerators"):
        at(25)


def test_a_deadline_met_only_from_the_least_count_that_holds_the_model_is_met_there() -> None:
    """The deadline is the time to market on 26, the least count that holds the model: 26 is the answer,
    although the shortlisted layouts cannot run on 26 and first meet it at 27."""
    first, second = at(26), at(27)
    assert first.time_to_market_days is not None and second.time_to_market_days is not None
    assert second.time_to_market_days < first.time_to_market_days  # 27 is faster: the deadline is not met only at 26
    (o,) = analysis.size(big(), deadline_days=first.time_to_market_days).options
    assert (o.feasible, o.count) == (True, 26)
    assert o.time_to_market_days == approx(first.time_to_market_days, rel=1e-12)
    assert o.job_cost_usd == approx(first.job_cost_usd, rel=1e-12)
    assert o.time_to_converge_hours == approx(first.time_to_converge_hours, rel=1e-12)


def test_a_deadline_is_met_by_a_layout_the_shortlists_miss() -> None:
    """On 48 the best layout beats every shortlisted one, which first meet 48's time to market at 52:
    the smallest count that meets it is 48 (47 is slower)."""
    before, on = at(47), at(48)
    assert before.time_to_market_days is not None and on.time_to_market_days is not None
    assert before.time_to_market_days > on.time_to_market_days
    (o,) = analysis.size(big(), deadline_days=on.time_to_market_days).options
    assert o.count == 48
    assert o.time_to_market_days == approx(on.time_to_market_days, rel=1e-12)
    assert o.job_cost_usd == approx(on.job_cost_usd, rel=1e-12)
    assert o.cost_per_million_tokens_usd == approx(on.cost_per_million_tokens_usd, rel=1e-12)


def test_a_power_envelope_reports_the_figures_of_the_best_layout_at_its_count() -> None:
    """Facility power per toy: 500 W · k_pwr 1.5 · PUE 1.5 = 1.125 kW, so 54 kW holds 48 (49 need 55.125).
    The figures are those of 48's best layout, which no shortlist holds."""
    on = at(48)
    (o,) = analysis.size(big(), power_kw=54).options
    assert o.count == 48
    assert o.facility_power_kw == approx(54.0)
    assert o.time_to_market_days == approx(on.time_to_market_days, rel=1e-12)
    assert o.time_to_converge_hours == approx(on.time_to_converge_hours, rel=1e-12)
    assert o.job_cost_usd == approx(on.job_cost_usd, rel=1e-12)


@pytest.mark.parametrize(
    ("budget", "shown"),
    [
        (999_999_999_999_999.0, "$999,999,999,999,999"),
        (1e15, "1e+15 USD"),
        (2.5e15, "2.5e+15 USD"),
    ],
)
def test_a_budget_from_1e15_dollars_is_shown_in_exponent_form(budget: float, shown: str) -> None:
    """Dollars with thousands separators below $10^15; from there, 6 significant digits and the unit USD.
    The toy's job at 1e30 tokens costs far more than any of these (its cost is ∝ tokens: ~$8 for 1.44e8)."""
    inputs = Inputs([Option(accelerator())], training(training_tokens=1e30), scenario())
    with pytest.raises(InfeasibleError) as exc:
        analysis.size(inputs, budget_usd=budget)
    assert exc.value.message.startswith(
        f"toy: even the minimum count that fits in memory (1) exceeds {shown}; the least job cost found, at "
    )
    assert exc.value.key == "--budget-usd"
