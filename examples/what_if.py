"""What-if analyses from Python: tornado, Monte Carlo, a small sweep and one over a choice, on the default scenario.

Run: python examples/what_if.py
"""

import tco

inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")

tornado = tco.sensitivity(inputs, vs=("a100-80gb", "mlu370-s4"))
for row in tornado.rows[:3]:
    if row.difference_swing_usd is None:  # an option cannot run at one end of this input
        print(f"{row.param}: an option cannot run at one end (flips the decision: {row.flips_decision})")
    else:
        print(f"{row.param}: swing of the difference ${row.difference_swing_usd:,.0f}")

mc = tco.simulate(inputs, samples=20_000, seed=1)
for option in mc.options:
    print(f"{option.option}: P50 effective cost ${option.effective_cost_usd.p50:,.0f}, P(win) {option.win_probability:.1%}")

columns, total, chunks = tco.sweep(inputs, ["mlu370-s4.price_usd=2000:10000:5"])
rows = sum(chunk.rows for chunk in chunks)
print(f"sweep: {rows} rows of {len(columns)} columns")

# A choice is an axis too: its values as --set takes them, the inputs loaded anew for each.
llama = tco.load_inputs(["h100-sxm"], workload="llama3-8b")
by_precision = {row["workload.precision"]: row for row in tco.sweep(llama, ["workload.precision=bf16,fp8"]).results}
gain = by_precision["fp8"]["tokens_per_second_per_accelerator"] / by_precision["bf16"]["tokens_per_second_per_accelerator"]
print(f"h100-sxm on llama3-8b: FP8 runs {gain:.2f}x the BF16 tokens/s")

sized = tco.size(inputs, deadline_days=120)
for option in sized.options:
    print(f"{option.option}: {option.message}")
