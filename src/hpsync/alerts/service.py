"""The alert and report use cases: stored marks + snapshot → e-mails → delivery.

Planning is pure (``plan_alerts``, ``plan_reports``); ``send_alerts`` and ``send_reports``
read the marks from the store and deliver through the notification log.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hpsync.alerts.deliver import Delivery, Outgoing, deliver
from hpsync.alerts.mailer import Mailer
from hpsync.alerts.recipients import full_name, recipients_for, tutor_recipient
from hpsync.alerts.render import alert_email, report_email, subject_of
from hpsync.alerts.report import Figures, Period, PeriodKind, figures, last_period
from hpsync.alerts.rules import Alert, evaluate_all
from hpsync.config.models import AccountConfig
from hpsync.locale import DEFAULT_LANGUAGE
from hpsync.model import Kind, Learner, Snapshot, parse_source_id
from hpsync.state import StateStore
from hpsync.state.marks import MarkRow, marks


@dataclass(slots=True)
class Outbox:
    """The e-mails a run wants sent, and what it could not address."""

    outgoing: list[Outgoing] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)


def by_learner(snapshot: Snapshot, rows: Sequence[MarkRow]) -> dict[str, list[MarkRow]]:
    """Marks grouped by learner, for learners of the snapshot's base only."""
    grouped: dict[str, list[MarkRow]] = defaultdict(list)
    for row in rows:
        if _learner(snapshot, row.learner_sid) is not None:
            grouped[row.learner_sid].append(row)
    return dict(grouped)


def _learner(snapshot: Snapshot, sid: str) -> Learner | None:
    try:
        base, kind, key = parse_source_id(sid)
    except ValueError:
        return None
    if base != snapshot.base.base_id or kind is not Kind.LEARNER or not key.isdigit():
        return None
    return snapshot.learners.get(int(key))


def plan_alerts(
    snapshot: Snapshot,
    account: AccountConfig,
    rows: Sequence[MarkRow],
    *,
    now: datetime,
    zone: str,
    language: str = DEFAULT_LANGUAGE,
) -> Outbox:
    """One e-mail per (alert, recipient), in ``language``; dedup key
    ``<alert key>:<recipient>``."""
    out = Outbox()
    grouped = by_learner(snapshot, rows)
    subject = subject_of(snapshot)
    out.alerts = evaluate_all(account.alerts, grouped, now=now)
    for alert in out.alerts:
        learner = _learner(snapshot, alert.learner_sid)
        assert learner is not None
        recipients, anomalies = recipients_for(
            learner, snapshot, alert.rule.notify, account.school_email
        )
        out.anomalies.extend(f"alert {alert.rule.name}: {a}" for a in anomalies)
        for recipient in recipients:
            email = alert_email(
                alert, full_name(learner), recipient.name, zone, subject, language=language
            )
            out.outgoing.append(
                Outgoing(
                    f"{alert.key}:{recipient.who}",
                    "alert",
                    recipient.email,
                    email.subject,
                    email.text,
                    email.html,
                )
            )
    return out


def plan_reports(
    snapshot: Snapshot,
    rows: Sequence[MarkRow],
    period: Period,
    *,
    zone: str,
    language: str = DEFAULT_LANGUAGE,
) -> Outbox:
    """One report per tutor with apprentices who had sessions in the period, in
    ``language``, its dates in ``zone``.

    Dedup key ``report:<week|month>:<label>:tutor:<key>``.
    """
    out = Outbox()
    grouped = by_learner(
        snapshot, [r for r in rows if period.start <= r.session_start < period.end]
    )
    apprentices: dict[int, list[Learner]] = defaultdict(list)
    for sid in grouped:
        learner = _learner(snapshot, sid)
        assert learner is not None
        for key in learner.tutor_keys:
            apprentices[key].append(learner)
    for key in sorted(apprentices):
        tutor = snapshot.tutors.get(key)
        if tutor is None:
            out.anomalies.append(f"report {period.label}: tutor key {key} missing in Hyperplanning")
            continue
        recipient = tutor_recipient(tutor)
        learners = sorted(apprentices[key], key=lambda x: (x.last_name, x.first_name, x.key))
        if recipient is None:
            names = ", ".join(full_name(x) for x in learners)
            out.anomalies.append(
                f"report {period.label}: tutor {full_name(tutor)} (key {key}) has no e-mail in "
                f"Hyperplanning: report on {names} not sent"
            )
            continue
        table: list[Figures] = [
            figures(
                snapshot.sid(Kind.LEARNER, x.key),
                full_name(x),
                grouped[snapshot.sid(Kind.LEARNER, x.key)],
            )
            for x in learners
        ]
        email = report_email(period, recipient.name, table, zone=zone, language=language)
        out.outgoing.append(
            Outgoing(
                f"report:{period.kind}:{period.label}:{recipient.who}",
                "report",
                recipient.email,
                email.subject,
                email.text,
                email.html,
            )
        )
    return out


def send_alerts(
    store: StateStore,
    snapshot: Snapshot,
    account: AccountConfig,
    mailer: Mailer,
    *,
    sender: str,
    now: datetime,
    zone: str,
    dry_run: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[Outbox, Delivery]:
    """Evaluate the account's alert rules on its stored marks and send what is new."""
    outbox = plan_alerts(
        snapshot, account, marks(store, account.name), now=now, zone=zone, language=language
    )
    delivery = deliver(
        store, account.name, outbox.outgoing, mailer, sender=sender, dry_run=dry_run, kind="alert"
    )
    delivery.anomalies = list(dict.fromkeys(outbox.anomalies))
    return outbox, delivery


def send_reports(
    store: StateStore,
    snapshot: Snapshot,
    account: AccountConfig,
    mailer: Mailer,
    *,
    period: PeriodKind,
    sender: str,
    now: datetime,
    zone: str,
    dry_run: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[Outbox, Delivery]:
    """Send each tutor the report of the last complete week or month."""
    span = last_period(period, now, zone)
    rows = marks(store, account.name, since=span.start, until=span.end)
    outbox = plan_reports(snapshot, rows, span, zone=zone, language=language)
    delivery = deliver(
        store, account.name, outbox.outgoing, mailer, sender=sender, dry_run=dry_run, kind="report"
    )
    delivery.anomalies = list(dict.fromkeys(outbox.anomalies))
    return outbox, delivery
