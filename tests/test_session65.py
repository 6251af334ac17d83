"""Session 65: every shipped estimate carries a range (low and high), so the analyses of uncertain inputs swing and
sample it over its stated range instead of an unlabelled default, and the seed pair's Monte Carlo samples both
options' lead times, not only the one that happened to have a source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tco.loader import tomllib  # (tomli on Python 3.10)
from tests.factories import results_by_option

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _figures(node: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if "confidence" in node and "value" in node:
            out.append((path, node))
        for k, v in node.items():
            out += _figures(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _figures(v, f"{path}[{i}]")
    return out


def _shipped() -> list[tuple[str, str, dict[str, Any]]]:
    rows = []
    for f in sorted(PROFILES.rglob("*.toml")):
        if f.parent.name == "sources":
            continue
        for path, q in _figures(tomllib.loads(f.read_text(encoding="utf-8")), ""):
            rows.append((f.relative_to(PROFILES).as_posix(), path, q))
    return rows


def test_every_shipped_estimate_has_a_low_and_a_high() -> None:
    bare = [f"{f}: {p}" for f, p, q in _shipped() if q["confidence"] == "estimate" and not ("low" in q and "high" in q)]
    assert bare == []


def test_an_accelerators_assumed_price_and_lead_time_have_ranges() -> None:
    # (a part's own purchase price and lead time; a rental's 0-week lead time is on-demand capacity, left as it is)
    bare = [
        f"{f}: {p}"
        for f, p, q in _shipped()
        if f.startswith("accelerators/") and p in ("price_usd", "lead_time_weeks") and q["confidence"] == "assumption"
        if not ("low" in q and "high" in q)
    ]
    assert bare == []


def test_the_new_ranges_hold_their_values() -> None:
    got = {(f, p): (q.get("low"), q["value"], q.get("high")) for f, p, q in _shipped()}
    assert got[("accelerators/ascend-910c.toml", "tdp_w")] == (620, 700, 800)  # 2 × 310 … 2 × 400 W
    assert got[("accelerators/h800.toml", "tdp_w")] == (600, 700, 700)
    assert got[("accelerators/tpu-v5e.toml", "tdp_w")] == (100, 140, 200)
    assert got[("accelerators/mlu370-s4.toml", "peak.bf16_tflops")] == (36, 72, 72)
    assert got[("accelerators/mlu370-s4.toml", "interconnect.bandwidth_gbps")] == (48, 64, 64)  # 2 × 24 GB/s
    assert got[("accelerators/enflame-i20.toml", "interconnect.bandwidth_gbps")] == (48, 64, 64)
    assert got[("accelerators/mlu370-s4.toml", "lead_time_weeks")] == (8, 10, 26)
    # 120,000 CNY × sqrt(72/353.8 × 307.2/1600) = 23,720 CNY, about $3,350; high 1.5 × 6,500
    assert got[("accelerators/mlu370-s4.toml", "price_usd")] == (3350, 6500, 9750)
    assert got[("scenarios/default.toml", "porting.reference.weeks")] == (0, 0, 0)
    l40s_int8 = next(q for f, p, q in _shipped() if f == "accelerators/l40s.toml" and p == "peak.int8_tops")
    assert (l40s_int8["value"], l40s_int8["confidence"]) == (733, "third-party")
    assert "[G-HMC-L40S]" in l40s_int8["source"]


def test_the_tornado_swings_the_mlus_lead_time_over_its_range(run: Any) -> None:
    r = run(*["sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    rows = {x["param"]: x for x in json.loads(r.stdout)["results"]}
    lead = rows["mlu370-s4.lead_time_weeks"]
    assert (lead["low"], lead["high"], lead["range_source"]) == (8, 26, "profile")
    # (26 - 8) weeks × 7 days × the default $10,000 a day of delay
    assert lead["swing_usd"]["mlu370-s4"] == pytest.approx(18 * 7 * 10_000)
    assert lead["swing_usd"]["a100-80gb"] == 0
    price = rows["mlu370-s4.price_usd"]
    assert (price["low"], price["high"], price["range_source"]) == (3350, 9750, "profile")


def test_the_monte_carlo_samples_both_options_price_and_lead_time(run: Any) -> None:
    r = run(*["simulate", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--samples", "50", "--seed", "1", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    sampled = json.loads(r.stdout)["sampled_inputs"]
    for key in ("a100-80gb.price_usd", "a100-80gb.lead_time_weeks", "mlu370-s4.price_usd", "mlu370-s4.lead_time_weeks"):
        assert key in sampled


def test_a_run_measured_on_too_few_accelerators_names_its_count(run: Any, user_profile: Any) -> None:
    """A run measured on 1 × a 24 GB part for an 8B training job (whose state needs many more of them) cannot be
    carried to 64 by the model's ratio (the model's rate at 1 is 0): the refusal names the measurement's count, not
    "no finite cost" (stop 64's left-alone)."""
    text = (PROFILES / "accelerators" / "mlu370-s4.toml").read_text(encoding="utf-8")
    text = text.replace('id = "mlu370-s4"', 'id = "my-s4"').replace('aliases = ["cambricon-mlu370-s4"]', "aliases = []")
    text += (
        '\n[[benchmarks]]\nworkload = "llama3-8b"\naccelerator_count = 1\nsource = "my own run"\n'
        'tokens_per_second = { value = 100, source = "my own run", confidence = "measured" }\n'
    )
    path = user_profile("accelerators", "my-s4", text)
    r = run("compare", "my-s4@64", "-w", "llama3-8b")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        f"Error: {path}: benchmarks[llama3-8b].accelerator_count: the measured 100 tokens/s on 1 × my-s4 cannot be "
        "carried to 64: no layout of llama3-8b fits on 1 × my-s4 in the model; check the measurement's count"
    )


def test_the_claims_sheet_keeps_its_title_and_headers_in_view(run: Any, tmp_path: Path) -> None:
    """The Claims sheet's headers are its row 2 (a title takes row 1): it freezes both rows, every other sheet its
    header row (stop 64's left-alone: the Claims sheet froze the title only)."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "c.xlsx"
    assert run("compare", "a100-80gb", "br100", "-w", "llama3-8b", "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    panes = {ws.title: ws.freeze_panes for ws in wb.worksheets}
    assert panes.pop("Claims") == "A3"
    assert set(panes.values()) == {"A2"}


def test_a_published_claim_is_shown_with_its_range(run: Any) -> None:
    """The seed article's claims are ranges ('~70-80%' for the BR100): the claims table shows the range beside the
    central figure, the JSON carries both ends, and CSV appends them after the layout.* columns (columns are only
    ever appended). The verdict still compares the model with the central figure (within 15 %)."""
    args = ("compare", "a100-80gb", "br100", "ascend-910b", "-w", "llama3-8b")
    r = run(*args)
    assert r.exit_code == 0
    rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.startswith(("br100 ", "ascend-910b "))}
    assert "0.75× (0.70–0.80)  medium      disagree: model 1.42× vs claim 0.75×" in rows["br100"]
    assert "0.85× (0.80–0.90)  high        agree" in rows["ascend-910b"]
    br100 = results_by_option(run, *args)["br100"]
    assert (br100["claimed_relative_training_performance_low"], br100["claimed_relative_training_performance_high"]) == (0.7, 0.8)
    csv_out = run(*args, "-f", "csv")
    header = csv_out.stdout.splitlines()[0].split(",")
    assert header[-2:] == ["claimed_relative_training_performance_low", "claimed_relative_training_performance_high"]
    assert header[-3].startswith("layout.")
