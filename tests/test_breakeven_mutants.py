"""Tests that kill surviving mutants of ``tco/analysis/breakeven.py`` (mutmut 3.8.1, seed 20261210).

The search helpers are tested on functions whose roots and edges are known exactly, so every expected
value (a probe, a bracket, a count of evaluations) follows by hand from the bisection rule in the
docstring; the break-even itself is checked against ``compare`` at the value it reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import tco
from tco import analysis
from tco.analysis.breakeven import _bisect, _bisect_whole, _edge_bracket, _feasibility_edge, breakeven, default_range, scan_grid
from tco.engine import Option
from tco.models import AtLeastOneQuantity
from tests.factories import accelerator, bench, inference, training
from tests.test_mutants import CHEAP, toy_inputs

approx = pytest.approx


def counted(f: Callable[[float], float]) -> tuple[Callable[[np.ndarray], np.ndarray], list[float]]:
    """``f`` as the bisection calls it (on one-element arrays), with the points it was asked about."""
    probes: list[float] = []

    def g(x: np.ndarray) -> np.ndarray:
        probes.append(float(x[0]))
        return np.array([f(float(x[0]))])

    return g, probes


def probed(edge: float) -> tuple[Callable[[float], bool], list[float]]:
    """``x >= edge``, with the points it was asked about."""
    probes: list[float] = []

    def ok(x: float) -> bool:
        probes.append(x)
        return x >= edge

    return ok, probes


# --------------------------------------------------------------------------- break-even


@pytest.mark.parametrize(
    ("currency", "rate", "tie", "shown"), [("CNY", 0.125, 8000.0, "toy.price_usd (in CNY)"), ("USD", None, 1000.0, "toy.price_usd")]
)
def test_a_price_quoted_in_yuan_is_scanned_and_reported_in_yuan(currency: str, rate: float | None, tie: float, shown: str) -> None:
    """toy and cheap both run at 500 tokens/s; cheap costs $1,000, so they tie where toy's price is $1,000:
    8,000 CNY at $0.125 per yuan. A price quoted in USD is reported with no currency."""
    a = accelerator(benchmarks=[bench("toy-train", 500)], price_usd={"value": 9000, "currency": currency})
    rates = {"usd_per_cny": rate} if rate else {}
    r = breakeven(toy_inputs(Option(a), Option(CHEAP), **rates), "toy", "cheap", param="toy.price_usd", value_range=(tie / 2, tie * 1.5))
    assert r.currency == (None if currency == "USD" else currency)
    assert r.value == approx(tie, rel=1e-9)
    assert r.message == f"toy and cheap tie at {shown} = {tie:,.0f}; below it toy wins, above it cheap wins"


def test_a_break_even_where_both_options_lack_an_input_at_both_ends_names_them() -> None:
    """Two parts measured at 8 accelerators only, with no published peak: their costs are known at 8 and
    unknown at 4 and 16, so no tie can be read, and the message names what each lacks."""
    nopeak = {"bf16_tflops": None, "fp16_tflops": None}
    a = accelerator(peak=nopeak, benchmarks=[bench("toy-train", 1000, accelerator_count=8)])
    b = accelerator(id="other", peak=nopeak, benchmarks=[bench("toy-train", 500, accelerator_count=8)])
    inputs = toy_inputs(Option(a), Option(b), workload=training(accelerator_count=8))
    r = breakeven(inputs, "toy", "other", param="count", value_range=(4, 16))
    assert r.message == "no tie for count in [4, 16]: unknown inputs: toy needs toy.peak.bf16_tflops; other needs other.peak.bf16_tflops"
    assert (r.value, r.winner_below, r.winner_above) == (None, None, None)


def test_a_break_even_says_where_one_option_lacks_an_input() -> None:
    """A part measured at 8 accelerators only, with no published peak, against one that needs no peak:
    the first's cost is known at 8 alone, so the other wins at both ends because the first lacks an input."""
    a = accelerator(peak={"bf16_tflops": None, "fp16_tflops": None}, benchmarks=[bench("toy-train", 1000, accelerator_count=8)])
    b = accelerator(id="other", benchmarks=[bench("toy-train", 500)])
    inputs = toy_inputs(Option(a), Option(b), workload=training(accelerator_count=8))
    r = breakeven(inputs, "toy", "other", param="count", value_range=(4, 16))
    assert r.message == (
        "no tie for count in [4, 16]: at 4 other wins (toy lacks an input there), at 16 other wins (toy lacks an input there); "
        "toy has a cost from count = 8; toy lacks an input from count = 9; unknown inputs: toy needs toy.peak.bf16_tflops"
    )


