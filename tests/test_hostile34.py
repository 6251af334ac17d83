"""Hostile round 34 and this session's own findings: each defect, fixed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BIG_VOCAB = """id = "bigv"
name = "big vocabulary"
kind = "training"
parameters = 8e9
seq_len = 2048
precision = "bf16"
training_tokens = 1e12
accelerator_count = 8
[shape]
layers = 32
d_model = 4096
heads = 32
vocab = {vocab}
"""


def test_a_vocabulary_whose_logits_do_not_fit_is_blamed_on_the_vocabulary(run, tmp_path: Path) -> None:
    """The logits of a huge vocabulary were blamed on the part's memory_gb: now on --vocab (estimate) or the
    workload's shape.vocab, with the logits' share of the activations. 4 bytes × 2,048 tokens × 1e9 / 8
    (tensor parallel over the node) = 1,024 GB."""
    r = run("estimate", "h100-sxm", "--params", "8e9", "--vocab", "1000000000")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --vocab: activations of one 2,048-token sequence")
    assert "1,024.0 GB of it the logits of a 1,000,000,000-token vocabulary" in r.stderr
    wl = tmp_path / "v.toml"
    wl.write_text(BIG_VOCAB.format(vocab=1_000_000_000))
    r = run("compare", "h100-sxm", "-w", str(wl))
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {wl}: shape.vocab: activations")
    # Where the layers take most of it, the vocabulary is not blamed: the sequence's length is, as the
    # flag that gives it (one 1e9-token sequence; a workload file's seq_len is blamed the same way).
    r = run("estimate", "h100-sxm", "--params", "8e9", "--seq-len", "1000000000", "--count", "8")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --seq-len: activations") and "vocabulary" not in r.stderr


ROOT = Path(__file__).parent.parent / "profiles"


def _unknown(tmp_path: Path, kind: str, ref: str, field: str, new_id: str) -> Path:
    """A copy of a shipped file with ``field`` made unknown (a source and no value)."""
    if kind == "scenarios":
        text = f'extends = "{ref}"\nid = "{new_id}"\nname = "x"\n{field} = {{ source = "unknown", confidence = "estimate" }}\n'
    else:
        lines = (ROOT / kind / f"{ref}.toml").read_text().splitlines()
        lines = [f'id = "{new_id}"' if ln.startswith("id = ") else "aliases = []" if ln.startswith("aliases = ") else ln for ln in lines]
        lines = [f'{field} = {{ source = "unknown" }}' if ln.startswith(f"{field} = ") else ln for ln in lines]
        text = "\n".join(lines) + "\n"
    path = tmp_path / f"{new_id}.toml"
    path.write_text(text)
    return path


def test_an_unknown_cost_of_delay_leaves_only_late_options_unranked(run, tmp_path: Path) -> None:
    """It ended in an internal error (KeyError) in compare, simulate, cashflow, sensitivity and sweep, and
    the sweep had written its header first. Now no delay costs nothing at any rate: the fastest option is
    ranked, a late one is not, and says it needs the cost of delay."""
    sc = str(_unknown(tmp_path, "scenarios", "default", "cost_of_delay_usd_per_day", "nocod"))
    two = ["a100-80gb", "h100-sxm", "-w", "llama3-8b", "-s", sc]
    r = run("compare", *two, "-f", "json")
    rows = {x["option"]: x for x in json.loads(r.stdout)["results"]}
    assert r.exit_code == 0 and rows["h100-sxm"]["rank"] == 1 and rows["h100-sxm"]["delay_penalty_usd"] == 0
    assert rows["a100-80gb"]["rank"] is None and rows["a100-80gb"]["missing_inputs"] == ["scenario.cost_of_delay_usd_per_day"]
    for cmd in (["simulate", *two, "-n", "50", "-q"], ["sensitivity", *two], ["sweep", *two, "--vary", "scenario.pue=1.1:1.2:2"]):
        r = run(*cmd)
        assert r.exit_code == 0, r.stderr
        assert "a100-80gb is not ranked: scenario.cost_of_delay_usd_per_day unknown" in r.stderr or cmd[0] == "sweep"
    r = run("cashflow", *two)
    assert r.exit_code == 1 and f"{sc}: cost_of_delay_usd_per_day: unknown, and the analysis needs it" in r.stderr
    assert run("cashflow", "h100-sxm", "-w", "llama3-8b", "-s", sc).exit_code == 0  # alone, nothing is late


def test_a_sweep_that_fails_writes_no_header(run) -> None:
    r = run("sweep", "a100-80gb", "-w", "llama3-8b", "--vary", "workload.parameters=1e308,2e308")
    assert r.exit_code != 0 and r.stdout == ""


def test_size_with_an_unknown_power_factor_or_pue_names_it(run, tmp_path: Path) -> None:
    """``size`` ended in an internal error (KeyError) when the PUE or a part's power overhead was unknown."""
    nopue = str(_unknown(tmp_path, "scenarios", "default", "pue", "nopue"))
    nopof = str(_unknown(tmp_path, "accelerators", "h100-sxm", "power_overhead_factor", "nopof"))
    r = run("size", "a100-80gb", "-w", "llama3-8b", "--deadline-days", "300", "-s", nopue)
    assert r.exit_code == 0 and "528 × a100-80gb meets deadline_days = 300" in r.stdout
    for flag, value in (("--budget-usd", "1e7"), ("--power-kw", "500")):
        r = run("size", nopof, "-w", "llama3-8b", flag, value)
        assert r.exit_code == 1 and "nopof: cannot be sized: needs nopof.power_overhead_factor, which is unknown" in r.stderr
    r = run("size", nopof, "a100-80gb", "-w", "llama3-8b", "--power-kw", "500")
    assert r.exit_code == 0 and "492 × a100-80gb meets power_kw = 500" in r.stdout


