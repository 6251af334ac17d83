"""Derived performance model: FLOPs per token, MFU defaults, scaling, goodput, memory fit, roofline.

Pure functions of the input models; no I/O. Formulas and their sources (see the README's
"Throughput model" section and ``shared/reference/cost-model.md`` §3):

* training FLOPs per token ``F = 6·N_active + 12·L·d·s`` (Kaplan et al. 2020; attention term from
  PaLM, Chowdhery et al. 2022, App. B);
* tokens/s per accelerator ``X = peak · MFU · η(n) / F``;
* scaling ``η(n) = e_d ^ log2(n / n_node)`` for ``n > n_node`` (cost-model §3.3);
* goodput ``G = 1 − T_s/T_c − (T_c/2 + T_r)/M`` with ``M = 1/(λ·n)`` and Young's interval
  ``T_c = sqrt(2·M·T_s)`` (Young 1974; cost-model §3.4);
* training memory ``16·N/n + activations`` (mixed-precision Adam, ZeRO-3 sharded; Rajbhandari et al.
  2020) with activations under full recomputation ``(2·s·d·L + 34·s·d)/t`` bytes per sequence,
  split over a tensor-parallel group of ``t = min(n, devices per node)`` (Korthikanti et al. 2022);
* inference decode step ``max((W + B·KV)/(k·BW·e_bw), 2·N_active·B/(k·peak·MFU))`` (roofline,
  cost-model §1.2.9), at the largest batch B that fits memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tco.errors import InfeasibleError, MissingInputError
from tco.models import (
    BYTES_PER_PARAM,
    Accelerator,
    InferenceWorkload,
    InterconnectClass,
    Maturity,
    Precision,
    Quantity,
    Scenario,
    TrainingWorkload,
)

HOURS_PER_YEAR = 8766.0
"""365.25 days × 24 h, as Epoch AI uses (cost-model §4.3)."""

TRAINING_BYTES_PER_PARAM = 16.0
"""Mixed-precision Adam: fp16 weights 2 + grads 2 + fp32 master 4 + moments 8 (ZeRO, arXiv:1910.02054)."""

MAX_ACCELERATORS = 10**9
"""Counts beyond a billion accelerators are reported as infeasible rather than computed."""

USABLE_MEMORY_FRACTION = 0.9
"""Share of device memory usable by the model; the rest is runtime and fragmentation (estimate)."""

ACHIEVABLE_BANDWIDTH_FRACTION = 0.8
"""Share of peak memory bandwidth a decode kernel sustains (estimate; the seed article reports
89 % utilisation on an A100 and 72 % on an MLU370-S4)."""

KV_CACHE_BYTES = 2.0
"""KV cache kept in 16-bit even when weights are 8-bit (common practice; estimate)."""

A100_ACHIEVED_TFLOPS = 312.0 * 0.50
"""A100 BF16 dense peak 312 TFLOP/s × MFU 0.50 (cost-model §3.2 recommendation for a mature A100
stack): the reference that ``relative_training_performance`` multiplies."""

DEFAULT_MFU_BY_MATURITY: dict[Maturity, float] = {
    Maturity.reference: 0.40,
    Maturity.high: 0.35,
    Maturity.medium: 0.30,
    Maturity.low_medium: 0.25,
    Maturity.low: 0.20,
}
"""BF16 training MFU when a profile has neither a measurement nor its own MFU. ``reference`` (CUDA):
0.40, cost-model §3.2 (Epoch median of 33 runs 0.375; recommended 0.40). The others are this
project's estimates, stepping down 0.05 per maturity level inside the 0.20–0.45 interval the
cost-model gives for non-NVIDIA stacks; Huawei's Pangu Ultra MoE reached 0.30 on ~6K Ascend NPUs."""

FP8_MFU_RATIO = 0.72
"""FP8 MFU (against the FP8 peak) ÷ BF16 MFU: NVIDIA NeMo on H100, GPT-3 175B 39.5/54 = 0.73,
Llama 3 70B 38.1/54.5 = 0.70 (cost-model §3.2, SemiAnalysis 2025)."""

