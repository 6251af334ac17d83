"""Hostile round 94 (the seed's market out of the box, as a procurement analyst who has just installed the tool runs
every shipped profile, the Chinese parts and those with an unknown price, power or rental rate above all, alone and
beside the A100, at counts, rented and bought, through every command with the shipped workloads and scenarios):
``tco estimate enflame-i20 --params 1.3B`` refused the inference-only card for 'workload 'estimate'', a workload no
user named, not for the ``--mode train`` it defaults to; a sweep over the L20's unknown price (``--vary
l20.price_usd=...``) noted that the L20 'is not ranked: l20.price_usd unknown', though every point priced and ranked
it, and under ``--strict`` refused the sweep outright; a break-even solving for that unknown price said the same, and
without ``--range`` refused it ('has no value to build a default range from'), though compare searches $1 to $10 M
for the very price at which the L20 would win; compare shows the seed article's relative-to-A100 claims and maturity ratings
beside the model, but the report (the page for a memo) left them out; an unknown price's refusal ended "(with --set
scenario.market=cn)" as if the market were a cause, named an option at a count or rented without its file, and
size's refusal of an unpriced part never said which --set prices it; a break-even with no tie left an empty
'all_values' cell where every other blank is '—'. Each is fixed and tested here."""

from __future__ import annotations

from typing import Any

from tests.factories import one_error


def test_estimate_of_an_inference_card_in_training_names_the_mode_flag(run: Any) -> None:
    """Round 94 1: ``tco estimate enflame-i20 --params 1.3B`` (the mode defaults to train) ended its refusal with
    "workload 'estimate' is a training workload": no workload of that name exists, estimate builds it. The refusal
    now names the flag that asked for training and the one that would answer: '--mode train (the default) asks for
    training: give --mode infer'; a Python caller is told mode='infer'."""
    line = one_error(run("estimate", "enflame-i20", "--params", "1.3B"))
    assert line.startswith("Error: enflame-i20: can_train: enflame-i20 is not a training accelerator (can_train = false)")
    assert line.endswith("; --mode train (the default) asks for training: give --mode infer")
    assert "'estimate'" not in line
    ok = run("estimate", "enflame-i20", "--params", "1.3B", "--mode", "infer")
    assert ok.exit_code == 0, ok.output
    import pytest

    import tco

    with pytest.raises(tco.TcoError) as caught:
        tco.estimate("enflame-i20", parameters=1.3e9)
    assert str(caught.value).endswith("; mode='train' asks for training: give mode='infer'")


