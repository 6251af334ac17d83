"""Hostile round 71 (the search path, standard input, the workbook, the analyses' ranges): each defect fixed, with a test."""

from __future__ import annotations

import os

from tco import loader
from tests.test_hostile59 import _a100_copy


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


def test_a_finite_number_at_the_float_edge_is_a_finite_number_in_the_workbook(run, tmp_path) -> None:
    """2: 'tco compare h100-sxm -w gpt3-1.3b --set scenario.cost_of_delay_usd_per_day=1.7976931348623157e308 -f xlsx'
    (and sensitivity's low/high columns for a range up to that number): openpyxl writes 16 significant digits, so
    the cell held 1.797693134862316e+308, above the largest float: it read back as infinity (INF in LibreOffice)
    for an input tco took as finite. Such a number is now written as 1.797693134862315e+308, the largest a cell
    holds as written."""
    import openpyxl

    book = tmp_path / "c.xlsx"
    r = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.cost_of_delay_usd_per_day=1.7976931348623157e308", "-o", str(book))
    assert r.exit_code == 0, r.output
    rows = openpyxl.load_workbook(book)["Assumptions"].iter_rows(values_only=True)
    assert [row[2] for row in rows if row[1] == "cost_of_delay_usd_per_day"] == [1.797693134862315e308]
    book = tmp_path / "s.xlsx"
    edge = "scenario.cost_of_delay_usd_per_day={value=1e300,low=0,high=1.7976931348623157e308}"
    r = run("sensitivity", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "--set", edge, "-o", str(book))
    assert r.exit_code == 0, r.output
    sheet = openpyxl.load_workbook(book)["Sensitivity"]
    assert (sheet["B2"].value, sheet["C2"].value, sheet["D2"].value) == ("scenario.cost_of_delay_usd_per_day", 0, 1.797693134862315e308)


def test_a_backslash_in_a_name_does_not_unescape_a_markdown_link(run, user_profile) -> None:
    r"""3: a profile named '\[x\](https://e.example) \| y' (a backslash before each bracket and the pipe): 'tco profiles
    show ID -f markdown' wrote '\\[x\\](https://e.example) \\| y', each added backslash escaped by the text's own, so
    a Markdown viewer showed a live link to https://e.example (round 59's escaping undone) and lost the backslash
    before the pipe. A backslash is now escaped too: the viewer shows the name as written."""
    user_profile("accelerators", "md-gpu", _a100_copy("md-gpu", name='"\\\\[x\\\\](https://e.example) \\\\| y"'))
    r = run("profiles", "show", "md-gpu", "-f", "markdown")
    assert r.exit_code == 0, r.output
    (row,) = [line for line in r.stdout.splitlines() if line.startswith("| name ")]
    assert row.split(" | ")[1].strip() == "\\\\\\[x\\\\\\](https://e.example) \\\\\\| y"
