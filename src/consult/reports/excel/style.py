"""The report's style kit: fonts, fills, colours, number formats, and the helpers that make cells,
size columns and rows, and add tables and colour scales to write-only sheets.

Participant text always goes in as literal text: never a formula, a link or an illegal XML
character (see :func:`cell`).
"""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart._chart import ChartBase
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from consult.reports.excel.xlsx_stream import cell_text
from consult.safe_text import FORMULA_PREFIXES

BLUE = "1F4E79"
SUPPORT_COLOUR = "2E75B6"
OPPOSITION_COLOUR = "C0504D"
NEUTRAL_COLOUR = "BFBFBF"
GROUP_COLOURS = ("2E75B6", "ED7D31", "70AD47", "7030A0", "FFC000", "5B9BD5", "A5A5A5")
FONT = "Calibri"  # named everywhere: a cell font without a name renders as a serif font in Calc
TITLE_FONT = Font(name=FONT, bold=True, size=14, color=BLUE)
HEADING_FONT = Font(name=FONT, bold=True, size=12, color=BLUE)
WARNING_FONT = Font(name=FONT, bold=True, size=11, color="C00000")
NOTE_FONT = Font(name=FONT, italic=True, size=9, color="595959")
BOLD = Font(name=FONT, bold=True)
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=BLUE)
CONTESTED_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
WRAP_CENTRE = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(vertical="center")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
THIN_BOTTOM = Border(bottom=Side(style="thin", color="808080"))
COMMENT_WIDTH = 80  # characters; longer comments wrap
PCT = "0%"
PCT1 = "0.0%"
#: A difference of shares, stored ×100 as a number: "84 pp", as the terminal shows it.
PP = '0" pp"'

DECIMAL = "0.0"
DECIMAL2 = "0.00"


