"""The question types: each declares every behaviour, and each behaviour works on real values."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from consult.survey.elements import CONDITION_OPERATORS
from consult.survey.loader import load_survey
from consult.survey.model import QUESTION_TYPES, TYPES, Question, QuestionType, Survey

ROOT = Path(__file__).resolve().parents[1]
SURVEYS = ROOT / "tests" / "surveys"

#: The data every type declares, beside its behaviours.
ATTRIBUTES = (
    "name",
    "keys",
    "required_keys",
    "has_options",
    "required_by_default",
    "free_text",
    "measures_support",
    "ranks_options",
    "summary",
    "operators",
)


def missing(kind: QuestionType) -> list[str]:
    """The behaviours and attributes ``kind`` does not declare itself (inherits undefined)."""
    lacking = [
        b
        for b in QuestionType.BEHAVIOURS
        if getattr(type(kind), b) is getattr(QuestionType, b)  # the base only raises
    ]
    return lacking + [a for a in ATTRIBUTES if not hasattr(kind, a)]


@pytest.fixture(scope="module")
def survey() -> Survey:
    return load_survey(SURVEYS / "session-small.yaml")


def of_type(survey: Survey, name: str) -> Question:
    return next(q for q in survey.questions() if q.type == name)


@pytest.fixture(scope="module")
def single() -> Question:
    """A single-choice question (session-small has none)."""
    s = load_survey(ROOT / "surveys" / "st-diplomacy-roundtable.yaml")
    return of_type(s, "single_choice")


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_every_type_declares_every_behaviour(name: str) -> None:
    kind = TYPES[name]
    assert missing(kind) == []
    assert kind.name == name
    assert kind.required_keys <= kind.keys
    assert set(kind.operators) <= set(CONDITION_OPERATORS)
    assert kind.summary in ("scale", "choices", "ranking", "number", "comments")
    assert kind.has_options == ("options" in kind.keys)


def test_the_check_finds_a_type_that_lacks_a_behaviour() -> None:
    class Half(QuestionType):
        name = "half"
        keys = required_keys = frozenset()
        has_options = False
        summary = "number"
        operators = ()

        def numeric(self, value: Any) -> float | None:
            return None

    assert missing(Half()) == [
        "read",
        "fits",
        "format",
        "condition_problem",
        "simulate",
        "parse_cell",
        "cell_text",
    ]
    with pytest.raises(NotImplementedError):
        Half().format(None, 1, "en", None)  # type: ignore[arg-type]


def test_the_registry_and_the_names() -> None:
    assert (
        tuple(TYPES)
        == QUESTION_TYPES
        == (
            "scale",
            "single_choice",
            "multiple_choice",
            "ranking",
            "number",
            "text",
        )
    )
    assert [t for t in QUESTION_TYPES if TYPES[t].measures_support] == ["scale"]
    assert [t for t in QUESTION_TYPES if TYPES[t].free_text] == ["text"]


def test_a_question_reaches_its_type(survey: Survey) -> None:
    for q in survey.questions():
        assert q.kind is TYPES[q.type]
    assert survey.proposals[0].support_question.kind.measures_support


def test_stored_values_fit_or_not(survey: Survey, single: Question) -> None:
    support = survey.question("alpha.support")
    fits = support.kind.fits
    assert fits(support, 4, survey) and fits(support, 4.0, survey)
    assert fits(support, "abstain", survey)  # the scale offers abstaining
    assert not fits(support, 6, survey) and not fits(support, True, survey)
    assert not fits(support, "4", survey) and not fits(support, (4,), survey)

    sectors = survey.question("beta.sectors")
    assert sectors.kind.fits(sectors, ["ai", "bio"], survey)
    assert sectors.kind.fits(sectors, ("bio",), survey) and sectors.kind.fits(sectors, [], survey)
    assert not sectors.kind.fits(sectors, ["ai", "chem"], survey)
    assert not sectors.kind.fits(sectors, "ai", survey)
    assert not sectors.kind.fits(sectors, [["ai"]], survey)

    option = single.options[0].id
    assert single.kind.fits(single, option, survey)
    assert not single.kind.fits(single, "nope", survey)
    assert not single.kind.fits(single, [option], survey)

    ranking = survey.question("priorities")
    assert ranking.kind.fits(ranking, ["beta", "alpha"], survey)
    assert not ranking.kind.fits(ranking, ["beta", "beta"], survey)
    assert not ranking.kind.fits(ranking, ["beta", "gamma"], survey)

    years = survey.question("years")
    assert years.kind.fits(years, 12, survey) and years.kind.fits(years, 2.5, survey)
    assert not years.kind.fits(years, True, survey) and not years.kind.fits(years, "12", survey)

    comment = survey.question("alpha.comment")
    assert comment.kind.fits(comment, "anything", survey)
    assert not comment.kind.fits(comment, 3, survey)


def test_numeric_values(survey: Survey) -> None:
    assert survey.question("alpha.support").numeric(4) == 4.0
    assert survey.question("alpha.support").numeric("abstain") is None
    assert survey.question("years").numeric(12) == 12.0
    assert survey.question("years").numeric(2.5) == 2.5
    assert survey.question("beta.sectors").numeric(["ai"]) is None
    assert survey.question("priorities").numeric(["alpha", "beta"]) is None
    assert survey.question("alpha.comment").numeric("12") is None
    assert all(isinstance(TYPES[t].numeric(3), float | None) for t in QUESTION_TYPES)


def test_answers_formatted_for_people(survey: Survey, single: Question) -> None:
    def fmt(key: str, value: Any, lang: str = "en") -> str:
        q = survey.question(key)
        return q.kind.format(q, value, lang, survey)

    assert fmt("alpha.support", 4) == "4 Support"
    assert fmt("alpha.support", 5, "ko") == "5 매우 지지"
    assert fmt("alpha.support", "abstain", "ko") == "기권"
    assert fmt("years", 12.0) == "12"
    assert fmt("years", 12) == "12"
    assert fmt("beta.sectors", ["ai", "bio"], "ko") == "인공지능, 바이오"
    assert fmt("beta.sectors", ["ai", "gone"]) == "AI, gone"  # an option since removed
    assert fmt("priorities", ["beta", "alpha"]) == "1. Beta proposal\n2. Alpha proposal"
    assert fmt("alpha.comment", "Fine.") == "Fine."
    for q in survey.questions():
        assert q.kind.format(q, None, "en", survey) == ""
    label = single.options[0].label.get("en")
    assert single.kind.format(single, single.options[0].id, "en", survey) == label


def test_condition_operators_match_what_each_type_accepts(survey: Survey, single: Question) -> None:
    """An operator a type lists is accepted with a fitting value; any other is refused."""
    scales = {s.id: s for s in survey.scales}
    fitting: Mapping[str, Any] = {
        "scale": 2,
        "number": 10,
        "single_choice": single.options[0].id,
        "multiple_choice": "ai",
        "ranking": "alpha",
        "text": "x",
    }
    questions = {q.type: q for q in survey.questions()} | {"single_choice": single}
    for name in QUESTION_TYPES:
        q, kind = questions[name], TYPES[name]
        for op in CONDITION_OPERATORS:
            value = (fitting[name],) if op == "in" else fitting[name]
            problem = kind.condition_problem(q, op, value, scales)
            assert (problem is None) == (op in kind.operators), (name, op, problem)


def test_condition_problems_in_words(survey: Survey) -> None:
    scales = {s.id: s for s in survey.scales}
    support, years = survey.question("alpha.support"), survey.question("years")
    sectors, comment = survey.question("beta.sectors"), survey.question("alpha.comment")
    assert support.kind.condition_problem(support, "<=", 9, scales) == (
        "9 is outside the scale's points 1..5"
    )
    assert years.kind.condition_problem(years, "contains", 3, scales) == (
        "'contains' does not apply to a number question"
    )
    assert years.kind.condition_problem(years, ">", "ten", scales) == (
        "'years' has numeric answers; compare it with a number"
    )
    assert sectors.kind.condition_problem(sectors, "==", "ai", scales) == (
        "use 'contains' for a multiple-choice question"
    )
    assert sectors.kind.condition_problem(sectors, "contains", "chem", scales) == (
        "'chem' is not an option of 'sectors'"
    )
    assert comment.kind.condition_problem(comment, "==", "x", scales) == (
        "conditions on text questions are not supported"
    )


class _Respondent:
    def __init__(self, seed: int, answers: dict[str, Any] | None = None) -> None:
        self.rng = random.Random(seed)
        self.answers = answers or {}

    def lean(self, question: Question) -> float:
        return 0.9

    def abstains(self) -> bool:
        return False

    def free_text(self, question: Question) -> str:
        return "A rather long comment on the proposal."


@pytest.mark.parametrize("seed", range(20))
def test_simulated_answers_fit_their_question(survey: Survey, single: Question, seed: int) -> None:
    questions = [*survey.questions(), single]
    respondent = _Respondent(seed)
    for q in questions:
        value = q.kind.simulate(q, survey, respondent)
        assert q.kind.fits(q, value, survey), (q.key, value)
        respondent.answers[q.key] = value
    years = survey.question("years").kind.simulate(survey.question("years"), survey, respondent)
    assert isinstance(years, int) and 0 <= years <= 60


def test_simulated_ranking_follows_the_respondents_support(survey: Survey) -> None:
    q = survey.question("priorities")
    respondent = _Respondent(1, {"alpha.support": 1, "beta.support": 5})
    assert q.kind.simulate(q, survey, respondent) == ["beta", "alpha"]
