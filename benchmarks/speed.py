"""Measure tco's start-up cost and the speed of its analyses on this machine.

Run from the repository root after installing: ``python benchmarks/speed.py``. Each timing is the
median of several runs of the real command in a fresh process; peak memory is the child's max RSS.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

PY = sys.executable
TCO = [PY, "-m", "tco"]
ARTICLE = ["a100-80gb", "mlu370-s4", "--workload", "gpt3-1.3b"]
FLOOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "floor_app.py")


def run(cmd: list[str], repeat: int = 5) -> tuple[float, float]:
    """(median wall seconds, peak RSS MiB of the slowest child)."""
    times, peak = [], 0.0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, before / 1024)
    return statistics.median(times), peak


def child_rss(cmd: list[str]) -> float:
    """Peak RSS (MiB) of one run of ``cmd``, measured by a wrapper process of its own."""
    code = (
        "import resource,subprocess,sys;subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL,"
        "stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PY, "-c", code, *cmd], check=True, capture_output=True, text=True).stdout
    return int(out.strip()) / 1024


def import_time(module: str) -> float:
    """Cumulative import time (ms) of ``module`` from ``python -X importtime``."""
    err = subprocess.run([PY, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True).stderr
    total = 0
    for line in err.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)", line)
        if m and m.group(3) == module and not m.group(2):
            total = int(m.group(1))
    return total / 1000


def main() -> None:
    import compileall

    import tco

    # Measure what an installed tco costs: pip compiles bytecode at install time, so do the same here
    # (an editable install under PYTHONDONTWRITEBYTECODE would otherwise recompile every module per run).
    compileall.compile_dir(os.path.dirname(tco.__file__), quiet=1)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(
        f"import tco.cli: {import_time('tco.cli'):.0f} ms "
        f"(typer {import_time('typer'):.0f} ms, pydantic {import_time('pydantic'):.0f} ms, "
        f"numpy {import_time('numpy'):.0f} ms — numpy is not imported by compare)"
    )
    base, _ = run([PY, "-c", "pass"])
    # The three start-up figures are taken in turns, so a change of load on the machine falls on all of them.
    deps_t, floor_t, ours_t, compare_t = [], [], [], []
    for _ in range(7):
        deps_t.append(run([PY, "-c", "import typer, tabulate, pydantic; from pydantic import BaseModel"], repeat=1)[0])
        floor_t.append(run([PY, FLOOR, "compare", "a", "b"], repeat=1)[0])
        ours_t.append(run([PY, "-c", "import tco.cli"], repeat=1)[0])
        compare_t.append(run([*TCO, "compare", *ARTICLE], repeat=1)[0])
    deps, floor, ours, compare = (statistics.median(t) for t in (deps_t, floor_t, ours_t, compare_t))
    simulate, _ = run([*TCO, "simulate", *ARTICLE, "--samples", "100000", "--seed", "1", "--quiet"], repeat=3)
    print(f"python -c pass: {base * 1000:.0f} ms")
    print(f"import typer, tabulate, pydantic (the dependencies): {deps * 1000:.0f} ms; import tco.cli: {ours * 1000:.0f} ms")
    print(f"a typer + pydantic + tabulate command that does nothing of tco's (benchmarks/floor_app.py): {floor * 1000:.0f} ms")
    print(
        f"tco compare (article case): {compare * 1000:.0f} ms ({compare / deps:.2f}x the import of its dependencies, "
        f"{compare / floor:.2f}x the floor command)"
    )
    print(f"tco simulate --samples 100000: {simulate * 1000:.0f} ms ({simulate / compare:.1f}x compare)")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "sweep.csv")
        small = [
            *TCO,
            "sweep",
            *ARTICLE,
            "--vary",
            "scenario.cost_of_delay_usd_per_day=0:1000:100",
            "--vary",
            "mlu370-s4.price_usd=1000:20000:1000",
            "-o",
            out,
        ]
        large = [
            *TCO,
            "sweep",
            *ARTICLE,
            "--vary",
            "scenario.cost_of_delay_usd_per_day=0:1000:1000",
            "--vary",
            "mlu370-s4.price_usd=1000:20000:1000",
            "-o",
            out,
        ]
        t_small, _ = run(small, repeat=1)
        rss_small = child_rss(small)
        t_large, _ = run(large, repeat=1)
        rss_large = child_rss(large)
        size_mb = os.path.getsize(out) / 1e6
    print(f"tco sweep 200,000 rows: {t_small:.1f} s, peak RSS {rss_small:.0f} MiB")
    print(f"tco sweep 2,000,000 rows: {t_large:.1f} s, peak RSS {rss_large:.0f} MiB, {size_mb:.0f} MB of CSV")


if __name__ == "__main__":
    main()
