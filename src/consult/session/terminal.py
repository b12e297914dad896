"""Answering a survey in the terminal: the only module that prompts.

A participant identifies with an access code (or, in open enrolment, joins a group and gets one),
consents, picks a language and answers profile, proposals and closing questions, then reviews
and submits. Every answer is committed the moment it is given, so Ctrl-C, a closed terminal or
a killed process lose nothing answered; running again with the same code resumes.

Kiosk mode loops over participants on one shared terminal and clears the screen and the
scrollback between them. Participant text is shown back literally (markup and terminal escapes
neutralised) and stored as typed.
"""

from __future__ import annotations

import contextlib
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from rich.text import Text

from consult.errors import ConsultError, InputError
from consult.i18n import Labels
from consult.i18n.session import (
    HAVE_CODE,
    HOW_TO_START,
    I_AM_NEW,
    LANGUAGE_NAMES,
    UNKNOWN_CODE,
    WELCOME_CODE,
)
from consult.i18n.session import LABELS as MESSAGES
from consult.safe_text import strip_control
from consult.store import (
    CODE_ALPHABET,
    NewParticipant,
    Participant,
    Response,
    Store,
    format_code,
    normalise_code,
)
from consult.store.surveys import survey_version
from consult.survey.model import ABSTAIN, Question, Survey


#: Clear the scrollback, home the cursor, clear the screen: nothing of the last participant stays.
def terminal_text(text: str) -> Text:
    """A rich ``Text`` that shows ``text`` literally: no markup, no escape sequences."""
    return Text(strip_control(text))


CLEAR_SCREEN = "\x1b[3J\x1b[H\x1b[2J"
NOT_A_TTY = (
    "consult run needs an interactive terminal, but its input is not one; "
    "run it in a terminal window (over ssh, use ssh -t)"
)
_SKIP = "\x00skip"  # a choice value no option id can take


class Outcome(Enum):
    SUBMITTED = "submitted"
    LATER = "later"  # stopped at the review screen on purpose
    INTERRUPTED = "interrupted"  # Ctrl-C or Ctrl-D while answering
    DECLINED = "declined"  # refused consent: nothing stored
    ENDED = "ended"  # the facilitator ended a kiosk session


def _t(lang: str, key: str, **values: Any) -> str:
    return Labels(MESSAGES, lang)(key, **values)


# --- the flow: which question comes next, what a changed answer clears (no prompting) ------


def applies(question: Question, answers: dict[str, Any], group: str | None) -> bool:
    """Whether ``question`` is asked of a participant of ``group`` with the answers so far."""
    return question.when is None or question.when.applies(answers, group)


def tidy_answers(
    store: Store, response: Response, survey: Survey, answers: dict[str, Any]
) -> list[str]:
    """Clear stored answers whose condition no longer holds; returns their keys.

    Conditions point to earlier questions, so one pass in order settles chains of follow-ups.
    """
    cleared = []
    for q in survey.questions():
        if q.key in answers and not applies(q, answers, response.group_id):
            store.clear_answer(response, q.key)
            del answers[q.key]
            cleared.append(q.key)
    return cleared


def record_answer(
    store: Store,
    response: Response,
    survey: Survey,
    question: Question,
    value: Any,
    answers: dict[str, Any],
) -> list[str]:
    """Commit one answer (None clears it) and clear the follow-ups it switched off (returned)."""
    if value is None:
        if question.key in answers:
            store.clear_answer(response, question.key)
            del answers[question.key]
    else:
        store.save_answer(response, question.key, value, question.numeric(value))
        answers[question.key] = value
    return tidy_answers(store, response, survey, answers)


