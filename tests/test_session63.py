"""Session 63: defects and loose ends carried over from earlier rounds' left-alone lists (one test each; the tests
below the first three say what each was).

* ``tco compare a100-80gb -w gpt3-1.3b -o x.csv.`` (a stray dot) wrote the terminal table into ``x.csv.``, exit 0:
  the name has no extension, so no format, and Windows drops a trailing dot, leaving a table in a file named
  ``.csv``. A name that ends in dots after a format's extension is now a usage error that names the file meant.
* ``tco sweep ... --vary workload.tuning=typical,tuned -f json`` said ``"tuning": "typical"`` in its audit trail
  beside rows of both levels: the base file's level, which half the rows do not use. The trail now gives the levels
  swept.
* ``tco simulate ... -o sim.xlsx``: the *Simulation summary* sheet's ``effective_cost_samples_usd`` row was blank,
  as if the samples were unknown; they are on the *Samples* sheet, and the row now says so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

ARTICLE = ("a100-80gb", "mlu370-s4", "-w", "gpt3-1.3b")


@pytest.mark.parametrize(("name", "meant"), [("x.csv.", "x.csv"), ("x.json..", "x.json"), ("x.xlsx.", "x.xlsx"), (".md.", ".md")])
def test_a_name_that_ends_in_a_dot_after_a_formats_extension_is_a_usage_error(run, tmp_path: Path, name: str, meant: str) -> None:
    out = tmp_path / name
    r = run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(out))
    assert r.exit_code == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert f"ends with a dot after {Path(meant).suffix or meant}, so it names no format: name the file {meant}" in r.stderr
    assert not out.exists()


def test_other_names_ending_in_a_dot_still_get_the_default_format(run, tmp_path: Path) -> None:
    """``x.`` and ``x.txt.`` name no format of tco's, as ``x`` and ``x.txt`` do: the command's default (a table)."""
    for name in ("x.", "x.txt."):
        out = tmp_path / name
        assert run("compare", "a100-80gb", "-w", "gpt3-1.3b", "-o", str(out)).exit_code == 0
        assert out.read_text().startswith("gpt3-1.3b · software tuning typical")


def test_a_sweep_over_the_tuning_level_gives_the_levels_swept_in_its_audit_trail(run) -> None:
    swept = ("--vary", "workload.tuning=typical, tuned", "--vary", "scenario.pue=1:2:2")
    r = run("sweep", "a100-80gb", "-w", "gpt3-1.3b", *swept, "-f", "json")
    assert r.exit_code == 0, r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    assert doc["inputs"]["tuning"] == ["typical", "tuned"]
    assert sorted({row["workload.tuning"] for row in doc["results"]}) == ["tuned", "typical"]
    plain = json.loads(run("sweep", "a100-80gb", "-w", "gpt3-1.3b", "--vary", "scenario.pue=1:2:2", "-f", "json").stdout)
    assert plain["inputs"]["tuning"] == "typical"  # (not swept: the workload's own level, as every command gives it)


def test_the_simulation_summary_sheet_says_where_the_samples_are(run, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "sim.xlsx"
    assert run("simulate", *ARTICLE, "--samples", "50", "--seed", "1", "-q", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    fields = {r[0]: r[1] for r in book["Simulation summary"].iter_rows(values_only=True)}
    assert fields["effective_cost_samples_usd"] == "on the Samples sheet"
    samples = list(book["Samples"].iter_rows(values_only=True))
    assert samples[0] == ("sample", "a100-80gb effective_cost_usd", "mlu370-s4 effective_cost_usd") and len(samples) == 51


def test_the_mutation_runs_test_list_names_every_mutant_killing_file() -> None:
    """pyproject's ``[tool.mutmut]`` test selection stopped at test_mutants70: the tests written since to kill the
    sampled survivors (71–73) were not run against mutants, so a full ``mutmut run`` counted those mutants as
    surviving. Every ``test_*mutants*.py`` and ``test_survivors*.py`` file is now listed, and this test says which
    one a new sample forgot."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # (as tco reads TOML on Python 3.10)
        import tomli as tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mutmut"]["pytest_add_cli_args_test_selection"])
    files = {f"tests/{p.name}" for pattern in ("test_*mutants*.py", "test_survivors*.py") for p in (root / "tests").glob(pattern)}
    assert sorted(files - listed) == []


