"""``consult survey``: check and show survey definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consult.cli.options import LangOpt

app = typer.Typer(help="Check and show survey definitions.", no_args_is_help=True)


@app.command("validate")
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Survey definition files (YAML).", show_default=False)
    ],
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Also check the responses already in this database: any the edited survey "
            "cannot place (a renamed group, a removed option), and texts changed under the "
            "same version.",
        ),
    ] = None,
) -> None:
    """Check survey definitions; list every problem with file, line and key path.

    Example: consult survey validate surveys/*.yaml --db results/consult.db
    """
    import sys

    from consult.errors import InputError, SurveyError
    from consult.survey.loader import load_survey

    if db is not None and not db.exists():
        raise InputError(f"{db}: no such database")
    problems = []
    for file in files:
        try:
            survey = load_survey(file)
        except SurveyError as exc:
            problems.extend(exc.problems)
            continue
        n = sum(1 for _ in survey.questions())
        typer.echo(f"{file}: ok ({len(survey.proposals)} proposals, {n} questions)")
        if db is not None:
            from consult.results.stored import stored_data_problems
            from consult.store import open_store

            with open_store(db, create=False) as store:
                for line in stored_data_problems(store, survey):
                    sys.stderr.write(f"{file}: {line}\n")
    if problems:
        raise SurveyError(problems)


@app.command("show")
def show(
    file: Annotated[
        Path, typer.Argument(help="A survey definition file (YAML).", show_default=False)
    ],
    lang: LangOpt = None,
) -> None:
    """Show a survey's outline: proposals, questions, types, scales and conditions.

    Example: consult survey show surveys/st-diplomacy-roundtable.yaml --lang ko
    """
    from rich.console import Console

    from consult.reports.outline import render_outline
    from consult.survey.loader import load_survey

    survey = load_survey(file)
    Console().print(render_outline(survey, lang))
