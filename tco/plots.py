"""Charts (SVG or PNG) from results: tornado, break-even curve, Monte Carlo CDF, cost vs time to market.

matplotlib is an optional extra (``pip install '.[plot]'``), imported only here, with the Agg backend
(no display needed). Colours are the Okabe–Ito colour-blind-safe palette; every chart has a title,
units on its axes and a source line naming the tool, workload and scenario.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from tco.errors import InputError, MissingInputError

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""Okabe & Ito (2008), 'Color Universal Design': distinguishable with every common colour-vision deficiency."""


def _pyplot() -> Any:
    try:
        if "matplotlib.pyplot" not in sys.modules:
            _import_pyplot()
        import matplotlib
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("charts need matplotlib: pip install 'tco[plot]' (or pip install '.[plot]' in a checkout)", key="plot") from None
    matplotlib.use("Agg")  # (also where a script imported pyplot with another backend first)
    # (text stays text in SVG; a '$' in a path or an input's name is shown, not read as TeX)
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "text.parse_math": False})
    return plt


def _import_pyplot() -> None:
    """Import matplotlib once, with the Agg backend, whatever the environment says of it. ``MPLBACKEND`` names a
    backend tco never draws with (an unknown one failed the import: an internal error), so it is set aside while
    matplotlib reads it; and the lines matplotlib logs on import about the user's setup (an unwritable
    ``MPLCONFIGDIR`` or cache folder, a ``MATPLOTLIBRC`` that is not a matplotlibrc: a line per line of it), after
    each of which it goes on with its defaults, are not printed: a chart run's stderr holds tco's lines only."""
    log = logging.getLogger("matplotlib")
    level, backend = log.level, os.environ.pop("MPLBACKEND", None)
    log.setLevel(logging.ERROR)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401  (the font cache, in the cache folder, is read here)
    finally:
        log.setLevel(level)
        if backend is not None:
            os.environ["MPLBACKEND"] = backend


PAGE_WIDTH_IN = 7.4
"""Width of a chart drawn for the printed report (``page=True``), inches: the printable width of an A4 or
Letter page with the report's 0.8 cm margins (19.4 cm, 7.6 in), so it prints at its own size, text at the
point sizes below (body 6.5 pt) instead of a 7.5-inch screen chart shrunk to a few centimetres."""

PAGE_FONT_PT = 6.5
"""Body text of a chart drawn for the printed report, points (titles 7.5, legend and source line 5.5)."""


def _finish(fig: Any, ax: Any, title: str, source: str, fmt: str, page: bool = False) -> bytes:
    from matplotlib.text import Text

    from tco.render import CONTROL

    heading = ax.set_title(title, loc="left", fontsize=PAGE_FONT_PT + 1 if page else 10, fontweight="bold")
    fig.text(0.01, 0.01, source, fontsize=PAGE_FONT_PT - 1 if page else 7, color="#555555")
    for text in fig.findobj(Text):  # (control characters and bytes no font can draw, as in tables: '?')
        text.set_text(CONTROL.sub("?", text.get_text()))
    rect = (0, 0.06 if page else 0.04, 1, 1)
    fig.tight_layout(rect=rect, pad=0.4 if page else 1.08)
    if _wrap_title(fig, heading):  # (then the axes make room for its lines)
        fig.tight_layout(rect=rect, pad=0.4 if page else 1.08)
    buf = io.BytesIO()
    # Same run, same bytes: no date, and the SVG's clip-path and marker ids hashed with the chart's own title and
    # source line rather than a random salt (the report's charts, inlined in one page, keep ids of their own)
    with _pyplot().rc_context({"svg.hashsalt": f"{title}\n{source}"}):
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    _pyplot().close(fig)
    return buf.getvalue()


def _wrap_title(fig: Any, title: Any) -> bool:
    """Wrap a chart's ``title`` (drawn from the axes' left edge, which long tick labels push right) onto as many lines
    as keep it inside the figure: a long option's name ran past the right edge, cut off mid-word. True if wrapped."""
    import textwrap

    text = title.get_text()
    renderer = fig.canvas.get_renderer()
    box = title.get_window_extent(renderer)
    room = fig.bbox.width - box.x0 - 0.01 * fig.bbox.width
    if box.x1 <= fig.bbox.x0 + fig.bbox.width - 0.01 * fig.bbox.width or room <= 0 or not text:
        return False
    width = max(10, int(len(text) * room / box.width))
    while True:
        title.set_text("\n".join(textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True)))
        if title.get_window_extent(renderer).x1 <= fig.bbox.width * 0.99 or width <= 10:
            return True
        width -= 2


