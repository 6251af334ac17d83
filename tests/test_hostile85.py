"""Hostile round 85 (published-run files written by hand for tco calibrate, its options, and tco size's unmeetable
targets): a serving row's latency percentile without the TPOT limit it qualifies, an expert-parallel degree on a dense
training row, and a global batch written in sequences rather than tokens were each read by nothing (or ran another
run) and said nothing; a run copied twice into a set counted twice in the error statistics; a set with a blank source
and a serving row whose replica does not divide the measured system were accepted, and a tensor or pipeline degree
beside a fully sharded (fsdp) run was read by nothing; ``calibrate --summary`` dropped the
rows without a model figure from n without saying so; and ``size`` wrote a computed time to market with every digit
of its float (7.700000000000001e+300 days, 21000000042.0 days). Each is fixed and tested here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import one_error

TRAINING = """id = "mine"
source = "a hand-written publication"
tuning = "typical"
tuning_reason = "an open-source stack"
[[rows]]
accelerator = "a100-80gb"
model = "M-7B"
parameters = 7e9
seq_len = 2048
accelerator_count = 64
precision = "bf16"
tokens_per_second = 3000
layers = 32
d_model = 4096
heads = 32
"""

SERVING = """id = "mine-serving"
source = "a hand-written publication"
tuning = "typical"
tuning_reason = "vLLM as shipped"
[[rows]]
accelerator = "a100-80gb"
model = "Q-7B"
parameters = 7e9
layers = 32
d_model = 4096
heads = 32
kv_heads = 8
precision = "bf16"
accelerators = 8
scenario = "server"
input_tokens = 128
output_tokens = 128
tokens_per_second = 1000
"""


def _published(tmp_path: Path, monkeypatch, kind: str, text: str) -> Path:
    """A user's set of published runs in a ``kind`` folder (benchmarks or serving) on TCO_PROFILE_PATH."""
    (tmp_path / kind).mkdir()
    path = tmp_path / kind / "mine.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    return path


def _calibrated(run, *args: str) -> list[str]:
    result = run("calibrate", "-f", "csv", *args)
    assert result.exit_code == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def test_a_latency_percentile_without_its_tpot_limit_is_refused(run, tmp_path: Path, monkeypatch) -> None:
    """1: a serving row with ``latency_percentile = 99`` and no ``time_per_output_token_ms`` was run as if no
    percentile were given (the workload built from it drops a percentile without its target), and nothing said so;
    a workload refuses the same pair. The row is now refused, in the workload's words."""
    path = _published(tmp_path, monkeypatch, "serving", SERVING + "latency_percentile = 99\n")
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: rows[0].latency_percentile: it is the share of requests the time_per_output_token_ms limit "
        "holds for, and no limit is given: give time_per_output_token_ms too, or leave latency_percentile out",
    )


def test_a_latency_percentile_beside_its_limit_is_still_read(run, tmp_path: Path, monkeypatch) -> None:
    """Pinned beside 1: with its TPOT limit the percentile is taken, and the row is calibrated."""
    _published(tmp_path, monkeypatch, "serving", SERVING + "latency_percentile = 99\ntime_per_output_token_ms = 50\n")
    assert any(line.startswith("1,mine-serving,") for line in _calibrated(run))


def test_an_expert_parallel_degree_on_a_dense_row_is_refused(run, tmp_path: Path, monkeypatch) -> None:
    """2: ``expert_parallel = 4`` on a training row with no experts was read by nothing (the row calibrated as if it
    were absent), and under --published-layout the row lost its figure ("layout expert_parallel = 4 exceeds 1").
    It is now refused where it is written."""
    path = _published(tmp_path, monkeypatch, "benchmarks", TRAINING + "expert_parallel = 4\n")
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: rows[0].expert_parallel: an expert-parallel degree of 4 splits routed experts, and the row gives "
        "none (a dense model): give experts and experts_per_token, or leave expert_parallel out",
    )


