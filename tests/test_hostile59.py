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
