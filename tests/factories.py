"""Small self-made inputs with round numbers, so that tests can do the arithmetic by hand.

Every builder starts from a complete, valid dict and deep-merges keyword overrides into it before
validating, so a test states only the numbers it is about. ``None`` as an override value removes
the key (e.g. ``mfu=None`` to fall back on the maturity default).
"""

from __future__ import annotations

from typing import Any

from tco.models import Accelerator, InferenceWorkload, Scenario, TrainingWorkload

# The toy accelerator: 100 TFLOPS BF16, 100 GB, 1000 GB/s, 500 W, $10,000, 4 per node.
ACCEL: dict[str, Any] = {
    "id": "toy",
    "vendor": "Test",
    "name": "Toy accelerator",
    "can_train": True,
    "can_serve": True,
    "peak": {"bf16_tflops": 100, "fp16_tflops": 100},
    "memory_gb": 100,
    "memory_bandwidth_gbps": 1000,
    "tdp_w": 500,
    "price_usd": 10000,
    "server_overhead_factor": 2.0,
    "power_overhead_factor": 1.5,
    "lead_time_weeks": 4,
    "mfu": 0.5,
    "interconnect": {"kind": "nvlink", "devices_per_node": 4},
    "software": {"stack": "Toy", "maturity": "reference"},
}

# 1e9 parameters, 10 layers of width 1000, 1000-token sequences, 1.44e8 tokens on 4 accelerators.
TRAIN: dict[str, Any] = {
    "id": "toy-train",
    "name": "Toy training run",
    "kind": "training",
    "parameters": 1e9,
    "precision": "bf16",
    "seq_len": 1000,
    "shape": {"layers": 10, "d_model": 1000},
    "training_tokens": 1.44e8,
    "accelerator_count": 4,
}

# 1e11 parameters served at 8.64e8 tokens/day (= 10,000 tokens/s) for 3 years.
SERVE: dict[str, Any] = {
    "id": "toy-serve",
    "name": "Toy service",
    "kind": "inference",
    "parameters": 1e11,
    "precision": "bf16",
    "seq_len": 1000,
    "shape": {"layers": 10, "d_model": 1000},
    "tokens_per_day": 8.64e8,
    "service_life_years": 3,
    "max_batch": 256,
}

# Zero cost of capital (CRF = 1/4), no failures, round prices.
SCENARIO: dict[str, Any] = {
    "id": "toy",
    "name": "Toy economics",
    "electricity_usd_per_kwh": 0.1,
    "pue": 1.5,
    "average_power_fraction": 0.5,
    "utilization": 0.5,
    "depreciation_years": 4,
    "cost_of_capital": 0.0,
    "server_overhead_factor": 1.0,
    "network_usd_per_accelerator_tier": {"infiniband": 0, "ethernet": 0},
    "storage_usd_per_accelerator": 0,
    "power_overhead_factor": 1.0,
    "facility_usd_per_kw_month": 100,
    "operations_usd_per_accelerator_year": 1000,
    "engineer_usd_per_year": 120000,
    "deployment_weeks": 2,
    "rental_setup_weeks": 1,
    "cost_of_delay_usd_per_day": 1000,
    "failure_rate_per_accelerator_day": 0.0,
    "checkpoint_save_minutes": 1,
    "restart_minutes": 10,
    "porting": {
        "reference": {"weeks": 0, "engineer_months": 0},
        "medium": {"weeks": 2, "engineer_months": 3},
    },
}


def merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge ``top`` into a copy of ``base``; a ``None`` value deletes the key."""
    out = dict(base)
    for key, value in top.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def accelerator(**overrides: Any) -> Accelerator:
    return Accelerator.model_validate(merge(ACCEL, overrides))


def training(**overrides: Any) -> TrainingWorkload:
    return TrainingWorkload.model_validate(merge(TRAIN, overrides))


def inference(**overrides: Any) -> InferenceWorkload:
    return InferenceWorkload.model_validate(merge(SERVE, overrides))


def scenario(**overrides: Any) -> Scenario:
    return Scenario.model_validate(merge(SCENARIO, overrides))


SERVING_PEAK = {"bf16_tflops": 1000, "fp16_tflops": 1000}
"""A toy's peak where it carries a measured serving rate of 1,000–5,000 tokens/s: a rate above
peak / (2 · N) = 100e12 / 2e11 = 500 tokens/s on the 100-TFLOPS toy is more than it can compute."""


def bench(workload: str, tokens_per_second: float, **extra: Any) -> dict[str, Any]:
    """A measured run, as it appears in a profile's ``benchmarks`` list."""
    return {"workload": workload, "tokens_per_second": tokens_per_second, "source": "test", **extra}


def shipped_copy(part: str, new_id: str, **lines: str) -> str:
    """The text of the shipped profile ``part`` under the id ``new_id``, without aliases, with each
    top-level ``key = ...`` line named in ``lines`` replaced (``price_usd='{ value = 1, currency = "CNY" }'``)."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "profiles" / "accelerators" / f"{part}.toml").read_text()
    text = re.sub(rf'^id = "{re.escape(part)}"', f'id = "{new_id}"', text, flags=re.M)
    text = re.sub(r"^aliases = .*$", "aliases = []", text, flags=re.M)
    for key, value in lines.items():
        text = re.sub(rf"^{key} = .*$", lambda _m, k=key, v=value: f"{k} = {v}", text, flags=re.M)
    return text


def table_row(text: str, first: str) -> str:
    """The row of a terminal table that starts with ``first``, with the lines its long cells fold onto
    (the indented lines below it) joined by a space."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(first))
    row = [lines[at].rstrip()]
    for line in lines[at + 1 :]:
        if not line.startswith(" ") or not line.strip():
            break
        row.append(line.strip())
    return " ".join(row)


def run_main(capsys: Any, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the console entry point run in this process (its usage-error line is main's,
    not CliRunner's)."""
    from tco.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    else:
        code = 0
    out, error = capsys.readouterr()
    return code, out, error


def one_error(result: Any) -> str:
    """The one stderr line of a CLI run (the ``run`` fixture's result) that failed with nothing on stdout and no
    traceback: what every refusal of a hostile input must look like."""
    assert result.stdout == "" and "Traceback" not in result.stderr, result.stdout[:300]
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    return str(result.stderr.rstrip("\n"))


CNY_UNKNOWN = 'h800.price_usd={currency="CNY", source="x", confidence="estimate"}'
"""A ``--set`` that leaves the H800's price unknown and quoted in yuan: the tool answers what needs no price and says
the unit price at which the part would win, in dollars and in CNY."""


def results_by_option(run: Any, *args: str) -> dict[str, dict[str, Any]]:
    """A command's JSON records by option (the ``run`` fixture called with ``args`` and ``-f json``), after checking that
    it succeeded."""
    import json

    r = run(*args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return {x["option"]: x for x in json.loads(r.stdout)["results"]}
