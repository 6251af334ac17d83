"""Hostile input: never a traceback, one clear line, exit 1 (input) or 2 (usage), nothing half-written;
outputs safe for spreadsheets and terminals; -o keeps the target's identity."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import table_row

PROFILES = Path(__file__).resolve().parent.parent / "profiles"
ROOT = PROFILES.parent
HUGE_DELAY = ["--set", "scenario.cost_of_delay_usd_per_day=1e308"]
HUGE_PART = ["--set", "h100-sxm.memory_bandwidth_gbps=1e308", "--set", "h100-sxm.peak.bf16_tflops=1e308"]
HOSTILE = [
    ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.parameters=1e308"],
    ["compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "h100-sxm.memory_gb=1e-300"],
    ["compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.cost_of_delay_usd_per_day=1e308"],
    ["compare", "h100-sxm", "-w", "chat-70b", "--set", "h100-sxm.memory_gb=1e300"],
    ["compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e300"],
    ["compare", "h100-sxm", "-w", "llama3-70b", "--set", "h100-sxm.interconnect.devices_per_node=100000000"],
    ["compare", "h100-sxm", "-w", "llama3-70b", "--set", "h100-sxm.peak.bf16_tflops=1e-300"],
    ["compare", "h100-sxm", "-w", "llama3-70b", "--set", "workload.global_batch_tokens=1e-300"],
    ["compare", "h100-sxm", "-w", "llama3-70b", "--set", "workload.seq_len=100000000"],
    ["compare", "h100-sxm@99999999999999999999", "-w", "llama3-70b"],
    ["compare", "h100-sxm:rent=nan", "-w", "gpt3-1.3b"],
    ["compare", "a100-80gb:rent=1e-320", "-w", "gpt3-1.3b"],
    ["compare", "a100-80gb@\uff18", "-w", "gpt3-1.3b"],  # a fullwidth 8 is not a count
    ["compare", "a100-80gb:rent=\uff12", "-w", "gpt3-1.3b"],
    # a measurement carried from a count the model cannot follow (MFU 7 at the option's count)
    ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.benchmarks[gpt3-1.3b].accelerator_count=65536"],
    ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.interconnect.devices_per_node=100000"],
    ["compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", ""],
    ["compare", "/dev/zero", "-w", "gpt3-1.3b"],
    ["simulate", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--seed", "-1", "-n", "100"],
    ["simulate", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-n", "1000000000"],
    ["simulate", "a100-80gb", "a100-40gb", "h100-sxm", "h200", "b200", "-w", "gpt3-1.3b", "-n", "2000000"],  # 10 M values
    ["sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1:2:1000000000000"],
    ["estimate", "h100-sxm", "--params", "1e308"],
    ["estimate", "h100-sxm", "--params", "70e9", "--mode", "infer", "--tpot-ms", "0.001"],
    ["estimate", "h100-sxm", "--params", "70e9", "--layers", "3", "--d-model", "7", "--heads", "2"],
    ["breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "scenario.pue", "--range", "1:1e308"],
    ["size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "1e-300"],
    ["compare", "h100-sxm", "-w", "llama3-8b", "--set", "h100-sxm.attention_efficiency.native=1e-300"],
    ["compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.shape.head_dim=100000000000000000000"],
    ["compare", "h100-sxm", "-w", "llama3-8b", "--set", "h100-sxm.attention_efficiency=3"],
    ["compare", "h100-sxm", "-w", "llama3-70b", *HUGE_PART],
    ["estimate", "h100-sxm", "--params", "70e9", "--mode", "infer", "--tpot-ms", "30", "--percentile", "50"],
    ["estimate", "h100-sxm", "--params", "70e9", "--mode", "infer", "--tpot-ms", "30", "--percentile", "100"],
    ["compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.latency_percentile=100"],
    # whole numbers past any float: refused with the limit, never converted
    ["compare", "h100-sxm@" + "9" * 400, "-w", "llama3-70b"],
    ["compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.shape.vocab=" + "9" * 400],
    ["compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.seq_len=" + "9" * 400],
    ["simulate", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--seed", "9" * 400, "-n", "100"],
    *[
        ["estimate", "h100-sxm", "--params", "8e9", flag, "9" * 400]
        for flag in ("--layers", "--vocab", "--ffn-dim", "--count", "--replica")
    ],
    # subnormal inputs (underflow to 0, then a division), overflowing figures and flags
    ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.training_tokens=1e-320"],
    ["estimate", "h100-sxm", "--params", "7B", "--mode", "infer", "--set", "h100-sxm.memory_bandwidth_gbps=1e-320"],
    ["size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "200", "--set", "workload.training_tokens=1e-320"],
    ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.deployment_weeks=1e308"],
    ["cashflow", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.deployment_weeks=1e308"],
    ["cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--lease-usd-per-month", "1e308"],
    ["cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--revenue-usd-per-day", "1e308"],
    ["cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--lease-usd-per-month", "1000", "--lease-months", "100000000"],
    ["compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.pue=1" + "0" * 5000],
    ["plot", "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:3", "--metric", "option", "-o", "p.svg"],
]


@pytest.mark.parametrize("args", HOSTILE, ids=[" ".join(a)[:60] for a in HOSTILE])
def test_hostile_input_never_gives_a_traceback(run, args: list[str]) -> None:
    result = run(*args)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.exit_code in (0, 1, 2), result.stderr
    if result.exit_code:
        assert result.stdout == ""
        assert result.stderr.startswith(("Error: ", "Usage: ")) or "Error" in result.stderr


@pytest.mark.parametrize("target", ["folder", "empty", "long", "unwritable"])
def test_bad_output_targets_are_one_error_line(run, tmp_path: Path, target: str) -> None:
    path = {
        "folder": str(tmp_path),
        "empty": "",
        "long": str(tmp_path / ("a" * 300 + ".csv")),
        "unwritable": str(tmp_path / "ro" / "out.csv"),
    }[target]
    if target == "unwritable":
        (tmp_path / "ro").mkdir()
        os.chmod(tmp_path / "ro", 0o500)
        if os.access(tmp_path / "ro", os.W_OK):  # running as root: permissions do not bind
            pytest.skip("permissions are not enforced for this user")
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "-o", path)
    if target == "empty":  # a usage error (exit 2), as the other malformed -o names; `tco` prints it as one line
        assert result.exit_code == 2 and "expected a file name (or - for standard output), got ''" in result.stderr
    else:
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tco-")] == []


def test_output_keeps_mode_symlink_and_hard_links(run, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    os.chmod(real, 0o644)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    hard = tmp_path / "hard.csv"
    os.link(real, hard)
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "-f", "csv", "-o", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o644
    assert real.read_text().startswith("schema_version")
    assert hard.read_text() == real.read_text()  # still one file under two names


def test_dash_writes_to_standard_output(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "-f", "csv", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("schema_version")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","click")', "+1", "-2", "@SUM(A1)", "\tx", "a\rb"])
def test_csv_text_cells_cannot_become_formulas(name: str) -> None:
    from tco.render import csv_text

    text = csv_text(["option", "value"], [[name, -1.5]])
    (row,) = list(csv.reader(io.StringIO(text)))[1:]
    assert row[1] == "-1.5"  # numbers stay raw
    if name[0] in "=+-@\t":
        assert row[0] == "'" + name
    else:
        assert row[0] == "a?b"  # a bare CR is a control character: shown as '?', so the row cannot split


def test_tables_neutralise_terminal_escapes_and_markdown_pipes() -> None:
    from tco.render import OutputFormat, grid

    table = grid(["option"], [["\x1b[31mred|x"]], OutputFormat.markdown)
    assert "\x1b" not in table and "\\|" in table


def _edited(kind: str, stem: str, dst: Path, **lines: str) -> Path:
    """A shipped input copied to ``dst`` with each top-level ``key = ...`` line replaced by ``key = value``
    (the first such line: a profile's own name, not its interconnect's); every key must be there."""
    text = (PROFILES / kind / f"{stem}.toml").read_text(encoding="utf-8")
    for key, value in lines.items():
        text, found = re.subn(rf"(?m)^{key} = .*$", lambda _, key=key, value=value: f"{key} = {value}", text, count=1)
        assert found == 1, key
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(text, encoding="utf-8")
    return dst


def _copy_profile(src: str, dst: Path, **replace: str) -> Path:
    root = Path(__file__).resolve().parent.parent / "profiles" / "accelerators"
    text = (root / f"{src}.toml").read_text(encoding="utf-8")
    for a, b in replace.items():
        text = text.replace(a, b)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(text, encoding="utf-8")
    return dst


def test_two_profiles_with_one_id_are_refused(run, tmp_path: Path) -> None:
    copy = _copy_profile("h100-sxm", tmp_path / "copy.toml")
    result = run("compare", "h100-sxm", str(copy), "-w", "gpt3-1.3b")
    assert result.exit_code == 1
    assert "two different profiles have the id 'h100-sxm'" in result.stderr and result.stderr.count("\n") == 1


def test_a_user_alias_never_hides_a_builtin_id(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's A100 copy that lists 'mlu370-s4' among its aliases: 'mlu370-s4' still names the Cambricon
    part (an id beats an alias, wherever each is), and the copy's own alias still finds the copy."""
    text = (PROFILES / "accelerators" / "a100-80gb.toml").read_text()
    text = re.sub(r'^id = "a100-80gb"', 'id = "my-a100"', text, flags=re.M)
    text = re.sub(r"^aliases = .*$", 'aliases = ["mlu370-s4", "ampere-80"]', text, flags=re.M)
    (tmp_path / "accelerators").mkdir()
    (tmp_path / "accelerators" / "my-a100.toml").write_text(text)
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    cambricon = json.loads(run("compare", "mlu370-s4", "-w", "gpt3-1.3b", "-f", "json").stdout)["results"][0]
    copy = json.loads(run("compare", "ampere-80", "-w", "gpt3-1.3b", "-f", "json").stdout)["results"][0]
    assert (cambricon["accelerator"], copy["accelerator"]) == ("mlu370-s4", "my-a100")


def test_a_user_profile_shadowing_a_builtin_is_announced(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_profile("h100-sxm", tmp_path / "accelerators" / "h100-sxm.toml")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b")
    assert result.exit_code == 0
    assert "shadows the built-in accelerator" in result.stderr


@pytest.mark.parametrize("parent", ["/etc/passwd", "../x", "nope"])
def test_extends_takes_an_id_beside_the_file_or_on_the_path_only(run, tmp_path: Path, parent: str) -> None:
    (tmp_path / "mine.toml").write_text(f'extends = "{parent}"\nid = "mine"\nname = "Mine"\n', encoding="utf-8")
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(tmp_path / "mine.toml"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'mine.toml'}: extends: ")


def test_extends_finds_a_sibling_file(run, tmp_path: Path) -> None:
    base = (Path(__file__).resolve().parent.parent / "profiles" / "scenarios" / "default.toml").read_text(encoding="utf-8")
    (tmp_path / "base-local.toml").write_text(base.replace('id = "default"', 'id = "base-local"'), encoding="utf-8")
    (tmp_path / "mine.toml").write_text('extends = "base-local"\nid = "mine"\nname = "Mine"\n', encoding="utf-8")
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(tmp_path / "mine.toml"))
    assert result.exit_code == 0, result.stderr


def test_ids_are_case_insensitive(run) -> None:
    assert run("compare", "H100-SXM", "-w", "GPT3-1.3B").exit_code == 0


def test_a_workload_can_come_from_standard_input(run) -> None:
    text = (Path(__file__).resolve().parent.parent / "profiles" / "workloads" / "gpt3-1.3b.toml").read_text(encoding="utf-8")
    result = run("compare", "a100-80gb", "-w", "-", "-f", "json", input=text)
    assert result.exit_code == 0, result.stderr
    assert '"workload": "gpt3-1.3b"' in result.stdout


def test_profiles_show_toml_is_a_valid_profile_to_copy(run, tmp_path: Path) -> None:
    out = tmp_path / "mine.toml"
    assert run("profiles", "show", "h100", "--format", "toml", "-o", str(out)).exit_code == 0
    edited = out.read_text(encoding="utf-8").replace('id = "h100-sxm"', 'id = "my-h100"')
    out.write_text(edited, encoding="utf-8")
    assert run("profiles", "validate", str(out)).exit_code == 0
    assert run("compare", "--help").exit_code == 0
    assert run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "toml").exit_code == 2  # only where honoured


