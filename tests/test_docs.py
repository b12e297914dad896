"""The documentation matches the program: the CLI reference, and the README's commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from typer.main import get_command

from consult.cli.app import app

ROOT = Path(__file__).resolve().parents[1]


def command_paths(group, path=()):
    for name, sub in group.commands.items():
        yield (*path, name)
        if hasattr(sub, "commands"):
            yield from command_paths(sub, (*path, name))


def test_cli_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "docs/cli.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, "docs/cli.md is out of date: run `cog -r docs/cli.md`\n" + (
        result.stdout + result.stderr
    )


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (consult.*)$", text, flags=re.M))
    missing = [
        " ".join(("consult", *p))
        for p in command_paths(get_command(app))
        if " ".join(("consult", *p)) not in headings
    ]
    assert missing == []


def test_every_command_has_help_text() -> None:
    def walk(group, path=()):
        for name, sub in group.commands.items():
            yield (*path, name), sub
            if hasattr(sub, "commands"):
                yield from walk(sub, (*path, name))

    undocumented = [
        " ".join(p) for p, cmd in walk(get_command(app)) if not (cmd.help or "").strip()
    ]
    assert undocumented == []


def test_every_command_has_an_example() -> None:
    """As sqlite-utils does: every command's help ends with an example to copy."""

    def leaves(group, path=()):
        for name, sub in group.commands.items():
            if hasattr(sub, "commands"):
                yield from leaves(sub, (*path, name))
            else:
                yield (*path, name), sub

    missing = [
        " ".join(p)
        for p, cmd in leaves(get_command(app))
        if not re.search(r"^Example: consult ", cmd.help or "", flags=re.M)
    ]
    assert missing == []


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    quick = re.split(r"\n#{2,3} ", readme.split("## Quick start", 1)[1], maxsplit=1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line and line[0] != "#"]
    assert len(commands) == 2, commands
    assert "consult run surveys/st-diplomacy-roundtable.yaml" in commands[0]
    assert "pytest" in commands[1]
    assert commands[1] in ci.splitlines()
