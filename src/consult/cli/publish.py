"""``consult publish``: a pseudonymous database for Datasette and for sharing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from consult.cli.options import (
    ForceOpt,
    IncludeSimulatedOpt,
    LangOpt,
    OutputOpt,
    RoundOpt,
    SurveyArg,
)


def publish(
    survey: SurveyArg,
    output: OutputOpt = None,
    metadata: Annotated[
        Path | None,
        typer.Option(
            "--metadata", help="Write the Datasette metadata here (default: metadata.yml beside)."
        ),
    ] = None,
    round: RoundOpt = None,
    lang: LangOpt = None,
    comments: Annotated[
        bool,
        typer.Option(
            "--comments/--no-comments",
            help="Include free-text answers (searchable); --no-comments leaves them out (they "
            "can identify their authors).",
        ),
    ] = True,
    include_simulated: IncludeSimulatedOpt = False,
    force: ForceOpt = False,
) -> None:
    """Write a pseudonymous copy of the results for Datasette and for sharing (default:
    results/SURVEY-public.db and metadata.yml beside it): no names, organisations or access
    codes; answers with their labels, comments searchable, support overall and by group.

    Example: consult publish surveys/st-diplomacy-roundtable.yaml -o public.db
    """
    from consult.cli.context import open_store, state
    from consult.cli.options import check_language, check_output, hint_simulated, response_filter
    from consult.errors import InputError
    from consult.store.surveys import resolve_survey

    flt = response_filter(round=round, include_simulated=include_simulated)
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        language = check_language(s, lang)
        path = output or Path("results") / f"{s.id}-public.db"
        meta = metadata or path.parent / "metadata.yml"
        from consult.reports.output_file import is_stream

        for file in (path, meta):
            if is_stream(file):
                raise InputError(f"{file}: publish writes files; name a file, not a stream")
        if meta.resolve() == path.resolve():
            raise InputError(f"{meta}: the metadata and the database need two files")
        check_output(path, force, state.db)
        check_output(meta, force, state.db)
        from consult.reports.publish import publish as write_public

        counts = write_public(store, s, flt, path, meta, language, comments=comments, force=force)
        typer.echo(
            f"Wrote {path}: {counts['respondents']} respondents, {counts['answers']} answers, "
            f"{counts['comments']} comments; and {meta}. Browse: datasette {path} -m {meta}"
        )
        hint_simulated(store, s, flt)
