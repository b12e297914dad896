"""Hostile input files are refused quickly, in bounded memory, with a clear message (issue 14,
items 4 and 5): decompression bombs, a huge cell, a 70 MB YAML file, /dev/zero, 10,000
proposals, numbers and options a survey cannot use.

Each bomb runs the real ``consult`` in a subprocess under an address-space limit
(``RLIMIT_AS``) and a timeout: a reader that inflated the file would die of MemoryError or be
killed, not pass.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from consult.errors import InputError, SurveyError
from consult.imports.tabular import MAX_CELL_CHARS, read_rows
from consult.survey.loader import MAX_SURVEY_BYTES, load_survey, parse_survey

CONSULT = str(Path(sys.executable).with_name("consult"))
SURVEY = str(Path(__file__).parent / "surveys" / "session-small.yaml")
#: Bytes of address space each refusal may use: Python, typer and openpyxl reserve about half.
MEMORY_LIMIT = 400 * 1024 * 1024
#: What the issue asks: refused in under 2 s, under 200 MB of memory (resident).
SECONDS, RESIDENT_MB = 2.0, 200


def limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def refused(tmp_path: Path, *args: str) -> tuple[str, float]:
    """Run consult ARGS with limits; it must fail cleanly (exit 1 or 2, one message)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [CONSULT, "--db", str(tmp_path / "c.db"), *args],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=limited,
    )
    seconds = time.perf_counter() - start
    assert proc.returncode in (1, 2), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr, proc.stderr
    return proc.stderr, seconds


SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def workbook(path: Path, sheet_xml: str | None = None, padding: int = 0) -> Path:
    """A minimal XLSX whose first sheet is ``sheet_xml`` (a header row by default) followed,
    inside the part, by ``padding`` bytes of blanks (which deflate to almost nothing)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["group", "name"])
    book.active.append(["science", "Kim"])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml" and (sheet_xml or padding):
                with out.open(info.filename, "w", force_zip64=True) as part:
                    body = sheet_xml or src.read(info.filename).decode()
                    part.write(body[: -len(SHEET_TAIL)].encode())
                    chunk = b" " * (1 << 20)
                    for _ in range(padding // len(chunk)):
                        part.write(chunk)
                    part.write(SHEET_TAIL.encode())
            else:
                out.writestr(info, src.read(info.filename))
    plain.unlink()
    return path


def test_xlsx_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = workbook(tmp_path / "bomb.xlsx", padding=600 * (1 << 20))  # 600 MB of blanks
    assert bomb.stat().st_size < 2 * (1 << 20)
    err, seconds = refused(tmp_path, "panel", "import", SURVEY, str(bomb))
    assert "refused" in err and "sheet1.xml" in err and "MB" in err, err
    assert seconds < SECONDS + 1  # start-up included


def test_a_cell_over_the_excel_limit_is_refused_with_its_address(tmp_path: Path) -> None:
    cell = "x" * (MAX_CELL_CHARS + 1)
    xml = (
        SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>group</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>science</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{cell}</t></is></c></row>' + SHEET_TAIL
    )
    path = workbook(tmp_path / "cell.xlsx", xml)
    with pytest.raises(InputError, match=r"cell B2: 32,768 characters"):
        read_rows(path)
    err, _ = refused(tmp_path, "panel", "import", SURVEY, str(path))
    assert "cell B2" in err


def test_a_half_gigabyte_cell_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    # One cell of 500 MB that compresses to under 1 MB: the part's cap refuses it.
    xml = SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "</t></is></c></row>"
    path = workbook(tmp_path / "bigcell.xlsx", xml + SHEET_TAIL, padding=500 * (1 << 20))
    err, seconds = refused(tmp_path, "panel", "import", SURVEY, str(path))
    assert "refused" in err
    assert seconds < SECONDS + 1


def test_a_csv_cell_over_the_limit_names_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("group,name\nscience," + "y" * (MAX_CELL_CHARS + 5) + "\n")
    with pytest.raises(InputError, match="cell B2"):
        read_rows(path)


def test_a_70_mb_yaml_and_dev_zero_are_refused_at_once(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        line = "# " + "x" * 1000 + "\n"
        for _ in range(70 * 1024):
            handle.write(line)
    for path in (str(big), "/dev/zero"):
        err, seconds = refused(tmp_path, "survey", "validate", path)
        assert "larger than 2 MB" in err, err
        assert seconds < SECONDS
    with pytest.raises(SurveyError, match="larger than 2 MB"):
        load_survey("/dev/zero")
    with pytest.raises(SurveyError, match="larger than 2 MB"):
        parse_survey("#" * (MAX_SURVEY_BYTES + 1))


def _small_head() -> str:
    return Path(SURVEY).read_text(encoding="utf-8").split("proposals:")[0]


def _proposals(n: int) -> str:
    return "proposals:\n" + "".join(
        f"  - id: p{i}\n    title: {{en: T{i}, ko: T{i}}}\n    statement: {{en: S, ko: S}}\n"
        "    questions:\n      - id: support\n        type: scale\n        scale: s5\n"
        "        text: {en: Q, ko: Q}\n"
        for i in range(n)
    )


def test_ten_thousand_proposals_are_refused_quickly_with_a_line(tmp_path: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(SurveyError) as caught:
        parse_survey(_small_head() + _proposals(10_000), "many.yaml")
    assert time.perf_counter() - start < 5
    (problem,) = caught.value.problems
    assert problem.line and "over 1,000 items" in problem.message
    with pytest.raises(SurveyError) as caught:
        parse_survey(_small_head() + _proposals(501), "p.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "proposals" and "501 proposals; at most 500" in problem.message
    assert problem.line == _small_head().count("\n") + 1


def test_numbers_and_choices_a_survey_cannot_use_are_problems_with_lines() -> None:
    text = Path(SURVEY).read_text(encoding="utf-8")
    huge = text.replace("- {value: 5,", "- {value: " + "9" * 4000 + ",", 1)
    with pytest.raises(SurveyError) as caught:
        parse_survey(huge, "s.yaml")
    assert any("4,000 digits is too large" in p.message and p.line for p in caught.value.problems)
    both = text.replace("opposition: [1, 2]", "opposition: [1, 2, 4]", 1)
    with pytest.raises(SurveyError) as caught:
        parse_survey(both, "s.yaml")
    (problem,) = caught.value.problems
    assert "both support and opposition" in problem.message and problem.line
    trap = text.replace("type: multiple_choice", "type: multiple_choice\n        min_choices: 3")
    with pytest.raises(SurveyError) as caught:
        parse_survey(trap, "s.yaml")
    (problem,) = caught.value.problems
    assert problem.path.endswith("min_choices") and "2 options" in problem.message
    over = text.replace("type: multiple_choice", "type: multiple_choice\n        max_choices: 5")
    with pytest.raises(SurveyError, match="max_choices 5"):
        parse_survey(over, "s.yaml")
