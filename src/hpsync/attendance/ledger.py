"""What to write back: desired intents vs the ledger of what was written (pure).

One ledger entry per (session, learner, kind). The ledger makes writes happen once; the
check-then-write in ``push`` makes them happen once even when the ledger lost a commit.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from hpsync.attendance.statuses import Intent, MarkKind

Key = tuple[str, str, MarkKind]  # session sid, learner sid, kind


class Status(enum.StrEnum):
    WRITTEN = "written"
    REMOVED = "removed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What hpsync last wrote into Hyperplanning for one key."""

    session_sid: str
    learner_sid: str
    kind: MarkKind
    status: Status
    fingerprint: str
    start: datetime
    end: datetime
    justified: bool = False
    reason: str = ""
    detail: str = ""
    attempts: int = 0

    @property
    def key(self) -> Key:
        return (self.session_sid, self.learner_sid, self.kind)


class Op(enum.StrEnum):
    WRITE = "write"  # nothing written yet (or last attempt failed)
    REWRITE = "rewrite"  # written, but the status changed (e.g. justified later)
    REMOVE = "remove"  # written earlier, no longer wanted (e.g. absent → present)


@dataclass(frozen=True, slots=True)
class Change:
    """One write-back step."""

    op: Op
    key: Key
    intent: Intent | None  # what to write (None for REMOVE)
    previous: LedgerEntry | None  # what was written (None for a first WRITE)


def changes(
    intents: Iterable[Intent],
    ledger: Mapping[Key, LedgerEntry],
    decided: Iterable[tuple[str, str]],
) -> list[Change]:
    """Changes for every (session, learner) whose status is final (``decided``)."""
    wanted = {(i.session_sid, i.learner_sid, i.kind): i for i in intents}
    out: list[Change] = []
    final = set(decided)
    # Removals first: removing an interval deletes every absence inside it, so a removal
    # after a write of a narrower absence (absent → left early) would erase that write.
    for key, written in sorted(ledger.items()):
        if key in wanted or written.status is not Status.WRITTEN:
            continue
        if (key[0], key[1]) in final:
            out.append(Change(Op.REMOVE, key, None, written))
    for key, intent in sorted(wanted.items()):
        entry = ledger.get(key)
        if entry is None or entry.status is not Status.WRITTEN:
            out.append(Change(Op.WRITE, key, intent, entry))
        elif entry.fingerprint != intent.fingerprint:
            out.append(Change(Op.REWRITE, key, intent, entry))
    return out
