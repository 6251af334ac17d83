"""The serving model: prefill and decode on a tensor-parallel replica, continuous batching, latency SLOs (pure).

One implementation: ``tco compare`` and the analyses through :func:`tco.engine.evaluate_plan` (floats or
numpy arrays), ``tco estimate --mode infer`` and ``tco calibrate`` through the same engine path.

For a replica of ``k`` accelerators (tensor parallel ``t`` = ``k`` within a node; beyond a node
``t`` = the node and ``k/t`` pipeline stages) serving requests of ``P`` prompt and ``O`` output tokens:

* memory: weights ``W = N · bytes/param`` (with 8-bit weights, plus the embedding matrices kept in 16
  bits, :func:`embedding_bytes`) plus a KV cache of ``2 · L · kv_dim · 2`` bytes per token of
  context, ``P + O`` per sequence; the batch ``B`` is at most what the cache holds, the cache taking
  0.9 of the memory left after the weights and a runtime reserve of 2 GB per device (TensorRT-LLM's rule);
  where the model has fewer KV heads than ``t``, each device still holds one, so ``kv_dim`` is at least
  ``t`` heads wide (:func:`kv_bytes_per_token`);
* one decode step for ``B`` sequences: ``‖W_B / (t · BW · e_bw), 2 · N_active · B / (k · peak · ε)‖_p
  + B · KV · (P + O/2) / (k · BW · e_bw · r_kv) + 2 · L · (α + 2(t−1)/t · 2h · B / link) + τ``: the matmul
  kernels read the weights once per step (at the rate of one stage's ``t`` devices) and are bound by
  that read and by their FLOPs, which overlap only in part (a roofline softened by the p-norm
  ``‖a, b‖_p = (a^p + b^p)^(1/p)``, :data:`OVERLAP_EXPONENT`); ``W_B`` is ``W`` for a dense model, and
  for an MoE one the shared weights plus the routed experts the batch visits (:func:`step_weight_bytes`);
  the attention kernels, which run after them, read each sequence's cache (the average context) and
  are bound by memory bandwidth, of which they reach the share ``r_kv`` of the weights' rate
  (:data:`KV_BANDWIDTH_RATIO`); then two all-reduces per layer, each with latency ``α``; and the
  serving engine's fixed time per step ``τ``; and the floors of the layer's kernels, ``L · λ``: an
  open-source engine (``tuning = "typical"``) spends ``λ_typ`` per layer (:data:`LAYER_OVERHEAD_TYPICAL_S`),
  a vendor-tuned one, which fuses most of the small kernels, ``λ_tuned`` (:data:`LAYER_OVERHEAD_TUNED_S`);
* prefill of one request: ``P · (2 · N_active + 2 · L · h · P) / (k · peak · ε)`` plus its two
  all-reduces per layer over the ``P`` prompt tokens, ``2 · L · (α + 2(t−1)/t · 2h · P / link)``;
* continuous batching interleaves prefills with decode steps, so per replica
  ``tokens/s = B · O / (O · t_step + B · T_prefill)``, the time per output token is
  ``t_step + B · T_prefill / O`` for the mean request, ``t_step + (B + z·√B) · T_prefill / O`` at a
  latency percentile with normal quantile ``z`` (Poisson-many prefills interleave with one request's
  decode), and the time to first token ``T_prefill + t_step``;
* a benchmark run of ``N`` requests queued at once drains in waves of the batch, the last one partial
  (:func:`drained_run`; ``tco calibrate`` applies it where a publication states ``N``);
* the batch is the largest that fits memory, ``max_batch`` and the latency targets; the replica size is
  one of :func:`replica_sizes`, up to 64 (powers of two within a node, then whole nodes as pipeline
  stages, which pay off only where a node's memory limits the model or its batch), whose fleet of whole
  replicas for the demand is the smallest, the most tokens/s per accelerator among equals, unless the
  option fixes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tco.perf import SCALAR

COMPUTE_EFFICIENCY = 0.80
"""ε: share of the part's achievable matmul rate that serving kernels reach in compute-bound phases
(prefill, large batches); FP8 matmuls reach :data:`tco.training.FP8_GEMM_RATIO` of it. FITTED by
``tco calibrate --fit`` on the fit half of profiles/serving (2026-12-02, unchanged since 2026-11-30), each
publication weighted equally."""

BANDWIDTH_EFFICIENCY = 0.85
"""e_bw: share of the peak memory bandwidth a decode step sustains. FITTED with
:data:`COMPUTE_EFFICIENCY` (0.80 → 0.85 on 2026-12-02, with the engine's time per step; the seed article
reports 89 % on an A100, 72 % on an MLU370-S4)."""

FP4_GEMM_RATIO = 0.60
"""Share of the 16-bit matmul efficiency that FP4 (NVFP4) serving reaches at the part's FP4 peak: with it,
FP4 runs 2 × 0.60 / 0.94 = 1.28× the FP8 rate, not the peak's 2× (activation quantization, and the
attention and other kernels that stay in 8 or 16 bits). FITTED (2026-12-02) on the five fit-half B200
FP4 rows of profiles/serving (grid 0.50–0.66 by 0.02, mean |log error| 0.080, other constants as
shipped); the three held-out rows miss by +6.2, +2.9 and −1.5 % (+7.5, +3.2 and −0.9 % with the
constants refitted on 2026-12-02). Only B200 rows exist: other FP4
parts take it as an estimate. On a part with FP8 units the FP8 path's rate is the floor
(:func:`tco.engine.serving_inputs`)."""

COLLECTIVE_EFFICIENCY = 0.45
"""c: share of the in-node link's one-way bandwidth that serving's tensor-parallel all-reduces reach.
Their messages are 1–60 MB (the batch's or the prompt's activations of one layer), below the sizes at
which NCCL reaches its large-message bus bandwidth (about 77 % of the NVLink one-way figure on H100
[NCCL-TP-2026]). FITTED with :data:`COMPUTE_EFFICIENCY` (grid 0.3–1.0; 0.40 → 0.45 in the refit with
:data:`KV_BANDWIDTH_RATIO`, 2026-12-02)."""

STEP_OVERHEAD_S = 0.0
"""τ: fixed time of one decode iteration beyond its kernels, on any engine (the serving engine's
scheduling, sampling and launches between steps [VLLM-V06-PERF]). FITTED with :data:`COMPUTE_EFFICIENCY`
(grid 0–5 ms). It was 0 until single-request rows entered the set (profiles/serving/qwen-vllm.toml), then
0.5 ms, 0 in the refit with :data:`KV_BANDWIDTH_RATIO` (2026-12-02), where λ carries the engine's time, and
0.25 ms in the refit after the maturity factor stopped derating the bandwidth (2026-12-03), and 0 again in the
refit that gave a tuned engine its time per layer (:data:`LAYER_OVERHEAD_TUNED_S`, 2026-12-03), which now
carries that engine's time beyond its kernels."""

