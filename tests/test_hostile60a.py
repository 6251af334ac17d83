"""Hostile round 60a: hostile input files and the model-shape flags; each defect fixed, with a test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import tco
from tco import loader

PROFILE = """id = "{id}"
vendor = "X"
name = "X"
can_train = true
can_serve = true
memory_gb = 80
memory_bandwidth_gbps = 2000
tdp_w = 500
price_usd = 20000
[peak]
bf16_tflops = 500
[interconnect]
kind = "nvlink"
bandwidth_gbps = 600
devices_per_node = 8
[software]
stack = "X"
maturity = "reference"
"""


def _profile(tmp_path, ident: str, workload: str, tokens_per_second: float) -> str:
    """A user profile without a lead time (an unknown input), with one measured run."""
    path = tmp_path / f"{ident}.toml"
    bench = f'[[benchmarks]]\nworkload = "{workload}"\ntokens_per_second = {tokens_per_second!r}\nsource = "x"\n'
    path.write_text(PROFILE.format(id=ident) + bench, encoding="utf-8")
    return str(path)


def test_a_run_above_the_peak_is_refused_even_when_an_unrelated_input_is_unknown(run, tmp_path) -> None:
    """A measured run implying MFU 18 (training) or 282 (serving) on a profile without a lead time was
    accepted: `profiles validate` said ok, compare showed the option as incomplete for its lead time with
    an unknown throughput, and only after the lead time was given did the run come out as impossible."""
    train = _profile(tmp_path, "bt", "gpt3-1.3b", 1e6)
    r = run("profiles", "validate", train)
    assert r.exit_code == 1 and r.stdout == "", r.output
    key = "benchmarks[gpt3-1.3b].tokens_per_second"
    assert f"{key}: the measured 1e+06 tokens/s per accelerator on gpt3-1.3b implies MFU 18.02 (> 1)" in r.stderr
    r = run("compare", train, "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and "implies MFU 18.02 (> 1)" in r.stderr and "lead_time_weeks" not in r.stderr, r.stderr
    serve = _profile(tmp_path, "bs", "chat-70b", 1e6)
    r = run("compare", serve, "-w", "chat-70b")
    assert r.exit_code == 1 and "generated tokens/s per accelerator on chat-70b implies MFU 282.40 (> 1)" in r.stderr, r.stderr
    r = run("profiles", "validate", serve)
    assert r.exit_code == 1 and "implies MFU 282.40 (> 1)" in r.stderr


def test_an_absurd_measured_run_shows_a_short_mfu(run, tmp_path) -> None:
    """1e200 tokens/s printed its MFU as a 196-digit number; it is written as the published-run check writes it."""
    r = run("profiles", "validate", _profile(tmp_path, "bt", "gpt3-1.3b", 1e200))
    assert r.exit_code == 1 and "implies MFU 1.8e+195 (> 1)" in r.stderr and len(r.stderr) < 400, r.stderr


def _published(tmp_path, training_row: str, serving_row: str = "") -> Path:
    """A search path of the shipped profiles and scenarios with one training set (and one serving set)."""
    root = tmp_path / "path"
    for kind in ("accelerators", "scenarios"):
        shutil.copytree(loader.builtin_dir() / kind, root / kind)
    head = 'source = "x"\ntuning = "typical"\ntuning_reason = "r"\n'
    (root / "benchmarks").mkdir()
    (root / "benchmarks" / "u.toml").write_text(f'id = "u"\n{head}[[rows]]\n{training_row}', encoding="utf-8")
    if serving_row:
        (root / "serving").mkdir()
        (root / "serving" / "s.toml").write_text(f'id = "s"\n{head}[[rows]]\n{serving_row}', encoding="utf-8")
    return root


TRAINING_ROW = """accelerator = "a100-80gb"
model = "m"
parameters = 1.7e9
seq_len = {seq_len}
accelerator_count = 32
precision = "fp16"
tokens_per_second = 9288
"""

SERVING_ROW = """accelerator = "h200"
model = "{model}"
parameters = 7.06e10
layers = 80
d_model = 8192
heads = 64
kv_heads = 8
precision = "fp8"
accelerators = 1
replica = 1
scenario = "offline"
input_tokens = 128
output_tokens = 128
tokens_per_second = 3803.0
"""


def test_calibrate_over_rows_the_model_cannot_run_is_not_an_internal_error(run, tmp_path, monkeypatch) -> None:
    """A set whose every training row the model cannot run (a 10^15-token sequence fits no memory) made the
    summary's all-row error NaN, which its model refuses: `tco calibrate` exited 3 (internal error) and
    tco.calibrate raised a pydantic ValidationError. The figures over no row are None, as ErrorStats' are."""
    root = _published(tmp_path, TRAINING_ROW.format(seq_len=10**15))
    summary = tco.calibrate(dirs=[root])
    assert summary.median_absolute_error is None and summary.worst_absolute_error is None
    assert summary.rows[0].error is None and "exceed a100-80gb's usable memory" in (summary.rows[0].reason or "")
    shadow = tmp_path / "shadow" / "benchmarks"
    shadow.mkdir(parents=True)
    for i, path in enumerate((loader.builtin_dir() / "benchmarks").glob("*.toml")):  # every shipped set shadowed by such a set
        head = f'id = "{path.stem}"\nsource = "x"\ntuning = "typical"\ntuning_reason = "r"\n[[rows]]\n'
        # (each its own run: one run in two sets would count twice, and is refused)
        (shadow / path.name).write_text(head + TRAINING_ROW.format(seq_len=10**15 - i), encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(shadow.parent))
    r = run("calibrate", "--summary", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1:3] == ["1,training,fit,0,,,", "1,training,held out,0,,,"]  # (no median error either)


