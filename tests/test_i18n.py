"""Every label in every table exists in every language the tool ships, with the same fields."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import consult.i18n
from consult.i18n import SHIPPED, Labels

TABLES = sorted(m.name for m in pkgutil.iter_modules(consult.i18n.__path__, prefix="consult.i18n."))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_there_are_tables() -> None:
    assert {"consult.i18n.session", "consult.i18n.report", "consult.i18n.results"} <= set(TABLES)


@pytest.mark.parametrize("name", TABLES)
def test_every_label_in_every_language(name: str) -> None:
    table = importlib.import_module(name).LABELS
    assert set(table) == set(SHIPPED), f"{name}: languages {sorted(table)}"
    english = table["en"]
    for lang in SHIPPED:
        assert set(table[lang]) == set(english), (
            f"{name}: {lang} lacks {sorted(set(english) - set(table[lang]))}, "
            f"has extra {sorted(set(table[lang]) - set(english))}"
        )
        for key, text in table[lang].items():
            assert fields(text) == fields(english[key]), (name, lang, key)
            if english[key]:
                assert text.strip(), (name, lang, key)


def test_one_fallback_rule() -> None:
    table = {"en": {"hello": "Hello {who}"}, "ko": {"hello": "안녕 {who}"}}
    assert Labels(table, "ko")("hello", who="김") == "안녕 김"
    assert Labels(table, "fr")("hello", who="Kim") == "Hello Kim"
    assert Labels(table, None).lang == "en"
