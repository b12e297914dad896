"""Responses that arrive from files (``consult import``), written all or nothing, and the key
that signs spreadsheet forms."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from consult.errors import StoreError
from consult.store.records import PSEUDONYM_LENGTH, ImportedResponse, now
from consult.store.sqlite_bulk import fresh_code, unusable_code_hash


class SqliteImports:
    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

    def form_key(self) -> bytes:
        row = self.conn.execute("SELECT value FROM secrets WHERE name = 'form_key'").fetchone()
        if row is None:
            raise StoreError("the database has no form key (secrets table); was it copied?")
        return bytes(row[0])

    def external_ids(self, survey_id: str) -> dict[str, tuple[int, bool]]:
        """external id -> (participant id, removed?), removed participants included."""
        rows = self.conn.execute(
            "SELECT external_id, id, removed_at IS NOT NULL FROM participants "
            "WHERE survey_id = ? AND external_id IS NOT NULL ORDER BY removed_at IS NULL, id",
            (survey_id,),
        )
        return {e: (pid, bool(removed)) for e, pid, removed in rows}

    def import_state(self, survey_id: str, round: int) -> dict[int, dict[str, Any]]:
        """participant id -> {"response_id", "status", "channel", "answers": {key: value}}, for
        every response of ``round`` (what an import compares its files with)."""
        out: dict[int, dict[str, Any]] = {}
        cursor = self.conn.execute(
            "SELECT r.participant_id, r.id, r.status, r.channel, a.question, a.value "
            "FROM responses r JOIN participants p ON p.id = r.participant_id "
            "LEFT JOIN answers a ON a.response_id = r.id "
            "WHERE p.survey_id = ? AND r.round = ?",
            (survey_id, round),
        )
        for pid, rid, status, channel, question, value in cursor:
            entry = out.setdefault(
                pid, {"response_id": rid, "status": status, "channel": channel, "answers": {}}
            )
            if question is not None:
                entry["answers"][question] = json.loads(value)
        return out

    def write_imported(self, survey_id: str, responses: Sequence[ImportedResponse]) -> int:
        """Write imported responses in one transaction (all or nothing), each submitted; a
        changed answer keeps its old value in the history, with the channel and source file of
        the new one. Inside a transaction already open (the import's checks), it joins it.
        Returns how many answers were written or cleared."""
        stamp = now()
        written = 0
        taken: set[str] = set()
        with nullcontext() if self.conn.in_transaction else self.transaction():
            for item in responses:
                pid = item.participant_id
                if pid is None:
                    if not taken:
                        taken = {
                            p for (p,) in self.conn.execute("SELECT pseudonym FROM participants")
                        }
                    pid = int(
                        self.conn.execute(
                            "INSERT INTO participants (survey_id, pseudonym, code_hash, group_id, "
                            "language, created_at, external_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (
                                survey_id,
                                fresh_code(taken, PSEUDONYM_LENGTH, "P-"),
                                unusable_code_hash(),
                                item.group_id,
                                item.language,
                                stamp,
                                item.external_id,
                            ),
                        ).lastrowid
                    )
                elif item.external_id is not None:
                    # an edited submission (ODK/Kobo): its new id finds it next time
                    self.conn.execute(
                        "UPDATE participants SET external_id = ? WHERE id = ?",
                        (item.external_id, pid),
                    )
                self.conn.execute(
                    "INSERT INTO responses (participant_id, survey_hash, round, status, language, "
                    "started_at, updated_at, submitted_at, channel) "
                    "VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?) "
                    "ON CONFLICT (participant_id, round) DO UPDATE SET status = 'submitted', "
                    "submitted_at = coalesce(submitted_at, excluded.submitted_at), "
                    "updated_at = excluded.updated_at, channel = excluded.channel",
                    (
                        pid,
                        item.survey_hash,
                        item.round,
                        item.language,
                        stamp,
                        stamp,
                        stamp,
                        item.channel,
                    ),
                )
                rid = self.conn.execute(
                    "SELECT id FROM responses WHERE participant_id = ? AND round = ?",
                    (pid, item.round),
                ).fetchone()[0]
                for question in item.clear:
                    written += self.conn.execute(
                        "DELETE FROM answers WHERE response_id = ? AND question = ?",
                        (rid, question),
                    ).rowcount
                for question, (value, numeric) in item.answers.items():
                    written += self.conn.execute(
                        "INSERT INTO answers (response_id, question, group_id, value, numeric, "
                        "answered_at, channel, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (response_id, question) DO UPDATE SET value = excluded.value, "
                        "numeric = excluded.numeric, answered_at = excluded.answered_at, "
                        "channel = excluded.channel, source = excluded.source "
                        "WHERE value IS NOT excluded.value",
                        (
                            rid,
                            question,
                            item.group_id,
                            value,
                            numeric,
                            stamp,
                            item.channel,
                            item.source,
                        ),
                    ).rowcount
        return written

    def responses_by_channel(
        self, survey_id: str, round: int, include_simulated: bool = False
    ) -> dict[str, dict[str, int]]:
        """channel -> {"started", "submitted"} for the responses of ``round``."""
        rows = self.conn.execute(
            "SELECT r.channel, count(*), sum(r.status = 'submitted') FROM responses r "
            "JOIN participants p ON p.id = r.participant_id WHERE p.survey_id = ? AND r.round = ? "
            "AND p.removed_at IS NULL AND (p.simulated = 0 OR ?) GROUP BY r.channel "
            "ORDER BY r.channel",
            (survey_id, round, int(include_simulated)),
        )
        return {c: {"started": n, "submitted": int(s or 0)} for c, n, s in rows}
