"""Session 64: defects and loose ends carried over from earlier rounds' left-alone lists (one test each; each test's
docstring says what was wrong).

* ``tco compare h100-sxm -w llama3-70b --set h100-sxm.mfu=0.4``: a part's own measured MFU is final, so the result
  reported no layout (``layout: null``) and said "final, no layout model on top", yet kept the note of the layout the
  step model would have chosen ("layout: TP 8 × PP 2 × ..."), a layout nothing ran (round 96's defect 4 mended only
  ``workload.mfu``). Both kinds of given MFU now drop it.
* ``tco compare h100-sxm@100000 -w llama3-8b``: the layout note wrote its counts bare ("DP 1024", "91840 idle") where
  every other count the tool prints is grouped ("91,840 idle").
* ``tco estimate h100-sxm --params 70e9 --mode infer``: the replica it reported (2) is the size with the most tokens/s
  per accelerator, while ``tco compare`` on a service sizes the smallest fleet of whole replicas, which can be of
  another size: the two commands gave different per-accelerator figures with nothing to say why. estimate now says
  how it chose, and that ``--replica`` fixes it.
* Round 98's left-alone 1: a part with a measured serving run (``hx``: an H100 measured at 900 tokens/s on chat-70b)
  changed by ``--set hx.memory_bandwidth_gbps=3400`` gave 923.2 tokens/s per accelerator on the replica of 8 compare
  chose and 904.5 as ``hx@8``, one deployment; and at 5e8 tokens a day, 3,525 → 3,550 GB/s made it slower and dearer
  (915.4 → 906.0). The part as measured was taken at the replica *it* would choose, which moves with the demand; it is
  now taken at the replica the changed part runs at, as a changed job already was (round 98's defect 4).
* Round 99's left-alone: ``tco compare ascend-910b:rent ascend-910c -w llama3-8b --set scenario.market=cn``: the table,
  report and workbook give the rental rate at which the rented option would win, but compare's stderr note, which gives
  an unknown price's figure, did not give the rate's.
* Round 99's left-alone: the workbook's new Claims sheet had its title in row 1, which every sheet sets in bold as its
  header row, and its column headers in row 2 in plain text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tco.engine import Option, compare
from tests.factories import accelerator, scenario, training


def test_a_parts_own_mfu_reports_no_layout_note_beside_no_layout(run) -> None:
    """``--set h100-sxm.mfu=0.4`` on Llama 3 70B: the result's layout is null and its notes give the MFU as final;
    before, a "layout: TP ..." note sat beside them. The MFU is what runs: 0.4."""
    r = run("compare", "h100-sxm", "-w", "llama3-70b", "--set", "h100-sxm.mfu=0.4", "-f", "json")
    assert r.exit_code == 0
    (res,) = json.loads(r.stdout)["results"]
    assert res["layout"] is None and res["mfu"] == 0.4
    assert res["notes"] == ["measured MFU given (h100-sxm.mfu): final, no layout model on top"]


def test_the_same_part_without_its_own_mfu_keeps_the_layout_it_ran() -> None:
    """The toy without an MFU of its own runs the step model: its result reports the layout and the note of it; with
    its MFU 0.5 (final), neither. The time at MFU 0.5 is the closed form: 1.44e8 tokens × 6.12e9 FLOPs / (4 × 100e12
    × 0.5) = 4,406.4 s."""
    (derived,) = compare(options=[Option(accelerator(mfu=None))], workload=training(), scenario=scenario()).results
    (given,) = compare(options=[Option(accelerator())], workload=training(), scenario=scenario()).results
    assert derived.layout is not None and any(n.startswith("layout: ") for n in derived.notes)
    assert given.layout is None and not any(n.startswith("layout: ") for n in given.notes)
    assert given.time_to_converge_hours * 3600 == pytest.approx(1.44e8 * 6.12e9 / (4 * 5e13))


def test_the_layout_note_groups_its_counts_as_every_other_count_is(run) -> None:
    """Llama 3 8B on 100,000 H100s: the default global batch, 2M × (8.03/7)^(1/3) = 2.09M tokens, holds 255 sequences
    of 8,192, so DP stops at 255 replicas of TP 8 × PP 4 = 32: 255 × 32 = 8,160 run, 91,840 are idle, written so."""
    r = run("compare", "h100-sxm@100000", "-w", "llama3-8b", "-f", "json")
    (note,) = [n for n in json.loads(r.stdout)["results"][0]["notes"] if n.startswith("layout: ")]
    assert note.startswith("layout: TP 8 × PP 4 × DP 255, recompute none, ZeRO-1, 91,840 idle (data parallelism is bounded")


def test_estimate_says_how_it_chose_the_serving_replica(run) -> None:
    """Llama-3-70B-class serving on H100 in FP8: estimate picks the replica with the most tokens/s per accelerator and
    says so (compare sizes the smallest fleet for a day's tokens instead); with --replica given, the size is the
    user's and no such note is added."""
    base = ("estimate", "h100-sxm", "--params", "70e9", "--mode", "infer", "--precision", "fp8", "-f", "json")
    (chosen,) = json.loads(run(*base).stdout)["results"]
    note = (
        "replica size: the one with the most tokens/s per accelerator (tco compare sizes the smallest fleet for the day's "
        "tokens, which may be of replicas of another size; --replica N fixes it)"
    )
    assert chosen["replica_accelerators"] == 2 and note in chosen["notes"]
    (fixed,) = json.loads(run(*base, "--replica", "4").stdout)["results"]
    assert fixed["replica_accelerators"] == 4 and not any(n.startswith("replica size:") for n in fixed["notes"])


def test_a_measured_serving_run_on_a_changed_part_is_carried_at_the_replica_it_runs_at(run, user_profile) -> None:
    """``hx`` (an H100 copy measured at 900 tokens/s on chat-70b) at 3,400 GB/s: the replica compare chooses (8) and
    ``hx@8`` are one deployment and give one figure, 900 × the model's ratio of the changed part to the part as
    measured, both at 8. At 5e8 tokens a day, more bandwidth is never slower: 3,500 to 3,600 GB/s in steps of 25."""
    user_profile(
        "accelerators",
        "hx",
        'extends = "h100-sxm"\nid = "hx"\naliases = []\n[[benchmarks]]\nworkload = "chat-70b"\ntokens_per_second = 900\nsource = "x"\n',
    )

    def figure(option: str, *sets: str) -> dict[str, Any]:
        r = run("compare", option, "-w", "chat-70b", *(a for s in sets for a in ("--set", s)), "-f", "json")
        assert r.exit_code == 0, r.stderr
        result: dict[str, Any] = json.loads(r.stdout)["results"][0]
        return result

    chosen, fixed = (figure(o, "hx.memory_bandwidth_gbps=3400") for o in ("hx", "hx@8"))
    assert chosen["replica_accelerators"] == fixed["replica_accelerators"] == 8
    assert chosen["tokens_per_second_per_accelerator"] == fixed["tokens_per_second_per_accelerator"]
    # (the model's ratio at 8, the changed part over the part as measured, each at its own batch)
    changed = figure("h100-sxm@8", "h100-sxm.memory_bandwidth_gbps=3400")["tokens_per_second_per_accelerator"]
    published = figure("h100-sxm@8")["tokens_per_second_per_accelerator"]
    assert chosen["tokens_per_second_per_accelerator"] == pytest.approx(900 * changed / published, rel=1e-9)
    speeds = [
        figure("hx", f"hx.memory_bandwidth_gbps={bw}", "workload.tokens_per_day=5e8")["tokens_per_second_per_accelerator"]
        for bw in range(3500, 3601, 25)
    ]
    assert speeds == sorted(speeds)


def test_the_stderr_note_of_an_unknown_rental_rate_gives_the_rate_that_would_decide_it(run) -> None:
    """A rented Ascend 910B in market cn has no shipped rate: the note that it is not ranked ends with the rate below
    which it would win, as its result's notes give it (and as an unknown price's note gives the price)."""
    r = run("compare", "ascend-910b:rent", "ascend-910c", "-w", "llama3-8b", "--set", "scenario.market=cn", "-f", "json")
    (rented,) = [x for x in json.loads(r.stdout)["results"] if x["acquisition"] == "rent"]
    (decides,) = [n for n in rented["notes"] if n.startswith("decides: wins below a rental rate of $")]
    rate = decides.removeprefix("decides: wins below ").split(" (--set ")[0]
    assert rate.endswith(" per accelerator-hour")
    note = run("compare", "ascend-910b:rent", "ascend-910c", "-w", "llama3-8b", "--set", "scenario.market=cn").stderr
    assert (
        "Note: ascend-910b:rent is not ranked: ascend-910b.rental.usd_per_hour unknown; complete it with "
        f"--set ascend-910b.rental.usd_per_hour=VALUE (it wins only below {rate})"
    ) in note


def test_the_claims_sheets_column_headers_are_bold(run, tmp_path) -> None:
    """The Claims sheet: its title in row 1 and its column headers in row 2, both bold (every sheet's headers are)."""
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "c.xlsx"
    assert run("compare", "a100-80gb", "br100", "-w", "llama3-8b", "-o", str(path)).exit_code == 0
    ws = openpyxl.load_workbook(path)["Claims"]
    assert [c.value for c in ws[2]] == ["option", "model", "claimed", "maturity", "model vs claim"]
    assert ws.cell(1, 1).font.bold and all(c.font.bold for c in ws[2])
    assert not any(c.font.bold for c in ws[3])
