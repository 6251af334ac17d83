"""``tco estimate``: throughput, layout and memory fit of one model on one accelerator, from flags (or a Python
caller's arguments) rather than a workload file; its errors name the flag (or argument) that gave the input."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from tco import engine, loader, perf
from tco.api import COMMAND_LINE, ESTIMATE_INPUTS, LAYOUT_FLAGS, SHAPE_FLAGS, number_argument, public, ref_names, whole_argument
from tco.errors import (
    ASCII_SPACE,
    WHOLE_DIGITS,
    InputError,
    NotFoundError,
    ProblemList,
    TcoError,
    ascii_float,
    did_you_mean,
    fold,
    is_bool,
    not_finite,
    show_number,
    show_whole,
    too_large,
)
from tco.models import (
    BYTES_PER_PARAM,
    MAX_COUNT,
    TINY,
    InferenceWorkload,
    ModelShape,
    Precision,
    Records,
    StrictModel,
    TrainingWorkload,
    Tuning,
    default_heads,
    digits_hint,
    plain_digits,
)

_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}


def parse_count_text(text: str, *, what: str = "--params") -> float:
    """``"6.7e9"``, ``"6.7B"``, ``"70b"``, ``"405M"`` -> a positive number. The digits are read as every number
    flag reads them (:func:`~tco.errors.ascii_float`): grouped by single underscores between digits (``70_000M``),
    never by commas (``1,5B`` is not 15B)."""
    t = text.strip(ASCII_SPACE)  # (not NEL or a no-break space, which no number flag takes)
    mult, suffix = 1.0, ""
    if t and t[-1].lower() in _SUFFIX:
        mult, t, suffix = _SUFFIX[t[-1].lower()], t[:-1], t[-1]
    try:
        value = ascii_float(t) * mult
    except ValueError:
        hint = digits_hint(t, write=f"{plain_digits(t)}{suffix}")
        raise InputError(f"expected a number such as 6.7e9 or 6.7B, got '{text}'{hint}", key=what) from None
    if WHOLE_DIGITS.fullmatch(t) and len(t) >= 309:  # (it reads as inf: name its length, as --set does)
        big = too_large(int(t) if len(t.replace("_", "")) <= 4000 else 10**4000)
        if big is not None:
            raise InputError(big, key=what)
    return _positive(value, what, shown=text)


def _positive(value: float, key: str, *, shown: str | None = None) -> float:
    """``value`` if positive, finite and at least :data:`~tco.models.TINY` (a subnormal would be refused
    later under the model field's name rather than the flag's), else an InputError naming ``key``."""
    got = shown if shown is not None else show_number(value)
    if not math.isfinite(value):  # (NaN and infinity named as every other path names them, not as typed: 'nan', '1e999')
        raise InputError(not_finite(value, "a finite positive number", signed=False), key=key)
    if not value > 0:  # (in the words of the size and cash-flow flags, which refuse the same values: 'got -1', unquoted)
        raise InputError(f"expected a positive number, got {got}", key=key)
    if value < TINY:
        raise InputError(f"expected a positive number of at least {TINY:g}, got {got}", key=key)
    return value


class Estimate(StrictModel, Records):
    """``tco estimate``: the derived throughput of one accelerator for an ad-hoc model."""

    schema_version: int = 1
    accelerator: str
    mode: str
    parameters: float  # --params: for an MoE model the active count (what each token computes with)
    total_parameters: float | None = None  # --total-params: an MoE model's total (memory holds it); None for dense
    seq_len: int
    count: int
    precision: str
    tokens_per_second_per_accelerator: float
    mfu: float | None
    mfu_source: str | None
    scaling_efficiency: float
    goodput: float | None  # None: a failure or checkpoint input is unknown (the notes name it)
    min_accelerators_for_memory: int
    fits_in_memory: bool
    bound: str
    layout: dict[str, Any] | None = None  # the parallel layout the training model chose
    replica_accelerators: int | None = None
    batch: int | None = None
    time_per_output_token_ms: float | None = None
    time_to_first_token_ms: float | None = None
    training_tokens: float | None = None  # --tokens: the whole run, for the three figures below
    time_to_converge_hours: float | None = None  # wall clock at the count, goodput included
    time_to_converge_days: float | None = None
    accelerator_hours: float | None = None  # count × wall clock, as published runs quote GPU-hours
    notes: list[str]


def _default_seq_len(prompt: float | None, output: float | None) -> int:
    """``tco estimate``'s sequence length when not given: 2048, or a request's prompt plus output if longer.
    With only one of them given the other defaults to half the sequence, so the sequence is twice it. A request
    longer than any sequence is refused by the flag that gave it, not held to the 2048 no flag gave."""
    try:
        total = (prompt or 0.0) + (output or 0.0) if (prompt is None) == (output is None) else 2.0 * (prompt or output or 0.0)
        if total > MAX_COUNT and all(v is None or (math.isfinite(v) and v >= 1) for v in (prompt, output)):
            flag, one = ("--prompt-tokens", prompt) if prompt is not None else ("--output-tokens", output)

            def shown(v: float) -> str:
                return f"{v:,.0f}" if v == math.floor(v) and v < 1e21 else show_number(v)

            what = (
                f"a request of {shown(prompt)} + {shown(output)} tokens"
                if prompt is not None and output is not None
                else f"a request of {shown(one or 0.0)} {flag[2:-7]} tokens and as many {'output' if flag[2] == 'p' else 'prompt'} tokens"
                " (by default, half the sequence each)"
            )
            raise InputError(f"{what} exceeds the longest sequence, {MAX_COUNT:,} tokens", key=flag)
        return max(2048, math.ceil(total)) if math.isfinite(total) else 2048
    except (TypeError, OverflowError):  # (a value no float holds: the argument's own check names it)
        return 2048


@public
def estimate(
    accelerator: str | Path,
    *,
    parameters: float,
    seq_len: int | None = None,
    count: int | None = None,
    precision: Precision | Literal["bf16", "fp16", "fp8", "int8", "fp4"] = Precision.bf16,
    mode: str = "train",
    scenario: str | Path | None = None,
    sets: Sequence[str] = (),
    dirs: Sequence[Path] | None = None,
    shape: Mapping[str, int | None] | None = None,
    replica: int | None = None,
    max_batch: int | None = None,
    tuning: Tuning | Literal["typical", "tuned"] | None = None,
    global_batch_tokens: float | None = None,
    total_parameters: float | None = None,
    experts: int | None = None,
    experts_per_token: int | None = None,
    layout: Mapping[str, int | str | None] | None = None,
    prompt_tokens: float | None = None,
    output_tokens: float | None = None,
    time_per_output_token_ms: float | None = None,
    time_to_first_token_ms: float | None = None,
    latency_percentile: float | None = None,
    training_tokens: float | None = None,
) -> Estimate:
    """Derived throughput, MFU, scaling, goodput and memory fit without a workload file, through the same
    engine path as ``compare``. ``shape`` (layers, d_model, heads, kv_heads, head_dim, ffn_dim, vocab)
    replaces the inferred shape.
    ``seq_len`` defaults to 2048, or the prompt plus output lengths where longer (as ``tco estimate``).
    For an MoE model ``parameters`` is the active count and ``total_parameters`` the total.
    ``training_tokens`` (training) adds the whole run's wall clock and accelerator-hours."""
    accelerator = str(accelerator)  # (a profile's path may be a pathlib.Path, as load_inputs takes it)
    base = re.split(r"[@:]", accelerator, maxsplit=1)[0]
    if base != accelerator and base.strip() and not loader.looks_like_path(accelerator):  # (no id holds '@' or ':')
        # An option of compare's (ID@COUNT, ID:rent): estimate takes the part alone, and a count as its own input.
        how = ("--count N (training) or --replica N (serving)", "count=N or replica=N")[0 if COMMAND_LINE.get() else 1]
        raise NotFoundError(
            f"estimate takes one accelerator id or profile path, not an option (ID@COUNT, ID:rent): give '{base}', and a count with {how}",
            where=accelerator,
        )
    if accelerator == loader.STDIN and scenario is not None and str(scenario) == loader.STDIN:  # (as compare refuses it)
        raise InputError("standard input holds one file: read the profile or the scenario from '-'", key="-")
    precision = Precision(precision)  # (its name, "fp8", as the README writes it: checked by @public)
    tuning = Tuning(tuning) if tuning is not None else None
    if mode not in ("train", "infer"):
        folded = str(mode).strip().lower()
        hint = f" (write '{folded}')" if folded in ("train", "infer") else ""  # (as a precision or a tuning in another case)
        raise InputError(f"expected train or infer, got '{mode}'{hint}", key="--mode")
    _check_shape_keys(shape)
    seq_given = seq_len is not None
    if seq_len is None:
        seq_len = _default_seq_len(prompt_tokens, output_tokens)
    for flag, n in (("--count", count), ("--replica", replica), ("--max-batch", max_batch), ("--seq-len", seq_len)):
        if n is not None and (whole_argument(n, flag) < 1):
            raise InputError(f"expected a whole number of at least 1, got {n}", key=flag)
    for flag, n in (("--max-batch", max_batch), ("--seq-len", seq_len)):  # (the bound --help shows and workload files have)
        if n is not None and n > MAX_COUNT:
            raise InputError(f"expected at most {MAX_COUNT:,}, got {show_whole(n, grouped=True)}", key=flag)
    for flag, n in (("--count", count), ("--replica", replica)):
        if n is not None and n > perf.MAX_ACCELERATORS:
            raise InputError(f"expected at most {perf.MAX_ACCELERATORS:,} accelerators, got {show_whole(n, grouped=True)}", key=flag)
    for flag, tokens in (("--prompt-tokens", prompt_tokens), ("--output-tokens", output_tokens)):
        if tokens is not None and number_argument(tokens, flag) < 1:
            raise InputError(f"expected at least 1 token, got {show_number(tokens)}", key=flag)
    parameters = _positive(number_argument(parameters, "--params"), "--params")
    if global_batch_tokens is not None:
        global_batch_tokens = _positive(number_argument(global_batch_tokens, "--global-batch"), "--global-batch")
    if total_parameters is not None:
        total_parameters = _positive(number_argument(total_parameters, "--total-params"), "--total-params")
    for flag, count_ in (("--params", parameters), ("--total-params", total_parameters)):
        if count_ is not None and count_ < 1:  # (--params 0.5: half a parameter; meant, most likely, 0.5B)
            shown = show_number(count_)
            raise InputError(f"expected at least 1 parameter, got {shown}: a count of parameters ({shown}B is {shown} billion)", key=flag)
    if training_tokens is not None:
        training_tokens = _positive(number_argument(training_tokens, "--tokens"), "--tokens")
    if mode == "train":
        serving_only: dict[str, object] = {"--replica": replica, "--max-batch": max_batch, "--prompt-tokens": prompt_tokens}
        serving_only |= {"--output-tokens": output_tokens, "--tpot-ms": time_per_output_token_ms}
        serving_only |= {"--ttft-ms": time_to_first_token_ms, "--percentile": latency_percentile}
        for flag, given in serving_only.items():
            if given is not None:
                raise InputError("applies to serving (--mode infer) only", key=flag)
    if mode == "infer":
        training_only: dict[str, object] = {"--global-batch": global_batch_tokens, "--tokens": training_tokens}
        training_only |= {LAYOUT_FLAGS[k]: v for k, v in (layout or {}).items()} | {"--count": count}
        for flag, given in training_only.items():
            if given is not None:
                hint = "; for serving, --replica fixes the accelerators of a replica" if flag == "--count" else ""
                raise InputError("applies to training (--mode train) only" + hint, key=flag)
    count = 8 if count is None else count  # training: the accelerators (serving reports its replica's)
    if total_parameters is not None and total_parameters < parameters:
        raise InputError(
            f"expected at least the active --params ({show_number(parameters)}), got {show_number(total_parameters)}", key="--total-params"
        )
    if total_parameters is None and experts is not None and experts_per_token is not None and experts_per_token < experts:
        # (a Python caller's error names total_parameters: the @public wrapper maps the flag to the argument)
        raise InputError(
            f"with {experts_per_token} of {experts} experts active per token, the parameters given are the active count: "
            "give the total too",
            key="--total-params",
        )
    given_flags = {
        "tuning": tuning,
        "global_batch_tokens": global_batch_tokens,
        "experts": experts,
        "experts_per_token": experts_per_token,
        "max_batch": max_batch,
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "time_per_output_token_ms": time_per_output_token_ms,
        "time_to_first_token_ms": time_to_first_token_ms,
        "latency_percentile": latency_percentile,
        **{f"shape.{k}": v for k, v in (shape or {}).items()},
        **{f"layout.{k}": v for k, v in (layout or {}).items()},
    }
    _refuse_flag_sets(sets, total_parameters is not None, {k for k, v in given_flags.items() if v is not None}, mode)
    flagged = {
        "parameters": parameters,
        **({"seq_len": seq_len} if seq_given else {}),
        **{k: v for k, v in given_flags.items() if v is not None},
    }
    with _named_by_flags(total_parameters is not None, sets, flagged, str(accelerator)):
        inputs_sets = list(sets)
        names = ref_names(accelerator, dirs)
        loader.refuse_repeated_sets(inputs_sets, [names])  # (one input is given once, as compare says)
        per_scope, w_sets, s_sets = loader.group_overrides(inputs_sets, sorted(names))
        acc = loader.load_accelerator(accelerator, overrides=[o for n in sorted(names) for o in per_scope.get(n, [])], dirs=dirs)
        sc = loader.load_scenario(None if scenario is None else str(scenario), overrides=s_sets, dirs=dirs)
        bare = acc.model_copy(update={"benchmarks": []})
        unread = _estimate_unread(inputs_sets, names, mode)
        raw: dict[str, Any] = {
            "id": "estimate",
            "name": "ad-hoc estimate",
            "parameters": {"value": total_parameters or parameters},
            "precision": precision.value,
            "seq_len": seq_len,
        }
        if total_parameters is not None:
            raw["active_parameters"] = {"value": parameters}
        training_extra = {
            "tuning": tuning.value if tuning is not None else None,
            "global_batch_tokens": {"value": global_batch_tokens} if global_batch_tokens is not None else None,
            "experts": experts,
            "experts_per_token": experts_per_token,
            "layout": {k: v for k, v in (layout or {}).items() if v is not None} or None,
        }
        shape_ = _estimate_shape(shape, parameters)
        if shape_ is not None:
            raw["shape"] = shape_.model_dump(exclude_none=True)
        shape_note = _inferred_part_note(shape, shape_, parameters)
        if mode == "train":
            raw.update(kind="training", training_tokens={"value": training_tokens or 1.0}, accelerator_count=count)
            raw.update({k: v for k, v in training_extra.items() if v is not None})
            wl = loader.workload_from_data(raw, w_sets, kind=TrainingWorkload)
            # The smallest count that holds the training state, from a plan at a count that surely does (which
            # also refuses a layout no count can run: a tensor degree past the node).
            need = engine.plan_option(engine.performance_option(bare, perf.MAX_ACCELERATORS), wl, sc, market=False).min_count
            held, spelled = engine.held_layout(wl)
            if count < held:
                raise InputError(f"the layout ({spelled}) needs {held} accelerators, more than --count {count}", key="--count")
            ev = _throughput_known(engine.evaluate_option(engine.performance_option(bare, max(count, need)), wl, sc, market=False))
            out, layout = ev.out, engine.reported_layout(ev.plan)
            notes = shape_note + _notes_as_flags(ev.plan.notes) + unread
            flags = ("--tokens", "--global-batch") if COMMAND_LINE.get() else ("training_tokens", "global_batch_tokens")
            notes += engine.batch_past_tokens(wl, main=flags[0] if training_tokens is not None else None, batch=flags[1])
            if count < need:
                notes.append(f"{count} × {acc.id} cannot hold the training state: needs at least {need} (figures at {need})")
            run: dict[str, float | None] = {"training_tokens": training_tokens}
            goodput = out["goodput"] if out["goodput"] == out["goodput"] else None
            if goodput is None:  # throughput is known without it; the days of a run are not
                unknown = [k for k in ev.missing if k.startswith("scenario.")]
                if training_tokens is not None and unknown:
                    errors = engine.missing_errors(ev.plan, unknown)
                    raise errors[0] if len(errors) == 1 else ProblemList(errors)
                notes.append(f"goodput unknown: needs {', '.join(unknown) or 'the failure inputs'} (the days of a run need it)")
            if training_tokens is not None:
                hours = out["time_to_converge_hours"]
                run.update(time_to_converge_hours=hours, time_to_converge_days=hours / 24.0, accelerator_hours=out["accelerator_hours"])
                if not all(v is not None and math.isfinite(v) for v in run.values()):
                    raise InputError(f"the run of {training_tokens:g} tokens takes longer than a float can count", key="--tokens")
            return Estimate(
                accelerator=acc.id,
                mode=mode,
                parameters=parameters,
                total_parameters=total_parameters,
                seq_len=seq_len,
                count=count,
                precision=precision.value,
                tokens_per_second_per_accelerator=out["tokens_per_second_per_accelerator"],
                mfu=out["mfu"],
                mfu_source=(
                    "workload.mfu (measured, final)"
                    if wl.mfu is not None and wl.mfu.value is not None
                    else f"layout model ({wl.tuning.value} tuning)"
                ),
                scaling_efficiency=out["scaling_efficiency"],
                goodput=goodput,
                min_accelerators_for_memory=need,
                fits_in_memory=count >= need,
                bound="compute",
                layout=layout,
                notes=notes,
                **run,
            )

        # No demand of its own: an unbounded one, so the replica is the one with the most tokens/s per accelerator.
        raw.update(kind="inference", tokens_per_day={"value": 1e30}, service_life_years={"value": 1.0})
        if max_batch is not None:  # else the workload's default, as in compare
            raw["max_batch"] = max_batch
        optional = {
            "prompt_tokens": prompt_tokens,
            "output_tokens": output_tokens,
            "time_per_output_token_ms": time_per_output_token_ms,
            "time_to_first_token_ms": time_to_first_token_ms,
        }
        raw.update({k: {"value": v} for k, v in optional.items() if v is not None})
        raw.update({k: v for k, v in (("experts", experts), ("experts_per_token", experts_per_token)) if v is not None})
        if latency_percentile is not None:
            raw["latency_percentile"] = latency_percentile
        if tuning is not None:
            raw["tuning"] = tuning.value
        # (a service's demand and life size a fleet, which estimate does not: a --set of them is noted as not read, so it
        # must not reach the replica choice, which a finite demand would make the fleet's rather than the fastest)
        read = [(path, value) for path, value in w_sets if loader.split_path(path)[0].lower() not in _FLEET_ONLY]
        iw = loader.workload_from_data(raw, read, kind=InferenceWorkload)
        option = engine.performance_option(bare, replica)
        ev = _throughput_known(engine.evaluate_option(option, iw, sc, market=False, fleet_limit=False))
        out, plan = ev.out, ev.plan
        # The memory minimum is the part's and the model's, not the replica a target or --replica chose.
        memory_minimum = engine.serving_memory_minimum(plan, engine.KnownInputs(engine.numeric_inputs(option, iw, sc)))
        if seq_given and prompt_tokens is not None and output_tokens is not None:
            # (each sequence holds its request's prompt and output, so a sequence length given beside both sizes
            # nothing: say so, as compare warns of a --set no option reads)
            seq_flag, p_flag, o_flag = ("--seq-len", "--prompt-tokens", "--output-tokens") if COMMAND_LINE.get() else _ARGS_SEQ
            unread = [
                f"{seq_flag} {seq_len:,}: not read in serving, where each sequence holds its request's {p_flag} and "
                f"{o_flag} ({show_number(prompt_tokens)} + {show_number(output_tokens)} tokens)",
                *unread,
            ]
        unread += _vocab_unread(shape, option, iw)
        return Estimate(
            accelerator=acc.id,
            mode=mode,
            parameters=parameters,
            total_parameters=total_parameters,
            seq_len=seq_len,
            count=plan.replica or replica or 1,
            precision=precision.value,
            tokens_per_second_per_accelerator=out["tokens_per_second_per_accelerator"],
            mfu=out["mfu"],
            mfu_source=None,
            scaling_efficiency=1.0,
            goodput=1.0,
            min_accelerators_for_memory=memory_minimum or plan.replica or 1,
            fits_in_memory=bool(plan.replica),
            bound=next((n.split(", ")[-1].removesuffix("-bound") for n in plan.notes if n.startswith("replica of")), "unknown"),
            replica_accelerators=plan.replica or None,
            batch=plan.batch or None,
            time_per_output_token_ms=out.get("time_per_output_token_ms"),
            time_to_first_token_ms=out.get("time_to_first_token_ms"),
            notes=shape_note + _notes_as_flags(plan.notes) + _replica_chosen(plan.replica, replica) + unread,
        )