def test_a_sweep_over_the_unknown_price_needs_no_price(run: Any) -> None:
    """Round 94 2: ``tco sweep l20 -w gpt3-1.3b --vary l20.price_usd=5000:15000:3`` priced and ranked the L20 at every
    point but noted 'l20 is not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE', and with
    ``--strict`` refused the sweep (exit 1, 'needs l20.price_usd ... (--strict)'). The input the sweep varies is no
    longer missing: no note, and --strict runs it (the path in any spelling --set takes). A sweep over another input
    still notes, and --strict still refuses, the unknown price."""
    args = ("sweep", "l20", "-w", "gpt3-1.3b", "--vary", "L20.price_usd=5000:15000:3")
    done = run(*args)
    assert done.exit_code == 0, done.output
    assert "not ranked" not in done.stderr
    strict = run(*args, "--strict")
    assert strict.exit_code == 0, strict.output
    rows = strict.stdout.splitlines()[1:]
    assert [r.split(",")[2] for r in rows] == ["5000", "10000", "15000"]
    assert {r.split(",")[-2] for r in rows} == {"ranked"}
    other = run("sweep", "l20", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1,1.3")
    assert "Note: l20 is not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE" in other.stderr
    line = one_error(run("sweep", "l20", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1.1,1.3", "--strict"))
    assert line == "Error: l20: needs l20.price_usd, which is unknown (--strict); give it with --set l20.price_usd=VALUE"


def test_a_breakeven_over_an_unknown_price_searches_the_range_compare_does(run: Any) -> None:
    """Round 94 3: ``tco breakeven l20 a100-80gb -w chat-70b --param l20.price_usd`` refused ('has no value to build a
    default range from; give --range LO:HI'), though ``tco compare l20 a100-80gb -w chat-70b`` answers the same question
    ('wins below a unit price of $1,444', searched over $1 to $10 M). The break-even now searches that range for an
    unknown price (0 to 520 weeks for an unknown lead time) and finds the same tie; a price with a value keeps its own
    range."""
    done = run("breakeven", "l20", "a100-80gb", "-w", "chat-70b", "--param", "l20.price_usd", "-f", "json")
    assert done.exit_code == 0, done.output
    import json

    out = json.loads(done.stdout)["results"][0]
    assert (out["range_low"], out["range_high"]) == (1, 10_000_000)
    assert out["winner_below"] == "l20" and out["winner_above"] == "a100-80gb"
    compared = json.loads(run("compare", "l20", "a100-80gb", "-w", "chat-70b", "-f", "json").stdout)
    price = next(r["price_to_match_usd"] for r in compared["results"] if r["accelerator"] == "l20")
    assert abs(out["value"] - price) <= 1e-6 * price
    assert round(out["value"], 2) == 1443.53
    given = ("breakeven", "l20", "a100-80gb", "-w", "chat-70b", "--set", "l20.price_usd=9000", "--param", "a100-80gb.price_usd")
    priced = json.loads(run(*given, "-f", "json").stdout)["results"][0]
    assert (priced["range_low"], priced["range_high"]) == (15_000, 20_000)  # (the A100's own low:high)


def test_a_breakeven_solving_for_the_unknown_price_does_not_say_it_is_missing(run: Any) -> None:
    """Round 94 4: ``tco breakeven l20 a100-80gb -w gpt3-1.3b --param l20.price_usd --range 1:1e7`` noted 'l20 is not
    ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE' above the answer, for the very input
    it solves for, and ``--strict`` refused the break-even. Neither now: the price it solves for is given at every
    point. Solving for another input still needs the price, and says so."""
    args = ("breakeven", "l20", "a100-80gb", "-w", "gpt3-1.3b", "--param", "l20.price_usd", "--range", "1:1e7")
    done = run(*args)
    assert done.exit_code == 0, done.output
    assert "not ranked" not in done.stderr
    assert done.stderr == "no tie for l20.price_usd in [1, 10,000,000]: a100-80gb wins across the whole range\n"
    assert run(*args, "--strict").exit_code == 0
    line = one_error(run("breakeven", "l20", "a100-80gb", "-w", "gpt3-1.3b", "--param", "scenario.pue", "--strict"))
    assert line == "Error: l20: needs l20.price_usd, which is unknown (--strict); give it with --set l20.price_usd=VALUE"


def test_the_report_shows_the_published_claims_compare_shows(run: Any, tmp_path: Any) -> None:
    """Round 94 5: ``tco compare a100-80gb br100 mtt-s4000 -w gpt3-1.3b`` shows the seed article's relative-to-A100
    claims and maturity ratings beside the model ('disagree: model 1.81× vs claim 0.75×' for the BR100), but ``tco
    report`` of the same options, the page a buyer attaches to a memo, left them out: the memo said nothing of the
    article's own estimates. The report now has that table (id 'claims') for a training workload, row for row as
    compare's; a serving report has none, as compare has none."""
    out = tmp_path / "r.html"
    done = run("report", "a100-80gb", "br100", "mtt-s4000", "-w", "gpt3-1.3b", "-o", str(out), "-n", "200")
    assert done.exit_code == 0, done.output
    page = out.read_text(encoding="utf-8")
    assert '<h2 id="claims">Published claims beside the model</h2>' in page
    assert "(throughput relative to a100-80gb)." in page
    assert (
        "<tr><td>br100</td><td class=n>1.81×</td><td class=n>0.75× (0.70–0.80)</td><td>medium</td>"
        "<td>disagree: model 1.81× vs claim 0.75×</td></tr>"
    ) in page
    assert "<tr><td>mtt-s4000</td><td class=n>0.15×</td><td class=n>0.55× (0.50–0.60)</td><td>low</td>" in page
    compared = run("compare", "a100-80gb", "br100", "mtt-s4000", "-w", "gpt3-1.3b").stdout
    assert "br100      1.81×    0.75× (0.70–0.80)  medium      disagree: model 1.81× vs claim 0.75×" in compared
    serving = tmp_path / "s.html"
    assert run("report", "a100-80gb", "br100", "-w", "assistant-7b", "-o", str(serving), "-n", "100").exit_code == 0
    assert 'id="claims"' not in serving.read_text(encoding="utf-8")


def test_an_unknown_price_is_not_blamed_on_a_market_set_beside_it(run: Any) -> None:
    """Round 94 6: ``tco cashflow l20 -w gpt3-1.3b --set scenario.market=cn`` (the L20 is the China-market part, its
    price unknown) ended its refusal '... give it with --set l20.price_usd=VALUE (with --set scenario.market=cn)', as
    if the market were a cause; an unknown input's refusal names its cause, the input it lacks. The suffix is gone; a
    --set that wrote the missing input itself (``--set 'l20.price_usd={}'``, a value left unknown) is still named,
    alone."""
    line = one_error(run("cashflow", "l20", "-w", "gpt3-1.3b", "--set", "scenario.market=cn"))
    assert line.endswith(": needs l20.price_usd, which is unknown; give it with --set l20.price_usd=VALUE")
    assert line.startswith("Error: ") and "l20.toml: needs" in line
    line = one_error(run("sensitivity", "l20", "-w", "gpt3-1.3b", "--set", "scenario.market=cn", "--set", "scenario.pue=1.3"))
    assert "(with --set" not in line
    line = one_error(run("cashflow", "l20", "-w", "gpt3-1.3b", "--set", "l20.price_usd={}", "--set", "scenario.pue=1.3"))
    assert line.endswith("give it with --set l20.price_usd=VALUE (with --set l20.price_usd={})")


def test_an_option_at_a_count_or_rented_that_lacks_an_input_names_its_file(run: Any) -> None:
    """Round 94 7: ``tco cashflow l20 -w gpt3-1.3b`` names the L20's file ('.../l20.toml: needs l20.price_usd, ...'), but
    ``tco cashflow l20@16 -w gpt3-1.3b`` and ``tco sensitivity mlu590:rent -w chat-70b`` named only the option
    ('l20@16: needs l20.price_usd', 'mlu590:rent: needs mlu590.rental.usd_per_hour'), no file: the same refusal,
    named two ways. An option at a count or rented now names its part's file too, where the missing value goes."""
    for args, path in (
        (("cashflow", "l20@16", "-w", "gpt3-1.3b"), "l20.price_usd"),
        (("sensitivity", "mlu590:rent", "-w", "chat-70b"), "mlu590.rental.usd_per_hour"),
    ):
        line = one_error(run(*args))
        part = path.split(".", 1)[0]
        assert line.startswith("Error: ") and line.split(": ", 2)[1].endswith(f"accelerators/{part}.toml"), line
        assert line.endswith(f": needs {path}, which is unknown; give it with --set {path}=VALUE")
    plain = one_error(run("cashflow", "l20", "-w", "gpt3-1.3b"))
    assert plain == one_error(run("cashflow", "l20@16", "-w", "gpt3-1.3b"))


def test_size_refusing_an_unpriced_part_says_which_set_prices_it(run: Any) -> None:
    """Round 94 8: ``tco size l20 -w gpt3-1.3b --budget-usd 5000`` (the L20 alone: its price unknown, so no count's job
    cost is known) refused with 'l20: cannot be sized: needs l20.price_usd, which is unknown' and nothing else: the
    note that names the --set is not printed when a command fails, so the one line never said how to give the price.
    It now ends '; give it with --set l20.price_usd=VALUE'; a size that answers for another option still shows the row
    alone, its note saying the --set once."""
    line = one_error(run("size", "l20", "-w", "gpt3-1.3b", "--budget-usd", "5000"))
    assert line == (
        "Error: --budget-usd: l20: cannot be sized: needs l20.price_usd, which is unknown; give it with --set l20.price_usd=VALUE"
    )
    line = one_error(run("size", "l20", "-w", "gpt3-1.3b", "--capex-usd", "1M"))
    assert line.endswith("l20: cannot be sized: needs l20.price_usd, which is unknown; give it with --set l20.price_usd=VALUE")
    both = run("size", "l20", "a100-80gb", "-w", "gpt3-1.3b", "--budget-usd", "5000")
    assert both.exit_code == 0
    assert both.stderr.count("--set l20.price_usd=VALUE") == 1


def test_a_breakeven_with_no_tie_shows_a_dash_for_its_values(run: Any) -> None:
    """Round 94 9: ``tco breakeven mlu370-s4 a100-80gb -w gpt3-1.3b --param mlu370-s4.lead_time_weeks`` (no tie: the
    A100 wins across 1 to 100 weeks) printed 'value —' but an empty 'all_values' cell, in the table and the markdown,
    where every other field without a value is '—'. It is '—' now; JSON keeps its empty list."""
    args = ("breakeven", "mlu370-s4", "a100-80gb", "-w", "gpt3-1.3b", "--param", "mlu370-s4.lead_time_weeks")
    table = run(*args)
    assert table.exit_code == 0, table.output
    rows = {line.split(None, 1)[0]: line.split(None, 1)[1:] for line in table.stdout.splitlines() if line.strip()}
    assert rows["value"] == ["—"] and rows["all_values"] == ["—"]
    markdown = run(*args, "-f", "markdown").stdout
    assert any(line.startswith("| all_values") and line.split("|")[2].strip() == "—" for line in markdown.splitlines())
    import json

    assert json.loads(run(*args, "-f", "json").stdout)["results"][0]["all_values"] == []
