"""Shared performance pieces: shapes, peaks, goodput, and the inference roofline (pure, no I/O).

The training model (parallel layout and step time) is :mod:`tco.training`. Formulas and sources:

* goodput ``G = 1 − T_s/T_c − (T_c/2 + T_r)/M`` with ``M = 1/(λ·n)`` and Young's interval
  ``T_c = sqrt(2·M·T_s)`` (Young 1974);
* serving is :mod:`tco.serving`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from tco.errors import MissingInputError
from tco.models import MAX_ACCELERATORS as MAX_ACCELERATORS  # (the count bound, for the modules that read it here)
from tco.models import (
    Accelerator,
    InferenceWorkload,
    Precision,
    Quantity,
    Scenario,
    TrainingWorkload,
    default_heads,
)

HOURS_PER_YEAR = 8766.0
"""365.25 days × 24 h, as Epoch AI uses (cost-model §4.3)."""


USABLE_MEMORY_FRACTION = 0.9
"""Share of device memory usable by the model; the rest is runtime and fragmentation (estimate)."""


def require(q: Quantity | None, path: str, *, profile: str, how: str | None = None) -> float:
    """Return ``q.value`` or raise :class:`MissingInputError` naming the input and how to give it."""
    if q is None or q.value is None:
        where = {"scenario": "the scenario's file", "workload": "the workload's file"}.get(profile, "a profile file")
        hint = how or f"--set {profile}.{path}=VALUE, or {where} with {path}"
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
    attention_width: int = 0  # query heads × head width; d_model unless the shape says otherwise
    ffn_dim: int = 0  # FFN hidden width; 0: 4·d_model
    gated_ffn: bool = False  # three FFN matrices (SwiGLU) instead of two
    vocab: int = 0  # 0: unknown (no logits memory counted)
    tied_embeddings: bool = False

    def __post_init__(self) -> None:
        if self.heads <= 0:
            object.__setattr__(self, "heads", default_heads(self.d_model))
        if self.attention_width <= 0:
            object.__setattr__(self, "attention_width", self.d_model)

    @property
    def parameters(self) -> float | None:
        """Parameters the shape implies, when its FFN width and vocabulary are known: per layer the
        attention's ``2·d·a + 2·d·kv`` (Q, O; K, V) and the FFN's ``3·d·f`` (gated) or ``2·d·f``; the
        embeddings ``V·d``, twice unless tied. Norms and biases are left out (under 0.1 %)."""
        return self.least_parameters if self.ffn_dim and self.vocab else None

    @property
    def least_parameters(self) -> float:
        """Parameters the shape implies at least, from what it gives: per layer the attention's
        ``2·d·a + 2·d·kv``, plus the FFN where its width is known and the embeddings where the vocabulary is
        (:attr:`parameters` when both are)."""
        d = float(self.d_model)
        ffn = (3.0 if self.gated_ffn else 2.0) * d * self.ffn_dim
        return self.layers * (2.0 * d * self.attention_width + 2.0 * d * self.kv_dim + ffn) + self.vocab * d * (
            1.0 if self.tied_embeddings else 2.0
        )


KNOWN_SHAPES: tuple[tuple[str, float, int, int, int, int, int, int, bool, bool], ...] = (
    # name, parameters, layers, d_model, heads, kv_heads, ffn_dim, vocab, gated FFN, tied embeddings:
    # published architectures
    ("GPT-3 1.3B [GPT3-2020]", 1.3e9, 24, 2048, 16, 16, 8192, 50257, False, True),
    ("Llama 2 7B [LLAMA2-2023]", 6.74e9, 32, 4096, 32, 32, 11008, 32000, True, False),
    ("Llama 3 8B [LLAMA3-2024]", 8.03e9, 32, 4096, 32, 8, 14336, 128256, True, False),
    ("Llama 2 13B [LLAMA2-2023]", 13.0e9, 40, 5120, 40, 40, 13824, 32000, True, False),
    ("Llama 2 70B [LLAMA2-2023]", 69.0e9, 80, 8192, 64, 8, 28672, 32000, True, False),
    ("Llama 3 70B [LLAMA3-2024]", 70.6e9, 80, 8192, 64, 8, 28672, 128256, True, False),
    ("GPT-3 175B [GPT3-2020]", 175e9, 96, 12288, 96, 96, 49152, 50257, False, True),
    ("Nemotron-4 340B [NEMOTRON4-2024]", 340e9, 96, 18432, 96, 8, 73728, 256000, False, False),
    ("Llama 3 405B [LLAMA3-2024]", 405e9, 126, 16384, 128, 8, 53248, 128256, True, False),
    ("MT-NLG 530B [MTNLG-2022]", 530e9, 105, 20480, 128, 128, 81920, 50257, False, True),
)
"""Shapes of well-known dense models; a parameter count within 1 % of one is given its shape. FFN widths
and vocabularies: Llama 3's from its paper's Table 3 (a 128K-token vocabulary, 128,256 entries in the
released configuration) [LLAMA3-2024]; Llama 2's 32k vocabulary from its paper and its FFN widths from
Meta's released configuration [LLAMA2-2023]; GPT-3 and MT-NLG ``d_ff = 4·d_model`` [GPT3-2020] with
GPT-2's 50,257-entry vocabulary shared by input and output; Nemotron-4 340B's squared-ReLU FFN of
73,728 and 256,000-entry vocabulary [NEMOTRON4-2024]. Each reproduces its published parameter count
within 1 % (:attr:`Shape.parameters`; a test checks)."""


def infer_shape(parameters: float) -> Shape:
    """The published shape of a known model within 1 % of ``N`` parameters (:data:`KNOWN_SHAPES`), else
    a standard decoder shape: ``N ≈ 12·L·d²`` with ``d ≈ 128·L`` (GPT-3/Llama aspect ratio), ``d``
    rounded to a multiple of 1,024 (of 128 below that), ``L`` then from ``N``, and no grouped-query
    attention (KV width = model width); its FFN width and vocabulary stay unknown."""
    for _name, n, layers, d_model, heads, kv_heads, ffn, vocab, gated, tied in KNOWN_SHAPES:
        if abs(parameters / n - 1) <= 0.01:
            kv = d_model // heads * kv_heads
            return Shape(layers, d_model, kv, inferred=True, heads=heads, ffn_dim=ffn, gated_ffn=gated, vocab=vocab, tied_embeddings=tied)
    # d ≈ 128·L, rounded to whole heads of 128 in groups of 8 from 1,024 up (so that tensor parallelism
    # over 2, 4 or 8 devices divides the heads, as in every published model of that size), then L from N.
    d_model = (parameters / 12.0) ** (1 / 3) * 128.0 ** (1 / 3)  # (128·N/12)^(1/3), without overflowing at 1e308
    step = 1024 if d_model >= 1024 else 128
    d_model = max(128, round(d_model / step) * step)
    layers = max(1, round(parameters / (12.0 * d_model**2)))
    return Shape(layers=layers, d_model=d_model, kv_dim=d_model, inferred=True)


def known_shape_name(parameters: float) -> str | None:
    return next((name for name, n, *_ in KNOWN_SHAPES if abs(parameters / n - 1) <= 0.01), None)


def workload_shape(workload: TrainingWorkload | InferenceWorkload) -> Shape:
    if workload.shape is not None:
        s = workload.shape
        ffn = s.ffn_dim or 0
        gated = s.gated_ffn if s.gated_ffn is not None else bool(ffn) and ffn != 4 * s.d_model
        shape = Shape(
            s.layers,
            s.d_model,
            s.kv_dim or s.d_model,
            inferred=False,
            heads=s.heads or 0,
            ffn_dim=ffn,
            gated_ffn=gated,
            vocab=s.vocab or 0,
            tied_embeddings=s.tied_embeddings,
        )
        return replace(shape, attention_width=shape.heads * s.head_dim) if s.head_dim else shape
    # An MoE model's layers and width follow its active parameters (DeepSeek-V3: 37B active, 61 layers of
    # 7,168; a dense 671B shape would be twice as wide), so the shape is inferred from those.
    active = workload.active_parameters if workload.active_parameters is not None else workload.parameters
    return infer_shape(active.value or 0.0)


def active_parameters(workload: TrainingWorkload | InferenceWorkload) -> float:
    q = workload.active_parameters if workload.active_parameters is not None else workload.parameters
    return require(q, "active_parameters" if workload.active_parameters else "parameters", profile=workload.id)


def training_flops_per_token(*, active_params: float, shape: Shape, seq_len: int) -> float:
    """``F = 6·N_active + 12·L·a·s`` FLOPs per trained token (PaLM App. B)."""
    return 6.0 * active_params + attention_flops_per_token(shape, seq_len)


def attention_flops_per_token(shape: Shape, seq_len: int) -> float:
    """``12·L·a·s``: the attention FLOPs the MFU convention counts per trained token, ``a`` the attention
    width (query heads × head width; d_model for most models)."""
    return 12.0 * shape.layers * shape.attention_width * seq_len


PEAK_FIELD: dict[Precision, str] = {
    Precision.bf16: "bf16_tflops",
    Precision.fp16: "fp16_tflops",
    Precision.fp8: "fp8_tflops",
    Precision.int8: "int8_tops",
    Precision.fp4: "fp4_tflops",
}


def peak_field(accel: Accelerator, precision: Precision) -> str:
    """The ``[peak]`` field a precision runs at. BF16 and FP16 run on the same 16-bit tensor units of
    every listed part, so when one of them is unknown the other stands in. A part without an FP8 (or
    INT8) peak runs the job in 16-bit: its BF16 (else FP16) peak is used; one without an FP4 peak runs
    it in FP8 where it has FP8 units, else in 16-bit."""
    name = PEAK_FIELD[precision]
    if _known_peak(accel, name):
        return name
    fallbacks = {
        Precision.bf16: ("fp16_tflops",),
        Precision.fp16: ("bf16_tflops",),
        Precision.fp8: ("bf16_tflops", "fp16_tflops"),
        Precision.int8: ("bf16_tflops", "fp16_tflops"),
        Precision.fp4: ("fp8_tflops", "bf16_tflops", "fp16_tflops"),
    }[precision]
    return next((f for f in fallbacks if _known_peak(accel, f)), name)


def runs_in(accel: Accelerator, precision: Precision) -> Precision:
    """The precision a job of ``precision`` runs in on ``accel``: its own, or the one whose peak
    :func:`peak_field` falls back to (FP8 for FP4 on a part without FP4 units, 16-bit for FP8 without
    FP8 units), which also sets the bytes of its weights."""
    field = peak_field(accel, precision)
    return precision if field == PEAK_FIELD[precision] else next(p for p, f in PEAK_FIELD.items() if f == field)


def attention_peak_field(accel: Accelerator, precision: Precision) -> str:
    """The ``[peak]`` field a job's attention runs at: 16-bit whatever the matmuls' precision (FP8
    recipes keep attention in BF16), FP16 for an FP16 job (its BF16 figure, if any, is another unit's)."""
    return peak_field(accel, Precision.fp16 if precision is Precision.fp16 else Precision.bf16)


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
    rates; ``λ = 0`` loses nothing), floored at 0: :func:`goodput_at` of :func:`goodput_rates`."""
    rates = goodput_rates(failure_rate=failure_rate, save_minutes=save_minutes, restart_minutes=restart_minutes, ops=ops)
    return goodput_at(rates, count, ops)


def goodput_rates(*, failure_rate: Any, save_minutes: Any, restart_minutes: Any, ops: Any = SCALAR) -> tuple[Any, Any]:
    """``(A, B)`` of ``G(n) = 1 − A·√n − B·n``: ``A = sqrt(2·T_s·λ)``, ``B = T_r·λ`` (days, per
    accelerator), folded once where many counts are scored (the layout search)."""
    return ops.sqrt(2.0 * (save_minutes / 1440.0) * failure_rate), (restart_minutes / 1440.0) * failure_rate


def goodput_at(rates: tuple[Any, Any], count: Any, ops: Any = SCALAR) -> Any:
    """``G = max(1 − A·√n − B·n, 0)`` on ``n`` accelerators (:func:`goodput_rates`)."""
    a, b = rates
    return ops.maximum(1.0 - a * ops.sqrt(count) - b * count, 0.0)


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