SCALING_PER_DOUBLING: dict[InterconnectClass, float] = {
    InterconnectClass.nvlink: 0.99,
    InterconnectClass.ici: 0.99,
    InterconnectClass.ethernet: 0.92,
    InterconnectClass.proprietary: 0.92,
    InterconnectClass.pcie: 0.88,
}
"""Efficiency kept per doubling beyond one node. NVLink/ICI fabrics with InfiniBand-class scale-out:
0.99, weak scaling (the global batch grows with the cluster, as a training run of fixed tokens does
when it adds accelerators): MosaicML 7B on 8→128 A100s 0.996 per doubling, Megatron 530B 0.989
(cost-model §3.3). Set ``interconnect.scaling_efficiency_per_doubling`` to ~0.95–0.97 for strong
scaling at a fixed batch. Ethernet, proprietary links and PCIe have no public calibration: 0.92 and
0.88 are assumptions inside the cost-model's 0.85–0.92 for weak interconnects."""


def require(q: Quantity | None, path: str, *, profile: str, how: str | None = None) -> float:
    """Return ``q.value`` or raise :class:`MissingInputError` naming the input and how to give it."""
    if q is None or q.value is None:
        hint = how or f"--set {profile}.{path}=VALUE, or a profile file with {path}"
        note = f" ({q.note.rstrip('.')})" if q is not None and q.note else ""
        raise MissingInputError(f"needs {path}, which is unknown{note}; give it with {hint}", where=profile, key=path)
    return q.value


@dataclass(frozen=True)
class Shape:
    layers: int
    d_model: int
    kv_dim: int
    inferred: bool


def infer_shape(parameters: float) -> Shape:
    """Standard decoder shape for ``N`` parameters: ``N ≈ 12·L·d²`` with ``d = 128·L`` (GPT-3/Llama
    aspect ratio), ``d`` rounded to a multiple of 128."""
    layers = max(1, round((parameters / (12 * 128.0**2)) ** (1 / 3)))
    d_model = max(128, round(math.sqrt(parameters / (12 * layers)) / 128) * 128)
    return Shape(layers=layers, d_model=d_model, kv_dim=d_model, inferred=True)


def workload_shape(workload: TrainingWorkload | InferenceWorkload) -> Shape:
    if workload.shape is not None:
        s = workload.shape
        return Shape(s.layers, s.d_model, s.kv_dim or s.d_model, inferred=False)
    return infer_shape(workload.parameters.value or 0.0)


def active_parameters(workload: TrainingWorkload | InferenceWorkload) -> float:
    q = workload.active_parameters if workload.active_parameters is not None else workload.parameters
    return require(q, "active_parameters" if workload.active_parameters else "parameters", profile=workload.id)


def training_flops_per_token(*, active_params: float, shape: Shape, seq_len: int) -> float:
    """``F = 6·N_active + 12·L·d·s`` FLOPs per trained token (PaLM App. B)."""
    return 6.0 * active_params + 12.0 * shape.layers * shape.d_model * seq_len


PEAK_FIELD: dict[Precision, str] = {
    Precision.bf16: "bf16_tflops",
    Precision.fp16: "fp16_tflops",
    Precision.fp8: "fp8_tflops",
    Precision.int8: "int8_tops",
}


def peak_field(accel: Accelerator, precision: Precision) -> str:
    """The ``[peak]`` field a precision runs at. BF16 and FP16 run on the same 16-bit tensor units of
    every listed part, so when one of them is unknown the other stands in."""
    name = PEAK_FIELD[precision]
    twin = {Precision.bf16: "fp16_tflops", Precision.fp16: "bf16_tflops"}.get(precision)
    if twin is not None and not _known_peak(accel, name) and _known_peak(accel, twin):
        return twin
    return name


def _known_peak(accel: Accelerator, name: str) -> bool:
    q = getattr(accel.peak, name)
    return q is not None and q.value is not None


