"""Rows written past openpyxl and spliced into its saved workbook, read back by openpyxl."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from consult.reports.excel.xlsx_stream import MAX_CELL_TEXT, StreamedRows, cell_text, splice

BIDI = "evil \u202etxt.exe\u202c \x9c\x80title"
TRICKY = [
    "plain",
    "  leading and trailing spaces  ",
    "\tleading tab",
    "\rleading carriage return",
    "line one\nline two\r\nline three",
    "a & b < c > d \"quoted\" 'single'",
    '=HYPERLINK("http://x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+1",
    "과학기술외교 정책 라운드테이블",
    "emoji 🙂 and ünïcödé",
    "bell\x07 and escape\x1b[2J",
    BIDI,
    "not XML: \ufffe and \uffff",
    "coded: line_x000D_end and _x0041_",
    ']]></t></is></c></row><row r="9">',
    "x" * (MAX_CELL_TEXT + 10),
]


def build(path: Path, rows: list[list], wrap: tuple[int, ...] = ()) -> StreamedRows:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    ws.append(["Heading"])
    ws.append(["A", "B", "C"])
    other = wb.create_sheet("After")
    other.append(["still here"])
    stream = StreamedRows(ws, first_row=3, wrap=Alignment(wrap_text=True, vertical="top"))
    for row in rows:
        stream.append(row, wrap=wrap)
    wb.save(path)
    splice(path, [stream])
    return stream


def test_tricky_text_comes_back_as_a_cell_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    stream = build(path, [[text, i] for i, text in enumerate(TRICKY)])
    assert stream.rows == len(TRICKY)
    ws = openpyxl.load_workbook(path)["Big"]
    assert [c.value for c in ws[1]][:1] == ["Heading"]
    assert [c.value for c in ws[2]] == ["A", "B", "C"]
    for r, text in enumerate(TRICKY, start=3):
        cell, number = ws.cell(r, 1), ws.cell(r, 2)
        assert cell.value == cell_text(text), r
        assert cell.data_type == "s"
        shown = cell_text(text)  # controls gone first: "\r=" is quoted for its "="
        assert cell.quotePrefix == shown.startswith(("=", "+", "-", "@", "\t", "\r")), text
        assert number.value == r - 3 and number.data_type == "n"
    # One rule for every output (safe_text.strip_control): whole escape sequences, C0 and C1
    # controls and bidirectional overrides go, as in CSV and on screen.
    assert ws.cell(3 + TRICKY.index("bell\x07 and escape\x1b[2J"), 1).value == "bell and escape"
    assert ws.cell(3 + TRICKY.index(BIDI), 1).value == "evil txt.exe title"
    assert ws.cell(3 + TRICKY.index("not XML: \ufffe and \uffff"), 1).value == "not XML:  and "
    long = ws.cell(3 + len(TRICKY) - 1, 1).value
    assert len(long) == MAX_CELL_TEXT and long.endswith("…")
    assert ws.max_row == 2 + len(TRICKY)
    assert openpyxl.load_workbook(path)["After"]["A1"].value == "still here"


def test_numbers_booleans_and_gaps(tmp_path: Path) -> None:
    path = tmp_path / "n.xlsx"
    build(path, [[1, 2.5, None, True], [math.nan, -0.125, 10**12, False], [None, None, "x"]])
    ws = openpyxl.load_workbook(path)["Big"]
    assert [c.value for c in ws[3]] == [1, 2.5, None, True]
    assert [c.value for c in ws[4]] == [None, -0.125, 10**12, False]
    assert [c.value for c in ws[5]][:3] == [None, None, "x"]
    with pytest.raises(TypeError, match="cannot write dict"):
        StreamedRows(Workbook(write_only=True).create_sheet("x"), 1).append([{}])


def test_wrapped_columns_get_the_wrap_style_and_keep_the_quote(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    build(path, [["short", "a long comment"], ["x", "=1+1"]], wrap=(1,))
    ws = openpyxl.load_workbook(path)["Big"]
    assert not ws["A3"].alignment.wrap_text
    assert ws["B3"].alignment.wrap_text and ws["B3"].alignment.vertical == "top"
    assert ws["B4"].alignment.wrap_text and ws["B4"].quotePrefix and ws["B4"].value == "=1+1"


def test_the_rows_are_inline_strings_in_the_sheet_openpyxl_named(tmp_path: Path) -> None:
    path = tmp_path / "z.xlsx"
    build(path, [["=SUM(A1:A2)"]])
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "[Content_Types].xml" in names
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        assert "xl/sharedStrings.xml" not in names
    assert '<row r="3"><c r="A3" s="' in xml
    assert 't="inlineStr"><is><t>=SUM(A1:A2)</t></is></c></row></sheetData>' in xml
    assert "<f>" not in xml  # never a formula


def test_styles_of_other_cells_are_kept(tmp_path: Path) -> None:
    from openpyxl.cell import WriteOnlyCell

    path = tmp_path / "s.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    bold = WriteOnlyCell(ws, "Header")
    bold.font = Font(bold=True)
    ws.append([bold])
    stream = StreamedRows(ws, first_row=2)
    stream.append(["=danger"])
    wb.save(path)
    splice(path, [stream])
    ws = openpyxl.load_workbook(path)["Big"]
    assert ws["A1"].font.bold and ws["A1"].value == "Header"
    assert ws["A2"].quotePrefix and not ws["A2"].font.bold


def test_cell_text_keeps_coded_characters_literal_and_cuts_in_utf16_units() -> None:
    # A spreadsheet decodes "_x000D_"; "_x005F_" is the escaped underscore (ECMA-376).
    assert cell_text("line_x000D_end") == "line_x005F_x000D_end"
    assert cell_text("_x41_ and x000D_") == "_x41_ and x000D_"  # not the coded form
    emoji = cell_text("🙂" * 20_000)  # two UTF-16 units each: 40,000 units
    assert len(emoji.encode("utf-16-le")) // 2 == MAX_CELL_TEXT and emoji.endswith("🙂…")
    assert len(cell_text("a" * 40_000)) == MAX_CELL_TEXT


def test_small_sheets_get_no_zip64_headers(tmp_path: Path) -> None:
    """Excel refuses ZIP64 headers on small members; zipfile adds them only when told to."""
    path = tmp_path / "z64.xlsx"
    build(path, [["x", 1]] * 100)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        raw = path.read_bytes()[info.header_offset : info.header_offset + 30]
    assert raw[:4] == b"PK\x03\x04"
    assert int.from_bytes(raw[4:6], "little") == 20  # version needed: 2.0, not 4.5 (ZIP64)
    assert info.extra == b""
