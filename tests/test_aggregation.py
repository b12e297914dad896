"""aggregate() on real SQLite files, built through the store API, against hand-computed figures.

The dataset (tests/surveys/aggregation-small.yaml), all submitted in round 1 unless a test adds
more. Group ``gov`` has no members.

    who  group  sector  topics        years  alpha   beta     texts                     order
    s1   sci    a       ai, quantum   10     5       1        beta.why, alpha.comment   y x z
    s2   sci    a       ai            20     4       2        beta.why                  x z y
    s3   sci    b       -             30     5       abstain  -                         y x z
    d1   dip    c       bio           5      4       5        alpha.comment             z y x
    d2   dip    a       -             15     3       4        -                         y z x
    d3   dip    b       ai, bio       40     abstain 4        beta.comment              y x z
"""

from __future__ import annotations

import json
import math
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import consult.store.sqlite as store_module
from consult.reports.terminal import _gap, render_results
from consult.results.aggregation import aggregate
from consult.session.simulation import simulate
from consult.store import NewParticipant, ResponseFilter, Store, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey, parse_survey
from consult.survey.model import ABSTAIN, Survey

SURVEY_FILE = Path(__file__).parent / "surveys" / "aggregation-small.yaml"
SURVEY = load_survey(SURVEY_FILE)


@dataclass
class Person:
    group: str
    answers: dict[str, Any]
    name: str | None = None
    round: int = 1
    submit: bool = True
    simulated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


BASE = [
    Person(
        "sci",
        {
            "sector": "a",
            "topics": ["ai", "quantum"],
            "years": 10,
            "alpha.support": 5,
            "alpha.comment": "Needs a budget.",
            "beta.support": 1,
            "beta.why": "Too costly",
            "order": ["y", "x", "z"],
        },
        name="Sue Science",
    ),
    Person(
        "sci",
        {
            "sector": "a",
            "topics": ["ai"],
            "years": 20,
            "alpha.support": 4,
            "beta.support": 2,
            "beta.why": "No budget",
            "order": ["x", "z", "y"],
        },
    ),
    Person(
        "sci",
        {
            "sector": "b",
            "years": 30,
            "alpha.support": 5,
            "beta.support": ABSTAIN,
            "order": ["y", "x", "z"],
        },
    ),
    Person(
        "dip",
        {
            "sector": "c",
            "topics": ["bio"],
            "years": 5,
            "alpha.support": 4,
            "alpha.comment": "Good idea",
            "beta.support": 5,
            "order": ["z", "y", "x"],
        },
        name="Dan Diplomat",
    ),
    Person(
        "dip",
        {
            "sector": "a",
            "years": 15,
            "alpha.support": 3,
            "beta.support": 4,
            "order": ["y", "z", "x"],
        },
    ),
    Person(
        "dip",
        {
            "sector": "b",
            "topics": ["ai", "bio"],
            "years": 40,
            "alpha.support": ABSTAIN,
            "beta.support": 4,
            "beta.comment": "[bold]markup[/]",
            "order": ["y", "x", "z"],
        },
    ),
]


def add_people(store: Store, survey: Survey, people: list[Person]) -> None:
    """Store ``people`` through the same calls an interactive session makes."""
    register_survey(store, survey)
    for person in people:
        (p,) = store.add_participants(
            survey.id, [NewParticipant(person.group, name=person.name)], simulated=person.simulated
        )
        response = store.start_response(p.id, survey.hash, person.round)
        for key, value in person.answers.items():
            store.save_answer(response, key, value, survey.question(key).numeric(value))
        if person.submit:
            store.submit_response(response.id)


@pytest.fixture
def base(store: Store) -> Store:
    add_people(store, SURVEY, BASE)
    return store


def support_of(results, proposal: str):
    return next(p for p in results.proposals if p.id == proposal)


# --------------------------------------------------------------------------- the base dataset


def test_respondents_per_group_with_an_empty_group(base: Store) -> None:
    res = aggregate(base, SURVEY)
    assert res.respondents == {"sci": 3, "dip": 3, "gov": 0}
    assert list(res.respondents) == ["sci", "dip", "gov"]  # survey order
    assert res.n_respondents == 6
    assert res.groups == {"sci": "Science", "dip": "Diplomacy", "gov": "Government"}
    assert res.title == "Aggregation test survey"
    assert res.language == "en"


