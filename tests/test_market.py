"""Currencies (a money input may be quoted in CNY or EUR; outputs in a chosen currency) and market
availability (export controls decide what a buyer in China may purchase)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco.engine import network_tiers

BUY_ELSEWHERE = "; it can be bought in market 'global': --set scenario.market=global"
DATA = Path(__file__).parent / "data" / "market"
YUAN = str(DATA / "yuan-x.toml")
USD_PER_CNY = 0.14122  # profiles/scenarios/default.toml


def rows(result) -> dict[str, dict]:
    assert result.exit_code == 0, result.stderr
    return {r["accelerator"]: r for r in json.loads(result.stdout)["results"]}


def test_a_cny_price_is_converted_at_the_scenario_rate(run) -> None:
    """capex = n · (price · rate · k_srv + tiers · network + storage): the CNY profile equals one priced
    123,900 × 0.14122 USD (default scenario: InfiniBand $2,123 per tier, storage $400)."""
    cny = rows(run("compare", YUAN, "-w", "llama3-8b", "-f", "json"))["yuan-x"]
    usd = rows(run("compare", YUAN, "-w", "llama3-8b", "-f", "json", "--set", f"yuan-x.price_usd={{value = {123900 * USD_PER_CNY!r}}}"))
    n = cny["count"]
    tiers = network_tiers(n, 8)
    assert cny["capex_usd"] == pytest.approx(n * (123900 * USD_PER_CNY * 1.66 + tiers * 2123 + 400), rel=1e-12)
    assert cny["capex_usd"] == pytest.approx(usd["yuan-x"]["capex_usd"], rel=1e-12)


def test_a_changed_exchange_rate_changes_only_cny_money(run) -> None:
    args = ("compare", "a100-80gb", YUAN, "-w", "llama3-8b", "-f", "json")
    base = rows(run(*args))
    moved = rows(run(*args, "--set", "scenario.usd_per_cny=0.2"))
    assert moved["a100-80gb"]["capex_usd"] == base["a100-80gb"]["capex_usd"]
    n = base["yuan-x"]["count"]
    fixed = n * (network_tiers(n, 8) * 2123 + 400)  # network and storage are priced in USD
    assert moved["yuan-x"]["capex_usd"] - fixed == pytest.approx((base["yuan-x"]["capex_usd"] - fixed) * 0.2 / USD_PER_CNY, rel=1e-12)


def test_output_currency_divides_every_money_figure_by_the_rate(run) -> None:
    args = ("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "-f", "json")
    usd = rows(run(*args))
    result = run(*args, "--currency", "CNY")
    assert json.loads(result.stdout)["currency"] == "CNY"
    cny = rows(result)
    for option in usd:
        for key in ("job_cost_usd", "effective_cost_usd", "cost_per_million_tokens_usd", "capex_usd"):
            assert cny[option][key] == pytest.approx(usd[option][key] / USD_PER_CNY, rel=1e-12), key
        assert cny[option]["time_to_market_days"] == usd[option]["time_to_market_days"]
    table = run("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "--currency", "CNY")
    assert "money in CNY" in table.stdout and "job cost CNY" in table.stdout


def test_output_currency_without_a_rate_is_an_input_error(run, tmp_path: Path) -> None:
    scenario = tmp_path / "norate.toml"
    scenario.write_text(
        'extends = "default"\nid = "norate"\nname = "no EUR rate"\nusd_per_eur = { source = "[TCO] unknown" }\n', encoding="utf-8"
    )
    result = run("compare", "a100-80gb", "-w", "llama3-8b", "-s", str(scenario), "--currency", "EUR")
    assert result.exit_code == 1
    assert "needs the exchange rate usd_per_eur; give it with --set scenario.usd_per_eur=VALUE" in result.stderr


def test_a_part_barred_in_the_market_is_infeasible_naming_the_rule(run) -> None:
    res = rows(run("compare", "mlu370-s4", YUAN, "-w", "llama3-8b", "--set", "scenario.market=cn", "-f", "json"))
    assert res["mlu370-s4"]["status"] == "ranked"
    assert res["yuan-x"]["status"] == "infeasible" and res["yuan-x"]["rank"] is None
    # Barred by a purchase rule, not by physics: its figures are still shown.
    assert res["yuan-x"]["tokens_per_second_per_accelerator"] > 0
    assert (
        res["yuan-x"]["reason"]
        == "yuan-x cannot be bought in market 'cn': test rule: export to China needs a licence ([TCO] test profile)" + BUY_ELSEWHERE
    )
    alone = run("compare", YUAN, "-w", "llama3-8b", "--set", "scenario.market=cn")
    # (the --set of the market made this run's choice: it takes the blame, hostile round 51's D5)
    assert alone.exit_code == 1 and "Error: --set: scenario.market: yuan-x cannot be bought in market 'cn'" in alone.stderr
    # The global market (the default) may buy it.
    assert rows(run("compare", YUAN, "-w", "llama3-8b", "-f", "json"))["yuan-x"]["status"] == "ranked"


def test_profiles_list_shows_cny_prices_in_usd(run) -> None:
    """h800 is priced 152,000 CNY: the list's price_usd column converts it at the default rate."""
    records = {r["id"]: r for r in json.loads(run("profiles", "list", "-f", "json").stdout)["results"]}
    assert records["h800"]["price_usd"] == pytest.approx(152000 * USD_PER_CNY, rel=1e-12)
    assert records["a100-80gb"]["price_usd"] == 17500


def test_analyses_show_a_market_barred_option_without_ranking_it(run) -> None:
    """simulate and size answer with a barred part beside a buyable one: the barred part never wins."""
    sim = run("simulate", "a100-80gb", YUAN, "-w", "llama3-8b", "-n", "200", "-q", "-f", "json", "--set", "scenario.market=cn")
    # a100-80gb is itself barred in cn: both barred is an error, one line naming both
    assert sim.exit_code == 1 and sim.stderr.count("Error: ") == 1 and sim.stderr.count("cannot be bought in market 'cn'") == 2
    sim = run("simulate", "mlu370-s4", YUAN, "-w", "llama3-8b", "-n", "200", "-q", "-f", "json", "--set", "scenario.market=cn")
    assert sim.exit_code == 0, sim.stderr
    opts = {o["option"]: o for o in json.loads(sim.stdout)["results"]}
    assert opts["yuan-x"]["win_probability"] == 0 and opts["yuan-x"]["infeasible_share"] == 1
    assert "Note: yuan-x is infeasible: yuan-x cannot be bought in market 'cn'" in sim.stderr
    size = run("size", "mlu370-s4", YUAN, "-w", "llama3-8b", "--deadline-days", "5000", "-f", "json", "--set", "scenario.market=cn")
    rows_ = {o["option"]: o for o in json.loads(size.stdout)["results"]}
    assert rows_["yuan-x"]["feasible"] is False and "market 'cn'" in rows_["yuan-x"]["message"]


def test_an_absurd_model_size_is_one_error_line_not_a_traceback(run) -> None:
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.parameters=1e308")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "a100-80gb" in result.stderr


def test_a_part_barred_in_the_market_names_the_market_that_may_buy_it(run) -> None:
    """The seed's Ascend 910B alone in the default (global) market: the error names the rule and the
    market where it can be bought, and that market answers."""
    barred = run("compare", "ascend-910b", "-w", "chat-70b")
    assert barred.exit_code == 1
    assert barred.stderr.rstrip().endswith("; it can be bought in market 'cn': --set scenario.market=cn")
    assert run("compare", "ascend-910b", "-w", "chat-70b", "--set", "scenario.market=cn").exit_code == 0
