"""Hand-computed expectations for consult.stats.

Every expected number is worked out in the comment next to it; z = 1.959964 (95 %), z² = 3.841459.
Krippendorff's alpha is in test_stats_krippendorff.py, cross-checks against other
implementations and property tests are in test_stats_properties.py.
"""

from __future__ import annotations

import json
import math

import pytest

from consult.stats import (
    ChoiceSummary,
    ConsensusRule,
    Criterion,
    RankingSummary,
    ScaleSpec,
    consensus_verdict,
    newcombe_difference_interval,
    summarise_choice,
    summarise_proposal,
    summarise_ranking,
    summarise_scale,
    tastle_wierman,
    weighted_quantile,
    wilson_interval,
)

LIKERT5 = ScaleSpec(points=(1, 2, 3, 4, 5), support=frozenset({4, 5}), opposition=frozenset({1, 2}))
# The 70/15 rule: for = support >= 70 % and opposition < 15 %, against = its mirror image.
RULE_70_15_FOR = (Criterion("support", ">=", 0.70), Criterion("opposition", "<", 0.15))
RULE_70_15 = ConsensusRule.symmetric(RULE_70_15_FOR, LIKERT5, scope="panel", contested_gap=0.30)


def approx(x: float, places: int = 4) -> pytest.approx:
    return pytest.approx(x, abs=0.5 * 10**-places)


# --------------------------------------------------------------------------- Wilson


def test_wilson_three_of_ten() -> None:
    # p = 0.3; denom = 1 + z²/10 = 1.384146; centre = (0.3 + z²/20) / denom = 0.355506;
    # half = z * sqrt(0.3*0.7/10 + z²/400) / denom = 1.959964 * 0.174939 / 1.384146 = 0.247716
    low, high = wilson_interval(3, 10)
    assert low == approx(0.1078)
    assert high == approx(0.6032)


def test_wilson_half_is_symmetric_about_one_half() -> None:
    # 5/10: centre = 0.5 exactly, half = z * sqrt(0.025 + z²/400) / denom = 0.263407
    assert wilson_interval(5, 10) == (approx(0.2366), approx(0.7634))


def test_wilson_extremes_are_exact() -> None:
    # 0/10: upper = z² / (n + z²) = 3.841459 / 13.841459 = 0.277533; lower is exactly 0.
    assert wilson_interval(0, 10) == (0.0, approx(0.2775))
    # 10/10 mirrors it.
    assert wilson_interval(10, 10) == (approx(0.7225), 1.0)
    # One answer: 1/1 -> lower = (1 + z²/2 - z*sqrt(z²/4)) / (1 + z²) = 1 / (1 + z²) = 0.206549
    assert wilson_interval(1, 1) == (approx(0.2065), 1.0)


def test_wilson_other_confidence() -> None:
    # 90 %: z = 1.644854, z² = 2.705543; 5/10: half = z*sqrt(0.025 + z²/400)/(1 + z²/10)
    # = 1.644854 * 0.178224 / 1.270554 = 0.230728, around a centre of exactly 0.5
    assert wilson_interval(5, 10, confidence=0.90) == (approx(0.2693), approx(0.7307))


def test_wilson_undefined_and_invalid() -> None:
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)
    with pytest.raises(ValueError):
        wilson_interval(1, 10, confidence=1.0)
    with pytest.raises(TypeError):
        wilson_interval(1.5, 10)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Newcombe