def resume_index(
    survey: Survey, answers: dict[str, Any], group: str | None, skipped_to: str | None = None
) -> int:
    """Index (in ``survey.questions()``) of the question to continue at.

    Right after the last question answered or skipped (``skipped_to``), or earlier if a
    required question that applies is still unanswered. Optional questions before that point
    count as skipped.
    """
    questions = list(survey.questions())
    last = max(
        (i for i, q in enumerate(questions) if q.key in answers or q.key == skipped_to),
        default=-1,
    )
    missing = (
        i
        for i, q in enumerate(questions)
        if q.required and q.key not in answers and applies(q, answers, group)
    )
    return min(last + 1, next(missing, len(questions)))


def missing_required(survey: Survey, answers: dict[str, Any], group: str | None) -> list[Question]:
    return [
        q
        for q in survey.questions()
        if q.required and q.key not in answers and applies(q, answers, group)
    ]


def format_answer(survey: Survey, question: Question, value: Any, lang: str) -> str:
    """An answer as the participant reads it back (plain text; show it with terminal_text)."""
    if value is None:
        return ""
    if question.type == "scale":
        scale = survey.scale(question.scale or "")
        if value == ABSTAIN:
            return scale.abstain.get(lang) if scale.abstain else ABSTAIN
        return f"{value} {scale.label(value, lang)}"
    if question.type == "single_choice":
        return _option_label(question, value, lang)
    if question.type == "multiple_choice":
        return ", ".join(_option_label(question, v, lang) for v in value)
    if question.type == "ranking":
        return "  ".join(f"{i}. {_option_label(question, v, lang)}" for i, v in enumerate(value, 1))
    if isinstance(value, float) and value.is_integer() and question.integer:
        return str(int(value))
    return str(value)


def _option_label(question: Question, option_id: str, lang: str) -> str:
    try:
        return question.option_label(option_id, lang)
    except KeyError:
        return str(option_id)


# --- the terminal ---------------------------------------------------------------------------


