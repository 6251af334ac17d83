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
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {big}: seq_len: activations of one 100000000-token sequence"), r.stderr
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
    """10: a priced carbon with no grid intensity showed as 'cannot run at high'; the CSV had no overflows column."""
    r = run("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "scenario.grid_kgco2e_per_kwh_by_market={}")
    line = next(x for x in r.stdout.splitlines() if x.startswith("scenario.carbon_usd_per_tonne"))
    assert "needs scenario.grid_kgco2e_per_kwh_by_market.global at high" in line and "cannot run" not in line
    args = ("sensitivity", "a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b", "--set", "a100-80gb.price_usd={value=17500, high=1e308}")
    rows = list(csv.DictReader(io.StringIO(run(*args, "-f", "csv").stdout)))
    price = next(row for row in rows if row["param"] == "a100-80gb.price_usd")
    assert (price["a100-80gb.overflows"], price["mlu370-s4.overflows"]) == ("high", "")
    assert list(rows[0])[-2:] == ["a100-80gb.overflows", "mlu370-s4.overflows"]
