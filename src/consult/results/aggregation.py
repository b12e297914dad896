"""Aggregate a survey's answers into results: support for each proposal, overall and by group.

The store hands back per-value histograms (GROUP BY question, group, value); every statistic is
computed from those, so the cost grows with the number of distinct values, not of answers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from consult import stats
from consult.i18n import Labels
from consult.i18n.rules import LABELS as RULE_WORDS
from consult.results.checks import UNPLACED_REASONS, wordings_of
from consult.store import ResponseFilter, Store
from consult.store.plans import default_round, plan_of, round_survey
from consult.survey.model import ABSTAIN, Question, Survey

QUANTILE_METHOD = (
    "Hyndman-Fan type 7 (linear interpolation between order statistics), the definition of "
    "Excel's QUARTILE.INC, R's default and numpy's default"
)


@dataclass(frozen=True)
class NumberSummary:
    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    min: float | None
    max: float | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ProposalResult:
    """One proposal's support question, summarised; ``rank`` 1 has the most support."""

    id: str
    title: str
    question: str
    rank: int
    stats: stats.ProposalStats
    #: The proposal's number in the survey, as participants saw it ("Proposal 3 of 6"); not in
    #: ``to_dict`` (the JSON keys are a contract; the order of ``survey.proposals`` gives it).
    number: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "question": self.question,
            "rank": self.rank,
            **self.stats.to_dict(),
        }


