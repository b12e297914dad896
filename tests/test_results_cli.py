"""``consult simulate``, ``consult results`` and ``consult export`` as a new user runs them.

The real ``consult`` program in a subprocess, in a fresh directory holding a copy of
``surveys/``, with no CONSULT_DB: the database lands in results/consult.db.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pty_support import as_at_a_terminal

from consult.errors import InputError
from consult.reports.output_file import replacing
from consult.reports.terminal import choose_layout
from consult.results.aggregation import aggregate
from consult.results.report_data import Figures
from consult.session.simulation import allocate
from consult.store import NewParticipant, ResponseFilter, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey

ROOT = Path(__file__).resolve().parents[1]
CONSULT = str(Path(sys.executable).parent / "consult")
SURVEY = "surveys/st-diplomacy-roundtable.yaml"
SURVEY_ID = "st-diplomacy-roundtable"
HOSTILE = ['=HYPERLINK("x")', "+1", "-1", "@A1"]
# Escapes that clear the screen and colour, a C1 control sequence, a right-to-left override,
# a next-line control (NEL).
ESCAPES = ["\x1b[2J\x1b[31mred", "csi\x9b31m", "abc\u202edcba", "ls\x85nel"]
NAMES = [("Alice Realname", "Secret Org One"), ("Bob Realname", "Secret Org Two")]


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    e.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", COLUMNS="160", LINES="50")
    e.pop("CONSULT_DEBUG", None)
    return e


def consult(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CONSULT, *args], cwd=cwd, env=env(), capture_output=True, text=True, timeout=60
    )


_RUNS: dict[tuple[Path, tuple[str, ...]], subprocess.CompletedProcess[str]] = {}


def demo_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``consult`` on the shared demo directory; read-only commands run once per session."""
    key = (cwd, args)
    if key not in _RUNS:
        _RUNS[key] = consult(cwd, *args)
    return _RUNS[key]


def consult_many(cwd: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Run independent commands side by side: each costs a Python start-up."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda args: demo_run(cwd, *args), commands))


def new_user_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "surveys", path / "surveys")
    return path


