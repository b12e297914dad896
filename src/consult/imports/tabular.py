"""Reading the tabular files people hand us (CSV or XLSX): rows, a header, records.

Generic: what the columns mean and which values are valid is the caller's (the panel import,
answer imports). Rows are numbered as a spreadsheet numbers them (the header is row 1), and
every error is an :class:`consult.errors.InputError` naming the file and, where there is one,
the row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from consult.errors import InputError
from consult.safe_text import strip_control

#: A row as read: its spreadsheet row number and its cells.
Row = tuple[int, list[object]]

# Limits on what a spreadsheet may unpack to, checked before any parsing (docs/limits in the
# README's "Where the data lives"). An XLSX file is a zip: a 2 MB one can inflate to 2 GB.
#: Most bytes all parts of an XLSX file may inflate to together (and the most a CSV may hold).
MAX_TOTAL_BYTES = 50 * 1024 * 1024
#: Most bytes one part (a sheet, the shared strings) may inflate to.
MAX_PART_BYTES = 25 * 1024 * 1024
#: Most parts (files) in the zip.
MAX_PARTS = 1_000
#: Highest inflated/compressed ratio of a part over 1 MB inflated; real sheets are near 10.
MAX_RATIO = 200
#: The most characters a spreadsheet cell holds (Excel's own limit).
MAX_CELL_CHARS = 32_767
_CHUNK = 64 * 1024
_MB = 1024 * 1024


def check_inflation(path: Path) -> None:
    """InputError unless the XLSX (zip) at ``path`` stays within the limits above.

    Sizes the zip declares are checked first; then each part is inflated as a stream with a cap
    and thrown away, since a zip may declare less than it holds. Memory stays at one chunk.
    """
    import zipfile

    def refuse(why: str) -> InputError:
        return InputError(
            f"{path}: refused: {why} (limits: {MAX_TOTAL_BYTES // _MB} MB unpacked in all, "
            f"{MAX_PART_BYTES // _MB} MB a part); is it really a panel spreadsheet?"
        )

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise refuse(f"it holds {len(parts):,} parts")
            declared = 0
            for info in parts:
                declared += info.file_size
                name = strip_control(info.filename)[:80]
                if info.file_size > MAX_PART_BYTES:
                    raise refuse(f"{name} would unpack to {info.file_size // _MB:,} MB")
                if _too_dense(info.file_size, info.compress_size):
                    raise refuse(f"{name} is compressed over {MAX_RATIO} to 1")
            if declared > MAX_TOTAL_BYTES:
                raise refuse(f"it would unpack to {declared // _MB:,} MB")
            total = 0
            for info in parts:
                name = strip_control(info.filename)[:80]
                inflated = 0
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        inflated += len(chunk)
                        total += len(chunk)
                        if inflated > MAX_PART_BYTES:
                            raise refuse(f"{name} unpacks to over {MAX_PART_BYTES // _MB} MB")
                        if total > MAX_TOTAL_BYTES:
                            raise refuse(f"it unpacks to over {MAX_TOTAL_BYTES // _MB} MB")
                if _too_dense(inflated, info.compress_size):
                    raise refuse(f"{name} is compressed over {MAX_RATIO} to 1")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise InputError(f"{path}: cannot read the workbook ({exc})") from None
    except OSError as exc:  # a damaged member (bad CRC, truncated stream)
        raise InputError(f"{path}: cannot read the workbook ({exc})") from None


def _too_dense(inflated: int, compressed: int) -> bool:
    return inflated > _MB and inflated > MAX_RATIO * max(compressed, 1)


def _check_cell(path: Path, line: int, column: int, value: object) -> None:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        from openpyxl.utils import get_column_letter

        raise InputError(
            f"{path}: cell {get_column_letter(column)}{line}: {len(value):,} characters "
            f"(a cell holds at most {MAX_CELL_CHARS:,})"
        )


def clean(value: object) -> str | None:
    """A cell as text without surrounding blanks; None for an empty cell."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_rows(path: str | Path) -> list[Row]:
    """Every row of a CSV or XLSX file (the first sheet), numbered from 1."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suffix == ".csv":
        if path.stat().st_size > MAX_TOTAL_BYTES:
            raise InputError(
                f"{path}: refused: {path.stat().st_size // _MB:,} MB (at most "
                f"{MAX_TOTAL_BYTES // _MB} MB); is it really a panel spreadsheet?"
            )
        return csv_rows(path)
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_rows(path)
    raise InputError(f"{path}: unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx")


def csv_rows(path: Path) -> list[Row]:
    """The records of a UTF-8 CSV file (comma, semicolon or tab, found from its start)."""
    try:
        # utf-8-sig: spreadsheets save CSV with a byte-order mark.
        with path.open(newline="", encoding="utf-8-sig") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            try:
                dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
            except csv.Error:
                dialect = csv.excel
            # strict: a quote left open must not swallow the rest of the file into one cell
            reader = csv.reader(handle, dialect, strict=True)
            rows: list[Row] = []
            try:
                for row in reader:  # a spreadsheet's row is a record, however many lines
                    for column, value in enumerate(row, 1):
                        _check_cell(path, len(rows) + 1, column, value)
                    rows.append((len(rows) + 1, list(row)))
            except csv.Error as exc:
                n = len(rows) + 1
                raise InputError(f"{path}: row {n}: cannot read the CSV ({exc})") from None
            return rows
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None


def xlsx_rows(path: Path) -> list[Row]:
    """The rows of a workbook's first sheet, values only (formulas as last computed)."""
    from openpyxl import load_workbook

    check_inflation(path)  # before openpyxl reads a byte of it
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(
            f"{path}: cannot read the workbook ({exc or type(exc).__name__})"
        ) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a stale <dimension> in the file would hide rows and columns
        # Numbered as they come (read-only sheets fill in empty rows): a row whose first cell
        # is empty is still a row.
        rows: list[Row] = []
        for n, row in enumerate(sheet.iter_rows(values_only=True), 1):
            for column, value in enumerate(row, 1):
                _check_cell(path, n, column, value)
            rows.append((n, list(row)))
        return rows
    finally:
        book.close()


