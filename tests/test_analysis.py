"""The what-if analyses through the Python API, against hand calculations from the cost model.

Break-even, sensitivity (tornado), Monte Carlo, sweeps and sizing are checked on the toy inputs of
``factories.py`` (round numbers, so every expected value below is written out from the formulas in
the docstring of ``tco.engine`` / docs/cost-model.md) and on the seed article's case. No expected
value is copied from the code's output.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from factories import accelerator, bench, scenario, training

import tco
from tco import analysis
from tco.engine import Option
from tco.errors import InfeasibleError, InputError
from tco.inputs import Inputs
from tco.models import Acquisition

approx = pytest.approx
ROOT = Path(__file__).resolve().parent.parent
HOURS_PER_YEAR = 8766.0
Z95 = 1.6448536269514722  # Φ⁻¹(0.95)


# --------------------------------------------------------------------------- toy inputs and hand formulas

# Two toys (factories.ACCEL) measured on the toy workload: "toy" at 1000 tokens/s each (10 h on 4),
# "cheap" at 500 tokens/s (20 h) for a tenth of the price. Same lead time, so "cheap" is 10/24 day later.
FAST = accelerator(benchmarks=[bench("toy-train", 1000)])
CHEAP = accelerator(id="cheap", price_usd=1000, benchmarks=[bench("toy-train", 500)])


def toy_inputs(*options: Option, **scenario_overrides) -> Inputs:
    return Inputs(list(options), training(), scenario(**scenario_overrides), [])


def toy_hours(tps: float, n: int = 4) -> float:
    """T_h = D / (n · X · η(n) · G) / 3600 with D = 1.44e8, G = 1 (no failures), node of 4, e_d 0.9."""
    eta = 1.0  # the toy gives a measured MFU: final, the same at every count
    return 1.44e8 / (n * tps * eta) / 3600


def toy_job_cost(*, price: float, tdp: float = 500, tps: float, n: int = 4, elec: float = 0.1) -> float:
    """Job cost of n bought toys in the toy scenario, term by term from the cost-model formulas.

    k_srv 2.0 and k_pwr 1.5 (profile), no network or storage cost, r = 0 over 4 years (CRF 1/4), u 0.5, f_avg 0.5,
    PUE 1.5, colocation $100/kW-month, operations $1000/yr, reference stack (no porting).
    """
    hours = toy_hours(tps, n)
    owned = hours / 0.5
    capex = n * price * 2.0
    capital = capex * (1 / 4) * owned / HOURS_PER_YEAR
    facility = n * tdp * 1.5 / 1000 * 100 * 12 * owned / HOURS_PER_YEAR
    ops = n * 1000 * owned / HOURS_PER_YEAR
    energy = n * (tdp * 0.5) * 1.5 * 1.5 * hours / 1000 * elec
    return capital + facility + ops + energy


def toy_market_days(tps: float, n: int = 4, lead_weeks: float = 4) -> float:
    """T_mkt = 7 · (lead + deployment 2 + porting 0) + T_h / 24."""
    return 7 * (lead_weeks + 2 + 0) + toy_hours(tps, n) / 24


JOB_FAST = toy_job_cost(price=10000, tps=1000)
JOB_CHEAP = toy_job_cost(price=1000, tps=500)
DELAY_CHEAP = toy_market_days(500) - toy_market_days(1000)  # 10/24 day


# --------------------------------------------------------------------------- the article's case by hand

CRF_10_5 = 0.10 * 1.10**5 / (1.10**5 - 1)
ARTICLE_CHIPS = {
    # price, k_srv, k_pwr, measured W (average; peak = max(TDP, measured)), tokens/s, e_d per doubling
    "a100-80gb": dict(price=17500, k_srv=1.66, k_pwr=2.03, avg=400, peak=400, tps=12500, e_d=0.99),
    "mlu370-s4": dict(price=6500, k_srv=1.64, k_pwr=1.8, avg=250, peak=250, tps=7800, e_d=0.88),
}


def article_hours(chip: str, n: int = 8) -> float:
    c = ARTICLE_CHIPS[chip]
    eta = 1.0  # given MFU: final, the same at every count
    return 17.28e9 / (n * c["tps"] * eta) / 3600


def article_job_cost(chip: str, n: int = 8) -> float:
    """Article scenario (default economics, no porting, no failures), from the cost-model formulas."""
    c = ARTICLE_CHIPS[chip]
    hours = article_hours(chip, n)
    owned = hours / 0.8
    capex = n * c["price"] * c["k_srv"]  # one server: no switch tier; the article counts no storage
    capital = capex * CRF_10_5 * owned / HOURS_PER_YEAR
    facility = n * c["peak"] * c["k_pwr"] / 1000 * 184.06 * 12 * owned / HOURS_PER_YEAR
    energy = n * c["avg"] * c["k_pwr"] * 1.25 * hours / 1000 * 0.0826
    return capital + facility + energy


def article_market_days(chip: str, n: int = 8) -> float:
    return 7 * (10 + 6 + 0) + article_hours(chip, n) / 24


@pytest.fixture(scope="module")
def article() -> Inputs:
    return tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")


def by_label(comp: tco.Comparison) -> dict[str, tco.OptionResult]:
    return {r.accelerator: r for r in comp.results}


# --------------------------------------------------------------------------- public API


def test_public_api_exposes_the_analyses() -> None:
    """``import tco`` gives every analysis as a function, listed in ``tco.__all__``."""
    for name in ("compare", "breakeven", "sensitivity", "simulate", "sweep", "size", "load_inputs"):
        assert name in tco.__all__, name
        assert callable(getattr(tco, name)), name


def test_toy_hand_values_agree_with_compare() -> None:
    """The hand formulas this file uses reproduce compare (guards the helpers themselves)."""
    res = by_label(tco.compare(toy_inputs(Option(FAST), Option(CHEAP))))
    assert res["toy"].job_cost_usd == approx(JOB_FAST, rel=1e-12)
    assert res["cheap"].job_cost_usd == approx(JOB_CHEAP, rel=1e-12)
    assert res["cheap"].delay_days == approx(10 / 24, rel=1e-12)
    art = by_label(tco.compare(tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")))
    for chip in ARTICLE_CHIPS:
        assert art[chip].job_cost_usd == approx(article_job_cost(chip), rel=1e-12)
        assert art[chip].time_to_market_days == approx(article_market_days(chip), rel=1e-12)


# --------------------------------------------------------------------------- break-even


def test_breakeven_cost_of_delay_toy_by_hand() -> None:
    """Linear break-even (cost-model §2.4): c* = (J_toy − J_cheap) / (T_cheap − T_toy) = 26.04 / (10/24)."""
    res = tco.breakeven(toy_inputs(Option(FAST), Option(CHEAP)), "toy", "cheap")
    c_star = (JOB_FAST - JOB_CHEAP) / DELAY_CHEAP
    assert res.param == "scenario.cost_of_delay_usd_per_day"
    assert (res.range_low, res.range_high) == (0.0, 1_000_000.0)
    assert res.value == approx(c_star, rel=1e-6)
    assert res.all_values == [res.value]
    assert (res.winner_below, res.winner_above) == ("cheap", "toy")
    # At the tie both cost J_toy (the faster option pays no delay).
    assert res.effective_cost_at_value_usd == approx(JOB_FAST, rel=1e-6)


def test_breakeven_article_equals_linear_breakeven(article: Inputs) -> None:
    """The article's c* from two compare results, and from the formulas: about $156 per day."""
    res = tco.breakeven(article, "a100-80gb", "mlu370-s4")
    cmp = by_label(tco.compare(article))
    a, m = cmp["a100-80gb"], cmp["mlu370-s4"]
    c_star = (a.job_cost_usd - m.job_cost_usd) / (m.time_to_market_days - a.time_to_market_days)
    assert res.value == approx(c_star, rel=1e-6)
    by_hand = (article_job_cost("a100-80gb") - article_job_cost("mlu370-s4")) / (
        article_market_days("mlu370-s4") - article_market_days("a100-80gb")
    )
    assert res.value == approx(by_hand, rel=1e-6)
    assert 155 < res.value < 156
    assert (res.winner_below, res.winner_above) == ("mlu370-s4", "a100-80gb")


