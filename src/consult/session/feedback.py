"""A Delphi round 2 or later in the terminal: the panel's feedback before each carried proposal.

Once at the start the participant reads which proposals settled in an earlier round, and how
the round works. Before each carried proposal's support question, the feedback of the round
before (``consult.results.feedback``): the distribution as horizontal bars with counts and
shares, their own earlier answer marked on its bar, the median and IQR, support per
stakeholder group, and the anonymous reasons a page at a time. Their earlier answer is the
default choice of the question, so keeping it is one key (Enter). Everything fits an
80-column terminal; participant text is shown as plain text (``terminal_text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consult.i18n import Labels
from consult.i18n.delphi import LABELS
from consult.results.feedback import Feedback, previous_answers, round_feedback
from consult.session.prompts import Terminal, choice, say, terminal_text
from consult.store import Participant, Store
from consult.store.plans import RoundPlan
from consult.survey.model import ABSTAIN, Question, Survey

#: Reasons shown at a time; "Read more reasons" shows the next ones.
REASONS_PAGE = 5
#: A longer reason is cut here on the feedback screen (the whole text stays in the results).
REASON_CHARS = 400
#: Cells of the longest bar.
BAR = 20
_MARK = "◀"


def words(lang: str, key: str, **values: Any) -> str:
    """The participant's words of ``consult.i18n.delphi`` in ``lang``."""
    return Labels(LABELS, lang)(key, **values)


@dataclass
class LaterRound:
    """What round ``plan.number`` ≥ 2 adds to one participant's session."""

    plan: RoundPlan
    #: Proposal id -> its feedback.
    feedback: dict[str, Feedback]
    #: The participant's answers in the round before (empty when they gave none).
    previous: dict[str, Any] = field(default_factory=dict)
    #: The support question keys of the carried proposals.
    supports: frozenset[str] = frozenset()

    @classmethod
    def load(
        cls, store: Store, survey: Survey, plan: RoundPlan, participant: Participant
    ) -> LaterRound | None:
        """None in round 1 (or a round no ``round open`` recorded: nothing to feed back)."""
        if plan.previous is None or plan.record is None or survey.delphi is None:
            return None
        found = round_feedback(store, survey, plan.number, participant.id)
        return cls(
            plan,
            found,
            previous_answers(store, participant.id, plan.previous) or {},
            frozenset(survey.proposal(pid).support_question.key for pid in found),
        )

    def default(self, q: Question, current: Any) -> Any:
        """The choice the prompt starts on: the current answer, else the one of the round
        before (support questions only)."""
        if current is not None or q.key not in self.supports:
            return current
        return self.previous.get(q.key)

    def intro(self, term: Terminal, survey: Survey, lang: str) -> None:
        """The settled proposals with their verdicts, and how the round works."""
        term.print()
        if self.plan.settled:
            term.print(terminal_text(words(lang, "settled_title")), style="bold")
            for pid, settled in self.plan.settled.items():
                try:
                    title = survey.proposal(pid).title.get(lang)
                except KeyError:
                    title = pid
                verdict = words(lang, f"verdict_{settled['verdict']}")
                line = words(
                    lang, "settled_line", title=title, verdict=verdict, round=settled["round"]
                )
                term.print(terminal_text(f"  • {line}"))
            term.print()
        intro = words(lang, "round_intro", round=self.plan.number, previous=self.plan.previous)
        term.print(terminal_text(intro))
        if self.plan.include_simulated:  # opened with --include-simulated: a rehearsal
            term.print(terminal_text(words(lang, "rehearsal")), style="yellow")

    def before(
        self, term: Terminal, survey: Survey, q: Question, lang: str, *, reasons: bool = True
    ) -> None:
        """The feedback before ``q`` when it is a carried proposal's support question."""
        fb = self.feedback.get(q.proposal or "")
        if fb is None or q.key not in self.supports:
            return
        show_feedback(term, fb, survey, lang, reasons=reasons)


# --- the screen -----------------------------------------------------------------------------------


def show_feedback(
    term: Terminal, fb: Feedback, survey: Survey, lang: str, *, reasons: bool = True
) -> None:
    """The feedback on one proposal; with ``reasons``, its reasons a page at a time."""
    term.print()
    term.print(figures_view(fb, survey, lang))
    if not reasons or fb.reasons is None:
        return
    term.print()
    if not fb.reasons:
        term.print(terminal_text(words(lang, "reasons_none", round=fb.previous)), style="dim")
        return
    term.print(terminal_text(words(lang, "reasons_title", round=fb.previous)), style="bold")
    shown = 0
    while True:
        page = fb.reasons[shown : shown + REASONS_PAGE]
        term.print(reasons_view(page, survey, lang))
        shown += len(page)
        if shown >= len(fb.reasons):
            return
        more = words(lang, "more_reasons", shown=shown, total=len(fb.reasons))
        choices = [choice(more, True), choice(words(lang, "go_on"), False)]
        if not term.select(words(lang, "reasons_q"), choices, instruction=say(lang, "select_keys")):
            return


