"""The By group sheet: each proposal's support in every stakeholder group, the widest gap between
two groups, and a clustered bar chart of it."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    CENTRE,
    GROUP_COLOURS,
    NOTE_FONT,
    PCT,
    PP,
    TITLE_FONT,
    WRAP_CENTRE,
    add_table,
    cell,
    fit,
    header_cells,
    header_height,
    new_sheet,
    place_chart,
    set_widths,
    support_scale,
    text_height,
    unique_headers,
)


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the By group sheet; returns its name."""
    r = ctx.results
    label = ctx.label
    groups = list(r.groups)
    ws = new_sheet(wb, label("sheet.by_group"), titles="4:4")
    headers = [label("col.rank"), label("col.proposal"), label("col.panel"), label("n_cell")]
    for g in groups:
        headers += [ctx.group_label(g), f"{label('n_cell')}: {ctx.group_label(g)}"]
    headers += [label("col.gap"), label("col.between")]
    fmts: list[str | None] = [None, None] + [PCT, None] * (len(groups) + 1) + [PP, None]
    rows = []
    for p in r.proposals:
        row: list[Any] = [p.rank, p.title, p.stats.panel.support, p.stats.panel.n_valid]
        for g in groups:
            s = p.stats.groups.get(g)
            row += [s.support if s else None, s.n_valid if s else 0]
        widest = p.stats.max_divergence
        row += [
            abs(widest.difference) * 100 if widest else None,  # percentage points
            label("vs", a=ctx.group_label(widest.group_a), b=ctx.group_label(widest.group_b))
            if widest
            else None,
        ]
        rows.append(row)
    # Proposals and the pair of groups wrap: the table then fits a page's width legibly.
    widths = [7.0, fit((row[1] for row in rows), lo=24, hi=34)]
    for i in range(2, len(headers) - 2):
        # Wide enough for the header's longest word: headers wrap, words do not.
        widths.append(fit((), lo=14.0 if i % 2 == 0 else 8.0, hi=24, header=headers[i]))
    widths += [12.0, fit((row[-1] for row in rows), lo=16, hi=36)]
    set_widths(ws, widths)
    header_row = 4
    first, last = header_row + 1, header_row + len(rows)
    ws.freeze_panes = f"C{first}"
    ws.row_dimensions[header_row].height = header_height(headers, widths)
    for i, row in enumerate(rows):
        ws.row_dimensions[first + i].height = max(
            text_height(row[1], widths[1]), text_height(row[-1], widths[-1])
        )
    ws.append([cell(ws, label("by_group.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, ctx.subtitle(), font=NOTE_FONT)])
    ws.append([cell(ws, label("by_group.note"), font=NOTE_FONT)])
    ws.append(header_cells(ws, headers))
    wrapped = (1, len(headers) - 1)
    for row in rows:
        ws.append(
            [
                cell(ws, v, fmt=fmts[i], align=WRAP_CENTRE if i in wrapped else CENTRE)
                for i, v in enumerate(row)
            ]
        )
    ncols = len(headers)
    if rows:
        add_table(
            ws,
            "ByGroup",
            f"A{header_row}:{get_column_letter(ncols)}{last}",
            unique_headers(headers),
        )
        for i in range(2, ncols - 2, 2):
            col = get_column_letter(i + 1)
            ws.conditional_formatting.add(f"{col}{first}:{col}{last}", support_scale())
        # Below the table and as wide as it: both fill the printed page's width.
        place_chart(ws, _chart(ctx, ws, len(groups), header_row, last), last + 3, ncols)
    return ws.title


def _chart(ctx: ReportContext, ws: Any, n_groups: int, header_row: int, last: int) -> BarChart:
    """Support in each group, one bar per group, proposals in rank order from the top."""
    first = header_row + 1
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = ctx.label("chart.by_group")
    chart.style = 10
    chart.width = 22
    chart.height = max(8.0, 2.5 + 0.45 * (last - header_row) * (n_groups + 1))
    for k in range(n_groups):
        col = 5 + 2 * k
        data = Reference(ws, min_col=col, min_row=header_row, max_row=last)
        chart.add_data(data, titles_from_data=True)
        s = chart.series[-1]
        s.graphicalProperties = GraphicalProperties(solidFill=GROUP_COLOURS[k % len(GROUP_COLOURS)])
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = chart.y_axis.majorGridlines
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    return chart
