"""Mutation survivors of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform sample of 50 of their 10,443
mutants, seed 41): the reason a training layout gives for idle accelerators when no count is known, and the note
breakeven adds to its message when the input it solves for was also --set, and the lower bound of a default swing of
the active parameters of a mixture of experts."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace as NS

from tco.analysis.common import _within_moe_split
from tco.engine import _idle_reason


def test_the_idle_reason_without_a_count_blames_the_replica_size() -> None:
    """Kills tco.engine.x__idle_reason__mutmut_8 (``count is not None and`` -> ``or``: ``None // 8`` raises TypeError).

    data_parallel = 2 < sequences = 100, so the batch bound does not apply; count is None, so the
    replica-multiple reason is given, with the replica's 8 accelerators."""
    assert _idle_reason(2, 100.0, None, 8) == " (the count is not a multiple of one replica's 8 accelerators)"


def test_breakeven_appends_the_set_note_to_its_message(run) -> None:
    """Kills tco.analysis.breakeven.x_breakeven__mutmut_688 (``msg +=`` -> ``msg =``: the message lost all but the note).

    The message keeps its own text and ends with the note on the --set value of the input solved for."""
    out = run("breakeven", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1.5", "--param", "scenario.pue", "-f", "json")
    msg = json.loads(out.stdout)["results"][0]["message"]
    note = "; the value --set gives scenario.pue only sets the range searched: the tie is solved for it"
    assert msg.endswith(note) and len(msg) > len(note) and not msg.startswith(";")


def test_a_swing_of_the_active_parameters_stays_above_k_of_e_of_the_total() -> None:
    """Kills tco.analysis.common.x__within_moe_split__mutmut_42 (``share * total`` -> ``share / total``).

    total 100, active 20, k = 2 of E = 8 experts: share = 2/8 = 0.25; a swing [1, 1000] of the active
    parameters becomes [max(1, 0.25 x 100), just below 100] (the mutant gives max(1, 0.0025) = 1; with 6 of the 8
    experts idle the active count cannot reach the total, which the workload's validation refuses)."""
    w = NS(parameters=NS(value=100.0), active_parameters=NS(value=20.0), experts_per_token=2, experts=8)
    assert _within_moe_split(w, "workload.active_parameters", 1.0, 1000.0) == (25.0, math.nextafter(100.0, 0.0))
