"""What a reader sees in ``consult results`` (issue 12): figures that never contradict the rule
beside them, insufficient answers with their abstentions, small groups marked, contested versus
possible. On a real database (tests/display_survey.py)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from display_survey import build
from rich.console import Console

from consult.reports.terminal import (
    LAYOUTS,
    _main_table,
    _proposal_widths,
    choose_layout,
    natural_width,
    render_results,
)
from consult.results.aggregation import aggregate
from consult.results.report_data import Figures
from consult.stats import ConsensusRule, Criterion
from consult.store import open_store

CONSULT = str(Path(sys.executable).parent / "consult")


@pytest.fixture(scope="module")
def display(tmp_path_factory):
    path, db, survey = build(tmp_path_factory.mktemp("display"))
    with open_store(db) as store:
        results = {lang: aggregate(store, survey, lang=lang) for lang in ("en", "ko")}
    return {"path": path, "db": db, "survey": survey, "results": results}


def shown(results, rule, width: int = 200) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(render_results(results, width, rule))
    return console.export_text()


def row_of(text: str, title: str) -> str:
    return next(line for line in text.splitlines() if f" {title} " in line)


def test_a_figure_never_contradicts_the_verdict_beside_it(display) -> None:
    text = shown(display["results"]["en"], display["survey"].consensus)
    nearly = row_of(text, "Nearly")  # 67 of 96 = 0.698 < 70%: no consensus
    assert "69.8%" in nearly and " 70%" not in nearly and "✔" not in nearly
    backed = row_of(text, "Backed")  # opposition 4 of 27 = 0.148 < 15%: for
    assert "14.8%" in backed and "15%" not in backed and "✔ for" in backed
    split = row_of(text, "Split")  # a gap of 0.296 against 30 points: not flagged
    assert "29.6 pp" in split and "⚡" not in split and "30 pp" not in split
    assert "unless that would put them on the other side of a threshold" in " ".join(text.split())


def test_insufficient_answers_with_abstentions_ranked_last(display) -> None:
    results = display["results"]["en"]
    assert results.proposals[-1].id == "lonely"
    text = shown(results, display["survey"].consensus)
    lonely = row_of(text, "Lonely")
    assert re.match(r"^│ +5 │ P4 +│", lonely)  # ranked last; the fourth proposal of the survey
    assert "insufficient answers" in lonely and "✔" not in lonely and "✘" not in lonely
    assert "99 (99%)" in lonely  # the Abst. column
    assert "Abst." in text and "under the survey's quorum" in text
    ko = shown(display["results"]["ko"], display["survey"].consensus)
    assert "응답 부족" in row_of(ko, "Lonely") and "기권" in ko


def test_small_groups_are_marked_and_explained(display) -> None:
    text = shown(display["results"]["en"], display["survey"].consensus)
    backed = row_of(text, "Backed")
    assert "100% (4)†" in backed  # Gamma: 4 valid answers
    assert "33 pp†" in backed  # the widest gap has the small group on one side: not flagged
    legend = " ".join(text.split())
    assert "† fewer than 5 valid answers: left out of the contested flag" in legend
    # Narrow: the "Support by group" table marks it too.
    narrow = shown(display["results"]["en"], display["survey"].consensus, width=70)
    assert "Support by group" in narrow
    assert "100%†" in narrow


def test_possible_is_not_contested_and_shows_its_interval(display) -> None:
    text = shown(display["results"]["en"], display["survey"].consensus)
    maybe = row_of(text, "Maybe")  # 5/6 vs 3/6: 33 points, interval -17 to 67
    assert "⚡? 33 pp (-17…67)" in maybe
    assert "⚡ " not in maybe.replace("⚡? ", "")
    assert "⚡? possible" in " ".join(text.split())


def test_the_abstention_column_goes_first_on_a_narrow_terminal(display) -> None:
    results = display["results"]["en"]
    figures = Figures(display["survey"].consensus)
    assert choose_layout(results, 200, figures)[0].abstention
    # Just too narrow for the column: it goes, and nothing else does.
    widest = _proposal_widths(results)[1]
    width = natural_width(_main_table(results, LAYOUTS[0], widest, figures)) - 1
    layout, proposal_width = choose_layout(results, width, figures)
    assert not layout.abstention and layout == LAYOUTS[1] and proposal_width == widest


def test_against_side_thresholds_count_for_a_stated_rule() -> None:
    """A stated (not mirrored) against side: its thresholds count for the figure too."""
    rule = ConsensusRule(
        for_=(Criterion("support", ">=", 0.75),),
        against=(Criterion("opposition", ">=", 0.60), Criterion("support", "<", 0.20)),
    )
    figures = Figures(rule)
    assert figures.share(0.598, "opposition") == "59.8%"
    assert figures.share(0.198, "support") == "19.8%"
    assert figures.share(0.748, "support") == "74.8%"
    assert figures.share(0.55, "support") == "55%"
    assert figures.gap(-0.296) == "29.6 pp" and figures.gap(0.31) == "31 pp"
    assert Figures(None).share(0.698) == "70%"  # without the rule: plain rounding


def test_consult_results_shows_insufficient_small_and_possible(display) -> None:
    done = subprocess.run(
        [CONSULT, "--db", str(display["db"]), "results", str(display["path"])],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=True,
    )
    out = done.stdout
    lonely = row_of(out, "Lonely")
    assert "insufficient answers" in lonely and "99 (99%)" in lonely
    assert "100% (4)†" in row_of(out, "Backed")
    assert "⚡? 33 pp" in row_of(out, "Maybe")


def test_consult_results_rounds_by_the_rule(display) -> None:
    done = subprocess.run(
        [CONSULT, "--db", str(display["db"]), "results", str(display["path"])],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=True,
    )
    assert "69.8%" in row_of(done.stdout, "Nearly")
    assert "14.8%" in row_of(done.stdout, "Backed")


def test_survey_texts_reach_the_terminal_without_escapes(tmp_path) -> None:
    """A title, a proposal title or a group label carrying terminal escapes (an OSC title,
    a clear-screen, a bidi override) is shown without them in `consult results`."""
    from survey_support import answer, survey_yaml

    from consult.store import open_store
    from consult.survey.loader import parse_survey

    text = survey_yaml("  for: {support: '>= 70%'}").replace(
        "title: Defects", 'title: "Defects\\e]0;pwned\\a"'
    )
    text = text.replace("title: First", 'title: "First\\e[2J\\u202eevil"')
    text = text.replace("{id: a, label: A}", '{id: a, label: "A\\e[31mred"}')
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    survey = parse_survey(text, str(path))
    with open_store(tmp_path / "c.db") as store:
        for i in range(4):
            answer(store, survey, "ab"[i % 2], {"first.support": 5, "second.support": 3})
    done = subprocess.run(
        [CONSULT, "--db", str(tmp_path / "c.db"), "results", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        check=True,
    )
    for raw in ("\x1b]0;", "\x1b[2J", "\u202e", "\x1b[31m"):
        assert raw not in done.stdout
    assert done.stdout.startswith("Defects\n") and "Firstevil" in done.stdout  # OSC body gone too