@dataclass
class Terminal:
    """Where prompts and panels go. ``prompt_kwargs`` (input/output) lets tests run in-process."""

    console: Any = None
    prompt_kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.console is None:
            from rich.console import Console

            self.console = Console(highlight=False)

    def print(self, *items: Any, **kwargs: Any) -> None:
        self.console.print(*items, **kwargs)

    def clear(self) -> None:
        self.console.file.write(CLEAR_SCREEN)
        self.console.file.flush()

    def ask(self, make: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one questionary prompt; Ctrl-C and Ctrl-D both raise KeyboardInterrupt."""
        try:
            return make(*args, **kwargs, **self.prompt_kwargs).unsafe_ask()
        except EOFError:
            raise KeyboardInterrupt from None

    def select(self, message: str, choices: list[Any], default: Any = None, **kw: Any) -> Any:
        import questionary

        values = [c.value if isinstance(c, questionary.Choice) else c for c in choices]
        if default not in values:
            default = None
        return self.ask(questionary.select, _plain(message), choices=choices, default=default, **kw)

    def text(self, message: str, default: str = "", validate: Any = None, **kw: Any) -> str:
        import questionary

        return self.ask(questionary.text, _plain(message), default=default, validate=validate, **kw)

    def pause(self, message: str) -> None:
        import questionary

        with contextlib.suppress(KeyboardInterrupt):
            self.ask(questionary.press_any_key_to_continue, _plain(message))


def _plain(text: str) -> str:
    # Prompt messages come from survey files and translations: keep them to one clean line.
    return " ".join(strip_control(text).split())


def _choice(title: str, value: Any, **kw: Any) -> Any:
    import questionary

    return questionary.Choice(_plain(title), value=value, **kw)


# --- asking one question ------------------------------------------------------------------


def ask_question(
    term: Terminal, survey: Survey, q: Question, lang: str, default: Any, qmark: str = "?"
) -> Any:
    """Prompt for ``q``: the value to store, or None when an optional question is skipped."""
    message = q.text.get(lang)
    if q.help:
        term.print(terminal_text(q.help.get(lang)), style="dim")
    if q.type == "scale":
        scale = survey.scale(q.scale or "")
        choices = [_choice(f"{p.value}  {p.label.get(lang)}", p.value) for p in scale.points]
        if scale.abstain:
            choices.append(_choice(scale.abstain.get(lang), ABSTAIN))
        return _skip_none(term.select(message, _with_skip(q, choices, lang), default, qmark=qmark))
    if q.type == "single_choice":
        choices = [_choice(o.label.get(lang), o.id) for o in q.options]
        return _skip_none(term.select(message, _with_skip(q, choices, lang), default, qmark=qmark))
    if q.type == "multiple_choice":
        return _ask_multiple(term, q, lang, default, qmark)
    if q.type == "ranking":
        return _ask_ranking(term, q, lang, default, qmark)
    if q.type == "number":
        return _ask_number(term, q, lang, default, qmark)
    return _ask_text(term, q, lang, default, qmark)


def _with_skip(q: Question, choices: list[Any], lang: str) -> list[Any]:
    return choices if q.required else [*choices, _choice(_t(lang, "skip"), _SKIP)]


def _skip_none(value: Any) -> Any:
    return None if value == _SKIP else value


def _ask_multiple(term: Terminal, q: Question, lang: str, default: Any, qmark: str) -> Any:
    import questionary

    chosen = set(default or ())
    lo = q.min_choices if q.min_choices is not None else (1 if q.required else 0)
    hi = q.max_choices

    def validate(picked: list[str]) -> bool | str:
        if not picked and not q.required:
            return True  # an empty optional answer is a skip
        if len(picked) < lo:
            return _t(lang, "choose_min", n=lo)
        if hi is not None and len(picked) > hi:
            return _t(lang, "choose_max", n=hi)
        return True

    choices = [_choice(o.label.get(lang), o.id, checked=o.id in chosen) for o in q.options]
    picked = term.ask(
        questionary.checkbox,
        _plain(q.text.get(lang)),
        choices=choices,
        validate=validate,
        qmark=qmark,
    )
    return picked or None


def _ask_ranking(term: Terminal, q: Question, lang: str, default: Any, qmark: str) -> Any:
    """An ordering prompt: choose the first, then the next among those left, and so on."""
    previous = list(default or ())
    remaining = [o.id for o in q.options]
    order: list[str] = []
    n = len(remaining)
    while len(remaining) > 1:
        i = len(order) + 1
        choices = [_choice(_option_label(q, o, lang), o) for o in remaining]
        if i == 1 and not q.required:
            choices.append(_choice(_t(lang, "skip"), _SKIP))
        guess = previous[i - 1] if len(previous) >= i else None
        message = _t(lang, "rank_step", text=q.text.get(lang), i=i, n=n)
        picked = term.select(message, choices, guess, qmark=qmark)
        if picked == _SKIP:
            return None
        order.append(picked)
        remaining.remove(picked)
    order.extend(remaining)
    term.print(terminal_text(_t(lang, "ranked", order=format_answer_ranking(q, order, lang))))
    return order


def format_answer_ranking(q: Question, order: list[str], lang: str) -> str:
    return "  ".join(f"{i}. {_option_label(q, v, lang)}" for i, v in enumerate(order, 1))


def _ask_number(term: Terminal, q: Question, lang: str, default: Any, qmark: str) -> Any:
    def parse(raw: str) -> int | float | str | None:
        raw = raw.strip().replace(",", "")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            return _t(lang, "need_number")
        if value != value or value in (float("inf"), float("-inf")):
            return _t(lang, "need_number")
        if q.integer:
            if not value.is_integer():
                return _t(lang, "need_integer")
            value = int(value)
        if q.min is not None and value < q.min:
            return _t(lang, "min", v=_num(q.min))
        if q.max is not None and value > q.max:
            return _t(lang, "max", v=_num(q.max))
        return value

    def validate(raw: str) -> bool | str:
        result = parse(raw)
        if result is None:
            return True if not q.required else _t(lang, "required")
        return result if isinstance(result, str) else True

    raw = term.text(
        q.text.get(lang), "" if default is None else _num(default), validate, qmark=qmark
    )
    return parse(raw)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _ask_text(term: Terminal, q: Question, lang: str, default: Any, qmark: str) -> Any:
    def validate(raw: str) -> bool | str:
        if q.max_length is not None and len(raw) > q.max_length:
            return _t(lang, "too_long", n=q.max_length, m=len(raw))
        if q.required and not raw.strip():
            return _t(lang, "required")
        return True

    raw = term.text(q.text.get(lang), default or "", validate, qmark=qmark)
    # Stored as typed; an empty optional answer is a skip.
    return raw if raw.strip() else None


# --- one participant ------------------------------------------------------------------------


@dataclass
class _Sections:
    """Where each question sits, for headings and progress ("Proposal 3 of 6")."""

    survey: Survey

    def of(self, q: Question) -> str:
        if q.proposal:
            return q.proposal
        return "profile" if q in self.survey.profile else "closing"

    def qmark(self, q: Question) -> str:
        if q.proposal:
            ids = [p.id for p in self.survey.proposals]
            return f"({ids.index(q.proposal) + 1}/{len(ids)})"
        return "?"

    def show(self, term: Terminal, q: Question, lang: str) -> None:
        from rich.panel import Panel
        from rich.text import Text

        section = self.of(q)
        term.print()
        if section == "profile":
            term.print(Text(_t(lang, "about_you"), style="bold"))
        elif section == "closing":
            term.print(Text(_t(lang, "closing"), style="bold"))
        else:
            ids = [p.id for p in self.survey.proposals]
            proposal = self.survey.proposal(section)
            progress = _t(lang, "proposal_n", i=ids.index(section) + 1, n=len(ids))
            term.print(Text(progress, style="bold cyan"))
            term.print(
                Panel(
                    terminal_text(proposal.statement.get(lang)),
                    title=terminal_text(proposal.title.get(lang)),
                    title_align="left",
                    padding=(1, 2),
                )
            )


def _lookup(store: Store, survey: Survey, code: str) -> Participant:
    participant = store.participant_by_code(survey.id, code)
    if participant is None:
        raise InputError(f"unknown access code {code!r} for survey {survey.id}")
    return participant


def _check_not_closed(store: Store, survey: Survey, participant: Participant, round: int) -> None:
    response = store.response(participant.id, round)
    if response is not None and response.submitted and not survey.settings.allow_revision:
        raise ConsultError(
            f"this response was already submitted on {(response.submitted_at or '')[:10]}; "
            "ask the facilitator to reopen it (consult panel reopen) if it needs changes"
        )


_NEW = object()  # "I am new": a participant to create after consent


def _ask_identity(
    term: Terminal, store: Store, survey: Survey, exit_word: str | None = None
) -> Any:
    """A Participant, ``_NEW`` (open enrolment), or None for the facilitator's exit word."""
    if survey.settings.enrolment == "open":
        pick = term.select(
            HOW_TO_START, [_choice(HAVE_CODE, "code"), _choice(I_AM_NEW, "new")], qmark="»"
        )
        if pick == "new":
            return _NEW
    while True:
        raw = term.text(WELCOME_CODE, qmark="»")
        if exit_word and normalise_code(raw) == normalise_code(exit_word) and raw.strip():
            return None
        if not normalise_code(raw):
            continue
        participant = store.participant_by_code(survey.id, raw)
        if participant is None:
            term.print(terminal_text(UNKNOWN_CODE), style="yellow")
            continue
        return participant


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or Ctrl-D) while answering, with who was answering and in which language."""

    def __init__(self, participant: Participant | None, lang: str | None) -> None:
        super().__init__()
        self.participant = participant
        self.lang = lang


def answer_as(
    term: Terminal,
    store: Store,
    survey: Survey,
    who: Participant | object,
    *,
    round: int,
    session_id: int | None = None,
) -> Outcome:
    """Take one participant (or ``_NEW``) from consent to submission.

    Ctrl-C passes up as :class:`Interrupted`, which says who was answering.
    """
    participant = who if isinstance(who, Participant) else None
    if participant is not None:
        _check_not_closed(store, survey, participant, round)
    lang: str | None = None
    try:
        response = store.response(participant.id, round) if participant else None
        answers: dict[str, Any] = {}
        if response is None:
            # Nothing is written before consent: a refusal leaves no trace.
            lang = _ask_language(term, survey, participant.language if participant else None)
            if survey.settings.consent is not None and not _ask_consent(term, survey, lang):
                term.print(terminal_text(_t(lang, "declined")))
                return Outcome.DECLINED
            if participant is None:
                participant = _enrol(term, store, survey, lang)
            elif participant.language != lang:
                store.set_participant_language(participant.id, lang)
            response = store.start_response(
                participant.id, survey.hash, round, session_id=session_id, language=lang
            )
        else:
            assert participant is not None
            lang = response.language or participant.language or survey.languages[0]
            if response.survey_hash != survey.hash:
                survey = _version_begun(term, store, survey, response.survey_hash, lang)
            answers = store.answers(response.id)
            tidy_answers(store, response, survey, answers)  # a kill between save and clear heals
            if response.submitted:
                date = (response.submitted_at or "")[:10]
                term.print(terminal_text(_t(lang, "revise_ok", date=date)))
            elif answers:
                term.print(terminal_text(_t(lang, "resume", n=len(answers))), style="green")
        sections = _Sections(survey)
        questions = list(survey.questions())
        start = (
            len(questions)
            if response.submitted
            else resume_index(survey, answers, response.group_id, response.skipped_to)
        )
        shown = None
        for q in questions[start:]:
            if not applies(q, answers, response.group_id):
                continue
            if sections.of(q) != shown:
                sections.show(term, q, lang)
                shown = sections.of(q)
            value = ask_question(term, survey, q, lang, answers.get(q.key), sections.qmark(q))
            record_answer(store, response, survey, q, value, answers)
            if value is None:
                store.mark_skipped(response, q.key)
        return _review(term, store, survey, response, lang, answers, sections)
    except KeyboardInterrupt:
        raise Interrupted(participant, lang) from None


def _version_begun(term: Terminal, store: Store, survey: Survey, hash: str, lang: str) -> Survey:
    """The survey as it was when a response began: answers stay tied to the texts people saw,
    so an edit applies to responses begun after it. Should that version no longer load, the
    current one serves, and the screen says so."""
    try:
        earlier = survey_version(store, survey, hash)
    except ConsultError:  # the detail (hash, key path) is for a facilitator with --debug
        term.print(terminal_text(_t(lang, "version_lost")), style="yellow")
        return survey
    if earlier.version != survey.version:
        term.print(terminal_text(_t(lang, "earlier_version", version=earlier.version)))
    else:
        term.print(terminal_text(_t(lang, "earlier_wording")))
    return earlier


def _enrol(term: Terminal, store: Store, survey: Survey, lang: str) -> Participant:
    """Open enrolment: the participant picks a group and is given a code to resume with."""
    group = _ask_group(term, survey, lang)
    participant = store.add_participants(survey.id, [NewParticipant(group, language=lang)])[0]
    term.print()
    term.print(
        terminal_text(_t(lang, "your_code", code=format_code(participant.code))),
        style="bold reverse",
    )
    term.print(terminal_text(_t(lang, "keep_code")))
    term.pause(_t(lang, "press_enter"))
    return participant


def _ask_language(term: Terminal, survey: Survey, default: str | None) -> str:
    if len(survey.languages) == 1:
        return survey.languages[0]
    choices = [_choice(LANGUAGE_NAMES.get(code, code), code) for code in survey.languages]
    return term.select("Language / 언어", choices, default or survey.languages[0], qmark="»")


def _ask_consent(term: Terminal, survey: Survey, lang: str) -> bool:
    from rich.panel import Panel

    assert survey.settings.consent is not None
    term.print(
        Panel(
            terminal_text(survey.settings.consent.get(lang)),
            title=terminal_text(survey.title.get(lang)),
            title_align="left",
            padding=(1, 2),
        )
    )
    choices = [_choice(_t(lang, "consent_yes"), True), _choice(_t(lang, "consent_no"), False)]
    return bool(term.select(_t(lang, "consent_q"), choices, qmark="»"))


def _ask_group(term: Terminal, survey: Survey, lang: str) -> str:
    choices = [_choice(g.label.get(lang), g.id) for g in survey.groups]
    return term.select(_t(lang, "group_q"), choices, qmark="»")


def _review(
    term: Terminal,
    store: Store,
    survey: Survey,
    response: Response,
    lang: str,
    answers: dict[str, Any],
    sections: _Sections,
) -> Outcome:
    """The review screen: every answer, change any of them, then submit."""
    from rich.table import Table
    from rich.text import Text

    while True:
        for q in missing_required(survey, answers, response.group_id):
            # Reached when a changed answer switched on a required follow-up.
            term.print(terminal_text(_t(lang, "missing")), style="yellow")
            record_answer(
                store,
                response,
                survey,
                q,
                ask_question(term, survey, q, lang, None, sections.qmark(q)),
                answers,
            )
        shown = [q for q in survey.questions() if applies(q, answers, response.group_id)]
        table = Table(title=Text(_t(lang, "review"), style="bold"), show_lines=True, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("", ratio=3)
        table.add_column("", ratio=2)
        for i, q in enumerate(shown, 1):
            value = answers.get(q.key)
            prefix = f"[{sections.qmark(q).strip('()')}] " if q.proposal else ""
            answer = (
                terminal_text(format_answer(survey, q, value, lang))
                if value is not None
                else Text(_t(lang, "skipped"), style="dim")
            )
            table.add_row(str(i), terminal_text(prefix + q.text.get(lang)), answer)
        term.print(table)
        choices = [
            _choice(_t(lang, "submit"), "submit"),
            _choice(_t(lang, "change"), "change"),
            _choice(_t(lang, "later"), "later"),
        ]
        action = term.select(_t(lang, "review_q"), choices, qmark="»")
        if action == "later":
            term.print(terminal_text(_t(lang, "saved_later")))
            return Outcome.LATER
        if action == "submit":
            if missing_required(survey, answers, response.group_id):
                continue
            store.submit_response(response.id)
            term.print()
            term.print(terminal_text(_t(lang, "submitted")), style="bold green")
            return Outcome.SUBMITTED
        titles = [_choice(f"{i}. {q.text.get(lang)}", q.key) for i, q in enumerate(shown, 1)]
        key = term.select(
            _t(lang, "which_change"), [*titles, _choice(_t(lang, "back"), "")], qmark="»"
        )
        if not key:
            continue
        q = survey.question(key)
        value = ask_question(term, survey, q, lang, answers.get(key), sections.qmark(q))
        if value is None and q.required:
            continue
        record_answer(store, response, survey, q, value, answers)
        # Ask right away the follow-ups this answer switched on.
        for follow in survey.questions():
            if (
                follow.when
                and not follow.when.on_group
                and follow.when.question == key
                and applies(follow, answers, response.group_id)
                and follow.key not in answers
            ):
                record_answer(
                    store,
                    response,
                    survey,
                    follow,
                    ask_question(term, survey, follow, lang, None, sections.qmark(follow)),
                    answers,
                )


# --- the session: one participant, or a kiosk loop --------------------------------------------


def check_terminal(stdin: Any = None, stdout: Any = None) -> None:
    """Raise InputError unless both ends are a terminal: prompts cannot run on a pipe."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    if not stdin.isatty():
        raise InputError(NOT_A_TTY)
    if not stdout.isatty():
        raise InputError("consult run needs an interactive terminal, but its output is redirected")


def run_session(
    store: Store,
    survey: Survey,
    *,
    code: str | None = None,
    kiosk: bool = False,
    exit_word: str | None = None,
    round: int | None = None,
    term: Terminal | None = None,
) -> Outcome:
    """``consult run``: one participant, or a kiosk loop until the facilitator ends it.

    ``round`` is the round answered (default: the survey's current round).
    """
    if term is None:
        check_terminal()
        term = Terminal()
    if code is not None:
        _lookup(store, survey, code)  # an unknown --code is bad input, before anything is recorded
    if round is None:
        round = store.current_round(survey.id)
    session_id = store.start_session(survey.id, "kiosk" if kiosk else "single")
    try:
        if kiosk:
            return _kiosk(term, store, survey, session_id, round, code, exit_word)
        who = _lookup(store, survey, code) if code is not None else None
        try:
            if who is None:
                term.print(terminal_text(survey.title.get(survey.languages[0])), style="bold")
                who = _ask_identity(term, store, survey)
                if isinstance(who, Participant):
                    _check_not_closed(store, survey, who, round)
            return answer_as(term, store, survey, who, round=round, session_id=session_id)
        except KeyboardInterrupt as exc:
            # The participant's own terminal: remind them of the code that resumes.
            who = exc.participant if isinstance(exc, Interrupted) else None
            lang = (exc.lang if isinstance(exc, Interrupted) else None) or survey.languages[0]
            code = format_code(who.code) if isinstance(who, Participant) else None
            term.print()
            term.print(terminal_text(_t(lang, "stopped_code" if code else "stopped", code=code)))
            return Outcome.INTERRUPTED
    finally:
        store.end_session(session_id)


