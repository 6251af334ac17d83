"""Hostile round 100 (the workbook and the one-page report, audited with the programs a buyer opens them in: LibreOffice
recalculating every formula, headless Chromium printing the page): an option the market bars was said to lack an input
by simulate and sensitivity (a rented Ascend 910B in the global market 'has no cost: the samples need its rental rate',
where compare calls it infeasible and no rate would rank it), and the report listed it under the missing inputs; a
report of five options with an unpriced part and two barred ones printed on two sheets (the same market rule written
out twice in full, and rows of dashes for the options the simulation has no figure for); one option whose cash flow
would span more than a century took every option's NPV out of the report and the Cash flow sheet out of the workbook; a
--vs tornado against a barred option was an empty table with exit 0. The cash flow and its NPV are checked by hand, in
the JSON and in the workbook LibreOffice recalculates. Each defect is fixed and tested here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)

TOY_PART = """id = "toy"
vendor = "Test"
name = "Toy accelerator"
can_train = true
can_serve = true
peak = { bf16_tflops = 100, fp16_tflops = 100 }
memory_gb = 100
memory_bandwidth_gbps = 1000
tdp_w = 500
price_usd = 10000
server_overhead_factor = 2.0
power_overhead_factor = 1.5
lead_time_weeks = 52
mfu = 0.5
interconnect = { kind = "nvlink", devices_per_node = 4 }
software = { stack = "Toy", maturity = "reference" }
benchmarks = [{ workload = "toy-train", tokens_per_second = 1000, source = "test" }]
"""

TOY_JOB = """id = "toy-train"
name = "Toy training run"
kind = "training"
parameters = 1e9
precision = "bf16"
seq_len = 1000
shape = { layers = 10, d_model = 1000 }
training_tokens = 1.44e8
accelerator_count = 4
"""

TOY_ECONOMICS = """extends = "default"
id = "toy"
name = "Toy economics"
electricity_usd_per_kwh = 0.1
pue = 1.5
average_power_fraction = 0.5
utilization = 0.5
depreciation_years = 4
cost_of_capital = 0.1
economic_depreciation_oom_per_year = 0.14
server_overhead_factor = 1.0
network_usd_per_accelerator_tier = { infiniband = 0, ethernet = 0 }
storage_usd_per_accelerator = 0
power_overhead_factor = 1.0
facility_usd_per_kw_month = 100
operations_usd_per_accelerator_year = 1000
engineer_usd_per_year = 120000
deployment_weeks = 2
cost_of_delay_usd_per_day = 1000
deadline_days = 375
failure_rate_per_accelerator_day = 0.0
carbon_usd_per_tonne = 0
"""


def _json(run: Any, *args: str) -> dict[str, Any]:
    r = run(*args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return dict(json.loads(r.stdout))


def _print(page: Path, tmp: Path) -> Any:
    """The page printed by headless Chromium (Letter, as a browser prints it), read back with pypdf."""
    pypdf = pytest.importorskip("pypdf")
    pdf = tmp / "r.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"},
    )
    return pypdf.PdfReader(str(pdf))


def test_an_option_the_market_bars_lacks_no_input_in_the_analyses(run, tmp_path: Path) -> None:
    """1: ``tco simulate h100-sxm ascend-910b:rent -w chat-70b`` said 'ascend-910b:rent has no cost: the samples need
    ascend-910b.rental.usd_per_hour, which is unknown; give it with --set ...', and its JSON gave the rate as a missing
    input and the win probability as unknown; sensitivity said it 'cannot run at some ends without' the rate; the report
    listed the rate under 'Missing inputs'. The 910B cannot be rented in the global market at any rate: compare calls it
    infeasible with no missing input, and ``ascend-910b:rent=2`` in simulate is noted infeasible, winning 0 %. A barred
    option now lacks nothing in the analyses either: noted infeasible, 0 % of the wins, 100 % infeasible."""
    args = ("h100-sxm", "ascend-910b:rent", "-w", "chat-70b")
    compared = {r["option"]: r for r in _json(run, "compare", *args)["results"]}
    assert compared["ascend-910b:rent"]["status"] == "infeasible" and compared["ascend-910b:rent"]["missing_inputs"] == []
    sim = run("simulate", *args, "-n", "50")
    assert sim.exit_code == 0, sim.stderr
    assert "has no cost" not in sim.stdout and "rental.usd_per_hour" not in sim.stdout + sim.stderr
    assert "Note: ascend-910b:rent is infeasible: ascend-910b cannot be rented in market 'global'" in sim.stderr
    got = {o["option"]: o for o in _json(run, "simulate", *args, "-n", "50", "-q")["results"]}["ascend-910b:rent"]
    rated_args = ("simulate", "h100-sxm", "ascend-910b:rent=2", "-w", "chat-70b", "-n", "50", "-q")
    rated = {o["option"]: o for o in _json(run, *rated_args)["results"]}
    for o in (got, rated["ascend-910b:rent=2"]):
        assert (o["missing_inputs"], o["win_probability"], o["infeasible_share"]) == ([], 0.0, 1.0)
        assert o["effective_cost_usd"] == {"p10": None, "p50": None, "p90": None}
    tornado = run("sensitivity", *args)
    assert tornado.exit_code == 0 and "rental.usd_per_hour" not in tornado.stdout + tornado.stderr
    assert _json(run, "sensitivity", *args)["missing_inputs"] == {}
    # (breakeven refused it, 'needs ascend-910b.rental.usd_per_hour', exit 1; with a rate it said what it says now)
    for option in ("ascend-910b:rent", "ascend-910b:rent=2"):
        tie = _json(run, "breakeven", "h100-sxm", option, "-w", "chat-70b")["results"][0]["message"]
        assert tie.endswith(f"h100-sxm wins across the whole range ({option} is infeasible there)")
    page = tmp_path / "r.html"
    assert run("report", *args, "-n", "100", "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert '<p class=meta id="missing">Missing inputs: none; every figure is known.</p>' in text
    shown = text.split('<template id="audit">', 1)[0]  # (the audit trail it hashes names every input)
    assert "ascend-910b.rental.usd_per_hour" not in shown.split('id="missing"', 1)[1]


FIVE = ["a100-80gb", "l20", "ascend-910b", "ascend-910c", "br100", "-w", "llama3-8b"]
SIX = ["a100-80gb", "l20", "ascend-910b", "ascend-910c", "mlu590", "br100", "-w", "llama3-8b"]


def test_the_report_says_a_shared_market_rule_once_and_leaves_blank_rows_out_of_a_printout(run, tmp_path: Path) -> None:
    """2 (the page's text): the 910B and 910C are barred by one BIS rule of 430 characters, which the Not ranked table
    wrote out twice; it now gives it for the 910B and points to it for the 910C. The simulation's rows of dashes (an
    unpriced or barred option has no figure) stay on screen and are left out of a printout, where the ranking gives
    their status and the missing inputs what they lack. Several long reasons share the 600 characters one took."""
    from tco.report import WHY_SHARED, WHY_SHOWN, _shown_whys

    page = tmp_path / "r.html"
    assert run("report", *FIVE, "-n", "100", "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    unranked = text[text.index('id="unranked"') :].split("</table>", 1)[0]
    assert unranked.count("General Prohibition 10") == 1
    assert "<td>ascend-910c</td><td>infeasible</td><td>as for ascend-910b above, with ascend-910c in its place</td>" in unranked
    assert ".unprinted,.screen{display:none}" in text[text.index("@media print") :]
    wins = text[text.index("<th>option</th><th class=n>wins</th>") :].split("</table>", 1)[0]
    for option in ("l20", "ascend-910b", "ascend-910c"):
        assert f"<tr class=unprinted><td>{option}</td>" in wins
    assert "<tr><td>a100-80gb</td>" in wins and "<tr><td>br100</td>" in wins
    long_a, long_b = "a" * 700, "b" * 700
    rows = [["x", "infeasible", long_a, "—"], ["y", "infeasible", long_b, "—"], ["z", "incomplete", "unknown: z.price_usd", "—"]]
    shown = _shown_whys(rows)
    assert [len(row[2]) for row in shown] == [WHY_SHARED, WHY_SHARED, len("unknown: z.price_usd")] and WHY_SHOWN == 2 * WHY_SHARED
    assert shown[0][2].startswith("a" * 100) and " … [700 characters: the whole text is in tco compare's output] … " in shown[0][2]
    (alone,) = _shown_whys([["x", "infeasible", long_a, "—"]])
    assert len(alone[2]) == WHY_SHOWN


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
@pytest.mark.parametrize("args", [FIVE, SIX], ids=["five", "six"])
def test_five_and_six_options_with_an_unpriced_and_two_barred_parts_print_on_one_page(run, tmp_path: Path, args: list[str]) -> None:
    """2 (printed): ``tco report a100-80gb l20 ascend-910b ascend-910c br100 -w llama3-8b -o r.html``, printed from
    Chromium, took two sheets, its Not ranked table and provenance line on the second (docs/cost-model.md: up to six
    options fit one page, unpriced and barred ones among them); so did six with mlu590. One sheet now, with the JSON's
    figures: each ranked option's effective cost and NPV, and the hash line at the foot."""
    page = tmp_path / "r.html"
    assert run("report", *args, "-n", "100", "-o", str(page)).exit_code == 0
    reader = _print(page, tmp_path)
    assert len(reader.pages) == 1
    text = " ".join((reader.pages[0].extract_text() or "").split())
    assert "inputs SHA-256" in text and "Not ranked" in text
    compared = _json(run, "compare", *args)["results"]
    npv = {o["option"]: o["npv_cost_usd"] for o in _json(run, "cashflow", *args)["results"]}
    for r in compared:
        if r["rank"] is not None:
            row = f"{r['rank']} {r['option']} 1,024 "
            assert row in text
            assert f"${r['effective_cost_usd']:,.0f} ${npv[r['option']]:,.0f} ranked" in text
    assert "as for ascend-910b above, with ascend-910c in its place" in text


