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
from consult.results.aggregation import rule_in_words
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
    words = Labels(LABELS, lang)
    line = RichText()
    line.append(q.id, style="bold")
    line.append(f"  {words('type.' + q.type)}", style="cyan")
    details = []
    if q.scale:
        details.append(words("scale_of", id=q.scale))
    if q.min is not None or q.max is not None or q.integer:  # only number questions have these
        bounds = ""
        if q.min is not None or q.max is not None:
            lo = "" if q.min is None else f"{q.min:g}"
            hi = "" if q.max is None else f"{q.max:g}"
            bounds = f"{lo}..{hi}"
        details.append((words["whole_number"] + " " if q.integer else "") + bounds)
    if q.options:
        details.append(words("options", n=len(q.options)))
    details.append(words["required" if q.required else "optional"])
    line.append(f"  ({', '.join(d for d in details if d.strip())})", style="dim")
    if q.when:
        line.append(f"  {words('when', condition=q.when)}", style="yellow")
    line.append("\n")
    line.append(q.text.get(lang))
    if q.options and not q.kind.ranks_options:
        for option in q.options:
            line.append(f"\n  • {option.id}: {option.label.get(lang)}", style="dim")
    return line


def render_outline(survey: Survey, lang: str | None = None) -> RenderableType:
    """The whole survey: header, groups, scales, consensus rule, then every section's questions."""
    lang = survey_language(survey, lang)
    words = Labels(LABELS, lang)
    header = RichText()
    header.append(survey.title.get(lang), style="bold")
    version = words("version", version=survey.version)
    languages = words("languages", languages=", ".join(survey.languages))
    header.append(f"\n{survey.id}  {version}  {languages}")
    mode = survey.settings.enrolment
    header.append(
        "  " + words("enrolment", enrolment=words.get(f"enrolment.{mode}", mode)), style="dim"
    )
    if survey.description:
        header.append("\n\n" + survey.description.get(lang))
    parts: list[RenderableType] = [Panel(header, expand=False)]

    groups = Table(title=words["groups"], title_justify="left", show_edge=False)
    groups.add_column(words["id"])
    groups.add_column(words["label"])
    for g in survey.groups:
        groups.add_row(g.id, RichText(g.label.get(lang)))
    parts.append(groups)

    for scale in survey.scales:
        table = Table(title=words("scale", id=scale.id), title_justify="left", show_edge=False)
        table.add_column(words["value"], justify="right")
        table.add_column(words["label"])
        table.add_column(words["counts_as"])
        for point in scale.points:
            side = (
                "support"
                if point.value in scale.support
                else ("opposition" if point.value in scale.opposition else "neutral")
            )
            table.add_row(str(point.value), RichText(point.label.get(lang)), words["side." + side])
        if scale.abstain:
            table.add_row("–", RichText(scale.abstain.get(lang)), words["abstain"])
        parts.append(table)

    # The rule in the very words of ``consult results`` and the report's Method sheet.
    rule_text = RichText(words["rule"], style="bold")
    rule_text.append(rule_in_words(survey, lang))
    parts.append(rule_text)

    if survey.settings.consent:
        parts.append(
            Panel(RichText(survey.settings.consent.get(lang)), title=words["consent"], expand=False)
        )

    if survey.profile:
        tree = Tree(RichText(words["profile"], style="bold magenta"))
        for q in survey.profile:
            tree.add(_question_line(q, survey, lang))
        parts.append(tree)
    for number, proposal in enumerate(survey.proposals, 1):
        heading = words("proposal", number=number, total=len(survey.proposals))
        label = RichText(heading, style="bold magenta")
        label.append(proposal.title.get(lang), style="bold")
        label.append(f"  [{proposal.id}]", style="dim")
        tree = Tree(label)
        tree.add(RichText(proposal.statement.get(lang), style="italic"))
        for q in proposal.questions:
            tree.add(_question_line(q, survey, lang))
        parts.append(tree)
    if survey.closing:
        tree = Tree(RichText(words["closing"], style="bold magenta"))
        for q in survey.closing:
            tree.add(_question_line(q, survey, lang))
        parts.append(tree)
    return RenderGroup(*parts)
