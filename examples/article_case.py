"""The seed article's case from Python: A100 vs MLU370-S4 on GPT-3 1.3B, and the cost of delay at
which the faster chip becomes the right purchase.

Run: python examples/article_case.py
"""

import tco

inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b", scenario="article")
comparison = tco.compare(inputs)
a100, mlu = sorted(comparison.results, key=lambda r: r.accelerator)

print(f"throughput gap: {mlu.tokens_per_second_per_accelerator / a100.tokens_per_second_per_accelerator - 1:+.1%}")
print(f"time to converge: {a100.time_to_converge_hours:.1f} h vs {mlu.time_to_converge_hours:.1f} h")
print(f"cost per token: {mlu.cost_per_million_tokens_usd / a100.cost_per_million_tokens_usd:.2f}x the A100's")

tie = tco.breakeven(inputs, "a100-80gb", "mlu370-s4")
print(f"break-even cost of delay: ${tie.value:,.0f}/day ({tie.winner_above} wins above it)")