def test_breakeven_on_a_price_toy_by_hand() -> None:
    """With no cost of delay, cheap's price P* makes the job costs equal; J_cheap is linear in P:
    J_cheap(P) = 4·P·2/0.8 · ¼ · 40 h / 8766 + (facility + ops + energy at 20 h)."""
    inputs = toy_inputs(Option(FAST), Option(CHEAP), cost_of_delay_usd_per_day=0)
    res = tco.breakeven(inputs, "toy", "cheap", param="cheap.price_usd")
    per_dollar = 4 * 2.0 * 0.25 * 40 / HOURS_PER_YEAR
    rest = toy_job_cost(price=0, tps=500)
    p_star = (JOB_FAST - rest) / per_dollar
    assert (res.range_low, res.range_high) == (100.0, 10000.0)  # no range in the profile: ÷10 .. ×10
    assert res.value == approx(p_star, rel=1e-6)
    assert (res.winner_below, res.winner_above) == ("cheap", "toy")
    # Evaluating at the returned value: both effective costs are equal.
    at = by_label(
        tco.compare(
            toy_inputs(
                Option(FAST),
                Option(accelerator(id="cheap", price_usd=res.value, benchmarks=[bench("toy-train", 500)])),
                cost_of_delay_usd_per_day=0,
            )
        )
    )
    assert at["toy"].effective_cost_usd == approx(at["cheap"].effective_cost_usd, rel=1e-6)


def test_breakeven_no_tie_in_range() -> None:
    """Between $0 and $30 a day, cheap wins throughout (c* ≈ $40.6): no value, a plain message."""
    res = tco.breakeven(toy_inputs(Option(FAST), Option(CHEAP)), "toy", "cheap", value_range=(0.0, 30.0))
    assert res.value is None and res.all_values == []
    assert res.effective_cost_at_value_usd is None
    assert res.winner_below == res.winner_above == "cheap"
    assert res.message.startswith("no tie for scenario.cost_of_delay_usd_per_day in [0, 30]")
    assert "cheap wins across the whole range" in res.message


def test_breakeven_bad_requests_raise_input_errors() -> None:
    """Unknown path (with a suggestion), an option not compared, the same option twice, a bad value."""
    inputs = toy_inputs(Option(FAST), Option(CHEAP))
    with pytest.raises(InputError, match="did you mean 'cheap'"):
        tco.breakeven(inputs, "toy", "cheap", param="chep.price_usd")
    with pytest.raises(InputError, match="not one of the compared options"):
        tco.breakeven(inputs, "toy", "h100")
    with pytest.raises(InputError, match="two different options"):
        tco.breakeven(inputs, "toy", "toy")
    with pytest.raises(InputError, match="-5"):
        tco.breakeven(inputs, "toy", "cheap", value_range=(-5.0, 10.0))


