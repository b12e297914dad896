"""What a survey definition may say, part by part: the top keys, languages, stakeholder groups,
answer scales, settings, proposals and questions (each question's own fields are its type's to
read: :mod:`consult.survey.question_types`). Every problem goes to the validator; reading goes on.
"""

from __future__ import annotations

import re

from consult.survey.conditions import read_condition, some_question_named
from consult.survey.consensus import check_preset_scales, read_consensus
from consult.survey.delphi import read_delphi
from consult.survey.elements import ENROLMENT_MODES, GROUP_SUBJECT, Group, Option, Scale, ScalePoint
from consult.survey.located import LocDict, LocList
from consult.survey.model import Proposal, Settings, Survey
from consult.survey.question_types import QUESTION_TYPES, TYPES, Question, ReadContext
from consult.survey.validate import Validator, join
from consult.survey.yaml_reader import definition_hash, plain

LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
RESERVED_GROUP_IDS = ("panel",)

TOP_KEYS = {
    "id": True,
    "title": True,
    "version": True,
    "languages": True,
    "groups": True,
    "proposals": True,
    "consensus": True,
    "description": False,
    "scales": False,
    "profile": False,
    "closing": False,
    "settings": False,
    "delphi": False,
    # What ``consult publish`` puts in the Datasette metadata: plain text or a web address.
    "licence": False,
    "source": False,
}
QUESTION_KEYS_COMMON = {"id", "type", "text", "help", "required", "when"}
#: Every key some question type allows: what a question of an unknown type may have.
TYPE_KEYS = set().union(*(t.keys for t in TYPES.values()))


def build_survey(v: Validator, top: LocDict) -> Survey | None:
    """The survey the definition ``top`` defines, or None after problems (they are in ``v``)."""
    v.keys(top, "", set(TOP_KEYS), {k for k, req in TOP_KEYS.items() if req})

    languages = _languages(v, top)
    v.languages = languages
    survey_id = v.ident(top, "id", "")
    version = top.get("version")
    if "version" in top and (
        isinstance(version, bool) or not isinstance(version, str | int | float)
    ):
        v.problem(v.line_of(top, "version"), "version", "expected a version such as '1.0'")
    title = v.text_at(top, "title", "")
    description = v.text_at(top, "description", "")
    for key in ("licence", "source"):
        if key in top and (not isinstance(top[key], str) or not top[key].strip()):
            v.problem(v.line_of(top, key), key, "expected text, e.g. 'CC BY 4.0' or a web address")
    groups = _groups(v, top)
    v.group_ids = tuple(g.id for g in groups)
    v.question_named_group = some_question_named(top, GROUP_SUBJECT)
    scales = _scales(v, top)
    settings = _settings(v, top)

    ctx = ReadContext(scales={s.id: s for s in scales})
    ids_seen: dict[str, int] = {}
    profile = _questions(v, top, "profile", None, ctx, ids_seen, required_list=False)
    proposals = _proposals(v, top, ctx, ids_seen)
    ctx = ReadContext(ctx.scales, tuple(Option(p.id, p.title) for p in proposals))
    closing = _questions(v, top, "closing", None, ctx, ids_seen, required_list=False)
    consensus = read_consensus(v, top, scales)
    if consensus is not None and not v.problems:  # every proposal has its support question
        supports = [p.support_question for p in proposals]
        used = {q.scale: ctx.scales[q.scale] for q in supports if q.scale in ctx.scales}
        check_preset_scales(v, consensus, used)

    delphi = read_delphi(v, top, {q.id for p in proposals for q in p.questions})

    if v.problems:
        return None
    assert survey_id and title and consensus is not None
    definition = plain(top)
    return Survey(
        id=survey_id,
        title=title,
        version=str(version),
        languages=languages,
        groups=groups,
        scales=scales,
        proposals=proposals,
        consensus=consensus,
        description=description,
        profile=profile,
        closing=closing,
        settings=settings,
        delphi=delphi,
        hash=definition_hash(definition),
        definition=definition,
        path=v.file,
    )


