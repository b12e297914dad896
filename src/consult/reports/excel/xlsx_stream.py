"""Big sheets written as XML rows and put into the workbook after openpyxl has saved it.

openpyxl's write-only mode builds a cell object and an lxml element for every cell: about
20 µs a cell, so a Raw answers sheet of a million answers took three and a half minutes.
:class:`StreamedRows` writes each row as text to a temporary file instead (about 1.5 µs a
cell), in the form openpyxl itself writes (inline strings, ``t="n"`` numbers); openpyxl still
writes everything else: the sheet's head and first rows, widths, frozen panes, tables, styles.
:func:`splice` then puts the rows into their sheet's ``<sheetData>`` in the saved file.

Text is made safe as :func:`consult.reports.excel.style.cell` makes it: no character XML
forbids, cut at Excel's limit, and a text that a spreadsheet would read as a formula gets the
quote-prefix style, so it stays text even when someone edits the cell.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from consult.safe_text import FORMULA_PREFIXES, strip_control

MAX_CELL_TEXT = 32_767  # Excel's limit, in UTF-16 units; openpyxl would cut silently, we visibly

# Characters XML 1.0 forbids (C0 controls but tab, line feed and carriage return; surrogates;
# U+FFFE and U+FFFF): one of them in a sheet makes the whole file unreadable.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Spreadsheets read "_x000D_" in cell text as the character it codes; an underscore written
# as "_x005F_" keeps such a text as typed (ECMA-376 ST_Xstring).
_CODED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")

# What XML text needs escaped; a carriage return too, or a parser reading the file turns it
# into a line feed.
_ESCAPES = re.compile(r'[&<>\r"]')
_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;", '"': "&quot;"}


_CACHE_SIZE = 20_000


def cell_text(text: str) -> str:
    """Participant text as a cell can hold it: no character XML forbids, no "_xHHHH_" that a
    spreadsheet would decode, within Excel's length limit (cut visibly with "…").

    The rule of every output (README, "Participant text is data"): terminal escapes, C0 and C1
    controls and bidirectional overrides go (``strip_control``), as in CSV and on screen."""
    text = _CODED.sub("_x005F_", _ILLEGAL.sub("", strip_control(text)))
    if len(text) > MAX_CELL_TEXT // 2:
        units = text.encode("utf-16-le")
        if len(units) > 2 * MAX_CELL_TEXT:
            # errors="ignore" drops half of a surrogate pair cut in two
            text = units[: 2 * (MAX_CELL_TEXT - 1)].decode("utf-16-le", errors="ignore") + "…"
    return text


def _xml(text: str) -> str:
    return _ESCAPES.sub(lambda m: _ESCAPED[m.group()], text)


def _style_id(ws: Any, **attributes: Any) -> int:
    """The workbook's index of a cell style, registered so that openpyxl writes it."""
    cell = WriteOnlyCell(ws, value="")
    for name, value in attributes.items():
        setattr(cell, name, value)
    return cell.style_id


class StreamedRows:
    """Rows for one write-only sheet, below the ``first_row - 1`` rows openpyxl writes."""

    def __init__(self, ws: Any, first_row: int, wrap: Alignment | None = None) -> None:
        self.ws = ws
        self.first_row = first_row
        self.next_row = first_row
        self.columns = 0
        self._letters: list[str] = []
        self._quoted = _style_id(ws, quotePrefix=True)
        wrap = wrap or Alignment(wrap_text=True, vertical="top")
        self._wrapped = _style_id(ws, alignment=wrap)
        self._quoted_wrapped = _style_id(ws, alignment=wrap, quotePrefix=True)
        self._cache: dict[tuple[str, bool], str] = {}
        self._file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - closed by splice()
            "w+", encoding="utf-8", prefix="consult-rows-"
        )

    @property
    def rows(self) -> int:
        """How many rows have been appended."""
        return self.next_row - self.first_row

    def append(
        self, values: Sequence[Any], wrap: Iterable[int] = (), height: float | None = None
    ) -> None:
        """Add a row; text in the columns numbered in ``wrap`` (from 0) wraps in its cell.

        ``height`` (points) sizes the row: Calc does not grow a row for wrapped text when it
        opens a file, so the lines would print over the next row.
        """
        r = self.next_row
        self.next_row += 1
        letters = self._letters
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        self.columns = max(self.columns, len(values))
        wrapped = set(wrap) if wrap else ()
        if height is None:
            parts = [f'<row r="{r}">']
        else:
            parts = [f'<row r="{r}" ht="{height:g}" customHeight="1">']
        for i, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                parts.append(f'<c r="{letters[i]}{r}"{self._text(value, i in wrapped)}')
            elif isinstance(value, bool):
                parts.append(f'<c r="{letters[i]}{r}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                if isinstance(value, float) and not math.isfinite(value):
                    continue
                parts.append(f'<c r="{letters[i]}{r}" t="n"><v>{value!r}</v></c>')
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a streamed sheet")
        parts.append("</row>")
        self._file.write("".join(parts))

    def _text(self, value: str, wrapped: bool) -> str:
        """A text cell after its reference: style, type and escaped text (remembered, as most
        texts of a big sheet repeat: groups, statuses, questions)."""
        key = (value, wrapped)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        text = cell_text(value)
        quoted = text.startswith(FORMULA_PREFIXES)
        if wrapped:
            style = self._quoted_wrapped if quoted else self._wrapped
        else:
            style = self._quoted if quoted else 0
        s = f' s="{style}"' if style else ""
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        fragment = f'{s} t="inlineStr"><is><t{space}>{_xml(text)}</t></is></c>'
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()  # unique texts (times, comments) must not pile up
        self._cache[key] = fragment
        return fragment

    def close(self) -> None:
        self._file.close()


def splice(path: Path, streams: Sequence[StreamedRows]) -> None:
    """Put each stream's rows into its sheet of the workbook saved at ``path``, in place."""
    by_member = {s.ws.path.lstrip("/"): s for s in streams}
    out = path.with_name(path.name + ".splice")
    try:
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                stream = by_member.get(info.filename)
                if stream is None:
                    dst.writestr(info, src.read(info))
                    continue
                head, tail = (
                    part.encode("utf-8")
                    for part in _around_rows(src.read(info).decode("utf-8"), info.filename)
                )
                stream._file.flush()
                rows_size = os.fstat(stream._file.fileno()).st_size
                stream._file.seek(0)
                # The size known in advance lets zipfile use ZIP64 only for a member that needs
                # it: Excel refuses ZIP64 headers on small members.
                member_info = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                member_info.compress_type = zipfile.ZIP_DEFLATED
                member_info.file_size = len(head) + rows_size + len(tail)
                with dst.open(member_info, "w") as member:
                    member.write(head)
                    while chunk := stream._file.read(1 << 20):
                        member.write(chunk.encode("utf-8"))
                    member.write(tail)
        os.replace(out, path)
    finally:
        for s in streams:
            s.close()
        out.unlink(missing_ok=True)


def _around_rows(xml: str, name: str) -> tuple[str, str]:
    """A sheet's XML cut where the streamed rows go: after the rows openpyxl wrote."""
    if "</sheetData>" in xml:
        head, _, tail = xml.partition("</sheetData>")
        return head, "</sheetData>" + tail
    if "<sheetData/>" in xml:
        head, _, tail = xml.partition("<sheetData/>")
        return head + "<sheetData>", "</sheetData>" + tail
    raise ValueError(f"{name}: no sheetData to put rows in")