def test_breakeven_message_for_options_that_always_tie() -> None:
    """Two identical options cost the same everywhere: the message says so in words (no Python None)."""
    res = tco.breakeven(toy_inputs(Option(FAST), Option(FAST, 4)), "toy", "toy@4")
    assert "None" not in res.message, res.message
    assert len(res.all_values) <= 1, f"{len(res.all_values)} 'ties' reported for options that never differ"


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_rows_by_hand() -> None:
    """--vs difference at low/high: a ±20 % input (cheap's price) and a ranged one (electricity)."""
    elec = {"value": 0.1, "low": 0.05, "high": 0.3, "source": "test"}
    res = tco.sensitivity(toy_inputs(Option(FAST), Option(CHEAP), electricity_usd_per_kwh=elec), vs=("toy", "cheap"))
    rows = {r.param: r for r in res.rows}
    penalty = 1000 * DELAY_CHEAP  # cheap pays $1000/day for its 10/24 day

    price = rows["cheap.price_usd"]
    assert (price.low, price.high, price.central) == (approx(800), approx(1200), 1000)
    assert price.range_source == "default ±20%"
    assert price.difference_low_usd == approx(JOB_FAST - toy_job_cost(price=800, tps=500) - penalty)
    assert price.difference_high_usd == approx(JOB_FAST - toy_job_cost(price=1200, tps=500) - penalty)
    assert price.effective_cost_low_usd["cheap"] == approx(toy_job_cost(price=800, tps=500) + penalty)
    assert price.swing_usd["toy"] == 0

    e = rows["scenario.electricity_usd_per_kwh"]
    assert (e.low, e.high, e.range_source) == (0.05, 0.3, "profile")
    for p, got in ((0.05, e.difference_low_usd), (0.3, e.difference_high_usd)):
        want = toy_job_cost(price=10000, tps=1000, elec=p) - toy_job_cost(price=1000, tps=500, elec=p) - penalty
        assert got == approx(want)
    assert e.difference_swing_usd == approx(abs(e.difference_high_usd - e.difference_low_usd))
    assert res.central_effective_cost_usd == {"toy": approx(JOB_FAST), "cheap": approx(JOB_CHEAP + penalty)}


def test_sensitivity_with_vs_ranks_flips_first_then_by_difference_swing() -> None:
    """Documented order: inputs that flip the decision first, then by the swing of the difference;
    inputs that change nothing, and inputs no option reads, are left out."""
    res = tco.sensitivity(toy_inputs(Option(FAST), Option(CHEAP)), vs=("toy", "cheap"))
    assert res.vs == ["toy", "cheap"]
    keys = [(not r.flips_decision, -r.difference_swing_usd) for r in res.rows]
    assert keys == sorted(keys)
    assert all(r.difference_swing_usd > 0 for r in res.rows)
    flips = {r.param for r in res.rows if r.flips_decision}
    # ±20 % of a 4-week lead time is 5.6 days: far more than the 10/24 day between the options.
    assert {"toy.lead_time_weeks", "cheap.lead_time_weeks"} <= flips
    params = {r.param for r in res.rows}
    assert "toy.mfu" not in params  # measured throughput: MFU is not read
    assert "scenario.deployment_weeks" not in params  # shared: shifts both markets alike
    # Central: the faster toy wins (J_toy < J_cheap + $1000 · 10/24), difference negative.
    assert JOB_FAST < JOB_CHEAP + 1000 * DELAY_CHEAP


def test_sensitivity_without_vs_ranks_by_largest_swing() -> None:
    """Without --vs, rows are ranked by the largest swing of any option, zero swings left out."""
    res = tco.sensitivity(toy_inputs(Option(FAST), Option(CHEAP)))
    assert res.vs is None
    swings = [max(r.swing_usd.values()) for r in res.rows]
    assert swings == sorted(swings, reverse=True)
    assert all(s > 0 for s in swings)
    assert all(r.difference_low_usd is None for r in res.rows)


def test_sensitivity_fraction_default_swing_capped_at_one() -> None:
    """A fraction without a range swings ±20 % but never above 1: utilization 0.9 → 0.72 .. 1.0."""
    res = tco.sensitivity(toy_inputs(Option(FAST), utilization=0.9))
    row = next(r for r in res.rows if r.param == "scenario.utilization")
    assert (row.low, row.high) == (approx(0.72), 1.0)


# --------------------------------------------------------------------------- Monte Carlo


def test_simulate_seed_reproducible(article: Inputs) -> None:
    """Same seed, same result; another seed, another result."""
    a = tco.simulate(article, samples=2000, seed=7)
    b = tco.simulate(article, samples=2000, seed=7)
    c = tco.simulate(article, samples=2000, seed=8)
    assert a.model_dump_json() == b.model_dump_json()
    assert a.model_dump_json() != c.model_dump_json()


def test_simulate_does_not_depend_on_the_order_of_the_options() -> None:
    """Each input draws from its own stream (the seed and its path): listing the options the other way
    round gives every option the same percentiles, win probability and EVPI (both parts have ranged inputs)."""
    inputs = tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b")
    a = tco.simulate(inputs, samples=2000, seed=7)
    b = tco.simulate(dataclasses.replace(inputs, options=list(reversed(inputs.options))), samples=2000, seed=7)
    assert [o.option for o in b.options] == [o.option for o in reversed(a.options)]
    by_name = {o.option: o for o in b.options}
    for o in a.options:
        assert o.model_dump() == by_name[o.option].model_dump()
    assert a.expected_value_of_perfect_information_usd == b.expected_value_of_perfect_information_usd


