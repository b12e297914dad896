"""Each question type reads back the cells it writes, and refuses what is no answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consult.survey.cells import CellProblem
from consult.survey.model import ABSTAIN, Survey


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_stored_value_survives_its_cell(example: Survey, data: st.DataObject) -> None:
    for q in example.questions():
        if q.kind.summary == "scale":
            scale = example.scale(q.scale or "")
            value = data.draw(st.sampled_from([p.value for p in scale.points] + [ABSTAIN]))
        elif q.kind.ranks_options:
            value = data.draw(st.permutations([o.id for o in q.options]))
        elif q.kind.has_options and q.kind.picks_one:
            value = data.draw(st.sampled_from([o.id for o in q.options]))
        elif q.kind.has_options:
            ids = [o.id for o in q.options]
            picked = data.draw(st.sets(st.sampled_from(ids), min_size=1))
            value = [i for i in ids if i in picked]
        elif q.kind.summary == "number":
            value = data.draw(st.integers(int(q.min or 0), int(q.max or 100)))
        else:
            value = data.draw(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() == t))
        for lang in example.languages:
            cell = q.kind.cell_text(q, value, lang, example)
            assert q.kind.parse_cell(q, cell, example) == value, (q.key, lang, cell)


def test_labels_in_either_language_and_values(example: Survey) -> None:
    q = example.question("ministry-led.support")
    read = lambda raw: q.kind.parse_cell(q, raw, example)  # noqa: E731
    assert [read(x) for x in ("4", 4, 4.0, "Support", "지지", "  support ", "4 Support")] == [4] * 7
    assert read("잘 모르겠음 / 기권") == ABSTAIN
    assert read("") is None and read(None) is None
    for bad, why in (("6", "not a point"), ("4.5", "not a point"), ("Maybe", "not a point")):
        with pytest.raises(CellProblem, match=why):
            read(bad)


def test_numbers_and_choices_say_what_is_wrong(example: Survey) -> None:
    years = example.question("experience_years")
    with pytest.raises(CellProblem, match="above the maximum 60"):
        years.kind.parse_cell(years, 61, example)
    with pytest.raises(CellProblem, match="not a whole number"):
        years.kind.parse_cell(years, "2.5", example)
    assert years.kind.parse_cell(years, "7", example) == 7
    rank = example.question("priorities")
    with pytest.raises(CellProblem, match="ranked more than once"):
        rank.kind.parse_cell(rank, "ministry-led; ministry-led", example)
    org = example.question("organisation_type")
    with pytest.raises(CellProblem, match="not one of the options"):
        org.kind.parse_cell(org, "Ministry of Magic", example)
    assert org.kind.parse_cell(org, "대학", example) == "university"
