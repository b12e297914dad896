"""Several rooms, one database: merging the databases of one survey (``consult merge``).

A roundtable may run in two rooms on two laptops. Merging brings the participants, responses
and answers of each source database into the target, by the stable ids of migration 6, in one
write transaction for all sources: all or nothing, and merging the same source again changes
nothing. Modelled on ODK Central's resubmitted instance (same id and content: accepted; same id,
other content: refused) and CommCare's duplicate forms. What is refused, and why:

- *conflicts*: an answer both hold for the same response with different values. Listed per
  answer with both values and times; refused unless ``prefer`` is ``newer``, ``target`` or
  ``source``. The value that loses stays in the target's history.
- *clashes*: a newcomer whose pseudonym (or external id) the target gives another person,
  named on both sides. Access codes are kept as keyed hashes with a key file per database, so
  codes compare only when both databases share one key (a panel registered once and the file
  copied to each laptop with its key); two keys cannot be compared, and then a newcomer's code
  does not work in the target (``consult panel reissue`` gives a new one). A simulated
  newcomer whose pseudonym is taken is given a fresh one instead (nobody holds it).
- *surveys*: a response answered on a version the target does not hold is accepted when that
  version has the same questions, scales and groups as the target's current one.
- *rounds*: the source's recorded Delphi rounds must be recorded alike in the target (merging
  venues of the same round is the use case).

An answer the target has and the source does not stays as it is (a merge never deletes); a
response submitted in the source and in progress in the target becomes submitted. Secrets (the
``secrets`` table, the key file) are never copied.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from consult.errors import InputError, SurveyError
from consult.safe_text import strip_control
from consult.store import Store, open_store
from consult.store.records import MergeConflict, MergeCounts, MergePlan, MergeSource, Round
from consult.survey.loader import survey_from_definition
from consult.survey.model import Survey

#: How a conflict may be settled.
PREFER = ("newer", "target", "source")


@dataclass(frozen=True)
class SourceResult:
    """One source's merge: what it found, and what it wrote (None when it was refused)."""

    path: str
    plan: MergePlan
    counts: MergeCounts | None
    prefer: str | None = None


@dataclass
class MergeReport:
    target: str
    dry_run: bool = False
    results: list[SourceResult] = field(default_factory=list)


class MergeRefused(InputError):
    """A source was refused: nothing was merged. ``report`` says what each source found."""

    def __init__(self, message: str, report: MergeReport) -> None:
        super().__init__(message)
        self.report = report


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def merge_databases(
    store: Store,
    sources: Sequence[str | Path],
    *,
    survey_id: str | None = None,
    prefer: str | None = None,
    dry_run: bool = False,
) -> MergeReport:
    """Merge ``sources`` into ``store``, all or nothing, in one write transaction.

    ``survey_id`` names the survey when a source holds several. Raises :class:`MergeRefused`
    (with the report so far) for a conflict without ``prefer``, a clash, an incompatible survey
    version or different rounds; nothing is written then. ``dry_run`` reports and writes
    nothing."""
    if prefer is not None and prefer not in PREFER:
        raise InputError(f"--prefer {prefer!r}: choose newer, target or source")
    paths = _checked_sources(store.path, sources)
    report = MergeReport(str(store.path), dry_run)
    with store.merge_sources(paths) as attached:
        try:
            with store.transaction():
                for source in attached:
                    sid = survey_id or _survey_of(store, source)
                    plan = store.plan_merge(source, sid)
                    refusal = _refusal(store, plan, prefer)
                    if refusal:
                        report.results.append(SourceResult(source.path, plan, None, prefer))
                        raise MergeRefused(f"{source.path}: {refusal}; nothing was merged", report)
                    counts = store.apply_merge(plan, prefer, Path(source.path).name)
                    report.results.append(SourceResult(source.path, plan, counts, prefer))
                    survey_id = sid  # every later source merges the same survey
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    return report


def _checked_sources(target: Path, sources: Sequence[str | Path]) -> list[Path]:
    """The sources as paths: each an existing consult database (upgraded to this consult's
    schema as any command would), none twice, none the target itself."""
    if not sources:
        raise InputError("name at least one SOURCE database to merge")
    paths: list[Path] = []
    for source in sources:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{path}: no such database")
        if target.exists() and os.path.samefile(path, target):
            raise InputError(f"{path} is the target itself")
        if any(os.path.samefile(path, p) for p in paths):
            raise InputError(f"{path} is named twice")
        with open_store(path, create=False):
            pass  # a foreign or newer file is refused here, untouched
        paths.append(path)
    return paths


def _survey_of(store: Store, source: MergeSource) -> str:
    ids = store.merge_survey_ids(source)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise InputError(f"{source.path}: it holds no participants to merge")
    raise InputError(
        f"{source.path} holds several surveys ({', '.join(ids)}): name one with --survey"
    )


def _refusal(store: Store, plan: MergePlan, prefer: str | None) -> str | None:
    """Why the plan is refused (one line), or None."""
    problem = _survey_problem(store, plan) or _rounds_problem(store, plan)
    if problem:
        return problem
    if plan.clashes:
        named = "; ".join(
            f"{c.kind} {c.value} is {c.target} in the target and {c.source} in the source"
            for c in plan.clashes
        )
        return f"{len(plan.clashes)} clash{'es' if len(plan.clashes) != 1 else ''} ({named})"
    if plan.conflicts and prefer is None:
        n = len(plan.conflicts)
        return (
            f"{n} conflicting answer{'s' if n != 1 else ''} (listed above); choose with "
            "--prefer newer, target or source"
        )
    return None


