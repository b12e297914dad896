"""Shared checks and constants of the statistics modules."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from functools import lru_cache
from statistics import NormalDist
from typing import Any

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
