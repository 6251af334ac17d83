"""The what-if commands (breakeven, sensitivity, simulate, sweep, size) through typer's CliRunner.

stdout and stderr are asserted separately (``result.stdout`` / ``result.stderr``). Expected values
come from ``compare`` runs with ``--set`` (the documented meaning of each analysis) or from the
hand formulas of the article's case in ``test_analysis.py``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from test_analysis import article_hours, article_job_cost, article_market_days

from tco.render import OutputFormat

approx = pytest.approx
ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article"]
MLU_WARNING = "Warning: mlu370-s4: the measured 7,800 tokens/s"


def ok(result) -> None:
    assert result.exit_code == 0, result.stderr


def one_error(result) -> str:
    """Exit 1, nothing on stdout, exactly one ``Error:`` line and no traceback on stderr."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    assert all(line.startswith(("Error: ", "Warning: ")) for line in result.stderr.splitlines()), result.stderr
    return errors[0]


def compare(run, *extra: str, options: list[str] | None = None) -> dict[str, dict]:
    """``tco compare`` (the article's pair by default) as JSON, results by option label."""
    args = ["compare", *(options or ["a100-80gb", "mlu370-s4"]), "-w", "gpt3-1.3b", "-s", "article", "-f", "json", *extra]
    result = run(*args)
    ok(result)
    return {r["accelerator"]: r for r in json.loads(result.stdout)["results"]}


def first(results: dict[str, dict]) -> str:
    return next(k for k, r in results.items() if r["rank"] == 1)


def json_of(result) -> dict:
    ok(result)
    return json.loads(result.stdout)


def record_of(result) -> dict:
    """The one record of a single-result command (breakeven) in the common JSON shape."""
    payload = json_of(result)
    assert payload["inputs"]["command"] and len(payload["results"]) == 1
    return payload["results"][0]


# --------------------------------------------------------------------------- breakeven


def test_breakeven_cost_of_delay_is_the_linear_breakeven(run) -> None:
    """c* = (J_a100 − J_mlu) / (T_mlu − T_a100) from compare; the JSON's param and value feed --set:
    slightly above c* the A100 ranks first, slightly below the MLU does."""
    result = run("breakeven", *ARTICLE, "-f", "json")
    payload = record_of(result)
    res = compare(run)
    a, m = res["a100-80gb"], res["mlu370-s4"]
    c_star = (a["job_cost_usd"] - m["job_cost_usd"]) / (m["time_to_market_days"] - a["time_to_market_days"])
    assert payload["param"] == "scenario.cost_of_delay_usd_per_day"
    assert payload["value"] == approx(c_star, rel=1e-6)
    assert (payload["winner_below"], payload["winner_above"]) == ("mlu370-s4", "a100-80gb")
    assert json_of(result)["schema_version"] == 1 and json_of(result)["inputs"]["param"] == payload["param"]
    # Verdicts and warnings on stderr only; stdout is exactly the JSON.
    assert result.stderr.splitlines()[-1] == payload["message"]
    assert "tie at scenario.cost_of_delay_usd_per_day = 155.539" in payload["message"]
    above = compare(run, "--set", f"{payload['param']}={payload['value'] * (1 + 1e-6)!r}")
    below = compare(run, "--set", f"{payload['param']}={payload['value'] * (1 - 1e-6)!r}")
    assert first(above) == "a100-80gb"
    assert first(below) == "mlu370-s4"


def test_breakeven_on_electricity_with_a_range(run) -> None:
    """At $160/day of delay (just above the break-even $156) the A100 wins narrowly; the MLU uses less
    energy, so a dearer kWh makes it win. At the returned price both effective costs are equal (compare --set)."""
    cod = ["--set", "scenario.cost_of_delay_usd_per_day=160"]
    payload = record_of(run("breakeven", *ARTICLE, *cod, "--param", "scenario.electricity_usd_per_kwh", "--range", "0:1", "-f", "json"))
    assert payload["param"] == "scenario.electricity_usd_per_kwh"
    assert (payload["range_low"], payload["range_high"]) == (0.0, 1.0)
    at = compare(run, *cod, "--set", f"{payload['param']}={payload['value']!r}")
    assert at["a100-80gb"]["effective_cost_usd"] == approx(at["mlu370-s4"]["effective_cost_usd"], rel=1e-6)
    # Linear in the price: p* = p0 + (TEC_mlu − TEC_a100)(p0) / (kWh_a100 − kWh_mlu), p0 = 0.0826.
    base = compare(run, *cod)
    gap = base["mlu370-s4"]["effective_cost_usd"] - base["a100-80gb"]["effective_cost_usd"]
    kwh = base["a100-80gb"]["energy_kwh"] - base["mlu370-s4"]["energy_kwh"]
    assert payload["value"] == approx(0.0826 + gap / kwh, rel=1e-6)
    assert (payload["winner_below"], payload["winner_above"]) == ("a100-80gb", "mlu370-s4")


