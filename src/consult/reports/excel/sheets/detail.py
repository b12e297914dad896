"""The Proposal detail sheet: each proposal's answers point by point, per group, with a stacked
bar chart, and below it a summary of each of its follow-up questions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.figures import SMALL, share_format
from consult.reports.excel.sheets.summary import flag_text
from consult.reports.excel.style import (
    BOLD,
    DECIMAL,
    HEADING_FONT,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    TOP,
    WRAP_TOP,
    cell,
    fit,
    header_cells,
    merge,
    new_sheet,
    page_break_before,
    place_chart,
    scale_colours,
    set_widths,
    shorten,
    text_height,
    wrapped_lines,
)
from consult.results.report_data import Figures
from consult.survey.model import Question

FOLLOW_UP_LIMIT = 50  # follow-up answers shown per question on Proposal detail

#: A row as a function of its sheet: a write-only cell needs the sheet it goes in.
Line = Callable[[Any], list[WriteOnlyCell]]


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Proposal detail sheet; returns its name.

    Each proposal starts a printed page: its title and statement, its table, its chart below
    the table and as wide as it, then its follow-up questions, long texts wrapped.
    """
    r = ctx.results
    survey = ctx.survey
    label = ctx.label
    ws = new_sheet(wb, label("sheet.detail"), titles="1:2")
    by_id = {p.id: p for p in survey.proposals}
    first_scale = survey.scale(survey.proposals[0].support_question.scale or "")
    npoints = len(first_scale.points)
    names = [ctx.group_label(g) for g in r.groups] + [label("col.panel")]
    widths = [fit(names, lo=30, hi=48), 7, 10, *([12] * max(npoints, 5)), 10, 11]
    set_widths(ws, widths)
    last_col = get_column_letter(len(widths))
    full = sum(widths)
    ws.append([cell(ws, label("detail.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, ctx.subtitle(), font=NOTE_FONT)])
    row = 3
    figures = Figures(survey.consensus)

    def put(values: list[Any], text: str | None = None, from_col: str = "A") -> None:
        """Write a row; ``text`` (its last cell's) wraps across the columns from ``from_col``."""
        nonlocal row
        if text is not None:
            room = full - sum(widths[: ord(from_col) - ord("A")])
            if wrapped_lines(text, room) > 1:  # one line fits the default height: no object
                ws.row_dimensions[row].height = text_height(text, room)
            merge(ws, f"{from_col}{row}:{last_col}{row}")
        ws.append(values)
        row += 1

    for k, p in enumerate(r.proposals):
        proposal = by_id[p.id]
        question = proposal.support_question
        scale = survey.scale(question.scale or "")
        points = [pt.value for pt in scale.points]
        if k:
            page_break_before(ws, row)
        put([])
        heading = f"{p.rank}. {p.title}"
        put([cell(ws, heading, font=HEADING_FONT, align=WRAP_TOP)], heading)
        statement = proposal.statement.get(ctx.lang)
        put([cell(ws, statement, font=NOTE_FONT, align=WRAP_TOP)], statement)
        header = [
            label("col.group"),
            label("col.n"),
            label("col.abstained"),
            *(scale.label(v, ctx.lang) for v in points),
            # Not "Support": a scale point is called that too.
            label("col.total_support"),
            label("col.total_opposition"),
        ]
        # ``row`` is the next row to be written: the header goes there.
        header_row = row
        ws.row_dimensions[header_row].height = 45
        put(header_cells(ws, header))
        small = p.stats.small_groups
        summaries = [
            (ctx.group_label(g) + (SMALL if g in small else ""), p.stats.groups[g], g in small)
            for g in r.groups
            if g in p.stats.groups
        ]
        summaries.append((label("col.panel"), p.stats.panel, False))
        for i, (name, s, is_small) in enumerate(summaries):
            font = BOLD if i == len(summaries) - 1 else None
            dist = dict(s.distribution)
            shares = [(dist.get(v, 0) / s.n_valid) if s.n_valid else None for v in points]
            sides = [
                (s.support, share_format(s.support, figures.share(s.support), is_small)),
                (
                    s.opposition,
                    share_format(s.opposition, figures.share(s.opposition, "opposition"), is_small),
                ),
            ]
            put(
                [
                    cell(ws, name, font=font),
                    cell(ws, s.n_valid, font=font),
                    cell(ws, s.n_abstained, font=font),
                    *(cell(ws, v, fmt=PCT, font=font) for v in shares),
                    *(cell(ws, v, fmt=fmt, font=font) for v, fmt in sides),
                ]
            )
        last_data = row - 1
        verdict = label(f"consensus.{p.stats.consensus}")
        note = label("detail.verdict", verdict=verdict, flag=flag_text(ctx, p.stats))
        if small:
            rule = survey.consensus
            key = "note.small_counted" if rule.small_groups_contested else "note.small"
            note += " " + label(key, n=rule.small_group)
        put([cell(ws, note, font=NOTE_FONT, align=WRAP_TOP)], note)
        colours = scale_colours(points, scale.support, scale.opposition)
        chart = _chart(ctx, ws, colours, header_row, last_data)
        chart.title = label("chart.detail", proposal=f"{p.rank}. {shorten(p.title, 60)}")
        put([])
        for _ in range(place_chart(ws, chart, row, len(widths))):
            put([])
        # Follow-up questions of the proposal, below the chart.
        for q in proposal.questions:
            if q.key == question.key:
                continue
            put([])
            text = label("detail.follow_up", text=q.text.get(ctx.lang))
            put([cell(ws, text, font=BOLD, align=WRAP_TOP)], text)
            for line, wrapped in _follow_up_lines(ctx, q):
                put(line(ws), wrapped, "B" if wrapped is not None else "A")
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
    chart.style = 10
    chart.height = max(6.5, 3.5 + 0.8 * (last_data - header_row))
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


def _follow_up_lines(ctx: ReportContext, q: Question) -> list[tuple[Line, str | None]]:
    """Rows (as cell factories) summarising one follow-up question, each with the text that
    wraps across its row (a participant's answer) or None."""
    r = ctx.results
    label = ctx.label
    out: list[Line | tuple[Line, str]] = []
    if q.kind.free_text and not ctx.with_comments:
        total = sum(r.comment_counts.get(q.key, {}).values())
        out.append(lambda ws: [cell(ws, label("detail.left_out", n=total), font=NOTE_FONT)])
    elif q.kind.free_text:
        total = sum(r.comment_counts.get(q.key, {}).values())
        texts = [(c["group"], c["text"]) for c in ctx.data.follow_ups(q.key, FOLLOW_UP_LIMIT)]
        if not texts:
            out.append(lambda ws: [cell(ws, label("detail.none"), font=NOTE_FONT)])
        for group, text in texts:
            line: Line = lambda ws, g=group, t=text: [  # noqa: E731
                cell(ws, ctx.group_label(g), align=TOP),
                cell(ws, t, align=WRAP_TOP),
            ]
            out.append((line, text))
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
    return [x if isinstance(x, tuple) else (x, None) for x in out]
