"""The generic validator toolkit: problems with file, line and key path, and the checks every
part of a definition is read through (mappings, lists, keys, ids, texts, booleans, numbers)."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from typing import Any

from consult.errors import Problem
from consult.survey.elements import Option, Text
from consult.survey.located import LocDict, LocList

#: The largest number a survey may give (scale values, ranges): exact as a float, and far
#: beyond any answer.
MAX_NUMBER = 10**15


def _finite(value: int | float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


class Validator:
    """Collects the problems of one definition and reads its values through generic checks.

    Each helper reports and returns None when a value is unusable, so that reading goes on and
    every problem is found in one pass.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("en",)
        self.group_ids: tuple[str, ...] = ()
        #: Whether some question is called "group": a condition on "group" is then ambiguous
        #: wherever that question is not an earlier one.
        self.question_named_group = False

    def problem(self, line: int | None, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, path, message))

    def problems_in(self, path: str) -> bool:
        """Whether any problem was reported at or below ``path``."""
        return any(
            p.path == path or p.path.startswith((path + ".", path + "[")) for p in self.problems
        )

    # Generic helpers. Each returns None after reporting when the value is unusable.

    @staticmethod
    def line_of(container: Any, key: str | int, fallback: int | None = None) -> int | None:
        if isinstance(container, LocDict) and isinstance(key, str):
            return container.key_lines.get(key, container.line)
        if isinstance(container, LocList) and isinstance(key, int):
            if 0 <= key < len(container.item_lines):
                return container.item_lines[key]
            return container.line
        return fallback

    def mapping(self, value: Any, path: str, line: int | None) -> LocDict | None:
        if isinstance(value, LocDict):
            return value
        self.problem(line, path, f"expected a mapping, got {kind_of(value)}")
        return None

    def sequence(
        self, value: Any, path: str, line: int | None, empty_ok: bool = False
    ) -> LocList | None:
        if not isinstance(value, LocList):
            self.problem(line, path, f"expected a list, got {kind_of(value)}")
            return None
        if not value and not empty_ok:
            self.problem(line, path, "must not be empty")
            return None
        return value

    def keys(self, data: LocDict, path: str, allowed: set[str], required: set[str]) -> None:
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                self.problem(data.key_lines[key], join(path, key), f"unknown key{hint}")
        for key in sorted(required):
            if key not in data:
                self.problem(data.line, path or "(top level)", f"missing required key '{key}'")

    def ident(self, data: LocDict, key: str, path: str) -> str | None:
        value = data.get(key)
        line = self.line_of(data, key)
        if key not in data:
            return None  # missing: reported by keys()
        if not isinstance(value, str) or not ID_RE.fullmatch(value):
            self.problem(
                line,
                join(path, key),
                f"{value!r} is not a valid id (a letter, then letters, digits, '_' or '-')",
            )
            return None
        return value

    def mappings(self, items: LocList, path: str) -> Iterator[tuple[str, LocDict]]:
        """Each item of ``items`` that is a mapping, with its path (``path[i]``); an item that
        is not one is reported and skipped."""
        for i, raw in enumerate(items):
            item_path = f"{path}[{i}]"
            item = self.mapping(raw, item_path, self.line_of(items, i))
            if item is not None:
                yield item_path, item

    def text_at(self, data: LocDict, key: str, path: str) -> Text | None:
        """The text under ``key`` of ``data`` (None when the key is absent: ``keys`` reports a
        missing required one), checked as :meth:`text` checks it."""
        if key not in data:
            return None
        return self.text(data[key], join(path, key), self.line_of(data, key))

    def text(self, value: Any, path: str, line: int | None) -> Text | None:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = str(value).strip()
            if not text:
                self.problem(line, path, "must not be empty")
                return None
            return Text.plain(text)
        if isinstance(value, LocDict):
            translations = []
            ok = True
            for lang, text in value.items():
                key_line = value.key_lines[lang]
                if lang not in self.languages:
                    self.problem(key_line, join(path, lang), f"language '{lang}' is not declared")
                    ok = False
                elif not isinstance(text, str) or not text.strip():
                    self.problem(key_line, join(path, lang), "must be a non-empty string")
                    ok = False
                else:
                    translations.append((lang, text.strip()))
            for lang in self.languages:
                if lang not in value:
                    self.problem(value.line, path, f"text missing in declared language '{lang}'")
                    ok = False
            return Text(tuple(translations)) if ok and translations else None
        self.problem(
            line, path, f"expected a text or a mapping language -> text, got {kind_of(value)}"
        )
        return None

    def boolean(self, data: LocDict, key: str, path: str, default: bool) -> bool:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, bool):
            self.problem(self.line_of(data, key), join(path, key), "expected true or false")
            return default
        return value

    def number(self, data: LocDict, key: str, path: str, integer: bool = False) -> float | None:
        if key not in data or data[key] is None:
            return None
        value = data[key]
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not _finite(value):
            what = "a whole number" if integer else "a number"
            self.problem(self.line_of(data, key), join(path, key), f"expected {what}")
            return None
        if abs(value) > MAX_NUMBER:  # a 4,000-digit value cannot even become a float
            digits = len(str(int(abs(value))))
            shown = f"a value of {digits:,} digits" if digits > 20 else str(value)
            message = f"{shown} is too large (at most 10^15 either side of zero)"
            self.problem(self.line_of(data, key), join(path, key), message)
            return None
        return value

    def unique(self, seen: dict[str, int], ident: str | None, line: int | None, path: str) -> None:
        if ident is None:
            return
        if ident in seen:
            self.problem(line, path, f"duplicate id '{ident}' (first used on line {seen[ident]})")
        else:
            seen[ident] = line or 0

    def options(self, item: LocDict, path: str) -> tuple[tuple[Option, ...], LocList | None]:
        """The ``options`` list of ``item``: each ``{id, label}``, ids unique; the list as read
        beside it (None when it is no list)."""
        opath = join(path, "options")
        items = self.sequence(item["options"], opath, self.line_of(item, "options"))
        if items is None:
            return (), None
        out: list[Option] = []
        seen: dict[str, int] = {}
        for op, data in self.mappings(items, opath):
            self.keys(data, op, {"id", "label"}, {"id", "label"})
            oid = self.ident(data, "id", op)
            self.unique(seen, oid, self.line_of(data, "id"), join(op, "id"))
            label = self.text_at(data, "label", op)
            if oid and label:
                out.append(Option(oid, label))
        return tuple(out), items


def kind_of(value: Any) -> str:
    """What ``value`` is, in words: "a list", "the text 'x'", "true/false"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"


def join(path: str, key: str | int) -> str:
    """The key path of ``key`` under ``path``: ``a.b`` or ``a[3]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def did_you_mean(key: str, allowed: set[str]) -> str:
    """`` 'key' (did you mean 'close'?)``, or `` 'key'`` when nothing allowed is close."""
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return f" '{key}' (did you mean '{close[0]}'?)" if close else f" '{key}'"
