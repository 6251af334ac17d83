"""Hostile round 37 and this session's own findings (sweep's JSON, FP4 serving): each defect, fixed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

ARTICLE = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
SWEEP = ["sweep", *ARTICLE, "--vary", "scenario.pue=1:2:3", "--vary", "mlu370-s4.price_usd=5000,8000"]


def test_sweep_json_is_the_one_shape_with_the_csv_rows(run) -> None:
    """Round 34 #13: sweep had no JSON, and its JSON Lines carry no tco_version or inputs. `-f json` is
    the envelope of every command, the rows (the CSV's, as numbers) under results."""
    from tco import __version__

    csv_rows = list(csv.DictReader(io.StringIO(run(*SWEEP).stdout)))
    r = run(*SWEEP, "-f", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert list(doc) == ["schema_version", "tco_version", "inputs", "results"]
    assert doc["schema_version"] == 1 and doc["tco_version"] == __version__
    assert doc["inputs"]["command"] == "sweep" and doc["inputs"]["vary"] == ["scenario.pue=1:2:3", "mlu370-s4.price_usd=5000,8000"]
    assert set(doc["inputs"]["files"]) == {"a100-80gb", "mlu370-s4", "gpt3-1.3b", "scenario"}
    assert len(doc["results"]) == len(csv_rows) == 12
    for rec, row in zip(doc["results"], csv_rows, strict=True):
        assert ["schema_version", *rec] == list(row)
        assert rec["option"] == row["option"] and rec["effective_cost_usd"] == float(row["effective_cost_usd"])


def test_sweep_json_to_a_file_named_json(run, tmp_path: Path) -> None:
    target = tmp_path / "grid.json"
    r = run(*SWEEP, "-o", str(target))
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["results"][0]["point"] == 0


def test_sweep_json_streams_chunks_into_one_list() -> None:
    """Rows of several chunks are one list (commas between chunks, none after the last); no chunk at all
    is an empty list."""
    from tco.render import OutputFormat, stream_sweep

    chunks = [
        SimpleNamespace(options=["a", "b"], columns={"x": [1.0, 2.0]}),
        SimpleNamespace(options=[], columns={"x": []}),
        SimpleNamespace(options=["c"], columns={"x": [float("nan")]}),
    ]
    pieces = list(stream_sweep(["option", "x"], chunks, OutputFormat.json, {"command": "sweep"}))
    doc = json.loads("".join(pieces))
    assert doc["inputs"] == {"command": "sweep"}
    assert doc["results"] == [{"option": "a", "x": 1}, {"option": "b", "x": 2}, {"option": "c", "x": None}]
    assert json.loads("".join(stream_sweep(["option", "x"], [], OutputFormat.json, {})))["results"] == []


# ---------------------------------------------------------------- hostile round 37


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_unknown_price_beside_a_rental_leaves_the_buy_option_its_figures(run) -> None:
    """D1: giving an unpriced part a rental made its buy option infeasible with every figure blank; it is
    incomplete, as without the rental, and lacks only the price."""
    r = run("compare", "l20", "b200", "-w", "llama3-8b", "--set", "l20.rental.usd_per_hour=2", "-f", "json")
    assert r.exit_code == 0
    l20 = next(x for x in json.loads(r.stdout)["results"] if x["option"] == "l20")
    assert l20["status"] == "incomplete" and l20["missing_inputs"] == ["l20.price_usd"]
    assert l20["tokens_per_second_per_accelerator"] > 0 and l20["time_to_market_days"] > 0
    r = run("compare", "tpu-v5p", "-w", "llama3-8b")  # a part no market sells still says so
    assert r.exit_code == 1 and "cannot be bought in market 'global'" in r.stderr


@pytest.mark.parametrize(
    ("path", "value"), [("workload.parameters", "2.6e9"), ("workload.seq_len", "8192"), ("workload.shape.layers", "48")]
)
def test_a_published_run_is_carried_to_a_changed_workload(run, path: str, value: str) -> None:
    """D2: the A100's 12,500 tokens/s on GPT-3 1.3B was kept when --set changed the model itself. The run
    is carried by the model's ratio, as to a changed part: the job's MFU stays about what the run's was,
    and time to converge moves."""
    base = json.loads(run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "json").stdout)["results"][0]
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"{path}={value}", "-f", "json")
    assert r.exit_code == 0
    moved = json.loads(r.stdout)["results"][0]
    assert moved["throughput_source"] == "measured"
    assert moved["tokens_per_second_per_accelerator"] < 0.9 * base["tokens_per_second_per_accelerator"]
    assert moved["time_to_converge_hours"] > base["time_to_converge_hours"]
    assert moved["mfu"] == pytest.approx(base["mfu"], rel=0.1)
    assert any("carried to the changed workload" in n for n in moved["notes"])
    same = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.training_tokens=3e10", "-f", "json")
    assert json.loads(same.stdout)["results"][0]["tokens_per_second_per_accelerator"] == 12500


