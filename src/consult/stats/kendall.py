"""Kendall's coefficient of concordance W for rankings, and bootstrap intervals of mean rank.

W says how far a panel agrees on an order of options: 1 when every rater gives the same order,
0 when the options' rank sums are all equal (Kendall & Babington Smith 1939; Siegel & Castellan
1988). Its chi-square test is Friedman's; the upper tail of the chi-square distribution is
computed here without scipy, from the regularised incomplete gamma function (Press et al. 2007,
section 6.2).
"""

from __future__ import annotations

import math
import numbers
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from statistics import NormalDist
from typing import Any

from consult.stats._common import _check_confidence, _clean_counts, _count
from consult.stats.basic import weighted_quantile

# --------------------------------------------------------------------------- Kendall's W


@dataclass(frozen=True)
class KendallW:
    """Kendall's W with its chi-square test.

    ``chi_square`` = m(n - 1)W with ``df`` = n - 1 degrees of freedom; ``p_value`` is its upper
    tail (large-sample approximation; Siegel & Castellan 1988 give exact tables for small
    panels). ``raters`` is m, ``items`` is n.
    """

    w: float
    chi_square: float
    df: int
    p_value: float
    raters: int
    items: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "w": self.w,
            "chi_square": self.chi_square,
            "df": self.df,
            "p_value": self.p_value,
            "raters": self.raters,
            "items": self.items,
        }


def kendall_w(place_counts: Mapping[str, Mapping[int, int]], raters: int) -> KendallW | None:
    """Kendall's W from option -> {place (1 = first): number of raters who put it there}.

    Every one of the ``raters`` (m) ranks all n options in a complete order without ties, so each
    option has m placements and each place 1..n is given m times. With rank sums R_j:

        W = 12 S / (m² (n³ - n)),  S = Σ (R_j - m(n + 1)/2)²

    ``None`` when m < 2 or n < 2 (there is nothing to agree on).
    """
    m = _count(raters, "raters")
    n = len(place_counts)
    per_place: Counter[int] = Counter()
    rank_sums: list[int] = []
    for option, places in place_counts.items():
        hist = _clean_counts(places, f"count of {option!r} at place")
        bad = [k for k in hist if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n]
        if bad:
            raise ValueError(f"places {bad!r} of {option!r} are outside 1..{n}")
        if sum(hist.values()) != m:
            raise ValueError(f"{option!r} is placed {sum(hist.values())} times, not {m}")
        per_place.update(hist)
        rank_sums.append(sum(k * c for k, c in hist.items()))
    if any(per_place[k] != m for k in range(1, n + 1)):
        raise ValueError("every place must be given once by each rater (complete orders, no ties)")
    if m < 2 or n < 2:
        return None
    # 4S = Σ (2 R_j - m(n + 1))² is an integer, so W is an exact ratio of integers.
    four_s = sum((2 * r - m * (n + 1)) ** 2 for r in rank_sums)
    return _result(Fraction(3 * four_s, m * m * (n**3 - n)), m, n)


def kendall_w_from_ranks(ranks: Sequence[Sequence[float]]) -> KendallW | None:
    """Kendall's W from a raters x items matrix of ranks, with average ranks for ties.

    Tied ranks are corrected for as in Siegel & Castellan (1988): with T = Σ (t³ - t) over
    each rater's groups of t tied items,

        W = 12 S / (m² (n³ - n) - m Σ T)

    and chi-square = m(n - 1)W equals Friedman's tie-corrected statistic. Each row must be a
    valid set of ranks of n items (values in 1..n summing to n(n + 1)/2). ``None`` when m < 2,
    n < 2 or every rater ties every item (the denominator is then 0).
    """
    m = len(ranks)
    n = len(ranks[0]) if m else 0
    sums = [Fraction(0)] * n
    ties = 0
    for i, row in enumerate(ranks):
        if len(row) != n:
            raise ValueError(f"rater {i} ranks {len(row)} items, not {n}")
        exact = [_fraction(r, f"rank of rater {i}") for r in row]
        if any(not 1 <= r <= n for r in exact) or sum(exact) * 2 != n * (n + 1):
            raise ValueError(f"rater {i}: {list(row)!r} are not ranks of {n} items")
        ties += sum(t**3 - t for t in Counter(exact).values())
        sums = [s + r for s, r in zip(sums, exact, strict=True)]
    if m < 2 or n < 2:
        return None
    mean = Fraction(m * (n + 1), 2)
    s = sum((r - mean) ** 2 for r in sums)
    denominator = m * m * (n**3 - n) - m * ties
    if denominator == 0:
        return None
    return _result(12 * s / denominator, m, n)


