"""The organisers' Excel report: support for each proposal, overall and by stakeholder group.

Every figure comes from :func:`consult.results.aggregation.aggregate`; this module only lays it out.
The workbook is written in openpyxl's write-only mode, so the big sheets (comments, raw
answers) stream to disk and memory does not grow with the number of answers. Participant
text always goes in as literal text: never a formula, a link or an illegal XML character.
"""

from __future__ import annotations

import math
import platform
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import ColorScaleRule, DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from consult import __version__
from consult.errors import ConsultError, InputError
from consult.i18n import Labels
from consult.i18n.report import LABELS
from consult.reports.excel.xlsx_stream import StreamedRows, cell_text, splice
from consult.reports.exports import answer_records
from consult.reports.output_file import is_stream, replacing
from consult.results.aggregation import aggregate, iter_comments
from consult.safe_text import FORMULA_PREFIXES
from consult.store import ResponseFilter, Store
from consult.survey.model import ABSTAIN, Question, Survey

#: progress(stage, done, total): called while long work runs; total is None when unknown.
Progress = Callable[[str, int, int | None], None]

FOLLOW_UP_LIMIT = 50  # follow-up answers shown per question on Proposal detail
_PROGRESS_EVERY = 5_000

# --------------------------------------------------------------------------- labels


# --------------------------------------------------------------------------- styles

_BLUE = "1F4E79"
_SUPPORT_COLOUR = "2E75B6"
_OPPOSITION_COLOUR = "C0504D"
_NEUTRAL_COLOUR = "BFBFBF"
_GROUP_COLOURS = ("2E75B6", "ED7D31", "70AD47", "7030A0", "FFC000", "5B9BD5", "A5A5A5")
_FONT = "Calibri"  # named everywhere: a cell font without a name renders as a serif font in Calc
_TITLE_FONT = Font(name=_FONT, bold=True, size=14, color=_BLUE)
_HEADING_FONT = Font(name=_FONT, bold=True, size=12, color=_BLUE)
_WARNING_FONT = Font(name=_FONT, bold=True, size=11, color="C00000")
_NOTE_FONT = Font(name=_FONT, italic=True, size=9, color="595959")
_BOLD = Font(name=_FONT, bold=True)
_HEADER_FONT = Font(name=_FONT, bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor=_BLUE)
_CONTESTED_FILL = PatternFill("solid", fgColor="FCE4D6")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTRE = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(vertical="center")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
_THIN_BOTTOM = Border(bottom=Side(style="thin", color="808080"))
COMMENT_WIDTH = 100  # characters; longer comments wrap
PCT = "0%"
PCT1 = "0.0%"
DECIMAL = "0.0"
DECIMAL2 = "0.00"


def _cell(
    ws: Any,
    value: Any,
    *,
    fmt: str | None = None,
    font: Font | None = None,
    fill: PatternFill | None = None,
    align: Alignment | None = None,
    border: Border | None = None,
) -> WriteOnlyCell:
    """A write-only cell; every string is literal text, never a formula or a link."""
    if isinstance(value, str):
        text = cell_text(value)
        cell = WriteOnlyCell(ws, value=text)
        # openpyxl would make "=..." a formula; spreadsheets would run "+ - @" on edit.
        cell.data_type = "s"
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    else:
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        cell = WriteOnlyCell(ws, value=value)
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if align:
        cell.alignment = align
    if border:
        cell.border = border
    return cell


def _header_height(headers: Sequence[str], widths: Sequence[float], least: float = 30) -> float:
    """Points a header row needs for its longest wrapped header (Calc does not grow it)."""
    lines = max((_lines(h, w) for h, w in zip(headers, widths, strict=False)), default=1)
    return max(least, 13.0 * lines + 6)


def _lines(text: Any, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (roughly: by words)."""
    if not isinstance(text, str) or not text:
        return 1
    lines, used = 1, 0
    room = max(1, int(width) - 1)
    for word in text.split():
        w = _display_width(word)
        if used and used + 1 + w > room:
            lines += 1
            used = w
        else:
            used += w + (1 if used else 0)
    return lines


def _no_free_text(value: Any, allowed: set[str] | None) -> bool:
    """Whether an answer holds no text but the ``allowed`` ids (None: an unknown question)."""
    if allowed is None:
        return False
    items = value if isinstance(value, list) else [value]
    return all(not isinstance(v, str) or v in allowed for v in items)


def _too_wide(text: str, width: int = COMMENT_WIDTH) -> bool:
    """Whether ``text`` overflows ``width`` columns (measured only when its length can't tell)."""
    if len(text) > width:
        return True
    return 2 * len(text) > width and _display_width(text) > width


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: East Asian wide characters count twice."""
    if text.isascii():  # most text, and a per-character look-up costs 40 µs a comment
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(ws: Any, widths: Sequence[float]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _fit(values: Iterable[Any], lo: float = 6, hi: float = 60, header: str = "") -> float:
    """A column width that fits the values (and the header's longest word, as headers wrap)."""
    longest = max((_display_width(w) for w in header.split()), default=0)
    for v in values:
        if isinstance(v, float):
            longest = max(longest, 5)
        elif v is not None:
            longest = max(longest, _display_width(str(v)))
    return float(min(hi, max(lo, longest + 2)))


def _new_sheet(wb: Workbook, title: str) -> Any:
    """A sheet that prints as a reader expects: landscape A4, as wide as one page.

    Set before any row is written: a write-only sheet writes its page setup then.
    """
    ws = wb.create_sheet(title)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    return ws


def _add_table(
    ws: Any, name: str, ref: str, headers: Sequence[str], style: str = "TableStyleMedium2"
) -> Table:
    """A native Excel table with filter buttons; write-only sheets need the columns by hand.

    Setting the columns by hand also skips the filter openpyxl would add: added here.
    """
    table = Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)]
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    with warnings.catch_warnings():
        # openpyxl warns that write-only tables need their columns set: they are, above.
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)
    return table