def test_alpha_proposal_hand_computed(base: Store) -> None:
    a = support_of(aggregate(base, SURVEY), "alpha")
    assert (a.rank, a.title, a.question) == (1, "Alpha proposal", "alpha.support")
    st_ = a.stats
    # panel: 5 4 5 4 3 valid, one abstention
    assert (st_.panel.n_valid, st_.panel.n_abstained) == (5, 1)
    assert st_.panel.distribution == ((1, 0), (2, 0), (3, 1), (4, 2), (5, 2))
    assert st_.panel.support == pytest.approx(0.8)
    assert st_.panel.opposition == 0
    assert st_.panel.neutral == pytest.approx(0.2)
    assert st_.panel.mean == pytest.approx(4.2)
    assert (st_.panel.q1, st_.panel.median, st_.panel.q3) == (4, 4, 5)
    assert st_.consensus == "for"  # 80 % >= 70 % and 0 % < 15 %
    # groups: sci 5 4 5 -> 100 %; dip 4 3 (+ abstain) -> 50 %; gov empty
    assert (st_.groups["sci"].n_valid, st_.groups["sci"].support) == (3, 1.0)
    assert (st_.groups["dip"].n_valid, st_.groups["dip"].n_abstained) == (2, 1)
    assert st_.groups["dip"].support == pytest.approx(0.5)
    assert st_.groups["gov"].n_valid == 0
    assert st_.groups["gov"].support is None
    assert st_.group_balanced_support == pytest.approx(0.75)
    assert st_.group_informed_consensus == pytest.approx(4 / 5 * 2 / 4)
    assert st_.max_divergence is not None
    assert abs(st_.max_divergence.difference) == pytest.approx(0.5)
    assert {st_.max_divergence.group_a, st_.max_divergence.group_b} == {"sci", "dip"}
    # 50 points >= 30, but both groups have under 5 valid answers: small, so not flagged
    assert st_.small_groups == ("dip", "sci")
    assert st_.divergence_flag == "none" and not st_.contested


def test_beta_proposal_hand_computed(base: Store) -> None:
    b = support_of(aggregate(base, SURVEY), "beta")
    st_ = b.stats
    assert b.rank == 2
    # panel 1 2 5 4 4, one abstention (s3)
    assert (st_.panel.n_valid, st_.panel.n_abstained) == (5, 1)
    assert st_.panel.support == pytest.approx(0.6)
    assert st_.panel.opposition == pytest.approx(0.4)
    assert (st_.panel.q1, st_.panel.median, st_.panel.q3) == (2, 4, 4)
    assert st_.panel.mean == pytest.approx(3.2)
    assert st_.consensus == "none"
    assert st_.groups["sci"].support == 0
    assert st_.groups["sci"].opposition == 1
    assert st_.groups["sci"].n_abstained == 1
    assert st_.groups["dip"].support == 1
    assert abs(st_.max_divergence.difference) == pytest.approx(1.0)
    assert not st_.contested  # the groups are small (under 5 valid answers each)


def test_choices_hand_computed(base: Store) -> None:
    res = aggregate(base, SURVEY)
    sector = {
        g: [(c.option, c.count, c.share) for c in cs] for g, cs in res.choices["sector"].items()
    }
    assert sector["panel"] == [
        ("a", 3, 0.5),
        ("b", 2, pytest.approx(1 / 3)),
        ("c", 1, pytest.approx(1 / 6)),
    ]
    assert sector["sci"] == [
        ("a", 2, pytest.approx(2 / 3)),
        ("b", 1, pytest.approx(1 / 3)),
        ("c", 0, 0),
    ]
    third = pytest.approx(1 / 3)
    assert sector["dip"] == [("a", 1, third), ("b", 1, third), ("c", 1, third)]
    assert sector["gov"] == [("a", 0, None), ("b", 0, None), ("c", 0, None)]
    # multiple choice: shares over the 4 who answered, so they may sum past 1
    topics = [(c.option, c.count, c.share) for c in res.choices["topics"]["panel"]]
    assert topics == [("ai", 3, 0.75), ("quantum", 1, 0.25), ("bio", 2, 0.5)]


