"""Tests from the seed-78 sample of tco/engine.py and tco/analysis/*.py (mutmut 3.8.1, a uniform random sample of 60
of their 13,646 mutants: ``random.Random(78).sample`` over the sorted names): a measured MFU of the part's own that
is final; a --vary of too many choices; a --set of the count that size refuses, named among other --sets; a tornado
--vs an option the market bars; and an unpriced part leased all the same in a cash flow.

Of the 60, 50 were killed by the tests that reach the mutated function (mutmut's stats over the configured test
selection), and one (``mfu_final`` 7) was reached by no test of the selection. Of those ten, ``mfu_final`` 7,
``split_choices`` 114, ``size`` 79, ``sensitivity`` 53 and ``cashflow`` 211 are killed by the tests below. The other
five are equivalent:

- ``size`` 348 (``name == "deadline_days"`` -> ``== "DEADLINE_DAYS"`` in the first exact window of a deadline's
  training pick n: (n, min(2n, MAX_COUNT)) instead of ((n + 1) // 2, n)). n meets the deadline there (the exact search
  over every layout is never slower than the shortlist that picked n, as the code's comment says), so that window's
  first meeting count is n itself, k = 0, and the search steps down to ((n + 1) // 2, n - 1), the original's window
  less n; if none of it meets, n stands, as the original's last index; if some does, both take its first. The same
  count and figures, one window later (checked by hand: the same results, mutant applied, for two toy jobs at
  deadlines of 5 to 400 days, four of the twelve met).
- ``plan_serving`` 79 (``experts=workload.experts or 0`` -> ``or 1``): serving reads ``experts`` only in
  ``_unvisited_share`` and ``unvisited_expert_bytes``, both dense where ``not (experts and top_k) or top_k >= experts``:
  with experts 1, top_k 0 is dense as before, and any top_k (a Count, at least 1) is >= 1, dense as before.
- ``_idle_reason`` 13 (``int(count // replica)`` -> ``int(count / replica)``): for whole counts and replicas below
  2**52 the rounded quotient a/b = k - r/b (1 <= r < b) is never rounded up to k, so truncation gives the floor.
- ``_evaluate_groups`` 150 (``np.asarray(v, dtype=float)`` -> ``dtype=None``): the values (never None: skipped) are
  numbers, stored into a float array, which casts them as ``dtype=float`` would.
- ``plan_training`` 338 (``replace(job, vocab=0)`` -> ``vocab=None``): ``activation_bytes`` reads ``vocab`` only
  as ``if not job.vocab``, where None is as false as 0.

The toy parts are tests.factories'.
"""

from __future__ import annotations

import pytest

from tco import engine
from tco.analysis.cashflow import cashflow
from tco.analysis.sensitivity import sensitivity
from tco.analysis.sizing import size
from tco.analysis.sweep import split_choices
from tco.engine import Option
from tco.errors import InputError
from tco.inputs import Inputs
from tests.factories import accelerator, scenario, training

# --------------------------------------------------------------------------- mfu_final: the part's own MFU


def test_the_parts_own_mfu_without_a_published_run_is_final() -> None:
    """Kills tco.engine.x_mfu_final__mutmut_7 (``plan.mfu_key == "accel.mfu"`` -> ``== "XXaccel.mfuXX"``: a part's
    own measured MFU, with no published run of the workload on the part before it, was not final, so a step-model
    choice beside it was said to be read). No test in mutmut's selection reached mfu_final (it is called by tco.api
    alone): mutmut reported it as covered by no test.

    The toy's profile gives mfu = 0.5 and has no benchmark: its plan reads accel.mfu, derived, and that MFU is final.
    The workload's own MFU is final too; a part without an MFU has none (the step model sets the rate)."""
    own = engine.plan_option(Option(accelerator()), training(), scenario())
    assert (own.mfu_key, own.throughput_source) == ("accel.mfu", engine.ThroughputSource.derived)
    assert engine.mfu_final(own) is True
    assert engine.mfu_final(engine.plan_option(Option(accelerator()), training(mfu=0.4), scenario())) is True
    assert engine.mfu_final(engine.plan_option(Option(accelerator(mfu=None)), training(), scenario())) is False


# --------------------------------------------------------------------------- split_choices: too many combinations


