"""Hostile round 110 (file bytes, output destinations, standard streams and the environment): TOML files with a
byte-order mark, UTF-16 and UTF-32, CRLF and lone-CR line endings, NUL bytes, bytes that are not UTF-8 in a string
or a comment, a 50 MB file, thousands of nested arrays and inline tables, a 2-million-character key, quoted keys with
a dot, duplicate keys and tables, dates, times, booleans, lists, tables, integers past 2^63 and ``inf``/``nan``
where numbers are expected; ``-o`` to /dev/full, /dev/null, a FIFO, a folder, a path under a file, a 255-byte name,
a name with a newline, an input of the run (also through a symlink), a suffix the format disagrees with and four
processes at once; ``-`` on stdin empty, binary, endless and closed; stdout closed, full or a broken pipe and
stderr closed or full; ``TCO_PROFILE_PATH``, ``LANG=C``, ``LC_ALL=POSIX``, ``PYTHONIOENCODING=ascii``, ``COLUMNS``,
``TERM=dumb``, ``NO_COLOR``, ``HOME`` unset, a missing ``TMPDIR``. Earlier rounds had made nearly all of these
one-line refusals or plain successes; what was left:

1. The chart commands (plot, report) imported matplotlib under the user's environment: ``MPLBACKEND`` naming no
   backend failed the import with an internal error (exit 3), though tco always draws with Agg; and matplotlib's
   import-time log lines about the user's setup reached stderr unformatted: two lines for an unwritable
   ``MPLCONFIGDIR`` or cache folder, one line per line of a ``MATPLOTLIBRC`` that is not a matplotlibrc.
2. An id given by a user file whose name differs from it, with a syntax error further down the file, was
   "unknown accelerator 'zz-x'; see 'tco profiles list'": nothing named the file that does not load.
3. A ``~`` or a ``$VAR`` no shell expanded (quoted, in a script's argument list) in an input file or ``-o`` said
   only 'no such file' or 'the folder does not exist', where TCO_PROFILE_PATH already said why (round 86).
4. Under a locale whose encoding is not UTF-8 (PYTHONIOENCODING=ascii or latin-1, LC_ALL=C with PYTHONUTF8=0),
   ``-f json > out.json`` or ``-f csv | tool`` made each character the encoding lacks a '?' ('H100 中文' became
   'H100 ??'), and ``report -o -`` a page declaring itself UTF-8 with '?' in it: data lost, and bytes other
   than ``-o FILE``'s. A file or a pipe now gets UTF-8 as -o does; the table format keeps the locale's.
5. Two TOML syntax errors were told in tomllib's words alone: a leading zero (``release_year = 02022``:
   'Expected newline or end of document after a statement') and an inline table spread over lines or holding a
   comment (``memory_gb = {`` then ``value = 80, ...}``: 'Invalid initial character for a key part').
6. Two more: a thousands separator (``release_year = 2,022``: 'Expected newline or end of document after a
   statement'; in an inline table, ``{ value = 27,500, ...}``, 'Expected '=' after a key') and a boolean written
   as elsewhere (``True``, ``YES``, ``off``: 'Invalid value'). And a unit after a number (``value = 80GB``,
   ``80 GB``, ``release_year = 2022y``): 'Unclosed inline table' or 'Expected newline ...' alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

W = ("-w", "gpt3-1.3b")


def _tco(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter (matplotlib reads its environment once, on import), with ``env`` added."""
    full = {k: v for k, v in os.environ.items() if k not in ("TCO_PROFILE_PATH", "MPLBACKEND", "MATPLOTLIBRC")}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "tco", *args], capture_output=True, text=True, timeout=300, env=full, cwd=cwd)


