"""Hostile round 67 (paths of --set, --vary, --param and the API's overrides, ...): each defect fixed, with a test."""

from __future__ import annotations

import pytest

import tco


@pytest.mark.parametrize("path", ["scenario.pue]", "scenario.[pue]", "scenario.p]ue"])
def test_a_stray_bracket_in_a_varied_path_is_refused_not_read_as_another_input(run, path: str) -> None:
    """1: 'tco sweep --vary scenario.pue]=1.1,1.2' ran, with a column 'scenario.pue]', and every row at the
    scenario's own PUE (the bracket was dropped to find the field, kept to name the value, which nothing read):
    a sweep of identical rows, labelled as if the PUE moved. --set, --param and what_if did the same. The path
    is now refused, naming the flag and the path."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", f"{path}=1.1,1.2", "-f", "csv")
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == f"Error: --vary: {path}: expected dotted field names (an entry as name[LABEL]), got a stray '[' or ']'"
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"{path}=1.3")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith(f"Error: --set: {path}: expected dotted field names")
    r = run("breakeven", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "--param", path)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith(f"Error: --param: {path}: expected dotted field names")
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError, match="stray"):
        tco.what_if(inputs, {path: [1.1, 1.5]})


def test_the_same_path_without_the_bracket_still_moves_the_figures(run) -> None:
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1,1.5", "-f", "csv")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    header = lines[0].split(",")
    col = header.index("effective_cost_usd")
    assert float(lines[1].split(",")[col]) < float(lines[2].split(",")[col])


@pytest.mark.parametrize("path", ["", ".", "[]", "a.", "[x"])
@pytest.mark.parametrize(
    "load",
    [
        lambda o: tco.load_scenario(overrides=o),
        lambda o: tco.load_workload("gpt3-1.3b", overrides=o),
        lambda o: tco.load_accelerator("a100-80gb", overrides=o),
    ],
)
def test_an_empty_override_path_is_an_input_error(load, path: str) -> None:
    """2: tco.load_scenario(overrides=[("", 1)]) (and load_workload, load_accelerator; '.' or '[]' too) raised
    IndexError from deep in the loader, and 'tco compare ... --set scenario.[]=1' was an internal error (exit 3).
    Now an InputError naming the path."""
    with pytest.raises(tco.InputError, match="expected dotted field names"):
        load([(path, 1)])


def test_an_empty_set_path_in_brackets_is_a_user_error(run) -> None:
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.[]=1")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == "Error: --set: scenario.[]: expected dotted field names, got an empty one"


def test_a_serving_estimate_on_a_part_with_almost_no_bandwidth_is_an_input_error(run) -> None:
    """3: 'tco estimate a100-80gb --params 7B --mode infer --set a100-80gb.memory_bandwidth_gbps=1e-300' was an
    internal error (OverflowError: cannot convert float infinity to integer): comparing two replicas' fleets divided
    the demand by a rate of ~1e-300 tokens/s. The fleet is now infinite there and the run ends on the error compare
    gives for the same inputs, naming the --set."""
    r = run("estimate", "a100-80gb", "--params", "7B", "--mode", "infer", "--set", "a100-80gb.memory_bandwidth_gbps=1e-300")
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.startswith("Error: --set: a100-80gb.memory_bandwidth_gbps: ")
    assert len(r.stderr.strip().splitlines()) == 1
    with pytest.raises(tco.TcoError):
        tco.estimate("a100-80gb", parameters=7e9, mode="infer", sets=["a100-80gb.memory_bandwidth_gbps=1e-300"])


def test_fleet_size_of_a_vanishing_rate_is_infinite() -> None:
    from tco.serving import fleet_size

    assert fleet_size(1e6, 1e-320, 8) == float("inf")
    assert fleet_size(1e6, 0.0, 8) == float("inf")
    assert fleet_size(100.0, 10.0, 4) == 12


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("sweep", "a100-80gb", "-w", "deepseek-v3", "--vary", "workload.experts=1,256"),
            "Error: --vary: workload.experts: 1 is not allowed: experts_per_token: must not exceed experts (1), got 8",
        ),
        (
            ("breakeven", "a100-80gb", "h100-sxm", "-w", "deepseek-v3", "--param", "workload.experts", "--range", "1:4"),
            "Error: --range: workload.experts: 1 is not allowed: experts_per_token: must not exceed experts (1), got 8",
        ),
        (
            ("sweep", "a100-80gb", "-w", "chat-70b", "--set", "workload.prompt_tokens=10", "--vary", "workload.seq_len=8,16"),
            "Error: --vary: workload.seq_len: 8 is not allowed: prompt_tokens: 10 tokens exceed seq_len = 8, "
            "the context a request must fit in",
        ),
        (
            ("sweep", "a100-80gb", "-w", "deepseek-v3", "--vary", "workload.experts_per_token=1,300"),
            "Error: --vary: workload.experts_per_token: 300 is not allowed: must not exceed experts (256), got 300",
        ),
    ],
)
def test_a_varied_value_refused_by_a_check_across_fields_names_the_field_blamed(run, args: tuple[str, ...], line: str) -> None:
    """4: 'tco sweep ... -w deepseek-v3 --vary workload.experts=1,256' said 'workload.experts: 1 is not allowed: must
    not exceed experts (1), got 8': the check blames experts_per_token (8), but its name was dropped, so the line
    read as if experts (1) had to stay under experts. --set names that field; --vary and --range now do too (and
    keep the message as it was when the check blames the varied field itself)."""
    r = run(*args)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == line


def test_what_if_counts_the_values_it_is_given_not_the_paths_too() -> None:
    """5: tco.what_if(inputs, {"scenario.pue": [1.1] * 1_000_000}) was refused with '1,000,001 values, more than
    the 1,000,000 one call takes': the argument's count added the path to its values, so the documented limit
    (1,000,000 results of one call) could not be reached on one option, and every refusal overstated the count
    by the number of paths. The count is now the values; one past the limit is still refused, by its own count."""
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
    with pytest.raises(tco.InputError, match="^changes: 1,000,000 what-ifs × 2 options is more than 1,000,000 results"):
        tco.what_if(inputs, {"scenario.pue": [1.1] * 1_000_000})
    with pytest.raises(tco.InputError, match="^changes: 1,000,001 values, more than the 1,000,000 one call takes"):
        tco.what_if(inputs, {"scenario.pue": [1.1] * 1_000_001})
    with pytest.raises(tco.InputError, match="^changes: 1,000,002 values, more than"):
        tco.what_if(inputs, {"scenario.pue": [1.1] * 500_001, "scenario.utilization": [0.5] * 500_001})


@pytest.mark.parametrize("typed", ["1e-324", "-1e-400", "1_0e-999"])
def test_a_set_number_too_close_to_zero_for_a_float_says_so(run, typed: str) -> None:
    """6: '--set a100-80gb.price_usd=1e-324' said 'value must be a number > 0, got 0': the number typed is
    positive, but TOML reads it as 0.0 (below the smallest float), and the error showed the 0 as if typed. Now the
    --set says the value underflows; a typed 0 is still refused as 0, and 5e-324 by the 1e-300 floor."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", f"a100-80gb.price_usd={typed}")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == (
        f"Error: --set: a100-80gb.price_usd: {typed} is too close to 0 for a float (it reads as 0): "
        "give a number of at least 1e-300 in size"
    )
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd=0.0")
    assert r.exit_code == 1
    assert r.stderr.strip() == "Error: --set: a100-80gb.price_usd: expected more than 0, got 0"
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.storage_usd_per_accelerator=0e5")
    assert r.exit_code == 0, r.stderr
