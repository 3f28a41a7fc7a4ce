"""The demo's report: a few tables, in the terminal and as a standalone HTML page."""

from __future__ import annotations

import html
from dataclasses import dataclass, field


@dataclass
class Table:
    """A titled table of strings."""

    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


@dataclass
class DemoReport:
    """Everything the demo shows at the end."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Plain-text rendering (aligned columns)."""
        lines = [self.title, "=" * len(self.title)]
        width = max((len(k) for k, _ in self.facts), default=0)
        lines += [f"{k.ljust(width)}  {v}" for k, v in self.facts]
        for table in self.tables:
            lines += ["", table.title, "-" * len(table.title)]
            widths = [
                max(len(str(row[i])) for row in [table.header, *table.rows])
                for i in range(len(table.header))
            ]
            for row in [table.header, *table.rows]:
                lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
            if table.note:
                lines.append(table.note)
        if self.notes:
            lines += ["", "Notes"]
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines)

    def html(self) -> str:
        """A standalone HTML page with the same content (everything escaped)."""
        e = html.escape
        parts = [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{e(self.title)}</title><style>",
            "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}",
            "table{border-collapse:collapse;margin:.5rem 0 1.5rem}",
            "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}",
            "th{background:#f0f3f7}dt{font-weight:600}dd{margin:0 0 .4rem 0}",
            "</style></head><body>",
            f"<h1>{e(self.title)}</h1><dl>",
        ]
        parts += [f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in self.facts]
        parts.append("</dl>")
        for table in self.tables:
            parts.append(f"<h2>{e(table.title)}</h2><table><tr>")
            parts += [f"<th>{e(h)}</th>" for h in table.header]
            parts.append("</tr>")
            for row in table.rows:
                parts.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>")
            parts.append("</table>")
            if table.note:
                parts.append(f"<p>{e(table.note)}</p>")
        if self.notes:
            parts.append("<h2>Notes</h2><ul>")
            parts += [f"<li>{e(n)}</li>" for n in self.notes]
            parts.append("</ul>")
        parts.append("</body></html>")
        return "".join(parts)
