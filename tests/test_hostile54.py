"""Hostile round 54 (extends chains read whole, copies on the search path, path scopes): each defect fixed, with a test."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import tco


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_misfit_from_a_users_chain_names_the_file_that_writes_the_size(run, tmp_path) -> None:
    """1: a workload extending the user's oversized workload blamed the shipped part's memory_gb (the check read only
    the top file); the file of the chain that writes the size is named, as the file itself is."""
    big = _write(tmp_path / "bigw.toml", 'extends = "llama3-8b"\nid = "bigw"\nseq_len = 100000000\n')
    top = _write(tmp_path / "bigw2.toml", 'extends = "bigw"\nid = "bigw2"\n')
    r = run("compare", "h100-sxm", "-w", str(top))
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {big}: seq_len: activations of one 100,000,000-token sequence"), r.stderr
    assert r.stderr.rstrip().endswith(f"(extended by {top})") and "accelerators/" not in r.stderr
    _write(tmp_path / "bigs.toml", 'extends = "chat-70b"\nid = "bigs"\nparameters = 1e13\n')
    serving = _write(tmp_path / "bigs2.toml", 'extends = "bigs"\nid = "bigs2"\n')
    r = run("compare", "mlu370-s4", "-w", str(serving))
    assert r.stderr.startswith(f"Error: {tmp_path / 'bigs.toml'}: parameters: mlu370-s4 cannot serve bigs2"), r.stderr


def test_a_goodput_of_zero_from_a_chain_names_the_file_that_writes_the_cause(run, tmp_path) -> None:
    """8: a scenario extending the user's gp0.toml (restart_minutes = 1e9) named itself and the failure rate."""
    gp0 = _write(tmp_path / "gp0.toml", 'extends = "default"\nid = "gp0"\nrestart_minutes = 1e9\n')
    top = _write(tmp_path / "gp0b.toml", 'extends = "gp0"\nid = "gp0b"\n')
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-s", str(top))
    assert r.stderr.startswith(f"Error: {gp0}: restart_minutes: failures leave no useful time"), r.stderr
    assert r.stderr.rstrip().endswith(f"(extended by {top})")


def test_a_cross_field_check_blames_the_file_that_wrote_any_field_it_reads(run, tmp_path) -> None:
    """3: the check of every expert active reads active_parameters, and the expert-parallel check reads experts; the
    child that wrote those was not blamed (its valid base was)."""
    _write(tmp_path / "dense8.toml", 'extends = "llama3-8b"\nid = "dense8"\nexperts = 8\nexperts_per_token = 8\n')
    child = _write(tmp_path / "child.toml", 'extends = "dense8"\nid = "child"\nactive_parameters = 2e9\n')
    r = run("compare", "h100-sxm", "-w", str(child))
    assert r.stderr.startswith(f"Error: {child}: experts_per_token: with every expert active"), r.stderr
    assert "(active_parameters from this file, experts_per_token from dense8.toml, which it extends)" in r.stderr
    _write(tmp_path / "base-moe.toml", 'extends = "deepseek-v3"\nid = "base-moe"\n[layout]\nexpert_parallel = 64\n')
    mine = _write(tmp_path / "mine-moe.toml", 'extends = "base-moe"\nid = "mine-moe"\nexperts = 160\n')
    r = run("compare", "h100-sxm", "-w", str(mine))
    assert r.stderr.startswith(f"Error: {mine}: layout.expert_parallel: an expert-parallel degree of 64 must divide the 160"), r.stderr
    assert "(experts from this file, layout.expert_parallel from base-moe.toml, which it extends)" in r.stderr


