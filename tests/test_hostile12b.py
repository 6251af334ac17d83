"""Round 12 of hostile testing (D2, D6, D8, D9, D11): estimate's --set of its own inputs, -o NAME picking
the format, unknown shape keys, flag names in estimate's errors, and sweep's --help formats."""

import json

import pytest

import tco
from tco.errors import InputError, TcoError

EST = ("estimate", "h100-sxm", "--params", "7B")
SWEEP = ("sweep", "h100-sxm", "-w", "llama3-8b", "--vary", "scenario.pue=1.1,1.2")


# --------------------------------------------------------------------------- D2


@pytest.mark.parametrize(
    ("path", "flag"),
    [
        ("workload.seq_len=4096", "--seq-len"),
        ("workload.parameters=70e9", "--params"),
        ("workload.parameters.value=70e9", "--params"),
        ("workload.precision=fp8", "--precision"),
        ("workload.active_parameters=7e9", "--params"),
        ("workload.accelerator_count=16", "--count"),
        ("workload.training_tokens=2e12", "--tokens"),
        ("workload.kind=inference", "--mode"),
    ],
)
def test_estimate_refuses_set_of_its_own_inputs(run, path, flag):
    result = run(*EST, "--set", path)
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert line.startswith(f"Error: --set: {path.split('=')[0]}:")
    assert f"give {flag} instead" in line


def test_estimate_refuses_set_of_shown_inputs_in_infer_mode(run):
    result = run(*EST, "--mode", "infer", "--set", "workload.seq_len=4096")
    assert result.exit_code == 1
    assert "give --seq-len instead" in result.stderr


def test_estimate_keeps_set_of_inputs_it_shows_as_used(run):
    """The layout and the tuning (mfu_source) are shown as computed: their --set stays the flags' equal."""
    result = run(*EST, "--set", "workload.layout.tensor_parallel=2", "--set", "workload.tuning=tuned", "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)["results"][0]
    assert record["layout"]["tensor_parallel"] == 2 and record["mfu_source"] == "layout model (tuned tuning)"


def test_estimate_moe_parameters_set_names_total_params(run):
    result = run(*EST, "--total-params", "50B", "--experts", "8", "--top-k", "2", "--set", "workload.parameters=1e11")
    assert result.exit_code == 1
    assert "give --total-params instead" in result.stderr


def test_estimate_keeps_set_of_other_workload_inputs(run):
    result = run(*EST, "--set", "workload.mfu=0.4", "-f", "json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)["results"][0]
    assert record["seq_len"] == 2048 and record["mfu"] == pytest.approx(0.4)


def test_estimate_flag_gives_the_value_the_record_shows(run):
    result = run(*EST, "--seq-len", "4096", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"][0]["seq_len"] == 4096


def test_api_estimate_refuses_sets_of_its_arguments():
    with pytest.raises(InputError) as info:
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, sets=["workload.seq_len=4096"])
    assert info.value.key == "workload.seq_len"
    assert "give the argument seq_len instead of sets" in str(info.value)
    with pytest.raises(InputError, match="give the argument count instead"):
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, sets=["workload.accelerator_count=16"])
    kept = tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, sets=["workload.mfu=0.4"])
    assert kept.mfu == pytest.approx(0.4)


# --------------------------------------------------------------------------- D6


