"""Server-side SVG charts: the geometry here, the markup in templates/dashboard/_charts.html.

No JavaScript and no external service: a bar chart of the time series and a tile-grid map of the
38 provinces. Each chart has a <title>, a <desc> and a data table next to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.i18n import current_language
from marketplace.money import format_idr

# Tile-grid map: (column, row) of each province, west to east and north to south, roughly where it
# lies. Drawn by us because open province shapes still have the old 34 provinces.
TILES: dict[str, tuple[int, int, str]] = {
    "11": (0, 0, "ACEH"), "12": (1, 0, "SUMUT"), "21": (3, 0, "KEPRI"),
    "13": (1, 1, "SUMBAR"), "14": (2, 1, "RIAU"),
    "17": (1, 2, "BKL"), "15": (2, 2, "JAMBI"), "19": (3, 2, "BABEL"),
    "16": (2, 3, "SUMSEL"), "18": (2, 4, "LPG"),
    "31": (4, 4, "DKI"), "36": (3, 5, "BTN"), "32": (4, 5, "JABAR"), "33": (5, 5, "JATENG"),
    "34": (5, 6, "DIY"), "35": (6, 5, "JATIM"),
    "51": (7, 6, "BALI"), "52": (8, 6, "NTB"), "53": (9, 6, "NTT"),
    "61": (5, 2, "KALBAR"), "62": (6, 2, "KALTENG"), "63": (7, 3, "KALSEL"),
    "64": (7, 2, "KALTIM"), "65": (7, 1, "KALTARA"),
    "72": (9, 2, "SULTENG"), "75": (10, 2, "GTLO"), "71": (11, 1, "SULUT"),
    "76": (8, 3, "SULBAR"), "74": (9, 3, "SULTRA"), "73": (8, 4, "SULSEL"),
    "82": (12, 1, "MALUT"), "81": (12, 3, "MALUKU"),
    "96": (13, 2, "PBD"), "92": (14, 2, "PB"), "91": (16, 2, "PAPUA"),
    "94": (15, 3, "PTENGAH"), "95": (16, 3, "PPEG"), "93": (16, 4, "PSEL"),
}  # fmt: skip
TILE = 56
GAP = 4
# Five shades of the site's green, light to dark, and the text colour that stays readable on each.
SHADES = (("#e8f3ec", "#1d1d1b"), ("#b6d8c3", "#1d1d1b"), ("#6fb08a", "#1d1d1b"),
          ("#2e7d55", "#ffffff"), ("#0b5d3b", "#ffffff"))  # fmt: skip
NO_SALES = ("#f4f4f0", "#595959")


def compact_idr(amount: int) -> str:
    """A short amount for axes: `Rp1,2 jt`, `Rp3 M` (IDR 1.2M, IDR 3B in English)."""
    english = current_language().startswith("en")
    for size, short in ((10**12, _("T")), (10**9, _("M")), (10**6, _("jt")), (10**3, _("rb"))):
        if abs(amount) >= size:
            value = f"{amount / size:.1f}".rstrip("0").rstrip(".")
            if not english:
                value = value.replace(".", ",")
            return f"{'IDR ' if english else 'Rp'}{value} {short}"
    return format_idr(amount, current_language())


@dataclass(frozen=True)
class Bar:
    """One bar: position and size in the chart's coordinates, and what it stands for."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class BarChart:
    """A bar chart's bars, y-axis ticks (y, text) and a few x-axis labels (x, text)."""

    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    plot_left: int
    plot_bottom: int


def bar_chart(
    points: list[dict], key: str = "gmv_idr", width: int = 720, height: int = 240
) -> BarChart:
    """Bars for the series points, scaled to a rounded maximum, with four gridlines."""
    left, right, top, bottom = 70, 8, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((p[key] for p in points), default=0)
    ceiling = _nice_ceiling(peak)
    step = plot_w / max(len(points), 1)
    gap = step * 0.15 if step > 4 else 0
    bars = []
    for index, point in enumerate(points):
        h = plot_h * point[key] / ceiling if ceiling else 0
        bars.append(
            Bar(round(left + index * step + gap / 2, 2), round(top + plot_h - h, 2),
                round(max(step - gap, 0.5), 2), round(h, 2), point["name"], point[key])
        )  # fmt: skip
    ticks = [
        (round(top + plot_h - plot_h * i / 4, 1), compact_idr(ceiling * i // 4)) for i in range(5)
    ]
    every = max(1, len(points) // 6)
    x_labels = [
        (round(left + i * step + step / 2, 1), str(points[i]["name"]).split(" ")[0])
        for i in range(0, len(points), every)
    ]
    return BarChart(width, height, bars, ticks, x_labels, left, top + plot_h)


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above value (0 stays 0)."""
    if value <= 0:
        return 0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * magnitude:
            return int(factor * magnitude)
    return 10 * magnitude


@dataclass(frozen=True)
class Tile:
    """One province tile of the map."""

    code: str
    name: str
    short: str
    x: int
    y: int
    value: int
    fill: str
    text: str


def tile_map(values: dict[str, int], names: dict[str, str]) -> tuple[list[Tile], int, int, list]:
    """The 38 tiles shaded in five classes of equal width up to the largest value.

    Returns the tiles, the map's width and height, and the legend as (fill, text) pairs.
    """
    peak = max(values.values(), default=0)
    tiles = []
    for code, (col, row, short) in TILES.items():
        value = values.get(code, 0)
        if value > 0 and peak:
            fill, text = SHADES[min(4, value * 5 // (peak + 1))]
        else:
            fill, text = NO_SALES
        tiles.append(
            Tile(code, names.get(code, code), short, col * (TILE + GAP), row * (TILE + GAP),
                 value, fill, text)
        )  # fmt: skip
    cols = 1 + max(c for c, _, _ in TILES.values())
    rows = 1 + max(r for _, r, _ in TILES.values())
    legend = [(NO_SALES[0], _("Tidak ada penjualan"))]
    for index, (fill, _text) in enumerate(SHADES):
        low, high = peak * index // 5, peak * (index + 1) // 5
        legend.append((fill, f"{compact_idr(low)} – {compact_idr(high)}"))
    return tiles, cols * (TILE + GAP) - GAP, rows * (TILE + GAP) - GAP, legend
