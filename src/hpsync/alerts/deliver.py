"""Send e-mails once, through the ``notifications`` log.

Each e-mail is logged under its dedup key before it is sent (status ``pending``), then
marked ``sent`` or ``failed``. A key already logged is not logged again, a ``sent`` one is
never resent, and ``pending``/``failed`` ones are retried by the next run (up to
``MAX_ATTEMPTS`` when the run no longer produces them). A crash between the SMTP accept
and the ``sent`` mark can resend that one e-mail: delivery is at least once.

A dry run writes the e-mails (except those already sent) to a folder and logs new keys
with status ``dry_run``; a later real run sends them as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hpsync.alerts.mailer import SEND_ERRORS, Mailer, build_message
from hpsync.secrets import redact
from hpsync.state import StateStore
from hpsync.state.marks import (
    NotificationRow,
    add_notifications,
    notifications,
    set_notification_status,
)

MAX_ATTEMPTS = 10


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An e-mail to send to one recipient, with its dedup key."""

    dedup_key: str
    kind: str  # alert | report
    recipient: str
    subject: str
    text: str
    html: str


@dataclass(slots=True)
class Delivery:
    """What a run sent, failed, skipped and noticed."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    already_sent: int = 0
    dry_run: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "sent": len(self.sent),
            "failed": len(self.failed),
            "already_sent": self.already_sent,
            "dry_run": len(self.dry_run),
            "anomalies": len(self.anomalies),
        }


def deliver(
    store: StateStore,
    account: str,
    outgoing: Sequence[Outgoing],
    mailer: Mailer,
    *,
    sender: str,
    dry_run: bool = False,
    kind: str | None = None,
) -> Delivery:
    """Log and send ``outgoing``, then retry earlier unsent ones (of ``kind`` when given)."""
    report = Delivery()
    status = "dry_run" if dry_run else "pending"
    add_notifications(
        store,
        [
            NotificationRow(
                account, o.dedup_key, o.kind, o.recipient, o.subject, o.text, o.html, status
            )
            for o in outgoing
        ],
    )
    keys = [o.dedup_key for o in outgoing]
    logged = {r.dedup_key: r for r in notifications(store, account, keys=keys)}
    todo: list[NotificationRow] = []
    for key in dict.fromkeys(keys):
        row = logged[key]
        if row.status == "sent":
            report.already_sent += 1
        else:
            todo.append(row)
    if not dry_run:
        todo.extend(
            r
            for r in notifications(store, account, statuses=("pending", "failed"))
            if r.dedup_key not in logged
            and r.attempts < MAX_ATTEMPTS
            and (kind is None or r.kind == kind)
        )
    for row in sorted(todo, key=lambda r: r.dedup_key):
        message = build_message(sender, row)
        if dry_run:
            mailer.send(message)
            report.dry_run.append(row.dedup_key)
            continue
        try:
            mailer.send(message)
        except SEND_ERRORS as exc:
            error = redact(f"{type(exc).__name__}: {exc}")[:500]
            set_notification_status(
                store, account, row.dedup_key, "failed", error=error, attempted=True
            )
            report.failed.append(row.dedup_key)
            report.errors.append(f"{row.recipient}: {error}")
        else:
            set_notification_status(store, account, row.dedup_key, "sent", attempted=True)
            report.sent.append(row.dedup_key)
    return report
