"""Session 69: the JSON writer's search for a minus zero; the minimum-versions file pins every floor the test install
names (pypdf among them, so the report's print tests run wherever Chromium is installed); the print budget on A4."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.test_hostile100 import CHROMIUM
from tests.test_hostile100 import _print as print_page  # (Chromium prints it, pypdf reads it back)
from tests.test_session68 import EVERY, SERVING_NINE, report  # noqa: F401  (the module's report fixture, made once per module)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_json_walks_a_payload_only_when_it_holds_a_minus_zero(monkeypatch) -> None:
    """The writer searched its text for "-0.0", which -0.05 also contains: every payload with a small negative number was
    walked a second time. It now looks for "-0.0" with no digit after it; a minus zero still prints as 0.0."""
    from tco import render

    walked: list[object] = []
    real = render._unsigned_zeros
    monkeypatch.setattr(render, "_unsigned_zeros", lambda data: walked.append(data) or real(data))
    assert render._json_dumps({"gap": -0.05, "rate": -0.0125}) == '{"gap": -0.05, "rate": -0.0125}'
    assert walked == []
    assert render._json_dumps({"gap": -0.0, "rows": [1.5, -0.0]}) == '{"gap": 0.0, "rows": [1.5, 0.0]}'
    assert walked[0] == {"gap": -0.0, "rows": [1.5, -0.0]}  # (then each value inside it)


def _floors(requirements: list[str]) -> dict[str, tuple[int, ...]]:
    out = {}
    for req in requirements:
        m = re.match(r"([A-Za-z0-9_-]+)>=([0-9.]+)", req)
        if m:
            out[m.group(1).lower()] = tuple(int(x) for x in m.group(2).split("."))
    return out


def _padded(version: tuple[int, ...]) -> tuple[int, ...]:
    return (version + (0, 0, 0))[:3]


def test_the_minimum_versions_file_pins_every_floor_of_the_test_install() -> None:
    """CI's second pass installs ci/constraints-min.txt with '.[test]': a floor raised in pyproject.toml but not there (or a
    test dependency missing from it) would go untested at its oldest version. Each is pinned at exactly its floor."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = _floors([*project["dependencies"], *project["optional-dependencies"]["test"]])
    pins = {}
    for line in (ROOT / "ci" / "constraints-min.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9_-]+)==([0-9.]+)$", line.strip())
        if m:
            pins[m.group(1).lower()] = tuple(int(x) for x in m.group(2).split("."))
    assert "pypdf" in floors and "typer" in floors and "tomli" in floors
    assert {name: _padded(v) for name, v in floors.items()} == {name: _padded(pins[name]) for name in floors if name in pins}
    assert set(floors) <= set(pins)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
@pytest.mark.parametrize(
    "options, workload",
    [(EVERY, "gpt3-1.3b"), (SERVING_NINE, "chat-70b")],
    ids=["29-training", "9-serving"],
)
def test_many_options_print_on_one_a4_sheet(report, tmp_path: Path, options: list[str], workload: str) -> None:  # noqa: F811
    """Session 68 checked the print budget on US Letter (Chromium's default) and on A4 only by hand: A4 is shorter and
    narrower-margined the other way. The heaviest training and serving pages print on one A4 sheet, verdict and hash on it."""
    text = report(options, workload).read_text(encoding="utf-8")
    assert "@media print{" in text
    page = tmp_path / "a4.html"
    page.write_text(text.replace("@media print{", "@page{size:A4}@media print{", 1), encoding="utf-8")
    reader = print_page(page, tmp_path)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # (A4 in points, not Letter's 612 × 792)
    assert len(reader.pages) == 1
    printed = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text() or "").split())
    assert " wins: " in printed and "inputs SHA-256" in printed


def test_a_table_with_no_printed_row_is_left_out_of_a_printout(run, tmp_path: Path) -> None:
    """Two rented parts with unknown TDPs and no grid intensity: the simulation has no figure for either (a carbon price
    it samples above 0 needs both), so a printout left out both rows of the Under uncertainty table but printed its
    header over nothing. The whole table is now left to the screen, which still lists both options."""
    page = tmp_path / "r.html"
    args = ["report", "a100-80gb:rent", "h100-sxm:rent", "-w", "gpt3-1.3b", "-n", "200", "-o", str(page)]
    for path in ("a100-80gb.tdp_w", "h100-sxm.tdp_w", "scenario.grid_kgco2e_per_kwh_by_market.global"):
        args += ["--set", f"{path}={{}}"]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    text = page.read_text(encoding="utf-8")
    section = text[text.index('id="uncertainty"') : text.index("</table>", text.index('id="uncertainty"'))]
    assert '<table class="unprinted"><thead><tr><th>option</th><th class=n>wins</th>' in section
    assert section.count("<tr class=unprinted><td>") == 2 and "<td>a100-80gb:rent</td>" in section
    ranking = text[text.index('id="ranking"') : text.index("</table>", text.index('id="ranking"'))]
    assert "<table><thead>" in ranking  # (a table with a printed row keeps its header in print)
