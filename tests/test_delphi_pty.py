"""A Delphi round 2 through the real ``consult run`` in a pty, on a real SQLite file.

Round 1 is answered by three participants through the terminal (tests/surveys/delphi-small.yaml):

====  =======  =====  ====  =====  ================================
who   group    alpha  beta  gamma  comment on alpha
====  =======  =====  ====  =====  ================================
P1    science  5      2     4      Alpha builds trust between labs
P2    policy   1      4     5      Too costly for small ministries
P3    science  3      3     4
====  =======  =====  ====  =====  ================================

Alpha 1 3 5: median 3, IQR 2-4 (type 7), support 1/3: carried, outside 1 and 5. Beta 2 3 4:
median 3, IQR 2.5-3.5: carried, outside 1, 2, 4, 5. Gamma 4 5 4: consensus for, settled.
Round 2 is opened with the real ``consult round open``; after it, ``consult results --rounds``
and the report's Rounds sheet show both rounds.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from delphi_support import ROUND_1 as ROUND_1_BY_HAND
from delphi_support import round_one
from openpyxl import load_workbook

from consult.results.rounds import open_next_round
from consult.store import format_code, open_store
from consult.store.surveys import resolve_survey

pexpect = pytest.importorskip("pexpect")

from pty_support import (  # noqa: E402
    CONSULT,
    CTRL_C,
    DOWN,
    ENTER,
    env,
    expect,
    finish,
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

SURVEY = str(Path(__file__).parent / "surveys" / "delphi-small.yaml")
ROUND_1 = {
    "P1": ("science", 5, 2, 4, "Alpha builds trust between labs"),
    "P2": ("policy", 1, 4, 5, "Too costly for small ministries"),
    "P3": ("science", 3, 3, 4, ""),
}
REASON_Q = "Your answer lies outside the middle half"


def logged(child: pexpect.spawn) -> io.StringIO:
    log = io.StringIO()
    child.logfile_read = log
    return log


def answer_round_1(db: Path, code: str, alpha: int, beta: int, gamma: int, comment: str) -> None:
    child = spawn(db, "run", SURVEY, "--code", code)
    select(child, "Language / 언어")
    select(child, "Do you agree?")
    type_text(child, "Years of experience?", "10")
    select(child, "Support for alpha?", alpha)  # below "— choose an answer —"
    type_text(child, "Comment on alpha?", comment)
    select(child, "Support for beta?", beta)
    type_text(child, "Comment on beta?", "")
    select(child, "Support for gamma?", gamma)
    type_text(child, "Comment on gamma?", "")
    expect(child, "Everything correct?")
    child.send(ENTER)
    expect(child, "Your answers have been submitted.")
    assert finish(child) == 0


def copy_db(source: Path, target_dir: Path) -> Path:
    """The database and the key beside it (``NAME.key``)."""
    for f in source.parent.iterdir():
        if f.name.startswith(source.name):
            shutil.copy(f, target_dir / f.name)
    return target_dir / source.name


@pytest.fixture(scope="module")
def round_1(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Round 1 answered in the terminal by P1-P3 (round 1 still open); P4 registered only."""
    db = tmp_path_factory.mktemp("round1") / "consult.db"
    codes = {}
    for name, (group, alpha, beta, gamma, comment) in ROUND_1.items():
        codes[name] = register(db, SURVEY, group)
        answer_round_1(db, codes[name], alpha, beta, gamma, comment)
    codes["P4"] = register(db, SURVEY, "policy")
    return db, codes


@pytest.fixture
def round_2(round_1: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of round 1's database with round 2 opened."""
    db = copy_db(round_1[0], tmp_path)
    open_round_2(db)
    return db, round_1[1]


def consult(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CONSULT, "--db", str(db), *args], env=env(), capture_output=True, text=True, timeout=60
    )


