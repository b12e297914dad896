"""Everything the Excel report shows, read from the store: the results and what goes with them.

The small figures are computed at once; the big lists (comments, raw answers) come as iterator
factories, so a report streams them and memory does not grow with the number of answers. Read
within one snapshot (:func:`open_report_data`): a session answering meanwhile is wholly in the
report or wholly out of it, in every sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from consult import stats
from consult.results.aggregation import Results, aggregate, iter_comments
from consult.results.answers import answer_records, without_free_text
from consult.results.participation import round_rows, simulated_responses, summarise
from consult.results.rounds import round_snapshots, rounds_overview, rounds_status
from consult.store import ResponseFilter, Store
from consult.survey.model import Survey

#: pseudonym -> (name, organisation)
Identities = dict[str, tuple[str | None, str | None]]

#: Any scale will do to mirror a rule's share thresholds: mirroring swaps support and opposition
#: but keeps their thresholds (only median and mean thresholds depend on the scale).
_ANY_SCALE = stats.ScaleSpec((0, 1), frozenset(), frozenset())


def judged_by(rule: stats.ConsensusRule, measure: str) -> tuple[float, ...]:
    """Every threshold a share of ``measure`` is compared with, on either side of the rule as it
    is applied (a mirrored "against" side included); percent agreement is the larger of support
    and opposition, so its thresholds count for both."""
    measures = {measure, "percent_agreement"} if measure in ("support", "opposition") else {measure}
    criteria = (*rule.for_, *rule.against_on(_ANY_SCALE))
    return tuple(sorted({c.threshold for c in criteria if c.measure in measures}))


def shown_divergence(st: stats.ProposalStats) -> stats.Divergence | None:
    """The gap a reader is shown: the one the flag is judged on when there is a flag (contested
    or possible), else the widest (which may involve a small group)."""
    return st.flagged_divergence if st.divergence_flag != "none" else st.max_divergence


def involves_small(st: stats.ProposalStats, d: stats.Divergence | None) -> bool:
    """Whether the gap ``d`` has a small group on one side (marked †, not flagged)."""
    return d is not None and (d.group_a in st.small_groups or d.group_b in st.small_groups)


@dataclass(frozen=True)
class Figures:
    """Figures as a reader sees them: never on the other side of a threshold they are judged by.

    Shares are whole percent and gaps whole points unless rounding would cross (or touch) a
    threshold of the rule; then they get the decimals they need (:func:`stats.shown_share`).
    Without the rule (``None``) they are rounded plainly, as nothing is known to be judged.
    """

    rule: stats.ConsensusRule | None

    def share(self, value: float | None, measure: str = "support") -> str:
        if self.rule is None:
            return stats.shown_share(value)
        return stats.shown_share(value, judged_by(self.rule, measure))

    def abstention(self, value: float | None) -> str:
        limit = None if self.rule is None else self.rule.max_abstention
        return stats.shown_share(value, () if limit is None else (limit,))

    def gap(self, value: float | None) -> str:
        """A gap between two groups by its size, in points ("29.6 pp")."""
        magnitude = None if value is None else abs(value)
        if self.rule is None:
            return stats.shown_points(magnitude)
        return stats.shown_points(magnitude, (self.rule.contested_gap,))

    @staticmethod
    def interval(ci: tuple[float, float] | None, difference: float) -> tuple[str, str] | None:
        """A gap's interval in points, oriented as its size (the larger group first), each end
        kept on its side of 0."""
        if ci is None:
            return None
        low, high = (ci[0], ci[1]) if difference >= 0 else (-ci[1], -ci[0])
        return stats.shown_points(low, (0.0,)), stats.shown_points(high, (0.0,))


@dataclass(frozen=True)
class RoundsData:
    """Every Delphi round up to the current one: closed rounds as their frozen snapshots keep
    them, the open round computed now (with the report's choice of simulated responses)."""

    #: :func:`consult.results.rounds.rounds_overview`: per proposal, per round.
    overview: dict[str, Any]
    #: :func:`consult.results.rounds.rounds_status`: per round, its state, participation,
    #: plan, verdicts and stability; and the survey's declared design.
    status: dict[str, Any]

    @property
    def numbers(self) -> list[int]:
        return [r["round"] for r in self.status["rounds"]]

    @property
    def last_comparison(self) -> dict[str, Any] | None:
        """The stability of the last round against the one before (None in round 1)."""
        compared = [r["stability"] for r in self.status["rounds"] if r["stability"]]
        return compared[-1] if compared else None


@dataclass(frozen=True)
class ReportData:
    """What a report is made of. Call the iterator factories inside the snapshot it was read in,
    and run each iterator to its end there."""

    results: Results
    #: The round the figures are of: the one the results settled on, else the survey's current.
    round: int
    #: Simulated responses the filter counts, or leaves out.
    simulated: int
    #: group -> {"invited", "started", "submitted"} in ``round``, for the filter's groups.
    participation: dict[str, dict[str, int]]
    #: Names and organisations, only when asked to identify (else empty).
    identities: Identities
    #: How many raw answer records :attr:`answers` yields (0 when raw answers were not asked).
    raw_answers: int
    #: Every free-text answer, anonymous, in survey order:
    #: {"question", "proposal", "group", "text"}.
    comments: Callable[[], Iterator[dict[str, str]]]
    #: One question's free-text answers, at most ``limit`` of them.
    follow_ups: Callable[[str, int], Iterator[dict[str, str]]]
    #: The raw answer records (without any free text when comments were left out).
    answers: Callable[[], Iterator[dict[str, Any]]]
    #: channel -> {"started", "submitted"} in ``round``: terminal, form, table, merge, simulate.
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The Delphi rounds, when the survey declares a design or has more than one round.
    rounds: RoundsData | None = None

    @property
    def filter(self) -> ResponseFilter:
        """The filter with the round the results settled on."""
        return self.results.filter

    @property
    def comment_total(self) -> int:
        """How many free-text answers the filter admits."""
        return sum(
            n for per_group in self.results.comment_counts.values() for n in per_group.values()
        )


def report_data(
    store: Store,
    survey: Survey,
    flt: ResponseFilter,
    lang: str,
    *,
    raw: bool = False,
    identify: bool = False,
    comments: bool = True,
) -> ReportData:
    """Compute what a report of ``survey`` shows. Call it inside ``store.snapshot()`` and use
    the result there (or use :func:`open_report_data`, which does both).

    ``raw`` counts the raw answers; ``identify`` reads names (only ever for raw answers);
    ``comments=False`` leaves free text out of the raw answers and their count.
    """
    results = aggregate(store, survey, flt, lang)
    flt = results.filter  # the round aggregate settled on, for everything below
    rnd = flt.round or store.current_round(survey.id)
    simulated = simulated_responses(store, survey, flt)
    identities: Identities = store.export_identities(survey.id) if identify else {}

    def follow_ups(key: str, limit: int) -> Iterator[dict[str, str]]:
        return iter_comments(store, survey, flt, [key], limit)

    def answers() -> Iterator[dict[str, Any]]:
        records = answer_records(store, survey, flt)
        return records if comments else without_free_text(records, survey)

    data = ReportData(
        results=results,
        round=rnd,
        simulated=simulated,
        participation=_participation(store, survey, flt, rnd),
        by_channel=store.responses_by_channel(survey.id, rnd, flt.include_simulated),
        identities=identities,
        raw_answers=0,
        comments=lambda: iter_comments(store, survey, flt),
        follow_ups=follow_ups,
        answers=answers,
        rounds=_rounds(store, survey, flt),
    )
    if raw:
        total = store.report_answer_count(survey.id, flt)
        if not comments:
            total -= data.comment_total
        data = replace(data, raw_answers=total)
    return data


@contextmanager
def open_report_data(
    store: Store,
    survey: Survey,
    flt: ResponseFilter,
    lang: str,
    *,
    raw: bool = False,
    identify: bool = False,
    comments: bool = True,
) -> Iterator[ReportData]:
    """:func:`report_data` within one snapshot of the store, held until the block ends: write
    the whole report inside it."""
    with store.snapshot():
        yield report_data(store, survey, flt, lang, raw=raw, identify=identify, comments=comments)


def _rounds(store: Store, survey: Survey, flt: ResponseFilter) -> RoundsData | None:
    """Every round, when the survey declares a Delphi design or has more than one round."""
    if survey.delphi is None and store.current_round(survey.id) <= 1:
        return None
    snapshots = round_snapshots(store, survey, flt.include_simulated)  # read once, used twice
    return RoundsData(
        overview=rounds_overview(store, survey, flt.include_simulated, snapshots),
        status=rounds_status(store, survey, flt.include_simulated, snapshots),
    )


def _participation(
    store: Store, survey: Survey, flt: ResponseFilter, rnd: int
) -> dict[str, dict[str, int]]:
    """Invited, started and submitted by group, for the round and the simulated filter."""
    summary = summarise(
        round_rows(store, survey, rnd),
        survey.group_ids,
        include_simulated=flt.include_simulated,
    )
    out = {
        g["group"]: {k: g[k] for k in ("invited", "started", "submitted")}
        for g in summary["groups"]
    }
    if flt.groups:
        out = {g: c for g, c in out.items() if g in flt.groups}
    return out
