"""``consult status``: invited, started and submitted by group; who has not finished."""

from __future__ import annotations

from consult.cli.options import IncludeSimulatedOpt, JsonOpt, RoundOpt, SurveyArg, echo_json


def status(
    survey: SurveyArg,
    round: RoundOpt = None,
    as_json: JsonOpt = False,
    include_simulated: IncludeSimulatedOpt = False,
) -> None:
    """Invited, started and submitted by group; who has not finished (pseudonyms only).

    Example: consult status surveys/st-diplomacy-roundtable.yaml --json
    """
    from consult.cli.context import open_store
    from consult.results.participation import participation_status
    from consult.store.plans import chosen_round
    from consult.store.surveys import resolve_survey

    with open_store(create=False) as store:
        s = resolve_survey(store, survey)
        figures = participation_status(
            store, s, round=chosen_round(store, s, round), include_simulated=include_simulated
        )
    if as_json:
        echo_json("status", figures)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    table = Table(
        "Group",
        "Invited",
        "Started",
        "Submitted",
        box=None,
        pad_edge=False,
        title=f"{figures['survey']} · round {figures['round']}",
    )
    for g in figures["groups"]:
        table.add_row(g["group"], str(g["invited"]), str(g["started"]), str(g["submitted"]))
    t = figures["total"]
    table.add_row("all", str(t["invited"]), str(t["started"]), str(t["submitted"]), style="bold")
    console.print(table)
    waiting = figures["not_finished"]
    if waiting:
        console.print(f"Not finished ({len(waiting)}):")
        for w in waiting:
            console.print(
                f"  {w['pseudonym']}  {w['group']}  {w['status']}, {w['answered']} answered"
            )
    channels = figures["by_channel"]
    if channels:
        console.print(
            "By channel: "
            + ", ".join(
                f"{c} {n['started']} ({n['submitted']} submitted)" for c, n in channels.items()
            )
        )
    console.print(f"Last activity: {figures['last_activity'] or 'none yet'}")
    failed = figures["failed_codes_last_hour"]
    console.print(
        f"Wrong access codes in the last hour: {failed}", style="bold yellow" if failed else None
    )
