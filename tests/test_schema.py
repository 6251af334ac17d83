"""`tco schema` is a contract for editors: every shipped file validates against it, and it rejects
what tco rejects in a single field (a negative price, an MFU of 1.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomllib

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent / "profiles"
KINDS = {"accelerator": "accelerators", "workload": "workloads", "scenario": "scenarios", "benchmarks": "benchmarks", "serving": "serving"}
FILES = [(kind, path) for kind, folder in KINDS.items() for path in sorted((ROOT / folder).glob("*.toml"))]


@pytest.mark.parametrize(("kind", "path"), FILES, ids=[f"{k}/{p.name}" for k, p in FILES])
def test_every_shipped_file_validates_against_the_schema(run, kind: str, path: Path) -> None:
    result = run("schema", kind)
    assert result.exit_code == 0
    validator = jsonschema.Draft202012Validator(json.loads(result.stdout))
    errors = [e.message for e in validator.iter_errors(tomllib.loads(path.read_text(encoding="utf-8")))]
    assert errors == []


@pytest.mark.parametrize(
    ("key", "value"), [("mfu", {"value": 1.5}), ("price_usd", {"value": -5}), ("price_usd", -5), ("tdp_w", {"low": -1})]
)
def test_the_schema_rejects_what_tco_rejects(run, key: str, value: object) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(run("schema", "accelerator").stdout))
    doc = tomllib.loads((ROOT / "accelerators" / "h100-sxm.toml").read_text(encoding="utf-8"))
    doc[key] = value
    assert list(validator.iter_errors(doc))
