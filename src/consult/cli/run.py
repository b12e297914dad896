"""``consult run`` (answer a survey, alone or as a kiosk) and ``consult status`` (who finished)."""

from __future__ import annotations

from typing import Annotated

import typer

from consult.cli.options import IncludeSimulatedOpt, JsonOpt, SurveyArg, echo_json


def run(
    survey: SurveyArg,
    code: Annotated[
        str | None, typer.Option("--code", "-c", help="The participant's access code.")
    ] = None,
    kiosk: Annotated[
        bool,
        typer.Option(
            "--kiosk",
            help="Shared terminal: one participant after another, screen cleared between them.",
        ),
    ] = False,
    exit_word: Annotated[
        str | None,
        typer.Option(
            "--exit-word",
            envvar="CONSULT_KIOSK_EXIT_WORD",
            help="Kiosk: the word that ends the session (Ctrl-C at the welcome screen, then the "
            "word). "
            "Default: a random word shown at the start.",
        ),
    ] = None,
) -> None:
    """Answer a survey in this terminal; every answer is saved at once (rerun to resume)."""
    from consult.cli.context import open_store
    from consult.session.terminal import Outcome, check_terminal, run_session
    from consult.store.surveys import resolve_survey

    check_terminal()  # before touching the database: a pipe gets one clear line
    with open_store() as store:
        outcome = run_session(
            store, resolve_survey(store, survey), code=code, kiosk=kiosk, exit_word=exit_word
        )
    if outcome is Outcome.INTERRUPTED:
        raise typer.Exit(130)


def status(
    survey: SurveyArg,
    as_json: JsonOpt = False,
    include_simulated: IncludeSimulatedOpt = False,
) -> None:
    """Invited, started and submitted by group; who has not finished (pseudonyms only)."""
    from consult.cli.context import open_store
    from consult.results.participation import participation_status
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        figures = participation_status(
            store, resolve_survey(store, survey), include_simulated=include_simulated
        )
    if as_json:
        echo_json(figures)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(
        "Group",
        "Invited",
        "Started",
        "Submitted",
        box=None,
        pad_edge=False,
        title=figures["survey"],
    )
    for g in figures["groups"]:
        table.add_row(g["group"], str(g["invited"]), str(g["started"]), str(g["submitted"]))
    t = figures["total"]
    table.add_row("all", str(t["invited"]), str(t["started"]), str(t["submitted"]), style="bold")
    console.print(table)
    waiting = figures["not_finished"]
    if waiting:
        console.print(f"Not finished ({len(waiting)}):")
        for w in waiting:
            console.print(
                f"  {w['pseudonym']}  {w['group']}  {w['status']}, {w['answered']} answered"
            )
    console.print(f"Last activity: {figures['last_activity'] or 'none yet'}")
