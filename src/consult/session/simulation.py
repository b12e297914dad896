"""Plausible synthetic responses, for demos, rehearsals, tests and benchmarks.

Each stakeholder group leans its own way on each proposal, so groups really differ on some of
them. Simulated participants are marked as such in the store and left out of results unless
asked for.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from consult.errors import InputError
from consult.store import Store
from consult.store.plans import plan_of
from consult.survey.model import Proposal, Question, Survey

ABSTAIN_RATE = 0.03
# Share of optional questions (comments) a simulated person answers: a few comments each,
# as in real consultations, not one on every proposal.
OPTIONAL_ANSWER_RATE = 0.15

#: What simulated participants write about each proposal of the bundled example survey
#: (surveys/st-diplomacy-roundtable.yaml), by side: "against" (a reason for opposing), "for"
#: (a reason for supporting) and "comment" (neither). Other surveys' proposals get
#: :data:`_ANY_PROPOSAL`, which names the proposal's title.
_BY_PROPOSAL: dict[str, dict[str, dict[str, list[str]]]] = {
    "ministry-led": {
        "against": {
            "en": [
                "S&T ministries know the technology but not the negotiating table; diplomacy "
                "should stay with the foreign ministry.",
                "Putting one ministry in charge would sideline the others already abroad.",
            ],
            "ko": [
                (
                    "과학기술 부처는 기술은 알지만 협상 "
                    "경험이 부족하므로 외교는 외교부가 맡아야 합니다."
                ),
                "한 부처가 주도하면 이미 해외에서 활동 중인 다른 부처가 소외됩니다.",
            ],
        },
        "for": {
            "en": [
                "AI and quantum talks need people who understand the technology; the S&T "
                "ministries have them.",
                "A specialised ministry would give Korea one consistent technical voice.",
            ],
            "ko": [
                (
                    "AI·양자 협상에는 기술을 이해하는 사람이 "
                    "필요하고 과학기술 부처에 그런 인력이 있습니다."
                ),
                "전문 부처가 주도하면 기술 문제에 일관된 목소리를 낼 수 있습니다.",
            ],
        },
        "comment": {
            "en": ["Whichever ministry leads, the foreign ministry must stay closely involved."],
            "ko": ["어느 부처가 주도하든 외교부가 긴밀히 참여해야 합니다."],
        },
    },
    "public-private-networks": {
        "against": {
            "en": [
                "Companies in AI and quantum compete abroad; a shared network would expose "
                "their know-how.",
                "Public-private networks blur who speaks for the government.",
            ],
            "ko": [
                "AI·양자 기업은 해외에서 경쟁 관계라 공동 네트워크는 기술 유출 위험이 있습니다.",
                "민관 네트워크는 누가 정부를 대표하는지 모호하게 만듭니다.",
            ],
        },
        "for": {
            "en": [
                "Most AI, quantum and bio expertise sits in companies and universities; the "
                "network brings it in.",
                "Partners abroad expect industry at the table in technology cooperation.",
            ],
            "ko": [
                (
                    "AI·양자·바이오 전문성은 대부분 기업과 대학에 "
                    "있으므로 네트워크가 이를 끌어올 수 있습니다."
                ),
                "해외 파트너는 기술협력에 산업계가 함께하기를 기대합니다.",
            ],
        },
        "comment": {
            "en": ["The network needs clear rules on what members may share."],
            "ko": ["네트워크 참여자가 공유할 수 있는 범위에 대한 명확한 규칙이 필요합니다."],
        },
    },
    "legal-foundation": {
        "against": {
            "en": [
                "A new law on S&T cooperation is slow to pass and rigid once passed; an "
                "agreement between ministries would work sooner.",
                "The existing science and technology acts already cover international cooperation.",
            ],
            "ko": [
                "국제 과학기술협력 법률은 제정이 느리고 경직적이므로 부처 간 협약이 더 빠릅니다.",
                "기존 과학기술 관련 법률이 이미 국제협력을 다루고 있습니다.",
            ],
        },
        "for": {
            "en": [
                "Only a law keeps international S&T cooperation going when the administration "
                "changes.",
                "A legal basis would secure a multi-year budget for joint research.",
            ],
            "ko": [
                "정권이 바뀌어도 국제 과학기술협력이 이어지려면 법률이 필요합니다.",
                "법적 기반이 있으면 공동연구 예산을 여러 해에 걸쳐 확보할 수 있습니다.",
            ],
        },
        "comment": {
            "en": [
                "The law should name who coordinates, not only state goals.",
                "Make sure this survives changes of administration.",
            ],
            "ko": [
                "법률에는 목표뿐 아니라 조정 주체도 명시해야 합니다.",
                "정권이 바뀌어도 지속될 수 있어야 합니다.",
            ],
        },
    },
    "inter-ministerial-strategy": {
        "against": {
            "en": [
                "An inter-ministerial strategy without one accountable lead becomes a list "
                "of each ministry's plans.",
                "Another strategy document adds coordination meetings, not results.",
            ],
            "ko": [
                "책임 주체 없는 범부처 전략은 부처별 계획의 나열에 그칩니다.",
                "전략 문서가 하나 더 생기면 회의만 늘고 성과는 없습니다.",
            ],
        },
        "for": {
            "en": [
                "One strategy would stop ministries and agencies duplicating their "
                "international programmes.",
                "Research institutes need a single strategy to plan their cooperation abroad.",
            ],
            "ko": [
                "하나의 전략이 있으면 부처와 기관의 국제협력 사업 중복을 막을 수 있습니다.",
                "연구기관이 해외 협력을 계획하려면 단일 전략이 필요합니다.",
            ],
        },
        "comment": {
            "en": ["The strategy needs a secretariat with real authority over budgets."],
            "ko": ["예산에 실질적 권한을 가진 사무국이 전략에 필요합니다."],
        },
    },
    "global-agendas": {
        "against": {
            "en": [
                "Korea's contribution on climate and health is too small to lead those "
                "agendas; it should focus on its own technologies.",
                "Global issues are crowded with larger donors; leadership there is costly.",
            ],
            "ko": [
                (
                    "기후·보건 분야에서 한국의 기여는 의제를 "
                    "주도하기에 작으므로 강점 기술에 집중해야 합니다."
                ),
                "글로벌 난제 분야에는 큰 공여국이 많아 주도하려면 비용이 큽니다.",
            ],
        },
        "for": {
            "en": [
                "Solving climate and health problems with technology earns Korea a voice "
                "others listen to.",
                "Partner countries value Korea's experience of fast technology development.",
            ],
            "ko": [
                "기후·보건 문제를 기술로 해결하면 국제사회에서 발언권을 얻을 수 있습니다.",
                "협력국은 한국의 빠른 기술발전 경험을 높이 평가합니다.",
            ],
        },
        "comment": {
            "en": ["Start with one global issue where Korean research is strong."],
            "ko": ["한국의 연구 역량이 강한 글로벌 난제 하나부터 시작해야 합니다."],
        },
    },
    "international-leadership": {
        "against": {
            "en": [
                "Leadership roles at the G20 and the World Bank take diplomats and money "
                "Korea would need at home.",
                "The G20 and the World Bank are not where science and technology rules are set.",
            ],
            "ko": [
                "G20·세계은행에서 주도적 역할을 맡으려면 국내에 필요한 인력과 예산이 듭니다.",
                "G20과 세계은행은 과학기술 규범이 만들어지는 곳이 아닙니다.",
            ],
        },
        "for": {
            "en": [
                "A role at the G20 and the World Bank would let Korea shape technology funding "
                "for developing countries.",
                "Korea is ready to chair S&T work at the G20; it should seek it.",
            ],
            "ko": [
                "G20·세계은행에서 역할을 맡으면 개발도상국 기술 지원의 방향을 정할 수 있습니다.",
                "한국은 G20 과학기술 논의를 이끌 준비가 되어 있습니다.",
            ],
        },
        "comment": {
            "en": ["Pick one G20 working group and lead it well, rather than many."],
            "ko": ["G20 실무그룹 여러 곳보다 한 곳을 제대로 이끄는 것이 좋습니다."],
        },
    },
}
#: For any other proposal: texts that name its title (``{title}``), by side and language.
_ANY_PROPOSAL: dict[str, dict[str, list[str]]] = {
    "against": {
        "en": [
            "I oppose \u201c{title}\u201d: it needs a clearer division of roles first.",
            "\u201c{title}\u201d has no budget attached, so it would stay on paper.",
        ],
        "ko": [
            "\u201c{title}\u201d에 반대합니다. 역할 분담을 먼저 분명히 해야 합니다.",
            "\u201c{title}\u201d은(는) 예산이 없어 선언에 그칠 가능성이 큽니다.",
        ],
    },
    "for": {
        "en": [
            "I support \u201c{title}\u201d: it is overdue.",
            "\u201c{title}\u201d would make the work abroad more consistent.",
        ],
        "ko": [
            "\u201c{title}\u201d을(를) 지지합니다. 이미 늦었습니다.",
            "\u201c{title}\u201d은(는) 대외 활동의 일관성을 높일 것입니다.",
        ],
    },
    "comment": {
        "en": ["On \u201c{title}\u201d: the details of governance matter most."],
        "ko": ["\u201c{title}\u201d: 거버넌스 세부 설계가 가장 중요합니다."],
    },
}
#: Free text that belongs to no proposal (closing questions).
_COMMENTS = {
    "en": [
        "Researchers need to be involved from the start, not consulted at the end.",
        "Make sure this survives changes of administration.",
        "Private companies hold much of the expertise; bring them in early.",
        "Link this to the existing bilateral S&T agreements.",
    ],
    "ko": [
        "연구자들이 처음부터 참여해야 합니다.",
        "정권이 바뀌어도 지속될 수 있어야 합니다.",
        "민간 기업의 전문성을 초기부터 활용해야 합니다.",
        "기존 양자 과학기술협력 협정과 연계해야 합니다.",
    ],
}


def follow_up_side(survey: Survey, question: Question) -> str | None:
    """Which side a follow-up is for, from its ``when``: "against" when it shows only on the
    opposition side of the scale it follows (``support <= 2``), "for" only on the support
    side; None for anything else (no condition, a group condition, a mixed one)."""
    when = question.when
    if when is None or when.on_group:
        return None
    try:
        target = survey.question(when.question)
        spec = survey.scale(target.scale or "").spec
    except (KeyError, StopIteration, AttributeError):
        return None
    shows = {v for v in spec.points if when.holds(v)}
    if shows and shows <= spec.opposition:
        return "against"
    if shows and shows <= spec.support:
        return "for"
    return None


@dataclass(frozen=True)
class SimulationSummary:
    respondents: int
    answers: int
    by_group: dict[str, int]
    seed: int | None


def parse_group_mix(text: str | None, groups: tuple[str, ...]) -> dict[str, float]:
    """``science=0.5,diplomacy=0.3`` as weights; groups not named get none. Default: equal."""
    if not text:
        return {g: 1.0 for g in groups}
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, sep, weight = part.partition("=")
        name = name.strip()
        if not sep or name not in groups:
            raise InputError(
                f"--group-mix: {part.strip()!r} is not GROUP=WEIGHT with a group of the survey "
                f"({', '.join(groups)})"
            )
        try:
            value = float(weight)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InputError(f"--group-mix: weight {weight.strip()!r} of {name} is not a number")
        if value < 0:
            raise InputError(f"--group-mix: weight of {name} is negative")
        if name in mix:
            raise InputError(f"--group-mix: {name} is named twice")
        mix[name] = value
    if sum(mix.values()) <= 0:
        raise InputError("--group-mix: the weights add up to nothing")
    return mix


def allocate(
    respondents: int, weights: Mapping[str, float], rng: random.Random | None = None
) -> dict[str, int]:
    """Respondents per group in proportion to ``weights``, by largest remainder (Hamilton):
    each group gets the whole part of its quota, then the largest fractions one more each.
    Equal fractions are drawn by lot (``rng``), so no group is always the one left short."""
    top = max(weights.values(), default=0)
    if not top > 0 or not math.isfinite(top):
        raise InputError("--group-mix: the weights add up to nothing")
    scaled = {g: w / top for g, w in weights.items() if w > 0}  # no overflow however large
    total = sum(scaled.values())
    quotas = {g: respondents * (w / total) for g, w in scaled.items()}
    counts = {g: math.floor(q) for g, q in quotas.items()}
    # fractions rounded so that float noise (0.1 + 0.2) does not decide a tie
    fraction = {g: round(quotas[g] - counts[g], 9) for g in quotas}
    draw = rng or random.Random(0)
    lots = {g: draw.random() for g in quotas}
    left = respondents - sum(counts.values())
    for g in sorted(quotas, key=lambda g: (-fraction[g], lots[g]))[:left]:
        counts[g] += 1
    return counts


def leanings(survey: Survey, rng: random.Random) -> dict[tuple[str, str], float]:
    """Each (proposal, group)'s mean position on its scale, from 0 (oppose) to 1 (support).

    Proposals take turns: one with broad support in every group, one that splits the first two
    groups sharply (science for, diplomacy against), one with lukewarm support; a little noise
    on each. So a simulated panel shows consensus, contested and undecided proposals.
    """
    out = {}
    for i, proposal in enumerate(survey.proposals):
        for j, group in enumerate(survey.group_ids):
            kind = i % 3
            if kind == 0:
                lean = 0.9
            elif kind == 1:
                lean = (0.9, 0.3)[j] if j < 2 else 0.6
            else:
                lean = 0.62
            out[(proposal.id, group)] = min(0.97, max(0.03, lean + rng.uniform(-0.05, 0.05)))
    return out


class _Respondent:
    """One simulated participant: what the question types ask of a
    :class:`consult.survey.question_types.Respondent`."""

    def __init__(
        self,
        survey: Survey,
        group: str,
        lang: str,
        leanings: Mapping[tuple[str, str], float],
        rng: random.Random,
    ):
        self.survey, self.group, self.lang, self.rng = survey, group, lang, rng
        self.leanings = leanings
        self.answers: dict[str, Any] = {}

    def lean(self, question: Question) -> float:
        return self.leanings.get((question.proposal or "", self.group), 0.6)

    def abstains(self) -> bool:
        return self.rng.random() < ABSTAIN_RATE

    def free_text(self, question: Question) -> str:
        """About the question's proposal and on its side: a follow-up's side by its ``when``,
        else the side this respondent took on the proposal; in the respondent's language."""
        proposal = next((p for p in self.survey.proposals if p.id == question.proposal), None)
        if proposal is None:
            return self.rng.choice(_COMMENTS.get(self.lang) or _COMMENTS["en"])
        side = follow_up_side(self.survey, question) or self.side_on(proposal)
        title = proposal.title.get(self.lang)
        texts = _BY_PROPOSAL.get(proposal.id, _ANY_PROPOSAL)[side]
        return self.rng.choice(texts.get(self.lang) or texts["en"]).format(title=title)

    def side_on(self, proposal: Proposal) -> str:
        """ "for", "against" or "comment" (neutral, abstained, not yet answered)."""
        question = proposal.support_question
        spec = self.survey.scale(question.scale or "").spec
        value = self.answers.get(question.key)
        if value in spec.support:
            return "for"
        return "against" if value in spec.opposition else "comment"

    def answer(self, q: Question) -> Any:
        return q.kind.simulate(q, self.survey, self)

    def respond(self) -> list[tuple[str, str, float | None]]:
        rows = []
        for q in self.survey.questions():
            if q.when is not None and not q.when.applies(self.answers, self.group):
                continue
            if not q.required and self.rng.random() > OPTIONAL_ANSWER_RATE:
                continue
            value = self.answer(q)
            self.answers[q.key] = value
            rows.append((q.key, json.dumps(value, ensure_ascii=False), q.numeric(value)))
        return rows


