"""Fixtures shared by the tests: real SQLite files in tmp_path, the real example survey."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from consult.store import Store, open_store
from consult.survey.loader import load_survey
from consult.survey.model import Survey

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_FILE = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new, empty consult database in this test's temporary folder."""
    with open_store(tmp_path / "consult.db") as s:
        yield s


@pytest.fixture(scope="session")
def example() -> Survey:
    """The bundled example survey, loaded once for the whole run."""
    return load_survey(EXAMPLE_FILE)
