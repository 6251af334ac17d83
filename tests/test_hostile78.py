"""Hostile round 78 (a part without a price noted twice by size): each defect fixed, with a test."""

from __future__ import annotations

from tests.factories import run_main


def test_size_notes_a_part_without_a_price_once(capsys) -> None:
    """1: 'tco size l20 h100-sxm -w llama3-70b --budget-usd 2e7' printed two notes that say the same thing: 'l20 is
    not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE', then 'l20: cannot be sized: needs
    l20.price_usd, which is unknown'. It now prints the first alone (the table still gives l20's reason); a note that
    says something else (no count meets the deadline) is still printed."""
    code, out, error = run_main(capsys, "size", "l20", "h100-sxm", "-w", "llama3-70b", "--budget-usd", "2e7")
    assert code == 0 and "cannot be sized: needs l20.price_usd, which is unknown" in out
    assert error == "Note: l20 is not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE\n"
    code, out, error = run_main(capsys, "size", "l20", "h100-sxm", "-w", "llama3-70b", "--deadline-days", "300")
    assert code == 0 and out
    assert error.splitlines() == [
        "Note: l20 is not ranked: l20.price_usd unknown; complete it with --set l20.price_usd=VALUE",
        "Note: l20: no count up to 131,072 reaches the market within 300 days; the closest, 16,864 × l20, reaches it in 791.4 days",
    ]
