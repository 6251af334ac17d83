"""What-if analyses from Python: tornado, Monte Carlo and a small sweep, on the default scenario.

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

sized = tco.size(inputs, deadline_days=120)
for option in sized.options:
    print(f"{option.option}: {option.message}")
