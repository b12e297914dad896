"""``consult simulate``: plausible synthetic responses for demos and rehearsals."""

from __future__ import annotations

from typing import Annotated

import typer

from consult.cli.options import RoundOpt, SurveyArg


def simulate(
    survey: SurveyArg,
    respondents: Annotated[
        int, typer.Option("--respondents", "-n", min=1, help="How many respondents.")
    ],
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for a repeatable simulation.")
    ] = None,
    group_mix: Annotated[
        str | None,
        typer.Option(
            "--group-mix",
            help="Group weights, e.g. science=5,diplomacy=3,government=2: respondents split in "
            "that proportion (largest remainder; default: equal).",
        ),
    ] = None,
    round: RoundOpt = None,
) -> None:
    """Add plausible synthetic responses, marked simulated, for demos and rehearsals.

    Example: consult simulate surveys/st-diplomacy-roundtable.yaml -n 40 --seed 7
    """
    from consult.cli.context import open_store
    from consult.session.simulation import parse_group_mix
    from consult.session.simulation import simulate as run_simulation
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        mix = parse_group_mix(group_mix, s.group_ids)
        summary = run_simulation(store, s, respondents, seed=seed, group_mix=mix, round=round)
    groups = ", ".join(f"{g} {n}" for g, n in summary.by_group.items())
    typer.echo(
        f"Simulated {summary.respondents} responses ({groups}), "
        f"{summary.answers} answers, in {store.path}.\n"
        "They are left out of results and reports unless you add --include-simulated."
    )
