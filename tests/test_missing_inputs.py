"""Degrade per option, never per run: an option lacking an input still gets every figure that does not
need it, is left out of the ranking, and is told the number that would decide it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tco import loader

DATA = Path(__file__).parent / "data" / "market"
MYSTERY = str(DATA / "mystery-x.toml")
PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def payload(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_option(p: dict) -> dict[str, dict]:
    return {r["accelerator"]: r for r in p["results"]}


def test_incomplete_option_keeps_the_figures_that_do_not_need_the_missing_input(run) -> None:
    """mystery-x is an A100 80GB without a price or a lead time: throughput, time to converge and
    energy are the A100's derived figures; its costs and rank are unknown."""
    res = by_option(payload(run("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b", "-f", "json")))
    a, x = res["a100-80gb"], res["mystery-x"]
    assert a["status"] == "ranked" and a["rank"] == 1 and a["missing_inputs"] == []
    assert x["status"] == "incomplete" and x["rank"] is None
    assert x["missing_inputs"] == ["mystery-x.price_usd", "mystery-x.lead_time_weeks"]
    # Same chip, same derived model: the figures that need neither price nor lead time are identical.
    for k in ("tokens_per_second_per_accelerator", "time_to_converge_hours", "energy_kwh", "energy_usd", "porting_usd"):
        assert x[k] == pytest.approx(a[k], rel=1e-12), k
    for k in ("capex_usd", "job_cost_usd", "time_to_market_days", "effective_cost_usd", "delay_days"):
        assert x[k] is None, k


def test_stderr_names_the_set_that_completes_each_incomplete_option(run) -> None:
    result = run("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b")
    assert result.exit_code == 0
    assert (
        "Note: mystery-x is not ranked: mystery-x.price_usd, mystery-x.lead_time_weeks unknown; complete it with "
        "--set mystery-x.price_usd=VALUE --set mystery-x.lead_time_weeks=VALUE" in result.stderr
    )
    assert "incomplete  mystery-x" in result.stdout


