"""The report's charts as inline SVG, drawn on the server: they need no JavaScript and print as they
show, in the browser and in the PDF. Plain Python, no I/O."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
PALETTE = ("#1f5f8b", "#e08a2c", "#4c9f38", "#8a5fb0")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def wrap(text: str, chars: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``chars`` characters, broken between words; what
    does not fit ends the last line in "…" (as does a word longer than a line)."""
    words = text.split()
    out: list[str] = []
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= chars:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = f"{out[-1]} {' '.join(words)}"
    return [_clip(line, chars) for line in out]


def bar_width(value: float, peak: float, span: float) -> float:
    """A bar's length for ``value`` where ``peak`` fills ``span``: at least a sliver for any value but
    zero, never beyond ``span`` nor below nothing (a value too large to draw fills the span)."""
    if math.isnan(value) or value <= 0:
        return 0.0 if value == 0 or math.isnan(value) else 1.0
    if math.isinf(value):
        return span
    return min(max(span * (value / peak), 1.0), span)


def _lines(lines: Sequence[str], x: float, y_mid: float, height: float, attrs: str) -> str:
    """Lines of text centred on ``y_mid``, ``height`` apart."""
    top = y_mid - height * (len(lines) - 1) / 2
    return "".join(
        f'<text x="{x:.1f}" y="{top + i * height:.1f}" {attrs}>{escape(line)}</text>'
        for i, line in enumerate(lines)
    )


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[float], str],
    *,
    width: int = 720,
) -> str:
    """Horizontal grouped bars: one group per label, one bar per series, each with its value."""
    label_w, value_w, bar_h, gap, top = 210, 110, 14, 10, 34
    group_h = bar_h * len(series) + gap
    height = top + group_h * max(len(labels), 1) + 8
    peak = max([v for s in series for v in s.values if math.isfinite(v)] + [0.0]) or 1.0
    span = width - label_w - value_w
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" {FONT} font-size="12"><title>{escape(title)}</title>'
    ]
    x = label_w
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16}" y="18">{escape(s.name)}</text>')
        x += 24 + 7 * len(s.name)
    fits = max(1, min(2, (group_h - 2) // 13))
    for row, label in enumerate(labels):
        y0 = top + row * group_h
        out.append(
            _lines(
                wrap(label, 30, fits),
                label_w - 8,
                y0 + (group_h - gap) / 2,
                13,
                'text-anchor="end" dominant-baseline="middle"',
            )
        )
        for i, s in enumerate(series):
            value = s.values[row]
            w = bar_width(value, peak, span)
            y = y0 + i * bar_h
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(s.name)}: {escape(fmt(value))}</title></rect>'
            )
            out.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h / 2}" dominant-baseline="middle" '
                f'font-size="11">{escape(fmt(value))}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def pyramid(title: str, tiers: Sequence[tuple[str, int]], *, width: int = 420) -> str:
    """The pyramid Bas – Bredd – Spets, bottom tier first: each band names its level and count."""
    height, base_y, top_y = 240, 228, 12
    band = (base_y - top_y) / max(len(tiers), 1)
    colours = ("#c9d9e8", "#7fa7c9", "#1f5f8b")
    half = width / 2

    def x_at(y: float) -> float:
        return half * (y - top_y) / (base_y - top_y)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart pyramid" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" {FONT} font-size="13"><title>{escape(title)}</title>'
    ]
    for i, (name, count) in enumerate(tiers):
        y_low, y_high = base_y - i * band, base_y - (i + 1) * band
        lw, hw = x_at(y_low), x_at(y_high)
        points = f"{half - lw:.1f},{y_low:.1f} {half + lw:.1f},{y_low:.1f} {half + hw:.1f},{y_high:.1f} {half - hw:.1f},{y_high:.1f}"
        fill = colours[i % len(colours)]
        ink = "#fff" if i == len(tiers) - 1 else "#10263a"
        out.append(f'<polygon points="{points}" fill="{fill}" stroke="#fff" stroke-width="2"/>')
        out.append(
            f'<text x="{half}" y="{(y_low + y_high) / 2 + (8 if i == len(tiers) - 1 else 0):.1f}" '
            f'text-anchor="middle" dominant-baseline="middle" fill="{ink}">'
            f"{escape(name)}: <tspan font-weight="
            f'"bold">{count}</tspan></text>'
        )
    out.append("</svg>")
    return "".join(out)


