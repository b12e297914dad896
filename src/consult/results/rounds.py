"""The Delphi round engine: open the next round, end the study, and what the rounds show.

``open_next_round`` closes the current round (no more answers to it; a response in progress
stays, incomplete), freezes its results in a snapshot that later edits cannot change, and
opens the next with the proposals the survey's ``delphi:`` design carries forward.
``close_study`` closes the current round with no next one. ``rounds_status`` and
``rounds_overview`` read every round: closed ones from their snapshots, the open one live.

Stability between consecutive rounds is computed over the participants who answered both
(``consult.stats.stability``); the stopping criterion the survey declares is evaluated and
reported, never applied on its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from consult import stats
from consult.errors import InputError
from consult.results.aggregation import Results, aggregate
from consult.results.participation import round_rows, simulated_responses, summarise
from consult.store import ResponseFilter, Store
from consult.store.plans import RoundPlan, plan_of, round_survey
from consult.store.surveys import survey_version
from consult.survey.model import Proposal, Survey

#: Version of the snapshot a closed round keeps.
SNAPSHOT_FORMAT = 1
#: Verdicts that settle a proposal under ``carry_forward: no_consensus``.
SETTLING = ("for", "against")


def round_filter(plan: RoundPlan, include_simulated: bool = False) -> ResponseFilter:
    return ResponseFilter(round=plan.number, include_simulated=include_simulated)


# --------------------------------------------------------------------------- stability


def proposal_stability(
    survey: Survey, proposal: Proposal, pairs: dict[tuple[str, float, float], int]
) -> stats.Stability | None:
    """How the answers to ``proposal`` moved between two rounds, from the pairs
    :meth:`Store.round_pairs` read for its support question."""
    q = proposal.support_question
    assert q.scale is not None
    points = [p.value for p in survey.scale(q.scale).points]
    counts: Counter[tuple[int, int]] = Counter()
    for (_, a, b), n in pairs.items():
        counts[(int(a), int(b))] += n
    return stats.paired_stability(counts, points)


def stability_between(
    store: Store, survey: Survey, plan: RoundPlan, include_simulated: bool = False
) -> dict[str, Any]:
    """Stability of each proposal ``plan`` carried, against the round before it, with
    attrition per group and whether the declared stopping criterion holds."""
    if plan.previous is None:
        return {}
    flt = round_filter(plan, include_simulated)
    criterion = survey.delphi.criterion if survey.delphi else ""
    per: dict[str, Any] = {}
    carried = [p for p in survey.proposals if p.id in plan.carried]
    # One read for every carried proposal: the pairs of both rounds, by question.
    pairs = store.round_pairs(
        survey.id, [p.support_question.key for p in carried], plan.previous, plan.number, flt
    )
    for p in carried:
        st = proposal_stability(survey, p, pairs.get(p.support_question.key, {}))
        per[p.id] = {
            "stability": None if st is None else st.to_dict(),
            "stable": stats.stable(st, criterion) if criterion else None,
        }
    previous = store.response_counts(survey.id, round_filter_number(plan.previous, flt))
    both = store.continuing(survey.id, plan.previous, plan.number, flt)
    verdicts = [v["stable"] for v in per.values()]
    return {
        "between": [plan.previous, plan.number],
        "criterion": criterion,
        "proposals": per,
        "criterion_met": (
            None
            if not criterion or not verdicts or None in verdicts
            else all(v is True for v in verdicts)
        ),
        "attrition": stats.attrition(
            {g: previous.get(g, 0) for g in survey.group_ids},
            {g: both.get(g, 0) for g in survey.group_ids if both.get(g)},
        ),
    }


def round_filter_number(number: int, flt: ResponseFilter) -> ResponseFilter:
    return ResponseFilter(round=number, include_simulated=flt.include_simulated)


# --------------------------------------------------------------------------- snapshots


def take_snapshot(
    store: Store, survey: Survey, plan: RoundPlan, include_simulated: bool = False
) -> dict[str, Any]:
    """The round's results as they are now, with participation and stability: what a closed
    round keeps (JSON-serialisable)."""
    with store.snapshot():
        res = aggregate(store, survey, round_filter(plan, include_simulated))
        rows = round_rows(store, survey, plan.number)
        participation = summarise(rows, survey.group_ids, include_simulated=include_simulated)
        stability = stability_between(store, survey, plan, include_simulated)
    return {
        "format": SNAPSHOT_FORMAT,
        "round": plan.number,
        "include_simulated": include_simulated,
        "results": res.to_dict(),
        "participation": {
            "groups": participation["groups"],
            "total": participation["total"],
            "incomplete": sum(1 for r in participation["not_finished"] if r["answered"]),
        },
        "stability": stability,
    }


# --------------------------------------------------------------------------- opening, closing


@dataclass(frozen=True)
class Opened:
    """What ``round open`` did: the round closed, the round opened and what it asks."""

    closed: int
    opened: int
    carried: tuple[str, ...]
    settled: dict[str, dict[str, Any]]
    submitted: int
    in_progress_left: int
    simulated_left_out: int
    stability: dict[str, Any] = field(default_factory=dict)


def _check_can_advance(store: Store, survey: Survey, plan: RoundPlan) -> None:
    if survey.delphi is None:
        raise InputError(
            f"{survey.path or survey.id}: the survey declares no delphi: block "
            "(max_rounds, carry_forward, feedback, ...); see docs/survey-format.md#delphi-rounds"
        )
    if plan.ended:
        raise InputError(f"the study ended when round {plan.number} closed; no round follows")
    if plan.record is not None and not plan.record.is_open:
        raise InputError(f"round {plan.number} is closed already")


def open_next_round(store: Store, survey: Survey, *, include_simulated: bool = False) -> Opened:
    """Close the current round, freeze its results and open the next (see module docstring).

    Refused (``InputError``) when the survey declares no Delphi design, the study has ended,
    ``max_rounds`` is reached, the current round has no submitted response, every proposal is
    settled, or the survey file changed a carried proposal's support question or scale.
    """
    # One write transaction from the first read to the last write: nobody's answer lands in
    # the round between its snapshot and its closing, and two facilitators cannot both open it.
    with store.transaction():
        plan = plan_of(store, survey)
        _check_can_advance(store, survey, plan)
        assert survey.delphi is not None
        if plan.number >= survey.delphi.max_rounds:
            raise InputError(
                f"round {plan.number} is the last of max_rounds {survey.delphi.max_rounds}; "
                "end the study with: consult round close"
            )
        flt = round_filter(plan, include_simulated)
        submitted = sum(store.response_counts(survey.id, flt).values())
        if submitted == 0:
            left = simulated_responses(store, survey, flt)
            hint = f" ({left} simulated ones: add --include-simulated to rehearse)" if left else ""
            raise InputError(f"round {plan.number} has no submitted responses yet{hint}")
        if include_simulated:
            _check_rehearsal(store, survey, plan)
        _check_compatible(store, survey, plan)
        asked = round_survey(survey, plan)
        snapshot = take_snapshot(store, asked, plan, include_simulated)
        carried, settled = _carry_forward(survey, plan, snapshot)
        if not carried:
            raise InputError(
                f"every proposal reached consensus by round {plan.number}: nothing is asked "
                "again; end the study with: consult round close"
            )
        reason_when = _outside_iqr(survey, snapshot, carried)
        new = RoundPlan(plan.number + 1, carried, settled, reason_when, include_simulated)
        in_progress = _in_progress(store, survey, plan)
        store.close_round(survey.id, plan.number, snapshot, survey_hash=_hash_of(store, survey))
        store.open_round(survey.id, new.number, survey.hash, new.to_dict())
    return Opened(
        closed=plan.number,
        opened=new.number,
        carried=carried,
        settled=settled,
        submitted=submitted,
        in_progress_left=in_progress,
        simulated_left_out=0 if include_simulated else simulated_responses(store, survey, flt),
        stability=snapshot["stability"],
    )


def close_study(store: Store, survey: Survey, *, include_simulated: bool = False) -> int:
    """End the study: close the current round with its snapshot and open none. Returns it."""
    with store.transaction():  # the snapshot and the closing as one step (open_next_round)
        plan = plan_of(store, survey)
        _check_can_advance(store, survey, plan)
        if include_simulated:
            _check_rehearsal(store, survey, plan)
        snapshot = take_snapshot(store, round_survey(survey, plan), plan, include_simulated)
        store.close_round(
            survey.id, plan.number, snapshot, survey_hash=_hash_of(store, survey), final=True
        )
    return plan.number


def _check_rehearsal(store: Store, survey: Survey, plan: RoundPlan) -> None:
    """Refuse to let simulated answers decide a round that real people answered: what is
    carried and settled would rest on a rehearsal."""
    real = sum(store.response_counts(survey.id, round_filter(plan)).values())
    if real:
        raise InputError(
            f"round {plan.number} has {real} real submitted responses; --include-simulated would "
            "let simulated answers decide what is carried and settled. Rehearse in a copy of "
            "the database (consult --db rehearsal.db ...), or leave the option out"
        )


def _hash_of(store: Store, survey: Survey) -> str | None:
    """The survey hash recorded with a round closed without ever being opened (round 1)."""
    return survey.hash if store.survey_by_hash(survey.hash) is not None else None


def _in_progress(store: Store, survey: Survey, plan: RoundPlan) -> int:
    rows = store.participation_rows(survey.id, plan.number)
    return sum(1 for r in rows if r["status"] == "in_progress")


def _carry_forward(
    survey: Survey, plan: RoundPlan, snapshot: dict[str, Any]
) -> tuple[tuple[str, ...], dict[str, dict[str, Any]]]:
    assert survey.delphi is not None
    settled = dict(plan.settled)
    if survey.delphi.carry_forward == "all":
        return plan.carried, settled
    verdicts = {p["id"]: p["consensus"] for p in snapshot["results"]["proposals"]}
    carried = []
    for pid in plan.carried:
        if verdicts.get(pid) in SETTLING:
            settled[pid] = {"round": plan.number, "verdict": verdicts[pid]}
        else:
            carried.append(pid)
    return tuple(carried), settled


def _outside_iqr(
    survey: Survey, snapshot: dict[str, Any], carried: tuple[str, ...]
) -> dict[str, tuple[int, ...]]:
    """Per carried proposal's support question: the scale points outside the panel's IQR."""
    panel = {p["id"]: p["panel"] for p in snapshot["results"]["proposals"]}
    out: dict[str, tuple[int, ...]] = {}
    for pid in carried:
        q = survey.proposal(pid).support_question
        figures = panel.get(pid)
        if figures is None or figures["q1"] is None or q.scale is None:
            continue
        q1, q3 = figures["q1"], figures["q3"]
        out[q.key] = tuple(
            pt.value for pt in survey.scale(q.scale).points if pt.value < q1 or pt.value > q3
        )
    return out


def _check_compatible(store: Store, survey: Survey, plan: RoundPlan) -> None:
    """Refuse when the survey file changed a carried proposal's support question or scale
    since the round's responses were given (the rounds could no longer be compared)."""
    hashes = store.response_hashes(
        survey.id,
        ResponseFilter(round=plan.number, include_in_progress=True, include_simulated=True),
    )
    for h in hashes:
        if h == survey.hash:
            continue
        earlier = survey_version(store, survey, h)
        for pid in plan.carried:
            problem = _support_changed(earlier, survey, pid)
            if problem:
                raise InputError(
                    f"{survey.path or survey.id}: proposal {pid!r} {problem} since round "
                    f"{plan.number} was answered; the rounds could not be compared. Restore it, "
                    "or add the change as a new proposal"
                )


