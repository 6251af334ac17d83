"""Tests from the seed-83 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 50
of their 13,817 mutants at a6ff204: ``random.Random(83).sample`` over the sorted names), and a second sample of 30
(``random.Random(183).sample`` over the same names).

Seed 83: mutmut ran all 50 over the configured test selection (00:55-01:06 UTC): 41 killed, 9 survived. Three
are killed by the tests below (``_days`` 6, ``plan_training`` 377, ``plan_training`` 530): 44 of 50 after. Five are
equivalent:

- ``cashflow_option`` 29 (``time_to_converge_hours or 0.0`` -> ``or 1.0``): the two differ only where the time is
  0 or None. A ranked result has every figure known (not None), and a time of 0 hours makes the accelerator hours
  ``n * run_hours * years`` 0, which ``cost_per_accelerator_hour_usd = compute * years / accel_hours`` divides by:
  ``evaluate_option`` refuses the option (ZeroDivisionError, "no finite result"), so no result reaches the cash flow
  (the toy at 1e-300 tokens runs 8.5e-309 h at 100 TFLOPS, 5e-324 h at 3e17, and is refused from 1e18 on).
- ``_evaluate_groups`` 29 (``np.asarray(v, dtype=float)`` -> ``dtype=None``, the path where no input moves the
  plan): the dtype differs only for the outputs ``evaluate_plan`` gives as ints, a serving plan's ``batch`` and
  ``replica_accelerators`` (every other output of the toy's training plans, modelled and given MFU, and of its
  serving plan is float64 already). No reader of ``Batch.per_option`` reads those two: the analyses read ``count``,
  ``goodput``, ``job_cost_usd``, ``time_to_market_days``, ``cost_per_million_tokens_usd`` and the sweep's
  SWEEP_METRICS, all float, and the sweep's columns were checked identical with the mutation applied by hand.
- ``_rebuilt`` 138 (the index where the blamed path and the edited path first differ: default
  ``min(len(parts), len(indexed))`` -> ``None``): the default is taken only where one path is a prefix of the other.
  The original then blames the path itself (a prefix of ``rest`` or ``rest`` extended), the mutant
  ``named + parts`` (``rest`` and then the blamed parts: ``rest`` was checked by ``path_parts`` to join back to
  itself, and no part starts with '['). Either way ``other`` is false (one starts with the other and a '.'), and
  ``blamed`` is only shown where ``other`` is true: the message is ``first.message`` in both.
- ``_resolve_target`` 199 (``wl.model_dump(mode="json", ...)`` -> ``mode=None``, Python mode): the dump is only
  walked by ``apply_overrides`` to see that the entry a ``name[LABEL]`` path selects exists, and its result is
  discarded. The walk reads dicts, lists (``stages`` and ``benchmarks`` are lists in both modes), ``kind`` (a
  Literal string in both) and the entries' ``name``/``workload`` strings; what differs between the modes (enums,
  dates) is never a dict, list or number the walk branches on, and a Python-mode dump never fails.
- ``speed_inputs`` 7 (``"bandwidth"`` -> ``"BANDWIDTH"``): the only inputs whose keys hold "bandwidth" are
  ``accel.memory_bandwidth_gbps`` (and a benchmark's ``memory_bandwidth_utilization``), which hold "memory", and
  ``accel.interconnect.bandwidth_gbps``, which holds "interconnect": every such key is still picked by another word.

One is a real gap left without a test: ``breakeven`` 424 (``_edge_bracket(..., integer)`` -> ``None`` where one
option's cost becomes known or unknown inside a scan step): for a whole-number input the bracket is then found to a
relative 1e-9 instead of on whole values, so the crossing is searched up to a fractional ``last`` (or from a
fractional ``first_other``). It shows only where the costs cross (or tie exactly) between the last whole value where
both are known and the edge itself, which the time did not allow building on the toys.

Seed 183 (01:15-01:18 UTC, the same selection, this file in it): 28 killed, 2 survived. ``_idle_reason`` 30 (the
bound of an MoE layout's data parallelism -> None) is killed by the last test below: 29 of 30 after. The other,
``_refined_at_steps`` 61 (``geometric = None``: a bracket around a count's step always halved at its arithmetic
middle), is the one tests/test_mutants80.py left alive: not equivalent, but both halvings narrow a bracket to the same
width limit and find the same break-even; they differ only in which extra points are spent, which a user sees only as
the count of unresolved pairs once the 1,024-point budget runs out, not worked out by hand here either.

Each test below fails with its mutant applied by hand; mutmut, re-run on seed 83's nine survivors with this file in
the selection (01:10-01:15 UTC), killed the three it targets (``_days`` 6, ``plan_training`` 377 and 530) and left
the other six alive; re-run on seed 183's two (01:18-01:22 UTC), it killed ``_idle_reason`` 30 and left
``_refined_at_steps`` 61 alive. The toy parts are tests.factories'.
"""

