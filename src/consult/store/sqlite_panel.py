"""The SQLite backend's panel: participants, their access codes, sessions, failed codes.

A mixin of :class:`consult.store.sqlite.SqliteStore`. Access codes are stored as a keyed hash
(:mod:`consult.store.codes`); a :class:`Participant` carries its plaintext code only when it
was just issued or just typed, never when read back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from consult.errors import StoreError
from consult.store.codes import code_hash, create_key, key_path, read_key
from consult.store.records import (
    CODE_LENGTH,
    KIOSK_EXIT_ATTEMPTS,
    PSEUDONYM_LENGTH,
    NewParticipant,
    Participant,
    normalise_code,
    now,
)
from consult.store.sqlite_bulk import random_code


def iso_ago(seconds: float) -> str:
    """The stored form of the time ``seconds`` ago (comparable with :func:`now`)."""
    then = datetime.now(UTC) - timedelta(seconds=seconds)
    return then.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SqlitePanel:
    conn: sqlite3.Connection
    path: Path
    _key: bytes | None

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

        def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]: ...

    # --- the key of the access codes -------------------------------------------------------

    def _code_key(self, *, may_create: bool | None = None) -> bytes:
        """The key of this database's access codes, created on first use.

        A missing key is created only while no code depends on one (``may_create`` None:
        the database holds no real participant yet); otherwise every code would silently stop
        working, so it is refused with what to do.
        """
        if self._key is None:
            where = key_path(self.path)
            key = read_key(where)
            if key is None:
                if may_create is None:
                    may_create = not self._holds_codes()
                if not may_create:
                    raise StoreError(
                        f"{where}: the key of the access codes is missing, so no code of this "
                        "database can be checked. Restore the file from your backup (it is kept "
                        "beside the database); if it is lost for good, run 'consult panel "
                        "new-key' and give everyone a new code with 'consult panel reissue'"
                    )
                key = create_key(where)
            self._key = key
        return self._key

    def _holds_codes(self) -> bool:
        row = self.conn.execute("SELECT 1 FROM participants WHERE simulated = 0 LIMIT 1")
        return row.fetchone() is not None

    def new_code_key(self) -> Path:
        """Create a new key after the old one was lost: every code issued before stops
        working (each participant needs ``reissue_code``). Refused while a key exists."""
        where = key_path(self.path)
        if read_key(where) is not None:
            raise StoreError(f"{where} exists; nothing was changed (the codes work with it)")
        self._key = create_key(where)
        return where

    def _hash(self, code: str) -> str:
        return code_hash(self._code_key(), code)

    # --- participants ---------------------------------------------------------------------

    def add_participants(
        self,
        survey_id: str,
        people: Iterable[NewParticipant],
        *,
        simulated: bool = False,
        before_commit: Callable[[list[Participant]], None] | None = None,
    ) -> list[Participant]:
        """Register participants, all or nothing, each with a fresh access code and pseudonym.

        ``before_commit`` receives them, codes included, inside the transaction: whatever it
        raises commits nothing (``panel import`` writes the codes to a file there).
        """
        created = now()
        self._code_key()  # before the transaction: a missing key fails with nothing written
        added = []
        with self.transaction():
            for person in people:
                added.append(self._insert_participant(survey_id, person, simulated, created))
            added = [replace(self.participant(i), code=code) for i, code in added]
            if before_commit is not None:
                before_commit(added)
        return added

    def _insert_participant(
        self, survey_id: str, person: NewParticipant, simulated: bool, created: str
    ) -> tuple[int, str]:
        # Codes and pseudonyms are random; a clash (rare) is retried rather than checked for first.
        details = [person.organisation, person.language, int(simulated), created]
        details.append(person.external_id)
        for _ in range(100):
            code = random_code(CODE_LENGTH)
            pseudonym = "P-" + random_code(PSEUDONYM_LENGTH)
            try:
                cursor = self.conn.execute(
                    "INSERT INTO participants (survey_id, pseudonym, code_hash, group_id, name, "
                    "organisation, language, simulated, created_at, external_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        survey_id,
                        pseudonym,
                        self._hash(code),
                        person.group_id,
                        person.name,
                        *details,
                    ],
                )
            except sqlite3.IntegrityError as exc:
                if "external_id" in str(exc):
                    raise StoreError(f"external id {person.external_id!r} is taken") from None
                if "UNIQUE" in str(exc):
                    continue
                raise
            return int(cursor.lastrowid), code
        raise StoreError("could not find a free access code; the code space is exhausted")

    def reissue_code(self, participant_id: int) -> Participant:
        """A new access code for a participant (the old one stops working), returned with them:
        the only moment it can be shown."""
        self._code_key()
        with self.transaction():
            for _ in range(100):
                code = random_code(CODE_LENGTH)
                try:
                    changed = self.conn.execute(
                        "UPDATE participants SET code_hash = ? WHERE id = ? AND removed_at IS NULL",
                        (self._hash(code), participant_id),
                    ).rowcount
                except sqlite3.IntegrityError:
                    continue
                if not changed:
                    raise StoreError(f"no participant with id {participant_id} on the panel")
                return replace(self.participant(participant_id), code=code)
        raise StoreError("could not find a free access code; the code space is exhausted")

    def participant(self, participant_id: int) -> Participant:
        rows = self._rows("SELECT * FROM participants WHERE id = ?", (participant_id,))
        if not rows:
            raise StoreError(f"no participant with id {participant_id}")
        return _participant(rows[0])

    def participant_by_code(self, survey_id: str, code: str) -> Participant | None:
        """The participant whose code is ``code`` (one indexed lookup of its keyed hash)."""
        if not normalise_code(code):
            return None
        rows = self._rows(
            "SELECT * FROM participants WHERE code_hash = ? AND survey_id = ? "
            "AND removed_at IS NULL",
            (self._hash(code), survey_id),
        )
        return replace(_participant(rows[0]), code=normalise_code(code)) if rows else None

    def participants(self, survey_id: str, *, include_simulated: bool = True) -> list[Participant]:
        sql = "SELECT * FROM participants WHERE survey_id = ? AND removed_at IS NULL"
        if not include_simulated:
            sql += " AND simulated = 0"
        return [_participant(r) for r in self._rows(sql + " ORDER BY id", (survey_id,))]

    def set_participant_language(self, participant_id: int, language: str) -> None:
        self.conn.execute(
            "UPDATE participants SET language = ? WHERE id = ?", (language, participant_id)
        )

    def participant_answer_count(self, participant_id: int) -> int:
        """How many current answers the participant's responses (every round) hold."""
        return self.conn.execute(
            "SELECT count(*) FROM answers WHERE response_id IN "
            "(SELECT id FROM responses WHERE participant_id = ?)",
            (participant_id,),
        ).fetchone()[0]

    def remove_participant(self, participant_id: int, *, with_answers: bool = False) -> int:
        """Mark a participant removed and, ``with_answers``, delete their answers (the history
        records each deletion); returns how many answers were deleted. Rows stay, so the
        history keeps what it refers to."""
        with self.transaction():
            deleted = 0
            if with_answers:
                deleted = self.conn.execute(
                    "DELETE FROM answers WHERE response_id IN "
                    "(SELECT id FROM responses WHERE participant_id = ?)",
                    (participant_id,),
                ).rowcount
            self.conn.execute(
                "UPDATE participants SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                (now(), participant_id),
            )
        return deleted

    # --- failed access codes ----------------------------------------------------------------

    def record_code_failure(self, survey_id: str) -> None:
        """Note a wrong access code, with the time (for the delay and for status)."""
        self.conn.execute(
            "INSERT INTO code_failures (survey_id, failed_at) VALUES (?, ?)", (survey_id, now())
        )

    def code_failures(self, seconds: float, survey_id: str | None = None) -> int:
        """How many wrong access codes were typed in the last ``seconds`` (of one survey, or
        of every survey of the database)."""
        sql = "SELECT count(*) FROM code_failures WHERE failed_at >= ?"
        params: list[Any] = [iso_ago(seconds)]
        if survey_id is not None:
            sql += " AND survey_id = ?"
            params.append(survey_id)
        return self.conn.execute(sql, params).fetchone()[0]

    # --- sessions -----------------------------------------------------------------------

    def start_session(self, survey_id: str, mode: str) -> int:
        """Record that a session started: its survey, mode and time, nothing about who or where."""
        cursor = self.conn.execute(
            "INSERT INTO sessions (survey_id, mode, started_at) VALUES (?, ?, ?)",
            (survey_id, mode, now()),
        )
        return int(cursor.lastrowid)

    def end_session(self, session_id: int) -> None:
        self.conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (now(), session_id))

    def exit_word_failed(self, session_id: int) -> int:
        """Count a wrong exit word at a kiosk; returns how many since the last unlock."""
        self.conn.execute(
            "UPDATE sessions SET exit_failures = exit_failures + 1 WHERE id = ?", (session_id,)
        )
        return self.exit_word_failures(session_id)

    def exit_word_failures(self, session_id: int) -> int:
        row = self.conn.execute(
            "SELECT exit_failures FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        return row[0] if row else 0

    def unlock_kiosks(self, survey_id: str) -> int:
        """Let the running kiosks of ``survey_id`` accept their exit word again; returns how
        many were locked."""
        return self.conn.execute(
            "UPDATE sessions SET exit_failures = 0 WHERE survey_id = ? AND mode = 'kiosk' "
            "AND ended_at IS NULL AND exit_failures >= ?",
            (survey_id, KIOSK_EXIT_ATTEMPTS),
        ).rowcount


def _participant(row: dict[str, Any]) -> Participant:
    fields = {k: v for k, v in row.items() if k != "code_hash"}
    return Participant(**{**fields, "code": "", "simulated": bool(row["simulated"])})