def peak_tflops(accel: Accelerator, precision: Precision) -> float:
    name = peak_field(accel, precision)
    return require(getattr(accel.peak, name), f"peak.{name}", profile=accel.id)


class ScalarOps:
    """The few elementwise operations the formulas need, for plain floats. ``numpy`` provides the
    same names for arrays, so one implementation of each formula serves both (tco.analysis)."""

    sqrt = staticmethod(math.sqrt)
    log2 = staticmethod(math.log2)
    log1p = staticmethod(math.log1p)
    expm1 = staticmethod(math.expm1)

    # Like numpy: NaN (an unknown input) propagates, and rounding leaves NaN and infinities alone.
    @staticmethod
    def ceil(a: Any) -> Any:
        return float(math.ceil(a)) if math.isfinite(a) else a

    @staticmethod
    def floor(a: Any) -> Any:
        return float(math.floor(a)) if math.isfinite(a) else a

    @staticmethod
    def maximum(a: Any, b: Any) -> Any:
        if a != a or b != b:
            return math.nan
        return a if a >= b else b

    @staticmethod
    def minimum(a: Any, b: Any) -> Any:
        if a != a or b != b:
            return math.nan
        return a if a <= b else b

    @staticmethod
    def fmin(a: Any, b: Any) -> Any:
        """The smaller of two values, ignoring NaN unless both are NaN (numpy.fmin)."""
        if b != b:
            return a
        if a != a:
            return b
        return a if a <= b else b

    @staticmethod
    def where(cond: Any, a: Any, b: Any) -> Any:
        return a if cond else b


SCALAR = ScalarOps()


def scaling_value(*, e_d: Any, count: Any, node: Any, ops: Any = SCALAR) -> Any:
    """``η(n) = e_d ^ log2(n / n_node)`` beyond one node, else 1."""
    doublings = ops.maximum(ops.log2(count / node), 0.0)
    return e_d**doublings


def goodput_value(*, failure_rate: Any, save_minutes: Any, restart_minutes: Any, count: Any, ops: Any = SCALAR) -> Any:
    """``G = 1 − T_s/T_c − (T_c/2 + T_r)/M`` with ``M = 1/(λ·n)`` and Young's ``T_c = sqrt(2·M·T_s)``.

    Substituting ``T_c`` gives the closed form ``G = 1 − sqrt(2·T_s/M) − T_r/M`` (no overflow for tiny
    rates; ``λ = 0`` loses nothing), floored at 0."""
    rate = failure_rate * count  # interruptions per day = 1/M
    waste = ops.sqrt(2.0 * (save_minutes / 1440.0) * rate) + (restart_minutes / 1440.0) * rate
    return ops.maximum(1.0 - waste, 0.0)


def default_scaling_per_doubling(accel: Accelerator) -> float:
    q = accel.interconnect.scaling_efficiency_per_doubling
    return q.value if q is not None and q.value is not None else SCALING_PER_DOUBLING[accel.interconnect.kind]


def scaling_efficiency(accel: Accelerator, count: int) -> float:
    """``η(n)`` for a profile (see :func:`scaling_value`)."""
    return float(scaling_value(e_d=default_scaling_per_doubling(accel), count=count, node=accel.interconnect.devices_per_node))


def goodput(scenario: Scenario, count: int) -> float:
    """Share of wall-clock time doing useful work under failures (Young's checkpoint interval)."""
    return float(
        goodput_value(
            failure_rate=scenario.failure_rate_per_accelerator_day.value or 0.0,
            save_minutes=scenario.checkpoint_save_minutes.value or 0.0,
            restart_minutes=scenario.restart_minutes.value or 0.0,
            count=count,
        )
    )


@dataclass(frozen=True)
class MfuChoice:
    value: float
    source: str


