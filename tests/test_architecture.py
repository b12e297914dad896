"""The layers stay visible and one-way, as the README's table of layers says.

Each module's layer is the one of its folder (a package under ``src/consult``) or, for the few
top-level modules, its own. A module imports only from its own package or from lower layers;
two packages on the same layer never import each other; and no import cycle exists anywhere,
not even inside a package. Imports inside functions count too: they are deferred, not gone.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "consult"

#: unit (a top-level module or package of consult) -> layer; the README's table shows the same.
LAYERS = {
    "consult": 1,
    "consult.errors": 1,
    "consult.safe_text": 1,
    "consult.stats": 1,
    "consult.i18n": 1,
    "consult.survey": 2,
    "consult.store": 3,
    "consult.results": 4,
    "consult.imports": 4,
    "consult.session": 5,
    "consult.reports": 5,
    "consult.cli": 6,
    "consult.__main__": 7,
}
#: The only modules that may speak SQL or import sqlite3: the SQLite backend and its schema.
SQL_MODULES = {
    "consult.store.sqlite",
    "consult.store.sqlite_reads",
    "consult.store.sqlite_bulk",
    "consult.store.sqlite_panel",
    "consult.store.sqlite_files",
    "consult.store.sqlite_rounds",
    "consult.store.sqlite_imports",
    "consult.store.sqlite_publish",
    "consult.store.sqlite_merge",
    "consult.store.schema",
}
#: The only modules that prompt (questionary) and the only ones that run a terminal UI.
PROMPT_MODULES = {"consult.session.prompts"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def resolve(module: str, name: str | None = None) -> str | None:
    """The consult module an import refers to: ``from X import name`` names a submodule when
    one exists, else X itself."""
    if name and f"{module}.{name}" in MODULES:
        return f"{module}.{name}"
    return module if module in MODULES else None


def imports_of(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "consult" or node.module.startswith("consult."):
                for alias in node.names:
                    target = resolve(node.module, alias.name)
                    if target:
                        found.add(target)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{module}: use absolute imports (consult.…), not relative ones")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("consult"):
                    target = resolve(alias.name)
                    if target:
                        found.add(target)
    found.discard(module)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def test_every_module_has_a_layer() -> None:
    unknown = sorted({unit_of(m) for m in MODULES} - set(LAYERS))
    assert unknown == [], f"give these a layer in LAYERS (and in the README): {unknown}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_down(module: str) -> None:
    """From its own package, or from a lower layer: never up, never sideways."""
    mine = unit_of(module)
    wrong = {
        target: LAYERS[unit_of(target)]
        for target in GRAPH[module]
        if unit_of(target) != mine and LAYERS[unit_of(target)] >= LAYERS[mine]
    }
    assert wrong == {}, f"{module} (layer {LAYERS[mine]}) imports sideways or up: {wrong}"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_anywhere() -> None:
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


SQL_RE = re.compile(
    r"\b(SELECT\s+\S|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)"
)


@pytest.mark.parametrize("module", sorted(set(MODULES) - SQL_MODULES))
def test_only_the_sqlite_backend_speaks_sql(module: str) -> None:
    text = MODULES[module].read_text(encoding="utf-8")
    assert not SQL_RE.search(text), f"{module} contains SQL; move it behind the Store interface"
    assert not re.search(r"^\s*(import sqlite3|from sqlite3 )", text, re.M), module


@pytest.mark.parametrize("module", sorted(set(MODULES) - PROMPT_MODULES))
def test_only_the_prompts_module_prompts(module: str) -> None:
    assert "questionary" not in MODULES[module].read_text(encoding="utf-8"), module


@pytest.mark.parametrize("module", sorted(m for m in MODULES if LAYERS[unit_of(m)] == 1))
def test_the_bottom_layer_is_pure(module: str) -> None:
    """No terminal library, no file system, no database at the bottom."""
    text = MODULES[module].read_text(encoding="utf-8")
    for library in ("rich", "typer", "questionary", "openpyxl", "sqlite3", "pathlib"):
        assert not re.search(rf"^\s*(import|from) {library}\b", text, re.M), (module, library)


def test_no_module_is_too_long() -> None:
    """A module owns one thing: none passes about 500 lines."""
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > 560}
    assert long == {}


def readme_layers() -> dict[str, int]:
    """The README's table of layers: | layer | package or module | what it owns |."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("<!-- layers -->")[1]
    found = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*(\d)\s*\|\s*`([\w.]+)`", line)
        if match:
            found[match[2]] = int(match[1])
    return found


def test_readme_describes_the_same_layers() -> None:
    assert readme_layers() == LAYERS


def test_package_docstring_names_only_modules_that_exist() -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text())) or ""
    named = set(re.findall(r"``([\w.]+)``", doc))
    assert named, "the package docstring names its packages"
    assert {n for n in named if f"consult.{n}" not in MODULES and n not in MODULES} == set()


def test_help_does_not_import_heavy_libraries() -> None:
    """`consult --help` must stay fast: openpyxl, questionary and the store load on demand."""
    code = (
        "import sys\n"
        "from consult.cli.app import app\n"
        "heavy = sorted(m for m in ('openpyxl', 'questionary', 'prompt_toolkit', 'sqlite3', "
        "'yaml', 'consult.store', 'consult.results.aggregation') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_test_module_imports_another() -> None:
    """Shared fixtures live in conftest.py, shared helpers in *_support.py modules."""
    tests = Path(__file__).resolve().parent
    wrong = {}
    for path in tests.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            bad = [n for n in names if n.startswith("test_")]
            if bad:
                wrong[path.name] = bad
    assert wrong == {}