def test_more_than_64_combinations_of_choices_are_refused_with_the_count_and_the_product() -> None:
    """Kills tco.analysis.sweep.x_split_choices__mutmut_114 (the refusal's message -> None: the error said nothing of
    the limit or of the combinations asked for). (tests/test_session60.py pins the words, outside mutmut's test
    selection.)

    65 names of the toy are 65 combinations, one more than MAX_CHOICE_RUNS = 64."""
    names = ",".join(f"n{i}" for i in range(65))
    with pytest.raises(InputError) as exc:
        split_choices(Inputs([Option(accelerator())], training(), scenario(), []), [f"toy.name={names}"])
    assert str(exc.value) == (
        "--vary: toy.name: at most 64 combinations of swept choices (each loads and plans the inputs anew), got 65 (65 toy.name)"
    )


# --------------------------------------------------------------------------- size: the --set of the count


def test_size_refuses_a_set_count_naming_that_set_not_the_first_one() -> None:
    """Kills tco.analysis.sizing.x_size__mutmut_79 (``also_set(replace(inputs, sets=[s]), ...)`` -> ``also_set(
    replace(inputs), ...)``: each --set was tested with all of them, so the first --set was blamed whenever any one
    set the count: 'leave out scenario.pue=1.2').

    The second of two --sets gives workload.accelerator_count, which size chooses itself: that one is named."""
    inputs = Inputs([Option(accelerator())], training(), scenario(), ["scenario.pue=1.2", "workload.accelerator_count=8"])
    with pytest.raises(InputError) as exc:
        size(inputs, deadline_days=100)
    assert exc.value.message == "size chooses the count itself, searching every count up to 131,072: leave out workload.accelerator_count=8"
    assert (exc.value.where, exc.value.key) == ("toy-train", "accelerator_count")


# --------------------------------------------------------------------------- sensitivity: --vs a barred option


def test_a_tornado_versus_an_option_the_market_bars_blames_vs() -> None:
    """Kills tco.analysis.sensitivity.x_sensitivity__mutmut_53 (``key="--vs"`` dropped: the refusal named no option
    of the command, where the --vs option is the one at fault). (tests/test_hostile100.py pins the CLI's line, outside
    mutmut's test selection.)

    'barred' can be neither bought nor rented in the global market (the toy scenario's): it has no cost at any input's
    end, so a tornado of its difference with the toy is refused, naming --vs and the market's rule."""
    barred = accelerator(id="barred", availability={"global": {"buy": False, "rent": False, "rule": "a test rule"}})
    inputs = Inputs([Option(accelerator()), Option(barred)], training(), scenario(), [])
    with pytest.raises(InputError) as exc:
        sensitivity(inputs, vs=("toy", "barred"))
    assert exc.value.key == "--vs"
    assert str(exc.value) == (
        "--vs: barred has no cost to compare with the other option's: barred cannot be bought in market 'global': "
        "a test rule; it can be bought in market 'cn': --set scenario.market=cn"
    )


# --------------------------------------------------------------------------- cashflow: an unpriced part, leased


def test_an_unpriced_part_left_out_of_the_cash_flow_is_still_leased() -> None:
    """Kills tco.analysis.cashflow.x_cashflow__mutmut_211 (``leased = cashflow_option(...)`` -> ``leased = None``: the
    lease row of a bought part left out for its unknown price failed with AttributeError). (tests/test_session61.py
    pins the CLI's row, outside mutmut's test selection.)

    The toy without a price is in ``reference`` (compare weighs it, the cash flow cannot buy it); 'other' is the toy
    with its price. A lease reads no price, so the toy's lease row is the other's, with one more note."""
    unpriced, other = Option(accelerator(price_usd=None)), Option(accelerator(id="other"))
    result = cashflow([other], training(), scenario(), lease_usd_per_month=100, reference=[unpriced])
    rows = {r.option: r for r in result.options}
    assert sorted(rows) == ["other", "other:lease", "toy:lease"]
    toy, twin = rows["toy:lease"], rows["other:lease"]
    assert toy.notes == [*twin.notes, "leased only: the purchase needs toy.price_usd, which the lease does not"]
    assert toy.npv_cost_usd == twin.npv_cost_usd
    assert [y.lease_usd for y in toy.years] == [y.lease_usd for y in twin.years]