def test_strict_turns_a_missing_input_into_exit_1_and_writes_nothing(run, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b", "--strict", "-o", str(out))
    assert result.exit_code == 1
    assert "mystery-x: needs mystery-x.price_usd and mystery-x.lead_time_weeks, which are unknown (--strict)" in result.stderr
    assert not out.exists()


def test_no_complete_option_still_answers_what_it_can(run) -> None:
    """Nothing can be ranked: compare shows every figure the missing inputs do not decide (exit 0);
    --strict makes it one error line naming every missing input."""
    result = run("compare", MYSTERY, "-w", "llama3-8b", "-f", "json")
    assert result.exit_code == 0, result.stderr
    r = payload(result)["results"][0]
    assert (r["status"], r["rank"], r["effective_cost_usd"], r["price_to_match_usd"]) == ("incomplete", None, None, None)
    assert r["tokens_per_second_per_accelerator"] > 0 and r["time_to_converge_hours"] > 0 and r["energy_kwh"] > 0
    assert r["missing_inputs"] == ["mystery-x.price_usd", "mystery-x.lead_time_weeks"]
    strict = run("compare", MYSTERY, "-w", "llama3-8b", "--strict")
    lines = strict.stderr.strip().splitlines()
    assert strict.exit_code == 1 and strict.stdout == "" and len(lines) == 1
    assert "needs mystery-x.price_usd and mystery-x.lead_time_weeks, which are unknown (--strict)" in lines[0]


def test_price_to_match_is_the_price_at_which_the_option_ties_the_best(run) -> None:
    """Only the price unknown: the reported price makes both effective costs equal (checked by giving it)."""
    args = ("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b", "--set", "mystery-x.lead_time_weeks=4")
    x = by_option(payload(run(*args, "-f", "json")))["mystery-x"]
    assert x["missing_inputs"] == ["mystery-x.price_usd"]
    price = x["price_to_match_usd"]
    assert price is not None and 17_500 < price < 10_000_000  # it arrives 6 weeks earlier than the A100, so it may cost more
    tied = by_option(payload(run(*args, "--set", f"mystery-x.price_usd={price!r}", "-f", "json")))
    assert tied["mystery-x"]["effective_cost_usd"] == pytest.approx(tied["a100-80gb"]["effective_cost_usd"], rel=1e-9)


def test_price_to_match_by_hand_when_lead_times_are_equal(run) -> None:
    """Same chip, same lead time: the effective costs tie exactly at the A100's own price, $17,500."""
    args = ("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b", "--set", "mystery-x.lead_time_weeks=10", "-f", "json")
    x = by_option(payload(run(*args)))["mystery-x"]
    assert x["price_to_match_usd"] == pytest.approx(17_500, rel=1e-9)


def test_lead_time_to_match(run) -> None:
    """Same chip and price: it ties when its lead time equals the A100's 10 weeks."""
    args = ("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b", "--set", "mystery-x.price_usd=17500", "-f", "json")
    x = by_option(payload(run(*args)))["mystery-x"]
    assert x["missing_inputs"] == ["mystery-x.lead_time_weeks"]
    assert x["lead_time_to_match_weeks"] == pytest.approx(10, rel=1e-9)


@pytest.mark.parametrize(
    "command",
    [
        ("sensitivity", "a100-80gb", MYSTERY),
        ("simulate", "a100-80gb", MYSTERY, "-n", "200", "-q"),
        ("size", "a100-80gb", MYSTERY, "--deadline-days", "400"),
    ],
)
def test_analyses_answer_with_an_incomplete_option(run, command) -> None:
    p = payload(run(*command, "-w", "llama3-8b", "-f", "json"))
    text = json.dumps(p)
    assert "mystery-x.price_usd" in text
    strict = run(*command, "-w", "llama3-8b", "-f", "json", "--strict")
    assert strict.exit_code == 1 and "(--strict)" in strict.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("sensitivity", MYSTERY),
        ("sensitivity", "a100-80gb", "--vs", MYSTERY),
        ("sensitivity", MYSTERY, "--vs", "a100-80gb"),
        ("breakeven", "a100-80gb", MYSTERY),
        ("plot", "scatter", MYSTERY, "-o", "x.svg"),
        ("plot", "cdf", MYSTERY, "-o", "x.svg"),
    ],
)
def test_an_answer_that_needs_an_unknown_cost_is_an_error_naming_the_input(run, command, tmp_path: Path, monkeypatch) -> None:
    """The tornado swings an effective cost, the break-even solves for equal costs, the charts draw
    them: for an option whose cost is unknown they printed an empty table or chart (or "no tie:
    unknown inputs") with exit 0; each is one error naming the inputs the option lacks."""
    monkeypatch.chdir(tmp_path)
    result = run(*command, "-w", "llama3-8b")
    assert result.exit_code == 1 and result.stdout == ""
    error = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error) == 1
    assert error[0].endswith(
        "mystery-x.price_usd, mystery-x.lead_time_weeks, which are unknown; give them with "
        "--set mystery-x.price_usd=VALUE --set mystery-x.lead_time_weeks=VALUE" + (")" if command[0] == "plot" else "")
    )
    assert not (tmp_path / "x.svg").exists()


def test_simulate_never_lets_an_incomplete_option_win(run) -> None:
    p = payload(run("simulate", "a100-80gb", MYSTERY, "-w", "llama3-8b", "-n", "300", "-q", "-f", "json"))
    opts = {o["option"]: o for o in p["results"]}
    # Its chance to win is unknown, not 0; the complete option wins every sample among the ranked ones.
    assert opts["mystery-x"]["win_probability"] is None and opts["mystery-x"]["infeasible_share"] is None
    assert opts["a100-80gb"]["win_probability"] == 1
    assert opts["mystery-x"]["missing_inputs"] == ["mystery-x.price_usd", "mystery-x.lead_time_weeks"]
    assert opts["mystery-x"]["effective_cost_usd"]["p50"] is None
    assert p["best_expected_option"] == "a100-80gb"


def test_sweep_streams_rows_for_an_incomplete_option(run) -> None:
    """A row per point for the incomplete option, whose reason names the inputs it lacks."""
    import csv
    import io

    result = run("sweep", "a100-80gb", MYSTERY, "-w", "llama3-8b", "--vary", "scenario.pue=1.1,1.2")
    assert result.exit_code == 0, result.stderr
    rows = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["option"] == "mystery-x"]
    assert [(r["point"], r["feasible"]) for r in rows] == [("0", "false"), ("1", "false")]
    assert {r["reason"] for r in rows} == {"incomplete: lacks mystery-x.price_usd, mystery-x.lead_time_weeks"}


def test_infeasible_option_is_a_row_with_its_reason_not_a_failed_run(run) -> None:
    """An inference-only part beside a training part: the run answers, the part says why it cannot train."""
    res = payload(run("compare", "a100-80gb", "enflame-i20", "-w", "llama3-8b", "-f", "json"))
    rows = by_option(res)
    assert rows["a100-80gb"]["status"] == "ranked"
    assert rows["enflame-i20"]["status"] == "infeasible" and rows["enflame-i20"]["reason"]