def test_breakeven_on_a_price_with_the_default_range(run) -> None:
    """An MLU price given with no low/high (a table replaces the profile's ranged one): the default range is
    ÷10 .. ×10 of $6,500; the tie checks out."""
    cod = ["--set", "scenario.cost_of_delay_usd_per_day=100"]
    bare = ["--set", "mlu370-s4.price_usd={value=6500}"]
    payload = record_of(run("breakeven", *ARTICLE, *cod, *bare, "--param", "mlu370-s4.price_usd", "-f", "json"))
    assert (payload["range_low"], payload["range_high"]) == (650.0, 65000.0)
    at = compare(run, *cod, "--set", f"mlu370-s4.price_usd={payload['value']!r}")
    assert at["a100-80gb"]["effective_cost_usd"] == approx(at["mlu370-s4"]["effective_cost_usd"], rel=1e-6)
    assert (payload["winner_below"], payload["winner_above"]) == ("mlu370-s4", "a100-80gb")


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_breakeven_no_tie_in_range(run, fmt: str) -> None:
    """At $10,000/day the A100 wins whatever a kWh costs in [0, 1]: value null and a plain message."""
    result = run("breakeven", *ARTICLE, "--param", "scenario.electricity_usd_per_kwh", "--range", "0:1", "-f", fmt)
    ok(result)
    message = "no tie for scenario.electricity_usd_per_kwh in [0, 1]: a100-80gb wins across the whole range"
    assert result.stderr.splitlines()[-1] == message
    if fmt == "json":
        payload = json.loads(result.stdout)["results"][0]
        assert payload["value"] is None and payload["all_values"] == []
        assert payload["message"] == message
    else:
        assert message in result.stdout


def test_breakeven_on_a_count_with_a_range(run) -> None:
    """With fewer A100s the run is longer but, inside a node, costs the same (n · T_h constant). A100 time
    to market is 112 + 16/n days vs the MLU's 112 + 3.205: at n = 5 the A100 is 0.005 day ahead and the
    MLU's lower job cost wins; at n = 6 it is 0.54 day ahead and the A100 wins."""
    payload = record_of(run("breakeven", *ARTICLE, "--param", "a100-80gb.count", "--range", "1:64", "-f", "json"))
    assert 5 <= payload["value"] <= 6
    assert (payload["winner_below"], payload["winner_above"]) == ("mlu370-s4", "a100-80gb")
    assert first(compare(run, options=["a100-80gb@5", "mlu370-s4"])) == "mlu370-s4"
    assert first(compare(run, options=["a100-80gb@6", "mlu370-s4"])) == "a100-80gb@6"
    delay_at_5 = article_market_days("mlu370-s4") - (112 + article_hours("a100-80gb", 5) / 24)
    assert 0 < delay_at_5 * 10000 < article_job_cost("a100-80gb") - article_job_cost("mlu370-s4")


