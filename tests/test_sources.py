"""Sources inside the project: every source string of every shipped file cites a key of the shipped
bibliography (profiles/sources/*.toml), and no shipped file refers to files outside the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco import api, loader

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
SHIPPED = sorted(p for p in PROFILES.rglob("*.toml") if p.parent.name != "sources")


def test_bibliography_loads_with_title_publisher_and_date() -> None:
    bib = loader.load_bibliography([PROFILES])
    assert {"EPOCH", "SEED", "TCO"} <= set(bib)
    for key, (c, _) in bib.items():
        assert c.title and c.publisher and c.date[:4].isdigit(), key


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_source_cites_a_key_that_resolves(path: Path) -> None:
    bib = loader.load_bibliography([PROFILES])
    strings = list(api.source_strings(loader.read_toml(path)))
    assert strings or path.parent.name == "benchmarks", path
    for where, text in strings:
        keys = loader.cited_keys(text)
        assert keys, f"{path.name}: {where} cites no [KEY]: {text!r}"
        unknown = [k for k in keys if k not in bib]
        assert not unknown, f"{path.name}: {where} cites {unknown}, which profiles/sources/ does not define"


@pytest.mark.parametrize("path", sorted(PROFILES.rglob("*.toml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_shipped_file_refers_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for outside in ("shared/", "hardware.md", "cost-model.md", "house-style.md"):
        assert outside not in text, f"{path.name} mentions {outside}"


def test_profiles_show_prints_the_full_citation_of_each_source(run) -> None:
    result = run("profiles", "show", "a100-80gb")
    assert result.exit_code == 0, result.stderr
    assert "\nSources\n" in result.stdout
    assert 'Epoch AI, "Data on Machine Learning Hardware' in result.stdout
    data = json.loads(run("profiles", "show", "a100-80gb", "-f", "json").stdout)
    shown = data["results"][0]  # the common envelope
    assert shown["citations"]["EPOCH"]["publisher"] == "Epoch AI"
    assert all(v is not None for v in shown["citations"].values())


def test_a_key_defined_twice_is_an_error_naming_both_files(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    for name in ("a.toml", "b.toml"):
        (tmp_path / "sources" / name).write_text('[X1]\ntitle = "t"\npublisher = "p"\ndate = "2024"\n', encoding="utf-8")
    with pytest.raises(loader.InputError, match="defined twice"):
        loader.load_bibliography([tmp_path])
