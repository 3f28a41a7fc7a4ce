"""Write-back executor: check-then-write into Hyperplanning, then record in the ledger.

Before each write the learner's absences (or delays) on the interval are read; a record
already there is adopted instead of written again. So a crash between the Hyperplanning
write and the ledger commit never produces a second absence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol, assert_never

from hpsync.attendance.ledger import Change, LedgerEntry, Op, Status
from hpsync.attendance.motifs import MotifTable
from hpsync.attendance.statuses import Intent, MarkKind
from hpsync.errors import FatalRemoteError, HpsyncError, MissingCapability, SourceError
from hpsync.model import parse_source_id
from hpsync.ports import AttendanceSink


class LedgerStore(Protocol):
    """Where ledger entries are committed (one commit per entry)."""

    def put(self, entry: LedgerEntry) -> None: ...


@dataclass(slots=True)
class PushReport:
    """What the write-back did."""

    written: Counter[str] = field(default_factory=Counter)  # "absence.write", ...
    already: int = 0  # found in Hyperplanning already: adopted, no write
    failures: list[tuple[Change, str]] = field(default_factory=list)
    #: changes this Service Web cannot make (no operation): reported, left for later
    unsupported: list[tuple[Change, str]] = field(default_factory=list)
    #: changes not made because they would cut into an absence someone else entered
    held: list[tuple[Change, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a reason that is not a motif


class Held(Exception):
    """A change that would alter an absence hpsync did not write: not made, reported."""


def learner_key(sid: str) -> int:
    """The Hyperplanning key in a learner's source identity."""
    return int(parse_source_id(sid)[2])


def push_changes(
    changes: Sequence[Change],
    sink: AttendanceSink,
    ledger: LedgerStore,
    *,
    progress: Callable[[int], None] = lambda n: None,
    motifs: MotifTable | None = None,
) -> PushReport:
    """Apply each change; a failed record is reported and retried next run, never blocking.
    ``motifs`` turns Edusign reasons into Hyperplanning motifs (else sent as they are)."""
    report = PushReport()
    table = motifs or MotifTable({})

    def motif_of(reason: str) -> str:
        motif, problem = table.motif(reason)
        if problem and problem not in report.notes:
            report.notes.append(problem)
        return motif

    for change in changes:
        try:
            wrote = _apply(change, sink, motif_of)
        except MissingCapability as exc:
            report.unsupported.append((change, exc.message))  # nothing recorded: not tried
        except Held as exc:
            report.held.append((change, str(exc)))  # the ledger keeps what we last wrote
        except FatalRemoteError as exc:
            if not isinstance(exc, SourceError) or "401" in str(exc):
                raise
            _fail(change, ledger, report, str(exc))
        except HpsyncError as exc:
            _fail(change, ledger, report, str(exc))
        else:
            if wrote:
                report.written[f"{change.key[2].value}.{change.op.value}"] += 1
            else:
                report.already += 1
            ledger.put(_entry(change))
        progress(1)
    return report


def _entry(change: Change) -> LedgerEntry:
    session_sid, learner_sid, kind = change.key
    if change.intent is None:
        assert change.previous is not None
        return replace(change.previous, status=Status.REMOVED, detail="", attempts=0)
    intent = change.intent
    return LedgerEntry(
        session_sid,
        learner_sid,
        kind,
        Status.WRITTEN,
        intent.fingerprint,
        intent.start,
        intent.end,
        intent.justified,
        intent.reason,
        detail=f"{intent.minutes} min" if kind is MarkKind.DELAY else "",
    )


def _fail(change: Change, ledger: LedgerStore, report: PushReport, message: str) -> None:
    report.failures.append((change, message))
    previous = change.previous
    intent = change.intent
    if intent is not None:
        attempts = (previous.attempts if previous and previous.status is Status.FAILED else 0) + 1
        ledger.put(
            LedgerEntry(
                intent.session_sid,
                intent.learner_sid,
                intent.kind,
                Status.FAILED,
                "",
                intent.start,
                intent.end,
                intent.justified,
                intent.reason,
                message,
                attempts,
            )
        )
    elif previous is not None:
        ledger.put(
            replace(previous, detail=f"removal failed: {message}", attempts=previous.attempts + 1)
        )