def test_number_hand_computed(base: Store) -> None:
    years = aggregate(base, SURVEY).numbers["years"]
    # 5 10 15 20 30 40; type 7 quantiles
    assert years.n == 6
    assert years.mean == pytest.approx(20)
    assert years.median == pytest.approx(17.5)
    assert years.q1 == pytest.approx(11.25)
    assert years.q3 == pytest.approx(27.5)
    assert (years.min, years.max) == (5, 40)
    data = [5, 10, 15, 20, 30, 40]
    assert [years.q1, years.median, years.q3] == pytest.approx(
        list(np.percentile(data, [25, 50, 75]))
    )


def test_ranking_hand_computed(base: Store) -> None:
    ranking = aggregate(base, SURVEY).rankings["order"]
    got = [(r.option, r.n, r.borda, r.mean_rank, r.first_share) for r in ranking]
    # positions per option over ballots (y x z), (x z y), (y x z), (z y x), (y z x), (y x z):
    #   x: 2 1 2 3 3 2 -> borda 1+2+1+0+0+1 = 5, mean 13/6, first 1/6
    #   y: 1 3 1 2 1 1 -> borda 2+0+2+1+2+2 = 9, mean 9/6, first 4/6
    #   z: 3 2 3 1 2 3 -> borda 0+1+0+2+1+0 = 4, mean 14/6, first 1/6
    assert got == [
        ("y", 6, 9, pytest.approx(9 / 6), pytest.approx(4 / 6)),
        ("x", 6, 5, pytest.approx(13 / 6), pytest.approx(1 / 6)),
        ("z", 6, 4, pytest.approx(14 / 6), pytest.approx(1 / 6)),
    ]


def test_comments_anonymous_and_in_survey_order(base: Store) -> None:
    assert aggregate(base, SURVEY).comments == ()  # texts only on request: they grow with answers
    comments = aggregate(base, SURVEY, comments=True).comments
    # survey order of the questions (beta asks why before its comment), then group, then text
    assert [tuple(c.values()) for c in comments] == [
        ("alpha.comment", "alpha", "dip", "Good idea"),
        ("alpha.comment", "alpha", "sci", "Needs a budget."),
        ("beta.why", "beta", "sci", "No budget"),
        ("beta.why", "beta", "sci", "Too costly"),
        ("beta.comment", "beta", "dip", "[bold]markup[/]"),
    ]
    assert all(set(c) == {"question", "proposal", "group", "text"} for c in comments)
    counts = aggregate(base, SURVEY).comment_counts
    assert counts == {
        "alpha.why": {},
        "alpha.comment": {"dip": 1, "sci": 1},
        "beta.why": {"sci": 2},
        "beta.comment": {"dip": 1},
    }
    text = json.dumps(aggregate(base, SURVEY, comments=True).to_dict(), ensure_ascii=False)
    people = base.participants(SURVEY.id)
    for p in people:
        assert p.code == ""  # the store keeps only a keyed hash: there is no code to leak
        assert p.pseudonym not in text
    assert "Sue Science" not in text and "Dan Diplomat" not in text


def test_alpha_matches_the_krippendorff_package(base: Store) -> None:
    """Participants as coders, proposals as units, abstentions missing, ordinal metric."""
    res = aggregate(base, SURVEY)
    nan = math.nan
    matrix = np.array(
        [
            # alpha, beta for s1 s2 s3 d1 d2 d3
            [5, 1],
            [4, 2],
            [5, nan],
            [4, 5],
            [3, 4],
            [nan, 4],
        ],
        dtype=float,
    )  # coders (participants) as rows, units (proposals) as columns
    expected = krippendorff.alpha(
        reliability_data=matrix, level_of_measurement="ordinal", value_domain=[1, 2, 3, 4, 5]
    )
    assert res.alpha_ordinal is not None
    assert -1 <= res.alpha_ordinal <= 1
    assert res.alpha_ordinal == pytest.approx(expected)


def test_to_dict_is_json_and_complete(base: Store) -> None:
    data = aggregate(base, SURVEY).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["respondents"] == {"total": 6, "sci": 3, "dip": 3, "gov": 0}
    assert [p["id"] for p in data["proposals"]] == ["alpha", "beta"]
    assert data["filter"]["include_simulated"] is False
    assert set(data["scales"]) == set()  # only support scales in this survey
    assert data["krippendorff_alpha_ordinal"] == aggregate(base, SURVEY).alpha_ordinal