def test_simulate_probabilities_and_percentiles(article: Inputs) -> None:
    """Win probabilities sum to 1; P10 ≤ P50 ≤ P90 for every metric of every option."""
    res = tco.simulate(article, samples=5000, seed=3)
    assert res.samples == 5000 and res.seed == 3
    assert sum(o.win_probability for o in res.options) == approx(1.0, abs=1e-12)
    for o in res.options:
        for metric in (o.effective_cost_usd, o.cost_per_million_tokens_usd, o.time_to_market_days):
            assert metric.p10 <= metric.p50 <= metric.p90
        assert o.infeasible_share == 0
    # Only ranged inputs are sampled: the prices are (each has a low and a high), the MLU's memory bandwidth (a
    # vendor figure with no range, swung ±20 % by the tornado) is not.
    assert "a100-80gb.price_usd" in res.sampled_inputs and "mlu370-s4.price_usd" in res.sampled_inputs
    assert "mlu370-s4.memory_bandwidth_gbps" not in res.sampled_inputs


def test_simulate_needs_a_sample() -> None:
    """Zero samples is an input error, not an empty result."""
    with pytest.raises(InputError, match="at least 1 sample"):
        tco.simulate(toy_inputs(Option(FAST)), samples=0, seed=1)


def test_common_random_numbers_identical_options_always_tie() -> None:
    """Common random numbers: the same toy twice ("toy" and "toy@4"), electricity uncertain. Each sample
    draws the price of electricity once for both options, so they cost exactly the same in every sample
    and their percentiles coincide; tied options share each sample's win, exactly half each (it went
    to the first in input order, 100 % and 0 %)."""
    elec = {"value": 0.1, "low": 0.02, "high": 0.5, "source": "test"}
    res = tco.simulate(toy_inputs(Option(FAST), Option(FAST, 4), electricity_usd_per_kwh=elec), samples=4000, seed=11)
    assert res.sampled_inputs == ["scenario.electricity_usd_per_kwh"]
    first, second = res.options
    assert (first.win_probability, second.win_probability) == (0.5, 0.5)
    assert first.effective_cost_usd == second.effective_cost_usd


def test_monte_carlo_shared_input_threshold_by_hand() -> None:
    """Only electricity is uncertain (lognormal, 90 % interval 0.05 .. 0.45 $/kWh). Both toys see the
    same price p in a sample, and J_toy(p) − J_cheap(p) is linear in p (energy 22.5 vs 4.5 kWh), so
    "toy" wins exactly when p < p* = (fixed_cheap − fixed_toy) / 18. Its win probability is the
    lognormal CDF at p*: Φ((ln p* − μ)/σ), σ = ln(0.45/0.05)/(2·z95), μ = ln 0.05 + z95·σ."""
    elec = {"value": 0.15, "low": 0.05, "high": 0.45, "source": "test"}
    toy_b = accelerator(id="frugal", price_usd=12500, tdp_w=100, benchmarks=[bench("toy-train", 1000)])
    n = 20_000
    res = tco.simulate(toy_inputs(Option(FAST), Option(toy_b), electricity_usd_per_kwh=elec), samples=n, seed=5)
    fixed_toy = toy_job_cost(price=10000, tps=1000, elec=0)
    fixed_frugal = toy_job_cost(price=12500, tdp=100, tps=1000, elec=0)
    kwh_toy, kwh_frugal = 4 * 250 * 1.5 * 1.5 * 10 / 1000, 4 * 50 * 1.5 * 1.5 * 10 / 1000  # 22.5, 4.5
    p_star = (fixed_frugal - fixed_toy) / (kwh_toy - kwh_frugal)
    sigma = math.log(0.45 / 0.05) / (2 * Z95)
    mu = math.log(0.05) + Z95 * sigma
    p_win = 0.5 * (1 + math.erf((math.log(p_star) - mu) / (sigma * math.sqrt(2))))
    assert 0.7 < p_win < 0.9  # far from 1/2, so a wrong pairing of draws would show
    opts = {o.option: o for o in res.options}
    tol = 4 * math.sqrt(p_win * (1 - p_win) / n)
    assert opts["toy"].win_probability == approx(p_win, abs=tol)
    # Effective cost is increasing in p (no delay: same market date), so its percentiles are the
    # lognormal's: exp(μ + z·σ) with z = −1.2816, 0, 1.2816.
    for z, got in (
        (-1.2815515655446004, opts["toy"].effective_cost_usd.p10),
        (0.0, opts["toy"].effective_cost_usd.p50),
        (1.2815515655446004, opts["toy"].effective_cost_usd.p90),
    ):
        assert got == approx(fixed_toy + kwh_toy * math.exp(mu + z * sigma), rel=5e-3)
    assert opts["toy"].time_to_market_days.p50 == approx(toy_market_days(1000))


def test_sample_input_lognormal_and_fraction() -> None:
    """A positive range is a lognormal whose 5th/95th percentiles are (low, high); a fraction is a normal
    clipped to [0, 1]; the same generator state gives the same draws."""
    inputs = toy_inputs(
        Option(FAST),
        electricity_usd_per_kwh={"value": 0.1, "low": 0.05, "high": 0.2, "source": "t"},
        utilization={"value": 0.9, "low": 0.7, "high": 1.0, "source": "t"},
    )
    items = {u.path: u for u in analysis.uncertain_inputs(analysis.prepare(inputs), ranged_only=True)}
    assert set(items) == {"scenario.electricity_usd_per_kwh", "scenario.utilization"}
    e = analysis.sample_input(items["scenario.electricity_usd_per_kwh"], np.random.default_rng(1), 200_000)
    assert np.all(e > 0)
    assert np.percentile(e, 5) == approx(0.05, rel=0.02)
    assert np.percentile(e, 95) == approx(0.2, rel=0.02)
    assert np.median(e) == approx(math.sqrt(0.05 * 0.2), rel=0.01)
    again = analysis.sample_input(items["scenario.electricity_usd_per_kwh"], np.random.default_rng(1), 200_000)
    assert np.array_equal(e, again)
    u = analysis.sample_input(items["scenario.utilization"], np.random.default_rng(2), 100_000)
    assert u.min() >= 0 and u.max() <= 1.0
    assert (u == 1.0).mean() > 0.1  # clipped at 1: σ = 0.3/(2·z95) ≈ 0.091, P(x > 1) = 1 − Φ(1.10) ≈ 14 %


