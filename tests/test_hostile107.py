"""Hostile round 107 (numbers at their edges as they are printed, through every output format): an input of -0, the
digits of other scripts and Unicode white space in the number flags, numpy scalars given to the Python API, and
subnormal, huge, infinite and NaN values, each through the table, CSV, JSON, Markdown, the workbook and the
report. Earlier rounds refused subnormal inputs (test_hostile, 57, 58), a profile's full-width digits (106) and
numpy scalars as top-level arguments (81); these are what they left."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

import tco


def _signed_zeros(data: object) -> list[float]:
    """Every -0.0 in a JSON document read back."""
    if isinstance(data, float):
        return [data] if data == 0 and math.copysign(1.0, data) < 0 else []
    if isinstance(data, dict):
        return [z for v in data.values() for z in _signed_zeros(v)]
    if isinstance(data, list):
        return [z for v in data for z in _signed_zeros(v)]
    return []


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_input_of_minus_zero_is_written_as_zero_in_json(run, fmt: str) -> None:
    """1: ``--set scenario.operations_usd_per_accelerator_year=-0.0`` (or a lead time of -0) gave ``"operations_usd":
    -0.0`` and ``"lead_time_days": -0.0`` in ``-f json`` and ``-f jsonl`` (json.dumps writes a zero's sign), where CSV
    and the table write 0: a buyer read a minus zero. Every zero is now written 0.0."""
    r = run(
        "compare", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-f", fmt,
        "--set", "scenario.operations_usd_per_accelerator_year=-0.0", "--set", "h100-sxm.lead_time_weeks=-0",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    docs = [json.loads(r.stdout)] if fmt == "json" else [json.loads(line) for line in r.stdout.splitlines()]
    results = docs[0]["results"] if fmt == "json" else docs
    assert [(x["operations_usd"], x["lead_time_days"]) for x in results] == [(0.0, 0.0), (0.0, 70.0)]
    assert not [z for d in docs for z in _signed_zeros(d)]
    assert "-0.0," not in r.stdout and "-0.0\n" not in r.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_a_break_even_range_from_minus_zero_is_shown_from_zero(run, fmt: str) -> None:
    """1: ``tco breakeven ... --range -0:10`` showed ``range_low -0`` in the table and Markdown, ``-0.0`` in JSON, and
    its message said ``no tie ... in [-0, 10]``. The range and the message now start at 0."""
    r = run("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--range=-0:10", "-f", fmt)
    assert r.exit_code == 0, r.stderr
    message = "no tie for scenario.cost_of_delay_usd_per_day in [0, 10]: h100-sxm wins across the whole range"
    assert r.stderr.strip() == message
    if fmt == "json":
        result = json.loads(r.stdout)["results"][0]
        assert (result["range_low"], result["message"]) == (0.0, message)
        assert math.copysign(1.0, result["range_low"]) == 1.0
    elif fmt == "csv":
        assert ",0,10,,,,h100-sxm,h100-sxm,," in r.stdout
    else:
        rows = {line.strip("| ").split()[0]: line for line in r.stdout.splitlines() if line.strip("| ").startswith("range_low")}
        assert rows["range_low"].replace("|", " ").split() == ["range_low", "0"]
    assert "-0" not in r.stdout.replace('"range": "-0:10"', "")  # (the audit trail's echo of the flag as typed)


def test_the_workbook_discounts_a_cash_flow_at_time_zero_without_a_double_minus(run, tmp_path) -> None:
    """1: with a lead time of -0 (``--set h100-sxm.lead_time_weeks=-0.0``) the workbook's 'Cash flow' sheet
    discounted the first cash flow by ``(1+r)^(--0.0)``: a spreadsheet reads it (two unary minuses), a person
    checking the formula reads a typo. It is now ``(1+r)^(-0.0)``, as with a lead time of 0."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "w.xlsx"
    r = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "h100-sxm.lead_time_weeks=-0.0", "-f", "xlsx", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    formulas = [v for row in openpyxl.load_workbook(out)["Cash flow"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    discounted = [f for f in formulas if "^(-" in f and "(1+" in f]
    assert discounted and discounted[0].startswith("=C2*(1+Assumptions!$C$19)^(-0.0)+D2*")
    assert not [f for f in formulas if "--" in f]


def test_a_refusal_shows_a_numpy_scalar_inside_a_list_as_its_plain_value() -> None:
    """2: ``tco.what_if(inputs, {"scenario.market": [np.str_("china")]})`` was refused with ``got dict
    {'scenario.market': [np.str_('china')]}`` (and ``np.float64(1.5)`` beside it): numpy's repr, which a numpy 1
    user does not even see for the same value. A top-level numpy scalar was already shown plain (round 81); one in a
    list or a mapping now is too: ``['china']``, ``[1.5, 'x']``."""
    inputs = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
    with pytest.raises(tco.InputError) as e:
        tco.what_if(inputs, {"scenario.market": [np.str_("china")]})
    assert str(e.value) == "changes: expected Mapping[str, Sequence[float]], got dict {'scenario.market': ['china']}: item 0: not a number"
    with pytest.raises(tco.InputError) as e:
        tco.what_if(inputs, {"scenario.pue": [np.float64(1.5), np.str_("x")]})
    assert str(e.value) == "changes: expected Mapping[str, Sequence[float]], got dict {'scenario.pue': [1.5, 'x']}: item 1: not a number"
    with pytest.raises(tco.InputError) as e:
        tco.sweep(inputs, [np.float64(1.5)])
    assert str(e.value) == "vary: expected Sequence[str], got list [1.5]: item 0: not text"


HINT = " (digits that are not ASCII, as an input method may type them: write {})"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "１０００"],
            "Invalid value for '--budget-usd': expected an amount in USD such as 5e6, 5,000,000 or 5M, got '１０００'"
            + HINT.format("1000"),
        ),
        (
            ["size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "５M"],
            "Invalid value for '--budget-usd': expected an amount in USD such as 5e6, 5,000,000 or 5M, got '５M'" + HINT.format("5M"),
        ),
        (
            ["compare", "h100-sxm@8:rent=２.1", "-w", "llama3-8b"],
            "accelerator: expected :rent=USD_PER_HOUR with a finite positive number of at least 1e-300, got 'h100-sxm@8:rent=２.1'"
            + HINT.format("h100-sxm@8:rent=2.1"),
        ),
        (
            ["breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--range", "０:１0"],
            "--range: expected numbers LO:HI, got '０:１0'" + HINT.format("0:10"),
        ),
        (
            ["sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=１:2:３"],
            "--vary: scenario.pue: expected numbers LO:HI:N, got '１:2:３'" + HINT.format("1:2:3"),
        ),
        (
            ["sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1.1,１.２"],
            "--vary: scenario.pue: expected numbers, got '１.２'" + HINT.format("1.2"),
        ),
        (
            ["estimate", "h100-sxm", "--params", "７B"],
            "--params: expected a number such as 6.7e9 or 6.7B, got '７B'" + HINT.format("7B"),
        ),
    ],
)
def test_a_number_flag_in_full_width_digits_names_the_ascii_number(run, args: list[str], message: str) -> None:
    """3: ``--budget-usd １０００``, ``:rent=２.1``, ``--range ０:１0``, ``--vary pue=１:2:３`` or ``pue=1.1,１.２`` and
    ``--params ７B`` were refused without the hint ``--deadline-days １０`` and ``--set`` give (``write 10``): the
    user saw the number they typed called no number. Each now says what to write, the suffix, the option's id and
    the rest of the range kept."""
    r = run(*args)
    assert r.exit_code in (1, 2), r.stdout
    assert r.stderr.strip().splitlines()[-1].removeprefix("Error: ").split(" (see 'tco")[0] == message


