"""Hostile round 84 (accelerator profiles written by hand from a datasheet, scenario money and exchange rates): a
warning said an alias named a user's profile given by its path while the run compared the built-in part the alias
also names; a currency on watts, a PUE or an exchange rate was refused as "in USD only"; a server overhead factor
beside a server priced by its bill of materials was read by no formula yet never reported unread; an exchange rate
written the way it is quoted (7.08 CNY per USD) was read as 7.08 USD per CNY, every CNY amount fifty times too
large. Each is fixed and tested here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import one_error, shipped_copy


def test_an_alias_typed_for_the_built_in_is_not_said_to_name_a_profile_given_by_path(run, tmp_path: Path) -> None:
    """1: ``compare ./mine.toml h100`` with mine.toml listing the alias "h100" warned "h100: the alias names mine
    (mine.toml), not the built-in h100-sxm ... (TCO_PROFILE_PATH comes first)", while the run compared h100-sxm for
    h100 (a file named by its path is not on the search path). The warning is now given only for the option the
    alias named."""
    path = tmp_path / "mine.toml"
    path.write_text(shipped_copy("h100-sxm", "mine", aliases='["h100"]'), encoding="utf-8")
    result = run("compare", str(path), "h100", "-w", "gpt3-1.3b", "-f", "csv")
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert [line.split(",")[3] for line in result.stdout.splitlines()[1:]] == ["mine", "h100-sxm"]
    assert "the alias names" not in result.stderr


def test_an_alias_that_names_the_users_profile_is_still_told(run, tmp_path: Path, monkeypatch) -> None:
    """Pinned beside 1: on the search path the alias names the user's profile, and the warning says so."""
    (tmp_path / "accelerators").mkdir()
    path = tmp_path / "accelerators" / "mine.toml"
    path.write_text(shipped_copy("h100-sxm", "mine", aliases='["h100"]'), encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run("compare", "h100", "-w", "gpt3-1.3b", "-f", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines()[1].split(",")[3] == "mine"
    assert f"Warning: h100: the alias names mine ({path}), not the built-in h100-sxm whose alias it also is" in result.stderr


RATES = "cost_of_delay_usd_per_day, electricity_usd_per_kwh, engineer_usd_per_year, facility_usd_per_kw_month, "
RATES += "operations_usd_per_accelerator_year, storage_usd_per_accelerator"


@pytest.mark.parametrize(
    ("kind", "line", "said"),
    [
        (
            "accelerator",
            'tdp_w = { value = 700, currency = "EUR" }',
            "tdp_w.currency: this input is not money; a currency is taken only by the money inputs the scenario's exchange "
            "rates convert (here: price_usd, rental.usd_per_hour): remove it",
        ),
        (
            "accelerator",
            'server_usd_per_accelerator = { value = 9000, currency = "EUR" }',
            "server_usd_per_accelerator.currency: this input is in USD only; a currency is taken only by the money inputs "
            "the scenario's exchange rates convert (here: price_usd, rental.usd_per_hour): remove it, or give the value in USD",
        ),
        (
            "scenario",
            'pue = { value = 1.25, currency = "EUR" }',
            "pue.currency: this input is not money; a currency is taken only by the money inputs the scenario's exchange "
            f"rates convert (here: {RATES}): remove it",
        ),
        (
            "scenario",
            'usd_per_cny = { value = 0.14, currency = "CNY" }',
            "usd_per_cny.currency: this input is not money; a currency is taken only by the money inputs the scenario's "
            f"exchange rates convert (here: {RATES}): remove it",
        ),
    ],
)
def test_a_currency_on_an_input_that_is_no_money_says_so(run, tmp_path: Path, kind: str, line: str, said: str) -> None:
    """2: ``tdp_w = { value = 700, currency = "EUR" }`` was refused with "this input is in USD only ... or give the
    value in USD": watts, a PUE or an exchange rate is no amount in USD. The message now says it is not money; a
    money input the rates do not convert still says it is in USD only."""
    path = tmp_path / f"{kind}.toml"
    if kind == "accelerator":
        key = line.split(" ", 1)[0]
        path.write_text(shipped_copy("h100-sxm", "mine", **{key: line.split(" = ", 1)[1]}), encoding="utf-8")
        args = [str(path), "-w", "gpt3-1.3b"]
    else:
        path.write_text(f'id = "mine"\nname = "x"\nextends = "default"\n{line}\n', encoding="utf-8")
        args = ["h100-sxm", "-w", "gpt3-1.3b", "-s", str(path)]
    result = run("compare", *args)
    assert (result.exit_code, one_error(result)) == (1, f"Error: {path}: {said}")


def test_a_currency_set_on_a_count_says_it_is_no_money(run) -> None:
    """2, by --set: a workload's token rate is no money either."""
    result = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day.currency=EUR")
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: --set: workload.tokens_per_day.currency: this input is not money; a currency is taken only by the money "
        "inputs the scenario's exchange rates convert (a workload has none): remove it",
    )


BOM = "its server by server_usd_per_accelerator, a bill of materials"


@pytest.mark.parametrize(
    ("options", "item", "why"),
    [
        (["h100-sxm"], "h100-sxm.server_overhead_factor=3", f"h100-sxm prices {BOM}"),
        (["h100-sxm", "h200"], "scenario.server_overhead_factor=3", f"every option prices {BOM}"),
        (["h100-sxm:rent"], "scenario.server_overhead_factor=3", f"h100-sxm prices {BOM}"),
    ],
)
def test_a_server_factor_beside_a_bill_of_materials_is_said_to_be_unread(run, options: list[str], item: str, why: str) -> None:
    """3: h100-sxm prices its server by its bill of materials (server_usd_per_accelerator = $9,225), so no formula
    uses a server overhead factor; ``--set h100-sxm.server_overhead_factor=3`` changed nothing and said nothing (the
    capex formula read the factor before choosing the bill of materials). It is now read only where it prices the
    server, and the --set is told unread, with the cause."""
    result = run("compare", *options, "-w", "gpt3-1.3b", "--set", item, "-f", "csv")
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert f"Warning: --set {item}: no option reads it ({why})" in result.stderr.splitlines()
    plain = run("compare", *options, "-w", "gpt3-1.3b", "-f", "csv")
    assert plain.stdout == result.stdout


def test_a_server_factor_of_a_part_priced_by_it_is_read(run) -> None:
    """Pinned beside 3: a part without a bill of materials (a100-80gb) reads its factor: no warning, a new cost."""
    result = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "--set", "a100-80gb.server_overhead_factor=3", "-f", "csv")
    assert result.exit_code == 0 and "no option reads it" not in result.stderr
    assert result.stdout != run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-f", "csv").stdout