# --------------------------------------------------------------------------- sweeps


def test_sweep_streams_bounded_chunks(article: Inputs) -> None:
    """A 1,000 × 200 grid of 2 options (400,000 rows) comes as an iterator of chunks of ≤ CHUNK rows."""
    columns, total, chunks = tco.sweep(article, ["scenario.cost_of_delay_usd_per_day=0:1000:1000", "mlu370-s4.price_usd=1000:20000:200"])
    assert total == 1000 * 200 * 2
    assert iter(chunks) is chunks  # a lazy iterator, not a list
    assert columns[:4] == ["point", "scenario.cost_of_delay_usd_per_day", "mlu370-s4.price_usd", "option"]
    rows = 0
    for chunk in chunks:
        assert 0 < chunk.rows <= analysis.CHUNK
        assert all(len(col) == chunk.rows for col in chunk.columns.values())
        rows += chunk.rows
    assert rows == total


def test_sweep_values_by_hand() -> None:
    """cheap's price × cost of delay, interleaved one row per (point, option), first axis slowest."""
    _, total, chunks = tco.sweep(
        toy_inputs(Option(FAST), Option(CHEAP)), ["cheap.price_usd=800,1200", "scenario.cost_of_delay_usd_per_day=0:100:3"]
    )
    assert total == 2 * 3 * 2
    chunk = next(chunks)
    cols = chunk.columns
    assert list(chunk.options) == ["toy", "cheap"] * 6
    assert list(cols["point"]) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert list(cols["scenario.cost_of_delay_usd_per_day"][::2]) == [0, 50, 100, 0, 50, 100]
    for row in range(total):
        price = cols["cheap.price_usd"][row]
        cod = cols["scenario.cost_of_delay_usd_per_day"][row]
        if chunk.options[row] == "toy":
            want = JOB_FAST
        else:
            want = toy_job_cost(price=price, tps=500) + cod * DELAY_CHEAP
        assert cols["effective_cost_usd"][row] == approx(want)
    # At $0/day cheap wins (rank 1), at $100/day (> c* ≈ $62.5) the toy does.
    assert list(cols["rank"][:2]) == [2, 1] and list(cols["rank"][4:6]) == [1, 2]


def test_sweep_bad_specs_raise_input_errors() -> None:
    """Inverted or empty ranges, N = 0, non-numbers, unknown paths and invalid values are input errors."""
    inputs = toy_inputs(Option(FAST), Option(CHEAP))
    for spec, match in (
        ("scenario.pue=5:1:10", "inverted"),
        ("scenario.pue=3:3:10", "inverted"),
        ("scenario.pue=1:2:0", "N of at least 1"),
        ("scenario.pue=abc", "expected numbers"),
        ("scenario.pue_x=1,2", "did you mean 'pue'"),
        ("scenario.pue=0.5,2", "0.5"),
    ):
        with pytest.raises(InputError, match=match):
            tco.sweep(inputs, [spec])
    with pytest.raises(InputError):
        tco.sweep(inputs, [])


# --------------------------------------------------------------------------- sizing


def test_size_deadline_toy_by_hand() -> None:
    """Deadline 42.25 days = 42 (4 + 2 weeks) + 6 h: T_h = 40 h / n ≤ 6 h (the toy's MFU is given, so
    its throughput per accelerator is the same at every count). n = 6: 6.67 h, misses; n = 7: 5.71 h."""
    assert toy_hours(1000, 6) > 6 >= toy_hours(1000, 7)
    res = tco.size(toy_inputs(Option(FAST)), deadline_days=42.25)
    (o,) = res.options
    assert (res.constraint, res.limit) == ("deadline_days", 42.25)
    assert o.feasible and o.count == 7
    assert o.time_to_market_days == approx(toy_market_days(1000, 7))
    assert o.job_cost_usd == approx(toy_job_cost(price=10000, tps=1000, n=7))


def test_size_budget_matches_brute_force_over_counts() -> None:
    """With the layout model the job cost rises with the count (bubble, communication): the largest
    count whose cost fits the budget is the one a brute-force scan of ``compare`` finds."""
    derived = accelerator(mfu=None, memory_bandwidth_gbps=2000, interconnect={"bandwidth_gbps": 600, "scale_out_gbps": 25})

    def cost(n: int) -> float:
        c = tco.compare(toy_inputs(Option(derived, n))).results[0].job_cost_usd
        assert c is not None
        return c

    budget = cost(16) * 1.01
    (o,) = tco.size(toy_inputs(Option(derived)), budget_usd=budget).options
    assert o.count is not None and o.job_cost_usd is not None
    assert o.job_cost_usd == approx(cost(o.count)) and o.job_cost_usd <= budget
    assert cost(o.count + 1) > budget


def test_size_power_toy_by_hand() -> None:
    """IT power × PUE per toy = 500 W · k_pwr 1.5 · PUE 1.5 = 1.125 kW: 10 kW holds 8 (9 need 10.125)."""
    (o,) = tco.size(toy_inputs(Option(FAST)), power_kw=10).options
    assert o.count == 8
    assert o.facility_power_kw == approx(8 * 1.125)