def _nothing_to_draw(what: str, missing: Mapping[str, Sequence[str]]) -> MissingInputError:
    """The error for a chart none of whose options has a known value: an empty chart is no answer."""
    paths = [p for ps in missing.values() for p in ps]
    needs = "; ".join(f"{label} needs {', '.join(ps)}" for label, ps in missing.items() if ps)
    how = f" ({needs}, which {'is' if len(paths) == 1 else 'are'} unknown; give {'it' if len(paths) == 1 else 'them'} with " + (
        " ".join(f"--set {p}=VALUE" for p in dict.fromkeys(paths)) + ")"
    )
    return MissingInputError(f"nothing to draw: no option has a known {what}" + (how if paths else ""), key="plot")


AXIS_MAX = 1e300
"""Largest magnitude a chart draws: matplotlib's axis margins and ticks overflow near the float maximum."""


def _drawn(v: float | None) -> float:
    """A value as a chart draws it: beyond :data:`AXIS_MAX` (or unknown) it is left out, as an infeasible point."""
    return v if v is not None and v == v and abs(v) <= AXIS_MAX else float("nan")


def _usd(x: float, _pos: Any = None, step: float = 0.0) -> str:
    """``x`` dollars: $1.23M from a million up, else $1,234; beside ticks ``step`` apart, with the decimals that tell
    them apart ($1.815M beside $1.820M, not $1.82M twice)."""
    big = abs(x) >= 1e6
    unit = step / 1e6 if big else step
    if unit > 0:
        places = next((p for p in range(2 if big else 0, 7) if abs(round(unit, p) - unit) <= 1e-9 * unit), 6)
    else:  # (one tick: cents below $100)
        places = 2 if big or abs(x) < 100 else 0
    return f"${x / 1e6:,.{places}f}M" if big else f"${x:,.{places}f}"


def _usd_ticks(axis: Any) -> None:
    """Label ``axis`` in dollars (:func:`_usd`), each tick with the decimals that tell it from its neighbours (on a
    log axis the gap below $1M is no measure of the decades above it: $1.00M, $10.00M, not $1.0000M)."""
    from matplotlib.ticker import Formatter

    class Usd(Formatter):
        ticks: list[float] = []

        def set_locs(self, locs: Any) -> None:
            self.ticks = sorted(float(x) for x in locs)

        def __call__(self, x: float, pos: int | None = None) -> str:
            gaps = [abs(t - x) for t in self.ticks if abs(t - x) > 1e-9 * max(abs(x), abs(t))]
            return _usd(x, step=min(gaps, default=0.0))

    axis.set_major_formatter(Usd())


