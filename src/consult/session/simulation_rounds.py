"""A rehearsed later Delphi round: the simulated panel of the round before answers again.

Each simulated participant who submitted round N - 1 (or the whole simulated panel, under
``invite: panel``) drops out with probability :data:`DROP_OUT`; the others answer the proposals
round N carries. On each, a participant keeps their earlier answer with probability
:data:`KEEP`, else moves one scale point towards the panel's median of round N - 1 (an
abstainer answers afresh). Follow-ups and the reason question are answered as in round 1,
on the side of the new answer. Seeded: the same seed gives the same round.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from consult.errors import InputError
from consult.results.rounds import round_results
from consult.session.simulation import SimulationSummary, _Respondent, leanings
from consult.store import Store
from consult.store.plans import plan_of, round_survey
from consult.survey.model import ABSTAIN, Survey

#: Share of the previous round's simulated participants who do not answer again.
DROP_OUT = 0.1
#: Share of answers kept as they were in the round before (the others move towards the median).
KEEP = 0.55


def simulate_next_round(
    store: Store, survey: Survey, round: int, *, seed: int | None = None
) -> SimulationSummary:
    """Answer round ``round`` (2 or later, opened with ``consult round open``) for the simulated
    participants of the round before; returns what was stored."""
    plan = plan_of(store, survey, round)
    if plan.record is None or plan.previous is None:
        raise InputError(f"--round {round}: open it first with: consult round open")
    if not plan.is_open:
        raise InputError(f"--round {round}: the round is closed")
    asked = round_survey(survey, plan)
    medians = {
        p["id"]: p["panel"]["median"]
        for p in round_results(store, survey, plan.previous, True)["results"]["proposals"]
    }
    rng = random.Random(seed)
    lean = leanings(survey, rng)
    previous = list(store.simulated_round(survey.id, plan.previous))
    if not previous:
        raise InputError(
            f"round {plan.previous} has no simulated responses to carry on; "
            f"simulate it first: consult simulate --round {plan.previous}"
        )
    answered = {r[0] for r in store.simulated_round(survey.id, round)}
    by_group = dict.fromkeys(survey.group_ids, 0)
    n_answers = 0

    def generate() -> Iterator[tuple[int, str, str | None, list[tuple[str, str, float | None]]]]:
        nonlocal n_answers
        for pid, group, language, earlier in previous:
            if pid in answered or rng.random() < DROP_OUT:
                continue
            lang = language or survey.languages[0]
            respondent = _Respondent(asked, group, lang, lean, rng)
            rows = []
            for q in asked.questions():
                if q.when is not None and not q.when.applies(respondent.answers, group):
                    continue
                if q.proposal is not None and q is asked.proposal(q.proposal).support_question:
                    value = _moved(asked, q.key, earlier.get(q.key), medians.get(q.proposal), rng)
                    if value is None:
                        value = respondent.answer(q)
                elif not q.required and rng.random() > 0.15:
                    continue
                else:
                    value = respondent.answer(q)
                respondent.answers[q.key] = value
                rows.append((q.key, json.dumps(value, ensure_ascii=False), q.numeric(value)))
            by_group[group] = by_group.get(group, 0) + 1
            n_answers += len(rows)
            yield pid, group, language, rows

    done = store.insert_simulated_round(survey.id, survey.hash, round, generate())
    return SimulationSummary(respondents=done, answers=n_answers, by_group=by_group, seed=seed)


def _moved(
    survey: Survey, key: str, earlier_json: str | None, median: float | None, rng: random.Random
) -> Any:
    """The new answer: the earlier one kept, or one point towards the median; None to answer
    afresh (no earlier answer, or an abstention)."""
    if earlier_json is None:
        return None
    earlier = json.loads(earlier_json)
    if earlier == ABSTAIN or not isinstance(earlier, int):
        return None
    if rng.random() < KEEP or median is None:
        return earlier
    q = survey.question(key)
    points = [p.value for p in survey.scale(q.scale or "").points]
    i = points.index(earlier) if earlier in points else None
    if i is None or earlier == median:
        return earlier
    step = 1 if median > earlier else -1
    return points[max(0, min(len(points) - 1, i + step))]
