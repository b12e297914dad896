"""How responses came in (``consult status``, the report's Participation sheet)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Responses by channel",
        "note": "How each response of the round came in; a response changed through several "
        "channels counts under the last.",
        "channel": "Channel",
        "started": "Responses",
        "submitted": "Submitted",
        "terminal": "Terminal (consult run)",
        "form": "Spreadsheet form (consult forms, consult import)",
        "table": "Table of answers, ODK or Kobo export (consult import)",
        "merge": "Another room's database (consult merge)",
        "simulate": "Simulated (consult simulate)",
    },
    "ko": {
        "heading": "응답 경로",
        "note": "라운드의 각 응답이 들어온 경로입니다. 여러 경로로 바뀐 응답은 마지막 경로로 "
        "셉니다.",
        "channel": "경로",
        "started": "응답",
        "submitted": "제출",
        "terminal": "터미널 (consult run)",
        "form": "스프레드시트 양식 (consult forms, consult import)",
        "table": "응답 표, ODK 또는 Kobo 내보내기 (consult import)",
        "merge": "다른 회의실의 데이터베이스 (consult merge)",
        "simulate": "모의 응답 (consult simulate)",
    },
}