def _support_changed(earlier: Survey, now: Survey, pid: str) -> str | None:
    try:
        before = earlier.proposal(pid).support_question
    except KeyError:
        return None
    try:
        after = now.proposal(pid).support_question
    except KeyError:
        return "was removed"
    if before.key != after.key:
        return f"measures its support with {after.key!r}, not {before.key!r}"
    assert before.scale is not None and after.scale is not None
    a, b = earlier.scale(before.scale).spec, now.scale(after.scale).spec
    if a != b:
        return f"changed its scale {after.scale!r} (points, support or opposition)"
    return None


# --------------------------------------------------------------------------- reading the rounds


def round_results(
    store: Store, survey: Survey, number: int, include_simulated: bool = False
) -> dict[str, Any]:
    """The figures of round ``number``: its snapshot when closed, else computed now."""
    plan = plan_of(store, survey, number)
    if plan.record is not None and plan.record.snapshot is not None:
        return plan.record.snapshot
    return take_snapshot(store, round_survey(survey, plan), plan, include_simulated)


def round_numbers(store: Store, survey: Survey) -> list[int]:
    return list(range(1, store.current_round(survey.id) + 1))


def round_snapshots(
    store: Store, survey: Survey, include_simulated: bool = False
) -> list[dict[str, Any]]:
    """Every round's figures, round 1 first (:func:`round_results`): read them once and hand
    them to :func:`rounds_status` and :func:`rounds_overview`, which need the same."""
    return [
        round_results(store, survey, n, include_simulated) for n in round_numbers(store, survey)
    ]


