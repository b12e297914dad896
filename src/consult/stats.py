"""Statistics for consultation results, computed from histograms.

Every function takes counts (value -> number of answers) rather than individual answers, so the
cost grows with the number of distinct values, not with the number of respondents. Statistics
that are undefined for the data at hand (a mean of nothing, an alpha without variation) are
``None``, never NaN, so every result serialises to JSON as it is. Shares are floats in [0, 1].

Counts are combined with integer or :class:`fractions.Fraction` arithmetic where that is cheap,
and in a fixed order otherwise, so results do not depend on the order of the input.

See ``docs/statistics.md`` for the definitions written for organisers.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from statistics import NormalDist
from typing import Any

__all__ = [
    "COMPARISON_TOLERANCE",
    "MEASURES",
    "OPERATORS",
    "ChoiceSummary",
    "ConsensusRule",
    "Criterion",
    "Divergence",
    "ProposalStats",
    "RankingSummary",
    "ScaleSpec",
    "ScaleSummary",
    "consensus_verdict",
    "krippendorff_alpha",
    "newcombe_difference_interval",
    "reliability_data_to_units",
    "summarise_choice",
    "summarise_proposal",
    "summarise_ranking",
    "summarise_scale",
    "tastle_wierman",
    "weighted_quantile",
    "wilson_interval",
]

#: Measures a :class:`Criterion` can test: attributes of :class:`ScaleSummary`.
MEASURES: tuple[str, ...] = (
    "support",
    "opposition",
    "neutral",
    "median",
    "iqr",
    "mean",
    "percent_agreement",
    "tastle_wierman",
    "n_valid",
)
OPERATORS: tuple[str, ...] = (">=", ">", "<=", "<", "==")
_SHARE_MEASURES = frozenset({"support", "opposition", "neutral", "percent_agreement"})
_FLIPPED_OP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "=="}
_SWAPPED_MEASURE = {"support": "opposition", "opposition": "support"}
_REFLECTED_MEASURES = frozenset({"median", "mean"})

#: Values this close to a threshold count as equal to it. Every statistic here is a ratio of
#: small integers, so real differences are far larger; this only absorbs float rounding
#: (0.7 - 0.5 is 0.19999999999999996 in binary floating point).
COMPARISON_TOLERANCE = 1e-9

_LEVELS = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------- validation helpers


def _count(value: object, what: str) -> int:
    """``value`` as a non-negative int; accepts numpy integers, rejects floats and bools."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer count, got {value!r}")
    n = operator.index(value)  # type: ignore[arg-type]
    if n < 0:
        raise ValueError(f"{what} must not be negative, got {n}")
    return n


def _clean_counts(counts: Mapping[Any, int], what: str = "count") -> dict[Any, int]:
    """Validated copy of a histogram without its zero entries."""
    out: dict[Any, int] = {}
    for value, c in counts.items():
        n = _count(c, f"{what} for {value!r}")
        if n:
            out[value] = n
    return out


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


@lru_cache(maxsize=16)
def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _compare(value: float, op: str, threshold: float) -> bool:
    close = abs(value - threshold) <= COMPARISON_TOLERANCE
    if op == ">=":
        return value > threshold or close
    if op == ">":
        return value > threshold and not close
    if op == "<=":
        return value < threshold or close
    if op == "<":
        return value < threshold and not close
    return close  # "=="


