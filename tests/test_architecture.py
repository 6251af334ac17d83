"""The house stays clean: modules import one way (no cycle, counting imports inside functions too),
and the heavy dependencies stay lazy."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tco"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tco"):
            if node.module in ("tco", "tco.analysis"):
                base = PACKAGE if node.module == "tco" else PACKAGE / "analysis"
                found = [a.name for a in node.names if (base / f"{a.name}.py").exists() or (base / a.name).is_dir()]
                out.update(f"{node.module}.{n}" for n in found)
                if len(found) < len(node.names) and node.module != "tco":
                    out.add(node.module)
            else:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("tco."))
    return out


def test_no_import_cycle() -> None:
    paths = [p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py" and p != PACKAGE / "__init__.py"]
    graph = {module_name(p): imports_of(p) - {module_name(p)} for p in paths}
    # A package's __init__ only re-exports its modules: it is their parent, not a cycle with them.
    for name in graph:
        if any(other.startswith(name + ".") for other in graph):
            graph[name] = set()
    graph = {k: {v for v in vs if v in graph} for k, vs in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != 1, "import cycle: " + " -> ".join([*stack, node, nxt])
            if nxt not in state:
                visit(nxt, [*stack, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_compare_does_not_import_numpy() -> None:
    code = "import sys; from tco.cli import main; sys.argv=['tco','compare','a100-80gb','mlu370-s4','-w','gpt3-1.3b'];\n"
    code += "import contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    code += "    try:\n        main()\n    except SystemExit:\n        pass\nprint('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_package_is_typed() -> None:
    assert (PACKAGE / "py.typed").exists()


def test_no_public_api_function_returns_any() -> None:
    """The Python API is typed end to end: a script's type checker sees each result's fields."""
    import inspect
    import typing

    import tco.api
    import tco.estimates

    for module in (tco.api, tco.estimates):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            assert fn.__annotations__.get("return") not in ("Any", typing.Any), f"{module.__name__}.{name} returns Any"


def test_entry_point_freezes_the_import_and_collects_after_it() -> None:
    """python -m tco and the tco script import the CLI with the cyclic collector paused, freeze what the
    import created (start-up speed), and run the command with the collector on again."""
    code = (
        "import gc, sys\nfrom tco.__main__ import main\n"
        "sys.stdout.write = lambda text: len(text)\n"
        "try:\n    main(['compare', 'a100-80gb', 'mlu370-s4', '-w', 'gpt3-1.3b'])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(f'{gc.isenabled()} {gc.get_freeze_count() > 10000}')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert out.endswith("True True")


def test_compare_table_does_not_import_what_only_other_outputs_need() -> None:
    """json (the JSON outputs) and unicodedata (writing TOML) stay off the start-up of tco compare's table."""
    code = "import sys; from tco.cli import main; sys.argv=['tco','compare','a100-80gb','mlu370-s4','-w','gpt3-1.3b'];\n"
    code += "import contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
    code += "    try:\n        main()\n    except SystemExit:\n        pass\n"
    code += "print(sorted(m for m in ('json', 'unicodedata') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_the_engine_and_the_analyses_do_not_import_the_presentation() -> None:
    """Data flows one way: the engine and the analyses compute, the renderers (tables, workbook, report, charts) and
    the CLI show; a money figure in an analysis's message is written by tco.errors.money, as every message's is."""
    presentation = {"tco.render", "tco.report", "tco.workbook", "tco.plots", "tco.cli"}
    pure = [PACKAGE / "engine.py", PACKAGE / "training.py", PACKAGE / "serving.py", *(PACKAGE / "analysis").glob("*.py")]
    assert {module_name(p): sorted(imports_of(p) & presentation) for p in pure if imports_of(p) & presentation} == {}
