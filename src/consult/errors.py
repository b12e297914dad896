"""The error types that reach the user. The CLI turns them into one line and an exit status."""

from __future__ import annotations

from dataclasses import dataclass


class ConsultError(Exception):
    """A failure we expected and can explain in one line. Exit status 1 (runtime failure)."""

    exit_code = 1


class InputError(ConsultError):
    """Bad input from the user: a file, a row, an option. Exit status 2."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem in a survey definition, located by file, line and key path."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SurveyError(InputError):
    """A survey definition that does not load. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(ConsultError):
    """The database cannot be used: not a consult database, newer schema, locked, corrupt."""
