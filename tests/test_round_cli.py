"""``consult round open|status|close``, ``results --rounds`` and ``--round`` defaults, run as the
real ``consult`` program on real databases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[1]
CONSULT = str(Path(sys.executable).parent / "consult")
SURVEY = str(ROOT / "surveys" / "st-diplomacy-roundtable.yaml")


def consult(db: Path, *args: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    env["COLUMNS"] = str(columns)
    return subprocess.run(
        [CONSULT, "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def ok(db: Path, *args: str, columns: int = 80) -> str:
    done = consult(db, *args, columns=columns)
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_line_error(done: subprocess.CompletedProcess, text: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert text in done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated panel of 90 in round 1, round 2 opened and answered by it."""
    db = tmp_path_factory.mktemp("rounds") / "r.db"
    ok(db, "simulate", SURVEY, "-n", "90", "--seed", "5")
    refused = consult(db, "round", "open", SURVEY)
    one_line_error(refused, "round 1 has no submitted responses yet (90 simulated ones")
    opened = ok(db, "round", "open", SURVEY, "--include-simulated")
    assert opened.startswith("Round 1 closed; its results are frozen: 90 submitted responses.")
    assert "Round 2 is open. It asks" in opened
    assert "Settled (not asked again):" in opened
    assert "Stability of round" not in opened  # round 1 has no round before it
    ok(db, "simulate", SURVEY, "--seed", "6")
    return db


def test_round_status_json(study: Path) -> None:
    doc = json.loads(ok(study, "round", "status", SURVEY, "--json", "--include-simulated"))
    assert (doc["format"], doc["kind"], doc["current_round"]) == (1, "round_status", 2)
    one, two = doc["rounds"]
    assert (one["state"], two["state"]) == ("closed", "open")
    assert one["participation"]["total"]["submitted"] == 90
    assert set(two["stability"]["proposals"]) == set(two["carried"])
    assert two["stability"]["between"] == [1, 2]
    submitted = {g["group"]: g["submitted"] for g in two["participation"]["groups"]}
    lost = {g: a["n_lost"] for g, a in two["stability"]["attrition"].items()}
    first = {g["group"]: g["submitted"] for g in one["participation"]["groups"]}
    assert {g: first[g] - lost[g] for g in first} == submitted


def test_round_status_table_fits_80_columns(study: Path) -> None:
    out = ok(study, "round", "status", SURVEY, "--include-simulated")
    assert "Round 1 · closed" in out and "Round 2 · open" in out
    assert "Stability against round 1" in out
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    doc = json.loads(ok(study, "round", "status", SURVEY, "--json", "--include-simulated"))
    for pid, entry in doc["rounds"][1]["stability"]["proposals"].items():
        assert f"{entry['stability']['changed_share'] * 100:.0f}%" in out, pid


def test_results_rounds_shows_both_rounds(study: Path) -> None:
    doc = json.loads(ok(study, "results", SURVEY, "--rounds", "--json", "--include-simulated"))
    assert (doc["kind"], doc["rounds"]) == ("rounds", [1, 2])
    out = ok(study, "results", SURVEY, "--rounds", "--include-simulated", columns=100)
    assert "Round 1" in out and "Round 2" in out
    carried = [p for p in doc["proposals"] if p["rounds"][1] is not None]
    settled = [p for p in doc["proposals"] if p["settled_in"] == 1]
    assert carried
    for p in carried:
        for cell in p["rounds"]:
            assert f"{cell['support'] * 100:.0f}%" in out
    assert settled
    assert all(p["rounds"][1] is None for p in settled)
    assert "settled in round 1" in out and "not asked" in out
    ko = ok(study, "results", SURVEY, "--rounds", "--include-simulated", "--lang", "ko")
    assert "1차" in ko and "2차" in ko


def test_results_rounds_refuses_a_single_round_option(study: Path) -> None:
    one_line_error(consult(study, "results", SURVEY, "--rounds", "--round", "1"), "--rounds")


def test_round_defaults_to_the_current_round(study: Path) -> None:
    res = json.loads(ok(study, "results", SURVEY, "--json", "--include-simulated"))
    assert res["filter"]["round"] == 2
    status = json.loads(ok(study, "status", SURVEY, "--json"))
    assert status["round"] == 2
    rows = ok(study, "export", SURVEY, "--include-simulated").splitlines()
    header = rows[0].split(",")
    rounds = {row.split(",")[header.index("round")] for row in rows[1:]}
    assert rounds == {"2"}
    first = json.loads(ok(study, "results", SURVEY, "--json", "--include-simulated", "-r", "1"))
    assert first["filter"]["round"] == 1 and len(first["proposals"]) == 6
    for command in ("results", "status", "export", "report"):
        one_line_error(
            consult(study, command, SURVEY, "--round", "3"),
            "--round 3: st-diplomacy-roundtable has rounds 1 to 2 (the current is round 2)",
        )


def test_a_closed_round_whose_answers_changed_says_so(study: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(study, db)
    quiet = consult(db, "results", SURVEY, "--round", "1", "--include-simulated")
    assert quiet.returncode == 0 and "frozen" not in quiet.stderr
    panel = json.loads(ok(db, "panel", "list", SURVEY, "--json"))
    pseudonym = panel["participants"][0]["pseudonym"]
    ok(db, "panel", "remove", SURVEY, pseudonym, "--with-answers")
    done = consult(db, "results", SURVEY, "--round", "1", "--include-simulated")
    assert done.returncode == 0
    assert done.stderr.count("\n") == 1
    assert "Round 1 is closed and its answers changed since" in done.stderr
    assert "'consult round status'" in done.stderr
    status = json.loads(ok(db, "round", "status", SURVEY, "--json", "--include-simulated"))
    assert status["rounds"][0]["participation"]["total"]["submitted"] == 90  # frozen


def test_round_close_ends_the_study(study: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(study, db)
    out = ok(db, "round", "close", SURVEY, "--include-simulated")
    assert out.startswith("Round 2 closed; its results are frozen. The study has ended")
    one_line_error(consult(db, "round", "open", SURVEY), "the study ended when round 2 closed")
    one_line_error(consult(db, "round", "close", SURVEY), "the study ended")
    doc = json.loads(ok(db, "round", "status", SURVEY, "--json"))
    assert [r["state"] for r in doc["rounds"]] == ["closed", "ended"]


def test_round_open_refuses_a_survey_without_rounds(tmp_path: Path) -> None:
    text = Path(SURVEY).read_text(encoding="utf-8")
    start = text.index("\ndelphi:")
    end = text.index("\nprofile:")
    plain = tmp_path / "plain.yaml"
    plain.write_text(text[:start] + text[end:], encoding="utf-8")
    db = tmp_path / "p.db"
    ok(db, "simulate", str(plain), "-n", "10", "--seed", "1")
    one_line_error(
        consult(db, "round", "open", str(plain), "--include-simulated"),
        "declares no delphi: block",
    )
    assert "no delphi: block" in ok(db, "round", "status", str(plain))


def test_round_commands_need_a_survey(tmp_path: Path) -> None:
    done = consult(tmp_path / "none.db", "round", "status", SURVEY)
    one_line_error(done, "no such database")
    assert consult(tmp_path / "none.db", "round").returncode == 2  # help, as for a bare group
