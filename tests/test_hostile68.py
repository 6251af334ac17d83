"""Hostile round 68 (size's purchase budget, the report, serving replicas, the Python API's odd values): each
defect fixed, with a test."""

from __future__ import annotations

import decimal
from fractions import Fraction

import pytest

import tco

HUGE = 10**5000


@pytest.mark.parametrize(
    ("call", "line"),
    [
        (lambda i: tco.size(i, capex_usd=HUGE), "capex_usd: expected float | None, got a 4,000+-digit integer"),
        (lambda i: tco.size(i, budget_usd=-HUGE), "budget_usd: expected float | None, got a 4,000+-digit integer"),
        (lambda i: tco.cashflow(i, revenue_usd_per_day=HUGE), "revenue_usd_per_day: expected float | None, got a 4,000+-digit integer"),
        (lambda i: tco.simulate(i, samples=HUGE, seed=0), "samples: expected int, got a 4,000+-digit integer"),
        (lambda i: tco.simulate(i, samples=10, seed=HUGE), "seed: expected int, got a 4,000+-digit integer"),
        (lambda i: tco.what_if(i, {"scenario.pue": [HUGE]}), "changes: expected Mapping[str, Sequence[float]], got a 4,000+-digit integer"),
        (
            lambda i: tco.breakeven(i, "a100-80gb", "h100-sxm", value_range=(0, HUGE)),
            "value_range: expected tuple[float, float] | None, got a 4,000+-digit integer",
        ),
        (lambda i: tco.size(i, capex_usd=Fraction(HUGE)), "capex_usd: expected float | None, got a Fraction of 4,000+-digit integers"),
        (lambda i: tco.estimate("a100-80gb", parameters=HUGE), "parameters: expected float, got a 4,000+-digit integer"),
        (lambda i: tco.estimate("a100-80gb", parameters=1e9, count=HUGE), "count: expected int | None, got a 4,000+-digit integer"),
        (
            lambda i: tco.estimate("a100-80gb", parameters=1e9, shape={"layers": HUGE}),
            "shape: expected Mapping[str, int | None] | None, got a 4,000+-digit integer",
        ),
        (
            lambda i: tco.load_scenario(overrides=[("pue", HUGE)]),
            "overrides: expected Sequence[tuple[str, Any]], got a 4,000+-digit integer",
        ),
    ],
)
def test_an_integer_too_long_to_print_is_an_input_error_in_every_api_function(call, line: str) -> None:
    """1: tco.size(inputs, capex_usd=10**5000) raised ValueError ('Exceeds the limit (4300 digits) for integer
    string conversion'): the message refusing the value printed it, which Python refuses past 4,300 digits. So did
    budget_usd, cashflow, estimate's numbers, simulate's samples and seed, what_if, breakeven's range, a shape.
    Every public function now refuses an integer of 4,001 digits and more (a Fraction's terms too) by argument."""
    inputs = tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError) as caught:
        call(inputs)
    assert str(caught.value) == line


def test_a_decimal_converted_to_an_integer_too_long_to_print_is_an_input_error() -> None:
    with pytest.raises(tco.InputError, match=r"^count: expected int \| None, got Decimal .*: a 4,000\+-digit integer$"):
        tco.estimate("a100-80gb", parameters=1e9, count=decimal.Decimal(10) ** 5000)


def test_an_integer_of_400_digits_is_still_refused_as_before() -> None:
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError, match=r"^capex_usd: expected a finite number \(at most 1\.8e308\), got a 401-digit integer$"):
        tco.size(inputs, capex_usd=10**400)


@pytest.mark.parametrize("value", [Fraction(10**400), Fraction(-(10**400))])
def test_a_fraction_past_the_largest_float_in_an_override_is_an_input_error(value: Fraction) -> None:
    """2: tco.load_scenario(overrides=[("pue", Fraction(10**400))]) (and load_accelerator's) raised OverflowError:
    the override's Fraction was converted to a float, which it exceeds. It now reads as infinite and is refused as
    a Decimal('1e400') is."""
    sign, bound = ("-", "least -") if value < 0 else ("", "most ")
    says = rf"^overrides: scenario\.pue: expected a finite number \(at {bound}1\.8e308\), got {sign}infinity$"
    with pytest.raises(tco.ProblemList, match=says):
        tco.load_scenario(overrides=[("pue", value)])
    with pytest.raises(tco.ProblemList, match=r"^overrides: a100-80gb\.price_usd: expected a finite number"):
        tco.load_accelerator("a100-80gb", overrides=[("price_usd", value)])


