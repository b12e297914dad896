"""The survey sheet of an XLSForm, row by row, as the parts of a consult survey.

Before the first ``begin_group``: the description (a first ``note``), the consent (an
``acknowledge``), the stakeholder-group question (``select_one consult_groups``) and the profile
questions. Each group: a proposal. After the last group: the closing questions. Each part keeps
where it came from (:class:`Loc`), so that a problem our validation finds later still names the
sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consult.imports.xlsform_expr import ExpressionError, constraint_to_bounds, relevant_to_when
from consult.imports.xlsform_read import (
    ACKNOWLEDGE_TYPES,
    DECIMAL_TYPES,
    GROUPS_LIST,
    INTEGER_TYPES,
    NOTE_TYPES,
    PROPOSALS_LIST,
    SIDE_COLUMN,
    TEXT_TYPES,
    Sheet,
    Workbook,
    why_not,
)
from consult.survey.elements import GROUP_SUBJECT

Rows = list[tuple[int, dict[str, str]]]
TEXT_MISSING = "text missing: every language needs one"

QUESTION_COLUMNS = {
    "id": "name",
    "type": "type",
    "text": "label",
    "help": "hint",
    "required": "required",
    "when": "relevant",
    "scale": "type",
    "options": "type",
    "integer": "type",
    "min": "constraint",
    "max": "constraint",
    "max_length": "constraint",
    "min_choices": "constraint",
    "max_choices": "constraint",
}
KNOWN = {("type",), ("name",), ("label",), ("hint",)}
KNOWN |= {("bind", "relevant"), ("bind", "required"), ("bind", "constraint")}


@dataclass(frozen=True)
class Loc:
    """Where a part of the definition came from: a sheet's row, and which column holds each of
    its keys (``default`` for the part itself)."""

    sheet: str
    row: int | None
    columns: dict[str, str]
    default: str


@dataclass
class Entry:
    """A part of the definition being built, with where it came from and its located parts."""

    data: Any
    loc: Loc
    children: list[Entry] = field(default_factory=list)
    children_key: str = ""
    parts: dict[str, Loc] = field(default_factory=dict)


class SurveyWalk:
    """Reads the survey sheet once, top to bottom; problems go to the workbook."""

    def __init__(
        self, book: Workbook, languages: list[str], lists: dict[str, Rows], scale_lists: set[str]
    ) -> None:
        self.book, self.languages, self.lists = book, languages, lists
        self.scale_lists = scale_lists
        self.sheet: Sheet = book.survey
        self.profile: list[Entry] = []
        self.proposals: list[Entry] = []
        self.closing: list[Entry] = []
        self.description: Entry | None = None
        self.consent: Entry | None = None
        self.groups: list[Entry] | None = None
        self.scales = [self._scale(name) for name in lists if name in scale_lists]
        if GROUPS_LIST in lists:
            self.groups = self._options(GROUPS_LIST)
        self._group_name: str | None = None
        self._scope: dict[str, tuple[str, str]] = {}
        self._proposal: Entry | None = None
        self._after: list[tuple[int, Entry]] = []  # questions after a group ended
        self._nested = 0  # depth of refused groups inside a group

    # -- the walk -------------------------------------------------------------------------------

    def run(self) -> None:
        from pyxform.xls2json import RE_BEGIN_CONTROL, RE_END_CONTROL

        skip = 0  # depth inside a refused repeat
        for rownum, row in self.sheet.rows:
            kind = " ".join((row.get(self._header("type")) or "").split())
            if not row:
                continue
            begin, end = RE_BEGIN_CONTROL.match(kind), RE_END_CONTROL.match(kind)
            if skip:
                skip += 1 if begin else -1 if end else 0
                continue
            if not kind:
                self._problem(rownum, "type", "a row with content needs a type")
            elif begin and begin["type"] == "group":
                self._begin(rownum, row)
            elif begin:
                self._problem(
                    rownum,
                    "type",
                    f"'{kind}': repeats cannot be expressed; a consult "
                    "survey asks each question once",
                )
                skip = 1
            elif end and end["type"] == "group":
                self._end(rownum)
            elif end:
                self._problem(rownum, "type", f"'{kind}' without its begin")
            else:
                self._row(rownum, row, kind)
        if self._proposal is not None:
            self._problem(self._proposal.loc.row, "type", "this group has no end_group")
            self._close()
        self.closing = [entry for _, entry in self._after]

    def _begin(self, rownum: int, row: dict[str, str]) -> None:
        if self._proposal is not None:
            self._problem(rownum, "type", "a group inside a group: proposals cannot be nested")
            self._nested += 1
            return
        for n, _ in self._after:
            self._problem(
                n,
                "type",
                "a question between two groups has no place in a consult "
                "survey: move it into a group, before the first or after the last",
            )
        self._after = []
        self._unknown_columns(rownum, row)
        name = row.get(self._header("name")) or ""
        data: dict[str, Any] = {"id": name, "title": self._text(rownum, row, "label")}
        if data["title"] is None:
            del data["title"]
        if row.get(self._header("bind", "relevant")):
            self._problem(
                rownum,
                "relevant",
                "a condition on a whole group cannot be expressed; put it on its questions",
            )
        self._no_bind(rownum, row, "group", allow=("relevant",))
        loc = Loc("survey", rownum, {"id": "name", "title": "label", "questions": "type"}, "name")
        self._proposal = Entry(data, loc, children_key="questions")
        self._scope = {}

    def _end(self, rownum: int) -> None:
        if self._nested:
            self._nested -= 1
        elif self._proposal is None:
            self._problem(rownum, "type", "end_group without its begin_group")
        else:
            self._close()

    def _close(self) -> None:
        proposal = self._proposal
        assert proposal is not None
        if "statement" not in proposal.data:
            self._problem(
                proposal.loc.row,
                "type",
                "a group (a proposal) needs a note as its first row: the proposal's statement",
            )
        if not proposal.children:
            self._problem(
                proposal.loc.row,
                "type",
                "a group (a proposal) needs its questions, at least a select_one on an "
                "agreement scale",
            )
        proposal.data["questions"] = [q.data for q in proposal.children]
        self.proposals.append(proposal)
        self._proposal = None
        self._scope = {}

    def _row(self, rownum: int, row: dict[str, str], kind: str) -> None:
        from pyxform.aliases import select, select_from_file
        from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
        from pyxform.xls2json import RE_SELECT

        self._unknown_columns(rownum, row)
        select_match = RE_SELECT.match(kind)
        command = kind.split()[0] if kind.split() else kind
        if kind in NOTE_TYPES:
            return self._note(rownum, row)
        if kind in ACKNOWLEDGE_TYPES:
            return self._acknowledge(rownum, row)
        if select_match and (select_match["select_command"] in select_from_file):
            return self._problem(
                rownum,
                "type",
                f"'{kind}' takes its choices from a file, which "
                "consult cannot; list them on the choices sheet",
            )
        if select_match and select.get(select_match["select_command"]) == "select one external":
            return self._problem(
                rownum,
                "type",
                f"'{kind}' takes its choices from the external_choices sheet, which consult "
                "cannot; list them on the choices sheet",
            )
        if select_match and select_match["specify_other"]:
            return self._problem(
                rownum,
                "type",
                f"'{select_match['specify_other']}' cannot be "
                "expressed: add an 'other' choice and a text question",
            )
        fields: dict[str, Any] | None
        if select_match:
            fields = self._select(
                rownum, select[select_match["select_command"]], select_match["list_name"], row
            )
            if fields is None:
                return None
        elif kind in INTEGER_TYPES | DECIMAL_TYPES:
            fields = {"type": "number"} | ({"integer": True} if kind in INTEGER_TYPES else {})
        elif kind in TEXT_TYPES:
            fields = {"type": "text"}
        elif kind in QUESTION_TYPE_DICT or command in QUESTION_TYPE_DICT:
            return self._problem(rownum, "type", f"'{kind}': {why_not(kind)}")
        else:
            return self._problem(rownum, "type", f"unknown question type '{kind}'")
        return self._question(rownum, row, fields)

    # -- the parts ------------------------------------------------------------------------------

    def _note(self, rownum: int, row: dict[str, str]) -> None:
        text = self._text(rownum, row, "label")
        loc = Loc("survey", rownum, {}, "label")
        if self._proposal is not None and "statement" not in self._proposal.data:
            self._proposal.data["statement"] = text
            self._proposal.parts["statement"] = loc
        elif (
            self._proposal is None
            and not self.proposals
            and self.description is None
            and not self.profile
            and self.consent is None
        ):
            self.description = Entry(text, loc)
        else:
            self._problem(
                rownum,
                "type",
                "a note has no place here: only a note on the first "
                "row (the survey's description) and each group's first note (its "
                "statement) can be expressed",
            )
        self._no_bind(rownum, row, "note")

    def _acknowledge(self, rownum: int, row: dict[str, str]) -> None:
        if self._proposal is None and not self.proposals and self.consent is None:
            self.consent = Entry(
                self._text(rownum, row, "label"), Loc("survey", rownum, {}, "label")
            )
        else:
            self._problem(
                rownum,
                "type",
                "only one acknowledge, before the first group, can be "
                "expressed: the consent participants give first",
            )
        self._no_bind(rownum, row, "acknowledge", allow=("required",))

    def _select(
        self, rownum: int, command: str, list_name: str, row: dict[str, str]
    ) -> dict[str, Any] | None:
        name = row.get(self._header("name")) or ""
        if list_name == GROUPS_LIST:
            if command != "select one" or self._proposal is not None or self.proposals:
                self._problem(
                    rownum,
                    "type",
                    f"the {GROUPS_LIST} list (the stakeholder groups) "
                    "may only be a select_one before the first group",
                )
            else:
                self._group_name = name
                self._no_bind(rownum, row, "group question", allow=("required",))
            return None
        if list_name == PROPOSALS_LIST and command == "rank":
            return {"type": "ranking", "options": "proposals"}
        if list_name not in self.lists:
            self._problem(rownum, "type", f"no list '{list_name}' on the choices sheet")
            return None
        if list_name in self.scale_lists:
            if command != "select one":
                self._problem(
                    rownum,
                    "type",
                    f"'{list_name}' is an agreement scale: only a select_one can use it",
                )
                return None
            return {"type": "scale", "scale": list_name}
        qtype = {"select one": "single_choice", "rank": "ranking"}.get(command, "multiple_choice")
        options = self._options(list_name)
        return {"type": qtype, "options": [o.data for o in options], "_options": options}

    def _question(self, rownum: int, row: dict[str, str], fields: dict[str, Any]) -> None:
        name = row.get(self._header("name")) or ""
        qid = name
        if self._proposal is not None and name.startswith(f"{self._proposal.data['id']}."):
            qid = name[len(self._proposal.data["id"]) + 1 :]  # exported as proposal.question
        options = fields.pop("_options", [])
        data: dict[str, Any] = {"id": qid, **fields}
        qtype = fields["type"]
        required = (row.get(self._header("bind", "required")) or "").strip()
        value = {"yes": True, "true": True, "true()": True, "1": True, "": False}.get(
            required.lower(),
            {"no": False, "false": False, "false()": False, "0": False}.get(required.lower()),
        )
        if value is None:
            self._problem(rownum, "required", f"'{required}': only yes or no can be expressed")
        elif value != (qtype != "text"):  # consult's default: required, except text
            data["required"] = value
        constraint = _expression(row.get(self._header("bind", "constraint")))
        if constraint:
            try:
                data |= constraint_to_bounds(constraint, qtype)
            except ExpressionError as exc:
                self._problem(rownum, "constraint", str(exc))
        relevant = _expression(row.get(self._header("bind", "relevant")))
        if relevant:
            try:
                data["when"] = relevant_to_when(relevant, self._resolve)
            except ExpressionError as exc:
                self._problem(rownum, "relevant", str(exc))
        texts = {"text": self._text(rownum, row, "label"), "help": self._text(rownum, row, "hint")}
        head = {"id": qid, "type": qtype} | {k: v for k, v in texts.items() if v is not None}
        data = head | data  # in the order a survey file is written: id, type, text, help, ...
        entry = Entry(data, Loc("survey", rownum, QUESTION_COLUMNS, "name"), options, "options")
        self._scope[name] = (qid, qtype)
        if self._proposal is not None:
            self._proposal.children.append(entry)
        elif self.proposals:
            self._after.append((rownum, entry))
        else:
            self.profile.append(entry)

    def _resolve(self, name: str) -> tuple[str, str] | None:
        if name == self._group_name:
            return (GROUP_SUBJECT, "group")
        return self._scope.get(name)

    def _options(self, list_name: str) -> list[Entry]:
        name_header = self._choice_header("name")
        out = []
        for rownum, row in self.lists[list_name]:
            label = self._text(rownum, row, "label", self.book.choices)
            data = {"id": row.get(name_header or "") or "", "label": label}
            out.append(
                Entry(data, Loc("choices", rownum, {"id": "name", "label": "label"}, "name"))
            )
        return out

    def _scale(self, list_name: str) -> Entry:
        rows = self.lists[list_name]
        side_header = self._choice_header(SIDE_COLUMN)
        name_header = self._choice_header("name") or ""
        sides = [(row.get(side_header) or "").strip() if side_header else "" for _, row in rows]
        if not any(sides):  # named in consult_scales: sides by position
            whole = [i for i, (_, row) in enumerate(rows) if _whole(row.get(name_header))]
            half = len(whole) // 2
            sides = ["abstain"] * len(rows)
            for k, i in enumerate(whole):
                sides[i] = (
                    "opposition" if k < half else "support" if k >= len(whole) - half else "neutral"
                )
        data: dict[str, Any] = {"id": list_name, "points": []}
        data |= {"support": [], "opposition": []}
        entry = Entry(
            data,
            Loc("choices", rows[0][0], {"id": "list_name"}, SIDE_COLUMN),
            children_key="points",
        )
        for (rownum, row), side in zip(rows, sides, strict=True):
            label = self._text(rownum, row, "label", self.book.choices)
            name = (row.get(name_header) or "").strip()
            if side == "abstain":
                if "abstain" in data:
                    self._problem(rownum, SIDE_COLUMN, "a scale has one abstain choice", "choices")
                data["abstain"] = label
                continue
            if not side:
                self._problem(
                    rownum,
                    SIDE_COLUMN,
                    "empty; one of support, opposition, neutral, abstain",
                    "choices",
                )
            if not _whole(name):
                self._problem(
                    rownum,
                    "name",
                    f"'{name}': a scale point's name must be a whole number",
                    "choices",
                )
                continue
            data["points"].append({"value": int(name), "label": label})
            entry.children.append(
                Entry(
                    data["points"][-1],
                    Loc("choices", rownum, {"value": "name", "label": "label"}, "name"),
                )
            )
            if side in ("support", "opposition"):
                data[side].append(int(name))
        return entry

    # -- cells ----------------------------------------------------------------------------------

    def _header(self, *tokens: str) -> str:
        column = self.sheet.column(*tokens)
        return column.header if column else "\0"

    def _choice_header(self, name: str) -> str | None:
        column = self.book.choices.column(name)
        return column.header if column else None

    def _text(self, rownum: int, row: dict[str, str], base: str, sheet: Sheet | None = None) -> Any:
        sheet = sheet or self.sheet
        plain_column = sheet.column(base)
        plain = (row.get(plain_column.header) or "").strip() if plain_column else ""
        texts = {
            c.lang: v.strip()
            for c in sheet.translated(base)
            if (v := row.get(c.header)) and v.strip()
        }
        if not texts:
            return plain or None
        for lang in self.languages:
            if lang not in texts:
                if plain:
                    texts[lang] = plain
                else:
                    column = next(
                        (c.header for c in sheet.translated(base) if c.lang == lang),
                        f"{base}::{lang}",
                    )
                    self._problem(rownum, column, TEXT_MISSING, sheet.name)
        return {lang: texts[lang] for lang in self.languages if lang in texts}

    def _unknown_columns(self, rownum: int, row: dict[str, str]) -> None:
        for column in self.sheet.columns:
            if column.tokens in KNOWN or self.sheet.is_text(column):
                continue
            if row.get(column.header):
                self._problem(
                    rownum,
                    column.header,
                    f"consult has no equivalent of '{column.header}'; clear the column to import",
                )

    def _no_bind(
        self, rownum: int, row: dict[str, str], what: str, allow: tuple[str, ...] = ()
    ) -> None:
        for column in ("relevant", "required", "constraint"):
            if column not in allow and row.get(self._header("bind", column)):
                self._problem(rownum, column, f"a {what} cannot have a {column} in consult")
        if row.get(self._header("hint")) or any(
            row.get(c.header) for c in self.sheet.translated("hint")
        ):
            self._problem(rownum, "hint", f"a {what} cannot have a hint in consult")

    def _problem(
        self, rownum: int | None, column: str, message: str, sheet: str = "survey"
    ) -> None:
        self.book.problem(sheet, rownum, column, message)


def _expression(text: str | None) -> str | None:
    """An expression as pyxform reads it: curly quotes (as Excel types them) made straight."""
    from pyxform.parsing.sheet_headers import clean_text_values

    return clean_text_values(text) if text else text


def _whole(name: str | None) -> bool:
    return bool(name) and str(name).strip().lstrip("-").isdigit()
