"""Last outcome per account in a small Redis hash, for `hpsync worker status`.

The full history (plans, per-item outcomes) stays in the state store, written by the
runs themselves; this is only what an operator needs at a glance across schools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hpsync import clock
from hpsync.worker.command import Command


@dataclass(slots=True)
class Outcome:
    """What one task did: ok/partial/failed/busy/duplicate/retrying, and why."""

    status: str
    command: Command
    error: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    retry: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            **self.command.to_dict(),
            "error": self.error,
            "detail": self.detail,
        }


def _decode(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class StatusBoard:
    """One hash per account (keyed by its scope) plus an index of them."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self._redis = redis
        self._index = f"{prefix}:status:index"
        self._prefix = f"{prefix}:status:"

    def record(self, outcome: Outcome, *, now: datetime | None = None) -> None:
        """Remember the last outcome of this account's flow (and of the account)."""
        command = outcome.command
        stamp = (now or clock.now()).isoformat(timespec="seconds")
        key = self._prefix + command.scope
        self._redis.hset(
            key,
            mapping={
                "config": command.config,
                "account": command.account,
                "last_flow": command.flow,
                "last_status": outcome.status,
                "last_at": stamp,
                "last_error": outcome.error[:500],
                f"{command.flow}_status": outcome.status,
                f"{command.flow}_at": stamp,
                f"{command.flow}_detail": json.dumps(outcome.detail, default=str)[:2000],
            },
        )
        self._redis.sadd(self._index, command.scope)

    def rows(self) -> list[dict[str, str]]:
        """Every account's last outcome, sorted by config and account."""
        rows = []
        for scope in self._redis.smembers(self._index):
            raw = self._redis.hgetall(self._prefix + _decode(scope))
            if raw:
                rows.append({_decode(k): _decode(v) for k, v in raw.items()})
        return sorted(rows, key=lambda r: (r.get("config", ""), r.get("account", "")))