# --------------------------------------------------------------------------- property


def _known_quantity_paths(doc: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for k, v in doc.items():
        if k == "benchmarks":
            continue
        if isinstance(v, dict) and "value" in v:
            out.append((*prefix, k))
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and k not in ("release_year", "devices_per_node"):
            out.append((*prefix, k))
        elif isinstance(v, dict) and k != "availability":
            out += _known_quantity_paths(v, (*prefix, k))
    return out


SHIPPED = sorted((PROFILES / "accelerators").glob("*.toml"))


def _toml(doc: dict) -> str:
    """TOML for a profile document: one line per top-level key, tables written inline."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        raise TypeError(v)

    return "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in doc.items())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profile=st.sampled_from(SHIPPED),
    pick=st.integers(min_value=0, max_value=10_000),
    workload=st.sampled_from(["gpt3-1.3b", "llama3-8b", "chat-70b"]),
    strict=st.booleans(),
)
def test_emptying_any_quantity_degrades_the_option_never_the_run(run, tmp_path_factory, profile, pick, workload, strict) -> None:
    """Emptying any known quantity of any shipped profile: exit 0 with ``missing_inputs`` (or the
    option infeasible), exit 1 under --strict when something is missing, and never another exception."""
    doc = loader.read_toml(profile)
    paths = _known_quantity_paths(doc)
    path = paths[pick % len(paths)]
    node = doc
    for part in path[:-1]:
        node = node[part]
    leaf = node[path[-1]]
    node[path[-1]] = {k: v for k, v in leaf.items() if k not in ("value", "low", "high")} if isinstance(leaf, dict) else {}
    if not node[path[-1]]:
        node[path[-1]] = {"source": "[TCO] emptied by a test"}
    doc["id"] = "emptied"
    doc["aliases"] = []
    f = tmp_path_factory.mktemp("emptied") / "emptied.toml"
    f.write_text(_toml(doc), encoding="utf-8")
    ref = "a100-80gb" if workload != "chat-70b" else "h100-sxm"
    args = ["compare", ref, str(f), "-w", workload, "-f", "json"] + (["--strict"] if strict else [])
    result = run(*args)
    assert result.exit_code in (0, 1), result.stderr
    if result.exit_code == 1:
        assert strict and result.stderr.startswith("Error: ") and "(--strict)" in result.stderr, result.stderr
        return
    rows = by_option(json.loads(result.stdout))
    emptied = next(r for k, r in rows.items() if k.startswith("emptied"))
    assert emptied["status"] in ("ranked", "incomplete", "infeasible")
    if strict:
        assert emptied["missing_inputs"] == []
    if emptied["status"] == "incomplete":
        assert emptied["missing_inputs"] and emptied["rank"] is None


def test_an_option_that_cannot_train_does_not_stop_the_price_to_match(run) -> None:
    """An inference-only part in a training comparison is infeasible on its own row; the incomplete
    option is still told its price to match, the same as without the inference-only part."""
    lead = ("--set", "mystery-x.lead_time_weeks=4", "-f", "json")
    both = by_option(payload(run("compare", "a100-80gb", MYSTERY, "enflame-i20", "-w", "llama3-8b", *lead)))
    assert both["enflame-i20"]["status"] == "infeasible" and "can_train" in both["enflame-i20"]["reason"]
    alone = by_option(payload(run("compare", "a100-80gb", MYSTERY, "-w", "llama3-8b", *lead)))
    assert both["mystery-x"]["price_to_match_usd"] == pytest.approx(alone["mystery-x"]["price_to_match_usd"])
    assert both["mystery-x"]["price_to_match_usd"] is not None


def test_the_library_compare_returns_an_unranked_comparison_and_analyses_still_raise() -> None:
    """tco.compare answers as the command does (nothing ranked, no baseline); an analysis that needs a
    cost (the cash flow) raises the missing input."""
    import tco
    from tco import api
    from tco.errors import TcoError

    inputs = tco.load_inputs([MYSTERY], workload="llama3-8b")
    comp = tco.compare(inputs)
    assert comp.baseline is None and comp.ranked == []
    (r,) = comp.results
    assert r.status.value == "incomplete" and r.tokens_per_second_per_accelerator and r.effective_cost_usd is None
    with pytest.raises(TcoError, match="mystery-x.price_usd"):
        api.cashflow(inputs)