def cell(
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
        out = WriteOnlyCell(ws, value=text)
        # openpyxl would make "=..." a formula; spreadsheets would run "+ - @" on edit.
        out.data_type = "s"
        if text.startswith(FORMULA_PREFIXES):
            out.quotePrefix = True
    else:
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        out = WriteOnlyCell(ws, value=value)
    if fmt:
        out.number_format = fmt
    if font:
        out.font = font
    if fill:
        out.fill = fill
    if align:
        out.alignment = align
    if border:
        out.border = border
    return out


def header_cells(
    ws: Any, headers: Iterable[str], align: Alignment | None = HEADER_ALIGN
) -> list[WriteOnlyCell]:
    """A row of white-on-blue header cells (wrapped and centred unless ``align`` is None)."""
    return [cell(ws, h, font=HEADER_FONT, fill=HEADER_FILL, align=align) for h in headers]


def header_height(headers: Sequence[str], widths: Sequence[float], least: float = 30) -> float:
    """Points a header row needs for its longest wrapped header (Calc does not grow it)."""
    lines = max((wrapped_lines(h, w) for h, w in zip(headers, widths, strict=False)), default=1)
    return max(least, 13.0 * lines + 6)


def wrapped_lines(text: Any, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (roughly: by words)."""
    if not isinstance(text, str) or not text:
        return 1
    room = max(1, int(width) - 1)
    if "\n" not in text and display_width(text) <= room:
        return 1  # most texts: no need to walk their words
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            w = display_width(word)
            if used and used + 1 + w > room:
                lines += 1 + (w - 1) // room
                used = w % room or room
            else:
                used += w + (1 if used else 0)
                if used > room:  # a word longer than the column breaks inside itself
                    lines += (used - 1) // room
                    used = used % room or room
    return max(lines, 1)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: East Asian wide characters count twice."""
    if text.isascii():  # most text, and a per-character look-up costs 40 µs a comment
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def set_widths(ws: Any, widths: Sequence[float]) -> None:
    """Column widths, in characters, from column A on."""
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def fit(values: Iterable[Any], lo: float = 6, hi: float = 60, header: str = "") -> float:
    """A column width that fits the values (and the header's longest word, as headers wrap)."""
    longest = max((display_width(w) for w in header.split()), default=0)
    for v in values:
        if isinstance(v, float):
            longest = max(longest, 5)
        elif v is not None:
            longest = max(longest, display_width(str(v)))
    return float(min(hi, max(lo, longest + 2)))


def new_sheet(wb: Workbook, title: str, *, titles: str, landscape: bool = True) -> Any:
    """A sheet that prints as a reader expects: A4, as wide as one page, as tall as it needs,
    rows ``titles`` (such as ``"4:4"``) repeated on every page, the sheet's name and the page
    number in the footer. Landscape for wide sheets, portrait for narrow ones.

    Set before any row is written: a write-only sheet writes its page setup then.
    """
    ws = wb.create_sheet(title)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed, none cut in width
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = titles
    ws.oddFooter.left.text = "&A"  # the sheet's name
    ws.oddFooter.right.text = "&P / &N"
    for part in (ws.oddFooter.left, ws.oddFooter.right):
        part.size = 8
        part.color = "595959"
    return ws


MARGIN_SIDE = 0.5  # inches
MARGIN_TOP = 0.6


def page_break_before(ws: Any, row: int) -> None:
    """Start a new printed page at ``row``."""
    ws.row_breaks.append(Break(id=row - 1))


def width_cm(widths: Iterable[float]) -> float:
    """Centimetres that columns ``widths`` characters wide take in Excel (7 px a character + 5
    px padding, at 96 px an inch); Calc draws them a little wider."""
    return sum(int(w * 7 + 5) for w in widths) * 2.54 / 96


def rows_for(height_cm: float) -> int:
    """Default rows (15 pt) that an object ``height_cm`` tall covers."""
    return math.ceil(height_cm / (15 * 2.54 / 72))


def place_chart(ws: Any, chart: ChartBase, row: int, columns: int) -> int:
    """Put ``chart`` at column A of ``row``, exactly as wide as the first ``columns`` columns
    (a table above it) and ``chart.height`` tall in default rows; returns the rows it covers.

    Anchored to cells at both corners: Excel and Calc size columns differently, and a chart
    sized in centimetres would be narrower than its table in one of them.
    """
    rows = rows_for(chart.height)
    chart.width = width_cm(
        ws.column_dimensions[get_column_letter(i)].width for i in range(1, columns + 1)
    )
    anchor = TwoCellAnchor(editAs="oneCell")
    anchor._from = AnchorMarker(col=0, row=row - 1)
    anchor.to = AnchorMarker(col=columns, row=row - 1 + rows)
    ws.add_chart(chart, anchor)
    return rows


def text_height(text: Any, width: float, least: int = 1) -> float:
    """Points a row needs to show ``text`` wrapped in a column ``width`` characters wide."""
    return 15.0 * max(least, wrapped_lines(text, width)) + 3


def break_lines(text: str, width: int = 30) -> str:
    """``text`` with line breaks at word boundaries, lines of about ``width`` characters: for
    chart category labels, which charts squeeze onto one line otherwise."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and display_width(line) + 1 + display_width(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def shorten(text: str, width: int = 48) -> str:
    """``text`` cut at a word boundary to about ``width`` characters, with "…" when cut."""
    if display_width(text) <= width:
        return text
    out = ""
    for word in text.split():
        if out and display_width(out) + 1 + display_width(word) > width - 1:
            break
        out = f"{out} {word}" if out else word
    if display_width(out) > width - 1:  # one long word (or text without spaces)
        out = out[: width - 1]
    return out.rstrip(" ,;:·-") + "…"


def add_table(
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


def unique_headers(headers: Sequence[str]) -> list[str]:
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


def support_scale() -> ColorScaleRule:
    """Red through white to blue over support from 0 to 100 %."""
    return ColorScaleRule(
        start_type="num", start_value=0, start_color="F8696B",
        mid_type="num", mid_value=0.5, mid_color="FFFFFF",
        end_type="num", end_value=1, end_color="5A8AC6",
    )  # fmt: skip


def scale_colours(
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
            out.append(NEUTRAL_COLOUR)
    return out


def merge(ws: Any, ref: str) -> None:
    """Merge the cells of ``ref`` (e.g. "A3:H3"), which overlaps no other merge.

    openpyxl's own ``merged_cells.add`` first tests the new range against every range merged
    before it: quadratic, 8 s of a 12 s report with a few thousand merges (45 proposals).
    """
    from openpyxl.worksheet.cell_range import CellRange

    ws.merged_cells.ranges.add(CellRange(ref))