def test_size_purchase_budget_toy_by_hand() -> None:
    """Capex per toy = price $10,000 × k_srv 2.0 = $20,000 (one server: no switch tier): $150,000 buys 7
    (8 cost $160,000). The job cost at 7 is the toy's own formula, not the budget."""
    res = tco.size(toy_inputs(Option(FAST)), capex_usd=150_000)
    (o,) = res.options
    assert (res.constraint, res.limit) == ("capex_usd", 150_000)
    assert o.feasible and o.count == 7 and o.capex_usd == approx(140_000)
    assert o.job_cost_usd == approx(toy_job_cost(price=10000, tps=1000, n=7))
    assert o.message == "7 × toy meets capex_usd = $150,000"
    with pytest.raises(InfeasibleError, match=r"\(1\) exceeds \$19,999"):
        tco.size(toy_inputs(Option(FAST)), capex_usd=19_999)


def test_size_says_when_the_answer_is_the_largest_count_searched() -> None:
    """A limit every count up to 131,072 meets: the answer is the search's end, not the limit's, and the
    note says so (a deadline wants the smallest count: its answer is never cut by the search)."""
    (o,) = tco.size(toy_inputs(Option(FAST)), capex_usd=1e300).options
    assert o.count == analysis.sizing.MAX_COUNT == 131072
    assert o.message == "131,072 × toy meets capex_usd = 1e+300 USD (the largest count searched, 131,072: more may fit)"
    (o,) = tco.size(toy_inputs(Option(FAST)), capex_usd=20_000 * 131072).options
    searched = " (the largest count searched, 131,072: more may fit)"
    assert o.count == 131072 and o.message == f"131,072 × toy meets capex_usd = $2,621,440,000{searched}"
    (o,) = tco.size(toy_inputs(Option(FAST)), capex_usd=20_000 * 131071).options
    assert o.count == 131071 and o.message == "131,071 × toy meets capex_usd = $2,621,420,000"
    (o,) = tco.size(toy_inputs(Option(FAST)), deadline_days=1e300).options
    assert o.count == 1 and "searched" not in (o.message or "")


def test_size_purchase_budget_matches_compare_across_switch_tiers() -> None:
    """On a shipped profile at a count spanning many servers (switch tiers, storage), the largest count
    whose capex fits is the one ``compare`` at that count and the next confirms: capex(n) <= B < capex(n+1)."""

    def capex(n: int) -> float:
        (r,) = tco.compare(tco.load_inputs([f"h100-sxm@{n}"], workload="llama3-70b")).results
        assert r.capex_usd is not None
        return r.capex_usd

    budget = 0.5 * (capex(1000) + capex(1001))
    (o,) = tco.size(tco.load_inputs(["h100-sxm"], workload="llama3-70b"), capex_usd=budget).options
    assert o.count == 1000 and o.capex_usd == approx(capex(1000))
    assert o.job_cost_usd == approx(tco.compare(tco.load_inputs(["h100-sxm@1000"], workload="llama3-70b")).results[0].job_cost_usd)


def test_size_purchase_budget_does_not_size_rented_capacity() -> None:
    """Rented capacity is not bought: beside an owned option it is noted, alone it is infeasible."""
    inputs = toy_inputs(Option(RENTABLE, None, Acquisition.rent), Option(RENTABLE))
    rent, buy = tco.size(inputs, capex_usd=100_000).options
    assert not rent.feasible and "a purchase budget does not size it" in (rent.message or "")
    assert buy.feasible and buy.count == 5  # $20,000 each
    with pytest.raises(InfeasibleError, match="rented capacity is not bought"):
        tco.size(toy_inputs(Option(RENTABLE, None, Acquisition.rent)), capex_usd=100_000)


def test_size_needs_exactly_one_constraint_and_a_possible_one() -> None:
    """No constraint or two is an input error; a deadline inside the lead time is infeasible."""
    inputs = toy_inputs(Option(FAST))
    with pytest.raises(InputError, match="exactly one"):
        tco.size(inputs)
    with pytest.raises(InputError, match="exactly one"):
        tco.size(inputs, deadline_days=50, budget_usd=100)
    with pytest.raises(InputError, match="exactly one"):
        tco.size(inputs, budget_usd=100, capex_usd=100)
    # Lead time 4 weeks + deployment 2 weeks = 42 days before any training.
    with pytest.raises(InfeasibleError, match="42.0 days"):
        tco.size(inputs, deadline_days=30)


# --------------------------------------------------------------------------- buy or rent


RENTABLE = accelerator(
    rental={"usd_per_hour": {"value": 2.0, "low": 1.0, "high": 4.0, "source": "test"}, "lead_time_weeks": 1},
    benchmarks=[bench("toy-train", 1000)],
)


def test_rent_and_buy_side_by_side_by_hand() -> None:
    """Rented: capex 0, rent = n · rate · T_h = 4 · 2 · 10; market 7 · (1 + 1) + 10/24 days."""
    res = by_label(tco.compare(toy_inputs(Option(RENTABLE, None, Acquisition.rent), Option(RENTABLE))))
    rent, buy = res["toy:rent"], res["toy"]
    assert rent.capex_usd == 0 and rent.capital_usd == 0 and rent.energy_usd == 0
    assert rent.rent_usd == approx(4 * 2.0 * 10)
    assert rent.time_to_market_days == approx(7 * (1 + 1) + 10 / 24)
    assert buy.capex_usd == approx(4 * 10000 * 2.0)
    assert buy.rent_usd == 0
    assert buy.job_cost_usd == approx(JOB_FAST)


