"""Writes and anomalies over time as inline SVG, drawn on the server (no JS library).

One bar per finished run (records written), a line for the anomalies the run found; the
x axis is the run sequence, labelled with the first and last dates in the reader's zone.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from hpsync import labels
from hpsync.locale import Reader
from hpsync.state.rows import RunRow
from hpsync.web.views import writes_of

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 34
WRITES_COLOUR = "#3b6ea5"
ANOMALY_COLOUR = "#c0392b"


def chart_svg(runs: Sequence[RunRow], *, title: str, reader: Reader, limit: int = 30) -> Markup:
    """The SVG for the last ``limit`` finished runs, oldest on the left."""
    _ = reader.gettext
    done = sorted((r for r in runs if r.outcome is not None), key=lambda r: r.run_id)[-limit:]
    head = (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
    )
    if not done:
        nothing = str(escape(_("no finished runs yet")))
        return Markup(  # noqa: S704 - numbers and escape()d text only
            head + f'<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" '
            f'fill="#666">{nothing}</text></svg>'
        )
    writes = [writes_of(r) for r in done]
    anomalies = [r.counts.get("anomalies", 0) for r in done]
    top = max([*writes, *anomalies, 1])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(done)
    bar = max(2.0, step * 0.6)

    def y(value: int) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        head,
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for n, (run, value) in enumerate(zip(done, writes, strict=True)):
        x = LEFT + n * step + (step - bar) / 2
        tip = escape(
            _(
                "run {id} ({flow}, {outcome}): {n} written",
                id=run.run_id,
                flow=labels.flow_label(run.flow, reader),
                outcome=labels.status_label(run.outcome, reader),
                n=value,
            )
        )
        parts.append(
            f'<rect class="writes" x="{x:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
            f'height="{TOP + plot_h - y(value):.1f}" fill="{WRITES_COLOUR}">'
            f"<title>{tip}</title></rect>"
        )
    points = " ".join(
        f"{LEFT + n * step + step / 2:.1f},{y(v):.1f}" for n, v in enumerate(anomalies)
    )
    parts.append(
        f'<polyline class="anomalies" points="{points}" fill="none" '
        f'stroke="{ANOMALY_COLOUR}" stroke-width="2"/>'
    )
    for n, (run, value) in enumerate(zip(done, anomalies, strict=True)):
        tip = escape(_("run {id}: {n} anomalies", id=run.run_id, n=value))
        parts.append(
            f'<circle class="anomaly" cx="{LEFT + n * step + step / 2:.1f}" cy="{y(value):.1f}" '
            f'r="3" fill="{ANOMALY_COLOUR}"><title>{tip}</title></circle>'
        )
    written, found = escape(_("records written")), escape(_("anomalies"))
    parts += [
        f'<text x="{LEFT}" y="{HEIGHT - 16}" font-size="11">'
        f"{escape(reader.when(done[0].started_at))}</text>",
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 16}" text-anchor="end" font-size="11">'
        f"{escape(reader.when(done[-1].started_at))}</text>",
        f'<rect x="{LEFT}" y="{HEIGHT - 10}" width="10" height="8" fill="{WRITES_COLOUR}"/>',
        f'<text x="{LEFT + 14}" y="{HEIGHT - 2}" font-size="11">{written}</text>',
        f'<rect x="{LEFT + 170}" y="{HEIGHT - 7}" width="10" height="2" fill="{ANOMALY_COLOUR}"/>',
        f'<text x="{LEFT + 184}" y="{HEIGHT - 2}" font-size="11">{found}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - numbers and escape()d text only
