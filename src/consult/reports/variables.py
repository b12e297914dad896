"""The answers as analysts' variables: one row per response, one column per question.

Shared by the SPSS and Stata files, the wide CSV, its Frictionless data package and the
codebook: each question becomes one variable (a multiple choice one 0/1 variable per option, a
ranking one position variable per option), with a name statistics packages accept, its text in
every language, its values and their labels, and why a cell is empty (:class:`Missing`).
Rows carry pseudonyms, never names or access codes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from consult.i18n.variables import LABELS as VARIABLE_LABELS
from consult.store import ResponseFilter, Store
from consult.survey.model import ABSTAIN, Question, Survey, Text


class Missing(StrEnum):
    """Why a cell holds no answer; the value is what a CSV cell says."""

    ABSTAIN = "abstain"  # the participant chose the scale's abstain answer
    SKIPPED = "skipped"  # asked (or could have been) but not answered
    NOT_ASKED = "not asked"  # its condition (``when``) did not hold for this participant


#: Numeric codes of the missing reasons in SPSS (declared user-missing) and Stata (extended
#: missing values .a, .b, .c); CSV writes the words themselves.
SPSS_MISSING = {Missing.ABSTAIN: -7, Missing.SKIPPED: -8, Missing.NOT_ASKED: -9}
STATA_MISSING = {Missing.ABSTAIN: "a", Missing.SKIPPED: "b", Missing.NOT_ASKED: "c"}
MISSING_MEANING = {
    Missing.ABSTAIN: "abstained (the scale's abstain answer)",
    Missing.SKIPPED: "no answer (skipped, or the response stopped before it)",
    Missing.NOT_ASKED: "not asked (its condition did not hold)",
}

#: What a variable holds: how it is typed, labelled and constrained in every format.
KINDS = ("id", "code", "scale", "choice", "flag", "position", "number", "text")
#: Stata allows 32 characters, but pyreadstat names a value-label set after its variable with
#: two more.
NAME_LENGTH = 30


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    label: Text
    #: The question (or "" for the response's own columns) and, for a flag or a position, the
    #: option it is about.
    question: str = ""
    option: str = ""
    #: Stored value -> numeric code, for a variable coded in SPSS and Stata (a group, a choice).
    codes: dict[str, int] = field(default_factory=dict)
    #: Value (as written in CSV) -> label, in every language.
    values: dict[Any, Text] = field(default_factory=dict)
    #: The reasons a cell of it may be empty.
    missing: tuple[Missing, ...] = ()
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None

    @property
    def numeric(self) -> bool:
        return self.kind not in ("id", "text")

    def value_labels(self, lang: str) -> dict[float, str]:
        """Numeric code -> label in ``lang`` (SPSS and Stata value labels)."""
        if self.codes:
            return {float(self.codes[v]): t.get(lang) for v, t in self.values.items()}
        return {float(v): t.get(lang) for v, t in self.values.items()}


def _plain(text: str) -> Text:
    """One of consult's own labels, in every language the tool ships (i18n/variables.py)."""
    return Text(tuple((lang, table[text]) for lang, table in VARIABLE_LABELS.items()))


def _joined(a: Text, b: Text, languages: tuple[str, ...]) -> Text:
    return Text(tuple((lang, f"{a.get(lang)}: {b.get(lang)}") for lang in languages))


