"""``consult run``: one participant, or a kiosk loop, answering in this terminal.

A participant identifies with an access code (or, in open enrolment, joins a group and gets one),
picks a language, consents and answers profile, proposals and closing questions, then reviews
and submits. The decisions are ``consult.session.flow``'s and the prompts
``consult.session.prompts``'s; this module puts the screens in order. Every answer is committed
the moment it is given, so Ctrl-C, a closed terminal or a killed process lose nothing answered;
running again with the same code resumes.

Kiosk mode loops over participants on one shared terminal and clears the screen and the
scrollback between them. Participant text is shown back literally (markup and terminal escapes
neutralised) and stored as typed.
"""

from __future__ import annotations

import sys
from typing import Any

from consult.errors import ConsultError, InputError
from consult.i18n.session import (
    HAVE_CODE,
    HOW_TO_START,
    I_AM_NEW,
    LANGUAGE_NAMES,
    UNKNOWN_CODE,
    WELCOME_CODE,
)
from consult.session.feedback import LaterRound
from consult.session.flow import (
    Answering,
    Closed,
    Outcome,
    Sections,
    check_not_closed,
    check_round,
    is_exit_word,
    lookup,
    new_exit_word,
    version_begun,
)
from consult.session.prompts import Terminal, choice, say, terminal_text
from consult.session.review import ask, review, show_section
from consult.session.throttle import (
    check_code,
    exit_word_failed,
    exit_word_locked,
    locked_message,
)
from consult.session.waiting import PatientStore, kiosk_signals
from consult.store import NewParticipant, Participant, Store, format_code, normalise_code
from consult.store.plans import plan_of, round_survey
from consult.survey.model import Survey

