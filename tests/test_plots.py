"""Charts are produced and contain the plotted series (SVG text is text: labels can be found)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

CASES = {
    "tornado": ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"],
    "breakeven": ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article"],
    "cdf": ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-n", "500"],
    "scatter": ["h100-sxm@1024", "mi300x@1024", "a100-80gb@1024", "-w", "llama3-70b"],
    "sweep": ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--vary", "scenario.cost_of_delay_usd_per_day=0:400:5"],
}
EXPECT = {
    "tornado": ["What moves a100-80gb", "scenario.utilization", "input at its low"],  # the A100's own largest swing
    "breakeven": ["Break-even: a100-80gb vs mlu370-s4", "tie at", "mlu370-s4"],
    "cdf": ["(CDF)", "a100-80gb", "mlu370-s4", "500 samples"],
    "scatter": ["Cost against time to market", "h100-sxm@1024", "mi300x@1024"],
    "sweep": ["scenario.cost_of_delay_usd_per_day", "a100-80gb", "mlu370-s4"],
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_chart_kind_as_svg(run, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.svg"
    result = run("plot", kind, *CASES[kind], "-o", str(out))
    assert result.exit_code == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.lstrip().startswith(("<?xml", "<svg")) and "<path" in svg
    for text in EXPECT[kind]:
        assert text in svg, text
    assert "tco " in svg  # the source line


def test_png_and_bad_names(run, tmp_path: Path) -> None:
    png = tmp_path / "c.png"
    assert run("plot", "scatter", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-o", str(png)).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert run("plot", "scatter", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(tmp_path / "c.txt")).exit_code == 2
    assert run("plot", "breakeven", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(tmp_path / "b.svg")).exit_code == 2


@pytest.mark.parametrize("param", ["workload.seq_len", "workload.shape.layers", "a100-80gb.interconnect.devices_per_node"])
def test_a_break_even_curve_over_a_whole_number_input_is_drawn(run, tmp_path: Path, param: str) -> None:
    """The curve's points are the break-even's own range: over a whole-number input they are rounded to
    whole values (it said 'expected whole numbers', with no --range to mend it)."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "curve.svg"
    result = run("plot", "breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "-o", str(out), "--param", param)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().lstrip().startswith(("<?xml", "<svg"))
