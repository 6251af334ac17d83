"""Session 47's review: findings of earlier hostile rounds that were noted and left, each fixed with a test."""

from __future__ import annotations

import pytest

INFER = ("estimate", "h100-sxm", "--params", "70e9", "--mode", "infer")


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--ttft-ms", "nan", "expected a finite number, got NaN"),
        ("--ttft-ms", "inf", "expected a finite number (at most 1.8e308), got infinity"),
        ("--ttft-ms", "0", "expected more than 0, got 0"),
        ("--tpot-ms", "-1", "expected more than 0, got -1"),
        ("--prompt-tokens", "0", "expected at least 1 token, got 0"),
        ("--output-tokens", "nan", "expected a finite number, got NaN"),
        ("--percentile", "nan", "expected a finite number, got NaN"),
        ("--percentile", "100", "expected less than 100, got 100"),
        ("--percentile", "49", "expected at least 50, got 49"),
    ],
)
def test_a_serving_flag_out_of_range_is_an_input_error_like_every_other_number(run, flag, value, says) -> None:
    """``--ttft-ms nan`` exited 2 with click's 'Input should be greater than or equal to 0.001' (NaN is not
    below it) while ``--ttft-ms inf`` exited 1 with 'expected a finite number': the five serving flags carried
    click ranges of their own on top of the checks the estimate makes, so the same bad value got two codes and
    two messages, and ``--percentile 99.995`` was refused by the CLI but accepted by ``tco.estimate``. The
    range is now checked once, where the Python API checks it: exit 1, one line naming the flag."""
    extra = ("--tpot-ms", "30") if flag == "--percentile" else ()
    r = run(*INFER, *extra, flag, value)
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == f"Error: {flag}: {says}\n"


def test_the_cli_takes_every_percentile_the_python_api_takes(run) -> None:
    """99.995 % is below 100: ``tco.estimate`` accepts it and so does the flag now (it refused above 99.99)."""
    r = run(*INFER, "--tpot-ms", "30", "--percentile", "99.995", "-f", "json")
    assert r.exit_code == 0, r.stderr


@pytest.mark.parametrize(
    ("value", "grouping", "text"),
    [
        (0.5, False, "0.5"),
        (1e300, False, "1e+300"),
        (1234.5, True, "1,234.5"),
        (1234.5, False, "1234.5"),
        (0.9999999, False, "0.9999999"),
        (112.99999999, True, "112.99999999"),
        (1e-320, False, "1e-320"),
        (0.0, False, "0"),
        (-5.0, True, "-5"),
        (float("nan"), False, "nan"),
        (float("-inf"), False, "-inf"),
    ],
)
def test_one_function_writes_a_number_into_a_message(value, grouping, text) -> None:
    """Six significant digits where they are the number, else the shortest exact text (the three near-same
    formatters of models, analysis.common and results are now this one, ``tco.errors.show_number``)."""
    from tco.errors import show_number

    assert show_number(value, grouping=grouping) == text


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--prompt-tokens", "0.9999999"), "Error: --prompt-tokens: expected at least 1 token, got 0.9999999\n"),
        (
            ("--params", "7e9", "--total-params", "6.9999999e9"),
            "Error: --total-params: expected at least the active --params (7e+09), got 6999999900.0\n",
        ),
    ],
)
def test_a_refusal_never_shows_the_limit_it_refused(run, args, line) -> None:
    """'expected at least 1 token, got 1' and 'expected at least the active --params (7e+09), got 7e+09': a value
    just below its limit was printed rounded onto it (six digits). It is printed exactly now."""
    base = ("estimate", "h100-sxm", "--mode", "infer") + (() if "--params" in args else ("--params", "70e9"))
    r = run(*base, *args)
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", line)


