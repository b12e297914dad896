"""Delphi rounds in the terminal: what ``consult round open`` did, ``consult round status`` and
``consult results --rounds`` (every proposal across rounds).

The figures come from :mod:`consult.results.rounds` (closed rounds from their frozen
snapshots); this module only lays them out. Survey texts pass through the sanitiser.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from consult.i18n import Labels
from consult.i18n.results import LABELS as RESULT_LABELS
from consult.i18n.rounds import LABELS
from consult.results.rounds import Opened
from consult.safe_text import strip_control
from consult.survey.model import Survey

#: A proposal's title is cut to this many cells in the stability table.
TITLE_CELLS = 24
#: The stability table's figure columns and the cells each needs (e.g. "<0.001", "-0.07").
NUMBER_CELLS = {
    "pairs": 5, "changed": 4, "mean_change": 4, "wilcoxon_p": 6, "kappa": 5, "iqr_change": 4,
    "cv_change": 5,
}  # fmt: skip
CONSENSUS_STYLES = {"for": "green", "against": "red", "none": "dim", "insufficient": "dim"}


def _proposal(survey: Survey, pid: str, lang: str) -> str:
    """``P3 Title``: the proposal's number in the survey and its title, sanitised."""
    ids = [p.id for p in survey.proposals]
    if pid not in ids:
        return strip_control(pid)
    p = survey.proposals[ids.index(pid)]
    return f"P{ids.index(pid) + 1} {strip_control(p.title.get(lang))}"


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    return "0" if value == 0 else f"{value:+.{digits}f}"


