"""The SQLite store: the only module that speaks SQL.

One file holds surveys, participants, sessions, responses, answers and the append-only answer
history. The file runs in WAL mode with ``synchronous=NORMAL`` (an answer survives a killed
process), foreign keys on and a busy timeout, so many terminals can answer into it at once.
WAL does not work on network file systems: keep the database on a local disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from consult.errors import StoreError
from consult.store.codes import code_hash
from consult.store.interface import Store
from consult.store.records import Response, ResponseFilter, now
from consult.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from consult.store.sqlite_bulk import SqliteBulk
from consult.store.sqlite_files import ExplainedConnection, create_private, explained, restrict
from consult.store.sqlite_imports import SqliteImports
from consult.store.sqlite_merge import SqliteMerge
from consult.store.sqlite_panel import SqlitePanel
from consult.store.sqlite_reads import SqliteReads
from consult.store.sqlite_rounds import SqliteRounds

#: PRAGMA busy_timeout in milliseconds: how long a writer waits for another's lock.
BUSY_TIMEOUT_MS = 30_000


class SqliteStore(
    SqlitePanel, SqliteReads, SqliteRounds, SqliteImports, SqliteBulk, SqliteMerge, Store
):
    """A consult database in one SQLite file. Open with :meth:`SqliteStore.open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # Within a snapshot, the ids each filter admits, kept in temporary tables (see
        # _eligible_responses); None outside a snapshot.
        self._admitted: dict[tuple[str, ResponseFilter], str] | None = None
        self._key: bytes | None = None  # the key of the access codes, read on first use

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open (and on first use create) the database at ``path``.

        A file that is not a consult database, or one written by a newer consult, raises
        :class:`StoreError` and is left untouched. A new database (and any folder made for it)
        is created owner-only; SQLite gives its -wal and -shm files the database's mode.
        """
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"{path}: no such database")
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not a database file")
        if not exists:
            create_private(path)
        else:
            restrict(path)
        try:
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
                factory=ExplainedConnection,
            )
        except sqlite3.Error as exc:
            raise explained(exc, path) from None
        conn.db_path = path
        try:
            cls._check_foreign(conn, path)
        except BaseException:
            conn.close()
            raise
        store = cls(conn, path)
        try:
            store._configure()
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise explained(exc, path) from None
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _check_foreign(conn: sqlite3.Connection, path: Path) -> None:
        # Read-only checks first: a foreign or newer file must not be modified in any way.
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise explained(exc, path) from None
        if app_id == 0 and tables == 0:
            return  # a new, empty database
        if app_id != APPLICATION_ID:
            raise StoreError(
                f"{path}: not a consult database (it holds other data); nothing was changed"
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{path}: written by a newer consult (schema {version}; this one knows up to "
                f"{SCHEMA_VERSION}); upgrade consult to open it"
            )

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        # Migration 4 hashes the plaintext codes in Python, with the key beside the database
        # (created now if there is none yet: nothing depended on one before).
        self.conn.create_function(
            "consult_code_hash",
            1,
            lambda code: code_hash(self._code_key(may_create=True), code),
            deterministic=True,
        )
        # Rebuilding a table that others refer to needs foreign keys off (they cannot change
        # inside a transaction); secure_delete zeroes what the rebuild frees (old codes).
        self.conn.execute("PRAGMA foreign_keys = OFF")
        self.conn.execute("PRAGMA secure_delete = ON")
        try:
            with self.transaction():
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]  # another one?
                for target in range(version, SCHEMA_VERSION):
                    for statement in MIGRATIONS[target]:
                        self.conn.execute(statement)
                if self.conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise StoreError(f"{self.path}: the migration broke a reference; rolled back")
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            self.conn.execute("PRAGMA secure_delete = OFF")
            self.conn.execute("PRAGMA foreign_keys = ON")
        if version < 4:
            # The old pages (plaintext codes, login names) may linger in the WAL: fold it into
            # the file and empty it. Best effort: a reader elsewhere may keep part of it a while.
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction that takes the write lock at once (``BEGIN IMMEDIATE``).

        A deferred transaction that reads and then writes fails outright when another process
        wrote in between; taking the lock first makes it wait its turn instead.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # a full disk has rolled it back already
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def is_busy(self, exc: BaseException) -> bool:
        # SQLITE_BUSY (5) or SQLITE_LOCKED (6), extended codes included: nothing was written.
        code = getattr(exc, "sqlite_errorcode", None)
        busy = code is not None and code & 0xFF in (5, 6)
        return isinstance(exc, sqlite3.OperationalError) and busy

    def set_busy_timeout(self, seconds: float) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @property
    def journal_mode(self) -> str:
        return self.conn.execute("PRAGMA journal_mode").fetchone()[0]

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # --- surveys ------------------------------------------------------------------------

    def save_survey(
        self,
        survey_id: str,
        hash: str,
        version: str,
        title: str,
        definition: dict,
        path: str = "",
        source_sha256: str | None = None,
    ) -> bool:
        """Record a survey definition; returns whether it was new. Same hash, same definition.

        ``source_sha256`` (of the file's bytes) lets an unchanged file skip YAML next time.
        """
        cursor = self.conn.execute(
            "INSERT INTO surveys (hash, survey_id, version, title, definition, path, "
            "source_sha256, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (hash) DO NOTHING",
            (
                hash,
                survey_id,
                version,
                title,
                json.dumps(definition, ensure_ascii=False),
                path,
                source_sha256,
                now(),
            ),
        )
        if cursor.rowcount == 0 and source_sha256:
            # The same definition from an edited file (comments, layout): remember the new bytes.
            self.conn.execute(
                "UPDATE surveys SET source_sha256 = ? WHERE hash = ?", (source_sha256, hash)
            )
        return cursor.rowcount == 1

    def survey_by_source(self, source_sha256: str) -> tuple[str, str] | None:
        """The stored definition read from a file with these bytes, as (JSON text, path)."""
        row = self.conn.execute(
            "SELECT definition, path FROM surveys WHERE source_sha256 = ? LIMIT 1",
            (source_sha256,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def survey_by_hash(self, hash: str) -> str | None:
        """The stored definition (JSON text) with this content hash, or None."""
        row = self.conn.execute("SELECT definition FROM surveys WHERE hash = ?", (hash,)).fetchone()
        return row[0] if row else None

    def survey_definition(self, survey_id: str) -> tuple[str, str] | None:
        """The latest stored definition of ``survey_id`` as (JSON text, path), or None."""
        row = self.conn.execute(
            "SELECT definition, path FROM surveys WHERE survey_id = ? ORDER BY loaded_at DESC, "
            "rowid DESC LIMIT 1",
            (survey_id,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def survey_versions(self, survey_id: str) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT hash, version, title, path, loaded_at FROM surveys WHERE survey_id = ? ORDER "
            "BY loaded_at",
            (survey_id,),
        )

    # --- responses ----------------------------------------------------------------------

    def response(self, participant_id: int, round: int) -> Response | None:
        rows = self._rows(
            _RESPONSE_SELECT + " WHERE r.participant_id = ? AND r.round = ?",
            (participant_id, round),
        )
        return _response(rows[0]) if rows else None

    def response_by_id(self, response_id: int) -> Response:
        rows = self._rows(_RESPONSE_SELECT + " WHERE r.id = ?", (response_id,))
        if not rows:
            raise StoreError(f"no response with id {response_id}")
        return _response(rows[0])

    def start_response(
        self,
        participant_id: int,
        survey_hash: str,
        round: int,
        *,
        session_id: int | None = None,
        language: str | None = None,
    ) -> Response:
        """The participant's response in ``round``, created in progress if there is none yet."""
        stamp = now()
        self.conn.execute(
            "INSERT INTO responses (participant_id, survey_hash, round, status, session_id, "
            "language, "
            "started_at, updated_at) VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?) "
            "ON CONFLICT (participant_id, round) DO NOTHING",
            (participant_id, survey_hash, round, session_id, language, stamp, stamp),
        )
        response = self.response(participant_id, round)
        assert response is not None
        return response

    def set_response_language(self, response_id: int, language: str) -> None:
        self.conn.execute("UPDATE responses SET language = ? WHERE id = ?", (language, response_id))

    def submit_response(self, response_id: int) -> None:
        stamp = now()
        self.conn.execute(
            "UPDATE responses SET status = 'submitted', submitted_at = ?, updated_at = ? WHERE id "
            "= ?",
            (stamp, stamp, response_id),
        )

    def reopen_response(self, response_id: int) -> None:
        self.conn.execute(
            "UPDATE responses SET status = 'in_progress', submitted_at = NULL, updated_at = ? "
            "WHERE id = ?",
            (now(), response_id),
        )

    # --- answers ------------------------------------------------------------------------

    def save_answer(
        self, response: Response, question: str, value: Any, numeric: float | None
    ) -> None:
        """Store one answer and commit it at once; a changed answer keeps its old value in history.

        One statement, so one implicit transaction: triggers add the history row and move the
        response's last activity, and a killed process leaves either all of it or none.
        """
        self.conn.execute(
            "INSERT INTO answers (response_id, question, group_id, value, numeric, answered_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (response_id, question) DO UPDATE SET "
            "value = excluded.value, numeric = excluded.numeric, answered_at = "
            "excluded.answered_at, channel = 'terminal', source = NULL "
            "WHERE value IS NOT excluded.value",
            (
                response.id,
                question,
                response.group_id,
                json.dumps(value, ensure_ascii=False),
                numeric,
                now(),
            ),
        )

    def mark_skipped(self, response: Response, question: str) -> None:
        """Note that the participant passed ``question`` without answering it, so that a
        resumed session continues after it rather than asking it again."""
        self.conn.execute(
            "UPDATE responses SET skipped_to = ? WHERE id = ?", (question, response.id)
        )

    def clear_answer(self, response: Response, question: str) -> None:
        """Remove an answer whose condition stopped holding; the history keeps it."""
        self.conn.execute(
            "DELETE FROM answers WHERE response_id = ? AND question = ?", (response.id, question)
        )

    def answers(self, response_id: int) -> dict[str, Any]:
        """The current answers of a response: question key -> value."""
        cursor = self.conn.execute(
            "SELECT question, value FROM answers WHERE response_id = ?", (response_id,)
        )
        return {q: json.loads(v) for q, v in cursor}

    def answer_history(self, response_id: int, question: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT question, value, changed_at FROM answer_history WHERE response_id = ?"
        params: list[Any] = [response_id]
        if question is not None:
            sql += " AND question = ?"
            params.append(question)
        rows = self._rows(sql + " ORDER BY id", params)
        for row in rows:
            row["value"] = None if row["value"] is None else json.loads(row["value"])
        return rows

    # --- panel and participation ----------------------------------------------------------

    def participation_rows(self, survey_id: str, round: int) -> list[dict[str, Any]]:
        """One row per participant of ``survey_id`` with their response in ``round`` (if any).

        Carries names for the facilitator's panel list (never codes); status figures drop them.
        ``answered`` counts the response's current answers; ``status`` is None before a start.
        """
        return self._rows(
            "SELECT p.id AS participant_id, p.pseudonym, p.group_id, p.name, "
            "p.organisation, coalesce(r.language, p.language) AS language, p.simulated, "
            "p.created_at, r.id AS response_id, r.status, r.started_at, r.updated_at, "
            "r.submitted_at, (SELECT count(*) FROM answers a WHERE a.response_id = r.id) "
            "AS answered FROM participants p LEFT JOIN responses r "
            "ON r.participant_id = p.id AND r.round = ? WHERE p.survey_id = ? "
            "AND p.removed_at IS NULL ORDER BY p.id",
            (round, survey_id),
        )


_RESPONSE_SELECT = (
    "SELECT r.id, r.participant_id, p.group_id, r.survey_hash, r.round, r.status, r.language, "
    "r.started_at, r.updated_at, r.submitted_at, r.skipped_to, r.uuid, r.channel FROM responses r "
    "JOIN participants p ON p.id = r.participant_id"
)


def _response(row: dict[str, Any]) -> Response:
    return Response(**row)