def test_the_cash_flow_and_its_npv_by_hand(run, tmp_path: Path, user_profile) -> None:
    """3 (docs/cost-model.md, Cash flow): 4 toy parts at $10,000 × server factor 2 (capex $80,000) delivered after a
    52-week lead time (day 364: year 0), deployed in 2 weeks (day 378: year 1), a 10-hour job (1.44e8 tokens at 4 ×
    1,000 tokens/s); energy 4 · 250 W · 1.5 · PUE 1.5 · 10 h = 22.5 kWh at $0.10, facility 4 · 500 W · 1.5 · $100 · 12
    · (10 h / u 0.5) / 8766, operations 4 · $1,000 · 20 / 8766, each spread over the run and discounted at its midpoint;
    a resale of 80,000 · 10^(−0.14 · (14 + 10/24) / 365.25) at the run's end, and a delay penalty of 3.41667 days past
    the 375-day deadline × $1,000 at the market date (day 378.41667). r = 10 %. JSON and the workbook, recalculated by
    LibreOffice, give these numbers."""
    user_profile("accelerators", "toy", TOY_PART)
    user_profile("workloads", "toy-train", TOY_JOB)
    user_profile("scenarios", "toy", TOY_ECONOMICS)
    y = 365.25
    delivery, start, end = 364 / y, 378 / y, (378 + 10 / 24) / y
    energy, facility, operations = 22.5 * 0.1, 4 * 500 * 1.5 / 1000 * 100 * 12 * 20 / 8766, 4 * 1000 * 20 / 8766
    residual = 80000 * 10 ** (-0.14 * (14 + 10 / 24) / y)
    penalty = (7 * 54 + 10 / 24 - 375) * 1000
    mid = (start + end) / 2
    year0 = 80000 / 1.1**delivery
    year1 = (energy + facility + operations) / 1.1**mid - residual / 1.1**end + penalty / 1.1**end
    assert (round(facility, 6), round(operations, 6), round(residual, 4)) == (8.213552, 9.126169, 78988.5409)
    (flow,) = _json(run, "cashflow", "toy", "-w", "toy-train", "-s", "toy")["results"]
    first, second = flow["years"]
    assert (first["year"], first["capex_usd"], first["net_cost_usd"]) == (0, 80000.0, 80000.0)
    assert first["discounted_net_cost_usd"] == pytest.approx(year0, rel=1e-12) and round(year0, 2) == 72751.00
    assert second["year"] == 1
    for key, want in (
        ("energy_usd", energy),
        ("facility_usd", facility),
        ("operations_usd", operations),
        ("residual_usd", residual),
        ("delay_penalty_usd", penalty),
    ):
        assert second[key] == pytest.approx(want, rel=1e-12), key
    assert second["net_cost_usd"] == pytest.approx(energy + facility + operations - residual + penalty, rel=1e-12)
    assert second["discounted_net_cost_usd"] == pytest.approx(year1, rel=1e-12)
    assert flow["npv_cost_usd"] == pytest.approx(year0 + year1, rel=1e-12) and round(year0 + year1, 2) == 4302.68
    assert flow["total_cost_usd"] == pytest.approx(80000 + energy + facility + operations - residual + penalty, rel=1e-12)
    from tests.test_workbook import SOFFICE, recalculated

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: the workbook's values are not checked")
    path = tmp_path / "cf.xlsx"
    assert run("cashflow", "toy", "-w", "toy-train", "-s", "toy", "-o", str(path)).exit_code == 0
    rows = {(r[0], r[1]): r for r in recalculated(path, tmp_path)["Cash flow"].iter_rows(min_row=2, values_only=True) if r[0]}
    head = ["capex", "energy", "facility", "operations", "porting", "rent", "lease", "carbon", "residual", "delay penalty", "revenue"]
    sheet = dict(zip(head, rows[("toy", 1)][2:13], strict=True))
    assert sheet["energy"] == pytest.approx(energy, rel=1e-9) and sheet["residual"] == pytest.approx(residual, rel=1e-9)
    assert sheet["delay penalty"] == pytest.approx(penalty, rel=1e-9) and rows[("toy", 0)][2] == 80000
    assert rows[("toy", 0)][14] == pytest.approx(year0, rel=1e-9) and rows[("toy", 1)][14] == pytest.approx(year1, rel=1e-9)
    assert rows[("toy", "NPV")][14] == pytest.approx(year0 + year1, rel=1e-9)
    assert not re.search(r"#|Err:", " ".join(str(v) for r in rows.values() for v in r if isinstance(v, str)))