def test_generated_csv_text_is_ascii(run) -> None:
    """Notes use ×, — and ·; in CSV they become ASCII so every spreadsheet locale reads them."""
    text = run("compare", "h100-sxm@64", "mlu370-s4", "-w", "llama3-8b", "-f", "csv").stdout
    assert "layout: TP" in text
    assert all(ord(ch) < 128 for ch in text)


@pytest.mark.parametrize("missing", ["typer", "pydantic", "numpy"])
def test_a_missing_dependency_is_one_line_not_a_traceback(missing: str) -> None:
    """An environment without tco's dependencies (e.g. the system python on a checkout) gets one line."""
    import subprocess
    import sys

    code = (
        f"import sys; sys.modules[{missing!r}] = None\n"
        "from tco.__main__ import main\n"
        "main(['compare', 'a100-80gb', 'mlu370-s4', '-w', 'gpt3-1.3b'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr
    if missing == "numpy":  # compare never imports numpy: it still answers
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and f"needs the Python package '{missing}'" in result.stderr


def test_an_error_without_a_key_lists_the_overrides_that_may_cause_it(run) -> None:
    """A result with no finite cost names the --set change that caused it, not the option's shipped file."""
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "h100-sxm.matmul_efficiency=1e-300")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().endswith(
        "--set: h100-sxm.matmul_efficiency: the inputs give no finite cost for h100-sxm: matmul_efficiency = 1e-300 "
        "overflows the arithmetic"
    )
    shared = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "scenario.electricity_usd_per_kwh=1e308")
    assert shared.exit_code == 1
    assert shared.stderr.strip() == (
        "Error: --set: scenario.electricity_usd_per_kwh: the inputs give no finite cost: electricity_usd_per_kwh = 1e+308 "
        "overflows the arithmetic"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["size", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.pue=1e308", "--budget-usd", "1e6"],
        ["compare", "h100-sxm", "-w", "llama3-70b", *HUGE_PART],
        ["sensitivity", "h100-sxm", "-w", "llama3-70b", "--set", "workload.parameters=1e308"],
        ["simulate", "h100-sxm", "a100-80gb", "-w", "chat-70b", "-n", "200", "--quiet", *HUGE_DELAY],
    ],
)
def test_overflowing_inputs_leave_only_tco_lines_on_stderr(args: list[str]) -> None:
    """In a real process (pytest would swallow Python warnings): numpy's overflow warnings never reach
    stderr, which carries only tco's own Error:/Warning: lines."""
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "tco", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert all(line.startswith(("Error: ", "Warning: ")) or not line.startswith((" ", "/")) for line in lines), proc.stderr
    assert "RuntimeWarning" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", ""], "Error: --scenario: expected a scenario id or a file path, got ''"),
        (["compare", "h100-sxm", "-w", " "], "Error: --workload: expected a workload id or a file path, got ' '"),
        (
            ["sensitivity", "a100-80gb", "--vs", "a100-80gb", "-w", "gpt3-1.3b"],
            "Error: --vs: 'a100-80gb' is the first option, the one the tornado compares with --vs: name another option with --vs, "
            "or list another first",
        ),
    ],
)
def test_empty_ids_and_a_self_comparison_are_errors(run, args: list[str], expected: str) -> None:
    """An empty scenario or workload is not the default one, and a tornado against itself is empty:
    each is one error line, exit 1, nothing on stdout."""
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (1, "", expected)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_is_refused_as_input_and_needs_a_reader_as_output(run, tmp_path: Path) -> None:
    """Reading a FIFO would wait for a writer forever: it is refused at once. Writing one without a
    reader is an error, not a wait, and the FIFO stays a FIFO."""
    fifo = tmp_path / "p.toml"
    os.mkfifo(fifo)
    refused = run("compare", str(fifo), "-w", "gpt3-1.3b")
    assert refused.exit_code == 1 and "not a regular file" in refused.stderr
    sink = tmp_path / "p.csv"  # (a .toml name is refused as an output outside `profiles show`)
    os.mkfifo(sink)
    out = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "csv", "-o", str(sink))
    assert out.exit_code == 1 and "no process is reading" in out.stderr
    assert stat.S_ISFIFO(os.stat(sink).st_mode)


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_o_onto_a_device_writes_to_it_and_never_replaces_it(run, device: str) -> None:
    """-o /dev/null discards the output; the device node is never replaced by a file (run as root,
    the rename used for regular files would have done that), and a full device is a clear error."""
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    before = os.stat(device)
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "csv", "-o", device)
    assert result.exit_code == (0 if device == "/dev/null" else 1), result.stderr
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    if device == "/dev/full":
        assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_a_profile_path_that_is_not_a_folder_is_an_error(run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A mistyped TCO_PROFILE_PATH used to fall back silently to the shipped profiles."""
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "no-such-folder"))
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b")
    assert result.exit_code == 1 and "TCO_PROFILE_PATH" in result.stderr and "does not exist" in result.stderr
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "a-file"))
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b")
    assert result.exit_code == 1 and "TCO_PROFILE_PATH: is not a folder" in result.stderr


def test_a_terminal_that_cannot_encode_the_output_gets_replacements() -> None:
    """With an ASCII-only stdout, × and · become ? rather than an internal error."""
    import subprocess

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    env.pop("TCO_PROFILE_PATH", None)
    args = [sys.executable, "-m", "tco", "compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
    done = subprocess.run(args, capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert b"gpt3-1.3b ? software tuning typical ? scenario default" in done.stdout and b"internal error" not in done.stderr


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """`tco sweep ... | head -1`: the closed pipe ends the run quietly (exit 0), not as an internal error."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    args = [sys.executable, "-m", "tco", "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:50000", "-f", "csv"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"schema_version")
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, stderr
    assert b"internal error" not in stderr and b"Traceback" not in stderr


@pytest.mark.parametrize(
    ("redirect", "args", "message"),
    [
        (">&-", "compare a100-80gb -w gpt3-1.3b", "standard output is closed"),
        ("<&-", "compare - -w gpt3-1.3b", "standard input is closed"),
    ],
)
def test_a_closed_standard_stream_is_an_input_error(redirect: str, args: str, message: str) -> None:
    """Started with stdout or stdin closed, tco says so (exit 1) instead of failing inside."""
    import shlex
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "TCO_PROFILE_PATH"}
    command = f"{shlex.quote(sys.executable)} -m tco {args} {redirect}"
    done = subprocess.run(["sh", "-c", command], capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert message.encode() in done.stderr and b"internal error" not in done.stderr


def test_o_never_overwrites_an_input_of_the_run(run, tmp_path: Path) -> None:
    """-o onto the profile the run reads (or a link to it) is refused and the profile is untouched. (A
    profile named .toml is refused sooner, as a TOML name only `profiles show` writes.)"""
    profile = _copy_profile("a100-80gb", tmp_path / "mine.cfg", **{'id = "a100-80gb"': 'id = "mine"'})
    before = profile.read_bytes()
    (tmp_path / "link.cfg").symlink_to(profile)
    for target in (profile, tmp_path / "link.cfg"):
        result = run("compare", str(profile), "-w", "gpt3-1.3b", "-f", "csv", "-o", str(target))
        assert result.exit_code == 1 and "is an input of this run" in result.stderr
    toml = _copy_profile("a100-80gb", tmp_path / "mine.toml", **{'id = "a100-80gb"': 'id = "mine"'})
    result = run("compare", str(toml), "-w", "gpt3-1.3b", "-f", "csv", "-o", str(toml))
    assert result.exit_code == 2 and "is named as toml" in result.stderr
    assert profile.read_bytes() == before == toml.read_bytes()
    assert run("compare", str(profile), "-w", "gpt3-1.3b", "-f", "csv", "-o", str(tmp_path / "out.csv")).exit_code == 0


def test_a_training_table_set_on_an_inference_workload_is_blamed_on_the_set(run) -> None:
    """--set workload.layout.tensor_parallel on a serving workload creates a table that workload has
    not: the error names --set and the key, not the shipped workload file."""
    result = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.layout.tensor_parallel=2")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        'Error: --set: workload.layout: applies to kind = "training" workloads only, not this kind = "inference" one'
    )


def test_a_byte_order_mark_is_not_part_of_the_document(run, tmp_path: Path) -> None:
    """Windows editors save UTF-8 with a byte-order mark; the file reads as without it."""
    plain = (Path(__file__).parent.parent / "profiles" / "scenarios" / "default.toml").read_bytes()
    (tmp_path / "bom.toml").write_bytes(b"\xef\xbb\xbf" + plain)
    (tmp_path / "plain.toml").write_bytes(plain)
    with_bom = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(tmp_path / "bom.toml"), "-f", "csv")
    without = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(tmp_path / "plain.toml"), "-f", "csv")
    assert with_bom.exit_code == 0, with_bom.stderr
    assert with_bom.stdout == without.stdout


@pytest.mark.parametrize(
    "where",
    ["accelerator", "workload", "scenario", "path", "output", "set"],
)
def test_a_huge_argument_is_one_short_error_line(run, tmp_path: Path, where: str) -> None:
    """A 100,000-character id, file name or --set path: an input error whose line quotes only the
    start and end of it (never a file system error, never the whole argument)."""
    huge = "h" * 100_000
    args = {
        "accelerator": ["compare", huge, "-w", "gpt3-1.3b"],
        "workload": ["compare", "h100-sxm", "-w", huge],
        "scenario": ["compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", huge],
        "path": ["compare", "./" + huge, "-w", "gpt3-1.3b"],
        "output": ["compare", "h100-sxm", "-w", "gpt3-1.3b", "-o", str(tmp_path / huge)],
        "set": ["compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", huge + "=1"],
    }[where]
    result = run(*args)
    assert result.exit_code == 1, result.stderr[:300]
    assert result.stdout == "" and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert len(result.stderr) <= 1100 and "internal error" not in result.stderr


def test_an_id_with_dots_is_a_scope_for_set_vary_and_param(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids may hold dots (h100.v2): --set, --vary and --param address it by its whole id, and an id that
    is also the start of another (h100-sxm beside h100-sxm.v2) still gets its own changes."""
    folder = tmp_path / "accelerators"
    folder.mkdir()
    src = (Path(__file__).parent.parent / "profiles" / "accelerators" / "h100-sxm.toml").read_text()
    text = re.sub(r"^aliases = .*$", "aliases = []", src.replace('id = "h100-sxm"', 'id = "h100-sxm.v2"'), flags=re.M)
    (folder / "h100-sxm.v2.toml").write_text(text)
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    both = ["h100-sxm.v2", "h100-sxm", "-w", "gpt3-1.3b"]
    out = run("compare", *both, "--set", "h100-sxm.v2.price_usd=1000", "-f", "json")
    assert out.exit_code == 0, out.stderr
    rows = {r["option"]: r for r in json.loads(out.stdout)["results"]}
    assert rows["h100-sxm.v2"]["capex_usd"] < rows["h100-sxm"]["capex_usd"]
    assert run("sweep", *both, "--vary", "h100-sxm.v2.memory_gb=40:80:2").exit_code == 0
    assert run("breakeven", *both, "--param", "h100-sxm.v2.price_usd").exit_code == 0


def test_extreme_figures_print_in_scientific_notation() -> None:
    """A what-if at the edge of the float range prints 1e+305, not 306 digits; tiny costs keep two
    significant digits instead of rounding to $0.0000."""
    from tco.render import money, num

    assert money(2.77e305) == "$2.77e+305" and money(-2.77e305) == "-$2.77e+305"
    assert money(2.8e-295) == "$2.8e-295" and money(0.00012) == "$0.0001" and money(123456.0) == "$123,456"
    assert num(1e300) == "1e+300" and num(12345.6) == "12,345.6" and num(float("inf")) == "inf"


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ("/tmp/no\nsuch", ["compare", "h100-sxm", "-w", "gpt3-1.3b"]),
        ("/tmp/" + "x" * 5000, ["compare", "h100-sxm", "-w", "gpt3-1.3b"]),
        (None, ["compare", "h100\x1b[31m", "-w", "gpt3-1.3b"]),
        (None, ["compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "workload.x\ny=1"]),
    ],
    ids=["newline-in-profile-path", "profile-path-too-long", "escape-in-id", "newline-in-set"],
)
def test_control_characters_and_long_names_stay_on_one_escaped_line(run, monkeypatch: pytest.MonkeyPatch, env, args) -> None:
    if env is not None:
        monkeypatch.setenv("TCO_PROFILE_PATH", env)
    result = run(*args)
    assert result.exit_code == 1 and "internal error" not in result.stderr
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr and len(result.stderr) <= 1100


@pytest.mark.parametrize("kind", ["profiles", "workloads", "scenarios"])
def test_a_listing_goes_on_past_a_broken_user_file(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """One broken file on TCO_PROFILE_PATH used to make the whole listing fail; it is now skipped with
    one warning that names it, and every other file is listed."""
    folder = {"profiles": "accelerators"}.get(kind, kind)
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "broken.toml").write_text('id = "broken"\n[[[\n', encoding="utf-8")
    (tmp_path / folder / "partial.toml").write_text('id = "partial"\n', encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run(kind, "list", "-f", "json")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("Warning: skipped ") for line in lines)
    assert f"{tmp_path / folder / 'broken.toml'}: not valid TOML" in lines[0]
    assert f"{tmp_path / folder / 'partial.toml'}: " in lines[1]  # one line, however many problems the file has
    records = json.loads(result.stdout)
    ids = {r["id"] for r in next(iter(v for v in records.values() if isinstance(v, list)))}
    assert {"default", "gpt3-1.3b", "a100-80gb"} & ids and not {"broken", "partial"} & ids


def test_subnormal_inputs_are_refused_with_the_limit(run) -> None:
    """1e-320 passed validation, underflowed to 0 in the engine and was divided by (an internal error)."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.training_tokens=1e-320")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --set: workload.training_tokens: expected a positive number of at least 1e-300")


