"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 150 of their
11,091 mutants, seed 54: ``random.Random(54).sample`` over the sorted names): what a memory-fit error blames (a
pinned recomputation alone, a stage's own sequence length first, the replica's memory for a fixed replica), which
latency target a serving error names when no replica meets both, the delay penalty named as what overflowed, a
shape's parameter count and an MFU of exactly a million as messages round them, a sweep's refusals (the text of a
bad point count, the flag that gave too many plans), a training sweep's rows whose count is too small, where a
break-even scan is refined, and an option that cannot be sized for want of an input.

Every expected value is worked out by hand from the formulas and the docstrings of tco/engine.py, tco/serving.py,
tco/analysis/breakeven.py, tco/analysis/sizing.py and tco/analysis/sweep.py (the arithmetic is in each test). The
toy parts are tests.factories': the toy accelerator (100 TFLOP/s BF16, 100 GB, 1000 GB/s, 4 per node, $10,000),
the toy training run (1e9 parameters, 10 layers of width 1000, 1000-token sequences, 4 accelerators) and the toy
service (10 layers of width 1000, 1000-token sequences)."""

from __future__ import annotations

import numpy as np
import pytest

import tco
from tco import analysis, engine, serving
from tco.analysis.breakeven import _refined_at_steps
from tco.analysis.common import evaluate_many, prepare, resolve_target
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import OptionStatus
from tests.factories import accelerator, bench, inference, scenario, training

approx = pytest.approx


# --------------------------------------------------------------------------- plan_training: what an activation misfit blames


def test_a_pinned_recomputation_whose_activations_do_not_fit_blames_the_layout_alone() -> None:
    """Kills tco.engine.x_plan_training__mutmut_356 (``also=() if pinned`` -> ``() if pinned and False``: a layout
    that pins the recomputation also blamed the sequence length, the shape and the workload's sizes).

    With ``layout.recompute = "full"`` each layer keeps only its input: 1e9 tokens × 1,000 wide × 2 bytes × 10
    layers = 2e13 bytes over the 4 toys of a node, 5e12 bytes = 5,000 GB each, against 0.9 × 100 = 90 GB usable.
    The recomputation is the workload's own choice: the error is the workload's, on ``layout.recompute``; since
    hostile round 73 a ``--set`` of what the misfit follows from is blamed with it (the sequence's causes in
    ``_sequence_causes``'s order, then the part's memory), where without the pin only the sequence's causes are."""
    wl = training(seq_len=1_000_000_000, training_tokens=1e12, layout={"recompute": "full"})
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(accelerator()), wl, scenario())
    assert exc.value.message == (
        "activations of one 1,000,000,000-token sequence (5,000.0 GB per device with recompute = full (workload.layout) over a node) "
        "exceed toy's usable memory (90.0 GB)"
    )
    causes = ("workload.seq_len", "workload.shape", "workload.parameters", "workload.global_batch_tokens", "workload.stages")
    assert (exc.value.where, exc.value.key, exc.value.also) == ("toy-train", "layout.recompute", (*causes, "toy.memory_gb"))


def test_a_stage_whose_own_sequence_does_not_fit_blames_the_stages_then_the_shape() -> None:
    """Kills tco.engine.x__sequence_causes__mutmut_5 (a stage "gives its own length" when its ``seq_len is None``:
    the stage's own 1e9-token sequence blamed the workload's ``seq_len``).

    Stage ``long`` writes ``seq_len = 1e9``; the main stage's 1,000 tokens fit. Full recomputation keeps 1e9 ×
    1,000 × 2 bytes × 10 layers = 2e13 bytes, 5,000 GB on each of a node's 4 toys, against 90 GB. The inputs the
    error follows from: the stages (the length is theirs), the shape (given), then the rest of
    ``WORKLOAD_SIZE`` in its order (parameters, seq_len, global_batch_tokens), each once."""
    wl = training(stages=[{"name": "long", "tokens": 1e8, "seq_len": 1_000_000_000}])
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(accelerator()), wl, scenario())
    assert exc.value.message.startswith("activations of one 1,000,000,000-token sequence of stage long (5,000.0 GB per device")
    assert (exc.value.where, exc.value.key) == ("toy", "memory_gb")
    assert exc.value.also == (
        "workload.stages",
        "workload.shape",
        "workload.parameters",
        "workload.seq_len",
        "workload.global_batch_tokens",
    )


