"""``consult publish``: a pseudonymous copy of a survey's results for Datasette and for sharing.

The live database holds names, access codes and secrets; this writes a new SQLite file from
what may leave the room: pseudonyms, groups, the answers with their labels in every language of
the survey, the comments (searchable), and the support for each proposal overall and by group,
the very figures of ``consult results --json`` for the same responses. Beside it, a
``metadata.yml`` tells Datasette the title, description, licence and source, what each column
means, and offers canned queries.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from consult.errors import ConsultError
from consult.reports.output_file import replacing
from consult.results.aggregation import Results, aggregate
from consult.results.answers import answer_records
from consult.store import ResponseFilter, Store
from consult.store.sqlite_publish import SUPPORT_COLUMNS, PublicData, write_public_database
from consult.survey.model import Survey, Text


def _texts(text: Text | None, langs: tuple[str, ...]) -> dict[str, str]:
    return {lang: text.get(lang) for lang in langs} if text is not None else {}


def resolve_round(store: Store, survey: Survey, flt: ResponseFilter) -> ResponseFilter:
    """The filter with its round named: the latest unless given, as ``consult results`` does."""
    if flt.round is not None:
        return flt
    return replace(flt, round=store.latest_round(survey.id, flt) or 1)


def public_data(
    store: Store, survey: Survey, flt: ResponseFilter, lang: str, *, comments: bool = True
) -> tuple[PublicData, Results]:
    """Everything the public database holds, from the responses ``flt`` admits (its round
    named), and the results its figures come from."""
    langs = survey.languages
    results = aggregate(store, survey, flt, lang)
    data = PublicData(
        languages=langs,
        about={
            "survey_id": survey.id,
            "title": survey.title.get(lang),
            "version": survey.version,
            "definition_hash": survey.hash,
            "languages": ", ".join(langs),
            "round": flt.round,
            "counted": "submitted and in-progress responses"
            if flt.include_in_progress
            else "submitted responses",
            "simulated_included": int(flt.include_simulated),
            "comments_included": int(comments),
            "respondents": results.n_respondents,
            "consensus_rule": results.consensus_rule,
            "licence": survey.definition.get("licence"),
            "source": survey.definition.get("source"),
        },
    )
    data.groups = [(g.id, i, _texts(g.label, langs)) for i, g in enumerate(survey.groups, 1)]
    data.proposals = [
        (p.id, i, _texts(p.title, langs), _texts(p.statement, langs))
        for i, p in enumerate(survey.proposals, 1)
    ]
    by_key = {q.key: q for q in survey.questions()}
    data.questions = [
        (q.key, q.proposal, q.type, i, _texts(q.text, langs)) for i, q in enumerate(by_key.values())
    ]
    for q in by_key.values():
        if q.scale:
            scale = survey.scale(q.scale)
            points = [(str(p.value), p.label) for p in scale.points]
            if scale.abstain:
                points.append(("abstain", scale.abstain))
        else:
            points = [(o.id, o.label) for o in q.options]
        data.options.extend((q.key, v, i, _texts(t, langs)) for i, (v, t) in enumerate(points, 1))
    seen: dict[str, tuple[str, str, int, str, int]] = {}
    answers = []
    for rec in answer_records(store, survey, flt):
        q = by_key.get(rec["question"])
        if q is None:  # a question the survey no longer asks: not in the public copy
            continue
        who = rec["participant"]
        seen.setdefault(
            who, (who, rec["group"], rec["round"], rec["status"], int(rec["simulated"]))
        )
        value = rec["value"]
        if q.kind.free_text:
            if not comments:
                continue
            data.comments.append((who, rec["group"], q.key, q.proposal, str(value)))
        fits = q.kind.fits(q, value, survey) or (value == "abstain" and q.scale is not None)
        labels = {
            x: q.kind.format(q, value, x, survey) if fits else json.dumps(value) for x in langs
        }
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        answers.append((who, q.key, text, rec["numeric"], labels))
    data.respondents = list(seen.values())
    data.answers = answers
    data.support = list(support_rows(results))
    return data, results


def support_rows(results: Results) -> list[dict[str, Any]]:
    """One row per proposal and respondent set (``panel``, then each group): the figures of
    ``consult results --json``, unrounded."""
    rows = []
    for p in results.proposals:
        st = p.stats
        for group, s in (("panel", st.panel), *st.groups.items()):
            panel = group == "panel"
            ci = s.support_ci or (None, None)
            row = {
                "proposal_id": p.id,
                "group_id": group,
                "rank": p.rank,
                "n_valid": s.n_valid,
                "n_abstained": s.n_abstained,
                "support": s.support,
                "support_ci_low": ci[0],
                "support_ci_high": ci[1],
                "neutral": s.neutral,
                "opposition": s.opposition,
                "median": s.median,
                "q1": s.q1,
                "q3": s.q3,
                "iqr": s.iqr,
                "mean": s.mean,
                "small_group": None if panel else int(group in st.small_groups),
                "consensus": st.consensus if panel else None,
                "group_balanced_support": st.group_balanced_support if panel else None,
                "max_divergence": (
                    st.max_divergence.difference if panel and st.max_divergence else None
                ),
                "contested": int(st.contested) if panel else None,
            }
            assert tuple(row) == SUPPORT_COLUMNS
            rows.append(row)
    return rows


def publish(
    store: Store,
    survey: Survey,
    flt: ResponseFilter,
    output: Path,
    metadata_path: Path,
    lang: str,
    *,
    comments: bool = True,
    force: bool = False,
) -> dict[str, int]:
    """Write the public database and its Datasette metadata, each all or nothing; returns the
    rows of each table."""
    from consult.reports.datasette_metadata import metadata_yaml

    with store.snapshot():
        flt = resolve_round(store, survey, flt)
        data, _ = public_data(store, survey, flt, lang, comments=comments)
    try:
        with replacing(output, overwrite=force) as tmp:
            counts = write_public_database(tmp, data)
        with replacing(metadata_path, overwrite=force) as tmp:
            tmp.write_text(metadata_yaml(survey, output.stem, lang, data), encoding="utf-8")
    except OSError as exc:
        raise ConsultError(f"{output}: cannot write ({exc.strerror or exc})") from None
    return counts