def test_a_global_batch_written_in_sequences_is_refused(run, tmp_path: Path, monkeypatch) -> None:
    """3: ``global_batch_tokens = 1024`` (a batch of 1,024 sequences, written as sequences) was taken as 1,024 tokens,
    less than one 2,048-token sequence: the row ran at a step of one sequence on 8 of its 64 accelerators and reported
    an error of -91% against a run it does not describe, silently. It is now refused."""
    path = _published(tmp_path, monkeypatch, "benchmarks", TRAINING + "global_batch_tokens = 1024\n")
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: rows[0].global_batch_tokens: 1,024 tokens per step is less than one 2,048-token sequence "
        "(seq_len): give the batch in tokens (sequences × seq_len)",
    )


def test_a_global_batch_in_tokens_is_still_read(run, tmp_path: Path, monkeypatch) -> None:
    """Pinned beside 3: a batch in tokens is taken."""
    _published(tmp_path, monkeypatch, "benchmarks", TRAINING + "global_batch_tokens = 2097152\n")
    assert any(line.startswith("1,mine,") for line in _calibrated(run))


@pytest.mark.parametrize(("kind", "text"), [("benchmarks", TRAINING), ("serving", SERVING)])
def test_a_run_given_twice_is_refused(run, tmp_path: Path, monkeypatch, kind: str, text: str) -> None:
    """4: a row copied into a set twice (its note changed, or not) was calibrated twice and counted twice in the fit or
    held-out statistics. A second row with every figure of an earlier one is now refused; rows that differ stay."""
    row = text.split("[[rows]]", 1)[1]
    path = _published(tmp_path, monkeypatch, kind, text + "[[rows]]" + row + 'note = "copied"\n')
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: rows[1]: the same run as rows[0] (every figure alike, its source and note aside), which would "
        "count twice: give it once",
    )
    path.write_text(text + "[[rows]]" + row.replace("tokens_per_second = 1000", "tokens_per_second = 1100").replace("= 3000", "= 3100"))
    assert len([line for line in _calibrated(run) if line.startswith("1,mine")]) == 2


@pytest.mark.parametrize(("kind", "text"), [("benchmarks", TRAINING), ("serving", SERVING)])
def test_a_blank_source_is_refused(run, tmp_path: Path, monkeypatch, kind: str, text: str) -> None:
    """5: ``source = " "`` was accepted, where a blank tuning_reason is refused: a set of published runs without the
    publication it comes from. It is now refused."""
    path = _published(tmp_path, monkeypatch, kind, text.replace('source = "a hand-written publication"', 'source = " "'))
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: source: expected the publication the rows come from, got blank text",
    )


def test_a_replica_that_does_not_divide_the_system_is_refused(run, tmp_path: Path, monkeypatch) -> None:
    """6: a serving row of ``accelerators = 7`` with ``replica = 2`` was accepted: tokens/s per accelerator of a system
    that cannot be whole replicas (one accelerator idle, or a typo). It is now refused; a dividing replica stays."""
    path = _published(tmp_path, monkeypatch, "serving", SERVING.replace("accelerators = 8", "accelerators = 7\nreplica = 2"))
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: rows[0].replica: a replica of 2 does not divide the 7 accelerators measured: give the "
        "accelerators of whole replicas",
    )
    path.write_text(SERVING.replace("accelerators = 8", "accelerators = 8\nreplica = 2"), encoding="utf-8")
    assert any(line.startswith("1,mine-serving,") for line in _calibrated(run))


def test_the_summary_says_which_rows_it_leaves_out(run) -> None:
    """7: ``calibrate --published-layout --summary`` counted 82 fit rows instead of 84 without a word: two shipped rows
    cannot be held to their published layout and have no figure. The summary now says so on stderr, naming them."""
    result = run("calibrate", "--published-layout", "--summary", "-f", "csv")
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert "1,training,fit,82," in result.stdout
    assert result.stderr == (
        "Note: 2 of 156 training rows have no model figure and are not counted in n (nemo-b200 Mixtral-8x22B (NeMo 25.02, "
        "64k context); nemo-h100 Qwen3_235B_a22B (NeMo 26.02, FP8)); tco calibrate without --summary gives each one's reason\n"
    )


