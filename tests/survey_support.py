"""Small surveys written inline, and answering them through the store as a session does."""

from __future__ import annotations

from consult.store import NewParticipant, Store
from consult.store.surveys import register_survey
from consult.survey.model import Survey


def survey_yaml(consensus: str, seven_first: bool = True, second_scale: str = "s5") -> str:
    """Two groups; a 1-7 profile scale declared first (the trap of defect 1), proposals on a
    1-5 scale (or, for defect 2, the second proposal on ``second_scale``)."""
    seven = """
  - id: s7
    points: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c},
             {value: 4, label: d}, {value: 5, label: e}, {value: 6, label: f},
             {value: 7, label: g}]
    support: [5, 6, 7]
    opposition: [1, 2, 3]"""
    five = """
  - id: s5
    points: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c},
             {value: 4, label: d}, {value: 5, label: e}]
    support: [4, 5]
    opposition: [1, 2]
    abstain: no opinion"""
    scales = seven + five if seven_first else five + seven
    return f"""
id: defects
version: "1"
languages: [en]
title: Defects
groups:
  - {{id: a, label: A}}
  - {{id: b, label: B}}
scales:{scales}
consensus:
{consensus}
profile:
  - {{id: mood, type: scale, scale: s7, text: "Mood?", required: false}}
proposals:
  - id: first
    title: First
    statement: The first.
    questions:
      - {{id: support, type: scale, scale: s5, text: "Support?"}}
  - id: second
    title: Second
    statement: The second.
    questions:
      - {{id: support, type: scale, scale: {second_scale}, text: "Support?"}}
"""


def answer(store: Store, survey: Survey, group: str, answers: dict[str, object]) -> None:
    register_survey(store, survey)
    (person,) = store.add_participants(survey.id, [NewParticipant(group)])
    response = store.start_response(person.id, survey.hash, 1)
    for key, value in answers.items():
        store.save_answer(response, key, value, survey.question(key).numeric(value))
    store.submit_response(response.id)


MEDIAN_RULE = """  for: {median: ">= 4", iqr: "<= 1"}
  against: mirror"""