def open_round_2(db: Path) -> None:
    done = consult(db, "round", "open", SURVEY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Round 1 closed; its results are frozen: 3 submitted")
    with open_store(db) as store:
        survey = resolve_survey(store, SURVEY)
        (first, second) = store.rounds(survey.id)
    assert (first.closed_at is not None, second.number) == (True, 2)
    assert second.plan["carried"] == ["alpha", "beta"]
    assert second.plan["settled"] == {"gamma": {"round": 1, "verdict": "for"}}


def round_answers(db: Path, code: str, round: int) -> dict[str, object]:
    found = rows(
        db,
        "SELECT a.question, a.value FROM answers a JOIN responses r ON r.id = a.response_id "
        "JOIN participants p ON p.id = r.participant_id WHERE p.code_hash = ? AND r.round = ?",
        (stored_code(db, code), round),
    )
    return {q: json.loads(v) for q, v in found}


def history(db: Path, code: str, round: int, question: str) -> list[object]:
    found = rows(
        db,
        "SELECT h.value FROM answer_history h JOIN responses r ON r.id = h.response_id "
        "JOIN participants p ON p.id = r.participant_id "
        "WHERE p.code_hash = ? AND r.round = ? AND h.question = ? ORDER BY h.id",
        (stored_code(db, code), round, question),
    )
    return [None if v is None else json.loads(v) for (v,) in found]


def snapshot_1(db: Path) -> str:
    return rows(db, "SELECT snapshot FROM rounds WHERE number = 1")[0][0]


def line_with(screen: str, pattern: str) -> str:
    """The screen line matching ``pattern`` (a regular expression)."""
    found = [line for line in screen.splitlines() if re.search(pattern, line)]
    assert found, pattern
    return found[-1]


# --- round 2 ----------------------------------------------------------------------------------


def test_round_2_feedback_keep_with_enter_and_a_reason_outside_the_iqr(
    round_2: tuple[Path, dict[str, str]],
) -> None:
    db, codes = round_2
    before = snapshot_1(db)
    with open_store(db) as store:
        parsed = store.rounds("delphi-small")[0].snapshot
    child = spawn(db, "run", SURVEY, "--code", codes["P3"], size=(50, 80))
    log = logged(child)
    select(child, "Language / 언어")
    # No consent again (given in round 1); the settled proposal and the round, once.
    expect(child, "Settled in an earlier round (not asked again)")
    expect(child, "Gamma proposal: consensus for (round 1)")
    expect(child, "Round 2. You see how the panel answered in round 1")
    expect(child, "Proposal 1 of 2")
    expect(child, "How the panel answered in round 1")
    expect(child, "Median 3 · middle half of the answers (IQR) 2–4 · 3 answers")
    expect(child, "Support by group")
    expect(child, "Reasons given in round 1 (anonymous)")
    expect(child, "Support for alpha?")
    screen = plain(log.getvalue())
    assert "Alpha builds trust between labs" in screen and "— supports, Science" in screen
    assert "Too costly for small ministries" in screen and "— opposes, Policy" in screen
    assert "◀ your answer in round 1" in line_with(screen, r"^3 Neutral ")
    assert "◀" not in line_with(screen, r"^5 Strongly support ")
    assert re.search(r"^1 Strongly oppose +█+ +1 \(33%\)", screen, re.M)
    assert re.search(r"^Science +█+ +50% support · n = 2", screen, re.M)
    assert re.search(r"^Policy +0% support · n = 1", screen, re.M)
    child.send(ENTER)  # keeps 3, inside the IQR: no reason asked
    type_text(child, "Comment on alpha?", "")
    expect(child, "Proposal 2 of 2")
    expect(child, "Median 3 · middle half of the answers (IQR) 2.5–3.5 · 3 answers")
    expect(child, "No reasons were given in round 1.")
    select(child, "Support for beta?", 2)  # from 3 (the default) down to 5
    type_text(child, REASON_Q, "Labs convinced me")
    type_text(child, "Comment on beta?", "")
    expect(child, "Everything correct?")
    child.send(ENTER)
    expect(child, "Your answers have been submitted.")
    assert finish(child) == 0

    assert plain(log.getvalue()).count(REASON_Q) == 1  # for beta only
    assert round_answers(db, codes["P3"], 2) == {
        "alpha.support": 3,
        "beta.support": 5,
        "beta.delphi_reason": "Labs convinced me",
    }
    assert history(db, codes["P3"], 2, "beta.support") == [5]
    assert history(db, codes["P3"], 2, "alpha.support") == [3]
    assert history(db, codes["P3"], 1, "beta.support") == [3]  # round 1 as it was
    assert round_answers(db, codes["P3"], 1)["beta.support"] == 3
    assert rows(
        db,
        "SELECT r.round, r.status FROM responses r JOIN participants p "
        "ON p.id = r.participant_id WHERE p.code_hash = ? ORDER BY r.round",
        (stored_code(db, codes["P3"]),),
    ) == [(1, "submitted"), (2, "submitted")]
    # The round-1 snapshot is byte for byte what it was when round 2 opened.
    assert snapshot_1(db) == before
    with open_store(db) as store:
        assert store.rounds("delphi-small")[0].snapshot == parsed

    # Both rounds side by side: results --rounds and the report's Rounds sheet.
    done = consult(db, "results", SURVEY, "--rounds", "--json")
    assert done.returncode == 0, done.stderr
    across = {p["id"]: p for p in json.loads(done.stdout)["proposals"]}
    alpha = across["alpha"]["rounds"]
    assert [(c["round"], c["n"], c["median"]) for c in alpha] == [(1, 3, 3.0), (2, 1, 3.0)]
    assert across["gamma"]["settled_in"] == 1 and across["gamma"]["rounds"][1] is None
    table = consult(db, "results", SURVEY, "--rounds").stdout
    assert "Round 1" in table and "Round 2" in table
    report = db.parent / "report.xlsx"
    done = consult(db, "report", SURVEY, "-o", str(report))
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(report, read_only=True)["Rounds"]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(cells) if r and "Round" in r)
    at = {name: cells[start].index(name) for name in ("Proposal", "Round", "n", "Median")}
    table_rows = []
    for r in cells[start + 1 :]:
        if not r or r[at["Proposal"]] is None:
            break  # the per-proposal table ends at the first blank row
        table_rows.append(tuple(r[at[k]] for k in ("Proposal", "Round", "n", "Median")))
    assert [t for t in table_rows if t[0] == "Alpha proposal"] == [
        ("Alpha proposal", 1, 3, 3),
        ("Alpha proposal", 2, 1, 3),
    ]
    assert [t[1] for t in table_rows if t[0] == "Gamma proposal"] == [1]  # settled