def test_a_serving_refit_keeps_the_constants_its_rows_do_not_move(tmp_path) -> None:
    """`calibrate --fit` over serving sets with no row in the fit half replaced every serving constant by
    its grid's first value (each trial's loss is 0: the first wins), and a constant the fit rows do not move
    (the collective efficiency, on single-accelerator rows) likewise; the training fit keeps its constants
    when it has nothing to fit, and so does the serving fit now."""
    shipped = {"compute_efficiency": 0.8, "bandwidth_efficiency": 0.85, "collective_efficiency": 0.45, "kv_bandwidth_ratio": 0.85}
    row = TRAINING_ROW.format(seq_len=2048)
    held_out = tco.calibrate(dirs=[_published(tmp_path / "a", row, SERVING_ROW.format(model="L"))], refit=True)
    assert held_out.serving is not None and [r.split for r in held_out.serving.rows] == ["holdout"]
    assert {k: held_out.serving.constants[k] for k in shipped} == shipped
    assert held_out.serving.constants["layer_overhead_typical_ms"] == pytest.approx(0.11)
    assert held_out.serving.constants["layer_overhead_tuned_ms"] == pytest.approx(0.025)
    fitted = tco.calibrate(dirs=[_published(tmp_path / "b", row, SERVING_ROW.format(model="b"))], refit=True)
    assert fitted.serving is not None and [r.split for r in fitted.serving.rows] == ["fit"]
    assert fitted.serving.constants["collective_efficiency"] == 0.45  # (one accelerator: no collective)


def test_a_file_named_by_its_path_is_not_said_to_shadow_through_the_search_path(run, tmp_path, monkeypatch) -> None:
    """A copy of a shipped profile and workload in ./accelerators and ./workloads, named by their paths with
    TCO_PROFILE_PATH unset, was warned to shadow the built-ins '(TCO_PROFILE_PATH comes first)': a file named
    by its path is not found on the search path. Found there by its id, the copy is still announced."""
    for kind, name in (("accelerators", "h100-sxm"), ("workloads", "gpt3-1.3b")):
        (tmp_path / kind).mkdir()
        shutil.copy(loader.builtin_dir() / kind / f"{name}.toml", tmp_path / kind / f"{name}.toml")
    monkeypatch.chdir(tmp_path)
    r = run("compare", "./accelerators/h100-sxm.toml", "-w", "./workloads/gpt3-1.3b.toml")
    assert r.exit_code == 0 and "shadows" not in r.stderr and "TCO_PROFILE_PATH" not in r.stderr, r.stderr
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    r = run("compare", "h100-sxm", "-w", "gpt3-1.3b")
    assert r.exit_code == 0
    assert "h100-sxm: " in r.stderr and "shadows the built-in accelerator of the same name (TCO_PROFILE_PATH comes first)" in r.stderr
    assert "shadows the built-in workload of the same name" in r.stderr


def test_a_cost_of_delay_in_yuan_without_a_rate_asks_for_the_rate(run, tmp_path) -> None:
    """A scenario quoting the cost of delay in CNY with `usd_per_cny = {}` (unknown) made compare, simulate,
    sweep and breakeven exit 3 (KeyError 'scenario.usd_per_cny'): the rate is now an unknown input the late
    options need, as an unknown cost of delay is."""
    path = tmp_path / "cny.toml"
    path.write_text(
        'id = "cny"\nname = "x"\nextends = "default"\ncost_of_delay_usd_per_day = { value = 1000, currency = "CNY" }\nusd_per_cny = {}\n',
        encoding="utf-8",
    )
    r = run("compare", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(path), "-f", "json")
    assert r.exit_code == 0, r.output
    rows = {row["option"]: row for row in json.loads(r.stdout)["results"]}
    assert rows["h100-sxm"]["status"] == "ranked" and rows["h100-sxm"]["delay_penalty_usd"] == 0.0
    assert rows["a100-80gb"]["status"] == "incomplete" and rows["a100-80gb"]["missing_inputs"] == ["scenario.usd_per_cny"]
    assert "a100-80gb is not ranked: scenario.usd_per_cny unknown; complete it with --set scenario.usd_per_cny=VALUE" in r.stderr
    r = run("breakeven", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(path))
    assert r.exit_code == 1 and r.stdout == ""
    assert "usd_per_cny: unknown, and the analysis needs it; give it with --set scenario.usd_per_cny=VALUE" in r.stderr
    r = run("sweep", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(path), "--vary", "scenario.pue=1.1:1.5:3", "-f", "csv")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 7, r.output
    r = run("compare", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(path), "--set", "scenario.usd_per_cny=0.14", "-f", "json")
    rows = {row["option"]: row for row in json.loads(r.stdout)["results"]}
    assert rows["a100-80gb"]["delay_penalty_usd"] == pytest.approx(1000 * 0.14 * rows["a100-80gb"]["delay_days"])
