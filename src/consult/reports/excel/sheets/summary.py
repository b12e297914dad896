"""The Summary sheet: every proposal's support, ranked, with its diverging bar chart; and the
Chart data sheet that chart is drawn from."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.legend import LegendEntry
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.rule import DataBarRule, FormulaRule
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.figures import points_format, share_format
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
    TOP,
    WARNING_FONT,
    WRAP_CENTRE,
    WRAP_TOP,
    add_table,
    break_lines,
    cell,
    fit,
    header_cells,
    header_height,
    merge,
    new_sheet,
    place_chart,
    set_widths,
    support_scale,
    text_height,
    unique_headers,
)
from consult.results.report_data import Figures, involves_small, shown_divergence


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Summary sheet; its chart waits in ``ctx.diverging`` for the Chart data sheet."""
    r = ctx.results
    label = ctx.label
    groups = list(r.groups)
    ws = new_sheet(wb, label("sheet.summary"), titles="4:4")
    headers = [
        label("col.rank"),
        label("col.proposal"),
        label("col.n"),
        label("col.abstained"),
        label("col.abstention_share"),
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
    figures = Figures(ctx.survey.consensus)
    rows: list[list[Any]] = []
    cell_formats: list[list[str | None]] = []
    for p in r.proposals:
        st = p.stats
        panel = st.panel
        ci = panel.support_ci or (None, None)
        gap = shown_divergence(st)
        gap_points = abs(gap.difference) * 100 if gap else None  # percentage points
        small_gap = involves_small(st, gap)
        group_supports = [st.groups[g].support if g in st.groups else None for g in groups]
        rows.append(
            [
                p.rank,
                p.title,
                panel.n_valid,
                panel.n_abstained,
                panel.abstention_share,
                panel.support,
                panel.neutral,
                panel.opposition,
                ci[0],
                ci[1],
                panel.median,
                panel.iqr,
                label(f"consensus.{st.consensus}"),
                st.group_balanced_support,
                *group_supports,
                gap_points,
                flag_text(ctx, st),
            ]
        )
        cell_formats.append(
            [
                None,
                None,
                "0",
                "0",
                share_format(panel.abstention_share, figures.abstention(panel.abstention_share)),
                *(
                    share_format(v, figures.share(v, m))
                    for v, m in (
                        (panel.support, "support"),
                        (panel.neutral, "neutral"),
                        (panel.opposition, "opposition"),
                    )
                ),
                PCT,
                PCT,
                DECIMAL,
                DECIMAL,
                None,
                PCT,
                *(
                    share_format(v, figures.share(v), g in st.small_groups)
                    for g, v in zip(groups, group_supports, strict=True)
                ),
                points_format(gap_points, figures.gap(gap.difference) if gap else "–", small_gap),
                None,
            ]
        )
    # Headers wrap, so a column needs only its longest header word or value.
    widths = [fit((row[i] for row in rows), header=h, lo=6) for i, h in enumerate(headers)]
    widths[1] = fit((row[1] for row in rows), lo=24, hi=34)
    set_widths(ws, widths)
    header_row = 4
    first, last = header_row + 1, header_row + len(rows)
    ncols = len(headers)
    ws.freeze_panes = f"C{first}"
    ws.row_dimensions[header_row].height = header_height(headers, widths, least=62)
    for i, row in enumerate(rows):
        # Calc does not grow wrapped rows on opening a file: size them here.
        ws.row_dimensions[first + i].height = text_height(row[1], widths[1])
    ws.append([cell(ws, r.title, font=TITLE_FONT)])
    ws.append([cell(ws, ctx.subtitle(), font=NOTE_FONT)])
    ws.append([_note(ctx, ws)])
    ws.append(header_cells(ws, headers))
    for row, formats in zip(rows, cell_formats, strict=True):
        ws.append(
            [
                cell(ws, v, fmt=fmt, align=WRAP_CENTRE if i in (1, ncols - 1) else CENTRE)
                for i, (v, fmt) in enumerate(zip(row, formats, strict=True))
            ]
        )
    last_col = get_column_letter(ncols)
    ref = f"A{header_row}:{last_col}{max(last, first)}"
    if rows:
        add_table(ws, "Summary", ref, unique_headers(headers))
        sup = get_column_letter(headers.index(label("col.support")) + 1)
        ws.conditional_formatting.add(
            f"{sup}{first}:{sup}{last}",
            DataBarRule(
                start_type="num", start_value=0, end_type="num", end_value=1, color="5B9BD5"
            ),
        )
        balanced = get_column_letter(headers.index(label("col.balanced")) + 1)
        last_group = get_column_letter(headers.index(label("col.balanced")) + 1 + len(groups))
        ws.conditional_formatting.add(f"{balanced}{first}:{last_group}{last}", support_scale())
        flag = get_column_letter(ncols)
        ws.conditional_formatting.add(
            f"A{first}:{last_col}{last}",
            FormulaRule(
                formula=[f'${flag}{first}="{label("contested_mark")}"'], fill=CONTESTED_FILL
            ),
        )
    # The chart sits below the table, as wide as it, so that both fill the printed page's
    # width; its data lives on the Chart data sheet.
    chart = ctx.diverging = _diverging_chart(ctx, len(rows))
    chart_row = max(last, first) + 2
    covered = place_chart(ws, chart, chart_row, ncols)
    ws.print_area = f"A1:{last_col}{chart_row + covered - 1}"
    return ws.title


def _note(ctx: ReportContext, ws: Any) -> WriteOnlyCell:
    """How to read the table; or, when only simulated responses exist, that and how to count
    them: an empty report should say why it is empty."""
    simulated = ctx.data.simulated
    if ctx.results.n_respondents == 0 and not ctx.flt.include_simulated and simulated:
        return cell(ws, ctx.label("summary.only_simulated", n=simulated), font=WARNING_FONT)
    note = ctx.label("summary.note")
    rule = ctx.survey.consensus
    if any(p.stats.small_groups for p in ctx.results.proposals):
        key = "note.small_counted" if rule.small_groups_contested else "note.small"
        note += " " + ctx.label(key, n=rule.small_group)
    if any(p.stats.consensus == "insufficient" for p in ctx.results.proposals):
        note += " " + ctx.label("note.insufficient", n=rule.min_answers)
    note += "".join(" " + line for line in wording_notes(ctx))
    return cell(ws, note + " " + ctx.label("note.rounding"), font=NOTE_FONT)


def wording_notes(ctx: ReportContext) -> list[str]:
    """A line per proposal some responses answered in an earlier wording (as the CLI says it):
    "30 of 35 responses answered an earlier wording of proposal 'legal-foundation' (...)"."""
    r = ctx.data.results
    total = r.n_respondents + r.unplaced.get("responses", 0)
    notes = []
    for p in r.proposals:
        n = sum(w["responses"] for w in r.wordings if p.id in w["proposals_changed"])
        if n:
            notes.append(ctx.label("note.wording", n=n, total=total, proposal=p.id, title=p.title))
    return notes


def flag_text(ctx: ReportContext, st: Any) -> str:
    """The contested flag in words: "⚑ Yes", "Possible (-17 to 67 pp)" or "No"."""
    if st.divergence_flag == "contested":
        return ctx.label("contested_mark")
    d = st.flagged_divergence
    interval = Figures.interval(d.ci, d.difference) if d is not None else None
    if st.divergence_flag == "possible" and interval is not None:
        low, high = (end.removesuffix(" pp") for end in interval)
        return ctx.label("possible_mark", low=low, high=high)
    if st.divergence_flag == "possible":
        return ctx.label("possible")
    return ctx.label("no")


def _diverging_chart(ctx: ReportContext, n: int) -> BarChart:
    """The diverging bar chart readers know: opposition left of 0, support right of it, and
    neutral in grey split half left, half right of 0, so that each bar reads from left to
    right as its title and legend do: opposition · neutral · support.

    Stacked bars grow away from 0 in the order of their series: the left half of neutral comes
    first (next to 0, then opposition beyond it), then the right half (then support). The left
    half's legend entry is hidden, which leaves the legend as opposition · neutral · support.
    Calc counts legend entries of a horizontal bar chart from the last series (Excel's order
    may differ): an empty last series, hidden too, makes the hidden pair the same either way.
    """
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = ctx.label("chart.diverging")
    chart.style = 10
    chart.height = max(8.0, 3.5 + 1.4 * n)
    chart.y_axis.number_format = "0%;0%"
    chart.y_axis.scaling.min = -1
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.25
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # labels at the left edge, not on the 0 line
    chart.legend.position = "b"
    chart.legend.legendEntry = [
        LegendEntry(idx=0, delete=True),
        LegendEntry(idx=len(_SERIES_ORDER), delete=True),  # the empty last series
    ]
    return chart


#: The Chart data sheet's columns after the proposal: (label key, colour, the share).
_CHART_COLUMNS = (
    ("col.opposition", OPPOSITION_COLOUR, lambda s: -(s.opposition or 0.0)),
    ("chart_data.neutral_left", NEUTRAL_COLOUR, lambda s: -(s.neutral or 0.0) / 2),
    ("chart_data.neutral_right", NEUTRAL_COLOUR, lambda s: (s.neutral or 0.0) / 2),
    ("col.support", SUPPORT_COLOUR, lambda s: s.support or 0.0),
)
#: The columns (from B = 0) in the order their series stack, and so their legend entries.
_SERIES_ORDER = (1, 0, 2, 3)
CATEGORY_WIDTH = 30  # characters a line of a chart category label


def write_chart_data(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Chart data sheet (written last) and point the Summary chart at its rows."""
    name = ctx.label("sheet.chart_data")
    ws = new_sheet(wb, name, titles="2:2", landscape=False)
    headers = [ctx.label("col.proposal"), *(ctx.label(k) for k, _, _ in _CHART_COLUMNS)]
    widths = [CATEGORY_WIDTH + 4.0, 14, 14, 14, 14]
    set_widths(ws, widths)
    ws.row_dimensions[1].height = text_height(ctx.label("chart_data.note"), sum(widths))
    ws.row_dimensions[2].height = header_height(headers, widths)
    ordered = list(reversed(ctx.results.proposals))
    # Category labels with line breaks: a chart gives each a line of its own width otherwise.
    titles = [break_lines(p.title, CATEGORY_WIDTH) for p in ordered]
    for i, title in enumerate(titles, 3):
        ws.row_dimensions[i].height = 15.0 * (title.count("\n") + 1) + 3
    merge(ws, f"A1:{get_column_letter(len(widths))}1")
    ws.append([cell(ws, ctx.label("chart_data.note"), font=NOTE_FONT, align=WRAP_TOP)])
    ws.append([cell(ws, h, font=BOLD, align=WRAP_TOP) for h in headers])
    for p, title in zip(ordered, titles, strict=True):
        s = p.stats.panel
        ws.append(
            [
                cell(ws, title, align=WRAP_TOP),
                *(cell(ws, share(s), fmt="0%;0%", align=TOP) for _, _, share in _CHART_COLUMNS),
            ]
        )
    if ordered and ctx.diverging is not None:
        _fill_diverging(ctx, ctx.diverging, ws, 3, len(ordered))
    return name


def _fill_diverging(ctx: ReportContext, chart: BarChart, sheet: Any, first: int, n: int) -> None:
    """Point the Summary chart's series at the Chart data sheet (rows first..first + n - 1).

    Opposition and support are named by their column's header; both halves of neutral are
    named "Neutral" (the left half's legend entry is hidden). Then an empty series.
    """
    last = first + n - 1
    for k in _SERIES_ORDER:
        key, colour, _ = _CHART_COLUMNS[k]
        if key.startswith("chart_data.neutral"):
            data = Reference(sheet, min_col=2 + k, min_row=first, max_row=last)
            series = Series(data, title=ctx.label("col.neutral"))
        else:
            data = Reference(sheet, min_col=2 + k, min_row=first - 1, max_row=last)
            series = Series(data, title_from_data=True)
        series.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.graphicalProperties.line.solidFill = "FFFFFF"
        chart.series.append(series)
    # Empty and hidden from the legend: see _diverging_chart.
    blank = len(_CHART_COLUMNS) + 2
    chart.series.append(Series(Reference(sheet, min_col=blank, min_row=first, max_row=last)))
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
