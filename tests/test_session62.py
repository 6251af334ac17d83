"""Session 62: a table given with ``--set`` merges into the table it is given over, and a list of swept values
written in TOML's brackets is refused in the form ``--vary`` reads.

* ``--set 'h100-sxm.peak={bf16_tflops=500}'`` replaced the whole ``peak`` table: the FP8, FP16 and INT8 peaks were
  dropped without a word, so an FP8 job ran at the 16-bit rate (2,617 tokens/s per H100 on llama3-8b, the BF16
  job's figure, instead of 5,219). A table over a table now merges key by key, as ``extends`` does; an empty table
  still empties it (the way to clear a map such as the grid intensity by market), and a quantity's table still
  replaces the quantity whole. What the table does not hold is not its input: another ``--set``, ``--vary`` or
  ``--param`` may give it (it was refused as 'given twice' or 'both varied and set'), an error in it is blamed on its
  file, and the workbook's Assumptions sheet marks as overridden only the fields the table holds. An entry of a list
  (``stages[long-context]``, ``benchmarks[gpt3-1.3b]``) given as a table merges the same way: it dropped the stage's
  sequence length, and refused a measurement without its source.
* ``--vary 'workload.precision=[bf16,fp8]'`` said "expected a TOML value (it starts with '['), got '[bf16'" and
  ``--vary 'scenario.pue=[1.1,1.2]'`` "expected numbers, got '[1.1'": both now say to list the values without
  brackets, and show the spec that would be read.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import one_error


def _result(run: Any, *args: str) -> dict[str, Any]:
    out = run("compare", *args, "-f", "json")
    assert out.exit_code == 0, out.stderr
    results: list[dict[str, Any]] = json.loads(out.stdout)["results"]
    assert len(results) == 1
    return results[0]


def test_a_table_set_over_a_table_keeps_the_keys_it_does_not_give(run) -> None:
    """An FP8 job on an H100 whose BF16 peak is set to 500 TFLOPS as a table runs exactly as with the dotted path
    (``peak.bf16_tflops=500``): the FP8 peak (1,979) is kept. Before, the table dropped it and the job ran as a BF16
    one on the 500 TFLOPS peak, the same figure as ``workload.precision=bf16``."""
    fp8 = ("h100-sxm", "-w", "llama3-8b", "--set", "workload.precision=fp8")
    table = _result(run, *fp8, "--set", "h100-sxm.peak={bf16_tflops=500}")
    dotted = _result(run, *fp8, "--set", "h100-sxm.peak.bf16_tflops=500")
    bf16 = _result(run, "h100-sxm", "-w", "llama3-8b", "--set", "workload.precision=bf16", "--set", "h100-sxm.peak.bf16_tflops=500")
    assert table["tokens_per_second_per_accelerator"] == dotted["tokens_per_second_per_accelerator"]
    assert table["effective_cost_usd"] == dotted["effective_cost_usd"]
    assert table["tokens_per_second_per_accelerator"] > 1.5 * bf16["tokens_per_second_per_accelerator"]


def test_a_rental_table_set_over_a_profiles_rental_keeps_its_lead_time(run, user_profile) -> None:
    """A profile rents with a 3-week lead time; ``--set 'r.rental={usd_per_hour=4}'`` changes the rate and keeps
    the lead time: 21 days before the rented job can start, as with ``--set r.rental.usd_per_hour=4``. Before, the
    table replaced the rental whole and the lead time fell to the default, 0."""
    user_profile(
        "accelerators",
        "r",
        'extends = "h100-sxm"\nid = "r"\naliases = []\n[rental]\nusd_per_hour = 3.0\nlead_time_weeks = 3\n',
    )
    table = _result(run, "r:rent", "-w", "llama3-8b", "--set", "r.rental={usd_per_hour=4}")
    dotted = _result(run, "r:rent", "-w", "llama3-8b", "--set", "r.rental.usd_per_hour=4")
    assert table["lead_time_days"] == dotted["lead_time_days"] == 21.0
    assert table["cost_per_accelerator_hour_usd"] == dotted["cost_per_accelerator_hour_usd"] == 4.0


def test_an_empty_table_still_empties_a_map_and_a_quantity_table_replaces_the_quantity(run) -> None:
    """``{}`` over the grid intensity by market leaves it unknown: with carbon priced at $100/t the option is
    incomplete and names the global intensity it needs (with the shipped map it is ranked, its carbon costed);
    ``{value=1.3, low=1.2}`` over the PUE (shipped 1.25, 1.1–1.58) is that quantity whole: the shipped high end,
    1.58, is not kept, and the sensitivity swings it to the default ±20 %, 1.3 × 1.2 = 1.56."""
    priced = ("h100-sxm", "-w", "llama3-8b", "--set", "scenario.carbon_usd_per_tonne=100")
    emptied = _result(run, *priced, "--set", "scenario.grid_kgco2e_per_kwh_by_market={}")
    plain = _result(run, *priced)
    assert (emptied["status"], emptied["missing_inputs"]) == ("incomplete", ["scenario.grid_kgco2e_per_kwh_by_market.global"])
    assert plain["status"] == "ranked" and plain["carbon_usd"] > 0
    out = run("sensitivity", "h100-sxm", "-w", "llama3-8b", "--set", "scenario.pue={value=1.3,low=1.2}", "-f", "json")
    assert out.exit_code == 0, out.stderr
    pue = [r for r in json.loads(out.stdout)["results"] if r["param"] == "scenario.pue"]
    assert [(r["low"], r["high"], r["range_source"]) for r in pue] == [(1.2, pytest.approx(1.56), "default ±20%, its low as given")]


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("workload.precision=[bf16,fp8]", "workload.precision: list the values without brackets: workload.precision=bf16,fp8"),
        ("scenario.pue=[1.1, 1.2]", "scenario.pue: list the values without brackets: scenario.pue=1.1, 1.2"),
        ("scenario.pue=[]", "scenario.pue: list the values without brackets: scenario.pue=v1,v2,..."),
    ],
)
def test_swept_values_in_brackets_are_refused_in_the_form_vary_reads(run, spec: str, said: str) -> None:
    """A list written as TOML writes one: one line that shows the spec --vary reads, exit 1, nothing on stdout."""
    out = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", spec)
    assert one_error(out) == f"Error: --vary: {said}"


def test_a_table_and_a_field_it_does_not_hold_are_two_inputs_and_one_it_holds_is_given_twice(run) -> None:
    """``peak={bf16_tflops=500}`` and ``peak.fp8_tflops=1500`` write two peaks: the FP8 job runs as with both dotted
    paths. ``peak={bf16_tflops=500}`` and ``peak.bf16_tflops=1500`` write one, twice: refused, as before."""
    fp8 = ("h100-sxm", "-w", "llama3-8b", "--set", "workload.precision=fp8")
    table = _result(run, *fp8, "--set", "h100-sxm.peak={bf16_tflops=500}", "--set", "h100-sxm.peak.fp8_tflops=1500")
    dotted = _result(run, *fp8, "--set", "h100-sxm.peak.bf16_tflops=500", "--set", "h100-sxm.peak.fp8_tflops=1500")
    assert table["effective_cost_usd"] == dotted["effective_cost_usd"]
    twice = run("compare", *fp8, "--set", "h100-sxm.peak={bf16_tflops=500}", "--set", "h100-sxm.peak.bf16_tflops=1500")
    assert one_error(twice) == (
        "Error: --set: h100-sxm.peak.bf16_tflops: given twice ('h100-sxm.peak={bf16_tflops=500}' and "
        "'h100-sxm.peak.bf16_tflops=1500'): give it once"
    )


def test_an_error_in_a_table_a_set_merges_into_is_the_files(run, user_profile) -> None:
    """A scenario file with a negative porting time for the reference maturity, and ``--set
    'scenario.porting={high={weeks=3}}'``: the error names the file and its key, not the ``--set`` (which wrote
    only the high maturity's weeks); a negative figure in the table itself is the ``--set``'s."""
    path = user_profile("scenarios", "bad", 'extends = "default"\nid = "bad"\n[porting.reference]\nweeks = -1\n')
    merged = run("compare", "h100-sxm", "-w", "llama3-8b", "-s", "bad", "--set", "scenario.porting={high={weeks=3}}")
    assert one_error(merged) == f"Error: {path}: porting.reference.weeks: expected at least 0, got -1"
    own = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "scenario.porting={high={weeks=-3}}")
    assert one_error(own) == "Error: --set: scenario.porting.high.weeks: expected at least 0, got -3"


PEAKS = {"bf16_tflops": 700.0, "fp16_tflops": 650.0, "fp8_tflops": 1500.0, "int8_tops": 1400.0}


@settings(max_examples=12, deadline=None, derandomize=True)
@given(keys=st.sets(st.sampled_from(sorted(PEAKS)), min_size=1), precision=st.sampled_from(["bf16", "fp16", "fp8"]))
def test_a_table_set_is_its_fields_set_one_by_one(keys: set[str], precision: str) -> None:
    """Property: any non-empty subset of the H100's peaks given as one table (``h100-sxm.peak={...}``) gives the
    same result, for any precision, as the same peaks given one dotted path each: a table over a table writes only
    the fields it holds."""
    import tco

    chosen = {k: PEAKS[k] for k in sorted(keys)}
    table = "{" + ", ".join(f"{k}={v}" for k, v in chosen.items()) + "}"
    base = [f"workload.precision={precision}"]
    one = tco.compare(tco.load_inputs(["h100-sxm"], workload="llama3-8b", sets=[*base, f"h100-sxm.peak={table}"])).results[0]
    each = tco.compare(
        tco.load_inputs(["h100-sxm"], workload="llama3-8b", sets=[*base, *(f"h100-sxm.peak.{k}={v}" for k, v in chosen.items())])
    )
    assert one.tokens_per_second_per_accelerator == each.results[0].tokens_per_second_per_accelerator
    assert one.effective_cost_usd == each.results[0].effective_cost_usd


def test_a_sweep_and_a_breakeven_may_vary_a_field_a_set_table_does_not_hold(run) -> None:
    """``--set 'h100-sxm.peak={bf16_tflops=500}'`` and ``--vary h100-sxm.peak.fp8_tflops=1000,2000`` write two
    peaks: the sweep runs (two rows, the FP8 job faster at 2,000 TFLOPS), where it was refused as 'both varied and set';
    the BF16 peak the table holds is still refused; a breakeven on the FP8 peak no longer says the --set gives it."""
    table = ("-w", "llama3-8b", "--set", "h100-sxm.peak={bf16_tflops=500}")
    out = run("sweep", "h100-sxm", *table, "--set", "workload.precision=fp8", "--vary", "h100-sxm.peak.fp8_tflops=1000,2000")
    assert out.exit_code == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["h100-sxm.peak.fp8_tflops"] for r in rows] == ["1000", "2000"]
    assert float(rows[1]["tokens_per_second_per_accelerator"]) > float(rows[0]["tokens_per_second_per_accelerator"])
    held = run("sweep", "h100-sxm", *table, "--vary", "h100-sxm.peak.bf16_tflops=1000,2000")
    assert one_error(held) == "Error: --vary: h100-sxm.peak.bf16_tflops is both varied and set with --set: give it once"
    solved = run("breakeven", "h100-sxm", "a100-80gb", *table, "--param", "h100-sxm.peak.fp8_tflops")
    assert solved.exit_code == 0, solved.stderr
    assert "only sets the range searched" not in solved.stdout + solved.stderr


def test_a_table_set_over_a_stage_keeps_the_fields_it_does_not_give(run) -> None:
    """``workload.stages[long-context]={tokens=2e10}`` on deepseek-v3 replaced the stage whole: its 32,768-token
    sequence fell to the workload's 4,096 and the stage ran 2.04 h instead of 3.24 h on 2,048 H800s, without a word.
    The table now merges into the stage, as into any table: the stage is the one ``stages[long-context].tokens=2e10``
    gives (same sequence length, same hours). Its own field set again is given twice; an empty table still leaves the
    stage only its name (its tokens then missing)."""

    def stages(*sets: str) -> list[tuple[str, int, float, float]]:
        r = _result(run, "h800@2048", "-w", "deepseek-v3", *(x for s in sets for x in ("--set", s)))
        return [(s["name"], s["seq_len"], s["tokens"], s["time_to_converge_hours"]) for s in r["stages"]]

    table = stages("workload.stages[long-context]={tokens=2e10}")
    dotted = stages("workload.stages[long-context].tokens=2e10")
    assert table == dotted
    assert table[1][:3] == ("long-context", 32768, 2e10)
    twice = run(
        "compare",
        "h800@2048",
        "-w",
        "deepseek-v3",
        "--set",
        "workload.stages[long-context]={tokens=2e10}",
        "--set",
        "workload.stages[long-context].tokens=1e9",
    )
    assert one_error(twice).startswith("Error: --set: workload.stages[long-context].tokens: given twice (")
    emptied = run("compare", "h800@2048", "-w", "deepseek-v3", "--set", "workload.stages[long-context]={}")
    assert one_error(emptied) == "Error: --set: workload.stages[long-context].tokens: required key is missing"


def test_a_table_set_over_a_measurement_keeps_its_source_and_count(run) -> None:
    """``a100-80gb.benchmarks[gpt3-1.3b]={tokens_per_second=9000}`` was refused ('source: required key is missing'):
    the table replaced the measurement whole. It now merges: the run is measured at 9,000 tokens/s, as with the dotted
    path ``benchmarks[gpt3-1.3b].tokens_per_second=9000``."""
    table = _result(run, "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.benchmarks[gpt3-1.3b]={tokens_per_second=9000}")
    dotted = _result(run, "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.benchmarks[gpt3-1.3b].tokens_per_second=9000")
    assert (table["tokens_per_second_per_accelerator"], table["throughput_source"]) == (9000.0, "measured")
    assert table["effective_cost_usd"] == dotted["effective_cost_usd"]


def test_two_limits_to_size_name_the_flags_given(run) -> None:
    """``tco size h100-sxm --deadline-days 300 --budget-usd 1M`` said "Invalid value for constraint", which is no
    flag: the usage error now names the limit and the flags given (exit 2, one line)."""
    both = run("size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "300", "--budget-usd", "1M")
    assert both.exit_code == 2 and both.stdout == ""
    assert (
        "Error: Invalid value for the limit: give exactly one of --deadline-days, --budget-usd, --capex-usd, --power-kw, "
        "got --deadline-days and --budget-usd"
    ) in both.stderr
    none = run("size", "h100-sxm", "-w", "llama3-8b")
    assert none.exit_code == 2 and "--power-kw, got none" in none.stderr


def test_a_market_refusal_sets_its_source_apart_from_its_rule(run) -> None:
    """The TPU v5p's rule and its source ran together ("...as a Google Cloud service [GCP] Cloud TPU is a Google Cloud
    product..."): the source is now in parentheses after the rule."""
    out = run("compare", "tpu-v5p", "-w", "llama3-8b")
    assert one_error(out) == (
        "Error: accelerator: tpu-v5p cannot be bought in market 'global': Not sold: Google offers Cloud TPUs only as a "
        "Google Cloud service ([GCP] Cloud TPU is a Google Cloud product, rented by the chip-hour); rent it instead with "
        "tpu-v5p:rent"
    )


def test_the_claims_section_is_on_screen_and_left_out_of_a_printout(run, tmp_path) -> None:
    """The report's published-claims section (hostile round 94) pushed a four-option training report onto a second
    printed sheet; it is on screen and left out of a printout, as the folded sections are (the print stylesheet hides
    its ``claims`` block; tests/test_report.py prints the page in Chromium and counts one sheet)."""
    page = tmp_path / "r.html"
    out = run("report", "a100-80gb", "br100", "-w", "gpt3-1.3b", "-o", str(page))
    assert out.exit_code == 0, out.stderr
    text = page.read_text(encoding="utf-8")
    assert '<div class=claims>\n<h2 id="claims">' in text
    printed = text.split("@media print", 1)[1]
    assert ".claims{display:none}" in printed.split("@page", 1)[0]  # (inside the print block, before its end)