def test_round_2_ctrl_c_then_resume_with_the_same_code(
    round_2: tuple[Path, dict[str, str]],
) -> None:
    db, codes = round_2
    before = snapshot_1(db)
    child = spawn(db, "run", SURVEY, "--code", codes["P1"], size=(50, 80))
    select(child, "Language / 언어")
    expect(child, "Support for alpha?")
    child.send(ENTER)  # keeps 5: outside alpha's IQR 2-4, so why? (required)
    type_text(child, REASON_Q, "Still convinced")
    type_text(child, "Comment on alpha?", "")
    expect(child, "Support for beta?")
    child.send(CTRL_C)
    expect(child, "Stopped. Every answer given so far is saved")
    expect(child, codes["P1"])  # the code that resumes
    assert finish(child) == 130
    assert round_answers(db, codes["P1"], 2) == {
        "alpha.support": 5,
        "alpha.delphi_reason": "Still convinced",
    }

    child = spawn(db, "run", SURVEY, "--code", codes["P1"], size=(50, 80))
    log = logged(child)
    expect(child, "Welcome back. Your 2 earlier answer(s) are saved")
    expect(child, "Proposal 2 of 2")
    expect(child, "Support for beta?")
    screen = plain(log.getvalue())
    assert "Language / 언어" not in screen
    assert "Support for alpha?" not in screen
    assert "◀ your answer in round 1" in line_with(screen, r"^2 Oppose ")
    child.send(ENTER)  # keeps 2: outside beta's IQR 2.5-3.5
    type_text(child, REASON_Q, "Still too early")
    type_text(child, "Comment on beta?", "")
    expect(child, "Everything correct?")
    child.send(ENTER)
    expect(child, "Your answers have been submitted.")
    assert finish(child) == 0
    assert round_answers(db, codes["P1"], 2) == {
        "alpha.support": 5,
        "alpha.delphi_reason": "Still convinced",
        "beta.support": 2,
        "beta.delphi_reason": "Still too early",
    }
    assert snapshot_1(db) == before