def _vocab_unread(shape: Mapping[str, int | None] | None, option: engine.Option, workload: InferenceWorkload) -> list[str]:
    """A note when a serving estimate is given a vocabulary it never reads: weights of 16 bits or more hold the
    embeddings in the parameter count like any other weight, so only 8- and 4-bit weights (whose embedding
    matrices stay 16-bit) read it; the shape's parameter check reads it only beside an FFN width."""
    vocab = (shape or {}).get("vocab")
    ran = perf.runs_in(option.accelerator, workload.precision)
    if vocab is None or BYTES_PER_PARAM[ran] < 2 or perf.workload_shape(workload).ffn_dim:
        return []
    line = COMMAND_LINE.get()
    flag, params = (ESTIMATE_INPUTS["shape.vocab"][0 if line else 1], "--params" if line else "parameters")
    return [
        f"{flag} {vocab:,}: not read in {ran.value} serving, whose embeddings are weights counted in {params} like "
        "the others (it sizes the 16-bit embeddings of 8- or 4-bit weights, and, beside an FFN width, the shape's "
        "parameter check)"
    ]


def _replica_chosen(chosen: int | None, given: int | None) -> list[str]:
    """Why the replica is the size it is, where estimate chose it: the most tokens/s per accelerator. ``tco compare``
    sizes a fleet for the day's tokens, the smallest in whole replicas, which may be of another size."""
    if given is not None or not chosen:
        return []
    flag = "--replica N" if COMMAND_LINE.get() else "replica=N"
    return [
        "replica size: the one with the most tokens/s per accelerator (tco compare sizes the smallest fleet for the day's "
        f"tokens, which may be of replicas of another size; {flag} fixes it)"
    ]


