"""Session 56: what a calibration row needs to be audited, and smaller fixes of this session."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tco.loader import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _first_serving_row(set_file: str) -> dict[str, object]:
    with open(ROOT / "profiles" / "serving" / set_file, "rb") as f:
        return dict(tomllib.load(f)["rows"][0])


def test_calibrate_csv_names_each_serving_rows_lengths_and_size(run) -> None:
    # A serving row is a (model, prompt, output, replica) cell of a published table: without its prompt and output
    # lengths two rows of the same model and replica cannot be told apart, nor checked against the source.
    res = run("calibrate", "-f", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    serving = [r for r in rows if r["kind"] == "serving"]
    training = [r for r in rows if r["kind"] == "training"]
    assert serving and training
    # the set's first row, as its file publishes it
    first = _first_serving_row("gaudi-intel-serving.toml")
    mine = [r for r in serving if r["set_id"] == "gaudi-intel-serving"][0]
    assert float(mine["input_tokens"]) == float(first["input_tokens"])  # type: ignore[arg-type]
    assert float(mine["output_tokens"]) == float(first["output_tokens"])  # type: ignore[arg-type]
    assert float(mine["parameters"]) == float(first["parameters"])  # type: ignore[arg-type]
    # every serving row has them; training rows leave them empty (their length is seq_len)
    assert all(float(r["input_tokens"]) >= 1 and float(r["output_tokens"]) >= 1 for r in serving)
    assert all(r["input_tokens"] == "" and r["output_tokens"] == "" for r in training)


def test_calibrate_table_shows_in_out_tokens_with_grouped_counts(run) -> None:
    res = run("calibrate")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("split") and "in/out tokens" in line)
    # the gaudi-intel-serving rows come first: 128/128, 128/2,048, 2,048/128, 2,048/2,048 (the file's order)
    first_four = [line for line in lines[head + 2 : head + 6]]
    assert ["128/128" in first_four[0], "128/2,048" in first_four[1], "2,048/128" in first_four[2]] == [True] * 3
    assert "2,048/2,048" in first_four[3]
    # replica and batch are grouped as every other count in the tables is ("1,166", not "1166")
    body = []
    for line in lines[head + 2 :]:
        if not line.strip():
            break
        body.append(line.split())
    assert len(body) > 400
    assert all(re.fullmatch(r"—|\d{1,3}(,\d{3})*", cells[-1]) for cells in body)
    assert any("," in cells[-1] for cells in body)  # (some batch is above 999)


@pytest.mark.parametrize(
    "command",
    [
        ["compare"],
        ["simulate", "--samples", "10"],
        ["sweep", "--vary", "scenario.pue=1:2:3"],
        ["size", "--deadline-days", "30"],
        ["sensitivity"],
    ],
)
@pytest.mark.parametrize("blank", ["", " "])
def test_a_blank_option_is_accels_error_in_one_voice(run, command: list[str], blank: str) -> None:
    # '' said "accelerator: missing accelerator id in ''" where ' ' said "ACCEL: expected an accelerator id or a
    # file path, got ' '": one refusal, in the loader's words, naming the argument
    res = run(command[0], blank, *command[1:], "-w", "gpt3-1.3b")
    assert res.exit_code == 1
    assert res.stderr == f"Error: ACCEL: expected an accelerator id or a file path, got '{blank}'\n"
    assert res.stdout == ""


@pytest.mark.parametrize("text", ["@4", ":rent", "@4:rent=2"])
def test_an_option_without_its_id_says_what_to_write(run, text: str) -> None:
    res = run("compare", text, "-w", "gpt3-1.3b")
    assert res.exit_code == 1
    assert res.stderr == (
        f"Error: accelerator: expected ID[@COUNT][:rent[=USD_PER_HOUR]|:buy] with an accelerator id before '@' or ':', got '{text}'\n"
    )


@pytest.mark.parametrize("blank", ["", " "])
def test_a_blank_option_in_the_api_is_the_loaders_refusal(blank: str) -> None:
    import tco

    with pytest.raises(tco.NotFoundError) as exc:
        tco.load_inputs([blank], workload="gpt3-1.3b")
    assert str(exc.value) == f"accelerators: expected an accelerator id or a file path, got '{blank}'"


def test_planner_refusals_group_their_counts(run) -> None:
    # 'a replica of 1000000000 × h100-sxm is 125000000 pipeline stages' beside messages that write 2,048-token
    # sequences: counts in the planner's refusals are grouped as every other count a message states
    r = run("estimate", "h100-sxm", "--params", "7e9", "--layers", "32", "--d-model", "4096", "--mode", "infer", "--replica", "1024")
    assert r.exit_code == 1
    # 1,024 on nodes of 8: 1,024 / 8 = 128 stages of 8, more than 32 layers, so at most 32 × 8 = 256 per replica
    assert "a replica of 1,024 × h100-sxm is 128 pipeline stages of 8, more than the model's 32 layers: give at most 256" in r.stderr
    r = run("estimate", "h100-sxm", "--params", "7e9", "--seq-len", "1000000000")
    assert r.exit_code == 1
    assert "activations of one 1,000,000,000-token sequence (" in r.stderr


def test_what_if_takes_numpy_arrays_as_the_lists_they_hold() -> None:
    import numpy as np

    import tco

    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    as_array = tco.what_if(inputs, {"scenario.pue": np.linspace(1.2, 1.5, 4)})
    as_list = tco.what_if(inputs, {"scenario.pue": [1.2, 1.3, 1.4, 1.5]})
    assert as_array.model_dump() == as_list.model_dump()
    # an array is checked as its list is: a table of values is no list of numbers, nor True a number
    with pytest.raises(tco.InputError, match=r"item 0: not a number"):
        tco.what_if(inputs, {"scenario.pue": np.array([[1.2, 1.5]])})
    with pytest.raises(tco.InputError, match=r"got True$"):
        tco.what_if(inputs, {"scenario.pue": np.array([True, False])})


def test_an_api_call_on_loaded_inputs_suggests_the_sets_of_the_load(run) -> None:
    # tco.cashflow(inputs) on a part without a price said "give it with --set l20.price_usd=VALUE", the command
    # line's words; the function takes no sets: the inputs are given them where they are loaded
    import tco

    inputs = tco.load_inputs(["a100-80gb", "l20"], workload="gpt3-1.3b")
    want = "give it with tco.load_inputs(..., sets=['l20.price_usd=VALUE'])"
    for call in (lambda: tco.cashflow(inputs), lambda: tco.breakeven(inputs, "a100-80gb", "l20")):
        with pytest.raises(tco.MissingInputError) as exc:
            call()
        assert str(exc.value).endswith(want), str(exc.value)
    # the command line keeps its own flag
    r = run("breakeven", "a100-80gb", "l20", "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and r.stderr.rstrip().endswith("give it with --set l20.price_usd=VALUE")
