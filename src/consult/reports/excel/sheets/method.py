"""The Method sheet: what the report counts and how, so a reader can check or repeat it."""

from __future__ import annotations

import platform
from typing import Any

import openpyxl
from openpyxl import Workbook
from openpyxl.styles import Alignment

from consult import __version__
from consult.reports.excel.context import ReportContext
from consult.reports.excel.style import (
    BOLD,
    DECIMAL2,
    TITLE_FONT,
    WRAP_TOP,
    cell,
    new_sheet,
    set_widths,
    shorten,
    text_height,
)
from consult.stats import PRESETS

LEFT_TOP = Alignment(wrap_text=True, vertical="top", horizontal="left")  # numbers too


def write(ctx: ReportContext, wb: Workbook) -> str:
    """Write the Method sheet; returns its name."""
    label = ctx.label
    ws = new_sheet(wb, label("sheet.method"), titles="1:1")
    widths = (42, 100)
    set_widths(ws, widths)
    ws.append([cell(ws, label("method.heading"), font=TITLE_FONT)])
    ws.append([])
    for row, (key, value) in enumerate(_items(ctx), 3):
        # Calc does not grow a wrapped row on opening a file: a long text would print over
        # the next row. Sized here, from the longer of the two cells.
        name = label(key)
        ws.row_dimensions[row].height = max(
            text_height(name, widths[0]), text_height(value, widths[1])
        )
        ws.append(
            [
                cell(ws, name, font=BOLD, align=WRAP_TOP),
                cell(ws, value, fmt=DECIMAL2 if isinstance(value, float) else None, align=LEFT_TOP),
            ]
        )
    return ws.title


def _items(ctx: ReportContext) -> list[tuple[str, Any]]:
    """(label key, value) for each line of the sheet."""
    r = ctx.results
    s = ctx.survey
    flt = ctx.flt
    label = ctx.label
    abstentions = sum(p.stats.panel.n_abstained for p in r.proposals)
    filters = []
    if flt.groups:
        filters.append(
            label("col.group") + ": " + ", ".join(ctx.group_label(g) for g in flt.groups)
        )
    if flt.since:
        filters.append(label("m.since", date=flt.since))
    if flt.until:
        filters.append(label("m.until", date=flt.until))
    if ctx.raw:
        raw_text = label("m.raw.identified" if ctx.identify else "m.raw.pseudonymous")
    else:
        raw_text = label("m.raw.none")
    respondents = ", ".join(f"{ctx.group_label(g)} {n}" for g, n in r.respondents.items())
    simulated = "m.simulated.included" if flt.include_simulated else "m.simulated.excluded"
    unfinished = "m.unfinished.included" if flt.include_in_progress else "m.unfinished.excluded"
    comments = "m.comments.included" if ctx.with_comments else "m.comments.excluded"
    return [
        ("m.survey_id", s.id),
        ("m.title", r.title),
        ("m.version", s.version),
        ("m.hash", s.hash),
        *wording_items(ctx),
        ("m.language", ctx.lang),
        ("m.rounds", label("round", n=flt.round) if flt.round else label("all_rounds")),
        *delphi_items(ctx),
        ("m.respondents", f"{r.n_respondents} ({respondents})"),
        ("m.consensus", r.consensus_rule),
        *_rule_items(ctx),
        ("m.interval", label("m.interval.text")),
        ("m.quantile", label("m.quantile.text")),
        ("m.balanced", label("m.balanced.text")),
        ("m.gap", label("m.gap.text")),
        ("m.weighting", label("m.weighting.text")),
        ("m.filters", "; ".join(filters) or label("m.filters.none")),
        ("m.abstentions", label("m.abstentions.text", n=abstentions)),
        ("m.simulated", label(simulated, n=ctx.data.simulated)),
        ("m.unfinished", label(unfinished)),
        ("m.alpha", r.alpha_ordinal),
        ("m.alpha.reading", label("m.alpha.reading.text")),
        *_alpha_scope(ctx),
        ("m.kendall", label("m.kendall.text")),
        ("m.raw", raw_text),
        ("m.comments", label(comments, n=ctx.data.comment_total)),
        ("m.generated", ctx.generated.strftime("%Y-%m-%dT%H:%M:%SZ")),
        (
            "m.tool",
            f"consult {__version__} (Python {platform.python_version()}, "
            f"openpyxl {openpyxl.__version__})",
        ),
    ]


