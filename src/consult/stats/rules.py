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
