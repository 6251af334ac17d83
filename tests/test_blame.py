"""Errors name the input a user would change: a sequence too long for memory blames its length (the flag or the
file's key), not the part's memory or the parameter count; and a break-even's verdict is printed once per stream."""

from __future__ import annotations

from pathlib import Path

import pytest

import tco
from tests.factories import table_row

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def test_estimate_blames_the_sequence_length_its_flag_gave(run) -> None:
    """``estimate a100-80gb --params 1e9 --seq-len 1e15`` said 'a100-80gb: memory_gb: activations of one
    1000000000000000-token sequence ... exceed a100-80gb's usable memory': the part was blamed for a length
    no part holds. The flag is blamed now, as compare blames a workload file's seq_len; a Python caller's
    argument is ``seq_len``."""
    r = run("estimate", "a100-80gb", "--params", "1e9", "--seq-len", "1000000000000000")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("Error: --seq-len: activations of one 1,000,000,000,000,000-token sequence"), r.stderr
    assert r.stderr.count("\n") == 1
    with pytest.raises(tco.InfeasibleError) as exc:
        tco.estimate("a100-80gb", parameters=1e9, seq_len=10**15)
    assert str(exc.value).startswith("seq_len: activations of one 1,000,000,000,000,000-token sequence")


def test_a_set_of_the_memory_keeps_the_blame(run) -> None:
    """Where a --set wrote the part's memory, that --set is blamed, as before: it is what changed."""
    r = run("estimate", "a100-80gb", "--params", "1e9", "--seq-len", "100000000000", "--set", "a100-80gb.memory_gb=2")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: --set: a100-80gb.memory_gb: activations of one 100,000,000,000-token sequence"), r.stderr


def test_an_unflagged_sequence_length_is_not_blamed(run) -> None:
    """Without --seq-len (2,048 by default), a width too large for one sequence's activations blames the
    width's flag, --d-model, not a --seq-len the user never gave."""
    r = run("estimate", "a100-80gb", "--params", "1e9", "--d-model", "100000000", "--layers", "2", "--heads", "8")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: --d-model: activations of one 2,048-token sequence"), r.stderr


def test_serving_blames_the_sequence_when_the_weights_fit(run) -> None:
    """Serving a 1e9-parameter model (2 GB of 16-bit weights, which fit one 80 GB part) at a 1e13-token
    sequence said '--params: ... the weights and one sequence do not fit': the sequence's cache is what does
    not fit, so its length is blamed (the longer of the output and prompt flags given, else --seq-len)."""
    r = run("estimate", "a100-80gb", "--params", "1e9", "--mode", "infer", "--seq-len", "10000000000000")
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: --seq-len: a100-80gb cannot serve the model: one 10,000,000,000,000-token sequence's KV cache "
        "does not fit beside the weights on up to 64 per replica\n"
    )
    r = run("estimate", "a100-80gb", "--params", "1e9", "--mode", "infer", "--output-tokens", "10000000000", "--prompt-tokens", "10")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --output-tokens: "), r.stderr
    # 1e14 parameters are 200 TB of 16-bit weights, past 64 × 80 GB: the model's size is blamed, as before.
    r = run("estimate", "a100-80gb", "--params", "1e14", "--mode", "infer")
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: --params: a100-80gb cannot serve the model: the weights and one sequence do not fit on up to 64 per replica\n"
    )


def test_a_serving_file_s_too_long_sequence_blames_its_seq_len(run, tmp_path: Path) -> None:
    """A full copy of chat-70b (it writes parameters, seq_len and the shape) with seq_len = 4e12 blamed
    ``parameters``, the first size key it writes; the weights (141 GB) fit a replica of 64 H100s, so its
    seq_len is blamed."""
    text = (PROFILES / "workloads" / "chat-70b.toml").read_text(encoding="utf-8")
    text = text.replace('id = "chat-70b"', 'id = "chatlong"').replace("seq_len = 4096", "seq_len = 4000000000000")
    path = tmp_path / "chatlong.toml"
    path.write_text(text, encoding="utf-8")
    r = run("compare", "h100-sxm", "-w", str(path))
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {path}: seq_len: h100-sxm cannot serve chatlong: one 4,000,000,000,000-token sequence's KV cache "
        "does not fit beside the weights on up to 64 per replica\n"
    )


def test_a_break_even_s_verdict_is_printed_once_per_stream(run) -> None:
    """The table showed the verdict as its message row, then again as a trailing line (and stderr a third
    time): now the table's row and stderr's line, as compare prints its verdict on stderr."""
    r = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article")
    assert r.exit_code == 0
    verdict = r.stderr.strip().splitlines()[-1]
    assert verdict.startswith("a100-80gb and mlu370-s4 tie at scenario.cost_of_delay_usd_per_day = ")
    assert table_row(r.stdout, "message") == "message                      " + verdict
    assert r.stdout.count(" tie at ") == 1 and r.stdout.endswith("wins\n")
    md = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "-s", "article", "-f", "markdown")
    assert md.stdout.count(" tie at ") == 1 and md.stdout.endswith("|\n")