NOT_A_TTY = (
    "consult run needs an interactive terminal, but its input is not one; "
    "run it in a terminal window (over ssh, use ssh -t)"
)
_NEW = object()  # "I am new": a participant to create after consent
WRONG_EXIT_WORD = "That is not the exit word; the kiosk goes on."


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or Ctrl-D) while answering, with who was answering and in which language."""

    def __init__(self, participant: Participant | None, lang: str | None) -> None:
        super().__init__()
        self.participant = participant
        self.lang = lang


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
    if kiosk:
        with kiosk_signals():
            return _run(term, patient(store, term), survey, code, True, exit_word, round)
    return _run(term, patient(store, term), survey, code, False, exit_word, round)


def patient(store: Store, term: Terminal) -> Store:
    """``store`` whose saves wait out another process's write lock, telling the participant
    (in their language, or in every language before one is chosen) after a second."""

    def on_wait() -> None:
        langs = [wrapped.lang] if wrapped.lang else ["en", "ko"]
        term.print(terminal_text(" / ".join(say(lang, "busy") for lang in langs)), style="yellow")

    def on_done() -> None:
        langs = [wrapped.lang] if wrapped.lang else ["en", "ko"]
        term.print(terminal_text(" / ".join(say(lang, "busy_done") for lang in langs)))

    wrapped = PatientStore(store, on_wait, on_done)
    return wrapped  # type: ignore[return-value]


def _speaks(store: Store, lang: str | None) -> None:
    """Tell a patient store which language its waiting message is to be in."""
    if isinstance(store, PatientStore):
        store.lang = lang


def _run(
    term: Terminal,
    store: Store,
    survey: Survey,
    code: str | None,
    kiosk: bool,
    exit_word: str | None,
    round: int | None,
) -> Outcome:
    if code is not None:
        lookup(store, survey, code)  # an unknown --code is bad input, before anything is recorded
    session_id = store.start_session(survey.id, "kiosk" if kiosk else "single")
    try:
        if kiosk:
            # Without --round, each participant answers the round open when they sit down:
            # a kiosk left open across ``round open`` goes on in the new round.
            return _kiosk(term, store, survey, session_id, round, code, exit_word)
        if round is None:
            round = store.current_round(survey.id)
        who = lookup(store, survey, code) if code is not None else None
        try:
            if who is None:
                term.print(terminal_text(survey.title.get(survey.languages[0])), style="bold")
                who = _ask_identity(term, store, survey)
                check_round(store, survey, who if isinstance(who, Participant) else None, round)
                if isinstance(who, Participant):
                    check_not_closed(store, survey, who, round)
            return answer_as(term, store, survey, who, round=round, session_id=session_id)
        except Closed as exc:
            term.print(terminal_text(str(exc)), style="yellow")
            return Outcome.CLOSED
        except KeyboardInterrupt as exc:
            # The participant's own terminal: remind them of the code that resumes.
            who = exc.participant if isinstance(exc, Interrupted) else None
            lang = (exc.lang if isinstance(exc, Interrupted) else None) or survey.languages[0]
            code = format_code(who.code) if isinstance(who, Participant) else None
            term.print()
            term.print(terminal_text(say(lang, "stopped_code" if code else "stopped", code=code)))
            return Outcome.INTERRUPTED
    finally:
        store.end_session(session_id)


def _kiosk(
    term: Terminal,
    store: Store,
    survey: Survey,
    session_id: int,
    round: int | None,
    code: str | None,
    exit_word: str | None,
) -> Outcome:
    if not exit_word:
        exit_word = new_exit_word()
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
                code, first_code = first_code, None
                who: Any = lookup(store, survey, code)
            else:
                who = _ask_identity(term, store, survey, exit_word)
        except KeyboardInterrupt:
            who = None
        except Exception:
            _store_failed(term)
            continue
        if who is None:
            if _facilitator_ends(term, store, survey, session_id, exit_word):
                term.clear()
                return Outcome.ENDED
            continue
        try:
            now = round if round is not None else store.current_round(survey.id)
            outcome = answer_as(
                term, store, survey, who, round=now, session_id=session_id, kiosk=True
            )
            if outcome in (Outcome.SUBMITTED, Outcome.DECLINED):
                # Clear first: the review table must not wait on screen for the next person.
                term.clear()
                key = "submitted" if outcome is Outcome.SUBMITTED else "declined"
                term.print(terminal_text(f"{say('en', key)}\n{say('ko', key)}"), style="bold green")
                term.pause(say("en", "press_enter") + " / " + say("ko", "press_enter"))
            elif outcome is Outcome.LATER:
                notice = "Answers saved. / 응답이 저장되었습니다."
        except KeyboardInterrupt:
            notice = "Paused; answers so far are saved. / 응답이 저장되었습니다."
        except ConsultError as exc:
            lang = exc.lang if isinstance(exc, Closed) else "en"
            term.print(terminal_text(str(exc)), style="yellow")
            term.pause(say(lang, "press_enter"))
        except Exception:
            # A kiosk outlives any failure of the store (a full disk, a broken file): every
            # answer given before it is committed, and the next person gets the welcome screen.
            _store_failed(term)
        finally:
            _speaks(store, None)


def _store_failed(term: Terminal) -> None:
    """A plain sentence in every language, never a traceback, then back to the welcome screen."""
    term.print()
    term.print(
        terminal_text(f"{say('en', 'store_failed')}\n{say('ko', 'store_failed')}"), style="yellow"
    )
    term.pause(say("en", "press_enter") + " / " + say("ko", "press_enter"))


def _facilitator_ends(
    term: Terminal, store: Store, survey: Survey, session_id: int, exit_word: str
) -> bool:
    """Whether the facilitator typed the exit word; a wrong word is said so. After
    KIOSK_EXIT_ATTEMPTS wrong words the exit word is locked until ``panel unlock-kiosk``."""
    if exit_word_locked(store, session_id):
        term.print(locked_message(survey), style="yellow")
        term.pause("Press any key to go back to the welcome screen")
        return False
    try:
        typed = term.password(
            "Facilitator: type the exit word to end the session (Enter to go back)"
        )
    except KeyboardInterrupt:
        return False
    if is_exit_word(typed, exit_word):
        return True
    if typed.strip():
        locked = exit_word_failed(store, session_id)
        term.print(locked_message(survey) if locked else WRONG_EXIT_WORD, style="yellow")
        term.pause("Press any key to go back to the welcome screen")
    return False


# --- who answers --------------------------------------------------------------------------------


def _ask_identity(
    term: Terminal, store: Store, survey: Survey, exit_word: str | None = None
) -> Any:
    """A Participant, ``_NEW`` (open enrolment), or None for the facilitator's exit word."""
    if survey.settings.enrolment == "open":
        pick = term.select(HOW_TO_START, [choice(HAVE_CODE, "code"), choice(I_AM_NEW, "new")])
        if pick == "new":
            return _NEW
    while True:
        raw = term.text(WELCOME_CODE)
        if is_exit_word(raw, exit_word):
            return None
        if not normalise_code(raw):
            continue
        participant = check_code(store, survey, raw)  # slower after each wrong code
        if participant is None:
            term.print(terminal_text(UNKNOWN_CODE), style="yellow")
            continue
        return participant


def _enrol(term: Terminal, store: Store, survey: Survey, lang: str) -> Participant:
    """Open enrolment: the participant picks a group and is given a code to resume with."""
    group = _ask_group(term, survey, lang)
    participant = store.add_participants(survey.id, [NewParticipant(group, language=lang)])[0]
    term.print()
    term.print(
        terminal_text(say(lang, "your_code", code=format_code(participant.code))),
        style="bold reverse",
    )
    term.print(terminal_text(say(lang, "keep_code")))
    term.pause(say(lang, "press_enter"))
    return participant


