"""``consult results``: support for each proposal, overall and by group, once or live."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

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
    frozen_notice,
    hint_simulated,
    response_filter,
    warn_unplaced,
    with_round,
)

if TYPE_CHECKING:
    from consult.store import Store
    from consult.survey.model import Survey


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
    rounds: Annotated[
        bool,
        typer.Option(
            "--rounds", help="Every proposal across Delphi rounds, side by side (with --json too)."
        ),
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
    if rounds:
        _check_rounds(round, group, since, until, include_in_progress, comments, watch)
    flt = response_filter(round, group, since, until, include_in_progress, include_simulated)
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        language = check_language(s, lang)
        if rounds:
            _rounds(store, s, language, as_json, include_simulated)
            return
        check_groups(s, flt.groups)
        flt = with_round(store, s, flt)
        if as_json:
            res = aggregate(store, s, flt, language, comments=comments)
            echo_json("results", res.to_dict())
            warn_unplaced(res)
            frozen_notice(store, s, res)
            return
        from rich.console import Console

        from consult.reports.terminal import render_results

        console = Console()
        if not watch:
            res = aggregate(store, s, flt, language)
            console.print(render_results(res, console.width, rule=s.consensus))
            warn_unplaced(res)
            frozen_notice(store, s, res)
            hint_simulated(store, s, res.filter)
            return
        from consult.reports.terminal import watch_results

        watch_results(
            console,
            lambda: aggregate(store, s, flt, language),
            interval or 2.0,
            rule=s.consensus,
        )


def _rounds(
    store: Store, survey: Survey, lang: str, as_json: bool, include_simulated: bool
) -> None:
    from consult.results.rounds import rounds_overview

    overview = rounds_overview(store, survey, include_simulated)
    if as_json:
        echo_json("rounds", overview)
        return
    from rich.console import Console

    from consult.reports.terminal_rounds import render_overview

    Console(highlight=False).print(render_overview(overview, survey, lang))


def _check_rounds(*options: object) -> None:
    from consult.errors import InputError

    names = ("--round", "--group", "--since", "--until", "--include-in-progress", "--comments",
             "--watch")  # fmt: skip
    given = [n for n, v in zip(names, options, strict=True) if v not in (None, False, [])]
    if given:
        raise InputError(f"--rounds shows every round of the whole panel; leave out {given[0]}")


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
