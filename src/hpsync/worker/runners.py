"""Runners: what a task does for each flow, injectable so tests can swap in a fake.

A runner takes the command and a ``fence`` callable (raise LeaseHeld when this worker
lost the account) and returns a small summary. The real ones only compose bootstrap
and ``hpsync.sync.runs``; the task itself holds no logic.
"""

from __future__ import annotations

import os
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
    from hpsync.sync.runs import run_down

    with open_context(load_config(Path(command.config)), limiter_factory=shared_limiter()) as ctx:
        setup = ctx.account(command.account)
        snapshot = ctx.hyperplanning.read_snapshot()
        fence()
        store = cast(StateStore, FencedStore(ctx.store, fence))
        out = run_down(store, snapshot, setup)
        return {"run_id": out.run_id, "outcome": out.outcome, "counts": out.counts}


def run_up_command(command: Command, fence: Fence) -> dict[str, Any]:
    """Read the base and the final sheets, then write attendance back into Hyperplanning."""
    from hpsync.bootstrap import open_context, previous_clients
    from hpsync.config import load_config
    from hpsync.sync.write_back import write_back

    with open_context(load_config(Path(command.config)), limiter_factory=shared_limiter()) as ctx:
        setup = ctx.account(command.account)
        snapshot = ctx.hyperplanning.read_snapshot()
        fence()
        store = cast(StateStore, FencedStore(ctx.store, fence))
        previous = previous_clients(ctx.config)
        try:
            done = write_back(store, [setup], snapshot, ctx.hyperplanning, previous)
        finally:
            for client in previous:
                client.close()
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
FAKE_ENV = "HPSYNC_WORKER_FAKE_RUNNER"


def runners_from_env(env: Mapping[str, str] | None = None) -> Mapping[str, Runner]:
    """The real runners, or the file-recording fake when ``HPSYNC_WORKER_FAKE_RUNNER`` is set."""
    env = os.environ if env is None else env
    path = env.get(FAKE_ENV, "")
    if not path:
        return REAL_RUNNERS
    from hpsync.worker.fake import RecordingRunner

    fake = RecordingRunner(Path(path), float(env.get("HPSYNC_WORKER_FAKE_SECONDS", "0.2") or 0.2))
    return {"down": fake, "up": fake}
