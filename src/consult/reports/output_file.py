"""Write a file all or nothing: a failure halfway leaves what was there before."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from consult.errors import InputError

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
    keeps its permissions; a new one gets the usual ones (umask). Without ``overwrite`` a file
    that appeared meanwhile (another export) is refused rather than replaced. Callers write to
    a stream (:func:`is_stream`) directly instead.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    # A unique name beside the target: two exports at once don't share one half-written file.
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, target)
        else:
            _publish_new(tmp, target, path)
    finally:
        tmp.unlink(missing_ok=True)


def _publish_new(tmp: Path, target: Path, shown: str | Path) -> None:
    try:
        os.link(tmp, target)  # fails if the name exists: no race with another writer
    except FileExistsError:
        raise InputError(f"{shown} already exists; add --force to overwrite it") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        os.replace(tmp, target)  # a file system without hard links


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
