"""Round 64a: remembered results. A result computed with warm caches (the layout shortlists, the plans, the
parsed documents) equals the same result computed after clearing every cache; the caches stay bounded; and a
cache's eviction survives another thread evicting the same entry."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import pytest

import tco
from tco import api, engine, loader, training


def _clear_caches() -> None:
    training._SHORTLISTS.clear()
    engine._PLANS.clear()
    loader._PARSED.clear()


def _dumped(result: Any) -> Any:
    """A result as plain data, NaN spelled out (NaN != NaN would make equal results differ)."""

    def norm(v: Any) -> Any:
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [norm(x) for x in v]
        return v

    return norm(result.model_dump(mode="python"))


def test_parsed_cache_eviction_survives_a_concurrent_eviction(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The parsed-documents cache is full and another thread evicts its oldest entry between this thread's
    choosing that entry and removing it (seen with six threads reading 600 files: a KeyError escaped
    read_toml): the document is still read and parsed, and the cache stays within its bound."""

    class EvictedMeanwhile(dict[bytes, dict[str, Any]]):
        def __iter__(self) -> Any:
            oldest = next(super().__iter__())
            super().__delitem__(oldest)  # the other thread's eviction of the same entry
            return iter([oldest])

    full = EvictedMeanwhile({f"n = {i}\n".encode(): {"n": i} for i in range(loader._PARSED_MAX)})
    monkeypatch.setattr(loader, "_PARSED", full)
    doc = tmp_path / "new.toml"
    doc.write_text('id = "fresh"\nvalue = 7\n')
    assert loader.read_toml(doc) == {"id": "fresh", "value": 7}
    assert len(full) <= loader._PARSED_MAX
    assert full[doc.read_bytes()] == {"id": "fresh", "value": 7}


def test_warm_results_equal_cold_results_for_options_one_input_apart() -> None:
    """Options that differ in one input (bought or rented, the count, the part's memory, the tuning) share
    the remembered shortlists and plans in one process; each result equals the one computed after
    clearing every cache."""
    calls: list[tuple[str, list[str], list[str], dict[str, list[float]]]] = [
        ("compare", ["a100-80gb", "a100-80gb:rent", "a100-80gb@16"], [], {}),
        ("compare", ["a100-80gb", "a100-80gb:rent"], ["a100-80gb.memory_gb=40"], {}),
        ("compare", ["a100-80gb:rent"], ["workload.tuning=tuned"], {}),
        ("compare", ["a100-80gb@16"], [], {}),
        ("what_if", ["a100-80gb", "a100-80gb:rent"], [], {"a100-80gb.memory_gb": [24.0, 40.0, 80.0]}),
        ("what_if", ["a100-80gb", "a100-80gb:rent"], ["workload.tuning=tuned"], {"workload.seq_len": [1024.0, 4096.0]}),
    ]

    def run(kind: str, opts: list[str], sets: list[str], changes: dict[str, list[float]]) -> Any:
        inputs = tco.load_inputs(opts, workload="gpt3-1.3b", sets=sets)
        return _dumped(tco.compare(inputs) if kind == "compare" else tco.what_if(inputs, changes))

    _clear_caches()
    warm = [run(*call) for call in calls]
    assert len(training._SHORTLISTS) > 0 and len(engine._PLANS) > 0  # (the caches were used)
    for call, expected in zip(calls, warm, strict=True):
        _clear_caches()
        assert run(*call) == expected, call
    # (the inputs one apart do give different answers: a cache that mixed them up would show here)
    assert warm[0]["results"] != warm[1]["results"]
    assert warm[5]["options"][0]["job_cost_usd"][0] != warm[5]["options"][0]["job_cost_usd"][1]


