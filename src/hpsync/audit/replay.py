"""Replay a recorded run: its stored inputs, planned again, must give the same writes.

The stored school file is loaded with the one school codec (``hpsync.school``, the loader a
real read goes through too); the plan is then computed against the stored Edusign remote
state and the stored push state, at the instant the run planned for. No service is run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hpsync.audit.codec import pushed_from_json, remote_from_json, rules_from_json
from hpsync.engine.desired import build_desired
from hpsync.engine.diff import build_plan
from hpsync.engine.explained import Change, Explained, explain_item, explain_rows
from hpsync.engine.plan import Plan
from hpsync.errors import UsageError
from hpsync.locale import Reader
from hpsync.model import Snapshot
from hpsync.school.load import snapshot_from_school
from hpsync.state import StateStore
from hpsync.state.audit import RunInputsRow, get_blob, run_inputs


@dataclass(slots=True)
class ReplayReport:
    """The recorded and recomputed plans of one run, and how they differ."""

    run_id: int
    account: str
    recorded_hash: str
    replayed_hash: str
    plan: Plan
    differences: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return self.recorded_hash == self.replayed_hash

    def lines(self) -> list[str]:
        verdict = "reproduced" if self.same else "DIFFERENT"
        out = [
            f"run {self.run_id} ({self.account}): {verdict}",
            f"  recorded plan {self.recorded_hash}",
            f"  replayed plan {self.replayed_hash}",
            f"  writes {len(self.plan.writes())}",
        ]
        out += [f"  {d}" for d in self.differences[:50]]
        return out


def replay_run(store: StateStore, run_id: int) -> ReplayReport:
    """Plan a recorded run again from its stored inputs (the school codec, no service)."""
    row = run_inputs(store, run_id)
    if row is None:
        raise UsageError(
            f"run {run_id} has no recorded inputs",
            hint="only non-dry down runs keep their inputs, until `hpsync runs prune`",
        )
    school = get_blob(store, row.snapshot_digest)
    snapshot = snapshot_from_school(school)
    settings = get_blob(store, row.rules_digest)
    if isinstance(settings, dict) and settings.get("flow") == "up":
        return _replay_up(store, row, snapshot, settings)
    rules = rules_from_json(settings)
    remote = remote_from_json(get_blob(store, row.remote_digest))
    pushed = pushed_from_json(get_blob(store, row.pushed_digest))
    plan = build_plan(
        build_desired(snapshot, rules),
        remote,
        pushed,
        now=row.planned_at,
        adopt_sessions=rules.adopt_sessions,
    )
    report = ReplayReport(run_id, row.account, row.plan_hash, plan.plan_hash, plan)
    recorded = {i.key: i for i in explain_rows(store.plan_items(run_id)) if i.kind != "anomaly"}
    replayed = {i.key: explain_item(i) for i in plan.items if i.action.value != "unchanged"}
    reader = Reader("en", snapshot.base.timezone)
    for key in sorted(set(recorded) | set(replayed)):
        before, after = recorded.get(key), replayed.get(key)
        if _content(before) != _content(after):
            report.differences.append(_difference(key, before, after, reader))
    return report


def _content(item: Explained | None) -> tuple[str, str, tuple[Change, ...]] | None:
    """What an item says: its action, the record as the engine names it, field changes."""
    return None if item is None else (item.action, item.summary, item.changes)


def _difference(key: str, before: Explained | None, after: Explained | None, reader: Reader) -> str:
    """One differing item, named as every face names it, with both versions' fields."""
    either = after or before
    name = f"{key} {either.name(reader)}".strip() if either else key
    return (
        f"{name}: recorded {before.what(reader) if before else '-'}; "
        f"replayed {after.what(reader) if after else '-'}"
    )


def _replay_up(
    store: StateStore, row: RunInputsRow, snapshot: Snapshot, settings: dict[str, Any]
) -> ReplayReport:
    """An attendance run: recompute its changes from the sheets and ledger it read."""
    from hpsync.attendance.plan import plan_attendance
    from hpsync.audit.up_inputs import (
        aliases_from_json,
        changes_hash,
        ledger_from_json,
        policy_from_json,
        sheets_from_json,
    )

    sheets = sheets_from_json(get_blob(store, row.remote_digest))
    ledger = ledger_from_json(get_blob(store, row.pushed_digest))
    plan = plan_attendance(
        snapshot,
        sheets,
        ledger,
        policy_from_json(settings),
        now=row.planned_at,
        aliases=aliases_from_json(settings),
    )
    replayed = changes_hash(plan.changes)
    report = ReplayReport(
        row.run_id, row.account, row.plan_hash, replayed, Plan(row.account, "", ())
    )
    if replayed != row.plan_hash:
        report.differences.append(
            f"attendance changes differ: {len(plan.changes)} recomputed "
            f"({', '.join(sorted({c.op.value for c in plan.changes}))})"
        )
    return report
