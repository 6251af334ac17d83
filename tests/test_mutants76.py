"""Tests from the seed-76 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 60
of their 13,479 mutants: ``random.Random(76).sample`` over the sorted names): the tornado's row of a default global
batch, which plans each end afresh and holds no layout; the end of a break-even's default range brought in to the last
request length the context takes, to 1e-9 relative; a break-even over a stage's batch left to the workload's; and an
FP8 job on a part without FP8 units, which runs as the 16-bit job.

Of the 60, 53 were killed by the tests that reach the mutated function (mutmut's stats over the configured test
selection). Of the seven survivors, ``searched_per_scenario`` 4, ``_valid_end`` 35, ``_resolve_target`` 239 and
``plan_training`` 87 are killed by the tests below. The other three are equivalent: ``evaluate_many`` 11
(``strict=True`` -> ``strict=None``) and ``size`` 103 (``strict=True`` -> ``strict=False``) in a zip of
``prep.plans`` and ``prep.bases``, which ``prepare`` builds by appending to both in the same loop and which are only
ever assigned by index after it (never of unequal length, so the check never fires); and ``_as_measured`` 25 (``and``
-> ``or`` in ``isinstance(anchored, KnownInputs) and isinstance(p, KnownInputs)``): ``_anchored`` returns ``p`` itself,
or ``type(p)(p)`` where ``p`` is a KnownInputs, or ``dict(p)`` where it is not, so the two tests are always equal.

Expected values are worked out by hand from the docstrings of tco/training.py, tco/perf.py, tco/analysis/common.py and
tco/analysis/breakeven.py, and the request rule of tco/models.py (the arithmetic is in each test). The toy parts are
tests.factories'."""

from __future__ import annotations

from tco import engine
from tco.analysis.breakeven import breakeven
from tco.analysis.sensitivity import sensitivity
from tco.engine import Option
from tco.inputs import Inputs
from tests.factories import accelerator, inference, scenario, training

# --------------------------------------------------------------------------- searched_per_scenario: a default batch swung


def test_the_tornado_row_of_a_default_batch_plans_each_end_afresh_and_holds_no_layout() -> None:
    """Kills tco.engine.x_searched_per_scenario__mutmut_4 (``flat.startswith("workload.")`` -> ``"WORKLOAD."``: no
    global batch was searched per scenario, so the tornado marked the batch's row as holding the central layout, the
    '*' of 'holds the central layout, batch or replica (a --set plans anew)', where each end is planned afresh).

    1e9 parameters with no batch given run at the default 2·10^6 · (10^9 / 7·10^9)^(1/3) = 1,045,515.9 tokens a step,
    an estimate swung ×0.5 to ×2: 522,757.96 to 2,091,031.8. With the toy's MFU left to the layout model, 256 toys run
    the central batch (1,045 whole 1,000-token sequences) as DP 256; the low end's 522 sequences take TP 2 × DP 128,
    another layout: the swing plans it anew, and each end's effective cost is compare's with the batch set there."""
    wl = training(accelerator_count=256, parameters=1e9, shape=None, training_tokens=1e11)
    toy = accelerator(mfu=None)
    result = sensitivity(Inputs([Option(toy)], wl, scenario(), []))
    row = next(r for r in result.rows if r.param == "workload.global_batch_tokens")
    central = 2.0e6 * (1e9 / 7.0e9) ** (1.0 / 3.0)
    assert (row.central, row.low, row.high) == (central, central * 0.5, central * 2.0)
    assert row.range_source == "default estimate ×0.5–×2"
    assert row.plan_held is False
    ends = {}
    for end, batch in (("low", row.low), ("high", row.high)):
        at = engine.compare(options=[Option(toy)], workload=wl.model_copy(update={"global_batch_tokens": batch}), scenario=scenario())
        ends[end] = at.results[0]
    low_layout, high_layout = ends["low"].layout or {}, ends["high"].layout or {}
    assert (low_layout["tensor_parallel"], low_layout["data_parallel"]) == (2, 128)
    assert (high_layout["tensor_parallel"], high_layout["data_parallel"]) == (1, 256)
    assert row.effective_cost_low_usd == {"toy": ends["low"].effective_cost_usd}
    assert row.effective_cost_high_usd == {"toy": ends["high"].effective_cost_usd}


# --------------------------------------------------------------------------- _valid_end: a float end mended to 1e-9


