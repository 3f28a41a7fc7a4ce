"""The attendance use case over every base: last years' bases, then the current one.

After a yearly switch the sheets of last year stay on Edusign and some become final only
later (locked in July, justified in September). Their attendance belongs to last year's
base, for every learner — those who left and those who stayed (they now carry next year's
identity on Edusign; the switch's renames lead back). The CLI and the worker both run this,
so neither forgets a base.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from hpsync.errors import HpsyncError
from hpsync.logging import get_logger
from hpsync.model import Snapshot
from hpsync.ports import AttendanceSink, PlanningSource
from hpsync.state import StateStore
from hpsync.sync.runs import AccountSetup, UpOutcome, run_up

log = get_logger("hpsync.write_back")


class PlanningBase(PlanningSource, AttendanceSink, Protocol):
    """A Hyperplanning base read whole and written back to (a client)."""


@dataclass(slots=True)
class PreviousOutcome:
    """One previous base's write-back for one account, or why it could not run."""

    base_id: str
    account: str
    outcome: UpOutcome | None = None
    error: HpsyncError | None = None

    @property
    def all_final(self) -> bool:
        """Every sheet of that base is final and written: it may leave the configuration."""
        if self.outcome is None or self.outcome.outcome != "ok":
            return False
        counts = self.outcome.counts
        return counts.get("sheets_open", 0) == 0 and counts.get("failed", 0) == 0


@dataclass(slots=True)
class WriteBack:
    """Every base's write-back for the accounts asked."""

    previous: list[PreviousOutcome] = field(default_factory=list)
    current: list[UpOutcome] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return any(o.outcome == "partial" for o in self.current) or any(
            p.error is not None or (p.outcome is not None and p.outcome.outcome == "partial")
            for p in self.previous
        )


def write_back_previous(
    store: StateStore,
    setups: Sequence[AccountSetup],
    previous: Sequence[PlanningBase],
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[PreviousOutcome]:
    """Write last years' final attendance back into their own bases, each read once.

    A previous base that cannot be read or written is reported and skipped: it never stops
    this year's write-back.
    """
    out: list[PreviousOutcome] = []
    for base in previous:
        try:
            old = base.read_snapshot()
        except HpsyncError as exc:
            log.error("previous base unreadable", error=str(exc))
            out += [PreviousOutcome("?", s.name, error=exc) for s in setups]
            continue
        for setup in setups:
            one = PreviousOutcome(old.base.base_id, setup.name)
            try:
                one.outcome = run_up(store, old, setup, base, dry_run=dry_run, now=now)
            except HpsyncError as exc:
                one.error = exc
            out.append(one)
    return out


def write_back(
    store: StateStore,
    setups: Sequence[AccountSetup],
    current: Snapshot,
    sink: AttendanceSink,
    previous: Sequence[PlanningBase] = (),
    *,
    dry_run: bool = False,
    since: datetime | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] = lambda n: None,
    courses: Sequence[str] | None = None,
) -> WriteBack:
    """Previous bases first (their sheets are older), then the current base, per account;
    ``courses`` (Edusign ids, a webhook's) limits the current base's run to those sheets."""
    result = WriteBack(write_back_previous(store, setups, previous, dry_run=dry_run, now=now))
    for setup in setups:
        result.current.append(
            run_up(
                store,
                current,
                setup,
                sink,
                dry_run=dry_run,
                since=since,
                now=now,
                progress=progress,
                courses=courses,
            )
        )
    return result
