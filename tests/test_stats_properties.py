"""Cross-checks against independent implementations, and property tests, for consult.stats."""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from consult.stats import (
    MEASURES,
    OPERATORS,
    ConsensusRule,
    Criterion,
    ScaleSpec,
    consensus_verdict,
    newcombe_difference_interval,
    summarise_proposal,
    summarise_ranking,
    summarise_scale,
    tastle_wierman,
    weighted_quantile,
    wilson_interval,
)

SCALES = [ScaleSpec.likert(k) for k in range(2, 8)] + [
    ScaleSpec(tuple(range(11)), frozenset(range(7, 11)), frozenset(range(4))),
    ScaleSpec((-2, -1, 0, 1, 2), frozenset({1, 2}), frozenset({-2, -1})),
]
CONFIDENCES = (0.80, 0.90, 0.95, 0.99)

# Few enough examples to keep the whole stats suite to a few seconds; no deadline, so a busy
# machine cannot turn a slow example into a failure.
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(FAST, max_examples=120)


@st.composite
def proportions(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(1, 400))
    return draw(st.integers(0, n)), n


@st.composite
def histograms(draw: st.DrawFn, scale: ScaleSpec, max_count: int = 25) -> dict[int, int]:
    counts = draw(st.lists(st.integers(0, max_count), min_size=len(scale.points)))
    # Leave out some zero entries, as the SQL layer does.
    return {p: c for p, c in zip(scale.points, counts, strict=False) if c or draw(st.booleans())}


@st.composite
def scale_and_histogram(draw: st.DrawFn, min_n: int = 0) -> tuple[ScaleSpec, dict[int, int]]:
    scale = draw(st.sampled_from(SCALES))
    hist = draw(histograms(scale).filter(lambda h: sum(h.values()) >= min_n))
    return scale, hist


def expand(hist: dict[int, int]) -> list[int]:
    return sorted(Counter(hist).elements())


def mirror(hist: dict[int, int], scale: ScaleSpec) -> dict[int, int]:
    return {scale.minimum + scale.maximum - p: c for p, c in hist.items()}


# --------------------------------------------------------------------------- independent checks


@given(proportions(), st.sampled_from(CONFIDENCES))
@THOROUGH
def test_wilson_matches_scipy(kn: tuple[int, int], confidence: float) -> None:
    k, n = kn
    ref = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    low, high = wilson_interval(k, n, confidence)
    assert low == pytest.approx(float(ref.low), abs=1e-12)
    assert high == pytest.approx(float(ref.high), abs=1e-12)


@given(proportions(), proportions(), st.sampled_from(CONFIDENCES))
@FAST
def test_newcombe_from_scipy_wilson_limits(
    a: tuple[int, int], b: tuple[int, int], confidence: float
) -> None:
    (s1, n1), (s2, n2) = a, b
    c1 = binomtest(s1, n1).proportion_ci(confidence_level=confidence, method="wilson")
    c2 = binomtest(s2, n2).proportion_ci(confidence_level=confidence, method="wilson")
    p1, p2 = s1 / n1, s2 / n2
    # Newcombe (1998) method 10, square-and-add on independently computed Wilson limits.
    low = p1 - p2 - math.sqrt((p1 - c1.low) ** 2 + (c2.high - p2) ** 2)
    high = p1 - p2 + math.sqrt((c1.high - p1) ** 2 + (p2 - c2.low) ** 2)
    got = newcombe_difference_interval(s1, n1, s2, n2, confidence)
    assert got == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))
    assert -1.0 <= got[0] <= p1 - p2 <= got[1] <= 1.0
    # Swapping the groups negates the difference and swaps the limits.
    swapped = newcombe_difference_interval(s2, n2, s1, n1, confidence)
    assert swapped == (pytest.approx(-got[1], abs=1e-12), pytest.approx(-got[0], abs=1e-12))


