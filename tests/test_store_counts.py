"""The store's answer counts against a naive count over every raw row.

`Store.histograms` and `Store.answer_counts` take one of two roads: count the admitted
responses' answers directly, or count every answer and take away the responses left out. Both
must give what a plain Python count over the rows gives, for any filter, with another survey
in the same file using the same question keys, inside a snapshot and outside one.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.store import NewParticipant, ResponseFilter, Store, open_store
from consult.store.sqlite import SqliteStore

SURVEYS = {"s": "a" * 64, "t": "b" * 64}
GROUPS = ("science", "diplomacy")
QUESTIONS = ("p1.support", "p2.support", "p1.comment")

person = st.fixed_dictionaries(
    {
        "survey": st.sampled_from(sorted(SURVEYS)),
        "group": st.sampled_from(GROUPS),
        "simulated": st.booleans(),
        "rounds": st.lists(
            st.fixed_dictionaries(
                {
                    "submitted": st.booleans(),
                    "answers": st.dictionaries(
                        st.sampled_from(QUESTIONS), st.integers(1, 3), max_size=3
                    ),
                }
            ),
            min_size=1,
            max_size=2,
        ),
    }
)
filters = st.builds(
    ResponseFilter,
    round=st.sampled_from([None, 1, 2]),
    groups=st.sampled_from([(), ("science",), ("science", "diplomacy")]),
    include_in_progress=st.booleans(),
    include_simulated=st.booleans(),
)


def build(path: Path, people: list[dict]) -> Store:
    store = open_store(path)
    for sid, digest in SURVEYS.items():
        store.save_survey(sid, digest, "1", sid, {"id": sid})
    for p in people:
        (who,) = store.add_participants(
            p["survey"], [NewParticipant(p["group"])], simulated=p["simulated"]
        )
        for number, rnd in enumerate(p["rounds"], 1):
            response = store.start_response(who.id, SURVEYS[p["survey"]], number)
            for question, value in rnd["answers"].items():
                stored = f"text {value}" if question.endswith("comment") else value
                store.save_answer(response, question, stored, None)
            if rnd["submitted"]:
                store.submit_response(response.id)
    return store


def naive(store: Store, survey: str, flt: ResponseFilter) -> tuple[Counter, Counter]:
    """(question, group, value) and (question, group) counts from every row, in Python."""
    rows = store.conn.execute(
        "SELECT p.survey_id, p.group_id, p.simulated, r.round, r.status, a.question, a.value "
        "FROM answers a JOIN responses r ON r.id = a.response_id "
        "JOIN participants p ON p.id = r.participant_id"
    ).fetchall()
    values: Counter = Counter()
    answered: Counter = Counter()
    for sid, group, simulated, rnd, status, question, value in rows:
        if (
            sid != survey
            or (flt.round is not None and rnd != flt.round)
            or (flt.groups and group not in flt.groups)
            or (status != "submitted" and not flt.include_in_progress)
            or (simulated and not flt.include_simulated)
        ):
            continue
        answered[question, group] += 1
        if not question.endswith("comment"):
            values[question, group, value] += 1
    return values, answered


def counted(store: Store, survey: str, flt: ResponseFilter) -> tuple[Counter, Counter]:
    values = Counter(
        {(q, g, v): n for q, g, v, n in store.histograms(survey, flt, ["p1.support", "p2.support"])}
    )
    answered = Counter({(q, g): n for q, g, n in store.answer_counts(survey, QUESTIONS, flt)})
    return values, answered


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(people=st.lists(person, max_size=12), flt=filters, survey=st.sampled_from(["s", "t"]))
def test_counts_equal_a_naive_count_of_every_row(
    tmp_path_factory: pytest.TempPathFactory, people: list[dict], flt: ResponseFilter, survey: str
) -> None:
    path = tmp_path_factory.mktemp("counts") / "consult.db"
    with build(path, people) as store:
        expected = naive(store, survey, flt)
        assert counted(store, survey, flt) == expected
        with store.snapshot():
            assert counted(store, survey, flt) == expected
            assert counted(store, survey, flt) == expected  # from the kept temporary table


def test_both_roads_are_taken_and_agree(tmp_path: Path) -> None:
    """Most responses admitted: count all and subtract; most left out: count the admitted."""
    people = [
        {"survey": "s", "group": g, "simulated": sim, "rounds": [rnd]}
        for g in GROUPS
        for sim in (False, True)
        for rnd in (
            {"submitted": True, "answers": {"p1.support": 3, "p1.comment": 1}},
            {"submitted": True, "answers": {"p1.support": 1, "p2.support": 2}},
            {"submitted": False, "answers": {"p1.support": 2}},
        )
    ]
    with build(tmp_path / "consult.db", people) as store:
        traced: list[str] = []
        store.conn.set_trace_callback(traced.append)
        most_in = ResponseFilter(include_simulated=True)  # 8 of 12 admitted
        few_in = ResponseFilter(groups=("science",))  # 2 of 12 admitted
        for flt in (most_in, few_in):
            assert counted(store, "s", flt) == naive(store, "s", flt)
        store.conn.set_trace_callback(None)
        histogram_sql = [s for s in traced if s.startswith("SELECT question, group_id, value")]
        subtracting = [s for s in histogram_sql if "NOT IN" in s]
        assert len(histogram_sql) == 3  # all, minus the left out; then the admitted alone
        assert len(subtracting) == 1
        # Hand count, most admitted: p1.support per group = 3, 1, 3, 1 (submitted only).
        values, _ = counted(store, "s", most_in)
        assert values["p1.support", "science", "3"] == 2
        assert values["p1.support", "science", "1"] == 2
        assert values["p1.support", "science", "2"] == 0


def test_temporary_tables_go_with_the_snapshot(tmp_path: Path) -> None:
    with build(tmp_path / "consult.db", []) as store:
        with store.snapshot():
            store.histograms("s", ResponseFilter(), ["p1.support"])
            store.histograms("s", ResponseFilter(include_simulated=True), ["p1.support"])
            temp = store.conn.execute("SELECT name FROM temp.sqlite_schema").fetchall()
            assert len(temp) == 2
        assert store.conn.execute("SELECT name FROM temp.sqlite_schema").fetchall() == []
        assert not store.conn.in_transaction


def test_a_cursor_left_open_does_not_break_a_later_snapshot(tmp_path: Path) -> None:
    answers = {"p1.comment": 1, "p1.support": 2}
    rounds = [{"submitted": True, "answers": answers}]
    people = [{"survey": "s", "group": "science", "simulated": False, "rounds": rounds}]
    with build(tmp_path / "consult.db", people) as store:
        with store.snapshot():
            texts = store.text_answers("s", "p1.comment", ResponseFilter())
            assert next(texts) == ("science", "text 1")  # left open: its table stays
        other = SqliteStore(store.conn, store.path)  # a second Store on the same connection
        with other.snapshot():
            assert other.histograms("s", ResponseFilter(), ["p1.support"]) == [
                ("p1.support", "science", "2", 1)
            ]
        texts.close()
