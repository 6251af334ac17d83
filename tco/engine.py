"""The cost engine: pure arithmetic from validated inputs to ranked results.

No files, printing, clock or environment here. Notation (per option of ``n`` accelerators):

Training::

    X      tokens/s per accelerator: the training model's (tco.training: parallel layout, step time), or a
           measurement carried to n by the model's ratio, or MFU · peak / F for a measured MFU
    G      goodput under failures (tco.perf.goodput_value)
    T_h    = Σ_s D_s / (n · X_s · G_s) / 3600             time to converge, hours (stages s)
    T_mkt  = 7·(lead + deploy + port) + T_h / 24          time to market, days
    P_avg  = measured run power, else TDP · f_avg        per chip, W
    P_pk   = max(TDP, measured run power)                per chip, W
    E      = n · P_avg · k_pwr · PUE · T_h / 1000         energy, kWh
    K      = n · (server + tiers(n) · net + storage)    capex, USD; server = price + BOM, else price · k_srv
    CRF    = r(1+r)^L / ((1+r)^L − 1)                     capital recovery factor
    H      = T_h / u                                      owned hours charged to the job
    capital   = K · CRF · H / 8766
    facility  = n · P_pk · k_pwr / 1000 · colo · 12 · H / 8766
    ops       = n · ops_year · H / 8766
    energy    = E · p_elec
    rent      = n · rent_hour · T_h                       (rented: replaces capital, facility, energy, ops)
    carbon    = (operational + embodied kgCO2e) / 1000 · carbon price    (0 unless a price is set)
    compute   = capital + facility + ops + energy + rent + carbon
    porting   = engineer_months · engineer_year / 12
    job_cost  = compute + porting
    $/Mtok    = compute / D · 10^6                        running cost only: porting is one-off
    delay     = T_mkt − min(T_mkt)        or, with a deadline D_l, max(0, T_mkt − D_l)
    penalty   = CoD · delay
    effective = job_cost + penalty                        options ranked by it

Inference: tokens/s per accelerator X from a measurement or the serving model (tco.serving); the fleet
is ``n = ceil(tokens_per_day / (86400 · u) / X / k) · k`` for replicas of ``k`` accelerators (an owned
fleet is busy a share u of the time; rented, u = 1); costs are per year (the fleet runs ``8766 · u``
busy hours and is owned all 8766) and summed over the service life;
``$/Mtok`` divides the annual running cost by a year's tokens; time to market has no training term.

Design: :func:`plan_option` makes every discrete choice (measured or derived throughput, bought or
rented, which input feeds which term) and :func:`numeric_inputs` flattens the models into a mapping
``dotted path -> number``. :func:`evaluate_plan` is the arithmetic on that mapping, written with the
elementwise operations of :class:`tco.perf.ScalarOps`; given numpy arrays and numpy as ``ops`` it
evaluates thousands of scenarios at once (tco.analysis) with exactly the same formulas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel

from tco import perf, serving, training
from tco.errors import InfeasibleError, InputError, MissingInputError, ProblemList, TcoError, show_count, show_number
from tco.memo import contents, remember
from tco.models import (
    ACCELERATOR_MONEY,
    BYTES_PER_PARAM,
    MAIN_STAGE,
    MAX_ACCELERATORS,
    SCENARIO_MONEY,
    Accelerator,
    Acquisition,
    AttentionKernel,
    Availability,
    Benchmark,
    Comparison,
    Currency,
    InferenceWorkload,
    Market,
    OptionResult,
    OptionSpec,
    OptionStatus,
    Parallelism,
    PipelineSchedule,
    Precision,
    Quantity,
    Scenario,
    Stage,
    StageResult,
    ThroughputSource,
    TrainingWorkload,
    Tuning,
)
from tco.perf import HOURS_PER_YEAR, SCALAR

Workload = TrainingWorkload | InferenceWorkload


def network_tiers(count: Any, node: Any, ops: Any = SCALAR) -> Any:
    """Switching tiers of a radix-32 fat tree for ``count`` accelerators in servers of ``node``: 0 for
    one or two servers (connected directly), 1 up to 64 servers, 2 up to 2,048, 3 up to 65,536
    (Cheah's cluster cost sheet; cost-model §3.3)."""
    servers = ops.ceil(count / node)
    return ops.where(servers <= 2, 0.0, 1.0 + ops.ceil(ops.maximum(ops.log2(servers / 64.0), 0.0) / 5.0))


def capital_recovery_factor(rate: Any, years: Any, ops: Any = SCALAR) -> Any:
    """``CRF(r, n) = r(1+r)^n / ((1+r)^n − 1) = r / (1 − (1+r)^−n)``, computed as
    ``r / −expm1(−n·log1p(r))`` (no overflow for any n); where ``r·n < 1e-9`` (``r = 0`` included) the
    series ``1/n + r/2`` is exact to double precision."""
    small = rate * years < 1e-9
    safe = ops.where(small, 1.0, rate)
    # r / (1 − (1+r)^−n): the same value, without overflow for long lives ((1+r)^−n just goes to 0).
    shrunk = ops.expm1(-ops.minimum(years * ops.log1p(safe), 700.0))
    return ops.where(small, 1.0 / years + rate / 2.0, safe / -shrunk)


@dataclass(frozen=True)
class Option:
    """A resolved option: the accelerator profile, how many (None = the workload's), bought or rented."""

    accelerator: Accelerator
    count: int | None = None
    acquisition: Acquisition = Acquisition.buy
    quoted_rate: float | None = None  # :rent=RATE on the command line (already in the profile's rental)
    as_measured: Accelerator | None = None
    """The profile as published, when ``--set`` changed its hardware: its measurements describe that part,
    so the model carries a measurement from it (None: ``accelerator`` itself)."""
    workload_as_measured: Workload | None = None
    """The workload as its file defines it, when ``--set`` (or an analysis) changed what the performance
    model reads of it (size, lengths, batch, shape, precision, ...): a published run of the part on it
    describes that job, so the model carries the run from it (None: the workload itself)."""

    @property
    def label(self) -> str:
        label = OptionSpec(accelerator=self.accelerator.id, count=self.count, acquisition=self.acquisition).label
        return f"{label}={self.quoted_rate:.15g}" if self.quoted_rate is not None else label


def performance_option(accelerator: Accelerator, count: int | None) -> Option:
    """An option for figures that show no money (``estimate``, ``calibrate``): bought, or rented when
    the part is sold only for rent (TPUs), so a missing purchase price does not refuse it."""
    rent_only = accelerator.rental is not None and (accelerator.price_usd is None or accelerator.price_usd.value is None)
    return Option(accelerator, count, Acquisition.rent if rent_only else Acquisition.buy)


# --------------------------------------------------------------------------- flattening


def numeric_inputs(option: Option, workload: Workload, scenario: Scenario) -> dict[str, float]:
    """Every known numeric input as ``{"accel.price_usd": 17500.0, "scenario.pue": 1.25, ...}``,
    plus ``count``. Unknown values are left out, so using one raises a clear error."""
    out: dict[str, float] = {}
    flatten_into(option.accelerator, "accel", out)
    flatten_into(workload, "workload", out)
    flatten_into(scenario, "scenario", out)
    out["count"] = float(option.count or getattr(workload, "accelerator_count", 0) or 0)
    return out


def flat_numbers(model: Any, prefix: str) -> dict[str, float]:
    """Every known numeric leaf of ``model`` as ``{"scenario.pue": 1.25, ...}`` (one input, as
    :func:`numeric_inputs` gives all of them)."""
    out: dict[str, float] = {}
    flatten_into(model, prefix, out)
    return out


def flatten_into(model: Any, prefix: str, out: dict[str, float]) -> None:
    for path, leaf in walk_numbers(model, prefix):
        value = leaf.value if isinstance(leaf, Quantity) else leaf
        if value is not None:
            out[path] = float(value)


def walk_numbers(model: Any, prefix: str) -> Iterator[tuple[str, Quantity | int | float]]:
    """Every numeric leaf of a model with its dotted path: quantities whole, plain numbers as they are.
    Benchmarks are addressed by workload (``accel.benchmarks[gpt3-1.3b].tokens_per_second``)."""
    if isinstance(model, Quantity):
        yield prefix, model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from walk_numbers(getattr(model, name), f"{prefix}.{name}")
    elif isinstance(model, dict):
        for k, v in model.items():
            yield from walk_numbers(v, f"{prefix}.{getattr(k, 'value', k)}")
    elif isinstance(model, list):
        for item in model:
            if isinstance(item, Benchmark):
                yield from walk_numbers(item, f"{prefix}[{item.workload}]")
            elif isinstance(item, Stage):
                yield from walk_numbers(item, f"{prefix}[{item.name}]")
    elif isinstance(model, (int, float)) and not isinstance(model, bool):
        yield prefix, model


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class StagePlan:
    """One stage of a training job: the discrete layout model plus the keys of its inputs."""

    name: str
    job: training.Job
    tokens_key: str
    batch_key: str | None  # global batch tokens given by the workload, else the default below
    batch_default: float  # the default global batch at the workload's parameter count as planned ...
    batch_parameters: float  # ... this one (the default follows the count: :func:`default_batch`)
    peak_key: str
    peak16_key: str
    attention_flops: float
    link_key: str | None
    link_default: float
    scale_out_key: str | None
    scale_out_default: float
    imbalance_key: str | None
    matmul_key: str | None
    attention_key: str | None  # the attention kernel's measured fraction; None: ATTENTION_KERNEL_DEFAULT × matmul
    efficiency: float
    elementwise: float
    fp8_ratio: float = training.FP8_GEMM_RATIO
    attention_ratio: float = training.ATTENTION_RATIO
    moe_vectors: float = training.MOE_DISPATCH_VECTORS
    subset: tuple[int, ...] | None = None
    subset_holds: bool = False  # the subset was chosen for the counts evaluated (sizing), so it holds over them
    subset_count: float | None = None  # the count the subset was chosen at (it holds there only)
    subset_batch: float | None = None  # and the global batch; None once widened over a batch range (:func:`widen_shortlist`)
    precision: Precision = Precision.bf16
    layout: dict[str, Any] | None = None  # the layout chosen at the nominal inputs (keys: LAYOUT_FIELDS)


MATMUL_KEY = "accel.matmul_efficiency"
"""The flat key of the part's achievable matmul fraction; where the profile gives none, the analyses of uncertain
inputs put the assumed value in it to swing or sample it, as they do the default global batch."""

DEFAULT_BATCH_KEY = "workload.global_batch_tokens"
"""The flat key of the workload's global batch. Where the workload gives none, the analyses of uncertain inputs put
the default in it (``tco.analysis.common.prepare``) to swing or sample it as an estimate; every stage without its own
batch reads it there, as it reads the default otherwise."""


def widen_shortlist(plan: Plan, p: Mapping[str, Any], key: str, batches: Sequence[float]) -> Plan:
    """``plan`` with the shortlist of every stage whose global batch is the flat input ``key`` made the union of its
    shortlists at those ``batches`` (the flat inputs ``p`` otherwise), held at any batch: the layouts the analyses
    of uncertain inputs search when they swing or sample the batch (the tornado's ends as ``--set`` plans them, the
    draws between and beyond as every other sampled input is, over layouts fastest at nominal values)."""
    stages = []
    for st in plan.stages:
        reads = st.batch_key == key or (st.batch_key is None and key == DEFAULT_BATCH_KEY)
        if st.subset is None or st.subset_count is None or not reads:
            stages.append(st)
            continue
        picks = set(st.subset)
        for batch in batches:
            x = stage_inputs(st, KnownInputs({**p, key: batch}), plan.active_key)
            x["count"] = st.subset_count
            picks.update(training.shortlist(st.job, x))
        stages.append(replace(st, subset=tuple(sorted(picks)), subset_batch=None))
    return replace(plan, stages=tuple(stages))


def default_batch(st: StagePlan, p: Mapping[str, Any]) -> Any:
    """The global batch of a stage the workload gives none: the default at the planned parameter count (or the
    value an analysis of uncertain inputs puts in :data:`DEFAULT_BATCH_KEY` for it), moved with the parameter count
    by the default's own law, ``(N / N_planned)^(1/3)`` (:func:`tco.training.default_global_batch_tokens`): a sweep,
    a breakeven or a swing of ``workload.parameters`` runs each count at the batch ``--set`` gives it."""
    batch = p[DEFAULT_BATCH_KEY] if DEFAULT_BATCH_KEY in p else st.batch_default
    if not st.batch_parameters:  # (a count unknown when planned: nothing to follow)
        return batch
    return batch * (p["workload.parameters"] / st.batch_parameters) ** (1.0 / 3.0)


def stage_inputs(st: StagePlan, p: Mapping[str, Any], active_key: str) -> dict[str, Any]:
    """The continuous inputs of :func:`tco.training.evaluate` for one stage, from the flat inputs."""
    # (where the profile gives none, the assumed value, or the one an analysis of uncertain inputs puts in its key)
    matmul = p[st.matmul_key] if st.matmul_key else p[MATMUL_KEY] if MATMUL_KEY in p else training.MATMUL_EFFICIENCY_DEFAULT
    return {
        "parameters": p["workload.parameters"],
        "active_parameters": p[active_key],
        "count": p["count"],
        "global_batch_tokens": p[st.batch_key] if st.batch_key else default_batch(st, p),
        "peak": p[st.peak_key],
        "peak16": p[st.peak16_key],
        "memory_gb": p["accel.memory_gb"],
        "bandwidth": p["accel.memory_bandwidth_gbps"],
        "link": p[st.link_key] if st.link_key else st.link_default,
        "scale_out": p[st.scale_out_key] if st.scale_out_key else st.scale_out_default,
        "node": p["accel.interconnect.devices_per_node"],
        "efficiency": st.efficiency,
        "matmul": matmul,
        "attention": p[st.attention_key] if st.attention_key else training.ATTENTION_KERNEL_DEFAULT * matmul,
        "elementwise": st.elementwise,
        "fp8_ratio": st.fp8_ratio,
        "attention_ratio": st.attention_ratio,
        "moe_vectors": st.moe_vectors,
        "load_imbalance": p[st.imbalance_key] if st.imbalance_key else training.MOE_LOAD_IMBALANCE,
        # for judging layouts under failures (read with get: an unknown one leaves raw speed to decide)
        "failure_rate": p.get("scenario.failure_rate_per_accelerator_day", 0.0),
        "save_minutes": p.get("scenario.checkpoint_save_minutes", 0.0),
        "restart_minutes": p.get("scenario.restart_minutes", 0.0),
    }


LAYOUT_FIELDS = (
    "tensor_parallel",
    "pipeline_parallel",
    "data_parallel",
    "context_parallel",
    "expert_parallel",
    "micro_batch_sequences",
    "recompute",
    "full_recompute_share",
    "zero_stage",
    "global_batch_tokens",
    "pipeline_bubble",
    "idle_accelerators",
)
"""The keys of a training plan's chosen layout (``Plan.layout``), in the order outputs list them."""


@dataclass(frozen=True)
class Plan:
    """The discrete choices for one option; :func:`evaluate_plan` does the arithmetic."""

    label: str
    accel_id: str
    name: str
    kind: str  # "training" | "inference"
    acquisition: Acquisition
    throughput_source: ThroughputSource
    bench_key: str | None  # "accel.benchmarks[<workload>]" when measured
    measured_power: bool
    measured_count: int | None
    peak_key: str
    peak16_key: str
    active_key: str
    k_srv_key: str
    k_pwr_key: str
    lead_key: str
    deploy_key: str
    port_weeks_key: str
    port_months_key: str
    min_count: int
    stages: tuple[StagePlan, ...] = ()
    mfu_key: str | None = None
    """``accel.mfu`` or ``workload.mfu`` when the user gave a measured end-to-end MFU (final)."""
    layout: dict[str, Any] | None = None
    anchor: tuple[tuple[str, float], ...] = ()
    """A measured run (training or serving): the part's specifications (memory, bandwidth, peaks, links)
    and the workload's numbers the model reads, as the measurement was made (the files before ``--set``,
    or the nominal values an analysis varies around). The model carries the measurement from them: a
    changed part or job is never judged against itself at the measured count."""
    anchor_tokens_per_second: float = math.nan
    """A measured serving run: the model's tokens/s per accelerator on the part and job as measured, at the
    replica and batch chosen for them (the denominator of the ratio that carries the run to a changed one)."""
    anchor_stage: StagePlan | None = None
    """A measured training run on a changed workload: the main stage of the job as measured, on which the
    model's figure at the measured count is taken (None: the plan's own main stage)."""
    job_changed: bool = False
    """A measured run whose job ``--set`` or an analysis changed (in any input: a number, the precision,
    the attention kernel, one the file leaves to its default): never the job as measured, so the run is
    always carried by the model's ratio."""
    replica: int = 1
    batch: int = 0
    request: serving.Request | None = None
    tensor: int = 1
    maturity_factor: float = 1.0
    serving_efficiency: float = serving.COMPUTE_EFFICIENCY
    serving_bandwidth_efficiency: float = serving.BANDWIDTH_EFFICIENCY
    serving_collective_efficiency: float = serving.COLLECTIVE_EFFICIENCY
    serving_step_overhead: float = serving.STEP_OVERHEAD_S
    serving_layer_overhead: float = 0.0  # λ: the serving engine's time per layer per step (λ_typ or λ_tuned)
    serving_overlap: float = serving.OVERLAP_EXPONENT
    serving_kv_ratio: float = serving.KV_BANDWIDTH_RATIO
    latency_z: float = 0.0  # standard-normal quantile of the workload's latency percentile (0: the mean)
    fabric: str = "infiniband"
    grid_key: str = "scenario.grid_kgco2e_per_kwh"
    server_bom: bool = False  # the profile gives server_usd_per_accelerator (else price × k_srv)
    fx: tuple[tuple[str, str], ...] = ()
    """(money input key, exchange-rate key) for every money input quoted in another currency than USD."""
    notes: tuple[str, ...] = ()

    def required_keys(self) -> list[tuple[str, str]]:
        """(flat key, input path for messages) of every input this option reads."""
        keys = [self.lead_key, self.deploy_key, self.port_weeks_key, self.port_months_key]
        if self.throughput_source is ThroughputSource.measured:
            keys.append(f"{self.bench_key}.tokens_per_second")
        else:
            keys.append(self.peak_key)
        if self.acquisition is Acquisition.buy:
            keys += ["accel.price_usd", "accel.tdp_w"]
        else:
            keys.append("accel.rental.usd_per_hour")
        if self.kind == "inference":
            keys.append("accel.memory_bandwidth_gbps")
        keys += [rate for money, rate in self.fx if money in keys or money.startswith("scenario.")]
        return [(k, k.removeprefix("accel.")) for k in keys]

    def power_factor_key(self, p: Mapping[str, Any]) -> str:
        """The all-in power factor read: the part's own where ``p`` holds one (an analysis may give one to a part
        whose profile has none, as ``--set`` would), else the one the plan chose (the scenario's for such a part)."""
        return "accel.power_overhead_factor" if "accel.power_overhead_factor" in p else self.k_pwr_key

    def server_bom_in(self, p: Mapping[str, Any]) -> bool:
        """Whether the server is priced by its bill of materials: the profile's, or one ``p`` gives a part whose
        profile has none (a what-if, a sweep, a break-even of ``ID.server_usd_per_accelerator``, as ``--set``)."""
        return self.server_bom or "accel.server_usd_per_accelerator" in p

    def server_factor_key(self, p: Mapping[str, Any]) -> str:
        """The server overhead factor read (without a bill of materials): the part's own where ``p`` holds one,
        else the one the plan chose, as :meth:`power_factor_key`."""
        return "accel.server_overhead_factor" if "accel.server_overhead_factor" in p else self.k_srv_key

    def grid_key_in(self, p: Mapping[str, Any]) -> str:
        """The grid's carbon intensity read: the scenario's own where ``p`` holds one (a scenario without it reads
        its market's, unless an analysis gives it, as ``--set`` would), else the one the plan chose."""
        return "scenario.grid_kgco2e_per_kwh" if "scenario.grid_kgco2e_per_kwh" in p else self.grid_key

    def usd(self, p: Mapping[str, Any], key: str) -> Any:
        """A money input in USD: its value times the scenario's exchange rate when quoted in CNY or EUR."""
        rate = dict(self.fx).get(key)
        return p[key] * p[rate] if rate else p[key]

    def user_path(self, key: str) -> str:
        """The path a user gives with --set for a flat key: ``accel.price_usd`` -> ``br100.price_usd``."""
        return f"{self.accel_id}.{key.removeprefix('accel.')}" if key.startswith("accel.") else key


PRICE_RANGE_USD = (1.0, 10_000_000.0)
"""Unit prices searched for a price to match: $1 to $10 M per accelerator (and a break-even's default range
for an unknown price)."""
LEAD_TIME_RANGE_WEEKS = (0.0, 520.0)
"""Lead times searched for a lead time to match: none to ten years (and a break-even's default range for an
unknown lead time)."""
RENT_RANGE_USD_PER_HOUR = (0.01, 1_000.0)
"""Rental rates searched for a rate to match: 1 cent to $1,000 per accelerator-hour (and a break-even's default
range for an unknown rate)."""
UNKNOWN_RANGES: dict[str, tuple[float, float]] = {
    "accel.price_usd": PRICE_RANGE_USD,
    "accel.lead_time_weeks": LEAD_TIME_RANGE_WEEKS,
    "accel.rental.usd_per_hour": RENT_RANGE_USD_PER_HOUR,
}
"""The range searched, by flat key, for an input that has no value: what compare's number to match searches."""


def port_keys(accel: Accelerator) -> tuple[str, str]:
    """(flat key of the porting weeks, of the porting engineer-months): the profile's own, else the
    scenario's for the part's maturity."""
    m = accel.software.maturity.value
    weeks = "accel.software.porting_weeks" if accel.software.porting_weeks is not None else f"scenario.porting.{m}.weeks"
    months = (
        "accel.software.porting_engineer_months"
        if accel.software.porting_engineer_months is not None
        else f"scenario.porting.{m}.engineer_months"
    )
    return weeks, months


RATE_KEYS: dict[Currency, str] = {Currency.CNY: "scenario.usd_per_cny", Currency.EUR: "scenario.usd_per_eur"}
"""Scenario input holding the USD value of one unit of each non-USD currency."""


def usd_per_unit(currency: Currency | None, scenario: Scenario) -> float | None:
    """The USD value of one unit of ``currency`` at ``scenario``'s exchange rate: 1 for USD (or none given), None where
    the rate is unknown."""
    if currency is None or currency is Currency.USD:
        return 1.0
    rate = getattr(scenario, RATE_KEYS[currency].removeprefix("scenario."), None)
    return float(rate.value) if rate is not None and rate.value is not None else None


def scenario_fx(scenario: Scenario) -> dict[str, str]:
    """Scenario money inputs quoted in CNY or EUR -> the exchange-rate key that converts them."""
    out = {}
    for name in SCENARIO_MONEY:
        q = getattr(scenario, name)
        if q.currency is not None and q.currency is not Currency.USD:
            out[f"scenario.{name}"] = RATE_KEYS[q.currency]
    return out


def _fx(accel: Accelerator, scenario: Scenario) -> tuple[tuple[str, str], ...]:
    out = dict(scenario_fx(scenario))
    for key, q in (
        ("accel.price_usd", accel.price_usd),
        ("accel.rental.usd_per_hour", accel.rental.usd_per_hour if accel.rental else None),
    ):
        if q is not None and q.currency is not None and q.currency is not Currency.USD:
            out[key] = RATE_KEYS[q.currency]
    return tuple(sorted(out.items()))


def _allows(av: Availability | None, rent: bool) -> bool:
    """A market with no availability entry for a part sets no restriction."""
    return av is None or (av.rent if rent else av.buy)


def check_market(option: Option, scenario: Scenario) -> None:
    """Raise when the scenario's market may not buy (or rent) this part, naming the rule."""
    accel = option.accelerator
    av = accel.availability.get(scenario.market)
    if av is None:
        return
    rent = option.acquisition is Acquisition.rent
    if av.rent if rent else av.buy:
        return
    verb = "rented" if rent else "bought"
    rule = f": {av.rule.rstrip('.')}" if av.rule else ""
    src = f" ({av.source})" if av.source else ""  # (the source apart from the rule: it may run on in prose of its own)
    hint = ""
    if not rent and av.rent and accel.rental is not None:
        hint = f"; rent it instead with {option.label}:rent"
    else:
        allowed = [m.value for m in Market if m is not scenario.market and _allows(accel.availability.get(m), rent)]
        if allowed:
            hint = f"; it can be {verb} in market '{allowed[0]}': --set scenario.market={allowed[0]}"
    raise InfeasibleError(
        f"{accel.id} cannot be {verb} in market '{scenario.market.value}'{rule}{src}{hint}",
        where=accel.id,
        key=f"availability.{scenario.market.value}",
        also=("scenario.market",),  # (a --set of the market made this run's choice)
    )


_PLANS: dict[
    tuple[Any, ...], tuple[Accelerator, Workload, Scenario, Plan, tuple[Accelerator | None, Workload | None], tuple[int, ...]]
] = {}
_PLANS_MAX = 256
"""Plans already made in this process, keyed by the identity of their (frozen) inputs: ``compare`` with its prices
to match and the analyses plan the same options several times. A model's lists and tables can still be changed in
place (``accelerator.benchmarks.clear()``): each entry keeps their :func:`tco.memo.contents`, and one made before
such a change is planned again, not returned (it was: the part planned as measured, costed from no benchmark)."""


SHAPE_COUNT_TOLERANCE = 0.05
"""Largest gap between the parameter count a complete shape implies (:attr:`tco.perf.Shape.parameters`)
and the workload's before a note flags it; the published shapes of :data:`tco.perf.KNOWN_SHAPES`
reproduce their published counts within 1 %."""


def shape_count_gap(workload: TrainingWorkload | InferenceWorkload) -> str | None:
    """A note when the workload's own shape implies a parameter count more than
    :data:`SHAPE_COUNT_TOLERANCE` away from its ``parameters`` (a dense model with a complete shape):
    the figures use the workload's count, the memory plan the shape."""
    shape = perf.workload_shape(workload)
    given = workload.parameters.value
    if shape.inferred or workload.active_parameters is not None or not given:
        return None
    if shape.parameters is None:
        # (an incomplete shape still counts its attention, and what else it gives: more than the count is wrong)
        least = shape.least_parameters
        if least <= given * (1.0 + SHAPE_COUNT_TOLERANCE):
            return None
        return (
            f"the shape counts at least {show_count(least)} parameters in what it gives (layers, widths, heads), the "
            f"workload {show_count(given)}: check them (the figures use the workload's count)"
        )
    if abs(shape.parameters / given - 1.0) <= SHAPE_COUNT_TOLERANCE:
        return None
    return (
        f"the shape counts {show_count(shape.parameters)} parameters, the workload {show_count(given)}: "
        "check its layers, widths, FFN and vocabulary (the figures use the workload's count)"
    )


STEP_MODEL_CHOICES = frozenset({"workload.tuning", "workload.attention_kernel"})
"""Choices of a training workload that only the step model reads (its fraction of peak): a measured MFU that is
final reads neither (:func:`mfu_final`)."""


def reported_layout(plan: Plan) -> dict[str, Any] | None:
    """The layout a result reports: the one behind a derived rate. A measured run or a given MFU runs no layout model
    for its speed, so none (compare's result and estimate's alike)."""
    modelled = plan.throughput_source is ThroughputSource.derived and plan.mfu_key is None
    return dict(plan.layout) if plan.layout and modelled else None


def mfu_final(plan: Plan) -> bool:
    """Whether a measured end-to-end MFU the user gave sets the plan's throughput, with no step model on top:
    ``workload.mfu``, or the part's ``mfu`` where no published run of the workload on the part comes first."""
    return plan.mfu_key == "workload.mfu" or (plan.mfu_key == "accel.mfu" and plan.throughput_source is ThroughputSource.derived)


def unread_step_choices(workload: TrainingWorkload | InferenceWorkload, given: Iterable[str] = ()) -> list[str]:
    """Each choice of :data:`STEP_MODEL_CHOICES` a training workload makes away from its default beside its own
    measured MFU, which is final (:func:`mfu_final`): no option reads it, though the file gives it (a job described as
    run on a tuned stack, with its MFU as measured). ``given``: the paths a ``--set`` gave, which their own warning
    names."""
    if not isinstance(workload, TrainingWorkload) or workload.mfu is None or workload.mfu.value is None:
        return []
    defaults = {"tuning": Tuning.typical, "attention_kernel": AttentionKernel.native}
    return [
        f"{name} = {getattr(workload, name).value} is read by no option: the measured MFU (mfu = {workload.mfu.value:g}) is "
        f"final, no step model runs to read it"
        for name, default in defaults.items()
        if getattr(workload, name) is not default and f"workload.{name}" not in given
    ]


def batch_past_tokens(
    workload: TrainingWorkload | InferenceWorkload, *, main: str | None = "training_tokens", batch: str = "global_batch_tokens"
) -> list[str]:
    """A note for each stage of a training workload whose given global batch holds more tokens than the stage
    trains: the stage is less than one optimizer step, which no run is, and the figures count a fraction of one
    (a batch larger than a run is a typo in one of the two, or a ramp's last batch put on a short run). ``main``
    and ``batch`` name the main stage's tokens and batch as the caller gives them (estimate's flags); ``main``
    None leaves the main stage out (estimate without --tokens, whose run is no length)."""
    if not isinstance(workload, TrainingWorkload):
        return []
    first = workload.global_batch_tokens.value if workload.global_batch_tokens is not None else None
    default = workload.global_batch_tokens is None and workload.parameters.value is not None
    if default:  # (the model's own estimate from the model size: a short run, a fine-tune, takes fewer tokens a step)
        first = training.default_global_batch_tokens(workload.parameters.value)  # type: ignore[arg-type]
    stages = [(batch, first, main, workload.training_tokens.value)] if main is not None else []
    for st in workload.stages:
        own = st.global_batch_tokens.value if st.global_batch_tokens is not None else None
        key = f"stages[{st.name}].global_batch_tokens" if own is not None else batch
        stages.append((key, own if own is not None else first, f"stages[{st.name}].tokens", st.tokens.value))
    out = []
    for batch_key, step, tokens_key, tokens in stages:
        if step is None or tokens is None or step <= tokens:
            continue
        # (four digits, 6.291e+07 rather than 62914560.0; in full where four would show the two alike)
        a, b = (f"{step:.4g}", f"{tokens:.4g}") if f"{step:.4g}" != f"{tokens:.4g}" else (show_number(step), show_number(tokens))
        b += " token" if tokens == 1 else " tokens"  # (a run of one token: 'the 1 token of --tokens')
        if default and batch_key == batch:
            out.append(
                f"the default global batch ({a} tokens a step, estimated from the model size) is more than the {b} of "
                f"{tokens_key}: the figures count a fraction of one step at it; give the run's own batch, {batch}"
            )
        else:
            out.append(
                f"{batch_key} ({a} tokens a step) is more than the {b} of {tokens_key}: "
                "the run is less than one optimizer step and its figures count a fraction of one; check the two"
            )
    return out


def plan_option(
    option: Option,
    workload: Workload,
    scenario: Scenario,
    *,
    market: bool = True,
    serving_constants: serving.Constants | None = None,
) -> Plan:
    """:func:`_plan_option`, remembered per input objects (the models are frozen, so an object's identity
    fixes its content but for its lists and tables, compared by :func:`tco.memo.contents`; the entry holds the
    objects, so an identity cannot be reused while it lives)."""
    accel = option.accelerator
    key: tuple[Any, ...] = (id(accel), option.count, option.acquisition, option.quoted_rate, id(workload), id(scenario), market)
    key += (serving_constants, id(option.as_measured), id(option.workload_as_measured))
    hit = _PLANS.get(key)
    now = contents(accel, workload, scenario, option.as_measured, option.workload_as_measured)
    if (
        hit is not None
        and hit[0] is accel
        and hit[1] is workload
        and hit[2] is scenario
        and hit[4][0] is option.as_measured
        and hit[4][1] is option.workload_as_measured
        and hit[5] == now
    ):
        return hit[3]
    plan = _plan_option(option, workload, scenario, market=market, serving_constants=serving_constants)
    remember(_PLANS, key, (accel, workload, scenario, plan, (option.as_measured, option.workload_as_measured), now), _PLANS_MAX)
    return plan


def _plan_option(
    option: Option,
    workload: Workload,
    scenario: Scenario,
    *,
    market: bool = True,
    serving_constants: serving.Constants | None = None,
) -> Plan:
    """Discrete choices and feasibility checks for one option (raises on impossible requests).
    Unknown inputs do not raise here: the figures that need them come out unknown (NaN).
    ``market=False`` skips the availability check (``compare`` reports it beside the figures)."""
    accel = option.accelerator
    if market:
        check_market(option, scenario)
    is_training = isinstance(workload, TrainingWorkload)
    if is_training and not accel.can_train:
        note = f" ({accel.training_note.rstrip('.')})" if accel.training_note else ""
        raise InfeasibleError(
            f"{accel.id} is not a training accelerator (can_train = false){note}; workload '{workload.id}' is a training workload",
            where=accel.id,
            key="can_train",
        )
    if not is_training and not accel.can_serve:
        raise InfeasibleError(f"{accel.id} cannot serve inference (can_serve = false)", where=accel.id, key="can_serve")
    rent = option.acquisition is Acquisition.rent
    if rent and accel.rental is None:
        raise InfeasibleError(
            f"cannot be rented: the profile has no rental table; give it with --set {accel.id}.rental.usd_per_hour=VALUE",
            where=accel.id,
            key="rental",
        )
    if not rent and accel.rental is not None and (accel.price_usd is None or accel.price_usd.value is None):
        check_market(option, scenario)  # a part no market sells (Cloud TPUs): the rule says so, not "give a price"
    if not rent and accel.rental is not None and accel.price_usd is None:
        # (a price the profile gives as unknown is a missing input like any other: the option keeps its figures)
        raise InfeasibleError(
            f"{accel.id} has no purchase price, only a rental price: rent it with {option.label}:rent, or give a price "
            f"with --set {accel.id}.price_usd=VALUE",
            where=accel.id,
            key="price_usd",
        )
    bench = used_benchmark(accel, workload)
    notes: list[str] = []
    if bench is None and accel.benchmark_for(workload.id) is not None:
        notes.append(f"the published run of {accel.id} on {workload.id} is not used: workload.mfu is given")
    published_job: Plan | None = None  # the job as measured, when --set or an analysis changed it
    if bench is not None and option.workload_as_measured is not None:
        # The run is carried from the job as published: a training job planned at the run's own count (it
        # ran there); a service at the option's replica as the changed one is, else at the run's own.
        own_count = bench.accelerator_count or accel.interconnect.devices_per_node
        counts = [own_count] if isinstance(workload, TrainingWorkload) else list(dict.fromkeys([option.count, own_count]))
        for at in counts:
            try:
                published_job = plan_option(
                    Option(option.as_measured or accel, at, option.acquisition, option.quoted_rate),
                    option.workload_as_measured,
                    scenario,
                    market=False,
                    serving_constants=serving_constants,
                )
                break
            except TcoError:  # (the job as published does not fit there)
                continue
        if published_job is None:  # the model cannot place the job as published: nothing to carry from
            notes.append(
                f"the published run of {accel.id} on {workload.id} is not used: the model cannot place it, so the changed job is derived"
            )
            bench = None
        else:
            notes.append(f"the published run of {accel.id} on {workload.id} is carried to the changed workload by the model's ratio")
    measured = bench is not None
    shape = perf.workload_shape(workload)
    precision = workload.precision
    peak_name = perf.peak_field(accel, precision)
    if peak_name != perf.PEAK_FIELD[precision]:
        if precision in (Precision.bf16, Precision.fp16):
            notes.append(f"no {precision.value} peak: the {peak_name.removesuffix('_tflops')} peak is used (same 16-bit tensor units)")
        elif peak_name == perf.PEAK_FIELD[Precision.fp8]:
            notes.append(f"no {precision.value} peak in the profile: the job runs in FP8 (8-bit weights) at the fp8 peak")
        else:
            notes.append(
                f"no {precision.value} peak in the profile: the job runs in 16-bit at the {peak_name.removesuffix('_tflops')} peak"
            )
    weeks_key, months_key = port_keys(accel)
    server = accel.server_usd_per_accelerator
    if server is not None and server.value is None and option.acquisition is Acquisition.buy:
        notes.append("server cost per accelerator unknown: the price × scenario.server_overhead_factor is used")
    if shape.inferred:
        known = perf.known_shape_name(workload.parameters.value or 0.0)
        how = f"the published shape of {known}" if known else "a standard shape, no grouped-query attention"
        more = f", FFN {shape.ffn_dim}, vocabulary {shape.vocab:,}" if shape.vocab else ""
        dims = f"{_layers(shape.layers)}, d_model {shape.d_model}, KV width {shape.kv_dim}{more}"
        notes.append(f"shape inferred from parameters ({how}): {dims}")
    elif (gap := shape_count_gap(workload)) is not None:
        notes.append(gap)
    sixteen = (perf.PEAK_FIELD[Precision.bf16], perf.PEAK_FIELD[Precision.fp16])
    if workload.kind == "training" and peak_name not in sixteen and not measured:  # an 8- or 4-bit peak
        q16 = next((q for q in (accel.peak.bf16_tflops, accel.peak.fp16_tflops) if q is not None and q.value), None)
        q8 = getattr(accel.peak, peak_name)
        if q16 is not None and q8 is not None and q8.value:
            label, unit = peak_name.rsplit("_", 1)
            ratio = q8.value / q16.value
            shown, inverse = f"{ratio:.3g}", f"{1 / ratio:.3g}"
            runs_at = f"MFU counts the {label} peak the job runs at ({q8.value:,.4g} {unit.upper()})"
            sixteen_peak = f"the 16-bit peak ({q16.value:,.4g} TFLOPS)"
            # (a part whose 8-bit peak is its 16-bit one, Gaudi 3's FP8 or the MI250X's INT8: no "1× higher")
            if ratio > 1 and shown != "1":
                notes.append(f"{runs_at}; against {sixteen_peak} it is {shown}× higher")
            elif ratio < 1 and inverse != "1":
                notes.append(f"{runs_at}; against {sixteen_peak} it is {inverse}× lower")
            else:
                notes.append(f"{runs_at}, as high as {sixteen_peak}: the MFU is the same against either")
    common: dict[str, Any] = dict(
        label=option.label,
        accel_id=accel.id,
        name=accel.name,
        acquisition=option.acquisition,
        throughput_source=ThroughputSource.measured if measured else ThroughputSource.derived,
        bench_key=f"accel.benchmarks[{workload.id}]" if measured else None,
        measured_power=bool(bench and bench.power_w is not None and bench.power_w.value is not None),
        measured_count=(bench.accelerator_count or accel.interconnect.devices_per_node) if bench else None,
        peak_key=f"accel.peak.{peak_name}",
        peak16_key=f"accel.peak.{perf.attention_peak_field(accel, precision)}",
        active_key="workload.active_parameters" if workload.active_parameters is not None else "workload.parameters",
        k_srv_key="accel.server_overhead_factor" if accel.server_overhead_factor else "scenario.server_overhead_factor",
        k_pwr_key="accel.power_overhead_factor" if accel.power_overhead_factor else "scenario.power_overhead_factor",
        lead_key="accel.rental.lead_time_weeks" if rent else "accel.lead_time_weeks",
        deploy_key="scenario.rental_setup_weeks" if rent else "scenario.deployment_weeks",
        port_weeks_key=weeks_key,
        port_months_key=months_key,
        fx=_fx(accel, scenario),
        maturity_factor=training.MATURITY_FACTOR[accel.software.maturity],
        fabric=scenario.fabric.value,
        grid_key=(
            "scenario.grid_kgco2e_per_kwh"
            if scenario.grid_kgco2e_per_kwh is not None and scenario.grid_kgco2e_per_kwh.value is not None
            else f"scenario.grid_kgco2e_per_kwh_by_market.{scenario.market.value}"
        ),
        server_bom=accel.server_usd_per_accelerator is not None and accel.server_usd_per_accelerator.value is not None,
    )
    if measured:
        notes.insert(0, f"measured: {bench.source}")  # type: ignore[union-attr]
    if isinstance(workload, TrainingWorkload):
        n = option.count or workload.accelerator_count
        stages, need, layout, stage_notes = plan_training(option, workload, scenario, common)
        notes += stage_notes
        held, spelled = held_layout(workload)
        if n < held:
            raise InfeasibleError(
                f"the layout ({spelled}) needs {held} accelerators, more than {n} × {accel.id}",
                where=workload.id,
                key="layout",
                also=() if option.count is not None else ("workload.accelerator_count",),  # (a --set of the count is blamed)
            )
        if n < need:
            raise InfeasibleError(
                too_few_text(workload.id, n, accel.id, need),
                # (a count the option gave is the user's to change, as a fixed serving replica is)
                where=option.label if option.count is not None else accel.id,
                key=None if option.count is not None else "memory_gb",
                # (and, with no @N, the workload's count: a --set of it is blamed, not the part's memory)
                also=WORKLOAD_SIZE if option.count is not None else (*WORKLOAD_SIZE, "workload.accelerator_count"),
            )
        mfu_key = "workload.mfu" if workload.mfu is not None else "accel.mfu" if accel.mfu is not None else None
        if mfu_key == "accel.mfu" and measured:  # the published run of this very workload comes first
            notes.append(f"{accel.id}.mfu is not used: the published run of {accel.id} on {workload.id} is (workload.mfu comes before it)")
        elif mfu_key:
            # (the step model, which reads the tuning, is not run; nor does the layout it would choose set the rate: a
            # given MFU runs every accelerator, so a layout's idle ones or exposed reduction are no part of the answer)
            dropped = ("software tuning:", "layout: ", training.EXPOSED_NOTE)
            notes = [n for n in notes if not n.startswith(dropped)]
            notes.append(f"measured MFU given ({mfu_key.replace('accel.', accel.id + '.')}): final, no layout model on top")
        # (the job as published reads its own peaks and links, as measured: a changed precision reads others)
        both = (*stages, *published_job.stages) if published_job is not None else stages
        anchor = _anchor(option, workload, scenario, both) if measured else ()
        if published_job is not None and common["active_key"] != published_job.active_key:
            # (the changed job names its active parameters and the published one did not, or the reverse:
            # the model's figure as measured reads the published count under the changed job's key)
            flat = numeric_inputs(Option(option.as_measured or accel, option.count), option.workload_as_measured or workload, scenario)
            anchor = tuple(sorted({**dict(anchor), common["active_key"]: flat[published_job.active_key]}.items()))
        return Plan(
            kind="training",
            min_count=need,
            notes=tuple(notes),
            stages=stages,
            mfu_key=mfu_key,
            layout=layout,
            anchor=anchor,
            anchor_stage=published_job.stages[0] if published_job is not None and published_job.stages else None,
            job_changed=published_job is not None,
            **common,
        )
    plan = plan_serving(option, workload, scenario, common, notes, measured, serving_constants)
    if measured:
        link = ("accel.interconnect.bandwidth_gbps",)
        plan = replace(plan, anchor=_anchor(option, workload, scenario, (), (plan.peak_key, *link)))
        # The model on the part as measured, at its own replica and batch: a changed part is carried from it.
        own = plan
        job: Workload = workload
        source = Option(option.as_measured or accel, option.count, option.acquisition, option.quoted_rate)
        if published_job is not None:  # the job as measured, at its replica
            own, job = published_job, option.workload_as_measured or workload
            source = Option(option.as_measured or accel, published_job.replica, option.acquisition, option.quoted_rate)
            plan = replace(plan, job_changed=True)
        elif option.as_measured is not None:
            own = plan_option(source, job, scenario, market=False, serving_constants=serving_constants)
        if option.count is None and own.replica != plan.replica:
            # (the part and job as measured at the replica the changed ones run at, as ID@N plans both: the demand chose
            # this replica, a replica chosen is the same deployment as the same one fixed, and at one replica more
            # bandwidth is never slower; where the part or job as measured does not fit there, at the one chosen for it)
            there = replace(source, count=plan.replica)
            try:
                own, source = plan_option(there, job, scenario, market=False, serving_constants=serving_constants), there
            except TcoError:
                pass
        if own.request is not None and own.replica:
            q = KnownInputs(numeric_inputs(source, job, scenario))
            fig = serving.figures(own.request, plan_serving_inputs(own, q), replica=own.replica, tensor=own.tensor, batch=own.batch)[
                "tokens_per_second"
            ]
            plan = replace(plan, anchor_tokens_per_second=float(fig))
    return plan


def _anchor(
    option: Option, workload: Workload, scenario: Scenario, stages: Sequence[StagePlan], extra: Sequence[str] = ()
) -> tuple[tuple[str, float], ...]:
    """The part's physical specifications the performance model reads (memory, bandwidth, peaks, links),
    with their values in the part as measured (see :attr:`Plan.anchor`). Changing one describes another
    part. Kernel efficiencies are not anchored: they are estimates about the same part, and an estimate's
    uncertainty must not move a run measured on it. An input the published profile leaves unknown is not
    anchored (the given one serves)."""
    keys = {"accel.memory_gb", "accel.memory_bandwidth_gbps", *extra}
    for st in stages:
        keys |= {k for k in (st.peak_key, st.peak16_key, st.link_key, st.scale_out_key) if k}
    source = Option(option.as_measured or option.accelerator, option.count, option.acquisition)
    flat = numeric_inputs(source, option.workload_as_measured or workload, scenario)
    keys |= {k for k in flat if k.startswith("workload.") and k not in NOT_PERFORMANCE and not k.startswith("workload.stages[")}
    return tuple(sorted((k, flat[k]) for k in keys if k in flat))


NOT_PERFORMANCE = frozenset(
    {"workload.training_tokens", "workload.tokens_per_day", "workload.service_life_years", "workload.accelerator_count", "workload.mfu"}
)
"""Workload inputs the performance model does not read (how much and how long, the default count, a
measured MFU that replaces the model): a published run is not carried over a change of them."""


WORKLOAD_SIZE = ("workload.parameters", "workload.seq_len", "workload.global_batch_tokens", "workload.shape", "workload.stages")
"""Workload inputs a memory-fit error may follow from (named by the error: a --set of one is blamed)."""


def _sequence_causes(workload: TrainingWorkload, stage: str) -> tuple[str, ...]:
    """:data:`WORKLOAD_SIZE` ordered for one sequence's activations, which grow with its length and the shape,
    not the parameter count (unless the shape is inferred from it): a file that writes them all is blamed for
    the stage's own length, else the workload's, not for ``parameters``."""
    own = any(s.name == stage and s.seq_len is not None for s in workload.stages)
    first = ("workload.stages" if own else "workload.seq_len", "workload.shape" if workload.shape is not None else "workload.parameters")
    return tuple(dict.fromkeys((*first, *WORKLOAD_SIZE)))


SERVING_SIZE = (*WORKLOAD_SIZE, "workload.prompt_tokens", "workload.output_tokens", "workload.precision", "workload.active_parameters")
"""What a serving replica's memory must hold: the weights and one sequence's cache."""


def _serving_causes(prompt_first: bool) -> tuple[str, ...]:
    """:data:`SERVING_SIZE` ordered for one sequence's cache, which grows with its lengths (the longer of prompt
    and output first, then the sequence length they default from), not for ``parameters``."""
    lengths = ("workload.prompt_tokens", "workload.output_tokens")
    first = (*(lengths if prompt_first else lengths[::-1]), "workload.seq_len")
    return tuple(dict.fromkeys((*first, *SERVING_SIZE)))


def _idle_reason(
    data_parallel: int, sequences: float, batch_key: str | None, replica: int, count: float | None = None, expert: int = 1
) -> str:
    """Why a training layout leaves accelerators idle: its data parallelism reached the global batch's
    sequences (one each), it is a multiple of the expert-parallel degree (an MoE layout's expert groups are
    whole: DP rounds down to one), whole replicas are left out because fewer lose less to failures (layouts are
    judged by speed × goodput), or the count is no multiple of one model replica's accelerators."""
    if data_parallel >= sequences:
        given = batch_key or "the default global batch, 2M × (N/7B)^(1/3) tokens; workload.global_batch_tokens sets it"
        return f" (data parallelism is bounded by the global batch's {_sequences(int(sequences))}: {given})"
    replicas = int(count // replica) if count is not None else data_parallel
    most = min(replicas, int(sequences))
    if expert > 1 and most > data_parallel and data_parallel == most // expert * expert:
        # (DP is the most the count, or the batch, allows, rounded down to whole groups of EP replicas)
        bound = (
            f"{replicas:,} replicas of {replica} fit the count"
            if replicas <= sequences
            else f"the global batch has {_sequences(int(sequences))} ({batch_key or 'the default global batch'})"
        )
        return f" (data parallelism is a multiple of the expert-parallel degree {expert}: {bound}, rounded down to {data_parallel:,})"
    if count is not None and replicas > data_parallel:
        return (
            " (fewer replicas lose less to failures: layouts are judged by speed × goodput; "
            "scenario.failure_rate_per_accelerator_day and restart_minutes set it)"
        )
    return f" (the count is not a multiple of one replica's {replica} accelerators)"


def _exposed_reason(share: float, per_replica: float, batch_key: str | None) -> str:
    """Why the layout chosen (for the job's first stage) waits on its gradient reduction: too little of the global
    batch per replica to hide it behind."""
    given = batch_key or "the default global batch, 2M × (N/7B)^(1/3) tokens, an estimate; workload.global_batch_tokens sets it"
    return (
        f"{training.EXPOSED_NOTE}{share:.0%} of "
        f"each step: one step gives each replica {per_replica:,.3g} sequence{'s' if per_replica != 1 else ''} of the global "
        f"batch ({given}), too little compute to hide it behind; a larger global batch or fewer accelerators hide more of it"
    )


def held_layout(workload: TrainingWorkload) -> tuple[int, str]:
    """(accelerators the workload's fixed parallel degrees need at least, the degrees spelled out)."""
    names = ("tensor_parallel", "pipeline_parallel", "context_parallel", "expert_parallel")
    lay = workload.layout
    degrees = {k: getattr(lay, k) for k in names if getattr(lay, k)} if lay else {}
    return math.prod(degrees.values()), " × ".join(f"{k.split('_')[0]} {v}" for k, v in degrees.items())


def used_benchmark(accel: Accelerator, workload: TrainingWorkload | InferenceWorkload) -> Benchmark | None:
    """The published run of ``accel`` on this workload that the figures use: none when the workload
    gives its own measured end-to-end MFU (``workload.mfu``, final). The job's own measurement comes
    first, then the part's published run of the workload, then the part's MFU (``ID.mfu``)."""
    if isinstance(workload, TrainingWorkload) and workload.mfu is not None:
        return None
    return accel.benchmark_for(workload.id)


def _layers(n: int) -> str:
    """``n`` layers, as a message counts them: "1 layer", "80 layers"."""
    return f"{n:,} layer{'' if n == 1 else 's'}"


def _sequences(n: float) -> str:
    """``n`` sequences of a global batch, as a message counts them: "1 sequence", "2,048 sequences" (a whole count), "1.5e+04
    sequences" (a float, to four digits)."""
    shown = f"{n:,}" if isinstance(n, int) else f"{n:,.4g}"
    return f"{shown} sequence{'' if n == 1 else 's'}"


def _stage_layers(n: int) -> str:
    """What a pipeline stage holds, as a capped replica search says it: "at least one of the model's 80 layers", and
    of a one-layer model "the model's only layer"."""
    return "the model's only layer" if n == 1 else f"at least one of the model's {_layers(n)}"


def plan_serving(
    option: Option,
    workload: InferenceWorkload,
    scenario: Scenario,
    common: Mapping[str, Any],
    notes: list[str],
    measured: bool,
    constants: serving.Constants | None = None,
) -> Plan:
    """Replica size and batch for serving (tco.serving). ``ID@N`` fixes N accelerators per replica.
    ``constants`` (compute, bandwidth, collective efficiency, step overhead, overlap exponent, a typical
    engine's time per layer, the KV cache's share of the read rate, a tuned engine's time per layer) replace
    the fitted ones (``tco calibrate --fit``)."""
    eff, bw_eff, coll, tau, overlap, per_layer, kv_ratio, per_layer_tuned = constants or serving.CONSTANTS
    per_layer = per_layer_tuned if workload.tuning is Tuning.tuned else per_layer  # (a vendor-tuned engine fuses most small kernels)
    accel = option.accelerator
    shape = perf.workload_shape(workload)
    half = max(1.0, workload.seq_len / 2.0)  # (a request has at least one prompt and one output token)
    prompt = workload.prompt_tokens.value if workload.prompt_tokens and workload.prompt_tokens.value else half
    output = workload.output_tokens.value if workload.output_tokens and workload.output_tokens.value else half
    if not (workload.prompt_tokens and workload.output_tokens):
        notes.append(f"prompt and output lengths: {prompt:g} and {output:g} tokens")
    link = accel.interconnect.bandwidth_gbps
    if link is None or link.value is None:  # (as training says it, where the tensor-parallel collectives need it)
        notes.append(f"in-node bandwidth unknown: {training.IN_NODE_FLOOR_GBPS:g} GB/s assumed (PCIe Gen4 x16)")
    if accel.matmul_efficiency is None or accel.matmul_efficiency.value is None:
        notes.append(f"achievable matmul fraction unknown: {training.MATMUL_EFFICIENCY_DEFAULT:g} of peak assumed")
    bytes_per_param = BYTES_PER_PARAM[perf.runs_in(accel, workload.precision)]  # (no 8-bit units: 16-bit, as its note says)
    req = serving.Request(
        layers=shape.layers,
        d_model=shape.d_model,
        kv_dim=shape.kv_dim,
        attention_width=shape.attention_width,
        head_width=shape.attention_width // shape.heads,
        prompt=prompt,
        output=output,
        weight_bytes_per_param=bytes_per_param,
        kv_bytes=serving.kv_bytes(bytes_per_param),
        embedding_bytes=serving.embedding_bytes(shape.vocab, shape.d_model, shape.tied_embeddings, bytes_per_param),
        experts=workload.experts or 0,
        top_k=workload.experts_per_token or 0,
    )
    if bytes_per_param < 2 and not shape.vocab:
        notes.append(
            f"vocabulary unknown: the 16-bit embedding matrices of {8 if bytes_per_param == 1 else 4}-bit weights are not counted "
            "(give workload.shape.vocab)"
        )
    node = accel.interconnect.devices_per_node
    fixed = option.count
    if fixed is not None and not (fixed <= node and fixed & (fixed - 1) == 0) and fixed % node != 0:
        raise InfeasibleError(
            f"a replica of {fixed:,} × {accel.id} has no tensor-parallel layout: give a power of two up to {node:,}, "
            f"or a multiple of {node:,} (pipeline stages of a node each)",
            where=option.label,
        )
    if fixed is not None and fixed // min(fixed, node) > shape.layers:
        raise InfeasibleError(
            f"a replica of {fixed:,} × {accel.id} is {fixed // min(fixed, node):,} pipeline stages of {min(fixed, node):,}, "
            f"more than the model's {_layers(shape.layers)}: give at most {shape.layers * min(fixed, node):,} per replica",
            where=option.label,
        )
    base = KnownInputs(numeric_inputs(option, workload, scenario))
    x = serving_inputs(common, base, eff, bw_eff, coll, tau, overlap, per_layer, kv_ratio)
    x["memory_gb"] = base["accel.memory_gb"]
    tpot = _seconds(workload.time_per_output_token_ms)
    ttft = _seconds(workload.time_to_first_token_ms)
    z = 0.0  # the latency targets hold for the mean request, unless a percentile is given
    if workload.latency_percentile is not None:
        from statistics import NormalDist  # only here: statistics costs start-up time

        z = NormalDist().inv_cdf(workload.latency_percentile / 100.0)
    replica, batch, tensor = 0, 0, 1
    if any(v != v for v in x.values()):
        notes.append("memory, bandwidth or peak unknown: no replica can be planned")
    else:
        # The fleet serves the day's tokens in the busy share of an owned fleet's hours (as evaluate_plan sizes it).
        busy = base["scenario.utilization"] if option.acquisition is Acquisition.buy else 1.0
        demand = base["workload.tokens_per_day"] / (86400.0 * busy)
        c = serving.choose(req, x, node=node, max_batch=workload.max_batch, replica=fixed, tpot_s=tpot, ttft_s=ttft, z=z, demand=demand)
        if c is None:
            sizes = serving.replica_sizes(node)
            # (the largest replica the search tried: a pipeline stage holds at least one layer, so a model of few layers
            # caps it, and a replica it skipped must not decide why none serves)
            k_max = fixed or max(k for k in sizes if k // serving.tensor_of(k, node) <= shape.layers)
            capped = "" if fixed or k_max == sizes[-1] else f" (a pipeline stage holds {_stage_layers(shape.layers)})"
            # (weights that fit the largest replica leave one sequence's cache to blame: its lengths come first)
            weights_fit = serving.weight_bytes(req, x) < k_max * (x["memory_gb"] - serving.RUNTIME_RESERVE_GB) * 1e9
            why = (
                "no batch meets the latency targets"
                if serving.max_batch_in_memory(req, x, k_max, serving.tensor_of(k_max, node)) >= 1
                else f"one {prompt + output:,.0f}-token sequence's KV cache does not fit beside the weights"
                if weights_fit
                else "the weights and one sequence do not fit"
            )
            latency = "fit" not in why
            ran, asides = perf.runs_in(accel, workload.precision), []
            if not latency and BYTES_PER_PARAM[ran] > BYTES_PER_PARAM[workload.precision]:
                # (the weights and cache are sized in the precision the part runs, not the one asked for: say so, as
                # the note of a plan that fits does)
                wider = "16-bit" if BYTES_PER_PARAM[ran] == 2 else ran.value.upper()
                asides.append(f"weights in {wider}: {accel.id} has no {workload.precision.value} peak")
            if not latency and fixed:
                # (as training names the count that holds its state: the smallest replica the search would try
                # that holds the weights and one sequence, if one does)
                holds = next(
                    (
                        k
                        for k in serving.replica_sizes(node)
                        if k > fixed
                        and k // serving.tensor_of(k, node) <= shape.layers
                        and serving.max_batch_in_memory(req, x, k, serving.tensor_of(k, node)) >= 1
                    ),
                    None,
                )
                if holds is not None:
                    them = "them" if "weights and" in why else "it"
                    asides.append(f"the smallest replica that holds {them} is {holds}: {replace(option, count=holds).label}")
            size = _serving_causes(prompt >= output) if weights_fit else SERVING_SIZE
            target = "time_per_output_token_ms" if tpot is not None else "time_to_first_token_ms"
            if latency and tpot is not None and ttft is not None:
                # The target a batch of one misses on every replica the search tried that holds a sequence (the
                # other, relaxed, would not help); where each alone is met on some or neither on any, the one missed
                # on the smallest.
                tried = [fixed] if fixed else [k for k in sizes if k <= k_max and k // serving.tensor_of(k, node) <= shape.layers]
                tried = [k for k in tried if serving.max_batch_in_memory(req, x, k, serving.tensor_of(k, node)) >= 1] or tried
                ones = [serving.figures(req, x, replica=k, tensor=serving.tensor_of(k, node), batch=1, z=z) for k in tried]
                tpot_met, ttft_met = any(f["tpot"] <= tpot for f in ones), any(f["ttft"] <= ttft for f in ones)
                if tpot_met != ttft_met:
                    target = "time_per_output_token_ms" if ttft_met else "time_to_first_token_ms"
                else:
                    target = "time_to_first_token_ms" if ones[0]["ttft"] > ttft else "time_per_output_token_ms"
            best = ""
            if latency:
                # (how near the target comes: a batch of one is the fastest a replica serves, in both the time per
                # output token and the time to the first token; on the replicas tried that hold a sequence)
                tried_k = [fixed] if fixed else [k for k in sizes if k <= k_max and k // serving.tensor_of(k, node) <= shape.layers]
                tried_k = [k for k in tried_k if serving.max_batch_in_memory(req, x, k, serving.tensor_of(k, node)) >= 1] or tried_k
                which = "tpot" if target == "time_per_output_token_ms" else "ttft"
                at_one = {k: serving.figures(req, x, replica=k, tensor=serving.tensor_of(k, node), batch=1, z=z)[which] for k in tried_k}
                k_best = min(at_one, key=lambda k: at_one[k])
                what = "per output token" if which == "tpot" else "to the first token"
                best = f": a batch of one takes {_ms_at_least(at_one[k_best])} ms {what} at best"
                best += "" if fixed else f", on a replica of {k_best}"
            engine_time = ""
            tuned_step = tau + shape.layers * per_layer_tuned
            if latency and per_layer > per_layer_tuned and tpot is not None and target == "time_per_output_token_ms":
                # A typical engine's own time per step is what misses the target where a tuned engine, with
                # less per layer, meets it at a batch of one on the largest replica.
                bare = serving.figures(
                    req, {**x, "layer_overhead": per_layer_tuned}, replica=k_max, tensor=serving.tensor_of(k_max, node), batch=1, z=z
                )
                engine_time = (
                    ""
                    if bare["tpot"] > tpot
                    else (
                        f" (a typical engine spends {(tau + shape.layers * per_layer) * 1000.0:.3g} ms per decode step beyond its "
                        f"kernels; workload.tuning = tuned: a vendor engine's {tuned_step * 1000.0:.3g} ms)"
                    )
                )
            raise InfeasibleError(
                f"{accel.id} cannot serve {workload.id}: {why}"
                + (f" on a replica of {fixed}" if fixed else f" on up to {k_max} per replica{capped}")
                + (f" ({'; '.join(asides)})" if asides else "")
                + best
                + engine_time,
                # (a replica the option fixes, ID@N, is the option's to change; else the part's memory)
                where=workload.id if latency else option.label if fixed else accel.id,
                key=target if latency else None if fixed else "memory_gb",
                # (a --set of the engine takes the blame where the target's is the file's; of the model's size, a memory misfit)
                also=("tuning",) if engine_time else () if latency else ("memory_gb", *size) if fixed else size,
            )
        replica, batch, tensor = c.replica, c.batch, c.tensor
        notes.insert(
            1 if measured else 0,
            f"replica of {replica} (TP {tensor}), batch {batch} (limited by {c.limited_by.replace('_', ' ')}), {c.bound}-bound",
        )
        engine_hint = " (workload.tuning = tuned: a vendor-tuned engine such as TensorRT-LLM)" if workload.tuning is Tuning.typical else ""
        notes.append(
            f"serving engine: {workload.tuning.value}, {(tau + shape.layers * per_layer) * 1000.0:.3g} ms per decode step beyond its "
            f"kernels{engine_hint}"
        )
    return Plan(
        kind="inference",
        min_count=max(replica, 1),
        replica=replica,
        batch=batch,
        request=req,
        tensor=tensor,
        serving_efficiency=eff,
        serving_bandwidth_efficiency=bw_eff,
        serving_collective_efficiency=coll,
        serving_step_overhead=tau,
        serving_layer_overhead=per_layer,
        serving_overlap=overlap,
        serving_kv_ratio=kv_ratio,
        latency_z=z,
        notes=tuple(notes),
        **common,
    )


def _ms_at_least(seconds: float) -> str:
    """``seconds`` in milliseconds to four significant digits, rounded up: the least latency a replica reaches,
    written so that a target set to the figure shown is met (rounded to the nearest, 9.2364 ms showed as 9.236,
    and a target of 9.236 ms was still refused)."""
    ms = seconds * 1000.0
    text = f"{ms:.4g}"
    if math.isfinite(ms) and ms > 0 and float(text) < ms:
        step = 10.0 ** (math.floor(math.log10(ms)) - 3)
        up = math.ceil(ms / step) * step
        text = f"{up:.4g}"
        if float(text) < ms:  # (the product fell a hair short in binary: one step more)
            text = f"{up + step:.4g}"
    return text


def _seconds(ms: Quantity | None) -> float | None:
    return ms.value / 1000.0 if ms is not None and ms.value is not None else None


def serving_inputs(
    common: Mapping[str, Any],
    p: Mapping[str, Any],
    efficiency: Any,
    bandwidth_efficiency: Any,
    collective_efficiency: Any,
    step_overhead: Any = serving.STEP_OVERHEAD_S,
    overlap: float = serving.OVERLAP_EXPONENT,
    layer_overhead: Any = 0.0,
    kv_ratio: Any = serving.KV_BANDWIDTH_RATIO,
) -> dict[str, Any]:
    """The continuous inputs of :func:`tco.serving.figures` from the flat inputs. FP8 matmuls reach the
    share :data:`tco.training.FP8_GEMM_RATIO` of the 16-bit efficiency (the same ratio as in training), and
    FP4 matmuls the share :data:`tco.serving.FP4_GEMM_RATIO` of it (fitted on the B200 FP4 rows). The software
    maturity factor multiplies ε only: a less mature stack's matmul and attention kernels reach less of the peak
    FLOPs, while streaming weights and the cache runs at the share e_bw of the bandwidth on any stack."""
    key = common["peak_key"]
    ratio: Any = training.FP8_GEMM_RATIO if key.endswith(".fp8_tflops") else serving.FP4_GEMM_RATIO if key.endswith(".fp4_tflops") else 1.0
    fp8_key = key.replace(".fp4_tflops", ".fp8_tflops")
    if key.endswith(".fp4_tflops") and fp8_key in p:
        # A part with FP8 units runs FP4 matmuls no slower than FP8 ones (a runtime keeps the faster path):
        # the larger of the two rates, max(a, b) = (a + b + |a − b|) / 2 for floats and arrays alike.
        via_fp8 = training.FP8_GEMM_RATIO * p[fp8_key] / p[key]
        ratio = (ratio + via_fp8 + abs(ratio - via_fp8)) / 2.0
    return {
        "parameters": p["workload.parameters"],
        "active_parameters": p[common["active_key"]],
        "peak": p[common["peak_key"]],
        "bandwidth": p["accel.memory_bandwidth_gbps"],
        "link": p["accel.interconnect.bandwidth_gbps"] if "accel.interconnect.bandwidth_gbps" in p else training.IN_NODE_FLOOR_GBPS,
        "efficiency": efficiency
        * common["maturity_factor"]
        * (p[MATMUL_KEY] if MATMUL_KEY in p else training.MATMUL_EFFICIENCY_DEFAULT)
        * ratio,
        # (the maturity factor derates the kernels' share of peak compute, not the rate memory streams at)
        "bandwidth_efficiency": bandwidth_efficiency,
        "collective_efficiency": collective_efficiency,
        "step_overhead": step_overhead,
        "layer_overhead": layer_overhead,
        "overlap": overlap,
        "kv_ratio": kv_ratio,
    }


def speed_inputs(missing: Iterable[str]) -> list[str]:
    """Of the unknown inputs, those a throughput reads (peaks, memory, links, efficiencies, the workload),
    not the price or lead time only a cost needs: what an estimate or a calibration row lacks."""
    speed = ("peak", "memory", "bandwidth", "interconnect", "mfu", "matmul", "attention", "benchmarks", "workload.")
    return [k for k in missing if any(w in k for w in speed)]


def serving_memory_minimum(plan: Plan, p: Mapping[str, Any]) -> int | None:
    """The smallest replica (of :func:`tco.serving.replica_sizes`) whose memory holds the weights and one
    sequence, whatever the latency targets or a fixed replica ask; None when none does or an input is unknown."""
    if plan.request is None:
        return None
    x = {**plan_serving_inputs(plan, p), "memory_gb": p["accel.memory_gb"]}
    node = int(p["accel.interconnect.devices_per_node"])
    for k in serving.replica_sizes(node):
        t = serving.tensor_of(k, node)
        if k // t <= plan.request.layers and serving.max_batch_in_memory(plan.request, x, k, t) >= 1:
            return k
    return None


def plan_serving_inputs(plan: Plan, p: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`serving_inputs` with the constants a serving plan was made with."""
    return serving_inputs(
        {"active_key": plan.active_key, "peak_key": plan.peak_key, "maturity_factor": plan.maturity_factor},
        p,
        plan.serving_efficiency,
        plan.serving_bandwidth_efficiency,
        plan.serving_collective_efficiency,
        plan.serving_step_overhead,
        plan.serving_overlap,
        plan.serving_layer_overhead,
        plan.serving_kv_ratio,
    )


def _attention_key(accel: Accelerator, kernel: AttentionKernel, notes: list[str]) -> str | None:
    """Flat key of the attention kernel's measured fraction of peak: the workload's kernel if the
    profile lists it, else the part's native kernel (with a note); None when the profile has neither
    (the default ratio to the matmul fraction applies, and a note says so)."""
    table = accel.attention_efficiency
    for k in (kernel, AttentionKernel.native):
        q = table.for_kernel(k) if table is not None else None
        if q is not None and q.value is not None:
            if k is not kernel:
                notes.append(f"{kernel.value} attention not measured on {accel.id}: its {k.value} kernel's fraction used")
            return f"accel.attention_efficiency.{k.value}"
    notes.append(f"attention kernel fraction unknown: {training.ATTENTION_KERNEL_DEFAULT:g} × the matmul fraction assumed")
    return None


def _gb(nbytes: float) -> str:
    """Bytes as GB for a message: one decimal, or scientific past a million GB (absurd inputs)."""
    gb = nbytes / 1e9
    return f"{gb:,.1f}" if gb < 1e6 else f"{gb:.3g}"


def _link_default(accel: Accelerator) -> tuple[str | None, float, str | None, float, list[str]]:
    ic = accel.interconnect
    notes = []
    link_key = "accel.interconnect.bandwidth_gbps" if ic.bandwidth_gbps is not None and ic.bandwidth_gbps.value is not None else None
    if link_key is None:
        notes.append(f"in-node bandwidth unknown: {training.IN_NODE_FLOOR_GBPS:g} GB/s assumed (PCIe Gen4 x16)")
    so = ic.scale_out_gbps
    so_key = "accel.interconnect.scale_out_gbps" if so is not None and so.value is not None else None
    so_default = training.SCALE_OUT_DEFAULT_GBPS[ic.kind]
    if so_key is None:
        notes.append(f"scale-out bandwidth unknown: {so_default:g} GB/s per accelerator assumed")
    return link_key, training.IN_NODE_FLOOR_GBPS, so_key, so_default, notes


def _check_layout(workload: TrainingWorkload, accel: Accelerator, layers: int, heads: int, experts: int, fsdp: bool) -> None:
    """A fixed layout the part or the model cannot run is an input error naming the degree."""
    if fsdp and workload.pipeline_schedule is PipelineSchedule.dualpipe:  # (else read by no layout, silently)
        raise InfeasibleError(
            "pipeline_schedule = dualpipe schedules a pipeline, and parallelism = fsdp shards data only, with none: "
            "set pipeline_schedule = 1f1b, or parallelism = megatron",
            where=workload.id,
            key="pipeline_schedule",
            also=("workload.parallelism",),
        )
    lay = workload.layout
    one_stage = lay is not None and lay.pipeline_parallel == 1
    if workload.pipeline_schedule is PipelineSchedule.dualpipe and (one_stage or layers == 1):
        # (as beside fsdp: a layout of one pipeline stage has no pipeline for it to schedule, and would run as 1f1b)
        why = "layout pipeline_parallel = 1 fixes a layout with none" if one_stage else f"the model's {_layers(layers)} splits into none"
        raise InfeasibleError(
            f"pipeline_schedule = dualpipe schedules a pipeline, and {why}: set pipeline_schedule = 1f1b"
            + (", or leave pipeline_parallel to the search" if one_stage else ""),
            where=workload.id,
            key="pipeline_schedule",
            also=("workload.layout",) if one_stage else ("workload.shape", "workload.parameters"),
        )
    if lay is None:
        return
    node = accel.interconnect.devices_per_node
    # (what each degree is held against: a --set of it is blamed, not the file that fixed the degree)
    shape = ("workload.shape", "workload.parameters")  # (the shape is inferred from the parameters where not given)
    limits = {
        "tensor_parallel": (node, f"the {node} accelerators of one {accel.id} node", (f"{accel.id}.interconnect.devices_per_node",)),
        "pipeline_parallel": (layers, f"the model's {_layers(layers)}", shape),
        "expert_parallel": (
            max(experts, 1),
            f"the model's {experts} expert{'' if experts == 1 else 's'}" if experts else "1 (a dense model has no experts)",
            ("workload.experts",),
        ),
    }
    for key, (limit, what, causes) in limits.items():
        value = getattr(lay, key)
        if value is not None and value > limit:
            raise InfeasibleError(f"layout {key} = {value} exceeds {what}", where=workload.id, key=f"layout.{key}", also=causes)
    cp = lay.context_parallel
    # (each length it does not divide, the stage's named: '(1001, 2048 tokens)' read as if 2,048 were not divided either)
    lengths = [("the sequence length", workload.seq_len), *((f"stage {st.name}'s sequence length", st.seq_len) for st in workload.stages)]
    missed = [f"{what} ({seq} token{'s' if seq != 1 else ''})" for what, seq in lengths if cp is not None and seq and seq % cp]
    if missed:
        raise InfeasibleError(
            f"layout context_parallel = {cp} does not divide {' nor '.join(missed)}",
            where=workload.id,
            key="layout.context_parallel",
            also=("workload.seq_len", "workload.stages"),
        )
    if lay.tensor_parallel is not None and heads % lay.tensor_parallel:
        raise InfeasibleError(
            f"layout tensor_parallel = {lay.tensor_parallel} does not divide the {heads} attention heads",
            where=workload.id,
            key="layout.tensor_parallel",
            also=shape,
        )
    if fsdp and (any((getattr(lay, k) or 1) > 1 for k in limits) or (lay.context_parallel or 1) > 1 or lay.recompute == "none"):
        raise InfeasibleError(
            "parallelism = fsdp shards data only: a layout with tensor, pipeline, context or expert degrees above 1, "
            "or recompute = none, cannot apply",
            where=workload.id,
            key="layout",
        )


def plan_training(
    option: Option, workload: TrainingWorkload, scenario: Scenario, common: Mapping[str, Any]
) -> tuple[tuple[StagePlan, ...], int, dict[str, Any] | None, list[str]]:
    """Stages, the smallest count that fits, the layout chosen at the nominal inputs, and notes."""
    accel = option.accelerator
    shape = perf.workload_shape(workload)
    heads = shape.heads
    experts = workload.experts or 0
    top_k = workload.experts_per_token or 0
    n = option.count or workload.accelerator_count
    link_key, link_default, so_key, so_default, notes = _link_default(accel)
    params = workload.parameters.value or 0.0
    # The default batch is estimated at the job's parameter count as given (an analysis's value of it, in
    # DEFAULT_BATCH_KEY, means that count's), and follows a varied count from there (default_batch).
    nominal = option.workload_as_measured
    batch_params = (nominal.parameters.value if isinstance(nominal, TrainingWorkload) else None) or params
    base = KnownInputs(numeric_inputs(option, workload, scenario))
    batch_key = "workload.global_batch_tokens" if workload.global_batch_tokens else None
    specs = [(MAIN_STAGE, "workload.training_tokens", workload.seq_len, workload.precision, batch_key)]
    for extra in workload.stages:
        specs.append(
            (
                extra.name,
                f"workload.stages[{extra.name}].tokens",
                extra.seq_len or workload.seq_len,
                extra.precision or workload.precision,
                f"workload.stages[{extra.name}].global_batch_tokens" if extra.global_batch_tokens else batch_key,
            )
        )
    matmul_key = "accel.matmul_efficiency" if accel.matmul_efficiency is not None and accel.matmul_efficiency.value is not None else None
    if matmul_key is None:
        notes.append(f"achievable matmul fraction unknown: {training.MATMUL_EFFICIENCY_DEFAULT:g} of peak assumed")
    attention_key = _attention_key(accel, workload.attention_kernel, notes)
    stages = []
    need = 1
    layout: dict[str, Any] | None = None
    fsdp = workload.parallelism is Parallelism.fsdp
    pin = workload.layout.model_dump(exclude={"recompute"}) if workload.layout is not None else {}
    _check_layout(workload, accel, shape.layers, heads, experts, fsdp)
    for name, tokens_key, seq_len, precision, batch_key in specs:
        fp8 = precision is Precision.fp8 and perf.peak_field(accel, precision) == "fp8_tflops"
        stage_peak = perf.peak_field(accel, precision)
        if name != MAIN_STAGE and precision is not workload.precision and stage_peak != perf.PEAK_FIELD[precision]:
            how = "the job runs in 16-bit at" if precision not in (Precision.bf16, Precision.fp16) else "it uses"
            notes.append(f"stage {name}: no {precision.value} peak in the profile: {how} the {stage_peak.removesuffix('_tflops')} peak")
        cands = training.candidates(
            node=accel.interconnect.devices_per_node,
            layers=shape.layers,
            heads=heads,
            experts=experts,
            count=None,
            seq_len=seq_len,
            fsdp=fsdp,
            pin=pin,
        )
        job = training.Job(
            layers=shape.layers,
            d_model=shape.d_model,
            attention_width=shape.attention_width,
            heads=heads,
            seq_len=seq_len,
            kv_dim=shape.kv_dim,
            fp8=fp8,
            experts=experts,
            top_k=top_k,
            tuning=workload.tuning,
            maturity=accel.software.maturity,
            candidates=cands,
            fsdp=fsdp,
            dualpipe=workload.pipeline_schedule is PipelineSchedule.dualpipe,
            fp32_grads=not fsdp and precision is not Precision.fp16,
            recompute=workload.layout.recompute if workload.layout is not None else None,
            ffn_dim=shape.ffn_dim,
            gated_ffn=shape.gated_ffn,
            vocab=shape.vocab,
        )
        st = StagePlan(
            name=name,
            job=job,
            tokens_key=tokens_key,
            batch_key=batch_key,
            batch_default=training.default_global_batch_tokens(batch_params),
            batch_parameters=batch_params,
            peak_key=f"accel.peak.{stage_peak}",
            peak16_key=f"accel.peak.{perf.attention_peak_field(accel, precision)}",
            attention_flops=perf.attention_flops_per_token(shape, seq_len),
            link_key=link_key,
            link_default=link_default,
            scale_out_key=so_key,
            scale_out_default=so_default,
            imbalance_key="workload.load_imbalance" if workload.load_imbalance is not None else None,
            matmul_key=matmul_key,
            attention_key=attention_key,
            efficiency=training.gemm_efficiency(workload.tuning, accel.software.maturity),
            elementwise=training.ELEMENTWISE_VECTORS[workload.tuning],
            precision=precision,
        )
        x = stage_inputs(st, base, common["active_key"])
        if any(v != v for v in x.values()):
            if name == MAIN_STAGE:
                notes.append("memory, bandwidth or peak unknown: the layout and the memory fit cannot be checked")
            stages.append(st)
            continue
        fit = training.min_accelerators(job, x)
        if fit is None:
            memory = f"{accel.id}.memory_gb"  # (as a --set names the part's input, in an error about the workload)
            # Say which of the two cannot fit: one sequence's activations, or the training state.
            pinned = job.recompute
            # (the widest split one sequence may take: a tensor or context degree the layout fixes, else a node's)
            tensor = workload.layout.tensor_parallel if workload.layout is not None else None
            context = workload.layout.context_parallel if workload.layout is not None else None
            widest = training.Candidate(tensor or min(accel.interconnect.devices_per_node, max(heads, 1)), 1, 1, 1, context or 1)
            act = training.activation_bytes(job, widest, pinned or "full")
            usable = perf.USABLE_MEMORY_FRACTION * x["memory_gb"] * 1e9
            if act >= usable:
                degrees = [(k, v) for k, v in (("tensor_parallel", tensor), ("context_parallel", context)) if v]
                over = f"at {' and '.join(f'{k} = {v}' for k, v in degrees)}" if degrees else "over a node"
                how = f"with recompute = {pinned} (workload.layout) {over}" if pinned else f"even with full recomputation {over}"
                # Say so where the layers alone would fit: the vocabulary's logits are what does not.
                layers_only = training.activation_bytes(replace(job, vocab=0), widest, pinned or "full")
                logits = f", {_gb(act - layers_only)} GB of it the logits of a {job.vocab:,}-token vocabulary"
                whose = logits if layers_only < usable else ""
                stage = "" if name == MAIN_STAGE else f" of stage {name}"
                raise InfeasibleError(
                    f"activations of one {seq_len:,}-token sequence{stage} ({_gb(act)} GB per device {how}{whose}) "
                    f"exceed {accel.id}'s usable memory ({usable / 1e9:.1f} GB)",
                    where=workload.id if pinned or degrees or whose else accel.id,
                    key="layout.recompute" if pinned else f"layout.{degrees[0][0]}" if degrees else "shape.vocab" if whose else "memory_gb",
                    # (an error about the workload's layout or vocabulary names the part's memory too: a --set of it
                    # is blamed, not the shipped file)
                    also=(*_sequence_causes(workload, name), memory) if pinned or degrees or whose else _sequence_causes(workload, name),
                )
            sequences = max(1.0, x["global_batch_tokens"] // seq_len)
            batch = st.batch_key or "workload.global_batch_tokens"
            raise InfeasibleError(
                f"the training state of {params:,.4g} parameters does not fit on any count of {accel.id}: sharding it "
                f"needs more data-parallel replicas than the global batch's {_sequences(sequences)}, or more than "
                "10^12 accelerators; use fewer parameters, a larger workload.global_batch_tokens or a part with more memory",
                where=workload.id,
                key="parameters",
                also=(batch, memory),  # (the two the message names: a --set of either is blamed, not the file's parameters)
            )
        if x["global_batch_tokens"] < seq_len:
            given = st.batch_key or "the default global batch"
            tokens = x["global_batch_tokens"]
            unit = "token" if tokens == 1 else "tokens"
            notes.append(f"{given} ({tokens:,.6g} {unit}) is less than one {seq_len:,}-token sequence: a step runs one")
        need = max(need, fit)
        x["count"] = float(max(n, fit))
        st = replace(st, subset=training.shortlist(job, x), subset_count=x["count"], subset_batch=x["global_batch_tokens"])
        r = training.evaluate(job, x, subset=st.subset)  # the best layout is on the shortlist
        if r.best is not None:
            c = job.candidates[r.best]
            here = {  # keys: LAYOUT_FIELDS, in that order
                "tensor_parallel": c.tensor,
                "pipeline_parallel": c.pipeline,
                "data_parallel": r.data_parallel,
                "context_parallel": c.context,
                "expert_parallel": c.expert,
                "micro_batch_sequences": 1,
                "recompute": r.recompute,
                "full_recompute_share": r.full_share,
                "zero_stage": c.zero,
                # the batch a step runs: whole sequences, at least one (0.5 tokens given: one 2,048-token sequence)
                "global_batch_tokens": max(1.0, x["global_batch_tokens"] // seq_len) * seq_len,
                "pipeline_bubble": r.bubble,
                "idle_accelerators": int(x["count"]) - c.model_devices * (r.data_parallel or 0),
            }
            st = replace(st, layout=here)  # (each stage keeps its own; the job's notes and layout are its first stage's)
            if layout is None:
                layout = here
                batch_sequences = layout["global_batch_tokens"] // seq_len
                notes.append(
                    f"layout: TP {c.tensor} × PP {c.pipeline} × DP {r.data_parallel or 0:,}"
                    + (f" × CP {c.context}" if c.context > 1 else "")
                    + (f" × EP {c.expert}" if experts else "")
                    + f", recompute {r.recompute}"
                    + (f" ({r.full_share:.0%} of layers, the rest selective)" if 0 < r.full_share < 1 else "")
                    + f", ZeRO-{c.zero}"
                    + (f", {layout['idle_accelerators']:,} idle" if layout["idle_accelerators"] else "")
                    + (
                        _idle_reason(r.data_parallel or 0, batch_sequences, st.batch_key, c.model_devices, x["count"], c.expert)
                        if layout["idle_accelerators"]
                        else ""
                    )
                )
                if r.exposed_share >= training.EXPOSED_SHARE_NOTED:
                    notes.append(_exposed_reason(r.exposed_share, batch_sequences / (r.data_parallel or 1), st.batch_key))
        stages.append(st)
    if workload.layout is not None:
        fixed = {k: v for k, v in workload.layout.model_dump().items() if v is not None}
        if fixed:
            notes.append("layout held to workload.layout (" + ", ".join(f"{k} {v}" for k, v in fixed.items()) + "); the rest searched")
    hint = (
        " (workload.tuning = tuned: a Megatron/NeMo-class stack, as in vendor benchmark tables)"
        if workload.tuning is Tuning.typical
        else ""
    )
    notes.append(f"software tuning: {workload.tuning.value}{hint}")
    return tuple(stages), need, layout, notes


# --------------------------------------------------------------------------- arithmetic


def stage_throughput(
    plan: Plan, st: StagePlan, p: Mapping[str, Any], ops: Any, *, count: Any = None, steady: bool = False
) -> tuple[Any, Any, Any, Any]:
    """(tokens/s per accelerator, MFU, scaling efficiency, accelerators the layout runs on) of one
    training stage at ``count``. ``steady``: layouts judged by speed alone, without failures (what a
    published run's steady rate describes: every accelerator of the run computing)."""
    flops = 6.0 * p[plan.active_key] + st.attention_flops
    peak = p[st.peak_key] if plan.throughput_source is ThroughputSource.derived else p.get(st.peak_key, math.nan)
    if plan.mfu_key:
        tps = p[plan.mfu_key] * peak * 1e12 / flops
        return tps, p[plan.mfu_key], 1.0 + 0.0 * tps, p["count"] if count is None else count
    x = stage_inputs(st, p, plan.active_key)
    if count is not None:
        x["count"] = count
    if steady:
        x["failure_rate"] = 0.0
    # The shortlist holds at the count and the global batch it was chosen at (or over the batches it was widened
    # to); at any other (a swept count, even a single one, or a measurement's) the best layouts change: search them all.
    same = (x["count"] == st.subset_count) & (True if st.subset_batch is None else x["global_batch_tokens"] == st.subset_batch)
    at_planned = count is None and st.subset_count is not None and bool(same.all() if hasattr(same, "all") else same)
    r = training.evaluate(st.job, x, ops, subset=st.subset if st.subset_holds or at_planned else None)
    tps = r.tokens_per_second
    used = x["count"] if r.used is None else ops.minimum(r.used, x["count"])
    return tps, tps * flops / (peak * 1e12), r.scaling_efficiency, used


def _anchored(plan: Plan, p: Mapping[str, Any]) -> tuple[Mapping[str, Any], Any]:
    """(the inputs with the part's specifications as measured, whether the part is the one measured:
    True, or a boolean per scenario)."""
    if not plan.anchor:
        return p, not plan.job_changed
    # (a copy of the same kind: one that records what is read (ReadInputs) records into the same set)
    anchored: dict[str, Any] = type(p)(p) if isinstance(p, KnownInputs) else dict(p)
    as_measured: Any = not plan.job_changed
    for key, value in plan.anchor:
        as_measured = as_measured & (p[key] == value)
        anchored[key] = value
    return anchored, as_measured


def _as_measured(plan: Plan, p: Mapping[str, Any], ops: Any) -> tuple[Any, Any, Any, Any]:
    """(the model's tokens/s on the part and job as measured at the run's count, the run's MFU there,
    whether the part and job are the ones measured, the accelerators that layout runs on): what a
    measured training run is carried from. The run's rate is a steady rate with every accelerator of
    the run computing, so the model's figure there is taken without failures: a scenario whose failures
    idle accelerators lowers the carried rate by the model's ratio, at the run's own count too."""
    anchored, as_measured = _anchored(plan, p)
    model_at, mfu_at, _, used_at = stage_throughput(
        plan, plan.anchor_stage or plan.stages[0], anchored, ops, count=float(plan.measured_count or 1), steady=True
    )
    if isinstance(anchored, KnownInputs) and isinstance(p, KnownInputs):
        p.missing.extend(k for k in anchored.missing if k not in p.missing)
    run_mfu = mfu_at * p[f"{plan.bench_key}.tokens_per_second"] / ops.where(model_at > 0, model_at, math.nan)
    return model_at, run_mfu, as_measured, used_at


def _training_throughput(plan: Plan, p: Mapping[str, Any], ops: Any) -> tuple[Any, Any, Any, Any, list[tuple[Any, Any]], Any]:
    """(tokens/s per accelerator over the whole job, its MFU and scaling efficiency (each stage's weighted by its
    time, as the rate is: a staged job's are not its main stage's alone), accelerator-
    seconds of the job ÷ n, per stage its seconds and the accelerators its layout runs on (idle
    ones neither compute nor interrupt that stage), and a measured run's own MFU on the part and job
    as measured, None without a measurement). A measurement for the workload comes first: the model only carries it to
    another count, by the ratio of its own predictions at the two counts (a given MFU is the same at
    every count, so then the measurement is used as it is)."""
    n = p["count"]
    measured = plan.throughput_source is ThroughputSource.measured
    at = float(plan.measured_count or 1)
    run_mfu: Any = None
    if measured:
        carried = n != at
        if bool(carried.any() if hasattr(carried, "any") else carried) and isinstance(p, KnownInputs):
            p[plan.stages[0].peak_key]  # the model carries the measurement to another count: it needs the peak
        model_at, run_mfu, as_measured, used_at = _as_measured(plan, p, ops)
        run = p[f"{plan.bench_key}.tokens_per_second"]
    seconds: Any = 0.0
    tokens: Any = 0.0
    mfu = eff = None
    per_stage: list[tuple[Any, Any]] = []
    for i, st in enumerate(plan.stages):
        tps, m, e, used = stage_throughput(plan, st, p, ops)
        if measured:
            # X_run · X_model / X_model(as measured): the ratio first, so a ratio of 1 gives the run exactly.
            scale = run / ops.where(model_at > 0, model_at, math.nan)
            tps, m = run * (tps / ops.where(model_at > 0, model_at, math.nan)), m * scale
            # A measurement above the peak on the part and job it was made on (MFU above 1) says nothing
            # anywhere. Carried to another count past the peak, it says nothing about that count (the model
            # cannot follow the scaling); carried to a faster part or a larger job, it reaches the peak at most.
            capped = (m > 1.0) & (not as_measured if isinstance(as_measured, bool) else ~as_measured)
            tps = ops.where((run_mfu > 1.0) | ((m > 1.0) & ~capped), math.nan, tps)
            tps = ops.where(capped, tps / ops.where(m > 0, m, 1.0), tps)
            m = ops.where(capped, 1.0, m)
        if i == 0 and measured:
            # Exactly, at its own count, on the part and job as measured, when the layout there runs as many
            # accelerators as the run did (failures that idle some carry it by the model's ratio instead).
            # (a peak the profile leaves unknown gives no MFU: the run stands at its own count all the same)
            exact = (n == at) & as_measured & ops.where(run_mfu > 1.0, False, True) & (used >= used_at)
            tps = ops.where(exact, run, tps)
        t = p[st.tokens_key]
        tokens = tokens + t
        here = t / (n * ops.where(tps > 0, tps, math.nan))
        seconds = seconds + here
        # (the job's MFU and efficiency are its stages' over the time each runs, as its rate is their tokens over it)
        mfu, eff = (m * here, e * here) if mfu is None else (mfu + m * here, eff + e * here)
        per_stage.append((here, n if used is None else used))
    # One stage: its own MFU and efficiency, known even when its token count is not.
    mfu, eff = (m, e) if len(plan.stages) == 1 else (mfu / seconds, eff / seconds)
    # One stage: its throughput, known even when its token count is not (only the time needs that).
    return (tps if len(plan.stages) == 1 else tokens / (n * seconds)), mfu, eff, seconds, per_stage, run_mfu


def evaluate_plan(plan: Plan, p: Mapping[str, Any], ops: Any = SCALAR) -> dict[str, Any]:
    """Every output of one option from the flat inputs ``p`` (floats, or numpy arrays with ``ops=numpy``).
    Delay, penalty, effective cost and rank come later, across options (:func:`apply_delay`)."""
    n = p["count"]
    out: dict[str, Any] = {"scaling_efficiency": 1.0}
    mfu: Any = None
    if plan.kind == "training":
        tps, mfu, eff, seconds, per_stage, run_mfu = _training_throughput(plan, p, ops)
        out["scaling_efficiency"] = eff
        if run_mfu is not None:  # (evaluate_option refuses a run above the peak on the part it was made on)
            out["measured_run_mfu"] = run_mfu
        # Each stage loses to failures of the accelerators its layout runs on (an idle accelerator's
        # failure does not stop it); the job's goodput is its compute time over its run time.
        # No useful time left (failures outpace progress): NaN, reported as infeasible.
        run_seconds: Any = 0.0
        g: Any = None
        g_least: Any = 1.0
        for here, used in per_stage:
            g = g_stage = perf.goodput_value(
                failure_rate=p["scenario.failure_rate_per_accelerator_day"],
                save_minutes=p["scenario.checkpoint_save_minutes"],
                restart_minutes=p["scenario.restart_minutes"],
                count=used,
                ops=ops,
            )
            run_seconds = run_seconds + here / ops.where(g_stage > 0, g_stage, math.nan)
            g_least = ops.minimum(g_least, g_stage)
        if len(per_stage) > 1:  # (one stage: its goodput, known even when its token count is not)
            # a stage that failures leave no useful time makes the job's goodput 0 (said as such), not unknown
            g = ops.where(g_least > 0, seconds / ops.where(run_seconds > 0, run_seconds, math.nan), 0.0)
        tokens = sum(p[st.tokens_key] for st in plan.stages)
        run_hours = run_seconds / 3600.0
        owned_hours = run_hours / p["scenario.utilization"]
        years = 1.0
        energy_hours = run_hours
        out.update(time_to_converge_hours=run_hours, goodput=g)
    else:
        k, batch = float(plan.replica), float(plan.batch)
        # The peak is needed for derived throughput; a measured run without it only lacks the MFU.
        peak: Any = p[plan.peak_key] if plan.throughput_source is ThroughputSource.derived else p.get(plan.peak_key)
        if plan.throughput_source is ThroughputSource.measured and plan.replica and plan.request is not None:
            tps = p[f"{plan.bench_key}.tokens_per_second"]
            if plan.anchor:
                # Carried from the part as measured to a changed part by the serving model's ratio: the
                # changed part at its replica and batch over the measured part at its own.
                _, as_measured = _anchored(plan, p)
                same_plan = plan.anchor_tokens_per_second  # (nan: the part as measured has no model figure)
                now = serving.figures(
                    plan.request, plan_serving_inputs(plan, p), replica=k, tensor=float(plan.tensor), batch=batch, ops=ops
                )["tokens_per_second"]
                ratio = now / same_plan if same_plan > 0 else math.nan * now
                tps = ops.where(as_measured, tps, tps * ratio)
        elif plan.replica == 0 or plan.request is None:
            # No replica could be planned: read the inputs it needs so they are reported missing.
            tps = p["accel.memory_gb"] * p["accel.memory_bandwidth_gbps"] * p[plan.peak_key] * math.nan
            k = 1.0
        else:
            sx = plan_serving_inputs(plan, p)
            f = serving.figures(plan.request, sx, replica=k, tensor=float(plan.tensor), batch=batch, ops=ops, z=plan.latency_z)
            tps = f["tokens_per_second"]
            out.update(time_per_output_token_ms=f["tpot"] * 1000.0, time_to_first_token_ms=f["ttft"] * 1000.0)
        out.update(replica_accelerators=plan.replica or None, batch=plan.batch or None)
        mfu = 2.0 * p[plan.active_key] * tps / (peak * 1e12) if peak is not None else None
        per_day = p["workload.tokens_per_day"]
        # An owned fleet serves the day's tokens in the share u of hours it is busy; a rented one always.
        busy = p["scenario.utilization"] if plan.acquisition is Acquisition.buy else 1.0
        fleet = ops.ceil(per_day / (86400.0 * busy) / tps / k) * k
        n = ops.maximum(fleet, k)  # ID@N fixes the replica; the fleet is sized in replicas
        years = p["workload.service_life_years"]
        run_hours = HOURS_PER_YEAR * busy
        owned_hours = HOURS_PER_YEAR
        tokens = per_day * 365.25
        # Energy follows the work done: each accelerator is busy tokens / (n · X) hours a year, which is
        # the utilization u when the fleet is exactly the demand's and less when it is rounded up to
        # whole replicas (a fleet's spare capacity draws no serving power).
        energy_hours = ops.minimum(tokens / (n * tps * 3600.0), run_hours)
        out.update(time_to_converge_hours=None, goodput=1.0 + 0.0 * tps, fleet_needed=fleet)
    out.update(count=n, tokens_per_second_per_accelerator=tps, mfu=mfu)
    # A bought part's energy and facility bills need its TDP; a rented one only lacks its power figure.
    # A rented fleet's power is in its rate: its TDP is needed only where emissions are priced.
    priced_carbon = p.get("scenario.carbon_usd_per_tonne", 0.0)
    needs_tdp = plan.acquisition is Acquisition.buy or bool(
        ops.maximum(priced_carbon, 0.0).max() > 0 if hasattr(priced_carbon, "max") else priced_carbon > 0
    )
    tdp = p["accel.tdp_w"] if needs_tdp else p.get("accel.tdp_w", math.nan)
    if plan.measured_power:
        measured_w = p[f"{plan.bench_key}.power_w"]
        avg_w, peak_w = measured_w, ops.maximum(tdp, measured_w)
    else:
        avg_w, peak_w = tdp * p["scenario.average_power_fraction"], tdp
    if plan.acquisition is Acquisition.rent:
        zero = 0.0 * tps
        rent = n * plan.usd(p, "accel.rental.usd_per_hour") * run_hours
        capex = capital = energy_kwh = energy = facility = ops_usd = zero
    else:
        k_pwr = p[plan.power_factor_key(p)]
        tiers = network_tiers(n, p["accel.interconnect.devices_per_node"], ops)
        per_tier = p[f"scenario.network_usd_per_accelerator_tier.{plan.fabric}"]
        price = plan.usd(p, "accel.price_usd")
        # (a server priced by its bill of materials reads no overhead factor: a factor set beside it is unread)
        server = p["accel.server_usd_per_accelerator"] + price if plan.server_bom_in(p) else price * p[plan.server_factor_key(p)]
        capex = n * (server + tiers * per_tier + plan.usd(p, "scenario.storage_usd_per_accelerator"))
        crf = capital_recovery_factor(p["scenario.cost_of_capital"], p["scenario.depreciation_years"], ops)
        capital = capex * crf * owned_hours / HOURS_PER_YEAR
        energy_kwh = n * avg_w * k_pwr * p["scenario.pue"] * energy_hours / 1000.0
        energy = energy_kwh * plan.usd(p, "scenario.electricity_usd_per_kwh")
        facility = n * peak_w * k_pwr / 1000.0 * plan.usd(p, "scenario.facility_usd_per_kw_month") * 12.0 * owned_hours / HOURS_PER_YEAR
        ops_usd = n * plan.usd(p, "scenario.operations_usd_per_accelerator_year") * owned_hours / HOURS_PER_YEAR
        rent = 0.0 * tps
    # Emissions: the grid's carbon intensity × the energy drawn (a rented fleet draws it too, billed in
    # the rate), plus the accelerators' embodied emissions amortized like their capital when known.
    k_pwr_any = p.get(plan.power_factor_key(p), math.nan)
    physical_kwh = n * avg_w * k_pwr_any * p["scenario.pue"] * energy_hours / 1000.0
    if plan.acquisition is Acquisition.rent:
        energy_kwh = physical_kwh  # drawn all the same; its cost is in the rate (energy_usd stays 0)
    carbon_price = p.get("scenario.carbon_usd_per_tonne", 0.0)
    # The grid's intensity is needed (an unknown one names itself) where carbon is priced; else only the
    # emissions figures need it, and they come out unknown.
    priced = bool(carbon_price.any()) if hasattr(carbon_price, "any") else carbon_price > 0
    grid_key = plan.grid_key_in(p)
    operational_kg = physical_kwh * (p[grid_key] if priced else p.get(grid_key, math.nan))
    embodied_kg = n * p.get("accel.embodied_kgco2e", math.nan) * owned_hours / (p["scenario.depreciation_years"] * HOURS_PER_YEAR)
    carbon = ops.where(
        carbon_price > 0, (operational_kg + ops.where(embodied_kg == embodied_kg, embodied_kg, 0.0)) / 1000.0 * carbon_price, 0.0
    )
    compute = capital + facility + ops_usd + energy + rent + carbon
    porting = p[plan.port_months_key] * plan.usd(p, "scenario.engineer_usd_per_year") / 12.0
    lead_days, deploy_days, port_days = 7.0 * p[plan.lead_key], 7.0 * p[plan.deploy_key], 7.0 * p[plan.port_weeks_key]
    ttm = lead_days + deploy_days + port_days + (run_hours / 24.0 if plan.kind == "training" else 0.0)
    accel_hours = n * run_hours * years
    owned_accel_hours = accel_hours if plan.acquisition is Acquisition.rent else n * owned_hours * years  # (rented: only while it runs)
    out.update(
        accelerator_hours=accel_hours,
        cost_per_accelerator_hour_usd=compute * years / accel_hours,
        cost_per_owned_accelerator_hour_usd=compute * years / owned_accel_hours,
        # (accelerator-hours × TDP, as publications quote it: a serving fleet's spare capacity counts at TDP, so for a
        # fleet rounded up past its demand this bound exceeds the all-in energy, which follows the work done)
        accelerator_energy_kwh=accel_hours * p.get("accel.tdp_w", math.nan) / 1000.0,
        power_w_per_accelerator=avg_w,
        lead_time_days=lead_days,
        deployment_days=deploy_days,
        porting_days=port_days,
        time_to_market_days=ttm,
        energy_kwh=energy_kwh * years,
        operational_emissions_kgco2e=operational_kg * years,
        embodied_emissions_kgco2e=embodied_kg * years,
        emissions_kgco2e=(operational_kg + embodied_kg) * years,
        carbon_usd=carbon * years,
        capex_usd=capex,
        capital_usd=capital * years,
        rent_usd=rent * years,
        energy_usd=energy * years,
        facility_usd=facility * years,
        operations_usd=ops_usd * years,
        porting_usd=porting,
        compute_cost_usd=compute * years,
        job_cost_usd=compute * years + porting,
        cost_per_million_tokens_usd=compute / tokens * 1e6,
        annual_cost_usd=compute if plan.kind == "inference" else None,
    )
    return out


COST_OF_DELAY = "scenario.cost_of_delay_usd_per_day"
"""The flat key of the cost of delay: unknown, it is needed only by the options that are late."""


SAME_DATE = 1e-12
"""Relative difference below which two times to market are the same date (:func:`apply_delay`)."""


def apply_delay(
    ttms: Sequence[Any],
    job_costs: Sequence[Any],
    scenario_p: Mapping[str, Any],
    ops: Any = SCALAR,
    deadline: bool = False,
    cod_rate: str | None = None,
) -> tuple[list[Any], list[Any], list[Any]]:
    """Delay (days), penalty and effective cost per option: delay behind the fastest option whose time
    to market is known, or past the deadline when the scenario has one. An unknown time to market (NaN)
    gives an unknown delay for that option only. ``cod_rate`` converts a cost of delay quoted in CNY/EUR."""
    if deadline:
        delays = [ops.maximum(t - scenario_p["scenario.deadline_days"], 0.0) for t in ttms]
    else:
        fastest = ttms[0]
        for t in ttms[1:]:
            fastest = ops.fmin(fastest, t)
        # A time to market within a few parts in 10^12 of the fastest is the same date reached by another float path
        # (529 and 530 accelerators whose one extra idles): a delay of 1.4e-14 days is rounding, not a day late.
        delays = [ops.where(t - fastest <= SAME_DATE * abs(fastest), 0.0 * t, t - fastest) for t in ttms]
    # An unknown cost of delay (NaN) leaves unknown only the penalties of options that are late: no delay
    # costs nothing at any rate.
    cod = scenario_p.get(COST_OF_DELAY, math.nan)
    if cod_rate:  # (an unknown rate, like an unknown cost of delay, leaves the late options' penalties unknown)
        cod = cod * scenario_p.get(cod_rate, math.nan)
    penalties = [ops.where(d == 0, 0.0, cod * d) for d in delays]
    return delays, penalties, [c + pen for c, pen in zip(job_costs, penalties, strict=True)]


def delay_unknowns(scenario: Scenario, scenario_p: Mapping[str, Any]) -> tuple[str, ...]:
    """The inputs a penalty for delay needs that ``scenario_p`` lacks (unknown): the cost of delay, and the
    exchange rate that converts one quoted in CNY or EUR. Every option that is late needs them."""
    rate = scenario_fx(scenario).get(COST_OF_DELAY)
    return tuple(k for k in (COST_OF_DELAY, rate) if k is not None and k not in scenario_p)


# --------------------------------------------------------------------------- scalar evaluation


class KnownInputs(dict[str, Any]):
    """Flat inputs that answer NaN for an unknown input and remember which were asked for.

    NaN propagates through the formulas, so exactly the figures that need an unknown input come out
    unknown, and every other figure of the option is still computed (issue: degrade per option)."""

    def __init__(self, base: Mapping[str, Any]) -> None:
        super().__init__(base)
        self.missing: list[str] = []

    def __missing__(self, key: str) -> float:
        if key not in self.missing:
            self.missing.append(key)
        return math.nan


class ReadInputs(KnownInputs):
    """:class:`KnownInputs` that also remember every input asked for, known or not (by ``p[key]``,
    ``p.get(key)`` or ``key in p``): what an option's evaluation reads (:func:`inputs_read`). Only for
    that check, once per option: a read through it is slower than a plain dict's."""

    def __init__(self, base: Mapping[str, Any]) -> None:
        super().__init__(base)
        self.read: set[str] = base.read if isinstance(base, ReadInputs) else set()  # (a copy records into the same set)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


PLAN_FREE = frozenset(
    {f"scenario.{k}" for k in SCENARIO_MONEY}
    | {f"accel.{k}" for k in ACCELERATOR_MONEY}
    | {"scenario.cost_of_capital", "scenario.economic_depreciation_oom_per_year", "scenario.depreciation_years"}
    | {"scenario.usd_per_cny", "scenario.usd_per_eur", "scenario.deadline_days", "scenario.carbon_usd_per_tonne"}
    | {"scenario.server_overhead_factor", "accel.server_overhead_factor", "accel.server_usd_per_accelerator"}
    | {"scenario.pue", "scenario.power_overhead_factor", "accel.power_overhead_factor", "scenario.average_power_fraction", "accel.tdp_w"}
    | {"scenario.grid_kgco2e_per_kwh", "workload.service_life_years", "workload.training_tokens"}
    | {"scenario.deployment_weeks", "scenario.rental_setup_weeks", "accel.lead_time_weeks", "accel.rental.lead_time_weeks"}
)
"""Flat inputs whose value no plan reads: money, power and carbon, the weeks to market and a training job's
tokens (and each stage's, :func:`plan_free`). A plan chooses a layout, batch, replica and memory fit from the
part's memory, bandwidth, peaks and links, the job's shape, sequence and batch, the failure inputs (layouts are
judged by goodput) and, for an owned serving fleet, the demand and utilization; none of these. An analysis
need not plan again to vary one (an MoE job's plan takes a tenth of a second); tests/test_session40.py plans
each at a thousandth and a thousand times its value."""

PLAN_FREE_TABLES = ("scenario.network_usd_per_accelerator_tier.", "scenario.grid_kgco2e_per_kwh_by_market.", "scenario.porting.")
"""Prefixes of keyed tables in :data:`PLAN_FREE`: network money per fabric tier, grid carbon per market, porting
weeks and engineer-months per maturity."""


def plan_free(flat: str, kind: str = "") -> bool:
    """Whether no plan reads the flat input ``flat`` (:data:`PLAN_FREE`, :data:`PLAN_FREE_TABLES`); given the
    plan's ``kind``, also the utilization for training (only an owned serving fleet's demand reads it)."""
    flat = flat.removesuffix(".value")
    stage_tokens = flat.startswith("workload.stages[") and flat.endswith("].tokens")
    training_only = kind == "training" and flat == "scenario.utilization"
    return flat in PLAN_FREE or flat.startswith(PLAN_FREE_TABLES) or stage_tokens or training_only


def searched_per_scenario(flat: str) -> bool:
    """Whether a held plan gives, for the flat input ``flat``, the figures a new plan would: the global batch (the
    workload's or a stage's), which the layout search takes afresh in each scenario (a plan's shortlist of layouts
    holds only at the batch it was chosen at)."""
    return flat.startswith("workload.") and flat.removesuffix(".value").endswith("global_batch_tokens")


RUN_INPUTS = frozenset(
    {COST_OF_DELAY, "scenario.deadline_days", *RATE_KEYS.values(), "scenario.cost_of_capital"}
    | {"scenario.economic_depreciation_oom_per_year"}
)
"""Inputs a run reads across its options, outside any one option's evaluation: the cost of delay and the
deadline (the delay penalty), the exchange rates (``--currency``, money quoted in CNY or EUR), the cost of
capital and the economic depreciation (the cash flow's discounting and residual value)."""


def inputs_read(option: Option, workload: Workload, scenario: Scenario) -> frozenset[str] | None:
    """The flat inputs (``accel.price_usd``, ``scenario.pue``, ``count``, ...) that the evaluation of one
    option's plan asks for: an input it never asks for changes none of its figures, whatever its value,
    while the plan stays the same (the plan reads the profiles themselves: compare plans to know). None
    when the option cannot be planned or evaluated: then any input may be what stops it."""
    try:
        plan = plan_option(option, workload, scenario, market=False)
        p = ReadInputs(numeric_inputs(option, workload, scenario))
        evaluate_plan(plan, p)
    except (ArithmeticError, TcoError):
        return None
    return frozenset(p.read)


def missing_errors(plan: Plan, keys: Sequence[str]) -> list[TcoError]:
    """One error per unknown input, naming it and how to give it."""
    out: list[TcoError] = []
    for key in keys:
        try:
            if key.startswith("accel."):
                perf.require(None, key.removeprefix("accel."), profile=plan.accel_id)
            elif key.startswith("scenario.porting"):
                perf.require(
                    None,
                    key.removeprefix("scenario."),
                    profile="scenario",
                    how=f"--set {plan.accel_id}.software.porting_weeks=..., or the scenario's [porting] table",
                )
            else:
                perf.require(None, key.split(".", 1)[1], profile=key.split(".", 1)[0])
        except TcoError as exc:
            out.append(exc)
    return out


def check_required(plan: Plan, p: Mapping[str, Any]) -> None:
    """Raise for every unknown input this option needs, all at once (one line each)."""
    missing = missing_errors(plan, [key for key, _ in plan.required_keys() if key not in p])
    if len(missing) == 1:
        raise missing[0]
    if missing:
        raise ProblemList(missing)


@dataclass(frozen=True)
class Evaluated:
    """One option evaluated on its own: its plan, outputs (NaN where unknown) and the unknown inputs."""

    plan: Plan
    out: dict[str, Any]
    missing: tuple[str, ...]  # flat keys
    inputs: Mapping[str, Any] = field(default_factory=dict)  # the flat inputs evaluated (a result's stages read them)

    @property
    def rankable(self) -> bool:
        """Its job cost and time to market are known: an input only another figure needs leaves it ranked."""
        cost, ttm = float(self.out["job_cost_usd"]), float(self.out["time_to_market_days"])
        return cost == cost and ttm == ttm


def _measurement_count(option: Option, workload: Workload) -> tuple[str, str]:
    """(what a refusal of a measured run adds where the measurement states no count, the key it names): a run's
    stated count is ``benchmarks[W].accelerator_count``; a run that states none is taken on one node."""
    bench = option.accelerator.benchmark_for(workload.id)
    if bench is not None and bench.accelerator_count is not None:
        return "", f"benchmarks[{workload.id}].accelerator_count"
    return " (the measurement states no count: one node)", "interconnect.devices_per_node"


def too_few_text(workload_id: str, count: int, accel_id: str, need: int) -> str:
    """Why ``count`` accelerators cannot train the workload: its training state needs ``need`` of them
    (compare's reason, and a sweep's at each point a count or memory too small)."""
    return (
        f"{workload_id} does not fit in memory on {count} × {accel_id}: training state needs at least "
        f"{need} accelerators (give a count with {accel_id}@{need})"
    )


def no_goodput_text(count: float, accel_id: str, rate: float, save: float, restart: float) -> str:
    """Why a training job cannot finish: failures leave its accelerators no useful time (compare's reason, and a
    sweep's at each point a failure rate, checkpoint save or restart time that high)."""
    return (
        f"failures leave no useful time on {int(count)} × {accel_id}: goodput is 0 at "
        f"{rate:g} interruptions per accelerator-day, {save:g}-minute checkpoint saves and {restart:g}-minute restarts"
    )


def too_many_text(tokens_per_day: float, count: float, accel_id: str) -> str:
    """Why a serving demand cannot be met: it needs more accelerators than the model takes."""
    return (
        f"serving {tokens_per_day:,.4g} tokens a day needs {_count_text(count)} × {accel_id}, "
        f"more than the {MAX_ACCELERATORS:,} accelerators the model takes"
    )


SERVING_RATE = (
    "accel.memory_bandwidth_gbps",
    "accel.memory_gb",
    "accel.interconnect.bandwidth_gbps",
    "accel.matmul_efficiency",
    "workload.parameters",
    "workload.active_parameters",
    "workload.precision",
    "workload.seq_len",
    "workload.shape",
    "workload.prompt_tokens",
    "workload.output_tokens",
    "workload.max_batch",
    "workload.time_per_output_token_ms",
    "workload.time_to_first_token_ms",
    "workload.latency_percentile",
    "workload.tuning",
)
"""Inputs a serving rate per accelerator follows from (the part's as ``accel.``, with the peak and a measured rate)."""


def _serving_rate_causes(plan: Plan) -> tuple[str, ...]:
    """:data:`SERVING_RATE` for ``plan``, the part's inputs as the paths a --set gives (``h100-sxm.memory_gb``)."""
    measured = (f"{plan.bench_key}.tokens_per_second",) if plan.bench_key is not None else ()
    return tuple(plan.user_path(k) for k in (*measured, plan.peak_key, *SERVING_RATE))


TRAINING_RATE = (
    "accel.matmul_efficiency",
    "accel.attention_efficiency",
    "accel.memory_gb",
    "accel.memory_bandwidth_gbps",
    "accel.interconnect",
    "workload.parameters",
    "workload.active_parameters",
    "workload.precision",
    "workload.seq_len",
    "workload.shape",
    "workload.global_batch_tokens",
    "workload.tuning",
    "workload.attention_kernel",
    "workload.parallelism",
    "workload.pipeline_schedule",
    "workload.mfu",
    "workload.layout",
    "workload.load_imbalance",
    "workload.experts",
    "workload.experts_per_token",
    "scenario.failure_rate_per_accelerator_day",
    "scenario.checkpoint_save_minutes",
    "scenario.restart_minutes",
)
"""Inputs a training run's rate per accelerator follows from (the part's as ``accel.``, with its peaks and a
measured rate), its goodput's included."""


def run_length_causes(plan: Plan) -> tuple[str, ...]:
    """What a training run's length follows from besides its main stage's tokens, as the paths a --set gives: the
    further stages, the count, and the rate per accelerator (each stage's peak, a measured rate, :data:`TRAINING_RATE`)."""
    measured = (f"{plan.bench_key}.tokens_per_second",) if plan.bench_key is not None else ()
    peaks = tuple(dict.fromkeys(st.peak_key for st in plan.stages)) or (plan.peak_key,)
    return tuple(plan.user_path(k) for k in ("workload.stages", "workload.accelerator_count", *measured, *peaks, *TRAINING_RATE))


def _count_text(count: float) -> str:
    """A count past the bound, in full while it is near it (1,000,000,008, not 1e+09), else as 1.2e+15."""
    return f"{count:,.0f}" if count < 1e15 else f"{count:.4g}"


def _mfu_text(mfu: float) -> str:
    """An MFU above 1 as a message shows it: 18.02, then 1.8e+200 past a million (not 200 digits), and
    'far above 1' when the arithmetic overflowed (as the published-run check writes it)."""
    return f"{mfu:,.2f}" if mfu < 1e6 else f"{mfu:.3g}" if math.isfinite(mfu) else "far above 1"


def evaluate_option(option: Option, workload: Workload, scenario: Scenario, *, market: bool = True, fleet_limit: bool = True) -> Evaluated:
    """Outputs of one option, before delay and ranking. Raises :class:`InfeasibleError` when the option
    cannot run the workload; unknown inputs do not raise (they are listed in ``missing``). ``fleet_limit``:
    a serving demand that needs more than :data:`tco.models.MAX_ACCELERATORS` raises (an estimate, whose
    demand is unbounded on purpose, turns it off)."""
    plan = plan_option(option, workload, scenario, market=market)
    p = KnownInputs(numeric_inputs(option, workload, scenario))
    try:
        out = evaluate_plan(plan, p)
    except (ZeroDivisionError, OverflowError) as exc:  # inputs at the ends of the float range
        raise InfeasibleError(
            f"the inputs give no finite result for {option.label} ({exc}): a value set near the limits of a float "
            "(1e308 or 1e-300) overflows the arithmetic",
            where=option.accelerator.id,
        ) from None
    if out["goodput"] <= 0:
        # G = 1 − A·√n − B·n: the failure rate is in both losses (the input G is most sensitive to); the save and
        # restart times are causes too (a --set of one, or a scenario file that writes only one, is blamed).
        rate, save = p["scenario.failure_rate_per_accelerator_day"], p["scenario.checkpoint_save_minutes"]
        restart = p["scenario.restart_minutes"]
        raise InfeasibleError(
            no_goodput_text(out["count"], option.accelerator.id, rate, save, restart),
            where="scenario",
            key="failure_rate_per_accelerator_day",
            also=("scenario.checkpoint_save_minutes", "scenario.restart_minutes"),
        )
    measured_mfu = out["mfu"] if plan.kind == "training" and plan.throughput_source is ThroughputSource.measured else None
    # (a run's MFU needs only the run, the part's peak and the job: an unknown price or lead time elsewhere
    # does not hide it, or completing that input would only then reveal the run as impossible)
    if measured_mfu is not None:
        run_mfu = out["measured_run_mfu"]
        if run_mfu > 1.0:  # the run itself, on the part and job it was made on (NaN when an input it needs is unknown)
            st = plan.anchor_stage or plan.stages[0]
            peak = dict(plan.anchor).get(st.peak_key, p[st.peak_key])
            as_published = bool(plan.anchor) and st.peak_key in dict(plan.anchor) and peak != p[st.peak_key]
            raise InfeasibleError(
                f"the measured {p[f'{plan.bench_key}.tokens_per_second']:,.6g} tokens/s per accelerator on {workload.id} implies "
                f"MFU {_mfu_text(run_mfu)} (> 1) of the {peak:,.6g} TFLOPS peak ({plan.user_path(st.peak_key)}"
                + (" as published" if as_published else "")
                + "): more than the part can compute; check the measurement and the peak",
                where=option.accelerator.id,
                key=f"benchmarks[{workload.id}].tokens_per_second",
                # (a --set of the peak takes the blame only where the MFU was taken against it)
                also=() if as_published else (st.peak_key.removeprefix("accel."),),
            )
    served_mfu = out["mfu"] if plan.kind == "inference" and plan.throughput_source is ThroughputSource.measured else None
    if served_mfu is not None and served_mfu > 1.0:  # (None where the peak is unknown: the option is incomplete, not refused)
        # Each generated token costs at least 2 · N_active FLOPs: a measured rate above peak / (2 · N_active)
        # per accelerator is more than the part can compute, whatever its batch.
        raise InfeasibleError(
            f"the measured {p[f'{plan.bench_key}.tokens_per_second']:,.6g} generated tokens/s per accelerator on {workload.id} "
            f"implies MFU {_mfu_text(out['mfu'])} (> 1) of the {p[plan.peak_key]:,.6g} TFLOPS peak ({plan.user_path(plan.peak_key)}): "
            "more than the part can compute (2 FLOPs per active parameter per token); check the measurement and the peak",
            where=option.accelerator.id,
            key=f"benchmarks[{workload.id}].tokens_per_second",
            also=(plan.peak_key.removeprefix("accel."),),
        )
    if fleet_limit and plan.kind == "inference" and out["count"] == out["count"] and out["count"] > MAX_ACCELERATORS:
        owned = option.acquisition is not Acquisition.rent  # (a rented fleet is sized at full use: u = 1)
        raise InfeasibleError(
            too_many_text(p["workload.tokens_per_day"], out["count"], option.accelerator.id)
            + (
                f" (at utilization {p['scenario.utilization']:.4g}); give a smaller demand or a higher utilization"
                if owned
                else "; give a smaller demand"
            ),
            where=workload.id,
            key="tokens_per_day",
            # (an owned fleet is demand ÷ utilization: a --set or file of either; and ÷ the rate per accelerator: a
            # --set of the part or the model that lowered it is the cause, not the file's demand)
            also=(*(("scenario.utilization",) if owned else ()), *_serving_rate_causes(plan)),
        )
    carried_mfu = measured_mfu
    if (
        carried_mfu is not None
        and carried_mfu > 1.0
        and out["tokens_per_second_per_accelerator"] != out["tokens_per_second_per_accelerator"]
    ):
        unstated, count_key = _measurement_count(option, workload)
        raise InfeasibleError(
            f"the measured {p[f'{plan.bench_key}.tokens_per_second']:,.6g} tokens/s on {plan.measured_count:,} accelerators"
            + unstated
            + f", carried to {int(out['count']):,} by the model's scaling, implies MFU {_mfu_text(carried_mfu)} (> 1): the model "
            f"cannot follow the job from {plan.measured_count:,} to {int(out['count']):,} accelerators; check the measurement's count",
            where=option.accelerator.id,
            key=count_key,
        )
    missing = needed(plan, p, out)
    if not missing and not math.isfinite(out["job_cost_usd"]):
        if measured_mfu is not None and out["measured_run_mfu"] != out["measured_run_mfu"]:
            # (the model's rate at the run's own count is 0: no layout of the job fits there, so the ratio that
            # carries the run to this count is no number; the run, or the count it states, is at odds with the model)
            unstated, count_key = _measurement_count(option, workload)
            raise InfeasibleError(
                f"the measured {p[f'{plan.bench_key}.tokens_per_second']:,.6g} tokens/s on {plan.measured_count:,} × "
                f"{option.accelerator.id}"
                + unstated
                + f" cannot be carried to {int(out['count']):,}: no layout of {workload.id} fits on {plan.measured_count:,} × "
                f"{option.accelerator.id} in the model; check the measurement's count",
                where=option.accelerator.id,
                key=count_key,
            )
        if option.quoted_rate is not None:  # the rate typed in the option, not the profile file, is at fault
            raise InfeasibleError(f"the quoted rate {option.quoted_rate:g} $/h gives no finite cost", where=option.label)
        extreme = _extreme_input(p)
        if extreme is None:
            raise InfeasibleError(f"the inputs give no finite cost for {option.label}", where=option.accelerator.id)
        path, value = extreme
        scope, _, key = path.partition(".")
        whose = f" for {option.label}" if scope == "accel" else ""  # (a shared input's problem is every option's)
        raise InfeasibleError(
            f"the inputs give no finite cost{whose}: {key} = {value:g} overflows the arithmetic",
            where={"accel": option.accelerator.id, "workload": workload.id}.get(scope, scope),
            key=key,
        )
    return Evaluated(plan, out, missing, p)


def _stage_results(plan: Plan, p: Mapping[str, Any]) -> tuple[StageResult, ...]:
    """Each stage of a staged training job on its own: the job evaluated with only that stage's tokens (one,
    for a stage of none, to give its rate), so its rate is the stage's own and its time the stage's share of the
    job's; empty for a one-stage job or serving. Its layout is the one chosen for it (none beside a measured rate
    or a given MFU, as the job's)."""
    if plan.kind != "training" or len(plan.stages) < 2:
        return ()
    modelled = plan.throughput_source is ThroughputSource.derived and plan.mfu_key is None
    out = []
    for st in plan.stages:
        tokens = p[st.tokens_key]
        q = KnownInputs(p)
        for other in plan.stages:
            q[other.tokens_key] = 0.0
        q[st.tokens_key] = tokens if tokens > 0 else 1.0  # (NaN, unknown, is no > 0: its rate still comes out)
        figures = evaluate_plan(plan, q)
        hours = figures["time_to_converge_hours"] if tokens > 0 else 0.0 if tokens == 0 else math.nan
        out.append(
            StageResult(
                name=st.name,
                tokens=_known(tokens),
                seq_len=st.job.seq_len,
                precision=st.precision,
                tokens_per_second_per_accelerator=_known(figures["tokens_per_second_per_accelerator"]),
                time_to_converge_hours=_known(hours),
                layout=dict(st.layout) if st.layout and modelled else None,
            )
        )
    return tuple(out)


def _extreme_input(p: Mapping[str, Any]) -> tuple[str, float] | None:
    """The likely cause of a cost that overflows: the largest input above 1e100 (a value set near 1e308),
    else the smallest below 1e-100 (a rate something is divided by); None if no input is that far from 1."""
    far: tuple[float, str, float] | None = None
    for path, v in p.items():
        if not path.startswith(("accel.", "workload.", "scenario.")) or not isinstance(v, float | int) or isinstance(v, bool):
            continue
        if v and math.isfinite(v) and abs(math.log10(abs(v))) >= 100:
            rank = 1000.0 + math.log10(abs(v)) if abs(v) > 1 else -math.log10(abs(v))  # (any large one before a tiny one)
            if far is None or rank > far[0]:
                far = (rank, path, float(v))
    return None if far is None else (far[1], far[2])


def overflow_cause(option: Option, workload: Workload, scenario: Scenario) -> tuple[str, str | None, float | None]:
    """(file or scope, key, value) of the input an option's overflowing figures are blamed on: the one furthest
    from 1 (:func:`_extreme_input`), in the accelerator's file, the workload's or the scenario; the accelerator's
    file with no key and no value when no input is that far (a value set near 1e308 overflowed)."""
    extreme = _extreme_input(numeric_inputs(option, workload, scenario))
    if extreme is None:
        return option.accelerator.id, None, None
    path, value = extreme
    scope, _, key = path.partition(".")
    return {"accel": option.accelerator.id, "workload": workload.id}.get(scope, scope), key, value


def overflow_reason(option: Option, workload: Workload, scenario: Scenario) -> str:
    """Why an option whose effective cost overflows is not ranked, naming :func:`overflow_cause`'s input."""
    _, key, value = overflow_cause(option, workload, scenario)
    cause = "a value set near 1e308" if value is None else f"{key} = {show_number(value)}"
    return f"its effective cost overflows a float (above 1.8e308 USD): {cause}"


def needed(plan: Plan, p: KnownInputs, out: Mapping[str, Any]) -> tuple[str, ...]:
    """The unknown inputs the outputs depend on: of those the formulas asked for, the ones whose value
    changes an output (unknown, the output is NaN; given, at 1 or at 1,000, it is not). A branch not
    taken can ask for an input it does not use: the server overhead factor of a part priced by its
    bill of materials, the load imbalance of a dense model."""
    if not p.missing or not math.isfinite(out["job_cost_usd"]):
        return tuple(p.missing)  # (a cost that stays unknown: every input asked for may be the cause)
    keep: list[str] = []
    for key in p.missing:
        for value in (1.0, 1000.0):
            q = KnownInputs(p)
            q[key] = value
            try:
                probe = evaluate_plan(plan, q)
            except (ArithmeticError, TcoError):
                keep.append(key)
                break
            if not all(_same(probe.get(k), out.get(k)) for k in out):
                keep.append(key)
                break
    return tuple(keep)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (a != a and b != b)
    return bool(a == b)


def _shown_infeasible(row: OptionResult, why: str) -> OptionResult:
    """A result whose figures are still shown but that is not ranked, saying why. It needs no input:
    none would make it rankable (the market bars it, or its figures overflow)."""
    notes = [n for n in row.notes if not n.startswith("not ranked: needs ")]
    return row.model_copy(
        update={"status": OptionStatus.infeasible, "reason": why, "missing_inputs": [], "notes": [*notes, f"infeasible: {why}"]}
    )


OVERFLOW_NOTE = " a float (above 1.8e308), shown as unknown: "
"""How a result's note says which of its figures overflowed (shown as unknown, "—", as a figure whose input is missing)
and the input furthest from 1 that made it: ``cost_per_million_tokens_usd overflows a float ...``."""


def _known(v: Any) -> float | None:
    """A figure for the result: unknown (NaN) or unbounded (an overflow of absurd inputs) is None."""
    return None if v is None or not math.isfinite(v) else float(v)


def _result(ev: Evaluated, delay: float, penalty: float, effective: float, rank: int | None) -> OptionResult:
    plan, out = ev.plan, ev.out
    fields = {k: _known(out[k]) for k in OptionResult.model_fields if k in out and k not in ("accelerator", "count")}
    count = _known(out["count"])
    notes = list(plan.notes)
    overflowed = [k for k in fields if isinstance(out[k], float) and math.isinf(out[k])]
    if overflowed and math.isfinite(out["job_cost_usd"]):  # (a job cost that overflows is not ranked, and says why)
        # a figure past the floats is shown unknown, as one whose input is missing: which, and why, said here
        extreme = _extreme_input(ev.inputs)
        cause = "a value set near 1e308" if extreme is None else f"{plan.user_path(extreme[0])} = {show_number(extreme[1])}"
        notes.append(f"{', '.join(overflowed)} overflow{'s' if len(overflowed) == 1 else ''}{OVERFLOW_NOTE}{cause}")
    if ev.missing:  # (ranked all the same where its cost and time to market do not need them)
        unknown = ", ".join(plan.user_path(k) for k in ev.missing)
        notes.append(f"not ranked: needs {unknown}" if rank is None else f"unknown: {unknown} (the figures that need it are blank)")
    return OptionResult(
        accelerator=plan.label,
        name=plan.name,
        acquisition=plan.acquisition,
        status=OptionStatus.ranked if rank is not None else OptionStatus.incomplete,
        missing_inputs=[plan.user_path(k) for k in ev.missing],
        count=int(count) if count is not None else None,
        throughput_source=plan.throughput_source,
        delay_days=_known(delay),
        delay_penalty_usd=_known(penalty),
        effective_cost_usd=_known(effective),
        rank=rank,
        notes=notes,
        layout=reported_layout(plan),
        stages=list(_stage_results(plan, ev.inputs)) or None,  # (for a result only: the checks of an option need none)
        **fields,
    )


def _infeasible(option: Option, exc: TcoError) -> OptionResult:
    blank: dict[str, Any] = {k: None for k, f in OptionResult.model_fields.items() if f.is_required()}
    blank.update(accelerator=option.label, name=option.accelerator.name, acquisition=option.acquisition)
    return OptionResult(**blank, status=OptionStatus.infeasible, reason=exc.message, notes=[f"infeasible: {exc.message}"])


def _claims(accel: Accelerator, result: OptionResult, training: bool) -> dict[str, Any]:
    rel = accel.relative_training_performance
    notes = list(result.notes)
    if training and accel.training_note:
        notes.append(f"training note: {accel.training_note.rstrip('.')}")
    return {
        "maturity": accel.software.maturity.value,
        "claimed_relative_training_performance": rel.value if rel is not None else None,
        "claimed_relative_training_performance_low": rel.low if rel is not None else None,
        "claimed_relative_training_performance_high": rel.high if rel is not None else None,
        "notes": notes,
    }


def compare(
    *, options: Sequence[Option], workload: Workload, scenario: Scenario, baseline: str | None = None, unranked_ok: bool = False
) -> Comparison:
    """Evaluate every option, apply the delay penalty and rank by effective cost (ties keep input order).

    An option that cannot run the workload is reported as infeasible with its reason; one that lacks an
    input gets every figure that does not need it and is left out of the ranking when its effective
    cost is unknown. Raises when no option can run the workload, and when none can be ranked unless
    ``unranked_ok`` (then every option is shown with the figures its known inputs give, and none wins)."""
    if not options:
        raise InputError("no accelerator to compare")
    labels = [o.label for o in options]
    if baseline is not None and baseline not in labels:
        raise InputError(f"baseline '{baseline}' is not one of the compared options: {', '.join(labels)}", key="--baseline")
    evaluated: list[Evaluated | TcoError] = []
    barred: dict[int, TcoError] = {}
    for i, o in enumerate(options):
        try:
            check_market(o, scenario)
        except InfeasibleError as exc:
            barred[i] = exc
        try:
            evaluated.append(evaluate_option(o, workload, scenario, market=False))
        except InfeasibleError as exc:
            evaluated.append(exc)
    ok = [(i, e) for i, e in enumerate(evaluated) if isinstance(e, Evaluated) and i not in barred]
    if not ok:
        errors: list[TcoError] = []
        for i, e in enumerate(evaluated):
            if i in barred:
                errors.append(barred[i])
            elif isinstance(e, TcoError):
                errors.append(e)
        raise errors[0] if len(errors) == 1 else ProblemList(errors)
    sp = numeric_inputs(options[0], workload, scenario)
    delays, penalties, effective = apply_delay(
        [e.out["time_to_market_days"] for _, e in ok],
        [e.out["job_cost_usd"] for _, e in ok],
        sp,
        deadline=scenario.deadline_days is not None and scenario.deadline_days.value is not None,
        cod_rate=scenario_fx(scenario).get(COST_OF_DELAY),
    )
    unknown = delay_unknowns(scenario, sp)
    if unknown:  # an option that is late is not ranked, and says it needs them
        ok = [
            (i, replace(e, missing=(*e.missing, *(k for k in unknown if k not in e.missing))) if penalties[j] != penalties[j] else e)
            for j, (i, e) in enumerate(ok)
        ]
    # An effective cost past the largest float (a value set near 1e308) cannot be ranked: infeasible, said why.
    overflowed = {j for j in range(len(ok)) if effective[j] == math.inf}
    rankable = [j for j in range(len(ok)) if effective[j] == effective[j] and j not in overflowed]
    if not rankable:
        problems = [err for _, e in ok for err in missing_errors(e.plan, e.missing)]
        if not problems:  # nothing unknown: the figures themselves overflowed
            _, first = ok[0]
            names = {"time_to_market_days": "time to market", "job_cost_usd": "job cost"}
            unbounded = [name for k, name in names.items() if not math.isfinite(first.out[k])]
            what = f" ({' and '.join(unbounded)} unbounded)" if unbounded else " (the delay penalty is unbounded)"
            where, key, value = overflow_cause(options[ok[0][0]], workload, scenario)
            if value is None:
                raise InfeasibleError(
                    f"the inputs give no finite effective cost for {options[ok[0][0]].label}{what}: a value set near the "
                    "largest float (1e308) overflows the arithmetic",
                    where=where,
                )
            # (as a job cost that overflows: the input that far from 1 is named)
            whose = f" for {options[ok[0][0]].label}" if where == options[ok[0][0]].accelerator.id else ""
            raise InfeasibleError(
                f"the inputs give no finite effective cost{whose}{what}: {key} = {value:g} overflows the arithmetic",
                where=where,
                key=key,
            )
        if not unranked_ok:
            problems = list({(e.where, e.key, e.message): e for e in problems}.values())  # a shared input's problem once
            raise problems[0] if len(problems) == 1 else ProblemList(problems)
    order = sorted(rankable, key=lambda j: effective[j])
    rank = {j: k + 1 for k, j in enumerate(order)}
    by_index: dict[int, OptionResult] = {}
    for j, (i, e) in enumerate(ok):
        by_index[i] = _result(e, delays[j], penalties[j], effective[j], rank.get(j))
        if j in overflowed:
            by_index[i] = _shown_infeasible(by_index[i], overflow_reason(options[i], workload, scenario))
    for i, failed in enumerate(evaluated):
        if isinstance(failed, TcoError):
            # the market's rule first: a part this market may not have is not made possible by any input
            by_index[i] = _infeasible(options[i], barred.get(i, failed))
        elif i in barred:
            # Barred from this market: its figures are still shown, it is not ranked.
            by_index[i] = _shown_infeasible(_result(failed, math.nan, math.nan, math.nan, None), barred[i].message)
    results = [
        by_index[i].model_copy(update=_claims(options[i].accelerator, by_index[i], workload.kind == "training"))
        for i in range(len(options))
    ]
    status_order = {OptionStatus.ranked: 0, OptionStatus.incomplete: 1, OptionStatus.infeasible: 2}
    results.sort(key=lambda r: (status_order[r.status], r.rank or 0))
    base = baseline or next((r.accelerator for r in results if r.accelerator == labels[0] and r.rank is not None), None)
    base = base or next((r.accelerator for r in results if r.rank is not None), None)
    return Comparison(
        workload=workload.id, workload_kind=workload.kind, tuning=workload.tuning, scenario=scenario.id, baseline=base, results=results
    )


def in_currency(comp: Comparison, currency: Currency, scenario: Scenario) -> Comparison:
    """The comparison with every money figure (``*_usd``) expressed in ``currency`` at the scenario's rate."""
    if currency is Currency.USD:
        return comp
    key = RATE_KEYS[currency]
    rate = usd_per_unit(currency, scenario)
    if rate is None:
        raise MissingInputError(
            f"--currency {currency.value} needs the exchange rate {key.removeprefix('scenario.')}; give it with --set {key}=VALUE",
            where="scenario",
            key=key.removeprefix("scenario."),
        )
    results = []
    for r in comp.results:
        update = {k: v / rate for k, v in r.model_dump().items() if k.endswith("_usd") and isinstance(v, float)}
        over = next((k for k, v in update.items() if math.isinf(v) and math.isfinite(getattr(r, k))), None)
        if over is not None:
            raise InputError(
                f"{getattr(r, over):.6g} USD of {r.option}'s {over.removesuffix('_usd')} at {rate:.6g} USD per {currency.value} "
                f"overflows a float in {currency.value}: give a larger rate",
                where="scenario",
                key=key.removeprefix("scenario."),
            )
        results.append(r.model_copy(update=update))
    return comp.model_copy(update={"results": results, "currency": currency})
