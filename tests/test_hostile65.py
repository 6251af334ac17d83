"""Hostile round 65 (numeric flags, the Python API, users' TOML files, outputs, the environment): each defect
fixed, with a test."""

from __future__ import annotations

from pathlib import Path

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _copy_of_gpt3(tmp_path: Path, name: str, replace: tuple[str, str] = ("", ""), extra: str = "") -> Path:
    """A user's full copy of the shipped gpt3-1.3b workload (every key written), with one change."""
    text = (PROFILES / "workloads" / "gpt3-1.3b.toml").read_text(encoding="utf-8").replace('id = "gpt3-1.3b"', f'id = "{name}"')
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(*replace) + extra, encoding="utf-8")
    return path


def test_a_too_long_sequence_in_a_full_copy_blames_seq_len_not_parameters(run, tmp_path) -> None:
    """1: a copy of gpt3-1.3b with seq_len = 1e9 (or a stage's seq_len = 1e9) said 'FILE: parameters: activations of
    one 1000000000-token sequence ...': the first of the workload's size inputs the file writes was blamed, and a full
    copy writes parameters first. One sequence's activations grow with its length and the shape, not the parameter
    count: the file's seq_len (or its stages, naming the stage) is blamed."""
    seq = _copy_of_gpt3(tmp_path, "seqhuge", ("seq_len = 2048", "seq_len = 1000000000"))
    r = run("compare", "a100-80gb", "-w", str(seq))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.startswith(f"Error: {seq}: seq_len: activations of one 1000000000-token sequence ("), r.stderr
    stage = _copy_of_gpt3(tmp_path, "stagehuge", extra='\n[[stages]]\nname = "long"\ntokens = 1e9\nseq_len = 1000000000\n')
    r = run("compare", "a100-80gb", "-w", str(stage))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.startswith(f"Error: {stage}: stages: activations of one 1000000000-token sequence of stage long ("), r.stderr
    fine = _copy_of_gpt3(tmp_path, "stagefine", extra='\n[[stages]]\nname = "long"\ntokens = 1e9\nseq_len = 4096\n')
    assert run("compare", "a100-80gb", "-w", str(fine)).exit_code == 0
