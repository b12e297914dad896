"""Participation status: counts by group, who has not finished, last activity; no codes or names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from consult.results.participation import participation_status, summarise
from consult.store import NewParticipant, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey

SMALL = Path(__file__).parent / "surveys" / "session-small.yaml"
CONSULT = str(Path(sys.executable).with_name("consult"))


def row(pseudonym, group, status=None, answered=0, updated=None, simulated=0):
    return {
        "pseudonym": pseudonym,
        "group_id": group,
        "status": status,
        "answered": answered,
        "updated_at": updated,
        "simulated": simulated,
        "code": "SECRET",
        "name": "Secret Name",
    }


def test_summarise_counts_a_funnel_by_group() -> None:
    rows = [
        row("P-A", "science"),
        row("P-B", "science", "in_progress", 3, "2025-07-01T10:00:00.000Z"),
        row("P-C", "science", "submitted", 8, "2025-07-01T11:00:00.000Z"),
        row("P-D", "policy", "submitted", 8, "2025-07-01T09:00:00.000Z"),
        row("P-E", "retired-group", "in_progress", 1, "2025-07-01T08:00:00.000Z"),
        row("P-S", "policy", "submitted", 8, "2025-07-02T00:00:00.000Z", simulated=1),
    ]
    result = summarise(rows, ["science", "policy"])
    assert result["groups"] == [
        {"group": "science", "invited": 3, "started": 2, "submitted": 1},
        {"group": "policy", "invited": 1, "started": 1, "submitted": 1},
        {"group": "retired-group", "invited": 1, "started": 1, "submitted": 0},
    ]
    assert result["total"] == {"invited": 5, "started": 4, "submitted": 2}
    assert [(w["pseudonym"], w["status"], w["answered"]) for w in result["not_finished"]] == [
        ("P-A", "not started", 0),
        ("P-B", "in progress", 3),
        ("P-E", "in progress", 1),
    ]
    assert result["last_activity"] == "2025-07-01T11:00:00.000Z"  # the simulated one is left out
    assert "SECRET" not in json.dumps(result) and "Secret" not in json.dumps(result)


def test_summarise_includes_simulated_on_request_and_handles_nobody() -> None:
    sim = [row("P-S", "policy", "submitted", 8, "2025-07-02T00:00:00.000Z", simulated=1)]
    assert summarise(sim, ["policy"], include_simulated=True)["total"]["submitted"] == 1
    empty = summarise([], ["science"])
    assert empty == {
        "groups": [{"group": "science", "invited": 0, "started": 0, "submitted": 0}],
        "total": {"invited": 0, "started": 0, "submitted": 0},
        "not_finished": [],
        "last_activity": None,
    }


def test_cli_json_equals_the_library_result(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    survey = load_survey(SMALL)
    with open_store(db) as store:
        register_survey(store, survey)
        a, b = store.add_participants(
            survey.id, [NewParticipant("science", name="Ann"), NewParticipant("policy")]
        )
        response = store.start_response(a.id, survey.hash, 1)
        store.save_answer(response, "years", 3, 3.0)
        expected = participation_status(store, survey)
    done = subprocess.run(
        [CONSULT, "--db", str(db), "status", str(SMALL), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"format": 1, "kind": "status", **expected}
    assert expected["total"] == {"invited": 2, "started": 1, "submitted": 0}
    table = subprocess.run(
        [CONSULT, "--db", str(db), "status", "session-small"], capture_output=True, text=True
    ).stdout
    assert a.pseudonym in table and b.pseudonym in table
    for secret in (a.code, b.code, "Ann"):
        assert secret not in table