def _inferred_part_note(shape: Mapping[str, int | None] | None, whole: ModelShape | None, parameters: float) -> list[str]:
    """The note of a shape whose layers and width were inferred from the parameter count while other
    flags (KV heads, heads, FFN width) were given: what was costed, as a fully inferred shape's note says."""
    if whole is None or shape is None or shape.get("layers") is not None:
        return []
    known = perf.known_shape_name(parameters)
    how = f"the published shape of {known}" if known else "a standard shape"
    spelled = 0 if COMMAND_LINE.get() else 1  # the flag, or the Python argument
    given = ", ".join(ESTIMATE_INPUTS[f"shape.{k}"][spelled] for k, v in shape.items() if v is not None)
    return [
        f"layers and width inferred from parameters ({how}; {given} as given): {whole.layers} layers, "
        f"d_model {whole.d_model}, KV width {whole.kv_dim or whole.d_model}"
    ]


def _notes_as_flags(notes: Sequence[str]) -> list[str]:
    """estimate has flags, not a workload file: its notes name them."""
    line = COMMAND_LINE.get()
    named = {
        "(workload.tuning = tuned:": "(--tuning tuned:" if line else "(tuning='tuned':",
        "workload.global_batch_tokens (": "--global-batch (" if line else "global_batch_tokens (",
        "workload.global_batch_tokens sets it": "--global-batch sets it" if line else "global_batch_tokens sets it",
        ": workload.global_batch_tokens)": ": --global-batch)" if line else ": global_batch_tokens)",
        "(give workload.shape.vocab)": f"(give {ESTIMATE_INPUTS['shape.vocab'][0 if line else 1]})",
    }
    out = list(notes)
    for old_text, new_text in named.items():
        out = [n.replace(old_text, new_text) for n in out]
    if line:  # "layout held to workload.layout (tensor_parallel 2, recompute full)": the flags that held it
        held = re.compile(r"layout held to workload\.layout \(([^)]*)\)")

        def flags(m: re.Match[str]) -> str:
            parts = [p.split(" ", 1) for p in m.group(1).split(", ")]
            return "layout held to " + " ".join(f"{LAYOUT_FLAGS.get(k, k)} {v}" for k, v in parts)

        out = [held.sub(flags, n) for n in out]
    return out