def _pair(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


# --------------------------------------------------------------------------- scale and rules


@dataclass(frozen=True)
class ScaleSpec:
    """What the statistics need of a Likert scale.

    ``points`` are the numeric values in scale order (strictly increasing); ``support`` and
    ``opposition`` are disjoint subsets of them; the remaining points are neutral.
    """

    points: tuple[int, ...]
    support: frozenset[int]
    opposition: frozenset[int]

    def __post_init__(self) -> None:
        # Accept lists and sets from callers but store hashable, immutable types.
        object.__setattr__(self, "points", tuple(self.points))
        object.__setattr__(self, "support", frozenset(self.support))
        object.__setattr__(self, "opposition", frozenset(self.opposition))
        if not self.points:
            raise ValueError("a scale needs at least one point")
        if any(b <= a for a, b in zip(self.points, self.points[1:], strict=False)):
            raise ValueError(f"scale points must be strictly increasing, got {self.points}")
        on_scale = set(self.points)
        for name in ("support", "opposition"):
            stray = getattr(self, name) - on_scale
            if stray:
                raise ValueError(f"{name} points {sorted(stray)} are not on the scale")
        if self.support & self.opposition:
            both = sorted(self.support & self.opposition)
            raise ValueError(f"points {both} cannot count as both support and opposition")

    @classmethod
    def likert(cls, k: int) -> ScaleSpec:
        """A symmetric 1..k scale: the top ⌊k/2⌋ points support, the bottom ⌊k/2⌋ oppose."""
        if k < 2:
            raise ValueError("a Likert scale needs at least two points")
        half = k // 2
        return cls(
            points=tuple(range(1, k + 1)),
            support=frozenset(range(k - half + 1, k + 1)),
            opposition=frozenset(range(1, half + 1)),
        )

    @property
    def neutral(self) -> frozenset[int]:
        return frozenset(self.points) - self.support - self.opposition

    @property
    def minimum(self) -> int:
        return self.points[0]

    @property
    def maximum(self) -> int:
        return self.points[-1]


@dataclass(frozen=True)
class Criterion:
    """One condition of a consensus rule, e.g. ``support >= 0.70``.

    Comparisons treat values within :data:`COMPARISON_TOLERANCE` of the threshold as equal to it.
    """

    measure: str
    op: str
    threshold: float

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}; expected one of {MEASURES}")
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}; expected one of {OPERATORS}")
        if isinstance(self.threshold, bool) or not math.isfinite(self.threshold):
            raise ValueError(f"threshold must be a finite number, got {self.threshold!r}")
        object.__setattr__(self, "threshold", float(self.threshold))
        if self.measure in _SHARE_MEASURES | {"tastle_wierman"} and not 0 <= self.threshold <= 1:
            raise ValueError(f"a {self.measure} threshold must be in [0, 1], got {self.threshold}")
        if self.measure in ("iqr", "n_valid") and self.threshold < 0:
            raise ValueError(f"a {self.measure} threshold cannot be negative")

    def holds(self, summary: ScaleSummary) -> bool | None:
        """Whether ``summary`` meets the condition; ``None`` when the measure is undefined."""
        value = getattr(summary, self.measure)
        if value is None:
            return None
        return _compare(float(value), self.op, self.threshold)

    def __str__(self) -> str:
        return f"{self.measure} {self.op} {self.threshold:g}"


@dataclass(frozen=True)
class ConsensusRule:
    """When a proposal counts as agreed ("for") or rejected ("against").

    All criteria of a side must hold for that side. An empty side is never declared. ``scope``
    is ``"panel"`` (evaluate on the whole panel) or ``"every_group"`` (must hold in each group
    that has answers). ``contested_gap`` is the support gap between two groups, as a share,
    from which a proposal is flagged contested.
    """

    for_: tuple[Criterion, ...]
    against: tuple[Criterion, ...]
    scope: str = "panel"
    contested_gap: float = 0.30

    def __post_init__(self) -> None:
        object.__setattr__(self, "for_", tuple(self.for_))
        object.__setattr__(self, "against", tuple(self.against))
        for c in (*self.for_, *self.against):
            if not isinstance(c, Criterion):
                raise TypeError(f"consensus criteria must be Criterion objects, got {c!r}")
        if self.scope not in ("panel", "every_group"):
            raise ValueError(f"scope must be 'panel' or 'every_group', got {self.scope!r}")
        if not 0.0 <= self.contested_gap <= 1.0:
            raise ValueError(f"contested_gap must be in [0, 1], got {self.contested_gap!r}")

    @staticmethod
    def mirrored(for_: tuple[Criterion, ...], scale: ScaleSpec) -> tuple[Criterion, ...]:
        """The "against" side of a rule stated for "for".

        Support and opposition swap; median and mean thresholds are reflected
        (x -> min + max - x) with the operator flipped; other measures are symmetric and stay.
        """
        out = []
        for c in for_:
            if c.measure in _REFLECTED_MEASURES:
                reflected = scale.minimum + scale.maximum - c.threshold
                out.append(Criterion(c.measure, _FLIPPED_OP[c.op], reflected))
            else:
                out.append(Criterion(_SWAPPED_MEASURE.get(c.measure, c.measure), c.op, c.threshold))
        return tuple(out)

    @classmethod
    def symmetric(
        cls,
        for_: tuple[Criterion, ...],
        scale: ScaleSpec,
        scope: str = "panel",
        contested_gap: float = 0.30,
    ) -> ConsensusRule:
        """A rule whose "against" side is the mirror image of ``for_``."""
        return cls(for_, cls.mirrored(for_, scale), scope, contested_gap)


