"""A survey's Delphi design, declared in advance in its ``delphi:`` block.

How many rounds at most, which proposals are asked again, what feedback round 2 and later show,
when a participant is asked why, the stopping criterion (reported, never applied silently) and
who is invited to the next round. The rounds themselves live in the store
(``consult.store``) and are driven by ``consult.results.rounds``.
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.i18n.delphi import LABELS
from consult.stats.stability import STABILITY_MEASURES, stable
from consult.survey.elements import Condition, Text
from consult.survey.located import LocDict
from consult.survey.question_types import Question
from consult.survey.validate import Validator, join

CARRY_FORWARD = ("no_consensus", "all")
FEEDBACK = ("distribution", "median_iqr", "by_group", "own_answer", "reasons")
#: When the new answer lies outside the previous round's IQR: ask why, and must they answer?
#: ``outside_iqr`` is the same as ``required``.
REASONS = ("required", "optional", "never", "outside_iqr")
INVITE = ("submitted", "panel")
DELPHI_KEYS = {"max_rounds", "carry_forward", "feedback", "reasons", "stability", "invite"}
#: The id of the reason question round 2 and later add to each proposal: ``<proposal>.<id>``.
REASON_ID = "delphi_reason"


@dataclass(frozen=True)
class Delphi:
    max_rounds: int = 3
    carry_forward: str = "no_consensus"
    feedback: tuple[str, ...] = FEEDBACK
    reasons: str = "optional"
    #: (measure, condition) pairs, e.g. ("changed_share", "< 15%"); all must hold.
    stability: tuple[tuple[str, str], ...] = ()
    invite: str = "submitted"

    @property
    def criterion(self) -> str:
        """The stopping criterion as :func:`consult.stats.stability.stable` reads it."""
        return " and ".join(f"{m} {c}" for m, c in self.stability)

    @property
    def asks_reasons(self) -> bool:
        return self.reasons != "never"

    @property
    def reasons_required(self) -> bool:
        return self.reasons in ("required", "outside_iqr")

    def shows(self, feedback: str) -> bool:
        return feedback in self.feedback


def reason_key(proposal_id: str) -> str:
    return f"{proposal_id}.{REASON_ID}"


def reason_question(delphi: Delphi, support: Question, outside: tuple[int, ...]) -> Question:
    """The question asking why, after ``support`` in round 2 or later: asked when the new answer
    is one of ``outside`` (the scale points outside the previous round's IQR)."""
    assert support.proposal is not None
    texts = tuple((lang, table["reason_q"]) for lang, table in LABELS.items())
    return Question(
        key=reason_key(support.proposal),
        id=REASON_ID,
        type="text",
        text=Text(texts),
        required=delphi.reasons_required,
        proposal=support.proposal,
        max_length=2000,
        when=Condition(support.key, "in", outside),
    )


def read_delphi(v: Validator, top: LocDict, proposal_question_ids: set[str]) -> Delphi | None:
    """The ``delphi:`` block, or None when the survey has none (problems go to ``v``)."""
    if "delphi" not in top:
        return None
    data = v.mapping(top["delphi"], "delphi", v.line_of(top, "delphi"))
    if data is None:
        return None
    v.keys(data, "delphi", DELPHI_KEYS, set())
    max_rounds = 3
    if "max_rounds" in data:
        n = v.number(data, "max_rounds", "delphi", integer=True)
        if n is not None and not 2 <= n <= 20:
            v.problem(v.line_of(data, "max_rounds"), "delphi.max_rounds", "expected 2 to 20")
        elif n is not None:
            max_rounds = int(n)
    carry = _one_of(v, data, "carry_forward", CARRY_FORWARD, "no_consensus")
    reasons = _one_of(v, data, "reasons", REASONS, "optional")
    invite = _one_of(v, data, "invite", INVITE, "submitted")
    feedback = FEEDBACK
    if "feedback" in data:
        items = v.sequence(data["feedback"], "delphi.feedback", v.line_of(data, "feedback"))
        if items is not None:
            picked = []
            for i, item in enumerate(items):
                if item not in FEEDBACK:
                    v.problem(
                        v.line_of(items, i, v.line_of(data, "feedback")),
                        join("delphi.feedback", i),
                        f"{item!r} is not one of {', '.join(FEEDBACK)}",
                    )
                elif item not in picked:
                    picked.append(item)
            feedback = tuple(picked)
    stability: list[tuple[str, str]] = []
    if "stability" in data:
        crit = v.mapping(data["stability"], "delphi.stability", v.line_of(data, "stability"))
        for measure, condition in (crit or {}).items():
            path = join("delphi.stability", str(measure))
            line = v.line_of(crit, measure)
            if measure not in STABILITY_MEASURES:
                known = ", ".join(STABILITY_MEASURES)
                v.problem(line, path, f"unknown measure; one of {known}")
                continue
            text = str(condition).strip()
            try:
                stable(None, f"{measure} {text}")
            except ValueError:
                v.problem(line, path, f"cannot read {text!r}: expected e.g. '< 15%'")
                continue
            stability.append((str(measure), text))
    if reasons != "never" and REASON_ID in proposal_question_ids:
        v.problem(
            v.line_of(data, "reasons"),
            "delphi.reasons",
            f"a proposal has a question with id {REASON_ID!r}, which the Delphi reason question "
            "uses; rename it",
        )
    return Delphi(max_rounds, carry, tuple(feedback), reasons, tuple(stability), invite)


def _one_of(v: Validator, data: LocDict, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        v.problem(
            v.line_of(data, key), f"delphi.{key}", f"{value!r} is not one of {', '.join(allowed)}"
        )
        return default
    return str(value)
