"""Hostile round 25 (the one-page report, the charts, the cash-flow workbook)."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")


def _text(html: str, anchor: str, length: int = 1500) -> str:
    import re

    i = html.index(anchor)
    return re.sub(r"<[^>]+>", " ", html[i : i + length])


def test_the_report_lists_what_the_simulation_and_the_tornado_lack(run, tmp_path) -> None:
    """The rented TPU v5p ranks first, but a sampled carbon price above 0 needs its unknown TDP: the
    uncertainty table showed "—" for it while "Missing inputs" said every figure is known."""
    page = tmp_path / "r.html"
    assert run("report", "tpu-v5p:rent", "a100-80gb", "-w", "gpt3-1.3b", "-n", "200", "-o", str(page)).exit_code == 0
    missing = _text(page.read_text(), 'id="missing"')
    assert "every figure is known" not in missing
    assert "tpu-v5p.tdp_w" in missing and "under uncertainty" in missing


def test_the_tornado_draws_the_cheapest_option_with_a_known_cost(run, tmp_path) -> None:
    """l20 has no price: the chart was of the l20 (empty, an axis of $0 … $1). It draws the A100."""
    chart = tmp_path / "t.svg"
    assert run("plot", "tornado", "l20", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(chart)).exit_code == 0
    svg = chart.read_text()
    assert "What moves a100-80gb" in svg and "scenario.utilization" in svg


def test_a_tornado_with_no_known_cost_is_an_error_not_an_empty_chart(run, tmp_path) -> None:
    out = run("plot", "tornado", "l20", "-w", "gpt3-1.3b", "-o", str(tmp_path / "t.svg"))
    assert out.exit_code == 1 and "needs l20.price_usd" in out.stderr
    assert not (tmp_path / "t.svg").exists()


def test_the_tornado_orders_inputs_by_the_drawn_options_own_swing() -> None:
    """The rows were the 12 largest swings of any option (the MLU's delay inputs), 8 of which do not move
    the A100 drawn: now every row moves it, and its three largest drivers come first."""
    import tco
    from tco import plots

    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")
    result = tco.sensitivity(inputs)
    swing = {
        r.param: abs((r.effective_cost_high_usd["a100-80gb"] or 0) - (r.effective_cost_low_usd["a100-80gb"] or 0))
        for r in result.rows
        if r.effective_cost_high_usd.get("a100-80gb") is not None and r.effective_cost_low_usd.get("a100-80gb") is not None
    }
    top3 = sorted(swing, key=lambda p: -swing[p])[:3]
    svg = plots.tornado(result).decode()
    assert all(p in svg for p in top3)
    assert "scenario.cost_of_delay_usd_per_day" not in svg  # the A100 is the fastest: no delay to price


def test_a_sweep_chart_refuses_a_second_vary(run, tmp_path) -> None:
    """click kept the last --vary and charted the PUE sweep at the default cost of delay, silently."""
    out = run(
        "plot",
        "sweep",
        "a100-80gb",
        "-w",
        "gpt3-1.3b",
        "--vary",
        "scenario.cost_of_delay_usd_per_day=0:400:9",
        "--vary",
        "scenario.pue=1.1:1.5:3",
        "-o",
        str(tmp_path / "s.svg"),
    )
    assert out.exit_code == 2 and "one --vary" in out.stderr


def test_the_cash_flow_sheets_say_they_hold_the_runs_values(run, tmp_path) -> None:
    """Edited Assumptions recalculate the Calc, Results and Cash flow sheets; the summary is values, and
    the cash flow says which of its parts are the run's."""
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "c.xlsx"
    assert run("cashflow", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-o", str(book)).exit_code == 0
    wb = openpyxl.load_workbook(book)
    assert "Values from the run, not formulas" in wb["Cash flow summary"]["A1"].comment.text
    assert "an edit that moves a date needs tco run again" in wb["Cash flow"]["A1"].comment.text


def test_the_report_fits_a_page_and_says_how_many(run, tmp_path) -> None:
    """The assumptions table (75 rows) made 8 printed pages: it is folded, and left out of a printout.
    The ranking had no count: the question is which accelerator and how many (28 H100s against
    36 A100s; 24 H100s before the KV cache read at its own rate)."""
    page = tmp_path / "r.html"
    assert run("report", "h100-sxm", "a100-80gb:rent", "-w", "chat-70b", "-n", "200", "-o", str(page)).exit_code == 0
    html = page.read_text()
    assert "<details><summary>" in html and "details,#assumptions{display:none}" in html
    ranking = _text(html, 'id="ranking"')
    assert " count " in ranking and " 28 " in ranking and " 36 " in ranking


def test_long_labels_are_cut_and_series_past_the_palette_differ() -> None:
    from tco import plots

    assert plots._short("x" * 100) == "x" * 25 + "…" + "x" * 26 and len(plots._short("x" * 100)) == 52
    assert plots._short("scenario.utilization") == "scenario.utilization"
    styles = [tuple(sorted(plots.style(i).items())) for i in range(16)]
    assert len(set(styles)) == 16
