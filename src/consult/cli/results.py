"""``consult results``: support for each proposal, overall and by group, once or live."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from consult.cli.options import (
    GroupOpt,
    IncludeSimulatedOpt,
    InProgressOpt,
    JsonOpt,
    LangOpt,
    RoundOpt,
    SinceOpt,
    SurveyArg,
    UntilOpt,
    check_groups,
    check_language,
    echo_json,
    hint_simulated,
    response_filter,
    warn_unplaced,
)


def results(
    survey: SurveyArg,
    group: GroupOpt = None,
    round: RoundOpt = None,
    lang: LangOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    include_in_progress: InProgressOpt = False,
    include_simulated: IncludeSimulatedOpt = False,
    as_json: JsonOpt = False,
    comments: Annotated[
        bool, typer.Option("--comments", help="With --json: include the free-text answers.")
    ] = False,
    watch: Annotated[
        bool,
        typer.Option("--watch", "-w", help="Refresh live while a session runs (Ctrl-C stops)."),
    ] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            "--interval",
            min=0.5,
            max=3600,
            help="Seconds between refreshes with --watch.",
            show_default="2",
        ),
    ] = None,
) -> None:
    """Support for each proposal, overall and by stakeholder group, sorted by support.

    Example: consult results surveys/st-diplomacy-roundtable.yaml --group science --lang ko
    """
    from consult.cli.context import open_store
    from consult.results.aggregation import aggregate
    from consult.store.surveys import resolve_survey

    _check_combination(as_json, comments, watch, interval)
    flt = response_filter(round, group, since, until, include_in_progress, include_simulated)
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        language = check_language(s, lang)
        check_groups(s, flt.groups)
        if as_json:
            res = aggregate(store, s, flt, language, comments=comments)
            echo_json("results", res.to_dict())
            warn_unplaced(res)
            return
        from rich.console import Console

        from consult.reports.terminal import render_results

        console = Console()
        if not watch:
            res = aggregate(store, s, flt, language)
            console.print(render_results(res, console.width, rule=s.consensus))
            warn_unplaced(res)
            hint_simulated(store, s, res.filter)
            return
        from consult.reports.terminal import watch_results

        watch_results(
            console,
            lambda: aggregate(store, s, flt, language),
            interval or 2.0,
            rule=s.consensus,
        )


def _check_combination(as_json: bool, comments: bool, watch: bool, interval: float | None) -> None:
    import math

    from consult.errors import InputError

    if interval is not None and not watch:
        raise InputError("--interval: only with --watch")
    if interval is not None and not math.isfinite(interval):
        raise InputError(f"--interval {interval}: expected a number of seconds, 0.5 to 3600")
    if comments and not as_json:
        raise InputError("--comments: only with --json; the table shows no free text")
    if watch and as_json:
        raise InputError("--watch: a live table; it does not combine with --json")
    if watch and not sys.stdout.isatty():
        raise InputError("--watch: needs a terminal; without one, run 'consult results' once")
