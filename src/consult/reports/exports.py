"""Exports for scripts and spreadsheets: raw answers and the summary, as CSV, JSON or JSON lines.

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

WHATS = ("answers", "summary")
FORMATS = ("csv", "json", "jsonl", "wide")
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
) -> int:
    """Write an export to ``path``, all or nothing: a failure leaves no half-written file.

    A pipe or ``/dev/stdout`` is written to directly (appended to, so ``>>`` keeps what was
    there); an existing file is replaced only with ``force``."""
    try:
        if is_stream(path):
            with open(path, "a", encoding="utf-8", newline="") as out:
                return write_export(store, survey, what, fmt, out, flt, results)
        with (
            replacing(path, overwrite=force) as tmp,
            open(tmp, "w", encoding="utf-8", newline="") as out,
        ):
            return write_export(store, survey, what, fmt, out, flt, results)
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
) -> int:
    """Write answers or the summary to ``out``; returns the number of records written."""
    if what not in WHATS:
        raise InputError(f"--what {what}: one of {', '.join(WHATS)}")
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    if fmt == "wide":
        if what != "answers":
            raise InputError("--format wide: only with --what answers")
        from consult.reports.wide import wide_rows, write_wide_csv

        header, rows = wide_rows(store, survey, flt)
        return write_wide_csv(header, rows, out)
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
