"""Three small charts as inline SVG, drawn on the server: no script, no external asset.

The dashboard and the demo's HTML report share them. Each chart is one ``<svg>`` with a
``<title>``, a legend in words and the figures written on it, so it reads on paper in
black and white as well as on a screen: series differ by lightness and, for lines, by
dash pattern, never by hue alone. Text comes in already translated; every string is
escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Dark to light, so a grey print keeps the series apart.
PALETTE = ("#1f4e79", "#5b9bd5", "#c55a11", "#f4b183", "#548235", "#a9d18e", "#7f6000")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True, slots=True)
class Series:
    """One named series: a value per category (bars) or per point (lines)."""

    label: str
    values: tuple[float, ...]


def _head(width: int, height: int, title: str, css: str) -> str:
    return (
        f'<svg class="chart {escape(css)}" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f"<title>{escape(title)}</title>"
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>'
    )


def _empty(width: int, height: int, title: str, css: str, message: str) -> Markup:
    """A short frame that says there is nothing to draw (not a tall blank)."""
    height = min(height, 90)
    return Markup(  # noqa: S704 - numbers and escape()d text only
        _head(width, height, title, css)
        + f'<text class="empty" x="{width // 2}" y="{height // 2}" text-anchor="middle" '
        f'fill="#555" font-size="13">{escape(message)}</text></svg>'
    )


def _colour(n: int, *, lines: bool = False) -> str:
    """Bars take the palette in order; lines every other entry (more contrast)."""
    return PALETTE[(2 * n if lines else n) % len(PALETTE)]


def _legend(series: Sequence[str], x: float, y: float, *, lines: bool = False) -> list[str]:
    """A legend row: a swatch (or a dashed stroke) and the series' words."""
    parts = []
    for n, label in enumerate(series):
        colour = _colour(n, lines=lines)
        if lines:
            dash = DASHES[n % len(DASHES)]
            parts.append(
                f'<line x1="{x:.0f}" y1="{y - 4:.0f}" x2="{x + 18:.0f}" y2="{y - 4:.0f}" '
                f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
            x += 22
        else:
            parts.append(
                f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="11" height="11" fill="{colour}" '
                'stroke="#333" stroke-width="0.5"/>'
            )
            x += 15
        parts.append(f'<text x="{x:.0f}" y="{y:.0f}" font-size="12">{escape(label)}</text>')
        x += 7.2 * len(label) + 16
    return parts


def stacked_columns(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    css: str = "stacked",
    empty: str,
    width: int = 640,
    height: int = 240,
) -> Markup:
    """One column per category (a day), stacked by series (a status), totals on top."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(width, height, title, css, empty)
    left, right, top, bottom = 44, 12, 18, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(totals)
    step = plot_w / len(categories)
    bar = min(64.0, step * 0.62)
    parts = [
        _head(width, height, title, css),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#555"/>',
    ]
    for n, name in enumerate(categories):
        x = left + n * step + (step - bar) / 2
        base = float(top + plot_h)
        for k, s in enumerate(series):
            value = s.values[n]
            if not value:
                continue
            h = plot_h * value / peak
            base -= h
            parts.append(
                f'<rect class="segment" data-series="{escape(s.label)}" x="{x:.1f}" '
                f'y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{_colour(k)}" stroke="#fff" stroke-width="0.5">'
                f"<title>{escape(name)} · {escape(s.label)}: {value:g}</title></rect>"
            )
        parts.append(
            f'<text class="total" x="{x + bar / 2:.1f}" y="{base - 4:.1f}" '
            f'text-anchor="middle" font-size="11">{totals[n]:g}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 15:.1f}" text-anchor="middle" '
            f'font-size="11">{escape(name)}</text>'
        )
    parts += _legend([s.label for s in series], left, height - 12)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and escape()d text only


def stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    css: str = "bars",
    empty: str,
    width: int = 640,
) -> Markup:
    """One horizontal bar per category (a kind of record), stacked by series (an
    operation), the total at its end."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    rows = [n for n, t in enumerate(totals) if t]
    if not rows:
        return _empty(width, 120, title, css, empty)
    label_w, right, top, row_h = 150, 56, 10, 26
    height = top + row_h * len(rows) + 40
    plot_w = width - label_w - right
    peak = max(totals)
    parts = [_head(width, height, title, css)]
    for line, n in enumerate(rows):
        y = top + line * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(categories[n])}</text>"
        )
        x = float(label_w)
        for k, s in enumerate(series):
            value = s.values[n]
            if not value:
                continue
            w = plot_w * value / peak
            parts.append(
                f'<rect class="segment" data-series="{escape(s.label)}" x="{x:.1f}" '
                f'y="{y + 4}" width="{max(w, 1.0):.1f}" height="{row_h - 8}" '
                f'fill="{_colour(k)}" stroke="#fff" stroke-width="0.5">'
                f"<title>{escape(categories[n])} · {escape(s.label)}: {value:g}</title></rect>"
            )
            x += w
        parts.append(
            f'<text class="total" x="{x + 5:.1f}" y="{y + 16}" font-size="11">{totals[n]:g}</text>'
        )
    parts += _legend([s.label for s in series], 12, height - 12)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and escape()d text only


