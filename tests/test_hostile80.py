"""Hostile round 80 (output formats, the HTML report and charts, cashflow's flags at their edges, profile
round-trips through --format toml, TCO_PROFILE_PATH and the terminal): an ampersand in a name reached Markdown
raw, so a name's own ``&amp;`` was shown as ``&``; fixed, with a test. The rest was right but untested, and is
pinned here."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import tco
from tests.factories import run_main

ROOT = Path(__file__).parents[1]
HOSTILE = '=HYPERLINK(\\"http://x\\")|a<script>x</script>\\u001b[31mRED\\r'
"""A name (as TOML writes it) that is a spreadsheet formula, a Markdown column break, an HTML tag, a terminal
colour escape and a carriage return at once."""


def _hostile(user_profile) -> None:
    user_profile("accelerators", "evil", f'extends = "h100-sxm"\nid = "evil"\naliases = []\nname = "{HOSTILE}"\nvendor = "+cmd|x"\n')
    user_profile("accelerators", "evil2", 'extends = "h100-sxm"\nid = "evil2"\naliases = []\nname = "@SUM(1)\\tb"\nvendor = "-2+3"\n')


def test_an_ampersand_in_a_name_is_escaped_in_markdown(run, user_profile) -> None:
    """1: Markdown wrote '<' as '&lt;' but left '&' raw, so a workload named 'R&D &amp; co' was shown by a Markdown
    viewer as 'R&D & co' (the entity it spells, not the text written). The ampersand is now '&amp;'."""
    chat = (ROOT / "profiles" / "workloads" / "chat-70b.toml").read_text(encoding="utf-8")
    text = re.sub(r"^id = .*$", 'id = "amp"', chat, count=1, flags=re.M)
    text = re.sub(r"^name = .*$", 'name = "R&D &amp; co &lt;b&gt;"', text, count=1, flags=re.M)
    text = re.sub(r"^aliases = .*$", "aliases = []", text, flags=re.M)
    user_profile("workloads", "amp", text)
    r = run("workloads", "list", "-f", "markdown")
    assert r.exit_code == 0
    line = next(x for x in r.stdout.splitlines() if x.startswith("| amp "))
    assert "R&amp;D &amp;amp; co &amp;lt;b&amp;gt;" in line
    shown = run("workloads", "show", "amp", "-f", "markdown")
    assert shown.exit_code == 0 and "R&amp;D &amp;amp; co" in shown.stdout
    plain = run("workloads", "list")  # (the terminal table shows the name as written)
    assert plain.exit_code == 0 and "R&D &amp; co &lt;b&gt;" in plain.stdout


def test_profiles_list_csv_cells_cannot_start_a_formula(run, user_profile) -> None:
    """Pinned: the names and vendors of `profiles list -f csv` that a spreadsheet reads as a formula (= + - @)
    are written with a leading quote; a carriage return or an escape becomes '?'."""
    _hostile(user_profile)
    r = run("profiles", "list", "-f", "csv")
    assert r.exit_code == 0
    rows = {row[1]: row for row in csv.reader(io.StringIO(r.stdout)) if len(row) > 3}
    assert rows["evil"][2:4] == ["'+cmd|x", '\'=HYPERLINK("http://x")|a<script>x</script>?[31mRED?']
    assert rows["evil2"][2:4] == ["'-2+3", "'@SUM(1)\tb"]
    assert "\x1b" not in r.stdout


def test_table_and_markdown_neutralise_a_hostile_name(run, user_profile) -> None:
    """Pinned: the terminal table shows escapes and a carriage return as '?'; Markdown escapes the column bar
    and the tag."""
    _hostile(user_profile)
    r = run("profiles", "list")
    assert r.exit_code == 0 and "\x1b" not in r.stdout and "\r" not in r.stdout
    assert '=HYPERLINK("http://x")|a<script>x</script>?[31mRED?' in r.stdout
    r = run("profiles", "list", "-f", "markdown")
    line = next(x for x in r.stdout.splitlines() if x.startswith("| evil "))
    assert '=HYPERLINK("http://x")\\|a&lt;script&gt;x&lt;/script&gt;?\\[31mRED?' in line and "<script" not in line


def test_jsonl_keeps_a_hostile_name_exact_on_one_valid_line(run, user_profile) -> None:
    """Pinned: each jsonl line is one JSON document; the name keeps its escape and carriage return, encoded."""
    _hostile(user_profile)
    r = run("compare", "evil", "evil2", "-w", "chat-70b", "-f", "jsonl")
    assert r.exit_code == 0
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["accelerator"] for row in rows] == ["evil", "evil2"]
    assert rows[0]["name"] == '=HYPERLINK("http://x")|a<script>x</script>\x1b[31mRED\r'
    assert "\x1b" not in r.stdout and "\r" not in r.stdout


def test_a_workbook_writes_a_formula_like_name_as_text(run, user_profile, tmp_path: Path) -> None:
    """Pinned: in the workbook a name that starts with '=' is a text cell, not a formula, and the file opens."""
    openpyxl = pytest.importorskip("openpyxl")
    _hostile(user_profile)
    out = tmp_path / "x.xlsx"
    r = run("compare", "evil", "evil2", "-w", "chat-70b", "-f", "xlsx", "-o", str(out))
    assert r.exit_code == 0
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK(" in c.value]
    cells += [c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "@SUM(1)" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_every_shipped_workload_and_scenario_round_trips_through_toml(run, tmp_path: Path) -> None:
    """Pinned: `workloads show ID --format toml` and `scenarios show ID --format toml`, saved under a new id,
    are used as they are and give the same cost as the shipped one."""
    base = run("compare", "h100-sxm", "-w", "chat-70b", "-f", "json")
    cost = json.loads(base.stdout)["results"][0]["effective_cost_usd"]
    for kind, ref in (("workloads", "chat-70b"), ("scenarios", "default")):
        shown = run(kind, "show", ref, "--format", "toml")
        assert shown.exit_code == 0
        path = tmp_path / f"{kind}.toml"
        path.write_text(re.sub(rf'^id = "{ref}"', 'id = "my-copy"', shown.stdout, count=1, flags=re.M), encoding="utf-8")
        flag = ("-w", str(path)) if kind == "workloads" else ("-w", "chat-70b", "-s", str(path))
        again = run("compare", "h100-sxm", *flag, "-f", "json")
        assert again.exit_code == 0, again.stderr
        assert json.loads(again.stdout)["results"][0]["effective_cost_usd"] == cost


def test_an_empty_profile_path_means_the_shipped_profiles_only(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinned: TCO_PROFILE_PATH set but empty (or only separators) adds no folder and is no error."""
    for value in ("", "::"):
        monkeypatch.setenv("TCO_PROFILE_PATH", value)
        r = run("profiles", "list", "-f", "csv")
        assert r.exit_code == 0 and r.stderr == "" and ",h100-sxm," in r.stdout


