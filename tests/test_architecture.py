"""The layers stay visible and one-way: a module imports only from its own layer or lower ones.

1. pure: survey model and loader, statistics, safe text, errors
2. store: the only code that speaks SQL
3. session runner (the only code that prompts), panel, aggregation, reports, exports...
4. the command line
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "consult"

LAYERS = {
    "__init__": 1,
    "errors": 1,
    "survey_model": 1,
    "survey_loader": 1,
    "stats": 1,
    "safe_text": 1,
    "store": 2,
    "survey_registry": 3,
    "survey_outline": 3,
    "session_runner": 3,
    "panel": 3,
    "participation": 3,
    "aggregation": 3,
    "simulation": 3,
    "exports": 3,
    "results_view": 3,
    "report_excel": 3,
    "xlsx_stream": 3,
    "output_file": 3,
    "cli": 4,
    "__main__": 4,
}


def modules() -> list[Path]:
    return sorted(PACKAGE.glob("*.py"))


def layer_of(name: str) -> int:
    if name.startswith("cli_"):
        return 4
    return LAYERS[name]


def consult_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "consult":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("consult."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("consult."):
                    found.add(alias.name.split(".")[1])
    return found - {"__version__"}


def test_every_module_has_a_layer() -> None:
    unknown = [p.stem for p in modules() if not p.stem.startswith("cli_") and p.stem not in LAYERS]
    assert unknown == [], f"add these modules to LAYERS in {__file__}: {unknown}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.stem)
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    mine = layer_of(path.stem)
    upward = {name: layer_of(name) for name in consult_imports(path) if layer_of(name) > mine}
    assert upward == {}, f"{path.name} (layer {mine}) imports from higher layers: {upward}"


SQL_RE = re.compile(
    r"\b(SELECT\s+\S|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)"
)


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.stem)
def test_only_the_store_speaks_sql(path: Path) -> None:
    if path.stem == "store":
        return
    text = path.read_text(encoding="utf-8")
    assert not SQL_RE.search(text), f"{path.name} contains SQL; move it to store.py"
    assert "import sqlite3" not in text


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.stem)
def test_only_the_session_runner_prompts(path: Path) -> None:
    if path.stem == "session_runner":
        return
    assert "questionary" not in path.read_text(encoding="utf-8"), path.name


def test_help_does_not_import_heavy_libraries() -> None:
    """`consult --help` must stay fast: openpyxl, questionary and sqlite_utils load on demand."""
    code = (
        "import sys\n"
        "from consult.cli import app\n"
        "heavy = sorted(m for m in ('openpyxl', 'questionary', 'prompt_toolkit', 'sqlite3', "
        "'yaml', 'consult.store', 'consult.aggregation') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