def budget_lines(
    title: str,
    xs: Sequence[float],
    series: Sequence[Series],
    *,
    x_first: str,
    x_last: str,
    limit_label: str,
    far_label: str,
    css: str = "budget",
    empty: str,
    width: int = 640,
    height: int = 220,
) -> Markup:
    """Lines of a share of a budget in % over time, against the 100 % line of the limit.

    ``xs`` are the sample instants (any unit, increasing); each series has one value per
    instant, in % of its own budget, so classes with very different limits share one axis.
    ``far_label`` replaces the limit line when every value is far under it.
    """
    if not xs or not any(any(s.values) for s in series):
        return _empty(width, height, title, css, empty)
    left, right, top, bottom = 48, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max(v for s in series for v in s.values)
    # Far under the limit, the axis fits the data (a flat line tells nothing) and the
    # limit is named above the plot instead of drawn; near or over it, 100 % is drawn.
    limit_shown = highest >= 40.0
    peak = (max(100.0, highest) if limit_shown else max(highest, 1.0)) * 1.08
    x0, x1 = xs[0], xs[-1]
    span = (x1 - x0) or 1.0

    def px(x: float) -> float:
        return left + plot_w * (x - x0) / span

    def py(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [
        _head(width, height, title, css),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#555"/>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    if limit_shown:
        parts += [
            f'<line class="limit" x1="{left}" y1="{py(100):.1f}" x2="{width - right}" '
            f'y2="{py(100):.1f}" stroke="#b42318" stroke-width="1.5" stroke-dasharray="4 3"/>',
            f'<text x="{width - right}" y="{py(100) - 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#b42318">{escape(limit_label)}</text>',
            f'<text x="{left - 6}" y="{py(100) + 4:.1f}" text-anchor="end" font-size="11">'
            "100 %</text>",
        ]
    else:
        parts += [
            f'<text class="limit-far" x="{width - right}" y="{top + 8}" text-anchor="end" '
            f'font-size="11" fill="#b42318">{escape(far_label)}</text>',
            f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">'
            f"{peak:.1f} %</text>",
        ]
    for k, s in enumerate(series):
        points = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, s.values, strict=True))
        top_value = max(s.values)
        if len(xs) <= 30:  # few points (one per run): each is marked, a lone one too
            parts += [
                f'<circle class="point" cx="{px(x):.1f}" cy="{py(v):.1f}" r="3.5" '
                f'fill="{_colour(k, lines=True)}"><title>{escape(s.label)}: {v:.0f} %</title>'
                "</circle>"
                for x, v in zip(xs, s.values, strict=True)
            ]
        parts.append(
            f'<polyline class="series" data-series="{escape(s.label)}" points="{points}" '
            f'fill="none" stroke="{_colour(k, lines=True)}" stroke-width="2.5" '
            f'stroke-dasharray="{DASHES[k % len(DASHES)]}">'
            f"<title>{escape(s.label)}: max {top_value:.0f} %</title></polyline>"
        )
    parts += [
        f'<text x="{left}" y="{top + plot_h + 15}" font-size="11">{escape(x_first)}</text>',
        f'<text x="{width - right}" y="{top + plot_h + 15}" text-anchor="end" '
        f'font-size="11">{escape(x_last)}</text>',
    ]
    parts += _legend([s.label for s in series], left, height - 12, lines=True)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - numbers and escape()d text only