SPACES = ["\x85", "\xa0", "\u2003"]


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["simulate", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-q", "-n", "100{}"], "'--samples' / '-n': expected a whole number"),
        (["simulate", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-q", "-n", "100", "--seed", "{}7"], "'--seed': expected a whole number"),
        (["size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", "5M{}"], "'--budget-usd': expected an amount in USD"),
        (["size", "h100-sxm", "-w", "llama3-8b", "--deadline-days", "100{}"], "'--deadline-days': expected a number"),
        (["estimate", "h100-sxm", "--params", "7B{}"], "--params: expected a number such as 6.7e9 or 6.7B"),
        (["sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1:2:3{}"], "--vary: scenario.pue: expected a whole number"),
    ],
)
def test_a_number_flag_with_unicode_white_space_is_refused_as_every_number_flag_refuses_it(run, args, flag: str, space: str) -> None:
    """4: ``-n '100\\x85'`` (NEL), ``--seed '\\xa07'``, ``--budget-usd '5M\\u2003'``, ``--params '7B\\xa0'`` and
    ``--vary pue=1:2:3\\x85`` ran as 100, 7, $5M, 7B and 3 points (str.strip() and int() take Unicode's white space),
    while ``--deadline-days '100\\x85'`` was refused: one flag took what another refused. Every number flag now reads
    ASCII only, white space too (a space or tab around the number is still read), and refuses the rest."""
    r = run(*[a.format(space) for a in args])
    assert r.exit_code in (1, 2), r.stdout
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and flag in errors[0] and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_ascii_white_space_around_a_count_is_still_read(run) -> None:
    """4: the other side of the rule: ``-n ' 100 '`` and ``--budget-usd ' 5M '`` still read as 100 and $5M."""
    r = run("simulate", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "-q", "-n", " 100 ", "--seed", "\t7 ", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert (json.loads(r.stdout)["samples"], json.loads(r.stdout)["seed"]) == (100, 7)
    r = run("size", "h100-sxm", "-w", "llama3-8b", "--budget-usd", " 5M ", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["inputs"]["budget_usd"] == 5_000_000


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_a_ratio_that_is_not_zero_is_not_shown_as_zero(run, fmt: str) -> None:
    """5: with ``--set h100-sxm.price_usd=1e21`` the side-by-side table's ratio column read ``0.00×`` for every cost
    of the A100 against the H100 ($3,770,876 / $3.34e+22 = 1.13e-16), as if the A100 cost nothing. A ratio that is
    not 0 but would read 0.00× is now written to two significant digits, as num() writes such a figure: 1.1e-16×
    for the cost per token and the job cost (the same ratio, 3,770,876 / 3.3401e22) and 1.3e-16× for the effective
    cost ($4,376,931 / $3.3401e22 = 1.310e-16)."""
    r = run("compare", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--set", "h100-sxm.price_usd=1e21", "-f", fmt)
    assert r.exit_code == 0, r.stderr
    ratios = {
        cells[0]: cells[-1]
        for line in r.stdout.splitlines()
        if line.startswith(("Cost per", "Job cost", "Effective", "| Cost per", "| Job cost", "| Effective"))
        for cells in [re.split(r"\s*\|\s*|\s{2,}", line.strip("| "))]
    }
    assert ratios == {
        "Cost per million tokens (USD)": "1.1e-16×",
        "Job cost (USD)": "1.1e-16×",
        "Effective cost (USD)": "1.3e-16×",
    }
    assert "0.00×" not in r.stdout


def test_a_rare_win_is_not_shown_as_no_win_by_simulate_and_the_report(run, tmp_path) -> None:
    """5: a rented H100 quoted at $90 an hour beats the bought one in 2 of 5,000 samples (seed 0): ``tco simulate``
    showed P(win) ``0.0%`` for it and ``100.0%`` for the bought one, and the report wrote the same with its own
    ``:.1%``, as if it never won; its infeasible-samples note would read 'cannot run in 2 of the 5,000 samples
    (0.0%)'. A share that is not 0 now reads ``<0.1%``, one short of the whole ``>99.9%`` (as share() writes them),
    and the report writes the win shares as simulate does."""
    r = run("simulate", "h100-sxm", "h100-sxm:rent=90", "-w", "llama3-8b", "-n", "5000", "-q", "-f", "json")
    assert [x["win_probability"] for x in json.loads(r.stdout)["results"]] == [4998 / 5000, 2 / 5000]
    r = run("simulate", "h100-sxm", "h100-sxm:rent=90", "-w", "llama3-8b", "-n", "5000", "-q")
    assert r.exit_code == 0, r.stderr
    wins = {line.split()[0]: line.split()[-1] for line in r.stdout.splitlines() if line.startswith("h100-sxm")}
    assert wins == {"h100-sxm": ">99.9%", "h100-sxm:rent=90": "<0.1%"}
    out = tmp_path / "r.html"
    r = run("report", "h100-sxm", "h100-sxm:rent=90", "-w", "llama3-8b", "-n", "5000", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "&gt;99.9%" in page and "&lt;0.1%" in page and "100.0%" not in page and ">0.0%" not in page


def test_a_calibration_error_that_rounds_to_zero_has_no_minus_sign(run) -> None:
    """5: ``tco calibrate`` showed the L40S's Llama-3-8B fp8 2,048/2,048 row (published 2,048.9 tokens/s, the model
    2,048.1: an error of -0.8/2,048.9 = -0.04 %) as ``-0.0%``, and two more rows so; the comparison's 'Gap' column
    already wrote such a figure ``+0.0%`` (round 33). calibrate's error column now writes its percentages with the
    same function (render.signed_percent): ``+0.0%``, and from a million percent in significant digits on the serving
    rows too, as the training rows did."""
    from tco.render import signed_percent

    assert [signed_percent(x) for x in (-0.8 / 2048.9 * 100, -0.04, 0.04, -0.05000001, 12.34, -3e6)] == [
        "+0.0%", "+0.0%", "+0.0%", "-0.1%", "+12.3%", "-3e+06%",
    ]  # fmt: skip
    data = json.loads(run("calibrate", "-f", "json").stdout)
    near_zero = [x for x in data["serving"]["rows"] if x["error"] is not None and -0.0005 < x["error"] < 0]
    assert near_zero  # (the rows that showed -0.0%: the L40S one among them)
    r = run("calibrate")
    assert r.exit_code == 0, r.stderr
    assert "-0.0%" not in r.stdout
    l40s = [line.split() for line in r.stdout.splitlines() if " l40s " in line and " Llama-3-8B " in line and " 2,048/2,048 " in line]
    assert [(row[-4], row[-3], row[-2]) for row in l40s if row[-4] == "2,048.9"] == [("2,048.9", "2,048.1", "+0.0%")]
