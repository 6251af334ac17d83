"""Monte Carlo with common random numbers, EVPI (cost-model §2.6)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping

import numpy as np

from tco.analysis.common import (
    CHUNK,
    Z95,
    Uncertain,
    evaluate_many,
    prepare,
    search_batch_range,
    uncertain_and_held,
)
from tco.errors import InputError
from tco.errors import show_whole as _short  # (its tests import it from here)
from tco.inputs import Inputs
from tco.results import Percentiles, SimulationOption, SimulationResult

MAX_SAMPLES = 2_000_000
"""Monte Carlo samples are kept in memory for percentiles and CDFs: a cap keeps a typo from exhausting it."""

MAX_SAMPLE_VALUES = 8_000_000
"""Samples × options kept at once (about 100 MB per million per option: 0.8 GB at the cap)."""


EVPPI_BINS = 10
"""Bins of one input's draws for its partial value of information (:func:`partial_values`): equal counts of one half
of the samples."""

EVPPI_MIN_SAMPLES = 1_000
"""Fewest samples for :func:`partial_values` (50 draws a bin in each half)."""


def partial_values(costs: np.ndarray, best: int, draws: Mapping[str, np.ndarray], bins: int = EVPPI_BINS) -> dict[str, float]:
    """EVPPI of each input (``draws``: its value in each sample): what knowing that input alone before choosing is
    expected to save, ``E[cost_best] − E_x[min_a E[cost_a | x]]`` (cost-model §2.6), for options whose ``costs``
    (options × samples) are finite in every sample, ``best`` the row of the lowest mean.

    Estimated by cross-fitting: the samples split into two halves (alternate samples: they are independent draws);
    on one half, the cheapest option on average in each of ``bins`` equal-count bins of the input's value; that
    choice, per bin, costed on the other half against ``best``; and the other way round, averaged. A choice fitted
    to one half's noise does not pay on the other, so an input that moves no cost is worth 0 up to sampling noise
    (and a negative estimate is reported as 0); the binned choice can only miss value inside a bin, so the estimate
    errs low, not high."""
    n = costs.shape[1]
    halves = (np.arange(n) % 2 == 0, np.arange(n) % 2 == 1)
    out: dict[str, float] = {}
    for path, x in draws.items():
        saved = 0.0
        for fit, test in (halves, halves[::-1]):
            edges = np.quantile(x[fit], np.linspace(0.0, 1.0, bins + 1)[1:-1])
            at_fit, at_test = np.searchsorted(edges, x[fit], side="right"), np.searchsorted(edges, x[test], side="right")
            counts = np.bincount(at_fit, minlength=bins)
            sums = np.vstack([np.bincount(at_fit, weights=c, minlength=bins) for c in costs[:, fit]])
            means = sums / np.maximum(counts, 1)
            # (a bin the fit half left empty, where ties fill another: the choice without information)
            choice = np.where(counts > 0, np.argmin(means, axis=0), best)
            tested = costs[:, test]
            chosen = tested[choice[at_test], np.arange(tested.shape[1])]
            saved += float(tested[best].mean() - chosen.mean()) / 2.0
        out[path] = max(saved, 0.0)
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


# --------------------------------------------------------------------------- Monte Carlo


def sample_input(u: Uncertain, rng: np.random.Generator, n: int) -> np.ndarray:
    """Lognormal with (low, high) as its 90 % interval for positive quantities (Epoch's
    ``lognorm_from_90_ci``), at least the input's floor where it has one (a PUE of 1); a normal with the
    same 90 % interval around the central value, clipped to (0, 1], for fractions; triangular on
    [low, high] for ranges that touch zero."""
    if not u.bounded and u.low > 0:
        sigma = (math.log(u.high) - math.log(u.low)) / (2 * Z95)
        mu = math.log(u.low) + Z95 * sigma
        draws = rng.lognormal(mu, sigma, n)
        # An input with a least value (a PUE of 1) keeps it: the tail below is drawn at the floor.
        return np.maximum(draws, u.floor) if u.floor is not None else draws
    if not u.bounded:
        # A range that touches zero has no lognormal: a triangular distribution on [low, high] with its
        # mode at the central value keeps every draw inside the stated range.
        mode = min(max(u.central, u.low), u.high)
        if abs(u.high - u.low) <= 1e150:
            return rng.triangular(u.low, mode, u.high, n)
        # (numpy squares the span: past 1e154 it overflows and every draw is -inf) drawn on a unit scale
        scale = max(abs(u.low), abs(u.high))
        return scale * rng.triangular(u.low / scale, mode / scale, u.high / scale, n)
    sd = (u.high - u.low) / (2 * Z95)
    x = rng.normal(u.central, sd, n)
    # Fractions stay in (0, 1]: a share of zero (utilization, power) is not a valid input.
    return np.clip(x, 1e-3, 1.0)


def input_stream(seed: int, path: str) -> np.random.Generator:
    """The random stream of one input, from the seed and the input's path alone: its draws do not depend on
    which other inputs or options are sampled, nor on their order (``simulate a b`` and ``simulate b a``
    draw the same values; adding an option leaves the others' draws as they were)."""
    return np.random.default_rng([seed, int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big")])


def _far_end(u: Uncertain) -> str:
    """The end of a range farther from its central value (as a ratio): the one that stretches the distribution."""
    if u.low <= 0 or u.central <= 0:
        return "high"
    return "high" if math.log(u.high / u.central) >= math.log(u.central / u.low) else "low"


def check_draws(samples: int, seed: int) -> None:
    """The sample count and the seed, checked before any input loads (the CLI calls it first)."""
    if samples < 1:
        raise InputError(f"expected at least 1 sample, got {samples}", key="--samples")
    if samples > MAX_SAMPLES:
        raise InputError(
            f"at most {MAX_SAMPLES:,} samples (each is kept for the percentiles: ~100 MB per million per option), "
            f"got {_short(samples, grouped=True)}",
            key="--samples",
        )
    if not 0 <= seed < 2**63:
        raise InputError(f"expected a seed from 0 to 9,223,372,036,854,775,807 (2^63 - 1), got {_short(seed, grouped=True)}", key="--seed")


def simulate(
    inputs: Inputs, *, samples: int, seed: int, progress: Callable[[int, int], None] | None = None, keep_samples: bool = False
) -> SimulationResult:
    """Monte Carlo over every ranged input, the same draws for every option (common random numbers).
    Deterministic for a given seed; evaluated in chunks so memory stays flat."""
    check_draws(samples, seed)
    prep = prepare(inputs)
    if samples * len(prep.plans) > MAX_SAMPLE_VALUES:
        raise InputError(
            f"at most {MAX_SAMPLE_VALUES:,} samples × options (~100 MB per million per option): "
            f"{len(prep.plans)} options allow {MAX_SAMPLE_VALUES // len(prep.plans):,} samples, got {samples:,}",
            key="--samples",
        )
    items, held = uncertain_and_held(prep, ranged_only=True)
    search_batch_range(prep, items)
    draws = {u.path: sample_input(u, input_stream(seed, u.path), samples) for u in items}
    for u in items:
        if not np.isfinite(draws[u.path]).all():
            scope, _, key = u.path.partition(".")  # (named by its file, or by the --set that gave it)
            raise InputError(
                f"its range ({u.low:.6g} to {u.high:.6g}) is too wide to sample: its distribution's tail passes the "
                "largest number a float holds (1.8e308); narrow it",
                where=inputs.workload.id if scope == "workload" else scope,
                key=key,
                also=(f"{key}.{_far_end(u)}",),  # (the end that stretches it, where a --set gave it, is that --set's)
            )
    n_opt = len(prep.plans)
    wins = np.zeros(n_opt)
    eff = [np.empty(samples) for _ in range(n_opt)]
    cpt = [np.empty(samples) for _ in range(n_opt)]
    ttm = [np.empty(samples) for _ in range(n_opt)]
    feas = [np.empty(samples, dtype=bool) for _ in range(n_opt)]
    lacking: list[tuple[str, ...]] = [()] * n_opt
    for start in range(0, samples, CHUNK):
        stop = min(samples, start + CHUNK)
        batch = evaluate_many(prep, {u.path: (u.target, draws[u.path][start:stop]) for u in items}, stop - start)
        for i in range(n_opt):
            eff[i][start:stop] = batch.effective_cost_usd[i]
            cpt[i][start:stop] = batch.per_option[i]["cost_per_million_tokens_usd"]
            ttm[i][start:stop] = batch.per_option[i]["time_to_market_days"]
            feas[i][start:stop] = batch.feasible[i]
        # (what an option lacks anywhere: a cost of delay is needed only in the samples where it is late)
        lacking = [tuple(dict.fromkeys((*had, *now))) for had, now in zip(lacking, batch.missing, strict=True)]
        # A sample where no option can be ranked has no winner; options that tie for the lowest cost
        # share the sample (two identical options win half each, not 100 % and 0 % by input order).
        costs = np.vstack([np.where(ok, e, np.inf) for e, ok in zip(batch.effective_cost_usd, batch.feasible, strict=True)])
        best = costs.min(axis=0)
        tied = (costs == best) & np.isfinite(best)
        wins += (tied / np.maximum(tied.sum(axis=0), 1)).sum(axis=1)
        if progress:
            progress(stop, samples)

    def pct(x: np.ndarray) -> Percentiles:
        x = x[np.isfinite(x)]
        if x.size == 0:
            return Percentiles(p10=None, p50=None, p90=None)
        p10, p50, p90 = np.percentile(x, [10, 50, 90])
        return Percentiles(p10=float(p10), p50=float(p50), p90=float(p90))

    costs = np.vstack(eff)
    # Options lacking an input have no cost, and one the market bars is never chosen: EVPI and the
    # expected best are over the others.
    rankable = [i for i in range(n_opt) if not lacking[i] and i not in prep.barred]
    costs = costs[rankable] if rankable else costs
    # The choice is made before the uncertainty resolves: an option that cannot run in some samples has no
    # expected cost (it may leave the buyer with nothing), so the expected best is among those that run in
    # every sample; with perfect information the buyer takes, per sample, the cheapest that runs there.
    always = np.all(np.isfinite(costs), axis=1)
    best, evpi = None, None
    partial: dict[str, float] | None = None
    if always.any():
        with np.errstate(over="ignore", invalid="ignore"):  # costs near the float range's end overflow a mean
            means = np.where(always, costs.mean(axis=1, where=always[:, None]), np.inf)
            if np.isfinite(means).any():
                at = int(np.argmin(means))
                best = prep.labels[rankable[at]]
                # EVPI = min_a E[cost_a] − E[min_a cost_a] = E[cost_best − min_a cost_a]: the mean of a
                # non-negative difference, exact however large the costs (the difference of two means
                # cancels, and was cut to 0 below 1e-9 of them).
                evpi = float((costs[at] - np.where(np.isfinite(costs), costs, np.inf).min(axis=0)).mean())
                sure = np.flatnonzero(always)  # (the options that run in every sample: what a choice per input picks from)
                if samples >= EVPPI_MIN_SAMPLES and len(sure) > 1 and evpi is not None and math.isfinite(evpi):
                    with np.errstate(over="ignore", invalid="ignore"):
                        partial = partial_values(costs[sure], int(np.flatnonzero(sure == at)[0]), draws)
                    # (at most the EVPI: exactly so for an even count of samples, whose halves are equal)
                    partial = {k: min(v, evpi) for k, v in partial.items() if math.isfinite(v)}
        evpi = evpi if evpi is not None and math.isfinite(evpi) else None
    kept = {prep.labels[i]: np.full(samples, np.nan) if lacking[i] else eff[i] for i in range(n_opt)} if keep_samples else None
    opts = [
        SimulationOption(
            option=prep.labels[i],
            # (lacking an input, its finite samples are those that did not need it: not its distribution)
            effective_cost_usd=Percentiles(p10=None, p50=None, p90=None) if lacking[i] else pct(eff[i]),
            cost_per_million_tokens_usd=pct(cpt[i]),
            time_to_market_days=pct(ttm[i]),
            win_probability=None if lacking[i] else float(wins[i] / samples),
            infeasible_share=None if lacking[i] else float(1 - feas[i].mean()),
            missing_inputs=list(lacking[i]),
        )
        for i in range(n_opt)
    ]
    return SimulationResult(
        workload=inputs.workload.id,
        scenario=inputs.scenario.id,
        samples=samples,
        seed=seed,
        sampled_inputs=[u.path for u in items],
        held_ranges=held,
        options=opts,
        best_expected_option=best,
        expected_value_of_perfect_information_usd=evpi,
        value_of_information_by_input_usd=partial if evpi is not None else None,
        effective_cost_samples_usd=None if kept is None else {k: [float(x) for x in v[np.isfinite(v)]] for k, v in kept.items()},
    )
