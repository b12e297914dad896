"""The ``metadata.yml`` Datasette reads beside a public database (``consult publish``):
title, description, licence and source from the survey, a description of every table and
column, full-text search on the comments, and canned queries with named parameters.
"""

from __future__ import annotations

import re
from typing import Any

from consult.store.sqlite_publish import PublicData, canned_queries, lang_column
from consult.survey.model import Survey

_SUPPORT = {
    "rank": "Order by support in the panel (1 = most support; under the quorum ranks last).",
    "proposal_id": "The proposal's id (see proposals).",
    "number": "The proposal's number in the survey, as participants saw it.",
    "title": "The proposal's title.",
    "group_id": "The stakeholder group ('panel' in the support table: everyone counted).",
    "group_label": "The group's label.",
    "n_valid": "Answers on the scale (abstentions left out).",
    "n_abstained": "Abstentions.",
    "support": "Share of valid answers on the scale's support points (0 to 1).",
    "support_ci_low": "Lower end of the Wilson 95% interval of support.",
    "support_ci_high": "Upper end of the Wilson 95% interval of support.",
    "neutral": "Share of valid answers neither support nor opposition.",
    "opposition": "Share of valid answers on the scale's opposition points.",
    "median": "Median scale point.",
    "q1": "First quartile (Hyndman-Fan type 7).",
    "q3": "Third quartile (Hyndman-Fan type 7).",
    "iqr": "Interquartile range.",
    "mean": "Mean scale point.",
    "small_group": "1 when the group has fewer valid answers than the survey's small_group.",
    "consensus": "The verdict of the consensus rule agreed in advance (for, against, none, "
    "insufficient).",
    "group_balanced_support": "Support with every group weighing the same.",
    "max_divergence": "The largest difference of support between two groups (0 to 1).",
    "contested": "1 when that difference reaches the contested gap and its interval excludes 0.",
}


def _lang_columns(prefix: str, what: str, langs: tuple[str, ...]) -> dict[str, str]:
    return {lang_column(prefix, lang): f"{what} in {lang}." for lang in langs}


def metadata(survey: Survey, database: str, lang: str, data: PublicData) -> dict[str, Any]:
    """The Datasette metadata of the public database named ``database`` (its file's stem)."""
    langs = survey.languages
    first = langs[0]
    title = survey.title.get(lang)
    description = survey.description.get(lang) if survey.description else ""
    about = data.about
    where = (
        f"Round {about['round']}, {about['counted']}"
        f"{', simulated ones included' if about['simulated_included'] else ''}; "
        f"{about['respondents']} respondents. Pseudonyms only: no names, organisations or "
        "access codes."
    )
    meta: dict[str, Any] = {
        "title": title,
        "description": f"{description} {where}".strip(),
    }
    for key, label in (("licence", "license"), ("source", "source")):
        value = survey.definition.get(key)
        if value:
            meta[label] = str(value)
            if re.match(r"https?://", str(value)):
                meta[f"{label}_url"] = str(value)
    tables: dict[str, Any] = {
        "about": {
            "description": "What this copy holds: survey, version, round, what was counted.",
        },
        "groups": {
            "description": "The stakeholder groups.",
            "columns": {
                "group_id": "The group's id.",
                "position": "Its place in the survey.",
                **_lang_columns("label", "Its label", langs),
            },
        },
        "proposals": {
            "description": "The proposals, in survey order.",
            "columns": {
                "proposal_id": "The proposal's id.",
                "number": _SUPPORT["number"],
                **_lang_columns("title", "Its title", langs),
                **_lang_columns("statement", "Its statement", langs),
            },
        },
        "questions": {
            "description": "Every question, in the order participants met them.",
            "columns": {
                "question": "The question's key: proposal.question, or its id.",
                "proposal_id": "The proposal it belongs to (empty for profile and closing).",
                "type": "scale, single_choice, multiple_choice, ranking, number or text.",
                "position": "Its place in the survey.",
                **_lang_columns("text", "The question", langs),
            },
        },
        "options": {
            "description": "The answers a question offers: scale points (and abstain), options.",
            "columns": {
                "question": "The question's key.",
                "value": "The value an answer stores.",
                "position": "Its place in the list.",
                **_lang_columns("label", "Its label", langs),
            },
        },
        "respondents": {
            "description": "One row per counted response, under a pseudonym.",
            "columns": {
                "respondent": "Pseudonymous participant id.",
                "group_id": "The participant's stakeholder group.",
                "round": "The round of the response.",
                "status": "submitted or in_progress.",
                "simulated": "1 for a simulated (rehearsal) response.",
            },
        },
        "answers": {
            "description": "Every answer of the counted responses, with its label.",
            "columns": {
                "respondent": "Pseudonymous participant id.",
                "question": "The question's key.",
                "value": "The answer as stored: a scale point, an option id, a number, text; "
                "a JSON list for multiple choice and rankings.",
                "numeric": "The number of a scale point or number answer.",
                **_lang_columns("label", "The answer as people read it", langs),
            },
        },
        "comments": {
            "description": "Free-text answers, searchable.",
            "fts_table": "comments_fts",
            "fts_pk": "id",
            "columns": {
                "respondent": "Pseudonymous participant id.",
                "group_id": "The author's stakeholder group.",
                "question": "The question answered.",
                "proposal_id": "The proposal it is about (empty for closing questions).",
                "text": "What the participant wrote: their words, unedited.",
            },
        },
        "support": {
            "description": "The figures of consult results --json, per proposal and for the "
            "panel ('panel') and each group.",
            "columns": {c: _SUPPORT[c] for c in _SUPPORT if c not in ("title", "group_label")},
        },
        "support_overall": {
            "description": "Support for each proposal in the whole panel, most support first.",
            "columns": {c: _SUPPORT[c] for c in _SUPPORT if c not in ("group_id", "group_label")},
        },
        "support_by_group": {
            "description": "Support for each proposal in each stakeholder group.",
            "columns": dict(_SUPPORT),
        },
    }
    queries = {
        name: {"title": title, "description": description, "sql": sql}
        for name, (title, description, sql) in canned_queries(first).items()
    }
    meta["databases"] = {
        database: {
            "title": title,
            "description": where,
            "tables": tables,
            "queries": queries,
        }
    }
    return meta


def metadata_yaml(survey: Survey, database: str, lang: str, data: PublicData) -> str:
    """:func:`metadata` as YAML text."""
    import yaml

    return yaml.safe_dump(
        metadata(survey, database, lang, data), sort_keys=False, allow_unicode=True, width=100
    )
