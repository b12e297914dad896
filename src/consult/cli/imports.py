"""``consult import``: answers from filled spreadsheet forms and wide tables, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consult.cli.options import SurveyArg


def import_(
    survey: SurveyArg,
    files: Annotated[
        list[Path], typer.Argument(help="Filled forms (.xlsx) and tables of answers (.csv, .xlsx).")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    allow_update: Annotated[
        bool,
        typer.Option(
            "--allow-update",
            help="Let a file replace a response already submitted in the terminal.",
        ),
    ] = False,
) -> None:
    """Import answers from filled forms (consult forms) and wide tables of answers.

    Every value is checked against the survey; nothing is written unless every file passes.
    Importing the same file again changes nothing.

    Example: consult import surveys/st-diplomacy-roundtable.yaml forms/*.xlsx --dry-run
    """
    from consult.cli.context import open_store
    from consult.errors import InputError
    from consult.imports.answer_files import describe, import_answers
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        plan = import_answers(store, s, files, dry_run=dry_run, allow_update=allow_update)
    for line in describe(plan):
        typer.echo(line)
    if plan.problems:
        for problem in plan.problems:
            typer.echo(problem, err=True)
    if plan.outcomes:
        done = "dry run: nothing written" if dry_run or not plan.ok else "written"
        typer.echo(f"{plan.summary()} ({done})")
    elif not plan.problems:
        typer.echo("No answers in these files.")
    if not plan.ok:
        n = len(plan.problems)
        raise InputError(
            f"nothing was imported: {plan.count('refused')} refused, {n} "
            f"problem{'s' if n != 1 else ''}; fix or leave out those files and run again"
        )
