"""The By group sheet: each proposal's support in every stakeholder group, the widest gap between
two groups, and a clustered bar chart of it."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.figures import points_format, share_format
from consult.reports.excel.sheets.summary import flag_text
from consult.reports.excel.style import (
    CENTRE,
    GROUP_COLOURS,
    NOTE_FONT,
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
from consult.results.report_data import Figures, involves_small, shown_divergence


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the By group sheet; returns its name."""
    r = ctx.results
    label = ctx.label
    groups = list(r.groups)
    ws = new_sheet(wb, label("sheet.by_group"), titles="4:4")
    headers = [label("col.rank"), label("col.proposal"), label("col.panel"), label("n_cell")]
    for g in groups:
        headers += [ctx.group_label(g), f"{label('n_cell')}: {ctx.group_label(g)}"]
    headers += [
        label("col.gap"),
        label("col.between"),
        label("col.flag"),
        label("col.gap_ci_low"),
        label("col.gap_ci_high"),
    ]
    figures = Figures(ctx.survey.consensus)
    rows = []
    cell_formats: list[list[str | None]] = []
    for p in r.proposals:
        st = p.stats
        row: list[Any] = [p.rank, p.title, st.panel.support, st.panel.n_valid]
        fmts: list[str | None] = [
            None,
            None,
            share_format(st.panel.support, figures.share(st.panel.support)),
            None,
        ]
        for g in groups:
            s = st.groups.get(g)
            support = s.support if s else None
            row += [support, s.n_valid if s else 0]
            fmts += [share_format(support, figures.share(support), g in st.small_groups), None]
        gap = shown_divergence(st)
        interval = Figures.interval(gap.ci, gap.difference) if gap else None
        ends: list[float | None] = [None, None]
        if gap is not None and gap.ci is not None:
            low, high = (gap.ci[0], gap.ci[1]) if gap.difference >= 0 else (-gap.ci[1], -gap.ci[0])
            ends = [low * 100, high * 100]
        gap_points = abs(gap.difference) * 100 if gap else None  # percentage points
        row += [
            gap_points,
            label("vs", a=ctx.group_label(gap.group_a), b=ctx.group_label(gap.group_b))
            if gap
            else None,
            flag_text(ctx, st),
            *ends,
        ]
        fmts += [
            points_format(
                gap_points, figures.gap(gap.difference) if gap else "–", involves_small(st, gap)
            ),
            None,
            None,
            *(
                points_format(v, shown)
                for v, shown in zip(ends, interval or ("–", "–"), strict=True)
            ),
        ]
        rows.append(row)
        cell_formats.append(fmts)
    # Proposals and the pair of groups wrap: the table then fits a page's width legibly.
    widths = [7.0, fit((row[1] for row in rows), lo=24, hi=34)]
    for i in range(2, len(headers) - 5):
        # Wide enough for the header's longest word: headers wrap, words do not.
        widths.append(fit((), lo=14.0 if i % 2 == 0 else 8.0, hi=24, header=headers[i]))
    widths += [12.0, fit((row[-4] for row in rows), lo=16, hi=36)]
    widths += [fit((row[-3] for row in rows), lo=12, hi=30, header=headers[-3]), 11.0, 11.0]
    set_widths(ws, widths)
    header_row = 4
    first, last = header_row + 1, header_row + len(rows)
    ws.freeze_panes = f"C{first}"
    ws.row_dimensions[header_row].height = header_height(headers, widths)
    for i, row in enumerate(rows):
        ws.row_dimensions[first + i].height = max(
            text_height(row[1], widths[1]), text_height(row[-4], widths[-4])
        )
    ws.append([cell(ws, label("by_group.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, ctx.subtitle(), font=NOTE_FONT)])
    ws.append([cell(ws, _note(ctx), font=NOTE_FONT)])
    ws.append(header_cells(ws, headers))
    wrapped = (1, len(headers) - 4, len(headers) - 3)
    for row, fmts in zip(rows, cell_formats, strict=True):
        ws.append(
            [
                cell(ws, v, fmt=fmt, align=WRAP_CENTRE if i in wrapped else CENTRE)
                for i, (v, fmt) in enumerate(zip(row, fmts, strict=True))
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
        for i in range(2, 4 + 2 * len(groups), 2):
            col = get_column_letter(i + 1)
            ws.conditional_formatting.add(f"{col}{first}:{col}{last}", support_scale())
        # Below the table and as wide as it: both fill the printed page's width.
        place_chart(ws, _chart(ctx, ws, len(groups), header_row, last), last + 3, ncols)
    return ws.title


def _note(ctx: ReportContext) -> str:
    """How to read the sheet: n, the gap and its flag, the small-group mark."""
    rule = ctx.survey.consensus
    note = (
        ctx.label("by_group.note")
        + " "
        + ctx.label("by_group.flag_note", gap=f"{rule.contested_gap * 100:g} pp")
    )
    if any(p.stats.small_groups for p in ctx.results.proposals):
        key = "note.small_counted" if rule.small_groups_contested else "note.small"
        note += " " + ctx.label(key, n=rule.small_group)
    return note


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
