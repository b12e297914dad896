"""Conditions: ``when: support <= 2`` shows a question only after some earlier answers,
``when: group in [government]`` only to some stakeholder groups.

What a condition may say about an answer is up to the answered question's type
(:meth:`consult.survey.question_types.QuestionType.condition_problem`).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml

from consult.survey.elements import CONDITION_OPERATORS, GROUP_SUBJECT, Condition
from consult.survey.located import LocDict, LocList
from consult.survey.question_types import Question, ScaleTable
from consult.survey.validate import Validator, join

CONDITION_RE = re.compile(
    r"^\s*(?P<q>[A-Za-z][A-Za-z0-9_-]*)\s*(?P<op>[=!<>]+|\bin\b|\bcontains\b)\s*(?P<v>.+?)\s*$"
)


def read_condition(
    v: Validator,
    item: LocDict,
    path: str,
    earlier: dict[str, Question],
    scales: ScaleTable,
    siblings: LocList,
) -> Condition | None:
    """The ``when`` of the question ``item``: a condition on an earlier answer among
    ``siblings`` (``earlier``, by id) or on the stakeholder group; None after a problem."""
    cpath = join(path, "when")
    line = v.line_of(item, "when")
    raw = item["when"]
    match = CONDITION_RE.match(raw) if isinstance(raw, str) else None
    if match is None:
        v.problem(
            line,
            cpath,
            f"cannot read condition {raw!r}: "
            "expected 'question operator value', e.g. 'support <= 2'",
        )
        return None
    qid, op, raw_value = match["q"], match["op"], match["v"]
    if op not in CONDITION_OPERATORS:
        v.problem(line, cpath, f"bad operator {op!r} (one of {', '.join(CONDITION_OPERATORS)})")
        return None
    # An earlier question called "group" keeps its name: only otherwise is it the group.
    target = earlier.get(qid)
    if target is None and qid != GROUP_SUBJECT:
        here = next(i for i, sibling in enumerate(siblings) if sibling is item)
        if any(isinstance(s, dict) and s.get("id") == qid for s in siblings[here + 1 :]):
            message = f"condition refers to {qid!r}, which comes later; only earlier answers count"
        else:
            message = f"condition refers to {qid!r}, which is not an earlier question here"
            close = difflib.get_close_matches(qid, sorted(earlier), n=1, cutoff=0.6)
            message += f" (did you mean {close[0]!r}?)" if close else ""
        v.problem(line, cpath, message)
        return None
    try:
        value = yaml.safe_load(raw_value)
    except yaml.YAMLError:
        v.problem(line, cpath, f"cannot read the value {raw_value!r}")
        return None
    if op == "in":
        if not isinstance(value, list) or not value:
            v.problem(line, cpath, "'in' needs a list, e.g. 'sector in [ai, quantum]'")
            return None
        value = tuple(value)
    if target is None and v.question_named_group:
        problem = (
            f"'{GROUP_SUBJECT}' would mean the stakeholder group here, but a question is also "
            f"called '{GROUP_SUBJECT}'; rename that question"
        )
    elif target is None:
        problem = group_condition_problem(op, value, v.group_ids)
    else:
        problem = target.kind.condition_problem(target, op, value, scales)
    if problem:
        v.problem(line, cpath, problem)
        return None
    if target is None:
        return Condition(question=GROUP_SUBJECT, op=op, value=value, on_group=True)
    return Condition(question=target.key, op=op, value=value)


def some_question_named(top: Any, qid: str) -> bool:
    """Whether some question of the definition ``top`` has the id ``qid``."""
    lists = [top.get("profile"), top.get("closing")]
    proposals = top.get("proposals")
    if isinstance(proposals, list):
        lists += [p.get("questions") for p in proposals if isinstance(p, dict)]
    return any(
        isinstance(q, dict) and q.get("id") == qid
        for questions in lists
        if isinstance(questions, list)
        for q in questions
    )


def group_condition_problem(op: str, value: Any, group_ids: tuple[str, ...]) -> str | None:
    """``group == government``, ``group != science`` or ``group in [science, diplomacy]``."""
    if op not in ("==", "!=", "in"):
        return f"operator {op!r} does not apply to the group; use ==, != or in"
    for gid in value if isinstance(value, tuple) else (value,):
        if gid not in group_ids:
            close = difflib.get_close_matches(str(gid), group_ids, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(group_ids)}"
            return f"unknown group {gid!r} ({hint})"
    return None