def _throughput_known(ev: engine.Evaluated) -> engine.Evaluated:
    """An estimate is its throughput: when an unknown input leaves it unknown, name that input."""
    tps = ev.out["tokens_per_second_per_accelerator"]
    if tps == tps:
        return ev
    missing = engine.speed_inputs(ev.missing) or list(ev.missing)  # (a missing price is compare's concern, not estimate's)
    errors = engine.missing_errors(ev.plan, missing) or [InputError("the throughput is unknown", key="accelerator")]
    raise errors[0] if len(errors) == 1 else ProblemList(errors)


_SHOWN_AS_GIVEN = ("parameters", "active_parameters", "seq_len", "precision", "kind", "accelerator_count", "training_tokens")
"""The inputs ``estimate``'s record shows as its flags gave them: a ``--set workload.X`` of one would be
computed with but shown with the flag's value, so it is refused. (The others show what was used:
``layout``, ``mfu_source`` for the tuning, the shape in the notes; their ``--set`` is the flag's equal.)"""


def _estimate_input(path: str, moe: bool) -> tuple[str, str] | None:
    """The (flag, argument) that gives the workload input at ``path`` (``layout.tensor_parallel``,
    ``parameters.value``), or None for an input ``estimate`` has no flag for."""
    parts = loader.split_path(path)
    if not parts:
        return None
    head = parts[0].split("[", 1)[0]
    found = ESTIMATE_INPUTS.get(f"{head}.{parts[1]}") if head in ("shape", "layout") and len(parts) > 1 else None
    found = found or ESTIMATE_INPUTS.get(head)
    if found is not None and head == "parameters" and moe:
        return ("--total-params", "total_parameters")
    return found


