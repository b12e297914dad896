"""Answers exported by ODK Central or KoboToolbox for the survey fielded as our XLSForm are
imported (issue 17), once: importing the same export again changes nothing.

The CSV columns are derived from the XLSForm ``consult survey export-xlsform`` writes: each
field's name behind its group path, joined the way each platform joins them (ODK Central ``-``,
KoboToolbox ``/``), beside the platforms' own columns.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from consult.imports.answer_files import import_answers
from consult.reports.xlsform import write_xlsform
from consult.store import Store
from consult.store.surveys import register_survey
from consult.survey.model import Survey

ANSWERS = {
    "group": "diplomacy",
    "organisation_type": "think_tank",
    "experience_years": "25",
    "expertise": "expert",
    "ministry-led.support": "2",
    "ministry-led.why_oppose": "Diplomacy should stay with the foreign ministry.",
    "public-private-networks.support": "5",
    "legal-foundation.support": "abstain",
    "inter-ministerial-strategy.support": "4",
    "global-agendas.support": "3",
    "international-leadership.support": "1",
    "international-leadership.why_oppose": "Too early.",
    "priorities": "legal-foundation ministry-led",
}
STORED = {
    "organisation_type": "think_tank",
    "experience_years": 25,
    "expertise": "expert",
    "ministry-led.support": 2,
    "ministry-led.why_oppose": "Diplomacy should stay with the foreign ministry.",
    "public-private-networks.support": 5,
    "legal-foundation.support": "abstain",
    "inter-ministerial-strategy.support": 4,
    "global-agendas.support": 3,
    "international-leadership.support": 1,
    "international-leadership.why_oppose": "Too early.",
    "priorities": ["legal-foundation", "ministry-led"],
}


def field_paths(survey: Survey, tmp_path: Path) -> list[list[str]]:
    """Every field of our XLSForm with its group path, in form order."""
    form = tmp_path / "form.xlsx"
    write_xlsform(survey, form)
    ws = openpyxl.load_workbook(form)["survey"]
    header = [c.value for c in ws[1]]
    groups: list[str] = []
    out = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        kind, name = str(row[header.index("type")] or ""), row[header.index("name")]
        if kind == "begin_group":
            groups.append(name)
        elif kind == "end_group":
            groups.pop()
        elif name:
            out.append([*groups, name])
    return out


def write_export(
    path: Path, paths: list[list[str]], sep: str, rows: list[dict[str, str]], kobo: bool
) -> None:
    names = [sep.join(p) for p in paths]
    if kobo:
        head = ["start", "end", *names, "priorities/ministry-led", "meta/instanceID", "_id"]
        head += ["_uuid", "_submission_time", "_status", "__version__"]
    else:
        head = ["SubmissionDate", "start", "end", *names, "meta-instanceID", "KEY"]
        head += ["SubmitterID", "SubmitterName", "ReviewState", "Edits", "FormVersion"]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(head)
        for i, answers in enumerate(rows):
            instance = answers.get("instance", f"uuid:0000000{i}-aaaa-4bbb-8ccc-dddddddddddd")
            by_name = {sep.join(p): answers.get(p[-1], "") for p in paths}
            cells = [by_name.get(h, "") for h in names]
            if kobo:
                out.writerow(
                    ["2026-11-30T10:00", "2026-11-30T10:12", *cells, "1", instance, str(100 + i),
                     instance[5:], "2026-11-30T10:13", "submitted_via_web", "v1"]
                )  # fmt: skip
            else:
                out.writerow(
                    ["2026-11-30T10:13:00.000Z", "2026-11-30T10:00", "2026-11-30T10:12", *cells,
                     instance, instance, "42", "enumerator", "", "0", "1.0"]
                )  # fmt: skip


@pytest.mark.parametrize("platform", ["odk-central", "kobotoolbox"])
def test_a_platform_export_imports_once(
    store: Store, example: Survey, tmp_path: Path, platform: str
) -> None:
    register_survey(store, example)
    kobo = platform == "kobotoolbox"
    paths = field_paths(example, tmp_path)
    assert ["ministry-led", "ministry-led.support"] in paths
    export = tmp_path / f"{platform}.csv"
    other = dict(ANSWERS, group="science", **{"ministry-led.support": "5"})
    other.pop("ministry-led.why_oppose")
    write_export(export, paths, "/" if kobo else "-", [ANSWERS, other], kobo)

    plan = import_answers(store, example, [export])
    assert plan.ok, plan.problems
    assert plan.summary() == "2 created, 0 updated, 0 unchanged, 0 refused"
    first, second = store.participants(example.id)
    assert (first.group_id, second.group_id) == ("diplomacy", "science")
    assert first.external_id == "odk:uuid:00000000-aaaa-4bbb-8ccc-dddddddddddd"
    response = store.response(first.id, 1)
    assert response is not None and response.submitted and response.channel == "table"
    assert store.answers(response.id) == STORED
    history = len(store.answer_history(response.id))

    again = import_answers(store, example, [export])
    assert again.summary() == "0 created, 0 updated, 2 unchanged, 0 refused"
    assert len(store.answer_history(response.id)) == history
    assert len(store.participants(example.id)) == 2


def test_an_edited_submission_updates_the_response_it_replaces(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    register_survey(store, example)
    paths = field_paths(example, tmp_path)
    export = tmp_path / "odk.csv"
    write_export(export, paths, "-", [ANSWERS], kobo=False)
    import_answers(store, example, [export])
    # ODK Central after an edit: a new instanceID, the old one as deprecatedID.
    edited = dict(ANSWERS, instance="uuid:11111111-aaaa-4bbb-8ccc-dddddddddddd")
    edited["global-agendas.support"] = "4"
    write_export(export, [*paths, ["meta", "deprecatedID"]], "-", [edited], kobo=False)
    with export.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("meta-deprecatedID")
    rows[1][at] = "uuid:00000000-aaaa-4bbb-8ccc-dddddddddddd"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    plan = import_answers(store, example, [export])
    assert plan.summary() == "0 created, 1 updated, 0 unchanged, 0 refused"
    assert plan.outcomes[0].changes == (("global-agendas.support", 3, 4),)
    assert len(store.participants(example.id)) == 1
    assert import_answers(store, example, [export]).summary() == (
        "0 created, 0 updated, 1 unchanged, 0 refused"
    )


def test_a_column_no_question_has_is_named(store: Store, example: Survey, tmp_path: Path) -> None:
    register_survey(store, example)
    paths = [*field_paths(example, tmp_path), ["ministry-led", "budget"]]
    export = tmp_path / "odk.csv"
    write_export(export, paths, "-", [dict(ANSWERS, budget="12")], kobo=False)
    plan = import_answers(store, example, [export])
    assert not plan.ok
    assert plan.problems == [
        f"{export}: row 2, column ministry-led-budget: not a question of "
        "st-diplomacy-roundtable ('12')"
    ]
    assert store.participants(example.id) == []


def test_a_submission_edited_twice_stays_one_participant(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    register_survey(store, example)
    paths = [*field_paths(example, tmp_path), ["meta", "deprecatedID"]]
    export = tmp_path / "odk.csv"
    ids = [f"uuid:{n}{n}{n}{n}{n}{n}{n}{n}-aaaa-4bbb-8ccc-dddddddddddd" for n in range(3)]
    for i, instance in enumerate(ids):
        answers = dict(ANSWERS, instance=instance, **{"global-agendas.support": str(3 + (i % 2))})
        write_export(export, paths, "-", [answers], kobo=False)
        with export.open(encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows[1][rows[0].index("meta-deprecatedID")] = ids[i - 1] if i else ""
        with export.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        plan = import_answers(store, example, [export])
        assert plan.ok, plan.problems
        assert plan.count("created") == (1 if i == 0 else 0)
    (only,) = store.participants(example.id)
    assert only.external_id == f"odk:{ids[-1]}"