def test_round_2_refuses_who_did_not_submit_round_1(round_2: tuple[Path, dict[str, str]]) -> None:
    db, codes = round_2
    child = spawn(db, "run", SURVEY, "--code", codes["P4"])
    expect(child, "Round 2 is open to the participants who submitted round 1")
    assert finish(child) == 1
    assert round_answers(db, codes["P4"], 2) == {}


def test_a_kiosk_open_across_round_open(
    round_1: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db = copy_db(round_1[0], tmp_path)
    codes = round_1[1]
    child = spawn(db, "run", SURVEY, "--kiosk", "--exit-word", "closing-time")
    # P4 begins round 1 at the kiosk ...
    type_text(child, "Access code", codes["P4"])
    select(child, "Language / 언어")
    select(child, "Do you agree?")
    type_text(child, "Years of experience?", "7")
    expect(child, "Support for alpha?")
    # ... when the facilitator opens round 2 from another terminal.
    open_round_2(db)
    child.send(DOWN * 4 + ENTER)
    expect(child, "Round 1 is closed; no more answers are taken.")
    expect(child, "Press any key")
    child.send(ENTER)
    # Back at the welcome screen: P4 is not invited to round 2, P3 answers it.
    type_text(child, "Access code", codes["P4"])
    expect(child, "Round 2 is open to the participants who submitted round 1")
    expect(child, "Press any key")
    child.send(ENTER)
    type_text(child, "Access code", codes["P3"])
    select(child, "Language / 언어")
    expect(child, "How the panel answered in round 1")
    select(child, "Support for alpha?")
    type_text(child, "Comment on alpha?", "")
    select(child, "Support for beta?")
    type_text(child, "Comment on beta?", "")
    expect(child, "Everything correct?")
    child.send(ENTER)
    expect(child, "Press any key")
    child.send(ENTER)
    expect(child, "Access code")
    child.send(CTRL_C)
    type_text(child, "Facilitator: type the exit word", "closing-time")
    assert finish(child) == 0
    assert round_answers(db, codes["P4"], 1) == {"years": 7}
    assert round_answers(db, codes["P3"], 2) == {"alpha.support": 3, "beta.support": 3}


def test_reasons_page_by_page_in_korean(tmp_path: Path) -> None:
    # The hand-made round 1 of tests/delphi_support.py: seven reasons on alpha.
    db = tmp_path / "consult.db"
    with open_store(db) as store:
        survey = resolve_survey(store, SURVEY)
        people = round_one(store, survey)
        open_next_round(store, survey)
    code = format_code(people["s1"].code)
    child = spawn(db, "run", SURVEY, "--code", code, size=(40, 80))
    log = logged(child)
    select(child, "Language / 언어", 1)
    expect(child, "감마 제안: 찬성 합의 (1차 라운드)")
    expect(child, "1차 라운드 패널 응답")
    expect(child, "중앙값 3 · 응답의 가운데 절반 (IQR) 2.5–4.5 · 응답 7건 · 기권 1건")
    expect(child, "1차 라운드에서 제시된 이유 (익명)")
    select(child, "이유 더 보기 (7건 중 5건 표시)")
    expect(child, "알파를 지지하십니까?")
    screen = plain(log.getvalue())
    for name, (_, _, _, _, comment) in ROUND_1_BY_HAND.items():
        if comment:
            assert screen.count(comment) == 1, name  # each reason once, none left out
    assert "1차 라운드 내 응답" in line_with(screen, r"^5 매우 지지 ")
    child.send(DOWN + ENTER)  # from 5 (the default) to the abstention: no reason asked
    type_text(child, "알파에 대한 의견?", "")
    expect(child, "베타를 지지하십니까?")
    screen = plain(log.getvalue())
    assert "이유는 익명으로" not in screen
    assert "제시된 이유가 없습니다" in screen  # nobody commented on beta
    child.send(CTRL_C)
    assert finish(child) == 130
    assert round_answers(db, code, 2) == {"alpha.support": "abstain"}
