"""Down flow use cases: plan and sync one account from a snapshot.

Pure orchestration: read the target, diff against the desired state and what we last
pushed, check the guards, execute. Every I/O goes through a port.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from hpsync.engine.apply import ApplyResult, Journal, apply_plan, named
from hpsync.engine.desired import DesiredSession, DesiredState, build_desired
from hpsync.engine.diff import Pushed, build_plan
from hpsync.engine.guards import GuardPolicy, GuardVerdict, SourceFigures, enforce, evaluate
from hpsync.engine.plan import Action, Plan
from hpsync.engine.remote import RemoteState
from hpsync.engine.settle import SheetSettler
from hpsync.hashing import content_hash
from hpsync.model import Kind, Snapshot, SourceId
from hpsync.ports import TargetAccount
from hpsync.rules.policy import AccountRules


class PushState(Journal, Protocol):
    """A journal that can also say what was pushed so far."""

    def pushed(self) -> Mapping[tuple[Kind, str], Pushed]: ...

    def pushed_in_order(self) -> Iterator[tuple[str, str, str, str]]:
        """``(kind, source id, remote id, hash)`` of ``pushed``, by kind and source id."""
        ...


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """A plan, and what the source offered when it was computed. The desired state is
    not kept: the plan's items hold the records they write, and an XL school's desired
    state (300k sheets) would otherwise be held through every write."""

    source: SourceFigures
    plan: Plan
    verdict: GuardVerdict
    #: whether every session of the window was read (False: only the changed ones)
    whole: bool = True
    #: the service's clock when the sheets were read (where the next read starts)
    watermark: datetime | None = None
    #: how many sheets were read
    sheets_read: int = 0

    def read_counts(self) -> dict[str, int]:
        """How many sheets the run read, under a key that says whether it read them all."""
        return {"sheets_read" if self.whole else "sheets_read_changed": self.sheets_read}


def read_window(snapshot: Snapshot) -> tuple[datetime, datetime]:
    """Sessions to read on the target: the base's whole year, and any session outside it.

    Never only the span of the sessions Hyperplanning returns today: a course deleted, or
    a narrower answer, would leave the sheets outside that span unread, hence forgotten
    instead of removed.
    """
    zone = ZoneInfo(snapshot.base.timezone)
    first = datetime.combine(snapshot.base.first_day, datetime.min.time(), tzinfo=zone)
    start, end = first - timedelta(days=31), first + timedelta(days=366)
    if snapshot.sessions:
        start = min(start, min(s.start for s in snapshot.sessions.values()) - timedelta(days=1))
        end = max(end, max(s.end for s in snapshot.sessions.values()) + timedelta(days=1))
    return start, end


def source_figures(desired: DesiredState) -> SourceFigures:
    """What the source offers this account now (for the source-shrink guard)."""
    sessions = [s for s in desired.of(Kind.SESSION).values() if isinstance(s, DesiredSession)]
    return SourceFigures(
        desired.base_id,
        len(sessions),
        len(desired.of(Kind.LEARNER)),
        min(s.start for s in sessions).isoformat() if sessions else "",
        max(s.end for s in sessions).isoformat() if sessions else "",
    )


def plan_account(
    snapshot: Snapshot,
    rules: AccountRules,
    target: TargetAccount,
    state: PushState,
    *,
    now: datetime,
    guards: GuardPolicy,
    previous: SourceFigures | None = None,
    changed_since: datetime | None = None,
) -> PlannedRun:
    """Compute the plan of one account, changing nothing; ``previous``: what the source
    offered at the last good run; ``changed_since`` (the service's clock): read only the
    sheets updated since then, and those the planning changed or dropped."""
    since, until = read_window(snapshot)
    pushed = state.pushed()
    desired = build_desired(snapshot, rules)
    # sheets read as they were pushed are kept as ids only (an XL account: 285k records)
    settle = SheetSettler(desired, pushed, now=now)
    if changed_since is None:
        remote = target.read(since=since, until=until, settle=settle)
    else:
        remote = target.read(
            since=since,
            until=until,
            changed_since=changed_since,
            sessions=sessions_to_check(desired, pushed),
            settle=settle,
        )
    desired, plan = _plan(snapshot, rules, remote, pushed, now=now, desired=desired)
    if Kind.SESSION not in remote.complete and _removes_people(plan):
        # Whether a leaver is still on a sheet that stays is only known from every sheet:
        # removals of people are decided on a whole read.
        remote = target.read(since=since, until=until, settle=settle)
        desired, plan = _plan(snapshot, rules, remote, pushed, now=now, desired=desired)
    verdict = evaluate(
        plan,
        guards,
        source_learners=len(snapshot.learners),
        source_sessions=len(snapshot.sessions),
        today=now.astimezone(ZoneInfo(snapshot.base.timezone)).date(),
        zone=snapshot.base.timezone,
        source=source_figures(desired),
        previous=previous,
    )
    return PlannedRun(
        source_figures(desired),
        plan,
        verdict,
        whole=Kind.SESSION in remote.complete,
        watermark=remote.watermark,
        sheets_read=remote.read_count(Kind.SESSION),
    )


def _plan(
    snapshot: Snapshot,
    rules: AccountRules,
    remote: RemoteState,
    pushed: Mapping[tuple[Kind, str], Pushed],
    *,
    now: datetime,
    desired: DesiredState,
) -> tuple[DesiredState, Plan]:
    """The plan; ``desired``: the account's desired state as its rules make it (made
    again without tutors when the account's API offers no tutor route)."""
    if Kind.TUTOR in remote.unavailable and rules.tutors:
        rules = replace(rules, tutors=False)  # the account's API offers no tutor route
        desired = build_desired(snapshot, rules)  # its sessions as they were: tutors are
        # people, never on a sheet, so the sheets settled against the first stay settled
    if Kind.TUTOR in remote.unavailable:
        desired.warnings.append(
            "tutors are off: this Edusign account answers no tutor route (/v1/externals); "
            "learners are synced without their tutors"
        )
    plan = build_plan(desired, remote, pushed, now=now, adopt_sessions=rules.adopt_sessions)
    return desired, plan


def sessions_to_check(
    desired: DesiredState, pushed: Mapping[tuple[Kind, str], Pushed]
) -> list[str]:
    """Edusign ids of the sheets an incremental read must fetch whatever their update date:
    those the planning changed since they were pushed, and those it no longer has."""
    wanted = desired.of(Kind.SESSION)
    prefix = f"hp:{desired.base_id}:"  # a previous base's sheets are history, never asked
    asked: list[str] = []
    for (kind, sid), row in pushed.items():
        if kind is not Kind.SESSION or not row.remote_id or not sid.startswith(prefix):
            continue
        want = wanted.get(SourceId(sid))
        if want is None or content_hash(want) != row.content_hash:
            asked.append(row.remote_id)
    return sorted(asked)


def _removes_people(plan: Plan) -> bool:
    return any(
        item.action is Action.REMOVE and item.kind in (Kind.LEARNER, Kind.TRAINER)
        for item in plan.items
    )


def sync_account(
    planned: PlannedRun,
    target: TargetAccount,
    state: PushState,
    *,
    force: bool = False,
    batch_size: int = 1000,
    fence: Callable[[], None] = lambda: None,
    progress: Callable[[int], None] = lambda n: None,
) -> ApplyResult:
    """Apply a computed plan, unless a guard refuses it."""
    enforce(planned.verdict, account=planned.plan.account, force=force)
    ids = {sid: rid for kind, sid, rid, _hash in state.pushed_in_order() if named(kind)}
    return apply_plan(
        planned.plan, target, state, ids, batch_size=batch_size, fence=fence, progress=progress
    )
