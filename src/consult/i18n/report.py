"""The words of the Excel report: sheet names, headings, notes (those about Delphi rounds in
:mod:`consult.i18n.report_rounds`, merged in here)."""

from __future__ import annotations

from consult.i18n.report_rounds import LABELS as ROUND_LABELS

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "sheet.summary": "Summary",
        "sheet.by_group": "By group",
        "sheet.detail": "Proposal detail",
        "sheet.rankings": "Rankings",
        "sheet.comments": "Comments",
        "sheet.participation": "Participation",
        "sheet.method": "Method",
        "sheet.raw": "Raw answers",
        "sheet.chart_data": "Chart data",
        "summary.heading": "Support for each proposal",
        "summary.note": (
            "Shares are of valid answers (abstentions left out). Consensus by the survey's "
            "rule; ⚑ marks proposals on which stakeholder groups diverge. Method sheet: details."
        ),
        "summary.only_simulated": (
            "No responses counted: {n} simulated responses are left out. Run consult report "
            "again with --include-simulated to see the rehearsal."
        ),
        "responses": "{n} responses",
        "simulated.included": "simulated responses included",
        "simulated.excluded": "simulated responses left out",
        "round": "round {n}",
        "all_rounds": "all rounds",
        "generated": "generated {when}",
        "col.rank": "Rank",
        "col.proposal": "Proposal",
        "col.n": "n",
        "col.support": "Support",
        "col.neutral": "Neutral",
        "col.opposition": "Opposition",
        "col.total_support": "Total support",
        "col.total_opposition": "Total opposition",
        "chart_data.neutral_left": "Neutral, left half",
        "chart_data.neutral_right": "Neutral, right half",
        "col.ci_low": "Support 95% CI low",
        "col.ci_high": "Support 95% CI high",
        "col.median": "Median",
        "col.iqr": "IQR",
        "col.consensus": "Consensus",
        "col.balanced": "Balanced support (groups equal)",
        "col.group_support": "Support: {group}",
        "col.gap": "Largest gap between groups",
        "col.between": "Between",
        "col.contested": "Contested",
        "col.group": "Group",
        "col.abstained": "Abstained",
        "col.panel": "All respondents",
        "col.option": "Option",
        "col.mean_rank": "Mean rank",
        "col.borda": "Borda score",
        "col.first_share": "First-choice share",
        "col.question": "Question",
        "col.comment": "Comment",
        "col.invited": "Invited",
        "col.started": "Started",
        "col.submitted": "Submitted",
        "col.response_rate": "Response rate (submitted / invited)",
        "col.completion_rate": "Completion rate (submitted / started)",
        "col.item": "Item",
        "col.value": "Value",
        "col.participant": "Participant (pseudonym)",
        "col.name": "Name",
        "col.organisation": "Organisation",
        "col.round": "Round",
        "col.status": "Status",
        "col.simulated": "Simulated",
        "col.numeric": "Numeric",
        "col.answered_at": "Answered at (UTC)",
        "n_cell": "n",
        "support_cell": "support",
        "total": "Total",
        "consensus.for": "For",
        "consensus.against": "Against",
        "consensus.none": "No consensus",
        "consensus.insufficient": "Insufficient answers",
        "yes": "Yes",
        "no": "No",
        "vs": "{a} vs {b}",
        "contested_mark": "⚑ Yes",
        "chart.diverging": (
            "Opposition · neutral · support, share of valid answers (neutral split around 0)"
        ),
        "chart.by_group": "Support by stakeholder group",
        "chart.detail": "{proposal}\nAnswers by group, share of valid answers",
        "by_group.heading": "Support by stakeholder group",
        "by_group.note": "Support = share of valid answers in the group; n = valid answers.",
        "detail.heading": "Each proposal: answers over the scale by group",
        "detail.follow_up": "Follow-up: {text}",
        "detail.more": "… and {n} more: see the Comments sheet",
        "detail.none": "(no answers)",
        "rankings.heading": "Rankings",
        "rankings.note": (
            "Mean rank: 1 = first. Borda score: an option ranked k-th of m earns m - k points. "
            "≈: the data cannot tell this option from the next one."
        ),
        "rankings.empty": "The survey has no ranking question.",
        "comments.heading": "Free-text answers, anonymous",
        "participation.heading": "Participation",
        "participation.note": (
            "Invited = registered participants; started = a response in progress or submitted."
        ),
        "method.heading": "Method",
        "raw.heading": "Raw answers",
        "chart_data.note": (
            "Data behind the Summary chart: opposition is negative so that bars diverge at 0, "
            "and neutral is split in two halves, one each side of 0. Listed from last rank to "
            "first so that the chart shows rank 1 at the top."
        ),
        "m.survey_id": "Survey id",
        "m.title": "Title",
        "m.version": "Version",
        "m.hash": "Definition hash (SHA-256)",
        "m.wording": "Wording answered",
        "m.wording.text": "{hash} (version {version}): {n} responses, {which}",
        "m.wording.current": "the current definition",
        "m.wording.earlier": "an earlier definition; proposals worded otherwise: {proposals}",
        "note.wording": "{n} of {total} responses answered an earlier wording of proposal "
        "'{proposal}' ({title}); they are counted with the current one.",
        "m.language": "Language of labels",
        "m.rounds": "Rounds",
        "m.respondents": "Responses counted",
        "m.consensus": "Consensus rule",
        "m.interval": "Support interval",
        "m.interval.text": "Wilson score interval, 95% confidence",
        "m.quantile": "Quantile definition (median, IQR)",
        "m.quantile.text": (
            "Hyndman-Fan type 7 (linear interpolation between order statistics), the definition "
            "of Excel's QUARTILE.INC, R's default and numpy's default. SPSS uses type 6, which "
            "gives a wider IQR on small panels, so an IQR rule (such as iqr <= 1) can read "
            "differently there near its threshold."
        ),
        "m.since": "answered on or after {date}",
        "m.until": "answered on or before {date}",
        "m.balanced": "Group-balanced support",
        "m.balanced.text": "Mean of the groups' support, each group counting equally",
        "m.weighting": "Weighting",
        "m.weighting.text": (
            "None: every response counts once; only group-balanced support weighs groups equally"
        ),
        "m.gap": "Largest gap between groups",
        "m.gap.text": (
            "Largest difference in support between two groups with answers, in percentage "
            "points (pp); contested when it reaches the rule's gap and its 95% interval "
            "excludes 0 (see Contested flag)"
        ),
        "m.filters": "Filters",
        "m.filters.none": "None",
        "m.abstentions": "Abstentions",
        "m.abstentions.text": (
            "Left out of every share, median and interval ({n} abstentions on proposals)"
        ),
        "m.simulated": "Simulated responses",
        "m.simulated.included": "Included ({n} simulated responses counted)",
        "m.simulated.excluded": "Left out ({n} simulated responses not counted)",
        "m.unfinished": "Unfinished responses",
        "m.unfinished.included": "Included",
        "m.unfinished.excluded": "Left out (only submitted responses are counted)",
        "m.alpha": ("Agreement on which proposals are preferred (Krippendorff's alpha, ordinal)"),
        "m.raw": "Raw answers",
        "m.raw.none": "Not included (add --raw)",
        "m.raw.pseudonymous": "Included, pseudonymous ids only",
        "m.raw.identified": "Included WITH names and organisations (--identify)",
        "m.comments": "Free-text answers",
        "m.comments.included": "Included: {n} (Comments sheet), authors shown only by group",
        "m.comments.excluded": "Left out of this report (--no-comments): {n} not shown",
        "detail.left_out": "{n} answers, left out of this report (--no-comments)",
        "m.generated": "Generated at (UTC)",
        "m.tool": "Tool",
        "col.abstention_share": "Abstention share (of all answers)",
        "col.flag": "Divergence flag",
        "col.gap_ci_low": "Gap 95% CI low (pp)",
        "col.gap_ci_high": "Gap 95% CI high (pp)",
        "col.indistinct": "Can't be told from the next",
        "possible": "Possible",
        "possible_mark": "Possible ({low} to {high} pp)",
        "note.small": "† fewer than {n} valid answers: left out of the contested flag.",
        "note.small_counted": (
            "† fewer than {n} valid answers: a small group (the survey counts it for the flag)."
        ),
        "note.insufficient": (
            "Insufficient answers: under the survey's quorum ({n} valid answers), no verdict, "
            "ranked last."
        ),
        "note.rounding": (
            "Figures near a threshold of the rule carry the decimals that keep them on their "
            "side of it."
        ),
        "by_group.flag_note": (
            "Gap: the largest difference in support between two groups. Flag: contested (⚑) when "
            "it reaches {gap} and its 95% Newcombe interval (CI columns) excludes 0; possible "
            "when it reaches {gap} but the interval includes 0."
        ),
        "detail.verdict": "Consensus: {verdict}. Divergence flag: {flag}.",
        "rankings.w": (
            "Kendall's W = {w} (0 = no shared order, 1 = everyone gave the same order); "
            "chi-square = {chi}, df = {df}, p {p}; {m} complete rankings."
        ),
        "rankings.w_none": "Kendall's W: undefined (fewer than two complete rankings).",
        "rankings.cd": (
            "Critical difference of mean ranks (Bonferroni-Dunn, 5%): {cd}. Neighbours closer "
            "than this are marked ≈: the data do not say which comes first."
        ),
        "m.preset": "Consensus rule preset",
        "m.preset.none": "None: the survey states its own rule",
        "m.source": "Source",
        "m.quorum": "Quorum",
        "m.quorum.text": (
            "At least {n} valid answers for a verdict; under it a proposal shows "
            '"insufficient answers" and is ranked after the others.'
        ),
        "m.quorum.abstention": "At most {share} of the answers may be abstentions.",
        "m.small_group": "Small groups",
        "m.small_group.text": (
            "A group with fewer than {n} valid answers is marked † wherever its figure is shown "
            "and is left out of the contested flag."
        ),
        "m.small_group.counted": (
            "A group with fewer than {n} valid answers is marked † wherever its figure is shown; "
            "the survey counts it for the contested flag (small_groups_contested)."
        ),
        "m.contested": "Contested flag",
        "m.contested.text": (
            "Contested when the gap between two groups (small groups left out) is at least {gap} "
            "and its 95% Newcombe interval excludes 0; possible when the gap reaches {gap} but "
            "the interval includes 0 (the interval is on the By group sheet)."
        ),
        "m.rounding": "Rounding",
        "m.rounding.text": (
            "Shares are shown in whole percent and gaps in whole points unless rounding would put "
            "a figure on the other side of (or onto) a threshold it is judged by; then it gets "
            "the decimals it needs (0.698 against 70% is shown as 69.8%). The cells hold the "
            "unrounded values."
        ),
        "m.alpha.reading": "How to read the alpha",
        "m.alpha.reading.text": (
            "It tells proposals apart, not agreement with them: near 0 when everyone supports "
            "everything. For agreement on a proposal, see its consensus and support."
        ),
        "m.alpha.scope": "Scope of the alpha",
        "m.alpha.scope.text": (
            "Over the {n} proposals on the scale {scale}; {left_out} proposals on other scales "
            "left out (points of different scales are not one ordinal metric)."
        ),
        "m.kendall": "Rankings",
        "m.kendall.text": (
            "Kendall's W with its chi-square test, and the critical difference of mean ranks "
            "(Bonferroni-Dunn): see the Rankings sheet."
        ),
    },
    "ko": {
        "sheet.summary": "요약",
        "sheet.by_group": "집단별",
        "sheet.detail": "제안별 상세",
        "sheet.rankings": "우선순위",
        "sheet.comments": "의견",
        "sheet.participation": "참여",
        "sheet.method": "방법",
        "sheet.raw": "원자료",
        "sheet.chart_data": "차트 데이터",
        "summary.heading": "제안별 지지도",
        "summary.note": (
            "비율은 유효 응답 기준입니다 (기권 제외). 합의는 설문에 정한 규칙에 따릅니다. "
            "⚑ 표시는 이해관계자 집단 간 의견이 갈리는 제안입니다. 자세한 내용은 방법 시트 참조."
        ),
        "summary.only_simulated": (
            "집계된 응답이 없습니다. 모의 응답 {n}건은 제외되었습니다. "
            "리허설 결과를 보려면 --include-simulated를 붙여 consult report를 다시 실행하십시오."
        ),
        "responses": "응답 {n}건",
        "simulated.included": "모의 응답 포함",
        "simulated.excluded": "모의 응답 제외",
        "round": "{n}차",
        "all_rounds": "전체 차수",
        "generated": "작성 {when}",
        "col.rank": "순위",
        "col.proposal": "제안",
        "col.n": "n",
        "col.support": "지지",
        "col.neutral": "중립",
        "col.opposition": "반대",
        "col.total_support": "지지 합계",
        "col.total_opposition": "반대 합계",
        "chart_data.neutral_left": "중립 (왼쪽 절반)",
        "chart_data.neutral_right": "중립 (오른쪽 절반)",
        "col.ci_low": "지지 95% 신뢰구간 하한",
        "col.ci_high": "지지 95% 신뢰구간 상한",
        "col.median": "중앙값",
        "col.iqr": "사분위범위",
        "col.consensus": "합의",
        "col.balanced": "집단 균형 지지도",
        "col.group_support": "지지: {group}",
        "col.gap": "집단 간 최대 차이",
        "col.between": "집단",
        "col.contested": "쟁점",
        "col.group": "집단",
        "col.abstained": "기권",
        "col.panel": "전체 응답자",
        "col.option": "항목",
        "col.mean_rank": "평균 순위",
        "col.borda": "보르다 점수",
        "col.first_share": "1순위 비율",
        "col.question": "질문",
        "col.comment": "의견",
        "col.invited": "초대",
        "col.started": "시작",
        "col.submitted": "제출",
        "col.response_rate": "응답률 (제출 / 초대)",
        "col.completion_rate": "완료율 (제출 / 시작)",
        "col.item": "항목",
        "col.value": "값",
        "col.participant": "참여자 (가명)",
        "col.name": "이름",
        "col.organisation": "소속",
        "col.round": "차수",
        "col.status": "상태",
        "col.simulated": "모의",
        "col.numeric": "숫자",
        "col.answered_at": "응답 시각 (UTC)",
        "n_cell": "n",
        "support_cell": "지지",
        "total": "합계",
        "consensus.for": "찬성 합의",
        "consensus.against": "반대 합의",
        "consensus.none": "합의 없음",
        "consensus.insufficient": "응답 부족",
        "yes": "예",
        "no": "아니요",
        "vs": "{a} 대 {b}",
        "contested_mark": "⚑ 예",
        "chart.diverging": "반대 · 중립 · 지지 (유효 응답 중 비율, 중립은 0을 중심으로 양분)",
        "chart.by_group": "이해관계자 집단별 지지도",
        "chart.detail": "{proposal}\n집단별 응답 분포 (유효 응답 중 비율)",
        "by_group.heading": "이해관계자 집단별 지지도",
        "by_group.note": "지지 = 집단 내 유효 응답 중 지지 비율, n = 유효 응답 수.",
        "detail.heading": "제안별 척도 응답 분포 (집단별)",
        "detail.follow_up": "추가 질문: {text}",
        "detail.more": "… 외 {n}건: 의견 시트 참조",
        "detail.none": "(응답 없음)",
        "rankings.heading": "우선순위",
        "rankings.note": (
            "평균 순위: 1 = 1순위. 보르다 점수: m개 중 k번째는 m - k점. "
            "≈: 자료로는 다음 항목과 구별할 수 없음."
        ),
        "rankings.empty": "이 설문에는 순위 질문이 없습니다.",
        "comments.heading": "자유 응답 (익명)",
        "participation.heading": "참여 현황",
        "participation.note": "초대 = 등록된 참여자, 시작 = 진행 중이거나 제출한 응답.",
        "method.heading": "방법",
        "raw.heading": "원자료",
        "chart_data.note": (
            "요약 차트의 데이터: 막대가 0에서 양쪽으로 갈리도록 반대는 음수로 표시하고, "
            "중립은 절반씩 0의 양쪽에 나눕니다. "
            "차트에서 1순위가 맨 위에 오도록 마지막 순위부터 나열합니다."
        ),
        "m.survey_id": "설문 ID",
        "m.title": "제목",
        "m.version": "버전",
        "m.hash": "정의 해시 (SHA-256)",
        "m.wording": "응답한 설문 문구",
        "m.wording.text": "{hash} (버전 {version}): 응답 {n}건, {which}",
        "m.wording.current": "현재 정의",
        "m.wording.earlier": "이전 정의, 문구가 다른 제안: {proposals}",
        "note.wording": "응답 {total}건 중 {n}건은 제안 '{proposal}' ({title})의 이전 문구에 "
        "답했으며, 현재 문구와 함께 집계됩니다.",
        "m.language": "표시 언어",
        "m.rounds": "차수",
        "m.respondents": "집계된 응답",
        "m.consensus": "합의 규칙",
        "m.interval": "지지도 구간",
        "m.interval.text": "윌슨 점수 구간, 95% 신뢰수준",
        "m.quantile": "분위수 정의 (중앙값, 사분위범위)",
        "m.quantile.text": (
            "Hyndman-Fan 제7유형 (순서통계량 사이 선형 보간): Excel QUARTILE.INC, "
            "R과 numpy의 기본 정의. SPSS는 제6유형을 쓰며 작은 패널에서 사분위범위가 더 넓으므로, "
            "사분위범위 규칙(예: iqr <= 1)은 기준 근처에서 SPSS와 다르게 판정될 수 있음."
        ),
        "m.since": "{date} 이후 응답",
        "m.until": "{date} 이전 응답",
        "m.balanced": "집단 균형 지지도",
        "m.balanced.text": "각 집단의 지지도를 같은 비중으로 평균한 값",
        "m.weighting": "가중치",
        "m.weighting.text": (
            "없음: 모든 응답은 한 번씩 집계, 집단 균형 지지도만 집단을 같은 비중으로 계산"
        ),
        "m.gap": "집단 간 최대 차이",
        "m.gap.text": (
            "응답이 있는 두 집단 간 지지도의 최대 차이 (퍼센트포인트, pp), "
            "규칙의 기준 이상이고 95% 구간이 0을 포함하지 않으면 쟁점 (쟁점 표시 참조)"
        ),
        "m.filters": "필터",
        "m.filters.none": "없음",
        "m.abstentions": "기권",
        "m.abstentions.text": "모든 비율, 중앙값, 구간에서 제외 (제안에 대한 기권 {n}건)",
        "m.simulated": "모의 응답",
        "m.simulated.included": "포함 (모의 응답 {n}건 집계)",
        "m.simulated.excluded": "제외 (모의 응답 {n}건 미집계)",
        "m.unfinished": "미완료 응답",
        "m.unfinished.included": "포함",
        "m.unfinished.excluded": "제외 (제출된 응답만 집계)",
        "m.alpha": "어떤 제안이 선호되는지에 대한 일치도 (크리펜도르프 알파, 서열)",
        "m.raw": "원자료",
        "m.raw.none": "포함하지 않음 (--raw 추가)",
        "m.raw.pseudonymous": "포함, 가명 ID만",
        "m.raw.identified": "이름과 소속 포함 (--identify)",
        "m.comments": "자유 응답",
        "m.comments.included": "포함: {n}건 (의견 시트), 작성자는 집단으로만 표시",
        "m.comments.excluded": "이 보고서에서 제외 (--no-comments): {n}건 미표시",
        "detail.left_out": "응답 {n}건, 이 보고서에서 제외 (--no-comments)",
        "m.generated": "작성 시각 (UTC)",
        "m.tool": "도구",
        "col.abstention_share": "기권 비율 (전체 응답 중)",
        "col.flag": "집단 간 차이 표시",
        "col.gap_ci_low": "차이 95% 신뢰구간 하한 (pp)",
        "col.gap_ci_high": "차이 95% 신뢰구간 상한 (pp)",
        "col.indistinct": "다음 항목과 구별 불가",
        "possible": "쟁점 가능",
        "possible_mark": "쟁점 가능 ({low} ~ {high} pp)",
        "note.small": "† 유효 응답 {n}건 미만: 쟁점 판정에서 제외.",
        "note.small_counted": "† 유효 응답 {n}건 미만: 소규모 집단 (설문에 따라 쟁점 판정에 포함).",
        "note.insufficient": "응답 부족: 설문의 최소 응답 기준({n}건) 미달, 판정 없음, 맨 뒤 순위.",
        "note.rounding": (
            "규칙의 기준에 가까운 수치는 기준의 같은 쪽에 머물도록 소수점을 표시합니다."
        ),
        "by_group.flag_note": (
            "차이: 두 집단 간 지지도의 최대 차이. 표시: 차이가 {gap} 이상이고 95% Newcombe "
            "구간(신뢰구간 열)이 0을 포함하지 않으면 쟁점(⚑), {gap} 이상이지만 구간이 0을 "
            "포함하면 쟁점 가능."
        ),
        "detail.verdict": "합의: {verdict}. 집단 간 차이: {flag}.",
        "rankings.w": (
            "켄달의 W = {w} (0 = 공유된 순서 없음, 1 = 모두 같은 순서); "
            "카이제곱 = {chi}, 자유도 = {df}, p {p}; 완전한 순위 응답 {m}건."
        ),
        "rankings.w_none": "켄달의 W: 정의되지 않음 (완전한 순위 응답이 2건 미만).",
        "rankings.cd": (
            "평균 순위의 임계 차이 (Bonferroni-Dunn, 5%): {cd}. 이보다 가까운 이웃 항목은 ≈로 "
            "표시: 어느 쪽이 앞서는지 자료로 판단할 수 없음."
        ),
        "m.preset": "합의 규칙 프리셋",
        "m.preset.none": "없음: 설문이 규칙을 직접 정함",
        "m.source": "출처",
        "m.quorum": "최소 응답 기준",
        "m.quorum.text": (
            '판정에 유효 응답 {n}건 이상 필요. 미달이면 "응답 부족"으로 표시하고 '
            "다른 제안 뒤에 순위를 매김."
        ),
        "m.quorum.abstention": "기권은 전체 응답의 {share} 이하여야 함.",
        "m.small_group": "소규모 집단",
        "m.small_group.text": (
            "유효 응답이 {n}건 미만인 집단은 수치가 나오는 곳마다 †로 표시하고 쟁점 판정에서 제외."
        ),
        "m.small_group.counted": (
            "유효 응답이 {n}건 미만인 집단은 수치가 나오는 곳마다 †로 표시. "
            "설문에 따라 쟁점 판정에는 포함 (small_groups_contested)."
        ),
        "m.contested": "쟁점 표시",
        "m.contested.text": (
            "두 집단 간 차이(소규모 집단 제외)가 {gap} 이상이고 95% Newcombe 구간이 0을 포함하지 "
            "않으면 쟁점, {gap} 이상이지만 구간이 0을 포함하면 쟁점 가능 (구간은 집단별 시트)."
        ),
        "m.rounding": "반올림",
        "m.rounding.text": (
            "비율은 정수 퍼센트, 차이는 정수 포인트로 표시하되, 반올림하면 판정 기준의 반대편(또는 "
            "기준 위)에 놓일 때는 필요한 만큼 소수점을 표시함 (70% 기준에서 0.698은 69.8%). "
            "셀에는 반올림하지 않은 값이 들어 있음."
        ),
        "m.alpha.reading": "알파 읽는 법",
        "m.alpha.reading.text": (
            "제안들을 구별하는 정도이지 제안에 대한 동의가 아님: 모두가 모든 제안을 지지하면 "
            "0에 가까움. 제안별 동의는 합의와 지지도를 볼 것."
        ),
        "m.alpha.scope": "알파의 범위",
        "m.alpha.scope.text": (
            "척도 {scale}의 제안 {n}개 대상, 다른 척도의 제안 {left_out}개 제외 "
            "(척도가 다르면 하나의 서열 척도가 아님)."
        ),
        "m.kendall": "우선순위",
        "m.kendall.text": (
            "켄달의 W와 카이제곱 검정, 평균 순위의 임계 차이 (Bonferroni-Dunn): 우선순위 시트 참조."
        ),
    },
}

# The words about Delphi rounds live in their own table (this one would pass 500 lines).
for _lang, _words in ROUND_LABELS.items():
    assert not set(_words) & set(LABELS[_lang]), "a rounds label repeats a report label"
    LABELS[_lang].update(_words)