def test_copies_on_the_search_path_chain_to_the_built_in_and_answer_to_its_aliases(run, tmp_path, monkeypatch) -> None:
    """4, 5: two copies of h100-sxm, each extending its own id, were a cycle; and a copy without aliases hid the
    built-in's (`h100` was an error naming no file, --set h100.… refused). The first extends the second, which extends
    the built-in; a copy answers to the aliases it inherits."""
    a = _write(tmp_path / "a" / "accelerators" / "h100-sxm.toml", 'extends = "h100-sxm"\nid = "h100-sxm"\nprice_usd = 20000\n')
    _write(tmp_path / "b" / "accelerators" / "h100-sxm.toml", 'extends = "h100-sxm"\nid = "h100-sxm"\nlead_time_weeks = 2\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    acc = tco.load_accelerator("h100")
    assert (acc.price_usd.value, acc.lead_time_weeks.value) == (20000, 2) and "h100" in acc.aliases
    by_alias = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "h100.price_usd=1000", "-f", "json")
    by_id = run("compare", "h100-sxm", "-w", "gpt3-1.3b", "--set", "h100-sxm.price_usd=1000", "-f", "json")
    assert by_alias.exit_code == 0, by_alias.stderr
    costs = [json.loads(r.stdout)["results"][0]["capex_usd"] for r in (by_alias, by_id)]
    assert costs[0] == costs[1] and costs[0] < 20000 * 8  # (the alias's --set changed the copy's price)
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "a"))
    r = run("profiles", "validate", str(a))
    assert r.exit_code == 0 and "Warning" not in r.stderr, r.stderr


