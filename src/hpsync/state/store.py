"""The state store: what hpsync pushed, what it planned and did, and who holds an account.

One ``StateStore`` per process is enough and may be shared between threads. Each method
is its own transaction, unless called inside ``transaction()``: then every call joins one
unit of work that commits at the end or rolls back on an exception (the executor commits
each applied batch this way, with its plan-item outcomes).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import Engine, Row, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from hpsync import clock
from hpsync.state import lease as leases
from hpsync.state import schema as t
from hpsync.state.engine import WRITE_OPTION, make_engine
from hpsync.state.migrate import upgrade_to_head
from hpsync.state.rekey import rekey as _rekey
from hpsync.state.rows import (
    LEDGER_STATUSES,
    MAPPING_STATES,
    MARK_KINDS,
    Lease,
    LedgerRow,
    MappingRow,
    PlanItemRow,
    RunRow,
)
from hpsync.state.sql import chunks, upsert

#: plan rows sent per INSERT: a bounded list of parameters, not one per item of the plan
PLAN_ROWS_PER_INSERT = 2000

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return clock.now()


class StateStore:
    """SQLAlchemy Core store over SQLite (default) or PostgreSQL, every row scoped by account."""

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._reader = engine.execution_options(**{WRITE_OPTION: False})
        self._clock: Clock = clock or _utc_now
        self._local = threading.local()

    @classmethod
    def open(cls, url: str, *, clock: Clock | None = None) -> StateStore:
        """Connect and create or migrate the schema to head (a no-op when already there)."""
        engine = make_engine(url)
        try:
            upgrade_to_head(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, clock=clock)

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    # -- unit of work -------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Join every call inside into one transaction; nested calls join the outer one."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        with self._engine.begin() as conn:
            self._local.conn = conn
            try:
                yield
            finally:
                self._local.conn = None

    @contextmanager
    def _conn(self, *, write: bool) -> Iterator[Connection]:
        current: Connection | None = getattr(self._local, "conn", None)
        if current is not None:
            yield current
            return
        with (self._engine if write else self._reader).begin() as conn:
            yield conn

    def now(self) -> datetime:
        """The store's clock (the one clock, or the one a test injected)."""
        return self._clock()

    def writing(self) -> AbstractContextManager[Connection]:
        """A connection in a write transaction, for a module of this package (events)."""
        return self._conn(write=True)

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for reads, for a module of this package."""
        return self._conn(write=False)

    # -- mappings -----------------------------------------------------------------------

    def get_mapping(self, account: str, kind: str, source_id: str) -> MappingRow | None:
        """The mapping of one source record, or None when never pushed."""
        m = t.mappings.c
        query = select(t.mappings).where(
            m.account == account, m.kind == kind, m.source_id == source_id
        )
        with self._conn(write=False) as conn:
            row = conn.execute(query).first()
        return _mapping(row) if row is not None else None

    def mappings(self, account: str, kind: str | None = None) -> list[MappingRow]:
        """Every mapping of the account (of one kind when given), ordered by kind and id."""
        m = t.mappings.c
        query = select(t.mappings).where(m.account == account)
        if kind is not None:
            query = query.where(m.kind == kind)
        with self._conn(write=False) as conn:
            rows = conn.execute(query.order_by(m.kind, m.source_id)).all()
        return [_mapping(r) for r in rows]

    def active_mappings(self, account: str) -> Iterator[tuple[str, str, str, str]]:
        """``(kind, source_id, remote_id, content_hash)`` of the account's active mappings,
        by kind then source id, streamed: the journal of a big account (270k records) is
        read into the engine's form without a MappingRow, or a row object, per record held
        at once."""
        m = t.mappings.c
        # by code point, as Python sorts (SQLite's own order; PostgreSQL's locale may differ)
        order = (
            (m.kind.collate("C"), m.source_id.collate("C"))
            if self.dialect == "postgresql"
            else (m.kind, m.source_id)
        )
        query = (
            select(m.kind, m.source_id, m.remote_id, m.content_hash)
            .where(m.account == account, m.state == "active")
            .order_by(*order)
            .execution_options(yield_per=5000)
        )
        with self._conn(write=False) as conn:
            yield from ((k, s, r, h) for k, s, r, h in conn.execute(query))  # no Row kept

    def put_mappings(self, account: str, rows: Sequence[MappingRow]) -> None:
        """Insert or replace mappings in one transaction (one executemany)."""
        for row in rows:
            if row.account != account:
                raise ValueError(f"mapping of account {row.account!r} put under {account!r}")
            if row.state not in MAPPING_STATES:
                raise ValueError(f"mapping state {row.state!r} not in {MAPPING_STATES}")
        if not rows:
            return
        params = [
            {
                "account": r.account,
                "kind": r.kind,
                "source_id": r.source_id,
                "remote_id": r.remote_id,
                "content_hash": r.content_hash,
                "pushed_at": r.pushed_at,
                "state": r.state,
                "remote_fingerprint": r.remote_fingerprint,
            }
            for r in rows
        ]
        with self._conn(write=True) as conn:
            conn.execute(upsert(conn, t.mappings, ["account", "kind", "source_id"]), params)

    def delete_mappings(self, account: str, kind: str, source_ids: Sequence[str]) -> None:
        """Forget mappings; unknown ids are ignored."""
        m = t.mappings.c
        with self._conn(write=True) as conn:
            for part in chunks(list(source_ids)):
                conn.execute(
                    delete(t.mappings).where(
                        m.account == account, m.kind == kind, m.source_id.in_(part)
                    )
                )

    def rekey(self, account: str, renames: Mapping[str, str], *, ledger: bool = True) -> int:
        """Rename source ids (old → new) in mappings (and the ledger unless ``ledger`` is
        False) at once; rows changed."""
        with self._conn(write=True) as conn:
            return _rekey(conn, account, dict(renames), ledger=ledger)

    def record_renames(self, account: str, renames: Mapping[str, str]) -> None:
        """Remember identities renamed by a yearly switch (old → new), replacing earlier ones."""
        rows = [
            {"account": account, "old_sid": old, "new_sid": new, "switched_at": self._clock()}
            for old, new in renames.items()
            if old != new
        ]
        if not rows:
            return
        with self._conn(write=True) as conn:
            stmt = upsert(conn, t.identity_renames, ["account", "old_sid"])
            for part in chunks(rows):
                conn.execute(stmt, list(part))

    def renames(self, account: str) -> dict[str, str]:
        """Every identity a yearly switch renamed for the account, old → new."""
        query = select(t.identity_renames.c.old_sid, t.identity_renames.c.new_sid).where(
            t.identity_renames.c.account == account
        )
        with self._conn(write=False) as conn:
            return {str(old): str(new) for old, new in conn.execute(query)}

    # -- runs and their plans -----------------------------------------------------------

    def start_run(
        self,
        account: str,
        flow: str,
        *,
        dry_run: bool = False,
        meta: Mapping[str, Any] | None = None,
    ) -> int:
        """Record the start of a run; returns its id (increasing)."""
        values = {
            "account": account,
            "flow": flow,
            "dry_run": dry_run,
            "started_at": self._clock(),
            "finished_at": None,
            "outcome": None,
            "counts_json": "{}",
            "error": "",
            "meta_json": json.dumps(dict(meta or {}), sort_keys=True),
        }
        with self._conn(write=True) as conn:
            key = conn.execute(insert(t.runs).values(values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish_run(
        self, run_id: int, outcome: str, counts: Mapping[str, int], *, error: str = ""
    ) -> None:
        """Record how a run ended; KeyError for an unknown run."""
        stmt = (
            update(t.runs)
            .where(t.runs.c.run_id == run_id)
            .values(
                finished_at=self._clock(),
                outcome=outcome,
                counts_json=json.dumps(dict(counts), sort_keys=True),
                error=error,
            )
        )
        with self._conn(write=True) as conn:
            if conn.execute(stmt).rowcount != 1:
                raise KeyError(f"no run {run_id}")

    def runs(self, account: str | None = None, limit: int = 50) -> list[RunRow]:
        """The latest runs, newest first (of one account when given)."""
        query = select(t.runs)
        if account is not None:
            query = query.where(t.runs.c.account == account)
        with self._conn(write=False) as conn:
            rows = conn.execute(query.order_by(t.runs.c.run_id.desc()).limit(limit)).all()
        return [_run(r) for r in rows]

    def get_run(self, run_id: int) -> RunRow | None:
        """One run, or None."""
        with self._conn(write=False) as conn:
            row = conn.execute(select(t.runs).where(t.runs.c.run_id == run_id)).first()
        return _run(row) if row is not None else None

    def add_plan_items(self, run_id: int, items: Iterable[PlanItemRow]) -> None:
        """Store planned items of a run, after those already stored (order is kept), in one
        transaction; ``items`` is read a part at a time (an initial plan of an XL school is
        half a million rows)."""
        p = t.plan_items.c
        rows = iter(items)
        part = list(islice(rows, PLAN_ROWS_PER_INSERT))
        if not part:
            return
        with self._conn(write=True) as conn:
            account = conn.execute(
                select(t.runs.c.account).where(t.runs.c.run_id == run_id)
            ).scalar()
            if account is None:
                raise KeyError(f"no run {run_id}")
            last = conn.execute(select(func.max(p.seq)).where(p.run_id == run_id)).scalar()
            start = 0 if last is None else int(last) + 1
            while part:
                conn.execute(
                    insert(t.plan_items),
                    [
                        {
                            "run_id": run_id,
                            "account": account,
                            "seq": start + n,
                            "item_key": i.item_key,
                            "kind": i.kind,
                            "action": i.action,
                            "source_id": i.source_id,
                            "remote_id": i.remote_id,
                            "summary": i.summary,
                            "details_json": i.details_json,
                            "outcome": i.outcome,
                            "message": i.message,
                        }
                        for n, i in enumerate(part)
                    ],
                )
                start += len(part)
                part = list(islice(rows, PLAN_ROWS_PER_INSERT))

    def set_item_outcomes(self, run_id: int, outcomes: Mapping[str, tuple[str, str]]) -> None:
        """Record what happened to items (item_key → (outcome, message)); unknown keys ignored."""
        if not outcomes:
            return
        p = t.plan_items.c
        stmt = (
            update(t.plan_items)
            .where(p.run_id == bindparam("b_run"), p.item_key == bindparam("b_key"))
            .values(outcome=bindparam("b_outcome"), message=bindparam("b_message"))
        )
        params = [
            {"b_run": run_id, "b_key": key, "b_outcome": outcome, "b_message": message}
            for key, (outcome, message) in outcomes.items()
        ]
        with self._conn(write=True) as conn:
            conn.execute(stmt, params)

    def plan_items(self, run_id: int) -> list[PlanItemRow]:
        """The plan of a run, in the order it was stored."""
        p = t.plan_items.c
        query = select(t.plan_items).where(p.run_id == run_id).order_by(p.seq)
        with self._conn(write=False) as conn:
            rows = conn.execute(query).all()
        return [
            PlanItemRow(
                r.item_key,
                r.kind,
                r.action,
                r.source_id,
                r.remote_id,
                r.summary,
                r.details_json,
                r.outcome,
                r.message,
            )
            for r in rows
        ]

    # -- attendance ledger --------------------------------------------------------------

    def ledger_get(
        self, account: str, session_sid: str, learner_sid: str, mark_kind: str
    ) -> LedgerRow | None:
        """The ledger row of one (session, learner, mark kind), or None."""
        c = t.ledger.c
        query = select(t.ledger).where(
            c.account == account,
            c.session_sid == session_sid,
            c.learner_sid == learner_sid,
            c.mark_kind == mark_kind,
        )
        with self._conn(write=False) as conn:
            row = conn.execute(query).first()
        return _ledger(row) if row is not None else None

    def ledger(
        self, account: str, *, status: str | None = None, since: datetime | None = None
    ) -> list[LedgerRow]:
        """Ledger rows of the account, optionally of one status / updated at or after since."""
        c = t.ledger.c
        query = select(t.ledger).where(c.account == account)
        if status is not None:
            query = query.where(c.status == status)
        if since is not None:
            query = query.where(c.updated_at >= since)
        query = query.order_by(c.session_sid, c.learner_sid, c.mark_kind)
        with self._conn(write=False) as conn:
            rows = conn.execute(query).all()
        return [_ledger(r) for r in rows]

    def ledger_put(self, row: LedgerRow) -> None:
        """Insert or replace one ledger row."""
        if row.mark_kind not in MARK_KINDS:
            raise ValueError(f"mark kind {row.mark_kind!r} not in {MARK_KINDS}")
        if row.status not in LEDGER_STATUSES:
            raise ValueError(f"ledger status {row.status!r} not in {LEDGER_STATUSES}")
        keys = ["account", "session_sid", "learner_sid", "mark_kind"]
        values = {c.name: getattr(row, c.name) for c in t.ledger.columns}
        with self._conn(write=True) as conn:
            conn.execute(upsert(conn, t.ledger, keys).values(values))

    # -- meta ---------------------------------------------------------------------------

    def get_meta(self, account: str, key: str) -> str | None:
        """A value stored for the account (last poll time, base followed, ...), or None."""
        query = select(t.meta.c.value).where(t.meta.c.account == account, t.meta.c.key == key)
        with self._conn(write=False) as conn:
            value = conn.execute(query).scalar()
        return None if value is None else str(value)

    def set_meta(self, account: str, key: str, value: str) -> None:
        """Store or replace a value for the account."""
        with self._conn(write=True) as conn:
            stmt = upsert(conn, t.meta, ["account", "key"])
            conn.execute(stmt.values(account=account, key=key, value=value))

    # -- lease --------------------------------------------------------------------------

    def acquire_lease(self, account: str, holder: str, ttl_seconds: float) -> Lease:
        """Take the account for ttl_seconds; LeaseHeld when another live run holds it."""
        with self._conn(write=True) as conn:
            return leases.acquire(conn, account, holder, ttl_seconds, self._clock())

    def renew_lease(self, lease: Lease, ttl_seconds: float) -> Lease:
        """Extend our lease from now; LeaseHeld when it was lost."""
        with self._conn(write=True) as conn:
            return leases.renew(conn, lease, ttl_seconds, self._clock())

    def release_lease(self, lease: Lease) -> None:
        """Give the account back (a lease already lost is left to its new holder)."""
        with self._conn(write=True) as conn:
            leases.release(conn, lease, self._clock())

    def check_fence(self, lease: Lease) -> None:
        """LeaseHeld unless the lease is still ours: a stale worker must stop writing."""
        with self._conn(write=True) as conn:
            leases.check(conn, lease, self._clock())

    def interrupt_runs(self, account: str, *, reason: str) -> list[int]:
        """End every run of the account still marked running: called by whoever holds the
        account's lease (or finds it free), so no live run can be among them."""
        with self._conn(write=True) as conn:
            ids = [
                int(r)
                for r in conn.execute(
                    select(t.runs.c.run_id).where(
                        t.runs.c.account == account, t.runs.c.outcome.is_(None)
                    )
                ).scalars()
            ]
            if ids:
                conn.execute(
                    update(t.runs)
                    .where(t.runs.c.run_id.in_(ids))
                    .values(outcome="interrupted", finished_at=self._clock(), error=reason)
                )
        return ids

    def lease_holder(self, account: str) -> str | None:
        """Who holds the account's live lease, if anyone."""
        with self._conn(write=False) as conn:
            return leases.live_holder(conn, account, self._clock())

    def reclaim_lease(self, account: str, dead_holder: str) -> bool:
        """Expire a live lease of a holder known to be dead (same host, process gone)."""
        with self._conn(write=True) as conn:
            return leases.reclaim(conn, account, dead_holder, self._clock())


def _mapping(r: Row[Any]) -> MappingRow:
    return MappingRow(
        r.account,
        r.kind,
        r.source_id,
        r.remote_id,
        r.content_hash,
        r.pushed_at,
        r.state,
        r.remote_fingerprint,
    )


def _run(r: Row[Any]) -> RunRow:
    return RunRow(
        r.run_id,
        r.account,
        r.flow,
        bool(r.dry_run),
        r.started_at,
        r.finished_at,
        r.outcome,
        json.loads(r.counts_json),
        r.error,
        json.loads(r.meta_json),
    )


def _ledger(r: Row[Any]) -> LedgerRow:
    return LedgerRow(
        r.account,
        r.session_sid,
        r.learner_sid,
        r.mark_kind,
        r.status,
        r.fingerprint,
        r.hp_start,
        r.hp_end,
        bool(r.justified),
        r.reason,
        r.detail,
        int(r.attempts),
        r.updated_at,
    )
