"""Session 57: the Python API takes any ``os.PathLike`` where it takes a path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import tco
from tco.errors import InputError

H100 = Path(__file__).resolve().parent.parent / "profiles" / "accelerators" / "h100-sxm.toml"


class OtherPath(os.PathLike):  # type: ignore[type-arg]
    """A path type of another library: not a pathlib.Path, but it gives its text through ``__fspath__``."""

    def __init__(self, text: object) -> None:
        self.text = text

    def __fspath__(self) -> object:
        return self.text


def test_a_path_like_loads_as_its_path() -> None:
    path = H100
    assert tco.load_accelerator(OtherPath(str(path))) == tco.load_accelerator(path)
    assert tco.load_accelerator(OtherPath(os.fsencode(path))).id == "h100-sxm"


def test_path_likes_in_a_list_load_as_their_paths() -> None:
    path = H100
    inputs = tco.load_inputs([OtherPath(str(path))], workload="llama3-8b")
    assert [o.label for o in inputs.options] == ["h100-sxm"]


def test_a_path_like_without_text_is_refused_naming_the_argument() -> None:
    with pytest.raises(InputError) as caught:
        tco.load_accelerator(OtherPath(3))
    assert caught.value.key == "ref"
    assert caught.value.message.startswith("expected str | Path, got OtherPath ")
    assert caught.value.message.endswith(": not text")


def test_a_path_like_to_a_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "none.toml"
    with pytest.raises(tco.NotFoundError) as caught:
        tco.load_accelerator(OtherPath(str(missing)))
    assert str(missing) in str(caught.value)


@pytest.mark.parametrize("dirs", [[""], ["  "], ("",), [b""], [H100.parent.parent, ""]])
def test_a_blank_folder_in_dirs_is_refused_not_read_as_the_working_folder(dirs: list[object]) -> None:
    """``Path('')`` is ``Path('.')``: a blank entry used to search the working folder, and the error then said
    'unknown accelerator in dirs (.)' as though '.' had been asked for."""
    with pytest.raises(InputError) as caught:
        tco.load_inputs(["h100-sxm"], workload="llama3-8b", dirs=dirs)  # type: ignore[arg-type]
    blank = next(d for d in dirs if not str(d).strip() or d == b"")
    shown = blank.decode() if isinstance(blank, bytes) else blank
    assert caught.value.key == "dirs"
    assert caught.value.message == (f"expected Sequence[Path] | None, got {shown!r}: a blank path (write '.' for the working folder)")


def test_blank_text_for_dirs_is_still_text_for_a_list() -> None:
    with pytest.raises(InputError) as caught:
        tco.load_accelerator("h100-sxm", dirs="")  # type: ignore[arg-type]
    assert caught.value.message == "expected Sequence[Path] | None, got str '': text is not a list of values (put it in a list)"


def test_the_working_folder_written_as_a_dot_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "accelerators").mkdir()
    (tmp_path / "accelerators" / "mine.toml").write_text(H100.read_text(encoding="utf-8").replace('id = "h100-sxm"', 'id = "mine"'))
    monkeypatch.chdir(tmp_path)
    assert tco.load_accelerator("mine", dirs=["."]).id == "mine"


@pytest.mark.skipif(
    not Path("/proc/version").is_file() or not os.access("/proc/version", os.W_OK),
    reason="needs Linux's /proc, as root (another user is told the file is read-only, before the folder is tried)",
)
def test_an_output_in_a_folder_that_takes_no_new_file_says_so(run) -> None:
    """``-o /proc/version`` said 'cannot write: No such file or directory' of a file that exists: the output is
    written beside its target and renamed over it, and /proc takes no new file."""
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "-o", "/proc/version")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: /proc/version: -o: cannot write: cannot create a file in /proc (No such file or directory), "
        "which writing it atomically needs\n"
    )
    assert result.stdout == ""


# --------------------------------------------------------------------------- extends: a table that loses its value

CHAT = 'extends = "chat-70b"\nid = "c2"\n'
WARNED = (
    "tokens_per_day: the table replaces the inherited tokens_per_day whole and gives no value, so it is unknown; "
    "write value = … in it too (an empty table, tokens_per_day = {}, says unknown on purpose)"
)


def test_a_table_that_replaces_a_known_value_without_one_is_warned_of(run, tmp_path: Path) -> None:
    """A child workload meant to add a range (``[tokens_per_day] low = 1e8``) replaced the inherited quantity whole,
    so the value became unknown and the run only said 'workload.tokens_per_day unknown'. It now says why, naming
    the file; the run is otherwise the same (exit 0, nothing ranked)."""
    child = tmp_path / "c2.toml"
    child.write_text(CHAT + "[tokens_per_day]\nlow = 1e8\n", encoding="utf-8")
    result = run("compare", "h100-sxm", "-w", str(child))
    assert result.exit_code == 0
    assert f"Warning: {child}: {WARNED}\n" in result.stderr
    assert "Note: h100-sxm is not ranked: workload.tokens_per_day unknown" in result.stderr
    inputs = tco.load_inputs(["h100-sxm"], workload=child)
    assert f"{child}: {WARNED}" in inputs.warnings
    result = run("profiles", "validate", str(child))
    assert (result.exit_code, result.stdout) == (0, f"ok: {child}\n")
    assert result.stderr == f"Warning: {child}: {WARNED}\n"  # (the file named once)


@pytest.mark.parametrize("table", ["tokens_per_day = {}\n", "[tokens_per_day]\nvalue = 2e9\nlow = 1e8\n", "tokens_per_day = 2e9\n"])
def test_an_empty_table_or_one_with_its_value_is_not_warned_of(run, tmp_path: Path, table: str) -> None:
    """An empty table makes the value unknown on purpose; a table or number with its value replaces it knowingly."""
    child = tmp_path / "c2.toml"
    child.write_text(CHAT + table, encoding="utf-8")
    result = run("compare", "h100-sxm", "-w", str(child))
    assert result.exit_code == 0
    assert "replaces the inherited" not in result.stderr


def test_a_nested_quantity_of_a_parent_file_is_named_by_its_file(run, tmp_path: Path) -> None:
    """The file whose table lost the value is named, a parent in the chain too, with the dotted path."""
    (tmp_path / "p1.toml").write_text('extends = "h100-sxm"\nid = "p1"\n[interconnect.bandwidth_gbps]\nsource = "mine"\n', encoding="utf-8")
    (tmp_path / "p2.toml").write_text('extends = "p1"\nid = "p2"\n', encoding="utf-8")
    result = run("profiles", "validate", str(tmp_path / "p2.toml"))
    assert result.exit_code == 0
    assert result.stderr == (
        f"Warning: {tmp_path / 'p2.toml'}: {tmp_path / 'p1.toml'}: interconnect.bandwidth_gbps: the table replaces the "
        "inherited interconnect.bandwidth_gbps whole and gives no value, so it is unknown; write value = … in it too "
        "(an empty table, interconnect.bandwidth_gbps = {}, says unknown on purpose)\n"
    )


def test_size_groups_the_count_in_its_note_and_says_one_day(run) -> None:
    """The note wrote '1920 × h100-sxm meets …' beside a count column of '1,920', and a deadline of 1 said '1 days'."""
    result = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--budget-usd", "1e6", "-f", "json")
    row = json.loads(result.stdout)["results"][0]
    assert row["count"] == 131072
    assert row["message"].startswith("131,072 × a100-80gb meets budget_usd = $1,000,000 (the largest count searched")
    result = run("size", "h100-sxm", "-w", "llama3-70b", "--deadline-days", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --deadline-days: h100-sxm: no count meets 1 day: lead time, deployment and porting alone take 112.0 days\n"
    )
