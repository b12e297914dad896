"""Reading a filled spreadsheet form (written by ``consult forms``), as Excel or LibreOffice
saved it: the hidden ``consult`` sheet says whose form it is, for which survey version and
round, with the token that binds them; the ``Form`` sheet holds each answer beside its
question key (a hidden column, so that inserted rows lose nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consult.errors import InputError
from consult.imports.answers import Submission
from consult.imports.tabular import check_inflation

#: Version of the layout written and read.
FORM_FORMAT = 1
META_SHEET = "consult"
FORM_SHEET = "Form"
LISTS_SHEET = "lists"
#: Columns of the Form sheet: A number, B question, C answer, D hint, E the hidden key.
ANSWER_COLUMN = "C"
KEY_COLUMN = "E"
#: The cell key of a blank form's stakeholder group.
GROUP_KEY = "group"


def read_form(path: Path, shown: str) -> Submission | None:
    """The submission a filled form holds, or None for a workbook that is no consult form (a
    table of answers); ``shown`` names the file in messages."""
    from openpyxl import load_workbook

    check_inflation(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file: one line, no traceback
        raise InputError(f"{shown}: not a readable .xlsx file ({type(exc).__name__})") from None
    try:
        if META_SHEET not in wb.sheetnames:
            return None
        if FORM_SHEET not in wb.sheetnames:
            raise InputError(f"{shown}: a consult form without its {FORM_SHEET!r} sheet")
        meta = {
            str(row[0]): row[1]
            for row in wb[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)
            if row and row[0] is not None
        }
        sub = Submission(
            source=shown,
            where=shown,
            channel="form",
            pseudonym=_text(meta.get("pseudonym")),
            instance=_text(meta.get("instance")),
            survey_hash=_text(meta.get("survey_hash")),
            round=_int(meta.get("round")),
            token=_text(meta.get("token")),
            language=_text(meta.get("language")),
        )
        if sub.instance:
            sub.external_id = f"form:{sub.instance}"
        if _int(meta.get("format")) != FORM_FORMAT:
            sub.problems.append(f"{shown}: a form of another layout ({meta.get('format')!r})")
        answer = ord(ANSWER_COLUMN) - ord("A")
        key_at = ord(KEY_COLUMN) - ord("A")
        for i, row in enumerate(wb[FORM_SHEET].iter_rows(values_only=True), 1):
            if len(row) <= key_at or not isinstance(row[key_at], str) or not row[key_at]:
                continue
            key, raw = row[key_at], row[answer] if len(row) > answer else None
            where = f"{shown}:{FORM_SHEET}!{ANSWER_COLUMN}{i}"
            if key == GROUP_KEY and sub.instance:
                sub.group = _text(raw)
                sub.cells.pop(GROUP_KEY, None)
                continue
            if key in sub.cells:
                sub.problems.append(f"{where}: {key}: the question appears twice in the form")
            sub.cells[key] = (raw, where)
        return sub
    finally:
        wb.close()


def _text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
