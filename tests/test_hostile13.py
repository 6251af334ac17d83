"""Hostile round 13: a number given for a money input quoted in CNY is in CNY whatever the spelling
(``--set ID.price_usd=V`` as ``.value=V``, ``--vary``, ``breakeven --param``), and ``-o`` refuses names
that say a folder (a trailing '/') or HTML outside ``tco report``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CNH = (
    'id = "cnh"\nextends = "h100-sxm"\nname = "H100 priced in CNY"\n'
    'price_usd = { value = 200000, low = 150000, high = 250000, currency = "CNY", source = "[TCO] test", confidence = "estimate" }\n'
)


@pytest.fixture
def cny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "accelerators"
    folder.mkdir()
    (folder / "cnh.toml").write_text(CNH, encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    return tmp_path


def effective(run, *args: str) -> float:
    result = run("compare", "cnh", "-w", "llama3-8b", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return float(json.loads(result.stdout)["results"][0]["effective_cost_usd"])


def test_a_bare_set_keeps_the_quantitys_currency(run, cny: Path) -> None:
    """Before: ``--set cnh.price_usd=200000`` read 200,000 as USD ($7.73M instead of $1.88M)."""
    base = effective(run)
    assert effective(run, "--set", "cnh.price_usd=200000") == pytest.approx(base, rel=1e-12)
    assert effective(run, "--set", "cnh.price_usd.value=200000") == pytest.approx(base, rel=1e-12)
    assert effective(run, "--set", "cnh.price_usd=100000") < base
    rows = run("sweep", "cnh", "-w", "llama3-8b", "--vary", "cnh.price_usd=200000", "-f", "jsonl")
    assert rows.exit_code == 0
    assert json.loads(rows.stdout.splitlines()[0])["effective_cost_usd"] == pytest.approx(base, rel=1e-12)


def test_breakeven_on_a_cny_price_scans_and_reports_in_cny(run, cny: Path) -> None:
    """The default range is the profile's own low/high in yuan, and the cheaper-in-yuan H100 wins over it
    (before: the yuan range was priced as dollars and the A100 'won across the whole range'); the tie
    found on a wide range is a price in yuan at which compare ties."""
    narrow = run("breakeven", "cnh", "a100-80gb", "-w", "llama3-8b", "--param", "cnh.price_usd", "-f", "json")
    assert narrow.exit_code == 0
    (r,) = json.loads(narrow.stdout)["results"]
    assert (r["currency"], r["range_low"], r["range_high"]) == ("CNY", 150000, 250000)
    assert r["value"] is None and r["winner_below"] == r["winner_above"] == "cnh"
    assert "cnh.price_usd (in CNY)" in r["message"]
    wide = run("breakeven", "cnh", "a100-80gb", "-w", "llama3-8b", "--param", "cnh.price_usd", "--range", "1000:1e7", "-f", "json")
    (w,) = json.loads(wide.stdout)["results"]
    tie = w["value"]
    assert 250000 < tie < 1e7
    both = run("compare", "cnh", "a100-80gb", "-w", "llama3-8b", "--set", f"cnh.price_usd={tie}", "-f", "json")
    costs = [row["effective_cost_usd"] for row in json.loads(both.stdout)["results"]]
    assert costs[0] == pytest.approx(costs[1], rel=1e-6)


def test_output_names_that_end_in_a_slash_name_a_folder(run, tmp_path: Path) -> None:
    target = tmp_path / "n2.json"
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "-o", f"{target}/")
    assert result.exit_code == 2
    assert "names a folder" in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    "command", [["compare", "h100-sxm", "-w", "llama3-8b"], ["sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1.1"]]
)
def test_html_names_are_refused_outside_report(run, tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "q.html"
    result = run(*command, "-o", str(target))
    assert result.exit_code == 2
    assert "tco report writes HTML" in result.output
    assert not target.exists()
    ok = run("report", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-o", str(target))
    assert ok.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
