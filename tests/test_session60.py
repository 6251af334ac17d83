"""Session 60: a sweep over a choice. ``tco sweep ... --vary workload.precision=bf16,fp8`` said 'is not a numeric
input', so a buyer asking what FP8 (or a tuned stack, or an Ethernet fabric) changes across a grid of costs of delay
ran the sweep once per value and pasted the files together. A path to a choice (an input that is not a number) is
now an axis of its listed values: the inputs are loaded anew for each combination of them, as ``--set PATH=VALUE``
would load them, and the numeric axes are swept under each; the choices vary slowest and each has a column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories import one_error


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _compare(run: Any, *args: str) -> dict[str, Any]:
    result = run("compare", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {r["option"]: r for r in json.loads(result.stdout)["results"]}


def test_a_choice_axis_gives_each_value_the_figures_compare_gives_with_that_set(run) -> None:
    result = run("sweep", "a100-80gb", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.precision=bf16,fp8")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip().endswith("4 rows")
    rows = _rows(result.stdout)
    assert list(rows[0])[:4] == ["schema_version", "point", "workload.precision", "option"]
    assert [(r["point"], r["workload.precision"], r["option"]) for r in rows] == [
        ("0", "bf16", "a100-80gb"),
        ("0", "bf16", "h100-sxm"),
        ("1", "fp8", "a100-80gb"),
        ("1", "fp8", "h100-sxm"),
    ]
    for value in ("bf16", "fp8"):
        expected = _compare(run, "a100-80gb", "h100-sxm", "-w", "llama3-8b", "--set", f"workload.precision={value}")
        for row in (r for r in rows if r["workload.precision"] == value):
            want = expected[row["option"]]
            for column in ("tokens_per_second_per_accelerator", "time_to_market_days", "job_cost_usd", "effective_cost_usd"):
                assert float(row[column]) == pytest.approx(want[column], rel=1e-12), (value, row["option"], column)
    # FP8 speeds up the H100 (it has an FP8 peak) and not the A100 (it has none: it runs at 16 bits)
    by = {(r["workload.precision"], r["option"]): float(r["tokens_per_second_per_accelerator"]) for r in rows}
    assert by[("fp8", "h100-sxm")] > 1.3 * by[("bf16", "h100-sxm")]
    assert by[("fp8", "a100-80gb")] == by[("bf16", "a100-80gb")]


def test_choices_vary_slowest_and_numbers_are_swept_under_each(run) -> None:
    result = run(
        "sweep",
        "h100-sxm",
        "-w",
        "llama3-8b",
        "--vary",
        "scenario.cost_of_delay_usd_per_day=0:2000:3",
        "--vary",
        "workload.tuning=typical,tuned",
        "--vary",
        "scenario.fabric=infiniband,ethernet",
    )
    assert result.exit_code == 0, result.stderr
    rows = _rows(result.stdout)
    # the choices' columns first (in the order given), then the numeric axis'
    assert list(rows[0])[1:5] == ["point", "workload.tuning", "scenario.fabric", "scenario.cost_of_delay_usd_per_day"]
    assert len(rows) == 2 * 2 * 3
    assert [r["point"] for r in rows] == [str(i) for i in range(12)]
    assert [(r["workload.tuning"], r["scenario.fabric"]) for r in rows[::3]] == [
        ("typical", "infiniband"),
        ("typical", "ethernet"),
        ("tuned", "infiniband"),
        ("tuned", "ethernet"),
    ]
    assert [r["scenario.cost_of_delay_usd_per_day"] for r in rows[:3]] == ["0", "1000", "2000"]
    # an Ethernet fabric costs $1,550 a device a tier against InfiniBand's $2,123 (docs/cost-model.md): 1,024 H100s
    # over two tiers buy 2 × 573 × 1,024 = $1,173,504 less; throughput does not move with the fabric's price
    ib, eth = rows[0], rows[3]
    assert float(ib["capex_usd"]) - float(eth["capex_usd"]) == pytest.approx(2 * (2123 - 1550) * 1024, rel=1e-12)
    assert ib["tokens_per_second_per_accelerator"] == eth["tokens_per_second_per_accelerator"]
    # a tuned stack reaches the market sooner
    assert float(rows[6]["time_to_market_days"]) < float(rows[0]["time_to_market_days"])


def test_a_choice_value_is_checked_as_set_checks_it_before_any_row(run) -> None:
    base = ["sweep", "a100-80gb", "h100-sxm", "-w", "llama3-8b"]
    cases = {
        "workload.precision=bf16,fp9": "Error: --vary: workload.precision: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 'fp9'",
        "workload.precision=bf16,,fp8": (
            "Error: --vary: workload.precision: expected a value between each pair of commas (PATH=v1,v2,...), got 'bf16,,fp8'"
        ),
        "workload.precision=": "Error: --vary: workload.precision: expected a value between each pair of commas (PATH=v1,v2,...), got ''",
        "workload.precision=fp8,bf16,fp8": "Error: --vary: workload.precision: 'fp8' is listed twice: give each value once",
        "workload.precision=fp4,bf16": (
            "Error: --vary: workload.precision: fp4 is modelled for serving only (4-bit training recipes are not): use fp8 or bf16"
        ),
    }
    for vary, expected in cases.items():
        assert one_error(run(*base, "--vary", vary)) == expected, vary
    line = one_error(run(*base, "--vary", "workload.precision=bf16,fp8", "--set", "workload.precision=fp8"))
    assert line == "Error: --vary: workload.precision is both varied and set with --set: give it once"
    line = one_error(run(*base, "--vary", "workload.precision=bf16,fp8", "--vary", "workload.precision=fp16"))
    assert line == "Error: --vary: workload.precision: given twice: give it once"
    # a table is no choice: no value typed between commas is one
    assert one_error(run(*base, "--vary", "scenario.porting=a,b")) == "Error: --vary: scenario.porting: is not a numeric input"


def test_too_many_combinations_of_choices_are_refused(run) -> None:
    base = [
        "sweep",
        "h100-sxm",
        "-w",
        "llama3-8b",
        "--vary",
        "workload.tuning=typical,tuned",
        "--vary",
        "scenario.fabric=infiniband,ethernet",
    ]
    line = one_error(
        run(*base, "--vary", "workload.precision=bf16,fp8,fp16,int8", "--vary", "workload.layout.recompute=none,selective,full,selective ")
    )
    assert line.startswith("Error: --vary: workload.layout.recompute: 'selective' is listed twice")
    line = one_error(run(*base[:4], "--vary", "workload.precision=bf16,fp8,fp16,int8,fp4", *base[4:], "--vary", "h100-sxm.name=a,b,c,d"))
    assert line == (
        "Error: --vary: workload.precision: at most 64 combinations of swept choices (each loads and plans the inputs anew), "
        "got 80 (5 workload.precision × 2 workload.tuning × 2 scenario.fabric × 4 h100-sxm.name)"
    )


def test_an_option_that_cannot_run_under_a_value_is_named_with_it(run, tmp_path: Path) -> None:
    path = tmp_path / "c8.toml"
    path.write_text('extends = "chat-70b"\nid = "chat-70b-fp8"\nprecision = "fp8"\n', encoding="utf-8")
    # 70B parameters in FP8 fit one H100's 80 GB; in BF16 they need two
    assert run("compare", "h100-sxm@1", "-w", str(path)).exit_code == 0
    line = one_error(run("sweep", "h100-sxm@1", "a100-80gb", "-w", str(path), "--vary", "workload.precision=fp8,bf16"))
    assert line == (
        "Error: --vary: h100-sxm@1 cannot run with workload.precision=bf16: h100-sxm cannot serve chat-70b-fp8: the weights "
        "and one sequence do not fit on a replica of 1 (the smallest replica that holds them is 2: h100-sxm@2); list only "
        "values every option runs with, or leave h100-sxm@1 out"
    )


def test_a_text_choice_is_safe_in_a_spreadsheet_and_the_json_records_the_axes(run) -> None:
    result = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "h100-sxm.name=plain,=1+2")
    assert result.exit_code == 0, result.stderr
    assert [r["h100-sxm.name"] for r in _rows(result.stdout)] == ["plain", "'=1+2"]
    result = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.precision=bf16,fp8", "-f", "json")
    data = json.loads(result.stdout)
    assert data["inputs"]["vary"] == ["workload.precision=bf16,fp8"]
    assert [r["workload.precision"] for r in data["results"]] == ["bf16", "fp8"]
    lines = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "workload.precision=bf16,fp8", "-f", "jsonl").stdout.splitlines()
    assert [json.loads(line)["workload.precision"] for line in lines] == ["bf16", "fp8"]


def test_the_python_sweep_takes_a_choice_for_inputs_it_loaded() -> None:
    import tco

    inputs = tco.load_inputs(["a100-80gb", "h100-sxm@64"], workload="llama3-8b")
    assert inputs.recipe is not None and inputs.recipe.accelerators == ("a100-80gb", "h100-sxm@64")
    warned: list[str] = []
    run = tco.sweep(inputs, ["workload.tuning=typical,tuned"], warnings=warned)
    assert run.columns[:3] == ["point", "workload.tuning", "option"] and run.total_rows == 4
    rows = list(run.results)
    assert [(r["point"], r["workload.tuning"], r["option"]) for r in rows] == [
        (0, "typical", "a100-80gb"),
        (0, "typical", "h100-sxm@64"),
        (1, "tuned", "a100-80gb"),
        (1, "tuned", "h100-sxm@64"),
    ]
    tuned = tco.compare(tco.load_inputs(["a100-80gb", "h100-sxm@64"], workload="llama3-8b", sets=["workload.tuning=tuned"]))
    want = {r.option: r.time_to_market_days for r in tuned.results}
    assert rows[3]["time_to_market_days"] == pytest.approx(want["h100-sxm@64"], rel=1e-12)
    assert warned == []
    # inputs built by hand have no record of how to load them anew
    by_hand = tco.Inputs(inputs.options, inputs.workload, inputs.scenario)
    with pytest.raises(tco.TcoError, match="sweeping a choice loads the inputs anew for each value"):
        tco.sweep(by_hand, ["workload.tuning=typical,tuned"])
    with pytest.raises(tco.TcoError, match="expected None or a Recipe"):
        tco.Inputs(inputs.options, inputs.workload, inputs.scenario, recipe="llama3-8b")  # type: ignore[arg-type]


def test_a_sweep_chart_over_a_choice_puts_its_values_on_the_axis(run, tmp_path: Path) -> None:
    """``tco plot sweep ... --vary workload.precision=bf16,fp8`` ended in an internal error (the chart read the
    values as numbers): a choice's values are the axis' categories, in the order listed."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.svg"
    result = run("plot", "sweep", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--vary", "workload.precision=fp8,bf16", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert ">fp8<" in svg and ">bf16<" in svg and svg.index(">fp8<") < svg.index(">bf16<")  # (the ticks, left to right)


def test_choices_share_the_plan_budget_with_the_options(run) -> None:
    """Each combination of swept choices plans every option anew (about 0.1 s for an MoE job): 3 options × 64
    combinations on DeepSeek-V3 are 192 plans, past the 2,048 ÷ 16 = 128 an MoE job's call may make."""
    args = ["sweep", "h100-sxm", "b200", "h200", "-w", "deepseek-v3", "--vary", "workload.tuning=typical,tuned"]
    args += [
        "--vary",
        "scenario.fabric=infiniband,ethernet",
        "--vary",
        "workload.precision=bf16,fp8,fp16,int8",
        "--vary",
        "h100-sxm.name=a,b,c,d",
    ]
    assert one_error(run(*args)) == (
        "Error: --vary: workload.tuning: 3 options are planned anew for each of 64 combinations of swept choices: at most 128 "
        "plans (options × combinations; an MoE job's plan costs about 16× a dense one's); list fewer values or options"
    )


def test_a_choice_nothing_reads_is_warned_of_once_for_the_axis(run) -> None:
    """With a measured MFU (final: no step model runs) the tuning level is read by nothing: the sweep warns once for
    its axis, not once more for each value's load."""
    result = run("sweep", "h100-sxm", "-w", "llama3-8b", "--set", "workload.mfu=0.4", "--vary", "workload.tuning=typical,tuned")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "Warning: --vary workload.tuning=typical,tuned: no option reads it (a measured MFU is final: no step model runs to "
        "read workload.tuning)",
        "2 rows",
    ]
    rows = _rows(result.stdout)
    assert rows[0]["tokens_per_second_per_accelerator"] == rows[1]["tokens_per_second_per_accelerator"]