def _short(text: str, most: int = 52) -> str:
    """A label of at most ``most`` characters, cut in the middle (a 64-character id fills a chart)."""
    return text if len(text) <= most else text[: most // 2 - 1] + "…" + text[-(most // 2) :]


def style(i: int) -> dict[str, Any]:
    """The colour of series ``i``, and past the palette's eight a line style too, so no two look alike."""
    return {"color": PALETTE[i % len(PALETTE)], "linestyle": ("-", "--", ":", "-.")[(i // len(PALETTE)) % 4]}


def tornado(result: Any, fmt: str = "svg", top: int = 12, page: bool = False) -> bytes:
    """One bar per input: the effective cost at the input's low and high of the cheapest option whose
    central cost is known (the answer), the inputs ordered by its own swing; an end at which the option
    cannot run (no cost) is written on its side of the central line instead of a bar, and comes first.
    ``page``: drawn at the printed report's size (:data:`PAGE_WIDTH_IN`, :data:`PAGE_FONT_PT`)."""
    plt = _pyplot()
    with plt.rc_context({"font.size": PAGE_FONT_PT} if page else {}):
        return _tornado(plt, result, fmt, top, page)


def _tornado(plt: Any, result: Any, fmt: str, top: int, page: bool) -> bytes:
    known = {o: c for o in result.options if (c := result.central_effective_cost_usd.get(o)) is not None and c == c}
    if not known:
        raise _nothing_to_draw("central effective cost", dict(result.missing_inputs))
    option = min(known, key=lambda o: known[o])
    central = known[option]

    def weight(r: Any) -> tuple[int, float]:
        lo, hi = r.effective_cost_low_usd.get(option), r.effective_cost_high_usd.get(option)
        if lo is None or hi is None:
            return (0, 0.0)  # an end at which the option cannot run moves it most
        return (1, -abs(hi - lo))

    def moves(r: Any) -> bool:  # at least one end known, and not both at the central cost
        ends = (r.effective_cost_low_usd.get(option), r.effective_cost_high_usd.get(option))
        return any(e is not None for e in ends) and any(e != central for e in ends)

    rows = sorted(filter(moves, result.rows), key=weight)[:top]
    size = (PAGE_WIDTH_IN, 0.125 * len(rows) + 0.8) if page else (7.5, 0.35 * len(rows) + 1.6)
    fig, ax = plt.subplots(figsize=size)
    labelled: set[str] = set()
    for i, r in enumerate(reversed(rows)):
        for side, value, color, align in (
            ("low", r.effective_cost_low_usd.get(option), PALETTE[0], "right"),
            ("high", r.effective_cost_high_usd.get(option), PALETTE[1], "left"),
        ):
            if value is None:
                ax.annotate(
                    f"cannot run at {side}",
                    (central, i),
                    xytext=(-4 if align == "right" else 4, 0),
                    textcoords="offset points",
                    ha=align,
                    va="center",
                    fontsize=PAGE_FONT_PT - 1 if page else 7,
                    color=color,
                )
                continue
            label = f"input at its {side}" if side not in labelled else None
            labelled.add(side)
            ax.barh(i, value - central, left=central, color=color, label=label)
    ax.set_yticks(range(len(rows)), [_short(r.param) + (" *" if r.plan_held else "") for r in reversed(rows)])
    ax.axvline(central, color="#333333", linewidth=0.8)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(5))
    _usd_ticks(ax.xaxis)
    ax.set_xlabel(f"effective cost of {_short(option)}, USD")
    ax.legend(loc="best", fontsize=PAGE_FONT_PT - 1 if page else 7, frameon=False)
    held = " · * holds the central layout, batch or replica (a --set plans anew)" if any(r.plan_held for r in rows) else ""
    source = f"tco sensitivity · {result.workload} · scenario {result.scenario}{held}"
    return _finish(fig, ax, f"What moves {_short(option)}'s effective cost", source, fmt, page)


def cdf(result: Any, fmt: str = "svg", page: bool = False, options: Sequence[str] | None = None) -> bytes:
    """Empirical CDF of each option's effective cost over the Monte Carlo samples. ``page``: drawn at the
    printed report's size (:data:`PAGE_WIDTH_IN`, :data:`PAGE_FONT_PT`); ``options``: the labels drawn (all by default;
    the source line says how many of how many)."""
    plt = _pyplot()
    with plt.rc_context({"font.size": PAGE_FONT_PT} if page else {}):
        return _cdf(plt, result, fmt, page, options)


LEGEND_INSIDE = 4
"""The most curves whose legend a chart keeps inside its axes; with more, the legend stands beside them, where it
covers no curve."""


def _cdf(plt: Any, result: Any, fmt: str, page: bool, options: Sequence[str] | None = None) -> bytes:
    import numpy as np

    every: Mapping[str, Sequence[float]] = result.effective_cost_samples_usd or {}
    if not every:
        raise InputError("the simulation kept no samples to chart", key="plot")
    samples = every if options is None else {k: v for k, v in every.items() if k in set(options)}
    if not any(v == v and abs(v) != float("inf") for vs in samples.values() for v in vs):
        raise _nothing_to_draw("effective cost", {o.option: o.missing_inputs for o in result.options})
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH_IN, 1.35) if page else (7.5, 4))
    for i, (label, values) in enumerate(samples.items()):
        x = np.sort(np.asarray(values)[np.isfinite(values)])
        if x.size:
            ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", label=label, **style(i))
    finite = [v for vs in samples.values() for v in vs if v == v and v > 0 and v != float("inf")]
    if finite and max(finite) / min(finite) > 100:
        ax.set_xscale("log")  # the options differ by orders of magnitude
    _usd_ticks(ax.xaxis)
    ax.set_xlabel("effective cost, USD")
    ax.set_ylabel("share at or below" if page else "share of samples at or below")
    beside = {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)} if len(samples) > LEGEND_INSIDE else {}
    ax.legend(fontsize=PAGE_FONT_PT - 1 if page else 7, frameon=False, **beside)
    from tco.render import samples_text

    src = f"tco simulate · {result.workload} · scenario {result.scenario} · {samples_text(result.samples)}, seed {result.seed}"
    if len(samples) < len(every):
        src += f" · {len(samples)} of {len(every)} options drawn (those ranked first)"
    return _finish(fig, ax, "Effective cost under uncertainty (CDF)", src, fmt, page)


