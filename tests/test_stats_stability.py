"""Stability between Delphi rounds: published worked examples and independent implementations.

Wilcoxon against ``scipy.stats.wilcoxon``, weighted kappa against
``sklearn.metrics.cohen_kappa_score``, quartiles, CV and changes against numpy, on random
paired answers; one published example each for the Wilcoxon test and for weighted kappa.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.stats import wilcoxon
from sklearn.metrics import cohen_kappa_score

from consult.stats import (
    STABILITY_MEASURES,
    Stability,
    attrition,
    paired_stability,
    stable,
    weighted_kappa,
    wilcoxon_signed_rank,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIKERT = [1, 2, 3, 4, 5]


@st.composite
def paired_answers(draw: st.DrawFn) -> tuple[list[int], list[tuple[int, int]]]:
    """A scale (5, 7 or 0..10 points, sometimes with a gap) and 1..60 answer pairs on it."""
    points = draw(
        st.sampled_from([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7], list(range(11)), [1, 2, 4, 5]])
    )
    answer = st.sampled_from(points)
    pairs = draw(st.lists(st.tuples(answer, answer), min_size=1, max_size=60))
    return points, pairs


# --------------------------------------------------------------------------- published examples


def test_wilcoxon_reproduces_wilcoxons_own_paired_example() -> None:
    """Wilcoxon (1945), Biometrics Bulletin 1(6), p. 82, "Paired comparisons": Fisher's 15
    differences in height between cross- and self-fertilised corn plants of the same pair.
    The BYU-Idaho Statistics Notebook prints the data and ``wilcox.test``'s result, V = 96
    (T+) and the two-sided exact p-value 0.04126:
    https://byuistats.github.io/Statistics-Notebook/Analyses/Wilcoxon%20Tests/Examples/CornHeightsPairedWilcoxon.html
    The negative differences -48 and -67 have ranks 10 and 14, so T- = 24.
    """
    differences = [14, 56, 60, 16, 6, 8, -48, 49, 24, 28, 29, 41, -67, 23, 75]
    result = wilcoxon_signed_rank(differences)
    assert result is not None
    assert (result.t_plus, result.t_minus, result.statistic, result.n) == (96, 24, 24, 15)
    assert result.p_exact is not None
    assert round(result.p_exact, 5) == 0.04126
    # The same data as round answers: 100 in round k, 100 + d in round k + 1.
    stability = paired_stability([(100, 100 + d) for d in differences], range(20, 200))
    assert stability is not None and stability.wilcoxon == result


def test_weighted_kappa_reproduces_the_mammogram_example() -> None:
    """Kundel & Polansky (2003), Measurement of observer agreement, Radiology 228, 303-308,
    Table A1: 110 mammograms rated absent / minimal / moderate / severe by two readers. The
    vcdExtra reference page prints Kappa(Mammograms): unweighted 0.3713, weighted (equal-spacing,
    i.e. linear weights) 0.5964:
    https://friendly.github.io/vcdExtra/reference/Mammograms.html
    """
    rows = [[34, 10, 2, 0], [6, 8, 8, 2], [2, 5, 4, 12], [0, 1, 2, 14]]  # Reader2 x Reader1
    table = {(i, j): c for i, row in enumerate(rows, 1) for j, c in enumerate(row, 1)}
    assert sum(table.values()) == 110
    assert round(weighted_kappa(table, [1, 2, 3, 4], "linear"), 4) == 0.5964
    stability = paired_stability(table, [1, 2, 3, 4])
    assert stability is not None
    assert round(stability.weighted_kappa, 4) == 0.5964


# --------------------------------------------------------------------------- independent checks


@FAST
@given(paired_answers())
def test_wilcoxon_matches_scipy(sp: tuple[list[int], list[tuple[int, int]]]) -> None:
    points, pairs = sp
    before = np.array([a for a, _ in pairs], dtype=float)
    after = np.array([b for _, b in pairs], dtype=float)
    result = paired_stability(pairs, points)
    assert result is not None
    if np.all(before == after):
        assert result.wilcoxon is None
        return
    w = result.wilcoxon
    assert w is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = wilcoxon(after, before, zero_method="wilcox", correction=True, method="approx")
    assert w.statistic == pytest.approx(float(ref.statistic), abs=1e-9)
    assert w.p_value == pytest.approx(float(ref.pvalue), rel=1e-9, abs=1e-12)
    assert abs(w.z) == pytest.approx(abs(float(ref.zstatistic)), rel=1e-9, abs=1e-12)
    # Our z keeps the direction: never negative when answers rose, never positive when they fell.
    assert w.z * (w.t_plus - w.t_minus) >= 0
    assert w.n == int(np.count_nonzero(after - before))


@FAST
@given(st.lists(st.integers(-40, 40), min_size=1, max_size=25, unique_by=abs))
def test_exact_wilcoxon_matches_scipy_without_ties(differences: list[int]) -> None:
    assume(any(differences))
    result = wilcoxon_signed_rank(differences)
    assert result is not None
    ref = wilcoxon([d for d in differences if d], method="exact")
    assert result.p_exact == pytest.approx(float(ref.pvalue), rel=1e-12)
    assert result.statistic == float(ref.statistic)


def test_exact_p_is_left_out_with_ties_or_many_differences() -> None:
    tied = wilcoxon_signed_rank({1: 3, -1: 1, 2: 1})
    assert tied is not None and tied.p_exact is None
    many = wilcoxon_signed_rank(list(range(1, 27)))
    assert many is not None and many.p_exact is None
    assert wilcoxon_signed_rank({0: 4}) is None
    assert wilcoxon_signed_rank([]) is None


@FAST
@given(paired_answers())
def test_weighted_kappa_matches_sklearn(sp: tuple[list[int], list[tuple[int, int]]]) -> None:
    points, pairs = sp
    result = paired_stability(pairs, points)
    assert result is not None
    before = [a for a, _ in pairs]
    after = [b for _, b in pairs]
    for ours, weights in (
        (result.weighted_kappa, "linear"),
        (result.weighted_kappa_quadratic, "quadratic"),
    ):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = cohen_kappa_score(before, after, labels=points, weights=weights)
        if ours is None:
            assert math.isnan(ref)
        else:
            assert ours == pytest.approx(float(ref), abs=1e-9)


@FAST
@given(paired_answers())
def test_spread_and_change_match_numpy(sp: tuple[list[int], list[tuple[int, int]]]) -> None:
    points, pairs = sp
    result = paired_stability(pairs, points)
    assert result is not None
    before = np.array([a for a, _ in pairs], dtype=float)
    after = np.array([b for _, b in pairs], dtype=float)
    assert result.n_pairs == len(pairs)
    assert result.changed_share == pytest.approx(np.mean(before != after), abs=1e-12)
    assert result.mean_absolute_change == pytest.approx(np.mean(np.abs(after - before)), abs=1e-12)

    def iqr(x: np.ndarray) -> float:
        q1, q3 = np.percentile(x, [25, 75])
        return float(q3 - q1)

    assert result.iqr_before == pytest.approx(iqr(before), abs=1e-9)
    assert result.iqr_after == pytest.approx(iqr(after), abs=1e-9)
    assert result.iqr_change == pytest.approx(iqr(after) - iqr(before), abs=1e-9)

    def cv(x: np.ndarray) -> float | None:
        if len(x) < 2 or x.mean() == 0:
            return None
        return float(np.std(x, ddof=1) / np.mean(x))

    for ours, ref in ((result.cv_before, cv(before)), (result.cv_after, cv(after))):
        if ref is None:
            assert ours is None
        else:
            assert ours == pytest.approx(ref, abs=1e-9)
    if result.cv_before is not None and result.cv_after is not None:
        assert result.cv_change == pytest.approx(cv(after) - cv(before), abs=1e-9)
    else:
        assert result.cv_change is None


@FAST
@given(paired_answers())
def test_counts_and_pairs_give_the_same_result(sp) -> None:
    points, pairs = sp
    assert paired_stability(Counter(pairs), points) == paired_stability(pairs, points)
    assert paired_stability(list(reversed(pairs)), points) == paired_stability(pairs, points)


# --------------------------------------------------------------------------- edge cases


def test_no_pairs_and_undefined_values() -> None:
    assert paired_stability([], LIKERT) is None
    assert paired_stability({(1, 2): 0}, LIKERT) is None
    same = paired_stability({(4, 4): 7}, LIKERT)
    assert same is not None
    assert (same.changed_share, same.mean_absolute_change, same.wilcoxon) == (0.0, 0.0, None)
    assert same.weighted_kappa is None and same.weighted_kappa_quadratic is None
    assert (same.cv_before, same.cv_after, same.cv_change) == (0.0, 0.0, 0.0)
    single = paired_stability([(2, 5)], LIKERT)
    assert single is not None and single.cv_before is None and single.cv_change is None
    assert single.weighted_kappa == 0.0  # one pair: agreement exactly at chance
    signed = paired_stability([(-2, 1), (0, 2), (1, 1)], [-2, -1, 0, 1, 2])
    assert signed is not None and signed.cv_before is None  # no CV on a scale with negatives
    doc = same.to_dict()
    assert set(doc) == {f.name for f in Stability.__dataclass_fields__.values()}


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="not among"):
        paired_stability([(1, 6)], LIKERT)
    with pytest.raises(ValueError, match="not among"):
        paired_stability([(None, 3)], LIKERT)  # an abstention is not a pair
    with pytest.raises(ValueError):
        paired_stability({(1, 2): -1}, LIKERT)
    with pytest.raises(ValueError):
        paired_stability([(1, 2)], [])
    with pytest.raises(ValueError, match="weights"):
        weighted_kappa({(1, 1): 1}, LIKERT, "cubic")


def test_attrition_per_group() -> None:
    out = attrition({"industry": 10, "ngo": 4, "academia": 0}, {"industry": 7, "ngo": 4})
    assert out["industry"] == {"n_previous": 10, "n_both": 7, "n_lost": 3, "lost_share": 0.3}
    assert out["ngo"]["lost_share"] == 0.0
    assert out["academia"]["lost_share"] is None
    with pytest.raises(ValueError, match="both rounds"):
        attrition({"a": 2}, {"a": 3})
    with pytest.raises(ValueError, match="not round k"):
        attrition({"a": 2}, {"b": 1})


def test_stopping_criteria() -> None:
    # 20 pairs, 2 changed by one point: changed share 10 %.
    pairs = {(4, 4): 10, (5, 5): 8, (3, 4): 1, (5, 4): 1}
    s = paired_stability(pairs, LIKERT)
    assert s is not None and s.changed_share == 0.1
    assert stable(s, "changed_share < 15%") is True
    assert stable(s, "changed_share < 10%") is False
    assert stable(s, "changed_share <= 10%") is True
    assert stable(s, "changed_share <= 0.1 and n_pairs >= 20") is True
    assert stable(s, "changed_share <= 0.1 and n_pairs >= 21") is False
    assert s.cv_change is not None
    assert stable(s, f"|cv_change| <= {abs(s.cv_change) + 0.01}") is True
    assert stable(s, "wilcoxon_p >= 0.05") is True
    assert stable(None, "changed_share < 15%") is None
    nobody_moved = paired_stability({(4, 4): 3}, LIKERT)
    assert stable(nobody_moved, "wilcoxon_p >= 0.05") is None
    assert stable(nobody_moved, "wilcoxon_p >= 0.05 and changed_share > 0.5") is False
    for bad in ("changed_share 15%", "changed_share < lots", "stability >= 1"):
        with pytest.raises(ValueError):
            stable(s, bad)
    assert "cv_change" in STABILITY_MEASURES
