"""Labelled data for analysts: the wide table as an SPSS (.sav) or Stata (.dta) file, or a CSV.

SPSS and Stata files carry the question texts as variable labels and the scale points, options
and groups as value labels, in one language. A group or a single choice is a numeric code with
labels; a multiple choice question is one 0/1 variable per option, a ranking one position
variable per option. Why a cell is empty is kept: in SPSS as declared missing values (-7
abstained, -8 skipped, -9 not asked), in Stata as the extended missing values .a, .b and .c.
Free text and number questions leave an empty cell (system missing) instead, as any number may
be an answer. Written through pyreadstat, an optional extra: ``pip install 'consult[spss]'``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from consult.errors import InputError
from consult.reports.variables import (
    SPSS_MISSING,
    STATA_MISSING,
    Missing,
    Variable,
    variables,
    wide_rows,
)
from consult.safe_text import neutralise_formula, strip_control
from consult.store import ResponseFilter, Store
from consult.survey.model import Survey

BINARY_FORMATS = ("sav", "dta")
EXTRA_HINT = "pip install 'consult[spss]'"


def _pyreadstat() -> Any:
    try:
        import pandas  # noqa: F401  (pyreadstat writes data frames)
        import pyreadstat
    except ImportError:
        raise InputError(f"--format sav and dta need pyreadstat and pandas: {EXTRA_HINT}") from None
    return pyreadstat


def require_extra(fmt: str) -> None:
    """Refuse a binary format at once, before any work, when its libraries are missing."""
    if fmt in BINARY_FORMATS:
        _pyreadstat()


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` bytes of UTF-8 (the formats count bytes), on a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _coded(var: Variable, value: Any, missing: dict[Missing, Any]) -> Any:
    if isinstance(value, Missing):
        if var.kind in ("text", "id"):
            return ""
        if var.kind == "number":
            return None
        return missing[value]
    if var.codes:
        return var.codes.get(value)
    return value


def write_labelled(
    store: Store, survey: Survey, flt: ResponseFilter, fmt: str, path: Path, lang: str
) -> int:
    """Write the wide table to ``path`` as SPSS (``sav``) or Stata (``dta``); returns the rows."""
    pyreadstat = _pyreadstat()
    import pandas as pd

    columns = variables(survey)
    missing = SPSS_MISSING if fmt == "sav" else STATA_MISSING
    data: dict[str, list[Any]] = {v.name: [] for v in columns}
    n = 0
    for row in wide_rows(store, survey, flt, columns):
        for var, value in zip(columns, row, strict=True):
            cell = _coded(var, value, missing)
            data[var.name].append(strip_control(cell) if isinstance(cell, str) else cell)
        n += 1
    frame = pd.DataFrame(
        {
            v.name: pd.Series(
                data[v.name],
                dtype=object if (not v.numeric or (fmt == "dta" and v.missing)) else "float64",
            )
            for v in columns
        }
    )
    labels = {v.name: v.label.get(lang) for v in columns}
    value_labels = {}
    for v in columns:
        if not v.numeric:
            continue
        table = v.value_labels(lang)
        if fmt == "sav" and v.missing and v.kind != "number":
            table.update({float(SPSS_MISSING[m]): MISSING_LABELS[m] for m in v.missing})
        if fmt == "dta":
            table = {int(k): label for k, label in table.items()}
        if table:
            value_labels[v.name] = table
    title = survey.title.get(lang)
    if fmt == "sav":
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=_fit(title, 64),
            column_labels={k: _fit(label, 255) for k, label in labels.items()},
            variable_value_labels=value_labels,
            missing_ranges={
                v.name: [float(c) for c in SPSS_MISSING.values()]
                for v in columns
                if v.missing and v.kind not in ("number", "text")
            },
        )
    else:
        pyreadstat.write_dta(
            frame,
            str(path),
            file_label=_fit(title, 80),
            column_labels={k: _fit(label, 80) for k, label in labels.items()},
            variable_value_labels=value_labels,
            missing_user_values={
                v.name: list(STATA_MISSING.values())
                for v in columns
                if v.missing and v.kind not in ("number", "text")
            },
        )
    return n


MISSING_LABELS = {
    Missing.ABSTAIN: "abstained",
    Missing.SKIPPED: "skipped",
    Missing.NOT_ASKED: "not asked",
}


def write_wide_csv(store: Store, survey: Survey, flt: ResponseFilter, out: IO[str]) -> int:
    """The wide table as CSV: option ids, scale points and numbers as stored, the missing
    reasons as words, participant text neutralised for spreadsheets. Returns the rows."""
    columns = variables(survey)
    writer = csv.writer(out)
    writer.writerow([v.name for v in columns])
    n = 0
    for row in wide_rows(store, survey, flt, columns):
        writer.writerow([_csv_cell(value) for value in row])
        n += 1
    return n


def _csv_cell(value: Any) -> Any:
    if isinstance(value, Missing):
        return value.value
    if isinstance(value, str):
        return neutralise_formula(strip_control(value))
    return value
