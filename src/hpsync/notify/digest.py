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
from hpsync.engine.explained import explain_rows
from hpsync.labels import flow_label, status_label
from hpsync.locale import DEFAULT_LANGUAGE, Reader
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

    def text(self, zone: str, language: str = DEFAULT_LANGUAGE) -> str:
        """The e-mail's body, in ``language``, its times in ``zone`` (named once)."""
        reader = Reader(language, zone)
        _ = reader.gettext
        lines = [
            _(
                "hpsync digest for account {account}, since {when}",
                account=self.account,
                when=reader.when(self.since),
            ),
            reader.zone_note(),
            "",
            _(
                "Runs: {runs}   writes: {writes}   failed items: {failed}",
                runs=len(self.runs),
                writes=self.writes,
                failed=self.failed,
            ),
        ]
        lines += [
            "  "
            + _(
                "run {id}, {when}, {flow}: {outcome}",
                id=r.run_id,
                when=reader.when(r.started_at),
                flow=flow_label(r.flow, reader),
                outcome=status_label(r.outcome, reader),
            )
            for r in self.runs
        ]
        lines += [
            "",
            _("Guards tripped ({n}):", n=len(self.guards)),
            *[f"  - {g}" for g in self.guards],
        ]
        if self.forced:
            lines += ["", _("Forced releases:"), *[f"  - {f}" for f in self.forced]]
        lines += [
            "",
            _("Anomalies to fix in Hyperplanning ({n}):", n=len(self.anomalies)),
            *[f"  - {a}" for a in self.anomalies],
        ]
        return "\n".join(lines) + "\n"


def build_digest(
    store: StateStore, account: str, now: datetime, language: str = DEFAULT_LANGUAGE
) -> Digest:
    """The digest of ``account``: runs since the last digest (or a day), latest anomalies.

    Its lines about guards and forced releases are in ``language``; the guard's own words
    (the run's error) and the anomalies' messages are the engine's, as it wrote them."""
    _ = Reader(language).gettext
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
            out.guards.append(_("run {id}: {error}", id=r.run_id, error=r.error))
        if r.meta.get("forced"):
            out.forced.append(
                _(
                    "run {id} by {by}: {reason}",
                    id=r.run_id,
                    by=r.meta.get("by") or "?",
                    reason=r.meta.get("reason") or "-",
                )
            )
    latest = next((r for r in recent if r.flow == "down"), None)
    if latest is not None:
        reader = Reader(language)
        out.anomalies = [  # as ``runs show`` and the e-mails list a run's items
            i.line(reader)
            for i in explain_rows(store.plan_items(latest.run_id))
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
    language: str = DEFAULT_LANGUAGE,
) -> tuple[Digest, Delivery]:
    """Build and send the digest once per local day and recipient, in ``language``."""
    digest = build_digest(store, account, now, language)
    local = now.astimezone(ZoneInfo(zone)).date()
    day = local.isoformat()  # the dedup key's day: a machine's word, not shown
    reader = Reader(language, zone)
    subject = "[hpsync] " + reader.gettext(
        "{account} {day}: {runs} run(s), {writes} write(s), {guards} guard(s), "
        "{anomalies} anomal(ies)",
        account=account,
        day=reader.date(local),
        runs=len(digest.runs),
        writes=digest.writes,
        guards=len(digest.guards),
        anomalies=len(digest.anomalies),
    )
    text = digest.text(zone, language)
    outgoing = [
        Outgoing(f"digest:{day}:{to}", "report", to, subject, text, "") for to in recipients
    ]
    delivery = deliver(
        store, account, outgoing, mailer, sender=sender, dry_run=dry_run, kind="report"
    )
    if not dry_run and not delivery.failed:
        store.set_meta(account, LAST_DIGEST, now.isoformat())
    return digest, delivery
