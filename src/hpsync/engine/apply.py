"""The executor: writes a plan in batches, committing each batch before the next.

Writes are upserts keyed by source identity, and each batch's outcome is committed to the
journal (the state store) before the next batch starts, so a crash at any point leaves at
most one batch whose remote writes are not yet recorded; the next run finds those records
by their external id (ADOPT) instead of creating them again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hpsync.engine.desired import KIND_ORDER
from hpsync.engine.plan import Action, Plan, PlanItem
from hpsync.errors import RetriableRemoteError
from hpsync.model import Kind
from hpsync.ports import TargetAccount, WriteOutcome

# PROTECTED: a sheet we must not touch is still recorded when the journal does not know it
# yet (created by a run whose answer was lost), so it stays ours.
BOOKKEEPING = (Action.ADOPT, Action.FORGET, Action.PROTECTED)


class Journal(Protocol):
    """Where the outcome of each batch is committed (the state store, or a fake)."""

    def commit(self, kind: Kind, results: Sequence[tuple[PlanItem, WriteOutcome]]) -> None: ...


@dataclass(slots=True)
class ApplyResult:
    """Counts of what was done, and the failures with their messages."""

    done: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[PlanItem, str]] = field(default_factory=list)
    batches: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def _chunks(items: Sequence[PlanItem], size: int) -> Iterator[Sequence[PlanItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def apply_plan(
    plan: Plan,
    target: TargetAccount,
    journal: Journal,
    ids: Mapping[str, str],
    *,
    batch_size: int = 1000,
    fence: Callable[[], None] = lambda: None,
    progress: Callable[[int], None] = lambda n: None,
) -> ApplyResult:
    """Execute the plan's writes kind by kind (referenced records first)."""
    known = dict(ids)
    result = ApplyResult()
    for kind in KIND_ORDER:
        mine = [item for item in plan.items if item.kind is kind]
        keep = [item for item in mine if item.action in BOOKKEEPING]
        if keep:
            journal.commit(kind, [(i, WriteOutcome(i.key, True, i.remote_id)) for i in keep])
            for item in keep:
                result.done[f"{kind.value}.{item.action.value}"] += 1
                if item.action is Action.ADOPT:
                    known[item.sid] = item.remote_id
        writes = [item for item in mine if item.action.writes]
        for batch in _chunks(writes, batch_size):
            fence()  # a stale worker must stop before writing, not after
            try:
                outcomes = target.write(kind, batch, known)
            except RetriableRemoteError as exc:
                outcomes = [WriteOutcome(i.key, False, i.remote_id, str(exc), True) for i in batch]
            result.batches += 1
            journal.commit(kind, list(zip(batch, outcomes, strict=True)))
            for item, outcome in zip(batch, outcomes, strict=True):
                if outcome.ok:
                    result.done[f"{kind.value}.{item.action.value}"] += 1
                    if item.action is not Action.REMOVE:
                        known[item.sid] = outcome.remote_id
                else:
                    result.failures.append((item, outcome.message))
            progress(len(batch))
    return result
