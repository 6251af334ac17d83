"""Shared test settings: property tests are derandomized so that CI runs the same examples every time."""

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from tco.cli import app

settings.register_profile("tco", derandomize=True, deadline=None)
settings.load_profile("tco")


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    """Invoke the app without user profile directories; the result must not hide a crash."""
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        result = runner.invoke(app, list(args), input=input)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        return result

    return invoke


@pytest.fixture
def user_profile(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Write a user's TOML file (``kind``: accelerators, workloads or scenarios) into a folder on
    ``TCO_PROFILE_PATH``, as a user adds a profile beside the shipped ones; returns its path."""
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))

    def write(kind: str, name: str, text: str):
        (tmp_path / kind).mkdir(exist_ok=True)
        path = tmp_path / kind / f"{name}.toml"
        path.write_text(text)
        return path

    return write
