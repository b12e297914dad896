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
from consult.stats.krippendorff import krippendorff_alpha, reliability_data_to_units
from consult.stats.proposals import (
    Divergence,
    ProposalStats,
    ScaleSummary,
    consensus_verdict,
    summarise_proposal,
    summarise_scale,
)
from consult.stats.rules import ConsensusRule, Criterion, ScaleSpec

__all__ = [
    "COMPARISON_TOLERANCE",
    "MEASURES",
    "OPERATORS",
    "ChoiceSummary",
    "ConsensusRule",
    "Criterion",
    "Divergence",
    "ProposalStats",
    "RankingSummary",
    "ScaleSpec",
    "ScaleSummary",
    "consensus_verdict",
    "krippendorff_alpha",
    "newcombe_difference_interval",
    "reliability_data_to_units",
    "summarise_choice",
    "summarise_proposal",
    "summarise_ranking",
    "summarise_scale",
    "tastle_wierman",
    "weighted_quantile",
    "wilson_interval",
]
