"""Pure view models: turn store rows into what a page shows (no I/O, no HTML).

Decisions live here so they are tested without a server: what "healthy" means, how a
run's plan is grouped, which items count as drift, how anomalies are gathered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hpsync.engine.explained import Explained, details, explain_row
from hpsync.locale import N_
from hpsync.secrets import redact
from hpsync.state.marks import NotificationRow
from hpsync.state.rows import LedgerRow, PlanItemRow, RunRow

FAILING_OUTCOMES = frozenset({"failed", "refused", "error"})
# The order a reader expects: what will be written first, then what is only reported.
ACTION_ORDER = ("create", "update", "remove", "protected", "hand_made", "adopt", "forget")
FLOWS = ("down", "up")


@dataclass(frozen=True, slots=True)
class Health:
    """An account's state in one word, and when it last synced cleanly (the page says
    how long ago, in the reader's words)."""

    status: str  # "ok", "partial", "failing", "never run"
    last_good: datetime | None


# A plan item on a page is the one explanation every face shows (``engine.explained``).
ItemView = Explained


@dataclass(frozen=True, slots=True)
class AnomalyView:
    """One anomaly of a run: its code, the Hyperplanning record and what is wrong."""

    account: str
    run_id: int
    code: str
    record: str
    label: str
    message: str
    blocks: int


@dataclass(slots=True)
class RunView:
    """A run's plan grouped by action, with its anomalies and drift set apart."""

    groups: list[tuple[str, list[ItemView]]] = field(default_factory=list)
    anomalies: list[AnomalyView] = field(default_factory=list)
    drift: list[ItemView] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)


def item_view(row: PlanItemRow) -> ItemView:
    """Decode one stored plan item (a damaged row still shows, without its explanation)."""
    return explain_row(row)


def anomaly_view(account: str, run_id: int, row: PlanItemRow) -> AnomalyView:
    """Decode one anomaly stored as a plan item of kind ``anomaly``."""
    found = details(row.details_json)
    blocks = found.get("blocks")
    return AnomalyView(
        account=account,
        run_id=run_id,
        code=row.action,
        record=row.source_id,
        label=str(found.get("label") or row.message or ""),
        message=row.summary,
        blocks=blocks if isinstance(blocks, int) else 0,
    )


def run_view(run: RunRow, rows: Sequence[PlanItemRow]) -> RunView:
    """Group a run's items by action (known actions first), anomalies and drift apart."""
    view = RunView()
    by_action: dict[str, list[ItemView]] = {}
    for row in rows:
        if row.kind == "anomaly":
            view.anomalies.append(anomaly_view(run.account, run.run_id, row))
            continue
        item = item_view(row)
        by_action.setdefault(item.action, []).append(item)
        if item.is_drift:
            view.drift.append(item)
    order = [a for a in ACTION_ORDER if a in by_action]
    order += sorted(a for a in by_action if a not in ACTION_ORDER)
    view.groups = [(action, by_action[action]) for action in order]
    view.outcomes = dict(
        Counter(i.outcome for group in view.groups for i in group[1]).most_common()
    )
    return view


def _status(outcome: str | None) -> str:
    if outcome == "ok":
        return "ok"
    if outcome in FAILING_OUTCOMES:
        return "failing"
    return "partial"


def health(runs: Iterable[RunRow]) -> Health:
    """Worst state among the latest real (not dry) finished run of each flow."""
    real = [r for r in runs if not r.dry_run and r.outcome is not None]
    if not real:
        return Health("never run", None)
    latest: dict[str, RunRow] = {}
    for run in sorted(real, key=lambda r: r.run_id, reverse=True):
        latest.setdefault(run.flow, run)
    states = {_status(r.outcome) for r in latest.values()}
    status = next(s for s in ("failing", "partial", "ok") if s in states)
    good = [r.finished_at or r.started_at for r in real if r.outcome == "ok"]
    last_good = max(good) if good else None
    return Health(status, last_good)


def latest_by_flow(runs: Iterable[RunRow]) -> dict[str, RunRow]:
    """The newest run of each flow (dry or not, finished or not)."""
    latest: dict[str, RunRow] = {}
    for run in sorted(runs, key=lambda r: r.run_id, reverse=True):
        latest.setdefault(run.flow, run)
    return latest


def writes_of(run: RunRow) -> int:
    """Records a run actually wrote: planned writes less failures; attendance written."""
    if run.dry_run:
        return 0
    c = run.counts
    if run.flow == "up":
        return sum(v for k, v in c.items() if k.startswith("written."))
    done = c.get("created", 0) + c.get("updated", 0) + c.get("removed", 0)
    return max(0, done - c.get("failed", 0))


