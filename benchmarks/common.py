"""What the benchmark scripts share: where consult is, a result row, and how rows print."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
CONSULT = str(BIN / "consult")


@dataclass
class Row:
    case: str
    median: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""


def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.0f} ms"
    return f"{seconds:.2f} s"


def table(rows: list[Row]) -> str:
    head = "| case | median | baseline | ratio | target | met |\n|---|---|---|---|---|---|\n"
    body = []
    for r in rows:
        ratio = "–" if r.ratio is None else f"{r.ratio:.2f}x"
        met = "–" if r.met is None else ("yes" if r.met else "**no**")
        median = r.median + (f" ({r.note})" if r.note else "")
        body.append(f"| {r.case} | {median} | {r.baseline} | {ratio} | {r.target} | {met} |")
    return head + "\n".join(body) + "\n"
