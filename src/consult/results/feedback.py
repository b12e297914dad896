"""The feedback a participant sees for one carried proposal in a Delphi round N ≥ 2.

Everything comes from round N - 1: the panel's figures from its frozen snapshot
(``consult.results.rounds.round_results``), the participant's own answer, and a sample of the
anonymous reasons given then (the proposal's text questions as round N - 1 asked them, the
reason question included from round 2 on). The reasons are ordered to balance supporters,
opponents and those neither, and the stakeholder groups: a round-robin over (side, group)
buckets, each shuffled with a seed from (round, proposal, participant), so that different
participants read different reasons first and the same participant always the same.

Only the parts the survey's ``delphi.feedback`` declares are filled in; the others are None.
:class:`Feedback` holds numbers, ids and participant text, no words of the tool: the terminal
(``consult.session.feedback``) and other forms render it in the participant's language.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from consult.results.rounds import round_results
from consult.store import ResponseFilter, Store
from consult.store.plans import RoundPlan, plan_of, round_survey
from consult.survey.model import Proposal, Survey

#: The sides a reason is filed under, by its author's answer to the support question.
SIDES = ("support", "oppose", "neither")


@dataclass(frozen=True)
class Figures:
    """The panel's (or one group's) answers to a support question in the round before."""

    n_valid: int
    n_abstained: int
    #: (scale point, count) over every point of the scale, in scale order.
    distribution: tuple[tuple[int, int], ...]
    median: float | None
    q1: float | None
    q3: float | None
    support: float | None

    def share(self, point: int) -> float | None:
        count = dict(self.distribution).get(point, 0)
        return count / self.n_valid if self.n_valid else None


@dataclass(frozen=True)
class GroupSupport:
    group: str
    n_valid: int
    support: float | None
    median: float | None


@dataclass(frozen=True)
class Reason:
    """One anonymous reason: its text, the side and the group of whoever gave it."""

    text: str
    side: str
    group: str


@dataclass(frozen=True)
class Feedback:
    """What a participant sees before answering a carried proposal again (module docstring)."""

    proposal: str
    #: The round answered (N); the figures are of round ``previous``.
    round: int
    previous: int
    #: The parts shown, in the survey's order (``delphi.feedback``).
    parts: tuple[str, ...]
    #: The panel's figures (distribution and/or median and IQR); None when neither is shown.
    panel: Figures | None = None
    #: Support per stakeholder group that answered, in survey order.
    groups: tuple[GroupSupport, ...] | None = None
    #: Whether round ``previous`` had a response of this participant holding an answer.
    answered_before: bool = False
    #: Their answer then (a scale point or the abstention); None when not shown or not given.
    own_answer: Any = None
    #: Every reason of round ``previous``, in the balanced order.
    reasons: tuple[Reason, ...] | None = None

    def shows(self, part: str) -> bool:
        return part in self.parts


def previous_answers(store: Store, participant_id: int, number: int) -> dict[str, Any] | None:
    """The participant's answers in round ``number`` (None when they have no response in it)."""
    response = store.response(participant_id, number)
    return None if response is None else store.answers(response.id)


def round_feedback(
    store: Store, survey: Survey, number: int, participant_id: int
) -> dict[str, Feedback]:
    """Feedback for each proposal round ``number`` carries (empty in round 1, or without a
    Delphi design or a recorded plan)."""
    plan = plan_of(store, survey, number)
    if survey.delphi is None or plan.previous is None or plan.record is None:
        return {}
    snapshot = round_results(store, survey, plan.previous, plan.include_simulated)
    figures = {p["id"]: p for p in snapshot["results"]["proposals"]}
    before = round_survey(survey, plan_of(store, survey, plan.previous))
    own = previous_answers(store, participant_id, plan.previous)
    out = {}
    for pid in plan.carried:
        proposal = survey.proposal(pid)
        asked_then = next((p for p in before.proposals if p.id == pid), proposal)
        out[pid] = _feedback(
            store, survey, plan, proposal, asked_then, figures.get(pid), own, participant_id
        )
    return out


