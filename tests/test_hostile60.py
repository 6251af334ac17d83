"""Round 60: what the property fuzzing of round 60c and the session's own review left to fix."""

import json


def test_a_set_table_without_currency_for_a_yuan_price_is_read_as_usd_and_says_so(run):
    """The MLU590's price is quoted in CNY. ``--set 'mlu590.price_usd={value=45000}'`` replaces the
    quantity with a new one, which without ``currency`` is USD (the documented rule): the run goes on,
    but a warning names the flag and the currency to add. A bare number keeps the yuan, and a table
    that gives its currency warns of nothing."""
    table = run("compare", "a100-80gb", "mlu590", "-w", "llama3-8b", "--set", "mlu590.price_usd={value=45000}", "--format", "json")
    assert table.exit_code == 0
    assert (
        "--set mlu590.price_usd: the table replaces a quantity quoted in CNY and gives no currency, so its value is read as USD; "
        'add currency="CNY" to the table to keep CNY'
    ) in table.stderr
    kept = run("compare", "a100-80gb", "mlu590", "-w", "llama3-8b", "--set", 'mlu590.price_usd={value=45000, currency="CNY"}')
    bare = run("compare", "a100-80gb", "mlu590", "-w", "llama3-8b", "--set", "mlu590.price_usd=45000")
    assert kept.exit_code == bare.exit_code == 0
    assert "read as USD" not in kept.stderr and "read as USD" not in bare.stderr
    # (the warning describes what the engine did: 45,000 USD costs more than 45,000 CNY)
    usd = {r["option"]: r["capex_usd"] for r in json.loads(table.stdout)["results"]}
    cny = run("compare", "a100-80gb", "mlu590", "-w", "llama3-8b", "--set", "mlu590.price_usd=45000", "--format", "json")
    yuan = {r["option"]: r["capex_usd"] for r in json.loads(cny.stdout)["results"]}
    assert usd["mlu590"] > yuan["mlu590"]


def test_a_usd_quantity_given_as_a_table_warns_of_nothing(run):
    """A money quantity quoted in USD (the A100's price, the default scenario's electricity) keeps USD
    when a table replaces it: nothing to warn of."""
    result = run(
        "compare",
        "a100-80gb",
        "-w",
        "gpt3-1.3b",
        "--set",
        "a100-80gb.price_usd={value=9000}",
        "--set",
        "scenario.electricity_usd_per_kwh={value=0.2}",
    )
    assert result.exit_code == 0
    assert "read as USD" not in result.stderr


def test_a_share_short_of_the_whole_is_never_written_100_percent():
    """Round 60a: a verdict said an option was "100% cheaper" per token where it was 99.97 % cheaper
    (``{:.0%}`` rounds it up). Near the whole a share keeps the digit it needs, or says ``>99.9%``."""
    from tco.render import share

    assert [share(v) for v in (0.35, 0.9949, 0.995, 0.9969, 0.9995, 0.9997, 1.0)] == [
        "35%",
        "99%",
        "99.5%",
        "99.7%",
        ">99.9%",
        ">99.9%",
        "100%",
    ]


def test_schema_help_lists_the_kinds(run):
    """Round 60d: ``tco schema --help`` named no kind (only a wrong one's error listed them). The
    command's description names every kind (an argument's own help is not shown by every typer the
    project supports)."""
    from tco.cli import SchemaKind

    result = run("schema", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    kinds = [k.value for k in SchemaKind]
    assert f"JSON Schema of an input kind ({', '.join(kinds[:-1])} or {kinds[-1]})" in text
