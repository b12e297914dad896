"""Benchmarks: where consult stands against the baselines a user would otherwise pick.

    python benchmarks/run.py [--size small|large] [--repeat N] [--no-write]

Every figure is a median over repeats and a ratio against a baseline measured in the same run,
because machines are noisy. Nothing here is a test: no figure fails anything. The table is
printed and written to benchmarks/RESULTS.md (with the machine and the date).

`small` builds a 100,000-answer database; `large` adds the 1,000,000-answer cases.
Needs the project installed with its `bench` extra (pandas) for the report baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from common import CONSULT, Row, fmt_s, table  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent

SURVEY_ID = "national-consultation"
N_PROPOSALS = 45  # with 3 profile questions and optional comments: about 50 answers a person
ANSWERS_PER_RESPONDENT_GUESS = 55.5  # measured: 88,162 answers from 1,587 people


# --- measuring ------------------------------------------------------------------------------


def paired_medians(
    ours: Callable[[], object], base: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median times of two functions run in turn, after one untimed run of each.

    Alternating makes both sides see the same machine state (CPU frequency, page cache, a
    neighbour's load), so the ratio holds even when the absolute figures drift.
    """
    ours()
    base()
    ours_times, base_times = [], []
    for _ in range(repeat):
        for fn, times in ((ours, ours_times), (base, base_times)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(ours_times), statistics.median(base_times)


PEAK_RSS_WRAPPER = textwrap.dedent(
    """\
    import atexit, sys

    out = sys.argv.pop(1)

    def record():
        with open("/proc/self/status") as status, open(out, "w") as f:
            f.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

    atexit.register(record)
    sys.argv[0] = "consult"
    from consult.cli.app import main

    main()
    """
)


def run(
    cmd: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    *,
    memory: bool = False,
) -> int:
    """Run a command to completion; return its peak RSS in KiB. Fails loudly on a bad exit.

    With ``memory``, ``consult`` runs through a wrapper that reads the process's own
    high-water mark (VmHWM) as it exits. A child's rusage is no good here: Linux counts in it
    the memory of the parent it was forked from, so a benchmark process that had grown to
    600 MB made every report look 600 MB.
    """
    hwm_file = None
    if memory and cmd[0] == CONSULT and Path("/proc/self/status").exists():
        fd, hwm_file = tempfile.mkstemp(prefix="consult-hwm-")
        os.close(fd)
        cmd = [sys.executable, "-c", PEAK_RSS_WRAPPER, hwm_file, *cmd[1:]]
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if proc.stderr:
        proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {err.strip()[-500:]}")
    if hwm_file:
        text = Path(hwm_file).read_text()
        Path(hwm_file).unlink()
        if text:
            return int(text)
    return usage.ru_maxrss


# --- the synthetic national consultation ----------------------------------------------------


def survey_yaml() -> str:
    proposals = []
    for i in range(1, N_PROPOSALS + 1):
        proposals.append(
            textwrap.dedent(
                f"""\
                  - id: p{i:02d}
                    title: Proposal {i}
                    statement: The government should adopt measure number {i} of the national plan.
                    questions:
                      - id: support
                        type: scale
                        scale: support5
                        text: How far do you support this proposal?
                      - id: why_oppose
                        type: text
                        when: support <= 2
                        text: Why do you oppose it?
                      - id: comment
                        type: text
                        text: Any comment?
                """
            )
        )
    head = textwrap.dedent(
        f"""\
        id: {SURVEY_ID}
        version: "1"
        languages: [en]
        title: A national public consultation
        settings: {{enrolment: open}}
        groups:
          - {{id: science, label: Science}}
          - {{id: diplomacy, label: Diplomacy}}
          - {{id: government, label: Government}}
        scales:
          - id: support5
            points:
              - {{value: 1, label: Strongly oppose}}
              - {{value: 2, label: Oppose}}
              - {{value: 3, label: Neutral}}
              - {{value: 4, label: Support}}
              - {{value: 5, label: Strongly support}}
            support: [4, 5]
            opposition: [1, 2]
            abstain: Don't know
        consensus:
          for: {{support: ">= 70%", opposition: "< 15%"}}
        profile:
          - id: region
            type: single_choice
            text: Where do you live?
            options:
              - {{id: north, label: North}}
              - {{id: south, label: South}}
              - {{id: east, label: East}}
              - {{id: west, label: West}}
          - id: age
            type: number
            integer: true
            min: 18
            max: 99
            text: Your age?
          - id: sector
            type: single_choice
            text: Sector?
            options:
              - {{id: public, label: Public}}
              - {{id: private, label: Private}}
        proposals:
        """
    )
    return head + textwrap.indent("".join(proposals), "")


def build_database(workdir: Path, answers: int) -> tuple[Path, Path, float, int]:
    """A database of about ``answers`` simulated answers; returns (db, survey, seconds, rows)."""
    survey = workdir / "national.yaml"
    survey.write_text(survey_yaml(), encoding="utf-8")
    db = workdir / f"national-{answers}.db"
    respondents = max(1, round(answers / ANSWERS_PER_RESPONDENT_GUESS))
    env = dict(os.environ, CONSULT_DB=str(db))
    start = time.perf_counter()
    run([CONSULT, "simulate", str(survey), "--respondents", str(respondents), "--seed", "1"], env)
    seconds = time.perf_counter() - start
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    return db, survey, seconds, rows


# --- cases ----------------------------------------------------------------------------------


BASELINE_APP = textwrap.dedent(
    """\
    import typer

    app = typer.Typer()


    @app.command()
    def hello(name: str) -> None:
        \"\"\"Say hello.\"\"\"
        print(name)


    app()
    """
)


def case_startup(workdir: Path, repeat: int) -> Row:
    app = workdir / "one_command_app.py"
    app.write_text(BASELINE_APP)
    ours, base = paired_medians(
        lambda: run([CONSULT, "--help"]),
        lambda: run([sys.executable, str(app), "--help"]),
        max(repeat, 11),  # cheap, and the noisiest case
    )
    ratio = ours / base
    return Row(
        "start-up: consult --help",
        fmt_s(ours),
        fmt_s(base) + " one-command typer app",
        ratio,
        "<= 1.25x",
        ratio <= 1.25,
    )


def case_one_answer(workdir: Path, repeat: int) -> Row:
    from consult.store import NewParticipant, open_store

    n = 2000
    db = workdir / "one-answer.db"
    store = open_store(db)
    store.save_survey("s", "0" * 64, "1", "t", {}, "")
    person = store.add_participants("s", [NewParticipant("science")])[0]
    response = store.start_response(person.id, "0" * 64, 1)

    counter = iter(range(10**9))

    def ours() -> None:
        for _ in range(n):
            store.save_answer(response, f"q{next(counter)}", 4, 4.0)

    raw = sqlite3.connect(workdir / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = NORMAL")
    raw.execute(
        "CREATE TABLE answers (id INTEGER PRIMARY KEY, response_id INTEGER, question TEXT,"
        " group_id TEXT, value TEXT, numeric REAL, answered_at TEXT,"
        " UNIQUE (response_id, question))"
    )
    raw.execute(
        "CREATE TABLE answer_history (id INTEGER PRIMARY KEY, response_id INTEGER,"
        " question TEXT, value TEXT, changed_at TEXT)"
    )
    raw_counter = iter(range(10**9))

    def baseline() -> None:
        for _ in range(n):
            q = f"q{next(raw_counter)}"
            stamp = datetime.now(UTC).isoformat()
            raw.execute("BEGIN")
            raw.execute(
                "INSERT INTO answers (response_id, question, group_id, value, numeric,"
                " answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (1, q, "science", "4", 4.0, stamp),
            )
            raw.execute(
                "INSERT INTO answer_history (response_id, question, value, changed_at)"
                " VALUES (?, ?, ?, ?)",
                (1, q, "4", stamp),
            )
            raw.execute("COMMIT")

    ours_t, base_t = paired_medians(ours, baseline, repeat)
    ours_t, base_t = ours_t / n, base_t / n
    store.close()
    raw.close()
    ratio = ours_t / base_t
    return Row(
        "one answer: Store.save_answer, committed",
        fmt_s(ours_t),
        fmt_s(base_t) + " bare sqlite3 (answer + history row, WAL, NORMAL)",
        ratio,
        "<= 1.5x",
        ratio <= 1.5,
    )


def case_bulk(workdir: Path, db: Path, seconds: float, rows: int) -> Row:
    """Our simulate (generating and storing) against sqlite-utils inserting the same rows."""
    import sqlite_utils

    from consult.store import open_store

    with sqlite3.connect(db) as conn:
        participants = [
            dict(zip([d[0] for d in c.description], r, strict=True))
            for c in [conn.execute("SELECT * FROM participants")]
            for r in c
        ]
        responses = [
            dict(zip([d[0] for d in c.description], r, strict=True))
            for c in [conn.execute("SELECT * FROM responses")]
            for r in c
        ]
        surveys = [
            dict(zip([d[0] for d in c.description], r, strict=True))
            for c in [conn.execute("SELECT * FROM surveys")]
            for r in c
        ]
        sessions = [
            dict(zip([d[0] for d in c.description], r, strict=True))
            for c in [conn.execute("SELECT * FROM sessions")]
            for r in c
        ]
        answers = [
            dict(zip([d[0] for d in c.description], r, strict=True))
            for c in [
                conn.execute(
                    "SELECT response_id, question, group_id, value, numeric,"
                    " answered_at FROM answers"
                )
            ]
            for r in c
        ]
    target = workdir / "insert-all.db"
    open_store(target).close()  # the same schema, indexes and history triggers
    db2 = sqlite_utils.Database(target)
    start = time.perf_counter()
    with db2.conn:  # one transaction, as a careful user would
        db2["surveys"].insert_all(surveys)
        db2["sessions"].insert_all(sessions)
        db2["participants"].insert_all(participants)
        db2["responses"].insert_all(responses)
        db2["answers"].insert_all(answers, batch_size=10_000)
    base = time.perf_counter() - start
    db2.close()
    ratio = seconds / base
    return Row(
        f"bulk write: consult simulate, {rows:,} answers",
        fmt_s(seconds),
        fmt_s(base) + " sqlite-utils insert_all of the same rows",
        ratio,
        "<= 1.5x",
        ratio <= 1.5,
    )


HISTOGRAM_SQL = (
    "SELECT question, group_id, value, count(*) FROM answers GROUP BY question, group_id, value"
)


def case_results(db: Path, survey: Path, rows: int, repeat: int) -> Row:
    env = dict(os.environ, CONSULT_DB=str(db))
    script = f"import sqlite3; sqlite3.connect({str(db)!r}).execute({HISTOGRAM_SQL!r}).fetchall()"
    ours, base = paired_medians(
        lambda: run([CONSULT, "results", str(survey), "--json", "--include-simulated"], env),
        lambda: run([sys.executable, "-c", script]),
        repeat,
    )
    ratio = ours / base
    return Row(
        f"results: consult results --json, {rows:,} answers",
        fmt_s(ours),
        fmt_s(base) + " the histogram GROUP BY alone (python -c sqlite3)",
        ratio,
        "<= 1.5x",
        ratio <= 1.5,
    )


PANDAS_PIPELINE = textwrap.dedent(
    """\
    import sqlite3, sys
    import pandas as pd
    db, out = sys.argv[1], sys.argv[2]
    conn = sqlite3.connect(db)
    query = "SELECT question, group_id, value FROM answers WHERE question LIKE '%.support'"
    df = pd.read_sql(query, conn)
    df = df[df.value != '"abstain"']
    df["v"] = df.value.astype(int)
    df["support"] = df.v >= 4
    df["opposition"] = df.v <= 2
    panel = df.groupby("question").agg(
        n=("v", "size"), support=("support", "mean"),
        opposition=("opposition", "mean"), median=("v", "median"),
    )
    groups = df.pivot_table(
        index="question", columns="group_id", values="support", aggfunc="mean"
    )
    with pd.ExcelWriter(out, engine="openpyxl") as xl:
        summary = panel.join(groups).sort_values("support", ascending=False)
        summary.to_excel(xl, sheet_name="Summary")
    """
)


def case_report(
    workdir: Path, db: Path, survey: Path, rows: int, repeat: int
) -> tuple[list[Row], int]:
    """The report against the pandas pipeline; then, for context, without the free text."""
    env = dict(os.environ, CONSULT_DB=str(db))
    out = workdir / "report.xlsx"
    peak = [0]
    command = [CONSULT, "report", str(survey), "-o", str(out), "--force", "--include-simulated"]

    def ours(*extra: str) -> Callable[[], None]:
        def go() -> None:
            peak[0] = max(peak[0], run([*command, *extra], env, memory=True))

        return go

    script = workdir / "pandas_report.py"
    script.write_text(PANDAS_PIPELINE)

    def pandas() -> None:
        run([sys.executable, str(script), str(db), str(workdir / "pandas.xlsx")])

    ours_t, base = paired_medians(ours(), pandas, repeat)
    bare_t, base2 = paired_medians(ours("--no-comments"), pandas, repeat)
    ratio, ratio2 = ours_t / base, bare_t / base2
    return [
        Row(
            f"report: consult report, {rows:,} answers",
            fmt_s(ours_t),
            fmt_s(base) + " pandas read_sql + groupby + to_excel",
            ratio,
            "<= 0.5x",
            ratio <= 0.5,
        ),
        Row(
            f"report --no-comments (context), {rows:,} answers",
            fmt_s(bare_t),
            fmt_s(base2) + " the same pandas pipeline",
            ratio2,
            "context: no Comments sheet",
            None,
        ),
    ], peak[0]


def case_raw(workdir: Path, db: Path, survey: Path, rows: int) -> tuple[Row, int]:
    env = dict(os.environ, CONSULT_DB=str(db))
    out = workdir / "report-raw.xlsx"
    start = time.perf_counter()
    peak = run(
        [CONSULT, "report", str(survey), "-o", str(out), "--force", "--raw", "--include-simulated"],
        env,
        memory=True,
    )
    ours = time.perf_counter() - start
    start = time.perf_counter()
    with sqlite3.connect(db) as conn, open(workdir / "raw.csv", "w", newline="") as f:
        writer = csv.writer(f)
        cursor = conn.execute(
            "SELECT p.pseudonym, p.group_id, r.round, r.status, a.question, a.value, a.numeric, "
            "a.answered_at FROM answers a JOIN responses r ON r.id = a.response_id "
            "JOIN participants p ON p.id = r.participant_id"
        )
        writer.writerows(cursor)
    base = time.perf_counter() - start
    ratio = ours / base
    row = Row(
        f"raw sheet: consult report --raw, {rows:,} answers",
        fmt_s(ours),
        fmt_s(base) + " the same rows to CSV (csv module)",
        ratio,
        "ratio reported; < 250 MB",
        peak < 250 * 1024,
        f"peak RSS {peak / 1024:.0f} MB",
    )
    return row, peak


WORKER = textwrap.dedent(
    """\
    import sys
    from consult.store import NewParticipant, Store, open_store
    db, n = sys.argv[1], int(sys.argv[2])
    errors = 0
    store = open_store(db)
    person = store.add_participants("s", [NewParticipant("science")])[0]
    response = store.start_response(person.id, "0" * 64, 1)
    for i in range(n):
        try:
            store.save_answer(response, f"q{i}", i % 5 + 1, float(i % 5 + 1))
        except Exception as exc:
            errors += 1
            print(exc, file=sys.stderr)
    print(errors)
    """
)


def case_many(workdir: Path, processes: int = 50, each: int = 200) -> Row:
    from consult.store import open_store

    db = workdir / "many.db"
    store = open_store(db)
    store.save_survey("s", "0" * 64, "1", "t", {}, "")
    store.close()
    script = workdir / "worker.py"
    script.write_text(WORKER)
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(db), str(each)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    errors = 0
    failed = 0
    for p in procs:
        out, _err = p.communicate()
        if p.returncode != 0:
            failed += 1
        errors += int(out.strip() or 0)
    seconds = time.perf_counter() - start
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    ok = errors == 0 and failed == 0 and rows == processes * each
    return Row(
        f"many participants: {processes} processes x {each} answers",
        fmt_s(seconds),
        "–",
        None,
        "0 errors, 10,000 rows",
        ok,
        f"{rows:,} rows, {errors + failed} errors, {rows / seconds:,.0f} answers/s",
    )


# --- main -----------------------------------------------------------------------------------


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {mem} memory, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def as_installed() -> None:
    """Time imports as an installed user has them: from compiled bytecode.

    An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set (some sandboxes
    and containers set it) every run compiles consult from source again: 100 ms that no user
    pays, which alone once made `consult --help` look 1.6x the baseline.
    """
    import compileall

    import consult

    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(Path(consult.__file__).parent, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-write", action="store_true", help="do not write benchmarks/RESULTS.md"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if not Path(CONSULT).exists():
        sys.exit(
            f"no consult next to {sys.executable}: "
            "install the project first (pip install -e '.[bench]')"
        )
    as_installed()
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    rows: list[Row] = []
    started = time.perf_counter()

    def note(row: Row) -> None:
        rows.append(row)
        print(f"  {row.case}: {row.median} vs {row.baseline}", file=sys.stderr, flush=True)

    try:
        repeat = args.repeat
        note(case_startup(workdir, max(repeat, 5)))
        note(case_one_answer(workdir, repeat))
        sizes = [100_000] if args.size == "small" else [100_000, 1_000_000]
        peaks = {}
        for size in sizes:
            print(f"building a database of about {size:,} answers...", file=sys.stderr, flush=True)
            db, survey, seconds, n = build_database(workdir, size)
            large = size == sizes[-1]
            if large:
                note(case_bulk(workdir, db, seconds, n))
                note(case_results(db, survey, n, repeat))
            report_rows, peaks[size] = case_report(
                workdir, db, survey, n, 1 if size >= 1_000_000 else min(repeat, 3)
            )
            if large:
                for report_row in report_rows:
                    note(report_row)
                raw_row, _ = case_raw(workdir, db, survey, n)
                note(raw_row)
        if len(sizes) == 2:
            growth = peaks[1_000_000] / peaks[100_000]
            note(
                Row(
                    "report memory: peak RSS, 1M vs 100k answers",
                    f"{peaks[1_000_000] / 1024:.0f} MB",
                    f"{peaks[100_000] / 1024:.0f} MB at 100k",
                    growth,
                    "< 250 MB, growth <= 1.3x",
                    peaks[1_000_000] < 250 * 1024 and growth <= 1.3,
                )
            )
        else:
            note(
                Row(
                    "report memory: peak RSS at 100k answers",
                    f"{peaks[100_000] / 1024:.0f} MB",
                    "–",
                    None,
                    "< 250 MB",
                    peaks[100_000] < 250 * 1024,
                )
            )
        note(case_many(workdir))
        from rounds import case_rounds

        for rounds_row in case_rounds(workdir, 5000, min(repeat, 3)):
            note(rounds_row)
        from hardening import case_bombs, case_save_beside_simulate

        note(case_save_beside_simulate(workdir, 40_000 if args.size == "small" else 400_000))
        for bomb_row in case_bombs(workdir):
            note(bomb_row)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    text = table(rows)
    print(text)
    print(f"{args.size} run, {elapsed:.0f} s, {machine()}")
    if not args.no_write:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        (HERE / f"RESULTS-{args.size}.json").write_text(
            json.dumps([r.__dict__ for r in rows], indent=2), encoding="utf-8"
        )
        write_results_md(args.size, text, stamp, elapsed)


def write_results_md(size: str, text: str, stamp: str, elapsed: float) -> None:
    path = HERE / "RESULTS.md"
    intro = (
        "# Benchmark results\n\nWritten by `python benchmarks/run.py`. Every figure is a median "
        "over repeats (one run each for the slowest cases: the 1M-answer bulk write, report and "
        "raw sheet), with its ratio to a baseline measured in the same run.\n"
    )
    sections = {}
    if path.exists():
        current = None
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            if line.startswith("## "):
                current = line.strip()[3:].split()[0].rstrip(":")
                sections[current] = ""
            if current:
                sections[current] += line
    sections[size] = (
        f"## {size} run, {stamp}\n\nMachine: {machine()}. Took {elapsed:.0f} s.\n\n{text}\n"
    )
    notes = sections.pop("notes", None)
    body = intro + "\n" + "".join(sections[k] for k in ("small", "large") if k in sections)
    if notes:
        body += notes
    path.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
