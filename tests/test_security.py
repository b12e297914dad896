"""Secrets at rest: owner-only files, access codes nobody reads back, plain failures, throttling.

The test with a second account runs only as root (it creates that account with ``useradd``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from consult.errors import StoreError
from consult.reports.output_file import remove_stale_parts, replacing
from consult.session import throttle
from consult.session.panel import import_panel
from consult.store import NewParticipant, Store, format_code, open_store
from consult.store.codes import key_path
from consult.store.schema import APPLICATION_ID, MIGRATIONS
from consult.survey.loader import load_survey

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
SMALL = Path(__file__).parent / "surveys" / "session-small.yaml"
CONSULT = str(Path(sys.executable).with_name("consult"))


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def raw_bytes(db: Path) -> bytes:
    """Everything on disk for the database: the file, its WAL and shared memory."""
    parts = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


def assert_no_code_in(db: Path, codes: list[str]) -> None:
    data = raw_bytes(db)
    for code in codes:
        for form in (code, format_code(code), code.lower()):
            assert form.encode() not in data, f"access code {form} found in the file's bytes"


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most accounts have: new files readable by all
    try:
        yield
    finally:
        os.umask(old)


# --- files created owner-only -----------------------------------------------------------------


def test_database_wal_shm_key_and_folders_are_owner_only(tmp_path: Path, usual_umask) -> None:
    db = tmp_path / "new" / "results" / "consult.db"
    with open_store(db) as store:
        store.add_participants("s", [NewParticipant("science")])
        store.conn.execute("SELECT count(*) FROM participants").fetchone()  # the WAL is open
        assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), key_path(db)):
            assert mode(path) == 0o600, path
    assert mode(tmp_path / "new") == mode(tmp_path / "new" / "results") == 0o700
    assert key_path(db).name == "consult.db.key"


def test_an_older_database_readable_by_all_is_made_private(tmp_path: Path, usual_umask) -> None:
    db = tmp_path / "consult.db"
    open_store(db).close()
    db.chmod(0o644)
    with open_store(db) as store:
        store.add_participants("s", [NewParticipant("science")])
        assert mode(db) == 0o640 and mode(Path(f"{db}-wal")) == 0o640  # others lose access


def test_reports_exports_and_their_part_files_are_owner_only(tmp_path: Path, usual_umask) -> None:
    target = tmp_path / "out" / "report.xlsx"
    with replacing(target) as tmp:
        assert mode(tmp) == 0o600 and tmp.name.startswith(".report.xlsx.")
        tmp.write_text("data")
    assert mode(target) == 0o600 and mode(tmp_path / "out") == 0o700
    shared = tmp_path / "shared.csv"
    shared.write_text("old")
    shared.chmod(0o640)  # someone chose who reads it: a replaced file keeps that
    with replacing(shared) as tmp:
        tmp.write_text("new")
    assert mode(shared) == 0o640


def test_stale_part_files_are_removed_by_the_next_run(tmp_path: Path) -> None:
    stale, fresh, locked = (tmp_path / f".a.csv.{n}.part" for n in ("old1", "new1", "busy"))
    for path in (stale, fresh, locked):
        path.write_text("half")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(locked, (hour_ago, hour_ago))
    import fcntl

    with open(locked) as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a writer still at work
        with replacing(tmp_path / "b.csv") as tmp:
            tmp.write_text("x")
        assert not stale.exists()
        assert fresh.exists() and locked.exists()
    assert remove_stale_parts(tmp_path) == [locked]


# --- access codes at rest ---------------------------------------------------------------------


def test_no_issued_code_can_be_read_from_the_file(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    with open_store(db) as store:
        people = store.add_participants("s", [NewParticipant("science") for _ in range(40)])
        codes = [p.code for p in people]
        codes += [store.reissue_code(p.id).code for p in people[:5]]
        for code in codes[5:]:
            person = store.participant_by_code("s", code)
            assert person is not None and person.code == code
        assert all(p.code == "" for p in store.participants("s"))
        assert_no_code_in(db, codes)  # the WAL holds the newest pages, read while open
    assert_no_code_in(db, codes)


def old_database(path: Path, codes: list[str]) -> None:
    """A database as consult wrote it before codes were hashed (schema 3)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS[:3]:
        for statement in migration:
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 3")
    for i, code in enumerate(codes):
        conn.execute(
            "INSERT INTO participants (survey_id, pseudonym, code, group_id, created_at) "
            "VALUES ('s', ?, ?, 'science', 'then')",
            (f"P-AAAAA{i}", code),
        )
    conn.execute(
        "INSERT INTO sessions (survey_id, mode, facilitator, host, terminal, started_at) "
        "VALUES ('s', 'single', 'kimminji', 'ministry-laptop', '/dev/pts/7', 'then')"
    )
    conn.execute(
        "INSERT INTO surveys VALUES (?, 's', '1', 'A survey', '{}', '', NULL, 'then')", ("a" * 64,)
    )
    conn.execute(
        "INSERT INTO responses (participant_id, survey_hash, status, session_id, started_at, "
        "updated_at) VALUES (1, ?, 'in_progress', 1, 'then', 'then')",
        ("a" * 64,),
    )
    conn.close()


