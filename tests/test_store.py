"""The SQLite store on real database files: schema, pragmas, constraints, history, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from consult.errors import StoreError
from consult.store import NewParticipant, Response, Store, open_store
from consult.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

HASH = "a" * 64


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection, as another program would open the file."""
    return sqlite3.connect(path, isolation_level=None)


def a_response(store: Store, group: str = "science") -> Response:
    store.save_survey("s", HASH, "1", "A survey", {"id": "s"})
    (person,) = store.add_participants("s", [NewParticipant(group, name="Kim")])
    return store.start_response(person.id, HASH, 1)


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """A file's bytes and modification time, and every file beside it (journals, WAL, SHM)."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


# --- a new database ---------------------------------------------------------------------------


def test_a_new_database_has_our_schema_version_and_application_id(tmp_path: Path) -> None:
    path = tmp_path / "consult.db"
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
    conn = raw(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert {"surveys", "participants", "sessions", "responses", "answers", "answer_history"} <= (
        tables
    )
    conn.close()


def test_the_database_runs_in_wal_mode_with_foreign_keys(store: Store) -> None:
    assert store.journal_mode == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    # WAL is a property of the file: another connection sees it too.
    other = raw(store.path)
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_reopening_keeps_the_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "consult.db"
    with open_store(path) as s:
        response = a_response(s)
        s.save_answer(response, "p.support", 4, 4.0)
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.answers(response.id) == {"p.support": 4}


def test_a_version_1_database_migrates_forward_with_its_data(tmp_path: Path) -> None:
    """A file written before the skip marker existed opens, gains it, and keeps every row."""
    path = tmp_path / "consult.db"
    conn = raw(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO surveys VALUES (?, 's', '1', 'A survey', '{}', '', NULL, 'then')", (HASH,)
    )
    conn.execute(
        "INSERT INTO participants (survey_id, pseudonym, code, group_id, created_at) "
        "VALUES ('s', 'P-AAAAAA', 'ACDEFG', 'science', 'then')"
    )
    conn.execute(
        "INSERT INTO responses (participant_id, survey_hash, status, started_at, updated_at) "
        "VALUES (1, ?, 'in_progress', 'then', 'then')",
        (HASH,),
    )
    conn.execute(
        "INSERT INTO answers (response_id, question, group_id, value, numeric, answered_at) "
        "VALUES (1, 'p.support', 'science', '4', 4, 'then')"
    )
    conn.close()
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        response = s.response_by_id(1)
        assert response.skipped_to is None and response.group_id == "science"
        assert s.answers(1) == {"p.support": 4}
        assert [h["value"] for h in s.answer_history(1)] == [4]
        s.mark_skipped(response, "p.comment")
        assert s.response_by_id(1).skipped_to == "p.comment"
        # The answers table is rebuilt keyed by (response, question), with its triggers back.
        (sql,) = s.conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'answers'").fetchone()
        assert "WITHOUT ROWID" in sql
        s.save_answer(response, "p.support", 5, 5.0)
        assert [h["value"] for h in s.answer_history(1)] == [4, 5]
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            s.conn.execute(
                "INSERT INTO answers (response_id, question, group_id, value, numeric, "
                "answered_at) VALUES (1, 'p.support', 'science', '3', 3, 'now')"
            )


def test_a_fresh_path_in_a_missing_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "results" / "2026" / "consult.db"
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
    assert path.is_file()


def test_an_empty_file_becomes_a_database(tmp_path: Path) -> None:
    path = tmp_path / "consult.db"
    path.touch()
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION


def test_create_false_refuses_a_missing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        open_store(tmp_path / "nope.db", create=False)
    assert not (tmp_path / "nope.db").exists()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        open_store(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a directory, not a database file"


def test_a_path_under_a_file_is_refused_with_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "results").write_text("not a directory")
    with pytest.raises(StoreError, match="cannot create the folder"):
        open_store(tmp_path / "results" / "consult.db")


# --- constraints ------------------------------------------------------------------------------


def test_foreign_keys_hold(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.conn.execute(
            "INSERT INTO answers (response_id, question, group_id, value, answered_at) "
            "VALUES (999, 'p.support', 'science', '4', 'now')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        store.conn.execute(
            "INSERT INTO responses (participant_id, survey_hash, status, started_at, updated_at) "
            "VALUES (999, ?, 'in_progress', 'now', 'now')",
            (HASH,),
        )


def test_check_constraints_hold(store: Store) -> None:
    response = a_response(store)
    bad = [
        ("UPDATE responses SET status = 'done' WHERE id = ?", (response.id,)),
        ("UPDATE responses SET round = 0 WHERE id = ?", (response.id,)),
        # submitted without a time, and a time without being submitted
        ("UPDATE responses SET status = 'submitted' WHERE id = ?", (response.id,)),
        ("UPDATE responses SET submitted_at = 'now' WHERE id = ?", (response.id,)),
        (
            "INSERT INTO answers (response_id, question, group_id, value, answered_at) "
            "VALUES (?, 'p.support', 'science', 'not json', 'now')",
            (response.id,),
        ),
        (
            "INSERT INTO answers (response_id, question, group_id, value, answered_at) "
            "VALUES (?, '', 'science', '4', 'now')",
            (response.id,),
        ),
        ("UPDATE participants SET simulated = 2", ()),
        ("UPDATE participants SET code_hash = 'AB'", ()),
        ("INSERT INTO surveys VALUES ('short', 's', '1', 't', '{}', '', NULL, 'now')", ()),
        ("INSERT INTO surveys VALUES (?, 's', '1', 't', '{nope', '', NULL, 'now')", ("b" * 64,)),
        ("INSERT INTO sessions (survey_id, mode, started_at) VALUES ('s', 'party', 'now')", ()),
    ]
    for sql, params in bad:
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute(sql, params)
    assert store.response_by_id(response.id).status == "in_progress"


def test_tables_are_strict(store: Store) -> None:
    response = a_response(store)
    with pytest.raises(sqlite3.IntegrityError):  # a text where an integer belongs
        store.conn.execute("UPDATE responses SET round = 'two' WHERE id = ?", (response.id,))


def test_access_codes_and_pseudonyms_are_unique(store: Store) -> None:
    a, b = store.add_participants("s", [NewParticipant("science"), NewParticipant("diplomacy")])
    assert a.code != b.code and a.pseudonym != b.pseudonym
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        store.conn.execute(
            "UPDATE participants SET code_hash = (SELECT code_hash FROM participants WHERE id = ?) "
            "WHERE id = ?",
            (a.id, b.id),
        )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        store.conn.execute(
            "UPDATE participants SET pseudonym = ? WHERE id = ?", (a.pseudonym, b.id)
        )


def test_one_response_per_participant_and_round(store: Store) -> None:
    response = a_response(store)
    again = store.start_response(response.participant_id, HASH, 1)
    assert again.id == response.id
    second_round = store.start_response(response.participant_id, HASH, round=2)
    assert second_round.id != response.id and second_round.round == 2


# --- answers and their history ----------------------------------------------------------------


def test_a_changed_answer_keeps_its_history_in_order(store: Store) -> None:
    response = a_response(store)
    store.save_answer(response, "p.support", 4, 4.0)
    store.save_answer(response, "p.support", 2, 2.0)
    store.save_answer(response, "p.support", "abstain", None)
    assert store.answers(response.id) == {"p.support": "abstain"}
    history = store.answer_history(response.id, "p.support")
    assert [h["value"] for h in history] == [4, 2, "abstain"]
    assert [h["changed_at"] for h in history] == sorted(h["changed_at"] for h in history)
    numeric = store.conn.execute(
        "SELECT numeric FROM answers WHERE response_id = ?", (response.id,)
    ).fetchone()[0]
    assert numeric is None


def test_the_same_answer_twice_adds_no_history(store: Store) -> None:
    response = a_response(store)
    store.save_answer(response, "p.comment", "Good idea, 좋습니다", None)
    store.save_answer(response, "p.comment", "Good idea, 좋습니다", None)
    store.save_answer(response, "p.choice", ["ai", "quantum"], None)
    store.save_answer(response, "p.choice", ["ai", "quantum"], None)
    assert [h["question"] for h in store.answer_history(response.id)] == ["p.comment", "p.choice"]
    assert store.answers(response.id) == {
        "p.comment": "Good idea, 좋습니다",
        "p.choice": ["ai", "quantum"],
    }


def test_the_history_is_append_only(store: Store) -> None:
    response = a_response(store)
    store.save_answer(response, "p.support", 4, 4.0)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE answer_history SET value = '5'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM answer_history")
    assert [h["value"] for h in store.answer_history(response.id)] == [4]


def test_a_cleared_answer_leaves_an_empty_history_row(store: Store) -> None:
    response = a_response(store)
    store.save_answer(response, "p.support", 1, 1.0)
    store.save_answer(response, "p.why_oppose", "Too costly", None)
    store.clear_answer(response, "p.why_oppose")
    assert store.answers(response.id) == {"p.support": 1}
    assert [h["value"] for h in store.answer_history(response.id, "p.why_oppose")] == [
        "Too costly",
        None,
    ]
    # Answering again after clearing starts a new entry, the old ones stay.
    store.save_answer(response, "p.why_oppose", "Still too costly", None)
    assert [h["value"] for h in store.answer_history(response.id, "p.why_oppose")] == [
        "Too costly",
        None,
        "Still too costly",
    ]


def test_answers_survive_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "consult.db"
    s = open_store(path)
    response = a_response(s)
    s.save_answer(response, "p.support", 5, 5.0)
    # Not closed: another connection (another terminal) sees the committed answer at once.
    other = raw(path)
    assert other.execute("SELECT value FROM answers").fetchall() == [("5",)]
    other.close()
    s.close()


# --- files that are not ours ------------------------------------------------------------------


def test_a_text_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 200, encoding="utf-8")
    before = snapshot(path)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value).startswith(f"{path}: not a consult database")
    assert snapshot(path) == before


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = raw(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.close()
    before = snapshot(path)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value) == (
        f"{path}: not a consult database (it holds other data); nothing was changed"
    )
    assert snapshot(path) == before


def test_a_foreign_database_with_an_application_id_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = raw(path)
    conn.execute("PRAGMA application_id = 42")
    conn.close()
    before = snapshot(path)
    with pytest.raises(StoreError, match="not a consult database"):
        open_store(path)
    assert snapshot(path) == before


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "consult.db"
    with open_store(path) as s:
        a_response(s)
    conn = raw(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")  # leave no -wal or -shm beside it
    conn.close()
    before = snapshot(path)
    with pytest.raises(StoreError) as info:
        open_store(path)
    assert str(info.value) == (
        f"{path}: written by a newer consult (schema {SCHEMA_VERSION + 1}; this one knows up "
        f"to {SCHEMA_VERSION}); upgrade consult to open it"
    )
    assert snapshot(path) == before


def test_a_foreign_database_in_wal_mode_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = raw(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = snapshot(path)
    with pytest.raises(StoreError, match="not a consult database"):
        open_store(path)
    assert snapshot(path) == before


def test_the_sqlite_backend_is_the_whole_interface() -> None:
    """A second backend implements `Store`; the SQLite one offers nothing beyond it."""
    from consult.store.sqlite import SqliteStore

    assert SqliteStore.__abstractmethods__ == frozenset()
    public = {n for n in dir(SqliteStore) if not n.startswith("_")} - {"open", "conn", "path"}
    declared = {n for n in dir(Store) if not n.startswith("_")}
    assert public - declared == set()
    assert "current_round" in declared and "transaction" in declared


# --- removed participants ---------------------------------------------------------------------


def test_a_version_2_database_gains_external_ids_and_removal(tmp_path: Path) -> None:
    path = tmp_path / "consult.db"
    conn = raw(path)
    for migration in MIGRATIONS[:2]:
        for statement in migration:
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO participants (survey_id, pseudonym, code, group_id, created_at) "
        "VALUES ('s', 'P-AAAAAA', 'ACDEFG', 'science', 'then')"
    )
    conn.close()
    with open_store(path) as s:
        (person,) = s.participants("s")
        assert (person.pseudonym, person.external_id, person.removed_at) == ("P-AAAAAA", None, None)
        (added,) = s.add_participants("s", [NewParticipant("science", external_id="E-1")])
        assert s.participant(added.id).external_id == "E-1"
        with pytest.raises(StoreError, match="external id 'E-1' is taken"):
            s.add_participants("s", [NewParticipant("policy", external_id="E-1")])
        s.remove_participant(added.id)  # a removed person's id is free again
        s.add_participants("s", [NewParticipant("policy", external_id="E-1")])


def test_a_removed_participant_is_left_out_of_every_count(store: Store) -> None:
    from consult.store import ResponseFilter

    kept = a_response(store, "science")
    gone = a_response(store, "policy")
    for response, value in ((kept, 4), (gone, 1)):
        store.save_answer(response, "p.support", value, float(value))
        store.save_answer(response, "p.comment", f"text {value}", None)
        store.submit_response(response.id)
    everyone = ResponseFilter(include_in_progress=True, include_simulated=True)
    assert store.response_counts("s", everyone) == {"science": 1, "policy": 1}
    gone_person = store.participant(gone.participant_id)
    assert store.participant_answer_count(gone_person.id) == 2

    assert store.remove_participant(gone_person.id, with_answers=True) == 2
    assert store.participant_answer_count(gone_person.id) == 0
    assert store.participant_by_code("s", gone_person.code) is None
    assert store.participant(gone_person.id).removed_at is not None
    assert [p.id for p in store.participants("s")] == [kept.participant_id]
    assert [r["participant_id"] for r in store.participation_rows("s", 1)] == [kept.participant_id]
    for flt in (ResponseFilter(), everyone):
        assert store.response_counts("s", flt) == {"science": 1}
        assert {(q, g) for q, g, _, _ in store.histograms("s", flt)} == {
            ("p.support", "science"),
            ("p.comment", "science"),
        }
        assert store.answer_counts("s", ["p.support"], flt) == [("p.support", "science", 1)]
        assert list(store.text_answers("s", "p.comment", flt)) == [("science", "text 4")]
        assert store.report_answer_count("s", flt) == 2
        assert {row[1] for row in store.export_answers("s", flt)} == {"science"}
    assert list(store.export_identities("s")) == [store.participant(kept.participant_id).pseudonym]
    # The deletions are in the history, which still refers to the (kept) response row.
    assert [h["value"] for h in store.answer_history(gone.id, "p.support")] == [1, None]
    assert store.response_by_id(gone.id).id == gone.id
