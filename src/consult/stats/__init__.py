"""Statistics for consultation results, computed from histograms.

Every function takes counts (value -> number of answers) rather than individual answers, so the
cost grows with the number of distinct values, not with the number of respondents. Statistics
that are undefined for the data at hand (a mean of nothing, an alpha without variation) are
``None``, never NaN, so every result serialises to JSON as it is. Shares are floats in [0, 1].

Counts are combined with integer or :class:`fractions.Fraction` arithmetic where that is cheap,
and in a fixed order otherwise, so results do not depend on the order of the input.

See ``docs/statistics.md`` for the definitions written for organisers.
"""

from __future__ import annotations

from consult.stats._common import COMPARISON_TOLERANCE, MEASURES, OPERATORS
from consult.stats.basic import (
    newcombe_difference_interval,
    tastle_wierman,
    weighted_quantile,
    wilson_interval,
)
from consult.stats.choices import (
    ChoiceSummary,
    RankingSummary,
    summarise_choice,
    summarise_ranking,
)
from consult.stats.kendall import (
    KendallW,
    chi_square_sf,
    indistinct_neighbours,
    kendall_w,
    kendall_w_from_ranks,
    mean_rank_intervals,
    neighbours_within,
    rank_critical_difference,
)
from consult.stats.krippendorff import krippendorff_alpha, reliability_data_to_units
from consult.stats.presets import PRESETS, preset_rule
from consult.stats.proposals import (
    Divergence,
    ProposalStats,
    ScaleSummary,
    consensus_verdict,
    quorum_met,
    summarise_proposal,
    summarise_scale,
)
from consult.stats.rand_ucla import (
    RandUclaResult,
    appropriateness_category,
    classic_disagreement,
    rand_ucla_classify,
)
from consult.stats.rules import ConsensusRule, Criterion, ScaleSpec, shown_points, shown_share
from consult.stats.stability import (
    STABILITY_MEASURES,
    Stability,
    Wilcoxon,
    attrition,
    criterion_thresholds,
    paired_stability,
    stable,
    weighted_kappa,
    wilcoxon_signed_rank,
)

__all__ = [
    "COMPARISON_TOLERANCE",
    "MEASURES",
    "OPERATORS",
    "PRESETS",
    "STABILITY_MEASURES",
    "ChoiceSummary",
    "ConsensusRule",
    "Criterion",
    "Divergence",
    "KendallW",
    "ProposalStats",
    "RandUclaResult",
    "RankingSummary",
    "ScaleSpec",
    "ScaleSummary",
    "Stability",
    "Wilcoxon",
    "appropriateness_category",
    "attrition",
    "chi_square_sf",
    "classic_disagreement",
    "consensus_verdict",
    "criterion_thresholds",
    "indistinct_neighbours",
    "kendall_w",
    "kendall_w_from_ranks",
    "krippendorff_alpha",
    "mean_rank_intervals",
    "neighbours_within",
    "newcombe_difference_interval",
    "paired_stability",
    "preset_rule",
    "quorum_met",
    "rand_ucla_classify",
    "rank_critical_difference",
    "reliability_data_to_units",
    "shown_points",
    "shown_share",
    "stable",
    "summarise_choice",
    "summarise_proposal",
    "summarise_ranking",
    "summarise_scale",
    "tastle_wierman",
    "weighted_kappa",
    "weighted_quantile",
    "wilcoxon_signed_rank",
    "wilson_interval",
]