def test_an_overflowing_effective_cost_is_one_clear_error(run) -> None:
    """Every figure known but the effective cost not finite used to exit 1 with nothing on stderr."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.deployment_weeks=1e308")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: --set: scenario.deployment_weeks: the inputs give no finite effective cost (time to market")


def test_a_cash_flow_that_overflows_names_the_flag(run) -> None:
    result = run("cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--lease-usd-per-month", "1e308")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --lease-usd-per-month: h100-sxm: the cash flow overflows a float")
    long_lease = run("cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--lease-usd-per-month", "1000", "--lease-months", "1e8")
    assert long_lease.exit_code == 1 and "--lease-months: a lease of 1e+08 months would run past 100 years" in long_lease.stderr
    late = run("cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.deployment_weeks=1e6")
    assert late.exit_code == 1 and late.stderr.startswith("Error: --set: scenario.deployment_weeks: h100-sxm: the cash flow would span")


@pytest.mark.parametrize("where", ["set", "file"])
def test_integers_of_more_than_4300_digits_are_input_errors(run, tmp_path: Path, where: str) -> None:
    digits = "1" + "0" * 5000
    if where == "set":
        result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", f"scenario.pue={digits}")
    else:
        path = tmp_path / "big.toml"
        path.write_text(f'id = "big"\nname = "Big"\nparameters = {digits}\n', encoding="utf-8")
        result = run("compare", "h100-sxm", "-w", str(path))
    assert result.exit_code == 1
    assert "an integer of more than 4,300 digits" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("path", ["scenario..pue", "scenario.pue.", ".scenario.pue"])
def test_a_dotted_path_with_an_empty_field_is_refused(run, path: str) -> None:
    for args in (["--set", f"{path}=1.2"], ["--vary", f"{path}=1:2:3"]):
        command = "compare" if args[0] == "--set" else "sweep"
        result = run(command, "a100-80gb", "-w", "gpt3-1.3b", *args)
        assert result.exit_code == 1 and "expected dotted field names, got an empty one" in result.stderr


def test_estimate_names_an_unknown_memory_input(run, tmp_path: Path) -> None:
    """An accelerator file without a memory bandwidth value gave an internal error in estimate."""
    path = _edited("accelerators", "h100-sxm", tmp_path / "h100-unknown.toml", memory_bandwidth_gbps='{ source = "unknown yet" }')
    for mode in ("train", "infer"):
        result = run("estimate", str(path), "--params", "7B", "--mode", mode)
        assert result.exit_code == 1
        assert "memory_bandwidth_gbps: needs memory_bandwidth_gbps, which is unknown" in result.stderr


def test_breakeven_finds_a_tie_in_a_range_of_many_decades(run) -> None:
    """Bisection stopped after 200 halvings and reported a false tie at 1.5e36 for --range 0:1e100."""
    for hi in ("1e100", "1e308"):
        result = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "--range", f"0:{hi}", "-f", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["results"][0]["value"] == pytest.approx(155.539, rel=1e-4)


@pytest.mark.parametrize("args", [["tornado", "--seed", "3"], ["scatter", "--metric", "job_cost_usd"], ["cdf", "--param", "scenario.pue"]])
def test_a_plot_flag_for_another_chart_is_refused(run, tmp_path: Path, args: list[str]) -> None:
    result = run("plot", args[0], "a100-80gb", "-w", "gpt3-1.3b", *args[1:], "-o", str(tmp_path / "x.svg"))
    assert result.exit_code == 2 and "applies to 'plot" in result.stderr
    assert not (tmp_path / "x.svg").exists()


def test_sizing_matches_an_exhaustive_search_over_every_layout() -> None:
    """size narrows each octave of counts to its shortlisted layouts, then searches every layout around
    the answer: the count and its figures are those of the exhaustive search."""
    import numpy as np

    from tco import api
    from tco.analysis import sizing
    from tco.analysis.common import prepare

    inputs = api.load_inputs(["h100-sxm"], workload="llama3-8b")
    for kind, limit in (("deadline_days", 150.0), ("budget_usd", 2e6)):
        got = api.size(inputs, **{kind: limit}).options[0]
        prep = prepare(inputs)
        counts = np.arange(1, 4097, dtype=float)
        out = sizing._exact(prep.plans[0], prep.bases[0], counts)
        metric = out["time_to_market_days"] if kind == "deadline_days" else out["job_cost_usd"]
        meets = (counts >= prep.plans[0].min_count) & (metric <= limit)
        want = int(counts[np.argmax(meets)] if kind == "deadline_days" else counts[len(meets) - 1 - np.argmax(meets[::-1])])
        assert got.count == want < 4096
        assert got.job_cost_usd == pytest.approx(float(out["job_cost_usd"][want - 1]), rel=1e-12)


def test_a_workbook_shows_control_characters_as_question_marks(run, tmp_path: Path) -> None:
    """An escape sequence in a profile's source text made openpyxl refuse the cell (an internal error)."""
    openpyxl = pytest.importorskip("openpyxl")
    source = '{ value = 27500, source = "\\u001b[31mRED\\u001b[0m" }'
    path = _edited("accelerators", "h100-sxm", tmp_path / "esc.toml", id='"esc-h100"', price_usd=source)
    out = tmp_path / "out.xlsx"
    result = run("compare", str(path), "a100-80gb", "-w", "gpt3-1.3b", "-f", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    cells = [c.value for ws in openpyxl.load_workbook(out) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("\x1b" in c for c in cells)
    assert any("?[31mRED" in c for c in cells)  # shown as '?', as in CSV and tables


def test_a_workload_input_unknown_to_every_option_is_named_once(run, tmp_path: Path) -> None:
    """training_tokens without a value: no option can be ranked, so compare shows the figures that do
    not need it and names the input once (not once per option); --strict makes it one error line."""
    path = _edited("workloads", "llama3-8b", tmp_path / "wl.toml", training_tokens='{ source = "not decided yet" }')
    result = run("compare", "h100-sxm", "a100-80gb", "-w", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]
    assert [r["status"] for r in rows] == ["incomplete", "incomplete"] and all(r["rank"] is None for r in rows)
    assert all(r["tokens_per_second_per_accelerator"] > 0 and r["time_to_converge_hours"] is None for r in rows)
    assert result.stderr.splitlines() == [
        "Note: h100-sxm, a100-80gb are not ranked: workload.training_tokens unknown; "
        "complete them with --set workload.training_tokens=VALUE",
        "no option can be ranked: complete the unknown inputs the notes name",
    ]
    strict = run("compare", "h100-sxm", "a100-80gb", "-w", str(path), "--set", "h100-sxm.price_usd={ source = 'x' }", "--strict")
    assert strict.exit_code == 1 and strict.stderr.count("\n") == 1


def test_the_same_option_twice_is_refused(run) -> None:
    result = run("compare", "a100-80gb", "A100-80GB", "-w", "gpt3-1.3b")
    assert result.exit_code == 1
    assert "'a100-80gb' and 'A100-80GB' name the same option (a100-80gb): give it once" in result.stderr


def test_a_user_file_is_found_by_the_id_it_gives(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile listed as 'evil-acc' could only be named by its file name, evil_acc."""
    for file in ("my_file.toml", "other.toml"):
        _edited("accelerators", "h100-sxm", tmp_path / "accelerators" / file, id='"my-part"')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("compare", "my-part", "-w", "gpt3-1.3b")
    assert result.exit_code == 0, result.stderr
    listing = run("profiles", "list")
    assert "Warning: 2 files give the id 'my-part'; it names the first in TCO_PROFILE_PATH order" in listing.stderr


def test_profiles_validate_knows_an_accelerator_that_extends_one(run, tmp_path: Path) -> None:
    """Any file with 'extends' was validated as a scenario, so a valid accelerator file failed."""
    path = tmp_path / "mine.toml"
    path.write_text('extends = "a100-80gb"\nid = "mine"\nname = "Mine"\n', encoding="utf-8")
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 0 and result.stdout == f"ok: {path}\n"


@pytest.mark.parametrize("bad", ['"yesterday"', '"2024-13-45"', '"24/05/2023"', '""', '"=1+1"', '"2024-02-30"'])
def test_source_dates_are_checked(run, tmp_path: Path, bad: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(f'extends = "a100-80gb"\nid = "mine"\nname = "Mine"\nprice_usd = {{ value = 1, as_of = {bad} }}\n', encoding="utf-8")
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 1 and "price_usd.as_of: expected a" in result.stderr


def test_csv_and_tables_never_pass_terminal_controls(run, tmp_path: Path) -> None:
    """CSV quoted a leading = but passed ESC, OSC and BEL through; tables passed tab and U+202E."""
    evil = "=HYPERLINK(1)\\u001b[31mRED\\u001b]0;pwn\\u0007\\tTAB\\u202eRTL"
    path = _edited("accelerators", "h100-sxm", tmp_path / "evil.toml", id='"evil"', name=f'"{evil}"')
    csv_out = run("compare", str(path), "-w", "gpt3-1.3b", "-f", "csv").stdout
    table = run("profiles", "show", str(path)).stdout
    assert "'=HYPERLINK(1)?[31mRED?]0;pwn?\tTAB?RTL" in csv_out  # a tab is data in CSV
    for out in (csv_out, table):
        assert not any(c in out for c in "\x1b\x07\u202e")
    assert "\t" not in table


def test_money_in_another_currency_is_printed_with_its_sign(run) -> None:
    """--currency CNY headed the columns CNY but printed the amounts with '$'."""
    result = run("compare", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "--currency", "CNY")
    assert result.exit_code == 0
    assert "$" not in result.stdout and "¥" in result.stdout and "Effective cost (CNY)" in result.stdout
    assert "$" not in result.stderr and "effective cost ¥" in result.stderr


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("workload.experts_per_token=300", "--set: workload.experts_per_token: must not exceed experts (256), got 300"),
        ("workload.active_parameters=1e13", "--set: workload.active_parameters: must not exceed parameters (6.71e+11), got 1e+13"),
    ],
)
def test_checks_across_fields_name_the_field_they_blame(run, setting: str, expected: str) -> None:
    result = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", setting)
    assert result.exit_code == 1 and result.stderr == f"Error: {expected}\n"


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["estimate", "h100-sxm", "--params", "7B", "--tpot-ms", "30"], "--tpot-ms"),
        (["estimate", "h100-sxm", "--params", "7B", "--replica", "8"], "--replica"),
        (["size", "h100-sxm@8", "-w", "gpt3-1.3b", "--budget-usd", "1e6"], "accelerator"),
        (["cashflow", "h100-sxm", "-w", "gpt3-1.3b", "--lease-months", "36"], "--lease-months"),
    ],
)
def test_a_flag_the_command_would_ignore_is_refused(run, args: list[str], flag: str) -> None:
    """Serving flags on a training estimate, a fixed count for size, a lease term without a rate: each
    was silently ignored."""
    result = run(*args)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {flag}: ")


def test_an_error_about_a_value_set_on_the_command_line_blames_the_set(run) -> None:
    """A latency target given with --set was blamed on the shipped accelerator file."""
    result = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.time_per_output_token_ms=0.01")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --set: workload.time_per_output_token_ms: h100-sxm cannot serve chat-70b")


@pytest.mark.parametrize("vary", ["workload.seq_len=1:100000:5000", "workload.seq_len=1024:8192:4"])
def test_a_sweep_that_cannot_run_writes_no_header(run, vary: str) -> None:
    """Too many values to plan anew, or a non-whole value of a whole-number input, were found after the
    CSV header had been written: a failed run left output behind."""
    result = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", vary)
    assert result.exit_code == 1 and result.stdout == "" and result.stderr.count("\n") == 1


def test_a_whole_number_break_even_is_the_first_whole_value_across(run) -> None:
    """A whole-number input's tie was the next grid point after the sign change (up to 1/2,048 of the
    range away); it is now bisected to the first whole value on the other side, checked with compare."""
    result = run(
        "breakeven",
        "a100-80gb",
        "mlu370-s4",
        "-w",
        "gpt3-1.3b",
        "-s",
        "article",
        "--param",
        "mlu370-s4.count",
        "--range",
        "1:4096",
        "-f",
        "json",
    )
    assert result.exit_code == 0
    n = int(json.loads(result.stdout)["results"][0]["value"])

    def winner(count: int) -> str:
        rows = json.loads(run("compare", "a100-80gb", f"mlu370-s4@{count}", "-w", "gpt3-1.3b", "-s", "article", "-f", "json").stdout)[
            "results"
        ]
        return next(r["accelerator"] for r in rows if r["rank"] == 1)

    assert winner(n - 1) == "a100-80gb" and winner(n) == f"mlu370-s4@{n}"


@pytest.mark.parametrize(("toml", "text"), [("=cmd|x", "=cmd|x"), ("+SUM(2)", "+SUM(2)"), ("@SUM(1)", "@SUM(1)"), ("\\tTAB", "\tTAB")])
def test_workbook_text_that_looks_like_a_formula_keeps_its_quote_prefix(run, tmp_path: Path, toml: str, text: str) -> None:
    """Stored as text, but editing the cell in Excel or Calc would have made '=cmd|x' a live formula."""
    openpyxl = pytest.importorskip("openpyxl")
    path = _edited("accelerators", "h100-sxm", tmp_path / "eq.toml", id='"eq-h100"', price_usd=f'{{ value = 27500, source = "{toml}" }}')
    out = tmp_path / "out.xlsx"
    assert run("compare", str(path), "-w", "gpt3-1.3b", "-f", "xlsx", "-o", str(out)).exit_code == 0
    cells = [c for ws in openpyxl.load_workbook(out) for row in ws.iter_rows() for c in row if c.value == text]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_the_report_shows_control_characters_as_question_marks(run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    source = '{ value = 27500, source = "\\u202eevil\\u001b[31m" }'
    path = _edited("accelerators", "h100-sxm", tmp_path / "rtl.toml", id='"rtl-h100"', price_usd=source)
    out = tmp_path / "r.html"
    assert run("report", str(path), "a100-80gb", "-w", "gpt3-1.3b", "-n", "100", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "?evil?[31m" in page and "\u202e" not in page and "\x1b" not in page


def test_a_crossing_at_a_discrete_step_is_not_called_a_tie(run) -> None:
    """The fleet is a whole number of replicas: past a step the costs jump past each other, and --set at
    the reported value showed a $58,600 gap for a 'tie'."""
    args = ["breakeven", "h100-sxm@4", "mi300x@4", "-w", "chat-70b", "--param", "workload.tokens_per_day", "--range", "5e8:8.5e8"]
    result = run(*args)
    assert result.exit_code == 0
    assert "do not tie but cross at workload.tokens_per_day" in result.stderr and "a gap of" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["report", "a100-80gb", "-w", "gpt3-1.3b", "-o", "r.txt"], 2, "ending in .html"),
        (["compare", "a100-80gb", "-w", "-", "-s", "-"], 1, "standard input holds one file"),
        (["sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1.2", "--set", "scenario.pue=1.3"], 1, "both varied and set"),
    ],
)
def test_contradictory_requests_are_refused(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, text: str
) -> None:
    """An HTML page into a .txt file, two inputs from one standard input, a path both varied and set: each
    was carried out silently (the --set lost)."""
    monkeypatch.chdir(tmp_path)
    result = run(*args, input="")
    assert result.exit_code == code and text in result.stderr and result.stdout == ""
    assert not (tmp_path / "r.txt").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["compare"],
        ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--bogus"],
        ["compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "nope"],
        ["nosuchcmd"],
    ],
)
def test_a_usage_error_is_one_line_with_exit_2(args: list[str]) -> None:
    """click printed a usage header, a hint and a blank line before its error: three lines more."""
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "tco", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("Error: ") and "--help')" in proc.stderr


@pytest.mark.parametrize("flag", ["--params", "--global-batch", "--total-params", "--tokens"])
def test_a_subnormal_count_flag_is_blamed_on_the_flag(run, flag: str) -> None:
    """1e-320 passed the flag's check and was refused under the model's field name ('the command-line
    options: parameters: ...'); the flag itself now names the limit."""
    args = ["--params", "1e-320"] if flag == "--params" else ["--params", "8B", flag, "1e-320"]
    result = run("estimate", "h100-sxm", *args)
    assert result.exit_code == 1
    # (hostile round 108: unquoted, as --budget-usd and --lease-months refuse the same value)
    assert result.stderr == f"Error: {flag}: expected a positive number of at least 1e-300, got 1e-320\n"


@pytest.mark.parametrize(
    ("workload", "vary"),
    [
        ("gpt3-1.3b", "workload.layout.tensor_parallel=1,2"),
        ("gpt3-1.3b", "workload.layout.pipeline_parallel=1,2"),
        ("deepseek-v3", "workload.stages[long-context].seq_len=8192,32768"),
        ("gpt3-1.3b", "h100-sxm.benchmarks[gpt3-1.3b].accelerator_count=8,16"),
    ],
)
def test_whole_number_inputs_without_a_value_can_be_swept(run, user_profile, workload: str, vary: str) -> None:
    """A layout degree or a stage's length is a whole number whether or not the file gives it: swept, each
    value is what --set gives (it said '1 is not allowed: Input should be a valid integer')."""
    if "benchmarks" in vary:  # (a user's copy measures it: a --set of the whole list and an entry of it are one input)
        bench = '[[benchmarks]]\nworkload = "gpt3-1.3b"\ntokens_per_second = 30000\nsource = "test"\n'
        user_profile("accelerators", "h100-sxm", f'extends = "h100-sxm"\n{bench}')
    result = run("sweep", "h100-sxm", "-w", workload, "--vary", vary, "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    path, values = vary.split("=")
    for row, value in zip(rows, values.split(","), strict=True):
        ref = json.loads(run("compare", "h100-sxm", "-w", workload, "--set", f"{path}={value}", "-f", "json").stdout)["results"][0]
        assert ref["throughput_source"] == "measured" or "benchmarks" not in vary
        assert row["effective_cost_usd"] == pytest.approx(ref["effective_cost_usd"], rel=1e-9)


@pytest.mark.parametrize(
    ("workload", "setting", "expected"),
    [
        (
            "gpt3-1.3b",
            "a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second=0",
            "Error: --set: a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second: expected more than 0, got 0",
        ),
        (
            "deepseek-v3",
            "workload.stages[long-context].seq_len=0",
            "Error: --set: workload.stages[long-context].seq_len: expected at least 1, got 0",
        ),
        (
            "gpt3-1.3b",
            'workload.stages=[{name="x",tokens=0}]',
            "Error: --set: workload.stages[0].tokens: expected more than 0, got 0",
        ),
        (
            "gpt3-1.3b",
            "a100-80gb.availability.global.buy=false",
            "Error: --set: a100-80gb.availability.global.rent: required key is missing",
        ),
    ],
)
def test_a_bad_set_on_a_list_item_or_a_new_table_blames_the_set(run, workload: str, setting: str, expected: str) -> None:
    """The shipped file is valid: the error is the --set's, named as the user wrote it (it named the
    shipped file and the item's index)."""
    result = run("compare", "a100-80gb", "-w", workload, "--set", setting)
    assert result.exit_code == 1 and result.stderr.strip() == expected


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        (
            ["workload.layout.pipeline_parallel=2", "workload.layout.context_parallel=8"],
            "Error: --set: workload.layout: the layout (pipeline 2 × context 8) needs 16 accelerators, more than 8 × a100-80gb",
        ),
        (
            ["workload.layout.context_parallel=3"],
            "Error: --set: workload.layout.context_parallel: layout context_parallel = 3 does not divide the sequence length (2048 tokens)",
        ),
    ],
)
def test_a_held_layout_the_count_or_the_sequence_cannot_take_names_the_layout(run, sets: list[str], expected: str) -> None:
    """PP 2 × CP 8 on 8 accelerators was reported as 'does not fit in memory' on memory_gb; a context
    degree that does not divide the sequence was accepted."""
    flags = [f for s in ["a100-80gb.benchmarks=[]", *sets] for f in ("--set", s)]
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", *flags)
    assert result.exit_code == 1 and result.stderr.strip() == expected


@pytest.mark.parametrize(
    "args",
    [
        ["breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-f", "xlsx", "-o", "be.xlsx"],
        ["plot", "breakeven", "a100-80gb", "mlu370-s4", "h100-sxm", "-w", "gpt3-1.3b", "-o", "p.svg"],
    ],
)
def test_a_usage_error_is_one_line_before_any_input_loads(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    """The MLU370-S4's plausibility warning came first: a usage error known from the command line alone
    is reported before the inputs load, as the only line."""
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2 and "Warning" not in result.stderr and not list(tmp_path.iterdir())


@pytest.mark.parametrize("option", ["a100-80gb@\uff18", "a100-80gb:rent=\uff12"])
def test_counts_and_rates_are_ascii_numbers(run, option: str) -> None:
    """A fullwidth digit ('@８') was read as 8: only ASCII digits make a count or a quoted rate."""
    result = run("compare", option, "-w", "gpt3-1.3b")
    assert result.exit_code == 1 and result.stderr.startswith("Error: accelerator: expected")


def test_heads_that_do_not_divide_the_width_need_a_head_width(run) -> None:
    """7 heads in a width of 8,192 were accepted (heads 1,170.3 wide)."""
    result = run("compare", "a100-80gb", "-w", "llama3-70b", "--set", "workload.shape.heads=7")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --set: workload.shape.heads: 7 heads do not divide d_model = 8192: give head_dim, the width of one head"
    )


def test_a_request_longer_than_the_context_is_refused(run) -> None:
    """A 100,000-token prompt in a 4,096-token context was accepted (and costed 30 times over)."""
    result = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.prompt_tokens=100000")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --set: workload.prompt_tokens: 100000 tokens exceed seq_len = 4096, the context a request must fit in"
    )
    # tco estimate takes the context from the request when --seq-len is not given
    est = run(
        "estimate", "h100-sxm", "--params", "70B", "--mode", "infer", "--prompt-tokens", "3000", "--output-tokens", "3000", "-f", "json"
    )
    assert est.exit_code == 0 and json.loads(est.stdout)["results"][0]["seq_len"] == 6000


# --------------------------------------------------------------------------- hostile input, round 5


def test_an_moe_load_imbalance_below_one_is_refused(run) -> None:
    """A load imbalance of 0.01 was accepted: the experts did 1 % of their work, MFU 1.14."""
    result = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.load_imbalance=0.5")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --set: workload.load_imbalance: expected at least 1, got 0.5"


def test_a_workloads_measured_mfu_replaces_the_published_run(run) -> None:
    """--set workload.mfu=0.3 was ignored on the A100, which has a published GPT-3 1.3B run."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.mfu=0.3", "-f", "json")
    (r,) = json.loads(result.stdout)["results"]
    assert r["mfu"] == 0.3 and r["throughput_source"] == "derived"
    assert "the published run of a100-80gb on gpt3-1.3b is not used: workload.mfu is given" in r["notes"]
    assert "Warning" not in result.stderr  # the run it does not use is not checked for plausibility
    # tokens/s = MFU × peak / FLOPs per token, with the peak and the FLOPs of the same result
    plain = json.loads(run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "workload.mfu=0.6", "-f", "json").stdout)
    assert plain["results"][0]["tokens_per_second_per_accelerator"] == pytest.approx(2 * r["tokens_per_second_per_accelerator"])


def test_a_what_if_is_capped_and_checks_every_value() -> None:
    """10 M what-ifs aborted on memory; a value of 1e-320 between two valid ones was accepted."""
    import tco
    from tco.analysis.whatif import MAX_WHAT_IF_VALUES

    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError, match=f"more than {MAX_WHAT_IF_VALUES:,} results"):
        tco.what_if(inputs, {"scenario.pue": [1.2] * (MAX_WHAT_IF_VALUES // 2 + 1)})
    with pytest.raises(tco.InputError, match="at least 1e-300 in size \\(or 0, where the input takes it\\), got 1e-310"):
        tco.what_if(inputs, {"scenario.cost_of_delay_usd_per_day": [0.0, 1e-310, 5.0]})


def test_a_sweep_checks_every_listed_value(run) -> None:
    result = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.cost_of_delay_usd_per_day=0,1e-310,5")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --vary: scenario.cost_of_delay_usd_per_day: expected values of at least 1e-300 in size (or 0, where the input takes it), "
        "got 1e-310"
    )


def test_tco_cashflow_is_the_function() -> None:
    """``tco.cashflow`` was the module (not callable); the cash flow is now an analysis like the rest."""
    import tco

    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    assert tco.cashflow(inputs).options[0].option == "a100-80gb"
    assert "cashflow" in tco.__all__


SERVE: dict[str, Any] = {"parameters": 7e9, "seq_len": 2048, "count": 8, "mode": "infer"}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda t: t.load_inputs("a100-80gb", workload="gpt3-1.3b"), "accelerators: expected Sequence[str | Path], got str 'a100-80gb'"),
        (lambda t: t.load_inputs(["a100-80gb"], workload=3), "workload: expected str | Path, got int 3"),
        (lambda t: t.what_if(t.load_inputs(["a100-80gb"], workload="gpt3-1.3b"), {"scenario.pue": "1.2"}), "changes: expected"),
        (lambda t: t.what_if(t.load_inputs(["a100-80gb"], workload="gpt3-1.3b"), {"scenario.pue": iter([1.2])}), "changes: expected"),
        (lambda t: t.what_if({"scenario": 1}, {"scenario.pue": [1.2]}), "inputs: expected Inputs (from tco.load_inputs), got dict"),
        (lambda t: t.sweep(t.load_inputs(["a100-80gb"], workload="gpt3-1.3b"), "scenario.pue=1:2:3"), "vary: expected Sequence[str]"),
        (lambda t: t.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=True), "count: expected int | None, got True"),
        (lambda t: t.simulate(t.load_inputs(["a100-80gb"], workload="gpt3-1.3b"), samples=10.5, seed=1), "samples: expected int"),
        (lambda t: t.estimate("h100-sxm", **SERVE, replica=10**10), "replica: expected at most"),
        (lambda t: t.estimate("h100-sxm", **SERVE, output_tokens=0.5), "output_tokens: expected at least 1"),
    ],
)
def test_the_python_api_names_a_wrong_argument(call, expected: str) -> None:
    """A string was split into characters, an iterator dropped, True read as 1; 72 calls ended in a raw
    TypeError or ValueError. Every public function checks its arguments against its annotations."""
    import tco

    with pytest.raises(tco.InputError) as info:
        call(tco)
    assert str(info.value).startswith(expected)


def test_the_python_api_converts_plain_text_to_its_enums_and_paths() -> None:
    import tco

    fp8 = tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, precision="fp8", tuning="tuned")
    assert fp8.precision == "fp8" and fp8.mfu_source == "layout model (tuned tuning)"


API_FUNCTIONS = ["load_inputs", "compare", "estimate", "breakeven", "sensitivity", "simulate", "what_if", "sweep", "cashflow", "size"]
WRONG = [None, True, -1, 1e400, "x", b"x", [], {}, ["x"], object()]


@pytest.mark.parametrize("name", API_FUNCTIONS)
def test_no_public_function_leaks_a_raw_exception_on_a_wrong_argument(name: str) -> None:
    """Each argument of each public function, in turn, given each wrong value: a result or a TcoError."""
    import inspect

    import tco

    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    good: dict[str, dict[str, object]] = {
        "load_inputs": {"accelerators": ["a100-80gb"], "workload": "gpt3-1.3b"},
        "compare": {"inputs": inputs},
        "estimate": {"accelerator": "h100-sxm", "parameters": 7e9, "seq_len": 2048, "count": 8},
        "breakeven": {"inputs": inputs, "a": "a100-80gb", "b": "h100-sxm"},
        "sensitivity": {"inputs": inputs},
        "simulate": {"inputs": inputs, "samples": 50, "seed": 1},
        "what_if": {"inputs": inputs, "changes": {"scenario.pue": [1.2]}},
        "sweep": {"inputs": inputs, "vary": ["scenario.pue=1:2:2"]},
        "cashflow": {"inputs": inputs},
        "size": {"inputs": inputs, "deadline_days": 200.0},
    }[name]
    fn = getattr(tco, name)
    for param in inspect.signature(fn).parameters:
        for wrong in WRONG:
            try:
                fn(**{**good, param: wrong})
            except tco.TcoError:
                pass


def test_a_replica_without_a_layout_names_the_option_not_the_profile(run) -> None:
    result = run("compare", "h100-sxm@3", "-w", "chat-70b")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: h100-sxm@3: a replica of 3 × h100-sxm has no tensor-parallel layout")


def test_a_held_pipeline_longer_than_the_count_is_not_a_memory_problem(run) -> None:
    result = run("estimate", "h100-sxm", "--params", "70e9", "--pp", "16", "--count", "8")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --count: the layout (pipeline 16) needs 16 accelerators, more than --count 8"


def test_moe_fields_set_one_without_the_other_blame_the_set(run) -> None:
    result = run("compare", "h100-sxm", "-w", "llama3-70b", "--set", "workload.experts=8")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --set: workload.experts_per_token: experts and experts_per_token go together")


def test_the_baseline_is_case_insensitive(run) -> None:
    result = run("compare", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--baseline", "H100-SXM", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"][0]["accelerator"] == "h100-sxm"


@pytest.mark.parametrize("command", ["simulate", "report"])
def test_a_bad_seed_is_one_line_before_the_inputs_load(run, command: str) -> None:
    """--seed -1 came after the MLU370-S4's plausibility warning (two lines)."""
    extra = ["-o", "r.html"] if command == "report" else []
    result = run(command, "mlu370-s4", "-w", "gpt3-1.3b", "--seed", "-1", *extra)
    assert (
        result.exit_code == 1
        and result.stderr.strip() == "Error: --seed: expected a seed from 0 to 9,223,372,036,854,775,807 (2^63 - 1), got -1"
    )


def test_strict_leaves_a_barred_option_out_of_the_cash_flow_as_elsewhere(run) -> None:
    """Under --strict, a part the market may not buy made cashflow fail (exit 1) but not the others."""
    for command in ("cashflow", "sensitivity"):
        result = run(command, "ascend-910b", "a100-80gb", "-w", "gpt3-1.3b", "--strict")
        assert result.exit_code == 0 and "ascend-910b" in result.stderr


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("a100-80gb.tdp_w.currency=CNY", False),
        ("a100-80gb.server_usd_per_accelerator.currency=CNY", False),  # not converted by the engine: refused
        ("scenario.pue.currency=EUR", False),
        ("workload.parameters.currency=CNY", False),
        ("a100-80gb.price_usd.currency=CNY", True),
        ("scenario.electricity_usd_per_kwh.currency=EUR", True),
        ("a100-80gb.tdp_w.currency=USD", True),
    ],
)
def test_only_money_inputs_take_a_currency(run, path: str, ok: bool) -> None:
    """``currency = "CNY"`` on a watts field was accepted and ignored."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", path)
    if ok:
        assert result.exit_code == 0
    else:
        key = path.split("=")[0]
        what = "is in USD only" if "usd" in key else "is not money"  # (watts, a PUE, a count: no money)
        assert result.exit_code == 1 and result.stderr.startswith(f"Error: --set: {key}: this input {what};")


def test_help_offers_xlsx_only_where_a_workbook_is_written(run) -> None:
    assert "xlsx" not in run("estimate", "--help").stdout
    assert "xlsx" not in run("breakeven", "--help").stdout
    assert "markdown|xlsx" in run("compare", "--help").stdout


# --------------------------------------------------------------------------- hostile input, round 6


@pytest.mark.parametrize(
    ("args", "profile"),
    [
        (["profiles", "validate", "-"], "accelerators/a100-80gb.toml"),
        (["profiles", "validate", "-"], "workloads/gpt3-1.3b.toml"),
        (["compare", "-", "-w", "gpt3-1.3b", "-f", "json"], "accelerators/a100-80gb.toml"),
    ],
)
def test_standard_input_is_read_once(run, args: list[str], profile: str) -> None:
    """A valid file on '-' was reported as missing every key: it was read twice, the second time empty."""
    text = (ROOT / "profiles" / profile).read_text(encoding="utf-8")
    result = run(*args, input=text)
    assert result.exit_code == 0, result.stderr


def test_standard_input_feeds_one_input_only(run) -> None:
    text = (ROOT / "profiles" / "workloads" / "gpt3-1.3b.toml").read_text(encoding="utf-8")
    result = run("compare", "-", "-w", "-", input=text)
    assert result.exit_code == 1 and "standard input holds one file" in result.stderr


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        (["workload.training_tokens=1e20"], "Error: --set: workload.training_tokens: a100-80gb: the cash flow would span 3.171e+07 years"),
        (["scenario.deployment_weeks=1e300"], "Error: --set: scenario.deployment_weeks: a100-80gb: the cash flow would span"),
        (["a100-80gb.lead_time_weeks=6000"], "Error: --set: a100-80gb.lead_time_weeks: a100-80gb: the cash flow would span 115.1 years"),
    ],
)
def test_a_cash_flow_too_long_names_the_input_that_makes_it_so(run, sets: list[str], expected: str) -> None:
    """The key was bare ('deployment_weeks: a100-80gb: ...'), a scenario field blamed as the part's."""
    result = run("cashflow", "a100-80gb", "-w", "gpt3-1.3b", *[f for s in sets for f in ("--set", s)])
    assert result.exit_code == 1 and result.stderr.startswith(expected)


