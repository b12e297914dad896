"""Krippendorff's alpha from reliability data (Krippendorff 2011)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from fractions import Fraction
from itertools import combinations
from typing import Any

from consult.stats._common import (
    _LEVELS,
    _clean_counts,
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
