"""Intervals, quantiles and the Tastle-Wierman consensus measure, from counts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from consult.stats._common import (
    _check_confidence,
    _clean_counts,
    _count,
    _z,
)

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
