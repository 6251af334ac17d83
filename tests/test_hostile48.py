"""Hostile round 48 (the newest features, then the general catalogue): each defect fixed, with a test."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _a100_with(bench: str) -> str:
    """The shipped A100 profile under another id, with extra [[benchmarks]] appended."""
    text = (PROFILES / "accelerators" / "a100-80gb.toml").read_text()
    text = re.sub(r'^id = "a100-80gb"', 'id = "srv-a100"', text, flags=re.M)
    text = re.sub(r"^aliases = .*$", "aliases = []", text, flags=re.M)
    return text + "\n" + bench


@pytest.mark.parametrize("value", ["[" * 500 + "]" * 500, "{a=" * 500 + "1" + "}" * 500])
def test_a_deeply_nested_set_value_is_an_input_error(run, value: str) -> None:
    """D1: exit 3 (RecursionError); a file nested as deep is refused as TOML, and so is the --set."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"scenario.pue={value}")
    assert r.exit_code == 1 and r.stderr.strip() == "Error: --set: scenario.pue: not valid TOML: nested too deeply"


def test_a_huge_integer_set_names_its_key(run) -> None:
    """D21: the 4,300-digit limit's error named no key path."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=" + "1" * 5000)
    assert r.exit_code == 1 and r.stderr.startswith("Error: --set: scenario.pue: an integer of more than 4,300 digits")


def _serving_set(tmp_path: Path, row: str, reason: str = "vendor tables", set_id: str = "mine") -> Path:
    (tmp_path / "serving").mkdir(exist_ok=True)
    path = tmp_path / "serving" / f"{set_id}.toml"
    path.write_text(
        f'id = "{set_id}"\nsource = "test"\ntuning = "tuned"\ntuning_reason = "{reason}"\n\n[[rows]]\n'
        'accelerator = "h100-sxm"\nmodel = "m"\nparameters = 7e9\nprecision = "bf16"\naccelerators = 1\nscenario = "offline"\n' + row
    )
    return path


def test_a_request_longer_than_a_context_is_refused_by_validate_and_calibrate(run, tmp_path, monkeypatch) -> None:
    """D2: input_tokens = 1e15 passed validate and made calibrate exit 3 (the workload's seq_len bound); a prompt
    that fits alone but not with its output is blamed on the sum (round 59: 1e15 alone is the prompt's fault)."""
    path = _serving_set(tmp_path, "input_tokens = 999999999999900\noutput_tokens = 200\ntokens_per_second = 100\n")
    message = "rows[0].output_tokens: input_tokens + output_tokens must be at most 10^15 tokens, got 999999999999900.0 + 200"
    v = run("profiles", "validate", str(path))
    assert v.exit_code == 1 and message in v.stderr
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    c = run("calibrate", "--summary")
    assert c.exit_code == 1 and message in c.stderr


def test_a_blank_tuning_reason_is_refused(run, tmp_path) -> None:
    """D10: a serving set must say why its runs are typical or tuned; blank text says nothing."""
    path = _serving_set(tmp_path, "input_tokens = 128\noutput_tokens = 128\ntokens_per_second = 100\n", reason="   ")
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1 and "tuning_reason: expected a reason, got blank text" in r.stderr


def test_a_replica_larger_than_the_measured_system_is_refused(run, tmp_path) -> None:
    """D8: replica = 16 on a 1-accelerator row passed validate."""
    path = _serving_set(tmp_path, "replica = 16\ninput_tokens = 128\noutput_tokens = 128\ntokens_per_second = 100\n")
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1 and "rows[0].replica: a replica of 16 is more than the 1 accelerator measured" in r.stderr


def test_published_rows_above_the_peak_or_on_unknown_parts_are_refused(run, tmp_path, monkeypatch) -> None:
    """D8: validate passed rows implying MFU 42 and rows on an unknown part, which calibrate then used or
    refused. 6 × 7e9 × 1e6 / 989.4e12 = 42.45 (the H100's BF16 peak)."""
    (tmp_path / "benchmarks").mkdir()
    path = tmp_path / "benchmarks" / "impossible.toml"
    row = 'model = "m"\nparameters = 7e9\nseq_len = 2048\naccelerator_count = 8\nprecision = "bf16"\n'
    path.write_text(
        'id = "impossible"\nsource = "test"\ntuning = "typical"\ntuning_reason = "test"\n\n'
        f'[[rows]]\naccelerator = "h100-sxm"\n{row}tokens_per_second = 1e6\n\n'
        f'[[rows]]\naccelerator = "no-such-gpu"\n{row}tokens_per_second = 1e3\n'
    )
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    assert (
        "rows[0].tokens_per_second: 1e+06 tokens/s per accelerator implies MFU 42.45 (> 1) of h100-sxm's 989.4 TFLOPS bf16 peak" in r.stderr
    )
    assert "rows[1].accelerator: unknown accelerator 'no-such-gpu'" in r.stderr
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    c = run("calibrate", "--summary")
    assert c.exit_code == 1 and "implies MFU 42.45" in c.stderr


def test_two_published_sets_with_one_id_are_refused(run, tmp_path, monkeypatch) -> None:
    """D13: a user serving set with the shipped set's id merged into its statistics silently."""
    path = _serving_set(tmp_path, "input_tokens = 128\noutput_tokens = 128\ntokens_per_second = 100\n", set_id="other-name")
    path.write_text(path.read_text().replace('id = "other-name"', 'id = "qwen-vllm"'))
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    r = run("calibrate", "--summary")
    assert r.exit_code == 1 and f"{path}: id: the id 'qwen-vllm' is also the id of" in r.stderr


def test_a_measured_serving_rate_above_the_peak_is_refused_everywhere(run, user_profile) -> None:
    """D7 and D9: a serving benchmark implying MFU 452,564 (2 × 70.6e9 × 1e9 / 312e12) was a warning and
    ranked first; validate now refuses it, and lists every such benchmark of a file, not the first."""
    path = user_profile(
        "accelerators", "srv-a100", _a100_with('[[benchmarks]]\nworkload = "chat-70b"\ntokens_per_second = 1e9\nsource = "fake"\n')
    )
    c = run("compare", "srv-a100", "-w", "chat-70b")
    assert c.exit_code == 1 and "benchmarks[chat-70b].tokens_per_second: the measured 1e+09 generated tokens/s" in c.stderr
    assert "implies MFU 452,564.10 (> 1)" in c.stderr
    two = path.read_text().replace("tokens_per_second = { value = 12500", "tokens_per_second = { value = 40000")
    path.write_text(two)
    v = run("profiles", "validate", str(path))
    assert (
        v.exit_code == 1 and "benchmarks[gpt3-1.3b].tokens_per_second" in v.stderr and "benchmarks[chat-70b].tokens_per_second" in v.stderr
    )


def test_serving_memory_minimum_is_the_models_not_the_replicas(run) -> None:
    """D3: min_accelerators_for_memory was the replica chosen or forced: a 7B model 'needed' 8 H100s
    with --replica 8. 7e9 × 2 bytes fits one 80 GB part; 70e9 × 2 = 140 GB needs two."""
    for args, need in ((("--params", "7B", "--replica", "8"), 1), (("--params", "70B", "--tpot-ms", "30"), 2), (("--params", "70B"), 2)):
        r = run("estimate", "h100-sxm", *args, "--mode", "infer", "-f", "json")
        assert r.exit_code == 0, r.stderr
        assert json.loads(r.stdout)["results"][0]["min_accelerators_for_memory"] == need


def test_a_zero_value_with_one_end_given_swings_and_is_sampled(run) -> None:
    """D4 and D11: {value = 0, high = 200} dropped out of the tornado; one-sided ranges were not sampled."""
    sets = ("--set", "scenario.carbon_usd_per_tonne={value=0,high=200}", "--set", "scenario.pue={value=1.1,high=1.5}")
    s = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", *sets, "-f", "json")
    rows = {r["param"]: r for r in json.loads(s.stdout)["results"]}
    carbon = rows["scenario.carbon_usd_per_tonne"]
    assert (carbon["low"], carbon["high"]) == (0, 200) and carbon["swing_usd"]["a100-80gb"] > 0
    m = run("simulate", "a100-80gb", "-w", "gpt3-1.3b", *sets, "-n", "200", "--seed", "1", "-q", "-f", "json")
    sampled = json.loads(m.stdout)["sampled_inputs"]
    assert "scenario.carbon_usd_per_tonne" in sampled and "scenario.pue" in sampled


def test_calibrate_csv_and_jsonl_carry_the_serving_rows(run) -> None:
    """D6: the table and JSON list training and serving rows; CSV and JSON Lines dropped the serving ones."""
    doc = json.loads(run("calibrate", "-f", "json").stdout)
    n_train, n_serve = len(doc["results"]), len(doc["serving"]["rows"])
    csv_lines = run("calibrate", "-f", "csv").stdout.splitlines()
    assert len(csv_lines) == 1 + n_train + n_serve
    assert csv_lines[0].endswith(",layout,kind,scenario,input_tokens,output_tokens,replica,batch,reason")
    kinds = [json.loads(line)["kind"] for line in run("calibrate", "-f", "jsonl").stdout.splitlines()]
    assert kinds == ["training"] * n_train + ["serving"] * n_serve


def test_memory_misfits_blame_the_set_that_caused_them(run) -> None:
    """D12: the shipped accelerator file took the blame for --set workload.parameters, and estimate's
    for --set h100-sxm.memory_gb."""
    for path in ("workload.parameters=1e14", "workload.shape.layers=1000000", "h100-sxm.memory_gb=1"):
        r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", path)
        assert r.exit_code == 1 and r.stderr.startswith(f"Error: --set: {path.split('=')[0]}: h100-sxm cannot serve chat-70b")
    e = run("estimate", "h100-sxm", "--params", "7B", "--mode", "infer", "--set", "h100-sxm.memory_gb=1")
    assert e.exit_code == 1 and e.stderr.startswith("Error: --set: h100-sxm.memory_gb: h100-sxm cannot serve the model")


def test_a_workbook_too_large_for_memory_is_refused_before_it_is_built(run, tmp_path) -> None:
    """D15: -o FILE.xlsx held ~7 KB per sweep row in memory up to the worksheet's 1,048,575 rows (~7 GB)."""
    s = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:200000", "-o", str(tmp_path / "big.xlsx"))
    assert s.exit_code == 1 and "at most 100,000 rows in one; this sweep has 200,000: use csv" in s.stderr
    m = run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "-n", "200000", "-o", str(tmp_path / "s.xlsx"))
    assert m.exit_code == 1 and "Error: --samples: a workbook is built in memory: at most 100,000 samples in one" in m.stderr
    assert not (tmp_path / "big.xlsx").exists() and not (tmp_path / "s.xlsx").exists()


def test_a_set_of_the_kind_a_workload_has_takes_no_blame(run) -> None:
    """D16: --set workload.kind=training on a training workload was blamed for another --set's error."""
    r = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "workload.kind=training", "--set", "workload.tokens_per_day=5")
    assert r.exit_code == 1
    assert (
        r.stderr.strip()
        == 'Error: --set: workload.tokens_per_day: applies to kind = "inference" workloads only, not this kind = "training" one'
    )
    s = run("size", "h100-sxm", "-w", "chat-70b", "--budget-usd", "1e6", "--set", "workload.kind=inference")
    # (round 53: a shipped serving workload blames the choice of it, not its file)
    assert s.exit_code == 1 and "Error: workload: sizing applies to training workloads" in s.stderr
    changed = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "workload.kind=inference")
    assert changed.exit_code == 1 and changed.stderr.startswith("Error: --set: workload.kind: a workload of another kind")