LAYER_OVERHEAD_TYPICAL_S = 0.00011
"""λ: time per layer of one decode step beyond its kernels' roofline, for an open-source engine as a
buyer runs it (``tuning = "typical"``, the default: vLLM-class). A layer runs about ten kernels (norms,
projections, rotary embedding, attention, activation, residual adds), each with a floor of a few
microseconds of launch and ramp-up however little it reads; at small batches these floors, not the
bytes, set the step, which is why single-request decode runs slower than its weights' read time
[VLLM-V06-PERF]. A vendor-tuned engine fuses most of them (0). Added to the step as ``L · λ`` (at large
batches, where kernels are long, this overstates the floor a little). FITTED with the others
(grid 0–0.2 ms by 0.01; 2026-12-02, with :data:`KV_BANDWIDTH_RATIO`): 0.11 ms, so a 28-layer 7B model's
single-request step spends τ + 28 λ = 3.1 ms beyond reading its weights. Only the typical rows (profiles/serving/qwen-vllm.toml)
move with it."""

OVERLAP_EXPONENT = 1.5
"""p: how far a decode step's matmuls overlap reading their weights with their arithmetic. The roofline
bounds a kernel's time by the longer of the two, ``max(t_w, t_c)``, which assumes they overlap fully
[WILLIAMS-2009]; decode batches of tens to a few thousand sequences put the matmuls near the ridge
point, where the two are alike and kernels fall below that bound. The step takes
``(t_w^p + t_c^p)^(1/p)``: p = 1 is no overlap (the sum), p → ∞ the roofline's max. FITTED with
:data:`COMPUTE_EFFICIENCY` (grid 1, 1.5, 2, 3, 4, ∞; 2026-11-30, kept by the refit of 2026-12-02)."""

