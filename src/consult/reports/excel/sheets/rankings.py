"""The Rankings sheet: each ranking question's options by mean rank, Borda score and first place."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    DECIMAL2,
    HEADING_FONT,
    NOTE_FONT,
    PCT,
    TITLE_FONT,
    WRAP_TOP,
    cell,
    header_cells,
    header_height,
    merge,
    new_sheet,
    set_widths,
    text_height,
    wrapped_lines,
)

_HEADERS = (
    "col.option",
    "col.n",
    "col.mean_rank",
    "col.borda",
    "col.first_share",
    "col.indistinct",
)
#: In the "can't be told from the next" column: this option and the next may be either way round.
INDISTINCT = "≈"


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Rankings sheet; returns its name."""
    label = ctx.label
    ws = new_sheet(wb, label("sheet.rankings"), titles="1:2", landscape=False)
    widths = [40, 8, 10, 10, 12, 18]
    set_widths(ws, widths)
    headers = [label(h) for h in _HEADERS]
    ws.append([cell(ws, label("rankings.heading"), font=TITLE_FONT)])
    ws.append([cell(ws, label("rankings.note"), font=NOTE_FONT)])
    row = 3  # the next row written
    if not ctx.results.rankings:
        ws.append([cell(ws, label("rankings.empty"))])
    for key, summaries in ctx.results.rankings.items():
        q = ctx.survey.question(key)
        text = q.text.get(ctx.lang)
        ws.append([])
        # The question and the headers wrap, in rows sized for them (Calc does not grow rows).
        ws.row_dimensions[row + 1].height = text_height(text, sum(widths)) + 3
        merge(ws, f"A{row + 1}:{get_column_letter(len(widths))}{row + 1}")
        ws.append([cell(ws, text, font=HEADING_FONT, align=WRAP_TOP)])
        ws.row_dimensions[row + 2].height = header_height(headers, widths, least=15)
        ws.append(header_cells(ws, headers))
        row += 3
        concordance = ctx.results.concordance.get(key, {})
        pairs = {frozenset(pair) for pair in concordance.get("indistinct_neighbours", [])}
        difference = concordance.get("critical_difference")
        for s, after in zip(summaries, [*summaries[1:], None], strict=True):
            option = ctx.option_label(q, s.option)
            if wrapped_lines(option, widths[0]) > 1:
                ws.row_dimensions[row].height = text_height(option, widths[0])
            row += 1
            blurred = after is not None and _indistinct(s, after, pairs, difference)
            mark = f"{INDISTINCT} {ctx.option_label(q, after.option)}" if blurred else ""
            ws.append(
                [
                    cell(ws, option, align=WRAP_TOP),
                    cell(ws, s.n),
                    cell(ws, s.mean_rank, fmt=DECIMAL2),
                    cell(ws, s.borda),
                    cell(ws, s.first_share, fmt=PCT),
                    cell(ws, mark, align=WRAP_TOP),
                ]
            )
        for line in _concordance_lines(ctx, concordance):
            ws.row_dimensions[row + 1].height = text_height(line, sum(widths))
            merge(ws, f"A{row + 1}:{get_column_letter(len(widths))}{row + 1}")
            ws.append([cell(ws, line, font=NOTE_FONT, align=WRAP_TOP)])
            row += 1
    return ws.title


def _indistinct(a: Any, b: Any, pairs: set[frozenset[str]], difference: float | None) -> bool:
    """Whether two options shown one after the other cannot be told apart: listed as
    indistinct neighbours, or mean ranks closer than the critical difference."""
    if frozenset((a.option, b.option)) in pairs:
        return True
    if difference is None or a.mean_rank is None or b.mean_rank is None:
        return False
    return abs(a.mean_rank - b.mean_rank) < difference


def _concordance_lines(ctx: ReportContext, concordance: dict[str, Any]) -> list[str]:
    """Kendall's W with its test, and the critical difference, in words."""
    label = ctx.label
    w = concordance.get("kendall_w")
    if not w:
        lines = [label("rankings.w_none")]
    else:
        p_value = w["p_value"]
        shown_p = "< 0.001" if p_value < 0.001 else f"= {p_value:.3f}"
        lines = [
            label(
                "rankings.w",
                w=f"{w['w']:.3f}",
                chi=f"{w['chi_square']:.2f}",
                df=w["df"],
                p=shown_p,
                m=w["raters"],
            )
        ]
    difference = concordance.get("critical_difference")
    if difference is not None:
        lines.append(label("rankings.cd", cd=f"{difference:.2f}"))
    return lines
