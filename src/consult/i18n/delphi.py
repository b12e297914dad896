"""What a participant reads in a Delphi round 2 or later: the panel's feedback and the reason
question."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "round_intro": "Round {round}. You see how the panel answered in round {previous}; "
        "your earlier answer is selected, so keeping it is one key (Enter).",
        "rehearsal": "Rehearsal: the panel's figures below include simulated answers.",
        "settled_title": "Settled in an earlier round (not asked again)",
        "settled_line": "{title}: {verdict} (round {round})",
        "feedback_title": "How the panel answered in round {round}",
        "median_iqr": "Median {median} · middle half of the answers (IQR) {q1}–{q3} · {n} answers",
        "abstained": "{n} abstained",
        "by_group": "Support by group",
        "support_share": "{share} support",
        "your_answer": "your answer in round {round}",
        "you_abstained": "In round {round} you abstained.",
        "you_did_not": "In round {round} you did not answer this question.",
        "reasons_title": "Reasons given in round {round} (anonymous)",
        "reasons_none": "No reasons were given in round {round}.",
        "reason_by": "{side}, {group}",
        "side_support": "supports",
        "side_oppose": "opposes",
        "side_neither": "neither",
        "more_reasons": "Read more reasons ({shown} of {total} shown)",
        "go_on": "Go on to the question",
        "reasons_q": "More reasons?",
        "n_answers": "n = {n}",
        "reason_q": "Your answer lies outside the middle half of the panel's answers in the "
        "previous round. Why? (your reason is shown to the panel anonymously)",
        "not_invited": "Round {round} is open to the participants who submitted round "
        "{previous}; your access code is not among them.",
        "round_closed": "Round {round} is closed; no more answers are taken.",
        "study_ended": "This study has ended; no more answers are taken. Thank you.",
        "verdict_for": "consensus for",
        "verdict_against": "consensus against",
        "verdict_none": "no consensus",
        "verdict_insufficient": "too few answers",
    },
    "ko": {
        "round_intro": "{round}차 라운드입니다. {previous}차 라운드에서 패널이 어떻게 응답했는지 "
        "보여 드립니다. 이전 응답이 선택되어 있어 그대로 두려면 Enter 키만 누르십시오.",
        "rehearsal": "리허설: 아래 패널 수치에는 모의 응답이 포함되어 있습니다.",
        "settled_title": "이전 라운드에서 결론이 난 제안 (다시 묻지 않음)",
        "settled_line": "{title}: {verdict} ({round}차 라운드)",
        "feedback_title": "{round}차 라운드 패널 응답",
        "median_iqr": "중앙값 {median} · 응답의 가운데 절반 (IQR) {q1}–{q3} · 응답 {n}건",
        "abstained": "기권 {n}건",
        "by_group": "집단별 지지",
        "support_share": "지지 {share}",
        "your_answer": "{round}차 라운드 내 응답",
        "you_abstained": "{round}차 라운드에서 기권하셨습니다.",
        "you_did_not": "{round}차 라운드에서 이 질문에 응답하지 않으셨습니다.",
        "reasons_title": "{round}차 라운드에서 제시된 이유 (익명)",
        "reasons_none": "{round}차 라운드에서 제시된 이유가 없습니다.",
        "reason_by": "{side}, {group}",
        "side_support": "지지",
        "side_oppose": "반대",
        "side_neither": "중립",
        "more_reasons": "이유 더 보기 ({total}건 중 {shown}건 표시)",
        "go_on": "질문으로 넘어가기",
        "reasons_q": "이유를 더 보시겠습니까?",
        "n_answers": "응답 {n}건",
        "reason_q": "응답이 이전 라운드 패널 응답의 가운데 절반 밖에 있습니다. 그 이유는 "
        "무엇입니까? (이유는 익명으로 패널에 공유됩니다)",
        "not_invited": "{round}차 라운드는 {previous}차 라운드를 제출한 참여자에게만 열려 "
        "있습니다. 입력하신 접속 코드는 해당되지 않습니다.",
        "round_closed": "{round}차 라운드는 마감되었습니다. 더 이상 응답을 받지 않습니다.",
        "study_ended": "이 연구는 종료되었습니다. 더 이상 응답을 받지 않습니다. 감사합니다.",
        "verdict_for": "찬성 합의",
        "verdict_against": "반대 합의",
        "verdict_none": "합의 없음",
        "verdict_insufficient": "응답 부족",
    },
}
