"""The real ``consult run`` in a pty, on a real SQLite file, with rows checked in the database."""

from __future__ import annotations

import io
import json
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from consult.session.prompts import CLEAR_PAGE, CLEAR_SCREEN
from consult.session.run import NOT_A_TTY
from consult.store import NewParticipant, open_store
from consult.store.surveys import resolve_survey

pexpect = pytest.importorskip("pexpect")

from pty_support import (  # noqa: E402
    CONSULT,
    CTRL_C,
    DOWN,
    ENTER,
    EXAMPLE,
    SMALL,
    SPACE,
    answers,
    env,
    expect,
    finish,
    paste,
    plain,
    register,
    rows,
    select,
    spawn,
    stored_code,
    type_text,
)

pytestmark = pytest.mark.pty
if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pty tests are POSIX only", allow_module_level=True)


def logged(child: pexpect.spawn) -> io.StringIO:
    log = io.StringIO()
    child.logfile_read = log
    return log


def start_small(child: pexpect.spawn, *, korean: bool = False) -> None:
    """Language and consent of the small survey."""
    select(child, "Language / 언어", 1 if korean else 0)
    select(child, "동의하십니까?" if korean else "Do you agree?")


def answer_small(
    child: pexpect.spawn,
    *,
    years: str = "12",
    alpha: int = 4,
    why_alpha: str = "",
    comment: str = "",
    beta: int = 4,
    why_beta: str = "",
) -> None:
    """Answer every question of the small survey up to the review screen (English)."""
    type_text(child, "Years of experience?", years)
    select(child, "Support for alpha?", alpha)  # below "— choose an answer —"
    if alpha <= 2:
        type_text(child, "Why oppose alpha?", why_alpha)
    type_text(child, "Comment on alpha?", comment)
    select(child, "Support for beta?", beta)
    if beta <= 2:
        type_text(child, "Why oppose beta?", why_beta)
    expect(child, "Which sectors?")
    child.send(SPACE + ENTER)  # AI
    select(child, "place 1 of 2", 1)  # alpha first
    expect(child, "Everything correct?")


def submit(child: pexpect.spawn) -> None:
    child.send(ENTER)  # "Submit my answers" is the first choice
    expect(child, "Your answers have been submitted.")


def status_of(db: Path, code: str) -> str:
    return rows(
        db,
        "SELECT r.status FROM responses r JOIN participants p ON p.id = r.participant_id "
        "WHERE p.code_hash = ?",
        (stored_code(db, code),),
    )[0][0]


def history(db: Path, code: str, question: str) -> list[object]:
    found = rows(
        db,
        "SELECT h.value FROM answer_history h JOIN responses r ON r.id = h.response_id "
        "JOIN participants p ON p.id = r.participant_id WHERE p.code_hash = ? AND h.question = ? "
        "ORDER BY h.id",
        (stored_code(db, code), question),
    )
    return [None if v is None else json.loads(v) for (v,) in found]


# --- the example survey, complete, in English and in Korean -----------------------------------


def _answer_example(child: pexpect.spawn, *, korean: bool) -> None:
    select(child, "I have an access code", 1)  # "I am new"
    select(child, "Language / 언어", 1 if korean else 0)
    select(child, "동의하십니까?" if korean else "Do you agree?")
    select(child, "어느 이해관계자 집단" if korean else "Which stakeholder group", 1)  # diplomacy
    expect(child, "접근 코드:" if korean else "Your access code is")
    child.send(ENTER)
    select(child, "어떤 기관에서" if korean else "What kind of organisation", 4)  # think tank
    type_text(child, "몇 년 동안" if korean else "How many years", "15")
    select(child, "얼마나 잘 알고" if korean else "How well do you know", 3)  # expert
    support = (
        "이 제안을 얼마나 지지하십니까?" if korean else "How far do you support this proposal?"
    )
    for i in range(1, 7):
        if korean:
            expect(child, f"제안 {i} / 6")
        else:
            expect(child, f"Proposal {i} of 6")
        level = 1 if i == 3 else 4  # oppose the legal foundation: its follow-up appears
        select(child, support, level)
        if level <= 2:
            type_text(child, "반대하시는 이유" if korean else "Why do you oppose it?", "정권마다")
        type_text(child, "이 제안에 대한" if korean else "Any other comment", "")
    for place in range(1, 6):
        # Keep the offered order: each step picks the first proposal left.
        select(child, f"{place}순위" if korean else f"place {place} of 6", 1)
    type_text(child, "위원회에" if korean else "Anything else the committee", "감사합니다")
    expect(child, "모두 맞습니까?" if korean else "Everything correct?")
    child.send(ENTER)
    expect(child, "응답이 제출되었습니다" if korean else "Your answers have been submitted.")


