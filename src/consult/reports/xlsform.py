"""XLSForm out: a survey as an XLSForm workbook that pyxform converts and
``consult survey import-xlsform`` reads back as the same survey.

The conventions are the import's (:mod:`consult.imports.xlsform_read`): the profile, then one
``begin_group`` per proposal (its statement a note, its questions named ``proposal.question``),
then the closing questions; scales are lists with a ``consult_side`` column; the stakeholder
groups are the list ``consult_groups``, asked by a ``select_one`` named ``group``; the consensus
rule, enrolment and revision are ``consensus_*`` and ``consult_*`` settings, which pyxform
leaves alone. Every cell is literal text: a label starting with ``=`` is never a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consult.i18n import shipped
from consult.i18n.session import LABELS
from consult.imports.xlsform_expr import bounds_to_constraint, when_to_relevant
from consult.imports.xlsform_read import (
    CONSENSUS_PREFIX,
    DELPHI_PREFIX,
    ENROLMENT_SETTING,
    GROUPS_LIST,
    PROPOSALS_LIST,
    REVISION_SETTING,
    SIDE_COLUMN,
    TEXT_SETTINGS,
    TITLE_SETTING,
    language_header,
)
from consult.reports.output_file import replacing
from consult.survey.elements import Text
from consult.survey.model import Question, Survey

#: Cells a spreadsheet would read as a formula when edited: shown with a quote prefix.
FORMULA_PREFIXES = ("=", "+", "-", "@")
GROUP_QUESTION = "group"


class _Sheet:
    """Rows of one sheet as mappings from header to value; the headers in first-use order."""

    def __init__(self, name: str, headers: list[str]) -> None:
        self.name = name
        self.headers = list(headers)
        self.rows: list[dict[str, str]] = []

    def add(self, row: dict[str, Any]) -> None:
        row = {k: v for k, v in row.items() if v is not None and v != ""}
        for key in row:
            if key not in self.headers:
                self.headers.append(key)
        self.rows.append({k: str(v) for k, v in row.items()})


def _texts(base: str, text: Text | None, languages: tuple[str, ...]) -> dict[str, str]:
    """The cells of a text: ``label`` for a text in every language, else one per language."""
    if text is None:
        return {}
    table = dict(text.translations)
    if "*" in table:
        return {base: table["*"]}
    return {f"{base}::{language_header(lang)}": table[lang] for lang in languages if lang in table}


class _Writer:
    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.langs = survey.languages
        text_headers = [f"label::{language_header(lang)}" for lang in self.langs]
        self.sheet = _Sheet(
            "survey", ["type", "name", *text_headers, "required", "relevant", "constraint"]
        )
        self.choices = _Sheet("choices", ["list_name", "name", *text_headers])
        self.settings = _Sheet("settings", ["form_title", "form_id", "version"])
        self.lists: dict[tuple, str] = {}
        self.names = {s.id for s in survey.scales} | {GROUPS_LIST, PROPOSALS_LIST}

    def run(self) -> list[_Sheet]:
        s = self.survey
        definition = s.definition
        if s.description is not None:
            self.sheet.add(
                {"type": "note", "name": "description"} | self._t("label", s.description)
            )
        if s.settings.consent is not None:
            consent = self._t("label", s.settings.consent)
            self.sheet.add({"type": "acknowledge", "name": "consent", "required": "yes"} | consent)
        self._groups()
        for scale in s.scales:
            self._scale(scale)
        for q, qdef in zip(s.profile, definition.get("profile", []), strict=True):
            self._question(q, qdef)
        for proposal, pdef in zip(s.proposals, definition["proposals"], strict=True):
            self.sheet.add(
                {"type": "begin_group", "name": proposal.id} | self._t("label", proposal.title)
            )
            self.sheet.add(
                {"type": "note", "name": f"{proposal.id}.statement"}
                | self._t("label", proposal.statement)
            )
            for q, qdef in zip(proposal.questions, pdef["questions"], strict=True):
                self._question(q, qdef)
            self.sheet.add({"type": "end_group", "name": proposal.id})
        for q, qdef in zip(s.closing, definition.get("closing", []), strict=True):
            self._question(q, qdef)
        self._settings()
        return [self.sheet, self.choices, self.settings]

    def _t(self, base: str, text: Text | None) -> dict[str, str]:
        return _texts(base, text, self.langs)

    def _groups(self) -> None:
        label = Text(tuple((lang, LABELS[shipped(lang)]["group_q"]) for lang in self.langs))
        self.sheet.add(
            {"type": f"select_one {GROUPS_LIST}", "name": GROUP_QUESTION, "required": "yes"}
            | self._t("label", label)
        )
        for group in self.survey.groups:
            self.choices.add(
                {"list_name": GROUPS_LIST, "name": group.id} | self._t("label", group.label)
            )

    def _scale(self, scale: Any) -> None:
        for point in scale.points:
            side = (
                "support" if point.value in scale.support
                else "opposition" if point.value in scale.opposition
                else "neutral"
            )  # fmt: skip
            self.choices.add(
                {"list_name": scale.id, "name": point.value}
                | self._t("label", point.label)
                | {SIDE_COLUMN: side}
            )
        if scale.abstain is not None:
            self.choices.add(
                {"list_name": scale.id, "name": "abstain"}
                | self._t("label", scale.abstain)
                | {SIDE_COLUMN: "abstain"}
            )

    def _options(self, q: Question, qdef: dict[str, Any]) -> str:
        if qdef.get("options") == "proposals":
            if PROPOSALS_LIST not in self.lists.values():
                self.lists[("proposals",)] = PROPOSALS_LIST
                for p in self.survey.proposals:
                    self.choices.add(
                        {"list_name": PROPOSALS_LIST, "name": p.id} | self._t("label", p.title)
                    )
            return PROPOSALS_LIST
        content = tuple((o.id, o.label) for o in q.options)
        if content in self.lists:  # the same options (a YAML anchor): one list
            return self.lists[content]
        name = q.key.replace(".", "_")
        while name in self.names:
            name += "_options"
        self.names.add(name)
        self.lists[content] = name
        for option in q.options:
            self.choices.add(
                {"list_name": name, "name": option.id} | self._t("label", option.label)
            )
        return name

    def _question(self, q: Question, qdef: dict[str, Any]) -> None:
        if q.type == "scale":
            kind = f"select_one {q.scale}"
        elif q.type in ("single_choice", "multiple_choice", "ranking"):
            command = {"single_choice": "select_one", "multiple_choice": "select_multiple"}
            kind = f"{command.get(q.type, 'rank')} {self._options(q, qdef)}"
        elif q.type == "number":
            kind = "integer" if q.integer else "decimal"
        else:
            kind = "text"
        relevant = None
        if q.when is not None:
            if q.when.on_group:
                relevant = when_to_relevant(q.when, GROUP_QUESTION, "group")
            else:
                target = self.survey.question(q.when.question)
                relevant = when_to_relevant(q.when, target.key, target.type)
        self.sheet.add(
            {
                "type": kind,
                "name": q.key,
                "required": "yes" if q.required else None,
                "relevant": relevant,
                "constraint": bounds_to_constraint(qdef, q.type),
            }
            | self._t("label", q.text)
            | self._t("hint", q.help)
        )

    def _settings(self) -> None:
        s = self.survey
        title = dict(s.title.translations)
        row: dict[str, Any] = {
            "form_title": title.get("*") or title.get(self.langs[0]),
            "form_id": s.id,
            "version": s.version,
            "default_language": language_header(self.langs[0]),
        }
        if "*" not in title:
            row |= {f"{TITLE_SETTING}::{language_header(lang)}": title[lang] for lang in self.langs}
        settings = s.definition.get("settings", {})
        if "enrolment" in settings:
            row[ENROLMENT_SETTING] = settings["enrolment"]
        if "allow_revision" in settings:
            row[REVISION_SETTING] = "yes" if settings["allow_revision"] else "no"
        for key, value in s.definition["consensus"].items():
            if isinstance(value, dict):
                value = "; ".join(f"{measure} {v}" for measure, v in value.items())
            elif isinstance(value, bool):
                value = "true" if value else "false"
            row[f"{CONSENSUS_PREFIX}{key}"] = value
        for key, value in s.definition.get("delphi", {}).items():
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = "; ".join(f"{measure} {v}" for measure, v in value.items())
            row[f"{DELPHI_PREFIX}{key}"] = value
        for column, key in TEXT_SETTINGS.items():
            if key in s.definition:
                row[column] = s.definition[key]
        self.settings.add(row)


def xlsform_sheets(survey: Survey) -> list[tuple[str, list[str], list[dict[str, str]]]]:
    """The survey, choices and settings sheets of the survey's XLSForm: (name, headers, rows)."""
    return [(s.name, s.headers, s.rows) for s in _Writer(survey).run()]


def write_xlsform(survey: Survey, path: Path) -> None:
    """Write the survey as an XLSForm workbook at ``path`` (all or nothing)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, headers, rows in xlsform_sheets(survey):
        sheet = book.create_sheet(name)
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # literal text: openpyxl would make "=..." a formula
                    if cell.value.startswith(FORMULA_PREFIXES):
                        cell.quotePrefix = True
    with replacing(path) as tmp:
        book.save(tmp)