def goal_grid(
    title: str, goals: Sequence[tuple[int, str, str, int, int]], *, columns: int = 6, width: int = 720
) -> str:
    """The 17 Agenda 2030 goals as tiles in the UN's colours: ``(number, name, colour, main, second)``
    — each tile shows the goal and two counts; a goal with nothing is drawn faded."""
    size = (width - (columns - 1) * 6) / columns
    tall = size * 0.92
    rows = -(-len(goals) // columns)
    height = rows * (tall + 6)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart goals" role="img" '
        f'viewBox="0 0 {width} {height:.0f}" width="100%" {FONT}><title>{escape(title)}</title>'
    ]
    for k, (number, name, colour, main, second) in enumerate(goals):
        x = (k % columns) * (size + 6)
        y = (k // columns) * (tall + 6)
        opacity = "1" if main or second else "0.35"
        out.append(
            f'<g opacity="{opacity}"><rect x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{tall:.1f}" '
            f'rx="4" fill="{colour}"/><title>{number} {escape(name)}</title>'
            f'<text x="{x + 8:.1f}" y="{y + 24:.1f}" fill="#fff" font-size="22" font-weight="bold">{number}</text>'
            f'<text x="{x + size - 8:.1f}" y="{y + 24:.1f}" fill="#fff" font-size="20" '
            f'text-anchor="end">{main}</text>'
            f'<text x="{x + size - 8:.1f}" y="{y + 44:.1f}" fill="#fff" font-size="12" '
            f'text-anchor="end">({second})</text>' + _name_lines(name, x + 8, y + 62, size - 16) + "</g>"
        )
    out.append("</svg>")
    return "".join(out)


def _name_lines(name: str, x: float, y: float, width: float) -> str:
    """A goal's name under its number, in up to four lines that fit the tile (small type)."""
    return "".join(
        f'<text x="{x:.1f}" y="{y + 10 * i:.1f}" fill="#fff" font-size="9">{escape(line)}</text>'
        for i, line in enumerate(wrap(name, int(width / 4.8), 4))
    )


def radar(
    title: str,
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    peak: float = 5.0,
    rings: int = 5,
    width: int = 720,
) -> str:
    """A spider chart: one spoke per axis (clockwise from the top), rings at each whole step up to
    ``peak``, one closed polygon per series (the first drawn last, on top), a legend above."""
    height = width * 0.82
    cx, cy = width / 2, 40 + (height - 40) / 2
    radius = min(width / 2 - 150, (height - 40) / 2 - 34)
    n = max(len(axes), 3)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        share = 0.0 if not math.isfinite(value) else min(max(value / peak, 0.0), 1.0)
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart radar" role="img" '
        f'viewBox="0 0 {width} {height:.0f}" width="100%" {FONT} font-size="11"><title>{escape(title)}</title>'
    ]
    x = 8.0
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        dash = "" if k == 0 else ' stroke-dasharray="5 3"'
        out.append(
            f'<rect x="{x:.0f}" y="8" width="12" height="12" fill="{colour}" fill-opacity=".35" stroke="{colour}"{dash}/>'
        )
        out.append(f'<text x="{x + 16:.0f}" y="18" font-size="12">{escape(s.name)}</text>')
        x += 28 + 7 * len(s.name)
    for ring in range(1, rings + 1):
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, peak * ring / rings) for i in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="#d5dde5"/>')
        lx, ly = point(0, peak * ring / rings)
        out.append(
            f'<text x="{lx + 3:.1f}" y="{ly + 4:.1f}" fill="#6b7b8c" font-size="9">{ring * peak / rings:g}</text>'
        )
    for i, label in enumerate(axes):
        ex, ey = point(i, peak)
        out.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#d5dde5"/>')
        tx, ty = cx + (ex - cx) * 1.08, cy + (ey - cy) * 1.08
        anchor = "middle" if abs(tx - cx) < 8 else ("start" if tx > cx else "end")
        out.append(
            _lines(wrap(label, 22, 2), tx, ty, 12, f'text-anchor="{anchor}" dominant-baseline="middle"')
        )
    for k in reversed(range(len(series))):
        s = series[k]
        colour = PALETTE[k % len(PALETTE)]
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, v) for i, v in enumerate(s.values)))
        dash = "" if k == 0 else ' stroke-dasharray="5 3"'
        opacity = ".25" if k == 0 else ".08"
        out.append(
            f'<polygon points="{pts}" fill="{colour}" fill-opacity="{opacity}" stroke="{colour}" '
            f'stroke-width="2"{dash}><title>{escape(s.name)}</title></polygon>'
        )
    out.append("</svg>")
    return "".join(out)
