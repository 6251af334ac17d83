"""Hostile round 51 (paths, extends, cross-command agreement, limits, messages): each defect fixed, with a test."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

import tco
from tco.inputs import parse_option


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_profile_path_may_hold_at_signs_and_colons(run, tmp_path) -> None:
    """D1: 'odd@name.toml' and 'dir:colon/x.toml' were read as ID@COUNT and ID:ACQUISITION ("expected ID@COUNT
    with a whole COUNT"); a path runs to its last '.toml', and a count and an acquisition may follow it."""
    assert parse_option("odd@name.toml@16:rent=2") == ("odd@name.toml", 16, tco.models.Acquisition.rent, 2.0)
    assert parse_option("C:\\x\\p.toml@4")[:2] == ("C:\\x\\p.toml", 4)
    assert parse_option("h100-sxm@8:rent")[:2] == ("h100-sxm", 8)  # (an id is read as before)
    odd = _write(tmp_path / "odd@name.toml", 'extends = "h100-sxm"\nid = "odd-h100"\naliases = []\n')
    colon = _write(tmp_path / "dir:colon" / "x.toml", 'extends = "h100-sxm"\nid = "colon-h100"\naliases = []\n')
    r = run("compare", f"{odd}@16", str(colon), "-w", "llama3-8b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert {o["option"] for o in json.loads(r.stdout)["results"]} == {"odd-h100@16", "colon-h100"}


def test_an_empty_table_in_a_child_unsets_the_inherited_quantity(run, tmp_path) -> None:
    """D2: `price_usd = {}` (and `[peak] bf16_tflops = {}`) in a file that extends h100-sxm kept the parent's $27,500
    and its peak, where the same {} given by --set, or in a file of its own, means unknown."""
    price = _write(tmp_path / "noprice.toml", 'extends = "h100-sxm"\nid = "noprice"\naliases = []\nprice_usd = {}\n')
    peak = _write(
        tmp_path / "nopeak.toml", 'extends = "h100-sxm"\nid = "nopeak"\naliases = []\n[peak]\nbf16_tflops = {}\nfp16_tflops = {}\n'
    )
    r = run("compare", str(price), str(peak), "-w", "llama3-8b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    got = {o["option"]: (o["status"], o["missing_inputs"]) for o in json.loads(r.stdout)["results"]}
    assert got["noprice"] == ("incomplete", ["noprice.price_usd"])
    assert got["nopeak"][0] == "incomplete" and "nopeak.peak.bf16_tflops" in got["nopeak"][1]
    # An empty section over a section (not a quantity) still changes nothing.
    same = _write(tmp_path / "same.toml", 'extends = "h100-sxm"\nid = "same"\naliases = []\npeak = {}\n')
    r = run("compare", str(same), "h100-sxm", "-w", "llama3-8b", "-f", "json")
    costs = {o["option"]: o["job_cost_usd"] for o in json.loads(r.stdout)["results"]}
    assert costs["same"] == costs["h100-sxm"]


@pytest.mark.parametrize(
    ("line", "key", "own", "theirs"),
    [
        ("parameters = 1e10", "active_parameters", "parameters", "active_parameters"),
        ("experts = 4", "experts_per_token", "experts", "experts_per_token"),
    ],
)
def test_a_check_across_fields_blames_the_child_that_changed_the_pair(run, tmp_path, line: str, key: str, own: str, theirs: str) -> None:
    """D3: a child of deepseek-v3 that set `parameters = 1e10` (or `experts = 4`) was told the shipped deepseek-v3.toml
    was wrong ("active_parameters: must not exceed parameters"); the child wrote one field of the pair."""
    child = _write(tmp_path / "ds-child.toml", f'extends = "deepseek-v3"\nid = "ds-child"\n{line}\n')
    for args in (("compare", "h100-sxm", "-w", str(child)), ("profiles", "validate", str(child))):
        r = run(*args)
        assert r.exit_code == 1
        assert r.stderr.startswith(f"Error: {child}: {key}: must not exceed"), r.stderr
        assert f"({own} from this file, {theirs} from deepseek-v3.toml, which it extends)" in r.stderr


def test_what_if_costs_an_option_the_market_bars_as_compare_does() -> None:
    """D4: what_if gave None job cost and $/M tokens for a100-80gb barred in market cn, where compare, sweep, CSV
    and JSON give its figures (only its effective cost and rank are None everywhere)."""
    inputs = tco.load_inputs(["mlu590", "a100-80gb"], workload="llama3-8b", sets=["scenario.market=cn"])
    compared = {r.option: r for r in tco.compare(inputs).results}
    w = tco.what_if(inputs, {"scenario.cost_of_delay_usd_per_day": [10000.0]})
    for o in w.options:
        r = compared[o.option]
        assert o.job_cost_usd == [pytest.approx(r.job_cost_usd, rel=1e-12)]
        assert o.cost_per_million_tokens_usd == [pytest.approx(r.cost_per_million_tokens_usd, rel=1e-12)]
    barred = next(o for o in w.options if o.option == "a100-80gb")
    assert compared["a100-80gb"].status.value == "infeasible" and barred.rank == [None] and barred.effective_cost_usd == [None]


def test_a_market_set_on_the_command_line_is_blamed_for_barring_the_options(run) -> None:
    """D5 (in part): with --set scenario.market=cn, the error named the shipped h100-sxm.toml's availability table."""
    r = run("compare", "h100-sxm@64:rent", "a100-80gb@64", "-w", "llama3-8b", "--set", "scenario.market=cn")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: scenario.market: h100-sxm cannot be rented in market 'cn'"), r.stderr


def test_a_serving_fleet_is_bounded_like_a_count(run) -> None:
    """D6: tokens_per_day = 1e300 gave a 297-digit count (exit 0) where ID@COUNT stops at 1,000,000,000. The demand
    needs ceil(1e300 / 86,400 / 0.8 / X / k) · k accelerators; past 1e9 the option cannot be modelled."""
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e300")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("Error: --set: workload.tokens_per_day: serving 1e+300 tokens a day needs "), r.stderr
    assert "more than the 1,000,000,000 accelerators the model takes" in r.stderr
    # In a sweep the point is one the option cannot serve: no figures, not feasible.
    r = run("sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.tokens_per_day=1e9,1e300", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["feasible"] for row in rows] == ["true", "false"] and rows[1]["count"] == "" and rows[0]["count"] == "28"


def test_an_analysis_of_no_options_says_so() -> None:
    """D7: simulate, sensitivity, what_if and size on an Inputs without options raised a ProblemList with no text."""
    empty = dataclasses.replace(tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b"), options=())
    calls = [
        lambda: tco.simulate(empty, samples=10, seed=1),
        lambda: tco.sensitivity(empty),
        lambda: tco.what_if(empty, {"scenario.pue": [1.2]}),
        lambda: tco.size(empty, budget_usd=1e6),
    ]
    for call in calls:
        with pytest.raises(tco.InputError, match="^no accelerator to compare$"):
            call()


def test_validate_messages_name_keys_as_written(run, tmp_path) -> None:
    """D8: 'availability.mars.[key]', a quoted dotted key shown as the nested one, and 'a inference workload's'."""
    mars = _write(tmp_path / "mars.toml", 'extends = "h100-sxm"\nid = "mars"\naliases = []\n[availability.mars]\nbuy = true\nrent = true\n')
    r = run("profiles", "validate", str(mars))
    assert f"Error: {mars}: availability.mars: not an allowed name here: expected 'global' or 'cn', got 'mars'\n" in r.stderr, r.stderr
    dotted = _write(tmp_path / "dotted.toml", 'extends = "h100-sxm"\nid = "dotted"\naliases = []\n"peak.bf16_tflops" = 5\n')
    r = run("profiles", "validate", str(dotted))
    assert f'Error: {dotted}: "peak.bf16_tflops": unknown key (a quoted key with a dot in it; a table\'s key is written [peak]' in r.stderr
    switch = _write(tmp_path / "workloads" / "switch.toml", 'extends = "chat-70b"\nid = "switch"\nkind = "training"\n')
    r = run("profiles", "validate", str(switch))
    assert "its keys are an inference workload's; start from a training workload" in r.stderr, r.stderr


def test_a_sweep_of_a_foreign_currency_input_names_its_currency(run, tmp_path, monkeypatch) -> None:
    """D9: a EUR-quoted price swept in EUR came out under 'my-h100.price_usd' in CSV, JSON and the workbook, with no
    currency anywhere (breakeven and sensitivity say it); the column now says (EUR), and the chart finds it."""
    _write(
        tmp_path / "accelerators" / "my-h100.toml",
        'extends = "h100-sxm"\nid = "my-h100"\naliases = []\nprice_usd = { value = 26000, currency = "EUR", source = "quote" }\n',
    )
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    args = ("my-h100", "-w", "llama3-8b", "--vary", "my-h100.price_usd=20000,30000")
    r = run("sweep", *args, "-f", "csv")
    assert r.exit_code == 0 and r.stdout.splitlines()[0].startswith("schema_version,point,my-h100.price_usd (EUR),option,"), r.stdout
    r = run("sweep", *args, "-f", "json")
    assert json.loads(r.stdout)["results"][0]["my-h100.price_usd (EUR)"] == 20000
    out = tmp_path / "sweep.svg"
    r = run("plot", "sweep", *args, "-o", str(out))
    assert r.exit_code == 0 and "price_usd (EUR)" in out.read_text(), r.stderr


def test_a_shipped_part_that_cannot_be_had_or_used_blames_the_choice_of_option(run) -> None:
    """D5 (the rest): a shipped part that is not sold in the market, or cannot train, named its own profile's
    availability table or can_train key as if the shipped file were wrong; the choice of option is what to change."""
    r = run("compare", "tpu-v5p", "-w", "llama3-8b")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("Error: accelerator: tpu-v5p cannot be bought in market 'global'"), r.stderr
    assert "rent it instead with tpu-v5p:rent" in r.stderr and "tpu-v5p.toml" not in r.stderr
    r = run("simulate", "enflame-i20", "-w", "llama3-8b")
    assert r.exit_code == 1 and r.stderr.startswith("Error: accelerator: enflame-i20 is not a training accelerator"), r.stderr
