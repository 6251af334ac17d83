"""Review findings of the sixteenth stop: small wording and interface defects found by reading outputs."""

from __future__ import annotations

import json

import pytest

import tco
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

    public = [n for n in dir(tco) if not n.startswith("_") and not isinstance(getattr(tco, n), types.ModuleType)]
    assert sorted(public) == sorted(tco.__all__)  # (submodules appear once imported, as in any package)


PAIR = ["a100-80gb", "mlu370-s4"]


@pytest.mark.parametrize(
    ("args", "call"),
    [
        (["compare", *PAIR, "-w", "gpt3-1.3b"], lambda i: tco.compare(i)),
        (["sensitivity", *PAIR, "-w", "gpt3-1.3b"], lambda i: tco.sensitivity(i)),
        (["simulate", *PAIR, "-w", "gpt3-1.3b", "-n", "200", "--seed", "3"], lambda i: tco.simulate(i, samples=200, seed=3)),
        (["breakeven", *PAIR, "-w", "gpt3-1.3b"], lambda i: tco.breakeven(i, *PAIR)),
        (["size", "a100-80gb", "-w", "gpt3-1.3b", "--deadline-days", "200"], lambda i: tco.size(i, deadline_days=200.0)),
        (["cashflow", *PAIR, "-w", "gpt3-1.3b"], lambda i: tco.cashflow(i)),
    ],
)
def test_python_results_are_the_json_results(run, args: list[str], call) -> None:
    """Every command's Python result has `.results`, the records its JSON lists under "results"
    (`rows` of a tornado, `options` of a simulation, one record for a break-even)."""
    r = run(*args, "-f", "json")
    assert r.exit_code == 0, r.stderr
    accels = [a for a in args[1:] if not a.startswith("-")][: 2 if args[0] != "size" else 1]
    inputs = tco.load_inputs(accels, workload="gpt3-1.3b")
    result = call(inputs)
    dumped = [x.model_dump(mode="json") for x in result.results]
    if result.results == [result]:  # one record: its schema_version is the envelope's
        dumped = [{k: v for k, v in d.items() if k != "schema_version"} for d in dumped]
    assert dumped == json.loads(r.stdout)["results"]


def test_estimate_results_are_one_record() -> None:
    e = tco.estimate("h100-sxm", parameters=7e9, seq_len=4096, count=64)
    assert e.results == [e]


def test_a_quoted_rate_listed_first_does_not_become_the_profiles_rate_in_a_tornado() -> None:
    """With a $2/h profile, `toy:rent=3` listed before `toy:rent` made the tornado swing the profile's
    rate around 3.0 (2.4-3.6) for `toy:rent`, whose rate is 2.0 (found by the mutation sample of common.py)."""
    from tco import analysis
    from tco.engine import Acquisition, Option
    from tco.inputs import Inputs, with_quoted_rate
    from tests.factories import accelerator, scenario, training

    acc = accelerator(rental={"usd_per_hour": 2.0})
    quoted = Option(with_quoted_rate(acc, 3.0), acquisition=Acquisition.rent, quoted_rate=3.0)
    plain = Option(acc, acquisition=Acquisition.rent)
    rows = []
    for options in ([quoted, plain], [plain, quoted]):
        row = next(r for r in analysis.sensitivity(Inputs(options, training(), scenario())).rows if r.param == "toy.rental.usd_per_hour")
        rows.append((row.low, row.central, row.high, row.effective_cost_low_usd["toy:rent"], row.effective_cost_high_usd["toy:rent"]))
    assert rows[0] == rows[1]
    assert rows[0][:3] == pytest.approx((1.6, 2.0, 2.4))
