"""A derandomized fuzz of the loader and the engine: shipped documents with keys replaced by hostile
values, and hostile --set values on every command. The bar: exit 0, 1 or 2, never an exception."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent / "profiles"
DOCS = sorted([*ROOT.glob("accelerators/*.toml"), *ROOT.glob("workloads/*.toml"), ROOT / "scenarios" / "default.toml"])
VALUES = [
    "0", "-1", "1e308", "-1e308", "1e-300", "nan", "inf", "true", '"x"', "[]", "{}", "[1, 2]", "{ value = 0 }",
    "{ value = -5 }", "{ value = 1e308 }", "{ value = 1e-300 }", "{ low = 5, high = 1 }", '""', "99999999999999999999", "0.5",
]  # fmt: skip
PATHS = [
    "scenario.pue", "scenario.utilization", "scenario.cost_of_capital", "scenario.depreciation_years",
    "scenario.failure_rate_per_accelerator_day", "scenario.grid_kgco2e_per_kwh", "workload.parameters", "workload.seq_len",
    "workload.training_tokens", "workload.global_batch_tokens", "workload.mfu", "workload.tokens_per_day",
    "workload.service_life_years", "workload.prompt_tokens", "h100-sxm.memory_gb", "h100-sxm.memory_bandwidth_gbps",
    "h100-sxm.peak.bf16_tflops", "h100-sxm.interconnect.devices_per_node", "h100-sxm.interconnect.scale_out_gbps",
    "h100-sxm.matmul_efficiency", "h100-sxm.price_usd", "h100-sxm.rental.usd_per_hour",
    "h100-sxm.attention_efficiency.native", "h100-sxm.attention_efficiency.flash2", "workload.attention_kernel",
    "workload.shape.head_dim", "workload.shape.heads",
]  # fmt: skip
SET_VALUES = ["0", "-1", "1e308", "1e-300", "nan", "inf", "1", "0.5", "1000000000", "abc", "{value=1e308}", "true"]


def mutate(text: str, picks: list[tuple[int, int]]) -> str:
    lines = text.splitlines()
    keyed = [i for i, line in enumerate(lines) if re.match(r"^[a-z_0-9]+ = ", line)]
    for line_pick, value_pick in picks:
        i = keyed[line_pick % len(keyed)]
        lines[i] = f"{lines[i].split(' = ')[0]} = {VALUES[value_pick % len(VALUES)]}"
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=st.sampled_from(DOCS),
    picks=st.lists(st.tuples(st.integers(0, 500), st.integers(0, 100)), min_size=1, max_size=3),
    workload=st.sampled_from(["gpt3-1.3b", "llama3-70b", "chat-70b", "deepseek-v3"]),
)
def test_mutated_documents_never_crash(run, tmp_path_factory, doc: Path, picks: list[tuple[int, int]], workload: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / doc.name
    path.write_text(mutate(doc.read_text(encoding="utf-8"), picks), encoding="utf-8")
    kind = doc.parent.name
    if kind == "accelerators":
        args = ["compare", str(path), "-w", workload]
    elif kind == "workloads":
        args = ["compare", "h100-sxm", "a100-80gb", "-w", str(path)]
    else:
        args = ["compare", "h100-sxm", "-w", workload, "-s", str(path)]
    result = run(*args)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "RuntimeWarning" not in result.stderr and "internal error" not in result.stderr


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["compare", "cashflow", "sensitivity", "breakeven", "size", "simulate", "report"]),
    sets=st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(SET_VALUES)), min_size=1, max_size=3),
    workload=st.sampled_from(["gpt3-1.3b", "llama3-70b", "chat-70b", "llama3-8b"]),
)
def test_hostile_set_values_never_crash(run, tmp_path_factory, command: str, sets: list[tuple[str, str]], workload: str) -> None:
    flags = [a for p, v in sets for a in ("--set", f"{p}={v}")]
    if command == "breakeven":
        args = ["breakeven", "h100-sxm", "a100-80gb", "-w", workload, *flags]
    elif command == "simulate":
        args = ["simulate", "h100-sxm", "a100-80gb", "-w", workload, "--samples", "200", "--seed", "1", "--quiet", *flags]
    elif command == "report":
        out = tmp_path_factory.mktemp("report") / "r.html"
        args = ["report", "h100-sxm", "a100-80gb", "-w", workload, "-o", str(out), "--samples", "200", *flags]
    else:
        args = [command, "h100-sxm", "-w", workload, *flags] + (["--budget-usd", "1e6"] if command == "size" else [])
    result = run(*args)
    assert result.exit_code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr and "RuntimeWarning" not in result.stderr and "internal error" not in result.stderr
