"""Find the survey a command is about: a definition file, or a survey already in the database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from consult.errors import ConsultError, InputError, SurveyError
from consult.store import Store
from consult.survey.loader import load_survey, read_source, survey_from_definition
from consult.survey.model import Survey


def register_survey(store: Store, survey: Survey, source_sha256: str | None = None) -> bool:
    """Record the survey's definition under its hash; returns whether this version is new."""
    return store.save_survey(
        survey.id,
        survey.hash,
        survey.version,
        str(survey.title),
        survey.definition,
        survey.path,
        source_sha256,
    )


def resolve_survey(store: Store, ref: str) -> Survey:
    """The survey named by ``ref``: a YAML file (recorded in the store), or a stored survey's id.

    A file read before, byte for byte, is rebuilt from its stored definition: reading YAML
    with line numbers costs far more than every other step of a command.
    """
    path = Path(ref)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        try:
            digest = hashlib.sha256(read_source(path)).hexdigest()  # at most 2 MB read
        except OSError:
            digest = None  # load_survey says what is wrong with the file
        stored = store.survey_by_source(digest) if digest else None
        if stored is not None:
            try:
                return survey_from_definition(json.loads(stored[0]), str(path))
            except SurveyError:
                pass  # validated by an older consult: read the file again below
        survey = load_survey(path)
        register_survey(store, survey, digest)
        return survey
    stored = store.survey_definition(ref)
    if stored is None:
        raise InputError(f"{ref}: no such survey file, and no survey with that id in {store.path}")
    definition, source = stored
    return survey_from_definition(json.loads(definition), source or f"{store.path}:{ref}")


def survey_version(store: Store, survey: Survey, hash: str) -> Survey:
    """The version of ``survey`` with content hash ``hash``, as stored when a response began."""
    if hash == survey.hash:
        return survey
    definition = store.survey_by_hash(hash)
    if definition is None:
        raise ConsultError(f"{survey.id}: the version {hash[:12]} of this survey is not stored")
    try:
        return survey_from_definition(
            json.loads(definition), f"{store.path}:{survey.id}@{hash[:12]}"
        )
    except SurveyError as exc:
        raise ConsultError(
            f"{survey.id}: the version {hash[:12]} a response began with no longer loads "
            f"({exc.problems[0] if exc.problems else exc})"
        ) from None
