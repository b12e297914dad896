"""A small, known panel for the publish and analyst-export tests: the format reference's
example survey (with a licence and a source), three named participants with known answers, one
unfinished response and ten simulated ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from consult.session.simulation import simulate
from consult.store import NewParticipant, Participant, format_code, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey
from consult.survey.model import Survey

SURVEY_YAML = """\
id: energy-panel
version: "1.0"
languages: [en, ko]
licence: CC BY 4.0
source: https://example.org/energy-panel
title:
  en: Energy transition expert panel
  ko: 에너지 전환 전문가 패널
description:
  en: Two proposals on the energy transition.
  ko: 에너지 전환에 관한 두 가지 제안입니다.
settings:
  enrolment: panel
groups:
  - id: research
    label: {en: Researchers, ko: 연구자}
  - id: industry
    label: {en: Industry, ko: 산업계}
scales:
  - id: support5
    points:
      - {value: 1, label: {en: Strongly oppose, ko: 매우 반대}}
      - {value: 2, label: {en: Oppose, ko: 반대}}
      - {value: 3, label: {en: Neither, ko: 중립}}
      - {value: 4, label: {en: Support, ko: 지지}}
      - {value: 5, label: {en: Strongly support, ko: 매우 지지}}
    support: [4, 5]
    opposition: [1, 2]
    abstain: {en: "Don't know", ko: 잘 모르겠음}
consensus:
  scope: panel
  for:
    support: ">= 70%"
    opposition: "< 15%"
  against: mirror
  contested_gap: 30%
profile:
  - id: sector
    type: single_choice
    text: {en: "Where do you work?", ko: "어디에서 일하십니까?"}
    options:
      - {id: public, label: {en: Public sector, ko: 공공 부문}}
      - {id: private, label: {en: Private sector, ko: 민간 부문}}
  - id: years
    type: number
    integer: true
    min: 0
    max: 60
    text: {en: Years of experience, ko: 경력 연수}
proposals:
  - id: carbon-price
    title: {en: A higher carbon price, ko: 탄소 가격 인상}
    statement: {en: The carbon price should double by 2030., ko: 탄소 가격을 두 배로 올려야 한다.}
    questions:
      - id: support
        type: scale
        scale: support5
        text: {en: "How far do you support this proposal?", ko: "이 제안을 얼마나 지지하십니까?"}
      - id: concerns
        type: multiple_choice
        when: support <= 2
        text: {en: "What concerns you most?", ko: "가장 우려되는 점은 무엇입니까?"}
        options:
          - {id: cost, label: {en: Cost to households, ko: 가계 부담}}
          - {id: industry, label: {en: Competitiveness, ko: 경쟁력}}
          - {id: other, label: {en: Something else, ko: 기타}}
      - id: other_concern
        type: text
        when: concerns contains other
        text: {en: "Which other concern?", ko: "다른 우려는 무엇입니까?"}
  - id: grid
    title: {en: A national grid operator, ko: 국가 전력망 운영 기관}
    statement: {en: One public operator should run the grid., ko: 하나의 공공 기관이 운영해야 한다.}
    questions:
      - id: support
        type: scale
        scale: support5
        text: {en: "How far do you support this proposal?", ko: "이 제안을 얼마나 지지하십니까?"}
      - id: comment
        type: text
        text: {en: "Any comment?", ko: "의견이 있으십니까?"}
closing:
  - id: priorities
    type: ranking
    options: proposals
    text: {en: "Put the proposals in order of priority.", ko: "우선순위대로 배열해 주십시오."}
"""

#: Who is registered (name, organisation, external id) and what each answers.
PEOPLE = {
    "alice": ("research", "Dr Alice Hiddenname", "Secret Institute of Things", "EXT-4471"),
    "bob": ("industry", "Bob Concealedsurname", "Private Power Plc", "EXT-5582"),
    "carol": ("industry", "Carol Unseenperson", "Quiet Grid Holdings", "EXT-6693"),
    "dan": ("research", "Dan Unfinishedman", "Halfway University", "EXT-7704"),
}
HOSTILE = "=cmd|' /C calc'!A0 and taxes"
ANSWERS = {
    "alice": {
        "sector": "public",
        "years": 12,
        "carbon-price.support": 2,
        "carbon-price.concerns": ["cost", "other"],
        "carbon-price.other_concern": HOSTILE,
        "grid.support": 5,
        "grid.comment": "Grid planning needs one owner",
        "priorities": ["grid", "carbon-price"],
    },
    "bob": {
        "sector": "private",
        "years": 30,
        "carbon-price.support": "abstain",
        "grid.support": 4,
        "priorities": ["carbon-price", "grid"],
    },
    "carol": {
        "sector": "private",
        "carbon-price.support": 5,
        "grid.support": 1,
        "grid.comment": "Competition works better than one operator",
    },
    "dan": {"carbon-price.support": 1},  # never submitted: not counted by default
}


@dataclass
class Panel:
    db: Path
    survey_file: Path
    survey: Survey
    people: dict[str, Participant]  # as registered: with their access codes

    def secrets(self) -> list[str]:
        """Every name, organisation, external id and access code (as shown and as stored)."""
        out = []
        for key, p in self.people.items():
            _, name, organisation, external = PEOPLE[key]
            out += [name, organisation, external, p.code, format_code(p.code)]
        return out


def build_panel(folder: Path) -> Panel:
    folder.mkdir(parents=True, exist_ok=True)
    survey_file = folder / "energy-panel.yaml"
    survey_file.write_text(SURVEY_YAML, encoding="utf-8")
    survey = load_survey(survey_file)
    db = folder / "live.db"
    with open_store(db) as store:
        register_survey(store, survey)
        simulate(store, survey, 10, seed=4)
        registered = store.add_participants(
            survey.id,
            [
                NewParticipant(group, name=name, organisation=org, external_id=ext)
                for group, name, org, ext in PEOPLE.values()
            ],
        )
        people = dict(zip(PEOPLE, registered, strict=True))
        for key, person in people.items():
            response = store.start_response(person.id, survey.hash, 1)
            for question, value in ANSWERS[key].items():
                store.save_answer(
                    response, question, value, survey.question(question).numeric(value)
                )
            if key != "dan":
                store.submit_response(response.id)
    return Panel(db, survey_file, survey, people)
