"""Benchmark cases of issue 14: a session's saves beside a large simulate, and hostile files.

Used by ``benchmarks/run.py``; ``python benchmarks/hardening.py [--size small|large]`` runs
only these and prints their rows.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from common import CONSULT, Row, fmt_s, table  # type: ignore[import-not-found]

SURVEY = Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml"


def _saves(store, response, seconds: float | None, proc=None) -> list[float]:  # type: ignore[no-untyped-def]
    """Save an answer every 20 ms (as a brisk participant never does) and time each save."""
    waits, i = [], 0
    start = time.perf_counter()
    while (proc is not None and proc.poll() is None) or (
        seconds is not None and time.perf_counter() - start < seconds
    ):
        t = time.perf_counter()
        store.save_answer(response, f"q{i}", i, float(i))
        waits.append(time.perf_counter() - t)
        i += 1
        time.sleep(0.02)
    return waits


def case_save_beside_simulate(workdir: Path, respondents: int) -> Row:
    """The longest a session's save waits while ``consult simulate -n N`` writes into the same
    database, against the same saves with nothing else writing."""
    from consult.store import NewParticipant, open_store
    from consult.store.surveys import register_survey
    from consult.survey.loader import load_survey

    db = workdir / f"busy-{respondents}.db"
    store = open_store(db)
    survey = load_survey(SURVEY)
    register_survey(store, survey)
    person = store.add_participants(survey.id, [NewParticipant(survey.group_ids[0])])[0]
    response = store.start_response(person.id, survey.hash, 1)
    quiet = _saves(store, response, 3.0)
    env = dict(os.environ, CONSULT_DB=str(db))
    proc = subprocess.Popen(
        [CONSULT, "simulate", str(SURVEY), "-n", str(respondents), "--seed", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started = time.perf_counter()
    busy = _saves(store, response, None, proc)
    took = time.perf_counter() - started
    store.close()
    if proc.returncode:
        raise RuntimeError(f"simulate exited {proc.returncode}")
    worst, base = max(busy), max(quiet)
    p99 = sorted(busy)[int(len(busy) * 0.99)]
    return Row(
        f"save beside simulate -n {respondents:,}: longest wait",
        fmt_s(worst),
        fmt_s(base) + " longest save with nothing else writing",
        worst / base,
        "<= 1 s",
        worst <= 1.0,
        f"{len(busy):,} saves during a {took:.0f} s simulate, p99 {fmt_s(p99)}, median "
        f"{fmt_s(statistics.median(busy))}",
    )


def _xlsx_bomb(path: Path, inflated_mb: int) -> Path:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><sheetData>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            chunk = b" " * (1 << 20)
            for _ in range(inflated_mb):
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return path


def case_bombs(workdir: Path) -> list[Row]:
    """Each hostile file refused: seconds and peak memory of the whole consult process."""
    big_yaml = workdir / "big.yaml"
    with big_yaml.open("w") as handle:
        for _ in range(70 * 1024):
            handle.write("# " + "x" * 1021 + "\n")
    bomb = _xlsx_bomb(workdir / "bomb.xlsx", 2000)  # 2 MB inflating to 2 GB
    panel_survey = str(SURVEY)
    cases = [
        ("XLSX bomb (2 MB -> 2 GB)", ["panel", "import", panel_survey, str(bomb)]),
        ("70 MB YAML survey", ["survey", "validate", str(big_yaml)]),
        ("/dev/zero as a survey", ["survey", "validate", "/dev/zero"]),
    ]
    rows = []
    for name, args in cases:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [CONSULT, "--db", str(workdir / "bombs.db"), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        mb = usage.ru_maxrss / 1024
        refused = os.waitstatus_to_exitcode(status) in (1, 2)
        rows.append(
            Row(
                f"refuse: {name}",
                fmt_s(seconds),
                "–",
                None,
                "< 2 s, < 200 MB",
                refused and seconds < 2 and mb < 200,
                f"peak RSS {mb:.0f} MB",
            )
        )
    return rows


if __name__ == "__main__":
    import tempfile

    size = sys.argv[sys.argv.index("--size") + 1] if "--size" in sys.argv else "small"
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        n = 40_000 if size == "small" else 400_000
        print(table([case_save_beside_simulate(Path(tmp), n), *case_bombs(Path(tmp))]))
