"""What a Delphi round asks: its plan, fixed when the round opened, and the survey as the round
presents it (the carried proposals, each with the reason question).

Round 1 asks the whole survey. A later round asks only the proposals carried forward (the
profile was answered in round 1 and is not asked again; nor are the closing questions), and
after each support question, when the survey's ``delphi.reasons`` is not ``never``, a reason
question that applies when the new answer lies outside the previous round's IQR.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from consult.errors import InputError
from consult.store import ResponseFilter, Round, Store
from consult.survey.delphi import reason_question
from consult.survey.model import Survey


@dataclass(frozen=True)
class RoundPlan:
    """What round ``number`` asks (see the module docstring)."""

    number: int
    #: The proposals asked, in survey order; every proposal in round 1.
    carried: tuple[str, ...]
    #: Proposals settled in an earlier round: id -> {"round": k, "verdict": "for"|"against"}.
    settled: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Support question key -> the scale points outside the previous round's IQR.
    reason_when: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: Whether the previous round's figures counted simulated responses (a rehearsal).
    include_simulated: bool = False
    record: Round | None = None

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def is_open(self) -> bool:
        return self.record is None or self.record.is_open

    @property
    def ended(self) -> bool:
        return self.record is not None and self.record.final

    def to_dict(self) -> dict[str, Any]:
        return {
            "carried": list(self.carried),
            "settled": self.settled,
            "reason_when": {k: list(v) for k, v in self.reason_when.items()},
            "include_simulated": self.include_simulated,
        }


def plan_of(store: Store, survey: Survey, number: int | None = None) -> RoundPlan:
    """The plan of round ``number`` (default: the current round)."""
    if number is None:
        number = store.current_round(survey.id)
    record = next((r for r in store.rounds(survey.id) if r.number == number), None)
    if number < 1:
        raise InputError(f"--round {number}: rounds are numbered from 1")
    if record is None or not record.plan:
        # Round 1, or responses given in a round no ``round open`` recorded: everything asked.
        return RoundPlan(number, tuple(p.id for p in survey.proposals), record=record)
    plan = record.plan
    return RoundPlan(
        number=number,
        carried=tuple(plan.get("carried", ())),
        settled=dict(plan.get("settled", {})),
        reason_when={k: tuple(v) for k, v in plan.get("reason_when", {}).items()},
        include_simulated=bool(plan.get("include_simulated", False)),
        record=record,
    )


def chosen_round(store: Store, survey: Survey, requested: int | None) -> int | None:
    """The round ``--round`` names, checked; without one, the current round once the survey
    has rounds recorded (``round open`` or ``round close`` ran), else ``None`` (one round only:
    what the responses hold). A round beyond the current one is refused, naming those that
    exist."""
    current = store.current_round(survey.id)
    if requested is None:
        return current if store.rounds(survey.id) else None
    if requested < 1 or requested > current:
        exists = "round 1" if current == 1 else f"rounds 1 to {current}"
        raise InputError(
            f"--round {requested}: {survey.id} has {exists} (the current is round {current})"
        )
    return requested


def default_round(store: Store, survey: Survey, flt: ResponseFilter) -> int | None:
    """The round results are of when ``flt`` names none: the current round once rounds are
    recorded, else the latest round among the responses ``flt`` admits."""
    if store.rounds(survey.id):
        return store.current_round(survey.id)
    return store.latest_round(survey.id, flt)


def round_survey(survey: Survey, plan: RoundPlan) -> Survey:
    """``survey`` as round ``plan.number`` asks it (the whole survey unless ``round open``
    planned the round).

    The result keeps the survey's hash: answers given in the round are tied to the definition.
    """
    if plan.record is None or not plan.record.plan:
        # Round 1, or a round no ``round open`` planned (answered before rounds were
        # recorded): the whole survey, as it was asked.
        return survey
    proposals = []
    for p in survey.proposals:
        if p.id not in plan.carried:
            continue
        questions = p.questions
        outside = plan.reason_when.get(p.support_question.key)
        if survey.delphi is not None and survey.delphi.asks_reasons and outside:
            support = p.support_question
            i = questions.index(support) + 1
            reason = reason_question(survey.delphi, support, outside)
            questions = (*questions[:i], reason, *questions[i:])
        proposals.append(replace(p, questions=questions))
    return replace(survey, proposals=tuple(proposals), profile=(), closing=())
