"""Hostile round 69 (cash flow's flags, --set's unread warning, ...): each defect fixed, with a test."""

from __future__ import annotations

import decimal

import pytest

import tco


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        # (hostile round 108: NaN and infinity named as every refusal names them)
        (
            ["--revenue-usd-per-day", "inf"],
            "Error: --revenue-usd-per-day: expected a finite revenue of at least 0 (at most 1.8e308), got infinity",
        ),
        (
            ["--lease-usd-per-month", "inf"],
            "Error: --lease-usd-per-month: expected a finite positive lease rate (at most 1.8e308), got infinity",
        ),
        (
            ["--lease-usd-per-month", "1000", "--lease-months", "nan"],
            "Error: --lease-months: expected a finite positive lease term, got NaN",
        ),
    ],
)
def test_a_cash_flow_flag_that_is_not_finite_is_refused_as_not_finite(run, flags: list[str], line: str) -> None:
    """1: 'tco cashflow ... --revenue-usd-per-day inf' (or a 400-digit number, which a float reads as inf) was
    refused with 'expected a revenue >= 0, got inf': a message that contradicts itself, since inf is >= 0. The
    lease rate and term said the same ('expected a positive lease rate, got inf'). Each now says the value must
    be finite."""
    r = run("cashflow", "h100-sxm@8", "-w", "llama3-8b", *flags)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == line


def test_a_400_digit_revenue_is_named_by_its_length(run) -> None:
    """A 400-digit number, which a float reads as inf, said 'got inf' here; since hostile round 74 the flag's parser
    names it by its length, as --set does (a usage error, exit 2, as the flag's other unreadable numbers are)."""
    r = run("cashflow", "h100-sxm@8", "-w", "llama3-8b", "--revenue-usd-per-day", "9" * 400)
    assert r.exit_code == 2 and r.stdout == ""
    assert "expected a finite number (at most 1.8e308), got a 400-digit integer" in r.stderr


def test_the_python_api_says_the_same_for_a_decimal_too_large_for_a_float() -> None:
    inputs = tco.load_inputs(["h100-sxm@8"], workload="llama3-8b")
    with pytest.raises(
        tco.InputError, match=r"^revenue_usd_per_day: expected a finite revenue of at least 0 \(at most 1\.8e308\), got infinity$"
    ):
        tco.cashflow(inputs, revenue_usd_per_day=decimal.Decimal("1e400"))
    with pytest.raises(tco.InputError, match=r"^revenue_usd_per_day: expected a revenue of at least 0, got -1$"):
        tco.cashflow(inputs, revenue_usd_per_day=-1)


@pytest.mark.parametrize("value", ["1000000", "1000000000000"])
def test_a_serving_cap_set_far_above_the_batch_is_not_called_unread(run, value: str) -> None:
    """2: 'tco compare h100-sxm -w chat-70b --set workload.max_batch=1000000' warned '--set
    workload.max_batch=1000000: no option reads it', while the set changed the answer: the file's 256 capped the
    batch ($1,157,140), the million lets memory cap it ($995,177). The check planned the input again at a
    thousandth (1,000) and a thousand times its value, where memory caps the batch alike. A whole input is now
    planned at 1 too, where a cap binds: no warning, and the figures are those of the set."""
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", f"workload.max_batch={value}", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert "no option reads it" not in r.stderr, r.stderr
    header, row = r.stdout.splitlines()[:2]
    base = run("compare", "h100-sxm", "-w", "chat-70b", "-f", "csv")
    col = header.split(",").index("effective_cost_usd")
    assert float(row.split(",")[col]) < float(base.stdout.splitlines()[1].split(",")[col])


def test_an_input_no_option_reads_is_still_called_unread() -> None:
    inputs = tco.load_inputs(["h100-sxm"], workload="chat-70b", sets=["h100-sxm.release_year=1999"])
    assert list(inputs.warnings) == ["sets h100-sxm.release_year=1999: no option reads it"]


def test_a_set_value_that_runs_on_to_another_line_is_refused_not_half_read(run) -> None:
    """3: "--set $'scenario.pue=1.2\\nscenario.utilization=0.5'" (a value pasted with its neighbour) set the PUE and
    dropped the second line without a word: the value was read as a TOML document 'v = ...' and only its 'v'
    kept, so the utilization stayed 0.8 while the audit trail listed the whole text as set. The value must now be
    one value; a trailing newline or comment still reads."""
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1.2\nscenario.utilization=0.5")
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == "Error: --set: scenario.pue: expected one value, got more lines after it (one PATH=VALUE sets one input)"
    assert run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "scenario.pue=1.2\n# why\n").exit_code == 0
    with pytest.raises(tco.InputError, match=r"^sets: scenario\.pue: expected one value, got more lines after it"):
        tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b", sets=["scenario.pue=1.2\n[x]\ny = 1"])


