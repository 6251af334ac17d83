"""Hostile round 92 (the command line as a hostile new user and a spreadsheet user would drive it: sweeps over a
choice such as a precision or a tuning level beside numeric axes, charts of them, the layout columns of compare's CSV,
calibrate's options, -o to each format, --set with odd values and the ID@N:rent=RATE option syntax): a choice listed
once bare and once quoted (``--vary 'workload.precision=fp8,"fp8"'``) swept the same value twice, and a quoted value
was written to the axis' column with its quotes (``"fp8"``), though ``--set`` reads it as fp8; a list of numbers
that gave one value twice (``--vary scenario.pue=1,1.0``) swept the point twice, where a choice listed twice is
refused. Each is fixed and tested here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import one_error


def test_a_choice_listed_bare_and_quoted_is_one_value(run: Any) -> None:
    """Round 92 1: ``--vary 'workload.precision=fp8,"fp8"'`` swept fp8 twice (two points, the same figures), the
    second written to the CSV as '"fp8"' with its quotes; a quoted value is read as ``--set`` reads it, so the list
    is refused as giving fp8 twice, and ``'fp8'`` alone is written fp8 with the figures of a bare fp8."""
    line = one_error(run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", 'workload.precision=fp8,"fp8"'))
    assert line == "Error: --vary: workload.precision: 'fp8' is listed twice: give each value once"
    quoted = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.precision='fp8',bf16")
    bare = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.precision=fp8,bf16")
    assert quoted.exit_code == 0, quoted.output
    assert quoted.stdout == bare.stdout
    assert [row.split(",")[2] for row in quoted.stdout.splitlines()[1:]] == ["fp8", "bf16"]
    # a number is still a number, refused as --set refuses it, and the text "1" is a name
    line = one_error(run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.name=x,+1"))
    assert line == "Error: --vary: workload.name: expected text, got 1"
    named = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", 'workload.name="1",x')
    assert named.exit_code == 0, named.output
    assert [row.split(",")[2] for row in named.stdout.splitlines()[1:]] == ["1", "x"]


def test_a_number_listed_twice_is_refused(run: Any) -> None:
    """Round 92 2: ``--vary scenario.pue=1,1.0,2`` swept pue 1 twice (two points with the same figures, and a sweep
    chart's line drawn back over itself), while a choice listed twice is refused; the number is refused too now,
    named as typed."""
    line = one_error(run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1,1.0,2"))
    assert line == "Error: --vary: scenario.pue: 1 is listed twice (as '1.0'): give each value once"
    line = one_error(run("plot", "sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1.5,1.5", "-o", "-"))
    assert line == "Error: --vary: scenario.pue: 1.5 is listed twice: give each value once"
    ok = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1,1.5")
    assert [row.split(",")[2] for row in ok.stdout.splitlines()[1:]] == ["1", "1.5"]


def _dollar_ticks(svg: str) -> list[str]:
    import re

    return re.findall(r">(\$[^<]*)<", svg)


def test_a_chart_in_dollars_labels_each_tick_apart(run: Any) -> None:
    """Round 92 3: ``tco plot sweep ... --metric cost_per_million_tokens_usd`` labelled every tick of the cost axis
    '$0' (dollars below a million were written without cents), and the effective cost of an H100 swept over
    ``scenario.fabric=infiniband,ethernet`` had ticks '$1.82M, $1.82M, $1.81M, ...' (two decimals of a million for
    ticks $5,000 apart). Each tick now carries the decimals its spacing needs."""
    pytest.importorskip("matplotlib")
    args = ("plot", "sweep", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--vary", "workload.precision=bf16,fp8")
    per_token = run(*args, "--metric", "cost_per_million_tokens_usd", "-o", "-")
    assert per_token.exit_code == 0, per_token.output
    assert _dollar_ticks(per_token.stdout) == ["$0.100", "$0.125", "$0.150", "$0.175", "$0.200", "$0.225", "$0.250"]
    fabric = run("plot", "sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.fabric=infiniband,ethernet", "-o", "-")
    ticks = _dollar_ticks(fabric.stdout)
    assert ticks == ["$1.790M", "$1.795M", "$1.800M", "$1.805M", "$1.810M", "$1.815M", "$1.820M", "$1.825M"]
    assert len(set(ticks)) == len(ticks)


def test_activations_that_do_not_fit_at_a_fixed_tensor_degree_blame_the_layout(run: Any) -> None:
    """Round 92 4: ``compare h100-sxm -w llama3-8b --set workload.layout.recompute=none --set
    workload.layout.tensor_parallel=1`` blamed the shipped file's ``parameters`` ('the training state of 8.03e+09
    parameters does not fit on any count ... use fewer parameters'), though the same job runs without the two --set:
    the check of one sequence's activations split them over a whole node, not over the tensor degree the layout
    fixes. It now splits them as the layout does, and says the activations do not fit, blaming the --set."""
    args = ("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.layout.recompute=none")
    line = one_error(run(*args, "--set", "workload.layout.tensor_parallel=1"))
    assert line == (
        "Error: --set: workload.layout.recompute: activations of one 8,192-token sequence (389.7 GB per device with "
        "recompute = none (workload.layout) at tensor_parallel = 1) exceed h100-sxm's usable memory (72.0 GB)"
    )
    assert run(*args).exit_code == 0  # (over the searched tensor degree it fits)
    long = ("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.seq_len=1310720", "--set", "workload.layout.tensor_parallel=1")
    line = one_error(run(*long, "--set", "workload.layout.context_parallel=1"))
    assert line == (
        "Error: --set: workload.layout.tensor_parallel: activations of one 1,310,720-token sequence (1,016.0 GB per device "
        "even with full recomputation at tensor_parallel = 1 and context_parallel = 1) exceed h100-sxm's usable memory (72.0 GB)"
    )