def _languages(v: Validator, top: LocDict) -> tuple[str, ...]:
    if "languages" not in top:
        return ("en",)
    items = v.sequence(top["languages"], "languages", v.line_of(top, "languages"))
    if items is None:
        return ("en",)
    out: list[str] = []
    for i, lang in enumerate(items):
        if not isinstance(lang, str) or not LANG_RE.fullmatch(lang):
            v.problem(v.line_of(items, i), f"languages[{i}]", f"{lang!r} is not a language code")
        elif lang in out:
            v.problem(v.line_of(items, i), f"languages[{i}]", f"duplicate language '{lang}'")
        else:
            out.append(lang)
    return tuple(out) or ("en",)


def _groups(v: Validator, top: LocDict) -> tuple[Group, ...]:
    items = (
        v.sequence(top.get("groups"), "groups", v.line_of(top, "groups"))
        if "groups" in top
        else None
    )
    if items is None:
        return ()
    out: list[Group] = []
    seen: dict[str, int] = {}
    for path, item in v.mappings(items, "groups"):
        v.keys(item, path, {"id", "label"}, {"id", "label"})
        gid = v.ident(item, "id", path)
        if gid in RESERVED_GROUP_IDS:
            # Results and exports use "panel" for the whole panel beside each group.
            v.problem(
                v.line_of(item, "id"), join(path, "id"), f"'{gid}' is reserved; choose another id"
            )
            gid = None
        v.unique(seen, gid, v.line_of(item, "id"), join(path, "id"))
        label = v.text_at(item, "label", path)
        if gid and label:
            out.append(Group(gid, label))
    return tuple(out)


def _scales(v: Validator, top: LocDict) -> tuple[Scale, ...]:
    if "scales" not in top:
        return ()
    items = v.sequence(top["scales"], "scales", v.line_of(top, "scales"))
    if items is None:
        return ()
    out: list[Scale] = []
    seen: dict[str, int] = {}
    for path, item in v.mappings(items, "scales"):
        v.keys(
            item,
            path,
            {"id", "points", "support", "opposition", "abstain"},
            {"id", "points", "support", "opposition"},
        )
        sid = v.ident(item, "id", path)
        v.unique(seen, sid, v.line_of(item, "id"), join(path, "id"))
        points = _scale_points(v, item, path)
        values = {p.value for p in points}
        support = _point_set(v, item, "support", path, values)
        opposition = _point_set(v, item, "opposition", path, values)
        if support is not None and opposition is not None and support & opposition:
            v.problem(
                v.line_of(item, "opposition"),
                join(path, "opposition"),
                f"points {sorted(support & opposition)} cannot count as both support and "
                "opposition",
            )
        abstain = None
        if "abstain" in item:
            abstain = v.text(item["abstain"], join(path, "abstain"), v.line_of(item, "abstain"))
        if sid and points and support is not None and opposition is not None:
            # Points in both sets are a problem above; the scale is still known (without them
            # in opposition), so questions on it are not reported as well.
            out.append(Scale(sid, points, support, opposition - support, abstain))
    return tuple(out)


def _scale_points(v: Validator, item: LocDict, path: str) -> tuple[ScalePoint, ...]:
    if "points" not in item:
        return ()
    ppath = join(path, "points")
    items = v.sequence(item["points"], ppath, v.line_of(item, "points"))
    if items is None:
        return ()
    if len(items) < 2:
        v.problem(items.line, ppath, "a scale needs at least two points")
    out: list[ScalePoint] = []
    for pp, point in v.mappings(items, ppath):
        v.keys(point, pp, {"value", "label"}, {"value", "label"})
        value = v.number(point, "value", pp, integer=True)
        label = v.text_at(point, "label", pp)
        if value is not None and out and value <= out[-1].value:
            v.problem(v.line_of(point, "value"), join(pp, "value"), "point values must increase")
            continue
        if value is not None and label is not None:
            out.append(ScalePoint(int(value), label))
    return tuple(out)


def _point_set(
    v: Validator, item: LocDict, key: str, path: str, values: set[int]
) -> frozenset[int] | None:
    if key not in item:
        return None
    kpath = join(path, key)
    items = v.sequence(item[key], kpath, v.line_of(item, key))
    if items is None:
        return None
    out = set()
    for j, value in enumerate(items):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or (values and value not in values)
        ):
            v.problem(
                v.line_of(items, j), f"{kpath}[{j}]", f"{value!r} is not a point of this scale"
            )
        else:
            out.add(value)
    return frozenset(out)