def survey_shape(survey: Survey) -> dict[str, object]:
    """What answers mean, without wording: each question's type and scale or options, and
    the groups. Two versions with the same shape pool into the same results."""
    questions: dict[str, object] = {}
    for q in survey.questions():
        scale = None
        if q.scale:
            s = survey.scale(q.scale)
            scale = (
                tuple(p.value for p in s.points),
                tuple(sorted(s.support)),
                tuple(sorted(s.opposition)),
                s.abstain is not None,
            )
        questions[q.key] = (
            q.type,
            scale,
            tuple(o.id for o in q.options),
            q.min,
            q.max,
            q.integer,
        )
    return {"questions": questions, "groups": survey.group_ids}


def _survey_problem(store: Store, plan: MergePlan) -> str | None:
    if not plan.new_versions:
        return None
    stored = store.survey_definition(plan.survey_id)
    if stored is None:
        return None  # the target holds no version: the source's become its own
    current = survey_from_definition(json.loads(stored[0]), stored[1] or plan.survey_id)
    want = survey_shape(current)
    for hash, definition in plan.new_versions.items():
        try:
            other = survey_from_definition(json.loads(definition), f"{plan.survey_id}@{hash[:12]}")
        except SurveyError as exc:
            return f"its survey version {hash[:12]} does not load ({exc.problems[0]})"
        shape = survey_shape(other)
        if shape != want:
            what = _first_difference(want, shape)
            return (
                f"its responses answered survey version {hash[:12]}, which differs from the "
                f"target's {current.hash[:12]} in {what}"
            )
    return None


def _first_difference(want: dict, got: dict) -> str:
    if want["groups"] != got["groups"]:
        return "its groups"
    mine, theirs = want["questions"], got["questions"]
    missing = sorted(set(mine) ^ set(theirs))
    if missing:
        return f"its questions ({', '.join(missing[:3])})"
    for key in mine:
        if mine[key] != theirs[key]:
            return f"the scale or options of {key}"
    return "its questions"


def _rounds_problem(store: Store, plan: MergePlan) -> str | None:
    mine = {r.number: r for r in store.rounds(plan.survey_id)}
    for r in plan.rounds:
        t = mine.get(r.number)
        if t is None:
            return f"it records round {r.number}, which the target does not"
        if _round_key(t) != _round_key(r):
            return f"it records round {r.number} otherwise than the target (opened or closed apart)"
    return None


def _round_key(r: Round) -> tuple:
    return (r.survey_hash, r.plan, r.is_open, r.final)


# --- the report -------------------------------------------------------------------------------


def describe(report: MergeReport) -> list[str]:
    """The report as lines of text, per source (participant text made safe for a terminal)."""
    lines = []
    if any(r.counts is None for r in report.results):
        lines.append("Refused: nothing was written (counts below are what it would have merged).")
    elif report.dry_run:
        lines.append("Dry run: nothing was written.")
    for r in report.results:
        name = Path(r.path).name
        lines.append(f"{r.path} -> {report.target} (survey {r.plan.survey_id}):")
        c = r.counts
        if c is None:
            lines.append(
                f"  refused: {r.plan.participants_new} new participants, "
                f"{r.plan.responses_new} new responses, {r.plan.responses_existing} already here"
            )
        else:
            renamed = f" ({c.renamed} simulated given a new pseudonym)" if c.renamed else ""
            lines.append(f"  participants added: {c.participants_added:,}{renamed}")
            lines.append(
                f"  responses added: {c.responses_added:,}, updated: {c.responses_updated:,}, "
                f"unchanged: {c.responses_unchanged:,}"
            )
            lines.append(
                f"  answers added: {c.answers_added:,}, changed: {c.answers_changed:,}, "
                f"kept (target's value): {c.answers_kept:,}"
            )
            if c.codes_unusable:
                lines.append(
                    f"  access codes of {c.codes_unusable} newcomers do not work here: the "
                    f"databases have different keys; give new ones with 'consult panel reissue'"
                )
        lines.append(f"  conflicts: {len(r.plan.conflicts)}")
        for conflict in r.plan.conflicts:
            lines.append("    " + _conflict_line(conflict, name, r.prefer if c else None))
        lines.append(f"  refused clashes: {len(r.plan.clashes)}")
        for clash in r.plan.clashes:
            lines.append(
                f"    {clash.kind} {strip_control(clash.value)}: {strip_control(clash.target)} "
                f"(target), {strip_control(clash.source)} ({name})"
            )
    return lines


def _conflict_line(c: MergeConflict, source_name: str, prefer: str | None) -> str:
    line = (
        f"{c.pseudonym} round {c.round} {c.question}: target {strip_control(c.target_value)} "
        f"at {c.target_time}, {source_name} {strip_control(c.source_value)} at {c.source_time}"
    )
    if prefer is None:
        return line
    source_wins = prefer == "source" or (prefer == "newer" and c.source_time > c.target_time)
    return line + (f" -> {source_name}'s" if source_wins else " -> target's kept")
