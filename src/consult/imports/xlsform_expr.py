"""The few XLSForm expressions a consult survey can say, in both directions.

``relevant`` <-> ``when``: one comparison (``${q} = 'x'``, ``${q} >= 3``), ``selected(${q},
'x')``, or an ``or`` of equalities on one question (``when: q in [a, b]``); ``${group}`` is the
participant's stakeholder group. ``constraint`` <-> bounds: ``. >= 0 and . <= 60`` (a number's
``min``/``max``), ``string-length(.) <= 2000`` (a text's ``max_length``),
``count-selected(.) >= 1 and count-selected(.) <= 2`` (``min_choices``/``max_choices``).
Anything else is refused with the reason: nothing is dropped in silence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from consult.survey.elements import Condition

_LITERAL = r"(?P<v>'[^']*'|\"[^\"]*\"|-?\d+(?:\.\d+)?)"
COMPARISON_RE = re.compile(
    r"^\$\{\s*(?P<n>[^}\s]+)\s*\}\s*(?P<op>!=|<=|>=|=|<|>)\s*" + _LITERAL + r"$"
)
SELECTED_RE = re.compile(
    r"^selected\s*\(\s*\$\{\s*(?P<n>[^}\s]+)\s*\}\s*,\s*(?P<v>'[^']*'|\"[^\"]*\")\s*\)$"
)
BOUND_RE = re.compile(
    r"^(?P<f>\.|string-length\(\s*\.\s*\)|count-selected\(\s*\.\s*\))\s*"
    r"(?P<op><=|>=|<|>|=|!=)\s*(?P<v>-?\d+(?:\.\d+)?)$"
)
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
NUMERIC_TYPES = ("scale", "number")
#: The constraint function each type's bounds use, and the keys they become.
BOUND_KEYS = {
    "number": (".", "min", "max"),
    "text": ("string-length(.)", None, "max_length"),
    "multiple_choice": ("count-selected(.)", "min_choices", "max_choices"),
}
WHEN_SAYS = (
    "a condition consult can ask is one comparison (${q} = 'x', ${q} >= 3), "
    "selected(${q}, 'x'), or an 'or' of equalities on one question"
)

#: What a name in an expression refers to: (the id or "group" a ``when`` uses, its type), or
#: None for a name that is not an earlier question.
Resolver = Callable[[str], tuple[str, str] | None]


class ExpressionError(ValueError):
    """An expression consult cannot say; the message is the reason."""


def number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _literal(raw: str) -> tuple[str | int | float, bool]:
    """The value of an XPath literal and whether it was quoted."""
    if raw[0] in "'\"":
        return raw[1:-1], True
    return number(raw), False


def _value_for(qtype: str, raw: str) -> str | int | float:
    value, quoted = _literal(raw)
    if qtype in NUMERIC_TYPES and quoted and re.fullmatch(r"-?\d+(?:\.\d+)?", str(value)):
        return number(str(value))  # ${support} = '3': a select_one's value is its name
    return value


def _when_value(value: str | int | float) -> str:
    if isinstance(value, str) and not ID_RE.match(value):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def relevant_to_when(expression: str, resolve: Resolver) -> str:
    """The ``when`` condition an XLSForm ``relevant`` says; ExpressionError if none."""
    text = " ".join(expression.split())
    if re.search(r"\band\b", text):
        raise ExpressionError(f"'and' cannot be expressed; {WHEN_SAYS}")
    parts = [p.strip() for p in re.split(r"\s+or\s+", text)]
    atoms = []
    for part in parts:
        while part.startswith("(") and part.endswith(")") and not part.startswith("selected"):
            part = part[1:-1].strip()
        match = COMPARISON_RE.match(part) or SELECTED_RE.match(part)
        if match is None:
            raise ExpressionError(f"cannot read '{part}'; {WHEN_SAYS}")
        target = resolve(match["n"])
        if target is None:
            raise ExpressionError(
                f"${{{match['n']}}} is not a question before this one in the same part of "
                "the survey (the profile, this group, or the closing questions)"
            )
        subject, qtype = target
        op = match.groupdict().get("op") or "selected"
        atoms.append((match["n"], subject, qtype, op, _value_for(qtype, match["v"])))
    name, subject, qtype = atoms[0][:3]
    if qtype == "multiple_choice":
        if len(atoms) > 1 or atoms[0][3] != "selected":
            raise ExpressionError(
                f"on a select_multiple only selected(${{{name}}}, 'x') can be a condition"
            )
        return f"{subject} contains {_when_value(atoms[0][4])}"
    ops = {"=": "==", "selected": "=="}
    if len(atoms) == 1:
        op = ops.get(atoms[0][3], atoms[0][3])
        return f"{subject} {op} {_when_value(atoms[0][4])}"
    if any(a[0] != name or a[3] not in ("=", "selected") for a in atoms):
        raise ExpressionError(f"an 'or' must compare one question with '='; {WHEN_SAYS}")
    return f"{subject} in [{', '.join(_when_value(a[4]) for a in atoms)}]"


def _xpath_literal(value: Any, numeric: bool) -> str:
    if numeric and not isinstance(value, str):
        return str(value)
    return f"'{value}'" if "'" not in str(value) else f'"{value}"'


def when_to_relevant(condition: Condition, name: str, qtype: str) -> str:
    """The XLSForm ``relevant`` of a condition on the question called ``name`` (of ``qtype``)."""
    ref = f"${{{name}}}"
    numeric = qtype in NUMERIC_TYPES
    if condition.op == "contains":
        return f"selected({ref}, {_xpath_literal(condition.value, False)})"
    if condition.op == "in":
        values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
        return " or ".join(f"{ref} = {_xpath_literal(v, numeric)}" for v in values)
    op = "=" if condition.op == "==" else condition.op
    return f"{ref} {op} {_xpath_literal(condition.value, numeric)}"


def constraint_to_bounds(expression: str, qtype: str) -> dict[str, int | float]:
    """The bounds a ``constraint`` sets on a question of ``qtype``; ExpressionError if none."""
    if qtype not in BOUND_KEYS:
        raise ExpressionError(f"consult has no constraint on a {qtype} question")
    function, low_key, high_key = BOUND_KEYS[qtype]
    wanted = "' and '".join(
        f"{function} {op} N" for op, key in ((">=", low_key), ("<=", high_key)) if key
    )
    out: dict[str, int | float] = {}
    for part in re.split(r"\s+and\s+", " ".join(expression.split())):
        match = BOUND_RE.match(part.strip())
        key = None
        if match and re.sub(r"\s", "", match["f"]) == function:
            key = {">=": low_key, "<=": high_key}.get(match["op"])
        if match is None or key is None or key in out:
            raise ExpressionError(f"cannot read '{part}'; only '{wanted}' can be said")
        value = number(match["v"])
        if qtype != "number" and not isinstance(value, int):
            raise ExpressionError(f"'{part}': a count must be a whole number")
        out[key] = value
    return out


def bounds_to_constraint(fields: dict[str, Any], qtype: str) -> str | None:
    """The ``constraint`` that states a question's bounds, or None when it has none."""
    if qtype not in BOUND_KEYS:
        return None
    function, low_key, high_key = BOUND_KEYS[qtype]
    parts = [
        f"{function} {op} {fields[key]}"
        for op, key in ((">=", low_key), ("<=", high_key))
        if key and fields.get(key) is not None
    ]
    return " and ".join(parts) or None
