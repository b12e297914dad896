"""Access codes at rest: a keyed hash, with the key in a file beside the database.

The database keeps no access code, only ``HMAC-SHA256(key, normalised code)``. The key lives
in its own file, ``<database>.key`` (``results/consult.db.key``), created owner-only (0600) on
first use; it never enters the database. Whoever reads the database file alone learns no code
and cannot test guesses offline; a code typed at the prompt is hashed and found with one
indexed lookup.

Without the key no code can be checked. Losing it is losing every access code: restore it
from the backup taken with the database, or give everyone a new code
(``consult panel reissue``) after ``consult panel new-key`` (see docs/sessions.md).

No SQL here: files, bytes and hashes only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from consult.errors import StoreError
from consult.store.records import normalise_code

KEY_BYTES = 32
_KEY_SUFFIX = ".key"


def key_path(db_path: str | Path) -> Path:
    """Where the key of the database at ``db_path`` lives: beside it, ``NAME.key``."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + _KEY_SUFFIX)


def code_hash(key: bytes, code: str) -> str:
    """The stored form of an access code: a hex HMAC-SHA256 of the normalised code."""
    return hmac.new(
        key, normalise_code(code).encode("ascii", "replace"), hashlib.sha256
    ).hexdigest()


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or None when the file does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot read the key of the access codes ({exc.strerror})"
        ) from None
    if len(data) != KEY_BYTES:
        raise StoreError(
            f"{path}: not a key of access codes ({len(data)} bytes, expected {KEY_BYTES}); "
            "restore it from your backup"
        )
    return data


def create_key(path: Path) -> bytes:
    """Create the key file owner-only, or read the one another process created first.

    Written under a temporary name and linked into place, so that nobody ever reads a
    half-written key.
    """
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            existing = read_key(path)
            assert existing is not None
            return existing
    finally:
        tmp.unlink(missing_ok=True)
    return key


def form_token(
    key: bytes, survey_hash: str, round: int, participant_uuid: str, pseudonym: str
) -> str:
    """The token that binds a spreadsheet form to one participant, survey version and round:
    a hex HMAC-SHA256 with the database's form key. Changing any of them breaks it."""
    message = f"consult-form|{survey_hash}|{round}|{participant_uuid}|{pseudonym}"
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def token_matches(token: str, expected: str) -> bool:
    """Whether a form's token is the expected one (compared in constant time, as bytes: a
    token edited into any characters is just a wrong token)."""
    given = str(token).strip().lower().encode("utf-8", "replace")
    return hmac.compare_digest(given, expected.encode("ascii"))
