"""``consult run``: answer a survey in this terminal, alone or as a kiosk."""

from __future__ import annotations

from typing import Annotated

import typer

from consult.cli.options import SurveyArg


def run(
    survey: SurveyArg,
    code: Annotated[
        str | None,
        typer.Option(
            "--code",
            "-c",
            envvar="CONSULT_CODE",
            show_envvar=True,
            help="The participant's access code. Better left out: the prompt asks for it, and "
            "a code on the command line is visible to every account on the machine (ps) and "
            "kept in the shell's history. CONSULT_CODE in the environment is not shown by ps.",
        ),
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
    """Answer a survey in this terminal; every answer is saved at once (rerun to resume).

    Example: consult run surveys/st-diplomacy-roundtable.yaml --kiosk
    """
    from consult.cli.context import open_store
    from consult.session.flow import Outcome
    from consult.session.run import check_terminal, run_session
    from consult.store.surveys import resolve_survey

    check_terminal()  # before touching the database: a pipe gets one clear line
    with open_store() as store:
        outcome = run_session(
            store, resolve_survey(store, survey), code=code, kiosk=kiosk, exit_word=exit_word
        )
    if outcome is Outcome.INTERRUPTED:
        raise typer.Exit(130)
    if outcome is Outcome.CLOSED:  # already explained in the participant's language
        raise typer.Exit(1)