def test_the_tornado_and_a_sweep_move_a_measured_option_with_the_model_size(run) -> None:
    """D2: the tornado showed no swing for workload.parameters on the measured A100; a sweep was flat."""
    rows = _csv_rows(run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-f", "csv").stdout)
    swing = next(float(r["a100-80gb.swing_usd"]) for r in rows if r["param"] == "workload.parameters")
    assert swing > 100
    rows = _csv_rows(run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "workload.parameters=1.3e9,2.6e9").stdout)
    tps = [float(r["tokens_per_second_per_accelerator"]) for r in rows]
    assert tps[0] == 12500 and tps[1] < 0.6 * tps[0]


def test_the_workbook_gives_an_incomplete_option_its_delay_and_penalty(run, tmp_path: Path) -> None:
    """D3: the Results sheet left an incomplete option's delay and penalty empty; they are formulas as for
    the ranked rows (delay behind the fastest, penalty at the cost of delay). LibreOffice recalculates
    them in tests/test_workbook*.py's way; here the formulas are checked."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "w.xlsx"
    assert run("compare", "l20", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out)["Results"]
    row = next(r for r in ws.iter_rows() if r[0].value == "l20")
    n = row[0].row
    assert str(row[3].value).startswith(f"=IF(B{n}-MIN($B$")  # (since session 59 with the engine's same-date tolerance)
    assert str(row[4].value).startswith(f"=IF(D{n}=0,0,D{n}*")
    assert row[2].value is None and row[5].value is None  # job and effective cost stay empty: they need the price


def test_a_zero_width_range_is_certain_in_sensitivity_and_simulate(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """D4: low = high = value was swung ±20 % by the tornado (held fixed by simulate)."""
    sc = tmp_path / "zero.toml"
    sc.write_text('extends = "default"\nid = "zero"\nname = "zero"\npue = { value = 1.25, low = 1.25, high = 1.25, source = "test" }\n')
    rows = _csv_rows(run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(sc), "-f", "csv").stdout)
    assert "scenario.pue" not in [r["param"] for r in rows] and "scenario.utilization" in [r["param"] for r in rows]
    doc = json.loads(run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(sc), "-n", "100", "-q", "-f", "json").stdout)
    assert "scenario.pue" not in doc["sampled_inputs"] and "scenario.utilization" in doc["sampled_inputs"]


def test_a_currency_that_overflows_is_an_error_naming_the_rate(run) -> None:
    """D5: --currency CNY at usd_per_cny = 1e-300 printed ¥inf and wrote Infinity into the JSON, exit 0."""
    # (typical tuning, as the workload was then: its job costs overflow a float in CNY at this rate)
    sets = ["--set", "scenario.usd_per_cny=1e-300", "--set", "workload.tuning=typical"]
    r = run("compare", "h100-sxm@1024", "a100-80gb@1024", "-w", "llama3-405b", *sets, "--currency", "CNY")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("Error: --set: scenario.usd_per_cny:") and "overflows a float in CNY" in r.stderr


def test_gaps_past_what_a_number_says_are_a_dash_or_short() -> None:
    """D6: +inf% and 300-digit percentages in the gap and ratio columns."""
    from tco.render import gap, ratio

    assert gap(150_000.0, 3.2e-308) == "—" and ratio(150_000.0, 3.2e-308) == "—"
    assert gap(50_000.0, 3.3e-295) == "+1.52e+301%"
    assert gap(3.0, 1.0) == "+200.0%" and ratio(3.0, 1.0) == "3.00×" and ratio(3e7, 1.0) == "3e+07×"


def test_the_ranking_s_difference_column_is_money_with_a_sign() -> None:
    """The ranking's last column is the money above or below the baseline: a percentage of a $556 baseline
    read +152428.1 %. Past a quadrillion it is short, and a difference no float holds is a dash."""
    from tco.render import difference

    assert difference(1_002_433.4, 556.2) == "+$1,001,877" and difference(556.2, 556.2) == "$0"
    assert difference(500.0, 556.25, "€") == "-€56.25" and difference(None, 1.0) == "—"
    assert difference(3e300, 1.0) == "+$3e+300" and difference(float("inf"), 1.0) == "—"
    assert difference(-1.7e308, 1.7e308) == "—" and difference(float("nan"), 1.0) == "—"


def test_the_api_exports_the_rule_that_leaves_options_out(run) -> None:
    """D7: the analyses refuse an option the CLI leaves out with a note; tco.analysable gives Python the
    CLI's rule."""
    import tco

    inputs = tco.load_inputs(["b200", "tpu-v5p"], workload="llama3-8b")
    with pytest.raises(tco.InfeasibleError):
        tco.sensitivity(inputs)
    kept, dropped = tco.analysable(inputs)
    assert [o.label for o in kept.options] == ["b200"] and list(dropped) == ["tpu-v5p"]
    assert tco.sensitivity(kept).results
    assert "analysable" in tco.__all__