KV_BANDWIDTH_RATIO = 0.85
"""r_kv: share of the weights' read rate (``e_bw``) that the attention kernels reach reading the KV cache.
Weight streaming reads a few large contiguous matrices; decode attention gathers each sequence's cache
from pages of a few tokens, per sequence and per KV head, and its work is uneven across sequences of
different lengths, so it sustains less of the peak bandwidth ([FLASHINFER-2025]: decode kernels over
paged caches, and their gap to the bandwidth bound, depend on page layout and length spread). FITTED with
the others (grid 0.5–1.0 by 0.05; 2026-12-02: 0.85, a fixed point of the refit; held-out median 11.6 → 10.6 %)."""

LAYER_OVERHEAD_TUNED_S = 0.000025
"""λ_tuned: time per layer of one decode step beyond its kernels' roofline, for a vendor-tuned engine
(``tuning = "tuned"``: TensorRT-LLM-class). Such an engine fuses the small kernels (norms, rotary
embedding, activation, residual adds) into the matmuls and the attention, and captures the step in one
CUDA graph, so no launch gaps remain; the few kernels a layer still runs (the projections, the
attention, the all-reduces of a tensor-parallel replica) each keep a floor of ramp-up and tail of a
few microseconds however little they read (this project's reading of the mechanism: the value is fitted,
not taken from a source). The floor is the same on every device of a
replica while the bytes each device reads shrink with the tensor-parallel degree, so it weighs most
on wide replicas. It was 0 (all fused away) until 2026-12-03; FITTED then with the others to a fixed point
(grid 0–50 µs by 5 µs, fit half only): 25 µs, with τ 0.25 → 0 ms and the other constants kept; the fit
half's objective fell 0.599 → 0.584. An 80-layer 70B model's tuned step spends 2 ms beyond its kernels."""

Constants = tuple[float, float, float, float, float, float, float, float]
"""(ε, e_bw, c, τ, p, λ_typ, r_kv, λ_tuned): the fitted serving constants, in the order ``tco calibrate --fit``
reports them."""

CONSTANTS: Constants = (
    COMPUTE_EFFICIENCY,
    BANDWIDTH_EFFICIENCY,
    COLLECTIVE_EFFICIENCY,
    STEP_OVERHEAD_S,
    OVERLAP_EXPONENT,
    LAYER_OVERHEAD_TYPICAL_S,
    KV_BANDWIDTH_RATIO,
    LAYER_OVERHEAD_TUNED_S,
)
"""The shipped values of :data:`Constants`."""

COLLECTIVE_LATENCY_S = 10e-6
"""α: latency of one small all-reduce within a node (NCCL-class, about 10 µs; an estimate)."""

KV_FREE_FRACTION = 0.9
"""Share of the memory left after the weights that the KV cache takes: TensorRT-LLM's default
``free_gpu_memory_fraction`` ("TensorRT LLM will try to allocate 90% of free GPU memory for KV cache"
[TRTLLM-KVCACHE]). vLLM instead caps weights, activations and cache together at 0.9 of the total
(``gpu_memory_utilization``), which leaves less cache where the weights fill most of the memory."""

RUNTIME_RESERVE_GB = 2.0
"""Memory per device held by the runtime before the cache is sized: CUDA context, communication
buffers and the activation workspace (an estimate, range 1–4 GB)."""