def safe_name(base: str, taken: set[str]) -> str:
    """A variable name SPSS, Stata and R accept, unique among ``taken`` (which it joins)."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", base).strip("_") or "v"
    if not re.match(r"[A-Za-z]", name):
        name = "v_" + name
    name = name[:NAME_LENGTH]
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"_{n}"
        candidate = name[: NAME_LENGTH - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def variables(survey: Survey) -> list[Variable]:
    """Every variable of the wide table, in column order: the response's, then the questions'."""
    langs = survey.languages
    taken: set[str] = set()
    out = [
        Variable(safe_name("participant", taken), "id", _plain("Pseudonymous participant id")),
        Variable(
            safe_name("group", taken),
            "code",
            _plain("Stakeholder group"),
            codes={g.id: i for i, g in enumerate(survey.groups, 1)},
            values={g.id: g.label for g in survey.groups},
        ),
        Variable(safe_name("round", taken), "number", _plain("Round"), integer=True, minimum=1),
        Variable(
            safe_name("status", taken),
            "code",
            _plain("Status of the response"),
            codes={"submitted": 1, "in_progress": 2},
            values={"submitted": _plain("submitted"), "in_progress": _plain("in progress")},
        ),
        Variable(
            safe_name("simulated", taken),
            "flag",
            _plain("Simulated response (a rehearsal)"),
            values={0: _plain("no"), 1: _plain("yes")},
        ),
    ]
    for q in survey.questions():
        out.extend(_question_variables(survey, q, taken, langs))
    return out


def _question_variables(
    survey: Survey, q: Question, taken: set[str], langs: tuple[str, ...]
) -> Iterator[Variable]:
    missing = (Missing.SKIPPED, Missing.NOT_ASKED) if q.when else (Missing.SKIPPED,)
    kind = q.kind.summary
    if kind == "scale":
        scale = survey.scale(q.scale or "")
        values: dict[Any, Text] = {p.value: p.label for p in scale.points}
        abstain = (Missing.ABSTAIN,) if scale.abstain else ()
        points = [p.value for p in scale.points]
        yield Variable(
            safe_name(q.key, taken),
            "scale",
            q.text,
            q.key,
            values=values,
            missing=abstain + missing,
            integer=True,
            minimum=min(points),
            maximum=max(points),
        )
    elif q.type == "single_choice":
        yield Variable(
            safe_name(q.key, taken),
            "choice",
            q.text,
            q.key,
            codes={o.id: i for i, o in enumerate(q.options, 1)},
            values={o.id: o.label for o in q.options},
            missing=missing,
        )
    elif kind in ("choices", "ranking"):
        position = kind == "ranking"
        for o in q.options:
            yield Variable(
                safe_name(f"{q.key}_{o.id}", taken),
                "position" if position else "flag",
                _joined(q.text, o.label, langs),
                q.key,
                o.id,
                values={} if position else {0: _plain("not chosen"), 1: _plain("chosen")},
                missing=missing,
                integer=True,
                minimum=1 if position else 0,
                maximum=len(q.options) if position else 1,
            )
    elif kind == "number":
        yield Variable(
            safe_name(q.key, taken),
            "number",
            q.text,
            q.key,
            missing=missing,
            integer=q.integer,
            minimum=q.min,
            maximum=q.max,
        )
    else:
        yield Variable(safe_name(q.key, taken), "text", q.text, q.key, missing=missing)


def wide_rows(
    store: Store, survey: Survey, flt: ResponseFilter, columns: list[Variable] | None = None
) -> Iterator[list[Any]]:
    """One row per admitted response, its cells in the order of ``columns`` (default
    :func:`variables`): stored values (option ids, scale points, numbers, text) or a
    :class:`Missing` reason. Streamed, response by response."""
    columns = columns if columns is not None else variables(survey)
    by_key = {q.key: q for q in survey.questions()}
    current: tuple[Any, ...] | None = None
    answers: dict[str, Any] = {}
    for pseudonym, group, rnd, status, simulated, question, value, *_ in store.export_answers(
        survey.id, flt, list(by_key)
    ):
        if current is not None and (pseudonym, rnd) != (current[0], current[2]):
            yield _row(survey, by_key, columns, current, answers)
            answers = {}
        current = (pseudonym, group, rnd, status, int(bool(simulated)))
        if question in by_key:
            decoded = json.loads(value)
            q = by_key[question]
            if decoded == ABSTAIN or q.kind.fits(q, decoded, survey):
                answers[question] = decoded
    if current is not None:
        yield _row(survey, by_key, columns, current, answers)


def _row(
    survey: Survey,
    by_key: dict[str, Question],
    columns: list[Variable],
    response: tuple[Any, ...],
    answers: dict[str, Any],
) -> list[Any]:
    group = response[1]
    row: list[Any] = list(response)
    for var in columns[len(row) :]:
        q = by_key[var.question]
        value = answers.get(q.key)
        if value is None:
            asked = q.when is None or q.when.applies(answers, group)
            row.append(Missing.SKIPPED if asked else Missing.NOT_ASKED)
        elif value == ABSTAIN:
            row.append(Missing.ABSTAIN)
        elif var.kind == "flag":
            row.append(int(var.option in value))
        elif var.kind == "position":
            row.append(value.index(var.option) + 1 if var.option in value else Missing.SKIPPED)
        else:
            row.append(value)
    return row