def test_a_lease_shorter_than_the_run_is_refused(run) -> None:
    """A one-month lease ran the hardware for three years and ranked first."""
    result = run("cashflow", "h100-sxm@8", "-w", "chat-70b", "--lease-usd-per-month", "1500", "--lease-months", "1")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --lease-months: h100-sxm@8: a lease of 1 month ends before the run does, 37.38 months after delivery "
        "(deployment, porting and run): give a term at least that long"
    )


def test_plot_breakeven_takes_a_range(run, tmp_path: Path) -> None:
    """Its error told the user to 'give --range LO:HI', which plot did not have."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.svg"
    # (the H100's MFU is left to the model: no value to build a default range from; an unknown price, such as the
    # L20's, is searched over compare's $1 to $10 M since round 94)
    args = ["plot", "breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-o", str(out), "--param", "h100-sxm.mfu"]
    assert "give --range LO:HI" in run(*args).stderr
    assert run(*args, "--range", "0.3:0.6").exit_code == 0 and out.stat().st_size > 0


def test_a_faster_interconnect_never_buys_a_larger_serving_fleet(run) -> None:
    """At 2,400 GB/s a replica of 8 was 1.7 % faster per accelerator than one of 4, and the fleet doubled
    to whole replicas of 8 for the same traffic ($120,039 -> $240,079)."""
    costs = []
    for bw in (1200, 2400, 4800):
        result = run("compare", "a100-80gb", "-w", "assistant-7b", "--set", f"a100-80gb.interconnect.bandwidth_gbps={bw}", "-f", "json")
        (r,) = json.loads(result.stdout)["results"]
        costs.append((r["count"], r["job_cost_usd"]))
    assert costs[1][0] <= costs[0][0] and costs[2][0] <= costs[1][0]
    assert costs[1][1] <= costs[0][1] * (1 + 1e-9) and costs[2][1] <= costs[1][1] * (1 + 1e-9)


def test_the_serving_replica_minimises_the_fleet_for_the_demand() -> None:
    """Among replicas that serve the demand, the one with the fewest accelerators in whole replicas wins,
    then the most tokens/s per accelerator: by hand with two replica sizes."""
    from tco import serving

    assert serving.fleet_size(1000.0, 300.0, 4) == 4  # ceil(1000 / 1200) = 1 replica of 4
    assert serving.fleet_size(1000.0, 310.0, 8) == 8
    assert serving.fleet_size(5000.0, 300.0, 4) == 20  # ceil(5000 / 1200) = 5 replicas
    assert serving.fleet_size(5000.0, 310.0, 8) == 24  # ceil(5000 / 2480) = 3 replicas of 8


@pytest.mark.parametrize("path", ["workload.id=x", "a100-80gb.id=mlu370-s4", "scenario.id=x"])
def test_an_id_cannot_be_set(run, path: str) -> None:
    """workload.id=x silently dropped the part's published run (matched by workload id); a100-80gb.id=
    mlu370-s4 was blamed on the shipped mlu370-s4.toml."""
    result = run("compare", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", path)
    key = path.split("=")[0]
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: --set: {key}: an id cannot be changed with --set: copy the file and give the copy its own id"


def test_a_whole_stage_can_be_set_and_a_number_is_not_a_stage(run, tmp_path: Path) -> None:
    wl = tmp_path / "staged.toml"
    text = (ROOT / "profiles" / "workloads" / "llama3-8b.toml").read_text(encoding="utf-8")
    wl.write_text(text.replace('id = "llama3-8b"', 'id = "staged"') + '\n[[stages]]\nname = "ext"\ntokens = 1e9\n', encoding="utf-8")
    bad = run("compare", "h100-sxm", "-w", str(wl), "--set", "workload.stages[ext]=5")
    assert bad.exit_code == 1
    assert bad.stderr.strip() == "Error: --set: workload.stages[ext]: expected a table for the whole entry, e.g. {...}, got 5"
    ok = run("compare", "h100-sxm", "-w", str(wl), "--set", 'workload.stages[ext]={name="ext", tokens=2e9}')
    assert ok.exit_code == 0, ok.stderr


def test_a_measurement_beyond_the_peak_is_not_ranked(run) -> None:
    """1e9 tokens/s on an A100 (MFU 28,872) was ranked at $0.0069 with only a warning."""
    sets = ["--set", 'a100-80gb.benchmarks=[{workload="gpt3-1.3b", tokens_per_second=1e9, source="x"}]']
    alone = run("compare", "a100-80gb", "-w", "gpt3-1.3b", *sets)
    assert alone.exit_code == 1
    assert "Error: --set: a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second: the measured 1e+09 tokens/s" in alone.stderr
    assert "implies MFU 28,871.67 (> 1)" in alone.stderr
    both = json.loads(run("compare", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", *sets, "-f", "json").stdout)["results"]
    assert {r["accelerator"]: r["status"] for r in both} == {"h100-sxm": "ranked", "a100-80gb": "infeasible"}


def test_extending_profiles_and_workloads_validate_against_the_schema(run, tmp_path: Path) -> None:
    """The loader took `extends` in every input; the schema only in scenarios."""
    jsonschema = pytest.importorskip("jsonschema")
    from tco.loader import tomllib

    acc = tmp_path / "my-a100.toml"
    acc.write_text('extends = "a100-80gb"\nid = "my-a100"\nprice_usd = 9000\n', encoding="utf-8")
    wl = tmp_path / "my-wl.toml"
    wl.write_text('extends = "gpt3-1.3b"\nid = "my-wl"\nseq_len = 4096\n', encoding="utf-8")
    for kind, path in (("accelerator", acc), ("workload", wl)):
        assert run("profiles", "validate", str(path)).exit_code == 0
        schema = json.loads(run("schema", kind).stdout)
        assert not list(jsonschema.Draft202012Validator(schema).iter_errors(tomllib.loads(path.read_text(encoding="utf-8"))))
    schema = json.loads(run("schema", "workload").stdout)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors({"id": "x", "kind": "training"}))  # no extends: all required


@pytest.mark.parametrize(
    ("path", "value", "ok"),
    [
        ("a100-80gb.can_train", "1", False),
        ("a100-80gb.can_train", "no", False),
        ("a100-80gb.can_train", "true", True),
        ("workload.seq_len", "2048.0", True),  # a whole number written as a float, as JSON Schema reads it
        ("workload.seq_len", "1.5", False),
    ],
)
def test_booleans_are_booleans_and_whole_floats_are_whole_numbers(run, path: str, value: str, ok: bool) -> None:
    """The loader took 1, "1" and "true" for true (the schema did not), and refused 2048.0 (the schema took it)."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"{path}={value}")
    assert (result.exit_code == 0) is ok, result.stderr