def _apply(change: Change, sink: AttendanceSink, motif_of: Callable[[str], str]) -> bool:
    """Perform one change; False when Hyperplanning already held the wanted state."""
    kind = change.key[2]
    lk = learner_key(change.key[1])
    previous = change.previous
    if change.op is Op.REMOVE or (
        change.op is Op.REWRITE
        and previous is not None
        and change.intent is not None
        and (previous.start, previous.end) != (change.intent.start, change.intent.end)
    ):
        assert previous is not None
        _remove(kind, lk, previous.start, previous.end, sink)
        if change.op is Op.REMOVE:
            return True
    assert change.intent is not None
    # Exhaustive on purpose: a new kind fails type checking here until it is handled.
    match kind:
        case MarkKind.DELAY:
            return _write_delay(lk, change.intent, sink, motif_of)
        case MarkKind.ABSENCE | MarkKind.EARLY_DEPARTURE:  # the part missed is an absence
            return _write_absence(lk, change.intent, sink, motif_of)
        case _:
            assert_never(kind)


def _remove(kind: MarkKind, lk: int, start: datetime, end: datetime, sink: AttendanceSink) -> None:
    match kind:
        case MarkKind.DELAY:
            sink.remove_delay(lk, start)
        case MarkKind.ABSENCE | MarkKind.EARLY_DEPARTURE:
            _keep_others_whole(lk, start, end, sink)
            sink.remove_absence(lk, start, end)
        case _:
            assert_never(kind)


def _keep_others_whole(lk: int, start: datetime, end: datetime, sink: AttendanceSink) -> None:
    """Refuse to clear [start, end) when another absence overlaps it: Hyperplanning's
    removal works on an interval (its effect on an overlapping absence is unknown, [I]),
    and an absence entered by staff (07:00-19:00) must never get a hole cut in it."""
    others = [a for a in sink.absences_between(lk, start, end) if (a.start, a.end) != (start, end)]
    if others:
        spans = ", ".join(f"{a.start:%Y-%m-%d %H:%M}–{a.end:%H:%M}" for a in others[:3])
        raise Held(
            f"an absence entered in Hyperplanning ({spans}) overlaps {start:%Y-%m-%d %H:%M}–"
            f"{end:%H:%M}: not changed, to keep it whole; correct it by hand if needed"
        )


def _write_absence(
    lk: int, intent: Intent, sink: AttendanceSink, motif_of: Callable[[str], str]
) -> bool:
    existing = [
        a
        for a in sink.absences_between(lk, intent.start, intent.end)
        if a.start == intent.start and a.end == intent.end
    ]
    if existing and all(a.justified == intent.justified for a in existing):
        return False
    if existing:
        # No public operation changes the justified flag in place: remove, then add again
        # (docs/attendance.md), only when nothing else would be cut.
        _keep_others_whole(lk, intent.start, intent.end, sink)
        sink.remove_absence(lk, intent.start, intent.end)
    sink.add_absence(
        lk, intent.start, intent.end, justified=intent.justified, reason=motif_of(intent.reason)
    )
    return True


def _write_delay(
    lk: int, intent: Intent, sink: AttendanceSink, motif_of: Callable[[str], str]
) -> bool:
    window_end = intent.end + timedelta(minutes=1)
    existing = [
        d for d in sink.delays_between(lk, intent.start, window_end) if d.at == intent.start
    ]
    if existing and all(
        d.minutes == intent.minutes and d.justified == intent.justified for d in existing
    ):
        return False
    if existing:
        sink.remove_delay(lk, intent.start)
    sink.add_delay(
        lk, intent.start, intent.minutes, justified=intent.justified, reason=motif_of(intent.reason)
    )
    return True
