"""Kendall's W: published worked examples, scipy cross-checks and the mean-rank bootstrap."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import chi2, friedmanchisquare, rankdata

from consult.stats import (
    KendallW,
    chi_square_sf,
    indistinct_neighbours,
    kendall_w,
    kendall_w_from_ranks,
    mean_rank_intervals,
    summarise_ranking,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def place_counts_of(ranks: list[list[int]]) -> dict[str, dict[int, int]]:
    """option -> {place: count} from a raters x items matrix of untied ranks."""
    out: dict[str, Counter[int]] = {f"o{j}": Counter() for j in range(len(ranks[0]))}
    for row in ranks:
        for j, place in enumerate(row):
            out[f"o{j}"][place] += 1
    return {o: dict(c) for o, c in out.items()}


def orders_of(ranks: list[list[int]]) -> list[list[str]]:
    """Each rater's order of options (first place first) from untied ranks."""
    return [[f"o{j}" for j in sorted(range(len(row)), key=row.__getitem__)] for row in ranks]


# --------------------------------------------------------------------------- published examples

# "Kendall's Coefficient of Concordance", pretest problem, pp. 177-178 of a course handout (Jegie),
# https://studylib.net/doc/25887810/kendall-s-coefficient-converted : three judges rate eight
# essays. Columns are judges, rows essays in the handout; here one row per judge.
ESSAYS = [
    [8, 6, 4, 1, 3, 2, 5, 7],  # judge 1
    [7, 5, 6, 2, 3, 1, 4, 8],  # judge 2
    [8, 6, 5, 1, 2, 3, 4, 7],  # judge 3
]

# "The Kendall Coefficient of Concordance", Example 1 (ten projects ranked by four judges A-D),
# https://www.scribd.com/document/659863121/The-KENDALL-Coefficient-of-Concordance , p. 1.
PROJECTS = [
    [1, 3, 4, 5, 2, 8, 6, 7, 10, 9],  # A
    [2, 1, 4, 5, 6, 3, 8, 7, 10, 9],  # B
    [3, 2, 1, 5, 7, 4, 6, 8, 9, 10],  # C
    [4, 2, 3, 1, 6, 7, 5, 9, 8, 10],  # D
]


def test_published_essays_example() -> None:
    """Printed: W = 0.94 and chi-square = 19.74 with df = 7 (p. 178).

    Exactly, S = 354 and W = 12 · 354 / (3² · (8³ - 8)) = 4248/4536 = 0.93651. The handout's
    chi-square 19.74 is m(n - 1) = 21 times the *rounded* W 0.94; with the unrounded W it is
    19.667, which we check instead.
    """
    result = kendall_w(place_counts_of(ESSAYS), raters=3)
    assert result is not None
    assert round(result.w, 2) == 0.94
    assert result.w == pytest.approx(4248 / 4536, rel=1e-15)
    assert result.df == 7
    assert round(21 * round(result.w, 2), 2) == 19.74
    assert result.chi_square == pytest.approx(59 / 3, rel=1e-15)


def test_published_projects_example() -> None:
    """Printed: rank sums 10, 8, 12, 16, 21, 22, 25, 31, 37, 38 and Σ D² = 1048 (p. 1).

    So W = 12 · 1048 / (4² · (10³ - 10)) = 0.79394.
    """
    assert [sum(col) for col in zip(*PROJECTS, strict=True)] == [
        10, 8, 12, 16, 21, 22, 25, 31, 37, 38,
    ]  # fmt: skip
    result = kendall_w(place_counts_of(PROJECTS), raters=4)
    assert result is not None
    assert result.w * 16 * 990 / 12 == pytest.approx(1048, rel=1e-14)
    assert round(result.w, 2) == 0.79
    assert (result.raters, result.items, result.df) == (4, 10, 9)
    assert result == kendall_w_from_ranks(PROJECTS)


def test_to_dict_and_undefined_cases() -> None:
    result = kendall_w(place_counts_of(ESSAYS), raters=3)
    assert result is not None
    assert result.to_dict() == {
        "w": result.w,
        "chi_square": result.chi_square,
        "df": 7,
        "p_value": result.p_value,
        "raters": 3,
        "items": 8,
    }
    assert kendall_w({}, raters=0) is None
    assert kendall_w({"a": {1: 5}}, raters=5) is None  # one option
    assert kendall_w({"a": {1: 1}, "b": {2: 1}}, raters=1) is None  # one rater
    assert kendall_w_from_ranks([[1, 2, 3]]) is None
    assert kendall_w_from_ranks([]) is None
    assert kendall_w_from_ranks([[2, 2, 2], [2, 2, 2]]) is None  # all tied: 0/0


