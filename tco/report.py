"""The one-page report: one self-contained HTML file (inline SVG charts, no network) to attach to a memo.

Sections: the verdict in one sentence, the ranking, for a serving workload its latency targets and each
option's replica, batch and modelled latencies, the break-even cost of delay, the tornado and the inputs
that alone would change the answer, the Monte Carlo CDF with win probabilities, the assumptions with their
sources and confidence, the missing inputs, and the tool version with a hash of the run's inputs (the audit trail it is of is
embedded as JSON in a template element, which the page neither shows nor prints). Print to PDF from a browser.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

from tco import plots
from tco.analysis.common import assumed_values
from tco.engine import walk_numbers
from tco.inputs import Inputs
from tco.models import OptionStatus, Quantity
from tco.render import (
    CLAIMS_HEADERS,
    CONTROL,
    SYMBOLS,
    claims_rows,
    given_number,
    in_currency,
    input_number,
    input_sign,
    layout_notes,
    money,
    num,
    partial_values_text,
    probability,
    samples_text,
    unranked_row,
    verdict,
)

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:1.5rem auto;color:#111;font-size:10.5pt}
h1{font-size:15pt;margin:0 0 .3rem} h2{font-size:11.5pt;margin:1.2rem 0 .4rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:9pt} th,td{padding:.2rem .4rem;border-bottom:1px solid #e4e4e4;text-align:left;
overflow-wrap:break-word} details summary{cursor:pointer;color:#0072B2}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} .verdict{font-size:12pt;background:#f3f6fa;
padding:.6rem .8rem;border-left:4px solid #0072B2}
.meta{color:#555;font-size:8.5pt} figure{margin:.4rem 0} svg{max-width:100%;height:auto} .print,.printonly{display:none}
@media print{body{margin:0;max-width:none;font-size:9pt} h1{font-size:13pt} h2{break-after:avoid;margin:.45rem 0 .2rem;font-size:10.5pt}
p{margin:.3rem 0} .verdict{font-size:10.5pt;padding:.35rem .6rem} th,td{padding:0 .3rem} table{font-size:8pt;line-height:1.2}
.meta{font-size:7.5pt} table.notes{font-size:7pt} #provenance{font-size:6.5pt} table.notes th{white-space:nowrap}
figure,table{break-inside:avoid} figure{margin:.2rem 0} figure svg{width:100%;height:auto}
details,#assumptions{display:none} .claims{display:none} .unprinted,.screen{display:none} .print{display:inline} .printonly{display:block}
body.many{zoom:.94}}
@page{margin:.8cm}
"""


NO_RANK = "No option could be ranked: see the missing inputs."


