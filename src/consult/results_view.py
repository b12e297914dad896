"""Results as a rich table for the terminal: ``consult results`` and its ``--watch`` mode."""

from __future__ import annotations

from rich.console import Group as RenderGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from consult.aggregation import Results

BAR_WIDTH = 10
CONSENSUS_MARKS = {
    "for": ("✔ for", "bold green"),
    "against": ("✘ against", "bold red"),
    "none": ("·", "dim"),
}


def bar(share: float | None, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar of ``width`` cells for a share in [0, 1], in eighths of a cell."""
    if share is None:
        return Text(" " * width)
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    glyphs = "█" * full + ("" if part == 0 else " ▏▎▍▌▋▊▉"[part])
    return Text(glyphs.ljust(width), style="green")


def pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


#: Below this terminal width the table drops the median column and labels groups by id.
COMPACT_BELOW = 130


def render_results(results: Results, width: int = 200) -> RenderableType:
    """The proposals sorted by support, with per-group columns, consensus and divergence."""
    compact = width < COMPACT_BELOW
    title = Text(results.title, style="bold")
    counts = ", ".join(f"{label} {results.respondents[g]}" for g, label in results.groups.items())
    subtitle = Text(f"{results.n_respondents} responses ({counts})", style="dim")
    flt = results.filter
    notes = []
    if flt.include_simulated:
        notes.append("simulated responses included")
    if flt.include_in_progress:
        notes.append("unfinished responses included")
    if flt.round:
        notes.append(f"round {flt.round}")
    if flt.groups:
        notes.append("groups: " + ", ".join(flt.groups))
    if notes:
        subtitle.append("  [" + "; ".join(notes) + "]", style="yellow")

    from rich import box

    table = Table(
        show_lines=False,
        header_style="bold",
        expand=False,
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        pad_edge=not compact,
        collapse_padding=compact,
        padding=(0, 1) if not compact else (0, 0, 0, 1),
    )
    table.add_column("#", justify="right")
    table.add_column("Proposal", min_width=16, max_width=34, ratio=1 if compact else None)
    table.add_column("n", justify="right")
    if not compact:
        table.add_column("Support", no_wrap=True)
    table.add_column("Support" if compact else "", justify="right", no_wrap=True)
    table.add_column("Oppose", justify="right")
    if not compact:
        table.add_column("Median (IQR)", justify="right")
    table.add_column("Cons." if compact else "Consensus")
    if compact:  # the divergence flag matters more than the last group's column
        table.add_column("Gap", justify="right", no_wrap=True)
    for gid, label in results.groups.items():
        table.add_column(
            Text(gid if compact else label),
            justify="right",
            max_width=None if compact else 14,
            no_wrap=compact,
        )
    if not compact:
        table.add_column("Gap", justify="right")
    for p in results.proposals:
        st = p.stats
        mark, style = CONSENSUS_MARKS[st.consensus]
        median = "–" if st.panel.median is None else f"{st.panel.median:g} ({st.panel.iqr:g})"
        gap = Text("–")
        if st.max_divergence is not None:
            gap = Text(f"{abs(st.max_divergence.difference) * 100:.0f} pp")
            if st.contested:
                gap = Text(
                    f"⚡ {abs(st.max_divergence.difference) * 100:.0f} pp", style="bold yellow"
                )
        cells = [str(p.rank), Text(p.title), str(st.panel.n_valid)]
        cells += [] if compact else [bar(st.panel.support)]
        cells += [pct(st.panel.support), pct(st.panel.opposition)]
        cells += [] if compact else [median]
        cells.append(Text(mark.split()[0] if compact else mark, style=style))
        if compact:
            cells += [gap, *(pct(st.groups[g].support) for g in results.groups)]
        else:
            cells += [
                f"{pct(st.groups[g].support)} ({st.groups[g].n_valid})" for g in results.groups
            ]
            cells.append(gap)
        table.add_row(*cells)
    groups_legend = ""
    if compact:
        groups_legend = (
            " Groups: " + "; ".join(f"{g} = {label}" for g, label in results.groups.items()) + "."
        )
    legend = Text(
        f"Support: share of valid answers on the support side; abstentions left out. "
        f"Consensus rule: {results.consensus_rule}. ⚡ contested: two groups' support differs by "
        f"at least the survey's threshold. Group columns: support"
        f"{'' if compact else ' (n)'}.{groups_legend}",
        style="dim",
    )
    return RenderGroup(title, subtitle, table, legend)
