"""Reading an XLSForm workbook with pyxform's own reader: its sheets, rows and columns.

pyxform (the optional extra ``consult[xlsform]``) reads the workbook (``get_xlsform``) and splits
each column header the way XLSForm does (``label::English (en)``, the old ``label:English (en)``,
aliases such as ``relevance`` for ``relevant``). What the columns mean for a consult survey is
:mod:`consult.imports.xlsform`'s. pyxform is imported here, inside functions: ``consult --help``
never loads it.

Also here: the conventions both directions share (the list of stakeholder groups, the column of
a scale's sides, the settings consult adds), so that what the export writes the import reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from consult.errors import InputError, Problem

#: The choices list that declares the stakeholder groups; a ``select_one`` on it is the
#: question that asks for the participant's group (``${group}`` in ``relevant``).
GROUPS_LIST = "consult_groups"
#: A ``rank`` on this list ranks the survey's proposals (``options: proposals``).
PROPOSALS_LIST = "consult_proposals"
#: The choices column that makes a list an agreement scale: each point's side.
SIDE_COLUMN = "consult_side"
SIDES = ("support", "opposition", "neutral", "abstain")
#: The settings columns consult adds; pyxform leaves unknown settings alone.
SCALES_SETTING = "consult_scales"
ENROLMENT_SETTING = "consult_enrolment"
REVISION_SETTING = "consult_allow_revision"
TITLE_SETTING = "consult_title"
#: ``consensus_<key>`` holds the consensus rule's ``<key>``.
CONSENSUS_PREFIX = "consensus_"
#: ``delphi_<key>`` holds the Delphi design's ``<key>`` (feedback: names separated by spaces;
#: stability: conditions such as ``changed_share < 15%`` separated by ``;``).
DELPHI_PREFIX = "delphi_"
#: The survey's own ``licence`` and ``source`` (consult publish), as ``consult_<key>``.
TEXT_SETTINGS = {"consult_licence": "licence", "consult_source": "source"}
#: The defaults an import assumes when a form does not say (docs/survey-format.md, "XLSForm").
DEFAULT_GROUPS = [{"id": "participants", "label": "Participants"}]
DEFAULT_CONSENSUS = {"for": {"support": ">= 70%", "opposition": "< 15%"}, "against": "mirror"}
DEFAULT_VERSION = "1.0"

#: Names of languages, for the headers an export writes (``label::Korean (ko)``).
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
    "sw": "Swahili",
    "zh": "Chinese",
}
#: XLSForm type names (with their aliases) for the types consult has.
INTEGER_TYPES = {"integer", "int", "add integer prompt", "q int"}
DECIMAL_TYPES = {"decimal", "add decimal prompt", "q decimal"}
TEXT_TYPES = {"text", "string", "add text prompt", "q string"}
NOTE_TYPES = {"note", "add note prompt", "q note"}
ACKNOWLEDGE_TYPES = {"acknowledge", "add acknowledge prompt", "q acknowledge", "trigger"}
#: Why a known XLSForm type has no equivalent, for the common ones.
WHY_NOT = {
    "calculate": "calculations are not asked; consult cannot compute values in a survey",
    "hidden": "hidden values are not asked",
    "range": "a range widget has no equivalent; use integer with a constraint",
    "geopoint": "locations cannot be asked",
    "geotrace": "locations cannot be asked",
    "geoshape": "locations cannot be asked",
}
MEDIA = {"image", "photo", "audio", "video", "file", "background-audio", "barcode"}
METADATA = {"start", "end", "today", "deviceid", "phonenumber", "simserial", "subscriberid"}
METADATA |= {"username", "email", "audit", "start-geopoint", "uri:deviceid"}


def why_not(kind: str) -> str:
    """Why the XLSForm question type ``kind`` has no equivalent in a consult survey."""
    if kind in MEDIA:
        return "media and files cannot be asked"
    if kind in METADATA:
        return "metadata is not a question; consult records its own times"
    return WHY_NOT.get(kind, "consult has no such question type")


LANG_CODE_RE = re.compile(r"\((?P<code>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$")
MISSING_EXTRA = "XLSForm needs the optional extra: pip install 'consult[xlsform]'"
#: The largest workbook read, in bytes (checked before pyxform opens it).
MAX_XLSFORM_BYTES = 10 * 1024 * 1024


def language_code(name: str) -> str | None:
    """The code in ``English (en)``, its language part lowercase; None without one."""
    match = LANG_CODE_RE.search(name)
    if match is None:
        return None
    primary, dash, region = match["code"].partition("-")
    return primary.lower() + dash + region


def language_header(code: str) -> str:
    """``English (en)``: how an XLSForm header names the language ``code``."""
    return f"{LANGUAGE_NAMES.get(code.split('-')[0], code)} ({code})"


@dataclass
class Column:
    """One column of a sheet: its header as written, what it is (``label``, ``bind``...) and,
    for a translated column, the language code (None for the default language)."""

    header: str
    tokens: tuple[str, ...]
    lang: str | None = None


@dataclass
class Sheet:
    """One sheet: its columns and its rows (numbered as the spreadsheet numbers them)."""

    name: str
    columns: list[Column] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def column(self, *tokens: str) -> Column | None:
        return next((c for c in self.columns if c.tokens == tokens), None)

    def translated(self, base: str) -> list[Column]:
        """The columns of ``base`` (``label``, ``hint``) with a language."""
        return [c for c in self.columns if c.tokens[0] == base and c.lang]

    def languages(self) -> Iterator[str]:
        for column in self.columns:
            if column.lang:
                yield column.lang

    def is_text(self, column: Column) -> bool:
        """Whether ``column`` is a label or hint in some language (with a code or not)."""
        return column.tokens[0] in ("label", "hint") and len(column.tokens) == 2


@dataclass
class Workbook:
    """What an XLSForm workbook holds, as consult reads it."""

    file: str
    survey: Sheet
    choices: Sheet
    settings: Sheet
    #: Other XLSForm sheets with rows (external_choices, entities, osm): not supported.
    others: list[str]
    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(f"{self.file}:{sheet}", row, column, message))


def read_workbook(path: Path) -> Workbook:
    """The sheets of the XLSForm at ``path``; InputError when it cannot be read at all, and
    when pyxform (the ``xlsform`` extra) is missing."""
    try:
        from pyxform.errors import PyXFormError
        from pyxform.xls2json_backends import get_xlsform
    except ImportError:
        raise InputError(MISSING_EXTRA) from None
    from consult.imports.tabular import check_inflation

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        raise InputError(f"{path}: not an XLSForm workbook (.xlsx or .xls)")
    if path.stat().st_size > MAX_XLSFORM_BYTES:
        raise InputError(f"{path}: larger than {MAX_XLSFORM_BYTES // 2**20} MB; is it an XLSForm?")
    if path.suffix.lower() != ".xls":
        try:
            check_inflation(path)
        except InputError as exc:
            raise InputError(str(exc).replace("a panel spreadsheet", "an XLSForm")) from None
    try:
        data = get_xlsform(path)
    except (PyXFormError, ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot be read as an XLSForm: {exc}") from None
    file = str(path)
    book = Workbook(
        file,
        _sheet("survey", data.survey, data.survey_header),
        _sheet("choices", data.choices, data.choices_header),
        _sheet("settings", data.settings, data.settings_header),
        [name for name in ("external_choices", "entities", "osm") if getattr(data, name, None)],
    )
    for sheet in (book.survey, book.choices, book.settings):
        for column in sheet.columns:
            base = column.tokens[0]
            if base in ("label", "hint", "title") and len(column.tokens) == 2 and not column.lang:
                book.problem(
                    sheet.name,
                    1,
                    column.header,
                    f"language '{column.tokens[1]}' has no code; write it as "
                    f"'{base}::{column.tokens[1].title()} (xx)' with its code, e.g. "
                    f"'{base}::English (en)'",
                )
    return book


def _sheet(name: str, rows: Any, header: Any) -> Sheet:
    """The sheet ``name`` as pyxform read it, each header split by pyxform's rules."""
    from pyxform import aliases
    from pyxform.parsing.sheet_headers import process_header

    header_aliases, columns = {
        "survey": (aliases.survey_header, {"type", "name", "label", "hint"}),
        "choices": (aliases.list_header, {"list_name", "name", "label"}),
        "settings": (aliases.settings_header, {"version", "default_language"}),
    }[name]
    sheet = Sheet(name)
    headers = list(header[0]) if header else []
    double = any("::" in h for h in headers)
    for h in headers:
        _, tokens = process_header(h, double, header_aliases, columns)
        if tokens == ("list name",):
            tokens = ("list_name",)
        lang = None
        if tokens[0] in ("label", "hint", "title", TITLE_SETTING) and len(tokens) == 2:
            lang = language_code(tokens[1])
        sheet.columns.append(Column(h, tokens, lang))
    sheet.rows = [(i + 2, dict(row)) for i, row in enumerate(rows or ())]
    return sheet
