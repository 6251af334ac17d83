"""Hostile round 98 (metamorphic checks of the serving answers across commands and outputs, as an inference-platform
reviewer checks that throughput, latency and cost per token agree with themselves): estimate's note on 8-bit weights
without a vocabulary told a command-line user to give 'workload.shape.vocab', a key of a file estimate does not read,
where its flag is --vocab; estimate noted a --set of workload.tokens_per_day as 'not read' and yet let that demand
choose its replica (258.9 tokens/s on 2 where it reports 895.0 on 4); a refused latency target named the least time a
batch of one takes rounded to the nearest (9.236 ms for 9.2364), so a target set to the figure shown was refused
again; a measured serving run carried to a changed job gave two figures for one replica and batch (792.2 chosen, 776.1
fixed with ID@8); accelerator_hours was described as 'useful work' where, for a serving fleet rounded up, it counts 16×
the hours the tokens take; time_per_output_token_ms was described without saying it is the latency percentile's
figure where one is given; and breakeven wrote the gap of a discrete step as '1.63774e+06 USD'. Each is fixed and
tested here."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest import approx

import tco
from tests.factories import one_error


def _result(run: Any, *args: str) -> dict[str, Any]:
    done = run(*args, "-f", "json")
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout)["results"][0])


def test_estimates_vocabulary_note_names_its_flag(run: Any) -> None:
    """1: ``tco estimate h100-sxm --params 8e9 --mode infer --precision fp8 --layers 32 --d-model 4096`` noted 'vocabulary
    unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give workload.shape.vocab)': estimate has no
    workload file, and its other notes name its flags (--tuning tuned). It now says '(give --vocab)', and from Python
    "(give shape['vocab'])"; compare's note, over a workload file, keeps the file's key."""
    args = ("estimate", "h100-sxm", "--params", "8e9", "--mode", "infer", "--precision", "fp8", "--layers", "32", "--d-model", "4096")
    notes = _result(run, *args)["notes"]
    assert "vocabulary unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give --vocab)" in notes
    assert not any("workload.shape.vocab" in n for n in notes)
    py = tco.estimate("h100-sxm", parameters=8e9, mode="infer", precision="fp8", shape={"layers": 32, "d_model": 4096})
    assert "vocabulary unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give shape['vocab'])" in py.notes
    with_vocab = _result(run, *args, "--vocab", "128256")["notes"]
    assert not any(n.startswith("vocabulary unknown") for n in with_vocab)


def test_estimate_does_not_read_a_demand_it_says_it_does_not_read(run: Any) -> None:
    """2: ``tco estimate h100-sxm --params 70e9 --mode infer --set workload.tokens_per_day=1e3`` noted '--set
    workload.tokens_per_day: not read by estimate, which reports one replica's speed and latency, not a fleet' and yet
    answered 258.9 tokens/s per accelerator on a replica of 2 (the replica whose whole fleet serves 1,000 tokens a day
    is the smallest one), not the 895.0 on a replica of 4 it gives without the --set (docs/serving-model.md: estimate,
    which has no demand, reports the replica with the most tokens/s per accelerator). The demand and the service life
    are now kept from the replica choice, as the note says: the same figures with and without them."""
    base = ("estimate", "h100-sxm", "--params", "70e9", "--mode", "infer")
    plain = _result(run, *base)
    assert plain["replica_accelerators"] == 4 and plain["batch"] == 230
    for item in ("workload.tokens_per_day=1e3", "workload.service_life_years=1"):
        got = _result(run, *base, "--set", item)
        for key in ("tokens_per_second_per_accelerator", "replica_accelerators", "batch", "time_per_output_token_ms"):
            assert got[key] == plain[key], (item, key)
        assert any(n.startswith(f"--set {item.split('=')[0]}: not read by estimate") for n in got["notes"])
    py = tco.estimate("h100-sxm", parameters=70e9, mode="infer", sets=["workload.tokens_per_day=1e3"])
    assert py.tokens_per_second_per_accelerator == plain["tokens_per_second_per_accelerator"]


def test_the_least_latency_a_refusal_names_is_a_target_that_is_met(run: Any) -> None:
    """3: ``tco estimate h100-sxm --params 8e9 --mode infer --replica 1 --prompt-tokens 500 --output-tokens 200
    --tpot-ms 1`` said 'a batch of one takes 9.236 ms per output token at best'; the time is 9.2364 ms, so the target
    it invited, --tpot-ms 9.236, was refused with the same words (exit 1). The figure is now rounded up to its four
    digits, 9.237 ms, and that target is met at a batch of one. (Pinned figures of other tests moved by one in the
    last digit where they had been rounded down: 60.23 → 60.24, 453.1 → 453.2, 111.2 → 111.3, 3.528 → 3.529,
    139.6 → 139.7, 60.98 → 60.99, 122.6 → 122.7.)"""
    base = ("estimate", "h100-sxm", "--params", "8e9", "--mode", "infer", "--replica", "1", "--prompt-tokens", "500")
    base += ("--output-tokens", "200")
    line = one_error(run(*base, "--tpot-ms", "1"))
    assert line.endswith("on a replica of 1: a batch of one takes 9.237 ms per output token at best")
    met = _result(run, *base, "--tpot-ms", "9.237")
    assert met["batch"] == 1 and 9.236 < met["time_per_output_token_ms"] <= 9.237
    assert run(*base, "--tpot-ms", "9.236").exit_code == 1  # (just below the least: refused, as it must be)
    # the same on compare, for the first token: 122.7 ms where 122.6 ms was shown and refused
    ttft = ("compare", "h100-sxm@8", "-w", "chat-70b", "--set")
    assert one_error(run(*ttft, "workload.time_to_first_token_ms=50")).endswith("a batch of one takes 122.7 ms to the first token at best")
    assert run(*ttft, "workload.time_to_first_token_ms=122.7").exit_code == 0
    assert run(*ttft, "workload.time_to_first_token_ms=122.6").exit_code == 1


MEASURED = (
    'extends = "h100-sxm"\nid = "hx"\nname = "H100 measured"\n'
    '[[benchmarks]]\nworkload = "chat-70b"\ntokens_per_second = 900\nsource = "x"\n'
)


def test_a_measured_run_carried_to_a_changed_job_is_one_figure_at_one_replica(run: Any, user_profile: Any) -> None:
    """4: a part with a measured 900 tokens/s on chat-70b, ``tco compare hx -w chat-70b --set
    workload.time_per_output_token_ms=40``, chose a replica of 8 and reported 792.2 tokens/s per accelerator, while
    ``hx@8`` with the same target reported 776.1 for the same replica and batch (165): the ratio that carries the run
    took the changed job at 8 over the job as published at the replica the demand had chosen for it (4: 587.9), where
    ID@8 takes both at 8 (600.1), as the code's own comment says it should. Both are now 900 · 517.48 / 600.08 =
    776.1: a replica the demand chose is the same deployment as the same one fixed."""
    user_profile("accelerators", "hx", MEASURED)
    target = ("-w", "chat-70b", "--set", "workload.time_per_output_token_ms=40")
    chosen, fixed = _result(run, "compare", "hx", *target), _result(run, "compare", "hx@8", *target)
    assert chosen["replica_accelerators"] == fixed["replica_accelerators"] == 8 and chosen["batch"] == fixed["batch"] == 165
    assert chosen["tokens_per_second_per_accelerator"] == fixed["tokens_per_second_per_accelerator"]
    model_now = _result(run, "compare", "h100-sxm@8", *target)["tokens_per_second_per_accelerator"]
    model_then = _result(run, "compare", "h100-sxm@8", "-w", "chat-70b")["tokens_per_second_per_accelerator"]
    assert chosen["tokens_per_second_per_accelerator"] == approx(900 * model_now / model_then, rel=1e-12)
    assert chosen["tokens_per_second_per_accelerator"] == approx(776.12, abs=0.01)
    assert _result(run, "compare", "hx", "-w", "chat-70b")["tokens_per_second_per_accelerator"] == 900  # (as measured: as is)


def test_accelerator_hours_are_not_called_useful_work_where_they_count_spare_capacity(run: Any) -> None:
    """5: ``tco compare h100-sxm -w chat-70b --set workload.tokens_per_day=1e6`` (one replica of 2 for a demand it
    meets in a few hours a day) gives accelerator_hours 42,076.8 = 2 × 8,766 × 0.8 × 3, which the field's description
    called 'Accelerator-hours of useful work': the tokens served take 1e6 × 365.25 × 3 / 117.01 / 3,600 = 2,601
    accelerator-hours (the all-in energy counts those). The description now says they are the hours the fleet is
    busy, its spare capacity included, as accelerator_energy_kwh's does."""
    r = _result(run, "compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e6")
    assert r["accelerator_hours"] == approx(2 * 8766 * 0.8 * 3, rel=1e-12)
    work = 1e6 * 365.25 * 3 / r["tokens_per_second_per_accelerator"] / 3600
    assert work == approx(2601, abs=1) and r["accelerator_hours"] > 16 * work
    described = tco.OptionResult.model_fields["accelerator_hours"].description or ""
    assert "useful work" not in described and "spare capacity included" in described


