"""Immediate e-mails: a guard tripped, or a run failed more items than the one before.

``run_down``/``run_up`` call the hooks below; they send through the installed
``Notifier`` (the CLI installs one from the configuration: ``install_from_config``) and the
notifications send log, so each event is mailed once per run and recipient. Without a
notifier nothing is sent now; the daily digest still lists the event. A hook never raises
past a failed e-mail: the run's own outcome is what matters to the caller.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hpsync.alerts.deliver import Delivery, Outgoing, deliver
from hpsync.alerts.mailer import Mailer, SmtpMailer
from hpsync.logging import get_logger
from hpsync.state import StateStore

if TYPE_CHECKING:
    from hpsync.config import AccountConfig, Config

log = get_logger("hpsync.trust")


@dataclass(slots=True)
class Notifier:
    """Where immediate e-mails go: a mailer, a sender, and recipients per account."""

    mailer: Mailer
    sender: str
    recipients: Mapping[str, Sequence[str]] = field(default_factory=dict)


_installed: list[Notifier] = []


def install(notifier: Notifier | None) -> None:
    """Use ``notifier`` for the hooks of this process (None: send nothing)."""
    _installed.clear()
    if notifier is not None:
        _installed.append(notifier)


def installed() -> Notifier | None:
    return _installed[0] if _installed else None


def recipients_of(account: AccountConfig) -> list[str]:
    """The school's addresses for digests and immediate e-mails."""
    found = list(account.digest_to) or ([account.school_email] if account.school_email else [])
    return [a.strip() for a in found if a and a.strip()]


def install_from_config(config: Config, mailer: Mailer | None = None) -> Notifier | None:
    """Install a notifier for the configuration (SMTP from ``[smtp]``); None without SMTP."""
    if mailer is None and config.smtp is None:
        install(None)
        return None
    sender = config.smtp.sender if config.smtp else "hpsync@localhost"
    if mailer is None:
        assert config.smtp is not None
        password = config.smtp.password.resolve("smtp.password") if config.smtp.password else None
        mailer = SmtpMailer(config.smtp, password)
    notifier = Notifier(mailer, sender, {a.name: recipients_of(a) for a in config.accounts})
    install(notifier)
    return notifier


def _send(store: StateStore, account: str, key: str, subject: str, text: str) -> Delivery | None:
    notifier = installed()
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


def _items(store: StateStore, run_id: int, *, action: str = "", outcome: str = "") -> list[str]:
    return [
        f"{i.kind} {i.source_id} {i.summary}".rstrip()
        + (f": {i.message}" if outcome and i.message else "")
        for i in store.plan_items(run_id)
        if (not action or i.action == action) and (not outcome or i.outcome == outcome)
    ]


def on_guard_tripped(
    store: StateStore, account: str, run_id: int, error: Exception
) -> Delivery | None:
    """Mail the school that a guard refused run ``run_id`` (once per run and recipient)."""
    run = store.get_run(run_id)
    if run is None or run.dry_run:
        return None
    removals = _items(store, run_id, action="remove")
    text = "\n".join(
        [
            f"A safety guard refused the sync of account {account} (run {run_id}).",
            "Nothing was written to Edusign.",
            "",
            f"Why: {error}",
            "",
            f"Removals planned ({len(removals)}):",
            *[f"  - {line}" for line in removals[:100]],
            "",
            f"Review with `hpsync runs show {run_id}`. If intended, release with",
            f'`hpsync sync --account {account} --force --reason "..."` (the reason is recorded).',
        ]
    )
    return _send(store, account, f"guard:{run_id}", f"[hpsync] {account}: sync refused", text)


def on_run_finished(store: StateStore, account: str, run_id: int) -> Delivery | None:
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
    failed = _items(store, run_id, outcome="failed")
    text = "\n".join(
        [
            f"Run {run_id} ({run.flow}) of account {account} failed {now} item(s); "
            f"the previous run failed {before}.",
            "",
            *[f"  - {line}" for line in failed[:100]],
            "",
            f"Details: `hpsync runs show {run_id}`; counts {json.dumps(run.counts)}",
        ]
    )
    subject = f"[hpsync] {account}: failures grew to {now}"
    return _send(store, account, f"failures:{run_id}", subject, text)