def test_a_request_has_at_least_one_token(run) -> None:
    """output_tokens = 1e-300 passed validation and failed later, blamed on the shipped h100-sxm.toml."""
    result = run("compare", "h100-sxm@8", "-w", "chat-70b", "--set", "workload.output_tokens=1e-300")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --set: workload.output_tokens: expected at least 1, got 1e-300"


def test_the_number_of_options_is_capped(run) -> None:
    """A 200-option report ran five minutes: options were the one input without a limit."""
    from tco.api import MAX_OPTIONS

    many = [f"a100-80gb@{i}" for i in range(1, MAX_OPTIONS + 2)]
    result = run("compare", *many, "-w", "gpt3-1.3b")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: accelerator: at most {MAX_OPTIONS} options in one run, got {MAX_OPTIONS + 1}"


@pytest.mark.parametrize("flag", ["--revenue-usd-per-day", "--lease-usd-per-month"])
def test_cash_flow_flags_hold_the_tiny_number_rule(run, flag: str) -> None:
    result = run("cashflow", "a100-80gb", "-w", "gpt3-1.3b", flag, "1e-320")
    allowed = "0 or at least" if flag == "--revenue-usd-per-day" else "a positive number of at least"  # (a lease rate of 0 is refused)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {flag}: expected {allowed} 1e-300")


