"""Hostile round 93 (the Python library and the user's own TOML files, as a scripter: wrong types, numpy values, a
sweep over a choice, results reused and changed, files edited on disk between calls): a sweep over a choice
(``workload.precision=bf16,fp8``) loads the inputs anew from their recipe for each value, and so silently answered for
other inputs than the ones given: a profile edited on disk after ``tco.load_inputs`` gave the sweep's BF16 row the
new file's price while ``compare`` of the same inputs kept the loaded one, an option put in with
``dataclasses.replace`` was swapped back for the file's, and a file whose id was changed met the sweep as a raw
``KeyError``; and a choice given to ``what_if`` or ``breakeven`` from Python was refused with a hint for the command
line (``tco sweep ... --vary workload.precision=A,B``), where the call is ``tco.sweep(inputs, [...])``. Each is fixed
and tested here."""

from __future__ import annotations

import dataclasses

import pytest

import tco
from tests.factories import one_error

MINE = 'extends = "h100-sxm"\nid = "mine"\nprice_usd = {}\n'


def _by_precision(inputs: tco.Inputs) -> dict[str, float]:
    return {row["workload.precision"]: row["effective_cost_usd"] for row in tco.sweep(inputs, ["workload.precision=bf16,fp8"]).results}


def test_a_choice_sweep_refuses_inputs_their_files_no_longer_load(user_profile) -> None:
    """1: a profile edited on disk after load_inputs: the sweep over a choice loaded the new file (its BF16 row
    $2,243,230 where compare of the same inputs, BF16 already, said $1,575,210), and with the id changed it failed
    with a raw KeyError. It is now refused, naming the file; loaded again, the sweep's BF16 row is compare's."""
    path = user_profile("accelerators", "mine", MINE.format(20000))
    inputs = tco.load_inputs(["mine"], workload="llama3-8b")
    cost = tco.compare(inputs).results[0].effective_cost_usd
    assert cost == pytest.approx(1575210.1320244495, rel=1e-12)
    assert _by_precision(inputs)["bf16"] == cost
    path.write_text(MINE.format(40000))
    assert tco.compare(inputs).results[0].effective_cost_usd == cost  # (the inputs hold what was loaded)
    with pytest.raises(tco.InputError) as caught:
        tco.sweep(inputs, ["workload.precision=bf16,fp8"])
    assert str(caught.value) == (
        f"{path}: vary: mine is not what the file loads now (the file changed since tco.load_inputs, or the model was replaced "
        "in the inputs): a sweep over a choice loads the inputs anew for each value, so load them again with tco.load_inputs"
    )
    again = tco.load_inputs(["mine"], workload="llama3-8b")
    assert _by_precision(again)["bf16"] == tco.compare(again).results[0].effective_cost_usd == pytest.approx(2243229.8564299066, rel=1e-12)
    path.write_text(MINE.replace('"mine"', '"other"').format(20000))
    with pytest.raises(tco.InputError, match=r"^.*mine\.toml: vary: mine is not what the file loads now"):
        tco.sweep(inputs, ["workload.precision=bf16,fp8"])


def test_a_choice_sweep_refuses_an_option_put_in_by_hand() -> None:
    """1: an option of other inputs put in with dataclasses.replace (the recipe kept): the sweep's BF16 row was the
    file's H100 ($1,825,718) where compare said $940,591 for these inputs. It is refused, and a workload of another
    file too; the numeric sweep, which reads the inputs as given, still answers for them."""
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    cheap = tco.load_inputs(["h100-sxm"], workload="llama3-8b", sets=["h100-sxm.price_usd=1000"])
    mixed = dataclasses.replace(inputs, options=[cheap.options[0], inputs.options[1]])
    assert tco.compare(mixed).results[0].effective_cost_usd == pytest.approx(940591.3938392658, rel=1e-12)
    with pytest.raises(tco.InputError, match=r"h100-sxm\.toml: vary: h100-sxm is not what the file loads now \(the file changed"):
        tco.sweep(mixed, ["workload.precision=bf16,fp8"])
    other = dataclasses.replace(inputs, workload=tco.load_inputs(["h100-sxm"], workload="gpt3-1.3b").workload)
    with pytest.raises(tco.InputError, match=r"llama3-8b\.toml: vary: the workload is not what the file loads now"):
        tco.sweep(other, ["workload.precision=bf16,fp8"])
    rows = list(tco.sweep(mixed, ["a100-80gb.price_usd=1000:2000:2"]).results)
    assert rows[0]["effective_cost_usd"] == pytest.approx(940591.3938392658, rel=1e-12)


def test_a_choice_given_where_a_number_is_asked_hints_at_the_python_sweep(run) -> None:
    """2: what_if and breakeven of a choice (workload.precision) from Python hinted at the command line ('tco sweep
    ... --vary workload.precision=A,B'); they now give the call that sweeps these inputs, and the command line keeps
    its own hint."""
    inputs = tco.load_inputs(["h100-sxm", "a100-80gb"], workload="llama3-8b")
    hint = "is not a numeric input (to compare its values, sweep them: tco.sweep(inputs, ['workload.precision=A,B']))"
    with pytest.raises(tco.InputError) as caught:
        tco.what_if(inputs, {"workload.precision": [1.0]})
    assert str(caught.value) == f"what_if: workload.precision: {hint}"
    with pytest.raises(tco.InputError) as caught:
        tco.breakeven(inputs, "h100-sxm", "a100-80gb", param="workload.precision")
    assert str(caught.value) == f"param: workload.precision: {hint}"
    line = one_error(run("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b", "--param", "workload.precision"))
    assert line == (
        "Error: --param: workload.precision: is not a numeric input (to compare its values, sweep them: tco sweep ... "
        "--vary workload.precision=A,B)"
    )
    assert list(tco.sweep(inputs, ["workload.precision=bf16,fp8"]).results)[3]["workload.precision"] == "fp8"
