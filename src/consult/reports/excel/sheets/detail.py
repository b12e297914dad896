"""The Proposal detail sheet: each proposal's answers point by point, per group, with a stacked
bar chart, and below it a summary of each of its follow-up questions."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    BOLD,
    DECIMAL,
    HEADING_FONT,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    cell,
    fit,
    header_cells,
    new_sheet,
    scale_colours,
    set_widths,
)
from consult.survey.model import Question

FOLLOW_UP_LIMIT = 50  # follow-up answers shown per question on Proposal detail

#: A row as a function of its sheet: a write-only cell needs the sheet it goes in.
Line = Callable[[Any], list[WriteOnlyCell]]


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Proposal detail sheet; returns its name."""
    r = ctx.results
    survey = ctx.survey
    label = ctx.label
    ws = new_sheet(wb, label("sheet.detail"))
    by_id = {p.id: p for p in survey.proposals}
    first_scale = survey.scale(survey.proposals[0].support_question.scale or "")
    npoints = len(first_scale.points)
    names = [ctx.group_label(g) for g in r.groups] + [label("col.panel")]
    set_widths(ws, [fit(names, lo=30, hi=48), 7, 10, *([12] * max(npoints, 5)), 10, 11])
    ws.append([cell(ws, label("detail.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, ctx.subtitle(), font=NOTE_FONT)])
    row = 3

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
        put([cell(ws, f"{p.rank}. {p.title}", font=HEADING_FONT)])
        put([cell(ws, proposal.statement.get(ctx.lang), font=NOTE_FONT)])
        header = [
            label("col.group"),
            label("col.n"),
            label("col.abstained"),
            *(scale.label(v, ctx.lang) for v in points),
            label("col.support"),
            label("col.opposition"),
        ]
        # ``row`` is the next row to be written: the header goes there.
        header_row = row
        ws.row_dimensions[header_row].height = 45
        put(header_cells(ws, header))
        summaries = [
            (ctx.group_label(g), p.stats.groups[g]) for g in r.groups if g in p.stats.groups
        ]
        summaries.append((label("col.panel"), p.stats.panel))
        for k, (name, s) in enumerate(summaries):
            font = BOLD if k == len(summaries) - 1 else None
            dist = dict(s.distribution)
            shares = [(dist.get(v, 0) / s.n_valid) if s.n_valid else None for v in points]
            put(
                [
                    cell(ws, name, font=font),
                    cell(ws, s.n_valid, font=font),
                    cell(ws, s.n_abstained, font=font),
                    *(cell(ws, v, fmt=PCT, font=font) for v in shares),
                    cell(ws, s.support, fmt=PCT, font=font),
                    cell(ws, s.opposition, fmt=PCT, font=font),
                ]
            )
        last_data = row - 1
        colours = scale_colours(points, scale.support, scale.opposition)
        chart = _chart(ctx, ws, colours, header_row, last_data)
        anchor_col = get_column_letter(len(header) + 2)
        ws.add_chart(chart, f"{anchor_col}{header_row - 2}")
        chart_bottom = header_row - 2 + math.ceil(chart.height / 0.53)
        # Follow-up questions of the proposal, below the table.
        for q in proposal.questions:
            if q.key == question.key:
                continue
            put([])
            put([cell(ws, label("detail.follow_up", text=q.text.get(ctx.lang)), font=BOLD)])
            for line in _follow_up_lines(ctx, q):
                put(line(ws))
        while row < chart_bottom:
            put([])
    return ws.title


def _chart(
    ctx: ReportContext, ws: Any, colours: list[str], header_row: int, last_data: int
) -> BarChart:
    """The answers' shares per group, one stacked bar each, coloured from opposition to support."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "percentStacked"
    chart.overlap = 100
    chart.gapWidth = 50
    chart.title = ctx.label("chart.detail")
    chart.style = 10
    chart.width = 16
    chart.height = 6.5
    for k, colour in enumerate(colours):
        data = Reference(ws, min_col=4 + k, min_row=header_row, max_row=last_data)
        chart.add_data(data, titles_from_data=True)
        chart.series[-1].graphicalProperties = GraphicalProperties(solidFill=colour)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_data))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.number_format = "0%"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    return chart


def _follow_up_lines(ctx: ReportContext, q: Question) -> list[Line]:
    """Rows (as cell factories) summarising one follow-up question."""
    r = ctx.results
    label = ctx.label
    out: list[Line] = []
    if q.type == "text" and not ctx.with_comments:
        total = sum(r.comment_counts.get(q.key, {}).values())
        out.append(lambda ws: [cell(ws, label("detail.left_out", n=total), font=NOTE_FONT)])
    elif q.type == "text":
        total = sum(r.comment_counts.get(q.key, {}).values())
        texts = [(c["group"], c["text"]) for c in ctx.data.follow_ups(q.key, FOLLOW_UP_LIMIT)]
        if not texts:
            out.append(lambda ws: [cell(ws, label("detail.none"), font=NOTE_FONT)])
        for group, text in texts:
            out.append(lambda ws, g=group, t=text: [cell(ws, ctx.group_label(g)), cell(ws, t)])
        if total > FOLLOW_UP_LIMIT:
            more = total - FOLLOW_UP_LIMIT
            out.append(lambda ws: [cell(ws, label("detail.more", n=more), font=NOTE_FONT)])
    elif q.key in r.scales:
        s = r.scales[q.key]["panel"]
        out.append(
            lambda ws: [
                cell(ws, label("col.panel")),
                cell(ws, s.n_valid),
                cell(ws, s.n_abstained),
                cell(ws, s.support, fmt=PCT),
                cell(ws, s.neutral, fmt=PCT),
                cell(ws, s.opposition, fmt=PCT),
            ]
        )
    elif q.key in r.choices:
        for c in r.choices[q.key]["panel"]:
            lab = ctx.option_label(q, c.option)
            out.append(
                lambda ws, lab=lab, c=c: [
                    cell(ws, lab),
                    cell(ws, c.count),
                    cell(ws, c.share, fmt=PCT),
                ]
            )
    elif q.key in r.numbers:
        num = r.numbers[q.key]
        out.append(
            lambda ws: [
                cell(ws, label("col.n")),
                cell(ws, num.n),
                cell(ws, label("col.median")),
                cell(ws, num.median, fmt=DECIMAL),
            ]
        )
    return out
