"""The organisers' Excel report: support for each proposal, overall and by stakeholder group.

Every figure comes from :mod:`consult.results` (:func:`consult.results.report_data.report_data`);
the sheets in :mod:`consult.reports.excel.sheets` only lay it out, with the style kit of
:mod:`consult.reports.excel.style`. The workbook is written in openpyxl's write-only mode, so
the big sheets (comments, raw answers) stream to disk and memory does not grow with the number
of answers. Participant text always goes in as literal text: never a formula, a link or an
illegal XML character.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from consult import __version__
from consult.errors import ConsultError, InputError
from consult.i18n import Labels
from consult.i18n.report import LABELS
from consult.reports.excel.context import Progress, ReportContext
from consult.reports.excel.sheets.by_group import write as write_by_group
from consult.reports.excel.sheets.comments import write as write_comments
from consult.reports.excel.sheets.detail import FOLLOW_UP_LIMIT
from consult.reports.excel.sheets.detail import write as write_detail
from consult.reports.excel.sheets.method import write as write_method
from consult.reports.excel.sheets.participation import write as write_participation
from consult.reports.excel.sheets.rankings import write as write_rankings
from consult.reports.excel.sheets.raw import write as write_raw
from consult.reports.excel.sheets.rounds import write as write_rounds
from consult.reports.excel.sheets.summary import write as write_summary
from consult.reports.excel.sheets.summary import write_chart_data
from consult.reports.excel.xlsx_stream import splice
from consult.reports.output_file import is_stream, replacing
from consult.results.checks import unplaced_notice
from consult.results.report_data import open_report_data
from consult.survey.model import Survey

if TYPE_CHECKING:  # types only: the report reads the store through consult.results
    from consult.store import ResponseFilter, Store

__all__ = ["FOLLOW_UP_LIMIT", "Progress", "ReportSummary", "write_report"]


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`write_report` wrote."""

    path: Path
    sheets: tuple[str, ...]
    proposals: int
    respondents: int
    comments: int
    raw_answers: int
    simulated_included: bool
    #: What the results could not count (see consult.results.aggregation.unplaced_notice).
    unplaced: str | None = None


def write_report(
    store: Store,
    survey: Survey,
    path: str | Path,
    *,
    flt: ResponseFilter,
    lang: str,
    raw: bool = False,
    identify: bool = False,
    comments: bool = True,
    progress: Progress | None = None,
) -> ReportSummary:
    """Write the Excel report of ``survey`` to ``path`` (replaced atomically) and summarise it.

    ``lang`` is a language of the survey; sheet labels are in it when this module has them
    (English otherwise). ``identify`` adds names to the Raw answers sheet and needs ``raw``.
    ``comments=False`` leaves every free-text answer out (they can identify their authors):
    no Comments sheet, no texts in Proposal detail or Raw answers, only their number.
    """
    if identify and not raw:
        raise InputError("--identify needs --raw: names only ever appear in the Raw answers sheet")
    if lang not in survey.languages:
        raise InputError(f"--lang {lang}: the survey is in {', '.join(survey.languages)}")
    path = Path(path)
    if is_stream(path):  # a workbook is assembled in place: it needs a file
        raise InputError(f"{path}: not a regular file; the report is written as an .xlsx file")
    report_progress = progress or (lambda stage, done, total: None)
    generated = datetime.now(UTC)
    try:
        with replacing(path) as tmp:
            report_progress("Computing results", 0, None)
            # One snapshot for every sheet: a session answering meanwhile is wholly in or out.
            with open_report_data(
                store, survey, flt, lang, raw=raw, identify=identify, comments=comments
            ) as data:
                ctx = ReportContext(
                    survey=survey,
                    lang=lang,
                    t=Labels(LABELS, lang),
                    data=data,
                    progress=report_progress,
                    generated=generated,
                    with_comments=comments,
                    raw=raw,
                    identify=identify,
                )
                return _write(ctx, tmp, path)
    except OSError as exc:
        raise ConsultError(f"{path}: cannot write the report ({exc.strerror or exc})") from None


def _write(ctx: ReportContext, tmp: Path, final: Path) -> ReportSummary:
    """Write every sheet to ``tmp``, save, and splice the streamed rows in."""
    wb = Workbook(write_only=True)
    try:
        wb.properties.title = ctx.results.title
        wb.properties.creator = f"consult {__version__}"
        names = [write_summary(ctx, wb)]
        if ctx.data.rounds is not None:  # a Delphi design, or more than one round
            names.append(write_rounds(ctx, wb))
        names += [
            write_by_group(ctx, wb),
            write_detail(ctx, wb),
            write_rankings(ctx, wb),
        ]
        if ctx.with_comments:
            names.append(write_comments(ctx, wb))
        names.append(write_participation(ctx, wb))
        names.append(write_method(ctx, wb))
        n_raw = 0
        if ctx.raw:
            name, n_raw = write_raw(ctx, wb)
            names.append(name)
        names.append(write_chart_data(ctx, wb))
        ctx.progress("Saving the workbook", 0, None)
        wb.save(tmp)
        splice(tmp, ctx.streams)
    finally:
        for rows in ctx.streams:
            rows.close()
    r = ctx.results
    return ReportSummary(
        path=final,
        sheets=tuple(names),
        proposals=len(r.proposals),
        respondents=r.n_respondents,
        comments=ctx.data.comment_total,
        raw_answers=n_raw,
        simulated_included=ctx.flt.include_simulated,
        unplaced=unplaced_notice(r),
    )