@given(st.dictionaries(st.integers(-5, 15), st.integers(0, 20), min_size=1))
@FAST
def test_quantiles_match_statistics_and_numpy(hist: dict[int, int]) -> None:
    data = expand(hist)
    if len(data) < 2:
        return
    ours = [weighted_quantile(hist, q) for q in (0.25, 0.5, 0.75)]
    assert ours == pytest.approx(statistics.quantiles(data, n=4, method="inclusive"), abs=1e-9)
    for q in (0.0, 0.1, 0.33, 0.5, 0.9, 1.0):
        expected = float(np.percentile(data, 100 * q, method="linear"))
        assert weighted_quantile(hist, q) == pytest.approx(expected, abs=1e-9)


@given(st.dictionaries(st.integers(-5, 15), st.integers(0, 20)), st.floats(0, 1))
@FAST
def test_any_quantile_matches_numpy(hist: dict[int, int], q: float) -> None:
    data = expand(hist)
    got = weighted_quantile(hist, q)
    if not data:
        assert got is None
    else:
        assert got == pytest.approx(float(np.quantile(data, q)), abs=1e-9)


@given(scale_and_histogram())
@FAST
def test_mean_and_sd_match_statistics(sh: tuple[ScaleSpec, dict[int, int]]) -> None:
    scale, hist = sh
    data = expand(hist)
    s = summarise_scale(hist, 0, scale)
    if not data:
        assert s.mean is None and s.sd is None
        return
    assert s.mean == pytest.approx(statistics.fmean(data), abs=1e-12)
    if len(data) < 2:
        assert s.sd is None
    else:
        assert s.sd == pytest.approx(statistics.stdev(data), abs=1e-9)
        assert s.median == pytest.approx(statistics.median(data), abs=1e-12)


# --------------------------------------------------------------------------- properties


@given(scale_and_histogram(min_n=1), st.integers(0, 5))
@FAST
def test_shares_sum_to_one(sh: tuple[ScaleSpec, dict[int, int]], abstained: int) -> None:
    scale, hist = sh
    s = summarise_scale(hist, abstained, scale)
    assert s.support + s.neutral + s.opposition == pytest.approx(1.0, abs=1e-12)
    assert s.support_count + s.neutral_count + s.opposition_count == s.n_valid
    assert sum(c for _, c in s.distribution) == s.n_valid
    for share, ci in ((s.support, s.support_ci), (s.neutral, s.neutral_ci)):
        assert 0.0 <= ci[0] <= share <= ci[1] <= 1.0
    assert 0.0 <= s.tastle_wierman <= 1.0
    assert s.q1 <= s.median <= s.q3


@given(scale_and_histogram(min_n=1))
@FAST
def test_tastle_wierman_is_symmetric(sh: tuple[ScaleSpec, dict[int, int]]) -> None:
    scale, hist = sh
    original = tastle_wierman(hist, scale.points)
    assert tastle_wierman(mirror(hist, scale), scale.points) == pytest.approx(original, abs=1e-12)


@st.composite
def equal_size_groups(draw: st.DrawFn) -> tuple[ScaleSpec, dict[str, tuple[dict[int, int], int]]]:
    scale = draw(st.sampled_from(SCALES))
    n = draw(st.integers(1, 30))
    k = draw(st.integers(1, 6))
    rnd = draw(st.randoms(use_true_random=False))
    groups = {}
    for g in range(k):
        answers = rnd.choices(scale.points, k=n)
        groups[f"g{g}"] = (dict(Counter(answers)), rnd.randint(0, 3))
    # A group without members must not disturb the equality either.
    groups["empty"] = ({}, 0)
    return scale, groups


@given(equal_size_groups())
@FAST
def test_balanced_support_equals_pooled_when_groups_are_equal(
    sg: tuple[ScaleSpec, dict[str, tuple[dict[int, int], int]]],
) -> None:
    scale, groups = sg
    rule = ConsensusRule.symmetric((Criterion("support", ">=", 0.7),), scale)
    p = summarise_proposal(groups, scale, rule)
    assert p.group_balanced_support == pytest.approx(p.panel.support, abs=1e-12)


