"""Verdicts a ministry can trust: quorum, a mirror on the proposal's own scale, small groups,
gaps judged with their uncertainty, and figures that never contradict the verdict beside them.

Expected values are worked by hand in the comments.
"""

from __future__ import annotations

import pytest

from consult.stats import (
    ConsensusRule,
    Criterion,
    ScaleSpec,
    consensus_verdict,
    newcombe_difference_interval,
    shown_points,
    shown_share,
    summarise_proposal,
    summarise_scale,
)

LIKERT5 = ScaleSpec.likert(5)
LIKERT7 = ScaleSpec.likert(7)
FOR_70_15 = (Criterion("support", ">=", 0.70), Criterion("opposition", "<", 0.15))


def test_one_valid_answer_among_a_hundred_is_insufficient() -> None:
    """1 supporter and 99 abstentions: 100 % support of 1 answer is no consensus."""
    lonely = summarise_scale({5: 1}, 99, LIKERT5)
    assert lonely.support == 1.0 and lonely.abstention_share == pytest.approx(0.99)
    quorum = ConsensusRule(FOR_70_15, (), mirror=True, min_answers=10)
    assert consensus_verdict(lonely, {}, quorum, LIKERT5) == "insufficient"
    abstention_cap = ConsensusRule(FOR_70_15, (), mirror=True, max_abstention=0.5)
    assert consensus_verdict(lonely, {}, abstention_cap, LIKERT5) == "insufficient"
    # without a declared quorum one answer is enough, as before
    plain = ConsensusRule(FOR_70_15, (), mirror=True)
    assert consensus_verdict(lonely, {}, plain, LIKERT5) == "for"


def test_the_quorum_boundaries() -> None:
    rule = ConsensusRule(FOR_70_15, (), mirror=True, min_answers=10, max_abstention=0.5)
    ten = summarise_scale({5: 10}, 10, LIKERT5)  # 10 valid, abstention exactly 50 %
    assert consensus_verdict(ten, {}, rule, LIKERT5) == "for"
    nine = summarise_scale({5: 9}, 0, LIKERT5)
    assert consensus_verdict(nine, {}, rule, LIKERT5) == "insufficient"
    many_abstain = summarise_scale({5: 10}, 11, LIKERT5)  # 11/21 = 52 % abstain
    assert consensus_verdict(many_abstain, {}, rule, LIKERT5) == "insufficient"


def test_mirror_on_the_proposals_own_scale() -> None:
    """`for: median >= 4, iqr <= 1` mirrored on 1-5 is `median <= 2`, whatever other scales
    the survey declares (on a 1-7 scale it would be `median <= 4`)."""
    rule = ConsensusRule((Criterion("median", ">=", 4), Criterion("iqr", "<=", 1)), (), mirror=True)
    assert [str(c) for c in rule.against_on(LIKERT5)] == ["median <= 2", "iqr <= 1"]
    assert [str(c) for c in rule.against_on(LIKERT7)] == ["median <= 4", "iqr <= 1"]
    fours = summarise_scale({4: 10}, 0, LIKERT5)
    threes = summarise_scale({3: 10}, 0, LIKERT5)
    twos = summarise_scale({2: 10}, 0, LIKERT5)
    assert consensus_verdict(fours, {}, rule, LIKERT5) == "for"
    assert consensus_verdict(threes, {}, rule, LIKERT5) == "none"
    assert consensus_verdict(twos, {}, rule, LIKERT5) == "against"
    with pytest.raises(ValueError):
        consensus_verdict(fours, {}, rule)  # a mirrored rule needs the scale


def test_a_small_groups_gap_is_not_flagged() -> None:
    """3 versus 3: 2/3 against 1/3 support is a 0.33 gap, but both groups are small."""
    rule = ConsensusRule(FOR_70_15, (), mirror=True, contested_gap=0.30)
    small = summarise_proposal({"a": ({5: 2, 1: 1}, 0), "b": ({5: 1, 1: 2}, 0)}, LIKERT5, rule)
    assert small.max_divergence.difference == pytest.approx(1 / 3)
    assert small.small_groups == ("a", "b")
    assert small.divergence_flag == "none" and not small.contested
    # the survey may count small groups: then the gap is only "possible" (interval spans 0)
    counting = ConsensusRule(FOR_70_15, (), mirror=True, small_groups_contested=True)
    assert (
        summarise_proposal(
            {"a": ({5: 2, 1: 1}, 0), "b": ({5: 1, 1: 2}, 0)}, LIKERT5, counting
        ).divergence_flag
        == "possible"
    )


def test_the_same_gap_with_forty_a_group_is_contested() -> None:
    """40 versus 40: 27/40 against 14/40 is a 0.325 gap whose Newcombe interval excludes 0."""
    rule = ConsensusRule(FOR_70_15, (), mirror=True, contested_gap=0.30)
    groups = {"a": ({5: 27, 1: 13}, 0), "b": ({5: 14, 1: 26}, 0)}
    stats = summarise_proposal(groups, LIKERT5, rule)
    low, high = newcombe_difference_interval(27, 40, 14, 40)
    assert low > 0 and stats.flagged_divergence.ci == (low, high)
    assert stats.flagged_divergence.difference == pytest.approx(0.325)
    assert stats.small_groups == () and stats.divergence_flag == "contested" and stats.contested


def test_a_small_group_does_not_hide_the_large_groups_gap() -> None:
    rule = ConsensusRule(FOR_70_15, (), mirror=True)
    groups = {
        "a": ({5: 27, 1: 13}, 0),
        "b": ({5: 14, 1: 26}, 0),
        "tiny": ({1: 2}, 0),  # support 0: the widest gap overall (0.675), but small
    }
    stats = summarise_proposal(groups, LIKERT5, rule)
    assert {stats.max_divergence.group_a, stats.max_divergence.group_b} == {"a", "tiny"}
    assert (stats.flagged_divergence.group_a, stats.flagged_divergence.group_b) == ("a", "b")
    assert stats.small_groups == ("tiny",)


@pytest.mark.parametrize(
    ("value", "thresholds", "shown"),
    [
        (0.698, (0.70,), "69.8%"),  # not "70%" beside "No consensus"
        (0.148, (0.15,), "14.8%"),  # not "15%" beside a "< 15%" that held
        (0.70, (0.70,), "70%"),  # exactly on the threshold: equal either way
        (0.7049, (0.70,), "70.5%"),  # "70%" would read as exactly at the threshold
        (0.5, (0.70, 0.15), "50%"),
        (0.6996, (0.70,), "69.96%"),
        (None, (0.70,), "–"),
    ],
)
def test_a_share_is_never_rounded_across_its_threshold(value, thresholds, shown) -> None:
    assert shown_share(value, thresholds) == shown


def test_a_gap_is_shown_in_points_never_rounded_across_the_flag() -> None:
    assert shown_points(0.296, (0.30,)) == "29.6 pp"
    assert shown_points(-0.296, (0.30,)) == "-29.6 pp"
    assert shown_points(0.84, (0.30,)) == "84 pp"
    assert shown_points(0.30, (0.30,)) == "30 pp"
