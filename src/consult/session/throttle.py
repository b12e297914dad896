"""Guessing access codes and exit words made slow.

Every wrong access code is recorded in the database with its time. Before the next code is
checked, the session waits ``base × 2^n`` seconds (at most :data:`MAX_DELAY`), where ``n`` is
the number of wrong codes in the last :data:`WINDOW` seconds, counted in this process and in
the whole database, whichever is more: a second terminal or a new process does not start
afresh. ``base`` is 0.25 s; ``CONSULT_THROTTLE_BASE`` (seconds) changes it **for tests only**.
``consult status`` shows the wrong codes of the last hour.

A kiosk's exit word is locked after :data:`KIOSK_EXIT_ATTEMPTS` wrong tries (counted on the
session's row in the database): the kiosk stops accepting it until a facilitator runs
``consult panel unlock-kiosk SURVEY`` from another terminal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from consult.errors import InputError
from consult.store import Participant, Store
from consult.store.records import KIOSK_EXIT_ATTEMPTS
from consult.survey.model import Survey

#: Seconds over which wrong codes count towards the delay.
WINDOW = 600.0
#: The longest wait before a code is checked.
MAX_DELAY = 30.0
DEFAULT_BASE = 0.25
#: Test-only: the base of the delay in seconds (default 0.25).
BASE_ENV = "CONSULT_THROTTLE_BASE"

_failures: list[float] = []  # this process's wrong codes (monotonic times)


def base() -> float:
    try:
        return max(0.0, float(os.environ.get(BASE_ENV, DEFAULT_BASE)))
    except ValueError:
        return DEFAULT_BASE


def delay_for(failures: int, base_seconds: float | None = None) -> float:
    """Seconds to wait before checking a code after ``failures`` recent wrong ones."""
    if failures <= 0:
        return 0.0
    b = base() if base_seconds is None else base_seconds
    return min(b * 2 ** min(failures, 20), MAX_DELAY)


def recent_failures(store: Store) -> int:
    """Wrong codes in the last :data:`WINDOW`: this process's or the database's, the more."""
    cutoff = time.monotonic() - WINDOW
    _failures[:] = [t for t in _failures if t >= cutoff]
    return max(len(_failures), store.code_failures(WINDOW))


def check_code(
    store: Store, survey: Survey, code: str, *, sleep: Callable[[float], None] = time.sleep
) -> Participant | None:
    """The participant with access code ``code``, or None (recorded as a failure), after the
    delay that the recent wrong codes call for."""
    sleep(delay_for(recent_failures(store)))
    participant = store.participant_by_code(survey.id, code)
    if participant is None:
        _failures.append(time.monotonic())
        store.record_code_failure(survey.id)
    return participant


def lookup(store: Store, survey: Survey, code: str) -> Participant:
    """The participant with access code ``code``; InputError for an unknown code."""
    participant = check_code(store, survey, code)
    if participant is None:
        raise InputError(f"unknown access code {code!r} for survey {survey.id}")
    return participant


def exit_word_locked(store: Store, session_id: int) -> bool:
    return store.exit_word_failures(session_id) >= KIOSK_EXIT_ATTEMPTS


def exit_word_failed(store: Store, session_id: int) -> bool:
    """Count a wrong exit word; whether the exit word is now locked."""
    return store.exit_word_failed(session_id) >= KIOSK_EXIT_ATTEMPTS


def locked_message(survey: Survey) -> str:
    return (
        f"The exit word is locked after {KIOSK_EXIT_ATTEMPTS} wrong tries. A facilitator "
        f"unlocks it from another terminal: consult panel unlock-kiosk {survey.path or survey.id}"
    )


def forget_failures() -> None:
    """Forget this process's wrong codes (tests)."""
    _failures.clear()
