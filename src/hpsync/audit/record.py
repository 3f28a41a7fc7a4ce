"""Keep a run's inputs: what Hyperplanning and Edusign looked like when it was planned.

``run_down`` wraps its target in a ``ReadRecorder`` (so the remote state it planned from is
kept without a second read) and, for a non-dry run, calls ``record_inputs`` right after
planning: the snapshot (as a school file), the remote state, what the store said we had
pushed and the account's rules are stored content-addressed, with the plan hash.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from hpsync.audit.codec import pushed_document, remote_document, rules_to_json
from hpsync.engine.plan import Plan, PlanItem
from hpsync.engine.remote import RemoteState, Settle
from hpsync.model import Kind, Snapshot
from hpsync.ports import TargetAccount, WriteOutcome
from hpsync.rules.policy import AccountRules
from hpsync.school.dump import school_document
from hpsync.state import StateStore
from hpsync.state.audit import RunInputsRow, put_blob, record_run_inputs


class _PushState(Protocol):
    def pushed_in_order(self) -> Iterator[tuple[str, str, str, str]]: ...


class SnapshotBlob:
    """The snapshot of a run, stored once: every account planned from it names the same
    blob, and the second account waits for the first instead of writing it again."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._lock = threading.Lock()
        self._stored: tuple[StateStore, str] | None = None

    def digest(self, store: StateStore) -> str:
        """The snapshot's digest, stored in ``store`` on the first call."""
        with self._lock:
            if self._stored is None or self._stored[0] is not store:
                self._stored = (store, put_blob(store, "snapshot", school_document(self.snapshot)))
            return self._stored[1]


class ReadRecorder:
    """A target that remembers the last remote state it read; everything else passes."""

    def __init__(self, target: TargetAccount) -> None:
        self.target = target
        self.name = target.name
        self.remote: RemoteState | None = None

    def read(
        self,
        *,
        since: datetime,
        until: datetime,
        changed_since: datetime | None = None,
        sessions: Collection[str] = (),
        settle: Settle | None = None,
    ) -> RemoteState:
        self.remote = self.target.read(
            since=since,
            until=until,
            changed_since=changed_since,
            sessions=sessions,
            settle=settle,
        )
        return self.remote

    def write(
        self, kind: Kind, items: Sequence[PlanItem], ids: Mapping[str, str]
    ) -> list[WriteOutcome]:
        return self.target.write(kind, items, ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


def record_inputs(
    store: StateStore,
    run_id: int,
    snapshot: SnapshotBlob,
    rules: AccountRules,
    reads: ReadRecorder,
    state: _PushState,
    plan: Plan,
    now: datetime,
) -> RunInputsRow:
    """Store the inputs of a run (deduplicated) and name them on the run. Each document is
    written as it is made (``json_stream``): the remote state's records and the journal's
    rows one at a time, never a second copy of them whole."""
    remote = reads.remote if reads.remote is not None else RemoteState()
    row = RunInputsRow(
        run_id,
        plan.account,
        plan.plan_hash,
        now,
        snapshot.digest(store),
        put_blob(store, "remote", remote_document(remote)),
        put_blob(store, "pushed", pushed_document(state.pushed_in_order)),
        put_blob(store, "rules", rules_to_json(rules)),
    )
    record_run_inputs(store, row)
    return row
