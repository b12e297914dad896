"""Issue 12's defects and quorum, reproduced on real databases through the real loader and the
real ``consult results`` (each failed before its fix)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from survey_support import MEDIAN_RULE, answer, survey_yaml

from consult.results.aggregation import aggregate
from consult.store import Store, open_store
from consult.survey.loader import parse_survey
from consult.survey.model import Survey

CONSULT = str(Path(sys.executable).parent / "consult")


def verdicts(store: Store, survey: Survey) -> dict[str, str]:
    return {p.id: p.stats.consensus for p in aggregate(store, survey).proposals}


@pytest.mark.parametrize(("value", "expected"), [(4, "for"), (3, "none"), (2, "against")])
def test_defect_1_mirror_is_on_the_proposals_own_scale(store: Store, value, expected) -> None:
    """Mirrored on the first declared (1-7) scale, `median >= 4` became `median <= 4`: ten
    answers of 4 gave "none" and ten of 3 "against". On the proposal's 1-5 scale it is
    `median <= 2`."""
    survey = parse_survey(survey_yaml(MEDIAN_RULE))
    for i in range(10):
        answer(store, survey, "ab"[i % 2], {"first.support": value, "second.support": 3})
    assert verdicts(store, survey)["first"] == expected


def test_defect_2_proposals_on_different_scales(store: Store) -> None:
    """The alpha took its point order from the first proposal's scale: a 6 or 7 on another
    scale crashed results; values inside both ranges were silently pooled."""
    survey = parse_survey(survey_yaml(MEDIAN_RULE, second_scale="s7"))
    for i in range(6):
        answer(store, survey, "ab"[i % 2], {"first.support": 1 + i % 5, "second.support": 7 - i})
    results = aggregate(store, survey)  # crashed: values [6, 7] are not in the given order
    assert results.alpha_scope == {"scale": "s5", "proposals": 1, "left_out": 1}
    second = next(p for p in results.proposals if p.id == "second").stats
    assert second.panel.distribution[-1] == (7, 1) and second.panel.n_valid == 6
    json.dumps(results.to_dict())


QUORUM_RULE = """  for: {support: ">= 70%", opposition: "< 15%"}
  against: mirror
  min_answers: 10
  max_abstention: 50%"""


def quorum_database(tmp_path: Path) -> tuple[Path, Path]:
    """One proposal with 1 valid answer and 99 abstentions; the other with 60 % support."""
    path = tmp_path / "survey.yaml"
    path.write_text(survey_yaml(QUORUM_RULE), encoding="utf-8")
    survey = parse_survey(path.read_text(encoding="utf-8"), str(path))
    db = tmp_path / "c.db"
    with open_store(db) as store:
        for i in range(100):
            first = 5 if i == 0 else "abstain"
            second = 5 if i % 10 < 6 else 3
            answer(store, survey, "ab"[i % 2], {"first.support": first, "second.support": second})
    return path, db


def test_one_answer_among_a_hundred_is_insufficient_and_ranked_last(tmp_path: Path) -> None:
    path, db = quorum_database(tmp_path)
    with open_store(db) as store:
        results = aggregate(store, parse_survey(path.read_text(encoding="utf-8"), str(path)))
    by_id = {p.id: p for p in results.proposals}
    assert by_id["first"].stats.panel.support == 1.0  # 1 of 1: "100 %", ranked first before
    assert by_id["first"].stats.consensus == "insufficient"
    assert by_id["first"].rank == 2 and by_id["second"].rank == 1
    assert by_id["first"].stats.panel.abstention_share == pytest.approx(0.99)


def test_the_quorum_in_results_and_its_json(tmp_path: Path) -> None:
    path, db = quorum_database(tmp_path)
    done = subprocess.run(
        [CONSULT, "--db", str(db), "results", str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    proposals = json.loads(done.stdout)["proposals"]
    assert [(p["id"], p["rank"], p["consensus"]) for p in proposals] == [
        ("second", 1, "none"),
        ("first", 2, "insufficient"),
    ]
    assert proposals[1]["panel"]["n_abstained"] == 99
    table = subprocess.run(
        [CONSULT, "--db", str(db), "results", str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "160"},
    ).stdout
    first_row = next(line for line in table.splitlines() if "First" in line)
    assert "insufficient answers" in first_row and "✔" not in first_row


def test_presets_name_their_rule_and_rand_ucla_needs_nine_points() -> None:
    comet = parse_survey(survey_yaml("  preset: comet-70-15\n  min_answers: 5"))
    assert comet.consensus.preset == "comet-70-15" and comet.consensus.mirror
    assert [str(c) for c in comet.consensus.for_] == ["support >= 0.7", "opposition < 0.15"]
    assert comet.consensus.min_answers == 5
    from consult.errors import SurveyError

    with pytest.raises(SurveyError, match="preset rand-ucla is defined on points 1 to 9"):
        parse_survey(survey_yaml("  preset: rand-ucla"))
    with pytest.raises(SurveyError, match="unknown preset 'delphi-magic'"):
        parse_survey(survey_yaml("  preset: delphi-magic"))
    with pytest.raises(SurveyError, match="a preset states the rule itself"):
        parse_survey(survey_yaml("  preset: comet-70-15\n  for: {support: '>= 50%'}"))
