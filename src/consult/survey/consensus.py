"""The consensus rule a survey agrees on in advance: ``consensus: {preset | for, against,
scope, contested_gap, min_answers, max_abstention, small_group, small_groups_contested}``,
with thresholds such as ``">= 70%"``."""

from __future__ import annotations

import math
import re
from typing import Any

from consult.stats import ConsensusRule, Criterion
from consult.stats.presets import PRESETS, preset_rule
from consult.survey.elements import Scale
from consult.survey.located import LocDict
from consult.survey.validate import Validator, did_you_mean, join

CRITERION_RE = re.compile(r"^\s*(?P<op>>=|<=|>|<|==)?\s*(?P<v>[0-9]*\.?[0-9]+)\s*(?P<pct>%)?\s*$")
SHARE_MEASURES = ("support", "opposition", "neutral", "percent_agreement")
CRITERION_MEASURES = (*SHARE_MEASURES, "median", "iqr", "mean", "percent_agreement")
DEFAULT_CONTESTED_GAP = 0.30


CONSENSUS_KEYS = {
    "preset",
    "scope",
    "for",
    "against",
    "contested_gap",
    "min_answers",
    "max_abstention",
    "small_group",
    "small_groups_contested",
}


def read_consensus(v: Validator, top: LocDict, scales: tuple[Scale, ...]) -> ConsensusRule | None:
    """The ``consensus`` block: the rule agreed in advance (``for``/``against``, or a
    ``preset``), its quorum, contested gap and small-group size. A mirrored ``against`` is
    mirrored on each proposal's own scale when the verdict is reached. None when it is missing
    or has a problem."""
    if "consensus" not in top:
        return None
    data = v.mapping(top["consensus"], "consensus", v.line_of(top, "consensus"))
    if data is None:
        return None
    preset = data.get("preset")
    v.keys(data, "consensus", CONSENSUS_KEYS, set() if "preset" in data else {"for"})
    before = len(v.problems)
    if preset is not None and preset not in PRESETS:
        v.problem(
            v.line_of(data, "preset"),
            "consensus.preset",
            f"unknown preset {preset!r} (one of {', '.join(PRESETS)})",
        )
    if preset is not None and ("for" in data or "against" in data):
        key = "for" if "for" in data else "against"
        v.problem(
            v.line_of(data, key),
            join("consensus", key),
            "a preset states the rule itself; remove 'for'/'against' or the preset",
        )
    scope = data.get("scope", "panel")
    if scope not in ("panel", "every_group"):
        v.problem(
            v.line_of(data, "scope"),
            "consensus.scope",
            f"{scope!r} is not one of panel, every_group",
        )
    settings: dict[str, Any] = {"scope": scope, "contested_gap": DEFAULT_CONTESTED_GAP}
    if "contested_gap" in data:
        settings["contested_gap"] = _share(
            v, data["contested_gap"], "consensus.contested_gap", v.line_of(data, "contested_gap")
        )
    if "max_abstention" in data:
        settings["max_abstention"] = _share(
            v,
            data["max_abstention"],
            "consensus.max_abstention",
            v.line_of(data, "max_abstention"),
        )
    for key in ("min_answers", "small_group"):
        if key in data:
            settings[key] = _count_at_least_one(v, data, key)
    settings["small_groups_contested"] = v.boolean(
        data, "small_groups_contested", "consensus", default=False
    )
    if preset is not None:
        if len(v.problems) > before:
            return None
        return preset_rule(preset, **settings)
    for_ = _criteria(v, data, "for") if "for" in data else None
    raw_against = data.get("against", "mirror")
    mirror = raw_against == "mirror"
    against = () if mirror else _criteria(v, data, "against")
    if for_ is None or against is None or len(v.problems) > before:
        return None
    return ConsensusRule(for_=for_, against=against, mirror=mirror, **settings)


def check_preset_scales(v: Validator, rule: ConsensusRule, used: dict[str, Scale]) -> None:
    """A preset defined on particular points (RAND/UCLA: 1 to 9) needs every proposal's scale
    to have exactly those points."""
    preset = PRESETS.get(rule.preset or "")
    if preset is None or preset.points is None:
        return
    for scale_id, scale in used.items():
        points = tuple(p.value for p in scale.points)
        if points != preset.points:
            v.problem(
                None,
                "consensus.preset",
                f"preset {preset.name} is defined on points {preset.points[0]} to "
                f"{preset.points[-1]}; the proposals' scale {scale_id!r} has {list(points)}",
            )


def _count_at_least_one(v: Validator, data: LocDict, key: str) -> int | None:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        v.problem(v.line_of(data, key), join("consensus", key), "expected a whole number >= 1")
        return None
    return value


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
