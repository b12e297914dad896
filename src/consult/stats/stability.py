"""Stability of a Delphi proposal between two rounds, from the answers of those who gave both.

A pair is one participant's answer in round k and their answer in round k + 1 on the same
ordinal scale; a participant who abstained in either round, or answered only one of them, gives
no pair. Everything is computed from the counts of distinct pairs (at most k² of them on a
k-point scale), so the cost does not grow with the panel.

- the share who changed their answer and the mean absolute change;
- the Wilcoxon (1945) signed-rank test of a shift, zero differences dropped (Wilcoxon's own
  rule), normal approximation with tie and continuity corrections as in Siegel & Castellan
  (1988, chapter 5); the exact null distribution when there are at most 25 non-zero
  differences and no ties among them;
- Cohen's (1968) weighted kappa between the two rounds, linear and quadratic weights;
- the change of the IQR (type 7 quartiles) and of the coefficient of variation sd/mean, the
  stability criterion of Shah & Kalaian (2009), also in Kalaian & Kasim (2012).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from consult.stats._common import _compare, _count
from consult.stats.basic import weighted_quantile

#: Up to this many non-zero differences without ties the exact p-value is computed as well.
EXACT_MAX_N = 25


@dataclass(frozen=True)
class Wilcoxon:
    """Wilcoxon signed-rank test on the differences (round k + 1 answer - round k answer).

    ``statistic`` = min(T+, T-), the sums of the ranks of |d| of the rises and of the falls
    (what ``scipy.stats.wilcoxon`` reports); ``n`` counts the non-zero differences. ``z`` is
    positive when answers rose and negative when they fell (scipy reports -|z|). ``p_value`` is
    two-sided from the normal approximation with tie and continuity corrections; ``p_exact``
    is two-sided from the exact null distribution, only when n <= 25 and no |d| are tied.
    """

    statistic: float
    t_plus: float
    t_minus: float
    n: int
    z: float
    p_value: float
    p_exact: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": self.statistic,
            "t_plus": self.t_plus,
            "t_minus": self.t_minus,
            "n": self.n,
            "z": self.z,
            "p_value": self.p_value,
            "p_exact": self.p_exact,
        }


@dataclass(frozen=True)
class Stability:
    """How much the answers of one proposal moved between two rounds (see module docstring).

    Changes are ``after - before``: a negative ``iqr_change`` or ``cv_change`` means the panel
    converged. ``wilcoxon`` is ``None`` when nobody changed; a kappa is ``None`` when both rounds
    put everyone on one and the same point (no disagreement is possible by chance); a CV is
    ``None`` with fewer than two pairs, a mean of 0 or a scale with negative points.
    """

    n_pairs: int
    changed_share: float
    mean_absolute_change: float
    wilcoxon: Wilcoxon | None
    weighted_kappa: float | None
    weighted_kappa_quadratic: float | None
    iqr_before: float
    iqr_after: float
    iqr_change: float
    cv_before: float | None
    cv_after: float | None
    cv_change: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_pairs": self.n_pairs,
            "changed_share": self.changed_share,
            "mean_absolute_change": self.mean_absolute_change,
            "wilcoxon": None if self.wilcoxon is None else self.wilcoxon.to_dict(),
            "weighted_kappa": self.weighted_kappa,
            "weighted_kappa_quadratic": self.weighted_kappa_quadratic,
            "iqr_before": self.iqr_before,
            "iqr_after": self.iqr_after,
            "iqr_change": self.iqr_change,
            "cv_before": self.cv_before,
            "cv_after": self.cv_after,
            "cv_change": self.cv_change,
        }


# --------------------------------------------------------------------------- paired stability


def paired_stability(
    pairs: Sequence[tuple[int, int]] | Mapping[tuple[int, int], int],
    scale_points: Sequence[int],
) -> Stability | None:
    """Stability figures from (round k answer, round k + 1 answer) pairs on one scale.

    ``pairs`` is a list of pairs or a mapping pair -> number of participants; every answer must
    be one of ``scale_points`` (abstentions are not pairs). ``None`` when there are no pairs.
    """
    points = _scale(scale_points)
    table = _pair_counts(pairs, points)
    n = sum(table.values())
    if n == 0:
        return None
    before: Counter[int] = Counter()
    after: Counter[int] = Counter()
    differences: Counter[int] = Counter()
    for (a, b), c in table.items():
        before[a] += c
        after[b] += c
        differences[b - a] += c
    changed = n - differences.get(0, 0)
    iqr_before, iqr_after = _iqr(before), _iqr(after)
    cv_before = _cv(before, points)
    cv_after = _cv(after, points)
    return Stability(
        n_pairs=n,
        changed_share=changed / n,
        mean_absolute_change=sum(abs(d) * c for d, c in differences.items()) / n,
        wilcoxon=wilcoxon_signed_rank(differences),
        weighted_kappa=weighted_kappa(table, points, "linear"),
        weighted_kappa_quadratic=weighted_kappa(table, points, "quadratic"),
        iqr_before=iqr_before,
        iqr_after=iqr_after,
        iqr_change=iqr_after - iqr_before,
        cv_before=cv_before,
        cv_after=cv_after,
        cv_change=None if cv_before is None or cv_after is None else cv_after - cv_before,
    )


def _scale(scale_points: Sequence[int]) -> list[int]:
    points = list(scale_points)
    if not points:
        raise ValueError("scale_points must not be empty")
    for p in points:
        if isinstance(p, bool) or not isinstance(p, int):
            raise TypeError(f"scale points must be integers, got {p!r}")
    if len(set(points)) != len(points):
        raise ValueError(f"scale_points repeat a point: {points!r}")
    return sorted(points)


def _pair_counts(
    pairs: Sequence[tuple[int, int]] | Mapping[tuple[int, int], int], points: list[int]
) -> dict[tuple[int, int], int]:
    items = pairs.items() if isinstance(pairs, Mapping) else ((p, 1) for p in pairs)
    on_scale = set(points)
    table: Counter[tuple[int, int]] = Counter()
    for pair, c in items:
        n = _count(c, f"count of pair {pair!r}")
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"a pair is (round k answer, round k + 1 answer), got {pair!r}")
        stray = [v for v in pair if isinstance(v, bool) or v not in on_scale]
        if stray:
            raise ValueError(f"answers {stray!r} of pair {pair!r} are not among {tuple(points)}")
        if n:
            table[pair] += n
    return dict(table)


def _iqr(hist: Mapping[int, int]) -> float:
    q1, q3 = weighted_quantile(hist, 0.25), weighted_quantile(hist, 0.75)
    assert q1 is not None and q3 is not None  # hist is not empty
    return q3 - q1


def _cv(hist: Mapping[int, int], points: list[int]) -> float | None:
    """Sample sd / mean, exact up to the final square root; None where it has no meaning."""
    n = sum(hist.values())
    if n < 2 or points[0] < 0:
        return None
    total = sum(v * c for v, c in hist.items())
    if total == 0:
        return None
    squares = sum(v * v * c for v, c in hist.items())
    variance = Fraction(n * squares - total * total, n * (n - 1))
    return math.sqrt(variance) / (total / n)


# --------------------------------------------------------------------------- Wilcoxon


def wilcoxon_signed_rank(differences: Mapping[int, int] | Sequence[float]) -> Wilcoxon | None:
    """Wilcoxon signed-rank test from paired differences (a histogram d -> count, or a list).

    Zero differences are dropped (Wilcoxon 1945). The n remaining |d| get average ranks; with
    T+ the rank sum of the positive differences, t the size of each group of tied |d|:

        mean = n(n + 1)/4,  var = n(n + 1)(2n + 1)/24 - Σ (t³ - t)/48
        z = (T+ - mean - ½·sign(T+ - mean)) / sqrt(var),  p = 2·P(Z >= |z|)

    which is ``scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True,
    method="approx")``. ``None`` when no difference is non-zero.
    """
    if isinstance(differences, Mapping):
        hist: Counter[Any] = Counter()
        for d, c in differences.items():
            hist[d] += _count(c, f"count of difference {d!r}")
    else:
        hist = Counter(differences)
    for d in hist:
        if isinstance(d, bool) or not isinstance(d, int | float) or not math.isfinite(d):
            raise ValueError(f"a difference must be a finite number, got {d!r}")
    by_size: dict[Any, list[int]] = {}  # |d| -> [count of falls, count of rises]
    for d, c in hist.items():
        if d != 0 and c:
            by_size.setdefault(abs(d), [0, 0])[d > 0] += c
    n = sum(f + r for f, r in by_size.values())
    if n == 0:
        return None
    twice_t_plus = 0  # 2·T+ is an integer: average ranks are halves
    ties = 0
    below = 0
    for size in sorted(by_size):
        falls, rises = by_size[size]
        t = falls + rises
        twice_t_plus += rises * (2 * below + t + 1)
        ties += t**3 - t
        below += t
    t_plus = twice_t_plus / 2
    t_minus = n * (n + 1) / 2 - t_plus
    mean = n * (n + 1) / 4
    sd = math.sqrt((n * (n + 1) * (2 * n + 1) - ties / 2) / 24)
    shift = t_plus - mean
    z = (shift - math.copysign(0.5, shift) if shift else 0.0) / sd
    exact = _exact_p(n, twice_t_plus // 2) if ties == 0 and n <= EXACT_MAX_N else None
    return Wilcoxon(
        statistic=min(t_plus, t_minus),
        t_plus=t_plus,
        t_minus=t_minus,
        n=n,
        z=z,
        p_value=min(1.0, math.erfc(abs(z) / math.sqrt(2))),
        p_exact=exact,
    )


def _exact_p(n: int, t_plus: int) -> float:
    """Two-sided exact p of T+ = t_plus with n untied ranks 1..n: 2·min(P(T+ <= t), P(T+ >= t))."""
    ways = [1] + [0] * (n * (n + 1) // 2)  # ways[s]: subsets of {1..n} summing to s
    for rank in range(1, n + 1):
        for s in range(len(ways) - 1, rank - 1, -1):
            ways[s] += ways[s - rank]
    low, high = sum(ways[: t_plus + 1]), sum(ways[t_plus:])
    return float(min(Fraction(1), Fraction(2 * min(low, high), 2**n)))


# --------------------------------------------------------------------------- weighted kappa


def weighted_kappa(
    table: Mapping[tuple[int, int], int], scale_points: Sequence[int], weights: str = "linear"
) -> float | None:
    """Cohen's (1968) weighted kappa of a table (first answer, second answer) -> count.

    With categories in scale order i = 0..k-1, disagreement weights w_ij = |i - j| (linear) or
    (i - j)² (quadratic), observed counts o_ij and chance counts e_ij = r_i·c_j / n from the
    margins: kappa_w = 1 - Σ w_ij·o_ij / Σ w_ij·e_ij (computed exactly). Equal to
    ``sklearn.metrics.cohen_kappa_score(a, b, labels=scale_points, weights=weights)``.
    ``None`` when there are no answers or no disagreement is possible by chance.
    """
    if weights not in ("linear", "quadratic"):
        raise ValueError(f"weights must be 'linear' or 'quadratic', got {weights!r}")
    points = _scale(scale_points)
    counts = _pair_counts(table, points)
    position = {p: i for i, p in enumerate(points)}
    power = 1 if weights == "linear" else 2
    rows: Counter[int] = Counter()
    cols: Counter[int] = Counter()
    observed = 0
    for (a, b), c in counts.items():
        i, j = position[a], position[b]
        rows[i] += c
        cols[j] += c
        observed += abs(i - j) ** power * c
    n = sum(rows.values())
    chance = sum(abs(i - j) ** power * r * c for i, r in rows.items() for j, c in cols.items())
    if n == 0 or chance == 0:
        return None
    return float(1 - Fraction(observed * n, chance))


# --------------------------------------------------------------------------- attrition


def attrition(previous: Mapping[str, int], both: Mapping[str, int]) -> dict[str, dict[str, Any]]:
    """Per group: who answered round k (``n_previous``), how many of them answered round k + 1
    too (``n_both``), how many were lost and the share lost (``None`` for an empty group)."""
    stray = [g for g, c in both.items() if g not in previous and _count(c, f"both[{g!r}]")]
    if stray:
        raise ValueError(f"groups {stray!r} answered both rounds but not round k")
    out: dict[str, dict[str, Any]] = {}
    for group, c in previous.items():
        n_previous = _count(c, f"previous[{group!r}]")
        n_both = _count(both.get(group, 0), f"both[{group!r}]")
        if n_both > n_previous:
            raise ValueError(f"{group!r}: {n_both} answered both rounds of {n_previous}")
        lost = n_previous - n_both
        out[group] = {
            "n_previous": n_previous,
            "n_both": n_both,
            "n_lost": lost,
            "lost_share": lost / n_previous if n_previous else None,
        }
    return out


# --------------------------------------------------------------------------- stopping criteria

#: Measures a stopping criterion can name, and how each is read from a :class:`Stability`.
STABILITY_MEASURES: dict[str, Any] = {
    "n_pairs": lambda s: s.n_pairs,
    "changed_share": lambda s: s.changed_share,
    "mean_absolute_change": lambda s: s.mean_absolute_change,
    "wilcoxon_p": lambda s: None if s.wilcoxon is None else s.wilcoxon.p_value,
    "weighted_kappa": lambda s: s.weighted_kappa,
    "weighted_kappa_quadratic": lambda s: s.weighted_kappa_quadratic,
    "iqr_before": lambda s: s.iqr_before,
    "iqr_after": lambda s: s.iqr_after,
    "iqr_change": lambda s: s.iqr_change,
    "cv_before": lambda s: s.cv_before,
    "cv_after": lambda s: s.cv_after,
    "cv_change": lambda s: s.cv_change,
}
_CONDITION_RE = re.compile(
    r"^\s*(?P<bar>\|)?\s*(?P<measure>[a-z_]+)\s*(?(bar)\|)\s*(?P<op>>=|<=|>|<|==)"
    r"\s*(?P<v>-?[0-9]*\.?[0-9]+)\s*(?P<pct>%)?\s*$"
)


def stable(stability: Stability | None, criterion: str) -> bool | None:
    """Whether a declared stopping criterion holds, e.g. ``"changed_share < 15%"``.

    A condition is a measure of :data:`STABILITY_MEASURES`, an operator (>=, >, <=, <, ==) and
    a number, with % dividing it by 100 as in the consensus rule; ``|cv_change| <= 0.1``
    compares the size of a change in either direction. Conditions joined by ``and`` must all
    hold. ``None`` when a condition cannot be evaluated (no pairs, or an undefined value) and
    none is false. Raises ``ValueError`` on a criterion it cannot read.
    """
    results: list[bool | None] = []
    for part in re.split(r"\s+and\s+", criterion.strip()):
        match = _CONDITION_RE.match(part)
        if match is None:
            raise ValueError(f"cannot read {part!r}: expected e.g. 'changed_share < 15%'")
        measure = match["measure"]
        if measure not in STABILITY_MEASURES:
            known = ", ".join(STABILITY_MEASURES)
            raise ValueError(f"unknown measure {measure!r} in {part!r}; known: {known}")
        threshold = float(match["v"]) / (100 if match["pct"] else 1)
        value = None if stability is None else STABILITY_MEASURES[measure](stability)
        if value is None:
            results.append(None)
            continue
        results.append(_compare(abs(value) if match["bar"] else value, match["op"], threshold))
    if False in results:
        return False
    return None if None in results else True


def criterion_thresholds(criterion: str) -> dict[str, tuple[float, ...]]:
    """Per measure, the thresholds a stopping criterion compares it with (% divided by 100):
    what a shown figure must not be rounded across. Parts it cannot read are skipped
    (:func:`stable` reports them)."""
    out: dict[str, set[float]] = {}
    for part in re.split(r"\s+and\s+", criterion.strip()) if criterion.strip() else ():
        match = _CONDITION_RE.match(part)
        if match is not None:
            value = float(match["v"]) / (100 if match["pct"] else 1)
            out.setdefault(match["measure"], set()).add(value)
    return {m: tuple(sorted(v)) for m, v in out.items()}