def rounds_status(
    store: Store,
    survey: Survey,
    include_simulated: bool = False,
    snapshots: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``consult round status``: per round its state, participation by group, what it asked,
    and stability against the round before (JSON-serialisable). ``snapshots``: the rounds'
    figures when already read (:func:`round_snapshots`)."""
    if snapshots is None:
        snapshots = round_snapshots(store, survey, include_simulated)
    out = []
    for n, snap in zip(round_numbers(store, survey), snapshots, strict=True):
        plan = plan_of(store, survey, n)
        record = plan.record
        state = "open" if plan.is_open else ("ended" if plan.ended else "closed")
        out.append(
            {
                "round": n,
                "state": state,
                "opened_at": record.opened_at if record else None,
                "closed_at": record.closed_at if record else None,
                "participation": snap["participation"],
                "carried": list(plan.carried),
                "settled": plan.settled,
                "verdicts": {p["id"]: p["consensus"] for p in snap["results"]["proposals"]},
                "stability": snap["stability"],
                "include_simulated": snap["include_simulated"],
            }
        )
    delphi = survey.delphi
    return {
        "survey": survey.id,
        "design": None
        if delphi is None
        else {
            "max_rounds": delphi.max_rounds,
            "carry_forward": delphi.carry_forward,
            "feedback": list(delphi.feedback),
            "reasons": delphi.reasons,
            "stability": delphi.criterion,
            "invite": delphi.invite,
        },
        "current_round": store.current_round(survey.id),
        "rounds": out,
    }


def rounds_overview(
    store: Store,
    survey: Survey,
    include_simulated: bool = False,
    snapshots: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every proposal across rounds: per round n, support, median, IQR, verdict, the change from
    the round before and its stability; the round in which it settled. ``snapshots``: the
    rounds' figures when already read (:func:`round_snapshots`)."""
    rounds = (
        snapshots if snapshots is not None else round_snapshots(store, survey, include_simulated)
    )
    last_plan = plan_of(store, survey)
    proposals = []
    for p in survey.proposals:
        cells: list[dict[str, Any] | None] = []
        before: dict[str, Any] | None = None
        for snap in rounds:
            found = next((r for r in snap["results"]["proposals"] if r["id"] == p.id), None)
            if found is None:
                cells.append(None)
                continue
            panel = found["panel"]
            stab = snap["stability"].get("proposals", {}).get(p.id) if snap["stability"] else None
            cell = {
                "round": snap["round"],
                "n": panel["n_valid"],
                "support": panel["support"],
                "median": panel["median"],
                "q1": panel["q1"],
                "q3": panel["q3"],
                "iqr": panel["iqr"],
                "verdict": found["consensus"],
                "support_change": _change(panel["support"], before and before["support"]),
                "median_change": _change(panel["median"], before and before["median"]),
                "stability": stab["stability"] if stab else None,
                "stable": stab["stable"] if stab else None,
            }
            cells.append(cell)
            before = cell
        settled = last_plan.settled.get(p.id)
        proposals.append(
            {
                "id": p.id,
                "title": p.title.get(survey.languages[0]),
                "rounds": cells,
                "settled_in": settled["round"] if settled else None,
                "settled_verdict": settled["verdict"] if settled else None,
            }
        )
    return {
        "survey": survey.id,
        "rounds": [s["round"] for s in rounds],
        "proposals": proposals,
    }


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return now - before


def frozen_differs(store: Store, survey: Survey, results: Results) -> bool:
    """Whether ``results`` are of a closed round whose frozen snapshot shows other figures
    (answers removed or changed since it closed). Only results counted as the snapshot was
    (no group, date or in-progress filter, simulated responses alike) are compared."""
    flt = results.filter
    if flt.round is None or flt.groups or flt.since or flt.until or flt.include_in_progress:
        return False
    record = next((r for r in store.rounds(survey.id) if r.number == flt.round), None)
    if record is None or record.snapshot is None:
        return False
    frozen = record.snapshot
    if frozen.get("include_simulated") != flt.include_simulated:
        return False
    return _figures(frozen["results"]) != _figures(results.to_dict())


def _figures(doc: dict[str, Any]) -> tuple[Any, ...]:
    return (
        doc["respondents"],
        sorted((p["id"], p["panel"]["distribution"]) for p in doc["proposals"]),
    )


def results_of_round(store: Store, survey: Survey, number: int) -> Results:
    """The live :class:`Results` of round ``number`` (what ``results --round N`` computes)."""
    return aggregate(store, survey, ResponseFilter(round=number))