@pytest.mark.parametrize(("months", "shown"), [("1200", "1,200"), ("1201", "1,201"), ("1e308", "1e+308")])
def test_a_lease_too_long_shows_its_term_as_typed_and_where_it_starts(run, months: str, shown: str) -> None:
    """4: 'tco cashflow h100-sxm@8 -w chat-70b --lease-usd-per-month 1500 --lease-months 1201' said 'a lease of
    1.2e+03 months would run past 100 years', as 1200 did: three digits of the term, and 1,200 months are 100 years,
    which looked like a wrong refusal (the lease starts at delivery, after the lead time). The term is now shown as
    typed, and the message says where the lease starts."""
    r = run("cashflow", "h100-sxm@8", "-w", "chat-70b", "--lease-usd-per-month", "1500", "--lease-months", months)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == (
        f"Error: --lease-months: a lease of {shown} months would run past 100 years (it starts at h100-sxm@8's delivery, 0.192 years in)"
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--set", "workload.parallelism=fsdp", "--tp", "2"],
            "Error: --tp: parallelism = fsdp shards data only: a layout with tensor, pipeline, context or expert degrees above 1, "
            "or recompute = none, cannot apply",
        ),
        (
            ["--set", "workload.parallelism=fsdp", "--set", "workload.layout.tensor_parallel=2"],
            "Error: --set: workload.layout: parallelism = fsdp shards data only: a layout with tensor, pipeline, context or "
            "expert degrees above 1, or recompute = none, cannot apply",
        ),
        (
            ["--set", "workload.layout.tensor_parallel=3"],
            "Error: --set: workload.layout.tensor_parallel: layout tensor_parallel = 3 does not divide the 32 attention heads",
        ),
    ],
)
def test_an_estimate_layout_error_names_the_flag_or_the_set_that_gave_the_layout(run, args: list[str], line: str) -> None:
    """5: 'tco estimate h100-sxm --params 7B --set workload.parallelism=fsdp --tp 2' said 'Error: estimate: layout:
    parallelism = fsdp shards data only ...': 'estimate' is no file nor flag, and 'layout' no flag (the layout's
    flags are --tp, --pp, --cp, --ep, --recompute); with the layout from a --set it said the same. And
    '--set workload.layout.tensor_parallel=3' alone blamed '--tp', a flag not given. The error now names the
    layout flags given, or the --set that wrote the layout, as compare names it."""
    r = run("estimate", "h100-sxm", "--params", "7B", *args)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.strip() == line


def test_the_flag_alone_is_still_blamed_by_its_name(run) -> None:
    r = run("estimate", "h100-sxm", "--params", "7B", "--tp", "3")
    assert r.exit_code == 1 and r.stderr.strip() == "Error: --tp: 3 does not divide the 32 attention heads"


def test_an_estimate_stage_too_long_for_memory_blames_the_set_of_the_stages(run) -> None:
    """6: "tco estimate h100-sxm --params 7B --set 'workload.stages=[{name=\\"a\\",tokens=1e9,seq_len=1000000000}]'"
    said 'Error: --params: activations of one 1,000,000,000-token sequence of stage a ... exceed h100-sxm's usable
    memory': the parameter count was the first of the inputs the memory fit follows from that a flag gave, and a
    --set of the workload was not looked at. The --set is now blamed, as compare blames it; --seq-len and --params
    still are where they gave the size."""
    stages = 'workload.stages=[{name="a",tokens=1e9,seq_len=1000000000}]'
    r = run("estimate", "h100-sxm", "--params", "7B", "--set", stages)
    assert r.exit_code == 1, r.output
    assert r.stdout == ""
    assert r.stderr.startswith("Error: --set: workload.stages: activations of one 1,000,000,000-token sequence of stage a ("), r.stderr
    r = run("estimate", "h100-sxm", "--params", "7B", "--seq-len", "1000000000")
    assert r.exit_code == 1 and r.stderr.startswith("Error: --seq-len: activations of one 1,000,000,000-token sequence ("), r.stderr
    with pytest.raises(tco.InfeasibleError, match=r"^sets: workload\.stages: activations of one 1,000,000,000-token sequence of stage a"):
        tco.estimate("h100-sxm", parameters=7e9, sets=[stages])
