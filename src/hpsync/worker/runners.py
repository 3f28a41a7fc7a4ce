"""Runners: what a task does for each flow, given to the Celery app (``make_app``).

A runner takes the command and a ``fence`` callable (raise LeaseHeld when this worker
lost the account) and returns a small summary. The real ones only compose bootstrap
and the use cases (``sync.runs``, ``sync.write_back``); the task itself holds no logic.
A test gives the app another runner (``hpsync.testing.worker_runner``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from hpsync.state import Lease, StateStore
from hpsync.worker.command import Command

Fence = Callable[[], None]


class Runner(Protocol):
    def __call__(self, command: Command, fence: Fence, /) -> dict[str, Any]: ...


class FencedStore:
    """The state store, whose fence also checks the worker's Redis lease before each batch."""

    def __init__(self, store: StateStore, fence: Fence) -> None:
        self._store = store
        self._fence = fence

    def check_fence(self, lease: Lease) -> None:
        self._fence()
        self._store.check_fence(lease)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def shared_limiter() -> Any:
    """A limiter factory whose buckets live in Redis: every worker shares each key's budget."""
    import redis

    from hpsync.worker.ratelimit import RedisRateLimiter
    from hpsync.worker.settings import WorkerSettings

    settings = WorkerSettings.from_env()
    conn = redis.Redis.from_url(settings.redis_url)
    return lambda key, scale: RedisRateLimiter(conn, key, prefix=settings.prefix, scale=scale)


def run_down_command(command: Command, fence: Fence) -> dict[str, Any]:
    """Read the base, then plan and apply the down flow of one account."""
    from hpsync.bootstrap import open_context
    from hpsync.config import load_config
    from hpsync.sync.parallel import raise_first

    with open_context(load_config(Path(command.config)), limiter_factory=shared_limiter()) as ctx:
        setup = ctx.account(command.account)
        snapshot = ctx.hyperplanning.read_snapshot()
        fence()
        fenced = ctx.with_store(cast(StateStore, FencedStore(ctx.store, fence)))
        (out,) = raise_first(fenced.sync_down([setup], snapshot))
        return {"run_id": out.run_id, "outcome": out.outcome, "counts": out.counts}


def run_up_command(command: Command, fence: Fence) -> dict[str, Any]:
    """Read the base and the final sheets, then write attendance back into Hyperplanning,
    last years' bases included."""
    from hpsync.bootstrap import open_context
    from hpsync.config import load_config

    with open_context(load_config(Path(command.config)), limiter_factory=shared_limiter()) as ctx:
        setup = ctx.account(command.account)
        snapshot = ctx.hyperplanning.read_snapshot()
        fence()
        fenced = ctx.with_store(cast(StateStore, FencedStore(ctx.store, fence)))
        done = fenced.write_back([setup], snapshot)
        out = done.current[0]
        return {
            "run_id": out.run_id,
            "outcome": out.outcome,
            "counts": out.counts,
            "previous": [
                {
                    "base_id": p.base_id,
                    "outcome": p.outcome.outcome if p.outcome else "failed",
                    "error": str(p.error) if p.error else "",
                }
                for p in done.previous
            ],
        }


REAL_RUNNERS: Mapping[str, Runner] = {"down": run_down_command, "up": run_up_command}
