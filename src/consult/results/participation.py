"""Participation figures for the facilitator: who is invited, who started, who submitted.

:func:`summarise` is a pure function over :meth:`Store.participation_rows`; it never returns
access codes or names, only pseudonyms, so its output can be shown on a projector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from consult.store import STATUS_SUBMITTED, ResponseFilter, Store
from consult.survey.model import Survey


def summarise(
    rows: Iterable[dict[str, Any]],
    groups: Sequence[str],
    *,
    include_simulated: bool = False,
) -> dict[str, Any]:
    """Counts by group and the unfinished participants, from participation rows.

    ``invited`` counts registered participants, ``started`` those with a response (submitted
    ones included), ``submitted`` those who submitted. Groups of the survey come first, in its
    order; a group found only in the rows (a survey edited after enrolment) follows.
    """
    counts: dict[str, dict[str, int]] = {
        g: {"invited": 0, "started": 0, "submitted": 0} for g in groups
    }
    unfinished = []
    last_activity = None
    for row in rows:
        if row["simulated"] and not include_simulated:
            continue
        group = counts.setdefault(row["group_id"], {"invited": 0, "started": 0, "submitted": 0})
        group["invited"] += 1
        if row["status"] is not None:
            group["started"] += 1
        if row["status"] == STATUS_SUBMITTED:
            group["submitted"] += 1
        else:
            unfinished.append(
                {
                    "pseudonym": row["pseudonym"],
                    "group": row["group_id"],
                    "status": "in progress" if row["status"] else "not started",
                    "answered": row["answered"],
                    "last_activity": row["updated_at"],
                }
            )
        if row["updated_at"] and (last_activity is None or row["updated_at"] > last_activity):
            last_activity = row["updated_at"]
    total = {k: sum(c[k] for c in counts.values()) for k in ("invited", "started", "submitted")}
    return {
        "groups": [{"group": g, **c} for g, c in counts.items()],
        "total": total,
        "not_finished": unfinished,
        "last_activity": last_activity,
    }


def round_rows(store: Store, survey: Survey, round: int) -> list[dict[str, Any]]:
    """:meth:`Store.participation_rows` of the participants invited to ``round``: everyone in
    round 1; in a later Delphi round with ``invite: submitted``, those who submitted the one
    before (and anyone who answered the round anyway, so nothing answered is hidden)."""
    rows = store.participation_rows(survey.id, round)
    if round == 1 or survey.delphi is None or survey.delphi.invite != "submitted":
        return rows
    before = {
        r["pseudonym"]
        for r in store.participation_rows(survey.id, round - 1)
        if r["status"] == STATUS_SUBMITTED
    }
    return [r for r in rows if r["pseudonym"] in before or r["status"] is not None]


def participation_status(
    store: Store, survey: Survey, *, round: int | None = None, include_simulated: bool = False
) -> dict[str, Any]:
    """The status of ``survey`` in ``round`` (default: the current round): :func:`summarise`
    plus the survey and round."""
    if round is None:
        round = store.current_round(survey.id)
    rows = round_rows(store, survey, round)
    summary = summarise(rows, survey.group_ids, include_simulated=include_simulated)
    # Wrong access codes typed in the last hour: someone guessing shows here.
    failed = store.code_failures(3600, survey.id)
    return {
        "survey": survey.id,
        "round": round,
        **summary,
        # How the responses came in: terminal, form, table, merge (and simulate, if counted).
        "by_channel": store.responses_by_channel(survey.id, round, include_simulated),
        "failed_codes_last_hour": failed,
    }


def simulated_responses(store: Store, survey: Survey, flt: ResponseFilter) -> int:
    """How many simulated responses match ``flt`` otherwise: the ones it counts when it
    includes them, the ones it leaves out when it does not."""
    with_them = sum(store.response_counts(survey.id, replace(flt, include_simulated=True)).values())
    without = sum(store.response_counts(survey.id, replace(flt, include_simulated=False)).values())
    return with_them - without
