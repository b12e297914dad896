"""Nothing stored is left out or mixed silently (issue 13): a renamed group, an edited wording,
the survey hash on every exported answer; on real databases through the real program."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
CONSULT = str(Path(sys.executable).parent / "consult")


def consult(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CONSULT, "--db", str(db), *args], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


@pytest.fixture
def panel(tmp_path: Path) -> Path:
    """30 simulated respondents, 10 a group, on the example survey."""
    db = tmp_path / "c.db"
    assert consult(db, "simulate", str(EXAMPLE), "-n", "30", "--seed", "3").returncode == 0
    return db


def test_a_renamed_group_is_said_loudly_and_once(panel: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    renamed.write_text(
        text.replace("id: government", "id: gov").replace("== government", "== gov"),
        encoding="utf-8",
    )
    done = consult(panel, "results", str(renamed), "--include-simulated")
    assert done.returncode == 0
    expected = "10 stored responses belong to groups the survey no longer defines (government 10)"
    assert done.stderr.count(expected) == 1
    as_json = consult(panel, "results", str(renamed), "--include-simulated", "--json")
    assert expected in as_json.stderr
    assert '"unplaced": {"responses": 10, "groups": {"government": 10}' in as_json.stdout
    # before a session starts, validate says it too
    checked = consult(panel, "survey", "validate", str(renamed), "--db", str(panel))
    assert checked.returncode == 0 and expected in checked.stderr
    # the report and a summary export say it as well
    report = consult(
        panel, "report", str(renamed), "--include-simulated", "-o", str(tmp_path / "r.xlsx")
    )
    export = consult(panel, "export", str(renamed), "--what", "summary", "--include-simulated")
    assert expected in report.stderr and expected in export.stderr


def test_an_edited_wording_is_counted_per_proposal(panel: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    marker = "title: {en: A legal foundation"
    assert marker in text
    edited.write_text(text.replace(marker, "title: {en: A law of its own"), encoding="utf-8")
    # 5 more respondents on the edited texts: 30 answered the earlier wording
    assert consult(panel, "simulate", str(edited), "-n", "5", "--seed", "4").returncode == 0
    done = consult(panel, "results", str(edited), "--include-simulated")
    assert "30 of 35 responses answered an earlier wording of proposal 'legal-foundation'" in (
        done.stderr
    )
    assert done.stderr.count("earlier wording") == 1  # only the proposal whose texts changed
    checked = consult(panel, "survey", "validate", str(edited), "--db", str(panel))
    assert "version 1.0 is stored with another definition" in checked.stderr


def test_every_exported_answer_carries_its_survey_hash(panel: Path) -> None:
    from consult.survey.loader import load_survey

    current = load_survey(EXAMPLE).hash
    out = consult(panel, "export", str(EXAMPLE), "--include-simulated").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["survey_hash"] for r in rows} == {current}


def test_validate_names_a_missing_database(tmp_path: Path) -> None:
    done = consult(tmp_path / "x.db", "survey", "validate", str(EXAMPLE), "--db", "nope.db")
    assert done.returncode == 2 and done.stderr == "Error: nope.db: no such database\n"
