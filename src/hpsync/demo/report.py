"""The demo's report: tables and charts, in the terminal and as a standalone HTML page.

The report holds its words as gettext msgids (``Phrase`` for a sentence with figures) and
its figures as numbers and count keys, so one report renders in any language: the
terminal text in English (the CLI's language), the HTML page in the configuration's
(French by default) with its times in the school's zone, named once. Count keys become
the shared labels (``hpsync.labels``) in both; the HTML page adds the charts.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from hpsync.labels import counts_sentence
from hpsync.locale import DEFAULT_LANGUAGE, Reader
from hpsync.web.figures import attendance_chart, calls_chart, writes_chart
from hpsync.web.svg import PALETTE

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}"
    "th{background:#f0f3f7}dt{font-weight:600}dd{margin:0 0 .4rem 0}"
    ".zone{color:#555}.charts{display:flex;flex-wrap:wrap;gap:1rem}"
    "figure{margin:0 0 1rem;break-inside:avoid;page-break-inside:avoid}"
    "figcaption{color:#555;font-size:.9rem}svg.chart{max-width:100%;height:auto}"
    f"@media print{{body{{margin:0;max-width:none}}a{{color:inherit}}"
    f"th{{background:#fff}}h2{{break-after:avoid;color:{PALETTE[0]}}}}}"
)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A sentence to translate when the report is rendered: a msgid and its figures.

    A value that is itself a ``Phrase`` is rendered in the same language first.
    """

    msgid: str
    values: Mapping[str, object] = field(default_factory=dict)

    def render(self, reader: Reader) -> str:
        values = {k: say(v, reader) for k, v in self.values.items()}
        return reader.gettext(self.msgid, **values) if values else reader.gettext(self.msgid)


Text = str | Phrase
Cell = str | Phrase | Mapping[str, int]  # a mapping is a set of count keys and figures


def say(value: object, reader: Reader) -> str:
    """Any report value as a person reads it (count keys become labels)."""
    if isinstance(value, Phrase):
        return value.render(reader)
    if isinstance(value, Mapping):
        return counts_sentence(value, reader)
    return str(value)


@dataclass
class Table:
    """A titled table: its title and header are msgids, its cells text or figures."""

    title: str
    header: list[str]
    rows: Sequence[Sequence[Cell]] = field(default_factory=list)
    note: Text = ""
    values: dict[str, object] = field(default_factory=dict)  # the title's {fields}

    def heading(self, reader: Reader) -> str:
        return Phrase(self.title, self.values).render(reader)


@dataclass
class AccountFigures:
    """What the charts of one account show."""

    attendance: list[tuple[date, Counter[str]]] = field(default_factory=list)
    writes: Counter[tuple[str, str]] = field(default_factory=Counter)
    timeline: Sequence[tuple[float, str]] = ()
    budgets: Mapping[str, float] = field(default_factory=dict)  # calls per minute by class


@dataclass
class DemoReport:
    """Everything the demo shows at the end."""

    title: str
    facts: list[tuple[str, Text]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)
    figures: dict[str, AccountFigures] = field(default_factory=dict)
    language: str = DEFAULT_LANGUAGE
    zone: str = "Europe/Paris"

    def text(self) -> str:
        """Plain-text rendering (aligned columns), in English: the CLI's language."""
        reader = Reader("en", self.zone)
        title = reader.gettext(self.title)
        facts = [(reader.gettext(k), say(v, reader)) for k, v in self.facts]
        lines = [title, "=" * len(title)]
        width = max((len(k) for k, _ in facts), default=0)
        lines += [f"{k.ljust(width)}  {v}" for k, v in facts]
        for table in self.tables:
            heading = table.heading(reader)
            lines += ["", heading, "-" * len(heading)]
            rows = [
                [reader.gettext(h) for h in table.header],
                *[[say(c, reader) for c in row] for row in table.rows],
            ]
            widths = [max(len(row[i]) for row in rows) for i in range(len(table.header))]
            for row in rows:
                lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
            if table.note:
                lines.append(say(table.note, reader))
        if self.notes:
            lines += ["", reader.gettext("Notes")]
            lines += [f"- {say(note, reader)}" for note in self.notes]
        return "\n".join(lines)

    def html(self, language: str | None = None) -> str:
        """A standalone HTML page: facts, charts, tables and notes (everything escaped, the
        charts inline SVG), in ``language`` (default: the report's)."""
        reader = Reader(language or self.language, self.zone)
        _ = reader.gettext
        e = html.escape
        parts = [
            f"<!doctype html><html lang='{e(reader.language)}'><head><meta charset='utf-8'>",
            f"<title>{e(_(self.title))}</title><style>{STYLE}</style></head><body>",
            f"<h1>{e(_(self.title))}</h1>",
            f"<p class='zone'>{e(reader.zone_note())}</p><dl>",
        ]
        parts += [f"<dt>{e(_(k))}</dt><dd>{e(say(v, reader))}</dd>" for k, v in self.facts]
        parts.append("</dl>")
        parts += self._charts(reader)
        for table in self.tables:
            parts.append(f"<h2>{e(table.heading(reader))}</h2><table><tr>")
            parts += [f"<th>{e(_(h))}</th>" for h in table.header]
            parts.append("</tr>")
            for row in table.rows:
                parts.append("<tr>" + "".join(f"<td>{e(say(c, reader))}</td>" for c in row))
                parts.append("</tr>")
            parts.append("</table>")
            if table.note:
                parts.append(f"<p>{e(say(table.note, reader))}</p>")
        if self.notes:
            notes = _("Notes")
            parts.append(f"<h2>{e(notes)}</h2><ul>")
            parts += [f"<li>{e(say(n, reader))}</li>" for n in self.notes]
            parts.append("</ul>")
        parts.append("</body></html>")
        return "".join(parts)

    def _charts(self, reader: Reader) -> list[str]:
        """One section per account: attendance per day, writes per kind, calls vs budget."""
        _ = reader.gettext
        if not self.figures:
            return []
        heading = _("What happened, in pictures")
        parts = [f"<section id='charts'><h2>{html.escape(heading)}</h2>"]
        for name, fig in self.figures.items():
            account = _("Account {account}", account=name)
            parts.append(
                f"<section class='account' id='charts-{html.escape(name)}'>"
                f"<h3>{html.escape(account)}</h3><div class='charts'>"
            )
            for chart, caption in (
                (
                    attendance_chart(fig.attendance, reader),
                    _("Marks of the simulated week, by day of the session"),
                ),
                (
                    writes_chart(fig.writes, reader),
                    _("Records written to Edusign and to Hyperplanning, per kind"),
                ),
                (
                    calls_chart(fig.timeline, fig.budgets, reader),
                    _("Edusign calls in the last minute, as a share of each class's budget"),
                ),
            ):
                parts.append(f"<figure>{chart}<figcaption>{html.escape(caption)}</figcaption>")
                parts.append("</figure>")
            parts.append("</div></section>")
        parts.append("</section>")
        return parts


def counts_cell(counts: Mapping[str, int], prefix: str = "") -> dict[str, int]:
    """The figures of ``counts`` whose key starts with ``prefix``, as a report cell."""
    return {k: v for k, v in counts.items() if k.startswith(prefix)}
