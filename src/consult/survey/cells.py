"""How each question type reads an answer from a spreadsheet cell and writes one to it.

The cells of a filled spreadsheet form and of a wide table of answers
(``consult export --what answers --format wide``) hold what people type or pick: a scale point's
value or its label in any of the survey's languages (or the abstain label), an option's id or
label, several options separated by ``;``, a ranking as options in order separated by ``;``,
a number, or text. Each type's half lives here as a mixin of its :class:`QuestionType`
(``consult.survey.question_types``): ``parse_cell`` turns a cell into the stored value or raises
:class:`CellProblem` with a reason a person can act on; ``cell_text`` writes a stored value so
that ``parse_cell`` reads it back unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from consult.survey.elements import ABSTAIN

# The question and survey arrive from consult.survey.question_types, which mixes these classes
# in: typed loosely here so that this module does not import it back.
Question = Any
Scales = Any

#: Separates options in a multiple-choice or ranking cell.
SEPARATOR = ";"


class CellProblem(ValueError):
    """A cell that is not an answer to its question; the message says why."""


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _as_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    try:
        return float(str(raw).strip().replace(",", "."))
    except ValueError:
        return None


def _option(q: Question, text: str) -> str:
    """The id of the option ``text`` names (its id or its label in any language)."""
    folded = _fold(text)
    for o in q.options:
        if _fold(o.id) == folded or any(_fold(t) == folded for _, t in o.label.translations):
            return o.id
    shown = ", ".join(o.label.get("en") for o in q.options[:6])
    raise CellProblem(f"{text.strip()!r} is not one of the options ({shown})")


def _is_int(text: str) -> bool:
    """Whether ``text`` is a whole number as ``int()`` reads it (not "²", which isdigit takes)."""
    try:
        int(text)
    except ValueError:
        return False
    return True


def _items(raw: Any) -> list[str]:
    return [part.strip() for part in str(raw).split(SEPARATOR) if part.strip()]


class ScaleCells:
    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        """A scale point's value or label (any language), or the abstain label; None if blank."""
        if _is_blank(raw):
            return None
        scale = survey.scale(q.scale or "")
        number = _as_number(raw)
        values = [p.value for p in scale.points]
        if number is not None:
            if number.is_integer() and int(number) in values:
                return int(number)
            raise CellProblem(f"{raw!r} is not a point of the scale ({values[0]}..{values[-1]})")
        text = str(raw).strip()
        folded = _fold(text)
        # "4 Support", as the form's dropdown and the answers export write it
        head, _, rest = text.partition(" ")
        if _is_int(head) and int(head) in values and rest:
            point = next(p for p in scale.points if p.value == int(head))
            if any(_fold(t) == _fold(rest) for _, t in point.label.translations):
                return point.value
        for p in scale.points:
            if any(_fold(t) == folded for _, t in p.label.translations):
                return p.value
        if scale.abstain is not None and (
            folded == ABSTAIN or any(_fold(t) == folded for _, t in scale.abstain.translations)
        ):
            return ABSTAIN
        labels = ", ".join(p.label.get("en") for p in scale.points)
        raise CellProblem(f"{text!r} is not a point of the scale ({labels})")

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        # "4 Support", or the abstain label: as the participant reads it back
        return self.format(q, value, lang, survey)  # type: ignore[attr-defined]


class SingleChoiceCells:
    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        return None if _is_blank(raw) else _option(q, str(raw))

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        return "" if value is None else q.option_label(value, lang)


class MultipleChoiceCells:
    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        """Options separated by ``;`` (or a list of them); at least min and at most max."""
        if _is_blank(raw):
            return None
        picked: list[str] = []
        for item in raw if isinstance(raw, list) else _items(raw):
            option = _option(q, item)
            if option not in picked:
                picked.append(option)
        if q.min_choices is not None and len(picked) < q.min_choices:
            raise CellProblem(f"pick at least {q.min_choices} options ({len(picked)} picked)")
        if q.max_choices is not None and len(picked) > q.max_choices:
            raise CellProblem(f"pick at most {q.max_choices} options ({len(picked)} picked)")
        return [o.id for o in q.options if o.id in picked]

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        if value is None:
            return ""
        return f"{SEPARATOR} ".join(q.option_label(v, lang) for v in value)


class RankingCells:
    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        """Options in order separated by ``;`` (or a list in order), each at most once."""
        if _is_blank(raw):
            return None
        order = [_option(q, item) for item in (raw if isinstance(raw, list) else _items(raw))]
        twice = sorted({o for o in order if order.count(o) > 1})
        if twice:
            raise CellProblem(f"{twice[0]!r} is ranked more than once")
        return order

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        if value is None:
            return ""
        return f"{SEPARATOR} ".join(q.option_label(v, lang) for v in value)


class NumberCells:
    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        if _is_blank(raw):
            return None
        number = _as_number(raw)
        if number is None or not math.isfinite(number):
            raise CellProblem(f"{raw!r} is not a number")
        if q.integer and not number.is_integer():
            raise CellProblem(f"{raw!r} is not a whole number")
        if q.min is not None and number < q.min:
            raise CellProblem(f"{_plain(number)} is below the minimum {_plain(q.min)}")
        if q.max is not None and number > q.max:
            raise CellProblem(f"{_plain(number)} is above the maximum {_plain(q.max)}")
        return int(number) if q.integer else number

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        return "" if value is None else value


class TextCells:
    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        if _is_blank(raw):
            return None
        text = str(raw).strip()
        if q.max_length is not None and len(text) > q.max_length:
            raise CellProblem(f"{len(text)} characters; at most {q.max_length}")
        return text

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        return "" if value is None else str(value)


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
