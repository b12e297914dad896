"""Benchmark of the Delphi round engine: what ``consult round open`` and ``consult results
--rounds`` cost against one aggregation of the same round.

    python benchmarks/rounds.py [--participants 5000] [--repeat 3]

(``run.py`` runs it too.) The bundled example survey is widened to 50 proposals (each of its six
repeated under new ids); a simulated panel answers round 1, round 2 is opened and answered by
it. Then, in-process and alternating with the baseline:

- ``round open`` (closing round 2: its results, participation and the stability of every
  carried proposal against round 1, frozen in the snapshot; opening round 3) on a fresh copy of
  the database each time;
- ``rounds_overview`` while round 2 is open (round 1 from its snapshot, round 2 computed live
  with its stability);
- the baseline: one ``aggregate`` of round 2, the work ``consult results`` does.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from common import Row, fmt_s, table  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
N_PROPOSALS = 50


def wide_survey_yaml(n: int = N_PROPOSALS) -> str:
    """The example survey with ``n`` proposals: its own six, then copies under new ids."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["id"] = "st-diplomacy-wide"
    base = data["proposals"]
    proposals = []
    for i in range(n):
        p = dict(base[i % len(base)])
        k = i // len(base)
        if k:
            p["id"] = f"{p['id']}-{k + 1}"
            p["title"] = {lang: f"{t} ({k + 1})" for lang, t in p["title"].items()}
        proposals.append(p)
    data["proposals"] = proposals
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def case_rounds(workdir: Path, participants: int = 5000, repeat: int = 3) -> list[Row]:
    from consult.results.aggregation import aggregate
    from consult.results.rounds import open_next_round, rounds_overview
    from consult.session.simulation import simulate
    from consult.session.simulation_rounds import simulate_next_round
    from consult.store import ResponseFilter, open_store
    from consult.store.plans import plan_of
    from consult.store.surveys import register_survey
    from consult.survey.loader import load_survey

    path = workdir / "wide.yaml"
    path.write_text(wide_survey_yaml(), encoding="utf-8")
    survey = load_survey(path)
    db = workdir / "rounds.db"
    with open_store(db) as store:
        register_survey(store, survey)
        simulate(store, survey, participants, seed=1)
        open_next_round(store, survey, include_simulated=True)
        simulate_next_round(store, survey, 2, seed=2)
        answers = store.report_answer_count(survey.id, ResponseFilter(include_simulated=True))
        carried = len(plan_of(store, survey).carried)
    flt = ResponseFilter(round=2, include_simulated=True)

    def baseline() -> None:
        with open_store(db) as store:
            aggregate(store, survey, flt)

    def overview() -> None:
        with open_store(db) as store:
            rounds_overview(store, survey, include_simulated=True)

    copies = [workdir / f"copy-{i}.db" for i in range(repeat + 1)]

    def open_on(copy: Path) -> Callable[[], None]:
        def go() -> None:
            with open_store(copy) as store:
                open_next_round(store, survey, include_simulated=True)

        return go

    for copy in copies:
        shutil.copy(db, copy)
    baseline(), overview(), open_on(copies[0])()  # one untimed run of each
    base_t, open_t, over_t = [], [], []
    for copy in copies[1:]:
        base_t.append(timed(baseline))
        open_t.append(timed(open_on(copy)))
        over_t.append(timed(overview))
    base, opened, over = (statistics.median(t) for t in (base_t, open_t, over_t))
    what = f"{participants:,} participants x {N_PROPOSALS} proposals ({carried} carried), "
    what += f"{answers:,} answers in 2 rounds"
    baseline_text = f"{fmt_s(base)} one aggregate of round 2"
    return [
        Row(
            f"round open: snapshot + stability, {what}",
            fmt_s(opened),
            baseline_text,
            opened / base,
            "ratio reported",
            None,
        ),
        Row(
            f"results --rounds: rounds_overview, {what}",
            fmt_s(over),
            baseline_text,
            over / base,
            "ratio reported",
            None,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-rounds-"))
    try:
        rows = case_rounds(workdir, args.participants, args.repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.write(table(rows))


if __name__ == "__main__":
    main()
