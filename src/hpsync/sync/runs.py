"""Runs: a flow on one account under a lease, recorded with its plan and outcome.

This is where the service layer meets the state store: the lease (two runs never write
the same account), the run row (what was planned, what happened), the plan items with
their per-item outcomes, and the base the account follows.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from hpsync import allocator, clock
from hpsync.alerts.record import record_final_marks
from hpsync.attendance.motifs import table_of
from hpsync.attendance.plan import UpPlan, plan_attendance
from hpsync.attendance.push import PushReport
from hpsync.attendance.statuses import FinalPolicy
from hpsync.audit.record import ReadRecorder, SnapshotBlob, record_inputs
from hpsync.audit.up_inputs import record_up_inputs
from hpsync.engine.apply import ApplyResult
from hpsync.engine.approval import check_approved
from hpsync.engine.explained import who_json, who_of
from hpsync.engine.guards import GuardPolicy, SourceFigures
from hpsync.engine.plan import Action, Plan
from hpsync.errors import GuardRefused, HpsyncError, LeaseHeld, MissingCapability, PlanChanged
from hpsync.logging import get_logger
from hpsync.model import Snapshot
from hpsync.notify.immediate import Notifier, on_guard_tripped, on_run_finished
from hpsync.ports import (
    AttendanceSink,
    AttendanceSource,
    ChangedSheetsSource,
    SheetsRead,
    TargetAccount,
)
from hpsync.rules.capabilities import blocking
from hpsync.rules.policy import AccountRules
from hpsync.secrets import redact
from hpsync.state import Lease, PlanItemRow, StateStore
from hpsync.sync import sheet_reads
from hpsync.sync.down import (
    PlannedRun,
    plan_account,
    read_window,
    sync_account,
)
from hpsync.sync.store_adapters import StoreJournal, StoreLedger
from hpsync.sync.up import base_aliases, run_attendance
from hpsync.year.guard import SwitchThresholds
from hpsync.year.switch import check_first_sync, first_sync_done, switch_pending

LEASE_SECONDS = 15 * 60
FULL_READ_HOURS = 24.0  # a whole read of the sheets at least daily (issue 21)
log = get_logger("hpsync.runs")


class Target(TargetAccount, AttendanceSource, Protocol):
    """An Edusign account seen through both ports."""


@dataclass(frozen=True, slots=True)
class AccountSetup:
    """Everything one account's runs need besides the snapshot and the store."""

    name: str
    rules: AccountRules
    guards: GuardPolicy
    final: FinalPolicy
    target: Target
    since: date | None = None  # earliest session date of the up flow (config attendance.since)
    switch: SwitchThresholds = field(default_factory=SwitchThresholds)  # [year] guard
    motifs: Mapping[str, str] = field(default_factory=dict)  # Edusign reason -> HP motif
    lease_seconds: float = LEASE_SECONDS  # lease time to live (renewed while a run works)
    #: hours between two whole reads of the account's sheets; runs in between read only the
    #: sheets updated since (0: every run reads every sheet)
    full_read_hours: float = FULL_READ_HOURS
    #: where a guard trip or growing failures are e-mailed at once (None: not mailed)
    notifier: Notifier | None = None


@dataclass(slots=True)
class DownOutcome:
    """What a down run planned and did."""

    run_id: int
    planned: PlannedRun
    result: ApplyResult | None = None
    outcome: str = "planned"
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class UpOutcome:
    """What an attendance run planned and did."""

    run_id: int
    plan: UpPlan
    report: PushReport | None = None
    outcome: str = "planned"
    counts: dict[str, int] = field(default_factory=dict)


def utcnow() -> datetime:
    return clock.now()


def internal_error(exc: BaseException) -> str:
    """A run's error text for a bug: it ends the run (never left "running") and says so."""
    return redact(f"internal error ({type(exc).__name__}: {exc}); please report it")


def holder_name() -> str:
    """Who holds a lease: host and process, for the 'being synced by' message."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_local(holder: str) -> bool:
    """True when ``holder`` is a process of this host that no longer exists (killed)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


INTERRUPTED = (
    "the process stopped before the run ended (killed, crashed or its machine restarted); "
    "what it wrote is recorded batch by batch and the next run resumes from there"
)