@pytest.mark.parametrize(
    ("options", "workload"), [(("a100-80gb", "a100-80gb@8"), "gpt3-1.3b"), (("h100-sxm", "h100-sxm@4", "h100-sxm@8"), "chat-70b")]
)
def test_a_report_whose_two_leaders_are_one_configuration_is_written(run, tmp_path, options: tuple[str, ...], workload: str) -> None:
    """3: 'tco report a100-80gb a100-80gb@8 -w gpt3-1.3b -o r.html' (the workload's own count is 8; for serving,
    h100-sxm and h100-sxm@4 where 4 is the replica the model picks) failed with "Error: --vs: 'a100-80gb@8' costs
    what a100-80gb costs at every input's low and high (the same configuration): ...", naming a flag report does not
    have, and wrote nothing, while compare, breakeven, sensitivity and simulate answer. The page is now written, with
    the break-even's 'this input does not separate them' and no paragraph of inputs that change the answer."""
    page = tmp_path / "r.html"
    r = run("report", *options, "-w", workload, "-o", str(page), "-n", "50")
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    text = page.read_text()
    assert f"{options[0]} and {options[1]} cost the same for every scenario.cost_of_delay_usd_per_day" in text
    assert "this input does not separate them" in text
    assert "id=flips" not in text


def test_an_option_built_by_hand_with_a_rate_it_is_not_charged_is_refused() -> None:
    """4: an Inputs built by hand with Option(a100, acquisition=Acquisition.buy, quoted_rate=2.0) ran, labelled
    'a100-80gb=2' (a label no option names) and costed as bought; Option(h100, 8, Acquisition.rent, quoted_rate=1e300)
    was labelled 'h100-sxm@8:rent=1e+300' and costed at the profile's own rental rate ($1.5M, where the command line's
    'h100-sxm@8:rent=1e300' costs $6e305). Both are now refused, as other options ID[@COUNT][:rent[=RATE]] cannot
    say are; the option load_inputs makes, its profile charging the quoted rate, runs as before."""
    import dataclasses

    from tco.engine import Option
    from tco.inputs import Inputs, with_quoted_rate
    from tco.models import Acquisition

    loaded = tco.load_inputs(["a100-80gb", "h100-sxm@8:rent=3"], workload="gpt3-1.3b")
    a100, rented = loaded.options
    with pytest.raises(tco.InputError) as caught:
        tco.compare(Inputs([Option(a100.accelerator, None, Acquisition.buy, 2.0)], loaded.workload, loaded.scenario))
    assert str(caught.value) == (
        "inputs.options[0].quoted_rate: a rate is quoted for rented capacity: expected None for a bought option, got 2.0 "
        "(an option is made by tco.load_inputs: give ID[@COUNT][:rent[=RATE]] there)"
    )
    with pytest.raises(tco.InputError) as caught:
        tco.compare(dataclasses.replace(loaded, options=(a100, dataclasses.replace(rented, quoted_rate=1e300))))
    assert str(caught.value) == (
        "inputs.options[1].quoted_rate: 1e+300 is not the rate the profile charges (rental.usd_per_hour = 3.0) "
        "(an option is made by tco.load_inputs: give ID[@COUNT][:rent[=RATE]] there)"
    )
    assert [r.accelerator for r in tco.compare(loaded).results] == ["h100-sxm@8:rent=3", "a100-80gb"]
    by_hand = Option(with_quoted_rate(a100.accelerator, 2.0), None, Acquisition.rent, 2.0)
    assert tco.compare(Inputs([by_hand], loaded.workload, loaded.scenario)).results[0].accelerator == "a100-80gb:rent=2"


@pytest.mark.parametrize(
    ("flag", "typed", "line"),
    [
        (
            "--capex-usd",
            "1e-320",
            "Error: --capex-usd: expected a positive number of at least 1e-300, got 1e-320",
        ),
        (
            "--capex-usd",
            "99.999999",
            "Error: --capex-usd: a100-80gb: even the minimum count that fits in memory (1) exceeds $99.999999"
            "; the least purchase, at 1, is $29,450",
        ),
        (
            "--budget-usd",
            "1e-320",
            "Error: --budget-usd: expected a positive number of at least 1e-300, got 1e-320",
        ),
        (
            "--power-kw",
            "1e-320",
            "Error: --power-kw: expected a positive number of at least 1e-300, got 1e-320",
        ),
        (
            "--deadline-days",
            "1e-320",
            "Error: --deadline-days: expected a positive number of at least 1e-300, got 1e-320",
        ),
        (
            "--capex-usd",
            "0.5",
            "Error: --capex-usd: a100-80gb: even the minimum count that fits in memory (1) exceeds $0.5"
            "; the least purchase, at 1, is $29,450",
        ),
    ],
)
def test_a_size_limit_shows_as_typed_not_rounded_past_it(run, flag: str, typed: str, line: str) -> None:
    """5: 'tco size a100-80gb -w gpt3-1.3b --capex-usd 1e-320' said 'exceeds $9.99989e-321' (six digits of a number
    below the smallest normal float are not its digits), and '--capex-usd 99.999999' said 'exceeds $100', a limit
    the user did not give; --budget-usd, --power-kw and --deadline-days the same. A limit whose six digits are not
    the number now shows its shortest exact text. (Since hostile round 108 a limit below 1e-300 is refused before any
    search, as the other number flags refuse one: still as typed.)"""
    r = run("size", "a100-80gb", "-w", "gpt3-1.3b", flag, typed)
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == line


