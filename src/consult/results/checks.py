"""What stored data hold that the current survey definition cannot place, and which responses
were answered on another wording: counted and said, never left out or mixed silently."""

from __future__ import annotations

import json
from typing import Any

from consult.store import Store
from consult.survey.model import Survey

#: Why a stored answer cannot be counted under the current definition.
UNPLACED_REASONS = ("question_not_asked", "group_not_defined", "value_not_allowed")


def wordings_of(store: Store, survey: Survey, hashes: dict[str, int]) -> list[dict[str, Any]]:
    """The definitions the responses were answered on, and which proposals each words
    otherwise than the current one (a proposal is compared whole: title, statement,
    questions)."""
    current = {p.get("id"): p for p in survey.definition.get("proposals", [])}
    out = []
    for digest, n in sorted(hashes.items(), key=lambda item: (item[0] != survey.hash, item[0])):
        if digest == survey.hash:
            out.append(
                {"hash": digest, "version": survey.version, "responses": n, "current": True,
                 "proposals_changed": []}
            )  # fmt: skip
            continue
        stored = store.survey_by_hash(digest)
        old = json.loads(stored) if stored else {}
        before = {p.get("id"): p for p in old.get("proposals", []) if isinstance(p, dict)}
        changed = [pid for pid, p in current.items() if before.get(pid) != p]
        out.append(
            {"hash": digest, "version": str(old.get("version", "?")), "responses": n,
             "current": False, "proposals_changed": changed}
        )  # fmt: skip
    return out


def unplaced_notice(results: Any) -> str | None:  # a consult.results.aggregation.Results
    """What the results could not count, and which proposals pooled several wordings, with the
    numbers (a line each), or None.

    Said by every command that reads results, so a renamed group or a removed option never
    makes responses vanish without a word."""
    u = results.unplaced
    parts = []
    if u.get("responses"):
        groups = ", ".join(f"{g} {n}" for g, n in u["groups"].items())
        parts.append(
            f"{u['responses']} stored responses belong to groups the survey no longer defines "
            f"({groups})"
        )
    answers = u.get("answers", {})
    words = {
        "question_not_asked": "to questions the survey no longer asks",
        "group_not_defined": "from those groups",
        "value_not_allowed": "with values no longer on the scale or among the options",
    }
    detail = [f"{n} {words[reason]}" for reason, n in answers.items() if n]
    if detail:
        parts.append("answers not counted: " + "; ".join(detail))
    if parts:
        parts = ["Warning: " + "; ".join(parts) + ". Check the survey file against the database."]
    total = results.n_respondents + u.get("responses", 0)
    for proposal in results.proposals:
        n = sum(w["responses"] for w in results.wordings if proposal.id in w["proposals_changed"])
        if n:
            parts.append(
                f"Note: {n} of {total} responses answered an earlier wording of proposal "
                f"{proposal.id!r} ({proposal.title}); they are counted with the current one."
            )
    return "\n".join(parts) or None