def test_an_alias_hidden_by_a_users_file_of_the_same_name_says_so(run, user_profile) -> None:
    """D17: a broken user a100-80gb.toml hid the built-in and its alias: "unknown accelerator 'a100'
    (did you mean 'h100'?)". Since hostile round 55 the error names the file that hides it."""
    hider = user_profile("accelerators", "a100-80gb", "id = 5\n")
    r = run("compare", "a100", "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {hider}: 'a100' is an alias of a100-80gb in ")
    assert "which this file hides" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("compare", str(PROFILES / "workloads" / "gpt3-1.3b.toml"), "-w", "gpt3-1.3b"),
            "this is a workload file, not an accelerator profile (give it with -w)",
        ),
        (
            ("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(PROFILES / "accelerators" / "a100-80gb.toml")),
            "this is an accelerator profile, not a scenario file (give it as an ACCEL argument)",
        ),
        (
            ("compare", "a100-80gb", "-w", str(PROFILES / "scenarios" / "default.toml")),
            "this is a scenario file, not a workload file (give it with -s)",
        ),
    ],
)
def test_a_file_of_another_kind_is_named_as_such(run, args, message: str) -> None:
    """D18: a workload file given as a profile listed 15 'missing' keys and pointed at a validate that says ok."""
    r = run(*args)
    assert r.exit_code == 1 and r.stderr.strip().endswith(message)


