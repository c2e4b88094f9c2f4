"""The burn-up chart as inline SVG drawn on the server: no script, no CDN, readable on a phone."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from fieldops.campaigns.models import Phase
from fieldops.i18n import format_number

# About a phone's width in user units: the chart is drawn near 1:1 on a 390 px phone, so its
# 13 px labels stay 12 px there (at 640 units wide they shrank to 7 px); wider screens scale
# it up and reports.css makes their labels smaller in user units to match.
WIDTH, HEIGHT = 400, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 12, 40


def axis_ticks(top: int, most: int = 5) -> list[int]:
    """Return the y-axis values: whole, distinct, a round step apart, from 0 to `top` or past.

    At most `most` of them, so that 1 reads "0, 1" and 51,500 reads "0, 20.000, 40.000, 60.000".
    """
    top = max(int(top), 1)
    rough = top / (most - 1)
    power = 10 ** (len(str(int(rough))) - 1) if rough >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return [step * i for i in range(-(-top // step) + 1)]


def burnup_svg(phase: Phase, series: list[tuple[date, int]], target: int | None, *,
               title: str, done_label: str, target_label: str) -> Markup:
    """Return an SVG of cumulative done per day against the straight line to the target."""
    days = (phase.end_date - phase.start_date).days + 1
    ticks = axis_ticks(max([target or 0] + [n for _, n in series]))
    top_value = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day_index: float) -> float:
        return LEFT + plot_w * day_index / max(days, 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top_value)

    parts = [f'<svg class="burnup" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for value in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'class="axis">{escape(format_number(value))}</text>')
    for index in sorted({0, days // 2, days - 1}):
        day = phase.start_date.toordinal() + index
        label = date.fromordinal(day).strftime("%d/%m")
        parts.append(f'<text x="{x(index + 0.5):.1f}" y="{HEIGHT - BOTTOM + 18}" '
                     f'text-anchor="middle" class="axis">{label}</text>')
    if target:
        parts.append(f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(days):.1f}" '
                     f'y2="{y(target):.1f}" class="target-line"/>')
    if series:
        points = " ".join(f"{x(i + 1):.1f},{y(n):.1f}" for i, (_, n) in enumerate(series))
        parts.append(f'<polyline points="{x(0):.1f},{y(0):.1f} {points}" class="done-line"/>')
        last_index, (_, last) = len(series), series[-1]
        parts.append(f'<circle cx="{x(last_index):.1f}" cy="{y(last):.1f}" r="4" '
                     f'class="done-dot"/>')
    legend_y = HEIGHT - 8
    parts.append(f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
                 f'class="done-line"/><text x="{LEFT + 30}" y="{legend_y}" class="axis">'
                 f"{escape(done_label)}</text>")
    parts.append(f'<line x1="{LEFT + 170}" x2="{LEFT + 194}" y1="{legend_y - 4}" '
                 f'y2="{legend_y - 4}" class="target-line"/><text x="{LEFT + 200}" '
                 f'y="{legend_y}" class="axis">{escape(target_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
