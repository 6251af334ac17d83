"""Tests that kill surviving mutants of the seed-72 sample of tco/analysis/sweep.py, tco/analysis/common.py and
tco/api.py (mutmut 3.8.1, a uniform random sample of 60 of their 6,465 mutants: ``random.Random(72).sample`` over
the sorted names): the values a failed combination of a choice sweep names, the end of the message refusing a
published row above the part's peak, the inputs a sweep checks a value alongside, and the words of
the note on an unpriced part that loses at any price.

Every expected value is worked out by hand from the formulas and the docstrings of tco/analysis/common.py,
tco/analysis/sweep.py and tco/api.py (the arithmetic is in each test)."""

from __future__ import annotations

import pytest

from tco import api
from tco.analysis import sweep
from tco.analysis.sweep import ChoiceAxis, iter_choice_sweep, make_axes
from tco.engine import Option
from tco.errors import InputError
from tco.inputs import Inputs
from tests.factories import accelerator, inference, scenario, training

# --------------------------------------------------------------------------- iter_choice_sweep: a failed combination


def test_a_combination_of_choices_that_cannot_be_swept_names_each_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.analysis.sweep.x_iter_choice_sweep__mutmut_38 (the values joined by 'XX, XX').

    Two choice axes, one value each: the one combination is given as ``--set`` items
    ``workload.precision=fp8`` and ``workload.tuning=typical``; the numeric sweep under it fails with an error that
    is not the sweep's own (its key is not ``--vary``), so it is re-raised naming the combination, the items joined
    by ', ', and keyed ``--vary``."""
    loaded: list[list[str]] = []

    def load(given: list[str]) -> object:
        loaded.append(list(given))
        return object()

    def fails(*_args: object, **_kw: object) -> object:
        raise InputError("every option is barred in market 'cn'", key="scenario.market")

    monkeypatch.setattr(sweep, "iter_sweep", fails)
    axes = [ChoiceAxis("workload.precision", ("fp8",)), ChoiceAxis("workload.tuning", ("typical",))]
    with pytest.raises(InputError) as caught:
        iter_choice_sweep(axes, [], load)  # type: ignore[arg-type]
    assert loaded == [["workload.precision=fp8", "workload.tuning=typical"]]
    assert caught.value.key == "--vary"
    assert caught.value.message == (
        "with workload.precision=fp8, workload.tuning=typical: scenario.market: every option is barred in market 'cn'"
    )


# --------------------------------------------------------------------------- published rows above the part's peak


def test_a_published_row_above_the_peak_says_what_to_check(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Kills tco.api.x__check_published_rows__mutmut_151 (the message's last clause, 'more than the part can compute;
    check the measurement', altered: tests/test_hostile48.py checks the message only up to the peak).

    A training row of 7e9 parameters at 1e6 tokens/s per H100 (BF16 peak 989.4 TFLOPS), at 6 FLOPs per parameter per
    token: MFU = 6 × 7e9 × 1e6 / 989.4e12 = 4.2e16 / 9.894e14 = 42.449... -> '42.45', above 1: the part cannot
    compute it. The rate is written as ``{:,.6g}``: 1e6 -> '1e+06'."""
    (tmp_path / "benchmarks").mkdir()
    path = tmp_path / "benchmarks" / "impossible.toml"
    path.write_text(
        'id = "impossible"\nsource = "test"\ntuning = "typical"\ntuning_reason = "test"\n\n'
        '[[rows]]\naccelerator = "h100-sxm"\nmodel = "m"\nparameters = 7e9\nseq_len = 2048\naccelerator_count = 8\n'
        'precision = "bf16"\ntokens_per_second = 1e6\n'
    )
    assert 6 * 7e9 * 1e6 / 989.4e12 == pytest.approx(42.45, abs=5e-3)
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    assert r.stderr.rstrip("\n").endswith(
        "rows[0].tokens_per_second: 1e+06 tokens/s per accelerator implies MFU 42.45 (> 1) of h100-sxm's 989.4 TFLOPS "
        "bf16 peak (6 FLOPs per parameter per token): more than the part can compute; check the measurement"
    )


# --------------------------------------------------------------------------- with_numbers_to_match: no price ties


