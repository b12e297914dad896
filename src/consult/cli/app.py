"""The ``consult`` command line: thin typer commands over the library.

Errors reach the user in one place, :func:`main`: one line on stderr, exit status 2 for bad
input and 1 for runtime failures, a traceback only with ``--debug``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from consult import __version__
from consult.cli import (
    export,
    forms,
    imports,
    merge,
    panel,
    publish,
    report,
    results,
    run,
    simulate,
    status,
    survey,
)
from consult.cli import round as delphi_round
from consult.cli.context import DEFAULT_DB, state
from consult.errors import ConsultError, SurveyError

app = typer.Typer(
    name="consult",
    help="Stakeholder consultations in the terminal: surveys, panels, sessions, results, reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # never print locals: they would show participants' answers
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(survey.app, name="survey")
app.add_typer(panel.app, name="panel")
app.add_typer(delphi_round.app, name="round")
app.command("run")(run.run)
app.command("status")(status.status)
app.command("results")(results.results)
app.command("export")(export.export)
app.command("simulate")(simulate.simulate)
app.command("report")(report.report)
app.command("forms")(forms.forms)
app.command("import")(imports.import_)
app.command("publish")(publish.publish)
app.command("merge")(merge.merge)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"consult {__version__}")
        raise typer.Exit()


@app.callback()
def callback(
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            envvar="CONSULT_DB",
            help="The database file.",
            show_default=str(DEFAULT_DB),
        ),
    ] = DEFAULT_DB,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    state.db = db
    state.debug = debug


def report_error(exc: BaseException | str) -> None:
    """Print an error on stderr: one line, or one line per problem of a survey definition."""
    from consult.safe_text import strip_control  # messages quote survey and participant text

    if isinstance(exc, SurveyError):
        for problem in exc.problems:
            sys.stderr.write(f"{strip_control(str(problem))}\n")
        n = len(exc.problems)
        sys.stderr.write(f"Error: {n} problem{'s' if n != 1 else ''} found\n")
    else:
        sys.stderr.write(f"Error: {strip_control(str(exc))}\n")


def main() -> None:
    """Entry point of the ``consult`` console script."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("CONSULT_DEBUG") == "1"
    try:
        # standalone_mode=False lets usage errors reach this one place, so they too are one line.
        code = app(prog_name="consult", standalone_mode=False)
    except typer.TyperException as exc:  # a usage error, e.g. a missing argument or a bad option
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare `consult survey`: help is shown
            sys.exit(2)
        report_error(usage_problem(exc))
        sys.exit(exc.exit_code)
    except ConsultError as exc:
        if debug:
            raise
        report_error(exc)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        sys.exit(130)
    except Exception as exc:  # an unexpected failure: still one line unless --debug
        if debug:
            raise
        report_error(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def usage_problem(exc: typer.TyperException) -> str:
    """One line for a usage error: the problem, and which ``--help`` tells more."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "consult"
    return f"{exc.format_message()} (see '{command} --help')"