def _table(
    headers: list[str],
    rows: list[list[str]],
    numeric: set[int] | None = None,
    css: str = "",
    unprinted: Container[int] = (),
    rich: Mapping[int, Callable[[str], str]] | None = None,
) -> str:
    """A table; the rows numbered in ``unprinted`` are shown on screen and left out of a printout (every one of them:
    the whole table, rather than a header over no rows). A column in ``rich`` is made HTML by its function (which
    escapes the text), the others are escaped."""
    numeric = numeric or set()
    rich = rich or {}
    head = "".join(f"<th{' class=n' if i in numeric else ''}>{html.escape(h)}</th>" for i, h in enumerate(headers))
    body = "".join(
        ("<tr class=unprinted>" if j in unprinted else "<tr>")
        + "".join(f"<td{' class=n' if i in numeric else ''}>{rich.get(i, html.escape)(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for j, r in enumerate(rows)
    )
    if rows and all(j in unprinted for j in range(len(rows))) and "unprinted" not in css.split():
        css = f"{css} unprinted".strip()
    css_attr = f' class="{css}"' if css else ""
    return f"<table{css_attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _svg(data: bytes) -> str:
    text = data.decode("utf-8")
    return text[text.index("<svg") :]


def _chart(draw: Any, result: Any) -> str:
    """A chart as inline SVG, or, where no option has a known value to draw (an input it needs is
    unknown), a line saying so: the rest of the page still answers (the missing inputs are listed below)."""
    from tco.errors import MissingInputError

    try:
        return f"<figure>{_svg(draw(result))}</figure>"
    except MissingInputError as exc:
        return f"<p class=unknown>No chart: {html.escape(exc.message.removeprefix('nothing to draw: '))}.</p>"


def _latency_targets(workload: Any) -> str:
    """The serving workload's latency targets as its input gives them (they cap each option's batch)."""
    tpot = workload.time_per_output_token_ms.value if workload.time_per_output_token_ms is not None else None
    ttft = workload.time_to_first_token_ms.value if workload.time_to_first_token_ms is not None else None
    at = (
        f"at the {given_number(workload.latency_percentile)}th percentile"
        if workload.latency_percentile is not None
        else "for the mean request"
    )
    targets = [f"time per output token ≤ {given_number(tpot)} ms {at}"] if tpot is not None else []
    targets += [f"time to first token ≤ {given_number(ttft)} ms"] if ttft is not None else []
    batch = f"largest batch {workload.max_batch:,} per replica (workload.max_batch)"
    if not targets:
        none = "none (workload.time_per_output_token_ms, workload.time_to_first_token_ms)"
        return f"Latency targets: {none}; the batch is what memory and the {batch} allow."
    return f"Latency targets: {'; '.join(targets)}; {batch}."


def _serving(inputs: Inputs, ranking: list[Any], printed: Container[str]) -> list[str]:
    """A serving workload's latency targets, and per option the replica, the batch and the latencies the
    model gives at that batch: the figures a serving buyer compares (compare's JSON holds the same)."""
    rows = [
        [
            r.accelerator,
            "—" if r.replica_accelerators is None else f"{r.replica_accelerators:,}",
            "—" if r.batch is None else f"{r.batch:,}",
            num(r.time_per_output_token_ms),
            num(r.time_to_first_token_ms),
            num(r.tokens_per_second_per_accelerator),
        ]
        for r in ranking
    ]
    return [
        '<h2 id="serving">Serving: replica, batch and latency</h2>',
        f'<p class=meta id="latency-targets">{html.escape(_latency_targets(inputs.workload))}</p>',
        _table(
            ["option", "replica, accelerators", "batch", "time per output token, ms", "time to first token, ms", "tokens/s/acc"],
            rows,
            {1, 2, 3, 4, 5},
            # (an option the market bars is on screen; a printout keeps the options that can be had and are ranked first,
            # for one sheet)
            unprinted={i for i, r in enumerate(ranking) if r.status is OptionStatus.infeasible or r.accelerator not in printed},
        ),
    ]


def _claims(comp: Any) -> list[str]:
    """The published relative-to-A100 claims and maturity ratings beside the model's ratio, as compare shows them
    under a training ranking (the seed article's table): a memo on that market shows where the two disagree."""
    found = claims_rows(comp)
    if found is None:
        return []
    title, rows = found
    # (on screen only, as the folded sections: printed, the memo stays one sheet; compare's table has the same rows)
    return [
        "<div class=claims>",
        '<h2 id="claims">Published claims beside the model</h2>',
        f"<p class=meta>{html.escape(title)}.</p>",
        _table(CLAIMS_HEADERS, rows, {1, 2}, css="notes"),
        "</div>",
    ]


def _winner_at(r: Any, end: str, a: str, b: str, symbol: str) -> str:
    """Who is cheaper with the input at one end (the rest at their central values), and by how much."""
    costs = r.effective_cost_low_usd if end == "low" else r.effective_cost_high_usd
    ca, cb = costs.get(a), costs.get(b)
    if ca is None or cb is None:
        return "neither runs" if ca is None and cb is None else f"{a if cb is None else b} ({b if cb is None else a} cannot run)"
    if ca == cb:
        return "a tie"
    return f"{a if ca < cb else b} by {money(abs(ca - cb), symbol)}"


def _end(r: Any, v: float) -> str:
    """An end of an input's range as the page writes it: with its currency's sign where it is not USD ('¥119,000')."""
    return input_sign(r.currency) + input_number(v)


TORNADO_ROWS = 8
"""Inputs the report's tornado draws (``tco plot tornado`` draws 12) for up to three options; with more, whose
ranking, serving and simulation tables are longer, :data:`TORNADO_ROWS_MANY`, so four options print on one page."""

TORNADO_ROWS_MANY = 5

TORNADO_ROWS_MOST = 3
"""Inputs the tornado draws for six options (the most a run compares): their ranking, serving and simulation
tables, a row each, leave room for three on the one printed page."""

FLIPS_SHOWN = 3
"""Inputs that change the answer named on the page (the tornado's order: those that move the difference most)."""

PRINTED_OPTIONS = {"training": 8, "inference": 5}
"""The most options a printout gives a row in each per-option table (ranking, serving, simulation), a note and a curve
in the chart of effective cost under uncertainty: those ranked first. A run may compare up to 100; the screen shows
every one, and the page says how many more there are. A serving page has a table more per option (replica, batch and
latency), so fewer."""

NOT_RANKED_PRINTED = 3
"""The most Not ranked rows a printout gives (a reason may run to three lines); the page says how many more."""

PROVENANCE_BUILTIN_PRINTED = 12
"""The most shipped files a printout's provenance line names; with more, it counts them (the user's own files are
named with their paths whatever their number; the screen and the audit trail name every one)."""


def printed_labels(ranking: Sequence[Any], kind: str) -> list[str]:
    """The options a printout gives rows to: the first :data:`PRINTED_OPTIONS` of the page's ranking order (the ranked
    by rank, then those not ranked)."""
    return [r.accelerator for r in ranking[: PRINTED_OPTIONS[kind]]]


def _more_printed(shown: int, total: int, what: str) -> list[str]:
    """A printout's line for the rows it leaves to the screen (none where it prints them all); ``what``: the rows it
    shows, with ``{n}`` for their number."""
    if total <= shown:
        return []
    return [
        f'<p class="meta printonly">This printout shows {what.format(n=shown)}; {total - shown} more on screen (this page in a '
        "browser) and in tco compare.</p>"
    ]


def _decision(decision: Any, symbol: str) -> list[str]:
    """The inputs that alone, moved across their range, change which of the two leading options is cheaper;
    where none does, the one that comes closest (the tornado above shows the winner's own swing)."""
    a, b = decision.vs
    flips = [r for r in decision.rows if r.flips_decision]
    if flips:  # (sentences, not a table, and the three that move the difference most: the page stays one sheet)
        told = "; ".join(
            f"{r.param} ({_end(r, r.low)} – {_end(r, r.high)}): at its low {_winner_at(r, 'low', a, b, symbol)}, "
            f"at its high {_winner_at(r, 'high', a, b, symbol)}"
            for r in flips[:FLIPS_SHOWN]
        )
        more = len(flips) - FLIPS_SHOWN
        rest = f"; and {more} more (tco sensitivity {a} --vs {b})" if more > 0 else ""
        return [
            f"<p id=flips>Inputs that alone change the answer between {html.escape(a)} and {html.escape(b)} (each moved across "
            f"its range, the rest at their central values; the cheaper option at each end, and by how much): "
            f"{html.escape(told + rest)}.</p>"
        ]
    ends = [
        (d, r, end) for r in decision.rows for d, end in ((r.difference_low_usd, "low"), (r.difference_high_usd, "high")) if d is not None
    ]
    text = f"No single input, moved across its range with the rest at their central values, makes {b} cheaper than {a}"
    if ends:
        d, r, end = max(ends, key=lambda e: e[0])  # (A − B: the winner's lead is smallest where it is largest)
        at = r.low if end == "low" else r.high
        text += f"; the closest, {r.param} at its {end} ({_end(r, at)}), leaves {a} ahead by {money(-d, symbol)}"
    return [f"<p id=flips>{html.escape(text)}.</p>"]


WHY_SHOWN = 600
"""Characters of an unranked option's reason the printed page shows (a market rule of a user's profile may run to
thousands: the page would no longer be one sheet); its start and end, where the way to rank it is said. Several long
reasons share them (:func:`_shown_whys`)."""

WHY_SHARED = 300
"""The fewest characters a long reason is cut to where several share :data:`WHY_SHOWN`; a reason longer than this
that another row gave already, its part's id aside, is pointed to rather than repeated."""


def _brief(text: str, most: int) -> str:
    """``text`` as the page shows it: whole up to ``most`` characters, else its start and end around a mark that says
    how long it is and where it is whole (``tco compare``, the JSON)."""
    if len(text) <= most:
        return text
    mark = f" … [{len(text):,} characters: the whole text is in tco compare's output] … "
    head = (most - len(mark)) * 2 // 3
    return text[:head] + mark + text[-(most - len(mark) - head) :]


MARKET_REFUSAL = re.compile(
    r"(.*? cannot be (?:bought|rented) in market '[^']*': )(.+?)((?:; it can be (?:bought|rented) in market .*)?)", re.S
)
"""A market's refusal as the engine words it: whose and where, the rule (its dates and sources), and where it is allowed."""

RULE_PRINTED = 80
"""Characters of a market rule a printout shows whole; a longer one is left to the screen and ``tco compare``."""


def _abridged(why: str) -> str:
    """A Not ranked reason as HTML: a market refusal whose rule is long keeps the rule on screen, and a printout says
    whose, where and where else it can be had, pointing to the rule (the one-sheet budget); other reasons whole."""
    m = MARKET_REFUSAL.fullmatch(why)
    if m is None or len(m.group(2)) <= RULE_PRINTED:
        return html.escape(why)
    head, rule, tail = (html.escape(g) for g in m.groups())
    pointer = "… (the rule, its dates and sources: on screen and in tco compare)"
    return f"{head}<span class=screen>{rule}</span><span class=print>{pointer}</span>{tail}"


def _shown_whys(unranked: list[list[str]]) -> list[list[str]]:
    """The Not ranked rows as the page shows them, within one sheet: a reason another row already gave, its part's id
    aside (the one market rule barring the Ascend 910B and 910C), is said once and pointed to; and the long reasons share
    :data:`WHY_SHOWN` characters (each at least :data:`WHY_SHARED`), as one long reason alone takes them."""
    rows: list[list[str]] = []
    said: dict[str, str] = {}  # each reason given, its part's id blanked: the option it was given for
    for label, status, why, decide in unranked:
        part = re.split(r"[@:]", label, maxsplit=1)[0]
        key = why.replace(part, "\0")
        if len(why) > WHY_SHARED and key in said:
            why = f"as for {said[key]} above, with {part} in its place"
        said.setdefault(key, label)
        rows.append([label, status, why, decide])
    long = sum(len(row[2]) > WHY_SHARED for row in rows)
    most = max(WHY_SHOWN // max(long, 1), WHY_SHARED)
    return [[label, status, _brief(why, most), decide] for label, status, why, decide in rows]


def unranked_rows(comp: Any, inputs: Inputs) -> list[list[str]]:
    """Why each option is not ranked, and the number that would decide it, as compare prints them; then the
    options the analyses left out."""
    rows = [unranked_row(r, SYMBOLS[comp.currency]) for r in comp.results if r.rank is None]
    return rows + [[label, "left out", why, "—"] for label, why in inputs.left_out.items()]


def _sources(texts: list[str]) -> list[str]:
    """The publications the page cites by key (``[EPOCH]`` in an input's source, ``[G-BIS-2022-10]`` in a market
    rule), each with its publisher, title, date and address from the bibliography (``profiles/sources/``), folded
    as the assumptions are: a key alone says nothing to the memo's reader. A key no bibliography defines says so."""
    from tco import loader
    from tco.errors import TcoError

    keys = sorted({k for text in texts for k in loader.cited_keys(text)})
    if not keys:
        return []
    try:
        bib = loader.load_bibliography()
    except TcoError:  # (a bibliography that cannot be read: each key is still listed, as not found)
        bib = {}
    rows = []
    for key in keys:
        if key not in bib:
            rows.append(f"<tr><td>{html.escape(key)}</td><td>not in the bibliography (profiles/sources/)</td></tr>")
            continue
        c = bib[key][0]
        # (its address as text, not a link: the page is self-contained, fetching nothing, and a javascript: address
        # in a user's bibliography is only ever shown)
        link = f" {html.escape(c.url)}" if c.url else ""
        text = f"{html.escape(c.publisher)}, &ldquo;{html.escape(c.title)}&rdquo; ({html.escape(c.date)}){link}"
        rows.append(f"<tr><td>{html.escape(key)}</td><td>{text}</td></tr>")
    return [
        f'<details id="sources"><summary>{len(keys)} sources cited above, each with its publisher, title, date and address</summary>'
        f"<table><thead><tr><th>key</th><th>citation</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    ]


def build(
    inputs: Inputs,
    comp: Any,
    sensitivity: Any,
    simulation: Any,
    breakeven: Any | None,
    audit: Mapping[str, Any],
    version: str,
    decision: Any | None = None,
    cashflow: Any | None = None,
) -> str:
    """The report's HTML text. ``decision``: the tornado of the two leading options' difference
    (``sensitivity(inputs, vs=(first, second))``), for the inputs that would change the answer; ``cashflow``
    (``tco.cashflow`` of the options it can be drawn for), each one's net present cost beside its effective cost."""
    ranking = sorted(comp.results, key=lambda r: (r.rank is None, r.rank or 0))
    printed = set(printed_labels(ranking, comp.workload_kind))
    npv = {o.option: o.npv_cost_usd for o in cashflow.options} if cashflow is not None else {}
    # (the cash flow's net present cost: the purchase at delivery and the resale at the end, where the job cost
    # charges the capital for the hours the job holds it)
    npv_head = f"NPV at {cashflow.discount_rate * 100:g}%" if cashflow is not None else "NPV"
    labels = ", ".join(o.label for o in inputs.options)
    if len(inputs.options) > len(printed):  # (a printout names how many; the screen every one)
        labels = f"<span class=screen>{html.escape(labels)}</span><span class=print>{len(inputs.options)} (listed on screen)</span>"
    else:
        labels = html.escape(labels)
    rank_rows = [
        [
            "—" if r.rank is None else str(r.rank),
            r.accelerator,
            "—" if r.count is None else f"{r.count:,}",  # how many: the question is which accelerator and how many (a serving fleet's size)
            num(r.tokens_per_second_per_accelerator),
            num(r.time_to_market_days),
            money(r.job_cost_usd),
            money(r.delay_penalty_usd),
            money(r.effective_cost_usd),
            money(npv.get(r.accelerator)),
            r.status.value,
        ]
        for r in ranking
    ]
    sections = [
        f"<h1>Which accelerator: {html.escape(comp.workload)}</h1>",
        f"<p class=meta>{'software tuning' if comp.workload_kind == 'training' else 'serving engine'} {comp.tuning.value}"
        f" · scenario {html.escape(comp.scenario)} · options {labels}"
        # every --set, so the memo says which market, fabric or tuning it is for (not only the numbers below)
        + (f" · --set {html.escape(', '.join(inputs.sets))}" if inputs.sets else "")
        + "</p>",
        f'<p class=verdict id="verdict">{html.escape(verdict(comp) if comp.ranked else NO_RANK)}</p>',
        '<h2 id="ranking">Ranking by effective cost (job cost + cost of delay)</h2>',
        _table(
            ["rank", "option", "count", "tokens/s/acc", "market, days", "job cost", "delay cost", "effective cost", npv_head, "status"],
            rank_rows,
            {2, 3, 4, 5, 6, 7, 8},
            unprinted={i for i, r in enumerate(ranking) if r.accelerator not in printed},
        ),
        *_more_printed(len(printed), len(ranking), "the {n} options ranked first"),
    ]
    if comp.workload_kind == "inference":
        sections += _serving(inputs, ranking, printed)
    else:
        sections += _claims(comp)
    # (what holds a ranked speed back and the input that would change it, as compare notes it on stderr)
    # (a printout keeps the notes of the options it gives rows to)
    for kept in (True, False):
        part = comp.model_copy(update={"results": [r for r in comp.results if (r.accelerator in printed) is kept]})
        css = "meta" if kept else '"meta unprinted"'
        sections += [f"<p class={css}>Note: {html.escape(line)}</p>" for line in layout_notes(part)]
    sections.append('<h2 id="breakeven">Break-even cost of delay</h2>')
    if breakeven is not None:
        sections.append(f"<p>{html.escape(breakeven.message)}.</p>")
    else:
        sections.append(
            "<p>Only one option can be ranked: there is nothing to break even against.</p>"
            if comp.ranked
            else "<p>No option can be ranked: there is nothing to break even (see the missing inputs).</p>"
        )
    sections.append('<h2 id="tornado">What moves the answer</h2>')
    if sensitivity is None:  # no option has a known effective cost at the central values: nothing to swing
        sections.append("<p class=unknown>No chart: no option has a known effective cost to swing (see the missing inputs).</p>")
    else:
        # (the eight inputs that move the winner most: the chart stays legible printed on one sheet)
        many = len(inputs.options)
        drawn = TORNADO_ROWS if many <= 3 else TORNADO_ROWS_MANY if many <= 5 else TORNADO_ROWS_MOST
        sections.append(_chart(lambda result: plots.tornado(result, top=drawn, page=True), sensitivity))
    if decision is not None:
        sections += _decision(decision, SYMBOLS[comp.currency])
    sections.append('<h2 id="uncertainty">Under uncertainty</h2>')
    win_rows = [
        [
            o.option,
            "—" if o.win_probability is None else probability(o.win_probability),  # (as simulate writes it: <0.1%, not 0.0%)
            money(o.effective_cost_usd.p10),
            money(o.effective_cost_usd.p50),
            money(o.effective_cost_usd.p90),
        ]
        for o in simulation.options
    ]
    # (the curves of the options the printout gives rows to: more are a tangle, on screen as on paper; the table has all)
    curves = [o.option for o in simulation.options if o.option in printed]
    sections.append(_chart(lambda result: plots.cdf(result, page=True, options=curves), simulation))
    # (an option the simulation has no figure for, its price unknown or its market barring it, is a row of dashes: shown
    # on screen, left out of a printout, where the ranking gives its status and the missing inputs what it lacks)
    blank = {i for i, o in enumerate(simulation.options) if o.effective_cost_usd.p50 is None or o.option not in printed}
    sections.append(_table(["option", "wins", "P10", "P50", "P90"], win_rows, {1, 2, 3, 4}, unprinted=blank))
    evpi = simulation.expected_value_of_perfect_information_usd
    learn = partial_values_text(simulation.value_of_information_by_input_usd).strip() if evpi else ""
    sections.append(
        f"<p class=meta>{samples_text(simulation.samples)}, seed {simulation.seed}; expected value of perfect information "
        f"{money(evpi) if evpi is not None else '—'}{'; ' + html.escape(learn) if learn else ''}.</p>"
    )
    sections.append('<h2 id="assumptions">Assumptions and their sources</h2>')
    rows: dict[str, list[str]] = {}  # by input path: an accelerator named twice is listed once
    for prefix, model in [
        ("scenario", inputs.scenario),
        ("workload", inputs.workload),
        *((o.accelerator.id, o.accelerator) for o in inputs.options),
    ]:
        for path, leaf in walk_numbers(model, prefix):
            if isinstance(leaf, Quantity) and leaf.value is not None:
                rows.setdefault(
                    path,
                    [
                        path,
                        in_currency(
                            given_number(float(leaf.value)),  # as the profile or --set gives it
                            leaf.currency.value if leaf.currency else None,
                        ),
                        leaf.source or "",
                        leaf.as_of or "",
                        leaf.confidence.value if leaf.confidence else "",
                    ],
                )
    for o in inputs.options:  # a quoted rate is its option's own input, in USD
        if o.quoted_rate is not None:
            rows[f"{o.label}.rental.usd_per_hour"] = [
                f"rental.usd_per_hour [{o.label}]",
                given_number(o.quoted_rate),  # as typed beside it in the label (rent=2.123456789), not to 6 digits
                "quoted on the command line (ID:rent=RATE)",
                "",
                "",
            ]
    for a in assumed_values(inputs):
        if a.path in simulation.sampled_inputs:  # (a value no file gives that the figures above use: the simulation samples it)
            rows[a.path] = [
                a.path,
                given_number(round(a.value) if a.value >= 1000 else a.value),  # (a batch in whole tokens)
                a.source,
                a.as_of,
                "estimate",
            ]
    unique = list(rows.values())
    # Folded (and so left out of a printout): the page is the answer; every source stays one click away.
    sections.append(
        f"<details><summary>{len(unique)} inputs, each with its value, source, date and confidence</summary>"
        + _table(["input", "value", "source", "as of", "confidence"], unique, {1})
        + "</details>"
    )
    # What each part of the page lacks: compare's figures, and the tornado's and the simulation's, which
    # sample inputs compare holds at their central values (a carbon price above 0 needs the TDP).
    needs: dict[str, dict[str, list[str]]] = {}
    for part, found in (
        ("ranking", {r.accelerator: r.missing_inputs for r in comp.results}),
        ("what moves the answer", dict(sensitivity.missing_inputs) if sensitivity is not None else {}),
        ("under uncertainty", {o.option: o.missing_inputs for o in simulation.options}),
    ):
        for label, paths in found.items():
            for path in paths:
                needs.setdefault(label, {}).setdefault(path, []).append(part)
    missing = [[label, path, ", ".join(parts)] for label, by_path in needs.items() for path, parts in by_path.items()]
    unranked = unranked_rows(comp, inputs)
    # (a printout leaves out a missing input the Not ranked table names for its option already, "unknown: PATH":
    # every option left unranked by what it lacks rather than barred; and those of the options it gives no rows to)
    lacking = [r for r in comp.results if r.rank is None and r.status is not OptionStatus.infeasible]
    said = {(r.accelerator, path) for r in lacking for path in r.missing_inputs}
    repeated = {i for i, row in enumerate(missing) if (row[0], row[1]) in said or row[0] not in printed}
    all_said = len(repeated) == len(missing)
    # (with nothing missing, one line rather than a section: the page stays one sheet)
    sections += (
        [
            f'<h2 id="missing"{" class=unprinted" if all_said else ""}>Missing inputs</h2>',
            _table(["option", "needs", "for"], missing, css="notes unprinted" if all_said else "notes", unprinted=repeated),
        ]
        if missing
        else ['<p class=meta id="missing">Missing inputs: none; every figure is known.</p>']
    )
    # Why each option is not ranked, and the number that would decide it (a price or lead time to match),
    # as compare prints them; then the options the analyses left out.
    if unranked:
        sections.append('<h2 id="unranked">Not ranked</h2>')
        shown = _shown_whys(unranked)
        sections.append(
            _table(
                ["option", "status", "why", "the number that would decide it"],
                shown,
                css="notes",
                rich={2: _abridged},
                unprinted=range(NOT_RANKED_PRINTED, len(shown)),
            )
        )
        sections += _more_printed(NOT_RANKED_PRINTED, len(shown), "{n} of the options not ranked")
    sections += _sources([row[2] for row in unique] + [row[2] for row in unranked])
    trail = json.dumps(audit, sort_keys=True)
    digest = hashlib.sha256(trail.encode()).hexdigest()
    # (a shipped file by its id alone, "built in": its path is the id's; a file of the user's by its path)
    entries = audit.get("files", {}).items()
    builtin = [key for key, entry in entries if str(entry["path"]).startswith("builtin:")]
    files = html.escape(", ".join(f"{key} (built in)" if key in builtin else f"{key} ({entry['path']})" for key, entry in entries))
    if len(builtin) > PROVENANCE_BUILTIN_PRINTED:  # (a printout counts the shipped files; the user's own by path)
        own = ", ".join(f"{key} ({entry['path']})" for key, entry in entries if key not in builtin)
        brief = f"{len(builtin)} built in (listed on screen)" + (f", {own}" if own else "")
        files = f"<span class=screen>{files}</span><span class=print>{html.escape(brief)}</span>"
    sections.append(f'<p class=meta id="provenance">tco {html.escape(version)} · inputs SHA-256 {digest} · files: {files}</p>')
    # The audit trail the hash is of, as the JSON outputs give it, for a reader to check the hash and the inputs: inert
    # data the page neither shows nor prints (a template; no script), its text escaped as any other.
    sections.append(f'<template id="audit">{html.escape(trail, quote=False)}</template>')
    body = CONTROL.sub("?", "\n".join(sections))  # escape sequences and bidi overrides from input text, as in tables
    title = html.escape(CONTROL.sub("?", f"tco report: {comp.workload}"))  # (the tab's title too)
    head = f'<head><meta charset="utf-8"><title>{title}</title><style>{CSS}</style></head>'
    # (a page of more options than it prints carries the lines that say so: printed a little smaller, it stays one sheet)
    smaller = " class=many" if len(comp.results) > len(printed) else ""
    return f'<!DOCTYPE html>\n<html lang="en">\n{head}\n<body{smaller}>\n{body}\n</body>\n</html>\n'