@contextmanager
def leased(
    store: StateStore, account: str, holder: str, seconds: float = LEASE_SECONDS
) -> Iterator[Lease]:
    """Hold the account's lease for the duration of a run, renewed while it works.

    A lease left by a killed run of this same host is reclaimed at once instead of
    waiting for its expiry: the state store's per-batch commits make resuming safe. Once
    the lease is ours, runs of the account still marked running are dead: they are marked
    interrupted. A heartbeat renews the lease every third of its time to live, so a run
    longer than the lease keeps it; if it is lost anyway, the fence stops the writes.
    """
    try:
        lease = store.acquire_lease(account, holder, seconds)
    except LeaseHeld:
        current = store.lease_holder(account)
        if current is None or not _dead_local(current) or not store.reclaim_lease(account, current):
            raise
        log.warning("lease of a dead run reclaimed", account=account, dead_holder=current)
        lease = store.acquire_lease(account, holder, seconds)
    for run_id in store.interrupt_runs(account, reason=INTERRUPTED):
        log.warning("run marked interrupted", run_id=run_id, account=account)
    stop = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(store, lease, seconds, stop), name=f"lease-{account}", daemon=True
    )
    beat.start()
    try:
        yield lease
    finally:
        stop.set()
        beat.join(timeout=seconds)
        store.release_lease(lease)


def settle_dead_runs(store: StateStore, account: str) -> list[int]:
    """Mark the account's runs interrupted when nobody works on it any more: its lease is
    free, or held by a process of this host that no longer exists (then reclaimed)."""
    holder = store.lease_holder(account)
    if holder is not None and not (_dead_local(holder) and store.reclaim_lease(account, holder)):
        return []
    return store.interrupt_runs(account, reason=INTERRUPTED)


def _heartbeat(store: StateStore, lease: Lease, seconds: float, stop: threading.Event) -> None:
    """Renew the lease until the run ends; a lost lease is left to the fence to report."""
    while not stop.wait(max(seconds / 3, 0.2)):
        try:
            store.renew_lease(lease, seconds)
        except LeaseHeld:
            log.error("lease lost while the run works", account=lease.account)
            return
        except Exception as exc:  # the store hiccups: the next beat tries again
            log.warning("lease renewal failed", account=lease.account, error=str(exc))


def plan_rows(plan: Plan) -> Iterator[PlanItemRow]:
    """The plan's interesting items (and its anomalies) as rows for the store, made one
    at a time as the store takes them."""
    for item in plan.items:
        if item.action is Action.UNCHANGED:
            continue
        yield PlanItemRow(
            item.key,
            item.kind.value,
            item.action.value,
            item.sid,
            item.remote_id,
            item.title(),
            json.dumps(
                {
                    "reason": item.reason,
                    "drift": item.drift,
                    "changes": item.to_json()["changes"],
                    "who": who_json(who_of(item)),
                },
                ensure_ascii=False,
            ),
            outcome="pending" if item.writes else "noop",
        )
    seen: set[str] = set()
    for anomaly in plan.anomalies:
        key = f"anomaly:{anomaly.code.value}:{anomaly.kind}:{anomaly.key}"
        if key in seen:
            continue
        seen.add(key)
        yield PlanItemRow(
            key,
            "anomaly",
            anomaly.code.value,
            f"{anomaly.kind} {anomaly.key}",
            "",
            anomaly.message,
            json.dumps({"label": anomaly.label, "blocks": anomaly.blocks}),
            outcome="noop",
            message=anomaly.label,
        )


def down_counts(plan: Plan, result: ApplyResult | None) -> dict[str, int]:
    """Summary figures of a down run: planned, or (once applied) what was done — a failed
    item counts as failed, never as created, updated or removed."""
    actions: Counter[str] = Counter()
    for by_action in plan.count().values():
        actions.update(by_action)
    done = Counter(actions)
    if result is not None:
        done = Counter()
        for key, n in result.done.items():
            done[key.rsplit(".", 1)[-1]] += n
        done[Action.UNCHANGED.value] = actions[Action.UNCHANGED.value]
        done[Action.HAND_MADE.value] = actions[Action.HAND_MADE.value]
    counts = {
        "created": done[Action.CREATE.value],
        "updated": done[Action.UPDATE.value],
        "removed": done[Action.REMOVE.value],
        "adopted": done[Action.ADOPT.value],
        "unchanged": done[Action.UNCHANGED.value],
        "protected": done[Action.PROTECTED.value],
        "hand_made": done[Action.HAND_MADE.value],
        "drift": len(plan.drift()),
        "anomalies": len(plan.anomalies),
        "writes_planned": len(plan.writes()),
    }
    if result is not None:
        counts["failed"] = len(result.failures)
        counts["batches"] = result.batches
    return counts


