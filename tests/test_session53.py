"""Session 53: a deadline no count meets names the count that comes closest and when it reaches the market, as
``tco compare ID@COUNT`` gives it; a budget, purchase or power no count fits names the least figure and its count,
and a money limit keeps its cents; the currency code is read in one place for the command line and the API; and a
what-if of a serving option's demand plans every value, as compare does."""

from __future__ import annotations

import re

import pytest

import tco
from tco.errors import InfeasibleError, InputError
from tco.models import Currency


def test_an_unmet_deadline_names_the_closest_count_and_its_date() -> None:
    """Llama 3 70B on MI300X cannot reach the market within 200 days at any count: past some count the global
    batch bounds data parallelism and more accelerators add nothing. The refusal said only "no count up to 131,072
    reaches the market"; it now names the smallest count at the least time to market and that time, which compare
    reproduces at that count (and one accelerator fewer arrives later)."""
    inputs = tco.load_inputs(["mi300x", "b200"], workload="llama3-70b")  # (b200 meets it: sizing does not refuse)
    option, met = tco.size(inputs, deadline_days=200).options
    assert met.feasible and "closest" not in met.message
    assert not option.feasible
    found = re.search(
        r"no count up to 131,072 reaches the market within 200 days; the closest, ([\d,]+) × mi300x, reaches it in ([\d.]+) days",
        option.message,
    )
    assert found is not None, option.message
    n, days = int(found.group(1).replace(",", "")), float(found.group(2))
    assert 200 < days
    by = {r.option: r for r in tco.compare(tco.load_inputs([f"mi300x@{n}", f"mi300x@{n - 1}"], workload="llama3-70b")).results}
    at_n, fewer = by[f"mi300x@{n}"], by[f"mi300x@{n - 1}"]
    assert at_n.time_to_market_days == pytest.approx(days, abs=0.05)
    assert fewer.time_to_market_days > at_n.time_to_market_days
    # a deadline the fixed days alone exceed keeps its own reason (no count to name)
    with pytest.raises(InfeasibleError) as refused:
        tco.size(inputs, deadline_days=100)
    assert "lead time, deployment and porting alone take" in refused.value.message and "closest" not in refused.value.message


@pytest.mark.parametrize("text", ["eur", "Eur", "EUR", Currency.EUR])
def test_currency_read_in_any_case(text: object) -> None:
    assert Currency.read(text) is Currency.EUR


def test_currency_refusal_is_one_message_for_api_and_command_line() -> None:
    with pytest.raises(ValueError, match=r"^expected USD, CNY or EUR, got 'yen'$"):
        Currency.read("yen")
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(InputError, match="expected USD, CNY or EUR, got 'yen'") as refused:
        tco.compare(inputs, currency="yen")
    assert refused.value.key == "currency"


def test_a_limit_no_count_fits_names_the_least_figure_and_its_count() -> None:
    """A budget, purchase or power envelope below what any count needs said only that even the minimum count
    exceeds it; the refusal now gives the least figure and the count: the purchase and the power at the minimum
    count (both grow with it), as compare gives them there, and the job cost the search found."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    at_one = tco.compare(tco.load_inputs(["a100-80gb@1"], workload="gpt3-1.3b")).results[0]
    assert at_one.capex_usd is not None and at_one.job_cost_usd is not None
    for limit, text in (
        ({"capex_usd": 1.0}, f"the least purchase, at 1, is ${at_one.capex_usd:,.0f}"),
        ({"budget_usd": 1.0}, f"the least job cost found, at 1, is ${at_one.job_cost_usd:,.0f}"),
    ):
        with pytest.raises(InfeasibleError) as refused:
            tco.size(inputs, **limit)
        assert refused.value.message.endswith(text), refused.value.message
    # facility power of one: TDP 400 W × the A100 server's power factor 2.03 (its profile's) × PUE 1.25 / 1000
    sc, a100 = inputs.scenario, inputs.options[0].accelerator
    assert a100.power_overhead_factor is not None and a100.tdp_w.value is not None and sc.pue.value is not None
    assert (a100.tdp_w.value, a100.power_overhead_factor.value, sc.pue.value) == (400, 2.03, 1.25)
    kw = 400 * 2.03 * 1.25 / 1000.0
    with pytest.raises(InfeasibleError) as refused:
        tco.size(inputs, power_kw=0.5)
    assert refused.value.message.endswith(f"the least facility power, at 1, is {kw:,.4g} kW")


def test_the_least_figure_is_told_apart_from_a_limit_it_rounds_onto() -> None:
    """A limit of $29,449.8 was shown as "$29,450", the A100's whole purchase, so the refusal would have read
    "exceeds $29,450; the least purchase is $29,450": the limit keeps the digits it has."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    capex = tco.compare(tco.load_inputs(["a100-80gb@1"], workload="gpt3-1.3b")).results[0].capex_usd
    assert capex is not None
    assert capex == 29_450.0
    with pytest.raises(InfeasibleError) as refused:
        tco.size(inputs, capex_usd=capex - 0.2)
    assert refused.value.message.endswith("exceeds $29,449.8; the least purchase, at 1, is $29,450")
    with pytest.raises(InfeasibleError) as refused:
        tco.size(inputs, capex_usd=capex - 1e-9)
    assert refused.value.message.endswith("exceeds $29,449.999999999; the least purchase, at 1, is $29,450")


def test_a_what_if_of_serving_demand_plans_every_value_as_compare_does() -> None:
    """A serving fleet's replica is the size whose fleet of whole replicas is the smallest for the demand, and the
    rounding moves that choice back and forth as the demand rises (chat-70b on H100: TP 4 up to 4.1e8 tokens a day,
    TP 8 to 6.3e8, TP 4 again, ...). A what-if or sweep over the demand planned only the range's two ends and, where
    they matched the central plan, held it for every value: at 5.27e8 tokens a day it gave $632,063 where
    ``compare --set`` gives $631,518. Every value of a serving what-if is now planned, as compare plans it."""
    import numpy as np

    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b")
    values = [float(v) for v in np.geomspace(1e9 / 3, 3e9, 121)]
    costs = tco.what_if(inputs, {"workload.tokens_per_day": values}).options[0].effective_cost_usd
    for k in (0, 25, 30, 55, 120):  # (25, 30 and 55 were held at the central plan's TP 4)
        at = tco.load_inputs(["h100-sxm"], workload="chat-70b", sets=[f"workload.tokens_per_day={values[k]!r}"])
        assert costs[k] == pytest.approx(tco.compare(at).results[0].effective_cost_usd, rel=1e-12), values[k]
    # (the same rows as a sweep gives them)
    swept = [row for row in tco.sweep(inputs, [f"workload.tokens_per_day={values[25]!r}:{values[30]!r}:2"]).results]
    assert [r["effective_cost_usd"] for r in swept] == pytest.approx([costs[25], costs[30]], rel=1e-12)


def test_a_met_limit_does_not_search_for_the_closest_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The closest count and the least figure belong to a refusal only: they were computed (a search over every
    layout at one count, each) for every option sized, met or not, and thrown away. A met limit now skips them."""
    from tco.analysis import sizing

    def unexpected(*args: object) -> str:
        raise AssertionError("searched for a refusal's figure where the limit is met")

    monkeypatch.setattr(sizing, "_closest", unexpected)
    monkeypatch.setattr(sizing, "_least", unexpected)
    inputs = tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b")
    assert [o.count for o in tco.size(inputs, deadline_days=300).options] == [1856, 704]
    assert all(o.feasible for o in tco.size(inputs, budget_usd=2e7).options)
