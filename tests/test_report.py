"""The one-page report: one self-contained HTML file with every section, inline SVG charts, no network."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.svgs = 0
        self.external: list[str] = []
        self.tables = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        self.svgs += tag == "svg"
        self.tables += tag == "table"
        for key in ("src", "href"):
            if a.get(key) and not (a[key] or "").startswith("#"):
                self.external.append(a[key] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_sections_figures_and_no_network(run, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("report", "a100-80gb", "mlu370-s4", "ascend-910b", "-w", "gpt3-1.3b", "-s", "article", "-n", "500", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = Outline()
    page.feed(out.read_text(encoding="utf-8"))
    for section in ("verdict", "ranking", "breakeven", "tornado", "uncertainty", "assumptions", "missing", "provenance"):
        assert section in page.ids, section
    assert page.svgs >= 2 and page.tables >= 4
    assert page.external == []  # self-contained: no links, scripts or images to fetch
    text = " ".join(page.text)
    assert "a100-80gb wins" in text and "tie at scenario.cost_of_delay_usd_per_day" in text
    assert "cannot be bought in market" in text  # the barred part is explained, not dropped
    assert "[EPOCH-CODE]" in text or "[CBRE-2024]" in text  # assumptions carry their sources
    assert "inputs SHA-256" in text


def test_report_names_the_options_it_left_out(run, tmp_path: Path) -> None:
    """An option that cannot run the workload is left out of the analyses; the report says why, beside
    the infeasible ones, instead of dropping it silently."""
    out = tmp_path / "report.html"
    result = run("report", "a100-80gb", "mlu370-s4", "enflame-i20", "-w", "gpt3-1.3b", "-s", "article", "-n", "300", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = Outline()
    page.feed(out.read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert "enflame-i20" in text and "is not a training accelerator" in text
