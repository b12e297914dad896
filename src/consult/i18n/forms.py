"""The words of a spreadsheet form (``consult forms``) a participant fills in."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "form_for": "Form for {pseudonym} · round {round}",
        "blank_form": "Blank form · round {round} · pick your stakeholder group below",
        "instructions": (
            "Answer in the yellow cells. Pick scale answers and choices from the cell's list "
            "(or type the label); for several choices or a ranking, type the options separated "
            "by ';' (a ranking in order, first the one you prefer). Leave optional questions "
            "blank if you wish. Save the file and return it to the organisers; do not rename "
            "or copy it to another participant: it is made for you."
        ),
        "group": "Your stakeholder group",
        "about_you": "About you",
        "closing": "Final questions",
        "proposal_n": "Proposal {i} of {n}",
        "optional": "(optional)",
        "only_if": "Answer only if your answer to {ref} is {values}.",
        "only_if_group": "Only for: {values}.",
        "or": " or ",
        "pick_list": "Pick from the list",
        "pick_several": "One or more of: {options} (separated by ;)",
        "rank_all": "In order, separated by ;: {options}",
        "number_range": "A number from {lo} to {hi}",
        "number_min": "A number, at least {lo}",
        "number_max": "A number, at most {hi}",
        "number": "A number",
        "text": "Your words",
        "panel_round": "The panel in round {round}: median {median}, middle half {q1}–{q3} "
        "({n} answers).",
        "panel_distribution": "Answers in round {round}: {points}.",
        "panel_groups": "Support by group: {groups}.",
        "your_earlier": "Your answer in round {round}: {answer}.",
        "settled": "Settled in an earlier round (not asked again; verdict, round): {items}.",
        "answer_header": "Your answer",
        "question_header": "Question",
    },
    "ko": {
        "form_for": "{pseudonym} 응답 양식 · {round}차 라운드",
        "blank_form": "빈 양식 · {round}차 라운드 · 아래에서 이해관계자 집단을 선택하십시오",
        "instructions": (
            "노란색 칸에 응답하십시오. 척도 응답과 선택지는 칸의 목록에서 고르십시오(또는 "
            "라벨을 입력하십시오). 여러 선택지나 순위는 ';'로 구분하여 입력하십시오(순위는 "
            "선호하는 순서대로). 선택 질문은 비워 두셔도 됩니다. 파일을 저장하여 주최 측에 "
            "돌려주십시오. 이 양식은 귀하를 위해 만들어졌으므로 이름을 바꾸거나 다른 "
            "참여자에게 복사하지 마십시오."
        ),
        "group": "이해관계자 집단",
        "about_you": "응답자 정보",
        "closing": "마지막 질문",
        "proposal_n": "제안 {i} / {n}",
        "optional": "(선택)",
        "only_if": "{ref}에 대한 응답이 {values}인 경우에만 응답하십시오.",
        "only_if_group": "해당 집단만: {values}.",
        "or": " 또는 ",
        "pick_list": "목록에서 고르십시오",
        "pick_several": "다음 중 하나 이상: {options} (;로 구분)",
        "rank_all": "순서대로, ;로 구분: {options}",
        "number_range": "{lo}에서 {hi} 사이의 숫자",
        "number_min": "{lo} 이상의 숫자",
        "number_max": "{hi} 이하의 숫자",
        "number": "숫자",
        "text": "자유 응답",
        "panel_round": "{round}차 라운드 패널: 중앙값 {median}, 가운데 절반 {q1}–{q3} "
        "(응답 {n}건).",
        "panel_distribution": "{round}차 라운드 응답: {points}.",
        "panel_groups": "집단별 지지: {groups}.",
        "your_earlier": "{round}차 라운드 내 응답: {answer}.",
        "settled": "이전 라운드에서 결론이 난 제안 (다시 묻지 않음; 결과, 라운드): {items}.",
        "answer_header": "응답",
        "question_header": "질문",
    },
}
