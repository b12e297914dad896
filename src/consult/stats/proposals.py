"""A proposal summarised: its scale summary, verdict and the groups' differences."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any

from consult.stats._common import (
    _clean_counts,
    _compare,
    _count,
    _pair,
)
from consult.stats.basic import (
    _quantile,
    _tastle_wierman,
    newcombe_difference_interval,
    wilson_interval,
)
from consult.stats.rand_ucla import RandUclaResult, rand_ucla_classify
from consult.stats.rules import ConsensusRule, Criterion, ScaleSpec

_RAND_UCLA_VERDICT = {"appropriate": "for", "inappropriate": "against", "uncertain": "none"}

# --------------------------------------------------------------------------- scale summaries


@dataclass(frozen=True)
class ScaleSummary:
    """Everything reported about one scale question for one set of respondents.

    Shares and their Wilson intervals are over valid (non-abstaining) answers.
    ``agreement_side`` is ``None`` when support and opposition tie (including 0 = 0, when all
    answers are neutral) or there are no answers; ``percent_agreement`` is still reported on a
    tie.
    """

    n_valid: int
    n_abstained: int
    distribution: tuple[tuple[int, int], ...]
    support: float | None
    neutral: float | None
    opposition: float | None
    support_ci: tuple[float, float] | None
    neutral_ci: tuple[float, float] | None
    opposition_ci: tuple[float, float] | None
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    tastle_wierman: float | None
    percent_agreement: float | None
    agreement_side: str | None
    support_count: int
    neutral_count: int
    opposition_count: int

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-serialisable dict (tuples become lists)."""
        return {
            "n_valid": self.n_valid,
            "n_abstained": self.n_abstained,
            "distribution": [[point, count] for point, count in self.distribution],
            "support": self.support,
            "neutral": self.neutral,
            "opposition": self.opposition,
            "support_ci": _pair(self.support_ci),
            "neutral_ci": _pair(self.neutral_ci),
            "opposition_ci": _pair(self.opposition_ci),
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "iqr": self.iqr,
            "tastle_wierman": self.tastle_wierman,
            "percent_agreement": self.percent_agreement,
            "agreement_side": self.agreement_side,
            "support_count": self.support_count,
            "neutral_count": self.neutral_count,
            "opposition_count": self.opposition_count,
            "abstention_share": self.abstention_share,
        }

    @property
    def abstention_share(self) -> float | None:
        """Abstentions as a share of everyone who answered the question (abstaining or not)."""
        answered = self.n_valid + self.n_abstained
        return self.n_abstained / answered if answered else None


def summarise_scale(counts: Mapping[int, int], abstained: int, scale: ScaleSpec) -> ScaleSummary:
    """Summarise one scale question from its histogram of valid answers and abstentions.

    ``counts`` may omit points with no answers; a value not on the scale raises ``ValueError``.
    """
    abstained = _count(abstained, "abstained")
    hist = _clean_counts(counts)
    on_scale = set(scale.points)
    stray = [v for v in hist if v not in on_scale]
    if stray:
        raise ValueError(f"values {sorted(stray)} are not on the scale {scale.points}")
    n = sum(hist.values())
    distribution = tuple((p, hist.get(p, 0)) for p in scale.points)
    n_sup = sum(hist.get(p, 0) for p in scale.support)
    n_opp = sum(hist.get(p, 0) for p in scale.opposition)
    n_neu = n - n_sup - n_opp

    def share(k: int) -> float | None:
        return k / n if n else None

    total = sum(v * c for v, c in hist.items())
    mean = total / n if n else None
    sd = None
    if n >= 2:
        # n * sum(c v^2) - (sum c v)^2 is an exact integer, so only the last steps round.
        squares = sum(v * v * c for v, c in hist.items())
        sd = math.sqrt((n * squares - total * total) / (n * (n - 1)))
    ordered = sorted(hist.items())
    q1 = _quantile(ordered, 0.25)
    q3 = _quantile(ordered, 0.75)
    side = None
    if n_sup > n_opp:
        side = "support"
    elif n_opp > n_sup:
        side = "opposition"
    return ScaleSummary(
        n_valid=n,
        n_abstained=abstained,
        distribution=distribution,
        support=share(n_sup),
        neutral=share(n_neu),
        opposition=share(n_opp),
        support_ci=wilson_interval(n_sup, n),
        neutral_ci=wilson_interval(n_neu, n),
        opposition_ci=wilson_interval(n_opp, n),
        mean=mean,
        sd=sd,
        median=_quantile(ordered, 0.5),
        q1=q1,
        q3=q3,
        iqr=None if q1 is None or q3 is None else q3 - q1,
        tastle_wierman=_tastle_wierman(ordered, scale.maximum - scale.minimum),
        percent_agreement=share(max(n_sup, n_opp)),
        agreement_side=side,
        support_count=n_sup,
        neutral_count=n_neu,
        opposition_count=n_opp,
    )


