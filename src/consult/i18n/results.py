"""The words of the results table in the terminal (``consult results``)."""

from __future__ import annotations

#: The table's own words; survey texts come translated from the survey itself.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "rank": "Rank",
        "rank_short": "Rk",
        "number": "No.",
        "proposal": "Proposal",
        "support": "Support",
        "oppose": "Oppose",
        "abstained": "Abst.",
        "median": "Median (IQR)",
        "median_short": "Md (IQR)",
        "consensus": "Consensus",
        "consensus_short": "Cons.",
        "gap": "Gap",
        "by_group": "Support by group",
        "for": "✔ for",
        "against": "✘ against",
        "none": "·",
        "insufficient": "insufficient answers",
        "for_short": "✔",
        "against_short": "✘",
        "none_short": "·",
        "insufficient_short": "insufficient",
        "responses": "{n} responses",
        "response": "1 response",
        "simulated": "simulated responses included",
        "unfinished": "unfinished responses included",
        "round": "round {n}",
        "groups": "groups: {ids}",
        "legend": (
            "Support: share of valid answers on the support side; abstentions left out. "
            "Consensus rule: {rule}. Gap: the largest difference in support between two groups. "
            "⚡ contested: it reaches the survey's threshold and its 95% interval excludes 0; "
            "⚡? possible: it reaches the threshold but its interval (in brackets, pp) includes "
            "0. Group columns: support{n}."
        ),
        "legend_abstained": " Abst.: abstentions (their share of all answers).",
        "legend_insufficient": (
            " insufficient answers: under the survey's quorum, no verdict; ranked last."
        ),
        "legend_small": " † fewer than {n} valid answers: left out of the contested flag.",
        "legend_small_counted": (
            " † fewer than {n} valid answers: a small group (the survey counts it for the flag)."
        ),
        "legend_small_unknown": " † a small group: left out of the contested flag.",
        "legend_rounding": (
            " Figures are rounded to whole percent unless that would put them on the other "
            "side of a threshold of the rule: then they get decimals."
        ),
        "legend_groups": " Groups: {groups}.",
        "legend_rank": (
            "Rank (Rk): by support, most first. P3 (No.): the proposal's number in the survey, as "
            "participants saw it (proposal 3)."
        ),
        "watch_footer": "Refreshed at {time} · Ctrl-C to stop",
    },
    "ko": {
        "rank": "순위",
        "rank_short": "순위",
        "number": "번호",
        "proposal": "제안",
        "support": "지지",
        "oppose": "반대",
        "abstained": "기권",
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
        "for_short": "✔",
        "against_short": "✘",
        "none_short": "·",
        "insufficient_short": "응답 부족",
        "responses": "응답 {n}건",
        "response": "응답 1건",
        "simulated": "모의 응답 포함",
        "unfinished": "미완료 응답 포함",
        "round": "{n}차",
        "groups": "집단: {ids}",
        "legend": (
            "지지: 유효 응답 중 지지 쪽 응답의 비율 (기권 제외). 합의 규칙: {rule}. "
            "차이: 두 집단 간 지지도의 최대 차이. ⚡ 쟁점: 설문의 기준 이상이고 95% 구간이 0을 "
            "포함하지 않음. ⚡? 쟁점 가능: 기준 이상이지만 구간(괄호 안, pp)이 0을 포함. "
            "집단 열: 지지{n}."
        ),
        "legend_abstained": " 기권: 기권 수 (전체 응답 중 비율).",
        "legend_insufficient": " 응답 부족: 설문의 최소 응답 기준 미달, 판정 없음, 맨 뒤 순위.",
        "legend_small": " † 유효 응답 {n}건 미만: 쟁점 판정에서 제외.",
        "legend_small_counted": (
            " † 유효 응답 {n}건 미만: 소규모 집단 (설문에 따라 쟁점 판정에 포함)."
        ),
        "legend_small_unknown": " † 소규모 집단: 쟁점 판정에서 제외.",
        "legend_rounding": (
            " 수치는 정수 퍼센트로 반올림하되, 반올림하면 규칙의 기준 반대편에 놓일 때는 "
            "소수점을 표시합니다."
        ),
        "legend_groups": " 집단: {groups}.",
        "legend_rank": (
            "순위: 지지도 순 (높은 것부터). P3 (번호): 참여자가 본 설문 속 제안 번호 "
            "(세 번째 제안)."
        ),
        "watch_footer": "{time}에 갱신됨 · 멈추려면 Ctrl-C",
    },
}
