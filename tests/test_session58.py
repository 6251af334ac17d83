"""Session 58: a break-even's default range (÷10 to ×10 of the input's own value) is kept where the workload stays
valid for every input, not only for the MoE parameter counts: ``--param workload.shape.kv_dim`` on Llama 3 8B was
refused for 10,240 (wider than the queries), ``--param workload.experts`` on DeepSeek-V3 for 25 experts (too few for
its active share), ``--param workload.experts_per_token`` for 80. A range the user gives is still refused as before."""

from __future__ import annotations

import json

import pytest


def _range(result) -> tuple[float, float]:
    assert result.exit_code == 0, result.stderr
    row = json.loads(result.stdout)["results"][0]
    return row["range_low"], row["range_high"]


def test_a_default_range_of_kv_width_stops_at_the_query_width(run) -> None:
    """Llama 3 8B: 32 heads × 128 = 4,096 wide queries; K and V are at most as wide. The high end, 10 × 1,024 = 10,240,
    is brought in to 4,096; the low end, 1,024 ÷ 10 = 102 (a whole number, floored), is valid and kept."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "llama3-8b", "--param", "workload.shape.kv_dim", "-f", "json")
    assert _range(result) == (102.0, 4096.0)


def test_a_default_range_of_top_k_stops_where_the_active_share_holds(run) -> None:
    """DeepSeek-V3: 37B of 671B parameters active, 256 experts. k of 256 experts per token needs k/256 ≤ 37/671, so
    k ≤ 256 × 3.7e10 / 6.71e11 = 14.1: the ×10 end (80) comes in to 14; the ÷10 end is the least count, 1."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "deepseek-v3", "--param", "workload.experts_per_token", "-f", "json")
    assert _range(result) == (1.0, 14.0)


def test_a_default_range_of_experts_stops_where_the_active_share_holds(run) -> None:
    """8 of E experts per token needs 8/E ≤ 3.7e10 / 6.71e11, so E ≥ 8 × 6.71e11 / 3.7e10 = 145.1: the ÷10 end (25)
    comes in to 146, the least whole count that holds; the ×10 end, 2,560, is kept."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "deepseek-v3", "--param", "workload.experts", "-f", "json")
    assert _range(result) == (146.0, 2560.0)


def test_a_range_the_user_gives_is_still_refused_at_an_invalid_end(run) -> None:
    """Pinned beside them: only the tool's own default is narrowed; a --range past the valid values is the user's,
    and is refused with its reason, naming --range."""
    result = run("breakeven", "h100-sxm", "mi300x", "-w", "llama3-8b", "--param", "workload.shape.kv_dim", "--range", "1024:10240")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: --range: workload.shape.kv_dim: 10240 is not allowed: 10240 is wider than the queries")


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("workload.stages.long-context.tokens", "select an entry by its name, stages[long-context].tokens, or set it whole"),
        ("workload.stages.0.tokens", "select an entry by its name, stages[NAME].tokens (stages are named, not numbered), or set it whole"),
    ],
)
def test_a_dotted_path_into_a_list_of_tables_says_how_to_select_an_entry(run, path: str, hint: str) -> None:
    """``--set workload.stages.long-context.tokens=1e9`` said only "'stages' is a list; set it whole, e.g.
    stages=[...]", though ``stages[long-context].tokens`` sets the one entry: the error now gives that form."""
    result = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", f"{path}=1e9")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"Error: --set: {path}: 'stages' is a list; {hint}, e.g. stages=[...]\n"