def breakeven_curve(points: Sequence[float], costs: Mapping[str, Sequence[float | None]], result: Any, fmt: str = "svg") -> bytes:
    """Effective cost of both options against the break-even parameter, the tie marked."""
    if max((abs(x) for x in points), default=0.0) > AXIS_MAX:
        raise InputError(f"a chart's axis cannot reach {max(abs(x) for x in points):.3g}: give a range within ±1e300", key="--range")
    if all(_drawn(y) != _drawn(y) for ys in costs.values() for y in ys):
        raise _nothing_to_draw(f"effective cost across {result.param} (below 1e300 USD)", {})
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4))
    for i, (label, ys) in enumerate(costs.items()):
        ax.plot(points, [_drawn(y) for y in ys], label=label, **style(i))
    if result.value is not None:
        ax.axvline(result.value, color="#333333", linestyle="--", linewidth=0.8)
        unit = f" {result.currency}" if result.currency else ""  # (a price quoted in CNY is scanned in CNY)
        ax.annotate(f"tie at {result.value:,.4g}{unit}", (result.value, ax.get_ylim()[1]), fontsize=7, ha="left", va="top")
    _usd_ticks(ax.yaxis)
    ax.set_xlabel(f"{result.param} (in {result.currency})" if result.currency else result.param)
    ax.set_ylabel("effective cost, USD")
    ax.legend(fontsize=7, frameon=False)
    return _finish(fig, ax, f"Break-even: {result.a} vs {result.b}", f"tco breakeven · {result.workload} · scenario {result.scenario}", fmt)


def pareto(comp: Any, fmt: str = "svg") -> bytes:
    """Job cost against time to market; the options no other beats on both are joined (Pareto front)."""
    plt = _pyplot()
    pts = [
        (r.time_to_market_days, r.job_cost_usd, r.accelerator)
        for r in comp.results
        if _drawn(r.time_to_market_days) == r.time_to_market_days and _drawn(r.job_cost_usd) == r.job_cost_usd
    ]
    if not pts:
        raise _nothing_to_draw("job cost (below 1e300 USD)", {r.accelerator: r.missing_inputs for r in comp.results})
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, (x, y, label) in enumerate(pts):
        ax.scatter([x], [y], color=style(i)["color"], marker="os^D"[(i // len(PALETTE)) % 4], zorder=3)
        ax.annotate(label, (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points")
    front = sorted(p for p in pts if not any(q[0] <= p[0] and q[1] <= p[1] and (q[0], q[1]) != (p[0], p[1]) for q in pts))
    if len(front) > 1:
        ax.plot([p[0] for p in front], [p[1] for p in front], color="#333333", linewidth=0.8, linestyle="--", label="Pareto front")
        ax.legend(fontsize=7, frameon=False)
    _usd_ticks(ax.yaxis)
    ax.set_xlabel("time to market, days")
    ax.set_ylabel("job cost, USD")
    return _finish(fig, ax, "Cost against time to market", f"tco compare · {comp.workload} · scenario {comp.scenario}", fmt)


def sweep_lines(
    param: str,
    rows: Sequence[Mapping[str, Any]],
    metric: str,
    workload: str,
    scenario: str,
    fmt: str = "svg",
    missing: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """One line per option: ``metric`` against the swept parameter. ``missing``: the inputs each option lacks,
    named where nothing can be drawn (as the other charts name them)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4))
    labels = sorted({r["option"] for r in rows})
    choices = list(dict.fromkeys(r[param] for r in rows if isinstance(r[param], str)))  # (a choice's values, in sweep order)
    if choices:
        at = {v: float(i) for i, v in enumerate(choices)}
        rows = [{**r, param: at[r[param]]} for r in rows]
        ax.set_xticks(range(len(choices)), choices)
    if max((abs(r[param]) for r in rows), default=0.0) > AXIS_MAX:
        raise InputError(f"a chart's axis cannot reach {max(abs(r[param]) for r in rows):.3g}: vary within ±1e300", key="--vary")
    if all(_drawn(r[metric]) != _drawn(r[metric]) for r in rows):
        raise _nothing_to_draw(f"{metric} at any point (within ±1e300)", missing or {})
    for i, label in enumerate(labels):
        pts = sorted((r[param], _drawn(r[metric])) for r in rows if r["option"] == label and r[metric] is not None)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], label=label, marker="o", markersize=3, **style(i))
    ax.set_xlabel(param)
    ax.set_ylabel(metric.replace("_", " "))
    if metric.endswith("_usd"):
        _usd_ticks(ax.yaxis)
    ax.legend(fontsize=7, frameon=False)
    return _finish(fig, ax, f"{metric.replace('_', ' ')} across {param}", f"tco sweep · {workload} · scenario {scenario}", fmt)