@pytest.mark.parametrize(
    ("hi", "swaps", "tail"),
    [(2048, 3, "; at 8 h200 wins, at 2,048 h100-sxm wins"), (600, 2, "(first at 130, last at 528); at 8 h200 wins, at 600 h200 wins")],
)
def test_several_swaps_name_the_winner_at_each_end(hi: int, swaps: int, tail: str) -> None:
    """h200 against h100-sxm over the count: the message counts the swaps and names the cheaper at each
    end, which a what-if at the two ends confirms."""
    inputs = tco.load_inputs(["h200", "h100-sxm"], workload="llama3-8b")
    r = breakeven(inputs, "h200", "h100-sxm", param="count", value_range=(8, hi))
    cost = {o.option: o.effective_cost_usd for o in analysis.what_if(inputs, {"count": [8.0, float(hi)]}).options}
    at_hi = "h100-sxm" if cost["h100-sxm"][1] < cost["h200"][1] else "h200"
    assert cost["h200"][0] < cost["h100-sxm"][0] and tail.endswith(f"at {hi:,} {at_hi} wins")
    assert len(r.all_values) == swaps
    assert r.message.startswith(f"h200 and h100-sxm swap places {swaps} times for count in [8, {hi:,}]")
    assert r.message.endswith(tail)


def test_a_crossing_of_a_replanned_input_is_where_the_winner_changes() -> None:
    """Serving toys of 400 GB against a 200 GB part at $10,050: over the toy's memory the replica steps
    near 107 GB and the costs cross there. A what-if just below and just above the reported value (each
    planned anew) names the two different winners."""
    big = accelerator(id="big", price_usd=10050, memory_gb=200)
    inputs = toy_inputs(Option(accelerator(memory_gb=400)), Option(big), workload=inference(), cost_of_delay_usd_per_day=0)
    r = breakeven(inputs, "toy", "big", param="toy.memory_gb", value_range=(60, 300))
    assert r.value is not None
    near = analysis.what_if(inputs, {"toy.memory_gb": [r.value * (1 - 1e-9), r.value * (1 + 1e-9)]}).options
    cost = {o.option: o.effective_cost_usd for o in near}
    assert cost["big"][0] < cost["toy"][0] and cost["toy"][1] < cost["big"][1]


# --------------------------------------------------------------------------- default range


def test_the_default_range_of_a_factor_from_one_starts_at_one() -> None:
    """A PUE of 1.5: ÷10 .. ×10 is 0.15 .. 15, but a PUE is at least 1."""
    t = analysis.Target("scenario.pue", {0: "scenario.pue"}, 1.5, AtLeastOneQuantity(value=1.5))
    assert default_range(t) == (1.0, 15.0)


# --------------------------------------------------------------------------- scan grid


def test_a_scan_up_to_one_from_zero_adds_a_logarithmic_part() -> None:
    """0 .. 1 spans more than three decades above 1e-6 of the top: 1e-6 and 1 join the even points."""
    assert scan_grid(0.0, 1.0, 5, False).tolist() == [0.0, 1e-6, 0.25, 0.5, 0.75, 1.0]


def test_a_scan_just_over_three_decades_is_logarithmic() -> None:
    """1 .. 1000.5 is more than three decades: three points spaced evenly in the logarithm."""
    assert scan_grid(1.0, 1000.5, 3, False) == approx(np.array([1.0, math.sqrt(1000.5), 1000.5]), rel=1e-12)


def test_the_logarithmic_part_of_a_scan_from_zero_has_half_the_points() -> None:
    """0 .. 1e6 with 6 points: 6 // 2 = 3 logarithmic ones, 1, 1e3 and 1e6."""
    xs = scan_grid(0.0, 1e6, 6, False)
    assert xs == approx(np.array([0.0, 1.0, 1e3, 2e5, 4e5, 6e5, 8e5, 1e6]))


def test_a_scan_across_zero_adds_a_logarithmic_part_on_each_side() -> None:
    """-1e6 .. 1 with 6 points: six even ones; above zero 6 // 2 = 3 from 1e-6 of the top (1e-6, 1e-3, 1);
    below it 3 from -1e6 to 1e-6 of the bottom's magnitude (-1e6, -1e3, -1)."""
    expected = [-1e6, -799999.8, -599999.6, -399999.4, -199999.2, -1e3, -1.0, 1e-6, 1e-3, 1.0]
    assert scan_grid(-1e6, 1.0, 6, False) == approx(np.array(expected), rel=1e-12)


def test_a_scan_from_below_up_to_zero_adds_a_logarithmic_part_below() -> None:
    assert scan_grid(-1e6, 0.0, 5, False).tolist() == [-1e6, -750000.0, -500000.0, -250000.0, -1.0, 0.0]


