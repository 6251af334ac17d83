"""Workbook defects of a hostile-input report: an unknown input (A1), a training job of several stages
(B2) and money quoted in CNY (B6). Every figure is checked against the engine's JSON after a real
recalculation by LibreOffice (headless), as in tests/test_workbook.py."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.test_workbook import needs_soffice, recalculated, results_of, with_assumption

openpyxl = pytest.importorskip("openpyxl")

STAGES = """extends = "llama3-8b"
id = "st2"
name = "stages"
[[stages]]
name = "long"
tokens = 2e12
seq_len = 131072
global_batch_tokens = 1.6e7
"""

CNY_PART = """extends = "h100-sxm"
id = "cny-h100"
price_usd = { value = 200000, currency = "CNY", source = "x" }
[rental]
usd_per_hour = { value = 15, currency = "CNY" }
"""

CNY_SCENARIO = """extends = "default"
id = "cnyd"
name = "CNY delay"
cost_of_delay_usd_per_day = { value = 70000, currency = "CNY" }
electricity_usd_per_kwh = { value = 0.6, currency = "CNY" }
"""


def engine_rows(run, args: list[str]) -> dict[str, dict[str, object]]:
    result = run("compare", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {r["accelerator"]: r for r in json.loads(result.stdout)["results"]}


def workbook_of(run, args: list[str], path: Path) -> None:
    result = run("compare", *args, "-f", "xlsx", "-o", str(path))
    assert result.exit_code == 0, result.stderr


def assert_results_agree(got: dict[str, dict[str, float]], want: dict[str, dict[str, object]]) -> None:
    assert set(got) == {k for k, r in want.items() if r["rank"]}
    for label, row in got.items():
        w = want[label]
        assert row["job cost, USD"] == pytest.approx(w["job_cost_usd"], rel=1e-9)
        assert row["time to market, days"] == pytest.approx(w["time_to_market_days"], rel=1e-9)
        assert row["delay, days"] == pytest.approx(w["delay_days"], rel=1e-9, abs=1e-9)
        assert row["delay penalty, USD"] == pytest.approx(w["delay_penalty_usd"], rel=1e-9, abs=1e-6)
        assert row["effective cost, USD"] == pytest.approx(w["effective_cost_usd"], rel=1e-9)
        assert row["rank"] == w["rank"]


def calc_values(wb: object, label: str) -> dict[str, object]:
    sheet = next(name for name in wb.sheetnames if name.startswith("Calc ") and name[5:] == label.replace(":", "_"))  # type: ignore[attr-defined]
    return {r[0]: r[1] for r in wb[sheet].iter_rows(min_row=2, values_only=True)}  # type: ignore[index]


def assumption_rows(wb: object) -> dict[tuple[str, str], tuple[object, ...]]:
    return {(r[0], r[1]): r for r in wb["Assumptions"].iter_rows(min_row=2, values_only=True)}  # type: ignore[index]


# --------------------------------------------------------------------------- A1: an unknown input


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "tpu-v5p:rent", "-w", "llama3-8b"],
        ["cashflow", "tpu-v5p:rent", "-w", "llama3-8b"],
        ["size", "tpu-v5p:rent", "-w", "llama3-8b", "--deadline-days", "120"],
        ["sensitivity", "tpu-v5p:rent", "-w", "llama3-8b"],
        ["simulate", "tpu-v5p:rent", "-w", "llama3-8b", "-n", "50", "-q"],
    ],
)
def test_a_part_without_a_tdp_writes_a_workbook(run, tmp_path: Path, command: list[str]) -> None:
    """The shipped tpu-v5p gives no TDP: every command that writes a workbook writes one (it used to
    stop with an internal KeyError, rc 3), the TDP an empty cell saying it is unknown."""
    path = tmp_path / "tpu.xlsx"
    result = run(*command, "-f", "xlsx", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(path)
    row = next(r for r in wb["Assumptions"].iter_rows() if r[0].value == "tpu-v5p" and r[1].value == "tdp_w")
    assert row[2].value is None and row[2].comment is not None and "unknown" in row[2].comment.text
    assert row[3].value == "W" and row[4].value.startswith("unknown: no value given")


@needs_soffice
def test_an_unknown_tdp_is_unknown_where_needed_and_the_rent_agrees_with_the_engine(run, tmp_path: Path) -> None:
    args = ["tpu-v5p:rent", "h100-sxm", "-w", "llama3-8b"]
    path = tmp_path / "tpu.xlsx"
    workbook_of(run, args, path)
    want = engine_rows(run, args)
    wb = recalculated(path, tmp_path)
    assert_results_agree(results_of(wb), want)
    calc = calc_values(wb, "tpu-v5p:rent")
    # The engine has no power figure for it (null) and still costs the rent: the workbook shows #N/A, no number.
    assert want["tpu-v5p:rent"]["power_w_per_accelerator"] is None
    assert calc["average power"] == "#N/A" and calc["peak power"] == "#N/A"
    assert calc["goodput"] == pytest.approx(want["tpu-v5p:rent"]["goodput"], rel=1e-12)
    assert calc["time to converge"] == pytest.approx(want["tpu-v5p:rent"]["time_to_converge_hours"], rel=1e-9)
    assert calc["compute cost"] == pytest.approx(want["tpu-v5p:rent"]["compute_cost_usd"], rel=1e-9)


@needs_soffice
def test_entering_the_unknown_tdp_computes_the_power_like_set(run, tmp_path: Path) -> None:
    args = ["tpu-v5p:rent", "-w", "llama3-8b"]
    path = tmp_path / "tpu.xlsx"
    workbook_of(run, args, path)
    edited = with_assumption(path, tmp_path, "tpu-v5p", "tdp_w", 500)
    want = engine_rows(run, [*args, "--set", "tpu-v5p.tdp_w=500"])["tpu-v5p:rent"]
    calc = calc_values(recalculated(edited, tmp_path), "tpu-v5p:rent")
    assert calc["average power"] == pytest.approx(want["power_w_per_accelerator"], rel=1e-12)
    assert calc["job cost"] == pytest.approx(want["job_cost_usd"], rel=1e-9)


# --------------------------------------------------------------------------- B2: several stages


STAGE_CASES = [
    # Each stage's layout runs on its own accelerators: goodput counts the most any runs on (the
    # workbook used to count the main stage's for all: $3,264,488.52 against the engine's $3,265,756.78).
    (["h100-sxm"], ["--set", "scenario.failure_rate_per_accelerator_day=0.005"]),
    (["a100-80gb", "h100-sxm"], []),  # default failure rate: a $128 gap, and the delay behind it
    (["h100-sxm@1000", "a100-80gb:rent"], ["--set", "scenario.carbon_usd_per_tonne=100"]),
]


def _stage_args(tmp_path: Path, options: list[str]) -> list[str]:
    (tmp_path / "st2.toml").write_text(STAGES)
    return [*options, "-w", str(tmp_path / "st2.toml")]


@needs_soffice
@pytest.mark.parametrize(("options", "sets"), STAGE_CASES)
def test_a_job_of_several_stages_agrees_with_the_engine(run, tmp_path: Path, options: list[str], sets: list[str]) -> None:
    args = [*_stage_args(tmp_path, options), *sets]
    path = tmp_path / "st.xlsx"
    workbook_of(run, args, path)
    want = engine_rows(run, args)
    wb = recalculated(path, tmp_path)
    assert_results_agree(results_of(wb), want)
    for label, w in want.items():
        calc = calc_values(wb, label)
        assert calc["goodput"] == pytest.approx(w["goodput"], rel=1e-12)
        assert calc["time to converge"] == pytest.approx(w["time_to_converge_hours"], rel=1e-9)
        assert calc["tokens/s per accelerator over the job"] == pytest.approx(w["tokens_per_second_per_accelerator"], rel=1e-9)
        assert {"compute hours, main", "compute hours, long"} <= set(calc)


@needs_soffice
def test_a_measured_run_with_a_second_stage_agrees_with_the_engine(run, tmp_path: Path) -> None:
    """The measurement carried to another count and to the second stage, as the engine carries it."""
    text = (Path(__file__).parent.parent / "profiles" / "workloads" / "gpt3-1.3b.toml").read_text()
    (tmp_path / "gm.toml").write_text(text + '\n[[stages]]\nname = "long"\ntokens = 1e10\nseq_len = 8192\n')
    args = ["a100-80gb", "mlu370-s4", "a100-80gb@64:rent", "-w", str(tmp_path / "gm.toml"), "-s", "article"]
    path = tmp_path / "gm.xlsx"
    workbook_of(run, args, path)
    want = engine_rows(run, args)
    assert {r["throughput_source"] for r in want.values()} == {"measured"}
    assert_results_agree(results_of(recalculated(path, tmp_path)), want)


@needs_soffice
def test_a_stage_s_tokens_cell_is_live(run, tmp_path: Path) -> None:
    """Changing a stage's token count in the Assumptions moves the results as --set does."""
    args = _stage_args(tmp_path, ["h100-sxm", "a100-80gb"])
    path = tmp_path / "st.xlsx"
    workbook_of(run, args, path)
    edited = with_assumption(path, tmp_path, "workload", "stages[long].tokens", 3e12)
    want = engine_rows(run, [*args, "--set", "workload.stages[long].tokens=3e12"])
    assert_results_agree(results_of(recalculated(edited, tmp_path)), want)


