"""Session 50 (2026-12-05): a layout that waits on its gradient reduction says so, and why."""

from __future__ import annotations

import json
import re

import pytest
from pytest import approx

from tco import training
from tests.test_training import inputs, job


def test_nothing_exposed_on_one_node() -> None:
    """The share of the step the reduction is exposed for is checked by hand in tests/test_training.py. On one
    node the reduction runs over the in-node link (half of 600 GB/s one way) and hides behind the cover:
    nothing waits, the share is 0."""
    r = training.evaluate(job(), inputs())
    assert r.exposed_share == 0.0


def _notes(run, *args: str) -> dict[str, list[str]]:
    r = run("compare", *args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    return {o["option"]: o["notes"] for o in json.loads(r.stdout)["results"]}


def test_a_layout_that_waits_on_its_reduction_is_told_why(run) -> None:
    """Llama 3 70B on 4,096 B200s at the default global batch (2M × (70.6/7)^(1/3) = 4.32M tokens, 527
    sequences of 8,192): the layout (TP 8, DP 512) gives each replica 527 / 512 = 1.03 sequences a step,
    and the FP32 gradient reduction across nodes outlasts the compute it hides behind. The note gives the
    share, the sequences per replica and the input that sets the batch; the H100 (slower compute, the same
    reduction) waits less than a fifth of its step and has no such note."""
    notes = _notes(run, "b200", "h100-sxm", "-w", "llama3-70b")
    said = [n for n in notes["b200"] if "gradient reduction is exposed" in n]
    assert len(said) == 1
    m = re.search(r"exposed for (\d+)% of each step: one step gives each replica ([\d.]+) sequences", said[0])
    assert m is not None
    assert 20 <= int(m.group(1)) < 100
    assert float(m.group(2)) == approx(527 / 512, abs=0.005)
    assert "the default global batch, 2M × (N/7B)^(1/3) tokens, an estimate; workload.global_batch_tokens sets it" in said[0]
    assert not any("gradient reduction is exposed" in n for n in notes["h100-sxm"])


def test_a_larger_global_batch_hides_the_reduction(run) -> None:
    """At 8M tokens a step (976 sequences) the layout search spreads them one per replica and the job waits
    less: the note names the workload's own batch. At 16M (1,953 sequences) it waits less than a fifth of
    its step, and nothing is said."""

    def shares(notes: list[str]) -> list[int]:
        return [int(m.group(1)) for n in notes if (m := re.search(r"exposed for (\d+)% of each step", n))]

    before = shares(_notes(run, "b200", "-w", "llama3-70b")["b200"])
    eight = _notes(run, "b200", "-w", "llama3-70b", "--set", "workload.global_batch_tokens=8e6")["b200"]
    assert len(before) == 1 and len(shares(eight)) == 1 and shares(eight)[0] < before[0]
    assert any("of the global batch (workload.global_batch_tokens)" in n for n in eight)
    assert shares(_notes(run, "b200", "-w", "llama3-70b", "--set", "workload.global_batch_tokens=16e6")["b200"]) == []


def test_estimate_names_its_flag(run) -> None:
    """tco estimate names --global-batch, its flag for the batch."""
    r = run("estimate", "b200", "--params", "70.6e9", "--seq-len", "8192", "--count", "4096")
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "the data-parallel gradient reduction is exposed for" in text
    assert "an estimate; --global-batch sets it" in text


def test_the_training_page_states_what_the_tool_computes(run) -> None:
    """docs/training-model.md gives the B200 example's figures: 47 % exposed, 700 tokens/s per GPU at the
    default batch, 1,075 at 8M tokens a step and 1,249 at 16M."""
    from pathlib import Path

    page = " ".join((Path(__file__).resolve().parents[1] / "docs" / "training-model.md").read_text().split())
    assert "waits on it for 47 % of each step and runs at 700 tokens/s per GPU; at 8M tokens a step 1,075 and at 16M 1,249" in page
    rates = []
    for extra in ((), ("--set", "workload.global_batch_tokens=8e6"), ("--set", "workload.global_batch_tokens=16e6")):
        r = run("compare", "b200", "-w", "llama3-70b", *extra, "-f", "json")
        assert r.exit_code == 0, r.stderr
        rates.append(f"{json.loads(r.stdout)['results'][0]['tokens_per_second_per_accelerator']:,.0f}")
    assert rates == ["700", "1,075", "1,249"]
    notes = _notes(run, "b200", "-w", "llama3-70b")["b200"]
    assert any("exposed for 47% of each step" in n for n in notes)


def test_compare_repeats_the_note_on_stderr(run) -> None:
    """The table has no room for it, so compare repeats the note on stderr with the option's name, before the
    verdict, as it does an incomplete option's; the H100 has none."""
    r = run("compare", "h100-sxm", "b200", "-w", "llama3-70b")
    assert r.exit_code == 0, r.stderr
    lines = r.stderr.splitlines()
    said = [n for n in lines if "gradient reduction is exposed" in n]
    assert len(said) == 1
    assert said[0].startswith("Note: b200: the data-parallel gradient reduction is exposed for 47% of each step")
    assert lines[-1].startswith("b200 wins") and lines.index(said[0]) < len(lines) - 1
    quiet = run("compare", "h100-sxm", "b200", "-w", "llama3-70b", "--set", "workload.global_batch_tokens=16e6")
    assert quiet.exit_code == 0 and "gradient reduction" not in quiet.stderr


def test_the_workbook_shows_the_layout_beside_a_derived_rate(run, tmp_path) -> None:
    """The Assumptions sheet's row of a derived training rate says where it comes from: the layout, and the
    exposed reduction where there is one; a measured rate's row names only its source."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "c.xlsx"
    assert run("compare", "b200", "a100-80gb", "-w", "llama3-70b", "-o", str(out)).exit_code == 0
    rows = {r[1]: r[4] for r in openpyxl.load_workbook(out)["Assumptions"].iter_rows(values_only=True) if r[1]}
    b200 = rows["tokens_per_second_per_accelerator [b200]"]
    assert b200.startswith("tco performance model (derived); layout: TP 8 × PP 1 × DP 512, recompute selective, ZeRO-1; ")
    assert "the data-parallel gradient reduction is exposed for 47% of each step" in b200
    measured = tmp_path / "m.xlsx"
    assert run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(measured)).exit_code == 0
    rows = {r[1]: r[4] for r in openpyxl.load_workbook(measured)["Assumptions"].iter_rows(values_only=True) if r[1]}
    assert rows["tokens_per_second_per_accelerator [a100-80gb]"] == "tco performance model (measured)"


def test_the_report_notes_it_under_the_ranking(run, tmp_path) -> None:
    """The one-page report gives the note under the ranking, escaped, once; without it (16M tokens a step) the
    page has no such line."""
    pytest.importorskip("matplotlib")
    page = tmp_path / "r.html"
    assert run("report", "h100-sxm", "b200", "-w", "llama3-70b", "-o", str(page), "-n", "200").exit_code == 0
    text = page.read_text()
    assert text.count("<p class=meta>Note: b200: the data-parallel gradient reduction is exposed for 47% of each step") == 1
    assert text.index('id="ranking"') < text.index("gradient reduction is exposed") < text.index('id="breakeven"')
    quiet = tmp_path / "q.html"
    args = ("report", "h100-sxm", "b200", "-w", "llama3-70b", "-o", str(quiet), "-n", "200", "--set", "workload.global_batch_tokens=16e6")
    assert run(*args).exit_code == 0
    assert "gradient reduction is exposed" not in quiet.read_text()


def test_the_note_starts_at_a_fifth_of_the_step(run) -> None:
    """The A100 80GB and the A800 wait on the reduction for 22 % of their step on the same job (both at
    TP 8 × DP 512; the A800's slower NVLink does not carry the data-parallel traffic, which crosses nodes), above
    the fifth from which the note is given; the H100's 3 % is below it."""
    r = run("compare", "a100-80gb", "a800", "h100-sxm", "-w", "llama3-70b")
    assert r.exit_code == 0, r.stderr
    said = sorted(n.split(":")[1].strip() + " " + n.split("exposed for ")[1][:3] for n in r.stderr.splitlines() if "exposed for" in n)
    assert said == ["a100-80gb 22%", "a800 22%"]


@pytest.mark.parametrize("ref", ["h100-sxm@8", "h100-sxm:rent", "h100-sxm@8:rent=2", "H100-SXM@8"])
def test_estimate_names_the_part_and_the_count_flag_for_an_option(run, ref) -> None:
    """'tco estimate h100-sxm@8' said "unknown accelerator 'h100-sxm@8' (did you mean 'h100-sxm'?)": compare's
    option language is not estimate's, which takes the part alone and its count as a flag. It says so, naming
    the part as given and the flags (hostile round 72 left it noticed). A path with '@' stays a path."""
    r = run("estimate", ref, "--params", "7B")
    assert r.exit_code == 1 and r.stdout == ""
    base = ref.split("@")[0].split(":")[0]
    assert r.stderr.strip() == (
        f"Error: {ref}: estimate takes one accelerator id or profile path, not an option (ID@COUNT, ID:rent): "
        f"give '{base}', and a count with --count N (training) or --replica N (serving)"
    )
    assert run("estimate", "./none.toml@8", "--params", "7B").stderr.strip() == "Error: ./none.toml@8: no such file"


def test_the_python_estimate_names_its_arguments() -> None:
    import tco

    with pytest.raises(tco.NotFoundError, match=r"give 'h100-sxm', and a count with count=N or replica=N$"):
        tco.estimate("h100-sxm@8", parameters=7e9)


def test_a_measured_serving_rate_on_a_part_without_a_peak_is_incomplete(run, tmp_path) -> None:
    """A profile with no 16-bit peak and a measured serving rate on the workload ended compare in an internal
    error, exit 3 (TypeError: the unknown MFU compared with 1; mutation sample 50 found it). The MFU check
    needs the peak; without it the option is incomplete, naming the peak, as sweep already said."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "profiles" / "accelerators" / "a100-80gb.toml").read_text()
    text = re.sub(r'^id = "a100-80gb"', 'id = "nopeak"', text, flags=re.M)
    text = re.sub(r"^aliases = .*$", "aliases = []", text, flags=re.M)
    text = re.sub(r"^(bf16|fp16)_tflops = .*$", "", text, flags=re.M)
    text += '\n[[benchmarks]]\nworkload = "assistant-7b"\ntokens_per_second = 2000\nsource = "test"\n'
    path = tmp_path / "nopeak.toml"
    path.write_text(text)
    r = run("compare", str(path), "a100-80gb", "-w", "assistant-7b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    result = {o["option"]: o for o in json.loads(r.stdout)["results"]}["nopeak"]
    assert result["status"] == "incomplete" and result["missing_inputs"] == ["nopeak.peak.bf16_tflops"]
    assert "Note: nopeak is not ranked: nopeak.peak.bf16_tflops unknown" in r.stderr


ID_RULE = "expected an id (lower-case letters, digits, '.', '_' and '-', from a letter or digit)"


def test_an_id_in_capitals_is_refused_with_the_rule_and_the_id_to_write(run, tmp_path) -> None:
    """An id outside the rule said pydantic's "string should match pattern '^[a-z0-9][a-z0-9._-]*$'". It now says
    the rule in words, and where the text in lower case is an id, that id: a profile's id, and a calibration
    row's accelerator (the command line matches ids in any case; a file's reference must be written as the id)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "profiles" / "accelerators" / "h100-sxm.toml").read_text()
    path = tmp_path / "H.toml"
    path.write_text(re.sub(r'^id = "h100-sxm"', 'id = "H100X"', text, flags=re.M))
    r = run("profiles", "validate", str(path))
    assert r.exit_code == 1
    assert r.stderr.strip() == f"Error: {path}: id: {ID_RULE}, got 'H100X': write 'h100x'"
    path.write_text(re.sub(r'^id = "h100-sxm"', 'id = "h 100"', text, flags=re.M))
    assert run("profiles", "validate", str(path)).stderr.strip() == f"Error: {path}: id: {ID_RULE}, got 'h 100'"


