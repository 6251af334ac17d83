"""Shared performance pieces: shapes, peaks, goodput, and the inference roofline (pure, no I/O).

The training model (parallel layout and step time) is :mod:`tco.training`. Formulas and sources:

* goodput ``G = 1 − T_s/T_c − (T_c/2 + T_r)/M`` with ``M = 1/(λ·n)`` and Young's interval
  ``T_c = sqrt(2·M·T_s)`` (Young 1974);
* inference decode step ``max((W + B·KV)/(k·BW·e_bw), 2·N_active·B/(k·peak·ε))`` (roofline), at the
  largest batch B that fits memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from tco.errors import MissingInputError
from tco.models import (
    BYTES_PER_PARAM,
    Accelerator,
    InferenceWorkload,
    Precision,
    Quantity,
    Scenario,
    TrainingWorkload,
)

HOURS_PER_YEAR = 8766.0
"""365.25 days × 24 h, as Epoch AI uses (cost-model §4.3)."""

MAX_ACCELERATORS = 10**9
"""Counts beyond a billion accelerators are reported as infeasible rather than computed."""

USABLE_MEMORY_FRACTION = 0.9
"""Share of device memory usable by the model; the rest is runtime and fragmentation (estimate)."""

ACHIEVABLE_BANDWIDTH_FRACTION = 0.8
"""Share of peak memory bandwidth a decode kernel sustains (estimate; the seed article reports
89 % utilisation on an A100 and 72 % on an MLU370-S4)."""

KV_CACHE_BYTES = 2.0
"""KV cache kept in 16-bit even when weights are 8-bit (common practice; estimate)."""


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
    heads: int = 0

    def __post_init__(self) -> None:
        if self.heads <= 0:
            object.__setattr__(self, "heads", max(1, self.d_model // 128))


KNOWN_SHAPES: tuple[tuple[str, float, int, int, int, int], ...] = (
    # name, parameters, layers, d_model, heads, kv_heads — published architectures
    ("GPT-3 1.3B [GPT3-2020]", 1.3e9, 24, 2048, 16, 16),
    ("Llama 2 7B [LLAMA2-2023]", 6.74e9, 32, 4096, 32, 32),
    ("Llama 3 8B [LLAMA3-2024]", 8.03e9, 32, 4096, 32, 8),
    ("Llama 2 13B [LLAMA2-2023]", 13.0e9, 40, 5120, 40, 40),
    ("Llama 2 70B [LLAMA2-2023]", 69.0e9, 80, 8192, 64, 8),
    ("Llama 3 70B [LLAMA3-2024]", 70.6e9, 80, 8192, 64, 8),
    ("GPT-3 175B [GPT3-2020]", 175e9, 96, 12288, 96, 96),
    ("Llama 3 405B [LLAMA3-2024]", 405e9, 126, 16384, 128, 8),
)
"""Shapes of well-known dense models; a parameter count within 1 % of one is given its shape."""


def infer_shape(parameters: float) -> Shape:
    """The published shape of a known model within 1 % of ``N`` parameters (:data:`KNOWN_SHAPES`), else
    a standard decoder shape: ``N ≈ 12·L·d²`` with ``d = 128·L`` (GPT-3/Llama aspect ratio), ``d``
    rounded to a multiple of 128, and no grouped-query attention (KV width = model width)."""
    for _name, n, layers, d_model, heads, kv_heads in KNOWN_SHAPES:
        if abs(parameters / n - 1) <= 0.01:
            return Shape(layers=layers, d_model=d_model, kv_dim=d_model // heads * kv_heads, inferred=True, heads=heads)
    layers = max(1, round((parameters / (12 * 128.0**2)) ** (1 / 3)))
    d_model = max(128, round(math.sqrt(parameters / (12 * layers)) / 128) * 128)
    return Shape(layers=layers, d_model=d_model, kv_dim=d_model, inferred=True)


def known_shape_name(parameters: float) -> str | None:
    return next((name for name, n, *_ in KNOWN_SHAPES if abs(parameters / n - 1) <= 0.01), None)


def workload_shape(workload: TrainingWorkload | InferenceWorkload) -> Shape:
    if workload.shape is not None:
        s = workload.shape
        return Shape(s.layers, s.d_model, s.kv_dim or s.d_model, inferred=False, heads=s.heads or 0)
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


def goodput_value(*, failure_rate: Any, save_minutes: Any, restart_minutes: Any, count: Any, ops: Any = SCALAR) -> Any:
    """``G = 1 − T_s/T_c − (T_c/2 + T_r)/M`` with ``M = 1/(λ·n)`` and Young's ``T_c = sqrt(2·M·T_s)``.

    Substituting ``T_c`` gives the closed form ``G = 1 − sqrt(2·T_s/M) − T_r/M`` (no overflow for tiny
    rates; ``λ = 0`` loses nothing), floored at 0."""
    rate = failure_rate * count  # interruptions per day = 1/M
    waste = ops.sqrt(2.0 * (save_minutes / 1440.0) * rate) + (restart_minutes / 1440.0) * rate
    return ops.maximum(1.0 - waste, 0.0)


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


def inference_throughput(*, accel: Accelerator, workload: InferenceWorkload, efficiency: float) -> InferenceThroughput:
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
    mfu = efficiency
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
