"""Hostile round 62a: inputs that were silently ignored, and profile files whose names differ only in case.

A ``--set`` of a number that no option reads changed nothing and said nothing (the standard: never a silently
ignored option or --set). Each run now says so on stderr, once per input, through every command that loads
inputs (``tco.api.load_inputs`` puts it into ``Inputs.warnings``); an input that is read but happens not to
change the answer is not warned about."""

from __future__ import annotations

import json

import pytest

import tco
from tco import api, engine


def _unread(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "no option reads it" in line]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["h100-sxm", "--set", "h100-sxm.rental.usd_per_hour=2"],
            "Warning: --set h100-sxm.rental.usd_per_hour=2: no option reads it (h100-sxm is bought; rent it with h100-sxm:rent)",
        ),
        (
            ["h100-sxm", "--set", "scenario.rental_setup_weeks=3"],
            "Warning: --set scenario.rental_setup_weeks=3: no option reads it (no option is rented)",
        ),
        (
            ["h100-sxm", "--set", "scenario.network_usd_per_accelerator_tier.ethernet=500"],
            "Warning: --set scenario.network_usd_per_accelerator_tier.ethernet=500: no option reads it "
            "(the scenario's fabric is infiniband)",
        ),
        (
            ["h100-sxm", "--set", "scenario.fabric=ethernet", "--set", "scenario.network_usd_per_accelerator_tier.infiniband=500"],
            "Warning: --set scenario.network_usd_per_accelerator_tier.infiniband=500: no option reads it "
            "(the scenario's fabric is ethernet)",
        ),
        (
            ["h100-sxm:rent", "--set", "h100-sxm.price_usd=20000"],
            "Warning: --set h100-sxm.price_usd=20000: no option reads it (h100-sxm:rent is rented)",
        ),
        (
            ["h100-sxm:rent", "--set", "scenario.deployment_weeks=9"],
            "Warning: --set scenario.deployment_weeks=9: no option reads it (every option is rented)",
        ),
        (
            ["h100-sxm@64", "--set", "workload.accelerator_count=128"],
            "Warning: --set workload.accelerator_count=128: no option reads it (every option gives its own count, ID@COUNT)",
        ),
    ],
)
def test_a_set_no_option_reads_is_warned_once(run, args: list[str], line: str) -> None:
    """Defect: `tco compare h100-sxm -w gpt3-1.3b --set h100-sxm.rental.usd_per_hour=2` (a bought part), `--set
    scenario.rental_setup_weeks=3` (nothing rented), the network cost of the fabric the scenario does not use, a
    price of a part only rented, the workload's count with every option at its own @N: exit 0, the same answer
    as without the --set, and not a word. Now one Warning line names the input and why nothing reads it."""
    result = run("compare", *args, "-w", "gpt3-1.3b")
    assert result.exit_code == 0, result.stderr
    assert _unread(result) == [line]


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "a100-80gb", "mlu370-s4"],
        ["breakeven", "a100-80gb", "mlu370-s4"],
        ["sensitivity", "a100-80gb"],
        ["simulate", "a100-80gb", "mlu370-s4", "-n", "50", "--seed", "1"],
        ["sweep", "a100-80gb", "--vary", "scenario.pue=1.1:1.3:2"],
        ["size", "a100-80gb", "--deadline-days", "400"],
        ["cashflow", "a100-80gb", "mlu370-s4"],
    ],
)
def test_every_command_warns_the_same(run, command: list[str]) -> None:
    """Defect: every analysis took an unread --set without a word. The warning is made where the inputs are
    loaded (tco.api.load_inputs), so each command says the same, once, and its JSON result stays as it was."""
    result = run(*command, "-w", "gpt3-1.3b", "--set", "scenario.rental_setup_weeks=3", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert _unread(result) == ["Warning: --set scenario.rental_setup_weeks=3: no option reads it (no option is rented)"]
    json.loads(result.stdout)


def test_one_line_per_input_over_options_of_one_part(run) -> None:
    """Two options of one part, both bought: the rental rate of the part is one input, told once. Rented by
    one of them, it is read: no warning, and the set-up of rented capacity is read too."""
    both_bought = run("compare", "h100-sxm", "h100-sxm@16", "-w", "gpt3-1.3b", "--set", "h100-sxm.rental.usd_per_hour=2")
    assert len(_unread(both_bought)) == 1
    one_rented = run(
        "compare", "h100-sxm", "h100-sxm:rent", "-w", "gpt3-1.3b", "--set", "h100-sxm.rental.usd_per_hour=2",
        "--set", "scenario.rental_setup_weeks=3",
    )  # fmt: skip
    assert one_rented.exit_code == 0 and _unread(one_rented) == []


@pytest.mark.parametrize(
    ("accelerators", "workload", "item"),
    [
        # read, and no figure moves: a single node has no switching tier to price
        (["h100-sxm"], "gpt3-1.3b", "scenario.network_usd_per_accelerator_tier.infiniband=500"),
        # read across options (the delay penalty), none late with one option
        (["h100-sxm"], "gpt3-1.3b", "scenario.cost_of_delay_usd_per_day=5"),
        # read by the cash flow only (its discounting and residual value)
        (["h100-sxm:rent"], "gpt3-1.3b", "scenario.cost_of_capital=0.05"),
        # read by the plan only (a serving replica's memory fit), not by the arithmetic
        (["h100-sxm@8"], "chat-70b", "h100-sxm.memory_gb=81"),
        # read as the quantity's value, spelled with .value, through an alias
        (["h100-sxm"], "gpt3-1.3b", "H100.price_usd.value=30000"),
        # not a number: a choice, which the plan reads (never warned about here)
        (["h100-sxm:rent"], "gpt3-1.3b", "scenario.fabric=ethernet"),
        # a range's end, which sensitivity and simulate read
        (["h100-sxm"], "gpt3-1.3b", "scenario.rental_setup_weeks.high=3"),
    ],
)
def test_inputs_that_are_read_are_not_warned(accelerators: list[str], workload: str, item: str) -> None:
    """The warning is for inputs no option reads, not for inputs read that happen not to change the answer
    (a network cost with no tier to price, a cost of delay with nothing late) nor for those the plan reads
    from the profile rather than the arithmetic (memory decides a serving replica)."""
    inputs = api.load_inputs(accelerators, workload=workload, sets=[item])
    assert [w for w in inputs.warnings if "no option reads it" in w] == []


def test_the_library_gets_the_warning_in_inputs_warnings() -> None:
    """A script's ``sets=`` is warned about as the command line's --set is, in the inputs' warnings (named as
    the argument: sets)."""
    inputs = tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b", sets=["scenario.rental_setup_weeks=3"])
    assert list(inputs.warnings) == ["sets scenario.rental_setup_weeks=3: no option reads it (no option is rented)"]
    assert tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b").warnings == ()


def test_read_inputs_record_every_way_of_asking() -> None:
    """The evaluation asks for inputs by p[key], p.get(key) and `key in p`, and copies its inputs (a measured
    run's inputs as measured): each read is recorded, so an input asked for in any of those ways is read."""
    p = engine.ReadInputs({"a": 1.0, "b": 2.0})
    assert p["a"] == 1.0 and p.get("b") == 2.0 and "c" not in p
    assert p["d"] != p["d"] and p.missing == ["d"]  # (unknown: NaN, as KnownInputs)
    copy = type(p)(p)
    copy.get("e")
    assert p.read == {"a", "b", "c", "d", "e"}
    option = engine.Option(api.load_accelerator("h100-sxm"))
    read = engine.inputs_read(option, api.load_workload("gpt3-1.3b"), api.load_scenario())
    assert read is not None and "accel.price_usd" in read and "accel.rental.usd_per_hour" not in read


def test_an_id_that_matches_exactly_comes_before_a_file_name_in_another_case(run, user_profile) -> None:
    """Defect: with long-gpu.toml (id long-gpu) and long-GPU.toml (id long-gpu2) in one TCO_PROFILE_PATH folder,
    `tco profiles show long-gpu` showed long-gpu2 (the file name matched without regard to case, and sorted
    first), and `tco compare long-gpu long-gpu2` said they 'name the same option'. The file whose own id is the
    one asked for comes first; the other file's name still finds it when no file has that id."""
    user_profile("accelerators", "long-gpu", 'id = "long-gpu"\nextends = "h100-sxm"\naliases = []\nname = "Long one"\n')
    user_profile("accelerators", "long-GPU", 'id = "long-gpu2"\nextends = "h100-sxm"\naliases = []\nname = "Long two"\n')
    for ref, name in (("long-gpu", "Long one"), ("LONG-GPU", "Long one"), ("long-gpu2", "Long two")):
        shown = run("profiles", "show", ref, "-f", "json")
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["results"][0]["accelerator"]["name"] == name, ref
    result = run("compare", "long-gpu", "long-gpu2", "-w", "gpt3-1.3b")
    assert result.exit_code == 0, result.stderr
    assert "long-gpu and long-gpu2 tie" in result.stderr


def test_a_file_name_in_another_case_with_its_own_id_is_preferred_to_none(user_profile) -> None:
    """Long-GPU.toml whose id is long-gpu is the file of id long-gpu, before long-gpu.toml whose id is
    long-gpu2 (the id, not the spelling of the file's name, decides)."""
    user_profile("accelerators", "Long-GPU", 'id = "long-gpu"\nextends = "h100-sxm"\naliases = []\nname = "Long one"\n')
    user_profile("accelerators", "long-gpu", 'id = "long-gpu2"\nextends = "h100-sxm"\naliases = []\nname = "Long two"\n')
    assert api.load_accelerator("long-gpu").name == "Long one"
    assert api.load_accelerator("long-gpu2").name == "Long two"


@pytest.mark.parametrize(("accelerators", "workload"), [(["h100-sxm", "h100-sxm:rent"], "gpt3-1.3b"), (["h100-sxm@8"], "chat-70b")])
def test_plan_free_inputs_move_no_plan(accelerators: list[str], workload: str) -> None:
    """unread_sets skips planning again for engine.PLAN_FREE (money, weeks to market): that is only right while no
    plan reads them. Each one, at a thousandth and a thousand times its value, leaves every plan as it was."""
    inputs = api.load_inputs(accelerators, workload=workload)
    for flat in sorted(engine.PLAN_FREE):
        scope, key = flat.split(".", 1)
        for i, o in enumerate(inputs.options):
            value = engine.numeric_inputs(o, inputs.workload, inputs.scenario).get(flat)
            if value is not None:
                assert not api._plan_moves(inputs, i, o.accelerator.id if scope == "accel" else scope, key, value), flat
