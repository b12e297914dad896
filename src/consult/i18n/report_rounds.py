"""The words of the Excel report about Delphi rounds (the Rounds sheet, the rounds in
Participation and Method); :mod:`consult.i18n.report` merges them into its table."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sheet.rounds": "Rounds",
        "rounds.heading": "Support across the Delphi rounds",
        "rounds.note": (
            "Closed rounds show the figures frozen when they closed; the open round is computed "
            "now. Change: from the round before (support in percentage points, the median in "
            "scale points). Stability: over the participants who answered both rounds (pairs). "
            "A proposal settled in an earlier round is not asked again."
        ),
        "rounds.criterion": "Stopping criterion: {criterion}. Last comparison (rounds {a} → {b}): "
        "{met}.",
        "rounds.criterion.none": "No stopping criterion declared.",
        "rounds.criterion.first": "Stopping criterion: {criterion}; no two rounds compared yet.",
        "rounds.met.yes": "met",
        "rounds.met.no": "not met",
        "rounds.met.unknown": "cannot be told (a measure is undefined)",
        "rounds.frozen.included": "Frozen with simulated responses included: round {rounds}.",
        "rounds.frozen.excluded": "Frozen with simulated responses left out: round {rounds}.",
        "rounds.attrition": "Attrition between rounds",
        "rounds.support": "Support per round (the chart's data)",
        "chart.rounds": "Support per round (share of valid answers)",
        "round.cap": "Round {n}",
        "state.open": "open",
        "state.closed": "closed",
        "state.ended": "closed, last round",
        "col.state": "State",
        "col.q1": "Q1",
        "col.q3": "Q3",
        "col.support_change": "Support change",
        "col.median_change": "Median change",
        "col.pairs": "Pairs (answered both)",
        "col.changed_share": "Changed their answer",
        "col.mean_abs_change": "Mean absolute change",
        "col.wilcoxon_p": "Wilcoxon p",
        "col.kappa": "Weighted kappa (linear)",
        "col.iqr_change": "IQR change",
        "col.cv_change": "CV change",
        "col.stable": "Stable (criterion)",
        "col.settled_round": "Settled in round",
        "col.settled_verdict": "Settled as",
        "col.rounds_between": "Rounds",
        "col.answered_before": "Answered the earlier round",
        "col.answered_both": "Answered both",
        "col.lost": "Lost",
        "col.lost_share": "Lost share",
        "col.incomplete": "Incomplete (started, not submitted)",
        "participation.by_round": "Participation by round",
        "participation.rounds_note": (
            "Closed rounds as counted when they closed; the open round as it stands now."
        ),
        "participation.round": "Round {n} ({state})",
        "m.delphi": "Delphi design",
        "m.delphi.text": (
            "At most {max} rounds; asked again: {carry}; invited to the next round: {invite}."
        ),
        "m.carry.no_consensus": "the proposals without consensus (For or Against settles one)",
        "m.carry.all": "every proposal, every round",
        "m.invite.submitted": "those who submitted the round before",
        "m.invite.panel": "the whole panel",
        "m.feedback": "Feedback shown in round 2 and later",
        "m.feedback.distribution": "the distribution of answers",
        "m.feedback.median_iqr": "the median and IQR",
        "m.feedback.by_group": "support by group",
        "m.feedback.own_answer": "the participant's own earlier answer",
        "m.feedback.reasons": "the reasons others gave",
        "m.feedback.none": "None",
        "m.reasons": "Reasons asked",
        "m.reasons.required": (
            "Required when the new answer lies outside the previous round's IQR"
        ),
        "m.reasons.outside_iqr": (
            "Required when the new answer lies outside the previous round's IQR"
        ),
        "m.reasons.optional": (
            "Asked, optional, when the new answer lies outside the previous round's IQR"
        ),
        "m.reasons.never": "Never",
        "m.round_plans": "Proposals asked in each round",
        "m.round_plan": "Round {n} ({state}): {asked}",
        "m.round_plan.all": "all {n} proposals",
        "m.round_plan.settled": "; settled before it: {settled}",
        "m.settled_item": "{proposal} (round {n}, {verdict})",
        "m.criterion": "Stopping criterion",
        "m.criterion.none": "None declared",
        "m.criterion.text": (
            "{criterion}, for every proposal asked again, over the participants who answered "
            "both rounds; reported, never applied on its own"
        ),
        "m.criterion_met": "Criterion met in the last comparison",
        "m.criterion_met.yes": "Yes (rounds {a} → {b})",
        "m.criterion_met.no": "No (rounds {a} → {b})",
        "m.criterion_met.unknown": "Cannot be told (rounds {a} → {b}): a measure is undefined",
        "m.criterion_met.none": "No two rounds compared yet",
        "m.frozen": "Figures of each round",
        "m.frozen.text": (
            "A closed round's figures were frozen when it closed (later edits do not change "
            "them); the open round's are computed as the report is written. Stability: share "
            "who changed, mean absolute change, Wilcoxon signed-rank p (normal approximation), "
            "Cohen's weighted kappa, change of IQR and of the coefficient of variation."
        ),
    },
    "ko": {
        "sheet.rounds": "차수별",
        "rounds.heading": "델파이 차수별 지지도",
        "rounds.note": (
            "종료된 차수는 종료 시점에 고정된 수치, 진행 중인 차수는 현재 계산한 수치입니다. "
            "변화: 이전 차수 대비 (지지도는 퍼센트포인트, 중앙값은 척도 점수). "
            "안정성: 두 차수 모두 응답한 참여자(쌍) 기준. "
            "이전 차수에서 확정된 제안은 다시 묻지 않습니다."
        ),
        "rounds.criterion": "중단 기준: {criterion}. 마지막 비교 ({a}차 → {b}차): {met}.",
        "rounds.criterion.none": "중단 기준을 정하지 않았습니다.",
        "rounds.criterion.first": "중단 기준: {criterion}. 아직 비교할 두 차수가 없습니다.",
        "rounds.met.yes": "충족",
        "rounds.met.no": "미충족",
        "rounds.met.unknown": "판단 불가 (정의되지 않는 측정값)",
        "rounds.frozen.included": "모의 응답을 포함하여 고정된 차수: {rounds}.",
        "rounds.frozen.excluded": "모의 응답을 제외하고 고정된 차수: {rounds}.",
        "rounds.attrition": "차수 간 이탈",
        "rounds.support": "차수별 지지도 (차트 데이터)",
        "chart.rounds": "차수별 지지도 (유효 응답 중 비율)",
        "round.cap": "{n}차",
        "state.open": "진행 중",
        "state.closed": "종료",
        "state.ended": "종료, 마지막 차수",
        "col.state": "상태",
        "col.q1": "제1사분위",
        "col.q3": "제3사분위",
        "col.support_change": "지지도 변화",
        "col.median_change": "중앙값 변화",
        "col.pairs": "쌍 (두 차수 모두 응답)",
        "col.changed_share": "응답을 바꾼 비율",
        "col.mean_abs_change": "평균 절대 변화",
        "col.wilcoxon_p": "윌콕슨 p",
        "col.kappa": "가중 카파 (선형)",
        "col.iqr_change": "사분위범위 변화",
        "col.cv_change": "변동계수 변화",
        "col.stable": "안정 (기준)",
        "col.settled_round": "확정 차수",
        "col.settled_verdict": "확정 결과",
        "col.rounds_between": "차수",
        "col.answered_before": "이전 차수 응답",
        "col.answered_both": "두 차수 모두 응답",
        "col.lost": "이탈",
        "col.lost_share": "이탈 비율",
        "col.incomplete": "미완료 (시작, 미제출)",
        "participation.by_round": "차수별 참여 현황",
        "participation.rounds_note": (
            "종료된 차수는 종료 시점의 집계, 진행 중인 차수는 현재 집계입니다."
        ),
        "participation.round": "{n}차 ({state})",
        "m.delphi": "델파이 설계",
        "m.delphi.text": (
            "최대 {max}개 차수. 다시 묻는 제안: {carry}. 다음 차수 초대 대상: {invite}."
        ),
        "m.carry.no_consensus": "합의되지 않은 제안 (찬성 또는 반대 합의로 확정)",
        "m.carry.all": "모든 차수에서 모든 제안",
        "m.invite.submitted": "이전 차수에 제출한 참여자",
        "m.invite.panel": "패널 전체",
        "m.feedback": "2차 이후 보여주는 피드백",
        "m.feedback.distribution": "응답 분포",
        "m.feedback.median_iqr": "중앙값과 사분위범위",
        "m.feedback.by_group": "집단별 지지도",
        "m.feedback.own_answer": "본인의 이전 응답",
        "m.feedback.reasons": "다른 참여자의 이유",
        "m.feedback.none": "없음",
        "m.reasons": "이유 질문",
        "m.reasons.required": "새 응답이 이전 차수의 사분위범위 밖이면 필수",
        "m.reasons.outside_iqr": "새 응답이 이전 차수의 사분위범위 밖이면 필수",
        "m.reasons.optional": "새 응답이 이전 차수의 사분위범위 밖이면 선택 질문",
        "m.reasons.never": "묻지 않음",
        "m.round_plans": "차수별로 물은 제안",
        "m.round_plan": "{n}차 ({state}): {asked}",
        "m.round_plan.all": "제안 {n}개 모두",
        "m.round_plan.settled": "; 이전에 확정: {settled}",
        "m.settled_item": "{proposal} ({n}차, {verdict})",
        "m.criterion": "중단 기준",
        "m.criterion.none": "정하지 않음",
        "m.criterion.text": (
            "{criterion}, 다시 물은 모든 제안에 대해, 두 차수 모두 응답한 참여자 기준. "
            "보고만 하며 자동으로 적용하지 않음"
        ),
        "m.criterion_met": "마지막 비교에서 기준 충족",
        "m.criterion_met.yes": "예 ({a}차 → {b}차)",
        "m.criterion_met.no": "아니요 ({a}차 → {b}차)",
        "m.criterion_met.unknown": "판단 불가 ({a}차 → {b}차): 정의되지 않는 측정값",
        "m.criterion_met.none": "아직 비교한 두 차수가 없음",
        "m.frozen": "차수별 수치",
        "m.frozen.text": (
            "종료된 차수의 수치는 종료 시점에 고정됨 (이후 수정과 무관). 진행 중인 차수는 "
            "보고서 작성 시점에 계산. 안정성: 응답을 바꾼 비율, 평균 절대 변화, 윌콕슨 부호순위 "
            "검정 p (정규 근사), 코헨의 가중 카파, 사분위범위와 변동계수의 변화."
        ),
    },
}
