"""Hostile round 89 (hand-written workload and scenario files, as a new user writes them from a paper or a finance
memo: multi-stage training, MoE fields, shapes, extends chains, names, the schema against the loader): a further stage
named ``main`` took the name the workload's own first stage goes by, and the workbook ran it at the first stage's
throughput; the schema took ``extends = "-"``, ``"."``, ``".."`` and ``"base.TOML"``, which the tool always refuses,
a name of only a bidirectional override or other characters that show nothing, which the tool refuses as blank, and
a number beyond the largest float (a 327-digit integer), which the tool refuses as not finite; ``--param`` or
``--vary`` over a choice a stage leaves to the workload (its precision) said "has no value to build a default range
from" or asked for --range, then refused the numbers; ``breakeven --param`` over a stage's sequence length or batch
that the stage leaves to the workload found no value to range over; a context-parallel degree that did not divide a
stage's length listed every length, divided or not, and named no stage; ``pipeline_schedule = "dualpipe"`` beside a
layout fixed to one pipeline stage (or a one-layer model) was read by nothing; a file's ``tuning`` or
``attention_kernel`` beside its own measured ``mfu`` was read by nothing without a word; an MoE with every expert
active was charged the load-imbalance factor, though its routing is even. Each is fixed and tested here."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import one_error

STAGED = """id = "staged"
name = "7B with a fine-tuning stage"
kind = "training"
parameters = 7e9
precision = "bf16"
seq_len = 4096
training_tokens = 1e12
accelerator_count = 64

[[stages]]
name = "sft"
tokens = 1e11
"""


def _validator(run: Any, kind: str) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(json.loads(run("schema", kind).stdout))


def test_a_stage_may_not_take_the_name_of_the_workloads_own_first_stage(run, tmp_path: Path) -> None:
    """1: ``compare h100-sxm -w main.toml`` with a ``[[stages]]`` entry named ``main`` ran, and its workbook (``-f xlsx``)
    had one row 'tokens_per_second_per_accelerator [h100-sxm, stage main]' for both stages: the engine calls the
    workload's own first stage (training_tokens) 'main', so the further stage's 8,192-token throughput was the first
    stage's. The name is now refused, by the file, by --set, and by the schema."""
    path = tmp_path / "main.toml"
    path.write_text(STAGED.replace('"sft"', '"main"') + "seq_len = 8192\n", encoding="utf-8")
    said = (
        "stages[0].name: 'main' is the name of the workload's own first stage (training_tokens at its seq_len and "
        "precision): give this stage another name"
    )
    assert one_error(run("compare", "h100-sxm", "-w", str(path))) == f"Error: {path}: {said}"
    other = tmp_path / "staged.toml"
    other.write_text(STAGED, encoding="utf-8")
    line = one_error(run("compare", "h100-sxm", "-w", str(other), "--set", "workload.stages[sft].name=main"))
    assert line == "Error: --set: workload.stages[sft].name: " + said.removeprefix("stages[0].name: ")
    validator = _validator(run, "workload")
    stage = {"name": "main", "tokens": 1e9}
    assert not validator.is_valid({**_training(), "stages": [stage]})
    assert validator.is_valid({**_training(), "stages": [{**stage, "name": "mainline"}]})
    assert run("compare", "h100-sxm", "-w", str(other)).exit_code == 0


def _training() -> dict[str, Any]:
    return {
        "id": "x",
        "name": "x",
        "kind": "training",
        "parameters": 7e9,
        "precision": "bf16",
        "seq_len": 4096,
        "training_tokens": 1e12,
        "accelerator_count": 64,
    }


@pytest.mark.parametrize("extends", ["-", ".", "..", "default.TOML", "default.Toml"])
def test_the_schema_refuses_the_extends_the_tool_always_refuses(run, tmp_path: Path, extends: str) -> None:
    """2: ``tco schema scenario`` took ``extends = "-"`` (standard input), ``"."``, ``".."`` (folders) and
    ``"default.TOML"`` (a path: the tool reads .toml in any case), every one of which ``scenarios show`` refuses
    whatever files exist ('expected the id of a scenario to extend (not a path)'). The schema now refuses them too;
    an id in any case, and a name with a dot in it, still validate."""
    validator = _validator(run, "scenario")
    assert not validator.is_valid({"extends": extends, "id": "x"})
    path = tmp_path / "sx.toml"
    path.write_text(f'extends = "{extends}"\nid = "sx"\nname = "sx"\n', encoding="utf-8")
    line = one_error(run("scenarios", "show", str(path)))
    assert line.startswith(f"Error: {path}: extends: expected the id of a scenario to extend (not ")
    for fine in ("DEFAULT", "default.v2", "-x", "..x"):
        assert validator.is_valid({"extends": fine, "id": "x"}), fine