def feedback(
    store: Store, survey: Survey, number: int, proposal_id: str, participant_id: int
) -> Feedback:
    """The feedback on ``proposal_id`` for ``participant_id`` in round ``number`` (≥ 2)."""
    found = round_feedback(store, survey, number, participant_id)
    if proposal_id not in found:
        raise KeyError(f"round {number} does not ask proposal {proposal_id!r} again")
    return found[proposal_id]


def _feedback(
    store: Store,
    survey: Survey,
    plan: RoundPlan,
    proposal: Proposal,
    asked_then: Proposal,
    result: dict[str, Any] | None,
    own: dict[str, Any] | None,
    participant_id: int,
) -> Feedback:
    assert survey.delphi is not None and plan.previous is not None
    parts = survey.delphi.feedback
    support = proposal.support_question
    scale = survey.scale(support.scale or "")
    points = [p.value for p in scale.points]
    panel = groups = reasons = None
    if result is not None and ("distribution" in parts or "median_iqr" in parts):
        panel = _figures(result["panel"], points)
    if result is not None and "by_group" in parts:
        stats = result.get("groups", {})
        groups = tuple(
            GroupSupport(g, stats[g]["n_valid"], stats[g]["support"], stats[g]["median"])
            for g in survey.group_ids
            if g in stats and stats[g]["n_valid"]
        )
    if "reasons" in parts:
        keys = [q.key for q in asked_then.questions if q.kind.free_text]
        flt = ResponseFilter(round=plan.previous, include_simulated=plan.include_simulated)
        found = store.reasons(survey.id, keys, support.key, flt)
        filed = [
            Reason(text.strip(), side_of(n, scale.support, scale.opposition), g)
            for g, n, text in found
        ]
        seed = f"{plan.number}:{proposal.id}:{participant_id}"
        reasons = balanced(filed, [*survey.group_ids], seed)
    answered = own is not None and support.key in own
    return Feedback(
        proposal=proposal.id,
        round=plan.number,
        previous=plan.previous,
        parts=parts,
        panel=panel,
        groups=groups,
        answered_before=answered and "own_answer" in parts,
        own_answer=own.get(support.key) if own is not None and "own_answer" in parts else None,
        reasons=reasons,
    )


def _figures(stats: dict[str, Any], points: list[int]) -> Figures:
    counts = {int(p): int(c) for p, c in stats["distribution"]}
    return Figures(
        n_valid=int(stats["n_valid"]),
        n_abstained=int(stats["n_abstained"]),
        distribution=tuple((p, counts.get(p, 0)) for p in points),
        median=stats["median"],
        q1=stats["q1"],
        q3=stats["q3"],
        support=stats["support"],
    )


def side_of(value: float | None, support: Iterable[int], opposition: Iterable[int]) -> str:
    """``support``, ``oppose`` or ``neither`` (a neutral point, an abstention, no answer)."""
    if value is not None and value in set(support):
        return "support"
    if value is not None and value in set(opposition):
        return "oppose"
    return "neither"


def balanced(reasons: list[Reason], groups: list[str], seed: str) -> tuple[Reason, ...]:
    """``reasons`` in an order that alternates sides and groups (see the module docstring).

    Each (side, group) bucket is shuffled with ``seed``. Then the sides take turns, starting
    at a side the seed picks; each side takes its groups in turn, starting one group further
    than the side before it, so that neighbouring reasons differ in side and, where they can,
    in group.
    """
    rng = random.Random(seed)
    known = groups + sorted({r.group for r in reasons} - set(groups))
    buckets: dict[tuple[str, str], list[Reason]] = {}
    for r in reasons:
        buckets.setdefault((r.side, r.group), []).append(r)
    for key in sorted(buckets):
        rng.shuffle(buckets[key])
    start = rng.randrange(len(SIDES))
    sides = [SIDES[(start + i) % len(SIDES)] for i in range(len(SIDES))]
    offset = rng.randrange(len(known)) if known else 0
    turn = {side: (offset + i) % max(1, len(known)) for i, side in enumerate(sides)}
    out: list[Reason] = []
    while len(out) < len(reasons):
        for side in sides:
            for _ in range(len(known)):
                group = known[turn[side]]
                turn[side] = (turn[side] + 1) % len(known)
                bucket = buckets.get((side, group))
                if bucket:
                    out.append(bucket.pop())
                    break
    return tuple(out)
