"""Answers as a wide table: one row per response, a column per question
(``consult export --what answers --format wide``), which ``consult import`` reads back.

Cells hold what a person would type (``4 Support``, option labels, several separated by ``;``),
in the export's language; the import reads labels in any of the survey's languages, and values.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from consult.safe_text import neutralise_formula, strip_control
from consult.store import ResponseFilter, Store
from consult.store.plans import plan_of, round_survey
from consult.survey.model import Survey

META_COLUMNS = ("pseudonym", "group", "round", "status")


def wide_rows(
    store: Store, survey: Survey, flt: ResponseFilter, lang: str | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and the rows of the wide table of the round ``flt`` names (default: the
    current round), asked as that round asked it."""
    lang = lang or survey.languages[0]
    rnd = flt.round or store.current_round(survey.id)
    asked = round_survey(survey, plan_of(store, survey, rnd))
    keys = [q.key for q in asked.questions()]
    header = [*META_COLUMNS, *keys]
    position = {k: i for i, k in enumerate(header)}
    flt = ResponseFilter(
        round=rnd,
        groups=flt.groups,
        since=flt.since,
        until=flt.until,
        include_in_progress=flt.include_in_progress,
        include_simulated=flt.include_simulated,
    )

    def rows() -> Iterator[list[Any]]:
        current: list[Any] | None = None
        who: tuple[str, int] | None = None
        for pseudonym, group, round_, status, _sim, question, value, *_ in store.export_answers(
            survey.id, flt, keys
        ):
            if (pseudonym, round_) != who:
                if current is not None:
                    yield current
                who = (pseudonym, round_)
                current = [pseudonym, group, round_, status, *[""] * len(keys)]
            i = position.get(question)
            if i is None or current is None:
                continue
            q = asked.question(question)
            current[i] = q.kind.cell_text(q, json.loads(value), lang, asked)
        if current is not None:
            yield current

    return header, rows()


def write_wide_csv(header: list[str], rows: Iterator[list[Any]], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    n = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        n += 1
    return n


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise_formula(strip_control(value))
    return value