# --------------------------------------------------------------------------- plan_serving: what a serving misfit blames


def test_weights_too_large_for_a_fixed_replica_blame_the_memory_and_what_the_weights_grow_with() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_407 (``("memory_gb", *size) if fixed`` -> ``if fixed and False``: a
    fixed replica's misfit no longer named the part's memory among its causes).

    1e12 16-bit parameters are 2e12 bytes; one toy holds 100 − 2 GB (the runtime reserve) = 9.8e10: the weights do
    not fit ``toy@1``. The replica is the option's (``where`` its label, no key); a --set of the memory or of
    anything the weights and one sequence grow with is blamed: ``memory_gb``, then ``SERVING_SIZE``."""
    wl = inference(parameters=1e12, time_per_output_token_ms={"value": 1e9})
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(accelerator(), 1), wl, scenario())
    assert exc.value.message == (
        "toy cannot serve toy-serve: the weights and one sequence do not fit on a replica of 1 "
        "(the smallest replica that holds them is 32: toy@32)"
    )
    assert (exc.value.where, exc.value.key) == ("toy@1", None)
    assert exc.value.also == ("memory_gb", *engine.SERVING_SIZE)
    assert engine.SERVING_SIZE == (
        "workload.parameters",
        "workload.seq_len",
        "workload.global_batch_tokens",
        "workload.shape",
        "workload.stages",
        "workload.prompt_tokens",
        "workload.output_tokens",
        "workload.precision",
        "workload.active_parameters",
    )


def test_with_no_replica_fixed_the_target_a_batch_of_one_on_one_accelerator_misses_is_blamed() -> None:
    """Kills tco.engine.x_plan_serving__mutmut_304 (``k1 = fixed or 1`` -> ``fixed or 2``: the target to blame was
    read on a replica of 2, where the prompt's all-reduces over a slow link miss the TTFT target that one
    accelerator meets).

    A 1e9-parameter toy service (P = O = 500, half the 1000-token sequence each) on toys linked at 0.001 GB/s, with
    TPOT ≤ 1 ms and TTFT ≤ 1,000 ms. ε = 0.8 × 1.0 (reference maturity) × 0.8 (matmul fraction unknown) = 0.64.

    * TPOT: a typical engine spends τ + L · λ_typ = 0 + 10 × 0.11 = 1.1 ms per step beyond its kernels, above
      1 ms on every replica: no batch anywhere meets it.
    * One toy, batch 1: prefill 500 × (2e9 + 2 × 10 × 1,000 × 500) / (100e12 × 0.64) = 1.005e12 / 6.4e13 =
      15.7 ms; the step reads 2e9 B of weights at 1000e9 × 0.85 B/s, 2.35 ms, plus 1.1 ms: TTFT ≈ 19 ms, within
      1,000 ms. So it is the TPOT target that even a batch of one misses, the one named.
    * Two toys (TP 2), batch 1: the prefill adds two all-reduces per layer of 2 · h · P = 1e6 bytes over
      0.001 / 2 × 1e9 × 0.45 = 2.25e5 B/s: 2 × 10 × 1e6 / 2.25e5 = 88.9 s, far past 1,000 ms (the mutant's
      reading: the TTFT named).

    The replicas tried: k // 4 pipeline stages hold a layer each, so up to 32 (64 would be 16 stages of the 10
    layers). On 32 (TP 4) even a tuned engine's step pays 2 × 10 × 1.5 × 2,000 / 2.25e5 = 0.27 s of all-reduces,
    past 1 ms, so no tuning hint."""
    slow = accelerator(interconnect={"kind": "nvlink", "devices_per_node": 4, "bandwidth_gbps": 0.001})
    wl = inference(parameters=1e9, time_per_output_token_ms={"value": 1}, time_to_first_token_ms={"value": 1000})
    with pytest.raises(tco.InfeasibleError) as exc:
        engine.plan_option(Option(slow), wl, scenario())
    assert exc.value.message == (
        "toy cannot serve toy-serve: no batch meets the latency targets on up to 32 per replica "
        "(a pipeline stage holds at least one of the model's 10 layers): "
        "a batch of one takes 3.529 ms per output token at best, on a replica of 1"
    )
    assert (exc.value.where, exc.value.key, exc.value.also) == ("toy-serve", "time_per_output_token_ms", ())
    assert serving.LAYER_OVERHEAD_TYPICAL_S == 0.00011 and serving.STEP_OVERHEAD_S == 0.0


# --------------------------------------------------------------------------- compare: an effective cost past the float range


def test_a_delay_penalty_that_overflows_is_said_to_be_what_is_unbounded_and_names_its_input() -> None:
    """Kills tco.engine.x_compare__mutmut_127 (``if unbounded`` -> ``if unbounded or True``: with the time to
    market and the job cost finite, the message said "( unbounded)").

    One toy, a 1-day deadline at $1e308 a day late. Its time to market is at least the lead time and the
    deployment, 7 × (4 + 2) = 42 days: 41 or more days late, a penalty of 4.1e309 or more, past the largest float
    (1.8e308), while its time to market and job cost are finite. The input furthest from 1 is the scenario's cost
    of delay: the error is the scenario's, on that key, and names no option (the cause is not the toy's file)."""
    sc = scenario(deadline_days=1, cost_of_delay_usd_per_day=1e308)
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator())], workload=training(), scenario=sc)
    assert exc.value.message == (
        "the inputs give no finite effective cost (the delay penalty is unbounded): "
        "cost_of_delay_usd_per_day = 1e+308 overflows the arithmetic"
    )
    assert (exc.value.where, exc.value.key) == ("scenario", "cost_of_delay_usd_per_day")


# --------------------------------------------------------------------------- shape_count_gap: the shape's count in billions


def test_a_shapes_count_in_billions_is_rounded_from_the_exact_count() -> None:
    """Kills tco.engine.x_shape_count_gap__mutmut_24 (the shape's count divided by 1,000,000,001, not 1e9: a count
    at a rounding boundary was rounded the other way).

    10 layers of width 1000 (no heads given: Q, K, V and O each 1000 wide), a plain FFN 50,000 wide and 167,500
    untied embeddings: 10 × (2 · 1000 · 1000 + 2 · 1000 · 1000 + 2 · 1000 · 50,000) + 2 · 167,500 · 1000 =
    10 × 1.04e8 + 3.35e8 = 1.375e9. 1.375 is exact in binary, a tie at three significant digits, rounded half to
    even: "1.38" (the mutant's 1.374999998625 gives "1.37"). 1.375e9 is 37.5 % above the workload's 1e9, past
    the 5 % tolerance: the note is given."""
    shape = {"layers": 10, "d_model": 1000, "ffn_dim": 50_000, "gated_ffn": False, "vocab": 167_500, "tied_embeddings": False}
    assert engine.shape_count_gap(training(shape=shape)) == (
        "the shape counts 1.38B parameters, the workload 1B: check its layers, widths, FFN and vocabulary "
        "(the figures use the workload's count)"
    )


# --------------------------------------------------------------------------- _mfu_text: a million


@pytest.mark.parametrize(
    ("mfu", "text"),
    [(18.024, "18.02"), (999_999.0, "999,999.00"), (1e6, "1e+06"), (1.8e200, "1.8e+200"), (float("inf"), "far above 1")],
)
def test_an_mfu_of_a_million_or_more_is_written_in_scientific_notation(mfu: float, text: str) -> None:
    """Kills tco.engine.x__mfu_text__mutmut_3 (``mfu < 1e6`` -> ``<= 1e6``: a million was written 1,000,000.00).

    The docstring: two decimals below a million, three significant digits from it (not 200 digits), "far above 1"
    where the arithmetic overflowed."""
    assert engine._mfu_text(mfu) == text


# --------------------------------------------------------------------------- sweep: its refusals


def test_a_bad_number_of_points_is_quoted_up_to_40_characters_within_the_spec_up_to_80() -> None:
    """Kills tco.analysis.sweep.x_parse_vary__mutmut_76 (N quoted to 41 characters) and x_parse_vary__mutmut_77
    (the spec quoted to 81).

    N = "abcdefghij" × 10 (100 letters, no number); the spec LO:HI:N is "1:2:" and N, 104 characters. The message
    quotes N's first 40 characters, "abcdefghij" × 4, and the spec's first 80: "1:2:", "abcdefghij" × 7 (70) and
    "abcdef" (6)."""
    n_text = "abcdefghij" * 10
    with pytest.raises(tco.InputError) as exc:
        analysis.parse_vary(f"toy.memory_gb=1:2:{n_text}")
    assert exc.value.message == (
        f"expected a whole number of points N of at least 1, got '{'abcdefghij' * 4}' in '1:2:{'abcdefghij' * 7}abcdef'"
    )
    assert (exc.value.where, exc.value.key) == ("--vary", "toy.memory_gb")


def test_a_sweep_that_would_plan_too_many_options_too_often_is_the_vary_flags_error() -> None:
    """Kills tco.analysis.sweep.x_iter_sweep__mutmut_89 (``where="--vary"`` -> ``"XX--varyXX"``).

    Three toys, each planned anew at every sequence length (a dense job's layout search), at 683 lengths 1,000 ..
    1,682: 3 × 683 = 2,049 plans, one past the 2 × 1,024 = 2,048 a call may make. Each option alone is within the
    1,024 values per option. The error is the --vary flag's, on the first axis's path (the Python API names its
    argument, ``vary``, instead)."""
    inputs = Inputs([Option(accelerator(id=name)) for name in ("a", "b", "c")], training(), scenario())
    with pytest.raises(tco.InputError) as exc:
        analysis.iter_sweep(inputs, ["workload.seq_len=1000:1682:683"])
    assert exc.value.message == (
        "3 options are planned anew at each of 683 values: at most 2,048 plans (options × values); sweep fewer values or fewer options"
    )
    assert (exc.value.where, exc.value.key) == ("--vary", "workload.seq_len")
    with pytest.raises(tco.InputError) as exc:
        tco.sweep(inputs, ["workload.seq_len=1000:1682:683"])
    assert (exc.value.where, exc.value.key) == ("vary", "workload.seq_len")


def test_training_sweep_rows_whose_counts_are_too_small_each_name_their_own_count() -> None:
    """Kills tco.analysis.common.x__run_reasons__mutmut_33 (the training counts read from ``p["XXcountXX"]``: a
    row whose count cannot hold the model raised instead of saying why).

    Toys of 1 GB hold 0.9 GB each; the 1e9 parameters' training state is 16 bytes each (16-bit weights and
    gradients, 12 bytes of optimizer state), 1.6e10 bytes, so at least 1.6e10 / 0.9e9 = 17.8: 18 toys or more. Of
    the counts 4, 8 and 32 swept, 4 and 8 are too few, each row saying so of its own count, as compare says of
    that many toys; 32 runs."""
    inputs = Inputs([Option(accelerator(memory_gb=1))], training(accelerator_count=32), scenario())
    _, _, chunks = analysis.iter_sweep(inputs, ["workload.accelerator_count=4,8,32"])
    rows: list[tuple[object, ...]] = []
    for chunk in chunks:
        rows += zip(*(chunk.columns[k].tolist() for k in ("count", "feasible", "status", "reason")), strict=True)
    need = engine.plan_option(Option(accelerator(memory_gb=1)), training(accelerator_count=32), scenario()).min_count
    assert 18 <= need <= 32
    (_, ok4, status4, why4), (_, ok8, status8, why8), (n32, ok32, status32, why32) = rows
    assert (ok4, status4, ok8, status8) == (False, "infeasible", False, "infeasible")
    tail = f"training state needs at least {need} accelerators (give a count with toy@{need})"
    assert why4 == f"toy-train does not fit in memory on 4 × toy: {tail}"
    assert why8 == f"toy-train does not fit in memory on 8 × toy: {tail}"
    assert (n32, ok32, status32, why32) == (32.0, True, "ranked", "")
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(accelerator(memory_gb=1), count=8)], workload=training(), scenario=scenario())
    assert exc.value.message == why8


# --------------------------------------------------------------------------- breakeven: refining the scan where a count steps


def _refine(xs: list[float]) -> tuple[list[float], int]:
    """The refined scan over ``workload.tokens_per_day`` of a (measured 1,000 tokens/s) and b (2,000 tokens/s)."""
    a = accelerator(id="a", benchmarks=[bench("toy-serve", 1000)])
    b = accelerator(id="b", price_usd=20000, benchmarks=[bench("toy-serve", 2000)])
    prep = prepare(Inputs([Option(a), Option(b)], inference(parameters=1e9), scenario()))
    target = resolve_target(prep, "workload.tokens_per_day")
    points = np.array(xs)
    first = evaluate_many(prep, {"workload.tokens_per_day": (target, points)}, points.size, replan=True)
    d = np.asarray(first.effective_cost_usd[0] - first.effective_cost_usd[1])
    feasible = {j: np.asarray(first.feasible[j], dtype=bool) for j in (0, 1)}
    out, _, _, unresolved = _refined_at_steps(prep, "workload.tokens_per_day", target, (0, 1), first, points, d, feasible, False)
    return out.tolist(), unresolved


def test_a_break_even_scan_is_refined_only_where_a_count_steps() -> None:
    """Kills tco.analysis.breakeven.x__refined_at_steps__mutmut_27 (``!=`` -> ``==`` between neighbours' counts:
    brackets with equal counts were halved, the one where a count steps was not).

    At utilization 0.5, a toy measured at 1,000 tokens/s serves 1,000 × 0.5 × 86,400 = 4.32e7 tokens a day, b at
    2,000 twice that, 8.64e7; a fleet is the whole number of accelerators the demand needs.

    * 4.4e8, 4.5e8, 4.6e8 tokens a day: a needs 10.19, 10.42, 10.65, so 11 at each; b 5.09, 5.21, 5.32, so 6.
      No count steps: the scan is left as it is, nothing unresolved.
    * 4.3e8 and 4.4e8: a needs 9.95 → 10 and 10.19 → 11, b 4.98 → 5 and 5.09 → 6: both step at 4.32e8. The
      bracket is halved (arithmetically: 4.4e8 is not twice 4.3e8) while the count differs across it and it is
      wider than 1e-3 of its upper end: 4.35e8 (a 11: the step is below), 4.325e8 (11), 4.3125e8 (10: above),
      4.31875e8 (10), then [4.31875e8, 4.325e8] is 6.25e5 wide, more than 4.325e5: 4.321875e8 (11), leaving
      [4.31875e8, 4.321875e8], 3.125e5 wide, under 4.32e5. Five points added, all resolved."""
    assert _refine([4.4e8, 4.5e8, 4.6e8]) == ([4.4e8, 4.5e8, 4.6e8], 0)
    assert _refine([4.3e8, 4.4e8]) == ([4.3e8, 4.3125e8, 4.31875e8, 4.321875e8, 4.325e8, 4.35e8, 4.4e8], 0)


# --------------------------------------------------------------------------- size: an option lacking an input


def test_an_option_that_cannot_be_sized_for_want_of_its_price_is_incomplete_not_infeasible() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_400 (``incomplete=unknown_elsewhere`` -> ``None``: the option was
    called infeasible).

    noprice's job cost needs its price at every count, so under a budget no count's figure is known: any count
    might meet it. As compare calls an option lacking an input, it is incomplete (not infeasible), its reason the
    message; cheap, priced, is sized."""
    no_price = accelerator(id="noprice", price_usd=None, benchmarks=[bench("toy-train", 1000)])
    cheap = accelerator(id="cheap", benchmarks=[bench("toy-train", 1000)])
    lacking, ok = tco.size(Inputs([Option(no_price), Option(cheap)], training(), scenario()), budget_usd=1000).options
    why = "cannot be sized: needs noprice.price_usd, which is unknown"
    assert (lacking.option, lacking.feasible, lacking.status) == ("noprice", False, OptionStatus.incomplete)
    assert lacking.reason == lacking.message == why
    assert lacking.missing_inputs == ["noprice.price_usd"] and lacking.count is None
    assert ok.option == "cheap" and ok.feasible and ok.status is OptionStatus.ranked
