"""The words of the results table in the terminal (``consult results``)."""

from __future__ import annotations

#: The table's own words; survey texts come translated from the survey itself.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "proposal": "Proposal",
        "support": "Support",
        "oppose": "Oppose",
        "median": "Median (IQR)",
        "median_short": "Md (IQR)",
        "consensus": "Consensus",
        "consensus_short": "Cons.",
        "gap": "Gap",
        "by_group": "Support by group",
        "for": "✔ for",
        "against": "✘ against",
        "none": "·",
        "insufficient": "too few",
        "responses": "{n} responses",
        "response": "1 response",
        "simulated": "simulated responses included",
        "unfinished": "unfinished responses included",
        "round": "round {n}",
        "groups": "groups: {ids}",
        "legend": (
            "Support: share of valid answers on the support side; abstentions left out. "
            "Consensus rule: {rule}. ⚡ contested: two groups' support differs by at least the "
            "survey's threshold. Group columns: support{n}."
        ),
        "legend_groups": " Groups: {groups}.",
    },
    "ko": {
        "proposal": "제안",
        "support": "지지",
        "oppose": "반대",
        "median": "중앙값 (IQR)",
        "median_short": "중앙값",
        "consensus": "합의",
        "consensus_short": "합의",
        "gap": "차이",
        "by_group": "집단별 지지",
        "for": "✔ 찬성",
        "against": "✘ 반대",
        "none": "·",
        "insufficient": "응답 부족",
        "responses": "응답 {n}건",
        "response": "응답 1건",
        "simulated": "모의 응답 포함",
        "unfinished": "미완료 응답 포함",
        "round": "{n}차",
        "groups": "집단: {ids}",
        "legend": (
            "지지: 유효 응답 중 지지 쪽 응답의 비율 (기권 제외). 합의 규칙: {rule}. "
            "⚡ 쟁점: 두 집단의 지지도 차이가 설문의 기준 이상. 집단 열: 지지{n}."
        ),
        "legend_groups": " 집단: {groups}.",
    },
}
