"""The analyses' result models: what ``tco.what_if``, ``size``, ``breakeven``, ``simulate``,
``sensitivity``, ``sweep``, ``cashflow`` and ``calibrate`` return.

Data only, and numpy-free: :mod:`tco.api` imports them at run time, so that its annotations name real
classes (``typing.get_type_hints`` on a public function works) while ``import tco`` and ``tco compare``
still never import numpy. The analyses themselves (:mod:`tco.analysis`, which imports numpy) fill them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, TypedDict

from pydantic import Field, PrivateAttr

from tco.errors import InputError, show_number
from tco.models import OptionStatus, Records, StrictModel

if TYPE_CHECKING:
    import numpy as np

# --------------------------------------------------------------------------- what-if (tco.what_if)


MONEY_LIMITS = ("budget_usd", "capex_usd")
"""The sizing limits that are money: shown as ``$2,000,000``."""


def limit_text(name: str, limit: float) -> str:
    """A sizing limit as the size table's title and its messages show it: a budget as money (``$2,000,000``; with
    its cents or significant digits where it has them, ``$0.5``, ``$29,449.8``, not rounded to ``$0`` or
    ``$29,450``; from $10^15 in exponent form with its unit, ``1e+15 USD``), else the number as given."""
    if name in MONEY_LIMITS and limit < 100:
        return f"${show_number(limit, grouping=True)}"
    if name in MONEY_LIMITS and limit < 1e15:
        whole = f"${limit:,.0f}"  # (cents where they are there: a limit of $29,449.8 is not shown as $29,450)
        return whole if float(whole[1:].replace(",", "")) == limit else f"${show_number(limit, grouping=True)}"
    return f"{show_number(limit, grouping=True)} USD" if name in MONEY_LIMITS else show_number(limit, grouping=True)


class WhatIfOption(StrictModel):
    """One option's figures at each what-if, in the order of the changes' values (None where unknown or it cannot run)."""

    option: str
    effective_cost_usd: list[float | None]
    job_cost_usd: list[float | None]
    time_to_market_days: list[float | None]
    cost_per_million_tokens_usd: list[float | None]
    rank: list[int | None]


class WhatIfResult(StrictModel, Records):
    """What ``tco.what_if`` returns: the changes as given and, per option, its figures at each of them."""

    schema_version: int = 1
    workload: str
    scenario: str
    changes: dict[str, list[float]]
    options: list[WhatIfOption]


# --------------------------------------------------------------------------- sizing (tco.size)


class SizeOption(StrictModel):
    """The count chosen for one option under the constraint; the figures are None when none meets it."""

    option: str
    feasible: bool
    message: str
    count: int | None = None
    missing_inputs: list[str] = Field(default_factory=list, description="Input paths this option lacks.")
    time_to_market_days: float | None = None
    time_to_converge_hours: float | None = None
    job_cost_usd: float | None = None
    cost_per_million_tokens_usd: float | None = None
    facility_power_kw: float | None = None
    capex_usd: float | None = Field(None, description="The purchase of the chosen count (0 for rented capacity).")
    status: OptionStatus = Field(
        description="As in compare: ranked (a count meets the limit and every figure is known), incomplete (an input "
        "it needs is unknown: what does not need it is still given), infeasible (no count meets the limit, or the "
        "option cannot run at all)."
    )
    reason: str | None = Field(description="Why no count is given (the message), or None when one is.")


class SizeResult(StrictModel, Records):
    """What ``tco.size`` returns: the constraint, its limit and the count chosen for each option."""

    schema_version: int = 1
    workload: str
    scenario: str
    constraint: str
    limit: float
    options: list[SizeOption]


# --------------------------------------------------------------------------- break-even (tco.breakeven)


class BreakevenResult(StrictModel, Records):
    """What ``tco.breakeven`` returns: the value of ``param`` at which options ``a`` and ``b`` cost the same."""

    schema_version: int = 1
    workload: str
    scenario: str
    a: str
    b: str
    param: str = Field(description="Dotted input path, usable with --set.")
    currency: str | None = Field(None, description="CNY or EUR when the input is quoted in it (range and value too); None: its own unit")
    range_low: float
    range_high: float
    value: float | None = Field(description="Input value at which both effective costs are equal; None if no tie.")
    missing_inputs: dict[str, list[str]] = Field(default_factory=dict, description="Option -> input paths it lacks.")
    all_values: list[float]
    winner_below: str | None = Field(description="The cheaper option at the range's low end (None: neither can run there, or unknown).")
    winner_above: str | None = Field(
        description="The cheaper option at the range's high end; the message also says who wins just either side of a tie."
    )
    effective_cost_at_value_usd: float | None
    message: str


# --------------------------------------------------------------------------- Monte Carlo (tco.simulate)


class Percentiles(StrictModel):
    """Percentiles over the samples where the figure is known (None when it never is)."""

    p10: float | None
    p50: float | None
    p90: float | None


class SimulationOption(StrictModel):
    """One option's Monte Carlo percentiles, win probability and infeasible share."""

    option: str
    effective_cost_usd: Percentiles
    cost_per_million_tokens_usd: Percentiles
    time_to_market_days: Percentiles
    win_probability: float | None = Field(description="Share of samples in which it is the cheapest; null while it lacks an input.")
    infeasible_share: float | None = Field(description="Share of samples in which it cannot run or is barred; null while it lacks inputs.")
    missing_inputs: list[str] = Field(default_factory=list, description="Input paths this option lacks; its costs are unknown.")


