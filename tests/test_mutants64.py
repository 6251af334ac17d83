"""Tests that kill surviving mutants of the seed-64 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a
uniform random sample of 40 of their 11,881 mutants: ``random.Random(64).sample`` over the sorted names): a widened
batch range leaves alone a stage that has no shortlist to widen, or a shortlist of no known count.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py (the arithmetic is
in each test). The toy parts are tests.factories'."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tco import engine
from tco.engine import Option
from tests.factories import accelerator, scenario, training


@pytest.mark.parametrize(
    ("dropped", "why"),
    [
        ({"subset": None}, "every layout is searched (as sizing._exact and calibration leave a stage)"),
        ({"subset_count": None}, "a shortlist whose count is not recorded"),
    ],
    ids=["no-shortlist", "no-count"],
)
def test_widening_leaves_a_stage_without_a_shortlist_at_a_known_count_as_it_was(dropped: dict[str, None], why: str) -> None:
    """Kills tco.engine.x_widen_shortlist__mutmut_9 (``st.subset is None or st.subset_count is None or not reads``
    -> ``st.subset is None and st.subset_count is None or not reads``: a stage with only one of the two was widened).

    The toy run (1e9 parameters, a global batch of 1e6 tokens, 4 accelerators) on a toy without an MFU derives its
    layouts, so planning shortlists its main stage at the count it plans, max(4, the count its training state needs)
    = max(4, 1) = 4 (16-bit parameters and gradients and FP32 master weights, momentum and variance: 16 bytes a
    parameter, 16 GB for 1e9, under one 100 GB toy), and at the batch 1e6; the stage reads the
    widened key, workload.global_batch_tokens (its own batch). Widening is the union of the shortlists at the batches
    given, each taken at ``subset_count``: a stage whose shortlist is gone (every layout is searched) has nothing to
    widen, and one whose count is unknown has no count to take them at. Each is left the very object it was; the
    mutant widened them (``set(None)`` for the first, the shortlist at a count of None for the second)."""
    option, wl = Option(accelerator(mfu=None)), training(global_batch_tokens=1e6)
    plan = engine.plan_option(option, wl, scenario())
    (main,) = plan.stages
    assert main.batch_key == engine.DEFAULT_BATCH_KEY == "workload.global_batch_tokens"
    assert main.subset is not None and (main.subset_count, main.subset_batch) == (4.0, 1e6)
    base = engine.numeric_inputs(option, wl, scenario())

    # (the plan as planned is widened: held at any batch, holding at least the nominal batch's layouts)
    wide = engine.widen_shortlist(plan, base, engine.DEFAULT_BATCH_KEY, (1e5, 1e6, 1e7)).stages[0]
    assert wide.subset is not None and wide.subset_batch is None
    assert set(main.subset) <= set(wide.subset)

    bare = replace(main, **dropped)
    widened = engine.widen_shortlist(replace(plan, stages=(bare,)), base, engine.DEFAULT_BATCH_KEY, (1e5, 1e6, 1e7))
    assert widened.stages[0] is bare, why
    assert widened.stages[0].subset_batch == 1e6  # (not marked as held at any batch)
