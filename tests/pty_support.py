"""Drive the real ``consult`` program in a pseudo-terminal (pexpect) for the session tests."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect

CONSULT = str(Path(sys.executable).with_name("consult"))
SURVEYS = Path(__file__).parent / "surveys"
SMALL = str(SURVEYS / "session-small.yaml")
EXAMPLE = str(Path(__file__).parent.parent / "surveys" / "st-diplomacy-roundtable.yaml")

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CTRL_U = "\x15"
SPACE = " "
# Strip colours and cursor movement so expectations read like the screen text.
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def env(size: tuple[int, int] = (50, 120)) -> dict[str, str]:
    """Without NO_CPR every prompt waits about 2 s for a cursor-position reply. ``size`` is
    (rows, columns): rich reads LINES and COLUMNS before the terminal's own size."""
    return {
        **os.environ,
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm",
        "COLUMNS": str(size[1]),
        "LINES": str(size[0]),
        "CONSULT_DEBUG": "0",
    }


def as_at_a_terminal() -> None:
    """Give the child the Ctrl-C a terminal user has: a test run in the background (``pytest &``)
    starts with SIGINT ignored, and a child would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(
    db: Path, *args: str, timeout: float = 15, size: tuple[int, int] = (50, 120)
) -> pexpect.spawn:
    """``consult --db DB ARGS`` in a pty of ``size`` (rows, columns)."""
    child = pexpect.spawn(
        CONSULT,
        ["--db", str(db), *args],
        env=env(size),
        preexec_fn=as_at_a_terminal,
        encoding="utf-8",
        timeout=timeout,
        dimensions=size,
    )
    child.delaybeforesend = None  # pexpect's default 50 ms per send adds up over many prompts
    return child


# A job as an interactive shell starts one: in its own process group, in the foreground of
# the pty, with its parent (this wrapper) in the same session. Only such a job is really
# stopped by Ctrl-Z: a process group whose parent is in another session (what pexpect gives)
# is "orphaned", and the kernel never stops it on a terminal's SIGTSTP. The wrapper says
# "[job stopped]" as a shell would if the job stops, and exits with the job's status.
_JOB_WRAPPER = """\
import os, signal, sys
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    os.tcsetpgrp(0, os.getpgrp())
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execv(sys.argv[1], sys.argv[1:])
print(f"[job {pid}]", flush=True)
while True:
    _, status = os.waitpid(pid, os.WUNTRACED)
    if os.WIFSTOPPED(status):
        print("[job stopped]", flush=True)
        os.kill(pid, signal.SIGKILL)
        continue
    sys.exit(os.waitstatus_to_exitcode(status))
"""


def spawn_job(
    db: Path, *args: str, timeout: float = 15, size: tuple[int, int] = (50, 120)
) -> tuple[pexpect.spawn, int]:
    """``consult --db DB ARGS`` as a shell's foreground job in a pty; returns the pty child
    (the wrapper) and the pid of consult itself."""
    child = pexpect.spawn(
        sys.executable,
        ["-c", _JOB_WRAPPER, CONSULT, "--db", str(db), *args],
        env=env(size),
        preexec_fn=as_at_a_terminal,
        encoding="utf-8",
        timeout=timeout,
        dimensions=size,
    )
    child.delaybeforesend = None
    child.expect(r"\[job (\d+)\]")
    return child, int(child.match.group(1))


def process_state(pid: int) -> str:
    """The kernel's one-letter state of ``pid`` (``T`` stopped, ``Z`` ended), or ``gone``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return stat.rsplit(")", 1)[1].split()[0]


def plain(text: str) -> str:
    return _ANSI_RE.sub("", text)


def expect(child: pexpect.spawn, text: str) -> None:
    """Wait for literal ``text`` on the screen."""
    child.expect_exact(text)


def select(child: pexpect.spawn, prompt: str, downs: int = 0) -> None:
    """Answer a select prompt: wait for it, move down ``downs`` times, press Enter."""
    child.expect_exact(prompt)
    child.send(DOWN * downs + ENTER)


def type_text(child: pexpect.spawn, prompt: str, text: str, clear: bool = False) -> None:
    child.expect_exact(prompt)
    child.send((CTRL_U if clear else "") + text + ENTER)


def paste(child: pexpect.spawn, prompt: str, text: str) -> None:
    """Paste ``text`` (bracketed paste) so control characters reach the answer as typed."""
    child.expect_exact(prompt)
    child.send("\x1b[200~" + text + "\x1b[201~" + ENTER)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus if child.exitstatus is not None else -(child.signalstatus or 0)


def register(db: Path, survey: str, group: str, lang: str | None = None) -> str:
    """Register one participant through the CLI; returns their access code."""
    args = ["--db", str(db), "panel", "add", survey, "--group", group]
    if lang:
        args += ["--lang", lang]
    out = subprocess.run(
        [CONSULT, *args], env=env(), capture_output=True, text=True, timeout=30, check=True
    ).stdout
    match = re.search(r"\b([A-Z0-9]{3}-[A-Z0-9]{3})\b", out)
    assert match, out
    return match.group(1)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def stored_code(db: Path, code: str) -> str:
    """How the database keeps ``code``: its keyed hash (consult.store.codes)."""
    from consult.store.codes import code_hash, key_path, read_key

    key = read_key(key_path(db))
    assert key is not None, "no key beside the database"
    return code_hash(key, code)


def answers(db: Path, code: str) -> dict[str, str]:
    """Current answers (question -> JSON text) of the participant with ``code``."""
    return dict(
        rows(
            db,
            "SELECT a.question, a.value FROM answers a JOIN responses r ON r.id = a.response_id "
            "JOIN participants p ON p.id = r.participant_id WHERE p.code_hash = ?",
            (stored_code(db, code),),
        )
    )
