"""``consult export``: raw answers or the summary as CSV, JSON or JSON lines; labelled SPSS and
Stata files; the codebook; a Frictionless data package beside a CSV."""

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
        str,
        typer.Option("--what", help="answers (raw, pseudonymous), summary or codebook."),
    ] = "answers",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="csv, json, jsonl; wide (answers: a row per participant, a column per "
            "question, as labels: consult import reads it back); sav (SPSS) or dta "
            "(Stata) for answers; md for the codebook.",
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
    wide: Annotated[
        bool,
        typer.Option(
            "--wide", help="One row per response, one column per question (sav and dta always)."
        ),
    ] = False,
    datapackage: Annotated[
        bool,
        typer.Option(
            "--datapackage", help="Also write a Frictionless datapackage.json beside the CSV."
        ),
    ] = False,
) -> None:
    """Export raw answers or the summary as CSV, JSON or JSON lines (to stdout or -o FILE);
    the answers as labelled SPSS (sav) or Stata (dta) files, one row per response (needs
    pip install 'consult[spss]'); the codebook of those variables (md or csv).

    Example: consult export surveys/st-diplomacy-roundtable.yaml --what answers -o answers.csv
    """
    from consult.cli.context import open_store, state
    from consult.reports.exports import (
        check_export,
        check_file,
        export_to_file,
        package_path,
        write_export,
        write_package,
    )
    from consult.results.aggregation import aggregate
    from consult.store.surveys import resolve_survey

    check_export(what, fmt, output is not None, wide=wide, datapackage=datapackage)
    flt = response_filter(round, group, since, until, include_in_progress, include_simulated)
    if output is not None:
        check_output(output, force, state.db)
        check_file(output, fmt, datapackage)
        if datapackage:
            check_output(package_path(output), force, state.db)
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        check_groups(s, flt.groups)
        flt = with_round(store, s, flt)
        language = check_language(s, lang)
        res = aggregate(store, s, flt, language) if what == "summary" else None
        if output is None:
            write_export(store, s, what, fmt, sys.stdout, flt, res, lang=language, wide=wide)
        else:
            n = export_to_file(
                store, s, what, fmt, output, flt, res, force, lang=language, wide=wide
            )
            sys.stderr.write(f"Wrote {n} records to {output}\n")
            if datapackage:
                written = write_package(s, what, output, language, wide, force)
                sys.stderr.write(f"Wrote the data package {written}\n")
        if res is not None:
            warn_unplaced(res)
        hint_simulated(store, s, flt)
