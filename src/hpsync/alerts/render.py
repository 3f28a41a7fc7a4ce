"""Alerts and reports as e-mails: one view-model, a plain-text part and an HTML part.

The HTML part comes from Jinja2 templates with autoescaping on, so a name such as
``<b>Léa</b>`` from Hyperplanning shows as text and never as markup. Both parts speak the
configuration's language and give times in the account's zone, named once per e-mail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hpsync.alerts.report import Figures, Period
from hpsync.alerts.rules import Alert
from hpsync.locale import DEFAULT_LANGUAGE, Reader
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


def _what(mark: MarkRow, reader: Reader) -> str:
    _ = reader.gettext
    parts = []
    if not mark.present:
        parts.append(_("absent"))
    if mark.present and mark.late_minutes > 0:
        parts.append(_("late {n} min", n=mark.late_minutes))
    if mark.present and mark.left_at is not None:
        parts.append(_("left at {time}", time=reader.clock_time(mark.left_at)))
    text = ", ".join(parts) or _("present")
    if mark.justified:
        text += " " + (
            _("(justified: {reason})", reason=mark.reason) if mark.reason else _("(justified)")
        )
    return text


def lines(marks: Sequence[MarkRow], reader: Reader, subject: Callable[[str], str]) -> list[Line]:
    """The sessions of an alert, each with its local date and times and what happened."""
    return [
        Line(
            reader.span(m.session_start, m.session_end),
            subject(m.session_sid),
            _what(m, reader),
        )
        for m in marks
    ]


def describe(alert: Alert, reader: Reader) -> str:
    """What breached, in one sentence."""
    rule = alert.rule
    n = int(alert.value)
    threshold = reader.number(rule.threshold, 0 if rule.threshold == int(rule.threshold) else 1)
    if rule.kind == "absences":
        if rule.count_justified:
            return reader.ngettext(
                "{n} absence in {days} days (threshold {threshold})",
                "{n} absences in {days} days (threshold {threshold})",
                n,
                days=rule.days,
                threshold=threshold,
            )
        return reader.ngettext(
            "{n} absence not justified in {days} days (threshold {threshold})",
            "{n} absences not justified in {days} days (threshold {threshold})",
            n,
            days=rule.days,
            threshold=threshold,
        )
    if rule.kind == "late":
        return reader.ngettext(
            "{n} late arrival of {floor} min or more in {days} days (threshold {threshold})",
            "{n} late arrivals of {floor} min or more in {days} days (threshold {threshold})",
            n,
            floor=max(1, rule.min_late_minutes),
            days=rule.days,
            threshold=threshold,
        )
    if rule.kind == "early_departures":
        return reader.ngettext(
            "{n} early departure in {days} days (threshold {threshold})",
            "{n} early departures in {days} days (threshold {threshold})",
            n,
            days=rule.days,
            threshold=threshold,
        )
    return reader.ngettext(
        "attendance rate {rate} over {n} session in {days} days (below {threshold})",
        "attendance rate {rate} over {n} sessions in {days} days (below {threshold})",
        alert.sessions,
        rate=reader.percent(alert.value),
        days=rule.days,
        threshold=reader.percent(rule.threshold, 0 if rule.threshold == int(rule.threshold) else 1),
    )


def alert_email(
    alert: Alert,
    learner_name: str,
    recipient_name: str,
    zone: str,
    subject: Callable[[str], str],
    *,
    language: str = DEFAULT_LANGUAGE,
) -> Email:
    """The e-mail about one alert, for one recipient, in ``language`` and ``zone``."""
    reader = Reader(language, zone)
    _ = reader.gettext
    rows = lines(alert.marks, reader, subject)
    summary = describe(alert, reader)
    context = {
        "_": _,
        "lang": reader.language,
        "recipient": recipient_name,
        "learner": learner_name,
        "rule": alert.rule.name,
        "summary": summary,
        "lines": rows,
        "zone_note": reader.zone_note(),
    }
    text = "\n".join(
        [
            _("Hello {name},", name=recipient_name),
            "",
            _(
                "Attendance alert \u201c{rule}\u201d for {learner}: {summary}.",
                rule=alert.rule.name,
                learner=learner_name,
                summary=summary,
            ),
            "",
            _("Sessions concerned:"),
            *(f"- {r.when} {r.subject}: {r.what}".replace("  ", " ") for r in rows),
            "",
            reader.zone_note(),
            "",
            "-- hpsync",
        ]
    )
    html = _env.get_template("alert.html").render(context)
    title = _("Attendance alert: {learner} ({rule})", learner=learner_name, rule=alert.rule.name)
    return Email(title, text + "\n", html)


def _rate(figure: Figures, reader: Reader) -> str:
    return "–" if figure.rate is None else reader.percent(figure.rate)


def report_email(
    period: Period,
    tutor_name: str,
    rows: Sequence[Figures],
    *,
    zone: str,
    language: str = DEFAULT_LANGUAGE,
) -> Email:
    """A tutor's report over one period: one row per apprentice."""
    reader = Reader(language, zone)
    _ = reader.gettext
    last_day = period.end - timedelta(days=1)
    span = f"{reader.date(period.start)} – {reader.date(last_day)}"
    what = (
        _("week {label}", label=period.label)
        if period.kind == "week"
        else _("month {label}", label=period.label)
    )
    text_rows = [
        "- "
        + _(
            "{name}: {sessions} session(s), {absences} absence(s) ({absences_justified} "
            "justified), {late} late arrival(s) totalling {late_minutes} min ({late_justified} "
            "justified), {early} early departure(s) ({early_justified} justified), "
            "attendance {rate}",
            name=f.name,
            sessions=f.sessions,
            absences=f.absences,
            absences_justified=f.absences_justified,
            late=f.late,
            late_minutes=f.late_minutes,
            late_justified=f.late_justified,
            early=f.early_departures,
            early_justified=f.early_justified,
            rate=_rate(f, reader),
        )
        for f in rows
    ]
    intro = _("Attendance of your apprentice(s), {what} ({span}):", what=what, span=span)
    text = "\n".join(
        [_("Hello {name},", name=tutor_name), "", intro, "", *text_rows, "", "-- hpsync"]
    )
    html = _env.get_template("report.html").render(
        _=_,
        lang=reader.language,
        tutor=tutor_name,
        intro=intro,
        period=period,
        rows=[(f, _rate(f, reader)) for f in rows],
    )
    title = _("Attendance report {label}: {tutor}", label=period.label, tutor=tutor_name)
    return Email(title, text + "\n", html)
