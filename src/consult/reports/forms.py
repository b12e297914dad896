"""Spreadsheet forms (``consult forms``): one ``.xlsx`` per invited participant, to fill in Excel
or LibreOffice, or print (A4, one page wide) and fill on paper.

The ``Form`` sheet reads top to bottom: the title, whose form it is, instructions, then every
question of the round in order, each with its answer cell (yellow; scale answers and single
choices as an in-cell list of labels), optional ones marked, follow-ups with their condition in
words, and in a Delphi round 2 or later the panel's figures of the round before and the
participant's own earlier answer. The question keys sit in a hidden column beside the answers,
so that inserted rows do not lose them; the sheet is protected against casual edits (no
password), answer cells excepted.

A very hidden sheet ``consult`` carries the survey id, version hash, round, the participant's
pseudonym and a token binding them (an HMAC with the database's form key,
``consult.store.codes.form_token``): a form cannot be re-addressed to someone else or replayed
into another survey version or round. Names and access codes are never in a form.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from consult.i18n import Labels
from consult.i18n.delphi import LABELS as DELPHI_LABELS
from consult.i18n.forms import LABELS
from consult.imports.form_file import (
    ANSWER_COLUMN,
    FORM_FORMAT,
    FORM_SHEET,
    GROUP_KEY,
    KEY_COLUMN,
    LISTS_SHEET,
    META_SHEET,
)
from consult.results.rounds import round_results
from consult.safe_text import strip_control
from consult.store import Participant, Store
from consult.store.codes import form_token
from consult.store.plans import RoundPlan, plan_of, round_survey
from consult.survey.model import Question, Survey

WIDTHS = {"A": 6, "B": 58, "C": 30, "D": 34, "E": 4}


def write_forms(
    store: Store,
    survey: Survey,
    folder: Path,
    *,
    lang: str | None = None,
    blank: int = 0,
    overwrite: bool = False,
) -> list[Path]:
    """One form per participant invited to the current round (and ``blank`` blank forms in
    open enrolment) in ``folder``; returns the files written."""
    from consult.results.participation import round_rows

    plan = plan_of(store, survey)
    if not plan.is_open:
        from consult.errors import InputError

        raise InputError(f"round {plan.number} is closed; no forms can be written for it")
    asked = round_survey(survey, plan)
    folder.mkdir(parents=True, exist_ok=True)
    key = store.form_key()
    invited = {r["pseudonym"] for r in round_rows(store, survey, plan.number)}
    people = [
        p for p in store.participants(survey.id, include_simulated=False) if p.pseudonym in invited
    ]
    previous = _previous(store, survey, plan)
    written = []
    for person in people:
        path = folder / f"form-{person.pseudonym}.xlsx"
        earlier = _earlier_answers(store, person, plan)
        language = lang or person.language or survey.languages[0]
        token = form_token(key, survey.hash, plan.number, person.uuid or "", person.pseudonym)
        meta = {
            "pseudonym": person.pseudonym,
            "token": token,
            "language": language,
            "group": person.group_id,
        }
        _save(asked, plan, meta, language, previous, earlier, path, overwrite, survey)
        written.append(path)
    for _ in range(blank):
        instance = str(uuid.uuid4())
        path = folder / f"form-blank-{instance[:8]}.xlsx"
        language = lang or survey.languages[0]
        token = form_token(key, survey.hash, plan.number, "blank", instance)
        meta = {"instance": instance, "token": token, "language": language}
        _save(asked, plan, meta, language, previous, {}, path, overwrite, survey)
        written.append(path)
    return written


def _previous(store: Store, survey: Survey, plan: RoundPlan) -> dict[str, dict[str, Any]]:
    """Proposal id -> its figures in the round before (empty in round 1)."""
    if plan.previous is None:
        return {}
    snap = round_results(store, survey, plan.previous, plan.include_simulated)
    return {p["id"]: p for p in snap["results"]["proposals"]}


def _earlier_answers(store: Store, person: Participant, plan: RoundPlan) -> dict[str, Any]:
    if plan.previous is None:
        return {}
    response = store.response(person.id, plan.previous)
    return store.answers(response.id) if response else {}


def _save(
    survey: Survey,
    plan: RoundPlan,
    meta: dict[str, str],
    lang: str,
    previous: dict[str, dict[str, Any]],
    earlier: dict[str, Any],
    path: Path,
    overwrite: bool,
    full: Survey,
) -> None:
    from openpyxl import Workbook

    from consult.reports.output_file import replacing

    wb = Workbook()
    ws = wb.active
    ws.title = FORM_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    hidden = wb.create_sheet(META_SHEET)
    hidden.sheet_state = "veryHidden"
    info = {
        "format": FORM_FORMAT,
        "survey_id": survey.id,
        "version": survey.version,
        "survey_hash": survey.hash,
        "round": plan.number,
        **meta,
    }
    for i, (k, v) in enumerate(((k, v) for k, v in info.items() if k != "group"), 1):
        hidden.cell(row=i, column=1, value=k)
        hidden.cell(row=i, column=2, value=str(v)).data_type = "s"
    _Sheet(ws, lists, survey, plan, lang, previous, earlier, full).fill(meta)
    with replacing(path, overwrite=overwrite) as tmp:
        wb.save(tmp)


class _Sheet:
    """The Form sheet being written, row by row."""

    def __init__(
        self,
        ws: Any,
        lists: Any,
        survey: Survey,
        plan: RoundPlan,
        lang: str,
        previous: dict[str, dict[str, Any]],
        earlier: dict[str, Any],
        full: Survey,
    ) -> None:
        self.full = full  # the whole survey: settled proposals are named from it
        self.ws, self.lists, self.survey, self.plan, self.lang = ws, lists, survey, plan, lang
        self.words = Labels(LABELS, lang)
        self.previous, self.earlier = previous, earlier
        self.row = 0
        self.list_columns = 0
        self.numbers: dict[str, str] = {}

    def fill(self, meta: dict[str, str]) -> None:
        from openpyxl.styles import Font
        from openpyxl.worksheet.properties import PageSetupProperties

        ws, words = self.ws, self.words
        for column, width in WIDTHS.items():
            ws.column_dimensions[column].width = width
        ws.column_dimensions[KEY_COLUMN].hidden = True
        self.text(self.survey.title.get(self.lang), font=Font(bold=True, size=14))
        if "pseudonym" in meta:
            self.text(words("form_for", pseudonym=meta["pseudonym"], round=self.plan.number))
        else:
            self.text(words("blank_form", round=self.plan.number))
        self.text(words("instructions"), height=75)
        if self.plan.include_simulated:  # the round was opened with --include-simulated
            self.text(Labels(DELPHI_LABELS, self.lang)("rehearsal"))
        if self.plan.settled:
            verdicts = Labels(DELPHI_LABELS, self.lang)
            items = "; ".join(
                f"{self.full.proposal(pid).title.get(self.lang)} "
                f"({verdicts('verdict_' + s['verdict'])}, {s['round']})"
                for pid, s in self.plan.settled.items()
            )
            self.text(words("settled", items=items), height=45)
        if "instance" in meta:
            self.row += 1
            self.put(self.row, "B", words("group"), bold=True)
            groups = [g.label.get(self.lang) for g in self.survey.groups]
            self.answer_cell(self.row, GROUP_KEY, groups)
            self.put(self.row, "D", words("pick_list"))
        group = meta.get("group")
        for section, questions in self.sections():
            self.row += 1
            self.text(section, font=Font(bold=True, size=12))
            for q in questions:
                # A participant's own form leaves out what is only for other groups.
                if group and q.when is not None and q.when.on_group and not q.when.holds(group):
                    continue
                self.question(q)
        ws.protection.sheet = True
        ws.protection.formatCells = False
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_area = f"A1:D{self.row}"

    def sections(self) -> Iterator[tuple[str, list[Question]]]:
        words, survey = self.words, self.survey
        if survey.profile:
            yield words("about_you"), list(survey.profile)
        n = len(survey.proposals)
        for i, p in enumerate(survey.proposals, 1):
            title = f"{words('proposal_n', i=i, n=n)}: {p.title.get(self.lang)}"
            yield f"{title}\n{p.statement.get(self.lang)}", list(p.questions)
        if survey.closing:
            yield words("closing"), list(survey.closing)

    def question(self, q: Question) -> None:
        words, lang = self.words, self.lang
        self.row += 1
        number = self.number(q)
        if q.kind.measures_support and q.proposal in self.previous:
            self.feedback(q)
        text = q.text.get(lang)
        if not q.required:
            text += f" {words('optional')}"
        if q.when is not None:
            text += "\n" + self.condition(q)
        self.put(self.row, "A", number)
        self.put(self.row, "B", text)
        self.put(self.row, "D", self.hint(q))
        choices = self.choices(q)
        self.answer_cell(self.row, q.key, choices)
        lines = max(2, len(text) // 55 + text.count("\n") + 1)
        self.ws.row_dimensions[self.row].height = 15 * lines

    def number(self, q: Question) -> str:
        if q.proposal:
            i = [p.id for p in self.survey.proposals].index(q.proposal) + 1
            j = [x.key for x in self.survey.proposal(q.proposal).questions].index(q.key)
            label = f"{i}{chr(ord('a') + j)}"
        else:
            label = str(len([k for k in self.numbers if "." not in k]) + 1)
        self.numbers[q.key] = label
        return label

    def feedback(self, q: Question) -> None:
        """The panel's figures of the round before, and the participant's own answer."""
        words = self.words
        figures = self.previous[q.proposal or ""]
        panel = figures["panel"]
        lines = []
        if panel["median"] is not None:
            lines.append(
                words(
                    "panel_round",
                    round=self.plan.previous,
                    median=_num(panel["median"]),
                    q1=_num(panel["q1"]),
                    q3=_num(panel["q3"]),
                    n=panel["n_valid"],
                )
            )
        if panel.get("distribution"):
            scale = self.survey.scale(q.scale or "")
            points = " · ".join(
                f"{scale.label(int(point), self.lang)} {count}"
                for point, count in panel["distribution"]
            )
            if panel.get("n_abstained"):
                points += f" · {scale.abstain.get(self.lang) if scale.abstain else 'abstain'} "
                points += str(panel["n_abstained"])
            lines.append(words("panel_distribution", round=self.plan.previous, points=points))
        groups = [
            f"{self.survey.group(g).label.get(self.lang)} {round(s['support'] * 100)}%"
            for g, s in figures["groups"].items()
            if s.get("support") is not None and g in self.survey.group_ids
        ]
        if groups:
            lines.append(words("panel_groups", groups=", ".join(groups)))
        if q.key in self.earlier:
            answer = q.kind.format(q, self.earlier[q.key], self.lang, self.survey)
            lines.append(words("your_earlier", round=self.plan.previous, answer=answer))
        self.put(self.row, "B", "\n".join(lines), italic=True)
        self.ws.row_dimensions[self.row].height = 15 * (len(lines) + 2)
        self.row += 1

    def condition(self, q: Question) -> str:
        assert q.when is not None
        when, words = q.when, self.words
        values = when.value if isinstance(when.value, tuple) else (when.value,)
        if when.on_group:
            shown = [self.survey.group(str(v)).label.get(self.lang) for v in values]
            return words("only_if_group", values=words("or").join(shown))
        earlier = self.survey.question(when.question)
        if earlier.scale is not None:  # "<= 2" reads as the points it admits
            values = tuple(
                p.value for p in self.survey.scale(earlier.scale).points if when.holds(p.value)
            )
        shown = [str(earlier.kind.cell_text(earlier, v, self.lang, self.survey)) for v in values]
        if when.op not in ("==", "in", "contains") and earlier.scale is None:
            shown = [f"{when.op} {v}" for v in values]
        ref = self.numbers.get(when.question, when.question)
        return words("only_if", ref=ref, values=words("or").join(shown))

    def hint(self, q: Question) -> str:
        words, lang = self.words, self.lang
        options = ", ".join(o.label.get(lang) for o in q.options)
        if q.kind.picks_one:
            return words("pick_list")
        if q.kind.has_options and not q.kind.ranks_options:
            return words("pick_several", options=options)
        if q.kind.ranks_options:
            return words("rank_all", options=options)
        if q.kind.summary == "number":
            if q.min is not None and q.max is not None:
                return words("number_range", lo=_num(q.min), hi=_num(q.max))
            if q.min is not None:
                return words("number_min", lo=_num(q.min))
            if q.max is not None:
                return words("number_max", hi=_num(q.max))
            return words("number")
        return words("text")

    def choices(self, q: Question) -> list[str]:
        """The labels of the cell's list, or [] for a typed answer."""
        if not q.kind.picks_one:
            return []
        if q.scale is not None:
            scale = self.survey.scale(q.scale)
            out = [str(q.kind.cell_text(q, p.value, self.lang, self.survey)) for p in scale.points]
            if scale.abstain is not None:
                out.append(scale.abstain.get(self.lang))
            return out
        return [o.label.get(self.lang) for o in q.options]

    def answer_cell(self, row: int, key: str, choices: list[str]) -> None:
        from openpyxl.styles import Alignment, PatternFill, Protection
        from openpyxl.worksheet.datavalidation import DataValidation

        target = self.ws[f"{ANSWER_COLUMN}{row}"]
        target.fill = PatternFill("solid", fgColor="FFF2CC")
        target.protection = Protection(locked=False)
        target.alignment = Alignment(wrap_text=True, vertical="top")
        self.ws[f"{KEY_COLUMN}{row}"] = key
        self.ws[f"{KEY_COLUMN}{row}"].data_type = "s"
        if not choices:
            return
        from openpyxl.utils import get_column_letter

        self.list_columns += 1
        column = get_column_letter(self.list_columns)
        for i, label in enumerate(choices, 1):
            self.lists.cell(row=i, column=self.list_columns, value=_safe(label)).data_type = "s"
        dv = DataValidation(
            type="list",
            formula1=f"{LISTS_SHEET}!${column}$1:${column}${len(choices)}",
            allow_blank=True,
            showErrorMessage=False,  # a typed label (in another language) is read too
        )
        self.ws.add_data_validation(dv)
        dv.add(target.coordinate)

    def text(self, value: str, *, font: Any = None, height: float | None = None) -> None:
        from openpyxl.styles import Alignment

        self.row += 1
        self.ws.merge_cells(f"A{self.row}:D{self.row}")
        c = self.ws[f"A{self.row}"]
        c.value = _safe(value)
        c.data_type = "s"
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            c.font = font
        lines = value.count("\n") + 1 + len(value) // 110
        self.ws.row_dimensions[self.row].height = height or max(18, 16 * lines)

    def put(
        self, row: int, column: str, value: str, *, bold: bool = False, italic: bool = False
    ) -> None:
        from openpyxl.styles import Alignment, Font

        c = self.ws[f"{column}{row}"]
        c.value = _safe(value)
        c.data_type = "s"
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if bold or italic:
            c.font = Font(bold=bold, italic=italic)


def _safe(text: str) -> str:
    """Survey text as literal cell text (written with data type "s": never a formula)."""
    return strip_control(str(text))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
