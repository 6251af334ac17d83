"""Hostile round 23 (extends that overrides porting.high, extends from standard input, goodput per
stage, the schema of extending files, schema_version in catalogue CSV, size of a serving workload)."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st


def test_extends_merges_porting_high_and_low_as_it_merges_porting_medium(run, tmp_path) -> None:
    """'low' and 'high' are a quantity's bounds and also two maturity names under porting: overriding
    [porting.high] replaced the whole inherited porting table, so no option could be ranked."""
    child = tmp_path / "port-high.toml"
    child.write_text('extends = "default"\nid = "port-high"\nname = "x"\n\n[porting.high]\nweeks = 2\n')
    shown = run("scenarios", "show", str(child), "-f", "csv").stdout
    porting = [line.split(",")[1:3] for line in shown.splitlines() if line.startswith("1,porting.")]
    assert len(porting) == 10 and ["porting.high.weeks", "2"] in porting
    assert any(field == "porting.high.engineer_months" for field, _ in porting)  # inherited, not required again
    out = run("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", str(child), "-f", "json")
    assert [r["status"] for r in json.loads(out.stdout)["results"]] == ["ranked", "ranked"]


def test_extends_read_from_standard_input_goes_to_the_search_path(run, tmp_path, monkeypatch) -> None:
    """A default.toml in the working directory was inherited by a scenario piped on stdin."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "default.toml").write_text("[tool.something]\nx = 1\n")
    late = 'extends = "default"\nid = "late"\nname = "deadline"\ndeadline_days = 150\n'
    out = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", "-", "-f", "json", input=late)
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["effective_cost_usd"] == pytest.approx(557, abs=1)


def test_each_stage_loses_to_failures_of_the_accelerators_it_runs_on(run) -> None:
    """deepseek-v3's main stage runs on 2,176 H800s (64 of 2,240 idle), its long-context stage on all of
    them: the goodput at 2,240 was applied to both, so 64 more accelerators took 1.2 hours longer."""
    hours = {}
    for n in (2176, 2240):
        r = json.loads(run("compare", f"h800@{n}", "-w", "deepseek-v3", "-f", "json").stdout)["results"][0]
        hours[n] = r["time_to_converge_hours"]
    assert hours[2240] <= hours[2176]


def test_the_job_time_is_each_stages_compute_time_over_its_own_goodput() -> None:
    """By hand: G(n) = 1 − sqrt(2·T_s·λ·n) − T_r·λ·n (days); T = Σ_s t_s / G(n_s)."""
    import tco
    from tco import perf

    inputs = tco.load_inputs(["h800@2240"], workload="deepseek-v3")
    res = tco.compare(inputs).results[0]
    sc = inputs.scenario
    lam, ts, tr = (sc.failure_rate_per_accelerator_day.value, sc.checkpoint_save_minutes.value, sc.restart_minutes.value)
    assert lam is not None and ts is not None and tr is not None

    def g(n: float) -> float:
        return float(perf.goodput_value(failure_rate=lam, save_minutes=ts, restart_minutes=tr, count=n))

    assert g(2176) == pytest.approx(1 - (2 * ts / 1440 * lam * 2176) ** 0.5 - tr / 1440 * lam * 2176)
    assert res.goodput is not None and g(2240) < res.goodput < g(2176)


def test_the_schema_accepts_an_extending_file_that_overrides_part_of_a_table(run, tmp_path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from tco.loader import tomllib

    schema = json.loads(run("schema", "accelerator").stdout)
    child = 'extends = "a100-80gb"\nid = "a100-4way"\n\n[interconnect]\ndevices_per_node = 4\n\n[rental]\nlead_time_weeks = 2\n'
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(tomllib.loads(child))) == []
    whole = 'id = "bad"\nname = "x"\n[interconnect]\ndevices_per_node = 4\n'  # no extends: every required key
    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(tomllib.loads(whole))]
    assert "'kind' is a required property" in messages
    path = tmp_path / "a100-4way.toml"
    path.write_text(child)
    assert run("profiles", "validate", str(path)).exit_code == 0


@pytest.mark.parametrize("args", [["profiles", "list"], ["workloads", "list"], ["scenarios", "show", "default"]])
def test_catalogue_csv_carries_schema_version_as_every_csv_does(run, args) -> None:
    assert run(*args, "-f", "csv").stdout.startswith("schema_version,")


def test_size_of_a_serving_workload_names_its_file(run, tmp_path) -> None:
    wl = tmp_path / "svc.toml"
    wl.write_text(
        'id = "svc"\nname = "svc"\nkind = "inference"\nparameters = 7e9\nprecision = "bf16"\nseq_len = 4096\n'
        "tokens_per_day = 1e9\nservice_life_years = 3\n"
    )
    out = run("size", "h100-sxm", "-w", str(wl), "--budget-usd", "1e6")
    assert out.exit_code == 1 and out.stderr.startswith(f"Error: {wl}: kind: sizing applies to training workloads")


@settings(max_examples=12, deadline=None, derandomize=True)
@given(count=st.integers(2048, 4096).map(lambda n: n - n % 64), extra=st.sampled_from([64, 128, 512]))
@example(count=2176, extra=64)  # the inversion found: 64 idle in the main stage, all running in the long one
def test_a_staged_job_never_converges_later_with_more_accelerators(count: int, extra: int) -> None:
    """deepseek-v3 (a main stage and a long-context stage, with failures): the time to converge, goodput
    included, never rises when accelerators are added."""
    import tco

    def hours(n: int) -> float:
        r = tco.compare(tco.load_inputs([f"h800@{n}"], workload="deepseek-v3")).results[0]
        assert r.time_to_converge_hours is not None
        return r.time_to_converge_hours

    assert hours(count + extra) <= hours(count) * (1 + 1e-12)


def test_show_csv_leaves_an_unknown_value_empty_as_json_gives_null(run) -> None:
    """tpu-v5p's TDP is unknown: the table says "unknown", the CSV wrote that word into its numeric column."""
    row = next(line for line in run("profiles", "show", "tpu-v5p", "-f", "csv").stdout.splitlines() if line.startswith("1,tdp_w,"))
    assert row.startswith("1,tdp_w,,")