KV_BYTES = 2.0
"""KV cache bytes per value for 16-bit weights. With 8-bit weights the KV cache is 8-bit too (1 byte):
the FP8 recipes of TensorRT-LLM and vLLM quantize both (an assumption); with 4-bit weights it stays
8-bit (:func:`kv_bytes`)."""


def kv_bytes(weight_bytes_per_param: float) -> float:
    """KV cache bytes per value for weights of ``weight_bytes_per_param``: 2 with 16-bit weights, 1 with
    8-bit or 4-bit ones (FP4 recipes keep an FP8 cache; an assumption, as for FP8)."""
    return min(KV_BYTES, max(1.0, weight_bytes_per_param))


@dataclass(frozen=True)
class Request:
    """The discrete side of a serving job."""

    layers: int
    d_model: int
    kv_dim: int
    prompt: float
    output: float
    weight_bytes_per_param: float
    kv_bytes: float = KV_BYTES
    attention_width: int = 0  # query heads × head width; 0: d_model
    embedding_bytes: float = 0.0  # what 16-bit embedding matrices add to N · bytes/param (8-bit weights)
    head_width: int = 0  # width of one attention head; 0: unknown (no KV head is replicated)
    experts: int = 0  # routed experts per MoE layer; 0: dense (or unknown: every weight is read each step)
    top_k: int = 0  # routed experts each token visits


@dataclass(frozen=True)
class Choice:
    replica: int
    tensor: int
    batch: int
    tokens_per_second: float  # per accelerator
    time_per_output_token_s: float
    time_to_first_token_s: float
    bound: str  # "memory-bandwidth" | "compute"
    limited_by: str  # "memory" | "max_batch" | "time_per_output_token" | "time_to_first_token"


def overlap(t_w: Any, t_c: Any, p: float, ops: Any = SCALAR) -> Any:
    """``(t_w^p + t_c^p)^(1/p)`` (:data:`OVERLAP_EXPONENT`), scaled by the larger term so that no power
    overflows; ``p = inf`` is the roofline's ``max(t_w, t_c)``."""
    m = ops.maximum(t_w, t_c)
    if math.isinf(p):
        return m
    d = ops.where(m > 0.0, m, 1.0)
    return ops.where(m < math.inf, m * ((t_w / d) ** p + (t_c / d) ** p) ** (1.0 / p), m)


def embedding_bytes(vocab: int, d_model: int, tied: bool, bytes_per_param: float) -> float:
    """What the embedding matrices add to ``N · b`` bytes of weights: 8-bit recipes quantize the linear
    layers only, and keep the token embedding and the output projection (one matrix if tied) in 16
    bits, ``(2 − b) · V · d`` bytes each [NV-LLAMA31-FP8]; nothing with 16-bit weights or an unknown
    vocabulary (``V = 0``)."""
    return max(0.0, 2.0 - bytes_per_param) * vocab * d_model * (1 if tied else 2)


def weight_bytes(req: Request, x: Mapping[str, Any]) -> Any:
    """Bytes of weights a replica holds and a decode step streams: ``N · b`` plus the 16-bit embeddings
    (:func:`embedding_bytes`)."""
    return x["parameters"] * req.weight_bytes_per_param + req.embedding_bytes


def expert_read_share(req: Request, batch: Any, ops: Any = SCALAR) -> Any:
    """Share of a layer's routed experts that a decode step of ``batch`` sequences visits: each token picks
    ``k`` of ``E``, so an expert goes unvisited by all ``B`` tokens with probability ``(1 − k/E)^B``
    (routing taken as uniform and independent): ``1 − (1 − k/E)^B``. 1 for a dense model."""
    return 1.0 - _unvisited_share(req.experts, req.top_k, batch, ops)


def _unvisited_share(experts: int, top_k: int, batch: Any, ops: Any) -> Any:
    """``(1 − k/E)^B``: the share of routed experts no token of a ``batch``-sequence step visits (0: dense)."""
    if not (experts and top_k) or top_k >= experts:
        return 0.0 * batch
    return (1.0 - top_k / experts) ** ops.maximum(batch, 1.0)