class SimulationResult(StrictModel, Records):
    """What ``tco.simulate`` returns: per option percentiles and win probabilities over the samples, and the EVPI."""

    schema_version: int = 1
    workload: str
    scenario: str
    samples: int
    seed: int
    sampled_inputs: list[str]
    options: list[SimulationOption]
    held_ranges: list[str] = Field(
        default_factory=list,
        description="Inputs given a range that only the plan reads (layout, batch, memory fit): held at their value, "
        "as the central plan is; tco sweep --vary re-plans at each value",
    )
    best_expected_option: str | None = Field(description="Option with the lowest mean effective cost.")
    expected_value_of_perfect_information_usd: float | None = Field(
        description="EVPI = min over options of E[cost] − E[min over options of cost]: the most it is worth paying "
        "to resolve the sampled uncertainty before choosing (cost-model §2.6)."
    )
    value_of_information_by_input_usd: dict[str, float] | None = Field(
        None,
        description="EVPPI of each sampled input, most first: what learning that input alone before choosing is expected "
        "to save (E[cost of the expected best] − E over the input of the cheapest expected cost given it; cross-fitted "
        "over 10 bins of its value, an estimate that errs low; cost-model §2.6). None with fewer than 1,000 samples, "
        "fewer than two options that run in every sample, or no EVPI.",
    )
    effective_cost_samples_usd: dict[str, list[float]] | None = Field(
        None, description="Every finite sample's effective cost per option (only when asked for: charts, reports)."
    )


# --------------------------------------------------------------------------- tornado (tco.sensitivity)


class SensitivityRow(StrictModel):
    """One input of the tornado: its range and each option's effective cost at its low and high ends."""

    param: str
    low: float
    high: float
    central: float
    range_source: str = Field(
        description="'profile' (its low/high), 'default ±20%' (', its low as given' where a file gave one end; "
        "', within the MoE split' where that cut it) or 'default estimate ×0.5–×2' (a default the tool estimates: the global batch "
        "a training workload does not give)"
    )
    currency: str | None = Field(None, description="CNY or EUR when the input is quoted in it (low, high, central); None: its own unit")
    effective_cost_low_usd: dict[str, float | None]
    effective_cost_high_usd: dict[str, float | None]
    swing_usd: dict[str, float | None]
    difference_low_usd: float | None = None
    difference_high_usd: float | None = None
    difference_swing_usd: float | None = None
    flips_decision: bool | None = None
    plan_held: bool = Field(
        False, description="The input moves an option's layout, batch or replica; the swing holds the central one (a --set re-plans)"
    )
    overflows: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per option, the ends (low, high) where it runs but its cost passes the largest float (a value near 1e308)",
    )


class SensitivityResult(StrictModel, Records):
    """What ``tco.sensitivity`` returns: the tornado's rows, the inputs that move the answer most first."""

    schema_version: int = 1
    workload: str
    scenario: str
    options: list[str]
    vs: list[str] | None
    central_effective_cost_usd: dict[str, float | None]
    missing_inputs: dict[str, list[str]] = Field(default_factory=dict, description="Option -> input paths it lacks.")
    rows: list[SensitivityRow]
    held_ranges: list[str] = Field(
        default_factory=list,
        description="Inputs given a range that only the plan reads (layout, batch, memory fit): held at their value, "
        "as the central plan is; tco sweep --vary re-plans at each value",
    )


