"""The training performance model: parallel layout, step time, tokens/s per accelerator (pure).

One implementation, used by every command: ``tco compare`` and the analyses through
:func:`tco.engine.evaluate_plan` (plain floats, or numpy arrays for thousands of scenarios at once),
``tco estimate`` and ``tco calibrate`` through the same engine call. docs/training-model.md states
the formulas with their derivations and sources.

A layout is a tensor-parallel degree ``t`` (within a node), pipeline stages ``p``, expert-parallel
degree ``e`` (MoE; carved out of data parallelism), data-parallel degree ``d``, micro-batches of one
sequence, activation recomputation ``none | selective | full`` and optimizer-state sharding
(``ZeRO-1``: distributed optimizer, or ``ZeRO-3``: everything sharded, parameters gathered again for
every micro-batch). For each candidate:

* memory per device: training state ``(2 + g + 12/d)·N_dev`` (ZeRO-1) or ``(14 + g)·N_dev/d`` (ZeRO-3),
  ``g`` the gradient bytes (4: FP32, Megatron's default for BF16 and FP8; 2 for FP16 and FSDP), with
  ``N_dev = N_dense/(t·p) + N_experts/(t·p·e)``, plus activations of ``L`` layers of one sequence
  (1F1B keeps ``p`` micro-batches of ``L/p`` layers on the first stage):
  ``s·h·(34 + 5·a·s/h)/t`` bytes per layer without recomputation, ``34·s·h/t`` selective (attention
  recomputed, FlashAttention-style), ``2·s·h/t`` full (Korthikanti et al. 2022). The least
  recomputation that fits is used; a tuned stack recomputes in full only as many layers as memory
  needs (the rest selective), typical and FSDP stacks every layer; with ZeRO-3 and no pipeline a
  micro-batch holds as many sequences as fit;
* seconds of one accelerator per token, summed over the model (``u``):
  matmuls ``(6·N_act·imbalance + recompute) / (peak · ε)`` with ``ε`` = the part's achievable matmul
  fraction (a microbenchmark) × the software efficiency of the tuning level and maturity,
  attention ``6·L·w·s / (peak16 · ε_sw · a · r_attn)`` (the causal half of the 12·L·w·s the MFU
  counts; ``w`` the attention width, heads × head width; ``ε_sw`` the software efficiency alone,
  ``a`` the attention kernel's benchmark fraction of peak for the workload's kernel,
  FlashAttention-2 or the part's native one),
  memory-bound element-wise work ``β·L·h·2 bytes / bandwidth``, tensor-parallel collectives
  ``c·L·2(t−1)/t·2h bytes / link`` (``c = 4 + 2φ``, φ the share fully recomputed) and MoE all-to-all
  ``4·k·L·2h·(e−1)/e bytes / link`` (in-node link while the group fits a node, else scale-out), and
  for MoE the expert weights read per micro-batch where that exceeds their FLOPs (a roofline),
  the communication reduced by the overlap of the tuning level;
* step time with the 1F1B pipeline schedule: ``(G·s/d + (p−1)·s) · u / (t·p) + exposed DP``, where
  ``G`` is the global batch in sequences; the data-parallel gradient reduction moves
  ``(d−1)/d · (g + 2k)·N_dev`` bytes, a reduce-scatter of gradients and ``k`` gathers of 16-bit
  parameters (``k = 1`` with ZeRO-1, ``2m`` with ZeRO-3 and ``m`` micro-batches), over
  the in-node link when the whole job fits a node, else at the scale-out bandwidth × the group's
  members per node (one ring per NIC), and hides up to the overlap share behind one micro-batch's
  forward and backward with ZeRO-1 (gradients accumulate and are reduced in the last micro-batch only
  [MEGATRON-SCHEDULES]), behind every micro-batch's backward with ZeRO-3;
* tokens/s per accelerator ``G·s / (step · n)``, ``n`` counting accelerators left idle when the
  batch or the layout cannot use them (beyond the batch's data-parallel limit extra accelerators do
  not help: the scaling limit).

The layout with the most tokens/s is chosen (``d`` is the largest the batch and count allow, or the
point past which gradient reduction stops hiding, whichever is faster). Software enters through the
tuning level and the ecosystem maturity: ``ε`` (share of peak that matmul kernels reach), ``β``
(element-wise traffic per token and layer, in ``h``-wide 16-bit vectors) and the overlap shares.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tco.memo import remember
from tco.models import InterconnectClass, Maturity, Tuning
from tco.perf import SCALAR, USABLE_MEMORY_FRACTION, goodput_at, goodput_rates

# ----------------------------------------------------------------------------- constants

GEMM_EFFICIENCY: dict[Tuning, float] = {Tuning.typical: 0.45, Tuning.tuned: 0.725}
"""ε: share of the dense peak the matmul kernels of a CUDA-class stack reach, by tuning level.
FITTED by ``tco calibrate --fit`` on the fit half of profiles/benchmarks on 2026-11-30 (see docs/training-model.md)."""

ELEMENTWISE_VECTORS: dict[Tuning, float] = {Tuning.typical: 200.0, Tuning.tuned: 200.0}
"""β: memory-bound element-wise traffic (layer norms, activations, residuals, dropout, optimizer
excluded) per token and layer, forward plus backward, in ``d_model``-wide 16-bit vectors; fused kernels
(tuned) move less. FITTED with :data:`GEMM_EFFICIENCY`."""

ATTENTION_RATIO = 0.775
"""Share of its kernel benchmark (the profile's ``attention_efficiency``) that attention reaches inside
a training step, relative to the share :data:`GEMM_EFFICIENCY` gives the matmuls; applied to the causal
half of the attention FLOPs the kernels execute. FITTED with :data:`GEMM_EFFICIENCY`."""

ATTENTION_KERNEL_DEFAULT = 0.725
"""Attention kernel fraction of peak ÷ matmul fraction, assumed for a profile with no attention
measurement: the A100's FlashAttention-2 (0.63 of peak forward + backward [DAO-2023]) ÷ its measured
matmul fraction (0.869 [MAMF]), i.e. a kernel written for its hardware. An estimate."""

MOE_DISPATCH_VECTORS = 190.0
"""Memory-bound routing work of an MoE layer (gating, permutation into expert order and back, forward
and backward), per token and per routed expert, in ``d_model``-wide 16-bit vectors. FITTED on the MoE
rows of the fit half."""

FP8_GEMM_RATIO = 0.94
"""Matmul efficiency under FP8 ÷ under BF16 (scaling and casts; NVIDIA NeMo's FP8 MFU is 0.70–0.73 of
BF16's against a twice larger peak). FITTED with :data:`GEMM_EFFICIENCY`."""

OVERLAP: dict[Tuning, tuple[float, float, float]] = {
    Tuning.typical: (0.5, 0.0, 0.0),
    Tuning.tuned: (0.9, 0.5, 0.5),
}
"""(data-parallel, tensor-parallel, expert all-to-all) share of communication hidden behind compute.
Estimates: PyTorch DDP/FSDP bucket and overlap gradient reduction with the backward pass (Li et al.
2020, arXiv:2006.15704); tensor-parallel communication overlap is a Megatron/NeMo option (tuned only);
DeepSeek-V3's DualPipe hides nearly all of its all-to-all [DEEPSEEK-V3-2024]."""

MATURITY_FACTOR: dict[Maturity, float] = {
    Maturity.reference: 1.0,
    Maturity.high: 0.875,
    Maturity.medium: 0.75,
    Maturity.low_medium: 0.625,
    Maturity.low: 0.5,
}
"""Multiplies ε for a less mature software ecosystem (kernels and compilers reach less of the peak).
Estimates: the ratios of this project's earlier per-maturity MFU defaults 0.40/0.35/0.30/0.25/0.20,
inside the cost-model's 0.20–0.45 range for non-CUDA stacks; Huawei's Pangu Ultra MoE reached MFU 0.30
on Ascend (arXiv:2505.04519)."""

MOE_LOAD_IMBALANCE = 1.10
"""Expert compute × this factor for uneven routing (estimate, range 1.0–1.3; auxiliary-loss-free
balancing keeps it near 1 [DEEPSEEK-V3-2024])."""

SCALE_OUT_DEFAULT_GBPS: dict[InterconnectClass, float] = {
    InterconnectClass.nvlink: 25.0,
    InterconnectClass.ici: 25.0,
    InterconnectClass.proprietary: 25.0,
    InterconnectClass.ethernet: 25.0,
    InterconnectClass.pcie: 12.5,
}
"""Assumed scale-out bandwidth per device (GB/s, one direction) when a profile has none: one 200 Gb/s
NIC per device for server-class parts (DGX A100 class), one 100 Gb/s NIC per device for PCIe cards.
Assumptions, stated in the notes of every result that uses them."""

MATMUL_EFFICIENCY_DEFAULT = 0.80
"""Achievable matmul FLOPS ÷ peak assumed when a profile has no measurement: about the H100's 0.80;
measured values run from 0.51 (MI300X) to 0.97 (Gaudi 2) [MAMF]. An assumption, stated in the notes."""

MATMUL_EFFICIENCY_RANGE = (0.51, 0.97)
"""The range of :data:`MATMUL_EFFICIENCY_DEFAULT`: the span of the parts measured [MAMF] (``tco sensitivity`` swings
the assumed value over it and ``tco simulate`` samples it): MI300X's 0.514 and Gaudi 2's 0.969, rounded (a test
checks it against the shipped profiles)."""

MATMUL_DEFAULT_SOURCE = (
    "[TCO] [MAMF] not measured for this part: 0.80 of peak assumed (about the H100's); the parts measured reach 0.51 "
    "(MI300X) to 0.97 (Gaudi 2), the range; set <id>.matmul_efficiency from a matmul benchmark on the part"
)
"""Where the assumed matmul fraction and its range come from, in the words the assumptions list it with."""

IN_NODE_FLOOR_GBPS = 64.0
"""In-node bandwidth assumed when a profile has none: PCIe Gen4 ×16, 64 GB/s bidirectional, the link
every listed card has at least (an assumption, stated in the notes)."""

RECOMPUTE = ("none", "selective", "full")
BYTES_GRAD = 2.0
"""Bytes of a 16-bit parameter (the copy the forward and backward use, gathered by ZeRO)."""


EXPOSED_SHARE_NOTED = 0.2
"""Share of a training step spent waiting on the data-parallel gradient reduction from which a result's
notes say why (and ``tco compare`` repeats the note on stderr)."""

EXPOSED_NOTE = "the data-parallel gradient reduction is exposed for "
"""How that note begins."""


def grad_bytes(job: Job) -> float:
    """Bytes per gradient kept and reduced: 4 where a Megatron-class stack trains in BF16 or FP8
    (Megatron-LM accumulates and all-reduces gradients in FP32 unless told otherwise: "bfloat16 requires
    gradient accumulation and all-reduce to be done in fp32" [MEGATRON-LM-ARGS]), 2 for FP16 and for
    FSDP stacks (MosaicML's PURE mixed precision reduces in 16-bit)."""
    return 4.0 if job.fp32_grads else 2.0


@dataclass(frozen=True)
class Candidate:
    """A discrete layout choice; ``d`` (data parallel) follows from the count and the batch."""

    tensor: int
    pipeline: int
    expert: int
    zero: int  # 1 or 3
    context: int = 1  # context-parallel degree: the sequence split over this many devices

    @property
    def model_devices(self) -> int:
        """Devices holding one replica of the model and one sequence: ``t · c · p``."""
        return self.tensor * self.context * self.pipeline


@dataclass(frozen=True)
class Job:
    """The discrete side of a training job on one accelerator type (chosen at plan time)."""

    layers: int
    d_model: int
    heads: int
    seq_len: int
    kv_dim: int
    fp8: bool
    experts: int  # 0 for dense
    top_k: int
    tuning: Tuning
    maturity: Maturity
    candidates: tuple[Candidate, ...]
    fsdp: bool = False  # activations either kept (FlashAttention) or checkpointed per layer: no "none"
    attention_width: int = 0  # query heads × head width; 0: d_model
    dualpipe: bool = False  # DeepSeek-V3's DualPipe schedule (see :func:`dualpipe_of`)
    fp32_grads: bool = False  # gradients kept and reduced in FP32 (see :func:`grad_bytes`)
    recompute: str | None = None  # recomputation fixed by the workload's layout ("full": every layer)
    ffn_dim: int = 0  # FFN hidden width; 0: 4·d_model (the 34·s·h of Korthikanti et al.)
    gated_ffn: bool = False
    vocab: int = 0  # 0: unknown, no logits memory counted


def dualpipe_of(job: Job, c: Candidate) -> bool:
    """DualPipe applies to a pipelined layout: it feeds micro-batches from both ends of the pipeline
    and pairs the forward chunk of one with the backward chunk of another, so the expert all-to-all
    and the pipeline sends of each run during the other's compute (fully hidden), the bubble is
    ``(p/2 − 1)`` micro-batch times instead of ``p − 1``, and every stage holds two copies of its
    parameters and ``p + 1`` micro-batches of activations [DEEPSEEK-V3-2024] §3.2.1 and Table 2."""
    return job.dualpipe and c.pipeline > 1


def default_global_batch_tokens(parameters: float) -> float:
    """``2·10^6 · (N / 7·10^9)^(1/3)`` tokens per step: GPT-3's batch sizes (0.5M tokens at 125M
    parameters, 1M at 1.3B, 2M at 6.7B, 3.2M at 175B; Brown et al. 2020 Table 2.1) and Llama 2's 4M at
    7–70B (Touvron et al. 2023) lie within a factor of two of it (an estimate)."""
    return float(2.0e6 * (parameters / 7.0e9) ** (1.0 / 3.0))


DEFAULT_BATCH_RANGE = (0.5, 2.0)
"""Low and high of :func:`default_global_batch_tokens` as multiples of it, where a workload gives no batch: the
published batches it is drawn from lie within a factor of two of it (Llama 3 405B's last, 16M tokens, is 2.1 times
it). An estimate's range: ``tco sensitivity`` swings the default batch over it and ``tco simulate`` samples it."""


DEFAULT_BATCH_SOURCE = (
    "[TCO] [GPT3-2020] [LLAMA2-2023] [LLAMA3-2024] the default global batch, 2M × (N/7B)^(1/3) tokens a step: GPT-3's "
    "batch sizes and Llama 2's 4M lie within a factor of two of it; range half to twice it (Llama 3 405B's last, 16M, is "
    "2.1 times it); set workload.global_batch_tokens to the batch the job will run"
)
"""Where :func:`default_global_batch_tokens` and its range come from, in the words the assumptions list it with."""


def candidates(
    *,
    node: int,
    layers: int,
    heads: int,
    experts: int,
    count: int | None,
    seq_len: int = 0,
    fsdp: bool = False,
    pin: Mapping[str, int | None] | None = None,
) -> tuple[Candidate, ...]:
    """Tensor degrees: powers of two up to the node and the head count. Pipeline stages: powers of
    two up to the layer count, plus divisors of ``count/t`` up to 128 (so 2,240 GPUs can run 35 stages).
    Expert degrees: powers of two up to the expert count (at most 64). Under FSDP the only layout is
    fully sharded data parallelism (ZeRO-3, no tensor, pipeline, context or expert split)."""
    if fsdp:
        return (Candidate(1, 1, 1, 3, 1),)
    pin = pin or {}
    ts = [t for t in (1, 2, 4, 8, 16, 32, 64) if t <= max(node, 1) and t <= max(heads, 1)]
    es = [e for e in (1, 2, 4, 8, 16, 32, 64) if e <= max(experts, 1)]
    # Context parallelism splits sequences of 16k tokens and more (Llama 3 used 16 at 128k).
    cs = [c for c in (1, 2, 4, 8, 16, 32) if c == 1 or seq_len // c >= 8192]
    ts = [t_pin] if (t_pin := pin.get("tensor_parallel")) else ts
    es = [e_pin] if (e_pin := pin.get("expert_parallel")) else es
    cs = [c_pin] if (c_pin := pin.get("context_parallel")) else cs
    out = []
    for t in ts:
        ps = {p for p in (1, 2, 4, 8, 16, 32, 64, 128) if p <= layers}
        if count is not None and count % t == 0:
            ps |= {p for p in range(3, min(layers, 128) + 1) if (count // t) % p == 0}
        if p_pin := pin.get("pipeline_parallel"):
            ps = {p_pin}
        for p in sorted(ps):
            for e in es:
                for z in (1, 3):
                    for c in cs:
                        out.append(Candidate(t, p, e, z, c))
    return tuple(out)


@dataclass(frozen=True)
class StepResult:
    tokens_per_second: Any  # per accelerator
    scaling_efficiency: Any  # compute share of the step × used / all accelerators
    best: int | None  # index of the chosen candidate (scalar evaluation only)
    recompute: str | None
    data_parallel: int | None
    bubble: Any = None
    full_share: float = 0.0  # share of layers recomputed in full (recompute "full")
    used: Any = None  # accelerators the chosen layout runs on (the rest idle); None: all of them
    exposed_share: float = 0.0  # share of the chosen layout's step spent waiting on the data-parallel reduction (scalar only)


def virtual_stages(job: Job, c: Candidate) -> int:
    """Model chunks per pipeline device: the interleaved 1F1B schedule of a tuned (Megatron-class)
    stack divides the bubble by ``v`` (Narayanan et al. 2021, §2.2.2) at the cost of ``v`` times the
    point-to-point traffic; typical stacks run plain 1F1B (``v = 1``). ``v`` is the largest power of
    two up to 8 that leaves every chunk at least one layer."""
    if job.tuning is not Tuning.tuned or c.pipeline == 1 or job.dualpipe:
        return 1
    v = 1
    while v < 8 and c.pipeline * v * 2 <= job.layers:
        v *= 2
    return v


def _per_token_seconds(job: Job, x: Mapping[str, Any], c: Candidate, recompute: str, ops: Any, phi: Any = 1.0) -> tuple[Any, Any]:
    """(u, compute part of u): accelerator-seconds per token for the whole model under candidate ``c``;
    under ``full`` recomputation, ``phi`` is the share of layers recomputed in full (the rest selective)."""
    L, h, s = float(job.layers), float(job.d_model), float(job.seq_len)
    eff = x["efficiency"] * x["matmul"]
    eff8 = eff * x["fp8_ratio"] if job.fp8 else eff
    active = x["active_parameters"]
    # (routing is uneven only where a token visits some of the experts: with every expert active each takes every token)
    imbalance = x["load_imbalance"] if job.experts and job.top_k < job.experts else 1.0
    # Causal attention: FlashAttention-class kernels skip the blocks above the diagonal, so they execute
    # about half of the 12·L·h·s model FLOPs the MFU convention counts (Dao 2023, §3.1.1: 1.7–1.8×
    # faster than without the mask).
    attn = 6.0 * L * float(job.attention_width or job.d_model) * s
    full = phi if recompute == "full" else 0.0
    extra_mm = 2.0 * active * full
    extra_attn = attn / 3.0 if recompute != "none" else 0.0
    gemm = (6.0 * active * imbalance + extra_mm) / (x["peak"] * 1e12 * eff8) + (attn + extra_attn) / (
        x["peak16"] * 1e12 * x["efficiency"] * x["attention"] * x["attention_ratio"]
    )
    vectors = x["elementwise"] + (x["moe_vectors"] * job.top_k if job.experts else 0.0)
    elementwise = vectors * L * h * 2.0 * (1.0 + full / 3.0) / (x["bandwidth"] * 1e9)
    _, o_tp, o_ep = OVERLAP[job.tuning]
    dual = dualpipe_of(job, c)
    if dual:
        o_ep = 1.0
    link = x["link"] / 2.0 * 1e9  # bidirectional -> one direction, bytes/s
    comm = 0.0
    if c.pipeline > 1 and not dual:
        # Point-to-point activations between stages: 2·v boundaries per micro-batch (forward, backward),
        # each device sending its 1/t share of s·h 16-bit values; × t·p devices = whole-model seconds.
        pp_link = ops.where(c.model_devices <= x["node"], link, x["scale_out"] * 1e9)
        comm = comm + 2.0 * virtual_stages(job, c) * 2.0 * h * c.pipeline / pp_link
    if c.tensor > 1:
        colls = 4.0 + 2.0 * full
        comm = comm + (1.0 - o_tp) * colls * L * 2.0 * (c.tensor - 1) / c.tensor * 2.0 * h * c.tensor / link
    if c.context > 1:
        # Ring attention: each layer passes K and V (forward) and their gradients (backward) around the
        # c devices of a sequence, (c − 1)·4·kv_dim bytes per token each way, 3× for forward + backward.
        cp_link = ops.where(c.tensor * c.context <= x["node"], link, x["scale_out"] * 1e9)
        comm = comm + (1.0 - o_tp) * L * 12.0 * (c.context - 1) * job.kv_dim / cp_link
    if c.expert > 1 and job.experts:
        ep_link = ops.where(c.expert * c.tensor <= x["node"], link, x["scale_out"] * 1e9)
        # Each device sends its 1/t share of the tokens' k copies; × t devices = whole-model seconds.
        comm = comm + (1.0 - o_ep) * 4.0 * job.top_k * L * 2.0 * h * (c.expert - 1) / c.expert / ep_link
    if job.experts:
        # Expert weights stream from memory once per micro-batch for the forward and the two backward
        # GEMMs, amortized over the e·s tokens an expert-parallel group routes to them: fine-grained
        # experts with few tokens each are memory-bound (a roofline per expert GEMM).
        experts_total = _expert_parameters(job, x, ops)
        expert_compute = 6.0 * imbalance * experts_total * job.top_k / job.experts / (x["peak"] * 1e12 * eff8)
        stream = 3.0 * BYTES_GRAD * experts_total / (c.expert * s) / (x["bandwidth"] * 1e9)
        gemm = gemm + ops.maximum(stream - expert_compute, 0.0)
    compute = gemm + elementwise
    return compute + comm, compute


def _expert_parameters(job: Job, x: Mapping[str, Any], ops: Any) -> Any:
    """Parameters in routed experts: the total less the active count holds the E − k experts a token
    does not visit, so all E hold ``(N − N_active) · E / (E − k)``."""
    if not job.experts:
        return 0.0
    return ops.minimum((x["parameters"] - x["active_parameters"]) * job.experts / max(job.experts - job.top_k, 1), x["parameters"])


def _state_bytes(job: Job, x: Mapping[str, Any], c: Candidate, d: Any, ops: Any) -> tuple[Any, Any]:
    """(training-state bytes per device, parameters per device) for candidate ``c`` at data parallel ``d``."""
    n_dev = _device_parameters(job, x, c, ops)
    return _state_at(job, c, n_dev, d), n_dev


def _device_parameters(job: Job, x: Mapping[str, Any], c: Candidate, ops: Any) -> Any:
    """Parameters per device under candidate ``c`` (its expert-parallel degree splits the routed experts)."""
    n_total = x["parameters"]
    experts_params = _expert_parameters(job, x, ops)
    return (n_total - experts_params) / (c.tensor * c.pipeline) + experts_params / (c.tensor * c.pipeline * c.expert)


def _state_at(job: Job, c: Candidate, n_dev: Any, d: Any) -> Any:
    """Training-state bytes per device of ``n_dev`` parameters per device at data parallel ``d``."""
    g = grad_bytes(job)  # 16-bit parameters, gradients, then FP32 master weights, momentum and variance
    state = n_dev * (BYTES_GRAD + g + 12.0 / d) if c.zero == 1 else (BYTES_GRAD + g + 12.0) * n_dev / d
    if dualpipe_of(job, c):
        state = state + BYTES_GRAD * n_dev  # the second copy of the 16-bit parameters
    return state


LOGIT_BYTES = 4.0
"""Bytes per logit the training loss keeps for its backward: the cross-entropy's FP32 logits, one per
token and vocabulary entry, split over the tensor-parallel ranks (Megatron's vocabulary-parallel
loss). The logit matrix is the largest single activation of small large-vocabulary models
[CCE-2025]; the 4 bytes (FP32) are an estimate, range 2–6."""


def activation_bytes(job: Job, c: Candidate, recompute: str) -> float:
    """Activation bytes per device of one sequence, at the pipeline stage that holds the most: the first
    (L layers' worth: p micro-batches in flight of L/p layers each) or the last (one micro-batch of
    L/p layers, plus the logits). Per layer and token, in units of ``h`` bytes [KORTHIKANTI-2022]:
    the attention block and norms 15, the FFN ``3 + 4·f/h`` (two matrices) or ``3 + 6·f/h`` (gated:
    the gate's and up-projection's outputs and their product), 34 in all at ``f = 4h``; ``5·a·s/h``
    more without recomputation, 2 (the layer's input) with full recomputation. The logits take
    ``LOGIT_BYTES · s · V / t`` when the vocabulary is known."""
    L, h, s = float(job.layers), float(job.d_model), float(job.seq_len)
    ffn = 3.0 + (6.0 if job.gated_ffn else 4.0) * job.ffn_dim / h if job.ffn_dim and not job.experts else 19.0
    per_layer = {"none": 15.0 + ffn + 5.0 * job.heads * s / h, "selective": 15.0 + ffn, "full": 2.0}[recompute]
    split = c.tensor * c.context
    kept = (c.pipeline + 1.0) / c.pipeline if dualpipe_of(job, c) else 1.0  # p + 1 micro-batches in flight
    first = L * s * h * per_layer * kept / split
    if not job.vocab:
        return first
    logits = LOGIT_BYTES * s * job.vocab / split
    # DualPipe feeds both ends: its first stage is also a last stage
    last = first if dualpipe_of(job, c) else L / c.pipeline * s * h * per_layer / split
    return max(first, last + logits)


def _full_share(job: Job, x: Mapping[str, Any], c: Candidate, state: Any, ops: Any, acts: Mapping[str, float] | None = None) -> Any:
    """Least share of layers to recompute in full (the rest selective) for the activations to fit beside
    ``state``, rounded up to whole layers per pipeline stage (Megatron's ``--recompute-method block
    --recompute-num-layers``); above 1 when even full recomputation does not fit. ``acts``: the candidate's
    :func:`activation_bytes` per recomputation, where the caller has them."""
    acts = acts or _activations(job, c)
    sel, full = acts["selective"], acts["full"]
    free = USABLE_MEMORY_FRACTION * x["memory_gb"] * 1e9 - state
    phi = ops.maximum((sel - free) / (sel - full), 0.0)
    per_stage = max(job.layers / c.pipeline, 1.0)
    return ops.where(phi <= 1.0, ops.minimum(ops.ceil(phi * per_stage - 1e-9) / per_stage, 1.0), phi)


def _full_variants(job: Job, recompute: str, zero3_flat: bool) -> tuple[int, ...]:
    """How full recomputation may cover the layers: 0 = only as many as memory needs (Megatron's
    ``--recompute-num-layers``, a tuned stack's option), 1 = every layer. Typical stacks (Megatron-LM
    2021's ``--checkpoint-activations``, DeepSpeed and Hugging Face gradient checkpointing) and FSDP
    stacks (an activation-checkpointing wrapper on every block, as MosaicML's llm-foundry applies it)
    checkpoint every layer or none; a tuned ZeRO-3 stack may also checkpoint every layer to free memory
    for larger micro-batches."""
    if recompute != "full":
        return (0,)
    if job.fsdp or job.tuning is not Tuning.tuned or job.recompute == "full":
        return (1,)
    return (0, 1) if zero3_flat else (0,)


def _activations(job: Job, c: Candidate) -> dict[str, float]:
    """:func:`activation_bytes` of candidate ``c`` under each recomputation (the layout search asks for them
    at every degree it tries; they depend on the job and the candidate alone)."""
    return {r: activation_bytes(job, c, r) for r in RECOMPUTE}


def evaluate(
    job: Job,
    x: Mapping[str, Any],
    ops: Any = SCALAR,
    subset: Sequence[int] | None = None,
    scores: dict[int, float] | None = None,
    *,
    grouped: bool = True,
) -> StepResult:
    """Tokens/s per accelerator of the fastest layout. ``x`` holds the continuous inputs (floats or
    arrays): parameters, active_parameters, matmul, attention, count, global_batch_tokens, peak, peak16, memory_gb,
    bandwidth, link (in-node, bidirectional), scale_out, node, efficiency, elementwise, fp8_ratio,
    attention_ratio, moe_vectors, load_imbalance. Infeasible everywhere gives 0 tokens/s; an unknown input gives NaN.
    ``scores`` (scalar only) receives each candidate's best tokens/s, for :func:`shortlist`."""
    n = x["count"]
    s = float(job.seq_len)
    batch = ops.maximum(ops.floor(x["global_batch_tokens"] / s), 1.0)  # sequences per step
    o_dp = OVERLAP[job.tuning][0]
    best_tps: Any = 0.0 * n
    best_eff: Any = 0.0 * n
    best_i: int | None = None
    best_meta: tuple[str, int, Any, float, float] | None = None
    best_used: Any = n
    best_score: Any = 0.0 * n
    scalar = ops is SCALAR
    # Layouts are judged by what they deliver under failures: tokens/s × the goodput of the accelerators
    # they run on (tco.perf.goodput_value), so a layout that runs more of them for 0.2 % more speed but
    # loses 0.8 % more to failures is not chosen, and more accelerators never converge later (the extra
    # ones sit idle). Unknown failure inputs leave raw speed to decide.
    known = {k: x.get(k, 0.0) for k in ("failure_rate", "save_minutes", "restart_minutes")}
    rates = goodput_rates(ops=ops, **{k: ops.where(v == v, v, 0.0) for k, v in known.items()})
    knees: dict[tuple[int, float], Any] = {}
    indices = range(len(job.candidates)) if subset is None else subset
    most = float(n) if scalar else float(ops.max(n))  # (not NaN: a count is always known)
    grouped = grouped and _groupable(x, scalar)
    memory = USABLE_MEMORY_FRACTION * x["memory_gb"] * 1e9
    if not scalar:  # (the size and dimensions of the inputs the search computes with: a block of degrees adds rows)
        x_width = max(int(ops.size(v)) for v in x.values())
        ndim = max(int(ops.ndim(v)) for v in (n, *x.values()))
    for i in indices:
        c = job.candidates[i]
        md = c.model_devices
        if md > most:
            continue  # needs more accelerators than any count asked about: usable nowhere
        tp_ok = c.tensor <= x["node"]
        n_all, groups = n, None
        if grouped:
            # Over counts alone (sizing, a swept count) a layout's step depends on the count only through
            # its largest data-parallel degree: the search runs once per distinct degree, at the first
            # count (in the array's order) that has it, and only the per-accelerator figures are taken at
            # every count.
            raw = ops.floor(ops.minimum(ops.floor(n_all / md), batch) / c.expert) * c.expert
            _, first, groups = ops.unique(raw, return_index=True, return_inverse=True)
            n = n_all[first]
            local = _LocalBest(n, ops)
        replicas = ops.floor(n / md)
        d_max = ops.floor(ops.minimum(replicas, batch) / c.expert) * c.expert
        usable = tp_ok & (d_max >= c.expert) if not scalar else (tp_ok and d_max >= c.expert)
        d_max = ops.maximum(d_max, float(c.expert))
        zero3_flat = c.zero == 3 and c.pipeline == 1  # micro-batch size set by the memory left over
        acts = _activations(job, c)
        # Gradient bytes per device and the link they cross (neither depends on the recomputation).
        n_dev = _device_parameters(job, x, c, ops)
        grad, param = grad_bytes(job) * n_dev, BYTES_GRAD * n_dev  # one reduce-scatter of gradients, gathers of parameters
        in_node = md * d_max <= x["node"]
        # Across nodes every device of a node carries the data-parallel collectives on its own NIC: with
        # m members of a group per node (the node ÷ the TP × CP devices placed on it), NCCL's rings pass
        # each device's share at m × its scale-out bandwidth, up to the in-node link [NCCL-RINGS].
        members = ops.maximum(ops.floor(x["node"] / (c.tensor * c.context)), 1.0)
        dp_link = ops.where(in_node, x["link"] / 2.0, ops.minimum(x["scale_out"] * members, x["link"] / 2.0)) * 1e9

        def window_of(compute: Any, md: int = md) -> Any:
            """Backward-pass seconds (× 1/d) the gradient reduction can hide behind."""
            return o_dp * (2.0 / 3.0) * batch * s * compute / md

        # DualPipe's (p/2 − 1)(F&B + B − 3W) is counted as p/2 − 1 whole micro-batches (an upper bound)
        bubble = c.pipeline / 2.0 - 1.0 if dualpipe_of(job, c) else (c.pipeline - 1.0) / virtual_stages(job, c)
        clamp = float(c.expert)
        d_fail: Any = None  # (the failure knee and the grid below it: computed once a recomputation fits)
        grid: list[Any] = []
        full_seconds: dict[float, tuple[Any, Any]] = {}  # (scalar) u and its compute part per share of full recomputation
        for r in (job.recompute,) if job.recompute else RECOMPUTE[1:] if job.fsdp else RECOMPUTE:
            # The state per device falls as d rises, so where this recomputation does not fit at the largest
            # degree it fits at none: every degree would score 0 (and the pruning below would not stop here).
            # Small arrays: skipped where that holds at every element (or the layout is usable at none); on
            # large ones the test costs about what it would save.
            width = 1 if scalar else max(int(ops.size(n)), x_width)
            if scalar or 2 * width <= BLOCK_ELEMENTS:
                top = _state_at(job, c, n_dev, d_max)
                fits_top = _full_share(job, x, c, top, ops, acts) <= 1.0 if r == "full" else top + acts[r] <= memory
                if not (fits_top if scalar else _anywhere(usable & fits_top)):
                    continue
            if d_fail is None:
                d_fail = knees.get((md, bubble))
                if d_fail is None:  # (the same for every layout of as many devices a replica and bubble: computed once)
                    knee = failure_knee(rates, md, ops) if bubble == 0 else bubble_knee(rates, md, batch, bubble, ops)
                    d_fail = knees[(md, bubble)] = knee
                gridded = (d_max >= 16) | (d_fail < d_max)
                # Past a handful of replicas or where failures cap the degree, a coarse grid below the largest
                # and below the knee (the knee's closed form leaves out the gradient reduction, whose exposure
                # grows with d: the best degree can lie below both). Per scenario, as the scalar search does:
                # elsewhere the grid is the largest degree again. (It does not depend on the recomputation.)
                grid = (
                    [ops.where(gridded, ops.floor(end * q / c.expert) * c.expert, d_max) for end in (d_max, d_fail) for q in DEGREE_GRID]
                    if _anywhere(gridded)
                    else []
                )
                grid = [ops.minimum(ops.maximum(d, clamp), d_max) for d in grid]  # (within [e, d_max], as every degree tried)
            u, compute = _per_token_seconds(job, x, c, r, ops)
            window = window_of(compute)
            # d past which the reduction stops hiding behind the backward pass: vol·grad/link·(d−1) = window.
            d_knee = 1.0 + window / ops.maximum((grad + (1.0 if c.zero == 1 else 2.0) * param) / dp_link, 1e-30)
            all_fit = True  # this recomputation fits at every d tried (scalar pruning below)
            knee_degrees = (f(k / c.expert) * c.expert for k in (d_knee, d_fail) for f in (ops.floor, ops.ceil))
            tried: list[Any] = []
            seen: set[float] = set()
            for d in [d_max, *(ops.minimum(ops.maximum(d, clamp), d_max) for d in knee_degrees), *grid]:
                # each distinct degree once (a knee past d_max is d_max); a scalar by value (NaN, equal to
                # nothing, every time, as the arrays' test keeps it)
                if scalar:
                    if d in seen:
                        continue
                    if d == d:
                        seen.add(d)
                tried.append(d)
            # Arrays: the distinct degrees stacked as the rows of blocks, each evaluated at once (the same
            # elementwise arithmetic, row by row, as one degree at a time, for a tenth of the interpreter's work).
            for d in tried if scalar else _row_blocks(tried, width, ndim, ops):
                state = _state_at(job, c, n_dev, d)
                for all_layers in _full_variants(job, r, zero3_flat):
                    phi: Any = 0.0
                    u_d, compute_d = u, compute
                    if r == "full":
                        # As many layers recomputed in full as memory needs (the rest selective); with
                        # ZeRO-3 also all of them, which frees memory for larger micro-batches.
                        phi = _full_share(job, x, c, state, ops, acts)
                        fits = phi <= 1.0
                        phi = ops.minimum(phi, 1.0) if all_layers == 0 else 1.0
                        if not scalar:
                            u_d, compute_d = _per_token_seconds(job, x, c, r, ops, phi)
                        elif (known_seconds := full_seconds.get(phi)) is not None:
                            u_d, compute_d = known_seconds
                        else:
                            u_d, compute_d = full_seconds.setdefault(phi, _per_token_seconds(job, x, c, r, ops, phi))
                    else:
                        fits = state + acts[r] <= memory
                    ok = (usable & fits) if not scalar else (usable and fits)
                    if scalar and not fits:
                        all_fit = False
                    micro = batch / d
                    # ZeRO-1 reduces gradients and gathers parameters once per step (2 ring passes); ZeRO-3
                    # gathers parameters for the forward and the backward of every micro-batch (2·m + 1).
                    # Without pipelining a micro-batch holds as many sequences as the memory left over
                    # holds (FSDP users raise the micro-batch until memory is full), so m = ceil(G/d / mbs).
                    if c.zero == 1:
                        vol: Any = 2.0
                    elif c.pipeline == 1:
                        kept = acts[r if r != "full" else "selective"]
                        per_seq = phi * acts["full"] + (1.0 - phi) * kept
                        mbs = ops.maximum(ops.floor((memory - state) / per_seq), 1.0)
                        vol = 1.0 + 2.0 * ops.ceil(micro / mbs - 1e-9)
                    else:
                        vol = 1.0 + 2.0 * micro
                    t_dp = (d - 1.0) / d * (grad + (vol - 1.0) * param) / dp_link
                    if c.zero == 1:
                        # ZeRO-1 accumulates gradients over the step's micro-batches and reduces them only
                        # in the last one's backward (Megatron and DDP skip the sync for the others
                        # [MEGATRON-SCHEDULES]), then
                        # gathers parameters behind the next step's first forward: one micro-batch of one
                        # sequence, forward and backward, is all the cover the reduction has.
                        exposed = ops.maximum(t_dp - o_dp * ops.minimum(micro, 1.0) * s * compute_d / md, 0.0)
                    else:
                        exposed = ops.maximum(t_dp - window_of(compute_d) / d, 0.0)
                    # (a floor of 1e-300 s: absurdly large peaks and bandwidths underflow u to 0)
                    step = ops.maximum((micro + bubble) * s * u_d / md + exposed, 1e-300)
                    tps = batch * s / (step * n)
                    eff = micro * s * compute_d / md / step * (d * md / n)
                    tps = ops.where(ok, tps, 0.0)
                    g = goodput_at(rates, ops.minimum(d * md, n), ops)
                    score = tps * ops.maximum(g, 1e-12)  # (no goodput anywhere: the fastest, reported infeasible later)
                    if scalar:
                        if tps != tps:
                            return StepResult(math.nan, math.nan, None, None, None)
                        if scores is not None and score > scores.get(i, 0.0):
                            scores[i] = score
                        if score > best_score * (1.0 + 1e-12):
                            best_tps, best_eff, best_i, best_score = tps, ops.where(ok, eff, 0.0), i, score
                            best_meta = (r, int(d), bubble / (micro + bubble), float(phi), float(exposed / step))
                            best_used = d * md
                    elif groups is not None:
                        if bool((tps != tps).any()):
                            return evaluate(job, x, ops, subset, grouped=False)  # (an unknown's NaN: the plain search keeps its order)
                        # the block's first best row at each element, as taking the rows one at a time would
                        rows = ops.broadcast_arrays(score, step, d, compute_d, ok, g)
                        first = ops.argmax(rows[0], axis=0)[None]
                        local.take(*(ops.take_along_axis(v, first, 0)[0] for v in rows))
                    else:
                        # (each of them has the block's rows first: all four depend on the degree)
                        for score_j, tps_j, eff_j, d_j in zip(score, tps, eff, d, strict=True):
                            better = score_j > best_score
                            best_used = ops.where(better, d_j * md, best_used)
                            best_eff = ops.where(better, eff_j, best_eff)
                            best_tps = ops.where(better, tps_j, best_tps)
                            best_score = ops.where(better, score_j, best_score)
                            best_tps = ops.where(tps_j != tps_j, math.nan, best_tps)
            if scalar and all_fit and usable and not zero3_flat:
                break  # less recomputation fits at every d tried: more would only add work
        if groups is not None:
            # The candidate's best layout per degree, at every count: the same arithmetic as above.
            n = n_all
            step, d, compute_d, ok, g = (v[groups] for v in (local.step, local.d, local.compute, local.ok, local.goodput))
            tps = ops.where(ok, batch * s / (step * n), 0.0)
            eff = batch / d * s * compute_d / md / step * (d * md / n)
            score = tps * ops.maximum(g, 1e-12)
            better = score > best_score
            best_used = ops.where(better, d * md, best_used)
            best_eff = ops.where(better, eff, best_eff)
            best_tps = ops.where(better, tps, best_tps)
            best_score = ops.where(better, score, best_score)
    # An unknown input the fit or the speed depends on makes the answer unknown, never 0.
    poison = 0.0 * (x["memory_gb"] + x["peak"] + x["peak16"] + x["bandwidth"] + x["link"] + x["scale_out"] + x["parameters"])
    if scalar:
        if poison != poison:
            return StepResult(math.nan, math.nan, None, None, None)
        if best_meta is None:
            return StepResult(0.0, 0.0, None, None, None)
        return StepResult(
            best_tps, best_eff, best_i, best_meta[0], best_meta[1], best_meta[2], best_meta[3], used=best_used, exposed_share=best_meta[4]
        )
    return StepResult(best_tps + poison, best_eff + poison, None, None, None, used=best_used)


GROUP_FROM = 256
"""Counts in one vectorized evaluation from which the layout search runs once per distinct
data-parallel degree (:func:`evaluate`), when the count is the only input that varies."""


def _groupable(x: Mapping[str, Any], scalar: bool) -> bool:
    """Whether ``x`` varies in its count alone, over at least :data:`GROUP_FROM` counts."""
    if scalar or getattr(x["count"], "size", 1) < GROUP_FROM or getattr(x["count"], "ndim", 0) != 1:
        return False
    return all(getattr(v, "ndim", 0) == 0 for k, v in x.items() if k != "count")


class _LocalBest:
    """One candidate's best layout per group of counts (:func:`evaluate`): the first of the highest score,
    as the running search takes it."""

    def __init__(self, n: Any, ops: Any) -> None:
        self.ops = ops
        self.score = 0.0 * n
        self.step = self.score + math.inf  # (no layout fits: 0 tokens/s)
        self.d = self.score + 1.0
        self.compute = self.score
        self.ok = self.score > 0.0
        self.goodput = self.score

    def take(self, score: Any, step: Any, d: Any, compute: Any, ok: Any, goodput: Any) -> None:
        where, better = self.ops.where, score > self.score
        self.score = where(better, score, self.score)
        self.step = where(better, step, self.step)
        self.d = where(better, d, self.d)
        self.compute = where(better, compute, self.compute)
        self.ok = where(better, ok, self.ok)
        self.goodput = where(better, goodput, self.goodput)


BLOCK_ELEMENTS = 1 << 16
"""Elements of one block of degrees the vectorized layout search evaluates at once (:func:`_row_blocks`):
enough rows to spare the interpreter, few enough that a Monte Carlo run's arrays stay small."""


def _row_blocks(degrees: Sequence[Any], width: int, ndim: int, ops: Any) -> list[Any]:
    """The degrees (arrays) as the rows of blocks of at most :data:`BLOCK_ELEMENTS` elements, counting each
    row as ``width`` elements, the size of the search's arrays (one row at least); each distinct row once, in
    order: a row equal everywhere to an earlier one is left out, and a row with an unknown (NaN) element
    equals none, as ``d == e`` has it. A block has the search's ``ndim`` dimensions after its rows, so that
    it broadcasts against the search's other arrays row by row."""
    if width * 2 > BLOCK_ELEMENTS:
        # One row a block: each degree keeps its own shape (a degree that is one value for every element
        # stays one value: the arithmetic on it alone stays cheap).
        kept: list[Any] = []
        for d in degrees:
            if not any(bool(ops.all(d == e)) for e in kept):
                kept.append(d)
        return [ops.reshape(d, (1, *(1,) * max(ndim - ops.ndim(d), 0), *ops.shape(d))) for d in kept]
    shape = ops.broadcast_shapes(*(ops.shape(d) for d in degrees))
    seen: set[bytes] = set()
    rows = []
    for d in degrees:
        row = ops.broadcast_to(d, shape) + 0.0  # (+ 0.0: -0.0 and 0.0 one value, as == has them)
        key = row.tobytes()
        if key not in seen or bool((row != row).any()):
            seen.add(key)
            rows.append(row)
    per_block = BLOCK_ELEMENTS // max(width, 1)
    lead = (1,) * max(ndim - len(shape), 0)
    return [ops.stack(rows[i : i + per_block]).reshape((-1, *lead, *shape)) for i in range(0, len(rows), per_block)]


def _anywhere(cond: Any) -> bool:
    return bool(cond.any()) if hasattr(cond, "any") else bool(cond)


DEGREE_GRID = (0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.5)
"""From 16 replicas up, shares of the largest degree and of the failure knee also tried: the knees' closed
forms leave out the gradient reduction, whose exposure grows with d (a smaller micro-batch hides less of
it), so the best degree can lie below both."""


def failure_knee(rates: tuple[Any, Any], model_devices: int, ops: Any = SCALAR) -> Any:
    """The data-parallel degree d past which more replicas lose more to failures than they add:
    the maximum of ``d · G(d·m)`` (throughput ∝ d, goodput of the d·m accelerators running) with
    ``G = 1 − b·√d − a·d``, ``b = A·√m = sqrt(2·T_s·λ·m)``, ``a = B·m = T_r·λ·m`` (``rates = (A, B)`` of
    :func:`tco.perf.goodput_rates`, days):
    ``1 − 1.5·b·√d − 2·a·d = 0``, so ``√d = (−1.5·b + sqrt(2.25·b² + 8·a)) / (4·a)`` (``1/(1.5·b)`` with no
    restart time; no failures: no knee, ``inf``). A candidate degree of the layout search, beside the
    largest and the gradient reduction's knee, so the layout a smaller count runs stays open to a larger
    one (its extra accelerators idle) and more accelerators never converge later."""
    b = rates[0] * math.sqrt(model_devices)
    a = rates[1] * model_devices
    with_restart = (-1.5 * b + ops.sqrt(2.25 * b * b + 8.0 * a)) / ops.maximum(4.0 * a, 1e-300)
    no_restart = 1.0 / ops.maximum(1.5 * b, 1e-300)
    root = ops.where(a > 0, with_restart, ops.where(b > 0, no_restart, math.inf))
    return ops.minimum(root * root, 1e15)


def bubble_knee(rates: tuple[Any, Any], model_devices: int, batch: Any, bubble: float, ops: Any = SCALAR) -> Any:
    """:func:`failure_knee` for a pipeline: at a fixed global batch of ``batch`` sequences a replica runs
    ``batch/d`` micro-batches and the bubble ``β`` on top, so throughput ∝ ``d/(batch + β·d)``, not ``d``.
    The maximum of ``d/(batch + β·d) · G(d·m)`` is where
    ``batch·G = d·(batch + β·d)·(b/(2√d) + a)`` (``b``, ``a`` as in :func:`failure_knee`; β = 0 gives its
    closed form), found by bisection on a log scale (the left side falls and the right rises with d)."""
    b = rates[0] * math.sqrt(model_devices)
    a = rates[1] * model_devices
    if ops is not SCALAR:
        # Where the failure inputs and the batch are one value across the array (a Monte Carlo run or a sweep
        # that samples neither), one bisection serves every element: the same arithmetic on one element,
        # broadcast (a bisection of 100,000 elements takes ~30 ms, and a Monte Carlo run of two options made 48).
        arrays = [ops.ravel(ops.asarray(v, dtype=float)) for v in (b, a, batch)]
        shape = ops.broadcast_shapes(*(ops.shape(v) for v in (b, a, batch)))
        if shape and all(v.size and v[0] == v.min() == v.max() for v in arrays):
            one = _bubble_bisection(arrays[0][:1], arrays[1][:1], arrays[2][:1], bubble, ops)
            return ops.broadcast_to(one, shape).copy()
        # Elements that differ: bisected each, and remembered by value, since a measured run's ratio
        # evaluates the model twice on one set of failure inputs (at the inputs and as measured).
        import hashlib

        full = ops.broadcast_arrays(*(ops.asarray(v, dtype=float) for v in (b, a, batch)))
        key = (bubble, shape, hashlib.blake2b(b"".join(ops.ascontiguousarray(v).tobytes() for v in full), digest_size=16).digest())
        known = _BUBBLE_KNEES.get(key)
        if known is None:
            known = _bubble_bisection(b, a, batch, bubble, ops)
            remember(_BUBBLE_KNEES, key, known, _BUBBLE_KNEES_MAX)
        return known.copy()
    return _bubble_bisection(b, a, batch, bubble, ops)


_BUBBLE_KNEES: dict[tuple[Any, ...], Any] = {}
_BUBBLE_KNEES_MAX = 8
"""Knees of arrays already bisected in this process, keyed by the bubble and the bytes of the inputs."""


def _bubble_bisection(b: Any, a: Any, batch: Any, bubble: float, ops: Any) -> Any:
    """The bisection of :func:`bubble_knee` (``b``, ``a`` scaled to the replica)."""
    lo: Any = 1.0 + 0.0 * batch
    hi: Any = 1e15 + 0.0 * batch
    for _ in range(60):
        mid = ops.sqrt(lo * hi)
        root = ops.sqrt(mid)
        gain = batch * (1.0 - b * root - a * mid) - mid * (batch + bubble * mid) * (b / (2.0 * root) + a)
        lo, hi = ops.where(gain > 0, mid, lo), ops.where(gain > 0, hi, mid)
    return ops.where((a > 0) | (b > 0), lo, 1e15)


_SHORTLISTS: dict[tuple[Any, ...], tuple[int, ...]] = {}
_SHORTLISTS_MAX = 256
"""Shortlists already found in this process, keyed by value: the job (a frozen dataclass) and the inputs
(numbers). The bought and the rented copy of one part, and an analysis planning the same job again,
search the layouts once (``compare h800 h800:rent -w deepseek-v3``: two searches of ~0.8 s became one)."""


def shortlist(job: Job, x: Mapping[str, Any], keep: int = 6) -> tuple[int, ...]:
    """Indices of the ``keep`` fastest candidates at the nominal inputs (the fastest first among
    equals, as :func:`evaluate` chooses), so thousands of sampled scenarios are evaluated over a few
    layouts, not all of them. Remembered per value (:data:`_SHORTLISTS`)."""
    try:
        key: tuple[Any, ...] | None = (job, keep, tuple(sorted(x.items())))
        hash(key)
    except TypeError:  # (an array among the inputs: not remembered)
        key = None
    if key is not None and (hit := _SHORTLISTS.get(key)) is not None:
        return hit
    found = _shortlist(job, x, keep)
    if key is not None:
        remember(_SHORTLISTS, key, found, _SHORTLISTS_MAX)
    return found


def _shortlist(job: Job, x: Mapping[str, Any], keep: int) -> tuple[int, ...]:
    best: dict[int, float] = {}
    whole = evaluate(job, x, SCALAR, scores=best).tokens_per_second
    if whole == whole:  # one pass scored every candidate
        ranked = sorted((-best.get(i, 0.0), i) for i in range(len(job.candidates)))
    else:  # an unknown input stopped the pass: score the candidates one by one (an unknown scores 0)
        ranked = []
        for i in range(len(job.candidates)):
            v = evaluate(job, x, SCALAR, subset=(i,)).tokens_per_second
            ranked.append((-(v if v == v else 0.0), i))
        ranked.sort()
    return tuple(sorted(i for _, i in ranked[:keep]))


def gemm_efficiency(tuning: Tuning, maturity: Maturity, *, fp8: bool = False) -> float:
    """ε for a tuning level and ecosystem maturity (× the FP8 ratio for FP8 matmuls)."""
    return GEMM_EFFICIENCY[tuning] * MATURITY_FACTOR[maturity] * (FP8_GEMM_RATIO if fp8 else 1.0)


def min_accelerators(job: Job, x: Mapping[str, Any]) -> int | None:
    """Smallest count at which some layout holds the training state and the activations (full
    recomputation, ZeRO-3 or ZeRO-1 as needed), or None when no count can (one sequence's activations
    do not fit even split over a node)."""
    best: int | None = None
    mem = USABLE_MEMORY_FRACTION * x["memory_gb"] * 1e9
    batch = max(math.floor(x["global_batch_tokens"] / job.seq_len), 1)
    for c in job.candidates:
        if c.tensor > x["node"]:
            continue
        n_dev = _state_bytes(job, x, c, 1.0, SCALAR)[1]
        act = activation_bytes(job, c, job.recompute if job.recompute in ("none", "selective") else "full")
        avail = mem - act
        if avail <= 0:
            continue
        kept = BYTES_GRAD + grad_bytes(job)  # 16-bit parameters and gradients
        need_d = (kept + 12.0) * n_dev / avail  # ZeRO-3
        if avail > kept * n_dev:
            need_d = min(need_d, 12.0 * n_dev / (avail - kept * n_dev))
        if not need_d < 1e12:
            continue
        d = max(math.ceil(need_d - 1e-9), 1)
        d = math.ceil(d / c.expert) * c.expert
        if d > batch or not d < 1e12:
            continue
        n = c.model_devices * d
        if best is None or n < best:
            best = n
    return best
