"""Hostile round 65 (numeric flags, the Python API, users' TOML files, outputs, the environment): each defect
fixed, with a test."""

from __future__ import annotations

from pathlib import Path

PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def _copy_of_gpt3(tmp_path: Path, name: str, replace: tuple[str, str] = ("", ""), extra: str = "") -> Path:
    """A user's full copy of the shipped gpt3-1.3b workload (every key written), with one change."""
    text = (PROFILES / "workloads" / "gpt3-1.3b.toml").read_text(encoding="utf-8").replace('id = "gpt3-1.3b"', f'id = "{name}"')
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(*replace) + extra, encoding="utf-8")
    return path


def test_a_too_long_sequence_in_a_full_copy_blames_seq_len_not_parameters(run, tmp_path) -> None:
    """1: a copy of gpt3-1.3b with seq_len = 1e9 (or a stage's seq_len = 1e9) said 'FILE: parameters: activations of
    one 1,000,000,000-token sequence ...': the first of the workload's size inputs the file writes was blamed, and a full
    copy writes parameters first. One sequence's activations grow with its length and the shape, not the parameter
    count: the file's seq_len (or its stages, naming the stage) is blamed."""
    seq = _copy_of_gpt3(tmp_path, "seqhuge", ("seq_len = 2048", "seq_len = 1000000000"))
    r = run("compare", "a100-80gb", "-w", str(seq))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.startswith(f"Error: {seq}: seq_len: activations of one 1,000,000,000-token sequence ("), r.stderr
    stage = _copy_of_gpt3(tmp_path, "stagehuge", extra='\n[[stages]]\nname = "long"\ntokens = 1e9\nseq_len = 1000000000\n')
    r = run("compare", "a100-80gb", "-w", str(stage))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.startswith(f"Error: {stage}: stages: activations of one 1,000,000,000-token sequence of stage long ("), r.stderr
    fine = _copy_of_gpt3(tmp_path, "stagefine", extra='\n[[stages]]\nname = "long"\ntokens = 1e9\nseq_len = 4096\n')
    assert run("compare", "a100-80gb", "-w", str(fine)).exit_code == 0