def test_korean_labels(base: Store) -> None:
    res = aggregate(base, SURVEY, lang="ko")
    assert res.title == "집계 시험 설문"
    assert res.groups["sci"] == "과학기술계"
    assert support_of(res, "alpha").title == "알파 제안"


# --------------------------------------------------------------------------- filters


def test_in_progress_left_out_by_default(base: Store) -> None:
    add_people(
        base,
        SURVEY,
        [Person("gov", {"alpha.support": 1, "beta.support": 1}, submit=False)],
    )
    default = aggregate(base, SURVEY)
    assert default.respondents["gov"] == 0
    assert support_of(default, "alpha").stats.panel.n_valid == 5
    wider = aggregate(base, SURVEY, ResponseFilter(include_in_progress=True))
    assert wider.respondents == {"sci": 3, "dip": 3, "gov": 1}
    alpha = support_of(wider, "alpha").stats
    assert alpha.panel.n_valid == 6
    assert alpha.panel.support == pytest.approx(4 / 6)
    assert alpha.groups["gov"].opposition == 1
    # gov 0 % vs sci 100 %: the widest gap now
    assert abs(alpha.max_divergence.difference) == pytest.approx(1.0)
    assert alpha.consensus == "none"  # 67 % < 70 %


def test_round_filter(base: Store) -> None:
    s1 = base.participants(SURVEY.id)[0]
    r2 = base.start_response(s1.id, SURVEY.hash, 2)
    base.save_answer(r2, "alpha.support", 2, 2.0)
    base.submit_response(r2.id)
    only2 = aggregate(base, SURVEY, ResponseFilter(round=2))
    assert only2.respondents == {"sci": 1, "dip": 0, "gov": 0}
    assert support_of(only2, "alpha").stats.panel.distribution[1] == (2, 1)
    assert support_of(only2, "beta").stats.panel.n_valid == 0
    only1 = aggregate(base, SURVEY, ResponseFilter(round=1))
    assert support_of(only1, "alpha").stats.panel.n_valid == 5
    latest = aggregate(base, SURVEY)
    # no round named: the latest, so nobody is counted twice
    assert latest.filter.round == 2
    assert latest.to_dict() == only2.to_dict()


def test_group_filter(base: Store) -> None:
    res = aggregate(base, SURVEY, ResponseFilter(groups=("sci",)))
    assert res.respondents == {"sci": 3, "dip": 0, "gov": 0}
    alpha = support_of(res, "alpha").stats
    assert alpha.panel.n_valid == 3
    assert alpha.panel.support == 1
    assert alpha.max_divergence is None
    assert not alpha.contested
    assert res.comment_counts["alpha.comment"] == {"sci": 1}
    assert [
        c["group"]
        for c in aggregate(base, SURVEY, ResponseFilter(groups=("sci",)), comments=True).comments
    ] == ["sci"] * 3
    assert res.numbers["years"].n == 3
    two = aggregate(base, SURVEY, ResponseFilter(groups=("sci", "dip")))
    assert two.to_dict()["proposals"] == aggregate(base, SURVEY).to_dict()["proposals"]