def run_down(
    store: StateStore,
    snapshot: Snapshot,
    setup: AccountSetup,
    *,
    dry_run: bool = False,
    force: bool = False,
    reason: str = "",
    now: datetime | None = None,
    batch_size: int = 1000,
    progress: Callable[[int], Callable[[int], None]] | None = None,
    holder: str | None = None,
    approved: dict[str, Any] | None = None,
    snapshot_blob: SnapshotBlob | None = None,
    planning: AbstractContextManager[Any] | None = None,
) -> DownOutcome:
    """Plan (and unless ``dry_run``, apply) the down flow of one account.

    ``progress`` is called once the plan is known, with the number of writes, and returns
    the callback that advances by the number of items written.
    """
    now = now or utcnow()
    account = setup.name
    with leased(store, account, holder or holder_name(), setup.lease_seconds) as lease:
        meta = {
            "base_id": snapshot.base.base_id,
            "forced": force,
            "reason": reason,
            "by": getpass.getuser() if force else "",
            "approved_plan": (approved or {}).get("plan_hash", ""),
        }
        run_id = store.start_run(account, "down", dry_run=dry_run, meta=meta)
        log.info("run started", run_id=run_id, account=account, flow="down", dry_run=dry_run)
        journal = StoreJournal(store, account, run_id=run_id, clock=utcnow)
        try:
            _check_base(store, account, snapshot)
            _check_capabilities(setup, snapshot)
            guards = setup.guards
            if switch_pending(store, account):
                if not force and not dry_run:
                    check_first_sync(store, account, snapshot, setup.switch)
                # leavers are expected now: the yearly guard judged the share, not the kinds'
                guards = guards.people_unlimited()
            reads = ReadRecorder(setup.target)
            changed_since, whole_at = _changed_since(store, setup, snapshot, now)
            if not dry_run:  # until this run ends well, the next reads every sheet
                store.set_meta(account, READ_META, "")
            with planning or nullcontext():  # a big base: one account plans at a time
                planned = plan_account(
                    snapshot,
                    setup.rules,
                    reads,
                    journal,
                    now=now,
                    guards=guards,
                    previous=_last_source(store, account),
                    changed_since=changed_since,
                )
                store.add_plan_items(run_id, plan_rows(planned.plan))
                if not dry_run:
                    record_inputs(
                        store,
                        run_id,
                        snapshot_blob or SnapshotBlob(snapshot),
                        setup.rules,
                        reads,
                        journal,
                        planned.plan,
                        now,
                    )
                reads.remote = None  # recorded: not held through the writes (300k records)
            allocator.release()  # the account's remote state, journal and desired state
            out = DownOutcome(run_id, planned)
            if approved is not None and not dry_run:
                check_approved(approved, planned.plan, zone=snapshot.base.timezone)
            if dry_run:
                out.counts = {**down_counts(planned.plan, None), **planned.read_counts()}
                store.finish_run(run_id, "planned", out.counts)
                return out
            advance = progress(len(planned.plan.writes())) if progress else (lambda n: None)
            result = sync_account(
                planned,
                setup.target,
                journal,
                force=force or approved is not None,  # an approved plan was reviewed
                batch_size=batch_size,
                fence=lambda: store.check_fence(lease),
                progress=advance,
            )
        except PlanChanged as exc:
            # the approved plan is stale: reported to whoever applies it, not a guard trip
            store.finish_run(run_id, "plan changed", {}, error=str(exc))
            raise
        except GuardRefused as exc:
            store.finish_run(run_id, "refused", {}, error=str(exc))
            on_guard_tripped(store, account, run_id, exc, setup.notifier)
            raise
        except HpsyncError as exc:
            store.finish_run(run_id, "failed", {}, error=str(exc))
            raise
        except Exception as exc:
            store.finish_run(run_id, "failed", {}, error=internal_error(exc))
            raise
        store.set_meta(account, "base_id", snapshot.base.base_id)
        store.set_meta(account, SOURCE_META, json.dumps(asdict(planned.source)))
        if result.ok:
            first_sync_done(store, account)
            _remember_read(store, account, planned, now, whole_at)
        out.result = result
        out.outcome = "ok" if result.ok else "partial"
        out.counts = {**down_counts(planned.plan, result), **planned.read_counts()}
        store.finish_run(run_id, out.outcome, out.counts)
        on_run_finished(store, account, run_id, setup.notifier)
        log.info("run finished", run_id=run_id, account=account, outcome=out.outcome, **out.counts)
        return out


