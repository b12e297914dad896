"""The Participation sheet: invited, started, submitted and incomplete per group in the report's
round; and, in a Delphi study, the same for every round up to the current one."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from consult.i18n import Labels
from consult.i18n.channels import LABELS as CHANNEL_LABELS
from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    BOLD,
    HEADING_FONT,
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
    "col.incomplete",
)
_WIDTHS = [40, 10, 10, 11, 16, 16, 16]


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Participation sheet; returns its name."""
    label = ctx.label
    flt = ctx.flt
    ws = new_sheet(wb, label("sheet.participation"), titles="3:3", landscape=False)
    set_widths(ws, _WIDTHS)
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
    _group_rows(ctx, ws, ctx.data.participation)
    next_row = 3 + len(ctx.data.participation) + 2
    if ctx.data.by_channel:
        next_row = _by_channel(ctx, ws, ctx.data.by_channel, next_row)
    if ctx.data.rounds is not None:
        _by_round(ctx, ws, ctx.data.rounds.status["rounds"], next_row)
    return ws.title


def _by_channel(ctx: ReportContext, ws: Any, channels: dict[str, dict[str, int]], row: int) -> int:
    """How the round's responses came in, from sheet row ``row`` on; returns the next row."""
    words = Labels(CHANNEL_LABELS, ctx.lang)
    ws.append([])
    ws.append([cell(ws, words("heading"), font=HEADING_FONT)])
    ws.append([cell(ws, words("note"), font=NOTE_FONT)])
    ws.append(header_cells(ws, (words("channel"), words("started"), words("submitted"))))
    for channel, n in channels.items():
        name = words.get(channel, channel)
        ws.append([cell(ws, name), cell(ws, n["started"]), cell(ws, n["submitted"])])
    return row + 4 + len(channels)


def _group_rows(ctx: ReportContext, ws: Any, groups: dict[str, dict[str, int]]) -> None:
    """A row per group, then the total in bold."""
    total = {"invited": 0, "started": 0, "submitted": 0}
    rows = []
    for gid, c in groups.items():
        rows.append((ctx.group_label(gid), c, None))
        for k in total:
            total[k] += c[k]
    rows.append((ctx.label("total"), total, BOLD))
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
                cell(ws, c["started"] - c["submitted"], font=font),
            ]
        )


def _by_round(ctx: ReportContext, ws: Any, rounds: list[dict[str, Any]], row: int) -> None:
    """Every round, each under its own heading, from sheet row ``row`` on: closed rounds as
    counted when they closed (their frozen snapshot), the open round now."""
    label = ctx.label
    ws.append([])
    ws.append([cell(ws, label("participation.by_round"), font=HEADING_FONT)])
    ws.append([cell(ws, label("participation.rounds_note"), font=NOTE_FONT)])
    row += 3
    for r in rounds:
        state = label(f"state.{r['state']}")
        ws.append([])
        ws.append([cell(ws, label("participation.round", n=r["round"], state=state), font=BOLD)])
        ws.row_dimensions[row + 2].height = 45  # as the first table's header: the rates wrap
        ws.append(header_cells(ws, (label(h) for h in _HEADERS)))
        groups = {g["group"]: g for g in r["participation"]["groups"]}
        _group_rows(ctx, ws, groups)
        row += 3 + len(groups) + 1
