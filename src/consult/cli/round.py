"""``consult round``: the facilitator drives a Delphi study's rounds (open, status, close)."""

from __future__ import annotations

import sys

import typer

from consult.cli.options import IncludeSimulatedOpt, JsonOpt, LangOpt, SurveyArg, echo_json

app = typer.Typer(
    help="Delphi rounds: open the next round, see every round, end the study.",
    no_args_is_help=True,
)


@app.command("open")
def open_round(survey: SurveyArg, include_simulated: IncludeSimulatedOpt = False) -> None:
    """Close the current round (its results frozen) and open the next with the proposals the
    survey's delphi: design carries forward.

    Example: consult round open surveys/st-diplomacy-roundtable.yaml
    """
    from consult.cli.context import open_store
    from consult.reports.terminal_rounds import opened_lines
    from consult.results.rounds import open_next_round
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        opened = open_next_round(store, s, include_simulated=include_simulated)
    typer.echo("\n".join(opened_lines(opened, s)))
    if opened.simulated_left_out:
        sys.stderr.write(
            f"{opened.simulated_left_out} simulated responses left out: a rehearsal's answers "
            "never decide a round that real people answered.\n"
        )


@app.command("status")
def status(
    survey: SurveyArg,
    as_json: JsonOpt = False,
    include_simulated: IncludeSimulatedOpt = False,
    lang: LangOpt = None,
) -> None:
    """Every round: open or closed, participation by group, proposals asked and settled, and
    stability against the round before (closed rounds as frozen when they closed).

    Example: consult round status surveys/st-diplomacy-roundtable.yaml --json
    """
    from consult.cli.context import open_store
    from consult.cli.options import check_language
    from consult.results.rounds import rounds_status
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        language = check_language(s, lang)
        figures = rounds_status(store, s, include_simulated)
    if as_json:
        echo_json("round_status", figures)
        return
    from rich.console import Console

    from consult.reports.terminal_rounds import render_status

    Console(highlight=False).print(render_status(figures, s, language))


@app.command("close")
def close(survey: SurveyArg, include_simulated: IncludeSimulatedOpt = False) -> None:
    """End the study: close the current round with its results frozen; no round follows.

    Example: consult round close surveys/st-diplomacy-roundtable.yaml
    """
    from consult.cli.context import open_store
    from consult.results.rounds import close_study
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        number = close_study(store, s, include_simulated=include_simulated)
    typer.echo(
        f"Round {number} closed; its results are frozen. The study has ended: no more answers "
        "are taken and no round follows."
    )