def _fraction(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return Fraction(value)  # type: ignore[arg-type]


def _result(w: Fraction, m: int, n: int) -> KendallW:
    chi_square = float(m * (n - 1) * w)
    return KendallW(
        w=float(w),
        chi_square=chi_square,
        df=n - 1,
        p_value=chi_square_sf(chi_square, n - 1),
        raters=m,
        items=n,
    )


# --------------------------------------------------------------------------- chi-square tail

_EPS = 1e-16
_TINY = 1e-300
_MAX_ITERATIONS = 10_000


def chi_square_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi-square with ``df`` degrees of freedom: Q(df/2, x/2).

    Q is the regularised upper incomplete gamma function, computed as in Press et al. (2007,
    section 6.2): the series for P = 1 - Q when x/2 < df/2 + 1, else Lentz's continued fraction
    for Q. Agrees with ``scipy.stats.chi2.sf`` to 1e-9 relative (the tests check it).
    """
    df = _count(df, "df")
    if df < 1:
        raise ValueError("df must be at least 1")
    if math.isnan(x):
        raise ValueError("x must not be NaN")
    half = x / 2.0
    if half <= 0.0:  # also a subnormal x whose half underflows to 0
        return 1.0
    return _gamma_q(df / 2.0, half)


def _gamma_q(a: float, x: float) -> float:
    if math.isinf(x):
        return 0.0
    if x < a + 1.0:
        return max(0.0, 1.0 - _gamma_p_series(a, x))
    return _gamma_q_fraction(a, x)


def _log_prefactor(a: float, x: float) -> float:
    """log(x^a e^-x / Γ(a))."""
    return a * math.log(x) - x - math.lgamma(a)


def _gamma_p_series(a: float, x: float) -> float:
    """P(a, x) = x^a e^-x / Γ(a + 1) · Σ_k x^k / ((a + 1)...(a + k))."""
    term = total = 1.0 / a
    ap = a
    for _ in range(_MAX_ITERATIONS):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(_log_prefactor(a, x))


def _gamma_q_fraction(a: float, x: float) -> float:
    """Q(a, x) by the continued fraction 1/(x + 1 - a - 1·(1 - a)/(x + 3 - a - ...)), Lentz."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(_log_prefactor(a, x)) * h


# --------------------------------------------------------------------------- bootstrap


def mean_rank_intervals(
    orders: Sequence[Sequence[str]],
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap interval of each option's mean rank, resampling raters.

    ``orders`` holds each rater's complete order (first = place 1). Each of ``resamples``
    bootstrap panels draws as many raters as there are, with replacement, with
    ``random.Random(seed)``, so the result is reproducible; the interval runs between the
    (1 - confidence)/2 and (1 + confidence)/2 type 7 quantiles of the resampled mean ranks
    (Efron & Tibshirani 1993, ch. 13). Raters are the resampled unit: the interval describes how
    the panel's mean ranks could vary with other raters like these, not any one rater's doubt.
    Empty when there are no orders.
    """
    _check_confidence(confidence)
    resamples = _count(resamples, "resamples")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    options, vectors = _rank_vectors(orders)
    if not vectors:
        return {}
    m = len(vectors)
    rng = random.Random(seed)
    draws: list[list[float]] = [[] for _ in options]
    for _ in range(resamples):
        picked = rng.choices(vectors, k=m)
        for j, column in enumerate(zip(*picked, strict=True)):
            draws[j].append(sum(column) / m)
    low_q, high_q = (1.0 - confidence) / 2.0, (1.0 + confidence) / 2.0
    out: dict[str, tuple[float, float]] = {}
    for option, means in zip(options, draws, strict=True):
        hist = Counter(means)
        low, high = weighted_quantile(hist, low_q), weighted_quantile(hist, high_q)
        assert low is not None and high is not None  # resamples >= 1
        out[option] = (low, high)
    return out


def _rank_vectors(orders: Sequence[Sequence[str]]) -> tuple[list[str], list[tuple[int, ...]]]:
    """The options (sorted) and each rater's rank of each option, in that option order."""
    if not orders:
        return [], []
    options = sorted(orders[0])
    position = {o: j for j, o in enumerate(options)}
    vectors = []
    for i, order in enumerate(orders):
        if len(order) != len(options) or set(order) != set(options):
            raise ValueError(f"order {i} is not a complete order of the options {options!r}")
        ranks = [0] * len(options)
        for place, option in enumerate(order, start=1):
            ranks[position[option]] = place
        vectors.append(tuple(ranks))
    return options, vectors


def indistinct_neighbours(
    mean_ranks: Mapping[str, float], intervals: Mapping[str, tuple[float, float]]
) -> list[tuple[str, str]]:
    """Adjacent options, in mean-rank order, whose intervals overlap (share at least a point).

    Options are ordered by mean rank, then id; options without a mean rank or interval are left
    out. An overlap means the panel's data cannot tell which of the two comes first.
    """
    ranked = sorted(
        (r, o) for o, r in mean_ranks.items() if r is not None and intervals.get(o) is not None
    )
    out = []
    for (_, a), (_, b) in pairwise(ranked):
        (a_low, a_high), (b_low, b_high) = intervals[a], intervals[b]
        if a_low <= b_high and b_low <= a_high:
            out.append((a, b))
    return out


def rank_critical_difference(items: int, raters: int, alpha: float = 0.05) -> float | None:
    """The least difference of mean ranks that tells two adjacent options apart.

    Bonferroni-Dunn for the ``items - 1`` comparisons of neighbours in the ranked order (Demšar
    J. Statistical comparisons of classifiers over multiple data sets. J Mach Learn Res
    2006;7:1-30, section 3.2.2): ``CD = z(1 - alpha / (2 (items - 1))) * sqrt(items (items + 1)
    / (6 raters))``, from the Friedman test's standard error of a mean rank. Computed from
    counts alone, so it costs nothing however large the panel. ``None`` when undefined.
    """
    if items < 2 or raters < 1:
        return None
    z = NormalDist().inv_cdf(1 - alpha / (2 * (items - 1)))
    return z * math.sqrt(items * (items + 1) / (6 * raters))


def neighbours_within(
    mean_ranks: Mapping[str, float | None], difference: float | None
) -> list[tuple[str, str]]:
    """Adjacent options (in mean-rank order, then id) whose mean ranks differ by less than
    ``difference``: the data cannot say which comes first."""
    if difference is None:
        return []
    ranked = sorted((r, o) for o, r in mean_ranks.items() if r is not None)
    return [(a, b) for (ra, a), (rb, b) in pairwise(ranked) if rb - ra < difference]
