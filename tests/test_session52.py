"""Session 52: a terminating signal as the output's temporary file is created leaves nothing behind."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tco import cli


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_signal_as_the_temporary_file_is_created_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop signal that arrived just after the temporary file was created, before its clean-up was in place,
    left a hidden .tco-*.tmp beside the target (a rare failure of test_hostile's SIGXCPU test under load). The
    signal is now held until the clean-up is in place: tco still exits as the signal asks, and leaves nothing."""
    real = tempfile.mkstemp

    def mkstemp_then_signal(*args: Any, **kwargs: Any) -> tuple[int, str]:
        made = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGUSR1)  # (delivered before kill returns, unless blocked)
        return made

    monkeypatch.setattr(cli.tempfile, "mkstemp", mkstemp_then_signal)
    previous = signal.signal(signal.SIGUSR1, cli._stop)
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.emit_stream(iter(["a,b\n", "1,2\n"]), tmp_path / "out.csv")
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert stopped.value.code == 128 + signal.SIGUSR1
    assert list(tmp_path.iterdir()) == []
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == set()  # the mask is as it was: nothing left blocked


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_output_is_written_with_the_signal_mask_restored(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    cli.emit_stream(iter(["a,b\n", "1,2\n"]), target)
    assert target.read_text() == "a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == set()