def test_migration_hashes_old_codes_and_forgets_who_ran_sessions(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    codes = ["ACDEFG", "HJKMNP", "QRTUVW"]
    old_database(db, codes)
    assert b"ACDEFG" in raw_bytes(db) and b"kimminji" in raw_bytes(db)
    with open_store(db) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.participant_by_code("s", "acd-efg").pseudonym == "P-AAAAA0"
        assert store.participant_by_code("s", "QRTUVW").pseudonym == "P-AAAAA2"
        assert store.response(1, 1) is not None  # responses still point at their participant
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(sessions)")}
        assert not columns & {"facilitator", "host", "terminal"}
        assert mode(key_path(db)) == 0o600
    data = raw_bytes(db)
    assert_no_code_in(db, codes)
    for trace in (b"kimminji", b"ministry-laptop", b"/dev/pts/7"):
        assert trace not in data, trace


def test_a_lost_key_is_said_plainly_and_a_new_one_needs_reissued_codes(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    with open_store(db) as store:
        (person,) = store.add_participants("s", [NewParticipant("science")])
    key_path(db).unlink()
    with open_store(db) as store:
        with pytest.raises(StoreError, match=r"key of the access codes is missing.*backup"):
            store.participant_by_code("s", person.code)
        with pytest.raises(StoreError, match="key of the access codes is missing"):
            store.add_participants("s", [NewParticipant("science")])
        assert store.new_code_key() == key_path(db)
        with pytest.raises(StoreError, match="exists; nothing was changed"):
            store.new_code_key()
        assert store.participant_by_code("s", person.code) is None  # the old code is gone
        new = store.reissue_code(person.id)
        assert store.participant_by_code("s", new.code).id == person.id


# --- item 9: panel import killed at any moment --------------------------------------------------


def import_cli(db: Path, panel: Path, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("CONSULT_TEST_KILL_AT", None)
    if kill_at:
        env["CONSULT_TEST_KILL_AT"] = kill_at
    return subprocess.run(
        [CONSULT, "--db", str(db), "panel", "import", str(SMALL), str(panel)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def codes_in(path: Path) -> list[str]:
    import csv

    return [row["access_code"] for row in csv.DictReader(path.open(encoding="utf-8"))]


def count_people(db: Path) -> int:
    with open_store(db) as store:
        return len(store.participants("session-small"))


def test_import_killed_after_commit_loses_no_code_and_a_rerun_doubles_nobody(
    tmp_path: Path,
) -> None:
    db, panel = tmp_path / "consult.db", tmp_path / "panel.csv"
    panel.write_text("group,name\nscience,Ann\npolicy,Bob\n", encoding="utf-8")
    killed = import_cli(db, panel, "import-after-commit")
    assert killed.returncode == -9 and "Registered" not in killed.stdout  # nothing printed
    codes_file = tmp_path / "panel-codes.csv"
    assert mode(codes_file) == 0o600
    codes = codes_in(codes_file)
    with open_store(db) as store:
        assert {store.participant_by_code("session-small", c).name for c in codes} == {
            "Ann",
            "Bob",
        }
    again = import_cli(db, panel)
    assert again.returncode == 2 and "2 people are already registered" in again.stderr
    assert count_people(db) == 2 and codes_in(codes_file) == codes  # kept, not replaced


def test_import_killed_before_commit_imports_nothing_and_a_rerun_imports_once(
    tmp_path: Path,
) -> None:
    db, panel = tmp_path / "consult.db", tmp_path / "panel.csv"
    panel.write_text("group,name\nscience,Ann\npolicy,Bob\n", encoding="utf-8")
    killed = import_cli(db, panel, "import-before-commit")
    assert killed.returncode == -9
    codes_file = tmp_path / "panel-codes.csv"
    dead = codes_in(codes_file)  # written, but never committed: these codes do not work
    assert count_people(db) == 0
    done = import_cli(db, panel)
    assert done.returncode == 0, done.stderr
    assert count_people(db) == 2
    codes = codes_in(codes_file)  # the same file, now with the working codes
    assert codes != dead and all(c in done.stdout for c in codes)
    with open_store(db) as store:
        assert all(store.participant_by_code("session-small", c) for c in codes)


def test_a_failure_while_writing_the_codes_commits_nothing(tmp_path: Path) -> None:
    survey = load_survey(SMALL)
    panel = tmp_path / "panel.csv"
    panel.write_text("group,name\nscience,Ann\n", encoding="utf-8")
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes").chmod(0o500)
    with open_store(tmp_path / "consult.db") as store:
        if os.geteuid() == 0:  # root writes anywhere: make the write fail another way
            target = tmp_path / "missing-folder" / "codes.csv"
        else:
            target = tmp_path / "codes" / "codes.csv"
        with pytest.raises(Exception, match="cannot write the access codes"):
            import_panel(store, survey, panel, codes_to=target)
        assert store.participants(survey.id) == []


# --- item 10: throttling ---------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    throttle.forget_failures()
    with open_store(tmp_path / "consult.db") as s:
        yield s
    throttle.forget_failures()


def test_each_wrong_code_doubles_the_wait_before_the_next(store: Store, monkeypatch) -> None:
    survey = load_survey(SMALL)
    (person,) = store.add_participants(survey.id, [NewParticipant("science")])
    monkeypatch.setenv(throttle.BASE_ENV, "0.25")
    waits: list[float] = []
    for _ in range(4):
        assert throttle.check_code(store, survey, "XXXXXX", sleep=waits.append) is None
    assert waits == [0, 0.5, 1.0, 2.0]
    # A new process (no failures of its own) still waits: the database remembers.
    throttle.forget_failures()
    found = throttle.check_code(store, survey, person.code, sleep=waits.append)
    assert found is not None and waits[-1] == 4.0
    assert throttle.delay_for(30, 0.25) == throttle.MAX_DELAY
    assert store.code_failures(3600, survey.id) == 4


def test_the_delay_is_real(store: Store, monkeypatch) -> None:
    survey = load_survey(SMALL)
    monkeypatch.setenv(throttle.BASE_ENV, "0.02")
    for _ in range(3):
        throttle.check_code(store, survey, "XXXXXX")
    start = time.perf_counter()
    throttle.check_code(store, survey, "XXXXXX")
    assert time.perf_counter() - start >= 0.02 * 2**3 * 0.9


def test_status_shows_wrong_codes_of_the_last_hour(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    survey = load_survey(SMALL)
    with open_store(db) as store:
        store.add_participants(survey.id, [NewParticipant("science")])
        for _ in range(3):
            store.record_code_failure(survey.id)
        store.record_code_failure("another-survey")
    done = subprocess.run(
        [CONSULT, "--db", str(db), "status", str(SMALL)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Wrong access codes in the last hour: 3" in done.stdout


def test_the_exit_word_locks_after_five_wrong_tries_until_unlocked(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    survey = load_survey(SMALL)
    with open_store(db) as store:
        session = store.start_session(survey.id, "kiosk")
        results = [throttle.exit_word_failed(store, session) for _ in range(5)]
        assert results == [False, False, False, False, True]
        assert throttle.exit_word_locked(store, session)
        assert "consult panel unlock-kiosk" in throttle.locked_message(survey)
    done = subprocess.run(
        [CONSULT, "--db", str(db), "panel", "unlock-kiosk", str(SMALL)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Unlocked 1 kiosk" in done.stdout, done.stderr
    with open_store(db) as store:
        assert not throttle.exit_word_locked(store, session)


# --- item 12: a full disk, a read-only file ------------------------------------------------------


def test_a_full_disk_and_a_read_only_file_are_said_so(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    with open_store(db) as store:
        (person,) = store.add_participants("s", [NewParticipant("science")])
        store.conn.execute("PRAGMA query_only = 1")
        with pytest.raises(StoreError, match=r"consult\.db is read-only .* write access"):
            store.record_code_failure("s")
        store.conn.execute("PRAGMA query_only = 0")
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
        with pytest.raises(StoreError, match=r"no space left on the disk holding .*Free some"):
            store.add_participants("s", [NewParticipant("science", name="x" * 9000)] * 50)
    with open_store(db) as store:  # and the database is as good as before
        assert [p.id for p in store.participants("s")] == [person.id]


def test_a_missing_database_is_not_called_a_foreign_one(tmp_path: Path) -> None:
    db = tmp_path / "gone" / "consult.db"
    with pytest.raises(StoreError) as info:
        open_store(db, create=False)
    assert "not a consult database" not in str(info.value)


# --- as another account --------------------------------------------------------------------------


@pytest.fixture
def other_account() -> Iterator[str]:
    if os.geteuid() != 0:
        pytest.skip("needs root, to create a second account with useradd")
    if not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("useradd or runuser is missing")
    name = f"cprobe{os.getpid() % 100000}"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], capture_output=True)


def readable_by(user: str, path: Path) -> bool:
    done = subprocess.run(
        ["runuser", "-u", user, "--", "cat", str(path)], capture_output=True, timeout=30
    )
    return done.returncode == 0


def test_another_account_reads_nothing_we_create(other_account: str) -> None:
    top = Path(tempfile.mkdtemp(prefix="consult-security-", dir="/tmp"))
    try:
        top.chmod(0o755)  # the account may walk in: only the files' own modes protect them
        env = {**os.environ, "CONSULT_DB": str(top / "results" / "consult.db")}
        env.pop("CONSULT_TEST_KILL_AT", None)

        def consult(*args: str) -> None:
            done = subprocess.run(
                [CONSULT, *args], cwd=top, env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stderr

        old = os.umask(0o022)
        try:
            (top / "panel.csv").write_text("group,name\nscience,Kim\n", encoding="utf-8")
            consult("simulate", str(EXAMPLE), "-n", "5", "--seed", "1")
            consult("panel", "import", str(EXAMPLE), "panel.csv")
            consult("report", str(EXAMPLE), "--include-simulated", "-o", "report.xlsx")
            consult("export", str(EXAMPLE), "--what", "answers", "--format", "csv", "-o", "a.csv")
            with replacing(top / "killed.csv") as tmp:  # what a killed run leaves behind
                tmp.write_text("half")
                shutil.copy(tmp, top / ".killed.csv.zzzzzzzz.part")
                os.chmod(top / ".killed.csv.zzzzzzzz.part", 0o600)
            control = top / "public.txt"
            control.write_text("anyone")  # the usual mode: shows the account can read files
        finally:
            os.umask(old)
        assert readable_by(other_account, control)
        db = top / "results" / "consult.db"
        with open_store(db) as store:  # open, so the WAL and shared memory exist
            store.participants("st-diplomacy-roundtable")
            secret = [
                db,
                Path(f"{db}-wal"),
                Path(f"{db}-shm"),
                key_path(db),
                top / "report.xlsx",
                top / "a.csv",
                top / "panel-codes.csv",
                top / ".killed.csv.zzzzzzzz.part",
            ]
            for path in secret:
                assert path.exists(), path
                assert not readable_by(other_account, path), path
            top.joinpath("results").chmod(0o755)  # even with the folder opened up
            for path in secret[:4]:
                assert mode(path) == 0o600 and not readable_by(other_account, path), path
        # And no issued code is in the database's bytes.
        assert_no_code_in(db, [c.replace("-", "") for c in codes_in(top / "panel-codes.csv")])
        assert pwd.getpwnam(other_account).pw_uid != 0
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_the_code_option_says_why_the_prompt_is_better() -> None:
    done = subprocess.run(
        [CONSULT, "run", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert "CONSULT_CODE" in done.stdout and "(ps)" in done.stdout
