"""Hostile round 60b: the environment and the process around every command (locale, streams, signals,
file systems, interpreter). Each test names the defect it pins."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TCO = [sys.executable, "-m", "tco"]
ARTICLE = ["compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
"""A run that writes a warning on stderr (the MLU370-S4's implausible MFU) beside its result."""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    return env


def _shell(command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=_env(), cwd=cwd, timeout=120, check=False)


def test_json_written_to_a_file_keeps_a_file_name_that_is_not_utf8(run, tmp_path: Path) -> None:
    """D1: `tco compare $'d\\xff/my\\xfegpu.toml' -f json -o out.json` exited 3 (UnicodeEncodeError: the audit
    trail's path held a lone surrogate, which no UTF-8 file holds); on stdout it became '?'. The name is now
    written as its JSON escape, and a reader gets the same path back."""
    folder = tmp_path / os.fsdecode(b"d\xff")
    folder.mkdir()
    profile = folder / os.fsdecode(b"my\xfegpu.toml")
    shown = run("profiles", "show", "a100-80gb", "--format", "toml")
    profile.write_text(shown.stdout)
    out = tmp_path / "out.json"
    result = run("compare", str(profile), "-w", "gpt3-1.3b", "-f", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_bytes().decode("utf-8")  # valid UTF-8 throughout
    assert "\\udcff" in text and "\\udcfe" in text
    assert json.loads(text)["inputs"]["files"]["a100-80gb"]["path"] == str(profile)
    lines = run("compare", str(profile), "-w", "gpt3-1.3b", "-f", "jsonl", "-o", str(tmp_path / "out.jsonl"))
    assert lines.exit_code == 0, lines.stderr


def test_a_broken_stderr_pipe_loses_the_notes_not_the_result(tmp_path: Path) -> None:
    """D2: with stderr a pipe whose reader had gone (`tco compare ... 2>&1 >out.csv | head -c0`), the first
    warning raised BrokenPipeError, taken for the stdout reader stopping: exit 0 and out.csv EMPTY. The
    result is written and the run keeps its exit code."""
    out = tmp_path / "out.csv"
    with out.open("w") as stdout:
        proc = subprocess.Popen([*TCO, *ARTICLE, "-f", "csv"], stdout=stdout, stderr=subprocess.PIPE, env=_env())
        assert proc.stderr is not None
        proc.stderr.close()  # the reader of stderr is gone before tco writes its warning
        assert proc.wait(timeout=120) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("schema_version,workload,scenario,accelerator")
    assert [r.split(",")[3] for r in rows[1:]] == ["a100-80gb", "mlu370-s4"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stderr_on_a_full_device_loses_the_notes_not_the_result() -> None:
    """D2: `tco compare ... 2>/dev/full` exited 1 and printed nothing on stdout (the held warning failed while
    the table was being written, and was blamed on standard output); a usage error is still exit 2."""
    done = _shell(f"{shlex.join([*TCO, *ARTICLE])} 2>/dev/full")
    assert done.returncode == 0
    assert done.stdout.startswith("gpt3-1.3b · software tuning typical · scenario default")
    usage = _shell(f"{shlex.join([*TCO, 'compare', 'a100-80gb', '--bogus'])} 2>/dev/full")
    assert usage.returncode == 2 and usage.stdout == ""


def test_simulate_with_stderr_closed_runs() -> None:
    """D3: `tco simulate ... 2>&-` exited 3 (sys.stderr is None: .isatty() of None) before the progress bar
    was even needed; with no stderr there is no progress bar, and the result is printed."""
    done = _shell(shlex.join([*TCO, "simulate", "a100-80gb", "-w", "gpt3-1.3b", "-n", "200", "--seed", "1"]) + " 2>&-")
    assert done.returncode == 0
    assert "200 samples, seed 1; sampled:" in done.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_validate_into_a_full_device_is_an_error_of_the_device(tmp_path: Path) -> None:
    """D4: `tco profiles validate FILE > /dev/full` exited 3 ('internal error (OSError ...) this is a bug'):
    its 'ok:' lines were printed outside the one writer of stdout. Now exit 1, as every other command."""
    profile = tmp_path / "mine.toml"
    shown = subprocess.run([*TCO, "profiles", "show", "a100-80gb", "-f", "toml"], capture_output=True, text=True, env=_env(), check=True)
    profile.write_text(shown.stdout)
    done = _shell(f"{shlex.join([*TCO, 'profiles', 'validate', str(profile)])} > /dev/full")
    assert done.returncode == 1
    assert done.stderr == "Error: standard output: cannot write: No space left on device\n"
    ok = _shell(shlex.join([*TCO, "profiles", "validate", str(profile)]))
    assert (ok.returncode, ok.stdout) == (0, f"ok: {profile}\n")
    closed = _shell(shlex.join([*TCO, "profiles", "validate", str(profile)]) + " >&-")
    assert closed.returncode == 0  # (the exit code is validate's answer)


def _unprivileged() -> list[str] | None:
    """A prefix that runs a command without the power to write files it may not (root's DAC override)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run([setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "true"], capture_output=True, check=False)
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"] if probe.returncode == 0 else None


def test_a_read_only_output_file_is_not_replaced(tmp_path: Path) -> None:
    """D5: `-o FILE` onto an existing file the user may not write (chmod 444) replaced it (a temporary file
    renamed over it, then given the old read-only mode), where `> FILE` is refused. Now exit 1 naming it and
    what to do; the file is untouched and no temporary file is left."""
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("cannot drop the permission to write read-only files here")
    target = tmp_path / "result.json"
    target.write_text("OLD\n")
    target.chmod(0o444)
    done = subprocess.run([*prefix, *TCO, "schema", "workload", "-o", str(target)], capture_output=True, text=True, env=_env(), check=False)
    assert done.returncode == 1
    assert done.stderr == (f"Error: {target}: -o: cannot write: the file is read-only: make it writable (chmod u+w) or name another\n")
    assert target.read_text() == "OLD\n" and (target.stat().st_mode & 0o777) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]
    target.chmod(0o644)
    again = subprocess.run([*prefix, *TCO, "schema", "workload", "-o", str(target)], capture_output=True, text=True, env=_env())
    assert again.returncode == 0, again.stderr
    assert json.loads(target.read_text())["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_ctrl_c_while_tco_starts_exits_130_without_a_traceback() -> None:
    """D6: SIGINT in the first ~0.4 s (`tco sweep ... -o big.csv`, then Ctrl-C at once) printed a Python
    traceback of the import under way (pydantic, enum, importlib) and died of the signal; later it exits
    130 quietly. The import is now interrupted the same way."""
    import signal
    import time

    code = (
        "import signal, sys, threading, os; sys.argv = ['tco', 'profiles', 'list']; "
        "sys.modules.pop('tco.cli', None); import builtins; real = builtins.__import__\n"
        "def slow(name, *a, **k):\n"
        "    if name == 'tco.render':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = slow\n"
        "from tco.__main__ import main; main()"
    )
    start = time.monotonic()
    # (a test run started in the background without job control inherits an ignored SIGINT, which Python then
    # leaves ignored: the child gets the default disposition a terminal gives, as _sweep_stopped_by in
    # test_hostile.py does for its signals)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
        check=False,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (done.returncode, done.stderr, done.stdout) == (130, "", "")
    assert time.monotonic() - start < 60
