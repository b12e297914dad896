"""Benchmark case of issue 16: importing filled spreadsheet forms.

``consult import`` of N filled forms (reading, checking every cell against the survey and the
database, and writing all of them in one transaction) against the floor of the same job:
opening the same N workbooks with openpyxl (read-only) and reading every cell of their Form
sheet, nothing else. ``python benchmarks/imports.py [--forms N]`` prints the row.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import CONSULT, Row, fmt_s, table  # type: ignore[import-not-found]

SURVEY = Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml"
ANSWERS = {
    "organisation_type": "University",
    "experience_years": 12,
    "priorities": "legal-foundation; ministry-led",
}


def make_forms(workdir: Path, n: int) -> tuple[Path, list[Path]]:
    """A database with ``n`` registered participants and one filled form each."""
    from openpyxl import load_workbook

    from consult.reports.forms import write_forms
    from consult.store import NewParticipant, open_store
    from consult.store.surveys import register_survey
    from consult.survey.loader import load_survey

    survey = load_survey(SURVEY)
    db = workdir / "forms.db"
    with open_store(db) as store:
        register_survey(store, survey)
        store.add_participants(
            survey.id,
            [NewParticipant(("science", "diplomacy", "government")[i % 3]) for i in range(n)],
        )
        forms = write_forms(store, survey, workdir / "forms")
    for i, path in enumerate(forms):
        wb = load_workbook(path)
        ws = wb["Form"]
        for row in ws.iter_rows():
            key = row[4].value
            if not key:
                continue
            if key.endswith(".support"):
                row[2].value = f"{1 + (i + len(key)) % 5}"
            elif key == "coordinator":
                row[2].value = "joint"
            elif key in ANSWERS:
                row[2].value = ANSWERS[key]
        wb.save(path)
    return db, forms


def read_only(forms: list[Path]) -> int:
    """The floor: open each workbook and read every cell of its Form sheet."""
    from openpyxl import load_workbook

    cells = 0
    for path in forms:
        wb = load_workbook(path, read_only=True, data_only=True)
        for row in wb["Form"].iter_rows(values_only=True):
            cells += sum(1 for v in row if v is not None)
        wb.close()
    return cells


def case_import_forms(workdir: Path, n: int, repeats: int = 3) -> Row:
    db, forms = make_forms(workdir, n)
    ours, floor = [], []
    for _ in range(repeats):
        fresh = workdir / "run.db"
        shutil.copy(db, fresh)
        shutil.copy(db.with_name(db.name + ".key"), fresh.with_name(fresh.name + ".key"))
        t = time.perf_counter()
        done = subprocess.run(
            [CONSULT, "--db", str(fresh), "import", str(SURVEY), *map(str, forms)],
            capture_output=True,
            text=True,
        )
        ours.append(time.perf_counter() - t)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.splitlines()[-1].startswith(f"{n} created"), done.stdout[-300:]
        t = time.perf_counter()
        read_only(forms)
        floor.append(time.perf_counter() - t)
    mine, base = sorted(ours)[len(ours) // 2], sorted(floor)[len(floor) // 2]
    ratio = mine / base
    return Row(
        f"import: consult import of {n:,} filled forms",
        fmt_s(mine),
        f"{fmt_s(base)} openpyxl reading the same workbooks",
        ratio,
        "<= 2x",
        ratio <= 2,
    )


if __name__ == "__main__":
    import tempfile

    n = int(sys.argv[sys.argv.index("--forms") + 1]) if "--forms" in sys.argv else 1000
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as tmp:
        print(table([case_import_forms(Path(tmp), n)]))