def column_keys(header: Iterable[object], aliases: Mapping[str, str] | None = None) -> list[str]:
    """The header's cells as keys: lower case, spaces as underscores, aliases resolved; an
    empty cell gives ``""`` (a column without a name)."""
    keys = []
    for cell in header:
        key = (clean(cell) or "").lower().replace(" ", "_")
        keys.append((aliases or {}).get(key, key))
    return keys


def check_columns(
    path: str | Path,
    line: int,
    columns: Sequence[str],
    known: Sequence[str],
    required: Sequence[str] = (),
) -> None:
    """InputError for the first of: an unknown column, a required one missing, one twice."""
    unknown = [c for c in columns if c and c not in known]
    if unknown:
        raise InputError(
            f"{path}: row {line}: unknown column {unknown[0]!r} (expected: {', '.join(known)})"
        )
    for name in required:
        if name not in columns:
            raise InputError(f"{path}: row {line}: no {name!r} column in the header")
    twice = next((c for i, c in enumerate(columns) if c and c in columns[:i]), None)
    if twice:
        raise InputError(f"{path}: row {line}: column {twice!r} appears twice")


@dataclass(frozen=True)
class Record:
    """One data row: its values by column (cleaned), and what is wrong with it as a row."""

    line: int
    values: dict[str, str | None]
    problems: list[str]  # each begins "row N: "


def records(rows: Iterable[Row], columns: Sequence[str]) -> Iterator[Record]:
    """The data rows under a header of ``columns``; blank rows are left out (they are common at
    the end of spreadsheets). A value under no column name would be dropped without a word:
    it is a problem of its row instead."""
    for line, cells in rows:
        values = {c: clean(v) for c, v in zip(columns, cells, strict=False) if c}
        stray = next(
            (
                (i, v)
                for i, v in enumerate(cells, 1)
                if clean(v) and (i > len(columns) or not columns[i - 1])
            ),
            None,
        )
        if not any(values.values()) and stray is None:
            continue
        problems = []
        if stray is not None:
            # The cell is named, never quoted: its content is not the problem, and a stray
            # note ("Confidential") does not belong in an error message or a terminal log.
            problems.append(
                f"row {line}: a value in column {stray[0]} (cell {column_letter(stray[0])}"
                f"{line}), which has no name in the header"
            )
        yield Record(line, values, problems)


def column_letter(index: int) -> str:
    """A spreadsheet's name of column ``index`` (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def bad_rows(path: str | Path, problems: Sequence[str]) -> InputError:
    """The error of an all-or-nothing import: how many rows are bad, then every problem."""
    n = len({p.split(":")[0] for p in problems})
    lines = "\n".join(f"  {p}" for p in problems)
    return InputError(f"{path}: {n} bad row{'s' if n != 1 else ''}; nothing was imported\n{lines}")