def test_the_summary_says_so_of_a_users_row(run, tmp_path: Path, monkeypatch) -> None:
    """7, of a user's row that cannot run (a 100,000,000-token sequence): one row, in the singular; without --summary
    the row itself gives the reason and no note is added."""
    _published(tmp_path, monkeypatch, "benchmarks", TRAINING.replace("seq_len = 2048", "seq_len = 100000000"))
    result = run("calibrate", "--summary")
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: 1 of 157 training rows has no model figure and is not counted in n (mine M-7B); tco calibrate without "
        "--summary gives each one's reason\n"
    )
    assert run("calibrate").stderr == ""


def test_the_shipped_summary_adds_no_note(run) -> None:
    """Pinned beside 7: every shipped row has a figure, and the summary says nothing more."""
    result = run("calibrate", "--summary")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("weeks", "deadline", "days"),
    # (in full where six digits would read as the deadline: with its thousands separators since session 58's show_number)
    [("1.1e300", "100", "7.7e+300"), ("3e9", "100", "2.1e+10"), ("3e9", "2.1e10", "21,000,000,042.0")],
)
def test_a_computed_time_to_market_is_written_in_six_digits(run, weeks: str, deadline: str, days: str) -> None:
    """8: ``size ... --deadline-days 100 --set a100-80gb.lead_time_weeks=1.1e300`` said the lead time "alone take[s]
    7.700000000000001e+300 days", and at 3e9 weeks "21000000042.0 days": a computed figure shown with every digit of
    its float (the rule for a number the user typed). It is now six significant digits (every digit only where six
    would read as the deadline refused)."""
    result = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", deadline, "--set", f"a100-80gb.lead_time_weeks={weeks}")
    shown = f"{float(deadline):.6g}" if float(deadline) >= 1e9 else deadline
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: --deadline-days: a100-80gb: no count meets {shown} days: lead time, deployment and porting alone take {days} days",
    )


def test_the_closest_count_is_written_in_six_digits(run) -> None:
    """8, of the closest count past a deadline: "reaches it in 3.306598222236697e+287 days" is now 3.3066e+287."""
    result = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "200", "--set", "workload.training_tokens=1e300")
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: --deadline-days: a100-80gb: no count up to 131,072 reaches the market within 200 days; the closest, "
        "17,829 × a100-80gb, reaches it in 3.3066e+287 days",
    )


@pytest.mark.parametrize(
    ("set_line", "row_lines", "said"),
    [
        ("", 'parallelism = "fsdp"\ntensor_parallel = 8\n', "rows[0].tensor_parallel: a degree of 8 splits the model, and the row's"),
        ('parallelism = "fsdp"\n', "pipeline_parallel = 2\n", "rows[0].pipeline_parallel: a degree of 2 splits the model, and the set's"),
    ],
)
def test_a_model_split_beside_fsdp_is_refused(run, tmp_path: Path, monkeypatch, set_line: str, row_lines: str, said: str) -> None:
    """9: a row run fully sharded (``parallelism = "fsdp"``, its own or its set's) with ``tensor_parallel = 8`` was
    calibrated as an FSDP run over data-parallel ranks only: the degree was read by nothing, not even by
    --published-layout (which holds an fsdp row to no layout), and nothing said so. It is now refused."""
    text = TRAINING.replace('tuning = "typical"\n', f'tuning = "typical"\n{set_line}', 1) + row_lines
    path = _published(tmp_path, monkeypatch, "benchmarks", text)
    result = run("calibrate", "--summary")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: {path}: {said} parallelism = fsdp runs it fully sharded over data-parallel ranks only: leave it out, "
        "or give the row parallelism = megatron",
    )


def test_a_degree_of_one_beside_fsdp_is_still_read(run, tmp_path: Path, monkeypatch) -> None:
    """Pinned beside 9: a degree of 1 splits nothing, and a row that says megatron in an fsdp set keeps its degrees."""
    text = TRAINING.replace('tuning = "typical"\n', 'tuning = "typical"\nparallelism = "fsdp"\n', 1)
    _published(tmp_path, monkeypatch, "benchmarks", text + "tensor_parallel = 1\n")
    assert any(line.startswith("1,mine,") for line in _calibrated(run))
    (tmp_path / "benchmarks" / "mine.toml").write_text(text + 'pipeline_parallel = 2\nparallelism = "megatron"\n', encoding="utf-8")
    assert any(line.startswith("1,mine,") for line in _calibrated(run))