def step_weight_bytes(req: Request, x: Mapping[str, Any], batch: Any, ops: Any = SCALAR) -> Any:
    """Bytes of weights one decode step streams: all of them for a dense model; for an MoE model the
    shared weights and the routed experts the batch visits (:func:`unvisited_expert_bytes`)."""
    unvisited = unvisited_expert_bytes(
        x["parameters"], x["active_parameters"], req.experts, req.top_k, req.weight_bytes_per_param, batch, ops
    )
    return weight_bytes(req, x) - unvisited


def unvisited_expert_bytes(
    parameters: Any, active: Any, experts: int, top_k: int, bytes_per_param: float, batch: Any, ops: Any = SCALAR
) -> Any:
    """Bytes of routed experts a decode step of ``batch`` sequences leaves unread: the routed experts hold
    ``(N − N_active) / (1 − k/E)`` parameters (``N_active`` counts ``k/E`` of them), of which the step
    leaves the share ``(1 − k/E)^B`` unvisited (:func:`expert_read_share`). 0 for a dense model."""
    unvisited = _unvisited_share(experts, top_k, batch, ops)
    if not (experts and top_k) or top_k >= experts:  # (dense: nothing routed, and no division by 1 − k/E = 0)
        return unvisited
    return (parameters - active) / (1.0 - top_k / experts) * bytes_per_param * unvisited


def kv_bytes_per_token(req: Request, tensor: Any = 1, ops: Any = SCALAR) -> Any:
    """KV cache bytes per token of context on a replica of tensor-parallel degree ``tensor``: K and V of
    ``kv_dim`` per layer; where the model has fewer KV heads than ``tensor`` each device still holds one
    (TensorRT-LLM and vLLM replicate them [TRTLLM-BENCH-TUNING]), so the width is at least
    ``tensor · head_width``."""
    return 2.0 * req.layers * ops.maximum(req.kv_dim, tensor * req.head_width) * req.kv_bytes


def figures(
    req: Request, x: Mapping[str, Any], *, replica: Any, tensor: Any, batch: Any, ops: Any = SCALAR, z: float = 0.0
) -> dict[str, Any]:
    """Tokens/s per accelerator, latencies and the bound at one replica size and batch (floats or arrays).
    ``x``: parameters, active_parameters, peak (TFLOP/s), bandwidth (GB/s), link (GB/s, bidirectional),
    efficiency, bandwidth_efficiency, collective_efficiency, kv_ratio (r_kv, default 1). ``z``: the standard-normal quantile of
    the latency percentile (0: the mean); a request's decode steps interleave a Poisson number of
    prefills, mean ``B``, so its TPOT at that percentile is ``t_step + (B + z·√B) · T_prefill / O``."""
    weights = step_weight_bytes(req, x, batch, ops)  # (an MoE model's step reads the experts its batch visits)
    kv = kv_bytes_per_token(req, tensor, ops)
    read = replica * x["bandwidth"] * 1e9 * x["bandwidth_efficiency"]
    # The matmuls read the weights once per step ... (with pipeline stages across nodes, each stage reads
    # its share once per micro-batch, and the stages' micro-batches follow one another: one stage's t
    # devices read as much per step as the whole replica would, so the read runs at t devices' rate)
    t_weights = weights / (tensor * x["bandwidth"] * 1e9 * x["bandwidth_efficiency"])
    t_comp = 2.0 * x["active_parameters"] * batch / (replica * x["peak"] * 1e12 * x["efficiency"])  # ... and compute
    t_kv = batch * kv * (req.prompt + req.output / 2.0) / (read * x.get("kv_ratio", 1.0))  # attention reads the cache, after them
    link = x["link"] / 2.0 * 1e9 * x["collective_efficiency"]
    t_comm = ops.where(
        tensor > 1, 2.0 * req.layers * (COLLECTIVE_LATENCY_S + 2.0 * (tensor - 1) / tensor * 2.0 * req.d_model * batch / link), 0.0
    )
    fixed = x.get("step_overhead", 0.0) + req.layers * x.get("layer_overhead", 0.0)  # τ + L·λ
    step = overlap(t_weights, t_comp, x.get("overlap", OVERLAP_EXPONENT), ops) + t_kv + t_comm + fixed
    prefill = req.prompt * (2.0 * x["active_parameters"] + 2.0 * req.layers * (req.attention_width or req.d_model) * req.prompt) / (
        replica * x["peak"] * 1e12 * x["efficiency"]
    ) + ops.where(
        tensor > 1, 2.0 * req.layers * (COLLECTIVE_LATENCY_S + 2.0 * (tensor - 1) / tensor * 2.0 * req.d_model * req.prompt / link), 0.0
    )
    per_replica = batch * req.output / (req.output * step + batch * prefill)
    return {
        "tokens_per_second": per_replica / replica,
        "tpot": step + (batch + z * ops.sqrt(batch)) * prefill / req.output,
        "ttft": prefill + step,
        "memory_bound": t_weights + t_kv >= t_comp,
    }


