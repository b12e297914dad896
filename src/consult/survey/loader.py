"""Load and validate a survey definition (YAML) into :class:`consult.survey.model.Survey`.

Validation collects every problem, each with file, line and key path, and raises one
:class:`consult.errors.SurveyError` carrying all of them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from consult.errors import Problem, SurveyError
from consult.stats import ConsensusRule, Criterion
from consult.survey.model import (
    CONDITION_OPERATORS,
    ENROLMENT_MODES,
    GROUP_SUBJECT,
    QUESTION_TYPES,
    Condition,
    Group,
    Option,
    Proposal,
    Question,
    Scale,
    ScalePoint,
    Settings,
    Survey,
    Text,
)

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
CONDITION_RE = re.compile(
    r"^\s*(?P<q>[A-Za-z][A-Za-z0-9_-]*)\s*(?P<op>[=!<>]+|\bin\b|\bcontains\b)\s*(?P<v>.+?)\s*$"
)
CRITERION_RE = re.compile(r"^\s*(?P<op>>=|<=|>|<|==)?\s*(?P<v>[0-9]*\.?[0-9]+)\s*(?P<pct>%)?\s*$")
SHARE_MEASURES = ("support", "opposition", "neutral")
CRITERION_MEASURES = (*SHARE_MEASURES, "median", "iqr", "mean")
DEFAULT_CONTESTED_GAP = 0.30
RESERVED_GROUP_IDS = ("panel",)

TOP_KEYS = {
    "id": True,
    "title": True,
    "version": True,
    "languages": True,
    "groups": True,
    "proposals": True,
    "consensus": True,
    "description": False,
    "scales": False,
    "profile": False,
    "closing": False,
    "settings": False,
}
QUESTION_KEYS_COMMON = {"id", "type", "text", "help", "required", "when"}
QUESTION_KEYS_BY_TYPE = {
    "scale": {"scale"},
    "single_choice": {"options"},
    "multiple_choice": {"options", "min_choices", "max_choices"},
    "ranking": {"options"},
    "number": {"min", "max", "integer"},
    "text": {"max_length"},
}


# --- YAML with line numbers -------------------------------------------------------------


class LocDict(dict):
    """A mapping from YAML that remembers the line of itself and of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class LocList(list):
    """A sequence from YAML that remembers the line of itself and of each item (1-based)."""

    line: int
    item_lines: list[int]


#: How many YAML nodes a definition may expand to (aliases included): a guard against alias bombs.
MAX_NODES = 200_000


class _TooLarge(Exception):
    pass


class _Composer:
    """Turn a composed YAML node tree into LocDict/LocList/scalars, noting duplicate keys."""

    def __init__(self, report: Callable[[int, str, str], None]) -> None:
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


def _plain(value: Any) -> Any:
    """The parsed definition as plain JSON data (for hashing and storing)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON (and SQLite's json_valid) has no NaN or infinity
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def definition_hash(definition: dict) -> str:
    """sha256 of the canonical JSON form of a parsed definition."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- validation ---------------------------------------------------------------------------


