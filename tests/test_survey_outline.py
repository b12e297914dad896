"""``consult survey show`` (issue 13): every heading and word of the outline in the language
asked for, and the consensus rule in the very words (and percentages) ``consult results`` uses.

The real ``consult`` program in a subprocess; the rule compared with ``results --json`` on a
real database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from survey_support import MEDIAN_RULE, survey_yaml

ROOT = Path(__file__).resolve().parents[1]
CONSULT = str(Path(sys.executable).parent / "consult")
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"

#: Every English word the outline itself prints (survey texts aside).
ENGLISH = [
    "Stakeholder groups", "label", "Scale ", "value", "counts as", "opposition", "neutral",
    "left out of statistics", "Consensus rule", "agreed in advance", "Consent", "Profile",
    "Proposal ", " of 6", "Closing questions", "required", "optional", "options",
    "whole number", "when ", "version", "languages", "enrolment", "mirrored", "must hold",
    "contested", " and ", "for:", "against",
]  # fmt: skip


KOREAN = [
    "이해관계자 집단",
    "척도 support5",
    "집계",
    "통계에서 제외",
    "사전에 합의한 합의 규칙",
    "응답자 정보",
    "제안 1/6",
    "마무리 질문",
    "필수",
    "선택 사항",
    "선택지 6개",
    "정수 0..60",
    "표시 조건: ministry-led.support <= 2",
    "버전 1.0",
    "언어 en, ko",
    "참여 방식 공개",
]


def consult(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    env.update(COLUMNS="120", TERM="xterm")
    return subprocess.run(
        [CONSULT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def flat(text: str) -> str:
    return " ".join(text.split())


def test_show_in_korean_has_no_english_words_of_its_own(tmp_path: Path) -> None:
    run = consult(tmp_path, "survey", "show", str(EXAMPLE), "--lang", "ko")
    assert run.returncode == 0, run.stderr
    # Ids and the conditions as the survey writes them stay (they are the survey's own).
    out = run.stdout
    for word in ENGLISH:
        assert word not in out, word
    for word in KOREAN:
        assert word in out, word
    english = consult(tmp_path, "survey", "show", str(EXAMPLE)).stdout
    for word in ["Stakeholder groups", "Proposal 1 of 6", "(6 options, required)", "optional"]:
        assert word in english, word


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_rule_reads_as_in_results_with_the_same_percentages(tmp_path: Path, lang: str) -> None:
    """The example's rule is mirrored: its 'against' side is spelt out, as results spell it.
    A threshold of 67.5% stays 67.5% (never rounded to 68%); the gap is in points."""
    survey = tmp_path / "surveys" / "s.yaml"
    survey.parent.mkdir()
    survey.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace('support: ">= 70%"', 'support: ">= 67.5%"'),
        encoding="utf-8",
    )
    assert consult(tmp_path, "simulate", str(survey), "-n", "6", "--seed", "1").returncode == 0
    results = consult(
        tmp_path, "results", str(survey), "--json", "--include-simulated", "--lang", lang
    )
    assert results.returncode == 0, results.stderr
    rule = json.loads(results.stdout)["consensus_rule"]
    expected = {
        "en": "for: support >= 67.5% and opposition < 15%; against (mirrored): opposition >= "
        "67.5% and support < 15%; must hold in the panel as a whole; contested at a 30 pp "
        "support gap",
        "ko": "찬성 합의: 지지 >= 67.5% 그리고 반대 < 15%; 반대 합의 (대칭): 반대 >= 67.5% 그리고 "
        "지지 < 15%; 패널 전체에서 충족; 집단 간 지지도 차이 30 pp 이상이면 쟁점",
    }[lang]
    assert rule == expected
    shown = consult(tmp_path, "survey", "show", str(survey), "--lang", lang)
    assert shown.returncode == 0, shown.stderr
    assert rule in flat(shown.stdout)
    assert "68%" not in shown.stdout and "0.675" not in shown.stdout


def test_a_mirrored_median_is_shown_on_the_first_proposals_scale(tmp_path: Path) -> None:
    """``median >= 4`` mirrored on the first proposal's 1-5 scale (not the 1-7 profile scale
    declared first) is ``median <= 2``."""
    survey = tmp_path / "defects.yaml"
    survey.write_text(survey_yaml(MEDIAN_RULE), encoding="utf-8")
    run = consult(tmp_path, "survey", "show", str(survey))
    assert run.returncode == 0, run.stderr
    assert "for: median >= 4 and IQR <= 1; against (mirrored): median <= 2 and IQR <= 1" in flat(
        run.stdout
    )
