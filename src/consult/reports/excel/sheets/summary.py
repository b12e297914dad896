"""The Summary sheet: every proposal's support, ranked, with its diverging bar chart; and the
Chart data sheet that chart is drawn from."""

from __future__ import annotations

import math
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import DataBarRule, FormulaRule
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    BOLD,
    CENTRE,
    CONTESTED_FILL,
    DECIMAL,
    NEUTRAL_COLOUR,
    NOTE_FONT,
    OPPOSITION_COLOUR,
    PCT,
    SUPPORT_COLOUR,
    TITLE_FONT,
    WARNING_FONT,
    WRAP_CENTRE,
    add_table,
    cell,
    fit,
    header_cells,
    header_height,
    new_sheet,
    set_widths,
    support_scale,
    unique_headers,
    wrapped_lines,
)


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Summary sheet; its chart waits in ``ctx.diverging`` for the Chart data sheet."""
    r = ctx.results
    label = ctx.label
    groups = list(r.groups)
    ws = new_sheet(wb, label("sheet.summary"))
    headers = [
        label("col.rank"),
        label("col.proposal"),
        label("col.n"),
        label("col.support"),
        label("col.neutral"),
        label("col.opposition"),
        label("col.ci_low"),
        label("col.ci_high"),
        label("col.median"),
        label("col.iqr"),
        label("col.consensus"),
        label("col.balanced"),
        *(label("col.group_support", group=ctx.group_label(g)) for g in groups),
        label("col.gap"),
        label("col.contested"),
    ]
    fmts = [None, None, "0", PCT, PCT, PCT, PCT, PCT, DECIMAL, DECIMAL, None, PCT]
    fmts += [*([PCT] * len(groups)), PCT, None]
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
                label(f"consensus.{st.consensus}"),
                st.group_balanced_support,
                *(st.groups[g].support if g in st.groups else None for g in groups),
                abs(widest.difference) if widest else None,
                label("contested_mark") if st.contested else label("no"),
            ]
        )
    # Headers wrap, so a column needs only its longest header word or value.
    widths = [fit((row[i] for row in rows), header=h, lo=6) for i, h in enumerate(headers)]
    widths[1] = fit((row[1] for row in rows), lo=24, hi=34)
    set_widths(ws, [*widths, 2.0])
    header_row = 4
    first, last = header_row + 1, header_row + len(rows)
    ncols = len(headers)
    ws.freeze_panes = f"C{first}"
    ws.row_dimensions[header_row].height = header_height(headers, widths, least=62)
    for i, row in enumerate(rows):
        # Calc does not grow wrapped rows on opening a file: size them here.
        lines = wrapped_lines(row[1], widths[1])
        ws.row_dimensions[first + i].height = 15 * lines + 3
    # Before the first row: a write-only sheet writes its header then.
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.append([cell(ws, r.title, font=TITLE_FONT)])
    ws.append([cell(ws, ctx.subtitle(), font=NOTE_FONT)])
    ws.append([_note(ctx, ws)])
    ws.append(header_cells(ws, headers))
    for row in rows:
        ws.append(
            [
                cell(ws, v, fmt=fmts[i], align=WRAP_CENTRE if i in (1, ncols - 2) else CENTRE)
                for i, v in enumerate(row)
            ]
        )
    last_col = get_column_letter(ncols)
    ref = f"A{header_row}:{last_col}{max(last, first)}"
    if rows:
        add_table(ws, "Summary", ref, unique_headers(headers))
        sup = get_column_letter(4)
        ws.conditional_formatting.add(
            f"{sup}{first}:{sup}{last}",
            DataBarRule(
                start_type="num", start_value=0, end_type="num", end_value=1, color="5B9BD5"
            ),
        )
        last_group = get_column_letter(12 + len(groups))
        ws.conditional_formatting.add(f"L{first}:{last_group}{last}", support_scale())
        flag = get_column_letter(ncols)
        ws.conditional_formatting.add(
            f"A{first}:{last_col}{last}",
            FormulaRule(
                formula=[f'${flag}{first}="{label("contested_mark")}"'], fill=CONTESTED_FILL
            ),
        )
    # The chart sits beside the table; its data lives on the Chart data sheet.
    chart = ctx.diverging = _diverging_chart(ctx, len(rows))
    anchor_col = ncols + 2  # one narrow empty column between table and chart
    ws.add_chart(chart, f"{get_column_letter(anchor_col)}{header_row}")
    chart_cols = math.ceil(chart.width / 1.7)  # default columns are about 1.7 cm wide
    chart_rows = math.ceil(chart.height / 0.53)
    print_last_col = get_column_letter(anchor_col + chart_cols)
    print_last_row = max(last, header_row + chart_rows)
    ws.print_area = f"A1:{print_last_col}{print_last_row}"
    return ws.title


def _note(ctx: ReportContext, ws: Any) -> WriteOnlyCell:
    """How to read the table; or, when only simulated responses exist, that and how to count
    them: an empty report should say why it is empty."""
    simulated = ctx.data.simulated
    if ctx.results.n_respondents == 0 and not ctx.flt.include_simulated and simulated:
        return cell(ws, ctx.label("summary.only_simulated", n=simulated), font=WARNING_FONT)
    return cell(ws, ctx.label("summary.note"), font=NOTE_FONT)


def _diverging_chart(ctx: ReportContext, n: int) -> BarChart:
    """Opposition left of 0, support right of it, neutral in grey after support.

    Neutral is not split around 0: Calc and Excel disagree on hiding the legend entry of
    a split's second half, and a bar whose support starts at 0 is easier to compare.
    """
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = ctx.label("chart.diverging")
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
    return chart


def write_chart_data(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Chart data sheet (written last) and point the Summary chart at its rows."""
    name = ctx.label("sheet.chart_data")
    ws = new_sheet(wb, name)
    set_widths(ws, [48, 14, 14, 14])
    ws.append([cell(ws, ctx.label("chart_data.note"), font=NOTE_FONT)])
    headers = ["col.proposal", "col.opposition", "col.support", "col.neutral"]
    ws.append([cell(ws, ctx.label(h), font=BOLD) for h in headers])
    ordered = list(reversed(ctx.results.proposals))
    for p in ordered:
        s = p.stats.panel
        ws.append(
            [
                cell(ws, p.title),
                cell(ws, -(s.opposition or 0.0), fmt="0%;0%"),
                cell(ws, s.support or 0.0, fmt="0%;0%"),
                cell(ws, s.neutral or 0.0, fmt="0%;0%"),
            ]
        )
    if ordered and ctx.diverging is not None:
        _fill_diverging(ctx.diverging, ws, 3, len(ordered))
    return name


def _fill_diverging(chart: BarChart, sheet: Any, first_row: int, n: int) -> None:
    """Point the Summary chart's series at the Chart data sheet (rows first_row..)."""
    last = first_row + n - 1
    cats = Reference(sheet, min_col=1, min_row=first_row, max_row=last)
    colours = (OPPOSITION_COLOUR, SUPPORT_COLOUR, NEUTRAL_COLOUR)
    for col, colour in zip(range(2, 5), colours, strict=True):
        data = Reference(sheet, min_col=col, min_row=first_row - 1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        s = chart.series[-1]
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line.solidFill = "FFFFFF"
    chart.set_categories(cats)
