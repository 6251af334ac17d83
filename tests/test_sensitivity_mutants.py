"""Tests that kill surviving mutants of ``tco/analysis/sensitivity.py`` (mutmut 3.8.1, all 213 mutants of the file,
2026-12-01): the currency of a row, the central difference that decides a flip, the order of swings below $1, and
which options' central costs decide that a missing input leaves nothing to swing.

Expected values come from a second route: ``compare`` on the inputs with the swung value set in the profile.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tco
from tco.engine import Option
from tco.errors import MissingInputError
from tco.inputs import Inputs
from tests.factories import accelerator, bench
from tests.test_mutants import CHEAP, FAST, toy_inputs

approx = pytest.approx


def effective(inputs: Inputs) -> dict[str, float | None]:
    return {r.option: r.effective_cost_usd for r in tco.compare(inputs).results}  # type: ignore[misc]


def test_a_price_quoted_in_yuan_is_swung_in_yuan_and_its_row_says_so() -> None:
    """toy's price is 80,000 CNY at $0.125 per yuan (= $10,000): its row is in CNY (64,000 .. 96,000), and the
    costs at the ends are compare's at those prices. A price in USD has no currency."""
    yuan = accelerator(benchmarks=[bench("toy-train", 1000)], price_usd={"value": 80000, "currency": "CNY"})
    res = tco.sensitivity(toy_inputs(Option(yuan), Option(CHEAP), usd_per_cny=0.125))
    rows = {r.param: r for r in res.rows}
    toy = rows["toy.price_usd"]
    assert (toy.low, toy.central, toy.high, toy.currency) == (approx(64000), 80000, approx(96000), "CNY")
    for price, got in ((64000, toy.effective_cost_low_usd), (96000, toy.effective_cost_high_usd)):
        at = accelerator(benchmarks=[bench("toy-train", 1000)], price_usd={"value": price, "currency": "CNY"})
        assert got == approx(effective(toy_inputs(Option(at), Option(CHEAP), usd_per_cny=0.125)))
    assert rows["cheap.price_usd"].currency is None


ELEC = {"value": 2.0, "low": 0.1, "high": 2.2, "source": "test"}


def flips_inputs(electricity: Any = ELEC) -> Inputs:
    """No cost of delay: the toy (10 h, 22.5 kWh) costs more than cheap (20 h, 45 kWh) at $0.1/kWh, less at $2/kWh."""
    return toy_inputs(Option(FAST), Option(CHEAP), electricity_usd_per_kwh=electricity, cost_of_delay_usd_per_day=0)


def test_a_flip_is_judged_against_the_central_difference() -> None:
    """The first input swung is electricity, and at its low ($0.1/kWh) cheap wins, while at the central $2/kWh the toy
    does. Every row flips exactly when the difference at its low or high has another sign than the central
    difference; the prices (±20 %) do not flip it."""
    res = tco.sensitivity(flips_inputs(), vs=("toy", "cheap"))
    central = effective(flips_inputs())
    d_c = central["toy"] - central["cheap"]  # type: ignore[operator]
    assert res.central_effective_cost_usd == {"toy": approx(central["toy"]), "cheap": approx(central["cheap"])}
    assert d_c < 0
    rows = {r.param: r for r in res.rows}
    e = rows["scenario.electricity_usd_per_kwh"]
    low = effective(flips_inputs({**ELEC, "value": 0.1, "low": None, "high": None}))
    assert e.difference_low_usd == approx(low["toy"] - low["cheap"])  # type: ignore[operator]
    assert e.difference_low_usd > 0 and e.flips_decision is True
    for r in res.rows:
        signs = {np.sign(r.difference_low_usd), np.sign(r.difference_high_usd)}
        assert r.flips_decision is (signs != {np.sign(d_c)}), r.param
    assert rows["toy.price_usd"].flips_decision is False
    assert rows["cheap.price_usd"].flips_decision is False


def test_swings_below_a_dollar_are_ranked_by_size_with_a_zero_swing_counted_as_zero() -> None:
    """Electricity of 0.099–0.101 $/kWh swings the toy's 22.5 kWh by $0.045 and cheap's 45 kWh by $0.09; the toy's
    TDP of 499–501 W swings the toy alone, by less (cheap's swing is 0). The larger swing comes first."""
    elec = {"value": 0.1, "low": 0.099, "high": 0.101, "source": "test"}
    toy = accelerator(benchmarks=[bench("toy-train", 1000)], tdp_w={"value": 500, "low": 499, "high": 501, "source": "test"})
    res = tco.sensitivity(toy_inputs(Option(toy), Option(CHEAP), electricity_usd_per_kwh=elec))
    rows = {r.param: r for r in res.rows}
    e, tdp = rows["scenario.electricity_usd_per_kwh"], rows["toy.tdp_w"]
    assert e.swing_usd == {"toy": approx(0.045), "cheap": approx(0.09)}
    assert tdp.swing_usd["cheap"] == 0
    assert 0 < tdp.swing_usd["toy"] < 0.09  # type: ignore[operator]
    order = [r.param for r in res.rows]
    assert order.index("scenario.electricity_usd_per_kwh") < order.index("toy.tdp_w")
    swings = [max(v or 0.0 for v in r.swing_usd.values()) for r in res.rows]
    assert swings == sorted(swings, reverse=True)


def test_with_no_central_cost_known_the_missing_input_is_named() -> None:
    """mystery lacks its price; the toy's central cost overflows (22.5 kWh at $1e307/kWh), though at electricity's
    low ($1e305/kWh) it is finite. No option has a central cost to swing, so the error names mystery's price."""
    mystery = accelerator(id="mystery", price_usd=None, benchmarks=[bench("toy-train", 1000)])
    elec = {"value": 1e307, "low": 1e305, "high": 2e307, "source": "test"}
    inputs = toy_inputs(Option(mystery), Option(FAST), electricity_usd_per_kwh=elec)
    assert effective(inputs) == {"mystery": None, "toy": None}
    with pytest.raises(MissingInputError, match=r"needs mystery\.price_usd, which is unknown"):
        tco.sensitivity(inputs)


def test_an_option_with_a_central_cost_is_swung_although_another_lacks_its_price() -> None:
    """mystery lacks its price; the toy (at $1e12 apiece, no electricity or facility cost) has a central cost. Its first
    input swung, utilization, overflows the toy's cost at its low of 1e-300, but the central cost decides: the
    tornado is given, with mystery's missing price listed."""
    mystery = accelerator(id="mystery", price_usd=None, benchmarks=[bench("toy-train", 1000)])
    big = accelerator(price_usd=1e12, benchmarks=[bench("toy-train", 1000)])

    def inputs(utilization: Any) -> Inputs:
        return toy_inputs(Option(mystery), Option(big), electricity_usd_per_kwh=0, facility_usd_per_kw_month=0, utilization=utilization)

    res = tco.sensitivity(inputs({"value": 0.5, "low": 1e-300, "high": 1, "source": "test"}))
    central = effective(inputs(0.5))
    assert central["mystery"] is None
    assert res.central_effective_cost_usd == {"mystery": None, "toy": approx(central["toy"])}
    assert effective(inputs(1e-300)) == {"mystery": None, "toy": None}
    assert res.missing_inputs == {"mystery": ["mystery.price_usd"]}
    rows = {r.param: r for r in res.rows}
    dep = rows["scenario.depreciation_years"]
    assert dep.effective_cost_low_usd["toy"] == approx(
        effective(toy_inputs(Option(mystery), Option(big), electricity_usd_per_kwh=0, facility_usd_per_kw_month=0, depreciation_years=3.2))[
            "toy"
        ]
    )
