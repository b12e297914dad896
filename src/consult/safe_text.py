"""Participant text is data: make it safe to show in a terminal, a spreadsheet or a CSV file."""

from __future__ import annotations

import re

# C0 and C1 control characters except tab and newline: ESC sequences, bells, backspaces, CSI.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Spreadsheets treat a cell starting with one of these as a formula (or a DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip_control(text: str) -> str:
    """Remove control characters (terminal escapes among them), keeping tabs and newlines."""
    return _CONTROL_RE.sub("", text)


def terminal_text(text: str):  # -> rich.text.Text; rich is imported lazily
    """A rich ``Text`` that shows ``text`` literally: no markup, no escape sequences."""
    from rich.text import Text

    return Text(strip_control(text))


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet will not run: a leading formula character gets a quote in front."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
