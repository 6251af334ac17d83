"""Session 51 (2026-12-05): the default global batch is an estimate with a range, swung by the tornado and sampled
by the Monte Carlo (it was held at its value: an estimate that decides a part's speed showed no swing)."""

from __future__ import annotations

import json
import math

import numpy as np
from pytest import approx

import tco
from tco import engine, loader, training
from tco.analysis.common import Uncertain, default_batch, prepare, resolve_target, uncertain_inputs
from tco.analysis.montecarlo import sample_input

# Llama 3 70B (llama3-70b.toml: 70.6e9 parameters, no global batch): 2e6 · (70.6e9 / 7e9)^(1/3) tokens a step.
LLAMA3_70B_BATCH = 2.0e6 * (70.6e9 / 7.0e9) ** (1.0 / 3.0)


def test_the_default_batch_and_its_range_by_hand() -> None:
    """The default is 2M × (N/7B)^(1/3) tokens (4.32M for Llama 3 70B); its range is half to twice it."""
    inputs = tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b")
    assert default_batch(inputs.workload) == approx(LLAMA3_70B_BATCH, rel=1e-12)
    assert LLAMA3_70B_BATCH == approx(4.3211e6, rel=1e-4)
    assert training.DEFAULT_BATCH_RANGE == (0.5, 2.0)
    rows = {r.param: r for r in tco.sensitivity(inputs).rows}
    row = rows["workload.global_batch_tokens"]
    assert (row.low, row.central, row.high) == approx((LLAMA3_70B_BATCH / 2, LLAMA3_70B_BATCH, LLAMA3_70B_BATCH * 2), rel=1e-12)
    assert row.range_source == "default estimate ×0.5–×2"


def test_each_end_of_the_swing_is_compare_at_that_batch() -> None:
    """The tornado's costs at the batch's low and high are compare's with the batch set there (the layout search
    runs per scenario: the held plan is the candidate layouts, which do not depend on the batch), and at 4,096
    GPUs a smaller batch leaves fewer sequences per replica, so both parts cost more at the low end."""
    inputs = tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b")
    row = next(r for r in tco.sensitivity(inputs).rows if r.param == "workload.global_batch_tokens")
    for end, value in (("low", row.low), ("high", row.high)):
        fixed = tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b", sets=[f"workload.global_batch_tokens={value!r}"])
        compared = {r.option: r.effective_cost_usd for r in tco.compare(fixed).results}
        swung = row.effective_cost_low_usd if end == "low" else row.effective_cost_high_usd
        for option, cost in compared.items():
            assert swung[option] == approx(cost, rel=1e-9), (end, option)
    for option in ("h100-sxm", "b200"):
        assert row.effective_cost_low_usd[option] > row.effective_cost_high_usd[option]
    assert not row.plan_held  # (the row's ends are what --set gives: no '*' on it)


