"""The question types, each declared in one place with everything it does.

A type (one :class:`QuestionType` in :data:`TYPES`, reached from a question as ``q.kind``) says
which YAML keys it allows and requires, reads and checks its own fields, whether it has options,
whether a stored answer fits it, the number stored beside an answer, how an answer reads for
people, which condition operators apply to its answers and how a simulated participant answers.
A new type is one class here, one prompt in ``consult.session.prompts`` and its statistic.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from consult.survey import cells
from consult.survey.elements import ABSTAIN, Condition, Option, Scale, Text
from consult.survey.located import LocDict
from consult.survey.validate import Validator, join

#: Condition operators that compare an answer with a number.
ORDER_OPERATORS = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Question:
    """One question. ``key`` is unique in the survey: ``proposal.question`` or the bare id."""

    key: str
    id: str
    type: str
    text: Text
    required: bool
    proposal: str | None = None
    help: Text | None = None
    scale: str | None = None
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    max_length: int | None = None
    when: Condition | None = None

    @property
    def kind(self) -> QuestionType:
        """The question's type, with everything it does."""
        return TYPES[self.type]

    def numeric(self, value: object) -> float | None:
        """The number stored beside an answer: a scale point or a number; None for the rest."""
        return self.kind.numeric(value)

    def option_label(self, option_id: str, lang: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label.get(lang)
        raise KeyError(option_id)


def option_label(q: Question, option_id: str, lang: str) -> str:
    """The label of an option, or its id when the survey no longer has it."""
    try:
        return q.option_label(option_id, lang)
    except KeyError:
        return str(option_id)


#: Scales by id.
ScaleTable = Mapping[str, Scale]


@dataclass(frozen=True)
class ReadContext:
    """What a question's own fields may refer to while it is read."""

    scales: ScaleTable
    #: The proposals defined so far, as options (a ranking's ``options: proposals``).
    proposals: tuple[Option, ...] = ()


class Scales(Protocol):
    """What a type needs of its survey: its scales by id (a :class:`Survey` is one)."""

    def scale(self, scale_id: str) -> Scale: ...


class Respondent(Protocol):
    """A simulated participant, as the types see it (``consult.session.simulation``)."""

    rng: random.Random
    #: The answers given so far, by question key.
    answers: Mapping[str, Any]

    def lean(self, q: Question) -> float:
        """Where the participant stands on the question's proposal, from 0 (oppose) to 1."""
        ...

    def abstains(self) -> bool:
        """Whether the participant abstains on this scale question (a draw)."""
        ...

    def free_text(self, q: Question) -> str:
        """Something the participant might write in answer to ``q``."""
        ...


class QuestionType:
    """What a question type is and does. Every type declares every one of :data:`BEHAVIOURS`."""

    #: The methods each type defines itself (tests/test_question_types.py checks them).
    BEHAVIOURS: ClassVar[tuple[str, ...]] = (
        "read",
        "fits",
        "numeric",
        "format",
        "condition_problem",
        "simulate",
        "parse_cell",
        "cell_text",
    )

    name: ClassVar[str]
    #: The YAML keys the type allows beside the common ones (id, type, text, help, ...).
    keys: ClassVar[frozenset[str]]
    #: Which of those a question of the type must have.
    required_keys: ClassVar[frozenset[str]]
    #: Whether its answers are chosen among ``options``.
    has_options: ClassVar[bool]
    #: Whether ``required`` defaults to true.
    required_by_default: ClassVar[bool] = True
    #: Whether its answers are participants' own words: counted and listed, never tallied.
    free_text: ClassVar[bool] = False
    #: Whether it measures support for a proposal (a proposal's first one does).
    measures_support: ClassVar[bool] = False
    #: Whether an answer puts every option in order (rather than picks some).
    ranks_options: ClassVar[bool] = False
    #: Whether an answer is one pick from a list (a scale point or an option).
    picks_one: ClassVar[bool] = False
    #: How results summarise it: "scale", "choices", "ranking", "number" or "comments".
    summary: ClassVar[str]
    #: The condition operators that apply to its answers (``when: q <op> value``).
    operators: ClassVar[tuple[str, ...]]

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        """The type's own fields of the question at ``path`` (problems go to ``v``)."""
        raise NotImplementedError

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        """Whether a stored value is an answer to ``q`` as the survey now defines it: of
        the right shape, and only of its scale points or options (lists may be tuples)."""
        raise NotImplementedError

    def numeric(self, value: Any) -> float | None:
        """The number stored beside an answer, or None."""
        raise NotImplementedError

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        """An answer as people read it (plain text: neutralise it before showing); "" for None."""
        raise NotImplementedError

    def condition_problem(self, q: Question, op: str, value: Any, scales: ScaleTable) -> str | None:
        """What is wrong with ``when: <question> <op> <value>``, or None when it can hold.

        ``value`` is a tuple for ``in``.
        """
        raise NotImplementedError

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        """A plausible answer of ``respondent``, as it would be stored."""
        raise NotImplementedError

    def parse_cell(self, q: Question, raw: Any, survey: Scales) -> Any:
        """The value a spreadsheet cell holds (None when blank), or CellProblem (survey.cells)."""
        raise NotImplementedError

    def cell_text(self, q: Question, value: Any, lang: str, survey: Scales) -> Any:
        """A stored value as a cell, which :meth:`parse_cell` reads back unchanged."""
        raise NotImplementedError


def _values(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ScaleType(cells.ScaleCells, QuestionType):
    name = "scale"
    keys = frozenset({"scale"})
    required_keys = frozenset({"scale"})
    has_options = False
    measures_support = True
    picks_one = True
    summary = "scale"
    operators = ("==", "!=", "<=", ">=", "<", ">", "in")

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        if "scale" not in item:
            return {}
        sid = item["scale"]
        if not isinstance(sid, str) or sid not in ctx.scales:
            known = ", ".join(sorted(ctx.scales)) or "none defined"
            v.problem(
                v.line_of(item, "scale"),
                join(path, "scale"),
                f"unknown scale {sid!r} (known: {known})",
            )
            return {}
        return {"scale": sid}

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        scale = survey.scale(q.scale or "")
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return False
        return value in {p.value for p in scale.points} or (
            value == ABSTAIN and bool(scale.abstain)
        )

    def numeric(self, value: Any) -> float | None:
        return float(value) if isinstance(value, int | float) else None

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        if value is None:
            return ""
        scale = survey.scale(q.scale or "")
        if value == ABSTAIN:
            return scale.abstain.get(lang) if scale.abstain else ABSTAIN
        return f"{value} {scale.label(value, lang)}"

    def condition_problem(self, q: Question, op: str, value: Any, scales: ScaleTable) -> str | None:
        problem = _numeric_condition_problem(self.name, q, op, value)
        if problem is None and q.scale in scales:
            points = {p.value for p in scales[q.scale].points}
            lo, hi = min(points), max(points)
            if any(not lo <= x <= hi for x in _values(value)):
                return f"{value!r} is outside the scale's points {lo}..{hi}"
        return problem

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        scale = survey.scale(q.scale or "")
        points = [p.value for p in scale.points]
        if scale.abstain and respondent.abstains():
            return ABSTAIN
        position = respondent.rng.gauss(respondent.lean(q) * (len(points) - 1), 0.7)
        return points[min(len(points) - 1, max(0, round(position)))]


def _numeric_condition_problem(name: str, q: Question, op: str, value: Any) -> str | None:
    if op == "contains":
        return f"'contains' does not apply to a {name} question"
    if not all(_is_number(x) for x in _values(value)):
        return f"{q.id!r} has numeric answers; compare it with a number"
    return None


class _ChoiceType(QuestionType):
    """Single and multiple choice: options to pick from, by id."""

    has_options = True
    summary = "choices"
    #: The problem of a condition operator that applies to the other choice type.
    wrong_operator: ClassVar[str]

    def condition_problem(self, q: Question, op: str, value: Any, scales: ScaleTable) -> str | None:
        if op in ORDER_OPERATORS:
            return f"operator {op!r} does not apply to a choice question"
        if op not in self.operators:
            return self.wrong_operator
        ids = {o.id for o in q.options}
        unknown = [x for x in _values(value) if str(x) not in ids]
        if unknown:
            return f"{unknown[0]!r} is not an option of {q.id!r}"
        return None


class SingleChoiceType(cells.SingleChoiceCells, _ChoiceType):
    name = "single_choice"
    keys = frozenset({"options"})
    required_keys = frozenset({"options"})
    operators = ("==", "!=", "in")
    wrong_operator = "'contains' applies to multiple-choice questions; use '==' here"
    picks_one = True

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        return {"options": v.options(item, path)[0]} if "options" in item else {}

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        return isinstance(value, str) and value in {o.id for o in q.options}

    def numeric(self, value: Any) -> float | None:
        return None

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        return "" if value is None else option_label(q, value, lang)

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        return respondent.rng.choice(q.options).id


class MultipleChoiceType(cells.MultipleChoiceCells, _ChoiceType):
    name = "multiple_choice"
    keys = frozenset({"options", "min_choices", "max_choices"})
    required_keys = frozenset({"options"})
    operators = ("contains",)
    wrong_operator = "use 'contains' for a multiple-choice question"

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if "options" in item:
            fields["options"] = v.options(item, path)[0]
        fields["min_choices"] = lo = v.number(item, "min_choices", path, integer=True)
        fields["max_choices"] = hi = v.number(item, "max_choices", path, integer=True)
        if lo is not None and hi is not None and lo > hi:
            v.problem(
                v.line_of(item, "min_choices"),
                join(path, "min_choices"),
                f"min_choices {lo} is greater than max_choices {hi}",
            )
        n = len(fields.get("options") or ())
        for key, limit in (("min_choices", lo), ("max_choices", hi)):
            if n and limit is not None and not 0 <= limit <= n:
                # more than there are options would trap the participant on the question
                v.problem(
                    v.line_of(item, key),
                    join(path, key),
                    f"{key} {limit} must be between 0 and the {n} options",
                )
        return fields

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        ids = {o.id for o in q.options}
        return isinstance(value, list | tuple) and all(
            isinstance(x, str) and x in ids for x in value
        )

    def numeric(self, value: Any) -> float | None:
        return None

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        if value is None:
            return ""
        return ", ".join(option_label(q, v, lang) for v in value)

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        n = len(q.options)
        lo = q.min_choices or 1
        hi = q.max_choices or n
        k = respondent.rng.randint(min(lo, n), min(hi, n))
        return [o.id for o in respondent.rng.sample(list(q.options), k)]


class RankingType(cells.RankingCells, QuestionType):
    name = "ranking"
    keys = frozenset({"options"})
    required_keys = frozenset({"options"})
    has_options = True
    ranks_options = True
    summary = "ranking"
    operators = ()

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        if "options" not in item:
            return {}
        opath = join(path, "options")
        if item["options"] == "proposals":
            if not ctx.proposals:
                v.problem(
                    v.line_of(item, "options"),
                    opath,
                    "'options: proposals' needs proposals defined before it",
                )
            return {"options": ctx.proposals}
        options, items = v.options(item, path)
        if items is not None and len(items) < 2:
            v.problem(items.line, opath, "a ranking needs at least two options")
        return {"options": options}

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        ids = {o.id for o in q.options}
        return (
            isinstance(value, list | tuple)
            and all(isinstance(x, str) and x in ids for x in value)
            and len(set(value)) == len(value)
        )

    def numeric(self, value: Any) -> float | None:
        return None

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        """``1. first``, ``2. second``, ... one a line."""
        if value is None:
            return ""
        return "\n".join(f"{i}. {option_label(q, v, lang)}" for i, v in enumerate(value, 1))

    def condition_problem(self, q: Question, op: str, value: Any, scales: ScaleTable) -> str | None:
        return f"conditions on {self.name} questions are not supported"

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        # Rank proposals by this respondent's own support, with some noise.
        rng = respondent.rng

        def score(option_id: str) -> float:
            for key, value in respondent.answers.items():
                if key.startswith(option_id + ".") and isinstance(value, int):
                    return value + rng.uniform(-1.5, 1.5)
            return rng.uniform(0, 5)

        return sorted((o.id for o in q.options), key=score, reverse=True)


class NumberType(cells.NumberCells, QuestionType):
    name = "number"
    keys = frozenset({"min", "max", "integer"})
    required_keys = frozenset()
    has_options = False
    summary = "number"
    operators = ("==", "!=", "<=", ">=", "<", ">", "in")

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        integer = v.boolean(item, "integer", path, default=False)
        lo = v.number(item, "min", path, integer=integer)
        hi = v.number(item, "max", path, integer=integer)
        if lo is not None and hi is not None and lo > hi:
            v.problem(
                v.line_of(item, "min"), join(path, "min"), f"min {lo} is greater than max {hi}"
            )
        return {"integer": integer, "min": lo, "max": hi}

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        return _is_number(value)

    def numeric(self, value: Any) -> float | None:
        return float(value) if isinstance(value, int | float) else None

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer() and q.integer:
            return str(int(value))
        return str(value)

    def condition_problem(self, q: Question, op: str, value: Any, scales: ScaleTable) -> str | None:
        return _numeric_condition_problem(self.name, q, op, value)

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        rng = respondent.rng
        lo = q.min if q.min is not None else 0
        hi = q.max if q.max is not None else lo + 100
        if q.integer:
            return int(min(hi, max(lo, round(rng.triangular(lo, hi, lo + (hi - lo) * 0.3)))))
        return round(rng.uniform(lo, hi), 2)


class TextType(cells.TextCells, QuestionType):
    name = "text"
    keys = frozenset({"max_length"})
    required_keys = frozenset()
    has_options = False
    required_by_default = False
    free_text = True
    summary = "comments"
    operators = ()

    def read(self, v: Validator, item: LocDict, path: str, ctx: ReadContext) -> dict[str, Any]:
        max_length = v.number(item, "max_length", path, integer=True)
        if max_length is not None and max_length < 1:
            v.problem(v.line_of(item, "max_length"), join(path, "max_length"), "must be at least 1")
        return {"max_length": max_length}

    def fits(self, q: Question, value: Any, survey: Scales) -> bool:
        return isinstance(value, str)

    def numeric(self, value: Any) -> float | None:
        return None

    def format(self, q: Question, value: Any, lang: str, survey: Scales) -> str:
        return "" if value is None else str(value)

    def condition_problem(self, q: Question, op: str, value: Any, scales: ScaleTable) -> str | None:
        return f"conditions on {self.name} questions are not supported"

    def simulate(self, q: Question, survey: Scales, respondent: Respondent) -> Any:
        text = respondent.free_text(q)
        return text[: q.max_length] if q.max_length else text


#: Every question type by name, in the order the format's reference lists them.
TYPES: dict[str, QuestionType] = {
    t.name: t
    for t in (
        ScaleType(),
        SingleChoiceType(),
        MultipleChoiceType(),
        RankingType(),
        NumberType(),
        TextType(),
    )
}
QUESTION_TYPES = tuple(TYPES)