_TRAINING_ONLY = ("accelerator_count", "training_tokens", "global_batch_tokens", "layout")
_SERVING_ONLY = ("max_batch", "prompt_tokens", "output_tokens", "time_per_output_token_ms", "time_to_first_token_ms", "latency_percentile")
"""Workload inputs ``estimate`` takes in one mode only (its flags for the other mode are refused)."""


_FLEET_ONLY = ("tokens_per_day", "service_life_years")
"""A service's inputs that size its fleet and its costs: estimate reports one replica, so it reads neither."""


_REPLICA_NAMED = re.compile(r"is (\d+): [^\s;)]+@\d+(?=[;)])")
"""The option ``ID@N`` a serving misfit names as the smallest replica that holds the model: estimate's is its --replica."""

_ARGS_SEQ = ("seq_len", "prompt_tokens", "output_tokens")
"""The Python arguments of estimate's --seq-len, --prompt-tokens and --output-tokens."""


def _estimate_unread(sets: Sequence[str], names: Collection[str], mode: str = "train") -> list[str]:
    """A note per ``--set`` of the part or the scenario that estimate never reads: the inputs no plan reads
    (:func:`tco.engine.plan_free`: money, power, carbon, the weeks to market), since estimate reports speed
    and time to converge only; ``tco compare`` reads them. In serving, also a service's demand and life
    (:data:`_FLEET_ONLY`), which size a fleet estimate does not."""
    flag = "--set" if COMMAND_LINE.get() else "sets"
    parts = {n.lower() for n in names}
    out = []
    for item in sets:
        lhs = item.split("=", 1)[0].strip()
        scope, _, rest = lhs.partition(".")
        slot = "scenario" if fold(scope.strip()) == "scenario" else "accel" if fold(scope.strip()) in parts else None
        if slot is not None and rest and engine.plan_free(f"{slot}.{'.'.join(loader.split_path(rest))}"):
            out.append(f"{flag} {lhs}: not read by estimate, which reports speed and time, not cost, power or time to market")
        elif mode == "infer" and fold(scope.strip()) == "workload" and rest and loader.split_path(rest)[0] in _FLEET_ONLY:
            fleet = "which reports one replica's speed and latency, not a fleet (tco compare sizes one)"
            out.append(f"{flag} {lhs}: not read by estimate, {fleet}")
    return out


