"""XLSForm in and out: ``consult survey import-xlsform`` and ``export-xlsform``.

Real workbooks throughout: the five forms from pyxform's own test suite, read where they are
kept for us (``../shared/xlsforms/``, beside the checkout; not copied into this tree, as their
README asks; ``CONSULT_XLSFORMS`` names another folder, and their tests skip when there is none),
small forms written as tables (as pyxform's suite writes them) and saved with openpyxl in
tmp_path, and real pyxform reading them and converting what we export.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from consult.errors import SurveyError
from consult.imports.xlsform import import_xlsform
from consult.reports.xlsform import write_xlsform
from consult.survey.loader import load_survey, parse_survey

ROOT = Path(__file__).resolve().parents[1]
FORMS = Path(os.environ.get("CONSULT_XLSFORMS") or ROOT.parent / "shared" / "xlsforms")
needs_real_forms = pytest.mark.skipif(
    not FORMS.is_dir(), reason=f"the real XLSForms are not at {FORMS} (set CONSULT_XLSFORMS)"
)
EXAMPLE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
CONSULT = str(Path(sys.executable).parent / "consult")

EN, KO = "label::English (en)", "label::Korean (ko)"
SURVEY_HEADER = ["type", "name", EN, KO, "hint::English (en)", "hint::Korean (ko)"]
SURVEY_HEADER += ["required", "relevant", "constraint"]
AGREE5 = [
    ["agree5", "1", "Strongly oppose", "매우 반대", "opposition"],
    ["agree5", "2", "Oppose", "반대", "opposition"],
    ["agree5", "3", "Neither", "중립", "neutral"],
    ["agree5", "4", "Support", "지지", "support"],
    ["agree5", "5", "Strongly support", "매우 지지", "support"],
    ["agree5", "dk", "Don't know", "모름", "abstain"],
]
CHOICES = [
    ["list_name", "name", EN, KO, "consult_side"],
    ["consult_groups", "gov", "Government", "정부"],
    ["consult_groups", "sci", "Science", "과학"],
    ["sector", "public", "Public", "공공"],
    ["sector", "private", "Private", "민간"],
    *AGREE5,
    ["topics", "cost", "Cost", "비용"],
    ["topics", "jobs", "Jobs", "일자리"],
    ["consult_proposals", "grid", "A grid operator", "전력망 운영"],
]
SETTINGS = [
    ["form_title", "form_id", "version", "default_language", "consensus_preset"],
    ["Energy panel", "energy-panel", "2.0", "English (en)", "comet-70-15"],
]
GROUP_Q = ["select_one consult_groups", "group", "Your group?", "집단?", None, None, "yes"]


def q(kind: str, name: str, en: str, ko: str, **cols: str) -> list[str | None]:
    """A survey row: type, name, labels, then hint_en, hint_ko, required, relevant, constraint."""
    row: list[str | None] = [kind, name, en, ko]
    for key in ("hint_en", "hint_ko", "required", "relevant", "constraint"):
        row.append(cols.get(key))
    return row


def proposal(*inside: list, pid: str = "grid") -> list[list]:
    """A group: its statement, its support question on agree5, then ``inside``."""
    return [
        ["begin group", pid, "A grid operator", "전력망 운영"],
        [
            "note",
            f"{pid}_statement",
            "One operator should run the grid.",
            "하나의 기관이 운영한다.",
        ],
        q("select_one agree5", "support", "Do you support it?", "지지하십니까?", required="yes"),
        *inside,
        ["end group"],
    ]


def workbook(path: Path, survey: list, choices: list | None, settings: list | None) -> Path:
    book = openpyxl.Workbook()
    sheets = [("survey", survey), ("choices", choices), ("settings", settings)]
    book.remove(book.active)
    for name, rows in sheets:
        if rows is not None:
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
    book.save(path)
    return path


def form(tmp_path: Path, rows: list, choices: list | None = CHOICES,
         settings: list | None = SETTINGS, header: list = SURVEY_HEADER) -> Path:  # fmt: skip
    return workbook(tmp_path / "form.xlsx", [header, *rows], choices, settings)


def problems(path: Path) -> list[str]:
    """The problems importing ``path`` finds, each naming the file without its folder."""
    with pytest.raises(SurveyError) as caught:
        import_xlsform(path)
    return [str(p).removeprefix(f"{path.parent}/") for p in caught.value.problems]


def consult(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real consult program, on this checkout's code."""
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return subprocess.run(
        [CONSULT, *args], cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


# -- a form that converts ---------------------------------------------------------------------


def full_form(tmp_path: Path) -> Path:
    return form(
        tmp_path,
        [
            ["note", "intro", "Two questions on the grid.", "전력망에 관한 질문입니다."],
            GROUP_Q,
            q("select one sector", "sector", "Where do you work?", "어디에서 일하십니까?",
              required="yes"),
            q("integer", "years", "Years of experience", "경력 연수", hint_en="Whole years",
              hint_ko="햇수", required="yes", constraint=". >= 0 and . <= 60"),
            *proposal(q("text", "why", "Why not?", "왜 반대하십니까?", relevant="${support} <= 2",
                        constraint="string-length(.) <= 500")),
            q("rank consult_proposals", "priorities", "Rank them", "순위", required="yes"),
            q("select_multiple topics", "topics", "Topics?", "주제?", required="yes",
              relevant="${group} = 'gov'", constraint="count-selected(.) <= 2"),
        ],
    )  # fmt: skip


def test_a_form_becomes_the_survey_it_describes(tmp_path: Path) -> None:
    result = import_xlsform(full_form(tmp_path))
    d = result.definition
    assert (d["id"], d["version"], d["languages"], d["title"]) == (
        "energy-panel", "2.0", ["en", "ko"], "Energy panel"
    )  # fmt: skip
    assert d["description"] == {
        "en": "Two questions on the grid.",
        "ko": "전력망에 관한 질문입니다.",
    }
    assert d["groups"] == [
        {"id": "gov", "label": {"en": "Government", "ko": "정부"}},
        {"id": "sci", "label": {"en": "Science", "ko": "과학"}},
    ]
    (scale,) = d["scales"]
    assert scale["id"] == "agree5"
    assert [p["value"] for p in scale["points"]] == [1, 2, 3, 4, 5]
    assert (scale["support"], scale["opposition"]) == ([4, 5], [1, 2])
    assert scale["abstain"] == {"en": "Don't know", "ko": "모름"}
    assert d["consensus"] == {"preset": "comet-70-15"}
    sector, years = d["profile"]
    assert sector["type"] == "single_choice" and "required" not in sector  # yes: our default
    assert sector["options"][1] == {"id": "private", "label": {"en": "Private", "ko": "민간"}}
    assert years == {
        "id": "years", "type": "number", "integer": True, "min": 0, "max": 60,
        "text": {"en": "Years of experience", "ko": "경력 연수"},
        "help": {"en": "Whole years", "ko": "햇수"},
    }  # fmt: skip
    (grid,) = d["proposals"]
    assert grid["statement"]["en"] == "One operator should run the grid."
    support, why = grid["questions"]
    assert (support["type"], support["scale"]) == ("scale", "agree5")
    assert (why["when"], why["max_length"], "required" in why) == ("support <= 2", 500, False)
    priorities, topics = d["closing"]
    assert (priorities["type"], priorities["options"]) == ("ranking", "proposals")
    assert (topics["type"], topics["max_choices"], topics["when"]) == (
        "multiple_choice", 2, "group == gov"
    )  # fmt: skip
    assert result.notes == []
    # The YAML written is the same survey, loaded by our own loader.
    text = result.yaml_text("form.xlsx")
    assert text.startswith("# Imported from form.xlsx")
    assert parse_survey(text).hash == result.survey.hash


def test_what_the_form_leaves_out_gets_documented_defaults(tmp_path: Path) -> None:
    choices = [row for row in CHOICES if row[0] != "consult_groups"]
    path = form(tmp_path, proposal(), choices, [["form_title"], ["Grid"]])
    result = import_xlsform(path)
    d = result.definition
    assert d["groups"] == [{"id": "participants", "label": "Participants"}]
    assert d["consensus"] == {
        "for": {"support": ">= 70%", "opposition": "< 15%"}, "against": "mirror"
    }  # fmt: skip
    assert (d["id"], d["version"]) == ("form", "1.0")
    notes = "\n".join(result.notes)
    for said in ("form_id", "version 1.0", "'participants'", "70/15 rule"):
        assert said in notes
    assert "# No consult_groups list" in result.yaml_text("form.xlsx")


def test_sides_by_position_when_settings_name_the_scale(tmp_path: Path) -> None:
    choices = [["list_name", "name", EN, KO]] + [row[:4] for row in AGREE5]
    choices += [["agree4", str(v), f"p{v}", f"p{v}"] for v in range(1, 5)]
    settings = [["form_id", "consult_scales"], ["sides", "agree5 agree4"]]
    rows = proposal(q("select_one agree4", "four", "Four?", "넷?"))
    d = import_xlsform(form(tmp_path, rows, choices, settings)).definition
    agree5, agree4 = d["scales"]
    assert (agree5["support"], agree5["opposition"], agree5["abstain"]["en"]) == (
        [4, 5], [1, 2], "Don't know"
    )  # fmt: skip
    assert (agree4["support"], agree4["opposition"], "abstain" in agree4) == ([3, 4], [1, 2], False)


def test_a_list_without_sides_is_a_single_choice(tmp_path: Path) -> None:
    rows = proposal(q("select_one sector", "where", "Where?", "어디?"))
    d = import_xlsform(form(tmp_path, rows)).definition
    where = d["proposals"][0]["questions"][1]
    assert (where["type"], where["required"]) == ("single_choice", False)  # XLSForm's default


def test_the_consensus_rule_and_settings_from_settings_columns(tmp_path: Path) -> None:
    settings = [
        ["form_id", "consensus_for", "consensus_against", "consensus_scope",
         "consensus_min_answers", "consult_enrolment", "consult_allow_revision"],
        ["rule", "support >= 75%; opposition < 10%", "mirror", "every_group", "10", "open", "yes"],
    ]  # fmt: skip
    d = import_xlsform(form(tmp_path, proposal(), settings=settings)).definition
    assert d["consensus"] == {
        "for": {"support": ">= 75%", "opposition": "< 10%"},
        "against": "mirror", "scope": "every_group", "min_answers": 10,
    }  # fmt: skip
    assert d["settings"] == {"enrolment": "open", "allow_revision": True}


@pytest.mark.parametrize(
    ("relevant", "when"),
    [
        ("${support} <= 2", "support <= 2"),
        ("${support} = '4' or ${support} = '5'", "support in [4, 5]"),
        ("${sector} = 'public'", "sector == public"),
        ("${sector} != 'public'", "sector != public"),
        ("selected(${sector}, 'public')", "sector == public"),
        ("selected(${topics}, 'cost')", "topics contains cost"),
        ("${years} >= 10", "years >= 10"),
        ("${group} = 'gov'", "group == gov"),
        ("${sector} = ‘public’", "sector == public"),  # curly quotes, as Excel types them
    ],
)
def test_relevant_becomes_when(tmp_path: Path, relevant: str, when: str) -> None:
    rows = [GROUP_Q, *proposal(*asked_before(), q("text", "x", "X?", "X?", relevant=relevant))]
    question = import_xlsform(form(tmp_path, rows)).definition["proposals"][0]["questions"][-1]
    assert question["when"] == when


def asked_before() -> list[list]:
    return [
        q("select_one sector", "sector", "Where?", "어디?"),
        q("select_multiple topics", "topics", "Topics?", "주제?"),
        q("integer", "years", "Years?", "연수?"),
    ]


@pytest.mark.parametrize(
    ("relevant", "reason"),
    [
        ("${support} <= 2 and ${years} > 1", "'and' cannot be expressed"),
        ("${topics} = 'cost'", "only selected(${topics}, 'x') can be a condition"),
        ("${nowhere} = 'x'", "${nowhere} is not a question before this one"),
        ("string-length(${sector}) > 0", "cannot read 'string-length(${sector}) > 0'"),
        ("${sector} = 'public' or ${years} = 3", "an 'or' must compare one question"),
        (
            "${support} = 9",
            "9 is outside the scale's points 1..5",
        ),  # our own validation: not a point of the scale
    ],
)
def test_relevant_consult_cannot_say_is_refused(tmp_path: Path, relevant: str, reason: str) -> None:
    rows = proposal(*asked_before(), q("text", "x", "X?", "X?", relevant=relevant))
    found = problems(form(tmp_path, rows))
    assert len(found) == 1, found
    assert found[0].startswith("form.xlsx:survey:8: relevant: ")
    assert reason in found[0]


@pytest.mark.parametrize(
    ("kind", "constraint", "expected"),
    [
        ("integer", ". >= 0 and . <= 60", {"min": 0, "max": 60}),
        ("decimal", ". >= 1.5", {"min": 1.5}),
        ("text", "string-length(.) <= 80", {"max_length": 80}),
        ("select_multiple topics", "count-selected(.) >= 1 and count-selected(.) <= 2",
         {"min_choices": 1, "max_choices": 2}),
    ],
)  # fmt: skip
def test_constraint_becomes_bounds(tmp_path: Path, kind: str, constraint: str,
                                   expected: dict) -> None:  # fmt: skip
    rows = [q(kind, "n", "N?", "N?", constraint=constraint), *proposal()]
    question = import_xlsform(form(tmp_path, rows)).definition["profile"][0]
    assert {k: question[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("kind", "constraint", "reason"),
    [
        ("integer", ". > 0", "cannot read '. > 0'; only '. >= N' and '. <= N' can be said"),
        (
            "text",
            "regex(., '^[0-9]+$')",
            "cannot read 'regex(., '^[0-9]+$')'; only 'string-length(.) <= N' can be said",
        ),
        ("select_one sector", ". != 'x'", "consult has no constraint on a single_choice question"),
    ],
)
def test_constraint_consult_cannot_say_is_refused(tmp_path: Path, kind: str, constraint: str,
                                                  reason: str) -> None:  # fmt: skip
    rows = [q(kind, "n", "N?", "N?", constraint=constraint), *proposal()]
    assert problems(form(tmp_path, rows)) == [f"form.xlsx:survey:2: constraint: {reason}"]


def test_every_problem_names_sheet_row_and_column(tmp_path: Path) -> None:
    choices = [*CHOICES, ["colour", "1st", "First", "첫째"], ["colour", "blue", "Blue", None]]
    rows = [
        q("select_one colour", "colour", "Colour?", "색?"),
        ["text", "phone", "Phone?", "전화?", None, None, None, None, None, "numbers"],
        q("select_one_from_file towns.csv", "town", "Town?", "도시?"),
        q("select_one sector or_other", "sector", "Sector?", "부문?"),
        q("calculate", "sum", None, None),
        ["begin repeat", "kids", "Children", "자녀"],
        q("geopoint", "where", "Where?", "어디?"),  # inside the repeat: not listed again
        ["end repeat"],
        *proposal(),
        q("integer", "between", "Between?", "사이?"),
        *proposal(pid="second"),
    ]
    header = [*SURVEY_HEADER, "appearance"]
    assert problems(form(tmp_path, rows, choices, header=header)) == [
        "form.xlsx:survey:3: appearance: consult has no equivalent of 'appearance'; clear the "
        "column to import",
        "form.xlsx:survey:4: type: 'select_one_from_file towns.csv' takes its choices from a "
        "file, which consult cannot; list them on the choices sheet",
        "form.xlsx:survey:5: type: 'or_other' cannot be expressed: add an 'other' choice and a "
        "text question",
        "form.xlsx:survey:6: type: 'calculate': calculations are not asked; consult cannot "
        "compute values in a survey",
        "form.xlsx:survey:7: type: 'begin repeat': repeats cannot be expressed; a consult survey "
        "asks each question once",
        "form.xlsx:survey:14: type: a question between two groups has no place in a consult "
        "survey: move it into a group, before the first or after the last",
        "form.xlsx:choices:15: name: '1st' is not a valid id (a letter, then letters, digits, '_' "
        "or '-')",
        "form.xlsx:choices:16: label::Korean (ko): text missing: every language needs one",
    ]


def test_a_group_needs_its_statement_and_a_scale_question(tmp_path: Path) -> None:
    rows = [["begin group", "bare", "Bare", "빈"], q("text", "t", "T?", "T?"), ["end group"]]
    assert problems(form(tmp_path, rows)) == [
        "form.xlsx:survey:2: type: a group (a proposal) needs a note as its first row: the "
        "proposal's statement",
    ]
    rows = [["begin group", "bare", "Bare", "빈"], ["note", "s", "S", "S"], ["end group"]]
    assert problems(form(tmp_path, rows)) == [
        "form.xlsx:survey:2: type: a group (a proposal) needs its questions, at least a "
        "select_one on an agreement scale"
    ]


def test_a_group_inside_a_group_is_refused(tmp_path: Path) -> None:
    inner = [["begin group", "inner", "Inner", "안"], q("text", "t", "T?", "T?"), ["end group"]]
    rows = [*proposal(*inner), q("text", "after", "After?", "뒤?")]
    assert problems(form(tmp_path, rows)) == [
        "form.xlsx:survey:5: type: a group inside a group: proposals cannot be nested"
    ]


def test_a_form_without_groups_is_refused_with_the_reason(tmp_path: Path) -> None:
    found = problems(form(tmp_path, [q("text", "t", "T?", "T?")]))
    assert found == [
        "form.xlsx:survey: type: no group: a consult survey needs at least one proposal, a "
        "begin_group with a note (the statement) and a select_one on an agreement scale"
    ]


def test_language_headers_need_a_code(tmp_path: Path) -> None:
    header = ["type", "name", "label::english"]
    rows = [["begin group", "g", "G"], ["note", "s", "S"], ["end group"]]
    found = problems(form(tmp_path, rows, choices=None, settings=None, header=header))
    assert found[0] == (
        "form.xlsx:survey:1: label::english: language 'english' has no code; write it as "
        "'label::English (xx)' with its code, e.g. 'label::English (en)'"
    )


def test_spelling_variants_and_the_old_single_colon_header(tmp_path: Path) -> None:
    header = ["type", "name", "label:English (en)"]
    rows = [
        ["begin_group", "g", "G"], ["note", "s", "Statement"],
        ["select one agree5", "support", "Support?"], ["end_group"],
    ]  # fmt: skip
    choices = [["list_name", "name", "label:English (en)", "consult_side"]]
    choices += [[r[0], r[1], r[2], r[4]] for r in AGREE5]
    d = import_xlsform(form(tmp_path, rows, choices, None, header=header)).definition
    assert d["languages"] == ["en"]
    assert d["proposals"][0]["questions"][0]["scale"] == "agree5"


# -- the real forms from pyxform's test suite ---------------------------------------------------

#: Every form in ../shared/xlsforms: what the import must say (each is refused; the reasons are
#: right: these forms use what a consult survey cannot express).
REAL_FORMS = {
    "group.xlsx": [
        "group.xlsx:survey:3: type: a group (a proposal) needs a note as its first row",
        "group.xlsx:survey:4: type: 'phone number': consult has no such question type",
    ],
    "or_other.xlsx": [
        "or_other.xlsx:survey: type: no group: a consult survey needs at least one proposal",
        "or_other.xlsx:survey:2: type: 'or_other' cannot be expressed",
        "or_other.xlsx:survey:3: choice_filter: consult has no equivalent of 'choice_filter'",
        "or_other.xlsx:choices:2: pastel: consult has no equivalent of 'pastel'",
    ],
    "choice_filter_test.xlsx": [
        "choice_filter_test.xlsx:survey:3: choice_filter: consult has no equivalent",
        "choice_filter_test.xlsx:choices:4: cf: consult has no equivalent of 'cf'",
        "choice_filter_test.xlsx:settings:2: allow_choice_duplicates: consult has no equivalent",
    ],
    "xlsform_spec_test.xlsx": [
        "xlsform_spec_test.xlsx:survey:1: label::english: language 'english' has no code",
        "xlsform_spec_test.xlsx:survey:3: relevant: a condition on a whole group cannot be",
        "xlsform_spec_test.xlsx:survey:15: type: 'begin repeat': repeats cannot be expressed",
        "xlsform_spec_test.xlsx:survey:40: type: 'calculate': calculations are not asked",
        "xlsform_spec_test.xlsx:survey:42: type: 'start': metadata is not a question",
        "xlsform_spec_test.xlsx:settings:2: form_id: 'Spec test' is not a valid id",
    ],
    "UCL_Biomass_Plot_Form.xlsx": [
        "UCL_Biomass_Plot_Form.xlsx:survey:4: type: a note has no place here",
        "UCL_Biomass_Plot_Form.xlsx:survey:10: constraint: cannot read 'regex(.,",
        "UCL_Biomass_Plot_Form.xlsx:survey:16: type: 'select_one_from_file UCL_regions.csv' "
        "takes its choices from a file",
        "UCL_Biomass_Plot_Form.xlsx:survey:22: type: 'geopoint': locations cannot be asked",
        "UCL_Biomass_Plot_Form.xlsx:survey:32: type: 'begin repeat': repeats cannot be",
        "UCL_Biomass_Plot_Form.xlsx:choices:7: name: '2022' is not a valid id",
    ],
}


@needs_real_forms
def test_every_real_form_has_an_expected_outcome() -> None:
    assert sorted(p.name for p in FORMS.glob("*.xlsx")) == sorted(REAL_FORMS)


@needs_real_forms
@pytest.mark.parametrize("name", sorted(REAL_FORMS))
def test_real_forms(name: str, tmp_path: Path) -> None:
    found = problems(copy_of(FORMS / name, tmp_path))
    for expected in REAL_FORMS[name]:
        assert any(line.startswith(expected) for line in found), (expected, found)
    # The UCL form's curly quotes in relevant are read as pyxform reads them: no problem there.
    assert not any(":survey:9: relevant" in line for line in found)


def copy_of(path: Path, folder: Path) -> Path:
    target = folder / path.name
    target.write_bytes(path.read_bytes())
    return target


# -- XLSForm out, and back ------------------------------------------------------------------------


def test_the_example_survey_round_trips_to_the_same_survey(tmp_path: Path) -> None:
    """survey -> XLSForm -> survey gives the same definition hash and an equal Survey."""
    original = load_survey(EXAMPLE)
    write_xlsform(original, tmp_path / "form.xlsx")
    back = import_xlsform(tmp_path / "form.xlsx")
    assert back.notes == []
    assert back.definition == original.definition
    assert back.survey.hash == original.hash
    assert dataclasses.replace(back.survey, path="") == dataclasses.replace(original, path="")


def test_pyxform_converts_what_we_export(tmp_path: Path) -> None:
    write_xlsform(load_survey(EXAMPLE), tmp_path / "form.xlsx")
    result = convert(xlsform=str(tmp_path / "form.xlsx"), validate=False)
    assert result.warnings == []
    xform = result.xform
    assert '<translation lang="Korean (ko)">' in xform
    assert 'relevant=" /data/ministry-led/ministry-led.support  &lt;= 2"' in xform
    assert "relevant=\" /data/group  = 'government'\"" in xform
    assert 'constraint=". &gt;= 0 and . &lt;= 60"' in xform


SMALL = """\
id: small
version: "3"
languages: [en]
title: A small survey
groups: [{id: all, label: Everyone}]
scales:
  - id: agree3
    points: [{value: 1, label: "No"}, {value: 2, label: Maybe}, {value: 3, label: "Yes"}]
    support: [3]
    opposition: [1]
consensus:
  for: {support: ">= 60%", median: 3}
  against: {opposition: 0.6}
  min_answers: 10
  small_groups_contested: true
profile:
  - id: sector
    type: single_choice
    required: false
    text: '=HYPERLINK("x")'
    options: [{id: a, label: "It's A"}, {id: b, label: "@B"}]
  - {id: share, type: number, min: 0.5, max: 99.5, text: Share}
  - {id: v, type: text, when: sector != a, required: true, text: "V?"}
proposals:
  - id: p
    title: P
    statement: S
    questions:
      - {id: s, type: scale, scale: agree3, text: "S?", help: A hint}
      - id: t
        type: multiple_choice
        min_choices: 1
        max_choices: 2
        when: s in [1, 2]
        text: T?
        options: [{id: x, label: X}, {id: y, label: Y}, {id: z, label: Z}]
      - {id: u, type: text, when: t contains x, max_length: 10, text: "U?"}
closing:
  - {id: order, type: ranking, text: "Order?", options: [{id: x, label: X}, {id: y, label: Y}]}
"""


def test_a_survey_with_every_kind_of_field_round_trips(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    original = load_survey(tmp_path / "small.yaml")
    write_xlsform(original, tmp_path / "small.xlsx")
    assert convert(xlsform=str(tmp_path / "small.xlsx"), validate=False).xform
    back = import_xlsform(tmp_path / "small.xlsx")
    assert back.definition == original.definition
    assert back.survey.hash == original.hash
    # Author text is literal text in the workbook, never a formula.
    sheet = openpyxl.load_workbook(tmp_path / "small.xlsx")["survey"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("x")']
    assert [c.data_type for c in cells] == ["s"]


# -- the commands -----------------------------------------------------------------------------


def test_import_command_writes_the_survey(tmp_path: Path) -> None:
    full_form(tmp_path)
    result = consult("survey", "import-xlsform", "form.xlsx", "-o", "out.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "out.yaml: 1 proposals, 6 questions from form.xlsx\n"
    assert load_survey(tmp_path / "out.yaml").id == "energy-panel"
    again = consult("survey", "import-xlsform", "form.xlsx", "-o", "out.yaml", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr == "Error: out.yaml already exists; add --force to overwrite it\n"


def test_import_command_says_its_defaults(tmp_path: Path) -> None:
    form(tmp_path, proposal(), [row for row in CHOICES if row[0] != "consult_groups"])
    result = consult("survey", "import-xlsform", "form.xlsx", "-o", "s.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert "form.xlsx: No consult_groups list on the choices sheet" in result.stderr


@needs_real_forms
def test_import_command_lists_problems_and_writes_nothing(tmp_path: Path) -> None:
    copy_of(FORMS / "group.xlsx", tmp_path)
    result = consult("survey", "import-xlsform", "group.xlsx", "-o", "out.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "group.xlsx:survey:3: type: a group (a proposal) needs a note as its first row: the "
        "proposal's statement",
        "group.xlsx:survey:4: type: 'phone number': consult has no such question type",
        "Error: 2 problems found",
    ]
    assert not (tmp_path / "out.yaml").exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "group.xlsx"]


def test_import_command_one_line_errors(tmp_path: Path) -> None:
    missing = consult("survey", "import-xlsform", "nope.xlsx", "-o", "o.yaml", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "Error: nope.xlsx: no such file\n")
    (tmp_path / "text.xlsx").write_text("not a workbook")
    bad = consult("survey", "import-xlsform", "text.xlsx", "-o", "o.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: text.xlsx: ")
    assert len(bad.stderr.splitlines()) == 1
    assert not (tmp_path / "o.yaml").exists()


def test_import_without_pyxform_names_the_extra(tmp_path: Path) -> None:
    full_form(tmp_path)
    code = (
        "import sys; sys.modules['pyxform'] = None\n"
        "sys.argv = ['consult', 'survey', 'import-xlsform', 'form.xlsx', '-o', 'o.yaml']\n"
        "from consult.cli.app import main; main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, env=env)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "Error: XLSForm needs the optional extra: pip install 'consult[xlsform]'\n"
    )
    assert not (tmp_path / "o.yaml").exists()


def test_export_and_import_commands_round_trip_the_example(tmp_path: Path) -> None:
    out = consult("survey", "export-xlsform", str(EXAMPLE), "-o", "form.xlsx", cwd=tmp_path)
    assert (out.returncode, out.stdout) == (0, "form.xlsx: 6 proposals as an XLSForm\n")
    back = consult("survey", "import-xlsform", "form.xlsx", "-o", "back.yaml", cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    assert back.stderr == ""
    assert load_survey(tmp_path / "back.yaml").hash == load_survey(EXAMPLE).hash


def test_export_command_refuses_a_broken_survey(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: x\n", encoding="utf-8")
    result = consult("survey", "export-xlsform", "bad.yaml", "-o", "form.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.yaml:1: (top level): missing required key 'title'" in result.stderr
    assert not (tmp_path / "form.xlsx").exists()


def test_help_loads_neither_pyxform_nor_the_xlsform_code() -> None:
    code = (
        "import sys\nfrom consult.cli.app import app\n"
        "print(sorted(m for m in sys.modules if m.startswith('pyxform') or 'xlsform' in m))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout == "[]\n", out.stderr