@pytest.mark.parametrize("name", ["\u202e", "\u200b\u2060", "\U000e0001", "\u3164 \u00ad"])
def test_the_schema_refuses_a_name_the_tool_reads_as_blank(run, tmp_path: Path, name: str) -> None:
    """3: a workload named only a right-to-left override (or a zero-width space and word joiner, a language tag, a
    Hangul filler) validated against ``tco schema workload``, whose pattern for a name was ``\\S``; ``workloads show``
    refuses it ('name: expected a name, got blank text'). The schema's pattern now asks for a character that shows,
    as the tool does; a name with one (``x\u202e``) validates and loads."""
    validator = _validator(run, "workload")
    assert not validator.is_valid({**_training(), "name": name})
    path = tmp_path / "blank.toml"
    escaped = json.dumps(name, ensure_ascii=False)  # (the characters themselves, as a TOML basic string holds them)
    path.write_text(STAGED.replace('"7B with a fine-tuning stage"', escaped), encoding="utf-8")
    assert one_error(run("workloads", "show", str(path))).startswith(f"Error: {path}: name: expected a name, got blank text ")
    shows = name + "x"
    assert validator.is_valid({**_training(), "name": shows})
    path.write_text(STAGED.replace('"7B with a fine-tuning stage"', json.dumps(shows, ensure_ascii=False)), encoding="utf-8")
    assert run("workloads", "show", str(path)).exit_code == 0


def test_a_choice_a_stage_leaves_to_the_workload_is_no_numeric_input(run) -> None:
    """4: ``breakeven h100-sxm b200 -w deepseek-v3 --param 'workload.stages[long-context].precision'`` said 'has no value
    to build a default range from; give --range LO:HI', and with ``--range 1:2`` (or ``sweep --vary ...=1,2``) '1 is
    not allowed: expected 'bf16', ...': the stage gives no precision, and a field left out was taken for a number
    without a value. ``workload.precision`` said 'is not a numeric input', as every choice left out now does (a
    layout's recompute, a shape's gated_ffn)."""
    args = ["breakeven", "h100-sxm", "b200", "-w", "deepseek-v3", "--param", "workload.stages[long-context].precision"]
    assert one_error(run(*args)) == (
        "Error: --param: workload.stages[long-context].precision: is not a numeric input (to compare its values, sweep them: "
        "tco sweep ... --vary workload.stages[long-context].precision=A,B)"
    )
    # (since session 60 a sweep takes a choice's listed values, each as --set takes it)
    line = one_error(run("sweep", "h100-sxm", "-w", "deepseek-v3", "--vary", "workload.stages[long-context].precision=1,2"))
    assert line == "Error: --vary: workload.stages[long-context].precision: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 1"
    for path in ("workload.layout.recompute", "workload.shape.gated_ffn"):
        line = one_error(run("breakeven", "h100-sxm", "b200", "-w", "llama3-8b", "--param", path))
        assert (
            line == f"Error: --param: {path}: is not a numeric input (to compare its values, sweep them: tco sweep ... --vary {path}=A,B)"
        )
    # a number left out still asks for its range
    line = one_error(run("breakeven", "h100-sxm", "b200", "-w", "llama3-8b", "--param", "workload.layout.tensor_parallel"))
    assert line.endswith("has no value to build a default range from; give --range LO:HI")


def test_breakeven_over_a_stages_length_or_batch_it_leaves_to_the_workload(run, tmp_path: Path) -> None:
    """5: ``breakeven h100-sxm b200 -w staged.toml --param 'workload.stages[sft].seq_len'`` (or ``.global_batch_tokens``)
    said 'has no value to build a default range from': the stage gives neither, and runs at the workload's 4,096 tokens
    and its default batch, 2M x (7B/7B)^(1/3) = 2,000,000 tokens. The default range is now built from those, as from a
    value the stage gives: 409 (4,096 / 10, whole) to 40,960, and 200,000 to 20,000,000."""
    path = tmp_path / "staged.toml"
    path.write_text(STAGED, encoding="utf-8")
    for param, shown in (("seq_len", "[409, 40,960]"), ("global_batch_tokens", "[200,000, 20,000,000]")):
        r = run("breakeven", "h100-sxm", "b200", "-w", str(path), "--param", f"workload.stages[sft].{param}")
        assert r.exit_code == 0, r.stderr
        assert f"workload.stages[sft].{param} in {shown}" in r.stdout
    # a batch the workload gives is the stage's too: DeepSeek-V3's 62,914,560 tokens
    r = run("breakeven", "h100-sxm", "b200", "-w", "deepseek-v3", "--param", "workload.stages[long-context].global_batch_tokens")
    assert r.exit_code == 0 and "in [6,291,456, 629,145,600]" in r.stdout, r.stderr