def _refuse_flag_sets(sets: Sequence[str], moe: bool, given: Collection[str] = (), mode: str = "train") -> None:
    """``estimate``'s record shows some inputs as the flags gave them (:data:`_SHOWN_AS_GIVEN`): a
    ``--set workload.X`` of one would be computed with but not shown, so it is refused, naming the flag
    (or argument) to use. A ``--set`` of an input whose flag was also given (``given``: workload paths,
    ``max_batch``, ``layout.tensor_parallel``) gives it twice: refused, as compare refuses an input set twice."""
    line = COMMAND_LINE.get()
    for item in sets:
        lhs = item.split("=", 1)[0].strip()
        scope, _, path = lhs.partition(".")
        if fold(scope.strip()) != "workload" or not path:
            continue
        found = _estimate_input(path, moe)
        if found is None:
            continue
        parts = loader.split_path(path)
        head = parts[0].split("[", 1)[0]
        other = _TRAINING_ONLY if mode == "infer" else _SERVING_ONLY
        if head in other:  # its flag would be refused too: say so, not "give the flag instead"
            only = "training (--mode train)" if mode == "infer" else "serving (--mode infer)"
            raise InputError(f"applies to {only} only", where="--set" if line else "sets", key=lhs)
        if head in _SHOWN_AS_GIVEN:
            use = f"give {found[0]} instead" if line else f"give the argument {found[1]} instead of sets"
            raise InputError(f"estimate takes this input as its own: {use}", where="--set" if line else "sets", key=lhs)
        named = f"{head}.{parts[1]}" if head in ("shape", "layout") and len(parts) > 1 else head
        if named in given or (head in ("shape", "layout") and len(parts) == 1 and any(g.startswith(head + ".") for g in given)):
            twice = f"{found[0]} and --set {lhs}" if line else f"the argument {found[1]} and sets' {lhs}"
            raise InputError(f"{twice} both give this input: give it once", where="--set" if line else "sets", key=lhs)


def _set_under(key: str, sets: Sequence[str]) -> bool:
    """Whether one of ``sets`` (``PATH=VALUE``) wrote the input ``key`` (``workload.stages``) or a part of it."""
    return any((lhs := fold(item.split("=", 1)[0].strip())) == key or lhs.startswith(f"{key}.") for item in sets)


def _given_size_input(also: Sequence[str], given: Mapping[str, Any]) -> str | None:
    """The first workload input of ``also`` (``workload.seq_len``, ``workload.shape``, ...) that one of
    estimate's flags gave (``given``: workload paths such as ``seq_len``, ``shape.d_model``, to the values
    given); of a shape, :func:`_shape_size_input`."""
    for key in also:
        scope, _, path = key.partition(".")
        hits = sorted(g for g in given if scope == "workload" and (g == path or g.startswith(path + ".")))
        if hits:
            return _shape_size_input(hits, given) if path == "shape" else hits[0]
    return None


