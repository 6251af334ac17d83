"""Hostile round 53 (blame for derived failures, reserved ids, shadowing copies, messages): each defect fixed, with a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tco
from tco.errors import InputError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


NO_GRID = ("--set", "scenario.grid_kgco2e_per_kwh_by_market={}")


def test_a_priced_carbon_with_no_grid_intensity_names_the_unknown_input(run) -> None:
    """1: with no grid intensity and a carbon price, every command blamed the shipped accelerator profiles ("no finite
    cost"), and simulate exited 0 with every sample infeasible and no reason. The intensity is an unknown input where
    carbon is priced: the options are incomplete and name it."""
    r = run("compare", "a100-80gb", "h100-sxm", "-w", "llama3-8b", *NO_GRID, "--set", "scenario.carbon_usd_per_tonne=100", "-f", "json")
    assert r.exit_code == 0, r.stderr
    for o in json.loads(r.stdout)["results"]:
        assert o["status"] == "incomplete" and o["missing_inputs"] == ["scenario.grid_kgco2e_per_kwh_by_market.global"]
    strict = run("compare", "a100-80gb", "-w", "gpt3-1.3b", *NO_GRID, "--set", "scenario.carbon_usd_per_tonne=100", "--strict")
    assert strict.exit_code == 1 and "accelerators/" not in strict.stderr
    assert "needs scenario.grid_kgco2e_per_kwh_by_market.global, which is unknown" in strict.stderr
    # Unpriced (the default: 0), the costs need no intensity: ranked, with unknown emissions.
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", *NO_GRID, "-f", "json")
    (o,) = json.loads(r.stdout)["results"]
    assert o["status"] == "ranked" and o["operational_emissions_kgco2e"] is None
    # The default carbon price ranges 0-200: the samples need it, and say so.
    r = run("simulate", "a100-80gb", "h100-sxm", "-w", "llama3-8b", *NO_GRID, "-n", "200")
    assert r.exit_code == 0
    assert "a100-80gb has no cost: the samples need scenario.grid_kgco2e_per_kwh_by_market.global, which is unknown" in r.stdout


@pytest.mark.parametrize(
    ("given", "key"),
    [
        ("scenario.restart_minutes=1e10", "scenario.restart_minutes"),
        ("scenario.checkpoint_save_minutes=1e308", "scenario.checkpoint_save_minutes"),
        ("scenario.failure_rate_per_accelerator_day=1e10", "scenario.failure_rate_per_accelerator_day"),
    ],
)
def test_a_goodput_of_zero_blames_the_input_that_made_it(run, given, key) -> None:
    """2: every goodput of 0 named the shipped default.toml's failure_rate_per_accelerator_day, even when a --set of the
    restart or checkpoint time caused it. G = 1 − A·√n − B·n: the larger loss names its input (A: saves, B: restarts),
    and a --set of any of the three is blamed."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", given)
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: --set: {key}: failures leave no useful time on 8 × a100-80gb"), r.stderr


def test_a_goodput_of_zero_from_a_users_file_names_the_key_it_writes(run, tmp_path) -> None:
    slow = _write(tmp_path / "slow.toml", 'extends = "default"\nid = "slow"\ncheckpoint_save_minutes = 1e300\n')
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(slow))
    assert r.stderr.startswith(f"Error: {slow}: checkpoint_save_minutes: failures leave no useful time"), r.stderr


