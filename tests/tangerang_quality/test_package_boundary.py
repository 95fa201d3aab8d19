"""`tangerang_quality` is a library the engine calls: it never imports `tangerang_hub`.

Checked statically, on the source: every `import` and `from ... import` anywhere in a module
(inside functions and `try` blocks too, relative ones resolved), and
`importlib.import_module("...")` / `__import__("...")` with a literal name.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUALITY = ROOT / "quality" / "tangerang_quality"
ENGINE = ROOT / "dags" / "tangerang_hub"


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) for every import in `source`, a module of the dotted `package`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # from . import x / from ..y import z
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module))
        elif isinstance(node, ast.Call) and _literal_dynamic_import(node):
            found.append((node.lineno, str(node.args[0].value)))
    return sorted(found)


def _literal_dynamic_import(call: ast.Call) -> bool:
    """`importlib.import_module("x")`, `import_module("x")` or `__import__("x")`."""
    func = call.func
    named = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )
    return named and bool(call.args) and isinstance(call.args[0], ast.Constant)


def imports_of(package_dir: Path, target: str) -> list[str]:
    """`path:line module` for every import of package `target` in the package at `package_dir`."""
    hits = []
    for path in sorted(package_dir.rglob("*.py")):
        sub = path.relative_to(package_dir).parent.parts
        package = ".".join((package_dir.name, *sub))
        for line, module in imported_modules(path.read_text(encoding="utf-8"), package):
            if module == target or module.startswith(f"{target}."):
                hits.append(f"{path.relative_to(package_dir.parent)}:{line} {module}")
    return hits


def test_the_quality_library_never_imports_the_engine() -> None:
    assert len(list(QUALITY.rglob("*.py"))) > 10, QUALITY
    assert imports_of(QUALITY, "tangerang_hub") == []


def test_the_two_packages_do_not_import_each_other() -> None:
    engine_uses_quality = imports_of(ENGINE, "tangerang_quality")
    assert engine_uses_quality, "the engine calls the quality library"
    assert imports_of(QUALITY, "tangerang_hub") == [], "a cycle: quality imports the engine"


def test_imports_are_found_wherever_they_are() -> None:
    """The checker itself: nested, aliased, relative and dynamic imports are all seen."""
    source = (
        "import importlib\n"
        "def f():\n"
        "    try:\n"
        "        from tangerang_hub.reference import is_valid\n"
        "    except ImportError:\n"
        "        import tangerang_hub as hub\n"
        "    return importlib.import_module('tangerang_hub.cli'), __import__('tangerang_hub')\n"
        "from . import pii\n"
        "from ..gate import run_gate\n"
    )
    found = [module for _line, module in imported_modules(source, "tangerang_quality.expectations")]
    assert found == [
        "importlib",
        "tangerang_hub.reference",
        "tangerang_hub",
        "tangerang_hub",
        "tangerang_hub.cli",
        "tangerang_quality.expectations",
        "tangerang_quality.gate",
    ]