def test_estimate_and_calibrate_name_only_what_the_throughput_lacks(run, user_profile, tmp_path) -> None:
    """D19 and D20: a part with no BF16 peak made estimate also ask for a lead time it never uses, and
    calibrate say only 'the model cannot serve the row'."""
    text = (PROFILES / "accelerators" / "a100-80gb.toml").read_text()
    text = re.sub(r'^id = "a100-80gb"', 'id = "nopeak"', text, flags=re.M)
    text = re.sub(r"^aliases = .*$", "aliases = []", text, flags=re.M)
    text = re.sub(r"^(bf16_tflops|fp16_tflops) = .*$", "", text, flags=re.M)
    text = re.sub(r"^lead_time_weeks = .*$", "", text, flags=re.M)
    user_profile("accelerators", "nopeak", text)
    e = run("estimate", "nopeak", "--params", "7B", "--mode", "infer")
    assert e.exit_code == 1 and "peak.bf16_tflops" in e.stderr and "lead_time_weeks" not in e.stderr
    path = _serving_set(tmp_path, "input_tokens = 128\noutput_tokens = 128\ntokens_per_second = 100\n")  # (on the same path)
    path.write_text(path.read_text().replace('accelerator = "h100-sxm"', 'accelerator = "nopeak"'))
    doc = json.loads(run("calibrate", "-f", "json").stdout)
    reasons = [r["reason"] for r in doc["serving"]["rows"] if r["accelerator"] == "nopeak"]
    assert reasons == ["nopeak.peak.bf16_tflops unknown"]