def _shape_size_input(hits: Sequence[str], given: Mapping[str, Any]) -> str:
    """Of a shape's given keys, the one a sequence's activations grow with: its width or its layers (they
    grow with the product), of the two given the one furthest above what the parameter count implies
    (:func:`tco.perf.infer_shape`; the width on a tie), else the first given."""
    size = [k for k in ("shape.d_model", "shape.layers") if k in hits]
    if len(size) < 2:
        return size[0] if size else hits[0]
    implied = perf.infer_shape(float(given["parameters"]))
    return max(size, key=lambda k: float(given[k]) / float(getattr(implied, k.removeprefix("shape."))))


_TRAINING_ASKED = "; workload 'estimate' is a training workload"
"""The end of the engine's refusal of an inference-only part (``can_train = false``) for a training job: estimate
builds a workload named 'estimate', which no user gave; the mode flag asked for training, and is named instead."""


@contextmanager
def _named_by_flags(moe: bool, sets: Sequence[str] = (), given: Mapping[str, Any] | None = None, ref: str = "") -> Iterator[None]:
    """On the command line, an error about a workload input ``estimate`` builds from a flag names the
    flag (``--tp: 3 does not divide the 32 attention heads``), not the workload's key path; an error
    about the accelerator's input that a ``--set`` wrote names that ``--set``. A memory-fit error that
    follows from the workload's size (an error's ``also``) names the first of those inputs whose flag was
    ``given`` (workload paths to values: ``--seq-len 1e15`` is blamed, not the part's memory), as compare names
    the workload file's key. ``ref`` is the accelerator as given: a path with ``@`` in it (``./my@8.toml``)
    names its file, not the option estimate built (``h100-sxm@8``), whose count is a flag's."""
    given = given or {}

    def built(where: str | None) -> bool:
        """Whether an error is the option's estimate built, ``ID@COUNT``, and not the file given."""
        return where is not None and where != ref and re.fullmatch(r"[^@/\\]+@[0-9]+", where) is not None

    try:
        yield
    except TcoError as exc:
        written = {lhs.split(".", 1)[1]: lhs for lhs in (item.split("=", 1)[0].strip() for item in sets) if "." in lhs}
        written = {k: v for k, v in written.items() if fold(v.split(".", 1)[0]) not in ("workload", "scenario")}
        for problem in [exc, *(exc.problems if isinstance(exc, ProblemList) else [])]:
            hit = next((written[k] for k in (problem.key, *problem.also) if k in written), None)
            if hit is not None and problem.where not in (None, "--set", "sets") and not built(problem.where):
                problem.where, problem.key = ("--set" if COMMAND_LINE.get() else "sets"), hit
                continue
            # (the first input of the workload's size that a flag or a --set gave: a --set of the stages is blamed, not --params)
            first = next((k for k in problem.also if _given_size_input((k,), given) or _set_under(k, sets)), None)
            size = _given_size_input((first,), given) if first is not None else None
            if problem.key == "memory_gb" and first is not None and problem.where not in (None, "--set", "sets", "estimate"):
                problem.where, problem.key = ("estimate", size) if size else ("--set" if COMMAND_LINE.get() else "sets", first)
        if not COMMAND_LINE.get():
            for problem in [exc, *(exc.problems if isinstance(exc, ProblemList) else [])]:
                problem.message = problem.message.replace("cannot serve estimate:", "cannot serve the model:")
                problem.message = problem.message.replace(_TRAINING_ASKED, "; mode='train' asks for training: give mode='infer'")
                problem.message = problem.message.replace("workload.tuning = tuned:", "tuning='tuned':")
                problem.message = _REPLICA_NAMED.sub(r"is \1: replica=\1", problem.message)
                if built(problem.where) and problem.key is None:  # the option estimate built: its count
                    problem.where, problem.key = None, "replica" if "replica" in problem.message else "count"
                    continue
                if problem.where in ("estimate", "the command-line options") and problem.key:
                    found = _estimate_input(problem.key, moe)
                    problem.where = None  # a Python caller gave arguments, not command-line options
                    problem.key = found[1] if found is not None and "," not in found[0] else problem.key
            raise

        fields = {k.rsplit(".", 1)[-1]: v[0] for k, v in ESTIMATE_INPUTS.items() if "_" in k.rsplit(".", 1)[-1]}
        wrote = [fold(item.split("=", 1)[0].strip()) for item in sets]
        for problem in [exc, *(exc.problems if isinstance(exc, ProblemList) else [])]:
            problem.message = problem.message.replace("cannot serve estimate:", "cannot serve the model:")
            problem.message = problem.message.replace(_TRAINING_ASKED, "; --mode train (the default) asks for training: give --mode infer")
            problem.message = problem.message.replace("workload.tuning = tuned:", "--tuning tuned:")
            problem.message = _REPLICA_NAMED.sub(r"is \1: --replica \1", problem.message)
            if built(problem.where) and problem.key is None:  # the option estimate built: its count
                problem.where = "--replica" if "replica" in problem.message else "--count"
                continue
            scope, _, path = (problem.key or "").partition(".")
            if problem.where == "--set" and scope == "workload" and (flag := _estimate_input(path, moe)) and "," not in flag[0]:
                problem.message += f" (estimate's flag for it: {flag[0]})"  # a --set keeps its blame, and learns the flag
                continue
            if problem.where not in ("estimate", "the command-line options") or not problem.key:
                continue  # a profile's or scenario's own error, or a --set
            if problem.where == "estimate" and any(
                lhs == f"workload.{problem.key}" or lhs.startswith(f"workload.{problem.key}.") for lhs in wrote
            ):
                problem.where, problem.key = "--set", f"workload.{problem.key}"  # (as compare blames a --set of the table)
                continue
            found = _estimate_input(problem.key, moe)
            if found is not None and "," in found[0]:  # a table of several flags (the layout): those of it given
                named = [flag for path, (flag, _) in ESTIMATE_INPUTS.items() if path.startswith(f"{problem.key}.") and path in given]
                found = (", ".join(named), found[1]) if named else None
            if found is None:
                continue
            problem.where = None
            problem.key = found[0]
            message = re.sub(r"^(layout|shape) \w+ = ", "", problem.message).replace("(workload.layout)", f"({found[0]})")
            message = re.sub(r"^experts and ", "--experts and ", message)
            message = re.sub(r"(?<=exceed )experts(?= \()", "--experts", message)
            problem.message = re.sub(r"(?<![\w.-])(" + "|".join(fields) + r")(?![\w.])", lambda m: fields[m.group(1)], message)
        raise