SOURCE_META = "source_figures"
READ_META = "sessions_read"


def _changed_since(
    store: StateStore, setup: AccountSetup, snapshot: Snapshot, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """Where this run's read of the sheets starts on the service's clock (None: a whole
    read: the first run, after a run that did not end well, after a base change or a year
    switch, once ``full_read_hours`` have passed, or when the service gave no update
    dates), and when the last whole read was made."""
    try:
        seen = json.loads(store.get_meta(setup.name, READ_META) or "{}")
        watermark = datetime.fromisoformat(seen["watermark"])
        whole_at = datetime.fromisoformat(seen["whole_at"])
    except (KeyError, TypeError, ValueError):
        return None, None
    if (
        setup.full_read_hours <= 0
        or switch_pending(store, setup.name)
        or seen.get("base_id") != snapshot.base.base_id
        or not timedelta(0) <= now - whole_at < timedelta(hours=setup.full_read_hours)
    ):
        return None, whole_at
    return watermark, whole_at


def _remember_read(
    store: StateStore,
    account: str,
    planned: PlannedRun,
    now: datetime,
    whole_at: datetime | None,
) -> None:
    """After a run that ended well: where the next incremental read starts."""
    if planned.watermark is None:  # no update dates: every run reads every sheet
        return
    if planned.whole or whole_at is None:
        whole_at = now
    mark = {
        "base_id": planned.plan.base_id,
        "watermark": planned.watermark.isoformat(),
        "whole_at": whole_at.isoformat(),
    }
    store.set_meta(account, READ_META, json.dumps(mark))


def _check_capabilities(setup: AccountSetup, snapshot: Snapshot) -> None:
    """Refuse an account whose rules the Service Web cannot honour (others go on)."""
    missing = blocking(setup.rules, snapshot.unavailable)
    if not missing:
        return
    what = {
        "learner_rubrics": "selects or tags learners by family/rubric, but this Service Web "
        "offers no way to read a learner's rubrics",
        "course_rubrics": "includes or excludes courses by family/rubric, but this Service Web "
        "offers no way to read a course's rubrics",
    }
    raise MissingCapability(
        "; ".join(what[m] for m in missing),
        record=f"account {setup.name}",
        hint="`hpsync doctor` lists the missing operations; map a renamed one under "
        "[hyperplanning.operations], or remove those rules from this account",
    )


def _last_source(store: StateStore, account: str) -> SourceFigures | None:
    """What the source offered at the account's last applied run (None: never, or unreadable)."""
    text = store.get_meta(account, SOURCE_META)
    if not text:
        return None
    try:
        return SourceFigures(**json.loads(text))
    except (TypeError, ValueError):
        return None


def _check_base(store: StateStore, account: str, snapshot: Snapshot) -> None:
    """Refuse to sync an account that follows another base: that needs `year switch`."""
    followed = store.get_meta(account, "base_id")
    if not followed or followed == snapshot.base.base_id:
        return
    if store.get_meta(account, "previous_base_id") == snapshot.base.base_id:
        hint = (
            f"`year switch` already moved this account to base {followed!r}: set "
            "hyperplanning.url (and base_id) to the new base and list this one under "
            "[[hyperplanning.previous]] (`hpsync year switch --write-config` does both)"
        )
    else:
        hint = (
            "a new year's base? run `hpsync year switch --to URL` so people are matched "
            "instead of duplicated"
        )
    raise GuardRefused(
        f"account {account!r} follows base {followed!r} but the configured base is "
        f"{snapshot.base.base_id!r}",
        record=f"account {account}",
        hint=hint,
    )


def run_up(
    store: StateStore,
    snapshot: Snapshot,
    setup: AccountSetup,
    sink: AttendanceSink,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    since: datetime | None = None,
    courses: Sequence[str] | None = None,
    progress: Callable[[int], None] = lambda n: None,
    holder: str | None = None,
) -> UpOutcome:
    """Read final sheets (all, or only ``courses``) and write attendance back."""
    now = now or utcnow()
    account = setup.name
    base_id = snapshot.base.base_id
    explicit_since = since is not None
    with leased(store, account, holder or holder_name(), setup.lease_seconds):
        run_id = store.start_run(account, "up", dry_run=dry_run, meta={"base_id": base_id})
        ledger = StoreLedger(store, account, clock=utcnow)
        try:
            check_writable = getattr(sink, "check_writable", None)
            if check_writable is not None and not dry_run:
                check_writable()  # the Service Web can take absences at all
            start, end = read_window(snapshot)
            if setup.since is not None:
                floor = datetime.combine(
                    setup.since, time.min, tzinfo=ZoneInfo(snapshot.base.timezone)
                )
                since = max(since, floor) if since else floor
            start = max(start, since) if since else start
            until = min(end, now)
            got, asked = _read_sheets(
                store, setup, base_id, start, until, now, courses, explicit_since, dry_run
            )
            sheets = got.sheets
            entries = ledger.entries()
            aliases = base_aliases(store.renames(account), snapshot.base.base_id)
            plan = plan_attendance(snapshot, sheets, entries, setup.final, now=now, aliases=aliases)
            record_final_marks(store, account, snapshot, sheets, setup.final, now=now)
            if not dry_run:
                record_up_inputs(
                    store,
                    run_id,
                    account,
                    snapshot,
                    sheets,
                    entries,
                    setup.final,
                    plan.changes,
                    now,
                    aliases,
                )
            out = UpOutcome(run_id, plan)
            if dry_run:
                out.counts = {**up_counts(plan, None), **sheet_reads.counts(got)}
                store.finish_run(run_id, "planned", out.counts)
                return out
            known = getattr(sink, "motifs", lambda: None)()
            table = table_of(setup.motifs, known)
            plan.notes.extend(table.problems())
            report = run_attendance(plan, sink, ledger, progress=progress, motifs=table)
            plan.notes.extend(report.notes)
        except HpsyncError as exc:
            store.finish_run(run_id, "failed", {}, error=str(exc))
            raise
        except Exception as exc:
            store.finish_run(run_id, "failed", {}, error=internal_error(exc))
            raise
        out.report = report
        out.outcome = "ok" if not report.failures else "partial"
        out.counts = {**up_counts(plan, report), **sheet_reads.counts(got)}
        if asked is not None:
            left = [c.key[0] for c, _ in report.failures + report.unsupported + report.held]
            sheet_reads.remember(
                store,
                account,
                base_id,
                asked=asked,
                read=got,
                since=start,
                relist_from=min(until, plan.open_from or until),
                unsettled=plan.unsettled | sheet_reads.sheet_ids(got, left),
                now=now,
            )
        store.finish_run(run_id, out.outcome, out.counts)
        on_run_finished(store, account, run_id, setup.notifier)
        log.info("run finished", run_id=run_id, account=account, flow="up", outcome=out.outcome)
        return out


def _read_sheets(
    store: StateStore,
    setup: AccountSetup,
    base_id: str,
    start: datetime,
    until: datetime,
    now: datetime,
    courses: Sequence[str] | None,
    explicit_since: bool,
    dry_run: bool,
) -> tuple[SheetsRead, sheet_reads.SheetsAsk | None]:
    """The sheets of this up run, and what it asked when its read is to be remembered:
    the courses a webhook named, the window of an explicit ``since``, or the window's
    sheets — only those changed when the last good run vouches for the rest."""
    target = setup.target
    if courses is not None:
        return SheetsRead([target.read_sheet(c) for c in courses], whole=False), None
    if not isinstance(target, ChangedSheetsSource):
        return SheetsRead(target.read_sheets(since=start, until=until), whole=True), None
    if explicit_since:
        return target.read_attendance(since=start, until=until), None
    asked = sheet_reads.ask(
        store,
        setup.name,
        base_id,
        since=start,
        now=now,
        full_read_hours=setup.full_read_hours,
        rules=sheet_reads.rules_of(setup.final, setup.motifs),
    )
    if not dry_run:
        sheet_reads.forget(store, setup.name, base_id)
    got = target.read_attendance(
        since=start,
        until=until,
        changed_since=asked.changed_since,
        relist_from=asked.relist_from,
        sheets=asked.sheets,
    )
    return got, asked


def up_counts(plan: UpPlan, report: PushReport | None) -> dict[str, int]:
    """Summary figures of an attendance run."""
    counts = {
        "sheets_final": plan.sheets_final,
        "sheets_open": plan.sheets_open,
        "marks_read": plan.marks_read,
        "changes_planned": len(plan.changes),
        "notes": len(plan.notes),
        "hand_added": len(plan.hand_added),
    }
    if report is not None:
        counts.update({f"written.{k}": v for k, v in report.written.items()})
        counts["already_in_sync"] = report.already
        counts["failed"] = len(report.failures)
        counts["not_supported"] = len(report.unsupported)
        counts["held"] = len(report.held)
    return counts
