"""Tests that kill surviving mutants of ``tco/analysis/whatif.py`` (mutmut 3.8.1, all 171 mutants of the file,
2026-12-01): the cap on what-ifs × options and the error for an input given twice in two spellings, word for word.
"""

from __future__ import annotations

from tco import analysis
from tco.analysis.whatif import MAX_WHAT_IF_VALUES
from tests.test_mutants import pair, raised


def test_the_cap_counts_what_ifs_times_options() -> None:
    """Two options: 500,001 what-ifs are 1,000,002 results, over the cap of 1,000,000 (one option alone would not be)."""
    assert MAX_WHAT_IF_VALUES == 1_000_000
    assert raised(lambda: analysis.what_if(pair(), {"scenario.pue": [1.2] * 500_001})) == (
        "changes: 500,001 what-ifs × 2 options is more than 1,000,000 results held in memory: use tco.sweep, which streams"
    )


def test_an_input_given_twice_in_two_spellings_is_named_with_the_second() -> None:
    assert raised(lambda: analysis.what_if(pair(), {"scenario.pue": [1.2], "scenario.pue.value": [1.3]})) == (
        "scenario.pue.value: the same input is given twice (in another spelling): give it once"
    )
