"""Small charts drawn on the server as SVG: no script, no library, readable without colour.

Each chart is an image with a title (``role="img"``, ``<title>``) and is meant to stand beside a
table of the same figures, which is what a screen reader reads. Texts are escaped here; the
result is markup a template inserts as it is. Pure: figures and labels in, a string out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0b4f6c", "#8a3b12", "#2f6b2f", "#6b2f6b", "#4a5260")
"""Series colours, each at least 4.5:1 on white; series also differ by dash and marker."""

DASHES = ("", "6 4", "2 3", "10 3 2 3", "1 5")


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Series:
    """A named line of figures, one per x value (None where there is no figure)."""

    name: str
    values: Sequence[float | None]


def _svg(width: int, height: int, title: str, body: list[str], chart_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{escape(chart_id)}-title">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering ``low``–``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while value <= high + step / 2 and len(ticks) < 12:
        ticks.append(round(value, 10))
        value += step
    return ticks


def line_chart(
    title: str,
    xs: Sequence[str],
    series: Sequence[Series],
    *,
    references: Sequence[tuple[str, float]] = (),
    number: Callable[[float], str] = _num,
    chart_id: str = "chart",
    width: int = 560,
    height: int = 260,
) -> str:
    """Lines over the x labels (years), with horizontal reference lines (a baseline, a target)."""
    left, right, top, bottom = 64, 16, 16, 56
    figures = [v for s in series for v in s.values if v is not None] + [v for _, v in references]
    low = min([0.0, *figures])
    high = max([1.0, *figures])
    ticks = _ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(1, len(xs)))

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    body = [
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#d5dae1"/>'
    ]
    for t in ticks:
        y = _num(y_at(t))
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y}" y2="{y}" stroke="#e6e9ee"/>')
        body.append(
            f'<text x="{left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="12" fill="#4a5260">{escape(number(t))}</text>'
        )
    for i, label in enumerate(xs):
        body.append(
            f'<text x="{_num(x_at(i))}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12" '
            f'fill="#1b1f24">{escape(label)}</text>'
        )
    for name, value in references:
        y = _num(y_at(value))
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y}" y2="{y}" stroke="#4a5260" '
            f'stroke-dasharray="4 3"/><text x="{left + plot_w - 4}" y="{_num(y_at(value) - 5)}" '
            f'text-anchor="end" font-size="12" fill="#4a5260">{escape(name)}</text>'
        )
    legend_y = height - 14
    for n, s in enumerate(series):
        colour, dash = PALETTE[n % len(PALETTE)], DASHES[n % len(DASHES)]
        points = [(x_at(i), y_at(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
        body.extend(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>' for x, y in points)
        lx = left + n * 160
        body.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" '
            f'stroke-width="2.5"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            f'<text x="{lx + 30}" y="{legend_y}" dominant-baseline="middle" font-size="12" '
            f'fill="#1b1f24">{escape(s.name)}</text>'
        )
    return _svg(width, height, title, body, chart_id)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    number: Callable[[float], str] = _num,
    chart_id: str = "chart",
    width: int = 560,
) -> str:
    """Horizontal bars, one per label, each with its figure written at its end."""
    row, left, right = 28, 190, 64
    height = max(1, len(bars)) * row + 8
    high = max([v for _, v in bars] + [1e-9])
    plot_w = width - left - right
    body: list[str] = []
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        w = max(0.0, plot_w * value / high)
        body.append(
            f'<text x="{left - 8}" y="{y + row / 2}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="13" fill="#1b1f24">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{_num(w)}" height="{row - 10}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{_num(left + w + 6)}" y="{y + row / 2}" dominant-baseline="middle" font-size="13" '
            f'fill="#1b1f24">{escape(number(value))}</text>'
        )
    return _svg(width, height, title, body, chart_id)


def spider_chart(
    title: str,
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    maximum: float,
    chart_id: str = "chart",
    size: int = 420,
) -> str:
    """A radar ("spider") chart: one spoke per axis from 0 at the centre to ``maximum``, one
    polygon per series (the first drawn last, on top: the current year over the earlier ones)."""
    if not axes:
        return _svg(size, size, title, [], chart_id)
    label_room = 70
    cx = cy = size / 2
    radius = size / 2 - label_room
    n = len(axes)

    def at(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    body: list[str] = []
    rings = int(maximum) if maximum == int(maximum) and maximum <= 10 else 4
    for ring in range(1, rings + 1):
        r = radius * ring / rings
        ring_points = " ".join(f"{_num(x)},{_num(y)}" for x, y in (at(i, r) for i in range(n)))
        body.append(f'<polygon points="{ring_points}" fill="none" stroke="#e0e4ea"/>')
    for i, label in enumerate(axes):
        x, y = at(i, radius)
        body.append(f'<line x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(x)}" y2="{_num(y)}" stroke="#d5dae1"/>')
        lx, ly = at(i, radius + 14)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        body.append(
            f'<text x="{_num(lx)}" y="{_num(ly)}" text-anchor="{anchor}" dominant-baseline="middle" '
            f'font-size="12" fill="#1b1f24">{escape(label)}</text>'
        )
    for k in reversed(range(len(series))):
        s = series[k]
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        pts = [
            at(i, radius * max(0.0, min(maximum, v or 0.0)) / maximum)
            for i, v in zip(range(n), list(s.values) + [None] * (n - len(s.values)), strict=False)
        ]
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
        body.append(
            f'<polygon points="{path}" fill="{colour}" fill-opacity="{0.18 if k == 0 else 0.06}" '
            f'stroke="{colour}" stroke-width="2"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
        )
    legend: list[str] = []
    for k, s in enumerate(series):
        colour, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        y = size - 12 - 18 * (len(series) - 1 - k)
        legend.append(
            f'<line x1="8" x2="32" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f'/><text x="38" y="{y}" dominant-baseline="middle" font-size="12" fill="#1b1f24">'
            f"{escape(s.name)}</text>"
        )
    return _svg(size, size, title, body + legend, chart_id)
