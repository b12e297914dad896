"""A small survey whose figures sit next to the rule's thresholds (issue 12's display), on a real
database: shared by the display tests of the terminal and the workbook."""

from __future__ import annotations

from pathlib import Path

from consult.store import NewParticipant, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import parse_survey
from consult.survey.model import Survey

SURVEY = """
id: display
version: "1"
languages: [en, ko]
title: {en: Display, ko: 표시}
groups:
  - {id: a, label: {en: Alpha, ko: 알파}}
  - {id: b, label: {en: Beta, ko: 베타}}
  - {id: c, label: {en: Gamma, ko: 감마}}
scales:
  - id: s5
    points: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c},
             {value: 4, label: d}, {value: 5, label: e}]
    support: [4, 5]
    opposition: [1, 2]
    abstain: {en: no opinion, ko: 의견 없음}
consensus:
  preset: comet-70-15
  min_answers: 10
proposals:
PROPOSALS
closing:
  - {id: order, type: ranking, options: proposals, text: {en: "Order?", ko: "순서?"}}
"""
PROPOSAL = """  - id: {id}
    title: {{en: {title}, ko: {title}}}
    statement: {{en: The {id}., ko: The {id}.}}
    questions:
      - {{id: support, type: scale, scale: s5, text: {{en: "Support?", ko: "지지?"}}}}
"""
#: id -> title
PROPOSALS = {
    "nearly": "Nearly",  # 67 of 96 support: 0.698 beside "No consensus"
    "backed": "Backed",  # 20 of 27 support, 4 of 27 (0.148) oppose: "for"; Gamma (4) is small
    "split": "Split",  # Alpha 20/27 vs Beta 12/27: a gap of 0.296, not flagged
    "lonely": "Lonely",  # 1 valid answer, 99 abstentions: insufficient answers
    "maybe": "Maybe",  # Alpha 5/6 vs Beta 3/6: a gap of 0.33 whose interval includes 0
}
GROUPS = ["a"] * 48 + ["b"] * 48 + ["c"] * 4

SUPPORT, NEUTRAL, OPPOSE, ABSTAIN = 5, 3, 1, "abstain"


def _within(plan: list[tuple[int, object]], k: int) -> object:
    """The k-th answer of a group's plan [(how many, answer), ...]; abstain past its end."""
    for count, value in plan:
        if k < count:
            return value
        k -= count
    return ABSTAIN


PLANS: dict[str, dict[str, list[tuple[int, object]]]] = {
    "nearly": {"a": [(34, SUPPORT), (14, NEUTRAL)], "b": [(33, SUPPORT), (15, NEUTRAL)]},
    "backed": {
        "a": [(8, SUPPORT), (2, OPPOSE), (2, NEUTRAL)],
        "b": [(8, SUPPORT), (2, OPPOSE), (1, NEUTRAL)],
        "c": [(4, SUPPORT)],
    },
    "split": {"a": [(20, SUPPORT), (7, NEUTRAL)], "b": [(12, SUPPORT), (15, NEUTRAL)]},
    "lonely": {"a": [(1, SUPPORT)]},
    "maybe": {"a": [(5, SUPPORT), (1, NEUTRAL)], "b": [(3, SUPPORT), (3, NEUTRAL)]},
}
#: Half the panel swaps the first two: they cannot be told apart; the rest are distinct.
ORDERS = (
    ["backed", "nearly", "split", "maybe", "lonely"],
    ["nearly", "backed", "split", "maybe", "lonely"],
)


def survey_text() -> str:
    proposals = "".join(PROPOSAL.format(id=i, title=t) for i, t in PROPOSALS.items())
    return SURVEY.replace("PROPOSALS\n", proposals)


def build(tmp: Path) -> tuple[Path, Path, Survey]:
    """The survey file, its database with 100 submitted responses, and the survey."""
    path = tmp / "display.yaml"
    path.write_text(survey_text(), encoding="utf-8")
    survey = parse_survey(path.read_text(encoding="utf-8"), str(path))
    db = tmp / "display.db"
    seen: dict[str, int] = {}
    with open_store(db) as store:
        register_survey(store, survey)
        people = store.add_participants(survey.id, [NewParticipant(g) for g in GROUPS])
        for i, (person, group) in enumerate(zip(people, GROUPS, strict=True)):
            k = seen[group] = seen.get(group, -1) + 1
            response = store.start_response(person.id, survey.hash, 1)
            for pid, plan in PLANS.items():
                value = _within(plan.get(group, []), k)
                key = f"{pid}.support"
                store.save_answer(response, key, value, survey.question(key).numeric(value))
            order = list(ORDERS[i % 2])
            store.save_answer(response, "order", order, survey.question("order").numeric(order))
            store.submit_response(response.id)
    return path, db, survey
