"""Hostile round 15: an option reference names its quoted rate too (baseline, break-even, report,
--vs), an MoE with some experts idle has fewer active parameters than in all, profiles show's CSV
names the currency, and -o names that say a chart or a folder are refused where they do not fit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import tco

OPTS = ["h100-sxm@64:rent=5", "h100-sxm@64:rent=1", "h100-sxm@64", "-w", "llama3-8b"]


def test_the_baseline_is_the_option_at_the_quoted_rate_asked_for(run) -> None:
    """Before: -b h100-sxm@64:rent=1 measured the gaps against the rent=5 option listed first."""
    result = run("compare", *OPTS, "-b", "h100-sxm@64:rent=1", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["baseline"] == "h100-sxm@64:rent=1"
    table = run("compare", *OPTS, "-b", "h100-sxm@64:rent=1")
    assert table.stdout.splitlines()[1].split()[-1] == "h100-sxm@64:rent=1"  # header: ... vs h100-sxm@64:rent=1
    rows = {line.split()[1]: line.split()[-1] for line in table.stdout.splitlines() if line[:1].isdigit()}
    assert rows["h100-sxm@64:rent=1"] == "$0"
    # rent 5 vs 1 on the same part, same hours and no delay between them: four times the cheaper one's cost more
    eff = {r["option"]: r["effective_cost_usd"] for r in json.loads(result.stdout)["results"]}
    assert eff["h100-sxm@64:rent=5"] == pytest.approx(5 * eff["h100-sxm@64:rent=1"])
    assert rows["h100-sxm@64:rent=5"] == f"+${eff['h100-sxm@64:rent=5'] - eff['h100-sxm@64:rent=1']:,.0f}"


def test_two_quoted_rates_of_one_part_are_two_options_for_breakeven(run) -> None:
    """Before: 'compare two different options'; the cheaper rate wins everywhere (same part, same speed)."""
    result = run("breakeven", "h100-sxm@64:rent=2", "h100-sxm@64:rent=3", "-w", "llama3-8b", "-f", "json")
    assert result.exit_code == 0, result.stderr
    (r,) = json.loads(result.stdout)["results"]
    assert r["value"] is None and r["winner_below"] == r["winner_above"] == "h100-sxm@64:rent=2"


def test_the_reports_break_even_is_between_the_two_best_ranked_options(run, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run("report", *OPTS, "--samples", "200", "--seed", "1", "-o", str(out)).exit_code == 0
    page = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
    section = page[page.index("Break-even cost of delay") :][:400]
    assert "h100-sxm@64:rent=1 wins across the whole range" in section
    assert "rent=5" not in section


def test_sensitivity_vs_names_the_quoted_option(run) -> None:
    result = run("sensitivity", "h100-sxm@64:rent=5", "h100-sxm@64:rent=1", "--vs", "h100-sxm@64:rent=1", "-w", "llama3-8b")
    assert result.exit_code == 0, result.stderr
    assert "h100-sxm@64:rent=5 − h100-sxm@64:rent=1" in result.stdout


def test_an_moe_with_idle_experts_needs_its_active_parameters(run, tmp_path: Path) -> None:
    wl = tmp_path / "moe.toml"
    wl.write_text('extends = "llama3-8b"\nid = "moe8"\nname = "moe"\nexperts = 8\nexperts_per_token = 2\n', encoding="utf-8")
    result = run("compare", "h100-sxm", "-w", str(wl))
    assert result.exit_code == 1
    assert "active_parameters: with 2 of 8 experts active per token" in result.stderr
    est = run("estimate", "h100-sxm", "--params", "7B", "--experts", "8", "--top-k", "2", "--count", "8")
    assert est.exit_code == 1
    assert est.stderr.startswith("Error: --total-params: with 2 of 8 experts active per token, the parameters given are the active count")
    with pytest.raises(tco.InputError) as api:
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, experts=8, experts_per_token=2)
    assert api.value.key == "total_parameters"
    ok = run("estimate", "h100-sxm", "--params", "13B", "--total-params", "47B", "--experts", "8", "--top-k", "2", "--count", "8")
    assert ok.exit_code == 0, ok.stderr


def test_profiles_show_csv_names_the_currency(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "accelerators"
    folder.mkdir()
    (folder / "cnh.toml").write_text(
        'id = "cnh"\nextends = "h100-sxm"\nname = "CNY"\n'
        'price_usd = { value = 200000, low = 150000, high = 250000, currency = "CNY", source = "[TCO] t", confidence = "estimate" }\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("profiles", "show", "cnh", "-f", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("schema_version,field,value,low,high,currency,")
    assert next(line for line in lines if line.startswith("1,price_usd,")).startswith("1,price_usd,200000,150000,250000,CNY,")


@pytest.mark.parametrize("name", ["x.png", "x.svg", "x.pdf", "x.xls"])
def test_names_another_command_writes_are_refused(run, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "-o", str(target))
    assert result.exit_code == 2
    assert not target.exists()


def test_profiles_show_writes_toml_to_a_toml_name(run, tmp_path: Path) -> None:
    shown = tmp_path / "p.toml"
    assert run("profiles", "show", "a100-80gb", "-o", str(shown)).exit_code == 0
    assert shown.read_text(encoding="utf-8").startswith('id = "a100-80gb"')


@pytest.mark.parametrize("command", [["plot", "tornado", "a100-80gb", "mlu370-s4"], ["report", "a100-80gb"]])
def test_plot_and_report_refuse_a_name_that_ends_in_a_slash(run, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / ("x.svg" if command[0] == "plot" else "x.html")
    result = run(*command, "-w", "gpt3-1.3b", "-o", f"{target}/")
    assert result.exit_code == 2
    assert "names a folder" in result.output
    assert not target.exists()


def test_the_size_note_reads_the_budget_as_money(run) -> None:
    result = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--budget-usd", "2e6", "-f", "json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)["results"][0]
    searched = " (the largest count searched, 131,072: more may fit)"
    assert (
        f"meets budget_usd = $2,000,000{searched} (the job's cost; buying them costs ${out['capex_usd']:,.0f} up front)" in out["message"]
    )
