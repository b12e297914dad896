"""The store: the only code that speaks SQL, behind the :class:`Store` interface.

Everything above this package opens a database with :func:`open_store` and works with the
interface and the records; the SQLite backend is one implementation of it.
"""

from __future__ import annotations

from pathlib import Path

from consult.store.interface import Store
from consult.store.records import (
    CODE_ALPHABET,
    STATUS_IN_PROGRESS,
    STATUS_SUBMITTED,
    ImportedResponse,
    NewParticipant,
    Participant,
    Response,
    ResponseFilter,
    Round,
    format_code,
    normalise_code,
)

__all__ = [
    "CODE_ALPHABET",
    "STATUS_IN_PROGRESS",
    "STATUS_SUBMITTED",
    "ImportedResponse",
    "NewParticipant",
    "Participant",
    "Response",
    "ResponseFilter",
    "Round",
    "Store",
    "format_code",
    "normalise_code",
    "open_store",
]


def open_store(path: str | Path, *, create: bool = True) -> Store:
    """Open the consult database at ``path`` (created on first use unless ``create=False``).

    A file that is not a consult database, or one written by a newer consult, raises
    :class:`consult.errors.StoreError` and is left untouched.
    """
    from consult.store.sqlite import SqliteStore

    return SqliteStore.open(path, create=create)
