"""Survey definitions: the broken ones are refused with file:line and key path, the good ones load.

Each file in tests/broken_surveys/ makes one mistake (several-problems.yaml makes four); the real
``consult survey validate`` must exit 2 and print exactly the expected problem lines, no traceback.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from consult.errors import SurveyError
from consult.store import open_store
from consult.store.surveys import register_survey, resolve_survey
from consult.survey.loader import load_survey, parse_survey
from consult.survey.model import Survey, Text

ROOT = Path(__file__).resolve().parents[1]
CONSULT = str(Path(sys.executable).parent / "consult")
EXAMPLE = "surveys/st-diplomacy-roundtable.yaml"
BROKEN = "tests/broken_surveys"

#: file -> the problem lines ``consult survey validate`` prints, after ``tests/broken_surveys/``.
EXPECTED: dict[str, list[str]] = {
    "yaml-syntax.yaml": [
        "yaml-syntax.yaml:6: YAML syntax error: expected ',' or ']', but got ':'"
        " (while parsing a flow sequence started on line 5)",
    ],
    "unknown-key-typo.yaml": [
        "unknown-key-typo.yaml:27: proposals[0].questions[0].requred:"
        " unknown key 'requred' (did you mean 'required'?)",
    ],
    "missing-required-key.yaml": [
        "missing-required-key.yaml:19: proposals[0]: missing required key 'statement'",
    ],
    "when-group-ambiguous.yaml": [
        "when-group-ambiguous.yaml:19: profile[0].when: 'group' would mean the stakeholder group"
        " here, but a question is also called 'group'; rename that question",
    ],
    "reserved-group-id.yaml": [
        "reserved-group-id.yaml:8: groups[1].id: 'panel' is reserved; choose another id",
    ],
    "duplicate-proposal-id.yaml": [
        "duplicate-proposal-id.yaml:24: proposals[1].id: duplicate id 'p1' (first used on line 19)",
    ],
    "duplicate-question-id.yaml": [
        "duplicate-question-id.yaml:24: proposals[0].questions[1].id:"
        " duplicate id 'support' (first used on line 23)",
    ],
    "duplicate-group-id.yaml": [
        "duplicate-group-id.yaml:8: groups[1].id: duplicate id 'science' (first used on line 7)",
    ],
    "duplicate-key.yaml": [
        "duplicate-key.yaml:22: proposals[0].statement: duplicate key",
    ],
    "unknown-scale.yaml": [
        "unknown-scale.yaml:23: proposals[0].questions[0].scale:"
        " unknown scale 'support7' (known: agree3)",
    ],
    "when-unknown-question.yaml": [
        "when-unknown-question.yaml:24: proposals[0].questions[1].when: condition refers to"
        " 'suport', which is not an earlier question here (did you mean 'support'?)",
    ],
    "when-later-question.yaml": [
        "when-later-question.yaml:23: proposals[0].questions[0].when: condition refers to"
        " 'support', which comes later; only earlier answers count",
    ],
    "when-bad-operator.yaml": [
        "when-bad-operator.yaml:24: proposals[0].questions[1].when:"
        " bad operator '=<' (one of ==, !=, <=, >=, <, >, in, contains)",
    ],
    "when-unknown-group.yaml": [
        "when-unknown-group.yaml:25: proposals[0].questions[1].when:"
        " unknown group 'goverment' (did you mean 'government'?)",
    ],
    "when-operator-for-type.yaml": [
        "when-operator-for-type.yaml:25: profile[1].when:"
        " operator '<' does not apply to a choice question",
    ],
    "empty-options.yaml": [
        "empty-options.yaml:22: profile[0].options: must not be empty",
    ],
    "min-greater-than-max.yaml": [
        "min-greater-than-max.yaml:22: profile[0].min: min 60 is greater than max 0",
    ],
    "missing-translation.yaml": [
        "missing-translation.yaml:22: proposals[0].statement:"
        " text missing in declared language 'ko'",
    ],
    "undeclared-language.yaml": [
        "undeclared-language.yaml:7: groups[0].label.kr: language 'kr' is not declared",
        "undeclared-language.yaml:7: groups[0].label: text missing in declared language 'ko'",
    ],
    "threshold-out-of-range.yaml": [
        "threshold-out-of-range.yaml:17: consensus.for.support: threshold 1.2 is outside (0, 1]",
    ],
    "threshold-zero.yaml": [
        "threshold-zero.yaml:17: consensus.for.opposition: threshold 0 is outside (0, 1]",
    ],
    "several-problems.yaml": [
        "several-problems.yaml:17: consensus.for.oposition:"
        " unknown measure 'oposition' (did you mean 'opposition'?)",
        "several-problems.yaml:19: settings.enrolment: 'anyone' is not one of open, panel",
        "several-problems.yaml:25: proposals[0].questions[0].scale:"
        " unknown scale 'agree5' (known: agree3)",
        "several-problems.yaml:26: proposals[0].questions[1].requred:"
        " unknown key 'requred' (did you mean 'required'?)",
    ],
}


def consult(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``consult`` program from the repository root, as a user would."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "CONSULT_DEBUG": "0"}
    return subprocess.run(
        [CONSULT, *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60
    )


def load_example() -> Survey:
    return load_survey(ROOT / EXAMPLE)


# --- broken definitions -------------------------------------------------------------------


def test_every_broken_survey_has_an_expectation() -> None:
    assert sorted(p.name for p in (ROOT / BROKEN).glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_refuses_a_broken_survey(name: str) -> None:
    result = consult("survey", "validate", f"{BROKEN}/{name}")
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    n = len(EXPECTED[name])
    assert result.stderr.splitlines() == [
        *(f"{BROKEN}/{line}" for line in EXPECTED[name]),
        f"Error: {n} problem{'s' if n > 1 else ''} found",
    ]
    assert result.stdout == ""


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_library_reports_the_same_problems(name: str) -> None:
    with pytest.raises(SurveyError) as info:
        load_survey(ROOT / BROKEN / name)
    problems = info.value.problems
    assert [str(p) for p in problems] == [f"{ROOT / BROKEN}/{line}" for line in EXPECTED[name]]
    assert all(p.line for p in info.value.problems)


def test_validate_reports_every_file_in_one_call() -> None:
    result = consult(
        "survey", "validate", EXAMPLE, f"{BROKEN}/unknown-scale.yaml", f"{BROKEN}/yaml-syntax.yaml"
    )
    assert result.returncode == 2
    assert result.stdout == f"{EXAMPLE}: ok (6 proposals, 24 questions)\n"
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{BROKEN}/unknown-scale.yaml:23: ")
    assert lines[1].startswith(f"{BROKEN}/yaml-syntax.yaml:6: ")
    assert lines[2] == "Error: 2 problems found"
    assert "Traceback" not in result.stderr


def test_validate_a_missing_file() -> None:
    result = consult("survey", "validate", "surveys/no-such-survey.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "surveys/no-such-survey.yaml: no such file",
        "Error: 1 problem found",
    ]


# --- the example survey -------------------------------------------------------------------


def test_validate_accepts_the_example() -> None:
    result = consult("survey", "validate", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{EXAMPLE}: ok (6 proposals, 24 questions)\n"
    assert result.stderr == ""


def test_the_example_loads_with_everything_in_it() -> None:
    survey = load_example()
    assert survey.id == "st-diplomacy-roundtable"
    assert survey.version == "1.0"
    assert survey.languages == ("en", "ko")
    assert survey.group_ids == ("science", "diplomacy", "government")
    assert [s.id for s in survey.scales] == ["support5"]
    scale = survey.scale("support5")
    assert [p.value for p in scale.points] == [1, 2, 3, 4, 5]
    assert scale.support == {4, 5} and scale.opposition == {1, 2}
    assert scale.abstain is not None and scale.abstain.get("ko") == "잘 모르겠음 / 기권"
    assert [q.key for q in survey.profile] == ["organisation_type", "experience_years", "expertise"]
    assert len(survey.proposals) == 6
    assert [q.key for q in survey.proposal("ministry-led").questions] == [
        "ministry-led.support",
        "ministry-led.why_oppose",
        "ministry-led.comment",
    ]
    assert len(list(survey.questions())) == 3 + 6 * 3 + 3
    assert [q.key for q in survey.closing] == ["priorities", "coordinator", "final_comment"]
    coordinator = survey.question("coordinator")
    assert coordinator.when is not None and coordinator.when.on_group
    assert (coordinator.when.op, coordinator.when.value) == ("==", "government")
    assert coordinator.when.applies({}, "government") and not coordinator.when.applies(
        {}, "science"
    )
    assert survey.settings.enrolment == "open"
    assert survey.settings.allow_revision is False
    assert survey.settings.consent is not None

    years = survey.question("experience_years")
    assert (years.type, years.integer, years.min, years.max, years.required) == (
        "number",
        True,
        0,
        60,
        True,
    )
    assert survey.question("expertise").required is False
    support = survey.question("legal-foundation.support")
    assert support.required is True and support.scale == "support5"
    why = survey.question("legal-foundation.why_oppose")
    assert why.required is False and why.max_length == 2000
    assert why.when is not None
    assert (why.when.question, why.when.op, why.when.value) == ("legal-foundation.support", "<=", 2)
    assert why.when.holds(1) and why.when.holds(2)
    assert not why.when.holds(3) and not why.when.holds("abstain") and not why.when.holds(None)

    priorities = survey.question("priorities")
    assert priorities.type == "ranking"
    assert [o.id for o in priorities.options] == [p.id for p in survey.proposals]

    rule = survey.consensus
    assert rule.scope == "panel" and rule.contested_gap == pytest.approx(0.30)
    assert [(c.measure, c.op, c.threshold) for c in rule.for_] == [
        ("support", ">=", pytest.approx(0.70)),
        ("opposition", "<", pytest.approx(0.15)),
    ]
    assert rule.mirror and rule.against == ()
    scale = survey.scale(survey.proposals[0].support_question.scale or "").spec
    assert [(c.measure, c.op, c.threshold) for c in rule.against_on(scale)] == [
        ("opposition", ">=", pytest.approx(0.70)),
        ("support", "<", pytest.approx(0.15)),
    ]
    assert survey.path == str(ROOT / EXAMPLE)
    assert re.fullmatch(r"[0-9a-f]{64}", survey.hash)


def test_text_falls_back_to_the_plain_text_then_the_first_translation() -> None:
    plain = Text.plain("Hello")
    assert plain.get("en") == plain.get("ko") == "Hello"
    both = Text((("en", "Hello"), ("ko", "안녕하세요")))
    assert both.get("ko") == "안녕하세요"
    assert both.get("fr") == "Hello"
    assert str(both) == "Hello"
    survey = load_example()
    assert survey.title.get("ko") == "과학기술외교 정책 라운드테이블"
    assert survey.title.get("de") == "Science and technology diplomacy policy roundtable"


def test_loaded_objects_are_immutable() -> None:
    survey = load_example()
    proposal = survey.proposals[0]
    question = proposal.questions[0]
    for obj, attr in [
        (survey, "id"),
        (proposal, "title"),
        (question, "required"),
        (survey.consensus, "scope"),
        (survey.settings, "enrolment"),
        (survey.scales[0], "support"),
        (survey.title, "translations"),
    ]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, attr, None)
    assert isinstance(survey.proposals, tuple) and isinstance(proposal.questions, tuple)
    assert isinstance(survey.scales[0].support, frozenset)


def test_the_hash_ignores_comments_and_layout_but_not_text() -> None:
    source = (ROOT / EXAMPLE).read_text(encoding="utf-8")
    original = parse_survey(source, "a.yaml").hash
    # Comments, blank lines, flow instead of block style and key order do not count.
    relaid = "# a new comment\n\n" + source.replace(
        'version: "1.0"\nlanguages: [en, ko]', "languages:\n  - en\n  - ko\nversion: '1.0'"
    ).replace("  allow_revision: false", "  allow_revision: false   # still no")
    assert relaid != source
    assert parse_survey(relaid, "b.yaml").hash == original
    # The definition as data, dumped in a different style, is the same survey.
    data = yaml.safe_load(source)
    assert parse_survey(json.dumps(data, ensure_ascii=False), "c.json").hash == original
    # Any change of text is a different survey.
    changed = source.replace("How far do you support this proposal?", "Do you support it?")
    assert parse_survey(changed, "d.yaml").hash != original
    assert parse_survey(source.replace('"1.0"', '"1.1"'), "e.yaml").hash != original


# --- consult survey show -----------------------------------------------------------------


def test_show_in_english() -> None:
    result = consult("survey", "show", EXAMPLE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for text in [
        "Science and technology diplomacy policy roundtable",
        "Strongly support",
        "Proposal 1 of 6: Led by specialised S&T ministries",
        "when ministry-led.support <= 2",
        "support >= 70% and opposition < 15%; against (mirrored): opposition >= 70%",
        "whole number 0..60",
    ]:
        assert text in out, text
    assert "과학기술" not in out


def test_show_in_korean() -> None:
    result = consult("survey", "show", EXAMPLE, "--lang", "ko")
    assert result.returncode == 0, result.stderr
    for text in [
        "과학기술외교 정책 라운드테이블",
        "매우 지지",
        "과학기술 전문 부처 주도",
        "외교·정책 전문가",
    ]:
        assert text in result.stdout, text
    assert "Strongly support" not in result.stdout


def test_show_refuses_a_language_the_survey_lacks() -> None:
    result = consult("survey", "show", EXAMPLE, "--lang", "xx")
    assert result.returncode == 2
    assert result.stderr == "Error: --lang xx: the survey is in en, ko\n"
    assert result.stdout == ""


def test_show_a_broken_survey_lists_its_problems() -> None:
    result = consult("survey", "show", f"{BROKEN}/unknown-scale.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"{BROKEN}/{EXPECTED['unknown-scale.yaml'][0]}"


# --- docs/survey-format.md ---------------------------------------------------------------


def doc_blocks() -> list[str]:
    text = (ROOT / "docs" / "survey-format.md").read_text(encoding="utf-8")
    return re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M)


def test_the_complete_example_in_the_docs_loads() -> None:
    survey = parse_survey(doc_blocks()[0], "docs/survey-format.md")
    assert survey.proposals and survey.languages


def test_every_yaml_block_in_the_docs_is_yaml() -> None:
    blocks = doc_blocks()
    assert len(blocks) > 5
    for block in blocks:
        yaml.safe_load(block)


# --- stored definitions --------------------------------------------------------------------


def test_a_stored_survey_loads_again_by_its_id(tmp_path: Path) -> None:
    survey = load_example()
    with open_store(tmp_path / "c.db") as store:
        assert register_survey(store, survey) is True
        assert register_survey(store, survey) is False
        again = resolve_survey(store, survey.id)
    assert again.hash == survey.hash
    assert again == dataclasses.replace(survey, path=again.path)


def test_a_stored_survey_with_a_small_number_loads_again(tmp_path: Path) -> None:
    source = (ROOT / EXAMPLE).read_text(encoding="utf-8")
    survey = parse_survey(source.replace("contested_gap: 30%", "contested_gap: 0.00001"), "s.yaml")
    with open_store(tmp_path / "c.db") as store:
        register_survey(store, survey)
        assert resolve_survey(store, survey.id).hash == survey.hash


def test_every_top_level_fragment_in_the_docs_validates_in_the_example() -> None:
    """A block of top-level keys (scales, consensus, settings, ...) replaces them in the example."""
    first, *rest = doc_blocks()
    base = yaml.safe_load(first)
    tried = 0
    for block in rest:
        fragment = yaml.safe_load(block)
        if not isinstance(fragment, dict) or not set(fragment) <= set(base):
            continue
        doc = {**base, **fragment}
        if "scales" in fragment:  # the example's questions use support5
            doc["scales"] = [*fragment["scales"], *base["scales"]]
        parse_survey(yaml.safe_dump(doc, allow_unicode=True), block.splitlines()[0])
        tried += 1
    assert tried >= 5


def test_every_question_fragment_in_the_docs_validates_in_the_profile() -> None:
    first, *rest = doc_blocks()
    base = yaml.safe_load(first)
    lists = [yaml.safe_load(b) for b in rest]
    questions = [q for b in lists if isinstance(b, list) for q in b]
    assert questions
    doc = {**base, "profile": questions}
    parse_survey(yaml.safe_dump(doc, allow_unicode=True), "profile fragment")


def test_group_conditions_put_a_question_to_some_groups_only() -> None:
    source = (ROOT / BROKEN / "when-unknown-group.yaml").read_text(encoding="utf-8")
    for when, op, value, asked in [
        ("group == government", "==", "government", {"government"}),
        ("group != government", "!=", "government", {"science"}),
        (
            "group in [science, government]",
            "in",
            ("science", "government"),
            {"science", "government"},
        ),
    ]:
        survey = parse_survey(source.replace("group in [science, goverment]", when))
        condition = survey.question("p1.cost").when
        assert condition is not None and (condition.op, condition.value) == (op, value)
        assert {g for g in survey.group_ids if condition.applies({}, g)} == asked
    with pytest.raises(SurveyError) as info:
        parse_survey(source.replace("group in [science, goverment]", "group >= science"))
    assert [str(p) for p in info.value.problems] == [
        "<string>:25: proposals[0].questions[1].when: "
        "operator '>=' does not apply to the group; use ==, != or in"
    ]


def test_a_question_called_group_keeps_its_name(tmp_path: Path) -> None:
    """Conditions name the stakeholder group with "group" only where no earlier question does:
    a survey with such a question (stored before, or written so) loads, and means its answer."""
    survey = load_survey(ROOT / "tests" / "surveys" / "question-named-group.yaml")
    why = survey.question("wg1_role").when
    assert why is not None and not why.on_group
    assert (why.question, why.op, why.value) == ("group", "==", "wg1")
    assert why.applies({"group": "wg1"}, "all") and not why.applies({"group": "wg2"}, "all")
    with open_store(tmp_path / "c.db") as store:
        register_survey(store, survey)
        again = resolve_survey(store, survey.id)
    assert again == dataclasses.replace(survey, path=again.path)
