"""Hostile round 33 (the interfaces as contracts: JSON shape, audit trail, option naming, report): each
defect, fixed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

A100 = (Path(__file__).parent.parent / "profiles" / "accelerators" / "a100-80gb.toml").read_text()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_estimate_records_its_inputs_like_every_command(run, tmp_path: Path) -> None:
    """Its inputs block had no scenario, no files with their SHA-256 and none of the model's flags."""
    mine = tmp_path / "my.toml"
    mine.write_text(
        A100.replace('id = "a100-80gb"', 'id = "mine"', 1).replace('aliases = ["nvidia-a100-80gb-sxm", "a100"]', "aliases = []")
    )
    scenario = tmp_path / "sc1.toml"
    scenario.write_text('extends = "default"\nid = "sc1"\npue = 1.3\n')
    args = ["estimate", str(mine), "--params", "7B", "--count", "16", "--tokens", "2T", "-s", str(scenario), "--set", "scenario.pue=1.2"]
    inputs = json.loads(run(*args, "-f", "json").stdout)["inputs"]
    assert inputs["command"] == "estimate" and inputs["options"] == ["mine"] and inputs["scenario"] == "sc1"
    assert inputs["sets"] == ["scenario.pue=1.2"]
    assert {"params": "7B", "count": 16, "tokens": "2T", "precision": "bf16", "mode": "train"}.items() <= inputs["flags"].items()
    assert set(inputs["files"]) == {"mine", "scenario"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in inputs["files"].values())
    assert inputs["files"]["scenario"]["extends"][0]["path"] == "builtin:scenarios/default.toml"


def test_vs_names_an_option_given_by_path_by_its_id(run, tmp_path: Path) -> None:
    """--baseline twin found the option given as ./twin.toml; --vs twin said 'unknown accelerator'."""
    twin = tmp_path / "twin.toml"
    twin.write_text(
        A100.replace('id = "a100-80gb"', 'id = "twin"', 1).replace('aliases = ["nvidia-a100-80gb-sxm", "a100"]', "aliases = []")
    )
    r = run("sensitivity", "a100-80gb", str(twin), "-w", "gpt3-1.3b", "--vs", "twin", "-f", "json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["inputs"]["options"] == ["a100-80gb", "twin"]


def test_a_gap_that_rounds_to_zero_has_no_sign() -> None:
    from tco.render import gap

    assert gap(99.99, 100.0) == "+0.0%" and gap(100.01, 100.0) == "+0.0%" and gap(90.0, 100.0) == "-10.0%"


def test_sizing_names_the_rented_option(run) -> None:
    r = run("size", "h100-sxm:rent", "-w", "llama3-8b", "--deadline-days", "60", "-f", "json")
    (row,) = json.loads(r.stdout)["results"]
    assert row["message"].startswith(f"{row['count']:,} × h100-sxm:rent meets deadline_days = 60")


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
@pytest.mark.parametrize(
    "args",
    [
        ["a100-80gb", "h100-sxm@2:rent=2.5", "-w", "chat-70b"],
        ["h100-sxm:rent", "l20", "-w", "llama3-8b"],
        ["ascend-910b", "mlu590", "-w", "gpt3-1.3b"],
    ],
)
def test_the_report_prints_on_one_page_for_two_options(run, tmp_path: Path, args: list[str]) -> None:
    """Serving, rented-and-unpriced and infeasible pairs printed on two pages (only the priced training
    pair fitted); numbers broke mid-token in print ('$1,266,79 6')."""
    pypdf = pytest.importorskip("pypdf")
    page = tmp_path / "r.html"
    assert run("report", *args, "-n", "300", "-o", str(page)).exit_code == 0
    pdf = tmp_path / "r.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}", page.as_uri()],  # type: ignore[list-item]
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert len(pypdf.PdfReader(str(pdf)).pages) == 1
    assert "white-space:nowrap" in page.read_text()


def test_validate_names_the_kind_of_a_file_whose_extends_is_unknown(run, tmp_path: Path) -> None:
    """An accelerator file with a mistyped extends was reported as an 'unknown scenario', with no
    did-you-mean: with no known id to follow, the file's own keys say its kind."""
    typo = tmp_path / "typo.toml"
    typo.write_text('extends = "a100-80g"\nid = "fz-y"\nprice_usd = 1000\n')
    r = run("profiles", "validate", str(typo))
    assert r.stderr.strip() == (
        f"Error: {typo}: extends: unknown accelerator 'a100-80g' (did you mean 'a100-80gb'?); see 'tco profiles list'"
    )


def test_simulate_csv_says_what_an_option_lacks(run) -> None:
    """Its JSON carried missing_inputs; the CSV left the unpriced option's cells blank, unexplained."""
    lines = run("simulate", "l20", "a100-80gb", "-w", "gpt3-1.3b", "-n", "100", "-f", "csv").stdout.splitlines()
    head = lines[0].split(",")
    assert head[-1] == "missing_inputs" and lines[1].split(",")[-1] == "l20.price_usd" and lines[2].split(",")[-1] == ""


@pytest.mark.parametrize("kind", ["accelerator", "workload", "scenario"])
def test_the_schema_takes_for_extends_what_the_tool_takes(run, kind: str) -> None:
    """The schema's extends took any text, a path too, which the tool refuses: an id, not blank, not a
    path, at most 64 characters."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run("schema", kind).stdout)
    validator = jsonschema.Draft202012Validator(schema)

    def errors(found: Any) -> Any:  # every error, those under a workload's anyOf (training or inference) too
        for e in found:
            yield e
            yield from errors(e.context)

    def ok(extends: str) -> bool:
        return not [e for e in errors(validator.iter_errors({"extends": extends, "id": "x"})) if "extends" in e.absolute_path]

    assert ok("a100-80gb") and ok("BASE")
    assert not ok("./sc1.toml") and not ok("sub/x") and not ok("x.toml") and not ok("  ") and not ok("x" * 65)
