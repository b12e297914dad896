"""``consult merge``: bring the responses of other rooms' databases into one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def merge(
    target: Annotated[
        Path,
        typer.Argument(
            metavar="TARGET",
            help="The database to merge into (created if missing). Named here, not with --db: "
            "a merge writes only into a file you name.",
            show_default=False,
        ),
    ],
    sources: Annotated[
        list[Path],
        typer.Argument(
            metavar="SOURCE...",
            help="Databases of the same survey from other rooms; only read (one written by an "
            "older consult is upgraded first, as every command does).",
            show_default=False,
        ),
    ],
    prefer: Annotated[
        str | None,
        typer.Option(
            "--prefer",
            help="Settle answers that differ: newer (the later answer), target or source. "
            "Without it, any conflict refuses the merge.",
        ),
    ] = None,
    survey: Annotated[
        str | None,
        typer.Option("--survey", help="The survey id, when a source holds several."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be merged; write nothing.")
    ] = False,
) -> None:
    """Merge other databases of the same survey into TARGET, by stable ids, all or nothing.

    Same participant, response and answer: skipped. An answer with another value is a conflict,
    refused unless --prefer says which wins; the other value stays in the history. A pseudonym
    given to different people in two rooms, a survey version with other questions or scales, or
    rounds recorded differently refuse the merge. Merging the same source again changes nothing.
    Access codes, the form key and other secrets are never copied.

    Example: consult merge results/consult.db room-b/consult.db room-c/consult.db --prefer newer
    """
    from consult.imports.merge import MergeRefused, describe, merge_databases
    from consult.store import open_store

    with open_store(target) as store:
        try:
            report = merge_databases(
                store, sources, survey_id=survey, prefer=prefer, dry_run=dry_run
            )
        except MergeRefused as exc:
            typer.echo("\n".join(describe(exc.report)))
            raise
    typer.echo("\n".join(describe(report)))
