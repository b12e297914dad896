"""The Excel report opened by LibreOffice Calc: numbers survive, hostile text stays text.

One headless conversion per run (xlsx -> one CSV per sheet), in a private LibreOffice profile
so parallel runs do not clash. CSV cells hold the values as Calc computed them: a comment that
Calc had taken for a formula would show its result ("click", 2, 0) instead of the typed text.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest
from test_report import FLT, HOSTILE, fill_store

from consult.reports.excel.workbook import write_report
from consult.results.aggregation import aggregate

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
    assert header[:4] == ["Rank", "Proposal", "n", "Support"]
    body = rows[4 : 4 + len(results.proposals)]
    for row, p in zip(body, results.proposals, strict=True):
        st = p.stats.panel
        assert int(row[0]) == p.rank and row[1] == p.title and int(row[2]) == st.n_valid
        for text, value in zip(
            row[3:10],
            (st.support, st.neutral, st.opposition, *st.support_ci, st.median, st.iqr),
            strict=True,
        ):
            assert number(text) == pytest.approx(value, abs=1e-9)
        groups = [p.stats.groups[g].support for g in results.groups]
        for text, value in zip(row[12 : 12 + len(groups)], groups, strict=True):
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
    for key, typed in HOSTILE.items():
        if key == "final_comment":
            continue  # control characters are removed on purpose (test_report checks)
        assert typed in shown, (typed, sorted(s for s in shown if len(s) < 40))


def test_raw_answers_survive(calc):
    """The Raw answers sheet, written past openpyxl (xlsx_stream), as Calc reads it."""
    sheet, _, summary = calc
    rows = sheet("Raw answers")
    assert rows[0][:3] == ["Participant (pseudonym)", "Group", "Round"]
    body = [r for r in rows[1:] if any(r)]
    assert len(body) == summary.raw_answers > 400
    assert all(r[0].startswith("P-") and r[2] == "1" for r in body)
    values = {r[7] for r in body}
    for key, typed in HOSTILE.items():
        if key != "final_comment":
            assert typed in values, typed
    support = [r for r in body if r[6].endswith(".support") and r[7].isdigit()]
    assert len(support) > 200
    assert all(float(r[8]) == float(r[7]) for r in support)  # the numeric twin of the answer
