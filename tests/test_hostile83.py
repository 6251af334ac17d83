"""Hostile round 83 (serving workloads' request lengths and latency targets, analyses of inputs that hold only
together, the tornado of a pair): a request length's range past the context was accepted and its held-range note
silently dropped; a latency percentile without a time-per-output-token target was silently ignored; a sweep or
what-if of a prompt and an output that fit the context only together was refused as if the other were not varied;
``sensitivity --vs`` listed inputs that move both options alike with a "swing" of float rounding ($4.7e-10). Each is
fixed and tested here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tco
from tests.factories import one_error

ROOT = Path(__file__).parents[1]

SERVICE = """id = "svc"
name = "A 7B service"
kind = "inference"
parameters = 7e9
precision = "bf16"
seq_len = 4096
tokens_per_day = 1e9
service_life_years = 3
"""

PERCENTILE = (
    "latency_percentile: it is the share of requests the time_per_output_token_ms target holds for, and no target is "
    "given: give time_per_output_token_ms too, or leave latency_percentile out"
)


def _service(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "svc.toml"
    path.write_text(SERVICE + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (
            "prompt_tokens = { value = 1000, low = 500, high = 5000 }\noutput_tokens = 500\n",
            "prompt_tokens: a request of 5000 (its high) + 500 tokens exceeds seq_len = 4096, the context it must fit in",
        ),
        (
            "prompt_tokens = { value = 1000, low = 500, high = 3000 }\n",
            "prompt_tokens: a request of 3000 (its high) + 2048 tokens (output_tokens by default seq_len / 2) exceeds "
            "seq_len = 4096, the context it must fit in",
        ),
        (
            "prompt_tokens = 1000\noutput_tokens = { value = 1000, high = 3500 }\n",
            "output_tokens: a request of 3500 (its high) + 1000 tokens exceeds seq_len = 4096, the context it must fit in",
        ),
    ],
)
def test_a_request_lengths_range_past_the_context_is_refused(run, tmp_path: Path, extra: str, said: str) -> None:
    """1: prompt_tokens = {value = 1000, high = 5000} with seq_len = 4096 was accepted (only the value was held to the
    context), and sensitivity, which notes a range it holds, silently left out the note for this one: its high end
    could not be planned. Each end is now held to the context, with the other length at its value, as the value is."""
    path = _service(tmp_path, extra)
    for command in ("compare", "sensitivity"):
        result = run(command, "h100-sxm", "-w", str(path))
        assert (result.exit_code, one_error(result)) == (1, f"Error: {path}: {said}")


def test_a_request_lengths_range_within_the_context_is_noted_as_held(run, tmp_path: Path) -> None:
    """Pinned beside 1: a range that fits is held by sensitivity and said so, as before."""
    path = _service(tmp_path, "prompt_tokens = { value = 1000, low = 500, high = 2000 }\noutput_tokens = 500\n")
    result = run("sensitivity", "h100-sxm", "-w", str(path))
    assert result.exit_code == 0 and result.stderr.startswith(
        "Note: workload.prompt_tokens has a range that changes only the plan (layout, batch or memory fit): not swung"
    )


def test_a_latency_percentile_without_a_target_is_refused(run, tmp_path: Path) -> None:
    """2: latency_percentile = 99 without time_per_output_token_ms was accepted and dropped (the percentile is the
    share of requests the TPOT target holds for: with no target it changes nothing), where a request length or a
    target given without a value, or a load imbalance on a dense model, is refused for that reason. It is refused in a
    file, by --set, and by estimate's --percentile without --tpot-ms; with a target it runs as before."""
    path = _service(tmp_path, "latency_percentile = 99\n")
    result = run("compare", "h100-sxm", "-w", str(path))
    assert (result.exit_code, one_error(result)) == (1, f"Error: {path}: {PERCENTILE}")
    result = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.latency_percentile=99")
    assert (result.exit_code, one_error(result)) == (1, f"Error: --set: workload.{PERCENTILE}")
    result = run("estimate", "h100-sxm", "--params", "7B", "--mode", "infer", "--percentile", "99")
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: --percentile: it is the share of requests the --tpot-ms target holds for, and no target is given: give "
        "--tpot-ms too, or leave --percentile out",
    )
    with pytest.raises(tco.TcoError) as caught:
        tco.estimate("h100-sxm", parameters=7e9, mode="infer", latency_percentile=99)
    assert str(caught.value) == PERCENTILE
    with_target = ("--set", "workload.latency_percentile=99", "--set", "workload.time_per_output_token_ms=50")
    assert run("compare", "h100-sxm", "-w", "chat-70b", *with_target).exit_code == 0
    assert run("estimate", "h100-sxm", "--params", "7B", "--mode", "infer", "--percentile", "99", "--tpot-ms", "50").exit_code == 0


