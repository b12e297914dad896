"""Find the survey a command is about: a definition file, or a survey already in the database."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from consult.errors import InputError
from consult.store import Store
from consult.survey_loader import load_survey, parse_survey
from consult.survey_model import Survey


def register_survey(store: Store, survey: Survey) -> bool:
    """Record the survey's definition under its hash; returns whether this version is new."""
    return store.save_survey(
        survey.id, survey.hash, survey.version, str(survey.title), survey.definition, survey.path
    )


def resolve_survey(store: Store, ref: str) -> Survey:
    """The survey named by ``ref``: a YAML file (recorded in the store), or a stored survey's id."""
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        survey = load_survey(path)
        register_survey(store, survey)
        return survey
    stored = store.survey_definition(ref)
    if stored is None:
        raise InputError(f"{ref}: no such survey file, and no survey with that id in {store.path}")
    definition, source = stored
    # Back to YAML through PyYAML's own dumper: read as YAML, JSON's 1e-05 would be a string.
    text = yaml.safe_dump(json.loads(definition), allow_unicode=True, sort_keys=False)
    return parse_survey(text, source or f"{store.path}:{ref}")
