"""Review findings of the sixteenth stop: small wording and interface defects found by reading outputs."""

from __future__ import annotations

import json

import pytest

from tco.render import share


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.35, "35%"), (0.095, "10%"), (0.0947, "9.5%"), (0.003, "0.3%"), (0.0005, "0.1%"), (0.0004, "<0.1%")],
)
def test_a_share_shows_the_digits_it_needs(value: float, text: str) -> None:
    assert share(value) == text


def test_the_verdict_does_not_call_a_cheaper_option_0_percent_cheaper(run) -> None:
    """Two counts of one part: 64 costs $1,622,197 for the job and 128 $1,627,011 (the same tokens/s
    per accelerator, so per token 1 - 1,622,197/1,627,011 = 0.30 % cheaper); the verdict said "0% cheaper"."""
    r = run("compare", "h100-sxm@64", "h100-sxm@128", "-w", "llama3-8b", "-f", "json")
    assert r.exit_code == 0
    res = {o["option"]: o for o in json.loads(r.stdout)["results"]}
    a, b = res["h100-sxm@64"], res["h100-sxm@128"]
    expected = 1 - a["cost_per_million_tokens_usd"] / b["cost_per_million_tokens_usd"]
    assert 0.001 < expected < 0.0095
    assert f"h100-sxm@64 is {expected:.1%} cheaper per token" in r.stderr


@pytest.mark.parametrize("args", [("schema", "workload"), ("compare", "h100-sxm", "-w", "llama3-8b"), ("calibrate", "--summary")])
def test_a_toml_name_outside_profiles_show_is_refused(run, tmp_path, args) -> None:
    """`tco schema workload -o x.toml` wrote JSON into a .toml name (a later `-a x.toml` then failed far
    from the cause); only `profiles show` writes TOML."""
    out = tmp_path / "x.toml"
    r = run(*args, "-o", str(out))
    assert r.exit_code == 2
    assert "is named as toml" in r.stderr and "does not write" in r.stderr
    assert not out.exists()


def test_profiles_show_still_writes_toml_by_name(run, tmp_path) -> None:
    out = tmp_path / "mine.toml"
    assert run("profiles", "show", "h100-sxm", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith('id = "h100-sxm"')


def test_an_estimate_set_of_a_shape_key_keeps_its_blame_and_names_the_flag(run) -> None:
    """`--set workload.shape.layers=64` alone named only the missing partner key; it now also names the
    flag estimate takes for it."""
    r = run("estimate", "h100-sxm", "--params", "7e9", "--set", "workload.shape.layers=64")
    assert r.exit_code == 1
    assert r.stderr.strip() == "Error: --set: workload.shape.d_model: required key is missing (estimate's flag for it: --d-model)"


def test_dir_of_the_package_shows_the_api_and_no_typing_helpers() -> None:
    """`dir(tco)` listed `Any` and `TYPE_CHECKING` beside the API (the module's own imports)."""
    import types

    import tco

    public = [n for n in dir(tco) if not n.startswith("_") and not isinstance(getattr(tco, n), types.ModuleType)]
    assert sorted(public) == sorted(tco.__all__)  # (submodules appear once imported, as in any package)
