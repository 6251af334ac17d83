"""Tests from the seed-81 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 50
of their 13,696 mutants: ``random.Random(81).sample`` over the sorted names): a batch past the tokens shown to four
digits where the two differ there; a budget no count meets named with the least job cost over every layout at its
count; the @N, not a --set of the workload's count, blamed for a memory fit.

mutmut ran all 50 over the configured test selection (20:25-20:40 UTC): 45 killed, 5 survived. Three are killed by the
tests below (``batch_past_tokens`` 40, ``_least`` 17, ``_plan_option`` 418): 48 of 50 after. The other two are
equivalent:

- ``_rebuilt`` 147 (``zip(parts, indexed, strict=False)`` -> ``zip(parts, indexed, )``): ``strict`` is False by
  default, so the two calls are the same call.
- ``plan_training`` 274 (the widest split of one sequence built with ``expert=None`` instead of 1): that Candidate
  is only given to ``training.activation_bytes``, which reads its tensor, context and pipeline degrees (and
  ``dualpipe_of`` its pipeline degree), never its expert degree; the Candidate dataclass checks no types.

The toy parts are tests.factories'.
"""

from __future__ import annotations

from typing import Any

import pytest

from tco import engine
from tco.analysis import sizing
from tco.engine import Option
from tco.errors import InfeasibleError
from tco.inputs import Inputs
from tests.factories import accelerator, one_error, scenario, training

# --------------------------------------------------------------------------- batch_past_tokens: four digits where they differ


def test_a_batch_past_the_tokens_is_shown_to_four_digits_where_the_two_differ_there() -> None:
    """Kills tco.engine.x_batch_past_tokens__mutmut_40 (``... if f"{step:.4g}" != f"{tokens:.4g}" ...`` -> ``... and
    False``: both numbers always in full, 62914560.0 rather than 6.291e+07).

    A batch of 62,914,560 tokens against a run of 1e6: to four digits 6.291e+07 and 1e+06, which differ, so the note
    shows those. Against a run of 62,910,000 tokens both are 6.291e+07 to four digits, so the batch is shown in full
    (62914560.0: six digits, 6.29146e+07, are not it) and the run's 6.291e+07 is its six-digit text, exact."""
    tail = "the run is less than one optimizer step and its figures count a fraction of one; check the two"
    assert engine.batch_past_tokens(training(global_batch_tokens=62914560, training_tokens=1e6)) == [
        f"global_batch_tokens (6.291e+07 tokens a step) is more than the 1e+06 tokens of training_tokens: {tail}"
    ]
    assert engine.batch_past_tokens(training(global_batch_tokens=62914560, training_tokens=62910000)) == [
        f"global_batch_tokens (62914560.0 tokens a step) is more than the 6.291e+07 tokens of training_tokens: {tail}"
    ]


# --------------------------------------------------------------------------- size: the least job cost over every layout


def test_a_budget_no_count_meets_names_the_least_cost_over_every_layout_at_its_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.analysis.sizing.x__least__mutmut_17 (``plan.kind == "training"`` -> ``== "XXtrainingXX"``: the least
    job cost of a budget no count meets was the one over the octave's shortlisted layouts, not over every layout at
    its count, as ``tco compare ID@COUNT`` gives it).

    The shortlists (the six fastest layouts at an octave's two ends and middle) hold the fastest layout at the toy's
    cheapest count, so here they are cut to the one slowest layout at each: over those the least job cost is at
    32 accelerators, where the slowest layout costs $12.47 (the mutant's figure); over every layout the job costs
    $11.32 there, compare's figure at toy@32."""
    orig = sizing.training.shortlist

    def slowest(job: Any, x: Any, keep: int = 6) -> tuple[int, ...]:
        return orig(job, x, keep=len(job.candidates))[-1:]

    monkeypatch.setattr(sizing.training, "shortlist", slowest)
    toy = accelerator(mfu=None)  # (the model's own MFU: a layout search, the shortlists apply)
    with pytest.raises(InfeasibleError) as exc:
        sizing.size(Inputs([Option(toy)], training(), scenario(), []), budget_usd=1.0)
    assert str(exc.value) == (
        "--budget-usd: toy: even the minimum count that fits in memory (1) exceeds $1; the least job cost found, at 32, is $11.32"
    )
    monkeypatch.undo()  # (compare at one count applies its own shortlist too: the real one here)
    at_32 = engine.compare(options=[Option(toy, count=32)], workload=training(), scenario=scenario()).results[0]
    assert f"${at_32.job_cost_usd:,.2f}" == "$11.32"


# --------------------------------------------------------------------------- _plan_option: whose count is blamed


def test_a_count_given_as_at_n_is_blamed_for_a_memory_fit_not_a_set_of_the_workloads_count(run: Any) -> None:
    """Kills tco.engine.x__plan_option__mutmut_418 (``also=WORKLOAD_SIZE if option.count is not None else (...,
    "workload.accelerator_count")`` with the test turned round: a --set of the workload's count was blamed for an
    option's @N, which replaces it, and not blamed where it is the count used).

    llama3-405b does not fit on 2 H100s. Without @N the count is the workload's, which the --set gave: the --set is
    blamed. With h100-sxm@2 the --set of the workload's count (2 or 2,048) is read by nothing: the @2 is blamed."""
    fit = "llama3-405b does not fit in memory on 2 × h100-sxm: training state needs at least "
    wl = ["-w", "llama3-405b", "-f", "csv"]
    assert one_error(run("compare", "h100-sxm", *wl, "--set", "workload.accelerator_count=2")).startswith(
        f"Error: --set: workload.accelerator_count: {fit}"
    )
    for count in ("2", "2048"):
        assert one_error(run("compare", "h100-sxm@2", *wl, "--set", f"workload.accelerator_count={count}")).startswith(
            f"Error: h100-sxm@2: {fit}"
        )
