"""The SQLite store: the only module that speaks SQL.

One file holds surveys, participants, sessions, responses, answers and the append-only answer
history. The file runs in WAL mode with ``synchronous=NORMAL`` (an answer survives a killed
process), foreign keys on and a busy timeout, so many terminals can answer into it at once.
WAL does not work on network file systems: keep the database on a local disk.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

from consult.errors import StoreError
from consult.store.interface import Store
from consult.store.records import (
    CODE_ALPHABET,
    CODE_LENGTH,
    PSEUDONYM_LENGTH,
    NewParticipant,
    Participant,
    Response,
    ResponseFilter,
    normalise_code,
    now,
)
from consult.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

#: PRAGMA busy_timeout in milliseconds: how long a writer waits for another's lock.
BUSY_TIMEOUT_MS = 30_000

_TEMP_TABLES = itertools.count(1)


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _fresh(taken: set[str], length: int, prefix: str) -> str:
    """A random code not in ``taken`` (which it joins)."""
    while True:
        code = prefix + _random_code(length)
        if code not in taken:
            taken.add(code)
            return code


class SqliteStore(Store):
    """A consult database in one SQLite file. Open with :meth:`SqliteStore.open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # Within a snapshot, the ids each filter admits, kept in temporary tables (see
        # _eligible_responses); None outside a snapshot.
        self._admitted: dict[tuple[str, ResponseFilter], str] | None = None

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open (and on first use create) the database at ``path``.

        A file that is not a consult database, or one written by a newer consult, raises
        :class:`StoreError` and is left untouched.
        """
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise StoreError(f"{path}: no such database")
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not a database file")
        if not exists:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # e.g. a file where a directory should be
                raise StoreError(f"{path}: cannot create the folder ({exc.strerror})") from None
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the database ({exc})") from None
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
            raise StoreError(f"{path}: {exc}") from None
        return store

    @staticmethod
    def _check_foreign(conn: sqlite3.Connection, path: Path) -> None:
        # Read-only checks first: a foreign or newer file must not be modified in any way.
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a consult database ({exc})") from None
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
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]  # another process?
            for target in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[target]:
                    self.conn.execute(statement)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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

    # --- participants ---------------------------------------------------------------------

    def add_participants(
        self, survey_id: str, people: Iterable[NewParticipant], *, simulated: bool = False
    ) -> list[Participant]:
        """Register participants, all or nothing, each with a fresh access code and pseudonym."""
        created = now()
        ids = []
        with self.transaction():
            for person in people:
                ids.append(self._insert_participant(survey_id, person, simulated, created))
        return [self.participant(i) for i in ids]

    def _insert_participant(
        self, survey_id: str, person: NewParticipant, simulated: bool, created: str
    ) -> int:
        # Codes and pseudonyms are random; a clash (rare) is retried rather than checked for first.
        for _ in range(100):
            code = _random_code(CODE_LENGTH)
            pseudonym = "P-" + _random_code(PSEUDONYM_LENGTH)
            try:
                cursor = self.conn.execute(
                    "INSERT INTO participants (survey_id, pseudonym, code, group_id, name, "
                    "organisation, "
                    "language, simulated, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        survey_id,
                        pseudonym,
                        code,
                        person.group_id,
                        person.name,
                        person.organisation,
                        person.language,
                        int(simulated),
                        created,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc):
                    continue
                raise
            return int(cursor.lastrowid)
        raise StoreError("could not find a free access code; the code space is exhausted")

    def participant(self, participant_id: int) -> Participant:
        rows = self._rows("SELECT * FROM participants WHERE id = ?", (participant_id,))
        if not rows:
            raise StoreError(f"no participant with id {participant_id}")
        return _participant(rows[0])

    def participant_by_code(self, survey_id: str, code: str) -> Participant | None:
        rows = self._rows(
            "SELECT * FROM participants WHERE code = ? AND survey_id = ?",
            (normalise_code(code), survey_id),
        )
        return _participant(rows[0]) if rows else None

    def participants(self, survey_id: str, *, include_simulated: bool = True) -> list[Participant]:
        sql = "SELECT * FROM participants WHERE survey_id = ?"
        if not include_simulated:
            sql += " AND simulated = 0"
        return [_participant(r) for r in self._rows(sql + " ORDER BY id", (survey_id,))]

    def set_participant_language(self, participant_id: int, language: str) -> None:
        self.conn.execute(
            "UPDATE participants SET language = ? WHERE id = ?", (language, participant_id)
        )

    # --- aggregation and export -----------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that all see one state of the file, whatever other terminals commit meanwhile.

        A deferred read transaction: WAL readers do not block writers. Inside a transaction
        already open, it simply joins it.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN DEFERRED")
        self._admitted = {}
        try:
            yield
        except BaseException:
            self._drop_admitted()
            self.conn.execute("ROLLBACK")
            raise
        self._drop_admitted()
        self.conn.execute("COMMIT")

    def _drop_admitted(self) -> None:
        tables, self._admitted = (self._admitted or {}).values(), None
        for table in tables:
            # A cursor on it not yet finalised keeps it: it goes with the connection.
            with suppress(sqlite3.OperationalError):
                self.conn.execute(f"DROP TABLE temp.{table}")

    def _eligible_responses(self, survey_id: str, flt: ResponseFilter) -> tuple[str, list[Any]]:
        """A subquery of the ids of the responses ``flt`` admits, and its parameters.

        Within a snapshot the ids are worked out once per filter and kept in a temporary table:
        a report asks for them a hundred times, and each join of responses with participants
        costs some 30 ms at 20,000 responses.
        """
        sql, params = self._admitted_query(survey_id, flt)
        if self._admitted is None:
            return sql, params
        key = (survey_id, flt)
        table = self._admitted.get(key)
        if table is None:
            # Numbered across the process: a table a still-open cursor kept alive must not clash
            # with one made later on the same connection.
            table = f"consult_admitted_{next(_TEMP_TABLES)}"
            self.conn.execute(f"CREATE TEMP TABLE {table} (id INTEGER PRIMARY KEY)")
            self.conn.execute(f"INSERT INTO temp.{table} {sql}", params)
            self._admitted[key] = table
        return f"SELECT id FROM temp.{table}", []

    @staticmethod
    def _admitted_query(survey_id: str, flt: ResponseFilter) -> tuple[str, list[Any]]:
        sql = (
            "SELECT r.id FROM responses r JOIN participants p ON p.id = r.participant_id "
            "WHERE p.survey_id = ?"
        )
        params: list[Any] = [survey_id]
        if not flt.include_in_progress:
            sql += " AND r.status = 'submitted'"
        if not flt.include_simulated:
            sql += " AND p.simulated = 0"
        if flt.round is not None:
            sql += " AND r.round = ?"
            params.append(flt.round)
        if flt.groups:
            sql += f" AND p.group_id IN ({', '.join('?' * len(flt.groups))})"
            params.extend(flt.groups)
        if flt.since:
            sql += " AND coalesce(r.submitted_at, r.updated_at) >= ?"
            params.append(flt.since)
        if flt.until:
            # A bare date means the whole of that day.
            sql += " AND coalesce(r.submitted_at, r.updated_at) < ?"
            params.append(flt.until + "T99" if len(flt.until) == 10 else flt.until)
        return sql, params

    def histograms(
        self, survey_id: str, flt: ResponseFilter, questions: Sequence[str] | None = None
    ) -> list[tuple[str, str, str, int]]:
        """Answer counts per (question, group, stored JSON value) over the admitted responses,
        for ``questions`` only when given (free text has as many values as answers)."""
        return self._counts(survey_id, flt, questions, "value, ")

    def answer_counts(
        self, survey_id: str, questions: Sequence[str], flt: ResponseFilter
    ) -> list[tuple[str, str, int]]:
        """How many admitted answers each of ``questions`` has, per group: (question, group, n)."""
        if not questions:
            return []
        return self._counts(survey_id, flt, questions, "")

    def _counts(
        self, survey_id: str, flt: ResponseFilter, questions: Sequence[str] | None, value: str
    ) -> list[Any]:
        """Answers counted per (question, group[, value]) over the responses ``flt`` admits.

        Testing each of a million answers against the admitted responses costs more than the
        counting itself. When most responses are admitted (the usual case: a few unfinished or
        simulated ones are not), it is cheaper to count every answer to these questions from
        the covering index, in its order, and take away the few responses left out, found
        through their own (response_id, question) index.
        """
        sub, sub_params = self._eligible_responses(survey_id, flt)
        only, only_params = "", []
        if questions is not None:
            only = f"question IN ({', '.join('?' * len(questions))}) AND "
            only_params = list(questions)
        keys = f"question, group_id, {value}"
        with self.snapshot():
            total, left_out = self.conn.execute(
                f"SELECT count(*), count(*) FILTER (WHERE id NOT IN ({sub})) FROM responses",
                sub_params,
            ).fetchone()
            if left_out * 2 > total:
                # Scanning the covering index in GROUP BY order needs no sort; left to itself,
                # the planner walks the admitted responses and sorts their answers (5x slower).
                return self.conn.execute(
                    f"SELECT {keys}count(*) FROM answers INDEXED BY answers_histogram "
                    f"WHERE {only}response_id IN ({sub}) GROUP BY {keys.rstrip(', ')}",
                    [*only_params, *sub_params],
                ).fetchall()
            counts: dict[tuple[Any, ...], int] = {}
            for *key, n in self.conn.execute(
                f"SELECT {keys}count(*) FROM answers INDEXED BY answers_histogram "
                f"WHERE {only.removesuffix(' AND ') or '1'} GROUP BY {keys.rstrip(', ')}",
                only_params,
            ):
                counts[tuple(key)] = n
            if left_out:
                for *key, n in self.conn.execute(
                    f"SELECT {keys}count(*) FROM answers WHERE {only}response_id IN "
                    f"(SELECT id FROM responses WHERE id NOT IN ({sub})) "
                    f"GROUP BY {keys.rstrip(', ')}",
                    [*only_params, *sub_params],
                ):
                    counts[tuple(key)] -= n
        return [(*key, n) for key, n in counts.items() if n]

    def current_round(self, survey_id: str) -> int:
        """The round a survey is in: the highest round any of its responses has, else 1."""
        row = self.conn.execute(
            "SELECT max(r.round) FROM responses r JOIN participants p ON p.id = r.participant_id "
            "WHERE p.survey_id = ?",
            (survey_id,),
        ).fetchone()
        return int(row[0] or 1)

    def latest_round(self, survey_id: str, flt: ResponseFilter) -> int | None:
        """The highest round among the responses ``flt`` admits (whatever its own round)."""
        sub, params = self._eligible_responses(survey_id, replace(flt, round=None))
        row = self.conn.execute(f"SELECT max(round) FROM responses WHERE id IN ({sub})", params)
        return row.fetchone()[0]

    def response_counts(self, survey_id: str, flt: ResponseFilter) -> dict[str, int]:
        """Admitted responses per group."""
        sub, params = self._eligible_responses(survey_id, flt)
        rows = self.conn.execute(
            "SELECT p.group_id, count(*) FROM responses r JOIN participants p "
            f"ON p.id = r.participant_id WHERE r.id IN ({sub}) GROUP BY p.group_id",
            params,
        )
        return dict(rows.fetchall())

    def text_answers(
        self, survey_id: str, question: str, flt: ResponseFilter, limit: int | None = None
    ) -> Iterator[tuple[str, str]]:
        """One question's free-text answers as (group, text), streamed, without who or when.

        Ordered by group and text, so the order reveals nothing about the author.
        """
        sub, params = self._eligible_responses(survey_id, flt)
        cursor = self.conn.execute(
            "SELECT group_id, value FROM answers INDEXED BY answers_histogram "
            f"WHERE question = ? AND response_id IN ({sub}) ORDER BY group_id, value"
            + ("" if limit is None else " LIMIT ?"),
            [question, *params, *([] if limit is None else [limit])],
        )
        for group, value in cursor:
            yield group, json.loads(value)

    def export_answers(
        self, survey_id: str, flt: ResponseFilter, question_order: Sequence[str] = ()
    ) -> Iterator[tuple[Any, ...]]:
        """Every admitted answer, pseudonymous, streamed: (pseudonym, group, round, status,
        simulated, question, value, numeric, answered_at). Never names or access codes.

        Each response's answers come in ``question_order`` (the survey's order); questions it
        does not name (a retired question) follow, by time."""
        sub, params = self._eligible_responses(survey_id, flt)
        cursor = self.conn.execute(
            "SELECT p.pseudonym, p.group_id, r.round, r.status, p.simulated, a.question, a.value, "
            "a.numeric, a.answered_at FROM answers a JOIN responses r ON r.id = a.response_id "
            "JOIN participants p ON p.id = r.participant_id "
            f"WHERE a.response_id IN ({sub}) ORDER BY p.pseudonym, r.round, a.answered_at, "
            "a.question",
            params,
        )
        # SQL sorts by response; each response's few answers are put in survey order here,
        # which costs far less than looking a position up for every answer inside the sort.
        position = {key: i for i, key in enumerate(question_order)}
        last = len(position)

        def in_order(batch: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return sorted(batch, key=lambda r: position.get(r[5], last))

        batch: list[tuple[Any, ...]] = []
        for row in cursor:
            if batch and (row[0], row[2]) != (batch[0][0], batch[0][2]):
                yield from in_order(batch)
                batch = []
            batch.append(row)
        yield from in_order(batch)

    def export_identities(self, survey_id: str) -> dict[str, tuple[str | None, str | None]]:
        """pseudonym -> (name, organisation), only for reports an organiser asks to identify."""
        rows = self.conn.execute(
            "SELECT pseudonym, name, organisation FROM participants WHERE survey_id = ?",
            (survey_id,),
        )
        return {p: (n, o) for p, n, o in rows}

    def insert_simulated(
        self,
        survey_id: str,
        survey_hash: str,
        round: int,
        respondents: Iterable[tuple[str, str, list[tuple[str, str, float | None]]]],
    ) -> int:
        """Store synthetic submitted responses, all or nothing; returns how many.

        Each respondent is (group, language, [(question, JSON value, numeric)]). The rows meet
        the same constraints and triggers (history included) as interactive answers; only the
        batching differs, so a million answers take seconds, not minutes.
        """
        stamp = now()
        with self.transaction():
            session = self.conn.execute(
                "INSERT INTO sessions (survey_id, mode, started_at, ended_at) "
                "VALUES (?, 'simulate', ?, ?)",
                (survey_id, stamp, stamp),
            ).lastrowid
            taken_codes = {c for (c,) in self.conn.execute("SELECT code FROM participants")}
            taken_names = {p for (p,) in self.conn.execute("SELECT pseudonym FROM participants")}
            next_id = self.conn.execute("SELECT coalesce(max(id), 0) FROM participants").fetchone()[
                0
            ]
            next_rid = self.conn.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()[0]
            people: list[tuple[Any, ...]] = []
            responses: list[tuple[Any, ...]] = []
            answers: list[tuple[Any, ...]] = []
            total = 0

            def flush() -> None:
                self.conn.executemany(
                    "INSERT INTO participants (id, survey_id, pseudonym, code, group_id, language, "
                    "simulated, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                    people,
                )
                self.conn.executemany(
                    "INSERT INTO responses (id, participant_id, survey_hash, round, status, "
                    "session_id, language, started_at, updated_at, submitted_at) "
                    "VALUES (?1, ?2, ?3, ?7, 'submitted', ?4, ?5, ?6, ?6, ?6)",
                    responses,
                )
                self.conn.executemany(
                    "INSERT INTO answers (response_id, question, group_id, value, numeric, "
                    "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                    answers,
                )
                people.clear()
                responses.clear()
                answers.clear()

            for group, language, rows in respondents:
                next_id += 1
                next_rid += 1
                code = _fresh(taken_codes, CODE_LENGTH, "")
                pseudonym = _fresh(taken_names, PSEUDONYM_LENGTH, "P-")
                people.append((next_id, survey_id, pseudonym, code, group, language, stamp))
                responses.append((next_rid, next_id, survey_hash, session, language, stamp, round))
                answers.extend((next_rid, q, group, v, n, stamp) for q, v, n in rows)
                total += 1
                if len(people) >= 2_000:  # bounded memory within the one transaction
                    flush()
            flush()
        return total

    # --- report -------------------------------------------------------------------------

    def report_answer_count(self, survey_id: str, flt: ResponseFilter) -> int:
        """How many answers the admitted responses hold: the length of a raw-answers export."""
        sub, params = self._eligible_responses(survey_id, flt)
        row = self.conn.execute(
            f"SELECT count(*) FROM answers WHERE response_id IN ({sub})", params
        ).fetchone()
        return int(row[0])

    # --- sessions -----------------------------------------------------------------------

    def start_session(self, survey_id: str, mode: str) -> int:
        """Record that a facilitator started a session (who, on which host and terminal)."""
        try:
            user = os.getlogin()
        except OSError:
            user = os.environ.get("USER") or os.environ.get("USERNAME")
        try:
            terminal = os.ttyname(0)
        except OSError:
            terminal = None
        cursor = self.conn.execute(
            "INSERT INTO sessions (survey_id, mode, facilitator, host, terminal, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (survey_id, mode, user, os.uname().nodename, terminal, now()),
        )
        return int(cursor.lastrowid)

    def end_session(self, session_id: int) -> None:
        self.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now(), session_id))

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
            "excluded.answered_at "
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

        Carries codes and names for the facilitator's panel list; status figures drop them.
        ``answered`` counts the response's current answers; ``status`` is None before a start.
        """
        return self._rows(
            "SELECT p.id AS participant_id, p.pseudonym, p.code, p.group_id, p.name, "
            "p.organisation, coalesce(r.language, p.language) AS language, p.simulated, "
            "p.created_at, r.id AS response_id, r.status, r.started_at, r.updated_at, "
            "r.submitted_at, (SELECT count(*) FROM answers a WHERE a.response_id = r.id) "
            "AS answered FROM participants p LEFT JOIN responses r "
            "ON r.participant_id = p.id AND r.round = ? WHERE p.survey_id = ? ORDER BY p.id",
            (round, survey_id),
        )


_RESPONSE_SELECT = (
    "SELECT r.id, r.participant_id, p.group_id, r.survey_hash, r.round, r.status, r.language, "
    "r.started_at, r.updated_at, r.submitted_at, r.skipped_to FROM responses r "
    "JOIN participants p ON p.id = r.participant_id"
)


def _participant(row: dict[str, Any]) -> Participant:
    return Participant(**{**row, "simulated": bool(row["simulated"])})


def _response(row: dict[str, Any]) -> Response:
    return Response(**row)