def test_estimate_with_an_unknown_failure_input_gives_the_throughput_and_names_it_for_a_run(run, tmp_path: Path) -> None:
    """An unknown checkpoint time ended in an internal error (goodput NaN in the result); with --tokens the
    run was said to take 'longer than a float can count'."""
    sc = str(_unknown(tmp_path, "scenarios", "default", "checkpoint_save_minutes", "nockpt"))
    r = run("estimate", "a100-80gb", "--params", "7B", "-s", sc, "-f", "json")
    out = json.loads(r.stdout)["results"][0]
    assert r.exit_code == 0 and out["goodput"] is None and out["tokens_per_second_per_accelerator"] > 0
    assert any("goodput unknown: needs scenario.checkpoint_save_minutes" in n for n in out["notes"])
    r = run("estimate", "a100-80gb", "--params", "7B", "--tokens", "1T", "-s", sc)
    assert r.exit_code == 1 and "checkpoint_save_minutes" in r.stderr and "float" not in r.stderr


def test_an_input_no_ranked_figure_needs_does_not_unrank_an_option(run, tmp_path: Path) -> None:
    """A part with a published run and no memory figure is ranked by compare; simulate of it alone ended
    in an IndexError, and beside another its wins were counted but not shown (P(win) summed to 49 %)."""
    nomem = str(_unknown(tmp_path, "accelerators", "a100-80gb", "memory_gb", "nomem"))
    r = run("simulate", nomem, "-w", "gpt3-1.3b", "-n", "50", "-q", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["results"][0]["win_probability"] == 1.0
    r = run("simulate", nomem, "a100-80gb", "-w", "gpt3-1.3b", "-n", "500", "--seed", "1", "-q", "-f", "json")
    wins = [x["win_probability"] for x in json.loads(r.stdout)["results"]]
    assert None not in wins and abs(sum(wins) - 1.0) < 1e-9
    r = run("compare", nomem, "a100-80gb", "-w", "gpt3-1.3b", "-f", "json")
    first = json.loads(r.stdout)["results"][0]
    assert first["rank"] == 1 and not any(n.startswith("not ranked") for n in first["notes"])
    assert "not ranked" not in run("sensitivity", nomem, "a100-80gb", "-w", "gpt3-1.3b").stderr


def test_the_pipeline_knee_maximizes_throughput_times_goodput_at_a_fixed_batch() -> None:
    """With a bubble β the throughput of d replicas at a fixed batch of B sequences is ∝ d/(B + β·d): the
    knee maximizes d/(B + β·d)·G(d·m). β = 0 is the closed form; by hand (λ = 0.005, T_s = 1 min, T_r = 12.5
    min, m = 8) d = 945.1 there, and a bubble of 15 over a batch of 945 sequences moves it well below."""
    from tco import perf, training

    rates = perf.goodput_rates(failure_rate=0.005, save_minutes=1.0, restart_minutes=12.5)
    assert training.bubble_knee(rates, 8, 945.0, 0.0) == pytest.approx(training.failure_knee(rates, 8), rel=1e-9)
    b, a = (2 * (1 / 1440) * 0.04) ** 0.5, (12.5 / 1440) * 0.04

    def f(x: float) -> float:
        return x / (945.0 + 15.0 * x) * (1 - b * x**0.5 - a * x)

    d = training.bubble_knee(rates, 8, 945.0, 15.0)
    assert d < 0.5 * 945.1 and f(d) > f(d * 0.99) and f(d) > f(d * 1.01)
    assert training.bubble_knee(perf.goodput_rates(failure_rate=0.0, save_minutes=1.0, restart_minutes=12.5), 8, 945.0, 15.0) == 1e15


def test_more_accelerators_do_not_converge_later_where_a_pipeline_bubble_grows_with_the_degree() -> None:
    """Llama 3 405B on B200: 35,300 converged in 2,076.3 h and 42,917 in 2,103.0 h (+1.3 %), 65,536 in
    2,144.4 h (+3.3 %): the failure knee ignored the bubble, which grows with d at a fixed global batch, so
    the degree that was best at the smaller count was not tried. What remains is the knee's distance from
    the best whole degree (the knee leaves out the gradient reduction's exposure): 0.014 % here."""
    import tco

    def hours(count: int) -> float:
        # (typical, as the workload was then: it now carries Meta's tuned stack)
        (r,) = tco.compare(tco.load_inputs([f"b200@{count}"], workload="llama3-405b", sets=["workload.tuning=typical"])).results
        assert r.time_to_converge_hours is not None
        return r.time_to_converge_hours

    base = hours(35_300)
    assert all(hours(n) <= base * (1 + 3e-4) for n in (42_917, 65_536))
    # Tuned (hostile round 36): 51,200 ran DP 800 in 656.9 h, 125,440 DP 976 in 670.0 h (+2.0 %).
    tuned = ["workload.tuning=tuned"]
    small, large = (tco.compare(tco.load_inputs([f"b200@{n}"], workload="llama3-405b", sets=tuned)).results[0] for n in (51_200, 125_440))
    assert small.time_to_converge_hours and large.time_to_converge_hours
    assert large.time_to_converge_hours <= small.time_to_converge_hours * (1 + 3e-4)


def test_a_per_option_mfu_on_a_part_with_a_published_run_says_it_is_not_used(run) -> None:
    """``--set a100-80gb.mfu=0.05`` kept the published 12,500 tokens/s (the run of this workload comes
    first) while the note said the MFU was final. The note now says which is used; workload.mfu comes
    before the run: 0.05 · 312e12 / (6 · 1.3e9 + 12 · 24 · 2048 · 2048) = 1,731.80 tokens/s by hand."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.mfu=0.05", "-f", "json")
    out = json.loads(r.stdout)["results"][0]
    assert out["tokens_per_second_per_accelerator"] == 12500 and out["throughput_source"] == "measured"
    assert "a100-80gb.mfu is not used: the published run of a100-80gb on gpt3-1.3b is (workload.mfu comes before it)" in out["notes"]
    assert not any(n.startswith("measured MFU given") for n in out["notes"])
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.mfu=0.05", "-f", "json")
    out = json.loads(r.stdout)["results"][0]
    assert out["mfu"] == 0.05 and out["throughput_source"] == "derived"
    assert out["tokens_per_second_per_accelerator"] == pytest.approx(0.05 * 312e12 / (6 * 1.3e9 + 12 * 24 * 2048 * 2048), rel=1e-9)


def test_a_rented_option_reports_the_energy_it_draws(run) -> None:
    """Rented rows said energy_kwh = 0 beside the emissions of the full kWh (hostile round 35): the energy
    is drawn all the same, its cost is in the rate."""
    import csv
    import io

    r = run("compare", "h100-sxm:rent", "h100-sxm", "-w", "llama3-8b", "-f", "csv")
    rent, buy = csv.DictReader(io.StringIO(r.stdout))
    assert float(rent["energy_kwh"]) == pytest.approx(float(buy["energy_kwh"]), rel=1e-12) and float(rent["energy_kwh"]) > 0
    assert float(rent["energy_usd"]) == 0 and rent["operational_emissions_kgco2e"] == buy["operational_emissions_kgco2e"]


def test_vs_the_same_part_at_the_same_count_is_refused(run) -> None:
    """``--vs a100-80gb@8`` beside a100-80gb (the workload's count is 8) printed an empty tornado, exit 0. Since
    session 51 it names that option (the count it runs on), the first one: refused as such."""
    r = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--vs", "a100-80gb@8")
    assert r.exit_code == 1 and "'a100-80gb@8' is the first option, the one the tornado compares with --vs" in r.stderr and r.stdout == ""
    assert run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--vs", "a100-80gb@16").exit_code == 0


def test_vs_an_option_outside_the_list_tells_each_warning_once(run) -> None:
    r = run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--vs", "h100-sxm")
    assert r.exit_code == 0 and r.stderr.count("Warning: mlu370-s4: the measured 7,800 tokens/s") == 1


def test_validate_of_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    """It was click's usage error (exit 2, 'is not readable'); every other command says 'cannot be read'."""
    import os
    import shutil
    import subprocess
    import sys

    f = tmp_path / "noperm.toml"
    f.write_text('id = "x"\n')
    f.chmod(0)
    cmd = [sys.executable, "-m", "tco", "profiles", "validate", str(f)]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("root without setpriv cannot make a file unreadable")
        drop = "-dac_override,-dac_read_search"
        cmd = ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert r.returncode == 1 and r.stderr.strip() == f"Error: {f}: cannot be read: permission denied"


def test_an_alias_two_user_profiles_give_is_refused_and_validate_warns(run, tmp_path: Path, monkeypatch) -> None:
    """It resolved silently to the alphabetically first; an alias equal to a built-in id never reached its file."""
    folder = tmp_path / "accelerators"
    folder.mkdir()
    base = (ROOT / "accelerators" / "h100-sxm.toml").read_text().splitlines()
    for name, aliases in (("aacc", '["shared", "h100-sxm"]'), ("zacc", '["shared"]')):
        swap = {"id = ": f'id = "{name}"', "aliases = ": f"aliases = {aliases}"}
        lines = [next((v for k, v in swap.items() if ln.startswith(k)), ln) for ln in base]
        (folder / f"{name}.toml").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    from typer.testing import CliRunner

    from tco.cli import app

    invoke = CliRunner().invoke
    r = invoke(app, ["compare", "shared", "-w", "gpt3-1.3b"])
    assert r.exit_code == 1 and "'shared' is an alias of aacc and zacc" in r.stderr
    r = invoke(app, ["profiles", "validate", str(folder / "aacc.toml")])
    assert r.exit_code == 0 and "alias 'shared' names another profile too" in r.stderr
    assert "alias 'h100-sxm' reaches" in r.stderr and "h100-sxm.toml, not this file" in r.stderr


def test_a_huge_integer_is_said_to_be_too_large(run, tmp_path: Path) -> None:
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1" + "0" * 400)
    assert r.exit_code == 1 and "expected a finite number (at most 1.8e308), got a 401-digit integer" in r.stderr


def test_an_effective_cost_that_overflows_names_the_input(run) -> None:
    r = run("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.lead_time_weeks=1e308")
    assert r.exit_code == 0 and "its effective cost overflows a float (above 1.8e308 USD): lead_time_weeks = 1e+308" in r.stderr


def test_a_scale_up_domain_past_any_built_is_warned_about(run) -> None:
    """``devices_per_node = 100,000,000`` ran quietly and cut the llama3-70b cost by 30 %."""
    r = run("compare", "a100-80gb", "-w", "llama3-70b", "--set", "a100-80gb.interconnect.devices_per_node=100000000")
    assert r.exit_code == 0 and "Warning: a100-80gb: interconnect.devices_per_node = 100,000,000 is larger than any" in r.stderr
    assert "Warning" not in run("compare", "a100-80gb", "-w", "llama3-70b", "--set", "a100-80gb.interconnect.devices_per_node=72").stderr


def test_show_and_calibrate_json_record_the_files_they_read(run) -> None:
    """Their audit trail named no file: a user copy shadowing a built-in could not be traced."""
    for cmd, key in ((("profiles", "show", "a100-80gb"), "accelerator"), (("workloads", "show", "gpt3-1.3b"), "workload")):
        files = json.loads(run(*cmd, "-f", "json").stdout)["inputs"]["files"]
        assert files[key]["path"].startswith("builtin:") and len(files[key]["sha256"]) == 64
    files = json.loads(run("scenarios", "show", "article", "-f", "json").stdout)["inputs"]["files"]
    assert files["scenario"]["extends"][0]["path"] == "builtin:scenarios/default.toml"
    files = json.loads(run("calibrate", "--summary", "-f", "json").stdout)["inputs"]["files"]
    assert "benchmarks.a100-production" in files and any(k.startswith("serving.") for k in files)


def test_plot_to_standard_output_is_svg(run) -> None:
    r = run("plot", "scatter", "a100-80gb", "-w", "gpt3-1.3b", "-o", "-")
    assert r.exit_code == 0 and "<svg" in r.stdout


def test_a_tornado_marks_the_inputs_whose_swing_holds_the_central_plan(run) -> None:
    """Sensitivity holds the layout, batch and replica at the central values; for an input that moves them
    its bar differed from a --set run by up to 30 % with nothing to say so (hostile round 35)."""
    r = run("sensitivity", "l40s", "-w", "assistant-7b", "-f", "json")
    held = {x["param"]: x["plan_held"] for x in json.loads(r.stdout)["results"]}
    # (the utilization sizes the owned fleet and so the replica that minimises it; the demand moved it too
    # until the KV cache read at its own rate, which left the replica the same across the demand's range)
    assert held["scenario.utilization"] and held["l40s.memory_bandwidth_gbps"] and not held["scenario.pue"]
    table = run("sensitivity", "l40s", "-w", "assistant-7b").stdout
    assert "scenario.utilization *" in table and "* moves a layout, batch or replica" in table
    assert "scenario.pue *" not in table


def test_list_json_records_every_file_listed(run) -> None:
    files = json.loads(run("profiles", "list", "-f", "json").stdout)["inputs"]["files"]
    assert files["a100-80gb"]["path"] == "builtin:accelerators/a100-80gb.toml" and len(files) == 1 + len(
        list((ROOT / "accelerators").glob("*.toml"))
    )
    assert files["scenario"]["path"] == "builtin:scenarios/default.toml"  # (its rates convert CNY and EUR prices)
    files = json.loads(run("scenarios", "list", "-f", "json").stdout)["inputs"]["files"]
    assert files["default"]["path"] == "builtin:scenarios/default.toml"


def test_an_unknown_cost_of_delay_in_the_workbook_costs_nothing_at_no_delay(run, tmp_path: Path) -> None:
    """Hostile round 36: every delay penalty, effective cost and rank recalculated to #N/A, even where the
    delay was 0 and the JSON ranks both options."""
    from tests.test_workbook import SOFFICE, recalculated

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sc = str(_unknown(tmp_path, "scenarios", "default", "cost_of_delay_usd_per_day", "nocod"))
    args = ["h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-s", sc, "--set", "scenario.deadline_days=200"]
    book = tmp_path / "w.xlsx"
    assert run("compare", *args, "-o", str(book)).exit_code == 0
    ranked = {x["option"]: x for x in json.loads(run("compare", *args, "-f", "json").stdout)["results"]}
    rows = list(recalculated(book, tmp_path)["Results"].iter_rows(min_row=2, max_row=3, values_only=True))  # type: ignore[index]
    for name, _, job, delay, penalty, effective, rank, _ in rows:
        want = ranked[name]
        assert (delay, penalty, rank) == (0, 0, want["rank"]) and effective == pytest.approx(want["effective_cost_usd"], rel=1e-9)
        assert job == pytest.approx(want["job_cost_usd"], rel=1e-9)


def test_simulate_counts_what_an_option_lacks_in_every_chunk(run, tmp_path: Path) -> None:
    """Hostile round 36: past one chunk (65,536 samples) the last chunk alone said which option lacked the
    cost of delay, and an option late in half the samples got a win probability; its effective-cost
    percentiles were those of the samples where it was on time."""
    sc = str(_unknown(tmp_path, "scenarios", "default", "cost_of_delay_usd_per_day", "nocod"))
    for n in ("65536", "65537"):
        r = run("simulate", "h100-sxm", "b200", "-w", "gpt3-1.3b", "-s", sc, "-n", n, "--seed", "0", "-q", "-f", "json")
        out = json.loads(r.stdout)
        for o in out["results"]:
            assert o["missing_inputs"] == ["scenario.cost_of_delay_usd_per_day"] and o["win_probability"] is None
            assert o["effective_cost_usd"] == {"p10": None, "p50": None, "p90": None}
        assert out["best_expected_option"] is None


def test_vs_an_option_that_costs_the_same_everywhere_is_refused(run) -> None:
    """Hostile round 36: serving's chosen replica (1 here) made ``--vs h100-sxm@1`` the same configuration
    as h100-sxm, and the tornado was empty with exit 0."""
    r = run("sensitivity", "h100-sxm", "-w", "assistant-7b", "--vs", "h100-sxm@1")
    assert r.exit_code == 1 and "'h100-sxm@1' costs what h100-sxm costs at every input's low and high" in r.stderr


def test_the_report_and_plot_tornados_mark_held_plans(run, tmp_path: Path) -> None:
    svg = tmp_path / "t.svg"
    assert run("plot", "tornado", "l40s", "-w", "assistant-7b", "-o", str(svg)).exit_code == 0
    text = svg.read_text()
    assert "scenario.utilization *" in text and "holds the central layout, batch or replica" in text


def test_cashflow_keeps_an_option_whose_missing_input_no_cost_needs(run, tmp_path: Path) -> None:
    """Hostile round 36: compare, simulate and sensitivity ranked it; cashflow left it out (or refused it)."""
    nomem = str(_unknown(tmp_path, "accelerators", "a100-80gb", "memory_gb", "nomem"))
    r = run("cashflow", nomem, "a100-80gb", "-w", "gpt3-1.3b", "-f", "json")
    assert r.exit_code == 0 and {o["option"] for o in json.loads(r.stdout)["results"]} == {"nomem", "a100-80gb"}


def test_an_unknown_scenario_input_is_asked_for_in_the_scenario_file(run, tmp_path: Path) -> None:
    sc = str(_unknown(tmp_path, "scenarios", "default", "cost_of_delay_usd_per_day", "nocod"))
    r = run("breakeven", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-s", sc, "--param", "h100-sxm.price_usd")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        f"Error: {sc}: cost_of_delay_usd_per_day: unknown, and the analysis needs it; "
        "give it with --set scenario.cost_of_delay_usd_per_day=VALUE"
    )
    from tco import perf
    from tco.errors import MissingInputError

    with pytest.raises(MissingInputError, match="or the scenario's file with usd_per_cny$"):
        perf.require(None, "usd_per_cny", profile="scenario")


def test_size_says_when_only_some_counts_are_known(run, tmp_path: Path) -> None:
    """Hostile round 36: a part with a published run at 8 and no memory figure was sized '8 × nomem meets
    budget_usd = $5,000' (every other count needs the memory), the known part 19,828."""
    nomem = str(_unknown(tmp_path, "accelerators", "a100-80gb", "memory_gb", "nomem"))
    r = run("size", nomem, "-w", "gpt3-1.3b", "--budget-usd", "5000", "-f", "json")
    (out,) = json.loads(r.stdout)["results"]
    assert out["count"] == 8 and out["message"].endswith(
        "among the counts whose figures are known (the others need nomem.memory_gb) (the job's cost; buying them costs $235,600 up front)"
    )