def test_each_stage_has_its_throughput_and_running_accelerators(run, tmp_path: Path) -> None:
    args = _stage_args(tmp_path, ["h100-sxm"])
    path = tmp_path / "st.xlsx"
    workbook_of(run, args, path)
    rows = assumption_rows(openpyxl.load_workbook(path))
    for stage in ("main", "long"):
        tps = rows[("h100-sxm", f"tokens_per_second_per_accelerator [h100-sxm, stage {stage}]")]
        used = rows[("h100-sxm", f"accelerators running [h100-sxm, stage {stage}]")]
        assert isinstance(tps[2], float) and tps[2] > 0 and tps[6] == "model output"
        assert isinstance(used[2], (int, float)) and 1 <= used[2] <= 1024
    # The main stage's layout leaves 4 idle, the long stage's none: goodput counts 1,024.
    assert rows[("h100-sxm", "accelerators running [h100-sxm, stage main]")][2] == 1020
    assert rows[("h100-sxm", "accelerators running [h100-sxm, stage long]")][2] == 1024


# --------------------------------------------------------------------------- B6: money in CNY


@pytest.fixture
def cny(tmp_path: Path) -> Path:
    root = tmp_path / "profiles"
    (root / "accelerators").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "accelerators" / "cny.toml").write_text(CNY_PART)
    (root / "scenarios" / "cnyd.toml").write_text(CNY_SCENARIO)
    return root


