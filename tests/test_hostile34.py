"""Hostile round 34 and this session's own findings: each defect, fixed."""

from __future__ import annotations

from pathlib import Path

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
    assert r.exit_code == 1 and r.stderr.startswith("Error: --vocab: activations of one 2048-token sequence")
    assert "1,024.0 GB of it the logits of a 1,000,000,000-token vocabulary" in r.stderr
    wl = tmp_path / "v.toml"
    wl.write_text(BIG_VOCAB.format(vocab=1_000_000_000))
    r = run("compare", "h100-sxm", "-w", str(wl))
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {wl}: shape.vocab: activations")
    # Where the layers take most of it, the part's memory is still the key (one 10M-token sequence).
    r = run("estimate", "h100-sxm", "--params", "8e9", "--seq-len", "1000000000", "--count", "8")
    assert r.exit_code == 1 and "memory_gb" in r.stderr and "vocabulary" not in r.stderr
