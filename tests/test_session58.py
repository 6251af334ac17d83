"""Session 58: a break-even's default range (÷10 to ×10 of the input's own value) is kept where the workload stays
valid for every input, not only for the MoE parameter counts: ``--param workload.shape.kv_dim`` on Llama 3 8B was
refused for 10,240 (wider than the queries), ``--param workload.experts`` on DeepSeek-V3 for 25 experts (too few for
its active share), ``--param workload.experts_per_token`` for 80. A range the user gives is still refused as before."""

from __future__ import annotations

import json


def _range(result) -> tuple[float, float]:
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["results"][0]
    return row["range_low"], row["range_high"]


def test_a_default_range_of_kv_width_stops_at_the_query_width(run) -> None:
    """Llama 3 8B: 32 heads × 128 = 4,096 wide queries; K and V are at most as wide. The high end, 10 × 1,024 = 10,240,
    is brought in to 4,096; the low end, 1,024 ÷ 10 = 102 (a whole number, floored), is valid and kept."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "llama3-8b", "--param", "workload.shape.kv_dim", "-f", "json")
    assert _range(result) == (102.0, 4096.0)


def test_a_default_range_of_top_k_stops_where_the_active_share_holds(run) -> None:
    """DeepSeek-V3: 37B of 671B parameters active, 256 experts. k of 256 experts per token needs k/256 ≤ 37/671, so
    k ≤ 256 × 3.7e10 / 6.71e11 = 14.1: the ×10 end (80) comes in to 14; the ÷10 end is the least count, 1."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "deepseek-v3", "--param", "workload.experts_per_token", "-f", "json")
    assert _range(result) == (1.0, 14.0)


def test_a_default_range_of_experts_stops_where_the_active_share_holds(run) -> None:
    """8 of E experts per token needs 8/E ≤ 3.7e10 / 6.71e11, so E ≥ 8 × 6.71e11 / 3.7e10 = 145.1: the ÷10 end (25)
    comes in to 146, the least whole count that holds; the ×10 end, 2,560, is kept."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "deepseek-v3", "--param", "workload.experts", "-f", "json")
    assert _range(result) == (146.0, 2560.0)


def test_a_range_the_user_gives_is_still_refused_at_an_invalid_end(run) -> None:
    """Pinned beside them: only the tool's own default is narrowed; a --range past the valid values is the user's,
    and is refused with its reason, naming --range."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "llama3-8b", "--param", "workload.shape.kv_dim", "--range", "1024:10240")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: --range: workload.shape.kv_dim: 10240 is not allowed: 10240 is wider than the queries")
