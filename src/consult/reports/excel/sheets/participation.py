"""The Participation sheet: invited, started and submitted per group in the report's round."""

from __future__ import annotations

from openpyxl import Workbook

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    BOLD,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    cell,
    header_cells,
    new_sheet,
    set_widths,
)

_HEADERS = (
    "col.group",
    "col.invited",
    "col.started",
    "col.submitted",
    "col.response_rate",
    "col.completion_rate",
)


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Participation sheet; returns its name."""
    label = ctx.label
    flt = ctx.flt
    ws = new_sheet(wb, label("sheet.participation"), titles="3:3", landscape=False)
    set_widths(ws, [40, 10, 10, 11, 16, 16])
    ws.append([cell(ws, label("participation.heading"), font=TITLE_FONT)])
    note = (
        label("participation.note")
        + " "
        + label("round", n=ctx.data.round)
        + " · "
        + label("simulated.included" if flt.include_simulated else "simulated.excluded")
    )
    ws.append([cell(ws, note, font=NOTE_FONT)])
    ws.row_dimensions[3].height = 45
    ws.append(header_cells(ws, (label(h) for h in _HEADERS)))
    total = {"invited": 0, "started": 0, "submitted": 0}
    rows = []
    for gid, c in ctx.data.participation.items():
        rows.append((ctx.group_label(gid), c, None))
        for k in total:
            total[k] += c[k]
    rows.append((label("total"), total, BOLD))
    for name, c, font in rows:
        ws.append(
            [
                cell(ws, name, font=font),
                cell(ws, c["invited"], font=font),
                cell(ws, c["started"], font=font),
                cell(ws, c["submitted"], font=font),
                cell(
                    ws,
                    c["submitted"] / c["invited"] if c["invited"] else None,
                    fmt=PCT,
                    font=font,
                ),
                cell(
                    ws,
                    c["submitted"] / c["started"] if c["started"] else None,
                    fmt=PCT,
                    font=font,
                ),
            ]
        )
    return ws.title
