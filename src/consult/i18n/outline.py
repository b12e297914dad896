"""The words of a survey's outline (``consult survey show``)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "type.scale": "scale",
        "type.single_choice": "single choice",
        "type.multiple_choice": "multiple choice",
        "type.ranking": "ranking",
        "type.number": "number",
        "type.text": "text",
    },
    "ko": {
        "type.scale": "척도",
        "type.single_choice": "단일 선택",
        "type.multiple_choice": "복수 선택",
        "type.ranking": "순위",
        "type.number": "숫자",
        "type.text": "서술",
    },
}