def figures_view(fb: Feedback, survey: Survey, lang: str) -> Any:
    """The panel's figures: title, bars over the scale with the participant's answer marked,
    median and IQR, their own answer when not on a bar, support by group."""
    from rich.console import Group
    from rich.text import Text

    q = survey.proposal(fb.proposal).support_question
    scale = survey.scale(q.scale or "")
    parts: list[Any] = [Text(words(lang, "feedback_title", round=fb.previous), style="bold")]
    panel = fb.panel
    if panel is not None and fb.shows("distribution"):
        top = max((c for _, c in panel.distribution), default=0)
        mine = fb.own_answer if fb.answered_before else None
        rows = []
        for point, count in panel.distribution:
            label = f"{point} {scale.label(point, lang)}"
            mark = words(lang, "your_answer", round=fb.previous) if point == mine else ""
            mark = f"{_MARK} {mark}" if mark else ""
            rows.append((label, bar(count, top), _count(count, panel.share(point)), mark))
        parts.append(_table(rows, 18, 28))
    if panel is not None and fb.shows("median_iqr") and panel.median is not None:
        line = words(
            lang,
            "median_iqr",
            median=number(panel.median),
            q1=number(panel.q1),
            q3=number(panel.q3),
            n=panel.n_valid,
        )
        if panel.n_abstained:
            line += " · " + words(lang, "abstained", n=panel.n_abstained)
        parts.append(terminal_text(line))
    if fb.shows("own_answer"):
        own = _own_line(fb, panel is not None and fb.shows("distribution"), scale, lang)
        if own:
            parts.append(Text(own, style="cyan"))
    if fb.groups:
        parts.append(Text(words(lang, "by_group"), style="bold"))
        group_rows = []
        for g in fb.groups:
            try:
                label = survey.group(g.group).label.get(lang)
            except KeyError:
                label = g.group
            share = "—" if g.support is None else percent(g.support)
            text = words(lang, "support_share", share=share)
            n = words(lang, "n_answers", n=g.n_valid)
            group_rows.append((label, bar(g.support or 0.0, 1.0), f"{text} · {n}", ""))
        parts.append(_table(group_rows, 18, 0))
    return Group(*parts)


def _own_line(fb: Feedback, on_bars: bool, scale: Any, lang: str) -> str | None:
    """Their earlier answer in words when no bar shows it (an abstention, none, no bars)."""
    if not fb.answered_before:
        return words(lang, "you_did_not", round=fb.previous)
    if fb.own_answer == ABSTAIN:
        return words(lang, "you_abstained", round=fb.previous)
    if on_bars:
        return None
    try:
        label = f"{fb.own_answer} {scale.label(fb.own_answer, lang)}"
    except KeyError:
        label = str(fb.own_answer)
    return f"{_MARK} {words(lang, 'your_answer', round=fb.previous)}: {label}"


def reasons_view(reasons: Any, survey: Survey, lang: str) -> Any:
    """A page of reasons: each text (cut at REASON_CHARS), then whose side and group."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    items: list[Any] = []
    for r in reasons:
        text = r.text if len(r.text) <= REASON_CHARS else r.text[: REASON_CHARS - 1] + "…"
        try:
            group = survey.group(r.group).label.get(lang)
        except KeyError:
            group = r.group
        by = words(lang, "reason_by", side=words(lang, f"side_{r.side}"), group=group)
        body = Text("• ")
        body.append_text(terminal_text(text))
        items.append(Padding(body, (0, 0, 0, 2)))
        items.append(Padding(terminal_text(f"— {by}"), (0, 0, 0, 4), style="dim"))
    return Group(*items)


def _table(rows: list[tuple[str, str, str, str]], label_width: int, mark_width: int) -> Any:
    """Label, bar, figures and (when ``mark_width``) a marker: at most 80 columns."""
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    table.add_column(max_width=label_width, overflow="ellipsis", no_wrap=True)
    table.add_column(no_wrap=True, style="cyan", min_width=BAR)
    table.add_column(justify="right", no_wrap=True)
    if mark_width:
        table.add_column(max_width=mark_width, overflow="ellipsis", no_wrap=True, style="bold")
    for label, drawn, figures, mark in rows:
        cells = [terminal_text(label), drawn, terminal_text(figures)]
        table.add_row(*cells, *([terminal_text(mark)] if mark_width else []))
    return table


def bar(value: float, top: float) -> str:
    """A horizontal bar of up to BAR cells, ``value`` against the largest ``top``; a value
    above nothing shows at least one cell."""
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(BAR * value / top))


def _count(count: int, share: float | None) -> str:
    return f"{count} ({percent(share or 0.0)})"


def percent(share: float) -> str:
    return f"{round(100 * share)}%"


def number(value: float | None) -> str:
    """A median or quartile as read: ``3``, ``2.5``."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