def test_one_option_whose_cash_flow_spans_a_century_leaves_the_others_npv(run, tmp_path: Path) -> None:
    """4: ``tco report a100-80gb@8 h100-sxm@4096 -w llama3-8b --set workload.training_tokens=6e13 -o r.html``: eight A100s
    take 130 years, more than a cash flow tabulates (``tco cashflow`` refuses them, naming the input), and the report
    then showed no NPV for any option ('NPV' with no rate, '—' for the H100s too), and compare's workbook had no Cash flow
    sheet, without a word. The H100s' cash flow is drawn as ``tco cashflow h100-sxm@4096`` draws it ($25,659,178), the
    A100s still setting the delay, and only the A100s' NPV is '—'."""
    args = ("a100-80gb@8", "h100-sxm@4096", "-w", "llama3-8b", "--set", "workload.training_tokens=6e13")
    refused = run("cashflow", *args)
    assert refused.exit_code == 1 and "a100-80gb@8: the cash flow would span 130.1 years, more than 100" in refused.stderr
    (alone,) = _json(run, "cashflow", *args[1:])["results"]
    assert round(alone["npv_cost_usd"]) == 25659178
    page = tmp_path / "r.html"
    assert run("report", *args, "-n", "100", "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "<th class=n>NPV at 10%</th>" in text
    h100 = re.search(r"<tr><td>1</td><td>h100-sxm@4096</td>(.*?)</tr>", text).group(1)  # type: ignore[union-attr]
    assert h100.endswith("<td class=n>$16,374,322</td><td class=n>$25,659,178</td><td>ranked</td>")
    a100 = re.search(r"<tr><td>2</td><td>a100-80gb@8</td>(.*?)</tr>", text).group(1)  # type: ignore[union-attr]
    assert a100.endswith("<td class=n>—</td><td>ranked</td>")
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "c.xlsx"
    assert run("compare", *args, "-o", str(path)).exit_code == 0
    book = openpyxl.load_workbook(path)
    assert "Cash flow" in book.sheetnames
    options = {r[0] for r in book["Cash flow"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert options == {"h100-sxm@4096"}
    from tests.test_workbook import SOFFICE, recalculated

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    rows = {r[1]: r for r in recalculated(path, tmp_path)["Cash flow"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["NPV"][14] == pytest.approx(alone["npv_cost_usd"], rel=1e-9)
    assert [rows[y["year"]][13] for y in alone["years"]] == pytest.approx([y["net_cost_usd"] for y in alone["years"]], rel=1e-9)


@pytest.mark.parametrize(
    "args",
    [
        ("h100-sxm", "ascend-910b:rent", "-w", "chat-70b", "--vs", "ascend-910b:rent"),
        ("ascend-910b", "a100-80gb", "-w", "llama3-8b", "--vs", "a100-80gb"),
    ],
)
def test_a_tornado_versus_an_option_the_market_bars_is_an_error_not_an_empty_table(run, args: tuple[str, ...]) -> None:
    """5: ``tco sensitivity h100-sxm ascend-910b:rent -w chat-70b --vs ascend-910b:rent`` (and with the barred part first)
    printed the header of a tornado of the two options' difference and no row, exit 0: the 910B has no cost in the global
    market at any input's end. An empty table with exit 0 is no answer (an unpriced --vs option is an error, as a count
    too small to hold the model is): it is now one error naming --vs, the option and the market rule, which says how to
    rank it."""
    from tests.factories import one_error

    barred = "ascend-910b:rent" if "ascend-910b:rent" in args else "ascend-910b"
    verb = "rented" if barred.endswith(":rent") else "bought"
    line = one_error(run("sensitivity", *args))
    assert line.startswith(
        f"Error: --vs: {barred} has no cost to compare with the other option's: ascend-910b cannot be {verb} in market 'global': "
    )
    assert line.endswith(f"it can be {verb} in market 'cn': --set scenario.market=cn")
    assert run("sensitivity", *args[:-2]).exit_code == 0  # (without --vs, the tornado of the others' costs, as before)
