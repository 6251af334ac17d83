"""Hostile round 18 (a procurement analyst in the seed article's market, China): each defect as a test."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import tco
from tco import api, loader

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
CN = ["--set", "scenario.market=cn"]

# --------------------------------------------------------------------------- D1: a barred option sets no fastest date


def test_an_option_the_market_bars_sets_no_fastest_time_to_market(run) -> None:
    """In market cn the B200 is barred but 0.36 days faster than the H200: the analyses charged every
    option the delay behind it ($3,900 for the H200 against compare's $296)."""
    c = json.loads(run("compare", "h200", "b200", "-w", "gpt3-1.3b", *CN, "-f", "json").stdout)["results"]
    h200 = next(r for r in c if r["accelerator"] == "h200")
    assert h200["delay_days"] == 0.0
    s = run("sweep", "h200", "b200", "-w", "gpt3-1.3b", *CN, "--vary", "scenario.pue=1.25", "-f", "csv")
    row = next(r for r in csv.DictReader(io.StringIO(s.stdout)) if r["option"] == "h200")
    assert float(row["delay_days"]) == 0.0
    assert float(row["effective_cost_usd"]) == pytest.approx(h200["effective_cost_usd"], rel=1e-12)
    inputs = tco.load_inputs(["h200", "b200"], workload="gpt3-1.3b", sets=["scenario.market=cn"])
    assert tco.what_if(inputs, {"scenario.pue": [1.25]}).options[0].effective_cost_usd[0] == pytest.approx(h200["effective_cost_usd"])
    assert tco.sensitivity(inputs).central_effective_cost_usd["h200"] == pytest.approx(h200["effective_cost_usd"])


# --------------------------------------------------------------------------- D2: the report says which --set it is for


def test_the_report_names_every_set_it_was_run_with(run, tmp_path) -> None:
    out = tmp_path / "r.html"
    sets = ["--set", "scenario.market=cn", "--set", "workload.tuning=tuned"]
    r = run("report", "h200", "mlu590", "-w", "gpt3-1.3b", *sets, "-n", "100", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    meta = "software tuning tuned · scenario default · options h200, mlu590 · --set scenario.market=cn, workload.tuning=tuned"
    assert f"<p class=meta>{meta}</p>" in out.read_text()


# --------------------------------------------------------------------------- D3: keys cited in notes resolve


@pytest.mark.parametrize("path", sorted(p for p in PROFILES.rglob("*.toml") if p.parent.name != "sources"), ids=lambda p: p.name)
def test_every_key_cited_in_any_text_resolves(path: Path) -> None:
    bib = loader.load_bibliography([PROFILES])
    cited = api.citations(loader.read_toml(path), [PROFILES])
    assert not [k for k, v in cited.items() if v is None], f"{path.name} cites keys the bibliography lacks"
    assert set(cited) <= set(bib)


def test_profiles_show_resolves_a_key_cited_in_a_market_note(run) -> None:
    shown = json.loads(run("profiles", "show", "mlu590", "-f", "json").stdout)["results"][0]
    assert "C-FRESHCHINA-2025-12" in json.dumps(shown["accelerator"]["availability"])
    assert shown["citations"]["C-FRESHCHINA-2025-12"] is not None


# --------------------------------------------------------------------------- D4: a price to match in the price's currency


def test_a_price_to_match_names_the_number_set_reads_for_a_cny_price(run, user_profile) -> None:
    """`wins below a unit price of $8,473` beside `--set X.price_usd=VALUE`, which reads CNY: set back, no tie.
    The hint now gives the CNY figure, and set back it ties."""
    unknown = 'price_usd = { currency = "CNY", source = "[TCO] unknown", confidence = "estimate" }\n'
    user_profile("accelerators", "br104-cny", 'id = "br104-cny"\nextends = "br104"\n' + unknown)
    args = ["compare", "mlu370-x8", "br104-cny", "br104", "-w", "gpt3-1.3b", *CN]
    r = run(*args, "-f", "json")
    res = next(x for x in json.loads(r.stdout)["results"] if x["accelerator"] == "br104-cny")
    note = next(n for n in res["notes"] if n.startswith("decides: the price is quoted in CNY: "))
    cny = float(note.rsplit("=", 1)[1].rstrip(")"))
    rate = tco.load_scenario("default").usd_per_cny.value
    assert res["price_to_match_usd"] == pytest.approx(cny * rate, rel=1e-6)
    tied = {
        x["accelerator"]: x["effective_cost_usd"]
        for x in json.loads(run(*args, "--set", f"br104-cny.price_usd={cny}", "-f", "json").stdout)["results"]
    }
    assert tied["br104-cny"] == pytest.approx(tied["br104"], rel=1e-5)
    assert f"(it wins only below a unit price of ${res['price_to_match_usd']:,.0f} = {cny:,.0f} CNY" in run(*args).stderr


# --------------------------------------------------------------------------- D5: --strict and a barred option


def test_strict_asks_nothing_of_an_option_the_market_bars(run) -> None:
    """`--strict` demanded a800.price_usd in market cn, where no price makes the A800 buyable."""
    r = run("compare", "h200", "a800", "-w", "gpt3-1.3b", *CN, "--strict", "-f", "json")
    assert r.exit_code == 0, r.stderr
    a800 = next(x for x in json.loads(r.stdout)["results"] if x["accelerator"] == "a800")
    assert a800["status"] == "infeasible" and a800["missing_inputs"] == []
    assert run("sensitivity", "h200", "a800", "-w", "gpt3-1.3b", *CN, "--strict").exit_code == 0


# --------------------------------------------------------------------------- D6: a rent-only part bought


def test_a_rent_only_part_bought_says_why_in_the_market_and_in_the_claims(run) -> None:
    """In market cn the reason said to rent the TPU, which cn bars too; the claims table said the model
    cannot run the workload on it."""
    r = run("compare", "h200", "tpu-v5e", "-w", "gpt3-1.3b", *CN, "-f", "json")
    tpu = next(x for x in json.loads(r.stdout)["results"] if x["accelerator"] == "tpu-v5e")
    assert tpu["reason"].startswith("tpu-v5e cannot be bought in market 'cn': Not sold anywhere")
    table = run("compare", "a100-80gb", "tpu-v5e", "mlu590", "-w", "gpt3-1.3b").stdout
    line = next(x for x in table.splitlines() if x.startswith("tpu-v5e") and "reference" in x)
    assert line.endswith("no figures: tpu-v5e cannot be bought in market 'global'")
    assert "cannot run this workload" not in table