def drained_run(req: Request, x: Mapping[str, Any], *, replica: int, tensor: int, batch: int, requests: int) -> float:
    """Tokens/s per accelerator of a finite run: ``requests`` identical requests queued at once (a
    throughput benchmark's dataset). The runtime admits as many as the batch holds; requests of one
    length start and finish together, so the run is ``⌊N/B⌋`` waves of ``B`` and one of the rest, each
    taking ``O · t_step(b) + b · T_prefill`` (the continuous-batching formula of :func:`figures` at
    batch ``b``): ``tokens/s = N · O / Σ waves``. An endless stream of requests is the limit
    ``N → ∞``, where the partial wave vanishes."""
    b = max(1, min(batch, requests))
    full, rest = divmod(requests, b)

    def wave(n: int) -> float:  # seconds of one wave of n sequences
        f = figures(req, x, replica=replica, tensor=tensor, batch=n)
        return float(n * req.output / (f["tokens_per_second"] * replica))

    seconds = full * wave(b) + (wave(rest) if rest else 0.0)
    return requests * req.output / seconds / replica


def max_batch_in_memory(req: Request, x: Mapping[str, Any], replica: int, tensor: int = 1) -> int:
    """Sequences whose whole context (P + O) the KV cache holds: the cache gets the share
    :data:`KV_FREE_FRACTION` of the memory left after the weights and each device's runtime reserve."""
    weights = weight_bytes(req, x)
    free = KV_FREE_FRACTION * (replica * (x["memory_gb"] - RUNTIME_RESERVE_GB) * 1e9 - weights)
    per_seq = kv_bytes_per_token(req, tensor) * (req.prompt + req.output)
    if not free > 0 or not per_seq > 0:
        return 0
    fits = free / per_seq
    return int(min(fits, 1e9)) if fits == fits else 0


REPLICA_SIZES = (1, 2, 4, 8, 16, 32, 64)
"""Replica sizes tried when the option does not fix one, on a node of a power of two devices (see
:func:`replica_sizes`): beyond a node a replica is pipeline stages of a node each, which read the weights
no faster than one node (so they win only where a node's memory limits the model or its batch)."""


def replica_sizes(node: int) -> tuple[int, ...]:
    """The replica sizes the search tries on nodes of ``node`` devices, up to :data:`REPLICA_SIZES`' last: the
    powers of two within a node (tensor parallel), then whole nodes, doubling (pipeline stages of a node
    each): the sizes an option's ``ID@N`` may fix. On nodes of a power of two these are :data:`REPLICA_SIZES`;
    on nodes of 3, 1, 2, 3, 6, 12, 24, 48 (a replica of 4 there has no layout: it is refused as ``ID@4``)."""
    inside = [k for k in REPLICA_SIZES if k <= node]
    beyond = [node << j for j in range(REPLICA_SIZES[-1].bit_length()) if node << j <= REPLICA_SIZES[-1]]
    return tuple(sorted(set(inside + beyond)))


def tensor_of(replica: int, node: int) -> int:
    """Tensor-parallel degree of a replica: all of it within a node, else the node (pipeline across)."""
    return min(replica, node)