def test_money_quoted_in_cny_shows_cny_as_its_unit(run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cny: Path) -> None:
    path = tmp_path / "cny.xlsx"
    monkeypatch.setenv("TCO_PROFILE_PATH", str(cny))
    workbook_of(run, ["cny-h100", "cny-h100:rent", "h100-sxm:rent", "-w", "llama3-8b", "-s", "cnyd"], path)
    rows = assumption_rows(openpyxl.load_workbook(path))
    assert rows[("cny-h100", "price_usd")][2:4] == (200000, "CNY")
    assert rows[("cny-h100", "rental.usd_per_hour")][2:4] == (15, "CNY/accelerator·hour")
    assert rows[("h100-sxm", "rental.usd_per_hour")][3] == "USD/accelerator·hour"  # (each accelerator's rate, round 97)
    assert rows[("cny-h100", "server_usd_per_accelerator")][3] == "USD/accelerator"
    assert rows[("scenario", "usd_per_cny")][3] == "USD/CNY"
    assert rows[("scenario", "electricity_usd_per_kwh")][2:4] == (0.6, "CNY/kWh")
    assert rows[("scenario", "cost_of_delay_usd_per_day")][2:4] == (70000, "CNY/day")
    assert rows[("scenario", "facility_usd_per_kw_month")][3] == "USD/kW·month"
    assert rows[("scenario", "engineer_usd_per_year")][3] == "USD/year"


@needs_soffice
def test_money_quoted_in_cny_is_converted_as_the_engine_does(run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cny: Path) -> None:
    """The prices, the rate, the electricity and the cost of delay (the workbook used to charge the delay
    in CNY as if it were USD: $2,050,197 of penalty against the engine's $289,529)."""
    monkeypatch.setenv("TCO_PROFILE_PATH", str(cny))
    args = ["cny-h100", "cny-h100:rent", "a100-80gb:rent", "-w", "llama3-8b", "-s", "cnyd"]
    path = tmp_path / "cny.xlsx"
    workbook_of(run, args, path)
    want = engine_rows(run, args)
    assert any(w["delay_penalty_usd"] and not math.isclose(w["delay_penalty_usd"], 0.0) for w in want.values())
    assert_results_agree(results_of(recalculated(path, tmp_path)), want)


@needs_soffice
def test_delay_behind_an_incomplete_but_faster_option_agrees_with_the_engine(run, tmp_path: Path) -> None:
    """The engine measures delay behind the fastest option whose time to market is known, an incomplete
    one included; the workbook took the minimum over ranked rows only ($1,858,925 against $1,913,713;
    round 9, W2)."""
    args = ["l20", "h100-sxm", "-w", "gpt3-1.3b", "--set", "l20.lead_time_weeks=0"]
    want = engine_rows(run, args)
    assert want["l20"]["status"] == "incomplete" and want["h100-sxm"]["delay_days"] > 0
    workbook_of(run, args, tmp_path / "delay.xlsx")
    assert_results_agree(results_of(recalculated(tmp_path / "delay.xlsx", tmp_path)), want)
