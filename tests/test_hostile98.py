"""Hostile round 98 (metamorphic checks of the serving answers across commands and outputs, as an inference-platform
reviewer checks that throughput, latency and cost per token agree with themselves): estimate's note on 8-bit weights
without a vocabulary told a command-line user to give 'workload.shape.vocab', a key of a file estimate does not read,
where its flag is --vocab. Each is fixed and tested here."""

from __future__ import annotations

import json
from typing import Any

import tco


def _result(run: Any, *args: str) -> dict[str, Any]:
    done = run(*args, "-f", "json")
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout)["results"][0])


def test_estimates_vocabulary_note_names_its_flag(run: Any) -> None:
    """1: ``tco estimate h100-sxm --params 8e9 --mode infer --precision fp8 --layers 32 --d-model 4096`` noted 'vocabulary
    unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give workload.shape.vocab)': estimate has no
    workload file, and its other notes name its flags (--tuning tuned). It now says '(give --vocab)', and from Python
    "(give shape['vocab'])"; compare's note, over a workload file, keeps the file's key."""
    args = ("estimate", "h100-sxm", "--params", "8e9", "--mode", "infer", "--precision", "fp8", "--layers", "32", "--d-model", "4096")
    notes = _result(run, *args)["notes"]
    assert "vocabulary unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give --vocab)" in notes
    assert not any("workload.shape.vocab" in n for n in notes)
    py = tco.estimate("h100-sxm", parameters=8e9, mode="infer", precision="fp8", shape={"layers": 32, "d_model": 4096})
    assert "vocabulary unknown: the 16-bit embedding matrices of 8-bit weights are not counted (give shape['vocab'])" in py.notes
    with_vocab = _result(run, *args, "--vocab", "128256")["notes"]
    assert not any(n.startswith("vocabulary unknown") for n in with_vocab)
