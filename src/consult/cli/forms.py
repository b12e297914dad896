"""``consult forms``: a spreadsheet form per invited participant, to fill in Excel or on paper."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consult.cli.options import ForceOpt, LangOpt, SurveyArg, check_language


def forms(
    survey: SurveyArg,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The folder to write the forms into.")
    ],
    lang: LangOpt = None,
    blank: Annotated[
        int,
        typer.Option(
            "--blank", min=0, help="Also write N blank forms with a group field (open enrolment)."
        ),
    ] = 0,
    force: ForceOpt = False,
) -> None:
    """Write a spreadsheet form (.xlsx) for each participant invited to the current round.

    Each form carries the survey version, the round, the participant's pseudonym and a token
    that binds them (never a name or an access code); consult import reads it back.

    Example: consult forms surveys/st-diplomacy-roundtable.yaml -o forms/
    """
    from consult.cli.context import open_store
    from consult.reports.forms import write_forms
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        language = check_language(s, lang) if lang else None
        written = write_forms(store, s, output, lang=language, blank=blank, overwrite=force)
    n = len(written)
    typer.echo(f"Wrote {n} form{'s' if n != 1 else ''} to {output}/")
