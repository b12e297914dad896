"""The Excel report opened by LibreOffice Calc: numbers survive, hostile text stays text.

One headless conversion per run (xlsx -> one CSV per sheet), in a private LibreOffice profile
so parallel runs do not clash. CSV cells hold the values as Calc computed them: a comment that
Calc had taken for a formula would show its result ("click", 2, 0) instead of the typed text.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import pytest
from report_support import FLT, HOSTILE, fill_store

from consult.reports.excel.workbook import write_report
from consult.results.aggregation import aggregate
from consult.safe_text import strip_control

pytestmark = pytest.mark.libreoffice
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Comma, double quote, UTF-8, from line 1, values not as formatted, every sheet to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it")
    tmp = tmp_path_factory.mktemp("libreoffice")
    store, survey = fill_store(tmp / "t.db")
    summary = write_report(store, survey, tmp / "report.xlsx", flt=FLT, lang="en", raw=True)
    results = aggregate(store, survey, FLT, "en")
    store.close()
    out = tmp / "csv"
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp / 'profile'}",
            "--headless",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(tmp / "report.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    def sheet(name):
        with open(out / f"report-{name}.csv", encoding="utf-8", newline="") as f:
            return list(csv.reader(f))

    return sheet, results, summary


def number(text: str) -> float:
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def test_summary_numbers_survive(calc):
    sheet, results, _ = calc
    rows = sheet("Summary")
    header = rows[3]
    assert header[:6] == ["Rank", "Proposal", "n", "Abstained", header[4], "Support"]
    body = rows[4 : 4 + len(results.proposals)]
    for row, p in zip(body, results.proposals, strict=True):
        st = p.stats.panel
        assert int(row[0]) == p.rank and row[1] == p.title and int(row[2]) == st.n_valid
        assert int(row[3]) == st.n_abstained
        for text, value in zip(
            row[5:12],
            (st.support, st.neutral, st.opposition, *st.support_ci, st.median, st.iqr),
            strict=True,
        ):
            assert number(text) == pytest.approx(value, abs=1e-9)
        groups = [p.stats.groups[g].support for g in results.groups]
        for text, value in zip(row[14 : 14 + len(groups)], groups, strict=True):
            assert number(text) == pytest.approx(value, abs=1e-9)


def test_by_group_numbers_survive(calc):
    sheet, results, _ = calc
    rows = sheet("By group")
    body = rows[4 : 4 + len(results.proposals)]
    for row, p in zip(body, results.proposals, strict=True):
        assert number(row[2]) == pytest.approx(p.stats.panel.support, abs=1e-9)
        for k, g in enumerate(results.groups):
            s = p.stats.groups[g]
            assert number(row[4 + 2 * k]) == pytest.approx(s.support, abs=1e-9)
            assert int(row[5 + 2 * k]) == s.n_valid


def test_hostile_comments_shown_as_typed(calc):
    sheet, _, _ = calc
    shown = {row[3] for row in sheet("Comments")[2:] if len(row) > 3}
    for typed in HOSTILE.values():
        # one rule for every output: control characters go (test_report checks the details)
        assert strip_control(typed) in shown, (typed, sorted(s for s in shown if len(s) < 40))


def test_raw_answers_survive(calc):
    """The Raw answers sheet, written past openpyxl (xlsx_stream), as Calc reads it."""
    sheet, _, summary = calc
    rows = sheet("Raw answers")
    assert rows[0][:3] == ["Participant (pseudonym)", "Group", "Round"]
    body = [r for r in rows[1:] if any(r)]
    assert len(body) == summary.raw_answers > 400
    assert all(r[0].startswith("P-") and r[2] == "1" for r in body)
    values = {r[7] for r in body}
    for typed in HOSTILE.values():
        assert strip_control(typed) in values, typed
    support = [r for r in body if r[6].endswith(".support") and r[7].isdigit()]
    assert len(support) > 200
    assert all(float(r[8]) == float(r[7]) for r in support)  # the numeric twin of the answer


# --------------------------------------------------------------------------- printed (PDF)

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
DPI = 50  # enough to measure where ink is on a page
MARGIN_SIDE, MARGIN_TOP = 0.5, 0.6  # inches, as style.new_sheet sets them


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The report printed to PDF by LibreOffice: each page's text, and the PDF's path."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it")
    if PDFTOTEXT is None or PDFTOPPM is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed; CI installs it")
    tmp = tmp_path_factory.mktemp("pdf")
    store, survey = fill_store(tmp / "t.db")
    write_report(store, survey, tmp / "report.xlsx", flt=FLT, lang="en", raw=True)
    results = aggregate(store, survey, FLT, "en")
    store.close()
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(tmp / "report.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp / "report.pdf"
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pdf, pages, results


def sheet_of(page: str) -> str:
    """The sheet a printed page belongs to: its footer reads "<sheet>   <page> / <pages>"."""
    footer = [line for line in page.splitlines() if line.strip()][-1]
    return footer.split("   ")[0].strip()


def read_pgm(path) -> tuple[int, int, bytes]:
    """Width, height and grey pixels of a binary PGM (P5) file, as pdftoppm -gray writes it."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maximum value
        while data[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P5" and int(fields[3]) == 255
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1 : pos + 1 + width * height]


