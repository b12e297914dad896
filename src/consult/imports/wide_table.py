"""Reading a wide table of answers (CSV or XLSX): a row per participant, a ``pseudonym`` column
and a column per question key, as ``consult export --what answers --format wide`` writes it.
A ``group`` or ``round`` column is checked against the participant and the current round; a
``status`` column is informative (an imported response is submitted)."""

from __future__ import annotations

from pathlib import Path

from consult.imports.answers import Submission
from consult.imports.odk_export import is_platform_export, read_platform_export
from consult.imports.tabular import column_keys, column_letter, read_rows, records
from consult.safe_text import FORMULA_PREFIXES
from consult.survey.model import Survey

META = ("pseudonym", "group", "round", "status")


def read_table(path: Path, shown: str, survey: Survey) -> list[Submission]:
    """One submission per data row of the table at ``path`` (an ODK Central or KoboToolbox
    export is read as such)."""
    rows = read_rows(path)
    if not rows:
        return []
    line, header = rows[0]
    if is_platform_export([str(c or "").strip() for c in header]):
        return read_platform_export(rows, shown, survey)
    # Question keys keep their case and dots: only the meta columns are normalised.
    columns = [
        key if key in META else str(raw or "").strip()
        for key, raw in zip(column_keys(header), header, strict=True)
    ]
    out: list[Submission] = []
    if "pseudonym" not in columns:
        sub = Submission(source=shown, where=f"{shown}: row {line}", channel="table")
        sub.problems.append(f"{shown}: row {line}: no 'pseudonym' column in the header")
        return [sub]
    twice = next((c for i, c in enumerate(columns) if c and c in columns[:i]), None)
    if twice:
        sub = Submission(source=shown, where=f"{shown}: row {line}", channel="table")
        sub.problems.append(f"{shown}: row {line}: column {twice!r} appears twice in the header")
        return [sub]
    letters = {c: column_letter(i) for i, c in enumerate(columns, 1)}
    for record in records(rows[1:], columns):
        values = record.values
        sub = Submission(
            source=shown,
            where=f"{shown}: row {record.line}",
            channel="table",
            pseudonym=(values.get("pseudonym") or "").strip() or None,
            round=_int(values.get("round")),
            group=(values.get("group") or "").strip() or None,
        )
        sub.problems.extend(f"{shown}: {p}" for p in record.problems)
        if values.get("round") and sub.round is None:
            sub.problems.append(f"{sub.where}: round {values['round']!r} is not a number")
        for column, raw in values.items():
            if column in META or not column:
                continue
            sub.cells[column] = (_unquote(raw), f"{shown}: cell {letters[column]}{record.line}")
        out.append(sub)
    return out


def _unquote(raw: str | None) -> str | None:
    """A cell our CSV export quoted so that a spreadsheet would not run it, as it was."""
    if raw and raw.startswith("'") and raw[1:].startswith(FORMULA_PREFIXES):
        return raw[1:]
    return raw


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None
