"""Session 69: the JSON writer's search for a minus zero; the minimum-versions file pins every floor the test install
names (pypdf among them, so the report's print tests run wherever Chromium is installed)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

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
