"""The parts a survey is made of, below its questions: texts in several languages, stakeholder
groups, answer scales, options and the conditions that show a question only to some participants.

Build them with :func:`consult.survey.loader.load_survey`; nothing here reads files.
:mod:`consult.survey.model` gives them under their usual names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from consult.stats import ScaleSpec

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