def training_mfu(accel: Accelerator, precision: Precision) -> MfuChoice:
    """MFU against the peak of ``precision``: the profile's, else from the article-style relative
    performance, else the default for the ecosystem maturity. FP8 scales by :data:`FP8_MFU_RATIO`."""
    fp8 = FP8_MFU_RATIO if precision is Precision.fp8 else 1.0
    if accel.mfu is not None and accel.mfu.value is not None:
        return MfuChoice(accel.mfu.value * fp8, f"profile mfu ({accel.mfu.source or 'no source'})")
    rel = accel.relative_training_performance
    if rel is not None and rel.value is not None:
        peak16 = peak_tflops(accel, Precision.bf16 if accel.peak.bf16_tflops else Precision.fp16)
        mfu = min(1.0, rel.value * A100_ACHIEVED_TFLOPS / peak16)
        return MfuChoice(mfu * fp8, f"{rel.value:g}× A100 estimate ({rel.source or 'no source'})")
    base = DEFAULT_MFU_BY_MATURITY[accel.software.maturity]
    return MfuChoice(base * fp8, f"default for {accel.software.maturity.value} maturity")


@dataclass(frozen=True)
class TrainingThroughput:
    tokens_per_second: float
    source: str  # "measured" or "derived"
    mfu: float | None
    scaling_efficiency: float
    notes: tuple[str, ...] = field(default=())


def stored_activation_bytes(*, seq_len: int, shape: Shape) -> float:
    """Activations kept for the backward pass of one sequence without recomputation: ``34·s·d·L`` bytes
    (FlashAttention-style attention stores no s² term; Korthikanti et al. 2022)."""
    return 34.0 * seq_len * shape.d_model * shape.layers


def needs_recompute(*, params: Any, count: Any, activation_bytes: float, memory_gb: Any, node: Any, ops: Any = SCALAR) -> Any:
    """True where sharded training state plus stored activations do not fit, so the run must recompute
    activations: ``16·N/n + 34·s·d·L / t > 0.9 · memory``. The layout assumed is ZeRO-3 data
    parallelism, plus tensor parallelism across the node (``t = min(n, n_node)``, which also splits
    activations) when one 16-bit copy of the weights does not fit a device; otherwise ``t = 1``."""
    usable = USABLE_MEMORY_FRACTION * memory_gb * 1e9
    tp = ops.where(2.0 * params > usable, ops.minimum(count, node), 1.0)
    return TRAINING_BYTES_PER_PARAM * params / count + activation_bytes / tp > usable


def derived_training_tps(
    *,
    peak_tflops: Any,
    peak16_tflops: Any,
    mfu16: Any,
    fp8: bool,
    active_params: Any,
    attention_flops: float,
    eta: Any,
    recompute: Any,
    ops: Any = SCALAR,
) -> Any:
    """Tokens/s per accelerator from the derived model::

        t = 6·N / (peak · MFU) + 12·L·d·s / (peak16 · MFU16)       seconds per token
        X = η(n) / (t · (4/3 if activations are recomputed else 1))

    For BF16/FP16 both terms run at the same peak, so ``X = peak · MFU · η / F``. Under FP8 only the
    matmuls of the 6·N term run at the FP8 peak with ``MFU = 0.72 · MFU16`` (NVIDIA NeMo); attention
    stays in BF16 (Transformer Engine). Recomputing activations costs one extra forward pass, 4/3 of
    the model FLOPs (Megatron, ``t ≈ 8·T·P/(n·X)``, Narayanan et al. 2021)."""
    mfu = mfu16 * (FP8_MFU_RATIO if fp8 else 1.0)
    per_token = 6.0 * active_params / (peak_tflops * 1e12 * mfu) + attention_flops / (peak16_tflops * 1e12 * mfu16)
    return eta / (per_token * ops.where(recompute, 4.0 / 3.0, 1.0))


