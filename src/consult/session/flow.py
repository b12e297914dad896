"""The answering flow, without a terminal: which question comes next, what an answer changes.

Everything the session decides lives here and is testable with a store and no terminal: which
questions apply (``when`` conditions), where a resumed response continues, what a changed answer
clears, which follow-ups it switches on, whether a response can be submitted, and how an answer
reads back. ``consult.session.run`` drives it and ``consult.session.prompts`` asks; nothing here
prompts or prints.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from consult.errors import ConsultError
from consult.i18n import Labels
from consult.i18n.delphi import LABELS as DELPHI_LABELS
from consult.i18n.session import LABELS
from consult.session.throttle import lookup  # noqa: F401 - re-exported: flow.lookup
from consult.store import CODE_ALPHABET, Participant, Response, Store, normalise_code
from consult.store.plans import RoundPlan, plan_of
from consult.store.surveys import survey_version
from consult.survey.model import Question, Survey


class Outcome(Enum):
    """How a session (or one participant's turn in it) ended."""

    SUBMITTED = "submitted"
    LATER = "later"  # stopped at the review screen on purpose
    INTERRUPTED = "interrupted"  # Ctrl-C or Ctrl-D while answering
    DECLINED = "declined"  # refused consent: nothing stored
    ENDED = "ended"  # the facilitator ended a kiosk session
    CLOSED = "closed"  # the response is submitted and may not be revised


class Closed(ConsultError):
    """The participant's response is submitted and the survey does not allow revising it.

    The message is the participant's, in their language (``lang``).
    """

    def __init__(self, message: str, lang: str) -> None:
        super().__init__(message)
        self.lang = lang


# --- which questions apply, where to continue ----------------------------------------------


def applies(question: Question, answers: dict[str, Any], group: str | None) -> bool:
    """Whether ``question`` is asked of a participant of ``group`` with the answers so far."""
    return question.when is None or question.when.applies(answers, group)


def tidy_answers(
    store: Store, response: Response, survey: Survey, answers: dict[str, Any]
) -> list[str]:
    """Clear stored answers whose condition no longer holds; returns their keys.

    Conditions point to earlier questions, so one pass in order settles chains of follow-ups.
    """
    cleared = []
    for q in survey.questions():
        if q.key in answers and not applies(q, answers, response.group_id):
            store.clear_answer(response, q.key)
            del answers[q.key]
            cleared.append(q.key)
    return cleared


def record_answer(
    store: Store,
    response: Response,
    survey: Survey,
    question: Question,
    value: Any,
    answers: dict[str, Any],
) -> list[str]:
    """Commit one answer (None clears it) and clear the follow-ups it switched off (returned)."""
    if value is None:
        if question.key in answers:
            store.clear_answer(response, question.key)
            del answers[question.key]
    else:
        store.save_answer(response, question.key, value, question.numeric(value))
        answers[question.key] = value
    return tidy_answers(store, response, survey, answers)


def resume_index(
    survey: Survey, answers: dict[str, Any], group: str | None, skipped_to: str | None = None
) -> int:
    """Index (in ``survey.questions()``) of the question to continue at.

    Right after the last question answered or skipped (``skipped_to``), or earlier if a
    required question that applies is still unanswered. Optional questions before that point
    count as skipped.
    """
    questions = list(survey.questions())
    last = max(
        (i for i, q in enumerate(questions) if q.key in answers or q.key == skipped_to),
        default=-1,
    )
    missing = (
        i
        for i, q in enumerate(questions)
        if q.required and q.key not in answers and applies(q, answers, group)
    )
    return min(last + 1, next(missing, len(questions)))


def missing_required(survey: Survey, answers: dict[str, Any], group: str | None) -> list[Question]:
    """The required questions that apply and have no answer yet, in survey order."""
    return [
        q
        for q in survey.questions()
        if q.required and q.key not in answers and applies(q, answers, group)
    ]


# --- one response being answered --------------------------------------------------------------


@dataclass
class Answering:
    """One response and its answers so far: the decisions of a session, in the order it makes
    them. The terminal code asks each question :meth:`pending` yields and hands the answer to
    :meth:`give`; on the review screen it uses :meth:`missing`, :meth:`shown`, :meth:`change`,
    :meth:`switched_on` and :meth:`submit`. Every answer is committed before the next question.
    """

    store: Store
    survey: Survey
    response: Response
    answers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def resume(cls, store: Store, survey: Survey, response: Response) -> Answering:
        """A response begun earlier, with its stored answers; a process killed between saving an
        answer and clearing the follow-ups it switched off is healed here."""
        flow = cls(store, survey, response, store.answers(response.id))
        tidy_answers(store, response, survey, flow.answers)
        return flow

    @property
    def group(self) -> str:
        return self.response.group_id

    def applies(self, question: Question) -> bool:
        return applies(question, self.answers, self.group)

    def pending(self) -> Iterator[Question]:
        """The questions to ask, from where the response stands: none once it is submitted.

        Lazy: each question's condition is checked against the answers given up to then.
        """
        questions = list(self.survey.questions())
        start = (
            len(questions)
            if self.response.submitted
            else resume_index(self.survey, self.answers, self.group, self.response.skipped_to)
        )
        for q in questions[start:]:
            if self.applies(q):
                yield q

    def record(self, question: Question, value: Any) -> list[str]:
        """Commit ``value`` (None clears it); returns the follow-ups it switched off."""
        return record_answer(self.store, self.response, self.survey, question, value, self.answers)

    def give(self, question: Question, value: Any) -> list[str]:
        """The answer to a question asked in order; None marks it passed, so that a resumed
        session does not ask it again."""
        cleared = self.record(question, value)
        if value is None:
            self.store.mark_skipped(self.response, question.key)
        return cleared

    def missing(self) -> list[Question]:
        return missing_required(self.survey, self.answers, self.group)

    def shown(self) -> list[Question]:
        """The questions on the review screen: every one that applies, answered or not."""
        return [q for q in self.survey.questions() if self.applies(q)]

    def change(self, question: Question, value: Any) -> bool:
        """A changed answer from the review screen; False (nothing stored) when a required
        question is left without one."""
        if value is None and question.required:
            return False
        self.record(question, value)
        return True

    def would_drop(self, question: Question, value: Any) -> list[Question]:
        """The answered follow-ups that changing ``question`` to ``value`` would clear, in survey
        order; nothing is stored (ask the participant first)."""
        answers = dict(self.answers)
        if value is None:
            answers.pop(question.key, None)
        else:
            answers[question.key] = value
        dropped = []
        for q in self.survey.questions():
            if q.key in answers and not applies(q, answers, self.group):
                del answers[q.key]
                dropped.append(q)
        return dropped

    def switched_on(self, key: str) -> Iterator[Question]:
        """The unanswered follow-ups of question ``key`` that now apply, to ask at once.

        Lazy: a follow-up answered meanwhile may switch on (or off) the next one.
        """
        for follow in self.survey.questions():
            if (
                follow.when
                and not follow.when.on_group
                and follow.when.question == key
                and self.applies(follow)
                and follow.key not in self.answers
            ):
                yield follow

    def submit(self) -> bool:
        """Submit the response; False (and nothing changes) while a required answer is missing.

        :class:`Closed` when its round closed meanwhile (the store refuses answers to a closed
        round; a submission is refused here)."""
        if self.missing():
            return False
        lang = self.response.language or self.survey.languages[0]
        check_open(self.store, self.survey, self.response.round, [lang])
        self.store.submit_response(self.response.id)
        return True


# --- where a question sits ---------------------------------------------------------------------


@dataclass
class Sections:
    """Where each question sits, for headings and progress ("Proposal 3 of 6")."""

    survey: Survey

    def of(self, q: Question) -> str:
        """The proposal id of ``q``, or ``"profile"`` or ``"closing"``."""
        if q.proposal:
            return q.proposal
        return "profile" if q in self.survey.profile else "closing"

    def position(self, proposal_id: str) -> tuple[int, int]:
        """``(i, n)``: the proposal is the i-th of n."""
        ids = [p.id for p in self.survey.proposals]
        return ids.index(proposal_id) + 1, len(ids)

    def label(self, q: Question, lang: str) -> str:
        """How the review names a question: ``3 · Legal foundation — How far do you ...`` in a
        proposal (the same question text recurs in each), else its text."""
        if q.proposal:
            i, _ = self.position(q.proposal)
            title = self.survey.proposal(q.proposal).title.get(lang)
            return f"{i} · {title} — {q.text.get(lang)}"
        return q.text.get(lang)


# --- reading answers back ------------------------------------------------------------------------


def format_answer(survey: Survey, question: Question, value: Any, lang: str) -> str:
    """An answer as the participant reads it back (plain text: neutralise it before showing);
    each question type says how (``consult.survey.question_types``)."""
    return question.kind.format(question, value, lang, survey)


def format_ranking(question: Question, order: list[str], lang: str) -> str:
    """``1. first``, ``2. second``, ... one a line."""
    return "\n".join(f"{i}. {option_label(question, v, lang)}" for i, v in enumerate(order, 1))


def option_label(question: Question, option_id: str, lang: str) -> str:
    """The label of an option, or its id when the survey no longer has it."""
    try:
        return question.option_label(option_id, lang)
    except KeyError:
        return str(option_id)


# --- who answers -------------------------------------------------------------------------------


def check_not_closed(store: Store, survey: Survey, participant: Participant, round: int) -> None:
    """:class:`Closed` (in the participant's language) when their response in ``round`` is
    submitted and the survey does not allow revising it."""
    response = store.response(participant.id, round)
    if response is not None and response.submitted and not survey.settings.allow_revision:
        lang = response.language or participant.language or survey.languages[0]
        date = (response.submitted_at or "")[:10]
        raise Closed(Labels(LABELS, lang)("already_submitted", date=date), lang)


def check_round(
    store: Store,
    survey: Survey,
    participant: Participant | None,
    round: int,
    lang: str | None = None,
) -> None:
    """:class:`Closed` when ``round`` is closed (or the study ended), or when the participant
    (None: a newcomer in open enrolment) is not invited to it: under ``invite: submitted`` a
    round N ≥ 2 is for those who submitted round N - 1. The message is in ``lang`` (default:
    the participant's language; a newcomer's in every language of the survey)."""
    if lang is None and participant is not None:
        lang = participant.language or survey.languages[0]
    langs = [lang] if lang else list(survey.languages)
    plan = check_open(store, survey, round, langs)
    delphi = survey.delphi
    if plan.previous is None or plan.record is None or delphi is None:
        return
    if delphi.invite != "submitted":
        return
    if participant is not None and store.response(participant.id, round) is not None:
        return  # invited when they began
    before = store.response(participant.id, plan.previous) if participant else None
    if before is None or not before.submitted:
        raise _refusal("not_invited", round, langs)


def check_open(store: Store, survey: Survey, round: int, langs: list[str]) -> RoundPlan:
    """The round's plan; :class:`Closed` (in ``langs``) when the round is closed."""
    plan = plan_of(store, survey, round)
    if not plan.is_open:
        raise _refusal("study_ended" if plan.ended else "round_closed", round, langs)
    return plan


def _refusal(key: str, round: int, langs: list[str]) -> Closed:
    said = [Labels(DELPHI_LABELS, lang)(key, round=round, previous=round - 1) for lang in langs]
    return Closed("\n".join(dict.fromkeys(said)), langs[0])


def version_begun(store: Store, survey: Survey, hash: str) -> tuple[Survey, str]:
    """The survey as it was when a response began, and the label key that tells the participant.

    Answers stay tied to the texts people saw, so an edit applies to responses begun after it.
    Should that version no longer load, the current one serves (``"version_lost"``).
    """
    try:
        earlier = survey_version(store, survey, hash)
    except ConsultError:  # the detail (hash, key path) is for a facilitator with --debug
        return survey, "version_lost"
    if earlier.version != survey.version:
        return earlier, "earlier_version"
    return earlier, "earlier_wording"


def new_exit_word() -> str:
    """A random kiosk exit word, from the access-code alphabet (no look-alikes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))


def is_exit_word(typed: str, exit_word: str | None) -> bool:
    """Whether ``typed`` is the kiosk's exit word (any case, dashes and spaces ignored)."""
    return (
        bool(exit_word)
        and bool(typed.strip())
        and (normalise_code(typed) == normalise_code(exit_word or ""))
    )