def _kiosk(
    term: Terminal,
    store: Store,
    survey: Survey,
    session_id: int,
    round: int,
    code: str | None,
    exit_word: str | None,
) -> Outcome:
    if not exit_word:
        exit_word = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        term.print(
            "Kiosk mode. To end it, press Ctrl-C at the welcome screen and type the exit word: "
            f"{exit_word}"
        )
        term.pause("Note the exit word, then press any key to open the kiosk")
    notice = ""
    first_code = code
    while True:
        term.clear()
        term.print(terminal_text(survey.title.get(survey.languages[0])), style="bold")
        if notice:
            term.print(terminal_text(notice), style="green")
        notice = ""
        try:
            if first_code is not None:
                who: Any = _lookup(store, survey, first_code)
                first_code = None
            else:
                who = _ask_identity(term, store, survey, exit_word)
        except KeyboardInterrupt:
            who = None
        if who is None:
            if _facilitator_ends(term, exit_word):
                term.clear()
                return Outcome.ENDED
            continue
        try:
            outcome = answer_as(term, store, survey, who, round=round, session_id=session_id)
            if outcome in (Outcome.SUBMITTED, Outcome.DECLINED):
                # Clear first: the review table must not wait on screen for the next person.
                term.clear()
                key = "submitted" if outcome is Outcome.SUBMITTED else "declined"
                term.print(terminal_text(f"{_t('en', key)}\n{_t('ko', key)}"), style="bold green")
                term.pause(_t("en", "press_enter") + " / " + _t("ko", "press_enter"))
            elif outcome is Outcome.LATER:
                notice = "Answers saved. / 응답이 저장되었습니다."
        except KeyboardInterrupt:
            notice = "Paused; answers so far are saved. / 응답이 저장되었습니다."
        except ConsultError as exc:
            term.print(terminal_text(str(exc)), style="yellow")
            term.pause(_t("en", "press_enter"))


def _facilitator_ends(term: Terminal, exit_word: str) -> bool:
    import questionary

    try:
        typed = term.ask(
            questionary.password,
            "Facilitator: type the exit word to end the session (Enter to go back)",
            qmark="»",
        )
    except KeyboardInterrupt:
        return False
    return bool(typed.strip()) and normalise_code(typed) == normalise_code(exit_word)