def _unique_headers(headers: Sequence[str]) -> list[str]:
    """Table column names must be unique (Excel repairs the file otherwise)."""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        name = h.replace("\n", " ")
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


# --------------------------------------------------------------------------- the report


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
    report = _Report(
        store, survey, flt, lang, progress or (lambda stage, done, total: None), comments
    )
    try:
        with replacing(path) as tmp:
            return report.write(tmp, path, raw=raw, identify=identify)
    except OSError as exc:
        raise ConsultError(f"{path}: cannot write the report ({exc.strerror or exc})") from None


class _Report:
    def __init__(
        self,
        store: Store,
        survey: Survey,
        flt: ResponseFilter,
        lang: str,
        progress: Progress,
        with_comments: bool = True,
    ) -> None:
        self.store = store
        self.survey = survey
        self.flt = flt
        self._simulated_n: int | None = None
        self.lang = lang
        self.t = Labels(LABELS, lang)
        self.progress = progress
        self.generated = datetime.now(UTC)
        self.with_comments = with_comments

    def label(self, key: str, **kw: Any) -> str:
        return self.t[key].format(**kw) if kw else self.t[key]

    def group_label(self, gid: str) -> str:
        try:
            return self.survey.group(gid).label.get(self.lang)
        except KeyError:
            return gid

    def write(self, tmp: Path, final: Path, *, raw: bool, identify: bool) -> ReportSummary:
        # One snapshot for every sheet: a session answering meanwhile is wholly in or out.
        with self.store.snapshot():
            return self._write(tmp, final, raw=raw, identify=identify)

    def _write(self, tmp: Path, final: Path, *, raw: bool, identify: bool) -> ReportSummary:
        self.progress("Computing results", 0, None)
        self.results = aggregate(self.store, self.survey, self.flt, self.lang)
        self.flt = self.results.filter  # the round aggregate settled on, for every later sheet
        self.round = self.flt.round or self.store.current_round(self.survey.id)
        wb = Workbook(write_only=True)
        self._streams: list[StreamedRows] = []
        try:
            return self._write_sheets(wb, tmp, final, raw=raw, identify=identify)
        finally:
            for rows in self._streams:
                rows.close()

    def _stream(self, ws: Any, first_row: int) -> StreamedRows:
        """Rows of a big sheet, written past openpyxl and put in after it saves (see splice)."""
        rows = StreamedRows(ws, first_row, wrap=_WRAP_TOP)
        self._streams.append(rows)
        return rows

    def _write_sheets(
        self, wb: Workbook, tmp: Path, final: Path, *, raw: bool, identify: bool
    ) -> ReportSummary:
        wb.properties.title = self.results.title
        wb.properties.creator = f"consult {__version__}"
        names = [
            self._summary(wb),
            self._by_group(wb),
            self._detail(wb),
            self._rankings(wb),
        ]
        if self.with_comments:
            names.append(self._comments(wb))
        names.append(self._participation(wb))
        names.append(self._method(wb, raw, identify))
        n_raw = 0
        if raw:
            name, n_raw = self._raw(wb, identify)
            names.append(name)
        self._write_chart_data(wb)
        names.append(self._chart_data_sheet_name)
        self.progress("Saving the workbook", 0, None)
        wb.save(tmp)
        splice(tmp, self._streams)
        return ReportSummary(
            path=final,
            sheets=tuple(names),
            proposals=len(self.results.proposals),
            respondents=self.results.n_respondents,
            comments=sum(n for g in self.results.comment_counts.values() for n in g.values()),
            raw_answers=n_raw,
            simulated_included=self.flt.include_simulated,
        )

    # ----------------------------------------------------------------------- Summary

    def _simulated(self) -> int:
        """How many simulated responses the filter counts, or leaves out (asked once)."""
        if self._simulated_n is None:
            flipped = replace(self.flt, include_simulated=not self.flt.include_simulated)
            other = sum(self.store.response_counts(self.survey.id, flipped).values())
            self._simulated_n = abs(other - self.results.n_respondents)
        return self._simulated_n

    def _summary_note(self, ws: Any) -> WriteOnlyCell:
        """How to read the table; or, when only simulated responses exist, that and how to
        count them: an empty report should say why it is empty."""
        if self.results.n_respondents == 0 and not self.flt.include_simulated and self._simulated():
            text = self.label("summary.only_simulated", n=self._simulated())
            return _cell(ws, text, font=_WARNING_FONT)
        return _cell(ws, self.label("summary.note"), font=_NOTE_FONT)

    def _subtitle(self) -> str:
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

    def _summary(self, wb: Workbook) -> str:
        r = self.results
        groups = list(r.groups)
        ws = _new_sheet(wb, self.label("sheet.summary"))
        headers = [
            self.label("col.rank"),
            self.label("col.proposal"),
            self.label("col.n"),
            self.label("col.support"),
            self.label("col.neutral"),
            self.label("col.opposition"),
            self.label("col.ci_low"),
            self.label("col.ci_high"),
            self.label("col.median"),
            self.label("col.iqr"),
            self.label("col.consensus"),
            self.label("col.balanced"),
            *(self.label("col.group_support", group=self.group_label(g)) for g in groups),
            self.label("col.gap"),
            self.label("col.contested"),
        ]
        fmts = [
            None,
            None,
            "0",
            PCT,
            PCT,
            PCT,
            PCT,
            PCT,
            DECIMAL,
            DECIMAL,
            None,
            PCT,
            *([PCT] * len(groups)),
            PCT,
            None,
        ]
        rows = []
        for p in r.proposals:
            st = p.stats
            ci = st.panel.support_ci or (None, None)
            widest = st.max_divergence
            rows.append(
                [
                    p.rank,
                    p.title,
                    st.panel.n_valid,
                    st.panel.support,
                    st.panel.neutral,
                    st.panel.opposition,
                    ci[0],
                    ci[1],
                    st.panel.median,
                    st.panel.iqr,
                    self.label(f"consensus.{st.consensus}"),
                    st.group_balanced_support,
                    *(st.groups[g].support if g in st.groups else None for g in groups),
                    abs(widest.difference) if widest else None,
                    self.label("contested_mark") if st.contested else self.label("no"),
                ]
            )
        # Headers wrap, so a column needs only its longest header word or value.
        widths = [_fit((row[i] for row in rows), header=h, lo=6) for i, h in enumerate(headers)]
        widths[1] = _fit((row[1] for row in rows), lo=24, hi=34)
        _widths(ws, [*widths, 2.0])
        header_row = 4
        first, last = header_row + 1, header_row + len(rows)
        ncols = len(headers)
        ws.freeze_panes = f"C{first}"
        ws.row_dimensions[header_row].height = _header_height(headers, widths, least=62)
        for i, row in enumerate(rows):
            # Calc does not grow wrapped rows on opening a file: size them here.
            lines = _lines(row[1], widths[1])
            ws.row_dimensions[first + i].height = 15 * lines + 3
        # Before the first row: a write-only sheet writes its header then.
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.append([_cell(ws, self.results.title, font=_TITLE_FONT)])
        ws.append([_cell(ws, self._subtitle(), font=_NOTE_FONT)])
        ws.append([self._summary_note(ws)])
        ws.append(
            [
                _cell(ws, h, font=_HEADER_FONT, fill=_HEADER_FILL, align=_HEADER_ALIGN)
                for h in headers
            ]
        )
        for row in rows:
            ws.append(
                [
                    _cell(
                        ws, v, fmt=fmts[i], align=_WRAP_CENTRE if i in (1, ncols - 2) else _CENTRE
                    )
                    for i, v in enumerate(row)
                ]
            )
        last_col = get_column_letter(ncols)
        self.summary_ref = f"A{header_row}:{last_col}{max(last, first)}"
        if rows:
            _add_table(ws, "Summary", self.summary_ref, _unique_headers(headers))
            sup = get_column_letter(4)
            ws.conditional_formatting.add(
                f"{sup}{first}:{sup}{last}",
                DataBarRule(
                    start_type="num", start_value=0, end_type="num", end_value=1, color="5B9BD5"
                ),
            )
            last_group = get_column_letter(12 + len(groups))
            ws.conditional_formatting.add(f"L{first}:{last_group}{last}", _support_scale())
            flag = get_column_letter(ncols)
            ws.conditional_formatting.add(
                f"A{first}:{last_col}{last}",
                FormulaRule(
                    formula=[f'${flag}{first}="{self.label("contested_mark")}"'],
                    fill=_CONTESTED_FILL,
                ),
            )
        # The chart sits beside the table; its data lives on the Chart data sheet.
        self._summary_chart_rows = rows
        chart = self._diverging_chart(len(rows))
        anchor_col = ncols + 2  # one narrow empty column between table and chart
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{header_row}")
        chart_cols = math.ceil(chart.width / 1.7)  # default columns are about 1.7 cm wide
        chart_rows = math.ceil(chart.height / 0.53)
        print_last_col = get_column_letter(anchor_col + chart_cols)
        print_last_row = max(last, header_row + chart_rows)
        ws.print_area = f"A1:{print_last_col}{print_last_row}"
        return ws.title

    def _diverging_chart(self, n: int) -> BarChart:
        """Opposition left of 0, support right of it, neutral in grey after support.

        Neutral is not split around 0: Calc and Excel disagree on hiding the legend entry of
        a split's second half, and a bar whose support starts at 0 is easier to compare.
        """
        self._chart_data_sheet_name = self.label("sheet.chart_data")
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.gapWidth = 40
        chart.title = self.label("chart.diverging")
        chart.style = 10
        chart.width = 15
        chart.height = max(7.5, 2.5 + 1.1 * n)
        chart.y_axis.number_format = "0%;0%"
        chart.y_axis.scaling.min = -1
        chart.y_axis.scaling.max = 1
        chart.y_axis.majorUnit = 0.25
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.x_axis.tickLblPos = "low"  # labels at the left edge, not on the 0 line
        chart.legend.position = "b"
        self._diverging = chart
        return chart

    def _fill_diverging(self, sheet: Any, first_row: int, n: int) -> None:
        """Point the Summary chart's series at the Chart data sheet (rows first_row..)."""
        chart = self._diverging
        last = first_row + n - 1
        cats = Reference(sheet, min_col=1, min_row=first_row, max_row=last)
        colours = (_OPPOSITION_COLOUR, _SUPPORT_COLOUR, _NEUTRAL_COLOUR)
        for col, colour in zip(range(2, 5), colours, strict=True):
            data = Reference(sheet, min_col=col, min_row=first_row - 1, max_row=last)
            chart.add_data(data, titles_from_data=True)
            s = chart.series[-1]
            s.graphicalProperties = GraphicalProperties(solidFill=colour)
            s.graphicalProperties.line.solidFill = "FFFFFF"
        chart.set_categories(cats)

    # ----------------------------------------------------------------------- By group

    def _by_group(self, wb: Workbook) -> str:
        r = self.results
        groups = list(r.groups)
        ws = _new_sheet(wb, self.label("sheet.by_group"))
        headers = [
            self.label("col.rank"),
            self.label("col.proposal"),
            self.label("col.panel"),
            self.label("n_cell"),
        ]
        for g in groups:
            headers += [self.group_label(g), f"{self.label('n_cell')}: {self.group_label(g)}"]
        headers += [self.label("col.gap"), self.label("col.between")]
        fmts: list[str | None] = [None, None] + [PCT, None] * (len(groups) + 1) + [PCT, None]
        rows = []
        for p in r.proposals:
            row: list[Any] = [p.rank, p.title, p.stats.panel.support, p.stats.panel.n_valid]
            for g in groups:
                s = p.stats.groups.get(g)
                row += [s.support if s else None, s.n_valid if s else 0]
            widest = p.stats.max_divergence
            row += [
                abs(widest.difference) if widest else None,
                self.label(
                    "vs", a=self.group_label(widest.group_a), b=self.group_label(widest.group_b)
                )
                if widest
                else None,
            ]
            rows.append(row)
        widths = [7.0, _fit((row[1] for row in rows), lo=24, hi=48)]
        for i in range(2, len(headers) - 2):
            # Wide enough for the header's longest word: headers wrap, words do not.
            widths.append(_fit((), lo=14.0 if i % 2 == 0 else 8.0, hi=24, header=headers[i]))
        widths += [12.0, _fit((row[-1] for row in rows), lo=16, hi=70)]
        _widths(ws, widths)
        header_row = 4
        first, last = header_row + 1, header_row + len(rows)
        ws.freeze_panes = f"C{first}"
        ws.row_dimensions[header_row].height = _header_height(headers, widths)
        ws.append([_cell(ws, self.label("by_group.heading"), font=_TITLE_FONT)])
        ws.append([_cell(ws, self._subtitle(), font=_NOTE_FONT)])
        ws.append([_cell(ws, self.label("by_group.note"), font=_NOTE_FONT)])
        ws.append(
            [
                _cell(ws, h, font=_HEADER_FONT, fill=_HEADER_FILL, align=_HEADER_ALIGN)
                for h in headers
            ]
        )
        for row in rows:
            ws.append([_cell(ws, v, fmt=fmts[i]) for i, v in enumerate(row)])
        ncols = len(headers)
        if rows:
            _add_table(
                ws,
                "ByGroup",
                f"A{header_row}:{get_column_letter(ncols)}{last}",
                _unique_headers(headers),
            )
            for i in range(2, ncols - 2, 2):
                col = get_column_letter(i + 1)
                ws.conditional_formatting.add(f"{col}{first}:{col}{last}", _support_scale())
            chart = BarChart()
            chart.type = "bar"
            chart.grouping = "clustered"
            chart.title = self.label("chart.by_group")
            chart.style = 10
            chart.width = 22
            chart.height = max(8.0, 2.5 + 0.45 * len(rows) * (len(groups) + 1))
            for k, g in enumerate(groups):
                col = 5 + 2 * k
                data = Reference(ws, min_col=col, min_row=header_row, max_row=last)
                chart.add_data(data, titles_from_data=True)
                s = chart.series[-1]
                s.graphicalProperties = GraphicalProperties(
                    solidFill=_GROUP_COLOURS[k % len(_GROUP_COLOURS)]
                )
                del g
            chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
            chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = 1
            chart.y_axis.number_format = "0%"
            chart.y_axis.majorGridlines = chart.y_axis.majorGridlines
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.legend.position = "b"
            self.by_group_chart = chart
            ws.add_chart(chart, f"B{last + 3}")
        return ws.title

    # ----------------------------------------------------------------------- Proposal detail

    def _detail(self, wb: Workbook) -> str:
        r = self.results
        survey = self.survey
        ws = _new_sheet(wb, self.label("sheet.detail"))
        by_id = {p.id: p for p in survey.proposals}
        first_scale = survey.scale(survey.proposals[0].support_question.scale or "")
        npoints = len(first_scale.points)
        names = [self.group_label(g) for g in r.groups] + [self.label("col.panel")]
        _widths(ws, [_fit(names, lo=30, hi=48), 7, 10, *([12] * max(npoints, 5)), 10, 11])
        ws.append([_cell(ws, self.label("detail.heading"), font=_TITLE_FONT)])
        ws.append([_cell(ws, self._subtitle(), font=_NOTE_FONT)])
        row = 3
        self.detail_charts: list[tuple[str, BarChart, int, int]] = []

        def put(values: list[Any]) -> None:
            nonlocal row
            ws.append(values)
            row += 1

        for p in r.proposals:
            proposal = by_id[p.id]
            question = proposal.support_question
            scale = survey.scale(question.scale or "")
            points = [pt.value for pt in scale.points]
            put([])
            put([_cell(ws, f"{p.rank}. {p.title}", font=_HEADING_FONT)])
            put([_cell(ws, proposal.statement.get(self.lang), font=_NOTE_FONT)])
            header = [
                self.label("col.group"),
                self.label("col.n"),
                self.label("col.abstained"),
                *(scale.label(v, self.lang) for v in points),
                self.label("col.support"),
                self.label("col.opposition"),
            ]
            # ``row`` is the next row to be written: the header goes there.
            header_row = row
            ws.row_dimensions[header_row].height = 45
            put(
                [
                    _cell(ws, h, font=_HEADER_FONT, fill=_HEADER_FILL, align=_HEADER_ALIGN)
                    for h in header
                ]
            )
            summaries = [
                (self.group_label(g), p.stats.groups[g]) for g in r.groups if g in p.stats.groups
            ]
            summaries.append((self.label("col.panel"), p.stats.panel))
            for k, (name, s) in enumerate(summaries):
                font = _BOLD if k == len(summaries) - 1 else None
                dist = dict(s.distribution)
                shares = [(dist.get(v, 0) / s.n_valid) if s.n_valid else None for v in points]
                put(
                    [
                        _cell(ws, name, font=font),
                        _cell(ws, s.n_valid, font=font),
                        _cell(ws, s.n_abstained, font=font),
                        *(_cell(ws, v, fmt=PCT, font=font) for v in shares),
                        _cell(ws, s.support, fmt=PCT, font=font),
                        _cell(ws, s.opposition, fmt=PCT, font=font),
                    ]
                )
            last_data = row - 1
            chart = BarChart()
            chart.type = "bar"
            chart.grouping = "percentStacked"
            chart.overlap = 100
            chart.gapWidth = 50
            chart.title = self.label("chart.detail")
            chart.style = 10
            chart.width = 16
            chart.height = 6.5
            colours = _scale_colours(points, scale.support, scale.opposition)
            for k, v in enumerate(points):
                data = Reference(ws, min_col=4 + k, min_row=header_row, max_row=last_data)
                chart.add_data(data, titles_from_data=True)
                chart.series[-1].graphicalProperties = GraphicalProperties(solidFill=colours[k])
                del v
            chart.set_categories(
                Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_data)
            )
            chart.x_axis.scaling.orientation = "maxMin"
            chart.y_axis.number_format = "0%"
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.legend.position = "b"
            anchor_col = get_column_letter(len(header) + 2)
            ws.add_chart(chart, f"{anchor_col}{header_row - 2}")
            self.detail_charts.append((p.id, chart, header_row, last_data))
            chart_bottom = header_row - 2 + math.ceil(chart.height / 0.53)
            # Follow-up questions of the proposal, below the table.
            for q in proposal.questions:
                if q.key == question.key:
                    continue
                put([])
                put(
                    [
                        _cell(
                            ws,
                            self.label("detail.follow_up", text=q.text.get(self.lang)),
                            font=_BOLD,
                        )
                    ]
                )
                for line in self._follow_up_lines(q):
                    put(line(ws))
            while row < chart_bottom:
                put([])
        return ws.title

    def _follow_up_lines(self, q: Question) -> list[Callable[[Any], list[WriteOnlyCell]]]:
        """Rows (as cell factories) summarising one follow-up question."""
        r = self.results
        out: list[Callable[[Any], list[WriteOnlyCell]]] = []
        if q.type == "text" and not self.with_comments:
            total = sum(r.comment_counts.get(q.key, {}).values())
            out.append(
                lambda ws: [_cell(ws, self.label("detail.left_out", n=total), font=_NOTE_FONT)]
            )
        elif q.type == "text":
            total = sum(r.comment_counts.get(q.key, {}).values())
            texts = [
                (c["group"], c["text"])
                for c in iter_comments(self.store, self.survey, self.flt, [q.key], FOLLOW_UP_LIMIT)
            ]
            if not texts:
                out.append(lambda ws: [_cell(ws, self.label("detail.none"), font=_NOTE_FONT)])
            for group, text in texts:
                out.append(
                    lambda ws, g=group, t=text: [_cell(ws, self.group_label(g)), _cell(ws, t)]
                )
            if total > FOLLOW_UP_LIMIT:
                more = total - FOLLOW_UP_LIMIT
                out.append(
                    lambda ws: [_cell(ws, self.label("detail.more", n=more), font=_NOTE_FONT)]
                )
        elif q.key in r.scales:
            s = r.scales[q.key]["panel"]
            out.append(
                lambda ws: [
                    _cell(ws, self.label("col.panel")),
                    _cell(ws, s.n_valid),
                    _cell(ws, s.n_abstained),
                    _cell(ws, s.support, fmt=PCT),
                    _cell(ws, s.neutral, fmt=PCT),
                    _cell(ws, s.opposition, fmt=PCT),
                ]
            )
        elif q.key in r.choices:
            for c in r.choices[q.key]["panel"]:
                label = _option_label(q, c.option, self.lang)
                out.append(
                    lambda ws, lab=label, c=c: [
                        _cell(ws, lab),
                        _cell(ws, c.count),
                        _cell(ws, c.share, fmt=PCT),
                    ]
                )
        elif q.key in r.numbers:
            num = r.numbers[q.key]
            out.append(
                lambda ws: [
                    _cell(ws, self.label("col.n")),
                    _cell(ws, num.n),
                    _cell(ws, self.label("col.median")),
                    _cell(ws, num.median, fmt=DECIMAL),
                ]
            )
        return out

    # ----------------------------------------------------------------------- Rankings

    def _rankings(self, wb: Workbook) -> str:
        ws = _new_sheet(wb, self.label("sheet.rankings"))
        _widths(ws, [48, 8, 12, 12, 14])
        ws.append([_cell(ws, self.label("rankings.heading"), font=_TITLE_FONT)])
        ws.append([_cell(ws, self.label("rankings.note"), font=_NOTE_FONT)])
        if not self.results.rankings:
            ws.append([_cell(ws, self.label("rankings.empty"))])
        for key, summaries in self.results.rankings.items():
            q = self.survey.question(key)
            ws.append([])
            ws.append([_cell(ws, q.text.get(self.lang), font=_HEADING_FONT)])
            headers = ["col.option", "col.n", "col.mean_rank", "col.borda", "col.first_share"]
            ws.append(
                [
                    _cell(
                        ws, self.label(h), font=_HEADER_FONT, fill=_HEADER_FILL, align=_HEADER_ALIGN
                    )
                    for h in headers
                ]
            )
            for s in summaries:
                ws.append(
                    [
                        _cell(ws, _option_label(q, s.option, self.lang)),
                        _cell(ws, s.n),
                        _cell(ws, s.mean_rank, fmt=DECIMAL2),
                        _cell(ws, s.borda),
                        _cell(ws, s.first_share, fmt=PCT),
                    ]
                )
        return ws.title

    # ----------------------------------------------------------------------- Comments

    def _comments(self, wb: Workbook) -> str:
        r = self.results
        ws = _new_sheet(wb, self.label("sheet.comments"))
        headers = [
            self.label("col.proposal"),
            self.label("col.question"),
            self.label("col.group"),
            self.label("col.comment"),
        ]
        _widths(ws, [34, 34, 26, COMMENT_WIDTH])
        ws.freeze_panes = "A3"
        ws.append([_cell(ws, self.label("comments.heading"), font=_TITLE_FONT)])
        ws.append([_cell(ws, h, font=_HEADER_FONT, fill=_HEADER_FILL) for h in headers])
        titles = {p.id: p.title.get(self.lang) for p in self.survey.proposals}
        # Streamed from the store in survey order: memory stays flat however many there are.
        comments = iter_comments(self.store, self.survey, self.flt)
        total = sum(n for per_group in r.comment_counts.values() for n in per_group.values())
        self.progress("Writing comments", 0, total)
        question_text: dict[str, str] = {}
        groups = {g.id: g.label.get(self.lang) for g in self.survey.groups}
        rows = self._stream(ws, first_row=3)
        for c in comments:
            key = c["question"]
            if key not in question_text:
                try:
                    question_text[key] = self.survey.question(key).text.get(self.lang)
                except KeyError:
                    question_text[key] = key
            text = c["text"]
            rows.append(
                [
                    titles.get(c["proposal"], ""),
                    question_text[key],
                    groups.get(c["group"], c["group"]),
                    text,
                ],
                wrap=(3,) if _too_wide(text) else (),
            )
            if rows.rows % _PROGRESS_EVERY == 0:
                self.progress("Writing comments", rows.rows, total)
        n = rows.rows
        self.progress("Writing comments", n, total)
        if n:
            _add_table(ws, "Comments", f"A2:D{n + 2}", headers, "TableStyleLight9")
        return ws.title

    # ----------------------------------------------------------------------- Participation

    def _participation(self, wb: Workbook) -> str:
        ws = _new_sheet(wb, self.label("sheet.participation"))
        counts = self.participation_counts()
        _widths(ws, [40, 10, 10, 11, 16, 16])
        ws.append([_cell(ws, self.label("participation.heading"), font=_TITLE_FONT)])
        ws.append(
            [
                _cell(
                    ws,
                    self.label("participation.note")
                    + " "
                    + self.label(
                        "round", n=self.flt.round or self.store.current_round(self.survey.id)
                    )
                    + " · "
                    + self.label(
                        "simulated.included" if self.flt.include_simulated else "simulated.excluded"
                    ),
                    font=_NOTE_FONT,
                )
            ]
        )
        headers = [
            "col.group",
            "col.invited",
            "col.started",
            "col.submitted",
            "col.response_rate",
            "col.completion_rate",
        ]
        ws.row_dimensions[3].height = 45
        ws.append(
            [
                _cell(ws, self.label(h), font=_HEADER_FONT, fill=_HEADER_FILL, align=_HEADER_ALIGN)
                for h in headers
            ]
        )
        total = {"invited": 0, "started": 0, "submitted": 0}
        rows = []
        for gid, c in counts.items():
            rows.append((self.group_label(gid), c, None))
            for k in total:
                total[k] += c[k]
        rows.append((self.label("total"), total, _BOLD))
        for name, c, font in rows:
            ws.append(
                [
                    _cell(ws, name, font=font),
                    _cell(ws, c["invited"], font=font),
                    _cell(ws, c["started"], font=font),
                    _cell(ws, c["submitted"], font=font),
                    _cell(
                        ws,
                        c["submitted"] / c["invited"] if c["invited"] else None,
                        fmt=PCT,
                        font=font,
                    ),
                    _cell(
                        ws,
                        c["submitted"] / c["started"] if c["started"] else None,
                        fmt=PCT,
                        font=font,
                    ),
                ]
            )
        return ws.title

    def participation_counts(self) -> dict[str, dict[str, int]]:
        """Invited, started and submitted by group, for the report's round and simulated filter."""
        from consult.results.participation import summarise

        rows = self.store.participation_rows(
            self.survey.id, self.flt.round or self.store.current_round(self.survey.id)
        )
        summary = summarise(
            rows, self.survey.group_ids, include_simulated=self.flt.include_simulated
        )
        out = {
            g["group"]: {k: g[k] for k in ("invited", "started", "submitted")}
            for g in summary["groups"]
        }
        if self.flt.groups:
            out = {g: c for g, c in out.items() if g in self.flt.groups}
        return out

    # ----------------------------------------------------------------------- Method

    def _method(self, wb: Workbook, raw: bool, identify: bool) -> str:
        r = self.results
        s = self.survey
        flt = self.flt
        ws = _new_sheet(wb, self.label("sheet.method"))
        _widths(ws, [38, 110])
        simulated_n = self._simulated()
        abstentions = sum(p.stats.panel.n_abstained for p in r.proposals)
        filters = []
        if flt.groups:
            filters.append(
                self.label("col.group") + ": " + ", ".join(self.group_label(g) for g in flt.groups)
            )
        if flt.since:
            filters.append(self.label("m.since", date=flt.since))
        if flt.until:
            filters.append(self.label("m.until", date=flt.until))
        if raw:
            raw_text = self.label("m.raw.identified" if identify else "m.raw.pseudonymous")
        else:
            raw_text = self.label("m.raw.none")
        items: list[tuple[str, Any]] = [
            ("m.survey_id", s.id),
            ("m.title", r.title),
            ("m.version", s.version),
            ("m.hash", s.hash),
            ("m.language", self.lang),
            (
                "m.rounds",
                self.label("round", n=flt.round) if flt.round else self.label("all_rounds"),
            ),
            (
                "m.respondents",
                f"{r.n_respondents} ("
                + ", ".join(f"{self.group_label(g)} {n}" for g, n in r.respondents.items())
                + ")",
            ),
            ("m.consensus", r.consensus_rule),
            ("m.interval", self.label("m.interval.text")),
            ("m.quantile", self.label("m.quantile.text")),
            ("m.balanced", self.label("m.balanced.text")),
            ("m.gap", self.label("m.gap.text")),
            ("m.weighting", self.label("m.weighting.text")),
            ("m.filters", "; ".join(filters) or self.label("m.filters.none")),
            ("m.abstentions", self.label("m.abstentions.text", n=abstentions)),
            (
                "m.simulated",
                self.label(
                    "m.simulated.included" if flt.include_simulated else "m.simulated.excluded",
                    n=simulated_n,
                ),
            ),
            (
                "m.unfinished",
                self.label(
                    "m.unfinished.included" if flt.include_in_progress else "m.unfinished.excluded"
                ),
            ),
            ("m.alpha", r.alpha_ordinal),
            ("m.raw", raw_text),
            (
                "m.comments",
                self.label(
                    "m.comments.included" if self.with_comments else "m.comments.excluded",
                    n=sum(n for g in r.comment_counts.values() for n in g.values()),
                ),
            ),
            ("m.generated", self.generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
            (
                "m.tool",
                f"consult {__version__} (Python {platform.python_version()}, "
                f"openpyxl {openpyxl.__version__})",
            ),
        ]
        ws.append([_cell(ws, self.label("method.heading"), font=_TITLE_FONT)])
        ws.append([])
        for key, value in items:
            ws.append(
                [
                    _cell(ws, self.label(key), font=_BOLD, align=_WRAP_TOP),
                    _cell(
                        ws,
                        value,
                        fmt=DECIMAL2 if isinstance(value, float) else None,
                        align=_WRAP_TOP,
                    ),
                ]
            )
        return ws.title

    # ----------------------------------------------------------------------- Raw answers

    def _raw(self, wb: Workbook, identify: bool) -> tuple[str, int]:
        ws = _new_sheet(wb, self.label("sheet.raw"))
        names = self.store.export_identities(self.survey.id) if identify else {}
        headers = [self.label("col.participant")]
        if identify:
            headers += [self.label("col.name"), self.label("col.organisation")]
        headers += [
            self.label(k)
            for k in (
                "col.group",
                "col.round",
                "col.status",
                "col.simulated",
                "col.proposal",
                "col.question",
                "col.value",
                "col.numeric",
                "col.answered_at",
            )
        ]
        widths = [14] + ([24, 24] if identify else []) + [14, 7, 11, 10, 26, 30, 40, 9, 24]
        _widths(ws, widths)
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, h, font=_HEADER_FONT, fill=_HEADER_FILL) for h in headers])
        total = self.store.report_answer_count(self.survey.id, self.flt)
        # Without comments, only answers that cannot be free text are shown: to a question that
        # is not text now, with no text but its option ids (an earlier version of the survey
        # may have asked free text under the same key).
        shown = (
            None
            if self.with_comments
            else {
                q.key: {o.id for o in q.options} | {ABSTAIN}
                for q in self.survey.questions()
                if q.type != "text"
            }
        )
        if shown is not None:
            total -= sum(n for g in self.results.comment_counts.values() for n in g.values())
        self.progress("Writing raw answers", 0, total)
        yes, no = self.label("yes"), self.label("no")
        rows = self._stream(ws, first_row=2)
        for rec in answer_records(self.store, self.survey, self.flt):
            value = rec["value"]
            if shown is not None and not _no_free_text(value, shown.get(rec["question"])):
                continue
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            row = [rec["participant"]]
            if identify:
                name, org = names.get(rec["participant"], (None, None))
                row += [name or "", org or ""]
            row += [
                rec["group"],
                rec["round"],
                rec["status"],
                yes if rec["simulated"] else no,
                rec["proposal"],
                rec["question"],
                value,
                rec["numeric"],
                rec["answered_at"],
            ]
            rows.append(row)
            if rows.rows % _PROGRESS_EVERY == 0:
                self.progress("Writing raw answers", rows.rows, total)
        n = rows.rows
        self.progress("Writing raw answers", n, total)
        if n:
            ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
            _add_table(ws, "RawAnswers", ref, headers, "TableStyleLight1")
        return ws.title, n

    # ----------------------------------------------------------------------- Chart data

    def _write_chart_data(self, wb: Workbook) -> None:
        ws = _new_sheet(wb, self._chart_data_sheet_name)
        self.chart_data_title = ws.title
        _widths(ws, [48, 14, 14, 14])
        ws.append([_cell(ws, self.label("chart_data.note"), font=_NOTE_FONT)])
        headers = [
            self.label("col.proposal"),
            self.label("col.opposition"),
            self.label("col.support"),
            self.label("col.neutral"),
        ]
        ws.append([_cell(ws, h, font=_BOLD) for h in headers])
        ordered = list(reversed(self.results.proposals))
        for p in ordered:
            s = p.stats.panel
            ws.append(
                [
                    _cell(ws, p.title),
                    _cell(ws, -(s.opposition or 0.0), fmt="0%;0%"),
                    _cell(ws, s.support or 0.0, fmt="0%;0%"),
                    _cell(ws, s.neutral or 0.0, fmt="0%;0%"),
                ]
            )
        if ordered:
            self._fill_diverging(ws, 3, len(ordered))


def _support_scale() -> ColorScaleRule:
    """Red through white to blue over support from 0 to 100 %."""
    return ColorScaleRule(
        start_type="num", start_value=0, start_color="F8696B",
        mid_type="num", mid_value=0.5, mid_color="FFFFFF",
        end_type="num", end_value=1, end_color="5A8AC6",
    )  # fmt: skip


def _scale_colours(
    points: Sequence[int], support: frozenset[int], opposition: frozenset[int]
) -> list[str]:
    """Reds for opposition (darkest at the extreme), grey for neutral, blues for support."""
    reds = ["C0504D", "E6B8B7", "F2DCDB"]
    blues = ["9DC3E6", "2E75B6", "1F4E79"]
    opp = [p for p in points if p in opposition]
    sup = [p for p in points if p in support]
    out = []
    for p in points:
        if p in opposition:
            out.append(reds[min(opp.index(p), len(reds) - 1)])
        elif p in support:
            k = len(sup) - 1 - sup.index(p)
            out.append(blues[max(0, len(blues) - 1 - k)])
        else:
            out.append(_NEUTRAL_COLOUR)
    return out


def _option_label(q: Question, option: str, lang: str) -> str:
    try:
        return q.option_label(option, lang)
    except KeyError:
        return option