def test_shortlist_hit_equals_a_fresh_search_and_stays_bounded() -> None:
    """training.shortlist, remembered by (job, keep, inputs), gives at each of many distinct inputs (the
    count, the memory, the batch, a signed zero failure rate) what a fresh search gives, and keeps at most
    _SHORTLISTS_MAX entries however many it has seen."""
    inputs = tco.load_inputs(["h100-sxm@64"], workload="llama3-8b")
    plan = engine.plan_option(inputs.options[0], inputs.workload, inputs.scenario, market=False)
    st = plan.stages[0]
    flat = engine.KnownInputs(engine.numeric_inputs(inputs.options[0], inputs.workload, inputs.scenario))
    base = dict(engine.stage_inputs(st, flat, plan.active_key))
    training._SHORTLISTS.clear()
    seen: dict[tuple[int, ...], int] = {}
    variants = [{"count": float(c)} for c in (8, 16, 64, 256, 1024, 4096)]
    variants += [{"memory_gb": m} for m in (16.0, 24.0, 40.0, 80.0, 192.0)]
    variants += [{"global_batch_tokens": g} for g in (1e5, 5e5, 4e6)]
    variants += [{"failure_rate": 0.0}, {"failure_rate": -0.0}]
    for change in variants * 2:  # the second round hits
        x = base | change
        found = training.shortlist(st.job, x)
        assert found == training._shortlist(st.job, x, 6), change
        seen[found] = seen.get(found, 0) + 1
    assert len(seen) > 1  # (the inputs move the shortlist: one key for all would fail above)
    for k in range(training._SHORTLISTS_MAX + 40):
        training.shortlist(st.job, base | {"count": float(8 + k)}, keep=1)
    assert 0 < len(training._SHORTLISTS) <= training._SHORTLISTS_MAX


def test_audit_drops_an_extends_chain_the_rewritten_file_no_longer_has(tmp_path: Path) -> None:
    """A profile that extended a shipped one is rewritten in the same process to stand alone: the audit
    trail of the next run hashes the file alone (as a fresh process does), not with the chain it once had."""
    mine = tmp_path / "mine.toml"
    mine.write_text('extends = "h100-sxm"\nid = "mine"\nprice_usd = 20000\n')
    tco.load_inputs([str(mine)], workload="gpt3-1.3b")
    [first] = api.audit_files({"mine": str(mine)}).values()
    assert [e["path"] for e in first["extends"]] == ["builtin:accelerators/h100-sxm.toml"]
    shipped = (loader.builtin_dir() / "accelerators" / "h100-sxm.toml").read_text()
    alone = shipped.replace('id = "h100-sxm"', 'id = "mine"', 1).replace('aliases = ["nvidia-h100-sxm", "h100"]', "aliases = []", 1)
    mine.write_text(alone)
    inputs = tco.load_inputs([str(mine)], workload="gpt3-1.3b")
    assert inputs.options[0].accelerator.price_usd is not None and inputs.options[0].accelerator.price_usd.value == 27500
    assert api.audit_files({"mine": str(mine)}) == {"mine": {"path": str(mine), "sha256": hashlib.sha256(alone.encode()).hexdigest()}}


def test_per_file_records_stay_bounded_over_many_distinct_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A script that loads a new temporary profile per case (each extending a shipped one) keeps only the
    latest files' records (bytes as read, extends chains, which file gives each value), not one per file
    ever read (about 16 kB each, 160 MB over 10,000 cases); the latest file's audit is still exact."""
    monkeypatch.setattr(loader, "_PER_FILE_MAX", 8, raising=False)
    for name in ("_AS_READ", "_EXTENDS", "_GIVEN", "_CHAIN"):
        monkeypatch.setattr(loader, name, {})
    for k in range(30):
        mine = tmp_path / f"p{k}.toml"
        mine.write_text(f'extends = "h100-sxm"\nid = "p{k}"\nprice_usd = {20000 + k}\n')
        acc = tco.load_accelerator(str(mine))
        assert acc.price_usd is not None and acc.price_usd.value == 20000 + k
    assert [len(t) <= 8 for t in (loader._AS_READ, loader._EXTENDS, loader._GIVEN, loader._CHAIN)] == [True] * 4
    shipped = loader.builtin_dir() / "accelerators" / "h100-sxm.toml"
    last = tmp_path / "p29.toml"
    assert api.audit_files({"p29": str(last)}) == {
        "p29": {
            "path": str(last),
            "sha256": hashlib.sha256(last.read_bytes()).hexdigest(),
            "extends": [{"path": "builtin:accelerators/h100-sxm.toml", "sha256": hashlib.sha256(shipped.read_bytes()).hexdigest()}],
        }
    }
    assert loader.writer_of(last, "price_usd") == last and loader.writer_of(last, "memory_gb") == shipped.resolve()