def simulate(
    store: Store,
    survey: Survey,
    respondents: int,
    *,
    seed: int | None = None,
    group_mix: Mapping[str, float] | None = None,
    round: int | None = None,
) -> SimulationSummary:
    """Add ``respondents`` simulated, submitted responses to ``survey`` in ``store``, in
    ``round`` (default: the survey's current round)."""
    if respondents < 1:
        raise InputError("--respondents must be at least 1")
    from consult.store.surveys import register_survey

    register_survey(store, survey)
    if round is None:
        round = store.current_round(survey.id)
    if not plan_of(store, survey, round).is_open:
        raise InputError(f"round {round} is closed: no answers can be added to it")
    rng = random.Random(seed)
    quotas = allocate(respondents, group_mix or {g: 1.0 for g in survey.group_ids}, rng)
    order = [g for g in survey.group_ids for _ in range(quotas.get(g, 0))]
    rng.shuffle(order)
    lean = leanings(survey, rng)
    by_group = dict.fromkeys(survey.group_ids, 0)
    n_answers = 0

    def generate() -> Iterator[tuple[str, str, list[tuple[str, str, float | None]]]]:
        nonlocal n_answers
        for group in order:
            lang = rng.choice(survey.languages)
            rows = _Respondent(survey, group, lang, lean, rng).respond()
            by_group[group] += 1
            n_answers += len(rows)
            yield group, lang, rows

    done = store.insert_simulated(survey.id, survey.hash, round, generate())
    return SimulationSummary(respondents=done, answers=n_answers, by_group=by_group, seed=seed)