def test_the_time_per_output_token_reported_is_said_to_be_the_percentiles(run: Any) -> None:
    """6: ``tco compare mi300x -w chat-70b --set workload.time_per_output_token_ms=40 --set
    workload.latency_percentile=99`` reports time_per_output_token_ms 39.76 at batch 87: the 99th-percentile figure,
    t_step + (B + 2.326·√B)·T_prefill / O, which the target caps; the field's description said only 'time per output
    token at the chosen batch', which a reader takes for the mean request's (at that batch 39.76 − 2.326·√87 ·
    T_prefill / O, lower). The description now says it is at the workload's percentile where one is given. The figure
    meets the target it claims to: at most 40 ms."""
    args = ("compare", "mi300x", "-w", "chat-70b", "--set", "workload.time_per_output_token_ms=40")
    p99 = _result(run, *args, "--set", "workload.latency_percentile=99")
    mean = _result(run, *args)
    assert p99["batch"] < mean["batch"] and p99["time_per_output_token_ms"] <= 40 and mean["time_per_output_token_ms"] <= 40
    described = tco.OptionResult.model_fields["time_per_output_token_ms"].description or ""
    assert "latency_percentile" in described and "mean request" in described


def test_a_break_evens_step_names_its_gap_in_whole_dollars(run: Any) -> None:
    """7: ``tco breakeven h100-sxm@64 h100-sxm@64:rent -w chat-70b --param scenario.utilization --set
    scenario.cost_of_delay_usd_per_day=0 --set workload.tokens_per_day=1e10`` said the two 'do not tie but cross at
    scenario.utilization = 0.671471, where a discrete choice steps (a gap of 1.63774e+06 USD)': a money total in
    scientific notation (a replica of 64 more or less), where every other money figure is written in whole dollars
    with its sign ('78,108.1 USD' for a smaller step). The gap is now '$1,637,7xx', as compare writes money. (Pinned
    gaps of other tests now read '$5,197', '$2.32', '$7,500' and '$6,000'.)"""
    args = ("breakeven", "h100-sxm@64", "h100-sxm@64:rent", "-w", "chat-70b", "--param", "scenario.utilization")
    args += ("--set", "scenario.cost_of_delay_usd_per_day=0", "--set", "workload.tokens_per_day=1e10")
    message = _result(run, *args)["message"]
    assert re.search(r"where a discrete choice steps \(a gap of \$1,63\d,\d{3}\); below it", message), message
    assert "e+06" not in message and " USD" not in message