def test_a_word_in_a_sweep_names_the_flag(run) -> None:
    """(Since session 60 a choice's words are its values: a sweep over them, tests/test_session60.py.)"""
    result = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "workload.precision=bf16,fp16")
    assert result.exit_code == 0 and [line.split(",")[2] for line in result.stdout.splitlines()] == ["workload.precision", "bf16", "fp16"]
    result = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=low,high")
    assert result.exit_code == 1 and result.stderr.strip() == "Error: --vary: scenario.pue: expected numbers, got 'low'"


def test_an_argument_of_its_annotated_type_needs_no_validator() -> None:
    """The fast path of the API's argument check: plain values pass on isinstance; anything to convert
    or refuse goes to pydantic (a text is never a sequence, True never a number)."""
    from collections.abc import Mapping, Sequence

    from tco.api import _plain
    from tco.models import Precision

    assert _plain(Sequence[str], ["a", "b"]) and _plain(Sequence[str], ("a",))
    assert not _plain(Sequence[str], "ab") and not _plain(Sequence[str], iter(["a"]))
    assert _plain(float | None, 3) and _plain(float | None, None) and not _plain(float, True) and not _plain(int, 2.0)
    assert _plain(Precision, Precision.fp8) and not _plain(Precision, "fp8")
    assert _plain(Mapping[str, Sequence[float]], {"x": [1.0, 2]}) and not _plain(Mapping[str, Sequence[float]], {"x": "12"})
    assert _plain(tuple[float, float] | None, (1.0, 2.0)) and not _plain(tuple[float, float], (1.0,))


# --------------------------------------------------------------------------- hostile input, round 7


def test_a_whole_stage_keeps_the_name_that_selected_it(run) -> None:
    """A --set of a whole stage without its name was blamed on the shipped workload file."""
    ok = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages[long-context]={tokens=1e9, seq_len=8192}")
    assert ok.exit_code == 0, ok.stderr
    bad = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages[long-context]={tokens=1e9, seq_len=0}")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: --set: workload.stages[long-context].seq_len: ")
    other = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", 'workload.stages[long-context]={name="other", tokens=1e9}')
    assert other.stderr.strip() == "Error: --set: workload.stages[long-context]: the entry's name must stay 'long-context', got 'other'"


def test_a_set_measurement_beyond_the_peak_blames_the_set(run) -> None:
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second=1e6")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --set: a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second: the measured 1e+06 tokens/s")


def test_a_set_peak_below_the_published_run_carries_the_run_from_the_part_as_measured(run) -> None:
    """A 10 TFLOPS 'A100' is not the part that ran 12,500 tokens/s: the model carries the run from the
    published 312 TFLOPS part (before, the run was kept and refused as MFU > 1 of the changed peak)."""
    from tco import engine, load_accelerator, load_scenario, load_workload

    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.peak.fp16_tflops=10", "-f", "json")
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["results"][0]
    published = load_accelerator("a100-80gb").model_copy(update={"benchmarks": []})
    slow = load_accelerator("a100-80gb", overrides=[("peak.fp16_tflops", 10)]).model_copy(update={"benchmarks": []})
    wl, sc = load_workload("gpt3-1.3b"), load_scenario()

    def model(acc: Any) -> float:
        return engine.compare(options=[engine.Option(acc, 8)], workload=wl, scenario=sc).results[0].tokens_per_second_per_accelerator

    assert row["tokens_per_second_per_accelerator"] == pytest.approx(12500 * model(slow) / model(published), rel=1e-12)
    assert row["mfu"] < 1