def test_the_assumptions_sheet_gives_the_units_of_rates_and_token_counts() -> None:
    """Round 95 left the Assumptions sheet without a unit for the cost of capital, the failure rate, the economic
    depreciation and the token counts (a blank unit beside 0.1, 1e-5 or 3e11, which an auditor must look up); each
    now has the unit docs/inputs.md gives it. Ratios (PUE, utilization, overhead factors) stay unitless."""
    from tco.workbook import _unit

    assert _unit("cost_of_capital") == "per year"  # ('Annual rate, e.g. 0.10')
    assert _unit("failure_rate_per_accelerator_day") == "interruptions/accelerator·day"  # (as round 97 writes it)
    assert _unit("economic_depreciation_oom_per_year") == "orders of magnitude/year"  # (resale value falls 10^(-δ·t))
    assert _unit("training_tokens") == _unit("stages[long-context].tokens") == _unit("prompt_tokens") == "tokens"
    assert _unit("tokens_per_day") == "tokens/day"
    assert _unit("pue") == _unit("utilization") == _unit("server_overhead_factor") == ""


def test_simulate_says_a_rented_parts_power_is_needed_only_to_price_the_sampled_carbon(run) -> None:
    """Round 94 left it: ``tco simulate tpu-v5p:rent a100-80gb -w llama3-8b`` said only that the rented TPU 'has no
    cost: the samples need tpu-v5p.tdp_w', although ``compare`` ranks it: a rented part's power is in its rate, and its
    TDP is read only to price carbon, which the default scenario prices at 0 but samples from 0 to 200 USD/t. The note
    now says so, and how to leave carbon out. An owned part's TDP (its energy bill) gets no such note, nor does a
    rented part's other unknown inputs."""
    args = ("simulate", "tpu-v5p:rent", "a100-80gb", "-w", "llama3-8b", "-n", "50", "--seed", "1", "-q")
    r = run(*args)
    assert r.exit_code == 0, r.stderr
    assert (
        "tpu-v5p:rent has no cost: the samples need tpu-v5p.tdp_w, which is unknown; give it with --set tpu-v5p.tdp_w=VALUE "
        "(needed only to price carbon, which the samples price above 0; or leave carbon out: --set scenario.carbon_usd_per_tonne=0)"
    ) in r.stdout
    held = run(*args, "--set", "scenario.carbon_usd_per_tonne=0")
    assert held.exit_code == 0 and "has no cost" not in held.stdout and "tpu-v5p:rent  $" in held.stdout
    from tco.render import _for_carbon_only

    sampled = ["scenario.pue", "scenario.carbon_usd_per_tonne"]
    assert _for_carbon_only("a100-80gb", ["scenario.grid_kgco2e_per_kwh_by_market.global"], sampled)
    assert not _for_carbon_only("a100-80gb", ["a100-80gb.tdp_w"], sampled)  # (an owned part's energy needs it)
    assert not _for_carbon_only("x:rent", ["x.tdp_w", "x.rental.usd_per_hour"], sampled)
    assert not _for_carbon_only("x:rent", ["x.tdp_w"], ["scenario.pue"])  # (carbon not sampled: the need is another's)


