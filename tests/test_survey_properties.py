"""Property tests of the survey loader: whatever the input, it loads or raises SurveyError.

(a) The example survey's parsed data, mutated (a key deleted, renamed or given a junk value, a
list item duplicated), dumped back to YAML; (b) random YAML documents and random YAML-ish text.
In every case ``parse_survey`` returns a Survey or raises SurveyError, never anything else.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consult.errors import SurveyError
from consult.survey.loader import parse_survey
from consult.survey.model import Survey

# The C emitter when PyYAML has it: the same YAML, four times faster to write.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
EXAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml"
BASE = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Parsing the example takes some 35 ms (pure-Python YAML): fewer of those keep the file under 10 s.
SLOW = settings(FAST, max_examples=150)

# Values a survey writer might plausibly put in the wrong place, beside plain junk.
PLAUSIBLE = st.sampled_from(
    [
        "support5",
        "support7",
        "proposals",
        "mirror",
        ">= 70%",
        "< 15%",
        "70%",
        "0.3",
        "en",
        "ko",
        "xx",
        "scale",
        "text",
        "ranking",
        "number",
        "single_choice",
        "multiple_choice",
        "support <= 2",
        "support >= 9",
        "comment == x",
        "organisation_type == university",
        "support in [1, 2]",
        "support contains 1",
        "nope",
        "support =< 2",
        "every_group",
        "panel",
        "open",
        "ministry-led",
        "",
        " ",
        "2020-13-01",
        "1e5",
        ".nan",
        "-.inf",
        "~",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | PLAUSIBLE
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) | PLAUSIBLE, inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every location in a parsed document, as a tuple of keys and indices."""
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _at(node: Any, path: tuple) -> Any:
    for step in path:
        node = node[step]
    return node


def _mutate(data: Any, draw: Any) -> Any:
    path = draw(st.sampled_from(_paths(data)))
    op = draw(st.sampled_from(["delete", "replace", "rename", "duplicate", "replace"]))
    if not path:
        return draw(JUNK) if op == "replace" else data
    parent, last = _at(data, path[:-1]), path[-1]
    if op == "replace":
        parent[last] = draw(JUNK)
    elif op == "delete":
        del parent[last]
    elif op == "rename" and isinstance(parent, dict):
        new = draw(st.text(min_size=1, max_size=10) | PLAUSIBLE)
        parent[new] = parent.pop(last)
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(parent[last]))
    return data


def _loads_or_survey_error(source: str) -> Survey | None:
    try:
        survey = parse_survey(source, "mutant.yaml")
    except SurveyError as exc:
        assert exc.problems, "a SurveyError must carry at least one problem"
        for problem in exc.problems:
            assert str(problem).startswith("mutant.yaml")
        return None
    assert isinstance(survey, Survey)
    return survey


@SLOW
@given(st.data())
def test_mutated_example_loads_or_raises_survey_error(data: st.DataObject) -> None:
    doc = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        doc = _mutate(doc, data.draw)
    source = yaml.dump(doc, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    survey = _loads_or_survey_error(source)
    if survey is not None:
        # The parsed definition is all there is to a survey: dumped again, it loads again to the
        # same survey, with the same hash.
        again = parse_survey(
            yaml.dump(survey.definition, Dumper=DUMPER, allow_unicode=True), "again"
        )
        assert again.hash == survey.hash


@FAST
@given(JUNK)
def test_random_documents_load_or_raise_survey_error(doc: Any) -> None:
    _loads_or_survey_error(yaml.dump(doc, Dumper=DUMPER, allow_unicode=True))


YAMLISH = st.text(alphabet=" \n\t:-[]{},&*!|>'\"#%@`?.~<=abk12", max_size=80)


@FAST
@given(YAMLISH | st.text(max_size=40))
def test_random_text_loads_or_raises_survey_error(source: str) -> None:
    _loads_or_survey_error(source)


SMALL = """\
id: small
title: A small survey
version: 1
languages: [en]
groups: [{id: all, label: Everyone}]
scales:
  - id: agree
    points: [{value: 1, label: "No"}, {value: 2, label: Maybe}, {value: 3, label: "Yes"}]
    support: [3]
    opposition: [1]
consensus: {for: {support: VALUE}}
proposals:
  - id: p1
    title: One
    statement: Do one thing.
    questions: [{id: support, type: scale, scale: agree, text: "Agree?"}]
"""


@FAST
@given(
    st.sampled_from(
        [
            "!!int",
            "!!float",
            "!!bool",
            "!!timestamp",
            "!!binary",
            "!!set",
            "!!omap",
            "!!str",
            "!!null",
            "!!python/tuple",
            "!custom",
            "&a",
            "*a",
            "",
        ]
    ),
    st.text(alphabet="abcxyz019-.:=% ", max_size=12),
)
def test_tagged_values_load_or_raise_survey_error(tag: str, value: str) -> None:
    _loads_or_survey_error(SMALL.replace("VALUE", f"{tag} {json.dumps(value)}"))


def test_the_example_survives_a_round_trip_through_its_definition() -> None:
    survey = parse_survey(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    again = parse_survey(json.dumps(survey.definition, ensure_ascii=False), "stored")
    assert again == dataclasses.replace(survey, path="stored")
