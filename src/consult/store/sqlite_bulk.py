"""The SQLite backend's bulk writer: many synthetic responses in short transactions.

A mixin of :class:`consult.store.sqlite.SqliteStore`.

Why short transactions: SQLite has one write lock per file. A writer that kept it for the
whole of a large simulation (tens of seconds for 400,000 respondents) would make every
participant's save wait that long, and fail after the busy timeout. So the rows go in batches,
each its own ``BEGIN IMMEDIATE`` ... ``COMMIT`` sized to about :data:`BATCH_SECONDS` of work,
and the lock is free between batches (while Python builds the next one) for the sessions'
single-row saves.

Why it is still all or nothing: every participant written is marked pending, with
``removed_at`` set to a marker naming the simulation (``pending simulate <session id>``).
Results, codes, the panel list and status already leave out every participant whose
``removed_at`` is set, so nothing of the panel is visible while it is written. A final short
transaction clears the marker over the id range written, and the whole panel appears at
once. A simulation that is interrupted (Ctrl-C, a kill, a full disk) leaves its batches as
removed participants, invisible everywhere as removed people are; nothing half-simulated is
ever counted. We chose the marker over a staging table or a separate file: it needs no
schema change, no copy of the rows, and the flip is one indexed range update.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from consult.store.records import CODE_ALPHABET, PSEUDONYM_LENGTH, now

#: Seconds of database work per write transaction of the bulk writer: short enough that a
#: session's save waiting behind it is not noticed.
BATCH_SECONDS = 0.04
#: The most respondents in one batch, however fast the machine.
MAX_BATCH = 2_000
#: ``participants.removed_at`` of a simulated participant not yet visible (see the module doc).
PENDING = "pending simulate {session}"


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def unusable_code_hash() -> str:
    """A code hash no code has (random): for simulated participants, who never log in."""
    return secrets.token_hex(32)


def fresh_code(taken: set[str], length: int, prefix: str) -> str:
    """A random code not in ``taken`` (which it joins)."""
    while True:
        code = prefix + random_code(length)
        if code not in taken:
            taken.add(code)
            return code


Respondent = tuple[str, str, list[tuple[str, str, "float | None"]]]


class SqliteBulk:
    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

    def insert_simulated(
        self,
        survey_id: str,
        survey_hash: str,
        round: int,
        respondents: Iterable[Respondent],
        *,
        batch_seconds: float = BATCH_SECONDS,
    ) -> int:
        """Store synthetic submitted responses, all or nothing; returns how many.

        Each respondent is (group, language, [(question, JSON value, numeric)]). The rows meet
        the same constraints and triggers (history included) as interactive answers; only the
        batching differs, so a million answers take seconds, not minutes, and no transaction
        holds the write lock for more than about ``batch_seconds``.
        """
        stamp = now()
        with self.transaction():
            session = int(
                self.conn.execute(
                    "INSERT INTO sessions (survey_id, mode, started_at) VALUES (?, 'simulate', ?)",
                    (survey_id, stamp),
                ).lastrowid
            )
        marker = PENDING.format(session=session)
        # Read without the lock: a pseudonym another process takes meanwhile fails our insert
        # (UNIQUE) rather than being shared, and is one chance in hundreds of millions.
        taken_names = {p for (p,) in self.conn.execute("SELECT pseudonym FROM participants")}
        span: list[int] = []  # the first and last participant id written
        batch: list[Respondent] = []
        size, total = 50, 0

        def write() -> None:
            nonlocal size, total
            ctx = (survey_id, survey_hash, round, session, marker, stamp)
            seconds = self._write_batch(ctx, batch, taken_names, span)
            total += len(batch)
            batch.clear()
            # Aim the next batch at batch_seconds of work, growing at most fourfold at a time.
            fit = int(size * batch_seconds / max(seconds, 1e-4))
            size = max(10, min(MAX_BATCH, 4 * size, fit))

        for respondent in respondents:
            batch.append(respondent)
            if len(batch) >= size:
                write()
        if batch:
            write()
        with self.transaction():  # the flip: the whole panel appears at once
            if span:
                self.conn.execute(
                    "UPDATE participants SET removed_at = NULL "
                    "WHERE id BETWEEN ? AND ? AND removed_at = ?",
                    (span[0], span[-1], marker),
                )
            self.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now(), session))
        return total

    def _write_batch(
        self,
        ctx: tuple[str, str, int, int, str, str],
        batch: list[Respondent],
        taken_names: set[str],
        span: list[int],
    ) -> float:
        """Write one batch in one short transaction; returns the seconds it held the lock."""
        survey_id, survey_hash, round, session, marker, stamp = ctx
        # Drawn before the lock is taken: the transaction does only the writing.
        names = [
            (unusable_code_hash(), fresh_code(taken_names, PSEUDONYM_LENGTH, "P-")) for _ in batch
        ]
        start = time.perf_counter()
        with self.transaction():
            # Ids are taken under the lock: other processes add participants between batches.
            next_id = self.conn.execute("SELECT coalesce(max(id), 0) FROM participants").fetchone()[
                0
            ]
            next_rid = self.conn.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()[0]
            people, responses, answers = [], [], []
            for (group, language, rows), (code, pseudonym) in zip(batch, names, strict=True):
                next_id += 1
                next_rid += 1
                people.append((next_id, survey_id, pseudonym, code, group, language, stamp, marker))
                responses.append((next_rid, next_id, survey_hash, session, language, stamp, round))
                answers.extend((next_rid, q, group, v, n, stamp) for q, v, n in rows)
            self.conn.executemany(
                "INSERT INTO participants (id, survey_id, pseudonym, code_hash, group_id, "
                "language, simulated, created_at, removed_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                people,
            )
            self.conn.executemany(
                "INSERT INTO responses (id, participant_id, survey_hash, round, status, "
                "session_id, language, started_at, updated_at, submitted_at, channel) "
                "VALUES (?1, ?2, ?3, ?7, 'submitted', ?4, ?5, ?6, ?6, ?6, 'simulate')",
                responses,
            )
            self.conn.executemany(
                "INSERT INTO answers (response_id, question, group_id, value, numeric, "
                "answered_at, channel) VALUES (?, ?, ?, ?, ?, ?, 'simulate')",
                answers,
            )
        if people:
            span[:] = [span[0] if span else people[0][0], people[-1][0]]
        return time.perf_counter() - start

    def simulated_round(
        self, survey_id: str, round: int
    ) -> Iterator[tuple[int, str, str | None, dict[str, str]]]:
        """The submitted simulated responses of ``round``: (participant id, group, language,
        {question: JSON value}), in order of participant."""
        cursor = self.conn.execute(
            "SELECT p.id, p.group_id, r.language, a.question, a.value FROM responses r "
            "JOIN participants p ON p.id = r.participant_id "
            "LEFT JOIN answers a ON a.response_id = r.id "
            "WHERE p.survey_id = ? AND p.simulated = 1 AND p.removed_at IS NULL "
            "AND r.round = ? AND r.status = 'submitted' ORDER BY p.id",
            (survey_id, round),
        )
        current: tuple[int, str, str | None, dict[str, str]] | None = None
        for pid, group, language, question, value in cursor:
            if current is None or current[0] != pid:
                if current is not None:
                    yield current
                current = (pid, group, language, {})
            if question is not None:
                current[3][question] = value
        if current is not None:
            yield current

    def insert_simulated_round(
        self,
        survey_id: str,
        survey_hash: str,
        round: int,
        responses: Iterable[tuple[int, str, str | None, list[tuple[str, str, float | None]]]],
    ) -> int:
        """Submitted responses in ``round`` for simulated participants already registered, in
        one transaction (all or nothing); each is (participant id, group, language, rows)."""
        stamp = now()
        total = 0
        with self.transaction():
            session = int(
                self.conn.execute(
                    "INSERT INTO sessions (survey_id, mode, started_at) VALUES (?, 'simulate', ?)",
                    (survey_id, stamp),
                ).lastrowid
            )
            for pid, group, language, rows in responses:
                rid = self.conn.execute(
                    "INSERT INTO responses (participant_id, survey_hash, round, status, "
                    "session_id, language, started_at, updated_at, submitted_at, channel) "
                    "SELECT id, ?, ?, 'submitted', ?, ?, ?, ?, ?, 'simulate' FROM participants "
                    "WHERE id = ? AND simulated = 1 AND survey_id = ?",
                    (survey_hash, round, session, language, stamp, stamp, stamp, pid, survey_id),
                ).lastrowid
                self.conn.executemany(
                    "INSERT INTO answers (response_id, question, group_id, value, numeric, "
                    "answered_at, channel) VALUES (?, ?, ?, ?, ?, ?, 'simulate')",
                    [(rid, q, group, v, n, stamp) for q, v, n in rows],
                )
                total += 1
            self.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now(), session))
        return total