def anomalies_by_code(views: Iterable[AnomalyView]) -> list[tuple[str, list[AnomalyView]]]:
    """Anomalies grouped by code, the most frequent code first."""
    groups: dict[str, list[AnomalyView]] = {}
    for a in views:
        groups.setdefault(a.code, []).append(a)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


@dataclass(frozen=True, slots=True)
class LedgerView:
    """An account's attendance write-back: what is stuck, and how much went through."""

    counts: dict[str, int]
    pending: list[LedgerRow]
    failed: list[LedgerRow]


def ledger_view(rows: Iterable[LedgerRow]) -> LedgerView:
    """Counts per status; pending and failed rows, most retried first."""
    rows = list(rows)
    counts = Counter(r.status for r in rows)
    pending = sorted((r for r in rows if r.status == "pending"), key=lambda r: -r.attempts)
    failed = sorted((r for r in rows if r.status == "failed"), key=lambda r: -r.attempts)
    return LedgerView(
        {s: counts.get(s, 0) for s in ("written", "removed", "pending", "failed")},
        pending,
        failed,
    )


RUN_STALE_DEFAULT = timedelta(hours=1)
MARK_STALE_DEFAULT = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class FreshLine:
    """One freshness figure: how old, against which threshold, and whether it is stale."""

    what: str  # "down", "up", "marks"
    at: datetime | None
    age_seconds: int | None
    stale_after_seconds: int
    stale: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat() if self.at else None,
            "age_seconds": self.age_seconds,
            "stale_after_seconds": self.stale_after_seconds,
            "stale": self.stale,
        }


@dataclass(frozen=True, slots=True)
class Freshness:
    """An account's freshness: last good run of each flow, lag of the newest mark written."""

    down: FreshLine
    up: FreshLine
    marks: FreshLine
    failed_marks: int

    @property
    def lines(self) -> tuple[FreshLine, FreshLine, FreshLine]:
        return (self.down, self.up, self.marks)

    @property
    def stale(self) -> bool:
        return any(line.stale for line in self.lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "stale": self.stale,
            "down": self.down.as_json(),
            "up": self.up.as_json(),
            "marks": self.marks.as_json(),
            "failed_marks": self.failed_marks,
        }


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def freshness_view(
    fresh: dict[str, Any],
    *,
    run_stale_after: timedelta = RUN_STALE_DEFAULT,
    mark_stale_after: timedelta = MARK_STALE_DEFAULT,
) -> Freshness:
    """Judge ``state.freshness.freshness()``'s figures: a flow never run well is stale; an account
    that never wrote a mark back is not (it may have no attendance yet)."""

    def line(what: str, at: Any, age: Any, limit: timedelta, never_stale: bool) -> FreshLine:
        seconds = int(limit.total_seconds())
        when = _when(at)
        if age is None:
            return FreshLine(what, None, None, seconds, never_stale)
        return FreshLine(what, when, int(age), seconds, int(age) > seconds)

    return Freshness(
        line(
            "down",
            fresh.get("down_last_good"),
            fresh.get("down_age_seconds"),
            run_stale_after,
            True,
        ),
        line("up", fresh.get("up_last_good"), fresh.get("up_age_seconds"), run_stale_after, True),
        line(
            "marks",
            fresh.get("newest_mark_written"),
            fresh.get("mark_lag_seconds"),
            mark_stale_after,
            False,
        ),
        int(fresh.get("failed_marks") or 0),
    )


GUARD, DIGEST, TUTOR_ALERT, FAILURES, REPORT = (
    N_("guard trip"),
    N_("digest"),
    N_("alert"),
    N_("failures alert"),
    N_("report"),
)


@dataclass(frozen=True, slots=True)
class NotificationView:
    """One e-mail of the send log as the page lists it (never its body)."""

    created_at: datetime | None
    what: str
    kind: str
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str
    sent_at: datetime | None


def what_of(kind: str, dedup_key: str) -> str:
    """What an e-mail is, from its dedup key's prefix (the senders' naming scheme)."""
    prefix = dedup_key.split(":", 1)[0]
    named = {"guard": GUARD, "digest": DIGEST, "alert": TUTOR_ALERT, "failures": FAILURES}
    if prefix in named:
        return named[prefix]
    return REPORT if kind == "report" else kind


def notification_view(row: NotificationRow) -> NotificationView:
    """Decode one send-log row; its error goes through the redaction list."""
    return NotificationView(
        created_at=row.created_at,
        what=what_of(row.kind, row.dedup_key),
        kind=row.kind,
        recipient=row.recipient,
        subject=row.subject,
        status=row.status,
        attempts=row.attempts,
        last_error=redact(row.last_error or ""),
        sent_at=row.sent_at,
    )