def test_a_workload_count_set_too_small_for_memory_blames_the_set_not_the_part(run) -> None:
    """6: 'tco compare a100-80gb -w llama3-405b --set workload.accelerator_count=1' (report and the rest too)
    blamed the shipped profile: 'Error: .../accelerators/a100-80gb.toml: memory_gb: llama3-405b does not fit in
    memory on 1 × a100-80gb ...': the count the user changed was not among the inputs the error follows from. The
    --set of the count is now named; a --set of the part's memory or of the model's size is still blamed first."""
    r = run("compare", "a100-80gb", "-w", "llama3-405b", "--set", "workload.accelerator_count=1")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == (
        "Error: --set: workload.accelerator_count: llama3-405b does not fit in memory on 1 × a100-80gb: training state needs "
        "at least 112 accelerators (give a count with a100-80gb@112)"
    )
    r = run("compare", "a100-80gb", "-w", "llama3-405b", "--set", "workload.accelerator_count=1", "--set", "workload.parameters=1e12")
    assert r.stderr.startswith("Error: --set: workload.parameters: llama3-405b does not fit in memory on 1 × a100-80gb")
    r = run("compare", "a100-80gb@1", "-w", "llama3-405b", "--set", "workload.accelerator_count=1")
    assert r.stderr.startswith("Error: a100-80gb@1: llama3-405b does not fit in memory on 1 × a100-80gb")


def test_a_number_below_the_smallest_normal_float_is_refused_as_typed(run) -> None:
    """7: '--set workload.time_per_output_token_ms=1e-320' was refused with 'got 9.99989e-321', and
    tco.what_if(inputs, {'a100-80gb.price_usd': [1e-320]}) (or '--vary ...=1e-320,1') with the same: six digits of a
    number below the smallest normal float are not its digits. The refusal now shows the number typed."""
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.time_per_output_token_ms=1e-320")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == (
        "Error: --set: workload.time_per_output_token_ms: expected a positive number of at least 1e-300, got 1e-320"
    )
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "a100-80gb.price_usd=1e-320,1")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "Error: --vary: a100-80gb.price_usd: expected values of at least 1e-300 in size (or 0, where the input takes it), got 1e-320"
    )
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.InputError, match=r"got 1e-320$"):
        tco.what_if(inputs, {"a100-80gb.price_usd": [1e-320]})
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.carbon_usd_per_tonne=1e-310")
    assert r.stderr.strip() == "Error: --set: scenario.carbon_usd_per_tonne: expected 0 or at least 1e-300 in size, got 1e-310"
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(tco.load_inputs(["a100-80gb", "h100-sxm"], workload="gpt3-1.3b"), "a100-80gb", "h100-sxm", value_range=(1e-320, 1))
    assert str(caught.value) == (
        "value_range: scenario.cost_of_delay_usd_per_day: 1e-320 is not allowed: expected 0 or at least 1e-300 in size, got 1e-320"
    )
    r = run("cashflow", "a100-80gb", "-w", "gpt3-1.3b", "--lease-usd-per-month", "1000", "--lease-months", "1e-320")
    assert r.stderr.strip() == "Error: --lease-months: expected a positive number of at least 1e-300, got 1e-320"


@pytest.mark.parametrize("odd", ["A100-80GB", "a100:rent", "a100@8", ""])
def test_an_option_whose_profile_id_was_changed_to_no_id_is_an_input_error(odd: str) -> None:
    """8: an Inputs built by hand with a profile whose id was changed with model_copy(update={'id': 'A100-80GB'}) (or
    'a100:rent', 'a100@8', '') raised pydantic's ValidationError from the option's label, before any check of the
    models could refuse it. It is now an InputError naming the option's id."""
    from tco.engine import Option
    from tco.inputs import Inputs

    loaded = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    part = loaded.options[0].accelerator
    with pytest.raises(tco.InputError) as caught:
        tco.size(Inputs([Option(part), Option(part.model_copy(update={"id": odd}))], loaded.workload, loaded.scenario), capex_usd=1e6)
    assert str(caught.value) == (
        f"inputs.options[1].accelerator.id: expected an id of lowercase letters, digits, '.', '_' and '-', got {odd!r} "
        "(a profile changed with model_copy(update=...) is not validated: an id is a profile file's)"
    )


def test_the_size_table_title_shows_the_limit_as_its_notes_do(run) -> None:
    """The title rounded what the note kept: 'deadline_days = 113' above '... meets deadline_days = 112.99999999',
    and a budget from $10^15 lost its unit in the note ('meets budget_usd = 1e+15'); both now read the limit
    through one function (tco.results.limit_text)."""
    import json

    from tco.results import limit_text

    r = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "112.99999999")
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "gpt3-1.3b · deadline_days = 112.99999999"
    assert "meets deadline_days = 112.99999999" in r.stdout
    r = run("size", "a100-80gb", "-w", "gpt3-1.3b", "--budget-usd", "1e15", "-f", "json")
    (row,) = json.loads(r.stdout)["results"]
    assert row["message"].startswith("131,072 × a100-80gb meets budget_usd = 1e+15 USD")
    assert [limit_text("capex_usd", v) for v in (0.5, 2e6, 1e15)] == ["$0.5", "$2,000,000", "1e+15 USD"]
    assert limit_text("power_kw", 30.0) == "30" and limit_text("deadline_days", 1e-320) == "1e-320"
