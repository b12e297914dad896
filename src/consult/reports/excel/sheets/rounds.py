"""The Rounds sheet: each proposal across the Delphi rounds (n, support, median, IQR, verdict,
the change from the round before and its stability, the round it settled in), the attrition
between rounds, and a line chart of support per round drawn from a small table below it.

Figures come from :attr:`consult.results.report_data.ReportData.rounds` (closed rounds as frozen
when they closed, the open round computed now); this module only lays them out.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from consult import stats
from consult.reports.excel.context import ReportContext
from consult.reports.excel.figures import decimal_format, points_format, share_format, signed
from consult.reports.excel.style import (
    BOLD,
    CENTRE,
    DECIMAL,
    GROUP_COLOURS,
    HEADING_FONT,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    WRAP_CENTRE,
    WRAP_TOP,
    add_table,
    cell,
    fit,
    header_cells,
    header_height,
    merge,
    new_sheet,
    place_chart,
    set_widths,
    shorten,
    support_scale,
    text_height,
    unique_headers,
)
from consult.results.report_data import Figures, RoundsData

HEADERS = (
    "col.proposal",
    "col.round",
    "col.n",
    "col.support",
    "col.median",
    "col.q1",
    "col.q3",
    "col.iqr",
    "col.consensus",
    "col.support_change",
    "col.median_change",
    "col.pairs",
    "col.changed_share",
    "col.mean_abs_change",
    "col.wilcoxon_p",
    "col.kappa",
    "col.iqr_change",
    "col.cv_change",
    "col.stable",
    "col.settled_round",
    "col.settled_verdict",
)
ATTRITION = (
    "col.group",
    "col.rounds_between",
    "col.answered_before",
    "col.answered_both",
    "col.lost",
    "col.lost_share",
)
MIDDLE = Alignment(horizontal="center", vertical="center")  # numbers and words side by side
#: A p-value below a thousandth reads "<0.001", as the Rankings sheet writes it.
P_FORMAT = '[<0.001]"<0.001";'
CHART_HEIGHT = 9.0  # cm


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Rounds sheet (only when the report has rounds); returns its name."""
    rounds = ctx.data.rounds
    assert rounds is not None, "the Rounds sheet needs ReportData.rounds"
    label = ctx.label
    ws = new_sheet(wb, label("sheet.rounds"), titles="4:4")
    headers = [label(h) for h in HEADERS]
    rows, formats = _proposal_rows(ctx, rounds)
    widths = [fit((r[i] for r in rows), header=h, lo=7, hi=14) for i, h in enumerate(headers)]
    widths[0] = fit((r[0] for r in rows), lo=24, hi=32)
    # The attrition and support tables below share columns B to F: room for their headers.
    widths[1:6] = [max(w, 9.0) for w in widths[1:6]]
    set_widths(ws, widths)
    ncols = len(headers)
    last_col = get_column_letter(ncols)
    note = " ".join([label("rounds.note"), *_frozen_notes(ctx, rounds)])
    ws.row_dimensions[3].height = text_height(note, sum(widths) * 0.95)
    ws.row_dimensions[4].height = header_height(headers, widths, least=45)
    for i, row in enumerate(rows, 5):
        ws.row_dimensions[i].height = text_height(row[0], widths[0])
    merge(ws, f"A3:{last_col}3")
    ws.append([cell(ws, label("rounds.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, _subtitle(ctx, rounds), font=NOTE_FONT)])
    ws.append([cell(ws, note, font=NOTE_FONT, align=WRAP_TOP)])
    ws.append(header_cells(ws, headers))
    for row, fmts in zip(rows, formats, strict=True):
        ws.append(
            [
                cell(ws, v, fmt=f, align=WRAP_CENTRE if i == 0 else MIDDLE)
                for i, (v, f) in enumerate(zip(row, fmts, strict=True))
            ]
        )
    first, last = 5, 4 + len(rows)
    if rows:
        add_table(ws, "Rounds", f"A4:{last_col}{last}", unique_headers(headers))
        sup = get_column_letter(HEADERS.index("col.support") + 1)
        ws.conditional_formatting.add(f"{sup}{first}:{sup}{last}", support_scale())
    at = max(last, first) + 2  # the row the next thing goes in
    ws.append([])

    chart = _chart(ctx)
    covered = place_chart(ws, chart, at, ncols)
    for _ in range(covered + 1):
        ws.append([])
    at += covered + 1

    at = _attrition(ctx, ws, rounds, at, widths)
    _support_table(ctx, ws, rounds, chart, at, widths)
    return ws.title


def _subtitle(ctx: ReportContext, rounds: RoundsData) -> str:
    """The survey, the stopping criterion and its last verdict, simulated or not, when."""
    label = ctx.label
    status = rounds.status
    criterion = (status["design"] or {}).get("stability") or ""
    last = rounds.last_comparison
    if not criterion:
        rule = label("rounds.criterion.none")
    elif last is None:
        rule = label("rounds.criterion.first", criterion=criterion)
    else:
        met = {True: "rounds.met.yes", False: "rounds.met.no"}.get(
            last["criterion_met"], "rounds.met.unknown"
        )
        a, b = last["between"]
        rule = label("rounds.criterion", criterion=criterion, a=a, b=b, met=label(met))
    return " · ".join(
        [
            ctx.results.title,
            rule,
            label("simulated.included" if ctx.flt.include_simulated else "simulated.excluded"),
            label("generated", when=ctx.generated.strftime("%Y-%m-%d %H:%M UTC")),
        ]
    )


def _frozen_notes(ctx: ReportContext, rounds: RoundsData) -> list[str]:
    """Closed rounds frozen with another choice of simulated responses than this report's."""
    other = [
        r["round"]
        for r in rounds.status["rounds"]
        if r["state"] != "open" and r["include_simulated"] != ctx.flt.include_simulated
    ]
    if not other:
        return []
    key = "rounds.frozen.excluded" if ctx.flt.include_simulated else "rounds.frozen.included"
    return [ctx.label(key, rounds=", ".join(map(str, other)))]


def title_of(ctx: ReportContext, proposal: dict[str, Any]) -> str:
    """A proposal's title in the report's language (the overview's is the survey's first)."""
    try:
        return ctx.survey.proposal(proposal["id"]).title.get(ctx.lang)
    except KeyError:
        return proposal["title"]


def _proposal_rows(
    ctx: ReportContext, rounds: RoundsData
) -> tuple[list[list[Any]], list[list[str | None]]]:
    """A row per proposal per round it was asked in, and each cell's number format."""
    label = ctx.label
    figures = Figures(ctx.survey.consensus)
    criterion = (rounds.status["design"] or {}).get("stability") or ""
    judged = stats.criterion_thresholds(criterion)
    rows: list[list[Any]] = []
    formats: list[list[str | None]] = []
    for p in rounds.overview["proposals"]:
        title = title_of(ctx, p)
        settled = p["settled_in"]
        settled_as = label(f"consensus.{p['settled_verdict']}") if settled else None
        asked = [c for c in p["rounds"] if c is not None]
        for k, c in enumerate(asked):
            st = c["stability"] or {}
            wilcoxon = st.get("wilcoxon") or {}
            change = c["support_change"]
            points = None if change is None else change * 100
            if k == 0 and not c["stability"]:
                stable = None  # nothing before it to compare with
            else:
                stable = {True: label("yes"), False: label("no")}.get(c["stable"], "–")
            values = {
                "col.proposal": title,
                "col.round": c["round"],
                "col.n": c["n"],
                "col.support": c["support"],
                "col.median": c["median"],
                "col.q1": c["q1"],
                "col.q3": c["q3"],
                "col.iqr": c["iqr"],
                "col.consensus": label(f"consensus.{c['verdict']}"),
                "col.support_change": points,
                "col.median_change": c["median_change"],
                "col.pairs": st.get("n_pairs"),
                "col.changed_share": st.get("changed_share"),
                "col.mean_abs_change": st.get("mean_absolute_change"),
                "col.wilcoxon_p": wilcoxon.get("p_value"),
                "col.kappa": st.get("weighted_kappa"),
                "col.iqr_change": st.get("iqr_change"),
                "col.cv_change": st.get("cv_change"),
                "col.stable": stable,
                "col.settled_round": settled,
                "col.settled_verdict": settled_as,
            }

            def number(measure: str, value: Any, places: int) -> str:
                return decimal_format(value, judged.get(measure, ()), places)

            changed = st.get("changed_share")
            fmts = {
                "col.round": "0",
                "col.n": "0",
                "col.support": share_format(c["support"], figures.share(c["support"])),
                "col.median": DECIMAL,
                "col.q1": DECIMAL,
                "col.q3": DECIMAL,
                "col.iqr": DECIMAL,
                "col.support_change": signed(points_format(points, stats.shown_points(change))),
                "col.median_change": signed(DECIMAL),
                "col.pairs": "0",
                "col.changed_share": share_format(
                    changed, stats.shown_share(changed, judged.get("changed_share", ()))
                ),
                "col.mean_abs_change": number(
                    "mean_absolute_change", st.get("mean_absolute_change"), 2
                ),
                "col.wilcoxon_p": P_FORMAT + number("wilcoxon_p", values["col.wilcoxon_p"], 3),
                "col.kappa": number("weighted_kappa", values["col.kappa"], 2),
                "col.iqr_change": signed(number("iqr_change", values["col.iqr_change"], 1)),
                "col.cv_change": signed(number("cv_change", values["col.cv_change"], 2)),
                "col.settled_round": "0",
            }
            rows.append([values[h] for h in HEADERS])
            formats.append([fmts.get(h) for h in HEADERS])
    return rows, formats


def _attrition(
    ctx: ReportContext, ws: Any, rounds: RoundsData, at: int, widths: list[float]
) -> int:
    """Per comparison of two rounds, per group: who answered the earlier round, how many of
    them answered both, how many were lost. Returns the next free row."""
    label = ctx.label
    compared = [r["stability"] for r in rounds.status["rounds"] if r["stability"]]
    if not compared:
        return at
    headers = [label(h) for h in ATTRITION]
    ws.append([cell(ws, label("rounds.attrition"), font=HEADING_FONT)])
    ws.row_dimensions[at + 1].height = header_height(headers, widths[: len(headers)], least=30)
    ws.append(header_cells(ws, headers))
    at += 2
    for comparison in compared:
        a, b = comparison["between"]
        between = f"{a} → {b}"
        per_group = comparison["attrition"]
        total = {
            "n_previous": sum(g["n_previous"] for g in per_group.values()),
            "n_both": sum(g["n_both"] for g in per_group.values()),
        }
        total["n_lost"] = total["n_previous"] - total["n_both"]
        total["lost_share"] = total["n_lost"] / total["n_previous"] if total["n_previous"] else None
        lines = [(ctx.group_label(g), c, None) for g, c in per_group.items()]
        for name, c, font in [*lines, (label("total"), total, BOLD)]:
            ws.row_dimensions[at].height = text_height(name, widths[0])
            ws.append(
                [
                    cell(ws, name, font=font, align=WRAP_CENTRE),
                    cell(ws, between, font=font, align=MIDDLE),
                    cell(ws, c["n_previous"], font=font, align=MIDDLE),
                    cell(ws, c["n_both"], font=font, align=MIDDLE),
                    cell(ws, c["n_lost"], font=font, align=MIDDLE),
                    cell(ws, c["lost_share"], fmt=PCT, font=font, align=MIDDLE),
                ]
            )
            at += 1
    ws.append([])
    return at + 1


def _chart(ctx: ReportContext) -> LineChart:
    """The line chart of support per round; its series are added by :func:`_support_table`."""
    chart = LineChart()
    chart.title = ctx.label("chart.rounds")
    chart.style = 10
    chart.height = CHART_HEIGHT
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.25
    chart.y_axis.delete = False  # openpyxl hides both axes unless told otherwise
    chart.x_axis.delete = False
    chart.legend.position = "r"
    chart.display_blanks = "gap"  # a proposal not asked in a round has no point there
    return chart


def _support_table(
    ctx: ReportContext,
    ws: Any,
    rounds: RoundsData,
    chart: LineChart,
    at: int,
    widths: list[float],
) -> None:
    """Support per proposal (a row) per round (a column): the chart's data, one series a
    proposal. A round the proposal was not asked in stays empty."""
    label = ctx.label
    numbers = rounds.numbers
    headers = [label("col.proposal"), *(label("round.cap", n=n) for n in numbers)]
    ws.append([cell(ws, label("rounds.support"), font=HEADING_FONT)])
    ws.row_dimensions[at + 1].height = header_height(headers, widths[: len(headers)], least=20)
    ws.append(header_cells(ws, headers))
    header_row = at + 1
    figures = Figures(ctx.survey.consensus)
    proposals = rounds.overview["proposals"]
    for p in proposals:
        # One line: a title is the series' name in the chart's legend too.
        title = shorten(title_of(ctx, p), int(widths[0]) - 2)
        by_round = {c["round"]: c["support"] for c in p["rounds"] if c is not None}
        ws.append(
            [
                cell(ws, title, align=CENTRE),
                *(
                    cell(
                        ws,
                        by_round.get(n),
                        fmt=share_format(by_round.get(n), figures.share(by_round.get(n))),
                        align=MIDDLE,
                    )
                    for n in numbers
                ),
            ]
        )
    for i in range(len(proposals)):
        row = header_row + 1 + i
        data = Reference(ws, min_col=1, max_col=1 + len(numbers), min_row=row, max_row=row)
        series = Series(data, title_from_data=True)
        colour = GROUP_COLOURS[i % len(GROUP_COLOURS)]
        series.graphicalProperties = GraphicalProperties()
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        # A marker on every point: a proposal asked in one round only is a lone point.
        series.marker = Marker(symbol="circle", size=7)
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
        series.smooth = False
        chart.series.append(series)
    chart.set_categories(
        Reference(ws, min_col=2, max_col=1 + len(numbers), min_row=header_row, max_row=header_row)
    )