def test_perfect_agreement_and_none() -> None:
    agree = kendall_w(place_counts_of([[1, 2, 3, 4]] * 5), raters=5)
    assert agree is not None and agree.w == 1.0
    # Two raters in exactly opposite orders: every rank sum is m(n + 1)/2.
    opposite = kendall_w(place_counts_of([[1, 2, 3, 4], [4, 3, 2, 1]]), raters=2)
    assert opposite is not None and opposite.w == 0.0 and opposite.p_value == 1.0


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="outside"):
        kendall_w({"a": {1: 1, 3: 1}, "b": {2: 2}}, raters=2)
    with pytest.raises(ValueError, match="placed"):
        kendall_w({"a": {1: 2}, "b": {2: 1}}, raters=2)
    with pytest.raises(ValueError, match="every place"):
        kendall_w({"a": {1: 2}, "b": {1: 2}}, raters=2)
    with pytest.raises(ValueError, match="not ranks"):
        kendall_w_from_ranks([[1, 2, 4], [1, 2, 3]])
    with pytest.raises(ValueError, match="ranks 2 items"):
        kendall_w_from_ranks([[1, 2, 3], [1, 2]])
    with pytest.raises(TypeError):
        kendall_w_from_ranks([[1, "2"], [1, 2]])


# --------------------------------------------------------------------------- against scipy


@st.composite
def untied(draw: st.DrawFn, min_items: int = 3) -> list[list[int]]:
    m = draw(st.integers(2, 15))
    n = draw(st.integers(min_items, 9))
    return [draw(st.permutations(range(1, n + 1))) for _ in range(m)]


@FAST
@given(untied())
def test_untied_matches_friedman(ranks: list[list[int]]) -> None:
    m, n = len(ranks), len(ranks[0])
    result = kendall_w(place_counts_of(ranks), raters=m)
    assert result is not None
    statistic, p = friedmanchisquare(*np.array(ranks, dtype=float).T)
    assert result.chi_square == pytest.approx(statistic, rel=1e-9, abs=1e-12)
    assert result.chi_square == pytest.approx(m * (n - 1) * result.w, rel=1e-12, abs=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-300)
    assert result == kendall_w_from_ranks(ranks)


def tie_corrected_w(ranks: np.ndarray) -> float:
    """W = 12 S / (m²(n³ - n) - m Σ T), written out directly with numpy."""
    m, n = ranks.shape
    sums = ranks.sum(axis=0)
    s = ((sums - sums.mean()) ** 2).sum()
    t = sum((c**3 - c).sum() for c in (np.unique(row, return_counts=True)[1] for row in ranks))
    return float(12 * s / (m**2 * (n**3 - n) - m * t))


@FAST
@given(st.integers(2, 12), st.integers(3, 8), st.integers(2, 6), st.randoms(use_true_random=False))
def test_tied_matches_direct_formula(m: int, n: int, levels: int, rnd: random.Random) -> None:
    scores = np.array([[rnd.randrange(levels) for _ in range(n)] for _ in range(m)])
    ranks = np.array([rankdata(row) for row in scores])
    result = kendall_w_from_ranks(ranks.tolist())
    if all(len(set(row)) == 1 for row in scores):
        assert result is None
        return
    assert result is not None
    assert result.w == pytest.approx(tie_corrected_w(ranks), rel=1e-9, abs=1e-12)
    # Friedman's tie-corrected statistic is m(n - 1)W with the tie-corrected W.
    statistic, p = friedmanchisquare(*ranks.T)
    assert result.chi_square == pytest.approx(statistic, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-300)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.floats(0, 50), st.floats(0, 2000), st.floats(0, 1e-3)),
    st.integers(1, 300),
)
def test_chi_square_sf_matches_scipy(x: float, df: int) -> None:
    assert chi_square_sf(x, df) == pytest.approx(chi2.sf(x, df), rel=1e-9, abs=1e-300)


