"""Arguments and options shared by several commands, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    typer.Option("--lang", "-l", help="Language of labels, e.g. en or ko (default: the survey's first)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]
RoundOpt = Annotated[
    int | None, typer.Option("--round", "-r", min=1, help="Only this consultation round.")
]
GroupOpt = Annotated[
    list[str] | None,
    typer.Option("--group", "-g", help="Only this stakeholder group (repeat for several)."),
]
IncludeSimulatedOpt = Annotated[
    bool,
    typer.Option("--include-simulated", help="Count simulated responses too (left out by default)."),
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of the default.")
]
