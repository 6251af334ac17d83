"""Every result says which software tuning (training) or serving engine (inference) its derived
throughput assumes: compare's title and JSON, and the audit trail of every command that loads inputs
(hostile round 46, D10: only compare's notes and estimate said it)."""

from __future__ import annotations

import json

import pytest


def test_compare_title_names_the_tuning_and_the_engine(run) -> None:
    train = run("compare", "h100-sxm", "-w", "llama3-8b", "--set", "workload.tuning=tuned")
    assert train.exit_code == 0 and train.stdout.startswith("llama3-8b · software tuning tuned · scenario default\n")
    serve = run("compare", "h100-sxm", "-w", "chat-70b")
    assert serve.exit_code == 0 and serve.stdout.startswith("chat-70b · serving engine typical · scenario default\n")


def test_compare_json_carries_the_tuning(run) -> None:
    doc = json.loads(run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tuning=tuned", "-f", "json").stdout)
    assert doc["tuning"] == "tuned" and doc["inputs"]["tuning"] == "tuned"


@pytest.mark.parametrize(
    "args",
    [
        ("sensitivity", "h100-sxm"),
        ("simulate", "h100-sxm", "--samples", "50", "--seed", "1"),
        ("sweep", "h100-sxm", "--vary", "scenario.pue=1.1:1.3:2"),
        ("breakeven", "h100-sxm", "a100-80gb", "--param", "h100-sxm.price_usd"),
        ("size", "h100-sxm", "--deadline-days", "400"),
        ("cashflow", "h100-sxm"),
    ],
)
def test_every_analysis_records_the_tuning_in_its_audit_trail(run, args) -> None:
    typical = run(*args, "-w", "llama3-8b", "-f", "json")
    assert typical.exit_code == 0, typical.stderr
    assert json.loads(typical.stdout)["inputs"]["tuning"] == "typical"
    tuned = run(*args, "-w", "llama3-8b", "-f", "json", "--set", "workload.tuning=tuned")
    assert json.loads(tuned.stdout)["inputs"]["tuning"] == "tuned"


def test_the_one_page_report_names_the_engine(run, tmp_path) -> None:
    out = tmp_path / "memo.html"
    r = run("report", "h100-sxm", "a100-80gb", "-w", "chat-70b", "--samples", "200", "--seed", "1", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert "<p class=meta>serving engine typical · scenario default · options h100-sxm, a100-80gb</p>" in out.read_text()
