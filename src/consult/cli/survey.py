"""``consult survey``: check and show survey definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consult.cli.options import ForceOpt, LangOpt

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


RequiredOutput = Annotated[
    Path, typer.Option("--output", "-o", help="The file to write.", show_default=False)
]


@app.command("import-xlsform")
def import_xlsform(
    form: Annotated[Path, typer.Argument(help="An XLSForm workbook (.xlsx).", show_default=False)],
    output: RequiredOutput,
    force: ForceOpt = False,
) -> None:
    """Convert an XLSForm (ODK, KoboToolbox, SurveyCTO) into a survey definition (YAML).

    Groups become proposals, agreement scales come from a consult_side column on the choices
    sheet (docs/survey-format.md, "XLSForm"). Whatever the form says that a survey cannot is
    listed as FILE:sheet:row: column: reason, and nothing is written. Defaults the form leaves
    to consult (stakeholder groups, consensus rule) are named on stderr and in the file.
    Needs the optional extra: pip install 'consult[xlsform]'.

    Example: consult survey import-xlsform panel-form.xlsx -o surveys/panel.yaml
    """
    import sys

    from consult.cli.context import state
    from consult.cli.options import check_output
    from consult.imports.xlsform import import_xlsform as read_form
    from consult.reports.output_file import is_stream, replacing

    check_output(output, force, state.db)
    result = read_form(form)
    text = result.yaml_text(str(form))
    if is_stream(output):
        output.write_text(text, encoding="utf-8")
    else:
        with replacing(output) as tmp:
            tmp.write_text(text, encoding="utf-8")
    for note in result.notes:
        sys.stderr.write(f"{form}: {note}\n")
    n = sum(1 for _ in result.survey.questions())
    typer.echo(f"{output}: {len(result.survey.proposals)} proposals, {n} questions from {form}")


@app.command("export-xlsform")
def export_xlsform(
    file: Annotated[
        Path, typer.Argument(help="A survey definition file (YAML).", show_default=False)
    ],
    output: RequiredOutput,
    force: ForceOpt = False,
) -> None:
    """Write a survey as an XLSForm workbook, to edit in Excel and import again.

    Every language, scale (with its sides and abstain option), group, condition, bound and
    the consensus rule are kept; pyxform converts the workbook as it is.

    Example: consult survey export-xlsform surveys/st-diplomacy-roundtable.yaml -o form.xlsx
    """
    from consult.cli.context import state
    from consult.cli.options import check_output
    from consult.reports.xlsform import write_xlsform
    from consult.survey.loader import load_survey

    survey = load_survey(file)
    check_output(output, force, state.db)
    write_xlsform(survey, output)
    typer.echo(f"{output}: {len(survey.proposals)} proposals as an XLSForm")
