"""What every sheet of the report is written from: the survey, the language, the computed data.

Sheets receive computed results (:class:`consult.results.report_data.ReportData`); none of
them reads the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from openpyxl.chart import BarChart

from consult.i18n import Labels
from consult.reports.excel.style import WRAP_TOP
from consult.reports.excel.xlsx_stream import StreamedRows
from consult.results.aggregation import Results
from consult.results.report_data import ReportData
from consult.survey.model import Question, Survey

if TYPE_CHECKING:  # a type only: sheets never read the store
    from consult.store import ResponseFilter

#: progress(stage, done, total): called while long work runs; total is None when unknown.
Progress = Callable[[str, int, int | None], None]

PROGRESS_EVERY = 5_000  # rows between two progress calls on the streamed sheets


@dataclass
class ReportContext:
    """One report being written: its inputs, its data, and what sheets hand on to each other."""

    survey: Survey
    lang: str
    t: Labels
    data: ReportData
    progress: Progress
    generated: datetime
    with_comments: bool = True
    raw: bool = False
    identify: bool = False
    #: The big sheets' rows, written past openpyxl and spliced in after it saves.
    streams: list[StreamedRows] = field(default_factory=list)
    #: The Summary's diverging chart; the Chart data sheet points its series at its rows.
    diverging: BarChart | None = None

    @property
    def results(self) -> Results:
        return self.data.results

    @property
    def flt(self) -> ResponseFilter:
        return self.data.filter

    def label(self, key: str, **kw: Any) -> str:
        return self.t(key, **kw)

    def group_label(self, gid: str) -> str:
        try:
            return self.survey.group(gid).label.get(self.lang)
        except KeyError:
            return gid

    def option_label(self, q: Question, option: str) -> str:
        try:
            return q.option_label(option, self.lang)
        except KeyError:
            return option

    def subtitle(self) -> str:
        """Respondents by group, the round, simulated or not, and when: under a sheet's title."""
        r = self.results
        parts = [
            self.label("responses", n=r.n_respondents)
            + " ("
            + ", ".join(f"{self.group_label(g)} {n}" for g, n in r.respondents.items())
            + ")",
            self.label("round", n=self.flt.round) if self.flt.round else self.label("all_rounds"),
            self.label(
                "simulated.included" if self.flt.include_simulated else "simulated.excluded"
            ),
            self.label("generated", when=self.generated.strftime("%Y-%m-%d %H:%M UTC")),
        ]
        return " · ".join(parts)

    def stream(self, ws: Any, first_row: int) -> StreamedRows:
        """Rows of a big sheet, written past openpyxl and put in after it saves (see splice)."""
        rows = StreamedRows(ws, first_row, wrap=WRAP_TOP)
        self.streams.append(rows)
        return rows
