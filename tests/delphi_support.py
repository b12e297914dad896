"""A hand-made Delphi round 1 on tests/surveys/delphi-small.yaml, for the round-2 tests.

Round 1 (every response submitted, in English):

=====  =======  =====  ====  =====  ========================
who    group    alpha  beta  gamma  comment on alpha
=====  =======  =====  ====  =====  ========================
s1     science  5      3     4      S1 builds trust
s2     science  4      3     5      S2 useful for labs
s3     science  1      3     4      S3 too costly
s4     science  3      3     4      (none)
p1     policy   2      3     5      P1 risky for ministries
p2     policy   5      3     4      P2 good for diplomacy
p3     policy   3      3     4      P3 not sure yet
p4     policy   abst.  3     4      P4 cannot judge
=====  =======  =====  ====  =====  ========================

Alpha, valid answers 1 2 3 3 4 5 5 (n 7, 1 abstained): median 3, Q1 2.5, Q3 4.5 (type 7),
support 3/7, opposition 2/7: no consensus, carried; outside the IQR: 1, 2, 5. Science 5 4 1 3:
support 2/4, median 3.5; policy 2 5 3: support 1/3, median 3. Beta, all 3: median 3, IQR 3-3,
no consensus, carried; outside: 1, 2, 4, 5. Gamma, all 4 or 5: consensus for, settled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consult.store import NewParticipant, Participant, Store
from consult.survey.loader import load_survey
from consult.survey.model import ABSTAIN, Survey

SURVEY = Path(__file__).parent / "surveys" / "delphi-small.yaml"

ROUND_1: dict[str, tuple[str, Any, int, int, str | None]] = {
    "s1": ("science", 5, 3, 4, "S1 builds trust"),
    "s2": ("science", 4, 3, 5, "S2 useful for labs"),
    "s3": ("science", 1, 3, 4, "S3 too costly"),
    "s4": ("science", 3, 3, 4, None),
    "p1": ("policy", 2, 3, 5, "P1 risky for ministries"),
    "p2": ("policy", 5, 3, 4, "P2 good for diplomacy"),
    "p3": ("policy", 3, 3, 4, "P3 not sure yet"),
    "p4": ("policy", ABSTAIN, 3, 4, "P4 cannot judge"),
}


def delphi_survey() -> Survey:
    return load_survey(SURVEY)


def answer(store: Store, survey: Survey, participant: Participant, round: int, values: dict) -> int:
    """A response in ``round`` with ``values`` (question key -> value); returns its id. A key
    the survey file does not have (a reason question, ``<proposal>.delphi_reason``) is text."""
    response = store.start_response(participant.id, survey.hash, round, language="en")
    for key, value in values.items():
        keys = {q.key for q in survey.questions()}
        numeric = survey.question(key).numeric(value) if key in keys else None
        store.save_answer(response, key, value, numeric)
    return response.id


def round_one(store: Store, survey: Survey) -> dict[str, Participant]:
    """Round 1 as the module docstring says, every response submitted; returns who is who."""
    people = {}
    for name, (group, alpha, beta, gamma, comment) in ROUND_1.items():
        p = store.add_participants(survey.id, [NewParticipant(group, language="en")])[0]
        values: dict[str, Any] = {
            "years": 10,
            "alpha.support": alpha,
            "beta.support": beta,
            "gamma.support": gamma,
        }
        if comment:
            values["alpha.comment"] = comment
        store.submit_response(answer(store, survey, p, 1, values))
        people[name] = p
    return people
