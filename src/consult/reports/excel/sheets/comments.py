"""The Comments sheet: every free-text answer, anonymous, streamed in survey order."""

from __future__ import annotations

from openpyxl import Workbook

from consult.reports.excel.context import PROGRESS_EVERY, ReportContext
from consult.reports.excel.style import (
    COMMENT_WIDTH,
    TITLE_FONT,
    add_table,
    cell,
    header_cells,
    new_sheet,
    set_widths,
    wrapped_lines,
)

_STAGE = "Writing comments"
_WRAP = (0, 1, 2, 3)


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Comments sheet; returns its name. Memory stays flat however many there are."""
    label = ctx.label
    lang = ctx.lang
    survey = ctx.survey
    ws = new_sheet(wb, label("sheet.comments"), titles="2:2")
    headers = [
        label("col.proposal"),
        label("col.question"),
        label("col.group"),
        label("col.comment"),
    ]
    widths = [30, 36, 26, COMMENT_WIDTH]
    set_widths(ws, widths)
    ws.freeze_panes = "A3"
    ws.append([cell(ws, label("comments.heading"), font=TITLE_FONT)])
    ws.append(header_cells(ws, headers, align=None))
    known: dict[tuple[str, float], int] = {}
    titles = {p.id: p.title.get(lang) for p in survey.proposals}
    comments = ctx.data.comments()
    total = ctx.data.comment_total
    ctx.progress(_STAGE, 0, total)
    question_text: dict[str, str] = {}
    groups = {g.id: g.label.get(lang) for g in survey.groups}
    rows = ctx.stream(ws, first_row=3)
    for c in comments:
        key = c["question"]
        if key not in question_text:
            try:
                question_text[key] = survey.question(key).text.get(lang)
            except KeyError:
                question_text[key] = key
        row = [
            titles.get(c["proposal"], ""),
            question_text[key],
            groups.get(c["group"], c["group"]),
        ]
        # Every text wraps in its column rather than being cut off by the next one; the row
        # is sized here, as Calc does not grow it. Lines of the repeated texts are remembered.
        lines = max(
            wrapped_lines(c["text"], widths[3]),
            *(_lines(known, v, widths[i]) for i, v in enumerate(row)),
        )
        row.append(c["text"])
        rows.append(row, wrap=_WRAP, height=15.0 * lines + 3 if lines > 1 else None)
        if rows.rows % PROGRESS_EVERY == 0:
            ctx.progress(_STAGE, rows.rows, total)
    n = rows.rows
    ctx.progress(_STAGE, n, total)
    if n:
        add_table(ws, "Comments", f"A2:D{n + 2}", headers, "TableStyleLight9")
    return ws.title


def _lines(known: dict[tuple[str, float], int], text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` wide, remembered in ``known``."""
    key = (text, width)
    if key not in known:
        known[key] = wrapped_lines(text, width)
    return known[key]