def test_a_time_to_market_that_overflows_names_the_input(run) -> None:
    """3: an overflowing time to market named the shipped accelerator profile and no key."""
    r = run("compare", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.deployment_weeks=1e308")
    assert r.stderr.startswith(
        "Error: --set: scenario.deployment_weeks: the inputs give no finite effective cost (time to market unbounded): "
        "deployment_weeks = 1e+308 overflows the arithmetic"
    ), r.stderr


@pytest.mark.parametrize("word", ["scenario", "workload"])
def test_the_words_that_begin_a_set_path_are_not_ids(run, tmp_path, word) -> None:
    """4: an accelerator or workload with the id 'scenario' or 'workload' lost its file from the audit trail, or could not
    be reached by --set. Both words are reserved for every kind of input."""
    shipped = (tco.loader.builtin_dir() / "accelerators" / "h100-sxm.toml").read_text()
    part = _write(tmp_path / "accelerators" / f"{word}.toml", shipped.replace('id = "h100-sxm"', f'id = "{word}"'))
    r = run("profiles", "validate", str(part))
    assert r.exit_code == 1 and f"id: '{word}' is reserved: --set {word}.<field> names the run's {word}" in r.stderr, r.stderr
    wl = _write(tmp_path / "wl.toml", f'extends = "gpt3-1.3b"\nid = "{word}"\n')
    r = run("compare", "h100-sxm", "-w", str(wl))
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {wl}: id: '{word}' is reserved"), r.stderr


def test_size_on_a_shipped_serving_workload_blames_the_choice(run, tmp_path) -> None:
    """5 (and round 52's 9): `size -w chat-70b` named the shipped chat-70b.toml's kind; the choice of workload is what
    to change. The user's own serving workload is still named, with its kind."""
    for extra in ([], ["--set", "workload.tokens_per_day=4.15e16"]):
        r = run("size", "h100-sxm", "-w", "chat-70b", "--budget-usd", "1e6", *extra)
        assert r.exit_code == 1 and r.stderr.startswith("Error: workload: sizing applies to training workloads"), r.stderr
        assert "(chat-70b is a serving workload: choose a training one with -w)" in r.stderr and "chat-70b.toml" not in r.stderr
    own = _write(tmp_path / "serve.toml", 'extends = "chat-70b"\nid = "serve"\n')
    r = run("size", "h100-sxm", "-w", str(own), "--budget-usd", "1e6")
    assert r.stderr.startswith(f"Error: {own}: kind: sizing applies to training workloads"), r.stderr


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1000000001", "expected a count of at most 1,000,000,000, got 1,000,000,001"), ("999999999.6", "got 999,999,999.6")],
)
def test_a_refused_count_is_shown_in_full(run, value, shown) -> None:
    """6: 'at most 1,000,000,000, got 1e+09' (and 'a whole count, got 1e+09' for 999,999,999.6)."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", f"a100-80gb.count={value}")
    assert r.exit_code == 1 and shown in r.stderr, r.stderr


def test_a_sensitivity_end_that_overflows_says_so(run) -> None:
    """7: an end at which the option runs but its cost passes 1.8e308 was shown as 'cannot run at high'."""
    r = run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd.high=1e308", "-f", "json")
    rows = {row["param"]: row for row in json.loads(r.stdout)["results"]}
    assert rows["a100-80gb.price_usd"]["overflows"] == {"a100-80gb": ["high"]}
    assert rows["a100-80gb.price_usd"]["effective_cost_high_usd"]["a100-80gb"] is None
    assert all(not row["overflows"] for p, row in rows.items() if p != "a100-80gb.price_usd")
    table = run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd.high=1e308").stdout
    line = next(x for x in table.splitlines() if x.startswith("a100-80gb.price_usd"))
    assert "overflows at high" in line and "cannot run" not in line


def test_estimate_names_a_tensor_degree_no_count_can_run(run) -> None:
    """8: `--tp 64 --count 16` on an 8-GPU node blamed --count; raising it then moved the error to --tp."""
    r = run("estimate", "h100-sxm", "--params", "7B", "--tp", "64", "--count", "16")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --tp: 64 exceeds the 8 accelerators of one h100-sxm node"), r.stderr
    r = run("estimate", "h100-sxm", "--params", "7B", "--tp", "8", "--count", "4")
    assert r.stderr.startswith("Error: --count: the layout (tensor 8) needs 8 accelerators, more than --count 4"), r.stderr


@pytest.mark.parametrize(("heads", "kv_heads", "d_model"), [("heads = 32\n", 64, 4096), ("heads = 32\n", 5, 4096), ("", 3, 4096)])
def test_a_published_row_whose_kv_heads_do_not_divide_the_heads_is_refused(heads, kv_heads, d_model) -> None:
    """9: kv_heads = 64 (or 5) of 32 heads passed validate and entered calibrate; estimate refuses the same shape.
    With no head count, heads of width 128 are assumed: 4096 / 128 = 32, which 3 does not divide."""
    row = {"accelerator": "h100-sxm", "model": "m", "parameters": 7e9, "layers": 32, "d_model": d_model, "kv_heads": kv_heads}
    if heads:
        row["heads"] = 32
    serving = dict(row, precision="fp8", accelerators=1, scenario="offline", input_tokens=128, output_tokens=128, tokens_per_second=1.0)
    with pytest.raises(ValueError, match=f"{kv_heads} KV heads must divide the 32 attention heads"):
        tco.models.ServingRow.model_validate(serving)
    training = dict(row, seq_len=2048, accelerator_count=8, precision="bf16", tokens_per_second=1.0)
    with pytest.raises(ValueError, match=f"{kv_heads} KV heads must divide the 32 attention heads"):
        tco.models.CalibrationRow.model_validate(training)
    ok = dict(serving, kv_heads=8)
    assert tco.models.ServingRow.model_validate(ok).kv_heads == 8


def test_a_copy_on_the_search_path_may_extend_the_profile_it_shadows(run, tmp_path, monkeypatch) -> None:
    """10: scenarios/default.toml with `extends = "default"` (the shipped default with one value changed) was a cycle,
    and so was every file that extends default while it was on TCO_PROFILE_PATH. A file's extends of its own id is
    the next file of that id."""
    _write(tmp_path / "scenarios" / "default.toml", 'extends = "default"\nid = "default"\nname = "Mine"\npue = 1.5\n')
    _write(tmp_path / "scenarios" / "mine.toml", 'extends = "default"\nid = "mine"\nname = "My"\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    for scenario in ("default", "mine"):
        s = tco.load_scenario(scenario)
        assert s.pue.value == 1.5 and s.electricity_usd_per_kwh.value is not None  # (the rest from the shipped default)
    alone = _write(tmp_path / "alone" / "self.toml", 'extends = "self"\nid = "self"\n')
    with pytest.raises(InputError, match="unknown scenario 'self' other than this file"):
        tco.load_scenario(str(alone))
    a = _write(tmp_path / "cyc" / "a.toml", 'extends = "b"\nid = "a"\n')
    _write(tmp_path / "cyc" / "b.toml", 'extends = "a"\nid = "b"\n')
    with pytest.raises(InputError, match="'extends' forms a cycle through 'a'"):
        tco.load_scenario(str(a))