@given(scale_and_histogram(), st.integers(0, 5), st.randoms(use_true_random=False))
@FAST
def test_scale_summary_ignores_mapping_order(
    sh: tuple[ScaleSpec, dict[int, int]], abstained: int, rnd: random.Random
) -> None:
    scale, hist = sh
    items = list(hist.items())
    rnd.shuffle(items)
    assert summarise_scale(dict(items), abstained, scale) == summarise_scale(hist, abstained, scale)


@st.composite
def proposals(draw: st.DrawFn) -> tuple[ScaleSpec, dict[str, tuple[dict[int, int], int]]]:
    scale = draw(st.sampled_from(SCALES))
    names = draw(st.lists(st.text("abcxyz", min_size=1, max_size=4), max_size=6, unique=True))
    return scale, {g: (draw(histograms(scale)), draw(st.integers(0, 4))) for g in names}


@st.composite
def rules(draw: st.DrawFn, scale: ScaleSpec) -> ConsensusRule:
    def criterion() -> Criterion:
        measure = draw(st.sampled_from(MEASURES))
        op = draw(st.sampled_from(OPERATORS))
        if measure in ("median", "mean"):
            grid = np.arange(scale.minimum, scale.maximum + 0.01, 0.25)
        elif measure == "iqr":
            grid = np.arange(0, scale.maximum - scale.minimum + 0.01, 0.25)
        elif measure == "n_valid":
            grid = np.arange(0, 40)
        else:
            grid = np.linspace(0, 1, 21)
        return Criterion(measure, op, round(float(draw(st.sampled_from(list(grid)))), 4))

    for_ = tuple(criterion() for _ in range(draw(st.integers(1, 3))))
    scope = draw(st.sampled_from(("panel", "every_group")))
    gap = draw(st.sampled_from((0.1, 0.2, 0.3, 0.5)))
    return ConsensusRule.symmetric(for_, scale, scope=scope, contested_gap=gap)


@given(proposals(), st.data())
@FAST
def test_proposal_ignores_group_order(
    sg: tuple[ScaleSpec, dict[str, tuple[dict[int, int], int]]], data: st.DataObject
) -> None:
    scale, groups = sg
    rule = data.draw(rules(scale))
    shuffled = dict(data.draw(st.permutations(list(groups.items()))))
    # Shuffle the inner histograms too.
    shuffled = {g: (dict(reversed(list(c.items()))), a) for g, (c, a) in shuffled.items()}
    first = summarise_proposal(groups, scale, rule)
    second = summarise_proposal(shuffled, scale, rule)
    assert first == second
    assert first.to_dict() == second.to_dict()


FLIP = {"for": "against", "against": "for", "none": "none", "insufficient": "insufficient"}


@given(proposals(), st.data())
@THOROUGH
def test_mirrored_histograms_flip_the_verdict(
    sg: tuple[ScaleSpec, dict[str, tuple[dict[int, int], int]]], data: st.DataObject
) -> None:
    scale, groups = sg
    rule = data.draw(rules(scale))
    mirrored = {g: (mirror(c, scale), a) for g, (c, a) in groups.items()}
    # Every scale in SCALES is symmetric: mirroring maps support points onto opposition points.
    assert {scale.minimum + scale.maximum - p for p in scale.support} == scale.opposition
    original = summarise_proposal(groups, scale, rule)
    flipped = summarise_proposal(mirrored, scale, rule)
    assert flipped.consensus == FLIP[original.consensus]
    assert consensus_verdict(flipped.panel, flipped.groups, rule) == flipped.consensus


@given(
    st.dictionaries(
        st.sampled_from("abcde"),
        st.dictionaries(st.integers(1, 5), st.integers(0, 9)),
        min_size=1,
    )
)
@FAST
def test_ranking_first_shares_sum_to_one(positions: dict[str, dict[int, int]]) -> None:
    out = summarise_ranking(positions, 5)
    assert sorted(r.option for r in out) == sorted(positions)
    assert [r.borda for r in out] == sorted((r.borda for r in out), reverse=True)
    if any(r.first_share for r in out):
        assert sum(r.first_share for r in out) == pytest.approx(1.0, abs=1e-12)
    for r in out:
        assert r.mean_rank is None or 1.0 <= r.mean_rank <= 5.0
