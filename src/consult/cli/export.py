"""``consult export``: raw answers or the summary as CSV, JSON or JSON lines."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from consult.cli.options import (
    ForceOpt,
    GroupOpt,
    IncludeSimulatedOpt,
    InProgressOpt,
    LangOpt,
    OutputOpt,
    RoundOpt,
    SinceOpt,
    SurveyArg,
    UntilOpt,
    check_groups,
    check_language,
    check_output,
    hint_simulated,
    response_filter,
    warn_unplaced,
    with_round,
)


def export(
    survey: SurveyArg,
    what: Annotated[
        str, typer.Option("--what", help="answers (raw, pseudonymous) or summary.")
    ] = "answers",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="csv, json, jsonl, or wide (answers: a row per participant, a column per "
            "question; consult import reads it back).",
        ),
    ] = "csv",
    output: OutputOpt = None,
    group: GroupOpt = None,
    round: RoundOpt = None,
    lang: LangOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    include_in_progress: InProgressOpt = False,
    include_simulated: IncludeSimulatedOpt = False,
    force: ForceOpt = False,
) -> None:
    """Export raw answers or the summary as CSV, JSON or JSON lines (to stdout or -o FILE).

    Example: consult export surveys/st-diplomacy-roundtable.yaml --what answers -o answers.csv
    """
    from consult.cli.context import open_store, state
    from consult.errors import InputError
    from consult.reports.exports import FORMATS, WHATS, export_to_file, write_export
    from consult.results.aggregation import aggregate
    from consult.store.surveys import resolve_survey

    if what not in WHATS:
        raise InputError(f"--what {what}: one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    flt = response_filter(round, group, since, until, include_in_progress, include_simulated)
    if output is not None:
        check_output(output, force, state.db)
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        check_groups(s, flt.groups)
        flt = with_round(store, s, flt)
        res = aggregate(store, s, flt, check_language(s, lang)) if what == "summary" else None
        if output is None:
            write_export(store, s, what, fmt, sys.stdout, flt, res)
        else:
            n = export_to_file(store, s, what, fmt, output, flt, res, force)
            sys.stderr.write(f"Wrote {n} records to {output}\n")
        if res is not None:
            warn_unplaced(res)
        hint_simulated(store, s, flt)
