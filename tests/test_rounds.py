"""The Delphi round engine through the library, on real SQLite files: opening the next round
(and every refusal), carrying proposals forward, the reason question, frozen snapshots, ending
the study, and the stability figures against an independent computation (scipy, sklearn)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from scipy.stats import wilcoxon
from sklearn.metrics import cohen_kappa_score

from consult.errors import InputError
from consult.results.aggregation import aggregate
from consult.results.rounds import (
    close_study,
    frozen_differs,
    open_next_round,
    round_results,
    rounds_overview,
    rounds_status,
)
from consult.session.simulation import simulate
from consult.session.simulation_rounds import simulate_next_round
from consult.store import NewParticipant, ResponseFilter, Store
from consult.store.plans import chosen_round, plan_of, round_survey
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey
from consult.survey.model import Survey

DELPHI = """
delphi:
  max_rounds: {max_rounds}
  carry_forward: {carry}
  reasons: optional
  stability: {{changed_share: "< 15%"}}
  invite: submitted
"""


def delphi_yaml(
    *,
    delphi: bool = True,
    max_rounds: int = 3,
    carry: str = "no_consensus",
    support: str = "[4, 5]",
) -> str:
    """Two groups, three proposals on a 1-5 scale, the 70/15 rule in the panel."""
    block = DELPHI.format(max_rounds=max_rounds, carry=carry) if delphi else ""
    return f"""
id: delphi-test
version: "1"
languages: [en]
title: Delphi test
groups:
  - {{id: a, label: A}}
  - {{id: b, label: B}}
scales:
  - id: s5
    points: [{{value: 1, label: a}}, {{value: 2, label: b}}, {{value: 3, label: c}},
             {{value: 4, label: d}}, {{value: 5, label: e}}]
    support: {support}
    opposition: [1, 2]
    abstain: no opinion
consensus:
  scope: panel
  for: {{support: ">= 70%", opposition: "< 15%"}}
  against: mirror
{block}
proposals:
  - id: first
    title: First
    statement: The first.
    questions:
      - {{id: support, type: scale, scale: s5, text: "Support?"}}
  - id: second
    title: Second
    statement: The second.
    questions:
      - {{id: support, type: scale, scale: s5, text: "Support?"}}
  - id: third
    title: Third
    statement: The third.
    questions:
      - {{id: support, type: scale, scale: s5, text: "Support?"}}