def test_a_dotted_path_into_a_profiles_benchmarks_names_its_workload(run) -> None:
    """A profile's measurements are selected by their workload, not by a name."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.benchmarks.0.tokens_per_second=5")
    assert result.exit_code == 1
    assert "select an entry by its workload, benchmarks[WORKLOAD].tokens_per_second (benchmarks are named" in result.stderr


def test_the_form_the_hint_gives_sets_the_entry(run) -> None:
    """Pinned beside them: the suggested form works (a stage of 1e9 tokens instead of 1e10 shortens the job)."""
    base = run("compare", "h100-sxm", "-w", "deepseek-v3", "-f", "json")
    shorter = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages[long-context].tokens=1e9", "-f", "json")
    assert base.exit_code == shorter.exit_code == 0
    hours = [json.loads(r.stdout)["results"][0]["time_to_converge_hours"] for r in (base, shorter)]
    assert hours[1] < hours[0]


def test_a_choice_only_the_step_model_reads_is_warned_of_beside_a_final_mfu(run) -> None:
    """``--set workload.mfu=0.4 --set workload.tuning=tuned`` ran at exactly the figures of the MFU alone, with no
    word: a measured MFU is final, and the tuning level (like the attention kernel) is read only by the step model it
    replaces. Each is now warned of as an unread --set; the figures are those of the MFU alone."""
    alone = run("compare", "h100-sxm", "-w", "llama3-70b", "--set", "workload.mfu=0.4", "-f", "json")
    both = run(
        "compare", "h100-sxm", "-w", "llama3-70b", "--set", "workload.mfu=0.4",
        "--set", "workload.tuning=tuned", "--set", "workload.attention_kernel=flash2", "-f", "json",
    )  # fmt: skip
    assert alone.exit_code == both.exit_code == 0
    cost = [json.loads(r.stdout)["results"][0]["effective_cost_usd"] for r in (alone, both)]
    assert cost[0] == cost[1]
    for name, value in (("tuning", "tuned"), ("attention_kernel", "flash2")):
        assert (
            f"Warning: --set workload.{name}={value}: no option reads it (a measured MFU is final: no step model runs to read "
            f"workload.{name})"
        ) in both.stderr


def test_the_tuning_is_not_warned_of_where_an_option_still_models_its_step(run) -> None:
    """Pinned beside it: a part's own MFU is final for that part only; another option's step model reads the tuning,
    so the --set is read (and moves that option's figures)."""
    result = run("compare", "h100-sxm", "mi300x", "-w", "llama3-70b", "--set", "h100-sxm.mfu=0.4", "--set", "workload.tuning=tuned")
    assert result.exit_code == 0 and "no option reads it" not in result.stderr


def test_a_final_mfu_drops_the_hint_to_set_the_tuning(run) -> None:
    """The notes of an option at a final MFU advised "workload.tuning = tuned: a Megatron/NeMo-class stack", a setting
    that would change nothing; the tuning note is left out there (it stays where the step model runs)."""
    final = run("compare", "h100-sxm", "-w", "llama3-70b", "--set", "workload.mfu=0.4", "-f", "json")
    modelled = run("compare", "h100-sxm", "-w", "llama3-70b", "-f", "json")
    notes = [json.loads(r.stdout)["results"][0]["notes"] for r in (final, modelled)]
    assert not any(n.startswith("software tuning:") for n in notes[0])
    assert "measured MFU given (workload.mfu): final, no layout model on top" in notes[0]
    assert any(n.startswith("software tuning: typical (workload.tuning = tuned") for n in notes[1])


def test_a_nested_table_without_a_value_is_warned_of_as_a_top_level_one_is(run) -> None:
    """``--set 'a100-80gb.peak={bf16_tflops={low=1, high=2}}'`` left the BF16 peak unknown with no warning (round 86
    warned of ``scenario.pue={low=…}`` only, a quantity set directly): a quantity in a table the --set gives is now
    told the same way; with a value, or as an empty table (unknown on purpose), it is not."""
    emptied = run("compare", "a100-80gb", "-w", "llama3-8b", "--set", "a100-80gb.peak={bf16_tflops={low=1, high=2}}")
    assert (
        "Warning: --set a100-80gb.peak={bf16_tflops={low=1, high=2}}: the table it gives a100-80gb.peak.bf16_tflops has no "
        "value, so it is unknown; write value=… in it too, or set an end alone (--set a100-80gb.peak.bf16_tflops.low=…); an "
        "empty table, a100-80gb.peak.bf16_tflops={}, says unknown on purpose\n"
    ) in emptied.stderr
    for table in ("{bf16_tflops={value=300, low=1, high=400}}", "{bf16_tflops={}}"):
        quiet = run("compare", "a100-80gb", "-w", "llama3-8b", "--set", f"a100-80gb.peak={table}")
        assert "has no value" not in quiet.stderr and "gives no value" not in quiet.stderr


def test_estimates_mode_in_another_case_says_how_to_write_it() -> None:
    """``tco.estimate(..., mode="TRAIN")`` said only "expected train or infer, got 'TRAIN'", where a precision or a
    tuning level in another case is told how to write it: now "(write 'train')" too; a word that is neither is not."""
    import tco

    with pytest.raises(tco.InputError, match=r"^mode: expected train or infer, got 'TRAIN' \(write 'train'\)$"):
        tco.estimate("h100-sxm", parameters=7e9, mode="TRAIN")
    with pytest.raises(tco.InputError, match=r"^mode: expected train or infer, got 'serve'$"):
        tco.estimate("h100-sxm", parameters=7e9, mode="serve")


@pytest.mark.parametrize(("flag", "ref"), [("-w", "."), ("-s", ".."), (None, ".")])
def test_the_working_folder_given_as_an_input_is_named_a_folder(run, flag: str | None, ref: str) -> None:
    """``-w .`` (and ``Path('')``, which Python reads as ``.``) said "unknown workload '.'; see 'tco workloads list'", as
    of an id no file has; no id can be ``.`` or ``..`` (an id starts with a letter or digit), so they are read as the
    paths they are, and named as folders, as ``-w ./`` already was."""
    args = ["compare", ref, "-w", "gpt3-1.3b"] if flag is None else ["compare", "h100-sxm", "-w", "gpt3-1.3b", flag, ref]
    if flag == "-w":
        args = ["compare", "h100-sxm", "-w", ref]
    result = run(*args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"Error: {ref}: is a directory, expected a TOML file\n"


def test_a_path_object_of_nothing_is_named_a_folder_in_python() -> None:
    """The Python API names the same: ``load_inputs(..., workload=Path(''))``."""
    from pathlib import Path

    import tco

    with pytest.raises(tco.InputError, match=r"^\.: is a directory, expected a TOML file$"):
        tco.load_inputs(["h100-sxm"], workload=Path(""))


def test_the_repr_of_a_numpy_number_in_a_set_says_to_write_the_number() -> None:
    """``sets=[f"scenario.pue={np.float64(1.3)!r}"]`` (numpy 2 writes ``np.float64(1.3)``; numpy 1 wrote ``1.3``, so the
    text is given as numpy 2 writes it) was refused as text with no hint; the error now says what it is and what to
    write."""
    import tco

    with pytest.raises(tco.TcoError) as caught:
        tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b", sets=["scenario.pue=np.float64(1.3)"])
    assert str(caught.value).endswith(
        "got text 'np.float64(1.3)' (the repr of a numpy number: write the number, 1.3, or format it with str())"
    )


def test_a_default_batch_past_a_short_run_is_warned_of(run) -> None:
    """Round 86 warned of a global batch the user gave that holds more tokens than the run; the model's own default,
    2e6 · (N / 7e9)^(1/3) tokens (Llama 3 8B, 8.03e9 parameters: 2.094e6), passed a fine-tune of a million tokens with
    no word. It is now warned of too, naming the estimate and the input that would give the run's own."""
    result = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.training_tokens=1e6")
    assert result.exit_code == 0
    assert (
        "Warning: llama3-8b: the default global batch (2.094e+06 tokens a step, estimated from the model size) is more than "
        "the 1e+06 tokens of training_tokens: the figures count a fraction of one step at it; give the run's own batch, "
        "global_batch_tokens\n"
    ) in result.stderr
    shipped = run("compare", "h100-sxm", "-w", "llama3-8b")
    assert "default global batch" not in shipped.stderr


@pytest.mark.parametrize(
    ("setting", "hint"),
    [
        ("scenario.fabric=roce", "got 'roce': write 'ethernet' (RoCE runs over Ethernet)"),
        ("scenario.market=us", "got 'us': write 'global' (every market outside China; cn is China's)"),
        ("scenario.market=China", "got 'China': write 'cn' (China's market)"),
    ],
)
def test_a_choice_written_by_another_name_says_which_value_it_is(run, setting: str, hint: str) -> None:
    """``fabric = "roce"`` and ``market = "us"`` were refused with the allowed values only; the refusal now names the
    value meant (a fabric by its protocol, a market by its country)."""
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", setting)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.rstrip("\n").endswith(hint)


def test_another_name_of_some_other_fields_value_gets_no_hint(run) -> None:
    """Pinned beside it: 'us' is a market's other name, not a precision's."""
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "workload.precision=us")
    assert result.stderr == "Error: --set: workload.precision: expected 'bf16', 'fp16', 'fp8', 'int8' or 'fp4', got 'us'\n"


def test_a_number_shown_in_full_keeps_its_thousands_separator() -> None:
    """A figure whose six digits are not the number is shown in full; with grouping it lost its separators
    (``size --capex-usd 29449.99``: "exceeds $29449.99" beside "the least purchase, at 1, is $29,450")."""
    from tco.errors import show_number

    assert show_number(29449.99, grouping=True) == "29,449.99"
    assert show_number(29449.99) == "29449.99"
    assert show_number(-1234567.891, grouping=True) == "-1,234,567.891"
    assert show_number(7.700000000000001e300, grouping=True) == "7.700000000000001e+300"
    assert show_number(1e-320, grouping=True) == "1e-320"


def test_a_published_row_falls_in_the_same_half_by_any_name_of_its_part() -> None:
    """The fit/held-out split hashed the row's accelerator as typed, so a run naming its part by an alias ("a100") could
    fall in the other half from the same run named by the id ("a100-80gb"); the split now hashes the id of the profile
    the row names. (Every shipped row names an id: the shipped split, and every calibration figure, are unchanged.)"""
    from tco.calibration import serving_split, split_of
    from tco.models import CalibrationRow, ServingRow

    train = {"model": "M", "parameters": 7e9, "seq_len": 2048, "accelerator_count": 64, "precision": "bf16", "tokens_per_second": 3e3}
    serve = {
        "model": "M", "parameters": 7e9, "accelerators": 8, "precision": "fp8", "scenario": "offline",
        "input_tokens": 128, "output_tokens": 128, "tokens_per_second": 1e4,
    }  # fmt: skip
    for label in ("a", "b", "c", "d", "e", "f", "g", "h"):
        by_alias = CalibrationRow.model_validate({**train, "model": label, "accelerator": "a100"})
        by_id = CalibrationRow.model_validate({**train, "model": label, "accelerator": "a100-80gb"})
        assert split_of("s", by_alias, "a100-80gb") == split_of("s", by_id, "a100-80gb") == split_of("s", by_id)
        s_alias = ServingRow.model_validate({**serve, "model": label, "accelerator": "a100"})
        s_id = ServingRow.model_validate({**serve, "model": label, "accelerator": "a100-80gb"})
        assert serving_split("s", s_alias, "a100-80gb") == serving_split("s", s_id)
    # (and the typed name alone would have split them: some label falls apart)
    assert any(
        split_of("s", CalibrationRow.model_validate({**train, "model": m, "accelerator": "a100"}))
        != split_of("s", CalibrationRow.model_validate({**train, "model": m, "accelerator": "a100-80gb"}))
        for m in "abcdefgh"
    )
