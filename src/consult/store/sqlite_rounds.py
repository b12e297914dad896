"""Delphi rounds in SQLite: the rounds table, and the reads that compare two rounds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from consult.store.records import ResponseFilter, Round, now


class SqliteRounds:
    """The ``rounds`` table and reads across rounds (mixed into the SQLite store)."""

    conn: sqlite3.Connection
    #: From SqliteReads: the subquery of the response ids a filter admits.
    _eligible_responses: Callable[[str, ResponseFilter], tuple[str, list[Any]]]

    def rounds(self, survey_id: str) -> list[Round]:
        rows = self.conn.execute(
            "SELECT survey_id, number, survey_hash, opened_at, closed_at, plan, snapshot, final "
            "FROM rounds WHERE survey_id = ? ORDER BY number",
            (survey_id,),
        ).fetchall()
        return [
            Round(
                survey_id=r[0],
                number=r[1],
                survey_hash=r[2],
                opened_at=r[3],
                closed_at=r[4],
                plan=json.loads(r[5]),
                snapshot=None if r[6] is None else json.loads(r[6]),
                final=bool(r[7]),
            )
            for r in rows
        ]

    def close_round(
        self,
        survey_id: str,
        number: int,
        snapshot: dict[str, Any],
        *,
        survey_hash: str | None = None,
        final: bool = False,
    ) -> None:
        stamp = now()
        # A round never opened explicitly (round 1) opened with its first response.
        first = self.conn.execute(
            "SELECT min(r.started_at) FROM responses r JOIN participants p "
            "ON p.id = r.participant_id WHERE p.survey_id = ? AND r.round = ?",
            (survey_id, number),
        ).fetchone()[0]
        self.conn.execute(
            "INSERT INTO rounds (survey_id, number, survey_hash, opened_at, closed_at, snapshot, "
            "final) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (survey_id, number) DO UPDATE SET "
            "closed_at = excluded.closed_at, snapshot = excluded.snapshot, final = excluded.final",
            (
                survey_id,
                number,
                survey_hash,
                first or stamp,
                stamp,
                json.dumps(snapshot, ensure_ascii=False),
                int(final),
            ),
        )

    def open_round(
        self, survey_id: str, number: int, survey_hash: str, plan: dict[str, Any]
    ) -> Round:
        stamp = now()
        self.conn.execute(
            "INSERT INTO rounds (survey_id, number, survey_hash, opened_at, plan) "
            "VALUES (?, ?, ?, ?, ?)",
            (survey_id, number, survey_hash, stamp, json.dumps(plan, ensure_ascii=False)),
        )
        return Round(survey_id, number, survey_hash, stamp, plan=plan)

    def round_pairs(
        self,
        survey_id: str,
        questions: Sequence[str],
        before: int,
        after: int,
        flt: ResponseFilter,
    ) -> dict[str, dict[tuple[str, float, float], int]]:
        """Per question: (group, answer in ``before``, answer in ``after``) -> participants,
        over those whose admitted responses in both rounds hold a number for it (abstentions
        are not numbers). One query for all ``questions``."""
        if not questions:
            return {}
        sub_a, params_a = self._eligible_responses(survey_id, replace(flt, round=before))
        sub_b, params_b = self._eligible_responses(survey_id, replace(flt, round=after))
        marks = ", ".join("?" * len(questions))
        rows = self.conn.execute(
            "SELECT a1.question, p.group_id, a1.numeric, a2.numeric, count(*) "
            "FROM responses r1 JOIN responses r2 ON r2.participant_id = r1.participant_id "
            "JOIN participants p ON p.id = r1.participant_id "
            "JOIN answers a1 ON a1.response_id = r1.id "
            "JOIN answers a2 ON a2.response_id = r2.id AND a2.question = a1.question "
            f"WHERE r1.id IN ({sub_a}) AND r2.id IN ({sub_b}) AND a1.question IN ({marks}) "
            "AND a1.numeric IS NOT NULL AND a2.numeric IS NOT NULL "
            "GROUP BY a1.question, p.group_id, a1.numeric, a2.numeric",
            [*params_a, *params_b, *questions],
        )
        out: dict[str, dict[tuple[str, float, float], int]] = {}
        for question, g, a, b, n in rows:
            out.setdefault(question, {})[(g, a, b)] = n
        return out

    def continuing(
        self, survey_id: str, before: int, after: int, flt: ResponseFilter
    ) -> dict[str, int]:
        """Participants per group whose responses in both rounds ``flt`` admits."""
        sub_a, params_a = self._eligible_responses(survey_id, replace(flt, round=before))
        sub_b, params_b = self._eligible_responses(survey_id, replace(flt, round=after))
        rows = self.conn.execute(
            "SELECT p.group_id, count(*) FROM responses r1 "
            "JOIN responses r2 ON r2.participant_id = r1.participant_id "
            "JOIN participants p ON p.id = r1.participant_id "
            f"WHERE r1.id IN ({sub_a}) AND r2.id IN ({sub_b}) GROUP BY p.group_id",
            [*params_a, *params_b],
        )
        return dict(rows.fetchall())

    def reasons(
        self,
        survey_id: str,
        text_questions: Sequence[str],
        support_question: str,
        flt: ResponseFilter,
    ) -> Iterator[tuple[str, float | None, str]]:
        """Free-text answers to ``text_questions`` as (group, the same response's number for
        ``support_question``, text), without who or when; ordered by group and text."""
        if not text_questions:
            return iter(())
        sub, params = self._eligible_responses(survey_id, flt)
        marks = ", ".join("?" * len(text_questions))
        rows = self.conn.execute(
            "SELECT t.group_id, s.numeric, json_extract(t.value, '$') FROM answers t "
            "LEFT JOIN answers s ON s.response_id = t.response_id AND s.question = ? "
            f"WHERE t.question IN ({marks}) AND t.response_id IN ({sub}) "
            "ORDER BY t.group_id, 3",
            [support_question, *text_questions, *params],
        )
        return ((g, n, str(t)) for g, n, t in rows if isinstance(t, str) and t.strip())