def test_a_default_range_of_prompt_length_ends_within_1e_9_of_the_longest_the_context_takes() -> None:
    """Kills tco.analysis.breakeven.x__valid_end__mutmut_35 (the bisection's stop ``1e-9 * max(|good|, |bad|)`` made
    ``1e-9 / max(...)``: an end near 800 was bisected to the last float below 800, 799.9999999999998, past the 1e-9
    relative the docstring gives; an end near 10^-3 would stop 10^6 times too early).

    Requests of 300 prompt and 200 output tokens in a 1,000-token context: the prompt takes at most 800. Its default
    range is ÷10 to ×10, 30 to 3,000: 30 is taken; 3,000 is not and is brought in by bisection from the input's own
    300. Each step halves the 2,700 between them; the points tried are 300 + 2,700 · j / 2^k, never 800 itself (500 /
    2,700 = 5/27 is no binary fraction). It stops once the gap is at most 1e-9 × 800.0000x ≈ 8.0e-7: after 31 halvings
    it is 2,700 / 2^31 ≈ 1.26e-6, after 32 it is 2,700 / 2^32 ≈ 6.3e-7. The end is the last point taken, below 800:
    300 + 2,700 · floor(2^32 · 5/27) / 2^32 = 300 + 2,700 · 795,364,314 / 4,294,967,296 = 300 + 2,147,483,647,800 /
    4,294,967,296 = 799.99999995343387 (2^31 · 1,000 = 2,147,483,648,000 would be 800 itself)."""
    wl = inference(prompt_tokens=300, output_tokens=200, parameters=1e9)
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="other", price_usd=20000, tdp_w=250))], wl, scenario(), [])
    result = breakeven(inputs, "toy", "other", param="workload.prompt_tokens")
    assert result.range_low == 30.0
    assert result.range_high == 300 + 2700 * 795_364_314 / 2**32
    assert 800 - 2700 / 2**32 <= result.range_high < 800


# --------------------------------------------------------------------------- _resolve_target: a stage's batch left to the workload's


def test_a_break_even_over_a_stages_batch_left_to_the_workloads_ranges_around_the_workloads_batch() -> None:
    """Kills tco.analysis.common.x__resolve_target__mutmut_239 (``rest_parts[0].startswith("stages[")`` ->
    ``rest_parts[1]``: the path's second part, the stage's key, never starts so; a stage that leaves its batch to the
    workload's had no central value, and the break-even refused with 'has no value to build a default range from').

    The stage 'long' gives no batch: it runs at the workload's 100,000 tokens a step, and the default range is ÷10 to ×10
    of it, 10,000 to 1,000,000, each a batch of at least one 1,000-token sequence. The toys differ only in price and
    power: the other costs $10,000 more (× 2 server overhead, over 4 years: $0.571 an hour) to save 250 W (× 1.5 power
    overhead: at most 0.375 kW × ($0.1 × 1.5 PUE × 0.5 + $100 / 730 h) = $0.08 an hour), at the same rate whatever the
    batch: the toy wins across the range."""
    wl = training(stages=[{"name": "long", "tokens": 1e8}], global_batch_tokens=1e5)
    inputs = Inputs([Option(accelerator()), Option(accelerator(id="other", price_usd=20000, tdp_w=250))], wl, scenario(), [])
    result = breakeven(inputs, "toy", "other", param="workload.stages[long].global_batch_tokens")
    assert (result.range_low, result.range_high) == (10_000.0, 1_000_000.0)
    assert result.message == "no tie for workload.stages[long].global_batch_tokens in [10,000, 1,000,000]: toy wins across the whole range"


# --------------------------------------------------------------------------- plan_training: an FP8 job on 16-bit units


def test_an_fp8_job_on_a_part_without_fp8_units_runs_exactly_as_the_16_bit_job() -> None:
    """Kills tco.engine.x_plan_training__mutmut_87 (``precision is fp8 and peak_field(...) == "fp8_tflops"`` made
    ``or``: an FP8 job on a part without FP8 units took the FP8 GEMM efficiency ratio at its 16-bit peak, 5,426.8
    tokens/s where the 16-bit job it runs as makes 5,759.3).

    The toy has only BF16 and FP16 peaks: an FP8 job runs in 16-bit at the BF16 peak, as the note says, with the same
    layout, rate and MFU as the BF16 job (the toy's MFU is left to the layout model, which is what the precision
    moves)."""
    toy = accelerator(mfu=None)
    bf16, fp8 = (
        engine.compare(options=[Option(toy)], workload=training(precision=p), scenario=scenario()).results[0] for p in ("bf16", "fp8")
    )
    assert "no fp8 peak in the profile: the job runs in 16-bit at the bf16 peak" in fp8.notes
    assert "no fp8 peak in the profile: the job runs in 16-bit at the bf16 peak" not in bf16.notes
    assert fp8.tokens_per_second_per_accelerator == bf16.tokens_per_second_per_accelerator
    assert fp8.mfu == bf16.mfu
    assert fp8.layout == bf16.layout
    assert fp8.effective_cost_usd == bf16.effective_cost_usd
