"""The SQLite backend's file: created owner-only, and its failures said plainly.

A full disk, a read-only file or folder, a damaged file: each becomes a :class:`StoreError`
that says what happened and what to do, never "not a consult database" (which would invite
deleting a good one) and never a bare ``OperationalError`` on a participant's screen.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

from consult.errors import StoreError

# SQLite's primary result codes that say what happened to the file, not to the data.
_READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 8, 10, 11, 13, 14, 26


def explained(exc: sqlite3.Error, path: Path) -> StoreError:
    """A :class:`StoreError` that says what happened to the database file and what to do."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    folder = path.parent.resolve()
    if code == _FULL:
        return StoreError(
            f"no space left on the disk holding {path}: this step was not saved (earlier ones "
            "are). Free some space on that disk, then try again."
        )
    if code == _READONLY:
        return StoreError(
            f"{path} is read-only (the file, or its folder {folder}): nothing can be saved "
            "there. Give this account write access to both, or use another database (--db)."
        )
    if code == _CANTOPEN:
        return StoreError(
            f"cannot open {path} or create its -wal file: its folder {folder} is missing or "
            "read-only for this account. Give it write access to the folder, or use another "
            "database (--db)."
        )
    if code == _NOTADB:
        return StoreError(f"{path}: not a consult database ({exc}); nothing was changed")
    if code == _CORRUPT:
        return StoreError(f"{path} is damaged ({exc}); restore it from a backup")
    if code == _IOERR:
        return StoreError(
            f"the disk holding {path} reported an error ({exc}); check that it is still "
            "there and not full, then try again"
        )
    return StoreError(f"{path}: {exc}")


class ExplainedConnection(sqlite3.Connection):
    """A connection whose failures of the file itself (full disk, read-only, damaged) raise
    :class:`StoreError` saying so; everything else (a busy database, a constraint) is
    raised as SQLite raised it."""

    db_path: Path = Path("database")

    def execute(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        try:
            return super().execute(*args)
        except sqlite3.Error as exc:
            raise _translated(exc, self.db_path) from None

    def executemany(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        try:
            return super().executemany(*args)
        except sqlite3.Error as exc:
            raise _translated(exc, self.db_path) from None


def _translated(exc: sqlite3.Error, path: Path) -> BaseException:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB):
        return explained(exc, path)
    return exc


def create_private(path: Path) -> None:
    """Create the (empty) database file owner-only, and any missing folder above it 0700."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        for each in reversed(missing):
            each.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:  # e.g. a file where a folder should be
        raise StoreError(f"{path}: cannot create the folder ({exc.strerror})") from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        pass  # another process created it first; it is owner-only too
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise StoreError(f"{path}: cannot create the folder ({exc.strerror})") from None
        if exc.errno == errno.ENOSPC:
            raise StoreError(f"no space left on the disk holding {path}") from None
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StoreError(
                f"{path.parent} is read-only for this account: the database cannot be created "
                "there. Choose another place (--db or CONSULT_DB)."
            ) from None
        raise StoreError(f"{path}: cannot create the database ({exc.strerror})") from None


def restrict(path: Path) -> None:
    """Take away what every other account may do with a database we own (made by an older
    consult with the usual 0644): its -wal and -shm follow the database's mode."""
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            info = each.stat()
            if info.st_uid == os.geteuid() and info.st_mode & 0o007:
                os.chmod(each, info.st_mode & 0o7770)
        except OSError:
            continue