def test_an_unpriced_part_that_loses_at_any_price_says_so_in_its_words() -> None:
    """Kills tco.api.x_with_numbers_to_match__mutmut_45 (the note's 'unit price' written 'UNIT PRICE').

    The toy trains 1.44e8 tokens × 6 × 1e9 FLOPs = 8.64e17 FLOPs on 4 × 100 TFLOPS × MFU 0.5 = 2e14 FLOP/s: 4,320 s
    = 0.05 days. A copy with a 1-TFLOPS peak and no price takes 100 times as long, 5 days, reaching the market 4.95
    days later: 4.95 × 1,000 USD/day = 4,950 USD of delay alone, more than the toy's whole job (its four 10,000-USD
    parts over 4 years at no cost of capital, 0.05 days of them: 4 × 2 × 10,000 / 4 / 365 × 0.05 ≈ 3 USD, with
    power and operations of the same order). At any unit price in PRICE_RANGE_USD = [1, 1e7] it cannot beat the toy,
    so its price to match is none and the note says why, over that range written with :g."""
    slow = accelerator(id="slow", peak={"bf16_tflops": 1, "fp16_tflops": 1}, price_usd={"source": "tbd"})
    comp = api.compare(Inputs([Option(accelerator()), Option(slow)], training(), scenario(), []))
    (row,) = [r for r in comp.results if r.accelerator == "slow"]
    assert row.status.value == "incomplete" and row.missing_inputs == ["slow.price_usd"] and row.price_to_match_usd is None
    assert "decides: cannot beat toy at any unit price in [1, 1e+07]" in row.notes


# --------------------------------------------------------------------------- make_axes: a value that holds alongside


def test_a_prompt_the_files_output_refuses_is_swept_where_the_varied_output_holds_it() -> None:
    """Kills tco.analysis.sweep.x_make_axes__mutmut_74 (the axes checked alongside an axis were itself, not the
    others) and tco.analysis.common.x_validate_value__mutmut_35 (the scope the others must share taken as None: no
    other axis shared it).

    The toy service has a 1,000-token context; its file gives 500 prompt and 500 output tokens. A prompt of 800
    alone makes a request of 800 + 500 = 1,300 > 1,000 tokens, refused; varied with the output over 100 and 500 (an
    input of the same workload), the output's end 100 holds it, 800 + 100 = 900 <= 1,000, so the axes are built (the
    combinations being the sweep's to check, point by point)."""
    inputs = Inputs([Option(accelerator())], inference(prompt_tokens=500, output_tokens=500), scenario(), [])
    _, axes = make_axes(inputs, ["workload.prompt_tokens=800", "workload.output_tokens=100,500"])
    assert [(a.path, a.values.tolist()) for a in axes] == [("workload.prompt_tokens", [800.0]), ("workload.output_tokens", [100.0, 500.0])]
    with pytest.raises(InputError) as alone:
        make_axes(inputs, ["workload.prompt_tokens=800"])
    assert str(alone.value) == (
        "--vary: workload.prompt_tokens: 800 is not allowed: a request of 800 + 500 tokens exceeds seq_len = 1000, "
        "the context it must fit in"
    )


# --------------------------------------------------------------------------- option_names: an option given by its file


def test_an_option_given_by_its_file_is_named_by_that_path_too(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills tco.analysis.common.x_option_names__mutmut_5 (``_resolved(None)``: a TypeError for every option given by
    a path). An option loaded from a file answers to its id, its aliases and the path it was given by, as ``--set``
    takes them: a copy of the L20 profile as ``l20y`` (alias ``l20y-alias``) given as ``./l20y.toml`` is named by
    those three; the H100, given by its id, by its id and aliases only."""
    from pathlib import Path

    import tco
    from tco.analysis.common import option_names

    text = (Path(__file__).parent.parent / "profiles" / "accelerators" / "l20.toml").read_text(encoding="utf-8")
    text = text.replace('id = "l20"', 'id = "l20y"').replace('"nvidia-l20"', '"l20y-alias"')
    (tmp_path / "l20y.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    inputs = tco.load_inputs(["./l20y.toml", "h100-sxm"], workload="llama3-8b")
    shipped = ("h100-sxm", *inputs.options[1].accelerator.aliases)  # (a shipped id given by id: no path)
    assert option_names(inputs) == [("l20y", "l20y-alias", "./l20y.toml"), shipped]