@pytest.mark.parametrize(
    "env",
    [{"MPLBACKEND": "nonsense"}, {"MPLCONFIGDIR": os.devnull}, {"XDG_CACHE_HOME": os.devnull}, {"MATPLOTLIBRC": "RC"}],
    ids=["backend", "configdir", "cachedir", "rcfile"],
)
def test_a_chart_ignores_the_matplotlib_environment_it_does_not_draw_with(tmp_path: Path, env: dict[str, str]) -> None:
    """1: ``MPLBACKEND=nonsense tco plot ...`` exited 3 ('internal error (ValueError: Key backend: 'nonsense' is not
    a valid value for backend ...)'); an unwritable config or cache folder printed matplotlib's two lines ('mkdir
    -p failed ...', 'Matplotlib created a temporary cache directory ...'); a MATPLOTLIBRC naming a TOML file printed
    'Missing colon in file ...' for each of its lines. The chart is drawn and stderr is empty."""
    rc = tmp_path / "rc.toml"
    rc.write_text('id = "x"\nname = "y"\n')
    env = {k: str(rc) if v == "RC" else v for k, v in env.items()}
    out = tmp_path / "t.svg"
    done = _tco("plot", "tornado", "a100-80gb", *W, "-o", str(out), env=env)
    assert (done.returncode, done.stderr) == (0, "")
    assert out.read_text().startswith("<?xml")


