"""This session's own changes. The vectorized layout search evaluates the data-parallel degrees it tries as the
rows of one block instead of one degree at a time: the same elementwise arithmetic, so every figure is the
one-at-a-time search's to the bit, for a fraction of the interpreter's work (`tco size h100-sxm b200 -w
deepseek-v3 --deadline-days 300`, `tco simulate ... -w deepseek-v3` and `tco sensitivity h100-sxm -w deepseek-v3`
took about half the CPU time). Each test names what it pins."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import tco
from tco import training
from tco.analysis import sizing
from tco.analysis.common import prepare
from tco.loader import tomllib

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _plan(accelerator: str, workload: str):
    inputs = sizing.with_fitting_count(tco.load_inputs([accelerator], workload=workload))
    prep = prepare(inputs)
    return prep.plans[0], prep.bases[0]


def test_distinct_degrees_become_rows_in_order_and_an_unknown_row_equals_none() -> None:
    """A degree equal everywhere to an earlier one is left out (2.0 broadcast equals [2, 2, 2]; -0.0 equals
    0.0, as == has them), the rest keep their order, and a row with a NaN is kept each time (NaN equals
    nothing). Small arrays share one block of shape (rows, width)."""
    a = np.array([1.0, 2.0, 3.0])
    nan = np.array([1.0, np.nan, 3.0])
    degrees = [a, np.float64(2.0), a.copy(), np.array([2.0, 2.0, 2.0]), nan, nan, np.array([0.0, 0.0, 0.0]), np.float64(-0.0)]
    (block,) = training._row_blocks(degrees, width=3, ndim=1, ops=np)
    expected = np.array([[1, 2, 3], [2, 2, 2], [1, np.nan, 3], [1, np.nan, 3], [0, 0, 0]], dtype=float)
    assert np.array_equal(block, expected, equal_nan=True)


def test_large_arrays_take_one_degree_a_block_in_its_own_shape() -> None:
    """Where a row would pass half of BLOCK_ELEMENTS (a Monte Carlo run of 100,000 samples), each distinct degree
    is its own block, keeping its shape (a degree that is one number stays one element, with the search's
    dimensions before it): the arrays stay the one-at-a-time search's size."""
    width = training.BLOCK_ELEMENTS
    big = np.arange(width, dtype=float)
    blocks = training._row_blocks([np.float64(4.0), big, np.float64(4.0), big + 0.0], width=width, ndim=1, ops=np)
    assert [b.shape for b in blocks] == [(1, 1), (1, width)]
    assert blocks[0][0, 0] == 4.0
    assert np.array_equal(blocks[1][0], big)


def test_rows_per_block_follow_the_width_of_the_search() -> None:
    """BLOCK_ELEMENTS // width rows a block: 2**16 elements at a width of 10,000 are 6 rows, so 8 distinct
    degrees make blocks of 6 and 2."""
    width = 10_000
    degrees = [np.full(width, float(k)) for k in range(1, 9)]
    blocks = training._row_blocks(degrees, width=width, ndim=1, ops=np)
    assert training.BLOCK_ELEMENTS // width == 6
    assert [b.shape for b in blocks] == [(6, width), (2, width)]
    assert [float(b[j, 0]) for b in blocks for j in range(len(b))] == [1, 2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize(("accelerator", "workload", "top"), [("h100-sxm", "deepseek-v3", 600), ("a100-80gb", "gpt3-1.3b", 1200)])
def test_the_block_search_over_counts_is_the_one_degree_at_a_time_search_bit_for_bit(
    monkeypatch: pytest.MonkeyPatch, accelerator: str, workload: str, top: int
) -> None:
    """Over counts (sizing's grouped search, every layout): a block of degrees per layout gives every output of
    the search that takes one degree at a time (BLOCK_ELEMENTS of 1 forces it), to the bit, NaN for NaN."""
    plan, base = _plan(accelerator, workload)
    counts = np.arange(1, top + 1, dtype=float)
    blocked = sizing._exact(plan, base, counts)
    monkeypatch.setattr(training, "BLOCK_ELEMENTS", 1)
    one_at_a_time = sizing._exact(plan, base, counts)
    for key in blocked:
        assert np.array_equal(blocked[key], one_at_a_time[key], equal_nan=True), key


def test_the_block_search_of_a_sweep_is_the_one_degree_at_a_time_search_bit_for_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over an input other than the count (the plain vectorized search, a memory swept from 40 to 200 GB on a
    mixture-of-experts job): the same rows, number for number."""
    inputs = tco.load_inputs(["h100-sxm", "b200"], workload="deepseek-v3")
    vary = ["h100-sxm.memory_gb=40:200:17"]
    blocked = list(tco.api.sweep(inputs, vary).results)
    monkeypatch.setattr(training, "BLOCK_ELEMENTS", 1)
    one_at_a_time = list(tco.api.sweep(inputs, vary).results)
    assert len(blocked) == 34
    assert blocked == one_at_a_time


def test_a_rented_tpu_waits_up_to_googles_calendar_horizon(run) -> None:
    """Session 66 gave rented TPUs the 0-8 week wait of AWS's Capacity Blocks by analogy. Google's own page: TPUs are
    reserved in calendar mode with availability shown and capacity requested up to 120 days ahead
    [G-GCP-TPU-CALENDAR]: 0-17.1 weeks (120 / 7 = 17.14), still centred on no wait, and the bibliography resolves it.
    The simulated date to market of a rented TPU spreads further than with the AWS horizon."""
    for part in ("tpu-v5e", "tpu-v5p"):
        lead = tomllib.loads((PROFILES / "accelerators" / f"{part}.toml").read_text(encoding="utf-8"))["rental"]["lead_time_weeks"]
        assert (lead["value"], lead["low"], lead["high"]) == (0, 0, 17.1)
        assert "[G-GCP-TPU-CALENDAR]" in lead["source"] and "120 days" in lead["source"]
    entry = tomllib.loads((PROFILES / "sources" / "global-market.toml").read_text(encoding="utf-8"))["G-GCP-TPU-CALENDAR"]
    assert entry["date"] == "2025-10-30" and "120 days in advance" in entry["note"]
    assert entry["url"] == "https://cloud.google.com/tpu/docs/calendar-mode-reservation"
    args = ["simulate", "tpu-v5p:rent", "-w", "llama3-8b", "--samples", "4000", "--seed", "1", "-f", "json"]
    args += ["--set", "scenario.carbon_usd_per_tonne=0"]
    google = json.loads(run(*args).stdout)["results"][0]
    aws = json.loads(run(*args, "--set", "tpu-v5p.rental.lead_time_weeks.high=8").stdout)["results"][0]
    assert google["time_to_market_days"]["p90"] > aws["time_to_market_days"]["p90"] + 7 * 4
