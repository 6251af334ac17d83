"""Hostile round 109 (hand-written inputs at their edges): user workloads with ``[[stages]]``, MoE fields and
inconsistent ``[shape]`` numbers, ``extends`` chains, serving SLOs at extreme values, cash-flow and financing
flags at 0, 1, huge and negative, ``TCO_PROFILE_PATH`` at a file, an empty folder, binary and broken files, ``--set``
on list and table keys and on a stage's keys, ``--format`` × ``-o`` for every command, hostile names and paths through
the report, plots, CSV and Markdown, wrong types to every function of ``tco.__all__``, and the samples, seed, sweep and
size limits at and one past their bounds. Most were already handled; these are what were not:

1. a global batch of one sequence was "the global batch's 1 sequences" (compare, estimate, a refusal);
2. one routed expert was "the 1 experts";
3. a table key that is not an allowed name (``porting.mars``) was refused twice, its value checked as well;
4. ``stages[x]`` on a serving workload said "this input has no stages", not that stages are a training key;
5. a serving row of one accelerator: "more than the 1 accelerators measured";
6. a profile skipped from a list said "(and 1 more problems)", and past 100 problems undercounted them;
7. ``tco.estimate``'s misspelt shape or layout keys were named ``shape.Layers``, its known ones ``shape['layers']``;
8. a shipped calibration set copied under another id was calibrated beside it, each run counted twice;
9. ``-o NAME.yaml`` (``.yml``, ``.xml``, ``.parquet``) was given a text table;
10. a figure that overflows a float (the cost per token of a 1e-300-token demand) was a bare "—", no note;
11. a sweep over a description (``--vary workload.name=a,b``) wrote identical rows without a warning;
12. ``--seed`` past its bound was written ungrouped beside its grouped bound."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tco
from tests.factories import one_error, run_main

MOE_ONE_EXPERT = """\
id = "one-expert"
name = "One expert"
kind = "training"
parameters = 7e9
active_parameters = 7e9
experts = 1
experts_per_token = 1
training_tokens = 1e11
precision = "bf16"
seq_len = 4096
accelerator_count = 64

[layout]
expert_parallel = 2
"""


def test_a_global_batch_of_one_sequence_is_one_sequence_not_1_sequences(run) -> None:
    """1: a global batch of one sequence (``workload.global_batch_tokens`` at or below ``seq_len``) was counted
    "the global batch's 1 sequences" in the layout note of compare and estimate and in the refusal of a training state
    no count holds."""
    r = run("compare", "h100-sxm@64", "-w", "llama3-8b", "--set", "workload.global_batch_tokens=100", "-f", "json")
    assert r.exit_code == 0, r.stderr
    (note,) = [n for n in json.loads(r.stdout)["results"][0]["notes"] if n.startswith("layout:")]
    assert note.endswith("56 idle (data parallelism is bounded by the global batch's 1 sequence: workload.global_batch_tokens)")
    r = run("compare", "mlu370-s4@8", "-w", "deepseek-v3", "--set", "workload.global_batch_tokens=4096")
    assert r.exit_code == 1
    assert one_error(r) == (
        "Error: --set: workload.global_batch_tokens: the training state of 6.71e+11 parameters does not fit on any count "
        "of mlu370-s4: sharding it needs more data-parallel replicas than the global batch's 1 sequence, or more than "
        "10^12 accelerators; use fewer parameters, a larger workload.global_batch_tokens or a part with more memory"
    )
    r = run("estimate", "h100-sxm", "--params", "1e5", "--global-batch", "4096", "--seq-len", "4096")
    assert r.exit_code == 0, r.stderr
    assert "bounded by the global batch's 1 sequence: --global-batch" in r.stdout.replace("\n", " ")
    # (more than one is still counted in the plural, grouped)
    r = run("estimate", "h100-sxm", "--params", "1e5", "--global-batch", "8192", "--seq-len", "4096")
    assert "bounded by the global batch's 2 sequences: --global-batch" in r.stdout.replace("\n", " ")


def test_a_single_expert_is_counted_as_one_expert(run, tmp_path: Path) -> None:
    """2: an MoE workload of one routed expert (valid, if degenerate) with an expert-parallel degree of 2 was refused
    "must divide the 1 experts"."""
    path = tmp_path / "one-expert.toml"
    path.write_text(MOE_ONE_EXPERT, encoding="utf-8")
    r = run("compare", "h100-sxm", "-w", str(path))
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {path}: layout.expert_parallel: an expert-parallel degree of 2 must divide the 1 expert"


def test_a_table_key_that_is_not_an_allowed_name_is_one_problem(run, tmp_path: Path) -> None:
    """3: a market or maturity that is not one (``availability.mars``, ``porting.mars``) was refused twice over, the
    name and then its value ("not an allowed name here: ... got 'mars'; --set: scenario.porting.mars: expected a
    table, got 'x'"), and a quantity's table set where a table of markets goes gave four problems for two keys. The
    value of a key that is not allowed is not checked as well: one problem per key."""
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", 'scenario.porting={mars="x"}')
    assert r.exit_code == 1
    assert one_error(r) == (
        "Error: --set: scenario.porting.mars: not an allowed name here: expected 'reference', 'high', 'medium', "
        "'low-medium' or 'low', got 'mars'"
    )
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", 'scenario.grid_kgco2e_per_kwh_by_market={value=1,currency="CNY"}')
    assert r.exit_code == 1
    assert one_error(r) == (
        "Error: --set: scenario.grid_kgco2e_per_kwh_by_market.value: not an allowed name here: expected 'global' or 'cn', "
        "got 'value'; --set: scenario.grid_kgco2e_per_kwh_by_market.currency: not an allowed name here: expected 'global' "
        "or 'cn', got 'currency'"
    )
    text = (Path(__file__).resolve().parent.parent / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text.replace('id = "h100-sxm"', 'id = "mine"', 1) + '\n[availability.mars]\nbuy = "sometimes"\n', encoding="utf-8")
    r = run("compare", str(path), "-w", "llama3-8b")
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {path}: availability.mars: not an allowed name here: expected 'global' or 'cn', got 'mars'"


def test_a_stage_of_a_serving_workload_is_refused_as_the_training_key_it_is(run) -> None:
    """4: ``--set 'workload.stages[x].seq_len=...'`` on a serving workload said "no stages entry for 'x' (this input has
    no stages)", as if a stage could be added to it, where ``--set workload.stages=[]`` there says the key is a
    training workload's. Selecting an entry says so too; a training workload without stages still says it has none."""
    for path in ("workload.stages[x].seq_len=8192", 'workload.stages[x]={name="x", tokens=1e9}'):
        r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", path)
        assert r.exit_code == 1
        assert one_error(r) == 'Error: --set: workload.stages: applies to kind = "training" workloads only, not this kind = "inference" one'
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.stages[x].seq_len=8192")
    assert r.exit_code == 1
    assert one_error(r) == "Error: --set: workload.stages[x].seq_len: no stages entry for 'x' (this input has no stages)"