def training_throughput(*, accel: Accelerator, workload: TrainingWorkload, count: int) -> TrainingThroughput:
    """Tokens/s per accelerator at ``count``: the profile's measurement for this workload (scaled by
    ``η(count)/η(measured count)``), else :func:`derived_training_tps`. ``mfu`` is model FLOPs/s ÷ the
    peak of the workload's precision."""
    eta = scaling_efficiency(accel, count)
    bench = accel.benchmark_for(workload.id)
    shape = workload_shape(workload)
    flops = training_flops_per_token(active_params=active_parameters(workload), shape=shape, seq_len=workload.seq_len)
    peak = accel.peak.for_precision(workload.precision)
    if bench is not None:
        measured = require(bench.tokens_per_second, f"benchmarks[{workload.id}].tokens_per_second", profile=accel.id)
        at = bench.accelerator_count or accel.interconnect.devices_per_node
        tps = measured * eta / scaling_efficiency(accel, at)
        mfu = tps * flops / (peak.value * 1e12) if peak is not None and peak.value else None
        return TrainingThroughput(tps, "measured", mfu, eta, (f"measured: {bench.source}",))
    choice = training_mfu(accel, Precision.bf16)
    recompute = bool(
        needs_recompute(
            params=require(workload.parameters, "parameters", profile=workload.id),
            count=count,
            activation_bytes=stored_activation_bytes(seq_len=workload.seq_len, shape=shape),
            memory_gb=require(accel.memory_gb, "memory_gb", profile=accel.id),
            node=accel.interconnect.devices_per_node,
        )
    )
    tps = derived_training_tps(
        peak_tflops=peak_tflops(accel, workload.precision),
        peak16_tflops=peak_tflops(accel, _precision16(accel)),
        mfu16=choice.value,
        fp8=workload.precision is Precision.fp8,
        active_params=active_parameters(workload),
        attention_flops=flops - 6.0 * active_parameters(workload),
        eta=eta,
        recompute=recompute,
    )
    mfu = tps * flops / (peak_tflops(accel, workload.precision) * 1e12)
    notes = [f"derived: MFU {mfu:.3f} ({choice.source})"]
    if recompute:
        notes.append("activations recomputed: state and activations do not fit in memory otherwise")
    if shape.inferred:
        notes.append(f"shape inferred from parameters: {shape.layers} layers, d_model {shape.d_model}")
    return TrainingThroughput(tps, "derived", mfu, eta, tuple(notes))


def _precision16(accel: Accelerator) -> Precision:
    return Precision.bf16 if accel.peak.bf16_tflops is not None and accel.peak.bf16_tflops.value else Precision.fp16


def training_activation_bytes(*, shape: Shape, seq_len: int, tensor_parallel: int) -> float:
    """Activation memory per device for one sequence under full recomputation (Korthikanti 2022)."""
    return (2.0 * seq_len * shape.d_model * shape.layers + 34.0 * seq_len * shape.d_model) / tensor_parallel


def min_training_accelerators(*, accel: Accelerator, workload: TrainingWorkload) -> int:
    """Smallest count whose memory holds ``16·N/n`` of sharded state plus activations."""
    mem = require(accel.memory_gb, "memory_gb", profile=accel.id) * 1e9 * USABLE_MEMORY_FRACTION
    state = TRAINING_BYTES_PER_PARAM * require(workload.parameters, "parameters", profile=workload.id)
    shape = workload_shape(workload)
    node = accel.interconnect.devices_per_node
    for n in range(1, node + 1):
        act = training_activation_bytes(shape=shape, seq_len=workload.seq_len, tensor_parallel=n)
        if state / n + act <= mem:
            return n
    act = training_activation_bytes(shape=shape, seq_len=workload.seq_len, tensor_parallel=node)
    if act >= mem:
        raise InfeasibleError(
            f"activations of one {workload.seq_len}-token sequence ({act / 1e9:.1f} GB per device) exceed "
            f"{accel.id}'s usable memory ({mem / 1e9:.1f} GB)",
            where=accel.id,
        )
    need = state / (mem - act)
    if not need < MAX_ACCELERATORS:
        raise InfeasibleError(
            f"training {workload.id} ({workload.parameters.value:,.6g} parameters) needs more than "
            f"{MAX_ACCELERATORS:,} × {accel.id} to hold its state",
            where=accel.id,
            key="memory_gb",
        )
    return max(node + 1, math.ceil(need))


