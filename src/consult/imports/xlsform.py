"""XLSForm in: a survey definition (our YAML) from an XLSForm workbook.

The mapping (docs/survey-format.md, "XLSForm"): questions before the first group are the
profile, each ``begin_group`` is a proposal (its label the title, its first ``note`` the
statement), questions after the last group are the closing questions. Lists with a
``consult_side`` column (or named in the ``consult_scales`` setting) are agreement scales; the
list ``consult_groups`` names the stakeholder groups; ``consensus_*`` settings state the
consensus rule. What a consult survey cannot say is a problem located by sheet, row and column;
then our own validation runs on the definition, its problems located the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from consult.errors import Problem, SurveyError
from consult.imports.xlsform_expr import ID_RE
from consult.imports.xlsform_read import (
    CONSENSUS_PREFIX,
    DEFAULT_CONSENSUS,
    DEFAULT_GROUPS,
    DEFAULT_VERSION,
    DELPHI_PREFIX,
    ENROLMENT_SETTING,
    GROUPS_LIST,
    REVISION_SETTING,
    SCALES_SETTING,
    SIDE_COLUMN,
    SIDES,
    TEXT_SETTINGS,
    TITLE_SETTING,
    Column,
    Workbook,
    language_code,
    read_workbook,
)
from consult.imports.xlsform_survey import TEXT_MISSING, Entry, Loc, SurveyWalk
from consult.survey.loader import survey_from_definition
from consult.survey.model import Survey

YES_NO = {"yes": True, "true": True, "true()": True, "1": True}
YES_NO |= {"no": False, "false": False, "false()": False, "0": False}
CRITERIA_RE = re.compile(r"^\s*(?P<m>[a-z_]+)\s+(?P<rest>\S.*?)\s*$")
SHEET_ORDER = {"survey": 0, "choices": 1, "settings": 2}
#: The order of the top keys in the YAML written: the order a survey file is read in.
KEY_ORDER = ("id", "version", "languages", "title", "description", "settings", "groups")
KEY_ORDER += ("scales", "consensus", "delphi", "licence", "source")
KEY_ORDER += ("profile", "proposals", "closing")


@dataclass
class XlsformImport:
    """A survey read from an XLSForm: the definition, the survey it loads as, and the defaults
    the import assumed (each one line, for the user)."""

    definition: dict[str, Any]
    survey: Survey
    notes: list[str] = field(default_factory=list)

    def yaml_text(self, source: str) -> str:
        """The definition as readable YAML, with a comment naming its source and defaults."""
        head = [f"# Imported from {Path(source).name} by `consult survey import-xlsform`."]
        head += [f"# {note}" for note in self.notes]
        body = yaml.dump(
            self.definition,
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            width=100,
            indent=2,
        )
        return "\n".join(head) + "\n" + body


class _Dumper(yaml.SafeDumper):
    """Block style, but a short list of numbers or ids on one line: ``support: [4, 5]``."""


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, int | float) or (isinstance(x, str) and ID_RE.match(x)) for x in data)
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", data, flow_style=flow and len(data) < 12
    )


_Dumper.add_representer(list, _list)


def import_xlsform(path: str | Path) -> XlsformImport:
    """Read the XLSForm at ``path`` as a consult survey.

    Raises :class:`SurveyError` listing every problem (``FILE:sheet:row: column: reason``),
    :class:`consult.errors.InputError` when the file cannot be read or pyxform is missing.
    """
    book = read_workbook(Path(path))
    return _Import(book).run()


def scalar(text: str) -> Any:
    """A settings cell as YAML would read it: ``10`` a number, ``30%`` and ``>= 70%`` text."""
    if text[:1] in "<>=!":
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return value if isinstance(value, str | int | float | bool) else text


class _Import:
    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.where: dict[str, Loc] = {}
        self.notes: list[str] = []
        self.settings_row = next((r for r in book.settings.rows if r[1]), (2, {}))

    def run(self) -> XlsformImport:
        book = self.book
        for name in book.others:
            book.problem(name, None, "", f"the {name} sheet cannot be expressed in consult")
        self._unknown_settings()
        languages = self._languages()
        lists = self._lists()
        walk = SurveyWalk(book, languages, lists, self._scale_lists(lists))
        walk.run()
        definition = self._top(languages, walk)
        return self._finish(definition)

    # -- settings and languages ---------------------------------------------------------------

    def _setting(self, *tokens: str) -> tuple[Column | None, str | None]:
        column = self.book.settings.column(*tokens)
        value = self.settings_row[1].get(column.header) if column else None
        return column, value.strip() if isinstance(value, str) and value.strip() else None

    def _unknown_settings(self) -> None:
        known = {"title", "id_string", "version", "default_language", TITLE_SETTING}
        known |= {ENROLMENT_SETTING, REVISION_SETTING, SCALES_SETTING}
        srow, cells = self.settings_row
        for column in self.book.settings.columns:
            name = column.tokens[0]
            if (
                name in known
                or name in TEXT_SETTINGS
                or name.startswith((CONSENSUS_PREFIX, DELPHI_PREFIX))
                or not cells.get(column.header)
            ):
                continue
            self.book.problem("settings", srow, column.header, _no_equivalent(column))

    def _languages(self) -> list[str]:
        out: list[str] = []
        column, default = self._setting("default_language")
        if default and column:
            code = language_code(default)
            if code is None:
                self.book.problem(
                    "settings",
                    self.settings_row[0],
                    column.header,
                    f"'{default}' has no language code; write e.g. 'English (en)'",
                )
            else:
                out.append(code)
        for sheet in (self.book.survey, self.book.choices, self.book.settings):
            for lang in sheet.languages():
                if lang not in out:
                    out.append(lang)
        if not out:
            self.notes.append("No language in the headers (label::English (en)): English assumed.")
            out.append("en")
        return out

    def _top(self, languages: list[str], walk: SurveyWalk) -> dict[str, Any]:
        book, (srow, _) = self.book, self.settings_row
        stem = Path(book.file).stem
        top: dict[str, Any] = {}
        _, form_id = self._setting("id_string")
        if form_id is None:
            self.notes.append(f"No form_id in settings: the survey id is the file's name, {stem}.")
        top["id"] = form_id or stem
        self.where["id"] = Loc("settings", srow if form_id else None, {}, "form_id")
        _, version = self._setting("version")
        if version is None:
            self.notes.append(f"No version in settings: version {DEFAULT_VERSION} assumed.")
        top["version"] = version or DEFAULT_VERSION
        self.where["version"] = Loc("settings", srow, {}, "version")
        top["languages"] = languages
        top["title"] = self._title(languages, top["id"])
        if walk.description is not None:
            top["description"] = walk.description.data
            self.where["description"] = walk.description.loc
        settings = self._settings(walk)
        if settings:
            top["settings"] = settings
        top["groups"] = self._groups(walk, languages)
        if walk.scales:
            top["scales"] = [s.data for s in walk.scales]
            for i, entry in enumerate(walk.scales):
                self._register(f"scales[{i}]", entry)
        top["consensus"] = self._consensus()
        delphi = self._delphi()
        if delphi:
            top["delphi"] = delphi
        for column_name, key in TEXT_SETTINGS.items():
            _, text = self._setting(column_name)
            if text is not None:
                top[key] = text
        for key, entries in (("profile", walk.profile), ("closing", walk.closing)):
            if entries:
                top[key] = [e.data for e in entries]
                for i, entry in enumerate(entries):
                    self._register(f"{key}[{i}]", entry)
        top["proposals"] = [p.data for p in walk.proposals]
        for i, proposal in enumerate(walk.proposals):
            self._register(f"proposals[{i}]", proposal)
        if not walk.proposals:
            book.problem(
                "survey",
                None,
                "type",
                "no group: a consult survey needs at least one proposal, a begin_group with a "
                "note (the statement) and a select_one on an agreement scale",
            )
        return {key: top[key] for key in KEY_ORDER if key in top}

    def _title(self, languages: list[str], fallback: str) -> Any:
        _, plain = self._setting("title")
        texts = {
            c.lang: v.strip()
            for c in self.book.settings.columns
            if c.tokens[0] == TITLE_SETTING
            and c.lang
            and isinstance(v := self.settings_row[1].get(c.header), str)
            and v.strip()
        }
        self.where["title"] = Loc("settings", self.settings_row[0], {}, "form_title")
        if not texts:
            if plain is None:
                self.notes.append(f"No form_title in settings: the title is {fallback}.")
            return plain or fallback
        for lang in languages:
            if lang not in texts and plain:
                texts[lang] = plain
        return {lang: texts[lang] for lang in languages if lang in texts}

    def _settings(self, walk: SurveyWalk) -> dict[str, Any]:
        out: dict[str, Any] = {}
        srow = self.settings_row[0]
        columns: dict[str, str] = {}
        column, enrolment = self._setting(ENROLMENT_SETTING)
        if column and enrolment:
            out["enrolment"], columns["enrolment"] = enrolment, column.header
        column, revision = self._setting(REVISION_SETTING)
        if column and revision:
            value = YES_NO.get(revision.lower())
            if value is None:
                self.book.problem("settings", srow, column.header, "must be yes or no")
            else:
                out["allow_revision"], columns["allow_revision"] = value, column.header
        if walk.consent is not None:
            out["consent"] = walk.consent.data
            self.where["settings.consent"] = walk.consent.loc
        self.where["settings"] = Loc("settings", srow, columns, "")
        return out

    def _consensus(self) -> dict[str, Any]:
        srow = self.settings_row[0]
        out: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for key, header, value in self._prefixed(CONSENSUS_PREFIX):
            columns[key] = header
            if key in ("for", "against") and value != "mirror":
                found = self._criteria(value, header, "support >= 70%; opposition < 15%")
                out[key] = {m: scalar(rest) for m, rest in found.items()}
            else:
                out[key] = scalar(value)
        self.where["consensus"] = Loc("settings", srow, columns, "consensus_for")
        if not out:
            self.notes.append(
                "No consensus_* settings: the consensus rule is the 70/15 rule (for: support "
                ">= 70% and opposition < 15%; against: mirror)."
            )
            return dict(DEFAULT_CONSENSUS)
        return out

    def _prefixed(self, prefix: str) -> Iterator[tuple[str, str, str]]:
        """The settings whose column starts with ``prefix`` and holds something, as
        (key without the prefix, column header, text)."""
        cells = self.settings_row[1]
        for column in self.book.settings.columns:
            name, value = column.tokens[0], cells.get(column.header)
            if name.startswith(prefix) and value not in (None, "") and str(value).strip():
                yield name[len(prefix) :], column.header, str(value).strip()

    def _criteria(self, text: str, header: str, example: str) -> dict[str, str]:
        """``measure condition`` pairs separated by ``;`` (a consensus side, a stopping
        criterion): measure -> condition; what cannot be read is a problem of the cell."""
        out = {}
        for part in re.split(r"[;,]", text):
            match = CRITERIA_RE.match(part)
            if match is None:
                self.book.problem(
                    "settings",
                    self.settings_row[0],
                    header,
                    f"cannot read '{part.strip()}'; write e.g. '{example}'",
                )
                continue
            out[match["m"]] = match["rest"]
        return out

    def _delphi(self) -> dict[str, Any]:
        """The Delphi design from ``delphi_*`` settings (checked by the survey loader)."""
        srow = self.settings_row[0]
        out: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for key, header, text in self._prefixed(DELPHI_PREFIX):
            columns[key] = header
            if key == "feedback":
                out[key] = text.replace(",", " ").split()
            elif key == "stability":
                out[key] = self._criteria(text, header, "changed_share < 15%")
            else:
                out[key] = scalar(text)
        self.where["delphi"] = Loc("settings", srow, columns, "delphi_max_rounds")
        return out

    # -- choices --------------------------------------------------------------------------------

    def _lists(self) -> dict[str, list[tuple[int, dict[str, str]]]]:
        sheet = self.book.choices
        list_column = sheet.column("list_name")
        known = {("list_name",), ("name",), ("label",), (SIDE_COLUMN,)}
        lists: dict[str, list[tuple[int, dict[str, str]]]] = {}
        for rownum, row in sheet.rows:
            if not row:
                continue
            for column in sheet.columns:
                if column.tokens in known or (
                    sheet.is_text(column) and column.tokens[0] == "label"
                ):
                    continue
                if row.get(column.header):
                    self.book.problem("choices", rownum, column.header, f"{_no_equivalent(column)}")
            name = row.get(list_column.header) if list_column else None
            if not name:
                self.book.problem("choices", rownum, "list_name", "a choice needs its list name")
                continue
            lists.setdefault(name.strip(), []).append((rownum, row))
        return lists

    def _scale_lists(self, lists: dict[str, Any]) -> set[str]:
        """The lists that are agreement scales: with sides, or named in ``consult_scales``."""
        side = self.book.choices.column(SIDE_COLUMN)
        out = {
            name
            for name, rows in lists.items()
            if side and any(row.get(side.header) for _, row in rows)
        }
        column, named = self._setting(SCALES_SETTING)
        for name in (named or "").replace(",", " ").split():
            if name not in lists and column:
                self.book.problem(
                    "settings", self.settings_row[0], column.header, f"no list '{name}' on choices"
                )
            out.add(name)
        for name in sorted(out):
            for rownum, row in lists.get(name, []):
                value = (row.get(side.header) or "").strip() if side else ""
                if value and value not in SIDES:
                    self.book.problem(
                        "choices",
                        rownum,
                        SIDE_COLUMN,
                        f"'{value}' is not one of {', '.join(SIDES)}",
                    )
        return out

    def _groups(self, walk: SurveyWalk, languages: list[str]) -> list[dict[str, Any]]:
        if walk.groups is None:
            self.notes.append(
                f"No {GROUPS_LIST} list on the choices sheet: one stakeholder group, "
                "'participants', assumed."
            )
            return [dict(g) for g in DEFAULT_GROUPS]
        for i, entry in enumerate(walk.groups):
            self.where[f"groups[{i}]"] = entry.loc
        return [entry.data for entry in walk.groups]

    # -- locating problems ----------------------------------------------------------------------

    def _register(self, path: str, entry: Entry) -> None:
        self.where[path] = entry.loc
        for sub, loc in entry.parts.items():
            self.where[f"{path}.{sub}"] = loc
        for i, child in enumerate(entry.children):
            self._register(f"{path}.{entry.children_key}[{i}]", child)

    def _locate(self, problem: Problem) -> Problem:
        path = problem.path
        prefix = path
        while prefix and prefix not in self.where:
            shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", prefix)
            prefix = "" if shorter == prefix else shorter
        loc = self.where.get(prefix)
        if loc is None:
            return Problem(self.book.file, None, path, problem.message)
        rest = path[len(prefix) :].lstrip(".")
        key = re.split(r"[.\[]", rest)[0] if rest else ""
        missing = re.match(r"missing required key '(\w+)'", problem.message)
        if missing and not key:
            key = missing[1]
        column = loc.columns.get(key, loc.default) if key else loc.default
        return Problem(f"{self.book.file}:{loc.sheet}", loc.row, column, problem.message)

    def _finish(self, definition: dict[str, Any]) -> XlsformImport:
        problems = list(self.book.problems)
        survey = None
        try:
            survey = survey_from_definition(definition, self.book.file)
        except SurveyError as exc:
            # A row whose type was refused: what follows from it is not news.
            seen = {(p.file, p.line) for p in problems if p.line and p.path == "type"}
            told = {"proposals"} if not definition.get("proposals") else set()
            told_texts = {(p.file, p.line) for p in problems if p.message.startswith(TEXT_MISSING)}
            for problem in map(self._locate, exc.problems):
                if problem.path in told and problem.file == self.book.file:
                    continue  # said already, in the sheet's words
                if problem.message.startswith("text missing") and (
                    (problem.file, problem.line) in told_texts
                ):
                    continue
                if (problem.file, problem.line) not in seen or not problem.line:
                    problems.append(problem)
        if problems or survey is None:
            raise SurveyError(sorted(problems, key=_order))
        return XlsformImport(definition, survey, self.notes)


def _order(problem: Problem) -> tuple[int, int]:
    sheet = problem.file.rsplit(":", 1)[-1]
    return (SHEET_ORDER.get(sheet, 3), problem.line or 0)


def _no_equivalent(column: Column) -> str:
    return f"consult has no equivalent of '{column.header}'; clear the column to import"
