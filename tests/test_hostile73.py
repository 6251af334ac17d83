"""Hostile round 73 (serving fleets, stages, MoE edges, option spellings, the Python API): each defect fixed, with a test."""

from __future__ import annotations

import pytest

TOO_MANY = "more than the 1,000,000,000 accelerators the model takes"


@pytest.mark.parametrize(
    ("given", "blamed"),
    [
        ("h100-sxm.peak.bf16_tflops=1e-290", "h100-sxm.peak.bf16_tflops"),
        ("H100.peak.bf16_tflops=1e-290", "h100-sxm.peak.bf16_tflops"),
        ("h100-sxm.memory_bandwidth_gbps=1e-300", "h100-sxm.memory_bandwidth_gbps"),
    ],
)
def test_a_set_that_slows_the_part_past_the_fleet_bound_is_blamed_not_the_shipped_demand(run, given, blamed) -> None:
    """1: 'tco compare h100-sxm -w chat-70b --set h100-sxm.peak.bf16_tflops=1e-290' said 'Error: .../profiles/workloads/
    chat-70b.toml: tokens_per_day: serving 1e+09 tokens a day needs 6.42e+293 × h100-sxm, ...': the shipped file's
    demand was blamed for what the --set did (a --set of the demand or the utilization was named; one of the part's
    rate was not). The error now names the part's inputs a serving rate follows from: a --set of one is blamed."""
    for option in ("h100-sxm", "h100-sxm:rent"):
        r = run("compare", option, "-w", "chat-70b", "--set", given)
        assert r.exit_code == 1, r.output
        assert r.stdout == ""
        assert r.stderr.startswith(f"Error: --set: {blamed}: serving 1e+09 tokens a day needs "), r.stderr
        assert TOO_MANY in r.stderr and len(r.stderr.splitlines()) == 1


def test_the_fleet_bound_still_names_the_demand_or_the_utilization_that_was_set(run, tmp_path) -> None:
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e300", "--set", "h100-sxm.memory_gb=100")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: workload.tokens_per_day: serving 1e+300 tokens a day"), r.stderr
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "scenario.utilization=1e-300")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: scenario.utilization: serving 1e+09 tokens a day"), r.stderr
    (tmp_path / "w.toml").write_text('extends = "chat-70b"\nid = "w"\ntokens_per_day = 1e30\n')
    r = run("compare", "h100-sxm", "-w", str(tmp_path / "w.toml"), "--set", "h100-sxm.price_usd=30000")
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {tmp_path / 'w.toml'}: tokens_per_day: serving 1e+30 tokens a day"), r.stderr