# --------------------------------------------------------------------------- proposals


@dataclass(frozen=True)
class Divergence:
    """Difference in support between two groups, with its Newcombe interval."""

    group_a: str
    group_b: str
    difference: float
    ci: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_a": self.group_a,
            "group_b": self.group_b,
            "difference": self.difference,
            "ci": _pair(self.ci),
        }


@dataclass(frozen=True)
class ProposalStats:
    """All statistics of one proposal: the panel, each group, and how the groups differ.

    ``groups`` lists every declared group (empty ones too) ordered by group id, so results do
    not depend on the order groups were passed in. It is a plain dict for easy use; treat it as
    read-only.
    """

    panel: ScaleSummary
    groups: dict[str, ScaleSummary] = field(hash=False)
    group_balanced_support: float | None
    divergences: tuple[Divergence, ...]
    max_divergence: Divergence | None
    contested: bool
    group_informed_consensus: float | None
    consensus: str
    #: Groups under the rule's ``small_group`` valid answers: marked wherever shown.
    small_groups: tuple[str, ...] = ()
    #: "contested" (gap at the rule's threshold, its interval excluding zero), "possible" (the
    #: gap reaches it but its interval includes zero) or "none".
    divergence_flag: str = "none"
    #: The widest gap among the groups the flag considers (small ones left out by default).
    flagged_divergence: Divergence | None = None
    #: The panel's RAND/UCLA classification, under a rand-ucla rule.
    rand_ucla: RandUclaResult | None = None

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-serialisable dict."""
        widest = self.max_divergence
        return {
            "panel": self.panel.to_dict(),
            "groups": {g: s.to_dict() for g, s in self.groups.items()},
            "group_balanced_support": self.group_balanced_support,
            "divergences": [d.to_dict() for d in self.divergences],
            "max_divergence": widest.to_dict() if widest is not None else None,
            "contested": self.contested,
            "divergence_flag": self.divergence_flag,
            "flagged_divergence": (
                self.flagged_divergence.to_dict() if self.flagged_divergence else None
            ),
            "small_groups": list(self.small_groups),
            "rand_ucla": self.rand_ucla.to_dict() if self.rand_ucla else None,
            "group_informed_consensus": self.group_informed_consensus,
            "consensus": self.consensus,
        }


def _side_holds(criteria: tuple[Criterion, ...], summary: ScaleSummary) -> bool:
    # An empty side is never declared, and an undefined measure never counts as met.
    return bool(criteria) and all(c.holds(summary) is True for c in criteria)


def quorum_met(summary: ScaleSummary, rule: ConsensusRule) -> bool:
    """Whether enough answered for a verdict: ``min_answers`` valid answers and, when the rule
    sets it, no more than ``max_abstention`` abstaining."""
    if summary.n_valid < rule.min_answers:
        return False
    share = summary.abstention_share
    return rule.max_abstention is None or share is None or share <= rule.max_abstention + 1e-9


def _verdict_on(summary: ScaleSummary, rule: ConsensusRule, scale: ScaleSpec) -> str:
    if rule.method == "rand-ucla":
        result = rand_ucla_classify(dict(summary.distribution))
        return "none" if result is None else _RAND_UCLA_VERDICT[result.category]
    is_for = _side_holds(rule.for_, summary)
    is_against = _side_holds(rule.against_on(scale), summary)
    # A badly written rule could meet both sides at once; claim neither rather than pick one.
    if is_for and not is_against:
        return "for"
    if is_against and not is_for:
        return "against"
    return "none"


def consensus_verdict(
    panel: ScaleSummary,
    groups: Mapping[str, ScaleSummary],
    rule: ConsensusRule,
    scale: ScaleSpec | None = None,
) -> str:
    """``"for"``, ``"against"``, ``"none"`` or ``"insufficient"`` under ``rule``.

    Below the rule's quorum the panel is "insufficient", whatever its answers say. Scope
    ``"panel"`` judges the panel; ``"every_group"`` needs the same verdict in every group that
    has answers (and at least one such group). Undefined measures give ``"none"``. ``scale``
    is the proposal's own (needed by a mirrored rule).
    """
    if scale is None:
        if rule.mirror:
            raise ValueError("a mirrored rule needs the proposal's scale")
        scale = ScaleSpec((0, 1), frozenset(), frozenset())
    if not quorum_met(panel, rule):
        return "insufficient"
    if rule.scope == "panel":
        return _verdict_on(panel, rule, scale)
    verdicts = {_verdict_on(s, rule, scale) for s in groups.values() if s.n_valid > 0}
    if len(verdicts) == 1:
        return verdicts.pop()
    return "none"


def summarise_proposal(
    group_counts: Mapping[str, tuple[Mapping[int, int], int]],
    scale: ScaleSpec,
    rule: ConsensusRule,
) -> ProposalStats:
    """Summarise a proposal's support question per group and for the whole panel.

    ``group_counts`` maps every declared group id to (counts over scale points, abstentions);
    the panel is their sum, so groups must not overlap.
    """
    panel_hist: dict[int, int] = {}
    panel_abstained = 0
    groups: dict[str, ScaleSummary] = {}
    for gid in sorted(group_counts):
        counts, abstained = group_counts[gid]
        summary = summarise_scale(counts, abstained, scale)
        groups[gid] = summary
        panel_abstained += summary.n_abstained
        for point, c in summary.distribution:
            panel_hist[point] = panel_hist.get(point, 0) + c
    panel = summarise_scale(panel_hist, panel_abstained, scale)

    answered = [(gid, s) for gid, s in groups.items() if s.n_valid > 0]
    balanced = None
    informed = None
    if answered:
        # Fractions keep these exact, hence independent of the order of the groups.
        balanced = float(
            sum(Fraction(s.support_count, s.n_valid) for _, s in answered) / len(answered)
        )
        product = Fraction(1)
        for _, s in answered:
            product *= Fraction(s.support_count + 1, s.n_valid + 2)
        informed = float(product)

    divergences = tuple(
        Divergence(
            group_a=a,
            group_b=b,
            difference=(sa.support_count * sb.n_valid - sb.support_count * sa.n_valid)
            / (sa.n_valid * sb.n_valid),
            ci=newcombe_difference_interval(
                sa.support_count, sa.n_valid, sb.support_count, sb.n_valid
            ),
        )
        for (a, sa), (b, sb) in combinations(answered, 2)
    )
    widest = None
    for d in divergences:
        if widest is None or abs(d.difference) > abs(widest.difference):
            widest = d
    small = tuple(g for g, s in groups.items() if 0 < s.n_valid < rule.small_group)
    flagged = None
    for d in divergences:
        if not rule.small_groups_contested and (d.group_a in small or d.group_b in small):
            continue
        if flagged is None or abs(d.difference) > abs(flagged.difference):
            flagged = d
    flag = "none"
    if flagged is not None and _compare(abs(flagged.difference), ">=", rule.contested_gap):
        excludes_zero = flagged.ci is not None and (flagged.ci[0] > 0 or flagged.ci[1] < 0)
        flag = "contested" if excludes_zero else "possible"

    return ProposalStats(
        panel=panel,
        groups=groups,
        group_balanced_support=balanced,
        divergences=divergences,
        max_divergence=widest,
        contested=flag == "contested",
        group_informed_consensus=informed,
        consensus=consensus_verdict(panel, groups, rule, scale),
        small_groups=small,
        divergence_flag=flag,
        flagged_divergence=flagged,
        rand_ucla=(
            rand_ucla_classify(dict(panel.distribution)) if rule.method == "rand-ucla" else None
        ),
    )
