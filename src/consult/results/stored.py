"""Checks of a database against a survey about to be used (``consult survey validate --db``)."""

from __future__ import annotations

from consult.results.aggregation import aggregate
from consult.results.checks import unplaced_notice
from consult.store import ResponseFilter, Store
from consult.survey.model import Survey


def stored_data_problems(store: Store, survey: Survey) -> list[str]:
    """What a database holds that ``survey`` (about to be used) cannot place, and an edit of its
    texts that kept the version number: one line each, for ``consult survey validate --db``.

    Every response counts here, in progress and simulated ones too, in every round."""
    everything = ResponseFilter(include_in_progress=True, include_simulated=True)
    rounds = {r for r in range(1, store.current_round(survey.id) + 1)}
    lines = []
    for rnd in sorted(rounds):
        results = aggregate(store, survey, ResponseFilter(**{**everything.__dict__, "round": rnd}))
        notice = unplaced_notice(results)
        if notice:
            prefix = f"round {rnd}: " if len(rounds) > 1 else ""
            lines.extend(prefix + line for line in notice.splitlines())
    for stored in store.survey_versions(survey.id):
        if stored["version"] == survey.version and stored["hash"] != survey.hash:
            lines.append(
                f"Warning: version {survey.version} is stored with another definition (hash "
                f"{stored['hash'][:12]}, loaded {stored['loaded_at'][:10]}); raise 'version' "
                "when you change what participants read"
            )
            break
    return lines