def _point(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def arrow(change: float | None, now: float | None = None, percent: bool = False) -> str:
    """↑, ↓ or → for a change as shown (a support change under half a percent point is →);
    empty when there is nothing to compare."""
    if change is None:
        return ""
    if percent and now is not None:
        change = round(now * 100) - round((now - change) * 100)
    return "↑" if change > 0 else "↓" if change < 0 else "→"


# --------------------------------------------------------------------------- results --rounds


def render_overview(overview: dict[str, Any], survey: Survey, lang: str) -> RenderableType:
    """``consult results --rounds``: one row per proposal, one column per round."""
    t = Labels(LABELS, lang)
    verdicts = Labels(RESULT_LABELS, lang)
    table = Table(
        title=t("overview_title", survey=strip_control(survey.title.get(lang))),
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_lines=True,
    )
    table.add_column(t("proposal"), ratio=2, min_width=14)
    for n in overview["rounds"]:
        table.add_column(t("round_n", n=n), ratio=1, min_width=10)
    for p in overview["proposals"]:
        title = Text(_proposal(survey, p["id"], lang))
        if p["settled_in"] is not None:
            verdict = verdicts(p["settled_verdict"])
            title.append(f"\n{verdict}, {t('settled_in', n=p['settled_in'])}", style="bold")
        cells: list[RenderableType] = [title]
        for cell in p["rounds"]:
            cells.append(_overview_cell(cell, t, verdicts))
        table.add_row(*cells)
    return Group(table, Text(t("overview_legend"), style="dim"))


def _overview_cell(cell: dict[str, Any] | None, t: Labels, verdicts: Labels) -> Text:
    if cell is None:
        return Text(t("not_asked"), style="dim")
    support = arrow(cell["support_change"], cell["support"], percent=True)
    median = arrow(cell["median_change"])
    text = Text(f"{_pct(cell['support'])} {support}".rstrip())
    iqr = f"({_point(cell['q1'])}–{_point(cell['q3'])})" if cell["q1"] is not None else ""
    text.append(" ".join(x for x in ("\n" + _point(cell["median"]), iqr, median) if x))
    text.append(f"\n{verdicts(cell['verdict'])}", style=CONSENSUS_STYLES.get(cell["verdict"]))
    return text


# --------------------------------------------------------------------------- round status


def render_status(status: dict[str, Any], survey: Survey, lang: str) -> RenderableType:
    """``consult round status``: the design, then per round its state, participation by group
    (with attrition from the round before), what it asked and its stability."""
    t = Labels(LABELS, lang)
    parts: list[RenderableType] = [
        Text(
            t(
                "status_title",
                survey=strip_control(survey.title.get(lang)),
                n=status["current_round"],
            ),
            style="bold",
        )
    ]
    design = status["design"]
    if design is None:
        parts.append(Text(t("no_design")))
    else:
        crit = design["stability"] or t("no_criterion")
        parts.append(Text(t("design", **{**design, "criterion": crit}), style="dim"))
    for rnd in status["rounds"]:
        parts += ["", *_round_block(rnd, survey, lang, t, design)]
    return Group(*parts)


def _round_block(
    rnd: dict[str, Any], survey: Survey, lang: str, t: Labels, design: dict[str, Any] | None
) -> list[RenderableType]:
    closed = t("closed_at", at=_when(rnd["closed_at"])) if rnd["closed_at"] else ""
    heading = t(
        "round_heading",
        n=rnd["round"],
        state=t(f"state_{rnd['state']}"),
        opened=_when(rnd["opened_at"]),
        closed=closed,
    )
    if rnd["include_simulated"]:
        heading += t("simulated")
    out: list[RenderableType] = [Text(heading, style="bold")]
    stability = rnd["stability"] or {}
    attrition = stability.get("attrition", {})
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for key in ("group", "invited", "started", "submitted"):
        table.add_column(t(key), justify="left" if key == "group" else "right")
    if attrition:
        table.add_column(t("lost"), justify="right")
    part = rnd["participation"]
    for g in part["groups"]:
        row = [strip_control(g["group"]), str(g["invited"]), str(g["started"]), str(g["submitted"])]
        if attrition:
            a = attrition.get(g["group"])
            row.append("–" if a is None else f"{a['n_lost']} ({_pct(a['lost_share'])})")
        table.add_row(*row)
    total = part["total"]
    row = [t("all"), str(total["invited"]), str(total["started"]), str(total["submitted"])]
    if attrition:
        lost = sum(a["n_lost"] for a in attrition.values())
        before = sum(a["n_previous"] for a in attrition.values())
        row.append(f"{lost} ({_pct(lost / before if before else None)})")
    table.add_row(*row, style="bold")
    out.append(table)
    if part.get("incomplete"):
        out.append(Text(t("incomplete", n=part["incomplete"])))
    verdicts = rnd["verdicts"]
    reached = sum(1 for pid in rnd["carried"] if verdicts.get(pid) in ("for", "against"))
    out.append(
        Text(
            t(
                "asked",
                carried=len(rnd["carried"]),
                reached=reached,
                open=len(rnd["carried"]) - reached,
                settled=len(rnd["settled"]),
            )
        )
    )
    if stability.get("proposals"):
        out += _stability_block(stability, survey, lang, t)
    return out


def _stability_block(
    stability: dict[str, Any], survey: Survey, lang: str, t: Labels
) -> list[RenderableType]:
    table = Table(
        title=t("stability_title", n=stability["between"][0]),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        padding=(0, 0, 0, 1),
    )
    table.add_column(t("proposal"), no_wrap=True, overflow="ellipsis", max_width=TITLE_CELLS)
    for key, cells in NUMBER_CELLS.items():
        table.add_column(t(key), justify="right", no_wrap=True, min_width=cells)
    table.add_column(t("stable"), no_wrap=True, min_width=6)
    for pid, entry in stability["proposals"].items():
        s = entry["stability"]
        stable = entry["stable"]
        verdict = t("unknown") if stable is None else t("yes") if stable else t("no")
        if s is None:
            table.add_row(_proposal(survey, pid, lang), "0", *(["–"] * 6), verdict)
            continue
        w = s["wilcoxon"]
        table.add_row(
            _proposal(survey, pid, lang),
            str(s["n_pairs"]),
            _pct(s["changed_share"]),
            _num(s["mean_absolute_change"]),
            "–" if w is None else _p(w["p_value"]),
            _num(s["weighted_kappa"]),
            _signed(s["iqr_change"], 1),
            _signed(s["cv_change"]),
            verdict,
            style=None if stable is None else "green" if stable else None,
        )
    out: list[RenderableType] = [table]
    criterion = stability.get("criterion")
    if criterion:
        met = stability.get("criterion_met")
        key = (
            "criterion_unknown" if met is None else "criterion_met" if met else "criterion_not_met"
        )
        out.append(Text(t(key, criterion=criterion), style="bold" if met else None))
    out.append(Text(t("stability_legend"), style="dim"))
    return out


def _when(stamp: str | None) -> str:
    """``2026-07-01 14:05`` (UTC) from a stored ISO time."""
    return "–" if not stamp else stamp[:16].replace("T", " ")


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


# --------------------------------------------------------------------------- round open


def opened_lines(opened: Opened, survey: Survey) -> list[str]:
    """What ``consult round open`` did, in plain lines for the facilitator."""
    lang = survey.languages[0]
    verdicts = Labels(RESULT_LABELS, lang)
    noun = "response" if opened.submitted == 1 else "responses"
    lines = [
        f"Round {opened.closed} closed; its results are frozen: {opened.submitted} submitted "
        f"{noun}."
    ]
    if opened.in_progress_left:
        lines.append(
            f"{opened.in_progress_left} responses in progress were left incomplete (no more "
            f"answers to round {opened.closed})."
        )
    lines.append(f"Round {opened.opened} is open. It asks {len(opened.carried)} proposals again:")
    lines += [f"  {_proposal(survey, pid, lang)}" for pid in opened.carried]
    if opened.settled:
        lines.append("Settled (not asked again):")
        lines += [
            f"  {_proposal(survey, pid, lang)}: {verdicts(s['verdict'])} (round {s['round']})"
            for pid, s in opened.settled.items()
        ]
    lines += _stability_lines(opened.stability, survey, lang)
    return lines


def _stability_lines(stability: dict[str, Any], survey: Survey, lang: str) -> list[str]:
    if not stability or not stability.get("proposals"):
        return []
    before, after = stability["between"]
    lines = [f"Stability of round {after} against round {before}:"]
    for pid, entry in stability["proposals"].items():
        s = entry["stability"]
        if s is None:
            lines.append(f"  {_proposal(survey, pid, lang)}: no participant answered both")
            continue
        mark = {True: ", stable", False: ", not stable", None: ""}[entry["stable"]]
        lines.append(
            f"  {_proposal(survey, pid, lang)}: {_pct(s['changed_share'])} changed of "
            f"{s['n_pairs']}, weighted kappa {_num(s['weighted_kappa'])}{mark}"
        )
    criterion, met = stability.get("criterion"), stability.get("criterion_met")
    if not criterion:
        lines.append("The survey declares no stopping criterion (delphi.stability).")
    elif met:
        lines.append(
            f"The stopping criterion ({criterion}) is met for every proposal asked: consider "
            "`consult round close`."
        )
    elif met is None:
        lines.append(f"The stopping criterion ({criterion}) cannot be evaluated yet.")
    else:
        lines.append(f"The stopping criterion ({criterion}) is not met.")
    return lines
