"""Hostile round 22 (the verdict under a deadline, serving replicas deeper than the model, the file
named for an unknown shared input, one rule for inputs given twice, the Python API's paths and
defaults)."""

from __future__ import annotations

import json

import pytest

RENT = ["h100-sxm", "h100-sxm@4:rent=2.1", "-w", "assistant-7b", "--set", "scenario.deadline_days=60"]


def test_the_verdicts_break_even_cost_of_delay_counts_only_days_past_the_deadline(run) -> None:
    """The verdict divided the job-cost gap by the 91-day gap in market dates ($1,127 a day), but with
    a 60-day deadline only the days past it are charged: 52 days for the H100 and none for the rental,
    so the tie is at ($118,355 − $220,903) / (0 − 52) = $1,972.07 a day, which breakeven solves for."""
    out = run("compare", *RENT, "-f", "json")
    rows = {r["accelerator"]: r for r in json.loads(out.stdout)["results"]}
    own, rent = rows["h100-sxm"], rows["h100-sxm@4:rent=2.1"]
    tie = (rent["job_cost_usd"] - own["job_cost_usd"]) / (own["delay_days"] - rent["delay_days"])
    assert "less than $1,972" in out.stderr and f"${tie:,.0f}" == "$1,972"
    solved = run("breakeven", *RENT, "--param", "scenario.cost_of_delay_usd_per_day", "-f", "json")
    assert json.loads(solved.stdout)["results"][0]["value"] == pytest.approx(tie, rel=1e-4)


def test_a_serving_replica_needs_a_layer_per_pipeline_stage(run) -> None:
    """512 H100s are TP 8 × 64 stages, each stage half of one of assistant-7b's 32 layers: refused, as
    training refuses the same layout; 256 (32 stages of one layer) is served."""
    deep = run("compare", "h100-sxm@512", "-w", "assistant-7b")
    assert deep.exit_code == 1 and "64 pipeline stages of 8, more than the model's 32 layers: give at most 256" in deep.stderr
    assert run("compare", "h100-sxm@256", "-w", "assistant-7b").exit_code == 0
    est = run("estimate", "h100-sxm", "--mode", "infer", "--params", "7e9", "--replica", "512")
    assert est.exit_code == 1 and "pipeline stages" in est.stderr


@pytest.mark.parametrize("command", ["breakeven", "sensitivity", "cashflow"])
def test_an_unknown_workload_input_is_blamed_on_the_workload_file_once(run, tmp_path, command: str) -> None:
    """Each analysis named every (valid, shipped) accelerator file, once per option, for the workload's
    own unknown tokens_per_day."""
    wl = tmp_path / "unk.toml"
    wl.write_text(
        'id = "b"\nname = "b"\nkind = "inference"\nparameters = 8e9\nservice_life_years = 2\nprecision = "bf16"\n'
        "seq_len = 2048\ntokens_per_day = { low = 1e8, high = 1e10 }\n"
    )
    out = run(command, "h100-sxm", "a100-80gb", "-w", str(wl))
    line = [x for x in out.stderr.splitlines() if x.startswith("Error:")][0]
    assert out.exit_code == 1 and line == (
        f"Error: {wl}: tokens_per_day: unknown, and the analysis needs it; give it with --set workload.tokens_per_day=VALUE"
    )


def test_an_unknown_scenario_input_is_blamed_on_the_scenario_file(run, tmp_path) -> None:
    sc = tmp_path / "sc.toml"
    sc.write_text('extends = "default"\nid = "sc"\nname = "sc"\nelectricity_usd_per_kwh = { low = 0.05, high = 0.2 }\n')
    out = run("cashflow", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(sc))
    assert out.exit_code == 1 and f"Error: {sc}: electricity_usd_per_kwh: unknown" in out.stderr
