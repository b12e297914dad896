"""Benchmark of issue 16: ``consult merge`` of two rooms' databases against a bare SQLite copy.

    python benchmarks/merge.py [--answers 500000] [--repeat 3] [--keep]

Two databases of the bundled example survey, simulated with different seeds (about 10.6
answers a respondent, so 500,000 answers are about 47,000 respondents), are merged into a copy
of an empty target where the survey is registered. The baseline is what SQLite alone does with
the same rows: ATTACH each source and ``INSERT … SELECT`` its participants, responses and
answers into the same schema (so the same indexes and history triggers), ids shifted past the
target's, in one transaction, with none of the merge's checks. Both sides run in turn on fresh
copies (``paired_medians``). Prints the table; RESULTS.md carries the figures by hand.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CONSULT, Row, fmt_s, table  # type: ignore[import-not-found]
from run import machine, paired_medians  # type: ignore[import-not-found]

SURVEY = Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml"
ANSWERS_PER_RESPONDENT = 10.65  # measured: 3,193 answers from 300 respondents (seed 1)


def build(workdir: Path, answers: int) -> tuple[Path, Path, Path, int]:
    """The two venues and the empty registered target; returns them and the answers in all."""
    from consult.session.simulation import simulate
    from consult.store import open_store
    from consult.store.surveys import register_survey
    from consult.survey.loader import load_survey

    survey = load_survey(SURVEY)
    target = workdir / "target.db"
    with open_store(target) as store:
        register_survey(store, survey)
    total = 0
    venues = []
    for seed, name in ((1, "room-a.db"), (2, "room-b.db")):
        path = workdir / name
        with open_store(path) as store:
            n = round(answers / ANSWERS_PER_RESPONDENT)
            total += simulate(store, survey, n, seed=seed).answers
        venues.append(path)
    for path in (target, *venues):  # fold the WAL in: each copy starts alike
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return target, venues[0], venues[1], total


def fresh(template: Path, name: str) -> Path:
    copy = template.with_name(name)
    for suffix in ("", "-wal", "-shm", ".key"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, copy)
    if Path(f"{template}.key").exists():
        shutil.copyfile(f"{template}.key", f"{copy}.key")
    return copy


def bare_copy(target: Path, sources: list[Path]) -> None:
    """ATTACH + INSERT … SELECT of the same rows, nothing checked (the baseline)."""
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for i, source in enumerate(sources):
        conn.execute(f"ATTACH DATABASE ? AS s{i}", (str(source),))
    conn.execute("BEGIN IMMEDIATE")
    for i in range(len(sources)):
        po = conn.execute("SELECT coalesce(max(id), 0) FROM participants").fetchone()[0]
        ro = conn.execute("SELECT coalesce(max(id), 0) FROM responses").fetchone()[0]
        conn.execute(
            "INSERT INTO participants (id, survey_id, pseudonym, code_hash, group_id, name, "
            "organisation, language, simulated, created_at, external_id, removed_at, uuid) "
            f"SELECT id + ?, survey_id, '{i}' || pseudonym, code_hash, group_id, name, "
            "organisation, language, simulated, created_at, external_id, removed_at, uuid "
            f"FROM s{i}.participants",
            (po,),
        )
        conn.execute(
            "INSERT INTO responses (id, participant_id, survey_hash, round, status, language, "
            "started_at, updated_at, submitted_at, skipped_to, uuid, channel) SELECT id + ?, "
            "participant_id + ?, survey_hash, round, status, language, started_at, updated_at, "
            f"submitted_at, skipped_to, uuid, 'merge' FROM s{i}.responses",
            (ro, po),
        )
        conn.execute(
            "INSERT INTO answers (response_id, question, group_id, value, numeric, answered_at, "
            "channel, source) SELECT response_id + ?, question, group_id, value, numeric, "
            f"answered_at, 'merge', 's{i}' FROM s{i}.answers",
            (ro,),
        )
    conn.execute("COMMIT")
    conn.close()


def consult_merge(target: Path, sources: list[Path]) -> str:
    out = subprocess.run(
        [CONSULT, "merge", str(target), *map(str, sources)],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def count(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM answers), "
            "(SELECT count(*) FROM answer_history)"
        ).fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=500_000, help="answers in each room")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--reuse", type=Path, help="the work folder a run with --keep left (skip the simulation)"
    )
    args = parser.parse_args()
    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="consult-merge-bench-"))
    started = time.perf_counter()
    try:
        if args.reuse:
            names = ("target.db", "room-a.db", "room-b.db")
            template, room_a, room_b = (workdir / n for n in names)
            total = count(room_a)[1] + count(room_b)[1]
        else:
            print(f"simulating two rooms of about {args.answers:,} answers...", file=sys.stderr)
            template, room_a, room_b, total = build(workdir, args.answers)
        rooms = [room_a, room_b]
        ours_db = workdir / "ours.db"
        base_db = workdir / "base.db"

        def ours() -> None:
            consult_merge(fresh(template, "ours.db"), rooms)

        def base() -> None:
            bare_copy(fresh(template, "base.db"), rooms)

        # The copies are made inside each timed call on both sides: the same cost for both.
        merged, bare = paired_medians(ours, base, args.repeat)
        assert count(ours_db)[1] == count(base_db)[1] == total, (count(ours_db), total)
        rows = [
            Row(
                f"merge: consult merge of two rooms, {total:,} answers",
                fmt_s(merged),
                f"{fmt_s(bare)} bare ATTACH + INSERT … SELECT of the same rows",
                merged / bare,
                "<= 2x",
                merged / bare <= 2,
            )
        ]
        before = count(ours_db)

        def again() -> None:
            consult_merge(ours_db, rooms)

        again()
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            again()
            times.append(time.perf_counter() - start)
        assert count(ours_db) == before, "merging again changed the target"
        times.sort()
        rows.append(
            Row(
                "merge again: the same two rooms, nothing to write (context)",
                fmt_s(times[len(times) // 2]),
                "–",
                None,
                "context: every answer compared",
                None,
            )
        )
    finally:
        if not args.keep and not args.reuse:
            shutil.rmtree(workdir, ignore_errors=True)
    print(table(rows))
    print(f"{time.perf_counter() - started:.0f} s, {machine()}")


if __name__ == "__main__":
    main()