# --------------------------------------------------------------------------- basic statistics


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson (1927) score interval for a proportion; ``None`` when ``n`` is 0."""
    successes = _count(successes, "successes")
    n = _count(n, "n")
    if successes > n:
        raise ValueError(f"successes ({successes}) cannot exceed n ({n})")
    _check_confidence(confidence)
    if n == 0:
        return None
    z = _z(confidence)
    z2 = z * z
    p = successes / n
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / denom
    # The exact bounds at 0 and n are 0 and 1; pin them so rounding cannot leak outside [0, 1].
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def newcombe_difference_interval(
    s1: int, n1: int, s2: int, n2: int, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Newcombe (1998) method 10 (hybrid score) interval for p1 - p2; ``None`` if an n is 0."""
    ci1 = wilson_interval(s1, n1, confidence)
    ci2 = wilson_interval(s2, n2, confidence)
    if ci1 is None or ci2 is None:
        return None
    p1, p2 = s1 / n1, s2 / n2
    (l1, u1), (l2, u2) = ci1, ci2
    d = (s1 * n2 - s2 * n1) / (n1 * n2)
    low = d - math.hypot(p1 - l1, u2 - p2)
    high = d + math.hypot(u1 - p1, p2 - l2)
    return (max(-1.0, low), min(1.0, high))


def weighted_quantile(counts: Mapping[int, int], q: float) -> float | None:
    """The q-quantile of the data a histogram describes (Hyndman & Fan type 7).

    Equal to ``numpy.percentile(data, 100 * q)`` on the expanded data; ``None`` when empty.
    Values may be any real numbers, not only scale points.
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be in [0, 1], got {q!r}")
    return _quantile(sorted(_clean_counts(counts).items()), q)


def _quantile(hist: list[tuple[Any, int]], q: float) -> float | None:
    """Type 7 quantile of a sorted histogram without zero counts."""
    n = sum(c for _, c in hist)
    if n == 0:
        return None
    h = (n - 1) * q
    j = math.floor(h)
    frac = h - j
    lower = _order_statistic(hist, j)
    if frac == 0.0 or j + 1 >= n:
        return float(lower)
    upper = _order_statistic(hist, j + 1)
    return lower + frac * (upper - lower)


def _order_statistic(hist: list[tuple[Any, int]], index: int) -> Any:
    """The value at 0-based position ``index`` of the sorted data a sorted histogram describes."""
    seen = 0
    for value, c in hist:
        seen += c
        if index < seen:
            return value
    raise IndexError(index)


def tastle_wierman(counts: Mapping[int, int], points: Sequence[int]) -> float | None:
    """Tastle & Wierman (2007) consensus: 1 = everyone on one point, 0 = split between extremes.

    Cns = 1 + sum p_i log2(1 - |X_i - mu| / d), with d = max(points) - min(points).
    ``None`` when there are no answers.
    """
    if not points:
        raise ValueError("points must not be empty")
    on_scale = set(points)
    hist = _clean_counts(counts)
    stray = [v for v in hist if v not in on_scale]
    if stray:
        raise ValueError(f"values {sorted(stray)} are not among the points {tuple(points)}")
    return _tastle_wierman(sorted(hist.items()), max(points) - min(points))


def _tastle_wierman(hist: list[tuple[int, int]], width: float) -> float | None:
    """Tastle & Wierman on a sorted histogram without zero counts."""
    n = sum(c for _, c in hist)
    if n == 0:
        return None
    if len(hist) == 1:
        return 1.0
    mu = sum(v * c for v, c in hist) / n
    total = 0.0
    for v, c in hist:
        # 1 - |v - mu| / d > 0 here: it is 0 only at an extreme when everyone is at the other.
        total += c / n * math.log2(1.0 - abs(v - mu) / width)
    return min(1.0, max(0.0, 1.0 + total))


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
        }


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
            "group_informed_consensus": self.group_informed_consensus,
            "consensus": self.consensus,
        }


def _side_holds(criteria: tuple[Criterion, ...], summary: ScaleSummary) -> bool:
    # An empty side is never declared, and an undefined measure never counts as met.
    return bool(criteria) and all(c.holds(summary) is True for c in criteria)


def _verdict_on(summary: ScaleSummary, rule: ConsensusRule) -> str:
    is_for = _side_holds(rule.for_, summary)
    is_against = _side_holds(rule.against, summary)
    # A badly written rule could meet both sides at once; claim neither rather than pick one.
    if is_for and not is_against:
        return "for"
    if is_against and not is_for:
        return "against"
    return "none"


def consensus_verdict(
    panel: ScaleSummary, groups: Mapping[str, ScaleSummary], rule: ConsensusRule
) -> str:
    """``"for"``, ``"against"`` or ``"none"`` under ``rule``.

    Scope ``"panel"`` judges the panel; ``"every_group"`` needs the same verdict in every group
    that has answers (and at least one such group). Undefined measures give ``"none"``.
    """
    if rule.scope == "panel":
        return _verdict_on(panel, rule)
    verdicts = {_verdict_on(s, rule) for s in groups.values() if s.n_valid > 0}
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
    contested = widest is not None and _compare(abs(widest.difference), ">=", rule.contested_gap)

    return ProposalStats(
        panel=panel,
        groups=groups,
        group_balanced_support=balanced,
        divergences=divergences,
        max_divergence=widest,
        contested=contested,
        group_informed_consensus=informed,
        consensus=consensus_verdict(panel, groups, rule),
    )


# --------------------------------------------------------------------------- Krippendorff's alpha


def krippendorff_alpha(
    units: Sequence[Mapping[Hashable, int]],
    level: str,
    order: Sequence[Hashable] | None = None,
) -> float | None:
    """Krippendorff's alpha from per-unit value counts, via the coincidence matrix.

    ``units[u][c]`` is how many coders gave value ``c`` to unit ``u``; units with fewer than two
    values are not pairable and are ignored. ``level`` is ``"nominal"``, ``"ordinal"``,
    ``"interval"`` or ``"ratio"``; ``order`` fixes the order of values for the ordinal metric
    (default: sorted). ``None`` when nothing is pairable or there is no variation at all.
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {_LEVELS}, got {level!r}")

    # Group pairable units by their number of values m_u: within a group every unit's
    # contribution to o_ck has the same divisor m_u - 1, so the sums stay integer.
    by_m: dict[int, dict[tuple[Hashable, Hashable], int]] = {}
    for i, unit in enumerate(units):
        hist = _clean_counts(unit, f"unit {i} count")
        m = sum(hist.values())
        if m < 2:
            continue
        acc = by_m.setdefault(m, {})
        for c, n_c in hist.items():
            for k, n_k in hist.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    acc[(c, k)] = acc.get((c, k), 0) + pairs
    if not by_m:
        return None

    coincidences: dict[tuple[Hashable, Hashable], Fraction] = {}
    for m, acc in by_m.items():
        for key, pairs in acc.items():
            coincidences[key] = coincidences.get(key, Fraction(0)) + Fraction(pairs, m - 1)
    # n_c = sum_k o_ck is the (integer) number of pairable values equal to c.
    marginals: dict[Hashable, Fraction] = {}
    for (c, _), o in coincidences.items():
        marginals[c] = marginals.get(c, Fraction(0)) + o
    values = _ordered_values(marginals, order, level)
    n_total = sum(marginals.values())
    delta = _distance(level, values, marginals)

    observed = sum(o * delta(c, k) for (c, k), o in coincidences.items())
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c, k in combinations(values, 2))
    # combinations() visits each unordered pair once; the full double sum counts it twice.
    expected *= 2
    if expected == 0:
        return None
    return float(1 - (n_total - 1) * observed / expected)