@pytest.mark.parametrize(
    ("x", "df"),
    [(0.0, 1), (1e-12, 1), (0.5, 1), (3.84, 1), (5.99, 2), (1.5, 3), (20.0, 4), (100.0, 50),
     (51.0, 50), (49.0, 50), (1000.0, 900), (700.0, 2), (1e-6, 200), (1234.5, 1300)],
)  # fmt: skip
def test_chi_square_sf_fixed_points(x: float, df: int) -> None:
    assert chi_square_sf(x, df) == pytest.approx(chi2.sf(x, df), rel=1e-10, abs=1e-300)


def test_chi_square_sf_edges() -> None:
    assert chi_square_sf(-1.0, 3) == 1.0
    assert chi_square_sf(float("inf"), 3) == 0.0
    with pytest.raises(ValueError):
        chi_square_sf(1.0, 0)
    with pytest.raises(ValueError):
        chi_square_sf(float("nan"), 2)


# --------------------------------------------------------------------------- bootstrap


def test_bootstrap_is_deterministic_and_contains_mean_ranks() -> None:
    orders = orders_of([*PROJECTS, PROJECTS[2], PROJECTS[0]])
    first = mean_rank_intervals(orders, seed=7, resamples=500)
    assert first == mean_rank_intervals(orders, seed=7, resamples=500)
    assert first != mean_rank_intervals(orders, seed=8, resamples=500)
    counts = place_counts_of([[o.index(f"o{j}") + 1 for j in range(10)] for o in orders])
    means = {s.option: s.mean_rank for s in summarise_ranking(counts, 10)}
    for option, (low, high) in first.items():
        assert low <= means[option] <= high


def test_unanimous_panel_gives_degenerate_intervals_and_no_neighbours() -> None:
    orders = [["b", "a", "c"]] * 6
    intervals = mean_rank_intervals(orders, resamples=200)
    assert intervals == {"a": (2.0, 2.0), "b": (1.0, 1.0), "c": (3.0, 3.0)}
    assert indistinct_neighbours({"a": 2.0, "b": 1.0, "c": 3.0}, intervals) == []


def test_split_panel_gives_indistinct_neighbours() -> None:
    # Half the panel puts a before b, half b before a; c is always last.
    orders = [["a", "b", "c"], ["b", "a", "c"]] * 5
    intervals = mean_rank_intervals(orders, resamples=400)
    assert intervals["c"] == (3.0, 3.0)
    means = {"a": 1.5, "b": 1.5, "c": 3.0}
    assert indistinct_neighbours(means, intervals) == [("a", "b")]
    assert mean_rank_intervals([]) == {}


def test_bootstrap_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="complete order"):
        mean_rank_intervals([["a", "b"], ["a", "c"]])
    with pytest.raises(ValueError):
        mean_rank_intervals([["a", "b"]], confidence=1.0)
    with pytest.raises(ValueError):
        mean_rank_intervals([["a", "b"]], resamples=0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(untied(min_items=2), st.integers(0, 2**32))
def test_bootstrap_intervals_contain_the_mean_rank(ranks: list[list[int]], seed: int) -> None:
    orders = orders_of(ranks)
    intervals = mean_rank_intervals(orders, resamples=200, seed=seed)
    n = len(ranks[0])
    for j in range(n):
        mean = sum(row[j] for row in ranks) / len(ranks)
        low, high = intervals[f"o{j}"]
        assert 1.0 <= low <= mean <= high <= n


def test_kendall_w_result_type() -> None:
    assert isinstance(kendall_w_from_ranks([[1, 2], [2, 1], [1, 2]]), KendallW)


@pytest.mark.parametrize(
    ("k", "q"), [(2, 1.960), (3, 2.241), (4, 2.394), (5, 2.498), (6, 2.576), (10, 2.773)]
)
def test_critical_difference_matches_demsar_2006_table_5b(k: int, q: float) -> None:
    """Demšar (2006), Table 5(b): Bonferroni-Dunn critical values q0.05 for k items; the
    critical difference is q * sqrt(k (k + 1) / (6 N)). Checked with N = 14 raters."""
    from consult.stats import neighbours_within, rank_critical_difference

    cd = rank_critical_difference(k, 14)
    assert cd == pytest.approx(q * math.sqrt(k * (k + 1) / (6 * 14)), abs=0.001)
    ranks = {chr(97 + i): 1 + i * cd * 0.99 for i in range(k)}  # neighbours just inside CD
    assert len(neighbours_within(ranks, cd)) == k - 1
    apart = {chr(97 + i): 1 + i * cd * 1.01 for i in range(k)}
    assert neighbours_within(apart, cd) == []