@pytest.mark.parametrize(
    ("s1", "n1", "s2", "n2", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10, examples a-h.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_published_table(
    s1: int, n1: int, s2: int, n2: int, low: float, high: float
) -> None:
    assert newcombe_difference_interval(s1, n1, s2, n2) == (approx(low), approx(high))


def test_newcombe_by_hand() -> None:
    # 0/10 - 0/20: d = 0; L = 0 - sqrt(0² + u2²) = -u2 = -z²/(20 + z²) = -0.161125;
    # U = 0 + sqrt(u1² + 0²) = u1 = z²/(10 + z²) = 0.277533.
    low, high = newcombe_difference_interval(0, 10, 0, 20)
    assert low == pytest.approx(-3.841459 / 23.841459, abs=1e-6)
    assert high == pytest.approx(3.841459 / 13.841459, abs=1e-6)


def test_newcombe_undefined_when_a_group_is_empty() -> None:
    assert newcombe_difference_interval(0, 0, 3, 10) is None
    assert newcombe_difference_interval(3, 10, 0, 0) is None


# --------------------------------------------------------------------------- quantiles


def test_quantiles_type_7_by_hand() -> None:
    # Data 1 2 3 4: h = (n-1)q = 0.75, 1.5, 2.25 (0-based) -> 1.75, 2.5, 3.25
    hist = {1: 1, 2: 1, 3: 1, 4: 1}
    assert weighted_quantile(hist, 0.25) == 1.75
    assert weighted_quantile(hist, 0.5) == 2.5
    assert weighted_quantile(hist, 0.75) == 3.25
    # Data 1 1 3 5 5 5 (n = 6): q1 at h = 1.25 -> 1 + 0.25*(3-1) = 1.5;
    # median at h = 2.5 -> 3 + 0.5*(5-3) = 4.0; q3 at h = 3.75 -> 5 + 0.75*0 = 5.0
    hist = {5: 3, 1: 2, 3: 1}
    assert weighted_quantile(hist, 0.25) == 1.5
    assert weighted_quantile(hist, 0.5) == 4.0
    assert weighted_quantile(hist, 0.75) == 5.0
    assert weighted_quantile(hist, 0.0) == 1.0
    assert weighted_quantile(hist, 1.0) == 5.0


def test_quantile_edge_cases() -> None:
    assert weighted_quantile({}, 0.5) is None
    assert weighted_quantile({3: 0}, 0.5) is None
    assert weighted_quantile({3: 1}, 0.25) == 3.0
    assert weighted_quantile({3: 9}, 0.75) == 3.0
    with pytest.raises(ValueError):
        weighted_quantile({3: 1}, 1.5)
    with pytest.raises(ValueError):
        weighted_quantile({3: -1}, 0.5)


def test_quantile_cost_does_not_grow_with_answers() -> None:
    # 10^12 answers at 1 and 3*10^12 at 5: the median (position 2*10^12 - 0.5) lies among the 5s.
    assert weighted_quantile({1: 10**12, 5: 3 * 10**12}, 0.5) == 5.0
    assert weighted_quantile({1: 10**12, 5: 10**12}, 0.5) == 3.0


# --------------------------------------------------------------------------- Tastle & Wierman


def test_tastle_wierman_published_example() -> None:
    # Tastle & Wierman (2007): frequencies 30 40 210 130 530 50 10 on 1..7 give Cns = 0.7257.
    counts = dict(zip(range(1, 8), (30, 40, 210, 130, 530, 50, 10), strict=True))
    assert tastle_wierman(counts, range(1, 8)) == approx(0.7257)


def test_tastle_wierman_by_hand() -> None:
    # One answer at 1 and one at 3 on 1..5: mu = 2, d = 4; each term 0.5*log2(1 - 1/4)
    # = 0.5 * -0.415037, so Cns = 1 - 0.415037 = 0.584963.
    assert tastle_wierman({1: 1, 3: 1}, (1, 2, 3, 4, 5)) == approx(0.584963, 6)
    # Half at each extreme: mu = 3, each term 0.5*log2(1 - 2/4) = -0.5, Cns = 0 exactly.
    assert tastle_wierman({1: 5, 5: 5}, (1, 2, 3, 4, 5)) == 0.0
    # All identical: 1.0 whatever the point.
    assert tastle_wierman({2: 7}, (1, 2, 3, 4, 5)) == 1.0
    assert tastle_wierman({1: 1}, (1,)) == 1.0


def test_tastle_wierman_edge_cases() -> None:
    assert tastle_wierman({}, (1, 2, 3)) is None
    assert tastle_wierman({1: 0, 2: 0}, (1, 2, 3)) is None
    with pytest.raises(ValueError):
        tastle_wierman({9: 1}, (1, 2, 3))
    with pytest.raises(ValueError):
        tastle_wierman({1: 1}, ())


# --------------------------------------------------------------------------- scale spec and rules


def test_scale_spec_validation_and_helpers() -> None:
    assert ScaleSpec.likert(5) == LIKERT5
    seven = ScaleSpec.likert(7)
    assert seven.support == {5, 6, 7} and seven.opposition == {1, 2, 3} and seven.neutral == {4}
    assert ScaleSpec.likert(4).neutral == frozenset()
    with pytest.raises(ValueError):
        ScaleSpec((1, 3, 2), frozenset(), frozenset())
    with pytest.raises(ValueError):
        ScaleSpec((1, 2, 3), frozenset({3, 4}), frozenset())
    with pytest.raises(ValueError):
        ScaleSpec((1, 2, 3), frozenset({2}), frozenset({2}))
    with pytest.raises(ValueError):
        ScaleSpec((), frozenset(), frozenset())


def test_criterion_validation() -> None:
    with pytest.raises(ValueError):
        Criterion("popularity", ">=", 0.5)
    with pytest.raises(ValueError):
        Criterion("support", "=>", 0.5)
    with pytest.raises(ValueError):
        Criterion("support", ">=", 70)
    with pytest.raises(ValueError):
        Criterion("iqr", "<=", -1)
    with pytest.raises(ValueError):
        Criterion("mean", ">=", math.nan)
    assert str(Criterion("support", ">=", 0.7)) == "support >= 0.7"


def test_mirrored_70_15_rule() -> None:
    assert ConsensusRule.mirrored(RULE_70_15_FOR, LIKERT5) == (
        Criterion("opposition", ">=", 0.70),
        Criterion("support", "<", 0.15),
    )


def test_mirrored_reflects_location_and_keeps_spread() -> None:
    # On 1..5, x -> 6 - x: median >= 4 becomes median <= 2, mean > 3.5 becomes mean < 2.5.
    for_ = (
        Criterion("median", ">=", 4),
        Criterion("mean", ">", 3.5),
        Criterion("iqr", "<=", 1),
        Criterion("neutral", "<", 0.2),
        Criterion("median", "==", 4),
    )
    assert ConsensusRule.mirrored(for_, LIKERT5) == (
        Criterion("median", "<=", 2),
        Criterion("mean", "<", 2.5),
        Criterion("iqr", "<=", 1),
        Criterion("neutral", "<", 0.2),
        Criterion("median", "==", 2),
    )
    # On 0..10 the reflection is x -> 10 - x.
    eleven = ScaleSpec(tuple(range(11)), frozenset(range(7, 11)), frozenset(range(4)))
    assert ConsensusRule.mirrored((Criterion("median", ">=", 7),), eleven) == (
        Criterion("median", "<=", 3),
    )


def test_rule_validation() -> None:
    with pytest.raises(ValueError):
        ConsensusRule(RULE_70_15_FOR, (), scope="everyone", contested_gap=0.3)
    with pytest.raises(ValueError):
        ConsensusRule(RULE_70_15_FOR, (), scope="panel", contested_gap=1.5)


def test_criterion_boundaries_survive_float_rounding() -> None:
    # 7/10 is the double nearest 0.7, so support >= 0.70 holds; 3/20 = 0.15 is not < 0.15.
    s = summarise_scale({5: 14, 3: 3, 1: 3}, 0, LIKERT5)
    assert Criterion("support", ">=", 0.70).holds(s) is True
    assert Criterion("support", ">", 0.70).holds(s) is False
    assert Criterion("support", "==", 0.70).holds(s) is True
    assert Criterion("opposition", "<", 0.15).holds(s) is False
    assert Criterion("opposition", "<=", 0.15).holds(s) is True
    # Mean 3.7 (37/10) against a reflected threshold 6 - 2.3 computed in floating point.
    m = summarise_scale({4: 7, 3: 3}, 0, LIKERT5)
    assert Criterion("mean", "==", 6 - 2.3).holds(m) is True


def test_criterion_undefined_measure_is_none() -> None:
    empty = summarise_scale({}, 4, LIKERT5)
    assert Criterion("support", ">=", 0.7).holds(empty) is None
    one = summarise_scale({5: 1}, 0, LIKERT5)
    assert one.sd is None
    assert Criterion("n_valid", ">=", 1).holds(one) is True


# --------------------------------------------------------------------------- scale summaries


def test_summarise_scale_by_hand() -> None:
    # Answers 1, 2, 3, 3, 4, 4, 4, 5, 5, 5 (n = 10) and two abstentions.
    s = summarise_scale({5: 3, 1: 1, 2: 1, 3: 2, 4: 3}, 2, LIKERT5)
    assert s.n_valid == 10 and s.n_abstained == 2
    assert s.distribution == ((1, 1), (2, 1), (3, 2), (4, 3), (5, 3))
    # support = 6/10, neutral = 2/10, opposition = 2/10
    assert (s.support, s.neutral, s.opposition) == (0.6, 0.2, 0.2)
    assert (s.support_count, s.neutral_count, s.opposition_count) == (6, 2, 2)
    # Wilson 6/10: centre = (0.6 + 0.192073)/1.384146 = 0.572247, half = 0.259573
    assert s.support_ci == (approx(0.3127), approx(0.8318))
    # Wilson 2/10: centre = (0.2 + 0.192073)/1.384146 = 0.283260, half = 0.226578
    assert s.neutral_ci == (approx(0.0567), approx(0.5098))
    assert s.opposition_ci == s.neutral_ci
    # mean = 36/10; sd = sqrt((10*146 - 36²) / (10*9)) = sqrt(164/90) = 1.349897
    assert s.mean == 3.6
    assert s.sd == approx(1.349897, 6)
    # type 7: median at h = 4.5 -> (4 + 4)/2 = 4; q1 at h = 2.25 -> 3; q3 at h = 6.75 ->
    # 4 + 0.75*(5 - 4) = 4.75; iqr = 1.75
    assert (s.median, s.q1, s.q3, s.iqr) == (4.0, 3.0, 4.75, 1.75)
    # Tastle & Wierman with mu = 3.6, d = 4:
    # 0.1*log2(0.35) + 0.1*log2(0.60) + 0.2*log2(0.85) + 0.3*log2(0.90) + 0.3*log2(0.65)
    # = -0.151457 - 0.073697 - 0.046893 - 0.045601 - 0.186446 = -0.504094 -> 0.495906
    assert s.tastle_wierman == approx(0.495906, 5)
    assert s.percent_agreement == 0.6 and s.agreement_side == "support"


def test_summarise_scale_no_answers() -> None:
    s = summarise_scale({}, 0, LIKERT5)
    assert s.n_valid == 0 and s.n_abstained == 0
    assert s.distribution == ((1, 0), (2, 0), (3, 0), (4, 0), (5, 0))
    for name in (
        "support", "neutral", "opposition", "support_ci", "neutral_ci", "opposition_ci",
        "mean", "sd", "median", "q1", "q3", "iqr", "tastle_wierman", "percent_agreement",
        "agreement_side",
    ):  # fmt: skip
        assert getattr(s, name) is None, name
    assert json.loads(json.dumps(s.to_dict(), allow_nan=False)) == s.to_dict()


def test_summarise_scale_everyone_abstains() -> None:
    s = summarise_scale({1: 0, 5: 0}, 7, LIKERT5)
    assert s.n_valid == 0 and s.n_abstained == 7
    assert s.support is None and s.mean is None and s.agreement_side is None


def test_summarise_scale_one_answer() -> None:
    s = summarise_scale({4: 1}, 0, LIKERT5)
    assert (s.support, s.neutral, s.opposition) == (1.0, 0.0, 0.0)
    # Wilson 1/1 lower = 1/(1 + z²) = 0.206549; 0/1 upper = z²/(1 + z²) = 0.793451
    assert s.support_ci == (approx(0.2065), 1.0)
    assert s.opposition_ci == (0.0, approx(0.7935))
    assert (s.mean, s.sd) == (4.0, None)
    assert (s.median, s.q1, s.q3, s.iqr) == (4.0, 4.0, 4.0, 0.0)
    assert s.tastle_wierman == 1.0
    assert (s.percent_agreement, s.agreement_side) == (1.0, "support")


def test_summarise_scale_all_identical() -> None:
    # Seven neutral answers: support = opposition = 0, a tie, so no majority side.
    s = summarise_scale({3: 7}, 1, LIKERT5)
    assert (s.support, s.neutral, s.opposition) == (0.0, 1.0, 0.0)
    assert (s.mean, s.sd, s.iqr, s.tastle_wierman) == (3.0, 0.0, 0.0, 1.0)
    assert (s.percent_agreement, s.agreement_side) == (0.0, None)


def test_summarise_scale_tie_and_opposition_side() -> None:
    tie = summarise_scale({1: 2, 5: 2}, 0, LIKERT5)
    assert (tie.percent_agreement, tie.agreement_side) == (0.5, None)
    against = summarise_scale({1: 3, 4: 1}, 0, LIKERT5)
    assert (against.percent_agreement, against.agreement_side) == (0.75, "opposition")


def test_summarise_scale_rejects_bad_counts() -> None:
    with pytest.raises(ValueError):
        summarise_scale({6: 1}, 0, LIKERT5)
    with pytest.raises(ValueError):
        summarise_scale({0: 1}, 0, LIKERT5)
    with pytest.raises(ValueError):
        summarise_scale({3: -1}, 0, LIKERT5)
    with pytest.raises(ValueError):
        summarise_scale({3: 1}, -1, LIKERT5)
    with pytest.raises(TypeError):
        summarise_scale({3: 1.0}, 0, LIKERT5)  # type: ignore[dict-item]


def test_summary_is_frozen_and_hashable() -> None:
    s = summarise_scale({3: 1}, 0, LIKERT5)
    with pytest.raises(AttributeError):
        s.mean = 2.0  # type: ignore[misc]
    assert hash(s) == hash(summarise_scale({3: 1}, 0, LIKERT5))


# --------------------------------------------------------------------------- consensus verdicts


def test_verdict_panel_for_against_none() -> None:
    # 8 support, 1 neutral, 1 opposition: 0.8 >= 0.7 and 0.1 < 0.15 -> for
    agreed = summarise_scale({5: 5, 4: 3, 3: 1, 2: 1}, 0, LIKERT5)
    assert consensus_verdict(agreed, {}, RULE_70_15) == "for"
    # mirror image: 8 opposition, 1 neutral, 1 support -> against
    rejected = summarise_scale({1: 5, 2: 3, 3: 1, 4: 1}, 0, LIKERT5)
    assert consensus_verdict(rejected, {}, RULE_70_15) == "against"
    # exactly 70 % support but exactly 15 % opposition: "< 0.15" fails -> none
    borderline = summarise_scale({5: 14, 3: 3, 1: 3}, 0, LIKERT5)
    assert consensus_verdict(borderline, {}, RULE_70_15) == "none"
    # exactly 70 % support and 10 % opposition -> for
    just = summarise_scale({5: 7, 3: 2, 1: 1}, 0, LIKERT5)
    assert consensus_verdict(just, {}, RULE_70_15) == "for"
    # no answers: below any quorum -> insufficient, never a verdict
    assert consensus_verdict(summarise_scale({}, 3, LIKERT5), {}, RULE_70_15) == "insufficient"


def test_verdict_every_group() -> None:
    rule = ConsensusRule.symmetric(RULE_70_15_FOR, LIKERT5, scope="every_group")
    yes = summarise_scale({5: 8, 3: 2}, 0, LIKERT5)  # 0.8 / 0.0
    also_yes = summarise_scale({4: 3, 3: 1}, 0, LIKERT5)  # 0.75 / 0.0
    lukewarm = summarise_scale({4: 6, 3: 4}, 0, LIKERT5)  # 0.6 / 0.0
    empty = summarise_scale({}, 2, LIKERT5)
    assert consensus_verdict(yes, {"a": yes, "b": also_yes, "c": empty}, rule) == "for"
    assert consensus_verdict(yes, {"a": yes, "b": lukewarm}, rule) == "none"
    # a group with no answers does not block, but there must be at least one group with answers
    assert consensus_verdict(yes, {"c": empty}, rule) == "none"
    assert consensus_verdict(yes, {}, rule) == "none"
    no = summarise_scale({1: 9, 3: 1}, 0, LIKERT5)
    assert consensus_verdict(no, {"a": no, "b": no}, rule) == "against"
    assert consensus_verdict(no, {"a": no, "b": yes}, rule) == "none"


def test_verdict_rule_meeting_both_sides_claims_neither() -> None:
    # median >= 3 and its mirror median <= 3 both hold at median 3.
    rule = ConsensusRule.symmetric((Criterion("median", ">=", 3),), LIKERT5)
    s = summarise_scale({3: 5}, 0, LIKERT5)
    assert consensus_verdict(s, {}, rule) == "none"


def test_verdict_empty_side_is_never_declared() -> None:
    rule = ConsensusRule(RULE_70_15_FOR, (), scope="panel", contested_gap=0.3)
    rejected = summarise_scale({1: 10}, 0, LIKERT5)
    assert consensus_verdict(rejected, {}, rule) == "none"


# --------------------------------------------------------------------------- proposals


def _example_groups() -> dict[str, tuple[dict[int, int], int]]:
    return {
        # n = 10: support 8 (0.8), neutral 1, opposition 1
        "industry": ({5: 6, 4: 2, 3: 1, 1: 1}, 1),
        # n = 10: support 2 (0.2), neutral 1, opposition 7
        "ngo": ({4: 2, 3: 1, 2: 3, 1: 4}, 0),
        # n = 4: support 4 (1.0)
        "gov": ({5: 3, 4: 1}, 2),
        # a declared group whose members all abstained
        "citizens": ({}, 3),
        # a declared group with no members at all
        "academia": ({}, 0),
    }


def test_summarise_proposal_by_hand() -> None:
    p = summarise_proposal(_example_groups(), LIKERT5, RULE_70_15)
    # Panel = sum of groups: 5:9 4:5 3:2 2:3 1:5 (n = 24), 6 abstentions;
    # support 14/24 = 0.583333, opposition 8/24 = 0.333333 -> no consensus.
    assert p.panel.distribution == ((1, 5), (2, 3), (3, 2), (4, 5), (5, 9))
    assert (p.panel.n_valid, p.panel.n_abstained) == (24, 6)
    assert p.panel.support == approx(0.583333, 6)
    assert p.consensus == "none"
    # Every declared group is listed, by id, the empty ones with n_valid = 0.
    assert list(p.groups) == ["academia", "citizens", "gov", "industry", "ngo"]
    assert p.groups["academia"].n_valid == 0 and p.groups["citizens"].n_abstained == 3
    # Balanced support: (1.0 + 0.8 + 0.2) / 3 = 0.666667 (empty groups do not count)
    assert p.group_balanced_support == approx(2 / 3, 9)
    # Pairs of groups with answers, in id order: gov-industry 0.2, gov-ngo 0.8, industry-ngo 0.6
    assert [(d.group_a, d.group_b) for d in p.divergences] == [
        ("gov", "industry"),
        ("gov", "ngo"),
        ("industry", "ngo"),
    ]
    assert [d.difference for d in p.divergences] == [approx(0.2, 12), 0.8, approx(0.6, 12)]
    assert p.max_divergence is p.divergences[1]
    # Newcombe 4/4 - 2/10: d = 0.8; Wilson 4/4 = (0.5101, 1), Wilson 2/10 = (0.0567, 0.5098)
    # L = 0.8 - sqrt(0.4899² + 0.3098²) = 0.2204, U = 0.8 + sqrt(0² + 0.1433²) = 0.9433
    assert p.max_divergence.ci == (approx(0.2204), approx(0.9433))
    assert p.contested  # 0.8 >= 0.30
    # Group-informed consensus: (4+1)/(4+2) * (8+1)/(10+2) * (2+1)/(10+2) = 5/6 * 3/4 * 1/4
    assert p.group_informed_consensus == approx(0.15625, 12)


def test_summarise_proposal_to_dict_is_json() -> None:
    p = summarise_proposal(_example_groups(), LIKERT5, RULE_70_15)
    d = p.to_dict()
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["max_divergence"] == {
        "group_a": "gov",
        "group_b": "ngo",
        "difference": 0.8,
        "ci": list(p.max_divergence.ci),
    }
    assert d["groups"]["academia"]["support"] is None
    assert d["panel"]["distribution"][0] == [1, 5]


def test_summarise_proposal_contested_gap_boundary() -> None:
    # 0.7 - 0.5 is 0.19999999999999996 in floating point; a 0.20 gap must still count.
    groups = {"a": ({5: 7, 3: 3}, 0), "b": ({5: 5, 3: 5}, 0)}
    rule = ConsensusRule.symmetric(RULE_70_15_FOR, LIKERT5, contested_gap=0.20)
    p = summarise_proposal(groups, LIKERT5, rule)
    assert p.max_divergence.difference == 0.2
    # the gap reaches 0.20, but 10 answers a group leave its interval across zero
    assert p.divergence_flag == "possible" and not p.contested
    calmer = ConsensusRule.symmetric(RULE_70_15_FOR, LIKERT5, contested_gap=0.21)
    assert summarise_proposal(groups, LIKERT5, calmer).divergence_flag == "none"
    # ten times the answers: the same 0.20 gap now has an interval clear of zero
    many = {"a": ({5: 70, 3: 30}, 0), "b": ({5: 50, 3: 50}, 0)}
    assert summarise_proposal(many, LIKERT5, rule).divergence_flag == "contested"


def test_summarise_proposal_one_group_and_no_groups() -> None:
    one = summarise_proposal({"all": ({5: 8, 4: 1, 1: 1}, 0)}, LIKERT5, RULE_70_15)
    assert one.divergences == () and one.max_divergence is None and not one.contested
    assert one.group_balanced_support == one.panel.support == 0.9
    # (9 + 1) / (10 + 2)
    assert one.group_informed_consensus == approx(10 / 12, 12)
    assert one.consensus == "for"
    none = summarise_proposal({}, LIKERT5, RULE_70_15)
    assert none.panel.n_valid == 0 and none.groups == {}
    assert none.group_balanced_support is None and none.group_informed_consensus is None
    assert none.consensus == "insufficient" and not none.contested
    empty = summarise_proposal({"a": ({}, 2), "b": ({}, 0)}, LIKERT5, RULE_70_15)
    assert empty.panel.n_abstained == 2 and empty.divergences == ()
    assert empty.group_balanced_support is None


def test_summarise_proposal_rejects_off_scale_answers() -> None:
    with pytest.raises(ValueError):
        summarise_proposal({"a": ({7: 1}, 0)}, LIKERT5, RULE_70_15)


# --------------------------------------------------------------------------- rankings


def test_summarise_ranking_by_hand() -> None:
    # 10 full ballots over 3 options; Borda gives 2, 1, 0 points for places 1, 2, 3.
    positions = {
        "c": {1: 1, 2: 2, 3: 7},  # borda 1*2 + 2*1 = 4; mean (1 + 4 + 21)/10 = 2.6
        "a": {1: 6, 2: 3, 3: 1},  # borda 6*2 + 3*1 = 15; mean (6 + 6 + 3)/10 = 1.5
        "b": {1: 3, 2: 5, 3: 2},  # borda 3*2 + 5*1 = 11; mean (3 + 10 + 6)/10 = 1.9
    }
    assert summarise_ranking(positions, 3) == (
        RankingSummary("a", 10, 1.5, 15, 0.6),
        RankingSummary("b", 10, 1.9, 11, 0.3),
        RankingSummary("c", 10, 2.6, 4, 0.1),
    )


def test_summarise_ranking_ties_and_unranked() -> None:
    # x: once first (2 points, mean 1); y: twice second (2 points, mean 2); z never ranked.
    out = summarise_ranking({"z": {}, "y": {2: 2}, "x": {1: 1}}, 3)
    assert out == (
        RankingSummary("x", 1, 1.0, 2, 1.0),
        RankingSummary("y", 2, 2.0, 2, 0.0),
        RankingSummary("z", 0, None, 0, 0.0),
    )
    # nobody ranked anything: no first places to share
    assert summarise_ranking({"a": {}, "b": {}}, 2) == (
        RankingSummary("a", 0, None, 0, None),
        RankingSummary("b", 0, None, 0, None),
    )
    with pytest.raises(ValueError):
        summarise_ranking({"a": {4: 1}}, 3)
    with pytest.raises(ValueError):
        summarise_ranking({"a": {0: 1}}, 3)


# --------------------------------------------------------------------------- choices


def test_summarise_choice_single_and_multiple() -> None:
    # single choice, 8 respondents: 3/8 = 0.375, 0/8, 5/8 = 0.625; declared order kept
    assert summarise_choice({"c": 5, "a": 3}, 8, ("a", "b", "c")) == (
        ChoiceSummary("a", 3, 0.375),
        ChoiceSummary("b", 0, 0.0),
        ChoiceSummary("c", 5, 0.625),
    )
    # multiple choice: 6/8 + 5/8 > 1 is fine
    out = summarise_choice({"a": 6, "b": 5}, 8, ("a", "b"))
    assert [c.share for c in out] == [0.75, 0.625]


def test_summarise_choice_edge_cases() -> None:
    assert summarise_choice({}, 0, ("a", "b")) == (
        ChoiceSummary("a", 0, None),
        ChoiceSummary("b", 0, None),
    )
    with pytest.raises(ValueError):
        summarise_choice({"x": 1}, 1, ("a",))
    with pytest.raises(ValueError):
        summarise_choice({"a": 3}, 2, ("a",))
    with pytest.raises(ValueError):
        summarise_choice({}, 1, ("a", "a"))