def test_a_vary_or_param_no_option_reads_is_warned_as_a_set_is(run, tmp_path) -> None:
    """2: 'tco sweep a100-80gb --vary a100-80gb.rental.usd_per_hour=1:2:2' (the A100 bought) wrote rows that were all
    the same, and 'tco breakeven a100-80gb mlu370-s4 --param a100-80gb.rental.usd_per_hour' answered 'a100-80gb wins
    across the whole range', both without a word: the --set of the same input is warned about since round 62a. The
    flags now say so too; an input an option reads is not warned about."""
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "a100-80gb.rental.usd_per_hour=1:2:2", "--vary", "scenario.pue=1.1:1.2:2")
    assert r.exit_code == 0 and "Traceback" not in r.output
    warned = [line for line in r.stderr.splitlines() if "no option reads it" in line]
    assert warned == [
        "Warning: --vary a100-80gb.rental.usd_per_hour=1:2:2: no option reads it (a100-80gb is bought; rent it with a100-80gb:rent)"
    ], r.stderr
    r = run("breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "a100-80gb.rental.usd_per_hour")
    assert r.exit_code == 0
    assert "Warning: --param a100-80gb.rental.usd_per_hour: no option reads it (a100-80gb is bought" in r.stderr, r.stderr
    svg = tmp_path / "be.svg"
    r = run("plot", "breakeven", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "a100-80gb.rental.usd_per_hour", "-o", str(svg))
    assert r.exit_code == 0 and "Warning: --param a100-80gb.rental.usd_per_hour: no option reads it" in r.stderr, r.stderr
    r = run("plot", "sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.rental_setup_weeks=1:2:2", "-o", str(svg))
    assert r.exit_code == 0 and "Warning: --vary scenario.rental_setup_weeks=1:2:2: no option reads it (no option is rented)" in r.stderr
    r = run("breakeven", "a100-80gb:rent", "mlu370-s4", "-w", "gpt3-1.3b", "--param", "a100-80gb.rental.usd_per_hour")
    assert r.exit_code == 0 and "no option reads it" not in r.stderr


def test_a_search_path_folder_is_read_once_per_run_not_at_every_lookup(tmp_path, monkeypatch) -> None:
    """3: TCO_PROFILE_PATH naming a folder of 10,000 accelerator profiles made 'tco compare a100-80gb -w gpt3-1.3b'
    take 56 s on a busy 2-core machine: loading one run's inputs looks ids up about a dozen times (each option's
    names and file, the workload, the scenario) and each lookup read every file of the folder again (46,121 reads
    of 13,000 files). A run now reads each file of the search path once; a later run reads the folder anew."""
    import tco
    from tco import loader

    folder = tmp_path / "accelerators"
    folder.mkdir()
    for i in range(50):
        (folder / f"x{i}.toml").write_text(f'id = "x{i}"\n', encoding="utf-8")
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    reads: dict[str, int] = {}
    real = loader.read_toml

    def counted(path: Path):
        reads[str(path)] = reads.get(str(path), 0) + 1
        return real(path)

    monkeypatch.setattr(loader, "read_toml", counted)
    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")
    assert [o.accelerator.id for o in inputs.options] == ["a100-80gb", "mlu370-s4"]
    assert max(n for p, n in reads.items() if p.startswith(str(folder))) == 1, reads
    (folder / "x0.toml").write_text('extends = "mlu370-s4"\nid = "x0"\naliases = ["zz9"]\n', encoding="utf-8")
    assert [o.accelerator.id for o in tco.load_inputs(["zz9"], workload="gpt3-1.3b").options] == ["x0"]  # the next run sees it


def test_an_option_changed_with_dataclasses_replace_is_refused_by_name() -> None:
    """4: Inputs checks its models (round 61a) but not its options' own fields: an option changed with
    dataclasses.replace to count=0 made tco.compare raise pydantic's ValidationError, accelerator={} an
    AttributeError, and acquisition='rent' (text, not Acquisition.rent) was costed as bought; a NaN quoted rate
    went on. Each is now an InputError naming the option's field."""
    import dataclasses
    import math

    import pytest

    import tco

    inputs = tco.load_inputs(["a100-80gb", "mlu370-s4"], workload="gpt3-1.3b")
    first = inputs.options[0]
    for change, key in (
        ({"count": 0}, "inputs.options[0].count"),
        ({"count": 1.5}, "inputs.options[0].count"),
        ({"count": True}, "inputs.options[0].count"),
        ({"accelerator": {}}, "inputs.options[0].accelerator"),
        ({"acquisition": "rent"}, "inputs.options[0].acquisition"),
        ({"quoted_rate": math.nan}, "inputs.options[0].quoted_rate"),
    ):
        with pytest.raises(tco.InputError) as caught:
            tco.compare(dataclasses.replace(inputs, options=(dataclasses.replace(first, **change), *inputs.options[1:])))
        assert caught.value.key == key, (change, caught.value)
        assert "an option is made by tco.load_inputs" in str(caught.value)
    rented = dataclasses.replace(first, acquisition=tco.models.Acquisition.rent, count=16)
    assert tco.compare(dataclasses.replace(inputs, options=(rented,))).results[0].acquisition == "rent"


def test_jsonl_records_holding_a_nel_or_line_separator_stay_one_line(run, user_profile) -> None:
    """5: a profile whose name holds NEL (U+0085) or U+2028 was written raw in 'compare -f jsonl': valid JSON, but
    str.splitlines() (and so a reader of JSON Lines that uses it) cut the record in two ('Unterminated string').
    They are written as \\u0085 and \\u2028 escapes, which json.loads reads back as they were."""
    import json

    text = (PROFILES / "accelerators" / "mlu370-s4.toml").read_text(encoding="utf-8")
    text = text.replace('id = "mlu370-s4"', 'id = "nel"').replace('aliases = ["cambricon-mlu370-s4"]', "aliases = []")
    user_profile("accelerators", "nel", text.replace('name = "MLU370-S4 (half-height PCIe)"', 'name = "a\\u0085b\\u2028c\\u2029d"'))
    for fmt in ("jsonl", "json"):
        r = run("compare", "a100-80gb", "nel", "-w", "gpt3-1.3b", "-f", fmt)
        assert r.exit_code == 0 and "Traceback" not in r.output
        assert not {"\x85", "\u2028", "\u2029"} & set(r.stdout), fmt
        records = [json.loads(line) for line in r.stdout.splitlines()] if fmt == "jsonl" else json.loads(r.stdout)["results"]
        assert [x["name"] for x in records if x["accelerator"] == "nel"] == ["a\x85b\u2028c\u2029d"]
