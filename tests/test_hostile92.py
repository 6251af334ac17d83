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
