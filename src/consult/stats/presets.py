"""Consensus rules a survey can name instead of writing one, each with its sources.

A preset fixes the verdict's criteria; a survey still declares its quorum, its contested gap and
its small-group size beside it. The Method sheet and docs/statistics.md cite the sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from consult.stats.rules import ConsensusRule, Criterion


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    sources: tuple[str, ...]
    for_: tuple[Criterion, ...] = ()
    #: "criteria" (the for/against thresholds) or "rand-ucla" (median bands and IPRAS).
    method: str = "criteria"
    #: The scale points the method is defined on, when it needs particular ones.
    points: tuple[int, ...] | None = None


PRESETS: dict[str, Preset] = {
    "comet-70-15": Preset(
        name="comet-70-15",
        title="COMET core outcome set rule: support >= 70% and opposition < 15% (mirrored)",
        sources=(
            "Harman NL, Bruce IA, Callery P, et al. MOMENT - Management of Otitis Media with "
            "Effusion in Cleft Palate: protocol for a systematic review of the literature and "
            "identification of a core outcome set using a Delphi survey. Trials 2013;14:70.",
            "Williamson PR, Altman DG, Bagley H, et al. The COMET Handbook: version 1.0. "
            "Trials 2017;18(Suppl 3):280. Adapted here from its 1-9 scale to the survey's "
            "support and opposition points.",
        ),
        for_=(Criterion("support", ">=", 0.70), Criterion("opposition", "<", 0.15)),
    ),
    "percent-agreement-75": Preset(
        name="percent-agreement-75",
        title="Percent agreement: at least 75% on one side (mirrored)",
        sources=(
            "Diamond IR, Grant RC, Feldman BM, et al. Defining consensus: a systematic review "
            "recommends methodologic criteria for reporting of Delphi studies. J Clin "
            "Epidemiol 2014;67(4):401-409 (75% was the median threshold of the studies "
            "reviewed).",
        ),
        for_=(Criterion("support", ">=", 0.75),),
    ),
    "rand-ucla": Preset(
        name="rand-ucla",
        title="RAND/UCLA appropriateness: median 7-9 appropriate, 1-3 inappropriate, 4-6 "
        "uncertain; disagreement (IPR > IPRAS) makes any median uncertain",
        sources=(
            "Fitch K, Bernstein SJ, Aguilar MD, et al. The RAND/UCLA Appropriateness Method "
            "User's Manual. Santa Monica: RAND, 2001 (MR-1269), chapter 8.",
        ),
        method="rand-ucla",
        points=tuple(range(1, 10)),
    ),
}


def preset_rule(name: str, **settings: object) -> ConsensusRule:
    """The rule a preset names, with the survey's own quorum, gap and small-group settings."""
    preset = PRESETS[name]
    return ConsensusRule(
        for_=preset.for_,
        against=(),
        mirror=preset.method == "criteria",
        method=preset.method,
        preset=name,
        **settings,  # type: ignore[arg-type]
    )
