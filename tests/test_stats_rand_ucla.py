"""RAND/UCLA appropriateness classification: a published example, hand cases, a cross-check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.stats import (
    RandUclaResult,
    appropriateness_category,
    classic_disagreement,
    rand_ucla_classify,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("low", [{4: 1, 5: 1, 6: 1}, {1: 1, 2: 1, 3: 1}])
def test_published_example(low: dict[int, int]) -> None:
    """BMJ Open 2012;2(5):e001431, Table 1 (doi:10.1136/bmjopen-2012-001431,
    https://pmc.ncbi.nlm.nih.gov/articles/PMC3467596/table/BMJOPEN20122001431TB1).

    Fifteen panellists: three single ratings below 7 and 5, 5 and 2 ratings of 7, 8 and 9. The
    table prints median 7.0, 30th percentile 7.0, 70th percentile 8.0, IPR 1.0, IPRCP 7.5,
    AI 2.5, IPRAS 6.1 and "no disagreement" (accepted as appropriate). Where the three low
    ratings sit cannot change any of these, so both readings of the table are checked. The
    table writes the IPRAS formula with 2.5 but its value 6.1 is 2.35 + 2.5 × 1.5 = 6.10.
    """
    result = rand_ucla_classify({**low, 7: 5, 8: 5, 9: 2})
    assert result is not None
    assert (result.median, result.p30, result.p70) == (7.0, 7.0, 8.0)
    assert (result.ipr, result.iprcp, result.asymmetry) == (1.0, 7.5, 2.5)
    assert round(result.ipras, 1) == 6.1
    assert result.disagreement is False
    assert result.category == "appropriate"


def test_split_panel_of_nine_disagrees() -> None:
    # 1,1,1,5,5,5,9,9,9: p30 = 1 + 0.4·4 = 2.6, p70 = 5 + 0.6·4 = 7.4 (type 7, h = 8q).
    result = rand_ucla_classify({1: 3, 5: 3, 9: 3})
    assert result == RandUclaResult(
        median=5.0,
        p30=pytest.approx(2.6),
        p70=pytest.approx(7.4),
        ipr=pytest.approx(4.8),
        iprcp=pytest.approx(5.0),
        asymmetry=pytest.approx(0.0, abs=1e-12),
        ipras=pytest.approx(2.35),
        disagreement=True,
        category="uncertain",
    )
    assert classic_disagreement({1: 3, 5: 3, 9: 3}) is True


def test_categories_by_median() -> None:
    appropriate = rand_ucla_classify({7: 4, 8: 3, 9: 2})
    inappropriate = rand_ucla_classify({1: 3, 2: 4, 3: 2})
    middle = rand_ucla_classify({4: 3, 5: 4, 6: 2})
    assert appropriate is not None and appropriate.category == "appropriate"
    assert inappropriate is not None and inappropriate.category == "inappropriate"
    assert middle is not None and middle.category == "uncertain"


def test_half_point_medians_are_uncertain() -> None:
    # Even panels: 6,6,6,7,7,7 has median 6.5; 3,3,3,4,4,4 has median 3.5.
    upper = rand_ucla_classify({6: 3, 7: 3})
    lower = rand_ucla_classify({3: 3, 4: 3})
    assert upper is not None and upper.median == 6.5 and not upper.disagreement
    assert lower is not None and lower.median == 3.5 and not lower.disagreement
    assert upper.category == lower.category == "uncertain"
    assert appropriateness_category(7.0, False) == "appropriate"
    assert appropriateness_category(3.0, False) == "inappropriate"
    assert appropriateness_category(8.0, True) == "uncertain"


def test_to_dict_empty_and_invalid() -> None:
    result = rand_ucla_classify({8: 9})
    assert result is not None
    assert result.to_dict() == {
        "median": 8.0,
        "p30": 8.0,
        "p70": 8.0,
        "ipr": 0.0,
        "iprcp": 8.0,
        "asymmetry": 3.0,
        "ipras": pytest.approx(6.85),
        "disagreement": False,
        "category": "appropriate",
    }
    assert rand_ucla_classify({}) is None
    assert rand_ucla_classify({5: 0}) is None
    assert classic_disagreement({}) is None
    with pytest.raises(ValueError, match="1-9"):
        rand_ucla_classify({10: 1})
    with pytest.raises(ValueError, match="1-9"):
        rand_ucla_classify({0: 1})
    with pytest.raises(ValueError):
        rand_ucla_classify({5: -1})
    with pytest.raises(ValueError):
        classic_disagreement({5: 1}, at_least=0)


def test_classic_disagreement() -> None:
    assert classic_disagreement({1: 3, 9: 3, 5: 3}) is True
    assert classic_disagreement({1: 2, 9: 4, 5: 3}) is False
    assert classic_disagreement({3: 3, 7: 3}) is True  # the bands are inclusive
    assert classic_disagreement({3: 4, 7: 4, 5: 5}, at_least=4) is True
    assert classic_disagreement({3: 4, 7: 3, 5: 6}, at_least=4) is False


@FAST
@given(st.lists(st.integers(0, 6), min_size=9, max_size=9).filter(any))
def test_matches_numpy_and_the_published_formula(counts: list[int]) -> None:
    hist = {v: c for v, c in zip(range(1, 10), counts, strict=True)}
    data = np.repeat(np.arange(1, 10), counts)
    p30, median, p70 = np.percentile(data, [30, 50, 70], method="linear")
    ipr = p70 - p30
    iprcp = (p30 + p70) / 2
    ai = abs(5 - iprcp)
    ipras = 2.35 + ai * 1.5
    disagreement = ipr > ipras + 1e-9
    if disagreement or 3 < median < 7:
        category = "uncertain"
    else:
        category = "appropriate" if median >= 7 else "inappropriate"

    result = rand_ucla_classify(hist)
    assert result is not None
    for ours, theirs in [
        (result.median, median),
        (result.p30, p30),
        (result.p70, p70),
        (result.ipr, ipr),
        (result.iprcp, iprcp),
        (result.asymmetry, ai),
        (result.ipras, ipras),
    ]:
        assert ours == pytest.approx(theirs, abs=1e-9)
    assert result.disagreement == disagreement
    assert result.category == category
    low, high = sum(counts[:3]), sum(counts[6:])
    assert classic_disagreement(hist) == (low >= 3 and high >= 3)
