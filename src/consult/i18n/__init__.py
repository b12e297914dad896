"""Every label table of the tool, and the one rule for choosing a language.

Each module here holds one table, ``LABELS = {language: {key: text}}``, for one part of the tool
(the participant's screens, the results table, the Excel report, ...). Every table has every key
in every language the tool ships (``tests/test_i18n.py`` fails otherwise), so there is a single
fallback rule: a language the tool does not ship is shown in English. Texts that a survey
defines (titles, statements, labels) are not here: they come translated from the survey.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The languages the tool's own words come in; the first is the fallback.
SHIPPED = ("en", "ko")
FALLBACK = SHIPPED[0]


def shipped(lang: str | None) -> str:
    """``lang`` if the tool ships its words in it, else the fallback language."""
    return lang if lang in SHIPPED else FALLBACK


class Labels:
    """One table's words in one language: ``words("key", n=3)`` formats the text of ``key``."""

    def __init__(self, table: Mapping[str, Mapping[str, str]], lang: str | None) -> None:
        self.lang = shipped(lang)
        self.words = table[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self.words[key]
        return text.format(**values) if values else text

    def get(self, key: str, default: str) -> str:
        """The text of ``key``, or ``default`` for a key the table does not have (e.g. an id)."""
        return self.words.get(key, default)

    def __getitem__(self, key: str) -> str:
        return self.words[key]