def test_a_given_batch_range_swings_as_set_too() -> None:
    """Llama 3 405B gives its batch, 16M with the 4M–16M ramp as its range: the tornado's low end is compare at 4M
    (the layouts searched again at that batch, not held to the shortlist chosen at 16M)."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-405b")
    row = next(r for r in tco.sensitivity(inputs).rows if r.param == "workload.global_batch_tokens")
    fixed = tco.load_inputs(["h100-sxm"], workload="llama3-405b", sets=["workload.global_batch_tokens=4e6"])
    assert row.effective_cost_low_usd["h100-sxm"] == approx(tco.compare(fixed).results[0].effective_cost_usd, rel=1e-9)
    assert not row.plan_held


def test_the_batch_tops_the_tornado_where_it_decides_the_speed() -> None:
    """Llama 3 70B on 4,096 H100s or B200s at the default batch waits on its gradient reduction (session 50): the
    batch not yet chosen is the input worth most, ahead of utilization (0.6–1)."""
    result = tco.sensitivity(tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b"))
    assert result.rows[0].param == "workload.global_batch_tokens"


def test_a_batch_the_workload_gives_is_no_estimate() -> None:
    """A given batch is a number like any other: no range given, the ±20 % default swing, labelled as such; with a
    range (Llama 3 405B's 4M–16M ramp) the file's own range."""
    given = tco.load_inputs(["h100-sxm"], workload="llama2-70b")
    assert default_batch(given.workload) is None
    row = next(r for r in tco.sensitivity(given).rows if r.param == "workload.global_batch_tokens")
    assert row.range_source == "default ±20%"
    assert (row.low, row.high) == approx((4.0e6 * 0.8, 4.0e6 * 1.2))
    ranged = tco.load_inputs(["h100-sxm"], workload="llama3-405b")
    row = next(r for r in tco.sensitivity(ranged).rows if r.param == "workload.global_batch_tokens")
    assert (row.low, row.high, row.range_source) == (4.0e6, 1.6e7, "profile")


def test_measured_rates_do_not_read_the_batch() -> None:
    """The article's case runs both parts at their published rates (12,500 and 7,800 tokens/s): the batch moves
    neither, so it is neither swung nor sampled."""
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")
    assert default_batch(inputs.workload) is not None
    assert "workload.global_batch_tokens" not in [u.path for u in uncertain_inputs(prepare(inputs), ranged_only=False)]
    assert "workload.global_batch_tokens" not in tco.simulate(inputs, samples=10, seed=1).sampled_inputs


def test_simulate_samples_the_default_batch_around_it() -> None:
    """Simulate samples it lognormal with half and twice the default as its 90 % interval: the median is the
    default (the interval's geometric middle), and 90 % of the draws lie inside."""
    inputs = tco.load_inputs(["h100-sxm", "b200"], workload="llama3-70b")
    assert "workload.global_batch_tokens" in tco.simulate(inputs, samples=10, seed=1).sampled_inputs
    prep = prepare(inputs)
    u = next(u for u in uncertain_inputs(prep, ranged_only=True) if u.path == "workload.global_batch_tokens")
    assert isinstance(u, Uncertain) and u.target == resolve_target(prep, "workload.global_batch_tokens", keep_quotes=True)
    draws = sample_input(u, np.random.default_rng(7), 200_000)
    assert float(np.median(draws)) == approx(LLAMA3_70B_BATCH, rel=0.01)
    inside = float(np.mean((draws >= u.low) & (draws <= u.high)))
    assert inside == approx(0.90, abs=0.005)
    assert math.log(u.high / u.central) == approx(math.log(2.0))


def test_the_cli_tornado_names_the_estimate(run) -> None:
    """The JSON row says where the range comes from; the table shows it in the range column."""
    r = run("sensitivity", "h100-sxm", "b200", "-w", "llama3-70b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    rows = {x["param"]: x for x in json.loads(r.stdout)["results"]}
    assert rows["workload.global_batch_tokens"]["range_source"] == "default estimate ×0.5–×2"
    table = run("sensitivity", "h100-sxm", "b200", "-w", "llama3-70b")
    assert "default estimate ×0.5–×2" in table.stdout


def test_the_shortlist_is_widened_over_the_batch_range() -> None:
    """The analyses of uncertain inputs search, for a swung or sampled batch, the layouts fastest at its low, central
    and high (the union of the three shortlists), at any batch; elsewhere a plan's shortlist holds only at the batch
    it was chosen at, and a held plan at another batch searches every layout."""
    inputs = tco.load_inputs(["b200"], workload="llama3-405b")
    plan = engine.plan_option(inputs.options[0], inputs.workload, inputs.scenario, market=False)
    st = plan.stages[0]
    assert st.subset is not None and st.subset_batch == 1.6e7
    base = engine.numeric_inputs(inputs.options[0], inputs.workload, inputs.scenario)
    wide = engine.widen_shortlist(plan, base, "workload.global_batch_tokens", (4e6, 1.6e7))
    ws = wide.stages[0]
    assert ws.subset_batch is None
    for batch in (4e6, 1.6e7):
        x = engine.stage_inputs(st, {**base, "workload.global_batch_tokens": batch}, plan.active_key)
        x["count"] = st.subset_count
        assert set(training.shortlist(st.job, x)) <= set(ws.subset or ())
    assert len(ws.subset or ()) < len(st.job.candidates)
    # (a key the stage does not read leaves it as it was)
    assert engine.widen_shortlist(plan, base, "workload.stages[x].global_batch_tokens", (4e6,)).stages[0] == st


def test_the_report_lists_the_default_batch_among_its_assumptions(run, tmp_path) -> None:
    """The report's assumptions list the default batch the figures use, whole tokens, as an estimate with its
    sources (each key in the shipped bibliography); a job that gives its batch, or whose options all run at measured
    rates, lists no default."""
    out = tmp_path / "r.html"
    r = run("report", "h100-sxm", "b200", "-w", "llama3-70b", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    page = out.read_text()
    assert f"workload.global_batch_tokens</td><td class=n>{round(LLAMA3_70B_BATCH):,}</td>" in page
    assert "half to twice it" in page
    keys = loader.cited_keys(training.DEFAULT_BATCH_SOURCE)
    assert keys == ["TCO", "GPT3-2020", "LLAMA2-2023", "LLAMA3-2024"]
    assert set(keys) <= set(loader.load_bibliography())
    out2 = tmp_path / "r2.html"
    assert run("report", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-o", str(out2)).exit_code == 0
    assert "global_batch_tokens" not in out2.read_text()


# --------------------------------------------------------------------------- EVPPI: the value of learning one input


def _grid(n: int, seed: int) -> np.ndarray:
    """n values evenly spread over (0, 1), (i + 0.5) / n, in a shuffled order."""
    return np.random.default_rng(seed).permutation((np.arange(n) + 0.5) / n)


def test_evppi_of_the_input_that_decides_is_the_evpi_by_hand() -> None:
    """Option A costs x, option B costs 0.4, x spread evenly over (0, 1). Without information B is the better bet
    (0.4 against E[x] = 0.5); knowing x, the buyer takes A below 0.4: EVPPI = E[max(0.4 − x, 0)] = 0.4² / 2 = 0.08,
    all of the EVPI (x is the only uncertainty). The bins' edges (deciles of each half) fall on 0.4, so the binned
    choice loses nothing. An input independent of the costs is worth nothing: in every bin B costs less on average."""
    from tco.analysis.montecarlo import partial_values

    n = 20_000
    x = _grid(n, 1)
    unrelated = _grid(n, 2)
    costs = np.vstack([x, np.full(n, 0.4)])
    values = partial_values(costs, 1, {"x": x, "unrelated": unrelated})
    assert values["x"] == approx(0.08, abs=5e-4)
    assert values["unrelated"] == 0.0
    assert list(values) == ["x", "unrelated"]  # (most first)


def test_evppi_errs_low_where_the_switch_falls_inside_a_bin() -> None:
    """With B at 0.45 the switch lies inside the bin [0.4, 0.5): the binned choice takes A up to 0.4 and B above (the
    bin's mean 0.45 ties; the first of equals, A, is taken: it costs the same on average there), so the estimate is
    E[max(0.45 − x, 0)] over x < 0.4 plus that bin's part: between E[max(0.45 − x, 0) · 1(x < 0.4)] = 0.4 · 0.45 − 0.08
    = 0.1 and the EVPPI 0.45² / 2 = 0.10125."""
    from tco.analysis.montecarlo import partial_values

    n = 20_000
    x = _grid(n, 3)
    value = partial_values(np.vstack([x, np.full(n, 0.45)]), 1, {"x": x})["x"]
    assert 0.1 - 5e-4 <= value <= 0.10125 + 5e-4


def test_simulate_reports_what_each_input_alone_is_worth() -> None:
    """Llama 3 8B on H100s or MI300Xs: the H100 is the better bet and the cost of delay decides most samples the
    MI300X wins. Each input's EVPPI is at most the EVPI (a choice made knowing one input cannot beat one made knowing
    all: on each half the cross-fitted choice costs at least the per-sample cheapest), the cost of delay's is the
    largest, and inputs that no option's cost reads are worth 0. Below 1,000 samples there is no estimate."""
    inputs = tco.load_inputs(["h100-sxm", "mi300x"], workload="llama3-8b")
    r = tco.simulate(inputs, samples=4_000, seed=3)
    evpi, values = r.expected_value_of_perfect_information_usd, r.value_of_information_by_input_usd
    assert evpi is not None and evpi > 0 and values is not None
    assert set(values) == set(r.sampled_inputs)
    assert all(0.0 <= v <= evpi * (1 + 1e-12) for v in values.values())
    assert next(iter(values)) == "scenario.cost_of_delay_usd_per_day" and values["scenario.cost_of_delay_usd_per_day"] > 0
    assert values["scenario.carbon_usd_per_tonne"] == 0.0
    assert tco.simulate(inputs, samples=999, seed=3).value_of_information_by_input_usd is None
    odd = tco.simulate(inputs, samples=1_001, seed=3)  # (halves of 501 and 500: the EVPI caps each value)
    assert odd.value_of_information_by_input_usd is not None and odd.expected_value_of_perfect_information_usd is not None
    assert max(odd.value_of_information_by_input_usd.values()) <= odd.expected_value_of_perfect_information_usd


def test_the_cli_names_the_inputs_worth_learning(run) -> None:
    """The table's last line names the inputs worth most alone; with no value of information at all (the article's
    case: the A100 wins every sample) nothing is said; where none alone is worth anything, that is said."""
    from tco.render import partial_values_text

    r = run("simulate", "h100-sxm", "mi300x", "-w", "llama3-8b", "-n", "2000", "-q")
    assert r.exit_code == 0, r.stderr
    assert "worth learning alone before buying (EVPPI): scenario.cost_of_delay_usd_per_day $" in r.stdout
    quiet = run("simulate", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-n", "2000", "-q")
    assert quiet.exit_code == 0 and "value of perfect information $0" in quiet.stdout and "EVPPI" not in quiet.stdout
    none = "no input alone is worth learning before buying: the value of information lies in several together\n"
    assert partial_values_text({"a": 0.0}) == none
    assert partial_values_text({"a": 3.0, "b": 2.0, "c": 1.0, "d": 0.5, "e": 0.0}) == (
        "worth learning alone before buying (EVPPI): a $3.00, b $2.00, c $1.00 (and 1 more, in the JSON)\n"
    )
    assert partial_values_text(None) == ""


# --------------------------------------------------------------------------- the assumed matmul fraction


def test_an_unmeasured_matmul_fraction_is_swung_over_the_measured_parts_span() -> None:
    """The MLU590 has no matmul benchmark: its derived rate assumes 0.80 of peak (about the H100's). The tornado
    swings that over the span of the parts measured, 0.51 (MI300X) to 0.97 (Gaudi 2; 0.99 before round 104), and
    labels it an assumption;
    its central cost is compare's, and a faster kernel costs less. The H100, measured (0.803), has no such row."""
    inputs = tco.load_inputs(["mlu590", "h100-sxm"], workload="llama3-8b", sets=["scenario.market=cn"])
    result = tco.sensitivity(inputs)
    rows = {r.param: r for r in result.rows}
    row = rows["mlu590.matmul_efficiency"]
    assert (
        (row.low, row.central, row.high)
        == (0.51, 0.8, 0.97)
        == (*training.MATMUL_EFFICIENCY_RANGE[:1], 0.8, training.MATMUL_EFFICIENCY_RANGE[1])
    )
    assert row.range_source == "assumed, measured parts 0.51–0.97"
    assert row.effective_cost_high_usd["mlu590"] < result.central_effective_cost_usd["mlu590"] < row.effective_cost_low_usd["mlu590"]
    compared = {r.option: r.effective_cost_usd for r in tco.compare(inputs).results}
    assert result.central_effective_cost_usd["mlu590"] == approx(compared["mlu590"], rel=1e-12)
    assert "h100-sxm.matmul_efficiency" not in rows
    # the assumed value, set as if measured, is the central figure: the same cost
    fixed = tco.load_inputs(["mlu590"], workload="llama3-8b", sets=["scenario.market=cn", "mlu590.matmul_efficiency=0.8"])
    assert tco.compare(fixed).results[0].effective_cost_usd == approx(compared["mlu590"], rel=1e-12)


def test_simulate_samples_an_assumed_matmul_fraction_and_the_report_lists_it(run, tmp_path) -> None:
    """The Monte Carlo samples the assumed fraction as a fraction (a normal with 0.51–0.97 as its 90 % interval,
    clipped to (0, 1]); the report lists it among the assumptions as an estimate with its source."""
    inputs = tco.load_inputs(["mlu590", "ascend-910b"], workload="chat-70b", sets=["scenario.market=cn"])
    sampled = tco.simulate(inputs, samples=50, seed=2).sampled_inputs
    assert "mlu590.matmul_efficiency" in sampled and "ascend-910b.matmul_efficiency" in sampled
    u = next(u for u in uncertain_inputs(prepare(inputs), ranged_only=True) if u.path == "mlu590.matmul_efficiency")
    assert u.bounded and (u.low, u.central, u.high) == (0.51, 0.8, 0.97)
    out = tmp_path / "r.html"
    r = run("report", "mlu590", "ascend-910b", "-w", "chat-70b", "--set", "scenario.market=cn", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    page = out.read_text()
    assert "mlu590.matmul_efficiency</td><td class=n>0.8</td><td>[TCO] [MAMF] not measured for this part" in page
    assert set(loader.cited_keys(training.MATMUL_DEFAULT_SOURCE)) <= set(loader.load_bibliography())


# --------------------------------------------------------------------------- which latency target is to blame


def test_the_target_no_replica_meets_is_blamed(run) -> None:
    """A 70B chat service on H100s with a 2 ms time-per-output-token target: a typical engine spends 80 layers ×
    0.11 ms = 8.8 ms a decode step beyond its kernels, so no replica meets it, whatever the first-token target. A
    400 ms first-token target is met by 8 H100s (a 2,048-token prompt is 2 × 70.6e9 × 2,048 = 2.9e14 FLOP, 46 ms at
    0.8 of their 7.9 PFLOP/s), yet the error blamed it: it was the one a batch of one missed on a single accelerator,
    which cannot even hold the 141 GB of weights. Now the target missed on every replica that holds a sequence is
    blamed; the other way round (a 1 ms first-token target, below the 4.6 ms the prompt takes on 64 H100s at their
    whole peak, with a 30 ms TPOT that 8 meet) the first-token target is."""
    tpot = run(
        "compare",
        "h100-sxm",
        "-w",
        "chat-70b",
        "--set",
        "workload.time_per_output_token_ms=2",
        "--set",
        "workload.time_to_first_token_ms=400",
    )
    assert tpot.exit_code == 1
    assert "workload.time_per_output_token_ms: h100-sxm cannot serve chat-70b: no batch meets the latency targets" in tpot.stderr
    ttft = run(
        "compare",
        "h100-sxm",
        "-w",
        "chat-70b",
        "--set",
        "workload.time_per_output_token_ms=30",
        "--set",
        "workload.time_to_first_token_ms=1",
    )
    assert ttft.exit_code == 1
    assert "workload.time_to_first_token_ms: h100-sxm cannot serve chat-70b: no batch meets the latency targets" in ttft.stderr


def test_vs_names_the_option_at_the_count_it_runs_on(run) -> None:
    """Llama 3 8B runs on the workload's 1,024 accelerators: '--vs a100-80gb@1024' names the option a100-80gb (as
    '--baseline' does since hostile round 74), where it added a second, identical column 'a100-80gb@1024'; another
    count is another configuration, added as before."""
    same = run("sensitivity", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--vs", "a100-80gb@1024", "-f", "json")
    assert same.exit_code == 0, same.stderr
    rows = json.loads(same.stdout)["results"]
    assert rows and set(rows[0]["swing_usd"]) == {"h100-sxm", "a100-80gb"}  # (the audit keeps '--vs' as typed)
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    assert tco.sensitivity(inputs, vs=("h100-sxm", "a100-80gb@1024")).vs == ["h100-sxm", "a100-80gb"]
    other = run("sensitivity", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--vs", "a100-80gb@8", "-f", "json")
    assert other.exit_code == 0 and "a100-80gb@8" in other.stdout
