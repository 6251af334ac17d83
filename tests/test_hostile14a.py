"""Defects D1-D3 of hostile-input report 14: the workbook's rate of a second rented option of one part
(D1), the published-claims verdict's reference (D2) and the currency of CNY/EUR money inputs in the
report's assumptions and `profiles show` (D3). Workbook figures are checked against the engine's JSON
after a real recalculation by LibreOffice, as in tests/test_workbook.py."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.test_workbook import needs_soffice, recalculated, results_of
from tests.test_workbook8 import assert_results_agree, assumption_rows, engine_rows, workbook_of

MY910B = """extends = "ascend-910b"
id = "my910b"
name = "My 910B CNY"
price_usd = { value = 120000, low = 100000, high = 150000, currency = "CNY", source = "[TCO] quote", confidence = "estimate" }
lead_time_weeks = { value = 20, source = "[TCO] quote", confidence = "estimate" }
"""

MYH20 = """extends = "h20"
id = "myh20"
name = "My H20 EUR"
price_usd = { value = 11000, currency = "EUR", source = "[TCO] quote", confidence = "estimate" }
[rental]
usd_per_hour = { value = 9.5, currency = "CNY", source = "[TCO] quote", confidence = "estimate" }
"""

CN = """extends = "default"
id = "cn"
name = "China"
market = "cn"
electricity_usd_per_kwh = { value = 0.65, currency = "CNY", source = "[TCO] tariff", confidence = "estimate" }
cost_of_delay_usd_per_day = { value = 50000, currency = "CNY", source = "[TCO] x", confidence = "assumption" }
"""


@pytest.fixture
def h14p(tmp_path: Path) -> Path:
    """The report's user profile directory: a CNY-priced 910B, a EUR-priced H20 with a CNY rate, a CNY scenario."""
    root = tmp_path / "h14p"
    (root / "accelerators").mkdir(parents=True)
    (root / "scenarios").mkdir()
    (root / "accelerators" / "my910b.toml").write_text(MY910B)
    (root / "accelerators" / "myh20.toml").write_text(MYH20)
    (root / "scenarios" / "cn.toml").write_text(CN)
    return root


# --------------------------------------------------------------------------- D1: each rented option's own rate

SHIPPED_RENTS = [
    ["h100-sxm@64:rent=1", "h100-sxm@64:rent=3", "-w", "llama3-8b"],
    ["h100-sxm:rent", "h100-sxm@64:rent=1", "-w", "llama3-8b"],
    ["h100-sxm@64:rent=3", "h100-sxm:rent", "-w", "llama3-8b"],
]


@pytest.mark.parametrize("args", SHIPPED_RENTS)
def test_each_quoted_rate_has_its_own_assumption_row(run, tmp_path: Path, args: list[str]) -> None:
    """A quoted rate is an option-level input in USD; the profile's rate keeps its own row."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "w.xlsx"
    workbook_of(run, args, path)
    rows = assumption_rows(openpyxl.load_workbook(path))
    for label in (a for a in args if "=" in a):
        row = rows[("h100-sxm", f"rental.usd_per_hour [{label}]")]
        assert row[2:4] == (float(label.rsplit("=", 1)[1]), "USD/accelerator·hour")  # (each accelerator's rate, round 97)
        assert "quoted on the command line" in row[4]
    profile_rate = ("h100-sxm", "rental.usd_per_hour")
    assert (profile_rate in rows) == ("h100-sxm:rent" in args)


@needs_soffice
@pytest.mark.parametrize("args", SHIPPED_RENTS)
def test_two_rented_options_of_one_part_recalculate_to_the_json(run, tmp_path: Path, args: list[str]) -> None:
    """The second option's rent used the first one's rate cell: $820,832 of job cost against $2,462,496."""
    path = tmp_path / "w.xlsx"
    workbook_of(run, args, path)
    want = engine_rows(run, args)
    assert len({w["job_cost_usd"] for w in want.values()}) == 2
    assert_results_agree(results_of(recalculated(path, tmp_path)), want)


@needs_soffice
def test_a_quoted_rate_beside_a_cny_profile_rate_recalculates_to_the_json(
    run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, h14p: Path
) -> None:
    """myh20@64:rent=2 (USD) used myh20's 9.5 CNY/hour profile cell as if USD: $46,435,209 against $9,775,833."""
    openpyxl = pytest.importorskip("openpyxl")
    args = ["my910b", "myh20:rent", "myh20@64:rent=2", "-w", "llama3-8b", "-s", "cn"]
    monkeypatch.setenv("TCO_PROFILE_PATH", str(h14p))
    path = tmp_path / "cmp.xlsx"
    workbook_of(run, args, path)
    rows = assumption_rows(openpyxl.load_workbook(path))
    assert rows[("myh20", "rental.usd_per_hour")][2:4] == (9.5, "CNY/accelerator·hour")
    assert rows[("myh20", "rental.usd_per_hour [myh20@64:rent=2]")][2:4] == (2, "USD/accelerator·hour")  # (round 97)
    want = engine_rows(run, args)
    got = results_of(recalculated(path, tmp_path))
    assert {"my910b", "myh20:rent", "myh20@64:rent=2"} <= set(got)
    assert_results_agree(got, want)


