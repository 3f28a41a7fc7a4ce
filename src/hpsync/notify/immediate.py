"""Immediate e-mails: a guard tripped, or a run failed more items than the one before.

``run_down``/``run_up`` call the hooks below with the account's ``Notifier`` (bootstrap
builds it from the configuration and hands it to every account: CLI, worker, dashboard and
webhook alike); they send through it and the notifications send log, so each event is
mailed once per run and recipient. Without a notifier nothing is sent now; the daily
digest still lists the event. A hook never raises past a failed e-mail: the run's own
outcome is what matters to the caller. The e-mails speak the configuration's language;
their figures use the shared labels, never count keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hpsync.alerts.deliver import Delivery, Outgoing, deliver
from hpsync.alerts.mailer import Mailer, SmtpMailer
from hpsync.engine.explained import Explained, explain_rows
from hpsync.labels import counts_sentence, flow_label
from hpsync.locale import DEFAULT_LANGUAGE, Reader
from hpsync.logging import get_logger
from hpsync.state import StateStore

if TYPE_CHECKING:
    from hpsync.config import AccountConfig, Config

log = get_logger("hpsync.notify")


@dataclass(slots=True)
class Notifier:
    """Where immediate e-mails go: a mailer, a sender, recipients per account, and the
    language they are written in."""

    mailer: Mailer
    sender: str
    recipients: Mapping[str, Sequence[str]] = field(default_factory=dict)
    language: str = DEFAULT_LANGUAGE
    zones: Mapping[str, str] = field(default_factory=dict)  # sessions' times, per account


def recipients_of(account: AccountConfig) -> list[str]:
    """The school's addresses for digests and immediate e-mails."""
    found = list(account.digest_to) or ([account.school_email] if account.school_email else [])
    return [a.strip() for a in found if a and a.strip()]


def notifier_from_config(config: Config, mailer: Mailer | None = None) -> Notifier | None:
    """The notifier of a configuration (SMTP from ``[smtp]``); None without SMTP."""
    if mailer is None and config.smtp is None:
        return None
    sender = config.smtp.sender if config.smtp else "hpsync@localhost"
    if mailer is None:
        assert config.smtp is not None
        password = config.smtp.password.resolve("smtp.password") if config.smtp.password else None
        mailer = SmtpMailer(config.smtp, password)
    return Notifier(
        mailer,
        sender,
        {a.name: recipients_of(a) for a in config.accounts},
        config.language,
        {a.name: config.account_zone(a) for a in config.accounts},
    )


def _send(
    notifier: Notifier | None, store: StateStore, account: str, key: str, subject: str, text: str
) -> Delivery | None:
    to = list(notifier.recipients.get(account, ())) if notifier else []
    if notifier is None:
        return None  # no [smtp]: e-mail is off, which is not worth a warning per event
    if not to:
        log.warning(
            "event not mailed: no recipient (set digest_to or school_email)",
            account=account,
            key=key,
        )
        return None
    outgoing = [Outgoing(f"{key}:{addr}", "alert", addr, subject, text, "") for addr in to]
    return deliver(store, account, outgoing, notifier.mailer, sender=notifier.sender, kind="alert")


def _reader(notifier: Notifier | None, account: str) -> Reader:
    if notifier is None:
        return Reader(DEFAULT_LANGUAGE)
    zone = notifier.zones.get(account)
    return Reader(notifier.language, zone) if zone else Reader(notifier.language)


def _items(
    store: StateStore, run_id: int, *, action: str = "", outcome: str = ""
) -> list[Explained]:
    """The run's items, explained as ``runs show`` and the dashboard explain them."""
    return [
        item
        for item in explain_rows(store.plan_items(run_id))
        if (not action or item.action == action) and (not outcome or item.outcome == outcome)
    ]


def _listed(items: Sequence[Explained], reader: Reader, limit: int = 100) -> list[str]:
    """The first ``limit`` items, each its line then its field changes."""
    out: list[str] = []
    for item in items[:limit]:
        first, *changes = item.lines(reader, indent="      ")
        out += [f"  - {first}", *changes]
    return out


def on_guard_tripped(
    store: StateStore, account: str, run_id: int, error: Exception, notifier: Notifier | None
) -> Delivery | None:
    """Mail the school that a guard refused run ``run_id`` (once per run and recipient)."""
    run = store.get_run(run_id)
    if run is None or run.dry_run:
        return None
    reader = _reader(notifier, account)
    _ = reader.gettext
    removals = _items(store, run_id, action="remove")
    text = "\n".join(
        [
            _(
                "A safety guard refused the sync of account {account} (run {id}).",
                account=account,
                id=run_id,
            ),
            _("Nothing was written to Edusign."),
            "",
            _("Why: {error}", error=error),
            "",
            _("Removals planned ({n}):", n=len(removals)),
            *_listed(removals, reader),
            "",
            _("Review with `hpsync runs show {id}`. If intended, release with", id=run_id),
            _(
                '`hpsync sync --account {account} --force --reason "..."` '
                "(the reason is recorded).",
                account=account,
            ),
        ]
    )
    subject = "[hpsync] " + _("{account}: sync refused", account=account)
    return _send(notifier, store, account, f"guard:{run_id}", subject, text)


def on_run_finished(
    store: StateStore, account: str, run_id: int, notifier: Notifier | None
) -> Delivery | None:
    """Mail the school when a run failed more items than the previous run of its flow."""
    run = store.get_run(run_id)
    if run is None or run.dry_run:
        return None
    earlier = [
        r
        for r in store.runs(account, limit=50)
        if r.run_id < run_id and r.flow == run.flow and not r.dry_run and "failed" in r.counts
    ]
    before = earlier[0].counts["failed"] if earlier else 0
    now = run.counts.get("failed", 0)
    if now <= before:
        return None
    reader = _reader(notifier, account)
    _ = reader.gettext
    failed = _items(store, run_id, outcome="failed")
    text = "\n".join(
        [
            _(
                "Run {id} ({flow}) of account {account} failed {now} item(s); "
                "the previous run failed {before}.",
                id=run_id,
                flow=flow_label(run.flow, reader),
                account=account,
                now=now,
                before=before,
            ),
            "",
            *_listed(failed, reader),
            "",
            _("Figures of the run: {figures}.", figures=counts_sentence(run.counts, reader)),
            _("Details: `hpsync runs show {id}`", id=run_id),
        ]
    )
    subject = "[hpsync] " + _("{account}: failures grew to {n}", account=account, n=now)
    return _send(notifier, store, account, f"failures:{run_id}", subject, text)
