"""Tests from the seed-79 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 60
of their 13,646 mutants: ``random.Random(79).sample`` over the sorted names): a bracketed --vary list refused under
--vary; a what-if value that is not a number, named; a swept value that holds only with another axis, named as
planned anew; a what-if row whose values fail together, refused under what_if; a batch of one token, in the singular;
and a what-if of the grid intensity a scenario leaves to its market.

By 12:30 UTC (the time the run was given) mutmut had run 57 of the 60 over the configured test selection: 52 killed,
5 survived. Of the five, ``unbracketed`` 28, ``what_if`` 130, ``moves_plan`` 32 and ``evaluate_many`` 55 are killed by
the tests below; the fifth is equivalent:

- ``evaluate_many`` 11 (``zip(prep.plans, prep.bases, strict=True)`` -> ``strict=None``): ``prepare`` appends one
  plan and one base per option in the same loop iteration and nothing else appends to either, so the two lists always
  have the same length and the strict check can never fire; None is as false as False, so zip pairs them the same.

Three were not run by mutmut before the cut (``plan_training`` 437 was stopped midway, ``grid_key_in`` 5 and
``flatten_into`` 3 never started), so whether the earlier selection kills them is not known. ``plan_training`` 437 and
``grid_key_in`` 5 change what a user sees (the one-token note; a what-if of a grid intensity the scenario leaves to
its market) and no test of the selection pins either case, so they are pinned below; each fails the test named for it
with the mutant applied by hand. (``flatten_into`` 3 calls ``walk_numbers`` without its model, a TypeError wherever
inputs are flattened.) Re-run with this file in the selection, mutmut killed all seven: the four survivors, the three
not run before.

The toy parts are tests.factories'.
"""

from __future__ import annotations

import pytest

from tco import engine
from tco.analysis.sweep import iter_sweep, parse_vary
from tco.analysis.whatif import what_if
from tco.engine import Option
from tco.errors import InputError
from tco.inputs import Inputs
from tests.factories import SERVING_PEAK, accelerator, inference, scenario, training

# --------------------------------------------------------------------------- unbracketed: the flag it names


def test_a_bracketed_vary_list_is_refused_under_the_vary_flag() -> None:
    """Kills tco.analysis.sweep.x_unbracketed__mutmut_28 (the refusal's ``where="--vary"`` -> ``"--VARY"``: the error
    named a flag the CLI does not have). (tests/test_session62.py pins the words through the CLI, outside mutmut's
    test selection.)"""
    with pytest.raises(InputError) as exc:
        parse_vary("scenario.pue=[1.1,1.2]")
    assert (exc.value.where, exc.value.key) == ("--vary", "scenario.pue")
    assert str(exc.value) == "--vary: scenario.pue: list the values without brackets: scenario.pue=1.1,1.2"


# --------------------------------------------------------------------------- what_if: the value that is not a number


def test_a_what_if_value_that_is_not_a_number_is_named_in_the_refusal() -> None:
    """Kills tco.analysis.whatif.x_what_if__mutmut_130 (``str(bad)`` -> ``str(None)``: a text among the values was
    refused as "got 'None'", which the user never gave)."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), [])
    with pytest.raises(InputError) as exc:
        what_if(inputs, {"scenario.pue": [1.2, "abc"]})
    assert str(exc.value) == "scenario.pue: expected numbers, got 'abc'"
    with pytest.raises(InputError) as flag:
        what_if(inputs, {"scenario.pue": [1.2, True]})
    assert str(flag.value) == "scenario.pue: expected numbers, got 'True'"


# --------------------------------------------------------------------------- moves_plan: a value that holds only alongside


def test_a_swept_value_that_holds_only_with_another_axis_is_the_one_named_as_planned_anew() -> None:
    """Kills tco.analysis.common.x_moves_plan__mutmut_32 (the answer for a value that fails validation alone, as
    planned with the other axis, ``True`` -> ``None``: falsy, so the axis was said not to move the plan).

    The service's context is 4,000 tokens; its file gives 500 prompt and 3,400 output tokens. A prompt of 800 alone is
    a request of 800 + 3,400 = 4,200 > 4,000 tokens (refused: the axis cannot be planned alone), so it is planned with
    the output's values and moves the plan; with the output's 1,025 values that is 1 × 1,025 = 1,025 combinations, more
    than MAX_REPLANS = 1,024, and the refusal names the first axis that moves the plan: the prompt's. (The mutant named
    the output's, the second axis.)"""
    inputs = Inputs(
        [Option(accelerator(peak=SERVING_PEAK))], inference(seq_len=4000, prompt_tokens=500, output_tokens=3400), scenario(), []
    )
    with pytest.raises(InputError) as exc:
        iter_sweep(inputs, ["workload.prompt_tokens=800", "workload.output_tokens=1:1025:1025"])
    assert (exc.value.where, exc.value.key) == ("--vary", "workload.prompt_tokens")
    assert str(exc.value) == (
        "--vary: workload.prompt_tokens: workload.prompt_tokens changes toy's layout, batch or memory fit, so each "
        "combination of the swept values is planned anew: at most 1,024, got 1,025 (1 workload.prompt_tokens × 1,025 "
        "workload.output_tokens)"
    )


