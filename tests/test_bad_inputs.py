"""One bad input per failure mode, each turned into exactly one ``Error:`` line and exit code 1.

The fixtures are in ``tests/data/bad/`` (one file per failure mode; several start from a shipped
profile with ``extends`` and change one key). The contract, from the house style and cli.py:
``Error: <file>: <key.path>: <message>`` on stderr, nothing on stdout, no traceback, exit 1;
usage errors exit 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tco.cli import app

BAD = Path(__file__).resolve().parent / "data" / "bad"
WORKLOAD = ["-w", "gpt3-1.3b"]


def bad(name: str) -> str:
    path = BAD / name
    assert path.is_file(), path
    return str(path)


# (fixture, kind, args, where, key, message)
#   kind:  which input the fixture is passed as (accelerator, workload, scenario), or how the
#          failure is caused without a file (id, set);
#   where: the file (or "--set") the error line must name, None when there is none;
#   key:   the dotted key path the line must name, None when there is none.
CASES = [
    pytest.param("not_toml.toml", "accelerator", None, "file", None, "not valid TOML", id="not-toml"),
    pytest.param("unknown_key.toml", "accelerator", None, "file", "prize_usd", "unknown key (did you mean 'price_usd'?)", id="unknown-key"),
    pytest.param("missing_key.toml", "accelerator", None, "file", "memory_gb", "required key is missing", id="missing-key"),
    pytest.param("wrong_type.toml", "accelerator", None, "file", "tdp_w", "got text '400 W'", id="wrong-type"),
    pytest.param("negative.toml", "accelerator", None, "file", "price_usd", "expected more than 0, got -17500", id="not-positive"),
    pytest.param("nan.toml", "scenario", None, "file", "electricity_usd_per_kwh", "expected a finite number", id="nan"),
    pytest.param("infinity.toml", "workload", None, "file", "training_tokens", "expected a finite number", id="infinity"),
    pytest.param(
        "low_above_high.toml", "accelerator", None, "file", "price_usd", "low (20000) must not exceed high (15000)", id="low-above-high"
    ),
    pytest.param(
        None,
        "id",
        ["a100-80gbb", *WORKLOAD],
        None,
        None,
        "unknown accelerator 'a100-80gbb' (did you mean 'a100-80gb'?)",
        id="unknown-accelerator",
    ),
    pytest.param(
        None,
        "id",
        ["a100-80gb", "-w", "gpt3-1.3bb"],
        None,
        None,
        "unknown workload 'gpt3-1.3bb' (did you mean 'gpt3-1.3b'?)",
        id="unknown-workload",
    ),
    pytest.param(
        None,
        "id",
        ["a100-80gb", *WORKLOAD, "-s", "artcle"],
        None,
        None,
        "unknown scenario 'artcle' (did you mean 'article'?)",
        id="unknown-scenario",
    ),
    pytest.param(
        None, "id", [str(BAD / "does_not_exist.toml"), *WORKLOAD], str(BAD / "does_not_exist.toml"), None, "no such file", id="no-such-file"
    ),
    pytest.param(
        "inference_only.toml",
        "accelerator",
        None,
        "file",
        "can_train",
        "is not a training accelerator (can_train = false)",
        id="inference-only-accelerator",
    ),
    pytest.param(
        "tiny_memory.toml",
        "accelerator",
        None,
        "file",
        "memory_gb",
        "does not fit in memory on 8 × tiny-memory",
        id="does-not-fit-in-memory",
    ),
    # Without --strict compare shows what a missing price does not decide (tests/test_missing_inputs.py).
    pytest.param(
        "no_price.toml",
        "accelerator",
        [bad("no_price.toml"), *WORKLOAD, "--strict"],
        "no-price",
        None,
        "needs no-price.price_usd, which is unknown (--strict)",
        id="missing-price",
    ),
    pytest.param(
        None,
        "set",
        ["a100-80gb", *WORKLOAD, "--set", "scenario.electricty_usd_per_kwh=0.1"],
        "--set",
        "scenario.electricty_usd_per_kwh",
        "no such field (did you mean 'electricity_usd_per_kwh'?)",
        id="set-unknown-path",
    ),
    pytest.param(
        None,
        "set",
        ["a100-80gb", "mlu370-s4", *WORKLOAD, "--set", "mlu370-s4.price_usd=abc"],
        "--set",
        "mlu370-s4.price_usd",
        "got text 'abc'",
        id="set-not-a-number",
    ),
    pytest.param(
        None,
        "set",
        ["a100-80gb", *WORKLOAD, "--set", "scenaro.pue=1.3"],
        "--set",
        "scenaro.pue",
        "'scenaro' is not scenario, workload or a compared accelerator (did you mean 'scenario'?)",
        id="set-unknown-scope",
    ),
    pytest.param(
        None,
        "set",
        ["a100-80gb", *WORKLOAD, "--set", "scenario.failure_rate_per_accelerator_day=10", "--set", "scenario.restart_minutes=1440"],
        None,
        None,
        "",
        id="set-failures-leave-no-goodput",
    ),
]


def arguments(fixture: str | None, kind: str, args: list[str] | None) -> list[str]:
    if args is not None:
        return ["compare", *args]
    path = bad(fixture)  # type: ignore[arg-type]
    return {
        "accelerator": ["compare", path, *WORKLOAD],
        "workload": ["compare", "a100-80gb", "-w", path],
        "scenario": ["compare", "a100-80gb", *WORKLOAD, "-s", path],
    }[kind]


@pytest.mark.parametrize(("fixture", "kind", "args", "where", "key", "message"), CASES)
def test_bad_input(
    monkeypatch: pytest.MonkeyPatch,
    fixture: str | None,
    kind: str,
    args: list[str] | None,
    where: str | None,
    key: str | None,
    message: str,
) -> None:
    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    result = CliRunner().invoke(app, arguments(fixture, kind, args))

    # No traceback: the runner caught nothing but the SystemExit of typer.Exit(1).
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("Error: ")
    assert message in line
    if where == "file":
        where = bad(fixture)  # type: ignore[arg-type]
    # A bare number in the file is the quantity's value: "<key>.value" names the same thing.
    prefix = re.escape("Error: " + (f"{where}: " if where else "")) + (re.escape(key) + r"(\.value)?: " if key else "")
    assert re.match(prefix, line), f"expected the line to start with {prefix!r}, got {line!r}"


@pytest.mark.parametrize("fixture", sorted(p.name for p in BAD.glob("*.toml")))
def test_every_fixture_is_in_the_table(fixture: str) -> None:
    assert fixture in {p.values[0] for p in CASES}


@pytest.mark.parametrize("name", ["not_toml.toml", "missing_key.toml"])
def test_profiles_validate_reports_bad_file(name: str) -> None:
    """A standalone bad file through ``profiles validate``: one Error line naming it, exit 1."""
    result = CliRunner().invoke(app, ["profiles", "validate", bad(name)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad(name)}: ")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["compare", "a100-80gb", *WORKLOAD, "--bogus"], id="unknown-option"),
        pytest.param(["compare", "a100-80gb"], id="missing-workload"),
        pytest.param(["compare", "a100-80gb", *WORKLOAD, "--format", "pdf"], id="bad-choice"),
        pytest.param(["no-such-command"], id="unknown-command"),
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr
