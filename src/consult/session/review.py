"""The review screen: every answer, page by page, change any of them, then submit.

A page is as many answers as fit the terminal's height together with the question below them,
drawn on a cleared screen, so the table's head never scrolls away; "show the next/previous
answers" turn the pages. Changing an answer names each question with its proposal ("3 · Legal
foundation — How far do you ..."), shows the proposal's statement again, keeps the earlier
answer as the default, and asks before a change drops an answered follow-up.
"""

from __future__ import annotations

from typing import Any

from consult.session.feedback import LaterRound
from consult.session.flow import Answering, Outcome, Sections, format_answer
from consult.session.prompts import (
    CLEAR_PAGE,
    QMARK,
    Terminal,
    ask_question,
    choice,
    say,
    terminal_text,
)
from consult.survey.model import Question

#: Lines kept below a page's table: the question and its five choices, and a spare line.
_BELOW_TABLE = 7


def review(
    term: Terminal,
    flow: Answering,
    sections: Sections,
    lang: str,
    *,
    code: str | None = None,
    later: LaterRound | None = None,
) -> Outcome:
    """Review, change and submit; ``code`` (not in a kiosk) is repeated on "finish later".
    In a Delphi round 2 or later (``later``), changing a support answer shows the panel's
    figures of the round before again."""
    page = 0
    while True:
        for q in flow.missing():
            # Reached when a changed answer switched on a required follow-up.
            term.print(terminal_text(say(lang, "missing")), style="yellow")
            flow.record(q, ask(term, flow, sections, q, lang, None))
        shown = flow.shown()
        pages = paginate(term, flow, sections, shown, lang)
        page = min(page, len(pages) - 1)
        rows = pages[page]
        term.clear(CLEAR_PAGE)
        term.print(review_table(flow, sections, shown, rows, lang, page, len(pages)))
        choices = [
            choice(say(lang, "submit"), "submit"),
            choice(say(lang, "change"), "change"),
        ]
        if page + 1 < len(pages):
            choices.append(choice(say(lang, "next_page"), "next"))
        if page > 0:
            choices.append(choice(say(lang, "previous_page"), "previous"))
        choices.append(choice(say(lang, "later"), "later"))
        action = term.select(say(lang, "review_q"), choices, instruction=say(lang, "select_keys"))
        if action in ("next", "previous"):
            page += 1 if action == "next" else -1
        elif action == "later":
            key = "saved_later_code" if code else "saved_later"
            term.print(terminal_text(say(lang, key, code=code)))
            return Outcome.LATER
        elif action == "submit":
            if flow.submit():
                term.print()
                term.print(terminal_text(say(lang, "submitted")), style="bold green")
                return Outcome.SUBMITTED
        else:
            change(term, flow, sections, [shown[i] for i in rows], lang, later)


def change(
    term: Terminal,
    flow: Answering,
    sections: Sections,
    candidates: list[Question],
    lang: str,
    later: LaterRound | None = None,
) -> None:
    """Change one of ``candidates`` (the answers on the page): which, then its new answer."""
    from rich.text import Text

    width = max(20, term.console.width - 6)
    titles = []
    for q in candidates:
        title = Text(sections.label(q, lang))
        title.truncate(width, overflow="ellipsis")
        titles.append(choice(title.plain, q.key))
    key = term.select(
        say(lang, "which_change"),
        [*titles, choice(say(lang, "back"), "")],
        instruction=say(lang, "select_keys"),
    )
    if not key:
        return
    q = flow.survey.question(key)
    term.clear(CLEAR_PAGE)
    show_section(term, sections, q, lang)
    current = flow.answers.get(key)
    if later is not None:
        later.before(term, flow.survey, q, lang, reasons=False)
        current = later.default(q, current)
    value = ask(term, flow, sections, q, lang, current)
    dropped = flow.would_drop(q, value)
    if dropped:
        for follow in dropped:
            term.print(
                terminal_text(say(lang, "drops", question=follow.text.get(lang))), style="yellow"
            )
        keep = [choice(say(lang, "drop_no"), False), choice(say(lang, "drop_yes"), True)]
        if not term.select(say(lang, "drop_q"), keep, instruction=say(lang, "select_keys")):
            return
    if not flow.change(q, value):
        return
    # Ask right away the follow-ups this answer switched on.
    for follow in flow.switched_on(key):
        flow.record(follow, ask(term, flow, sections, follow, lang, None))


def ask(
    term: Terminal, flow: Answering, sections: Sections, q: Question, lang: str, default: Any
) -> Any:
    return ask_question(term, flow.survey, q, lang, default, QMARK)


def show_section(term: Terminal, sections: Sections, q: Question, lang: str) -> None:
    """The heading of the part ``q`` is in: about you, a proposal (with its statement), closing."""
    from rich.panel import Panel
    from rich.text import Text

    section = sections.of(q)
    term.print()
    if section == "profile":
        term.print(Text(say(lang, "about_you"), style="bold"))
    elif section == "closing":
        term.print(Text(say(lang, "closing"), style="bold"))
    else:
        i, n = sections.position(section)
        proposal = sections.survey.proposal(section)
        term.print(Text(say(lang, "proposal_n", i=i, n=n), style="bold cyan"))
        term.print(
            Panel(
                terminal_text(proposal.statement.get(lang)),
                title=terminal_text(proposal.title.get(lang)),
                title_align="left",
                padding=(1, 2),
            )
        )


def paginate(
    term: Terminal, flow: Answering, sections: Sections, shown: list[Question], lang: str
) -> list[list[int]]:
    """The review's pages: indexes into ``shown``, as many a page as fit the terminal (at least
    one, however tall)."""
    budget = max(6, term.height - _BELOW_TABLE)
    pages: list[list[int]] = []
    current: list[int] = []
    for i in range(len(shown)):
        trial = [*current, i]
        table = review_table(flow, sections, shown, trial, lang, 0, 99)
        if current and term.lines(table) > budget:
            pages.append(current)
            current = [i]
        else:
            current = trial
    pages.append(current)
    return pages


def review_table(
    flow: Answering,
    sections: Sections,
    shown: list[Question],
    rows: list[int],
    lang: str,
    page: int,
    pages: int,
) -> Any:
    from rich.table import Table
    from rich.text import Text

    title = (
        say(lang, "review_page", page=page + 1, pages=pages) if pages > 1 else say(lang, "review")
    )
    table = Table(title=Text(title, style="bold"), show_lines=True, expand=True)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("", ratio=3)
    table.add_column("", ratio=2)
    for i in rows:
        q = shown[i]
        value = flow.answers.get(q.key)
        answer = (
            terminal_text(format_answer(flow.survey, q, value, lang))
            if value is not None
            else Text(say(lang, "skipped"), style="dim")
        )
        table.add_row(str(i + 1), terminal_text(sections.label(q, lang)), answer)
    return table
