"""Arguments, options and checks shared by several commands, each defined once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from consult.store import ResponseFilter, Store
    from consult.survey.model import Survey

#: The version of every ``--json`` output's layout; a change of its keys raises it
#: (tests/test_json_contract.py pins the keys of each).
JSON_FORMAT = 1

SurveyArg = Annotated[
    str,
    typer.Argument(
        metavar="SURVEY",
        help="A survey definition file (YAML), or the id of a survey already in the database.",
        show_default=False,
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang", "-l", help="Language of labels, e.g. en or ko (default: the survey's first)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
RoundOpt = Annotated[
    int | None,
    typer.Option(
        "--round", "-r", min=1, help="This consultation round (default: the current one)."
    ),
]
GroupOpt = Annotated[
    list[str] | None,
    typer.Option("--group", "-g", help="Only this stakeholder group (repeat for several)."),
]
IncludeSimulatedOpt = Annotated[
    bool,
    typer.Option(
        "--include-simulated", help="Count simulated responses too (left out by default)."
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of the default.")
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since", help="Only responses last updated on or after this date (YYYY-MM-DD, UTC)."
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until", help="Only responses last updated on or before this date (YYYY-MM-DD, UTC)."
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]
InProgressOpt = Annotated[
    bool,
    typer.Option(
        "--include-in-progress", help="Count unfinished responses too (submitted only by default)."
    ),
]


def response_filter(
    round: int | None = None,
    groups: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    include_in_progress: bool = False,
    include_simulated: bool = False,
) -> ResponseFilter:
    """The filter the shared options describe, with dates checked."""
    import re
    from datetime import date

    from consult.errors import InputError
    from consult.store import ResponseFilter

    days = {}
    for name, value in (("--since", since), ("--until", until)):
        if value is not None:
            try:
                # only YYYY-MM-DD: the store compares it with stored times as text
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError(value)
                days[name] = date.fromisoformat(value)
            except ValueError:
                raise InputError(f"{name} {value}: expected a date such as 2026-07-01") from None
    if len(days) == 2 and days["--since"] > days["--until"]:
        raise InputError(f"--since {since} is after --until {until}: no response could match")
    return ResponseFilter(
        round=round,
        groups=tuple(groups or ()),
        since=since,
        until=until,
        include_in_progress=include_in_progress,
        include_simulated=include_simulated,
    )


def with_round(store: Store, survey: Survey, flt: ResponseFilter) -> ResponseFilter:
    """``flt`` with the round ``--round`` names, checked, or the current round by default
    (see :func:`consult.store.plans.chosen_round`)."""
    from dataclasses import replace

    from consult.store.plans import chosen_round

    return replace(flt, round=chosen_round(store, survey, flt.round))


def frozen_notice(store: Store, survey: Survey, results: Any) -> None:
    """Say on stderr, in one line, when a closed round's live figures differ from the ones
    frozen when it closed."""
    import sys

    from consult.results.rounds import frozen_differs

    if frozen_differs(store, survey, results):
        sys.stderr.write(
            f"Round {results.filter.round} is closed and its answers changed since (e.g. a "
            "participant removed with their answers): these are today's figures; the frozen "
            "ones are in 'consult round status'.\n"
        )


def check_language(survey: Survey, lang: str | None) -> str:
    """The language ``--lang`` names, else the survey's first; one the survey lacks is refused."""
    from consult.errors import InputError

    if lang is None:
        return survey.languages[0]
    if lang not in survey.languages:
        raise InputError(f"--lang {lang}: the survey is in {', '.join(survey.languages)}")
    return lang


def check_groups(survey: Survey, groups: tuple[str, ...]) -> None:
    """Refuse a ``--group`` the survey does not define."""
    from consult.errors import InputError

    for g in groups:
        if g not in survey.group_ids:
            raise InputError(f"--group {g}: unknown group (one of: {', '.join(survey.group_ids)})")


def echo_json(kind: str, value: dict[str, Any]) -> None:
    """Print a ``--json`` result, ``{"format": 1, "kind": ..., ...}``: indented for a person at a
    terminal, compact for a pipe.

    Indenting makes Python fall back from its C encoder to the pure-Python one, which costs
    more than the aggregation itself on a large survey (as httpie, pretty only for a TTY).
    """
    import json
    import sys

    from consult.safe_text import json_text

    pretty = sys.stdout.isatty()
    document = {"format": JSON_FORMAT, "kind": kind, **value}
    text = json.dumps(document, ensure_ascii=False, indent=2 if pretty else None)
    typer.echo(json_text(text))


def check_output(path: Path, force: bool, database: Path) -> None:
    """Refuse, before any work is done, an output path that is a folder, lies under a file, is
    the database itself, or names an existing file (unless ``--force``)."""
    import os

    from consult.errors import InputError
    from consult.reports.output_file import is_stream

    if path.is_dir():
        raise InputError(f"{path}: is a folder; name the file to write")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise InputError(f"{path}: {parent} is a file, not a folder")
    db = os.path.realpath(database)
    if os.path.realpath(path) in (db, f"{db}-wal", f"{db}-shm", f"{db}-journal"):
        raise InputError(f"{path}: is the database or one of its files; name another file")
    if is_stream(path):  # a pipe or /dev/stdout is written to, not replaced
        return
    if path.exists() and not force:
        raise InputError(f"{path} already exists; add --force to overwrite it")


def warn_unplaced(results: Any) -> None:  # consult.results.aggregation.Results
    """Say on stderr, once, what the results could not count (a renamed group, a removed
    option), with the numbers."""
    import sys

    from consult.results.checks import unplaced_notice

    notice = unplaced_notice(results)
    if notice:
        sys.stderr.write(notice + "\n")


def hint_simulated(store: Store, survey: Survey, flt: ResponseFilter) -> None:
    """Say on stderr how many simulated responses ``flt`` leaves out, and how to count them."""
    import sys

    from consult.results.participation import simulated_responses

    left_out = 0 if flt.include_simulated else simulated_responses(store, survey, flt)
    if left_out > 0:
        sys.stderr.write(
            f"{left_out} simulated responses left out; add --include-simulated to count them.\n"
        )