@pytest.mark.parametrize("korean", [False, True], ids=["english", "korean"])
def test_complete_response_to_the_example(tmp_path: Path, korean: bool) -> None:
    db = tmp_path / "consult.db"
    child = spawn(db, "run", EXAMPLE)
    log = logged(child)
    _answer_example(child, korean=korean)
    assert finish(child) == 0
    (_, group, language, status) = rows(
        db,
        "SELECT p.id, p.group_id, r.language, r.status FROM participants p "
        "JOIN responses r ON r.participant_id = p.id",
    )[0]
    assert (group, language, status) == ("diplomacy", "ko" if korean else "en", "submitted")
    stored = dict(rows(db, "SELECT question, value FROM answers"))
    assert json.loads(stored["organisation_type"]) == "think_tank"
    assert json.loads(stored["experience_years"]) == 15
    assert json.loads(stored["legal-foundation.support"]) == 1
    assert json.loads(stored["legal-foundation.why_oppose"]) == "정권마다"
    assert "ministry-led.why_oppose" not in stored
    assert json.loads(stored["priorities"])[0] == "ministry-led"
    assert len(json.loads(stored["priorities"])) == 6
    assert json.loads(stored["final_comment"]) == "감사합니다"
    if korean:
        screen = plain(log.getvalue())
        assert "과학기술 전문 부처 주도" in screen  # Hangul title in the proposal panel
        assert "매우 지지" in screen


# --- conditions, review and history -----------------------------------------------------------