def test_quoted_rates_keep_their_digits_in_labels(run) -> None:
    """D24: labels rounded a quoted rate to 6 digits, so two rates were refused as one option."""
    r = run("compare", "h100-sxm@8:rent=2.123456789", "h100-sxm@8:rent=2.123456788", "-w", "gpt3-1.3b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert [x["option"] for x in json.loads(r.stdout)["results"]] == ["h100-sxm@8:rent=2.123456788", "h100-sxm@8:rent=2.123456789"]


def test_an_absurd_calibration_error_prints_in_significant_digits() -> None:
    """D27: 1e-300 tokens/s printed a 300-digit percentage."""
    from tco.render import _pct

    assert _pct(1e300) == "1e+302%" and _pct(0.1234) == "12.3%"


def test_an_moe_sweep_makes_fewer_plans(run) -> None:
    """D14: a DeepSeek-V3 sweep inside every limit planned 2,048 times at ~0.1–0.4 s each (minutes): an MoE
    plan costs about 16 dense ones, so its calls make 2,048 / 16 = 128 plans at most."""
    r = run("sweep", "h100-sxm", "-w", "deepseek-v3", "--vary", "workload.seq_len=4096:4225:130", "-f", "csv")
    assert r.exit_code == 1
    assert "at most 128 plans (options × values; an MoE job's plan costs about 16× a dense one's)" in r.stderr


def test_a_sweeps_fractional_count_is_shown_as_it_is(run) -> None:
    """D23: 1:1000000:3 has a middle of 500,000.5, shown as 'got 500000' and without --vary."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "a100-80gb.count=1:1000000:3", "-f", "csv")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --vary: a100-80gb.count: counts must be whole numbers, got 500000.5")


def test_csv_writes_whole_numbers_alike_up_to_what_a_float_holds() -> None:
    """D26: a sweep's axis wrote 1e9 as 1000000000 and 1e15 as 1000000000000000.0."""
    from tco.render import _num_text

    assert [_num_text(v) for v in (1e9, 1e15, 2.0**53, 1e16, 0.5)] == ["1000000000", "1000000000000000", "9007199254740992", "1e+16", "0.5"]


def test_a_measured_run_is_carried_down_when_failures_idle_accelerators(run) -> None:
    """D5: with failures so costly that the layout runs DP 2 of 8, the A100's published 12,500 tokens/s
    per accelerator (all 8 running) stayed whole at 8 and was halved at 16 (12,500 × 8/16). The rate is
    carried by the model's ratio to its steady figure at the run's count (all 8 computing): at 8, 2 of 8
    run, 12,500 × 2/8 = 3,125; at 16, still 2 run, 12,500 × 2/16 = 1,562.5. The defaults are unchanged."""
    sets = ("--set", "scenario.restart_minutes=1e6")
    for option, rate in (("a100-80gb", 3125.0), ("a100-80gb@16", 1562.5)):
        r = run("compare", option, "-w", "gpt3-1.3b", *sets, "-f", "json")
        res = json.loads(r.stdout)["results"][0]
        assert any("TP 1 × PP 1 × DP 2" in n for n in res["notes"]), res["notes"]
        assert res["tokens_per_second_per_accelerator"] == pytest.approx(rate, rel=1e-9)
    plain = json.loads(run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "json").stdout)["results"][0]
    assert plain["tokens_per_second_per_accelerator"] == 12500.0