def wording_items(ctx: ReportContext) -> list[tuple[str, Any]]:
    """Each definition the responses were answered on (when more than one): its hash (12
    characters), version, responses, current or earlier, and the proposals it words otherwise."""
    label = ctx.label
    items: list[tuple[str, Any]] = []
    for w in ctx.data.results.wordings:
        which = label("m.wording.current")
        if not w["current"]:
            proposals = ", ".join(w["proposals_changed"]) or "–"
            which = label("m.wording.earlier", proposals=proposals)
        text = label(
            "m.wording.text",
            hash=w["hash"][:12],
            version=w["version"],
            n=w["responses"],
            which=which,
        )
        items.append(("m.wording", text))
    return items


def delphi_items(ctx: ReportContext) -> list[tuple[str, Any]]:
    """The Delphi design as declared, what each round asked and what settled when, the
    stopping criterion and whether the last comparison met it (none without rounds)."""
    rounds = ctx.data.rounds
    if rounds is None:
        return []
    label = ctx.label
    design = rounds.status["design"]
    items: list[tuple[str, Any]] = []
    if design is not None:
        text = label(
            "m.delphi.text",
            max=design["max_rounds"],
            carry=label(f"m.carry.{design['carry_forward']}"),
            invite=label(f"m.invite.{design['invite']}"),
        )
        feedback = "; ".join(label(f"m.feedback.{f}") for f in design["feedback"])
        items += [
            ("m.delphi", text),
            ("m.feedback", feedback or label("m.feedback.none")),
            ("m.reasons", label(f"m.reasons.{design['reasons']}")),
        ]
    items.append(("m.round_plans", "\n".join(_round_plans(ctx, rounds.status["rounds"]))))
    criterion = (design or {}).get("stability") or ""
    if criterion:
        items.append(("m.criterion", label("m.criterion.text", criterion=criterion)))
    else:
        items.append(("m.criterion", label("m.criterion.none")))
    if criterion:
        last = rounds.last_comparison
        if last is None:
            met = label("m.criterion_met.none")
        else:
            a, b = last["between"]
            key = {True: "yes", False: "no"}.get(last["criterion_met"], "unknown")
            met = label(f"m.criterion_met.{key}", a=a, b=b)
        items.append(("m.criterion_met", met))
    items.append(("m.frozen", label("m.frozen.text")))
    return items


def _round_plans(ctx: ReportContext, rounds: list[dict[str, Any]]) -> list[str]:
    """A line per round: its state, the proposals it asked, those settled before it."""
    label = ctx.label

    def title(pid: str) -> str:
        try:
            return shorten(ctx.survey.proposal(pid).title.get(ctx.lang), 40)
        except KeyError:
            return pid

    lines = []
    everything = len(ctx.survey.proposals)
    for r in rounds:
        carried = r["carried"]
        if r["round"] == 1 and len(carried) == everything:
            asked = label("m.round_plan.all", n=everything)
        else:
            asked = ", ".join(title(pid) for pid in carried)
        line = label("m.round_plan", n=r["round"], state=label(f"state.{r['state']}"), asked=asked)
        if r["settled"]:
            settled = ", ".join(
                label(
                    "m.settled_item",
                    proposal=title(pid),
                    n=s["round"],
                    verdict=label(f"consensus.{s['verdict']}"),
                )
                for pid, s in r["settled"].items()
            )
            line += label("m.round_plan.settled", settled=settled)
        lines.append(line)
    return lines


def _rule_items(ctx: ReportContext) -> list[tuple[str, Any]]:
    """The rule's preset and sources, quorum, small groups, contested flag and rounding."""
    label = ctx.label
    rule = ctx.survey.consensus
    preset = PRESETS.get(rule.preset or "")
    items: list[tuple[str, Any]] = [
        ("m.preset", f"{preset.name}: {preset.title}" if preset else label("m.preset.none"))
    ]
    items += [("m.source", source) for source in (preset.sources if preset else ())]
    quorum = label("m.quorum.text", n=rule.min_answers)
    if rule.max_abstention is not None:
        quorum += " " + label("m.quorum.abstention", share=f"{rule.max_abstention:.0%}")
    items.append(("m.quorum", quorum))
    key = "m.small_group.counted" if rule.small_groups_contested else "m.small_group.text"
    items.append(("m.small_group", label(key, n=rule.small_group)))
    items.append(("m.contested", label("m.contested.text", gap=f"{rule.contested_gap * 100:g} pp")))
    items.append(("m.rounding", label("m.rounding.text")))
    return items


def _alpha_scope(ctx: ReportContext) -> list[tuple[str, Any]]:
    """Which proposals the alpha is over, when some were left out."""
    scope = ctx.results.alpha_scope
    if not scope.get("left_out"):
        return []
    text = ctx.label(
        "m.alpha.scope.text", n=scope["proposals"], left_out=scope["left_out"], scale=scope["scale"]
    )
    return [("m.alpha.scope", text)]