# --------------------------------------------------------------------------- sweeps (tco.sweep)


def _no_options() -> np.ndarray:
    import numpy as np

    return np.array([], dtype=object)


@dataclass
class SweepChunk:
    """Rows ``point × option`` for a slice of the grid, as columns (ready to stream)."""

    columns: dict[str, np.ndarray] = field(default_factory=dict)
    options: np.ndarray = field(default_factory=_no_options)

    @property
    def rows(self) -> int:
        return len(self.options)


class _Once(Iterator[SweepChunk]):
    """A sweep's chunks, streamed in flat memory: read once. A second read is an error, not an empty
    table (nothing is kept to replay)."""

    def __init__(self, chunks: Iterator[SweepChunk]) -> None:
        self._chunks, self._done = chunks, False

    def __iter__(self) -> _Once:
        if self._done:
            raise InputError("a sweep's rows stream once, in flat memory: call tco.sweep again to read them again", key="results")
        return self

    def __next__(self) -> SweepChunk:
        try:
            return next(self._chunks)
        except StopIteration:
            self._done = True
            raise


SweepCell: TypeAlias = float | int | str | bool | None
"""One value of a sweep's row in ``SweepRun.results``: a number (an int for the point, count and rank), a text
(the option, a status, a reason, a choice's value), the ``feasible`` flag, or None where unknown or empty, as the
CLI's JSON writes the row (``false``, ``null``)."""


class AcceleratorRow(TypedDict):
    """One record of :func:`tco.accelerator_table` (``tco profiles list``): money in USD, None where unknown."""

    id: str
    vendor: str
    name: str
    bf16_tflops: float | None
    memory_gb: float | None
    memory_bandwidth_gbps: float | None
    tdp_w: float | None
    price_usd: float | None
    rent_usd_per_hour: float | None
    maturity: str
    can_train: bool
    can_serve: bool


class SweepRun(NamedTuple):
    """A streamed sweep: its columns, its row count and its chunks, unpacked as
    ``columns, total, chunks = tco.sweep(...)``; ``.results`` streams the rows as dicts (column -> value,
    None where unknown), as every other result's ``.results`` lists its records."""

    columns: list[str]
    total_rows: int
    chunks: Iterator[SweepChunk]

    @property
    def results(self) -> Iterator[dict[str, SweepCell]]:
        for chunk in self.chunks:
            cols = [chunk.options if c == "option" else chunk.columns[c] for c in self.columns]
            for row in zip(*cols, strict=True):
                yield {c: _plain(c, v) for c, v in zip(self.columns, row, strict=True)}


def _plain(column: str, v: Any) -> SweepCell:
    """A numpy scalar as Python's (a float, an int for the point, count and rank, a bool for ``feasible``, None
    where unknown), a label as text (None where empty, a reason no row has), as the CLI's JSON gives the row."""
    if isinstance(v, str):
        return v if v or column == "option" else None
    if isinstance(v, bool) or getattr(getattr(v, "dtype", None), "kind", "") == "b":
        return bool(v)
    f = float(v)
    if not math.isfinite(f):
        return None
    return int(f) if column in ("point", "count", "rank") and f.is_integer() else f


# --------------------------------------------------------------------------- cash flow (tco.cashflow)


class CashflowYear(StrictModel):
    """One year of an option's cash flow, by line (USD; inflows are negative costs)."""

    year: int = Field(description="Year from today: 0 is the first twelve months.")
    capex_usd: float = 0.0
    energy_usd: float = 0.0
    facility_usd: float = 0.0
    operations_usd: float = 0.0
    porting_usd: float = 0.0
    rent_usd: float = 0.0
    lease_usd: float = 0.0
    carbon_usd: float = Field(0.0, description="The scenario's carbon price on the run's emissions (0 unless priced).")
    residual_usd: float = Field(0.0, description="Resale value at the end of the run (an inflow, negative cost).")
    delay_penalty_usd: float = 0.0
    revenue_usd: float = Field(0.0, description="Revenue from the market date on, when given (an inflow).")
    net_cost_usd: float = Field(description="Costs − inflows of the year.")
    discounted_net_cost_usd: float = Field(description="The year's net cost in today's money.")
    cumulative_net_cost_usd: float


