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


def open_store() -> Store:
    """Open the database named by ``--db`` (created on first use)."""
    from consult.store import open_store as open_database

    return open_database(state.db)
