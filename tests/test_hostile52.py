"""Hostile round 52 (extends chains, profiles given by path, message formats): each defect fixed, with a test."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import tco
from tco.errors import InputError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _child(folder: Path, name: str, text: str, base: str = "h100-sxm") -> Path:
    return _write(folder / name, f'extends = "{base}"\nid = "{Path(name).stem.lower().replace("@", "-")}"\naliases = []\n{text}')


def test_an_empty_market_table_in_a_child_merges_and_the_child_is_named(run, tmp_path) -> None:
    """1: `[availability] cn = {}` (and a note alone) replaced the inherited market rule as if it were a quantity,
    and the error named the shipped h100-sxm.toml (buy, rent missing). What is a quantity is the schema's to say:
    a market's table merges, so the H100 stays barred in 'cn', and the message names the child."""
    for name, text in (("e_cn.toml", "[availability]\ncn = {}\n"), ("e_cn2.toml", '[availability.cn]\nnote = "my note"\n')):
        child = _child(tmp_path, name, text)
        r = run("compare", f"{child}@8", "-w", "gpt3-1.3b", "--set", "scenario.market=cn")
        assert r.exit_code == 1 and "h100-sxm.toml" not in r.stderr, r.stderr
        assert r.stderr.startswith(f"Error: --set: scenario.market: {child.stem} cannot be bought in market 'cn'"), r.stderr
    # (an empty table over an inherited quantity still unsets it, as round 51 made it)
    price = _child(tmp_path, "noprice.toml", "price_usd = {}\n")
    assert tco.load_accelerator(str(price)).price_usd.value is None


def test_a_cross_field_error_in_a_longer_chain_blames_the_file_that_changed_the_pair(run, tmp_path) -> None:
    """2: with three files in a chain, the error named the shipped deepseek-v3.toml (for mid.toml's experts_per_token)
    or c1.toml, which is valid by itself (for c2.toml's seq_len): the nearest file writing any of the fields is blamed."""
    _write(tmp_path / "mid.toml", 'extends = "deepseek-v3"\nid = "mid"\nexperts_per_token = 16\n')
    leaf = _write(tmp_path / "leaf.toml", 'extends = "mid"\nid = "leaf"\nname = "only a name"\n')
    r = run("compare", "h100-sxm@2048", "-w", str(leaf))
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {tmp_path / 'mid.toml'}: active_parameters: with 16 of 256 experts"), r.stderr
    assert r.stderr.rstrip().endswith(
        f"(experts_per_token from this file, active_parameters from deepseek-v3.toml, which it extends; extended by {leaf})"
    )
    _write(tmp_path / "c1.toml", 'extends = "chat-70b"\nid = "c1"\nprompt_tokens = 3000\noutput_tokens = 1000\n')
    _write(tmp_path / "c2.toml", 'extends = "c1"\nid = "c2"\nseq_len = 2048\n')
    c3 = _write(tmp_path / "c3.toml", 'extends = "c2"\nid = "c3"\nname = "n"\n')
    r = run("compare", "h100-sxm", "-w", str(c3))
    assert r.stderr.startswith(f"Error: {tmp_path / 'c2.toml'}: prompt_tokens: 3000 tokens exceed seq_len = 2048"), r.stderr
    assert "(seq_len from this file, prompt_tokens from c1.toml, which it extends; extended by" in r.stderr
    c4 = _write(tmp_path / "c4.toml", 'extends = "c1"\nid = "c4"\nname = "n"\n')
    assert run("compare", "h100-sxm", "-w", str(c4)).exit_code == 0  # (c1 on its own is valid)


def test_a_profile_given_by_path_is_named_by_its_id_in_errors(run, tmp_path) -> None:
    """3: errors for a profile given by path used the file's name (plain.price_usd, odd@x.price_usd), which --set
    then refused; the key is the profile's id, which --set takes."""
    plain = _child(tmp_path, "plain.toml", "").read_text().replace('id = "plain"', 'id = "myh100"')
    path = _write(tmp_path / "odd@x.toml", plain)
    for key in ("myh100.price_usd", f"{path}.price_usd"):
        r = run("compare", f"{path}@8", "-w", "gpt3-1.3b", "--set", f"{key}=-1")
        assert r.stderr.startswith("Error: --set: myh100.price_usd: expected more than 0, got -1"), r.stderr
    r = run("compare", f"{path}@8", "-w", "gpt3-1.3b", "--set", "myh100.nope=1")
    assert r.stderr.startswith("Error: --set: myh100.nope: no such field"), r.stderr