def test_breakeven_on_rental_rate_by_hand() -> None:
    """No cost of delay: renting ties with buying at rate* = J_buy / (n · T_h) = J_toy / 40."""
    inputs = toy_inputs(Option(RENTABLE, None, Acquisition.rent), Option(RENTABLE), cost_of_delay_usd_per_day=0)
    res = tco.breakeven(inputs, "toy:rent", "toy", param="toy.rental.usd_per_hour", value_range=(0.5, 10.0))
    assert res.value == approx(JOB_FAST / (4 * 10), rel=1e-6)
    assert (res.winner_below, res.winner_above) == ("toy:rent", "toy")


def test_simulate_and_sensitivity_accept_mixed_acquisitions() -> None:
    """Rented and bought options together: the rate is sampled and swung; rent = 4 · rate · 10 h."""
    inputs = toy_inputs(Option(RENTABLE, None, Acquisition.rent), Option(RENTABLE), Option(CHEAP))
    mc = tco.simulate(inputs, samples=2000, seed=1)
    assert [o.option for o in mc.options] == ["toy:rent", "toy", "cheap"]
    assert mc.sampled_inputs == ["toy.rental.usd_per_hour"]
    assert sum(o.win_probability for o in mc.options) == approx(1.0, abs=1e-12)
    tornado = tco.sensitivity(inputs, vs=("toy:rent", "toy"))
    rate = next(r for r in tornado.rows if r.param == "toy.rental.usd_per_hour")
    assert rate.effective_cost_low_usd["toy:rent"] == approx(4 * 1.0 * 10)
    assert rate.effective_cost_high_usd["toy:rent"] == approx(4 * 4.0 * 10)
    assert rate.swing_usd["toy"] == 0  # the bought option does not read the rental rate


# --------------------------------------------------------------------------- examples


def run_example(name: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / name)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_every_example_is_tested() -> None:
    """Each script in examples/ has a test below."""
    assert sorted(p.name for p in (ROOT / "examples").glob("*.py")) == ["article_case.py", "what_if.py"]


def test_example_article_case() -> None:
    """Prints the article's gaps and its break-even cost of delay, which the hand formulas give too."""
    out = run_example("article_case.py").stdout.splitlines()
    c_star = (article_job_cost("a100-80gb") - article_job_cost("mlu370-s4")) / (
        article_market_days("mlu370-s4") - article_market_days("a100-80gb")
    )
    assert out == [
        "throughput gap: -37.6%",
        "time to converge: 48.0 h vs 76.9 h",
        "cost per token: 0.66x the A100's",
        f"break-even cost of delay: ${c_star:,.0f}/day (a100-80gb wins above it)",
    ]


def test_example_what_if() -> None:
    """Three tornado rows, a Monte Carlo line per option, a 5-point sweep of 2 options, a sweep over a precision, a
    sizing line each."""
    out = run_example("what_if.py").stdout.splitlines()
    assert len(out) == 3 + 2 + 1 + 1 + 2
    # 20 % more measured tokens/s puts the MLU's measured run past its peak; the A100 wins anyway. (20 %
    # more parameters carry the run to the larger job, at the peak at most: the MLU runs there.)
    assert out[0] == "mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second: an option cannot run at one end (flips the decision: False)"
    assert ": swing of the difference $" in out[1] and ": swing of the difference $" in out[2]
    assert [line.split(":")[0] for line in out[3:5]] == ["a100-80gb", "mlu370-s4"]
    wins = [float(line.rsplit("P(win) ", 1)[1].rstrip("%")) for line in out[3:5]]
    assert sum(wins) == approx(100, abs=0.11)
    # point, 1 axis, option, 7 metrics, delay, penalty, effective, rank, feasible, status, reason = 17 columns.
    assert out[5] == "sweep: 10 rows of 17 columns"
    # the choice sweep's rows are compare's with --set workload.precision=..., whose ratio is this
    fp8, bf16 = (
        tco.compare(tco.load_inputs(["h100-sxm"], workload="llama3-8b", sets=[f"workload.precision={p}"])).results[0]
        for p in ("fp8", "bf16")
    )
    ratio = fp8.tokens_per_second_per_accelerator / bf16.tokens_per_second_per_accelerator
    assert out[6] == f"h100-sxm on llama3-8b: FP8 runs {ratio:.2f}x the BF16 tokens/s" and ratio > 1.3
    assert out[7].startswith("a100-80gb: ") and "meets deadline_days = 120" in out[7]
    # The default scenario ports the MLU for 12 weeks: 7 · (10 + 6 + 12) = 196 days before training.
    assert out[8] == "mlu370-s4: no count meets 120 days: lead time, deployment and porting alone take 196.0 days"


def test_evpi_matches_its_definition(article: Inputs) -> None:
    """EVPI = min_a E[C_a] − E[min_a C_a] over the same draws (common random numbers): recomputed here
    from the per-sample costs of the same seed, and never negative."""
    import numpy as np

    from tco import analysis
    from tco.analysis.montecarlo import input_stream

    result = tco.simulate(article, samples=5000, seed=3)
    prep = analysis.prepare(article)
    items = analysis.uncertain_inputs(prep, ranged_only=True)
    draws = {u.path: analysis.sample_input(u, input_stream(3, u.path), 5000) for u in items}
    batch = analysis.evaluate_many(prep, {u.path: (u.target, draws[u.path]) for u in items}, 5000)
    costs = np.vstack(batch.effective_cost_usd)
    expected = costs.mean(axis=1).min() - costs.min(axis=0).mean()
    assert result.expected_value_of_perfect_information_usd == approx(expected)
    assert result.expected_value_of_perfect_information_usd >= 0
    assert result.best_expected_option == prep.labels[int(costs.mean(axis=1).argmin())]