def test_follow_up_appears_only_when_its_condition_holds(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    log = logged(child)
    start_small(child)
    answer_small(child, alpha=2, why_alpha="too slow", beta=4)
    submit(child)
    assert finish(child) == 0
    stored = answers(db, code)
    assert json.loads(stored["alpha.why_oppose"]) == "too slow"
    assert "beta.why_oppose" not in stored
    assert "Why oppose beta?" not in plain(log.getvalue())
    assert status_of(db, code) == "submitted"


GROUP_SURVEY = """
id: group-audience
version: "1"
languages: [en]
title: Group audience test
groups:
  - {id: science, label: Science}
  - {id: government, label: Government}
scales:
  - id: s3
    points:
      - {value: 1, label: Oppose}
      - {value: 2, label: Neutral}
      - {value: 3, label: Support}
    support: [3]
    opposition: [1]
consensus:
  for: {support: ">= 70%"}
proposals:
  - id: law
    title: A law
    statement: Enact a law.
    questions:
      - {id: support, type: scale, scale: s3, text: "Support the law?"}
      - id: budget
        type: number
        when: group == government
        text: "What budget would your ministry need?"
closing:
  - {id: last, type: text, text: "Last words?"}
"""


def test_a_question_for_one_group_is_asked_of_that_group_only(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    survey = tmp_path / "group-audience.yaml"
    survey.write_text(GROUP_SURVEY, encoding="utf-8")
    scientist, official = (
        register(db, str(survey), "science"),
        register(db, str(survey), "government"),
    )
    for code in (scientist, official):
        child = spawn(db, "run", str(survey), "--code", code)
        log = logged(child)
        select(child, "Support the law?", 3)
        if code == official:  # required for the government, and validated as a number
            type_text(child, "What budget would your ministry need?", "")
            expect(child, "An answer is required")
            child.send("120" + ENTER)
        type_text(child, "Last words?", "")
        expect(child, "Everything correct?")
        submit(child)
        assert finish(child) == 0
        asked = "What budget would your ministry need?" in plain(log.getvalue())
        assert asked == (code == official)
    assert answers(db, scientist) == {"law.support": "3"}
    official_answers = {k: json.loads(v) for k, v in answers(db, official).items()}
    assert official_answers == {"law.support": 3, "law.budget": 120}


def test_review_change_an_answer_then_submit_keeps_history(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "policy")
    child = spawn(db, "run", SMALL, "--code", code)
    start_small(child)
    answer_small(child, alpha=2, why_alpha="first thoughts")
    child.send(DOWN + ENTER)  # at "Everything correct?": Change an answer
    select(child, "Which answer do you want to change?", 1)  # 2. Support for alpha?
    select(child, "Support for alpha?", 2)  # from 2 (the default) to 4
    # The follow-up no longer applies: the participant is told, and confirms.
    expect(child, "Why oppose alpha?")
    select(child, "Change it anyway?", 1)
    expect(child, "Everything correct?")
    submit(child)
    assert finish(child) == 0
    stored = answers(db, code)
    assert json.loads(stored["alpha.support"]) == 4
    assert "alpha.why_oppose" not in stored  # cleared with the condition
    assert history(db, code, "alpha.support") == [2, 4]
    assert history(db, code, "alpha.why_oppose") == ["first thoughts", None]
    assert status_of(db, code) == "submitted"


# --- nothing answered is ever lost ---------------------------------------------------------


def test_ctrl_c_halfway_then_resume_at_the_right_question(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    start_small(child)
    type_text(child, "Years of experience?", "7")
    select(child, "Support for alpha?", 5)
    expect(child, "Comment on alpha?")
    child.send(CTRL_C)
    expect(child, f"Every answer given so far is saved; run again with your access code {code}")
    assert finish(child) == 130
    assert set(answers(db, code)) == {"years", "alpha.support"}

    child = spawn(db, "run", SMALL, "--code", code)
    log = logged(child)
    expect(child, "Welcome back. Your 2 earlier answer(s) are saved")
    expect(child, "Comment on alpha?")  # not the language, consent or years again
    assert "Years of experience?" not in plain(log.getvalue())
    child.send("resumed" + ENTER)
    select(child, "Support for beta?", 4)
    expect(child, "Which sectors?")
    child.send(SPACE + ENTER)
    select(child, "place 1 of 2", 1)
    expect(child, "Everything correct?")
    submit(child)
    assert finish(child) == 0
    stored = answers(db, code)
    assert json.loads(stored["years"]) == 7 and json.loads(stored["alpha.comment"]) == "resumed"


def test_a_skipped_question_is_not_asked_again_on_resume(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    start_small(child)
    type_text(child, "Years of experience?", "7")
    select(child, "Support for alpha?", 4)
    type_text(child, "Comment on alpha?", "")  # optional: Enter skips it
    expect(child, "Support for beta?")
    child.send(CTRL_C)
    assert finish(child) == 130
    assert set(answers(db, code)) == {"years", "alpha.support"}

    child = spawn(db, "run", SMALL, "--code", code)
    log = logged(child)
    expect(child, "Welcome back. Your 2 earlier answer(s) are saved")
    expect(child, "Support for beta?")  # after the skipped comment, not at it
    assert "Comment on alpha?" not in plain(log.getvalue())
    child.send(CTRL_C)
    assert finish(child) == 130


def _begin_on_a_copy(tmp_path: Path, *, alpha: bool) -> tuple[Path, Path, str]:
    """A copy of the small survey, and a participant who began it and pressed Ctrl-C."""
    db = tmp_path / "consult.db"
    survey = tmp_path / "small.yaml"
    survey.write_text(Path(SMALL).read_text(encoding="utf-8"), encoding="utf-8")
    code = register(db, str(survey), "science")
    child = spawn(db, "run", str(survey), "--code", code)
    start_small(child)
    type_text(child, "Years of experience?", "7")
    if alpha:
        select(child, "Support for alpha?", 4)
    expect(child, "Comment on alpha?" if alpha else "Support for alpha?")
    child.send(CTRL_C)
    assert finish(child) == 130
    return db, survey, code


def test_a_response_goes_on_with_the_survey_version_it_began_with(tmp_path: Path) -> None:
    db, survey, code = _begin_on_a_copy(tmp_path, alpha=True)
    began = rows(db, "SELECT survey_hash FROM responses")[0][0]

    # The facilitator edits a question while the response is open, first keeping the version.
    edited = survey.read_text(encoding="utf-8").replace("Support for beta?", "Backing for beta?")
    survey.write_text(edited, encoding="utf-8")
    child = spawn(db, "run", str(survey), "--code", code)
    expect(child, "You began on an earlier wording of this survey; you go on with the texts")
    expect(child, "Comment on alpha?")
    child.send(CTRL_C)
    assert finish(child) == 130
    survey.write_text(edited.replace('version: "1"', 'version: "2"'), encoding="utf-8")
    child = spawn(db, "run", str(survey), "--code", code)
    log = logged(child)
    expect(child, "You began on version 1 of this survey; you go on with the texts you saw then.")
    type_text(child, "Comment on alpha?", "")
    select(child, "Support for beta?", 4)  # the text this participant consented to
    expect(child, "Which sectors?")
    child.send(SPACE + ENTER)
    select(child, "place 1 of 2", 1)
    expect(child, "Everything correct?")
    submit(child)
    assert finish(child) == 0
    assert "Backing for beta?" not in plain(log.getvalue())
    assert rows(db, "SELECT survey_hash, status FROM responses") == [(began, "submitted")]
    assert rows(db, "SELECT count(DISTINCT hash) FROM surveys") == [(3,)]


def test_a_begun_version_that_no_longer_loads_gives_way_to_the_current(tmp_path: Path) -> None:
    db, survey, code = _begin_on_a_copy(tmp_path, alpha=False)
    # as if stored by a consult whose rules this one no longer accepts
    with sqlite3.connect(db) as conn:
        conn.execute('UPDATE surveys SET definition = \'{"id": "session-small"}\'')
    survey.write_text(
        survey.read_text(encoding="utf-8").replace("Support for alpha?", "Backing for alpha?"),
        encoding="utf-8",
    )
    child = spawn(db, "run", str(survey), "--code", code)
    expect(child, "The survey has changed since you began, and the earlier texts cannot be read")
    expect(child, "Backing for alpha?")  # the current texts, and no crash
    child.send(CTRL_C)
    assert finish(child) == 130
    assert set(answers(db, code)) == {"years"}


def test_sigkill_after_k_answers_keeps_exactly_k_and_resumes_at_k_plus_1(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    start_small(child)
    type_text(child, "Years of experience?", "3")
    select(child, "Support for alpha?", 4)
    type_text(child, "Comment on alpha?", "before the kill")
    expect(child, "Support for beta?")  # the third answer was committed before this prompt
    child.kill(signal.SIGKILL)
    child.close(force=True)
    assert answers(db, code) == {
        "years": "3",
        "alpha.support": "4",
        "alpha.comment": '"before the kill"',
    }
    assert status_of(db, code) == "in_progress"

    child = spawn(db, "run", SMALL, "--code", code)
    log = logged(child)
    expect(child, "Your 3 earlier answer(s) are saved")
    expect(child, "Support for beta?")  # question 4
    screen = plain(log.getvalue())
    assert "Comment on alpha?" not in screen and "Years of experience?" not in screen
    child.send(CTRL_C)
    assert finish(child) == 130


# --- kiosk ---------------------------------------------------------------------------------


def test_kiosk_exit_word_locks_after_five_wrong_tries_until_a_facilitator_unlocks(
    tmp_path: Path,
) -> None:
    db = tmp_path / "consult.db"
    register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--kiosk", "--exit-word", "closing-time")
    for _ in range(4):
        expect(child, "Access code")
        child.send(CTRL_C)
        type_text(child, "Facilitator: type the exit word", "wrong")
        expect(child, "That is not the exit word; the kiosk goes on.")
        child.send(ENTER)
    expect(child, "Access code")
    child.send(CTRL_C)
    type_text(child, "Facilitator: type the exit word", "wrong")
    expect(child, "The exit word is locked after 5 wrong tries")
    child.send(ENTER)
    # Now even the right word is refused, at Ctrl-C and at the code prompt.
    type_text(child, "Access code", "closing-time")
    expect(child, "consult panel unlock-kiosk")
    child.send(ENTER)
    unlocked = subprocess.run(
        [CONSULT, "--db", str(db), "panel", "unlock-kiosk", str(SMALL)],
        env=env(),
        capture_output=True,
        text=True,
    )
    assert "Unlocked 1 kiosk" in unlocked.stdout, unlocked.stderr
    expect(child, "Access code")
    child.send(CTRL_C)
    type_text(child, "Facilitator: type the exit word", "closing-time")
    assert finish(child) == 0


def test_kiosk_two_participants_second_sees_nothing_of_the_first(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    first, second = register(db, SMALL, "science"), register(db, SMALL, "policy")
    child = spawn(db, "run", SMALL, "--kiosk", "--exit-word", "closing-time")
    log = logged(child)
    type_text(child, "Access code", first.lower())  # codes are accepted in any case
    start_small(child)
    answer_small(child, comment="FIRST-PERSON-SECRET")
    submit(child)
    expect(child, "Press any key")
    child.send(ENTER)
    mark = len(log.getvalue())
    # A participant's Ctrl-C at the code prompt does not end the kiosk without the word.
    expect(child, "Access code")
    child.send(CTRL_C)
    type_text(child, "Facilitator: type the exit word", "wrong")
    expect(child, "That is not the exit word; the kiosk goes on.")
    child.send(ENTER)
    type_text(child, "Access code", second)
    start_small(child, korean=True)
    type_text(child, "경력은 몇 년입니까?", "20")
    select(child, "알파를 지지하십니까?", 5)
    type_text(child, "알파에 대한 의견?", "")
    select(child, "베타를 지지하십니까?", 5)
    expect(child, "어느 분야입니까?")
    child.send(SPACE + ENTER)
    select(child, "1순위", 1)
    expect(child, "모두 맞습니까?")
    child.send(ENTER)
    expect(child, "응답이 제출되었습니다")
    child.send(ENTER)
    expect(child, "Access code")
    child.send(CTRL_C)
    type_text(child, "Facilitator: type the exit word", "closing-time")
    assert finish(child) == 0

    raw = log.getvalue()
    # The screen and scrollback are cleared after the first participant, before the second.
    cleared_at = raw.rfind(CLEAR_SCREEN, 0, raw.find("경력은 몇 년입니까?", mark))
    assert raw.rfind("FIRST-PERSON-SECRET") < mark <= cleared_at
    # Already the thank-you screen, waiting for a key, shows nothing of the first's answers.
    last_secret = raw.rfind("FIRST-PERSON-SECRET")
    assert CLEAR_SCREEN in raw[last_secret : raw.find("Press any key", last_secret)]
    second_screen = raw[cleared_at:]
    assert "FIRST-PERSON-SECRET" not in second_screen
    assert first not in second_screen and first.replace("-", "") not in second_screen
    assert "Years of experience?" not in second_screen  # nothing of the first's answers
    assert rows(db, "SELECT count(*) FROM responses WHERE status = 'submitted'") == [(2,)]
    assert rows(db, "SELECT mode, ended_at IS NOT NULL FROM sessions") == [("kiosk", 1)]


# --- safety ----------------------------------------------------------------------------------


def test_hostile_text_is_stored_as_typed_and_shown_literally(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    log = logged(child)
    start_small(child)
    type_text(child, "Years of experience?", "5")
    select(child, "Support for alpha?", 2)
    type_text(child, "Why oppose alpha?", "[red]x[/red]\u202egnp.exe")
    paste(child, "Comment on alpha?", "[/] \x1b[2J [link=http://evil]y[/link]")
    select(child, "Support for beta?", 4)
    expect(child, "Which sectors?")
    child.send(SPACE + ENTER)
    select(child, "place 1 of 2", 1)
    expect(child, "Everything correct?")
    submit(child)
    assert finish(child) == 0
    stored = answers(db, code)
    assert json.loads(stored["alpha.why_oppose"]) == "[red]x[/red]\u202egnp.exe"
    assert json.loads(stored["alpha.comment"]) == "[/] \x1b[2J [link=http://evil]y[/link]"
    raw = log.getvalue()
    review = plain(raw[raw.rfind("Review your answers") :])
    assert "[red]x[/red]" in review  # markup shown, not interpreted
    # the echo of a typed answer goes through the same sanitiser: no bidi override
    assert "Why oppose alpha? [red]x[/red]gnp.exe" in plain(raw)
    assert "[/]  [link=http://evil]y[/link]" in review  # the whole escape sequence removed
    # The terminal never received the participant's clear-screen sequence (the review clears
    # the screen itself, before each page).
    assert "[/] \x1b[2J" not in raw
    assert "\x1b]8;" not in raw  # nor a hyperlink


# --- clear messages instead of tracebacks ----------------------------------------------------


def test_not_a_terminal_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    with open("/dev/null") as devnull:
        done = subprocess.run(
            [CONSULT, "--db", str(db), "run", SMALL],
            stdin=devnull,
            capture_output=True,
            text=True,
            env=env(),
            timeout=30,
        )
    assert done.returncode == 2
    assert done.stderr == f"Error: {NOT_A_TTY}\n"
    assert done.stdout == ""
    assert not db.exists()  # refused before the database was touched


def test_unknown_and_submitted_codes_are_explained(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    child = spawn(db, "run", SMALL, "--code", "AAA-AAA")
    expect(child, "Error: unknown access code 'AAA-AAA' for survey session-small")
    assert finish(child) == 2
    assert "Traceback" not in (child.before or "")

    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    start_small(child)
    answer_small(child)
    submit(child)
    assert finish(child) == 0
    child = spawn(db, "run", SMALL, "--code", code)
    expect(child, "This response was already submitted on ")
    expect(child, "ask the facilitator to reopen it.")
    assert finish(child) == 1
    assert "Error" not in plain(child.before or "")

    # The facilitator reopens it; the participant finds every answer and can submit again.
    subprocess.run(
        [CONSULT, "--db", str(db), "panel", "reopen", SMALL, code], check=True, env=env()
    )
    child = spawn(db, "run", SMALL, "--code", code)
    expect(child, "Your 5 earlier answer(s) are saved")
    expect(child, "Everything correct?")
    submit(child)
    assert finish(child) == 0
    assert status_of(db, code) == "submitted"


def test_refusing_consent_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    child = spawn(db, "run", EXAMPLE)
    select(child, "I have an access code", 1)
    select(child, "Language / 언어")
    select(child, "Do you agree?", 1)
    expect(child, "Nothing has been stored.")
    assert finish(child) == 0
    assert rows(db, "SELECT count(*) FROM participants") == [(0,)]
    assert rows(db, "SELECT count(*) FROM responses") == [(0,)]


# --- many terminals at once -------------------------------------------------------------------


def _many_questions_survey(path: Path, n: int) -> Path:
    profile = "\n".join(
        f"  - {{id: q{i:03d}, type: number, integer: true, text: 'Question {i}?'}}"
        for i in range(1, n + 1)
    )
    path.write_text(
        textwrap.dedent(
            """\
            id: session-many
            version: "1"
            languages: [en]
            title: Many questions
            groups: [{id: science, label: Science}]
            scales:
              - id: s3
                points: [{value: 1, label: Low}, {value: 2, label: Mid}, {value: 3, label: High}]
                support: [3]
                opposition: [1]
            consensus: {scope: panel, for: {support: ">= 70%"}}
            proposals:
              - id: p
                title: P
                statement: S
                questions: [{id: support, type: scale, scale: s3, text: "Support?"}]
            profile:
            """
        )
        + profile
        + "\n",
        encoding="utf-8",
    )
    return path


def _answer_hundred_in_pty(db: Path, survey: Path, code: str) -> tuple[int, str]:
    """One participant in their own terminal: 100 number questions, the proposal, submit."""
    child = spawn(db, "run", str(survey), "--code", code, timeout=120)
    log = logged(child)
    for i in range(1, 101):
        type_text(child, f"Question {i}?", str(i))
    select(child, "Support?", 3)
    expect(child, "Everything correct?")
    submit(child)
    return finish(child), plain(log.getvalue())


@pytest.mark.slow
def test_twenty_terminals_answering_at_once_lose_nothing(tmp_path: Path) -> None:
    """20 real `consult run` processes, each in its own pty, 100 answers each, all at once."""
    db = tmp_path / "consult.db"
    many = _many_questions_survey(tmp_path / "session-many.yaml", 100)
    with open_store(db) as store:
        survey = resolve_survey(store, str(many))
        people = store.add_participants(survey.id, [NewParticipant("science")] * 20)
    codes = [p.code for p in people]
    with ThreadPoolExecutor(len(codes)) as pool:
        runs = list(pool.map(lambda code: _answer_hundred_in_pty(db, many, code), codes))
    assert [status for status, _ in runs] == [0] * 20
    for _, screen in runs:
        assert "locked" not in screen and "Error" not in screen and "Traceback" not in screen
    assert rows(db, "SELECT count(*) FROM answers WHERE question GLOB 'q[0-9]*'") == [(2000,)]
    # every participant's every answer, exactly as typed, and every response submitted
    assert rows(
        db,
        "SELECT count(DISTINCT response_id), sum(numeric = CAST(substr(question, 2) AS REAL)) "
        "FROM answers WHERE question GLOB 'q[0-9]*'",
    ) == [(20, 2000)]
    assert rows(db, "SELECT status, count(*) FROM responses GROUP BY 1") == [("submitted", 20)]
    assert rows(db, "SELECT count(*) FROM answer_history WHERE question GLOB 'q[0-9]*'") == [
        (2000,)
    ]


# --- what a Korean participant meets on a small screen ------------------------------------------


def _english_words() -> set[str]:
    """Every word of the tool's English participant texts, and questionary's own English."""
    from consult.i18n.session import LABELS

    words = set()
    for text in LABELS["en"].values():
        words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", text))}
    return words | {"use", "arrow", "keys", "press", "done", "selections", "answer", "enter"}


def _review_pages(raw: str, prompt: str) -> list[str]:
    """Each review page as drawn: from a screen clear to the question below the table."""
    pages = []
    for part in raw.split(CLEAR_PAGE)[1:]:
        at = part.find(prompt)
        if at >= 0 and "응답 확인" in plain(part[:at]):
            pages.append(part[:at])
    return pages


def test_a_korean_participant_on_80_by_24_meets_no_english(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    added = subprocess.run(
        [CONSULT, "--db", str(db), "panel", "add", EXAMPLE, "-g", "science", "--lang", "ko"],
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    # The code is shown once, by panel add: the database keeps only a keyed hash of it.
    code = re.findall(r"\b([A-Z0-9]{3}-[A-Z0-9]{3})\b", added.stdout)[0]
    child = spawn(db, "run", EXAMPLE, "--code", code, size=(24, 80))
    log = logged(child)
    select(child, "Language / 언어")  # the participant's language is the default
    mark = len(log.getvalue())  # from here on, everything is the participant's language
    select(child, "동의하십니까?")
    select(child, "어떤 기관에서", 4)
    expect(child, "(0~60)")  # the range, before the first attempt
    child.send("15" + ENTER)
    select(child, "얼마나 잘 알고", 3)
    for i in range(1, 7):
        expect(child, f"제안 {i} / 6")
        expect(child, "얼마나 지지하십니까?")
        if i == 1:
            # A hurried Enter records nothing: the cursor is on "— choose an answer —".
            child.send(ENTER)
            expect(child, "화살표 키로 답을 고른 뒤 엔터를 누르십시오.")
            expect(child, "얼마나 지지하십니까?")
        level = 1 if i == 3 else 4
        child.send(DOWN * level + ENTER)
        if level <= 2:
            type_text(child, "반대하시는 이유", "정권마다")
        type_text(child, "다른 의견", "")
    for place in range(1, 6):
        select(child, f"{place}순위", 1)
    expect(child, "선택한 순서:")
    type_text(child, "위원회에", "감사합니다")

    # The review, page by page, until the page with proposal 3's support (the legal foundation).
    prompt = "모두 맞습니까?"
    while True:
        expect(child, prompt)
        child.send(DOWN + ENTER)  # "응답 수정": the answers on this page
        expect(child, "어느 응답을 바꾸시겠습니까?")
        expect(child, "확인 화면으로 돌아가기")
        listed = plain(log.getvalue()).rsplit("어느 응답을 바꾸시겠습니까?", 1)[1]
        entries = [e for line in listed.splitlines()[1:] if (e := line.strip(" »"))][:-1]
        found = [i for i, e in enumerate(entries) if e.startswith("3 · ") and "지지" in e]
        if found:
            child.send(DOWN * found[0] + ENTER)
            break
        child.send(DOWN * len(entries) + ENTER)  # back to the review
        expect(child, prompt)
        child.send(DOWN * 2 + ENTER)  # "다음 응답 보기"
    expect(child, "국제 과학기술협력이 정권마다")  # the statement again, before the question
    expect(child, "얼마나 지지하십니까?")
    child.send(DOWN * 3 + ENTER)  # from 1 (the default) to 4: the reason no longer applies
    expect(child, "반대하시는 이유는 무엇입니까?")
    expect(child, "그래도 바꾸시겠습니까?")
    child.send(DOWN + ENTER)  # yes
    expect(child, prompt)
    child.send(ENTER)
    expect(child, "응답이 제출되었습니다")
    assert finish(child) == 0

    stored = answers(db, code)
    assert json.loads(stored["legal-foundation.support"]) == 4
    assert "legal-foundation.why_oppose" not in stored
    assert history(db, code, "ministry-led.support") == [4]  # the hurried Enter stored nothing
    raw = log.getvalue()
    screen = plain(raw[mark:])
    leaked = {w for w in _english_words() if re.search(rf"\b{w}\b", screen, re.IGNORECASE)}
    assert leaked == set(), leaked
    pages = _review_pages(raw, prompt)
    assert len(pages) >= 3
    for drawn in pages:
        # the table and the question's line, and below it at most five choices: 24 rows
        assert plain(drawn).lstrip().startswith("응답 확인")
        assert drawn.count("\n") + 1 + 5 <= 24, plain(drawn)


def test_enter_alone_records_nothing_and_finishing_later_repeats_the_code(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    code = register(db, SMALL, "science")
    child = spawn(db, "run", SMALL, "--code", code)
    log = logged(child)
    start_small(child)
    expect(child, "Years of experience?")
    expect(child, "(from 0 to 60)")  # the range, before the first attempt
    child.send("70" + ENTER)
    expect(child, "The largest allowed is 60")
    child.send("\x15" + "12" + ENTER)
    expect(child, "Support for alpha?")
    child.send(ENTER)  # hurried: nothing is chosen
    expect(child, "Please choose an answer with the arrow keys, then press Enter.")
    assert "alpha.support" not in answers(db, code)
    select(child, "Support for alpha?", 4)
    type_text(child, "Comment on alpha?", "")
    select(child, "Support for beta?", 4)
    expect(child, "Which sectors?")
    child.send(SPACE + DOWN + SPACE + ENTER)
    expect(child, "Which sectors? AI; Bio")  # what was chosen, not "done (2 selections)"
    select(child, "place 1 of 2", 2)  # beta first
    expect(child, "Your order:")
    expect(child, "1. Beta proposal")
    expect(child, "2. Alpha proposal")
    expect(child, "Everything correct?")
    child.send(DOWN * 2 + ENTER)  # Stop here and finish later
    expect(child, f"Your answers are saved. Your access code is {code}")
    assert finish(child) == 0
    screen = plain(log.getvalue())
    assert "Use arrow keys" not in screen and "selections" not in screen
    assert history(db, code, "alpha.support") == [4]
    assert status_of(db, code) == "in_progress"