def test_a_profile_of_another_id_does_not_take_the_aliases_of_the_one_it_extends(run, tmp_path, monkeypatch) -> None:
    """6: fast.toml (extends a100-80gb, another id) inherited 'a100': the resolver said a100 is a100-80gb while --vs,
    --baseline and the alias warning said fast. Another id is another profile: it takes no aliases it does not list."""
    _write(tmp_path / "accelerators" / "fast.toml", 'extends = "a100-80gb"\nid = "fast"\nname = "fast copy"\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path))
    assert tco.load_accelerator("fast").aliases == []
    r = run("compare", "fast", "a100", "-w", "gpt3-1.3b", "--baseline", "a100", "-f", "json")
    assert r.exit_code == 0 and "Warning" not in r.stderr, r.stderr
    assert json.loads(r.stdout)["baseline"] == "a100-80gb"
    r = run("sensitivity", "fast", "-w", "gpt3-1.3b", "--vs", "a100", "-f", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["vs"] == ["fast", "a100-80gb"], r.stderr


def test_ids_that_begin_with_a_keyword_scope_are_reserved(run, tmp_path) -> None:
    """7: an id 'scenario.porting' took over --set scenario.porting.… ('no such field')."""
    shipped = (tco.loader.builtin_dir() / "accelerators" / "mlu370-s4.toml").read_text()
    bad = _write(tmp_path / "scenario.porting.toml", shipped.replace('id = "mlu370-s4"', 'id = "scenario.porting"'))
    r = run("profiles", "validate", str(bad))
    assert r.exit_code == 1 and "id: 'scenario.porting' is reserved: --set scenario.<field> names the run's scenario" in r.stderr


def test_a_path_scope_in_any_spelling_names_the_option(run, tmp_path, monkeypatch) -> None:
    """9: `--set /abs/my.gpu.toml.price_usd` was refused while --vs took the same spelling, and `my.gpu.toml.price_usd`
    was read as the id my.gpu with a field toml.price_usd ("no such field")."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "my.gpu.toml", 'extends = "a100-80gb"\nid = "my.gpu"\naliases = ["mine"]\nprice_usd = 12000\n')
    base = run("compare", "./my.gpu.toml", "-w", "gpt3-1.3b", "--set", "my.gpu.price_usd=5000", "-f", "json")
    cost = json.loads(base.stdout)["results"][0]["job_cost_usd"]
    for spelling in (f"{tmp_path}/my.gpu.toml", "my.gpu.toml", "./my.gpu.toml"):
        r = run("compare", "./my.gpu.toml", "-w", "gpt3-1.3b", "--set", f"{spelling}.price_usd=5000", "-f", "json")
        assert r.exit_code == 0, (spelling, r.stderr)
        assert json.loads(r.stdout)["results"][0]["job_cost_usd"] == pytest.approx(cost, rel=1e-12)
    r = run("breakeven", "./my.gpu.toml", "a100-80gb", "-w", "gpt3-1.3b", "--param", "my.gpu.toml.price_usd", "--range", "1000:100000")
    assert r.exit_code == 0 and "tie at my.gpu.toml.price_usd = 17,500" in r.stdout, r.stderr


def test_sensitivity_names_an_input_an_end_needs_and_its_csv_says_what_overflows(run) -> None:
    """10: a priced carbon with no grid intensity showed as 'cannot run at high' and named no input; the CSV had no
    overflows column. (Which input an end lacks is known per option, not per row: the table's foot names it.)"""
    r = run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "scenario.grid_kgco2e_per_kwh_by_market={}")
    line = next(x for x in r.stdout.splitlines() if x.startswith("scenario.carbon_usd_per_tonne"))
    assert "cannot run at high" in line
    assert (
        "a100-80gb cannot run at some ends without scenario.grid_kgco2e_per_kwh_by_market.global, which is unknown: "
        "give it with --set scenario.grid_kgco2e_per_kwh_by_market.global=VALUE"
    ) in r.stdout
    args = ("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd={value=17500, high=1e308}")
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv").stdout)))
    price = next(row for row in rows if row["param"] == "a100-80gb.price_usd")
    assert (price["a100-80gb.overflows"], price["mlu370-s4.overflows"]) == ("high", "")
    assert list(rows[0])[-2:] == ["a100-80gb.overflows", "mlu370-s4.overflows"]


# --------------------------------------------------------------------------- round 55 (the round-54 changes, checked)


def test_a_copy_without_an_id_keeps_the_aliases_and_one_named_by_its_id_answers_to_them(run, tmp_path, monkeypatch) -> None:
    """55 D1: a copy with no id key (`extends = "h100-sxm"` and a price) lost the built-in's aliases, though `h100`
    found it. D3: a copy whose file has another name (mycopy.toml, id = "h100-sxm") answered to its id, and `h100`
    gave the built-in. D2: a file named h100-sxm.toml with another id is another profile: `h100` names the
    built-in it hides, and the error names the file that hides it."""
    _write(tmp_path / "a" / "accelerators" / "h100-sxm.toml", 'extends = "h100-sxm"\nprice_usd = 20000\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "a"))
    assert tco.load_accelerator("h100").aliases == ["nvidia-h100-sxm", "h100"]
    assert run("compare", "h100@8", "-w", "gpt3-1.3b", "--set", "nvidia-h100-sxm.price_usd=1").exit_code == 0
    _write(tmp_path / "e" / "accelerators" / "mycopy.toml", 'extends = "h100-sxm"\nid = "h100-sxm"\nprice_usd = 20000\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "e"))
    assert tco.load_accelerator("h100").price_usd.value == tco.load_accelerator("h100-sxm").price_usd.value == 20000
    other = _write(tmp_path / "d" / "accelerators" / "h100-sxm.toml", 'extends = "h100-sxm"\nid = "myh"\nprice_usd = 20000\n')
    monkeypatch.setenv("TCO_PROFILE_PATH", str(tmp_path / "d"))
    assert tco.load_accelerator("myh").aliases == []
    r = run("compare", "h100@8", "-w", "gpt3-1.3b")
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {other}: 'h100' is an alias of h100-sxm in "), r.stderr


def test_an_id_with_toml_inside_still_scopes_a_set(run, tmp_path) -> None:
    """55 D4: an id 'gpu.toml.v2' was read as the path 'gpu.toml' in --set and --vary (a regression of round 54)."""
    gpu = _write(tmp_path / "gpu.toml.v2.toml", 'extends = "a100-80gb"\nid = "gpu.toml.v2"\naliases = []\n')
    r = run("compare", str(gpu), "-w", "gpt3-1.3b", "--set", "gpu.toml.v2.price_usd=1000", "-f", "json")
    assert r.exit_code == 0, r.stderr
    r = run("sweep", str(gpu), "-w", "gpt3-1.3b", "--vary", "gpu.toml.v2.price_usd=1000,2000", "-f", "csv")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 3, r.stderr


def test_a_nul_in_a_path_scope_is_an_input_error() -> None:
    """55 D6: a NUL in a `<path>.toml.` scope raised a bare ValueError from what_if, sweep and breakeven."""
    inputs = tco.load_inputs(["a100-80gb"], workload="gpt3-1.3b")
    with pytest.raises(tco.errors.TcoError):
        tco.what_if(inputs, {"x\x00y.toml.price_usd": [1.0]})
