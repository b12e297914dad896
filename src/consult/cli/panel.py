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


def _print_new(people: list[Participant], codes_file: Path | None = None) -> None:
    """Show each new participant's access code: the only time a code can be shown (the
    database keeps only a keyed hash of it)."""
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
        "it is shown only now (someone who lost theirs: consult panel reissue SURVEY PSEUDONYM)."
    )
    if codes_file is not None:
        console.print(
            f"The codes are also in {codes_file} (readable by you only); delete it once "
            "they are given out.",
            markup=False,
            highlight=False,
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
    codes_to: Annotated[
        Path | None,
        typer.Option(
            "--codes-to",
            help="Also write the new codes to this file (owner-only), before the import is "
            "committed, so no crash loses them. Default: FILE's name + '-codes.csv' beside it "
            "('-codes-2.csv' if that one holds working codes).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Register everyone in a CSV/XLSX file, all or nothing, and show their access codes.

    Someone already registered (same id column, or same name and group in any case and
    spacing) makes it refuse and list them, unless --skip-existing. The codes are written to
    a file before the import commits: a codes file whose codes work is never replaced.

    Example: consult panel import surveys/st-diplomacy-roundtable.yaml panel.xlsx
    """
    from consult.cli.context import open_store
    from consult.session.panel import codes_file_for, import_panel
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        codes_file = codes_to or codes_file_for(store, s, file)
        done = import_panel(store, s, file, skip_existing=skip_existing, codes_to=codes_file)
    for person, known in done.skipped:
        typer.echo(
            f"Skipped {person.name or person.external_id} ({person.group_id}): "
            f"already registered as {known.pseudonym}"
        )
    _print_new(done.added, codes_file if done.added else None)


@app.command("reissue")
def reissue(
    survey: SurveyArg,
    pseudonym: Annotated[
        str, typer.Argument(help="The participant's pseudonym (P-...).", show_default=False)
    ],
) -> None:
    """Give a participant a new access code (shown once); their old code stops working.

    For someone who lost their code: codes are stored as a keyed hash and cannot be shown
    again. Their answers stay; the new code resumes them.

    Example: consult panel reissue surveys/st-diplomacy-roundtable.yaml P-AC3DFG
    """
    from consult.cli.context import open_store
    from consult.session.panel import reissue as reissue_code
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        person = reissue_code(store, resolve_survey(store, survey), pseudonym)
    _print_new([person])


@app.command("unlock-kiosk")
def unlock_kiosk(survey: SurveyArg) -> None:
    """Let a kiosk accept its exit word again after five wrong tries locked it.

    Run it from another terminal (or account) with access to the database; then press
    Ctrl-C at the kiosk's welcome screen and type the exit word.

    Example: consult panel unlock-kiosk surveys/st-diplomacy-roundtable.yaml
    """
    from consult.cli.context import open_store
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        n = store.unlock_kiosks(resolve_survey(store, survey).id)
    if n:
        typer.echo(f"Unlocked {n} kiosk{'s' if n != 1 else ''}: the exit word works again.")
    else:
        typer.echo("No running kiosk of this survey was locked.")


@app.command("new-key")
def new_key() -> None:
    """Create a new key for the access codes after the old key file was lost for good.

    Every code issued before stops working: give each participant a new one with 'consult
    panel reissue'. Refused while the key file exists.

    Example: consult panel new-key
    """
    from consult.cli.context import open_store

    with open_store(create=False) as store:
        where = store.new_code_key()
    typer.echo(f"Created {where}. Reissue every participant's code: consult panel reissue.")


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
    codes: Annotated[
        bool,
        typer.Option(
            "--codes", hidden=True, help="Removed: codes are stored hashed; see panel reissue."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The panel with group, language and completion status (facilitator's view).

    Example: consult panel list surveys/st-diplomacy-roundtable.yaml --names
    """
    from consult.cli.context import open_store
    from consult.session.panel import list_panel
    from consult.store.surveys import resolve_survey

    if codes:
        from consult.errors import InputError

        raise InputError(
            "--codes is gone: access codes are stored so that nobody can read them back, not "
            "even here. Someone who lost theirs gets a new one: consult panel reissue SURVEY "
            "PSEUDONYM"
        )
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        entries = list_panel(store, s)
    rows = []
    for e in entries:
        row = asdict(e)
        if not names:
            del row["name"], row["organisation"]
        rows.append(row)
    if as_json:
        echo_json("panel", {"survey": s.id, "participants": rows})
        return
    from rich.console import Console
    from rich.table import Table

    from consult.reports.terminal import terminal_text

    table = Table(box=None, pad_edge=False)
    for title in ["Pseudonym", "Group", "Language", "Status", "Answered", "Last activity"] + (
        ["Name", "Organisation"] if names else []
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
        table.add_row(*cells)
    console = Console()
    console.print(table)
    console.print(f"{len(entries)} participant{'s' if len(entries) != 1 else ''}")


@app.command("reopen")
def reopen(
    survey: SurveyArg,
    who: Annotated[
        str,
        typer.Argument(
            help="The participant's pseudonym (P-...), or their access code.", show_default=False
        ),
    ],
) -> None:
    """Reopen a submitted response so its participant can change their answers.

    Example: consult panel reopen surveys/st-diplomacy-roundtable.yaml P-AC3DFG
    """
    from consult.cli.context import open_store
    from consult.session.panel import reopen as reopen_response
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        response = reopen_response(store, s, who)
        pseudonym = store.participant(response.participant_id).pseudonym
    typer.echo(
        f"Reopened the response of {pseudonym}; they can now run the survey again with their code."
    )