@pytest.mark.parametrize(
    ("args", "name", "start"),
    [
        (("compare", "h100-sxm", "-w", "llama3-8b"), "x.json", "{"),
        (("compare", "h100-sxm", "-w", "llama3-8b"), "x.csv", "schema_version,"),
        (("compare", "h100-sxm", "-w", "llama3-8b"), "x.jsonl", '{"schema_version"'),
        (("compare", "h100-sxm", "-w", "llama3-8b"), "x.md", "llama3-8b · software tuning typical · scenario default\n|"),
        (EST, "e.json", "{"),
        (EST, "e.CSV", "schema_version,"),
        (SWEEP, "s.jsonl", '{"schema_version"'),
        (("profiles", "list"), "p.md", "|"),
        (("profiles", "show", "h100-sxm"), "p.toml", 'id = "h100-sxm"'),
        (("breakeven", "h100-sxm", "a100-80gb", "-w", "llama3-8b"), "b.json", "{"),
    ],
)
def test_output_name_picks_the_format(run, tmp_path, args, name, start):
    out = tmp_path / name
    result = run(*args, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.startswith(start), text[:80]
    if name.endswith(".json"):
        assert json.loads(text)["schema_version"] == 1
    if name.endswith(".jsonl"):
        assert all(json.loads(line) for line in text.splitlines())


def test_output_with_other_names_keeps_the_default_format(run, tmp_path):
    for name in ("t.txt", "noext"):
        out = tmp_path / name
        assert run(*EST, "-o", str(out)).exit_code == 0
        assert out.read_text().startswith("field")
    out = tmp_path / "s.txt"
    assert run(*SWEEP, "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("schema_version,")


@pytest.mark.parametrize(
    ("args", "name", "words"),
    [
        (("compare", "h100-sxm", "-w", "llama3-8b", "-f", "json"), "o.csv", "use -f csv"),
        (("compare", "h100-sxm", "-w", "llama3-8b", "-f", "table"), "o.json", "use -f json"),
        ((*EST, "-f", "csv"), "o.md", "use -f markdown"),
        ((*SWEEP, "-f", "jsonl"), "o.csv", "use -f csv"),
        ((*SWEEP, "-f", "csv"), "o.json", "use -f json"),
        ((*SWEEP,), "o.md", "sweep does not write"),
        (("schema", "workload"), "o.csv", "schema does not write"),
        (("compare", "h100-sxm", "-w", "llama3-8b", "-f", "csv"), "o.xlsx", "named as a workbook"),
        (("compare", "h100-sxm", "-w", "llama3-8b", "-f", "xlsx"), "o.json", "name the file .xlsx"),
    ],
)
def test_output_name_that_contradicts_the_format_is_a_usage_error(run, tmp_path, args, name, words):
    out = tmp_path / name
    result = run(*args, "-o", str(out))
    assert result.exit_code == 2
    assert words in result.stderr and "-o" in result.stderr
    assert not out.exists()


def test_explicit_format_that_agrees_with_the_name(run, tmp_path):
    out = tmp_path / "a.json"
    assert run(*EST, "-f", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["results"][0]["accelerator"] == "h100-sxm"
    assert run("schema", "workload", "-o", str(tmp_path / "s.json")).exit_code == 0


def test_given_format_does_not_leak_into_the_next_run(run, tmp_path):
    assert run(*EST, "-f", "csv", "-o", str(tmp_path / "a.csv")).exit_code == 0
    out = tmp_path / "b.json"
    assert run(*EST, "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("{")


# --------------------------------------------------------------------------- D8


def test_api_estimate_refuses_unknown_shape_keys():
    with pytest.raises(InputError) as info:
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, shape={"layerz": 32})
    assert info.value.key == "shape['layerz']"
    assert "unknown key (did you mean 'layers'?)" in str(info.value)
    with pytest.raises(TcoError) as many:
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, shape={"layerz": 32, "d_modle": 4096})
    assert "shape['layerz']" in str(many.value) and "shape['d_modle']" in str(many.value) and "'d_model'" in str(many.value)
    known = tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, shape={"layers": 32, "d_model": 4096})
    assert known.tokens_per_second_per_accelerator > 0


# --------------------------------------------------------------------------- D9


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--count", "8", "--tp", "3"), "Error: --tp: 3 does not divide the 32 attention heads"),
        (("--count", "8", "--cp", "3"), "Error: --cp: 3 does not divide the sequence length"),
        (("--count", "8", "--ep", "3"), "Error: --ep: 3 exceeds 1"),
        (
            (
                "--experts",
                "8",
            ),
            "Error: --top-k: --experts and --top-k go together",
        ),
        (
            (
                "--top-k",
                "2",
            ),
            "Error: --experts: --experts and --top-k go together",
        ),
        (("--experts", "8", "--top-k", "9"), "Error: --top-k: must not exceed --experts (8), got 9"),
    ],
)
def test_estimate_errors_name_the_flags(run, args, line):
    result = run(*EST, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(line), result.stderr
    assert "layout." not in result.stderr and "experts_per_token" not in result.stderr


def test_api_estimate_errors_keep_argument_names():
    with pytest.raises(TcoError, match=r"^layout\['tensor_parallel'\]: "):  # the argument, as Python spells it
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, layout={"tensor_parallel": 3})
    with pytest.raises(TcoError, match="experts_per_token"):
        tco.estimate("h100-sxm", parameters=7e9, seq_len=2048, count=8, experts=8)


# --------------------------------------------------------------------------- D11


def test_sweep_help_lists_only_the_formats_it_writes(run):
    text = run("sweep", "--help").stdout
    assert "<csv|json|jsonl|xlsx>" in text
    assert "table" not in text.split("--format", 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_sweep_refuses_formats_its_help_does_not_list(run, fmt):
    result = run(*SWEEP, "-f", fmt)
    assert result.exit_code == 2
    assert "csv, json, jsonl or xlsx" in result.stderr
