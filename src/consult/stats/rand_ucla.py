"""The RAND/UCLA Appropriateness Method classification of a panel's 1-9 ratings.

Fitch et al. (2001), the RAND/UCLA Appropriateness Method User's Manual (RAND MR-1269),
chapter 8: an indication is *appropriate* when the panel median is 7-9 without disagreement,
*inappropriate* when it is 1-3 without disagreement, and *uncertain* when it is 4-6 or when the
panel disagrees, whatever the median. Disagreement is judged by the interpercentile range
adjusted for symmetry (IPRAS), which works for any panel size, or by the classic count of
ratings at both ends of the scale, which the manual gives for panels of 9.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from consult.stats._common import _clean_counts, _compare
from consult.stats.basic import weighted_quantile

#: The 1-9 rating scale of the method.
POINTS: tuple[int, ...] = tuple(range(1, 10))
#: IPRr: the interpercentile range needed for disagreement when ratings are symmetric about 5.
IPR_SYMMETRIC = 2.35
#: CFAI: the correction factor for asymmetry.
ASYMMETRY_CORRECTION = 1.5
#: The three categories, from best to worst.
CATEGORIES: tuple[str, ...] = ("appropriate", "uncertain", "inappropriate")


@dataclass(frozen=True)
class RandUclaResult:
    """A panel's ratings of one indication, classified by the RAND/UCLA method.

    ``p30`` and ``p70`` are the 30th and 70th percentiles, ``ipr`` = p70 - p30, ``iprcp`` =
    (p30 + p70)/2, ``asymmetry`` = |5 - iprcp|, ``ipras`` = 2.35 + 1.5 · asymmetry;
    ``disagreement`` is ipr > ipras. ``category`` is one of :data:`CATEGORIES`.
    """

    median: float
    p30: float
    p70: float
    ipr: float
    iprcp: float
    asymmetry: float
    ipras: float
    disagreement: bool
    category: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "p30": self.p30,
            "p70": self.p70,
            "ipr": self.ipr,
            "iprcp": self.iprcp,
            "asymmetry": self.asymmetry,
            "ipras": self.ipras,
            "disagreement": self.disagreement,
            "category": self.category,
        }


def rand_ucla_classify(counts: Mapping[int, int]) -> RandUclaResult | None:
    """Classify a panel's ratings, given as rating (1-9) -> number of panellists.

    Percentiles and the median are Hyndman & Fan type 7 (linear interpolation, as
    ``numpy.percentile`` and as elsewhere in consult), via :func:`weighted_quantile`. We could
    not check which definition the manual's own IPRAS table uses; type 7 reproduces the published
    worked example in Table 1 of BMJ Open 2012;2(5):e001431 (doi:10.1136/bmjopen-2012-001431;
    15 panellists: p30 = 7, p70 = 8, IPR = 1, IPRCP = 7.5, AI = 2.5, IPRAS = 6.1, no
    disagreement).

    Disagreement is IPR > IPRAS (an IPR equal to the IPRAS, within 1e-9, is not disagreement).
    Medians between two bands, which an even panel can give, are classified by the bands'
    bounds: appropriate needs a median of at least 7 and inappropriate one of at most 3, so 6.5
    and 3.5 are *uncertain*. This is our choice: we found no rule for half-point medians in the
    manual's text available to us; the EPAGE criteria (http://epage.ch, built with the method)
    state the same bounds (median >= 7, <= 3, otherwise uncertain). ``None`` for an empty panel.
    """
    hist = _check_ratings(counts)
    if not hist:
        return None
    median = weighted_quantile(hist, 0.5)
    p30 = weighted_quantile(hist, 0.3)
    p70 = weighted_quantile(hist, 0.7)
    assert median is not None and p30 is not None and p70 is not None  # hist is not empty
    ipr = p70 - p30
    iprcp = (p30 + p70) / 2.0
    asymmetry = abs(5.0 - iprcp)
    ipras = IPR_SYMMETRIC + asymmetry * ASYMMETRY_CORRECTION
    disagreement = _compare(ipr, ">", ipras)
    return RandUclaResult(
        median=median,
        p30=p30,
        p70=p70,
        ipr=ipr,
        iprcp=iprcp,
        asymmetry=asymmetry,
        ipras=ipras,
        disagreement=disagreement,
        category=appropriateness_category(median, disagreement),
    )


def appropriateness_category(median: float, disagreement: bool) -> str:
    """``appropriate`` (median >= 7), ``inappropriate`` (median <= 3) or ``uncertain``.

    Any median with disagreement is ``uncertain`` (Fitch et al. 2001, ch. 8).
    """
    if disagreement:
        return "uncertain"
    if _compare(median, ">=", 7.0):
        return "appropriate"
    if _compare(median, "<=", 3.0):
        return "inappropriate"
    return "uncertain"


def classic_disagreement(counts: Mapping[int, int], at_least: int = 3) -> bool | None:
    """The classic definition: at least ``at_least`` ratings in 1-3 *and* in 7-9.

    The manual's definition for a panel of 9 uses 3 (a third of the panel at each end); the
    method's usual defaults for other sizes are 3 for 8-10 panellists, 4 for 11-13 and 5 for
    14-16 (tabulated in BMC Med Inform Decis Mak 2012;12:93, Table 7). ``None`` for an empty
    panel.
    """
    if isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 1:
        raise ValueError(f"at_least must be a positive integer, got {at_least!r}")
    hist = _check_ratings(counts)
    if not hist:
        return None
    low = sum(c for v, c in hist.items() if v <= 3)
    high = sum(c for v, c in hist.items() if v >= 7)
    return low >= at_least and high >= at_least


def _check_ratings(counts: Mapping[int, int]) -> dict[int, int]:
    hist = _clean_counts(counts, "count of rating")
    stray = [v for v in hist if isinstance(v, bool) or v not in POINTS]
    if stray:
        raise ValueError(f"ratings {stray!r} are not on the 1-9 scale")
    return hist
