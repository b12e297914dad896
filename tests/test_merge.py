"""consult merge: two rooms' databases into one, by stable ids, all or nothing.

Real SQLite files in tmp_path, built through the store and the simulation; expected figures
from the source files read with plain sqlite3 (the union by hand), never from the merge.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from consult.errors import InputError
from consult.imports.merge import MergeRefused, merge_databases
from consult.results.aggregation import aggregate
from consult.session.simulation import simulate
from consult.store import NewParticipant, ResponseFilter, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey
from consult.survey.model import Survey

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
CONSULT = str(Path(sys.executable).parent / "consult")
EVERYONE = ResponseFilter(include_simulated=True)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def venue(path: Path, survey: Survey, seed: int, n: int, people: list[tuple[str, str]]) -> Path:
    """A room's database: ``n`` simulated respondents and real ``people`` (name, group), each
    answering the first two support questions and submitting."""
    with open_store(path) as store:
        simulate(store, survey, n, seed=seed)
        first, second = (p.support_question for p in survey.proposals[:2])
        added = store.add_participants(
            survey.id, [NewParticipant(group, name=name) for name, group in people]
        )
        for i, person in enumerate(added):
            response = store.start_response(person.id, survey.hash, 1)
            store.save_answer(response, first.key, 4, 4.0)
            store.save_answer(response, second.key, 1 + (seed + i) % 5, float(1 + (seed + i) % 5))
            store.submit_response(response.id)
    return path


def target(path: Path, survey: Survey) -> Path:
    with open_store(path) as store:
        register_survey(store, survey)
    return path


def counts(path: Path) -> tuple[int, int, int, int]:
    with raw(path) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM responses), "
            "(SELECT count(*) FROM answers), (SELECT count(*) FROM answer_history)"
        ).fetchone()


def merge(db: Path, *sources: Path, **options: object):  # type: ignore[no-untyped-def]
    with open_store(db) as store:
        return merge_databases(store, list(sources), **options)  # type: ignore[arg-type]


def submitted_numbers(path: Path, question: str) -> list[float]:
    """The numbers answered to ``question`` in the submitted responses, read by hand."""
    with raw(path) as conn:
        rows = conn.execute(
            "SELECT a.numeric FROM answers a JOIN responses r ON r.id = a.response_id "
            "WHERE r.status = 'submitted' AND a.question = ? AND a.numeric IS NOT NULL",
            (question,),
        ).fetchall()
    return [r[0] for r in rows]


def variant(tmp_path: Path, name: str, old: str, new: str) -> Survey:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_survey(path)


# --- the must-show: two rooms, one database ---------------------------------------------------


def test_two_rooms_merge_into_a_third_and_again_changes_nothing(
    tmp_path: Path, example: Survey
) -> None:
    a = venue(tmp_path / "room-a.db", example, 1, 60, [("Kim", "science"), ("Park", "diplomacy")])
    b = venue(tmp_path / "room-b.db", example, 2, 45, [("Lee", "government")])
    t = target(tmp_path / "all.db", example)

    report = merge(t, a, b)

    ca, cb = report.results[0].counts, report.results[1].counts
    assert (ca.participants_added, ca.responses_added, ca.answers_added) == counts(a)[:3]
    assert (cb.participants_added, cb.responses_added, cb.answers_added) == counts(b)[:3]
    assert ca.codes_unusable == 2 and cb.codes_unusable == 1  # three keys: no code works here
    merged = counts(t)
    assert merged[:3] == tuple(x + y for x, y in zip(counts(a)[:3], counts(b)[:3], strict=True))
    with open_store(a) as sa, open_store(b) as sb, open_store(t) as st:
        by_group_a = sa.response_counts(example.id, EVERYONE)
        by_group_b = sb.response_counts(example.id, EVERYONE)
        assert st.response_counts(example.id, EVERYONE) == dict(
            Counter(by_group_a) + Counter(by_group_b)
        )
        results = aggregate(st, example, EVERYONE)
    # The results of the union, by hand: every support question's distribution, n and mean.
    for proposal in results.proposals:
        key = example.proposal(proposal.id).support_question.key
        union = submitted_numbers(a, key) + submitted_numbers(b, key)
        panel = proposal.stats.panel
        assert {v: n for v, n in panel.distribution if n} == dict(Counter(int(x) for x in union))
        assert panel.n_valid == len(union)
        assert panel.mean == pytest.approx(statistics.mean(union))
        assert panel.median == pytest.approx(statistics.median(union))
    with raw(t) as conn:
        assert set(conn.execute("SELECT DISTINCT channel, source FROM answer_history")) == {
            ("merge", "room-a.db"),
            ("merge", "room-b.db"),
        }

    again = merge(t, a, b)

    assert counts(t) == merged  # answer_history's length too
    for result, path in zip(again.results, (a, b), strict=True):
        c = result.counts
        assert (c.participants_added, c.responses_added, c.responses_updated) == (0, 0, 0)
        assert (c.answers_added, c.answers_changed, c.answers_kept) == (0, 0, 0)
        assert c.responses_unchanged == counts(path)[1]


def test_a_shared_key_keeps_the_codes_working(tmp_path: Path, example: Survey) -> None:
    """The panel registered once, the file and its key copied to each laptop: codes work."""
    t = target(tmp_path / "all.db", example)
    with open_store(t) as store:
        (kim,) = store.add_participants(example.id, [NewParticipant("science", name="Kim")])
    b = tmp_path / "room-b.db"
    shutil.copyfile(t, b)
    shutil.copyfile(f"{t}.key", f"{b}.key")
    with open_store(b) as store:
        (lee,) = store.add_participants(example.id, [NewParticipant("science", name="Lee")])
    report = merge(t, b)
    assert report.results[0].counts.codes_unusable == 0
    assert report.results[0].counts.participants_added == 1
    with open_store(t) as store:
        assert store.participant_by_code(example.id, lee.code).uuid == lee.uuid
        assert store.participant_by_code(example.id, kim.code).uuid == kim.uuid


# --- conflicts -------------------------------------------------------------------------------


def one_person(tmp_path: Path, example: Survey) -> tuple[Path, Path, str]:
    """Room A with Kim's submitted answer 4, and room B: a copy of A in which Kim later
    changed it to 2. Returns (A, B, the question)."""
    a = tmp_path / "room-a.db"
    question = example.proposals[0].support_question.key
    with open_store(a) as store:
        register_survey(store, example)
        (kim,) = store.add_participants(example.id, [NewParticipant("science", name="Kim")])
        response = store.start_response(kim.id, example.hash, 1)
        store.save_answer(response, question, 4, 4.0)
        store.submit_response(response.id)
    b = tmp_path / "room-b.db"
    shutil.copyfile(a, b)
    shutil.copyfile(f"{a}.key", f"{b}.key")
    with open_store(b) as store:
        (kim_b,) = store.participants(example.id)
        store.save_answer(store.response(kim_b.id, 1), question, 2, 2.0)
    return a, b, question


def history(path: Path, question: str) -> list[tuple[str, str | None, str | None]]:
    with raw(path) as conn:
        return conn.execute(
            "SELECT value, channel, source FROM answer_history WHERE question = ? ORDER BY id",
            (question,),
        ).fetchall()


def test_a_conflicting_edit_is_refused_then_settled_by_the_newer(
    tmp_path: Path, example: Survey
) -> None:
    a, b, question = one_person(tmp_path, example)
    t = target(tmp_path / "all.db", example)
    merge(t, a)
    before = counts(t)

    with pytest.raises(MergeRefused, match="1 conflicting answer") as refused:
        merge(t, b)

    (result,) = refused.value.report.results
    assert result.counts is None
    (conflict,) = result.plan.conflicts
    with open_store(a) as sa, open_store(b) as sb:
        (kim,) = sa.participants(example.id)
        time_a = sa.answer_history(sa.response(kim.id, 1).id)[0]["changed_at"]
        time_b = sb.answer_history(sb.response(kim.id, 1).id)[-1]["changed_at"]
    assert (conflict.pseudonym, conflict.round, conflict.question) == (kim.pseudonym, 1, question)
    assert (conflict.target_value, conflict.target_time) == ("4", time_a)
    assert (conflict.source_value, conflict.source_time) == ("2", time_b)
    assert counts(t) == before  # nothing written

    report = merge(t, b, prefer="newer")

    c = report.results[0].counts
    assert (c.answers_changed, c.answers_kept, c.responses_updated) == (1, 0, 1)
    with open_store(t) as store:
        (kim_t,) = store.participants(example.id)
        assert store.answers(store.response(kim_t.id, 1).id) == {question: 2}
    assert history(t, question) == [("4", "merge", "room-a.db"), ("2", "merge", "room-b.db")]

    assert merge(t, b).results[0].counts.responses_unchanged == 1  # settled: nothing to ask
    assert history(t, question) == [("4", "merge", "room-a.db"), ("2", "merge", "room-b.db")]


def test_prefer_target_keeps_the_answer_and_the_losing_value_in_the_history(
    tmp_path: Path, example: Survey
) -> None:
    a, b, question = one_person(tmp_path, example)
    t = target(tmp_path / "all.db", example)
    merge(t, a)
    report = merge(t, b, prefer="target")
    c = report.results[0].counts
    assert (c.answers_changed, c.answers_kept, c.responses_updated) == (0, 1, 0)
    assert history(t, question) == [("4", "merge", "room-a.db"), ("2", "merge", "room-b.db")]
    with open_store(t) as store:
        (kim,) = store.participants(example.id)
        assert store.answers(store.response(kim.id, 1).id) == {question: 4}
    size = counts(t)
    merge(t, b, prefer="target")  # merging again adds nothing, not even history
    assert counts(t) == size
    # prefer=source takes it after all
    assert merge(t, b, prefer="source").results[0].counts.answers_changed == 1


def test_a_later_answer_and_a_submission_in_the_source_update_the_response(
    tmp_path: Path, example: Survey
) -> None:
    a = tmp_path / "room-a.db"
    first, second = (p.support_question.key for p in example.proposals[:2])
    with open_store(a) as store:
        register_survey(store, example)
        (kim,) = store.add_participants(example.id, [NewParticipant("science", name="Kim")])
        store.save_answer(store.start_response(kim.id, example.hash, 1), first, 4, 4.0)
    b = tmp_path / "room-b.db"
    shutil.copyfile(a, b)
    shutil.copyfile(f"{a}.key", f"{b}.key")
    with open_store(b) as store:
        response = store.response(kim.id, 1)
        store.save_answer(response, second, 5, 5.0)
        store.submit_response(response.id)
    report = merge(a, b)
    c = report.results[0].counts
    assert (c.responses_updated, c.answers_added, c.answers_changed) == (1, 1, 0)
    with open_store(a) as store:
        response = store.response(kim.id, 1)
        assert response.submitted
        assert store.answers(response.id) == {first: 4, second: 5}


# --- clashes ---------------------------------------------------------------------------------


def test_a_pseudonym_given_to_two_people_is_refused_naming_both(
    tmp_path: Path, example: Survey
) -> None:
    a = venue(tmp_path / "room-a.db", example, 1, 5, [("Kim", "science")])
    b = venue(tmp_path / "room-b.db", example, 2, 5, [("Lee", "government")])
    with raw(a) as conn:
        (kim,) = conn.execute("SELECT pseudonym FROM participants WHERE name = 'Kim'").fetchone()
    with raw(b) as conn:
        conn.execute("UPDATE participants SET pseudonym = ? WHERE name = 'Lee'", (kim,))
    t = target(tmp_path / "all.db", example)
    before = counts(t)

    with pytest.raises(MergeRefused) as refused:
        merge(t, a, b)

    message = str(refused.value)
    assert f"pseudonym {kim} is Kim in the target and Lee in the source" in message
    assert message.startswith(f"{b}: 1 clash")
    assert counts(t) == before  # room A, merged first, is rolled back with it


def test_a_simulated_newcomer_with_a_taken_pseudonym_gets_a_fresh_one(
    tmp_path: Path, example: Survey
) -> None:
    a = venue(tmp_path / "room-a.db", example, 1, 5, [])
    b = venue(tmp_path / "room-b.db", example, 2, 5, [])
    with raw(a) as conn:
        taken = conn.execute("SELECT pseudonym FROM participants LIMIT 1").fetchone()[0]
    with raw(b) as conn:
        conn.execute("UPDATE participants SET pseudonym = ? WHERE id = 1", (taken,))
    t = target(tmp_path / "all.db", example)
    report = merge(t, a, b)
    assert report.results[1].counts.renamed == 1
    assert counts(t)[0] == 10
    assert merge(t, a, b).results[1].counts.participants_added == 0  # the same person again


# --- surveys and rounds ----------------------------------------------------------------------


def test_another_wording_merges_other_scales_are_refused(tmp_path: Path, example: Survey) -> None:
    reworded = variant(
        tmp_path, "reworded.yaml", "Led by specialised S&T ministries", "Led by S&T ministries"
    )
    rescaled = variant(tmp_path, "rescaled.yaml", "support: [4, 5]", "support: [5]")
    assert len({example.hash, reworded.hash, rescaled.hash}) == 3
    t = target(tmp_path / "all.db", example)
    b = venue(tmp_path / "room-b.db", reworded, 2, 8, [])
    report = merge(t, b)
    assert report.results[0].counts.responses_added == 8
    with open_store(t) as store:
        assert {v["hash"] for v in store.survey_versions(example.id)} == {
            example.hash,
            reworded.hash,
        }
        assert store.survey_definition(example.id)[0].count("specialised")  # still current

    c = venue(tmp_path / "room-c.db", rescaled, 3, 8, [])
    with pytest.raises(MergeRefused, match=f"survey version {rescaled.hash[:12]}.*scale"):
        merge(t, c)


def test_all_or_nothing_a_later_incompatible_version_leaves_the_target_unchanged(
    tmp_path: Path, example: Survey
) -> None:
    rescaled = variant(tmp_path, "rescaled.yaml", "support: [4, 5]", "support: [5]")
    a = venue(tmp_path / "room-a.db", example, 1, 10, [("Kim", "science")])
    c = venue(tmp_path / "room-c.db", example, 3, 6, [])
    with open_store(c) as store:  # room C went on with an edited survey
        simulate(store, rescaled, 4, seed=4)
    t = target(tmp_path / "all.db", example)
    before = counts(t)
    with pytest.raises(MergeRefused, match=r"room-c\.db: its responses answered survey version"):
        merge(t, a, c)
    assert counts(t) == before
    with open_store(t) as store:
        assert [v["hash"] for v in store.survey_versions(example.id)] == [example.hash]


def test_rounds_the_target_does_not_record_are_refused(tmp_path: Path, example: Survey) -> None:
    b = venue(tmp_path / "room-b.db", example, 2, 5, [])
    with open_store(b) as store, store.transaction():
        store.close_round(example.id, 1, {"proposals": []}, survey_hash=example.hash)
        store.open_round(example.id, 2, example.hash, {"carried": []})
    t = target(tmp_path / "all.db", example)
    with pytest.raises(MergeRefused, match="it records round 1, which the target does not"):
        merge(t, b)
    assert counts(t)[0] == 0


def test_answers_to_a_round_the_target_closed_are_refused(tmp_path: Path, example: Survey) -> None:
    b = venue(tmp_path / "room-b.db", example, 2, 5, [])
    t = target(tmp_path / "all.db", example)
    with open_store(t) as store, store.transaction():
        store.close_round(example.id, 1, {"proposals": []}, survey_hash=example.hash)
    before = counts(t)
    with pytest.raises(InputError, match="it brings answers to a round that is closed in"):
        merge(t, b)
    assert counts(t) == before


def test_secrets_are_never_copied(tmp_path: Path, example: Survey) -> None:
    b = venue(tmp_path / "room-b.db", example, 2, 5, [("Lee", "science")])
    t = target(tmp_path / "all.db", example)
    merge(t, b)
    with raw(t) as conn_t, raw(b) as conn_b:
        ours = conn_t.execute("SELECT value FROM secrets").fetchall()
        theirs = conn_b.execute("SELECT value FROM secrets").fetchall()
        codes_t = {r[0] for r in conn_t.execute("SELECT code_hash FROM participants")}
        codes_b = {r[0] for r in conn_b.execute("SELECT code_hash FROM participants")}
    assert ours != theirs and len(ours) == 1
    assert codes_t.isdisjoint(codes_b)  # another key: no hash of theirs is kept
    assert Path(f"{t}.key").read_bytes() != Path(f"{b}.key").read_bytes()


# --- the command line ------------------------------------------------------------------------


def consult(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    return subprocess.run(
        [CONSULT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_cli_merges_refuses_with_one_line_and_dry_runs(tmp_path: Path, example: Survey) -> None:
    a, _, question = one_person(tmp_path, example)
    t = target(tmp_path / "all.db", example)

    dry = consult("merge", "all.db", "room-a.db", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("Dry run: nothing was written.\n")
    assert "  participants added: 1\n" in dry.stdout
    assert counts(t)[0] == 0

    ok = consult("merge", "all.db", "room-a.db", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "  responses added: 1, updated: 0, unchanged: 0\n" in ok.stdout

    refused = consult("merge", "all.db", "room-b.db", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (
        "Error: room-b.db: 1 conflicting answer (listed above); choose with --prefer newer, "
        "target or source; nothing was merged\n"
    )
    with open_store(a) as store:
        (kim,) = store.participants(example.id)
    assert refused.stdout.startswith("Refused: nothing was written")
    assert f"    {kim.pseudonym} round 1 {question}: target 4 at " in refused.stdout
    assert ", room-b.db 2 at " in refused.stdout

    settled = consult("merge", "all.db", "room-b.db", "--prefer", "newer", cwd=tmp_path)
    assert settled.returncode == 0, settled.stderr
    assert "-> room-b.db's" in settled.stdout
    assert "  answers added: 0, changed: 1, kept (target's value): 0\n" in settled.stdout


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (("missing.db",), 2, "Error: missing.db: no such database\n"),
        (("all.db",), 2, "Error: all.db is the target itself\n"),
        (("room.db", "room.db"), 2, "Error: room.db is named twice\n"),
        (
            ("room.db", "--prefer", "older"),
            2,
            "Error: --prefer 'older': choose newer, target or source\n",
        ),
        (
            ("other.db",),
            1,
            "Error: other.db: not a consult database (it holds other data); nothing was changed\n",
        ),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path, example: Survey, args: tuple[str, ...], code: int, error: str
) -> None:
    target(tmp_path / "all.db", example)
    target(tmp_path / "room.db", example)
    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = consult("merge", "all.db", *args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (code, error)