@dataclass(frozen=True)
class InferenceThroughput:
    tokens_per_second: float  # decode tokens/s per accelerator
    source: str
    bound: str  # "memory-bandwidth", "compute" or "measured"
    replica_accelerators: int
    batch: int
    prefill_tokens_per_second: float
    mfu: float | None
    notes: tuple[str, ...] = field(default=())
    min_accelerators: int = 1  # smallest replica that holds the weights and one sequence


def decode_roofline(
    *,
    weight_bytes: Any,
    kv_seq_bytes: float,
    batch: float,
    replica: float,
    bandwidth_gbps: Any,
    peak_flops: Any,
    mfu: Any,
    active_params: Any,
    ops: Any = SCALAR,
) -> tuple[Any, Any]:
    """(decode tokens/s per accelerator, memory-bound?) for a replica of ``k`` accelerators at batch B::

    t_step = max((W + B·KV) / (k · BW · 0.8), 2·N_active·B / (k · peak · MFU));   X = B / t_step / k
    """
    t_mem = (weight_bytes + batch * kv_seq_bytes) / (replica * bandwidth_gbps * 1e9 * ACHIEVABLE_BANDWIDTH_FRACTION)
    t_comp = 2.0 * active_params * batch / (replica * peak_flops * mfu)
    return batch / ops.maximum(t_mem, t_comp) / replica, t_mem >= t_comp


def inference_throughput(*, accel: Accelerator, workload: InferenceWorkload) -> InferenceThroughput:
    """Roofline decode throughput per accelerator. The replica size ``k`` runs from the smallest that
    holds the weights and one sequence up to one node; each ``k`` serves the largest batch its memory
    holds (at most ``max_batch``), and the ``k`` with the most tokens/s per accelerator is chosen."""
    shape = workload_shape(workload)
    n_total = require(workload.parameters, "parameters", profile=workload.id)
    n_active = active_parameters(workload)
    mem = require(accel.memory_gb, "memory_gb", profile=accel.id) * 1e9 * USABLE_MEMORY_FRACTION
    weights = n_total * BYTES_PER_PARAM[workload.precision]
    kv_seq = 2.0 * shape.layers * shape.kv_dim * KV_CACHE_BYTES * workload.seq_len
    k_min = max(1, math.ceil((weights + kv_seq) / mem))
    peak = peak_tflops(accel, workload.precision) * 1e12
    mfu = training_mfu(accel, workload.precision if workload.precision is not Precision.int8 else Precision.bf16).value
    prefill = peak * mfu / (2.0 * n_active)
    notes = []
    if shape.inferred:
        notes.append(f"shape inferred from parameters: {shape.layers} layers, d_model {shape.d_model}")

    def batch_for(k: int) -> int:
        return min(workload.max_batch, int((k * mem - weights) // kv_seq))

    bench = accel.benchmark_for(workload.id)
    if bench is not None:
        tps = require(bench.tokens_per_second, f"benchmarks[{workload.id}].tokens_per_second", profile=accel.id)
        return InferenceThroughput(
            tps, "measured", "measured", k_min, batch_for(k_min), prefill, None, (f"measured: {bench.source}", *notes), k_min
        )
    bw = require(accel.memory_bandwidth_gbps, "memory_bandwidth_gbps", profile=accel.id)
    best: tuple[float, int, int, bool] | None = None
    for k in range(k_min, max(k_min, accel.interconnect.devices_per_node) + 1):
        batch = batch_for(k)
        tps, memory_bound = decode_roofline(
            weight_bytes=weights,
            kv_seq_bytes=kv_seq,
            batch=batch,
            replica=k,
            bandwidth_gbps=bw,
            peak_flops=peak,
            mfu=mfu,
            active_params=n_active,
        )
        if best is None or tps > best[0] * (1 + 1e-9):
            best = (tps, k, batch, bool(memory_bound))
    assert best is not None
    tps, k, batch, memory_bound = best
    bound = "memory-bandwidth" if memory_bound else "compute"
    return InferenceThroughput(tps, "derived", bound, k, batch, prefill, mfu, tuple(notes), k_min)