def _check_shape_keys(shape: Mapping[str, int | None] | None) -> None:
    """An unknown key of ``shape`` (a misspelt ``layerz``) is an error, not silently dropped."""
    unknown = [k for k in shape or {} if k not in SHAPE_FLAGS]
    errors = [InputError(f"unknown key{did_you_mean(str(k), SHAPE_FLAGS)}", key=f"shape.{k}") for k in unknown]
    if errors:
        raise errors[0] if len(errors) == 1 else ProblemList(errors)


def _estimate_shape(shape: Mapping[str, int | None] | None, parameters: float) -> ModelShape | None:
    """The shape from ``tco estimate``'s flags. Flags that leave out the layers and width refine the
    shape inferred from the parameter count: it keeps what the flags do not give (a known model's
    heads, KV heads, FFN width and vocabulary)."""
    if not shape or not any(v is not None for v in shape.values()):
        return None
    whole: dict[str, int | None] = {}
    for k, given in shape.items():  # (the flags are bounded; a Python mapping is not)
        key = ESTIMATE_INPUTS[f"shape.{k}"][0]
        if given is None:
            whole[k] = None
            continue
        try:  # an int, numpy's too (a bool, a float or a text is no whole number)
            if is_bool(given):
                raise TypeError
            v = operator.index(given)
        except TypeError:
            text = str(given)  # (cut, and said so: the first 40 digits of a longer number are another number)
            raise InputError(f"expected a whole number, got {text if len(text) <= 40 else text[:40] + '…'}", key=key) from None
        if v < 1 or v > MAX_COUNT:
            least = f"expected a whole number of at least 1, got {show_whole(v, grouped=True)}"
            raise InputError(least if v < 1 else f"expected at most {MAX_COUNT:,}, got {show_whole(v, grouped=True)}", key=key)
        whole[k] = v
    shape = whole
    layers, d_model, heads, kv_heads, head_dim = (shape.get(k) for k in ("layers", "d_model", "heads", "kv_heads", "head_dim"))
    ffn_dim, vocab = shape.get("ffn_dim"), shape.get("vocab")
    if (layers is None) != (d_model is None):
        raise InputError("a shape needs both --layers and --d-model (or neither, to infer them from --params)", key="--layers")
    gated: bool | None = None
    tied = False
    if layers is None or d_model is None:
        inferred = perf.infer_shape(parameters)
        layers, d_model = inferred.layers, inferred.d_model
        if heads is None or heads == inferred.heads:
            kv_heads = kv_heads if kv_heads is not None or head_dim is not None else inferred.kv_dim // (d_model // inferred.heads)
        heads = heads if heads is not None else inferred.heads
        if inferred.vocab:
            ffn_dim = ffn_dim if ffn_dim is not None else inferred.ffn_dim
            gated = inferred.gated_ffn if ffn_dim == inferred.ffn_dim else None
            vocab = vocab if vocab is not None else inferred.vocab
            tied = inferred.tied_embeddings
    if head_dim is None and heads is not None and d_model % heads:
        raise InputError(f"--d-model {d_model} is not a multiple of --heads {heads}", key="--heads")

    # (KV heads with no head count: heads of width 128, as ModelShape.from_heads assumes)
    q_heads = heads if heads is not None else default_heads(d_model) if kv_heads is not None else None
    if kv_heads is not None and q_heads is not None and (kv_heads > q_heads or q_heads % kv_heads):
        raise InputError(f"--kv-heads {kv_heads} must divide --heads {q_heads}", key="--kv-heads")
    try:
        shape_ = ModelShape.from_heads(
            layers, d_model, heads, kv_heads, head_dim, ffn_dim=ffn_dim, gated_ffn=gated, vocab=vocab, tied_embeddings=tied
        )
    except ValidationError:  # the flags are bounded, so only a shape inferred from a huge count gets here
        raise InputError(
            f"no model shape can be inferred from --params {parameters:g}: give --layers and --d-model", key="--params"
        ) from None
    return shape_