def test_a_users_workload_file_takes_the_blame_for_its_misfit(run, tmp_path) -> None:
    """D12: a workload file of the user's that no shipped part can hold blamed the shipped part's file
    (`.../accelerators/h100-sxm.toml: memory_gb`); the user's file wrote the cause."""
    big = tmp_path / "bigs.toml"
    big.write_text('extends = "chat-70b"\nid = "bigs"\nname = "b"\nparameters = 1e14\n')
    long = tmp_path / "bigseq.toml"
    long.write_text('extends = "llama3-8b"\nid = "bigseq"\nname = "b"\nseq_len = 1000000000\n')
    for path, key in ((big, "parameters"), (long, "seq_len")):
        r = run("compare", "h100-sxm", "-w", str(path))
        assert r.exit_code == 1
        assert r.stderr.startswith(f"Error: {path}: {key}: "), r.stderr
    # A shipped workload on a shipped part at a count the user gave names that option (round 49 D5).
    r = run("compare", "mlu370-s4@1", "-w", "llama3-70b")
    assert r.exit_code == 1 and r.stderr.startswith("Error: mlu370-s4@1: llama3-70b does not fit in memory on 1 × mlu370-s4")


def test_a_profile_in_a_folder_named_workloads_gets_its_own_errors(run, tmp_path) -> None:
    """Left from D18: the file-kind message trusted the folder's name, so a broken profile kept in a
    folder named workloads/ was called a workload file. Its keys say what it is."""
    text = (PROFILES / "accelerators" / "h100-sxm.toml").read_text()
    text = re.sub(r'^id = "h100-sxm"', 'id = "myh"', text, flags=re.M)
    text = re.sub(r"^aliases = .*$", "aliases = []", text, flags=re.M)
    text = re.sub(r"^memory_gb = .*$", 'memory_gb = "lots"', text, flags=re.M)
    (tmp_path / "workloads").mkdir()
    path = tmp_path / "workloads" / "myh.toml"
    path.write_text(text)
    r = run("compare", str(path), "-w", "gpt3-1.3b")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {path}: memory_gb: expected a number more than 0"), r.stderr
