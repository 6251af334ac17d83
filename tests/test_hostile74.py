"""Hostile round 74 (huge whole numbers on number flags, whitespace in option labels, --baseline's count): each
defect fixed, with a test (--currency in any case was reverted: on typer 0.20, the oldest supported, its parser
made every CSV run a usage error)."""

from __future__ import annotations

import pytest

from tests.factories import run_main

BIG = "1" + "0" * 400


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (
            ["estimate", "h100-sxm", "--params", BIG],
            1,
            "Error: --params: expected a finite number (at most 1.8e308), got a 401-digit integer",
        ),
        (
            ["estimate", "h100-sxm", "--params", "1e9", "--tokens", BIG],
            1,
            "Error: --tokens: expected a finite number (at most 1.8e308), got a 401-digit integer",
        ),
        (
            ["estimate", "h100-sxm", "--params", "1" * 5000],
            1,
            "Error: --params: expected a finite number (at most 1.8e308), got a 4,000+-digit integer",
        ),
        (
            ["estimate", "h100-sxm", "--params", "1e9", "--count", BIG],
            2,
            "Error: Invalid value for '--count': expected a whole number from 1 to 1,000,000,000, got 100000… (401 digits)"
            " (see 'tco estimate --help')",
        ),
        (
            ["estimate", "h100-sxm", "--params", "1e9", "--mode", "infer", "--prompt-tokens", BIG],
            2,
            "Error: Invalid value for '--prompt-tokens': expected a finite number (at most 1.8e308), got a 401-digit integer"
            " (see 'tco estimate --help')",
        ),
        (
            ["size", "h100-sxm", "-w", "gpt3-1.3b", "--budget-usd", BIG],
            2,
            "Error: Invalid value for '--budget-usd': expected a finite number (at most 1.8e308), got a 401-digit integer"
            " (see 'tco size --help')",
        ),
        (
            ["simulate", "a100-80gb", "-w", "gpt3-1.3b", "--samples", "1", "--seed", BIG],
            1,
            "Error: --seed: expected a seed from 0 to 9,223,372,036,854,775,807 (2^63 - 1), got 100000… (401 digits)",
        ),
    ],
)
def test_a_401_digit_integer_on_a_number_flag_is_named_by_its_length(capsys, args, code, line) -> None:
    """1: '--params 1' and 400 zeros said "expected a positive finite number, got '1000…'" with all 401 digits,
    '--budget-usd' and '--prompt-tokens' said 'got inf', and a bounded whole flag ('--count') showed the first 40
    digits (another number). Each now names the integer by its length, as --set does."""
    got, out, error = run_main(capsys, *args)
    assert (got, out) == (code, "")
    assert error == line + "\n", error


@pytest.mark.parametrize(
    ("label", "write"),
    [
        ("h100-sxm:rent= 2", "h100-sxm:rent=2"),
        ("h100-sxm:rent =2", "h100-sxm:rent=2"),
        ("h100-sxm: rent=2", "h100-sxm:rent=2"),
        ("h100-sxm:rent=2 ", "h100-sxm:rent=2"),
        ("h100-sxm@ 8", "h100-sxm@8"),
        ("h100-sxm @8", "h100-sxm@8"),
        ("h100-sxm@8 ", "h100-sxm@8"),
        ("h100-sxm@8 :rent", "h100-sxm@8:rent"),
    ],
)
def test_spaces_in_an_options_label_are_refused_with_the_label_to_write(capsys, label, write) -> None:
    """3: 'h100-sxm:rent= 2' (and 'h100-sxm:rent=2 ') was read as 'h100-sxm:rent=2' (float() drops the spaces),
    while 'h100-sxm:rent =2' and 'h100-sxm@ 8' were refused as malformed, and 'h100-sxm @8' as an unknown id
    'h100-sxm '. An id with spaces is refused everywhere (' h100-sxm', -w ' gpt3-1.3b'), so every spaced label
    is now refused, with the label to write."""
    code, out, error = run_main(capsys, "compare", label, "-w", "gpt3-1.3b")
    assert (code, out) == (1, "")
    assert error == f"Error: accelerator: expected no spaces in ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got '{label}': write '{write}'\n"


def test_a_spaced_baseline_is_refused_under_its_flag_and_a_spaced_path_is_still_read(capsys, tmp_path) -> None:
    """3: --baseline reads a label as the arguments do; a profile file's path may hold spaces (only the count,
    acquisition and rate after it are checked)."""
    code, _, error = run_main(capsys, "compare", "h100-sxm", "h100-sxm@4", "-w", "gpt3-1.3b", "-b", "h100-sxm @4")
    assert code == 1
    assert (
        error == "Error: --baseline: expected no spaces in ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got 'h100-sxm @4': write 'h100-sxm@4'\n"
    )
    from tco import inputs

    assert inputs.parse_option(f"{tmp_path}/my dir/x.toml@8:rent=2") == inputs.ParsedOption(
        f"{tmp_path}/my dir/x.toml", 8, inputs.Acquisition.rent, 2.0
    )
    assert inputs.parse_option("my dir/x.toml").ref == "my dir/x.toml"


def test_a_baseline_at_the_workloads_count_names_the_option_given_without_one(capsys) -> None:
    """4: 'tco compare h100-sxm a100-80gb -w gpt3-1.3b -b h100-sxm@8' said "'h100-sxm@8' is not one of the compared
    options: h100-sxm, a100-80gb", though h100-sxm runs on the workload's 8. It now names that option; an option
    that says @8 itself is still the one named, and another count is still refused, saying which label to give."""
    code, out, error = run_main(capsys, "compare", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-b", "h100-sxm@8", "-f", "json")
    assert code == 0, error
    assert '"baseline": "h100-sxm"' in out
    code, out, error = run_main(capsys, "compare", "h100-sxm", "h100-sxm@8", "-w", "gpt3-1.3b", "-b", "h100-sxm@8", "-f", "json")
    assert code == 0, error
    assert '"baseline": "h100-sxm@8"' in out
    code, out, error = run_main(capsys, "compare", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", "-b", "h100-sxm@4")
    assert (code, out) == (1, "")
    assert error == (
        "Error: --baseline: 'h100-sxm@4' is not one of the compared options: h100-sxm, a100-80gb"
        " (h100-sxm runs on the workload's 8: give 'h100-sxm', or compare 'h100-sxm@4' too)\n"
    )


def test_a_count_names_no_option_of_a_serving_workload_given_without_one(capsys) -> None:
    """4: a serving option without @N chooses its replica, so no count is implied for it."""
    code, out, error = run_main(capsys, "compare", "h100-sxm", "mi300x", "-w", "chat-70b", "-b", "h100-sxm@8")
    assert (code, out) == (1, "")
    assert error == "Error: --baseline: 'h100-sxm@8' is not one of the compared options: h100-sxm, mi300x\n"
