"""Rankings and single or multiple choice questions, summarised from counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from consult.stats._common import (
    _clean_counts,
    _count,
)

# --------------------------------------------------------------------------- rankings and choices


@dataclass(frozen=True)
class RankingSummary:
    """One option of a ranking question.

    ``borda`` awards ``n_options - k`` points for position ``k``; ``first_share`` is the
    option's share of all first places (the number of ballots, as each has one first place).
    """

    option: str
    n: int
    mean_rank: float | None
    borda: int
    first_share: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "n": self.n,
            "mean_rank": self.mean_rank,
            "borda": self.borda,
            "first_share": self.first_share,
        }


def summarise_ranking(
    position_counts: Mapping[str, Mapping[int, int]], n_options: int
) -> tuple[RankingSummary, ...]:
    """Summarise a ranking question from option -> {position (1 = first): count}.

    Sorted by Borda score (highest first), then mean rank (lowest first; unranked last), then
    option id.
    """
    n_options = _count(n_options, "n_options")
    if n_options < 1:
        raise ValueError("a ranking needs at least one option")
    cleaned: dict[str, dict[int, int]] = {}
    for option, positions in position_counts.items():
        hist = _clean_counts(positions, f"count of {option!r} at position")
        bad = [k for k in hist if isinstance(k, bool) or not isinstance(k, int)]
        bad += [k for k in hist if k not in bad and not 1 <= k <= n_options]
        if bad:
            raise ValueError(f"positions {bad!r} of {option!r} are outside 1..{n_options}")
        cleaned[option] = hist
    ballots = sum(hist.get(1, 0) for hist in cleaned.values())
    out = []
    for option, hist in cleaned.items():
        n = sum(hist.values())
        out.append(
            RankingSummary(
                option=option,
                n=n,
                mean_rank=sum(k * c for k, c in hist.items()) / n if n else None,
                borda=sum((n_options - k) * c for k, c in hist.items()),
                first_share=hist.get(1, 0) / ballots if ballots else None,
            )
        )
    out.sort(
        key=lambda r: (
            -r.borda,
            r.mean_rank is None,
            r.mean_rank if r.mean_rank is not None else 0.0,
            r.option,
        )
    )
    return tuple(out)


@dataclass(frozen=True)
class ChoiceSummary:
    """One option of a single or multiple choice question."""

    option: str
    count: int
    share: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "count": self.count, "share": self.share}


def summarise_choice(
    option_counts: Mapping[str, int], n_respondents: int, options: Sequence[str]
) -> tuple[ChoiceSummary, ...]:
    """Count and share of every declared option, in declared order, zeros included.

    ``share`` is count / respondents who answered, so multiple-choice shares may sum past 1;
    ``None`` when nobody answered.
    """
    n_respondents = _count(n_respondents, "n_respondents")
    if len(set(options)) != len(options):
        raise ValueError("options must not repeat")
    declared = set(options)
    hist = _clean_counts(option_counts)
    unknown = [o for o in hist if o not in declared]
    if unknown:
        raise ValueError(f"options {unknown!r} are not declared")
    over = [o for o, c in hist.items() if c > n_respondents]
    if over:
        raise ValueError(f"options {over!r} were chosen more often than there are respondents")
    return tuple(
        ChoiceSummary(
            option=o,
            count=hist.get(o, 0),
            share=hist.get(o, 0) / n_respondents if n_respondents else None,
        )
        for o in options
    )
