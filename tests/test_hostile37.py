"""Hostile round 37 and this session's own findings (sweep's JSON, FP4 serving): each defect, fixed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from types import SimpleNamespace

ARTICLE = ["a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b"]
SWEEP = ["sweep", *ARTICLE, "--vary", "scenario.pue=1:2:3", "--vary", "mlu370-s4.price_usd=5000,8000"]


def test_sweep_json_is_the_one_shape_with_the_csv_rows(run) -> None:
    """Round 34 #13: sweep had no JSON, and its JSON Lines carry no tco_version or inputs. `-f json` is
    the envelope of every command, the rows (the CSV's, as numbers) under results."""
    from tco import __version__

    csv_rows = list(csv.DictReader(io.StringIO(run(*SWEEP).stdout)))
    r = run(*SWEEP, "-f", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert list(doc) == ["schema_version", "tco_version", "inputs", "results"]
    assert doc["schema_version"] == 1 and doc["tco_version"] == __version__
    assert doc["inputs"]["command"] == "sweep" and doc["inputs"]["vary"] == ["scenario.pue=1:2:3", "mlu370-s4.price_usd=5000,8000"]
    assert set(doc["inputs"]["files"]) == {"a100-80gb", "mlu370-s4", "gpt3-1.3b", "scenario"}
    assert len(doc["results"]) == len(csv_rows) == 12
    for rec, row in zip(doc["results"], csv_rows, strict=True):
        assert ["schema_version", *rec] == list(row)
        assert rec["option"] == row["option"] and rec["effective_cost_usd"] == float(row["effective_cost_usd"])


def test_sweep_json_to_a_file_named_json(run, tmp_path: Path) -> None:
    target = tmp_path / "grid.json"
    r = run(*SWEEP, "-o", str(target))
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["results"][0]["point"] == 0


def test_sweep_json_streams_chunks_into_one_list() -> None:
    """Rows of several chunks are one list (commas between chunks, none after the last); no chunk at all
    is an empty list."""
    from tco.render import OutputFormat, stream_sweep

    chunks = [
        SimpleNamespace(options=["a", "b"], columns={"x": [1.0, 2.0]}),
        SimpleNamespace(options=[], columns={"x": []}),
        SimpleNamespace(options=["c"], columns={"x": [float("nan")]}),
    ]
    pieces = list(stream_sweep(["option", "x"], chunks, OutputFormat.json, {"command": "sweep"}))
    doc = json.loads("".join(pieces))
    assert doc["inputs"] == {"command": "sweep"}
    assert doc["results"] == [{"option": "a", "x": 1}, {"option": "b", "x": 2}, {"option": "c", "x": None}]
    assert json.loads("".join(stream_sweep(["option", "x"], [], OutputFormat.json, {})))["results"] == []