def _settings(v: Validator, top: LocDict) -> Settings:
    if "settings" not in top:
        return Settings()
    data = v.mapping(top["settings"], "settings", v.line_of(top, "settings"))
    if data is None:
        return Settings()
    v.keys(data, "settings", {"enrolment", "consent", "allow_revision"}, set())
    enrolment = data.get("enrolment", "panel")
    if enrolment not in ENROLMENT_MODES:
        v.problem(
            v.line_of(data, "enrolment"),
            "settings.enrolment",
            f"{enrolment!r} is not one of {', '.join(ENROLMENT_MODES)}",
        )
        enrolment = "panel"
    consent = None
    if "consent" in data:
        consent = v.text(data["consent"], "settings.consent", v.line_of(data, "consent"))
    allow = v.boolean(data, "allow_revision", "settings", False)
    return Settings(enrolment=enrolment, consent=consent, allow_revision=allow)


def _proposals(
    v: Validator, top: LocDict, ctx: ReadContext, ids_seen: dict[str, int]
) -> tuple[Proposal, ...]:
    if "proposals" not in top:
        return ()
    items = v.sequence(top["proposals"], "proposals", v.line_of(top, "proposals"))
    if items is None:
        return ()
    out: list[Proposal] = []
    for path, item in v.mappings(items, "proposals"):
        v.keys(
            item,
            path,
            {"id", "title", "statement", "questions"},
            {"id", "title", "statement", "questions"},
        )
        pid = v.ident(item, "id", path)
        v.unique(ids_seen, pid, v.line_of(item, "id"), join(path, "id"))
        title = v.text_at(item, "title", path)
        statement = v.text_at(item, "statement", path)
        questions = _questions(v, item, "questions", pid, ctx, {}, required_list=True, base=path)
        if questions and not any(q.kind.measures_support for q in questions):
            v.problem(
                v.line_of(item, "questions"),
                join(path, "questions"),
                "a proposal needs a scale question to measure its support",
            )
        if pid and title and statement and questions:
            out.append(Proposal(pid, title, statement, questions))
    return tuple(out)


def _questions(
    v: Validator,
    parent: LocDict,
    key: str,
    proposal: str | None,
    ctx: ReadContext,
    ids_seen: dict[str, int],
    *,
    required_list: bool,
    base: str = "",
) -> tuple[Question, ...]:
    if key not in parent:
        return ()
    path = join(base, key)
    items = v.sequence(parent[key], path, v.line_of(parent, key), empty_ok=not required_list)
    if items is None:
        return ()
    out: list[Question] = []
    known: dict[str, Question] = {}
    for qpath, item in v.mappings(items, path):
        q = _question(v, item, qpath, proposal, ctx, ids_seen, known, items)
        if q is not None:
            out.append(q)
            known[q.id] = q
    return tuple(out)


def _question(
    v: Validator,
    item: LocDict,
    path: str,
    proposal: str | None,
    ctx: ReadContext,
    ids_seen: dict[str, int],
    earlier: dict[str, Question],
    siblings: LocList,
) -> Question | None:
    qtype = item.get("type")
    if "type" in item and qtype not in QUESTION_TYPES:
        v.problem(
            v.line_of(item, "type"),
            join(path, "type"),
            f"unknown question type {qtype!r} (one of {', '.join(QUESTION_TYPES)})",
        )
        qtype = None
    kind = TYPES[qtype] if qtype else None
    allowed = QUESTION_KEYS_COMMON | (kind.keys if kind else TYPE_KEYS)
    v.keys(item, path, allowed, {"id", "type", "text"} | (kind.required_keys if kind else set()))
    qid = v.ident(item, "id", path)
    v.unique(ids_seen, qid, v.line_of(item, "id"), join(path, "id"))
    text = v.text_at(item, "text", path)
    help_text = v.text_at(item, "help", path)
    default = kind.required_by_default if kind else True
    required = v.boolean(item, "required", path, default=default)
    key = f"{proposal}.{qid}" if proposal and qid else qid
    fields = kind.read(v, item, path, ctx) if kind else {}
    when = None
    if "when" in item:
        when = read_condition(v, item, path, earlier, ctx.scales, siblings)

    if qid is None or text is None or qtype is None or v.problems_in(path):
        return None
    return Question(
        key=key,
        id=qid,
        type=qtype,
        text=text,
        required=required,
        proposal=proposal,
        help=help_text,
        when=when,
        **fields,
    )