def test_date_filters(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": "2026-07-01T09:00:00.000Z"}
    monkeypatch.setattr(store_module, "now", lambda: clock["now"])
    add_people(store, SURVEY, BASE[:3])  # sci, 1 July
    clock["now"] = "2026-07-02T23:59:59.999Z"
    add_people(store, SURVEY, BASE[3:5])  # dip, late on 2 July
    clock["now"] = "2026-07-03T00:00:00.000Z"
    add_people(store, SURVEY, BASE[5:])  # dip, 3 July

    def counts(**kw: str) -> dict[str, int]:
        return aggregate(store, SURVEY, ResponseFilter(**kw)).respondents

    assert counts() == {"sci": 3, "dip": 3, "gov": 0}
    assert counts(since="2026-07-02") == {"sci": 0, "dip": 3, "gov": 0}
    assert counts(until="2026-07-01") == {"sci": 3, "dip": 0, "gov": 0}
    # a bare date as --until means the whole of that day
    assert counts(until="2026-07-02") == {"sci": 3, "dip": 2, "gov": 0}
    assert counts(since="2026-07-02", until="2026-07-02") == {"sci": 0, "dip": 2, "gov": 0}
    assert counts(since="2026-07-03") == {"sci": 0, "dip": 1, "gov": 0}
    assert counts(since="2026-07-04") == {"sci": 0, "dip": 0, "gov": 0}


def test_simulated_left_out_unless_asked(base: Store) -> None:
    add_people(
        base,
        SURVEY,
        [Person("gov", {"alpha.support": 1, "beta.support": 5}, simulated=True)] * 2,
    )
    assert aggregate(base, SURVEY).respondents["gov"] == 0
    res = aggregate(base, SURVEY, ResponseFilter(include_simulated=True))
    assert res.respondents == {"sci": 3, "dip": 3, "gov": 2}
    assert support_of(res, "alpha").stats.groups["gov"].opposition == 1
    assert res.to_dict()["filter"]["include_simulated"] is True


def test_simulated_through_insert_simulated(base: Store) -> None:
    from consult.session.simulation import simulate

    summary = simulate(base, SURVEY, 30, seed=1)
    assert summary.respondents == 30
    assert (
        aggregate(base, SURVEY).to_dict()["proposals"]
        == aggregate(base, SURVEY, ResponseFilter()).to_dict()["proposals"]
    )
    assert aggregate(base, SURVEY).n_respondents == 6
    res = aggregate(base, SURVEY, ResponseFilter(include_simulated=True))
    assert res.n_respondents == 36
    assert sum(summary.by_group.values()) == 30
    for g, n in summary.by_group.items():
        assert res.respondents[g] == n + {"sci": 3, "dip": 3, "gov": 0}[g]


# --------------------------------------------------------------------------- edge cases


def render(res, width: int = 160) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    console.print(render_results(res, width))
    return console.export_text()


def test_no_answers_at_all(store: Store) -> None:
    register_survey(store, SURVEY)
    res = aggregate(store, SURVEY)
    assert res.n_respondents == 0
    assert res.alpha_ordinal is None
    for p in res.proposals:
        s = p.stats
        assert s.panel.n_valid == 0
        assert s.panel.support is None and s.panel.median is None and s.panel.mean is None
        assert s.group_balanced_support is None and s.max_divergence is None
        assert s.consensus == "insufficient" and not s.contested
    assert [p.id for p in res.proposals] == ["alpha", "beta"]  # ties keep survey order
    assert res.numbers["years"].n == 0 and res.numbers["years"].median is None
    assert all(r.mean_rank is None and r.first_share is None for r in res.rankings["order"])
    assert all(c.share is None for c in res.choices["sector"]["panel"])
    assert res.comments == ()
    json.dumps(res.to_dict())
    for width in (160, 100):
        out = render(res, width)
        assert "Alpha proposal" in out and "0 responses" in out


def test_everyone_abstains(store: Store) -> None:
    people = [
        Person(g, {"alpha.support": ABSTAIN, "beta.support": ABSTAIN})
        for g in ("sci", "dip", "gov", "sci")
    ]
    add_people(store, SURVEY, people)
    res = aggregate(store, SURVEY)
    assert res.n_respondents == 4
    for p in res.proposals:
        assert p.stats.panel.n_valid == 0
        assert p.stats.panel.n_abstained == 4
        assert p.stats.groups["sci"].n_abstained == 2
        assert p.stats.panel.support is None
        assert p.stats.consensus == "insufficient"
    assert res.alpha_ordinal is None
    assert "Alpha proposal" in render(res)


def test_unanimous_panel_has_no_alpha(store: Store) -> None:
    add_people(
        store, SURVEY, [Person(g, {"alpha.support": 4, "beta.support": 4}) for g in ("sci", "dip")]
    )
    res = aggregate(store, SURVEY)
    assert res.alpha_ordinal is None  # no variation: alpha undefined
    assert support_of(res, "alpha").stats.consensus == "for"


def test_terminal_table_shows_text_literally(base: Store) -> None:
    out = render(aggregate(base, SURVEY, ResponseFilter(groups=("sci", "dip"))))
    assert "groups: sci, dip" in out
    assert "✔ for" in out and "⚡" in out
    assert out.index("Alpha proposal") < out.index("Beta proposal")


def test_store_queries_are_parameterised(base: Store) -> None:
    """Hostile filter values are data: no SQL error, no rows, the table survives."""
    hostile = "sci') OR 1=1 --"
    res = aggregate(
        base,
        SURVEY,
        ResponseFilter(
            groups=(hostile,), since="2000' OR '1'='1", until="x'); DROP TABLE answers;--"
        ),
    )
    assert res.n_respondents == 0
    assert base.conn.execute("SELECT count(*) FROM answers").fetchone()[0] > 0
    assert list(base.export_answers(SURVEY.id, ResponseFilter(groups=(hostile,)))) == []
    assert list(base.text_answers(SURVEY.id, "x' OR 1=1 --", ResponseFilter())) == []


# --------------------------------------------------------------------------- order independence


ANSWERABLE = {
    "sector": st.sampled_from(["a", "b", "c"]),
    "topics": st.lists(
        st.sampled_from(["ai", "quantum", "bio"]), min_size=1, max_size=3, unique=True
    ),
    "years": st.one_of(
        st.integers(0, 50), st.floats(0, 50, allow_nan=False).map(lambda x: round(x, 2))
    ),
    "alpha.support": st.sampled_from([1, 2, 3, 4, 5, ABSTAIN]),
    "alpha.comment": st.text(max_size=5),
    "beta.support": st.sampled_from([1, 2, 3, 4, 5, ABSTAIN]),
    "beta.why": st.sampled_from(["", "no", "No", "=1", "[b]"]),
    "order": st.permutations(["x", "y", "z"]),
}

person_strategy = st.builds(
    lambda group, answers, submit, simulated, rnd: Person(
        group, answers, submit=submit, simulated=simulated, round=rnd
    ),
    st.sampled_from(["sci", "dip", "gov"]),
    st.fixed_dictionaries({}, optional=ANSWERABLE),
    st.booleans(),
    st.booleans(),
    st.sampled_from([1, 1, 2]),
)


def insert_interleaved(store: Store, people: list[Person], rng: random.Random) -> None:
    """Register people in a shuffled order, then save all answers in one shuffled stream."""
    register_survey(store, SURVEY)
    order = list(range(len(people)))
    rng.shuffle(order)
    responses = {}
    for i in order:
        person = people[i]
        (p,) = store.add_participants(
            SURVEY.id, [NewParticipant(person.group)], simulated=person.simulated
        )
        responses[i] = store.start_response(p.id, SURVEY.hash, person.round)
    stream = [(i, k, v) for i, person in enumerate(people) for k, v in person.answers.items()]
    rng.shuffle(stream)
    for i, key, value in stream:
        store.save_answer(responses[i], key, value, SURVEY.question(key).numeric(value))
    submit = [i for i, person in enumerate(people) if person.submit]
    rng.shuffle(submit)
    for i in submit:
        store.submit_response(responses[i].id)


FILTERS = [
    ResponseFilter(),
    ResponseFilter(include_in_progress=True, include_simulated=True),
    ResponseFilter(round=2, groups=("dip", "gov"), include_simulated=True),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(person_strategy, max_size=8),
    seeds=st.tuples(st.integers(0, 2**32), st.integers(0, 2**32)),
)
def test_results_do_not_depend_on_storage_order(people: list[Person], seeds) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outputs = []
        for n, seed in enumerate(seeds):
            with open_store(Path(tmp) / f"{n}.db") as s:
                insert_interleaved(s, people, random.Random(seed))
                outputs.append([json.dumps(aggregate(s, SURVEY, f).to_dict()) for f in FILTERS])
        assert outputs[0] == outputs[1]


# --------------------------------------------------------------------------- live sessions


def test_aggregate_reads_one_snapshot(base: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A response committed by another terminal mid-aggregation (as under ``--watch`` during a
    session) is either wholly in the results or wholly out: counts and histograms agree."""
    histograms = base.histograms

    def histograms_then_a_submission(*args: Any) -> Any:
        out = histograms(*args)
        with open_store(base.path) as other:
            add_people(other, SURVEY, [Person("gov", {"alpha.support": 1, "beta.support": 1})])
        return out

    monkeypatch.setattr(base, "histograms", histograms_then_a_submission)
    res = aggregate(base, SURVEY)
    alpha = support_of(res, "alpha").stats
    assert res.respondents["gov"] == alpha.groups["gov"].n_valid + alpha.groups["gov"].n_abstained
    assert res.respondents == {"sci": 3, "dip": 3, "gov": 0}
    monkeypatch.undo()
    assert aggregate(base, SURVEY).respondents["gov"] == 1  # seen by the next refresh


MANY_GROUPS = [
    "research-institutes", "universities", "foreign-ministry", "science-ministry",
    "parliament", "industry-associations", "civil-society", "international-bodies",
    "funding-agencies",
]  # fmt: skip


def many_groups_survey(ids: list[str] = MANY_GROUPS) -> Survey:
    source = SURVEY_FILE.read_text(encoding="utf-8")
    head, rest = source.split("groups:\n", 1)
    rest = rest[rest.index("scales:") :]
    labels = {g: g.replace("-", " ").title() for g in ids}
    groups = "".join(f"  - {{id: {g}, label: {label}}}\n" for g, label in labels.items())
    return parse_survey(f"{head}groups:\n{groups}{rest}", "many-groups.yaml")


@pytest.mark.parametrize("width", [60, 80, 100])
def test_many_groups_split_into_tables_that_fit(store: Store, width: int) -> None:
    """Nine groups with long ids: the group table splits by columns, each part with the rank."""
    survey = many_groups_survey()
    simulate(store, survey, 90, seed=4)
    res = aggregate(store, survey, ResponseFilter(include_simulated=True))
    lines = render(res, width).splitlines()
    assert all(len(line) <= width for line in lines)
    assert "…" not in "\n".join(lines)
    headers = [line.split() for line in lines if line.lstrip().startswith("Rk ")]
    assert headers and all(h[0] == "Rk" for h in headers)  # the rank, and the number (P3)
    shown = [g for h in headers for g in h if g in MANY_GROUPS]
    assert sorted(shown) == sorted(MANY_GROUPS)  # each group once, none cut
    assert sum("Gap" in h for h in headers) == 1
    for p in res.proposals:
        rows = [line.split() for line in lines if line.split()[:1] == [str(p.rank)]]
        assert len(rows) == len(headers)  # a row in the main table and in every group table
        shares = [f"{p.stats.groups[g].support:.0%}" for g in res.groups]
        assert shares == [c for row in rows[1:] for c in row[1:] if c.endswith("%")]


def test_a_group_id_wider_than_the_terminal_folds_and_no_figure_is_lost(store: Store) -> None:
    wide = "a-very-long-stakeholder-group-identifier-of-fifty-c"
    survey = many_groups_survey([wide, "science"])
    simulate(store, survey, 30, seed=4)
    res = aggregate(store, survey, ResponseFilter(include_simulated=True))
    lines = render(res, 40).splitlines()
    assert all(len(line) <= 40 for line in lines)
    assert "…" not in "\n".join(lines)
    for p in res.proposals:
        rows = [line.split() for line in lines if line.split()[:1] == [str(p.rank)]]
        assert len(rows) == 3  # the main table and both group tables
        assert f"{p.stats.panel.support:.0%}" in rows[0]
        shares = [f"{p.stats.groups[g].support:.0%}" for g in (wide, "science")]
        assert [c for row in rows[1:] for c in row if c.endswith("%")] == shares
        assert f" {_gap(p).plain} " in f" {' '.join(rows[1])} "  # the gap, whole


def test_group_cells_never_wrap_however_many_answer(store: Store) -> None:
    """ "100% (1200)" is wider than the header word "Science": the column takes the cell's width."""
    register_survey(store, SURVEY)
    support = [("alpha.support", "5", 5.0), ("beta.support", "4", 4.0)]
    people = [(g, "en", support) for g in ("sci", "dip", "gov") for _ in range(1200)]
    store.insert_simulated(SURVEY.id, SURVEY.hash, 1, people)
    res = aggregate(store, SURVEY, ResponseFilter(include_simulated=True))
    text = render(res, 200)
    for p in res.proposals:
        assert [p.stats.groups[g].n_valid for g in res.groups] == [1200, 1200, 1200]
        assert text.count("100% (1200)") == 2 * 3  # two proposals, three groups, on one line each