def _jsonl(r) -> list[dict]:
    import json

    assert r.exit_code == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_a_sweep_row_says_why_it_is_infeasible_in_compares_words(run) -> None:
    """A sweep row that cannot run said only ``feasible = false``: a count too small for the model, a market
    that may not buy the part, a missing price and a demand past the model's count all looked alike. Each row
    now carries compare's ``reason`` (empty, or null in JSON, where the row is feasible)."""
    import json

    rows = _jsonl(run("sweep", "h100-sxm", "a100-80gb", "-w", "llama3-70b", "--vary", "h100-sxm.count=8,4096", "-f", "jsonl"))
    refused = run("compare", "h100-sxm@8", "-w", "llama3-70b")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: h100-sxm@8: ")
    assert [(r["option"], r["feasible"]) for r in rows] == [
        ("h100-sxm", False),
        ("a100-80gb", True),
        ("h100-sxm", True),
        ("a100-80gb", True),
    ]
    assert rows[0]["reason"] == refused.stderr.removeprefix("Error: h100-sxm@8: ").rstrip("\n")
    assert [r["reason"] for r in rows[1:]] == [None, None, None]

    rows = _jsonl(run("sweep", "h100-sxm", "l20", "ascend-910b", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1,1.2", "-f", "jsonl"))
    barred = json.loads(run("compare", "h100-sxm", "ascend-910b", "-w", "gpt3-1.3b", "-f", "json").stdout)["results"][1]
    assert barred["status"] == "infeasible" and barred["reason"]
    by = {(r["point"], r["option"]): r["reason"] for r in rows}
    for point in (0, 1):
        assert by[point, "h100-sxm"] is None
        assert by[point, "l20"] == "incomplete: lacks l20.price_usd"  # (compare: incomplete, missing_inputs l20.price_usd)
        assert by[point, "ascend-910b"] == barred["reason"]
    # each row's status is compare's for the same option: ranked, incomplete (a missing price), infeasible (barred)
    assert {(r["option"], r["status"]) for r in rows} == {("h100-sxm", "ranked"), ("l20", "incomplete"), ("ascend-910b", "infeasible")}


def test_a_sweep_row_past_the_serving_limit_and_a_refused_plan_say_so(run) -> None:
    """A demand whose fleet exceeds the 10^9 accelerators the model takes, and a sequence whose activations no
    layout holds (the planner's refusal at that value, as ``--set`` prints it)."""
    rows = _jsonl(run("sweep", "h100-sxm", "-w", "chat-70b", "--vary", "workload.tokens_per_day=1e9,1e18", "-f", "jsonl"))
    assert rows[0]["reason"] is None and rows[0]["feasible"] is True
    assert rows[1]["feasible"] is False and rows[1]["count"] is None
    assert rows[1]["reason"].startswith("serving 1e+18 tokens a day needs ")
    assert rows[1]["reason"].endswith(" × h100-sxm, more than the 1,000,000,000 accelerators the model takes")

    args = ("-w", "llama3-70b")
    rows = _jsonl(run("sweep", "h100-sxm", "a100-80gb", *args, "--vary", "workload.seq_len=100000000,8192", "-f", "jsonl"))
    refused = run("compare", "h100-sxm", *args, "--set", "workload.seq_len=100000000")
    assert refused.exit_code == 1
    assert rows[0]["reason"] == refused.stderr.removeprefix("Error: --set: workload.seq_len: ").rstrip("\n")
    assert rows[1]["reason"].endswith("exceed a100-80gb's usable memory (72.0 GB)")
    assert [r["reason"] for r in rows[2:]] == [None, None]


def test_a_sweep_reason_is_csv_text_a_spreadsheet_will_not_evaluate(run) -> None:
    """In CSV the reason is the last column, empty where the row is feasible, in ASCII as tco's other CSV text."""
    import csv
    import io

    r = run("sweep", "h100-sxm", "-w", "llama3-70b", "--vary", "h100-sxm.count=8,4096")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0])[-3:] == ["feasible", "status", "reason"]
    assert [(r["status"], r["feasible"]) for r in rows] == [("infeasible", "false"), ("ranked", "true")]
    assert rows[0]["reason"].startswith("llama3-70b does not fit in memory on 8 x h100-sxm: ")
    assert rows[1]["reason"] == "" and rows[1]["feasible"] == "true"


@pytest.mark.parametrize("name", ["out.xlsm", "out.xlsb", "out.ods", "out.numbers"])
def test_a_spreadsheet_name_tco_does_not_write_is_refused_not_given_a_text_table(run, tmp_path, name) -> None:
    """``-o out.xlsm`` wrote the text table into a file a spreadsheet then failed to open (only .xls was refused
    among the spreadsheet names); now a usage error naming the formats the command writes, and no file."""
    target = tmp_path / name
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(target))
    assert r.exit_code == 2 and r.stdout == ""
    assert f"is named as {name.split('.')[1]}, which compare does not write" in r.stderr and not target.exists()


def test_duplicate_stage_names_name_the_duplicate(run) -> None:
    """'stage names must be unique' did not say which name came twice (among many stages, a search)."""
    stages = '[{name="pre",tokens=1e9},{name="long",tokens=1e9},{name="pre",tokens=1e9}]'
    r = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", f"workload.stages={stages}")
    assert r.exit_code == 1
    assert r.stderr == "Error: --set: workload.stages: stage names must be unique, got 'pre' twice\n"


def test_three_options_that_tie_are_listed_as_a_list() -> None:
    """'ccc and bbb and aaa tie' now reads 'ccc, bbb and aaa tie' (two stay 'bbb and aaa tie')."""
    from tco.engine import Option, compare
    from tco.render import money, verdict
    from tests.factories import accelerator, bench, scenario, training

    parts = [accelerator(id=i, benchmarks=[bench("toy-train", 1000)]) for i in ("ccc", "bbb", "aaa")]
    comp = compare(options=[Option(p) for p in parts], workload=training(), scenario=scenario())
    assert (
        verdict(comp)
        == f"ccc, bbb and aaa tie: effective cost {money(comp.results[0].effective_cost_usd)} each (ranked in the order given)"
    )


