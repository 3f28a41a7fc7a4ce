"""Worker settings from the environment, so `celery -A hpsync.worker.app` needs no flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """Where the broker is and how long things live; every key starts with ``prefix``."""

    redis_url: str = DEFAULT_REDIS_URL
    prefix: str = "hpsync"
    queue: str = "hpsync"
    lease_seconds: int = 600  # renewed every third while a run is alive
    visibility_timeout: int = 3600  # an unacked task of a dead worker comes back after it
    restore_interval: int = 10
    done_ttl_seconds: int = 3 * 24 * 3600
    max_retries: int = 5
    retry_base_seconds: int = 30
    tick_seconds: int = 60  # how often beat looks for due accounts

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerSettings:
        """Read ``HPSYNC_REDIS_URL`` and the ``HPSYNC_WORKER_*`` knobs."""
        env = os.environ if env is None else env
        return cls(
            redis_url=env.get("HPSYNC_REDIS_URL", "") or DEFAULT_REDIS_URL,
            prefix=env.get("HPSYNC_WORKER_PREFIX", "") or "hpsync",
            queue=env.get("HPSYNC_WORKER_QUEUE", "") or "hpsync",
            lease_seconds=_int(env, "HPSYNC_WORKER_LEASE_SECONDS", 600),
            visibility_timeout=_int(env, "HPSYNC_WORKER_VISIBILITY_TIMEOUT", 3600),
            restore_interval=_int(env, "HPSYNC_WORKER_RESTORE_INTERVAL", 10),
            done_ttl_seconds=_int(env, "HPSYNC_WORKER_DONE_TTL", 3 * 24 * 3600),
            max_retries=_int(env, "HPSYNC_WORKER_MAX_RETRIES", 5),
            retry_base_seconds=_int(env, "HPSYNC_WORKER_RETRY_SECONDS", 30),
            tick_seconds=_int(env, "HPSYNC_WORKER_TICK_SECONDS", 60),
        )

    def key(self, *parts: str) -> str:
        """A Redis key under this deployment's prefix."""
        return ":".join((self.prefix, *parts))
