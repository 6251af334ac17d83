"""Session 61: amounts of money written as buyers write them, and MoE messages that name the share they hold.

``tco size ... --capex-usd 2M`` said "expected a number, got '2M'" while the token flags of ``tco estimate`` take
``2k`` and ``8B``: the money flags (--budget-usd, --capex-usd, --revenue-usd-per-day, --lease-usd-per-month) now read
a ``$`` before the amount, thousands grouped by commas and a suffix k, M or B, and refuse anything else in one line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import run_main


@pytest.mark.parametrize("given", ["2M", "2m", "$2M", "$ 2M", "2,000,000", "$2,000,000", "2000k", "0.002B", " 2e6 ", "2,000k"])
def test_a_purchase_budget_written_as_buyers_write_it_is_two_million(run, given: str) -> None:
    """Every spelling is $2,000,000: the sizing equals the one of the plain number, 2e6 (50 H100s at $39,248 each,
    $1,962,400, fit it; 51 would cost $2,001,648), and the audit trail records the amount read."""
    plain = run("size", "h100-sxm", "-w", "llama3-70b", "--capex-usd", "2e6", "-f", "json")
    spelled = run("size", "h100-sxm", "-w", "llama3-70b", "--capex-usd", given, "-f", "json")
    assert plain.exit_code == 0 and spelled.exit_code == 0, spelled.stderr
    a, b = json.loads(plain.stdout), json.loads(spelled.stdout)
    assert a["results"] == b["results"]
    assert b["limit"] == b["inputs"]["capex_usd"] == 2_000_000.0
    assert b["results"][0]["message"] == "50 × h100-sxm meets capex_usd = $2,000,000"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("5,00", "expected an amount in USD such as 5e6, 5,000,000 or 5M, got '5,00'"),  # (no grouping of thousands)
        ("2MM", "expected an amount in USD such as 5e6, 5,000,000 or 5M, got '2MM'"),
        ("1,2345", "expected an amount in USD such as 5e6, 5,000,000 or 5M, got '1,2345'"),
        ("$", "expected an amount in USD such as 5e6, 5,000,000 or 5M, got '$'"),
        ("2T", "expected an amount in USD such as 5e6, 5,000,000 or 5M, got '2T'"),  # (T is a token suffix, not money)
        ("1e308B", "expected a finite number (at most 1.8e308), got '1e308B'"),
    ],
)
def test_an_amount_that_is_no_amount_is_a_usage_error_in_one_line(capsys, given: str, said: str) -> None:
    code, out, error = run_main(capsys, "size", "h100-sxm", "-w", "llama3-70b", "--budget-usd", given)
    assert (code, out) == (2, "")
    assert error.strip() == f"Error: Invalid value for '--budget-usd': {said} (see 'tco size --help')"


def test_a_negative_amount_with_a_suffix_is_refused_by_the_flag_s_own_range(capsys) -> None:
    """-2M reads as -2,000,000, which the budget's own check refuses (exit 1), naming the number it read."""
    code, out, error = run_main(capsys, "size", "h100-sxm", "-w", "llama3-70b", "--capex-usd", "-2M")
    assert (code, out, error.strip()) == (1, "", "Error: --capex-usd: expected a positive number, got -2e+06")


def test_cash_flow_amounts_take_the_suffix_too(run) -> None:
    """--lease-usd-per-month 1.5k and --revenue-usd-per-day 20k are 1,500 and 20,000: the same cash flow."""
    args = ("cashflow", "h100-sxm@4", "-w", "chat-70b", "--lease-months", "48", "-f", "json")
    plain = run(*args, "--lease-usd-per-month", "1500", "--revenue-usd-per-day", "20000")
    spelled = run(*args, "--lease-usd-per-month", "1.5k", "--revenue-usd-per-day", "$20,000")
    assert plain.exit_code == 0 and spelled.exit_code == 0, spelled.stderr
    assert json.loads(plain.stdout)["results"] == json.loads(spelled.stdout)["results"]