def test_a_sweep_of_values_that_hold_only_together_runs(run) -> None:
    """3: `tco sweep h100-sxm -w chat-70b --vary workload.prompt_tokens=3000 --vary workload.output_tokens=1000` said
    'prompt_tokens: 3000 is not allowed: a request of 3000 + 2048 tokens (output_tokens by default seq_len / 2) ...;
    give output_tokens too', which the sweep gives: each axis was checked against the file's other values, and planned
    one input at a time. A value is now checked with the other axes' values (--set of both runs, so the sweep does),
    and each combination is planned with all of its values; a combination that fails is still refused before the first
    row, naming the value that fails."""
    result = run(
        "sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.prompt_tokens=3000,1000", "--vary", "workload.output_tokens=1000"
    )
    assert result.exit_code == 0 and result.stderr == "2 rows\n"
    assert [line.split(",")[2:4] for line in result.stdout.splitlines()[1:]] == [["3000", "1000"], ["1000", "1000"]]
    compared = run(
        "compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.prompt_tokens=3000", "--set", "workload.output_tokens=1000", "-f", "csv"
    )
    header, row = compared.stdout.splitlines()[:2]
    cost = dict(zip(header.split(","), row.split(","), strict=False))["effective_cost_usd"]
    assert result.stdout.splitlines()[1].split(",")[14] == cost
    result = run(
        "sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.prompt_tokens=3000", "--vary", "workload.output_tokens=1000,2000"
    )
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: --vary: workload.output_tokens: 2000 is not allowed: prompt_tokens: a request of 3000 + 2000 tokens exceeds "
        "seq_len = 4096, the context it must fit in",
    )


def test_a_sweep_of_a_target_and_its_percentile_runs(run) -> None:
    """3, with 2: varying the TPOT target and its percentile together runs (the percentile alone names the target)."""
    args = ["sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.time_per_output_token_ms=20,50"]
    result = run(*args, "--vary", "workload.latency_percentile=90,99")
    assert result.exit_code == 0 and result.stderr == "4 rows\n"
    result = run("sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.latency_percentile=90,99")
    assert (result.exit_code, one_error(result)) == (
        1,
        f"Error: --vary: workload.latency_percentile: 90 is not allowed: {PERCENTILE[20:]}",
    )


def test_what_if_of_values_that_hold_only_together_runs() -> None:
    """3, in the Python API: tco.what_if checks each path's values with the others' too."""
    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b")
    result = tco.what_if(inputs, {"workload.prompt_tokens": [3000, 1000], "workload.output_tokens": [1000, 1000]})
    assert [len(r.effective_cost_usd) for r in result.results] == [2]
    with pytest.raises(tco.InputError) as caught:
        tco.what_if(inputs, {"workload.prompt_tokens": [3000, 1000], "workload.output_tokens": [2000, 1000]})
    assert str(caught.value) == (
        "what_if: workload.output_tokens: 2000 is not allowed: prompt_tokens: a request of 3000 + 2000 tokens exceeds "
        "seq_len = 4096, the context it must fit in"
    )