def test_an_id_not_found_names_the_user_file_that_does_not_load(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """2: a user's 'mine.toml' giving ``id = "zz-x"``, with a syntax error further down, left
    ``tco compare zz-x`` saying only "unknown accelerator 'zz-x'; see 'tco profiles list'": the file's id is
    never read, so nothing pointed at it (a file named after the id did say why). The refusal now names the
    first user file of the kind that does not load, and how many do."""
    folder = tmp_path / "accelerators"
    folder.mkdir()
    (folder / "mine.toml").write_text('id = "zz-x"\nname = "x"\nbad\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("compare", "zz-x", *W)
    assert result.exit_code == 1
    mine = folder / "mine.toml"
    assert result.stderr == (
        f"Error: unknown accelerator 'zz-x' (a file that does not load may give it: {mine}: not valid TOML: "
        "Expected '=' after a key in a key/value pair (at line 3, column 4)); see 'tco profiles list'\n"
    )
    (folder / "other.toml").write_text("x = \n")
    result = run("compare", "zz-x", *W)
    assert result.stderr.startswith("Error: unknown accelerator 'zz-x' (2 files that do not load may give it; the first: ")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("compare", "a100-80gb", "-w", "~/h110-w.toml"),
            "~/h110-w.toml: no such file; a '~' is not expanded here: write the file in full (<home>/h110-w.toml)",
        ),
        (("compare", "$HOME/h110-a.toml", *W), "$HOME/h110-a.toml: no such file; a variable is not expanded here: write the file in full"),
        (
            ("profiles", "validate", "~/h110-a.toml"),
            "~/h110-a.toml: no such file; a '~' is not expanded here: write the file in full (<home>/h110-a.toml)",
        ),
        (
            ("compare", "a100-80gb", *W, "-o", "~/h110-x/o.json"),
            "~/h110-x/o.json: -o: cannot write: the folder does not exist; "
            "a '~' is not expanded here: write the file in full (<home>/h110-x/o.json)",
        ),
        (
            ("report", "a100-80gb", *W, "-o", "${HOME}/h110-x/o.html"),
            "${HOME}/h110-x/o.html: -o: cannot write: the folder does not exist; a variable is not expanded here: write the file in full",
        ),
        (("compare", "a100-80gb", "-w", "~nobody-h110/w.toml"), "~nobody-h110/w.toml: no such file"),
    ],
)
def test_an_unexpanded_tilde_or_variable_in_a_file_name_is_named(run, args: tuple[str, ...], line: str) -> None:
    """3: ``-w "~/w.toml"`` said 'no such file' and ``-o "~/out.json"`` 'the folder does not exist', though the
    user's file is there under the home folder; TCO_PROFILE_PATH's refusal said why (round 86). Every input file
    and -o now says it too (tco.errors.unexpanded); a '~user' of no such user is no expansion to suggest."""
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {line.replace('<home>', os.path.expanduser('~'))}\n"


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}])
@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_a_pipe_under_a_non_utf8_locale_gets_the_bytes_of_the_output_file(tmp_path: Path, env: dict[str, str], fmt: str) -> None:
    """4: the data formats on a pipe were encoded with the locale's encoding, errors replaced by '?'."""
    text = (Path(__file__).parent.parent / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
    profile = tmp_path / "uni.toml"
    profile.write_text(text.replace('id = "h100-sxm"', 'id = "h100-uni"').replace("H100 SXM5 80GB", "H100 «Ünï» 中文"), encoding="utf-8")
    out = tmp_path / f"o.{fmt}"
    args = ("report", str(profile), *W) if fmt == "html" else ("compare", str(profile), *W, "-f", fmt)
    assert _tco(*args, "-o", str(out)).returncode == 0
    piped = subprocess.run(
        [sys.executable, "-m", "tco", *args, "-o", "-"],
        capture_output=True,
        timeout=300,
        env={**{k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}, **env},
    )
    assert piped.returncode == 0
    assert fmt == "html" or "H100 «Ünï» 中文".encode() in piped.stdout  # (the report shows ids, and '·' and '×')
    assert piped.stdout == out.read_bytes()


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        (
            "release_year = 2022",
            "release_year = 02022",
            "Expected newline or end of document after a statement (at line 5, column 17): "
            "a number does not start with 0 in TOML (02022): write 2022",
        ),
        (
            "memory_gb = { value = 80,",
            "memory_gb = { value = -080,",
            "Unclosed inline table (at line 8, column 25): a number does not start with 0 in TOML (-080): write -80",
        ),
        (
            "memory_gb = { value = 80,",
            "memory_gb = {\n  value = 80,",
            "Invalid initial character for a key part (at line 8, column 14): "
            "an inline table ({...}) ends on the line it starts on in TOML: join its lines, or write it as a [table]",
        ),
        (
            "memory_gb = { value = 80,",
            "memory_gb = { value = 80, # HBM3\n",
            "Invalid initial character for a key part (at line 8, column 27): "
            "an inline table ({...}) ends on the line it starts on in TOML: join its lines, or write it as a [table]",
        ),
    ],
)
def test_a_leading_zero_or_an_inline_table_over_lines_is_named(run, tmp_path: Path, old: str, new: str, line: str) -> None:
    """5: both said only tomllib's reason and where; the reason is now named, with what to write."""
    text = (Path(__file__).parent.parent / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: not valid TOML: {line}\n"


@pytest.mark.parametrize(
    ("new", "line"),
    [
        (
            "release_year = 2,022",
            "Expected newline or end of document after a statement (at line 5, column 17): "
            "TOML numbers have no thousands separator (2,022): write 2_022",
        ),
        (
            "memory_gb = { value = 1,234,567,",
            "Expected '=' after a key in a key/value pair (at line 8, column 28): "
            "TOML numbers have no thousands separator (1,234,567): write 1_234_567",
        ),
        (
            "memory_gb = { value = 80 GB,",
            "Unclosed inline table (at line 8, column 26): "
            "a TOML number takes no unit (80 GB): write 80, in the unit the key's name or schema gives",
        ),
        ("can_train = True", "Invalid value (at line 6, column 13): TOML's booleans are true and false, in lower case: write true"),
        ("can_train = off", "Invalid value (at line 6, column 13): TOML's booleans are true and false, in lower case: write false"),
    ],
)
def test_a_thousands_separator_or_a_boolean_of_another_language_is_named(run, tmp_path: Path, new: str, line: str) -> None:
    """6: tomllib's reason and place alone; now what was meant and what to write."""
    text = (Path(__file__).parent.parent / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
    old = new.partition(" =")[0] + " = " + {"release_year": "2022", "memory_gb": "{ value = 80,"}.get(new.partition(" =")[0], "true")
    path = tmp_path / "p.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: not valid TOML: {line}\n"
