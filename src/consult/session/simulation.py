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
from consult.survey.model import Question, Survey

ABSTAIN_RATE = 0.03
# Share of optional questions (comments) a simulated person answers: a few comments each,
# as in real consultations, not one on every proposal.
OPTIONAL_ANSWER_RATE = 0.15

_REASONS = {
    "en": [
        "The ministries already involved would lose the coordination they have built up.",
        "It risks splitting diplomacy between two voices abroad.",
        "There is no budget attached, so it would stay on paper.",
        "Diplomats, not scientists, should speak for the country abroad.",
        "This needs a clearer division of roles first.",
        "Legislation is slow; an agreement between ministries would work sooner.",
    ],
    "ko": [
        "기존 부처 간 조정 체계가 약해질 수 있습니다.",
        "대외적으로 목소리가 둘로 나뉠 위험이 있습니다.",
        "예산 없이 선언에 그칠 가능성이 큽니다.",
        "역할 분담을 먼저 분명히 해야 합니다.",
    ],
}
_COMMENTS = {
    "en": [
        "Agree in principle, but the details of governance matter most.",
        "Researchers need to be involved from the start, not consulted at the end.",
        "Start with AI and quantum, where the international rules are being written now.",
        "Make sure this survives changes of administration.",
        "Private companies hold much of the expertise; bring them in early.",
        "Link this to the existing bilateral S&T agreements.",
        "Korea can offer its experience of fast technology development to partner countries.",
        "A small secretariat with real authority would do more than a new committee.",
    ],
    "ko": [
        "원칙적으로 동의하지만 거버넌스 세부 설계가 가장 중요합니다.",
        "연구자들이 처음부터 참여해야 합니다.",
        "국제 규범이 지금 만들어지고 있는 AI와 양자부터 시작해야 합니다.",
        "정권이 바뀌어도 지속될 수 있어야 합니다.",
        "민간 기업의 전문성을 초기부터 활용해야 합니다.",
    ],
}


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
        bank = _REASONS if question.when is not None and not question.when.on_group else _COMMENTS
        return self.rng.choice(bank.get(self.lang) or bank["en"])

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

    if round is None:
        round = store.current_round(survey.id)
    done = store.insert_simulated(survey.id, survey.hash, round, generate())
    return SimulationSummary(respondents=done, answers=n_answers, by_group=by_group, seed=seed)