@pytest.mark.parametrize(("first", "vs"), [("h100-sxm@4", "h100-sxm@4:rent=2.1"), ("h100-sxm", "h100-sxm@8")])
def test_a_tornado_of_a_pair_lists_no_swing_of_rounding(run, first: str, vs: str) -> None:
    """4: `tco sensitivity h100-sxm@4 -w chat-70b --vs h100-sxm@4:rent=2.1` listed scenario.carbon_usd_per_tonne with
    both options swinging $45,263 and their difference swinging "$4.7e-10": the rounding of two costs near $1M, not a
    swing. A difference swing within 1e-12 of the differences is 0, so the row is left out as an input that moves
    neither against the other is."""
    result = run("sensitivity", first, "-w", "chat-70b", "--vs", vs, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    swings = [float(r.split(",")[header.split(",").index("difference_swing_usd")]) for r in rows]
    assert swings and min(swings) > 1.0
    table = run("sensitivity", first, "-w", "chat-70b", "--vs", vs).stdout
    assert not re.search(r"\$[0-9.]+e-[0-9]+", table), table


@pytest.mark.parametrize(
    ("param", "ends"),
    [("workload.active_parameters", "[2.09688e+10, 3.7e+11]"), ("workload.parameters", "[6.71e+10, 1.184e+12]")],
)
def test_a_break_even_of_an_moe_count_searches_a_default_range_the_workload_holds(run, param: str, ends: str) -> None:
    """5: `tco breakeven h100-sxm mi300x -w deepseek-v3 --param workload.parameters` said '--param: workload.parameters:
    6.71e+12 is not allowed: active_parameters: with 8 of 256 experts per token at least that share ...': the default
    range (÷10 to ×10 of the value) ran past the MoE split, a value the user never gave. The default range is kept where
    the workload is valid (the active count at least its share of the total and below it), as the tornado keeps its
    default swing; a --range given is still the user's, refused as before."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "deepseek-v3", "--param", param, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert f"no tie for {param} in {ends}: " in result.stdout
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "deepseek-v3", "--param", param, "--range", "1e9:1e13")
    assert result.exit_code == 1 and one_error(result).startswith(f"Error: --range: {param}: ")


def test_a_sweep_chart_of_options_that_lack_an_input_names_it(run, tmp_path: Path) -> None:
    """6: `tco plot sweep l20 -w llama3-405b --vary scenario.pue=1:2:3 -o s.svg` said only 'nothing to draw: no option
    has a known effective_cost_usd at any point', where the sweep's rows say 'incomplete: lacks l20.price_usd' and the
    scatter chart names the input and the --set that gives it. The sweep chart now names them too; nothing is written."""
    target = tmp_path / "s.svg"
    pytest.importorskip("matplotlib")
    result = run("plot", "sweep", "l20", "-w", "llama3-405b", "--vary", "scenario.pue=1:2:3", "-o", str(target))
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: plot: nothing to draw: no option has a known effective_cost_usd at any point (within ±1e300) (l20 needs "
        "l20.price_usd, which is unknown; give it with --set l20.price_usd=VALUE)",
    )
    assert not target.exists()


@pytest.mark.parametrize("order", ["range first", "value first"])
def test_a_quantitys_range_set_apart_is_kept_whichever_comes_first(run, order: str) -> None:
    """7: `--set scenario.pue.high=2 --set scenario.pue=1.3` dropped the high: the number written over the quantity
    replaced the table the first --set had written into, so the tornado swung the default ±20% (1.04 to 1.56), while the
    same two --set the other way round swung 1.04 to 2; a high below the value was accepted in the one order and refused
    in the other. A range or source set apart now applies after the values, in either order."""
    sets = ["--set", "scenario.pue.high=2", "--set", "scenario.pue=1.3"]
    if order == "value first":
        sets = sets[2:] + sets[:2]
    result = run("sensitivity", "h100-sxm", "-w", "chat-70b", *sets, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    (row,) = [line.split(",") for line in result.stdout.splitlines() if ",scenario.pue," in line]
    assert row[2:5] == ["1.04", "2", "1.3"]
    bad = ["--set", "scenario.pue.high=1.2", "--set", "scenario.pue=1.3"]
    result = run("compare", "h100-sxm", "-w", "chat-70b", *(bad if order == "range first" else bad[2:] + bad[:2]))
    assert (result.exit_code, one_error(result)) == (1, "Error: --set: scenario.pue: value 1.3 is above high 1.2")


def test_workloads_show_names_a_stage_as_set_selects_it(run) -> None:
    """8: `tco workloads show deepseek-v3` listed 'stages[0].tokens', a path --set refuses ("no stages entry for '0':
    give stages[long-context] (stages are named, not numbered)") and the tornado never prints (it swings
    'workload.stages[long-context].tokens'). A stage is now shown by its name, as a measurement is by its workload, in
    every format."""
    for fmt, key in (
        ("table", "stages[long-context].tokens "),
        ("csv", "1,stages[long-context].tokens,"),
        ("markdown", "stages\\[long-context\\].tokens"),
    ):
        result = run("workloads", "show", "deepseek-v3", "-f", fmt)
        assert result.exit_code == 0 and key in result.stdout and "stages[0]" not in result.stdout.replace("\\", "")
    shown = "workload.stages[long-context].tokens"
    assert run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", f"{shown}=2e10").exit_code == 0
