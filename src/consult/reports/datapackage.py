"""A Frictionless data package (``datapackage.json``) describing a CSV export beside it.

Field types, the allowed values of scales, choices and groups (``enum`` constraints), ranges,
and the words a missing answer is written as (``missingValues``), so that
``frictionless validate datapackage.json`` checks the file and tools read it typed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from consult.reports.variables import Missing, Variable, variables
from consult.survey.model import Survey

#: The long answers CSV (:data:`consult.reports.exports.ANSWER_COLUMNS`), typed.
ANSWER_FIELDS = {
    "participant": "string",
    "group": "string",
    "round": "integer",
    "status": "string",
    "simulated": "boolean",
    "proposal": "string",
    "question": "string",
    "value": "string",
    "numeric": "number",
    "answered_at": "string",
    "survey_hash": "string",
}
_SUMMARY_TEXT = {"proposal", "title", "group", "consensus"}
_SUMMARY_INTEGER = {"rank", "n_valid", "n_abstained"}


def _wide_field(survey: Survey, var: Variable, lang: str) -> dict[str, Any]:
    field: dict[str, Any] = {"name": var.name, "title": var.label.get(lang)}
    if var.question:
        field["description"] = f"question {var.question}" + (
            f", option {var.option}" if var.option else ""
        )
    constraints: dict[str, Any] = {}
    if var.kind in ("id", "text"):
        field["type"] = "string"
    elif var.kind in ("code", "choice"):
        field["type"] = "string"
        constraints["enum"] = list(var.values)
    elif var.kind in ("scale", "flag"):
        field["type"] = "integer"
        constraints["enum"] = [int(v) for v in var.values]
    else:  # position, number
        field["type"] = "integer" if var.integer else "number"
        if var.minimum is not None:
            constraints["minimum"] = var.minimum
        if var.maximum is not None:
            constraints["maximum"] = var.maximum
    if var.kind == "id":
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _name(text: str) -> str:
    """A resource name Frictionless accepts: lowercase letters, digits, -, _ and ."""
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-") or "data"


def data_package(survey: Survey, csv_path: Path, what: str, lang: str, columns: list[str]) -> dict:
    """The package describing ``csv_path``: the wide table, the long answers or the summary."""
    if what == "wide":
        fields = [_wide_field(survey, v, lang) for v in variables(survey)]
        missing = ["", *(m.value for m in Missing)]
    elif what == "answers":
        fields = [{"name": c, "type": ANSWER_FIELDS[c]} for c in columns]
        fields[columns.index("status")]["constraints"] = {"enum": ["submitted", "in_progress"]}
        missing = [""]
    else:
        fields = [
            {
                "name": c,
                "type": "string"
                if c in _SUMMARY_TEXT
                else "integer"
                if c in _SUMMARY_INTEGER
                else "boolean"
                if c == "contested"
                else "number",
            }
            for c in columns
        ]
        missing = [""]
    package: dict[str, Any] = {
        "name": _name(survey.id),
        "title": survey.title.get(lang),
        "version": survey.version,
        "resources": [
            {
                "name": _name(f"{survey.id}-{what}"),
                "path": csv_path.name,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "missingValues": missing},
            }
        ],
    }
    if survey.description:
        package["description"] = survey.description.get(lang)
    licence = survey.definition.get("licence")
    if licence:
        package["licenses"] = [_reference(str(licence), "name")]
    source = survey.definition.get("source")
    if source:
        package["sources"] = [_reference(str(source), "title")]
    return package


def _reference(text: str, key: str) -> dict[str, str]:
    """A licence or source: a web address as its ``path``, else by name."""
    if re.match(r"https?://", text):
        return {"path": text, "title": text}
    return {key: _name(text) if key == "name" else text, "title": text}


def write_data_package(package: dict, path: Path) -> None:
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