def test_a_serving_row_of_one_accelerator_is_counted_as_one(run, tmp_path: Path) -> None:
    """5: a published serving row measured on one accelerator with a replica of two was refused "a replica of 2 is
    more than the 1 accelerators measured" (test_hostile48 pinned the plural)."""
    text = (Path(__file__).resolve().parent.parent / "profiles" / "serving" / "qwen-vllm.toml").read_text(encoding="utf-8")
    head, _, rest = text.partition("[[rows]]")
    row = "[[rows]]" + rest.split("[[rows]]")[0]
    assert "\naccelerators = 1\nreplica = 1\n" in row
    path = tmp_path / "serving" / "mine.toml"
    path.parent.mkdir()
    mine = head.replace('id = "qwen-vllm"', 'id = "mine"', 1) + row.replace("\nreplica = 1\n", "\nreplica = 2\n")
    path.write_text(mine, encoding="utf-8")
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    assert one_error(r) == f"Error: {path}: rows[0].replica: a replica of 2 is more than the 1 accelerator measured"


def test_a_skipped_profile_counts_its_other_problems_all_and_in_the_right_number(run, user_profile) -> None:
    """6: ``tco profiles list`` skips a broken file on ``TCO_PROFILE_PATH`` naming its first problem and how many more:
    a file of two problems said "(and 1 more problems)", and one of 210 said "(and 100 more problems)": it counted the
    listed problems' lines, whose last past the first 100 is the line "110 more problems, not listed"."""
    lines = ['id = "many"', *(f"x{i} = 1" for i in range(200))]
    path = user_profile("accelerators", "many", "\n".join(lines) + "\n")
    r = run("profiles", "list")
    assert r.exit_code == 0
    assert f"Warning: skipped {path}: vendor: required key is missing (and 209 more problems)" in r.stderr.splitlines()
    text = (Path(__file__).resolve().parent.parent / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
    kept = [x for x in text.splitlines() if not x.startswith(("vendor = ", "name = ", "aliases = "))]
    path.write_text("\n".join(kept).replace('id = "h100-sxm"', 'id = "many"', 1) + "\n", encoding="utf-8")
    r = run("profiles", "list")
    assert r.exit_code == 0
    assert f"Warning: skipped {path}: vendor: required key is missing (and 1 more problem)" in r.stderr.splitlines()


def test_an_unknown_key_of_estimate_s_shape_or_layout_is_named_as_its_known_keys_are() -> None:
    """7: ``tco.estimate(shape={'layers': 0, ...})`` names ``shape['layers']`` (the argument as the caller wrote it), but
    a misspelt key was named ``shape.Layers`` and ``layout.bogus``, the dotted path of a workload file no caller gave."""
    with pytest.raises(tco.InputError) as info:
        tco.estimate("h100-sxm", parameters=7e9, shape={"Layers": 32})
    assert str(info.value) == "shape['Layers']: unknown key (did you mean 'layers'?)"
    with pytest.raises(tco.TcoError) as info:
        tco.estimate("h100-sxm", parameters=7e9, layout={"tensor_parallel": 1, "bogus": 1})
    assert str(info.value) == "layout['bogus']: unknown key"


def test_a_calibration_set_copied_under_another_id_is_refused_not_counted_twice(run, user_profile) -> None:
    """8: a shipped set of published runs copied onto ``TCO_PROFILE_PATH`` under another id (to tweak one row) was
    calibrated beside the original, every other run counted twice in the error statistics: a run repeated within one
    file is refused "which would count twice", one repeated across two files was not. The copy, read first, is blamed,
    as a repeated id is; a copy that keeps the shipped file's name replaces it (still fine)."""
    text = (Path(__file__).resolve().parent.parent / "profiles" / "benchmarks" / "megatron-2021.toml").read_text(encoding="utf-8")
    path = user_profile("benchmarks", "mine", text.replace('id = "megatron-2021"', 'id = "mine"', 1))
    r = run("calibrate")
    assert r.exit_code == 1
    assert one_error(r) == (
        f"Error: {path}: rows[0]: the same run as builtin:benchmarks/megatron-2021.toml rows[0] (every figure alike, its "
        "source and note aside), which would count twice: give it once"
    )
    path.unlink()
    user_profile("benchmarks", "megatron-2021", text)
    assert run("calibrate").exit_code == 0


def test_an_output_named_as_a_data_format_tco_does_not_write_is_refused(capsys, tmp_path: Path) -> None:
    """9: ``-o results.yaml`` (``.yml``, ``.xml``, ``.parquet``) was given a text table, where ``.tsv``, ``.xls`` and
    ``.ods`` are refused: a program reading the file would fail far from the cause. They are refused too, as a usage
    error, and nothing is written."""
    for name in ("r.yaml", "r.YML", "r.xml", "r.parquet"):
        out = tmp_path / name
        code, stdout, stderr = run_main(capsys, "compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(out))
        assert code == 2 and stdout == "" and not out.exists()
        kind = {".yml": "yaml"}.get(out.suffix.lower(), out.suffix[1:].lower())
        assert stderr == (
            f"Error: Invalid value for -o: {out} is named as {kind}, which compare does not write (table, csv, json, jsonl, "
            "markdown or xlsx): name the file .csv, .json, .jsonl, .md or .xlsx (see 'tco compare --help')\n"
        )
    out = tmp_path / "rows.parquet"
    code, _, stderr = run_main(capsys, "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1,1.2", "-o", str(out))
    assert code == 2 and not out.exists() and "is named as parquet, which sweep does not write" in stderr


def test_a_figure_that_overflows_a_float_says_so_not_left_as_an_unknown_input(run) -> None:
    """10: a serving demand at the smallest number tco takes (``tokens_per_day = 1e-300``) makes the cost per million
    tokens overflow a float: compare showed it "—", as a figure whose input is missing, with no note saying which
    figure overflowed or why (a job cost that overflows is refused naming its input). The result's note, and compare's
    stderr, now name the figure and the input furthest from 1."""
    args = ("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day=1e-300", "--set", "h100-sxm.price_usd=1e12")
    note = "cost_per_million_tokens_usd overflows a float (above 1.8e308), shown as unknown: workload.tokens_per_day = 1e-300"
    r = run(*args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    (result,) = json.loads(r.stdout)["results"]
    assert result["cost_per_million_tokens_usd"] is None and result["rank"] == 1 and result["notes"][-1] == note
    r = run(*args)
    assert f"Note: h100-sxm: {note}" in r.stderr.splitlines()


def test_a_sweep_over_a_description_warns_that_no_figure_changes_with_it(run) -> None:
    """12: ``--vary workload.name=a,b`` (a vendor, a description, a stage's name, a source) is taken as a choice axis and
    writes the same figures on every row, with no word, where a sweep of a number no option reads warns "no option
    reads it" (tco.api.unread_inputs: never a silently ignored input). It warns so too."""
    for vary in ("workload.name=a,b", "a100-80gb.vendor=x,y", "a100-80gb.price_usd.source=p,q"):
        r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", vary)
        assert r.exit_code == 0, r.stderr
        assert f"Warning: --vary {vary}: no option reads it (a description: no figure changes with it)" in r.stderr.splitlines()
        rows = r.stdout.splitlines()[1:]
        assert len(rows) == 2 and rows[0].split(",")[3:] == rows[1].split(",")[3:]
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "workload.precision=bf16,fp8")
    assert r.exit_code == 0 and "no option reads it" not in r.stderr


def test_a_seed_past_its_bound_is_written_grouped_as_the_bound_and_the_samples_are(run) -> None:
    """13: ``--seed 18446744073709551616`` was refused "expected a seed from 0 to 9,223,372,036,854,775,807 (2^63 - 1),
    got 18446744073709551616": the bound grouped, the value not, where the same check of ``--samples`` writes both
    grouped ("got 99,999,999,999,999,999,999")."""
    r = run("simulate", "a100-80gb", "-w", "gpt3-1.3b", "--seed", "18446744073709551616")
    assert r.exit_code == 1
    assert one_error(r) == ("Error: --seed: expected a seed from 0 to 9,223,372,036,854,775,807 (2^63 - 1), got 18,446,744,073,709,551,616")
