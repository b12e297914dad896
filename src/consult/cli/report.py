"""``consult report``: the organisers' Excel report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from consult.cli.options import (
    ForceOpt,
    IncludeSimulatedOpt,
    LangOpt,
    OutputOpt,
    RoundOpt,
    SurveyArg,
)


def report(
    survey: SurveyArg,
    output: OutputOpt = None,
    round: RoundOpt = None,
    lang: LangOpt = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Add a Raw answers sheet (pseudonymous ids).")
    ] = False,
    identify: Annotated[
        bool,
        typer.Option(
            "--identify", help="Show names and organisations in Raw answers (needs --raw)."
        ),
    ] = False,
    comments: Annotated[
        bool,
        typer.Option(
            "--comments/--no-comments",
            help="Include free-text answers; --no-comments leaves them out (they can identify "
            "their authors) and gives only their number.",
        ),
    ] = True,
    include_simulated: IncludeSimulatedOpt = False,
    force: ForceOpt = False,
) -> None:
    """Write the Excel report on support for each proposal (default: results/SURVEY-DATE.xlsx).

    Example: consult report surveys/st-diplomacy-roundtable.yaml --lang ko -o report.xlsx
    """
    from datetime import date

    from consult.cli.context import open_store, state
    from consult.cli.options import (
        check_language,
        check_output,
        hint_simulated,
        response_filter,
        with_round,
    )
    from consult.errors import InputError
    from consult.store.surveys import resolve_survey

    flt = response_filter(round=round, include_simulated=include_simulated)
    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        language = check_language(s, lang)
        flt = with_round(store, s, flt)
        path = output or Path("results") / f"{s.id}-{date.today().isoformat()}.xlsx"
        if path.suffix.lower() != ".xlsx":
            raise InputError(f"{path}: the report is an Excel file; name it *.xlsx")
        check_output(path, force, state.db)
        from consult.reports.excel.workbook import write_report

        with _progress() as progress:
            summary = write_report(
                store, s, path, flt=flt, lang=language, raw=raw, identify=identify,
                comments=comments, progress=progress,
            )  # fmt: skip
        simulated = "simulated responses included" if include_simulated else "simulated left out"
        noun = "response" if summary.respondents == 1 else "responses"
        typer.echo(
            f"Wrote {summary.path}: {summary.proposals} proposals, {summary.respondents} {noun} "
            f"({simulated}), {len(summary.sheets)} sheets."
        )
        if summary.unplaced:
            sys.stderr.write(summary.unplaced + "\n")
        hint_simulated(store, s, flt)


class _progress:
    """A rich progress bar on stderr while the report is written, only when stderr is a TTY."""

    def __enter__(self):  # -> Progress callback or None
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        self.tasks: dict[str, int] = {}
        return self.update

    def update(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "bar"):
            self.bar.stop()