def test_breakeven_on_a_count_without_a_range(run) -> None:
    """README: 'any numeric input path works, including <id>.count', and --range defaults to the input's
    own range: a count's default range must hold whole counts >= 1 (÷10 of 8 is 0.8)."""
    result = run("breakeven", *ARTICLE, "--param", "a100-80gb.count", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert 5 <= json.loads(result.stdout)["results"][0]["value"] <= 6


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--param", "scenario.pue_x"], "did you mean 'pue'"),
        (["--param", "mlu370-s5.price_usd"], "did you mean 'mlu370-s4'"),
        (["--param", "scenario.name"], "not a numeric input"),
        (["--range", "5:1"], "inverted"),
        (["--range", "abc"], "LO:HI"),
        (["--range", "1:inf"], "finite"),
        (["--range", "-5:10"], "-5"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_breakeven_bad_inputs(run, args: list[str], expected: str) -> None:
    """Each bad --param or --range: exit 1, one Error line naming the problem, nothing on stdout."""
    assert expected in one_error(run("breakeven", *ARTICLE, *args))


def test_what_if_path_errors_name_the_option_given(run) -> None:
    """A mistyped path in --param or --vary is reported against that option or path, not against --set
    (the user gave no --set)."""
    for result in (run("breakeven", *ARTICLE, "--param", "scenario.pue_x"), run("sweep", *ARTICLE, "--vary", "scenario.pue_x=1,2")):
        line = one_error(result)
        assert "did you mean 'pue'" in line
        assert "--set" not in line, line


def test_breakeven_and_sensitivity_accept_profile_paths(run) -> None:
    """README: any argument that names a profile may instead be a path to a TOML file."""
    path = str(ROOT / "profiles" / "accelerators" / "mlu370-s4.toml")
    result = run("breakeven", "a100-80gb", path, "-w", "gpt3-1.3b", "-s", "article", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["value"] == approx(record_of(run("breakeven", *ARTICLE, "-f", "json"))["value"])
    result = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "-s", "article", "--vs", path, "-f", "json")
    assert result.exit_code == 0, result.stderr


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_vs_differences_equal_compare_runs(run) -> None:
    """The difference a100 − mlu at an input's low and high is what two compare --set runs give: the cost
    of delay swings over its scenario range ($1,000 .. $100,000), the MLU price over its profile's ($3,350 ..
    $9,750), the MLU's memory bandwidth (no range) ±20 %."""
    payload = json_of(run("sensitivity", *ARTICLE, "--vs", "mlu370-s4", "-f", "json"))
    assert payload["vs"] == ["a100-80gb", "mlu370-s4"]
    rows = {r["param"]: r for r in payload["results"]}
    cases = {
        "scenario.cost_of_delay_usd_per_day": (1000.0, 100000.0, "profile"),
        "mlu370-s4.price_usd": (3350.0, 9750.0, "profile"),
        "mlu370-s4.memory_bandwidth_gbps": (307.2 * 0.8, 307.2 * 1.2, "default ±20%"),
    }
    for param, (low, high, source) in cases.items():
        row = rows[param]
        assert (row["low"], row["high"], row["range_source"]) == (approx(low), approx(high), source)
        for value, key in ((low, "difference_low_usd"), (high, "difference_high_usd")):
            res = compare(run, "--set", f"{param}={value!r}")
            assert row[key] == approx(res["a100-80gb"]["effective_cost_usd"] - res["mlu370-s4"]["effective_cost_usd"])
    # And by hand for the cost of delay: J_a100 − (J_mlu + c · 1.205 days).
    delay = article_market_days("mlu370-s4") - article_market_days("a100-80gb")
    for c, key in ((1000, "difference_low_usd"), (100000, "difference_high_usd")):
        want = article_job_cost("a100-80gb") - article_job_cost("mlu370-s4") - c * delay
        assert rows["scenario.cost_of_delay_usd_per_day"][key] == approx(want)


def test_sensitivity_rows_sorted_as_documented(run) -> None:
    """--vs: inputs that flip the decision first (one at whose end an option cannot run first of all),
    then by the swing of the difference; without --vs, an input at whose end an option that runs at the
    central values cannot run first, then by the largest swing of any option."""
    rows = json_of(run("sensitivity", *ARTICLE, "--vs", "mlu370-s4", "-f", "json"))["results"]
    keys = [(not r["flips_decision"], r["difference_swing_usd"] is not None, -(r["difference_swing_usd"] or 0)) for r in rows]
    assert keys == sorted(keys)
    # ±20 % / 8-12 weeks of lead time moves a market date by 14 days, against a 1.2-day gap: a flip.
    assert rows[0]["flips_decision"] and rows[0]["param"].endswith("lead_time_weeks")
    # +20 % measured tokens/s: the MLU370-S4's run would need MFU 1.17, so it cannot run there; the A100,
    # which wins at the central values, wins there too: no flip, but the row is kept (no difference to show)
    bench = next(r for r in rows if r["param"] == "mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second")
    assert bench["flips_decision"] is False and bench["difference_swing_usd"] is None
    plain = json_of(run("sensitivity", *ARTICLE, "-f", "json"))["results"]
    swings = [max((math.inf if v is None else v) for v in r["swing_usd"].values()) for r in plain]
    assert swings == sorted(swings, reverse=True)
    table = run("sensitivity", *ARTICLE, "--vs", "mlu370-s4")
    ok(table)
    assert table.stdout.startswith("central effective cost: a100-80gb $550, mlu370-s4 $12,414\n")
    assert "flips?" in table.stdout


def test_sensitivity_params_are_usable_as_sweep_paths(run) -> None:
    """Every input the tornado reports is a path the other what-ifs accept: sweeping it over its low and
    high reproduces the tornado's effective costs."""
    payload = json_of(run("sensitivity", *ARTICLE, "-f", "json"))
    failures = []
    for row in payload["results"]:
        result = run("sweep", *ARTICLE, "--vary", f"{row['param']}={row['low']!r},{row['high']!r}")
        if result.exit_code != 0:
            failures.append(f"{row['param']}: {result.stderr.splitlines()[-1]}")
            continue
        rows = csv.DictReader(io.StringIO(result.stdout))
        got = {(r["point"], r["option"]): float(r["effective_cost_usd"]) if r["effective_cost_usd"] else None for r in rows}
        for option in ("a100-80gb", "mlu370-s4"):  # (None: the option cannot run there, in both)
            assert got[("0", option)] == approx(row["effective_cost_low_usd"][option]), row["param"]
            assert got[("1", option)] == approx(row["effective_cost_high_usd"][option]), row["param"]
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- simulate


SIM = ["simulate", *ARTICLE, "--samples", "3000"]


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_simulate_same_seed_same_bytes(run, fmt: str) -> None:
    """Same seed, byte-identical output; a different seed, different output."""
    one = run(*SIM, "--seed", "42", "-f", fmt)
    two = run(*SIM, "--seed", "42", "-f", fmt)
    other = run(*SIM, "--seed", "43", "-f", fmt)
    for r in (one, two, other):
        ok(r)
    assert one.stdout == two.stdout
    assert one.stdout != other.stdout


def test_simulate_json_probabilities_and_percentiles(run) -> None:
    """Win probabilities sum to 1; P10 ≤ P50 ≤ P90 for every metric."""
    payload = json_of(run(*SIM, "--seed", "1", "-f", "json"))
    assert (payload["samples"], payload["seed"], payload["schema_version"]) == (3000, 1, 1)
    options = payload["results"]
    assert [o["option"] for o in options] == ["a100-80gb", "mlu370-s4"]
    assert sum(o["win_probability"] for o in options) == approx(1.0, abs=1e-12)
    for o in options:
        for metric in ("effective_cost_usd", "cost_per_million_tokens_usd", "time_to_market_days"):
            p = o[metric]
            assert p["p10"] <= p["p50"] <= p["p90"], (o["option"], metric)


@pytest.mark.parametrize("samples", ["0", "-5"])
def test_simulate_needs_samples(run, samples: str) -> None:
    """--samples below 1: exit 1, one Error line naming --samples."""
    line = one_error(run("simulate", *ARTICLE, "--samples", samples))
    assert line.startswith("Error: --samples: ")


@pytest.mark.parametrize("quiet", [[], ["--quiet"]], ids=["default", "quiet"])
def test_simulate_no_progress_bar_without_a_terminal(run, quiet: list[str]) -> None:
    """CliRunner's stderr is not a terminal: only the warning is written there, no bar."""
    result = run(*SIM, *quiet)
    ok(result)
    assert "\r" not in result.stderr and "samples" not in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith(MLU_WARNING)] == []


def _simulate_on_a_terminal(*extra: str) -> tuple[str, str]:
    """Run ``tco simulate`` with stderr on a pseudo-terminal; return (stdout, what the terminal got)."""
    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    master, slave = os.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tco", *SIM, "-f", "json", *extra], stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, timeout=120, env=env
        )
        os.close(slave)
        slave = -1
        seen = b""
        while select.select([master], [], [], 0.5)[0]:
            try:
                piece = os.read(master, 65536)
            except OSError:
                break
            if not piece:
                break
            seen += piece
    finally:
        if slave != -1:
            os.close(slave)
        os.close(master)
    assert proc.returncode == 0, seen
    return proc.stdout.decode(), seen.decode()


