"""The Rankings sheet: each ranking question's options by mean rank, Borda score and first place."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    DECIMAL2,
    HEADING_FONT,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    WRAP_TOP,
    cell,
    header_cells,
    header_height,
    new_sheet,
    set_widths,
    text_height,
    wrapped_lines,
)

_HEADERS = ("col.option", "col.n", "col.mean_rank", "col.borda", "col.first_share")


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Rankings sheet; returns its name."""
    label = ctx.label
    ws = new_sheet(wb, label("sheet.rankings"), titles="1:2", landscape=False)
    widths = [48, 8, 12, 12, 14]
    set_widths(ws, widths)
    headers = [label(h) for h in _HEADERS]
    ws.append([cell(ws, label("rankings.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, label("rankings.note"), font=NOTE_FONT)])
    row = 3  # the next row written
    if not ctx.results.rankings:
        ws.append([cell(ws, label("rankings.empty"))])
    for key, summaries in ctx.results.rankings.items():
        q = ctx.survey.question(key)
        text = q.text.get(ctx.lang)
        ws.append([])
        # The question and the headers wrap, in rows sized for them (Calc does not grow rows).
        ws.row_dimensions[row + 1].height = text_height(text, sum(widths)) + 3
        ws.merged_cells.add(f"A{row + 1}:{get_column_letter(len(widths))}{row + 1}")
        ws.append([cell(ws, text, font=HEADING_FONT, align=WRAP_TOP)])
        ws.row_dimensions[row + 2].height = header_height(headers, widths, least=15)
        ws.append(header_cells(ws, headers))
        row += 3
        for s in summaries:
            option = ctx.option_label(q, s.option)
            if wrapped_lines(option, widths[0]) > 1:
                ws.row_dimensions[row].height = text_height(option, widths[0])
            row += 1
            ws.append(
                [
                    cell(ws, option, align=WRAP_TOP),
                    cell(ws, s.n),
                    cell(ws, s.mean_rank, fmt=DECIMAL2),
                    cell(ws, s.borda),
                    cell(ws, s.first_share, fmt=PCT),
                ]
            )
    return ws.title
