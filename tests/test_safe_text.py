"""Participant text as data: what a terminal, a JSON reader and a spreadsheet get of it."""

from __future__ import annotations

import json

import pytest

from consult.safe_text import json_text, neutralise_formula, strip_control

CASES = [
    ("plain words", "plain words"),
    ("한국어 응답\t탭\n줄", "한국어 응답\t탭\n줄"),  # Hangul, tab and newline kept
    ("\x1b[2J\x1b[31mred\x1b[0m", "red"),  # CSI sequences, whole
    ("csi\x9b31m", "csi"),  # the one-byte C1 CSI
    ("a\x1b]8;;http://evil\x07link\x1b]8;;\x07b", "alinkb"),  # an OSC hyperlink, BEL-ended
    ("\x1b]0;title\x1b\\x", "x"),  # an OSC ended by ST
    ("\x1b(Bx", "x"),  # a two-character escape with an intermediate
    ("open\x1b]0;never ends", "open0;never ends"),  # unterminated: only the introducer goes
    ("abc\u202edcba\u2066", "abcdcba"),  # bidirectional override and isolate
    ("ls\x85nel", "ls\nnel"),  # NEL is a line break
    ("a\u2028b\u2029c", "a\nb\nc"),
    ("bell\x07 back\x08 del\x7f", "bell back del"),
    ("\x9d" * 50_000 + "end", "end"),  # many introducers: each scanned once
]


@pytest.mark.parametrize(("text", "shown"), CASES, ids=[repr(t[:20]) for t, _ in CASES])
def test_strip_control(text: str, shown: str) -> None:
    assert strip_control(text) == shown


@pytest.mark.parametrize("text", [t for t, _ in CASES] + ["\\u202e typed as six characters"])
def test_json_text_is_the_same_data_with_nothing_raw_for_a_terminal(text: str) -> None:
    encoded = json_text(json.dumps({"value": text}, ensure_ascii=False))
    assert json.loads(encoded) == {"value": text}
    assert not any(c in encoded for c in "\x1b\x85\x9b\x9d\u202e\u2028\u2029")


def test_neutralise_formula() -> None:
    for text in ['=HYPERLINK("x")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-1+1", "\t=1", "\r=1"]:
        assert neutralise_formula(text) == "'" + text
    assert neutralise_formula("a=1") == "a=1"
