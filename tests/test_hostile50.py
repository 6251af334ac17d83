"""Hostile round 50 (this session's changes, then the schema, plots, the API and shadowing): each defect fixed, with a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import shipped_copy

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def test_two_runs_of_one_workload_in_a_profile_are_refused(run, tmp_path) -> None:
    """D1: two [[benchmarks]] of gpt3-1.3b were accepted and mixed: one run's rate with the other's
    count and source, and a --set of benchmarks[gpt3-1.3b] changed nothing."""
    path = tmp_path / "dupbench.toml"
    path.write_text(
        'extends = "a100-80gb"\nid = "dupbench"\naliases = []\n\n'
        '[[benchmarks]]\nworkload = "gpt3-1.3b"\naccelerator_count = 8\ntokens_per_second = 12500\nsource = "run A"\n\n'
        '[[benchmarks]]\nworkload = "gpt3-1.3b"\naccelerator_count = 64\ntokens_per_second = 6000\nsource = "run B"\n'
    )
    expected = f"Error: {path}: benchmarks: two runs of the workload 'gpt3-1.3b': give one per workload"
    for args in (("profiles", "validate", str(path)), ("compare", f"{path}@8", "-w", "gpt3-1.3b")):
        r = run(*args)
        assert r.exit_code == 1 and r.stderr.startswith(expected), r.stderr


def test_idle_accelerators_left_out_for_failures_say_so(run) -> None:
    """D6: accelerators the layout leaves out because fewer lose less to failures were explained as
    'the count is not a multiple of one replica's 1 accelerators' (8 is a multiple of 1)."""
    sets = ("--set", "scenario.restart_minutes=1000", "--set", "scenario.failure_rate_per_accelerator_day=0.1")
    notes = json.loads(run("compare", "a100-80gb", "-w", "gpt3-1.3b", *sets, "-f", "json").stdout)["results"][0]["notes"]
    layout = next(n for n in notes if n.startswith("layout: "))
    assert layout.endswith("1 idle (fewer replicas lose less to failures: layouts are judged by speed × goodput; "
                           "scenario.failure_rate_per_accelerator_day and restart_minutes set it)"), layout  # fmt: skip


def test_a_serving_rows_lengths_below_one_token_name_their_key(run, tmp_path) -> None:
    """D8: output_tokens = 0.5 was 'rows[0]: value must be a number >= 1' (no key); the schema said > 0."""
    (tmp_path / "serving").mkdir()
    path = tmp_path / "serving" / "m.toml"
    path.write_text(
        'id = "mysrv"\nsource = "x"\ntuning = "typical"\ntuning_reason = "stock vLLM"\n\n[[rows]]\naccelerator = "a100-80gb"\n'
        'model = "x"\nparameters = 7e9\nprecision = "bf16"\naccelerators = 1\nscenario = "offline"\ninput_tokens = 128\n'
        'output_tokens = 0.5\ntokens_per_second = 50\nsource = "t"\n'
    )
    r = run("profiles", "validate", str(path))
    assert r.stderr.strip() == f"Error: {path}: rows[0].output_tokens: expected at least 1, got 0.5"
    schema = json.loads(run("schema", "serving").stdout)
    row = schema["$defs"]["ServingRow"]["properties"]
    assert row["output_tokens"]["minimum"] == 1 and row["input_tokens"]["minimum"] == 1


@pytest.mark.parametrize("args", [("--set", "workload.accelerator_count=2e9"), ("--vary", "workload.accelerator_count=2e9")])
def test_an_accelerator_count_has_one_bound_everywhere(run, args: tuple[str, ...]) -> None:
    """D9: --set workload.accelerator_count=2e9 ran while --vary, what_if, --range and ID@N refused
    anything past 1,000,000,000."""
    command = "sweep" if args[0] == "--vary" else "compare"
    r = run(command, "a100-80gb", "-w", "llama3-8b", *args, *(["-f", "csv"] if command == "sweep" else []))
    assert r.exit_code == 1 and ("1,000,000,000" in r.stderr or "1000000000" in r.stderr), r.stderr


