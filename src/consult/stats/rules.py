"""Scales and consensus rules: what a survey declares before anyone answers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from consult.stats._common import (
    _FLIPPED_OP,
    _REFLECTED_MEASURES,
    _SHARE_MEASURES,
    _SWAPPED_MEASURE,
    MEASURES,
    OPERATORS,
    _compare,
)

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

    def holds(self, summary: Any) -> bool | None:
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
    that has answers).

    ``mirror`` derives the "against" side from "for" on each proposal's own scale (see
    :meth:`against_on`); otherwise ``against`` is used as stated.

    A quorum is declared in advance: under ``min_answers`` valid answers, or over
    ``max_abstention`` abstaining (as a share of all answers), a proposal is "insufficient",
    never "for" or "against".

    ``contested_gap`` is the support gap between two groups, as a share, from which a proposal
    is flagged; the flag needs the gap's Newcombe interval to exclude zero too ("contested"),
    else it is only "possible". A group with fewer than ``small_group`` valid answers is
    "small": it is left out of the flag unless ``small_groups_contested``.
    """

    for_: tuple[Criterion, ...]
    against: tuple[Criterion, ...]
    scope: str = "panel"
    contested_gap: float = 0.30
    mirror: bool = False
    min_answers: int = 1
    max_abstention: float | None = None
    small_group: int = 5
    small_groups_contested: bool = False
    #: The preset the survey named (see consult.stats.presets), if any.
    preset: str | None = None
    #: "criteria" (the for/against thresholds) or "rand-ucla" (the RAND/UCLA classification:
    #: appropriate -> for, inappropriate -> against, uncertain -> none).
    method: str = "criteria"

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
        if self.mirror and self.against:
            raise ValueError("a mirrored rule states only its 'for' side")
        if self.method not in ("criteria", "rand-ucla"):
            raise ValueError(f"method must be 'criteria' or 'rand-ucla', got {self.method!r}")
        if isinstance(self.min_answers, bool) or self.min_answers < 1:
            raise ValueError(f"min_answers must be at least 1, got {self.min_answers!r}")
        if self.max_abstention is not None and not 0.0 <= self.max_abstention <= 1.0:
            raise ValueError(f"max_abstention must be in [0, 1], got {self.max_abstention!r}")
        if isinstance(self.small_group, bool) or self.small_group < 1:
            raise ValueError(f"small_group must be at least 1, got {self.small_group!r}")

    def against_on(self, scale: ScaleSpec) -> tuple[Criterion, ...]:
        """The "against" side for a proposal on ``scale``: mirrored on that very scale when the
        rule says ``mirror``, so a 1-5 proposal is not judged by a 1-7 scale's midpoint."""
        return self.mirrored(self.for_, scale) if self.mirror else self.against

    def thresholds(self, measure: str) -> tuple[float, ...]:
        """Every threshold the rule compares ``measure`` with (for display that never crosses
        one by rounding)."""
        return tuple(c.threshold for c in (*self.for_, *self.against) if c.measure == measure)

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
        """A rule whose "against" side is the mirror image of ``for_`` on ``scale``."""
        return cls(for_, cls.mirrored(for_, scale), scope, contested_gap)


def shown_share(value: float | None, thresholds: tuple[float, ...] = (), decimals: int = 0) -> str:
    """A share as a percentage that never lands on the other side of a threshold it is judged
    by: 0.698 against 0.70 shows "69.8%", not "70%"; 0.148 against 0.15 shows "14.8%".

    Starts at ``decimals`` and adds decimals (up to four) only where rounding would cross or
    touch a threshold the value does not equal; "–" for an undefined value.
    """
    if value is None:
        return "–"
    return (
        f"{value * 100:.{_honest_decimals(value * 100, [t * 100 for t in thresholds], decimals)}f}%"
    )


def shown_points(value: float | None, thresholds: tuple[float, ...] = (), decimals: int = 0) -> str:
    """A difference of shares in percentage points ("30 pp"), rounded as :func:`shown_share`."""
    if value is None:
        return "–"
    # A gap is judged by its size, whichever group leads.
    places = _honest_decimals(abs(value) * 100, [t * 100 for t in thresholds], decimals)
    return f"{value * 100:.{places}f} pp"


def _honest_decimals(value: float, thresholds: list[float], decimals: int) -> int:
    def side(x: float, t: float) -> int:
        return 0 if abs(x - t) <= 1e-7 else (1 if x > t else -1)

    places = decimals
    while places < 4:
        shown = round(value, places)
        if all(side(shown, t) == side(value, t) for t in thresholds):
            return places
        places += 1
    return places
