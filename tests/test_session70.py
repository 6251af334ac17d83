"""Session 70: the default global batch's stated provenance is checked against the formula it describes (the ratio of
Llama 3 405B's last batch to the default was printed as 2.7; it is 2.1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tco import training

ROOT = Path(__file__).resolve().parents[1]

# Published global batches in tokens, as the default's source names them: GPT-3 (Brown et al. 2020, Table 2.1) and
# Llama 2 (Touvron et al. 2023, Table 1: 4M tokens for every size).
GPT3 = [(125e6, 0.5e6), (350e6, 0.5e6), (760e6, 0.5e6), (1.3e9, 1e6), (2.7e9, 1e6), (6.7e9, 2e6), (13e9, 2e6), (175e9, 3.2e6)]
LLAMA2 = [(7e9, 4e6), (13e9, 4e6), (70e9, 4e6)]


@pytest.mark.parametrize(("parameters", "batch"), GPT3 + LLAMA2)
def test_the_published_batches_the_default_is_drawn_from_lie_within_its_range(parameters: float, batch: float) -> None:
    """``2M · (N/7B)^(1/3)`` tokens, by hand: GPT-3 175B gives 2M · 25^(1/3) = 5.85M, whose half and double hold 3.2M;
    Llama 2 7B gives exactly 2M, whose double is its 4M. Every batch the source cites is inside the range the analyses
    swing and sample (half to twice the default)."""
    default = 2.0e6 * (parameters / 7.0e9) ** (1.0 / 3.0)
    assert training.default_global_batch_tokens(parameters) == pytest.approx(default, rel=1e-12)
    low, high = training.DEFAULT_BATCH_RANGE
    assert low * default <= batch * (1 + 1e-12) and batch <= high * default * (1 + 1e-12)


def test_llama3_405b_last_batch_is_stated_at_its_ratio_to_the_default() -> None:
    """At 405B the default is 2M · (405/7)^(1/3) = 2M · 3.868 = 7.74M tokens; Llama 3's last batch, 16M, is 2.07 times
    it, outside the range (the one published batch that is). The docstring, the source text the assumptions list
    shows and docs/training-model.md state that ratio to one decimal, as 2.1."""
    ratio = 16e6 / training.default_global_batch_tokens(4.05e11)
    assert ratio == pytest.approx(2.068, abs=5e-4)
    assert ratio > training.DEFAULT_BATCH_RANGE[1]
    stated = f"{ratio:.1f}"
    texts = {
        "source": training.DEFAULT_BATCH_SOURCE,
        "docs": (ROOT / "docs" / "training-model.md").read_text(encoding="utf-8"),
        "module": (ROOT / "tco" / "training.py").read_text(encoding="utf-8"),
    }
    for name in ("source", "docs", "module"):
        text = re.sub(r'"\s+"', "", texts[name]).replace("\n", " ")  # (a string literal continued on the next line)
        said = re.findall(r"16M(?: tokens)?, is (\d+\.\d) times", text)
        assert said, name
        assert set(said) == {stated}, (name, said)


# --------------------------------------------------------------------------- calibrate: the signed median, serving's bands


def test_error_stats_carry_the_median_signed_error() -> None:
    """Errors +10 %, −30 %, +20 %: median |error| 20 %, worst 30 %, median signed error +10 % (the model leans fast)."""
    from tco.calibration import _stats

    st = _stats([0.1, -0.3, 0.2])
    assert (st.rows, st.median_absolute_error, st.worst_absolute_error, st.median_error) == (3, 0.2, 0.3, 0.1)
    assert _stats([]).median_error is None


@pytest.mark.parametrize(("replica", "band"), [(1, "1"), (2, "2"), (3, "3-4"), (4, "3-4"), (8, "5-8"), (16, "9+"), (None, "chosen")])
def test_a_serving_row_is_banded_by_its_accelerators_per_replica(replica: int | None, band: str) -> None:
    from tco.calibration import _replica_band

    assert _replica_band(replica) == band


@pytest.fixture(scope="module")
def summary():  # type: ignore[no-untyped-def]
    import tco

    return tco.calibrate()


def test_the_serving_bands_split_the_held_out_rows(summary) -> None:  # type: ignore[no-untyped-def]
    """Every held-out serving row the model runs falls in one band; each band's figures are its rows' by hand."""
    import statistics

    sv = summary.serving
    hold = [r for r in sv.rows if r.split == "holdout" and r.error is not None]
    assert sum(st.rows for st in sv.holdout_by_scale.values()) == sv.holdout.rows == len(hold)
    assert list(sv.holdout_by_scale) == ["1", "2", "3-4", "5-8", "chosen"]  # (in band order; no 9+ row is published)
    four = [r.error for r in hold if r.replica in (3, 4)]
    assert sv.holdout_by_scale["3-4"].median_error == statistics.median(four)
    assert sv.holdout_by_scale["3-4"].median_absolute_error == statistics.median(abs(e) for e in four)


def test_the_summary_table_and_csv_show_the_signed_median(summary) -> None:  # type: ignore[no-untyped-def]
    """The table's last column and the csv's last are the signed median; the pages quote the figures."""
    from tco.render import OutputFormat, render_calibration

    table = render_calibration(summary, OutputFormat.table, only_summary=True)
    head = table.splitlines()[0].split()
    assert head[-2:] == ["median", "error"]
    held = next(line for line in table.splitlines() if line.startswith("held out "))
    assert held.split()[-1] == f"{summary.holdout.median_error * 100:+.1f}%"
    assert any(line.startswith("held out: replicas of 5-8 ") for line in table.splitlines())
    text = render_calibration(summary, OutputFormat.csv, only_summary=True)
    assert text.splitlines()[0].endswith(",worst_absolute_error,median_error")
    pct = lambda v: f"{v * 100:+.1f} %"  # noqa: E731
    training = " ".join((ROOT / "docs" / "training-model.md").read_text(encoding="utf-8").split())
    lean, fit_lean = pct(summary.holdout.median_error)[1:], pct(summary.fit.median_error)[1:]
    assert f"leans fast by a median {lean} (the fit half by {fit_lean})" in training
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"and it leans fast there by a median {lean} (most on 512 accelerators and more" in readme
    big = sorted(summary.holdout_by_scale[b].median_error for b in ("512-4,095", "4,096+"))
    assert f"({pct(big[0])[:-2]} to {pct(big[1])})" in training
    serving = " ".join((ROOT / "docs" / "serving-model.md").read_text(encoding="utf-8").split())
    b = summary.serving.holdout_by_scale
    said = (
        f"{pct(b['1'].median_error)} on one accelerator ({b['1'].rows} rows), {pct(b['2'].median_error)} on two ({b['2'].rows}), "
        f"{pct(b['3-4'].median_error)} on four ({b['3-4'].rows}) and {pct(b['5-8'].median_error)} on eight ({b['5-8'].rows}, "
        f"median |error| {b['5-8'].median_absolute_error * 100:.1f} %)"
    )
    assert said in serving


# --------------------------------------------------------------------------- TOML typos named, with what to write


@pytest.mark.parametrize(
    ("new", "line"),
    [
        (
            "release_year: 2022",
            "Expected '=' after a key in a key/value pair (at line 5, column 13): "
            "TOML gives a key its value with '=', not ':' (YAML's): write release_year = 2022",
        ),
        (
            "release_year = .5",
            "Invalid value (at line 5, column 16): a TOML float has a digit before its point: write 0.5",
        ),
        (
            "release_year = -.5e-3",
            "Invalid value (at line 5, column 16): a TOML float has a digit before its point: write -0.5e-3",
        ),
        (
            "release_year = 2022.",
            "Expected newline or end of document after a statement (at line 5, column 20): "
            "a TOML float has a digit after its point: write 2022.0",
        ),
        (
            "release_year = 2.e3",
            "Expected newline or end of document after a statement (at line 5, column 17): "
            "a TOML float has a digit after its point: write 2.0e3",
        ),
        (
            "release_year = 2_022_",
            "Expected newline or end of document after a statement (at line 5, column 21): "
            "an underscore in a TOML number stands between two digits (2_022_): write 2_022",
        ),
        (
            "release_year = 2__022",
            "Expected newline or end of document after a statement (at line 5, column 17): "
            "an underscore in a TOML number stands between two digits (2__022): write 2_022",
        ),
        (
            "release_year = NaN",
            "Invalid value (at line 5, column 16): TOML writes infinity inf and not-a-number nan, in lower case, and no "
            "figure tco reads may be either: give a finite number",
        ),
        (
            "release_year = -Infinity",
            "Invalid value (at line 5, column 16): TOML writes infinity inf and not-a-number nan, in lower case, and no "
            "figure tco reads may be either: give a finite number",
        ),
    ],
)
def test_more_toml_typos_are_named_with_what_to_write(run, tmp_path: Path, new: str, line: str) -> None:  # type: ignore[no-untyped-def]
    """Round 110 named a leading zero, a thousands separator, a unit, a capitalised boolean; these said tomllib's reason
    alone: a YAML colon, a point with no digit before or after it, an underscore with no digit after it, and NaN or
    Infinity in another case than TOML's nan and inf (which no figure takes anyway)."""
    text = (ROOT / "profiles" / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8")
    assert "release_year = 2022\n" in text
    path = tmp_path / "p.toml"
    path.write_text(text.replace("release_year = 2022", new, 1), encoding="utf-8")
    result = run("profiles", "validate", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: not valid TOML: {line}\n"


def test_valid_toml_numbers_and_a_time_are_not_given_a_hint() -> None:
    """The hints read only the place tomllib stopped at: a colon in a time value, a key given twice, are left as they were."""
    from tco.loader import toml_reason

    assert toml_reason("Invalid value (at line 1, column 5)", "t = 10:00") == "Invalid value (at line 1, column 5)"
    said = toml_reason("Expected '=' after a key in a key/value pair (at line 1, column 11)", "x = { value: 80 }")
    assert said == "Expected '=' after a key in a key/value pair (at line 1, column 11)"
