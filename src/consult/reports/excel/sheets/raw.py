"""The Raw answers sheet: every admitted answer, one a row, streamed; names only on request."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from consult.reports.excel.context import PROGRESS_EVERY, ReportContext
from consult.reports.excel.style import (
    add_table,
    header_cells,
    header_height,
    new_sheet,
    set_widths,
)

_STAGE = "Writing raw answers"
_COLUMNS = (
    "col.group",
    "col.round",
    "col.status",
    "col.simulated",
    "col.proposal",
    "col.question",
    "col.value",
    "col.numeric",
    "col.answered_at",
)


def write(ctx: ReportContext, wb: Workbook) -> tuple[str, int]:
    """Write the Raw answers sheet; returns its name and the number of answers in it.

    Without comments, the data hands over only answers that cannot be free text.
    """
    label = ctx.label
    identify = ctx.identify
    ws = new_sheet(wb, label("sheet.raw"), titles="1:1")
    names = ctx.data.identities if identify else {}
    headers = [label("col.participant")]
    if identify:
        headers += [label("col.name"), label("col.organisation")]
    headers += [label(k) for k in _COLUMNS]
    widths = [14] + ([24, 24] if identify else []) + [14, 7, 11, 10, 26, 30, 40, 9, 24]
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = header_height(headers, widths)  # headers wrap, never cut
    ws.append(header_cells(ws, headers))
    total = ctx.data.raw_answers
    ctx.progress(_STAGE, 0, total)
    yes, no = label("yes"), label("no")
    rows = ctx.stream(ws, first_row=2)
    for rec in ctx.data.answers():
        value = rec["value"]
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        row = [rec["participant"]]
        if identify:
            name, org = names.get(rec["participant"], (None, None))
            row += [name or "", org or ""]
        row += [
            rec["group"],
            rec["round"],
            rec["status"],
            yes if rec["simulated"] else no,
            rec["proposal"],
            rec["question"],
            value,
            rec["numeric"],
            rec["answered_at"],
        ]
        rows.append(row)
        if rows.rows % PROGRESS_EVERY == 0:
            ctx.progress(_STAGE, rows.rows, total)
    n = rows.rows
    ctx.progress(_STAGE, n, total)
    if n:
        ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
        add_table(ws, "RawAnswers", ref, headers, "TableStyleLight1")
    return ws.title, n
