"""Surveys named by file or by id; an unchanged file is rebuilt from its stored definition."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from consult.errors import SurveyError
from consult.store import open_store
from consult.store.surveys import resolve_survey
from consult.survey.loader import load_survey

EXAMPLE = Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml"


def test_unchanged_file_comes_from_the_store_and_equals_the_file(tmp_path: Path) -> None:
    survey_file = tmp_path / "s.yaml"
    shutil.copy(EXAMPLE, survey_file)
    with open_store(tmp_path / "c.db") as store:
        first = resolve_survey(store, str(survey_file))
        assert store.survey_by_source(hashlib.sha256(survey_file.read_bytes()).hexdigest())
        again = resolve_survey(store, str(survey_file))
    assert again == first == load_survey(survey_file)  # frozen dataclasses compare by value
    assert again.hash == first.hash


def test_an_edited_file_is_read_and_validated_again(tmp_path: Path) -> None:
    survey_file = tmp_path / "s.yaml"
    shutil.copy(EXAMPLE, survey_file)
    with open_store(tmp_path / "c.db") as store:
        resolve_survey(store, str(survey_file))
        text = survey_file.read_text(encoding="utf-8")
        survey_file.write_text(text.replace("scale: support5", "scale: support7", 1), "utf-8")
        with pytest.raises(SurveyError) as caught:
            resolve_survey(store, str(survey_file))
    assert "unknown scale 'support7'" in str(caught.value)
    assert f"{survey_file}:" in str(caught.value)  # with its line, from the YAML


def test_a_comment_edit_keeps_the_definition_hash(tmp_path: Path) -> None:
    survey_file = tmp_path / "s.yaml"
    shutil.copy(EXAMPLE, survey_file)
    with open_store(tmp_path / "c.db") as store:
        first = resolve_survey(store, str(survey_file))
        survey_file.write_text("# edited\n" + survey_file.read_text("utf-8"), "utf-8")
        edited = resolve_survey(store, str(survey_file))
        assert edited.hash == first.hash
        assert len(store.survey_versions(first.id)) == 1
        by_id = resolve_survey(store, first.id)
    assert by_id == first