def choose(
    req: Request,
    x: Mapping[str, Any],
    *,
    node: int,
    max_batch: int,
    replica: int | None = None,
    tpot_s: float | None = None,
    ttft_s: float | None = None,
    z: float = 0.0,
    demand: float | None = None,
) -> Choice | None:
    """The replica size and batch that fit memory and meet the latency targets, over
    :func:`replica_sizes` (beyond a node, pipeline stages of a node each), with the most tokens/s per
    accelerator; given the ``demand`` (tokens/s the whole fleet must serve), the one whose fleet of
    whole replicas, ``max(⌈demand / (X · k)⌉ · k, k)``, is the smallest, the most tokens/s per
    accelerator among equals (a larger replica that is 2 % faster per accelerator must not double a
    fleet that one smaller replica covers). ``None`` when none can."""
    sizes = [replica] if replica is not None else list(replica_sizes(node))
    return _best(req, x, sizes, node, max_batch, tpot_s, ttft_s, z, demand)


def fleet_size(demand: float, tokens_per_second: float, replica: int) -> float:
    """Accelerators in whole replicas of ``replica`` that serve ``demand`` tokens/s at ``tokens_per_second``
    per accelerator (at least one replica); the engine's fleet formula at one point. Infinite when the rate is
    too small for the quotient to be a float (a bandwidth of 1e-300 GB/s): no whole fleet serves it."""
    replicas = demand / tokens_per_second / replica if tokens_per_second > 0 else math.inf
    if not math.isfinite(replicas):
        return math.inf
    return max(math.ceil(replicas) * replica, replica)


def _best(
    req: Request,
    x: Mapping[str, Any],
    sizes: list[int],
    node: int,
    max_batch: int,
    tpot_s: float | None,
    ttft_s: float | None,
    z: float,
    demand: float | None = None,
) -> Choice | None:
    best: Choice | None = None
    by_fleet = demand is not None and math.isfinite(demand) and demand > 0

    def better(k: int, tps: float) -> bool:
        if best is None:
            return True
        if by_fleet:
            assert demand is not None
            mine, theirs = fleet_size(demand, tps, k), fleet_size(demand, best.tokens_per_second, best.replica)
            if mine != theirs:
                return mine < theirs
        return tps > best.tokens_per_second * (1 + 1e-9)

    for k in sizes:
        t = tensor_of(k, node)
        if k // t > req.layers:  # a pipeline stage holds at least one layer
            continue
        cap = min(max_batch, max_batch_in_memory(req, x, k, t))
        if cap < 1:
            continue
        limited = "memory" if cap < max_batch else "max_batch"

        def ok(b: int, k: int = k, t: int = t) -> bool:
            f = figures(req, x, replica=k, tensor=t, batch=b, z=z)
            return (tpot_s is None or f["tpot"] <= tpot_s) and (ttft_s is None or f["ttft"] <= ttft_s)

        if not ok(1):
            continue
        lo, hi = 1, cap
        if not ok(cap):
            while lo < hi:  # the largest batch that meets the targets (latency rises with the batch)
                mid = (lo + hi + 1) // 2
                if ok(mid):
                    lo = mid
                else:
                    hi = mid - 1
            f1 = figures(req, x, replica=k, tensor=t, batch=lo + 1, z=z)
            limited = "time_per_output_token" if tpot_s is not None and f1["tpot"] > tpot_s else "time_to_first_token"
        b = lo if not ok(cap) else cap
        f = figures(req, x, replica=k, tensor=t, batch=b, z=z)
        tps = float(f["tokens_per_second"])
        if not math.isfinite(tps):
            continue
        if better(k, tps):
            best = Choice(
                replica=k,
                tensor=t,
                batch=b,
                tokens_per_second=tps,
                time_per_output_token_s=float(f["tpot"]),
                time_to_first_token_s=float(f["ttft"]),
                bound="memory-bandwidth" if f["memory_bound"] else "compute",
                limited_by=limited,
            )
    return best