def test_a_profile_path_scopes_an_input_in_every_command(run, tmp_path, monkeypatch) -> None:
    """4: `<path>.field` was taken by --set, refused by --vary, --param and what_if ('odd@x' is not ...)."""
    monkeypatch.chdir(tmp_path)
    _child(tmp_path, "odd@x.toml", "")
    _child(tmp_path / "dir:c", "o@t.toml", "")
    r = run("sweep", "odd@x.toml@8", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "odd@x.toml.price_usd=1000,2000", "-f", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    own = [row for row in rows if row["option"] == "odd-x@8"]
    # a $1,000 dearer part (x 8 parts, times the server overhead) costs more over the job: the point moved it
    assert [row["odd@x.toml.price_usd"] for row in own] == ["1000", "2000"]
    assert float(own[1]["job_cost_usd"]) > float(own[0]["job_cost_usd"])
    r = run("breakeven", "odd@x.toml@8", "dir:c/o@t.toml@8:rent=2", "-w", "gpt3-1.3b", "--param", "odd@x.toml.price_usd", "-f", "json")
    assert r.exit_code == 0, r.stderr
    inputs = tco.load_inputs(["odd@x.toml@8", "a100-80gb"], workload="gpt3-1.3b")
    w = tco.what_if(inputs, {"odd@x.toml.price_usd": [1000.0]})
    by_id = tco.what_if(inputs, {"odd-x.price_usd": [1000.0]})
    assert w.options[0].job_cost_usd == by_id.options[0].job_cost_usd


def test_an_upper_case_toml_suffix_is_a_path_and_an_id_may_not_end_in_toml(run, tmp_path, monkeypatch) -> None:
    """5: `Y.TOML@8` and `-w W.TOML` were looked up as ids ("unknown accelerator"), though the option grammar reads
    .TOML as a path's end; and an id `x.toml` (which the command line can only read as a file) was valid."""
    monkeypatch.chdir(tmp_path)
    _child(tmp_path, "Y.TOML", "")
    _write(tmp_path / "W.TOML", 'extends = "gpt3-1.3b"\nid = "w"\n')
    r = run("compare", "Y.TOML@8", "a100-80gb", "-w", "W.TOML", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert {o["option"] for o in json.loads(r.stdout)["results"]} == {"y@8", "a100-80gb"}
    shipped = (tco.loader.builtin_dir() / "accelerators" / "h100-sxm.toml").read_text()
    bad = _write(tmp_path / "x.toml.toml", shipped.replace('id = "h100-sxm"', 'id = "x.toml"'))
    r = run("profiles", "validate", str(bad))
    assert r.exit_code == 1 and "id: an id may not end in '.toml'" in r.stderr, r.stderr


def test_sensitivity_vs_finds_an_option_whose_path_is_spelled_otherwise(run, tmp_path, monkeypatch) -> None:
    """6: `--vs ./dir:c/o@t.toml@8` (or an absolute path to the shipped file) was refused as a second copy of the
    option ("name the same option ... give it once"): the reference is to the same file, so it is that option."""
    monkeypatch.chdir(tmp_path)
    _child(tmp_path / "dir:c", "o@t.toml", "")
    _child(tmp_path, "a.toml", "")
    r = run("sensitivity", "a.toml@8", "dir:c/o@t.toml@8", "--vs", "./dir:c/o@t.toml@8", "-w", "gpt3-1.3b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["options"] == ["a@8", "o-t@8"]
    shipped = tco.loader.builtin_dir() / "accelerators" / "h100-sxm.toml"
    r = run("sensitivity", "a100-80gb", "h100-sxm", "--vs", str(shipped), "-w", "gpt3-1.3b", "-f", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["vs"] == ["a100-80gb", "h100-sxm"] and doc["options"] == ["a100-80gb", "h100-sxm"]


def test_a_fleet_just_past_the_bound_is_counted_in_full(run) -> None:
    """7: 'needs 1e+09 × h100-sxm, more than the 1,000,000,000 accelerators': the count was rounded to 4 digits. (The
    demand is the one that needs 1,000,000,008 at the serving constants of 2026-12-03; a refit moves it.)"""
    r = run("compare", "h100-sxm", "-w", "chat-70b", "--set", "workload.tokens_per_day=4.147736887270824e+16")
    assert r.exit_code == 1 and "needs 1,000,000,008 × h100-sxm, more than the 1,000,000,000 accelerators" in r.stderr, r.stderr


def test_a_sweep_of_a_bound_of_a_foreign_currency_input_names_its_currency(run) -> None:
    """8: `--vary br100.price_usd.low=...` headed its column without (CNY), though the values are read in CNY.
    Since round 56 a range's end cannot be swept (no figure of a sweep reads it); the input itself is headed in CNY."""
    r = run("sweep", "br100", "-w", "gpt3-1.3b", "--vary", "br100.price_usd.low=1000", "-f", "csv")
    assert r.exit_code == 1 and "an end of br100.price_usd's range, which only sensitivity and simulate read" in r.stderr
    r = run("sweep", "br100", "-w", "gpt3-1.3b", "--vary", "br100.price_usd=100000", "-f", "csv")
    assert r.exit_code == 0 and "br100.price_usd (CNY)" in r.stdout.splitlines()[0].split(","), r.stdout[:300]


def test_an_unknown_path_scope_is_quoted_whole() -> None:
    """4 (its message): a path that names no option was cut at its first dot ('nope' is not ...)."""
    inputs = tco.load_inputs(["h100-sxm@8"], workload="gpt3-1.3b")
    with pytest.raises(InputError, match="'nope.toml' is not scenario, workload or a compared accelerator"):
        tco.what_if(inputs, {"nope.toml.price_usd": [1.0]})
