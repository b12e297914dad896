"""Immutable objects that a loaded survey definition is made of: the survey, its proposals and
settings, and (from the modules below, under the same names) its questions, texts, groups,
scales, options and conditions.

Build them with :func:`consult.survey.loader.load_survey`; nothing here reads files.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from consult.errors import InputError
from consult.stats import ConsensusRule
from consult.survey.delphi import Delphi
from consult.survey.elements import (
    ABSTAIN,
    CONDITION_OPERATORS,
    ENROLMENT_MODES,
    GROUP_SUBJECT,
    Condition,
    Group,
    Option,
    Scale,
    ScalePoint,
    Text,
)
from consult.survey.question_types import QUESTION_TYPES, TYPES, Question, QuestionType

__all__ = [
    "ABSTAIN",
    "CONDITION_OPERATORS",
    "ENROLMENT_MODES",
    "GROUP_SUBJECT",
    "QUESTION_TYPES",
    "TYPES",
    "Condition",
    "Delphi",
    "Group",
    "Option",
    "Proposal",
    "Question",
    "QuestionType",
    "Scale",
    "ScalePoint",
    "Settings",
    "Survey",
    "Text",
    "survey_language",
]


@dataclass(frozen=True)
class Proposal:
    id: str
    title: Text
    statement: Text
    questions: tuple[Question, ...]

    @property
    def support_question(self) -> Question:
        """The proposal's first scale question: the one its support is measured by."""
        return next(q for q in self.questions if q.kind.measures_support)


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
    #: The Delphi design (``delphi:``), or None for a single round.
    delphi: Delphi | None = None
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