def test_simulate_progress_bar_on_a_terminal_and_quiet() -> None:
    """On a terminal the bar is drawn on stderr; --quiet silences it; stdout is the same either way."""
    out, terminal = _simulate_on_a_terminal()
    assert "samples  [####################################]  3000/3000" in terminal  # typer's (click's) bar, full at the end
    quiet_out, quiet_terminal = _simulate_on_a_terminal("--quiet")
    assert "samples" not in quiet_terminal
    assert out == quiet_out  # the bar never touches the results


# --------------------------------------------------------------------------- sweep


SWEEP = ["sweep", *ARTICLE, "--vary", "scenario.cost_of_delay_usd_per_day=0:1000:3", "--vary", "mlu370-s4.price_usd=5000,8000"]


def test_sweep_csv_header_and_one_row_per_point_and_option(run) -> None:
    """Range form 0:1000:3 → 0, 500, 1000; list form → 5000, 8000; 3 · 2 points · 2 options = 12 rows."""
    result = run(*SWEEP)
    ok(result)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("schema_version,point,scenario.cost_of_delay_usd_per_day,mlu370-s4.price_usd,option,")
    assert sum(line.startswith("schema_version") for line in lines) == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3 * 2 * 2
    assert result.stderr.splitlines()[-1] == "12 rows"
    for k, r in enumerate(rows):
        point, option = divmod(k, 2)
        assert r["schema_version"] == "1"
        assert int(r["point"]) == point
        assert r["option"] == ["a100-80gb", "mlu370-s4"][option]
        assert float(r["scenario.cost_of_delay_usd_per_day"]) == [0, 500, 1000][point // 2]
        assert float(r["mlu370-s4.price_usd"]) == [5000, 8000][point % 2]
        assert r["feasible"] == "true"


def test_sweep_rows_equal_compare_runs(run) -> None:
    """Sampled rows: compare with --set at the row's point gives the same costs and rank."""
    rows = list(csv.DictReader(io.StringIO(run(*SWEEP).stdout)))
    for k in (0, 3, 7, 10):
        r = rows[k]
        res = compare(
            run,
            "--set",
            f"scenario.cost_of_delay_usd_per_day={r['scenario.cost_of_delay_usd_per_day']}",
            "--set",
            f"mlu370-s4.price_usd={r['mlu370-s4.price_usd']}",
        )[r["option"]]
        for key in ("effective_cost_usd", "job_cost_usd", "capex_usd", "time_to_market_days", "delay_penalty_usd"):
            assert float(r[key]) == approx(res[key], rel=1e-12), (k, key)
        assert int(r["rank"]) == res["rank"]


def test_sweep_jsonl_has_the_csv_keys_and_values(run) -> None:
    """-f jsonl: one JSON object per CSV row, the CSV header as keys, the same values."""
    csv_rows = list(csv.DictReader(io.StringIO(run(*SWEEP).stdout)))
    result = run(*SWEEP, "-f", "jsonl")
    ok(result)
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(csv_rows)
    for rec, row in zip(records, csv_rows, strict=True):
        assert list(rec) == list(row)
        assert rec["schema_version"] == 1 and rec["option"] == row["option"]
        assert rec["feasible"] is True
        assert rec["effective_cost_usd"] == float(row["effective_cost_usd"])


def test_sweep_output_file_only_on_success(run, tmp_path: Path) -> None:
    """-o FILE is written on success only; a failed run keeps the old file and leaves no temporary."""
    target = tmp_path / "grid.csv"
    result = run(*SWEEP, "-o", str(target))
    ok(result)
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == run(*SWEEP).stdout
    target.write_text("previous\n", encoding="utf-8")
    failed = run("sweep", *ARTICLE, "--vary", "scenario.pue=5:1:10", "-o", str(target))
    one_error(failed)
    assert target.read_text(encoding="utf-8") == "previous\n"
    fresh = tmp_path / "fresh.csv"
    one_error(run("sweep", *ARTICLE, "--vary", "scenario.pue=abc", "-o", str(fresh)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.csv"]


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("scenario.pue_x=1,2", "did you mean 'pue'"),
        ("mlu370-s5.price_usd=1000,2000", "did you mean 'mlu370-s4'"),
        ("scenario.pue=5:1:10", "inverted"),
        ("scenario.pue=3:3:10", "inverted"),
        ("scenario.pue=1:2:0", "N of at least 1"),
        ("scenario.pue=abc", "'abc'"),
        ("scenario.pue=1:2", "LO:HI:N"),
        ("scenario.pue=0.5,1.2", "0.5"),
        ("a100-80gb.count=1.5,2", "whole"),
    ],
)
def test_sweep_bad_inputs(run, vary: str, expected: str) -> None:
    """Each bad --vary: exit 1, one Error line (with a suggestion for typos), no traceback, empty stdout."""
    assert expected in one_error(run("sweep", *ARTICLE, "--vary", vary))


@pytest.mark.parametrize(
    "fmt", sorted(set(OutputFormat) - {OutputFormat.csv, OutputFormat.json, OutputFormat.jsonl, OutputFormat.xlsx}, key=lambda f: f.value)
)
def test_sweep_rejects_non_streaming_formats(run, fmt: OutputFormat) -> None:
    """sweep streams rows: table and markdown are a usage error, exit 2 (xlsx writes a workbook)."""
    result = run(*SWEEP, "--format", fmt.value)
    assert result.exit_code == 2 and result.stdout == "" and "csv, json, jsonl or xlsx" in result.stderr


def test_sweep_over_measured_throughput(run) -> None:
    """The measured tokens/s is an input like any other: 8 MLUs at 7,200 tokens/s converge in
    17.28e9 / (8 · 7200) / 3600 = 83.3 h. At 8,000 the run would compute more than the part's 72 TFLOPS
    peak (MFU 1.005): no measurement, so no figure."""
    result = run("sweep", *ARTICLE, "--vary", "mlu370-s4.benchmarks[gpt3-1.3b].tokens_per_second=7200,7800,8000")
    assert result.exit_code == 0, result.stderr
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["option"] == "mlu370-s4"]
    hours = [approx(250.0 / 3), approx(17.28e9 / (8 * 7800) / 3600)]
    assert [float(r["time_to_converge_hours"]) for r in rows[:2]] == hours
    assert rows[2]["time_to_converge_hours"] == "" and rows[2]["feasible"] == "false"