def _ordered_values(
    marginals: Mapping[Hashable, Fraction], order: Sequence[Hashable] | None, level: str
) -> list[Hashable]:
    present = list(marginals)
    if level in ("interval", "ratio"):
        for v in present:
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise ValueError(f"{level} alpha needs finite numeric values, got {v!r}")
            if level == "ratio" and v < 0:
                raise ValueError(f"ratio alpha needs non-negative values, got {v!r}")
    if order is not None:
        ranked = set(order)
        if len(ranked) != len(order):
            raise ValueError("order must not repeat a value")
        missing = [v for v in present if v not in ranked]
        if missing:
            raise ValueError(f"values {missing!r} are not in the given order")
        return [v for v in order if v in marginals]
    try:
        return sorted(present)  # type: ignore[type-var]
    except TypeError:
        if level == "nominal":
            return present
        raise ValueError("values must be sortable, or pass an explicit order") from None


def _distance(level: str, values: list[Hashable], marginals: Mapping[Hashable, Fraction]) -> Any:
    """The squared difference function delta^2(c, k) for ``level``, with exact arithmetic."""
    if level == "nominal":
        return lambda c, k: 0 if c == k else 1
    if level == "interval":
        return lambda c, k: (Fraction(c) - Fraction(k)) ** 2
    if level == "ratio":

        def ratio(c: Any, k: Any) -> Fraction:
            total = Fraction(c) + Fraction(k)
            return Fraction(0) if total == 0 else ((Fraction(c) - Fraction(k)) / total) ** 2

        return ratio
    # Ordinal: the distance between ranks c <= k is the number of values between them,
    # counting the end points by half: sum_{g=c..k} n_g - (n_c + n_k) / 2.
    rank = {v: i for i, v in enumerate(values)}
    cumulative = [Fraction(0)]
    for v in values:
        cumulative.append(cumulative[-1] + marginals[v])

    def ordinal(c: Hashable, k: Hashable) -> Fraction:
        i, j = sorted((rank[c], rank[k]))
        between = cumulative[j + 1] - cumulative[i]
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    return ordinal


