"""``consult results``, ``consult export`` and ``consult simulate``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from consult.cli.options import (
    ForceOpt,
    GroupOpt,
    IncludeSimulatedOpt,
    InProgressOpt,
    JsonOpt,
    LangOpt,
    OutputOpt,
    RoundOpt,
    SinceOpt,
    SurveyArg,
    UntilOpt,
    check_output,
    echo_json,
    hint_simulated,
    response_filter,
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
    """Support for each proposal, overall and by stakeholder group, sorted by support."""
    from consult.cli.context import open_store
    from consult.results.aggregation import aggregate
    from consult.store.surveys import resolve_survey
    from consult.survey.model import survey_language

    _check_combination(as_json, comments, watch, interval)
    flt = response_filter(round, group, since, until, include_in_progress, include_simulated)
    with open_store() as store:
        s = resolve_survey(store, survey)
        language = survey_language(s, lang)
        _check_groups(s, flt.groups)
        if as_json:
            echo_json(aggregate(store, s, flt, language, comments=comments).to_dict())
            return
        from rich.console import Console

        from consult.reports.terminal import render_results

        console = Console()
        if not watch:
            res = aggregate(store, s, flt, language)
            console.print(render_results(res, console.width))
            hint_simulated(store, s, res.filter)
            return
        from consult.reports.terminal import watch_results

        watch_results(console, lambda: aggregate(store, s, flt, language), interval or 2.0)


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


def _check_groups(survey, groups) -> None:
    from consult.errors import InputError

    for g in groups:
        if g not in survey.group_ids:
            raise InputError(f"--group {g}: unknown group (one of: {', '.join(survey.group_ids)})")


def export(
    survey: SurveyArg,
    what: Annotated[
        str, typer.Option("--what", help="answers (raw, pseudonymous) or summary.")
    ] = "answers",
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, json or jsonl.")] = "csv",
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
    """Export raw answers or the summary as CSV, JSON or JSON lines (to stdout or -o FILE)."""
    from consult.cli.context import open_store, state
    from consult.errors import InputError
    from consult.reports.exports import FORMATS, WHATS, export_to_file, write_export
    from consult.results.aggregation import aggregate
    from consult.store.surveys import resolve_survey
    from consult.survey.model import survey_language

    if what not in WHATS:
        raise InputError(f"--what {what}: one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    flt = response_filter(round, group, since, until, include_in_progress, include_simulated)
    if output is not None:
        check_output(output, force, state.db)
    with open_store() as store:
        s = resolve_survey(store, survey)
        _check_groups(s, flt.groups)
        res = aggregate(store, s, flt, survey_language(s, lang)) if what == "summary" else None
        if output is None:
            write_export(store, s, what, fmt, sys.stdout, flt, res)
        else:
            n = export_to_file(store, s, what, fmt, output, flt, res, force)
            sys.stderr.write(f"Wrote {n} records to {output}\n")
        hint_simulated(store, s, flt)


def simulate(
    survey: SurveyArg,
    respondents: Annotated[
        int, typer.Option("--respondents", "-n", min=1, help="How many respondents.")
    ],
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for a repeatable simulation.")
    ] = None,
    group_mix: Annotated[
        str | None,
        typer.Option(
            "--group-mix",
            help="Group weights, e.g. science=5,diplomacy=3,government=2: respondents split in "
            "that proportion (largest remainder; default: equal).",
        ),
    ] = None,
) -> None:
    """Add plausible synthetic responses, marked simulated, for demos and rehearsals."""
    from consult.cli.context import open_store
    from consult.session.simulation import parse_group_mix
    from consult.session.simulation import simulate as run_simulation
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        mix = parse_group_mix(group_mix, s.group_ids)
        summary = run_simulation(store, s, respondents, seed=seed, group_mix=mix)
    groups = ", ".join(f"{g} {n}" for g, n in summary.by_group.items())
    typer.echo(
        f"Simulated {summary.respondents} responses ({groups}), "
        f"{summary.answers} answers, in {store.path}.\n"
        "They are left out of results and reports unless you add --include-simulated."
    )