@pytest.mark.parametrize(
    ("lo", "hi", "n", "expected"),
    [
        ((-1e6), -10.0, 6, [-1e6, -1e5, -1e4, -1e3, -100.0, -10.0]),  # five decades, to the top's -10
        (-1000.0, -1.0, 3, [-1000.0, -500.5, -1.0]),  # exactly three decades: even
        (-1000.5, -1.0, 3, [-1000.5, -math.sqrt(1000.5), -1.0]),  # just over three: logarithmic
        (-100.0, -0.01, 3, [-100.0, -1.0, -0.01]),  # four decades below 1
    ],
)
def test_a_negative_scan_is_logarithmic_over_more_than_three_decades(lo: float, hi: float, n: int, expected: list[float]) -> None:
    assert scan_grid(lo, hi, n, False) == approx(np.array(expected), rel=1e-12)


def test_a_whole_number_scan_is_rounded_and_kept_within_the_range() -> None:
    """0.5 .. 11.5 in 3 points: 0.5, 6, 11.5 round to 0, 6, 12, which are clipped back to the ends."""
    assert scan_grid(0.5, 11.5, 3, True).tolist() == [0.5, 6.0, 11.5]


# --------------------------------------------------------------------------- edge bracket


def test_a_fractional_edge_is_bracketed_to_a_relative_1e_9() -> None:
    """x >= 0.3 on [0, 1]: halving from a width of 1 to at most 1e-9 takes 30 probes (2^-30 < 1e-9 < 2^-29)."""
    ok, probes = probed(0.3)
    lo, hi = _edge_bracket(ok, 0.0, 1.0, False, False)
    assert lo < 0.3 <= hi and hi - lo == 2.0**-30
    assert len(probes) == 30 and probes[:3] == [0.5, 0.25, 0.375]


def test_a_fractional_edge_in_a_bracket_across_zero() -> None:
    """x >= 0.3 on [-1, 1]: the first probe is 0; 31 halvings leave 2^-30 (2 / 2^31 < 1e-9 < 2 / 2^30)."""
    ok, probes = probed(0.3)
    lo, hi = _edge_bracket(ok, -1.0, 1.0, False, False)
    assert lo < 0.3 <= hi and hi - lo == 2.0**-30
    assert len(probes) == 31 and probes[0] == 0.0


def test_a_large_edge_is_bracketed_to_a_relative_not_absolute_1e_9() -> None:
    """x >= 300000.3 on [0, 1e6]: the tolerance is 1e-9 · 3e5 = 3e-4, reached after 32 halvings
    (1e6 / 2^32 = 2.3e-4; 1e6 / 2^31 = 4.7e-4 is not yet below it)."""
    ok, probes = probed(300000.3)
    lo, hi = _edge_bracket(ok, 0.0, 1e6, False, False)
    assert lo < 300000.3 <= hi and hi - lo == 1e6 / 2**32
    assert len(probes) == 32


def test_a_bracket_as_narrow_as_the_tolerance_is_not_probed() -> None:
    """[1e9 − 1, 1e9]: a width of 1 is 1e-9 of the top already."""
    ok, probes = probed(1e9 - 0.5)
    assert _edge_bracket(ok, 1e9 - 1, 1e9, False, False) == (1e9 - 1, 1e9)
    assert probes == []


def test_a_whole_number_edge_takes_a_probe_per_halving() -> None:
    """x >= 37 on 0 .. 100: 7 probes (50, 25, 37, 31, 34, 35, 36) leave (36, 37)."""
    ok, probes = probed(37)
    assert _edge_bracket(ok, 0, 100, False, True) == (36, 37)
    assert probes == [50, 25, 37, 31, 34, 35, 36]


def test_the_edge_search_stops_after_200_halvings() -> None:
    """x >= 1 on 0 .. 2^210: after 200 halvings of the whole-number bracket its top is 2^10."""
    ok, probes = probed(1)
    assert _edge_bracket(ok, 0, 2**210, False, True) == (0, 2**10)
    assert len(probes) == 200


def test_a_whole_number_feasibility_edge_is_a_whole_number() -> None:
    assert _feasibility_edge(lambda x: x >= 37, 0, 100, False, True) == 37
    assert _feasibility_edge(lambda x: x < 37, 0, 100, True, True) == 37


# --------------------------------------------------------------------------- whole-number bisection


def test_whole_number_bisection_narrows_to_neighbours() -> None:
    """x − 6.5 on 0 .. 16: 8, 4, 6 and 7 are probed; 7 is the first whole value past the root."""
    f, probes = counted(lambda x: x - 6.5)
    assert _bisect_whole(f, 0.0, 16.0, -6.5) == 7
    assert probes == [8, 4, 6, 7]