def reliability_data_to_units(
    matrix: Sequence[Sequence[Hashable | None]],
) -> list[dict[Hashable, int]]:
    """Turn a coders x units reliability-data matrix into per-unit value counts.

    ``None`` (or a float NaN) marks a missing value. Meant for tests and small imports; the
    aggregation layer hands :func:`krippendorff_alpha` its counts directly.
    """
    if not matrix:
        return []
    width = len(matrix[0])
    if any(len(row) != width for row in matrix):
        raise ValueError("every coder's row must have one entry per unit")
    units: list[dict[Hashable, int]] = [{} for _ in range(width)]
    for row in matrix:
        for u, value in enumerate(row):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            units[u][value] = units[u].get(value, 0) + 1
    return units


# --------------------------------------------------------------------------- rankings and choices


@dataclass(frozen=True)
class RankingSummary:
    """One option of a ranking question.

    ``borda`` awards ``n_options - k`` points for position ``k``; ``first_share`` is the
    option's share of all first places (the number of ballots, as each has one first place).
    """

    option: str
    n: int
    mean_rank: float | None
    borda: int
    first_share: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "n": self.n,
            "mean_rank": self.mean_rank,
            "borda": self.borda,
            "first_share": self.first_share,
        }


def summarise_ranking(
    position_counts: Mapping[str, Mapping[int, int]], n_options: int
) -> tuple[RankingSummary, ...]:
    """Summarise a ranking question from option -> {position (1 = first): count}.

    Sorted by Borda score (highest first), then mean rank (lowest first; unranked last), then
    option id.
    """
    n_options = _count(n_options, "n_options")
    if n_options < 1:
        raise ValueError("a ranking needs at least one option")
    cleaned: dict[str, dict[int, int]] = {}
    for option, positions in position_counts.items():
        hist = _clean_counts(positions, f"count of {option!r} at position")
        bad = [k for k in hist if isinstance(k, bool) or not isinstance(k, int)]
        bad += [k for k in hist if k not in bad and not 1 <= k <= n_options]
        if bad:
            raise ValueError(f"positions {bad!r} of {option!r} are outside 1..{n_options}")
        cleaned[option] = hist
    ballots = sum(hist.get(1, 0) for hist in cleaned.values())
    out = []
    for option, hist in cleaned.items():
        n = sum(hist.values())
        out.append(
            RankingSummary(
                option=option,
                n=n,
                mean_rank=sum(k * c for k, c in hist.items()) / n if n else None,
                borda=sum((n_options - k) * c for k, c in hist.items()),
                first_share=hist.get(1, 0) / ballots if ballots else None,
            )
        )
    out.sort(
        key=lambda r: (
            -r.borda,
            r.mean_rank is None,
            r.mean_rank if r.mean_rank is not None else 0.0,
            r.option,
        )
    )
    return tuple(out)


@dataclass(frozen=True)
class ChoiceSummary:
    """One option of a single or multiple choice question."""

    option: str
    count: int
    share: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "count": self.count, "share": self.share}


def summarise_choice(
    option_counts: Mapping[str, int], n_respondents: int, options: Sequence[str]
) -> tuple[ChoiceSummary, ...]:
    """Count and share of every declared option, in declared order, zeros included.

    ``share`` is count / respondents who answered, so multiple-choice shares may sum past 1;
    ``None`` when nobody answered.
    """
    n_respondents = _count(n_respondents, "n_respondents")
    if len(set(options)) != len(options):
        raise ValueError("options must not repeat")
    declared = set(options)
    hist = _clean_counts(option_counts)
    unknown = [o for o in hist if o not in declared]
    if unknown:
        raise ValueError(f"options {unknown!r} are not declared")
    over = [o for o, c in hist.items() if c > n_respondents]
    if over:
        raise ValueError(f"options {over!r} were chosen more often than there are respondents")
    return tuple(
        ChoiceSummary(
            option=o,
            count=hist.get(o, 0),
            share=hist.get(o, 0) / n_respondents if n_respondents else None,
        )
        for o in options
    )
