"""Participant text is data: make it safe to show in a terminal, a spreadsheet or a CSV file."""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates reorder how the rest of a line is shown
# ("Trojan Source"); in an answer they can only make it read as something else.
_BIDI = "\u202a-\u202e\u2066-\u2069"
# C0 and C1 control characters except tab and newline: ESC sequences, bells, backspaces, CSI.
_CONTROL_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
# Whole escape sequences, so that no "[31m" is left behind: CSI (ESC [ or U+009B, parameters,
# a final byte), OSC and other strings ended by BEL or ST, and two-character escapes. One
# left unterminated loses only its introducer (below), never the text after it. A string's
# body stops at any control character, so no text is scanned twice (no quadratic time).
_SEQUENCE_RE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    "|(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x80-\x9f]*(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[ -/]*[0-~]"
)
# Line and paragraph separators read as the line breaks they are.
_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
# What JSON written with ensure_ascii=False would still carry raw to a terminal (JSON escapes
# C0 itself); U+2028 and U+2029 end a line in JavaScript.
_JSON_RAW_RE = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029]")
# Spreadsheets treat a cell starting with one of these as a formula (or a DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip_control(text: str) -> str:
    """Remove terminal escape sequences, control characters and bidirectional overrides,
    keeping tabs and line breaks."""
    if not _CONTROL_RE.search(text) and "\u2028" not in text and "\u2029" not in text:
        return text  # the common case: nothing to do, and no copy
    return _CONTROL_RE.sub("", _SEQUENCE_RE.sub("", text).translate(_BREAKS))


def json_text(text: str) -> str:
    """JSON text with the characters a terminal would act on written as ``\\uXXXX`` escapes:
    the same data for a JSON reader, nothing to run for a terminal."""
    return _JSON_RAW_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def neutralise_formula(text: str) -> str:
    """Text that a spreadsheet will not run: a leading formula character gets a quote in front."""
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
