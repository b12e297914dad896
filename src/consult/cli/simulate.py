"""``consult simulate``: plausible synthetic responses for demos and rehearsals."""

from __future__ import annotations

from typing import Annotated

import typer

from consult.cli.options import RoundOpt, SurveyArg


def simulate(
    survey: SurveyArg,
    respondents: Annotated[
        int | None,
        typer.Option(
            "--respondents",
            "-n",
            min=1,
            help="How many respondents (round 1). A later Delphi round is answered by the "
            "simulated panel of the round before.",
        ),
    ] = None,
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

    In a later Delphi round (after consult round open), the simulated participants of the
    round before answer again: some drop out, some keep their answers, the others move one
    point towards the panel's median.

    Example: consult simulate surveys/st-diplomacy-roundtable.yaml -n 40 --seed 7
    """
    from consult.cli.context import open_store
    from consult.errors import InputError
    from consult.session.simulation import parse_group_mix
    from consult.session.simulation import simulate as run_simulation
    from consult.session.simulation_rounds import simulate_next_round
    from consult.store.surveys import resolve_survey

    with open_store() as store:
        s = resolve_survey(store, survey)
        rnd = round if round is not None else store.current_round(s.id)
        if rnd > 1:
            if respondents is not None or group_mix is not None:
                raise InputError(
                    f"round {rnd} is answered by the simulated panel of round {rnd - 1}; "
                    "leave out --respondents and --group-mix"
                )
            summary = simulate_next_round(store, s, rnd, seed=seed)
        else:
            if respondents is None:
                raise InputError("--respondents (-n) is needed: how many respondents to simulate")
            mix = parse_group_mix(group_mix, s.group_ids)
            summary = run_simulation(store, s, respondents, seed=seed, group_mix=mix, round=rnd)
    groups = ", ".join(f"{g} {n}" for g, n in summary.by_group.items())
    typer.echo(
        f"Simulated {summary.respondents} responses ({groups}), "
        f"{summary.answers} answers, in {store.path}.\n"
        "They are left out of results and reports unless you add --include-simulated."
    )
