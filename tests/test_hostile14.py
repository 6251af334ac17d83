"""Hostile round 14 (analyses, estimate, Python API): a quoted rent stays fixed in sensitivity and
simulate, an MoE with every expert active has every parameter active, a one-sided request length sizes
estimate's context, abbreviations get a 'did you mean', dir(tco) lists the API, and budgets read as money."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tco


def test_sensitivity_keeps_a_quoted_rent_fixed_and_swings_the_profile_rate(run) -> None:
    """Before: 'h100-sxm@64:rent=3' made sensitivity, simulate and report fail with an error about --vary."""
    result = run("sensitivity", "h100-sxm@64:rent=3", "h100-sxm@64:rent", "-w", "llama3-8b", "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    row = next(r for r in doc["results"] if r["param"] == "h100-sxm.rental.usd_per_hour")
    assert row["swing_usd"]["h100-sxm@64:rent=3"] == 0
    assert row["swing_usd"]["h100-sxm@64:rent"] > 0


@pytest.mark.parametrize(
    "command",
    [
        ["sensitivity", "h100-sxm@64:rent=2", "-w", "llama3-8b"],
        ["simulate", "h100-sxm@64:rent=2", "-w", "llama3-8b", "--samples", "50", "--seed", "1", "--quiet"],
    ],
)
def test_the_analyses_run_with_a_quoted_rent(run, command: list[str]) -> None:
    result = run(*command)
    assert result.exit_code == 0, result.stderr


def test_report_runs_with_a_quoted_rent(run, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run("report", "a100-80gb", "h100-sxm@64:rent=2", "-w", "llama3-8b", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "h100-sxm@64:rent=2" in out.read_text(encoding="utf-8")


def test_the_python_analyses_run_with_a_quoted_rent() -> None:
    inputs = tco.load_inputs(["h100-sxm@64:rent=2"], workload="llama3-8b")
    assert tco.sensitivity(inputs).rows
    sim = tco.simulate(inputs, samples=50, seed=1)
    assert "h100-sxm.rental.usd_per_hour" not in sim.sampled_inputs


@pytest.mark.parametrize("experts", ["1", "8"])
def test_an_moe_with_every_expert_active_needs_every_parameter_active(run, experts: str) -> None:
    base = ["estimate", "h100-sxm", "--params", "37B", "--count", "1024", "--seq-len", "4096"]
    result = run(*base, "--total-params", "671B", "--experts", experts, "--top-k", experts)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --top-k: with every expert active")
    assert run(*base, "--total-params", "37B", "--experts", experts, "--top-k", experts).exit_code == 0


def test_one_request_length_sizes_estimates_context(run) -> None:
    """The other length defaults to half the context, so the context is twice the one given (before:
    --prompt-tokens 3000 alone set a 3,000-token context and then refused 3,000 + 1,500 tokens)."""
    for flag, want in (("--prompt-tokens", 6000), ("--output-tokens", 3000)):
        value = "3000" if flag == "--prompt-tokens" else "1500"
        result = run("estimate", "h100-sxm", "--params", "7B", "--mode", "infer", flag, value, "-f", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["results"][0]["seq_len"] == want


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--set", "workload.params=7e9"], "(did you mean 'parameters'?)"),
        (["--set", "workload.layout.tp=2"], "(did you mean 'tensor_parallel'?)"),
    ],
)
def test_abbreviations_get_a_did_you_mean(run, args: list[str], hint: str) -> None:
    result = run("compare", "h100-sxm", "-w", "llama3-8b", *args)
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith(hint)


def test_latency_abbreviations_in_a_workload_file_get_a_did_you_mean(run, tmp_path: Path) -> None:
    wl = tmp_path / "lat.toml"
    wl.write_text('extends = "chat-70b"\nid = "lat"\nname = "latency"\ntpot_ms = 25\nttft_ms = 500\n', encoding="utf-8")
    result = run("compare", "h100-sxm", "-w", str(wl))
    assert result.exit_code == 1
    assert "tpot_ms: unknown key (did you mean 'time_per_output_token_ms'?)" in result.stderr
    assert "ttft_ms: unknown key (did you mean 'time_to_first_token_ms'?)" in result.stderr


def test_dir_lists_the_public_api() -> None:
    names = dir(tco)
    assert set(tco.__all__) <= set(names)
    assert {"compare", "load_inputs", "what_if"} <= set(names)


def test_sensitivity_vs_one_option_is_the_first_option_against_it() -> None:
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
    assert tco.sensitivity(inputs, vs="mlu370-s4").model_dump() == tco.sensitivity(inputs, vs=("a100-80gb", "mlu370-s4")).model_dump()


def test_a_budget_reads_as_money(run) -> None:
    low = run("size", "a100-80gb", "-w", "llama3-8b", "--budget-usd", "2000000")
    assert low.exit_code == 1
    assert "exceeds $2,000,000; the least job cost found, at " in low.stderr
    ok = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--budget-usd", "5e6")
    assert ok.exit_code == 0
    assert ok.stdout.startswith("gpt3-1.3b · budget_usd = $5,000,000")


def test_the_reports_assumptions_list_a_quoted_rate_as_its_options_own(run, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run("report", "a100-80gb", "h100-sxm@64:rent=2", "-w", "llama3-8b", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "rental.usd_per_hour [h100-sxm@64:rent=2]" in page
    assert "quoted on the command line (ID:rent=RATE)" in page