def test_a_context_parallel_degree_names_the_length_it_does_not_divide(run, tmp_path: Path) -> None:
    """6: ``compare h100-sxm -w staged.toml --set workload.layout.context_parallel=2 --set workload.stages[sft].seq_len=1``
    said 'layout context_parallel = 2 does not divide the sequence length (1, 4096 tokens)', as if 2 did not divide
    4,096 either, and named no stage. It now names each length it does not divide, the stage's by the stage (with
    'token' for one), and only those."""
    path = tmp_path / "staged.toml"
    path.write_text(STAGED, encoding="utf-8")
    base = ("compare", "h100-sxm", "-w", str(path), "--set", "workload.layout.context_parallel=")
    line = one_error(run(*base[:-1], base[-1] + "2", "--set", "workload.stages[sft].seq_len=1"))
    assert line.endswith("layout context_parallel = 2 does not divide stage sft's sequence length (1 token)")
    line = one_error(run(*base[:-1], base[-1] + "3", "--set", "workload.stages[sft].seq_len=1000"))
    assert line.endswith(
        "layout context_parallel = 3 does not divide the sequence length (4096 tokens) nor stage sft's sequence length (1000 tokens)"
    )
    line = one_error(run(*base[:-1], base[-1] + "3"))  # (the stage runs at the workload's length: named once)
    assert (
        line
        == "Error: --set: workload.layout.context_parallel: layout context_parallel = 3 does not divide the sequence length (4096 tokens)"
    )


def _numbers(node: Any, negated: bool = False) -> Any:
    """Every ``number`` of a schema, but those a ``not`` refuses."""
    if isinstance(node, list):
        for x in node:
            yield from _numbers(x, negated)
    elif isinstance(node, dict):
        if node.get("type") == "number" and not negated:
            yield node
        for k, v in node.items():
            yield from _numbers(v, negated or k == "not")


def test_the_schema_refuses_a_number_beyond_the_largest_float(run, tmp_path: Path) -> None:
    """7: ``global_batch_tokens = 1000…000`` (a 327-digit integer, which TOML takes) validated against ``tco schema
    workload``, whose numbers had no upper bound; ``workloads show`` refuses it ('expected a finite number (at most
    1.8e308), got a 327-digit integer'). Every number of every schema is now at most the largest float (a bound
    already given, a fraction's 1, kept), so the schema refuses what the tool refuses and takes the largest float."""
    for kind in ("workload", "scenario", "accelerator", "benchmarks", "serving"):
        found = list(_numbers(json.loads(run("schema", kind).stdout)))
        assert found and all(n.get("maximum", n.get("exclusiveMaximum", math.inf)) <= sys.float_info.max for n in found), kind
    validator = _validator(run, "workload")
    huge = 10**326
    for doc in ({**_training(), "global_batch_tokens": huge}, {**_training(), "stages": [{"name": "x", "tokens": huge}]}):
        assert not validator.is_valid(doc)
    assert validator.is_valid({**_training(), "global_batch_tokens": sys.float_info.max})
    path = tmp_path / "huge.toml"
    path.write_text(STAGED.replace("tokens = 1e11", f"tokens = {huge}"), encoding="utf-8")
    line = one_error(run("workloads", "show", str(path)))
    assert line == f"Error: {path}: stages[0].tokens: expected a finite number (at most 1.8e308), got a 327-digit integer"


