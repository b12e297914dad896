"""The feedback of a Delphi round 2, computed from round 1's snapshot, on a hand-made dataset
(tests/delphi_support.py states the data and the hand-computed figures)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from delphi_support import answer, delphi_survey, round_one

from consult.results.feedback import (
    Figures,
    GroupSupport,
    Reason,
    balanced,
    feedback,
    round_feedback,
    side_of,
)
from consult.results.rounds import open_next_round
from consult.store import NewParticipant, Participant, Store, open_store
from consult.store.surveys import register_survey
from consult.survey.model import ABSTAIN, Survey


@pytest.fixture
def survey() -> Survey:
    return delphi_survey()


@pytest.fixture
def store(tmp_path: Path, survey: Survey) -> Iterator[Store]:
    with open_store(tmp_path / "c.db") as s:
        register_survey(s, survey)
        yield s


@pytest.fixture
def people(store: Store, survey: Survey) -> dict[str, Participant]:
    found = round_one(store, survey)
    open_next_round(store, survey)
    return found


def test_the_round_carries_alpha_and_beta(store: Store, survey: Survey, people: dict) -> None:
    assert set(round_feedback(store, survey, 2, people["s1"].id)) == {"alpha", "beta"}
    assert round_feedback(store, survey, 1, people["s1"].id) == {}


def test_panel_figures_by_hand(store: Store, survey: Survey, people: dict) -> None:
    fb = feedback(store, survey, 2, "alpha", people["s1"].id)
    assert (fb.proposal, fb.round, fb.previous) == ("alpha", 2, 1)
    assert fb.panel == Figures(
        n_valid=7,
        n_abstained=1,
        distribution=((1, 1), (2, 1), (3, 2), (4, 1), (5, 2)),
        median=3.0,
        q1=2.5,
        q3=4.5,
        support=pytest.approx(3 / 7),
    )
    assert fb.panel.share(3) == pytest.approx(2 / 7)
    assert fb.groups == (
        GroupSupport("science", 4, 0.5, 3.5),
        GroupSupport("policy", 3, pytest.approx(1 / 3), 3.0),
    )
    beta = feedback(store, survey, 2, "beta", people["s1"].id)
    assert beta.panel is not None
    assert beta.panel.distribution == ((1, 0), (2, 0), (3, 8), (4, 0), (5, 0))
    assert (beta.panel.median, beta.panel.q1, beta.panel.q3) == (3.0, 3.0, 3.0)
    assert beta.reasons == ()  # nobody commented on beta


def test_own_previous_answer(store: Store, survey: Survey, people: dict) -> None:
    s1 = feedback(store, survey, 2, "alpha", people["s1"].id)
    assert (s1.answered_before, s1.own_answer) == (True, 5)
    p4 = feedback(store, survey, 2, "alpha", people["p4"].id)
    assert (p4.answered_before, p4.own_answer) == (True, ABSTAIN)
    late = store.add_participants(survey.id, [NewParticipant("science")])[0]
    none = feedback(store, survey, 2, "alpha", late.id)
    assert (none.answered_before, none.own_answer) == (False, None)


def test_reasons_are_filed_by_side_and_group(store: Store, survey: Survey, people: dict) -> None:
    fb = feedback(store, survey, 2, "alpha", people["s1"].id)
    assert fb.reasons is not None
    assert sorted(fb.reasons, key=lambda r: r.text) == [
        Reason("P1 risky for ministries", "oppose", "policy"),
        Reason("P2 good for diplomacy", "support", "policy"),
        Reason("P3 not sure yet", "neither", "policy"),
        Reason("P4 cannot judge", "neither", "policy"),  # abstained: neither side
        Reason("S1 builds trust", "support", "science"),
        Reason("S2 useful for labs", "support", "science"),
        Reason("S3 too costly", "oppose", "science"),
    ]


def test_reasons_alternate_sides_and_groups(store: Store, survey: Survey, people: dict) -> None:
    for who in people.values():
        reasons = feedback(store, survey, 2, "alpha", who.id).reasons
        assert reasons is not None
        sides = [r.side for r in reasons]
        # Three sides with 3, 2 and 2 reasons: they take turns, supporters' third comes last.
        assert len(set(sides[:3])) == 3 and sides[3:6] == sides[:3] and sides[6] == "support"
        supporters = [r.group for r in reasons if r.side == "support"]
        opponents = [r.group for r in reasons if r.side == "oppose"]
        assert supporters[0] != supporters[1]  # science, policy in turn (science has two)
        assert set(opponents) == {"science", "policy"}


def test_reasons_are_seeded_per_participant(store: Store, survey: Survey, people: dict) -> None:
    orders = {
        name: feedback(store, survey, 2, "alpha", who.id).reasons for name, who in people.items()
    }
    # The same participant always reads the same order ...
    again = feedback(store, survey, 2, "alpha", people["s1"].id).reasons
    assert again == orders["s1"]
    # ... and not everyone reads the same one.
    assert len(set(orders.values())) > 1


def test_balanced_by_hand() -> None:
    reasons = [
        Reason("a", "support", "x"),
        Reason("b", "support", "x"),
        Reason("c", "support", "y"),
        Reason("d", "oppose", "y"),
        Reason("e", "neither", "x"),
    ]
    out = balanced(reasons, ["x", "y"], "seed")
    assert sorted(out, key=lambda r: r.text) == reasons
    assert balanced(reasons, ["x", "y"], "seed") == out
    sides = [r.side for r in out]
    assert len(set(sides[:3])) == 3 and sides[3:] == ["support", "support"]
    assert balanced([], ["x"], "s") == ()


def test_side_of() -> None:
    assert side_of(5, {4, 5}, {1, 2}) == "support"
    assert side_of(1.0, {4, 5}, {1, 2}) == "oppose"
    assert side_of(3, {4, 5}, {1, 2}) == "neither"
    assert side_of(None, {4, 5}, {1, 2}) == "neither"


def test_only_declared_parts(store: Store, survey: Survey, people: dict) -> None:
    assert survey.delphi is not None
    only = replace(survey, delphi=replace(survey.delphi, feedback=("distribution",)))
    fb = feedback(store, only, 2, "alpha", people["s1"].id)
    assert fb.parts == ("distribution",)
    assert fb.panel is not None and fb.groups is None and fb.reasons is None
    assert (fb.answered_before, fb.own_answer) == (False, None)
    mine = replace(survey, delphi=replace(survey.delphi, feedback=("own_answer", "reasons")))
    fb = feedback(store, mine, 2, "alpha", people["s1"].id)
    assert fb.panel is None and fb.groups is None
    assert fb.own_answer == 5 and fb.reasons is not None and len(fb.reasons) == 7


def test_round_three_reads_round_two_with_its_reasons(
    store: Store, survey: Survey, people: dict
) -> None:
    # Round 2: s1 moves alpha to 1 (outside 2.5-4.5) and says why; the others keep theirs.
    for name, who in people.items():
        values = {"alpha.support": 1 if name == "s1" else 3, "beta.support": 3}
        if name == "s1":
            values["alpha.delphi_reason"] = "S1 changed my mind"
        store.submit_response(answer(store, survey, who, 2, values))
    opened = open_next_round(store, survey)
    assert opened.carried == ("alpha", "beta")
    fb = feedback(store, survey, 3, "alpha", people["s1"].id)
    assert fb.previous == 2 and fb.own_answer == 1
    assert fb.panel is not None
    assert fb.panel.distribution == ((1, 1), (2, 0), (3, 7), (4, 0), (5, 0))
    assert fb.reasons == (Reason("S1 changed my mind", "oppose", "science"),)
