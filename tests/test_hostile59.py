"""Hostile round 59 (and what rounds 57–58 left): each defect fixed, with a test."""

from __future__ import annotations

import json

from tco import loader


def _copy_of(name: str, new_id: str, dest) -> None:
    text = (loader.builtin_dir() / "accelerators" / f"{name}.toml").read_text(encoding="utf-8")
    swap = {"id = ": f'id = "{new_id}"', "aliases = ": "aliases = []"}
    lines = [next((v for k, v in swap.items() if ln.startswith(k)), ln) for ln in text.splitlines()]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_id_that_is_another_options_alias_takes_the_set_alone(run, tmp_path, monkeypatch) -> None:
    """Round 58 D5: with a profile of id `a100` beside a100-80gb (alias `a100`), `--set a100.price_usd=1`
    changed both options' price; the exact id wins, as it does when the scope is resolved for blame."""
    _copy_of("h100-sxm", "a100", tmp_path / "z.toml")
    monkeypatch.chdir(tmp_path)

    def costs(*sets: str) -> dict[str, float]:
        r = run("compare", "a100-80gb", "./z.toml", "-w", "chat-70b", "--format", "json", *sets)
        assert r.exit_code == 0, r.stderr
        return {row["option"]: row["job_cost_usd"] for row in json.loads(r.stdout)["results"]}

    before = costs()
    after = costs("--set", "a100.price_usd=1")
    assert after["a100-80gb"] == before["a100-80gb"]
    assert after["a100"] < before["a100"]
    r = run("compare", "./z.toml", "a100-80gb", "-w", "chat-70b", "--set", "a100.memory_gb=1")
    assert r.exit_code == 0 and "a100 is infeasible: a100 cannot serve" in r.stderr and "a100-80gb is infeasible" not in r.stderr


def _one_row_set(kind: str, name: str, field: str, value: float, tmp_path):
    data = loader.read_toml(loader.builtin_dir() / kind / f"{name}.toml")
    data["id"] = "x"
    data["rows"] = data["rows"][:1]
    data["rows"][0][field] = value
    path = tmp_path / kind / "x.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(loader.dump_toml(data), encoding="utf-8")
    return path


def test_a_huge_prompt_is_blamed_on_the_prompt(run, tmp_path) -> None:
    """Round 58 D6: `input_tokens = 1e300` in a serving row was blamed on `output_tokens` (the sum's check)."""
    r = run("profiles", "validate", str(_one_row_set("serving", "vendor-serving", "input_tokens", 1e300, tmp_path)))
    assert r.exit_code == 1 and "rows[0].input_tokens: input should be less than or equal to 999999999999999" in r.stderr, r.stderr
    r = run("profiles", "validate", str(_one_row_set("serving", "vendor-serving", "input_tokens", 1e15 - 1, tmp_path)))
    assert r.exit_code == 1 and "rows[0].output_tokens: input_tokens + output_tokens must be at most 10^15" in r.stderr, r.stderr


def test_an_absurd_implied_mfu_is_printed_short(run, tmp_path) -> None:
    """Round 58 D6: `parameters = 1e300` in a training row printed a 300-digit MFU."""
    r = run("profiles", "validate", str(_one_row_set("benchmarks", "megatron-2021", "parameters", 1e300, tmp_path)))
    assert r.exit_code == 1 and "implies MFU 1.79e+290 (> 1)" in r.stderr and len(r.stderr) < 400, r.stderr


def test_a_stage_may_be_named_like_a_set_scope(run, tmp_path) -> None:
    """Round 57 D9(b): a stage named `workload` was refused as a reserved id; a stage name is no --set scope
    (`workload.stages[workload].tokens` names it), and a --set through that name reaches it."""
    text = (loader.builtin_dir() / "workloads" / "deepseek-v3.toml").read_text(encoding="utf-8")
    path = tmp_path / "ds.toml"
    path.write_text(text.replace('id = "deepseek-v3"', 'id = "ds"').replace('name = "long-context"', 'name = "workload"'), "utf-8")
    r = run("compare", "h800@2048", "-w", str(path), "--format", "json")
    assert r.exit_code == 0, r.stderr
    base = json.loads(r.stdout)["results"][0]["job_cost_usd"]
    r = run("compare", "h800@2048", "-w", str(path), "--format", "json", "--set", "workload.stages[workload].tokens=2e10")
    assert r.exit_code == 0 and json.loads(r.stdout)["results"][0]["job_cost_usd"] > base, r.stderr
