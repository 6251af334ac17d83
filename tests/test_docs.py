"""docs/ is reference material checked by tests: every `$ tco ...` command in it runs as documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

DOCS = sorted((Path(__file__).resolve().parent.parent / "docs").glob("*.md"))
COMMANDS = [
    (doc.name, line[2:])
    for doc in DOCS
    for block in re.findall(r"```console\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    for line in block.splitlines()
    if line.startswith("$ tco ")
]


def test_docs_have_commands() -> None:
    assert COMMANDS


@pytest.mark.parametrize(("doc", "command"), COMMANDS)
def test_documented_command_runs(run, doc: str, command: str) -> None:
    """Exit 0, or exit 1 with one Error line per problem where the text says the command exits 1."""
    result = run(*shlex.split(command)[1:])
    text = (Path(__file__).resolve().parent.parent / "docs" / doc).read_text(encoding="utf-8")
    if "--strict" in command and "exits 1" in text:
        assert result.exit_code in (0, 1)
        assert result.exit_code == 0 or result.stderr.startswith("Error: ")
    else:
        assert result.exit_code == 0, result.stderr


def test_readme_links_the_docs() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for doc in DOCS:
        assert f"docs/{doc.name}" in readme, doc.name
