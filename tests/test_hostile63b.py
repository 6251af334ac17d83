"""Hostile round 63b: a matrix of hostile TOML inputs (every leaf of shipped seeds mutated, whole-file
hostility, extends chains) run through validate, compare and calibrate. Each test names the defect it pins
and its repro."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# --------------------------------------------------------------------------- 1: a symlink loop named as an id


@pytest.mark.parametrize(
    ("folder", "args"),
    [
        ("workloads", ("compare", "h100-sxm", "a100-80gb", "-w", "loop")),
        ("accelerators", ("compare", "loop", "h100-sxm", "-w", "llama3-8b")),
        ("scenarios", ("compare", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-s", "loop")),
    ],
)
def test_an_id_whose_file_is_a_symlink_loop_is_one_error_naming_the_file(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str, args: tuple[str, ...]
) -> None:
    """Defect 1: ``workloads/loop.toml -> other.toml -> loop.toml`` on TCO_PROFILE_PATH and
    ``tco compare h100-sxm a100-80gb -w loop`` exited 3 with 'internal error (RuntimeError: Symlink loop
    from ...)': the key of the read-once cache resolved the path strictly (Python < 3.13 raises
    RuntimeError on a loop) before the file was read. Now the read says what is wrong with the file, exit 1."""
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    (tmp_path / folder).mkdir()
    os.symlink(tmp_path / folder / "other.toml", tmp_path / folder / "loop.toml")
    os.symlink(tmp_path / folder / "loop.toml", tmp_path / folder / "other.toml")
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {tmp_path / folder / 'loop.toml'}: cannot be read: Too many levels of symbolic links"
    )
    assert "internal error" not in result.stderr


# --------------------------------------------------------------------------- 2: a published run's boolean is strict


@pytest.mark.parametrize(("text", "shown"), [('"yes"', "'yes'"), ('"1"', "'1'"), ("0", "0"), ("-0.0", "-0.0")])
def test_activation_checkpointing_of_a_published_run_is_true_or_false(run, tmp_path: Path, text: str, shown: str) -> None:
    """Defect 2: a published training run with ``activation_checkpointing = "yes"`` (or ``"1"``, ``0``,
    ``-0.0``) validated and was read as true or false (pydantic's lax bool), though ``tco schema benchmarks``
    types the key as a boolean and every other boolean of the inputs (can_train, buy, tied_embeddings) refuses
    anything but true or false. It is refused now, naming the row and the key."""
    shipped = (Path(__file__).parents[1] / "profiles" / "benchmarks" / "megatron-2021.toml").read_text()
    assert "activation_checkpointing = true" in shipped
    path = tmp_path / "benchmarks" / "mine.toml"
    path.parent.mkdir()
    path.write_text(
        shipped.replace('id = "megatron-2021"', 'id = "mine"', 1).replace(
            "activation_checkpointing = true", f"activation_checkpointing = {text}", 1
        )
    )
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr.strip() == f"Error: {path}: rows[0].activation_checkpointing: expected true or false, got {shown}"


# --------------------------------------------------------------------------- 3: a date and time is not a date


@pytest.mark.parametrize(
    ("written", "shown"), [("2024-06-11T10:00:00Z", "2024-06-11T10:00:00+00:00"), ("2024-06-11T10:00:00", "2024-06-11T10:00:00")]
)
def test_an_as_of_with_a_time_is_refused_as_the_schema_refuses_it(
    run, user_profile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, shown: str
) -> None:
    """Defect 3: ``as_of = 2024-06-11T10:00:00Z`` (a TOML date and time) was accepted and cut to '2024-06-11'
    without a word, while ``tco schema accelerator`` gives as_of a date-only pattern (YYYY, YYYY-MM or
    YYYY-MM-DD), so an editor checking the file against the schema refused what the tool accepted. A TOML
    date (``as_of = 2024-06-11``) is still read as that date."""
    path = user_profile("accelerators", "hd", f'id = "hd"\nextends = "h100-sxm"\nprice_usd = {{ value = 30000, as_of = {written} }}\n')
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 1, result.output
    assert (
        result.stderr.strip()
        == f"Error: {path}: price_usd.as_of: expected a date YYYY, YYYY-MM or YYYY-MM-DD, got a date and time ({shown})"
    )
    again = user_profile("accelerators", "hd", 'id = "hd"\nextends = "h100-sxm"\nprice_usd = { value = 30000, as_of = 2024-06-11 }\n')
    assert run("profiles", "validate", str(again)).stdout.strip() == f"ok: {again}"
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    assert run("compare", "hd", "-w", "llama3-8b").exit_code == 0