def test_a_profile_path_naming_a_file_is_refused_in_one_line(capsys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pinned: TCO_PROFILE_PATH naming a TOML file (not a folder) names the file and the variable."""
    path = tmp_path / "w.toml"
    path.write_text('id = "x"\n', encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(path))
    code, out, error = run_main(capsys, "profiles", "list")
    assert (code, out) == (1, "")
    assert error == f"Error: {path}: TCO_PROFILE_PATH: is not a folder; expected folders holding accelerators/, workloads/, scenarios/\n"


def test_show_as_toml_to_a_folder_writes_nothing(capsys, tmp_path: Path) -> None:
    """Pinned: `profiles show ID -f toml -o FOLDER` is one line naming the folder and -o."""
    code, out, error = run_main(capsys, "profiles", "show", "h100-sxm", "-f", "toml", "-o", str(tmp_path))
    assert (code, out, error) == (1, "", f"Error: {tmp_path}: -o: is a folder; expected a file name\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--lease-months", "3"), "Error: --lease-months: a lease term needs a lease rate: give --lease-usd-per-month too\n"),
        (
            ("--lease-usd-per-month", "1e307"),
            "Error: --lease-usd-per-month: h100-sxm@4: the cash flow overflows a float (a line above 1e308 USD); "
            "lower --lease-usd-per-month\n",
        ),
        (
            ("--revenue-usd-per-day", "1e400"),
            "Error: --revenue-usd-per-day: expected a finite revenue of at least 0 (at most 1.8e308), got infinity\n",
        ),
    ],
)
def test_cashflow_flags_at_their_edges(capsys, tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    """Pinned: cashflow's lease and revenue flags at their edges: one line naming the flag, nothing written."""
    out_file = tmp_path / "c.csv"
    code, out, error = run_main(capsys, "cashflow", "h100-sxm@4", "-w", "chat-70b", *extra, "-o", str(out_file))
    assert (code, out, error) == (1, "", message)
    assert not out_file.exists()


def test_an_id_with_a_count_or_rent_is_no_profile_to_show(capsys) -> None:
    """Pinned: `profiles show h100-sxm@4` (a command-line option, not an id) is unknown, with the id suggested."""
    code, out, error = run_main(capsys, "profiles", "show", "h100-sxm@4")
    assert (code, out) == (1, "")
    assert error == "Error: unknown accelerator 'h100-sxm@4' (did you mean 'h100-sxm'?); see 'tco profiles list'\n"


@pytest.mark.parametrize(
    ("command", "kind", "message"),
    [
        (
            ("workloads", "show"),
            "accelerators/h100-sxm",
            "this is an accelerator profile, not a workload file (see it with tco profiles show)",
        ),
        (("scenarios", "show"), "workloads/chat-70b", "this is a workload file, not a scenario file (see it with tco workloads show)"),
        (("profiles", "show"), "scenarios/default", "this is a scenario file, not an accelerator profile (see it with tco scenarios show)"),
    ],
)
def test_a_show_command_given_a_file_of_another_kind_names_the_command_that_shows_it(
    capsys, tmp_path: Path, command: tuple[str, ...], kind: str, message: str
) -> None:
    """2: `tco workloads show h100.toml` said '(give it as an ACCEL argument)' and `tco scenarios show w.toml` '(give it
    with -w)': an argument and a flag the show command does not take. The hint now names the command that shows the
    file; nothing is written to -o. The run commands keep their hint (-w, -s, ACCEL)."""
    path = tmp_path / "x.toml"
    path.write_text((ROOT / "profiles" / f"{kind}.toml").read_text(encoding="utf-8"), encoding="utf-8")
    out_file = tmp_path / "out.txt"
    code, out, error = run_main(capsys, *command, str(path), "-o", str(out_file))
    assert (code, out, error) == (1, "", f"Error: {path}: {message}\n")
    assert not out_file.exists()
    code, out, error = run_main(capsys, *command, str(path), "-f", "toml")
    assert (code, out, error) == (1, "", f"Error: {path}: {message}\n")
    code, _, error = run_main(capsys, "compare", "h100-sxm", "-w", "chat-70b", "-s", str(ROOT / "profiles" / "workloads" / "chat-70b.toml"))
    assert code == 1 and error.endswith("this is a workload file, not a scenario file (give it with -w)\n")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: tco.load_accelerator(p / "workloads" / "chat-70b.toml"), "not an accelerator profile (load it with tco.load_workload)"),
        (lambda p: tco.load_workload(p / "scenarios" / "default.toml"), "not a workload file (load it with tco.load_scenario)"),
        (lambda p: tco.load_scenario(p / "accelerators" / "h100-sxm.toml"), "not a scenario file (load it with tco.load_accelerator)"),
        (lambda p: tco.load_inputs([p / "workloads" / "chat-70b.toml"], workload="chat-70b"), "(give it as workload=...)"),
        (lambda p: tco.load_inputs(["h100-sxm"], workload=p / "scenarios" / "default.toml"), "(give it as scenario=...)"),
        (
            lambda p: tco.load_inputs(["h100-sxm"], workload="chat-70b", scenario=p / "accelerators" / "h100-sxm.toml"),
            "(give it as accelerators=[...])",
        ),
    ],
)
def test_the_python_api_given_a_file_of_another_kind_names_no_flag(monkeypatch: pytest.MonkeyPatch, call, message: str) -> None:
    """3: tco.load_accelerator(a workload file) said '(give it with -w)', a flag of the command line the caller does not
    use. The hint now names the function's own argument for that kind, or the function that loads it."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    with pytest.raises(tco.InputError) as exc:
        call(ROOT / "profiles")
    assert str(exc.value).endswith(message) and " -w" not in str(exc.value) and "ACCEL" not in str(exc.value)
