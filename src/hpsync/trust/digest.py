"""The daily digest of one school: runs since the last digest, writes, guards, anomalies.

Sent through the notifications send log (kind ``report``) under ``digest:<day>:<to>``:
one e-mail per school, recipient and local day, however often ``hpsync digest`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hpsync.alerts.deliver import Delivery, Outgoing, deliver
from hpsync.alerts.mailer import Mailer
from hpsync.state import StateStore
from hpsync.state.rows import RunRow

LAST_DIGEST = "trust.digest_at"
WRITE_COUNTS = ("created", "updated", "removed")


@dataclass(slots=True)
class Digest:
    """What a school is told about one account."""

    account: str
    since: datetime
    runs: list[RunRow] = field(default_factory=list)
    writes: int = 0
    failed: int = 0
    guards: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)

    def text(self, zone: str) -> str:
        tz = ZoneInfo(zone)
        lines = [
            f"hpsync digest for account {self.account}, since "
            f"{self.since.astimezone(tz):%Y-%m-%d %H:%M}",
            "",
            f"Runs: {len(self.runs)}   writes: {self.writes}   failed items: {self.failed}",
        ]
        lines += [
            f"  run {r.run_id} {r.started_at.astimezone(tz):%Y-%m-%d %H:%M} {r.flow} "
            f"{r.outcome or 'running'}"
            for r in self.runs
        ]
        lines += ["", f"Guards tripped ({len(self.guards)}):", *[f"  - {g}" for g in self.guards]]
        if self.forced:
            lines += ["", "Forced releases:", *[f"  - {f}" for f in self.forced]]
        lines += [
            "",
            f"Anomalies to fix in Hyperplanning ({len(self.anomalies)}):",
            *[f"  - {a}" for a in self.anomalies],
        ]
        return "\n".join(lines) + "\n"


def build_digest(store: StateStore, account: str, now: datetime) -> Digest:
    """The digest of ``account``: runs since the last digest (or a day), latest anomalies."""
    last = store.get_meta(account, LAST_DIGEST)
    since = datetime.fromisoformat(last) if last else now - timedelta(days=1)
    recent = store.runs(account, limit=1000)
    out = Digest(account, since)
    out.runs = sorted(
        (r for r in recent if not r.dry_run and r.started_at >= since), key=lambda r: r.run_id
    )
    for r in out.runs:
        out.writes += sum(r.counts.get(k, 0) for k in WRITE_COUNTS)
        out.writes += sum(v for k, v in r.counts.items() if k.startswith("written."))
        out.failed += r.counts.get("failed", 0)
        if r.outcome == "refused":
            out.guards.append(f"run {r.run_id}: {r.error}")
        if r.meta.get("forced"):
            out.forced.append(
                f"run {r.run_id} by {r.meta.get('by') or '?'}: {r.meta.get('reason') or '-'}"
            )
    latest = next((r for r in recent if r.flow == "down"), None)
    if latest is not None:
        out.anomalies = [
            f"{i.source_id}: {i.summary}" + (f" ({i.message})" if i.message else "")
            for i in store.plan_items(latest.run_id)
            if i.kind == "anomaly"
        ]
    return out


def send_digest(
    store: StateStore,
    account: str,
    recipients: list[str],
    mailer: Mailer,
    *,
    sender: str,
    now: datetime,
    zone: str,
    dry_run: bool = False,
) -> tuple[Digest, Delivery]:
    """Build and send the digest once per local day and recipient."""
    digest = build_digest(store, account, now)
    day = now.astimezone(ZoneInfo(zone)).date().isoformat()
    subject = (
        f"[hpsync] {account} {day}: {len(digest.runs)} run(s), {digest.writes} write(s), "
        f"{len(digest.guards)} guard(s), {len(digest.anomalies)} anomal(ies)"
    )
    text = digest.text(zone)
    outgoing = [
        Outgoing(f"digest:{day}:{to}", "report", to, subject, text, "") for to in recipients
    ]
    delivery = deliver(
        store, account, outgoing, mailer, sender=sender, dry_run=dry_run, kind="report"
    )
    if not dry_run and not delivery.failed:
        store.set_meta(account, LAST_DIGEST, now.isoformat())
    return digest, delivery