@dataclass(frozen=True)
class Results:
    """Everything ``consult results`` shows, ``--json`` prints and reports are built from."""

    survey_id: str
    title: str
    version: str
    survey_hash: str
    language: str
    filter: ResponseFilter
    groups: dict[str, str]  # id -> label, in survey order
    respondents: dict[str, int]  # admitted responses per group, every group listed
    proposals: tuple[ProposalResult, ...]  # sorted by rank
    scales: dict[
        str, dict[str, stats.ScaleSummary]
    ]  # other scale questions: key -> group -> summary
    choices: dict[
        str, dict[str, tuple[stats.ChoiceSummary, ...]]
    ]  # key -> "panel"/group -> options
    rankings: dict[str, tuple[stats.RankingSummary, ...]]
    numbers: dict[str, NumberSummary]
    comment_counts: dict[str, dict[str, int]]  # text question -> group -> answers
    comments: tuple[dict[str, str], ...]  # {"question", "proposal", "group", "text"}, on request
    ignored_answers: int  # answers that do not fit the current definition (QuestionType.fits)
    alpha_ordinal: float | None
    consensus_rule: str = ""
    #: Which proposals the alpha is over: those on the first proposal's scale (values of
    #: different scales are not comparable); ``left_out`` counts the others.
    alpha_scope: dict[str, Any] = field(default_factory=dict)
    #: What the stored data hold that the current definition cannot place: responses of groups
    #: it no longer defines, and answers by reason (see :data:`UNPLACED_REASONS`).
    unplaced: dict[str, Any] = field(default_factory=dict)
    #: Every definition the admitted responses were answered on, when more than one: hash,
    #: version, responses, whether it is the current one, and the proposals it words otherwise.
    wordings: list[dict[str, Any]] = field(default_factory=list)
    #: Per ranking question: Kendall's W with its test, and which neighbours in the ranked
    #: order the data cannot tell apart.
    concordance: dict[str, dict[str, Any]] = field(default_factory=dict)
    quantile_method: str = field(default=QUANTILE_METHOD)
    #: Delphi: proposals settled in an earlier round and not asked in this one,
    #: id -> {"round": k, "verdict": "for" | "against"}.
    settled: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def n_respondents(self) -> int:
        return sum(self.respondents.values())

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-serialisable dict: what ``consult results --json`` prints."""
        return {
            "survey": {
                "id": self.survey_id,
                "title": self.title,
                "version": self.version,
                "hash": self.survey_hash,
            },
            "language": self.language,
            "filter": dict(self.filter.__dict__, groups=list(self.filter.groups)),
            "consensus_rule": self.consensus_rule,
            "quantile_method": self.quantile_method,
            "groups": self.groups,
            "respondents": {"total": self.n_respondents, **self.respondents},
            "krippendorff_alpha_ordinal": self.alpha_ordinal,
            "krippendorff_alpha_scope": self.alpha_scope,
            "ignored_answers": self.ignored_answers,
            "unplaced": self.unplaced,
            "wordings": self.wordings,
            "proposals": [p.to_dict() for p in self.proposals],
            "settled": self.settled,
            "scales": {k: {g: s.to_dict() for g, s in v.items()} for k, v in self.scales.items()},
            "choices": {
                k: {g: [c.to_dict() for c in cs] for g, cs in v.items()}
                for k, v in self.choices.items()
            },
            "rankings": {k: [r.to_dict() for r in v] for k, v in self.rankings.items()},
            "ranking_concordance": self.concordance,
            "numbers": {k: v.to_dict() for k, v in self.numbers.items()},
            "comment_counts": self.comment_counts,
            "comments": list(self.comments),
        }


def describe_rule(
    rule: stats.ConsensusRule, lang: str = "en", scale: stats.ScaleSpec | None = None
) -> str:
    """The consensus rule in one line of words (English or Korean), as the survey states it.

    Shares are percent (``70%``, ``67.5%``: never rounded across), the contested gap in points
    (``30 pp``): the same words in ``consult results``, the report and ``consult survey show``.
    A mirrored "against" side is spelt out on ``scale`` (the first proposal's), marked as
    mirrored; without a scale, a side whose median or mean thresholds depend on the scale is
    only said to be mirrored.
    """
    words = Labels(RULE_WORDS, lang)

    def criterion(c: stats.Criterion) -> str:
        share = c.measure in ("support", "opposition", "neutral", "percent_agreement")
        threshold = f"{round(c.threshold * 100, 4):g}%" if share else f"{c.threshold:g}"
        return f"{words.get(c.measure, c.measure)} {c.op} {threshold}"

    def side(criteria: tuple[stats.Criterion, ...]) -> str:
        return words["and"].join(criterion(c) for c in criteria)

    parts = [f"{words['for']}: {side(rule.for_)}"]
    if rule.mirror:
        reflected = any(c.measure in ("median", "mean") for c in rule.for_)
        if scale is None and reflected:
            parts.append(f"{words['against']}: {words['mirrored']}")
        else:
            against = rule.against_on(scale or stats.ScaleSpec((0, 1), frozenset(), frozenset()))
            parts.append(f"{words['against']} ({words['mirrored']}): {side(against)}")
    elif rule.against:
        parts.append(f"{words['against']}: {side(rule.against)}")
    parts.append(words["panel" if rule.scope == "panel" else "every_group"])
    parts.append(words["contested"].format(gap=f"{round(rule.contested_gap * 100, 4):g} pp"))
    return "; ".join(parts)


def rule_in_words(survey: Survey, lang: str = "en") -> str:
    """The survey's consensus rule in words, a mirrored side on its first proposal's scale."""
    first = survey.proposals[0].support_question.scale if survey.proposals else None
    scale = survey.scale(first).spec if first else None
    return describe_rule(survey.consensus, lang, scale)


def iter_comments(
    store: Store,
    survey: Survey,
    flt: ResponseFilter,
    questions: Sequence[str] | None = None,
    limit: int | None = None,
) -> Iterator[dict[str, str]]:
    """Free-text answers, anonymous, streamed in survey order, then by group and text.

    ``questions`` narrows to those keys; ``limit`` caps each question's answers.
    """
    wanted = None if questions is None else set(questions)
    for q in survey.questions():
        if not q.kind.free_text or (wanted is not None and q.key not in wanted):
            continue
        for group, text in store.text_answers(survey.id, q.key, flt, limit):
            yield {"question": q.key, "proposal": q.proposal or "", "group": group, "text": text}


def aggregate(
    store: Store,
    survey: Survey,
    flt: ResponseFilter | None = None,
    lang: str | None = None,
    *,
    comments: bool = False,
) -> Results:
    """Compute the results of ``survey`` from the answers in ``store`` that ``flt`` admits.

    Free-text answers are counted (``comment_counts``); their texts, which grow with the number
    of answers rather than of distinct values, are included only with ``comments=True`` (or
    streamed by :func:`iter_comments`).
    """
    flt = flt or ResponseFilter()
    lang = lang or survey.languages[0]
    group_ids = survey.group_ids
    # One snapshot: a response committed meanwhile (a live session) is wholly in or wholly out.
    with store.snapshot():
        if flt.round is None:
            # A Delphi panel answers again each round: counting rounds together would count
            # every expert twice, so results are of one round: the current one once rounds
            # are recorded, else the latest answered.
            flt = replace(flt, round=default_round(store, survey, flt))
        settled: dict[str, dict[str, Any]] = {}
        if flt.round is not None and flt.round > 1:
            # A later Delphi round asks only the proposals it carried (and why, at times).
            plan = plan_of(store, survey, flt.round)
            survey, settled = round_survey(survey, plan), plan.settled
        text_keys = [q.key for q in survey.questions() if q.kind.free_text]
        other_keys = [q.key for q in survey.questions() if not q.kind.free_text]
        rows = store.histograms(survey.id, flt, other_keys)
        counted = store.response_counts(survey.id, flt)
        text_counts = store.answer_counts(survey.id, text_keys, flt)
        texts = tuple(iter_comments(store, survey, flt)) if comments else ()
        hashes = store.response_hashes(survey.id, flt)
        earlier = {h: n for h, n in hashes.items() if h != survey.hash}
        wordings = wordings_of(store, survey, hashes) if earlier else []
        not_asked = (
            store.answers_to_other_questions(survey.id, [*text_keys, *other_keys], flt)
            if earlier
            else 0
        )
    # question -> group -> decoded value -> count
    hist: dict[str, dict[str, dict[Any, int]]] = defaultdict(lambda: defaultdict(dict))
    tallied = {q.key: q for q in survey.questions() if not q.kind.free_text}
    ignored = 0
    unplaced_answers = dict.fromkeys(UNPLACED_REASONS, 0)
    unplaced_answers["question_not_asked"] = not_asked
    for question, group, value, count in rows:
        decoded = json.loads(value)
        if isinstance(decoded, list):
            decoded = tuple(decoded)
        q = tallied.get(question)
        # Stored under an earlier version of the definition (a removed option, question or
        # group): counted, by reason, rather than breaking every statistic or vanishing.
        reason = None
        if q is None:
            reason = "question_not_asked"
        elif group not in group_ids:
            reason = "group_not_defined"
        elif not q.kind.fits(q, decoded, survey):
            reason = "value_not_allowed"
        if reason is not None:
            ignored += count
            unplaced_answers[reason] += count
            continue
        bucket = hist[question][group]
        bucket[decoded] = bucket.get(decoded, 0) + count
    respondents = {g: counted.get(g, 0) for g in group_ids}
    stray_groups = {g: n for g, n in sorted(counted.items()) if g not in group_ids}
    unplaced = {
        "responses": sum(stray_groups.values()),
        "groups": stray_groups,
        "answers": unplaced_answers,
    }

    proposals = _proposal_results(survey, hist, lang)
    scales: dict[str, dict[str, stats.ScaleSummary]] = {}
    choices: dict[str, dict[str, tuple[stats.ChoiceSummary, ...]]] = {}
    rankings: dict[str, tuple[stats.RankingSummary, ...]] = {}
    concordance: dict[str, dict[str, Any]] = {}
    numbers: dict[str, NumberSummary] = {}
    support_keys = {p.support_question.key for p in survey.proposals}
    for q in survey.questions():
        per_group = hist.get(q.key, {})
        summary = q.kind.summary
        if summary == "scale" and q.key not in support_keys:
            scales[q.key] = _scale_by_group(survey, q, per_group)
        elif summary == "choices":
            choices[q.key] = _choices(q, per_group, group_ids)
        elif summary == "ranking":
            rankings[q.key] = _ranking(q, per_group)
            concordance[q.key] = _concordance(q, per_group, rankings[q.key])
        elif summary == "number":
            numbers[q.key] = _number(per_group)
    comment_counts: dict[str, dict[str, int]] = {k: {} for k in text_keys}
    for key, group, n in text_counts:
        comment_counts[key][group] = n
    alpha, alpha_scope = _alpha(survey, hist)
    return Results(
        survey_id=survey.id,
        title=survey.title.get(lang),
        version=survey.version,
        survey_hash=survey.hash,
        language=lang,
        filter=flt,
        groups={g.id: g.label.get(lang) for g in survey.groups},
        respondents=respondents,
        proposals=proposals,
        scales=scales,
        choices=choices,
        rankings=rankings,
        numbers=numbers,
        comment_counts=comment_counts,
        comments=texts,
        ignored_answers=ignored,
        unplaced=unplaced,
        wordings=wordings,
        alpha_ordinal=alpha,
        consensus_rule=rule_in_words(survey, lang),
        alpha_scope=alpha_scope,
        concordance=concordance,
        settled=settled,
    )


def _split_abstain(counts: dict[Any, int]) -> tuple[dict[int, int], int]:
    valid = {v: c for v, c in counts.items() if v != ABSTAIN}
    return valid, counts.get(ABSTAIN, 0)


def _proposal_results(
    survey: Survey, hist: dict[str, dict[str, dict[Any, int]]], lang: str
) -> tuple[ProposalResult, ...]:
    summaries = []
    for proposal in survey.proposals:
        question = proposal.support_question
        scale = survey.scale(question.scale or "")
        per_group = hist.get(question.key, {})
        group_counts = {g: _split_abstain(per_group.get(g, {})) for g in survey.group_ids}
        summaries.append(
            (
                proposal,
                question,
                stats.summarise_proposal(group_counts, scale.spec, survey.consensus),
            )
        )
    # Most support first; ties broken by group-balanced support, then by survey order. A
    # proposal under the quorum comes after every one with enough answers, whatever its share.
    order = sorted(
        range(len(summaries)),
        key=lambda i: (
            summaries[i][2].consensus == "insufficient",
            -(summaries[i][2].panel.support or 0.0),
            -(summaries[i][2].group_balanced_support or 0.0),
            i,
        ),
    )
    return tuple(
        ProposalResult(
            id=summaries[i][0].id,
            title=summaries[i][0].title.get(lang),
            question=summaries[i][1].key,
            rank=rank,
            stats=summaries[i][2],
            number=i + 1,
        )
        for rank, i in enumerate(order, 1)
    )


def _scale_by_group(
    survey: Survey, q: Question, per_group: dict[str, dict[Any, int]]
) -> dict[str, stats.ScaleSummary]:
    spec = survey.scale(q.scale or "").spec
    panel: dict[Any, int] = defaultdict(int)
    out = {}
    for g in survey.group_ids:
        counts = per_group.get(g, {})
        for v, c in counts.items():
            panel[v] += c
        out[g] = stats.summarise_scale(*_split_abstain(counts), spec)
    return {"panel": stats.summarise_scale(*_split_abstain(panel), spec), **out}


def _choices(
    q: Question, per_group: dict[str, dict[Any, int]], group_ids: tuple[str, ...]
) -> dict[str, tuple[stats.ChoiceSummary, ...]]:
    options = [o.id for o in q.options]

    def summarise(counts: dict[Any, int]) -> tuple[stats.ChoiceSummary, ...]:
        option_counts: dict[str, int] = defaultdict(int)
        for value, c in counts.items():
            for option in value if isinstance(value, tuple) else (value,):
                option_counts[option] += c
        return stats.summarise_choice(option_counts, sum(counts.values()), options)

    panel: dict[Any, int] = defaultdict(int)
    for counts in per_group.values():
        for v, c in counts.items():
            panel[v] += c
    return {"panel": summarise(panel), **{g: summarise(per_group.get(g, {})) for g in group_ids}}


def _ranking(q: Question, per_group: dict[str, dict[Any, int]]) -> tuple[stats.RankingSummary, ...]:
    positions: dict[str, dict[int, int]] = {o.id: {} for o in q.options}
    for counts in per_group.values():
        for order, c in counts.items():
            for position, option in enumerate(order, 1):
                if option in positions:
                    positions[option][position] = positions[option].get(position, 0) + c
    return stats.summarise_ranking(positions, len(q.options))


def _number(per_group: dict[str, dict[Any, int]]) -> NumberSummary:
    counts: dict[float, int] = defaultdict(int)
    for group_counts in per_group.values():
        for v, c in group_counts.items():
            counts[v] += c
    n = sum(counts.values())
    if not n:
        return NumberSummary(0, None, None, None, None, None, None)
    return NumberSummary(
        n=n,
        mean=sum(v * c for v, c in counts.items()) / n,
        median=stats.weighted_quantile(counts, 0.5),
        q1=stats.weighted_quantile(counts, 0.25),
        q3=stats.weighted_quantile(counts, 0.75),
        min=min(counts),
        max=max(counts),
    )


def _alpha(
    survey: Survey, hist: dict[str, dict[str, dict[Any, int]]]
) -> tuple[float | None, dict[str, Any]]:
    """Krippendorff's ordinal alpha: participants as coders, proposals as units.

    It measures whether the panel tells proposals apart (agreement on which proposals are
    preferred), not whether it agrees with each. Only proposals on the first proposal's scale
    count: points of different scales are not one ordinal metric.
    """
    if not survey.proposals:
        return None, {}
    scale_id = survey.proposals[0].support_question.scale or ""
    units = []
    left_out = 0
    for proposal in survey.proposals:
        if proposal.support_question.scale != scale_id:
            left_out += 1
            continue
        counts: dict[int, int] = defaultdict(int)
        for group_counts in hist.get(proposal.support_question.key, {}).values():
            for v, c in group_counts.items():
                if v != ABSTAIN:
                    counts[v] += c
        units.append(dict(counts))
    points = survey.scale(scale_id).spec.points
    scope = {"scale": scale_id, "proposals": len(units), "left_out": left_out}
    return stats.krippendorff_alpha(units, "ordinal", order=points), scope


def _concordance(
    q: Question,
    per_group: dict[str, dict[Any, int]],
    summaries: tuple[stats.RankingSummary, ...],
) -> dict[str, Any]:
    """Kendall's W over the complete rankings, and the neighbours it cannot order."""
    n = len(q.options)
    ids = {o.id for o in q.options}
    places: dict[str, dict[int, int]] = {o.id: {} for o in q.options}
    raters = 0
    for counts in per_group.values():
        for order, c in counts.items():
            if len(order) != n or set(order) != ids:
                continue  # a partial ranking: Kendall's W needs every option placed
            raters += c
            for place, option in enumerate(order, 1):
                places[option][place] = places[option].get(place, 0) + c
    w = stats.kendall_w(places, raters) if raters >= 2 else None
    difference = stats.rank_critical_difference(n, raters)
    mean_ranks = {r.option: r.mean_rank for r in summaries}
    return {
        "kendall_w": w.to_dict() if w else None,
        "critical_difference": difference,
        "indistinct_neighbours": [list(p) for p in stats.neighbours_within(mean_ranks, difference)],
    }