@pytest.mark.parametrize(
    ("rate", "said"),
    [
        ("7.08", "got 7.08, which is CNY per USD: write 1 / 7.08 = 0.1412"),
        ("{ value = 0.14122, low = 0.13707, high = 7.3 }", "got 7.3 (its high), which is CNY per USD: write 1 / 7.3 = 0.137"),
    ],
)
def test_an_exchange_rate_written_the_way_round_it_is_quoted_is_refused(run, tmp_path: Path, rate: str, said: str) -> None:
    """4: ``usd_per_cny = 7.08`` (the rate as quoted: 7.08 CNY to the dollar) was read as 7.08 USD per CNY: a price
    of 200,000 CNY cost $1.4M, exit 0. A yuan has never been worth a dollar: a rate above 1 is refused, with the
    rate to write."""
    path = tmp_path / "sc.toml"
    path.write_text(f'id = "mine"\nname = "x"\nextends = "default"\nusd_per_cny = {rate}\n', encoding="utf-8")
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", str(path))
    expected = f"Error: {path}: usd_per_cny: expected USD per 1 CNY (below 1: 0.14 in 2023), {said}"
    assert (result.exit_code, one_error(result)) == (1, expected)


def test_an_exchange_rate_set_the_way_round_it_is_quoted_is_refused(run) -> None:
    """4, by --set and by --vary."""
    result = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.usd_per_cny=7.1")
    assert (result.exit_code, one_error(result)) == (
        1,
        "Error: --set: scenario.usd_per_cny: expected USD per 1 CNY (below 1: 0.14 in 2023), got 7.1, which is CNY per USD: "
        "write 1 / 7.1 = 0.1408",
    )
    swept = run("sweep", "h100-sxm", "-w", "gpt3-1.3b", "--vary", "scenario.usd_per_cny=0.1,7", "-f", "csv")
    assert (swept.exit_code, one_error(swept)) == (
        1,
        "Error: --vary: scenario.usd_per_cny: 7 is not allowed: expected USD per 1 CNY (below 1: 0.14 in 2023), got 7, "
        "which is CNY per USD: write 1 / 7 = 0.1429",
    )
    assert run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "scenario.usd_per_cny=0.2").exit_code == 0


