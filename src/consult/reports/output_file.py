"""Write a file all or nothing: a failure halfway leaves what was there before.

Reports and exports hold what participants said: a new file is created owner-only (0600), as
is the hidden ``.NAME.xxxxxxxx.part`` it is written to first, and any folder made for it
(0700). A run that is killed leaves its ``.part`` behind; the next run that writes to the same
folder removes the ones older than :data:`STALE_SECONDS` that no writer holds (each writer
keeps a lock on its own while it writes).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from consult.errors import InputError

#: A leftover ``.part`` older than this, and not locked by a writer, is removed.
STALE_SECONDS = 3600

#: Names that stand for a stream the command line already opened (``-o /dev/stdout``).
_STREAM_PREFIXES = ("/dev/std", "/dev/fd/", "/proc/self/fd/")


def is_stream(path: str | Path) -> bool:
    """Whether ``path`` is written to as a stream (a pipe, a device, the shell's stdout) rather
    than replaced as a file."""
    name = os.path.abspath(path)
    if name.startswith(_STREAM_PREFIXES):
        return True
    return os.path.exists(name) and not os.path.isfile(name)


@contextlib.contextmanager
def replacing(path: str | Path, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary file to write to, which becomes ``path`` when the block succeeds.

    A symbolic link is followed (its target is replaced, the link kept), and a file replaced
    keeps its permissions (someone chose them); a new one is owner-only (0600). Without
    ``overwrite`` a file that appeared meanwhile (another export) is refused rather than
    replaced. Callers write to a stream (:func:`is_stream`) directly instead.
    """
    target = Path(os.path.realpath(path))
    _make_private_folders(target.parent)
    remove_stale_parts(target.parent)
    # A unique name beside the target: two exports at once don't share one half-written file.
    # mkstemp creates it 0600; the lock on it tells other runs it is not stale.
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield tmp
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o600)
        if overwrite:
            os.replace(tmp, target)
        else:
            _publish_new(tmp, target, path)
    finally:
        tmp.unlink(missing_ok=True)
        os.close(fd)


def _make_private_folders(folder: Path) -> None:
    """Create ``folder`` and any missing folder above it, each 0700."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)


def remove_stale_parts(folder: Path, *, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove the ``.NAME.xxxxxxxx.part`` files a killed run left in ``folder``: ours, older
    than ``older_than`` seconds and locked by no writer. Returns those removed."""
    removed = []
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".part")):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not entry.is_file(follow_symlinks=False) or info.st_mtime > cutoff:
                continue
            if info.st_uid != os.geteuid():
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a writer still holds it: keep it
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _publish_new(tmp: Path, target: Path, shown: str | Path) -> None:
    try:
        os.link(tmp, target)  # fails if the name exists: no race with another writer
    except FileExistsError:
        raise InputError(f"{shown} already exists; add --force to overwrite it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        os.replace(tmp, target)  # a file system without hard links
