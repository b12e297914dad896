"""A Delphi round 2 in the session, without a terminal: who may answer, what is asked, the
previous answer as the default, the reason question outside the IQR (also from the review),
and the feedback screen rendered at 80 columns (tests/delphi_support.py states the data)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from delphi_support import delphi_survey, round_one
from rich.console import Console

from consult.results.rounds import close_study, open_next_round
from consult.session.feedback import LaterRound, figures_view, reasons_view
from consult.session.flow import Answering, Closed, check_round
from consult.store import NewParticipant, Participant, Store, open_store
from consult.store.plans import plan_of, round_survey
from consult.store.surveys import register_survey
from consult.survey.model import Survey


@pytest.fixture
def survey() -> Survey:
    return delphi_survey()


@pytest.fixture
def store(tmp_path: Path, survey: Survey) -> Iterator[Store]:
    with open_store(tmp_path / "c.db") as s:
        register_survey(s, survey)
        yield s


@pytest.fixture
def people(store: Store, survey: Survey) -> dict[str, Participant]:
    found = round_one(store, survey)
    open_next_round(store, survey)
    return found


def begin(store: Store, survey: Survey, who: Participant) -> tuple[Answering, LaterRound]:
    plan = plan_of(store, survey, 2)
    response = store.start_response(who.id, survey.hash, 2, language="en")
    later = LaterRound.load(store, survey, plan, who)
    assert later is not None
    return Answering(store, round_survey(survey, plan), response), later


def answer_in_order(flow: Answering, later: LaterRound, script: dict[str, Any]) -> list[str]:
    """Answer what the flow asks: the script's value, else the prompt's default (Enter)."""
    asked = []
    for q in flow.pending():
        asked.append(q.key)
        default = later.default(q, flow.answers.get(q.key))
        flow.give(q, script.get(q.key, default))
    return asked


# --- who may answer ---------------------------------------------------------------------------


def test_a_closed_round_and_an_ended_study_refuse(
    store: Store, survey: Survey, people: dict
) -> None:
    with pytest.raises(Closed, match="Round 1 is closed; no more answers are taken"):
        check_round(store, survey, people["s1"], 1)
    check_round(store, survey, people["s1"], 2)  # invited: submitted round 1
    close_study(store, survey)
    with pytest.raises(Closed, match="This study has ended"):
        check_round(store, survey, people["s1"], 2)
    with pytest.raises(Closed, match="연구는 종료되었습니다") as caught:
        check_round(store, survey, people["s1"], 2, "ko")
    assert caught.value.lang == "ko"


def test_only_who_submitted_round_1_is_invited(store: Store, survey: Survey, people: dict) -> None:
    late = store.add_participants(survey.id, [NewParticipant("policy", language="ko")])[0]
    with pytest.raises(Closed, match="2차 라운드는 1차 라운드를 제출한"):
        check_round(store, survey, late, 2)
    # A newcomer (open enrolment) is refused in every language of the survey.
    with pytest.raises(Closed) as caught:
        check_round(store, survey, None, 2)
    assert str(caught.value).splitlines() == [
        "Round 2 is open to the participants who submitted round 1; your access code is not "
        "among them.",
        "2차 라운드는 1차 라운드를 제출한 참여자에게만 열려 있습니다. 입력하신 접속 코드는 "
        "해당되지 않습니다.",
    ]


def test_a_submission_to_a_round_closed_meanwhile_is_refused(
    store: Store, survey: Survey, people: dict
) -> None:
    flow, later = begin(store, survey, people["s4"])
    answer_in_order(flow, later, {})
    close_study(store, survey)
    with pytest.raises(Closed, match="This study has ended"):
        flow.submit()
    response = store.response(people["s4"].id, 2)
    assert response is not None and not response.submitted
    with pytest.raises(Exception, match="the round is closed"):  # the store's own trigger
        flow.record(survey.question("alpha.comment"), "late")


# --- what round 2 asks ------------------------------------------------------------------------


def test_round_2_asks_the_carried_proposals_keeping_answers_with_enter(
    store: Store, survey: Survey, people: dict
) -> None:
    # s4 answered alpha 3 and beta 3 in round 1, both inside the IQRs: Enter keeps them.
    flow, later = begin(store, survey, people["s4"])
    assert answer_in_order(flow, later, {}) == [
        "alpha.support",
        "alpha.comment",
        "beta.support",
        "beta.comment",
    ]
    assert flow.answers == {"alpha.support": 3, "beta.support": 3}
    assert flow.submit()


def test_the_previous_answer_is_the_default(store: Store, survey: Survey, people: dict) -> None:
    flow, later = begin(store, survey, people["s1"])
    support = flow.survey.question("alpha.support")
    assert later.default(support, None) == 5
    assert later.default(support, 2) == 2  # an answer given in this round wins
    assert later.default(flow.survey.question("alpha.comment"), None) is None


def test_an_answer_outside_the_iqr_asks_why(store: Store, survey: Survey, people: dict) -> None:
    # s4 moves beta from 3 to 5: outside beta's IQR 3-3, so the reason question follows.
    flow, later = begin(store, survey, people["s4"])
    script = {"beta.support": 5, "beta.delphi_reason": "Labs convinced me"}
    asked = answer_in_order(flow, later, script)
    assert asked == [
        "alpha.support",
        "alpha.comment",
        "beta.support",
        "beta.delphi_reason",
        "beta.comment",
    ]
    reason = flow.survey.question("beta.delphi_reason")
    assert reason.required  # delphi.reasons: required
    assert store.answers(flow.response.id)["beta.delphi_reason"] == "Labs convinced me"


def test_keeping_an_answer_outside_the_iqr_also_asks_why(
    store: Store, survey: Survey, people: dict
) -> None:
    flow, later = begin(store, survey, people["s1"])  # alpha 5 in round 1; IQR 2.5-4.5
    asked = answer_in_order(flow, later, {"alpha.delphi_reason": "Still convinced"})
    assert asked[:2] == ["alpha.support", "alpha.delphi_reason"]
    assert flow.answers["alpha.support"] == 5


def test_review_back_inside_the_iqr_clears_the_reason(
    store: Store, survey: Survey, people: dict
) -> None:
    flow, later = begin(store, survey, people["s4"])
    answer_in_order(flow, later, {"beta.support": 1, "beta.delphi_reason": "Too soon"})
    support = flow.survey.question("beta.support")
    assert [q.key for q in flow.would_drop(support, 3)] == ["beta.delphi_reason"]
    assert flow.change(support, 3)
    assert "beta.delphi_reason" not in flow.answers
    assert "beta.delphi_reason" not in store.answers(flow.response.id)
    # ... and out again: the reason question is asked at once (and required to submit).
    assert flow.change(support, 5)
    assert [q.key for q in flow.switched_on("beta.support")] == ["beta.delphi_reason"]
    assert [q.key for q in flow.missing()] == ["beta.delphi_reason"]
    assert not flow.submit()


def test_resume_in_round_2_continues_where_it_stopped(
    store: Store, survey: Survey, people: dict
) -> None:
    flow, later = begin(store, survey, people["s4"])
    for q in flow.pending():
        if q.key == "beta.support":
            break
        flow.give(q, later.default(q, flow.answers.get(q.key)))
    response = store.response(people["s4"].id, 2)
    assert response is not None
    again = Answering.resume(store, round_survey(survey, plan_of(store, survey, 2)), response)
    assert next(again.pending()).key == "beta.support"


# --- the feedback screen --------------------------------------------------------------------------


def rendered(renderable: Any, width: int = 80) -> list[str]:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_the_feedback_screen_fits_80_columns(store: Store, survey: Survey, people: dict) -> None:
    from rich.cells import cell_len

    plan = plan_of(store, survey, 2)
    later = LaterRound.load(store, survey, plan, people["s1"])
    assert later is not None
    fb = later.feedback["alpha"]
    lines = rendered(figures_view(fb, survey, "en"))
    assert all(cell_len(line) <= 80 for line in lines)
    assert lines[0] == "How the panel answered in round 1"
    bars = {line.split()[0]: line for line in lines[1:6]}
    assert "██████████" in bars["3"] and "2 (29%)" in bars["3"]
    assert "◀ your answer in round 1" in bars["5"]
    assert all("◀" not in bars[p] for p in "1234")
    assert "Median 3 · middle half of the answers (IQR) 2.5–4.5 · 7 answers · 1 abstained" in lines
    science = next(line for line in lines if line.startswith("Science"))
    assert "50% support · n = 4" in science
    korean = rendered(figures_view(fb, survey, "ko"))
    assert all(cell_len(line) <= 80 for line in korean)
    assert any("1차 라운드 내 응답" in line for line in korean)


def test_reasons_are_plain_text(store: Store, survey: Survey, people: dict) -> None:
    from consult.results.feedback import Reason

    hostile = Reason("[bold red]x[/] \x1b[2J\x1b]0;t\x07end", "support", "science")
    lines = rendered(reasons_view([hostile], survey, "en"))
    assert lines == ["  • [bold red]x[/] end", "    — supports, Science"]
    long = Reason("word " * 200, "oppose", "policy")
    text = "\n".join(rendered(reasons_view([long], survey, "en")))
    assert "…" in text and "— opposes, Policy" in text