class CashflowOption(StrictModel):
    """One option's cash flow: its years, total, net present cost and payback year."""

    option: str
    acquisition: str
    count: int | None
    delivery_years: float = Field(description="Years from today to delivery: the lead time (capex is paid, a lease starts).")
    run_years: float
    market_years: float
    years: list[CashflowYear]
    total_cost_usd: float = Field(description="Undiscounted sum of net costs.")
    npv_cost_usd: float = Field(description="Net present cost at the scenario's cost of capital (lower is better).")
    payback_year: int | None = Field(None, description="First year the cumulative net cost turns negative (with revenue).")
    rank: int | None = None
    notes: list[str] = Field(default_factory=list)
    _pieces: list[tuple[int, str, float, float]] = PrivateAttr(default_factory=list)
    """Where each line's total falls, :data:`Piece` (for the workbook's formulas; not in JSON or CSV)."""
    _basis: dict[str, float] = PrivateAttr(default_factory=dict)
    """What the totals without a Calc row are made of: ``use_years`` (the residual's), ``lease_months``,
    ``revenue_days``."""

    def __eq__(self, other: object) -> bool:
        """Equal as results (the workbook's private placement data is no part of one: a JSON round trip keeps equality)."""
        if not isinstance(other, CashflowOption):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]  # (a mutable model, as pydantic's)


class CashflowResult(StrictModel, Records):
    """What ``tco.cashflow`` returns: the year-by-year cash flow and NPV of each option."""

    schema_version: int = 1
    workload: str
    scenario: str
    discount_rate: float
    options: list[CashflowOption]


# --------------------------------------------------------------------------- calibration (tco.calibrate)

Split = Literal["fit", "holdout"]
"""A calibration row's half: the constants are fitted on one, the error quoted on the other."""


class CalibrationResult(StrictModel):
    """One published training run: measured and derived tokens/s and the error."""

    set_id: str
    accelerator: str
    model: str
    parameters: float
    seq_len: int
    accelerator_count: int
    precision: str
    tuning: str
    measure: str
    split: Split
    measured_tokens_per_second: float
    derived_tokens_per_second: float | None
    error: float | None = Field(description="derived / measured − 1; null when the model cannot run the row")
    derived_mfu: float | None
    reported_mfu: float | None
    layout: str | None
    reason: str | None = None


class ErrorStats(StrictModel):
    """The error over a set of calibration rows (None when the model runs none of them)."""

    rows: int
    median_absolute_error: float | None
    worst_absolute_error: float | None
    median_error: float | None = Field(
        description="Median of the signed errors (derived / measured − 1): above 0 the model predicts more tokens/s than "
        "published over these rows, below 0 fewer (a bias, where the absolute figures say only how far)"
    )


class CalibrationSummary(StrictModel, Records):
    """What ``tco.calibrate`` returns: every row's error, and the error over the fit and held-out halves."""

    schema_version: int = 1
    constants: dict[str, float]
    rows: list[CalibrationResult]
    fit: ErrorStats
    holdout: ErrorStats
    holdout_by_source: dict[str, ErrorStats]
    holdout_by_scale: dict[str, ErrorStats]
    worst_row: str | None
    # Kept for scripts written against schema 1: the figures over every row (None when the model runs no row, as in ErrorStats).
    median_absolute_error: float | None
    worst_absolute_error: float | None
    serving: ServingSummary | None = None


class ServingResult(StrictModel):
    """One published serving measurement: measured and derived tokens/s and the error."""

    set_id: str
    accelerator: str
    model: str
    parameters: float = Field(description="Parameters (active parameters for MoE).")
    precision: str
    scenario: str
    input_tokens: float = Field(description="Mean prompt tokens per request, as published.")
    output_tokens: float = Field(description="Mean generated tokens per request, as published.")
    tuning: str = Field(description="The serving engine the row is modelled on (its set's): typical or tuned.")
    split: Split
    replica: int | None
    measured_tokens_per_second: float
    derived_tokens_per_second: float | None
    error: float | None
    batch: int | None
    reason: str | None = None


class ServingSummary(StrictModel):
    """The serving model's calibration: every row's error, and the error over the fit and held-out halves."""

    schema_version: int = 1
    constants: dict[str, float | None]  # overlap_exponent None: the roofline's max (p = inf)
    rows: list[ServingResult]
    fit: ErrorStats
    holdout: ErrorStats
    holdout_by_source: dict[str, ErrorStats]
    holdout_by_scale: dict[str, ErrorStats] = Field(
        description="The held-out rows by accelerators per replica (the tensor-parallel degree within a node): 1, 2, 3-4, "
        "5-8, 9+, and 'chosen' where the publication states none and the model picks it"
    )
