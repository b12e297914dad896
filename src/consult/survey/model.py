"""Immutable objects that a loaded survey definition is made of.

Build them with :func:`consult.survey.loader.load_survey`; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from consult.errors import InputError
from consult.stats import ConsensusRule, ScaleSpec

QUESTION_TYPES = ("scale", "single_choice", "multiple_choice", "ranking", "number", "text")
ENROLMENT_MODES = ("open", "panel")
CONDITION_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "in", "contains")

#: The stored value of an abstention on a scale question.
ABSTAIN = "abstain"
#: What ``when: group in [government]`` tests: the participant's stakeholder group. Reserved:
#: no question may have this id.
GROUP_SUBJECT = "group"


@dataclass(frozen=True)
class Text:
    """A human-readable text in one or more languages.

    A plain string in the definition applies to every language; it is stored under ``"*"``.
    """

    translations: tuple[tuple[str, str], ...]

    @classmethod
    def plain(cls, text: str) -> Text:
        return cls((("*", text),))

    def get(self, lang: str) -> str:
        """The text in ``lang``, else the language-neutral text, else the first translation."""
        table = dict(self.translations)
        return table.get(lang) or table.get("*") or self.translations[0][1]

    def __str__(self) -> str:
        return self.translations[0][1]


@dataclass(frozen=True)
class Group:
    id: str
    label: Text


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: Text


@dataclass(frozen=True)
class Scale:
    """A Likert scale: ordered labelled points, which count as support and opposition."""

    id: str
    points: tuple[ScalePoint, ...]
    support: frozenset[int]
    opposition: frozenset[int]
    abstain: Text | None = None

    @property
    def spec(self) -> ScaleSpec:
        return ScaleSpec(
            points=tuple(p.value for p in self.points),
            support=self.support,
            opposition=self.opposition,
        )

    def label(self, value: int, lang: str) -> str:
        for point in self.points:
            if point.value == value:
                return point.label.get(lang)
        raise KeyError(value)


@dataclass(frozen=True)
class Option:
    id: str
    label: Text


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier answer meets this, e.g. ``support <= 2``, or only
    to some stakeholder groups, e.g. ``group in [government]``."""

    question: str  # the full key of the earlier question, or GROUP_SUBJECT
    op: str
    value: int | float | str | tuple[int | float | str, ...]
    #: True when the condition is on the participant's stakeholder group, not on an answer.
    on_group: bool = False

    def applies(self, answers: Mapping[str, object], group: str | None) -> bool:
        """Whether the condition holds for a participant of ``group`` with these answers."""
        return self.holds(group if self.on_group else answers.get(self.question))

    def holds(self, answer: object) -> bool:
        """Whether the condition holds for ``answer`` (the earlier question's stored value).

        An unanswered question or an abstention never meets a condition.
        """
        if answer is None or answer == ABSTAIN:
            return False
        op, target = self.op, self.value
        if op == "contains":
            return isinstance(answer, list | tuple) and target in answer
        if op == "in":
            return answer in target  # type: ignore[operator]
        if op == "==":
            return answer == target
        if op == "!=":
            return answer != target
        if not isinstance(answer, int | float) or isinstance(answer, bool):
            return False
        if op == "<":
            return answer < target  # type: ignore[operator]
        if op == "<=":
            return answer <= target  # type: ignore[operator]
        if op == ">":
            return answer > target  # type: ignore[operator]
        return answer >= target  # type: ignore[operator]

    def __str__(self) -> str:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return f"{self.question} {self.op} {value}"


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

    def numeric(self, value: object) -> float | None:
        """The number stored beside an answer: a scale point or a number; None for the rest."""
        if self.type in ("scale", "number") and isinstance(value, int | float):
            return float(value)
        return None

    def option_label(self, option_id: str, lang: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label.get(lang)
        raise KeyError(option_id)


@dataclass(frozen=True)
class Proposal:
    id: str
    title: Text
    statement: Text
    questions: tuple[Question, ...]

    @property
    def support_question(self) -> Question:
        """The proposal's first scale question: the one its support is measured by."""
        return next(q for q in self.questions if q.type == "scale")


@dataclass(frozen=True)
class Settings:
    enrolment: str = "panel"
    consent: Text | None = None
    allow_revision: bool = False


@dataclass(frozen=True)
class Survey:
    id: str
    title: Text
    version: str
    languages: tuple[str, ...]
    groups: tuple[Group, ...]
    scales: tuple[Scale, ...]
    proposals: tuple[Proposal, ...]
    consensus: ConsensusRule
    description: Text | None = None
    profile: tuple[Question, ...] = ()
    closing: tuple[Question, ...] = ()
    settings: Settings = field(default_factory=Settings)
    #: sha256 of the canonical JSON of the parsed definition: comments and layout do not count.
    hash: str = ""
    #: The definition as parsed, JSON-serialisable; stored with every response's survey.
    definition: dict = field(default_factory=dict, compare=False, repr=False)
    path: str = ""

    def questions(self) -> Iterator[Question]:
        """Every question in the order participants meet them: profile, proposals, closing."""
        yield from self.profile
        for proposal in self.proposals:
            yield from proposal.questions
        yield from self.closing

    def question(self, key: str) -> Question:
        for q in self.questions():
            if q.key == key:
                return q
        raise KeyError(key)

    def scale(self, scale_id: str) -> Scale:
        for s in self.scales:
            if s.id == scale_id:
                return s
        raise KeyError(scale_id)

    def proposal(self, proposal_id: str) -> Proposal:
        for p in self.proposals:
            if p.id == proposal_id:
                return p
        raise KeyError(proposal_id)

    def group(self, group_id: str) -> Group:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.groups)


def survey_language(survey: Survey, lang: str | None) -> str:
    """``lang`` if the survey has it, else its first language; an unknown one is an error."""
    if lang is None:
        return survey.languages[0]
    if lang not in survey.languages:
        raise InputError(f"--lang {lang}: the survey is in {', '.join(survey.languages)}")
    return lang
