"""What a participant reads while answering, in every language the tool ships."""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "about_you": "About you",
        "closing": "Final questions",
        "proposal_n": "Proposal {i} of {n}",
        "skip": "(skip this question)",
        "consent_yes": "I agree to take part",
        "consent_no": "I do not agree",
        "consent_q": "Do you agree?",
        "declined": "Thank you for your time. Nothing has been stored.",
        "group_q": "Which stakeholder group do you belong to?",
        "your_code": "Your access code is {code}",
        "keep_code": "Please write it down: you need it to continue later or to change answers.",
        "press_enter": "Press any key to continue",
        "resume": "Welcome back. Your {n} earlier answer(s) are saved; we continue from there.",
        "earlier_version": "You began on version {version} of this survey; you go on with the "
        "texts you saw then.",
        "earlier_wording": "You began on an earlier wording of this survey; you go on with the "
        "texts you saw then.",
        "version_lost": "The survey has changed since you began, and the earlier texts cannot "
        "be read; you go on with the current ones.",
        "review": "Review your answers",
        "skipped": "(skipped)",
        "submit": "Submit my answers",
        "change": "Change an answer",
        "later": "Stop here and finish later (answers are kept)",
        "which_change": "Which answer do you want to change?",
        "back": "Back to the review",
        "review_q": "Everything correct?",
        "missing": "Some required questions are not answered yet; please answer them first.",
        "submitted": "Thank you. Your answers have been submitted.",
        "revise_ok": "You submitted on {date}. You may revise your answers and submit again.",
        "saved_later": "Your answers are saved. Use your access code to continue later.",
        "stopped": (
            "Stopped. Every answer given so far is saved; "
            "run again with your access code to continue."
        ),
        "stopped_code": (
            "Stopped. Every answer given so far is saved; "
            "run again with your access code {code} to continue."
        ),
        "rank_step": "{text} — place {i} of {n}",
        "ranked": "Your order:",
        "need_number": "Please type a number",
        "need_integer": "Please type a whole number",
        "min": "The smallest allowed is {v}",
        "max": "The largest allowed is {v}",
        "required": "An answer is required",
        "too_long": "At most {n} characters ({m} typed)",
        "choose_min": "Choose at least {n}",
        "choose_max": "Choose at most {n}",
        "select_keys": "(arrow keys, then Enter)",
        "checkbox_keys": "(arrow keys to move, Space to tick, Enter when done)",
        "choose": "— choose an answer —",
        "choose_first": "Please choose an answer with the arrow keys, then press Enter.",
        "range_both": "(from {lo} to {hi})",
        "range_min": "(at least {lo})",
        "range_max": "(at most {hi})",
        "review_page": "Review your answers (page {page} of {pages})",
        "next_page": "Show the next answers",
        "previous_page": "Show the previous answers",
        "drops": "Changing this answer drops your answer to: {question}",
        "drop_q": "Change it anyway?",
        "drop_no": "No, keep my earlier answers",
        "drop_yes": "Yes, change it and drop that answer",
        "saved_later_code": "Your answers are saved. Your access code is {code}: "
        "use it to continue later.",
        "already_submitted": "This response was already submitted on {date}. If it needs "
        "changes, ask the facilitator to reopen it.",
        "busy": "Saving… the database is busy, please wait.",
        "busy_done": "Saved.",
        "store_failed": "Sorry, something went wrong while saving. Your answers so far are "
        "saved; please tell the facilitator.",
    },
    "ko": {
        "about_you": "응답자 정보",
        "closing": "마지막 질문",
        "proposal_n": "제안 {i} / {n}",
        "skip": "(이 질문 건너뛰기)",
        "consent_yes": "참여에 동의합니다",
        "consent_no": "동의하지 않습니다",
        "consent_q": "동의하십니까?",
        "declined": "시간 내 주셔서 감사합니다. 아무것도 저장되지 않았습니다.",
        "group_q": "어느 이해관계자 집단에 속하십니까?",
        "your_code": "접근 코드: {code}",
        "keep_code": "꼭 적어 두십시오. 나중에 이어서 답하거나 답을 바꿀 때 필요합니다.",
        "press_enter": "계속하려면 아무 키나 누르십시오",
        "resume": "다시 오신 것을 환영합니다. 이전 응답 {n}개가 저장되어 있습니다.",
        "earlier_version": "이 설문의 {version} 버전으로 시작하셨으므로 "
        "그때 보신 문항으로 이어 갑니다.",
        "earlier_wording": "이 설문의 이전 문구로 시작하셨으므로 그때 보신 문항으로 이어 갑니다.",
        "version_lost": "시작하신 뒤 설문이 바뀌었고 이전 문구를 읽을 수 없어 "
        "현재 문항으로 이어 갑니다.",
        "review": "응답 확인",
        "skipped": "(건너뜀)",
        "submit": "응답 제출",
        "change": "응답 수정",
        "later": "여기서 멈추고 나중에 마치기 (응답은 저장됨)",
        "which_change": "어느 응답을 바꾸시겠습니까?",
        "back": "확인 화면으로 돌아가기",
        "review_q": "모두 맞습니까?",
        "missing": "아직 답하지 않은 필수 질문이 있습니다. 먼저 답해 주십시오.",
        "submitted": "감사합니다. 응답이 제출되었습니다.",
        "revise_ok": "{date}에 제출하셨습니다. 응답을 수정하여 다시 제출할 수 있습니다.",
        "saved_later": "응답이 저장되었습니다. 접근 코드로 나중에 이어서 진행하십시오.",
        "stopped": (
            "중단되었습니다. 지금까지의 응답은 모두 저장되었습니다. "
            "접근 코드로 다시 실행하면 이어서 답할 수 있습니다."
        ),
        "stopped_code": (
            "중단되었습니다. 지금까지의 응답은 모두 저장되었습니다. "
            "접근 코드 {code}로 다시 실행하면 이어서 답할 수 있습니다."
        ),
        "rank_step": "{text} — {i}순위 ({n}개 중)",
        "ranked": "선택한 순서:",
        "need_number": "숫자를 입력해 주십시오",
        "need_integer": "정수를 입력해 주십시오",
        "min": "최솟값은 {v}입니다",
        "max": "최댓값은 {v}입니다",
        "required": "답변이 필요합니다",
        "too_long": "최대 {n}자 ({m}자 입력됨)",
        "choose_min": "{n}개 이상 선택하십시오",
        "choose_max": "{n}개 이하로 선택하십시오",
        "select_keys": "(화살표 키로 고른 뒤 엔터)",
        "checkbox_keys": "(화살표 키로 이동, 스페이스로 선택, 다 고르면 엔터)",
        "choose": "— 답을 고르십시오 —",
        "choose_first": "화살표 키로 답을 고른 뒤 엔터를 누르십시오.",
        "range_both": "({lo}~{hi})",
        "range_min": "({lo} 이상)",
        "range_max": "({hi} 이하)",
        "review_page": "응답 확인 ({page}/{pages}쪽)",
        "next_page": "다음 응답 보기",
        "previous_page": "이전 응답 보기",
        "drops": "이 답을 바꾸면 다음 질문에 대한 답이 삭제됩니다: {question}",
        "drop_q": "그래도 바꾸시겠습니까?",
        "drop_no": "아니요, 이전 답을 유지합니다",
        "drop_yes": "예, 바꾸고 그 답을 삭제합니다",
        "saved_later_code": "응답이 저장되었습니다. 접근 코드 {code}로 나중에 이어서 진행하십시오.",
        "already_submitted": "{date}에 이미 제출된 응답입니다. 수정이 필요하면 진행자에게 "
        "다시 열어 달라고 요청하십시오.",
        "busy": "저장 중… 데이터베이스가 사용 중입니다. 잠시 기다려 주십시오.",
        "busy_done": "저장되었습니다.",
        "store_failed": "죄송합니다. 저장 중 문제가 생겼습니다. 지금까지의 응답은 저장되어 "
        "있습니다. 진행자에게 알려 주십시오.",
    },
}

# Shown before a language is chosen: both languages.
WELCOME_CODE = "Access code / 접근 코드"

HAVE_CODE = "I have an access code / 접근 코드가 있습니다"

I_AM_NEW = "I am new / 처음입니다"

HOW_TO_START = "Welcome. How would you like to start? / 환영합니다. 어떻게 시작하시겠습니까?"

UNKNOWN_CODE = (
    "That code is not known for this survey; check it and try again. / 등록되지 않은 코드입니다."
)