# --------------------------------------------------------------------------- plan_training: one token of batch


def test_a_global_batch_of_one_token_is_noted_in_the_singular() -> None:
    """Kills tco.engine.x_plan_training__mutmut_437 (the note's unit for a batch of one token, ``"token"`` ->
    ``"XXtokenXX"``). (tests/test_hostile17.py pins the words through the CLI, outside mutmut's test selection.)

    The toy job's sequences are 1,000 tokens; a global batch of 1 token is less than one, and a step runs one; 2
    tokens are plural."""
    one = engine.plan_option(Option(accelerator()), training(global_batch_tokens=1), scenario())
    assert "workload.global_batch_tokens (1 token) is less than one 1,000-token sequence: a step runs one" in one.notes
    two = engine.plan_option(Option(accelerator()), training(global_batch_tokens=2), scenario())
    assert "workload.global_batch_tokens (2 tokens) is less than one 1,000-token sequence: a step runs one" in two.notes


# --------------------------------------------------------------------------- evaluate_many: where a combination fails


def test_a_what_if_row_whose_values_fail_together_is_refused_under_what_if() -> None:
    """Kills tco.analysis.common.x_evaluate_many__mutmut_55 (the ``where`` given to the planner of each combination
    -> None: the refusal of a row whose values fail together lost its "what_if:").

    The toy service's context is 1,000 tokens, its file's request 500 + 500. Each value holds with some end of the
    other's (800 + 100, 200 + 500), so both pass validation; the first row, 800 + 500 = 1,300 > 1,000, is refused when
    it is planned."""
    inputs = Inputs([Option(accelerator(peak=SERVING_PEAK))], inference(prompt_tokens=500, output_tokens=500), scenario(), [])
    with pytest.raises(InputError) as exc:
        what_if(inputs, {"workload.prompt_tokens": [800, 200], "workload.output_tokens": [500, 100]})
    assert (exc.value.where, exc.value.key) == ("what_if", "workload.output_tokens")
    assert str(exc.value) == (
        "what_if: workload.output_tokens: 500 is not allowed: prompt_tokens: a request of 800 + 500 tokens exceeds "
        "seq_len = 1000, the context it must fit in"
    )


# --------------------------------------------------------------------------- grid_key_in: a grid intensity an analysis gives


def test_a_what_if_of_the_grid_intensity_the_scenario_leaves_to_its_market_prices_the_value_given() -> None:
    """Kills tco.engine.xǁPlanǁgrid_key_in__mutmut_5 (the scenario's own intensity looked up as
    ``"XXscenario.grid_kgco2e_per_kwhXX"``: a value an analysis gave was never read, the market's was).

    The scenario has no grid intensity of its own (its market's is 0.4 kg/kWh) and prices carbon at $100/t. The toy
    job draws 4 × 500 W × 0.5 × 1.5 (power overhead) × 1.5 (PUE) × 1.224 h = 2.754 kWh (1.44e8 tokens at
    0.5 × 100 TFLOPS / 6.12e9 FLOPs per token on 4 parts: 4,406.4 s). A what-if of 0.5 kg/kWh costs
    2.754 × (0.5 − 0.4) / 1000 × $100 = $0.02754 more than one of 0.4, and as much as a scenario that gives 0.5."""
    sc = scenario(carbon_usd_per_tonne=100, grid_kgco2e_per_kwh_by_market={"global": 0.4})
    w = what_if(Inputs([Option(accelerator())], training(), sc, []), {"scenario.grid_kgco2e_per_kwh": [0.5, 0.4]})
    at_half, at_market = w.options[0].job_cost_usd
    assert at_half - at_market == pytest.approx(2.754 * 0.1 / 1000 * 100, rel=1e-9)
    market = engine.compare(options=[Option(accelerator())], workload=training(), scenario=sc).results[0]
    assert (market.energy_kwh, market.operational_emissions_kgco2e) == (pytest.approx(2.754, rel=1e-12), pytest.approx(1.1016, rel=1e-12))
    assert at_market == pytest.approx(market.job_cost_usd, rel=1e-12)
    own = engine.compare(
        options=[Option(accelerator())], workload=training(), scenario=scenario(carbon_usd_per_tonne=100, grid_kgco2e_per_kwh=0.5)
    ).results[0]
    assert at_half == pytest.approx(own.job_cost_usd, rel=1e-12)
