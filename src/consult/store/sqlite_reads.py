"""The SQLite backend's reads for results and exports: counts, histograms, streamed answers.

A mixin of :class:`consult.store.sqlite.SqliteStore`, kept apart because these queries are
where the speed of ``results`` and ``report`` is decided (see benchmarks/RESULTS.md).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import Any

from consult.store.records import ResponseFilter

_TEMP_TABLES = itertools.count(1)


class SqliteReads:
    """Reads over the responses a :class:`ResponseFilter` admits."""

    conn: sqlite3.Connection
    _admitted: dict[tuple[str, ResponseFilter], str] | None

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
            "WHERE p.survey_id = ? AND p.removed_at IS NULL"
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
        """The round a survey is in: the highest round opened or answered, else 1."""
        row = self.conn.execute(
            "SELECT max(r.round) FROM responses r JOIN participants p ON p.id = r.participant_id "
            "WHERE p.survey_id = ?",
            (survey_id,),
        ).fetchone()
        opened = self.conn.execute(
            "SELECT max(number) FROM rounds WHERE survey_id = ?", (survey_id,)
        ).fetchone()
        return int(max(row[0] or 1, opened[0] or 1))

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

    def response_hashes(self, survey_id: str, flt: ResponseFilter) -> dict[str, int]:
        """Admitted responses per survey definition (content hash) they were answered on."""
        sub, params = self._eligible_responses(survey_id, flt)
        rows = self.conn.execute(
            f"SELECT survey_hash, count(*) FROM responses WHERE id IN ({sub}) GROUP BY survey_hash",
            params,
        )
        return dict(rows.fetchall())

    def answers_to_other_questions(
        self, survey_id: str, questions: Sequence[str], flt: ResponseFilter
    ) -> int:
        """How many admitted answers are to questions not in ``questions`` (ones a definition
        no longer asks)."""
        sub, params = self._eligible_responses(survey_id, flt)
        marks = ", ".join("?" * len(questions)) or "NULL"
        row = self.conn.execute(
            f"SELECT count(*) FROM answers WHERE response_id IN ({sub}) "
            f"AND question NOT IN ({marks})",
            [*params, *questions],
        ).fetchone()
        return int(row[0])

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
        simulated, question, value, numeric, answered_at, survey_hash). Never names or access
        codes.

        Each response's answers come in ``question_order`` (the survey's order); questions it
        does not name (a retired question) follow, by time."""
        sub, params = self._eligible_responses(survey_id, flt)
        cursor = self.conn.execute(
            "SELECT p.pseudonym, p.group_id, r.round, r.status, p.simulated, a.question, a.value, "
            "a.numeric, a.answered_at, r.survey_hash FROM answers a "
            "JOIN responses r ON r.id = a.response_id "
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
            "SELECT pseudonym, name, organisation FROM participants "
            "WHERE survey_id = ? AND removed_at IS NULL",
            (survey_id,),
        )
        return {p: (n, o) for p, n, o in rows}

    # --- report -------------------------------------------------------------------------

    def report_answer_count(self, survey_id: str, flt: ResponseFilter) -> int:
        """How many answers the admitted responses hold: the length of a raw-answers export."""
        sub, params = self._eligible_responses(survey_id, flt)
        row = self.conn.execute(
            f"SELECT count(*) FROM answers WHERE response_id IN ({sub})", params
        ).fetchone()
        return int(row[0])
