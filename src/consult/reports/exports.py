"""Exports for scripts, spreadsheets and statistics packages: raw answers and the summary as CSV,
JSON or JSON lines; the answers one row per response (``wide``) as CSV, SPSS or Stata; the
codebook as Markdown or CSV; a Frictionless data package beside a CSV.

Raw answers carry pseudonymous participant ids, never names or access codes. Participant text
stays data: CSV cells lose control characters and get a quote before what a spreadsheet would
run as a formula; JSON escapes what a terminal would act on.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from consult.errors import ConsultError, InputError
from consult.reports.output_file import is_stream, replacing
from consult.results.aggregation import Results
from consult.results.answers import answer_records
from consult.safe_text import json_text, neutralise_formula, strip_control
from consult.store import ResponseFilter, Store
from consult.survey.model import Survey

WHATS = ("answers", "summary", "codebook")
FORMATS = ("csv", "json", "jsonl", "wide", "sav", "dta", "md")
#: The formats each export comes in.
WHAT_FORMATS = {
    "answers": ("csv", "json", "jsonl", "wide", "sav", "dta"),
    "summary": ("csv", "json", "jsonl"),
    "codebook": ("md", "csv"),
}
BINARY = ("sav", "dta")
ANSWER_COLUMNS = (
    "participant",
    "group",
    "round",
    "status",
    "simulated",
    "proposal",
    "question",
    "value",
    "numeric",
    "answered_at",
    "survey_hash",
)
SUMMARY_COLUMNS = (
    "rank",
    "proposal",
    "title",
    "group",
    "n_valid",
    "n_abstained",
    "support",
    "support_ci_low",
    "support_ci_high",
    "neutral",
    "opposition",
    "mean",
    "sd",
    "median",
    "q1",
    "q3",
    "iqr",
    "tastle_wierman",
    "percent_agreement",
    "consensus",
    "group_balanced_support",
    "group_informed_consensus",
    "max_divergence",
    "contested",
)


def summary_records(results: Results) -> Iterator[dict[str, Any]]:
    """One record per proposal and respondent set (the panel, then each group)."""
    for p in results.proposals:
        st = p.stats
        for group, s in (("panel", st.panel), *st.groups.items()):
            ci = s.support_ci or (None, None)
            yield {
                "rank": p.rank,
                "proposal": p.id,
                "title": p.title,
                "group": group,
                "n_valid": s.n_valid,
                "n_abstained": s.n_abstained,
                "support": s.support,
                "support_ci_low": ci[0],
                "support_ci_high": ci[1],
                "neutral": s.neutral,
                "opposition": s.opposition,
                "mean": s.mean,
                "sd": s.sd,
                "median": s.median,
                "q1": s.q1,
                "q3": s.q3,
                "iqr": s.iqr,
                "tastle_wierman": s.tastle_wierman,
                "percent_agreement": s.percent_agreement,
                "consensus": st.consensus if group == "panel" else "",
                "group_balanced_support": st.group_balanced_support if group == "panel" else None,
                "group_informed_consensus": st.group_informed_consensus
                if group == "panel"
                else None,
                "max_divergence": (
                    st.max_divergence.difference if group == "panel" and st.max_divergence else None
                ),
                "contested": st.contested if group == "panel" else None,
            }


def check_export(
    what: str, fmt: str, to_file: bool, *, wide: bool = False, datapackage: bool = False
) -> None:
    """Refuse, before any work, a combination of options that cannot be written."""
    if what not in WHATS:
        raise InputError(f"--what {what}: one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    if fmt not in WHAT_FORMATS[what]:
        raise InputError(f"--what {what} comes as {', '.join(WHAT_FORMATS[what])}, not {fmt}")
    if fmt in BINARY and not to_file:
        raise InputError(f"--format {fmt} is a binary file: name it with -o FILE.{fmt}")
    if wide and (what != "answers" or fmt != "csv"):
        raise InputError("--wide applies to --what answers --format csv (sav and dta always are)")
    if datapackage and (fmt != "csv" or what == "codebook" or not to_file):
        raise InputError("--datapackage describes a CSV of answers or the summary: add -o FILE.csv")
    if fmt in BINARY:
        from consult.reports.labelled import require_extra

        require_extra(fmt)


def check_file(output: Path, fmt: str, datapackage: bool) -> None:
    """Refuse a stream (a pipe, /dev/stdout) where a file is needed: an SPSS or Stata file, or
    a CSV with a data package beside it."""
    if is_stream(output) and (fmt in BINARY or datapackage):
        raise InputError(f"{output}: --format {fmt} needs a file, not a stream")


def package_path(output: Path) -> Path:
    """Where ``--datapackage`` writes: ``datapackage.json`` beside the CSV."""
    return output.parent / "datapackage.json"


def write_package(
    survey: Survey, what: str, output: Path, lang: str, wide: bool, force: bool
) -> Path:
    """Write the data package describing the CSV at ``output``, all or nothing."""
    from consult.reports.datapackage import data_package, write_data_package

    layout = "wide" if wide else what
    columns = list(ANSWER_COLUMNS if what == "answers" else SUMMARY_COLUMNS)
    package = data_package(survey, output, layout, lang, columns)
    path = package_path(output)
    try:
        with replacing(path, overwrite=force) as tmp:
            write_data_package(package, tmp)
    except OSError as exc:
        problem = exc.strerror or exc
        raise ConsultError(f"{path}: cannot write the data package ({problem})") from None
    return path


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralise_formula(strip_control(value))
    if value is None:
        return ""
    return value


def export_to_file(
    store: Store,
    survey: Survey,
    what: str,
    fmt: str,
    path: Path,
    flt: ResponseFilter,
    results: Results | None = None,
    force: bool = False,
    *,
    lang: str | None = None,
    wide: bool = False,
) -> int:
    """Write an export to ``path``, all or nothing: a failure leaves no half-written file.

    A pipe or ``/dev/stdout`` is written to directly (appended to, so ``>>`` keeps what was
    there); an existing file is replaced only with ``force``."""
    args = (store, survey, what, fmt)
    try:
        if fmt in BINARY:
            from consult.reports.labelled import write_labelled

            with replacing(path, overwrite=force) as tmp:
                return write_labelled(store, survey, flt, fmt, tmp, lang or survey.languages[0])
        if is_stream(path):
            with open(path, "a", encoding="utf-8", newline="") as out:
                return write_export(*args, out, flt, results, lang=lang, wide=wide)
        with (
            replacing(path, overwrite=force) as tmp,
            open(tmp, "w", encoding="utf-8", newline="") as out,
        ):
            return write_export(*args, out, flt, results, lang=lang, wide=wide)
    except OSError as exc:
        raise ConsultError(f"{path}: cannot write the export ({exc.strerror or exc})") from None


def write_export(
    store: Store,
    survey: Survey,
    what: str,
    fmt: str,
    out: IO[str],
    flt: ResponseFilter,
    results: Results | None = None,
    *,
    lang: str | None = None,
    wide: bool = False,
) -> int:
    """Write answers, the summary or the codebook to ``out`` as text; returns the number of
    records (variables for the codebook, responses for ``wide``) written."""
    check_export(what, fmt, True, wide=wide)
    if fmt in BINARY:
        raise InputError(f"--format {fmt} is a binary file: name it with -o FILE.{fmt}")
    if fmt == "wide":  # the table consult import reads back
        from consult.reports.wide import wide_rows
        from consult.reports.wide import write_wide_csv as write_table

        header, rows = wide_rows(store, survey, flt, lang)
        return write_table(header, rows, out)
    if what == "codebook":
        from consult.reports.codebook import write_codebook

        return write_codebook(survey, fmt, out)
    if wide:
        from consult.reports.labelled import write_wide_csv

        return write_wide_csv(store, survey, flt, out)
    if what == "summary" and fmt == "json":
        from consult.results.aggregation import aggregate

        data = (results or aggregate(store, survey, flt)).to_dict()
        out.write(json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
        return len(data["proposals"])
    if what == "answers":
        records: Iterator[dict[str, Any]] = answer_records(store, survey, flt)
        columns = ANSWER_COLUMNS
    else:
        from consult.results.aggregation import aggregate

        records = summary_records(results or aggregate(store, survey, flt))
        columns = SUMMARY_COLUMNS
    n = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in records:
            writer.writerow([_csv_cell(record[c]) for c in columns])
            n += 1
    elif fmt == "jsonl":
        for record in records:
            out.write(json_text(json.dumps(record, ensure_ascii=False)) + "\n")
            n += 1
    else:  # a JSON array of answers, streamed so memory stays flat
        out.write("[")
        for record in records:
            out.write(("," if n else "") + "\n" + json_text(json.dumps(record, ensure_ascii=False)))
            n += 1
        out.write("\n]\n")
    return n