def _ask_language(term: Terminal, survey: Survey, default: str | None) -> str:
    if len(survey.languages) == 1:
        return survey.languages[0]
    choices = [choice(LANGUAGE_NAMES.get(code, code), code) for code in survey.languages]
    return term.select("Language / 언어", choices, default or survey.languages[0])


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
    choices = [choice(say(lang, "consent_yes"), True), choice(say(lang, "consent_no"), False)]
    keys = say(lang, "select_keys")
    return bool(term.select(say(lang, "consent_q"), choices, instruction=keys))


def _ask_group(term: Terminal, survey: Survey, lang: str) -> str:
    choices = [choice(g.label.get(lang), g.id) for g in survey.groups]
    return term.select(say(lang, "group_q"), choices, instruction=say(lang, "select_keys"))


# --- one participant --------------------------------------------------------------------------


def answer_as(
    term: Terminal,
    store: Store,
    survey: Survey,
    who: Participant | object,
    *,
    round: int,
    session_id: int | None = None,
    kiosk: bool = False,
) -> Outcome:
    """Take one participant (or ``_NEW``) from consent to submission in ``round``.

    In a Delphi round 2 or later the participant answers the proposals the round carries, each
    after the panel's feedback of the round before (``consult.session.feedback``); they must be
    invited to the round, and a closed round takes no answer (:class:`Closed`, also when it
    closes while they answer). Ctrl-C passes up as :class:`Interrupted`, which says who was
    answering. Outside a kiosk, "finish later" repeats the access code.
    """
    participant = who if isinstance(who, Participant) else None
    check_round(store, survey, participant, round)
    if participant is not None:
        check_not_closed(store, survey, participant, round)
    plan = plan_of(store, survey, round)
    full = survey
    lang: str | None = None
    try:
        response = store.response(participant.id, round) if participant else None
        if response is None:
            # Nothing is written before consent: a refusal leaves no trace.
            lang = _ask_language(term, survey, participant.language if participant else None)
            _speaks(store, lang)
            if (
                survey.settings.consent is not None
                and not _consented_before(store, participant, round)
                and not _ask_consent(term, survey, lang)
            ):
                term.print(terminal_text(say(lang, "declined")))
                return Outcome.DECLINED
            if participant is None:
                participant = _enrol(term, store, survey, lang)
            elif participant.language != lang:
                store.set_participant_language(participant.id, lang)
            response = store.start_response(
                participant.id, survey.hash, round, session_id=session_id, language=lang
            )
            flow = Answering(store, round_survey(survey, plan), response)
        else:
            assert participant is not None
            lang = response.language or participant.language or survey.languages[0]
            _speaks(store, lang)
            if response.survey_hash != survey.hash:
                survey, key = version_begun(store, survey, response.survey_hash)
                style = "yellow" if key == "version_lost" else None
                term.print(terminal_text(say(lang, key, version=survey.version)), style=style)
            flow = Answering.resume(store, round_survey(survey, plan), response)
            if response.submitted:
                date = (response.submitted_at or "")[:10]
                term.print(terminal_text(say(lang, "revise_ok", date=date)))
            elif flow.answers:
                term.print(terminal_text(say(lang, "resume", n=len(flow.answers))), style="green")
        later = LaterRound.load(store, full, plan, participant)
        if later is not None:
            later.intro(term, full, lang)
        sections = Sections(flow.survey)
        shown = None
        for q in flow.pending():
            if sections.of(q) != shown:
                show_section(term, sections, q, lang)
                shown = sections.of(q)
            current = flow.answers.get(q.key)
            if later is not None:
                later.before(term, flow.survey, q, lang)
                current = later.default(q, current)
            flow.give(q, ask(term, flow, sections, q, lang, current))
        code = None if kiosk else format_code(participant.code)
        return review(term, flow, sections, lang, code=code, later=later)
    except KeyboardInterrupt:
        raise Interrupted(participant, lang) from None
    except Closed:
        raise
    except Exception:
        # The store refuses answers to a round closed while the participant answered
        # (``round open`` from another terminal): say so, in their language.
        check_round(store, full, participant, round, lang)
        raise


def _consented_before(store: Store, participant: Participant | None, round: int) -> bool:
    """Whether the participant began a response in an earlier round (and so consented)."""
    return participant is not None and any(
        store.response(participant.id, k) is not None for k in range(1, round)
    )
