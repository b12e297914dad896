"""YAML with line numbers: a definition's text as LocDict/LocList/scalars, every YAML error as a
:class:`consult.errors.Problem` with its line, and the parsed definition's canonical hash."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

import yaml

from consult.errors import Problem, SurveyError
from consult.survey.located import LocDict, LocList

#: How many YAML nodes a definition may expand to (aliases included): a guard against alias bombs.
MAX_NODES = 200_000

#: How many YAML nodes the text itself may hold, counted while it is read, so that a file full
#: of values is refused before all of it is parsed (the bundled example has about 1,700).
MAX_TEXT_NODES = 100_000
#: The most items in one YAML list or mapping (a survey has at most 500 proposals).
MAX_ITEMS = 1_000

#: Reports a problem found while reading: (line, key path, message).
Report = Callable[[int, str, str], None]


class _TooLarge(Exception):
    pass


class _TooLong(Exception):
    def __init__(self, start: int, line: int) -> None:
        super().__init__(start, line)
        self.start, self.line = start, line


class _CappedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that stops as soon as a list or mapping gets too long or the text
    holds too many values: reading 10,000 proposals to the end took 25 s."""

    nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.nodes += 1
        if self.nodes > MAX_TEXT_NODES:
            raise _TooLarge
        if isinstance(parent, yaml.SequenceNode | yaml.MappingNode) and (
            len(parent.value) >= MAX_ITEMS
        ):
            line = self.peek_event().start_mark.line + 1
            raise _TooLong(parent.start_mark.line + 1, line)
        return super().compose_node(parent, index)


class _Composer:
    """Turn a composed YAML node tree into LocDict/LocList/scalars, noting duplicate keys."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()  # the collections being built: an alias to one is a loop
        self.count = 0

    def build(self, node: yaml.Node, path: str = "") -> Any:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        if id(node) in self.active:
            self.report(line, path, "an alias refers to the collection that contains it")
            return None
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.active.add(id(node))
            try:
                return self._collection(node, path, line)
            finally:
                self.active.discard(id(node))
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except Exception:  # PyYAML's constructors fail on e.g. "2020-13-01" or "!!int abc"
            self.report(line, path, f"cannot read {node.value!r} as {node.tag.rsplit(':', 1)[-1]}")
            return node.value

    def _collection(self, node: yaml.Node, path: str, line: int) -> Any:
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            out = LocDict()
            out.line, out.key_lines = line, {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path)
                if not isinstance(key, str):
                    key = str(key)
                child = f"{path}.{key}" if path else key
                if key in out:
                    self.report(key_node.start_mark.line + 1, child, "duplicate key")
                out[key] = self.build(value_node, child)
                out.key_lines[key] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            out_list = LocList()
            out_list.line, out_list.item_lines = line, []
            for i, item in enumerate(node.value):
                out_list.append(self.build(item, f"{path}[{i}]"))
                out_list.item_lines.append(item.start_mark.line + 1)
            return out_list
        raise AssertionError(node)


def read_yaml(source: str, file: str, report: Report) -> Any:
    """The YAML text ``source`` as LocDict/LocList/scalars.

    A value that cannot be read (a duplicate key, a bad date, an alias loop) goes to ``report``
    and reading goes on; a text that is not YAML at all raises :class:`SurveyError` at once.
    """
    loader = None
    try:
        loader = _CappedLoader(source)  # its reader checks the characters at once
        node = loader.get_single_node()
    except _TooLong as exc:
        message = (
            f"a list or mapping (from line {exc.start}) has over {MAX_ITEMS:,} items; a survey "
            "has at most 500 proposals"
        )
        raise SurveyError([Problem(file, exc.line, "", message)]) from None
    except _TooLarge:
        message = f"the YAML holds over {MAX_TEXT_NODES:,} values, more than any survey"
        line = loader.line + 1 if loader is not None else None
        raise SurveyError([Problem(file, line, "", message)]) from None
    except RecursionError:
        raise SurveyError([Problem(file, None, "", "the YAML is nested too deeply")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {exc.problem}"
        start = exc.context_mark
        if exc.context and start and start.line + 1 != line:  # e.g. a bracket never closed
            message += f" ({exc.context} started on line {start.line + 1})"
        raise SurveyError([Problem(file, line, "", message)]) from None
    except (
        yaml.reader.ReaderError
    ) as exc:  # a character YAML does not allow, e.g. a control character
        line = source.count("\n", 0, exc.position) + 1
        what = f"character #x{exc.character:04x}" if isinstance(exc.character, int) else "text"
        message = f"YAML error: {what} is not allowed ({exc.reason})"
        raise SurveyError([Problem(file, line, "", message)]) from None
    except yaml.YAMLError as exc:
        raise SurveyError([Problem(file, None, "", f"YAML error: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise SurveyError([Problem(file, 1, "", "the file is empty")])
    try:
        return _Composer(report).build(node)
    except yaml.YAMLError as exc:  # e.g. an unknown tag
        mark = getattr(exc, "problem_mark", None)
        raise SurveyError(
            [Problem(file, mark.line + 1 if mark else None, "", f"YAML error: {exc}")]
        ) from None
    except (RecursionError, _TooLarge):
        message = f"the YAML is nested too deeply or expands to over {MAX_NODES} values"
        raise SurveyError([Problem(file, None, "", message)]) from None


def plain(value: Any) -> Any:
    """The parsed definition as plain JSON data (for hashing and storing)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON (and SQLite's json_valid) has no NaN or infinity
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def definition_hash(definition: dict) -> str:
    """sha256 of the canonical JSON form of a parsed definition."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
