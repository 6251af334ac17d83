"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 300 of their
10,608 mutants, seed 45; the counts of those run, killed here, equivalent or left untested are in the session's
report)."""

from __future__ import annotations

import pytest

import tco
from tco.analysis.cashflow import cashflow
from tco.engine import Option, compare
from tco.inputs import Inputs
from tco.models import Acquisition, OptionResult, TrainingWorkload
from tests.factories import accelerator, bench, inference, scenario, training


def test_a_range_too_wide_to_sample_is_refused_in_full() -> None:
    """Kills tco.analysis.montecarlo.x_simulate__mutmut_46 (the message's second half garbled: "XXlargest number
    ... narrow itXX").

    A lognormal with 1e-300 and 1e300 as its 90 % interval has σ = ln(1e600) / (2 × 1.645) ≈ 420: its upper tail
    passes 1.8e308 within a few hundred draws."""
    acc = accelerator(price_usd={"value": 10000, "low": 1e-300, "high": 1e300})
    with pytest.raises(tco.InputError) as exc:
        tco.simulate(Inputs([Option(acc)], training(), scenario()), samples=500, seed=1)
    assert exc.value.message == (
        "its range (1e-300 to 1e+300) is too wide to sample: its distribution's tail passes the largest number a "
        "float holds (1.8e308); narrow it"
    )
    assert (exc.value.where, exc.value.key) == ("toy", "price_usd")


def test_a_sweep_of_a_measured_run_s_tokens_beside_many_utilizations_is_not_refused() -> None:
    """Kills tco.analysis.common.x_moves_plan__mutmut_5 (``plan_free`` asked about the plan's kind, not the input:
    every input was planned anew at its ends, and a measured run planned on a changed job differs from its central
    plan in ``job_changed`` alone, so its tokens, which no plan reads, counted as moving the plan).

    Utilization moves no training plan either, so the 2 × 1,025 points are evaluated on the central plan: the
    original refuses nothing. The measured 1,000 tokens/s on each of 4 toys run 1.44e8 tokens in
    1.44e8 / 4,000 / 3,600 = 10 h and 2.88e8 in 20 h, whatever the utilization."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])
    run = tco.sweep(
        Inputs([Option(acc)], training(), scenario()),
        ["workload.training_tokens=1.44e8,2.88e8", "scenario.utilization=0.1:0.9:1025"],
    )
    rows = list(run.results)
    assert len(rows) == 2 * 1025
    assert sorted({r["workload.training_tokens"] for r in rows}) == [1.44e8, 2.88e8]
    for r in rows:
        assert r["time_to_converge_hours"] == pytest.approx(r["workload.training_tokens"] / 4000 / 3600)
    assert {r["tokens_per_second_per_accelerator"] for r in rows} == {1000.0}


def test_fp4_serving_on_a_part_with_fp8_units_runs_at_the_faster_of_the_two_paths() -> None:
    """Kills tco.engine.x_serving_inputs__mutmut_32 (the FP8 path's share 0.94 · fp8 / fp4 of the FP4 peak taken
    as 0.94 · fp8 · fp4: an efficiency of hundreds).

    FP4 matmuls reach 0.6 of the FP4 peak, FP8 ones 0.94 of the FP8 peak, and a part with both keeps the faster:
    with 1,000 TFLOPS of FP8, the FP8 path gives 940 TFLOPS, which an FP4 peak of 1,000 or 1,500 TFLOPS (600 or
    900 at 0.6) does not beat. A compute-bound batch of 256 on either serves as many tokens per second as on a
    part with no FP8 units whose FP4 peak gives the same 940 TFLOPS: 940 / 0.6 = 1,566.67 TFLOPS."""
    peak16 = {"bf16_tflops": 500, "fp16_tflops": 500}

    def rate(acc_id: str, **peaks: float) -> float:
        acc = accelerator(id=acc_id, peak={**peak16, **peaks})
        (row,) = compare(options=[Option(acc)], workload=inference(precision="fp4"), scenario=scenario()).results
        assert row.notes[0].endswith("compute-bound")
        assert row.tokens_per_second_per_accelerator is not None
        return row.tokens_per_second_per_accelerator

    fp4_only = rate("fp4only", fp4_tflops=940 / 0.6)
    assert rate("a", fp8_tflops=1000, fp4_tflops=1000) == pytest.approx(fp4_only, rel=1e-12)
    assert rate("b", fp8_tflops=1000, fp4_tflops=1500) == pytest.approx(fp4_only, rel=1e-12)


@pytest.mark.parametrize(
    ("tokens", "deployment_weeks", "shown"),
    [
        # 7 × (4 + 2.01) = 42.07 days. On 64 toys 1.728e24 tokens take 3.125e14 days (a double's step there is
        # 1/16: 42.0625, "42.1"); on 2 toys 1e16 days (a step of 2: 42, "42.0").
        (1.728e24, 2.01, "42.1"),
        # 7 × (4 + 2.005) = 42.035 days. On 64 toys 1.548288e24 tokens take 2.8e14 days, below 2^48 (a step of
        # 1/32: 42.03125, "42.0"); on 63 toys 2.844e14 days, above it (a step of 1/16: 42.0625, "42.1").
        (1.548288e24, 2.005, "42.0"),
    ],
)
def test_the_days_no_count_shortens_are_read_where_the_run_is_shortest(tokens: float, deployment_weeks: float, shown: str) -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_178 and x_size__mutmut_179 (the fixed days read at the second count
    evaluated, 2, or at the one before the last, 63, not at the last, 64).

    The fixed days (lead time, deployment, porting) are the time to market less the run, a difference that keeps
    only the double's step of the run's length: at 1,000 tokens/s per toy the run is shortest, the difference most
    exact, on the most toys evaluated (the first octave, 1 to 64, already shows the deadline of 15 days missed)."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])
    inputs = Inputs([Option(acc)], training(training_tokens=tokens), scenario(deployment_weeks=deployment_weeks))
    with pytest.raises(tco.InfeasibleError) as exc:
        tco.size(inputs, deadline_days=15)
    assert exc.value.message == f"toy: no count meets 15 days: lead time, deployment and porting alone take {shown} days"


def test_a_carbon_price_below_one_dollar_a_tonne_is_charged() -> None:
    """Kills tco.engine.x_evaluate_plan__mutmut_503 (carbon charged only above $1/t: a price of $0.50/t cost
    nothing).

    4 toys at 250 W (500 W × 0.5 average), × 1.5 for the server's power overhead and × PUE 1.5, for 10 h: 22.5 kWh;
    at 0.4 kg/kWh 9 kg = 0.009 t, at $0.50/t $0.0045, added to the job cost."""
    acc = accelerator(benchmarks=[bench("toy-train", 1000)])

    def row(price: float) -> OptionResult:
        sc = scenario(carbon_usd_per_tonne=price, grid_kgco2e_per_kwh=0.4)
        return compare(options=[Option(acc)], workload=training(), scenario=sc).results[0]

    free, priced = row(0.0), row(0.5)
    assert priced.operational_emissions_kgco2e == pytest.approx(9.0)
    assert priced.carbon_usd == pytest.approx(0.0045)
    assert priced.job_cost_usd - free.job_cost_usd == pytest.approx(0.0045, rel=1e-6)


def test_a_lease_with_only_rented_options_is_refused_in_full() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_86 (the message garbled: "XXa lease applies ... buyXX").

    A lease finances a purchase: with every option rented there is nothing for it to pay for."""
    acc = accelerator(rental={"usd_per_hour": 2.0})
    with pytest.raises(tco.InputError) as exc:
        cashflow([Option(acc, acquisition=Acquisition.rent)], training(), scenario(), lease_usd_per_month=100, lease_months=12)
    assert exc.value.message == "a lease applies to bought options, and every option here is rented: give one to buy"
    assert exc.value.key == "--lease-usd-per-month"


def test_a_swept_count_far_past_the_largest_is_shown_in_e_notation() -> None:
    """Kills tco.analysis.common.x__given__mutmut_1 (``or`` -> ``and`` between the two bounds of the full
    notation: a refused count of 1e17 was written out as 100,000,000,000,000,000).

    Values from 1e16 up are past a double's whole-number digits (2^53 ≈ 9.0e15): they read in e-notation."""
    with pytest.raises(tco.InputError) as exc:
        tco.sweep(Inputs([Option(accelerator())], training(), scenario()), ["toy.count=4,1e17"])
    assert exc.value.message == "expected a count of at most 1,000,000,000, got 1e+17"
    assert exc.value.key == "toy.count"


def test_the_attention_width_of_heads_times_their_width_counts_in_the_step_time() -> None:
    """Kills tco.engine.x_plan_training__mutmut_156 (the job planned without its attention width: the attention
    FLOPs taken at d_model).

    8 heads of width 500 make an attention 4,000 wide on a d_model of 1,000 (K and V stay 1,000 wide). The
    derived step executes the causal half of the 12·L·w·s attention FLOPs per token, 6 × 10 layers × w × 1,000:
    3,000 more of width add 1.8e8 FLOPs, at 100 TFLOPS × ε 0.45 (typical stack, reference maturity) × the
    attention kernel's 0.725 × 0.8 matmul fraction × 0.775 in a step = 20.2275 TFLOPS. Nothing else moves (TP 1 ×
    DP 4, no recompute in both): 1.8e8 / 2.02275e13 s more per token on each toy."""
    toy = accelerator(mfu=None)

    def seconds_per_token(**shape: int) -> float:
        (row,) = compare(options=[Option(toy)], workload=training(shape=shape), scenario=scenario()).results
        assert "layout: TP 1 × PP 1 × DP 4, recompute none, ZeRO-3" in row.notes
        assert row.tokens_per_second_per_accelerator is not None
        return 1.0 / row.tokens_per_second_per_accelerator

    extra = seconds_per_token(heads=8, head_dim=500) - seconds_per_token()
    assert extra == pytest.approx(6 * 10 * 3000 * 1000 / (100e12 * 0.45 * 0.725 * 0.8 * 0.775), rel=1e-9)


def test_an_moe_job_with_every_expert_active_swings_neither_parameter_count() -> None:
    """Kills tco.analysis.common.x_uncertain_inputs__mutmut_77 (the total count's path misspelt in the hold: with
    every expert active, the total swung alone, to 1.2e9 beside an active 1e9, a job the validation refuses).

    A 5,000-TFLOPS toy computes fast enough that the step's parameter traffic shows: the total count moves the
    cost, and a top-2-of-8 job's tornado swings it. With 8 of 8 experts per token the active count is the total
    (1e9 both), so neither moves by itself: only the training tokens swing."""
    fast = accelerator(mfu=None, peak={"bf16_tflops": 5000, "fp16_tflops": 5000})

    def swung(**moe: float) -> list[str]:
        rows = tco.sensitivity(Inputs([Option(fast)], training(experts=8, **moe), scenario())).rows
        return [r.param for r in rows if r.param.startswith("workload.")]

    assert "workload.parameters" in swung(experts_per_token=2, active_parameters=3e8)
    assert swung(experts_per_token=8, active_parameters=1e9) == ["workload.training_tokens"]


def test_a_what_if_value_past_the_float_range_is_an_input_error() -> None:
    """Kills tco.analysis.whatif.x_what_if__mutmut_83 (the values not checked before numpy reads them: an int of
    401 digits raised numpy's OverflowError, not an InputError naming the input).

    10**400 passes the public signature's check (an int is a number) but no float holds it (the largest is
    1.8e308); the message names its length (round 73: its first 40 characters, a 1 and 39 zeros, read as 1e39)."""
    inputs = Inputs([Option(accelerator())], training(), scenario())
    with pytest.raises(tco.InputError) as exc:
        tco.what_if(inputs, {"toy.price_usd": [10**400]})
    assert exc.value.message == "expected a finite number (at most 1.8e308), got a 401-digit integer"
    assert exc.value.key == "toy.price_usd"


def test_a_serving_estimate_s_memory_minimum_is_the_model_s_not_the_forced_replica() -> None:
    """Kills tco.engine.x_serving_memory_minimum__mutmut_10 (the part's memory read under a misspelt key: unknown,
    no replica held the model, and the minimum fell back on the replica forced).

    7e9 parameters in 16 bits are 14 GB, which one 80-GB H100 holds with a sequence's cache: a replica of 8 forced
    on the estimate leaves the memory minimum at 1; 70e9 (140 GB) needs 2."""
    small = tco.estimate("h100-sxm", parameters=7e9, mode="infer", replica=8)
    assert (small.replica_accelerators, small.min_accelerators_for_memory) == (8, 1)
    assert tco.estimate("h100-sxm", parameters=70e9, mode="infer", replica=8).min_accelerators_for_memory == 2


def test_a_dollar_quoted_price_sweeps_under_its_plain_column() -> None:
    """Kills tco.analysis.sweep.x_make_axes__mutmut_101 (the test for dollars misspelt: a price quoted in USD, as
    a file may write it, came out under "toy.price_usd (USD)").

    A quote in dollars is the default currency: its column is the bare path, as an unquoted price's."""
    acc = accelerator(price_usd={"value": 9000, "currency": "USD"})
    rows = list(tco.sweep(Inputs([Option(acc)], training(), scenario()), ["toy.price_usd=9000,18000"]).results)
    assert [r["toy.price_usd"] for r in rows] == [9000.0, 18000.0]
    assert not any(k.startswith("toy.price_usd (") for k in rows[0])


def test_an_fp8_training_run_says_its_mfu_counts_the_fp8_peak() -> None:
    """Kills tco.engine.x__plan_option__mutmut_188 (the 8-bit peak never looked up: the note that the MFU is
    against the 200-TFLOPS FP8 peak, not the 100-TFLOPS 16-bit one, went missing).

    The note's ratio is 200 / 100 = 2; the MFU it explains is the tokens/s × 6.12e9 FLOPs a token (6 × 1e9 +
    12 × 10 × 1,000 × 1,000) over 200e12."""
    (row,) = compare(
        options=[Option(accelerator(mfu=None, peak={"fp8_tflops": 200}))], workload=training(precision="fp8"), scenario=scenario()
    ).results
    assert row.notes[0] == "MFU counts the fp8 peak the job runs at (200 TFLOPS); against the 16-bit peak (100 TFLOPS) it is 2× higher"
    assert row.tokens_per_second_per_accelerator is not None
    assert row.mfu == pytest.approx(row.tokens_per_second_per_accelerator * 6.12e9 / 200e12)


def test_an_option_that_cannot_run_is_refused_by_the_cash_flow_with_compare_s_reason() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_107 (the refusal raised without its message).

    One toy of 1 GB cannot hold the training state of 1e9 parameters: compare shows it infeasible, and the cash
    flow, which needs its figures, names it and gives the same reason."""
    small = accelerator(id="small", memory_gb=1)
    options = [Option(accelerator(benchmarks=[bench("toy-train", 1000)])), Option(small, count=1)]
    reason = compare(options=options, workload=training(), scenario=scenario()).results[1].reason
    assert reason is not None and reason.startswith("toy-train does not fit in memory on 1 × small")
    with pytest.raises(tco.InputError) as exc:
        cashflow(options, training(), scenario())
    assert exc.value.message == f"small@1 cannot be put in a cash flow: {reason}"
    assert exc.value.key == "option"


def test_a_sweep_that_replans_too_many_combinations_says_how_they_multiply() -> None:
    """Kills tco.analysis.sweep.x_iter_sweep__mutmut_55 (the product's closing parenthesis garbled: "...XX)XX").

    A toy of 5 GB and one of 100 GB hold 1e9 parameters' training state differently (the layout moves), and the
    training plan is keyed on every axis: 2 memories × 1,025 utilizations = 2,050 plans, past 1,024."""
    with pytest.raises(tco.InputError) as exc:
        tco.sweep(
            Inputs([Option(accelerator(mfu=None))], training(), scenario()), ["toy.memory_gb=5,100", "scenario.utilization=0.1:0.9:1025"]
        )
    assert exc.value.message == (
        "toy.memory_gb changes toy's layout, batch or memory fit, so each combination of the swept values is planned "
        "anew: at most 1,024, got 2,050 (2 toy.memory_gb × 1,025 scenario.utilization)"
    )
    assert exc.value.key == "toy.memory_gb"


def test_a_run_past_the_published_peak_is_measured_against_the_part_as_published() -> None:
    """Kills tco.engine.x_evaluate_option__mutmut_87 (the run's peak never said to be the published one: the
    message lost "as published" and blamed the peak set on the changed part).

    1e6 tokens/s per toy × 6.12e9 FLOPs a token (6 × 1e9 + 12 × 10 × 1,000 × 1,000) is 6.12e15 FLOP/s: MFU 61.2 of
    the published 100 TFLOPS. The part changed to 5,000 TFLOPS carries the run from the part as published, so the
    peak set on it is not at fault."""
    published = accelerator(benchmarks=[bench("toy-train", 1e6)])
    changed = accelerator(peak={"bf16_tflops": 5000}, benchmarks=[bench("toy-train", 1e6)])
    with pytest.raises(tco.InfeasibleError) as exc:
        compare(options=[Option(changed, as_measured=published)], workload=training(), scenario=scenario())
    assert exc.value.message == (
        "the measured 1e+06 tokens/s per accelerator on toy-train implies MFU 61.20 (> 1) of the 100 TFLOPS peak "
        "(toy.peak.bf16_tflops as published): more than the part can compute; check the measurement and the peak"
    )
    assert exc.value.also == ()


def _carried_rate(workload_as_measured: TrainingWorkload, changed: TrainingWorkload) -> float:
    """The measured 1,000 tokens/s on 4 toys carried to the changed job by the model's ratio: 1,000 × the derived
    figure of the changed job / the derived figure of the job as measured, each from an unmeasured toy."""
    plain = accelerator(mfu=None)
    derived = [
        compare(options=[Option(plain)], workload=w, scenario=scenario()).results[0].tokens_per_second_per_accelerator
        for w in (workload_as_measured, changed)
    ]
    assert derived[0] is not None and derived[1] is not None
    return 1000 * derived[1] / derived[0]


def test_a_measured_run_on_a_job_changed_in_a_choice_is_carried_by_the_model_s_ratio() -> None:
    """Kills tco.engine.x__plan_option__mutmut_463 (a training plan never marked as on a changed job: a job changed
    only in a choice, the tuning, kept every number the run is anchored on, and the run was taken as measured).

    The run was measured on a typical stack; the job planned on a tuned one computes faster in the model (ε 0.725
    against 0.45 for its matmuls), and the run is carried by that ratio, not repeated as 1,000 tokens/s."""
    measured = accelerator(mfu=None, benchmarks=[bench("toy-train", 1000)])
    tuned = training(tuning="tuned")
    (row,) = compare(options=[Option(measured, workload_as_measured=training())], workload=tuned, scenario=scenario()).results
    expected = _carried_rate(training(), tuned)
    assert expected > 1.5 * 1000  # (the tuned stack is much faster in the model: the ratio is no rounding)
    assert row.tokens_per_second_per_accelerator == pytest.approx(expected, rel=1e-12)


def test_a_part_barred_in_the_market_still_carries_its_run_to_a_changed_job() -> None:
    """Kills tco.engine.x__plan_option__mutmut_114 (the job as published planned with the market's rule: a part
    the market bars could not place it, and its run gave way to a derived figure).

    The market bars the part, not the measurement: compare still shows the barred part's figures, and its run on the
    job as published is carried to the tuned job by the model's ratio, as for a part the market allows."""
    barred = accelerator(id="barred", mfu=None, availability={"cn": {"buy": False, "rent": False}}, benchmarks=[bench("toy-train", 1000)])
    tuned = training(tuning="tuned")
    allowed = accelerator(mfu=None, benchmarks=[bench("toy-train", 1000)])
    options = [Option(allowed, workload_as_measured=training()), Option(barred, workload_as_measured=training())]
    rows = compare(options=options, workload=tuned, scenario=scenario(market="cn")).results
    assert rows[0].tokens_per_second_per_accelerator == pytest.approx(_carried_rate(training(), tuned), rel=1e-12)
    row = rows[1]
    assert row.status.value == "infeasible" and row.throughput_source.value == "measured"
    assert row.tokens_per_second_per_accelerator == pytest.approx(_carried_rate(training(), tuned), rel=1e-12)
