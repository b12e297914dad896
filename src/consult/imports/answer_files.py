"""``consult import``: answers from filled forms and tables, checked, then written all or
nothing. Which reader a file needs is decided by its content: a workbook with the hidden
``consult`` sheet is a form; a table with an ``instanceID`` column is an ODK Central or
KoboToolbox export; any other CSV or XLSX is a wide table of ours."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from consult.errors import InputError
from consult.imports.answers import ImportPlan, Submission, apply_import, plan_import
from consult.imports.form_file import read_form
from consult.imports.wide_table import read_table
from consult.store import Store
from consult.survey.model import Survey

SUFFIXES = (".xlsx", ".csv")


def read_submissions(paths: Sequence[str | Path], survey: Survey) -> list[Submission]:
    """Every submission the files hold, in the order given."""
    out: list[Submission] = []
    for raw in paths:
        path = Path(raw)
        shown = str(raw)
        if not path.is_file():
            raise InputError(f"{shown}: no such file")
        if path.suffix.lower() not in SUFFIXES:
            raise InputError(f"{shown}: expected a .xlsx form or a .csv/.xlsx table of answers")
        form = read_form(path, shown) if path.suffix.lower() == ".xlsx" else None
        if form is not None:
            out.append(form)
        else:
            out.extend(read_table(path, shown, survey))
    return out


def import_answers(
    store: Store,
    survey: Survey,
    paths: Sequence[str | Path],
    *,
    dry_run: bool = False,
    allow_update: bool = False,
) -> ImportPlan:
    """Read, check and (unless ``dry_run``, and only if everything passed) write the answers
    of ``paths`` into the current round, in one transaction. Returns the plan: what happened
    (or would happen) per participant, and every problem."""
    from consult.store.surveys import register_survey

    register_survey(store, survey)
    submissions = read_submissions(paths, survey)  # the files first, outside the lock
    # The checks and the write in one write transaction: nothing another terminal commits
    # meanwhile (a submission, a closed round) can slip between what was checked and written.
    with store.transaction():
        plan = plan_import(store, survey, submissions, allow_update=allow_update)
        if not dry_run and plan.ok:
            apply_import(store, plan)
    return plan


def describe(plan: ImportPlan, lang: str | None = None) -> list[str]:
    """What the plan does per participant, one line each (changes indented below)."""
    survey = plan.survey
    lang = lang or survey.languages[0]
    lines = []
    for o in plan.outcomes:
        line = f"{o.action:<9} {o.pseudonym:<10} {o.where}"
        if o.reason:
            line += f": {o.reason}"
        lines.append(line)
        for key, old, new in o.changes:
            try:
                q = survey.question(key)
                before = q.kind.format(q, old, lang, survey) if old is not None else "—"
                after = q.kind.format(q, new, lang, survey) if new is not None else "—"
            except KeyError:  # a question of the round's own (the Delphi reason)
                before, after = str(old or "—"), str(new or "—")
            lines.append(f"            {key}: {_short(before)} → {_short(after)}")
    return lines


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
