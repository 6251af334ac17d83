"""Hostile round 101 (metamorphic checks of the training-time and cost model through the CLI and the Python API):
the same input must give the same numbers whichever command or call evaluates it. A sweep, a what-if or a
break-even of a part's own server or power overhead factor, or of its server bill of materials, changed nothing
where the profile left that input to the scenario (compare's --set of it moves the cost), nor did one of the
scenario's grid carbon intensity where the scenario leaves it to its market's table; a sweep's point at which
failures leave no useful time said 'its effective cost overflows a float' where compare names the failures; a
rental lead time set on a part without a rental table was refused ('rental.usd_per_hour: required key is
missing') by compare even beside a quoted rate, and by a sweep, where tco.what_if answered; with --currency CNY
a dollar price to match was given only in yuan beside a --set that reads dollars; and a --vary or --param of a
number the profile leaves out that no option reads was not warned of, as --set is. Each is fixed and tested here."""

from __future__ import annotations

import csv
import io
import json

import pytest

import tco


def _sweep(run, *args: str) -> list[dict]:
    r = run("sweep", *args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["results"]


def _by(run, option: str, vary: str) -> dict[float, dict]:
    """A sweep's rows of one option over one --vary PATH=VALUES, by the value."""
    path = vary.split("=", 1)[0]
    return {r[path]: r for r in _sweep(run, option, "-w", "llama3-8b", "--vary", vary)}


def _compare(*sets: str, option: str = "br100@64", workload: str = "llama3-8b") -> tco.OptionResult:
    return tco.compare(tco.load_inputs([option], workload=workload, sets=list(sets))).results[0]


# BR100's price: 120,000 CNY at the default scenario's 0.14122 USD per CNY.
BR100_USD = 120_000 * 0.14122


def test_a_sweep_of_a_parts_own_server_factor_moves_its_capex_as_compare_does(run) -> None:
    """1: ``tco sweep br100@64 -w llama3-8b --vary br100.server_overhead_factor=1:3:3`` printed the same capex and
    job cost on every row: the BR100's profile has no server factor of its own (the scenario's 1.64 is used), and
    the vectorized path read the scenario's factor that the plan had chosen, not the part's one the sweep gave.
    ``compare --set br100.server_overhead_factor=2`` costs 64 × $16,946.40 more capex than at 1, and now so does
    the sweep; tco.what_if and a break-even read it too."""
    rows = _by(run, "br100@64", "br100.server_overhead_factor=1,2")
    assert rows[2]["capex_usd"] - rows[1]["capex_usd"] == pytest.approx(64 * BR100_USD, rel=1e-12)  # 1,084,569.60
    for k in (1, 2):
        at = _compare(f"br100.server_overhead_factor={k}")
        assert rows[k]["capex_usd"] == pytest.approx(at.capex_usd, rel=1e-12)
        assert rows[k]["job_cost_usd"] == pytest.approx(at.job_cost_usd, rel=1e-12)
    inputs = tco.load_inputs(["br100@64"], workload="llama3-8b")
    (opt,) = tco.what_if(inputs, {"br100.server_overhead_factor": [1.0, 2.0]}).results
    assert opt.job_cost_usd == pytest.approx([rows[1]["job_cost_usd"], rows[2]["job_cost_usd"]], rel=1e-12)
    # A break-even of the factor against the part rented at $1.50 an hour (no cost of delay: the rented fleet is
    # there first) was 'no tie, the rented one wins across the whole range'; the factor now moves the owned cost.
    delay = "scenario.cost_of_delay_usd_per_day=0"
    pair = tco.load_inputs(["br100@64", "br100@64:rent=1.5"], workload="llama3-8b", sets=[delay])
    tie = tco.breakeven(pair, "br100@64", "br100@64:rent=1.5", param="br100.server_overhead_factor", value_range=(0.5, 100.0))
    assert tie.value is not None and 1.5 < tie.value < 1.7
    owned = _compare(delay, f"br100.server_overhead_factor={tie.value!r}")
    rented = _compare(delay, option="br100@64:rent=1.5")
    assert owned.effective_cost_usd == pytest.approx(rented.effective_cost_usd, rel=1e-6)


def test_a_sweep_of_a_parts_own_power_factor_moves_its_energy_and_facility_as_compare_does(run) -> None:
    """2: the same for ``br100.power_overhead_factor`` (the scenario's 1.8 is used for the BR100): the sweep's rows
    were all one. Energy and facility scale with the factor, so the job at 2 costs the energy and facility bills at
    1 more than at 1, as compare's --set gives it."""
    rows = _by(run, "br100@64", "br100.power_overhead_factor=1,2")
    one, two = _compare("br100.power_overhead_factor=1"), _compare("br100.power_overhead_factor=2")
    assert two.energy_usd == pytest.approx(2 * one.energy_usd, rel=1e-12)
    assert rows[2]["job_cost_usd"] - rows[1]["job_cost_usd"] == pytest.approx(one.energy_usd + one.facility_usd, rel=1e-9)
    assert [rows[1]["job_cost_usd"], rows[2]["job_cost_usd"]] == pytest.approx([one.job_cost_usd, two.job_cost_usd], rel=1e-12)


def test_a_sweep_of_a_server_bill_of_materials_the_profile_lacks_prices_the_server_by_it(run) -> None:
    """3: ``--vary br100.server_usd_per_accelerator=0,5000`` gave both rows the capex at price × the scenario's
    factor (the BR100 has no bill of materials). Compare's --set prices the server at the bill plus the part:
    $5,000 more per accelerator is 64 × 5,000 = $320,000 more capex; and a part priced by its bill reads no
    factor, in a sweep as in compare (the H100's rows of its factor are one)."""
    rows = _by(run, "br100@64", "br100.server_usd_per_accelerator=0,5000")
    assert rows[5000]["capex_usd"] - rows[0]["capex_usd"] == pytest.approx(64 * 5000, rel=1e-12)
    for bom in (0, 5000):
        assert rows[bom]["capex_usd"] == pytest.approx(_compare(f"br100.server_usd_per_accelerator={bom}").capex_usd, rel=1e-12)
    h100 = _sweep(run, "h100-sxm@64", "-w", "llama3-8b", "--vary", "h100-sxm.server_overhead_factor=1,3")
    assert h100[0]["capex_usd"] == h100[1]["capex_usd"] == _compare(option="h100-sxm@64").capex_usd


def test_a_what_if_of_the_grids_intensity_prices_the_carbon_as_compare_does() -> None:
    """4: the default scenario gives no grid intensity of its own (its market's table is read); a what-if of
    ``scenario.grid_kgco2e_per_kwh`` at $100 a tonne of carbon changed nothing, where compare's --set of it prices
    every kWh drawn: 0.5 kg/kWh × $100/t = $0.05 per kWh more, on the run's 976,038 kWh."""
    inputs = tco.load_inputs(["h100-sxm@64"], workload="llama3-8b", sets=["scenario.carbon_usd_per_tonne=100"])
    cost = tco.what_if(inputs, {"scenario.grid_kgco2e_per_kwh": [0.0, 0.5]}).results[0].job_cost_usd
    kwh = tco.compare(inputs).results[0].energy_kwh
    assert cost[1] - cost[0] == pytest.approx(kwh * 0.5 / 1000 * 100, rel=1e-9)  # 48,801.92
    for grid, got in zip((0.0, 0.5), cost, strict=True):
        at = _compare("scenario.carbon_usd_per_tonne=100", f"scenario.grid_kgco2e_per_kwh={grid}", option="h100-sxm@64")
        assert got == pytest.approx(at.job_cost_usd, rel=1e-12)


def test_a_sweeps_point_where_failures_leave_no_useful_time_says_so(run) -> None:
    """5: ``tco sweep h20 h100-sxm -w llama3-70b --vary scenario.failure_rate_per_accelerator_day=7,0.001``: at 7
    interruptions per accelerator-day goodput is 0, and compare says 'failures leave no useful time on 4096 × h20';
    the sweep's reason was 'its effective cost overflows a float (above 1.8e308 USD)'. It now gives compare's."""
    r = run("sweep", "h20", "h100-sxm", "-w", "llama3-70b", "--vary", "scenario.failure_rate_per_accelerator_day=7,0.001", "-f", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["results"]
    dead = {x["option"]: x for x in rows if x["scenario.failure_rate_per_accelerator_day"] == 7}
    tail = "goodput is 0 at 7 interruptions per accelerator-day, 0.1-minute checkpoint saves and 12.5-minute restarts"
    assert dead["h20"]["reason"] == f"failures leave no useful time on 4096 × h20: {tail}"
    assert dead["h100-sxm"]["reason"] == f"failures leave no useful time on 4096 × h100-sxm: {tail}"
    assert dead["h20"]["status"] == "infeasible" and dead["h20"]["feasible"] is False
    live = [x for x in rows if x["scenario.failure_rate_per_accelerator_day"] == 0.001]
    assert [x["reason"] for x in live] == [None, None]
    c = run("compare", "h20", "-w", "llama3-70b", "--set", "scenario.failure_rate_per_accelerator_day=7")
    assert c.exit_code == 1
    where = "Error: --set: scenario.failure_rate_per_accelerator_day"
    assert c.stderr.strip() == f"{where}: failures leave no useful time on 4096 × h20: {tail}"
    text = run("sweep", "h20", "-w", "llama3-70b", "--vary", "scenario.failure_rate_per_accelerator_day=7", "-f", "csv").stdout
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["reason"].startswith("failures leave no useful time on 4096")


def test_a_rental_lead_time_set_on_a_part_without_a_rental_table_takes_the_quoted_rate(run) -> None:
    """6: ``tco compare br100:rent=2 h100-sxm -w llama3-8b --set br100.rental.lead_time_weeks=3`` exited 1 with
    '--set: br100.rental.usd_per_hour: required key is missing', though the option quotes the rate (the BR100's
    profile has no rental table), while tco.what_if of the same lead time on the same options answered. The rate
    is now the quoted one, or, rented without a quote, an unknown input as ``br100:rent`` alone makes it; a
    bought BR100 does not read the lead time, as a bought H100 does not."""
    r = run("compare", "br100:rent=2", "h100-sxm", "-w", "llama3-8b", "--set", "br100.rental.lead_time_weeks=3", "-f", "json")
    assert r.exit_code == 0, r.stderr
    rented = {x["option"]: x for x in json.loads(r.stdout)["results"]}["br100:rent=2"]
    assert rented["status"] == "ranked" and rented["lead_time_days"] == 21.0  # 3 weeks
    base = _compare(option="br100:rent=2")
    assert base.lead_time_days == 0.0
    # 21 days later to market than on demand (now after the H100's 148.1 days: 18.0 days of delay), the job the same
    assert rented["job_cost_usd"] == pytest.approx(base.job_cost_usd, rel=1e-12)
    assert rented["time_to_market_days"] == pytest.approx(base.time_to_market_days + 21, rel=1e-12)
    h100 = _compare(option="h100-sxm")
    assert rented["delay_days"] == pytest.approx(base.time_to_market_days + 21 - h100.time_to_market_days, rel=1e-9)
    pair = tco.load_inputs(["br100:rent=2", "h100-sxm"], workload="llama3-8b")
    fast = tco.what_if(pair, {"br100.rental.lead_time_weeks": [3.0]}).results[0]
    assert fast.option == "br100:rent=2" and fast.effective_cost_usd == [pytest.approx(rented["effective_cost_usd"], rel=1e-12)]
    unquoted = run("compare", "br100:rent", "h100-sxm", "-w", "llama3-8b", "--set", "br100.rental.lead_time_weeks=3", "-f", "json")
    assert unquoted.exit_code == 0, unquoted.stderr
    row = {x["option"]: x for x in json.loads(unquoted.stdout)["results"]}["br100:rent"]
    assert row["status"] == "incomplete" and row["missing_inputs"] == ["br100.rental.usd_per_hour"] and row["lead_time_days"] == 21.0
    bought = run("compare", "br100", "-w", "llama3-8b", "--set", "br100.rental.lead_time_weeks=3")
    assert bought.exit_code == 0
    assert "Warning: --set br100.rental.lead_time_weeks=3: no option reads it (br100 is bought; rent it with br100:rent)" in bought.stderr


def test_a_dollar_price_to_match_shown_in_yuan_also_names_the_dollars_its_set_reads(run) -> None:
    """7: ``tco compare mlu590 l20 -w llama3-8b --currency CNY`` said 'complete it with --set l20.price_usd=VALUE (it
    wins only below a unit price of ¥47,864)'; the L20's price is a dollar input, so ``--set l20.price_usd=47864``
    is $47,864, seven times the price that decides it. As a yuan price shown in dollars names its yuan, a dollar
    price shown in yuan now names its dollars and the --set: $6,759.45 = ¥47,864.70 at 0.14122 USD per CNY."""
    r = run("compare", "mlu590", "l20", "-w", "llama3-8b", "--currency", "CNY")
    assert r.exit_code == 0
    note = "Note: l20 is not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE"
    assert f"{note} (it wins only below a unit price of ¥47,864 = 6,759 USD (--set l20.price_usd=6759.45))" in r.stderr
    assert "wins below a unit price of ¥47,864; the price is quoted in USD: 6,759" in r.stdout
    usd = run("compare", "mlu590", "l20", "-w", "llama3-8b")
    assert f"{note} (it wins only below a unit price of $6,759)" in usd.stderr and "quoted in USD" not in usd.stdout + usd.stderr
    inputs = tco.load_inputs(["mlu590", "l20"], workload="llama3-8b")
    dollars = {x.option: x for x in tco.compare(inputs).results}["l20"].price_to_match_usd
    yuan = {x.option: x for x in tco.compare(inputs, currency="CNY").results}["l20"]
    assert yuan.price_to_match_usd == pytest.approx(dollars / 0.14122, rel=1e-12) and 6759 <= dollars < 6760
    assert "decides: the price is quoted in USD: 6,759 USD (--set l20.price_usd=6759.45)" in yuan.notes


def test_a_sweep_of_a_rental_lead_time_on_a_part_without_a_rental_table_runs_as_compare_does(run) -> None:
    """8 (6's other half): ``tco sweep h20:rent=2 h100-sxm -w llama3-8b --vary h20.rental.lead_time_weeks=1,2``
    exited 1 with '--vary: h20.rental.lead_time_weeks: 1 is not allowed: rental.usd_per_hour: required key is
    missing' (an analysis rebuilds the part as --set does, and the H20's profile has no rental table); each week
    now moves the rented H20 a week later to market, at the quoted rate, as compare's --set does. A bought H20
    does not read it: the sweep and a break-even over it say so, as --set does and as they do for the H100, whose
    profile has a rental table (they said nothing). Likewise the H100's server factor, which its bill of materials
    leaves unread."""
    rows = _sweep(run, "h20:rent=2", "h100-sxm", "-w", "llama3-8b", "--vary", "h20.rental.lead_time_weeks=1,2")
    ttm = {r["h20.rental.lead_time_weeks"]: r["time_to_market_days"] for r in rows if r["option"] == "h20:rent=2"}
    assert ttm[2] - ttm[1] == pytest.approx(7.0, rel=1e-12)
    at_one = _compare("h20.rental.lead_time_weeks=1", option="h20:rent=2")
    assert ttm[1] == pytest.approx(at_one.time_to_market_days, rel=1e-12)
    bought = run("sweep", "h20", "-w", "llama3-8b", "--vary", "h20.rental.lead_time_weeks=1,2", "-f", "csv")
    assert bought.exit_code == 0
    assert "Warning: --vary h20.rental.lead_time_weeks=1,2: no option reads it (h20 is bought; rent it with h20:rent)" in bought.stderr
    param = run("breakeven", "h100-sxm", "h20", "-w", "llama3-8b", "--param", "h20.rental.lead_time_weeks", "--range", "0:10")
    assert param.exit_code == 0
    assert "Warning: --param h20.rental.lead_time_weeks: no option reads it (h20 is bought; rent it with h20:rent)" in param.stderr
    bom = run("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "h100-sxm.server_overhead_factor=1,2", "-f", "csv")
    why = "(h100-sxm prices its server by server_usd_per_accelerator, a bill of materials)"
    assert f"Warning: --vary h100-sxm.server_overhead_factor=1,2: no option reads it {why}" in bom.stderr
    read = run("sweep", "br100", "-w", "llama3-8b", "--vary", "br100.server_overhead_factor=1,2", "-f", "csv")
    assert read.exit_code == 0 and "Warning" not in read.stderr