def test_whole_number_bisection_from_above_treats_a_tie_as_across() -> None:
    """12 − x on 0 .. 64 (positive below the root): 12 itself is the first value not above zero."""
    f, _ = counted(lambda x: 12.0 - x)
    assert _bisect_whole(f, 0.0, 64.0, 12.0) == 12


def test_whole_number_bisection_with_a_small_positive_start() -> None:
    """0.75 − x / 10 on 0 .. 16: positive (0.75) at 0, root 7.5, so 8."""
    f, _ = counted(lambda x: 0.75 - x / 10)
    assert _bisect_whole(f, 0.0, 16.0, 0.75) == 8


# --------------------------------------------------------------------------- bisection


def test_bisection_at_exactly_three_decades_halves_arithmetically() -> None:
    """[1, 1000] is not more than three decades: the first probe is the mean 500.5, the root."""
    f, probes = counted(lambda x: x - 500.5)
    assert _bisect(f, 1.0, 1000.0, -499.5) == 500.5
    assert probes == [500.5]
    f, probes = counted(lambda x: x + 500.5)
    assert _bisect(f, -1000.0, -1.0, -499.5) == -500.5
    assert probes == [-500.5]


def test_bisection_just_over_three_decades_halves_geometrically() -> None:
    """[1, 1000.5]: the first probe is the geometric mean √1000.5, the root."""
    root = math.sqrt(1000.5)
    f, probes = counted(lambda x: x - root)
    assert _bisect(f, 1.0, 1000.5, 1.0 - root) == root
    assert probes == [root]
    f, probes = counted(lambda x: x + root)
    assert _bisect(f, -1000.5, -1.0, root - 1.0) == -root
    assert probes == [-root]


def test_bisection_over_a_negative_decade_halves_arithmetically() -> None:
    """[-10, -1] is one decade: the mean, −5.5, is the root."""
    f, probes = counted(lambda x: x + 5.5)
    assert _bisect(f, -10.0, -1.0, -4.5) == -5.5
    assert probes == [-5.5]


def test_bisection_across_zero_halves_arithmetically() -> None:
    """[-1e6, 1] straddles zero: the first probe is the mean, −499,999.5."""
    f, probes = counted(lambda x: x - 0.5)
    assert _bisect(f, -1e6, 1.0, -1e6 - 0.5) == approx(0.5, abs=1e-12)
    assert probes[0] == -499999.5


@pytest.mark.parametrize(("lo", "hi", "root"), [(0.0, 500.0, 1e-6), (-500.0, 0.0, -1e-6)])
def test_bisection_from_zero_is_geometric(lo: float, hi: float, root: float) -> None:
    """A bracket from 0 spans any number of decades: it is halved geometrically (the first probe is far
    below 1e-100), and a root at ±1e-6 is found to 1e-12 in fewer probes than the 49 halvings at the
    arithmetic mean that 500 / 2^49 ≤ 1e-12 would take."""
    f, probes = counted(lambda x: x - root)
    assert abs(_bisect(f, lo, hi, lo - root) - root) <= 1e-12
    assert abs(probes[0]) < 1e-100
    assert len(probes) < 49


def test_bisection_returns_the_mid_point_of_a_bracket_already_within_tolerance() -> None:
    """[-5e-13, 5e-13] is 1e-12 wide, the tolerance: its mid point 0 is returned after one probe."""
    f, probes = counted(lambda x: x - 1e-13)
    assert _bisect(f, -5e-13, 5e-13, -6e-13) == 0.0
    assert probes == [0.0]


def test_bisection_tolerance_is_relative_for_large_values() -> None:
    """A root at 1e6 + 0.3 on [1e6, 2e6]: stop when the width is at most 1e-12 · 1e6; 1e6 / 2^40 is
    the first such width, reached at the 41st probe."""
    f, probes = counted(lambda x: x - (1e6 + 0.3))
    assert _bisect(f, 1e6, 2e6, -0.3) == approx(1e6 + 0.3, abs=1e-6)
    assert len(probes) == 41


def test_bisection_tolerance_is_absolute_below_one() -> None:
    """A root at 4.1 on [1, 9] and at 0.3 on [0.25, 0.5]: widths 8 / 2^41 ≤ 4.1e-12 (42 probes) and
    0.25 / 2^38 ≤ 1e-12 (39 probes)."""
    f, probes = counted(lambda x: x - 4.1)
    assert _bisect(f, 1.0, 9.0, -3.1) == approx(4.1, abs=1e-11)
    assert len(probes) == 42
    f, probes = counted(lambda x: x - 0.3)
    assert _bisect(f, 0.25, 0.5, -0.05) == approx(0.3, abs=1e-12)
    assert len(probes) == 39