class _Validator:
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
        self.problem(line, path, f"expected a mapping, got {_kind(value)}")
        return None

    def sequence(self, value: Any, path: str, line: int | None, empty_ok=False) -> LocList | None:
        if not isinstance(value, LocList):
            self.problem(line, path, f"expected a list, got {_kind(value)}")
            return None
        if not value and not empty_ok:
            self.problem(line, path, "must not be empty")
            return None
        return value

    def keys(self, data: LocDict, path: str, allowed: set[str], required: set[str]) -> None:
        for key in data:
            if key not in allowed:
                hint = _did_you_mean(key, allowed)
                self.problem(data.key_lines[key], _join(path, key), f"unknown key{hint}")
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
                _join(path, key),
                f"{value!r} is not a valid id (a letter, then letters, digits, '_' or '-')",
            )
            return None
        return value

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
                    self.problem(key_line, _join(path, lang), f"language '{lang}' is not declared")
                    ok = False
                elif not isinstance(text, str) or not text.strip():
                    self.problem(key_line, _join(path, lang), "must be a non-empty string")
                    ok = False
                else:
                    translations.append((lang, text.strip()))
            for lang in self.languages:
                if lang not in value:
                    self.problem(value.line, path, f"text missing in declared language '{lang}'")
                    ok = False
            return Text(tuple(translations)) if ok and translations else None
        self.problem(
            line, path, f"expected a text or a mapping language -> text, got {_kind(value)}"
        )
        return None

    def boolean(self, data: LocDict, key: str, path: str, default: bool) -> bool:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, bool):
            self.problem(self.line_of(data, key), _join(path, key), "expected true or false")
            return default
        return value

    def number(self, data: LocDict, key: str, path: str, integer: bool = False) -> float | None:
        if key not in data or data[key] is None:
            return None
        value = data[key]
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
            what = "a whole number" if integer else "a number"
            self.problem(self.line_of(data, key), _join(path, key), f"expected {what}")
            return None
        return value

    def unique(self, seen: dict[str, int], ident: str | None, line: int | None, path: str) -> None:
        if ident is None:
            return
        if ident in seen:
            self.problem(line, path, f"duplicate id '{ident}' (first used on line {seen[ident]})")
        else:
            seen[ident] = line or 0