SERVE_TOML = """\
id = "analysis-serve"
name = "Inference service for the sweep tests"
kind = "inference"
parameters = 7e9
precision = "bf16"
seq_len = 2048
tokens_per_day = 1e9
service_life_years = 3
max_batch = 64
"""


def test_sweep_over_count_of_an_inference_fleet_is_refused(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """For serving, ID@N fixes the replica size (a discrete choice), so varying a count is a usage error
    that says what to do instead, never a silently ignored input."""
    (tmp_path / "workloads").mkdir()
    (tmp_path / "workloads" / "analysis-serve.toml").write_text(SERVE_TOML, encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("sweep", "a100-80gb", "-w", "analysis-serve", "--vary", "a100-80gb.count=2,4")
    assert result.exit_code == 1
    assert "replica size (ID@N)" in result.stderr and result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- size


def test_size_deadline_smallest_count(run) -> None:
    """Deadline 114.1 days: 112 days of lead time and deployment, then T_h/24 ≤ 2.1 days. A100: measured
    on 8, 384/8 = 48 h → 8 (7 takes 2.29 days by hand). Beyond the measured count the layout model
    carries the measurement, so both answers are checked with compare at count and count − 1."""
    limit = 114.1
    payload = json_of(run("size", *ARTICLE, "--deadline-days", str(limit), "-f", "json"))
    counts = {o["option"]: o["count"] for o in payload["results"]}
    assert 112 + article_hours("a100-80gb", 8) / 24 <= limit < 112 + 384 / 7 / 24
    assert counts["a100-80gb"] == 8
    res = compare(run, options=[f"{c}@{n}" for c, n in counts.items()])
    assert all(r["time_to_market_days"] <= limit for r in res.values())
    fewer = compare(run, options=[f"{c}@{n - 1}" for c, n in counts.items()])
    assert all(r["time_to_market_days"] > limit for r in fewer.values())


def test_size_budget_largest_count(run) -> None:
    """The largest count within $655, checked with compare at count and count + 1 (job cost grows with
    the count once the pipeline bubble and communication of the layout model set in)."""
    limit = 655.0
    payload = json_of(run("size", *ARTICLE, "--budget-usd", str(limit), "-f", "json"))
    counts = {o["option"]: o["count"] for o in payload["results"] if o["feasible"]}
    assert counts
    res = compare(run, options=[f"{c}@{n}" for c, n in counts.items()])
    assert all(r["job_cost_usd"] <= limit * (1 + 1e-9) for r in res.values())
    more = compare(run, options=[f"{c}@{n + 1}" for c, n in counts.items()])
    assert all(r["job_cost_usd"] > limit for r in more.values())


def test_size_power_largest_count(run) -> None:
    """IT power × PUE per chip: A100 400 W · k_pwr 2.03 · 1.25 = 1.015 kW → 9 in 10 kW (10 need 10.15);
    MLU max(TDP 75, measured 250) W · 1.8 · 1.25 = 0.5625 kW → 17 (18 need 10.125)."""
    payload = json_of(run("size", *ARTICLE, "--power-kw", "10", "-f", "json"))
    per_chip = {"a100-80gb": 400 * 2.03 * 1.25 / 1000, "mlu370-s4": 250 * 1.8 * 1.25 / 1000}
    for o in payload["results"]:
        kw = per_chip[o["option"]]
        assert o["count"] == math.floor(10 / kw)
        assert o["facility_power_kw"] == approx(o["count"] * kw)
        assert (o["count"] + 1) * kw > 10
    assert [o["count"] for o in payload["results"]] == [9, 17]


def test_size_purchase_budget_largest_count(run) -> None:
    """--capex-usd 2e6: the largest count whose purchase fits, checked with compare at count and count + 1
    (each past one server: switch tiers join the capex); the audit records the limit, the table shows money."""
    payload = json_of(run("size", *ARTICLE, "--capex-usd", "2e6", "-f", "json"))
    assert payload["inputs"]["capex_usd"] == 2e6
    counts = {o["option"]: o["count"] for o in payload["results"]}
    assert all(n > 8 for n in counts.values())
    res = compare(run, options=[f"{c}@{n}" for c, n in counts.items()])
    assert all(r["capex_usd"] <= 2e6 for r in res.values())
    assert {f"{o['option']}@{o['count']}": o["capex_usd"] for o in payload["results"]} == approx(
        {k: r["capex_usd"] for k, r in res.items()}
    )
    more = compare(run, options=[f"{c}@{n + 1}" for c, n in counts.items()])
    assert all(r["capex_usd"] > 2e6 for r in more.values())
    table = run("size", *ARTICLE, "--capex-usd", "2e6")
    ok(table)
    assert table.stdout.splitlines()[0] == "gpt3-1.3b · capex_usd = $2,000,000"


def test_size_impossible_deadline(run) -> None:
    """Lead time 10 weeks + deployment 6 weeks = 112 days before training starts: 50 days is impossible."""
    line = one_error(run("size", *ARTICLE, "--deadline-days", "50"))
    assert line.startswith("Error: --deadline-days: ")
    assert "no count meets 50 days" in line and "112.0 days" in line


def test_size_one_option_impossible(run) -> None:
    """Default scenario: the MLU's 12-week port makes 7 · (10 + 6 + 12) = 196 days; the A100 still fits 150."""
    result = run("size", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--deadline-days", "150", "-f", "json")
    ok(result)
    options = {o["option"]: o for o in json.loads(result.stdout)["results"]}
    assert options["a100-80gb"]["feasible"] and options["a100-80gb"]["time_to_market_days"] <= 150
    assert not options["mlu370-s4"]["feasible"] and options["mlu370-s4"]["count"] is None
    assert "Note: mlu370-s4: no count meets 150 days: lead time, deployment and porting alone take 196.0 days" in result.stderr.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--deadline-days", "120", "--budget-usd", "1000"],
        ["--budget-usd", "1000", "--power-kw", "10"],
        ["--budget-usd", "1", "--capex-usd", "1"],
    ],
    ids=["none", "two", "two-more", "two-budgets"],
)
def test_size_needs_exactly_one_constraint(run, args: list[str]) -> None:
    """No constraint, or more than one: a usage error (exit 2), one Error line, before any input loads."""
    result = run("size", *ARTICLE, *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert "give exactly one of --deadline-days, --budget-usd, --capex-usd, --power-kw" in result.stderr and "Warning" not in result.stderr


# --------------------------------------------------------------------------- buy or rent

RENTABLE_TOML = """\
id = "rentable"
vendor = "Test"
name = "Rentable test part"
can_train = true
can_serve = true
memory_gb = 80
memory_bandwidth_gbps = 2000
tdp_w = 300
price_usd = 10000
lead_time_weeks = 10

[peak]
bf16_tflops = 300
fp16_tflops = 300

[interconnect]
kind = "nvlink"
devices_per_node = 8

[software]
stack = "Test"
maturity = "reference"

[rental]
usd_per_hour = { value = 2.0, low = 1.5, high = 3.0, source = "test" }
lead_time_weeks = 1

[[benchmarks]]
workload = "gpt3-1.3b"
tokens_per_second = 10000
source = "test"
"""


@pytest.fixture
def rentable(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A part that can be bought ($10,000) or rented ($2/h), measured at 10,000 tokens/s: 8 take 60 h."""
    folder = tmp_path / "profiles" / "accelerators"
    folder.mkdir(parents=True)
    path = folder / "rentable.toml"
    path.write_text(RENTABLE_TOML, encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "profiles"))
    return path


def rentable_buy_job_cost() -> float:
    """8 bought, article scenario: T_h = 17.28e9 / (8 · 10000) / 3600 = 60 h, owned 75 h; no measured power,
    so P_avg = 300 · 0.75; scenario k_srv 1.64, k_pwr 1.8; no porting (reference stack)."""
    hours, owned = 60.0, 75.0
    capex = 8 * 10000 * 1.64
    capital = capex * (0.10 * 1.10**5 / (1.10**5 - 1)) * owned / 8766
    facility = 8 * 300 * 1.8 / 1000 * 184.06 * 12 * owned / 8766
    energy = 8 * 300 * 0.75 * 1.8 * 1.25 * hours / 1000 * 0.0826
    return capital + facility + energy


def test_compare_rent_and_buy_side_by_side(run, rentable: Path) -> None:
    """Rented: capex 0, rent = n · rate · T_h = 8 · 2 · 60; market 7 · (1 + 3 set-up) + 60/24 days."""
    res = compare(run, options=["rentable:rent", "rentable"])
    rent, buy = res["rentable:rent"], res["rentable"]
    assert rent["acquisition"] == "rent" and buy["acquisition"] == "buy"
    assert rent["capex_usd"] == 0 and rent["capital_usd"] == 0 and rent["energy_usd"] == 0
    assert rent["rent_usd"] == approx(8 * 2.0 * 60)
    assert rent["job_cost_usd"] == approx(960)
    assert rent["time_to_market_days"] == approx(7 * (1 + 3) + 60 / 24)
    assert buy["capex_usd"] == approx(8 * 10000 * 1.64)
    assert buy["rent_usd"] == 0
    assert buy["job_cost_usd"] == approx(rentable_buy_job_cost())
    assert buy["time_to_market_days"] == approx(7 * (10 + 6) + 60 / 24)


def test_breakeven_on_the_rental_rate(run, rentable: Path) -> None:
    """No cost of delay: renting ties with buying at rate* = J_buy / (8 · 60 h)."""
    payload = record_of(
        run(
            "breakeven",
            "rentable:rent",
            "rentable",
            "-w",
            "gpt3-1.3b",
            "-s",
            "article",
            "--set",
            "scenario.cost_of_delay_usd_per_day=0",
            "--param",
            "rentable.rental.usd_per_hour",
            "--range",
            "0.1:10",
            "-f",
            "json",
        )
    )
    assert payload["value"] == approx(rentable_buy_job_cost() / (8 * 60), rel=1e-6)
    assert (payload["winner_below"], payload["winner_above"]) == ("rentable:rent", "rentable")


def test_simulate_and_sensitivity_with_bought_and_rented_options(run, rentable: Path) -> None:
    """Mixed acquisitions in simulate and sensitivity: the rental rate is sampled and swung."""
    opts = ["rentable:rent", "rentable", "a100-80gb"]
    payload = json_of(run("simulate", *opts, "-w", "gpt3-1.3b", "-s", "article", "-n", "2000", "-f", "json"))
    assert [o["option"] for o in payload["results"]] == opts
    assert "rentable.rental.usd_per_hour" in payload["sampled_inputs"]
    assert sum(o["win_probability"] for o in payload["results"]) == approx(1.0, abs=1e-12)
    rows = json_of(run("sensitivity", *opts, "-w", "gpt3-1.3b", "-s", "article", "-f", "json"))["results"]
    rate = next(r for r in rows if r["param"] == "rentable.rental.usd_per_hour")
    assert rate["effective_cost_low_usd"]["rentable:rent"] == approx(8 * 1.5 * 60)
    assert rate["swing_usd"]["rentable"] == 0


def test_breakeven_with_a_profile_path_and_rent_suffix(run, tmp_path: Path) -> None:
    """An option given as PATH:rent works in breakeven like ID:rent."""
    path = tmp_path / "rentable.toml"
    path.write_text(RENTABLE_TOML, encoding="utf-8")
    result = run(
        "breakeven",
        f"{path}:rent",
        str(path),
        "-w",
        "gpt3-1.3b",
        "-s",
        "article",
        "--set",
        "scenario.cost_of_delay_usd_per_day=0",
        "--param",
        "rentable.rental.usd_per_hour",
        "--range",
        "0.1:10",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["value"] == approx(rentable_buy_job_cost() / (8 * 60), rel=1e-6)


# --------------------------------------------------------------------------- every format


COMMANDS = {
    "breakeven": ["breakeven", *ARTICLE],
    "sensitivity": ["sensitivity", *ARTICLE, "--vs", "mlu370-s4"],
    "simulate": ["simulate", *ARTICLE, "--samples", "200"],
    "size": ["size", *ARTICLE, "--power-kw", "10"],
}


@pytest.mark.parametrize("fmt", [f for f in OutputFormat if f is not OutputFormat.xlsx])  # xlsx: tests/test_workbook.py
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_format_renders_for_each_analysis(run, command: str, fmt: OutputFormat) -> None:
    """Each --format member renders each analysis recognisably in its own format."""
    result = run(*COMMANDS[command], "--format", fmt.value)
    ok(result)
    out = result.stdout
    assert out.strip()
    checks = {
        "table": lambda: "-----" in out and "|" not in out,
        "csv": lambda: out.startswith("schema_version,") and len(list(csv.reader(io.StringIO(out)))) >= 2,
        "json": lambda: json.loads(out)["schema_version"] == 1,
        "jsonl": lambda: all(json.loads(line)["schema_version"] == 1 for line in out.splitlines()),
        "markdown": lambda: any(set(line) <= set("|-: ") and "|" in line for line in out.splitlines()),
    }
    assert fmt.value in checks, f"new output format {fmt.value!r}: add what its output looks like here"
    assert checks[fmt.value]()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", [OutputFormat.csv, OutputFormat.jsonl])
def test_sweep_streams_in_both_formats(run, fmt: OutputFormat) -> None:
    """CSV has one header line plus 12 rows; JSON Lines has 12 lines."""
    result = run(*SWEEP, "-f", fmt.value)
    ok(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 12 + (fmt is OutputFormat.csv)


def test_analyses_leave_out_options_that_cannot_run_and_answer_for_the_rest(run) -> None:
    """A market-wide run answers for the options that can run the workload: an inference-only card on
    a training job is left out of sensitivity (one note, recorded in the audit), and an option without
    a price is left out of the cash flow; the figures of the others are those of a run without them."""
    alone = json_of(run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "-s", "article", "-f", "json"))
    mixed = run("sensitivity", "a100-80gb", "enflame-i20", "-w", "gpt3-1.3b", "-s", "article", "-f", "json")
    payload = json_of(mixed)
    assert payload["results"] == alone["results"]
    assert list(payload["inputs"]["left_out"]) == ["enflame-i20"]
    notes = [line for line in mixed.stderr.splitlines() if line.startswith("Note: ")]
    assert notes == [f"Note: enflame-i20 is left out: {payload['inputs']['left_out']['enflame-i20']}"]
    assert "is not a training accelerator" in notes[0]

    flow = run("cashflow", "a100-80gb", "l20", "-w", "gpt3-1.3b", "-f", "json")
    assert [r["option"] for r in json_of(flow)["results"]] == ["a100-80gb"]
    assert "Note: l20 is left out: needs l20.price_usd, which is unknown; give it with --set l20.price_usd=VALUE" in flow.stderr


def test_an_analysis_keeps_the_options_it_was_asked_to_compare(run) -> None:
    """--vs names an option the tornado needs: when that option cannot run the workload, its problem is
    the error (not a silent drop); so is a run where no option can run it."""
    vs = run("sensitivity", "a100-80gb", "--vs", "enflame-i20", "-w", "gpt3-1.3b")
    assert "enflame-i20 is not a training accelerator" in one_error(vs)
    none = run("simulate", "enflame-i20", "-w", "gpt3-1.3b", "-n", "100", "-q")
    assert "enflame-i20 is not a training accelerator" in one_error(none)


def test_the_vs_option_is_named_in_any_case(run) -> None:
    """Ids are case-insensitive: --vs MLU370-S4 names the option already compared (it was added a second
    time and refused as a duplicate), and the result is the same as with the id as written."""
    lower = json_of(run("sensitivity", *ARTICLE, "--vs", "mlu370-s4", "-f", "json"))["results"]
    upper = json_of(run("sensitivity", *ARTICLE, "--vs", "MLU370-S4", "-f", "json"))["results"]
    assert upper == lower
