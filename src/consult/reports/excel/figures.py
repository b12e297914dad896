"""Number formats that make a cell show what :class:`consult.results.report_data.Figures` shows.

Cells stay numbers (a reader can compute with them); the format gives each the decimals that
keep it on its side of the rule's thresholds, as the terminal shows it, and a "†" after a figure
of a small group.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SMALL = "†"


def decimals_of(text: str) -> int:
    """Decimals in a shown figure: "69.8%" -> 1, "30 pp" -> 0, "–" -> 0."""
    number = text.split()[0].rstrip("%")
    return len(number.split(".")[1]) if "." in number else 0


def _spreadsheet_places(value: float, places: int) -> int:
    """``places``, or more where a spreadsheet (which rounds halves away from zero) would show
    other digits than Python (which rounds the binary value): 0.125 is "12%" in Python and
    "13%" in a spreadsheet, so it gets "12.5%"."""
    while places < 4:
        python = f"{value:.{places}f}"
        quantum = Decimal(1).scaleb(-places)
        sheet = Decimal(repr(round(value, 12))).quantize(quantum, rounding=ROUND_HALF_UP)
        if Decimal(python) == sheet:
            return places
        places += 1
    return places


def share_format(value: float | None, shown: str, small: bool = False) -> str:
    """The number format of a share ``value`` shown as ``shown`` ("69.8%" -> "0.0%")."""
    places = 0 if value is None else _spreadsheet_places(value * 100, decimals_of(shown))
    fmt = "0%" if places == 0 else "0." + "0" * places + "%"
    return fmt + (f'"{SMALL}"' if small else "")


def points_format(value: float | None, shown: str, small: bool = False) -> str:
    """The number format of a gap stored as points (value × 100) shown as ``shown``."""
    places = 0 if value is None else _spreadsheet_places(value, decimals_of(shown))
    number = "0" if places == 0 else "0." + "0" * places
    return number + '" pp' + (SMALL if small else "") + '"'


def signed(fmt: str) -> str:
    """``fmt`` with a sign on either side of 0: a change, "+3 pp" or "-12 pp"."""
    return f"+{fmt};-{fmt};{fmt}"


def decimal_format(value: float | None, thresholds: tuple[float, ...] = (), places: int = 2) -> str:
    """The number format of a plain number (a kappa, a change of the IQR) with ``places``
    decimals, or more where rounding would cross or touch a threshold it is judged by (a
    stopping criterion's "|cv_change| <= 0.1"): 0.0996 shows "0.0996", not "0.10"."""
    if value is not None:

        def side(x: float, t: float) -> int:
            return 0 if abs(x - t) <= 1e-9 else (1 if x > t else -1)

        def crosses(places: int) -> bool:  # "|x| <= t" judges the size: both signs count
            sizes = (value, abs(value))
            return any(side(round(v, places), t) != side(v, t) for v in sizes for t in thresholds)

        while places < 4 and crosses(places):
            places += 1
        places = _spreadsheet_places(value, places)
    return "0" if places == 0 else "0." + "0" * places