def test_the_audit_hashes_the_bytes_read_and_the_extends_chain(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files reached through `extends` were not listed (two runs with different results had the same
    audit); '-' was hashed as a file named '-' in the working directory, or not at all."""
    import hashlib

    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("decoy", encoding="utf-8")
    text = (ROOT / "profiles" / "workloads" / "gpt3-1.3b.toml").read_bytes()
    files = json.loads(run("compare", "a100-80gb", "-w", "-", "-s", "article", "-f", "json", input=text.decode()).stdout)["inputs"]["files"]
    assert files["gpt3-1.3b"] == {"path": "-", "sha256": hashlib.sha256(text).hexdigest()}
    default = (ROOT / "profiles" / "scenarios" / "default.toml").read_bytes()
    assert files["scenario"]["extends"] == [{"path": "builtin:scenarios/default.toml", "sha256": hashlib.sha256(default).hexdigest()}]


def test_a_swept_count_of_one_value_is_planned_at_that_count(run) -> None:
    """A sweep over h100-sxm.count=1520 alone used the layouts shortlisted at the workload's 2,048
    (1,269.5 tokens/s), where compare h100-sxm@1520 and the same sweep with a second value give 1,335.4."""
    one = list(csv.DictReader(io.StringIO(run("sweep", "h100-sxm", "-w", "deepseek-v3", "--vary", "h100-sxm.count=1520").stdout)))
    two = list(csv.DictReader(io.StringIO(run("sweep", "h100-sxm", "-w", "deepseek-v3", "--vary", "h100-sxm.count=1520,2048").stdout)))
    (at,) = json.loads(run("compare", "h100-sxm@1520", "-w", "deepseek-v3", "-f", "json").stdout)["results"]
    tps = at["tokens_per_second_per_accelerator"]
    assert float(one[0]["tokens_per_second_per_accelerator"]) == pytest.approx(tps, rel=1e-12)
    assert float(two[0]["tokens_per_second_per_accelerator"]) == pytest.approx(tps, rel=1e-12)


def test_calibrate_names_the_file_and_row_of_an_unknown_part(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "benchmarks").mkdir()
    text = (ROOT / "profiles" / "benchmarks" / "megatron-2021.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id = .*$", 'id = "mine"', text, count=1).replace('accelerator = "a100-80gb"', 'accelerator = "nope-gpu"')
    (tmp_path / "benchmarks" / "mine.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    from typer.testing import CliRunner

    from tco.cli import app

    result = CliRunner().invoke(app, ["calibrate", "--summary"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / 'benchmarks' / 'mine.toml'}: rows[0].accelerator: unknown accelerator 'nope-gpu'")


def test_idle_accelerators_do_not_interrupt_the_job() -> None:
    """Past the data-parallel limit extra H100s sit idle; their failures cut goodput from 0.83 to 0.17
    and made 131,072 of them 4.8 times slower than 16,384. Goodput now counts the accelerators the
    layout runs on: beyond the scaling limit the time to converge stays flat. (Since layouts are judged
    under failures, 16,384 run TP 8 × PP 4 × DP 255 = 8,160 of them: the global batch caps data
    parallelism at 255, and a layout running all 16,320 delivers less once its failures are counted;
    with the 6-second checkpoint save of 2026-12-02 failures cost less, so PP 4 beats the PP 2 of before.)"""
    import math
    import re

    import tco

    rows = [tco.compare(tco.load_inputs([f"h100-sxm@{n}"], workload="llama3-8b")).results[0] for n in (16384, 32768, 131072)]
    idle = re.search(r"([\d,]+) idle", " ".join(rows[0].notes))
    assert idle is not None
    sc = tco.load_scenario()
    lam, save, restart = (q.value or 0.0 for q in (sc.failure_rate_per_accelerator_day, sc.checkpoint_save_minutes, sc.restart_minutes))
    running = 16384 - int(idle.group(1).replace(",", ""))
    assert running == 8 * 4 * 255
    goodput = 1 - math.sqrt(2 * (save / 1440) * lam * running) - (restart / 1440) * lam * running
    for r in rows:
        assert r.goodput == pytest.approx(goodput, rel=1e-12)
        assert r.time_to_converge_hours == pytest.approx(rows[0].time_to_converge_hours, rel=1e-12)


def test_the_price_to_match_shows_the_output_currency(run) -> None:
    """With --currency CNY the price was converted but printed with '$' (7.1 times the USD threshold)."""
    result = run("compare", "a100-80gb", "mi250x", "-w", "llama3-8b", "--set", 'mi250x.price_usd={source="x"}', "--currency", "CNY")
    assert result.exit_code == 0
    assert "wins below a unit price of ¥" in result.stdout and "unit price of $" not in result.stdout + result.stderr


@pytest.mark.parametrize("flags", [[], ["--deadline-days", "200", "--budget-usd", "100"]])
def test_size_needs_exactly_one_constraint_as_a_usage_error(run, flags: list[str]) -> None:
    result = run("size", "a100-80gb", "-w", "gpt3-1.3b", *flags)
    assert result.exit_code == 2 and "give exactly one of --deadline-days, --budget-usd, --capex-usd, --power-kw" in result.stderr


def test_an_expert_parallel_degree_divides_the_experts(run) -> None:
    result = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.layout.expert_parallel=3")
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "Error: --set: workload.layout.expert_parallel: an expert-parallel degree of 3 must divide the 256 experts"
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_calibrate_summary_honours_the_format(run, fmt: str) -> None:
    """`calibrate --summary -f csv|jsonl|json` printed every row (or ignored --summary); now the summary only (D16)."""
    full = json.loads(run("calibrate", "-f", "json").stdout)
    result = run("calibrate", "--summary", "-f", fmt)
    assert result.exit_code == 0
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(result.stdout)))
    elif fmt == "jsonl":
        records = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        records = json.loads(result.stdout)["results"]
    first = {k: str(v) for k, v in records[1].items()} if fmt == "csv" else records[1]
    assert first["model"] == "training" and first["rows"] == "held out"
    assert float(first["n"]) == full["holdout"]["rows"]
    assert float(first["median_absolute_error"]) == full["holdout"]["median_absolute_error"]
    serving = [r for r in records if r["model"] == "serving" and r["rows"] == "held out"]
    assert float(serving[0]["worst_absolute_error"]) == full["serving"]["holdout"]["worst_absolute_error"]
    # Fit, held out, per source and per scale band for training and for serving (its bands: accelerators per replica).
    expected = 2 + len(full["holdout_by_source"]) + len(full["holdout_by_scale"]) + 2 + len(full["serving"]["holdout_by_source"])
    expected += len(full["serving"]["holdout_by_scale"])
    assert float(first["median_error"]) == full["holdout"]["median_error"]
    assert len(records) == expected


def test_sensitivity_shows_a_cny_price_in_its_currency(run) -> None:
    """A CNY-priced part's range was printed as bare numbers under its `price_usd` path (D11)."""
    table = run("sensitivity", "br100@8", "-w", "llama3-8b")
    assert table.exit_code == 0
    line = next(x for x in table.stdout.splitlines() if x.startswith("br100.price_usd"))
    assert line.split()[1:3] == ["¥60,000", "¥200,000"]  # the profile's low and high, in CNY
    rows = {r["param"]: r for r in csv.DictReader(io.StringIO(run("sensitivity", "br100@8", "-w", "llama3-8b", "-f", "csv").stdout))}
    assert (rows["br100.price_usd"]["currency"], rows["br100.price_usd"]["central"]) == ("CNY", "120000")
    assert rows["scenario.pue"]["currency"] == ""


def test_size_refuses_a_count_before_it_checks_memory(run) -> None:
    """`size ID@N` reported that the workload does not fit on N before refusing @N (D14)."""
    result = run("size", "a100-80gb@4", "-w", "llama3-405b", "--deadline-days", "100")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: accelerator: size chooses the count itself: name a100-80gb@4 without @COUNT"


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "a100-80gb"],
        ["sensitivity", "a100-80gb"],
        ["simulate", "a100-80gb", "--samples", "100"],
        ["sweep", "a100-80gb", "--vary", "scenario.pue=1.1:1.3:3"],
        ["cashflow", "a100-80gb"],
        ["sensitivity", "a100-80gb", "mlu370-s4", "--vs", "a100-80gb"],
    ],
)
def test_every_analysis_blames_a_bad_set_on_the_set(run, command: list[str]) -> None:
    """Compare blamed `--set`; the other analyses named the profile ("a100-80gb: memory_gb", D10)."""
    result = run(*command, "-w", "gpt3-1.3b", "--set", "a100-80gb.memory_gb=2")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: --set: a100-80gb.memory_gb: gpt3-1.3b does not fit in memory on 8 × a100-80gb: training state needs at "
        "least 14 accelerators (give a count with a100-80gb@14)"
    )


def test_breakeven_names_the_winner_where_one_option_cannot_run(run) -> None:
    """An end where one option could not run was called a tie ('they cost the same'), or the other option
    was said to win 'across the whole range' (round 8, B1). Llama 3 8B needs 3 H100s (compare says so)."""
    assert "needs at least 3 accelerators" in run("compare", "h100-sxm@2", "-w", "llama3-8b").stderr
    result = run("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--param", "h100-sxm.count", "--range", "1:64",
                 "--set", "a100-80gb.price_usd=1e7", "-f", "json")  # fmt: skip
    row = json.loads(result.stdout)["results"][0]
    assert (row["winner_below"], row["winner_above"], row["value"]) == ("a100-80gb", "h100-sxm", None)
    assert row["message"] == (
        "no tie for h100-sxm.count in [1, 64]: at 1 a100-80gb wins (h100-sxm is infeasible there), at 64 h100-sxm wins; "
        "h100-sxm is feasible from h100-sxm.count = 3"
    )
    wide = run("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--param", "h100-sxm.count", "--range", "1:131072")
    assert "at 1 a100-80gb wins (h100-sxm is infeasible there)" in wide.stdout and "they cost the same" not in wide.stdout


def test_a_request_length_with_a_default_partner_must_fit_the_context(run) -> None:
    """A 4,095-token prompt with the default 2,048-token output was costed in a 4,096-token context (round 8, B3)."""
    result = run("compare", "h100-sxm@4", "-w", "chat-70b", "--set", "workload.prompt_tokens=4095")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --set: workload.prompt_tokens: a request of 4095 + 2048 tokens (output_tokens by default seq_len / 2) "
        "exceeds seq_len = 4096; give output_tokens too"
    )
    assert run("compare", "h100-sxm@4", "-w", "chat-70b", "--set", "workload.prompt_tokens=2048").exit_code == 0


@pytest.mark.parametrize("key", ["time_per_output_token_ms", "prompt_tokens"])
def test_a_latency_target_or_request_length_without_a_value_is_refused(run, key: str) -> None:
    """Given without a value they were silently dropped: no target, the default length (round 8, B5)."""
    result = run("compare", "h100-sxm@4", "-w", "chat-70b", "--set", f'workload.{key}={{source="tbd"}}')
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: --set: workload.{key}: give a value (the service's own choice cannot be unknown), or leave the key out"
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            ["sweep", "h100-sxm@4", "h200:rent=3.5", "-w", "chat-70b", "--vary", "h200.rental.usd_per_hour=1,100"],
            "Error: --vary: h200.rental.usd_per_hour: 'h200:rent=3.5' quotes a rate and --vary h200.rental.usd_per_hour gives "
            "others: give the rate once (name h200:rent without =RATE)",
        ),
        (
            ["breakeven", "h100-sxm@4", "h200:rent=3.5", "-w", "chat-70b", "--param", "h200.rental.usd_per_hour", "--range", "0.1:100"],
            "Error: --param: h200.rental.usd_per_hour: 'h200:rent=3.5' quotes a rate and --param h200.rental.usd_per_hour gives "
            "others: give the rate once (name h200:rent without =RATE)",
        ),
        (
            ["sweep", "h100-sxm@8", "h100-sxm@16:rent", "-w", "llama3-8b", "--vary", "h100-sxm.count=32"],
            "Error: --vary: h100-sxm.count: 'h100-sxm@8' fixes the count and --vary h100-sxm.count gives others: "
            "name h100-sxm without @COUNT",
        ),
        (
            ["compare", "h100-sxm@8", "-w", "llama3-8b", "--set", "h100-sxm.count=16"],
            "Error: --set: h100-sxm.count: a count is part of the option: write h100-sxm@16 instead",
        ),
        (
            ["compare", "h100-sxm", "-w", "llama3-8b", "--set", "scenario.pue=1.1", "--set", "scenario.pue=1.5"],
            "Error: --set: scenario.pue: given twice ('scenario.pue=1.1' and 'scenario.pue=1.5'): give it once",
        ),
    ],
)
def test_a_value_the_option_or_another_set_fixes_is_not_silently_replaced(run, command: list[str], expected: str) -> None:
    """--vary/--param ran options at other counts and rates under their old labels; two --set of one path
    kept the last silently (round 8, B4 and D4)."""
    result = run(*command)
    assert result.exit_code == 1
    assert result.stderr.strip() == expected


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        (
            ["workload.kind=inference"],
            "Error: --set: workload.kind: a workload of another kind needs that kind's keys (first: tokens_per_day: "
            "required key is missing); use a workload file of that kind instead",
        ),
        (
            ["workload.parameters=1e13"],
            "Error: --set: workload.parameters: llama3-8b does not fit in memory on 1024 × h100-sxm: training state needs at "
            "least 2528 accelerators (give a count with h100-sxm@2528)",
        ),
        (
            ["workload.seq_len=1099511627776"],
            "Error: --set: workload.seq_len: activations of one 1,099,511,627,776-token sequence (1.07e+08 GB per device even "
            "with full recomputation over a node) exceed h100-sxm's usable memory (72.0 GB)",
        ),
    ],
)
def test_a_workload_set_that_breaks_the_fit_is_blamed_on_the_set(run, sets: list[str], expected: str) -> None:
    """These named the shipped workload or accelerator file (round 8, C5 and C6)."""
    result = run("compare", "h100-sxm", "-w", "llama3-8b", *[a for s in sets for a in ("--set", s)])
    assert result.exit_code == 1
    assert result.stderr.strip() == expected


def test_the_output_name_and_the_format_agree(run, tmp_path: Path) -> None:
    """`-o out.xlsx` wrote a text table into a .xlsx file and `-f xlsx -o out.csv` a workbook into a .csv
    (round 8, C8). Now the default format writes the workbook its name asks for; a mismatch is a usage error."""
    book = tmp_path / "out.xlsx"
    assert run("compare", "h100-sxm", "-w", "llama3-8b", "-o", str(book)).exit_code == 0
    assert book.read_bytes()[:2] == b"PK"  # a zip: the workbook
    wrong = run("compare", "h100-sxm", "-w", "llama3-8b", "-f", "xlsx", "-o", str(tmp_path / "out.csv"))
    assert wrong.exit_code == 2 and "--format xlsx writes a workbook: name the file .xlsx" in wrong.stderr
    text = run("compare", "h100-sxm", "-w", "llama3-8b", "-f", "csv", "-o", str(tmp_path / "t.xlsx"))
    assert text.exit_code == 2 and "is named as a workbook but --format csv writes text" in text.stderr
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "t.xlsx").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def _sweep_stopped_by(tmp_path: Path, target: Path, name: str) -> tuple[int, str]:
    """Start a long sweep into ``target``, send it signal ``name`` once its temporary file exists, and
    return (exit code, stderr). Under nohup (a CI runner may use it) the child would inherit an ignored
    SIGHUP, which tco leaves ignored by design: it gets the default disposition, as a terminal session gives."""
    import signal
    import subprocess
    import time

    sig = getattr(signal, name)
    cmd = [sys.executable, "-m", "tco", "sweep", "a100-80gb", "h100-sxm", "-w", "llama3-8b"]
    cmd += ["--vary", "scenario.pue=1:2:1000", "--vary", "scenario.utilization=0.5:1:1000", "-o", str(target)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL)
    )
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".tco-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)  # until the temporary file exists
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=30)
    return proc.returncode, stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_hangup_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGHUP (a dropped session) left the sweep's temporary file beside the target (round 8, D1)."""
    import signal

    target = tmp_path / "big.csv"
    target.write_text("original\n")
    code, _ = _sweep_stopped_by(tmp_path, target, "SIGHUP")
    assert code == 128 + signal.SIGHUP
    assert target.read_text() == "original\n"
    assert not list(tmp_path.glob(".tco-*"))


