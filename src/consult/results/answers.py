"""Answers as flat records, streamed from the store: what raw-answer exports and sheets list.

Records carry pseudonymous participant ids, never names or access codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from consult.store import ResponseFilter, Store
from consult.survey.model import ABSTAIN, Survey


def answer_records(store: Store, survey: Survey, flt: ResponseFilter) -> Iterator[dict[str, Any]]:
    """Every admitted answer as a flat record, streamed from the store."""
    for (
        pseudonym,
        group,
        rnd,
        status,
        simulated,
        question,
        value,
        numeric,
        at,
        survey_hash,
    ) in store.export_answers(survey.id, flt, [q.key for q in survey.questions()]):
        proposal = question.split(".", 1)[0] if "." in question else ""
        yield {
            "participant": pseudonym,
            "group": group,
            "round": rnd,
            "status": status,
            "simulated": bool(simulated),
            "proposal": proposal,
            "question": question,
            "value": json.loads(value),
            "numeric": numeric,
            "answered_at": at,
            "survey_hash": survey_hash,
        }


def without_free_text(
    records: Iterable[dict[str, Any]], survey: Survey
) -> Iterator[dict[str, Any]]:
    """The records that cannot hold free text: answers to a question that is not text now, with
    no text but its option ids (an earlier version of the survey may have asked free text under
    the same key). Streamed, as the records come."""
    allowed = {
        q.key: {o.id for o in q.options} | {ABSTAIN}
        for q in survey.questions()
        if not q.kind.free_text
    }
    for rec in records:
        if _no_free_text(rec["value"], allowed.get(rec["question"])):
            yield rec


def _no_free_text(value: Any, allowed: set[str] | None) -> bool:
    """Whether an answer holds no text but the ``allowed`` ids (None: an unknown question)."""
    if allowed is None:
        return False
    items = value if isinstance(value, list) else [value]
    return all(not isinstance(v, str) or v in allowed for v in items)