def add_real_people(db: Path) -> None:
    """Two real participants with names, one of whom writes formula-like comments."""
    survey = load_survey(ROOT / SURVEY)
    with open_store(db) as store:
        register_survey(store, survey)
        people = store.add_participants(
            SURVEY_ID, [NewParticipant("science", n, o) for n, o in NAMES]
        )
        for person, comments in zip(people, (HOSTILE, ["plain words", *ESCAPES]), strict=True):
            response = store.start_response(person.id, survey.hash, 1)
            store.save_answer(response, "ministry-led.support", 5, 5.0)
            for proposal, text in zip(survey.proposals, comments, strict=False):
                store.save_answer(response, f"{proposal.id}.comment", text, None)
            store.submit_response(response.id)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new user's directory after ``consult simulate``, plus two real participants."""
    cwd = new_user_dir(tmp_path_factory.mktemp("demo"))
    run = consult(cwd, "simulate", SURVEY, "--respondents", "40", "--seed", "3")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Simulated 40 responses (science ")
    assert "in results/consult.db" in run.stdout
    assert "--include-simulated" in run.stdout
    add_real_people(cwd / "results" / "consult.db")
    return cwd


def db_rows(cwd: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(cwd / "results" / "consult.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def secrets_of(cwd: Path) -> list[str]:
    rows = db_rows(cwd, "SELECT code_hash, name, organisation FROM participants")
    return [v for row in rows for v in row if v]


def assert_no_secrets(cwd: Path, text: str) -> None:
    for secret in secrets_of(cwd):
        assert not re.search(rf"\b{re.escape(secret)}\b", text), secret


def assert_one_line_error(run: subprocess.CompletedProcess[str], message: str) -> None:
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert run.stderr == f"Error: {message}\n"
    assert "Traceback" not in run.stdout + run.stderr


# --------------------------------------------------------------------------- simulate


def test_simulate_stores_marked_rows(demo: Path) -> None:
    assert db_rows(demo, "SELECT simulated, count(*) FROM participants GROUP BY 1") == [
        (0, 2),
        (1, 40),
    ]
    statuses = db_rows(
        demo,
        "SELECT p.simulated, r.status, count(*) FROM responses r "
        "JOIN participants p ON p.id = r.participant_id GROUP BY 1, 2",
    )
    assert statuses == [(0, "submitted", 2), (1, "submitted", 40)]
    assert db_rows(demo, "SELECT DISTINCT mode FROM sessions") == [("simulate",)]
    # The government-only closing question: answered by every simulated official, by no one else.
    asked = db_rows(
        demo,
        "SELECT p.group_id, count(a.question) FROM participants p JOIN responses r "
        "ON r.participant_id = p.id LEFT JOIN answers a ON a.response_id = r.id "
        "AND a.question = 'coordinator' WHERE p.simulated = 1 GROUP BY 1 ORDER BY 1",
    )
    officials = db_rows(
        demo, "SELECT count(*) FROM participants WHERE simulated = 1 AND group_id = 'government'"
    )[0][0]
    assert officials > 0
    assert asked == [("diplomacy", 0), ("government", officials), ("science", 0)]


def test_simulate_allocates_the_group_mix_by_largest_remainder(tmp_path: Path) -> None:
    cwd = new_user_dir(tmp_path / "mix")
    # quotas 3.5, 2.1 and 1.4: whole parts 3, 2, 1; the seventh goes to the largest fraction
    mix = "science=5,diplomacy=3,government=2"
    run = consult(cwd, "simulate", SURVEY, "-n", "7", "--group-mix", mix)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Simulated 7 responses (science 4, diplomacy 2, government 1)")
    counts = db_rows(cwd, "SELECT group_id, count(*) FROM participants GROUP BY 1 ORDER BY 1")
    assert counts == [("diplomacy", 2), ("government", 1), ("science", 4)]
    # a group left out gets nobody
    run = consult(cwd, "simulate", SURVEY, "-n", "4", "--group-mix", "government=1")
    assert run.stdout.startswith("Simulated 4 responses (science 0, diplomacy 0, government 4)")
    # equal weights split 10 as 4, 3, 3, the fourth drawn by lot: every group gets it sometimes
    equal = {"science": 1, "diplomacy": 1, "government": 1}
    splits = [allocate(10, equal, random.Random(seed)) for seed in range(30)]
    assert all(sorted(split.values()) == [3, 3, 4] for split in splits)
    assert {g for split in splits for g, n in split.items() if n == 4} == set(equal)
    # weights so large that their sum overflows still split fairly
    assert allocate(4, {"science": 1e308, "diplomacy": 1e308}, random.Random(1)) == {
        "science": 2,
        "diplomacy": 2,
    }


# --------------------------------------------------------------------------- results


def test_results_leaves_simulated_out_with_a_hint(demo: Path) -> None:
    run = demo_run(demo, "results", SURVEY)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "40 simulated responses left out; add --include-simulated to count them.\n"
    assert "2 responses (" in run.stdout
    assert "Led by specialised S&T" in run.stdout  # (the title may wrap in its column)


def test_results_including_simulated(demo: Path) -> None:
    run = demo_run(demo, "results", SURVEY, "--include-simulated")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    out = run.stdout
    assert "42 responses (" in out and "simulated responses included" in out
    survey = load_survey(ROOT / SURVEY)
    for p in survey.proposals:
        assert p.title.get("en")[:20] in out
    with open_store(demo / "results" / "consult.db") as store:
        res = aggregate(store, survey, ResponseFilter(include_simulated=True))
    rows = [line for line in out.splitlines() if re.match(r"^│\s*\d+\s*│", line)]
    assert len(rows) == len(survey.proposals)
    for p, row in zip(res.proposals, rows, strict=True):
        assert row.split("│")[1].strip() == str(p.rank)
        assert ("✔ for" in row) == (p.stats.consensus == "for")
        assert ("⚡ " in row) == p.stats.contested  # "⚡?" is only possible
    assert any(p.stats.consensus == "for" for p in res.proposals)
    assert any(p.stats.contested for p in res.proposals)


def test_results_in_korean(demo: Path) -> None:
    run = demo_run(demo, "results", SURVEY, "--include-simulated", "--lang", "ko")
    assert run.returncode == 0, run.stderr
    assert "과학기술외교 정책 라운드테이블" in run.stdout
    assert "과학기술 전문 부처 주도" in run.stdout
    assert "외교·정책 전문가" in run.stdout
    assert "제안" in run.stdout and "합의" in run.stdout  # the table's own words too
    assert "합의 규칙: 찬성 합의: 지지 >= 70% 그리고 반대 < 15%" in " ".join(run.stdout.split())


def test_results_json_equals_the_library(demo: Path) -> None:
    run = demo_run(demo, "results", SURVEY, "--json", "--include-simulated")
    assert run.returncode == 0, run.stderr
    survey = load_survey(ROOT / SURVEY)
    with open_store(demo / "results" / "consult.db") as store:
        expected = aggregate(store, survey, ResponseFilter(include_simulated=True)).to_dict()
    assert json.loads(run.stdout) == {
        "format": 1,
        "kind": "results",
        **json.loads(json.dumps(expected)),
    }
    # Piped, the JSON is compact: one line (Python's C encoder; indenting is for terminals).
    assert run.stdout.count("\n") == 1


def test_results_json_is_indented_at_a_terminal(demo: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        CONSULT,
        ["results", SURVEY, "--json", "--include-simulated"],
        cwd=str(demo),
        env=env(),
        encoding="utf-8",
        timeout=60,
    )
    text = child.read()
    child.close()
    assert child.exitstatus == 0, text
    assert text.startswith('{\r\n  "format": 1,\r\n  "kind": "results",\r\n  "survey": {\r\n')
    piped = demo_run(demo, "results", SURVEY, "--json", "--include-simulated")
    assert json.loads(text) == json.loads(piped.stdout)


def test_results_by_stored_id(demo: Path) -> None:
    by_file = demo_run(demo, "results", SURVEY, "--json")
    by_id = demo_run(demo, "results", SURVEY_ID, "--json")
    assert by_id.returncode == 0, by_id.stderr
    assert json.loads(by_id.stdout) == json.loads(by_file.stdout)
    assert json.loads(by_id.stdout)["respondents"]["total"] == 2


def test_results_group_and_round_filters(demo: Path) -> None:
    run = consult(
        demo, "results", SURVEY_ID, "--json", "--include-simulated", "-g", "science", "-r", "1"
    )
    data = json.loads(run.stdout)
    assert data["filter"]["groups"] == ["science"] and data["filter"]["round"] == 1
    assert data["respondents"]["diplomacy"] == 0 and data["respondents"]["science"] > 2
    table = demo_run(demo, "results", SURVEY_ID, "-g", "science", "-g", "diplomacy")
    assert table.returncode == 0 and "groups: science, diplomacy" in table.stdout


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_results_in_a_narrow_terminal(demo: Path, width: int) -> None:
    """Every figure shows whole at any width: columns give way, a second table takes the groups."""
    run = subprocess.run(
        [CONSULT, "results", SURVEY_ID, "--include-simulated"],
        cwd=demo,
        env={**env(), "COLUMNS": str(width)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert all(len(line) <= width for line in lines)
    # nothing cut short ("…" separates only the ends of a possible gap's interval: (-4…60))
    assert "…" not in re.sub(r"\(-?\d+…-?\d+\)", "", run.stdout)
    assert "science = Science and technology" in " ".join(run.stdout.split())  # the legend
    survey = load_survey(ROOT / SURVEY)
    with open_store(demo / "results" / "consult.db") as store:
        res = aggregate(store, survey, ResponseFilter(include_simulated=True))
    # The richest layout that fits: bars wherever they fit (from 80 columns on this panel),
    # the groups in a table of their own below when they do not (60), inline when they do (120).
    layout, _ = choose_layout(res, width, Figures(survey.consensus))
    assert ("█" in run.stdout) == bool(layout.bar_width) == (width >= 80)
    assert ("Support by group" in run.stdout) == (not layout.groups_inline)
    assert layout.groups_inline == (width >= 120) or width == 100  # 100: as the gaps' widths allow

    def pct(share: float | None) -> str:
        return "–" if share is None else f"{share:.0%}"

    for p in res.proposals:
        # The rank starts a row of the main table and, when narrow, one of the group table.
        rows = [line.split() for line in lines if re.match(rf"^\s*{p.rank}\s", line)]
        cells = [cell.rstrip("†") for row in rows for cell in row]
        assert pct(p.stats.panel.support) in cells and pct(p.stats.panel.opposition) in cells
        for g in survey.group_ids:
            assert pct(p.stats.groups[g].support) in cells, (p.id, g)


def test_results_show_the_rank_and_the_proposals_number(demo: Path) -> None:
    """The rank is by support; the number is the one participants saw ("Proposal 3 of 6"):
    both shown, labelled, in the main table and in the "Support by group" table."""
    survey = load_survey(ROOT / SURVEY)
    numbers = {p.id: n for n, p in enumerate(survey.proposals, 1)}
    with open_store(demo / "results" / "consult.db") as store:
        res = aggregate(store, survey, ResponseFilter(include_simulated=True))
    assert [numbers[p.id] for p in res.proposals] != sorted(numbers.values())  # not the order
    wide = demo_run(demo, "results", SURVEY, "--include-simulated").stdout
    header = next(line for line in wide.splitlines() if "Proposal" in line).split("┃")
    # (headers sit at the bottom of the heading; group labels may wrap above them)
    assert header[1].strip() == "Rank" and header[2].strip() == "No."
    rows = [line.split("│") for line in wide.splitlines() if re.match(r"^│\s*\d+\s*│", line)]
    for p, row in zip(res.proposals, rows, strict=True):
        assert (row[1].strip(), row[2].strip()) == (str(p.rank), f"P{numbers[p.id]}")
    assert "the proposal's number in the survey, as participants saw it" in " ".join(wide.split())
    narrow = subprocess.run(
        [CONSULT, "results", SURVEY_ID, "--include-simulated"],
        cwd=demo,
        env={**env(), "COLUMNS": "60"},
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    lines = narrow.splitlines()
    by_group = lines.index(next(line for line in lines if "Support by group" in line))
    assert next(line for line in lines[by_group + 1 :] if line.strip()).split()[:2] == ["Rk", "No."]
    for p in res.proposals:  # the main table starts the title with the number
        assert any(
            re.match(rf"^\s*{p.rank}\s+P{numbers[p.id]} ", line) for line in lines[:by_group]
        )
        assert any(
            re.match(rf"^\s*{p.rank}\s+P{numbers[p.id]}\s", line) for line in lines[by_group:]
        )
    ko = demo_run(demo, "results", SURVEY, "--include-simulated", "--lang", "ko").stdout
    header = next(line for line in ko.splitlines() if "제안" in line and "┃" in line).split("┃")
    assert header[1].strip() == "순위" and header[2].strip() == "번호"


@pytest.mark.parametrize("width", ["200", "60"])
def test_a_group_filter_leaves_out_the_other_groups_columns(demo: Path, width: str) -> None:
    run = subprocess.run(
        [CONSULT, "results", SURVEY_ID, "--include-simulated", "--group", "diplomacy"],
        cwd=demo,
        env={**env(), "COLUMNS": width},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "groups: diplomacy" in out
    if width == "200":  # labelled group columns
        lines = out.splitlines()
        top = lines.index(next(line for line in lines if line.startswith("┏")))
        header = " ".join(lines[top : lines.index(next(x for x in lines if x.startswith("┡")))])
        assert "Diplomacy" in header
        assert "Science" not in header and "Government" not in header
    else:  # the "Support by group" table
        lines = out.splitlines()
        start = lines.index(next(line for line in lines if "Support by group" in line))
        heads = next(line for line in lines[start + 1 :] if line.strip())
        assert heads.split() == ["Rk", "No.", "Gap", "diplomacy"]
        assert "diplomacy = Diplomacy and policy" in " ".join(out.split())
    assert "science" not in out.lower().replace("science and technology diplomacy", "")
    assert "government" not in out.lower()


# --------------------------------------------------------------------------- export


def answers_in_db(cwd: Path, include_simulated: bool) -> int:
    sql = (
        "SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
        "JOIN participants p ON p.id = r.participant_id WHERE r.status = 'submitted'"
    )
    if not include_simulated:
        sql += " AND p.simulated = 0"
    return db_rows(cwd, sql)[0][0]


@pytest.mark.parametrize("include_simulated", [False, True])
def test_export_answers_all_formats(demo: Path, include_simulated: bool) -> None:
    flag = ["--include-simulated"] if include_simulated else []
    expected = answers_in_db(demo, include_simulated)
    pseudonyms = {p for (p,) in db_rows(demo, "SELECT pseudonym FROM participants")}
    formats = ("csv", "json", "jsonl")
    runs = consult_many(demo, [["export", SURVEY, "--format", fmt, *flag] for fmt in formats])
    outputs = {}
    for fmt, run in zip(formats, runs, strict=True):
        assert run.returncode == 0, run.stderr
        assert_no_secrets(demo, run.stdout)
        outputs[fmt] = run.stdout
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    as_json = json.loads(outputs["json"])
    lines = [json.loads(line) for line in outputs["jsonl"].splitlines()]
    assert len(rows) == len(as_json) == len(lines) == expected
    assert as_json == lines
    assert {r["participant"] for r in rows} <= pseudonyms
    assert set(rows[0]) == {
        "participant", "group", "round", "status", "simulated", "proposal", "question",
        "value", "numeric", "answered_at", "survey_hash",
    }  # fmt: skip
    assert {r["simulated"] for r in lines} == ({False, True} if include_simulated else {False})


def test_export_summary_all_formats(demo: Path) -> None:
    survey = load_survey(ROOT / SURVEY)
    summary = ["export", SURVEY, "--what", "summary"]
    csv_run, jsonl, as_json = consult_many(
        demo,
        [
            [*summary, "--include-simulated"],
            [*summary, "-f", "jsonl", "--include-simulated"],
            [*summary, "-f", "json", "-l", "ko"],
        ],
    )
    for run in (csv_run, jsonl, as_json):
        assert run.returncode == 0, run.stderr
        assert_no_secrets(demo, run.stdout)
    rows = list(csv.DictReader(io.StringIO(csv_run.stdout)))
    per_proposal = 1 + len(survey.groups)  # the panel, then each group
    assert len(rows) == len(survey.proposals) * per_proposal
    assert rows[0]["rank"] == "1" and rows[0]["group"] == "panel"
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["proposal"] for r in records] == [r["proposal"] for r in rows]
    assert records[0]["n_valid"] == int(rows[0]["n_valid"])
    data = json.loads(as_json.stdout)
    with open_store(demo / "results" / "consult.db") as store:
        expected = aggregate(store, survey, ResponseFilter(), "ko").to_dict()
    assert data == json.loads(json.dumps(expected))


def test_export_to_a_file(demo: Path) -> None:
    run = demo_run(demo, "export", SURVEY, "-f", "jsonl", "-o", "out/answers.jsonl")
    assert run.returncode == 0, run.stderr
    expected = answers_in_db(demo, False)
    assert run.stdout == ""
    assert run.stderr == (
        f"Wrote {expected} records to out/answers.jsonl\n"
        "40 simulated responses left out; add --include-simulated to count them.\n"
    )
    assert len((demo / "out" / "answers.jsonl").read_text().splitlines()) == expected


def test_export_never_overwrites_or_writes_into_a_file_without_asking(tmp_path: Path) -> None:
    cwd = new_user_dir(tmp_path / "out")
    assert consult(cwd, "simulate", SURVEY, "-n", "2").returncode == 0
    (cwd / "kept.csv").write_text("precious\n")
    (cwd / "folder").mkdir()
    (cwd / "plain").write_text("a file\n")
    cases = [
        ("kept.csv", "kept.csv already exists; add --force to overwrite it"),
        ("folder", "folder: is a folder; name the file to write"),
        ("plain/answers.csv", "plain/answers.csv: plain is a file, not a folder"),
    ]
    for target, message in cases:
        assert_one_line_error(consult(cwd, "export", SURVEY, "-o", target), message)
    assert (cwd / "kept.csv").read_text() == "precious\n"
    run = consult(cwd, "export", SURVEY, "--include-simulated", "-o", "kept.csv", "--force")
    assert run.returncode == 0, run.stderr
    assert run.stderr == f"Wrote {answers_in_db(cwd, True)} records to kept.csv\n"
    assert (cwd / "kept.csv").read_text().startswith("participant,group,")
    assert sorted(p.name for p in cwd.iterdir()) == [
        "folder",
        "kept.csv",
        "plain",
        "results",
        "surveys",
    ]  # fmt: skip  (no .part file left behind)


def test_export_replaces_what_a_link_points_to_and_keeps_its_permissions(tmp_path: Path) -> None:
    cwd = new_user_dir(tmp_path / "link")
    assert consult(cwd, "simulate", SURVEY, "-n", "2").returncode == 0
    shared = cwd / "shared"
    shared.mkdir()
    (shared / "answers.csv").write_text("old\n")
    (shared / "answers.csv").chmod(0o600)  # free text can identify people: kept private
    (cwd / "answers.csv").symlink_to(shared / "answers.csv")
    run = consult(cwd, "export", SURVEY, "--include-simulated", "-o", "answers.csv", "--force")
    assert run.returncode == 0, run.stderr
    assert (cwd / "answers.csv").is_symlink()
    assert (shared / "answers.csv").read_text().startswith("participant,")
    assert (shared / "answers.csv").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in shared.iterdir()) == ["answers.csv"]
    db = "results/consult.db"
    assert_one_line_error(
        consult(cwd, "export", SURVEY, "-o", db, "--force"),
        f"{db}: is the database or one of its files; name another file",
    )
    assert_one_line_error(
        consult(cwd, "export", SURVEY, "-o", f"./{db}-wal", "--force"),
        f"{db}-wal: is the database or one of its files; name another file",
    )
    # /dev/stdout is the stream the shell opened, here a pipe: written to, never replaced
    run = consult(cwd, "export", SURVEY, "--include-simulated", "-f", "jsonl", "-o", "/dev/stdout")
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == answers_in_db(cwd, True)
    # two exports racing for one new name: the later refuses instead of replacing the first
    late = cwd / "raced.csv"
    with (
        pytest.raises(InputError, match=r"raced\.csv already exists; add --force"),
        replacing(late, overwrite=False) as tmp,
    ):
        tmp.write_text("mine\n")
        late.write_text("theirs\n")  # the other export finished first
    assert late.read_text() == "theirs\n"
    assert sorted(p.name for p in cwd.iterdir() if p.name.startswith(".")) == []
    # a named pipe is written to, not replaced by a file
    fifo = cwd / "pipe"
    os.mkfifo(fifo)
    with ThreadPoolExecutor(1) as pool:
        reader = pool.submit(fifo.read_text)
        run = consult(cwd, "export", SURVEY, "--include-simulated", "-f", "jsonl", "-o", "pipe")
        lines = reader.result(timeout=30).splitlines()
    assert run.returncode == 0, run.stderr
    assert len(lines) == answers_in_db(cwd, True) and fifo.is_fifo()
    os.mkfifo(cwd / "pipe.xlsx")  # a workbook is assembled in its file: a pipe is refused
    assert_one_line_error(
        consult(cwd, "report", SURVEY, "-o", "pipe.xlsx"),
        "pipe.xlsx: not a regular file; the report is written as an .xlsx file",
    )


def test_hostile_comments_neutralised_in_csv_unchanged_in_json(demo: Path) -> None:
    run = demo_run(demo, "export", SURVEY, "--format", "csv")
    values = [r["value"] for r in csv.DictReader(io.StringIO(run.stdout))]
    for text in HOSTILE:
        assert "'" + text in values
        assert text not in values
    jsonl = demo_run(demo, "export", SURVEY, "--format", "jsonl")
    json_values = [json.loads(line)["value"] for line in jsonl.stdout.splitlines()]
    for text in HOSTILE:
        assert text in json_values
    results = json.loads(demo_run(demo, "results", SURVEY, "--json", "--comments").stdout)
    assert {c["text"] for c in results["comments"]} >= set(HOSTILE)


def test_terminal_controls_in_answers_never_reach_the_terminal(demo: Path) -> None:
    runs = consult_many(
        demo,
        [
            ["export", SURVEY, "--format", "csv"],
            ["export", SURVEY, "--format", "jsonl"],
            ["export", SURVEY, "--format", "json"],
            ["results", SURVEY, "--json", "--comments"],
        ],
    )
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert not re.search("[\x1b\x85\x9b\u202e]", run.stdout)
    csv_run, jsonl, as_json, results = runs
    values = [r["value"] for r in csv.DictReader(io.StringIO(csv_run.stdout))]
    # whole sequences dropped (no "[31m" left), NEL read as the line break it is
    assert {"red", "csi", "abcdcba", "ls\nnel"} <= set(values)
    # JSON escapes them instead, so a reader gets the text exactly as typed
    assert set(ESCAPES) <= {json.loads(line)["value"] for line in jsonl.stdout.splitlines()}
    assert set(ESCAPES) <= {r["value"] for r in json.loads(as_json.stdout)}
    assert set(ESCAPES) <= {c["text"] for c in json.loads(results.stdout)["comments"]}


def test_answers_are_exported_in_survey_order(demo: Path) -> None:
    survey = load_survey(ROOT / SURVEY)
    position = {q.key: i for i, q in enumerate(survey.questions())}
    run = demo_run(demo, "export", SURVEY, "-f", "jsonl", "--include-simulated")
    by_response: dict[tuple, list[str]] = {}
    for r in map(json.loads, run.stdout.splitlines()):
        by_response.setdefault((r["participant"], r["round"]), []).append(r["question"])
    assert len(by_response) == 42
    for questions in by_response.values():
        assert questions == sorted(questions, key=position.__getitem__)
    # simulated answers share one timestamp: neither time nor name would give this order
    assert any(q != sorted(q) for q in by_response.values())


# --------------------------------------------------------------------------- bad input


BAD_INPUT = [
    (
        ["results", SURVEY, "--group", "nope"],
        "--group nope: unknown group (one of: science, diplomacy, government)",
    ),
    (
        ["export", SURVEY, "--group", "nope"],
        "--group nope: unknown group (one of: science, diplomacy, government)",
    ),
    (
        ["export", SURVEY, "--format", "xml"],
        "--format xml: one of csv, json, jsonl, wide, sav, dta, md",
    ),
    (
        ["export", SURVEY, "--what", "everything"],
        "--what everything: one of answers, summary, codebook",
    ),
    (
        ["results", SURVEY, "--since", "2026-13-01"],
        "--since 2026-13-01: expected a date such as 2026-07-01",
    ),
    (
        ["results", SURVEY, "--until", "20260701"],
        "--until 20260701: expected a date such as 2026-07-01",
    ),
    (
        ["results", SURVEY, "--until", "2026-07-01T00:00"],
        "--until 2026-07-01T00:00: expected a date such as 2026-07-01",
    ),
    (
        ["simulate", SURVEY, "-n", "3", "--group-mix", "science=lots"],
        "--group-mix: weight 'lots' of science is not a number",
    ),
    (
        ["simulate", SURVEY, "-n", "3", "--group-mix", "science=inf"],
        "--group-mix: weight 'inf' of science is not a number",
    ),
    (
        ["simulate", SURVEY, "-n", "3", "--group-mix", "science=nan,diplomacy=1"],
        "--group-mix: weight 'nan' of science is not a number",
    ),
    (
        ["simulate", SURVEY, "-n", "3", "--group-mix", "science=1,science=2"],
        "--group-mix: science is named twice",
    ),
    (
        ["simulate", SURVEY, "-n", "3", "--group-mix", "science=0"],
        "--group-mix: the weights add up to nothing",
    ),
    (
        ["simulate", SURVEY, "-n", "3", "--group-mix", "pirates=1"],
        "--group-mix: 'pirates=1' is not GROUP=WEIGHT with a group of the survey "
        "(science, diplomacy, government)",
    ),
    (
        ["results", "no-such-survey"],
        "no-such-survey: no such survey file, and no survey with that id in results/consult.db",
    ),
    (["results", SURVEY, "--lang", "fr"], "--lang fr: the survey is in en, ko"),
    (
        ["export", SURVEY, "--since", "2026-07-02", "--until", "2026-07-01"],
        "--since 2026-07-02 is after --until 2026-07-01: no response could match",
    ),
    (
        ["results", SURVEY, "--comments"],
        "--comments: only with --json; the table shows no free text",
    ),
    (
        ["results", SURVEY, "--watch", "--json"],
        "--watch: a live table; it does not combine with --json",
    ),
    (["results", SURVEY, "--interval", "3"], "--interval: only with --watch"),
    (
        ["results", SURVEY, "--watch", "--interval", "nan"],
        "--interval nan: expected a number of seconds, 0.5 to 3600",
    ),
    (
        ["results", SURVEY, "--watch", "--interval", "1e10"],
        "Invalid value for '--interval': 10000000000.0 is not in the range 0.5<=x<=3600."
        " (see 'consult results --help')",
    ),
    (
        ["results", SURVEY, "--watch"],
        "--watch: needs a terminal; without one, run 'consult results' once",
    ),
]


@pytest.fixture(scope="module")
def bad_input_runs(demo: Path) -> dict[int, subprocess.CompletedProcess[str]]:
    before = db_rows(demo, "SELECT count(*) FROM participants")
    runs = consult_many(demo, [args for args, _ in BAD_INPUT])
    assert db_rows(demo, "SELECT count(*) FROM participants") == before  # nothing written
    return dict(enumerate(runs))


@pytest.mark.parametrize(
    "case", range(len(BAD_INPUT)), ids=[" ".join(a[:1] + a[2:]) for a, _ in BAD_INPUT]
)
def test_bad_input_is_one_line_and_exit_2(bad_input_runs, case: int) -> None:
    assert_one_line_error(bad_input_runs[case], BAD_INPUT[case][1])


# --------------------------------------------------------------------------- --watch


WATCH_WORDS = {
    "en": ("10 responses", "Led by specialised", "15 responses", "Refreshed at", "Ctrl-C to stop"),
    "ko": ("응답 10건", "과학기술 전문 부처 주도", "응답 15건", "에 갱신됨", "멈추려면 Ctrl-C"),
}


@pytest.mark.pty
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_watch_refreshes_and_stops_cleanly_on_ctrl_c(tmp_path: Path, lang: str) -> None:
    """The table redraws as answers come in, with a footer: when it was last refreshed (local
    time) and how to stop, in the results' language."""
    pexpect = pytest.importorskip("pexpect")
    from consult.session.simulation import simulate

    before, title, after, refreshed, stop = WATCH_WORDS[lang]
    cwd = new_user_dir(tmp_path / "watch")
    assert consult(cwd, "simulate", SURVEY, "-n", "10", "--seed", "1").returncode == 0
    child = pexpect.spawn(
        CONSULT,
        [
            *("results", SURVEY_ID, "--include-simulated", "--lang", lang),
            *("--watch", "--interval", "0.5"),
        ],
        cwd=str(cwd),
        env=env(),
        preexec_fn=as_at_a_terminal,
        encoding="utf-8",
        # Ctrl-C can cut a redraw in the middle of a character: read that as what a terminal
        # shows (a replacement mark) rather than fail to decode.
        codec_errors="replace",
        dimensions=(50, 160),
        timeout=15,
    )
    try:
        child.expect(before)
        child.expect(title)
        footer = r"(\d\d:\d\d:\d\d)" if lang == "ko" else rf"{refreshed} (\d\d:\d\d:\d\d)"
        child.expect(footer)
        first = child.match.group(1)
        child.expect(refreshed if lang == "ko" else " · ")
        child.expect(re.escape(stop))
        with open_store(cwd / "results" / "consult.db") as store:
            simulate(store, load_survey(cwd / SURVEY), 5, seed=2)
        child.expect(after)
        child.expect(footer)  # the refresh time, after the table that changed
        assert child.match.group(1) >= first or first.startswith("23:59")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in (child.before or "")
    assert "Interrupted" not in (child.before or "")
