"""The answering flow without a terminal: a real SQLite store, scripted answers, no prompts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from consult.errors import ConsultError, InputError
from consult.session.flow import (
    Answering,
    Closed,
    Sections,
    check_not_closed,
    format_answer,
    is_exit_word,
    lookup,
    resume_index,
)
from consult.session.prompts import PROMPTS
from consult.store import NewParticipant, Participant, Store, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey
from consult.survey.model import QUESTION_TYPES, Survey

SURVEYS = Path(__file__).parent / "surveys"
ROUND = 1


@pytest.fixture
def survey() -> Survey:
    return load_survey(SURVEYS / "session-small.yaml")


@pytest.fixture
def store(tmp_path: Path, survey: Survey) -> Iterator[Store]:
    with open_store(tmp_path / "c.db") as s:
        register_survey(s, survey)
        yield s


def enrol(store: Store, survey: Survey, group: str = "science") -> Participant:
    return store.add_participants(survey.id, [NewParticipant(group_id=group)])[0]


def begin(store: Store, survey: Survey, participant: Participant) -> Answering:
    response = store.start_response(participant.id, survey.hash, ROUND, language="en")
    return Answering(store, survey, response)


def answer_in_order(
    flow: Answering, script: dict[str, Any], stop_at: str | None = None
) -> list[str]:
    """Answer what the flow asks from the script (a missing key is a skip); returns the keys
    asked. ``stop_at`` is where the participant walks away (that question is not answered)."""
    asked = []
    for q in flow.pending():
        if q.key == stop_at:
            break
        asked.append(q.key)
        flow.give(q, script.get(q.key))
    return asked


FULL = {
    "years": 12,
    "alpha.support": 4,
    "alpha.comment": "fine",
    "beta.support": 5,
    "beta.sectors": ["ai"],
    "priorities": ["beta", "alpha"],
}


def test_every_question_type_has_a_prompt() -> None:
    assert set(PROMPTS) == set(QUESTION_TYPES)


def test_follow_up_is_asked_only_when_its_condition_holds(store: Store, survey: Survey) -> None:
    supporter = begin(store, survey, enrol(store, survey))
    assert answer_in_order(supporter, FULL) == [
        "years",
        "alpha.support",
        "alpha.comment",
        "beta.support",
        "beta.sectors",
        "priorities",
    ]
    opponent = begin(store, survey, enrol(store, survey))
    script = {**FULL, "alpha.support": 2, "alpha.why_oppose": "too costly"}
    asked = answer_in_order(opponent, script)
    assert asked[:4] == ["years", "alpha.support", "alpha.why_oppose", "alpha.comment"]
    assert "beta.why_oppose" not in asked
    assert store.answers(opponent.response.id)["alpha.why_oppose"] == "too costly"


def test_resume_after_a_skip_continues_after_it(store: Store, survey: Survey) -> None:
    person = enrol(store, survey)
    flow = begin(store, survey, person)
    script = {"years": 3, "alpha.support": 4}  # alpha.comment (optional) is skipped
    assert answer_in_order(flow, script, stop_at="beta.support") == [
        "years",
        "alpha.support",
        "alpha.comment",
    ]
    response = store.response(person.id, ROUND)
    assert response is not None and response.skipped_to == "alpha.comment"
    again = Answering.resume(store, survey, response)
    assert again.answers == {"years": 3, "alpha.support": 4}
    assert next(again.pending()).key == "beta.support"
    assert resume_index(survey, again.answers, "science", response.skipped_to) == 4


def test_resume_goes_back_to_an_open_required_question(store: Store, survey: Survey) -> None:
    person = enrol(store, survey)
    flow = begin(store, survey, person)
    # Opposed alpha, then (say, a killed process) the required reason never got stored.
    flow.record(survey.question("years"), 7)
    flow.record(survey.question("alpha.support"), 1)
    flow.record(survey.question("beta.support"), 4)
    response = store.response(person.id, ROUND)
    assert response is not None
    again = Answering.resume(store, survey, response)
    assert [q.key for q in again.pending()][:2] == ["alpha.why_oppose", "alpha.comment"]


def test_a_changed_answer_drops_its_follow_up_and_history_keeps_it(
    store: Store, survey: Survey
) -> None:
    flow = begin(store, survey, enrol(store, survey))
    answer_in_order(flow, {**FULL, "alpha.support": 2, "alpha.why_oppose": "too costly"})
    support = survey.question("alpha.support")
    assert flow.change(support, 5) is True
    assert "alpha.why_oppose" not in flow.answers
    assert store.answers(flow.response.id) == {**FULL, "alpha.support": 5}
    history = store.answer_history(flow.response.id, "alpha.why_oppose")
    assert [row["value"] for row in history] == ["too costly", None]  # given, then cleared
    assert [row["value"] for row in store.answer_history(flow.response.id, "alpha.support")] == [
        2,
        5,
    ]
    # Back to opposing: the follow-up applies again and is to be asked at once.
    assert flow.change(support, 1) is True
    assert [q.key for q in flow.switched_on("alpha.support")] == ["alpha.why_oppose"]
    assert [q.key for q in flow.missing()] == ["alpha.why_oppose"]


def test_a_required_question_cannot_be_changed_to_nothing(store: Store, survey: Survey) -> None:
    flow = begin(store, survey, enrol(store, survey))
    answer_in_order(flow, FULL)
    assert flow.change(survey.question("alpha.support"), None) is False
    assert store.answers(flow.response.id)["alpha.support"] == 4
    assert flow.change(survey.question("alpha.comment"), None) is True
    assert "alpha.comment" not in store.answers(flow.response.id)


def test_missing_required_blocks_submission(store: Store, survey: Survey) -> None:
    person = enrol(store, survey)
    flow = begin(store, survey, person)
    flow.give(survey.question("years"), 20)
    assert [q.key for q in flow.missing()] == [
        "alpha.support",
        "beta.support",
        "beta.sectors",
        "priorities",
    ]
    assert flow.submit() is False
    response = store.response(person.id, ROUND)
    assert response is not None and response.status == "in_progress"
    flow.record(survey.question("alpha.support"), 2)  # switches on a required follow-up
    assert [q.key for q in flow.missing()][:2] == ["alpha.why_oppose", "beta.support"]
    for key in ("alpha.why_oppose", "beta.support", "beta.sectors", "priorities"):
        flow.record(survey.question(key), {**FULL, "alpha.why_oppose": "no"}[key])
    assert flow.missing() == []
    assert flow.submit() is True
    submitted = store.response(person.id, ROUND)
    assert submitted is not None and submitted.submitted
    assert list(Answering.resume(store, survey, submitted).pending()) == []
    with pytest.raises(ConsultError, match="already submitted"):
        check_not_closed(store, survey, person, ROUND)


def test_resume_heals_a_follow_up_left_by_a_killed_process(store: Store, survey: Survey) -> None:
    person = enrol(store, survey)
    flow = begin(store, survey, person)
    answer_in_order(flow, {**FULL, "alpha.support": 1, "alpha.why_oppose": "no"})
    # The answer changed, and the process died before clearing the follow-up.
    store.save_answer(flow.response, "alpha.support", 5, 5.0)
    response = store.response(person.id, ROUND)
    assert response is not None
    again = Answering.resume(store, survey, response)
    assert "alpha.why_oppose" not in again.answers
    assert "alpha.why_oppose" not in store.answers(response.id)


def test_a_condition_on_a_question_named_group_means_its_answer(tmp_path: Path) -> None:
    survey = load_survey(SURVEYS / "question-named-group.yaml")
    with open_store(tmp_path / "c.db") as store:
        register_survey(store, survey)
        flow = begin(store, survey, enrol(store, survey, "all"))
        flow.give(survey.question("group"), "wg2")
        assert next(flow.pending()).key == "p1.support"
        flow.change(survey.question("group"), "wg1")
        assert [q.key for q in flow.switched_on("group")] == ["wg1_role"]


def test_answers_read_back_and_sections(survey: Survey) -> None:
    q = survey.question
    assert format_answer(survey, q("alpha.support"), 4, "en") == "4 Support"
    assert format_answer(survey, q("alpha.support"), "abstain", "ko") == "기권"
    assert format_answer(survey, q("years"), 12.0, "en") == "12"
    assert format_answer(survey, q("beta.sectors"), ["ai", "bio"], "ko") == "인공지능, 바이오"
    assert format_answer(survey, q("priorities"), ["beta", "alpha"], "en") == (
        "1. Beta proposal\n2. Alpha proposal"
    )
    assert format_answer(survey, q("alpha.comment"), None, "en") == ""
    sections = Sections(survey)
    assert [sections.of(q(k)) for k in ("years", "beta.sectors", "priorities")] == [
        "profile",
        "beta",
        "closing",
    ]
    assert sections.label(q("years"), "en") == "Years of experience?"
    assert sections.label(q("beta.support"), "en").startswith("2 · ")


def test_codes_and_exit_words(store: Store, survey: Survey) -> None:
    person = enrol(store, survey)
    dashed = f"{person.code[:3]}-{person.code[3:]}".lower()
    assert lookup(store, survey, dashed) == person
    with pytest.raises(InputError, match="unknown access code"):
        lookup(store, survey, "XXX-XXX")
    assert is_exit_word(" closing time ", "Closing-Time")
    assert not is_exit_word("", "closing-time")
    assert not is_exit_word("anything", None)


def test_a_change_that_drops_a_follow_up_is_known_before_anything_is_stored(
    store: Store, survey: Survey
) -> None:
    flow = begin(store, survey, enrol(store, survey))
    answer_in_order(flow, {**FULL, "alpha.support": 2, "alpha.why_oppose": "too slow"})
    support = survey.question("alpha.support")
    assert [q.key for q in flow.would_drop(support, 4)] == ["alpha.why_oppose"]
    assert flow.would_drop(support, 1) == []  # still opposed: the reason stays
    # Asking changed nothing: the participant may still keep their answers.
    assert store.answers(flow.response.id)["alpha.why_oppose"] == "too slow"
    assert flow.answers["alpha.support"] == 2
    flow.change(support, 4)
    assert "alpha.why_oppose" not in store.answers(flow.response.id)


def test_a_closed_response_is_explained_in_the_participants_language(
    store: Store, survey: Survey
) -> None:
    person = enrol(store, survey)
    response = store.start_response(person.id, survey.hash, ROUND, language="ko")
    store.submit_response(response.id)
    with pytest.raises(Closed) as info:
        check_not_closed(store, survey, person, ROUND)
    assert info.value.lang == "ko"
    assert str(info.value).endswith(
        "이미 제출된 응답입니다. 수정이 필요하면 진행자에게 다시 열어 달라고 요청하십시오."
    )


def test_the_review_names_each_question_with_its_proposal(survey: Survey) -> None:
    sections = Sections(survey)
    assert sections.label(survey.question("alpha.support"), "en") == (
        "1 · Alpha proposal — Support for alpha?"
    )
    assert sections.label(survey.question("beta.support"), "ko").startswith("2 · ")
    assert sections.label(survey.question("priorities"), "en") == "Order the proposals"


def test_a_number_question_shows_its_range(survey: Survey) -> None:
    from consult.session.prompts import number_range

    assert number_range(survey.question("years"), "en") == "(from 0 to 60)"
    assert number_range(survey.question("years"), "ko") == "(0~60)"