def test_a_huge_fleet_count_is_not_printed_digit_by_digit(run) -> None:
    """D8: a fleet of 1.6e298 accelerators filled 471-character table lines. Such a demand is now refused (past
    the 1e9 bound of a count, hostile round 51's D6); the largest fleets within it print in a line."""
    assert run("compare", "mi300x", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e300").exit_code == 1
    r = run("compare", "mi300x", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e16")
    count = json.loads(run("compare", "mi300x", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e16", "-f", "json").stdout)
    assert 1e8 < count["results"][0]["count"] <= 1e9
    assert r.exit_code == 0 and max(len(line) for line in r.stdout.splitlines()) < 300


def test_simulate_samples_only_the_inputs_an_option_reads(run) -> None:
    """D9: a rented H100's purchase price and a bought MI300X's rental rate were listed as sampled."""
    doc = json.loads(run("simulate", "h100-sxm@64:rent", "mi300x@64", "-w", "llama3-8b", "-n", "100", "-q", "-f", "json").stdout)
    sampled = doc["sampled_inputs"]
    assert "h100-sxm.rental.usd_per_hour" in sampled and "mi300x.price_usd" in sampled
    assert "h100-sxm.price_usd" not in sampled and "mi300x.rental.usd_per_hour" not in sampled


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["compare", "a100-80gb", "-w", "gpt3-1.3b", "-w", "llama3-8b"], "--workload"),
        (["compare", "a100-80gb", "-w", "gpt3-1.3b", "--workload=llama3-8b"], "--workload"),
        (["compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "json", "-f", "csv"], "--format"),
        (["simulate", "a100-80gb", "-w", "gpt3-1.3b", "-n10", "-n", "20", "-q"], "--samples"),
    ],
)
def test_a_single_valued_option_given_twice_is_a_usage_error(run, args: list[str], flag: str) -> None:
    """D10: the last value was kept silently, while an input given twice with --set is refused."""
    r = run(*args)
    assert r.exit_code == 2 and r.stdout == "" and flag in r.stderr and "given twice" in r.stderr


def test_repeatable_options_and_flags_may_repeat(run) -> None:
    r = run(
        "simulate", "a100-80gb", "-w", "gpt3-1.3b", "-q", "-q", "-n", "10", "--set", "scenario.pue=1.2", "--set", "scenario.utilization=0.7"
    )
    assert r.exit_code == 0


def test_a_sweep_row_where_the_count_cannot_hold_the_model_has_no_figures(run) -> None:
    """D11: one H100 cannot hold Llama 3 70B: compare shows no figures, the sweep wrote 0 tokens/s and a capex."""
    rows = _csv_rows(run("sweep", "h100-sxm", "b200@1024", "-w", "llama3-70b", "--vary", "h100-sxm.count=1").stdout)
    h100 = next(r for r in rows if r["option"] == "h100-sxm")
    assert h100["feasible"] == "false" and h100["tokens_per_second_per_accelerator"] == "" and h100["capex_usd"] == ""
