"""Hostile round 12, engine defects: serving energy follows the work (a higher utilization never raises
the cost of the same fleet), an FP16 job's attention runs at the FP16 peak, and an FP8 stage on a part
without FP8 says it runs in 16-bit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tco
from tests.test_workbook import needs_soffice, recalculated, results_of
from tests.test_workbook8 import assert_results_agree, engine_rows, workbook_of

FIXED = ["mi300x@16", "-w", "chat-70b"]  # a replica of 16 fixed: the fleet is 32 at every utilization below (48 at 0.8)


def serving_row(run, utilization: float) -> dict[str, object]:
    result = run("compare", *FIXED, "--set", f"scenario.utilization={utilization}", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)["results"]
    return row


def test_a_higher_utilization_never_raises_the_cost_of_the_same_fleet_serving_the_same_tokens(run) -> None:
    rows = [serving_row(run, u) for u in (0.9, 0.95, 1.0)]
    assert {r["count"] for r in rows} == {32}
    # Before the fix: energy 70,380 → 87,975 USD and job cost 989,677 → 1,007,272 USD from 0.8 to 1.0.
    assert rows[0]["energy_usd"] == pytest.approx(rows[2]["energy_usd"], rel=1e-12)
    assert rows[0]["job_cost_usd"] == pytest.approx(rows[2]["job_cost_usd"], rel=1e-12)
    assert rows[0]["cost_per_million_tokens_usd"] == pytest.approx(rows[1]["cost_per_million_tokens_usd"], rel=1e-12)
    # Cost per accelerator-hour still falls with utilization (the same cost over more busy hours).
    assert rows[0]["cost_per_accelerator_hour_usd"] > rows[1]["cost_per_accelerator_hour_usd"] > rows[2]["cost_per_accelerator_hour_usd"]


def test_serving_energy_is_the_work_done_by_hand(run) -> None:
    """E = n · P_avg · k_pwr · PUE · (tokens a year / (n · X) / 3600) / 1000 per year of service."""
    row = serving_row(run, 0.9)
    inputs = tco.load_inputs(["mi300x@16"], workload="chat-70b")
    sc, wl = inputs.scenario, inputs.workload
    hours = wl.tokens_per_day.value * 365.25 / (row["count"] * row["tokens_per_second_per_accelerator"]) / 3600  # type: ignore[union-attr]
    assert hours < 8766 * 0.9  # the fleet is rounded up to whole replicas: less busy than u
    per_year = row["count"] * row["power_w_per_accelerator"] * sc.power_overhead_factor.value * sc.pue.value * hours / 1000  # type: ignore[union-attr]
    assert row["energy_kwh"] == pytest.approx(per_year * wl.service_life_years.value, rel=1e-12)  # type: ignore[union-attr]
    assert row["energy_usd"] == pytest.approx(row["energy_kwh"] * sc.electricity_usd_per_kwh.value, rel=1e-12)  # type: ignore[union-attr]


@needs_soffice
def test_the_workbook_bills_the_serving_energy_the_engine_does(run, tmp_path: Path) -> None:
    args = [*FIXED, "--set", "scenario.utilization=0.95"]
    want = engine_rows(run, args)
    path = tmp_path / "fixed.xlsx"
    workbook_of(run, args, path)
    assert_results_agree(results_of(recalculated(path, tmp_path)), want)


def tps_of(run, *sets: str) -> float:
    args = [x for s in sets for x in ("--set", s)]
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return float(json.loads(result.stdout)["results"][0]["tokens_per_second_per_accelerator"])


def test_an_fp16_jobs_attention_runs_at_the_fp16_peak_not_the_bf16_one(run) -> None:
    """gpt3-1.3b trains in FP16: the H100's BF16 figure is another unit's and moves nothing (before, a BF16
    peak of 100 TFLOPS halved the job's throughput); its FP16 figure does."""
    base = tps_of(run)
    assert tps_of(run, "h100-sxm.peak.bf16_tflops=100") == pytest.approx(base, rel=1e-12)
    assert tps_of(run, "h100-sxm.peak.bf16_tflops=3000") == pytest.approx(base, rel=1e-12)
    assert tps_of(run, "h100-sxm.peak.fp16_tflops=500") < base
    tornado = run("sensitivity", "a100-80gb", "mlu590", "-w", "gpt3-1.3b", "-s", "article", "-f", "csv")
    assert tornado.exit_code == 0
    assert "a100-80gb.peak.fp16_tflops" in tornado.stdout
    assert "peak.bf16_tflops" not in tornado.stdout


def test_an_fp8_stage_on_a_part_without_fp8_says_it_runs_in_16_bit(run, tmp_path: Path) -> None:
    wl = tmp_path / "ms8.toml"
    wl.write_text(
        'id = "ms8"\nname = "multi stage fp8"\nkind = "training"\nextends = "llama3-8b"\ntraining_tokens = 1e11\n'
        'accelerator_count = 64\n[[stages]]\nname = "fp8-anneal"\ntokens = 5e9\nprecision = "fp8"\n',
        encoding="utf-8",
    )
    result = run("compare", "a100-80gb", "-w", str(wl), "-f", "json")
    assert result.exit_code == 0, result.stderr
    notes = json.loads(result.stdout)["results"][0]["notes"]
    assert "stage fp8-anneal: no fp8 peak in the profile: the job runs in 16-bit at the bf16 peak" in notes
    on_h100 = json.loads(run("compare", "h100-sxm", "-w", str(wl), "-f", "json").stdout)["results"][0]["notes"]
    assert not any(n.startswith("stage fp8-anneal:") for n in on_h100)


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("name = 12:30:00", "name: expected text, got a time (12:30:00)"),
        ("name = 2024-05-01", "name: expected text, got a date (2024-05-01)"),
        ("name = 2024-05-01T07:32:00", "name: expected text, got a date and time (2024-05-01T07:32:00)"),
    ],
)
def test_a_toml_date_or_time_in_a_text_field_is_shown_as_written(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, shown: str
) -> None:
    folder = tmp_path / "accelerators"
    folder.mkdir()
    (folder / "xh.toml").write_text(f'extends = "h100-sxm"\nid = "xh"\naliases = []\n{line}\n', encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("compare", "xh", "-w", "gpt3-1.3b")
    assert result.exit_code == 1
    assert result.output.strip().endswith(shown)
    assert "datetime" not in result.output
