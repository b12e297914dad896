"""Answers arriving from files: checked against the survey and the database, then written all
or nothing (``consult import``).

A reader (``consult.imports.form_file`` for filled spreadsheet forms, ``wide_table`` for a table
with a row per participant) turns each file into :class:`Submission` objects: whose answers,
and each answer's raw cell with where it sits. :func:`plan_import` checks every one (the form's
token, survey version and round; every value against its question; required questions and
conditions) and decides per participant: created, updated (with the answers that change),
unchanged or refused. :func:`apply_import` writes the plan in one transaction; nothing is
written while any submission is refused or any value is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from consult.errors import InputError
from consult.store import ImportedResponse, Participant, Store
from consult.store.codes import form_token, token_matches
from consult.store.plans import plan_of, round_survey
from consult.survey.cells import CellProblem
from consult.survey.model import Survey

CHANNELS = ("form", "table")


@dataclass
class Submission:
    """One participant's answers as a file holds them."""

    source: str  # the file, as named on the command line
    where: str  # where in it, for messages: "FILE" or "FILE: row 7"
    channel: str  # "form" or "table"
    pseudonym: str | None = None
    #: A blank form (open enrolment): its own id, and the group the participant picked.
    instance: str | None = None
    group: str | None = None
    #: Finds the participant this file created on an earlier import (a blank form's id, an
    #: ODK/Kobo instanceID); ``replaces`` is an earlier id this one supersedes (an edit).
    external_id: str | None = None
    replaces: str | None = None
    survey_hash: str | None = None  # forms carry the version they were made for
    round: int | None = None
    token: str | None = None
    language: str | None = None
    #: question key -> (raw cell value, where the cell is: "Form!C12", "row 7, column X")
    cells: dict[str, tuple[Any, str]] = field(default_factory=dict)
    #: Problems the reader found (a cell naming no question, ...): as bad as a wrong value.
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What importing one submission does."""

    where: str
    pseudonym: str
    action: str  # "created", "updated", "unchanged", "refused" or "empty" (a blank form)
    #: (question key, old value, new value) for an update; None for no answer.
    changes: tuple[tuple[str, Any, Any], ...] = ()
    reason: str = ""


@dataclass
class ImportPlan:
    survey: Survey
    round: int
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    writes: list[ImportedResponse] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.count("refused")

    def summary(self) -> str:
        parts = [f"{self.count(a)} {a}" for a in ("created", "updated", "unchanged", "refused")]
        if self.count("empty"):
            parts.append(f"{self.count('empty')} empty (not filled in)")
        return ", ".join(parts)


def plan_import(
    store: Store, survey: Survey, submissions: list[Submission], *, allow_update: bool = False
) -> ImportPlan:
    """Check every submission and decide what importing it does (nothing is written)."""
    plan = plan_of(store, survey)
    if not plan.is_open:
        raise InputError(f"round {plan.number} is closed; no answers can be imported into it")
    asked = round_survey(survey, plan)
    result = ImportPlan(survey, plan.number)
    people = {p.pseudonym: p for p in store.participants(survey.id)}
    by_id = {p.id: p for p in people.values()}
    external = store.external_ids(survey.id)
    state = store.import_state(survey.id, plan.number)
    invited = _invited(store, survey, plan.number)
    key = store.form_key() if any(s.channel == "form" for s in submissions) else b""
    seen: dict[str, str] = {}
    seen_external: dict[str, str] = {}
    for sub in submissions:
        who = people.get(sub.pseudonym or "")
        removed = False
        if sub.external_id:
            found = external.get(sub.external_id) or external.get(sub.replaces or "")
            who, removed = (by_id.get(found[0]), found[1]) if found else (None, False)
            twice = next(
                (seen_external[e] for e in (sub.external_id, sub.replaces) if e in seen_external),
                None,
            )
            if twice:
                result.problems.append(
                    f"{sub.where}: the same submission (form or instanceID) as {twice}; "
                    "import one of them"
                )
                continue
            seen_external[sub.external_id] = sub.where
        name = who.pseudonym if who else (sub.pseudonym or "(new)")
        if sub.problems:  # what the reader found (a column twice, a cell under no name...)
            result.problems.extend(sub.problems)
            continue
        if sub.channel == "form" and all(
            raw in (None, "") or (isinstance(raw, str) and not raw.strip())
            for raw, _ in sub.cells.values()
        ):
            # A form not filled in yet (the folder holds every form written): nothing to do.
            result.outcomes.append(Outcome(sub.where, name, "empty"))
            continue
        refusal = (
            "the participant it created was removed (consult panel remove) and stays removed"
            if removed
            else _refusal(survey, plan.number, sub, who, key, state, allow_update)
        )
        if not refusal and who is not None and sub.group and sub.group != who.group_id:
            refusal = f"says group {sub.group}, but {who.pseudonym} is in group {who.group_id}"
            if sub.instance:
                refusal += " (a blank form copied to someone else? each person needs their own)"
        if not refusal and invited is not None and (who is None or who.id not in invited):
            refusal = (
                f"not invited to round {plan.number}: only those who submitted round "
                f"{plan.number - 1} are (delphi invite: submitted)"
            )
        if refusal:
            result.outcomes.append(Outcome(sub.where, name, "refused", reason=refusal))
            continue
        if who is not None:
            if who.pseudonym in seen:
                result.problems.append(
                    f"{sub.where}: {who.pseudonym} is also in {seen[who.pseudonym]}; "
                    "import one of them"
                )
                continue
            seen[who.pseudonym] = sub.where
        answers, problems = _check_values(asked, sub, who.group_id if who else sub.group or "")
        result.problems.extend(problems)
        if problems:
            continue
        before = state.get(who.id, {}).get("answers", {}) if who else {}
        changes = tuple(
            (k, before.get(k), answers.get(k))
            for k in [q.key for q in asked.questions()]
            if before.get(k) != answers.get(k)
        )
        existing = who is not None and who.id in state
        submitted = existing and state[who.id]["status"] == "submitted"  # type: ignore[union-attr]
        if existing and not changes and submitted:
            result.outcomes.append(Outcome(sub.where, name, "unchanged"))
            continue
        action = "updated" if existing else "created"
        result.outcomes.append(Outcome(sub.where, name, action, changes if existing else ()))
        result.writes.append(
            ImportedResponse(
                participant_id=who.id if who else None,
                group_id=who.group_id if who else sub.group or "",
                survey_hash=survey.hash,
                round=plan.number,
                channel=sub.channel,
                source=sub.source,
                answers={
                    k: (json.dumps(v, ensure_ascii=False), asked.question(k).numeric(v))
                    for k, v in answers.items()
                    if before.get(k) != v
                },
                clear=tuple(k for k in before if k not in answers),
                language=sub.language,
                # a new participant's id, or an edited submission's new one
                external_id=(
                    sub.external_id
                    if sub.external_id and (who is None or who.external_id != sub.external_id)
                    else None
                ),
            )
        )
    return result


def apply_import(store: Store, plan: ImportPlan) -> int:
    """Write the plan in one transaction; refused unless every submission passed."""
    if not plan.ok:
        raise InputError("nothing was imported: fix or leave out the refused files and rows")
    return store.write_imported(plan.survey.id, plan.writes)


def _invited(store: Store, survey: Survey, round: int) -> set[int] | None:
    """The participants a later Delphi round invites (those who submitted the round before,
    under ``invite: submitted``); None when everyone is."""
    if round == 1 or survey.delphi is None or survey.delphi.invite != "submitted":
        return None
    before = store.import_state(survey.id, round - 1)
    return {pid for pid, entry in before.items() if entry["status"] == "submitted"}


def _refusal(
    survey: Survey,
    round: int,
    sub: Submission,
    who: Participant | None,
    key: bytes,
    state: dict[int, dict[str, Any]],
    allow_update: bool,
) -> str:
    """Why the submission is refused as a whole, or ""."""
    if sub.external_id is None and who is None:
        if sub.pseudonym:
            return f"no participant {sub.pseudonym} in the panel of {survey.id}"
        return "no pseudonym: whose answers are these?"
    if sub.channel == "form":
        if sub.survey_hash != survey.hash:
            return "made for another version of the survey; write new forms (consult forms)"
        if sub.round != round:
            return f"made for round {sub.round}; the survey is in round {round}"
        bound = "blank" if sub.instance else (who.uuid or "" if who else "")
        name = sub.instance or (who.pseudonym if who else "")
        if not sub.token or not token_matches(
            sub.token, form_token(key, survey.hash, round, bound, name)
        ):
            return "its token does not verify: the form was edited or not made by this database"
    elif sub.round is not None and sub.round != round:
        return f"round {sub.round}; the survey is in round {round}"
    if who is None and sub.group not in survey.group_ids:
        return f"group {sub.group!r} is not one of {', '.join(survey.group_ids)}"
    entry = state.get(who.id) if who else None
    if (
        entry is not None
        and entry["status"] == "submitted"
        and entry["channel"] == "terminal"
        and not allow_update
    ):
        return (
            f"{who.pseudonym if who else ''} already submitted in the terminal; "
            "--allow-update takes this file over it (the history keeps both)"
        )
    return ""


def _check_values(survey: Survey, sub: Submission, group: str) -> tuple[dict[str, Any], list[str]]:
    """The stored values of the cells, and every problem, in survey order."""
    answers: dict[str, Any] = {}
    problems: list[str] = []
    known = {q.key for q in survey.questions()}
    for k, (raw, where) in sub.cells.items():
        if k not in known and raw not in (None, ""):
            problems.append(f"{where}: {k}: not a question of this round")
    located = {}
    wrong = set()
    for q in survey.questions():
        raw, where = sub.cells.get(q.key, (None, sub.where))
        located[q.key] = where
        try:
            value = q.kind.parse_cell(q, raw, survey)
        except CellProblem as exc:
            problems.append(f"{where}: {q.key}: {exc}")
            wrong.add(q.key)
            continue
        if value is not None:
            answers[q.key] = value
    for q in survey.questions():
        applies = q.when is None or q.when.applies(answers, group)
        if q.key in answers and not applies:
            problems.append(
                f"{located[q.key]}: {q.key}: answered, but it applies only when {q.when}"
            )
        elif applies and q.required and q.key not in answers and q.key not in wrong:
            problems.append(f"{located[q.key]}: {q.key}: required, but blank")
    return answers, problems
