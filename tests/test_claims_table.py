"""The claims table beside the model: a refused option's reason is shown once."""

from __future__ import annotations

from tests.factories import table_row


def test_a_refusal_that_quotes_the_profile_note_does_not_repeat_it(run) -> None:
    out = run("compare", "a100-80gb", "enflame-i20", "mtt-s4000", "-w", "gpt3-1.3b").stdout.split("Published claims")[1]
    row = table_row(out, "enflame-i20 ")
    assert "no figures: enflame-i20 is not a training accelerator" in row
    assert row.count("Enflame's inference card of the Suisi 2.0 generation") == 1
    other = table_row(out, "mtt-s4000 ")
    assert other.rstrip().endswith("disagree: model 0.15× vs claim 0.55×; Training-capable: KUAE 1,000- and 10,000-GPU clusters")