def test_the_profile_loaders_take_a_path_as_load_inputs_does() -> None:
    """``tco.load_inputs`` took a Path for each profile, ``tco.load_accelerator(Path(...))`` was refused
    ('ref: expected str, got PosixPath'); the three loaders take one now (hostile round 69)."""
    from pathlib import Path

    import tco

    root = Path(__file__).resolve().parent.parent / "profiles"
    assert tco.load_accelerator(root / "accelerators" / "h100-sxm.toml").id == "h100-sxm"
    assert tco.load_workload(root / "workloads" / "gpt3-1.3b.toml").id == "gpt3-1.3b"
    assert tco.load_scenario(root / "scenarios" / "article.toml").id == "article"
    with pytest.raises(tco.InputError, match=r"^ref: expected str \| Path, got int 3"):
        tco.load_accelerator(3)  # type: ignore[arg-type]


MEMORY_RANGE = ("--set", "h100-sxm.memory_gb.low=60", "--set", "h100-sxm.memory_gb.high=90")


@pytest.mark.parametrize(("command", "how"), [(("sensitivity",), "swung"), (("simulate", "-n", "200"), "sampled")])
def test_a_range_only_the_plan_reads_is_said_to_be_held(run, command, how) -> None:
    """A range on an input only the plan reads (the memory that caps a serving batch) was neither swung nor
    sampled, and nothing said so (hostile round 69). Its ends change the batch here (60 GB and 90 GB hold other
    batches of the 70B chat service), so it is listed in ``held_ranges`` and a note names it; on the 1.3B
    training job the same range moves nothing (the model fits either way) and stays silent."""
    import json

    r = run(*command, "h100-sxm", "a100-80gb", "-w", "chat-70b", *MEMORY_RANGE, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["held_ranges"] == ["h100-sxm.memory_gb"]
    assert f"Note: h100-sxm.memory_gb has a range that changes only the plan (layout, batch or memory fit): not {how}" in r.stderr
    quiet = run(*command, "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b", *MEMORY_RANGE, "-f", "json")
    assert quiet.exit_code == 0, quiet.stderr
    assert json.loads(quiet.stdout)["held_ranges"] == [] and "h100-sxm.memory_gb" not in quiet.stderr


def test_the_shipped_defaults_hold_no_range_silently() -> None:
    """No shipped range is one only the plan reads, so the article's case and the 70B service list none."""
    import tco

    for workload in ("gpt3-1.3b", "chat-70b"):
        inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload=workload)
        assert tco.sensitivity(inputs).held_ranges == []
        assert tco.simulate(inputs, samples=100, seed=1).held_ranges == []


def test_estimate_says_it_does_not_read_a_services_demand_or_life(run) -> None:
    """``estimate --mode infer --set workload.tokens_per_day=1e12`` changed nothing and said nothing (hostile
    round 69): a demand and a service life size a fleet, and estimate reports one replica. A note says so, as
    for a --set of a price; the figures are those without the --set."""
    import json

    base = ("estimate", "h100-sxm", "--params", "70e9", "--mode", "infer", "-f", "json")
    plain = json.loads(run(*base).stdout)["results"][0]
    r = run(*base, "--set", "workload.tokens_per_day=1e12", "--set", "workload.service_life_years=3")
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)["results"][0]
    assert got["tokens_per_second_per_accelerator"] == plain["tokens_per_second_per_accelerator"]
    fleet = "not read by estimate, which reports one replica's speed and latency, not a fleet (tco compare sizes one)"
    assert [n for n in got["notes"] if "not read by estimate" in n] == [
        f"--set workload.tokens_per_day: {fleet}",
        f"--set workload.service_life_years: {fleet}",
    ]


def test_a_listing_names_twenty_skipped_files_then_counts_the_rest(run, tmp_path, monkeypatch) -> None:
    """``tco profiles list`` over a folder of 10,000 broken files printed 10,000 warnings (hostile round 69):
    it names the first twenty, then says how many more, and still lists the shipped profiles."""
    folder = tmp_path / "accelerators"
    folder.mkdir()
    for n in range(25):
        (folder / f"b{n:02d}.toml").write_text("id = \n")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    r = run("profiles", "list")
    assert r.exit_code == 0 and "h100-sxm" in r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 21 and all(line.startswith("Warning: skipped ") for line in lines[:20])
    assert lines[20] == "Warning: and 5 more problems of files skipped ('tco profiles validate FILE' shows each)"
