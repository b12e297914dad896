"""The words a consensus rule is described in."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "for": "for",
        "against": "against",
        "and": " and ",
        "panel": "must hold in the panel as a whole",
        "every_group": "must hold in every stakeholder group",
        "contested": "contested at a {gap} support gap",
        "mirrored": "mirrored",
        "support": "support",
        "opposition": "opposition",
        "neutral": "neutral",
        "percent_agreement": "percent agreement",
        "median": "median",
        "iqr": "IQR",
        "mean": "mean",
    },
    "ko": {
        "for": "찬성 합의",
        "against": "반대 합의",
        "and": " 그리고 ",
        "panel": "패널 전체에서 충족",
        "every_group": "모든 이해관계자 집단에서 충족",
        "contested": "집단 간 지지도 차이 {gap} 이상이면 쟁점",
        "mirrored": "대칭",
        "support": "지지",
        "opposition": "반대",
        "neutral": "중립",
        "percent_agreement": "동의율",
        "median": "중앙값",
        "iqr": "사분위범위",
        "mean": "평균",
    },
}
