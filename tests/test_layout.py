"""The import flow between the project's packages, checked statically (every import in every .py file,
at module level or inside a function, parsed with `ast`; nothing is imported).

    core  ←  ingest, vectorstore  ←  assistant  ←  ui, evals, bench  ←  cli

ui, evals and bench use only the public API: `from assistant import ...`, never a submodule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("core", "ingest", "vectorstore", "assistant", "ui", "cli", "evals", "bench")
# The corpus folders hold data and the scripts that built it, not eval code (see evals/README.md).
SKIPPED = ("evals/corpus",)

# The documented entry shim: `python -m assistant` runs the CLI.
ENTRY_SHIMS = {("assistant/__main__.py", "cli.main")}
# bench's stated exceptions: the LangChain baseline recipe uses the same embedder and cleaner; the OCR
# bench measures the engine alone, on text it decodes as ingest does.
BENCH_EXCEPTIONS = {"vectorstore.embedders", "ingest.clean", "ingest.ocr", "ingest.decode"}


def python_files(package: str) -> list[Path]:
    files = sorted((ROOT / package).rglob("*.py"))
    return [f for f in files if not f.relative_to(ROOT).as_posix().startswith(SKIPPED)]


def _resolve(node: ast.ImportFrom, path: Path, root: Path) -> str:
    """The absolute module name of a (possibly relative) `from ... import`."""
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(root).with_suffix("").parts)[:-node.level]  # __init__ counts as a part
    return ".".join(package + ([node.module] if node.module else []))


def _is_import_call(node: ast.AST) -> bool:
    """importlib.import_module("literal") / __import__("literal")."""
    if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        return False
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
    return name in ("import_module", "__import__")


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, module level and function level alike."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node, path, root)
            found.append((node.lineno, module))
            folder = root.joinpath(*module.split("."))
            # `from ui import render` imports the module ui.render, not a name of ui's public API
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if folder.joinpath(f"{alias.name}.py").exists() or folder.joinpath(alias.name).is_dir()]
        elif _is_import_call(node):
            found.append((node.lineno, node.args[0].value))
    return found


def project_imports(package: str) -> list[tuple[str, int, str]]:
    """(file, line, module) for each import of a project package from `package`'s files."""
    out = []
    for path in python_files(package):
        rel = path.relative_to(ROOT).as_posix()
        out += [(rel, line, module) for line, module in imported_modules(path) if module.split(".")[0] in PROJECT]
    return out


def allowed(package: str, rel: str, module: str) -> bool:
    top = module.split(".")[0]
    if (rel, module) in ENTRY_SHIMS:
        return True
    if package == "core":
        return top == "core"
    if package == "ingest":
        return top in ("core", "ingest")
    if package == "vectorstore":
        return top in ("core", "vectorstore")
    if package == "assistant":
        return top not in ("ui", "cli", "evals", "bench")
    if package in ("ui", "evals", "bench"):
        if module == "assistant" or top == package:
            return True
        # bench also reads gold sets through evals' schema, like any evaluator's script
        return package == "bench" and (module in BENCH_EXCEPTIONS or top == "evals")
    if package == "cli":
        # The public API only, like ui and evals; plus the rooms the commands live in front of.
        return module == "assistant" or top in ("ui", "evals", "cli")
    raise AssertionError(package)


@pytest.mark.parametrize("package", PROJECT)
def test_imports_follow_the_layout(package):
    assert python_files(package), f"no .py files under {package}/"
    wrong = [f"{rel}:{line} imports {module}" for rel, line, module in project_imports(package)
             if not allowed(package, rel, module)]
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_function_level_relative_and_string_imports(tmp_path):
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "render.py").write_text("")
    (tmp_path / "ui" / "x.py").write_text(
        "import importlib\n\n\ndef f():\n    from assistant.api import Assistant\n"
        "    from . import render\n    importlib.import_module('vectorstore.store')\n")
    modules = {m for _, m in imported_modules(tmp_path / "ui" / "x.py", tmp_path)}
    assert {"assistant.api", "ui", "ui.render", "vectorstore.store"} <= modules
    assert not allowed("ui", "ui/x.py", "assistant.api") and allowed("ui", "ui/x.py", "ui.render")
    assert not allowed("ui", "ui/x.py", "vectorstore.store") and allowed("bench", "bench/q.py", "ingest.clean")
    assert allowed("bench", "bench/q.py", "evals.schema") and not allowed("cli", "cli/x.py", "core.errors")
    assert allowed("assistant", "assistant/__main__.py", "cli.main")
    assert not allowed("assistant", "assistant/api.py", "cli.main")
