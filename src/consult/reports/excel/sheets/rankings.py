"""The Rankings sheet: each ranking question's options by mean rank, Borda score and first place."""

from __future__ import annotations

from openpyxl import Workbook

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    DECIMAL2,
    HEADING_FONT,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    cell,
    header_cells,
    new_sheet,
    set_widths,
)

_HEADERS = ("col.option", "col.n", "col.mean_rank", "col.borda", "col.first_share")


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Rankings sheet; returns its name."""
    label = ctx.label
    ws = new_sheet(wb, label("sheet.rankings"))
    set_widths(ws, [48, 8, 12, 12, 14])
    ws.append([cell(ws, label("rankings.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, label("rankings.note"), font=NOTE_FONT)])
    if not ctx.results.rankings:
        ws.append([cell(ws, label("rankings.empty"))])
    for key, summaries in ctx.results.rankings.items():
        q = ctx.survey.question(key)
        ws.append([])
        ws.append([cell(ws, q.text.get(ctx.lang), font=HEADING_FONT)])
        ws.append(header_cells(ws, (label(h) for h in _HEADERS)))
        for s in summaries:
            ws.append(
                [
                    cell(ws, ctx.option_label(q, s.option)),
                    cell(ws, s.n),
                    cell(ws, s.mean_rank, fmt=DECIMAL2),
                    cell(ws, s.borda),
                    cell(ws, s.first_share, fmt=PCT),
                ]
            )
    return ws.title
