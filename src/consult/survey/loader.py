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

from consult.errors import Problem, SurveyError
from consult.survey.located import located
from consult.survey.model import Survey
from consult.survey.schema import build_survey
from consult.survey.validate import Validator
from consult.survey.yaml_reader import definition_hash, read_yaml

__all__ = ["definition_hash", "load_survey", "parse_survey", "survey_from_definition"]


def load_survey(path: str | Path) -> Survey:
    """Read, validate and build the survey defined in the YAML file at ``path``.

    Raises :class:`SurveyError` listing every problem found.
    """
    path = Path(path)
    shown = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SurveyError([Problem(shown, None, "", "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise SurveyError([Problem(shown, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise SurveyError([Problem(shown, None, "", exc.strerror or str(exc))]) from None
    return parse_survey(source, shown)


def parse_survey(source: str, file: str = "<string>") -> Survey:
    """Validate and build a survey from YAML text; ``file`` names it in problems."""
    v = Validator(file)
    data = read_yaml(source, file, v.problem)
    top = v.mapping(data, "(top level)", 1)
    if top is None:
        raise SurveyError(v.problems)
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
