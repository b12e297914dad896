"""Load and validate a survey definition (YAML) into :class:`consult.survey.model.Survey`.

Validation collects every problem, each with file, line and key path, and raises one
:class:`consult.errors.SurveyError` carrying all of them. The parts: YAML with line numbers
(:mod:`~consult.survey.yaml_reader`), the validator toolkit (:mod:`~consult.survey.validate`),
what a definition may say (:mod:`~consult.survey.schema`, :mod:`~consult.survey.conditions`,
:mod:`~consult.survey.consensus`) and each question type's own fields
(:mod:`~consult.survey.question_types`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from consult.errors import Problem, SurveyError
from consult.survey.located import located
from consult.survey.model import Survey
from consult.survey.schema import build_survey
from consult.survey.validate import Validator
from consult.survey.yaml_reader import definition_hash, read_yaml

__all__ = [
    "MAX_SURVEY_BYTES",
    "definition_hash",
    "load_survey",
    "parse_survey",
    "read_source",
    "survey_from_definition",
]

#: The largest survey file read, in bytes: the bundled example is 20 KB, and a file of 70 MB
#: once took 6 minutes and 4 GB to refuse. Checked before any parsing.
MAX_SURVEY_BYTES = 2 * 1024 * 1024
#: The most proposals, and the most questions in all, a survey may have: far beyond any
#: consultation, and a bound on the time validation takes.
MAX_PROPOSALS = 500
MAX_QUESTIONS = 5_000


def read_source(path: str | Path) -> bytes:
    """The bytes of the survey file at ``path``, reading at most MAX_SURVEY_BYTES + 1 of them
    (so ``/dev/zero`` or a huge file is refused at once); SurveyError when too large."""
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SURVEY_BYTES + 1)
    except FileNotFoundError:
        raise SurveyError([Problem(shown, None, "", "no such file")]) from None
    except IsADirectoryError:
        raise SurveyError([Problem(shown, None, "", "is a folder, not a survey file")]) from None
    except OSError as exc:
        raise SurveyError([Problem(shown, None, "", exc.strerror or str(exc))]) from None
    if len(data) > MAX_SURVEY_BYTES:
        message = (
            f"larger than {MAX_SURVEY_BYTES // (1024 * 1024)} MB, the most a survey file may be "
            "(is it really a survey?)"
        )
        raise SurveyError([Problem(shown, None, "", message)])
    return data


def load_survey(path: str | Path) -> Survey:
    """Read, validate and build the survey defined in the YAML file at ``path``.

    Raises :class:`SurveyError` listing every problem found.
    """
    shown = str(path)
    data = read_source(path)
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SurveyError([Problem(shown, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    return parse_survey(source, shown)


def parse_survey(source: str, file: str = "<string>") -> Survey:
    """Validate and build a survey from YAML text; ``file`` names it in problems."""
    v = Validator(file)
    if len(source) > MAX_SURVEY_BYTES:  # characters, at least as many bytes
        too_large = f"larger than {MAX_SURVEY_BYTES // (1024 * 1024)} MB"
        raise SurveyError([Problem(file, None, "", too_large)])
    data = read_yaml(source, file, v.problem)
    top = v.mapping(data, "(top level)", 1)
    if top is None:
        raise SurveyError(v.problems)
    _check_counts(v, top)
    survey = build_survey(v, top)
    if v.problems or survey is None:
        raise SurveyError(sorted(v.problems, key=lambda p: p.line or 0))  # in file order
    return survey


def survey_from_definition(definition: dict, file: str = "<stored>") -> Survey:
    """Build a survey from its parsed definition (as stored), through the same validation.

    Much faster than reading YAML again: used for definitions already validated and stored.
    """
    v = Validator(file)
    top = v.mapping(located(definition), "(top level)", None)
    survey = build_survey(v, top) if top is not None else None
    if v.problems or survey is None:
        raise SurveyError(v.problems)
    return survey


def _check_counts(v: Validator, top: Any) -> None:
    """SurveyError at once for more proposals or questions than MAX_PROPOSALS/MAX_QUESTIONS,
    with the line of the list: validating each would take long and say nothing useful."""
    proposals = top.get("proposals")
    too_many = []
    if isinstance(proposals, list) and len(proposals) > MAX_PROPOSALS:
        line = getattr(top, "key_lines", {}).get("proposals")
        too_many.append(
            Problem(
                v.file, line, "proposals", f"{len(proposals):,} proposals; at most {MAX_PROPOSALS}"
            )
        )
    else:
        total = 0
        for key in ("profile", "closing"):
            section = top.get(key)
            total += len(section) if isinstance(section, list) else 0
        for proposal in proposals if isinstance(proposals, list) else []:
            questions = proposal.get("questions") if isinstance(proposal, dict) else None
            total += len(questions) if isinstance(questions, list) else 0
        if total > MAX_QUESTIONS:
            line = getattr(top, "key_lines", {}).get("proposals")
            message = f"{total:,} questions in all; at most {MAX_QUESTIONS:,}"
            too_many.append(Problem(v.file, line, "", message))
    if too_many:
        raise SurveyError(too_many)
