"""Simulated comments (issue 13): each talks about its own proposal, on the side the question
is for (a reason for opposing argues against), in the respondent's language; a seeded
simulation is repeatable. ``consult simulate`` in a subprocess, read back from the database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from consult.session.simulation import _ANY_PROPOSAL, _BY_PROPOSAL, _COMMENTS, follow_up_side
from consult.survey.loader import load_survey, parse_survey

ROOT = Path(__file__).resolve().parents[1]
CONSULT = str(Path(sys.executable).parent / "consult")
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
ANSWERS = """
SELECT r.id, r.language, a.question, a.value
FROM answers a JOIN responses r ON r.id = a.response_id
ORDER BY r.id, a.question
"""


def simulate(tmp_path: Path, survey: Path, seed: str = "7") -> dict[int, tuple[str, dict]]:
    """``consult simulate`` 80 respondents; each response's language and answers."""
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    run = subprocess.run(
        [CONSULT, "simulate", str(survey), "-n", "80", "--seed", seed],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    conn = sqlite3.connect(tmp_path / "results" / "consult.db")
    try:
        rows = conn.execute(ANSWERS).fetchall()
    finally:
        conn.close()
    out: dict[int, tuple[str, dict]] = {}
    for rid, lang, key, value in rows:
        out.setdefault(rid, (lang, {}))[1][key] = json.loads(value)
    return out


def side_of(value: object) -> str:
    return "for" if value in (4, 5) else "against" if value in (1, 2) else "comment"


def test_comments_match_their_proposal_side_and_language(tmp_path: Path) -> None:
    responses = simulate(tmp_path, EXAMPLE)
    seen = {"why_oppose": 0, "comment": 0, "final": 0, "ko": 0}
    for lang, answers in responses.values():
        for key, text in answers.items():
            proposal, _, qid = key.partition(".")
            if qid == "why_oppose":  # shown for support <= 2: a reason against
                assert text in _BY_PROPOSAL[proposal]["against"][lang], (key, text)
                seen["why_oppose"] += 1
            elif qid == "comment":  # on the side this respondent took on the proposal
                side = side_of(answers.get(f"{proposal}.support"))
                assert text in _BY_PROPOSAL[proposal][side][lang], (key, text)
                seen["comment"] += 1
            elif key == "final_comment":
                assert text in _COMMENTS[lang]
                seen["final"] += 1
            else:
                continue
            seen["ko"] += lang == "ko"
    assert all(seen.values()), seen
    # The G20 proposal's reasons against talk about the G20, not another proposal.
    g20 = [
        a["international-leadership.why_oppose"]
        for _, a in responses.values()
        if "international-leadership.why_oppose" in a
    ]
    assert g20 and all("G20" in text for text in g20)


def test_a_seeded_simulation_is_repeatable(tmp_path: Path) -> None:
    runs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        runs.append(list(simulate(tmp_path / name, EXAMPLE).values()))
    assert runs[0] == runs[1]


def test_another_surveys_proposals_get_texts_naming_their_title(tmp_path: Path) -> None:
    """Proposals the tool has no texts for: a generic text that names the proposal's title;
    a follow-up for supporters (``support >= 4``) argues for."""
    source = EXAMPLE.read_text(encoding="utf-8")
    source = source.replace("id: st-diplomacy-roundtable", "id: renamed")
    for pid in _BY_PROPOSAL:
        source = source.replace(f"id: {pid}", f"id: x-{pid}")
    source = source.replace("when: support <= 2", "when: support >= 4")
    (tmp_path / "surveys").mkdir()
    survey_path = tmp_path / "surveys" / "renamed.yaml"
    survey_path.write_text(source, encoding="utf-8")
    survey = load_survey(survey_path)
    titles = {p.id: p.title for p in survey.proposals}
    responses = simulate(tmp_path, survey_path)
    checked = 0
    for lang, answers in responses.values():
        for key, text in answers.items():
            proposal, _, qid = key.partition(".")
            if qid not in ("why_oppose", "comment"):
                continue
            side = "for" if qid == "why_oppose" else side_of(answers[f"{proposal}.support"])
            title = titles[proposal].get(lang)
            assert text in [t.format(title=title) for t in _ANY_PROPOSAL[side][lang]], text
            assert title in text
            checked += 1
    assert checked


@pytest.mark.parametrize(
    ("when", "side"),
    [("support <= 2", "against"), ("support < 3", "against"), ("support >= 4", "for"),
     ("support == 5", "for"), ("support == 3", None), ("support >= 2", None),
     ("group == a", None)],
)  # fmt: skip
def test_the_side_of_a_follow_up_is_read_from_its_condition(when: str, side: str | None) -> None:
    survey = parse_survey(
        f"""
id: sides
version: "1"
languages: [en]
title: Sides
groups: [{{id: a, label: A}}]
scales:
  - id: s5
    points: [{{value: 1, label: a}}, {{value: 2, label: b}}, {{value: 3, label: c}},
             {{value: 4, label: d}}, {{value: 5, label: e}}]
    support: [4, 5]
    opposition: [1, 2]
consensus:
  for: {{support: ">= 70%"}}
proposals:
  - id: p
    title: P
    statement: The statement.
    questions:
      - {{id: support, type: scale, scale: s5, text: "Support?"}}
      - {{id: why, type: text, when: "{when}", text: "Why?"}}
""",
        "sides.yaml",
    )
    assert follow_up_side(survey, survey.question("p.why")) == side
