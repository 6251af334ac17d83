"""Session 41: sizing stops at a deadline the lead time alone misses; a published run's layout must use its
accelerators; a shape that disagrees with the workload's parameter count is a warning on every command."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco
from tco import api, engine
from tco.analysis import sizing
from tco.errors import InfeasibleError

ROOT = Path(__file__).parents[1]


def test_a_deadline_the_fixed_days_miss_is_answered_from_the_first_octave(monkeypatch: pytest.MonkeyPatch) -> None:
    """h800 on DeepSeek-V3: lead time, deployment and porting take 112 days, more than a 100-day deadline
    at any count. The answer needs one octave of counts, not all twelve (16 s before, on this machine; ~3 s
    now). The fixed days are those of a count that meets a 200-day deadline: its time to market less its
    time to converge."""
    calls: list[int] = []
    real = sizing._for_counts

    def counting(plan, base, counts):  # type: ignore[no-untyped-def]
        calls.append(len(counts))
        return real(plan, base, counts)

    monkeypatch.setattr(sizing, "_for_counts", counting)
    inputs = api.load_inputs(["h800"], workload="deepseek-v3")
    with pytest.raises(InfeasibleError) as refused:
        sizing.size(inputs, deadline_days=100)
    assert calls == [64]  # the first octave (counts 1-64) only
    (met,) = sizing.size(inputs, deadline_days=200).options
    assert met.feasible and met.time_to_market_days is not None and met.time_to_converge_hours is not None
    assert met.time_to_market_days <= 200
    fixed = met.time_to_market_days - met.time_to_converge_hours / 24
    assert refused.value.message == f"h800: no count meets 100 days: lead time, deployment and porting alone take {fixed:.1f} days"
    assert fixed > 100


def _row_file(tmp_path: Path, drop_cp: bool) -> Path:
    text = (ROOT / "profiles" / "benchmarks" / "nemo-h100.toml").read_text()
    assert text.count("context_parallel = 2\n") == 3
    text = text.replace('id = "nemo-h100"', 'id = "mine"', 1)
    if drop_cp:
        text = text.replace("context_parallel = 2\n", "", 1)
    path = tmp_path / "benchmarks" / "mine.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_a_published_layout_must_use_the_rows_accelerators(run, tmp_path: Path) -> None:
    """Round 63b: a published row whose TP × PP × DP is not its accelerator count was accepted. NeMo's
    LLAMA3-8B row on 8 H100s states TP 1, PP 1, CP 2 and DP 4: without its context parallelism the row is
    refused, naming the row and the key; with it, it validates."""
    ok = run("profiles", "validate", str(_row_file(tmp_path, drop_cp=False)))
    assert ok.exit_code == 0, ok.output
    path = _row_file(tmp_path, drop_cp=True)
    bad = run("profiles", "validate", str(path))
    assert bad.exit_code == 1
    assert bad.stderr.strip() == (
        f"Error: {path}: rows[5].data_parallel: the published layout tensor_parallel 1 × pipeline_parallel 1 × "
        "data_parallel 4 uses 4 accelerators, not the row's accelerator_count = 8"
    )


def test_a_partial_layout_must_divide_the_count(run, tmp_path: Path) -> None:
    """With only some degrees given, their product divides the count (Nemotron-4 states TP 8 and DP 96 of
    768; TP 5 of 8 cannot be)."""
    text = (ROOT / "profiles" / "benchmarks" / "megatron-2021.toml").read_text().replace('id = "megatron-2021"', 'id = "mine"', 1)
    text = text.replace("tensor_parallel = 1\npipeline_parallel = 1\ndata_parallel = 32\n", "tensor_parallel = 5\n", 1)
    path = tmp_path / "benchmarks" / "mine.toml"
    path.parent.mkdir()
    path.write_text(text)
    bad = run("profiles", "validate", str(path))
    assert bad.exit_code == 1, bad.output
    assert "rows[0].tensor_parallel: the published layout tensor_parallel 5 (5 accelerators) does not divide" in bad.stderr


def test_every_shipped_row_with_a_full_layout_uses_its_count() -> None:
    """The shipped rows that state TP, PP and DP: TP × PP × CP × DP is the count (CP 1 when not stated)."""
    checked = 0
    for s in api.load_calibration_sets():
        for r in s.rows:
            if None not in (r.tensor_parallel, r.pipeline_parallel, r.data_parallel):
                assert r.tensor_parallel * r.pipeline_parallel * (r.context_parallel or 1) * r.data_parallel == r.accelerator_count  # type: ignore[operator]
                checked += 1
    assert checked >= 40


def test_the_published_layout_holds_the_context_parallel_degree() -> None:
    """calibrate --published-layout holds NeMo's LLAMA3-8B on 8 H100s to CP 2 and DP 4, as published."""
    rows = {(r.set_id, r.model): r for r in tco.calibrate(published_layout=True).rows}
    row = rows[("nemo-h100", "LLAMA3-8B (NeMo 24.09)")]
    assert row.layout is not None and "DP4 CP2" in row.layout


