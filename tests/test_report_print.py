"""The Excel report as a reader prints and reads it: page setup of every sheet, the Summary's
diverging chart, units, headers and chart titles, long texts wrapped in rows that fit them.

What LibreOffice makes of it on paper is in test_report_libreoffice.py (PDF).
"""

from __future__ import annotations

import openpyxl
import pytest
from report_support import FLT, fill_store

from consult.reports.excel.style import break_lines, shorten, wrapped_lines
from consult.reports.excel.workbook import write_report
from consult.results.aggregation import aggregate


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("print")
    store, survey = fill_store(tmp / "t.db")
    path = tmp / "report.xlsx"
    write_report(store, survey, path, flt=FLT, lang="en", raw=True)
    results = aggregate(store, survey, FLT, "en")
    store.close()
    return {"wb": openpyxl.load_workbook(path), "results": results, "survey": survey}


#: Each sheet: landscape or not, and the rows repeated at the top of every printed page.
PRINT = {
    "Summary": ("landscape", "$4:$4"),
    "Rounds": ("landscape", "$4:$4"),
    "By group": ("landscape", "$4:$4"),
    "Proposal detail": ("landscape", "$1:$2"),
    "Rankings": ("portrait", "$1:$2"),
    "Comments": ("landscape", "$2:$2"),
    "Participation": ("portrait", "$3:$3"),
    "Method": ("landscape", "$1:$1"),
    "Raw answers": ("landscape", "$1:$1"),
    "Chart data": ("portrait", "$2:$2"),
}


def test_every_sheet_prints_on_a4_one_page_wide(built):
    """As many pages tall as needed, never cut in width, header rows on every page."""
    wb = built["wb"]
    assert set(wb.sheetnames) == set(PRINT)
    for ws in wb.worksheets:
        orientation, titles = PRINT[ws.title]
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title
        assert setup.orientation == orientation, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == titles, ws.title
        margins = ws.page_margins
        assert 0.4 <= margins.left == margins.right <= 0.8, ws.title
        assert 0.4 <= margins.top == margins.bottom <= 0.8, ws.title
        assert ws.oddFooter.left.text == "&A" and ws.oddFooter.right.text == "&P / &N"


def test_summary_chart_reads_as_its_legend_and_title(built):
    """Opposition left of 0, neutral split around 0, support right: the bars read from left to
    right as the title and legend do, and the chart sits below the table, as wide as it."""
    wb = built["wb"]
    [chart] = wb["Summary"]._charts
    title = "".join(r.t for p in chart.title.tx.rich.p for r in p.r)
    assert title.startswith("Opposition · neutral · support")
    assert "neutral split around 0" in title
    names = [s.tx.v if s.tx.v else wb["Chart data"][s.tx.strRef.f.split("!")[1]].value
             for s in chart.series[:4]]  # fmt: skip
    assert names == ["Neutral", "Opposition", "Neutral", "Support"]
    assert chart.series[4].tx is None
    colours = [s.graphicalProperties.solidFill.srgbClr for s in chart.series[:4]]
    assert colours == ["BFBFBF", "C0504D", "BFBFBF", "2E75B6"]
    # Hidden: the left half of neutral and the empty series (first and last: the same two
    # entries whether a reader counts from the first series or, as Calc does, the last).
    hidden = {e.idx for e in chart.legend.legendEntry if e.delete}
    assert hidden == {0, len(chart.series) - 1}
    shown = [n for i, n in enumerate([*names, None]) if i not in hidden]
    assert shown == ["Opposition", "Neutral", "Support"]
    assert chart.legend.position == "b"
    # Below the table (rank 1 in row 5), from column A to the table's last column.
    anchor = chart.anchor
    n = len(built["results"].proposals)
    assert (anchor._from.col, anchor._from.row) == (0, 4 + n + 1)
    assert anchor.to.col == 19  # the table has columns A..S


def test_gaps_are_in_percentage_points(built):
    """The stored cell is a number (points), shown as "84 pp" like the terminal shows it."""
    wb = built["wb"]
    for sheet, table in (("Summary", "Summary"), ("By group", "ByGroup")):
        ws = wb[sheet]
        ref = ws.tables[table].ref
        header = [c.value for c in ws[ref][0]]
        col = header.index("Largest gap between groups")
        for row in ws[ref][1:]:
            c = row[col]
            assert isinstance(c.value, int | float) and 0 <= c.value <= 100
            assert c.number_format in ('0" pp"', '0.0" pp"', '0" pp†"'), (sheet, c.coordinate)
    method = {r[0]: r[1] for r in wb["Method"].iter_rows(values_only=True) if r[0]}
    assert "percentage points (pp)" in method["Largest gap between groups"]


def test_proposal_detail_charts_are_titled_by_their_proposal(built):
    res = built["results"]
    charts = built["wb"]["Proposal detail"]._charts
    for p, chart in zip(res.proposals, charts, strict=True):
        lines = ["".join(r.t for r in para.r) for para in chart.title.tx.rich.p]
        assert lines == [
            f"{p.rank}. {shorten(p.title, 60)}",
            "Answers by group, share of valid answers",
        ]
        assert p.title.startswith(lines[0].split(". ", 1)[1].rstrip("…"))


def test_long_texts_wrap_and_rows_fit_them(built):
    """Follow-up answers and statements wrap across the table's width in Proposal detail; the
    Method sheet's long texts wrap in rows tall enough for them (Calc does not grow rows)."""
    wb = built["wb"]
    ws = wb["Proposal detail"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    texts = {"Make sure this survives changes of administration."}
    seen = 0
    for row in ws.iter_rows():
        b = row[1]
        if b.value in texts:
            seen += 1
            assert b.alignment.wrap_text and f"B{b.row}:J{b.row}" in merged
    assert seen
    statement = built["survey"].proposals[2].statement.get("en")
    [cell] = [c for row in ws.iter_rows(max_col=1) for c in row if c.value == statement]
    assert cell.alignment.wrap_text and f"A{cell.row}:J{cell.row}" in merged
    assert ws.row_dimensions[cell.row].height >= 33  # two lines at least: it is long
    # A page of its own for each proposal.
    headings = {f"{p.rank}. {p.title}" for p in built["results"].proposals}
    starts = [c.row for row in ws.iter_rows(max_col=1) for c in row if c.value in headings]
    assert [b.id + 2 for b in ws.row_breaks.brk] == starts[1:]
    method = wb["Method"]
    widths = [method.column_dimensions[c].width for c in "AB"]
    for row in method.iter_rows(min_row=3):
        name, value = row[0], row[1]
        if name.value is None:
            continue
        assert value.alignment.wrap_text
        lines = max(wrapped_lines(name.value, widths[0]), wrapped_lines(value.value, widths[1]))
        assert method.row_dimensions[name.row].height >= 15 * lines, name.value
    consensus = next(r for r in method.iter_rows() if r[0].value == "Consensus rule")
    assert method.row_dimensions[consensus[0].row].height >= 33


def test_break_lines_and_shorten():
    title = "A legal foundation for international S&T cooperation"
    assert break_lines(title, 30) == "A legal foundation for\ninternational S&T cooperation"
    assert break_lines("short", 30) == "short"
    assert shorten(title, 60) == title
    assert shorten(title, 30) == "A legal foundation for…"
    assert shorten("x" * 80, 20) == "x" * 19 + "…"
    assert wrapped_lines("a\nb", 40) == 2
    assert wrapped_lines("x" * 50, 21) == 3  # a word longer than the column breaks inside
