"""The words of the facilitator's views of Delphi rounds: ``consult round status`` and
``consult results --rounds``."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "overview_title": "{survey}: every proposal across rounds",
        "proposal": "Proposal",
        "round_n": "Round {n}",
        "not_asked": "not asked",
        "settled_in": "settled in round {n}",
        "overview_legend": (
            "Each round: support (↑ up, ↓ down, → unchanged since the round before), median "
            "(IQR), verdict. Closed rounds show the figures frozen when they closed, the open "
            "round today's. A settled proposal is not asked again."
        ),
        "status_title": "{survey}: Delphi rounds (current: round {n})",
        "design": (
            "Design: at most {max_rounds} rounds · carry forward {carry_forward} · reasons "
            "{reasons} · invite {invite} · stopping criterion {criterion}"
        ),
        "no_design": "The survey declares no delphi: block; it has one round.",
        "no_criterion": "none declared",
        "state_open": "open",
        "state_closed": "closed",
        "state_ended": "closed, the study ended",
        "round_heading": "Round {n} · {state} · opened {opened}{closed}",
        "closed_at": " · closed {at}",
        "simulated": " · simulated responses counted",
        "group": "Group",
        "invited": "Invited",
        "started": "Started",
        "submitted": "Submitted",
        "lost": "Lost",
        "all": "all",
        "incomplete": "{n} responses left incomplete.",
        "asked": (
            "Asked {carried} proposals: consensus on {reached}, still open {open}; settled in "
            "earlier rounds {settled}."
        ),
        "stability_title": "Stability against round {n}",
        "pairs": "Pairs",
        "changed": "Chg",
        "mean_change": "|Δ|",
        "wilcoxon_p": "p(W)",
        "kappa": "κw",
        "iqr_change": "ΔIQR",
        "cv_change": "ΔCV",
        "stable": "Stable",
        "yes": "yes",
        "no": "no",
        "unknown": "–",
        "criterion_met": (
            "The stopping criterion ({criterion}) holds for every proposal asked: consider "
            "'consult round close'."
        ),
        "criterion_not_met": "The stopping criterion ({criterion}) does not hold yet.",
        "criterion_unknown": "The stopping criterion ({criterion}) cannot be evaluated yet.",
        "stability_legend": (
            "Pairs: participants who answered both rounds. Chg: share who changed their answer; "
            "|Δ|: mean absolute change in points; p(W): Wilcoxon signed-rank p; κw: linear "
            "weighted kappa between the rounds; ΔIQR, ΔCV: change of the IQR and of the "
            "coefficient of variation (negative: converging). See docs/statistics.md."
        ),
    },
    "ko": {
        "overview_title": "{survey}: 라운드별 제안",
        "proposal": "제안",
        "round_n": "{n}차",
        "not_asked": "묻지 않음",
        "settled_in": "{n}차에서 결론",
        "overview_legend": (
            "각 라운드: 지지 (↑ 상승, ↓ 하락, → 이전 라운드와 같음), 중앙값 (IQR), 판정. 마감된 "
            "라운드는 마감 때 고정된 수치, 진행 중인 라운드는 현재 수치입니다. 결론이 난 제안은 "
            "다시 묻지 않습니다."
        ),
        "status_title": "{survey}: 델파이 라운드 (현재 {n}차)",
        "design": (
            "설계: 최대 {max_rounds}차 · 다음 라운드 제안 {carry_forward} · 이유 {reasons} · "
            "초대 {invite} · 종료 기준 {criterion}"
        ),
        "no_design": "설문에 delphi: 블록이 없어 라운드가 하나뿐입니다.",
        "no_criterion": "없음",
        "state_open": "진행 중",
        "state_closed": "마감",
        "state_ended": "마감, 연구 종료",
        "round_heading": "{n}차 · {state} · 시작 {opened}{closed}",
        "closed_at": " · 마감 {at}",
        "simulated": " · 모의 응답 포함",
        "group": "집단",
        "invited": "초대",
        "started": "시작",
        "submitted": "제출",
        "lost": "이탈",
        "all": "전체",
        "incomplete": "미완료로 남은 응답 {n}건.",
        "asked": (
            "제안 {carried}개 질문: 합의 {reached}개, 미결 {open}개; 이전 라운드에서 결론 "
            "{settled}개."
        ),
        "stability_title": "{n}차 대비 안정성",
        "pairs": "쌍",
        "changed": "변경",
        "mean_change": "|Δ|",
        "wilcoxon_p": "p(W)",
        "kappa": "κw",
        "iqr_change": "ΔIQR",
        "cv_change": "ΔCV",
        "stable": "안정",
        "yes": "예",
        "no": "아니오",
        "unknown": "–",
        "criterion_met": (
            "종료 기준 ({criterion})이 질문한 모든 제안에서 충족됩니다: 'consult round close'를 "
            "고려하십시오."
        ),
        "criterion_not_met": "종료 기준 ({criterion})이 아직 충족되지 않았습니다.",
        "criterion_unknown": "종료 기준 ({criterion})을 아직 평가할 수 없습니다.",
        "stability_legend": (
            "쌍: 두 라운드 모두 응답한 참여자. 변경: 응답을 바꾼 비율; |Δ|: 평균 절대 변화(점); "
            "p(W): 윌콕슨 부호순위 검정 p; κw: 두 라운드 간 선형 가중 카파; ΔIQR, ΔCV: IQR과 "
            "변동계수의 변화 (음수: 수렴). docs/statistics.md 참조."
        ),
    },
}
