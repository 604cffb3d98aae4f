"""Small SVG charts, drawn on the server so they need no JavaScript and print as they look.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described in words by its
``<desc>``; the same facts are always also on the page as text, so the chart is a second way
in, never the only one. Colours pass WCAG AA against their backgrounds, and every verdict cell
carries a symbol too, so nothing depends on telling colours apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from bot.knowledge.models import Rating
from bot.site.data import RATING_LABELS, RATING_SYMBOLS, Verdict

# (fill, stroke, ink): ink on fill is at least 4.5:1.
VERDICT_COLOURS: dict[Rating, tuple[str, str, str]] = {
    Rating.MEETS: ("#d7f0dd", "#1e7b3a", "#0d4d22"),
    Rating.PARTLY: ("#fcebc2", "#8a5a00", "#5c3b00"),
    Rating.FAILS: ("#f9d5d5", "#b3261e", "#7a1712"),
    Rating.NOT_ASSESSED: ("#ffffff", "#6b6b6b", "#404040"),
}
INK = "#1f1f1f"
MUTED = "#555555"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def criteria_chart(chart_id: str, org_name: str, verdicts: Sequence[Verdict]) -> Markup:
    """The ten criteria as a row of cells: number above, symbol inside, verdict below.

    A second row shows the community's verdicts when there are any.
    """
    cell, gap, left = 40, 6, 0
    rows: list[tuple[str, list[Rating | None]]] = [("Sources", [v.rating for v in verdicts])]
    if any(v.community for v in verdicts):
        rows.append(("Community", [v.community.rating if v.community else None for v in verdicts]))
        left = 92
    width = left + len(verdicts) * (cell + gap)
    height = 22 + len(rows) * (cell + gap)
    body: list[str] = []
    for i, verdict in enumerate(verdicts):
        x = left + i * (cell + gap) + cell / 2
        body.append(
            f'<text x="{x}" y="15" text-anchor="middle" font-size="13" fill="{MUTED}">'
            f"{verdict.number}</text>"
        )
    for r, (label, ratings) in enumerate(rows):
        y = 22 + r * (cell + gap)
        if left:
            body.append(
                f'<text x="0" y="{y + cell / 2 + 5}" font-size="13" fill="{INK}">{label}</text>'
            )
        for i, rating in enumerate(ratings):
            x = left + i * (cell + gap)
            shown = rating or Rating.NOT_ASSESSED
            fill, stroke, ink = VERDICT_COLOURS[shown]
            dash = ' stroke-dasharray="4 3"' if shown is Rating.NOT_ASSESSED else ""
            body.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" rx="5" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 7}" text-anchor="middle" '
                f'font-size="20" font-weight="bold" fill="{ink}">{RATING_SYMBOLS[shown]}</text>'
            )
    counts = {rating: sum(v.rating is rating for v in verdicts) for rating in Rating}
    title = f"{org_name}: the ten criteria at a glance"
    summary = ", ".join(f"{n} {RATING_LABELS[r].lower()}" for r, n in counts.items() if n)
    desc = f"{summary}. " + "; ".join(f"{v.number}. {v.title}: {v.label}" for v in verdicts) + "."
    return _svg(chart_id, width, height, title, desc, body)


@dataclass(frozen=True)
class Series:
    """One set of bars: its name (shown in the legend) and colour."""

    name: str
    colour: str
    values: Sequence[float | None]


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
) -> Markup:
    """Grouped vertical bars, one group per category, each bar labelled with its value."""
    bar, inner, outer, plot_h, top, bottom = 16, 2, 14, 140, 34, 40
    bars_w = len(series) * (bar + inner) - inner
    group_w = max(bars_w, 48)  # room for a "2026-03" label under a single bar
    width = max(260, 40 + len(categories) * (group_w + outer))
    height = top + plot_h + bottom
    peak = max((v or 0 for s in series for v in s.values), default=0) or 1
    base = top + plot_h
    body = [
        f'<line x1="30" y1="{base}" x2="{width - 4}" y2="{base}" stroke="{MUTED}" '
        'stroke-width="1"/>'
    ]
    lx = 30
    for s in series:  # the legend, in words
        body.append(
            f'<rect x="{lx}" y="6" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{lx + 16}" y="16" font-size="12" fill="{INK}">{escape(s.name)}</text>'
        )
        lx += 24 + 7 * len(s.name)
    for c, category in enumerate(categories):
        gx = 36 + c * (group_w + outer)
        for k, s in enumerate(series):
            value = s.values[c]
            x = gx + (group_w - bars_w) / 2 + k * (bar + inner)
            h = 0 if not value else max(1.0, plot_h * value / peak)
            if h:
                body.append(
                    f'<rect x="{x}" y="{base - h:.1f}" width="{bar}" height="{h:.1f}" '
                    f'fill="{s.colour}"/>'
                )
            shown = "–" if value is None else f"{value:g}"
            body.append(
                f'<text x="{x + bar / 2}" y="{base - h - 4:.1f}" text-anchor="middle" '
                f'font-size="10" fill="{INK}">{shown}</text>'
            )
        body.append(
            f'<text x="{gx + group_w / 2}" y="{base + 16}" text-anchor="middle" font-size="11" '
            f'fill="{INK}">{_attr(category)}</text>'
        )
    parts = []
    for c, category in enumerate(categories):
        values = ", ".join(
            f"{s.name} {'none' if s.values[c] is None else f'{s.values[c]:g}{unit}'}"
            for s in series
        )
        parts.append(f"{category}: {values}")
    desc = "; ".join(parts) + "." if parts else "No data yet."
    return _svg(chart_id, width, height, title, desc, body)
