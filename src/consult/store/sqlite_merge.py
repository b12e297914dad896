"""Merging another consult database into this one, in SQL (``consult merge``).

A mixin of :class:`consult.store.sqlite.SqliteStore`. The sources are ATTACHed (before the
transaction: SQLite attaches nothing inside one), then, inside the caller's ``BEGIN
IMMEDIATE``, :meth:`plan_merge` reads what a source would bring and :meth:`apply_merge` writes
it with a few set-based ``INSERT … SELECT`` statements: no row passes through Python.

Identity is the stable ids of migration 6: a participant is the same person when the uuid
matches; a response is the same when its participant and round are (a participant has one
response a round, whatever uuid each venue gave it). The mapping from the source's ids to the
target's lives in temporary tables (``temp.merge_*``) between the plan and the write. Deciding
what is refused (conflicts, clashes, surveys, rounds) is the caller's
(:mod:`consult.imports.merge`); nothing here copies a secret (the ``secrets`` table, the key of
the access codes).
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from consult.errors import InputError, StoreError
from consult.store.codes import key_path, read_key
from consult.store.records import (
    PSEUDONYM_LENGTH,
    MergeClash,
    MergeConflict,
    MergeCounts,
    MergePlan,
    MergeSource,
    Round,
)
from consult.store.schema import APPLICATION_ID, SCHEMA_VERSION
from consult.store.sqlite_bulk import PENDING, fresh_code

#: The most sources one merge attaches (SQLite's limit on attached databases, raised to the
#: most this build allows; 10 in a default build).
_WANTED_ATTACHED = 125
#: Half-written simulations (invisible in the source) are not merged.
_PENDING_LIKE = PENDING.split("{")[0] + "%"

_TEMP_TABLES = (
    # A source participant of the survey, and the target's id of the same person (uuid).
    """CREATE TEMP TABLE merge_people (
        src_id INTEGER PRIMARY KEY, uuid TEXT NOT NULL, dst_id INTEGER, group_id TEXT NOT NULL,
        pseudonym TEXT NOT NULL, simulated INTEGER NOT NULL)""",
    # Simulated newcomers whose pseudonym is taken here: the fresh one they get.
    "CREATE TEMP TABLE merge_renames (src_id INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL)",
    # A source response, the target's response of the same participant and round, if any.
    """CREATE TEMP TABLE merge_responses (
        src_id INTEGER PRIMARY KEY, person INTEGER NOT NULL, round INTEGER NOT NULL,
        dst_id INTEGER, group_id TEXT NOT NULL, new INTEGER NOT NULL DEFAULT 0,
        touched INTEGER NOT NULL DEFAULT 0)""",
    # Answers of responses both hold that differ: missing here (conflict 0) or another value.
    """CREATE TEMP TABLE merge_answers (
        dst_id INTEGER NOT NULL, question TEXT NOT NULL, src_id INTEGER NOT NULL,
        conflict INTEGER NOT NULL, source_wins INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (dst_id, question)) WITHOUT ROWID""",
)


class SqliteMerge:
    """Attach, plan and apply a merge (mixed into the SQLite store)."""

    conn: sqlite3.Connection
    path: Path

    if TYPE_CHECKING:

        def _code_key(self, *, may_create: bool | None = None) -> bytes: ...

        def transaction(self) -> AbstractContextManager[None]: ...

    # --- attaching ------------------------------------------------------------------------

    @contextmanager
    def merge_sources(self, paths: Sequence[str | Path]) -> Iterator[list[MergeSource]]:
        """Attach the databases at ``paths`` for reading; detached when the block ends.

        Call outside a transaction, and open the transaction inside the block."""
        limit = sqlite3.SQLITE_LIMIT_ATTACHED
        self.conn.setlimit(limit, _WANTED_ATTACHED)  # truncated to what the build allows
        most = self.conn.getlimit(limit)
        if len(paths) > most:
            raise InputError(
                f"{len(paths)} sources: this SQLite attaches at most {most} at once; "
                "merge them in several runs"
            )
        sources: list[MergeSource] = []
        try:
            for i, path in enumerate(paths):
                alias = f"merge_src{i}"
                self.conn.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
                sources.append(MergeSource(str(path), alias))
                app_id = self.conn.execute(f"PRAGMA {alias}.application_id").fetchone()[0]
                version = self.conn.execute(f"PRAGMA {alias}.user_version").fetchone()[0]
                if app_id != APPLICATION_ID or version != SCHEMA_VERSION:
                    raise StoreError(
                        f"{path}: not a consult database of schema {SCHEMA_VERSION} "
                        f"(application id {app_id:#x}, schema {version}); nothing was merged"
                    )
            yield sources
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            for source in reversed(sources):
                self.conn.execute(f"DETACH DATABASE {source.alias}")

    def merge_survey_ids(self, source: MergeSource) -> list[str]:
        """The surveys the source has participants of."""
        rows = self.conn.execute(
            f"SELECT DISTINCT survey_id FROM {source.alias}.participants ORDER BY survey_id"
        )
        return [r[0] for r in rows]

    # --- planning -------------------------------------------------------------------------

    def plan_merge(self, source: MergeSource, survey_id: str) -> MergePlan:
        """What merging ``source``'s responses to ``survey_id`` would do; writes nothing but
        the temporary tables :meth:`apply_merge` reads. Run inside :meth:`transaction`."""
        s, c = source.alias, self.conn
        key = self._code_key()  # created now if the target has no code yet: never copied
        their_key = read_key(key_path(source.path))
        same_key = their_key is not None and hmac.compare_digest(key, their_key)
        for table in ("merge_people", "merge_renames", "merge_responses", "merge_answers"):
            c.execute(f"DROP TABLE IF EXISTS temp.{table}")
        for statement in _TEMP_TABLES:
            c.execute(statement)
        c.execute(
            "INSERT INTO temp.merge_people SELECT sp.id, sp.uuid, p.id, "
            "coalesce(p.group_id, sp.group_id), sp.pseudonym, sp.simulated "
            f"FROM {s}.participants sp LEFT JOIN main.participants p ON p.uuid = sp.uuid "
            "WHERE sp.survey_id = ? AND (sp.removed_at IS NULL OR sp.removed_at NOT LIKE ?)",
            (survey_id, _PENDING_LIKE),
        )
        clashes, renamed = self._merge_clashes(s, survey_id, same_key)
        c.execute(
            "INSERT INTO temp.merge_responses (src_id, person, round, dst_id, group_id) "
            "SELECT sr.id, m.src_id, sr.round, r.id, m.group_id "
            f"FROM {s}.responses sr JOIN temp.merge_people m ON m.src_id = sr.participant_id "
            "LEFT JOIN main.responses r ON r.participant_id = m.dst_id AND r.round = sr.round"
        )
        c.execute(
            "INSERT INTO temp.merge_answers (dst_id, question, src_id, conflict) "
            "SELECT mr.dst_id, sa.question, mr.src_id, a.value IS NOT NULL "
            f"FROM temp.merge_responses mr CROSS JOIN {s}.answers sa "
            "ON sa.response_id = mr.src_id LEFT JOIN main.answers a "
            "ON a.response_id = mr.dst_id AND a.question = sa.question "
            "WHERE mr.dst_id IS NOT NULL AND a.value IS NOT sa.value"
        )
        conflicts = tuple(
            MergeConflict(*row)
            for row in c.execute(
                "SELECT p.pseudonym, r.round, d.question, a.value, a.answered_at, sa.value, "
                "sa.answered_at FROM temp.merge_answers d "
                "JOIN main.answers a ON a.response_id = d.dst_id AND a.question = d.question "
                "JOIN main.responses r ON r.id = d.dst_id "
                "JOIN main.participants p ON p.id = r.participant_id "
                f"JOIN {s}.answers sa ON sa.response_id = d.src_id AND sa.question = d.question "
                "WHERE d.conflict ORDER BY p.pseudonym, r.round, d.question"
            )
        )
        new_versions = dict(
            c.execute(
                f"SELECT hash, definition FROM {s}.surveys WHERE hash IN (SELECT DISTINCT "
                f"sr.survey_hash FROM temp.merge_responses mr JOIN {s}.responses sr "
                "ON sr.id = mr.src_id) AND hash NOT IN (SELECT hash FROM main.surveys) "
                "ORDER BY loaded_at"
            ).fetchall()
        )
        people_new, responses_new, responses_existing = c.execute(
            "SELECT (SELECT count(*) FROM temp.merge_people WHERE dst_id IS NULL), "
            "(SELECT count(*) FROM temp.merge_responses WHERE dst_id IS NULL), "
            "(SELECT count(*) FROM temp.merge_responses WHERE dst_id IS NOT NULL)"
        ).fetchone()
        rounds = tuple(
            Round(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), None, bool(r[6]))
            for r in c.execute(
                "SELECT survey_id, number, survey_hash, opened_at, closed_at, plan, final "
                f"FROM {s}.rounds WHERE survey_id = ? ORDER BY number",
                (survey_id,),
            )
        )
        response_rounds = tuple(
            r[0] for r in c.execute("SELECT DISTINCT round FROM temp.merge_responses ORDER BY 1")
        )
        return MergePlan(
            source=source,
            survey_id=survey_id,
            new_versions=new_versions,
            rounds=rounds,
            response_rounds=response_rounds,
            participants_new=people_new,
            responses_new=responses_new,
            responses_existing=responses_existing,
            conflicts=conflicts,
            clashes=tuple(clashes),
            renamed=renamed,
            same_code_key=same_key,
        )

    def _merge_clashes(
        self, s: str, survey_id: str, same_key: bool
    ) -> tuple[list[MergeClash], int]:
        """Newcomers whose pseudonym, external id or (same key only) access code the target
        gives someone else. A simulated newcomer is given a fresh pseudonym instead."""
        c = self.conn
        clashes: list[MergeClash] = []
        renames: list[tuple[int, str]] = []
        taken: set[str] | None = None
        for src_id, pseudonym, dst_id, simulated in c.execute(
            "SELECT m.src_id, m.pseudonym, p.id, m.simulated FROM temp.merge_people m "
            "JOIN main.participants p ON p.pseudonym = m.pseudonym WHERE m.dst_id IS NULL"
        ).fetchall():
            if simulated:
                if taken is None:
                    taken = {r[0] for r in c.execute("SELECT pseudonym FROM main.participants")}
                    taken |= {r[0] for r in c.execute("SELECT pseudonym FROM temp.merge_people")}
                renames.append((src_id, fresh_code(taken, PSEUDONYM_LENGTH, "P-")))
            else:
                clashes.append(self._clash("pseudonym", pseudonym, dst_id, s, src_id))
        c.executemany("INSERT INTO temp.merge_renames VALUES (?, ?)", renames)
        for src_id, external_id, dst_id in c.execute(
            f"SELECT m.src_id, sp.external_id, p.id FROM temp.merge_people m JOIN {s}.participants "
            "sp ON sp.id = m.src_id JOIN main.participants p ON p.survey_id = ? "
            "AND p.external_id = sp.external_id AND p.removed_at IS NULL "
            "WHERE m.dst_id IS NULL AND sp.removed_at IS NULL",
            (survey_id,),
        ).fetchall():
            clashes.append(self._clash("external id", external_id, dst_id, s, src_id))
        if same_key:  # hashes under one key compare as the codes do; under two keys, they cannot
            for src_id, pseudonym, dst_id in c.execute(
                f"SELECT m.src_id, m.pseudonym, p.id FROM temp.merge_people m "
                f"JOIN {s}.participants sp ON sp.id = m.src_id "
                "JOIN main.participants p ON p.code_hash = sp.code_hash "
                "WHERE m.dst_id IS NULL AND m.simulated = 0"
            ).fetchall():
                clashes.append(self._clash("access code", pseudonym, dst_id, s, src_id))
        return clashes, len(renames)

    def _clash(self, kind: str, value: str, dst_id: int, s: str, src_id: int) -> MergeClash:
        def who(schema: str, pid: int) -> str:
            name, org, group, pseudonym, uuid, simulated = self.conn.execute(
                "SELECT name, organisation, group_id, pseudonym, uuid, simulated "
                f"FROM {schema}.participants WHERE id = ?",
                (pid,),
            ).fetchone()
            if name:
                return f"{name} ({org})" if org else name
            kind_ = "simulated participant" if simulated else "participant"
            return f"{kind_} {pseudonym} of {group}, id {uuid[:8]}"

        return MergeClash(kind, value, who("main", dst_id), who(s, src_id))

    # --- writing --------------------------------------------------------------------------

    def apply_merge(self, plan: MergePlan, prefer: str | None, source_name: str) -> MergeCounts:
        """Write what ``plan`` found (it must be the last one planned, in this transaction).

        Conflicts go to the source when ``prefer`` is ``source``, or ``newer`` and the
        source's answer is the later (a tie keeps the target's); otherwise the target keeps
        its answer and the source's goes into the history. Merged answers carry channel
        ``merge`` and ``source_name``, and the history copies both."""
        if plan.conflicts and prefer not in ("newer", "target", "source"):
            raise InputError(f"{plan.source.path}: conflicts need --prefer newer|target|source")
        try:
            return self._apply(plan, plan.source.alias, prefer or "target", source_name)
        except sqlite3.IntegrityError as exc:
            if "round is closed" not in str(exc):
                raise
            rounds = ", ".join(str(n) for n in plan.response_rounds)
            raise InputError(
                f"{plan.source.path}: it brings answers to a round that is closed in "
                f"{self.path} (its responses are in round {rounds}); nothing was merged"
            ) from None

    def _apply(self, plan: MergePlan, s: str, prefer: str, source_name: str) -> MergeCounts:
        c = self.conn
        if plan.new_versions:
            # Copied versions are dated before every version the target has, so that the
            # target's current survey stays what it was.
            c.execute(
                "INSERT INTO main.surveys (hash, survey_id, version, title, definition, path, "
                "loaded_at) SELECT x.hash, x.survey_id, x.version, x.title, x.definition, x.path, "
                "CASE WHEN f.first IS NULL OR x.loaded_at < f.first THEN x.loaded_at ELSE "
                "strftime('%Y-%m-%dT%H:%M:%fZ', julianday(f.first) - 0.000001) END "
                f"FROM {s}.surveys x, (SELECT min(loaded_at) AS first FROM main.surveys "
                "WHERE survey_id = ?) f WHERE x.hash IN (SELECT value FROM json_each(?))",
                (plan.survey_id, json.dumps(list(plan.new_versions))),
            )
        unusable = 0
        if plan.participants_new:
            if not plan.same_code_key:
                unusable = c.execute(
                    f"SELECT count(*) FROM temp.merge_people m JOIN {s}.participants sp "
                    "ON sp.id = m.src_id WHERE m.dst_id IS NULL AND sp.simulated = 0 "
                    "AND sp.removed_at IS NULL"
                ).fetchone()[0]
            c.execute(
                "INSERT INTO main.participants (survey_id, pseudonym, code_hash, group_id, name, "
                "organisation, language, simulated, created_at, external_id, removed_at, uuid) "
                "SELECT sp.survey_id, coalesce(n.pseudonym, sp.pseudonym), "
                "CASE WHEN ? THEN sp.code_hash ELSE lower(hex(randomblob(32))) END, sp.group_id, "
                "sp.name, sp.organisation, sp.language, sp.simulated, sp.created_at, "
                "sp.external_id, sp.removed_at, sp.uuid FROM temp.merge_people m "
                f"JOIN {s}.participants sp ON sp.id = m.src_id "
                "LEFT JOIN temp.merge_renames n ON n.src_id = m.src_id "
                "WHERE m.dst_id IS NULL ORDER BY m.src_id",
                (int(plan.same_code_key),),
            )
            c.execute(
                "UPDATE temp.merge_people SET dst_id = (SELECT p.id FROM main.participants p "
                "WHERE p.uuid = merge_people.uuid) WHERE dst_id IS NULL"
            )
        if plan.responses_new:
            c.execute(
                "INSERT INTO main.responses (participant_id, survey_hash, round, status, "
                "language, started_at, updated_at, submitted_at, skipped_to, uuid, channel) "
                "SELECT m.dst_id, sr.survey_hash, sr.round, sr.status, sr.language, "
                "sr.started_at, sr.updated_at, sr.submitted_at, sr.skipped_to, "
                "CASE WHEN EXISTS (SELECT 1 FROM main.responses x WHERE x.uuid = sr.uuid) "
                "THEN NULL ELSE sr.uuid END, 'merge' FROM temp.merge_responses mr "
                f"JOIN {s}.responses sr ON sr.id = mr.src_id "
                "JOIN temp.merge_people m ON m.src_id = mr.person "
                "WHERE mr.dst_id IS NULL ORDER BY mr.src_id"
            )
            c.execute(
                "UPDATE temp.merge_responses SET new = 1, dst_id = (SELECT r.id FROM "
                "main.responses r WHERE r.round = merge_responses.round AND r.participant_id = "
                "(SELECT m.dst_id FROM temp.merge_people m "
                "WHERE m.src_id = merge_responses.person)) WHERE dst_id IS NULL"
            )
        # CROSS JOIN keeps the responses outside (SQLite never reorders it): answers come in
        # key order and append to the target's B-tree. Left to itself the planner walked the
        # source's histogram index, which writes them in random order (9 s, not 4, per 500k).
        added = c.execute(
            "INSERT INTO main.answers (response_id, question, group_id, value, numeric, "
            "answered_at, channel, source) SELECT mr.dst_id, sa.question, mr.group_id, sa.value, "
            "sa.numeric, sa.answered_at, 'merge', ? FROM temp.merge_responses mr "
            f"CROSS JOIN {s}.answers sa ON sa.response_id = mr.src_id WHERE mr.new = 1",
            (source_name,),
        ).rowcount
        added += c.execute(
            "INSERT INTO main.answers (response_id, question, group_id, value, numeric, "
            "answered_at, channel, source) SELECT d.dst_id, d.question, mr.group_id, sa.value, "
            "sa.numeric, sa.answered_at, 'merge', ? FROM temp.merge_answers d "
            "JOIN temp.merge_responses mr ON mr.src_id = d.src_id "
            f"JOIN {s}.answers sa ON sa.response_id = d.src_id AND sa.question = d.question "
            "WHERE d.conflict = 0",
            (source_name,),
        ).rowcount
        changed = kept = 0
        if plan.conflicts:
            changed, kept = self._settle(s, prefer, source_name)
        status = [
            r[0]
            for r in c.execute(
                "UPDATE main.responses SET status = 'submitted', submitted_at = sr.submitted_at, "
                "updated_at = max(responses.updated_at, sr.updated_at) "
                f"FROM temp.merge_responses mr JOIN {s}.responses sr ON sr.id = mr.src_id "
                "WHERE mr.new = 0 AND mr.dst_id = responses.id AND "
                "responses.status = 'in_progress' AND sr.status = 'submitted' RETURNING id"
            ).fetchall()
        ]
        c.execute(
            "UPDATE temp.merge_responses SET touched = 1 WHERE new = 0 AND (src_id IN "
            "(SELECT src_id FROM temp.merge_answers WHERE conflict = 0 OR source_wins = 1) "
            "OR dst_id IN (SELECT value FROM json_each(?)))",
            (json.dumps(status),),
        )
        updated = c.execute(
            "SELECT count(*) FROM temp.merge_responses WHERE touched = 1"
        ).fetchone()[0]
        return MergeCounts(
            participants_added=plan.participants_new,
            responses_added=plan.responses_new,
            responses_updated=updated,
            responses_unchanged=plan.responses_existing - updated,
            answers_added=added,
            answers_changed=changed,
            answers_kept=kept,
            codes_unusable=unusable,
            renamed=plan.renamed,
        )

    def _settle(self, s: str, prefer: str, source_name: str) -> tuple[int, int]:
        """Settle the conflicts: returns (answers taken from the source, answers kept)."""
        c = self.conn
        wins = {"source": "1", "target": "0", "newer": "sa.answered_at > a.answered_at"}[prefer]
        c.execute(
            f"UPDATE temp.merge_answers SET source_wins = (SELECT {wins} FROM main.answers a "
            f"JOIN {s}.answers sa ON sa.response_id = merge_answers.src_id "
            "AND sa.question = merge_answers.question WHERE a.response_id = merge_answers.dst_id "
            "AND a.question = merge_answers.question) WHERE conflict = 1"
        )
        changed = c.execute(
            "UPDATE main.answers SET value = sa.value, numeric = sa.numeric, "
            "answered_at = sa.answered_at, channel = 'merge', source = ? "
            f"FROM temp.merge_answers d JOIN {s}.answers sa ON sa.response_id = d.src_id "
            "AND sa.question = d.question WHERE d.source_wins = 1 "
            "AND answers.response_id = d.dst_id AND answers.question = d.question",
            (source_name,),
        ).rowcount
        # The source's losing value joins the history (once: merging again adds nothing).
        # One scan of the unindexed history for all of them, not one per conflict.
        seen = {
            (r, q, v, t)
            for r, q, v, t in c.execute(
                "SELECT h.response_id, h.question, h.value, h.changed_at FROM main.answer_history "
                "h CROSS JOIN temp.merge_answers d ON d.dst_id = h.response_id "
                "AND d.question = h.question WHERE d.conflict = 1 AND d.source_wins = 0"
            )
        }
        losers = [
            (r, q, v, t, source_name)
            for r, q, v, t in c.execute(
                "SELECT d.dst_id, d.question, sa.value, sa.answered_at FROM temp.merge_answers d "
                f"JOIN {s}.answers sa ON sa.response_id = d.src_id AND sa.question = d.question "
                "WHERE d.conflict = 1 AND d.source_wins = 0"
            ).fetchall()
        ]
        c.executemany(
            "INSERT INTO main.answer_history (response_id, question, value, changed_at, channel, "
            "source) VALUES (?, ?, ?, ?, 'merge', ?)",
            [row for row in losers if row[:4] not in seen],
        )
        return changed, len(losers)