from __future__ import annotations

import pytest

import tco
from tco import analysis, engine
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training

# --------------------------------------------------------------------------- _days: a fixed time read as the deadline


def test_fixed_days_that_six_digits_would_read_as_the_deadline_are_written_in_full() -> None:
    """Kills tco.analysis.sizing.x__days__mutmut_6 (``show_number(days, grouping=True)`` -> ``show_number(None,
    grouping=True)``: a TypeError where the refusal should be).

    A lead time of 3e9 weeks is 7 × 3e9 = 21,000,000,000 days; with the toy workload's 2 weeks of deployment (14
    days) and no porting (a reference part) the days no count shortens are 21,000,000,014, past the 2.1e10-day
    deadline. Six digits of them read '2.1e+10', the deadline itself, so they are written in full."""
    inputs = Inputs([Option(accelerator(lead_time_weeks=3e9))], training(), scenario(), [])
    with pytest.raises(tco.InfeasibleError) as exc:
        analysis.size(inputs, deadline_days=2.1e10)
    assert exc.value.message == "toy: no count meets 2.1e+10 days: lead time, deployment and porting alone take 21,000,000,014.0 days"
    assert exc.value.key == "--deadline-days"


# --------------------------------------------------------------------------- plan_training: a layout degree blamed


def test_activations_too_large_at_a_given_tensor_degree_blame_that_degree() -> None:
    """Kills tco.engine.x_plan_training__mutmut_377 (``f"layout.{degrees[0][0]}" if degrees`` -> ``if (degrees) and
    False``: a refusal at a tensor degree the workload's layout fixes was keyed by the part's memory_gb).

    On a toy of 0.01 GB (usable 0.009 GB) not even one 1,000-token sequence's activations fit under full
    recomputation at the layout's tensor_parallel = 1, and no recompute is pinned: the layout's degree is what the
    refusal names, on the workload, with the part's memory among its causes."""
    wl = training(layout={"tensor_parallel": 1})
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.evaluate_option(Option(accelerator(memory_gb=0.01)), wl, scenario(), market=False)
    assert (exc.value.where, exc.value.key) == ("toy-train", "layout.tensor_parallel")
    assert "even with full recomputation at tensor_parallel = 1" in exc.value.message
    assert "toy.memory_gb" in exc.value.also


# --------------------------------------------------------------------------- plan_training: each stage's own layout


def test_each_stage_of_a_modelled_job_reports_its_own_layout() -> None:
    """Kills tco.engine.x_plan_training__mutmut_530 (``replace(st, layout=here)`` -> ``replace(st, )``: no stage
    kept the layout chosen for it, so every stage of the result reported none).

    With no MFU given the toy's rate is modelled. The default global batch at 1e9 parameters is 2e6 · (1e9 /
    7e9)^(1/3) = 1,045,515 tokens: the main stage runs 1,045 whole 1,000-token sequences (1,045,000 tokens), the
    4,000-token stage 261 (1,044,000 tokens), each its own layout's batch."""
    wl = training(stages=[{"name": "long", "tokens": 1.44e8, "seq_len": 4000}])
    (row,) = engine.compare(options=[Option(accelerator(mfu=None))], workload=wl, scenario=scenario()).results
    assert row.stages is not None
    layouts = {s.name: s.layout for s in row.stages}
    assert layouts["main"] is not None and layouts["long"] is not None
    assert (layouts["main"]["global_batch_tokens"], layouts["long"]["global_batch_tokens"]) == (1_045_000.0, 1_044_000.0)
    assert layouts["main"] == row.layout


# --------------------------------------------------------------------------- _idle_reason: whole expert groups (seed 183)


def test_idle_accelerators_of_whole_expert_groups_say_what_bounds_data_parallelism() -> None:
    """Kills tco.engine.x__idle_reason__mutmut_30 (the bound of an MoE layout's data parallelism -> None: the note
    read 'expert-parallel degree 4: None, rounded down to 4').

    A replica of 2 accelerators at EP 4 runs DP 4. On 10 accelerators 10 // 2 = 5 replicas fit, fewer than the
    batch's 100 sequences: DP is the 5 the count allows, rounded down to whole groups of 4 (5 // 4 · 4 = 4). On 20,
    10 replicas fit but the batch has only 6 sequences: DP is 6 rounded down to 4 (6 // 4 · 4 = 4)."""
    assert engine._idle_reason(4, 100, None, 2, 10, 4) == (
        " (data parallelism is a multiple of the expert-parallel degree 4: 5 replicas of 2 fit the count, rounded down to 4)"
    )
    assert engine._idle_reason(4, 6, "workload.global_batch_tokens", 2, 20, 4) == (
        " (data parallelism is a multiple of the expert-parallel degree 4: the global batch has 6 sequences"
        " (workload.global_batch_tokens), rounded down to 4)"
    )
