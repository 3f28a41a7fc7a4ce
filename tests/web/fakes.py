"""An in-memory stand-in for the state store, with the StateStore method names the
dashboard reads plus the writes the test data needs (so one filler fills both)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from hpsync.state.audit import RunInputsRow
from hpsync.state.marks import MarkRow, NotificationRow
from hpsync.state.rows import LedgerRow, MappingRow, PlanItemRow, RunRow


class FakeStore:
    """Dict-backed runs, plan items, ledger, mappings, meta, send log and run inputs."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._runs: dict[int, RunRow] = {}
        self._items: dict[int, list[PlanItemRow]] = {}
        self._ledger: dict[tuple[str, str, str, str], LedgerRow] = {}
        self._mappings: dict[tuple[str, str, str], MappingRow] = {}
        self._meta: dict[tuple[str, str], str] = {}
        self._sent: list[NotificationRow] = []
        self._inputs: dict[int, RunInputsRow] = {}
        self._marks: dict[tuple[str, str, str], MarkRow] = {}

    # -- writes (same signatures as StateStore) ------------------------------------------
    def start_run(
        self,
        account: str,
        flow: str,
        *,
        dry_run: bool = False,
        meta: Mapping[str, Any] | None = None,
    ) -> int:
        run_id = len(self._runs) + 1
        meta_copy = json.loads(json.dumps(dict(meta or {})))
        self._runs[run_id] = RunRow(
            run_id, account, flow, dry_run, self._clock(), None, None, {}, "", meta_copy
        )
        return run_id

    def finish_run(
        self, run_id: int, outcome: str, counts: Mapping[str, int], *, error: str = ""
    ) -> None:
        run = self._runs[run_id]
        self._runs[run_id] = replace(
            run, finished_at=self._clock(), outcome=outcome, counts=dict(counts), error=error
        )

    def add_plan_items(self, run_id: int, items: Sequence[PlanItemRow]) -> None:
        self._items.setdefault(run_id, []).extend(items)

    def set_item_outcomes(self, run_id: int, outcomes: Mapping[str, tuple[str, str]]) -> None:
        self._items[run_id] = [
            replace(i, outcome=outcomes[i.item_key][0], message=outcomes[i.item_key][1])
            if i.item_key in outcomes
            else i
            for i in self._items.get(run_id, [])
        ]

    def ledger_put(self, row: LedgerRow) -> None:
        key = (row.account, row.session_sid, row.learner_sid, row.mark_kind)
        self._ledger[key] = row

    def put_mappings(self, account: str, rows: Sequence[MappingRow]) -> None:
        for r in rows:
            self._mappings[(account, r.kind, r.source_id)] = r

    def set_meta(self, account: str, key: str, value: str) -> None:
        self._meta[(account, key)] = value

    def add_notification_rows(self, rows: Sequence[NotificationRow]) -> None:
        self._sent.extend(replace(r, created_at=r.created_at or self._clock()) for r in rows)

    def record_run_inputs(self, row: RunInputsRow) -> None:
        self._inputs[row.run_id] = row

    def record_mark_rows(self, account: str, rows: Sequence[MarkRow]) -> None:
        for row in rows:
            self._marks[(account, row.session_sid, row.learner_sid)] = row

    # -- reads (what the dashboard uses) -------------------------------------------------
    def get_meta(self, account: str, key: str) -> str | None:
        return self._meta.get((account, key))

    def notifications(self, account: str, limit: int) -> list[NotificationRow]:
        rows = [r for r in self._sent if r.account == account]
        return sorted(rows, key=lambda r: (r.created_at, r.dedup_key), reverse=True)[:limit]

    def marks(self, account: str, *, since: datetime | None = None) -> list[MarkRow]:
        rows = [
            r
            for (a, _, _), r in self._marks.items()
            if a == account and (since is None or r.session_start >= since)
        ]
        return sorted(rows, key=lambda r: (r.learner_sid, r.session_start, r.session_sid))

    def run_inputs(self, run_id: int) -> RunInputsRow | None:
        return self._inputs.get(run_id)

    def runs(self, account: str | None = None, limit: int = 50) -> list[RunRow]:
        rows = [r for r in self._runs.values() if account is None or r.account == account]
        return sorted(rows, key=lambda r: r.run_id, reverse=True)[:limit]

    def get_run(self, run_id: int) -> RunRow | None:
        return self._runs.get(run_id)

    def plan_items(self, run_id: int) -> list[PlanItemRow]:
        return list(self._items.get(run_id, []))

    def ledger(
        self, account: str, *, status: str | None = None, since: datetime | None = None
    ) -> list[LedgerRow]:
        rows = [
            r
            for r in self._ledger.values()
            if r.account == account
            and (status is None or r.status == status)
            and (since is None or r.updated_at >= since)
        ]
        return sorted(rows, key=lambda r: (r.session_sid, r.learner_sid, r.mark_kind))

    def mappings(self, account: str, kind: str | None = None) -> list[MappingRow]:
        rows = [r for (a, k, _), r in self._mappings.items() if a == account and kind in (None, k)]
        return sorted(rows, key=lambda r: (r.kind, r.source_id))
