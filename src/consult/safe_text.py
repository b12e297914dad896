"""Participant text is data: make it safe to show in a terminal, a spreadsheet or a CSV file."""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates reorder how the rest of a line is shown
# ("Trojan Source"); in an answer they can only make it read as something else.
_BIDI = "\u202a-\u202e\u2066-\u2069"
# C0 and C1 control characters except tab and newline: ESC sequences, bells, backspaces, CSI.
_CONTROL_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
# What JSON written with ensure_ascii=False would still carry raw to a terminal (JSON escapes
# C0 itself); U+2028 and U+2029 end a line in JavaScript.
_JSON_RAW_RE = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029]")
# Spreadsheets treat a cell starting with one of these as a formula (or a DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip_control(text: str) -> str:
    """Remove control characters (terminal escapes among them) and bidirectional overrides,
    keeping tabs and newlines."""
    return _CONTROL_RE.sub("", text)


def json_text(text: str) -> str:
    """JSON text with the characters a terminal would act on written as ``\\uXXXX`` escapes:
    the same data for a JSON reader, nothing to run for a terminal."""
    return _JSON_RAW_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def terminal_text(text: str):  # -> rich.text.Text; rich is imported lazily
    """A rich ``Text`` that shows ``text`` literally: no markup, no escape sequences."""
    from rich.text import Text

    return Text(strip_control(text))


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet will not run: a leading formula character gets a quote in front."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
