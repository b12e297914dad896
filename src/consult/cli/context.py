"""What every command receives: the global options (``--db``, ``--debug``) and the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from consult.store import Store

DEFAULT_DB = Path("results") / "consult.db"


@dataclass
class State:
    db: Path = DEFAULT_DB
    debug: bool = False


state = State()


def open_store(*, create: bool = True) -> Store:
    """Open the database named by ``--db``: created on first use by the commands that write,
    refused when missing by those that only read (a mistyped path must not look empty)."""
    from consult.store import open_store as open_database

    if not create and not (state.db.exists() and state.db.stat().st_size > 0):
        from consult.errors import InputError

        raise InputError(
            f"{state.db}: no such database (check --db or CONSULT_DB; 'consult run', "
            "'panel add', 'panel import' and 'simulate' create one)"
        )
    return open_database(state.db, create=create)
