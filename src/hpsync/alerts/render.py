"""Alerts and reports as e-mails: one view-model, a plain-text part and an HTML part.

The HTML part comes from Jinja2 templates with autoescaping on, so a name such as
``<b>Léa</b>`` from Hyperplanning shows as text and never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hpsync.alerts.report import Figures, Period
from hpsync.alerts.rules import Alert
from hpsync.model import Snapshot, parse_source_id
from hpsync.state.marks import MarkRow

_env = Environment(
    loader=PackageLoader("hpsync.alerts", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class Email:
    """What one e-mail says, before it has a sender and a recipient."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class Line:
    """One session of an alert, as people read it."""

    when: str
    subject: str
    what: str


def subject_of(snapshot: Snapshot) -> Callable[[str], str]:
    """A function naming a session's subject from its source id ("" when unknown)."""

    def name(session_sid: str) -> str:
        try:
            session = snapshot.sessions.get(parse_source_id(session_sid)[2])
        except ValueError:
            return ""
        if session is None or session.subject_key is None:
            return ""
        subject = snapshot.subjects.get(session.subject_key)
        return subject.label if subject else ""

    return name


def _what(mark: MarkRow, tz: ZoneInfo) -> str:
    parts = []
    if not mark.present:
        parts.append("absent")
    if mark.present and mark.late_minutes > 0:
        parts.append(f"late {mark.late_minutes} min")
    if mark.present and mark.left_at is not None:
        parts.append(f"left at {mark.left_at.astimezone(tz):%H:%M}")
    text = ", ".join(parts) or "present"
    if mark.justified:
        text += f" (justified{': ' + mark.reason if mark.reason else ''})"
    return text


def lines(marks: Sequence[MarkRow], zone: str, subject: Callable[[str], str]) -> list[Line]:
    tz = ZoneInfo(zone)
    return [
        Line(
            f"{m.session_start.astimezone(tz):%d/%m/%Y %H:%M}–{m.session_end.astimezone(tz):%H:%M}",
            subject(m.session_sid),
            _what(m, tz),
        )
        for m in marks
    ]


def describe(alert: Alert) -> str:
    """What breached, in one sentence."""
    rule = alert.rule
    n = int(alert.value)
    if rule.kind == "absences":
        kind = "absence(s)" + ("" if rule.count_justified else " not justified")
        return f"{n} {kind} in {rule.days} days (threshold {rule.threshold:g})"
    if rule.kind == "late":
        floor = max(1, rule.min_late_minutes)
        return (
            f"{n} late arrival(s) of {floor} min or more in {rule.days} days "
            f"(threshold {rule.threshold:g})"
        )
    if rule.kind == "early_departures":
        return f"{n} early departure(s) in {rule.days} days (threshold {rule.threshold:g})"
    return (
        f"attendance rate {alert.value:.0f}% over {alert.sessions} session(s) in "
        f"{rule.days} days (below {rule.threshold:g}%)"
    )


def alert_email(
    alert: Alert, learner_name: str, recipient_name: str, zone: str, subject: Callable[[str], str]
) -> Email:
    """The e-mail about one alert, for one recipient."""
    rows = lines(alert.marks, zone, subject)
    context = {
        "recipient": recipient_name,
        "learner": learner_name,
        "rule": alert.rule.name,
        "summary": describe(alert),
        "lines": rows,
    }
    text = "\n".join(
        [
            f"Hello {recipient_name},",
            "",
            f"Attendance alert \u201c{alert.rule.name}\u201d for {learner_name}: "
            f"{context['summary']}.",
            "",
            "Sessions concerned:",
            *(f"- {r.when} {r.subject}: {r.what}".replace("  ", " ") for r in rows),
            "",
            "-- hpsync",
        ]
    )
    html = _env.get_template("alert.html").render(context)
    return Email(f"Attendance alert: {learner_name} ({alert.rule.name})", text + "\n", html)


def _rate(figure: Figures) -> str:
    return "–" if figure.rate is None else f"{figure.rate:.0f}%"


def report_email(period: Period, tutor_name: str, rows: Sequence[Figures]) -> Email:
    """A tutor's report over one period: one row per apprentice."""
    span = f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"
    text_rows = [
        f"- {f.name}: {f.sessions} session(s), {f.absences} absence(s) "
        f"({f.absences_justified} justified), {f.late} late arrival(s) totalling "
        f"{f.late_minutes} min ({f.late_justified} justified), {f.early_departures} early "
        f"departure(s) ({f.early_justified} justified), attendance {_rate(f)}"
        for f in rows
    ]
    text = "\n".join(
        [
            f"Hello {tutor_name},",
            "",
            f"Attendance of your apprentice(s), {period.kind} {period.label} ({span}):",
            "",
            *text_rows,
            "",
            "-- hpsync",
        ]
    )
    html = _env.get_template("report.html").render(
        tutor=tutor_name,
        period=period,
        span=span,
        rows=[(f, _rate(f)) for f in rows],
    )
    return Email(f"Attendance report {period.label}: {tutor_name}", text + "\n", html)