# --------------------------------------------------------------------------- D2: claims relative to the A100


def _tps(run, args: list[str]) -> dict[str, float]:
    result = run("compare", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {r["accelerator"]: r["tokens_per_second_per_accelerator"] for r in json.loads(result.stdout)["results"]}


def _claims(text: str) -> list[str]:
    return text[text.index("Published claims") :].split("\n\n")[0].splitlines()


def test_the_claim_is_compared_with_the_model_s_ratio_to_the_a100_not_to_the_rank_1_option(run) -> None:
    """mtt-s4000 ranked first: the verdict compared its 1.00× (to itself) with the claim's 0.55× (to the A100)."""
    args = ["mtt-s4000", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.cost_of_delay_usd_per_day=0"]
    args += ["--set", "mtt-s4000.price_usd=100"]
    result = run("compare", *args)
    assert result.exit_code == 0, result.stderr
    tps = _tps(run, args)
    ratio = tps["mtt-s4000"] / tps["a100-80gb"]
    assert f"{ratio:.2f}" == "0.15"
    lines = _claims(result.stdout)
    assert "relative to the A100" in lines[0] and "throughput relative to a100-80gb" in lines[0]
    row = next(line for line in lines if line.startswith("mtt-s4000"))
    assert row.split()[1:3] == [f"{ratio:.2f}×", "0.55×"]
    assert f"disagree: model {ratio:.2f}× vs claim 0.55×" in row
    assert "1.00×" not in row
    assert next(line for line in lines if line.startswith("a100-80gb")).split()[1] == "1.00×"


def test_an_a100_below_rank_1_is_still_the_reference_in_markdown(run) -> None:
    """The A100 (rented) is not ranked first: the 910B's and the H100's ratios are to it all the same."""
    args = ["a100-80gb:rent", "ascend-910b", "h100-sxm", "-w", "gpt3-1.3b"]
    result = run("compare", *args, "-f", "markdown")
    assert result.exit_code == 0, result.stderr
    tps = _tps(run, args)
    lines = _claims(result.stdout)
    assert "throughput relative to a100-80gb:rent" in lines[0]
    row = next(line for line in lines if line.startswith("| ascend-910b"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    ratio = tps["ascend-910b"] / tps["a100-80gb:rent"]
    assert cells[1:3] == [f"{ratio:.2f}×", "0.85× (0.80–0.90)"]
    verdict = "agree" if abs(ratio / 0.85 - 1) <= 0.15 else f"disagree: model {ratio:.2f}× vs claim 0.85×"
    assert cells[4].startswith(verdict)
    h100 = [c.strip() for c in next(line for line in lines if line.startswith("| h100-sxm")).strip("|").split("|")]
    assert h100[1] == f"{tps['h100-sxm'] / tps['a100-80gb:rent']:.2f}×"


def test_without_an_a100_the_model_ratio_is_shown_with_no_verdict(run) -> None:
    """README's example printed 'disagree: model 0.33× vs claim 0.85×', an H100 ratio against an A100 one."""
    args = ["h100-sxm:rent", "ascend-910b", "-w", "llama3-8b", "--set", "ascend-910b.lead_time_weeks=26"]
    result = run("compare", *args)
    assert result.exit_code == 0, result.stderr
    tps = _tps(run, args)
    lines = _claims(result.stdout)
    assert "throughput relative to h100-sxm:rent" in lines[0]
    assert "no a100-80gb in this run, so no verdict" in lines[0]
    row = next(line for line in lines if line.startswith("ascend-910b"))
    assert row.split()[1:3] == [f"{tps['ascend-910b'] / tps['h100-sxm:rent']:.2f}×", "0.85×"]
    assert "agree" not in "\n".join(lines[1:])


def test_a_cny_profile_ranked_first_gets_no_verdict_against_itself(run, monkeypatch: pytest.MonkeyPatch, h14p: Path) -> None:
    monkeypatch.setenv("TCO_PROFILE_PATH", str(h14p))
    result = run("compare", "my910b", "myh20:rent", "-w", "gpt3-1.3b", "-s", "cn")
    assert result.exit_code == 0, result.stderr
    lines = _claims(result.stdout)
    assert "no verdict" in lines[0]
    row = next(line for line in lines if line.startswith("my910b"))
    assert row.split()[1:3] == ["1.00×", "0.85×"]
    assert "agree" not in row


# --------------------------------------------------------------------------- D3: money inputs with their currency


def _text(path: Path) -> str:
    t = re.sub(r"<(style|svg).*?</\1>", "", path.read_text(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", t)))


def test_the_report_s_assumptions_show_cny_and_eur_money_with_its_currency(
    run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, h14p: Path
) -> None:
    monkeypatch.setenv("TCO_PROFILE_PATH", str(h14p))
    out = tmp_path / "r.html"
    result = run("report", "my910b", "myh20:rent", "h100-sxm:rent", "-w", "llama3-8b", "-s", "cn", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = _text(out)
    for shown in (
        "my910b.price_usd 120,000 CNY [TCO] quote",
        "scenario.electricity_usd_per_kwh 0.65 CNY [TCO] tariff",
        "scenario.cost_of_delay_usd_per_day 50,000 CNY [TCO] x",
        "myh20.price_usd 11,000 EUR [TCO] quote",
        "myh20.rental.usd_per_hour 9.5 CNY [TCO] quote",
    ):
        assert shown in text
    # USD values as before: no currency written.
    assert re.search(r"h100-sxm\.price_usd [\d,]+ \[", text)
    assert re.search(r"scenario\.engineer_usd_per_year [\d,]+ \[", text)


def test_profiles_show_writes_a_cny_price_and_range_with_its_currency(run, monkeypatch: pytest.MonkeyPatch, h14p: Path) -> None:
    monkeypatch.setenv("TCO_PROFILE_PATH", str(h14p))
    result = run("profiles", "show", "my910b")
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith("price_usd"))
    assert row.split()[1:7] == ["120,000", "CNY", "100,000", "CNY", "150,000", "CNY"]
    md = run("profiles", "show", "myh20", "-f", "markdown").stdout
    cells = {c[0]: c[1] for c in ([x.strip() for x in line.strip("|").split("|")] for line in md.splitlines() if line.startswith("|"))}
    assert cells["price_usd"] == "11,000 EUR"
    assert cells["rental.usd_per_hour"] == "9.5 CNY"
    scen = run("scenarios", "show", "cn").stdout
    assert re.search(r"^cost_of_delay_usd_per_day\s+50,000 CNY\s", scen, flags=re.M)
    assert re.search(r"^electricity_usd_per_kwh\s+0.65 CNY\s", scen, flags=re.M)


def test_profiles_show_of_a_usd_profile_is_unchanged(run) -> None:
    result = run("profiles", "show", "a100-80gb")
    row = next(line for line in result.stdout.splitlines() if line.startswith("price_usd"))
    assert row.split()[1:4] == ["17,500", "15,000", "20,000"]
    assert "USD" not in row
