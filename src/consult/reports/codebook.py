"""The codebook of the wide table: every variable, its question in each language, its type, its
values with their labels and the codes of a missing answer, as Markdown or CSV.

The same variables as the SPSS, Stata and wide CSV exports (:mod:`consult.reports.variables`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from consult.reports.variables import (
    MISSING_MEANING,
    SPSS_MISSING,
    STATA_MISSING,
    Variable,
    variables,
)
from consult.safe_text import neutralise_formula, strip_control
from consult.survey.model import Survey

#: What each kind of variable is, in words.
KIND_WORDS = {
    "id": "text (pseudonym)",
    "code": "coded",
    "scale": "scale point",
    "choice": "single choice, coded",
    "flag": "0/1",
    "position": "rank position (1 = first)",
    "number": "number",
    "text": "free text",
}


def _type(survey: Survey, var: Variable) -> str:
    if not var.question:
        return KIND_WORDS[var.kind]
    return f"{survey.question(var.question).type}: {KIND_WORDS[var.kind]}"


def codebook_rows(survey: Survey) -> Iterator[dict[str, Any]]:
    """The codebook as flat rows: one for each variable, then one per value and missing code.

    ``value`` is what the CSV export holds, ``spss`` and ``stata`` the number those files hold.
    """
    langs = survey.languages
    for var in variables(survey):
        base = {"variable": var.name, "question": var.question, "option": var.option}
        yield {
            **base,
            "type": _type(survey, var),
            "role": "variable",
            "value": "",
            "spss": "",
            "stata": "",
            **{lang: var.label.get(lang) for lang in langs},
        }
        for value, text in var.values.items():
            code = var.codes.get(value, value) if var.codes else value
            yield {
                **base,
                "type": "",
                "role": "value",
                "value": value,
                "spss": code,
                "stata": code,
                **{lang: text.get(lang) for lang in langs},
            }
        for reason in var.missing:
            coded = var.kind not in ("number", "text")
            yield {
                **base,
                "type": "",
                "role": "missing",
                "value": reason.value,
                "spss": SPSS_MISSING[reason] if coded else "(system missing)",
                "stata": f".{STATA_MISSING[reason]}" if coded else ". / empty",
                **dict.fromkeys(langs, MISSING_MEANING[reason]),
            }


def write_codebook(survey: Survey, fmt: str, out: IO[str]) -> int:
    """Write the codebook as ``md`` or ``csv``; returns the number of variables."""
    if fmt == "csv":
        langs = list(survey.languages)
        columns = ["variable", "question", "option", "type", "role", "value", "spss", "stata"]
        writer = csv.writer(out)
        writer.writerow(columns + [f"text_{lang}" for lang in langs])
        for row in codebook_rows(survey):
            writer.writerow([_cell(row[c]) for c in columns + langs])
        return len(variables(survey))
    return _write_markdown(survey, out)


def _cell(value: Any) -> Any:
    return neutralise_formula(strip_control(value)) if isinstance(value, str) else value


def _md(text: Any) -> str:
    """Text safe in a Markdown table cell: one line, pipes escaped."""
    text = strip_control(str(text)).replace("\n", " ")
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _write_markdown(survey: Survey, out: IO[str]) -> int:
    langs = survey.languages
    first = langs[0]
    out.write(f"# Codebook: {_md(survey.title.get(first))}\n\n")
    out.write(
        f"Survey `{survey.id}`, version {_md(survey.version)}, definition hash "
        f"`{survey.hash[:12]}`. One row per response; pseudonyms only. In CSV a missing answer "
        "is a word (abstain, skipped, not asked); SPSS declares -7, -8 and -9 missing, Stata "
        "uses .a, .b and .c. Free text and numbers are left empty instead.\n\n"
    )
    n = 0
    for var in variables(survey):
        n += 1
        out.write(f"## `{var.name}`\n\n")
        where = f"question `{var.question}`" if var.question else "the response"
        if var.option:
            where += f", option `{var.option}`"
        out.write(f"{_md(_type(survey, var))}; {where}.\n\n")
        out.write("| language | text |\n|---|---|\n")
        for lang in langs:
            out.write(f"| {lang} | {_md(var.label.get(lang))} |\n")
        out.write("\n")
        if var.values:
            out.write("| value | SPSS / Stata | " + " | ".join(langs) + " |\n")
            out.write("|---|---|" + "---|" * len(langs) + "\n")
            for value, text in var.values.items():
                code = var.codes.get(value, value) if var.codes else value
                labels = " | ".join(_md(text.get(lang)) for lang in langs)
                out.write(f"| {_md(value)} | {code} | {labels} |\n")
            out.write("\n")
        elif var.minimum is not None or var.maximum is not None:
            lo = "" if var.minimum is None else f"{var.minimum:g}"
            hi = "" if var.maximum is None else f"{var.maximum:g}"
            out.write(f"Range: {lo}..{hi}{' (whole numbers)' if var.integer else ''}.\n\n")
        if var.missing:
            coded = var.kind not in ("number", "text")
            out.write("Missing: ")
            out.write(
                "; ".join(
                    f"{r.value} = {MISSING_MEANING[r]}"
                    + (f" (SPSS {SPSS_MISSING[r]}, Stata .{STATA_MISSING[r]})" if coded else "")
                    for r in var.missing
                )
            )
            out.write(".\n\n")
    return n
