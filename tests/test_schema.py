"""`tco schema` is a contract for editors: every shipped file validates against it, and it rejects
what tco rejects in a single field (a negative price, an MFU of 1.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tco.loader import tomllib

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent / "profiles"
KINDS = {
    "accelerator": "accelerators",
    "workload": "workloads",
    "scenario": "scenarios",
    "benchmarks": "benchmarks",
    "serving": "serving",
    "sources": "sources",
}
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


@pytest.mark.parametrize(
    ("kind", "file", "path", "currency", "accepted"),
    [
        ("accelerator", "accelerators/h100-sxm.toml", ("price_usd",), "CNY", True),
        ("accelerator", "accelerators/h100-sxm.toml", ("rental", "usd_per_hour"), "EUR", True),
        ("accelerator", "accelerators/h100-sxm.toml", ("memory_gb",), "CNY", False),
        ("accelerator", "accelerators/h100-sxm.toml", ("memory_gb",), "USD", True),
        ("accelerator", "accelerators/h100-sxm.toml", ("interconnect", "bandwidth_gbps"), "EUR", False),
        ("scenario", "scenarios/default.toml", ("electricity_usd_per_kwh",), "CNY", True),
        ("scenario", "scenarios/default.toml", ("storage_usd_per_accelerator",), "EUR", True),
        ("scenario", "scenarios/default.toml", ("pue",), "EUR", False),
    ],
)
def test_the_schema_and_tco_agree_on_which_inputs_take_a_currency(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, file: str, path: tuple[str, ...], currency: str, accepted: bool
) -> None:
    """Only money inputs may be quoted in CNY or EUR; USD (or nothing) is accepted anywhere. The schema says
    what the loader does: both accept, or both refuse."""
    validator = jsonschema.Draft202012Validator(json.loads(run("schema", kind).stdout))
    doc = tomllib.loads((ROOT / file).read_text(encoding="utf-8"))
    node = doc
    for part in path[:-1]:
        node = node.setdefault(part, {})
    old = node.get(path[-1], 1.0)
    node[path[-1]] = {**(old if isinstance(old, dict) else {"value": old}), "currency": currency}
    if kind == "accelerator" and path[0] == "rental":
        node.setdefault("usd_per_hour", {"value": 2.0, "currency": currency})
    assert (not list(validator.iter_errors(doc))) is accepted
    folder = tmp_path / ("accelerators" if kind == "accelerator" else "scenarios")
    folder.mkdir()
    name = "myh100" if kind == "accelerator" else "mysc"
    doc["id"] = name
    doc.pop("aliases", None)
    target = folder / f"{name}.toml"
    target.write_text(_toml(doc), encoding="utf-8")
    args = ["compare", name, "-w", "gpt3-1.3b"] if kind == "accelerator" else ["compare", "h100-sxm", "-w", "gpt3-1.3b", "-s", name]
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    result = run(*args)
    assert (result.exit_code == 0) is accepted, result.output


def _toml(doc: dict[str, object]) -> str:
    from tco import loader

    return loader.dump_toml(doc)
