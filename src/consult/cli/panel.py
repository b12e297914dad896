"""``consult panel``: register participants, list and remove them, reopen a submitted response."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from consult.cli.options import JsonOpt, SurveyArg, echo_json

if TYPE_CHECKING:
    from consult.store import Participant

app = typer.Typer(
    help="Register the panel of participants and manage their responses.", no_args_is_help=True
)


def _print_new(people: list[Participant]) -> None:
    """Show each new participant's access code: the only time codes are printed unasked."""
    from rich.console import Console
    from rich.table import Table

    from consult.reports.terminal import terminal_text
    from consult.store import format_code

    table = Table("Pseudonym", "Group", "Name", "Access code", box=None, pad_edge=False)
    for p in people:
        table.add_row(p.pseudonym, p.group_id, terminal_text(p.name or ""), format_code(p.code))
    console = Console()
    console.print(table)
    n = len(people)
    console.print(
        f"Registered {n} participant{'s' if n != 1 else ''}. Give each their access code; "
        "it is shown only now (later: consult panel list --codes)."
    )


@app.command("add")
def add(
    survey: SurveyArg,
    group: Annotated[
        str, typer.Option("--group", "-g", help="Stakeholder group id.", show_default=False)
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Name (facilitator's view only).")
    ] = None,
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Organisation.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Preferred language, e.g. ko.")
    ] = None,
) -> None:
    """Register one participant and show their access code.

    Example: consult panel add surveys/st-diplomacy-roundtable.yaml -g science --name "Kim Minji"
    """
    from consult.cli.context import open_store
    from consult.session.panel import add_participant
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        person = add_participant(
            store, s, group, name=name, organisation=organisation, language=lang
        )
    _print_new([person])


@app.command("import")
def import_(
    survey: SurveyArg,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or XLSX with columns group, name, organisation, language (optional: id).",
            show_default=False,
        ),
    ],
    skip_existing: Annotated[
        bool,
        typer.Option(
            "--skip-existing", help="Leave out (and list) people already registered; add the rest."
        ),
    ] = False,
) -> None:
    """Register everyone in a CSV/XLSX file, all or nothing, and show their access codes.

    Someone already registered (same id column, or same name and group in any case and
    spacing) makes it refuse and list them, unless --skip-existing.

    Example: consult panel import surveys/st-diplomacy-roundtable.yaml panel.xlsx
    """
    from consult.cli.context import open_store
    from consult.session.panel import import_panel
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        done = import_panel(store, resolve_survey(store, survey), file, skip_existing=skip_existing)
    for person, known in done.skipped:
        typer.echo(
            f"Skipped {person.name or person.external_id} ({person.group_id}): "
            f"already registered as {known.pseudonym}"
        )
    _print_new(done.added)


@app.command("remove")
def remove(
    survey: SurveyArg,
    pseudonym: Annotated[
        str, typer.Argument(help="The participant's pseudonym (P-...).", show_default=False)
    ],
    with_answers: Annotated[
        bool, typer.Option("--with-answers", help="Also delete their answers, if they gave any.")
    ] = False,
) -> None:
    """Remove a participant who has not answered (with --with-answers, also one who has).

    Example: consult panel remove surveys/st-diplomacy-roundtable.yaml P-AC3DFG
    """
    from consult.cli.context import open_store
    from consult.session.panel import remove_participant
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        person, deleted = remove_participant(store, s, pseudonym, with_answers=with_answers)
    extra = f" and deleted {deleted} answer{'s' if deleted != 1 else ''}" if deleted else ""
    typer.echo(f"Removed {person.pseudonym} from the panel{extra}; their code no longer works.")


@app.command("list")
def list_(
    survey: SurveyArg,
    names: Annotated[bool, typer.Option("--names", help="Show names and organisations.")] = False,
    codes: Annotated[bool, typer.Option("--codes", help="Show access codes.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The panel with group, language and completion status (facilitator's view).

    Example: consult panel list surveys/st-diplomacy-roundtable.yaml --names
    """
    from consult.cli.context import open_store
    from consult.session.panel import list_panel
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        entries = list_panel(store, s)
    rows = []
    for e in entries:
        row = asdict(e)
        if not codes:
            del row["code"]
        if not names:
            del row["name"], row["organisation"]
        rows.append(row)
    if as_json:
        echo_json("panel", {"survey": s.id, "participants": rows})
        return
    from rich.console import Console
    from rich.table import Table

    from consult.reports.terminal import terminal_text
    from consult.store import format_code

    table = Table(box=None, pad_edge=False)
    for title in (
        ["Pseudonym", "Group", "Language", "Status", "Answered", "Last activity"]
        + (["Name", "Organisation"] if names else [])
        + (["Access code"] if codes else [])
    ):
        table.add_column(title)
    for e in entries:
        cells = [
            e.pseudonym,
            e.group,
            e.language or "",
            e.status,
            str(e.answered),
            e.last_activity or "",
        ]
        if names:
            cells += [terminal_text(e.name or ""), terminal_text(e.organisation or "")]
        if codes:
            cells.append(format_code(e.code))
        table.add_row(*cells)
    console = Console()
    console.print(table)
    console.print(f"{len(entries)} participant{'s' if len(entries) != 1 else ''}")


@app.command("reopen")
def reopen(
    survey: SurveyArg,
    code: Annotated[str, typer.Argument(help="The participant's access code.", show_default=False)],
) -> None:
    """Reopen a submitted response so its participant can change their answers.

    Example: consult panel reopen surveys/st-diplomacy-roundtable.yaml ACD-479
    """
    from consult.cli.context import open_store
    from consult.session.panel import reopen as reopen_response
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        response = reopen_response(store, s, code)
        pseudonym = store.participant(response.participant_id).pseudonym
    typer.echo(
        f"Reopened the response of {pseudonym}; they can now run the survey again with their code."
    )