def test_a_stage_renamed_by_a_set_is_blamed_on_the_set(run) -> None:
    """'--set workload.stages[long-context].name=Long' blamed the shipped workload file (its stages[0].name): the
    entry the --set named is no longer found by that name once renamed. It is looked up in the file as given."""
    r = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages[long-context].name=Long")
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.strip() == f"Error: --set: workload.stages[long-context].name: {ID_RULE}, got 'Long': write 'long'"
    ok = run("compare", "h100-sxm", "-w", "deepseek-v3", "--set", "workload.stages[long-context].name=long", "-f", "json")
    assert ok.exit_code == 0, ok.stderr


def test_only_a_derived_rate_has_the_note_repeated(run) -> None:
    """On 4,096 GPUs GPT-3 1.3B's default batch (1M tokens, 488 sequences) leaves both A100s waiting on the
    reduction for about a third of the step. The A100 80GB's rate is the article's measurement carried to that
    count, the A100 40GB's derived: both results note it, but stderr repeats only the derived one's."""
    r = run("compare", "a100-80gb@4096", "a100-40gb@4096", "-w", "gpt3-1.3b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    results = {o["option"]: o for o in json.loads(r.stdout)["results"]}
    assert results["a100-80gb@4096"]["throughput_source"] == "measured"
    assert all(any("gradient reduction is exposed" in n for n in o["notes"]) for o in results.values())
    said = [n for n in r.stderr.splitlines() if "gradient reduction is exposed" in n]
    assert len(said) == 1 and said[0].startswith("Note: a100-40gb@4096: ")
