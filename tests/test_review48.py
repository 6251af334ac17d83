"""Outside review 48 (whole-run training totals of runs outside the set): the rows it led to, and the
estimate notes it found confusing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco.loader import tomllib

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _notes(run, *args: str) -> list[str]:
    r = run("estimate", *args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["results"][0]["notes"]


def test_idle_accelerators_say_the_global_batch_bounds_data_parallelism(run) -> None:
    """Llama 3 8B at 8,192 tokens: the default batch, 2M·(8/7)^⅓ = 2,090,603 tokens, is 255 sequences, so
    2,048 H100s run TP 8 × DP 255 and 8 idle; the note says why and names the flag that changes it."""
    base = ("h100-sxm", "--params", "8e9", "--count", "2048", "--seq-len", "8192")
    layout = next(n for n in _notes(run, *base) if n.startswith("layout: "))
    assert layout.endswith(
        "8 idle (data parallelism is bounded by the global batch's 255 sequences: the default global batch, "
        "2M × (N/7B)^(1/3) tokens; --global-batch sets it)"
    )
    given = next(n for n in _notes(run, *base, "--global-batch", "1M") if n.startswith("layout: "))
    assert given.endswith("idle (data parallelism is bounded by the global batch's 122 sequences: --global-batch)")  # 1e6 // 8192


def test_an_fp8_mfu_names_the_peak_it_counts(run) -> None:
    peak = tomllib.loads((PROFILES / "accelerators" / "h100-sxm.toml").read_text())["peak"]
    fp8, bf16 = (peak[k]["value"] if isinstance(peak[k], dict) else peak[k] for k in ("fp8_tflops", "bf16_tflops"))
    notes = _notes(run, "h100-sxm", "--params", "8e9", "--count", "64", "--precision", "fp8")
    assert (
        f"MFU counts the fp8 peak the job runs at ({fp8:,.4g} TFLOPS); against the 16-bit peak ({bf16:,.4g} TFLOPS) it is "
        f"{fp8 / bf16:.3g}× higher" in notes
    )
    assert not any(n.startswith("MFU counts") for n in _notes(run, "h100-sxm", "--params", "8e9", "--count", "64"))


def test_an_int8_mfu_names_the_peak_it_counts_in_tops(run) -> None:
    """Seed-43 mutant _plan_option 182 was equivalent because the check named 'int8_tflops', a field that does not
    exist (the INT8 peak is int8_tops): an INT8 training job never said which peak its MFU counts."""
    peak = tomllib.loads((PROFILES / "accelerators" / "a100-80gb.toml").read_text())["peak"]
    int8, bf16 = (peak[k]["value"] if isinstance(peak[k], dict) else peak[k] for k in ("int8_tops", "bf16_tflops"))
    notes = _notes(run, "a100-80gb", "--params", "1e9", "--count", "8", "--precision", "int8")
    assert (
        f"MFU counts the int8 peak the job runs at ({int8:,.4g} TOPS); against the 16-bit peak ({bf16:,.4g} TFLOPS) it is 2× higher"
        in notes
    )
    assert int8 == 2 * bf16  # 624 TOPS and 312 TFLOPS dense on the A100


@pytest.mark.parametrize(
    ("model", "tokens", "gpus", "days"),
    [
        ("Phi-3-mini 3.8B (first release)", 3.3e12, 512, 7),
        ("Phi-3-mini 3.8B (June 2024 update)", 4.9e12, 512, 10),
        ("Phi-3-medium 14B", 4.8e12, 512, 42),
        ("Phi-4 14B", 9.8e12, 1920, 21),
    ],
)
def test_whole_run_rows_are_their_cards_arithmetic(model: str, tokens: float, gpus: int, days: int) -> None:
    """tokens / (GPUs × days × 86,400), as each row's note shows, to the row's 0.1 tok/s."""
    rows = tomllib.loads((PROFILES / "benchmarks" / "open-runs-3.toml").read_text())["rows"]
    row = next(r for r in rows if r["model"] == model)
    assert row["accelerator_count"] == gpus and f"x {days} d x 86,400" in row["note"]
    assert row["tokens_per_second"] == pytest.approx(tokens / (gpus * days * 86400), abs=0.05)


def test_glm_row_is_its_stated_mfu_under_palm_s_convention() -> None:
    """MFU 0.325 of 312 TFLOPS over PaLM's FLOPs per token, 6N + 12·L·d·s."""
    rows = tomllib.loads((PROFILES / "benchmarks" / "open-runs-3.toml").read_text())["rows"]
    glm = next(r for r in rows if r["model"] == "GLM-130B")
    flops = 6 * 130e9 + 12 * 70 * 12288 * 2048
    assert glm["tokens_per_second"] == pytest.approx(0.325 * 312e12 / flops, abs=0.05)
    assert glm["global_batch_tokens"] == 4224 * 2048 and glm["data_parallel"] == 768 // (4 * 8)