@pytest.mark.parametrize(
    ("kind", "path", "value"),
    [("scenario", "pue", 0.5), ("workload", "prompt_tokens", 0.5)],
)
def test_the_schema_states_the_lower_bounds_tco_checks(kind: str, path: str, value: float) -> None:
    """The schema allowed a PUE below 1 and a request of half a token that the tool refuses (round 8, C10)."""
    from tco.schema import json_schema

    schema = json_schema(kind)
    if "anyOf" in schema:  # the workload schema: the inference branch
        schema = schema["$defs"]["InferenceWorkload"]
    ref = schema["properties"][path]
    ref = ref.get("$ref") or next(r["$ref"] for r in ref["anyOf"] if "$ref" in r)
    quantity = json_schema(kind)["$defs"][ref.rsplit("/", 1)[1]]
    number = next(s for s in quantity["anyOf"] if s.get("type") == "number")
    assert number["minimum"] == 1 and value < number["minimum"]


def test_a_release_year_may_be_written_as_a_whole_float(run) -> None:
    """`release_year = 2022.0` was refused while other whole numbers accept it (round 8, C10)."""
    assert run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "h100-sxm.release_year=2022.0").exit_code == 0
    assert "expected a whole number" in run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "h100-sxm.release_year=2022.5").stderr


def test_the_size_workbook_computes_the_sized_counts(run, tmp_path: Path) -> None:
    """`size -f xlsx` built its workbook at the workload's count (1,024), not the count it chose (round 8)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "size.xlsx"
    table = run("size", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--deadline-days", "200", "-f", "csv")
    counts = {r["option"]: r["count"] for r in csv.DictReader(io.StringIO(table.stdout))}
    assert run("size", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--deadline-days", "200", "-o", str(book)).exit_code == 0
    sheets = openpyxl.load_workbook(book).sheetnames
    assert [f"Calc {o}@{n}" for o, n in counts.items()] == [s for s in sheets if s.startswith("Calc ")]


def test_api_errors_name_the_arguments_and_the_cli_the_flags(run) -> None:
    """The Python API's errors named command-line flags (`--deadline-days`, `--range`) and a missing
    argument was a raw TypeError (round 7 D13, round 8 D5)."""
    import tco

    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
    with pytest.raises(tco.InputError) as size_error:
        tco.size(inputs, deadline_days=0.0)
    assert str(size_error.value) == "deadline_days: expected a positive number, got 0"
    with pytest.raises(tco.InputError) as range_error:
        tco.breakeven(inputs, "a100-80gb", "mlu370-s4", param="scenario.pue", value_range=(2.0, 1.0))
    assert str(range_error.value) == "value_range: expected two finite numbers, the low below the high, got 2, 1"
    with pytest.raises(tco.InputError) as missing:
        tco.estimate("h100-sxm")  # type: ignore[call-arg]
    assert str(missing.value) == "arguments: estimate(): missing a required argument: 'parameters'"
    cli = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "0")
    assert cli.stderr.strip() == "Error: --deadline-days: expected a positive number, got 0"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd=1000", "--set", "A100-80GB.price_usd=100000"],
            "Error: --set: A100-80GB.price_usd: given twice ('a100-80gb.price_usd=1000' and 'A100-80GB.price_usd=100000'): give it once",
        ),
        (
            ["compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd=1000", "--set", "a100.price_usd.value=9"],
            "Error: --set: a100.price_usd.value: given twice ('a100-80gb.price_usd=1000' and 'a100.price_usd.value=9'): give it once",
        ),
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "a100-80gb.price_usd=1000,100000", "--vary", "a100.price_usd=50000"],
            "Error: --vary: a100.price_usd: the same input as 'a100-80gb.price_usd', varied twice: give it once",
        ),
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--set", "SCENARIO.pue=3", "--vary", "scenario.pue=1:2:2"],
            "Error: --vary: scenario.pue is both varied and set with --set: give it once",
        ),
        (
            ["sweep", "h100-sxm:rent=2.1", "-w", "gpt3-1.3b", "--vary", "h100-sxm.rental.usd_per_hour.value=1,3"],
            "Error: --vary: h100-sxm.rental.usd_per_hour.value: 'h100-sxm:rent=2.1' quotes a rate and --vary "
            "h100-sxm.rental.usd_per_hour.value gives others: give the rate once (name h100-sxm:rent without =RATE)",
        ),
        (
            ["compare", "h100-sxm:rent=2.1", "-w", "gpt3-1.3b", "--set", "h100-sxm.rental={usd_per_hour=4}"],
            "Error: accelerator: 'h100-sxm:rent=2.1' quotes a rate and --set h100-sxm.rental.usd_per_hour gives another: give it once",
        ),
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "a100-80gb.count=1000000000000"],
            "Error: --vary: a100-80gb.count: expected a count of at most 1,000,000,000, got 1,000,000,000,000",
        ),
    ],
)
def test_one_input_in_any_spelling_is_given_once(run, args: list[str], expected: str) -> None:
    """Case, an alias, `.value` or a table got past the given-twice and quoted-rate checks, and one value
    was silently dropped (round 9, W3, W4); a varied count passed the ID@COUNT limit (U4)."""
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == expected


def test_the_same_input_twice_in_what_if_is_refused() -> None:
    import tco

    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError, match="the same input is given twice"):
        tco.what_if(inputs, {"scenario.pue": [1.0, 2.0], "SCENARIO.pue": [1.5, 1.5]})


def test_an_input_of_at_least_one_is_swung_and_sampled_from_one(run) -> None:
    """Sensitivity swung a PUE of 1.1 to 0.88 and Monte Carlo drew PUEs down to 0.86 (round 9, W6)."""
    import numpy as np

    import tco
    from tco.analysis.common import prepare, uncertain_inputs
    from tco.analysis.montecarlo import sample_input

    out = run("sensitivity", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1.1", "-f", "csv").stdout
    rows = {r["param"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (float(rows["scenario.pue"]["low"]), float(rows["scenario.pue"]["high"])) == (1.0, pytest.approx(1.32))
    pue = next(
        u
        for u in uncertain_inputs(prepare(tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")), ranged_only=True)
        if u.path == "scenario.pue"
    )
    draws = sample_input(pue, np.random.default_rng(1), 20000)
    assert draws.min() == 1.0 and 0 < (draws == 1.0).sum() < 500  # the tail below 1 is drawn at 1


def test_breakeven_default_range_stays_within_the_input(run) -> None:
    """The default range of a PUE of 1.3 started at 0.13 and the error blamed --set (round 9, U3)."""
    result = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "scenario.pue=1.3", "--param", "scenario.pue")
    assert result.exit_code == 0 and "in [1, 13]" in result.stdout


def test_workbook_names_by_command(run, tmp_path: Path) -> None:
    """`sweep -o s.xlsx` blamed a --format csv never given; breakeven -o x.xlsx advised -f xlsx, which it
    refuses (round 9, U1, U2)."""
    sweep = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:3", "-o", str(tmp_path / "s.xlsx"))
    assert sweep.exit_code == 0 and (tmp_path / "s.xlsx").read_bytes()[:2] == b"PK"
    be = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-o", str(tmp_path / "be.xlsx"))
    assert be.exit_code == 2 and "this command writes no workbook (those are compare, cashflow" in be.stderr


def test_a_feasibility_edge_at_the_start_of_the_range_is_said_plainly(run) -> None:
    """The edge at 0 was printed as 7.27596e-10 (round 9, C1)."""
    result = run("breakeven", "tpu-v5p:rent", "h100-sxm", "-w", "llama3-8b", "--param", "scenario.carbon_usd_per_tonne", "--range", "0:100")
    assert "tpu-v5p:rent lacks an input for scenario.carbon_usd_per_tonne above 0" in table_row(result.stdout, "message")
    assert "tpu-v5p:rent lacks an input for scenario.carbon_usd_per_tonne above 0" in result.stderr
    assert "e-10" not in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("name", ["SIGQUIT", "SIGXCPU"])
def test_quit_and_the_cpu_limit_leave_no_temporary_file(tmp_path: Path, name: str) -> None:
    """Ctrl-\\ and `ulimit -t` left the sweep's temporary file, with no message (round 9, U5)."""
    import signal

    target = tmp_path / "big.csv"
    code, stderr = _sweep_stopped_by(tmp_path, target, name)
    assert code == 128 + getattr(signal, name)
    assert not list(tmp_path.glob(".tco-*")) and not target.exists()
    if name == "SIGXCPU":
        assert "the CPU-time limit (ulimit -t) was reached" in stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "a100-80gb.count=8:16:2", "--vary", "workload.accelerator_count=8:32:2"],
            "Error: --vary: workload.accelerator_count: the same input as 'a100-80gb.count', varied twice: give it once",
        ),
        (
            ["sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "count=8,16", "--set", "workload.accelerator_count=32"],
            "Error: --vary: count is both varied and set with --set: give it once",
        ),
    ],
)
def test_every_spelling_of_a_count_is_one_input(run, args: list[str], expected: str) -> None:
    """`count`, `workload.accelerator_count` and `ID.count` all set the option's count: varied together,
    rows labelled 16 were computed at 8 or 32 (round 10)."""
    result = run(*args)
    assert result.exit_code == 1 and result.stderr.strip().splitlines()[-1] == expected


def test_distinct_inputs_that_share_a_prefix_are_not_given_twice(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quantity's range is not its value; a rental table without a rate gives none; a varied count is one
    column; a dotted alias is a scope for --vary as for --set (round 10)."""
    ok = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1:1.3:2", "--set", "scenario.pue.low=1.05")
    assert ok.exit_code == 0, ok.stderr
    header = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "count=8,16").stdout.splitlines()[0].split(",")
    assert header.count("count") == 1
    rates = run("compare", "a100-80gb:rent=2.1", "-w", "gpt3-1.3b", "--set", "a100.rental={usd_per_hour=2.1, lead_time_weeks=3}")
    assert "quotes a rate" in rates.stderr  # a table with a rate still gives one
    (tmp_path / "accelerators").mkdir()
    (tmp_path / "accelerators" / "hdot.toml").write_text('extends = "h100-sxm"\nid = "hdot"\naliases = ["h.v"]\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    dotted = run("sweep", "hdot", "-w", "llama3-8b", "--vary", "h.v.price_usd=20000,30000")
    assert dotted.exit_code == 0, dotted.stderr
    costs = [float(r["capex_usd"]) for r in csv.DictReader(io.StringIO(dotted.stdout))]
    assert costs[1] > costs[0]


@pytest.mark.parametrize("command", [["profiles", "show", "a100"], ["schema", "accelerator"]])
def test_commands_without_workbooks_refuse_a_workbook_name(run, tmp_path: Path, command: list[str]) -> None:
    result = run(*command, "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and "this command writes no workbook" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_measured_serving_part_with_unknown_memory_names_it(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It ended in 'float division by zero ... a value near the limits of a float' (round 11)."""
    (tmp_path / "accelerators").mkdir()
    (tmp_path / "accelerators" / "mtbd.toml").write_text(
        'extends = "h100-sxm"\nid = "mtbd"\naliases = []\nmemory_gb = { source = "tbd" }\n'
        '[[benchmarks]]\nworkload = "chat-70b"\ntokens_per_second = 700\nsource = "x"\n'
    )
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("compare", "mtbd", "h100-sxm", "-w", "chat-70b")
    assert result.exit_code == 0
    assert "Note: mtbd is not ranked: mtbd.memory_gb unknown; complete it with --set mtbd.memory_gb=VALUE" in result.stderr


def test_serving_says_which_link_it_assumes(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serving filled an unknown in-node bandwidth with 64 GB/s without a note, as training does (round 11)."""
    (tmp_path / "accelerators").mkdir()
    (tmp_path / "accelerators" / "ltbd.toml").write_text(
        'extends = "h100-sxm"\nid = "ltbd"\naliases = []\n[interconnect]\nkind = "nvlink"\ndevices_per_node = 8\n'
        'bandwidth_gbps = { source = "tbd" }\n'
    )
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    row = json.loads(run("compare", "ltbd", "-w", "chat-70b", "-f", "json").stdout)["results"][0]
    assert "in-node bandwidth unknown: 64 GB/s assumed (PCIe Gen4 x16)" in row["notes"]