def test_dualpipe_beside_a_layout_of_one_pipeline_stage_is_refused(run, tmp_path: Path) -> None:
    """8: a workload extending llama3-8b with ``pipeline_schedule = "dualpipe"`` and ``[layout] pipeline_parallel = 1``
    ran at exactly the figures of 1f1b (4,751 tokens/s per H100): DualPipe applies only to a pipelined layout, so
    the schedule was read by nothing, as round 86 found beside ``parallelism = fsdp``. It is now refused in one line
    naming the schedule, as is a one-layer model (``--set workload.shape.layers=1`` on deepseek-v3), which no
    pipeline can split."""
    path = tmp_path / "pp1.toml"
    path.write_text(
        'extends = "llama3-8b"\nid = "pp1"\npipeline_schedule = "dualpipe"\n[layout]\npipeline_parallel = 1\n', encoding="utf-8"
    )
    assert one_error(run("compare", "h100-sxm", "-w", str(path))) == (
        f"Error: {path}: pipeline_schedule: pipeline_schedule = dualpipe schedules a pipeline, and layout pipeline_parallel = 1 "
        "fixes a layout with none: set pipeline_schedule = 1f1b, or leave pipeline_parallel to the search"
    )
    line = one_error(run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.layout.pipeline_parallel=1"))
    assert line.startswith("Error: --set: workload.layout.pipeline_parallel: pipeline_schedule = dualpipe schedules a pipeline")
    line = one_error(run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.shape.layers=1"))
    assert line == (
        "Error: --set: workload.shape.layers: pipeline_schedule = dualpipe schedules a pipeline, and the model's 1 layer "
        "splits into none: set pipeline_schedule = 1f1b"
    )
    # a pipeline the layout leaves to the search, or fixes above 1, still runs DualPipe
    assert run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.layout.pipeline_parallel=4").exit_code == 0


def test_a_files_step_model_choice_beside_its_measured_mfu_is_warned_of(run, tmp_path: Path) -> None:
    """9: a workload extending deepseek-v3 (``tuning = "tuned"``) with its measured ``mfu = 0.3`` ran without a word:
    a measured MFU is final, so no step model runs to read the tuning, which a ``--set workload.tuning=tuned`` beside
    ``--set workload.mfu=0.4`` is warned of ('no option reads it'), and the file's was not. The file's choice is now
    warned of too, once (a --set of it keeps its own warning), and the figures are unchanged."""
    path = tmp_path / "measured.toml"
    path.write_text('extends = "deepseek-v3"\nid = "ds-measured"\nmfu = 0.3\n', encoding="utf-8")
    r = run("compare", "h100-sxm", "-w", str(path))
    assert r.exit_code == 0
    said = "Warning: ds-measured: tuning = tuned is read by no option: the measured MFU (mfu = 0.3) is final, no step model runs to read it"
    assert said in r.stderr.splitlines()
    typical = run("compare", "h100-sxm", "-w", str(path), "--set", "workload.tuning=typical")
    assert typical.stdout.splitlines()[1:] == r.stdout.splitlines()[1:] and "ds-measured: tuning" not in typical.stderr
    assert "Warning: --set workload.tuning=typical: no option reads it" in typical.stderr
    path.write_text(
        STAGED.replace("accelerator_count = 64\n", 'accelerator_count = 64\nmfu = 0.4\nattention_kernel = "flash2"\n'), encoding="utf-8"
    )
    r = run("compare", "h100-sxm", "-w", str(path))
    assert "Warning: staged: attention_kernel = flash2 is read by no option: the measured MFU (mfu = 0.4) is final" in r.stderr
    # without a measured MFU the step model reads both: nothing to say
    assert "read by no option" not in run("compare", "h100-sxm", "-w", "deepseek-v3").stderr


def test_every_expert_active_takes_no_load_imbalance(run, monkeypatch: pytest.MonkeyPatch) -> None:
    """10: ``compare h100-sxm -w llama3-8b --set workload.experts=4 --set workload.experts_per_token=4`` (every expert
    active, as a file with ``experts = experts_per_token`` says) charged the compute 1.1 times over for uneven routing,
    the default load imbalance (3,525 tokens/s per H100), though each expert takes every token and the routing is
    even; it now runs at 3,701, and does not move with the factor. The factor applies only where a token visits some
    of the experts, and ``load_imbalance`` beside every expert active is refused, as beside a dense model."""
    from tco import training

    every = ("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.experts=4", "--set", "workload.experts_per_token=4", "-f", "json")
    some = (*every[:-4], "--set", "workload.experts_per_token=2", "--set", "workload.active_parameters=5e9", "-f", "json")

    def rate(args: tuple[str, ...]) -> float:
        r = run(*args)
        assert r.exit_code == 0, r.stderr
        return float(json.loads(r.stdout)["results"][0]["tokens_per_second_per_accelerator"])

    at_default = rate(every), rate(some)
    monkeypatch.setattr(training, "MOE_LOAD_IMBALANCE", 1.3)
    assert rate(every) == at_default[0]  # (even routing: no factor to read)
    assert rate(some) < at_default[1]  # (2 of 4 experts per token: the factor still costs)
    line = one_error(run(*every[:-2], "--set", "workload.load_imbalance=1.2"))
    assert line == (
        "Error: --set: workload.load_imbalance: with every expert active (4 of 4) each expert takes every token, so routing "
        "cannot be uneven; leave load_imbalance out"
    )