def test_a_range_too_wide_to_sample_names_its_file(run, tmp_path) -> None:
    """D11: the error named the key (widep.price_usd) but not the file holding it."""
    path = tmp_path / "widep.toml"
    path.write_text(shipped_copy("a100-80gb", "widep", price_usd='{ value = 17500, low = 1e-300, high = 1e300, source = "x" }'))
    r = run("simulate", str(path), "-w", "gpt3-1.3b", "--samples", "100", "--seed", "1", "-q")
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {path}: price_usd: its range (1e-300 to 1e+300) is too wide to sample")


def test_evpi_is_the_mean_regret_of_the_best_on_average() -> None:
    """D14: EVPI was min E[cost] − E[min cost], cut to 0 below 1e-9 of the costs: with costs near 1e49
    a regret of 2.4e39 printed $0. It is now E[cost_best − min_a cost_a], computed as such."""
    import tco
    from tco.analysis import montecarlo

    inputs = tco.load_inputs(
        ["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", sets=["scenario.electricity_usd_per_kwh={value=0.08,low=1e-30,high=1e30}"]
    )
    result = montecarlo.simulate(inputs, samples=2000, seed=1, keep_samples=True)
    import numpy as np

    kept = result.effective_cost_samples_usd
    assert kept is not None
    a, b = np.array(kept["a100-80gb"]), np.array(kept["mlu370-s4"])
    best = a if a.mean() <= b.mean() else b
    regret = float((best - np.minimum(a, b)).mean())
    assert regret > 0
    assert result.expected_value_of_perfect_information_usd == pytest.approx(regret, rel=1e-9)


def test_a_sweep_too_large_for_a_workbook_blames_the_flag_that_chose_it(run, tmp_path) -> None:
    """D15: `-o big.xlsx` (no --format) was 'Invalid value for --format'. (Round 56: a limit tco checks exits 1,
    as the sweep's own row limit does.)"""
    vary = ("--vary", "scenario.pue=1:2:300", "--vary", "scenario.utilization=0.1:1:400")
    target = tmp_path / "big.xlsx"
    r = run("sweep", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", *vary, "-o", str(target))
    assert r.exit_code == 1 and "Error: -o: a workbook is built in memory" in r.stderr
    r = run("sweep", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", *vary, "-f", "xlsx", "-o", str(target))
    assert r.exit_code == 1 and "Error: --format: a workbook is built in memory" in r.stderr
    assert not target.exists()


def test_renting_a_part_without_a_rental_table_lacks_its_rate(run) -> None:
    """D2: `br100:rent` (no [rental] table) was infeasible with no missing input, so --strict passed it,
    though its reason asked for br100.rental.usd_per_hour. Its rate is now an unknown input."""
    sets = ("--set", "scenario.market=cn")
    res = json.loads(run("compare", "h200", "br100:rent", "-w", "llama3-8b", *sets, "-f", "json").stdout)["results"]
    rented = next(r for r in res if r["option"] == "br100:rent")
    assert rented["status"] == "incomplete" and rented["missing_inputs"] == ["br100.rental.usd_per_hour"]
    assert rented["time_to_converge_hours"] > 0  # every figure that does not need the rate
    r = run("compare", "h200", "br100:rent", "-w", "llama3-8b", *sets, "--strict")
    assert r.exit_code == 1 and "br100.rental.usd_per_hour" in r.stderr


def test_a_workload_of_another_kind_cannot_extend_a_shipped_one(run, tmp_path) -> None:
    """D4: a user file extending llama3-8b (training) with kind = "inference" was told the shipped
    llama3-8b.toml has unknown keys. The user's kind is named instead."""
    path = tmp_path / "kinf.toml"
    path.write_text('extends = "llama3-8b"\nid = "wext"\nkind = "inference"\n')
    expected = (
        f'Error: {path}: kind: kind = "inference" cannot extend llama3-8b (a training workload): its keys are a training '
        "workload's; start from an inference workload, or write the file without extends"
    )
    for args in (("compare", "h100-sxm", "-w", str(path)), ("profiles", "validate", str(path))):
        r = run(*args)
        assert r.exit_code == 1 and r.stderr.strip() == expected, r.stderr


def test_a_break_even_chart_over_a_cny_price_says_cny(run, tmp_path) -> None:
    """D13: the axis read `mlu590.price_usd` and the tie `4.639e+04` with no currency; breakeven says
    '(in CNY)' (the MLU590's price is quoted in yuan)."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "be.svg"
    sets = ("--set", "scenario.cost_of_delay_usd_per_day=0", "--set", "scenario.porting.low-medium.engineer_months=0")
    r = run(
        "plot",
        "breakeven",
        "a100-80gb",
        "mlu590",
        "-w",
        "gpt3-1.3b",
        *sets,
        "--param",
        "mlu590.price_usd",
        "--range",
        "1000:500000",
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.stderr
    svg = out.read_text()
    assert "mlu590.price_usd (in CNY)" in svg and "4.639e+04 CNY" in svg


def test_validate_and_calibrate_say_a_file_is_in_the_wrong_folder(run, tmp_path, monkeypatch) -> None:
    """D7: validate and calibrate went by the folder alone: a workload in accelerators/ got 17 missing
    accelerator keys, a serving set in benchmarks/ a list of training-row errors, and a bibliography
    outside sources/ was checked as an accelerator."""
    for folder in ("accelerators", "benchmarks", "misc"):
        (tmp_path / folder).mkdir()
    wl = tmp_path / "accelerators" / "wl.toml"
    wl.write_text((PROFILES / "workloads" / "llama3-8b.toml").read_text())
    srv = tmp_path / "benchmarks" / "srv.toml"
    srv.write_text((PROFILES / "serving" / "qwen-vllm.toml").read_text())
    bib = tmp_path / "misc" / "bib.toml"
    bib.write_text('[MY-LAB-2026]\ntitle = "Our own measurements"\npublisher = "my lab"\ndate = "2026"\n')
    r = run("profiles", "validate", str(wl))
    assert r.stderr.strip() == (
        f"Error: {wl}: this is a workload file, not an accelerator profile as its folder accelerators/ says; keep it in a workloads/ folder"
    )
    said = f"Error: {srv}: this is a set of published serving results, not a set of published training runs as its folder benchmarks/ says"
    assert run("profiles", "validate", str(srv)).stderr.startswith(said)
    assert run("profiles", "validate", str(bib)).exit_code == 0
    wl.unlink()
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    c = run("calibrate", "--summary")
    assert c.exit_code == 1 and c.stderr.startswith(said), c.stderr


def test_a_users_bibliography_redefining_a_shipped_key_is_named(run, tmp_path, monkeypatch) -> None:
    """D5: a user's sources/mine.toml redefining [EPOCH] passed validate, then every `profiles show`
    failed naming the shipped reference.toml first."""
    (tmp_path / "sources").mkdir()
    mine = tmp_path / "sources" / "mine.toml"
    mine.write_text('[EPOCH]\ntitle = "my own EPOCH"\npublisher = "me"\ndate = "2024"\n')
    expected = f"Error: {mine}: EPOCH: citation key defined twice (also in builtin:sources/reference.toml)"
    assert run("profiles", "validate", str(mine)).stderr.strip() == expected
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    assert run("profiles", "show", "a100-80gb").stderr.strip() == expected


def test_a_user_profile_taking_a_shipped_alias_is_told(run, tmp_path, monkeypatch) -> None:
    """D10: a user profile with aliases ["h100-sxm", "a100"] silently took the shipped A100's alias, and
    its alias equal to a shipped id (never reachable) passed validate."""
    (tmp_path / "accelerators").mkdir()
    path = tmp_path / "accelerators" / "fake.toml"
    path.write_text(shipped_copy("a100-80gb", "fake", aliases='["h100-sxm", "a100"]'))
    v = run("profiles", "validate", str(path))
    assert "alias 'h100-sxm' is the id of the built-in h100-sxm: an id comes first, so it never names this profile" in v.stderr
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    r = run("compare", "a100", "-w", "gpt3-1.3b", "-f", "csv")
    assert r.exit_code == 0 and ",fake," in r.stdout
    assert f"Warning: a100: the alias names fake ({path}), not the built-in a100-80gb whose alias it also is" in r.stderr