def test_size_shows_the_purchase_beside_a_budget_that_bounds_the_job_cost(run) -> None:
    """``size a100-80gb --budget-usd 1e6`` answered 131,072 A100s 'meeting' $1M: the budget bounds the job's cost,
    which charges an owned fleet only its share of the hardware's life. The purchase is now a column (capex),
    and the note says when it exceeds the budget. One A100's capex is $29,450 (a deadline of 200 days sizes one);
    the count's capex is at least that many times it (a larger cluster adds network tiers: the capex per
    accelerator rises with the count). Rented capacity has no capex and no note."""
    import json

    one = json.loads(run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "200", "-f", "json").stdout)["results"][0]
    assert one["count"] == 1 and one["capex_usd"] == pytest.approx(29450)
    r = run("size", "a100-80gb", "a100-80gb:rent", "-w", "gpt3-1.3b", "--budget-usd", "1e6", "-f", "json")
    bought, rented = json.loads(r.stdout)["results"]
    assert bought["capex_usd"] >= bought["count"] * 29450
    searched = " (the largest count searched, 131,072: more may fit)"
    assert bought["count"] == rented["count"] == 131072
    assert bought["message"] == (
        f"131,072 × a100-80gb meets budget_usd = $1,000,000{searched} (the job's cost; buying them costs "
        f"${bought['capex_usd']:,.0f} up front)"
    )
    assert rented["capex_usd"] == 0 and rented["message"] == f"131,072 × a100-80gb:rent meets budget_usd = $1,000,000{searched}"
    table = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "200").stdout
    assert table.splitlines()[1].split()[-2:] == ["capex", "note"] and "$29,450" in table


def test_a_default_break_even_range_stays_within_the_numbers_an_input_takes(run) -> None:
    """The default range of an input without low/high is ÷10 .. ×10 of its value. After ``--set
    a100-80gb.price_usd=1e-300`` that reached 1e-301, and the run failed on a value the user never gave
    ('1e-301 is not allowed'); after 1e308, ×10 overflowed to inf ('got 1e+307, inf'). The range now stops at
    1e-300 and at the largest float (1.79769e+308)."""
    base = ["breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "a100-80gb.price_usd"]
    r = run(*base, "--set", "a100-80gb.price_usd=1e-300")
    assert r.exit_code == 0, r.stderr
    assert "no tie for a100-80gb.price_usd in [1e-300, 1e-299]: a100-80gb wins across the whole range" in r.stderr
    r = run(*base, "--set", "a100-80gb.price_usd=1e308")
    assert r.exit_code == 0, r.stderr
    assert "no tie for a100-80gb.price_usd in [1e+307, 1.79769e+308]: mlu370-s4 wins across the whole range" in r.stderr


def test_profiles_validate_reads_standard_input_once(run) -> None:
    """``profiles validate - -`` read standard input twice and printed 'ok: -' twice (or each error twice);
    compare refuses '-' given twice, and so does validate now."""
    text = (PROFILES / "accelerators" / "a100-80gb.toml").read_text(encoding="utf-8")
    r = run("profiles", "validate", "-", "-", input=text)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == "Error: -: standard input holds one file: give '-' once\n"
    r = run("profiles", "validate", "-", input=text)
    assert r.exit_code == 0 and r.stdout == "ok: -\n"


def test_report_and_plot_name_the_output_flag_as_every_command_does(run, tmp_path: Path) -> None:
    """report and plot named a wrong output suffix '--output' where every other command's output errors say
    '-o' (the flag the README and the help examples use)."""
    r = run("report", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2
    assert "Error: Invalid value for -o: expected a file name ending in .html (or - for standard output)" in r.stderr
    r = run("plot", "cdf", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2
    assert "Error: Invalid value for -o: expected a file name ending in .svg or .png" in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_an_upper_case_rent_keyword_is_refused_with_the_spelling_that_works(run) -> None:
    """Ids are case-insensitive but ':rent' and ':buy' are keywords, written in lower case: ':RENT' was refused
    with the grammar alone; the error now says which spelling works."""
    r = run("compare", "a100-80gb@8:Rent=2.5", "-w", "gpt3-1.3b")
    assert r.exit_code == 1
    assert r.stderr == (
        "Error: accelerator: expected ID[@COUNT][:rent[=USD_PER_HOUR]|:buy], got 'a100-80gb@8:Rent=2.5' (did you mean ':rent'?)\n"
    )
    r = run("compare", "a100-80gb:lease", "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and r.stderr.endswith("got 'a100-80gb:lease'\n")