def ink_span(width: int, pixels: bytes, rows: range, cols: range) -> int:
    """Columns from the leftmost to the rightmost non-white pixel in ``rows`` x ``cols``."""
    left, right = None, None
    for y in rows:
        line = pixels[y * width + cols.start : y * width + cols.stop]
        dark = [x for x, v in enumerate(line) if v < 200]
        if dark:
            left = dark[0] if left is None else min(left, dark[0])
            right = dark[-1] if right is None else max(right, dark[-1])
    return 0 if left is None else right - left + 1


def test_every_sheet_prints_one_page_wide(printed):
    """fitToWidth=1 honoured: each sheet's pages follow one another down the sheet, never
    across it, so each has exactly the pages its height needs, each with its header row."""
    _, pages, results = printed
    counts: dict[str, int] = {}
    for page in pages:
        counts[sheet_of(page)] = counts.get(sheet_of(page), 0) + 1
    n = len(results.proposals)
    expected = {
        "Summary": 1,  # table and chart on one page
        "Rounds": 1,  # the example declares a Delphi design; one round: table and chart
        "By group": 1,
        "Proposal detail": n,  # a page for each proposal
        "Rankings": 1,
        "Participation": 1,
        "Method": counts.get("Method") if counts.get("Method") in (1, 2) else 1,  # with sources
        "Chart data": 1,
    }
    assert {k: counts.get(k) for k in expected} == expected, counts
    assert set(counts) == {*expected, "Comments", "Raw answers"}, counts
    # The long sheets: as many pages as their rows need; a page cut in width would lack the
    # first or the last column's header, which print titles put on every page.
    for sheet, first, last in (
        ("Comments", "Proposal", "Comment"),
        ("Raw answers", "Participant", "Answered at"),
    ):
        printed_pages = [p for p in pages if sheet_of(p) == sheet]
        assert 1 <= len(printed_pages) <= 40, (sheet, len(printed_pages))
        for page in printed_pages:
            top = " ".join(page.splitlines()[:4])  # the header row, perhaps wrapped
            assert first in top and last in top, (sheet, top)
    # The numbers at the bottom right count every page of the workbook.
    assert pages[-1].rstrip().endswith(f"{len(pages)} / {len(pages)}")


def test_summary_fills_the_printed_width(printed):
    """The Summary's table and its chart below it span most of the printable width of its A4
    page (before, the table and a chart beside it printed as a thin band)."""
    pdf, pages, _ = printed
    summary = pages[0]
    assert sheet_of(summary) == "Summary"
    assert re.search(r"\b\d+ pp\b", summary)  # the gap between groups, in percentage points
    assert "Opposition · neutral · support" in summary
    out = pdf.with_name("summary")
    subprocess.run(
        [PDFTOPPM, "-r", str(DPI), "-gray", "-f", "1", "-l", "1", "-singlefile", str(pdf), out],
        check=True,
        timeout=60,
    )
    width, height, pixels = read_pgm(out.with_suffix(".pgm"))
    assert width > height  # landscape
    side, top = round(MARGIN_SIDE * DPI), round(MARGIN_TOP * DPI)
    printable = width - 2 * side
    cols = range(side, width - side)
    middle = (top + height - top) // 2
    # Above the middle: the table (and the chart's top); below it: the chart.
    upper = ink_span(width, pixels, range(top, middle), cols) / printable
    lower = ink_span(width, pixels, range(middle, height - top), cols) / printable
    print(f"Summary page: ink spans {upper:.0%} (upper half), {lower:.0%} (lower half)")
    assert upper > 0.8 and lower > 0.8, (upper, lower)


def test_proposal_detail_pages_name_their_proposal(printed):
    """Each proposal's page shows its title twice: as the heading and in its chart's title."""
    _, pages, results = printed
    detail = [p for p in pages if sheet_of(p) == "Proposal detail"]
    for page, p in zip(detail, results.proposals, strict=True):
        assert page.count(f"{p.rank}. {p.title}") >= 2, p.title
        assert page.count("Total") == 2  # "Total support", "Total opposition" (wrapped)
