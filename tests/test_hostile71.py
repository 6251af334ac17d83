"""Hostile round 71 (the search path, standard input, the workbook, the analyses' ranges): each defect fixed, with a test."""

from __future__ import annotations

import os

from tco import loader


def test_a_folder_named_twice_on_the_search_path_is_read_once(run, tmp_path, monkeypatch) -> None:
    """1: TCO_PROFILE_PATH=DIR:DIR/ (or the shipped profiles folder itself on it), DIR holding sources/mine.toml:
    'tco profiles show h100-sxm' said 'Error: DIR/sources/mine.toml: MY-KEY-2025: citation key defined twice (also
    in DIR/sources/mine.toml)', a file clashing with itself, while compare, list and validate took the same path;
    with the shipped folder on it every 'profiles show' failed. A folder named again is now searched once, at its
    first place."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "mine.toml").write_text('[MY-KEY-2025]\ntitle = "t"\npublisher = "p"\ndate = "2025"\n')
    for path in (f"{tmp_path}{os.pathsep}{tmp_path}/", str(loader.builtin_dir())):
        monkeypatch.setenv("TCO_PROFILE_PATH", path)
        r = run("profiles", "show", "h100-sxm", "-f", "json")
        assert r.exit_code == 0, r.output
        assert r.stderr == ""
        assert '"id": "h100-sxm"' in r.stdout
    monkeypatch.setenv("TCO_PROFILE_PATH", f"{tmp_path}{os.pathsep}{tmp_path}")
    assert loader.search_path() == [tmp_path, loader.builtin_dir()]
    assert sorted(k for k in loader.load_bibliography() if k.startswith("MY-")) == ["MY-KEY-2025"]
