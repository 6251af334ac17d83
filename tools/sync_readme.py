"""Keep README.md honest: its example outputs and field tables are generated, and a test checks them.

* Every fenced ``console`` block whose first line is ``$ tco ...`` holds that command's stdout
  (stderr is not shown) as it prints today.
* Between ``<!-- fields:KIND -->`` and ``<!-- /fields -->`` stands the field table of an input kind,
  made from the pydantic models' descriptions.

``python tools/sync_readme.py`` rewrites README.md and docs/*.md; ``--check`` exits 1 when one is out
of date.
"""

from __future__ import annotations

import re
import shlex
import sys
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"(```console\n)(\$ tco [^\n]*\n)(.*?)(```)", re.S)
FIELDS = re.compile(r"(<!-- fields:(\w+) -->\n)(.*?)(<!-- /fields -->)", re.S)


def run_tco(command: str) -> str:
    from typer.testing import CliRunner

    from tco.cli import app

    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", "TCO_PROFILE_PATH": ""})
    if result.exit_code != 0:
        raise SystemExit(f"README command failed ({result.exit_code}): {command}\n{result.stderr}")
    return result.stdout


def _type_name(t: Any) -> str:
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(t)[0])
    if origin in (typing.Union, __import__("types").UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(t) if a is not type(None))
    if origin is list:
        return f"list of {_type_name(typing.get_args(t)[0])}"
    if origin is dict:
        return f"table of {_type_name(typing.get_args(t)[1])}"
    if origin is typing.Literal:
        return " or ".join(f'"{a}"' for a in typing.get_args(t))
    name = getattr(t, "__name__", str(t))
    return {"float": "number", "int": "integer", "str": "text", "bool": "boolean"}.get(name, name)


def field_table(kind: str) -> str:
    from pydantic import BaseModel

    from tco import models

    roots: dict[str, list[tuple[str, type[BaseModel]]]] = {
        "accelerator": [
            ("", models.Accelerator),
            ("peak.", models.PeakCompute),
            ("interconnect.", models.Interconnect),
            ("software.", models.Software),
            ("rental.", models.Rental),
            ("benchmarks[].", models.Benchmark),
        ],
        "workload": [
            ("", models.TrainingWorkload),
            ("", models.InferenceWorkload),
            ("shape.", models.ModelShape),
            ("layout.", models.TrainingLayout),
            ("stages[].", models.Stage),
        ],
        "scenario": [("", models.Scenario), ("porting.<maturity>.", models.PortingEffort)],
        "quantity": [("", models.Quantity)],
    }
    lines = ["| key | type | required | meaning |", "|---|---|---|---|"]
    seen: set[str] = set()
    for prefix, model in roots[kind]:
        for name, f in model.model_fields.items():
            key = prefix + name
            if key in seen:
                continue
            seen.add(key)
            typ = _type_name(f.annotation).replace("AtLeastOneQuantity", "quantity >= 1").replace("Quantity", " quantity")
            extra = ""
            if model is models.InferenceWorkload and name not in models.TrainingWorkload.model_fields:
                extra = " (inference only)"
            elif model is models.TrainingWorkload and name not in models.InferenceWorkload.model_fields:
                extra = " (training only)"
            desc = (f.description or "").replace("|", "\\|")
            lines.append(f"| `{key}` | {typ.strip()} | {'yes' if f.is_required() else 'no'} | {desc}{extra} |")
    return "\n".join(lines) + "\n"


def render(text: str, *, only_with_output: bool = False) -> str:
    """The text with every console block's output and every field table generated anew. In docs/
    (``only_with_output``), a block that shows only commands is left as it is (tests/test_docs.py runs
    those)."""

    def block(m: re.Match[str]) -> str:
        if only_with_output and (not m.group(3) or m.group(3).startswith("$ ")):
            return m.group(0)
        return m.group(1) + m.group(2) + run_tco(m.group(2)[2:].strip()) + m.group(4)

    text = BLOCK.sub(block, text)
    return FIELDS.sub(lambda m: m.group(1) + field_table(m.group(2)) + m.group(4), text)


DOCS = sorted((ROOT / "docs").glob("*.md"))
"""The reference pages: their example outputs and field tables are generated too."""


def main() -> int:
    stale = []
    for path in (README, *DOCS):
        current = path.read_text(encoding="utf-8")
        fresh = render(current, only_with_output=path != README)
        if fresh != current:
            stale.append(path.name)
            if "--check" not in sys.argv:
                path.write_text(fresh, encoding="utf-8")
    if "--check" in sys.argv and stale:
        print(f"{', '.join(stale)} out of date: run python tools/sync_readme.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
