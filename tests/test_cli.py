"""The command line's contract: one-line errors, exit statuses, --debug, --version, --db."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from consult import __version__

ROOT = Path(__file__).resolve().parents[1]
CONSULT = str(Path(sys.executable).parent / "consult")
EXAMPLE = "surveys/st-diplomacy-roundtable.yaml"


def consult(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    full_env.update(env or {})
    return subprocess.run(
        [CONSULT, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    assert consult("--version", cwd=tmp_path).stdout == f"consult {__version__}\n"
    module = subprocess.run(
        [sys.executable, "-m", "consult", "--version"], capture_output=True, text=True
    )
    assert module.stdout == f"consult {__version__}\n"


def test_help_lists_the_command_groups(tmp_path: Path) -> None:
    out = consult("--help", cwd=tmp_path).stdout
    for command in ("survey", "panel", "run", "status", "results", "export", "simulate", "report"):
        assert f" {command} " in out


def foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")


def test_a_runtime_failure_is_one_line_and_exit_1(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "surveys", tmp_path / "surveys")
    foreign_database(tmp_path / "other.db")
    result = consult("--db", "other.db", "results", EXAMPLE, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: other.db: not a consult database (it holds other data); nothing was changed\n"
    )
    assert result.stdout == ""


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "surveys", tmp_path / "surveys")
    foreign_database(tmp_path / "other.db")
    result = consult("--debug", "--db", "other.db", "results", EXAMPLE, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "consult.errors.StoreError" in result.stderr


def test_the_database_comes_from_consult_db_and_is_created_on_first_use(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "surveys", tmp_path / "surveys")
    db = tmp_path / "elsewhere" / "panel.db"
    result = consult(
        "simulate", EXAMPLE, "-n", "3", "--seed", "1", cwd=tmp_path, env={"CONSULT_DB": str(db)}
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM participants").fetchone()[0] == 3
    assert not (tmp_path / "results").exists()
    # and by default in results/consult.db, created on first use
    assert consult("simulate", EXAMPLE, "-n", "2", cwd=tmp_path).returncode == 0
    assert (tmp_path / "results" / "consult.db").exists()


def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    cases = {
        ("results", "--no-such-option"): "Error: No such option: --no-such-option"
        " (see 'consult results --help')\n",
        (
            "survey",
            "validate",
        ): "Error: Missing argument 'files'. (see 'consult survey validate --help')\n",
        ("simulate", "-n", "0", EXAMPLE): "Error: Invalid value for '--respondents' / '-n':"
        " 0 is not in the range x>=1. (see 'consult simulate --help')\n",
        ("nosuch",): "Error: No such command 'nosuch'. (see 'consult --help')\n",
    }
    for args, message in cases.items():
        result = consult(*args, cwd=tmp_path)
        assert (result.returncode, result.stderr, result.stdout) == (2, message, ""), args


def test_a_bare_command_group_shows_its_help(tmp_path: Path) -> None:
    result = consult("survey", cwd=tmp_path)
    assert result.returncode == 2
    assert "validate" in result.stdout and "show" in result.stdout
    assert result.stderr == ""


def test_commands_that_only_read_refuse_a_missing_database(tmp_path: Path) -> None:
    """A mistyped --db must not look like an empty consultation (and must create nothing)."""
    survey = str(ROOT / EXAMPLE)
    for command in (
        ["results", survey],
        ["results", survey, "--json"],
        ["status", survey],
        ["export", survey],
        ["report", survey],
        ["panel", "list", survey],
        ["panel", "reopen", survey, "ACD-479"],
    ):
        done = consult("--db", "typo.db", *command, cwd=tmp_path)
        assert done.returncode == 2, command
        assert done.stderr.startswith("Error: typo.db: no such database"), done.stderr
        assert done.stdout == ""
        assert list(tmp_path.iterdir()) == [], command
    made = consult("--db", "new.db", "simulate", survey, "-n", "2", cwd=tmp_path)
    assert made.returncode == 0 and (tmp_path / "new.db").exists()