def _kind(value: Any) -> str:
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


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _did_you_mean(key: str, allowed: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return f" '{key}' (did you mean '{close[0]}'?)" if close else f" '{key}'"


# --- the survey ---------------------------------------------------------------------------


def load_survey(path: str | Path) -> Survey:
    """Read, validate and build the survey defined in the YAML file at ``path``.

    Raises :class:`SurveyError` listing every problem found.
    """
    path = Path(path)
    shown = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SurveyError([Problem(shown, None, "", "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise SurveyError([Problem(shown, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise SurveyError([Problem(shown, None, "", exc.strerror or str(exc))]) from None
    return parse_survey(source, shown)


def parse_survey(source: str, file: str = "<string>") -> Survey:
    """Validate and build a survey from YAML text; ``file`` names it in problems."""
    v = _Validator(file)
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
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
    if node is None:
        raise SurveyError([Problem(file, 1, "", "the file is empty")])
    try:
        data = _Composer(lambda line, path, msg: v.problem(line, path, msg)).build(node)
    except yaml.YAMLError as exc:  # e.g. an unknown tag
        mark = getattr(exc, "problem_mark", None)
        raise SurveyError(
            [Problem(file, mark.line + 1 if mark else None, "", f"YAML error: {exc}")]
        ) from None
    except (RecursionError, _TooLarge):
        message = f"the YAML is nested too deeply or expands to over {MAX_NODES} values"
        raise SurveyError([Problem(file, None, "", message)]) from None
    top = v.mapping(data, "(top level)", 1)
    if top is None:
        raise SurveyError(v.problems)
    survey = _build_survey(v, top)
    if v.problems or survey is None:
        raise SurveyError(sorted(v.problems, key=lambda p: p.line or 0))  # in file order
    return survey


def _located(value: Any) -> Any:
    """Plain JSON data as the LocDict/LocList tree validation walks, without line numbers."""
    if isinstance(value, dict):
        out = LocDict((k, _located(v)) for k, v in value.items())
        out.line, out.key_lines = None, dict.fromkeys(value)
        return out
    if isinstance(value, list):
        out_list = LocList(_located(v) for v in value)
        out_list.line, out_list.item_lines = None, [None] * len(value)
        return out_list
    return value


def survey_from_definition(definition: dict, file: str = "<stored>") -> Survey:
    """Build a survey from its parsed definition (as stored), through the same validation.

    Much faster than reading YAML again: used for definitions already validated and stored.
    """
    v = _Validator(file)
    top = v.mapping(_located(definition), "(top level)", None)
    survey = _build_survey(v, top) if top is not None else None
    if v.problems or survey is None:
        raise SurveyError(v.problems)
    return survey


def _build_survey(v: _Validator, top: LocDict) -> Survey | None:
    v.keys(top, "", set(TOP_KEYS), {k for k, req in TOP_KEYS.items() if req})

    languages = _languages(v, top)
    v.languages = languages
    survey_id = v.ident(top, "id", "")
    version = top.get("version")
    if "version" in top and (
        isinstance(version, bool) or not isinstance(version, str | int | float)
    ):
        v.problem(v.line_of(top, "version"), "version", "expected a version such as '1.0'")
    title = v.text(top["title"], "title", v.line_of(top, "title")) if "title" in top else None
    description = (
        v.text(top["description"], "description", v.line_of(top, "description"))
        if "description" in top
        else None
    )
    groups = _groups(v, top)
    v.group_ids = tuple(g.id for g in groups)
    v.question_named_group = _some_question_named(top, GROUP_SUBJECT)
    scales = _scales(v, top)
    scale_by_id = {s.id: s for s in scales}
    settings = _settings(v, top)

    ids_seen: dict[str, int] = {}
    profile = _questions(v, top, "profile", None, scale_by_id, ids_seen, required_list=False)
    proposals = _proposals(v, top, scale_by_id, ids_seen)
    closing = _questions(
        v, top, "closing", None, scale_by_id, ids_seen, required_list=False, proposals=proposals
    )
    consensus = _consensus(v, top, scales)

    if v.problems:
        return None
    assert survey_id and title and consensus is not None
    definition = _plain(top)
    return Survey(
        id=survey_id,
        title=title,
        version=str(version),
        languages=languages,
        groups=groups,
        scales=scales,
        proposals=proposals,
        consensus=consensus,
        description=description,
        profile=profile,
        closing=closing,
        settings=settings,
        hash=definition_hash(definition),
        definition=definition,
        path=v.file,
    )


def _languages(v: _Validator, top: LocDict) -> tuple[str, ...]:
    if "languages" not in top:
        return ("en",)
    items = v.sequence(top["languages"], "languages", v.line_of(top, "languages"))
    if items is None:
        return ("en",)
    out: list[str] = []
    for i, lang in enumerate(items):
        if not isinstance(lang, str) or not LANG_RE.fullmatch(lang):
            v.problem(v.line_of(items, i), f"languages[{i}]", f"{lang!r} is not a language code")
        elif lang in out:
            v.problem(v.line_of(items, i), f"languages[{i}]", f"duplicate language '{lang}'")
        else:
            out.append(lang)
    return tuple(out) or ("en",)


def _groups(v: _Validator, top: LocDict) -> tuple[Group, ...]:
    items = (
        v.sequence(top.get("groups"), "groups", v.line_of(top, "groups"))
        if "groups" in top
        else None
    )
    if items is None:
        return ()
    out: list[Group] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        path = f"groups[{i}]"
        item = v.mapping(raw, path, v.line_of(items, i))
        if item is None:
            continue
        v.keys(item, path, {"id", "label"}, {"id", "label"})
        gid = v.ident(item, "id", path)
        if gid in RESERVED_GROUP_IDS:
            # Results and exports use "panel" for the whole panel beside each group.
            v.problem(
                v.line_of(item, "id"), _join(path, "id"), f"'{gid}' is reserved; choose another id"
            )
            gid = None
        v.unique(seen, gid, v.line_of(item, "id"), _join(path, "id"))
        label = (
            v.text(item["label"], _join(path, "label"), v.line_of(item, "label"))
            if "label" in item
            else None
        )
        if gid and label:
            out.append(Group(gid, label))
    return tuple(out)


def _scales(v: _Validator, top: LocDict) -> tuple[Scale, ...]:
    if "scales" not in top:
        return ()
    items = v.sequence(top["scales"], "scales", v.line_of(top, "scales"))
    if items is None:
        return ()
    out: list[Scale] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(items):
        path = f"scales[{i}]"
        item = v.mapping(raw, path, v.line_of(items, i))
        if item is None:
            continue
        v.keys(
            item,
            path,
            {"id", "points", "support", "opposition", "abstain"},
            {"id", "points", "support", "opposition"},
        )
        sid = v.ident(item, "id", path)
        v.unique(seen, sid, v.line_of(item, "id"), _join(path, "id"))
        points = _scale_points(v, item, path)
        values = {p.value for p in points}
        support = _point_set(v, item, "support", path, values)
        opposition = _point_set(v, item, "opposition", path, values)
        if support is not None and opposition is not None and support & opposition:
            v.problem(
                v.line_of(item, "opposition"),
                _join(path, "opposition"),
                f"points {sorted(support & opposition)} cannot count as both support and "
                "opposition",
            )
        abstain = None
        if "abstain" in item:
            abstain = v.text(item["abstain"], _join(path, "abstain"), v.line_of(item, "abstain"))
        if sid and points and support is not None and opposition is not None:
            out.append(Scale(sid, points, support, opposition, abstain))
    return tuple(out)


def _scale_points(v: _Validator, item: LocDict, path: str) -> tuple[ScalePoint, ...]:
    if "points" not in item:
        return ()
    ppath = _join(path, "points")
    items = v.sequence(item["points"], ppath, v.line_of(item, "points"))
    if items is None:
        return ()
    if len(items) < 2:
        v.problem(items.line, ppath, "a scale needs at least two points")
    out: list[ScalePoint] = []
    for j, raw in enumerate(items):
        pp = f"{ppath}[{j}]"
        point = v.mapping(raw, pp, v.line_of(items, j))
        if point is None:
            continue
        v.keys(point, pp, {"value", "label"}, {"value", "label"})
        value = v.number(point, "value", pp, integer=True)
        label = (
            v.text(point["label"], _join(pp, "label"), v.line_of(point, "label"))
            if "label" in point
            else None
        )
        if value is not None and out and value <= out[-1].value:
            v.problem(v.line_of(point, "value"), _join(pp, "value"), "point values must increase")
            continue
        if value is not None and label is not None:
            out.append(ScalePoint(int(value), label))
    return tuple(out)


def _point_set(
    v: _Validator, item: LocDict, key: str, path: str, values: set[int]
) -> frozenset[int] | None:
    if key not in item:
        return None
    kpath = _join(path, key)
    items = v.sequence(item[key], kpath, v.line_of(item, key))
    if items is None:
        return None
    out = set()
    for j, value in enumerate(items):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or (values and value not in values)
        ):
            v.problem(
                v.line_of(items, j), f"{kpath}[{j}]", f"{value!r} is not a point of this scale"
            )
        else:
            out.add(value)
    return frozenset(out)


def _settings(v: _Validator, top: LocDict) -> Settings:
    if "settings" not in top:
        return Settings()
    data = v.mapping(top["settings"], "settings", v.line_of(top, "settings"))
    if data is None:
        return Settings()
    v.keys(data, "settings", {"enrolment", "consent", "allow_revision"}, set())
    enrolment = data.get("enrolment", "panel")
    if enrolment not in ENROLMENT_MODES:
        v.problem(
            v.line_of(data, "enrolment"),
            "settings.enrolment",
            f"{enrolment!r} is not one of {', '.join(ENROLMENT_MODES)}",
        )
        enrolment = "panel"
    consent = None
    if "consent" in data:
        consent = v.text(data["consent"], "settings.consent", v.line_of(data, "consent"))
    allow = v.boolean(data, "allow_revision", "settings", False)
    return Settings(enrolment=enrolment, consent=consent, allow_revision=allow)


def _proposals(
    v: _Validator, top: LocDict, scales: dict[str, Scale], ids_seen: dict[str, int]
) -> tuple[Proposal, ...]:
    if "proposals" not in top:
        return ()
    items = v.sequence(top["proposals"], "proposals", v.line_of(top, "proposals"))
    if items is None:
        return ()
    out: list[Proposal] = []
    for i, raw in enumerate(items):
        path = f"proposals[{i}]"
        item = v.mapping(raw, path, v.line_of(items, i))
        if item is None:
            continue
        v.keys(
            item,
            path,
            {"id", "title", "statement", "questions"},
            {"id", "title", "statement", "questions"},
        )
        pid = v.ident(item, "id", path)
        v.unique(ids_seen, pid, v.line_of(item, "id"), _join(path, "id"))
        title = (
            v.text(item["title"], _join(path, "title"), v.line_of(item, "title"))
            if "title" in item
            else None
        )
        statement = (
            v.text(item["statement"], _join(path, "statement"), v.line_of(item, "statement"))
            if "statement" in item
            else None
        )
        questions = _questions(v, item, "questions", pid, scales, {}, required_list=True, base=path)
        if questions and not any(q.type == "scale" for q in questions):
            v.problem(
                v.line_of(item, "questions"),
                _join(path, "questions"),
                "a proposal needs a scale question to measure its support",
            )
        if pid and title and statement and questions:
            out.append(Proposal(pid, title, statement, questions))
    return tuple(out)


def _questions(
    v: _Validator,
    parent: LocDict,
    key: str,
    proposal: str | None,
    scales: dict[str, Scale],
    ids_seen: dict[str, int],
    *,
    required_list: bool,
    base: str = "",
    proposals: tuple[Proposal, ...] = (),
) -> tuple[Question, ...]:
    if key not in parent:
        return ()
    path = _join(base, key)
    items = v.sequence(parent[key], path, v.line_of(parent, key), empty_ok=not required_list)
    if items is None:
        return ()
    out: list[Question] = []
    known: dict[str, Question] = {}
    for i, raw in enumerate(items):
        qpath = f"{path}[{i}]"
        item = v.mapping(raw, qpath, v.line_of(items, i))
        if item is None:
            continue
        q = _question(v, item, qpath, proposal, scales, ids_seen, known, proposals, items)
        if q is not None:
            out.append(q)
            known[q.id] = q
    return tuple(out)


def _question(
    v: _Validator,
    item: LocDict,
    path: str,
    proposal: str | None,
    scales: dict[str, Scale],
    ids_seen: dict[str, int],
    earlier: dict[str, Question],
    proposals: tuple[Proposal, ...],
    siblings: LocList,
) -> Question | None:
    qtype = item.get("type")
    if "type" in item and qtype not in QUESTION_TYPES:
        v.problem(
            v.line_of(item, "type"),
            _join(path, "type"),
            f"unknown question type {qtype!r} (one of {', '.join(QUESTION_TYPES)})",
        )
        qtype = None
    allowed = QUESTION_KEYS_COMMON | (
        QUESTION_KEYS_BY_TYPE[qtype] if qtype else set().union(*QUESTION_KEYS_BY_TYPE.values())
    )
    required_keys = (
        {"id", "type", "text"}
        | ({"scale"} if qtype == "scale" else set())
        | ({"options"} if qtype in ("single_choice", "multiple_choice", "ranking") else set())
    )
    v.keys(item, path, allowed, required_keys)
    qid = v.ident(item, "id", path)
    v.unique(ids_seen, qid, v.line_of(item, "id"), _join(path, "id"))
    text = (
        v.text(item["text"], _join(path, "text"), v.line_of(item, "text"))
        if "text" in item
        else None
    )
    help_text = (
        v.text(item["help"], _join(path, "help"), v.line_of(item, "help"))
        if "help" in item
        else None
    )
    required = v.boolean(item, "required", path, default=qtype != "text")
    key = f"{proposal}.{qid}" if proposal and qid else qid

    fields: dict[str, Any] = {}
    if qtype == "scale" and "scale" in item:
        sid = item["scale"]
        if not isinstance(sid, str) or sid not in scales:
            known = ", ".join(sorted(scales)) or "none defined"
            v.problem(
                v.line_of(item, "scale"),
                _join(path, "scale"),
                f"unknown scale {sid!r} (known: {known})",
            )
        else:
            fields["scale"] = sid
    if qtype in ("single_choice", "multiple_choice", "ranking") and "options" in item:
        fields["options"] = _options(v, item, path, proposals, qtype)
    if qtype == "multiple_choice":
        fields["min_choices"] = v.number(item, "min_choices", path, integer=True)
        fields["max_choices"] = v.number(item, "max_choices", path, integer=True)
        lo, hi = fields["min_choices"], fields["max_choices"]
        if lo is not None and hi is not None and lo > hi:
            v.problem(
                v.line_of(item, "min_choices"),
                _join(path, "min_choices"),
                f"min_choices {lo} is greater than max_choices {hi}",
            )
    if qtype == "number":
        fields["integer"] = v.boolean(item, "integer", path, default=False)
        fields["min"] = v.number(item, "min", path, integer=fields["integer"])
        fields["max"] = v.number(item, "max", path, integer=fields["integer"])
        lo, hi = fields["min"], fields["max"]
        if lo is not None and hi is not None and lo > hi:
            v.problem(
                v.line_of(item, "min"), _join(path, "min"), f"min {lo} is greater than max {hi}"
            )
    if qtype == "text":
        fields["max_length"] = v.number(item, "max_length", path, integer=True)
        if fields["max_length"] is not None and fields["max_length"] < 1:
            v.problem(
                v.line_of(item, "max_length"), _join(path, "max_length"), "must be at least 1"
            )
    when = None
    if "when" in item:
        when = _condition(v, item, path, proposal, earlier, scales, siblings)

    if qid is None or text is None or qtype is None or v.problems_in(path):
        return None
    return Question(
        key=key,
        id=qid,
        type=qtype,
        text=text,
        required=required,
        proposal=proposal,
        help=help_text,
        when=when,
        **fields,
    )


def _options(
    v: _Validator, item: LocDict, path: str, proposals: tuple[Proposal, ...], qtype: str
) -> tuple[Option, ...]:
    opath = _join(path, "options")
    raw = item["options"]
    if raw == "proposals" and qtype == "ranking":
        if not proposals:
            v.problem(
                v.line_of(item, "options"),
                opath,
                "'options: proposals' needs proposals defined before it",
            )
        return tuple(Option(p.id, p.title) for p in proposals)
    items = v.sequence(raw, opath, v.line_of(item, "options"))
    if items is None:
        return ()
    out: list[Option] = []
    seen: dict[str, int] = {}
    for j, entry in enumerate(items):
        op = f"{opath}[{j}]"
        data = v.mapping(entry, op, v.line_of(items, j))
        if data is None:
            continue
        v.keys(data, op, {"id", "label"}, {"id", "label"})
        oid = v.ident(data, "id", op)
        v.unique(seen, oid, v.line_of(data, "id"), _join(op, "id"))
        label = (
            v.text(data["label"], _join(op, "label"), v.line_of(data, "label"))
            if "label" in data
            else None
        )
        if oid and label:
            out.append(Option(oid, label))
    if qtype == "ranking" and len(items) < 2:
        v.problem(items.line, opath, "a ranking needs at least two options")
    return tuple(out)


def _condition(
    v: _Validator,
    item: LocDict,
    path: str,
    proposal: str | None,
    earlier: dict[str, Question],
    scales: dict[str, Scale],
    siblings: LocList,
) -> Condition | None:
    cpath = _join(path, "when")
    line = v.line_of(item, "when")
    raw = item["when"]
    match = CONDITION_RE.match(raw) if isinstance(raw, str) else None
    if match is None:
        v.problem(
            line,
            cpath,
            f"cannot read condition {raw!r}: "
            "expected 'question operator value', e.g. 'support <= 2'",
        )
        return None
    qid, op, raw_value = match["q"], match["op"], match["v"]
    if op not in CONDITION_OPERATORS:
        v.problem(line, cpath, f"bad operator {op!r} (one of {', '.join(CONDITION_OPERATORS)})")
        return None
    # An earlier question called "group" keeps its name: only otherwise is it the group.
    target = earlier.get(qid)
    if target is None and qid != GROUP_SUBJECT:
        here = next(i for i, sibling in enumerate(siblings) if sibling is item)
        if any(isinstance(s, dict) and s.get("id") == qid for s in siblings[here + 1 :]):
            message = f"condition refers to {qid!r}, which comes later; only earlier answers count"
        else:
            message = f"condition refers to {qid!r}, which is not an earlier question here"
            close = difflib.get_close_matches(qid, sorted(earlier), n=1, cutoff=0.6)
            message += f" (did you mean {close[0]!r}?)" if close else ""
        v.problem(line, cpath, message)
        return None
    try:
        value = yaml.safe_load(raw_value)
    except yaml.YAMLError:
        v.problem(line, cpath, f"cannot read the value {raw_value!r}")
        return None
    if op == "in":
        if not isinstance(value, list) or not value:
            v.problem(line, cpath, "'in' needs a list, e.g. 'sector in [ai, quantum]'")
            return None
        value = tuple(value)
    if target is None and v.question_named_group:
        problem = (
            f"'{GROUP_SUBJECT}' would mean the stakeholder group here, but a question is also "
            f"called '{GROUP_SUBJECT}'; rename that question"
        )
    elif target is None:
        problem = _group_condition_problem(op, value, v.group_ids)
    else:
        problem = _condition_problem(target, op, value, scales)
    if problem:
        v.problem(line, cpath, problem)
        return None
    if target is None:
        return Condition(question=GROUP_SUBJECT, op=op, value=value, on_group=True)
    return Condition(question=target.key, op=op, value=value)


def _some_question_named(top: Any, qid: str) -> bool:
    lists = [top.get("profile"), top.get("closing")]
    proposals = top.get("proposals")
    if isinstance(proposals, list):
        lists += [p.get("questions") for p in proposals if isinstance(p, dict)]
    return any(
        isinstance(q, dict) and q.get("id") == qid
        for questions in lists
        if isinstance(questions, list)
        for q in questions
    )


def _group_condition_problem(op: str, value: Any, group_ids: tuple[str, ...]) -> str | None:
    """``group == government``, ``group != science`` or ``group in [science, diplomacy]``."""
    if op not in ("==", "!=", "in"):
        return f"operator {op!r} does not apply to the group; use ==, != or in"
    for gid in value if isinstance(value, tuple) else (value,):
        if gid not in group_ids:
            close = difflib.get_close_matches(str(gid), group_ids, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(group_ids)}"
            return f"unknown group {gid!r} ({hint})"
    return None


def _condition_problem(
    target: Question, op: str, value: Any, scales: dict[str, Scale]
) -> str | None:
    values = value if isinstance(value, tuple) else (value,)
    if target.type in ("scale", "number"):
        if op == "contains":
            return f"'contains' does not apply to a {target.type} question"
        if any(isinstance(x, bool) or not isinstance(x, int | float) for x in values):
            return f"{target.id!r} has numeric answers; compare it with a number"
        if target.type == "scale" and target.scale in scales:
            points = {p.value for p in scales[target.scale].points}
            lo, hi = min(points), max(points)
            if any(not lo <= x <= hi for x in values):
                return f"{value!r} is outside the scale's points {lo}..{hi}"
        return None
    if target.type in ("single_choice", "multiple_choice"):
        if op in ("<", "<=", ">", ">="):
            return f"operator {op!r} does not apply to a choice question"
        if op == "contains" and target.type != "multiple_choice":
            return "'contains' applies to multiple-choice questions; use '==' here"
        if target.type == "multiple_choice" and op in ("==", "!=", "in"):
            return "use 'contains' for a multiple-choice question"
        ids = {o.id for o in target.options}
        unknown = [x for x in values if str(x) not in ids]
        if unknown:
            return f"{unknown[0]!r} is not an option of {target.id!r}"
        return None
    return f"conditions on {target.type} questions are not supported"


def _consensus(v: _Validator, top: LocDict, scales: tuple[Scale, ...]) -> ConsensusRule | None:
    if "consensus" not in top:
        return None
    data = v.mapping(top["consensus"], "consensus", v.line_of(top, "consensus"))
    if data is None:
        return None
    v.keys(data, "consensus", {"scope", "for", "against", "contested_gap"}, {"for"})
    scope = data.get("scope", "panel")
    if scope not in ("panel", "every_group"):
        v.problem(
            v.line_of(data, "scope"),
            "consensus.scope",
            f"{scope!r} is not one of panel, every_group",
        )
    for_ = _criteria(v, data, "for") if "for" in data else None
    against: tuple[Criterion, ...] | None
    raw_against = data.get("against", "mirror")
    against = None if raw_against == "mirror" else _criteria(v, data, "against")
    gap = DEFAULT_CONTESTED_GAP
    if "contested_gap" in data:
        gap = _share(
            v, data["contested_gap"], "consensus.contested_gap", v.line_of(data, "contested_gap")
        )
    if for_ is None or gap is None or scope not in ("panel", "every_group"):
        return None
    if against is None and "against" in data and raw_against != "mirror":
        return None
    if against is None:
        if not scales:
            return ConsensusRule(for_=for_, against=(), scope=scope, contested_gap=gap)
        against = ConsensusRule.mirrored(for_, scales[0].spec)
    return ConsensusRule(for_=for_, against=against, scope=scope, contested_gap=gap)


def _criteria(v: _Validator, data: LocDict, key: str) -> tuple[Criterion, ...] | None:
    path = f"consensus.{key}"
    block = v.mapping(data[key], path, v.line_of(data, key))
    if block is None:
        return None
    if not block:
        v.problem(block.line, path, "must state at least one condition")
        return None
    out: list[Criterion] = []
    before = len(v.problems)
    for measure, raw in block.items():
        cpath = _join(path, measure)
        line = block.key_lines[measure]
        if measure not in CRITERION_MEASURES:
            v.problem(
                line, cpath, f"unknown measure{_did_you_mean(measure, set(CRITERION_MEASURES))}"
            )
            continue
        default_op = "<=" if measure == "iqr" else ">="
        match = (
            CRITERION_RE.match(str(raw))
            if isinstance(raw, str | int | float) and not isinstance(raw, bool)
            else None
        )
        if match is None:
            v.problem(line, cpath, f"cannot read {raw!r}: expected e.g. '>= 0.70' or '< 15%'")
            continue
        threshold = float(match["v"]) / (100 if match["pct"] else 1)
        if not math.isfinite(threshold):
            v.problem(line, cpath, f"cannot read {raw!r}: the number is too large")
            continue
        if measure in SHARE_MEASURES and not 0 < threshold <= 1:
            v.problem(line, cpath, f"threshold {threshold:g} is outside (0, 1]")
            continue
        if measure == "iqr" and threshold < 0:
            v.problem(line, cpath, "an IQR threshold cannot be negative")
            continue
        out.append(Criterion(measure=measure, op=match["op"] or default_op, threshold=threshold))
    return tuple(out) if len(v.problems) == before else None


def _share(v: _Validator, raw: Any, path: str, line: int | None) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        value = float(raw)  # a YAML number in any notation, 1e-05 included
    else:
        match = CRITERION_RE.match(raw) if isinstance(raw, str) else None
        if match is None or match["op"]:
            v.problem(line, path, f"expected a share such as 0.30 or '30%', got {raw!r}")
            return None
        value = float(match["v"]) / (100 if match["pct"] else 1)
    if not 0 < value <= 1:
        v.problem(line, path, f"threshold {value:g} is outside (0, 1]")
        return None
    return value
