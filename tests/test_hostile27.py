"""Hostile round 27 (today's changes: staged goodput of 0, --vary's errors, breakeven's note, a part no
market sells, pathlib in estimate, an unknown vocabulary at 8 bits)."""

from __future__ import annotations

import json

import pytest


def test_a_staged_job_failures_leave_no_time_says_so(run) -> None:
    """The job's goodput came out unknown, not 0, so the error fell through to "no finite cost",
    blamed on the accelerator's file; a single-stage job says failures leave no useful time."""
    out = run("compare", "h100-sxm@1024", "-w", "deepseek-v3", "--set", "scenario.failure_rate_per_accelerator_day=1e9")
    assert out.exit_code == 1
    assert "Error: --set: scenario.failure_rate_per_accelerator_day: failures leave no useful time" in out.stderr


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("a:b:c", "expected numbers LO:HI:N, got 'a:b:c'"),
        ("1:2:x", "expected a whole number of points N of at least 1, got 'x' in '1:2:x'"),
        ("1,inf", "expected finite numbers (at most 1.8e308), got infinity"),  # (hostile round 108's words)
        ("1:2:3:4", "expected LO:HI:N, got '1:2:3:4'"),
        ("2:1:3", "empty or inverted range '2:1:3': LO must be below HI"),
    ],
)
def test_every_vary_error_names_the_flag_and_the_spec_typed(run, spec: str, expected: str) -> None:
    out = run("sweep", "h100-sxm", "-w", "llama2-70b", "--vary", f"scenario.pue={spec}")
    assert out.exit_code == 1 and out.stderr.strip() == f"Error: --vary: scenario.pue: {expected}"


def test_breakeven_says_a_set_value_of_its_input_sets_the_range(run) -> None:
    """The note said the value is "not used", but it centres the range searched (÷10 … ×10)."""
    out = run("breakeven", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1.5", "--param", "scenario.pue", "-f", "json")
    assert "only sets the range searched: the tie is solved for it" in json.loads(out.stdout)["results"][0]["message"]


def test_a_part_no_market_sells_is_not_asked_for_a_price(run) -> None:
    """sensitivity told to give tpu-v5p a price, which then failed: Cloud TPUs are not sold."""
    out = run("sensitivity", "tpu-v5p", "a100-80gb", "-w", "gpt3-1.3b")
    assert out.exit_code == 0 and "cannot be bought in market 'global'" in out.stderr
    assert "give a price" not in out.stderr


def test_estimate_takes_a_profile_path_as_a_path() -> None:
    from pathlib import Path

    import tco

    path = Path(tco.__file__).parent.parent / "profiles" / "accelerators" / "h100-sxm.toml"
    by_path = tco.estimate(path, parameters=7e9).results[0].tokens_per_second_per_accelerator
    assert by_path == tco.estimate("h100-sxm", parameters=7e9).results[0].tokens_per_second_per_accelerator


def test_an_8_bit_service_of_unknown_vocabulary_says_its_embeddings_are_not_counted(run, tmp_path) -> None:
    wl = tmp_path / "svc8.toml"
    wl.write_text(
        'id = "svc8"\nname = "svc8"\nkind = "inference"\nparameters = 33e9\nprecision = "fp8"\nseq_len = 4096\n'
        "tokens_per_day = 1e9\nservice_life_years = 3\n"
    )
    notes = json.loads(run("compare", "h100-sxm", "-w", str(wl), "-f", "json").stdout)["results"][0]["notes"]
    assert any(n.startswith("vocabulary unknown: the 16-bit embedding matrices") for n in notes)
