"""The SQLite backend's bulk writer: many synthetic responses in few statements.

A mixin of :class:`consult.store.sqlite.SqliteStore`.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from consult.store.records import CODE_ALPHABET, CODE_LENGTH, PSEUDONYM_LENGTH, now


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def fresh_code(taken: set[str], length: int, prefix: str) -> str:
    """A random code not in ``taken`` (which it joins)."""
    while True:
        code = prefix + random_code(length)
        if code not in taken:
            taken.add(code)
            return code


class SqliteBulk:
    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

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
                code = fresh_code(taken_codes, CODE_LENGTH, "")
                pseudonym = fresh_code(taken_names, PSEUDONYM_LENGTH, "P-")
                people.append((next_id, survey_id, pseudonym, code, group, language, stamp))
                responses.append((next_rid, next_id, survey_hash, session, language, stamp, round))
                answers.extend((next_rid, q, group, v, n, stamp) for q, v, n in rows)
                total += 1
                if len(people) >= 2_000:  # bounded memory within the one transaction
                    flush()
            flush()
        return total
