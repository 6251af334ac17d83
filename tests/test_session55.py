"""Session 55: one voice for a bound in a quantity and in any other number, and counts that read as counts."""

from __future__ import annotations

import pytest

from tco import engine
from tco.errors import show_count
from tests.factories import training

# --------------------------------------------------------------------------- a parameter count in a message


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (8.03e9, "8.03B"),
        (125e6, "0.125B"),
        (405e9, "405B"),
        (1.64e13, "16.4T"),
        (999e12, "999T"),
        # 999.5e12 rounds to 1,000 trillion at three digits ('1e+03T'): the number itself, exactly
        (9.995e14, "9.995e+14"),
        (1.64e19, "1.64e+19"),
        (1000.0, "1000"),
    ],
)
def test_a_parameter_count_is_shown_in_billions_or_trillions_never_in_exponent_form(count: float, text: str) -> None:
    """A shape with an absurd vocabulary counted '1.64e+10B parameters' (billions written in exponent form)."""
    assert show_count(count) == text


def test_a_shape_counting_trillions_of_parameters_says_so() -> None:
    """10 layers of width 10^6 (Q, K, V and O each 10^6 wide: 4·10^12), a plain FFN 10^6 wide (2·10^12) and
    10^6 untied embeddings (2·10^12): 10 × 6·10^12 + 2·10^12 = 6.2·10^13 parameters, "62T" (it said "6.2e+04B");
    against the workload's 10^9 ("1B"), far past the 5 % tolerance."""
    shape = {"layers": 10, "d_model": 10**6, "ffn_dim": 10**6, "gated_ffn": False, "vocab": 10**6, "tied_embeddings": False}
    assert engine.shape_count_gap(training(shape=shape)) == (
        "the shape counts 62T parameters, the workload 1B: check its layers, widths, FFN and vocabulary "
        "(the figures use the workload's count)"
    )
    shape = {**shape, "d_model": 10**9, "ffn_dim": 10**9, "vocab": 10**9}  # 10 × 6·10^18 + 2·10^18
    assert engine.shape_count_gap(training(shape=shape)).startswith("the shape counts 6.2e+19 parameters, the workload 1B")  # type: ignore[union-attr]


# --------------------------------------------------------------------------- a bound, in one voice


@pytest.mark.parametrize(
    ("override", "message"),
    [
        # a quantity (a number with its provenance) said 'value must be a number >= 1, got 0.5'
        ("scenario.pue=0.5", "--set: scenario.pue: expected at least 1, got 0.5"),
        ("a100-80gb.price_usd=-5", "--set: a100-80gb.price_usd: expected more than 0, got -5"),
        ("a100-80gb.mfu=1.5", "--set: a100-80gb.mfu: expected more than 0 and at most 1, got 1.5"),
        # its low or high is named in the key path ('price_usd: low must be a number > 0')
        ("a100-80gb.price_usd.low=-1", "--set: a100-80gb.price_usd.low: expected more than 0, got -1"),
        ("a100-80gb.price_usd.high=1e-310", "--set: a100-80gb.price_usd.high: expected a positive number of at least 1e-300, got 1e-310"),
        ("scenario.carbon_usd_per_tonne=1e-310", "--set: scenario.carbon_usd_per_tonne: expected 0 or at least 1e-300 in size, got 1e-310"),
        # as a plain number's bound reads
        ("workload.accelerator_count=0", "--set: workload.accelerator_count: expected at least 1, got 0"),
    ],
)
def test_a_bound_reads_expected_the_bound_got_the_value_for_a_quantity_too(run, override: str, message: str) -> None:
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", override)
    assert (r.exit_code, r.stderr) == (1, f"Error: {message}\n")


def test_a_bound_in_a_file_names_the_file_and_the_key(run, tmp_path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text('extends = "default"\nid = "s"\npue = { value = 1.2, low = 0.9, high = 1.4 }\n')
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(scenario))
    assert (r.exit_code, r.stderr) == (1, f"Error: {scenario}: pue.low: expected at least 1, got 0.9\n")


def test_a_whole_number_typed_is_not_echoed_as_a_float(run) -> None:
    """'--percentile 100' said 'got 100.0' (the option's float), the bound beside it '100'."""
    r = run("estimate", "h100-sxm", "--params", "70B", "--mode", "infer", "--tpot-ms", "50", "--percentile", "100")
    assert (r.exit_code, r.stderr) == (1, "Error: --percentile: expected less than 100, got 100\n")
    r = run("estimate", "h100-sxm", "--params", "70B", "--mode", "infer", "--tpot-ms", "50", "--percentile", "49.5")
    assert (r.exit_code, r.stderr) == (1, "Error: --percentile: expected at least 50, got 49.5\n")


def test_a_quantity_of_the_wrong_type_says_its_bound_in_words(run) -> None:
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd=abc")
    assert r.exit_code == 1
    assert r.stderr.startswith(
        "Error: --set: a100-80gb.price_usd: expected a number more than 0 or a table with value, low, high, source, as_of, got"
    )


# --------------------------------------------------------------------------- counts in tables


def test_a_count_in_a_table_is_grouped_as_the_notes_group_it(run) -> None:
    """The compare and size tables wrote '16384' where every note writes '16,384'."""
    out = run("compare", "h100-sxm@16384", "-w", "llama3-405b").stdout
    assert "h100-sxm@16384  16,384 " in out
    from tco.render import count_text

    assert [count_text(n) for n in (None, 8, 1024, 131072)] == ["—", "8", "1,024", "131,072"]


def test_size_says_which_figures_an_unpriced_part_leaves_blank_not_that_it_is_unranked(run) -> None:
    """size ranks nothing, yet it noted 'l20 is not ranked' (the note compare gives); the row is still sized on
    the deadline, and its costs are blank."""
    r = run("size", "a100-80gb", "l20", "-w", "gpt3-1.3b", "--deadline-days", "200")
    assert r.exit_code == 0
    assert r.stderr == (
        "Note: l20: the figures that need l20.price_usd are left blank (it is unknown); give it with --set l20.price_usd=VALUE\n"
    )
    row = next(line for line in r.stdout.splitlines() if line.startswith("l20 "))
    assert "1 × l20 meets deadline_days = 200" in row and " — " in row
    compare = run("compare", "a100-80gb", "l20", "-w", "gpt3-1.3b")
    assert "Note: l20 is not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE" in compare.stderr
