"""Keep a run's inputs: what Hyperplanning and Edusign looked like when it was planned.

``run_down`` wraps its target in a ``ReadRecorder`` (so the remote state it planned from is
kept without a second read) and, for a non-dry run, calls ``record_inputs`` right after
planning: the snapshot (as a school file), the remote state, what the store said we had
pushed and the account's rules are stored content-addressed, with the plan hash.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from hpsync.audit.codec import pushed_to_json, remote_to_json, rules_to_json
from hpsync.engine.diff import Pushed
from hpsync.engine.plan import Plan, PlanItem
from hpsync.engine.remote import RemoteState
from hpsync.model import Kind, Snapshot
from hpsync.ports import TargetAccount, WriteOutcome
from hpsync.rules.policy import AccountRules
from hpsync.school.dump import snapshot_to_school
from hpsync.state import StateStore
from hpsync.state.audit import RunInputsRow, put_blob, record_run_inputs


class _PushState(Protocol):
    def pushed(self) -> dict[tuple[Kind, str], Pushed]: ...


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
    ) -> RemoteState:
        self.remote = self.target.read(
            since=since, until=until, changed_since=changed_since, sessions=sessions
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
    snapshot: Snapshot,
    rules: AccountRules,
    reads: ReadRecorder,
    state: _PushState,
    plan: Plan,
    now: datetime,
) -> RunInputsRow:
    """Store the inputs of a run (deduplicated) and name them on the run."""
    remote = reads.remote if reads.remote is not None else RemoteState()
    row = RunInputsRow(
        run_id,
        plan.account,
        plan.plan_hash,
        now,
        put_blob(store, "snapshot", snapshot_to_school(snapshot)),
        put_blob(store, "remote", remote_to_json(remote)),
        put_blob(store, "pushed", pushed_to_json(state.pushed())),
        put_blob(store, "rules", rules_to_json(rules)),
    )
    record_run_inputs(store, row)
    return row
