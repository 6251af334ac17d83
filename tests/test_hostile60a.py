"""Hostile round 60a: hostile input files and the model-shape flags; each defect fixed, with a test."""

from __future__ import annotations

PROFILE = """id = "{id}"
vendor = "X"
name = "X"
can_train = true
can_serve = true
memory_gb = 80
memory_bandwidth_gbps = 2000
tdp_w = 500
price_usd = 20000
[peak]
bf16_tflops = 500
[interconnect]
kind = "nvlink"
bandwidth_gbps = 600
devices_per_node = 8
[software]
stack = "X"
maturity = "reference"
"""


def _profile(tmp_path, ident: str, workload: str, tokens_per_second: float) -> str:
    """A user profile without a lead time (an unknown input), with one measured run."""
    path = tmp_path / f"{ident}.toml"
    bench = f'[[benchmarks]]\nworkload = "{workload}"\ntokens_per_second = {tokens_per_second!r}\nsource = "x"\n'
    path.write_text(PROFILE.format(id=ident) + bench, encoding="utf-8")
    return str(path)


def test_a_run_above_the_peak_is_refused_even_when_an_unrelated_input_is_unknown(run, tmp_path) -> None:
    """A measured run implying MFU 18 (training) or 282 (serving) on a profile without a lead time was
    accepted: `profiles validate` said ok, compare showed the option as incomplete for its lead time with
    an unknown throughput, and only after the lead time was given did the run come out as impossible."""
    train = _profile(tmp_path, "bt", "gpt3-1.3b", 1e6)
    r = run("profiles", "validate", train)
    assert r.exit_code == 1 and r.stdout == "", r.output
    key = "benchmarks[gpt3-1.3b].tokens_per_second"
    assert f"{key}: the measured 1e+06 tokens/s per accelerator on gpt3-1.3b implies MFU 18.02 (> 1)" in r.stderr
    r = run("compare", train, "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and "implies MFU 18.02 (> 1)" in r.stderr and "lead_time_weeks" not in r.stderr, r.stderr
    serve = _profile(tmp_path, "bs", "chat-70b", 1e6)
    r = run("compare", serve, "-w", "chat-70b")
    assert r.exit_code == 1 and "generated tokens/s per accelerator on chat-70b implies MFU 282.40 (> 1)" in r.stderr, r.stderr
    r = run("profiles", "validate", serve)
    assert r.exit_code == 1 and "implies MFU 282.40 (> 1)" in r.stderr


def test_an_absurd_measured_run_shows_a_short_mfu(run, tmp_path) -> None:
    """1e200 tokens/s printed its MFU as a 196-digit number; it is written as the published-run check writes it."""
    r = run("profiles", "validate", _profile(tmp_path, "bt", "gpt3-1.3b", 1e200))
    assert r.exit_code == 1 and "implies MFU 1.8e+195 (> 1)" in r.stderr and len(r.stderr) < 400, r.stderr
