"""A session that outlasts a busy database, and a kiosk that nobody leaves by a key.

:class:`PatientStore` wraps the store a session writes to. When another process holds the
write lock (``consult simulate``, a report's snapshot being written, an admin's ``sqlite3``),
a save first waits :data:`FIRST_WAIT` seconds quietly; then the participant is told, in their
language, that saving waits for the database, and the same call is retried until it goes
through: a session never ends because the database is busy. Each call is one transaction
started with ``BEGIN IMMEDIATE``, so a call that met a busy database wrote nothing and retrying
it is safe. While a call runs (and waits), Ctrl-C is held back and takes effect once the
answer is saved, so no keypress leaves a save half-done.

:func:`kiosk_signals` makes every terminal-generated signal harmless for the whole kiosk
session, not only while a prompt owns the keyboard: Ctrl-Z (SIGTSTP), Ctrl-\\ (SIGQUIT) and
background reads and writes (SIGTTIN, SIGTTOU) are ignored; Ctrl-C (SIGINT) stays the
participant's "pause" and the facilitator's way to the exit word.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

#: Seconds a save waits for another process's write lock before the participant is told.
FIRST_WAIT = 1.0
#: Seconds each retry then waits inside the database before trying again.
RETRY_WAIT = 1.0

#: The signals a terminal sends when a key is pressed (besides Ctrl-C) that could stop or
#: leave a kiosk: suspend, quit with a core dump, and the background-job stops.
KIOSK_IGNORED = ("SIGTSTP", "SIGQUIT", "SIGTTIN", "SIGTTOU")


@contextlib.contextmanager
def kiosk_signals() -> Iterator[None]:
    """Ignore Ctrl-Z, Ctrl-\\ and the background-job signals until the block ends."""
    previous: dict[int, Any] = {}
    for name in KIOSK_IGNORED:
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, signal.SIG_IGN)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block ends; one pressed meanwhile is raised then."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def discard_typeahead() -> None:
    """Forget keys pressed while a save waited (a Ctrl-D among them must not end a prompt)."""
    with contextlib.suppress(Exception):
        import termios

        if sys.stdin.isatty():
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)


class PatientStore:
    """A store whose calls wait out another process's write lock, saying so after a second.

    ``on_wait()`` is called once when a call starts to wait visibly, ``on_done()`` when that
    call went through. Everything else is the wrapped store's.
    """

    def __init__(
        self,
        store: Any,
        on_wait: Callable[[], None],
        on_done: Callable[[], None] = lambda: None,
        *,
        first_wait: float = FIRST_WAIT,
        retry_wait: float = RETRY_WAIT,
    ) -> None:
        self.store = store
        self.lang: str | None = None  # the participant's language, once known
        self.on_wait, self.on_done = on_wait, on_done
        self.first_wait, self.retry_wait = first_wait, retry_wait
        store.set_busy_timeout(first_wait)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.store, name)
        if not callable(attr) or name in ("transaction", "snapshot", "close"):
            return attr

        def patient(*args: Any, **kwargs: Any) -> Any:
            return self.call(attr, *args, **kwargs)

        return patient

    def __enter__(self) -> PatientStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close()

    def call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        waited = False
        with interrupts_held():
            try:
                while True:
                    try:
                        result = method(*args, **kwargs)
                    except Exception as exc:
                        if not self.store.is_busy(exc):
                            raise
                        if not waited:
                            waited = True
                            self.store.set_busy_timeout(self.retry_wait)
                            self.on_wait()
                        else:
                            time.sleep(0.01)  # the busy timeout did the waiting
                        continue
                    if waited:
                        self.on_done()
                    return result
            finally:
                if waited:
                    self.store.set_busy_timeout(self.first_wait)
                    discard_typeahead()