def test_a_profile_giving_a_server_factor_beside_a_bill_of_materials_is_told(run, tmp_path: Path) -> None:
    """5: a profile written from a datasheet with both ``server_usd_per_accelerator = 9225`` and
    ``server_overhead_factor = 3`` passed validate and compare silently, the factor priced nothing. Both now warn;
    a --set of the factor is told once, by its own warning."""
    text = shipped_copy("h100-sxm", "mine").replace("tdp_w = ", "server_overhead_factor = 3\ntdp_w = ", 1)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    said = (
        "mine: server_overhead_factor = 3 is not used: the server is priced by server_usd_per_accelerator, a bill of "
        "materials; remove one of them"
    )
    checked = run("profiles", "validate", str(path))
    assert checked.exit_code == 0 and f"Warning: {path}: {said}" in checked.stderr.splitlines()
    result = run("compare", str(path), "-w", "gpt3-1.3b", "-f", "csv")
    assert result.exit_code == 0 and f"Warning: {said}" in result.stderr.splitlines()
    once = run("compare", str(path), "-w", "gpt3-1.3b", "-f", "csv", "--set", "mine.server_overhead_factor=2")
    assert once.exit_code == 0 and [line for line in once.stderr.splitlines() if "server_overhead_factor" in line] == [
        f"Warning: --set mine.server_overhead_factor=2: no option reads it (mine prices {BOM})"
    ]


def test_a_claim_set_for_the_comparison_is_not_said_to_be_unread(run) -> None:
    """6: ``--set h100-sxm.relative_training_performance=3`` (a vendor's "3× an A100") warned "no option reads it"
    while the comparison showed the claim (its claims table, ``claimed_relative_training_performance``). A claim
    set for a comparison is shown as given: no warning."""
    args = ["compare", "h100-sxm", "a100-80gb", "-w", "gpt3-1.3b"]
    result = run(*args, "--set", "h100-sxm.relative_training_performance=3")
    assert result.exit_code == 0 and "no option reads it" not in result.stderr
    assert result.stdout != run(*args).stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("h100-sxm ") and "3.00×" in line)
    assert row.split()[:3] == ["h100-sxm", "2.59×", "3.00×"]


@pytest.mark.parametrize(("key", "meant"), [("bf16", "bf16_tflops"), ("fp8", "fp8_tflops"), ("fp4", "fp4_tflops")])
def test_a_peak_written_without_its_unit_is_named_with_it(run, tmp_path: Path, key: str, meant: str) -> None:
    """7: a datasheet's "BF16: 989 TFLOPS" written ``[peak] bf16 = 989`` was refused as "peak.bf16: unknown key"
    with no hint (the close-match cutoff missed bf16_tflops). The one key that adds a unit to the name is now
    suggested."""
    text = shipped_copy("h100-sxm", "mine").replace("[peak]\n", f"[peak]\n{key} = 989\n", 1)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    result = run("compare", str(path), "-w", "gpt3-1.3b")
    assert (result.exit_code, one_error(result)) == (1, f"Error: {path}: peak.{key}: unknown key (did you mean '{meant}'?)")