def test_what_if_is_a_fast_validated_path() -> None:
    """1,000 what-ifs in one call equal 1,000 compares, are validated like --set, and take well under a second."""
    import time

    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
    cods = [float(i) for i in range(0, 1000)]
    start = time.perf_counter()
    res = tco.what_if(inputs, {"scenario.cost_of_delay_usd_per_day": cods})
    assert time.perf_counter() - start < 2.0  # ~0.1 s on the development machine; generous for CI
    for i in (0, 155, 156, 999):
        one = tco.compare(
            tco.load_inputs(
                ["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article", sets=[f"scenario.cost_of_delay_usd_per_day={cods[i]}"]
            )
        )
        for o in res.options:
            want = next(r for r in one.results if r.accelerator == o.option)
            assert o.effective_cost_usd[i] == approx(want.effective_cost_usd, rel=1e-12)
            assert o.rank[i] == want.rank
    with pytest.raises(tco.InputError, match="expected at least 1"):
        tco.what_if(inputs, {"scenario.pue": [1.2, 0.9]})
    with pytest.raises(tco.InputError):
        tco.what_if(inputs, {"scenario.pue": [1.2], "scenario.utilization": [0.5, 0.6]})


@pytest.mark.parametrize(
    ("workload", "path", "values"),
    [
        ("llama3-70b", "workload.seq_len", [2048.0, 32768.0]),  # the layout and the attention FLOPs
        ("llama3-70b", "workload.shape.layers", [40.0, 80.0]),  # the shape
        ("llama3-70b", "workload.global_batch_tokens", [1e5, 8e6]),  # absent from the file: the default batch
        ("llama3-70b", "h100-sxm.memory_gb", [20.0, 80.0]),  # the memory fit
        ("chat-70b", "h100-sxm.memory_gb", [40.0, 160.0]),  # the serving batch
        ("chat-70b", "h100-sxm.memory_bandwidth_gbps", [1000.0, 6000.0]),  # the serving replica and batch
        ("chat-70b", "workload.output_tokens", [100.0, 2048.0]),  # the request
    ],
)
def test_what_if_and_sweep_replan_inputs_that_move_discrete_choices(workload: str, path: str, values: list[float]) -> None:
    """An input that changes an option's layout, shape, batch or memory fit is planned anew at each
    value: the sweep and the what-if give what compare gives with --set. (They held the central plan,
    so a sweep of seq_len or of a serving part's memory printed the same throughput at every value.)"""
    inputs = tco.load_inputs(["h100-sxm"], workload=workload)
    wi = tco.what_if(inputs, {path: values})
    columns, _, chunks = analysis.iter_sweep(inputs, [f"{path}={','.join(str(v) for v in values)}"])
    rows = [c for chunk in chunks for c in chunk.columns["effective_cost_usd"]]
    for j, v in enumerate(values):
        text = str(int(v)) if v == int(v) else str(v)
        ref = tco.compare(tco.load_inputs(["h100-sxm"], workload=workload, sets=[f"{path}={text}"])).results[0]
        assert wi.options[0].effective_cost_usd[j] == pytest.approx(ref.effective_cost_usd, rel=1e-9)
        assert rows[j] == pytest.approx(ref.effective_cost_usd, rel=1e-9)
    assert wi.options[0].effective_cost_usd[0] != pytest.approx(wi.options[0].effective_cost_usd[1], rel=1e-6)


def test_an_input_that_does_not_move_the_plan_stays_vectorized() -> None:
    """Sweeping a price plans nothing anew (the check at the range's ends finds the same plan)."""
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    prep = analysis.common.prepare(inputs)
    target = analysis.common.resolve_target(prep, "scenario.pue")
    analysis.common.evaluate_many(prep, {"scenario.pue": (target, np.linspace(1.0, 2.0, 1000))}, 1000, replan=True)
    assert not any(prep.moving.values()) and len(prep.replans) <= 4


def test_a_sweep_point_where_an_option_cannot_run_is_infeasible_not_an_error() -> None:
    """At 1 GB an H100 cannot hold a 70B model: that point's H100 row is infeasible (no figures, never
    ranked first) while the sweep goes on, as an option that cannot run is left out of an analysis."""
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="chat-70b")
    _, _, chunks = analysis.iter_sweep(inputs, ["h100-sxm.memory_gb=1,80"])
    cols = next(iter(chunks)).columns
    assert list(cols["feasible"]) == [False, True, True, True]
    assert math.isnan(cols["effective_cost_usd"][0]) and math.isfinite(cols["effective_cost_usd"][2])
    wi = tco.what_if(inputs, {"h100-sxm.memory_gb": [1.0, 80.0]})
    assert wi.options[0].effective_cost_usd[0] is None and wi.options[0].rank[0] is None


def test_two_axes_that_move_the_plan_together_match_set() -> None:
    """A longer sequence and less memory together: each combination is planned with both values set
    (their effects on the layout combine), as --set with both would."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-70b")
    _, _, chunks = analysis.iter_sweep(inputs, ["workload.seq_len=2048,32768", "h100-sxm.memory_gb=40,80"])
    got = list(next(iter(chunks)).columns["effective_cost_usd"])
    for j, (seq, mem) in enumerate([(2048, 40), (2048, 80), (32768, 40), (32768, 80)]):
        sets = [f"workload.seq_len={seq}", f"h100-sxm.memory_gb={mem}"]
        ref = tco.compare(tco.load_inputs(["h100-sxm"], workload="llama3-70b", sets=sets)).results[0]
        assert got[j] == pytest.approx(ref.effective_cost_usd, rel=1e-9)
