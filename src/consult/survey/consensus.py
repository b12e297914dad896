"""The consensus rule a survey agrees on in advance: ``consensus: {scope, for, against,
contested_gap}``, with thresholds such as ``">= 70%"``."""

from __future__ import annotations

import math
import re
from typing import Any

from consult.stats import ConsensusRule, Criterion
from consult.survey.elements import Scale
from consult.survey.located import LocDict
from consult.survey.validate import Validator, did_you_mean, join

CRITERION_RE = re.compile(r"^\s*(?P<op>>=|<=|>|<|==)?\s*(?P<v>[0-9]*\.?[0-9]+)\s*(?P<pct>%)?\s*$")
SHARE_MEASURES = ("support", "opposition", "neutral")
CRITERION_MEASURES = (*SHARE_MEASURES, "median", "iqr", "mean")
DEFAULT_CONTESTED_GAP = 0.30


def read_consensus(v: Validator, top: LocDict, scales: tuple[Scale, ...]) -> ConsensusRule | None:
    """The ``consensus`` block: the rule agreed in advance; a mirrored ``against`` is mirrored
    on the first scale. None when it is missing or has a problem."""
    if "consensus" not in top:
        return None
    data = v.mapping(top["consensus"], "consensus", v.line_of(top, "consensus"))
    if data is None:
        return None
    v.keys(data, "consensus", {"scope", "for", "against", "contested_gap"}, {"for"})
    scope = data.get("scope", "panel")
    if scope not in ("panel", "every_group"):
        v.problem(
            v.line_of(data, "scope"),
            "consensus.scope",
            f"{scope!r} is not one of panel, every_group",
        )
    for_ = _criteria(v, data, "for") if "for" in data else None
    against: tuple[Criterion, ...] | None
    raw_against = data.get("against", "mirror")
    against = None if raw_against == "mirror" else _criteria(v, data, "against")
    gap = DEFAULT_CONTESTED_GAP
    if "contested_gap" in data:
        gap = _share(
            v, data["contested_gap"], "consensus.contested_gap", v.line_of(data, "contested_gap")
        )
    if for_ is None or gap is None or scope not in ("panel", "every_group"):
        return None
    if against is None and "against" in data and raw_against != "mirror":
        return None
    if against is None:
        if not scales:
            return ConsensusRule(for_=for_, against=(), scope=scope, contested_gap=gap)
        against = ConsensusRule.mirrored(for_, scales[0].spec)
    return ConsensusRule(for_=for_, against=against, scope=scope, contested_gap=gap)


def _criteria(v: Validator, data: LocDict, key: str) -> tuple[Criterion, ...] | None:
    path = f"consensus.{key}"
    block = v.mapping(data[key], path, v.line_of(data, key))
    if block is None:
        return None
    if not block:
        v.problem(block.line, path, "must state at least one condition")
        return None
    out: list[Criterion] = []
    before = len(v.problems)
    for measure, raw in block.items():
        cpath = join(path, measure)
        line = block.key_lines[measure]
        if measure not in CRITERION_MEASURES:
            v.problem(
                line, cpath, f"unknown measure{did_you_mean(measure, set(CRITERION_MEASURES))}"
            )
            continue
        default_op = "<=" if measure == "iqr" else ">="
        match = (
            CRITERION_RE.match(str(raw))
            if isinstance(raw, str | int | float) and not isinstance(raw, bool)
            else None
        )
        if match is None:
            v.problem(line, cpath, f"cannot read {raw!r}: expected e.g. '>= 0.70' or '< 15%'")
            continue
        threshold = float(match["v"]) / (100 if match["pct"] else 1)
        if not math.isfinite(threshold):
            v.problem(line, cpath, f"cannot read {raw!r}: the number is too large")
            continue
        if measure in SHARE_MEASURES and not 0 < threshold <= 1:
            v.problem(line, cpath, f"threshold {threshold:g} is outside (0, 1]")
            continue
        if measure == "iqr" and threshold < 0:
            v.problem(line, cpath, "an IQR threshold cannot be negative")
            continue
        out.append(Criterion(measure=measure, op=match["op"] or default_op, threshold=threshold))
    return tuple(out) if len(v.problems) == before else None


def _share(v: Validator, raw: Any, path: str, line: int | None) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
        value = float(raw)  # a YAML number in any notation, 1e-05 included
    else:
        match = CRITERION_RE.match(raw) if isinstance(raw, str) else None
        if match is None or match["op"]:
            v.problem(line, path, f"expected a share such as 0.30 or '30%', got {raw!r}")
            return None
        value = float(match["v"]) / (100 if match["pct"] else 1)
    if not 0 < value <= 1:
        v.problem(line, path, f"threshold {value:g} is outside (0, 1]")
        return None
    return value
