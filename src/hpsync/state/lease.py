"""Per-account leases with fencing tokens: one sync per account at a time.

Acquisition is one ``INSERT … ON CONFLICT DO UPDATE … WHERE expired`` statement, atomic
on SQLite and PostgreSQL, so two runs racing for an account can never both win. The row
is never deleted (release just expires it), so the token only ever grows: a worker that
lost its lease sees a newer token and must stop writing (``check``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from hpsync.errors import LeaseHeld
from hpsync.state import schema as t
from hpsync.state.rows import Lease
from hpsync.state.sql import stamp, upsert, utc

_HOLDER_HINT = (
    "wait for that run to finish; if it crashed, its lease expires by itself "
    "and the next run takes over"
)
_LOST_HINT = "this worker must stop writing; the next run will resume from the state store"


def acquire(conn: Connection, account: str, holder: str, ttl: float, now: datetime) -> Lease:
    """Take the account's lease if free or expired; LeaseHeld names the live holder."""
    if ttl <= 0:
        raise ValueError(f"lease ttl must be positive, got {ttl}")
    now = utc(now)
    expires = now + timedelta(seconds=ttl)
    values = {
        "account": account,
        "holder": holder,
        "token": 1,
        "acquired_at": now,
        "expires_at": expires,
    }
    stmt = upsert(
        conn,
        t.leases,
        ["account"],
        set_={
            "holder": holder,
            "token": t.leases.c.token + 1,
            "acquired_at": now,
            "expires_at": expires,
        },
        where=t.leases.c.expires_at <= now,
    )
    token = conn.execute(stmt.values(values).returning(t.leases.c.token)).scalar()
    if token is None:
        current = conn.execute(select(t.leases).where(t.leases.c.account == account)).one()
        raise LeaseHeld(
            f"account {account!r} is being synced by {current.holder} since "
            f"{stamp(current.acquired_at)} (lease expires {stamp(current.expires_at)})",
            hint=_HOLDER_HINT,
        )
    return Lease(account, holder, int(token), expires)


def renew(conn: Connection, lease: Lease, ttl: float, now: datetime) -> Lease:
    """Extend a lease still ours; LeaseHeld when it expired or was taken over."""
    if ttl <= 0:
        raise ValueError(f"lease ttl must be positive, got {ttl}")
    now = utc(now)
    expires = now + timedelta(seconds=ttl)
    done = conn.execute(
        update(t.leases)
        .where(
            t.leases.c.account == lease.account,
            t.leases.c.token == lease.token,
            t.leases.c.expires_at > now,
        )
        .values(expires_at=expires)
    )
    if done.rowcount != 1:
        raise _lost(conn, lease, now)
    return Lease(lease.account, lease.holder, lease.token, expires)


def release(conn: Connection, lease: Lease, now: datetime) -> None:
    """Expire our lease now (kept, so tokens stay monotonic); a lost lease is left alone."""
    now = utc(now)
    conn.execute(
        update(t.leases)
        .where(
            t.leases.c.account == lease.account,
            t.leases.c.token == lease.token,
            t.leases.c.expires_at > now,
        )
        .values(expires_at=now)
    )


def check(conn: Connection, lease: Lease, now: datetime) -> None:
    """Raise LeaseHeld unless the lease is still ours and live (row locked on PostgreSQL)."""
    now = utc(now)
    row = conn.execute(
        select(t.leases.c.token, t.leases.c.expires_at)
        .where(t.leases.c.account == lease.account)
        .with_for_update()
    ).first()
    if row is None or row.token != lease.token or row.expires_at <= now:
        raise _lost(conn, lease, now)


def _lost(conn: Connection, lease: Lease, now: datetime) -> LeaseHeld:
    current = conn.execute(select(t.leases).where(t.leases.c.account == lease.account)).first()
    if current is None:
        message = f"account {lease.account!r} has no lease: this run never held it"
    elif current.token != lease.token:
        message = (
            f"account {lease.account!r} was taken over by {current.holder} at "
            f"{stamp(current.acquired_at)} (lease expires {stamp(current.expires_at)}); "
            f"{lease.holder} lost its lease"
        )
    else:
        message = (
            f"the lease of {lease.holder} on account {lease.account!r} expired at "
            f"{stamp(current.expires_at)}"
        )
    return LeaseHeld(message, hint=_LOST_HINT)


def live_holder(conn: Connection, account: str, now: datetime) -> str | None:
    """The holder of the account's lease while it is live."""
    row = conn.execute(
        select(t.leases.c.holder).where(
            t.leases.c.account == account, t.leases.c.expires_at > utc(now)
        )
    ).first()
    return None if row is None else str(row.holder)


def reclaim(conn: Connection, account: str, dead_holder: str, now: datetime) -> bool:
    """Expire the lease if ``dead_holder`` still holds it; True when it did."""
    done = conn.execute(
        update(t.leases)
        .where(
            t.leases.c.account == account,
            t.leases.c.holder == dead_holder,
            t.leases.c.expires_at > utc(now),
        )
        .values(expires_at=utc(now))
    )
    return bool(done.rowcount == 1)
