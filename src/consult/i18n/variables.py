"""The labels of the variables consult adds to every labelled export (SPSS, Stata, codebook)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "Pseudonymous participant id": "Pseudonymous participant id",
        "Stakeholder group": "Stakeholder group",
        "Round": "Round",
        "Status of the response": "Status of the response",
        "submitted": "submitted",
        "in progress": "in progress",
        "Simulated response (a rehearsal)": "Simulated response (a rehearsal)",
        "no": "no",
        "yes": "yes",
        "not chosen": "not chosen",
        "chosen": "chosen",
    },
    "ko": {
        "Pseudonymous participant id": "가명 참여자 ID",
        "Stakeholder group": "이해관계자 집단",
        "Round": "라운드",
        "Status of the response": "응답 상태",
        "submitted": "제출됨",
        "in progress": "진행 중",
        "Simulated response (a rehearsal)": "모의 응답 (리허설)",
        "no": "아니오",
        "yes": "예",
        "not chosen": "선택 안 함",
        "chosen": "선택함",
    },
}