def test_days_and_power_take_no_money_suffix(capsys) -> None:
    """A suffix means thousands of dollars, not of days: --deadline-days 5k is still refused as before."""
    code, _, error = run_main(capsys, "size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "5k")
    assert code == 2 and "Invalid value for '--deadline-days': expected a number, got '5k'" in error


def test_an_moe_split_below_its_share_names_the_share_not_a_rounded_bound(capsys) -> None:
    """DeepSeek-V3 routes 8 of 256 experts per token, so at least 8/256 of its 6.71e+11 parameters are active. The
    message printed that bound as '20968750000.0 of 6.71e+11' (one number in full, one rounded); it names the share."""
    code, out, error = run_main(capsys, "compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.active_parameters=1e9")
    assert (code, out) == (1, "")
    assert error.strip() == (
        "Error: --set: workload.active_parameters: with 8 of 256 experts per token at least 8/256 of the 6.71e+11 "
        "parameters are active (more with shared weights), got 1e+09"
    )


def test_a_range_of_whole_amounts_is_written_in_full_in_a_breakeven_message(run) -> None:
    """The default range of a cost of delay is 0 to 1,000,000 USD a day; the message said '[0, 1e+06]' beside a table
    row 'range_high 1,000,000'. Whole ends below a billion are written in full; a range reaching past it keeps six
    digits at both ends, so one range is never written in two forms."""
    result = run("breakeven", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--param", "scenario.cost_of_delay_usd_per_day", "-f", "json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)["results"][0]
    assert (out["range_low"], out["range_high"]) == (0, 1e6)
    assert out["message"].startswith("no tie for scenario.cost_of_delay_usd_per_day in [0, 1,000,000]: ")
    tokens = ("--param", "workload.training_tokens", "--range", "1e8:2e9")
    wide = run("breakeven", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", *tokens, "-f", "json")
    assert wide.exit_code == 0, wide.stderr
    assert " in [1e+08, 2e+09]" in json.loads(wide.stdout)["results"][0]["message"]


def test_a_sweep_workbook_says_its_formulas_are_the_inputs_as_given(run, tmp_path) -> None:
    """A swept workbook holds Calc and Results sheets of live formulas beside the Sweep sheet of values; an auditor
    could not tell which point the formulas computed. The Sweep sheet's note says: the inputs as given, without the
    swept values (here the default PUE, 1.25, nowhere on the 1.1/1.2 axis), and the formulas follow edits, the values
    do not."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "s.xlsx"
    result = run("sweep", "a100-80gb", "-w", "llama3-8b", "--vary", "scenario.pue=1.1,1.2", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    note = wb["Sweep"]["A1"].comment.text
    assert "The Calc and Results sheets are formulas over the inputs as given (without any value varied, swept or" in note
    pue = [row for row in wb["Assumptions"].iter_rows(values_only=True) if row[:2] == ("scenario", "pue")]
    assert [row[2] for row in pue] == [1.25]
    assert sorted({row[2] for row in wb["Sweep"].iter_rows(min_row=2, values_only=True)}) == [1.1, 1.2]


def _staged(run: Any, *sets: str) -> dict[str, Any]:
    args = [a for s in sets for a in ("--set", s)]
    result = run("compare", "h100-sxm@2048", "-w", "deepseek-v3", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    out: dict[str, Any] = json.loads(result.stdout)["results"][0]
    return out


def test_a_staged_job_reports_each_stage_with_hours_that_sum_to_the_job_s(run) -> None:
    """DeepSeek-V3 is 14.8T tokens of 4,096-token pre-training and a 10B-token 32K long-context stage. The result
    reported one layout (the first stage's) and the job's total; each stage is now listed with its own figures. By
    the engine's formula T_s = D_s / (n · X_s) / G_s (G_s the goodput of the accelerators the stage's layout runs on,
    all 2,048 here: none idle), worked out from the reported rates, and the job's hours are their sum."""
    from tco import perf

    r = _staged(run)
    stages = r["stages"]
    assert [(s["name"], s["tokens"], s["seq_len"], s["precision"]) for s in stages] == [
        ("main", 1.48e13, 4096, "fp8"),
        ("long-context", 1e10, 32768, "fp8"),
    ]
    # the default scenario: 0.00047 interruptions per accelerator-day, 0.1-minute saves, 12.5-minute restarts
    g = perf.goodput_value(failure_rate=0.00047, save_minutes=0.1, restart_minutes=12.5, count=2048)
    for s in stages:
        assert s["layout"]["idle_accelerators"] == 0
        assert s["time_to_converge_hours"] == pytest.approx(
            s["tokens"] / (2048 * s["tokens_per_second_per_accelerator"]) / g / 3600, rel=1e-12
        )
    assert sum(s["time_to_converge_hours"] for s in stages) == pytest.approx(r["time_to_converge_hours"], rel=1e-12)
    # the job's rate is its tokens over its compute time: the stages' rates weighted by their compute time
    compute = [s["tokens"] / s["tokens_per_second_per_accelerator"] for s in stages]
    assert r["tokens_per_second_per_accelerator"] == pytest.approx(sum(s["tokens"] for s in stages) / sum(compute), rel=1e-12)


def test_each_stage_chooses_its_own_layout(run) -> None:
    """A 32K-token sequence's activations are 8× a 4K one's: the long-context stage splits the sequence (context
    parallelism) where the main stage needs none; the result's layout stays the main stage's, as its notes say."""
    r = _staged(run)
    main, long = (s["layout"] for s in r["stages"])
    assert r["layout"] == main
    assert main["context_parallel"] == 1 and long["context_parallel"] >= 2
    for lay in (main, long):  # every layout runs on the whole count
        assert lay["tensor_parallel"] * lay["pipeline_parallel"] * lay["context_parallel"] * lay["data_parallel"] == 2048


def test_a_given_mfu_lists_the_stages_without_a_layout(run) -> None:
    """A measured MFU is final: no layout model runs for the speed, so no stage reports one (as the job's layout is
    None); the stages' hours still sum to the job's."""
    r = _staged(run, "workload.mfu=0.4")
    assert r["layout"] is None and [s["layout"] for s in r["stages"]] == [None, None]
    assert sum(s["time_to_converge_hours"] for s in r["stages"]) == pytest.approx(r["time_to_converge_hours"], rel=1e-12)


def test_a_one_stage_job_has_no_stages_and_csv_has_no_stages_column(run) -> None:
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["results"][0]["stages"] is None
    staged = run("compare", "h100-sxm@2048", "-w", "deepseek-v3", "-f", "csv")
    assert staged.exit_code == 0, staged.stderr
    header = staged.stdout.splitlines()[0].split(",")
    # (the layout.* columns, then the fields appended since: the claim's range)
    late = ["claimed_relative_training_performance_low", "claimed_relative_training_performance_high"]
    assert "stages" not in header and header[-3:] == ["layout.idle_accelerators", *late]


def _cash(run: Any, *args: str) -> tuple[dict[str, Any], str]:
    result = run("cashflow", "l20", "h100-sxm", "-w", "chat-70b", "--lease-usd-per-month", "1500", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {o["option"]: o for o in json.loads(result.stdout)["results"]}, result.stderr


def test_a_part_without_a_price_is_leased_all_the_same(run) -> None:
    """The L20 has no public price, so it was left out of the cash flow, its lease too, though a lease pays for the
    hardware by the month and reads no price. Its lease row is now made, equal to the one made when a price is given
    (any price: the lease does not read it), and the notes say why the bought row is absent."""
    without, stderr = _cash(run)
    assert "l20" not in without and without["l20:lease"]["acquisition"] == "lease"
    assert without["l20:lease"]["notes"][-1] == "leased only: the purchase needs l20.price_usd, which the lease does not"
    assert stderr.splitlines()[-2:] == [
        "Note: l20 is left out: needs l20.price_usd, which is unknown; give it with --set l20.price_usd=VALUE",
        "Note: l20:lease is in the cash flow, leased only: the purchase needs l20.price_usd, which the lease does not",
    ]
    priced, _ = _cash(run, "--set", "l20.price_usd=10000")
    assert "l20" in priced
    for key in ("count", "delivery_years", "run_years", "market_years", "years", "total_cost_usd", "npv_cost_usd"):
        assert without["l20:lease"][key] == priced["l20:lease"][key], key


def test_the_lease_of_an_unpriced_part_pays_its_count_for_every_month_held(run) -> None:
    """By hand: the lease runs from delivery through deployment, porting and the service life, each accelerator at
    $1,500 a month: count × 1,500 × 12 × (deployment + porting days over a year, plus the service years)."""
    from tco.analysis.cashflow import DAYS_PER_YEAR

    rows, _ = _cash(run)
    lease = rows["l20:lease"]
    compared = run("compare", "l20", "-w", "chat-70b", "-f", "json")
    r = json.loads(compared.stdout)["results"][0]
    assert r["missing_inputs"] == ["l20.price_usd"] and r["count"] == lease["count"]
    months = 12 * (lease["run_years"] + (r["deployment_days"] + r["porting_days"]) / DAYS_PER_YEAR)
    assert sum(y["lease_usd"] for y in lease["years"]) == pytest.approx(lease["count"] * 1500 * months, rel=1e-12)
    assert all(y["capex_usd"] == 0 and y["residual_usd"] == 0 for y in lease["years"])


def test_a_token_count_past_the_largest_float_names_the_text_given(capsys) -> None:
    """The token flags share the money flags' reading of a suffix: '1e308T' was read as inf and refused as 'got
    infinity', a number nobody typed; it is now a usage error naming the text, as '1e308B' of a budget is."""
    code, out, error = run_main(capsys, "estimate", "h100-sxm", "--params", "8B", "--mode", "infer", "--prompt-tokens", "1e308T")
    assert (code, out) == (2, "")
    assert "Invalid value for '--prompt-tokens': expected a finite number (at most 1.8e308), got '1e308T'" in error
