"""Results as a rich table for the terminal: ``consult results`` and its ``--watch`` mode."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.console import Group as RenderGroup
from rich.table import Table
from rich.text import Text

from consult.i18n import Labels
from consult.i18n.results import LABELS
from consult.results.aggregation import ProposalResult, Results
from consult.results.report_data import Figures, involves_small, shown_divergence
from consult.safe_text import strip_control
from consult.stats import ConsensusRule

BAR_WIDTH = 10
#: The Proposal column wraps titles between these widths (longer words fold).
PROPOSAL_MIN = 16
PROPOSAL_MAX = 34
CONSENSUS_STYLES = {
    "for": "bold green",
    "against": "bold red",
    "none": "dim",
    "insufficient": "dim italic",
}
SMALL = "†"  # after a figure of a group under the rule's small_group


def terminal_text(text: str) -> Text:
    """A rich ``Text`` that shows ``text`` literally: no markup, no escape sequences."""
    return Text(strip_control(text))


def labels(lang: str) -> Labels:
    """The table's words in ``lang`` (English when the tool does not ship that language)."""
    return Labels(LABELS, lang)


def bar(share: float | None, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar of ``width`` cells for a share in [0, 1], in eighths of a cell."""
    if share is None:
        return Text(" " * width)
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    glyphs = "█" * full + ("" if part == 0 else " ▏▎▍▌▋▊▉"[part])
    return Text(glyphs.ljust(width), style="green")


@dataclass(frozen=True)
class Layout:
    """How much the table shows; the widest layout that fits the terminal is used."""

    bar_width: int  # 0: no bar column
    median: bool  # the Median (IQR) column
    group_labels: bool  # group columns headed by label, with n; else by id
    groups_inline: bool  # group columns in the main table; else in a second table below
    abstention: bool = False  # the Abst. column: abstentions and their share


#: From the richest to the narrowest.
LAYOUTS = (
    Layout(
        bar_width=BAR_WIDTH, median=True, group_labels=True, groups_inline=True, abstention=True
    ),
    Layout(bar_width=BAR_WIDTH, median=True, group_labels=True, groups_inline=True),
    Layout(bar_width=5, median=True, group_labels=False, groups_inline=True),
    Layout(bar_width=5, median=False, group_labels=False, groups_inline=True),
    Layout(bar_width=0, median=False, group_labels=False, groups_inline=True),
    Layout(bar_width=5, median=True, group_labels=False, groups_inline=False),
    Layout(bar_width=0, median=False, group_labels=False, groups_inline=False),
)


def _gap(p: ProposalResult, figures: Figures | None = None) -> Text:
    """The gap the flag is judged on (else the widest, marked † when a small group is in it):
    ⚡ contested; ⚡? possible, with its 95% interval."""
    figures = figures or Figures(None)
    st = p.stats
    shown = shown_divergence(st)
    if shown is None:
        return Text("–")
    points = figures.gap(shown.difference) + (SMALL if involves_small(st, shown) else "")
    if st.divergence_flag == "contested":
        return Text(f"⚡ {points}", style="bold yellow")
    if st.divergence_flag == "possible":
        interval = Figures.interval(shown.ci, shown.difference)
        if interval is not None:
            low, high = (end.removesuffix(" pp") for end in interval)
            points += f" ({low}…{high})"
        return Text(f"⚡? {points}", style="yellow")
    return Text(points)


def shown_groups(results: Results) -> list[str]:
    """The groups the table has columns for: those ``--group`` chose, else every group."""
    chosen = results.filter.groups
    return [g for g in results.groups if not chosen or g in chosen]


def number(p: ProposalResult) -> str:
    """The proposal's number in the survey, as participants saw it: ``P3``."""
    return f"P{p.number}"


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _main_table(
    results: Results,
    layout: Layout,
    proposal_width: int | None = None,
    figures: Figures | None = None,
) -> Table:
    """The main table; ``proposal_width`` fixes the Proposal column (default: its narrowest).

    Only the Proposal column and, in the roomy layout, the group headers wrap, each at a width
    fixed here, so the table's natural width is what it needs and rich never squeezes it.
    """
    figures = figures or Figures(None)
    t = labels(results.language)
    roomy = layout.group_labels
    table = Table(
        header_style="bold",
        box=box.HEAVY_HEAD if roomy else box.SIMPLE_HEAD,
        pad_edge=roomy,
        padding=(0, 1) if roomy else (0, 0, 0, 1),
    )
    table.add_column(t["rank"] if roomy else t["rank_short"], justify="right", no_wrap=True)
    if roomy:  # narrower, the number starts the title: "P3 Title"
        table.add_column(t["number"], no_wrap=True)
    if proposal_width is None:
        proposal_width = _proposal_widths(results, numbered=not roomy)[0]
    table.add_column(t["proposal"], width=proposal_width, overflow="fold")
    table.add_column("n", justify="right", no_wrap=True)
    if layout.abstention:
        table.add_column(t["abstained"], justify="right", no_wrap=True)
    if layout.bar_width:
        table.add_column(t["support"], no_wrap=True)
    table.add_column("" if layout.bar_width else t["support"], justify="right", no_wrap=True)
    table.add_column(t["oppose"], justify="right", no_wrap=True)
    if layout.median:
        median_header = t["median"] if roomy else t["median_short"]
        table.add_column(median_header, justify="right", no_wrap=True)
    table.add_column(t["consensus"] if roomy else t["consensus_short"], no_wrap=True)
    if layout.groups_inline:
        table.add_column(t["gap"], justify="right", no_wrap=True)
        for gid in shown_groups(results):
            label = results.groups[gid]
            if roomy:  # the label wraps at its longest word (at most 14 cells), never a cell
                widest = max(
                    (cell_len(_group_cell(p, gid, figures)) for p in results.proposals), default=0
                )
                width = max(widest, min(14, _longest_word(label)))
                table.add_column(terminal_text(label), justify="right", width=width)
            else:
                table.add_column(Text(gid), justify="right", no_wrap=True)
    for p in results.proposals:
        st = p.stats
        mark = t[st.consensus] if roomy else t[f"{st.consensus}_short"]
        title = terminal_text(p.title if roomy else f"{number(p)} {p.title}")
        cells: list[RenderableType] = [str(p.rank), *([number(p)] if roomy else [])]
        cells += [title, str(st.panel.n_valid)]
        if layout.abstention:
            share = st.panel.abstention_share
            shown = "" if share is None else f" ({figures.abstention(share)})"
            cells.append(f"{st.panel.n_abstained}{shown}")
        if layout.bar_width:
            cells.append(bar(st.panel.support, layout.bar_width))
        cells += [
            figures.share(st.panel.support, "support"),
            figures.share(st.panel.opposition, "opposition"),
        ]
        if layout.median:
            median = st.panel.median
            cells.append("–" if median is None else f"{median:g} ({st.panel.iqr:g})")
        cells.append(Text(mark, style=CONSENSUS_STYLES[st.consensus]))
        if layout.groups_inline:
            cells.append(_gap(p, figures))
            for g in shown_groups(results):
                cells.append(_group_cell(p, g, figures, with_n=roomy))
        table.add_row(*cells)
    return table


def _group_cell(
    p: ProposalResult, group: str, figures: Figures | None = None, with_n: bool = True
) -> str:
    """A group's support (with its n), marked † when the group is small."""
    s = p.stats.groups[group]
    shown = (figures or Figures(None)).share(s.support, "support")
    if with_n:
        shown += f" ({s.n_valid})"
    return shown + (SMALL if group in p.stats.small_groups else "")


def _proposal_widths(results: Results, numbered: bool = False) -> tuple[int, int]:
    """The Proposal column's narrowest comfortable width and its widest useful one;
    ``numbered``: for titles that start with the proposal's number (``P3 Title``)."""
    titles = [f"{number(p)} {p.title}" if numbered else p.title for p in results.proposals]
    titles = titles or [""]
    cap = PROPOSAL_MAX + (len(f"P{len(results.proposals)} ") if numbered else 0)
    widest = min(cap, max(max(cell_len(title) for title in titles), 8))
    narrowest = min(widest, max(PROPOSAL_MIN, min(24, max(map(_longest_word, titles)))))
    return narrowest, widest


def _groups_table(
    results: Results, groups: list[str], gap: bool = True, figures: Figures | None = None
) -> Table:
    """Support in ``groups`` (and the gap), one row per proposal in the main order."""
    t = labels(results.language)
    table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    # The figures never give way; a group id wider than the terminal folds instead.
    table.add_column(t["rank_short"], justify="right", no_wrap=True)
    table.add_column(t["number"], no_wrap=True)
    if gap:
        gaps = max((cell_len(_gap(p, figures).plain) for p in results.proposals), default=1)
        table.add_column(t["gap"], justify="right", no_wrap=True, min_width=gaps)
    for gid in groups:
        table.add_column(Text(gid, overflow="fold"), justify="right", min_width=len("100%"))
    for p in results.proposals:
        shares = [_group_cell(p, g, figures, with_n=False) for g in groups]
        table.add_row(str(p.rank), number(p), *([_gap(p, figures)] if gap else []), *shares)
    return table


def groups_tables(results: Results, width: int, figures: Figures | None = None) -> list[Table]:
    """The "Support by group" table, split by columns into as many tables as ``width`` needs;
    each repeats the proposal's rank and number, the first has the gap."""
    tables: list[Table] = []
    chunk: list[str] = []
    for gid in shown_groups(results):
        trial = _groups_table(results, [*chunk, gid], not tables, figures)
        if chunk and natural_width(trial) > width:
            tables.append(_groups_table(results, chunk, not tables, figures))
            chunk = [gid]
        else:
            chunk.append(gid)
    if chunk or not tables:
        tables.append(_groups_table(results, chunk, not tables, figures))
    tables[0].title = labels(results.language)["by_group"]
    tables[0].title_justify = "left"
    return tables


def natural_width(renderable: RenderableType) -> int:
    """The columns ``renderable`` takes when given all the room it wants."""
    console = Console(width=10_000, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return max((cell_len(line) for line in console.export_text().splitlines()), default=0)


def choose_layout(
    results: Results, width: int, figures: Figures | None = None
) -> tuple[Layout, int]:
    """The richest layout that fits in ``width`` columns, and the Proposal column's width.

    The Proposal column takes whatever room the layout leaves, up to its widest useful width;
    the Abst. column shows only where the titles have all of theirs.
    When nothing fits, the narrowest layout with the Proposal column narrowed (titles wrap
    more), down to 6 columns: about 40 columns in all. Narrower still, rich squeezes the other
    columns too, and figures can be cut.
    """
    for layout in LAYOUTS:
        narrowest, widest = _proposal_widths(results, numbered=not layout.group_labels)
        # The Abst. column is the first to go: it never costs a title its room.
        least = widest if layout.abstention else narrowest
        needed = natural_width(_main_table(results, layout, least, figures))
        if needed <= width:
            return layout, min(widest, least + width - needed)
    return LAYOUTS[-1], max(6, narrowest - (needed - width))


def render_results(
    results: Results, width: int = 200, rule: ConsensusRule | None = None
) -> RenderableType:
    """The proposals sorted by support, with per-group support, consensus and divergence.

    The table takes the richest layout that fits ``width``: bars, the median and labelled
    group columns on a wide terminal; on a narrow one, group ids, then a second table.
    ``rule`` is the survey's consensus rule: figures near one of its thresholds get the
    decimals that keep them on their side of it (without it, figures are rounded plainly).
    """
    figures = Figures(rule)
    layout, proposal_width = choose_layout(results, width, figures)
    t = labels(results.language)
    title = terminal_text(results.title)
    title.stylize("bold")
    counts = ", ".join(
        f"{results.groups[g]} {results.respondents[g]}" for g in shown_groups(results)
    )
    n = results.n_respondents
    total = t["response"] if n == 1 else t["responses"].format(n=n)
    subtitle = terminal_text(f"{total} ({counts})")
    subtitle.stylize("dim")
    flt = results.filter
    notes = []
    if flt.include_simulated:
        notes.append(t["simulated"])
    if flt.include_in_progress:
        notes.append(t["unfinished"])
    if flt.round:
        notes.append(t["round"].format(n=flt.round))
    if flt.groups:
        notes.append(t["groups"].format(ids=", ".join(flt.groups)))
    if notes:
        subtitle.append("  [" + "; ".join(notes) + "]", style="yellow")

    table = _main_table(results, layout, proposal_width, figures)
    parts: list[RenderableType] = [title, subtitle, table]
    if not layout.groups_inline:
        parts.extend(groups_tables(results, width, figures))
    legend_text = terminal_text(legend(results, layout, rule))
    legend_text.stylize("dim")
    parts.append(legend_text)
    return RenderGroup(*parts)


def legend(results: Results, layout: Layout, rule: ConsensusRule | None) -> str:
    """How to read the table: the rule, the marks it uses, the rounding."""
    t = labels(results.language)
    text = t["legend_rank"] + " "
    text += t["legend"].format(rule=results.consensus_rule, n=" (n)" if layout.group_labels else "")
    if layout.abstention:
        text += t["legend_abstained"]
    if any(p.stats.consensus == "insufficient" for p in results.proposals):
        text += t["legend_insufficient"]
    if any(p.stats.small_groups for p in results.proposals):
        if rule is None:
            text += t["legend_small_unknown"]
        else:
            key = "legend_small_counted" if rule.small_groups_contested else "legend_small"
            text += t[key].format(n=rule.small_group)
    if rule is not None:
        text += t["legend_rounding"]
    if not layout.group_labels:
        groups = "; ".join(f"{g} = {results.groups[g]}" for g in shown_groups(results))
        text += t["legend_groups"].format(groups=groups)
    return text


def watch_results(
    console: Console,
    compute: Callable[[], Results],
    interval: float,
    rule: ConsensusRule | None = None,
) -> None:
    """Redraw the results every ``interval`` seconds until Ctrl-C, then stop quietly.

    Below the table, a footer says when it was last refreshed (local time) and how to stop,
    in the results' language. Only this thread draws (no auto-refresh thread): a Ctrl-C
    landing inside a redraw then cannot leave rich's lock held by another thread, which would
    hang the exit.
    """
    import time

    from rich.live import Live

    def frame() -> RenderableType:
        results = compute()
        return RenderGroup(
            render_results(results, console.width, rule), watch_footer(results.language)
        )

    try:
        with Live(frame(), console=console, auto_refresh=False) as live:
            while True:
                time.sleep(interval)
                live.update(frame(), refresh=True)
    except KeyboardInterrupt:
        pass


def watch_footer(lang: str, now: datetime | None = None) -> Text:
    """``--watch``'s last line: when the table was refreshed (local time) and how to stop."""
    moment = (now or datetime.now()).strftime("%H:%M:%S")
    return Text(labels(lang)["watch_footer"].format(time=moment), style="bold")