"""


#: Round 1 of ten participants, five per group: ``first`` reaches consensus for (100 %),
#: ``second`` and ``third`` do not.
FIRST = [5, 4, 5, 4, 5, 4, 5, 4, 5, 4]
SECOND = [1, 2, 3, 4, 5, 3, 3, 2, 4, 5]
THIRD = [3] * 10
GROUPS = ["a"] * 5 + ["b"] * 5


def load(tmp_path: Path, name: str = "delphi.yaml", **options: object) -> Survey:
    path = tmp_path / name
    path.write_text(delphi_yaml(**options), encoding="utf-8")  # type: ignore[arg-type]
    return load_survey(path)


def respond(
    store: Store,
    survey: Survey,
    person: int,
    round: int,
    answers: dict[str, int],
    *,
    submit: bool = True,
) -> int:
    response = store.start_response(person, survey.hash, round)
    for key, value in answers.items():
        store.save_answer(response, key, value, float(value))
    if submit:
        store.submit_response(response.id)
    return response.id


def round_one(store: Store, survey: Survey, first: list[int] = FIRST) -> list[int]:
    """The ten participants answer round 1; returns their ids."""
    register_survey(store, survey)
    people = store.add_participants(survey.id, [NewParticipant(g) for g in GROUPS])
    for i, person in enumerate(people):
        respond(
            store,
            survey,
            person.id,
            1,
            {"first.support": first[i], "second.support": SECOND[i], "third.support": THIRD[i]},
        )
    return [p.id for p in people]


# --------------------------------------------------------------------------- refusals


def test_open_refuses_a_survey_without_a_delphi_block(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path, delphi=False)
    round_one(store, survey)
    with pytest.raises(InputError, match="declares no delphi: block"):
        open_next_round(store, survey)
    assert store.rounds(survey.id) == []


def test_open_refuses_at_max_rounds(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path, max_rounds=2)
    people = round_one(store, survey)
    assert open_next_round(store, survey).opened == 2
    respond(store, survey, people[0], 2, {"second.support": 3, "third.support": 3})
    with pytest.raises(InputError, match="round 2 is the last of max_rounds 2"):
        open_next_round(store, survey)
    assert store.current_round(survey.id) == 2


def test_open_refuses_a_round_without_submitted_responses(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path)
    register_survey(store, survey)
    (person,) = store.add_participants(survey.id, [NewParticipant("a")])
    respond(store, survey, person.id, 1, {"first.support": 4}, submit=False)
    with pytest.raises(InputError, match=r"round 1 has no submitted responses yet$"):
        open_next_round(store, survey)
    simulate(store, survey, 6, seed=3)
    with pytest.raises(InputError, match=r"\(6 simulated ones: add --include-simulated"):
        open_next_round(store, survey)
    assert open_next_round(store, survey, include_simulated=True).submitted == 6


def test_open_refuses_when_every_proposal_settled(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path)
    register_survey(store, survey)
    people = store.add_participants(survey.id, [NewParticipant(g) for g in GROUPS])
    for person in people:
        respond(
            store, survey, person.id, 1, {f"{p}.support": 5 for p in ("first", "second", "third")}
        )
    with pytest.raises(InputError, match="every proposal reached consensus by round 1"):
        open_next_round(store, survey)
    assert store.rounds(survey.id) == []  # nothing was closed


def test_open_refuses_a_changed_support_scale(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path)
    round_one(store, survey)
    changed = load(tmp_path, "changed.yaml", support="[3, 4, 5]")
    register_survey(store, changed)
    with pytest.raises(InputError, match="proposal 'first' changed its scale 's5'"):
        open_next_round(store, changed)
    assert store.rounds(survey.id) == []


# --------------------------------------------------------------------------- carrying forward


def test_no_consensus_carries_the_open_proposals_and_settles_the_rest(
    store: Store, tmp_path: Path
) -> None:
    survey = load(tmp_path)
    round_one(store, survey)
    opened = open_next_round(store, survey)
    assert (opened.closed, opened.opened, opened.submitted) == (1, 2, 10)
    assert opened.carried == ("second", "third")
    assert opened.settled == {"first": {"round": 1, "verdict": "for"}}
    plan = plan_of(store, survey)
    assert plan.number == 2 and plan.carried == ("second", "third")
    assert [p.id for p in round_survey(survey, plan).proposals] == ["second", "third"]


def test_all_carries_every_proposal(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path, carry="all")
    round_one(store, survey)
    opened = open_next_round(store, survey)
    assert opened.carried == ("first", "second", "third")
    assert opened.settled == {}


def test_the_reason_question_asks_outside_the_previous_iqr(store: Store, tmp_path: Path) -> None:
    """second: sorted 1 2 2 3 3 3 4 4 5 5; type 7 quartiles at h = 9·0.25 = 2.25 and
    9·0.75 = 6.75: q1 = 2 + 0.25·(3 − 2) = 2.25, q3 = 4 + 0.75·(4 − 4) = 4, so the points
    outside are 1, 2 and 5. third: everyone on 3, IQR 3–3, outside 1, 2, 4, 5."""
    survey = load(tmp_path)
    round_one(store, survey)
    open_next_round(store, survey)
    snapshot = round_results(store, survey, 1)
    panel = {p["id"]: p["panel"] for p in snapshot["results"]["proposals"]}
    assert (panel["second"]["q1"], panel["second"]["q3"]) == (2.25, 4.0)
    plan = plan_of(store, survey)
    assert plan.reason_when == {"second.support": (1, 2, 5), "third.support": (1, 2, 4, 5)}
    asked = round_survey(survey, plan)
    reason = asked.question("second.delphi_reason")
    assert reason.when is not None
    assert (reason.when.question, reason.when.op, reason.when.value) == (
        "second.support",
        "in",
        (1, 2, 5),
    )
    assert reason.required is False  # reasons: optional
    assert [q.key for q in asked.questions()] == [
        "second.support",
        "second.delphi_reason",
        "third.support",
        "third.delphi_reason",
    ]


# --------------------------------------------------------------------------- snapshots


def test_a_closed_round_keeps_its_snapshot_while_live_results_move(
    store: Store, tmp_path: Path
) -> None:
    survey = load(tmp_path)
    people = round_one(store, survey)
    open_next_round(store, survey)
    frozen = round_results(store, survey, 1)
    assert frozen["results"]["respondents"]["total"] == 10
    for person in people[:6]:
        respond(store, survey, person, 2, {"second.support": 4, "third.support": 3})
    assert round_results(store, survey, 1) == frozen
    live = aggregate(store, survey, ResponseFilter(round=1))
    assert not frozen_differs(store, survey, live)

    removed = store.remove_participant(people[0], with_answers=True)
    assert removed == 5  # three answers in round 1, two in round 2
    assert round_results(store, survey, 1) == frozen
    live = aggregate(store, survey, ResponseFilter(round=1))
    assert live.n_respondents == 9
    assert frozen_differs(store, survey, live)
    support = {p["id"]: p["panel"]["support"] for p in frozen["results"]["proposals"]}
    assert support["second"] == pytest.approx(4 / 10)
    live_support = {p["id"]: p["panel"]["support"] for p in live.to_dict()["proposals"]}
    assert live_support["second"] == pytest.approx(4 / 9)  # the removed one opposed (1)


def test_the_store_refuses_answers_to_a_closed_round(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path)
    register_survey(store, survey)
    people = store.add_participants(survey.id, [NewParticipant(g) for g in GROUPS])
    for i, person in enumerate(people[:9]):
        respond(store, survey, person.id, 1, {"first.support": FIRST[i], "second.support": 3})
    late = respond(store, survey, people[9].id, 1, {"first.support": 4}, submit=False)
    opened = open_next_round(store, survey)
    assert opened.in_progress_left == 1
    response = store.response_by_id(late)
    with pytest.raises(Exception, match="the round is closed"):
        store.save_answer(response, "second.support", 2, 2.0)
    assert store.answers(late) == {"first.support": 4}


def test_close_study_ends_it(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path)
    people = round_one(store, survey)
    open_next_round(store, survey)
    respond(store, survey, people[1], 2, {"second.support": 4, "third.support": 3})
    assert close_study(store, survey) == 2
    assert plan_of(store, survey).ended
    assert store.current_round(survey.id) == 2
    with pytest.raises(InputError, match="the study ended when round 2 closed"):
        open_next_round(store, survey)
    with pytest.raises(InputError, match="the study ended"):
        close_study(store, survey)
    assert [r["state"] for r in rounds_status(store, survey)["rounds"]] == ["closed", "ended"]


def test_current_round_follows_the_rounds_table(store: Store, tmp_path: Path) -> None:
    survey = load(tmp_path)
    register_survey(store, survey)
    assert store.current_round(survey.id) == 1
    assert chosen_round(store, survey, None) is None  # no rounds recorded: one round only
    round_one(store, survey)
    assert store.current_round(survey.id) == 1
    open_next_round(store, survey)
    assert store.current_round(survey.id) == 2  # before anyone answers round 2
    assert chosen_round(store, survey, None) == 2
    assert aggregate(store, survey).filter.round == 2
    assert chosen_round(store, survey, 1) == 1
    with pytest.raises(InputError, match="--round 3: delphi-test has rounds 1 to 2"):
        chosen_round(store, survey, 3)


# --------------------------------------------------------------------------- stability


@pytest.fixture
def two_rounds(store: Store, example: Survey) -> Store:
    """A seeded simulated panel of 120 answers round 1 and round 2; round 2 is closed."""
    register_survey(store, example)
    simulate(store, example, 120, seed=11)
    open_next_round(store, example, include_simulated=True)
    simulate_next_round(store, example, 2, seed=12)
    close_study(store, example, include_simulated=True)
    return store


def answers_by_round(store: Store, survey: Survey) -> dict[str, dict[int, dict[str, float]]]:
    """pseudonym -> round -> question -> number, read back as an export reads them."""
    out: dict[str, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    rows = store.export_answers(survey.id, ResponseFilter(include_simulated=True))
    for pseudonym, _group, rnd, status, _sim, question, _value, numeric, *_ in rows:
        if status == "submitted" and numeric is not None:
            out[pseudonym][rnd][question] = numeric
    return out


def test_stability_in_the_snapshot_equals_an_independent_computation(
    two_rounds: Store, example: Survey
) -> None:
    snapshot = round_results(two_rounds, example, 2)
    stability = snapshot["stability"]
    assert stability["between"] == [1, 2]
    by_person = answers_by_round(two_rounds, example)
    assert stability["proposals"], "round 2 carried proposals"
    for pid, entry in stability["proposals"].items():
        key = example.proposal(pid).support_question.key
        pairs = [
            (int(r[1][key]), int(r[2][key]))
            for r in by_person.values()
            if key in r.get(1, {}) and key in r.get(2, {})
        ]
        before, after = [a for a, _ in pairs], [b for _, b in pairs]
        s = entry["stability"]
        assert s["n_pairs"] == len(pairs) > 50
        changed = sum(a != b for a, b in pairs)
        assert s["changed_share"] == pytest.approx(changed / len(pairs))
        assert s["mean_absolute_change"] == pytest.approx(
            sum(abs(b - a) for a, b in pairs) / len(pairs)
        )
        d = [b - a for a, b in pairs]
        ref = wilcoxon(d, zero_method="wilcox", correction=True, method="approx")
        assert s["wilcoxon"]["statistic"] == pytest.approx(ref.statistic)
        assert s["wilcoxon"]["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
        kappa = cohen_kappa_score(before, after, labels=[1, 2, 3, 4, 5], weights="linear")
        assert s["weighted_kappa"] == pytest.approx(kappa, rel=1e-12)
        assert entry["stable"] is (changed / len(pairs) < 0.15)


def test_attrition_per_group_by_hand(two_rounds: Store, example: Survey) -> None:
    by_person = answers_by_round(two_rounds, example)
    groups = {}
    for pseudonym, group, *_ in two_rounds.export_answers(
        example.id, ResponseFilter(include_simulated=True)
    ):
        groups[pseudonym] = group
    attrition = round_results(two_rounds, example, 2)["stability"]["attrition"]
    for g in example.group_ids:
        previous = [p for p, r in by_person.items() if groups[p] == g and 1 in r]
        both = [p for p in previous if 2 in by_person[p]]
        assert attrition[g] == {
            "n_previous": len(previous),
            "n_both": len(both),
            "n_lost": len(previous) - len(both),
            "lost_share": (len(previous) - len(both)) / len(previous),
        }
    assert sum(a["n_lost"] for a in attrition.values()) > 0


def test_the_overview_shows_each_round_from_its_snapshot(
    two_rounds: Store, example: Survey
) -> None:
    overview = rounds_overview(two_rounds, example, include_simulated=True)
    assert overview["rounds"] == [1, 2]
    r1 = round_results(two_rounds, example, 1)["results"]["proposals"]
    r2 = round_results(two_rounds, example, 2)["results"]["proposals"]
    for p in overview["proposals"]:
        first = next(x for x in r1 if x["id"] == p["id"])
        assert p["rounds"][0]["support"] == first["panel"]["support"]
        second = next((x for x in r2 if x["id"] == p["id"]), None)
        if second is None:
            assert p["rounds"][1] is None and p["settled_in"] == 1
            continue
        cell = p["rounds"][1]
        assert cell["support"] == second["panel"]["support"]
        assert cell["support_change"] == pytest.approx(
            second["panel"]["support"] - first["panel"]["support"]
        )


def test_what_a_closed_round_refuses_and_a_rehearsal_may_not_decide(tmp_path: Path) -> None:
    """A review's findings: a closed round cannot be reopened or simulated into, and simulated
    answers may not decide a round that real people answered."""
    from consult.session.panel import reopen
    from consult.store import open_store

    root = Path(__file__).resolve().parents[1]
    survey = load_survey(root / "surveys" / "st-diplomacy-roundtable.yaml")
    with open_store(tmp_path / "c.db") as store:
        simulate(store, survey, 30, seed=3)
        register_survey(store, survey)
        (person,) = store.add_participants(survey.id, [NewParticipant("science")])
        response = store.start_response(person.id, survey.hash, 1)
        for p in survey.proposals:
            store.save_answer(response, p.support_question.key, 3, 3.0)  # no consensus
        store.submit_response(response.id)
        with pytest.raises(InputError, match="real submitted responses; --include-simulated"):
            open_next_round(store, survey, include_simulated=True)
        open_next_round(store, survey)
        with pytest.raises(InputError, match="round 1 is closed: a response in it cannot"):
            reopen(store, survey, person.pseudonym, round=1)
        with pytest.raises(InputError, match="round 1 is closed: no answers can be added"):
            simulate(store, survey, 5, round=1)


def test_the_store_keeps_a_closed_rounds_statuses(tmp_path: Path) -> None:
    from consult.store import open_store

    root = Path(__file__).resolve().parents[1]
    survey = load_survey(root / "surveys" / "st-diplomacy-roundtable.yaml")
    with open_store(tmp_path / "c.db") as store:
        register_survey(store, survey)
        a, b = store.add_participants(survey.id, [NewParticipant("science")] * 2)
        done = store.start_response(a.id, survey.hash, 1)
        for p in survey.proposals:
            store.save_answer(done, p.support_question.key, 3, 3.0)
        store.submit_response(done.id)
        begun = store.start_response(b.id, survey.hash, 1)
        open_next_round(store, survey)
        for change in (lambda: store.submit_response(begun.id),
                       lambda: store.reopen_response(done.id)):  # fmt: skip
            with pytest.raises(Exception, match="the round is closed"):
                change()
        assert store.response_by_id(begun.id).status == "in_progress"
        assert store.response_by_id(done.id).status == "submitted"