def test_a_sweep_over_a_choice_after_os_chdir_reloads_the_files_it_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Carried over since round 91: ``tco.load_inputs(["./mine.toml@8", ...], workload="./wl.toml", sets=["./mine.toml.
    price_usd=20000"])``, then ``os.chdir`` (a notebook's ``%cd``), then ``tco.sweep(inputs, ["workload.precision=bf16,
    fp8"])``: the sweep loads the inputs anew per value from their recipe, whose relative paths were now read from the
    new folder: './mine.toml: no such file' (or, had the new folder held another mine.toml, a refusal blaming an edit
    never made). The recipe now keeps the folder the inputs were loaded in and reads relative paths, and --set scopes
    given by a path, from it: the rows after the chdir are those before it."""
    import tco

    monkeypatch.delenv("TCO_PROFILE_PATH", raising=False)
    (tmp_path / "mine.toml").write_text('extends = "h100-sxm"\nid = "mine"\nname = "Mine"\n')
    (tmp_path / "wl.toml").write_text('extends = "llama3-8b"\nid = "wl"\n')
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    inputs = tco.load_inputs(["./mine.toml@8", "a100-80gb"], workload="./wl.toml", sets=["./mine.toml.price_usd=20000"])
    assert inputs.recipe is not None and inputs.recipe.cwd == tmp_path.resolve()
    before = list(tco.sweep(inputs, ["workload.precision=bf16,fp8"]).results)
    monkeypatch.chdir(tmp_path / "elsewhere")
    after = list(tco.sweep(inputs, ["workload.precision=bf16,fp8"]).results)
    assert after == before and len(before) == 4
    assert {row["option"] for row in before} == {"mine@8", "a100-80gb"}


def test_the_report_embeds_the_audit_trail_its_hash_is_of(run, tmp_path: Path) -> None:
    """Round 95 left it: the report's provenance line gave 'inputs SHA-256 <hash>' of an audit trail that no output
    printed, so no reader could check it or see the --set items and file hashes behind the page. The trail is now in
    the page as JSON in a ``<template>`` (inert: neither shown nor printed, no script), and hashes to the printed
    value; hostile text in it is escaped as all text is."""
    import hashlib
    import html
    import re

    pytest.importorskip("matplotlib")
    out = tmp_path / "r.html"
    hostile = 'scenario.pue={value=1.2, source="</template><img src=x onerror=alert(1)>"}'
    assert run("report", *ARTICLE, "--set", hostile, "-n", "200", "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    (embedded,) = re.findall(r'<template id="audit">(.*?)</template>', page, re.S)
    trail = json.loads(html.unescape(embedded))
    assert trail["command"] == "report" and trail["sets"] == [hostile] and trail["files"]["mlu370-s4"]["sha256"]
    digest = hashlib.sha256(json.dumps(trail, sort_keys=True).encode()).hexdigest()
    assert f"inputs SHA-256 {digest}" in page
    assert "<img" not in page and page.count("</template>") == 1


def test_an_analysis_refusal_of_an_unknown_input_is_told_apart_by_its_class() -> None:
    """The left-alone list of session 62: ``api.attributed`` told an analysis' refusal of an option that lacks an input
    (which it re-points from ``l20@16`` to the part's file, where the value goes) by matching its wording, 'needs ...,
    which is unknown; give'. The refusal is now an :class:`UnknownInputError`, an input error as before (every
    ``except InputError`` still takes it) and a missing input, and is told apart by that."""
    import tco
    from tco.api import analysable
    from tco.errors import InputError, MissingInputError, UnknownInputError

    inputs = tco.load_inputs(["l20@16"], workload="llama3-8b")
    with pytest.raises(UnknownInputError) as caught:
        analysable(inputs, complete=True)
    assert isinstance(caught.value, InputError) and isinstance(caught.value, MissingInputError)
    # (from Python, the way to give it is the library's)
    assert caught.value.message == "needs l20.price_usd, which is unknown; give it with tco.load_inputs(..., sets=['l20.price_usd=VALUE'])"
    assert caught.value.where is not None and caught.value.where.endswith("accelerators/l20.toml")


def test_a_bought_options_discounted_cash_flow_has_no_empty_rent_term(run, tmp_path: Path) -> None:
    """Round 95 left it: the Cash flow sheet's discounted formula of a bought A100 carried a rent term of nothing,
    '+0.0*(1+Assumptions!$C$19)^(-0.57)', beside its purchase and running costs: harmless to the value, but an
    auditor reading the formula looks for a rent a bought option does not pay. An empty line adds no term now; the
    rented option's rent is still discounted."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "cf.xlsx"
    assert run("compare", "a100-80gb", "h100-sxm:rent", "-w", "llama3-8b", "-o", str(out)).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Cash flow"]
    formulas = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "^(-" in c.value]
    assert formulas and not [f for f in formulas if "0.0*(1+" in f]
    rows = {r[0].value: r for r in sheet.iter_rows() if r[0].value in ("a100-80gb", "h100-sxm:rent") and r[1].value != "NPV"}
    assert set(rows) == {"a100-80gb", "h100-sxm:rent"}