def test_a_value_that_fails_the_run_is_named_with_the_sweep(run) -> None:
    """A value under which every option is barred (an H100 in China) failed as compare fails, naming no --vary; a
    layout choice that does not fit was blamed on a --set nobody gave. Both now name --vary and the value."""
    line = one_error(run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.market=global,cn"))
    assert line.startswith("Error: --vary: with scenario.market=cn: h100-sxm: availability.cn: h100-sxm cannot be bought in market 'cn'")
    line = one_error(run("sweep", "mlu370-s4", "-w", "deepseek-v3", "--vary", "workload.layout.recompute=selective,none"))
    assert line.startswith("Error: --vary: workload.layout.recompute: activations of one 4,096-token sequence")
    # an option barred beside one that is not is a row, as in a numeric sweep
    result = run("sweep", "h100-sxm", "br100", "-w", "llama3-8b", "--vary", "scenario.market=global,cn")
    assert result.exit_code == 0, result.stderr
    rows = {(r["scenario.market"], r["option"]): r for r in _rows(result.stdout)}
    assert rows[("cn", "h100-sxm")]["status"] == "infeasible" and rows[("global", "h100-sxm")]["status"] == "ranked"
    assert rows[("cn", "br100")]["status"] == "ranked"


def test_compare_reports_the_layout_it_chose_as_estimate_does(run) -> None:
    """Issue 8 asks for the chosen layout in JSON; ``tco estimate`` had it as a record, ``compare`` only in a note's
    text (which its stderr note even parsed back with a pattern). Every result now has ``layout`` (None where no
    layout model sets the rate: a measured run, a given MFU, serving), and CSV spreads it over ``layout.*`` columns
    after the others, as estimate's CSV does."""
    data = json.loads(run("compare", "h100-sxm@16384", "-w", "llama3-405b", "-f", "json").stdout)
    layout = data["results"][0]["layout"]
    # 16,384 = TP 8 × PP 8 × DP 256; the step runs whole 8,192-token sequences: ⌊16e6 / 8,192⌋ = 1,953 of them
    assert (layout["tensor_parallel"], layout["pipeline_parallel"], layout["data_parallel"]) == (8, 8, 256)
    assert layout["global_batch_tokens"] == 1953 * 8192 and layout["idle_accelerators"] == 0
    # the keys, in the order, of tco estimate's layout for the same job
    flags = ["--params", "405e9", "--seq-len", "8192", "--count", "16384", "--global-batch", "16e6", "--tuning", "tuned"]
    estimated = json.loads(run("estimate", "h100-sxm", *flags, "-f", "json").stdout)["results"][0]["layout"]
    assert list(layout) == list(estimated) and len(layout) == 12
    note = next(n for n in data["results"][0]["notes"] if n.startswith("layout: "))
    assert note.startswith("layout: TP 8 × PP 8 × DP 256, recompute full")
    text = run("compare", "a100-80gb", "h100-sxm", "-w", "gpt3-1.3b", "-f", "csv").stdout
    header = text.splitlines()[0].split(",")
    # (the fields added since come after the layout.* columns: CSV columns are only ever appended)
    late = ["claimed_relative_training_performance_low", "claimed_relative_training_performance_high"]
    assert header[-15:] == ["cost_per_owned_accelerator_hour_usd", *(f"layout.{k}" for k in layout), *late]
    rows = {r["option"]: r for r in _rows(text)}
    assert rows["a100-80gb"]["layout.data_parallel"] == ""  # (the A100's rate is the article's measurement)
    assert (rows["h100-sxm"]["layout.tensor_parallel"], rows["h100-sxm"]["layout.data_parallel"]) == ("1", "8")
    served = json.loads(run("compare", "h100-sxm", "-w", "chat-70b", "-f", "json").stdout)["results"][0]
    assert served["layout"] is None and served["replica_accelerators"] is not None
    given = json.loads(run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.mfu=0.4", "-f", "json").stdout)
    assert given["results"][0]["layout"] is None


def test_a_sweep_workbook_says_how_many_rows_it_holds(run, tmp_path: Path) -> None:
    """(Round 90, left: ``sweep -o x.xlsx`` said nothing of its rows where csv, json and jsonl say "N rows".)"""
    pytest.importorskip("openpyxl")
    result = run("sweep", "a100-80gb", "-w", "llama3-8b", "--vary", "workload.precision=bf16,fp8", "-o", str(tmp_path / "s.xlsx"))
    assert result.exit_code == 0 and result.stderr.splitlines()[-1] == "2 rows"


def test_a_break_even_or_what_if_over_a_choice_points_to_the_sweep(run) -> None:
    """A break-even solves for a number; over a choice it is refused, and now says where a choice's values are compared.
    A table (``scenario.porting``) is refused without the pointer: a sweep does not take one either."""
    import tco

    line = one_error(run("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--param", "workload.tuning"))
    assert line == (
        "Error: --param: workload.tuning: is not a numeric input (to compare its values, sweep them: tco sweep ... "
        "--vary workload.tuning=A,B)"
    )
    line = one_error(run("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--param", "scenario.porting"))
    assert line == "Error: --param: scenario.porting: is not a numeric input"
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    hint = r"is not a numeric input \(to compare its values, sweep them: tco\.sweep\(inputs, \['scenario\.fabric=A,B'\]\)\)$"
    with pytest.raises(tco.TcoError, match=hint):
        tco.what_if(inputs, {"scenario.fabric": [1.0, 2.0]})


def test_strict_refuses_a_value_under_which_an_option_lacks_an_input(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """No shipped part lacks an input under one precision and not another (a missing 8-bit peak falls back to the
    16-bit one), so the loaded inputs of the FP8 value are made to lack one: ``strict`` refuses that value, naming it;
    without ``strict`` the sweep runs (its rows say ``incomplete`` where a figure needs the input)."""
    import tco
    from tco import api

    real = api.missing_inputs

    def lacking_under_fp8(inputs: Any) -> dict[str, list[str]]:
        found = real(inputs)
        return {**found, "h100-sxm": ["h100-sxm.price_usd"]} if inputs.workload.precision.value == "fp8" else found

    monkeypatch.setattr(api, "missing_inputs", lacking_under_fp8)
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    with pytest.raises(tco.InputError) as exc:
        tco.sweep(inputs, ["workload.precision=bf16,fp8"], strict=True)
    assert str(exc.value) == (
        "vary: with workload.precision=fp8, h100-sxm needs h100-sxm.price_usd, which is unknown (strict); "
        "give it with tco.load_inputs(..., sets=['h100-sxm.price_usd=VALUE'])"
    )
    assert tco.sweep(inputs, ["workload.precision=bf16,fp8"]).total_rows == 2
    line = one_error(run("sweep", "h100-sxm", "-w", "llama3-8b", "--strict", "--vary", "workload.precision=bf16,fp8"))
    assert line == (
        "Error: --vary: with workload.precision=fp8, h100-sxm needs h100-sxm.price_usd, which is unknown (--strict); "
        "give it with --set h100-sxm.price_usd=VALUE"
    )
