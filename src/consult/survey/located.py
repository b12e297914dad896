"""Values read from a definition that remember where they were: the line of a mapping or list and
of each of its keys or items (1-based), so that every problem names its line.

Data without lines (a definition already stored as JSON) goes through :func:`located`, which
gives the same shapes with ``None`` for every line.
"""

from __future__ import annotations

from typing import Any


class LocDict(dict):
    """A mapping from YAML that remembers the line of itself and of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class LocList(list):
    """A sequence from YAML that remembers the line of itself and of each item (1-based)."""

    line: int
    item_lines: list[int]


def located(value: Any) -> Any:
    """Plain JSON data as the LocDict/LocList tree validation walks, without line numbers."""
    if isinstance(value, dict):
        out = LocDict((k, located(v)) for k, v in value.items())
        out.line, out.key_lines = None, dict.fromkeys(value)
        return out
    if isinstance(value, list):
        out_list = LocList(located(v) for v in value)
        out_list.line, out_list.item_lines = None, [None] * len(value)
        return out_list
    return value
