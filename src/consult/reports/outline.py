"""The outline of a survey as rich renderables, for ``consult survey show``."""

from __future__ import annotations

from typing import Any

from rich.console import Group as RenderGroup
from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from consult.i18n import Labels
from consult.i18n.outline import LABELS
from consult.safe_text import strip_control
from consult.survey.model import Question, Survey, survey_language


class RichText(Text):
    """A rich ``Text`` whose every string goes through ``strip_control``: survey texts are
    shown literally, never as terminal escapes (a title with ``\x1b]0;...`` or ``\x1b[2J``)."""

    def __init__(self, text: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(strip_control(text), *args, **kwargs)

    def append(self, text: Any, style: Any = None) -> RichText:
        super().append(strip_control(text) if isinstance(text, str) else text, style)
        return self


def _question_line(q: Question, survey: Survey, lang: str) -> RichText:
    line = RichText()
    line.append(q.id, style="bold")
    line.append(f"  {Labels(LABELS, lang)('type.' + q.type)}", style="cyan")
    details = []
    if q.scale:
        details.append(f"scale {q.scale}")
    if q.min is not None or q.max is not None or q.integer:  # only number questions have these
        bounds = ""
        if q.min is not None or q.max is not None:
            lo = "" if q.min is None else f"{q.min:g}"
            hi = "" if q.max is None else f"{q.max:g}"
            bounds = f"{lo}..{hi}"
        details.append(("whole number " if q.integer else "") + bounds)
    if q.options:
        details.append(f"{len(q.options)} options")
    details.append("required" if q.required else "optional")
    line.append(f"  ({', '.join(d for d in details if d.strip())})", style="dim")
    if q.when:
        line.append(f"  when {q.when}", style="yellow")
    line.append("\n")
    line.append(q.text.get(lang))
    if q.options and not q.kind.ranks_options:
        for option in q.options:
            line.append(f"\n  • {option.id}: {option.label.get(lang)}", style="dim")
    return line


def render_outline(survey: Survey, lang: str | None = None) -> RenderableType:
    """The whole survey: header, groups, scales, consensus rule, then every section's questions."""
    lang = survey_language(survey, lang)
    header = RichText()
    header.append(survey.title.get(lang), style="bold")
    header.append(
        f"\n{survey.id}  version {survey.version}  languages {', '.join(survey.languages)}"
    )
    header.append(f"  enrolment {survey.settings.enrolment}", style="dim")
    if survey.description:
        header.append("\n\n" + survey.description.get(lang))
    parts: list[RenderableType] = [Panel(header, expand=False)]

    groups = Table(title="Stakeholder groups", title_justify="left", show_edge=False)
    groups.add_column("id")
    groups.add_column("label")
    for g in survey.groups:
        groups.add_row(g.id, RichText(g.label.get(lang)))
    parts.append(groups)

    for scale in survey.scales:
        table = Table(title=f"Scale {scale.id}", title_justify="left", show_edge=False)
        table.add_column("value", justify="right")
        table.add_column("label")
        table.add_column("counts as")
        for point in scale.points:
            side = (
                "support"
                if point.value in scale.support
                else ("opposition" if point.value in scale.opposition else "neutral")
            )
            table.add_row(str(point.value), RichText(point.label.get(lang)), side)
        if scale.abstain:
            table.add_row("–", RichText(scale.abstain.get(lang)), "left out of statistics")
        parts.append(table)

    rule = survey.consensus
    rule_text = RichText("Consensus rule, agreed in advance: ", style="bold")
    rule_text.append(
        "for when " + " and ".join(f"{c.measure} {c.op} {c.threshold:g}" for c in rule.for_)
    )
    if rule.against:
        rule_text.append(
            "; against when "
            + " and ".join(f"{c.measure} {c.op} {c.threshold:g}" for c in rule.against)
        )
    scope = "the panel as a whole" if rule.scope == "panel" else "every stakeholder group"
    rule_text.append(
        f"; must hold in {scope}; contested when groups differ by {rule.contested_gap:.0%} or more"
    )
    parts.append(rule_text)

    if survey.settings.consent:
        parts.append(
            Panel(RichText(survey.settings.consent.get(lang)), title="Consent", expand=False)
        )

    if survey.profile:
        tree = Tree(RichText("Profile", style="bold magenta"))
        for q in survey.profile:
            tree.add(_question_line(q, survey, lang))
        parts.append(tree)
    for number, proposal in enumerate(survey.proposals, 1):
        label = RichText(f"Proposal {number} of {len(survey.proposals)}: ", style="bold magenta")
        label.append(proposal.title.get(lang), style="bold")
        label.append(f"  [{proposal.id}]", style="dim")
        tree = Tree(label)
        tree.add(RichText(proposal.statement.get(lang), style="italic"))
        for q in proposal.questions:
            tree.add(_question_line(q, survey, lang))
        parts.append(tree)
    if survey.closing:
        tree = Tree(RichText("Closing questions", style="bold magenta"))
        for q in survey.closing:
            tree.add(_question_line(q, survey, lang))
        parts.append(tree)
    return RenderGroup(*parts)