def test_a_shape_that_disagrees_with_the_count_is_a_warning(run) -> None:
    """Round 63b: ``--set workload.parameters.value=70e9`` on Llama 3 8B (whose [shape] counts 8.03B) was priced
    without a word on the table's stderr (the note was in JSON only). It is a warning now; the shipped
    workloads raise none."""
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.parameters.value=70e9")
    assert result.exit_code == 0, result.output
    assert (
        "Warning: llama3-8b: the shape counts 8.03B parameters, the workload 70B: check its layers, widths, FFN and vocabulary"
        in result.stderr
    )
    wl = api.load_inputs(["h100-sxm"], workload="llama3-8b").workload
    assert engine.shape_count_gap(wl) is None
    at = lambda n: wl.model_copy(update={"parameters": wl.parameters.model_copy(update={"value": n})})  # noqa: E731
    assert engine.shape_count_gap(at(8.3e9)) is None  # 3.3 % off: within SHAPE_COUNT_TOLERANCE (5 %)
    assert engine.shape_count_gap(at(8.6e9)) is not None  # 6.6 % off


def test_the_bought_and_the_rented_part_search_the_layouts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """compare h800 h800:rent -w deepseek-v3 searched every layout of both stages twice (an acquisition moves no
    layout). The shortlist is remembered per value: one search per stage, the same plans, the same figures."""
    from tco import training

    calls: list[int] = []
    real = training._shortlist

    def counting(job, x, keep):  # type: ignore[no-untyped-def]
        calls.append(keep)
        return real(job, x, keep)

    monkeypatch.setattr(training, "_SHORTLISTS", {})
    monkeypatch.setattr(engine, "_PLANS", {})
    monkeypatch.setattr(training, "_shortlist", counting)
    inputs = api.load_inputs(["h800", "h800:rent"], workload="deepseek-v3")
    bought, rented = (engine.plan_option(o, inputs.workload, inputs.scenario, market=False) for o in inputs.options)
    assert len(calls) == 2  # main and long-context stages, once each
    assert [st.subset for st in bought.stages] == [st.subset for st in rented.stages]
    assert bought.layout == rented.layout
    # a remembered shortlist is the one a fresh search finds
    flat = engine.KnownInputs(engine.numeric_inputs(inputs.options[0], inputs.workload, inputs.scenario))
    for st in bought.stages:
        x = engine.stage_inputs(st, flat, bought.active_key)
        x["count"] = st.subset_count
        assert real(st.job, x, 6) == st.subset


def test_a_kv_width_wider_than_the_queries_is_refused(run) -> None:
    """``--set workload.shape.kv_dim=8192`` on Llama 3 8B (32 heads of 128: queries 4,096 wide) was priced, with
    only the parameter-count warning: K and V have at most as many heads as Q (MHA equal, GQA/MQA/MLA fewer)."""
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.shape.kv_dim=8192")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "Error: --set: workload.shape.kv_dim: 8192 is wider than the queries (32 heads × 128 = 4096): "
        "K and V have at most as many heads as Q"
    )
    ok = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.shape.kv_dim=4096")  # MHA: as wide
    assert ok.exit_code == 0, ok.output


def test_estimate_names_the_kv_heads_flag_not_the_parameter_count(run) -> None:
    """With the shape's new check, 64 KV heads over 32 query heads reached it first and was reported as 'no model
    shape can be inferred from --params', though --layers and --d-model were given. The flag is named."""
    r = run("estimate", "h100-sxm", "--params", "8e9", "--layers", "32", "--d-model", "4096", "--heads", "32", "--kv-heads", "64")
    assert r.exit_code == 1
    assert r.stderr.strip() == "Error: --kv-heads: --kv-heads 64 must divide --heads 32"
